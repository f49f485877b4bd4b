/*
 * test_cost.c - coverage measured along the accumulated-cost surface
 * (senda_siting_opts.cost_grid): a hand-solved barrier instance, the budget
 * boundary, units, nodata, existing shelters and allocation by cost, a
 * cross-check against the cost module's senda_cost_accumulate, the errors,
 * cancellation, allocation failure and `senda site --cost`.
 *
 * The "wall" instance: a 3 x 9 grid of 100 m cells (x 0..900, y 0..300),
 * friction 1 everywhere except column 4, friction 9 in all three rows (a
 * wall with no way around). Cell (row, col) has its centre at
 * (50 + 100 col, 250 - 100 row).
 *   candidates  A (550,150) cell (1,5)  index 0     B (150,150) cell (1,1)  index 1
 *   demand      d0 (390,150) cell (1,3) w2   d1 (350,250) cell (0,3) w1
 *               d2 (350,50)  cell (2,3) w1   d3 (650,150) cell (1,6) w1   total 5
 * Straight line, radius 250 m: A reaches d0 160, d1 d2 223.6, d3 100 (all,
 * 5); B reaches d0 240, d1 d2 223.6, d3 500 (4 of 5). p = 1 takes A.
 * Accumulated cost in cell widths, r.cost's move cost (c1 + c2) / 2 per
 * straight step and (c1 + c2) sqrt(2) / 2 per diagonal step:
 *   from B: d0 = (1+1)/2 + (1+1)/2 = 2; d1 = d2 = (1+1) sqrt2/2 + (1+1)/2
 *           = 2.414 (one diagonal, one straight); d3 = 1 + 1 + (1+9)/2 +
 *           (9+1)/2 + (1+1)/2 = 13 (any path must enter and leave a wall
 *           cell: >= 5 + 5).
 *   from A: d3 = (1+1)/2 = 1; d0 = (1+9)/2 + (9+1)/2 = 10; d1 = d2 = 10 +
 *           (1+1)/2 = 11 (the alternatives through a diagonal cost 5 +
 *           7.07 = 12.07).
 * Budget 4: A covers {d3} (1), B covers {d0, d1, d2} (4): p = 1 takes B -
 * the opposite of the straight-line choice, because of the wall.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>

#include "siting_test.h"
#include "testutil.h"

static senda_grid *wall_grid(senda_ctx *ctx, double x0, double y_max, const char *crs)
{
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_create(ctx, 3, 9, x0, y_max, 100.0, crs, 1.0, &g), SENDA_OK);
    double *v = senda_grid_data(g);
    for (size_t r = 0; r < 3; r++)
        v[r * 9 + 4] = 9.0;
    return g;
}

static const double wall_dem_xy[] = {390, 150, 350, 250, 350, 50, 650, 150};
static const double wall_dem_w[] = {2, 1, 1, 1};
static const double wall_cand_xy[] = {550, 150, 150, 150};

typedef struct fixture {
    senda_ctx *ctx;
    senda_points *dem, *cand;
    senda_grid *g;
    senda_siting_opts o;
    senda_siting_result *r;
} fixture;

static void wall_setup(fixture *f)
{
    memset(f, 0, sizeof *f);
    cr_assert_eq(senda_ctx_create(&f->ctx), SENDA_OK);
    st_n_warnings = 0;
    senda_ctx_set_log(f->ctx, st_catch_log, NULL);
    f->dem = st_pts(f->ctx, 4, wall_dem_xy, wall_dem_w, "EPSG:32615");
    f->cand = st_pts(f->ctx, 2, wall_cand_xy, NULL, "EPSG:32615");
    f->g = wall_grid(f->ctx, 0.0, 300.0, "EPSG:32615");
    senda_siting_opts_init(&f->o);
    f->o.radius_m = 250.0;
    f->o.p = 1;
}

static void wall_teardown(fixture *f)
{
    senda_siting_result_destroy(f->r);
    senda_points_destroy(f->dem);
    senda_points_destroy(f->cand);
    senda_grid_destroy(f->g);
    senda_ctx_destroy(f->ctx);
}

static senda_status solve(fixture *f, const senda_points *existing)
{
    senda_siting_result_destroy(f->r);
    f->r = NULL;
    return senda_siting_solve(f->ctx, f->dem, f->cand, existing, &f->o, &f->r, NULL, NULL);
}

static void use_cost(fixture *f, double max_cost)
{
    f->o.cost_grid = f->g;
    f->o.max_cost = max_cost;
}

Test(siting_cost, a_wall_makes_cost_coverage_choose_another_site)
{
    fixture f;
    wall_setup(&f);
    cr_assert_eq(solve(&f, NULL), SENDA_OK); /* straight line: A covers all 5 */
    cr_assert_eq(f.r->n_sites, 1);
    cr_assert_eq(f.r->site[0], 0);
    cr_assert_float_eq(f.r->covered_weight, 5.0, 1e-12);
    use_cost(&f, 4.0); /* by cost: B covers d0 d1 d2 (4), A only d3 (1) */
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_eq(f.r->n_sites, 1);
    cr_assert_eq(f.r->site[0], 1);
    cr_assert_float_eq(f.r->covered_weight, 4.0, 1e-12);
    cr_assert_eq(f.r->n_pairs, 4); /* A: d3; B: d0 d1 d2 */
    cr_assert_float_eq(f.r->upper_bound, 4.0, 1e-9);
    cr_assert_eq(f.r->alloc[0], 0);
    cr_assert_eq(f.r->alloc[3], -1); /* d3 costs 13 from B */
    cr_assert_eq(st_n_warnings, 0, "%s", st_last_warning);
    f.o.p = 2; /* both: everything */
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_float_eq(f.r->covered_weight, 5.0, 1e-12);
    wall_teardown(&f);
}

Test(siting_cost, cost_equal_to_the_budget_is_covered)
{
    fixture f;
    wall_setup(&f);
    use_cost(&f, 2.0); /* d0 costs exactly 2 from B (w2); A covers d3 (w1) */
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_eq(f.r->site[0], 1);
    cr_assert_float_eq(f.r->covered_weight, 2.0, 1e-12);
    f.o.max_cost = nextafter(2.0, 0.0); /* just under: B covers nothing, A takes d3 */
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_eq(f.r->site[0], 0);
    cr_assert_float_eq(f.r->covered_weight, 1.0, 1e-12);
    wall_teardown(&f);
}

Test(siting_cost, unit_m_scales_moves_to_metres)
{
    fixture f;
    wall_setup(&f);
    /* unit_m = 1: each move is worth cell_m / 1 = 100 times its cell-width
     * cost, so d0 costs 200 from B and d1 241.4: budget 241 covers d0 only
     * (w2) against A's d3 at 100 (w1); budget 242 covers d0 d1 d2 */
    use_cost(&f, 241.0);
    f.o.unit_m = 1.0;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_eq(f.r->site[0], 1);
    cr_assert_float_eq(f.r->covered_weight, 2.0, 1e-12);
    f.o.max_cost = 242.0;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_float_eq(f.r->covered_weight, 4.0, 1e-12);
    wall_teardown(&f);
}

Test(siting_cost, existing_shelters_cover_by_cost_too)
{
    fixture f;
    wall_setup(&f);
    static const double exy[] = {550, 150}; /* at A: straight line it would cover all 5 */
    senda_points *ex = st_pts(f.ctx, 1, exy, NULL, "EPSG:32615");
    use_cost(&f, 4.0); /* by cost it covers d3 only (1); d0 costs 10 */
    cr_assert_eq(solve(&f, ex), SENDA_OK);
    cr_assert_float_eq(f.r->existing_weight, 1.0, 1e-12);
    cr_assert_eq(f.r->site[0], 1);
    cr_assert_float_eq(f.r->marginal[0], 4.0, 1e-12);
    cr_assert_float_eq(f.r->covered_weight, 5.0, 1e-12);
    cr_assert_eq(f.r->alloc[3], 1); /* d3 -> the existing shelter (index n_sites + 0) */
    cr_assert_eq(f.r->alloc[1], 0);
    senda_points_destroy(ex);
    wall_teardown(&f);
}

Test(siting_cost, allocation_takes_the_least_cost_site_not_the_nearest)
{
    fixture f;
    wall_setup(&f);
    /* Budget 12: A covers d0 (10), d1 d2 (11), d3 (1); B covers d0 d1 d2,
     * not d3 (13). The existing shelter at B covers 4, the new site is A
     * (+1). d0 is 160 m from A and 240 m from B, but costs 10 from A and 2
     * from B: it goes to the existing shelter at B. */
    static const double exy[] = {150, 150};
    senda_points *ex = st_pts(f.ctx, 1, exy, NULL, "EPSG:32615");
    use_cost(&f, 12.0);
    cr_assert_eq(solve(&f, ex), SENDA_OK);
    cr_assert_eq(f.r->n_sites, 1);
    cr_assert_eq(f.r->site[0], 0);
    cr_assert_float_eq(f.r->existing_weight, 4.0, 1e-12);
    cr_assert_eq(f.r->alloc[0], 1);
    cr_assert_eq(f.r->alloc[1], 1);
    cr_assert_eq(f.r->alloc[3], 0);
    senda_points_destroy(ex);
    wall_teardown(&f);
}

Test(siting_cost, nodata_and_outside_points_are_not_covered_and_counted)
{
    fixture f;
    wall_setup(&f);
    senda_grid_data(f.g)[0 * 9 + 3] = NAN; /* d1's cell */
    senda_points_destroy(f.dem);
    static const double dxy[] = {390, 150, 350, 250, 350, 50, 650, 150, -50, 150};
    static const double dw[] = {2, 1, 1, 1, 7}; /* d4 outside the grid, weight 7 */
    f.dem = st_pts(f.ctx, 5, dxy, dw, "EPSG:32615");
    senda_points_destroy(f.cand);
    static const double cxy[] = {550, 150, 150, 150, 1000, 150}; /* C outside (x > 900) */
    f.cand = st_pts(f.ctx, 3, cxy, NULL, "EPSG:32615");
    use_cost(&f, 4.0);
    /* B reaches d0 (2) and d2 (2.414; the path (1,1) (2,2) (2,3) avoids the
     * nodata cell): 3; d1 is on nodata, d4 outside */
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_eq(f.r->site[0], 1);
    cr_assert_float_eq(f.r->covered_weight, 3.0, 1e-12);
    cr_assert_float_eq(f.r->total_weight, 12.0, 1e-12);
    cr_assert_eq(f.r->alloc[1], -1);
    cr_assert_eq(f.r->alloc[4], -1);
    cr_assert_eq(st_n_warnings, 1);
    cr_assert(strstr(st_last_warning, "2 demand points, 1 candidates and 0 existing") != NULL, "%s",
              st_last_warning);
    /* a candidate on nodata covers nothing: B's cell made nodata leaves A */
    senda_grid_data(f.g)[1 * 9 + 1] = NAN;
    cr_assert_eq(solve(&f, NULL), SENDA_OK);
    cr_assert_eq(f.r->site[0], 0);
    cr_assert_float_eq(f.r->covered_weight, 1.0, 1e-12);
    cr_assert(strstr(st_last_warning, "2 demand points, 2 candidates") != NULL, "%s",
              st_last_warning);
    wall_teardown(&f);
}

Test(siting_cost, bad_cost_options_are_rejected_with_a_message)
{
    fixture f;
    wall_setup(&f);
    use_cost(&f, 0.0);
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "max_cost must be > 0, got 0") != NULL, "%s",
              senda_ctx_errmsg(f.ctx));
    f.o.max_cost = -3.0;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "max_cost must be > 0, got -3") != NULL);
    f.o.max_cost = 4.0;
    f.o.unit_m = -1.0;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "unit_m must be >= 0, got -1") != NULL);
    f.o.unit_m = 0.0;
    senda_grid *g16 = wall_grid(f.ctx, 0.0, 300.0, "EPSG:32616"); /* UTM 16N, not 15N */
    f.o.cost_grid = g16;
    cr_assert_eq(solve(&f, NULL), SENDA_ERR_CRS);
    cr_assert(strstr(senda_ctx_errmsg(f.ctx), "is not the CRS of the demand points") != NULL, "%s",
              senda_ctx_errmsg(f.ctx));
    cr_assert_null(f.r);
    senda_grid_destroy(g16);
    wall_teardown(&f);
}

/* A rows x cols grid of 10 m cells with friction 1..10 and ~5 % nodata, and
 * nd demand points / nc candidates uniformly over it (EPSG:32615). */
static void random_cost_instance(senda_ctx *ctx, unsigned long seed, size_t rows, size_t cols,
                                 size_t nd, size_t nc, senda_grid **g, senda_points **d,
                                 senda_points **c)
{
    cr_assert_eq(
        senda_grid_create(ctx, rows, cols, 0.0, 10.0 * (double)rows, 10.0, "EPSG:32615", 1.0, g),
        SENDA_OK);
    double *v = senda_grid_data(*g);
    for (size_t i = 0; i < rows * cols; i++)
        v[i] = st_lcg(&seed) < 0.05 ? NAN : 1.0 + floor(10.0 * st_lcg(&seed));
    cr_assert_eq(senda_points_create(ctx, nd, "EPSG:32615", d), SENDA_OK);
    cr_assert_eq(senda_points_create(ctx, nc, "EPSG:32615", c), SENDA_OK);
    for (size_t i = 0; i < nd; i++) {
        (*d)->x[i] = 10.0 * (double)cols * st_lcg(&seed);
        (*d)->y[i] = 10.0 * (double)rows * st_lcg(&seed);
    }
    for (size_t j = 0; j < nc; j++) {
        (*c)->x[j] = 10.0 * (double)cols * st_lcg(&seed);
        (*c)->y[j] = 10.0 * (double)rows * st_lcg(&seed);
    }
}

Test(siting_cost, coverage_matches_the_cost_modules_accumulated_surface)
{
    /* An independent implementation: engine/cost's r.cost Dijkstra over the
     * whole grid from one candidate; the demand whose cell's accumulated
     * cost is <= the budget is what that one candidate must cover. */
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_ctx_set_log(ctx, st_catch_log, NULL);
    senda_grid *g = NULL;
    senda_points *d = NULL, *c = NULL;
    random_cost_instance(ctx, 11, 40, 50, 800, 8, &g, &d, &c);
    const double budget = 60.0;
    senda_cost_opts co;
    senda_cost_opts_init(&co);
    for (size_t j = 0; j < c->n; j++) {
        senda_points *one = st_pts(ctx, 1, (double[]){c->x[j], c->y[j]}, NULL, "EPSG:32615");
        senda_grid *acc = NULL;
        const double *a = NULL;
        senda_status ast = senda_cost_accumulate(ctx, g, one, &co, &acc, NULL, NULL, NULL);
        double expect = 0.0;
        if (ast == SENDA_OK) { /* SENDA_ERR_DATA: never, the candidate is inside */
            a = senda_grid_cdata(acc);
            for (size_t i = 0; i < d->n; i++) {
                size_t col = (size_t)floor(d->x[i] / 10.0),
                       row = (size_t)floor((400.0 - d->y[i]) / 10.0);
                if (a[row * 50 + col] <= budget)
                    expect += 1.0;
            }
        }
        senda_siting_opts o;
        senda_siting_opts_init(&o);
        o.cost_grid = g;
        o.max_cost = budget;
        o.p = 1;
        senda_siting_result *r = NULL;
        cr_assert_eq(senda_siting_solve(ctx, d, one, NULL, &o, &r, NULL, NULL), SENDA_OK, "%s",
                     senda_ctx_errmsg(ctx));
        cr_assert_float_eq(r->covered_weight, expect, 1e-12, "candidate %zu: %g vs %g", j,
                           r->covered_weight, expect);
        cr_assert_eq(r->n_pairs, (size_t)expect);
        senda_siting_result_destroy(r);
        senda_grid_destroy(acc);
        senda_points_destroy(one);
    }
    senda_grid_destroy(g);
    senda_points_destroy(d);
    senda_points_destroy(c);
    senda_ctx_destroy(ctx);
}

Test(siting_cost, cancellation_frees_everything)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_ctx_set_log(ctx, st_catch_log, NULL);
    senda_grid *g = NULL;
    senda_points *d = NULL, *c = NULL;
    random_cost_instance(ctx, 5, 100, 100, 3000, 400, &g, &d, &c);
    senda_siting_opts o;
    senda_siting_opts_init(&o);
    o.cost_grid = g;
    o.max_cost = 80.0;
    st_cancel_each_report(ctx, d, c, &o, 6); /* the 1st report, then in the cost coverage */
    senda_grid_destroy(g);
    senda_points_destroy(d);
    senda_points_destroy(c);
    senda_ctx_destroy(ctx);
}

Test(siting_cost, every_allocation_failure_returns_nomem_without_leaks)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_ctx_set_log(ctx, st_catch_log, NULL);
    senda_grid *g = NULL;
    senda_points *d = NULL, *c = NULL;
    /* 60 x 60 cells and budget 150: searches outgrow the first heap and
     * touched-list blocks (1024), so their growth is failed too */
    random_cost_instance(ctx, 3, 60, 60, 300, 30, &g, &d, &c);
    static const double exy[] = {300, 300};
    senda_points *ex = st_pts(ctx, 1, exy, NULL, "EPSG:32615");
    senda_siting_opts o;
    senda_siting_opts_init(&o);
    o.cost_grid = g;
    o.max_cost = 150.0;
    o.p = 3;
    st_fail_each_allocation(ctx, d, c, ex, &o);
    senda_grid_destroy(g);
    senda_points_destroy(d);
    senda_points_destroy(c);
    senda_points_destroy(ex);
    senda_ctx_destroy(ctx);
}

/* The wall instance solved with budget 4 (site B), and a path out.gpkg in a
 * fresh directory (returned) for the writer. */
static char *wall_solved_for_writing(fixture *f, char *path, size_t size)
{
    wall_setup(f);
    use_cost(f, 4.0);
    cr_assert_eq(solve(f, NULL), SENDA_OK);
    char *dir = tu_tmpdir();
    snprintf(path, size, "%s/out.gpkg", dir);
    return dir;
}

/* Remove the written file and its directory (nothing else may be left). */
static void wall_written_done(fixture *f, char *dir, const char *path)
{
    unlink(path);
    cr_assert_eq(rmdir(dir), 0, "a temporary file was left beside the target");
    free(dir);
    wall_teardown(f);
}

Test(siting_cost, written_areas_are_the_reached_cells_and_allocation_has_costs)
{
    /* Budget 4 from B (cell (1,1)): every cell of columns 0..3 is within
     * 2.414 (the farthest, (0,3) and (2,3), one diagonal and one straight
     * step); a wall cell costs at least 2 + (1 + 9) / 2 = 7. So B's area is
     * 12 cells of 100 m x 100 m = 120,000 m2. Allocation costs: d0 2, d1
     * and d2 1 + sqrt(2) (see the top of this file), d3 unallocated. */
    fixture f;
    char path[512], *dir = wall_solved_for_writing(&f, path, sizeof path);
    cr_assert_eq(
        senda_siting_write_opts(f.ctx, path, NULL, f.dem, f.cand, NULL, f.r, &f.o, NULL, NULL),
        SENDA_OK, "%s", senda_ctx_errmsg(f.ctx));
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    OGRLayerH a = GDALDatasetGetLayerByName(ds, "coverage_areas");
    cr_assert_eq(OGR_L_GetFeatureCount(a, TRUE), 1);
    OGRFeatureH ft = OGR_L_GetNextFeature(a);
    cr_assert_float_eq(OGR_G_Area(OGR_F_GetGeometryRef(ft)), 120000.0, 1e-6);
    cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "max_cost")), 4.0, 0);
    cr_assert(!OGR_F_IsFieldSetAndNotNull(ft, OGR_F_GetFieldIndex(ft, "radius_m")));
    OGR_F_Destroy(ft);
    OGRLayerH al = GDALDatasetGetLayerByName(ds, "demand_allocation");
    const double cost[] = {2.0, 1.0 + sqrt(2.0), 1.0 + sqrt(2.0), NAN};
    for (int i = 0; i < 4; i++) {
        ft = OGR_L_GetNextFeature(al);
        int k = OGR_F_GetFieldIndex(ft, "cost");
        if (isnan(cost[i]))
            cr_assert(!OGR_F_IsFieldSetAndNotNull(ft, k), "demand %d", i);
        else
            cr_assert_float_eq(OGR_F_GetFieldAsDouble(ft, k), cost[i], 1e-12, "demand %d", i);
        OGR_F_Destroy(ft);
    }
    GDALClose(ds);
    wall_written_done(&f, dir, path);
}

Test(siting_cost, writing_with_cost_survives_every_allocation_failure)
{
    fixture f;
    char path[512], *dir = wall_solved_for_writing(&f, path, sizeof path);
    senda_status st = SENDA_ERR_NOMEM;
    long n;
    for (n = 1; n < 200 && st == SENDA_ERR_NOMEM; n++) {
        senda_ctx_fail_alloc_after(f.ctx, n);
        st = senda_siting_write_opts(f.ctx, path, NULL, f.dem, f.cand, NULL, f.r, &f.o, NULL, NULL);
        if (st == SENDA_ERR_NOMEM)
            cr_assert_eq(access(path, F_OK), -1, "allocation %ld left a file", n);
    }
    senda_ctx_fail_alloc_after(f.ctx, 0);
    cr_assert_eq(st, SENDA_OK, "allocation %ld: %s", n, senda_ctx_errmsg(f.ctx));
    cr_assert_gt(n, 5);
    wall_written_done(&f, dir, path);
}

/* ---- senda site --cost: the wall instance shifted into UTM 15N ---- */

#define CRS_MEMBER                                                                                 \
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32615\"}},"

static char *dir;
static char dem_path[512], cand_path[512], tif_path[512];

static void write_points(const char *path, const double *xy, const double *w, size_t n, int id0)
{
    char buf[4096], f[512];
    snprintf(buf, sizeof buf, "{\"type\":\"FeatureCollection\"," CRS_MEMBER "\"features\":[");
    for (size_t i = 0; i < n; i++) {
        snprintf(f, sizeof f,
                 "{\"type\":\"Feature\",\"id\":%d,\"properties\":{\"w\":%g},"
                 "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.1f,%.1f]}}%s",
                 id0 + (int)i, w ? w[i] : 1.0, 500000.0 + xy[2 * i], 1700000.0 + xy[2 * i + 1],
                 i + 1 < n ? "," : "]}");
        strcat(buf, f);
    }
    cr_assert_eq(tu_write(path, buf), 0);
}

static void write_fixture(void)
{
    dir = tu_tmpdir();
    snprintf(dem_path, sizeof dem_path, "%s/demand.geojson", dir);
    snprintf(cand_path, sizeof cand_path, "%s/cand.geojson", dir);
    snprintf(tif_path, sizeof tif_path, "%s/friction.tif", dir);
    write_points(dem_path, wall_dem_xy, wall_dem_w, 4, 1);
    write_points(cand_path, wall_cand_xy, NULL, 2, 21); /* A = fid 21, B = fid 22 */
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = wall_grid(ctx, 500000.0, 1700300.0, "EPSG:32615");
    cr_assert_eq(senda_grid_write_tiff(ctx, g, tif_path, NULL), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
}

static void cleanup(void)
{
    unlink(dem_path);
    unlink(cand_path);
    unlink(tif_path);
    rmdir(dir);
    free(dir);
}

Test(cmd_site_cost, cost_coverage_picks_the_site_on_the_near_side_of_the_wall,
     .init = write_fixture, .fini = cleanup)
{
    char args[2048];
    snprintf(args, sizeof args,
             "site --demand '%s' --weight-field w --candidates '%s' --radius-m 250 --p 1 -q "
             "--json",
             dem_path, cand_path);
    tu_run r = tu_senda(args); /* straight line: A (fid 21) covers all 5 */
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"sites\":[\n    21\n  ]") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\"mode\":\"straight-line\"") != NULL, "%s", r.out);
    tu_run_free(&r);
    strcat(args, " --cost '");
    strcat(args, tif_path);
    strcat(args, "' --max-cost 4");
    r = tu_senda(args); /* by cost: B (fid 22) covers 4 */
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"sites\":[\n    22\n  ]") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\"covered_weight\":4") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\"mode\":\"cost\"") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\"max_cost\":4") != NULL, "%s", r.out);
    tu_run_free(&r);
    char out[600];
    snprintf(out, sizeof out, "%s/sites.gpkg", dir);
    strcat(args, " --crs EPSG:32615 --out '");
    strcat(args, out);
    strcat(args, "'");
    r = tu_senda(args); /* the area written is B's 12 reached cells (see the write test) */
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    OGRFeatureH ft = OGR_L_GetNextFeature(GDALDatasetGetLayerByName(ds, "coverage_areas"));
    cr_assert_float_eq(OGR_G_Area(OGR_F_GetGeometryRef(ft)), 120000.0, 1e-3);
    OGR_F_Destroy(ft);
    GDALClose(ds);
    unlink(out);
}

Test(cmd_site_cost, cost_options_usage_errors_exit_2)
{
    tu_run r = tu_senda("site --demand a --candidates b --cost f.tif");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--cost and --max-cost go together") != NULL, "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("site --help");
    cr_assert(strstr(r.out, "--max-cost C") != NULL);
    cr_assert(strstr(r.out, "(f1 + f2) / 2") != NULL);
    cr_assert(strstr(r.out, "--cost danger.tif") != NULL);
    tu_run_free(&r);
}
