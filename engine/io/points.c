/*
 * points.c - weighted points: allocation and reading from any OGR layer.
 *
 * senda_points_read reads point geometries (a multipoint contributes each of
 * its points; other geometry types contribute their centroid through OGR),
 * reprojects them with PROJ to the requested projected CRS and takes the
 * weight from a numeric field (1.0 when none is named). Features without
 * geometry, or with a null or non-numeric weight, are an error naming the
 * feature, so that no point is lost silently.
 *
 * A GeoPackage point layer that needs no reprojection is read by one SQLite
 * scan instead (points_gpkg.c), with the same result.
 * Memory: four arrays of n (x, y, weight, id), grown by doubling.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <gdal.h>

#include "io/io_int.h"

senda_status senda_points_create(senda_ctx *ctx, size_t n, const char *crs, senda_points **out)
{
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    senda_points *p = senda__calloc(ctx, 1, sizeof *p);
    if (!p)
        return SENDA_ERR_NOMEM;
    size_t cap = n ? n : 1;
    p->x = senda__calloc(ctx, cap, sizeof(double));
    p->y = p->x ? senda__calloc(ctx, cap, sizeof(double)) : NULL;
    p->weight = p->y ? senda__calloc(ctx, cap, sizeof(double)) : NULL;
    p->id = p->weight ? senda__calloc(ctx, cap, sizeof(int64_t)) : NULL;
    if (!p->id) {
        senda_points_destroy(p);
        return SENDA_ERR_NOMEM;
    }
    p->n = n;
    for (size_t i = 0; i < n; i++) {
        p->weight[i] = 1.0;
        p->id[i] = (int64_t)i;
    }
    senda__strlcpy(p->crs, crs ? crs : "", sizeof p->crs);
    *out = p;
    return SENDA_OK;
}

void senda_points_destroy(senda_points *pts)
{
    if (!pts)
        return;
    senda__free(pts->x);
    senda__free(pts->y);
    senda__free(pts->weight);
    senda__free(pts->id);
    senda__free(pts);
}

static senda_status feature_weight(senda_ctx *ctx, OGRFeatureH f, int field, const char *path,
                                   double *w)
{
    *w = 1.0;
    if (field < 0)
        return SENDA_OK;
    if (!OGR_F_IsFieldSetAndNotNull(f, field))
        return senda__fail(ctx, SENDA_ERR_DATA, "%s: feature %lld: the weight is empty", path,
                           (long long)OGR_F_GetFID(f));
    const char *s = OGR_F_GetFieldAsString(f, field);
    char *end = NULL;
    errno = 0;
    *w = strtod(s, &end);
    if (end == s || *end != '\0' || errno || !isfinite(*w))
        return senda__fail(ctx, SENDA_ERR_DATA, "%s: feature %lld: weight '%s' is not a number",
                           path, (long long)OGR_F_GetFID(f), s);
    return SENDA_OK;
}

/* Append the points of one geometry. */
static senda_status append_geometry(senda_ctx *ctx, senda_points *p, size_t *cap, OGRGeometryH g,
                                    double w, int64_t fid)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    int n_sub = (t == wkbMultiPoint || t == wkbGeometryCollection) ? OGR_G_GetGeometryCount(g) : 0;
    for (int k = 0; k < (n_sub ? n_sub : 1); k++) {
        OGRGeometryH sub = n_sub ? OGR_G_GetGeometryRef(g, k) : g;
        double x, y;
        if (wkbFlatten(OGR_G_GetGeometryType(sub)) == wkbPoint) {
            x = OGR_G_GetX(sub, 0);
            y = OGR_G_GetY(sub, 0);
        } else {
            OGRGeometryH c = OGR_G_CreateGeometry(wkbPoint);
            OGR_G_Centroid(sub, c);
            x = OGR_G_GetX(c, 0);
            y = OGR_G_GetY(c, 0);
            OGR_G_DestroyGeometry(c);
        }
        if (p->n >= *cap && senda__points_grow(ctx, p, cap) != SENDA_OK)
            return SENDA_ERR_NOMEM;
        p->x[p->n] = x;
        p->y[p->n] = y;
        p->weight[p->n] = w;
        p->id[p->n] = fid;
        p->n++;
    }
    return SENDA_OK;
}

senda_status senda_points_read(senda_ctx *ctx, const char *path, const char *layer_name,
                               const char *weight_field, const char *crs, senda_points **out)
{
    senda__reset(ctx);
    if (!path || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "path or out is NULL");
    *out = NULL;
    GDALDatasetH ds = NULL;
    senda_status st = senda__vector_open(ctx, path, "it as a vector file", &ds);
    if (st != SENDA_OK)
        return st;
    OGRSpatialReferenceH dst = NULL, src = NULL;
    OGRCoordinateTransformationH ct = NULL;
    senda_points *p = NULL;
    OGRLayerH lyr = layer_name ? GDALDatasetGetLayerByName(ds, layer_name)
                               : (GDALDatasetGetLayerCount(ds) ? GDALDatasetGetLayer(ds, 0) : NULL);
    if (!lyr) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: no layer %s", path,
                         layer_name ? layer_name : "in the file");
        goto done;
    }
    int wfield = -1;
    if (weight_field) {
        wfield = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), weight_field);
        if (wfield < 0) {
            st = senda__fail(ctx, SENDA_ERR_ARG, "%s: no field '%s' for the weight", path,
                             weight_field);
            goto done;
        }
    }
    OGRSpatialReferenceH lsrs = OGR_L_GetSpatialRef(lyr);
    if (!lsrs) {
        st = senda__fail(ctx, SENDA_ERR_CRS, "%s: the layer has no CRS", path);
        goto done;
    }
    src = OSRClone(lsrs);
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    if (crs) {
        if (!(dst = senda__srs_from_user(ctx, crs))) {
            st = SENDA_ERR_CRS;
            goto done;
        }
        if (!OSRIsProjected(dst)) {
            st = senda__fail(ctx, SENDA_ERR_CRS, "CRS '%s' is not projected", crs);
            goto done;
        }
        if (!OSRIsSame(src, dst) && !(ct = OCTNewCoordinateTransformation(src, dst))) {
            st = senda__fail_gdal(ctx, SENDA_ERR_CRS, "%s: PROJ cannot transform to %s", path, crs);
            goto done;
        }
    } else if (!OSRIsProjected(src)) {
        st = senda__fail(ctx, SENDA_ERR_CRS, "%s: the layer's CRS is not projected; "
                         "name a projected CRS to reproject to", path);
        goto done;
    }
    char crs_text[256];
    if (crs)
        senda__strlcpy(crs_text, crs, sizeof crs_text);
    else if (senda__srs_short_name(src, crs_text, sizeof crs_text) != SENDA_OK) {
        st = senda__fail(ctx, SENDA_ERR_CRS, "%s: the layer's CRS has no EPSG code and its "
                         "definition is too long to carry; name the CRS to use", path);
        goto done;
    }
    st = senda_points_create(ctx, 0, crs_text, &p);
    if (st != SENDA_OK)
        goto done;
    size_t cap = 1;
    OGRFeatureH f;
    /* a GeoPackage point layer kept in its CRS: read directly (points_gpkg.c) */
    int fast = 0;
    if (!ct && strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "GPKG") == 0 &&
        (fast = senda__gpkg_points_fast(ctx, path, lyr, wfield, p, &cap)) < 0)
        st = SENDA_ERR_NOMEM;
    OGR_L_ResetReading(lyr);
    while (st == SENDA_OK && !fast && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        double w = 1.0;
        if (!g || OGR_G_IsEmpty(g))
            st = senda__fail(ctx, SENDA_ERR_DATA, "%s: feature %lld has no geometry", path,
                             (long long)OGR_F_GetFID(f));
        else if ((st = feature_weight(ctx, f, wfield, path, &w)) != SENDA_OK)
            ;
        else if (ct && OGR_G_Transform(g, ct) != OGRERR_NONE)
            st = senda__fail(ctx, SENDA_ERR_CRS, "%s: feature %lld: PROJ cannot reproject it",
                             path, (long long)OGR_F_GetFID(f));
        else
            st = append_geometry(ctx, p, &cap, g, w, (int64_t)OGR_F_GetFID(f));
        OGR_F_Destroy(f);
    }
done:
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (dst)
        OSRDestroySpatialReference(dst);
    if (src)
        OSRDestroySpatialReference(src);
    GDALClose(ds);
    if (st != SENDA_OK) {
        senda_points_destroy(p);
        return st;
    }
    *out = p;
    return SENDA_OK;
}
