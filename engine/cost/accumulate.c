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
 * strictly lower cost. r.cost pops the lowest cost first and, among equal
 * costs, the entry inserted first (heap.c's "age"); the direction of a cell
 * is therefore the move from the first of its equal-cost best parents to
 * leave r.cost's heap, and that is what senda stores, so the direction
 * rasters agree even on integer frictions.
 *
 * Queue. When every friction a move can sum is > 0, every move adds at
 * least w = (2 f_min) x 1/2 (a straight move between two cells of the least
 * friction; diagonal and knight's moves cost more), and the queue is Dial's
 * buckets of width w (queue_int.h): once a bucket is current no cell in it
 * can get cheaper (a path through another cell of it costs one more move),
 * so its cells are expanded once each, in any order; here sorted by band of
 * rows, so that consecutive cells share cache lines and pages, with their
 * neighbourhoods prefetched a dozen cells ahead. The costs are the same
 * minima over the same candidate sums as in r.cost's order. Directions need
 * r.cost's order only on ties: a move reaching a cell at exactly its present
 * cost takes over when its cell leaves r.cost's heap before the present
 * parent (pops_before(): by cost, then by age; an age is the pair (the
 * parent's pop rank, the move number), so equal costs are decided by the
 * parents, recursively up to the sources, which are oldest in their given
 * order). A move that lands below the next bucket (rounding, at costs
 * beyond about 10^10 bucket widths) is detected, and the search starts
 * again on the calendar queue.
 * When the least friction is 0 (or null_cost is 0), or the spread of move
 * costs would need more than 65533 buckets, the calendar queue runs: a
 * two-level calendar over a small binary heap ordered exactly by (cost,
 * age), so the same pop sequence as r.cost's 3-ary heap. Stale queue
 * entries are skipped (lazy deletion, as r.cost does).
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
 * Complexity: O(N + C / w) with the buckets, for N reached cells and C the
 * largest cost; O(N log F) with the calendar queue (F the frontier); 8 or
 * 16 relaxations per cell; a tie walks up the parents while their costs
 * are equal (a few steps; up to the path length on a uniform friction, for
 * the cells on its axes of symmetry). Memory: the caller's accum (8 B a
 * cell) and code (1 B a cell) arrays plus the queue: the buckets hold 4 B
 * an entry, a few per frontier cell, in a ring of max move / w buckets; the
 * calendar 16 B an entry and 16384 slot headers, its entry packing the cell
 * index and the age in one 64-bit word beside the cost, so that grids up
 * to 2^29 cells (23170 x 23170) run on it and larger ones fail with
 * SENDA_ERR_DATA (the buckets take grids up to 2^32 cells). No per-cell
 * allocation. Interior cells are relaxed by an unrolled copy of the move
 * loop. The accumulated cost and code arrays are advised onto huge pages
 * (senda__advise_huge): a cell's neighbourhood spans three rows, three
 * 4 KB pages of each array, and the search is otherwise bound by TLB
 * misses. The friction is left on its 4 KB pages: collapsing it too (as
 * the calendar search did) saved a little more user time but cost 1-2.5 s
 * of system time in most runs (fresh 2 MB blocks, which on the benchmark's
 * virtual machine the host must fault in). Measured on the 4000 x 4000
 * benchmark after r.cost in one GRASS session, two rounds, user + system
 * seconds: 8 neighbours 1.41-1.51 + 0.25-0.27 against 1.64-1.73 + 0.21-0.26
 * without huge pages and 1.36-1.39 + 1.1-2.0 with the friction collapsed;
 * 16 neighbours 2.64 + 0.24-0.39, 3.29-3.38 + 0.27-0.29, 2.12-2.26 +
 * 2.3-2.5. The direction grid is created before the search and, from 2^20
 * cells, faulted in on a second thread while the search runs (senda__cost_nan_fill()).
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
#include <pthread.h>
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

/* The queue of one search: Dial's buckets (use_b) or the calendar queue. */
typedef struct {
    queue *q;             /* the calendar queue, when !use_b */
    bqueue b;             /* Dial's buckets, when use_b */
    int use_b;
    int below;            /* a bucket push fell at or below the current bucket */
    const ptrdiff_t *off; /* index offset of move k */
} cost_queue;

/* Does settled cell a leave r.cost's heap before settled cell b (a != b)?
 * r.cost pops by (cost, age); a cell's age is that of the push that gave
 * it its final cost, made while its parent (the cell its direction points
 * to) was expanded: ages order as (pop order of the parent, move number),
 * and a source's age is its place among the sources, below every other
 * age. So equal costs are decided by the parents, recursively. */
static int pops_before(const senda__cost_run *run, const ptrdiff_t *off, size_t a, size_t b)
{
    size_t n = run->n_rows * run->n_cols;
    for (size_t step = 0; step < n; step++) { /* costs fall along the parents: ends */
        double ca = run->accum[a], cb = run->accum[b];
        if (ca != cb)
            return ca < cb;
        int ka = run->code[a], kb = run->code[b];
        if (ka == 0 || kb == 0) { /* a source */
            if (ka != kb)
                return ka == 0;
            for (size_t s = 0; s < run->n_src; s++) /* the first push of either */
                if (run->src[s] == a || run->src[s] == b)
                    return run->src[s] == a;
            return 0;
        }
        size_t pa = (size_t)((ptrdiff_t)a - off[ka]), pb = (size_t)((ptrdiff_t)b - off[kb]);
        if (pa == pb)
            return ka < kb;
        a = pa;
        b = pb;
    }
    return 0;
}

/* Cell j, reached by move k from s at its present cost again: with the
 * buckets, cells are expanded out of r.cost's order, so take the move when
 * s leaves r.cost's heap before j's present parent (the first of the
 * equal-cost parents to be expanded is the one r.cost keeps). */
static void tie(const senda__cost_run *run, const cost_queue *cq, size_t j, int k, size_t s)
{
    size_t p = (size_t)((ptrdiff_t)j - cq->off[run->code[j]]);
    if (p != s && pops_before(run, cq->off, s, p))
        run->code[j] = (uint8_t)k;
}

/* Queue cell j in the bucket of its new cost mc (its old one: old, NaN if
 * unreached) unless it is there already. A push at or below the current
 * bucket (a move cheaper than the bucket width: rounding at huge costs)
 * sets cq->below; the search then starts again on the calendar queue. */
static inline int b_push(senda_ctx *ctx, cost_queue *cq, size_t j, double old, double mc)
{
    bqueue *b = &cq->b;
    uint64_t jb = bq_bucket(b, mc);
    if (__builtin_expect(jb <= b->cur, 0)) {
        cq->below = 1;
        return 0;
    }
    if (!isnan(old) && bq_bucket(b, old) == jb)
        return 0;
    b->n++;
    return bq_append(ctx, &b->b[jb & (b->n_b - 1)], (uint32_t)j);
}

/* Move k from settled cell s to cell j at cost mc: taken when strictly
 * cheaper than j's cost (r.cost); an equal cost decides the direction
 * only (tie()), with the buckets. use_b is a constant at each call. */
static inline __attribute__((always_inline)) int try_move(senda_ctx *ctx, senda__cost_run *run,
                                                          cost_queue *cq, size_t j, int k,
                                                          double mc, size_t s, int use_b)
{
    if (!(mc <= DBL_MAX)) /* NaN: a null cell on the way; inf: overflow */
        return 0;
    double old = run->accum[j];
    if (!(old <= mc)) { /* unreached (NaN) or strictly higher */
        run->accum[j] = mc;
        run->code[j] = (uint8_t)k;
        return use_b ? b_push(ctx, cq, j, old, mc) : q_push(ctx, cq->q, mc, j);
    }
    if (use_b && __builtin_expect(old == mc, 0))
        tie(run, cq, j, k, s);
    return 0;
}

/* relax() for a cell at least m cells from every edge, unrolled: the same
 * moves in the same order with the same sums as the loop below. */
static inline __attribute__((always_inline)) int
relax_interior(senda_ctx *ctx, senda__cost_run *run, cost_queue *q, const double fac[17],
               size_t i, double base, int knight, int use_b)
{
    size_t w = run->n_cols;
    double my = friction(run, i);
    double vW = friction(run, i - 1), vE = friction(run, i + 1);
    double vN = friction(run, i - w), vS = friction(run, i + w);
    double vNW = friction(run, i - w - 1), vNE = friction(run, i - w + 1);
    double vSE = friction(run, i + w + 1), vSW = friction(run, i + w - 1);
    double fs = fac[1], fd = fac[5];
#define MOVE(j, k, mc) try_move(ctx, run, q, j, k, mc, i, use_b)
    if (MOVE(i - 1, 1, base + (vW + my) * fs) != 0 || MOVE(i + 1, 2, base + (vE + my) * fs) != 0 ||
        MOVE(i - w, 3, base + (vN + my) * fs) != 0 || MOVE(i + w, 4, base + (vS + my) * fs) != 0 ||
        MOVE(i - w - 1, 5, base + (vNW + my) * fd) != 0 ||
        MOVE(i - w + 1, 6, base + (vNE + my) * fd) != 0 ||
        MOVE(i + w + 1, 7, base + (vSE + my) * fd) != 0 ||
        MOVE(i + w - 1, 8, base + (vSW + my) * fd) != 0)
        return -1;
    if (!knight)
        return 0;
    double fk = fac[9];
    size_t nnw = i - 2 * w - 1, nne = i - 2 * w + 1, sse = i + 2 * w + 1, ssw = i + 2 * w - 1;
    size_t wnw = i - w - 2, ene = i - w + 2, ese = i + w + 2, wsw = i + w - 2;
    /* via cells as senda__cost_knight_via: NNW passes N and NW, ... */
    if (MOVE(nnw, 9, base + (((vN + vNW) + friction(run, nnw)) + my) * fk) != 0 ||
        MOVE(nne, 10, base + (((vN + vNE) + friction(run, nne)) + my) * fk) != 0 ||
        MOVE(sse, 11, base + (((vS + vSE) + friction(run, sse)) + my) * fk) != 0 ||
        MOVE(ssw, 12, base + (((vS + vSW) + friction(run, ssw)) + my) * fk) != 0 ||
        MOVE(wnw, 13, base + (((vW + vNW) + friction(run, wnw)) + my) * fk) != 0 ||
        MOVE(ene, 14, base + (((vE + vNE) + friction(run, ene)) + my) * fk) != 0 ||
        MOVE(ese, 15, base + (((vE + vSE) + friction(run, ese)) + my) * fk) != 0 ||
        MOVE(wsw, 16, base + (((vW + vSW) + friction(run, wsw)) + my) * fk) != 0)
        return -1;
#undef MOVE
    return 0;
}

/* Relax the neighbours of settled cell i (row, col) with cost base. The
 * interior test sends most cells to the unrolled relax_interior(). */
static inline __attribute__((always_inline)) int relax(senda_ctx *ctx, senda__cost_run *run,
                                                       cost_queue *q, const double fac[17],
                                                       size_t i, double base, int use_b)
{
    size_t n_rows = run->n_rows, n_cols = run->n_cols;
    size_t row = i / n_cols, col = i % n_cols;
    int n_moves = run->knight ? 16 : 8;
    size_t m = run->knight ? 2 : 1;
    int interior = row >= m && row + m < n_rows && col >= m && col + m < n_cols;
    if (interior)
        return run->knight ? relax_interior(ctx, run, q, fac, i, base, 1, use_b)
                           : relax_interior(ctx, run, q, fac, i, base, 0, use_b);
    double my = friction(run, i);
    double v[17]; /* friction of the cell each move reaches */
    for (int k = 1; k <= n_moves; k++) {
        long r = (long)row + senda__cost_drow[k], c = (long)col + senda__cost_dcol[k];
        if (r < 0 || c < 0 || (size_t)r >= n_rows || (size_t)c >= n_cols) {
            v[k] = (double)NAN;
            continue;
        }
        size_t j = (size_t)((ptrdiff_t)i + q->off[k]);
        v[k] = friction(run, j);
        const int *via = senda__cost_knight_via[k];
        double fc = k <= 8 ? v[k] + my : v[via[0]] + v[via[1]] + v[k] + my;
        if (try_move(ctx, run, q, j, k, base + fc * fac[k], i, use_b) != 0)
            return -1;
    }
    return 0;
}

/* The least and the largest friction a move can sum (*lo, *hi; NaN cells
 * are barriers unless null_cost says what they cost). */
static void friction_range(const senda__cost_run *run, double *lo, double *hi)
{
    size_t n = run->n_rows * run->n_cols;
    double l = isnan(run->null_cost) ? (double)INFINITY : run->null_cost;
    double h = isnan(run->null_cost) ? 0.0 : run->null_cost;
    for (size_t i = 0; i < n; i++) { /* comparisons skip NaN; negatives are null */
        double c = run->cost[i];
        l = c >= 0.0 && c < l ? c : l;
        h = c > h ? c : h;
    }
    *lo = l;
    *hi = h;
}

/* Start loading the neighbourhood (rows c +- m) of cell c in the arrays
 * the expansion reads. Addresses as integers: a neighbourhood may reach
 * past the arrays, which a prefetch tolerates but pointer arithmetic must
 * not do. always_inline: else GCC finds it free of side effects and drops
 * its calls. */
static inline __attribute__((always_inline)) void prefetch_cell(const senda__cost_run *run,
                                                                size_t c, int m)
{
    uintptr_t i = (uintptr_t)c * sizeof(double);
    for (int r = -m; r <= m; r++) {
        ptrdiff_t d = (ptrdiff_t)r * (ptrdiff_t)run->n_cols;
        uintptr_t db = (uintptr_t)(d * (ptrdiff_t)sizeof(double));
        __builtin_prefetch((const void *)((uintptr_t)run->cost + i + db));
        __builtin_prefetch((const void *)((uintptr_t)run->accum + i + db), 1);
    }
}

/* Entries of the current bucket looked ahead for prefetching: each entry's
 * cost 2 BQ_AHEAD entries ahead, then BQ_AHEAD ahead its neighbourhood, with
 * knight's moves only for the entries that are not stale (a cell lowered
 * into an earlier bucket and expanded there: many with 16 moves, as in
 * walk.c). Measured on scripts/bench/cost's 4000 x 4000 friction: 16
 * neighbours 8 % less search time; 8 neighbours, where the check cost
 * 2-3 % more than it saved, prefetch every entry's neighbourhood. */
#define BQ_AHEAD 12

/* The search over Dial's buckets: each bucket's cells, sorted by band of
 * rows, expanded once with their final cost. SENDA_OK with cq->below set
 * when a push fell below the current bucket (the caller starts again on
 * the calendar queue). */
static senda_status search_buckets(senda_ctx *ctx, senda__cost_run *run, cost_queue *cq,
                                   const double fac[17], senda_progress_fn progress,
                                   void *progress_arg)
{
    bqueue *b = &cq->b;
    size_t n = run->n_rows * run->n_cols, n_settled = 0, next_report = 0;
    int m = run->knight ? 2 : 1;
    for (; b->n > 0; b->cur++) {
        bq_vec *v = &b->b[b->cur & (b->n_b - 1)];
        if (bq_sort_bands(ctx, b, v, run->n_rows, run->n_cols) != 0)
            return SENDA_ERR_NOMEM;
        for (size_t i = 0; i < v->n && i < 2 * BQ_AHEAD; i++)
            __builtin_prefetch(run->accum + v->a[i]);
        for (size_t i = 0; i < v->n && i < BQ_AHEAD; i++)
            if (m == 1 || bq_bucket(b, run->accum[v->a[i]]) == b->cur)
                prefetch_cell(run, v->a[i], m);
        for (size_t i = 0; i < v->n; i++) {
            if (i + 2 * BQ_AHEAD < v->n)
                __builtin_prefetch(run->accum + v->a[i + 2 * BQ_AHEAD]);
            if (i + BQ_AHEAD < v->n &&
                (m == 1 || bq_bucket(b, run->accum[v->a[i + BQ_AHEAD]]) == b->cur))
                prefetch_cell(run, v->a[i + BQ_AHEAD], m);
            size_t s = v->a[i];
            double cost = run->accum[s];
            if (bq_bucket(b, cost) != b->cur) /* it moved to an earlier bucket */
                continue;
            if (run->max_cost > 0.0 && cost > run->max_cost)
                continue; /* r.cost stops before it: never expanded */
            if (relax(ctx, run, cq, fac, s, cost, 1) != 0)
                return SENDA_ERR_NOMEM;
            if (cq->below)
                return SENDA_OK;
            if (!q_report_settled(ctx, progress, progress_arg, &n_settled, &next_report, n))
                return SENDA_ERR_CANCELLED;
        }
        b->n -= v->n;
        v->n = 0;
    }
    return SENDA_OK;
}

/* The search over the calendar queue, in r.cost's exact (cost, age) order. */
static senda_status search_calendar(senda_ctx *ctx, senda__cost_run *run, cost_queue *cq,
                                    const double fac[17], senda_progress_fn progress,
                                    void *progress_arg)
{
    queue *q = cq->q;
    size_t n = run->n_rows * run->n_cols, n_settled = 0, next_report = 0;
    q->pf_cost = run->cost;
    q->pf_accum = run->accum;
    q->pf_row = (ptrdiff_t)run->n_cols;
    q->pf_rows = run->knight ? 2 : 1;
    for (size_t s = 0; s < run->n_src; s++)
        if (q_push(ctx, q, 0.0, run->src[s]) != 0)
            return SENDA_ERR_NOMEM;
    qentry e;
    while (q_pop(q, &e)) {
        double cost = e.cost;
        if (run->max_cost > 0.0 && cost > run->max_cost)
            break;
        size_t idx = (size_t)(e.key & q->idx_mask);
        if (cost > run->accum[idx]) /* stale: a cheaper entry was settled */
            continue;
        if (relax(ctx, run, cq, fac, idx, cost, 0) != 0)
            return SENDA_ERR_NOMEM;
        if (!q_report_settled(ctx, progress, progress_arg, &n_settled, &next_report, n))
            return SENDA_ERR_CANCELLED;
    }
    return SENDA_OK;
}

/* Every cell unreached, the sources at 0. */
static void start(senda__cost_run *run)
{
    size_t n = run->n_rows * run->n_cols;
    for (size_t i = 0; i < n; i++)
        run->accum[i] = (double)NAN;
    memset(run->code, 0, n);
    for (size_t s = 0; s < run->n_src; s++)
        run->accum[run->src[s]] = 0.0;
}

/* The search on Dial's buckets of width w; *solved set when it gave the
 * result, left 0 when the buckets do not apply (w = 0, or too many for
 * the spread of move costs) or a push fell below the current bucket. */
static senda_status run_buckets(senda_ctx *ctx, senda__cost_run *run, cost_queue *cq,
                                const double fac[17], double w, double max_move, int *solved,
                                senda_progress_fn progress, void *progress_arg)
{
    size_t n = run->n_rows * run->n_cols;
    int r = bq_init(ctx, &cq->b, w, max_move, n);
    if (r != 0)
        return r < 0 ? SENDA_ERR_NOMEM : SENDA_OK;
    cq->use_b = 1;
    senda_status st = SENDA_OK;
    for (size_t s = 0; s < run->n_src; s++) { /* bucket 0, once a cell (code marks it) */
        size_t c = run->src[s];
        if (run->code[c])
            continue;
        run->code[c] = 1;
        cq->b.n++;
        if (bq_append(ctx, &cq->b.b[0], (uint32_t)c) != 0) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
    }
    for (size_t s = 0; s < run->n_src; s++)
        run->code[run->src[s]] = 0;
    st = search_buckets(ctx, run, cq, fac, progress, progress_arg);
    if (st == SENDA_OK && cq->below)
        senda__log(ctx, 2,
                   "accumulated cost: a move cheaper than the bucket width at costs near %g "
                   "(rounding); searching again on the calendar queue",
                   (double)cq->b.cur / cq->b.inv_width);
    *solved = st == SENDA_OK && !cq->below;
done:
    bq_free(&cq->b);
    cq->use_b = 0;
    return st;
}

senda_status senda__cost_dijkstra(senda_ctx *ctx, senda__cost_run *run,
                                  senda_progress_fn progress, void *progress_arg)
{
    size_t n = run->n_rows * run->n_cols;
    int n_moves = run->knight ? 16 : 8;
    double fac[17];
    ptrdiff_t off[17];
    for (int k = 1; k <= 16; k++) {
        /* r.cost: EW_fac = 1/2, DIAG_fac = sqrt(1 + 1)/2, V/H_DIAG_fac = sqrt(4 + 1)/4 */
        /* exact when unit is 1, so r.cost's bits are kept */
        fac[k] = senda__cost_move_factor(k) * run->unit;
        off[k] = (ptrdiff_t)senda__cost_drow[k] * (ptrdiff_t)run->n_cols + senda__cost_dcol[k];
    }
    /* The costliest move sums 2 cells (4 with knight's moves) at the highest
     * friction; the cheapest, a straight one, 2 at the least: every move
     * adds at least (2 f_lo) fac[1] (rounded up or down as the moves are;
     * 1e-6 less for the rounding of the sums). */
    double f_lo, f_hi;
    friction_range(run, &f_lo, &f_hi);
    double max_move = f_hi * (run->knight ? sqrt(5.0) : sqrt(2.0)) * run->unit;
    double w = isfinite(f_lo) ? (f_lo + f_lo) * fac[1] * (1.0 - 1e-6) : 0.0;
    cost_queue cq = {NULL, {0}, 0, 0, off};
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "accumulating cost"))
        return SENDA_ERR_CANCELLED;
    senda__advise_huge(run->accum, n * sizeof(double), 0); /* header: Memory */
    senda__advise_huge(run->code, n, 0);
    start(run);
    int solved = 0;
    senda_status st = run_buckets(ctx, run, &cq, fac, w, max_move, &solved, progress, progress_arg);
    if (st != SENDA_OK || solved)
        goto done;
    queue q;
    if (q_init(&q, max_move, n, (uint64_t)n * (uint64_t)n_moves + run->n_src) != 0)
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "grid of %zu x %zu cells too large for the queue's 64-bit cell "
                           "index and insertion order",
                           run->n_rows, run->n_cols);
    cq.q = &q;
    start(run);
    st = search_calendar(ctx, run, &cq, fac, progress, progress_arg);
    q_free(&q);
done:
    if (st == SENDA_OK && run->max_cost > 0.0)
        for (size_t i = 0; i < n; i++)
            if (run->accum[i] > run->max_cost) {
                run->accum[i] = (double)NAN;
                run->code[i] = 0;
            }
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

/* Fault in a fresh grid's pages (writing NaN) on a second thread while the
 * search runs on the first: on a virtual machine each fresh page can cost
 * a fault the host serves (microseconds to tens of microseconds a page, 0.1
 * to 1 s for a 4000 x 4000 grid), and the search leaves the other core
 * idle. The conversion of the codes then writes pages already present.
 * walk.c fills its accumulated cost with it too. */
void *senda__cost_nan_fill(void *arg)
{
    senda__cost_fill *f = arg;
    for (size_t i = 0; i < f->n; i++)
        f->v[i] = (double)NAN;
    return NULL;
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
    if (st == SENDA_OK && opts->unit_m > 0.0)
        st = senda__grid_need_metres(ctx, friction_grid, "the cost raster",
                                     "move lengths in metres (unit_m > 0) take its cell size "
                                     "as metres");
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
    if (direction && (st = senda_grid_create(ctx, g->n_rows, g->n_cols, g->x_min, g->y_max,
                                             g->cell_m, g->crs, 0.0, &dir)) != SENDA_OK)
        goto done;
    senda__cost_fill job = {dir ? dir->data : NULL, n};
    pthread_t tid;
    int helper = dir && n >= ((size_t)1 << 20) &&
                 pthread_create(&tid, NULL, senda__cost_nan_fill, &job) == 0;
    senda__cost_run run = {g->data, g->n_rows, g->n_cols,
                           opts->unit_m > 0.0 ? g->cell_m / opts->unit_m : 1.0,
                           opts->knight, opts->max_cost, opts->null_cost, src, n_src,
                           acc->data, code};
    st = senda__cost_dijkstra(ctx, &run, progress, progress_arg);
    if (helper)
        pthread_join(tid, NULL);
    if (st != SENDA_OK)
        goto done;
    if (opts->keep_nulls && !isnan(opts->null_cost)) /* r.cost ignores -n without null_cost */
        for (size_t i = 0; i < n; i++)
            if (!(g->data[i] >= 0.0))
                acc->data[i] = (double)NAN;
    senda_grid_set_units(ctx, acc, opts->unit_m > 0.0 ? "cost x length" : "cost x cells",
                         "accumulated cost (r.cost)");
    if (dir) {
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
