/*
 * test_cmd_cost.c - the `senda cost` command: usage errors, a run on a
 * small raster with a path, and its JSON summary.
 */
#include <cpl_conv.h>
#include <criterion/criterion.h>
#include <gdal.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

Test(cmd_cost, missing_options_are_a_usage_error)
{
    tu_run r = tu_senda("cost --cost x.tif");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--cost (or --dem with --walk), --from and --out are required"),
              "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("cost --walk --from 1,2 --out a.tif");
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "--walk needs --dem"), "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("cost --cost x.tif --lambda 2 --from 1,2 --out a.tif");
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "--lambda needs --walk"), "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("cost --dem d.tif --walk --walk-coeff 1,2,3 --from 1,2 --out a.tif");
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "not four numbers"), "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("cost --dem d.tif --walk --dir-out x.tif --from 1,2 --out a.tif");
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "--dir-out is not available with --walk"), "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("cost --cost x.tif --from '1;2' --out a.tif");
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "is not a list of X,Y pairs"), "%s", r.err);
    tu_run_free(&r);
}

Test(cmd_cost, help_explains_the_move_costs)
{
    tu_run r = tu_senda("cost --help");
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strstr(r.out, "(c1+c2)*sqrt(2)/2"));
    tu_run_free(&r);
}

Test(cmd_cost, runs_on_a_raster_and_writes_a_path)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    /* 1 x 5 cells of 10 m, friction 2: costs 0, 2, 4, 6, 8 cell widths */
    senda_grid_create(ctx, 1, 5, 1000.0, 2000.0, 10.0, "EPSG:32615", 2.0, &g);
    char *dir = tu_tmpdir(), in[512], cmd[2048];
    snprintf(in, sizeof in, "%s/f.tif", dir);
    cr_assert_eq(senda_grid_write_tiff(ctx, g, in, &(senda_grid_tiff_opts){1, NULL}), SENDA_OK);
    snprintf(cmd, sizeof cmd,
             "cost --cost %s --from 1005,1995 --out %s/a.tif --dir-out %s/d.tif "
             "--to 1045,1995 --path-out %s/p.gpkg --json -q",
             in, dir, dir, dir);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"cost\":8"), "%s", r.out);
    cr_assert(strstr(r.out, "\"n_cells\":5"), "%s", r.out);
    tu_run_free(&r);
    char acc[600];
    snprintf(acc, sizeof acc, "%s/a.tif", dir);
    senda_grid *a = NULL;
    cr_assert_eq(senda_grid_read(ctx, acc, &a), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(a)[3], 6.0, 1e-12);
    senda_grid_destroy(a);
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
    free(dir);
}

/* The two outputs are written at the same time (cmd_cost.c): the
 * directions read back as r.cost's (west of the source: 180 degrees, the
 * source NaN), and a directions file that cannot be created fails the
 * command with one message naming it while the accumulated cost is written. */
Test(cmd_cost, both_outputs_written_and_a_failing_one_reported_once)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    senda_grid_create(ctx, 1, 5, 1000.0, 2000.0, 10.0, "EPSG:32615", 2.0, &g);
    char *dir = tu_tmpdir(), in[512], cmd[2048], path[600];
    snprintf(in, sizeof in, "%s/f.tif", dir);
    cr_assert_eq(senda_grid_write_tiff(ctx, g, in, &(senda_grid_tiff_opts){1, NULL}), SENDA_OK);
    snprintf(cmd, sizeof cmd, "cost --cost %s --from 1005,1995 --out %s/a.tif --dir-out %s/d.tif -q",
             in, dir, dir);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    senda_grid *d = NULL;
    snprintf(path, sizeof path, "%s/d.tif", dir);
    cr_assert_eq(senda_grid_read(ctx, path, &d), SENDA_OK);
    cr_assert(isnan(senda_grid_cdata(d)[0]), "the source has no direction");
    for (int c = 1; c < 5; c++)
        cr_assert_float_eq(senda_grid_cdata(d)[c], 180.0, 0.0, "col %d", c);
    senda_grid_destroy(d);
    snprintf(cmd, sizeof cmd,
             "cost --cost %s --from 1005,1995 --out %s/a2.tif --dir-out %s/no/such/d.tif -q", in,
             dir, dir);
    r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert(strstr(r.err, "no/such/d.tif"), "%s", r.err);
    cr_assert_null(strstr(strstr(r.err, "senda:") + 1, "senda:"), "one message: %s", r.err);
    cr_assert_null(strstr(r.err, "ERROR"), "GDAL's own line from the writing thread: %s", r.err);
    tu_run_free(&r);
    senda_grid *a = NULL;
    snprintf(path, sizeof path, "%s/a2.tif", dir);
    cr_assert_eq(senda_grid_read(ctx, path, &a), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(a)[4], 8.0, 1e-12);
    senda_grid_destroy(a);
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
    free(dir);
}

/* Write an n x n Float64 GeoTIFF of 10 m cells (EPSG:32615, x from 0, y down from 10 n). */
static void write_tif(const char *path, int n, const double *v)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, n, n, 1, GDT_Float64, NULL);
    cr_assert_not_null(ds);
    double gt[6] = {0.0, 10.0, 0.0, 10.0 * n, 0.0, -10.0};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32615);
    char *wkt = NULL;
    OSRExportToWkt(srs, &wkt);
    GDALSetProjection(ds, wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
    cr_assert_eq(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, n, n, (void *)v, n, n,
                              GDT_Float64, 0, 0),
                 CE_None);
    GDALClose(ds);
}

/* senda cost --walk end to end on the 3 x 3 case of tests/cost/test_walk.c,
 * whose values are derived by hand there (W 12.2, N 72.2, E 18.1994, S 8.2004,
 * SW 26.3998). */
Test(cmd_cost, walk_from_a_dem_and_friction_file)
{
    char *dir = tu_tmpdir(), dem[600], fr[600], out[600], args[2048];
    const double h[9] = {100, 110, 100, 100, 100, 97, 95, 98, 100};
    const double f[9] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    snprintf(dem, sizeof dem, "%s/dem.tif", dir);
    snprintf(fr, sizeof fr, "%s/f.tif", dir);
    snprintf(out, sizeof out, "%s/acc.tif", dir);
    write_tif(dem, 3, h);
    write_tif(fr, 3, f);
    snprintf(args, sizeof args, "cost --dem %s --friction %s --walk --from 15,15 --out %s --json -q",
             dem, fr, out);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"reached\":9"), "%s", r.out);
    tu_run_free(&r);
    GDALDatasetH ds = GDALOpen(out, GA_ReadOnly);
    cr_assert_not_null(ds);
    double a[9];
    cr_assert_eq(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, 3, 3, a, 3, 3, GDT_Float64,
                              0, 0),
                 CE_None);
    GDALClose(ds);
    const double want[9] = {1.22 * sqrt(200.0), 72.2, 1.22 * sqrt(200.0), 12.2, 0.0, 18.1994,
                            26.3998, 8.2004, 1.22 * sqrt(200.0)};
    for (int i = 0; i < 9; i++)
        cr_assert_float_eq(a[i], want[i], 1e-9, "cell %d: %.12g vs %.12g", i, a[i], want[i]);
    /* the two rasters are read at the same time: each one's failure names it */
    const char *bad[2][2] = {{dem, "no-friction.tif"}, {"no-dem.tif", fr}};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "cost --dem %s --friction %s --walk --from 15,15 --out %s -q",
                 bad[i][0], bad[i][1], out);
        r = tu_senda(args);
        cr_assert_eq(r.exit_code, 1, "%s", r.err);
        cr_assert(strstr(r.err, i ? "no-dem.tif" : "no-friction.tif"), "%s", r.err);
        tu_run_free(&r);
    }
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}
