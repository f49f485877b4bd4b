/*
 * test_demand.c - demand from a danger surface near the rail, candidates
 * along the rail, exposure sampling, and the whole chain on the bundled
 * corridor layers.
 *
 * The hand-made layers: one straight rail line from (500000, 1700000) to
 * (510000, 1700000) in EPSG:32615 (plus one feature in each other required
 * layer, far from it).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "senda.h"
#include "testutil.h"

#define CRS_MEMBER                                                                                 \
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32615\"}},"

static char *dir;
static senda_ctx *ctx;
static senda_layers *layers;

static void write_layer(const char *name, const char *geom)
{
    char path[512], text[1024];
    snprintf(path, sizeof path, "%s/%s.geojson", dir, name);
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\"," CRS_MEMBER "\"features\":[{"
             "\"type\":\"Feature\",\"properties\":{\"name\":\"x\"},\"geometry\":%s}]}",
             geom);
    cr_assert_eq(tu_write(path, text), 0);
}

static void line_layers(void)
{
    dir = tu_tmpdir();
    write_layer("rail", "{\"type\":\"LineString\",\"coordinates\":[[500000,1700000],"
                        "[510000,1700000]]}");
    write_layer("border", "{\"type\":\"LineString\",\"coordinates\":[[600000,1600000],"
                          "[600000,1650000]]}");
    const char *pt = "{\"type\":\"Point\",\"coordinates\":[600000,1600000]}";
    write_layer("checkpoints", pt);
    write_layer("crossings", pt);
    write_layer("shelters", pt);
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    cr_assert_eq(senda_layers_open(ctx, dir, "EPSG:32615", &layers, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
}

static void line_cleanup(void)
{
    const char *names[] = {"rail", "border", "checkpoints", "crossings", "shelters"};
    char path[512];
    for (int k = 0; k < 5; k++) {
        snprintf(path, sizeof path, "%s/%s.geojson", dir, names[k]);
        unlink(path);
    }
    rmdir(dir);
    free(dir);
    senda_layers_destroy(layers);
    senda_ctx_destroy(ctx);
}

Test(siting_demand, danger_cells_near_the_rail_become_weighted_demand, .init = line_layers,
     .fini = line_cleanup)
{
    /* 5 x 5 cells of 1 km, x from 500000, y_max 1702500: row centres at
     * y = 1702000, 1701000, 1700000, 1699000, 1698000. With a 1.5 km buffer
     * rows 1..3 are in (1 km and 0 km from the rail), rows 0 and 4 out (2 km).
     * Values r * 5 + c + 1: rows 1..3 hold 6..20, sum 195; cell (2,2) = 13 is
     * made NaN and (3,0) = 16 is made 0: 13 cells, total weight 166. */
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_create(ctx, 5, 5, 500000, 1702500, 1000, "EPSG:32615", 0, &g),
                 SENDA_OK);
    double *v = senda_grid_data(g);
    for (int k = 0; k < 25; k++)
        v[k] = k + 1;
    v[2 * 5 + 2] = NAN;
    v[3 * 5 + 0] = 0.0;
    senda_points *d = NULL;
    cr_assert_eq(senda_siting_demand_from_grid(ctx, g, layers, 1500.0, &d), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(d->n, 13);
    double sum = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        sum += d->weight[i];
        cr_assert_leq(fabs(d->y[i] - 1700000.0), 1000.0);
        cr_assert_eq(d->id[i], (int64_t)((1702500 - d->y[i]) / 1000) * 5 +
                                   (int64_t)((d->x[i] - 500000) / 1000)); /* the cell index */
    }
    cr_assert_float_eq(sum, 166.0, 1e-12);
    senda_points_destroy(d);
    cr_assert_eq(senda_siting_demand_from_grid(ctx, g, layers, 0.0, &d), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "buffer must be > 0 m") != NULL);
    senda_grid_destroy(g);
}

Test(siting_demand, candidates_follow_the_rail_and_sample_exposure, .init = line_layers,
     .fini = line_cleanup)
{
    /* lattice of 1 km: x 499000..510000, y 1699000 and 1700000; within 500 m
     * of the rail only y = 1700000 with x = 500000..510000: 11 nodes
     * (499000 is 1 km from the line's end). */
    senda_points *c = NULL;
    cr_assert_eq(senda_siting_candidates_along(ctx, layers, 1000.0, 500.0, &c), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(c->n, 11);
    for (size_t j = 0; j < c->n; j++) {
        cr_assert_float_eq(c->y[j], 1700000.0, 1e-9);
        cr_assert_float_eq(c->x[j], 500000.0 + 1000.0 * (double)j, 1e-9);
    }
    /* exposure: a 1 x 4 grid of 2 km cells from x = 500000 holding 1, 2, 3, 4;
     * candidate x = 500000 + 1000 j lies in cell j / 2; from 508000 on it is
     * outside (NaN). y = 1700000 is inside [1699000, 1701000). */
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_create(ctx, 1, 4, 500000, 1701000, 2000, "EPSG:32615", 0, &g),
                 SENDA_OK);
    for (int k = 0; k < 4; k++)
        senda_grid_data(g)[k] = k + 1;
    double *e = NULL;
    cr_assert_eq(senda_siting_exposure_from_grid(ctx, g, c, &e), SENDA_OK);
    for (size_t j = 0; j < c->n; j++) {
        if (j < 8)
            cr_assert_float_eq(e[j], (double)(j / 2 + 1), 1e-12, "candidate %zu", j);
        else
            cr_assert(isnan(e[j]), "candidate %zu: %g", j, e[j]);
    }
    senda_free(e);
    senda_grid_destroy(g);
    /* clearance from the shelters layer's one point at (600000, 1600000):
     * candidate j at (500000 + 1000 j, 1700000) is hypot(100000 - 1000 j, 100000) away */
    double *cl = NULL;
    cr_assert_eq(senda_siting_clearance(ctx, layers, "shelters", c, &cl), SENDA_OK);
    for (size_t j = 0; j < c->n; j++)
        cr_assert_float_eq(cl[j], hypot(100000.0 - 1000.0 * (double)j, 100000.0), 1e-6);
    senda_free(cl);
    cr_assert_eq(senda_siting_clearance(ctx, layers, "hotspots", c, &cl), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "no layer 'hotspots'") != NULL);
    senda_points_destroy(c);
}

Test(siting_demand, bundled_corridor_ranks_five_new_shelters)
{
    /* The chain the pipeline runs, on the bundled layers with a flat danger
     * of 1 on 5 km cells: demand is the cells within 10 km of the rail, so
     * its count is near the rail length inside the grid x 20 km / 25 km2 =
     * 1209.2 x 20 / 25 = 967 (the length: OGR intersection of the thirteen lines,
     * in EPSG:32615, with the grid's box: ogrinfo -dialect SQLite "SELECT
     * sum(ST_Length(ST_Intersection(ST_Transform(geometry,32615), BuildMbr(60000,
     * 1150000,560000,2100000,32615)))) FROM rail"), less where lines run together
     * or meet, more at the 26 line ends (a half disc of 10 km radius is 6 cells
     * each) and where cells straddle the 10 km edge; we accept 774..1354 (0.8 to
     * 1.4 x).
     * Candidates every 10 km along the rail, existing shelters from the
     * shelters layer, p = 5, radius 20 km. */
    senda_ctx *c = NULL;
    senda_ctx_create(&c);
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(c, NULL, NULL, &ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(c));
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_create(c, 100, 190, 60000, 2100000, 5000, "EPSG:32615", 1.0, &g),
                 SENDA_OK);
    senda_points *d = NULL, *cand = NULL, *ex = NULL;
    cr_assert_eq(senda_siting_demand_from_grid(c, g, ls, 10000.0, &d), SENDA_OK);
    cr_assert(d->n >= 774 && d->n <= 1354, "%zu demand cells", d->n);
    cr_assert_eq(senda_siting_candidates_along(c, ls, 10000.0, 2000.0, &cand), SENDA_OK);
    cr_assert_eq(senda_layers_points(c, ls, SENDA_LAYER_SHELTERS, &ex), SENDA_OK);
    senda_siting_opts o;
    senda_siting_opts_init(&o);
    o.radius_m = 20000.0;
    o.p = 5;
    senda_siting_result *r = NULL;
    cr_assert_eq(senda_siting_solve(c, d, cand, ex, &o, &r, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(c));
    cr_assert_eq(r->n_sites, 5);
    cr_assert_gt(r->existing_weight, 0.0); /* the shelters stand on the rail towns */
    for (size_t k = 1; k < 5; k++)         /* greedy ranking: marginals never grow */
        cr_assert_leq(r->marginal[k], r->marginal[k - 1] + 1e-9);
    cr_assert_geq(r->upper_bound, r->covered_weight - 1e-9);
    senda_siting_result_destroy(r);
    senda_points_destroy(d);
    senda_points_destroy(cand);
    senda_points_destroy(ex);
    senda_grid_destroy(g);
    senda_layers_destroy(ls);
    senda_ctx_destroy(c);
}
