/*
 * test_snap.c - places on nodata (sea) cells move to the nearest valid cell.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "senda.h"

static senda_ctx *ctx;
static void setup(void) { cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK); }
static void teardown(void) { senda_ctx_destroy(ctx); }

TestSuite(snap, .init = setup, .fini = teardown);

Test(snap, points_on_nodata_move_to_the_nearest_valid_centre)
{
    /* 5 x 5 cells of 100 m from (0, 500): column c has centre x = 50 + 100 c,
     * row r centre y = 450 - 100 r. Columns 0..2 are nodata ("sea"), 3..4
     * valid. Point A (120, 260) is in row 2, col 1 (nodata): the nearest
     * valid centre is (350, 250), at hypot(230, 10) = 230.2 m; the next
     * candidates (350, 350) and (350, 150) are hypot(230, 90) and
     * hypot(230, 110) away. Point B (420, 40) is on a valid cell: unmoved.
     * Point C (10, 10) with max_cells 1: the valid columns are 3 cells away,
     * out of reach, so it stays. */
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_create(ctx, 5, 5, 0.0, 500.0, 100.0, "EPSG:32615", 1.0, &g),
                 SENDA_OK);
    double *d = senda_grid_data(g);
    for (int r = 0; r < 5; r++)
        for (int c = 0; c < 3; c++)
            d[r * 5 + c] = NAN;
    senda_points *p = NULL;
    cr_assert_eq(senda_points_create(ctx, 2, "EPSG:32615", &p), SENDA_OK);
    p->x[0] = 120.0, p->y[0] = 260.0;
    p->x[1] = 420.0, p->y[1] = 40.0;
    const char *names[] = {"A", "B"};
    size_t moved = 99;
    cr_assert_eq(senda_cost_snap_to_valid(ctx, g, p, names, 10, &moved), SENDA_OK);
    cr_assert_eq(moved, 1);
    cr_assert_float_eq(p->x[0], 350.0, 1e-9);
    cr_assert_float_eq(p->y[0], 250.0, 1e-9);
    cr_assert_float_eq(p->x[1], 420.0, 1e-12);
    cr_assert_float_eq(p->y[1], 40.0, 1e-12);
    senda_points_destroy(p);

    cr_assert_eq(senda_points_create(ctx, 1, "EPSG:32615", &p), SENDA_OK);
    p->x[0] = 10.0, p->y[0] = 10.0;
    cr_assert_eq(senda_cost_snap_to_valid(ctx, g, p, NULL, 1, &moved), SENDA_OK);
    cr_assert_eq(moved, 0);
    cr_assert_float_eq(p->x[0], 10.0, 1e-12);
    cr_assert_eq(senda_cost_snap_to_valid(ctx, NULL, p, NULL, 1, NULL), SENDA_ERR_ARG);
    senda_points_destroy(p);
    senda_grid_destroy(g);
}
