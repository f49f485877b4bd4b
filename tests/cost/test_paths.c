/*
 * test_paths.c - least-danger paths with alternatives (paths.c) and their
 * profile table, on a 5 x 5 grid of 1 km cells whose best and second path
 * are worked out by hand below.
 *
 *          col 0   1    2    3    4
 *   row 0   0.5  0.5  0.5  0.5  0.5     upper road, cheap
 *   row 1   1    N    N    N    1       N = nodata (barrier)
 *   row 2   1    1    1    1    1       middle road: source (2,0), goal (2,4)
 *   row 3   1    N    N    N    1
 *   row 4   3    3    3    3    3       lower road, dear
 *
 * Units: unit_m = 1000 (default) with 1 km cells, so a move costs r.cost's
 * formula in cell widths: straight (c1 + c2) / 2, diagonal (c1 + c2) *
 * sqrt(2) / 2.
 *
 * Best: straight along row 2, 4 moves of (1 + 1) / 2 = 1: cost 4, 4 km.
 * Upper road: (2,0)-(1,0) 1, (1,0)-(0,1) 1.5 * 0.70711 = 1.06066,
 * (0,1)-(0,2) 0.5, (0,2)-(0,3) 0.5, (0,3)-(1,4) 1.06066, (1,4)-(2,4) 1:
 * 5.12132 (> 4), length 4 + 2 sqrt 2 = 6.82843 km. (The diagonal beats
 * (1,0)-(0,0)-(0,1) = 0.75 + 0.5.)
 *
 * Alternative 1, corridor 0 m, penalty 1: the best path's five cells
 * double to 2. Middle now 4 * (2 + 2) / 2 = 8; upper road 1.5 + 1.06066
 * + 0.5 + 0.5 + 1.06066 + 1.5 = 6.12132; lower road at least 1.5 + 4 *
 * 0.70711 + ... > 8. So alternative 1 is the upper road, re-costed on the
 * unpenalised grid: 5.12132, extra cost (5.12132 - 4) / 4 = 28.033 %,
 * extra length (6.82843 - 4) / 4 = 70.711 %.
 *
 * Alternative 2: the upper road's cells double too ((1,0), (0,1..3),
 * (1,4) to 2, 1, 1, 1, 2). Middle 8; upper 2 + 2.12132 + 1 + 1 + 2.12132
 * + 2 = 10.24; upper through the unpenalised corners (0,0), (0,4):
 * 2 + 1.25 + 0.75 + 1 + 1 + 0.75 + 1.25 + 2 = 10; lower 1.5 + 2.82843 + 3
 * + 3 + 2.82843 + 1.5 = 14.66. The middle road wins again: a repeat, so
 * the alternatives of this destination stop at one.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

typedef struct {
    senda_ctx *ctx;
    senda_grid *g;
    senda_points *src, *dst;
    senda_cost_path **paths;
    size_t n;
} pfx;

static void psetup(pfx *f)
{
    memset(f, 0, sizeof *f);
    cr_assert_eq(senda_ctx_create(&f->ctx), SENDA_OK);
    cr_assert_eq(senda_grid_create(f->ctx, 5, 5, 0.0, 5000.0, 1000.0, SENDA_DEFAULT_CRS, 0.0,
                                   &f->g),
                 SENDA_OK);
    static const double rows[5] = {0.5, NAN, 1.0, NAN, 3.0};
    double *v = senda_grid_data(f->g);
    for (size_t r = 0; r < 5; r++)
        for (size_t c = 0; c < 5; c++)
            v[r * 5 + c] = (c == 0 || c == 4) && isnan(rows[r]) ? 1.0 : rows[r];
    senda_points_create(f->ctx, 1, SENDA_DEFAULT_CRS, &f->src);
    senda_points_create(f->ctx, 1, SENDA_DEFAULT_CRS, &f->dst);
    /* cell (r, c) centre: x = 500 + 1000 c, y = 4500 - 1000 r */
    f->src->x[0] = 500.0, f->src->y[0] = 2500.0;
    f->dst->x[0] = 4500.0, f->dst->y[0] = 2500.0;
}

static void pteardown(pfx *f)
{
    senda_cost_paths_destroy(f->paths, f->n);
    senda_points_destroy(f->src);
    senda_points_destroy(f->dst);
    senda_grid_destroy(f->g);
    senda_ctx_destroy(f->ctx);
}

static senda_status run(pfx *f, size_t k, senda_progress_fn pf, void *pa)
{
    senda_cost_paths_opts o;
    senda_cost_paths_opts_init(&o);
    o.alternatives = k;
    o.corridor_m = 0.0;
    const char *names[1] = {"Goal"};
    return senda_cost_paths(f->ctx, f->g, f->src, f->dst, names, &o, &f->paths, &f->n, pf, pa);
}

Test(paths, best_path_runs_straight_and_costs_its_danger_per_km_times_km)
{
    pfx f;
    psetup(&f);
    cr_assert_eq(run(&f, 0, NULL, NULL), SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
    cr_assert_eq(f.n, 1);
    const senda_cost_path *p = f.paths[0];
    cr_assert_str_eq(p->name, "Goal");
    cr_assert_eq(p->alternative, 0);
    cr_assert_eq(p->n, 5);
    cr_assert_float_eq(p->cost, 4.0, 1e-12);
    cr_assert_float_eq(p->length_m, 4000.0, 1e-9);
    /* from the source to the goal: x 500, 1500, ... 4500; M 0, 1, 2, 3, 4 */
    for (size_t v = 0; v < 5; v++) {
        cr_assert_float_eq(p->x[v], 500.0 + 1000.0 * (double)v, 1e-9);
        cr_assert_float_eq(p->m[v], (double)v, 1e-12);
        cr_assert_float_eq(p->value[v], 1.0, 1e-12);
    }
    pteardown(&f);
}

Test(paths, the_alternative_takes_the_other_road_and_says_how_much_worse)
{
    pfx f;
    psetup(&f);
    cr_assert_eq(run(&f, 1, NULL, NULL), SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
    cr_assert_eq(f.n, 2);
    const senda_cost_path *p = f.paths[1];
    cr_assert_eq(p->alternative, 1);
    cr_assert_eq(p->n, 7);
    /* cells (2,0) (1,0) (0,1) (0,2) (0,3) (1,4) (2,4): row 0 reached */
    cr_assert_float_eq(p->y[2], 4500.0, 1e-9);
    double want = 2.0 + 1.5 * sqrt(2.0) + 1.0; /* 5.12132, header */
    cr_assert_float_eq(p->cost, want, 1e-9);
    cr_assert_float_eq(p->m[p->n - 1], want, 1e-9);
    cr_assert_float_eq(p->length_m, 4000.0 + 2000.0 * sqrt(2.0), 1e-6);
    cr_assert_float_eq(p->extra_cost_pct, 100.0 * (want - 4.0) / 4.0, 1e-9);
    cr_assert_float_eq(p->extra_length_pct, 100.0 * sqrt(2.0) / 2.0, 1e-9);
    cr_assert_float_eq(p->value[2], 0.5, 1e-12, "values are the unpenalised friction");
    pteardown(&f);
}

Test(paths, a_repeated_path_ends_the_alternatives_early)
{
    pfx f;
    psetup(&f);
    /* header: the second alternative would be the middle road again */
    cr_assert_eq(run(&f, 3, NULL, NULL), SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
    cr_assert_eq(f.n, 2);
    pteardown(&f);
}

Test(paths, bad_arguments_and_unreachable_goals_fail_with_a_message)
{
    pfx f;
    psetup(&f);
    senda_cost_paths_opts o;
    senda_cost_paths_opts_init(&o);
    o.penalty = 0.0;
    cr_assert_eq(senda_cost_paths(f.ctx, f.g, f.src, f.dst, NULL, &o, &f.paths, &f.n, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "penalty must be > 0"));
    senda_cost_paths_opts_init(&o);
    o.alternatives = 33;
    cr_assert_eq(senda_cost_paths(f.ctx, f.g, f.src, f.dst, NULL, &o, &f.paths, &f.n, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "at most 32"));
    senda_cost_paths_opts_init(&o);
    f.dst->n = 0;
    cr_assert_eq(senda_cost_paths(f.ctx, f.g, f.src, f.dst, NULL, &o, &f.paths, &f.n, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "no destinations"));
    f.dst->n = 1;
    /* a goal outside the grid */
    f.dst->x[0] = 9500.0;
    cr_assert_eq(senda_cost_paths(f.ctx, f.g, f.src, f.dst, NULL, &o, &f.paths, &f.n, NULL, NULL),
                 SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "outside"), "%s", senda_ctx_errmsg(f.ctx));
    /* a goal on a barrier cell (1,2) is never reached */
    f.dst->x[0] = 2500.0, f.dst->y[0] = 3500.0;
    cr_assert_eq(senda_cost_paths(f.ctx, f.g, f.src, f.dst, NULL, &o, &f.paths, &f.n, NULL, NULL),
                 SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "not reached"), "%s", senda_ctx_errmsg(f.ctx));
    cr_assert_null(f.paths);
    cr_assert_eq(f.n, 0);
    pteardown(&f);
}

static int stop_after(double complete, const char *msg, void *arg)
{
    (void)complete, (void)msg;
    int *left = arg;
    return (*left)-- > 0;
}

Test(paths, cancellation_at_any_report_frees_everything)
{
    pfx f;
    psetup(&f);
    int cancelled = 0;
    for (int k = 0; k < 400; k++) {
        int left = k;
        senda_status st = run(&f, 2, stop_after, &left);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_CANCELLED, "after %d reports: %s", k,
                     senda_ctx_errmsg(f.ctx));
        cr_assert_null(f.paths);
        cancelled++;
    }
    cr_assert_not_null(f.paths);
    cr_assert_gt(cancelled, 3, "the base run and the alternative's run both report");
    pteardown(&f);
}

Test(paths, every_allocation_failure_is_reported)
{
    pfx f;
    psetup(&f);
    int failed = 0;
    for (long k = 1; k < 400; k++) {
        senda_ctx_fail_alloc_after(f.ctx, k);
        senda_status st = run(&f, 2, NULL, NULL);
        senda_ctx_fail_alloc_after(f.ctx, 0);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: %s", k, senda_ctx_errmsg(f.ctx));
        cr_assert_null(f.paths);
        failed++;
    }
    cr_assert_not_null(f.paths);
    cr_assert_gt(failed, 10);
    pteardown(&f);
}

Test(paths, profile_table_lists_every_vertex)
{
    pfx f;
    psetup(&f);
    cr_assert_eq(run(&f, 1, NULL, NULL), SENDA_OK);
    char *dir = tu_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/p.gpkg", dir);
    senda_cost_paths_write_opts wo;
    senda_cost_paths_write_opts_init(&wo);
    wo.profile_layer = "path_profile";
    cr_assert_eq(senda_cost_paths_write(f.ctx, path, senda_grid_crs(f.g), f.paths, f.n, &wo),
                 SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
    OGRRegisterAll();
    OGRDataSourceH ds = OGROpen(path, 0, NULL);
    OGRLayerH l = OGR_DS_GetLayerByName(ds, "path_profile");
    cr_assert_not_null(l);
    /* 5 vertices of the best path + 7 of the alternative */
    cr_assert_eq(OGR_L_GetFeatureCount(l, 1), 12);
    OGR_L_SetAttributeFilter(l, "alternative = 1 AND vertex = 2");
    OGRFeatureH ft = OGR_L_GetNextFeature(l);
    cr_assert_not_null(ft);
    /* vertex 2 (0-based) of the upper road: cell (0,1), 1 + sqrt 2 km in,
     * danger 0.5, M = 1 + 1.06066 */
    cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "distance_km")),
                       1.0 + sqrt(2.0), 1e-9);
    cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "danger_per_km")), 0.5,
                       1e-12);
    cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "accumulated")),
                       1.0 + 0.75 * sqrt(2.0), 1e-9);
    OGR_F_Destroy(ft);
    OGR_DS_Destroy(ds);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
    pteardown(&f);
}
