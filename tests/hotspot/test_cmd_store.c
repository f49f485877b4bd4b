/*
 * test_cmd_store.c - `senda hotspot --store`: the accepted incidents of a
 * store made by `senda incidents import`, filtered by type, date and weight
 * mode, reach the density; the grid extent can come from the corridor layers.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

static char dir[512], store[600];

/* Four incidents given in UTM 15N (x, y) at cell centres of a 250 m grid with
 * edges at 499000 (west) and 1602000 (north): two kidnappings (severity 6) with
 * 2 and 1 victims at (500125, 1600125) = row 7, column 4; a robbery (severity 3)
 * at (501375, 1601375) = row 2, column 9; a homicide (severity 10) in 2018 at
 * (501375, 1600125) = row 7, column 9. Duplicate detection is off (--dedupe-km -1)
 * so both kidnappings stay. The first kidnapping has a woman among its victims and
 * police as perpetrator, the second a criminal group. */
static void make_store(void)
{
    char *d = tu_tmpdir(), csv[600], cmd[2048];
    snprintf(dir, sizeof dir, "%s", d);
    free(d);
    snprintf(csv, sizeof csv, "%s/inc.csv", dir);
    snprintf(store, sizeof store, "%s/store.gpkg", dir);
    tu_write(csv, "x,y,date,type,victims,women,perpetrator\n"
                  "500125,1600125,2020-03-01,kidnapping,2,1,police\n"
                  "500125,1600125,2020-05-01,kidnapping,1,0,criminal group\n"
                  "501375,1601375,2020-04-01,robbery,1,0,\n"
                  "501375,1600125,2018-07-01,homicide,1,0,\n");
    snprintf(cmd, sizeof cmd, "incidents import %s --store %s --s_srs EPSG:32615 --lon-field x "
             "--lat-field y --no-join --dedupe-km -1 --today 2026-01-01 -q", csv, store);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
}

TestSuite(cmd_hotspot_store, .init = make_store);

/* Runs a qgis-raw quartic density (radius 500 m, 250 m cells, 12 x 12) of the
 * store with extra filter options; returns the grid, and the JSON summary in out. */
static senda_grid *density(const char *filters, char **json)
{
    char cmd[2048], tif[600];
    snprintf(tif, sizeof tif, "%s/d.tif", dir);
    snprintf(cmd, sizeof cmd, "hotspot --store %s --weight severity %s --radius-m 500 --cell-m 250 --extent "
             "499000,1599000,502000,1602000 --kde-scale qgis-raw --out %s --json -q", store,
             filters, tif);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s: %s", cmd, r.err);
    *json = strdup(r.out);
    tu_run_free(&r);
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_read(ctx, tif, &g), SENDA_OK);
    senda_ctx_destroy(ctx);
    cr_assert_eq(senda_grid_n_cols(g), 12);
    return g;
}

static double cell(const senda_grid *g, int row, int col)
{
    return senda_grid_cdata(g)[row * 12 + col];
}

Test(cmd_hotspot_store, weights_are_severity_times_victims)
{
    char *js;
    senda_grid *g = density("", &js);
    /* weights: kidnappings 6 x 2 + 6 x 1, robbery 3, homicide 10: total 31. The other
     * points are >= 1250 m away (radius 500), and qgis-raw K(0) = 1, so each point's own
     * cell holds the weight at that place */
    cr_assert(strstr(js, "\"points\":4") && strstr(js, "\"total_weight\":31"), "%s", js);
    cr_assert_float_eq(cell(g, 7, 4), 18.0, 1e-6);
    cr_assert_float_eq(cell(g, 2, 9), 3.0, 1e-6);
    cr_assert_float_eq(cell(g, 7, 9), 10.0, 1e-6);
    /* one cell (250 m) from the kidnappings: 18 x (1 - 0.5^2)^2 = 10.125 */
    cr_assert_float_eq(cell(g, 7, 5), 10.125, 1e-6);
    senda_grid_destroy(g);
    free(js);
}

Test(cmd_hotspot_store, filters_by_type_date_count_victims_and_perpetrator)
{
    char *js;
    senda_grid *g = density("--types kidnapping --unweighted", &js);
    /* two kidnappings weighing 1 each; nothing at the robbery and the homicide */
    cr_assert(strstr(js, "\"points\":2") && strstr(js, "\"total_weight\":2"), "%s", js);
    cr_assert_float_eq(cell(g, 7, 4), 2.0, 1e-6);
    cr_assert_eq(cell(g, 2, 9), 0.0);
    cr_assert_eq(cell(g, 7, 9), 0.0);
    senda_grid_destroy(g);
    free(js);
    g = density("--date-from 2019 --date-to 2020-04", &js);
    /* 2018 homicide out; the May kidnapping out: kidnapping 12, robbery 3 */
    cr_assert(strstr(js, "\"points\":2") && strstr(js, "\"total_weight\":15"), "%s", js);
    cr_assert_float_eq(cell(g, 7, 4), 12.0, 1e-6);
    cr_assert_float_eq(cell(g, 2, 9), 3.0, 1e-6);
    cr_assert_eq(cell(g, 7, 9), 0.0);
    senda_grid_destroy(g);
    free(js);
    g = density("--victims women", &js); /* the first kidnapping: 6 x 2 */
    cr_assert(strstr(js, "\"points\":1") && strstr(js, "\"total_weight\":12"), "%s", js);
    cr_assert_float_eq(cell(g, 7, 4), 12.0, 1e-6);
    senda_grid_destroy(g);
    free(js);
    g = density("--perpetrators criminal_group", &js); /* the second kidnapping: 6 x 1 */
    cr_assert(strstr(js, "\"points\":1") && strstr(js, "\"total_weight\":6"), "%s", js);
    cr_assert_float_eq(cell(g, 7, 4), 6.0, 1e-6);
    senda_grid_destroy(g);
    free(js);
}

Test(cmd_hotspot_store, extent_from_the_layers_on_whole_cells)
{
    /* Five one-feature layers in UTM 15N spanning x 480000..520000, y 1590000..1650000.
     * With 7000 m cells the edges widen to multiples of 7000: x 476000..525000 (7 cols),
     * y 1589000..1652000 (9 rows). */
    char p[700], cmd[2048];
    const char *crs = "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                      "\"urn:ogc:def:crs:EPSG::32615\"}}";
    const char *lay[5][2] = {
        {"border", "\"LineString\",\"coordinates\":[[480000,1590000],[520000,1590000]]"},
        {"rail", "\"LineString\",\"coordinates\":[[490000,1600000],[510000,1650000]]"},
        {"checkpoints", "\"Point\",\"coordinates\":[500000,1620000]"},
        {"crossings", "\"Point\",\"coordinates\":[485000,1591000]"},
        {"shelters", "\"Point\",\"coordinates\":[505000,1640000]"}};
    snprintf(cmd, sizeof cmd, "mkdir -p %s/lay", dir);
    cr_assert_eq(system(cmd), 0);
    for (int i = 0; i < 5; i++) {
        char txt[1024];
        snprintf(p, sizeof p, "%s/lay/%s.geojson", dir, lay[i][0]);
        snprintf(txt, sizeof txt, "{\"type\":\"FeatureCollection\",%s,\"features\":[{\"type\":"
                 "\"Feature\",\"properties\":{\"name\":\"%s\"},\"geometry\":{\"type\":%s}}]}",
                 crs, lay[i][0], lay[i][1]);
        cr_assert_eq(tu_write(p, txt), 0);
    }
    snprintf(cmd, sizeof cmd, "hotspot --store %s --extent-from layers --layers %s/lay "
             "--radius-m 2000 --cell-m 7000 --band-m 8000 --min-incidents 1 --out %s/l.gpkg --json -q", store, dir,
             dir);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"rows\":9") && strstr(r.out, "\"cols\":7") &&
              strstr(r.out, "\"gistar_cells\":63"), "%s", r.out);
    tu_run_free(&r);
    snprintf(cmd, sizeof cmd, "gdalinfo %s/l.gpkg > %s/l.txt 2>&1", dir, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(p, sizeof p, "%s/l.txt", dir);
    char *txt = tu_read(p);
    cr_assert(strstr(txt, "Origin = (476000.0") && strstr(txt, ",1652000.0"), "%s", txt);
    free(txt);
}

Test(cmd_hotspot_store, usage_and_filter_errors)
{
    char cmd[2048];
    tu_run r = tu_senda("hotspot --points a.gpkg --store b.gpkg --out x.gpkg");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "one of them") != NULL, "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("hotspot --points a.gpkg --types kidnapping --out x.gpkg");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--types filters") != NULL, "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("hotspot --store a.gpkg --extent-from map --out x.gpkg");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--extent-from") != NULL, "%s", r.err);
    tu_run_free(&r);
    /* an unknown type code is the library's SENDA_ERR_ARG: usage, exit 2 */
    snprintf(cmd, sizeof cmd, "hotspot --store %s --types piracy --out %s/x.gpkg -q", store, dir);
    r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "piracy") != NULL, "%s", r.err);
    tu_run_free(&r);
    /* nothing passes: a clear failure, no output */
    snprintf(cmd, sizeof cmd, "hotspot --store %s --from 2025 --out %s/x.gpkg -q", store, dir);
    r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert(strstr(r.err, "no accepted incident passes the filters") != NULL, "%s", r.err);
    tu_run_free(&r);
}

Test(cmd_hotspot_store, help_lists_every_type_and_perpetrator_code)
{
    tu_run r = tu_senda("hotspot --help");
    cr_assert_eq(r.exit_code, 0);
    for (int i = 0; i < SENDA_INC_N_TYPES; i++)
        cr_assert(strstr(r.out, senda_incidents_type_code(i)) != NULL, "%s",
                  senda_incidents_type_code(i));
    for (int i = 0; i < SENDA_N_PERPETRATORS; i++)
        cr_assert(strstr(r.out, senda_incidents_perpetrator_code(i)) != NULL, "%s",
                  senda_incidents_perpetrator_code(i));
    cr_assert(strstr(r.out, "--store STORE.gpkg") && strstr(r.out, "--extent-from"));
    tu_run_free(&r);
}

/* Each incident gets its own dates (the emerging hot spots' cube reads them
 * one by one through one prepared statement): the store's fids in order are
 * the rows of make_store, dated 2020-03-01, 2020-05-01, 2020-04-01 and
 * 2018-07-01, so day 2020-05-01 minus 2020-03-01 = 61 (31 + 30) and the
 * homicide's year differs. */
Test(cmd_hotspot_store, each_incident_gets_its_own_dates)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    senda_points *p = NULL;
    cr_assert_eq(senda_incidents_points(ctx, store, &f, "EPSG:32615", &p), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(p->n, 4);
    int32_t *d0 = NULL, *d1 = NULL;
    cr_assert_eq(senda_incidents_dates(ctx, store, p, &d0, &d1), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(d0[1] - d0[0], 61);
    cr_assert_eq(d1[1], d0[1]);
    cr_assert_lt(d0[3], d0[0] - 365);
    senda_free(d0);
    senda_free(d1);
    senda_points_destroy(p);
    senda_ctx_destroy(ctx);
}
