/*
 * join.c - the spatial join of accepted incidents with the corridor layers:
 * nearest rail line and the distance to it, the distance along that line from
 * its first vertex (GEOSProject, km), the nearest checkpoint and the distance
 * to it, the distance to the border, and the state or department (the
 * "states" layer) containing the point.
 *
 * Nearest features come from the GEOS STRtree of each layer
 * (senda__layer_tree; GEOSSTRtree_nearest_generic with exact distances from
 * prepared geometries, GEOSPreparedDistance, which indexes the segments of
 * each line once). Distances are planar, in metres of the layers' projected
 * CRS (UTM 15N by default, under 0.4 % scale error in the corridor).
 * The batch is cut into n_threads contiguous slices, each on its own thread
 * with its own GEOS context; trees and prepared geometries are built and
 * warmed before the threads start and only read by them.
 * Cost per incident: O(log features) tree descent plus O(log vertices) per
 * candidate distance. Memory: the prepared geometries (a segment index per
 * line). Incidents that are rejected, duplicates or failed to reproject
 * (x NaN) are skipped and keep NaN / -1 join fields.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "incidents/incidents_int.h"

typedef struct {
    const senda__layer *l;
    GEOSSTRtree *tree;
    const GEOSPreparedGeometry **prep;
} join_layer;

typedef struct {
    join_layer rail, checkpoints, border, states;
} join_set;

typedef struct {
    GEOSContextHandle_t h;
    const join_layer *jl;
    const GEOSGeometry *query;
} near_arg;

typedef struct {
    const join_set *js;
    senda__incident *recs;
    size_t lo, hi;
    int failed;
} join_job;

static const void *const QUERY_ITEM = &QUERY_ITEM; /* marks the query in the callback */

static int near_dist(const void *item1, const void *item2, double *dist, void *userdata)
{
    near_arg *a = userdata;
    const void *item = item1 == QUERY_ITEM ? item2 : item1;
    size_t i = (size_t)(uintptr_t)item;
    return GEOSPreparedDistance_r(a->h, a->jl->prep[i], a->query, dist);
}

/* Nearest feature of jl to pt: its index (or -1) and the distance. */
static long nearest(GEOSContextHandle_t h, const join_layer *jl, const GEOSGeometry *pt,
                    double *dist)
{
    if (!jl->tree)
        return -1;
    near_arg a = {h, jl, pt};
    /* item 0 is the NULL pointer (senda__layer_tree stores indices): a NULL
     * answer from a non-empty tree is feature 0 */
    const void *hit = GEOSSTRtree_nearest_generic_r(h, jl->tree, QUERY_ITEM, pt, near_dist, &a);
    size_t i = (size_t)(uintptr_t)hit;
    if (GEOSPreparedDistance_r(h, jl->prep[i], pt, dist) != 1)
        return -1;
    return (long)i;
}

typedef struct {
    GEOSContextHandle_t h;
    const join_layer *jl;
    const GEOSGeometry *pt;
    long found;
} contain_arg;

static void contain_cb(void *item, void *userdata)
{
    contain_arg *a = userdata;
    size_t i = (size_t)(uintptr_t)item;
    if (a->found < 0 && GEOSPreparedIntersects_r(a->h, a->jl->prep[i], a->pt) == 1)
        a->found = (long)i;
}

static void join_one(GEOSContextHandle_t h, const join_set *js, senda__incident *r)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, r->x, r->y);
    if (!pt)
        return;
    double d;
    long i = nearest(h, &js->rail, pt, &d);
    if (i >= 0) {
        r->rail_idx = i;
        r->rail_dist_m = d;
        r->rail_km = GEOSProject_r(h, js->rail.l->geoms[i], pt) / 1000.0;
    }
    if ((i = nearest(h, &js->checkpoints, pt, &d)) >= 0) {
        r->checkpoint_idx = i;
        r->checkpoint_dist_m = d;
    }
    if ((i = nearest(h, &js->border, pt, &d)) >= 0)
        r->border_dist_m = d;
    if (js->states.tree) {
        contain_arg a = {h, &js->states, pt, -1};
        GEOSSTRtree_query_r(h, js->states.tree, pt, contain_cb, &a);
        r->admin_idx = a.found;
    }
    GEOSGeom_destroy_r(h, pt);
}

static void *join_thread(void *arg)
{
    join_job *job = arg;
    GEOSContextHandle_t h = GEOS_init_r();
    if (!h) {
        job->failed = 1;
        return NULL;
    }
    for (size_t k = job->lo; k < job->hi; k++) {
        senda__incident *r = &job->recs[k];
        if ((r->status == REC_ACCEPTED || r->status == REC_REPAIRED) && !isnan(r->x))
            join_one(h, job->js, r);
    }
    GEOS_finish_r(h);
    return NULL;
}

static void layer_release(senda_ctx *ctx, join_layer *jl)
{
    if (jl->prep)
        for (size_t i = 0; i < jl->l->n; i++)
            if (jl->prep[i])
                GEOSPreparedGeom_destroy_r(ctx->geos, jl->prep[i]);
    senda__free((void *)jl->prep);
    jl->prep = NULL;
}

/* Tree and warmed prepared geometries of one layer (absent layer: nothing). */
static senda_status layer_ready(senda_ctx *ctx, const senda_layers *layers, const char *name,
                                join_layer *jl)
{
    memset(jl, 0, sizeof *jl);
    jl->l = senda__layers_get(layers, name);
    if (!jl->l || jl->l->n == 0)
        return SENDA_OK;
    if (!(jl->tree = senda__layer_tree(ctx, jl->l)))
        return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot index the %s layer", name);
    jl->prep = senda__calloc(ctx, jl->l->n, sizeof *jl->prep);
    if (!jl->prep)
        return SENDA_ERR_NOMEM;
    GEOSGeometry *probe = GEOSGeom_createPointFromXY_r(ctx->geos, 0.0, 0.0);
    for (size_t i = 0; i < jl->l->n; i++) {
        if (!(jl->prep[i] = GEOSPrepare_r(ctx->geos, jl->l->geoms[i]))) {
            GEOSGeom_destroy_r(ctx->geos, probe);
            return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot prepare %s feature %zu", name,
                               i);
        }
        double d; /* builds the lazy indexes now, before threads share them */
        GEOSPreparedDistance_r(ctx->geos, jl->prep[i], probe, &d);
        GEOSPreparedIntersects_r(ctx->geos, jl->prep[i], probe);
    }
    double d;
    nearest(ctx->geos, jl, probe, &d); /* builds the tree */
    GEOSGeom_destroy_r(ctx->geos, probe);
    return SENDA_OK;
}

struct senda__joiner {
    join_set js;
    int n_threads;
};

senda_status senda__join_open(senda_ctx *ctx, const senda_layers *layers, int n_threads,
                              senda__joiner **out)
{
    *out = NULL;
    senda__joiner *j = senda__calloc(ctx, 1, sizeof *j);
    if (!j)
        return SENDA_ERR_NOMEM;
    j->n_threads = n_threads < 1 ? 1 : n_threads > 16 ? 16 : n_threads;
    senda_status st = layer_ready(ctx, layers, SENDA_LAYER_RAIL, &j->js.rail);
    if (st == SENDA_OK)
        st = layer_ready(ctx, layers, SENDA_LAYER_CHECKPOINTS, &j->js.checkpoints);
    if (st == SENDA_OK)
        st = layer_ready(ctx, layers, SENDA_LAYER_BORDER, &j->js.border);
    if (st == SENDA_OK)
        st = layer_ready(ctx, layers, "states", &j->js.states);
    if (st != SENDA_OK) {
        senda__join_close(ctx, j);
        return st;
    }
    *out = j;
    return SENDA_OK;
}

void senda__join_close(senda_ctx *ctx, senda__joiner *j)
{
    if (!j)
        return;
    layer_release(ctx, &j->js.rail);
    layer_release(ctx, &j->js.checkpoints);
    layer_release(ctx, &j->js.border);
    layer_release(ctx, &j->js.states);
    senda__free(j);
}

senda_status senda__join_run(senda_ctx *ctx, senda__joiner *j, senda__incident *recs, size_t n)
{
    join_job jobs[16];
    pthread_t tid[16];
    int started[16] = {0}, n_threads = n < 256 ? 1 : j->n_threads;
    for (int t = 0; t < n_threads; t++) {
        jobs[t] = (join_job){&j->js, recs, n * (size_t)t / (size_t)n_threads,
                             n * (size_t)(t + 1) / (size_t)n_threads, 0};
        if (t > 0)
            started[t] = pthread_create(&tid[t], NULL, join_thread, &jobs[t]) == 0;
    }
    for (int t = 1; t < n_threads; t++)
        if (!started[t])
            join_thread(&jobs[t]); /* no thread: do its share here */
    join_thread(&jobs[0]);
    senda_status st = SENDA_OK;
    for (int t = 1; t < n_threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
    for (int t = 0; t < n_threads; t++)
        if (jobs[t].failed)
            st = senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot start a context for the join");
    return st;
}
