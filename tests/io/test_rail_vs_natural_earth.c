/*
 * test_rail_vs_natural_earth.c - every point along each bundled rail line
 * (densified every 100 m, not only the vertices) lies within the line's
 * accuracy_m of the Natural Earth 1:10m railroads (public domain), the
 * independent check issue 2 names. Skips when ../shared is absent.
 *
 * Natural Earth's own accuracy at 1:10m is a few hundred metres, so this
 * bounds the distance to NE, not to the true track: the reported accuracy_m
 * must leave room for NE's error too (layers/README.md says how much).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "io/io_int.h"
#include "testutil.h"

/* The NE railroads in EPSG:32615 as one GEOS geometry (a collection). */
static GEOSGeometry *load_ne_rail(senda_ctx *ctx, const char *path)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    OGRSpatialReferenceH src = OSRClone(OGR_L_GetSpatialRef(lyr));
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReferenceH dst = senda__srs_from_user(ctx, "EPSG:32615");
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(src, dst);
    GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
    GEOSGeometry *parts[256];
    unsigned n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) && n < 256) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGR_G_Transform(g, ct);
        int sz = OGR_G_WkbSize(g);
        unsigned char *wkb = malloc((size_t)sz);
        OGR_G_ExportToWkb(g, wkbNDR, wkb);
        parts[n++] = GEOSWKBReader_read_r(ctx->geos, rd, wkb, (size_t)sz);
        free(wkb);
        OGR_F_Destroy(f);
    }
    GEOSWKBReader_destroy_r(ctx->geos, rd);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(src);
    OSRDestroySpatialReference(dst);
    GDALClose(ds);
    return GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, parts, n);
}

Test(rail, every_point_within_accuracy_of_natural_earth)
{
    char buf[1024];
    const char *ne = tu_shared("natural-earth/ne10m_railroads_north_america_corridor.geojson",
                               buf, sizeof buf);
    if (!ne)
        cr_skip_test("../shared/data is absent: the Natural Earth rail check is skipped");
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    GEOSGeometry *ne_geom = load_ne_rail(ctx, ne);
    const senda__layer *rail = senda__layers_get(ls, "rail");
    cr_assert_not_null(rail);
    for (size_t i = 0; i < rail->n; i++) {
        double acc = atof(senda_layers_attr(ls, "rail", i, "accuracy_m"));
        GEOSGeometry *dense = GEOSDensify_r(ctx->geos, rail->geoms[i], 100.0);
        GEOSCoordSequence *pts = NULL;
        GEOSGeometry *cpts = GEOSGeom_extractUniquePoints_r(ctx->geos, dense);
        int n_pts = GEOSGetNumGeometries_r(ctx->geos, cpts);
        double worst = 0.0;
        for (int k = 0; k < n_pts; k++) {
            double d;
            GEOSDistance_r(ctx->geos, GEOSGetGeometryN_r(ctx->geos, cpts, k), ne_geom, &d);
            if (d > worst)
                worst = d;
        }
        (void)pts;
        cr_assert_leq(worst, acc, "rail '%s': a point lies %.0f m from the NE track, "
                      "accuracy_m is %.0f", senda_layers_attr(ls, "rail", i, "name"), worst, acc);
        GEOSGeom_destroy_r(ctx->geos, cpts);
        GEOSGeom_destroy_r(ctx->geos, dense);
    }
    GEOSGeom_destroy_r(ctx->geos, ne_geom);
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
}
