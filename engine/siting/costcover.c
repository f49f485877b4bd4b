/*
 * costcover.c - coverage sets measured along an accumulated-cost surface:
 * a demand point is covered by a site when the least accumulated cost from
 * the site's cell to the demand point's cell is <= the budget max_cost
 * (travel time under danger instead of straight-line distance).
 *
 * Algorithm: one bounded Dijkstra search (Dijkstra 1959) per site over the
 * friction grid, with GRASS r.cost's move costs for 8 neighbours (r.cost
 * manual; raster/r.cost/main.c): a straight move between cells of friction
 * c1 and c2 costs (c1 + c2) / 2, a diagonal one (c1 + c2) * sqrt(2) / 2,
 * times the move unit (1 per cell width, or cell_m / unit_m). The sums are
 * formed in the same order as engine/cost/accumulate.c (base + (c_to +
 * c_from) * factor), so the accumulated costs are bit-identical to
 * senda_cost_accumulate's (a test checks it). Because a move costs the mean
 * of its two cells, the cost of a path is the same walked in either
 * direction: the search from the site gives the travel cost of every
 * demand point to it. A cell is settled when popped with its final cost;
 * the demand points of that cell are then reported (each cell holds its
 * demand as a compressed row, built once by counting sort). Entries whose
 * cost would exceed max_cost are never queued, so a search touches only the
 * cells within the budget (a point exactly at max_cost is covered, as
 * d_ij <= S in Church & ReVelle 1974). The buffers (cost per cell, touched
 * list, binary heap) are reused by every search: only the touched cells are
 * reset afterwards, so a search costs O(T log T) for T touched cells, not
 * O(grid).
 *
 * Complexity: O(n_dem + cells) once, then O(T_j log T_j) per site j.
 * Memory: 12 bytes per grid cell (cost 8, demand row start 4), 4 per demand
 * point, plus 8 per touched cell and 16 per heap entry of the largest
 * search; the coverage pairs as in cover.c.
 * Nodata: NaN or negative friction cells are barriers (r.cost's default
 * null handling): never entered. Demand points outside the grid or on a
 * barrier cell are never covered; a site outside the grid or on a barrier
 * covers nothing. Both are counted for the caller's warning.
 * Differences from r.cost: no knight's moves (-k), no null_cost; the search
 * stops at the budget instead of running over the whole region.
 */
#include <math.h>
#include <string.h>

#include "grid/grid_int.h"
#include "siting/siting_int.h"

struct senda__cs_entry {
    double cost;
    size_t idx;
};

/* r.cost's first 8 moves: W, E, N, S, NW, NE, SE, SW. */
static const int move_drow[9] = {0, 0, 0, -1, 1, -1, -1, 1, 1};
static const int move_dcol[9] = {0, -1, 1, 0, 0, -1, 1, 1, -1};

/* The cell holding (x, y) as r.cost locates a start point; 0 outside. */
static int locate(const senda__costsearch *s, double x, double y, size_t *cell)
{
    double fc = floor((x - s->x_min) / s->cell_m), fr = floor((s->y_max - y) / s->cell_m);
    if (!(fc >= 0.0 && fr >= 0.0 && fc < (double)s->n_cols && fr < (double)s->n_rows))
        return 0;
    *cell = (size_t)fr * s->n_cols + (size_t)fc;
    return 1;
}

senda_status senda__costsearch_init(senda_ctx *ctx, const senda_grid *g, double max_cost,
                                    double unit_m, const senda_points *demand, senda__costsearch *s)
{
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->fr = g->data;
    s->n_rows = g->n_rows;
    s->n_cols = g->n_cols;
    s->x_min = g->x_min;
    s->y_max = g->y_max;
    s->cell_m = g->cell_m;
    s->max_cost = max_cost;
    s->n_dem = demand->n;
    double unit = unit_m > 0.0 ? g->cell_m / unit_m : 1.0;
    for (int k = 1; k <= 8; k++) {
        s->fac[k] = (k <= 4 ? 1.0 / 2.0 : sqrt(2.0) / 2.0) * unit;
        s->off[k] = (ptrdiff_t)move_drow[k] * (ptrdiff_t)g->n_cols + move_dcol[k];
    }
    if (demand->n >= UINT32_MAX)
        return senda__fail(ctx, SENDA_ERR_ARG, "too many demand points: %zu", demand->n);
    size_t n = g->n_rows * g->n_cols;
    s->cell_start = senda__calloc(ctx, n + 1, sizeof *s->cell_start);
    s->cell_dem = senda__calloc(ctx, demand->n ? demand->n : 1, sizeof *s->cell_dem);
    s->dist = senda__calloc2(ctx, n, sizeof *s->dist);
    if (!s->cell_start || !s->cell_dem || !s->dist) {
        senda__costsearch_free(s);
        return SENDA_ERR_NOMEM;
    }
    for (size_t c = 0; c < n; c++)
        s->dist[c] = HUGE_VAL;
    /* counting sort: start[c] counts cell c, inclusive prefix sums give its
     * end, and a reverse fill moves each start back to its beginning */
    size_t c, used = 0;
    for (size_t i = 0; i < demand->n; i++) {
        if (locate(s, demand->x[i], demand->y[i], &c) && s->fr[c] >= 0.0) {
            s->cell_start[c]++;
            used++;
        } else {
            s->n_dem_off++;
        }
    }
    for (c = 1; c < n; c++)
        s->cell_start[c] += s->cell_start[c - 1];
    s->cell_start[n] = (uint32_t)used;
    for (size_t i = demand->n; i-- > 0;)
        if (locate(s, demand->x[i], demand->y[i], &c) && s->fr[c] >= 0.0)
            s->cell_dem[--s->cell_start[c]] = (uint32_t)i;
    return SENDA_OK;
}

void senda__costsearch_free(senda__costsearch *s)
{
    senda__free(s->cell_start);
    senda__free(s->cell_dem);
    senda__free(s->dist);
    senda__free(s->touched);
    senda__free(s->heap);
    memset(s, 0, sizeof *s);
}

static int heap_push(senda__costsearch *s, double cost, size_t idx)
{
    if (s->n_heap == s->cap_heap) {
        size_t cap = s->cap_heap ? 2 * s->cap_heap : 1024;
        struct senda__cs_entry *h = senda__realloc(s->ctx, s->heap, cap * sizeof *h);
        if (!h)
            return -1;
        s->heap = h;
        s->cap_heap = cap;
    }
    size_t k = s->n_heap++;
    while (k > 0 && s->heap[(k - 1) / 2].cost > cost) {
        s->heap[k] = s->heap[(k - 1) / 2];
        k = (k - 1) / 2;
    }
    s->heap[k].cost = cost;
    s->heap[k].idx = idx;
    return 0;
}

static struct senda__cs_entry heap_pop(senda__costsearch *s)
{
    struct senda__cs_entry top = s->heap[0], last = s->heap[--s->n_heap];
    size_t k = 0, n = s->n_heap;
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= n)
            break;
        if (c + 1 < n && s->heap[c + 1].cost < s->heap[c].cost)
            c++;
        if (!(s->heap[c].cost < last.cost))
            break;
        s->heap[k] = s->heap[c];
        k = c;
    }
    if (n > 0)
        s->heap[k] = last;
    return top;
}

/* Set the cost of cell j (first touch recorded for the reset). */
static int set_dist(senda__costsearch *s, size_t j, double cost)
{
    if (s->dist[j] == HUGE_VAL) {
        if (s->n_touched == s->cap_touched) {
            size_t cap = s->cap_touched ? 2 * s->cap_touched : 1024;
            size_t *t = senda__realloc(s->ctx, s->touched, cap * sizeof *t);
            if (!t)
                return -1;
            s->touched = t;
            s->cap_touched = cap;
        }
        s->touched[s->n_touched++] = j;
    }
    s->dist[j] = cost;
    return heap_push(s, cost, j);
}

/* Relax the 8 neighbours of settled cell i with cost base. */
static int relax(senda__costsearch *s, size_t i, double base)
{
    size_t row = i / s->n_cols, col = i % s->n_cols;
    double my = s->fr[i];
    for (int k = 1; k <= 8; k++) {
        long r = (long)row + move_drow[k], c = (long)col + move_dcol[k];
        if (r < 0 || c < 0 || (size_t)r >= s->n_rows || (size_t)c >= s->n_cols)
            continue;
        size_t j = (size_t)((ptrdiff_t)i + s->off[k]);
        double v = s->fr[j];
        if (!(v >= 0.0))
            continue; /* barrier */
        double mc = base + (v + my) * s->fac[k];
        if (mc <= s->max_cost && mc < s->dist[j] && set_dist(s, j, mc) != 0)
            return -1;
    }
    return 0;
}

int senda__costsearch_run(senda__costsearch *s, double x, double y, senda__cost_visit fn, void *arg)
{
    size_t src;
    if (!locate(s, x, y, &src) || !(s->fr[src] >= 0.0))
        return 0;
    int rc = 1;
    s->n_touched = 0;
    s->n_heap = 0;
    if (set_dist(s, src, 0.0) != 0)
        rc = -1;
    while (rc == 1 && s->n_heap > 0) {
        struct senda__cs_entry e = heap_pop(s);
        if (e.cost > s->dist[e.idx])
            continue; /* stale: the cell was settled cheaper */
        for (uint32_t k = s->cell_start[e.idx]; k < s->cell_start[e.idx + 1]; k++)
            fn(s->cell_dem[k], e.cost, arg);
        if (s->on_cell)
            s->on_cell(e.idx, e.cost, s->cell_arg);
        if (relax(s, e.idx, e.cost) != 0)
            rc = -1;
    }
    for (size_t k = 0; k < s->n_touched; k++)
        s->dist[s->touched[k]] = HUGE_VAL;
    s->n_touched = 0;
    s->n_heap = 0;
    return rc;
}

typedef struct cost_arg {
    senda__costsearch *s;
    const senda_points *cand;
    size_t n_off;
} cost_arg;

static int cost_row(size_t j, senda__pair_sink *sink, void *arg)
{
    cost_arg *a = arg;
    int rc = senda__costsearch_run(a->s, a->cand->x[j], a->cand->y[j], senda__pair_sink_add, sink);
    a->n_off += rc == 0;
    return rc < 0 ? -1 : 0;
}

senda_status senda__cover_cost(senda_ctx *ctx, senda__costsearch *s, const senda_points *cand,
                               const unsigned char *eligible, senda__cover *out, size_t *n_off,
                               senda_progress_fn progress, void *progress_arg)
{
    cost_arg a = {s, cand, 0};
    senda_status st = senda__cover_build(ctx, cand->n, s->n_dem, eligible, cost_row, &a, 15,
                                         "cost coverage sets", out, progress, progress_arg);
    *n_off = a.n_off;
    return st;
}
