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

/* An independent reference for r.cost's rules, written again from the
 * r.cost manual and source (not from accumulate.c): every pushed entry
 * carries (cost, age), age counting the pushes; the least cost pops first
 * and among equal costs the oldest (heap.c); a neighbour is updated only
 * on a strictly lower cost; moves in r.cost's order W, E, N, S, NW, NE,
 * SE, SW, NNW, NNE, SSE, SSW, WNW, ENE, ESE, WSW, each costing
 * (c(t) + c(s)) x 1/2 (straight), x sqrt(2)/2 (diagonal) or, for a knight's
 * move passing cells a and b, (((c(a) + c(b)) + c(t)) + c(s)) x sqrt(5)/4;
 * NaN friction is a barrier. The entries wait in a binary heap on (cost,
 * age). code[t] gets the move that last lowered t. */
typedef struct {
    double cost;
    size_t age, cell;
} ref_entry;

static int ref_less(const ref_entry *x, const ref_entry *y)
{
    return x->cost < y->cost || (x->cost == y->cost && x->age < y->age);
}

static void ref_push(ref_entry *h, size_t *n, ref_entry e)
{
    size_t i = (*n)++;
    for (; i > 0 && ref_less(&e, &h[(i - 1) / 2]); i = (i - 1) / 2)
        h[i] = h[(i - 1) / 2];
    h[i] = e;
}

static ref_entry ref_pop(ref_entry *h, size_t *n)
{
    ref_entry top = h[0], e = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && ref_less(&h[c + 1], &h[c]))
            c++;
        if (!ref_less(&h[c], &e))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = e;
    return top;
}

static void reference_rcost(const double *c, size_t n, const size_t *src, size_t n_src,
                            int knight, double *acc, int *code)
{
    static const int dr[17] = {0, 0, 0, -1, 1, -1, -1, 1, 1, -2, -2, 2, 2, -1, -1, 1, 1};
    static const int dc[17] = {0, -1, 1, 0, 0, -1, 1, 1, -1, -1, 1, 1, -1, -2, 2, 2, -2};
    size_t n_h = 0, age = 0;
    ref_entry *h = malloc((n * n * 17 + n_src) * sizeof *h);
    for (size_t i = 0; i < n * n; i++) {
        acc[i] = NAN;
        code[i] = 0;
    }
    for (size_t s = 0; s < n_src; s++) {
        acc[src[s]] = 0.0;
        ref_push(h, &n_h, (ref_entry){0.0, age++, src[s]});
    }
    while (n_h > 0) {
        ref_entry best = ref_pop(h, &n_h);
        size_t s = best.cell;
        if (best.cost > acc[s]) /* superseded */
            continue;
        long r = (long)(s / n), col = (long)(s % n);
        for (int k = 1; k <= (knight ? 16 : 8); k++) {
            long tr = r + dr[k], tc = col + dc[k];
            if (tr < 0 || tc < 0 || tr >= (long)n || tc >= (long)n)
                continue;
            size_t t = (size_t)tr * n + (size_t)tc;
            double sum;
            if (k <= 8) {
                sum = (c[t] + c[s]) * (k <= 4 ? 0.5 : sqrt(2.0) / 2.0);
            } else { /* the straight cell (row or column halfway) and the diagonal one */
                long ar = abs(dr[k]) == 2 ? r + dr[k] / 2 : r, ac = abs(dc[k]) == 2 ? col + dc[k] / 2 : col;
                size_t a = (size_t)ar * n + (size_t)ac;
                size_t b = (size_t)(r + dr[k] / abs(dr[k])) * n + (size_t)(col + dc[k] / abs(dc[k]));
                sum = (((c[a] + c[b]) + c[t]) + c[s]) * (sqrt(5.0) / 4.0);
            }
            double mc = acc[s] + sum;
            if (isnan(mc) || !(isnan(acc[t]) || mc < acc[t]))
                continue;
            acc[t] = mc;
            code[t] = k;
            ref_push(h, &n_h, (ref_entry){mc, age++, t});
        }
    }
    free(h);
}

/* n x n frictions of kind 0: integers 1..4 (ties everywhere), 1: halves
 * 0.5..4.5, 2: like 0 with one cell of friction 0 (a move may cost 0:
 * the calendar queue instead of Dial's buckets), 3: uniform; 2 % NaN;
 * three sources, two of them symmetric about a column and one given twice.
 * Every cell's cost and direction must equal the reference's exactly. */
static void check_reference(size_t n, int kind, int knight)
{
    double *v = malloc(n * n * sizeof *v), *want = malloc(n * n * sizeof *want);
    int *want_code = malloc(n * n * sizeof *want_code);
    unsigned long x = 987654321ul + (unsigned long)kind;
    for (size_t i = 0; i < n * n; i++) {
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        unsigned u = (unsigned)(x >> 33);
        v[i] = kind == 3 ? 2.0 : kind == 1 ? 0.5 + (double)(u % 9) * 0.5 : 1.0 + (double)(u % 4);
        if (u % 50 == 7)
            v[i] = NAN;
    }
    if (kind == 2)
        v[(n / 3) * n + n / 4] = 0.0;
    size_t src[4] = {(n / 2) * n + n / 2, (n / 2) * n + n / 2 + 4, (n / 5) * n + n / 3,
                     (n / 2) * n + n / 2};
    for (int s = 0; s < 4; s++)
        v[src[s]] = 1.0;
    fx f;
    setup_grid(&f, n, n, v, 0, 0);
    senda_points_destroy(f.src);
    cr_assert_eq(senda_points_create(f.ctx, 4, "EPSG:32615", &f.src), SENDA_OK);
    for (int s = 0; s < 4; s++) {
        f.src->x[s] = (double)(src[s] % n) + 0.5;
        f.src->y[s] = (double)n - (double)(src[s] / n) - 0.5;
    }
    senda_cost_opts o;
    senda_cost_opts_init(&o);
    o.knight = knight;
    cr_assert_eq(run(&f, &o), SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
    reference_rcost(v, n, src, 4, knight, want, want_code);
    static const double deg[17] = {0,     360.0, 180.0, 270.0, 90.0,  315.0,
                                   225.0, 135.0, 45.0,  292.5, 247.5, 112.5,
                                   67.5,  337.5, 202.5, 157.5, 22.5};
    const double *a = senda_grid_cdata(f.acc), *d = senda_grid_cdata(f.dir);
    size_t n_reached = 0;
    for (size_t i = 0; i < n * n; i++) {
        cr_assert(a[i] == want[i] || (isnan(a[i]) && isnan(want[i])),
                  "kind %d knight %d cell %zu: %.17g, reference %.17g", kind, knight, i, a[i],
                  want[i]);
        double wd = want_code[i] ? deg[want_code[i]] : NAN;
        cr_assert(d[i] == wd || (isnan(d[i]) && isnan(wd)),
                  "kind %d knight %d cell %zu (cost %g): direction %g, reference %g", kind,
                  knight, i, a[i], d[i], wd);
        n_reached += !isnan(a[i]);
    }
    cr_assert_gt(n_reached, n * n * 9 / 10);
    teardown(&f);
    free(v);
    free(want);
    free(want_code);
}

Test(cost, both_queues_match_an_independent_rcost_with_its_ties)
{
    for (int knight = 0; knight <= 1; knight++)
        for (int kind = 0; kind <= 3; kind++) {
            check_reference(36, kind, knight);
            check_reference(150, kind, knight); /* buckets of hundreds, sorted by band */
        }
}
