/*
 * progress.c - scaled progress (GDALCreateScaledProgress without the heap).
 *
 * A stage that runs sub-steps gives each a sub-range [lo, hi] of its own
 * range; the sub-progress has GDAL's signature so it can also be handed to
 * GDAL calls. A callback returning 0 means stop: the caller frees everything
 * and returns SENDA_ERR_CANCELLED.
 */
#include "core_int.h"

senda__progress_sub_t senda__progress_sub(senda_progress_fn parent, void *parent_arg, double lo,
                                        double hi)
{
    senda__progress_sub_t s = {parent, parent_arg, lo, hi};
    return s;
}

int senda__progress_sub_fn(double complete, const char *message, void *arg)
{
    const senda__progress_sub_t *s = arg;
    if (!s || !s->parent)
        return 1;
    if (complete < 0.0)
        complete = 0.0;
    if (complete > 1.0)
        complete = 1.0;
    return s->parent(s->lo + complete * (s->hi - s->lo), message, s->parent_arg);
}

int senda__progress(senda_ctx *ctx, senda_progress_fn fn, void *arg, double complete,
                    const char *message)
{
    if (!fn)
        return 1;
    if (fn(complete, message, arg))
        return 1;
    senda__fail(ctx, SENDA_ERR_CANCELLED, "cancelled by the progress callback");
    return 0;
}
