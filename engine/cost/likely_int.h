/*
 * likely_int.h - the moves of the likely-route model shared by likely.c and
 * its slope term (likely_slope.c).
 */
#ifndef SENDA_LIKELY_INT_H
#define SENDA_LIKELY_INT_H

#include "cost/cost_int.h"
#include "grid/grid_int.h"

/** The 8-neighbour moves over a choice grid, with a DEM's slope term. */
typedef struct senda__likely_moves {
    const senda_grid *g;          /* choice cost per km */
    const double *dem, *walking;  /* elevation (m) and walking weight per cell */
    senda_walk_opts walk;         /* r.walk's a, b, c, d, slope_factor */
    double fac[9];                /* r.cost's move factor x cell km */
    ptrdiff_t off[9];             /* index offset of move k */
    double dist_m[9];             /* move length, m */
} senda__likely_moves;

/** Check a DEM run's options (walking grid given, shapes, coefficients that
 *  keep every move >= 0); message on ctx. */
senda_status senda__likely_slope_check(senda_ctx *ctx, const senda_grid *choice,
                                       const senda_likely_opts *o);

/** The slope term of move k from cell `from` to cell `to`, km-equivalents. */
double senda__likely_slope(const senda__likely_moves *m, size_t from, size_t to, int k);

/** s[i] = least choice cost (moves with slope) from cell i to any of the
 *  destination cells; NaN where none is reachable. */
senda_status senda__likely_slope_search(senda_ctx *ctx, const senda__likely_moves *m,
                                        const size_t *dest, size_t n_dest, double *s);

#endif
