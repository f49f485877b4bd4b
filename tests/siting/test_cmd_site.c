/*
 * test_cmd_site.c - `senda site` on GeoJSON point layers: the JSON summary,
 * the table, exit codes and messages. The instance is the "line" of
 * test_solve.c shifted into UTM 15N coordinates (its optimum for p = 2 is
 * {A, B}, covering all 6 of weight 6; see there for the derivation); the
 * candidates carry GeoJSON ids 11, 12, 13 so the feature ids are checked.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define CRS_MEMBER "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32615\"}},"

static char *dir;
static char dem_path[512], cand_path[512], ex_path[512];

static void write_fixture(void)
{
    dir = tu_tmpdir();
    snprintf(dem_path, sizeof dem_path, "%s/demand.geojson", dir);
    snprintf(cand_path, sizeof cand_path, "%s/cand.geojson", dir);
    snprintf(ex_path, sizeof ex_path, "%s/existing.geojson", dir);
    static const char *pt = "{\"type\":\"Feature\",\"id\":%d,\"properties\":{\"w\":%g,\"danger\":%g},"
                            "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%g,1700000]}}";
    char buf[4096], f[512];
    const double dx[] = {0, 10, 20, 30}, dw[] = {1, 2, 2, 1};
    snprintf(buf, sizeof buf, "{\"type\":\"FeatureCollection\"," CRS_MEMBER "\"features\":[");
    for (int i = 0; i < 4; i++) {
        snprintf(f, sizeof f, pt, i + 1, dw[i], 0.0, 500000 + dx[i]);
        strcat(buf, f);
        strcat(buf, i < 3 ? "," : "]}");
    }
    cr_assert_eq(tu_write(dem_path, buf), 0);
    const double cx[] = {5, 25, 15}, danger[] = {0, 9, 0};
    snprintf(buf, sizeof buf, "{\"type\":\"FeatureCollection\"," CRS_MEMBER "\"features\":[");
    for (int j = 0; j < 3; j++) {
        snprintf(f, sizeof f, pt, 11 + j, 0.0, danger[j], 500000 + cx[j]);
        strcat(buf, f);
        strcat(buf, j < 2 ? "," : "]}");
    }
    cr_assert_eq(tu_write(cand_path, buf), 0);
    snprintf(buf, sizeof buf, "{\"type\":\"FeatureCollection\"," CRS_MEMBER "\"features\":[");
    snprintf(f, sizeof f, pt, 1, 0.0, 0.0, 500015.0);
    strcat(buf, f);
    strcat(buf, "]}");
    cr_assert_eq(tu_write(ex_path, buf), 0);
}

static void cleanup(void)
{
    unlink(dem_path);
    unlink(cand_path);
    unlink(ex_path);
    rmdir(dir);
    free(dir);
}

static tu_run site(const char *extra)
{
    char args[2048];
    snprintf(args, sizeof args, "site --demand '%s' --weight-field w --candidates '%s' "
             "--radius-m 5 -q %s", dem_path, cand_path, extra);
    return tu_senda(args);
}

Test(cmd_site, json_reports_the_optimum_with_feature_ids, .init = write_fixture, .fini = cleanup)
{
    tu_run r = site("--p 2 --json");
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"covered_weight\":6") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\"total_weight\":6") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\"upper_bound\":6") != NULL, "%s", r.out);
    char *s = strstr(r.out, "\"sites\":[");
    cr_assert_not_null(s, "%s", r.out);
    cr_assert(strncmp(s, "\"sites\":[\n    11,\n    12\n  ]", 28) == 0, "%s", s);
    tu_run_free(&r);
}

Test(cmd_site, table_ranks_sites_after_existing_shelters, .init = write_fixture,
     .fini = cleanup)
{
    char extra[700];
    snprintf(extra, sizeof extra, "--p 1 --existing '%s'", ex_path);
    tu_run r = site(extra);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    /* existing covers 4 of 6; A (fid 11) adds 1 -> 83.33 %, 10 m from the shelter */
    cr_assert(strstr(r.out, "   1         11") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "83.33") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "existing shelters 4") != NULL, "%s", r.out);
    tu_run_free(&r);
}

Test(cmd_site, exposure_limit_with_no_safe_site_fails_clearly, .init = write_fixture,
     .fini = cleanup)
{
    tu_run r = site("--p 2 --exposure-field danger --max-exposure -1");
    cr_assert_eq(r.exit_code, 1);
    cr_assert(strstr(r.err, "no candidate site satisfies the exposure limit -1") != NULL, "%s",
              r.err);
    cr_assert_str_empty(r.out);
    tu_run_free(&r);
}

Test(cmd_site, usage_errors_exit_2)
{
    tu_run r = tu_senda("site --candidates x.gpkg");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--demand and --candidates are required") != NULL, "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("site --demand a --candidates b --model pmedian");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--model must be mclp or set-cover") != NULL, "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("site --demand a --candidates b --max-exposure 3");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "need --exposure-field") != NULL, "%s", r.err);
    tu_run_free(&r);
}

Test(cmd_site, help_teaches_units_and_an_example)
{
    tu_run r = tu_senda("site --help");
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strstr(r.out, "--radius-m R") != NULL);
    cr_assert(strstr(r.out, "metres") != NULL);
    cr_assert(strstr(r.out, "Examples:") != NULL);
    tu_run_free(&r);
}

Test(cmd_site, unreadable_input_fails_naming_the_file)
{
    tu_run r = tu_senda("site --demand /nonexistent/d.gpkg --candidates /nonexistent/c.gpkg -q");
    cr_assert_eq(r.exit_code, 1);
    cr_assert(strstr(r.err, "/nonexistent/d.gpkg") != NULL, "%s", r.err);
    tu_run_free(&r);
}
