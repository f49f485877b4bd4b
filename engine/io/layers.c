/*
 * layers.c - load, reproject and validate the corridor layers.
 *
 * Each standard layer (border, rail, checkpoints, crossings, shelters; and
 * "states", "land", "rivers", "river_crossings" and "patrol_roads" when
 * present) is read with OGR from DIR/<name>.{geojson,gpkg,shp,
 * json}, reprojected to the analysis CRS through an OGR coordinate
 * transformation (PROJ underneath), converted to GEOS through WKB and
 * checked with GEOSisValid; an invalid geometry is repaired with
 * GEOSMakeValid and counted as repaired. Lengths are planar lengths in the
 * analysis CRS (UTM 15N by default: under 0.4 % scale error in the corridor).
 *
 * Memory: every geometry and attribute of every layer is held (the default
 * layers are a few thousand vertices). Nodata: features without geometry
 * are skipped and counted in n_empty.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <gdal.h>

#include "io/io_int.h"

typedef enum { KIND_LINE, KIND_POINT, KIND_POLYGON } layer_kind;

static const struct {
    const char *name;
    layer_kind kind;
    int required;
} layer_specs[] = {
    {SENDA_LAYER_BORDER, KIND_LINE, 1},   {SENDA_LAYER_RAIL, KIND_LINE, 1},
    {SENDA_LAYER_CHECKPOINTS, KIND_POINT, 1}, {SENDA_LAYER_CROSSINGS, KIND_POINT, 1},
    {SENDA_LAYER_SHELTERS, KIND_POINT, 1}, {"states", KIND_POLYGON, 0},
    {"land", KIND_POLYGON, 0},
    {SENDA_LAYER_RIVERS, KIND_LINE, 0}, {SENDA_LAYER_RIVER_CROSSINGS, KIND_POINT, 0},
    {SENDA_LAYER_PATROL_ROADS, KIND_LINE, 0},
};

const char *senda_layers_default_dir(void)
{
    const char *env = getenv("SENDA_LAYERS");
    if (env && env[0])
        return env;
    return senda__data_layers_dir();
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Find DIR/name.<ext>; path gets the first that exists. */
static int find_layer_file(const char *dir, const char *name, char *path, size_t path_size)
{
    static const char *exts[] = {"geojson", "gpkg", "shp", "json", "fgb"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        snprintf(path, path_size, "%s/%s.%s", dir, name, exts[i]);
        if (file_exists(path))
            return 1;
    }
    snprintf(path, path_size, "%s/%s.geojson", dir, name);
    return 0;
}

static int kind_accepts(layer_kind kind, OGRwkbGeometryType t)
{
    t = wkbFlatten(t);
    switch (kind) {
    case KIND_LINE: return t == wkbLineString || t == wkbMultiLineString;
    case KIND_POINT: return t == wkbPoint || t == wkbMultiPoint;
    case KIND_POLYGON: return t == wkbPolygon || t == wkbMultiPolygon;
    }
    return 0;
}

/* CamelCase names as in WKT/GeoJSON ("MultiLineString"), not OGR's spaced ones. */
static const char *geom_type_name(OGRwkbGeometryType t)
{
    switch (wkbFlatten(t)) {
    case wkbPoint: return "Point";
    case wkbMultiPoint: return "MultiPoint";
    case wkbLineString: return "LineString";
    case wkbMultiLineString: return "MultiLineString";
    case wkbPolygon: return "Polygon";
    case wkbMultiPolygon: return "MultiPolygon";
    default: return "Geometry";
    }
}

static const char *kind_name(layer_kind kind)
{
    return kind == KIND_LINE ? "lines" : kind == KIND_POINT ? "points" : "polygons";
}

static void add_problem(senda_layer_report *r, const char *fmt, long n)
{
    char buf[256];
    snprintf(buf, sizeof buf, fmt, n);
    size_t len = strlen(r->problems);
    snprintf(r->problems + len, sizeof r->problems - len, "%s%s", len ? "; " : "", buf);
}

static void layer_free(senda_ctx *ctx, senda__layer *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->geoms[i])
            GEOSGeom_destroy_r(ctx->geos, l->geoms[i]);
    if (l->tree)
        GEOSSTRtree_destroy_r(ctx->geos, l->tree);
    if (l->values)
        for (size_t i = 0; i < l->n * l->n_fields; i++)
            senda__free(l->values[i]);
    for (size_t i = 0; l->field_names && i < l->n_fields; i++)
        senda__free(l->field_names[i]);
    senda__free(l->geoms);
    senda__free(l->values);
    senda__free(l->field_names);
    memset(l, 0, sizeof *l);
}

/* Convert, validate and store one OGR geometry already in the analysis CRS. */
static senda_status store_geometry(senda_ctx *ctx, senda__layer *l, OGRGeometryH g, size_t idx)
{
    GEOSGeometry *geom = NULL;
    senda_status st = senda__geos_from_ogr(ctx, g, &geom);
    if (st == SENDA_ERR_GEOM)
        return senda__fail(ctx, SENDA_ERR_GEOM, "%s: feature %zu: GEOS cannot read it",
                           l->report.path, idx);
    if (st != SENDA_OK)
        return st;
    if (GEOSisValid_r(ctx->geos, geom) != 1) {
        GEOSGeometry *fixed = GEOSMakeValid_r(ctx->geos, geom);
        GEOSGeom_destroy_r(ctx->geos, geom);
        if (!fixed)
            return senda__fail(ctx, SENDA_ERR_GEOM, "%s: feature %zu cannot be made valid",
                               l->report.path, idx);
        geom = fixed;
        l->report.n_repaired++;
    }
    l->geoms[idx] = geom;
    return SENDA_OK;
}

static senda_status read_attributes(senda_ctx *ctx, senda__layer *l, OGRFeatureH f, size_t idx)
{
    for (size_t k = 0; k < l->n_fields; k++) {
        const char *v = OGR_F_IsFieldSetAndNotNull(f, (int)k) ? OGR_F_GetFieldAsString(f, (int)k)
                                                                : "";
        if (!(l->values[idx * l->n_fields + k] = senda__strdup(ctx, v)))
            return SENDA_ERR_NOMEM;
    }
    return SENDA_OK;
}

/* Read every feature of an open OGR layer into l. */
static senda_status read_features(senda_ctx *ctx, senda__layer *l, OGRLayerH lyr,
                                  OGRCoordinateTransformationH ct, layer_kind kind)
{
    GIntBig n_feat = OGR_L_GetFeatureCount(lyr, TRUE);
    size_t cap = n_feat > 0 ? (size_t)n_feat : 1;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    l->n_fields = (size_t)OGR_FD_GetFieldCount(defn);
    l->geoms = senda__calloc(ctx, cap, sizeof *l->geoms);
    l->values = senda__calloc(ctx, cap * (l->n_fields ? l->n_fields : 1), sizeof *l->values);
    l->field_names = senda__calloc(ctx, l->n_fields ? l->n_fields : 1, sizeof(char *));
    if (!l->geoms || !l->values || !l->field_names)
        return SENDA_ERR_NOMEM;
    for (size_t k = 0; k < l->n_fields; k++)
        if (!(l->field_names[k] =
                  senda__strdup(ctx, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, (int)k)))))
            return SENDA_ERR_NOMEM;
    senda_status st = SENDA_OK;
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    long fid = 0;
    while (st == SENDA_OK && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        fid++;
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (!g || OGR_G_IsEmpty(g)) {
            l->report.n_empty++;
        } else if (!kind_accepts(kind, OGR_G_GetGeometryType(g))) {
            st = senda__fail(ctx, SENDA_ERR_DATA, "%s: feature %ld is a %s, the %s layer takes %s",
                             l->report.path, fid, OGRGeometryTypeToName(OGR_G_GetGeometryType(g)),
                             l->report.name, kind_name(kind));
        } else if (l->n >= cap) {
            st = senda__fail(ctx, SENDA_ERR_IO, "%s: more features than the layer reported",
                             l->report.path);
        } else if (OGR_G_Transform(g, ct) != OGRERR_NONE) {
            st = senda__fail(ctx, SENDA_ERR_CRS, "%s: feature %ld: PROJ cannot reproject it to %s",
                             l->report.path, fid, "the analysis CRS");
        } else {
            senda__strlcpy(l->report.geom_type, geom_type_name(OGR_G_GetGeometryType(g)),
                           sizeof l->report.geom_type);
            st = store_geometry(ctx, l, g, l->n);
            /* Count the entry as soon as its geometry is stored, so that a
             * failure while reading its attributes still frees it (the value
             * slots are zeroed, layer_free skips the NULL ones). */
            if (st == SENDA_OK)
                st = read_attributes(ctx, l, f, l->n++);
        }
        OGR_F_Destroy(f);
    }
    return st;
}

static void layer_summarise(senda_ctx *ctx, senda__layer *l, layer_kind kind)
{
    senda_layer_report *r = &l->report;
    r->n_features = (long)l->n;
    r->extent[0] = r->extent[1] = HUGE_VAL;
    r->extent[2] = r->extent[3] = -HUGE_VAL;
    double len = 0.0;
    for (size_t i = 0; i < l->n; i++) {
        double xmin, ymin, xmax, ymax, li = 0.0;
        if (GEOSGeom_getXMin_r(ctx->geos, l->geoms[i], &xmin) &&
            GEOSGeom_getYMin_r(ctx->geos, l->geoms[i], &ymin) &&
            GEOSGeom_getXMax_r(ctx->geos, l->geoms[i], &xmax) &&
            GEOSGeom_getYMax_r(ctx->geos, l->geoms[i], &ymax)) {
            r->extent[0] = fmin(r->extent[0], xmin);
            r->extent[1] = fmin(r->extent[1], ymin);
            r->extent[2] = fmax(r->extent[2], xmax);
            r->extent[3] = fmax(r->extent[3], ymax);
        }
        if (kind == KIND_LINE && GEOSLength_r(ctx->geos, l->geoms[i], &li))
            len += li;
    }
    if (l->n == 0)
        r->extent[0] = r->extent[1] = r->extent[2] = r->extent[3] = 0.0;
    r->length_km = len / 1000.0;
    if (l->n == 0)
        add_problem(r, "no features", 0);
    if (r->n_repaired)
        add_problem(r, "%ld geometries repaired with make-valid", r->n_repaired);
    if (r->n_empty)
        add_problem(r, "%ld features without geometry skipped", r->n_empty);
}

/* Open one layer file and load it into l. */
static senda_status load_layer(senda_ctx *ctx, senda__layer *l, const char *path,
                               layer_kind kind, OGRSpatialReferenceH dst)
{
    senda__strlcpy(l->report.path, path, sizeof l->report.path);
    GDALDatasetH ds = NULL;
    senda_status st = senda__vector_open(ctx, path, "it as a vector file", &ds);
    if (st != SENDA_OK)
        return st;
    OGRCoordinateTransformationH ct = NULL;
    OGRLayerH lyr = GDALDatasetGetLayerCount(ds) > 0 ? GDALDatasetGetLayer(ds, 0) : NULL;
    if (!lyr) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: holds no vector layer", path);
        goto done;
    }
    OGRSpatialReferenceH src = OGR_L_GetSpatialRef(lyr);
    if (!src) {
        st = senda__fail(ctx, SENDA_ERR_CRS, "%s: the layer has no CRS; give it one "
                         "(e.g. ogr2ogr -a_srs EPSG:4326)", path);
        goto done;
    }
    OGRSpatialReferenceH src2 = OSRClone(src);
    OSRSetAxisMappingStrategy(src2, OAMS_TRADITIONAL_GIS_ORDER);
    CPLErrorReset();
    ct = OCTNewCoordinateTransformation(src2, dst);
    OSRDestroySpatialReference(src2);
    if (!ct) {
        st = senda__fail_gdal(ctx, SENDA_ERR_CRS, "%s: PROJ cannot transform its CRS", path);
        goto done;
    }
    st = read_features(ctx, l, lyr, ct, kind);
    if (st == SENDA_OK)
        layer_summarise(ctx, l, kind);
done:
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
    return st;
}

senda_status senda_layers_open(senda_ctx *ctx, const char *dir, const char *crs,
                               senda_layers **out, senda_progress_fn progress,
                               void *progress_arg)
{
    senda__reset(ctx);
    if (!ctx || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "ctx or out is NULL");
    *out = NULL;
    if (!dir)
        dir = senda_layers_default_dir();
    if (!crs)
        crs = SENDA_DEFAULT_CRS;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return senda__fail(ctx, SENDA_ERR_IO, "%s: no such layers directory", dir);
    senda__gdal_register();
    OGRSpatialReferenceH dst = senda__srs_from_user(ctx, crs);
    if (!dst)
        return SENDA_ERR_CRS;
    senda_status st = SENDA_OK;
    senda_layers *ls = NULL;
    if (!OSRIsProjected(dst)) {
        st = senda__fail(ctx, SENDA_ERR_CRS, "analysis CRS '%s' is not projected; "
                         "distances need metres (e.g. EPSG:32615)", crs);
        goto done;
    }
    if (!(ls = senda__calloc(ctx, 1, sizeof *ls))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    ls->ctx = ctx;
    senda__strlcpy(ls->crs, crs, sizeof ls->crs);
    size_t n_specs = sizeof layer_specs / sizeof layer_specs[0];
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "loading layers")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    for (size_t i = 0; i < n_specs && st == SENDA_OK; i++) {
        char path[1024];
        if (!find_layer_file(dir, layer_specs[i].name, path, sizeof path)) {
            if (layer_specs[i].required)
                st = senda__fail(ctx, SENDA_ERR_IO, "%s: missing layer file (the %s layer)",
                                 path, layer_specs[i].name);
            continue;
        }
        senda__layer *l = &ls->layers[ls->n_layers++];
        senda__strlcpy(l->report.name, layer_specs[i].name, sizeof l->report.name);
        st = load_layer(ctx, l, path, layer_specs[i].kind, dst);
        if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg,
                                               (double)(i + 1) / (double)n_specs, l->report.name))
            st = SENDA_ERR_CANCELLED;
    }
    if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg, 1.0, "layers loaded"))
        st = SENDA_ERR_CANCELLED;
done:
    OSRDestroySpatialReference(dst);
    if (st != SENDA_OK) {
        senda_layers_destroy(ls);
        return st;
    }
    *out = ls;
    return SENDA_OK;
}

void senda_layers_destroy(senda_layers *layers)
{
    if (!layers)
        return;
    for (size_t i = 0; i < layers->n_layers; i++)
        layer_free(layers->ctx, &layers->layers[i]);
    senda__free(layers);
}

const char *senda_layers_crs(const senda_layers *layers) { return layers->crs; }
size_t senda_layers_count(const senda_layers *layers) { return layers->n_layers; }

const senda_layer_report *senda_layers_report(const senda_layers *layers, size_t i)
{
    return i < layers->n_layers ? &layers->layers[i].report : NULL;
}

long senda_layers_find(const senda_layers *layers, const char *name)
{
    for (size_t i = 0; layers && name && i < layers->n_layers; i++)
        if (strcmp(layers->layers[i].report.name, name) == 0)
            return (long)i;
    return -1;
}

const senda__layer *senda__layers_get(const senda_layers *layers, const char *name)
{
    long i = senda_layers_find(layers, name);
    return i < 0 ? NULL : &layers->layers[i];
}

size_t senda_layers_n_features(const senda_layers *layers, const char *name)
{
    const senda__layer *l = senda__layers_get(layers, name);
    return l ? l->n : 0;
}

const char *senda_layers_attr(const senda_layers *layers, const char *name, size_t i,
                              const char *field)
{
    const senda__layer *l = senda__layers_get(layers, name);
    if (!l || i >= l->n || !field)
        return "";
    for (size_t k = 0; k < l->n_fields; k++)
        if (strcmp(l->field_names[k], field) == 0)
            return l->values[i * l->n_fields + k];
    return "";
}

double senda_layers_feature_length(const senda_layers *layers, const char *name, size_t i)
{
    const senda__layer *l = senda__layers_get(layers, name);
    double len = -1.0;
    if (!l || i >= l->n || !l->geoms[i])
        return -1.0;
    int t = GEOSGeomTypeId_r(layers->ctx->geos, l->geoms[i]);
    if (t != GEOS_LINESTRING && t != GEOS_MULTILINESTRING)
        return -1.0;
    if (!GEOSLength_r(layers->ctx->geos, l->geoms[i], &len))
        return -1.0;
    return len;
}

GEOSSTRtree *senda__layer_tree(senda_ctx *ctx, const senda__layer *layer)
{
    if (!layer || layer->n == 0)
        return NULL;
    if (layer->tree)
        return layer->tree;
    senda__layer *l = (senda__layer *)layer; /* the tree is a cache */
    l->tree = GEOSSTRtree_create_r(ctx->geos, 10);
    if (!l->tree)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        GEOSSTRtree_insert_r(ctx->geos, l->tree, l->geoms[i], (void *)(uintptr_t)i);
    return l->tree;
}

senda_status senda_layers_points(senda_ctx *ctx, const senda_layers *layers, const char *name,
                                 senda_points **out)
{
    senda__reset(ctx);
    if (!layers || !name || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "layers, name or out is NULL");
    *out = NULL;
    const senda__layer *l = senda__layers_get(layers, name);
    if (!l)
        return senda__fail(ctx, SENDA_ERR_DATA, "no layer called '%s' is loaded", name);
    senda_status st = senda_points_create(ctx, l->n, layers->crs, out);
    if (st != SENDA_OK)
        return st;
    for (size_t i = 0; i < l->n; i++) {
        GEOSGeometry *c = GEOSGetCentroid_r(ctx->geos, l->geoms[i]);
        if (!c || !GEOSGeomGetX_r(ctx->geos, c, &(*out)->x[i]) ||
            !GEOSGeomGetY_r(ctx->geos, c, &(*out)->y[i])) {
            if (c)
                GEOSGeom_destroy_r(ctx->geos, c);
            senda_points_destroy(*out);
            *out = NULL;
            return senda__fail(ctx, SENDA_ERR_GEOM, "%s: feature %zu has no centroid",
                               l->report.path, i);
        }
        GEOSGeom_destroy_r(ctx->geos, c);
        (*out)->id[i] = (int64_t)i;
    }
    return SENDA_OK;
}
