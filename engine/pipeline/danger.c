/*
 * danger.c - the danger stage (senda_pipeline_danger): the kernel density of
 * the incidents and the danger surface on one grid covering the layers and
 * the incidents (senda_cost_danger_from_points; formula in engine/cost/danger.c),
 * masked to the layers' `land` polygons when they have them (the sea is
 * nodata, impassable, so least-danger paths stay on land), and once more
 * with the what-if checkpoint edits (names left out, places added) when
 * there are any. The density does not depend on the checkpoints, so the
 * what-if run reuses the grid and only the surface is computed again.
 * With a raster given, it is read as the surface instead. Cost: one density (O(n x (r / cell)^2)) and one or two surfaces
 * (O(cells x checkpoints) plus the rail distance); memory: three grids.
 */
#include <string.h>

#include "pipeline/pipeline_int.h"

void senda_pipeline_danger_opts_init(senda_pipeline_danger_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->cell_m = 1000.0;
    o->pad_m = 20000.0;
    senda_hotspot_kde_opts_init(&o->kde);
    o->kde.radius_m = 10000.0;
    senda_cost_danger_opts_init(&o->weights);
    o->land_mask = 1;
}

void senda_pipeline_danger_result_destroy(senda_pipeline_danger_result *r)
{
    if (!r)
        return;
    senda_grid_destroy(r->density);
    senda_grid_destroy(r->danger);
    senda_grid_destroy(r->danger_whatif);
    senda__free((double *)r->edits.with_checkpoints_xy);
    senda__free(r);
}

static senda_status mask(senda_ctx *ctx, const senda_pipeline_input *in,
                         const senda_pipeline_danger_opts *o, senda_grid *g)
{
    if (!o->land_mask || senda_layers_find(in->layers, "land") < 0)
        return SENDA_OK;
    return senda_layers_mask_grid(ctx, in->layers, "land", g, NULL);
}

/* The what-if surface: the weights with the checkpoint edits, on the
 * density's grid. */
static senda_status whatif(senda_ctx *ctx, const senda_pipeline_input *in,
                           const senda_pipeline_danger_opts *o, senda_pipeline_danger_result *r,
                           senda_progress_fn progress, void *arg)
{
    senda_cost_danger_opts *d = &r->edits;
    double *xy = o->n_with ? senda__calloc2(ctx, o->n_with, 2 * sizeof *xy) : NULL;
    if (o->n_with && !xy)
        return SENDA_ERR_NOMEM;
    senda_status st = SENDA_OK;
    for (size_t i = 0; i < o->n_with && st == SENDA_OK; i++)
        st = senda_cost_place_resolve(ctx, in->layers, o->with_checkpoints[i], &xy[2 * i],
                                 &xy[2 * i + 1]);
    d->without_checkpoints = o->without_checkpoints;
    d->n_without = o->n_without;
    d->with_checkpoints_xy = xy; /* the result owns it */
    d->n_with = o->n_with;
    r->with_names = o->with_checkpoints;
    if (st == SENDA_OK)
        st = senda_cost_danger_surface(ctx, r->density, in->layers, d, &r->danger_whatif,
                                       progress, arg);
    if (st == SENDA_OK)
        st = mask(ctx, in, o, r->danger_whatif);
    return st;
}

static senda_status stage(senda_ctx *ctx, const senda_pipeline_input *in,
                          const senda_pipeline_danger_opts *o, senda_pipeline_danger_result *r,
                          senda_progress_fn progress, void *arg)
{
    int edits = o->n_without || o->n_with;
    if (o->raster && edits)
        return senda__fail(ctx, SENDA_ERR_ARG, "what-if needs the surface computed, not read "
                           "from '%s'", o->raster);
    if (o->raster)
        return senda_grid_read(ctx, o->raster, &r->danger);
    double mid = edits ? 0.8 : 1.0;
    senda_cost_danger_opts base = o->weights;
    base.without_checkpoints = NULL, base.n_without = 0;
    base.with_checkpoints_xy = NULL, base.n_with = 0;
    senda__progress_sub_t sp = senda__progress_sub(progress, arg, 0.0, mid);
    senda_status st = senda_cost_danger_from_points(ctx, in->incidents, in->layers, o->cell_m, o->pad_m,
                                               &o->kde, &base, &r->density, &r->danger,
                                               progress ? senda__progress_sub_fn : NULL, &sp);
    if (st == SENDA_OK)
        st = mask(ctx, in, o, r->danger);
    r->land_masked = o->land_mask && senda_layers_find(in->layers, "land") >= 0;
    if (st == SENDA_OK && edits) {
        senda__progress_sub_t wp = senda__progress_sub(progress, arg, mid, 1.0);
        st = whatif(ctx, in, o, r, progress ? senda__progress_sub_fn : NULL, &wp);
    }
    return st;
}

static senda_status write_any(senda_ctx *ctx, const void *r, const char *gpkg)
{
    return senda_pipeline_danger_write(ctx, r, gpkg, 1, 1);
}

senda_status senda_pipeline_danger_write(senda_ctx *ctx, const senda_pipeline_danger_result *r,
                                         const char *gpkg, int with_danger, int with_density)
{
    if (!r || !gpkg)
        return senda__fail(ctx, SENDA_ERR_ARG, "danger write: result or path is NULL");
    senda_status st = SENDA_OK;
    if (with_danger)
        st = senda_export_grid(ctx, gpkg, "danger", r->danger, NULL, NULL);
    if (st == SENDA_OK && with_density && r->density)
        st = senda_export_grid(ctx, gpkg, "density", r->density, NULL, NULL);
    if (st == SENDA_OK && with_danger && r->danger_whatif)
        st = senda_export_grid(ctx, gpkg, "danger_whatif", r->danger_whatif, NULL, NULL);
    return st;
}

senda_status senda_pipeline_danger(senda_ctx *ctx, const senda_pipeline_input *in,
                                   const senda_pipeline_danger_opts *o, const char *out,
                                   senda_pipeline_danger_result **res,
                                   senda_progress_fn progress, void *arg)
{
    senda__reset(ctx);
    if (!in || !o || !res || !in->layers)
        return senda__fail(ctx, SENDA_ERR_ARG, "danger stage: NULL argument or no layers");
    *res = NULL;
    senda_pipeline_danger_result *r = senda__calloc(ctx, 1, sizeof *r);
    if (!r)
        return SENDA_ERR_NOMEM;
    r->n_incidents = in->incidents ? in->incidents->n : 0;
    r->edits = o->weights;
    r->edits.without_checkpoints = NULL, r->edits.n_without = 0;
    r->edits.with_checkpoints_xy = NULL, r->edits.n_with = 0;
    senda_status st = stage(ctx, in, o, r, progress, arg);
    if (st == SENDA_OK && out && senda__pipeline_is_tiff(out))
        st = senda_grid_write_tiff(ctx, r->danger_whatif ? r->danger_whatif : r->danger, out, NULL);
    else if (st == SENDA_OK && out)
        st = senda__pipeline_save(ctx, out, write_any, r);
    if (st != SENDA_OK) {
        senda_pipeline_danger_result_destroy(r);
        return st;
    }
    *res = r;
    return SENDA_OK;
}
