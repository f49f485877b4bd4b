/*
 * route_likely.c - exposure along the likely routes, window by window of a
 * route result (route.c), for the profiles and the route_segments table.
 *
 * A cell belongs to a line when its centre lies within buffer_m of the line
 * (the buffer of the incident counts); its chainage is that of its nearest
 * point on the line (the first segment on a tie, as route.c). For a window
 * [a, b] of the line, with d the route density (expected share of migrants
 * passing the cell, likely.c) and e the exposure per km of the cells whose
 * chainage lies in [a, b]:
 *   likely_exposure_per_km = sum(d e) / sum(d)
 * the exposure per km met by the migrants who pass the stretch (a
 * flow-weighted mean; NaN when no flow passes), and
 *   likely_share = sum(d) x cell_km / window_km
 * the share of all migrants travelling along the stretch: a migrant who
 * follows the line for the window's length passes about window_km /
 * cell_km of its cells (exact for moves along the grid's axes; diagonal
 * moves pass fewer cells per km, so the share is then under-counted by up to
 * 1 - 1/sqrt 2). Nodata cells and NaN exposure are left out.
 *
 * Complexity: per line, O(segments x cells within buffer_m of a segment) to
 * find each cell's chainage, then O(cells x windows of the line). Memory: two
 * doubles per grid cell (nearest distance and chainage), reused per line.
 */
#include <math.h>
#include <string.h>

#include "cost/cost_int.h"
#include "grid/grid_int.h"

/* Distance from (x, y) to segment v of line l and the chainage of the
 * nearest point. */
static double seg_dist(const senda_cost_route_line *l, size_t v, double x, double y,
                       double *chain)
{
    double ax = l->x[v], ay = l->y[v], dx = l->x[v + 1] - ax, dy = l->y[v + 1] - ay;
    double len2 = dx * dx + dy * dy, t = len2 > 0.0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0.0;
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    double px = ax + t * dx - x, py = ay + t * dy - y;
    *chain = l->chain_m[v] + t * sqrt(len2);
    return sqrt(px * px + py * py);
}

/* Nearest distance and chainage of the cells near line l; the cells found
 * are listed in near[] (*n_near of them). */
static void near_cells(const senda_grid *g, const senda_cost_route_line *l, double buffer_m,
                       double *best_d, double *best_c, size_t *near, size_t *n_near)
{
    *n_near = 0;
    for (size_t v = 0; v + 1 < l->n_vertices; v++) {
        double x0 = fmin(l->x[v], l->x[v + 1]) - buffer_m, x1 = fmax(l->x[v], l->x[v + 1]) + buffer_m;
        double y0 = fmin(l->y[v], l->y[v + 1]) - buffer_m, y1 = fmax(l->y[v], l->y[v + 1]) + buffer_m;
        double c0 = fmax(0.0, floor((x0 - g->x_min) / g->cell_m));
        double c1 = fmin((double)g->n_cols - 1, floor((x1 - g->x_min) / g->cell_m));
        double r0 = fmax(0.0, floor((g->y_max - y1) / g->cell_m));
        double r1 = fmin((double)g->n_rows - 1, floor((g->y_max - y0) / g->cell_m));
        for (double r = r0; r <= r1; r++)
            for (double c = c0; c <= c1; c++) {
                size_t i = (size_t)r * g->n_cols + (size_t)c, cc = (size_t)c, rr = (size_t)r;
                double chain, dist = seg_dist(l, v, senda__grid_cx(g, cc), senda__grid_cy(g, rr),
                                              &chain);
                if (dist > buffer_m || !(dist < best_d[i]))
                    continue;
                if (isinf(best_d[i]))
                    near[(*n_near)++] = i;
                best_d[i] = dist;
                best_c[i] = chain;
            }
    }
}

/* The windows of line l from the cells near it. */
static void line_windows(senda_cost_route_result *r, const senda_cost_route_line *l,
                         const senda_grid *d, const senda_grid *e, const double *best_c,
                         const size_t *near, size_t n_near)
{
    double cell_km = d->cell_m / 1000.0;
    for (size_t k = 0; k < l->n_windows; k++) {
        senda_cost_route_window *w = &r->windows[l->first_window + k];
        double sd = 0.0, sde = 0.0;
        for (size_t q = 0; q < n_near; q++) {
            size_t i = near[q];
            double di = d->data[i], ei = e->data[i];
            if (best_c[i] < w->from_m || best_c[i] > w->to_m || !(di > 0.0) || isnan(ei))
                continue;
            sd += di;
            sde += di * ei;
        }
        double km = (w->to_m - w->from_m) / 1000.0;
        w->likely_share = km > 0.0 ? sd * cell_km / km : (double)NAN;
        w->likely_exposure_per_km = sd > 0.0 ? sde / sd : (double)NAN;
    }
}

senda_status senda_cost_route_likely(senda_ctx *ctx, senda_cost_route_result *r,
                                     const senda_grid *route_density, const senda_grid *exposure)
{
    senda__reset(ctx);
    if (!r || !route_density || !exposure)
        return senda__fail(ctx, SENDA_ERR_ARG, "result, route_density or exposure is NULL");
    const senda_grid *g = route_density;
    if (exposure->n_rows != g->n_rows || exposure->n_cols != g->n_cols ||
        exposure->cell_m != g->cell_m || exposure->x_min != g->x_min ||
        exposure->y_max != g->y_max)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "route density (%zu x %zu) and exposure (%zu x %zu) are not on the "
                           "same grid",
                           g->n_rows, g->n_cols, exposure->n_rows, exposure->n_cols);
    size_t n = g->n_rows * g->n_cols;
    double *best_d = senda__calloc2(ctx, n, sizeof(double));
    double *best_c = senda__calloc2(ctx, n, sizeof(double));
    size_t *near = senda__calloc2(ctx, n, sizeof(size_t));
    senda_status st = best_d && best_c && near ? SENDA_OK : SENDA_ERR_NOMEM;
    for (size_t i = 0; st == SENDA_OK && i < n; i++)
        best_d[i] = (double)INFINITY;
    for (size_t li = 0; st == SENDA_OK && li < r->n_lines; li++) {
        size_t n_near = 0;
        near_cells(g, &r->lines[li], r->buffer_m, best_d, best_c, near, &n_near);
        line_windows(r, &r->lines[li], g, exposure, best_c, near, n_near);
        for (size_t q = 0; q < n_near; q++)
            best_d[near[q]] = (double)INFINITY;
    }
    if (st == SENDA_OK)
        r->has_likely = 1;
    senda__free(best_d);
    senda__free(best_c);
    senda__free(near);
    return st;
}
