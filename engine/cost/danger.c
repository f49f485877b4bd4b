/*
 * danger.c - the danger surface: a documented weighted sum of the
 * normalised incident density and distance-decay terms for checkpoints and
 * the rail, plus a base cost so that distance itself costs.
 *
 * For the centre p of every cell (units: danger per km travelled; a least-
 * cost run over this surface with unit_m = 1000 accumulates "danger units"):
 *   s(p) = w_base
 *        + w_density    * rho(p) / rho_max                     (0 when rho_max = 0)
 *        + w_checkpoint * max_k max(0, 1 - |p - c_k| / R_c)    (linear decay)
 *        + w_rail       * max(0, 1 - d(p, rail) / R_r)
 * rho is the severity-weighted density grid (any units: it is normalised by
 * its maximum), c_k the checkpoints (the layer's points, minus the what-if
 * exclusions, plus the what-if additions), d(p, rail) the distance to the
 * nearest rail segment. Abuses cluster along the rail and around inland
 * checkpoints (DESIGN.md), hence positive weights; linear decay keeps every
 * term in [0, weight] and reaches 0 at the range. Defaults: 1, 4, 2
 * (10 km), 1 (5 km).
 *
 * Complexity: O(N) for the density term; O(K * cells within R_c) for the
 * checkpoints and O(segments * cells within R_r of each segment's box) for
 * the rail (each term only visits cells its range can reach). Memory: the
 * output grid plus one distance grid (8 B a cell each). Nodata: a NaN
 * density cell gives a NaN danger cell, a barrier to least-cost paths.
 * There is no reference tool for this composite; each term is checked by
 * hand in tests/cost/test_danger.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cost/cost_int.h"
#include "grid/grid_int.h"
#include "io/io_int.h"

void senda_cost_danger_opts_init(senda_cost_danger_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->w_base = 1.0;
    o->w_density = 4.0;
    o->w_checkpoint = 2.0;
    o->checkpoint_range_m = 10000.0;
    o->w_rail = 1.0;
    o->rail_range_m = 5000.0;
}

void senda__cost_segment_distance(const senda_grid *g, double *dist, double ax, double ay,
                                  double bx, double by, double range)
{
    double x0 = fmin(ax, bx) - range, x1 = fmax(ax, bx) + range;
    double y0 = fmin(ay, by) - range, y1 = fmax(ay, by) + range;
    double c0 = floor((x0 - g->x_min) / g->cell_m), c1 = floor((x1 - g->x_min) / g->cell_m);
    double r0 = floor((g->y_max - y1) / g->cell_m), r1 = floor((g->y_max - y0) / g->cell_m);
    c0 = fmax(c0, 0.0), r0 = fmax(r0, 0.0);
    c1 = fmin(c1, (double)g->n_cols - 1.0), r1 = fmin(r1, (double)g->n_rows - 1.0);
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    for (double r = r0; r <= r1; r++)
        for (double c = c0; c <= c1; c++) {
            size_t row = (size_t)r, col = (size_t)c, i = row * g->n_cols + col;
            double px = senda__grid_cx(g, col) - ax, py = senda__grid_cy(g, row) - ay;
            double t = len2 > 0.0 ? fmin(1.0, fmax(0.0, (px * dx + py * dy) / len2)) : 0.0;
            double d = hypot(px - t * dx, py - t * dy);
            if (d < dist[i])
                dist[i] = d;
        }
}

senda_status senda__cost_polyline(senda_ctx *ctx, const GEOSGeometry *geom,
                                  senda__polyline *out)
{
    memset(out, 0, sizeof *out);
    int n_parts = GEOSGetNumGeometries_r(ctx->geos, geom);
    size_t total = 0;
    for (int p = 0; p < n_parts; p++) {
        unsigned int n = 0;
        const GEOSCoordSequence *cs =
            GEOSGeom_getCoordSeq_r(ctx->geos, GEOSGetGeometryN_r(ctx->geos, geom, p));
        if (cs && GEOSCoordSeq_getSize_r(ctx->geos, cs, &n))
            total += n;
    }
    out->x = senda__calloc(ctx, total ? total : 1, sizeof(double));
    out->y = out->x ? senda__calloc(ctx, total ? total : 1, sizeof(double)) : NULL;
    out->part = out->y ? senda__calloc(ctx, total ? total : 1, sizeof(int)) : NULL;
    if (!out->part) {
        senda__polyline_free(out);
        return SENDA_ERR_NOMEM;
    }
    for (int p = 0; p < n_parts; p++) {
        unsigned int n = 0;
        const GEOSCoordSequence *cs =
            GEOSGeom_getCoordSeq_r(ctx->geos, GEOSGetGeometryN_r(ctx->geos, geom, p));
        if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n))
            continue;
        for (unsigned int v = 0; v < n; v++, out->n++) {
            GEOSCoordSeq_getXY_r(ctx->geos, cs, v, &out->x[out->n], &out->y[out->n]);
            out->part[out->n] = p;
        }
    }
    return SENDA_OK;
}

void senda__polyline_free(senda__polyline *pl)
{
    senda__free(pl->x);
    senda__free(pl->y);
    senda__free(pl->part);
    memset(pl, 0, sizeof *pl);
}

senda_status senda__cost_rail_distance(senda_ctx *ctx, const senda_layers *layers,
                                       const senda_grid *g, double range, double *dist)
{
    return senda__cost_line_distance(ctx, layers, SENDA_LAYER_RAIL, g, range, dist);
}

senda_status senda__cost_line_distance(senda_ctx *ctx, const senda_layers *layers,
                                       const char *name, const senda_grid *g, double range,
                                       double *dist)
{
    const senda__layer *line = layers ? senda__layers_get(layers, name) : NULL;
    size_t n = g->n_rows * g->n_cols;
    for (size_t i = 0; i < n; i++)
        dist[i] = (double)INFINITY;
    for (size_t f = 0; line && f < line->n; f++) {
        senda__polyline pl;
        if (senda__cost_polyline(ctx, line->geoms[f], &pl) != SENDA_OK)
            return SENDA_ERR_NOMEM;
        for (size_t v = 1; v < pl.n; v++)
            if (pl.part[v] == pl.part[v - 1])
                senda__cost_segment_distance(g, dist, pl.x[v - 1], pl.y[v - 1], pl.x[v],
                                             pl.y[v], range);
        senda__polyline_free(&pl);
    }
    return SENDA_OK;
}

/* Rail proximity term: w_rail * max(0, 1 - d / R) added into s. */
static senda_status add_rail(senda_ctx *ctx, const senda_layers *layers, const senda_grid *g,
                             double w, double range, double *dist, double *s)
{
    size_t n = g->n_rows * g->n_cols;
    if (!senda__layers_get(layers, SENDA_LAYER_RAIL) || w <= 0.0 || range <= 0.0)
        return SENDA_OK;
    if (senda__cost_rail_distance(ctx, layers, g, range, dist) != SENDA_OK)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (dist[i] < range)
            s[i] += w * (1.0 - dist[i] / range);
    return SENDA_OK;
}

senda_status senda__cost_checkpoints(senda_ctx *ctx, const senda_layers *layers,
                                     const char *const *without, size_t n_without,
                                     const double *with_xy, size_t n_with, double **xy,
                                     size_t *n_out)
{
    senda_points *pts = NULL;
    *xy = NULL;
    *n_out = 0;
    if (layers && senda__layers_get(layers, SENDA_LAYER_CHECKPOINTS)) {
        senda_status st = senda_layers_points(ctx, layers, SENDA_LAYER_CHECKPOINTS, &pts);
        if (st != SENDA_OK)
            return st;
    }
    size_t n_layer = pts ? pts->n : 0;
    for (size_t w = 0; w < n_without; w++) {
        size_t k = 0;
        while (k < n_layer &&
               strcmp(senda_layers_attr(layers, SENDA_LAYER_CHECKPOINTS, k, "name"),
                      without[w]) != 0)
            k++;
        if (k == n_layer) {
            senda_points_destroy(pts);
            return senda__fail(ctx, SENDA_ERR_ARG, "no checkpoint is named '%s'",
                               without[w]);
        }
    }
    double *a = senda__calloc(ctx, 2 * (n_layer + n_with) + 2, sizeof(double));
    if (!a) {
        senda_points_destroy(pts);
        return SENDA_ERR_NOMEM;
    }
    size_t n = 0;
    for (size_t k = 0; k < n_layer; k++) {
        int dropped = 0;
        for (size_t w = 0; w < n_without; w++)
            dropped |= strcmp(senda_layers_attr(layers, SENDA_LAYER_CHECKPOINTS, k, "name"),
                              without[w]) == 0;
        if (!dropped) {
            a[2 * n] = pts->x[k];
            a[2 * n++ + 1] = pts->y[k];
        }
    }
    for (size_t k = 0; k < n_with; k++, n++) {
        a[2 * n] = with_xy[2 * k];
        a[2 * n + 1] = with_xy[2 * k + 1];
    }
    senda_points_destroy(pts);
    *xy = a;
    *n_out = n;
    return SENDA_OK;
}

/* Checkpoint term: w * max_k max(0, 1 - d_k / R), through dist as the
 * per-cell best proximity. */
static void add_checkpoints(const senda_grid *g, const double *xy, size_t n_cp, double w,
                            double range, double *best, double *s)
{
    size_t n = g->n_rows * g->n_cols;
    if (w <= 0.0 || range <= 0.0)
        return;
    for (size_t i = 0; i < n; i++)
        best[i] = (double)INFINITY;
    for (size_t k = 0; k < n_cp; k++)
        senda__cost_segment_distance(g, best, xy[2 * k], xy[2 * k + 1], xy[2 * k], xy[2 * k + 1], range);
    for (size_t i = 0; i < n; i++)
        if (best[i] < range)
            s[i] += w * (1.0 - best[i] / range);
}

senda_status senda__cost_check_weights(senda_ctx *ctx, const double *v,
                                       const char *const *names, int n,
                                       const char *const *without, size_t n_without,
                                       const double *with_xy, size_t n_with)
{
    for (int k = 0; k < n; k++)
        if (!(v[k] >= 0.0) || !isfinite(v[k]))
            return senda__fail(ctx, SENDA_ERR_ARG, "%s must be >= 0, got %g", names[k], v[k]);
    if ((n_without && !without) || (n_with && !with_xy))
        return senda__fail(ctx, SENDA_ERR_ARG, "what-if checkpoint lists are NULL");
    return SENDA_OK;
}

void senda__cost_add_density(const senda_grid *density, double w, double *s)
{
    size_t n = density->n_rows * density->n_cols;
    double rho_max = 0.0;
    for (size_t i = 0; i < n; i++)
        if (density->data[i] > rho_max)
            rho_max = density->data[i];
    for (size_t i = 0; i < n; i++)
        if (rho_max > 0.0)
            s[i] += w * density->data[i] / rho_max; /* NaN stays NaN */
        else if (isnan(density->data[i]))
            s[i] = (double)NAN;
}

static senda_status check_danger_opts(senda_ctx *ctx, const senda_cost_danger_opts *o)
{
    const double v[6] = {o->w_base, o->w_density, o->w_checkpoint, o->checkpoint_range_m,
                         o->w_rail, o->rail_range_m};
    static const char *const names[6] = {"w_base", "w_density", "w_checkpoint",
                                         "checkpoint_range_m", "w_rail", "rail_range_m"};
    return senda__cost_check_weights(ctx, v, names, 6, o->without_checkpoints, o->n_without,
                                     o->with_checkpoints_xy, o->n_with);
}

senda_status senda_cost_danger_surface(senda_ctx *ctx, const senda_grid *density,
                                  const senda_layers *layers, const senda_cost_danger_opts *opts,
                                  senda_grid **out, senda_progress_fn progress,
                                  void *progress_arg)
{
    senda__reset(ctx);
    if (out)
        *out = NULL;
    if (!density || !layers || !opts || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "density, layers, opts or out is NULL");
    senda_status st = check_danger_opts(ctx, opts);
    if (st != SENDA_OK)
        return st;
    const senda_grid *g = density;
    size_t n_cp = 0;
    senda_grid *s = NULL, *work = NULL;
    double *cp = NULL;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "danger surface"))
        return SENDA_ERR_CANCELLED;
    if ((st = senda__cost_checkpoints(ctx, layers, opts->without_checkpoints, opts->n_without,
                                      opts->with_checkpoints_xy, opts->n_with, &cp, &n_cp)) !=
            SENDA_OK ||
        (st = senda__grid_like(ctx, g, opts->w_base, &s)) != SENDA_OK ||
        (st = senda__grid_like(ctx, g, 0.0, &work)) != SENDA_OK)
        goto done;
    senda__cost_add_density(g, opts->w_density, s->data);
    if (!senda__progress(ctx, progress, progress_arg, 0.3, NULL)) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    add_checkpoints(g, cp, n_cp, opts->w_checkpoint, opts->checkpoint_range_m, work->data,
                    s->data);
    if (!senda__progress(ctx, progress, progress_arg, 0.6, NULL)) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    if ((st = add_rail(ctx, layers, g, opts->w_rail, opts->rail_range_m, work->data,
                       s->data)) != SENDA_OK)
        goto done;
    char desc[256];
    snprintf(desc, sizeof desc,
             "danger = %g + %g*rho/rho_max + %g*checkpoint(%g m) + %g*rail(%g m), linear decay",
             opts->w_base, opts->w_density, opts->w_checkpoint, opts->checkpoint_range_m,
             opts->w_rail, opts->rail_range_m);
    senda_grid_set_units(ctx, s, "danger per km", desc);
    if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    senda__free(cp);
    senda_grid_destroy(work);
    if (st != SENDA_OK)
        senda_grid_destroy(s);
    else
        *out = s;
    return st;
}
