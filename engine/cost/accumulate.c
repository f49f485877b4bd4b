/*
 * accumulate.c - accumulated cost over a friction grid from one or many
 * sources, by Dijkstra's algorithm with GRASS r.cost's move costs,
 * tie-breaking and direction encoding, so results compare cell by cell.
 *
 * Reference: GRASS GIS 8 r.cost (raster/r.cost/main.c and heap.c; manual
 * r.cost.html). With c(i) the friction of cell i, a move from a settled cell
 * s with accumulated cost A(s) to a neighbour t costs, in cell widths
 * (r.cost's EW_fac, DIAG_fac, V_DIAG_fac and H_DIAG_fac for square cells):
 *   straight        A(t) = A(s) + (c(t) + c(s)) * 1/2
 *   diagonal        A(t) = A(s) + (c(t) + c(s)) * sqrt(2)/2
 *   knight (-k)     A(t) = A(s) + (c(a) + c(b) + c(t) + c(s)) * sqrt(5)/4
 * where a and b are the straight and diagonal cells the knight's move passes
 * (for the move two up and one left: the cell above and the one above-left),
 * summed in r.cost's order ((c(a) + c(b)) + c(t)) + c(s) so that results are
 * bit-identical. Sources start at 0. With opts->unit_m > 0 the factors are
 * multiplied by cell_m / unit_m (cost per unit length times length).
 * Neighbours are visited in r.cost's order (W, E, N, S, NW, NE, SE, SW, then
 * NNW, NNE, SSE, SSW, WNW, ENE, ESE, WSW); a neighbour is updated only on a
 * strictly lower cost; the queue pops the lowest cost first and, among equal
 * costs, the entry inserted first (r.cost heap.c's "age"), so ties resolve
 * exactly as in r.cost and the direction rasters agree even on integer
 * frictions. Stale queue entries are skipped (lazy deletion, as r.cost
 * does: on pop, and in bulk when their calendar slot is made current), and
 * every insertion, stale or not, takes an age.
 *
 * Directions are stored as r.cost's outdir: in the reached cell, degrees
 * counter-clockwise from east pointing back to the cell it was reached from
 * (45-degree steps, 22.5 with knight's moves); sources and unreached cells
 * are NaN, as in r.cost 8.
 *
 * Nodata: NaN and negative friction are "null" (r.cost turns negative values
 * into null_cost, with a warning): with null_cost NaN (the default) they are
 * barriers that are never entered, and a knight's move passing one is
 * blocked too (the sum is NaN); with null_cost >= 0 they cost that much, and
 * keep_nulls puts NaN back into their output cells (r.cost -n).
 *
 * Complexity: O(N log F) for N reached cells and F the frontier size (the
 * heap holds the frontier plus stale entries); 8 or 16 relaxations per cell.
 * Memory: the caller's accum (8 B a cell) and code (1 B a cell) arrays plus
 * the queue (16 B an entry, a few per frontier cell) and 16384 slot headers;
 * no per-cell allocation. An entry packs its cell index and its age in one
 * 64-bit word beside the cost, so a grid needs ceil(log2(cells)) bits plus
 * the bits of 16 x cells + sources (8 x without knight's moves) <= 64:
 * grids up to 2^29 cells (23170 x 23170) run; larger ones fail with
 * SENDA_ERR_DATA. Interior cells are relaxed by an unrolled copy of the move
 * loop. The queue is a calendar queue over a small binary
 * heap instead of r.cost's 3-ary heap: the same total order on (cost, age),
 * so the same pop sequence, with O(1) work per entry plus a heap a few
 * entries deep.
 *
 * Differences from r.cost, deliberate: max_cost is a double, and cells whose
 * cost exceeds it are NaN (r.cost stops there but keeps the tentative costs
 * of the frontier in its output); sources outside the grid are skipped with
 * a warning (r.cost warns and skips coordinates outside the region too, but
 * fails on a vector start point outside); stop points, start values (-r),
 * nearest-source output, solver and bitmask directions (-b) are not
 * implemented; rectangular cells are not supported (grids are square).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "cost/cost_int.h"
#include "cost/queue_int.h"
#include "grid/grid_int.h"

/* r.cost's neighbour order and outdir values (main.c, "Order in which
 * neighbors are visited"). Index 0 is unused. */
const int senda__cost_drow[17] = {0, 0, 0, -1, 1, -1, -1, 1, 1, -2, -2, 2, 2, -1, -1, 1, 1};
const int senda__cost_dcol[17] = {0, -1, 1, 0, 0, -1, 1, 1, -1, -1, 1, 1, -1, -2, 2, 2, -2};
const double senda__cost_deg[17] = {0,     360.0, 180.0, 270.0, 90.0,  315.0,
                                    225.0, 135.0, 45.0,  292.5, 247.5, 112.5,
                                    67.5,  337.5, 202.5, 157.5, 22.5};
/* For knight's move k (9..16): the straight and the diagonal move whose
 * cells it passes (N and NW for NNW, ...). */
const int senda__cost_knight_via[17][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0},
                                            {0, 0}, {0, 0}, {0, 0}, {3, 5}, {3, 6}, {4, 7},
                                            {4, 8}, {1, 5}, {2, 6}, {2, 7}, {1, 8}};

double senda__cost_move_factor(int k)
{
    return k <= 4 ? 1.0 / 2.0 : k <= 8 ? sqrt(2.0) / 2.0 : sqrt(5.0) / 4.0;
}

void senda_cost_opts_init(senda_cost_opts *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->null_cost = (double)NAN;
}

int senda__cost_code_of_deg(double deg)
{
    if (!(deg > 0.0))
        return 0;
    for (int k = 1; k <= 16; k++)
        if (fabs(deg - senda__cost_deg[k]) < 1e-3) /* values are multiples of 22.5 */
            return k;
    return 0;
}

/* Friction with r.cost's null rule: NaN and negatives become null_cost. */
static inline double friction(const senda__cost_run *run, size_t i)
{
    double c = run->cost[i];
    return c >= 0.0 ? c : run->null_cost;
}

/* Move k to cell j at cost mc: taken when strictly cheaper than j's cost. */
static inline int try_move(senda_ctx *ctx, senda__cost_run *run, queue *q, size_t j, int k,
                           double mc)
{
    if (!(mc <= DBL_MAX)) /* NaN: a null cell on the way; inf: overflow */
        return 0;
    double old = run->accum[j];
    if (!(old <= mc)) { /* unreached (NaN) or strictly higher */
        run->accum[j] = mc;
        run->code[j] = (uint8_t)k;
        return q_push(ctx, q, mc, j);
    }
    return 0;
}

/* relax() for a cell at least m cells from every edge, unrolled: the same
 * moves in the same order with the same sums as the loop below. */
static inline int relax_interior(senda_ctx *ctx, senda__cost_run *run, queue *q,
                                 const double fac[17], size_t i, double base, int knight)
{
    size_t w = run->n_cols;
    double my = friction(run, i);
    double vW = friction(run, i - 1), vE = friction(run, i + 1);
    double vN = friction(run, i - w), vS = friction(run, i + w);
    double vNW = friction(run, i - w - 1), vNE = friction(run, i - w + 1);
    double vSE = friction(run, i + w + 1), vSW = friction(run, i + w - 1);
    double fs = fac[1], fd = fac[5];
    if (try_move(ctx, run, q, i - 1, 1, base + (vW + my) * fs) != 0 ||
        try_move(ctx, run, q, i + 1, 2, base + (vE + my) * fs) != 0 ||
        try_move(ctx, run, q, i - w, 3, base + (vN + my) * fs) != 0 ||
        try_move(ctx, run, q, i + w, 4, base + (vS + my) * fs) != 0 ||
        try_move(ctx, run, q, i - w - 1, 5, base + (vNW + my) * fd) != 0 ||
        try_move(ctx, run, q, i - w + 1, 6, base + (vNE + my) * fd) != 0 ||
        try_move(ctx, run, q, i + w + 1, 7, base + (vSE + my) * fd) != 0 ||
        try_move(ctx, run, q, i + w - 1, 8, base + (vSW + my) * fd) != 0)
        return -1;
    if (!knight)
        return 0;
    double fk = fac[9];
    size_t nnw = i - 2 * w - 1, nne = i - 2 * w + 1, sse = i + 2 * w + 1, ssw = i + 2 * w - 1;
    size_t wnw = i - w - 2, ene = i - w + 2, ese = i + w + 2, wsw = i + w - 2;
    /* via cells as senda__cost_knight_via: NNW passes N and NW, ... */
    if (try_move(ctx, run, q, nnw, 9, base + (((vN + vNW) + friction(run, nnw)) + my) * fk) != 0 ||
        try_move(ctx, run, q, nne, 10, base + (((vN + vNE) + friction(run, nne)) + my) * fk) != 0 ||
        try_move(ctx, run, q, sse, 11, base + (((vS + vSE) + friction(run, sse)) + my) * fk) != 0 ||
        try_move(ctx, run, q, ssw, 12, base + (((vS + vSW) + friction(run, ssw)) + my) * fk) != 0 ||
        try_move(ctx, run, q, wnw, 13, base + (((vW + vNW) + friction(run, wnw)) + my) * fk) != 0 ||
        try_move(ctx, run, q, ene, 14, base + (((vE + vNE) + friction(run, ene)) + my) * fk) != 0 ||
        try_move(ctx, run, q, ese, 15, base + (((vE + vSE) + friction(run, ese)) + my) * fk) != 0 ||
        try_move(ctx, run, q, wsw, 16, base + (((vW + vSW) + friction(run, wsw)) + my) * fk) != 0)
        return -1;
    return 0;
}

/* Relax the neighbours of settled cell i (row, col) with cost base. The
 * interior test sends most cells to the unrolled relax_interior(). */
static int relax(senda_ctx *ctx, senda__cost_run *run, queue *q, const double fac[17],
                 const ptrdiff_t off[17], size_t i, double base)
{
    size_t n_rows = run->n_rows, n_cols = run->n_cols;
    size_t row = i / n_cols, col = i % n_cols;
    int n_moves = run->knight ? 16 : 8;
    size_t m = run->knight ? 2 : 1;
    int interior = row >= m && row + m < n_rows && col >= m && col + m < n_cols;
    if (interior)
        return run->knight ? relax_interior(ctx, run, q, fac, i, base, 1)
                           : relax_interior(ctx, run, q, fac, i, base, 0);
    double my = friction(run, i);
    double v[17]; /* friction of the cell each move reaches */
    for (int k = 1; k <= n_moves; k++) {
        long r = (long)row + senda__cost_drow[k], c = (long)col + senda__cost_dcol[k];
        if (r < 0 || c < 0 || (size_t)r >= n_rows || (size_t)c >= n_cols) {
            v[k] = (double)NAN;
            continue;
        }
        size_t j = (size_t)((ptrdiff_t)i + off[k]);
        v[k] = friction(run, j);
        const int *via = senda__cost_knight_via[k];
        double fc = k <= 8 ? v[k] + my : v[via[0]] + v[via[1]] + v[k] + my;
        if (try_move(ctx, run, q, j, k, base + fc * fac[k]) != 0)
            return -1;
    }
    return 0;
}

/* The largest cost a single move can add: the costliest move factor times
 * the cells it sums at the highest friction. */
static double max_move(const senda__cost_run *run)
{
    size_t n = run->n_rows * run->n_cols;
    double hi = isnan(run->null_cost) ? 0.0 : run->null_cost;
    for (size_t i = 0; i < n; i++)
        if (run->cost[i] > hi)
            hi = run->cost[i];
    return hi * (run->knight ? 4.0 * sqrt(5.0) / 4.0 : 2.0 * sqrt(2.0) / 2.0) * run->unit;
}

senda_status senda__cost_dijkstra(senda_ctx *ctx, senda__cost_run *run,
                                  senda_progress_fn progress, void *progress_arg)
{
    size_t n = run->n_rows * run->n_cols;
    senda_status st = SENDA_OK;
    queue q;
    int n_moves = run->knight ? 16 : 8;
    if (q_init(&q, max_move(run), n, (uint64_t)n * (uint64_t)n_moves + run->n_src) != 0)
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "grid of %zu x %zu cells too large for the queue's 64-bit cell "
                           "index and insertion order",
                           run->n_rows, run->n_cols);
    q.pf_cost = run->cost;
    q.pf_accum = run->accum;
    q.pf_row = (ptrdiff_t)run->n_cols;
    q.pf_rows = run->knight ? 2 : 1;
    double fac[17];
    ptrdiff_t off[17];
    for (int k = 1; k <= 16; k++) {
        /* r.cost: EW_fac = 1/2, DIAG_fac = sqrt(1 + 1)/2, V/H_DIAG_fac = sqrt(4 + 1)/4 */
        /* exact when unit is 1, so r.cost's bits are kept */
        fac[k] = senda__cost_move_factor(k) * run->unit;
        off[k] = (ptrdiff_t)senda__cost_drow[k] * (ptrdiff_t)run->n_cols + senda__cost_dcol[k];
    }
    senda__advise_huge(run->cost, n * sizeof(double), 1);
    senda__advise_huge(run->accum, n * sizeof(double), 0);
    senda__advise_huge(run->code, n, 0);
    for (size_t i = 0; i < n; i++)
        run->accum[i] = (double)NAN;
    memset(run->code, 0, n);
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "accumulating cost"))
        return SENDA_ERR_CANCELLED;
    for (size_t s = 0; s < run->n_src; s++) {
        run->accum[run->src[s]] = 0.0;
        if (q_push(ctx, &q, 0.0, run->src[s]) != 0) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
    }
    size_t n_settled = 0, next_report = 0;
    qentry e;
    while (q_pop(&q, &e)) {
        double cost = e.cost;
        if (run->max_cost > 0.0 && cost > run->max_cost)
            break;
        size_t idx = (size_t)(e.key & q.idx_mask);
        if (cost > run->accum[idx]) /* stale: a cheaper entry was settled */
            continue;
        if (relax(ctx, run, &q, fac, off, idx, cost) != 0) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        if (!q_report_settled(ctx, progress, progress_arg, &n_settled, &next_report, n)) {
            st = SENDA_ERR_CANCELLED;
            goto done;
        }
    }
    if (run->max_cost > 0.0)
        for (size_t i = 0; i < n; i++)
            if (run->accum[i] > run->max_cost) {
                run->accum[i] = (double)NAN;
                run->code[i] = 0;
            }
done:
    q_free(&q);
    return st;
}

senda_status senda__cost_source_cells(senda_ctx *ctx, const senda_grid *g,
                                      const senda_points *pts, size_t **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    size_t *cells = senda__malloc(ctx, (pts->n ? pts->n : 1) * sizeof *cells);
    if (!cells)
        return SENDA_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < pts->n; i++) {
        double fc = floor((pts->x[i] - g->x_min) / g->cell_m);
        double fr = floor((g->y_max - pts->y[i]) / g->cell_m);
        if (!(fc >= 0.0 && fr >= 0.0 && fc < (double)g->n_cols && fr < (double)g->n_rows)) {
            senda__log(ctx, 1, "source %zu at (%.3f, %.3f) is outside the grid, skipped", i,
                       pts->x[i], pts->y[i]);
            continue;
        }
        cells[n++] = (size_t)fr * g->n_cols + (size_t)fc;
    }
    if (n == 0) {
        senda__free(cells);
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "none of the %zu sources lies inside the %zu x %zu grid", pts->n,
                           g->n_rows, g->n_cols);
    }
    *out = cells;
    *n_out = n;
    return SENDA_OK;
}

static senda_status check_opts(senda_ctx *ctx, const senda_cost_opts *o)
{
    if (o->knight != 0 && o->knight != 1)
        return senda__fail(ctx, SENDA_ERR_ARG, "knight must be 0 or 1, got %d", o->knight);
    if (!(o->unit_m >= 0.0) || !isfinite(o->unit_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "unit_m must be >= 0, got %g", o->unit_m);
    if (!(o->max_cost >= 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "max_cost must be >= 0, got %g", o->max_cost);
    if (!isnan(o->null_cost) && !(o->null_cost >= 0.0 && isfinite(o->null_cost)))
        return senda__fail(ctx, SENDA_ERR_ARG, "null_cost must be NaN or >= 0, got %g",
                           o->null_cost);
    return SENDA_OK;
}

senda_status senda_cost_accumulate(senda_ctx *ctx, const senda_grid *friction_grid,
                                   const senda_points *sources, const senda_cost_opts *opts,
                                   senda_grid **accum, senda_grid **direction,
                                   senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    if (accum)
        *accum = NULL;
    if (direction)
        *direction = NULL;
    if (!friction_grid || !sources || !opts || !accum)
        return senda__fail(ctx, SENDA_ERR_ARG, "friction, sources, opts or accum is NULL");
    senda_status st = check_opts(ctx, opts);
    if (st != SENDA_OK)
        return st;
    const senda_grid *g = friction_grid;
    size_t n = g->n_rows * g->n_cols, *src = NULL, n_src = 0;
    uint8_t *code = NULL;
    senda_grid *acc = NULL, *dir = NULL;
    if ((st = senda__cost_source_cells(ctx, g, sources, &src, &n_src)) != SENDA_OK)
        goto done;
    if ((st = senda_grid_create(ctx, g->n_rows, g->n_cols, g->x_min, g->y_max, g->cell_m,
                                g->crs, 0.0, &acc)) != SENDA_OK)
        goto done;
    if (!(code = senda__malloc(ctx, n))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    senda__cost_run run = {g->data, g->n_rows, g->n_cols,
                           opts->unit_m > 0.0 ? g->cell_m / opts->unit_m : 1.0,
                           opts->knight, opts->max_cost, opts->null_cost, src, n_src,
                           acc->data, code};
    if ((st = senda__cost_dijkstra(ctx, &run, progress, progress_arg)) != SENDA_OK)
        goto done;
    if (opts->keep_nulls && !isnan(opts->null_cost)) /* r.cost ignores -n without null_cost */
        for (size_t i = 0; i < n; i++)
            if (!(g->data[i] >= 0.0))
                acc->data[i] = (double)NAN;
    senda_grid_set_units(ctx, acc, opts->unit_m > 0.0 ? "cost x length" : "cost x cells",
                         "accumulated cost (r.cost)");
    if (direction) {
        if ((st = senda_grid_create(ctx, g->n_rows, g->n_cols, g->x_min, g->y_max, g->cell_m,
                                    g->crs, 0.0, &dir)) != SENDA_OK)
            goto done;
        for (size_t i = 0; i < n; i++)
            dir->data[i] = code[i] ? senda__cost_deg[code[i]] : (double)NAN;
        senda_grid_set_units(ctx, dir, "degrees",
                             "movement direction, degrees ccw from east, towards the source");
    }
    if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL)) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
done:
    senda__free(src);
    senda__free(code);
    if (st != SENDA_OK) {
        senda_grid_destroy(acc);
        senda_grid_destroy(dir);
        acc = dir = NULL;
    }
    *accum = acc;
    if (direction)
        *direction = dir;
    return st;
}
