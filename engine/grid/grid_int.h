/*
 * grid_int.h - the layout of senda_grid, shared inside the engine.
 */
#ifndef SENDA_GRID_INT_H
#define SENDA_GRID_INT_H

#include "core/core_int.h"

struct senda_grid {
    size_t n_rows, n_cols;
    double x_min, y_max, cell_m;
    char crs[2048];
    char units[64];
    char description[256];
    double *data; /* n_rows * n_cols, row 0 north; NaN = nodata */
};

/** Centre of a cell in CRS coordinates. */
static inline double senda__grid_cx(const senda_grid *g, size_t col)
{
    return g->x_min + ((double)col + 0.5) * g->cell_m;
}
static inline double senda__grid_cy(const senda_grid *g, size_t row)
{
    return g->y_max - ((double)row + 0.5) * g->cell_m;
}

#endif
