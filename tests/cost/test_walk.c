/*
 * test_walk.c - senda_cost_walk (r.walk's model) on small DEMs whose costs
 * are derived by hand below, knight's moves and their blocking, errors.
 * The cell-for-cell check against GRASS r.walk itself on a 2000 x 2000 DEM
 * is scripts/compare/walk.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cost/cost_int.h"
#include "senda.h"

typedef struct {
    senda_ctx *ctx;
    senda_grid *dem, *fric, *acc;
    senda_points *src;
} wfx;

/* n x n grids of 10 m cells, x_min 0, y_max 10 n; source at (row, col). */
static void wsetup(wfx *f, size_t n, const double *dem, const double *fric, size_t row, size_t col)
{
    memset(f, 0, sizeof *f);
    cr_assert_eq(senda_ctx_create(&f->ctx), SENDA_OK);
    cr_assert_eq(
        senda_grid_create(f->ctx, n, n, 0.0, 10.0 * (double)n, 10.0, "EPSG:32615", 0.0, &f->dem),
        SENDA_OK);
    cr_assert_eq(
        senda_grid_create(f->ctx, n, n, 0.0, 10.0 * (double)n, 10.0, "EPSG:32615", 0.0, &f->fric),
        SENDA_OK);
    memcpy(senda_grid_data(f->dem), dem, n * n * sizeof(double));
    memcpy(senda_grid_data(f->fric), fric, n * n * sizeof(double));
    cr_assert_eq(senda_points_create(f->ctx, 1, "EPSG:32615", &f->src), SENDA_OK);
    f->src->x[0] = 10.0 * (double)col + 5.0;
    f->src->y[0] = 10.0 * (double)n - 10.0 * (double)row - 5.0;
}

static void wteardown(wfx *f)
{
    senda_grid_destroy(f->dem);
    senda_grid_destroy(f->fric);
    senda_grid_destroy(f->acc);
    senda_points_destroy(f->src);
    senda_ctx_destroy(f->ctx);
}

/* Tolerance: the sums below have a handful of terms of size <= 100, so
 * rounding is below 1e-12; 1e-9 is the bar compare/walk sets against r.walk. */
#define WALK_TOL 1e-9

Test(walk, three_slope_classes_by_hand)
{
    /* Elevations (m), source at the centre (100 m); friction 0.5 s/m, lambda 1,
     * r.walk's defaults a=0.72 b=6 c=1.9998 d=-1.9998 slope_factor=-0.2125. */
    const double dem[9] = {100, 110, 100, /**/ 100, 100, 97, /**/ 95, 98, 100};
    const double fric[9] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    wfx f;
    wsetup(&f, 3, dem, fric, 1, 1);
    senda_walk_opts o;
    senda_walk_opts_init(&o);
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, f.fric, f.src, &o, &f.acc, NULL, NULL), SENDA_OK,
                 "%s", senda_ctx_errmsg(f.ctx));
    const double *a = senda_grid_cdata(f.acc);
    double diag = sqrt(200.0);
    /* W, level: 0.72*10 + 0.5*10 = 12.2 */
    cr_assert_float_eq(a[3], 12.2, WALK_TOL);
    /* N, climb 10 m: 6*10 + 7.2 + 5 = 72.2 (the detour W then NE costs 12.2 + 77.25) */
    cr_assert_float_eq(a[1], 72.2, WALK_TOL);
    /* E, descent 3 m in 10 (slope -0.3 < -0.2125, steep): -1.9998*-3 + 7.2 + 5 = 18.1994 */
    cr_assert_float_eq(a[5], 18.1994, WALK_TOL);
    /* S, descent 2 m in 10 (slope -0.2, moderate): 1.9998*-2 + 7.2 + 5 = 8.2004 */
    cr_assert_float_eq(a[7], 8.2004, WALK_TOL);
    /* NW, NE, SE: level diagonals, (0.72 + 0.5) * sqrt(200) = 17.2534... */
    cr_assert_float_eq(a[0], 1.22 * diag, WALK_TOL);
    cr_assert_float_eq(a[2], 1.22 * diag, WALK_TOL);
    cr_assert_float_eq(a[8], 1.22 * diag, WALK_TOL);
    /* SW (95 m): the diagonal (steep, 5 m in 14.14: 9.999 + 1.22*14.142 = 27.25) loses
     * to S then W (8.2004, then 3 m down in 10, steep: 5.9994 + 12.2) = 26.3998 */
    cr_assert_float_eq(a[6], 26.3998, WALK_TOL);
    cr_assert_float_eq(a[4], 0.0, WALK_TOL);
    wteardown(&f);
}

Test(walk, knight_moves_and_their_blocking)
{
    /* Flat DEM, friction 1: a move costs (0.72 + 1) x its length. From the
     * centre of 5 x 5 to (0, 1): the knight's move sqrt(500) * 1.72 = 38.4604;
     * without knight's moves N then NW = 1.72 * (10 + sqrt(200)) = 41.5245. */
    double dem[25] = {0}, fric[25];
    for (int i = 0; i < 25; i++)
        fric[i] = 1.0;
    wfx f;
    wsetup(&f, 5, dem, fric, 2, 2);
    senda_walk_opts o;
    senda_walk_opts_init(&o);
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, f.fric, f.src, &o, &f.acc, NULL, NULL), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(f.acc)[1], 1.72 * (10.0 + sqrt(200.0)), WALK_TOL);
    senda_grid_destroy(f.acc);
    o.knight = 1;
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, f.fric, f.src, &o, &f.acc, NULL, NULL), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(f.acc)[1], 1.72 * sqrt(500.0), WALK_TOL);
    senda_grid_destroy(f.acc);
    /* Nodata friction N of the centre (1, 2) blocks the knight's moves through it
     * (r.walk's mean over the passed cells is then null): NW then N again, 41.5245. */
    senda_grid_data(f.fric)[7] = NAN;
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, f.fric, f.src, &o, &f.acc, NULL, NULL), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(f.acc)[1], 1.72 * (10.0 + sqrt(200.0)), WALK_TOL);
    cr_assert(isnan(senda_grid_cdata(f.acc)[7]), "the nodata cell is never entered");
    /* lambda 0: only walking time counts, 0.72 * sqrt(500) */
    senda_grid_data(f.fric)[7] = 1.0;
    o.lambda = 0.0;
    senda_grid_destroy(f.acc);
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, f.fric, f.src, &o, &f.acc, NULL, NULL), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(f.acc)[1], 0.72 * sqrt(500.0), WALK_TOL);
    wteardown(&f);
}

Test(walk, without_friction_is_walking_time_only)
{
    double dem[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0}, fric[9] = {0};
    dem[0] = NAN; /* nodata elevation: a barrier */
    wfx f;
    wsetup(&f, 3, dem, fric, 1, 1);
    senda_walk_opts o;
    senda_walk_opts_init(&o);
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, NULL, f.src, &o, &f.acc, NULL, NULL), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(f.acc)[1], 7.2, WALK_TOL);
    cr_assert(isnan(senda_grid_cdata(f.acc)[0]));
    wteardown(&f);
}

Test(walk, errors_name_the_problem)
{
    double dem[9] = {0}, fric[9] = {0};
    wfx f;
    wsetup(&f, 3, dem, fric, 1, 1);
    senda_walk_opts o;
    senda_walk_opts_init(&o);
    o.d = 1.0;
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, f.fric, f.src, &o, &f.acc, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "less than 0"), "%s", senda_ctx_errmsg(f.ctx));
    senda_walk_opts_init(&o);
    senda_grid_data(f.fric)[4] = -1.0;
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, f.fric, f.src, &o, &f.acc, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "row 1, col 1"), "%s", senda_ctx_errmsg(f.ctx));
    senda_grid *small = NULL;
    cr_assert_eq(senda_grid_create(f.ctx, 2, 2, 0.0, 20.0, 10.0, "EPSG:32615", 0.0, &small),
                 SENDA_OK);
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, small, f.src, &o, &f.acc, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "does not match"), "%s", senda_ctx_errmsg(f.ctx));
    senda_grid_destroy(small);
    f.src->x[0] = -100.0;
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, NULL, f.src, &o, &f.acc, NULL, NULL),
                 SENDA_ERR_DATA);
    cr_assert_null(f.acc);
    wteardown(&f);
}

/* A DEM in degrees is refused, with the UTM zone of its centre to reproject
 * to: centre lon -93.695, zone floor((-93.695 + 180) / 6) + 1 = 15, north
 * (lat 16.095) -> EPSG:32615; 0.001 degrees x 111,320 m x cos(16.095 deg) =
 * 107 m cells. The accumulated cost refuses such a raster only when move
 * lengths are taken in metres (unit_m > 0); in cell widths (r.cost's
 * default) any CRS will do. */
Test(walk, dem_in_degrees_is_refused_with_the_reprojection_to_use)
{
    senda_ctx *ctx = NULL;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    senda_grid *dem = NULL, *acc = NULL;
    cr_assert_eq(senda_grid_create(ctx, 10, 10, -93.7, 16.1, 0.001, "EPSG:4326", 100.0, &dem),
                 SENDA_OK);
    senda_points *src = NULL;
    cr_assert_eq(senda_points_create(ctx, 1, "EPSG:4326", &src), SENDA_OK);
    src->x[0] = -93.6945; /* the middle of cell (row 5, col 5) */
    src->y[0] = 16.0945;
    senda_walk_opts o;
    senda_walk_opts_init(&o);
    cr_assert_eq(senda_cost_walk(ctx, dem, NULL, src, &o, &acc, NULL, NULL), SENDA_ERR_ARG);
    cr_assert_null(acc);
    const char *m = senda_ctx_errmsg(ctx);
    cr_assert(strstr(m, "degrees") && strstr(m, "EPSG:32615") && strstr(m, "-tr 107 107"), "%s",
              m);
    senda_cost_opts co;
    senda_cost_opts_init(&co);
    co.unit_m = 1.0;
    cr_assert_eq(senda_cost_accumulate(ctx, dem, src, &co, &acc, NULL, NULL, NULL),
                 SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "EPSG:32615"), "%s", senda_ctx_errmsg(ctx));
    co.unit_m = 0.0;
    cr_assert_eq(senda_cost_accumulate(ctx, dem, src, &co, &acc, NULL, NULL, NULL), SENDA_OK);
    cr_assert_float_eq(senda_grid_data(acc)[5 * 10 + 5], 0.0, 1e-12); /* the source cell */
    senda_grid_destroy(acc);
    /* the same DEM in a projected CRS runs */
    acc = NULL;
    senda_grid *utm = NULL;
    cr_assert_eq(senda_grid_create(ctx, 10, 10, 0.0, 100.0, 10.0, "EPSG:32615", 100.0, &utm),
                 SENDA_OK);
    src->x[0] = 5.0;
    src->y[0] = 95.0;
    cr_assert_eq(senda_cost_walk(ctx, utm, NULL, src, &o, &acc, NULL, NULL), SENDA_OK);
    senda_grid_destroy(acc);
    senda_grid_destroy(utm);
    senda_grid_destroy(dem);
    senda_points_destroy(src);
    senda_ctx_destroy(ctx);
}

/* An independent oracle: Bellman-Ford over every move, relaxed until
 * nothing changes, with r.walk's move cost written out again here (the
 * header of walk.c): a * dS + the climb term + lambda * mean friction * dS,
 * the mean over the end cells (and the two passed cells for a knight's
 * move); NaN elevation or friction is a barrier. */
static void bellman_ford(const double *dem, const double *fric, size_t n, double cs,
                         const senda_walk_opts *o, size_t src, double *acc)
{
    static const int dr[16] = {0, 0, -1, 1, -1, -1, 1, 1, -2, -2, 2, 2, -1, -1, 1, 1};
    static const int dc[16] = {-1, 1, 0, 0, -1, 1, 1, -1, -1, 1, 1, -1, -2, 2, 2, -2};
    for (size_t i = 0; i < n * n; i++)
        acc[i] = INFINITY;
    acc[src] = 0.0;
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t s = 0; s < n * n; s++) {
            if (isinf(acc[s]) || isnan(dem[s]) || isnan(fric[s]))
                continue;
            long r = (long)(s / n), c = (long)(s % n);
            for (int k = 0; k < (o->knight ? 16 : 8); k++) {
                long tr = r + dr[k], tc = c + dc[k];
                if (tr < 0 || tc < 0 || tr >= (long)n || tc >= (long)n)
                    continue;
                size_t t = (size_t)tr * n + (size_t)tc;
                double ds = cs * sqrt((double)(dr[k] * dr[k] + dc[k] * dc[k]));
                double f = fric[t] + fric[s];
                if (k >= 8) { /* the two cells a knight's move passes */
                    long ar = abs(dr[k]) == 2 ? r + dr[k] / 2 : r;
                    long ac = abs(dc[k]) == 2 ? c + dc[k] / 2 : c;
                    f += fric[(size_t)ar * n + (size_t)ac] +
                         fric[(size_t)(r + (abs(dr[k]) == 2 ? dr[k] / 2 : dr[k])) * n +
                              (size_t)(c + (abs(dc[k]) == 2 ? dc[k] / 2 : dc[k]))];
                }
                double dh = dem[t] - dem[s], climb;
                if (dh >= 0.0)
                    climb = o->b * dh;
                else if (dh / ds < o->slope_factor)
                    climb = o->d * dh;
                else
                    climb = o->c * dh;
                double cost = acc[s] + o->a * ds + climb + o->lambda * f / (k >= 8 ? 4 : 2) * ds;
                if (isnan(dem[t]) || isnan(cost))
                    continue;
                if (cost < acc[t] * (1.0 - 1e-13)) { /* rounding is no change */
                    acc[t] = cost;
                    changed = 1;
                }
            }
        }
    }
}

/* An n x n rolling DEM (deterministic pseudo-random, 0-80 m over 10 m
 * cells: all three slope classes) with a few barriers, source at the
 * centre, against the oracle: with r.walk's defaults (the bucket queue:
 * every move costs >= 10 m x (0.72 - 1.9998 x 0.2125)) or, zero_move, with
 * a + c * slope_factor = 0 and no friction (a move can cost 0: the
 * calendar queue). */
static void rolling_world(size_t n, int zero_move, double *dem, double *fric)
{
    unsigned long x = 12345;
    for (size_t i = 0; i < n * n; i++) {
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        double u = (double)(x >> 11) / 9007199254740992.0;
        size_t r = i / n, c = i % n;
        dem[i] = 40.0 + 30.0 * sin(0.4 * (double)r) * cos(0.3 * (double)c) + 10.0 * u;
        fric[i] = zero_move ? 0.0 : 2.0 * u;
        if (i % 53 == 7)
            dem[i] = NAN;
        if (i % 71 == 11)
            fric[i] = NAN;
    }
}

static void check_oracle(size_t n, int knight, int zero_move)
{
    double *dem = malloc(n * n * sizeof *dem), *fric = malloc(n * n * sizeof *fric);
    double *want = malloc(n * n * sizeof *want);
    rolling_world(n, zero_move, dem, fric);
    wfx f;
    wsetup(&f, n, dem, fric, n / 2, n / 2);
    senda_walk_opts o;
    senda_walk_opts_init(&o);
    o.knight = knight;
    if (zero_move) { /* a + c * slope_factor = 0.2125 - 0.2125 */
        o.a = 0.2125;
        o.c = 1.0;
    }
    cr_assert_eq(senda_cost_walk(f.ctx, f.dem, f.fric, f.src, &o, &f.acc, NULL, NULL), SENDA_OK,
                 "%s", senda_ctx_errmsg(f.ctx));
    bellman_ford(dem, fric, n, 10.0, &o, (n / 2) * n + n / 2, want);
    const double *got = senda_grid_cdata(f.acc);
    for (size_t i = 0; i < n * n; i++) {
        if (isinf(want[i])) {
            cr_assert(isnan(got[i]), "n %zu cell %zu: unreachable, got %g", n, i, got[i]);
            continue;
        }
        /* sums of up to ~500 terms of <= 1e3 in another order: 1e-12 relative */
        cr_assert(fabs(got[i] - want[i]) <= 1e-12 * fmax(1.0, want[i]),
                  "n %zu knight %d zero_move %d cell %zu: %.17g, oracle %.17g", n, knight,
                  zero_move, i, got[i], want[i]);
    }
    wteardown(&f);
    free(dem);
    free(fric);
    free(want);
}

/* 24 x 24 with both queues, with and without knight's moves; 160 x 160 with
 * the buckets, whose hundreds of cells each are sorted by band of rows
 * before they are expanded (queue_int.h). */
Test(walk, both_queues_match_an_independent_bellman_ford)
{
    for (int knight = 0; knight <= 1; knight++) {
        check_oracle(24, knight, 0);
        check_oracle(24, knight, 1);
        check_oracle(160, knight, 0);
    }
}

static int cancel_at_half(double done, const char *msg, void *arg)
{
    (void)msg;
    (void)arg;
    return done < 0.5;
}

/* arg: double[2], the largest fraction reported and the number of reports */
static int note_progress(double done, const char *msg, void *arg)
{
    (void)msg;
    double *seen = arg;
    seen[0] = fmax(seen[0], done);
    seen[1] += 1.0;
    return 1;
}

/* Two threads (walk.c, forced on for every bucket of two cells or more):
 * the oracle as above, and on 400 x 400 cells (buckets of hundreds of cells,
 * split between the threads) the costs of one thread bit for bit, with and
 * without friction and knight's moves; a cancelled run frees all. */
Test(walk, two_threads_give_the_costs_of_one)
{
    senda__walk_two_threads = 1;
    for (int knight = 0; knight <= 1; knight++)
        check_oracle(160, knight, 0);
    size_t n = 400;
    double *dem = malloc(n * n * sizeof *dem), *fric = malloc(n * n * sizeof *fric);
    rolling_world(n, 0, dem, fric);
    for (int knight = 0; knight <= 1; knight++)
        for (int with_fric = 0; with_fric <= 1; with_fric++) {
            senda_grid *acc[2] = {NULL, NULL};
            wfx f;
            wsetup(&f, n, dem, fric, n / 3, n / 2);
            senda_walk_opts o;
            senda_walk_opts_init(&o);
            o.knight = knight;
            for (int threads = 0; threads <= 1; threads++) {
                senda__walk_two_threads = threads;
                double seen[2] = {0.0, 0.0}; /* reports of at most 100 %, about one a percent */
                cr_assert_eq(senda_cost_walk(f.ctx, f.dem, with_fric ? f.fric : NULL, f.src, &o,
                                             &acc[threads], note_progress, seen),
                             SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
                cr_assert(seen[0] == 1.0 && seen[1] > 50.0 && seen[1] < 110.0,
                          "threads %d: largest %g, %g reports", threads, seen[0], seen[1]);
            }
            const double *a = senda_grid_cdata(acc[0]), *b = senda_grid_cdata(acc[1]);
            size_t reached = 0;
            for (size_t i = 0; i < n * n; i++)
                reached += !isnan(a[i]);
            cr_assert_gt(reached, n * n / 2);
            cr_assert(memcmp(a, b, n * n * sizeof *a) == 0,
                      "knight %d friction %d: two threads differ from one", knight, with_fric);
            senda_grid_destroy(acc[0]);
            senda_grid_destroy(acc[1]);
            if (knight && with_fric) {
                cr_assert_eq(
                    senda_cost_walk(f.ctx, f.dem, f.fric, f.src, &o, &f.acc, cancel_at_half, NULL),
                    SENDA_ERR_CANCELLED);
                cr_assert_null(f.acc);
            }
            wteardown(&f);
        }
    free(dem);
    free(fric);
    senda__walk_two_threads = -1;
}
