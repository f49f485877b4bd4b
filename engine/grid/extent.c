/*
 * extent.c - the analysis grid's extent: a grid covering a set of points
 * (their bounding box padded and aligned to whole cells) or an explicit
 * extent, and the validation of a cell-lattice spec.
 *
 * Alignment: the west and south edges are floor(v / cell) * cell and the
 * east and north edges ceil(v / cell) * cell, so every grid made with the
 * same cell size shares the same cell edges (ArcGIS "snap raster" style);
 * a point lying exactly on an east or north edge gets one more cell so it
 * falls inside. Complexity O(n) over the points; memory: the grid only.
 */
#include <math.h>
#include <string.h>

#include "grid/grid_int.h"

#define MAX_SIDE 2147483647.0

senda_status senda_grid_for_extent(senda_ctx *ctx, double x_min, double y_min, double x_max,
                                   double y_max, double cell_m, const char *crs,
                                   senda_grid **out)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    if (!(cell_m > 0.0) || !isfinite(cell_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "cell size must be > 0, got %g", cell_m);
    if (!(x_max > x_min) || !(y_max > y_min) || !isfinite(x_max - x_min) ||
        !isfinite(y_max - y_min))
        return senda__fail(ctx, SENDA_ERR_ARG, "extent %g,%g,%g,%g is empty (need xmin < xmax "
                           "and ymin < ymax)", x_min, y_min, x_max, y_max);
    /* A tolerance of 1e-9 cell keeps 1000 m / 250 m at 4 cells, not 5. */
    double nc = ceil((x_max - x_min) / cell_m - 1e-9), nr = ceil((y_max - y_min) / cell_m - 1e-9);
    if (nc > MAX_SIDE || nr > MAX_SIDE)
        return senda__fail(ctx, SENDA_ERR_ARG, "extent %g x %g m at %g m cells is too many cells",
                           x_max - x_min, y_max - y_min, cell_m);
    return senda_grid_create(ctx, (size_t)(nr < 1 ? 1 : nr), (size_t)(nc < 1 ? 1 : nc), x_min,
                             y_max, cell_m, crs, 0.0, out);
}

senda_status senda_grid_for_points(senda_ctx *ctx, const senda_points *pts, double cell_m,
                                   double pad_m, senda_grid **out)
{
    senda__reset(ctx);
    if (!pts || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "pts or out is NULL");
    *out = NULL;
    if (!(cell_m > 0.0) || !isfinite(cell_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "cell size must be > 0, got %g", cell_m);
    if (!(pad_m >= 0.0) || !isfinite(pad_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "padding must be >= 0, got %g", pad_m);
    if (pts->n == 0)
        return senda__fail(ctx, SENDA_ERR_DATA, "no points to make a grid for");
    double x0 = (double)INFINITY, y0 = (double)INFINITY, x1 = -(double)INFINITY, y1 = -(double)INFINITY;
    for (size_t i = 0; i < pts->n; i++) {
        x0 = fmin(x0, pts->x[i]);
        x1 = fmax(x1, pts->x[i]);
        y0 = fmin(y0, pts->y[i]);
        y1 = fmax(y1, pts->y[i]);
    }
    if (!isfinite(x0) || !isfinite(x1) || !isfinite(y0) || !isfinite(y1))
        return senda__fail(ctx, SENDA_ERR_DATA, "points hold non-finite coordinates");
    double gx0 = floor((x0 - pad_m) / cell_m) * cell_m, gy0 = floor((y0 - pad_m) / cell_m) * cell_m;
    double gx1 = floor((x1 + pad_m) / cell_m) * cell_m + cell_m;
    double gy1 = floor((y1 + pad_m) / cell_m) * cell_m + cell_m;
    return senda_grid_for_extent(ctx, gx0, gy0, gx1, gy1, cell_m, pts->crs, out);
}

senda_status senda__lattice_from_spec(senda_ctx *ctx, const senda_grid_spec *spec,
                                      senda__lattice *l)
{
    memset(l, 0, sizeof *l);
    if (!(spec->cell_m > 0.0) || !isfinite(spec->cell_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "cell size must be > 0, got %g", spec->cell_m);
    double w = spec->x_max - spec->x_min, h = spec->y_max - spec->y_min;
    if (!(w > 0.0) || !(h > 0.0) || !isfinite(w) || !isfinite(h))
        return senda__fail(ctx, SENDA_ERR_ARG, "extent %g,%g,%g,%g is empty", spec->x_min,
                           spec->y_min, spec->x_max, spec->y_max);
    l->shape = spec->shape;
    l->x0 = spec->x_min;
    l->y0 = spec->y_max;
    l->cell_m = spec->cell_m;
    double nr, nc;
    if (spec->shape == SENDA_CELLS_HEX) {
        l->side = spec->cell_m * sqrt(2.0 / (3.0 * sqrt(3.0)));
        l->dx = sqrt(3.0) * l->side;
        l->dy = 1.5 * l->side;
        nc = floor(w / l->dx + 1e-9) + 1.0;
        nr = floor(h / l->dy + 1e-9) + 1.0;
    } else if (spec->shape == SENDA_CELLS_SQUARE) {
        l->dx = l->dy = spec->cell_m;
        nc = ceil(w / l->dx - 1e-9);
        nr = ceil(h / l->dy - 1e-9);
    } else {
        return senda__fail(ctx, SENDA_ERR_ARG, "unknown cell shape %d", (int)spec->shape);
    }
    if (nc * nr > 1e9)
        return senda__fail(ctx, SENDA_ERR_ARG, "extent %g x %g m at %g m cells is over 1e9 "
                           "cells", w, h, spec->cell_m);
    l->n_cols = (size_t)(nc < 1 ? 1 : nc);
    l->n_rows = (size_t)(nr < 1 ? 1 : nr);
    return SENDA_OK;
}
