/*
 * test_accumulate.c - senda_cost_accumulate against the worked example of
 * the GRASS r.cost manual, hand-derived small grids, nodata barriers,
 * options, errors, cancellation and allocation failure; path tracing.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"

/* The r.cost manual's example (r.cost.html, EXAMPLES): a 6 x 7 cost surface
 * (row 0 north), start at the boxed 3 (row 4, col 5). */
static const double manual_cost[6][7] = {
    {2, 2, 1, 1, 5, 5, 5}, {2, 2, 8, 8, 5, 2, 1}, {7, 1, 1, 8, 2, 2, 2},
    {8, 7, 8, 8, 8, 8, 5}, {8, 8, 1, 1, 5, 3, 9}, {8, 1, 1, 2, 5, 3, 9},
};
/* The manual's CUMULATIVE COST SURFACE tables, "not using -k" and "using
 * -k" (r.cost writes integer maps for integer input, rounding as
 * (CELL)(cost + .5)). */
static const int manual_8[6][7] = {
    {22, 21, 21, 20, 17, 15, 14}, {20, 19, 22, 20, 15, 12, 11}, {22, 18, 17, 18, 13, 11, 9},
    {21, 14, 13, 12, 8, 6, 6},    {16, 13, 8, 7, 4, 0, 6},      {14, 9, 8, 9, 6, 3, 8},
};
static const int manual_16[6][7] = {
    {21, 21, 20, 19, 17, 15, 14}, {20, 19, 22, 19, 15, 12, 11}, {22, 18, 17, 17, 12, 11, 9},
    {21, 14, 13, 12, 8, 6, 6},    {16, 13, 8, 7, 4, 0, 6},      {14, 9, 8, 8, 6, 3, 8},
};

typedef struct {
    senda_ctx *ctx;
    senda_grid *cost, *acc, *dir;
    senda_points *src;
} fx;

/* A grid of 1 m cells with x_min 0 and y_max n_rows, source at (row, col). */
static void setup_grid(fx *f, size_t n_rows, size_t n_cols, const double *vals, size_t row,
                       size_t col)
{
    memset(f, 0, sizeof *f);
    cr_assert_eq(senda_ctx_create(&f->ctx), SENDA_OK);
    cr_assert_eq(senda_grid_create(f->ctx, n_rows, n_cols, 0.0, (double)n_rows, 1.0,
                                   "EPSG:32615", 0.0, &f->cost),
                 SENDA_OK);
    memcpy(senda_grid_data(f->cost), vals, n_rows * n_cols * sizeof(double));
    cr_assert_eq(senda_points_create(f->ctx, 1, "EPSG:32615", &f->src), SENDA_OK);
    f->src->x[0] = (double)col + 0.5;
    f->src->y[0] = (double)n_rows - (double)row - 0.5;
}

static void teardown(fx *f)
{
    senda_grid_destroy(f->cost);
    senda_grid_destroy(f->acc);
    senda_grid_destroy(f->dir);
    senda_points_destroy(f->src);
    senda_ctx_destroy(f->ctx);
}

static senda_status run(fx *f, const senda_cost_opts *o)
{
    senda_cost_opts d;
    senda_cost_opts_init(&d);
    return senda_cost_accumulate(f->ctx, f->cost, f->src, o ? o : &d, &f->acc, &f->dir, NULL,
                                 NULL);
}

static void check_manual(int knight, const int want[6][7])
{
    fx f;
    setup_grid(&f, 6, 7, &manual_cost[0][0], 4, 5);
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    o.knight = knight;
    cr_assert_eq(run(&f, &o), SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
    const double *a = senda_grid_cdata(f.acc);
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 7; c++)
            cr_expect_eq((int)floor(a[r * 7 + c] + 0.5), want[r][c], "row %d col %d: %.6f", r, c,
                         a[r * 7 + c]);
    teardown(&f);
}

Test(cost, reproduces_the_rcost_manual_example_without_knight)
{
    check_manual(0, manual_8);
}

Test(cost, reproduces_the_rcost_manual_example_with_knight)
{
    check_manual(1, manual_16);
}

Test(cost, manual_example_exact_values_by_hand)
{
    fx f;
    setup_grid(&f, 6, 7, &manual_cost[0][0], 4, 5);
    cr_assert_eq(run(&f, NULL), SENDA_OK);
    const double *a = senda_grid_cdata(f.acc);
    cr_assert_float_eq(a[4 * 7 + 5], 0.0, 1e-15);                     /* the start */
    cr_assert_float_eq(a[4 * 7 + 6], (3.0 + 9.0) / 2.0, 1e-12);       /* east: 6 */
    cr_assert_float_eq(a[5 * 7 + 5], (3.0 + 3.0) / 2.0, 1e-12);       /* south: 3 */
    cr_assert_float_eq(a[3 * 7 + 6], (3.0 + 5.0) * sqrt(2.0) / 2.0, 1e-12); /* NE: 5.657 */
    /* two cells west: (3+5)/2 + (5+1)/2 = 7 */
    cr_assert_float_eq(a[4 * 7 + 3], 7.0, 1e-12);
    /* directions point back towards the start: east neighbour 180, south 90 */
    const double *d = senda_grid_cdata(f.dir);
    cr_assert_float_eq(d[4 * 7 + 6], 180.0, 0.0);
    cr_assert_float_eq(d[5 * 7 + 5], 90.0, 0.0);
    cr_assert(isnan(d[4 * 7 + 5]), "the start has no direction");
    teardown(&f);
}

Test(cost, knight_directions_match_rcost_outdir)
{
    /* GRASS 8.2.1, on the manual grid: r.cost -k input=c output=acck
     * outdir=dirk start_coordinates=5.5,1.5; r.out.ascii dirk, bottom row:
     * 360 22.5 45 22.5 45 90 135 */
    static const double want[7] = {360, 22.5, 45, 22.5, 45, 90, 135};
    fx f;
    setup_grid(&f, 6, 7, &manual_cost[0][0], 4, 5);
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    o.knight = 1;
    cr_assert_eq(run(&f, &o), SENDA_OK);
    for (int c = 0; c < 7; c++)
        cr_expect_float_eq(senda_grid_cdata(f.dir)[5 * 7 + c], want[c], 0.0, "col %d", c);
    teardown(&f);
}

Test(cost, flat_friction_gives_cell_and_metre_distances)
{
    double v[1 * 5] = {1, 1, 1, 1, 1};
    fx f;
    setup_grid(&f, 1, 5, v, 0, 0);
    cr_assert_eq(run(&f, NULL), SENDA_OK);
    for (int c = 0; c < 5; c++) /* (1 + 1)/2 per step */
        cr_assert_float_eq(senda_grid_cdata(f.acc)[c], (double)c, 1e-12);
    senda_grid_destroy(f.acc);
    senda_grid_destroy(f.dir);
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    o.unit_m = 0.001; /* 1 m cells measured in mm: 1000 per cell */
    cr_assert_eq(run(&f, &o), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(f.acc)[4], 4000.0, 1e-9);
    teardown(&f);
}

Test(cost, nodata_is_a_barrier_and_blocks_knight_moves)
{
    /* 3 x 3, source top-left, the centre nodata. With knight's moves the
     * bottom-middle cell (row 2, col 1) could be reached by a knight's move
     * passing the centre; blocked, it is reached via (1,0): 1 + sqrt(2)/1 */
    double v[9] = {1, 1, 1, 1, NAN, 1, 1, 1, 1};
    fx f;
    setup_grid(&f, 3, 3, v, 0, 0);
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    o.knight = 1;
    cr_assert_eq(run(&f, &o), SENDA_OK);
    const double *a = senda_grid_cdata(f.acc);
    cr_assert(isnan(a[4]), "the nodata cell is never reached");
    /* (0,0)->(1,0) costs 1; (1,0)->(2,1) diagonal costs sqrt(2) */
    cr_assert_float_eq(a[7], 1.0 + sqrt(2.0), 1e-12);
    /* the opposite corner: around the centre, 2 + sqrt(2) */
    cr_assert_float_eq(a[8], 2.0 + sqrt(2.0), 1e-12);
    teardown(&f);
}

Test(cost, null_cost_crosses_nodata_and_keep_nulls_restores_it)
{
    double v[3] = {1, NAN, 1};
    fx f;
    setup_grid(&f, 1, 3, v, 0, 0);
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    o.null_cost = 3.0;
    cr_assert_eq(run(&f, &o), SENDA_OK);
    /* (1 + 3)/2 + (3 + 1)/2 = 4 */
    cr_assert_float_eq(senda_grid_cdata(f.acc)[2], 4.0, 1e-12);
    cr_assert_float_eq(senda_grid_cdata(f.acc)[1], 2.0, 1e-12);
    senda_grid_destroy(f.acc);
    senda_grid_destroy(f.dir);
    o.keep_nulls = 1;
    cr_assert_eq(run(&f, &o), SENDA_OK);
    cr_assert(isnan(senda_grid_cdata(f.acc)[1]));
    cr_assert_float_eq(senda_grid_cdata(f.acc)[2], 4.0, 1e-12);
    teardown(&f);
}

Test(cost, max_cost_leaves_farther_cells_nodata)
{
    double v[5] = {2, 2, 2, 2, 2};
    fx f;
    setup_grid(&f, 1, 5, v, 0, 0);
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    o.max_cost = 4.5; /* costs 0, 2, 4, 6, 8 */
    cr_assert_eq(run(&f, &o), SENDA_OK);
    const double *a = senda_grid_cdata(f.acc);
    cr_assert_float_eq(a[2], 4.0, 1e-12);
    cr_assert(isnan(a[3]) && isnan(a[4]));
    cr_assert(isnan(senda_grid_cdata(f.dir)[3]));
    teardown(&f);
}

Test(cost, many_sources_take_the_nearest)
{
    double v[7] = {1, 1, 1, 1, 1, 1, 1};
    fx f;
    setup_grid(&f, 1, 7, v, 0, 0);
    senda_points_destroy(f.src);
    senda_points_create(f.ctx, 2, "EPSG:32615", &f.src);
    f.src->x[0] = 0.5, f.src->y[0] = 0.5;
    f.src->x[1] = 6.5, f.src->y[1] = 0.5;
    cr_assert_eq(run(&f, NULL), SENDA_OK);
    static const double want[7] = {0, 1, 2, 3, 2, 1, 0};
    for (int c = 0; c < 7; c++)
        cr_assert_float_eq(senda_grid_cdata(f.acc)[c], want[c], 1e-12);
    teardown(&f);
}

Test(cost, errors_name_the_problem)
{
    double v[4] = {1, 1, 1, 1};
    fx f;
    setup_grid(&f, 2, 2, v, 0, 0);
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    cr_assert_eq(senda_cost_accumulate(f.ctx, NULL, f.src, &o, &f.acc, NULL, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "is NULL"));
    o.unit_m = -1;
    cr_assert_eq(run(&f, &o), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "unit_m must be >= 0, got -1"));
    senda_cost_opts_init(&o);
    o.null_cost = -2;
    cr_assert_eq(run(&f, &o), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "null_cost"));
    f.src->x[0] = 100.0;
    cr_assert_eq(run(&f, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "none of the 1 sources lies inside the 2 x 2 grid"));
    cr_assert_null(f.acc);
    teardown(&f);
}

static int stop_early(double complete, const char *msg, void *arg)
{
    (void)msg;
    int *calls = arg;
    return ++*calls < 3 || complete >= 1.0 ? 1 : 0;
}

/* An n x n grid of frictions 1 + i % period, source in the centre. */
static void setup_pattern(fx *f, size_t n, int period)
{
    double *v = malloc(n * n * sizeof *v);
    for (size_t i = 0; i < n * n; i++)
        v[i] = 1.0 + (double)(i % (size_t)period);
    setup_grid(f, n, n, v, n / 2, n / 2);
    free(v);
}

Test(cost, cancellation_frees_everything)
{
    fx f;
    setup_pattern(&f, 200, 7);
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    int calls = 0;
    cr_assert_eq(senda_cost_accumulate(f.ctx, f.cost, f.src, &o, &f.acc, &f.dir, stop_early,
                                       &calls),
                 SENDA_ERR_CANCELLED);
    cr_assert_null(f.acc);
    cr_assert_null(f.dir);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "cancelled"));
    teardown(&f);
}

Test(cost, every_allocation_failure_is_reported)
{
    fx f;
    setup_pattern(&f, 60, 5);
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    int failed = 0;
    for (long k = 1; k < 400; k++) {
        senda_ctx_fail_alloc_after(f.ctx, k);
        senda_status st = senda_cost_accumulate(f.ctx, f.cost, f.src, &o, &f.acc, &f.dir, NULL,
                                                NULL);
        senda_ctx_fail_alloc_after(f.ctx, 0);
        if (st == SENDA_OK) {
            senda_grid_destroy(f.acc);
            senda_grid_destroy(f.dir);
            f.acc = f.dir = NULL;
            break;
        }
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: %s", k, senda_ctx_errmsg(f.ctx));
        cr_assert_null(f.acc);
        failed++;
    }
    cr_assert_gt(failed, 3, "the call allocates grids, codes and queue slots");
    teardown(&f);
}

Test(cost, path_follows_directions_back_to_the_start)
{
    fx f;
    setup_grid(&f, 6, 7, &manual_cost[0][0], 4, 5);
    cr_assert_eq(run(&f, NULL), SENDA_OK);
    senda_cost_path *p = NULL;
    /* from the cell two west of the start (row 4, col 3): W, W */
    cr_assert_eq(senda_cost_path_trace(f.ctx, f.acc, f.dir, 3.5, 1.5, "dest", &p), SENDA_OK,
                 "%s", senda_ctx_errmsg(f.ctx));
    cr_assert_eq(p->n, 3);
    cr_assert_float_eq(p->x[0], 5.5, 1e-12); /* source first */
    cr_assert_float_eq(p->x[2], 3.5, 1e-12);
    cr_assert_float_eq(p->m[0], 0.0, 1e-12);
    cr_assert_float_eq(p->m[1], 4.0, 1e-12); /* (3 + 5)/2 */
    cr_assert_float_eq(p->cost, 7.0, 1e-12);
    cr_assert_float_eq(p->length_m, 2.0, 1e-12);
    cr_assert_str_eq(p->name, "dest");
    senda_cost_path_destroy(p);
    cr_assert_eq(senda_cost_path_trace(f.ctx, f.acc, f.dir, 50.0, 1.5, NULL, &p),
                 SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "outside the grid"));
    teardown(&f);
}
