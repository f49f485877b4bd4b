/*
 * titles.c - what each layer and field of the product means, written where
 * GIS tools look for it: gpkg_contents.description gets the layer's legend
 * title with units (QGIS shows it as the layer's abstract), and
 * gpkg_data_columns (the GeoPackage Schema extension, OGC 12-128r18 Annex
 * F.9; both of its tables are created and registered when GDAL has not)
 * gets a title and a description for every field senda writes, so
 * QGIS's attribute table shows "Gi* z-score" over GiZScore and "Danger per
 * km (danger units per km)" over danger_per_km. Rows that already exist (the
 * incident_type domain's) keep their constraint and gain the title.
 *
 * Written with SQLite after GDAL has closed the file, every value a bound
 * parameter. Cost: one statement per field, in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "export/export_int.h"

static const struct {
    const char *field, *title, *description;
} fields[] = {
    {"count", "Incidents in cell", "reports located in the cell"},
    {"weight", "Weight", "severity x victims, or 1 per event when the run counts events"},
    {"GiZScore", "Gi* z-score", "Getis-Ord Gi* standard score of the cell's neighbourhood"},
    {"GiPValue", "Gi* p-value", "two-sided p-value of the z-score"},
    {"Gi_Bin", "Gi* confidence bin",
     "-3..3: cold or hot spot at 99, 95, 90 % confidence (FDR-corrected), 0 not significant"},
    {"NNeighbors", "Cells in the neighbourhood", "cells within the Gi* band, the cell included"},
    {"single_event", "Single event", "1: the hot spot rests on one event only"},
    {"name", "Name", NULL},
    {"length_km", "Length (km)", NULL},
    {"incidents", "Incidents", "reports within the window or line buffer"},
    {"danger_per_km", "Danger per km", "danger units per km of travel"},
    {"mean_danger", "Mean surface danger", "mean of the danger surface along it, per km"},
    {"total_danger", "Total danger", "danger units (danger per km x km)"},
    {"max_window_danger_per_km", "Worst 10 km window", "danger units per km"},
    {"line", "Rail line", NULL},
    {"chainage_km_from", "From (km)", "distance along the line where the window starts"},
    {"chainage_km_to", "To (km)", "distance along the line where the window ends"},
    {"rank", "Rank", "1 = first"},
    {"candidate_id", "Candidate site id", NULL},
    {"marginal_demand", "Demand newly covered", "weighted incidents no better site covers"},
    {"cumulative_pct", "Cumulative coverage (%)", "share of all demand covered by sites up to "
                                                   "this rank and the existing shelters"},
    {"own_danger", "Danger at the site", "danger per km of the site's own cell"},
    {"nearest_shelter_m", "Nearest shelter (m)", "straight-line distance"},
    {"covered_by_site", "Demand covered by the site", "weighted incidents within its reach"},
    {"radius_m", "Service radius (m)", NULL},
    {"max_cost", "Service budget (cost units)", NULL},
    {"demand_id", "Demand id", NULL},
    {"site_kind", "Site kind", "existing shelter or new site"},
    {"site_rank", "Site rank", NULL},
    {"site_id", "Site id", NULL},
    {"distance_m", "Distance to its site (m)", NULL},
    {"cost", "Accumulated cost", "danger units"},
    {"alternative", "Alternative", "0 = the least-danger path, 1.. alternatives"},
    {"n_cells", "Cells crossed", NULL},
    {"extra_cost_pct", "Extra danger (%)", "over the least-danger path"},
    {"extra_length_pct", "Extra length (%)", "over the least-danger path"},
    {"path", "Path", NULL},
    {"vertex", "Vertex", NULL},
    {"x", "Easting (m)", "in the product's CRS"},
    {"y", "Northing (m)", "in the product's CRS"},
    {"distance_km", "Distance along the path (km)", NULL},
    {"accumulated", "Accumulated danger", "danger units from the start of the path"},
    {"type", "Incident type", "code of the incident_type domain"},
    {"perpetrator", "Perpetrator", NULL},
    {"date_first", "Date (earliest)", "first day the report's date can mean"},
    {"date_last", "Date (latest)", "last day the report's date can mean"},
    {"date_precision", "Date precision", "day, month or year"},
    {"victims", "Victims", "dead, missing or harmed"},
    {"women", "Women", NULL},
    {"men", "Men", NULL},
    {"minors", "Minors", NULL},
    {"severity", "Severity weight", NULL},
    {"status", "Status", NULL},
    {"geocode_precision", "Location precision", "exact, locality, approximate or whole degree"},
};

static const char *const create_sql =
    "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT "
    "NOT NULL, name TEXT UNIQUE, title TEXT, description TEXT, mime_type TEXT, constraint_name "
    "TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE "
    "(table_name, name));"
    "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, "
    "constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max "
    "NUMERIC, max_is_inclusive BOOLEAN, description TEXT, CONSTRAINT gdcc_ntv UNIQUE "
    "(constraint_name, constraint_type, value));"
    "INSERT INTO gpkg_extensions(table_name, column_name, extension_name, definition, scope) "
    "SELECT t, NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', "
    "'read-write' FROM (SELECT 'gpkg_data_columns' AS t UNION ALL SELECT "
    "'gpkg_data_column_constraints') WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions e WHERE "
    "e.table_name = t AND e.extension_name = 'gpkg_schema');";

static int field_titles(sqlite3 *db, const char *table)
{
    sqlite3_stmt *cols = NULL, *up = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &cols, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(
            db, "INSERT INTO gpkg_data_columns(table_name, column_name, title, description) "
                "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(table_name, column_name) DO UPDATE SET "
                "title = excluded.title, description = excluded.description",
            -1, &up, NULL);
    if (rc == SQLITE_OK)
        sqlite3_bind_text(cols, 1, table, -1, SQLITE_STATIC);
    while (rc == SQLITE_OK && sqlite3_step(cols) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(cols, 0);
        for (size_t i = 0; col && i < sizeof fields / sizeof fields[0]; i++) {
            if (strcmp(fields[i].field, col) != 0)
                continue;
            sqlite3_reset(up);
            sqlite3_bind_text(up, 1, table, -1, SQLITE_STATIC);
            sqlite3_bind_text(up, 2, col, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(up, 3, fields[i].title, -1, SQLITE_STATIC);
            if (fields[i].description)
                sqlite3_bind_text(up, 4, fields[i].description, -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(up, 4);
            rc = sqlite3_step(up) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
            break;
        }
    }
    sqlite3_finalize(cols);
    sqlite3_finalize(up);
    return rc;
}

static int layer_description(sqlite3 *db, const senda__table *t)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, "UPDATE gpkg_contents SET description = ?1 WHERE table_name "
                                    "= ?2 AND (description IS NULL OR description = '')",
                                -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(q, 1, t->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, t->name, -1, SQLITE_STATIC);
        rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(q);
    return rc;
}

senda_status senda__write_titles(senda_ctx *ctx, const char *gpkg_path, const senda__table *t,
                                 size_t n)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(gpkg_path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, create_sql, NULL, NULL, NULL);
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        rc = layer_description(db, &t[i]);
        if (rc == SQLITE_OK && !t[i].raster)
            rc = field_titles(db, t[i].name);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    senda_status st = SENDA_OK;
    if (rc != SQLITE_OK) {
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: cannot write layer and field titles: "
                                            "SQLite: %s", gpkg_path, sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return st;
}
