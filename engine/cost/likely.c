/*
 * likely.c - likely routes: a stochastic route choice over the choice-cost
 * surface, giving the expected share of migrants through every cell (route
 * density) and the exposure each migrant meets on the way (exposure
 * integrated along the routes people are likely to take).
 *
 * Model: multinomial logit over the efficient paths of Dial (1971), "A
 * probabilistic multipath traffic assignment model which obviates path
 * enumeration", Transportation Research 5, 83-111, with the single-pass
 * efficiency rule: a move i -> j is efficient when it brings the migrant
 * strictly closer (in choice cost) to the nearest destination, s(j) < s(i),
 * s the least accumulated choice cost to any destination. A path from an
 * origin to a destination made of efficient moves is chosen with
 * probability proportional to exp(-theta * C(path)), C its choice cost.
 * This is the randomized-shortest-path model of Saerens, Achbany, Fouss and
 * Yen (2009), "Randomized shortest-path problems: two related models",
 * Neural Computation 21(8), with unit reference weights, restricted to the
 * acyclic graph of efficient moves: theta is its inverse temperature
 * (theta -> infinity: the least-cost path; theta -> 0: every efficient
 * path alike). Restricting to efficient moves keeps the sums finite without
 * a reference random walk and makes the model a two-pass computation;
 * the price is that a path which at some step moves away from every
 * destination gets no flow.
 *
 * Computation (Dial's two passes, in log space so that long routes do not
 * underflow): moves are GRASS r.cost's 8 neighbours with cost
 * (c(i) + c(j)) / 2 x length in km (accumulate.c); s comes from one
 * accumulated-cost run from all destinations (the moves are symmetric).
 * With a DEM, walking moves add r.walk's slope time (likely_slope.c), the
 * moves become directed and s comes from a search over reversed moves.
 * With reduced costs r(i,j) = c(i,j) + s(j) - s(i) >= 0, the backward pass
 * in increasing s sets log z(i) = log sum_j exp(-theta r(i,j) + log z(j)),
 * z = 1 at destinations (z(i) sums exp(-theta (C - s(i))) over the
 * efficient paths from i). A migrant at i then moves to j with probability
 * p(i,j) = exp(-theta r(i,j)) z(j) / z(i) (a Markov chain, exact for the
 * logit over paths). The forward pass in decreasing s pushes each origin's
 * flow along p: the route density of a cell is the probability that a
 * migrant passes it (each cell is met at most once on an efficient path);
 * exposure per migrant is the flow-weighted sum over moves of
 * (e(i) + e(j)) / 2 x length km, e the exposure per km.
 * tests/cost/test_likely.c checks it against a brute-force enumeration of
 * every efficient path of a small grid.
 *
 * Complexity: one accumulated-cost run, a sort of the N reached cells
 * (O(N log N)), 8 N moves per pass; one forward pass per origin. Memory:
 * 8 B per cell for s, log z, the pass's flow and the total density, plus
 * 4 B per cell for the order. Nodata: NaN choice cells are barriers; NaN
 * exposure counts as 0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cost/cost_int.h"
#include "cost/likely_int.h"
#include "grid/grid_int.h"

void senda_likely_opts_init(senda_likely_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    /* A route costing 5 km-equivalents more is e (2.7) times less likely:
     * people spread over near-best ways (they know the corridor roughly, not
     * the least-cost path), and a detour of 25 km-equivalents (one checkpoint
     * halo crossed: w_detect x range / 2) takes 1 in 150. */
    o->theta = 0.2;
    senda_walk_opts_init(&o->walk); /* used only with a DEM */
}

void senda_likely_result_destroy(senda_likely_result *r)
{
    if (!r)
        return;
    senda_grid_destroy(r->density);
    senda__free(r->origin_share);
    senda__free(r->origin_exposure);
    senda__free(r->origin_cost);
    senda__free(r->dest_share);
    senda__free(r->origin_density);
    senda__free(r);
}

/* The search state shared by both passes. */
typedef struct {
    const senda_grid *g;
    const double *e; /* exposure per km, NULL = 0 */
    double *s, *logz;
    size_t *order; /* reached cells by increasing s */
    size_t n_order;
    int *dest_of;  /* destination index of a cell, -1 */
    double fac[9]; /* r.cost's move factor x cell km */
    ptrdiff_t off[9];
    double theta;
    const senda__likely_moves *mv; /* with a DEM: the slope term; NULL = flat */
} lk;

/* The efficient moves of cell i: targets j[] with reduced cost r[], move
 * factor f[] and choice cost cm[]; returns their number. */
static int efficient(const lk *L, size_t i, size_t j[8], double r[8], double f[8], double cm[8])
{
    const senda_grid *g = L->g;
    size_t row = i / g->n_cols, col = i % g->n_cols;
    int m = 0;
    for (int k = 1; k <= 8; k++) {
        long rr = (long)row + senda__cost_drow[k], cc = (long)col + senda__cost_dcol[k];
        if (rr < 0 || cc < 0 || (size_t)rr >= g->n_rows || (size_t)cc >= g->n_cols)
            continue;
        size_t t = (size_t)((ptrdiff_t)i + L->off[k]);
        if (!(L->s[t] < L->s[i])) /* NaN (unreached) or not closer */
            continue;
        double c = (g->data[t] + g->data[i]) * L->fac[k];
        if (L->mv)
            c += senda__likely_slope(L->mv, i, t, k);
        double red = c + L->s[t] - L->s[i];
        j[m] = t;
        r[m] = red > 0.0 ? red : 0.0; /* rounding of s */
        f[m] = L->fac[k];
        cm[m] = c;
        m++;
    }
    return m;
}

static int by_s(const void *a, const void *b, void *arg)
{
    const double *s = arg;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    return s[i] < s[j] ? -1 : s[i] > s[j] ? 1 : (i > j) - (i < j);
}

/* Backward pass: log z in increasing s. */
static void backward(lk *L)
{
    size_t j[8];
    double r[8], f[8], cm[8];
    for (size_t q = 0; q < L->n_order; q++) {
        size_t i = L->order[q];
        if (L->dest_of[i] >= 0) {
            L->logz[i] = 0.0;
            continue;
        }
        int m = efficient(L, i, j, r, f, cm);
        double t[8], hi = -(double)INFINITY;
        for (int k = 0; k < m; k++) {
            t[k] = -L->theta * r[k] + L->logz[j[k]];
            hi = t[k] > hi ? t[k] : hi;
        }
        double sum = 0.0;
        for (int k = 0; k < m; k++)
            sum += exp(t[k] - hi);
        L->logz[i] = m ? hi + log(sum) : -(double)INFINITY; /* no way on: never entered */
    }
}

/* Forward pass of one origin cell: flow[] (zeroed by the caller) gets the
 * probability of passing each cell; returns the expected exposure and
 * choice cost, and adds the arrivals per destination into arrive[]. */
static void forward(const lk *L, size_t origin, double *flow, double *arrive, double *expo,
                    double *cost)
{
    size_t j[8];
    double r[8], f[8], cm[8];
    double ex = 0.0, co = 0.0;
    flow[origin] = 1.0;
    for (size_t q = L->n_order; q-- > 0;) {
        size_t i = L->order[q];
        double fi = flow[i];
        if (!(fi > 0.0))
            continue;
        if (L->dest_of[i] >= 0) {
            arrive[L->dest_of[i]] += fi;
            continue;
        }
        int m = efficient(L, i, j, r, f, cm);
        double ei = L->e && !isnan(L->e[i]) ? L->e[i] : 0.0;
        for (int k = 0; k < m; k++) {
            double p = exp(-L->theta * r[k] + L->logz[j[k]] - L->logz[i]);
            if (!(p > 0.0))
                continue;
            double ej = L->e && !isnan(L->e[j[k]]) ? L->e[j[k]] : 0.0;
            flow[j[k]] += fi * p;
            ex += fi * p * (ei + ej) * f[k];
            co += fi * p * cm[k];
        }
    }
    *expo = ex;
    *cost = co;
}

static senda_status check_likely(senda_ctx *ctx, const senda_grid *choice,
                                 const senda_grid *exposure, const senda_points *origins,
                                 const double *flows, const senda_points *dests,
                                 const senda_likely_opts *o)
{
    if (!(o->theta > 0.0) || !isfinite(o->theta))
        return senda__fail(ctx, SENDA_ERR_ARG, "theta must be > 0, got %g", o->theta);
    if (origins->n == 0 || dests->n == 0)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "likely routes need at least one origin and "
                           "one destination (got %zu and %zu)",
                           origins->n, dests->n);
    if (exposure && (exposure->n_rows != choice->n_rows || exposure->n_cols != choice->n_cols))
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "exposure grid (%zu x %zu) and choice grid "
                           "(%zu x %zu) differ in shape",
                           exposure->n_rows, exposure->n_cols, choice->n_rows, choice->n_cols);
    double total = 0.0;
    for (size_t k = 0; flows && k < origins->n; k++) {
        if (!(flows[k] >= 0.0) || !isfinite(flows[k]))
            return senda__fail(ctx, SENDA_ERR_ARG, "flow of origin %zu must be >= 0, got %g", k + 1,
                               flows[k]);
        total += flows[k];
    }
    if (flows && !(total > 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "the flows of the %zu origins sum to 0", origins->n);
    size_t n = choice->n_rows * choice->n_cols;
    for (size_t i = 0; i < n; i++)
        if (!isnan(choice->data[i]) && !(choice->data[i] > 0.0))
            return senda__fail(ctx, SENDA_ERR_ARG,
                               "choice cost must be > 0 or nodata, got %g "
                               "at row %zu, col %zu",
                               choice->data[i], i / choice->n_cols, i % choice->n_cols);
    return SENDA_OK;
}

/* The cell of origin k, checked: inside, passable, reached. names: the
 * origins' names for the messages, or NULL. */
static senda_status origin_cell(senda_ctx *ctx, const lk *L, const senda_points *o,
                                const char *const *names, size_t k, size_t *cell)
{
    const senda_grid *g = L->g;
    char name[160] = "";
    if (names && names[k])
        snprintf(name, sizeof name, " (%s)", names[k]);
    double fc = floor((o->x[k] - g->x_min) / g->cell_m);
    double fr = floor((g->y_max - o->y[k]) / g->cell_m);
    if (!(fc >= 0.0 && fr >= 0.0 && fc < (double)g->n_cols && fr < (double)g->n_rows))
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "origin %zu%s at (%.0f, %.0f) is outside the grid", k + 1, name,
                           o->x[k], o->y[k]);
    *cell = (size_t)fr * g->n_cols + (size_t)fc;
    if (isnan(L->s[*cell]))
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "origin %zu%s at (%.0f, %.0f) is on a barrier or cannot reach any "
                           "destination (the sea, or a river of the layers with no crossing "
                           "open on the way: add a river_crossings point, or widen "
                           "--river-clear-m)",
                           k + 1, name, o->x[k], o->y[k]);
    return SENDA_OK;
}

/* s = least choice cost to a destination: r.cost's accumulated cost from
 * the destinations when flat (the moves are symmetric), the reversed search
 * of likely_slope.c with a DEM. */
static senda_status least_to_destinations(senda_ctx *ctx, lk *L, const senda_points *dests,
                                          senda_grid **acc, size_t **dcell, size_t *n_dcell)
{
    const senda_grid *g = L->g;
    senda_status st;
    if (!L->mv) {
        senda_cost_opts co;
        senda_cost_opts_init(&co);
        co.unit_m = 1000.0;
        st = senda_cost_accumulate(ctx, g, dests, &co, acc, NULL, NULL, NULL);
    } else {
        st = senda__grid_like(ctx, g, (double)NAN, acc);
    }
    if (st == SENDA_OK)
        st = senda__cost_source_cells(ctx, g, dests, dcell, n_dcell);
    if (st == SENDA_OK && L->mv)
        st = senda__likely_slope_search(ctx, L->mv, *dcell, *n_dcell, (*acc)->data);
    if (st == SENDA_OK)
        L->s = (*acc)->data;
    return st;
}

/* Allocate the result arrays. */
static senda_status result_new(senda_ctx *ctx, const senda_grid *g, size_t n_o, size_t n_d,
                               senda_likely_result **out)
{
    senda_likely_result *r = senda__calloc(ctx, 1, sizeof *r);
    if (!r)
        return SENDA_ERR_NOMEM;
    r->n_origins = n_o;
    r->n_destinations = n_d;
    r->origin_share = senda__calloc(ctx, n_o, sizeof(double));
    r->origin_exposure = senda__calloc(ctx, n_o, sizeof(double));
    r->origin_cost = senda__calloc(ctx, n_o, sizeof(double));
    r->dest_share = senda__calloc(ctx, n_d, sizeof(double));
    r->origin_density = senda__calloc2(ctx, n_o, g->n_rows * g->n_cols * sizeof(double));
    senda_status st = SENDA_ERR_NOMEM;
    if (r->origin_share && r->origin_exposure && r->origin_cost && r->dest_share &&
        r->origin_density)
        st = senda__grid_like(ctx, g, 0.0, &r->density);
    if (st != SENDA_OK) {
        senda_likely_result_destroy(r);
        return st;
    }
    *out = r;
    return SENDA_OK;
}

senda_status senda_likely_routes(senda_ctx *ctx, const senda_grid *choice,
                                 const senda_grid *exposure, const senda_points *origins,
                                 const double *flows, const senda_points *destinations,
                                 const senda_likely_opts *opts, senda_likely_result **out,
                                 senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    if (out)
        *out = NULL;
    if (!choice || !origins || !destinations || !opts || !out)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "choice, origins, destinations, opts or out is "
                           "NULL");
    senda_status st = check_likely(ctx, choice, exposure, origins, flows, destinations, opts);
    if (st == SENDA_OK && opts->dem)
        st = senda__likely_slope_check(ctx, choice, opts);
    if (st != SENDA_OK)
        return st;
    const senda_grid *g = choice;
    size_t n = g->n_rows * g->n_cols, *dcell = NULL, n_dcell = 0;
    senda_grid *acc = NULL;
    senda_likely_result *res = NULL;
    lk L = {g, exposure ? exposure->data : NULL, NULL, NULL, NULL, 0, NULL, {0}, {0}, opts->theta,
            NULL};
    senda__likely_moves mv = {g, NULL, NULL, opts->walk, {0}, {0}, {0}};
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "likely routes"))
        return SENDA_ERR_CANCELLED;
    for (int k = 1; k <= 8; k++) {
        L.fac[k] = mv.fac[k] = senda__cost_move_factor(k) * g->cell_m / 1000.0;
        L.off[k] = mv.off[k] =
            (ptrdiff_t)senda__cost_drow[k] * (ptrdiff_t)g->n_cols + senda__cost_dcol[k];
        mv.dist_m[k] = 2.0 * senda__cost_move_factor(k) * g->cell_m;
    }
    if (opts->dem) {
        mv.dem = opts->dem->data;
        mv.walking = opts->walking->data;
        L.mv = &mv;
    }
    if ((st = least_to_destinations(ctx, &L, destinations, &acc, &dcell, &n_dcell)) != SENDA_OK)
        goto done;
    L.logz = senda__calloc2(ctx, n, sizeof(double));
    L.order = senda__calloc2(ctx, n, sizeof(size_t));
    L.dest_of = senda__calloc2(ctx, n, sizeof(int));
    if (!L.logz || !L.order || !L.dest_of) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        L.dest_of[i] = -1;
        if (!isnan(L.s[i]))
            L.order[L.n_order++] = i;
    }
    /* destinations in the order given; one outside the grid was skipped */
    for (size_t d = 0, c = 0; d < destinations->n && c < n_dcell; d++) {
        double fc = floor((destinations->x[d] - g->x_min) / g->cell_m);
        double fr = floor((g->y_max - destinations->y[d]) / g->cell_m);
        if (!(fc >= 0.0 && fr >= 0.0 && fc < (double)g->n_cols && fr < (double)g->n_rows))
            continue;
        size_t cell = dcell[c++];
        if (L.dest_of[cell] < 0 && !isnan(L.s[cell]))
            L.dest_of[cell] = (int)d;
    }
    qsort_r(L.order, L.n_order, sizeof *L.order, by_s, L.s);
    backward(&L);
    if (!senda__progress(ctx, progress, progress_arg, 0.3, NULL)) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    if ((st = result_new(ctx, g, origins->n, destinations->n, &res)) != SENDA_OK)
        goto done;
    double total = 0.0;
    for (size_t k = 0; k < origins->n; k++)
        total += flows ? flows[k] : 1.0;
    for (size_t k = 0; k < origins->n; k++) {
        size_t cell = 0;
        if ((st = origin_cell(ctx, &L, origins, opts->origin_names, k, &cell)) != SENDA_OK)
            goto done;
        double *flow = res->origin_density + k * n;
        res->origin_share[k] = (flows ? flows[k] : 1.0) / total;
        double *arrive = senda__calloc(ctx, destinations->n, sizeof(double));
        if (!arrive) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        forward(&L, cell, flow, arrive, &res->origin_exposure[k], &res->origin_cost[k]);
        for (size_t d = 0; d < destinations->n; d++)
            res->dest_share[d] += res->origin_share[k] * arrive[d];
        senda__free(arrive);
        for (size_t i = 0; i < n; i++)
            res->density->data[i] += res->origin_share[k] * flow[i];
        res->exposure_per_migrant += res->origin_share[k] * res->origin_exposure[k];
        res->choice_cost_per_migrant += res->origin_share[k] * res->origin_cost[k];
        if (!senda__progress(ctx, progress, progress_arg,
                             0.3 + 0.7 * (double)(k + 1) / (double)origins->n, NULL)) {
            st = SENDA_ERR_CANCELLED;
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (isnan(g->data[i]))
            res->density->data[i] = (double)NAN;
    res->theta = opts->theta;
    senda_grid_set_units(ctx, res->density, "share of migrants",
                         "route density: expected share of migrants passing the cell "
                         "(logit over efficient paths, Dial 1971)");
done:
    senda_grid_destroy(acc);
    senda__free(dcell);
    senda__free(L.logz);
    senda__free(L.order);
    senda__free(L.dest_of);
    if (st != SENDA_OK) {
        senda_likely_result_destroy(res);
        res = NULL;
    }
    *out = res;
    return st;
}
