/*
 * cells_io.c - the Gi* cells' input and output: the study-area polygons
 * that select cells (a cell belongs when its centre is inside, GEOS
 * prepared-geometry containment after reprojecting the layer with OGR/PROJ),
 * and the `hotspot_cells` polygon layer written into a GeoPackage with the
 * ArcGIS field names (count, weight, GiZScore, GiPValue, Gi_Bin, NNeighbors,
 * and GiPseudoP with permutations). Only cells of the statistic's set are
 * written; an undefined z is written as NULL.
 * Complexity: O(cells in each polygon's envelope * log vertices) for the
 * study area; O(cells) features written in one transaction.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "io/gpkg_int.h"
#include "hotspot/hotspot_int.h"

/* Mark the cells whose centre is inside geometry g (OGR, already in the lattice's CRS). */
static senda_status mark_inside(senda_ctx *ctx, const senda__lattice *l, OGRGeometryH g,
                                unsigned char *in_set)
{
    int n = OGR_G_WkbSize(g);
    unsigned char *wkb = senda__malloc(ctx, (size_t)n);
    if (!wkb)
        return SENDA_ERR_NOMEM;
    OGR_G_ExportToWkb(g, wkbNDR, wkb);
    GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
    GEOSGeometry *gg = GEOSWKBReader_read_r(ctx->geos, rd, wkb, (size_t)n);
    GEOSWKBReader_destroy_r(ctx->geos, rd);
    senda__free(wkb);
    if (!gg)
        return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot read a study-area polygon");
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(ctx->geos, gg);
    OGREnvelope env;
    OGR_G_GetEnvelope(g, &env);
    for (size_t r = 0; r < l->n_rows; r++)
        for (size_t c = 0; c < l->n_cols; c++) {
            double x, y;
            senda__lattice_centre(l, r, c, &x, &y);
            if (x < env.MinX || x > env.MaxX || y < env.MinY || y > env.MaxY)
                continue;
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
            if (pt && GEOSPreparedContains_r(ctx->geos, pg, pt) == 1)
                in_set[r * l->n_cols + c] = 1;
            GEOSGeom_destroy_r(ctx->geos, pt);
        }
    GEOSPreparedGeom_destroy_r(ctx->geos, pg);
    GEOSGeom_destroy_r(ctx->geos, gg);
    return SENDA_OK;
}

senda_status senda__hotspot_study_area(senda_ctx *ctx, const senda__lattice *l, const char *crs,
                                       const char *path, unsigned char *in_set)
{
    memset(in_set, 0, l->n_rows * l->n_cols);
    GDALAllRegister();
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot read the study area", path);
    senda_status st = SENDA_OK;
    OGRSpatialReferenceH dst = NULL;
    OGRCoordinateTransformationH ct = NULL;
    OGRLayerH lyr = GDALDatasetGetLayerCount(ds) ? GDALDatasetGetLayer(ds, 0) : NULL;
    OGRSpatialReferenceH src = lyr ? OGR_L_GetSpatialRef(lyr) : NULL;
    if (!lyr) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: no layer", path);
        goto done;
    }
    if (src && crs && crs[0]) {
        dst = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(dst, crs) != OGRERR_NONE) {
            st = senda__fail(ctx, SENDA_ERR_CRS, "PROJ: cannot understand CRS '%s'", crs);
            goto done;
        }
        OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
        OGRSpatialReferenceH s2 = OSRClone(src);
        OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
        if (!OSRIsSame(s2, dst))
            ct = OCTNewCoordinateTransformation(s2, dst);
        OSRDestroySpatialReference(s2);
    }
    OGRFeatureH f;
    size_t n_poly = 0;
    OGR_L_ResetReading(lyr);
    while (st == SENDA_OK && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
        if (t == wkbPolygon || t == wkbMultiPolygon) {
            if (ct && OGR_G_Transform(g, ct) != OGRERR_NONE)
                st = senda__fail(ctx, SENDA_ERR_CRS, "%s: PROJ cannot reproject a polygon", path);
            else
                st = mark_inside(ctx, l, g, in_set);
            n_poly++;
        }
        OGR_F_Destroy(f);
    }
    if (st == SENDA_OK && n_poly == 0)
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: the study area holds no polygon", path);
done:
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (dst)
        OSRDestroySpatialReference(dst);
    GDALClose(ds);
    return st;
}

static OGRGeometryH cell_polygon(const senda__lattice *l, size_t row, size_t col)
{
    double xs[7], ys[7];
    int n = senda__lattice_outline(l, row, col, xs, ys);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int k = 0; k < n; k++)
        OGR_G_AddPoint_2D(ring, xs[k], ys[k]);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

senda_status senda_hotspot_write_cells(senda_ctx *ctx, const senda_hotspot_gistar_result *r,
                                       const char *gpkg_path, senda_progress_fn progress,
                                       void *progress_arg)
{
    senda__reset(ctx);
    if (!r || !gpkg_path)
        return senda__fail(ctx, SENDA_ERR_ARG, "result or path is NULL");
    senda__lattice l;
    senda_status st = senda__lattice_from_spec(ctx, &r->spec, &l);
    if (st != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "writing hotspot_cells"))
        return SENDA_ERR_CANCELLED;
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    if ((st = senda__gpkg_open(ctx, gpkg_path, &ds)) != SENDA_OK)
        return st;
    if ((st = senda__gpkg_layer(ctx, ds, "hotspot_cells", wkbPolygon, r->spec.crs, &lyr)) !=
        SENDA_OK)
        goto done;
    /* GiPseudoP, the last, only with permutations */
    static const senda__field fields[] = {{"count", OFTInteger},    {"weight", OFTReal},
                                          {"GiZScore", OFTReal},    {"GiPValue", OFTReal},
                                          {"Gi_Bin", OFTInteger},   {"NNeighbors", OFTInteger},
                                          {"GiPseudoP", OFTReal}};
    if ((st = senda__gpkg_fields(ctx, lyr, "hotspot_cells", fields, r->p_sim ? 7 : 6)))
        goto done;
    if (OGR_L_StartTransaction(lyr) != OGRERR_NONE) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot start a transaction", gpkg_path);
        goto done;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t i = 0; i < r->n_cells && st == SENDA_OK; i++) {
        if (!r->in_set[i])
            continue;
        OGRFeatureH f = OGR_F_Create(defn);
        OGR_F_SetGeometryDirectly(f, cell_polygon(&l, i / r->n_cols, i % r->n_cols));
        OGR_F_SetFieldInteger(f, 0, r->count[i]);
        OGR_F_SetFieldDouble(f, 1, r->weight[i]);
        if (!isnan(r->z[i])) {
            OGR_F_SetFieldDouble(f, 2, r->z[i]);
            OGR_F_SetFieldDouble(f, 3, r->p[i]);
        } else {
            OGR_F_SetFieldNull(f, 2);
            OGR_F_SetFieldNull(f, 3);
        }
        OGR_F_SetFieldInteger(f, 4, r->bin[i]);
        OGR_F_SetFieldInteger(f, 5, r->n_neighbors[i]);
        if (r->p_sim && !isnan(r->p_sim[i]))
            OGR_F_SetFieldDouble(f, 6, r->p_sim[i]);
        CPLErrorReset();
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write cell %zu", gpkg_path, i);
        OGR_F_Destroy(f);
        if (st == SENDA_OK && i % 65536 == 0 &&
            !senda__progress(ctx, progress, progress_arg,
                             0.95 * (double)i / (double)r->n_cells, NULL))
            st = SENDA_ERR_CANCELLED;
    }
    if (st == SENDA_OK && OGR_L_CommitTransaction(lyr) != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot commit hotspot_cells", gpkg_path);
    else if (st != SENDA_OK && OGR_L_RollbackTransaction(lyr) != OGRERR_NONE)
        senda__log(ctx, 1, "%s: rolling back hotspot_cells failed", gpkg_path);
    if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    GDALClose(ds);
    return st;
}
