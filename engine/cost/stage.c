/*
 * stage.c - the danger stage of the pipeline: incidents -> kernel density
 * (senda_hotspot_kde, weighted incidents per km2 by default) on a grid
 * covering the corridor layers and the incidents -> danger surface
 * (danger.c). The grid is the union of the extents of the rail,
 * checkpoints, crossings and shelters layers and of the incidents, grown by
 * pad_m and snapped outwards to whole multiples of cell_m (so two runs with
 * different incidents but the same layers share cell edges whenever the
 * layers' extent dominates). With no incidents the density is 0 everywhere
 * (the surface then holds the base, checkpoint and rail terms only).
 * Complexity and memory: those of the density (O(n * cells within the
 * kernel radius)) and of the surface, two grids of 8 B a cell.
 */
#include <math.h>
#include <string.h>

#include "cost/cost_int.h"
#include "grid/grid_int.h"
#include "io/io_int.h"

/* The analysis extent: layers of interest and the incidents. */
static void extent(const senda_layers *layers, const senda_points *pts, double e[4])
{
    static const char *names[4] = {SENDA_LAYER_RAIL, SENDA_LAYER_CHECKPOINTS,
                                   SENDA_LAYER_CROSSINGS, SENDA_LAYER_SHELTERS};
    e[0] = e[1] = (double)INFINITY;
    e[2] = e[3] = -(double)INFINITY;
    for (int k = 0; k < 4; k++) {
        long i = senda_layers_find(layers, names[k]);
        const senda_layer_report *rep = i >= 0 ? senda_layers_report(layers, (size_t)i) : NULL;
        if (!rep || rep->n_features == 0)
            continue;
        e[0] = fmin(e[0], rep->extent[0]), e[1] = fmin(e[1], rep->extent[1]);
        e[2] = fmax(e[2], rep->extent[2]), e[3] = fmax(e[3], rep->extent[3]);
    }
    for (size_t i = 0; pts && i < pts->n; i++) {
        e[0] = fmin(e[0], pts->x[i]), e[1] = fmin(e[1], pts->y[i]);
        e[2] = fmax(e[2], pts->x[i]), e[3] = fmax(e[3], pts->y[i]);
    }
}

senda_status senda_cost_danger_from_points(senda_ctx *ctx, const senda_points *incidents,
                                      const senda_layers *layers, double cell_m, double pad_m,
                                      const senda_hotspot_kde_opts *kde, const senda_cost_danger_opts *dopts,
                                      senda_grid **density_out, senda_grid **danger_out,
                                      senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    if (density_out)
        *density_out = NULL;
    if (danger_out)
        *danger_out = NULL;
    if (!layers || !kde || !dopts || !danger_out)
        return senda__fail(ctx, SENDA_ERR_ARG, "layers, kde, danger opts or out is NULL");
    if (!(cell_m > 0.0) || !(pad_m >= 0.0) || !isfinite(cell_m) || !isfinite(pad_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "cell must be > 0 and pad >= 0 m, got %g, %g",
                           cell_m, pad_m);
    double e[4];
    extent(layers, incidents, e);
    if (!(e[2] >= e[0] && e[3] >= e[1]))
        return senda__fail(ctx, SENDA_ERR_DATA, "no layer feature and no incident: no extent");
    double x0 = floor((e[0] - pad_m) / cell_m) * cell_m, y0 = floor((e[1] - pad_m) / cell_m) * cell_m;
    double x1 = ceil((e[2] + pad_m) / cell_m) * cell_m, y1 = ceil((e[3] + pad_m) / cell_m) * cell_m;
    senda_grid *rho = NULL, *s = NULL;
    senda_status st = senda_grid_for_extent(ctx, x0, y0, x1, y1, cell_m,
                                            senda_layers_crs(layers), &rho);
    if (st != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "danger surface")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    senda__progress_sub_t sub = senda__progress_sub(progress, progress_arg, 0.0, 0.8);
    if (incidents && incidents->n > 0 &&
        (st = senda_hotspot_kde(ctx, incidents, kde, rho, progress ? senda__progress_sub_fn : NULL,
                                &sub)) != SENDA_OK)
        goto done;
    sub = senda__progress_sub(progress, progress_arg, 0.8, 1.0);
    st = senda_cost_danger_surface(ctx, rho, layers, dopts, &s,
                              progress ? senda__progress_sub_fn : NULL, &sub);
done:
    if (st == SENDA_OK && density_out)
        *density_out = rho;
    else
        senda_grid_destroy(rho);
    if (st == SENDA_OK)
        *danger_out = s;
    return st;
}
