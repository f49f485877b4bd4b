/*
 * likely_slope.c - slope in the route choice: with a DEM, a walking move of
 * the likely routes (likely.c) also costs the time walking uphill or
 * downhill takes, with GRASS r.walk's model (walk.c's header; Aitken 1977,
 * Langmuir 1984). The walking time of a move of horizontal length dS (m)
 * and height difference dH (m, target minus start) is
 *   T = a dS + b dH          (dH >= 0, uphill)
 *         + c dH             (slope_factor <= dH / dS < 0, moderate descent)
 *         + d dH             (dH / dS < slope_factor, steep descent)
 * as in r.walk. The choice cost counts a km of flat walking as w_walk
 * km-equivalents (surfaces.c), a dS * w_walk / (a * 1000); with slope, the
 * move costs T instead, so it adds
 *   slope(i -> j) = (ww(i) + ww(j)) / 2 x (T - a dS) / (a x 1000)
 * km-equivalents, ww the walking weight of the cells (w_walk off the rail, 0
 * on it: people riding the train do not climb; senda_choice_walking). The
 * moderate-descent term is negative (gentle descents are quicker than
 * flat), yet a move never costs less than 0 when a + c slope_factor >= 0
 * (checked; r.walk's defaults give 0.72 - 1.9998 x 0.2125 = 0.295).
 * Cells whose elevation is NaN add no slope term (the DEM does not cover
 * them; the choice cost still does).
 *
 * Moves are directed (uphill costs more than down), so the least cost to a
 * destination s(i) is not the accumulated cost from it: s comes from
 * Dijkstra's algorithm run from the destinations over reversed moves (a
 * binary heap with lazy deletion), relaxing p -> i for every neighbour p of
 * a settled cell i. O(N log N) for N reachable cells, 8 B a cell for s plus
 * the heap (16 B an entry, at most 8 N).
 */
#include <math.h>
#include <string.h>

#include "cost/cost_int.h"
#include "cost/likely_int.h"

senda_status senda__likely_slope_check(senda_ctx *ctx, const senda_grid *choice,
                                       const senda_likely_opts *o)
{
    const senda_walk_opts *w = &o->walk;
    if (!o->walking)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "a DEM needs the walking grid (senda_choice_walking)");
    const senda_grid *g[2] = {o->dem, o->walking};
    for (int k = 0; k < 2; k++)
        if (g[k]->n_rows != choice->n_rows || g[k]->n_cols != choice->n_cols)
            return senda__fail(ctx, SENDA_ERR_ARG,
                               "%s grid (%zu x %zu) and choice grid (%zu x %zu) differ in shape",
                               k ? "walking" : "DEM", g[k]->n_rows, g[k]->n_cols, choice->n_rows,
                               choice->n_cols);
    if (!(w->a > 0.0) || !(w->b >= 0.0) || !(w->c >= 0.0) || !(w->d <= 0.0) ||
        !(w->slope_factor <= 0.0) || !(w->a + w->c * w->slope_factor >= 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "walk coefficients %g,%g,%g,%g and slope factor %g would let a move "
                           "cost less than 0 (need a > 0, b >= 0, c >= 0, d <= 0, slope factor "
                           "<= 0, a + c x slope factor >= 0)",
                           w->a, w->b, w->c, w->d, w->slope_factor);
    return SENDA_OK;
}

double senda__likely_slope(const senda__likely_moves *m, size_t from, size_t to, int k)
{
    double h0 = m->dem[from], h1 = m->dem[to];
    if (isnan(h0) || isnan(h1))
        return 0.0;
    double w0 = m->walking[from], w1 = m->walking[to];
    double ww = ((isnan(w0) ? 0.0 : w0) + (isnan(w1) ? 0.0 : w1)) / 2.0;
    double dh = h1 - h0, ds = m->dist_m[k], t;
    if (dh >= 0.0)
        t = m->walk.b * dh;
    else if (dh / ds < m->walk.slope_factor)
        t = m->walk.d * dh;
    else
        t = m->walk.c * dh;
    return ww * t / (m->walk.a * 1000.0);
}

/* A binary min-heap of (s, cell) with lazy deletion. */
typedef struct {
    double key;
    size_t cell;
} entry;

typedef struct {
    entry *e;
    size_t n, cap;
} heap;

static int push(senda_ctx *ctx, heap *h, double key, size_t cell)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 1024;
        entry *e = senda__realloc(ctx, h->e, cap * sizeof *e);
        if (!e)
            return 0;
        h->e = e, h->cap = cap;
    }
    size_t i = h->n++;
    while (i > 0 && h->e[(i - 1) / 2].key > key) {
        h->e[i] = h->e[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->e[i] = (entry){key, cell};
    return 1;
}

static entry pop(heap *h)
{
    entry top = h->e[0], last = h->e[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->e[c + 1].key < h->e[c].key)
            c++;
        if (!(h->e[c].key < last.key))
            break;
        h->e[i] = h->e[c];
        i = c;
    }
    if (h->n)
        h->e[i] = last;
    return top;
}

senda_status senda__likely_slope_search(senda_ctx *ctx, const senda__likely_moves *m,
                                        const size_t *dest, size_t n_dest, double *s)
{
    const senda_grid *g = m->g;
    size_t n = g->n_rows * g->n_cols;
    heap h = {0};
    senda_status st = SENDA_OK;
    for (size_t i = 0; i < n; i++)
        s[i] = (double)NAN;
    for (size_t k = 0; k < n_dest && st == SENDA_OK; k++)
        if (!isnan(g->data[dest[k]]) && !push(ctx, &h, 0.0, dest[k]))
            st = SENDA_ERR_NOMEM;
    while (st == SENDA_OK && h.n) {
        entry top = pop(&h);
        size_t i = top.cell;
        if (!isnan(s[i]))
            continue; /* settled earlier at a lower cost */
        s[i] = top.key;
        size_t row = i / g->n_cols, col = i % g->n_cols;
        for (int k = 1; k <= 8; k++) {
            long rr = (long)row + senda__cost_drow[k], cc = (long)col + senda__cost_dcol[k];
            if (rr < 0 || cc < 0 || (size_t)rr >= g->n_rows || (size_t)cc >= g->n_cols)
                continue;
            size_t p = (size_t)((ptrdiff_t)i + m->off[k]);
            if (!isnan(s[p]) || isnan(g->data[p]))
                continue;
            /* the move p -> i, the opposite of k: same length and factor */
            double c = (g->data[p] + g->data[i]) * m->fac[k] + senda__likely_slope(m, p, i, k);
            if (!push(ctx, &h, top.key + c, p))
                st = SENDA_ERR_NOMEM;
        }
    }
    senda__free(h.e);
    return st;
}
