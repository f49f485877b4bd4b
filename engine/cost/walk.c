/*
 * walk.c - slope-aware walking cost from a DEM: accumulated walking time
 * plus friction, with GRASS r.walk's model and parameters, so that results
 * compare cell by cell with r.walk.
 *
 * Reference: GRASS GIS 8 r.walk (manual r.walk.html; raster/r.walk/main.c
 * read for its exact semantics). The walking time of a move follows Aitken
 * (1977) and Langmuir (1984):
 *   T = a * dS + b * dH_up + c * dH_moderate_down + d * dH_steep_down
 * with dS the horizontal move length in metres and dH the height difference
 * of the move (the reached cell's elevation minus the settled cell's).
 * A move is uphill when dH >= 0 (T gets b * dH), steep downhill when
 * dH / dS < slope_factor (d * dH), moderate downhill otherwise (c * dH).
 * The friction F enters as in r.cost, averaged over the cells the move
 * touches and multiplied by the move length:
 *   cost = T + lambda * mean(F) * dS,
 * mean(F) over the two end cells for straight and diagonal moves, over the
 * two end cells and the two cells passed for knight's moves; summed in
 * r.walk's order A(t) = ((A(s) + dH-term) + a * dS) + lambda * mean(F) * dS.
 * Moves are computed from the source outwards (a source on a hill top walks
 * downhill), as r.walk does. Defaults: a, b, c, d = 0.72, 6.0, 1.9998,
 * -1.9998 (seconds per metre of distance, of climb, of moderate and of steep
 * descent), lambda = 1, slope_factor = -0.2125 (tan 12 degrees).
 *
 * Nodata: a cell whose elevation or friction is NaN is a barrier (never
 * entered; a knight's move passing a NaN-friction cell is blocked), as
 * r.walk without null_cost. A source on such a cell gets cost 0 and is not
 * expanded (r.walk likewise). Without a friction grid, friction is 0
 * everywhere: r.walk with a friction map of zeros.
 *
 * Algorithm: Dijkstra's algorithm over the 8 (16 with knight's moves)
 * neighbours. Every move costs at least w = cell (a + c slope_factor +
 * lambda min(F)) (a climb or a steep descent costs more), so the queue is
 * Dial's buckets of width w (queue_int.h): the cells of the current bucket
 * cannot get any cheaper and are expanded in any order, here sorted by band
 * of rows so that consecutive cells share cache lines and pages; each cell
 * is expanded once, with its final cost, so every cell's cost is the same
 * minimum over the same candidate sums as in r.walk's heap order (ties may
 * pick another of equal-cost paths: the cost is the same; the results were
 * bit-identical to the earlier heap-ordered search on scripts/compare/walk).
 * When w is 0 (a + c slope_factor = 0 without friction) the exact calendar
 * queue of accumulate.c takes over. Cells away from the edges take an
 * unrolled copy of the move loop (no bounds tests, frictions loaded once,
 * the division dH / dS only for descents). The options are
 * refused when a move could cost less than 0 (a < 0, b < 0, c < 0, d > 0, slope_factor > 0, a + c *
 * slope_factor < 0, lambda < 0, a negative friction cell): r.walk runs such settings, but a least
 * cost is then not defined.
 *
 * Complexity: O(N + C / w) for N reached cells and C the largest cost, 8
 * or 16 relaxations a cell; memory 8 B a cell (the accumulated-cost grid)
 * plus the buckets (4 B an entry, at most one per cell and bucket, a few per
 * frontier cell; a ring of max move / w buckets) beside the inputs.
 *
 * Differences from r.walk, deliberate: cells must be square (r.walk allows
 * ew_res != ns_res); max_cost, null_cost, stop points, start maps, the
 * direction output and -n are not implemented.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cost/cost_int.h"
#include "cost/queue_int.h"
#include "grid/grid_int.h"

void senda_walk_opts_init(senda_walk_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->a = 0.72; /* r.walk walk_coeff defaults, s per m */
    o->b = 6.0;
    o->c = 1.9998;
    o->d = -1.9998;
    o->lambda = 1.0;
    o->slope_factor = -0.2125;
    o->knight = 0;
}

/* One walking run's fixed inputs. */
typedef struct {
    const double *dem, *fric; /* fric NULL = 0 everywhere */
    size_t n_rows, n_cols;
    double dist[17]; /* move lengths, m (r.walk's EW/DIAG/V_DIAG/H_DIAG_fac) */
    ptrdiff_t off[17];     /* index offset of move k */
    senda_walk_opts o;
} walk_run;

static double fric_at(const walk_run *w, size_t i)
{
    return w->fric ? w->fric[i] : 0.0;
}

/* The climb term of a move with height difference dh over length ds: the
 * division only for descents (dh >= 0 gives dh / ds >= 0 exactly). */
static inline double climb_term(const walk_run *w, double dh, double ds)
{
    if (dh >= 0.0)
        return dh * w->o.b;
    double sl = dh / ds;
    return sl >= 0.0 ? dh * w->o.b : sl < w->o.slope_factor ? dh * w->o.d : dh * w->o.c;
}

static senda_status check_walk(senda_ctx *ctx, const senda_grid *dem, const senda_grid *fric,
                               const senda_walk_opts *o)
{
    if (o->knight != 0 && o->knight != 1)
        return senda__fail(ctx, SENDA_ERR_ARG, "knight must be 0 or 1, got %d", o->knight);
    double v[6] = {o->a, o->b, o->c, o->d, o->lambda, o->slope_factor};
    for (int i = 0; i < 6; i++)
        if (!isfinite(v[i]))
            return senda__fail(ctx, SENDA_ERR_ARG,
                               "walking coefficients, lambda and "
                               "slope_factor must be finite numbers");
    if (o->a < 0.0 || o->b < 0.0 || o->c < 0.0 || o->d > 0.0 || o->slope_factor > 0.0 ||
        o->a + o->c * o->slope_factor < 0.0 || o->lambda < 0.0)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "walk coefficients a=%g b=%g c=%g d=%g with slope_factor %g and "
                           "lambda %g let a move cost less than 0 (need a, b, c >= 0, d <= 0, "
                           "slope_factor <= 0, a + c * slope_factor >= 0, lambda >= 0)",
                           o->a, o->b, o->c, o->d, o->slope_factor, o->lambda);
    if (!(dem->cell_m > 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "DEM cell size must be > 0, got %g", dem->cell_m);
    if (!fric)
        return SENDA_OK;
    if (fric->n_rows != dem->n_rows || fric->n_cols != dem->n_cols ||
        fabs(fric->x_min - dem->x_min) > 1e-6 * dem->cell_m ||
        fabs(fric->y_max - dem->y_max) > 1e-6 * dem->cell_m ||
        fabs(fric->cell_m - dem->cell_m) > 1e-9 * dem->cell_m)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "friction grid (%zu x %zu cells of %g from %g, %g) does not match "
                           "the DEM (%zu x %zu cells of %g from %g, %g)",
                           fric->n_rows, fric->n_cols, fric->cell_m, fric->x_min, fric->y_max,
                           dem->n_rows, dem->n_cols, dem->cell_m, dem->x_min, dem->y_max);
    size_t n = dem->n_rows * dem->n_cols;
    for (size_t i = 0; i < n; i++)
        if (fric->data[i] < 0.0)
            return senda__fail(ctx, SENDA_ERR_ARG,
                               "friction cell (row %zu, col %zu) is negative (%g): a move could "
                               "cost less than 0",
                               i / dem->n_cols, i % dem->n_cols, fric->data[i]);
    return SENDA_OK;
}

/* The queue of a run: Dial's buckets when every move costs at least a
 * known w > 0 (queue_int.h), else the calendar queue (any move costs). */
typedef struct {
    bqueue b;
    int use_b;
    queue q;
} walk_queue;

/* Cell t's cost lowered from old (NaN: unreached) to cost: queue it. */
static inline int wq_push(senda_ctx *ctx, walk_queue *wq, size_t t, double old, double cost)
{
    return wq->use_b ? bq_push(ctx, &wq->b, t, old, cost) : q_push(ctx, &wq->q, cost, t);
}

/* Move k from settled cell s (base cost, elevation hs, friction fs) to t
 * (friction ft): pushes t when the move lowers its cost; -1 when out of
 * memory. fa and fb are the frictions of the two cells a knight's move
 * passes (unused otherwise). NaN elevation or friction on the way: no move. */
static inline int walk_move(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc, int k,
                            size_t t, double base, double hs, double fs, double ft, double fa,
                            double fb)
{
    double old = acc[t];
    if (old <= base) /* a move costs >= 0: t cannot improve (settled or as cheap) */
        return 0;
    double ht = w->dem[t], ds = w->dist[k];
    if (isnan(ht) || isnan(ft))
        return 0;
    double mean_f = k <= 8 ? (ft + fs) / 2.0 : (fa + fb + ft + fs) / 4.0;
    double cost = base + (climb_term(w, ht - hs, ds) + ds * w->o.a + w->o.lambda * mean_f * ds);
    if (isnan(cost)) /* a knight's move passing a barrier */
        return 0;
    if (isnan(old) || old > cost) {
        acc[t] = cost;
        return wq_push(ctx, q, t, old, cost);
    }
    return 0;
}

/* relax() for a cell at least 1 (2 with knight's moves) cells from every
 * edge: the moves of relax() in the same order, without the bounds tests,
 * with the friction lookups hoisted (has_fric 0: friction 0). */
static inline int relax_interior(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc,
                                 size_t s, int knight, int has_fric)
{
    const ptrdiff_t *o = w->off;
    const double *f = w->fric;
    double hs = w->dem[s], base = acc[s];
#define AT(d) ((size_t)((ptrdiff_t)s + (d)))
#define WF(i) (has_fric ? f[i] : 0.0)
    double fs = WF(s);
    double fW = WF(AT(o[1])), fE = WF(AT(o[2])), fN = WF(AT(o[3])), fS = WF(AT(o[4]));
    double fNW = WF(AT(o[5])), fNE = WF(AT(o[6])), fSE = WF(AT(o[7])), fSW = WF(AT(o[8]));
    double fv[9] = {0, fW, fE, fN, fS, fNW, fNE, fSE, fSW};
    for (int k = 1; k <= 8; k++)
        if (walk_move(ctx, w, q, acc, k, AT(o[k]), base, hs, fs, fv[k], 0.0, 0.0) != 0)
            return -1;
    if (!knight)
        return 0;
    for (int k = 9; k <= 16; k++) {
        const int *via = senda__cost_knight_via[k];
        size_t t = AT(o[k]);
        if (walk_move(ctx, w, q, acc, k, t, base, hs, fs, WF(t), fv[via[0]], fv[via[1]]) != 0)
            return -1;
    }
#undef WF
#undef AT
    return 0;
}

/* Relax the neighbours of settled cell s; -1 when out of memory. */
static int relax(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc, size_t s)
{
    size_t row = s / w->n_cols, col = s % w->n_cols, m = w->o.knight ? 2 : 1;
    int interior = row >= m && row + m < w->n_rows && col >= m && col + m < w->n_cols;
    if (interior) {
        if (w->o.knight)
            return w->fric ? relax_interior(ctx, w, q, acc, s, 1, 1)
                           : relax_interior(ctx, w, q, acc, s, 1, 0);
        return w->fric ? relax_interior(ctx, w, q, acc, s, 0, 1)
                       : relax_interior(ctx, w, q, acc, s, 0, 0);
    }
    double hs = w->dem[s], fs = fric_at(w, s), base = acc[s];
    int n_moves = w->o.knight ? 16 : 8;
    for (int k = 1; k <= n_moves; k++) {
        long r = (long)row + senda__cost_drow[k], c = (long)col + senda__cost_dcol[k];
        if (r < 0 || c < 0 || (size_t)r >= w->n_rows || (size_t)c >= w->n_cols)
            continue;
        size_t t = (size_t)((ptrdiff_t)s + w->off[k]);
        double fa = 0.0, fb = 0.0; /* the cells a knight's move passes: inside when t is */
        if (k > 8) {
            const int *via = senda__cost_knight_via[k];
            fa = fric_at(w, (size_t)((ptrdiff_t)s + w->off[via[0]]));
            fb = fric_at(w, (size_t)((ptrdiff_t)s + w->off[via[1]]));
        }
        if (walk_move(ctx, w, q, acc, k, t, base, hs, fs, fric_at(w, t), fa, fb) != 0)
            return -1;
    }
    return 0;
}

/* The largest cost one move can add (*hi): the steepest climb the DEM
 * allows (or descent: d * dH grows with the drop) plus distance and
 * friction terms at their largest; it sizes the queue. The least (*lo): a
 * straight move down the steepest moderate slope at the least friction,
 * cs (a + c slope_factor + lambda f_min) (a climb costs more, and so does a
 * steep descent, d * dH >= 0), less 1e-6 of it for rounding; the width of
 * the buckets. */
static void move_bounds(const walk_run *w, size_t n, double *lo, double *hi)
{
    double h_lo = (double)INFINITY, h_hi = -(double)INFINITY, f_hi = 0.0;
    double f_lo = w->fric ? (double)INFINITY : 0.0;
    for (size_t i = 0; i < n; i++) { /* comparisons skip NaN */
        double h = w->dem[i];
        h_lo = h < h_lo ? h : h_lo;
        h_hi = h > h_hi ? h : h_hi;
    }
    for (size_t i = 0; w->fric && i < n; i++) {
        double f = w->fric[i];
        f_lo = f < f_lo ? f : f_lo;
        f_hi = f > f_hi ? f : f_hi;
    }
    double range = h_hi >= h_lo ? h_hi - h_lo : 0.0, dmax = w->dist[w->o.knight ? 9 : 5];
    double per_h = fmax(w->o.b, fmax(-w->o.d, w->o.c));
    *hi = per_h * range + dmax * (w->o.a + w->o.lambda * f_hi);
    double cs = w->dist[1];
    *lo = isfinite(f_lo) ? cs * (w->o.a + w->o.c * w->o.slope_factor + w->o.lambda * f_lo) *
                               (1.0 - 1e-6)
                         : 0.0;
}

/* Expand cell s (its cost final) unless it is a barrier; -1 out of memory. */
static inline int expand(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc, size_t s)
{
    if (isnan(w->dem[s]) || (w->fric && isnan(w->fric[s])))
        return 0;
    return relax(ctx, w, q, acc, s);
}

/* Start loading the neighbourhood of cell c (rows c +- m) of every array the
 * expansion reads: the run is bound by cache misses on the frontier.
 * always_inline: as a separate function GCC finds it free of side effects
 * and drops its calls. */
static inline __attribute__((always_inline)) void prefetch_cell(const walk_run *w, const double *acc, size_t c, int m)
{
    /* addresses as integers: a neighbourhood may reach past the arrays */
    uintptr_t i = (uintptr_t)c * sizeof(double);
    for (int r = -m; r <= m; r++) {
        uintptr_t d = (uintptr_t)((ptrdiff_t)r * (ptrdiff_t)w->n_cols * (ptrdiff_t)sizeof(double));
        __builtin_prefetch((const void *)((uintptr_t)w->dem + i + d));
        __builtin_prefetch((const void *)((uintptr_t)acc + i + d));
        if (w->fric)
            __builtin_prefetch((const void *)((uintptr_t)w->fric + i + d));
    }
}

/* Entries of the current bucket looked ahead for prefetching. */
#define BQ_AHEAD 12

/* The search over Dial's buckets: the cells of each bucket in turn, each
 * expanded once with its final cost. */
static senda_status search_buckets(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc,
                                   size_t n, senda_progress_fn progress, void *progress_arg)
{
    bqueue *b = &q->b;
    size_t n_settled = 0, next_report = 0;
    int m = w->o.knight ? 2 : 1;
    for (; b->n > 0; b->cur++) {
        bq_vec *v = &b->b[b->cur & (b->n_b - 1)];
        if (bq_sort_bands(ctx, b, v, w->n_rows, w->n_cols) != 0)
            return SENDA_ERR_NOMEM;
        for (size_t i = 0; i < v->n && i < BQ_AHEAD; i++)
            prefetch_cell(w, acc, v->a[i], m);
        for (size_t i = 0; i < v->n; i++) { /* v->n may grow: pushes into the current bucket */
            if (i + BQ_AHEAD < v->n)
                prefetch_cell(w, acc, v->a[i + BQ_AHEAD], m);
            size_t s = v->a[i];
            if (bq_bucket(b, acc[s]) != b->cur) /* expanded in an earlier bucket */
                continue;
            if (expand(ctx, w, q, acc, s) != 0)
                return SENDA_ERR_NOMEM;
            if (!q_report_settled(ctx, progress, progress_arg, &n_settled, &next_report, n))
                return SENDA_ERR_CANCELLED;
        }
        b->n -= v->n;
        v->n = 0;
    }
    return SENDA_OK;
}

/* The search over the calendar queue, in r.walk's exact (cost, age) order. */
static senda_status search_calendar(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc,
                                    size_t n, senda_progress_fn progress, void *progress_arg)
{
    q->q.pf_cost = w->dem;
    q->q.pf_accum = acc;
    q->q.pf_aux = w->fric;
    q->q.pf_row = (ptrdiff_t)w->n_cols;
    q->q.pf_rows = w->o.knight ? 2 : 1;
    size_t n_settled = 0, next_report = 0;
    qentry e;
    while (q_pop(&q->q, &e)) {
        size_t s = (size_t)(e.key & q->q.idx_mask);
        if (e.cost > acc[s]) /* stale: a cheaper entry came later */
            continue;
        if (expand(ctx, w, q, acc, s) != 0)
            return SENDA_ERR_NOMEM;
        if (!q_report_settled(ctx, progress, progress_arg, &n_settled, &next_report, n))
            return SENDA_ERR_CANCELLED;
    }
    return SENDA_OK;
}

/* Set up the queue: buckets when the least move cost is > 0, else the
 * calendar queue. */
static senda_status queue_init(senda_ctx *ctx, const walk_run *w, size_t n, size_t n_src,
                               walk_queue *q, int *ready)
{
    double lo, hi;
    move_bounds(w, n, &lo, &hi);
    int r = bq_init(ctx, &q->b, lo, hi, n);
    if (r < 0)
        return SENDA_ERR_NOMEM;
    q->use_b = r == 0;
    int n_moves = w->o.knight ? 16 : 8;
    if (!q->use_b && q_init(&q->q, hi, n, (uint64_t)n * (uint64_t)n_moves + n_src) != 0)
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "DEM of %zu x %zu cells too large for the "
                           "queue's 64-bit cell index and insertion order",
                           w->n_rows, w->n_cols);
    *ready = 1;
    return SENDA_OK;
}

static void queue_free(walk_queue *q)
{
    if (q->use_b)
        bq_free(&q->b);
    else
        q_free(&q->q);
}

senda_status senda_cost_walk(senda_ctx *ctx, const senda_grid *dem, const senda_grid *friction,
                             const senda_points *sources, const senda_walk_opts *opts,
                             senda_grid **accum, senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    if (accum)
        *accum = NULL;
    if (!dem || !sources || !opts || !accum)
        return senda__fail(ctx, SENDA_ERR_ARG, "dem, sources, opts or accum is NULL");
    senda_status st = check_walk(ctx, dem, friction, opts);
    if (st != SENDA_OK)
        return st;
    size_t n = dem->n_rows * dem->n_cols, *src = NULL, n_src = 0;
    senda_grid *acc = NULL;
    walk_queue *q = NULL;
    int q_ready = 0;
    if ((st = senda__cost_source_cells(ctx, dem, sources, &src, &n_src)) != SENDA_OK)
        goto done;
    if ((st = senda_grid_create(ctx, dem->n_rows, dem->n_cols, dem->x_min, dem->y_max, dem->cell_m,
                                dem->crs, 0.0, &acc)) != SENDA_OK)
        goto done;
    walk_run w = {dem->data, friction ? friction->data : NULL, dem->n_rows, dem->n_cols, {0},
                  {0}, *opts};
    for (int k = 1; k <= 16; k++)
        w.off[k] = (ptrdiff_t)senda__cost_drow[k] * (ptrdiff_t)dem->n_cols + senda__cost_dcol[k];
    double cs = dem->cell_m;
    for (int k = 1; k <= 16; k++) {
        int dr = abs(senda__cost_drow[k]), dc = abs(senda__cost_dcol[k]);
        /* r.walk: sqrt(NS^2 + EW^2), sqrt(4 NS^2 + EW^2), sqrt(NS^2 + 4 EW^2) */
        w.dist[k] =
            dr + dc == 1 ? cs : sqrt((double)(dr * dr) * cs * cs + (double)(dc * dc) * cs * cs);
    }
    if (!(q = senda__calloc(ctx, 1, sizeof *q))) { /* the calendar's slots: 400 KB */
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    if ((st = queue_init(ctx, &w, n, n_src, q, &q_ready)) != SENDA_OK)
        goto done;
    for (size_t i = 0; i < n; i++)
        acc->data[i] = (double)NAN;
    /* no huge pages (grid.c's header): collapsing the three grids onto them
     * here measured 0.05-0.2 s less user time for 0.5-0.9 s more system
     * time after r.walk on the benchmark machine */
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "accumulating walking cost")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    for (size_t s = 0; s < n_src; s++) {
        double old = acc->data[src[s]];
        acc->data[src[s]] = 0.0;
        if (wq_push(ctx, q, src[s], old, 0.0) != 0) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
    }
    st = q->use_b ? search_buckets(ctx, &w, q, acc->data, n, progress, progress_arg)
                  : search_calendar(ctx, &w, q, acc->data, n, progress, progress_arg);
    if (st != SENDA_OK)
        goto done;
    senda_grid_set_units(ctx, acc, "seconds (walking time + lambda x friction x m)",
                         "accumulated walking cost (r.walk)");
    if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    senda__free(src);
    if (q_ready)
        queue_free(q);
    senda__free(q);
    if (st != SENDA_OK) {
        senda_grid_destroy(acc);
        acc = NULL;
    }
    *accum = acc;
    return st;
}
