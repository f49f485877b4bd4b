/*
 * test_extent.c - analysis grid extents: aligned padding around points, an
 * explicit extent's whole cells, and their errors.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "grid/grid_int.h"

Test(grid_extent, grid_for_points_pads_and_aligns_to_whole_cells)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_points *p = NULL;
    senda_points_create(ctx, 2, "EPSG:32615", &p);
    p->x[0] = 1030; p->y[0] = 2010; p->x[1] = 1490; p->y[1] = 2260;
    senda_grid *g = NULL;
    /* padded box 930..1590 x 1910..2360; aligned to 100 m: west floor(930)=900,
     * east floor(1590)+100 = 1600, south 1900, north floor(2360)+100 = 2400 */
    cr_assert_eq(senda_grid_for_points(ctx, p, 100, 100, &g), SENDA_OK);
    cr_assert_float_eq(g->x_min, 900, 1e-9);
    cr_assert_float_eq(g->y_max, 2400, 1e-9);
    cr_assert_eq(g->n_cols, 7);
    cr_assert_eq(g->n_rows, 5);
    cr_assert_str_eq(g->crs, "EPSG:32615");
    senda_grid_destroy(g);
    cr_assert_eq(senda_grid_for_points(ctx, p, 0, 100, &g), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "cell size") != NULL);
    cr_assert_eq(senda_grid_for_points(ctx, p, 10, -1, &g), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "padding") != NULL);
    p->n = 0;
    cr_assert_eq(senda_grid_for_points(ctx, p, 10, 0, &g), SENDA_ERR_DATA);
    senda_points_destroy(p);
    senda_ctx_destroy(ctx);
}

Test(grid_extent, explicit_extent_keeps_whole_cells_and_grows_partial_ones)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_for_extent(ctx, 0, 0, 1000, 750, 250, NULL, &g), SENDA_OK);
    cr_assert_eq(g->n_cols, 4); /* exactly 4 cells, not 5 */
    cr_assert_eq(g->n_rows, 3);
    senda_grid_destroy(g);
    cr_assert_eq(senda_grid_for_extent(ctx, 0, 0, 1001, 750, 250, NULL, &g), SENDA_OK);
    cr_assert_eq(g->n_cols, 5); /* 1001 m needs a fifth cell */
    senda_grid_destroy(g);
    cr_assert_eq(senda_grid_for_extent(ctx, 5, 0, 5, 10, 1, NULL, &g), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "is empty") != NULL);
    senda_ctx_destroy(ctx);
}
