/*
 * test_points_gpkg.c - senda_points_read's direct GeoPackage reader
 * (engine/io/points_gpkg.c) gives what OGR's feature-by-feature reading gives,
 * and hands every case it does not cover (multipoints, null weights) back to
 * the OGR path with the same result and errors as before.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

static senda_ctx *ctx;
static char dir[512];
static void setup(void)
{
    senda_ctx_create(&ctx);
    char *d = tu_tmpdir();
    snprintf(dir, sizeof dir, "%s", d);
    free(d);
}
static void teardown(void) { senda_ctx_destroy(ctx); }
TestSuite(points_gpkg, .init = setup, .fini = teardown);

/* A GeoJSON of n features in UTM 15N, weights 1.25 * i (exact in binary and in
 * OGR's 15-digit text), converted to a GeoPackage by ogr2ogr (extra: its options);
 * extra_feature, when given, is appended as the last feature. */
static void make(const char *name, int n, const char *extra_feature, const char *ogr_opts,
                 char *gpkg, size_t size)
{
    char js[700], cmd[2048];
    snprintf(js, sizeof js, "%s/%s.geojson", dir, name);
    snprintf(gpkg, size, "%s/%s.gpkg", dir, name);
    FILE *f = fopen(js, "w");
    fprintf(f, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
               "{\"name\":\"urn:ogc:def:crs:EPSG::32615\"}},\"features\":[");
    for (int i = 0; i < n; i++)
        fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{\"w\":%g},\"geometry\":{\"type\":"
                   "\"Point\",\"coordinates\":[%.3f,%.3f,%d]}}", i ? "," : "", 1.25 * i,
                500000.0 + 37.123 * i, 1600000.0 - 11.5 * i * i, i);
    if (extra_feature)
        fprintf(f, ",%s", extra_feature);
    fprintf(f, "]}");
    fclose(f);
    snprintf(cmd, sizeof cmd, "ogr2ogr -f GPKG %s %s %s -nln pts", gpkg, js, ogr_opts);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

Test(points_gpkg, equals_the_ogr_reading_of_the_same_points)
{
    char gpkg[700], js[700];
    /* Point Z (WKB 1001); the last feature weighs 1/3 written with 17 digits: the
     * GeoPackage holds the double nearest 1/3, which only the direct reader returns
     * exactly (OGR's path rounds it through 15-digit text), so this also shows
     * that the direct reader read the file */
    make("a", 300, "{\"type\":\"Feature\",\"properties\":{\"w\":0.33333333333333331},"
         "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500000,1600000,0]}}",
         "-dim XYZ", gpkg, sizeof gpkg);
    snprintf(js, sizeof js, "%s/a.geojson", dir);
    senda_points *a = NULL, *b = NULL;
    cr_assert_eq(senda_points_read(ctx, gpkg, NULL, "w", NULL, &a), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_points_read(ctx, js, NULL, "w", NULL, &b), SENDA_OK);
    cr_assert_eq(a->n, 301);
    cr_assert_eq(b->n, 301);
    cr_assert_eq(a->weight[300], 1.0 / 3.0);
    cr_assert_neq(b->weight[300], 1.0 / 3.0);
    cr_assert_str_eq(a->crs, "EPSG:32615");
    for (size_t i = 0; i < 300; i++) {
        cr_assert_eq(a->x[i], b->x[i], "x %zu", i);
        cr_assert_eq(a->y[i], b->y[i], "y %zu", i);
        cr_assert_eq(a->weight[i], 1.25 * (double)i, "w %zu", i);
        cr_assert_eq(a->id[i], (int64_t)i + 1, "fid %zu", i); /* GeoPackage fids from 1 */
    }
    senda_points_destroy(a);
    senda_points_destroy(b);
    /* without a weight field every point weighs 1 */
    cr_assert_eq(senda_points_read(ctx, gpkg, NULL, NULL, NULL, &a), SENDA_OK);
    cr_assert_eq(a->n, 301);
    cr_assert_eq(a->weight[299], 1.0);
    senda_points_destroy(a);
}

Test(points_gpkg, multipoints_and_null_weights_go_through_ogr)
{
    char gpkg[700];
    /* a multipoint as the last row: the direct reader gives up, OGR gives its 2 points */
    make("m", 5, "{\"type\":\"Feature\",\"properties\":{\"w\":2},\"geometry\":{\"type\":"
         "\"MultiPoint\",\"coordinates\":[[501000,1601000],[502000,1602000]]}}",
         "-nlt GEOMETRY", gpkg, sizeof gpkg);
    senda_points *a = NULL;
    cr_assert_eq(senda_points_read(ctx, gpkg, NULL, "w", NULL, &a), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(a->n, 7);
    cr_assert_eq(a->x[6], 502000.0);
    cr_assert_eq(a->weight[6], 2.0);
    cr_assert_eq(a->x[4], 500000.0 + 37.123 * 4);
    senda_points_destroy(a);
    /* a null weight: OGR's error naming the feature, as for any other format */
    make("n", 5, "{\"type\":\"Feature\",\"properties\":{\"w\":null},\"geometry\":{\"type\":"
         "\"Point\",\"coordinates\":[501000,1601000]}}", "", gpkg, sizeof gpkg);
    cr_assert_eq(senda_points_read(ctx, gpkg, NULL, "w", NULL, &a), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "feature 6: the weight is empty") != NULL, "%s",
              senda_ctx_errmsg(ctx));
}

Test(points_gpkg, allocation_failure_returns_nomem)
{
    char gpkg[700];
    make("f", 40, NULL, "", gpkg, sizeof gpkg);
    int n_ok = 0;
    for (long n = 1; n <= 30; n++) {
        senda_points *a = NULL;
        senda_ctx_fail_alloc_after(ctx, n);
        senda_status st = senda_points_read(ctx, gpkg, NULL, "w", NULL, &a);
        senda_ctx_fail_alloc_after(ctx, 0);
        cr_assert(st == SENDA_OK || st == SENDA_ERR_NOMEM, "n=%ld: %d", n, (int)st);
        if (st == SENDA_OK) {
            cr_assert_eq(a->n, 40);
            n_ok++;
        } else {
            cr_assert_null(a);
        }
        senda_points_destroy(a);
    }
    /* the point set and its 4 arrays, then 4 reallocations at each doubling of
     * the capacity 1 -> 64: 29 allocations, so only the 30th countdown succeeds */
    cr_assert_eq(n_ok, 1);
}
