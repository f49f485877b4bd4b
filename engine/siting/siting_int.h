/*
 * siting_int.h - shared inside engine/siting: the point index, the coverage
 * sets in compressed sparse row form (both directions), the solver state and
 * the bound.
 */
#ifndef SENDA_SITING_INT_H
#define SENDA_SITING_INT_H

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
senda_status senda__siting_lagrangian(senda_ctx *ctx, const senda__cover *cover,
                                      const double *w, const unsigned char *eligible,
                                      const double *pen, size_t p, double lb, int iters,
                                      double *bound, senda__primal *primal,
                                      senda_progress_fn progress, void *progress_arg);

/** Solver state over a cover: which candidates are open and how many open
 *  sites cover each demand point. */
typedef struct senda__solver {
    senda_ctx *ctx;
    const senda__cover *cv;
    const double *w;            /* effective demand weights (0 = already covered) */
    const unsigned char *elig;  /* per candidate, NULL = all eligible */
    const double *pen;          /* per candidate site penalty, NULL = none */
    uint32_t *cnt;              /* per demand: open sites covering it */
    unsigned char *open;        /* per candidate */
    size_t *sites;              /* open candidates */
    size_t n_sites, cap_sites;
    double covered;             /* sum of w over demand with cnt > 0 */
    double penalty;             /* sum of pen over open sites */
    double tol;                 /* smallest improvement a swap must make */
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
