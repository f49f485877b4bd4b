/*
 * hotspot.c - the hotspot stage (senda_pipeline_hotspot): the grid, the
 * kernel density (senda_hotspot_kde) and the Getis-Ord Gi* cells
 * (senda_hotspot_gistar) of the incidents. The grid is the points' extent
 * padded by the kernel radius (senda_grid_for_points, edges on whole cells),
 * a given extent, or the union of the corridor layers' extents widened to
 * whole multiples of the cell size (so that runs over different incidents
 * share cell edges); the Gi* cells use the same lattice. An automatic radius
 * (ArcGIS's spatial Silverman rule) is fixed before the grid so that the
 * padding uses it. A .tif output gets the density as a tiled DEFLATE GeoTIFF:
 * level 1, because the density's low mantissa bits do not compress (level 6
 * saved under 0.5 % of the size at twice the time). Cost: the KDE's and
 * Gi*'s (see their files); memory: the grid and the cells.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pipeline/pipeline_int.h"

void senda_pipeline_hotspot_opts_init(senda_pipeline_hotspot_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    senda_hotspot_kde_opts_init(&o->kde);
    senda_hotspot_gistar_opts_init(&o->gistar);
    o->cell_m = 1000.0;
    o->shape = SENDA_CELLS_SQUARE;
    o->extent_from = SENDA_EXTENT_POINTS;
    o->density_on = 1;
    o->gistar_on = 1;
}

void senda_pipeline_hotspot_result_destroy(senda_pipeline_hotspot_result *r)
{
    if (!r)
        return;
    senda_grid_destroy(r->density);
    senda_hotspot_gistar_result_destroy(r->gistar);
    senda__free(r);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The union of the layers' extents, widened to whole multiples of h. */
static senda_status layers_extent(senda_ctx *ctx, const senda_layers *ls, double h, double e[4])
{
    e[0] = e[1] = HUGE_VAL;
    e[2] = e[3] = -HUGE_VAL;
    for (size_t i = 0; ls && i < senda_layers_count(ls); i++) {
        const senda_layer_report *r = senda_layers_report(ls, i);
        if (r->n_features <= r->n_empty)
            continue;
        e[0] = fmin(e[0], r->extent[0]);
        e[1] = fmin(e[1], r->extent[1]);
        e[2] = fmax(e[2], r->extent[2]);
        e[3] = fmax(e[3], r->extent[3]);
    }
    if (!(e[0] < e[2] && e[1] < e[3]))
        return senda__fail(ctx, SENDA_ERR_DATA, "the corridor layers have no extent to grid");
    e[0] = floor(e[0] / h) * h;
    e[1] = floor(e[1] / h) * h;
    e[2] = ceil(e[2] / h) * h;
    e[3] = ceil(e[3] / h) * h;
    return SENDA_OK;
}

/* The density grid and the matching Gi* lattice. */
static senda_status make_grid(senda_ctx *ctx, const senda_pipeline_input *in,
                              const senda_pipeline_hotspot_opts *o, senda_hotspot_kde_opts *kde,
                              senda_grid_spec *spec, senda_grid **g)
{
    const senda_points *pts = in->incidents;
    senda_status st;
    if (kde->radius_m <= 0.0 && (st = senda_hotspot_kde_auto_radius(ctx, pts, &kde->radius_m)))
        return st;
    memset(spec, 0, sizeof *spec);
    spec->cell_m = o->cell_m;
    spec->shape = o->shape;
    snprintf(spec->crs, sizeof spec->crs, "%s", pts->crs);
    double e[4];
    if (o->extent_from == SENDA_EXTENT_GIVEN)
        memcpy(e, o->extent, sizeof e);
    else if (o->extent_from == SENDA_EXTENT_LAYERS &&
             (st = layers_extent(ctx, in->layers, o->cell_m, e)))
        return st;
    if (o->extent_from != SENDA_EXTENT_POINTS) {
        spec->x_min = e[0], spec->y_min = e[1], spec->x_max = e[2], spec->y_max = e[3];
        return senda_grid_for_extent(ctx, e[0], e[1], e[2], e[3], o->cell_m, pts->crs, g);
    }
    if ((st = senda_grid_for_points(ctx, pts, o->cell_m, kde->radius_m, g)))
        return st;
    spec->x_min = senda_grid_x_min(*g);
    spec->y_max = senda_grid_y_max(*g);
    spec->x_max = spec->x_min + (double)senda_grid_n_cols(*g) * o->cell_m;
    spec->y_min = spec->y_max - (double)senda_grid_n_rows(*g) * o->cell_m;
    return SENDA_OK;
}

static senda_status stage(senda_ctx *ctx, const senda_pipeline_input *in,
                          const senda_pipeline_hotspot_opts *o, senda_pipeline_hotspot_result *r,
                          senda_progress_fn progress, void *arg)
{
    senda_hotspot_kde_opts kde = o->kde;
    senda_grid_spec spec;
    senda_status st = make_grid(ctx, in, o, &kde, &spec, &r->density);
    if (st)
        return st;
    double t0 = now_s();
    double mid = o->gistar_on ? 0.5 : 1.0;
    senda__progress_sub_t kp = senda__progress_sub(progress, arg, 0.0, mid);
    senda_progress_fn fn = progress ? senda__progress_sub_fn : NULL;
    if (!o->density_on) {
        senda_grid_destroy(r->density);
        r->density = NULL;
    } else if ((st = senda_hotspot_kde(ctx, in->incidents, &kde, r->density, fn, &kp))) {
        return st;
    }
    double t1 = now_s();
    r->kde_s = t1 - t0;
    senda__progress_sub_t gp = senda__progress_sub(progress, arg, mid, 1.0);
    if (o->gistar_on &&
        (st = senda_hotspot_gistar(ctx, in->incidents, &o->gistar, &spec, &r->gistar, fn, &gp)))
        return st;
    r->gistar_s = now_s() - t1;
    return SENDA_OK;
}

static senda_status write_any(senda_ctx *ctx, const void *r, const char *gpkg)
{
    return senda_pipeline_hotspot_write(ctx, r, gpkg, 1);
}

static senda_status write_cells(senda_ctx *ctx, const void *r, const char *gpkg)
{
    return senda_pipeline_hotspot_write(ctx, r, gpkg, 0);
}

senda_status senda_pipeline_hotspot_write(senda_ctx *ctx, const senda_pipeline_hotspot_result *r,
                                          const char *gpkg, int with_density)
{
    if (!r || !gpkg)
        return senda__fail(ctx, SENDA_ERR_ARG, "hotspot write: result or path is NULL");
    senda_status st = SENDA_OK;
    if (with_density && r->density)
        st = senda_export_grid(ctx, gpkg, "density", r->density, NULL, NULL);
    if (st == SENDA_OK && r->gistar)
        st = senda_hotspot_write_cells(ctx, r->gistar, gpkg, NULL, NULL);
    return st;
}

static senda_status save(senda_ctx *ctx, const senda_pipeline_hotspot_opts *o, const char *out,
                         const senda_pipeline_hotspot_result *r)
{
    if (!senda__pipeline_is_tiff(out))
        return senda__pipeline_save(ctx, out, write_any, r);
    if (!r->density)
        return senda__fail(ctx, SENDA_ERR_ARG, "%s: a GeoTIFF output needs the density", out);
    char n_threads[32];
    snprintf(n_threads, sizeof n_threads, "NUM_THREADS=%d", o->kde.n_threads);
    const char *const tif_co[] = {"COMPRESS=DEFLATE", "ZLEVEL=1", "TILED=YES", n_threads,
                                  "BIGTIFF=IF_SAFER", NULL};
    senda_grid_tiff_opts to;
    senda_grid_tiff_opts_init(&to);
    to.creation_options = tif_co;
    senda_status st = senda_grid_write_tiff(ctx, r->density, out, &to);
    if (st == SENDA_OK && r->gistar && o->cells_out)
        st = senda__pipeline_save(ctx, o->cells_out, write_cells, r);
    return st;
}

senda_status senda_pipeline_hotspot(senda_ctx *ctx, const senda_pipeline_input *in,
                                    const senda_pipeline_hotspot_opts *o, const char *out,
                                    senda_pipeline_hotspot_result **res,
                                    senda_progress_fn progress, void *arg)
{
    senda__reset(ctx);
    if (!in || !o || !res)
        return senda__fail(ctx, SENDA_ERR_ARG, "hotspot stage: NULL argument");
    *res = NULL;
    if (!in->incidents || !in->incidents->n)
        return senda__fail(ctx, SENDA_ERR_DATA, "no point to analyse%s",
                           in->store[0] ? " (no accepted incident passes the filters)" : "");
    if (o->extent_from == SENDA_EXTENT_LAYERS && !in->layers)
        return senda__fail(ctx, SENDA_ERR_ARG, "hotspot grid over the layers: none loaded");
    senda_pipeline_hotspot_result *r = senda__calloc(ctx, 1, sizeof *r);
    if (!r)
        return SENDA_ERR_NOMEM;
    r->n_points = in->incidents->n;
    for (size_t i = 0; i < in->incidents->n; i++)
        r->total_weight += in->incidents->weight[i];
    senda_status st = stage(ctx, in, o, r, progress, arg);
    double t0 = now_s();
    if (st == SENDA_OK && out)
        st = save(ctx, o, out, r);
    r->write_s = now_s() - t0;
    if (st != SENDA_OK) {
        senda_pipeline_hotspot_result_destroy(r);
        return st;
    }
    *res = r;
    return SENDA_OK;
}
