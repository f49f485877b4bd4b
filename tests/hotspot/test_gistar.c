/*
 * test_gistar.c - Getis-Ord Gi*: PySAL's published example, window sums
 * against a brute-force Gi* written here (square and hexagonal cells), FDR,
 * permutations, the automatic band, the cells layer, errors, cancellation
 * and allocation failure.
 */
#include <criterion/criterion.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>

#include "hotspot/hotspot_int.h"
#include "testutil.h"

static senda_ctx *ctx;
static void setup(void) { senda_ctx_create(&ctx); }
static void teardown(void) { senda_ctx_destroy(ctx); }
TestSuite(gistar, .init = setup, .fini = teardown);

static senda_points *pts_of(size_t n, const double *xy, const double *w)
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

static senda_grid_spec spec_of(double x0, double y0, double x1, double y1, double cell,
                               senda_grid_cell_shape shape)
{
    senda_grid_spec s;
    memset(&s, 0, sizeof s);
    s.x_min = x0;
    s.y_min = y0;
    s.x_max = x1;
    s.y_max = y1;
    s.cell_m = cell;
    s.shape = shape;
    strcpy(s.crs, "EPSG:32615");
    return s;
}

/* PySAL esda G_Local documentation example (star=True, binary distance
 * band 15): points (10,10) (20,10) (40,10) (15,20) (30,20) (30,30), y = 2,
 * 3, 3.2, 5, 8, 7; published Zs = -1.39727626, -0.28917762, 0.65064964,
 * -0.28917762, 1.23452088, 2.02424331. Here each point is the centre of a
 * 5 m cell and only the six nonempty cells enter the statistic. */
Test(gistar, pysal_g_local_example_reproduced)
{
    double xy[] = {10, 10, 20, 10, 40, 10, 15, 20, 30, 20, 30, 30};
    double y[] = {2, 3, 3.2, 5, 8, 7};
    double want[] = {-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331};
    senda_points *p = pts_of(6, xy, y);
    senda_grid_spec s = spec_of(7.5, 7.5, 42.5, 32.5, 5, SENDA_CELLS_SQUARE);
    senda_hotspot_gistar_opts o;
    senda_hotspot_gistar_opts_init(&o);
    o.min_incidents = 0; /* the statistic itself, on small examples */
    o.band_m = 15;
    o.cells = SENDA_GISTAR_NONEMPTY;
    senda_hotspot_gistar_result *r = NULL;
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(r->n_in_set, 6);
    for (int i = 0; i < 6; i++) {
        size_t row, col;
        senda__lattice l;
        senda__lattice_from_spec(ctx, &s, &l);
        cr_assert(senda__lattice_locate(&l, xy[2 * i], xy[2 * i + 1], &row, &col));
        double z = r->z[row * r->n_cols + col];
        cr_assert_float_eq(z, want[i], 1e-6, "point %d: z %.9f, want %.8f", i, z, want[i]);
    }
    senda_hotspot_gistar_result_destroy(r);
    senda_points_destroy(p);
}

/* Brute force Gi* over all cells from the formula in gistar.c's header,
 * with neighbours found by centre distance: checks the window sums. */
static void check_brute(senda_grid_cell_shape shape, double band)
{
    srand(11);
    enum { N = 400 };
    double xy[2 * N], w[N];
    for (int i = 0; i < N; i++) {
        xy[2 * i] = 100.0 * rand() / RAND_MAX;
        xy[2 * i + 1] = 80.0 * rand() / RAND_MAX;
        w[i] = 1 + i % 3;
    }
    senda_points *p = pts_of(N, xy, w);
    senda_grid_spec s = spec_of(0, 0, 100, 80, 7, shape);
    senda_hotspot_gistar_opts o;
    senda_hotspot_gistar_opts_init(&o);
    o.min_incidents = 0; /* the statistic itself, on small examples */
    o.band_m = band;
    senda_hotspot_gistar_result *r = NULL;
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL), SENDA_OK);
    size_t n = r->n_cells;
    double sx = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) {
        sx += r->weight[i];
        sxx += r->weight[i] * r->weight[i];
    }
    double xbar = sx / (double)n, S = sqrt(sxx / (double)n - xbar * xbar);
    for (size_t i = 0; i < n; i++) {
        double sw = 0, wi = 0;
        for (size_t j = 0; j < n; j++)
            if (hypot(r->cx[i] - r->cx[j], r->cy[i] - r->cy[j]) <= band * (1 + 1e-12)) {
                sw += r->weight[j];
                wi += 1;
            }
        double z = (sw - xbar * wi) / (S * sqrt(((double)n * wi - wi * wi) / ((double)n - 1)));
        cr_assert_eq(r->n_neighbors[i], (int32_t)wi, "cell %zu: %d neighbours, want %g", i,
                     r->n_neighbors[i], wi);
        cr_assert_float_eq(r->z[i], z, 1e-9);
    }
    senda_hotspot_gistar_result_destroy(r);
    senda_points_destroy(p);
}

Test(gistar, square_window_sums_match_brute_force) { check_brute(SENDA_CELLS_SQUARE, 15.5); }
Test(gistar, hex_window_sums_match_brute_force) { check_brute(SENDA_CELLS_HEX, 16.0); }

Test(gistar, hex_cells_hold_their_centres_and_have_area_cell_squared)
{
    senda_grid_spec s = spec_of(0, 0, 1000, 1000, 100, SENDA_CELLS_HEX);
    senda__lattice l;
    cr_assert_eq(senda__lattice_from_spec(ctx, &s, &l), SENDA_OK);
    /* regular hexagon area 3 sqrt3 / 2 s^2 = cell^2 */
    cr_assert_float_eq(1.5 * sqrt(3.0) * l.side * l.side, 100.0 * 100.0, 1e-6);
    for (size_t r = 0; r < l.n_rows; r++)
        for (size_t c = 0; c < l.n_cols; c++) {
            double x, y;
            size_t rr, cc;
            senda__lattice_centre(&l, r, c, &x, &y);
            /* a point 0.45 side from the centre toward a vertex stays inside */
            cr_assert(senda__lattice_locate(&l, x + 0.45 * l.side * 0.5,
                                            y + 0.45 * l.side * 0.866, &rr, &cc));
            cr_assert(rr == r && cc == c, "(%zu,%zu) located in (%zu,%zu)", r, c, rr, cc);
        }
}

/* Benjamini-Hochberg on the textbook list: m = 10, alpha 0.05, k*0.005:
 * p(2) = 0.008 <= 0.010 passes, p(3..10) all exceed k*0.005, so the
 * threshold is 0.008. At alpha 0.10 (k*0.01): p(5) = 0.042 <= 0.05 passes,
 * p(6) = 0.06 = 0.06 passes, p(7) = 0.074 > 0.07: threshold 0.06. */
Test(gistar, benjamini_hochberg_thresholds)
{
    double p[] = {0.205, 0.001, 0.039, 0.041, 0.042, 0.06, 0.074, 0.008, 0.212, 0.216, NAN};
    double a[] = {0.05, 0.10}, t[2];
    cr_assert_eq(senda__hotspot_bh(ctx, p, 11, a, 2, t), SENDA_OK);
    cr_assert_float_eq(t[0], 0.008, 1e-15);
    cr_assert_float_eq(t[1], 0.06, 1e-15);
}

static senda_hotspot_gistar_result *cluster_run(int perms, int threads, int fdr)
{
    srand(5);
    enum { N = 3000 };
    static double xy[2 * N];
    for (int i = 0; i < N; i++) { /* a dense cluster in one corner on sparse noise */
        int c = i < N / 3;
        xy[2 * i] = c ? 100 + 60.0 * rand() / RAND_MAX : 1000.0 * rand() / RAND_MAX;
        xy[2 * i + 1] = c ? 100 + 60.0 * rand() / RAND_MAX : 1000.0 * rand() / RAND_MAX;
    }
    senda_points *p = pts_of(N, xy, NULL);
    senda_grid_spec s = spec_of(0, 0, 1000, 1000, 25, SENDA_CELLS_SQUARE);
    senda_hotspot_gistar_opts o;
    senda_hotspot_gistar_opts_init(&o);
    o.min_incidents = 0; /* the statistic itself, on small examples */
    o.band_m = 60;
    o.permutations = perms;
    o.n_threads = threads;
    o.fdr = fdr;
    senda_hotspot_gistar_result *r = NULL;
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL), SENDA_OK);
    senda_points_destroy(p);
    return r;
}

Test(gistar, cluster_is_hot_and_fdr_only_removes_significance)
{
    senda_hotspot_gistar_result *a = cluster_run(0, 2, 1), *b = cluster_run(0, 2, 0);
    /* the cell at (130, 130) sits in the cluster (1000 points on 60x60 m) */
    size_t i = (size_t)((1000 - 130) / 25) * a->n_cols + 130 / 25;
    cr_assert_eq(a->bin[i], 3);
    cr_assert(a->n_hot > 0 && a->n_hot <= b->n_hot, "FDR kept %zu hot, plain %zu", a->n_hot,
              b->n_hot);
    for (size_t k = 0; k < a->n_cells; k++)
        cr_assert(abs(a->bin[k]) <= abs(b->bin[k]));
    senda_hotspot_gistar_result_destroy(a);
    senda_hotspot_gistar_result_destroy(b);
}

Test(gistar, permutations_are_seeded_and_thread_independent)
{
    senda_hotspot_gistar_result *a = cluster_run(99, 1, 1), *b = cluster_run(99, 2, 1);
    cr_assert_not_null(a->p_sim);
    for (size_t k = 0; k < a->n_cells; k++) {
        cr_assert(a->p_sim[k] == b->p_sim[k], "cell %zu: %g vs %g", k, a->p_sim[k],
                  b->p_sim[k]);
        cr_assert(a->p_sim[k] >= 1.0 / 100 && a->p_sim[k] <= 0.5 + 1e-12);
    }
    size_t i = (size_t)((1000 - 130) / 25) * a->n_cols + 130 / 25;
    cr_assert_float_eq(a->p_sim[i], 0.01, 1e-12); /* no draw reaches the cluster's sum */
    senda_hotspot_gistar_result_destroy(a);
    senda_hotspot_gistar_result_destroy(b);
}

Test(gistar, automatic_band_is_chosen_and_reported)
{
    senda_hotspot_gistar_opts o;
    senda_hotspot_gistar_opts_init(&o);
    o.min_incidents = 0; /* the statistic itself, on small examples */
    srand(9);
    enum { N = 2000 };
    double xy[2 * N];
    for (int i = 0; i < N; i++) {
        int c = i % 4 == 0;
        xy[2 * i] = (c ? 300 : 0) + (c ? 100.0 : 1000.0) * rand() / RAND_MAX;
        xy[2 * i + 1] = (c ? 300 : 0) + (c ? 100.0 : 1000.0) * rand() / RAND_MAX;
    }
    senda_points *p = pts_of(N, xy, NULL);
    senda_grid_spec s = spec_of(0, 0, 1000, 1000, 50, SENDA_CELLS_SQUARE);
    senda_hotspot_gistar_result *r = NULL;
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL), SENDA_OK);
    cr_assert(r->band_m >= 50 && r->band_m <= 1000, "band %g", r->band_m);
    cr_assert(r->band_rule != SENDA_BAND_GIVEN);
    senda_hotspot_gistar_result_destroy(r);
    senda_points_destroy(p);
}

Test(gistar, knn_mean_on_a_line_of_cells)
{
    /* data cells at columns 0, 1, 3 of one row of 10 m squares: 2nd nearest
     * distances 30 (col 0 -> 3... no: 0 -> 1 is 10, 0 -> 3 is 30), 20 (1 -> 0
     * is 10, 1 -> 3 is 20), 30 (3 -> 1 is 20, 3 -> 0 is 30): mean 80/3. */
    senda_grid_spec s = spec_of(0, 0, 50, 10, 10, SENDA_CELLS_SQUARE);
    senda__lattice l;
    senda__lattice_from_spec(ctx, &s, &l);
    unsigned char d[5] = {1, 1, 0, 1, 0};
    double m = 0;
    cr_assert_eq(senda__hotspot_knn_mean(ctx, &l, d, 2, &m), SENDA_OK);
    cr_assert_float_eq(m, 80.0 / 3.0, 1e-12);
}

Test(gistar, errors_name_the_problem)
{
    double xy[] = {5, 5, 15, 5};
    senda_points *p = pts_of(2, xy, NULL);
    senda_grid_spec s = spec_of(0, 0, 20, 10, 10, SENDA_CELLS_SQUARE);
    senda_hotspot_gistar_opts o;
    senda_hotspot_gistar_opts_init(&o);
    o.min_incidents = 0; /* the statistic itself, on small examples */
    o.band_m = 10;
    senda_hotspot_gistar_result *r = NULL;
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "at least 3 cells") != NULL);
    cr_assert_null(r);
    o.cells = SENDA_GISTAR_STUDY_AREA;
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "polygon layer path") != NULL);
    o.study_area = "/nonexistent/area.gpkg";
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL), SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "area.gpkg") != NULL);
    senda_hotspot_gistar_opts_init(&o);
    o.min_incidents = 0; /* the statistic itself, on small examples */
    s.cell_m = -1;
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "cell size") != NULL);
    senda_points_destroy(p);
}

Test(gistar, study_area_selects_cells_inside_and_cells_layer_is_written)
{
    char *dir = tu_tmpdir(), area[512], out[512];
    snprintf(area, sizeof area, "%s/area.geojson", dir);
    snprintf(out, sizeof out, "%s/out.gpkg", dir);
    /* the west half of a 10 x 4 grid of 10 m cells: 5 x 4 = 20 cells */
    tu_write(area, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                   "{\"name\":\"urn:ogc:def:crs:EPSG::32615\"}},\"features\":[{\"type\":"
                   "\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                   "\"coordinates\":[[[0,0],[50,0],[50,40],[0,40],[0,0]]]}}]}");
    double xy[] = {5, 5, 15, 5, 15, 15, 25, 35, 35, 25, 45, 5, 75, 15};
    senda_points *p = pts_of(7, xy, NULL);
    senda_grid_spec s = spec_of(0, 0, 100, 40, 10, SENDA_CELLS_SQUARE);
    senda_hotspot_gistar_opts o;
    senda_hotspot_gistar_opts_init(&o);
    o.min_incidents = 0; /* the statistic itself, on small examples */
    o.band_m = 15;
    o.cells = SENDA_GISTAR_STUDY_AREA;
    o.study_area = area;
    senda_hotspot_gistar_result *r = NULL;
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(r->n_in_set, 20);
    cr_assert_eq(senda_hotspot_write_cells(ctx, r, out, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    cr_assert_not_null(l);
    cr_assert_eq(OGR_L_GetFeatureCount(l, 1), 20);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    const char *fields[] = {"count", "weight", "GiZScore", "GiPValue", "Gi_Bin", "NNeighbors"};
    for (int k = 0; k < 6; k++)
        cr_assert(OGR_FD_GetFieldIndex(d, fields[k]) >= 0, "no field %s", fields[k]);
    GDALClose(ds);
    senda_hotspot_gistar_result_destroy(r);
    senda_points_destroy(p);
    free(dir);
}

static int cancel_soon(double complete, const char *msg, void *arg)
{
    (void)msg;
    (void)arg;
    return complete < 0.2;
}

Test(gistar, cancellation_and_allocation_failure)
{
    senda_hotspot_gistar_result *r = NULL;
    double xy[] = {5, 5, 15, 5, 25, 15, 35, 25, 5, 35};
    senda_points *p = pts_of(5, xy, NULL);
    senda_grid_spec s = spec_of(0, 0, 40, 40, 10, SENDA_CELLS_SQUARE);
    senda_hotspot_gistar_opts o;
    senda_hotspot_gistar_opts_init(&o);
    o.min_incidents = 0; /* the statistic itself, on small examples */
    o.band_m = 15;
    cr_assert_eq(senda_hotspot_gistar(ctx, p, &o, &s, &r, cancel_soon, NULL),
                 SENDA_ERR_CANCELLED);
    cr_assert_null(r);
    o.permutations = 9;
    for (long n = 1; n <= 40; n++) {
        senda_ctx_fail_alloc_after(ctx, n);
        senda_status st = senda_hotspot_gistar(ctx, p, &o, &s, &r, NULL, NULL);
        senda_ctx_fail_alloc_after(ctx, 0);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: status %d (%s)", n, st,
                     senda_ctx_errmsg(ctx));
        cr_assert_null(r);
    }
    senda_hotspot_gistar_result_destroy(r);
    senda_points_destroy(p);
}
