/*
 * test_emerging.c - emerging hot spots on a planted space-time data set:
 * each planted location's category derived by hand from ArcGIS's published
 * definitions ("How Emerging Hot Spot Analysis works", ArcGIS Pro), the
 * Mann-Kendall test against a hand calculation, the change layer, the
 * written layers, and the refusals.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotspot/hotspot_int.h"
#include "incidents/incidents_int.h"
#include "testutil.h"

static senda_ctx *ctx;
static void setup(void) { senda_ctx_create(&ctx); }
static void teardown(void) { senda_ctx_destroy(ctx); }
TestSuite(emerging, .init = setup, .fini = teardown);

/* Mann-Kendall by hand: 1 2 3 4 5 -> S = 10 (all 10 pairs rise), Var(S) =
 * 5*4*15/18 = 16.667, z = (10 - 1)/sqrt(16.667) = 2.2045, p = 0.0275.
 * 3 1 3 1 3 -> pairs: (3,1)- (3,3)0 (3,1)- (3,3)0 (1,3)+ (1,1)0 (1,3)+
 * (3,1)- (3,3)0 (1,3)+: S = 0 -> z = 0, p = 1. */
Test(emerging, mann_kendall_matches_a_hand_calculation)
{
    double x[] = {1, 2, 3, 4, 5}, y[] = {3, 1, 3, 1, 3}, buf[5], z, p;
    senda__mann_kendall(x, 5, 1, buf, &z, &p);
    cr_assert_float_eq(z, 9.0 / sqrt(50.0 / 3.0), 1e-12);
    cr_assert_float_eq(p, 0.027486, 1e-5);
    senda__mann_kendall(y, 5, 1, buf, &z, &p);
    cr_assert_eq(z, 0.0);
    cr_assert_eq(p, 1.0);
}

/* The planted data set. 100 x 100 cells of 1 km (x, y 0..100 km), band
 * 1000 m: a cell's neighbours are itself and its 4 rook neighbours (W = 5
 * per step). 10 yearly steps, 2010..2019, time window 1 (a bin's
 * neighbourhood is its 5 cells in its own and the previous step: W = 10,
 * W = 5 in 2010). Every planted "on" step puts 100 incidents at the centre
 * of one cell; all other cells stay empty. */
enum { N_LOC = 6, NR = 100 };
static const struct {
    int row, col;
    int on[10]; /* incidents in 2010 .. 2019 */
} plant[N_LOC] = {
    {20, 20, {0, 0, 0, 0, 0, 0, 0, 0, 0, 100}},            /* A: appears in the last step */
    {20, 50, {0, 0, 0, 0, 0, 0, 0, 100, 100, 100}},        /* B: appears in the last steps */
    {20, 80, {100, 100, 100, 100, 100, 100, 100, 100, 100, 100}}, /* C: present throughout */
    {50, 20, {200, 190, 180, 170, 160, 150, 140, 130, 120, 110}}, /* D: fades */
    {50, 50, {0, 100, 0, 0, 100, 0, 100, 0, 0, 100}},      /* E: comes and goes */
    {50, 80, {100, 100, 100, 100, 100, 100, 100, 100, 0, 0}}, /* F: stops */
};

static senda_points *planted(int32_t **days)
{
    size_t n = 0;
    for (int k = 0; k < N_LOC; k++)
        for (int t = 0; t < 10; t++)
            n += (size_t)plant[k].on[t];
    senda_points *p = NULL;
    cr_assert_eq(senda_points_create(ctx, n, "EPSG:32615", &p), SENDA_OK);
    *days = calloc(n, sizeof **days);
    size_t i = 0;
    for (int k = 0; k < N_LOC; k++)
        for (int t = 0; t < 10; t++)
            for (int j = 0; j < plant[k].on[t]; j++, i++) {
                p->x[i] = plant[k].col * 1000.0 + 500.0;
                p->y[i] = (NR - 1 - plant[k].row) * 1000.0 + 500.0;
                (*days)[i] = (int32_t)senda__days_from_civil(2010 + t, 1 + j % 12, 1 + j % 28);
            }
    return p;
}

static senda_emerging_result *run_planted(void)
{
    int32_t *days = NULL;
    senda_points *p = planted(&days);
    senda_hotspot_gistar_opts gi;
    senda_hotspot_gistar_opts_init(&gi);
    gi.band_m = 1000.0;
    senda_emerging_opts o;
    senda_emerging_opts_init(&o);
    o.step = SENDA_STEP_YEAR;
    o.time_window = 1;
    senda_grid_spec s;
    memset(&s, 0, sizeof s);
    s.x_max = s.y_max = NR * 1000.0;
    s.cell_m = 1000.0;
    strcpy(s.crs, "EPSG:32615");
    senda_emerging_result *r = NULL;
    cr_assert_eq(senda_hotspot_emerging(ctx, p, days, days, &gi, &o, &s, &r, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_points_destroy(p);
    free(days);
    return r;
}

static size_t cell_of(int k) { return (size_t)plant[k].row * NR + (size_t)plant[k].col; }

/*
 * Which bins are significant, by hand. Totals: 100 + 300 + 1000 + 1550 +
 * 400 + 800 = 4150 incidents in n = 100,000 bins: xbar = 0.0415; sum of
 * squares 1e4 + 3e4 + 1e5 + 248,500 + 4e4 + 8e4 = 508,500, so S =
 * sqrt(5.085 - 0.0017) = 2.2546. A bin whose neighbourhood holds s incidents
 * has z = (s - xbar W) / (S sqrt(W (n - W) / (n - 1))): for W = 10 the
 * denominator is 7.13, so s = 100 gives z = 14.0 (p ~ 1e-44) and every "on"
 * neighbourhood (s >= 100) is a significant hot spot at any FDR level; an
 * empty neighbourhood gives z = -0.058 (p = 0.95): neither hot nor cold.
 * With time window 1, a step is hot when the cell holds incidents in that
 * step or the step before.
 *
 * A: incidents in 2019 only -> hot steps {9}. "New Hot Spot: a statistically
 *    significant hot spot for the final time step and never been a
 *    statistically significant hot spot before" -> New Hot Spot.
 * B: incidents 2017..2019 -> hot steps {7, 8, 9}: an uninterrupted run of 3
 *    >= 2 ending in the final step, never hot before it, 3 of 10 < 90 % ->
 *    Consecutive Hot Spot.
 * C: 100 every year -> hot in all 10 steps (>= 90 %, final included). Its z
 *    series: step 0 has W = 5 and s = 100, steps 1..9 W = 10 and s = 200:
 *    z_0 ~ 100/sqrt(5) < z_t ~ 200/sqrt(10), and z_1 .. z_9 are equal (ties).
 *    Mann-Kendall: S = +9 (the 9 pairs with step 0), one tie group of 9:
 *    Var(S) = (10*9*25 - 9*8*23)/18 = 33, z = 8/sqrt(33) = 1.39, p = 0.16:
 *    no significant trend -> "Persistent Hot Spot: hot for 90 % of the
 *    time-step intervals with no discernible trend".
 * D: 200, 190, ..., 110 -> hot in all 10 steps. z_0 ~ 200/sqrt(5) =
 *    89.4/1, z_t ~ s_t/sqrt(10) with s_t = 390, 370, ..., 230 for t = 1..9,
 *    i.e. z_t > z_0 exactly when s_t > 200 sqrt(2) = 282.8: t = 1..6 (+6),
 *    t = 7..9 (-3); the 36 pairs among t >= 1 all fall (-36): S = -33,
 *    Var(S) = 10*9*25/18 = 125, z = -32/sqrt(125) = -2.86, p = 0.004 < 0.05:
 *    significant decrease, final step hot -> "Diminishing Hot Spot".
 * E: incidents in 2011, 2014, 2016, 2019 -> hot steps {1, 2, 4, 5, 6, 7, 9}
 *    (each "on" step and the one after it): final step hot, 7 of 10 < 90 %,
 *    not a single run since it was first hot, never a cold spot ->
 *    "Sporadic Hot Spot: on-again then off-again".
 * F: 100 a year 2010..2017, none in 2018-2019 -> hot steps {0..8} (2018 is
 *    hot through the 2017 bins in its window), 9 of 10 >= 90 %, not hot in
 *    the final step -> "Historical Hot Spot".
 * Any cell farther than 1 km from every planted cell has an empty
 * neighbourhood in every step -> "No Pattern Detected".
 */
Test(emerging, planted_locations_get_arcgis_categories_derived_by_hand)
{
    senda_emerging_result *r = run_planted();
    cr_assert_eq(r->n_steps, 10);
    cr_assert_eq(r->n_points_in, 4150);
    static const senda_pattern want[N_LOC] = {
        SENDA_PATTERN_NEW_HOT,        SENDA_PATTERN_CONSECUTIVE_HOT, SENDA_PATTERN_PERSISTENT_HOT,
        SENDA_PATTERN_DIMINISHING_HOT, SENDA_PATTERN_SPORADIC_HOT,   SENDA_PATTERN_HISTORICAL_HOT};
    static const int want_hot[N_LOC] = {1, 3, 10, 10, 7, 9};
    for (int k = 0; k < N_LOC; k++) {
        size_t c = cell_of(k);
        cr_assert_eq(r->n_hot[c], want_hot[k], "location %c: %d hot steps", 'A' + k, r->n_hot[c]);
        cr_assert_eq(r->n_cold[c], 0);
        cr_assert_eq(r->pattern[c], want[k], "location %c: %s, expected %s", 'A' + k,
                     senda_pattern_name(r->pattern[c]), senda_pattern_name(want[k]));
    }
    /* the trends derived above */
    cr_assert_float_eq(r->trend_z[cell_of(2)], 8.0 / sqrt(33.0), 1e-9);
    cr_assert_float_eq(r->trend_z[cell_of(3)], -32.0 / sqrt(125.0), 1e-9);
    /* the rook neighbours share the planted cell's neighbourhood sums */
    cr_assert_eq(r->pattern[cell_of(0) + 1], SENDA_PATTERN_NEW_HOT);
    cr_assert_eq(r->pattern[0], SENDA_PATTERN_NONE);
    cr_assert_str_eq(senda_pattern_name(r->pattern[0]), "No Pattern Detected");
    /* change: steps 0-4 against 5-9 (half of 10) */
    cr_assert_eq(r->split, 5);
    cr_assert_float_eq(r->change_count[0][cell_of(0)], 0.0, 1e-12);
    cr_assert_float_eq(r->change_count[1][cell_of(0)], 100.0, 1e-12);
    cr_assert_float_eq(r->change_count[0][cell_of(5)], 500.0, 1e-12);
    cr_assert_float_eq(r->change_count[1][cell_of(5)], 300.0, 1e-12);
    cr_assert(r->change_bin[1][cell_of(0)] == 3 && r->change_bin[0][cell_of(0)] == 0);
    senda_emerging_result_destroy(r);
}

Test(emerging, layers_are_written_with_arcgis_names_and_time_fields)
{
    senda_emerging_result *r = run_planted();
    char *dir = tu_tmpdir(), path[600], cmd[1600];
    snprintf(path, sizeof path, "%s/e.gpkg", dir);
    cr_assert_eq(senda_hotspot_write_emerging(ctx, r, path, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    snprintf(cmd, sizeof cmd, "ogrinfo -ro -q %s -sql \"SELECT pattern, count(*) n FROM "
             "emerging_hotspots GROUP BY pattern ORDER BY pattern\" > %s/p.txt 2>&1; ogrinfo -ro "
             "-q %s -sql \"SELECT min(step_start), max(step_end), count(*) FROM hotspot_cube\" "
             ">> %s/p.txt 2>&1", path, dir, path, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/p.txt", dir);
    char *txt = tu_read(cmd);
    /* each planted cell and its 4 rook neighbours share the category */
    cr_assert(strstr(txt, "pattern (String) = New Hot Spot\n  n (Integer) = 5") &&
              strstr(txt, "Diminishing Hot Spot\n  n (Integer) = 5") &&
              strstr(txt, "No Pattern Detected\n  n (Integer) = 9970"), "%s", txt);
    /* 30 cells x 10 steps, dates of the yearly steps */
    cr_assert(strstr(txt, "2010-01-01") && strstr(txt, "2019-12-31") &&
              strstr(txt, "= 300"), "%s", txt);
    free(txt);
    free(dir);
    senda_emerging_result_destroy(r);
}

Test(emerging, too_few_steps_or_incidents_are_refused)
{
    int32_t *days = NULL;
    senda_points *p = planted(&days);
    for (size_t i = 0; i < p->n; i++)
        days[i] = (int32_t)senda__days_from_civil(2015, 6, 1);
    senda_hotspot_gistar_opts gi;
    senda_hotspot_gistar_opts_init(&gi);
    gi.band_m = 1000.0;
    senda_emerging_opts o;
    senda_emerging_opts_init(&o);
    senda_grid_spec s;
    memset(&s, 0, sizeof s);
    s.x_max = s.y_max = NR * 1000.0;
    s.cell_m = 1000.0;
    strcpy(s.crs, "EPSG:32615");
    senda_emerging_result *r = NULL;
    cr_assert_eq(senda_hotspot_emerging(ctx, p, days, days, &gi, &o, &s, &r, NULL, NULL),
                 SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "at least 2 time steps, got 1"));
    gi.min_incidents = 100000;
    days[0] = (int32_t)senda__days_from_civil(2016, 6, 1);
    cr_assert_eq(senda_hotspot_emerging(ctx, p, days, days, &gi, &o, &s, &r, NULL, NULL),
                 SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "fewer than the minimum 100000"), "%s",
              senda_ctx_errmsg(ctx));
    /* a report dated only to a year is left out of a monthly cube */
    o.step = SENDA_STEP_MONTH;
    gi.min_incidents = 0;
    for (size_t i = 0; i < p->n; i++)
        days[i] = (int32_t)senda__days_from_civil(2015 + (int)(i % 2), 1 + (int)(i % 12), 1);
    int32_t *last = calloc(p->n, sizeof *last);
    memcpy(last, days, p->n * sizeof *last);
    last[0] = (int32_t)senda__days_from_civil(2015, 12, 31);
    cr_assert_eq(senda_hotspot_emerging(ctx, p, days, last, &gi, &o, &s, &r, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(r->n_points_out_time, 1);
    senda_emerging_result_destroy(r);
    free(last);
    free(days);
    senda_points_destroy(p);
}
