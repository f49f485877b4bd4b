/*
 * test_solve.c - senda_siting_solve on small hand-solved instances, a
 * brute-force oracle, the documented errors, cancellation and allocation
 * failure.
 *
 * The "line" instance used throughout (radius 5 m, every distance exact):
 *   demand  d0 (0,0) w1   d1 (10,0) w2   d2 (20,0) w2   d3 (30,0) w1   total 6
 *   sites   A (5,0)  covers d0 d1 (weight 3)     index 0
 *           B (25,0) covers d2 d3 (weight 3)     index 1
 *           C (15,0) covers d1 d2 (weight 4)     index 2
 * For p = 2 the greedy takes C (4), then A and B both add 1 (tie: A, the
 * lower index): 5. The optimum is {A, B} = 6, which one swap (C -> B:
 * +1 +2 -2 = +1) reaches.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "siting_test.h"

static const double line_dem_xy[] = {0, 0, 10, 0, 20, 0, 30, 0};
static const double line_dem_w[] = {1, 2, 2, 1};
static const double line_cand_xy[] = {5, 0, 25, 0, 15, 0};

typedef struct fixture {
    senda_ctx *ctx;
    senda_points *dem, *cand;
    senda_siting_opts o;
    senda_siting_result *r;
} fixture;

static void line_setup(fixture *f)
{
    memset(f, 0, sizeof *f);
    cr_assert_eq(senda_ctx_create(&f->ctx), SENDA_OK);
    f->dem = st_pts(f->ctx, 4, line_dem_xy, line_dem_w, "EPSG:32615");
    f->cand = st_pts(f->ctx, 3, line_cand_xy, NULL, "EPSG:32615");
    senda_siting_opts_init(&f->o);
    f->o.radius_m = 5.0;
    f->o.p = 2;
}

static void line_teardown(fixture *f)
{
    senda_siting_result_destroy(f->r);
    senda_points_destroy(f->dem);
    senda_points_destroy(f->cand);
    senda_ctx_destroy(f->ctx);
}

static senda_status solve(fixture *f, const senda_points *existing)
{
    senda_siting_result_destroy(f->r);
    f->r = NULL;
    return senda_siting_solve(f->ctx, f->dem, f->cand, existing, &f->o, &f->r, NULL, NULL);
}

Test(siting, greedy_alone_is_fooled_and_the_swap_finds_the_optimum)
{
    fixture f;
    line_setup(&f);
    f.o.local_search = 0;
    f.o.bound_iterations = 1; /* one bound evaluation: its top-2 set {C, A or B} is worth 5 */
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_float_eq(f.r->covered_weight, 5.0, 1e-12);
    cr_assert_eq(f.r->site[0], 2); /* C first: it alone covers 4 */
    cr_assert_eq(f.r->site[1], 0); /* A, tied with B at +1, lower index */
    f.o.local_search = 1;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_float_eq(f.r->covered_weight, 6.0, 1e-12);
    cr_assert_eq(f.r->n_sites, 2);
    /* {A, B} ranked: both add 3 alone (tie -> A first), then B adds 3 */
    cr_assert_eq(f.r->site[0], 0);
    cr_assert_eq(f.r->site[1], 1);
    cr_assert_float_eq(f.r->marginal[0], 3.0, 1e-12);
    cr_assert_float_eq(f.r->marginal[1], 3.0, 1e-12);
    cr_assert_float_eq(f.r->cumulative_pct[0], 50.0, 1e-9);
    cr_assert_float_eq(f.r->cumulative_pct[1], 100.0, 1e-9);
    cr_assert_float_eq(f.r->upper_bound, 6.0, 1e-9); /* all weight is coverable */
    cr_assert_float_eq(f.r->gap, 0.0, 1e-12);
    cr_assert_eq(f.r->n_pairs, 6);
    line_teardown(&f);
}

Test(siting, existing_shelters_count_first_and_allocation_takes_the_nearest)
{
    fixture f;
    line_setup(&f);
    /* an existing shelter at (15,0) (where C is) already covers d1 and d2: 4 of 6 */
    static const double ex_xy[] = {15, 0};
    senda_points *ex = st_pts(f.ctx, 1, ex_xy, NULL, "EPSG:32615");
    f.o.p = 1;
    cr_assert_eq(solve(&f, ex), SENDA_OK);
    cr_assert_float_eq(f.r->existing_weight, 4.0, 1e-12);
    /* A adds d0 (1), B adds d3 (1), C adds 0: tie A/B -> A */
    cr_assert_eq(f.r->n_sites, 1);
    cr_assert_eq(f.r->site[0], 0);
    cr_assert_float_eq(f.r->marginal[0], 1.0, 1e-12);
    cr_assert_float_eq(f.r->covered_weight, 5.0, 1e-12);
    cr_assert_float_eq(f.r->cumulative_pct[0], 500.0 / 6.0, 1e-9);
    cr_assert_float_eq(f.r->nearest_existing_m[0], 10.0, 1e-12); /* (5,0) to (15,0) */
    /* open sites: [A, existing]; d1 is 5 m from both: the tie keeps the new site */
    cr_assert_eq(f.r->alloc[0], 0);
    cr_assert_eq(f.r->alloc[1], 0);
    cr_assert_eq(f.r->alloc[2], 1);
    cr_assert_eq(f.r->alloc[3], -1);
    senda_points_destroy(ex);
    line_teardown(&f);
}

Test(siting, p_larger_than_useful_returns_the_useful_sites_and_warns)
{
    fixture f;
    line_setup(&f);
    st_n_warnings = 0;
    senda_ctx_set_log(f.ctx, st_catch_log, NULL);
    f.o.p = 10;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    /* C (4), then A (+1), then B (+1): everything covered after 3; the swap
     * cannot improve on 6 with 3 sites */
    cr_assert_eq(f.r->n_sites, 3);
    cr_assert_float_eq(f.r->covered_weight, 6.0, 1e-12);
    cr_assert_eq(st_n_warnings, 1);
    cr_assert(strstr(st_last_warning, "only 3 of the 10 requested sites") != NULL, "%s",
              st_last_warning);
    line_teardown(&f);
}

Test(siting, boundary_distance_counts_as_covered)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    static const double dxy[] = {3, 4, 3.0001, 4}; /* 5 m and just over 5 m from (0,0) */
    static const double cxy[] = {0, 0};
    senda_points *d = st_pts(ctx, 2, dxy, NULL, "EPSG:32615"),
                 *c = st_pts(ctx, 1, cxy, NULL, "EPSG:32615");
    senda_siting_opts o;
    senda_siting_opts_init(&o);
    o.radius_m = 5.0;
    o.p = 1;
    senda_siting_result *r = NULL;
    cr_assert_eq(senda_siting_solve(ctx, d, c, NULL, &o, &r, NULL, NULL), SENDA_OK);
    cr_assert_float_eq(r->covered_weight, 1.0, 1e-12);
    cr_assert_eq(r->alloc[0], 0);
    cr_assert_eq(r->alloc[1], -1);
    senda_siting_result_destroy(r);
    senda_points_destroy(d);
    senda_points_destroy(c);
    senda_ctx_destroy(ctx);
}

Test(siting, exposure_limit_excludes_sites)
{
    fixture f;
    line_setup(&f);
    double expo[] = {0.0, 9.0, 0.0};
    f.o.exposure = expo;
    f.o.exposure_max = 1.0;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    /* B is out: the best pair of {A, C} is both: 4 + 1 = 5 */
    cr_assert_eq(f.r->n_eligible, 2);
    cr_assert_float_eq(f.r->covered_weight, 5.0, 1e-12);
    cr_assert_eq(f.r->site[0], 2);
    cr_assert_float_eq(f.r->exposure[0], 0.0, 1e-12);
    cr_assert_float_eq(f.r->upper_bound, 5.0, 1e-9); /* only d0 d1 d2 are coverable */
    line_teardown(&f);
}

Test(siting, exposure_penalty_trades_coverage_for_safety)
{
    fixture f;
    line_setup(&f);
    /* C sits in a hotspot: exposure 10, penalty 0.5 -> gain 4 - 5 < 0 */
    double expo[] = {0.0, 0.0, 10.0};
    f.o.exposure = expo;
    f.o.exposure_penalty = 0.5;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_eq(f.r->n_sites, 2);
    cr_assert_eq(f.r->site[0], 0);
    cr_assert_eq(f.r->site[1], 1);
    cr_assert_float_eq(f.r->objective, 6.0, 1e-12);
    /* penalty on B instead: exposure 4, penalty 1: {C, A} = 5 beats {A, B} = 6 - 4 */
    expo[1] = 4.0;
    expo[2] = 0.0;
    f.o.exposure_penalty = 1.0;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_float_eq(f.r->objective, 5.0, 1e-12);
    cr_assert_geq(f.r->upper_bound, 5.0 - 1e-9);
    line_teardown(&f);
}

Test(siting, no_site_under_the_exposure_limit_is_a_clear_error)
{
    fixture f;
    line_setup(&f);
    double expo[] = {5.0, 6.0, 7.0};
    f.o.exposure = expo;
    f.o.exposure_max = 1.0;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_DATA);
    cr_assert_null(f.r);
    const char *m = senda_ctx_errmsg(f.ctx);
    cr_assert(strstr(m, "no candidate site satisfies the exposure limit 1") != NULL, "%s", m);
    cr_assert(strstr(m, "(candidate 0) has 5") != NULL, "%s", m);
    line_teardown(&f);
}

Test(siting, clearance_limit_keeps_shelters_away_from_danger_points)
{
    fixture f;
    line_setup(&f);
    /* C is 2 km from a checkpoint, A and B 9 km: with 5 km minimum only A and
     * B are eligible, and they are the optimum anyway (6) */
    double clear[] = {9000.0, 9000.0, 2000.0};
    f.o.clearance_m = clear;
    f.o.min_clearance_m = 5000.0;
    f.o.p = 1;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_eq(f.r->n_eligible, 2);
    cr_assert_eq(f.r->site[0], 0); /* A and B tie at 3: A */
    f.o.min_clearance_m = 10000.0;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx),
                     "at least 10000 m from the nearest danger point "
                     "(the largest clearance of any candidate is 9000 m)") != NULL,
              "%s", senda_ctx_errmsg(f.ctx));
    f.o.clearance_m = NULL;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "clearance_m is NULL") != NULL);
    line_teardown(&f);
}

Test(siting, set_cover_finds_the_fewest_sites_and_proves_it)
{
    fixture f;
    line_setup(&f);
    f.o.model = SENDA_SITING_SET_COVER;
    f.o.target_share = 1.0;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    /* greedy needs C, A, B (3); {A, B} covers all with 2. One site covers at
     * most 4 < 6 (LP bound for p = 1 is 4: y_A = y_B = a, y_C = 1 - 2a gives
     * 4 - 2a), so 2 is proven minimal. */
    cr_assert_eq(f.r->n_sites, 2);
    cr_assert_float_eq(f.r->covered_weight, 6.0, 1e-12);
    cr_assert_eq(f.r->min_sites_lower_bound, 2);
    f.o.target_share = 0.5; /* 3 of 6: C alone (4) */
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_eq(f.r->n_sites, 1);
    cr_assert_eq(f.r->site[0], 2);
    line_teardown(&f);
}

Test(siting, set_cover_unreachable_target_is_an_error)
{
    fixture f;
    line_setup(&f);
    double expo[] = {0.0, 9.0, 0.0};
    f.o.exposure = expo;
    f.o.exposure_max = 1.0;
    f.o.model = SENDA_SITING_SET_COVER;
    f.o.target_share = 0.9; /* without B at most d0 d1 d2 = 5 of 6 = 83.33 % */
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "cover 83.33 %") != NULL, "%s",
              senda_ctx_errmsg(f.ctx));
    line_teardown(&f);
}

Test(siting, bad_arguments_are_rejected_with_a_message)
{
    fixture f;
    line_setup(&f);
    f.o.radius_m = 0.0;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "radius must be > 0 m, got 0") != NULL);
    f.o.radius_m = 5.0;
    f.o.p = 0;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "p (number of new sites)") != NULL);
    f.o.p = 2;
    f.dem->weight[2] = NAN;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "demand point 2 has weight nan") != NULL, "%s",
              senda_ctx_errmsg(f.ctx));
    f.dem->weight[2] = 2.0;
    f.o.exposure_max = 3.0;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "needs the exposure") != NULL);
    f.o.exposure_max = NAN;
    f.o.model = SENDA_SITING_SET_COVER;
    f.o.target_share = 1.5;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "target share must be in (0, 1]") != NULL);
    cr_assert_eq(senda_siting_solve(f.ctx, NULL, f.cand, NULL, &f.o, &f.r, NULL, NULL),
                 SENDA_ERR_ARG);
    line_teardown(&f);
}

/* A seeded random instance. */
static void random_instance(senda_ctx *ctx, unsigned long seed, size_t nd, size_t nc, double side,
                            senda_points **d, senda_points **c)
{
    cr_assert_eq(senda_points_create(ctx, nd, "EPSG:32615", d), SENDA_OK);
    cr_assert_eq(senda_points_create(ctx, nc, "EPSG:32615", c), SENDA_OK);
    for (size_t i = 0; i < nd; i++) {
        (*d)->x[i] = side * st_lcg(&seed);
        (*d)->y[i] = side * st_lcg(&seed);
        (*d)->weight[i] = 1.0 + floor(10.0 * st_lcg(&seed));
    }
    for (size_t j = 0; j < nc; j++) {
        (*c)->x[j] = side * st_lcg(&seed);
        (*c)->y[j] = side * st_lcg(&seed);
    }
}

/* Covered weight of sites {a, b, c} by brute force over the distances. */
static double brute_cover(const senda_points *d, const senda_points *c, const size_t *s, size_t k,
                          double r)
{
    double v = 0.0;
    for (size_t i = 0; i < d->n; i++)
        for (size_t q = 0; q < k; q++)
            if (hypot(d->x[i] - c->x[s[q]], d->y[i] - c->y[s[q]]) <= r) {
                v += d->weight[i];
                break;
            }
    return v;
}

Test(siting, matches_exhaustive_search_and_bounds_it)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    for (unsigned long seed = 1; seed <= 4; seed++) {
        senda_points *d = NULL, *c = NULL;
        random_instance(ctx, seed, 150, 25, 1000.0, &d, &c);
        senda_siting_opts o;
        senda_siting_opts_init(&o);
        o.radius_m = 150.0;
        o.p = 3;
        senda_siting_result *r = NULL;
        cr_assert_eq(senda_siting_solve(ctx, d, c, NULL, &o, &r, NULL, NULL), SENDA_OK);
        /* the oracle: every one of the C(25,3) = 2300 triples */
        double best = 0.0;
        for (size_t a = 0; a < 25; a++)
            for (size_t b = a + 1; b < 25; b++)
                for (size_t e = b + 1; e < 25; e++) {
                    size_t s[3] = {a, b, e};
                    best = fmax(best, brute_cover(d, c, s, 3, o.radius_m));
                }
        double got = brute_cover(d, c, r->site, r->n_sites, o.radius_m);
        cr_assert_float_eq(got, r->covered_weight, 1e-9); /* reported = recomputed */
        cr_assert_geq(got, 0.98 * best, "seed %lu: %g vs optimum %g", seed, got, best);
        cr_assert_geq(r->upper_bound, best - 1e-9, "seed %lu: bound %g below optimum %g", seed,
                      r->upper_bound, best);
        senda_siting_result_destroy(r);
        senda_points_destroy(d);
        senda_points_destroy(c);
    }
    senda_ctx_destroy(ctx);
}

Test(siting, cancellation_frees_everything)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_points *d = NULL, *c = NULL;
    random_instance(ctx, 7, 5000, 3000, 10000.0, &d, &c);
    senda_siting_opts o;
    senda_siting_opts_init(&o);
    o.radius_m = 300.0;
    st_cancel_each_report(ctx, d, c, &o, 6);
    senda_points_destroy(d);
    senda_points_destroy(c);
    senda_ctx_destroy(ctx);
}

Test(siting, every_allocation_failure_returns_nomem_without_leaks)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_points *d = NULL, *c = NULL;
    random_instance(ctx, 3, 200, 40, 1000.0, &d, &c);
    static const double exy[] = {500, 500};
    senda_points *ex = st_pts(ctx, 1, exy, NULL, "EPSG:32615");
    senda_siting_opts o;
    senda_siting_opts_init(&o);
    o.radius_m = 120.0;
    o.p = 3;
    st_fail_each_allocation(ctx, d, c, ex, &o);
    senda_points_destroy(d);
    senda_points_destroy(c);
    senda_points_destroy(ex);
    senda_ctx_destroy(ctx);
}
