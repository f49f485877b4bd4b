/*
 * test_write.c - senda_siting_write: the three layers, their fields and
 * counts, other layers kept, and a bad CRS leaving the target untouched.
 * The instance is test_solve.c's "line" with an existing shelter at (15,0)
 * and p = 1: A (candidate 0, at (5,0)) is chosen; allocation: d0 and d1 to
 * A (d1 is 5 m from both A and the shelter: the tie keeps the new site), d2
 * to the shelter, d3 uncovered.
 */
#include <criterion/criterion.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "senda.h"

static senda_points *mk(senda_ctx *ctx, size_t n, const double *x, const double *w)
{
    senda_points *p = NULL;
    cr_assert_eq(senda_points_create(ctx, n, "EPSG:32615", &p), SENDA_OK);
    for (size_t i = 0; i < n; i++) {
        p->x[i] = 500000.0 + x[i];
        p->y[i] = 1700000.0;
        if (w)
            p->weight[i] = w[i];
    }
    return p;
}

static const char *field(OGRFeatureH f, const char *name)
{
    return OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, name));
}

Test(siting_write, writes_ranked_sites_discs_and_allocation)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    static const double dx[] = {0, 10, 20, 30}, dw[] = {1, 2, 2, 1}, cx[] = {5, 25, 15},
                        ex[] = {15};
    senda_points *d = mk(ctx, 4, dx, dw), *c = mk(ctx, 3, cx, NULL), *e = mk(ctx, 1, ex, NULL);
    senda_siting_opts o;
    senda_siting_opts_init(&o);
    o.radius_m = 5.0;
    o.p = 1;
    senda_siting_result *r = NULL;
    cr_assert_eq(senda_siting_solve(ctx, d, c, e, &o, &r, NULL, NULL), SENDA_OK);
    char *dir = tu_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/out.gpkg", dir);
    /* a layer from another stage must survive */
    GDALAllRegister();
    GDALDatasetH pre = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    GDALDatasetCreateLayer(pre, "hotspots", NULL, wkbPoint, NULL);
    GDALClose(pre);
    cr_assert_eq(senda_siting_write(ctx, path, NULL, d, c, e, r, o.radius_m, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    cr_assert_not_null(GDALDatasetGetLayerByName(ds, "hotspots"));
    OGRLayerH s = GDALDatasetGetLayerByName(ds, "shelter_sites");
    cr_assert_eq(OGR_L_GetFeatureCount(s, TRUE), 1);
    OGRFeatureH f = OGR_L_GetNextFeature(s);
    cr_assert_str_eq(field(f, "rank"), "1");
    cr_assert_str_eq(field(f, "candidate_id"), "0");
    cr_assert_str_eq(field(f, "marginal_demand"), "1");      /* d0 only: d1 is the shelter's */
    cr_assert_str_eq(field(f, "nearest_shelter_m"), "10");   /* (5,0) to (15,0) */
    cr_assert_str_eq(field(f, "covered_by_site"), "3");      /* d0 + d1 allocated to A */
    cr_assert(!OGR_F_IsFieldSetAndNotNull(f, OGR_F_GetFieldIndex(f, "own_danger")));
    OGR_F_Destroy(f);
    OGRLayerH a = GDALDatasetGetLayerByName(ds, "coverage_areas");
    f = OGR_L_GetNextFeature(a);
    /* 64-gon inscribed in r = 5: area = 32 r^2 sin(2 pi / 64) = 78.29 (disc 78.54) */
    cr_assert_float_eq(OGR_G_Area(OGR_F_GetGeometryRef(f)), 32.0 * 25.0 * sin(2 * M_PI / 64),
                       1e-6);
    OGR_F_Destroy(f);
    OGRLayerH al = GDALDatasetGetLayerByName(ds, "demand_allocation");
    cr_assert_eq(OGR_L_GetFeatureCount(al, TRUE), 4);
    const char *kinds[] = {"new", "new", "existing", "none"};
    for (int i = 0; i < 4; i++) {
        f = OGR_L_GetNextFeature(al);
        cr_assert_str_eq(field(f, "site_kind"), kinds[i], "demand %d", i);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    /* a CRS PROJ does not know: error, and the file is as before */
    struct stat before, after;
    cr_assert_eq(stat(path, &before), 0);
    cr_assert_eq(senda_siting_write(ctx, path, "EPSG:999999", d, c, e, r, 5.0, NULL, NULL),
                 SENDA_ERR_CRS);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "EPSG:999999") != NULL, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(stat(path, &after), 0);
    cr_assert_eq(before.st_size, after.st_size);
    cr_assert_eq(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
    cr_assert_eq(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    unlink(path);
    cr_assert_eq(rmdir(dir), 0, "a temporary file was left beside the target");
    free(dir);
    dir = NULL;
    senda_siting_result_destroy(r);
    senda_points_destroy(d);
    senda_points_destroy(c);
    senda_points_destroy(e);
    senda_ctx_destroy(ctx);
}
