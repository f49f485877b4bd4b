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

#include <sqlite3.h>

#include "io/io_int.h"
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

/* senda_points_read of gpkg with the 1st, 2nd, .. max_n-th allocation made to
 * fail: each result is SENDA_ERR_NOMEM with nothing returned, or the whole
 * layer (n points, the last with fid last_fid); returns how many succeeded. */
static int reads_under_failures(const char *gpkg, long max_n, size_t n, int64_t last_fid)
{
    int n_ok = 0;
    for (long k = 1; k <= max_n; k++) {
        senda_points *a = NULL;
        senda_ctx_fail_alloc_after(ctx, k);
        senda_status st = senda_points_read(ctx, gpkg, NULL, "w", NULL, &a);
        senda_ctx_fail_alloc_after(ctx, 0);
        cr_assert(st == SENDA_OK || st == SENDA_ERR_NOMEM, "k=%ld: %d", k, (int)st);
        if (st == SENDA_OK) {
            cr_assert_eq(a->n, n);
            cr_assert_eq(a->id[n - 1], last_fid);
            n_ok++;
        } else {
            cr_assert_null(a);
        }
        senda_points_destroy(a);
    }
    return n_ok;
}

Test(points_gpkg, allocation_failure_returns_nomem)
{
    char gpkg[700];
    make("f", 40, NULL, "", gpkg, sizeof gpkg);
    /* the point set and its 4 arrays, then 4 reallocations at each doubling of
     * the capacity 1 -> 64: 29 allocations, so only the 30th countdown succeeds */
    cr_assert_eq(reads_under_failures(gpkg, 30, 40, 40), 1);
}

/* a and b hold the same points in the same order, bit for bit */
static void same_points(const senda_points *a, const senda_points *b)
{
    cr_assert_eq(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        cr_assert_eq(a->x[i], b->x[i], "x %zu", i);
        cr_assert_eq(a->y[i], b->y[i], "y %zu", i);
        cr_assert_eq(a->weight[i], b->weight[i], "w %zu", i);
        cr_assert_eq(a->id[i], b->id[i], "fid %zu", i);
    }
}

/* Large layers are read by two threads, each on half the fid range
 * (points_gpkg.c); senda__gpkg_split_min = 1 splits even these small ones.
 * The split read must give the one-thread read's points in the same order,
 * also when fids have gaps (rows deleted), and must hand a layer it cannot
 * read (a multipoint in the second half) back to OGR as a whole. */
Test(points_gpkg, two_threads_read_what_one_reads)
{
    char gpkg[700];
    make("s", 301, NULL, "-dim XYZ", gpkg, sizeof gpkg);
    senda_points *one = NULL, *two = NULL;
    for (int gaps = 0; gaps <= 1; gaps++) {
        if (gaps) { /* fids 3, 6, .., 300 (100) and 250..260 less 252, 255, 258 (8) deleted:
                       193 rows over fids 1..301 */
            sqlite3 *db = NULL;
            cr_assert_eq(sqlite3_open(gpkg, &db), SQLITE_OK);
            cr_assert_eq(sqlite3_exec(db, "DELETE FROM pts WHERE fid % 3 = 0 OR fid BETWEEN 250"
                                          " AND 260", NULL, NULL, NULL), SQLITE_OK);
            sqlite3_close(db);
        }
        senda__gpkg_split_min = (size_t)1 << 16;
        cr_assert_eq(senda_points_read(ctx, gpkg, NULL, "w", NULL, &one), SENDA_OK, "%s",
                     senda_ctx_errmsg(ctx));
        senda__gpkg_split_min = 1;
        senda_status st = senda_points_read(ctx, gpkg, NULL, "w", NULL, &two);
        senda__gpkg_split_min = (size_t)1 << 16;
        cr_assert_eq(st, SENDA_OK, "%s", senda_ctx_errmsg(ctx));
        cr_assert_eq(one->n, gaps ? 193 : 301);
        same_points(one, two);
        /* fids of the layer, as made: 1..301 less the deleted ones, ascending */
        for (size_t i = 1; i < two->n; i++)
            cr_assert_gt(two->id[i], two->id[i - 1]);
        cr_assert_eq(two->id[0], 1);
        cr_assert_eq(two->id[two->n - 1], 301);
        senda_points_destroy(one);
        senda_points_destroy(two);
    }
    /* a multipoint as the last row (in the second thread's half): OGR reads it all */
    make("sm", 9, "{\"type\":\"Feature\",\"properties\":{\"w\":2},\"geometry\":{\"type\":"
         "\"MultiPoint\",\"coordinates\":[[501000,1601000],[502000,1602000]]}}",
         "-nlt GEOMETRY", gpkg, sizeof gpkg);
    senda__gpkg_split_min = 1;
    senda_status st = senda_points_read(ctx, gpkg, NULL, "w", NULL, &two);
    senda__gpkg_split_min = (size_t)1 << 16;
    cr_assert_eq(st, SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(two->n, 11);
    cr_assert_eq(two->x[10], 502000.0);
    cr_assert_eq(two->x[4], 500000.0 + 37.123 * 4);
    senda_points_destroy(two);
}

/* Allocation failures on the split read: every one is SENDA_ERR_NOMEM with
 * nothing left allocated (the sanitizer suite checks the leaks), and the
 * read succeeds once the allocations get through. The count also shows that
 * the split ran: it sizes the arrays by the fid range, one read by the rows. */
Test(points_gpkg, two_threads_allocation_failure_returns_nomem)
{
    char gpkg[700];
    make("sf", 140, NULL, "", gpkg, sizeof gpkg);
    sqlite3 *db = NULL; /* 105 rows left over fids 1..140 */
    cr_assert_eq(sqlite3_open(gpkg, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "DELETE FROM pts WHERE fid % 4 = 0", NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    for (int split = 0; split <= 1; split++) {
        senda__gpkg_split_min = split ? 1 : (size_t)1 << 16;
        /* the point set and its 4 arrays, then 4 reallocations per doubling of
         * the capacity from 1: to 128 for the 105 rows read by one thread (5 + 28
         * = 33 allocations), to 256 for the 140 fids of the split (5 + 32 = 37) */
        cr_assert_eq(reads_under_failures(gpkg, 40, 105, 139), 40 - (split ? 37 : 33),
                     "split %d", split);
    }
    senda__gpkg_split_min = (size_t)1 << 16;
}
