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

/** Open the raster at path read-only into *ds; SENDA_ERR_IO "cannot open
 *  raster 'path'" with GDAL's message otherwise. Caller closes *ds. */
senda_status senda__raster_open(senda_ctx *ctx, const char *path, GDALDatasetH *ds);

/** SENDA_OK when g's cells are in linear units (a projected CRS, or none
 *  given); else SENDA_ERR_ARG saying that what (e.g. "DEM 'x.tif'") is in
 *  degrees, why that is refused (the reason), and the gdalwarp command to
 *  the UTM zone of its centre that fixes it. */
senda_status senda__grid_need_metres(senda_ctx *ctx, const senda_grid *g, const char *what,
                                     const char *reason);

/** Whether a and b have the same cells: size, and origin within 1e-6 and
 *  cell size within 1e-9 of a's cell. */
int senda__grid_same_cells(const senda_grid *a, const senda_grid *b);

/** A new grid on the cells of g (size, origin, cell size, CRS) filled with v. */
senda_status senda__grid_like(senda_ctx *ctx, const senda_grid *g, double v, senda_grid **out);

/** Centre of a cell in CRS coordinates. */
static inline double senda__grid_cx(const senda_grid *g, size_t col)
{
    return g->x_min + ((double)col + 0.5) * g->cell_m;
}
static inline double senda__grid_cy(const senda_grid *g, size_t row)
{
    return g->y_max - ((double)row + 0.5) * g->cell_m;
}

/* ---- the analysis lattice (extent.c, hex.c, aggregate.c) ---- */

/** Square or hexagonal cells over an extent. Square: cell (row, col) has
 *  its north-west corner at (x0 + col*cell_m, y0 - row*cell_m), so x0/y0 are
 *  the west/north edges. Hex (pointy-top, "odd-r" offset rows): the centre
 *  of (row, col) is (x0 + (col + 0.5*(row&1))*dx, y0 - row*dy). */
typedef struct senda__lattice {
    senda_grid_cell_shape shape;
    size_t n_rows, n_cols;
    double x0, y0, cell_m;
    double dx, dy; /* centre spacing along a row / between rows */
    double side;   /* hexagon side (0 for squares) */
} senda__lattice;

/** Validate a spec and lay out its lattice. */
senda_status senda__lattice_from_spec(senda_ctx *ctx, const senda_grid_spec *spec,
                                      senda__lattice *out);
/** Centre of a cell. */
void senda__lattice_centre(const senda__lattice *l, size_t row, size_t col, double *x, double *y);
/** The cell holding (x, y); 0 when outside the lattice. */
int senda__lattice_locate(const senda__lattice *l, double x, double y, size_t *row, size_t *col);
/** The cell's outline, closed (first vertex repeated): 5 or 7 vertices. */
int senda__lattice_outline(const senda__lattice *l, size_t row, size_t col, double *xs, double *ys);
/** For each row parity (0, 1) and row offset drow in [-n_drow, n_drow], the
 *  contiguous range of column offsets [lo, hi] of cells whose centre lies
 *  within band_m of the centre (self included); lo > hi when none.
 *  lo/hi are arrays of 2 * (2 * n_drow + 1), index parity * (2n+1) + drow + n. */
senda_status senda__lattice_runs(senda_ctx *ctx, const senda__lattice *l, double band_m,
                                 long *n_drow, long **lo, long **hi);
/** Count and sum the weights of the points per cell (count, weight zeroed
 *  first); *n_outside gets the points outside the lattice. */
void senda__lattice_aggregate(const senda__lattice *l, const senda_points *pts, int32_t *count,
                              double *weight, size_t *n_outside);

#endif
