/*
 * test_surfaces.c - the route model's optional terms (surfaces.c): rivers
 * as barriers open at river crossings and on the rail, the halo of
 * patrolled roads, and the terrain term of the exposure from a DEM. Every
 * expected value is derived by hand in the comments.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

static void write_layer(const char *dir, const char *name, const char *features)
{
    cr_assert_eq(tu_write_layer(dir, name, features), 0);
}

static void line(const char *dir, const char *name, double x0, double y0, double x1, double y1)
{
    char f[512];
    snprintf(f, sizeof f,
             "{\"type\":\"Feature\",\"properties\":{\"name\":\"%s\"},\"geometry\":{\"type\":"
             "\"LineString\",\"coordinates\":[[%.1f,%.1f],[%.1f,%.1f]]}}",
             name, x0, y0, x1, y1);
    write_layer(dir, name, f);
}

static void point(const char *dir, const char *name, double x, double y)
{
    char f[512];
    snprintf(f, sizeof f,
             "{\"type\":\"Feature\",\"properties\":{\"name\":\"%s\",\"town\":\"T\"},\"geometry\":"
             "{\"type\":\"Point\",\"coordinates\":[%.1f,%.1f]}}",
             name, x, y);
    write_layer(dir, name, f);
}

/* A 10 x 10 grid of 1 km cells, x 500..510 km, y 1700..1710 km: the centre
 * of cell (r, c) is (500500 + 1000 c, 1709500 - 1000 r).
 *   river: x = 505500, the centres of column 5 (others >= 1000 m > 0.75 km);
 *   rail: y = 1708500 (row 1), so rows 0-2 are on it (<= 1500 m) and open;
 *   river crossing at (505500, 1702500), cell (7, 5): rows 6-8 of column 5
 *     lie within max(1000, 1.5 cells) = 1500 m of it and are open;
 *   so rows 3, 4, 5 and 9 of column 5 are barred (row 9: 2000 m away);
 *   patrolled road: y = 1704500 (row 5) from x 500 to 503 km;
 *   the checkpoint (530 km, 1730 km) and the border crossing (500500,
 *     1700500) are far from the river and halo nothing. */
static char *river_world(void)
{
    char *dir = tu_tmpdir();
    line(dir, "border", 499000, 1700000, 499000, 1710000);
    line(dir, "rail", 500000, 1708500, 510000, 1708500);
    line(dir, "rivers", 505500, 1700000, 505500, 1710000);
    line(dir, "patrol_roads", 500000, 1704500, 503000, 1704500);
    point(dir, "checkpoints", 530000, 1730000);
    point(dir, "crossings", 500500, 1700500);
    point(dir, "river_crossings", 505500, 1702500);
    point(dir, "shelters", 509500, 1709500);
    return dir;
}

/* Both banks of a world's river: the layers of dir, the 10 x 10 grid as the
 * mask (0) and the exposure (1), one origin on the west bank, cell (4, 0),
 * and one destination on the east bank, cell (4, 9). */
typedef struct {
    senda_ctx *ctx;
    char *dir;
    senda_layers *ls;
    senda_grid *mask, *expo;
    senda_points *o, *d;
} banks;

static void banks_open(banks *b, char *dir)
{
    memset(b, 0, sizeof *b);
    cr_assert_eq(senda_ctx_create(&b->ctx), SENDA_OK);
    b->dir = dir;
    cr_assert_eq(senda_layers_open(b->ctx, dir, NULL, &b->ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(b->ctx));
    cr_assert_eq(
        senda_grid_create(b->ctx, 10, 10, 500000, 1710000, 1000, "EPSG:32615", 0.0, &b->mask),
        SENDA_OK);
    cr_assert_eq(
        senda_grid_create(b->ctx, 10, 10, 500000, 1710000, 1000, "EPSG:32615", 1.0, &b->expo),
        SENDA_OK);
    cr_assert_eq(senda_points_create(b->ctx, 1, "EPSG:32615", &b->o), SENDA_OK);
    cr_assert_eq(senda_points_create(b->ctx, 1, "EPSG:32615", &b->d), SENDA_OK);
    b->o->x[0] = 500500, b->o->y[0] = 1705500;
    b->d->x[0] = 509500, b->d->y[0] = 1705500;
}

static void banks_close(banks *b)
{
    senda_points_destroy(b->o);
    senda_points_destroy(b->d);
    senda_grid_destroy(b->expo);
    senda_grid_destroy(b->mask);
    senda_layers_destroy(b->ls);
    tu_rmdir(b->dir);
    senda_ctx_destroy(b->ctx);
}

Test(surfaces, rivers_bar_walking_except_at_crossings_and_bridges_and_roads_halo)
{
    banks b;
    banks_open(&b, river_world());
    senda_ctx *ctx = b.ctx;
    senda_layers *ls = b.ls;
    senda_grid *mask = b.mask, *c;
    cr_assert_geq(senda_layers_find(ls, "rivers"), 0);
    cr_assert_geq(senda_layers_find(ls, "river_crossings"), 0);
    cr_assert_geq(senda_layers_find(ls, "patrol_roads"), 0);
    senda_choice_opts co;
    senda_choice_opts_init(&co);
    cr_assert_eq(senda_choice_surface(ctx, mask, ls, &co, &c), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    const double *v = senda_grid_cdata(c);
    for (int r = 0; r < 10; r++) {
        int barred = r == 3 || r == 4 || r == 5 || r == 9;
        cr_assert_eq(isnan(v[r * 10 + 5]), barred, "row %d of the river's column", r);
        cr_assert(!isnan(v[r * 10 + 4]) && !isnan(v[r * 10 + 6]), "row %d beside it", r);
    }
    cr_assert(strstr(senda_grid_description(c), "4 river cells barred"), "%s",
              senda_grid_description(c));
    /* the road's halo, w_patrol 2 over 3 km: on it 1 + 2 = 3; 1 km off it
     * 1 + 2 (1 - 1/3) = 2.3333; 1.5 km past its end 1 + 2 (1 - 0.5) = 2;
     * 3 km off it 1; on the rail 0.5 (train factor) */
    cr_assert_float_eq(v[5 * 10 + 0], 3.0, 1e-12);
    cr_assert_float_eq(v[4 * 10 + 0], 1.0 + 2.0 * (1.0 - 1.0 / 3.0), 1e-12);
    cr_assert_float_eq(v[5 * 10 + 4], 2.0, 1e-12);
    cr_assert_float_eq(v[8 * 10 + 0], 1.0, 1e-12);
    cr_assert_float_eq(v[1 * 10 + 0], 0.5, 1e-12);

    /* People from the west bank to the east bank all pass an opening: no
     * route density on a barred cell, and every migrant arrives. */
    senda_likely_opts lo;
    senda_likely_opts_init(&lo);
    senda_likely_result *res;
    cr_assert_eq(senda_likely_routes(ctx, c, b.expo, b.o, NULL, b.d, &lo, &res, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    const double *rd = senda_grid_cdata(res->density);
    double through = 0.0;
    for (int r = 0; r < 10; r++)
        if (r == 3 || r == 4 || r == 5 || r == 9)
            cr_assert(isnan(rd[r * 10 + 5]) || rd[r * 10 + 5] == 0.0, "barred row %d: %g", r,
                      rd[r * 10 + 5]);
        else
            through = fmax(through, rd[r * 10 + 5]);
    cr_assert_gt(through, 0.3);
    cr_assert_float_eq(res->dest_share[0], 1.0, 1e-9);
    senda_likely_result_destroy(res);

    /* river_clear_m 0: a crossing still opens 1.5 cells around it (its own
     * cell and the neighbours a move needs), so rows 6-8 stay open */
    co.river_clear_m = 0.0;
    senda_grid *c2;
    cr_assert_eq(senda_choice_surface(ctx, mask, ls, &co, &c2), SENDA_OK);
    cr_assert(!isnan(senda_grid_cdata(c2)[7 * 10 + 5]), "1.5 cells stay open");
    cr_assert(isnan(senda_grid_cdata(c2)[5 * 10 + 5]));
    senda_grid_destroy(c2);
    co.w_patrol = -1.0;
    cr_assert_eq(senda_choice_surface(ctx, mask, ls, &co, &c2), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "w_patrol"), "%s", senda_ctx_errmsg(ctx));
    senda_grid_destroy(c);
    banks_close(&b);
}

/* A river with no opening between the origin and the only destination
 * (the rail 20 km away, no river crossing, the border crossing far off):
 * the route choice refuses the origin and says why. */
Test(surfaces, a_closed_river_leaves_the_origin_no_way_and_says_so)
{
    char *dir = tu_tmpdir();
    line(dir, "border", 499000, 1700000, 499000, 1710000);
    line(dir, "rail", 500000, 1730000, 510000, 1730000);
    line(dir, "rivers", 505500, 1690000, 505500, 1720000);
    point(dir, "checkpoints", 530000, 1730000);
    point(dir, "crossings", 500500, 1690500);
    point(dir, "shelters", 509500, 1709500);
    banks b;
    banks_open(&b, dir);
    senda_grid *c;
    senda_choice_opts co;
    senda_choice_opts_init(&co);
    cr_assert_eq(senda_choice_surface(b.ctx, b.mask, b.ls, &co, &c), SENDA_OK);
    for (int r = 0; r < 10; r++) /* the whole column: 10 cells barred */
        cr_assert(isnan(senda_grid_cdata(c)[r * 10 + 5]), "row %d", r);
    senda_likely_opts lo;
    senda_likely_opts_init(&lo);
    senda_likely_result *res = NULL;
    cr_assert_eq(senda_likely_routes(b.ctx, c, b.expo, b.o, NULL, b.d, &lo, &res, NULL, NULL),
                 SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(b.ctx), "cannot reach any destination"), "%s",
              senda_ctx_errmsg(b.ctx));
    cr_assert_null(res);
    senda_grid_destroy(c);
    banks_close(&b);
}

/* Exposure with a DEM and no layers (remoteness then counts in full, 1),
 * no incidents (density 0): w_base 0.2 + 1 + w_terrain x min(1, slope /
 * 0.3). A plane z = 0.15 x has slope 0.15 in every cell (central and
 * one-sided differences are exact on a plane): 0.2 + 1 + 0.5 = 1.7. A
 * plane z = 0.6 x is steeper than 0.3: 0.2 + 1 + 1 = 2.2. A cell with
 * elevation NaN gets no terrain term (1.2); its neighbours take one-sided
 * differences and keep 1.7. */
Test(surfaces, terrain_exposure_from_the_dem_slope)
{
    senda_ctx *ctx;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    senda_grid *dens, *dem, *e;
    cr_assert_eq(senda_grid_create(ctx, 5, 5, 0, 500, 100, "EPSG:32615", 0.0, &dens), SENDA_OK);
    cr_assert_eq(senda_grid_create(ctx, 5, 5, 0, 500, 100, "EPSG:32615", 0.0, &dem), SENDA_OK);
    double *z = senda_grid_data(dem);
    for (int r = 0; r < 5; r++)
        for (int c = 0; c < 5; c++)
            z[r * 5 + c] = 0.15 * (50.0 + 100.0 * c) + 0.0 * r;
    senda_exposure_opts eo;
    senda_exposure_opts_init(&eo);
    eo.dem = dem;
    cr_assert_eq(senda_exposure_surface(ctx, dens, NULL, &eo, &e), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    for (int i = 0; i < 25; i++)
        cr_assert_float_eq(senda_grid_cdata(e)[i], 1.7, 1e-12, "cell %d", i);
    cr_assert(strstr(senda_grid_description(e), "terrain"), "%s", senda_grid_description(e));
    senda_grid_destroy(e);
    z[2 * 5 + 2] = NAN;
    cr_assert_eq(senda_exposure_surface(ctx, dens, NULL, &eo, &e), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(e)[2 * 5 + 2], 1.2, 1e-12);
    cr_assert_float_eq(senda_grid_cdata(e)[2 * 5 + 1], 1.7, 1e-12);
    cr_assert_float_eq(senda_grid_cdata(e)[2 * 5 + 3], 1.7, 1e-12);
    senda_grid_destroy(e);
    for (int i = 0; i < 25; i++)
        z[i] = 0.6 * (50.0 + 100.0 * (i % 5));
    cr_assert_eq(senda_exposure_surface(ctx, dens, NULL, &eo, &e), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(e)[12], 2.2, 1e-12);
    senda_grid_destroy(e);
    /* without the DEM, or with w_terrain 0, no terrain term */
    eo.w_terrain = 0.0;
    cr_assert_eq(senda_exposure_surface(ctx, dens, NULL, &eo, &e), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(e)[12], 1.2, 1e-12);
    senda_grid_destroy(e);
    /* a DEM on other cells, and slope_full 0, are refused */
    eo.w_terrain = 1.0;
    eo.slope_full = 0.0;
    cr_assert_eq(senda_exposure_surface(ctx, dens, NULL, &eo, &e), SENDA_ERR_ARG);
    eo.slope_full = 0.3;
    senda_grid *small;
    cr_assert_eq(senda_grid_create(ctx, 4, 5, 0, 500, 100, "EPSG:32615", 0.0, &small), SENDA_OK);
    eo.dem = small;
    cr_assert_eq(senda_exposure_surface(ctx, dens, NULL, &eo, &e), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "differ in shape"), "%s", senda_ctx_errmsg(ctx));
    senda_grid_destroy(small);
    senda_grid_destroy(dem);
    senda_grid_destroy(dens);
    senda_ctx_destroy(ctx);
}
