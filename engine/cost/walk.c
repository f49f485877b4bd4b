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
 * On a grid of 2^18 cells or more and two or more processors, two threads
 * share each bucket of 256 cells or more (search_two_threads below: the
 * costs are bit for bit those of one thread), and the search times itself
 * and keeps to one thread when two are slower (a busy machine).
 * When w is 0 (a + c slope_factor = 0 without friction) the exact calendar
 * queue of accumulate.c takes over. Cells away from the edges take an
 * unrolled copy of the move loop (no bounds tests, frictions loaded once,
 * the division dH / dS only for descents). The options are
 * refused when a move could cost less than 0 (a < 0, b < 0, c < 0, d > 0, slope_factor > 0, a + c *
 * slope_factor < 0, lambda < 0, a negative friction cell): r.walk runs such settings, but a least
 * cost is then not defined.
 *
 * Complexity: O(N + C / w) for N reached cells and C the largest cost, 8
 * or 16 relaxations a cell, up to two threads; memory 8 B a cell (the accumulated-cost grid)
 * plus the buckets (4 B an entry, at most one per cell and bucket, a few per
 * frontier cell; a ring of max move / w buckets) beside the inputs.
 *
 * Differences from r.walk, deliberate: cells must be square (r.walk allows
 * ew_res != ns_res); a DEM in a geographic CRS is refused (r.walk takes the
 * resolution as metres there too, so a move of 0.0003 degrees would cost
 * 0.0003 m of walking: senda says how to reproject it instead); max_cost,
 * null_cost, stop points, start maps, the direction output and -n are not
 * implemented.
 */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
    double dist[17];   /* move lengths, m (r.walk's EW/DIAG/V_DIAG/H_DIAG_fac) */
    ptrdiff_t off[17]; /* index offset of move k */
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
    senda_status st = senda__grid_need_metres(ctx, dem, "the DEM",
                                              "r.walk's walking time takes its cell size as "
                                              "metres");
    if (st != SENDA_OK)
        return st;
    if (!fric)
        return SENDA_OK;
    if (!senda__grid_same_cells(dem, fric))
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
    double lo, hi; /* move_bounds(): the buckets' width and the largest move */
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
                            double fb, int par)
{
    double old;
    if (par) /* two threads (search_two_threads) */
        __atomic_load(acc + t, &old, __ATOMIC_RELAXED);
    else
        old = acc[t];
    if (old <= base) /* a move costs >= 0: t cannot improve (settled or as cheap) */
        return 0;
    double ht = w->dem[t], ds = w->dist[k];
    if (isnan(ht) || isnan(ft))
        return 0;
    double mean_f = k <= 8 ? (ft + fs) / 2.0 : (fa + fb + ft + fs) / 4.0;
    double cost = base + (climb_term(w, ht - hs, ds) + ds * w->o.a + w->o.lambda * mean_f * ds);
    if (isnan(cost)) /* a knight's move passing a barrier */
        return 0;
    if (!(isnan(old) || old > cost))
        return 0;
    if (!par)
        acc[t] = cost;
    else /* lower acc[t] unless the other thread lowered it to <= cost meanwhile */
        while (
            !__atomic_compare_exchange(acc + t, &old, &cost, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            if (!(isnan(old) || old > cost))
                return 0;
    return wq_push(ctx, q, t, old, cost);
}

/* relax() for a cell at least 1 (2 with knight's moves) cells from every
 * edge: the moves of relax() in the same order, without the bounds tests,
 * with the friction lookups hoisted (has_fric 0: friction 0). */
static inline int relax_interior(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc,
                                 size_t s, int knight, int has_fric, int par)
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
        if (walk_move(ctx, w, q, acc, k, AT(o[k]), base, hs, fs, fv[k], 0.0, 0.0, par) != 0)
            return -1;
    if (!knight)
        return 0;
    for (int k = 9; k <= 16; k++) {
        const int *via = senda__cost_knight_via[k];
        size_t t = AT(o[k]);
        if (walk_move(ctx, w, q, acc, k, t, base, hs, fs, WF(t), fv[via[0]], fv[via[1]], par) != 0)
            return -1;
    }
#undef WF
#undef AT
    return 0;
}

/* Relax the neighbours of settled cell s; -1 when out of memory. par: the
 * other thread may update acc at the same time. */
static inline __attribute__((always_inline)) int
relax_body(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc, size_t s, int par)
{
    size_t row = s / w->n_cols, col = s % w->n_cols, m = w->o.knight ? 2 : 1;
    int interior = row >= m && row + m < w->n_rows && col >= m && col + m < w->n_cols;
    if (interior) {
        if (w->o.knight)
            return w->fric ? relax_interior(ctx, w, q, acc, s, 1, 1, par)
                           : relax_interior(ctx, w, q, acc, s, 1, 0, par);
        return w->fric ? relax_interior(ctx, w, q, acc, s, 0, 1, par)
                       : relax_interior(ctx, w, q, acc, s, 0, 0, par);
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
        if (walk_move(ctx, w, q, acc, k, t, base, hs, fs, fric_at(w, t), fa, fb, par) != 0)
            return -1;
    }
    return 0;
}

static int relax(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc, size_t s)
{
    return relax_body(ctx, w, q, acc, s, 0);
}

static int relax_par(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc, size_t s)
{
    return relax_body(ctx, w, q, acc, s, 1);
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
    *lo = isfinite(f_lo)
              ? cs * (w->o.a + w->o.c * w->o.slope_factor + w->o.lambda * f_lo) * (1.0 - 1e-6)
              : 0.0;
}

/* Expand cell s (its cost final) unless it is a barrier; -1 out of memory.
 * expand_par: while the other thread expands other cells. */
static inline int expand(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc, size_t s)
{
    if (isnan(w->dem[s]) || (w->fric && isnan(w->fric[s])))
        return 0;
    return relax(ctx, w, q, acc, s);
}

static inline int expand_par(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc,
                             size_t s)
{
    if (isnan(w->dem[s]) || (w->fric && isnan(w->fric[s])))
        return 0;
    return relax_par(ctx, w, q, acc, s);
}

/* Start loading the neighbourhood of cell c (rows c +- m) of every array the
 * expansion reads: the run is bound by cache misses on the frontier.
 * always_inline: as a separate function GCC finds it free of side effects
 * and drops its calls. */
static inline __attribute__((always_inline)) void prefetch_cell(const walk_run *w,
                                                                const double *acc, size_t c, int m)
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

/* Entries of the current bucket looked ahead for prefetching: each entry's
 * cost 2 BQ_AHEAD entries ahead, then BQ_AHEAD ahead, the neighbourhood of
 * the entries that are not stale. About half of a bucket's entries are
 * stale on scripts/bench/walk (8.0 million entries for 3.9 million cells
 * with knight's moves: a cell lowered into an earlier bucket was expanded
 * there); prefetching their neighbourhoods too filled the memory pipeline
 * with lines nobody reads (5 % more search time on one processor). */
#define BQ_AHEAD 12

/* ---------------------------------------------------------------------
 * Two threads over the buckets. The cells of the current bucket are final,
 * so they can be expanded at the same time: thread 0 merges the bucket's
 * entries of both threads' rings, sorts them by band of rows and cuts them
 * into PAR_CHUNKS chunks of whole bands; thread 0 takes chunks from the
 * first on and thread 1 from the last back until they meet (a fixed half
 * each made the faster thread wait for the slower at every bucket: the
 * second virtual processor of the benchmark machine ran at 60-100 % of the
 * first's speed from run to run; chunks dealt from one shared counter
 * interleaved the two threads' bands and measured slower than the halves
 * when both processors ran at full speed). Nothing the other thread reads is
 * written per cell: each thread counts its cells in a local and adds them
 * once per range (a per-cell count through a pointer into walk_par, on the
 * first thread's stack, shared a cache line with data both threads read at
 * every move in about one run of two, as the stack's start fell: those runs
 * took 1.4 times as long, the bimodal rounds of scripts/bench/walk). Each
 * thread lowers costs with a compare-and-swap (a neighbour near a chunk's
 * edge may be lowered by both) and pushes into its own ring. A push's bucket follows from the value the
 * compare-and-swap replaced, so the rings get the entries some
 * order of the same moves would give, and every cell's cost is the same
 * minimum over the same candidate sums: the result is identical to one
 * thread's. Buckets of fewer than PAR_MIN_BUCKET cells are expanded by
 * thread 0 alone (the hand-over would cost more than it saves). Thread 1
 * never allocates through the context (no injected failures there; a real
 * failure is reported by thread 0 after the bucket).
 * ------------------------------------------------------------------- */
#define PAR_MIN_CELLS ((size_t)1 << 18)
#define PAR_MIN_BUCKET 256
#define PAR_SPIN 20000 /* wait-loop steps before sleeping (thread 1) or yielding (thread 0) */
#define PAR_WINDOW 64  /* large buckets timed together */

int senda__walk_two_threads = -1;

#define PAR_CHUNKS 16 /* pieces of a large bucket: thread 0 takes them from the first on,
                        * thread 1 from the last back, until they meet */

typedef struct {
    const walk_run *w;
    double *acc;
    walk_queue *q1;        /* thread 1's ring */
    const uint32_t *cells; /* the current bucket, sorted by band */
    size_t bounds[PAR_CHUNKS + 1]; /* its chunks: cells[bounds[c], bounds[c + 1]) */
    uint64_t left;                 /* chunks not taken: [low 32 bits, high 32 bits) (atomic) */
    uint64_t cur;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned gen, done; /* phases started by thread 0 and finished by thread 1 */
    size_t n_done;          /* cells thread 1 expanded, for the progress */
    int sleeping, quit, nomem;
} walk_par;

/* A wait loop's step. Not the x86 pause instruction: in a virtual machine a
 * loop of pauses makes the hypervisor take the processor away (pause-loop
 * exiting), measured 5-10 times slower here. */
static inline void cpu_relax(void)
{
    __asm__ __volatile__("" ::: "memory");
}

/* Whether cell c's entry in current bucket cur is its own (not stale: the
 * cell was not expanded in an earlier bucket); par: acc is shared. */
static inline int fresh(const walk_queue *q, const double *acc, size_t c, uint64_t cur, int par)
{
    double v;
    if (par)
        __atomic_load(acc + c, &v, __ATOMIC_RELAXED);
    else
        v = acc[c];
    return bq_bucket(&q->b, v) == cur;
}

/* Expand cells[lo, hi) of the current bucket (par: while the other thread
 * expands the rest), adding the number expanded to *n_done; -1 out of
 * memory. */
static int expand_range(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc,
                        const uint32_t *cells, size_t lo, size_t hi, uint64_t cur, int par,
                        size_t *n_done)
{
    int m = w->o.knight ? 2 : 1;
    size_t done = 0; /* counted here, added once: *n_done may share a cache line with data the
                      * other thread reads all the time (see walk_par) */
    for (size_t i = lo; i < hi && i < lo + 2 * BQ_AHEAD; i++)
        __builtin_prefetch(acc + cells[i]);
    for (size_t i = lo; i < hi && i < lo + BQ_AHEAD; i++)
        if (fresh(q, acc, cells[i], cur, par))
            prefetch_cell(w, acc, cells[i], m);
    for (size_t i = lo; i < hi; i++) {
        if (i + 2 * BQ_AHEAD < hi)
            __builtin_prefetch(acc + cells[i + 2 * BQ_AHEAD]);
        if (i + BQ_AHEAD < hi && fresh(q, acc, cells[i + BQ_AHEAD], cur, par))
            prefetch_cell(w, acc, cells[i + BQ_AHEAD], m);
        size_t s = cells[i];
        if (!fresh(q, acc, s, cur, par)) /* expanded in an earlier bucket */
            continue;
        if ((par ? expand_par(ctx, w, q, acc, s) : expand(ctx, w, q, acc, s)) != 0) {
            *n_done += done;
            return -1;
        }
        done++;
    }
    *n_done += done;
    return 0;
}

/* Expand the chunks of the current bucket that the other thread has not
 * taken: thread 0 (side 0) from the first chunk on, thread 1 from the last
 * one back, so each thread's cells stay one run of bands and the faster
 * thread takes more (the second virtual processor of a shared machine can
 * run at half the speed of the first); -1 out of memory. */
static int expand_chunks(senda_ctx *ctx, walk_par *p, walk_queue *q, int side, size_t *n_done)
{
    uint64_t left = __atomic_load_n(&p->left, __ATOMIC_RELAXED);
    for (;;) {
        uint32_t lo = (uint32_t)left, hi = (uint32_t)(left >> 32);
        if (lo >= hi)
            return 0;
        uint64_t after = side == 0 ? left + 1 : left - ((uint64_t)1 << 32);
        if (!__atomic_compare_exchange_n(&p->left, &left, after, 0, __ATOMIC_RELAXED,
                                         __ATOMIC_RELAXED))
            continue; /* left now holds the other thread's update */
        uint32_t c = side == 0 ? lo : hi - 1;
        if (expand_range(ctx, p->w, q, p->acc, p->cells, p->bounds[c], p->bounds[c + 1], p->cur,
                         1, n_done) != 0)
            return -1;
        left = __atomic_load_n(&p->left, __ATOMIC_RELAXED);
    }
}

static void *par_main(void *arg)
{
    walk_par *p = arg;
    unsigned seen = 0;
    for (;;) {
        unsigned g;
        for (int spin = 0; (g = __atomic_load_n(&p->gen, __ATOMIC_ACQUIRE)) == seen; spin++) {
            if (spin < PAR_SPIN) {
                cpu_relax();
                continue;
            }
            pthread_mutex_lock(&p->mu); /* thread 0 moves gen under mu: no lost wake-up */
            while ((g = __atomic_load_n(&p->gen, __ATOMIC_ACQUIRE)) == seen) {
                p->sleeping = 1;
                pthread_cond_wait(&p->cv, &p->mu);
            }
            p->sleeping = 0;
            pthread_mutex_unlock(&p->mu);
            break;
        }
        seen = g;
        if (p->quit)
            break;
        if (!p->nomem && expand_chunks(NULL, p, p->q1, 1, &p->n_done) != 0)
            p->nomem = 1;
        __atomic_store_n(&p->done, seen, __ATOMIC_RELEASE);
    }
    return NULL;
}

/* Start a phase of thread 1 (p->quit or a share of the bucket set before). */
static void par_start(walk_par *p)
{
    pthread_mutex_lock(&p->mu);
    __atomic_store_n(&p->gen, p->gen + 1, __ATOMIC_RELEASE);
    if (p->sleeping)
        pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void par_wait(walk_par *p)
{
    for (unsigned spin = 0; __atomic_load_n(&p->done, __ATOMIC_ACQUIRE) != p->gen; spin++)
        if (spin < 5 * PAR_SPIN)
            cpu_relax();
        else
            sched_yield(); /* thread 1 was descheduled */
}

/* Two threads pay only when both run when called: on a busy machine each
 * hand-over waits for the scheduler, and two threads were measured up to 10
 * times slower than one. So windows of PAR_WINDOW large buckets are timed
 * and the faster mode runs; now and then a window tries the other mode, the
 * next try twice as late each time it loses (up to 64 windows), 8 windows
 * after it wins, or 2 when it won by less than 15 % or in the first
 * comparison (on scripts/bench/walk the first window, of the smallest
 * buckets, gave two threads 10-12 million entries a second against one
 * thread's 11-13 in the second, and two threads, 1.5 times faster from then
 * on, waited 8 windows for their next try). */
typedef struct {
    int adapt, solo, best_solo;
    size_t n_cells, n_buckets, n_windows, next_try, interval;
    double t0, rate[2]; /* cells per second with two threads [0] and one [1] */
} par_clock;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void par_clock_start(par_clock *c)
{
    if (c->adapt && c->n_buckets == 0)
        c->t0 = now_s();
}

static void par_clock_stop(par_clock *c, size_t n_cells)
{
    if (!c->adapt)
        return;
    c->n_cells += n_cells;
    if (++c->n_buckets < PAR_WINDOW)
        return;
    double dt = now_s() - c->t0;
    c->rate[c->solo] = dt > 0.0 ? (double)c->n_cells / dt : 0.0;
    c->n_cells = c->n_buckets = 0;
    int best = c->rate[1] > c->rate[0];
    if (++c->n_windows == 1) { /* two threads first, then one */
        c->solo = 1;
        c->best_solo = 0;
        c->interval = 8;
        c->next_try = 2 + c->interval;
        return;
    }
    if (c->solo != c->best_solo) { /* that window tried the other mode */
        /* the first verdict, and a narrow win, are checked again two windows
         * later: the first window, of the smallest buckets, favours one thread */
        int narrow = c->n_windows == 2 || c->rate[c->solo] < 1.15 * c->rate[!c->solo];
        c->interval = best != c->solo ? (c->interval < 64 ? 2 * c->interval : 64) : narrow ? 2 : 8;
        c->next_try = c->n_windows + c->interval;
    }
    c->best_solo = best;
    c->solo = best;
    if (c->n_windows >= c->next_try) {
        c->solo = !best;
        c->next_try = c->n_windows + c->interval;
    }
}

/* Move the entries of bucket cur of b0 (and b1 unless NULL) into m, sorted
 * by band; -1 out of memory. */
static int take_bucket(senda_ctx *ctx, const walk_run *w, bqueue *b0, bqueue *b1, bq_vec *m)
{
    bq_vec *v[2] = {&b0->b[b0->cur & (b0->n_b - 1)], b1 ? &b1->b[b0->cur & (b1->n_b - 1)] : NULL};
    size_t need = v[0]->n + (v[1] ? v[1]->n : 0);
    if (need > m->cap) {
        uint32_t *a = senda__realloc(ctx, m->a, need * sizeof *a);
        if (!a)
            return -1;
        m->a = a;
        m->cap = need;
    }
    m->n = 0;
    for (int t = 0; t < 2 && v[t]; t++) {
        if (v[t]->n)
            memcpy(m->a + m->n, v[t]->a, v[t]->n * sizeof *m->a);
        m->n += v[t]->n;
        (t ? b1 : b0)->n -= v[t]->n;
        v[t]->n = 0;
    }
    return bq_sort_bands(ctx, b0, m, w->n_rows, w->n_cols);
}

/* The search over Dial's buckets: the cells of each bucket in turn, each
 * expanded once with its final cost; with p, half of each large bucket by
 * thread 1. The entries are moved out of the ring first, so a push into
 * the current bucket (queue_int.h) lands in the ring and is expanded in the
 * next round, the bucket staying current until it comes back empty. */
static senda_status search_buckets(senda_ctx *ctx, const walk_run *w, walk_queue *q, double *acc,
                                   size_t n, senda_progress_fn progress, void *progress_arg,
                                   walk_par *p)
{
    bqueue *b0 = &q->b, *b1 = p ? &p->q1->b : NULL;
    bq_vec m = {0};
    size_t n_settled = 0, next_report = 0;
    size_t min_bucket = senda__walk_two_threads == 1 ? 2 : PAR_MIN_BUCKET;
    par_clock clk = {.adapt = p && senda__walk_two_threads != 1};
    senda_status st = SENDA_OK;
    while (b0->n + (b1 ? b1->n : 0) > 0) {
        if (b1)
            b1->cur = b0->cur;
        size_t n1 = b1 ? b1->b[b1->cur & (b1->n_b - 1)].n : 0;
        if (b0->b[b0->cur & (b0->n_b - 1)].n + n1 == 0) {
            b0->cur++;
            continue;
        }
        if (take_bucket(ctx, w, b0, b1, &m) != 0) {
            st = SENDA_ERR_NOMEM;
            break;
        }
        int large = p && m.n >= min_bucket, shared = large && !clk.solo;
        if (large)
            par_clock_start(&clk);
        size_t n_done = 0;
        int fail;
        if (shared) { /* PAR_CHUNKS chunks of whole bands, taken by both threads */
            p->bounds[0] = 0;
            for (unsigned c = 1; c <= PAR_CHUNKS; c++) {
                size_t e = c == PAR_CHUNKS ? m.n : m.n * c / PAR_CHUNKS;
                e = e < p->bounds[c - 1] ? p->bounds[c - 1] : e;
                while (e > 0 && e < m.n && m.a[e] >> b0->band_shift == m.a[e - 1] >> b0->band_shift)
                    e++;
                p->bounds[c] = e;
            }
            p->cells = m.a;
            p->left = (uint64_t)PAR_CHUNKS << 32;
            p->cur = b0->cur;
            par_start(p);
            fail = expand_chunks(ctx, p, q, 0, &n_done);
            par_wait(p);
        } else
            fail = expand_range(ctx, w, q, acc, m.a, 0, m.n, b0->cur, 0, &n_done);
        if (large)
            par_clock_stop(&clk, m.n);
        if (fail || (p && p->nomem)) {
            st = fail ? SENDA_ERR_NOMEM
                      : senda__fail(ctx, SENDA_ERR_NOMEM, "out of memory in the walking search");
            break;
        }
        if (p) {
            n_done += p->n_done;
            p->n_done = 0;
        }
        for (size_t i = 0; i < n_done && st == SENDA_OK; i++)
            if (!q_report_settled(ctx, progress, progress_arg, &n_settled, &next_report, n))
                st = SENDA_ERR_CANCELLED;
        if (st != SENDA_OK)
            break;
    }
    senda__free(m.a);
    return st;
}

/* search_buckets() with two threads; *fallback when thread 1 could not start
 * (nothing done then: the caller searches with one). */
static senda_status search_two_threads(senda_ctx *ctx, const walk_run *w, walk_queue *q,
                                       double *acc, size_t n, senda_progress_fn progress,
                                       void *progress_arg, int *fallback)
{
    *fallback = 0;
    walk_queue *q1 = senda__calloc(ctx, 1, sizeof *q1);
    if (!q1)
        return SENDA_ERR_NOMEM;
    int r = bq_init(ctx, &q1->b, q->lo, q->hi, n); /* q's width: r is 0 or -1 */
    if (r != 0) {
        senda__free(q1);
        return SENDA_ERR_NOMEM;
    }
    q1->use_b = 1;
    walk_par p = {.w = w, .acc = acc, .q1 = q1};
    pthread_t th;
    int have_mu = pthread_mutex_init(&p.mu, NULL) == 0;
    int have_cv = have_mu && pthread_cond_init(&p.cv, NULL) == 0;
    senda_status st = SENDA_OK;
    if (have_cv && pthread_create(&th, NULL, par_main, &p) == 0) {
        st = search_buckets(ctx, w, q, acc, n, progress, progress_arg, &p);
        p.quit = 1;
        par_start(&p);
        pthread_join(th, NULL);
    } else
        *fallback = 1;
    if (have_cv)
        pthread_cond_destroy(&p.cv);
    if (have_mu)
        pthread_mutex_destroy(&p.mu);
    bq_free(&q1->b);
    senda__free(q1);
    return st;
}

/* Two threads for large grids on a machine with two or more processors
 * (senda__walk_two_threads: 1 always, 0 never, tests). */
static int use_two_threads(size_t n)
{
    if (senda__walk_two_threads >= 0)
        return senda__walk_two_threads;
#ifdef _SC_NPROCESSORS_ONLN
    return n >= PAR_MIN_CELLS && sysconf(_SC_NPROCESSORS_ONLN) >= 2;
#else
    return 0;
#endif
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
    q->lo = lo;
    q->hi = hi;
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
    walk_run w = {dem->data, friction ? friction->data : NULL, dem->n_rows, dem->n_cols, {0}, {0},
                  *opts};
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
    /* every cell unreached (NaN), on a second thread while this one finds
     * the move bounds: each is a pass over 32 MB or more on a large grid */
    senda__cost_fill fill = {acc->data, n};
    pthread_t fill_th;
    int side = use_two_threads(n) &&
               pthread_create(&fill_th, NULL, senda__cost_nan_fill, &fill) == 0;
    if (!side)
        senda__cost_nan_fill(&fill);
    st = queue_init(ctx, &w, n, n_src, q, &q_ready);
    if (side)
        pthread_join(fill_th, NULL);
    if (st != SENDA_OK)
        goto done;
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
    int fallback = 1;
    if (q->use_b && use_two_threads(n))
        st = search_two_threads(ctx, &w, q, acc->data, n, progress, progress_arg, &fallback);
    if (fallback)
        st = q->use_b ? search_buckets(ctx, &w, q, acc->data, n, progress, progress_arg, NULL)
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
