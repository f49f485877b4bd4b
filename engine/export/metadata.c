/*
 * metadata.c - provenance in the GeoPackage Metadata extension (OGC 12-128r18
 * clause F.8): how the product was made, so a reader can tell exactly which
 * engine, inputs and parameters produced it.
 *
 * Two gpkg_metadata rows of scope "dataset", each referenced from
 * gpkg_metadata_reference with reference_scope "geopackage":
 *  - application/json, standard urn:senda:provenance:1: engine and library
 *    versions, creation time (ISO 8601 UTC), scenario name, every parameter,
 *    every input file with its size and SHA-256, the counts, and each table
 *    with its kind, feature count and units;
 *  - application/yaml, standard urn:senda:scenario:1: the scenario file as
 *    written (when there is one).
 * The tables are created with the exact DDL of the standard when absent (GDAL
 * may already have made them) and the extension is registered in
 * gpkg_extensions once, with GDAL's definition URI, so GDAL's validator and
 * GDAL itself accept the rows. Inputs are hashed in 64 KB chunks: O(total
 * input size) time, constant memory.
 */
#include <geos_c.h>
#include <json-c/json.h>
#include <proj.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cpl_error.h>

#include "export/export_int.h"
#include "io/io_int.h"

/* "key: value" lines into a JSON object (numbers stay numbers). */
static json_object *lines_object(const char *text)
{
    json_object *o = json_object_new_object();
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (colon) {
            char key[128], value[2048];
            snprintf(key, sizeof key, "%.*s", (int)(colon - p), p);
            const char *v = colon + 1;
            while (v < end && *v == ' ')
                v++;
            snprintf(value, sizeof value, "%.*s", (int)(end - v), v);
            char *num_end = NULL;
            double d = strtod(value, &num_end);
            int integer = value[0] && strspn(value + (value[0] == '-'), "0123456789") ==
                                          strlen(value + (value[0] == '-'));
            json_object *jv = !value[0] || *num_end ? json_object_new_string(value)
                              : integer ? json_object_new_int64(strtoll(value, NULL, 10))
                                        : json_object_new_double(d);
            json_object_object_add(o, key, jv);
        }
        p = nl ? nl + 1 : end;
    }
    return o;
}

static senda_status inputs_array(senda_ctx *ctx, const senda_export_product_info *info,
                                 json_object *arr)
{
    for (size_t i = 0; i < info->n_inputs; i++) {
        char hex[65];
        senda_status st = senda__sha256_source(ctx, info->inputs[i], hex);
        if (st != SENDA_OK)
            return st;
        struct stat sb;
        json_object *o = json_object_new_object();
        char label[1024];
        json_object_object_add(o, "path", json_object_new_string(
                                              senda__source_label(info->inputs[i], label,
                                                                  sizeof label)));
        json_object_object_add(o, "bytes", json_object_new_int64(
                                               stat(info->inputs[i], &sb) == 0 ? sb.st_size : -1));
        json_object_object_add(o, "sha256", json_object_new_string(hex));
        json_object_array_add(arr, o);
    }
    return SENDA_OK;
}

static json_object *tables_array(const senda__table *t, size_t n)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "table", json_object_new_string(t[i].name));
        json_object_object_add(o, "title", json_object_new_string(t[i].title));
        json_object_object_add(o, "type", json_object_new_string(t[i].raster ? "coverage"
                                                                            : "features"));
        if (t[i].raster)
            json_object_object_add(o, "units", json_object_new_string(t[i].units));
        else
            json_object_object_add(o, "features", json_object_new_int64(t[i].n_features));
        json_object_array_add(arr, o);
    }
    return arr;
}

static senda_status provenance_json(senda_ctx *ctx, const senda_export_product_info *info,
                                    const senda__table *t, size_t n, json_object **out)
{
    json_object *o = json_object_new_object(), *engine = json_object_new_object();
    char when[32], geos[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(geos, sizeof geos, "%s", GEOSversion());
    json_object_object_add(engine, "name", json_object_new_string("senda"));
    json_object_object_add(engine, "version", json_object_new_string(senda_version()));
    json_object_object_add(engine, "gdal", json_object_new_string(GDALVersionInfo("RELEASE_NAME")));
    json_object_object_add(engine, "proj", json_object_new_string(proj_info().version));
    json_object_object_add(engine, "geos", json_object_new_string(geos));
    json_object_object_add(o, "engine", engine);
    json_object_object_add(o, "created", json_object_new_string(when));
    if (info->scenario_name)
        json_object_object_add(o, "scenario", json_object_new_string(info->scenario_name));
    if (info->title || info->title_note) {
        char title[512];
        snprintf(title, sizeof title, "%s%s%s", info->title ? info->title : "",
                 info->title && info->title_note ? " - " : "",
                 info->title_note ? info->title_note : "");
        json_object_object_add(o, "title", json_object_new_string(title));
    }
    json_object_object_add(o, "crs", json_object_new_string(info->crs ? info->crs
                                                                      : SENDA_DEFAULT_CRS));
    json_object_object_add(o, "parameters", lines_object(info->params));
    json_object *inputs = json_object_new_array();
    json_object_object_add(o, "inputs", inputs);
    senda_status st = inputs_array(ctx, info, inputs);
    json_object_object_add(o, "counts", lines_object(info->counts));
    json_object_object_add(o, "tables", tables_array(t, n));
    if (st != SENDA_OK) {
        json_object_put(o);
        return st;
    }
    *out = o;
    return SENDA_OK;
}

static const char *const ddl[] = {
    "CREATE TABLE IF NOT EXISTS gpkg_metadata (id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT "
    "NULL, md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL, mime_type "
    "TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (reference_scope TEXT NOT NULL, "
    "table_name TEXT, column_name TEXT, row_id_value INTEGER, timestamp DATETIME NOT NULL "
    "DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), md_file_id INTEGER NOT NULL, "
    "md_parent_id INTEGER, CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES "
    "gpkg_metadata(id), CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES "
    "gpkg_metadata(id))",
    "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
    "SELECT 'gpkg_metadata', NULL, 'gpkg_metadata', "
    "'http://www.geopackage.org/spec120/#extension_metadata', 'read-write' WHERE NOT EXISTS "
    "(SELECT 1 FROM gpkg_extensions WHERE table_name = 'gpkg_metadata' AND extension_name = "
    "'gpkg_metadata')",
    "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
    "SELECT 'gpkg_metadata_reference', NULL, 'gpkg_metadata', "
    "'http://www.geopackage.org/spec120/#extension_metadata', 'read-write' WHERE NOT EXISTS "
    "(SELECT 1 FROM gpkg_extensions WHERE table_name = 'gpkg_metadata_reference' AND "
    "extension_name = 'gpkg_metadata')",
};

static senda_status exec(senda_ctx *ctx, GDALDatasetH ds, const char *sql)
{
    CPLErrorReset();
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    if (r)
        GDALDatasetReleaseResultSet(ds, r);
    if (CPLGetLastErrorType() >= CE_Failure)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write the provenance metadata");
    return SENDA_OK;
}

/* One metadata row and its geopackage-scope reference. */
static senda_status add_row(senda_ctx *ctx, GDALDatasetH ds, const char *standard,
                            const char *mime, const char *text)
{
    senda__sbuf sql;
    senda__sb_init(&sql, ctx);
    senda__sb_printf(&sql, "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, "
                           "metadata) VALUES ('dataset', '%s', '%s', '", standard, mime);
    senda__sb_sql(&sql, text);
    senda__sb_printf(&sql, "')");
    senda_status st = sql.failed ? SENDA_ERR_NOMEM : exec(ctx, ds, sql.s);
    senda__sb_free(&sql);
    if (st == SENDA_OK)
        st = exec(ctx, ds, "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, "
                           "column_name, row_id_value, md_file_id) VALUES ('geopackage', NULL, "
                           "NULL, NULL, (SELECT MAX(id) FROM gpkg_metadata))");
    return st;
}

senda_status senda__write_provenance(senda_ctx *ctx, GDALDatasetH ds,
                                     const senda_export_product_info *info, const senda__table *t,
                                     size_t n)
{
    json_object *o = NULL;
    senda_status st = provenance_json(ctx, info, t, n, &o);
    for (size_t i = 0; i < sizeof ddl / sizeof ddl[0] && st == SENDA_OK; i++)
        st = exec(ctx, ds, ddl[i]);
    if (st == SENDA_OK)
        st = add_row(ctx, ds, "urn:senda:provenance:1", "application/json",
                     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    if (st == SENDA_OK && info->scenario_text && info->scenario_text[0])
        st = add_row(ctx, ds, "urn:senda:scenario:1", "application/yaml", info->scenario_text);
    json_object_put(o);
    return st;
}
