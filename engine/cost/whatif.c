/*
 * whatif.c - comparing likely routes before and after an enforcement
 * what-if: where route density goes (the difference grid), how exposure per
 * migrant moves overall and per origin, and which shelters see the largest
 * change in the flow passing them (where capacity is needed next).
 *
 * Passing flow of a shelter: the largest route density among the cells
 * whose centre lies within radius_m of it, i.e. the expected share of
 * migrants passing its nearest likely corridor (a share, not a sum: a
 * migrant crosses several cells near a shelter). Shelters come from the
 * layers' shelters layer, named by its `name` field (else `town`).
 *
 * Complexity: O(N) for the difference, O(S x cells within radius) for the
 * shelters. No reference tool; tests/cost/test_likely.c checks the figures
 * in a world derived by hand.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost/cost_int.h"
#include "grid/grid_int.h"
#include "io/io_int.h"

void senda_likely_change_destroy(senda_likely_change *c)
{
    if (!c)
        return;
    senda_grid_destroy(c->difference);
    senda__free(c->shelter_name);
    senda__free(c->shelter_before);
    senda__free(c->shelter_after);
    senda__free(c);
}

/* The largest value of grid g within radius of (x, y); 0 when none. */
static double max_within(const senda_grid *g, double x, double y, double radius)
{
    double best = 0.0;
    double c0 = floor((x - radius - g->x_min) / g->cell_m),
           c1 = floor((x + radius - g->x_min) / g->cell_m);
    double r0 = floor((g->y_max - y - radius) / g->cell_m),
           r1 = floor((g->y_max - y + radius) / g->cell_m);
    c0 = fmax(c0, 0.0), r0 = fmax(r0, 0.0);
    c1 = fmin(c1, (double)g->n_cols - 1.0), r1 = fmin(r1, (double)g->n_rows - 1.0);
    for (double r = r0; r <= r1; r++)
        for (double c = c0; c <= c1; c++) {
            size_t row = (size_t)r, col = (size_t)c;
            if (hypot(senda__grid_cx(g, col) - x, senda__grid_cy(g, row) - y) > radius)
                continue;
            double v = g->data[row * g->n_cols + col];
            if (v > best)
                best = v;
        }
    return best;
}

/* Shelters' passing flow before and after, sorted by |change|, largest first. */
static senda_status shelters(senda_ctx *ctx, const senda_layers *layers,
                             const senda_likely_result *b, const senda_likely_result *a,
                             double radius, senda_likely_change *c)
{
    if (!layers || !senda__layers_get(layers, SENDA_LAYER_SHELTERS))
        return SENDA_OK;
    senda_points *p = NULL;
    senda_status st = senda_layers_points(ctx, layers, SENDA_LAYER_SHELTERS, &p);
    if (st != SENDA_OK)
        return st;
    size_t n = p->n;
    c->shelter_name = senda__calloc(ctx, n ? n : 1, sizeof *c->shelter_name);
    c->shelter_before = senda__calloc(ctx, n ? n : 1, sizeof(double));
    c->shelter_after = senda__calloc(ctx, n ? n : 1, sizeof(double));
    size_t *order = senda__calloc(ctx, n ? n : 1, sizeof(size_t));
    double *before = senda__calloc(ctx, n ? n : 1, sizeof(double));
    double *after = senda__calloc(ctx, n ? n : 1, sizeof(double));
    if (!c->shelter_name || !c->shelter_before || !c->shelter_after || !order || !before ||
        !after) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        before[k] = max_within(b->density, p->x[k], p->y[k], radius);
        after[k] = max_within(a->density, p->x[k], p->y[k], radius);
        order[k] = k;
    }
    /* insertion sort by |after - before|, descending: a handful of shelters */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && fabs(after[order[j]] - before[order[j]]) >
                                        fabs(after[order[j - 1]] - before[order[j - 1]]);
             j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        size_t k = order[i];
        const char *nm = senda_layers_attr(layers, SENDA_LAYER_SHELTERS, k, "name");
        if (!nm[0])
            nm = senda_layers_attr(layers, SENDA_LAYER_SHELTERS, k, "town");
        snprintf(c->shelter_name[i], sizeof c->shelter_name[i], "%s", nm);
        c->shelter_before[i] = before[k];
        c->shelter_after[i] = after[k];
    }
    c->n_shelters = n;
done:
    senda_points_destroy(p);
    senda__free(order);
    senda__free(before);
    senda__free(after);
    return st;
}

senda_status senda_likely_compare(senda_ctx *ctx, const senda_likely_result *before,
                                  const senda_likely_result *after, const senda_layers *layers,
                                  double shelter_radius_m, senda_likely_change **out)
{
    senda__reset(ctx);
    if (out)
        *out = NULL;
    if (!before || !after || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "before, after or out is NULL");
    const senda_grid *g = before->density;
    if (after->density->n_rows != g->n_rows || after->density->n_cols != g->n_cols ||
        after->n_origins != before->n_origins)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "the two likely-route results differ in grid or "
                           "origins");
    if (!(shelter_radius_m > 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "shelter radius must be > 0, got %g",
                           shelter_radius_m);
    senda_likely_change *c = senda__calloc(ctx, 1, sizeof *c);
    if (!c)
        return SENDA_ERR_NOMEM;
    senda_status st = senda__grid_like(ctx, g, 0.0, &c->difference);
    if (st == SENDA_OK) {
        size_t n = g->n_rows * g->n_cols;
        for (size_t i = 0; i < n; i++)
            c->difference->data[i] = after->density->data[i] - before->density->data[i];
        senda_grid_set_units(ctx, c->difference, "share of migrants",
                             "route density after minus before the what-if (> 0: more "
                             "people pass)");
        c->exposure_before = before->exposure_per_migrant;
        c->exposure_after = after->exposure_per_migrant;
        c->exposure_change_pct =
            before->exposure_per_migrant > 0.0
                ? 100.0 * (after->exposure_per_migrant - before->exposure_per_migrant) /
                      before->exposure_per_migrant
                : (double)NAN;
        st = shelters(ctx, layers, before, after, shelter_radius_m, c);
    }
    if (st != SENDA_OK) {
        senda_likely_change_destroy(c);
        return st;
    }
    *out = c;
    return SENDA_OK;
}
