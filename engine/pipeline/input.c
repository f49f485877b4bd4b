/*
 * input.c - the pipeline's inputs: the corridor layers and the incidents
 * (senda_pipeline_input_open). Incidents come from one of: a store read
 * through the filter; report files, or N synthetic rows, imported with the
 * spatial join into a temporary store "<scratch>.store.gpkg" (removed by
 * senda_pipeline_input_destroy) and then read as from a store, so a file
 * weighs incidents exactly as a store does; or any OGR point layer
 * (senda_points_read, weights from a field). Cost: the loaders'.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/pipeline_int.h"

void senda_pipeline_input_opts_init(senda_pipeline_input_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->need_layers = 1;
    o->synthetic_seed = 1;
    o->n_threads = 2;
    senda_incidents_filter_init(&o->filter);
}

void senda_pipeline_input_destroy(senda_pipeline_input *in)
{
    if (!in)
        return;
    senda_layers_destroy(in->layers);
    senda_points_destroy(in->incidents);
    if (in->own_store)
        unlink(in->store);
    if (in->synthetic_csv[0])
        unlink(in->synthetic_csv);
    senda__free(in);
}

#define SUB(name, lo, hi) senda__progress_sub_t name = senda__progress_sub(progress, arg, lo, hi)
#define SUBFN (progress ? senda__progress_sub_fn : NULL)

/* Import files (or synthetic rows) into the temporary store. */
static senda_status import(senda_ctx *ctx, const senda_pipeline_input_opts *o,
                           senda_pipeline_input *in, senda_progress_fn progress, void *arg)
{
    const char *scratch = o->scratch ? o->scratch : o->n_files ? o->files[0] : "senda";
    snprintf(in->store, sizeof in->store, "%s.store.gpkg", scratch);
    unlink(in->store);
    in->own_store = 1;
    const char *one[1];
    const char *const *files = o->files;
    size_t n_files = o->n_files;
    senda_status st;
    if (o->synthetic) {
        senda_incidents_synth_opts so;
        senda_incidents_synth_opts_init(&so);
        so.n = o->synthetic;
        so.seed = o->synthetic_seed;
        snprintf(in->synthetic_csv, sizeof in->synthetic_csv, "%s.synthetic.csv", scratch);
        SUB(sp, 0.0, 0.3);
        if ((st = senda_incidents_synth(ctx, in->layers, &so, in->synthetic_csv, SUBFN, &sp)))
            return st;
        one[0] = in->synthetic_csv;
        files = one;
        n_files = 1;
    }
    senda_incidents_import_opts io;
    senda_incidents_import_opts_init(&io);
    io.layers = in->layers;
    io.n_threads = o->n_threads;
    SUB(ip, o->synthetic ? 0.3 : 0.0, 1.0);
    st = senda_incidents_import(ctx, in->store, files, n_files, &io, &in->import, SUBFN, &ip);
    in->imported = st == SENDA_OK;
    return st;
}

static senda_status load(senda_ctx *ctx, const senda_pipeline_input_opts *o,
                         senda_pipeline_input *in, senda_progress_fn progress, void *arg)
{
    const char *crs = o->crs ? o->crs : SENDA_DEFAULT_CRS;
    senda_status st;
    SUB(lp, 0.0, 0.2);
    if (o->points && !o->crs) { /* the points' own CRS, the layers in it */
        st = senda_points_read(ctx, o->points, NULL, o->weight_field, NULL, &in->incidents);
        if (st == SENDA_OK && o->need_layers)
            st = senda_layers_open(ctx, o->layers_dir, in->incidents->crs, &in->layers, SUBFN,
                                   &lp);
        return st;
    }
    if (o->need_layers &&
        (st = senda_layers_open(ctx, o->layers_dir, crs, &in->layers, SUBFN, &lp)))
        return st;
    if (o->points)
        return senda_points_read(ctx, o->points, NULL, o->weight_field,
                                 o->crs, &in->incidents);
    if (o->n_files || o->synthetic) {
        SUB(ip, 0.2, 0.9);
        if ((st = import(ctx, o, in, progress ? senda__progress_sub_fn : NULL, &ip)))
            return st;
    } else if (o->store) {
        senda__strlcpy(in->store, o->store, sizeof in->store);
    }
    if (!in->store[0])
        return SENDA_OK;
    if (o->filter.precision &&
        (st = senda_incidents_count_coarser(ctx, in->store, &o->filter, &in->n_coarser_left_out)))
        return st;
    return senda_incidents_points(ctx, in->store, &o->filter, crs, &in->incidents);
}

senda_status senda_pipeline_input_open(senda_ctx *ctx, const senda_pipeline_input_opts *o,
                                       senda_pipeline_input **out, senda_progress_fn progress,
                                       void *arg)
{
    senda__reset(ctx);
    if (!o || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "pipeline input: options or output is NULL");
    *out = NULL;
    int n_src = !!o->store + !!o->n_files + !!o->synthetic + !!o->points;
    if (n_src > 1)
        return senda__fail(ctx, SENDA_ERR_ARG, "give one incident source (a store, report "
                           "files, synthetic rows or a point layer), not %d", n_src);
    if (!o->need_layers && (o->n_files || o->synthetic))
        return senda__fail(ctx, SENDA_ERR_ARG, "importing reports needs the corridor layers");
    senda_pipeline_input *in = senda__calloc(ctx, 1, sizeof *in);
    if (!in)
        return SENDA_ERR_NOMEM;
    if (!senda__progress(ctx, progress, arg, 0.0, "inputs"))
        return senda_pipeline_input_destroy(in), SENDA_ERR_CANCELLED;
    senda_status st = load(ctx, o, in, progress, arg);
    if (st == SENDA_OK && !senda__progress(ctx, progress, arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
    if (st != SENDA_OK) {
        senda_pipeline_input_destroy(in);
        return st;
    }
    *out = in;
    return SENDA_OK;
}
