/*
 * product.c - the finishing steps of the GeoPackage product: the corridor
 * layers as feature tables, then (last, on the temporary file) a default
 * style per table, the embedded QGIS project, the provenance metadata and
 * the titles of every layer and field (titles.c).
 *
 * Corridor layers are copied from their GEOS geometries (already reprojected
 * and made valid by io/) through WKB into OGR, one transaction per layer;
 * when a layer mixes single and multi geometries the table is declared multi
 * and singles are promoted, so QGIS sees one geometry type. Attributes are
 * written as text, as they were read. Cost: O(vertices) time, one feature's
 * WKB at a time.
 */
#include <stdio.h>
#include <string.h>

#include <cpl_error.h>
#include <ogr_api.h>

#include "export/export_int.h"
#include "io/io_int.h"

void senda_export_product_info_init(senda_export_product_info *info)
{
    if (info)
        memset(info, 0, sizeof *info);
}

/* The OGR type for a layer's geometries: multi when any is multi. */
static OGRwkbGeometryType table_type(senda_ctx *ctx, const senda__layer *l)
{
    int multi = 0, kind = -1;
    for (size_t i = 0; i < l->n; i++) {
        int t = GEOSGeomTypeId_r(ctx->geos, l->geoms[i]);
        multi |= t == GEOS_MULTIPOINT || t == GEOS_MULTILINESTRING || t == GEOS_MULTIPOLYGON;
        int k = (t == GEOS_POINT || t == GEOS_MULTIPOINT)             ? 0
                : (t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING) ? 1
                : (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON)       ? 2
                                                                      : 3;
        kind = kind < 0 ? k : kind == k ? kind : 3;
    }
    static const OGRwkbGeometryType single[] = {wkbPoint, wkbLineString, wkbPolygon},
                                    many[] = {wkbMultiPoint, wkbMultiLineString,
                                              wkbMultiPolygon};
    if (kind < 0 || kind == 3)
        return wkbUnknown;
    return multi ? many[kind] : single[kind];
}

static OGRGeometryH to_ogr(senda_ctx *ctx, const GEOSGeometry *g, OGRwkbGeometryType type)
{
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(ctx->geos);
    size_t n = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(ctx->geos, w, g, &n);
    GEOSWKBWriter_destroy_r(ctx->geos, w);
    if (!wkb)
        return NULL;
    OGRGeometryH og = NULL;
    OGR_G_CreateFromWkb(wkb, NULL, &og, (int)n);
    GEOSFree_r(ctx->geos, wkb);
    if (og && type != wkbUnknown && wkbFlatten(OGR_G_GetGeometryType(og)) != type)
        og = OGR_G_ForceTo(og, type, NULL);
    return og;
}

static senda_status copy_features(senda_ctx *ctx, const senda__layer *l, OGRLayerH lyr,
                                  OGRwkbGeometryType type)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t i = 0; i < l->n; i++) {
        OGRFeatureH f = OGR_F_Create(defn);
        for (size_t k = 0; k < l->n_fields; k++)
            if (l->values[i * l->n_fields + k][0])
                OGR_F_SetFieldString(f, (int)k, l->values[i * l->n_fields + k]);
        OGRGeometryH g = to_ogr(ctx, l->geoms[i], type);
        if (!g) {
            OGR_F_Destroy(f);
            return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot convert feature %zu of '%s'",
                               i, l->report.name);
        }
        OGR_F_SetGeometryDirectly(f, g);
        CPLErrorReset();
        OGRErr err = OGR_L_CreateFeature(lyr, f);
        OGR_F_Destroy(f);
        if (err != OGRERR_NONE)
            return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write feature %zu of '%s'", i,
                                    l->report.name);
    }
    return SENDA_OK;
}

static senda_status write_layer(senda_ctx *ctx, GDALDatasetH ds, const senda__layer *l,
                                const char *crs)
{
    OGRwkbGeometryType type = table_type(ctx, l);
    OGRLayerH lyr = NULL;
    senda_status st = senda__gpkg_layer(ctx, ds, l->report.name, type, crs, &lyr);
    if (st != SENDA_OK)
        return st;
    for (size_t k = 0; k < l->n_fields && st == SENDA_OK; k++)
        st = senda__gpkg_add_field(ctx, lyr, l->report.name,
                                   OGR_Fld_Create(l->field_names[k], OFTString));
    if (st != SENDA_OK)
        return st;
    if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot start a transaction");
    st = copy_features(ctx, l, lyr, type);
    if (st != SENDA_OK) {
        GDALDatasetRollbackTransaction(ds);
        return st;
    }
    if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot commit layer '%s'", l->report.name);
    return SENDA_OK;
}

senda_status senda_export_layers(senda_ctx *ctx, const char *gpkg_path,
                                 const senda_layers *layers, senda_progress_fn progress,
                                 void *progress_arg)
{
    senda__reset(ctx);
    if (!gpkg_path || !layers)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path or layers is NULL");
    GDALDatasetH ds = NULL;
    senda_status st = senda__gpkg_open(ctx, gpkg_path, &ds);
    if (st != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "corridor layers")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    for (size_t i = 0; i < layers->n_layers; i++) {
        /* `land` is the analysis mask of the danger surface, not a map layer:
         * an opaque polygon would hide the surfaces in QGIS. */
        if (strcmp(layers->layers[i].report.name, "land") != 0 &&
            (st = write_layer(ctx, ds, &layers->layers[i], layers->crs)) != SENDA_OK)
            goto done;
        if (!senda__progress(ctx, progress, progress_arg, (double)(i + 1) /
                             (double)layers->n_layers, layers->layers[i].report.name)) {
            st = SENDA_ERR_CANCELLED;
            goto done;
        }
    }
done:
    return senda__gdal_close(ctx, ds, gpkg_path, st);
}

#define SENDA__MAX_TABLES 64

senda_status senda_export_finish(senda_ctx *ctx, const char *gpkg_path,
                                 const senda_export_product_info *info, senda_progress_fn progress,
                                 void *progress_arg)
{
    senda__reset(ctx);
    if (!gpkg_path || !info)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path or info is NULL");
    senda__table *t = senda__calloc(ctx, SENDA__MAX_TABLES, sizeof *t);
    if (!t)
        return SENDA_ERR_NOMEM;
    size_t n = 0;
    GDALDatasetH ds = NULL;
    senda_status st = SENDA_OK;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "styles")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    if ((st = senda__product_tables(ctx, gpkg_path, t, SENDA__MAX_TABLES, &n)) != SENDA_OK ||
        (st = senda__gpkg_open(ctx, gpkg_path, &ds)) != SENDA_OK)
        goto done;
    for (size_t i = 0; info->title_note && i < n; i++) {
        size_t len = strlen(t[i].title);
        snprintf(t[i].title + len, sizeof t[i].title - len, " - %s", info->title_note);
    }
    if ((st = senda__write_styles(ctx, ds, t, n)) != SENDA_OK)
        goto done;
    if (!senda__progress(ctx, progress, progress_arg, 0.3, "project")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    const char *final = info->final_path ? info->final_path : gpkg_path;
    const char *slash = strrchr(final, '/');
    char title[512];
    snprintf(title, sizeof title, "%s%s%s", info->title ? info->title : slash ? slash + 1 : final,
             info->title_note ? " - " : "", info->title_note ? info->title_note : "");
    st = senda__write_project(ctx, ds, slash ? slash + 1 : final,
                              info->scenario_name ? info->scenario_name : "senda", title,
                              info->crs ? info->crs : SENDA_DEFAULT_CRS, t, n);
    if (st != SENDA_OK)
        goto done;
    if (!senda__progress(ctx, progress, progress_arg, 0.6, "provenance")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    if ((st = senda__write_provenance(ctx, ds, info, t, n)) != SENDA_OK)
        goto done;
    if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    st = senda__gdal_close(ctx, ds, gpkg_path, st);
    if (st == SENDA_OK) /* after GDAL has let go of the file */
        st = senda__write_titles(ctx, gpkg_path, t, n);
    senda__free(t);
    return st;
}
