/*
 * tables.c - what is in a product: every feature table and gridded coverage
 * of a GeoPackage, recognised by name as one of senda's layer kinds, with
 * the numbers its default style needs (categories found, class breaks,
 * value range, a date field for QGIS's temporal controller).
 *
 * Class breaks of graduated styles are quantiles (5 classes; the method
 * QGIS calls "Quantile (Equal Count)") of the style field's non-null values,
 * read in one pass and sorted: O(n log n) time, 8n bytes. Coverage ranges
 * are GDAL's exact min/max of the valid cells (nodata excluded). A table
 * of an unknown name gets a plain single-symbol or grey-ramp style.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <ogr_api.h>

#include "export/export_int.h"

static const struct {
    const char *name;  /* exact name, or prefix when it ends in '*' */
    senda__layer_kind kind;
    int raster;
    const char *title;
} kinds[] = {
    {"border", SENDA__K_BORDER, 0, "International border"},
    {"rail", SENDA__K_RAIL, 0, "Freight railway"},
    {"checkpoints", SENDA__K_CHECKPOINTS, 0, "Immigration checkpoints"},
    {"checkpoints_added", SENDA__K_CHECKPOINT_ADDED, 0, "Checkpoint added (what-if)"},
    {"checkpoints_removed", SENDA__K_CHECKPOINT_REMOVED, 0, "Checkpoint removed (what-if)"},
    {"likely_corridors", SENDA__K_OTHER_VECTOR, 0, "Exposure per migrant by crossing (likely "
     "routes)"},
    {"flow_demand*", SENDA__K_OTHER_VECTOR, 0, "Demand on flows (route density x exposure)"},
    {"crossings", SENDA__K_CROSSINGS, 0, "Border crossings"},
    {"shelters", SENDA__K_SHELTERS, 0, "Migrant shelters"},
    {"shelter_site*", SENDA__K_SITES, 0, "New shelter sites (by rank)"},
    {"candidate*", SENDA__K_SITES, 0, "Candidate shelter sites (by rank)"},
    {"site*", SENDA__K_SITES, 0, "Candidate shelter sites (by rank)"},
    {"path_profile*", SENDA__K_OTHER_VECTOR, 0, "Danger along the paths (table)"},
    {"path*", SENDA__K_PATHS, 0, "Least-danger paths (by rank)"},
    {"routes", SENDA__K_ROUTES, 0, "Rail lines (danger per km over the whole line)"},
    {"route*", SENDA__K_ROUTES, 0, "Rail danger per km (sliding windows)"},
    {"coverage_area*", SENDA__K_OTHER_VECTOR, 0, "Areas the new shelter sites cover"},
    {"demand_allocation*", SENDA__K_OTHER_VECTOR, 0, "Demand allocated to its shelter"},
    {"incident_areas", SENDA__K_AREAS, 0, "Incidents per area (every figure 0 or at least k)"},
    {"incident*", SENDA__K_INCIDENTS, 0, "Incidents by type"},
    {"hotspot_cube", SENDA__K_HOTSPOT, 0, "Space-time cube (Gi* bins per time step)"},
    {"hotspot_change", SENDA__K_OTHER_VECTOR, 0, "Hot spot change between two periods"},
    {"emerging_hotspots", SENDA__K_OTHER_VECTOR, 0, "Emerging hot spots (ArcGIS categories)"},
    {"hotspot*", SENDA__K_HOTSPOT, 0, "Hotspots (Gi* z-score bins)"},
    {"gistar*", SENDA__K_HOTSPOT, 0, "Hotspots (Gi* z-score bins)"},
    {"density*", SENDA__K_DENSITY, 1, "Incident density"},
    {"danger*", SENDA__K_DANGER, 1, "Danger surface"},
    {"route_density_change*", SENDA__K_CHANGE, 1, "Change in route density (what-if minus "
     "before; red: more people pass)"},
    {"route_density*", SENDA__K_FLOW, 1, "Route density (expected share of migrants)"},
    {"exposure*", SENDA__K_DANGER, 1, "Exposure per km"},
    {"choice_cost*", SENDA__K_COST, 1, "Choice cost per km"},
    {"*cost", SENDA__K_COST, 1, "Accumulated cost"},
    {"cost*", SENDA__K_COST, 1, "Accumulated cost"},
};

/* Field names each kind classifies on, first found wins. */
static const char *const style_fields[][4] = {
    [SENDA__K_HOTSPOT] = {"gi_bin", "gibin", NULL},
    [SENDA__K_ROUTES] = {"danger_per_km", "danger_km", "danger", NULL},
    [SENDA__K_PATHS] = {"rank", "path_rank", NULL},
    [SENDA__K_SITES] = {"rank", "site_rank", NULL},
    [SENDA__K_AREAS] = {"incidents", NULL},
    [SENDA__K_SHELTERS] = {"rank", NULL},
    [SENDA__K_INCIDENTS] = {"type", "type_code", "incident_type", NULL},
};

static int name_matches(const char *pattern, const char *name)
{
    size_t n = strlen(pattern);
    if (pattern[0] == '*') {
        size_t m = strlen(name);
        return m >= n - 1 && strcasecmp(name + m - (n - 1), pattern + 1) == 0;
    }
    if (pattern[n - 1] == '*')
        return strncasecmp(pattern, name, n - 1) == 0;
    return strcasecmp(pattern, name) == 0;
}

static void classify(senda__table *t)
{
    t->kind = t->raster ? SENDA__K_OTHER_RASTER : SENDA__K_OTHER_VECTOR;
    snprintf(t->title, sizeof t->title, "%s", t->name);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].raster == t->raster && name_matches(kinds[i].name, t->name)) {
            t->kind = kinds[i].kind;
            snprintf(t->title, sizeof t->title, "%s", kinds[i].title);
            return;
        }
}

/* Drawing order: lines of the frame on top, surfaces at the bottom. */
static int draw_rank(senda__layer_kind k)
{
    static const senda__layer_kind order[] = {
        SENDA__K_BORDER, SENDA__K_RAIL, SENDA__K_CHECKPOINT_ADDED, SENDA__K_CHECKPOINT_REMOVED,
        SENDA__K_CHECKPOINTS, SENDA__K_CROSSINGS,
        SENDA__K_SHELTERS, SENDA__K_SITES, SENDA__K_PATHS, SENDA__K_INCIDENTS,
        SENDA__K_ROUTES, SENDA__K_OTHER_VECTOR, SENDA__K_AREAS, SENDA__K_HOTSPOT, SENDA__K_DENSITY,
        SENDA__K_CHANGE, SENDA__K_FLOW, SENDA__K_DANGER, SENDA__K_COST, SENDA__K_OTHER_RASTER};
    for (int i = 0; i < (int)(sizeof order / sizeof order[0]); i++)
        if (order[i] == k)
            return i;
    return 99;
}

static int cmp_table(const void *a, const void *b)
{
    const senda__table *x = a, *y = b;
    int d = draw_rank(x->kind) - draw_rank(y->kind);
    return d ? d : strcmp(x->name, y->name);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile breaks (5 classes) of a numeric field. */
static senda_status graduated_breaks(senda_ctx *ctx, OGRLayerH lyr, int fi, senda__table *t)
{
    size_t cap = (size_t)(t->n_features > 0 ? t->n_features : 1), n = 0;
    double *v = senda__calloc(ctx, cap, sizeof *v);
    if (!v)
        return SENDA_ERR_NOMEM;
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        if (n < cap && OGR_F_IsFieldSetAndNotNull(f, fi)) {
            double x = OGR_F_GetFieldAsDouble(f, fi);
            if (isfinite(x))
                v[n++] = x;
        }
        OGR_F_Destroy(f);
    }
    if (n) {
        qsort(v, n, sizeof *v, cmp_double);
        t->min = v[0];
        t->max = v[n - 1];
        t->n_breaks = 0;
        for (int k = 0; k <= 5; k++) {
            double b = v[(size_t)((double)(n - 1) * k / 5.0 + 0.5)];
            if (t->n_breaks == 0 || b > t->breaks[t->n_breaks - 1])
                t->breaks[t->n_breaks++] = b;
        }
    }
    senda__free(v);
    return SENDA_OK;
}

/* Distinct values of a text field, sorted, at most 16. */
static void categories(GDALDatasetH ds, senda__table *t)
{
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT DISTINCT \"%s\" FROM \"%s\" WHERE \"%s\" IS NOT NULL "
             "ORDER BY 1 LIMIT 16", t->field, t->name, t->field);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    if (!r)
        return;
    OGRFeatureH f;
    while (t->n_cats < 16 && (f = OGR_L_GetNextFeature(r)) != NULL) {
        snprintf(t->cats[t->n_cats++], sizeof t->cats[0], "%s", OGR_F_GetFieldAsString(f, 0));
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, r);
}

/* First and last date of the temporal field, as GeoPackage stores them (ISO 8601). */
static void time_range(GDALDatasetH ds, senda__table *t)
{
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT MIN(\"%s\"), MAX(\"%s\") FROM \"%s\"", t->time_field,
             t->time_field, t->name);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    if (!r)
        return;
    OGRFeatureH f = OGR_L_GetNextFeature(r);
    if (f) {
        snprintf(t->time_min, sizeof t->time_min, "%s", OGR_F_GetFieldAsString(f, 0));
        snprintf(t->time_max, sizeof t->time_max, "%s", OGR_F_GetFieldAsString(f, 1));
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, r);
}

static senda_status vector_table(senda_ctx *ctx, GDALDatasetH ds, senda__table *t)
{
    OGRLayerH lyr = GDALDatasetGetLayerByName(ds, t->name);
    if (!lyr)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "table '%s' is listed but cannot be read",
                                t->name);
    t->geom_type = OGR_L_GetGeomType(lyr);
    snprintf(t->geom_column, sizeof t->geom_column, "%s", OGR_L_GetGeometryColumn(lyr));
    t->n_features = (long)OGR_L_GetFeatureCount(lyr, 1);
    OGREnvelope env;
    if (OGR_L_GetExtent(lyr, &env, 1) == OGRERR_NONE) {
        t->extent[0] = env.MinX, t->extent[1] = env.MinY;
        t->extent[2] = env.MaxX, t->extent[3] = env.MaxY;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
        OGRFieldType ft = OGR_Fld_GetType(fd);
        if (!t->time_field[0] && (ft == OFTDate || ft == OFTDateTime))
            snprintf(t->time_field, sizeof t->time_field, "%s", OGR_Fld_GetNameRef(fd));
    }
    if (t->time_field[0])
        time_range(ds, t);
    if ((size_t)t->kind >= sizeof style_fields / sizeof style_fields[0])
        return SENDA_OK;
    for (const char *const *name = style_fields[t->kind]; *name; name++) {
        int fi = OGR_FD_GetFieldIndex(defn, *name);
        if (fi < 0)
            continue;
        snprintf(t->field, sizeof t->field, "%s", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn,
                                                                                       fi)));
        if (t->kind == SENDA__K_INCIDENTS) {
            categories(ds, t);
            return SENDA_OK;
        }
        if (t->kind == SENDA__K_HOTSPOT)
            return SENDA_OK;
        return graduated_breaks(ctx, lyr, fi, t);
    }
    return SENDA_OK;
}

int senda__tables_extent(const senda__table *t, size_t n, double e[4])
{
    int have = 0;
    for (int pass = 0; pass < 2 && !have; pass++)
        for (size_t i = 0; i < n; i++) {
            if ((pass == 0 && t[i].raster) || !(t[i].extent[2] > t[i].extent[0]))
                continue;
            for (int k = 0; k < 4; k++)
                e[k] = !have ? t[i].extent[k]
                       : k < 2 ? fmin(e[k], t[i].extent[k]) : fmax(e[k], t[i].extent[k]);
            have = 1;
        }
    return have;
}

senda_status senda__product_coverage_open(senda_ctx *ctx, const char *path,
                                          const senda__table *t, GDALDatasetH *out)
{
    char sub[1400];
    snprintf(sub, sizeof sub, "GPKG:%s:%s", path, t->name);
    CPLErrorReset();
    *out = GDALOpenEx(sub, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!*out)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot read coverage '%s'", path,
                                t->name);
    return SENDA_OK;
}

static senda_status raster_table(senda_ctx *ctx, const char *path, senda__table *t)
{
    GDALDatasetH r = NULL;
    senda_status st = senda__product_coverage_open(ctx, path, t, &r);
    if (st != SENDA_OK)
        return st;
    GDALRasterBandH band = GDALGetRasterBand(r, 1);
    snprintf(t->units, sizeof t->units, "%s", GDALGetRasterUnitType(band));
    double mm[2] = {0.0, 0.0}, gt[6];
    if (GDALComputeRasterMinMax(band, FALSE, mm) == CE_None) {
        t->min = mm[0];
        t->max = mm[1];
    }
    if (strstr(t->name, "_change")) { /* a difference: a ramp symmetric about 0 */
        double m = fmax(fabs(t->min), fabs(t->max));
        t->min = -m;
        t->max = m;
    }
    CPLErrorReset(); /* an all-nodata surface has no min/max: keep 0..0 */
    if (GDALGetGeoTransform(r, gt) == CE_None) {
        t->extent[0] = gt[0];
        t->extent[3] = gt[3];
        t->extent[2] = gt[0] + gt[1] * GDALGetRasterXSize(r);
        t->extent[1] = gt[3] + gt[5] * GDALGetRasterYSize(r);
    }
    GDALClose(r);
    if (t->units[0]) {
        size_t len = strlen(t->title);
        snprintf(t->title + len, sizeof t->title - len, " (%s)", t->units);
    }
    return SENDA_OK;
}

/* Hot-spot layers say in their title what was counted, from the description
 * the hotspot module writes ("Getis-Ord Gi* of incidents (events, ...): ..."). */
static void counted_title(senda__table *t, const char *desc)
{
    static const char *const lead[] = {
        "Getis-Ord Gi* of ",
        "Emerging hot spots (ArcGIS's categories) of ",
        "Space-time cube of ",
    };
    for (size_t k = 0; desc && k < sizeof lead / sizeof lead[0]; k++) {
        size_t n = strlen(lead[k]);
        if (strncmp(desc, lead[k], n) != 0)
            continue;
        const char *what = desc + n, *end = strstr(what, ": ");
        const char *per = strstr(what, " per ");
        if (per && (!end || per < end))
            end = per;
        size_t len = strlen(t->title), w = end ? (size_t)(end - what) : strlen(what);
        snprintf(t->title + len, sizeof t->title - len, ", counting %.*s", (int)w, what);
        return;
    }
}

senda_status senda__product_tables(senda_ctx *ctx, const char *path, senda__table *out,
                                   size_t max, size_t *n_out)
{
    *n_out = 0;
    senda__gdal_register();
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_RASTER | GDAL_OF_READONLY, NULL,
                                 NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open as a GeoPackage", path);
    senda_status st = SENDA_OK;
    OGRLayerH res = GDALDatasetExecuteSQL(ds, "SELECT table_name, data_type, srs_id, "
                                          "description FROM gpkg_contents WHERE data_type IN "
                                          "('features', '2d-gridded-coverage') ORDER BY "
                                          "table_name", NULL, "SQLITE");
    if (!res) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: no gpkg_contents table", path);
        goto done;
    }
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(res)) != NULL) {
        if (*n_out < max) {
            senda__table *t = &out[*n_out];
            memset(t, 0, sizeof *t);
            snprintf(t->name, sizeof t->name, "%s", OGR_F_GetFieldAsString(f, 0));
            t->raster = strcmp(OGR_F_GetFieldAsString(f, 1), "features") != 0;
            t->srs_id = OGR_F_GetFieldAsInteger(f, 2);
            classify(t);
            counted_title(t, OGR_F_GetFieldAsString(f, 3));
            (*n_out)++;
        }
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, res);
    for (size_t i = 0; i < *n_out && st == SENDA_OK; i++)
        st = out[i].raster ? raster_table(ctx, path, &out[i]) : vector_table(ctx, ds, &out[i]);
    if (st == SENDA_OK)
        qsort(out, *n_out, sizeof *out, cmp_table);
done:
    GDALClose(ds);
    return st;
}
