/*
 * siting_int.h - shared inside engine/siting: the point index, the coverage
 * sets in compressed sparse row form (both directions), the solver state and
 * the bound.
 */
#ifndef SENDA_SITING_INT_H
#define SENDA_SITING_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/core_int.h"

/** A uniform-grid index over points: cell c holds idx[start[c] .. start[c+1]). */
typedef struct senda__pindex {
    double x0, y0, cell_m;
    size_t nx, ny;
    size_t *start; /* nx * ny + 1 */
    uint32_t *idx; /* n points, grouped by cell */
    const double *x, *y;
    size_t n;
} senda__pindex;

/** Build an index over n points with cells of at least min_cell_m (a query of
 *  radius <= min_cell_m then scans at most 3 x 3 cells). */
senda_status senda__pindex_build(senda_ctx *ctx, const double *x, const double *y, size_t n,
                                 double min_cell_m, senda__pindex *out);
void senda__pindex_free(senda__pindex *ix);

/** Visitor of the points within radius_m of (x, y): fn(i, d2, arg). */
typedef void (*senda__pindex_visit)(uint32_t i, double d2, void *arg);
void senda__pindex_query(const senda__pindex *ix, double x, double y, double radius_m,
                         senda__pindex_visit fn, void *arg);

/** Coverage sets: candidate j covers demand cand_dem[cand_ptr[j] .. cand_ptr[j+1]),
 *  demand i is covered by dem_cand[dem_ptr[i] .. dem_ptr[i+1]). Built once. */
typedef struct senda__cover {
    size_t n_cand, n_dem, n_pairs;
    size_t *cand_ptr;
    uint32_t *cand_dem;
    size_t *dem_ptr;
    uint32_t *dem_cand;
} senda__cover;

/** Straight-line coverage (distance <= radius_m) of the candidates with
 *  eligible[j] != 0 (all when eligible is NULL) over the indexed demand.
 *  The place where a cost-distance coverage would plug in: anything that
 *  fills a senda__cover can feed the solver. */
senda_status senda__cover_euclid(senda_ctx *ctx, const senda__pindex *demand,
                                 const senda_points *cand, const unsigned char *eligible,
                                 double radius_m, senda__cover *out, senda_progress_fn progress,
                                 void *progress_arg);
void senda__cover_free(senda__cover *c);

/** A growing list of demand indices (one candidate's coverage row while it
 *  is built); nomem is set when it cannot grow. */
typedef struct senda__pair_sink {
    senda_ctx *ctx;
    uint32_t *buf;
    size_t n, cap;
    int nomem;
} senda__pair_sink;
/** Visitor appending i to the senda__pair_sink arg (the second argument is unused). */
void senda__pair_sink_add(uint32_t i, double unused, void *arg);

/** Fill the coverage row of candidate j into sink; < 0 when out of memory. */
typedef int (*senda__cover_row)(size_t j, senda__pair_sink *sink, void *arg);

/** Coverage sets from a row function called for every eligible candidate
 *  (eligible NULL = all), with a progress report (0..0.9, label) every
 *  report_mask + 1 candidates, then the transpose by counting sort
 *  (candidates ascending within each demand row). */
senda_status senda__cover_build(senda_ctx *ctx, size_t n_cand, size_t n_dem,
                                const unsigned char *eligible, senda__cover_row row, void *arg,
                                size_t report_mask, const char *label, senda__cover *out,
                                senda_progress_fn progress, void *progress_arg);

/** Bounded least-cost searches over a friction grid (costcover.c): the
 *  demand points grouped by grid cell, and buffers reused by every search. */
typedef struct senda__costsearch {
    senda_ctx *ctx;
    const double *fr; /* friction, row-major, NaN or < 0 = barrier */
    size_t n_rows, n_cols;
    double x_min, y_max, cell_m;
    double fac[9];    /* move cost factor of r.cost's moves 1..8, times the unit */
    ptrdiff_t off[9]; /* cell offset of each move */
    double max_cost;
    uint32_t *cell_start; /* n_rows * n_cols + 1: demand of cell c is cell_dem[start[c]..) */
    uint32_t *cell_dem;
    size_t n_dem;
    size_t n_dem_off; /* demand outside the grid or on a nodata cell */
    double *dist;     /* per cell, +inf outside the current search */
    size_t *touched;  /* cells whose dist was set by the current search */
    size_t n_touched, cap_touched;
    struct senda__cs_entry *heap;
    size_t n_heap, cap_heap;
    /* optional: called for every settled cell (row-major index, cost) */
    void (*on_cell)(size_t cell, double cost, void *arg);
    void *cell_arg;
} senda__costsearch;

/** Prepare searches over grid g with budget max_cost (unit_m as
 *  senda_siting_opts.unit_m) towards the demand points. */
senda_status senda__costsearch_init(senda_ctx *ctx, const senda_grid *g, double max_cost,
                                    double unit_m, const senda_points *demand,
                                    senda__costsearch *s);
void senda__costsearch_free(senda__costsearch *s);

/** Visitor of the demand points reached by one search: fn(i, cost, arg). */
typedef void (*senda__cost_visit)(uint32_t i, double cost, void *arg);

/** One search from the cell holding (x, y): calls fn for every demand point
 *  whose cell's least accumulated cost is <= max_cost, in order of cost.
 *  Returns 1 when it ran, 0 when (x, y) is outside the grid or on nodata
 *  (nothing reached), -1 when out of memory. */
int senda__costsearch_run(senda__costsearch *s, double x, double y, senda__cost_visit fn,
                          void *arg);

/** Cost-distance coverage: candidate j covers the demand its search reaches
 *  (eligible candidates only; NULL = all). *n_off counts the eligible
 *  candidates outside the grid or on nodata. */
senda_status senda__cover_cost(senda_ctx *ctx, senda__costsearch *s, const senda_points *cand,
                               const unsigned char *eligible, senda__cover *out, size_t *n_off,
                               senda_progress_fn progress, void *progress_arg);

/** The best feasible solution the Lagrangean heuristic saw: sites[0..n)
 *  (capacity p, filled by the callee), with objective value; set value to
 *  the incumbent's before the call so only better ones are recorded. */
typedef struct senda__primal {
    size_t *sites;
    size_t n;
    double value;
} senda__primal;

/** The Lagrangian bound of MCLP on cover with weights w (0 for demand that
 *  is already covered), at most p sites among eligible ones, site penalty
 *  pen[j] (NULL = none) and a known feasible value lb (for the step size).
 *  Returns the smallest L(lambda) seen over iters subgradient steps in
 *  *bound, and (when primal is not NULL) the best relaxed site set that
 *  beats primal->value. */
senda_status senda__siting_lagrangian(senda_ctx *ctx, const senda__cover *cover, const double *w,
                                      const unsigned char *eligible, const double *pen, size_t p,
                                      double lb, int iters, double *bound, senda__primal *primal,
                                      senda_progress_fn progress, void *progress_arg);

/** Solver state over a cover: which candidates are open and how many open
 *  sites cover each demand point. */
typedef struct senda__solver {
    senda_ctx *ctx;
    const senda__cover *cv;
    const double *w;           /* effective demand weights (0 = already covered) */
    const unsigned char *elig; /* per candidate, NULL = all eligible */
    const double *pen;         /* per candidate site penalty, NULL = none */
    uint32_t *cnt;             /* per demand: open sites covering it */
    unsigned char *open;       /* per candidate */
    size_t *sites;             /* open candidates */
    size_t n_sites, cap_sites;
    double covered; /* sum of w over demand with cnt > 0 */
    double penalty; /* sum of pen over open sites */
    double tol;     /* smallest improvement a swap must make */
} senda__solver;

senda_status senda__solver_init(senda_ctx *ctx, const senda__cover *cv, const double *w,
                                const unsigned char *elig, const double *pen, double tol,
                                senda__solver *s);
void senda__solver_reset(senda__solver *s);
void senda__solver_free(senda__solver *s);

/** Open candidate j (not already open). */
senda_status senda__solver_open(senda__solver *s, size_t j);

/** Lazy greedy (Minoux 1978): open sites one at a time, each the candidate of
 *  largest gain (covered weight added minus penalty), ties to the lowest
 *  index, while fewer than max_sites are open, covered < target and some
 *  gain is > 0. */
senda_status senda__solver_greedy(senda__solver *s, size_t max_sites, double target);

/** 1-swap local search, best improvement, until no swap gains more than tol.
 *  Adds the number of swaps made to *n_swaps. */
senda_status senda__solver_swap(senda__solver *s, size_t *n_swaps, senda_progress_fn progress,
                                void *progress_arg);

/** Order the open sites by greedy marginal coverage (ties: lowest index) into
 *  order[], with the marginal covered weight of each in marginal[]. */
senda_status senda__solver_rank(senda__solver *s, size_t *order, double *marginal);

#endif
