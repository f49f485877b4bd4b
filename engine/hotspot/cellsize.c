/*
 * cellsize.c - the default cell sizes of `senda hotspot` for an extent.
 *
 * Rule (docs/hotspot.md, "Defaults that finish"): the density cell is the
 * smallest whole multiple of 50 m for which the extent holds at most
 * 2,000,000 cells, the Gi* cell the smallest whole multiple of 50 m for
 * which it holds at most 100,000; both at least 50 m. Counting uses the
 * cells a grid of that size needs to cover the extent (ceil per side, plus one
 * for aligning the edges to whole cells), so
 * the bound holds for the grid actually made. On the corridor layers'
 * extent (1,296 x 925 km in UTM 15N) this gives 800 m and 3,500 m.
 * O(1) up to a short search upward from sqrt(area / limit).
 */
#include <math.h>

#include "hotspot/hotspot_int.h"

static double cell_for(double w, double h, double limit)
{
    double c = fmax(50.0, ceil(sqrt(w * h / limit) / 50.0) * 50.0);
    while ((ceil(w / c - 1e-9) + 1.0) * (ceil(h / c - 1e-9) + 1.0) > limit) /* +1: alignment */
        c += 50.0;
    return c;
}

senda_status senda_hotspot_default_cells(senda_ctx *ctx, double x_min, double y_min,
                                         double x_max, double y_max, double *density_cell_m,
                                         double *gistar_cell_m)
{
    senda__reset(ctx);
    double w = x_max - x_min, h = y_max - y_min;
    if (!(w > 0.0 && h > 0.0) || isinf(w) || isinf(h))
        return senda__fail(ctx, SENDA_ERR_ARG, "empty extent %g,%g,%g,%g for the default cell "
                           "size", x_min, y_min, x_max, y_max);
    if (density_cell_m)
        *density_cell_m = cell_for(w, h, 2e6);
    if (gistar_cell_m)
        *gistar_cell_m = cell_for(w, h, 1e5);
    return SENDA_OK;
}
