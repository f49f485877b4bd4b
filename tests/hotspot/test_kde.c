/*
 * test_kde.c - kernel density: hand-computed kernels, the fast polynomial
 * path against a brute-force sum written here independently, the density's
 * integral, thread independence, automatic radius, errors, cancellation and
 * allocation failure.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grid/grid_int.h"
#include "hotspot/kde_int.h"

static senda_ctx *ctx;
static void setup(void) { senda_ctx_create(&ctx); }
static void teardown(void) { senda_ctx_destroy(ctx); }
TestSuite(kde, .init = setup, .fini = teardown);

static senda_points *make_points(size_t n, const double *xy, const double *w)
{
    senda_points *p = NULL;
    cr_assert_eq(senda_points_create(ctx, n, "EPSG:32615", &p), SENDA_OK);
    for (size_t i = 0; i < n; i++) {
        p->x[i] = xy[2 * i];
        p->y[i] = xy[2 * i + 1];
        p->weight[i] = w ? w[i] : 1.0;
    }
    return p;
}

/* Brute force, independent of kde.c: the reference tools' formulas
 * (GRASS v.kernel function.c constants, QGIS qgskde.cpp raw shapes). */
static double shape(senda_hotspot_kernel k, double d, double r)
{
    double u = d / r;
    if (u > 1.0)
        return 0.0;
    switch (k) {
    case SENDA_KERNEL_QUARTIC: return pow(1 - u * u, 2);
    case SENDA_KERNEL_TRIWEIGHT: return pow(1 - u * u, 3);
    case SENDA_KERNEL_EPANECHNIKOV: return 1 - u * u;
    case SENDA_KERNEL_TRIANGULAR: return 1 - u;
    case SENDA_KERNEL_UNIFORM: return 1;
    default: { double s = r / 4; return exp(-d * d / (2 * s * s)); }
    }
}

static double grass_const(senda_hotspot_kernel k, double r)
{
    switch (k) {
    case SENDA_KERNEL_QUARTIC: return 16. / (M_PI * 5. * r * r) * 15. / 16.;
    case SENDA_KERNEL_TRIWEIGHT: return 128. / (M_PI * 35. * r * r) * 35. / 32.;
    case SENDA_KERNEL_EPANECHNIKOV: return 8. / (M_PI * 3. * r * r) * 3. / 4.;
    case SENDA_KERNEL_TRIANGULAR: return 3. / (M_PI * r * r);
    case SENDA_KERNEL_UNIFORM: return 2. / (M_PI * r * r) * 0.5;
    default: { double s = r / 4; return 1. / (2 * M_PI * s * s); }
    }
}

static void brute(const senda_points *p, senda_hotspot_kernel k, double r, double c, senda_grid *g)
{
    for (size_t row = 0; row < g->n_rows; row++)
        for (size_t col = 0; col < g->n_cols; col++) {
            double v = 0, cx = senda__grid_cx(g, col), cy = senda__grid_cy(g, row);
            for (size_t i = 0; i < p->n; i++)
                v += p->weight[i] * c * shape(k, hypot(cx - p->x[i], cy - p->y[i]), r);
            g->data[row * g->n_cols + col] = v;
        }
}

Test(kde, quartic_raw_single_point_matches_hand_values)
{
    /* Point at the centre of cell (2,2) of a 5x5 grid, 1 m cells, r = 2:
     * d=0 -> 1; d=1 -> (1-1/4)^2 = 0.5625; d=sqrt2 -> (1-1/2)^2 = 0.25;
     * d=2 -> 0; d=sqrt5 > r -> 0. */
    double xy[] = {2.5, 2.5};
    senda_points *p = make_points(1, xy, NULL);
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_for_extent(ctx, 0, 0, 5, 5, 1, "EPSG:32615", &g), SENDA_OK);
    senda_hotspot_kde_opts o;
    senda_hotspot_kde_opts_init(&o);
    o.radius_m = 2;
    o.scale = SENDA_KDE_QGIS_RAW;
    cr_assert_eq(senda_hotspot_kde(ctx, p, &o, g, NULL, NULL), SENDA_OK);
    double *d = g->data;
    cr_assert_float_eq(d[2 * 5 + 2], 1.0, 1e-12);
    cr_assert_float_eq(d[1 * 5 + 2], 0.5625, 1e-12);
    cr_assert_float_eq(d[2 * 5 + 3], 0.5625, 1e-12);
    cr_assert_float_eq(d[1 * 5 + 1], 0.25, 1e-12);
    cr_assert_float_eq(d[0 * 5 + 2], 0.0, 1e-12);
    cr_assert(d[0] == 0.0, "a cell no kernel reaches is exactly 0, got %g", d[0]);
    senda_grid_destroy(g);
    senda_points_destroy(p);
}

/* Every kernel and the grass scale: the fast path equals the brute force to
 * 1e-8 relative on every cell worth 1e-6 of a kernel's peak or more, and to
 * 1e-13 of the peak below that (kde.c header: rounding of the block expansion
 * is ~1e-16 * 2^(2m) * runs of the peak), on scattered points, some outside
 * the grid, with two threads and a radius of 7.3 cells. */
Test(kde, every_kernel_matches_brute_force_grass_constants)
{
    srand(7);
    enum { N = 300 };
    double xy[2 * N], w[N];
    for (int i = 0; i < N; i++) {
        xy[2 * i] = -20 + 160.0 * rand() / RAND_MAX;
        xy[2 * i + 1] = -20 + 140.0 * rand() / RAND_MAX;
        w[i] = 0.5 + (i % 5);
    }
    senda_points *p = make_points(N, xy, w);
    for (int k = 0; k <= SENDA_KERNEL_GAUSSIAN; k++) {
        senda_grid *g = NULL, *ref = NULL;
        senda_grid_for_extent(ctx, 0, 0, 120, 100, 1, "EPSG:32615", &g);
        senda_grid_for_extent(ctx, 0, 0, 120, 100, 1, "EPSG:32615", &ref);
        senda_hotspot_kde_opts o;
        senda_hotspot_kde_opts_init(&o);
        o.kernel = (senda_hotspot_kernel)k;
        o.radius_m = 7.3;
        o.scale = SENDA_KDE_GRASS;
        cr_assert_eq(senda_hotspot_kde(ctx, p, &o, g, NULL, NULL), SENDA_OK);
        brute(p, (senda_hotspot_kernel)k, 7.3, grass_const((senda_hotspot_kernel)k, 7.3), ref);
        double peak = 4.5 * grass_const((senda_hotspot_kernel)k, 7.3); /* largest weight */
        for (size_t i = 0; i < 120 * 100; i++) {
            double a = g->data[i], b = ref->data[i];
            double tol = fabs(b) >= 1e-6 * peak ? 1e-8 * fabs(b) : 1e-13 * peak;
            cr_assert(fabs(a - b) <= tol || (a == 0 && b == 0),
                      "kernel %s cell %zu: %.17g vs %.17g", senda_hotspot_kernel_name(o.kernel), i, a, b);
        }
        senda_grid_destroy(g);
        senda_grid_destroy(ref);
    }
    senda_points_destroy(p);
}

/* The default density integrates to the total weight: sum * cell area in
 * km2 over a grid holding every kernel, within 0.5 % (midpoint rule at
 * r = 10 cells; the uniform kernel's edge makes it the worst). */
Test(kde, density_integrates_to_total_weight)
{
    double xy[] = {5000, 5000, 5230, 4870, 6011, 5555}, w[] = {1, 2.5, 4};
    senda_points *p = make_points(3, xy, w);
    for (int k = 0; k <= SENDA_KERNEL_GAUSSIAN; k++) {
        senda_grid *g = NULL;
        cr_assert_eq(senda_grid_for_points(ctx, p, 100, 1200, &g), SENDA_OK);
        senda_hotspot_kde_opts o;
        senda_hotspot_kde_opts_init(&o);
        o.kernel = (senda_hotspot_kernel)k;
        o.radius_m = 1000;
        cr_assert_eq(senda_hotspot_kde(ctx, p, &o, g, NULL, NULL), SENDA_OK);
        double s = 0;
        for (size_t i = 0; i < g->n_rows * g->n_cols; i++)
            s += g->data[i];
        s *= 0.1 * 0.1; /* 100 m cells = 0.01 km2 */
        cr_assert(fabs(s - 7.5) <= 0.005 * 7.5, "%s integrates to %g, want 7.5",
                  senda_hotspot_kernel_name(o.kernel), s);
        /* weights 1, 2.5, 4: the density sums weights, not events */
        cr_assert_str_eq(g->units, "weighted incidents per km2");
        senda_grid_destroy(g);
    }
    senda_points_destroy(p);
    /* the same three points counted (every weight 1) are "incidents per km2" */
    double ones[] = {1, 1, 1};
    p = make_points(3, xy, ones);
    senda_grid *g = NULL;
    senda_hotspot_kde_opts o;
    senda_hotspot_kde_opts_init(&o);
    o.radius_m = 1000;
    cr_assert_eq(senda_grid_for_points(ctx, p, 100, 1200, &g), SENDA_OK);
    cr_assert_eq(senda_hotspot_kde(ctx, p, &o, g, NULL, NULL), SENDA_OK);
    cr_assert_str_eq(g->units, "incidents per km2");
    senda_grid_destroy(g);
    senda_points_destroy(p);
}

Test(kde, density_is_grass_times_a_million_and_qgis_scaled_equals_grass)
{
    double xy[] = {10.2, 10.7};
    senda_points *p = make_points(1, xy, NULL);
    senda_grid *a = NULL, *b = NULL, *c = NULL;
    senda_grid_for_extent(ctx, 0, 0, 20, 20, 1, NULL, &a);
    senda_grid_for_extent(ctx, 0, 0, 20, 20, 1, NULL, &b);
    senda_grid_for_extent(ctx, 0, 0, 20, 20, 1, NULL, &c);
    senda_hotspot_kde_opts o;
    senda_hotspot_kde_opts_init(&o);
    o.radius_m = 6;
    senda_hotspot_kde(ctx, p, &o, a, NULL, NULL);
    o.scale = SENDA_KDE_GRASS;
    senda_hotspot_kde(ctx, p, &o, b, NULL, NULL);
    o.scale = SENDA_KDE_QGIS_SCALED;
    senda_hotspot_kde(ctx, p, &o, c, NULL, NULL);
    for (size_t i = 0; i < 400; i++) {
        cr_assert_float_eq(a->data[i], b->data[i] * 1e6, 1e-9 * fmax(a->data[i], 1));
        cr_assert_float_eq(c->data[i], b->data[i], 1e-15);
    }
    senda_grid_destroy(a);
    senda_grid_destroy(b);
    senda_grid_destroy(c);
    senda_points_destroy(p);
}

/* The density of p on a 250 x 250 grid of 2 m cells (radius 25 m) with one
 * thread and with n_threads is the same, bit for bit. */
static void same_with_threads(const senda_points *p, int n_threads)
{
    senda_grid *a = NULL, *b = NULL;
    senda_grid_for_extent(ctx, 0, 0, 500, 500, 2, NULL, &a);
    senda_grid_for_extent(ctx, 0, 0, 500, 500, 2, NULL, &b);
    senda_hotspot_kde_opts o;
    senda_hotspot_kde_opts_init(&o);
    o.radius_m = 25;
    o.n_threads = 1;
    cr_assert_eq(senda_hotspot_kde(ctx, p, &o, a, NULL, NULL), SENDA_OK);
    o.n_threads = n_threads;
    cr_assert_eq(senda_hotspot_kde(ctx, p, &o, b, NULL, NULL), SENDA_OK);
    cr_assert(memcmp(a->data, b->data, 250 * 250 * sizeof(double)) == 0,
              "results depend on the thread count (%d)", n_threads);
    senda_grid_destroy(a);
    senda_grid_destroy(b);
}

Test(kde, one_thread_and_four_threads_agree)
{
    srand(3);
    enum { N = 2000 };
    double xy[2 * N];
    for (int i = 0; i < 2 * N; i++)
        xy[i] = 500.0 * rand() / RAND_MAX;
    senda_points *p = make_points(N, xy, NULL);
    same_with_threads(p, 4);
    senda_points_destroy(p);
}

/* With 65,536 points or more, two threads bucket the points (bucket_points
 * in kde.c: each half counted and placed by its own thread); the sums must
 * still add each cell's points in the same order as one thread, bit for bit.
 * Points beyond the grid (skipped) and repeated points (equal keys) included. */
Test(kde, two_threads_bucket_many_points_in_the_same_order)
{
    srand(11);
    enum { N = 70000 };
    double *xy = malloc(2 * N * sizeof *xy);
    for (int i = 0; i < 2 * N; i++)
        xy[i] = i % 7 == 0 ? xy[i > 13 ? i - 14 : 0] : -60.0 + 620.0 * rand() / RAND_MAX;
    senda_points *p = make_points(N, xy, NULL);
    for (size_t i = 0; i < p->n; i++)
        p->weight[i] = 1.0 + (double)(i % 5) / 3.0;
    same_with_threads(p, 2);
    senda_points_destroy(p);
    free(xy);
}

/* The row runs computed one row at a time, 2 rows (SSE2) and 4 rows (AVX)
 * per instruction give the same bits, for every polynomial kernel; points
 * near and beyond the edges, and on cell centres (runs ending exactly on a
 * column), included. On a CPU without AVX level 2 falls back to SSE2. */
Test(kde, row_runs_scalar_sse2_and_avx_agree)
{
    srand(5);
    enum { N = 3000 };
    double xy[2 * N];
    for (int i = 0; i < 2 * N; i++)
        xy[i] = i % 7 == 0 ? (double)(rand() % 120) - 10.0 : 140.0 * rand() / RAND_MAX - 20.0;
    senda_points *p = make_points(N, xy, NULL);
    senda_hotspot_kernel ks[] = {SENDA_KERNEL_QUARTIC, SENDA_KERNEL_TRIWEIGHT,
                                 SENDA_KERNEL_EPANECHNIKOV, SENDA_KERNEL_UNIFORM};
    for (int k = 0; k < 4; k++) {
        senda_grid *g[3] = {NULL, NULL, NULL};
        for (int level = 0; level < 3; level++) {
            senda__kde_simd = level;
            senda_grid_for_extent(ctx, 0, 0, 100, 100, 1, NULL, &g[level]);
            senda_hotspot_kde_opts o;
            senda_hotspot_kde_opts_init(&o);
            o.kernel = ks[k];
            o.radius_m = 7.5;
            cr_assert_eq(senda_hotspot_kde(ctx, p, &o, g[level], NULL, NULL), SENDA_OK);
        }
        senda__kde_simd = 2;
        for (int level = 1; level < 3; level++)
            cr_assert(memcmp(g[0]->data, g[level]->data, 100 * 100 * sizeof(double)) == 0,
                      "kernel %s: level %d differs from one row at a time",
                      senda_hotspot_kernel_name(ks[k]), level);
        for (int level = 0; level < 3; level++)
            senda_grid_destroy(g[level]);
    }
    senda_points_destroy(p);
}

Test(kde, auto_radius_follows_the_arcgis_rule)
{
    /* Four points on a 2 m square around (1,1), weights 1: mean centre
     * (1,1), every distance sqrt2, so SD = sqrt2, Dm = sqrt2, n = 4:
     * r = 0.9 * min(sqrt2, sqrt(1/ln2) * sqrt2) * 4^-0.2 = 0.9 * sqrt2 * 4^-0.2. */
    double xy[] = {0, 0, 2, 0, 0, 2, 2, 2};
    senda_points *p = make_points(4, xy, NULL);
    double r = 0;
    cr_assert_eq(senda_hotspot_kde_auto_radius(ctx, p, &r), SENDA_OK);
    cr_assert_float_eq(r, 0.9 * sqrt(2.0) * pow(4.0, -0.2), 1e-12);
    senda_points_destroy(p);
    double one[] = {3, 3};
    p = make_points(1, one, NULL);
    cr_assert_eq(senda_hotspot_kde_auto_radius(ctx, p, &r), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "do not spread") != NULL);
    senda_points_destroy(p);
}

Test(kde, rejects_gaussian_with_qgis_scales_and_bad_threads)
{
    double xy[] = {1, 1};
    senda_points *p = make_points(1, xy, NULL);
    senda_grid *g = NULL;
    senda_grid_for_extent(ctx, 0, 0, 2, 2, 1, NULL, &g);
    senda_hotspot_kde_opts o;
    senda_hotspot_kde_opts_init(&o);
    o.radius_m = 1;
    o.kernel = SENDA_KERNEL_GAUSSIAN;
    o.scale = SENDA_KDE_QGIS_RAW;
    cr_assert_eq(senda_hotspot_kde(ctx, p, &o, g, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "QGIS has no gaussian") != NULL);
    senda_hotspot_kde_opts_init(&o);
    o.n_threads = 0;
    cr_assert_eq(senda_hotspot_kde(ctx, p, &o, g, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "n_threads") != NULL);
    cr_assert_eq(senda_hotspot_kde(ctx, NULL, &o, g, NULL, NULL), SENDA_ERR_ARG);
    senda_grid_destroy(g);
    senda_points_destroy(p);
}

static int cancel_at_half(double complete, const char *msg, void *arg)
{
    (void)msg;
    (void)arg;
    return complete < 0.3;
}

Test(kde, cancellation_returns_cancelled)
{
    double xy[] = {50, 50};
    senda_points *p = make_points(1, xy, NULL);
    senda_grid *g = NULL;
    senda_grid_for_extent(ctx, 0, 0, 100, 400, 1, NULL, &g);
    senda_hotspot_kde_opts o;
    senda_hotspot_kde_opts_init(&o);
    o.radius_m = 5;
    o.n_threads = 1;
    cr_assert_eq(senda_hotspot_kde(ctx, p, &o, g, cancel_at_half, NULL), SENDA_ERR_CANCELLED);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "cancel") != NULL);
    senda_grid_destroy(g);
    senda_points_destroy(p);
}

Test(kde, allocation_failure_returns_nomem_for_every_allocation)
{
    double xy[] = {5, 5, 6, 7};
    senda_points *p = make_points(2, xy, NULL);
    senda_grid *g = NULL;
    senda_grid_for_extent(ctx, 0, 0, 10, 10, 1, NULL, &g);
    senda_hotspot_kde_opts o;
    senda_hotspot_kde_opts_init(&o);
    o.radius_m = 3;
    for (long n = 1; n <= 8; n++) {
        senda_ctx_fail_alloc_after(ctx, n);
        senda_status st = senda_hotspot_kde(ctx, p, &o, g, NULL, NULL);
        senda_ctx_fail_alloc_after(ctx, 0);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: status %d", n, st);
    }
    senda_grid_destroy(g);
    senda_points_destroy(p);
}
