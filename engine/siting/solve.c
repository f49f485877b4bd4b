/*
 * solve.c - senda_siting_solve: the maximal covering location problem
 * (MCLP, Church & ReVelle 1974, "The maximal covering location problem",
 * Papers of the Regional Science Association 32:101-118) and its set
 * covering counterpart (Toregas et al. 1971) on plain point arrays.
 *
 * Steps: (1) candidates failing the exposure constraint are made ineligible
 * and the exposure penalty becomes a per-site cost; (2) demand within the
 * radius of an existing shelter counts as covered first and gets weight 0 in
 * the model (existing shelters are always open); (3) coverage sets
 * (cover.c); (4) lazy greedy then 1-swap local search (greedy.c); (5) the
 * upper bound is the smallest of: all coverable weight, the greedy bound
 * greedy / (1 - (1 - 1/p)^p) (MCLP without penalty only) and the Lagrangian
 * bound (bound.c), plus the existing weight; (6) the final sites are ranked
 * in greedy order and every demand point is allocated to the nearest open
 * site within the radius (ties: the lower rank, existing shelters last).
 *
 * Cost coverage (opts->cost_grid): steps (2), (3) and (6) use the bounded
 * least-cost searches of costcover.c instead of the distance test: existing
 * shelters cover by cost, the coverage sets are the demand within max_cost
 * of each candidate, and the allocation takes the open site of least
 * accumulated cost (ties: the lower rank, existing shelters last) - one
 * more search per open site. nearest_existing_m stays a straight-line
 * distance. The grid's CRS must be the points' (compared with OSRIsSame
 * when both are known; an unknown CRS on either side is not checked).
 *
 * Set covering: the greedy adds sites until the target share is reached
 * (error when all eligible sites together cannot reach it); then the solver
 * tries one site fewer (greedy + swap for that p) while that still reaches
 * the target. A lower bound on the number of sites is 1 + the largest q whose
 * MCLP upper bound (greedy and Lagrangian) is below the target, searched
 * downwards from the count found (at most 8 bound evaluations).
 *
 * Differences from the textbook model: the MCLP constraint is sum y <= p
 * rather than = p, so when fewer than p sites add any coverage fewer are
 * returned (with a warning), not arbitrary useless ones; ties go to the
 * lowest candidate index so results are reproducible.
 * Memory: the coverage sets dominate (8 bytes per pair) plus O(n) arrays.
 * Nodata: a candidate with NaN exposure is ineligible when a constraint or
 * penalty uses exposure; demand weights must be finite and >= 0.
 */
#include <math.h>
#include <ogr_srs_api.h>
#include <string.h>
#include <strings.h>

#include "grid/grid_int.h"
#include "siting/siting_int.h"

void senda_siting_opts_init(senda_siting_opts *o)
{
    memset(o, 0, sizeof *o);
    o->model = SENDA_SITING_MCLP;
    o->radius_m = 5000.0;
    o->p = 5;
    o->target_share = 0.9;
    o->exposure = NULL;
    o->exposure_max = (double)NAN;
    o->exposure_penalty = 0.0;
    o->local_search = 1;
    o->bound_iterations = 300;
    o->cost_grid = NULL;
    o->max_cost = 0.0;
    o->unit_m = 0.0;
}

/* 1 when the two CRS strings name the same CRS, or either is unknown ("")
 * or unparsable and the strings are equal. */
static int same_crs(const char *a, const char *b)
{
    if (!a[0] || !b[0] || strcasecmp(a, b) == 0)
        return 1;
    OGRSpatialReferenceH sa = OSRNewSpatialReference(NULL), sb = OSRNewSpatialReference(NULL);
    int same = 0;
    if (OSRSetFromUserInput(sa, a) == OGRERR_NONE && OSRSetFromUserInput(sb, b) == OGRERR_NONE) {
        OSRSetAxisMappingStrategy(sa, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(sb, OAMS_TRADITIONAL_GIS_ORDER);
        same = OSRIsSame(sa, sb);
    }
    OSRDestroySpatialReference(sa);
    OSRDestroySpatialReference(sb);
    return same;
}

/* The checks of the cost-coverage options. */
static senda_status check_cost(senda_ctx *ctx, const senda_points *demand, const senda_points *cand,
                               const senda_points *existing, const senda_siting_opts *o)
{
    const senda_grid *g = o->cost_grid;
    if (!(o->max_cost > 0.0) || !isfinite(o->max_cost))
        return senda__fail(ctx, SENDA_ERR_ARG, "cost budget max_cost must be > 0, got %g",
                           o->max_cost);
    if (!(o->unit_m >= 0.0) || !isfinite(o->unit_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "cost unit_m must be >= 0, got %g", o->unit_m);
    if (g->n_rows == 0 || g->n_cols == 0 || !(g->cell_m > 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "the cost grid is empty");
    const senda_points *sets[3] = {demand, cand, existing};
    static const char *names[3] = {"demand points", "candidates", "existing shelters"};
    for (int k = 0; k < 3; k++)
        if (sets[k] && !same_crs(g->crs, sets[k]->crs))
            return senda__fail(ctx, SENDA_ERR_CRS,
                               "the cost grid's CRS (%.120s) is not the CRS of the %s (%.120s); "
                               "reproject the grid or give the points in its CRS",
                               g->crs, names[k], sets[k]->crs);
    return SENDA_OK;
}

void senda_siting_result_destroy(senda_siting_result *r)
{
    if (!r)
        return;
    senda__free(r->site);
    senda__free(r->marginal);
    senda__free(r->cumulative_pct);
    senda__free(r->exposure);
    senda__free(r->nearest_existing_m);
    senda__free(r->alloc);
    senda__free(r);
}

static senda_status check_args(senda_ctx *ctx, const senda_points *demand, const senda_points *cand,
                               const senda_points *existing, const senda_siting_opts *o,
                               senda_siting_result **out)
{
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    if (!demand || !cand || !o)
        return senda__fail(ctx, SENDA_ERR_ARG, "demand, candidates or opts is NULL");
    if (!o->cost_grid && (!(o->radius_m > 0.0) || !isfinite(o->radius_m)))
        return senda__fail(ctx, SENDA_ERR_ARG, "service radius must be > 0 m, got %g", o->radius_m);
    if (o->model == SENDA_SITING_MCLP && o->p == 0)
        return senda__fail(ctx, SENDA_ERR_ARG, "p (number of new sites) must be >= 1, got 0");
    if (o->model == SENDA_SITING_SET_COVER && !(o->target_share > 0.0 && o->target_share <= 1.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "target share must be in (0, 1], got %g",
                           o->target_share);
    if (o->model != SENDA_SITING_MCLP && o->model != SENDA_SITING_SET_COVER)
        return senda__fail(ctx, SENDA_ERR_ARG, "unknown siting model %d", (int)o->model);
    if (o->exposure_penalty < 0.0 || !isfinite(o->exposure_penalty))
        return senda__fail(ctx, SENDA_ERR_ARG, "exposure penalty must be >= 0, got %g",
                           o->exposure_penalty);
    if (!o->clearance_m && o->min_clearance_m > 0.0)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "a minimum clearance needs the clearance of "
                           "every candidate (opts->clearance_m is NULL)");
    if (!o->exposure && (!isnan(o->exposure_max) || o->exposure_penalty > 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "an exposure limit or penalty needs the "
                           "exposure of every candidate (opts->exposure is NULL)");
    if (o->cost_grid) {
        senda_status st = check_cost(ctx, demand, cand, existing, o);
        if (st != SENDA_OK)
            return st;
    }
    if (cand->n == 0)
        return senda__fail(ctx, SENDA_ERR_DATA, "there are no candidate sites");
    for (size_t i = 0; i < demand->n; i++)
        if (!(demand->weight[i] >= 0.0) || !isfinite(demand->weight[i]))
            return senda__fail(ctx, SENDA_ERR_ARG,
                               "demand point %lld has weight %g; weights "
                               "must be finite and >= 0",
                               (long long)demand->id[i], demand->weight[i]);
    return SENDA_OK;
}

/* Eligibility and per-site penalty from the exposure options. */
static senda_status eligibility(senda_ctx *ctx, const senda_points *cand,
                                const senda_siting_opts *o, unsigned char *elig, double *pen,
                                size_t *n_elig)
{
    size_t n = 0, lowest = SIZE_MAX;
    for (size_t j = 0; j < cand->n; j++) {
        double e = o->exposure ? o->exposure[j] : 0.0;
        int uses = o->exposure && (!isnan(o->exposure_max) || o->exposure_penalty > 0.0);
        elig[j] = 1;
        if (uses && isnan(e))
            elig[j] = 0;
        else if (o->exposure && !isnan(o->exposure_max) && !(e <= o->exposure_max))
            elig[j] = 0;
        if (o->clearance_m && o->min_clearance_m > 0.0 &&
            !(o->clearance_m[j] >= o->min_clearance_m))
            elig[j] = 0;
        if (!isfinite(cand->x[j]) || !isfinite(cand->y[j]))
            elig[j] = 0;
        pen[j] = o->exposure_penalty > 0.0 && elig[j] ? o->exposure_penalty * e : 0.0;
        n += elig[j];
        if (o->exposure && !isnan(e) && (lowest == SIZE_MAX || e < o->exposure[lowest]))
            lowest = j;
    }
    *n_elig = n;
    if (n > 0)
        return SENDA_OK;
    if (o->exposure && lowest != SIZE_MAX && !isnan(o->exposure_max) &&
        !(o->exposure[lowest] <= o->exposure_max))
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "no candidate site satisfies the exposure "
                           "limit %g: the least exposed (candidate %lld) has %g; raise the "
                           "limit or add safer candidates",
                           o->exposure_max, (long long)cand->id[lowest], o->exposure[lowest]);
    if (o->clearance_m && o->min_clearance_m > 0.0) {
        double most = -HUGE_VAL;
        for (size_t j = 0; j < cand->n; j++)
            most = fmax(most, o->clearance_m[j]);
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "no candidate site is both under the exposure "
                           "limit and at least %g m from the nearest danger point (the largest "
                           "clearance of any candidate is %g m)",
                           o->min_clearance_m, most);
    }
    return senda__fail(ctx, SENDA_ERR_DATA,
                       "none of the %zu candidate sites is usable "
                       "(exposure or coordinates missing)",
                       cand->n);
}

/* Mark demand within the radius of an existing shelter. */
typedef struct mark_arg {
    unsigned char *covered;
} mark_arg;

static void mark_visit(uint32_t i, double d2, void *arg)
{
    (void)d2;
    ((mark_arg *)arg)->covered[i] = 1;
}

typedef struct alloc_arg {
    long *alloc;
    double *best_d2;
    long k;
} alloc_arg;

static void alloc_visit(uint32_t i, double d2, void *arg)
{
    alloc_arg *a = arg;
    if (a->alloc[i] < 0 || d2 < a->best_d2[i]) {
        a->alloc[i] = a->k;
        a->best_d2[i] = d2;
    }
}

/* Visit the demand a site at (x, y) covers: within the radius, or within
 * the cost budget (cs not NULL). Returns 0, or -1 when out of memory. */
static int visit_site(const senda__pindex *ix, senda__costsearch *cs, double r, double x, double y,
                      senda__pindex_visit fn, void *arg)
{
    if (cs)
        return senda__costsearch_run(cs, x, y, fn, arg) < 0 ? -1 : 0;
    senda__pindex_query(ix, x, y, r, fn, arg);
    return 0;
}

/* Allocation of every demand point to the nearest open site (by distance,
 * or by accumulated cost when cs is not NULL), rank order first, then
 * existing shelters (ties keep the earlier). */
static senda_status allocate(senda_ctx *ctx, const senda__pindex *ix, senda__costsearch *cs,
                             const senda_points *cand, const senda_points *existing, double r,
                             senda_siting_result *res)
{
    double *d2 = senda__calloc(ctx, res->n_demand ? res->n_demand : 1, sizeof *d2);
    if (!d2)
        return SENDA_ERR_NOMEM;
    alloc_arg a = {res->alloc, d2, 0};
    int rc = 0;
    for (size_t i = 0; i < res->n_demand; i++)
        res->alloc[i] = -1;
    for (size_t k = 0; rc == 0 && k < res->n_sites; k++, a.k++)
        rc = visit_site(ix, cs, r, cand->x[res->site[k]], cand->y[res->site[k]], alloc_visit, &a);
    for (size_t k = 0; rc == 0 && existing && k < existing->n; k++, a.k++)
        rc = visit_site(ix, cs, r, existing->x[k], existing->y[k], alloc_visit, &a);
    senda__free(d2);
    return rc == 0 ? SENDA_OK : SENDA_ERR_NOMEM;
}

static senda_status result_new(senda_ctx *ctx, size_t n_sites, size_t n_dem,
                               senda_siting_result **out)
{
    senda_siting_result *r = senda__calloc(ctx, 1, sizeof *r);
    if (!r)
        return SENDA_ERR_NOMEM;
    size_t ns = n_sites ? n_sites : 1;
    r->n_sites = n_sites;
    r->n_demand = n_dem;
    r->site = senda__calloc(ctx, ns, sizeof *r->site);
    r->marginal = senda__calloc(ctx, ns, sizeof *r->marginal);
    r->cumulative_pct = senda__calloc(ctx, ns, sizeof *r->cumulative_pct);
    r->exposure = senda__calloc(ctx, ns, sizeof *r->exposure);
    r->nearest_existing_m = senda__calloc(ctx, ns, sizeof *r->nearest_existing_m);
    r->alloc = senda__calloc(ctx, n_dem ? n_dem : 1, sizeof *r->alloc);
    if (!r->site || !r->marginal || !r->cumulative_pct || !r->exposure || !r->nearest_existing_m ||
        !r->alloc) {
        senda_siting_result_destroy(r);
        return SENDA_ERR_NOMEM;
    }
    *out = r;
    return SENDA_OK;
}

/* Greedy bound factor 1 - (1 - 1/p)^p (Nemhauser, Wolsey & Fisher 1978). */
static double greedy_factor(size_t p)
{
    return 1.0 - pow(1.0 - 1.0 / (double)p, (double)p);
}

/* Upper bound on the best new objective with at most p sites: min of the
 * coverable weight, the greedy bound (no penalty) and the Lagrangian bound
 * (at least one evaluation, at lambda = w). */
static senda_status bound_for(senda_ctx *ctx, const senda__cover *cv, const double *w,
                              const unsigned char *elig, const double *pen, size_t p,
                              double greedy_value, double lb, int iters, double *ub_greedy,
                              double *ub_lagr, senda__primal *primal, senda_progress_fn progress,
                              void *arg)
{
    double coverable = 0.0;
    for (size_t i = 0; i < cv->n_dem; i++)
        if (cv->dem_ptr[i + 1] > cv->dem_ptr[i])
            coverable += w[i];
    *ub_greedy = pen ? HUGE_VAL : fmin(coverable, greedy_value / greedy_factor(p));
    *ub_lagr = HUGE_VAL;
    return senda__siting_lagrangian(ctx, cv, w, elig, pen, p, lb, iters > 1 ? iters : 1, ub_lagr,
                                    primal, progress, arg);
}

/* Everything a solve owns, freed in one place. */
typedef struct solve_state {
    senda__pindex ix;
    senda__costsearch cs;   /* cost coverage only */
    senda__costsearch *csp; /* &cs with a cost grid, else NULL */
    size_t ex_off;          /* cost coverage: existing shelters off the grid or on nodata */
    senda__cover cv;
    senda__solver sv;
    unsigned char *elig;
    double *pen;
    double *w;
    unsigned char *covered0;
    size_t *order;
    double *marginal;
    size_t *best;   /* set cover: the best site set found */
    size_t *psites; /* MCLP: the Lagrangean heuristic's best set */
    double total_w, existing_w;
} solve_state;

static void state_free(solve_state *s)
{
    senda__pindex_free(&s->ix);
    senda__costsearch_free(&s->cs);
    senda__cover_free(&s->cv);
    senda__solver_free(&s->sv);
    senda__free(s->elig);
    senda__free(s->pen);
    senda__free(s->w);
    senda__free(s->covered0);
    senda__free(s->order);
    senda__free(s->marginal);
    senda__free(s->best);
    senda__free(s->psites);
}

/* Reopen a saved set of sites. */
static senda_status reopen(senda__solver *sv, const size_t *sites, size_t n)
{
    senda__solver_reset(sv);
    senda_status st = SENDA_OK;
    for (size_t k = 0; k < n && st == SENDA_OK; k++)
        st = senda__solver_open(sv, sites[k]);
    return st;
}

static senda_status mclp(solve_state *s, const senda_siting_opts *o, double *greedy_value,
                         size_t *n_swaps, senda_progress_fn progress, void *arg)
{
    senda_status st = senda__solver_greedy(&s->sv, o->p, HUGE_VAL);
    *greedy_value = s->sv.covered - s->sv.penalty;
    if (st == SENDA_OK && o->local_search)
        st = senda__solver_swap(&s->sv, n_swaps, progress, arg);
    return st;
}

/* The proven lower bound on the number of sites: 1 + the largest q < q_fail+1
 * whose MCLP upper bound stays below target (at most 8 tries downwards from
 * q_fail); 1 when none is found. */
static senda_status set_cover_lower(solve_state *s, const senda_siting_opts *o, size_t q_fail,
                                    double target, size_t *lower)
{
    *lower = 1;
    for (size_t q = q_fail, tries = 0; q >= 1 && tries < 8; q--, tries++) {
        senda__solver_reset(&s->sv);
        senda_status st = senda__solver_greedy(&s->sv, q, HUGE_VAL);
        double ubg, ubl, val = s->sv.covered;
        if (st == SENDA_OK)
            st = bound_for(s->sv.ctx, &s->cv, s->w, s->elig, NULL, q, val, val, o->bound_iterations,
                           &ubg, &ubl, NULL, NULL, NULL);
        if (st != SENDA_OK)
            return st;
        if (fmin(ubg, ubl) < target) {
            *lower = q + 1;
            break;
        }
    }
    return SENDA_OK;
}

/* Fewest sites reaching target (new weight): greedy, then one fewer at a
 * time with greedy + swap while the target is still reached. */
static senda_status set_cover(solve_state *s, const senda_siting_opts *o, double target,
                              size_t *n_swaps, size_t *lower, senda_progress_fn progress, void *arg)
{
    senda_ctx *ctx = s->sv.ctx;
    *lower = 0;
    if (target <= 0.0)
        return SENDA_OK; /* the existing shelters already reach it */
    senda_status st = senda__solver_greedy(&s->sv, s->cv.n_cand, target);
    if (st != SENDA_OK)
        return st;
    if (s->sv.covered < target)
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "target share %.4g cannot be reached: all "
                           "eligible candidates with the existing shelters cover %.2f %% of "
                           "the demand weight",
                           o->target_share, 100.0 * (s->existing_w + s->sv.covered) / s->total_w);
    size_t k = s->sv.n_sites, q_fail = 0;
    if (!(s->best = senda__calloc(ctx, k ? k : 1, sizeof *s->best)))
        return SENDA_ERR_NOMEM;
    memcpy(s->best, s->sv.sites, k * sizeof *s->best);
    for (size_t q = k - 1; q >= 1; q--) {
        senda__solver_reset(&s->sv);
        if ((st = senda__solver_greedy(&s->sv, q, HUGE_VAL)) != SENDA_OK)
            return st;
        if (s->sv.covered < target && o->local_search &&
            (st = senda__solver_swap(&s->sv, n_swaps, progress, arg)) != SENDA_OK)
            return st;
        if (s->sv.covered < target) {
            q_fail = q;
            break;
        }
        k = q;
        memcpy(s->best, s->sv.sites, k * sizeof *s->best);
    }
    if (q_fail > 0 && (st = set_cover_lower(s, o, q_fail, target, lower)) != SENDA_OK)
        return st;
    if (q_fail == 0)
        *lower = 1; /* one site is needed (target > 0) and one was found */
    return reopen(&s->sv, s->best, k);
}

/* Adopt the Lagrangean heuristic's set and polish it with the swap search. */
static senda_status improve(solve_state *s, const senda_siting_opts *o, senda__primal *primal,
                            size_t *n_swaps)
{
    senda_status st = reopen(&s->sv, primal->sites, primal->n);
    if (st == SENDA_OK && o->local_search)
        st = senda__solver_swap(&s->sv, n_swaps, NULL, NULL);
    return st;
}

static senda_status prepare(senda_ctx *ctx, solve_state *s, const senda_points *demand,
                            const senda_points *cand, const senda_points *existing,
                            const senda_siting_opts *o, size_t *n_elig)
{
    size_t nd = demand->n ? demand->n : 1;
    s->elig = senda__calloc(ctx, cand->n, 1);
    s->pen = senda__calloc(ctx, cand->n, sizeof *s->pen);
    s->w = senda__calloc(ctx, nd, sizeof *s->w);
    s->covered0 = senda__calloc(ctx, nd, 1);
    if (!s->elig || !s->pen || !s->w || !s->covered0)
        return SENDA_ERR_NOMEM;
    senda_status st = eligibility(ctx, cand, o, s->elig, s->pen, n_elig);
    if (st != SENDA_OK)
        return st;
    if (o->cost_grid) {
        st = senda__costsearch_init(ctx, o->cost_grid, o->max_cost, o->unit_m, demand, &s->cs);
        s->csp = &s->cs;
    } else {
        st = senda__pindex_build(ctx, demand->x, demand->y, demand->n, o->radius_m, &s->ix);
    }
    if (st != SENDA_OK)
        return st;
    mark_arg m = {s->covered0};
    for (size_t k = 0; existing && k < existing->n; k++) {
        if (!s->csp) {
            senda__pindex_query(&s->ix, existing->x[k], existing->y[k], o->radius_m, mark_visit,
                                &m);
            continue;
        }
        int rc = senda__costsearch_run(s->csp, existing->x[k], existing->y[k], mark_visit, &m);
        if (rc < 0)
            return SENDA_ERR_NOMEM;
        s->ex_off += rc == 0;
    }
    for (size_t i = 0; i < demand->n; i++) {
        s->total_w += demand->weight[i];
        if (s->covered0[i])
            s->existing_w += demand->weight[i];
        s->w[i] = s->covered0[i] ? 0.0 : demand->weight[i];
    }
    return SENDA_OK;
}

/* Ranked sites, exposure, nearest existing shelter and allocation into res. */
static senda_status fill_result(senda_ctx *ctx, solve_state *s, const senda_points *cand,
                                const senda_points *existing, const senda_siting_opts *o,
                                senda_siting_result *res)
{
    double cum = s->existing_w;
    for (size_t r = 0; r < res->n_sites; r++) {
        size_t j = s->order[r];
        res->site[r] = j;
        res->marginal[r] = s->marginal[r];
        cum += s->marginal[r];
        res->cumulative_pct[r] = s->total_w > 0.0 ? 100.0 * cum / s->total_w : 0.0;
        res->exposure[r] = o->exposure ? o->exposure[j] : (double)NAN;
        double best = HUGE_VAL;
        for (size_t k = 0; existing && k < existing->n; k++)
            best = fmin(best, hypot(existing->x[k] - cand->x[j], existing->y[k] - cand->y[j]));
        res->nearest_existing_m[r] = isfinite(best) ? best : (double)NAN;
    }
    return allocate(ctx, &s->ix, s->csp, cand, existing, o->radius_m, res);
}

/* Weights, objective and bounds of the result (existing weight added back). */
static void set_figures(const solve_state *s, double objective, double ubg, double ubl,
                        senda_siting_result *res)
{
    res->total_weight = s->total_w;
    res->existing_weight = s->existing_w;
    res->covered_weight = s->existing_w + s->sv.covered;
    res->objective = s->existing_w + objective;
    res->greedy_bound = isfinite(ubg) ? s->existing_w + ubg : HUGE_VAL;
    res->lagrangian_bound = isfinite(ubl) ? s->existing_w + ubl : HUGE_VAL;
    res->upper_bound = fmax(res->objective, s->existing_w + fmin(ubg, ubl));
    res->gap =
        res->upper_bound > 0.0 ? (res->upper_bound - res->objective) / res->upper_bound : 0.0;
    res->n_pairs = s->cv.n_pairs;
}

senda_status senda_siting_solve(senda_ctx *ctx, const senda_points *demand,
                                const senda_points *candidates, const senda_points *existing,
                                const senda_siting_opts *opts, senda_siting_result **out,
                                senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    senda_status st = check_args(ctx, demand, candidates, existing, opts, out);
    if (st != SENDA_OK)
        return st;
    const senda_siting_opts *o = opts;
    solve_state s;
    memset(&s, 0, sizeof s);
    senda_siting_result *res = NULL;
    size_t n_elig = 0, n_swaps = 0, lower = 0;
    double greedy_value = 0.0, ubg = HUGE_VAL, ubl = HUGE_VAL;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "siting")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    if ((st = prepare(ctx, &s, demand, candidates, existing, o, &n_elig)) != SENDA_OK)
        goto done;
    senda__progress_sub_t sub = senda__progress_sub(progress, progress_arg, 0.0, 0.4);
    if (s.csp) {
        size_t cand_off = 0;
        st = senda__cover_cost(ctx, s.csp, candidates, s.elig, &s.cv, &cand_off,
                               progress ? senda__progress_sub_fn : NULL, &sub);
        if (st == SENDA_OK && (s.cs.n_dem_off || cand_off || s.ex_off))
            senda__log(ctx, 1,
                       "cost coverage: %zu demand points, %zu candidates and %zu existing "
                       "shelters lie outside the cost grid or on a nodata cell: such demand is "
                       "never covered and such sites cover nothing",
                       s.cs.n_dem_off, cand_off, s.ex_off);
    } else {
        st = senda__cover_euclid(ctx, &s.ix, candidates, s.elig, o->radius_m, &s.cv,
                                 progress ? senda__progress_sub_fn : NULL, &sub);
    }
    const double *pen = o->exposure_penalty > 0.0 ? s.pen : NULL;
    if (st == SENDA_OK)
        st = senda__solver_init(ctx, &s.cv, s.w, s.elig, pen, 1e-9 * s.total_w, &s.sv);
    if (st != SENDA_OK)
        goto done;
    sub = senda__progress_sub(progress, progress_arg, 0.5, 0.8);
    if (o->model == SENDA_SITING_MCLP)
        st = mclp(&s, o, &greedy_value, &n_swaps, progress ? senda__progress_sub_fn : NULL, &sub);
    else
        st = set_cover(&s, o, o->target_share * s.total_w - s.existing_w - 1e-12 * s.total_w,
                       &n_swaps, &lower, progress ? senda__progress_sub_fn : NULL, &sub);
    if (st != SENDA_OK)
        goto done;
    size_t pb = o->model == SENDA_SITING_MCLP ? o->p : (s.sv.n_sites ? s.sv.n_sites : 1);
    double objective = s.sv.covered - s.sv.penalty;
    if (o->model != SENDA_SITING_MCLP)
        greedy_value = objective; /* the final set is at least as good as a greedy one */
    if (!(s.psites = senda__calloc(ctx, pb, sizeof *s.psites))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    senda__primal primal = {s.psites, 0, objective};
    sub = senda__progress_sub(progress, progress_arg, 0.8, 1.0);
    st = bound_for(ctx, &s.cv, s.w, s.elig, pen, pb, greedy_value, objective, o->bound_iterations,
                   &ubg, &ubl, o->model == SENDA_SITING_MCLP ? &primal : NULL,
                   progress ? senda__progress_sub_fn : NULL, &sub);
    if (st == SENDA_OK && primal.n > 0) /* the Lagrangean heuristic found a better set */
        st = improve(&s, o, &primal, &n_swaps);
    if (st != SENDA_OK)
        goto done;
    objective = s.sv.covered - s.sv.penalty;
    size_t ns = s.sv.n_sites;
    if (o->model == SENDA_SITING_MCLP && ns < o->p)
        senda__log(ctx, 1,
                   "only %zu of the %zu requested sites add coverage; more sites "
                   "would cover no further demand",
                   ns, o->p);
    s.order = senda__calloc(ctx, ns ? ns : 1, sizeof *s.order);
    s.marginal = senda__calloc(ctx, ns ? ns : 1, sizeof *s.marginal);
    if (!s.order || !s.marginal) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    st = senda__solver_rank(&s.sv, s.order, s.marginal);
    if (st != SENDA_OK || (st = result_new(ctx, ns, demand->n, &res)) != SENDA_OK)
        goto done;
    set_figures(&s, objective, ubg, ubl, res);
    res->n_eligible = n_elig;
    res->n_swaps = n_swaps;
    res->min_sites_lower_bound = lower;
    if ((st = fill_result(ctx, &s, candidates, existing, o, res)) != SENDA_OK)
        goto done;
    if (!senda__progress(ctx, progress, progress_arg, 1.0, "siting"))
        st = SENDA_ERR_CANCELLED;
done:
    state_free(&s);
    if (st != SENDA_OK) {
        senda_siting_result_destroy(res);
        res = NULL;
    }
    *out = res;
    return st;
}
