/*
 * test_danger.c - the danger surface: each term against a brute-force
 * evaluation of the formula in danger.c's header, the what-if checkpoint
 * edits, nodata and errors. Uses the bundled corridor layers.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "senda.h"

typedef struct {
    senda_ctx *ctx;
    senda_layers *layers;
    senda_points *cp;
    senda_grid *rho, *s;
} dfx;

/* 21 x 21 cells of 1 km centred on checkpoint 0; density 0 but for two cells. */
static void dsetup(dfx *f)
{
    memset(f, 0, sizeof *f);
    senda_ctx_create(&f->ctx);
    cr_assert_eq(senda_layers_open(f->ctx, NULL, NULL, &f->layers, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(f->ctx));
    cr_assert_eq(senda_layers_points(f->ctx, f->layers, "checkpoints", &f->cp), SENDA_OK);
    cr_assert_eq(senda_grid_create(f->ctx, 21, 21, f->cp->x[0] - 10500.0, f->cp->y[0] + 10500.0,
                                   1000.0, senda_layers_crs(f->layers), 0.0, &f->rho),
                 SENDA_OK);
    senda_grid_data(f->rho)[0] = 10.0;
    senda_grid_data(f->rho)[5] = 5.0;
}

static void dteardown(dfx *f)
{
    senda_grid_destroy(f->rho);
    senda_grid_destroy(f->s);
    senda_points_destroy(f->cp);
    senda_layers_destroy(f->layers);
    senda_ctx_destroy(f->ctx);
}

/* Brute force: 2 * max_k max(0, 1 - d_k / 10 km) at cell (row, col), the
 * checkpoints of the layer except index skip (-1: none). */
static double cp_term(const dfx *f, size_t row, size_t col, long skip)
{
    double x = senda_grid_x_min(f->rho) + ((double)col + 0.5) * 1000.0;
    double y = senda_grid_y_max(f->rho) - ((double)row + 0.5) * 1000.0, best = 0.0;
    for (size_t k = 0; k < f->cp->n; k++) {
        if ((long)k == skip)
            continue;
        double p = 1.0 - hypot(x - f->cp->x[k], y - f->cp->y[k]) / 10000.0;
        best = p > best ? p : best;
    }
    return 2.0 * best;
}

Test(danger, density_and_checkpoint_terms_follow_the_formula)
{
    dfx f;
    dsetup(&f);
    senda_cost_danger_opts o;
    senda_cost_danger_opts_init(&o);
    o.w_rail = 0.0;
    cr_assert_eq(senda_cost_danger_surface(f.ctx, f.rho, f.layers, &o, &f.s, NULL, NULL), SENDA_OK,
                 "%s", senda_ctx_errmsg(f.ctx));
    const double *s = senda_grid_cdata(f.s);
    /* base 1 + 4 * rho / 10 + checkpoint term */
    cr_assert_float_eq(s[0], 1.0 + 4.0 + cp_term(&f, 0, 0, -1), 1e-9);
    cr_assert_float_eq(s[5], 1.0 + 2.0 + cp_term(&f, 0, 5, -1), 1e-9);
    for (size_t r = 1; r < 21; r += 3)
        for (size_t c = 0; c < 21; c += 4)
            cr_assert_float_eq(s[r * 21 + c], 1.0 + cp_term(&f, r, c, -1), 1e-9, "r %zu c %zu",
                               r, c);
    /* the checkpoint itself sits in the centre cell: full proximity */
    cr_assert_float_eq(s[10 * 21 + 10], 3.0, 1e-9);
    cr_assert_str_eq(senda_grid_units(f.s), "danger per km");
    cr_assert(strstr(senda_grid_description(f.s), "checkpoint(10000 m)"));
    dteardown(&f);
}

Test(danger, what_if_removes_and_adds_checkpoints)
{
    dfx f;
    dsetup(&f);
    senda_cost_danger_opts o;
    senda_cost_danger_opts_init(&o);
    o.w_rail = 0.0;
    o.w_density = 0.0;
    const char *name = senda_layers_attr(f.layers, "checkpoints", 0, "name");
    o.without_checkpoints = &name;
    o.n_without = 1;
    cr_assert_eq(senda_cost_danger_surface(f.ctx, f.rho, f.layers, &o, &f.s, NULL, NULL), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(f.s)[10 * 21 + 10], 1.0 + cp_term(&f, 10, 10, 0), 1e-9);
    senda_grid_destroy(f.s);
    /* add one at the corner cell's centre */
    double xy[2] = {senda_grid_x_min(f.rho) + 500.0, senda_grid_y_max(f.rho) - 500.0};
    o.n_without = 0;
    o.with_checkpoints_xy = xy;
    o.n_with = 1;
    cr_assert_eq(senda_cost_danger_surface(f.ctx, f.rho, f.layers, &o, &f.s, NULL, NULL), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(f.s)[0], 3.0, 1e-9);
    dteardown(&f);
}

Test(danger, rail_term_is_bounded_and_nodata_propagates)
{
    dfx f;
    dsetup(&f);
    senda_grid_data(f.rho)[7] = NAN;
    senda_cost_danger_opts o;
    senda_cost_danger_opts_init(&o);
    o.w_density = 0.0;
    o.w_checkpoint = 0.0;
    cr_assert_eq(senda_cost_danger_surface(f.ctx, f.rho, f.layers, &o, &f.s, NULL, NULL), SENDA_OK);
    const double *s = senda_grid_cdata(f.s);
    int near = 0;
    for (size_t i = 0; i < 21 * 21; i++) {
        if (i == 7) {
            cr_assert(isnan(s[i]));
            continue;
        }
        cr_assert(s[i] >= 1.0 && s[i] <= 2.0 + 1e-12, "cell %zu: %g", i, s[i]);
        near += s[i] > 1.5;
    }
    cr_assert_gt(near, 0, "the coastal line passes Tapachula's checkpoint area");
    dteardown(&f);
}

Test(danger, errors_name_the_problem)
{
    dfx f;
    dsetup(&f);
    senda_cost_danger_opts o;
    senda_cost_danger_opts_init(&o);
    o.w_rail = -1.0;
    cr_assert_eq(senda_cost_danger_surface(f.ctx, f.rho, f.layers, &o, &f.s, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "w_rail must be >= 0, got -1"));
    senda_cost_danger_opts_init(&o);
    const char *bad = "No Such Post";
    o.without_checkpoints = &bad;
    o.n_without = 1;
    cr_assert_eq(senda_cost_danger_surface(f.ctx, f.rho, f.layers, &o, &f.s, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "no checkpoint is named 'No Such Post'"));
    cr_assert_null(f.s);
    dteardown(&f);
}

static int cancel_second(double c, const char *m, void *arg)
{
    (void)c, (void)m;
    return ++*(int *)arg < 2;
}

Test(danger, cancellation_and_allocation_failure)
{
    dfx f;
    dsetup(&f);
    senda_cost_danger_opts o;
    senda_cost_danger_opts_init(&o);
    int calls = 0;
    cr_assert_eq(senda_cost_danger_surface(f.ctx, f.rho, f.layers, &o, &f.s, cancel_second, &calls),
                 SENDA_ERR_CANCELLED);
    cr_assert_null(f.s);
    for (long k = 1; k < 40; k++) {
        senda_ctx_fail_alloc_after(f.ctx, k);
        senda_status st = senda_cost_danger_surface(f.ctx, f.rho, f.layers, &o, &f.s, NULL, NULL);
        senda_ctx_fail_alloc_after(f.ctx, 0);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: %s", k, senda_ctx_errmsg(f.ctx));
        cr_assert_null(f.s);
    }
    dteardown(&f);
}
