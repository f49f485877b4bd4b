/*
 * test_route.c - route scoring (route.c), its GeoPackage layers
 * (route_write.c), the profile picture (profile.c), place names (place.c)
 * and the danger stage's grid (stage.c), on a hand-made layer set in
 * EPSG:32615: one straight 30 km rail line from (500000, 1700000) east to
 * (530000, 1700000), so chainage = x - 500000 and distance = |y - 1700000|
 * for points between its ends. Every expected value is worked out in the
 * comments from those coordinates.
 */
#include <cairo.h>
#include <criterion/criterion.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

static void write_layer(const char *dir, const char *name, const char *features)
{
    cr_assert_eq(tu_write_layer(dir, name, features), 0);
}

static void point_feature(char *buf, size_t n, const char *props, double x, double y)
{
    snprintf(buf, n,
             "{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Point\","
             "\"coordinates\":[%.1f,%.1f]}}",
             props, x, y);
}

/* The layer set. Stations: Alpha (shelter town, 500 m north of chainage 5
 * km), "Ciudad Beta" (shelter town "Béta", 1 km south of chainage 20 km:
 * accent and leading "Ciudad" folded), Nowhere (in no layer) and Gamma (20
 * km off the line, beyond station_max_m = 10 km). */
static char *make_layers(void)
{
    char *dir = tu_tmpdir();
    char a[512], b[512], c[512], d[2048];
    write_layer(dir, "rail",
                "{\"type\":\"Feature\",\"properties\":{\"name\":\"Test line\",\"stations\":"
                "\"Alpha; Ciudad Beta; Nowhere; Gamma\"},\"geometry\":{\"type\":\"LineString\","
                "\"coordinates\":[[500000,1700000],[512000,1700000],[530000,1700000]]}}");
    write_layer(dir, "border",
                "{\"type\":\"Feature\",\"properties\":{\"name\":\"b\"},\"geometry\":{\"type\":"
                "\"LineString\",\"coordinates\":[[495000,1690000],[495000,1740000]]}}");
    point_feature(a, sizeof a, "\"name\":\"Test post\"", 515500, 1729500);
    write_layer(dir, "checkpoints", a);
    point_feature(a, sizeof a, "\"name\":\"Origin bridge (river)\",\"mx_town\":\"Ciudad Origen\"",
                  500000, 1700000);
    write_layer(dir, "crossings", a);
    point_feature(a, sizeof a, "\"name\":\"Casa Alpha\",\"town\":\"Alpha\"", 505000, 1700500);
    point_feature(b, sizeof b, "\"name\":\"Casa Beta\",\"town\":\"B\xc3\xa9ta\"", 520000,
                  1699000);
    point_feature(c, sizeof c, "\"name\":\"Casa Gamma\",\"town\":\"Gamma\"", 525000, 1720000);
    snprintf(d, sizeof d, "%s,%s,%s", a, b, c);
    write_layer(dir, "shelters", d);
    return dir;
}

typedef struct {
    senda_ctx *ctx;
    char *dir;
    senda_layers *layers;
    senda_points *inc;
    senda_grid *danger;
    senda_cost_route_result *r;
} rfx;

/* Incidents (x, y, weight) and where they fall (buffer 2 km):
 *   E (499000, 1700000) w 4: 1 km west of the start, nearest point the
 *     start: distance 1 km, chainage 0
 *   A (502000, 1701000) w 3: distance 1 km, chainage 2 km
 *   B (507000, 1698500) w 1: distance 1.5 km, chainage 7 km
 *   C (512000, 1700000) w 2: on the middle vertex, chainage 12 km
 *   D (513000, 1703000) w 5: distance 3 km > 2 km, left out
 *   F (526000, 1700100) w 1: chainage 26 km
 * so the line holds 5 incidents of total weight 4+3+1+2+1 = 11. */
static const double inc_xyw[6][3] = {{499000, 1700000, 4}, {502000, 1701000, 3},
                                     {507000, 1698500, 1}, {512000, 1700000, 2},
                                     {513000, 1703000, 5}, {526000, 1700100, 1}};

static void rsetup(rfx *f)
{
    memset(f, 0, sizeof *f);
    cr_assert_eq(senda_ctx_create(&f->ctx), SENDA_OK);
    f->dir = make_layers();
    cr_assert_eq(senda_layers_open(f->ctx, f->dir, NULL, &f->layers, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(f->ctx));
    cr_assert_eq(senda_points_create(f->ctx, 6, SENDA_DEFAULT_CRS, &f->inc), SENDA_OK);
    for (size_t i = 0; i < 6; i++) {
        f->inc->x[i] = inc_xyw[i][0];
        f->inc->y[i] = inc_xyw[i][1];
        f->inc->weight[i] = inc_xyw[i][2];
    }
    /* danger surface: 2 rows x 30 columns of 1 km over the line (x 500..530
     * km, y 1699..1701 km), value = column index: the cell under chainage c
     * km holds floor(c). */
    cr_assert_eq(senda_grid_create(f->ctx, 2, 30, 500000.0, 1701000.0, 1000.0, SENDA_DEFAULT_CRS,
                                   0.0, &f->danger),
                 SENDA_OK);
    double *v = senda_grid_data(f->danger);
    for (size_t i = 0; i < 60; i++)
        v[i] = (double)(i % 30);
}

static void rteardown(rfx *f)
{
    senda_cost_route_result_destroy(f->r);
    senda_grid_destroy(f->danger);
    senda_points_destroy(f->inc);
    senda_layers_destroy(f->layers);
    senda_ctx_destroy(f->ctx);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    cr_assert_eq(system(cmd), 0);
    free(f->dir);
}

/* window 10 km, step 5 km: starts 0, 5, 10, 15 (15 + 10 < 30) and the last
 * one at L - W = 20: five windows. */
static void score(rfx *f)
{
    senda_cost_route_opts o;
    senda_cost_route_opts_init(&o);
    o.step_m = 5000.0;
    cr_assert_eq(senda_cost_route_score(f->ctx, f->layers, f->inc, f->danger, &o, &f->r, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(f->ctx));
}

Test(route, windows_count_weigh_and_rank_incidents_by_chainage)
{
    rfx f;
    rsetup(&f);
    score(&f);
    cr_assert_eq(f.r->n_lines, 1);
    const senda_cost_route_line *l = &f.r->lines[0];
    cr_assert_str_eq(l->name, "Test line");
    cr_assert_float_eq(l->length_m, 30000.0, 1e-6);
    cr_assert_eq(l->incidents, 5);
    cr_assert_float_eq(l->weight, 11.0, 1e-12);
    cr_assert_eq(f.r->n_windows, 5);
    /* [0,10]: E, A, B -> 3, weight 8, 0.8 per km
     * [5,15]: B, C -> 2, weight 3, 0.3 per km
     * [10,20]: C -> 1, weight 2, 0.2 per km
     * [15,25]: none
     * [20,30]: F -> 1, weight 1, 0.1 per km
     * ranks by danger_per_km: 1, 2, 3, 5, 4 */
    static const double want[5][6] = {{0, 10, 3, 8, 0.8, 1}, {5, 15, 2, 3, 0.3, 2},
                                      {10, 20, 1, 2, 0.2, 3}, {15, 25, 0, 0, 0.0, 5},
                                      {20, 30, 1, 1, 0.1, 4}};
    for (size_t k = 0; k < 5; k++) {
        const senda_cost_route_window *w = &f.r->windows[k];
        cr_assert_float_eq(w->from_m, want[k][0] * 1000.0, 1e-6, "window %zu", k);
        cr_assert_float_eq(w->to_m, want[k][1] * 1000.0, 1e-6, "window %zu", k);
        cr_assert_eq(w->incidents, (long)want[k][2], "window %zu", k);
        cr_assert_float_eq(w->weight, want[k][3], 1e-12, "window %zu", k);
        cr_assert_float_eq(w->danger_per_km, want[k][4], 1e-12, "window %zu", k);
        cr_assert_eq(w->rank, (long)want[k][5], "window %zu", k);
    }
    rteardown(&f);
}

Test(route, mean_danger_averages_the_surface_under_each_window)
{
    rfx f;
    rsetup(&f);
    score(&f);
    /* Samples every cell/4 = 250 m, at (i + 1/2) * 250 m: 4 per 1 km cell,
     * the cell under km k holding k. Window [a, b] km covers cells a..b-1:
     * mean (a + b - 1) / 2. Whole line: mean 14.5, integral sum_k k * 1 km
     * = 435 (danger per km x km). The line runs along the row edge y =
     * 1700000, which belongs to row 1; both rows hold the same values. */
    cr_assert_float_eq(f.r->windows[0].mean_danger, 4.5, 1e-9);
    cr_assert_float_eq(f.r->windows[1].mean_danger, 9.5, 1e-9);
    cr_assert_float_eq(f.r->windows[4].mean_danger, 24.5, 1e-9);
    cr_assert_float_eq(f.r->lines[0].mean_danger, 14.5, 1e-9);
    cr_assert_float_eq(f.r->lines[0].total_danger, 435.0, 1e-6);
    rteardown(&f);
}

Test(route, without_a_surface_mean_danger_is_nan_and_no_incidents_count_zero)
{
    rfx f;
    rsetup(&f);
    senda_cost_route_opts o;
    senda_cost_route_opts_init(&o);
    cr_assert_eq(senda_cost_route_score(f.ctx, f.layers, NULL, NULL, &o, &f.r, NULL, NULL), SENDA_OK);
    /* default window 10 km, step 1 km: starts 0..19 (19 + 10 < 30), then 20: 21 windows */
    cr_assert_eq(f.r->n_windows, 21);
    cr_assert(isnan(f.r->windows[3].mean_danger));
    cr_assert_eq(f.r->lines[0].incidents, 0);
    cr_assert_float_eq(f.r->windows[20].from_m, 20000.0, 1e-6);
    rteardown(&f);
}

Test(route, a_line_shorter_than_the_window_has_one_window)
{
    rfx f;
    rsetup(&f);
    senda_cost_route_opts o;
    senda_cost_route_opts_init(&o);
    o.window_m = 50000.0;
    cr_assert_eq(senda_cost_route_score(f.ctx, f.layers, f.inc, NULL, &o, &f.r, NULL, NULL), SENDA_OK);
    /* one window [0, 30 km] with all 5 incidents: 11 / 30 per km */
    cr_assert_eq(f.r->n_windows, 1);
    cr_assert_float_eq(f.r->windows[0].to_m, 30000.0, 1e-6);
    cr_assert_float_eq(f.r->windows[0].danger_per_km, 11.0 / 30.0, 1e-12);
    rteardown(&f);
}

Test(route, stations_are_located_by_chainage_and_far_ones_left_out)
{
    rfx f;
    rsetup(&f);
    score(&f);
    const senda_cost_route_line *l = &f.r->lines[0];
    /* Alpha at x 505000 -> 5 km; "Ciudad Beta" = town "Béta" at x 520000 ->
     * 20 km; Nowhere unknown; Gamma 20 km off the line */
    cr_assert_eq(l->n_stations, 2);
    cr_assert_str_eq(l->station[0], "Alpha");
    cr_assert_float_eq(l->station_m[0], 5000.0, 1e-6);
    cr_assert_str_eq(l->station[1], "Ciudad Beta");
    cr_assert_float_eq(l->station_m[1], 20000.0, 1e-6);
    rteardown(&f);
}

Test(route, bad_options_and_layers_fail_with_a_message)
{
    rfx f;
    rsetup(&f);
    senda_cost_route_opts o;
    senda_cost_route_opts_init(&o);
    o.window_m = 0.0;
    cr_assert_eq(senda_cost_route_score(f.ctx, f.layers, f.inc, NULL, &o, &f.r, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "window must be > 0"));
    senda_cost_route_opts_init(&o);
    o.step_m = -1.0;
    cr_assert_eq(senda_cost_route_score(f.ctx, f.layers, f.inc, NULL, &o, &f.r, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "step must be > 0"));
    senda_cost_route_opts_init(&o);
    o.buffer_m = -1.0;
    cr_assert_eq(senda_cost_route_score(f.ctx, f.layers, f.inc, NULL, &o, &f.r, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "buffer must be >= 0"));
    senda_cost_route_opts_init(&o);
    o.layer = "roads";
    cr_assert_eq(senda_cost_route_score(f.ctx, f.layers, f.inc, NULL, &o, &f.r, NULL, NULL),
                 SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "no layer 'roads'"));
    o.layer = "shelters";
    cr_assert_eq(senda_cost_route_score(f.ctx, f.layers, f.inc, NULL, &o, &f.r, NULL, NULL),
                 SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "not lines"));
    cr_assert_null(f.r);
    rteardown(&f);
}

static int stop_after(double complete, const char *msg, void *arg)
{
    (void)complete, (void)msg;
    int *left = arg;
    return (*left)-- > 0;
}

Test(route, cancellation_frees_everything)
{
    rfx f;
    rsetup(&f);
    senda_cost_route_opts o;
    senda_cost_route_opts_init(&o);
    for (int k = 0; k < 3; k++) {
        int left = k;
        senda_status st =
            senda_cost_route_score(f.ctx, f.layers, f.inc, f.danger, &o, &f.r, stop_after, &left);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_CANCELLED, "after %d reports", k);
        cr_assert_null(f.r);
    }
    rteardown(&f);
}

Test(route, every_allocation_failure_is_reported)
{
    rfx f;
    rsetup(&f);
    senda_cost_route_opts o;
    senda_cost_route_opts_init(&o);
    int failed = 0;
    for (long k = 1; k < 200; k++) {
        senda_ctx_fail_alloc_after(f.ctx, k);
        senda_status st =
            senda_cost_route_score(f.ctx, f.layers, f.inc, f.danger, &o, &f.r, NULL, NULL);
        senda_ctx_fail_alloc_after(f.ctx, 0);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: %s", k, senda_ctx_errmsg(f.ctx));
        cr_assert_null(f.r);
        failed++;
    }
    cr_assert_not_null(f.r, "the call succeeds once allocations stop failing");
    cr_assert_gt(failed, 5);
    rteardown(&f);
}

Test(route, written_layers_read_back_with_ogr)
{
    rfx f;
    rsetup(&f);
    score(&f);
    char path[600];
    snprintf(path, sizeof path, "%s/route.gpkg", f.dir);
    cr_assert_eq(senda_cost_route_write(f.ctx, path, f.r, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(f.ctx));
    /* twice: the layers are replaced, not appended to */
    cr_assert_eq(senda_cost_route_write(f.ctx, path, f.r, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(f.ctx));
    OGRRegisterAll();
    OGRDataSourceH ds = OGROpen(path, 0, NULL);
    cr_assert_not_null(ds);
    OGRLayerH seg = OGR_DS_GetLayerByName(ds, "route_segments");
    cr_assert_not_null(seg);
    cr_assert_eq(OGR_L_GetFeatureCount(seg, 1), 5);
    OGR_L_SetAttributeFilter(seg, "rank = 1");
    OGRFeatureH ft = OGR_L_GetNextFeature(seg);
    cr_assert_not_null(ft);
    /* the first window [0, 10 km], 3 incidents, 0.8 per km, cut from the
     * line: from (500000, 1700000) to (510000, 1700000), 10 km long */
    cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "chainage_km_to")),
                       10.0, 1e-9);
    cr_assert_eq(OGR_F_GetFieldAsInteger(ft, OGR_F_GetFieldIndex(ft, "incidents")), 3);
    cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "danger_per_km")), 0.8,
                       1e-12);
    cr_assert_str_eq(OGR_F_GetFieldAsString(ft, OGR_F_GetFieldIndex(ft, "line")), "Test line");
    cr_assert_float_eq(OGR_G_Length(OGR_F_GetGeometryRef(ft)), 10000.0, 1e-6);
    OGR_F_Destroy(ft);
    /* window [5, 15] passes the middle vertex at 12 km: 3 points, 10 km */
    OGR_L_SetAttributeFilter(seg, "rank = 2");
    ft = OGR_L_GetNextFeature(seg);
    OGRGeometryH g = OGR_F_GetGeometryRef(ft);
    cr_assert_eq(OGR_G_GetPointCount(g), 3);
    cr_assert_float_eq(OGR_G_GetX(g, 0), 505000.0, 1e-6);
    cr_assert_float_eq(OGR_G_GetX(g, 1), 512000.0, 1e-6);
    cr_assert_float_eq(OGR_G_GetX(g, 2), 515000.0, 1e-6);
    OGR_F_Destroy(ft);
    OGRLayerH routes = OGR_DS_GetLayerByName(ds, "routes");
    cr_assert_not_null(routes);
    cr_assert_eq(OGR_L_GetFeatureCount(routes, 1), 1);
    ft = OGR_L_GetNextFeature(routes);
    /* 11 weight over 30 km; peak window 0.8 per km */
    cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "length_km")), 30.0,
                       1e-9);
    cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "danger_per_km")),
                       11.0 / 30.0, 1e-12);
    cr_assert_float_eq(
        OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "max_window_danger_per_km")), 0.8,
        1e-12);
    cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "total_danger")), 435.0,
                       1e-6);
    OGR_F_Destroy(ft);
    OGR_DS_Destroy(ds);
    rteardown(&f);
}

Test(route, profile_png_is_written_at_its_documented_size)
{
    rfx f;
    rsetup(&f);
    score(&f);
    char path[600];
    snprintf(path, sizeof path, "%s/profile.png", f.dir);
    cr_assert_eq(senda_cost_route_profile_png(f.ctx, f.r, 0, path), SENDA_OK, "%s",
                 senda_ctx_errmsg(f.ctx));
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cr_assert_eq(cairo_image_surface_get_width(s), 1200);
    cr_assert_eq(cairo_image_surface_get_height(s), 520);
    cairo_surface_destroy(s);
    cr_assert_eq(senda_cost_route_profile_png(f.ctx, f.r, 1, path), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "line"));
    snprintf(path, sizeof path, "%s/no/such/dir/p.png", f.dir);
    cr_assert_eq(senda_cost_route_profile_png(f.ctx, f.r, 0, path), SENDA_ERR_IO);
    rteardown(&f);
}

Test(place, names_fold_accents_case_and_ciudad)
{
    rfx f;
    rsetup(&f);
    double x, y;
    /* "Ciudad Origen" is crossings.mx_town at (500000, 1700000) */
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "ciudad ORIGEN", &x, &y), SENDA_OK);
    cr_assert_float_eq(x, 500000.0, 1e-6);
    cr_assert_float_eq(y, 1700000.0, 1e-6);
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "Origen", &x, &y), SENDA_OK);
    cr_assert_float_eq(x, 500000.0, 1e-6);
    /* town "Béta" without the accent, with a qualifier */
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "Beta (Chiapas)", &x, &y), SENDA_OK);
    cr_assert_float_eq(x, 520000.0, 1e-6);
    cr_assert_float_eq(y, 1699000.0, 1e-6);
    /* a checkpoint name */
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "Test Post", &x, &y), SENDA_OK);
    cr_assert_float_eq(x, 515500.0, 1e-6);
    rteardown(&f);
}

Test(place, lon_lat_is_projected_to_the_layers_crs)
{
    rfx f;
    rsetup(&f);
    double x, y;
    /* On the central meridian of UTM 15N (-93) at the equator: x = the
     * false easting 500000, y = 0. At (-93, 15): x = 500000 and y =
     * k0 * meridian arc to 15 deg N; the WGS 84 arc (integral of the
     * meridian radius a(1-e^2)/(1-e^2 sin^2 phi)^1.5 from 0 to 15 deg,
     * numerically, 200000 steps) is 1658989.59 m, times 0.9996 =
     * 1658325.99 m. */
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "-93,0", &x, &y), SENDA_OK);
    cr_assert_float_eq(x, 500000.0, 1e-3);
    cr_assert_float_eq(y, 0.0, 1e-3);
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "-93, 15", &x, &y), SENDA_OK);
    cr_assert_float_eq(x, 500000.0, 1e-3);
    cr_assert_float_eq(y, 1658326.0, 0.1);
    rteardown(&f);
}

Test(place, unknown_names_and_bad_coordinates_fail_with_a_message)
{
    rfx f;
    rsetup(&f);
    double x, y;
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "Atlantis", &x, &y), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "no place named 'Atlantis'"));
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "200,10", &x, &y), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "out of range"));
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, NULL, &x, &y), SENDA_ERR_ARG);
    rteardown(&f);
}

Test(place, bundled_layers_know_the_demo_towns)
{
    senda_ctx *ctx;
    senda_layers *layers;
    senda_points *cr = NULL, *sh = NULL;
    senda_ctx_create(&ctx);
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &layers, NULL, NULL), SENDA_OK);
    senda_layers_points(ctx, layers, "crossings", &cr);
    senda_layers_points(ctx, layers, "shelters", &sh);
    double x, y;
    /* Ciudad Hidalgo is the mx_town of crossing 0; Arriaga the town of shelter 2 */
    cr_assert_eq(senda_cost_place_resolve(ctx, layers, "Ciudad Hidalgo", &x, &y), SENDA_OK);
    cr_assert_float_eq(x, cr->x[0], 1e-6);
    cr_assert_float_eq(y, cr->y[0], 1e-6);
    cr_assert_eq(senda_cost_place_resolve(ctx, layers, "arriaga", &x, &y), SENDA_OK);
    cr_assert_float_eq(x, sh->x[2], 1e-6);
    senda_points_destroy(cr);
    senda_points_destroy(sh);
    senda_layers_destroy(layers);
    senda_ctx_destroy(ctx);
}

Test(stage, danger_grid_is_snapped_to_the_cell_and_covers_layers_and_incidents)
{
    rfx f;
    rsetup(&f);
    senda_hotspot_kde_opts kde;
    senda_hotspot_kde_opts_init(&kde);
    kde.radius_m = 3000.0;
    senda_cost_danger_opts dopts;
    senda_cost_danger_opts_init(&dopts);
    senda_grid *rho = NULL, *s = NULL;
    /* extent: rail, crossing, shelters, checkpoint and incidents:
     * x 499000 (E) .. 530000 (rail end), y 1698500 (B) .. 1729500 (post);
     * pad 500, snapped outwards to 1 km: x 498000 .. 531000 (33 cols),
     * y 1698000 .. 1730000 (32 rows) */
    cr_assert_eq(senda_cost_danger_from_points(f.ctx, f.inc, f.layers, 1000.0, 500.0, &kde, &dopts,
                                          &rho, &s, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
    cr_assert_float_eq(senda_grid_x_min(s), 498000.0, 1e-6);
    cr_assert_float_eq(senda_grid_y_max(s), 1730000.0, 1e-6);
    cr_assert_eq(senda_grid_n_cols(s), 33);
    cr_assert_eq(senda_grid_n_rows(s), 32);
    cr_assert_eq(senda_grid_n_cols(rho), 33);
    cr_assert_float_eq(senda_grid_x_min(rho), 498000.0, 1e-6);
    senda_grid_destroy(rho);
    senda_grid_destroy(s);
    /* no incidents: the checkpoint's cell (515500, 1729500) = row 0, col 17
     * holds base 1 + checkpoint 2 * (1 - 0) + rail 0 (29.5 km > 5 km) = 3 */
    cr_assert_eq(senda_cost_danger_from_points(f.ctx, NULL, f.layers, 1000.0, 0.0, &kde, &dopts, NULL,
                                          &s, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
    /* extent without incidents: x 500000 .. 530000, y 1699000 .. 1729500 ->
     * y_max 1730000, x_min 500000: the cell is row 0, col 15 */
    cr_assert_float_eq(senda_grid_x_min(s), 500000.0, 1e-6);
    cr_assert_float_eq(senda_grid_cdata(s)[15], 3.0, 1e-9);
    senda_grid_destroy(s);
    cr_assert_eq(senda_cost_danger_from_points(f.ctx, NULL, f.layers, 0.0, 0.0, &kde, &dopts, NULL, &s,
                                          NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "cell must be > 0"));
    cr_assert_null(s);
    rteardown(&f);
}

Test(place, names_in_no_layer_come_from_the_gazetteer)
{
    rfx f;
    rsetup(&f);
    double x, y, gx, gy;
    /* GeoNames (layers/gazetteer/corridor_places.tsv): Huixtla, Chiapas at
     * 15.13915 N, -92.4641; the same as giving its coordinates */
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "Huixtla", &x, &y), SENDA_OK, "%s",
                 senda_ctx_errmsg(f.ctx));
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "-92.4641,15.13915", &gx, &gy), SENDA_OK);
    cr_assert_float_eq(x, gx, 1e-6);
    cr_assert_float_eq(y, gy, 1e-6);
    /* Tonalá is a town in Chiapas and in Veracruz */
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "Tonala", &x, &y), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "ambiguous"), "%s", senda_ctx_errmsg(f.ctx));
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "Tonalá, Chiapas", &x, &y), SENDA_OK,
                 "%s", senda_ctx_errmsg(f.ctx));
    cr_assert_eq(senda_cost_place_resolve(f.ctx, f.layers, "-93.75489,16.08977", &gx, &gy), SENDA_OK);
    cr_assert_float_eq(x, gx, 1e-6);
    rteardown(&f);
}

Test(route, writing_fails_on_a_bad_path_and_stops_on_cancel)
{
    rfx f;
    rsetup(&f);
    score(&f);
    char path[600];
    snprintf(path, sizeof path, "%s/no/such/dir/r.gpkg", f.dir);
    cr_assert_eq(senda_cost_route_write(f.ctx, path, f.r, NULL, NULL), SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "r.gpkg"), "%s", senda_ctx_errmsg(f.ctx));
    cr_assert_eq(senda_cost_route_write(f.ctx, NULL, f.r, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "is NULL"));
    snprintf(path, sizeof path, "%s/r.gpkg", f.dir);
    for (int k = 0; k < 2; k++) {
        int left = k;
        cr_assert_eq(senda_cost_route_write(f.ctx, path, f.r, stop_after, &left), SENDA_ERR_CANCELLED,
                     "after %d reports", k);
    }
    rteardown(&f);
}

Test(place, generic_prefixes_may_be_left_out_and_misses_suggest_names)
{
    senda_ctx *ctx;
    senda_layers *layers;
    senda_ctx_create(&ctx);
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &layers, NULL, NULL), SENDA_OK);
    double x, y, gx, gy;
    /* GeoNames 3598129 "Ciudad Tecún Umán", San Marcos, GT: 14.67737 N, -92.14039 */
    cr_assert_eq(senda_cost_place_resolve(ctx, layers, "Tecún Umán", &x, &y), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_cost_place_resolve(ctx, layers, "-92.14039,14.67737", &gx, &gy), SENDA_OK);
    cr_assert_float_eq(x, gx, 1e-6);
    cr_assert_float_eq(y, gy, 1e-6);
    cr_assert_eq(senda_cost_place_resolve(ctx, layers, "tecun uman", &x, &y), SENDA_OK);
    /* a misspelling lists the closest names, Tapachula first (edit distance 1) */
    cr_assert_eq(senda_cost_place_resolve(ctx, layers, "Tapachla", &x, &y), SENDA_ERR_DATA);
    const char *m = senda_ctx_errmsg(ctx);
    cr_assert(strstr(m, "did you mean: Tapachula, Chiapas, MX"), "%s", m);
    int n = 0;
    for (const char *p = strstr(m, "did you mean"); p && *p; p++)
        n += *p == ';';
    cr_assert(n <= 4, "at most five suggestions: %s", m); /* n separators = n + 1 names */
    senda_layers_destroy(layers);
    senda_ctx_destroy(ctx);
}

/* Every station named in the bundled rail layer resolves (qualified by its state
 * where the name is ambiguous, "Tonalá (Chiapas)") and lies near its line. */
Test(place, every_station_of_the_bundled_rail_resolves)
{
    senda_ctx *ctx;
    senda_layers *layers;
    senda_ctx_create(&ctx);
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &layers, NULL, NULL), SENDA_OK);
    size_t n_lines = senda_layers_n_features(layers, "rail"), n_st = 0;
    cr_assert_gt(n_lines, 0);
    for (size_t i = 0; i < n_lines; i++) {
        char list[2048];
        snprintf(list, sizeof list, "%s", senda_layers_attr(layers, "rail", i, "stations"));
        char *save = NULL;
        for (char *s = strtok_r(list, ";", &save); s; s = strtok_r(NULL, ";", &save)) {
            while (*s == ' ')
                s++;
            double x, y;
            cr_assert_eq(senda_cost_place_resolve(ctx, layers, s, &x, &y), SENDA_OK,
                         "station '%s': %s", s, senda_ctx_errmsg(ctx));
            n_st++;
        }
    }
    cr_assert_gt(n_st, 10);
    senda_layers_destroy(layers);
    senda_ctx_destroy(ctx);
}

/* Route density and exposure for senda_cost_route_likely on 6 rows x 30
 * columns of 1 km from (500000, 1703000): cell centres at chainage
 * col + 0.5 km and at y 1702.5, 1701.5, 1700.5, 1699.5, 1698.5, 1697.5 km,
 * i.e. 2.5, 1.5, 0.5, 0.5, 1.5, 2.5 km from the line (buffer 2 km):
 *   row 0 (2.5 km, outside): density 1, exposure 1000 (must not count)
 *   row 2 (0.5 km): density 0.5, exposure col + 1
 *   row 3 (0.5 km): density 0.25 on cols 0..9, exposure 10
 * Window [0, 10] km (cols 0..9): sum d = 5 + 2.5 = 7.5, sum d e = 0.5 x 55
 * + 2.5 x 10 = 52.5: exposure 7, share 7.5 x 1 km / 10 km = 0.75.
 * Window [5, 15] (cols 5..14): sum d = 5 + 1.25, sum d e = 0.5 x 105 +
 * 12.5 = 65: exposure 10.4, share 0.625.
 * Window [20, 30] (cols 20..29): sum d = 5, sum d e = 0.5 x 255 = 127.5:
 * exposure 25.5, share 0.5. */
static void likely_grids(rfx *f, senda_grid **d, senda_grid **e)
{
    cr_assert_eq(senda_grid_create(f->ctx, 6, 30, 500000.0, 1703000.0, 1000.0, SENDA_DEFAULT_CRS,
                                   0.0, d),
                 SENDA_OK);
    cr_assert_eq(senda_grid_create(f->ctx, 6, 30, 500000.0, 1703000.0, 1000.0, SENDA_DEFAULT_CRS,
                                   0.0, e),
                 SENDA_OK);
    double *dv = senda_grid_data(*d), *ev = senda_grid_data(*e);
    for (int c = 0; c < 30; c++) {
        dv[c] = 1.0, ev[c] = 1000.0;
        dv[2 * 30 + c] = 0.5, ev[2 * 30 + c] = c + 1;
        if (c < 10)
            dv[3 * 30 + c] = 0.25, ev[3 * 30 + c] = 10.0;
    }
}

/* Pixels of the likely-exposure curve (purple at alpha 0.9 over white). */
static long purple_pixels(const char *png)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v;
            memcpy(&v, px + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
            int r = (int)(v >> 16 & 255), g = (int)(v >> 8 & 255), b = (int)(v & 255);
            n += abs(r - 129) <= 6 && abs(g - 60) <= 6 && abs(b - 163) <= 6;
        }
    cairo_surface_destroy(s);
    return n;
}

Test(route, exposure_along_the_likely_routes_per_window)
{
    rfx f;
    rsetup(&f);
    score(&f);
    char path[600];
    snprintf(path, sizeof path, "%s/plain.png", f.dir);
    cr_assert_eq(senda_cost_route_profile_png(f.ctx, f.r, 0, path), SENDA_OK);
    cr_expect_eq(purple_pixels(path), 0, "no likely routes: no exposure curve");
    senda_grid *d = NULL, *e = NULL;
    likely_grids(&f, &d, &e);
    cr_assert_eq(senda_cost_route_likely(f.ctx, f.r, d, e), SENDA_OK, "%s",
                 senda_ctx_errmsg(f.ctx));
    cr_assert(f.r->has_likely);
    static const double want[3][3] = {{0, 7.0, 0.75}, {1, 10.4, 0.625}, {4, 25.5, 0.5}};
    for (int k = 0; k < 3; k++) {
        const senda_cost_route_window *w = &f.r->windows[(int)want[k][0]];
        cr_expect_float_eq(w->likely_exposure_per_km, want[k][1], 1e-12, "window %d", k);
        cr_expect_float_eq(w->likely_share, want[k][2], 1e-12, "window %d", k);
    }
    snprintf(path, sizeof path, "%s/likely.png", f.dir);
    cr_assert_eq(senda_cost_route_profile_png(f.ctx, f.r, 0, path), SENDA_OK);
    cr_expect_gt(purple_pixels(path), 500, "the exposure curve is drawn");
    /* the fields reach route_segments */
    snprintf(path, sizeof path, "%s/r.gpkg", f.dir);
    cr_assert_eq(senda_cost_route_write(f.ctx, path, f.r, NULL, NULL), SENDA_OK);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "route_segments");
    OGRFeatureH g = OGR_L_GetNextFeature(l);
    cr_expect_float_eq(OGR_F_GetFieldAsDouble(g, OGR_F_GetFieldIndex(g, "likely_exposure_per_km")),
                       7.0, 1e-12);
    OGR_F_Destroy(g);
    GDALClose(ds);
    senda_grid *small = NULL;
    cr_assert_eq(senda_grid_create(f.ctx, 2, 30, 500000.0, 1703000.0, 1000.0, SENDA_DEFAULT_CRS,
                                   0.0, &small),
                 SENDA_OK);
    cr_expect_eq(senda_cost_route_likely(f.ctx, f.r, small, e), SENDA_ERR_ARG);
    senda_grid_destroy(small);
    senda_grid_destroy(d);
    senda_grid_destroy(e);
    rteardown(&f);
}
