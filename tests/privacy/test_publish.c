/*
 * test_publish.c - cell suppression (hand-solved tables) and senda publish
 * (a run file made here: what goes in, what never does).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "privacy/privacy_int.h"
#include "testutil.h"

static senda_ctx *ctx;
static void setup(void) { cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK); }
static void teardown(void) { senda_ctx_destroy(ctx); }
TestSuite(publish, .init = setup, .fini = teardown);

Test(publish, one_small_count_in_a_line_takes_the_next_smallest_with_it)
{
    /* cells 3, 20, 30 with their total 53, k = 11: 3 is primary; alone in
     * its line it would be 53 - 20 - 30, so the smallest published positive
     * cell, 20, is suppressed too: {3, 20} sum 23 >= 11. The total stays. */
    long v[] = {3, 20, 30, 53};
    unsigned char s[4];
    size_t cells[] = {0, 1, 2};
    senda__supp_line line = {3, cells, 3};
    senda__supp_table t = {v, s, 4};
    cr_assert_eq(senda__suppress(&t, &line, 1, 11), 1);
    cr_assert(s[0] && s[1] && !s[2] && !s[3]);
}

Test(publish, two_small_counts_summing_below_k_take_a_third)
{
    /* 2, 2, 50, 60 (total 114): {2, 2} sums to 4 < 11, so their total says
     * "fewer than 5 together": add 50 -> {2, 2, 50} = 54. */
    long v[] = {2, 2, 50, 60, 114};
    unsigned char s[5];
    size_t cells[] = {0, 1, 2, 3};
    senda__supp_line line = {4, cells, 4};
    senda__supp_table t = {v, s, 5};
    cr_assert_eq(senda__suppress(&t, &line, 1, 11), 2);
    cr_assert(s[0] && s[1] && s[2] && !s[3] && !s[4]);
}

Test(publish, a_small_total_is_itself_suppressed_and_protects_its_line)
{
    /* 3, 4, 0 with total 7 < 11: every nonzero count is primary, the line
     * is safe because its total is not published; the zero stays. */
    long v[] = {3, 4, 0, 7};
    unsigned char s[4];
    size_t cells[] = {0, 1, 2};
    senda__supp_line line = {3, cells, 3};
    senda__supp_table t = {v, s, 4};
    cr_assert_eq(senda__suppress(&t, &line, 1, 11), 3);
    cr_assert(s[0] && s[1] && !s[2] && s[3]);
}

Test(publish, a_two_way_table_is_protected_along_rows_and_columns)
{
    /* [[3, 20], [30, 40]], rows 23 and 70, columns 33 and 60, total 93.
     * Row 0: 3 alone -> 20. Column 0: 3 alone -> 30. Column 1: 20 alone
     * -> 40. Row 1: {30, 40} = 70 fine; the margins hold nothing
     * suppressed. All four inner cells suppressed, every total published:
     * a + b = 23, a + c = 33, c + d = 70, b + d = 60 leave a free in
     * 0..23, so 3 cannot be recovered. */
    long v[] = {3, 20, 30, 40, 23, 70, 33, 60, 93};
    unsigned char s[9];
    size_t r0[] = {0, 1}, r1[] = {2, 3}, c0[] = {0, 2}, c1[] = {1, 3}, rt[] = {4, 5},
           ct[] = {6, 7};
    senda__supp_line lines[] = {{4, r0, 2}, {5, r1, 2}, {6, c0, 2},
                                {7, c1, 2}, {8, rt, 2}, {8, ct, 2}};
    senda__supp_table t = {v, s, 9};
    cr_assert_eq(senda__suppress(&t, lines, 6, 11), 1);
    for (int i = 0; i < 4; i++)
        cr_assert(s[i], "inner cell %d published", i);
    for (int i = 4; i < 9; i++)
        cr_assert(!s[i], "total %d suppressed", i);
}

/* A run file: 12 incidents in one 25 km cell and 3 in another (all
 * kidnappings of 2020-01), a border line and a shelter. */
static void make_run(const char *path)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    cr_assert_not_null(ds);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32615);
    OGRLayerH inc = GDALDatasetCreateLayer(ds, "incidents", srs, wkbPoint, NULL);
    const char *fields[][2] = {{"type", "s"}, {"date_first", "d"}, {"date_precision", "s"},
                               {"notes", "s"}};
    for (int i = 0; i < 4; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i][0], fields[i][1][0] == 'd' ? OFTDate
                                                                              : OFTString);
        OGR_L_CreateField(inc, fd, 1);
        OGR_Fld_Destroy(fd);
    }
    for (int i = 0; i < 15; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(inc));
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        /* cell (20, 68) of 25 km: x 500000..525000, y 1700000..1725000; cell (21, 68) */
        OGR_G_SetPoint_2D(g, 0, i < 12 ? 510000.0 + i : 530000.0 + i, 1710000.0);
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFieldString(f, 0, "kidnapping");
        OGR_F_SetFieldDateTime(f, 1, 2020, 1, 1 + i, 0, 0, 0, 0);
        OGR_F_SetFieldString(f, 2, "day");
        OGR_F_SetFieldString(f, 3, "SECRET witness name");
        cr_assert_eq(OGR_L_CreateFeature(inc, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    const char *other[] = {"border", "shelters"};
    for (int k = 0; k < 2; k++) {
        OGRLayerH l = GDALDatasetCreateLayer(ds, other[k], srs, k ? wkbPoint : wkbLineString,
                                             NULL);
        OGRFieldDefnH fd = OGR_Fld_Create("name", OFTString);
        OGR_L_CreateField(l, fd, 1);
        OGR_Fld_Destroy(fd);
        fd = OGR_Fld_Create("address", OFTString);
        OGR_L_CreateField(l, fd, 1);
        OGR_Fld_Destroy(fd);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH g = OGR_G_CreateGeometry(k ? wkbPoint : wkbLineString);
        OGR_G_SetPoint_2D(g, 0, 500000.0, 1700000.0);
        if (!k)
            OGR_G_SetPoint_2D(g, 1, 510000.0, 1720000.0);
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFieldString(f, 0, k ? "Shelter" : "Mexico–Guatemala");
        OGR_F_SetFieldString(f, 1, "Calle Secreta 1");
        cr_assert_eq(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

Test(publish, the_public_file_holds_only_protected_aggregates)
{
    char *dir = tu_tmpdir();
    char run[512], out[512], args[1200];
    snprintf(run, sizeof run, "%s/run.gpkg", dir);
    snprintf(out, sizeof out, "%s/public.gpkg", dir);
    make_run(run);
    senda_privacy_publish_result r;
    cr_assert_eq(senda_privacy_publish(ctx, run, out, NULL, &r, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    /* cells: 12 and 3 with total 15 (k = 11): 3 is primary; alone it is
     * 15 - 12, so 12 goes too ({12, 3} = 15 >= 11). The table: one period
     * (2020-01) x one type, its totals and the grand total, all 15. */
    cr_assert_eq(r.n_incidents, 15);
    cr_assert_eq(r.n_cells, 2);
    cr_assert_eq(r.n_cells_suppressed, 2);
    cr_assert_eq(r.n_primary, 1);
    cr_assert_eq(r.n_counts, 4);
    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    cr_assert_null(GDALDatasetGetLayerByName(ds, "incidents"), "points copied");
    cr_assert_null(GDALDatasetGetLayerByName(ds, "shelters"), "shelters copied");
    OGRLayerH b = GDALDatasetGetLayerByName(ds, "border");
    cr_assert_not_null(b);
    cr_assert_eq(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(b)), 1, "only the name is copied");
    OGRLayerH sql = GDALDatasetExecuteSQL(
        ds, "SELECT COUNT(*), SUM(suppressed), SUM(incidents IS NULL) FROM incident_cells", NULL,
        "SQLITE");
    OGRFeatureH f = OGR_L_GetNextFeature(sql);
    cr_assert_eq(OGR_F_GetFieldAsInteger(f, 0), 2);
    cr_assert_eq(OGR_F_GetFieldAsInteger(f, 1), 2);
    cr_assert_eq(OGR_F_GetFieldAsInteger(f, 2), 2);
    OGR_F_Destroy(f);
    GDALDatasetReleaseResultSet(ds, sql);
    sql = GDALDatasetExecuteSQL(ds, "SELECT period, type, incidents FROM incident_counts "
                                    "ORDER BY period, type", NULL, "SQLITE");
    const char *want[][2] = {{"2020-01", "all"}, {"2020-01", "kidnapping"}, {"all", "all"},
                             {"all", "kidnapping"}};
    for (int i = 0; i < 4; i++) {
        f = OGR_L_GetNextFeature(sql);
        cr_assert_not_null(f);
        cr_assert_str_eq(OGR_F_GetFieldAsString(f, 0), want[i][0]);
        cr_assert_str_eq(OGR_F_GetFieldAsString(f, 1), want[i][1]);
        cr_assert_eq(OGR_F_GetFieldAsInteger(f, 2), 15);
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, sql);
    GDALClose(ds);
    /* nothing of the secret fields anywhere in the file's bytes */
    char *bytes = NULL;
    FILE *fp = fopen(out, "rb");
    cr_assert_not_null(fp);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    rewind(fp);
    bytes = malloc((size_t)size);
    cr_assert_eq(fread(bytes, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    cr_assert_null(memmem(bytes, (size_t)size, "SECRET", 6), "free text leaked");
    cr_assert_null(memmem(bytes, (size_t)size, "Calle Secreta", 13), "address leaked");
    cr_assert_null(memmem(bytes, (size_t)size, "2020-01-0", 9), "a day leaked");
    free(bytes);

    /* errors: k below 5, the run file as output, no incidents layer */
    senda_privacy_publish_opts o;
    senda_privacy_publish_opts_init(&o);
    o.k = 4;
    cr_assert_eq(senda_privacy_publish(ctx, run, out, &o, NULL, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "at least 5") != NULL);
    cr_assert_eq(senda_privacy_publish(ctx, run, run, NULL, NULL, NULL, NULL), SENDA_ERR_ARG);
    cr_assert_eq(senda_privacy_publish(ctx, out, run, NULL, NULL, NULL, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "incidents") != NULL);
    /* the CLI */
    snprintf(args, sizeof args, "publish '%s' --out '%s/p2.gpkg' --json -q", run, dir);
    tu_run t = tu_senda(args);
    cr_assert_eq(t.exit_code, 0, "%s", t.err);
    cr_assert(strstr(t.out, "\"map_cells_suppressed\":2") != NULL, "%s", t.out);
    tu_run_free(&t);
    snprintf(args, sizeof args, "publish '%s' --out '%s/p3.gpkg' --k 3", run, dir);
    t = tu_senda(args);
    cr_assert_eq(t.exit_code, 2, "%s", t.err);
    tu_run_free(&t);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    cr_assert_eq(system(args), 0);
    free(dir);
}

static int stop_now(double c, const char *m, void *arg)
{
    (void)c;
    (void)m;
    return ++*(int *)arg < 2;
}

Test(publish, cancellation_and_allocation_failure_leave_no_file)
{
    char *dir = tu_tmpdir();
    char run[512], out[512];
    snprintf(run, sizeof run, "%s/run.gpkg", dir);
    snprintf(out, sizeof out, "%s/public.gpkg", dir);
    make_run(run);
    for (int stop_at = 0;; stop_at++) {
        int calls = -stop_at;
        senda_status st = senda_privacy_publish(ctx, run, out, NULL, NULL, stop_now, &calls);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_CANCELLED);
        cr_assert_neq(access(out, F_OK), 0, "a file after cancelling at report %d", stop_at);
        cr_assert(stop_at < 10, "never finishes");
    }
    unlink(out);
    /* every allocation in turn fails: NOMEM and no file, until it succeeds */
    for (long n = 1;; n++) {
        senda_ctx_fail_alloc_after(ctx, n);
        senda_status st = senda_privacy_publish(ctx, run, out, NULL, NULL, NULL, NULL);
        senda_ctx_fail_alloc_after(ctx, 0);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: %s", n, senda_ctx_errmsg(ctx));
        cr_assert_neq(access(out, F_OK), 0);
        cr_assert(n < 1000);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}
