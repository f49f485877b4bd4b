/*
 * paths.c - least-danger paths from a set of sources to named destinations
 * over a danger (friction) surface, with k alternatives per destination.
 *
 * The best path is r.cost + r.path (accumulate.c, path.c): one Dijkstra run
 * from every source, then a trace back from each destination; it leaves
 * from whichever source is cheapest to reach the destination from. With the
 * default unit_m = 1000 a move costs its mean danger per km times its length
 * in km, so the accumulated cost M is "danger units" and the total danger
 * of a path is its M at the destination.
 *
 * Alternatives (penalty method, in the spirit of the "iterative penalty"
 * route-choice sets of de la Barra et al. 1993 and Park & Rilett 1997): for
 * the j-th alternative of a destination every cell whose centre lies within
 * corridor_m of a vertex of the best path or an earlier alternative has its
 * friction multiplied by (1 + penalty); Dijkstra runs again from the
 * sources and the path is traced back. The alternative's cost is then
 * re-evaluated on the unpenalised surface with r.cost's move formula (so it
 * is comparable with the best path's), and extra_cost_pct /
 * extra_length_pct are relative to the best path. The walk stops early,
 * with a note, when a penalised run returns a cell sequence already found:
 * no meaningfully different path is left at that penalty.
 *
 * Complexity: (1 + n_dest * k) Dijkstra runs of O(N log F) each (the base
 * run is shared by every destination), plus O(L * (corridor / cell)^2) to
 * stamp each corridor. Memory: the friction copy, accum and direction grids
 * (8 B a cell each) and a 1 B corridor mask on top of one Dijkstra run.
 * Nodata cells stay barriers in every run (NaN times a factor is NaN).
 */
#include <math.h>
#include <string.h>

#include "cost/cost_int.h"
#include "grid/grid_int.h"

void senda_cost_paths_opts_init(senda_cost_paths_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    senda_cost_opts_init(&o->cost);
    o->cost.unit_m = 1000.0;
    o->alternatives = 0;
    o->penalty = 1.0;
    o->corridor_m = 2000.0;
}

void senda_cost_paths_destroy(senda_cost_path **paths, size_t n)
{
    if (!paths)
        return;
    for (size_t i = 0; i < n; i++)
        senda_cost_path_destroy(paths[i]);
    senda__free(paths);
}

/* The move (1..16) from cell a to the neighbouring cell b, 0 if none. */
static int move_between(size_t n_cols, size_t a, size_t b)
{
    long dr = (long)(b / n_cols) - (long)(a / n_cols);
    long dc = (long)(b % n_cols) - (long)(a % n_cols);
    for (int k = 1; k <= 16; k++)
        if (senda__cost_drow[k] == dr && senda__cost_dcol[k] == dc)
            return k;
    return 0;
}

/* Friction with the null rule of opts (NaN and negatives: null_cost). */
static double fric(const senda_grid *g, const senda_cost_opts *o, size_t i)
{
    double c = g->data[i];
    return c >= 0.0 ? c : o->null_cost;
}

void senda__cost_path_recost(const senda_grid *friction, const senda_cost_opts *o,
                             senda_cost_path *p, int keep_m)
{
    double unit = o->unit_m > 0.0 ? friction->cell_m / o->unit_m : 1.0;
    size_t n_cols = friction->n_cols;
    for (size_t v = 0; v < p->n; v++) {
        p->value[v] = friction->data[p->cell[v]];
        if (keep_m)
            continue;
        if (v == 0) {
            p->m[0] = 0.0;
            continue;
        }
        size_t a = p->cell[v - 1], b = p->cell[v];
        int k = move_between(n_cols, a, b);
        double fc = fric(friction, o, b) + fric(friction, o, a);
        if (k > 8) {
            const int *via = senda__cost_knight_via[k];
            size_t va = (size_t)((long)a + senda__cost_drow[via[0]] * (long)n_cols +
                                 senda__cost_dcol[via[0]]);
            size_t vb = (size_t)((long)a + senda__cost_drow[via[1]] * (long)n_cols +
                                 senda__cost_dcol[via[1]]);
            fc = fric(friction, o, va) + fric(friction, o, vb) + fric(friction, o, b) +
                 fric(friction, o, a);
        }
        p->m[v] = p->m[v - 1] + fc * (k ? senda__cost_move_factor(k) : (double)NAN) * unit;
    }
    if (!keep_m)
        p->cost = p->m[p->n - 1];
}

/* Multiply by (1 + penalty) the friction of every cell within corridor_m of
 * a vertex of path p (mask avoids penalising a cell twice). */
static void penalise(const senda_grid *base, senda_grid *work, uint8_t *mask,
                     const senda_cost_path *p, double penalty, double corridor_m)
{
    const senda_grid *g = base;
    long reach = (long)floor(corridor_m / g->cell_m);
    double r2 = corridor_m * corridor_m + 1e-6 * g->cell_m * g->cell_m;
    for (size_t v = 0; v < p->n; v++) {
        long row = (long)(p->cell[v] / g->n_cols), col = (long)(p->cell[v] % g->n_cols);
        for (long dr = -reach; dr <= reach; dr++)
            for (long dc = -reach; dc <= reach; dc++) {
                long r = row + dr, c = col + dc;
                if (r < 0 || c < 0 || r >= (long)g->n_rows || c >= (long)g->n_cols)
                    continue;
                double d2 = (double)(dr * dr + dc * dc) * g->cell_m * g->cell_m;
                size_t i = (size_t)r * g->n_cols + (size_t)c;
                if (d2 <= r2 && !mask[i]) {
                    mask[i] = 1;
                    work->data[i] = base->data[i] * (1.0 + penalty);
                }
            }
    }
}

static int same_cells(const senda_cost_path *a, const senda_cost_path *b)
{
    return a->n == b->n && memcmp(a->cell, b->cell, a->n * sizeof a->cell[0]) == 0;
}

/* Accumulate over g and trace one path to (x, y). */
static senda_status run_and_trace(senda_ctx *ctx, const senda_grid *g, const senda_points *src,
                                  const senda_cost_opts *co, double x, double y, const char *name,
                                  senda_cost_path **out, senda_progress_fn pf, void *pa)
{
    senda_grid *acc = NULL, *dir = NULL;
    senda_status st = senda_cost_accumulate(ctx, g, src, co, &acc, &dir, pf, pa);
    if (st == SENDA_OK)
        st = senda_cost_path_trace(ctx, acc, dir, x, y, name, out);
    senda_grid_destroy(acc);
    senda_grid_destroy(dir);
    return st;
}

static senda_status check_paths_args(senda_ctx *ctx, const senda_grid *friction,
                                     const senda_points *sources, const senda_points *dests,
                                     const senda_cost_paths_opts *o, senda_cost_path ***out,
                                     size_t *n_out)
{
    if (!friction || !sources || !dests || !o || !out || !n_out)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "friction, sources, destinations, opts or out is NULL");
    if (dests->n == 0)
        return senda__fail(ctx, SENDA_ERR_ARG, "no destinations");
    if (!(o->penalty > 0.0) || !isfinite(o->penalty))
        return senda__fail(ctx, SENDA_ERR_ARG, "penalty must be > 0, got %g", o->penalty);
    if (!(o->corridor_m >= 0.0) || !isfinite(o->corridor_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "corridor_m must be >= 0, got %g",
                           o->corridor_m);
    if (o->alternatives > 32)
        return senda__fail(ctx, SENDA_ERR_ARG, "at most 32 alternatives, got %zu",
                           o->alternatives);
    return SENDA_OK;
}

/* The alternatives of destination d, appended to paths[*n] (best at
 * paths[first]). */
static senda_status alternatives(senda_ctx *ctx, const senda_grid *friction,
                                 const senda_points *src, const senda_points *dests, size_t d,
                                 const char *name, const senda_cost_paths_opts *o,
                                 senda_cost_path **paths, size_t first, size_t *n,
                                 senda_progress_fn pf, void *pa, double lo, double step)
{
    senda_grid *work = NULL;
    uint8_t *mask = senda__calloc(ctx, friction->n_rows * friction->n_cols, 1);
    senda_status st = mask ? SENDA_OK : SENDA_ERR_NOMEM;
    if (st == SENDA_OK)
        st = senda_grid_create(ctx, friction->n_rows, friction->n_cols, friction->x_min,
                               friction->y_max, friction->cell_m, friction->crs, 0.0, &work);
    if (st == SENDA_OK)
        memcpy(work->data, friction->data,
               friction->n_rows * friction->n_cols * sizeof(double));
    const senda_cost_path *best = paths[first];
    for (size_t j = 1; st == SENDA_OK && j <= o->alternatives; j++) {
        penalise(friction, work, mask, paths[*n - 1], o->penalty, o->corridor_m);
        senda__progress_sub_t sub = senda__progress_sub(pf, pa, lo + (double)(j - 1) * step,
                                                        lo + (double)j * step);
        senda_cost_path *p = NULL;
        st = run_and_trace(ctx, work, src, &o->cost, dests->x[d], dests->y[d], name, &p,
                           pf ? senda__progress_sub_fn : NULL, &sub);
        if (st != SENDA_OK)
            break;
        int repeat = 0;
        for (size_t i = first; i < *n; i++)
            repeat |= same_cells(p, paths[i]);
        if (repeat) {
            senda__log(ctx, 0, "path to %s: alternative %zu repeats an earlier path; "
                       "no further alternative at penalty %g", name, j, o->penalty);
            senda_cost_path_destroy(p);
            break;
        }
        senda__cost_path_recost(friction, &o->cost, p, 0);
        p->alternative = (int)j;
        p->extra_cost_pct = best->cost > 0.0 ? 100.0 * (p->cost - best->cost) / best->cost : 0.0;
        p->extra_length_pct =
            best->length_m > 0.0 ? 100.0 * (p->length_m - best->length_m) / best->length_m : 0.0;
        paths[(*n)++] = p;
    }
    senda_grid_destroy(work);
    senda__free(mask);
    return st;
}

senda_status senda_cost_paths(senda_ctx *ctx, const senda_grid *friction,
                              const senda_points *sources, const senda_points *destinations,
                              const char *const *names, const senda_cost_paths_opts *opts,
                              senda_cost_path ***out, size_t *n_out, senda_progress_fn progress,
                              void *progress_arg)
{
    senda__reset(ctx);
    if (out)
        *out = NULL;
    if (n_out)
        *n_out = 0;
    senda_status st =
        check_paths_args(ctx, friction, sources, destinations, opts, out, n_out);
    if (st != SENDA_OK)
        return st;
    size_t n_dest = destinations->n, k = opts->alternatives, n = 0;
    double step = 1.0 / (1.0 + (double)(n_dest * k));
    senda_grid *acc = NULL, *dir = NULL;
    senda_cost_path **paths = senda__calloc(ctx, n_dest * (k + 1), sizeof *paths);
    if (!paths)
        return SENDA_ERR_NOMEM;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "least-danger paths")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    senda__progress_sub_t sub = senda__progress_sub(progress, progress_arg, 0.0, step);
    if ((st = senda_cost_accumulate(ctx, friction, sources, &opts->cost, &acc, &dir,
                                    progress ? senda__progress_sub_fn : NULL, &sub)) != SENDA_OK)
        goto done;
    for (size_t d = 0; d < n_dest && st == SENDA_OK; d++) {
        const char *name = names ? names[d] : NULL;
        size_t first = n;
        st = senda_cost_path_trace(ctx, acc, dir, destinations->x[d], destinations->y[d], name,
                                   &paths[n]);
        if (st != SENDA_OK)
            break;
        senda__cost_path_recost(friction, &opts->cost, paths[n], 1);
        n++;
        if (k)
            st = alternatives(ctx, friction, sources, destinations, d, paths[first]->name, opts,
                              paths, first, &n, progress, progress_arg,
                              step + (double)(d * k) * step, step);
    }
    if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    senda_grid_destroy(acc);
    senda_grid_destroy(dir);
    if (st != SENDA_OK) {
        senda_cost_paths_destroy(paths, n);
        return st;
    }
    *out = paths;
    *n_out = n;
    return SENDA_OK;
}
