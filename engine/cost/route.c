/*
 * route.c - route scoring: severity-weighted incidents per km in sliding
 * windows along each line of a line layer (the rail by default), and the
 * mean danger-surface value over each window.
 *
 * Chainage. Each LineString (each part of a MultiLineString, named
 * "<name> (part k)") is a line; the chainage of a point of the line is its
 * distance along the line from the first vertex, metres. An incident
 * belongs to a line when its distance to the line is <= buffer_m; its
 * chainage is that of its nearest point on the line (GEOSProject's
 * definition; on a tie the first segment wins). Candidate segments come from
 * a GEOS STRtree of segment envelopes queried with the incident's envelope
 * grown by buffer_m, so each incident costs O(log S + hits).
 *
 * Windows. For a line of length L, window length W and step s: windows
 * [i*s, i*s + W] for i = 0, 1, ... while i*s + W < L, then one last window
 * [L - W, L] so the end of the line is covered; a line shorter than W
 * (L <= W) has the one window [0, L]. For a window [a, b]:
 *   incidents     = number of incidents of the line with a <= chainage <= b
 *   weight        = sum of their weights (severity x victims)
 *   danger_per_km = weight / ((b - a) / 1000)
 *   mean_danger   = mean of the danger surface over the window: the mean of
 *                   the cell values at samples every cell_m / 4 along the
 *                   line (sample i at chainage (i + 1/2) * d, d = L /
 *                   ceil(4 L / cell_m)) whose chainage lies in [a, b];
 *                   nodata and off-grid samples are left out; NaN when no
 *                   sample remains or no surface was given
 *   rank          = 1 for the highest danger_per_km over all windows of all
 *                   lines; ties by mean_danger (higher first, NaN last), then
 *                   line order, then chainage
 * Counting uses the incidents' chainages sorted per line with prefix sums of
 * their weights, two binary searches per window: O(n log n + windows log n)
 * after the projection. An incident is counted once per line (a line that
 * passes near it twice takes the nearer pass), but can count for two lines
 * (at a junction). Per line, total_danger integrates the surface along the
 * line (sum of sample value x d / 1000: danger per km x km) and mean_danger
 * is the mean over all samples.
 *
 * Stations. The names in the stations field ("A; B; C") are located with
 * senda__place_find (the corridor layers' names and towns, else the bundled
 * GeoNames gazetteer, loaded once per call) and projected onto the line; a
 * station that is not found, ambiguous in the gazetteer, or farther than
 * station_max_m from the line is left out with a note.
 *
 * Memory: the lines' vertices and chainages, one (line, chainage, weight)
 * entry per incident near a line, the samples (2 doubles each). There is no
 * reference tool; the counts are checked by hand on a straight line in
 * tests/cost/test_route.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost/cost_int.h"
#include "grid/grid_int.h"
#include "io/io_int.h"

void senda_cost_route_opts_init(senda_cost_route_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->layer = SENDA_LAYER_RAIL;
    o->name_field = "name";
    o->stations_field = "stations";
    o->window_m = 10000.0;
    o->step_m = 1000.0;
    o->buffer_m = 2000.0;
    o->station_max_m = 10000.0;
}

void senda_cost_route_result_destroy(senda_cost_route_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->lines && i < r->n_lines; i++) {
        senda_cost_route_line *l = &r->lines[i];
        senda__free(l->x);
        senda__free(l->y);
        senda__free(l->chain_m);
        senda__free(l->station);
        senda__free(l->station_m);
    }
    senda__free(r->lines);
    senda__free(r->windows);
    senda__free(r);
}

/* Nearest point of line l to (x, y): distance and chainage. */
static double project_on_line(const senda_cost_route_line *l, size_t seg, double x, double y,
                              double *chain)
{
    double ax = l->x[seg], ay = l->y[seg], dx = l->x[seg + 1] - ax, dy = l->y[seg + 1] - ay;
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0.0 ? fmin(1.0, fmax(0.0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0.0;
    *chain = l->chain_m[seg] + t * sqrt(len2);
    return hypot(x - ax - t * dx, y - ay - t * dy);
}

/* The point at chainage c of line l. */
static void point_at(const senda_cost_route_line *l, double c, double *x, double *y)
{
    size_t lo = 0, hi = l->n_vertices - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (l->chain_m[mid] <= c)
            lo = mid;
        else
            hi = mid;
    }
    double seg = l->chain_m[hi] - l->chain_m[lo];
    double t = seg > 0.0 ? fmin(1.0, fmax(0.0, (c - l->chain_m[lo]) / seg)) : 0.0;
    *x = l->x[lo] + t * (l->x[hi] - l->x[lo]);
    *y = l->y[lo] + t * (l->y[hi] - l->y[lo]);
}

/* Append the parts of feature f of the layer as lines. */
static senda_status add_feature_lines(senda_ctx *ctx, const senda_layers *layers,
                                      const senda_cost_route_opts *o, const senda__layer *lay,
                                      size_t f, senda_cost_route_result *r, size_t *cap)
{
    int n_parts = GEOSGetNumGeometries_r(ctx->geos, lay->geoms[f]);
    const char *name = o->name_field ? senda_layers_attr(layers, o->layer, f, o->name_field) : "";
    for (int p = 0; p < n_parts; p++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(ctx->geos, lay->geoms[f], p);
        senda__polyline pl;
        if (senda__cost_polyline(ctx, part, &pl) != SENDA_OK)
            return SENDA_ERR_NOMEM;
        if (pl.n < 2) {
            senda__polyline_free(&pl);
            continue;
        }
        size_t old_cap = *cap;
        senda_cost_route_line *nl = senda__grow(ctx, r->lines, r->n_lines, cap, sizeof *nl, 8);
        if (!nl) {
            senda__polyline_free(&pl);
            return SENDA_ERR_NOMEM;
        }
        memset(nl + old_cap, 0, (*cap - old_cap) * sizeof *nl); /* the new lines, if any */
        r->lines = nl;
        senda_cost_route_line *l = &r->lines[r->n_lines++];
        l->feature = f;
        l->x = pl.x;
        l->y = pl.y;
        senda__free(pl.part);
        l->n_vertices = pl.n;
        if (!(l->chain_m = senda__calloc(ctx, pl.n, sizeof(double))))
            return SENDA_ERR_NOMEM;
        for (size_t v = 1; v < pl.n; v++)
            l->chain_m[v] = l->chain_m[v - 1] + hypot(l->x[v] - l->x[v - 1], l->y[v] - l->y[v - 1]);
        l->length_m = l->chain_m[pl.n - 1];
        if (n_parts > 1)
            snprintf(l->name, sizeof l->name, "%s (part %d)", name[0] ? name : "line", p + 1);
        else if (name[0])
            senda__strlcpy(l->name, name, sizeof l->name);
        else
            snprintf(l->name, sizeof l->name, "line %zu", f + 1);
    }
    return SENDA_OK;
}

/* One incident near one line. */
typedef struct hit {
    size_t line;
    double chain, weight;
} hit;

typedef struct seg_query {
    const senda_cost_route_result *r;
    const size_t *seg_line, *seg_v; /* per segment item */
    double x, y;
    double *best_d, *best_c;        /* per line, reset by the caller */
} seg_query;

static void seg_cb(void *item, void *arg)
{
    seg_query *q = arg;
    size_t s = (size_t)(uintptr_t)item;
    size_t li = q->seg_line[s];
    double c, d = project_on_line(&q->r->lines[li], q->seg_v[s], q->x, q->y, &c);
    if (d < q->best_d[li] || (d == q->best_d[li] && c < q->best_c[li])) {
        q->best_d[li] = d;
        q->best_c[li] = c;
    }
}

static int hit_cmp(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->chain > y->chain) - (x->chain < y->chain);
}

/* Segment items: parallel arrays of (line, first vertex), and their tree. */
typedef struct segs {
    size_t n, *line, *v;
    GEOSGeometry **env;
    GEOSSTRtree *tree;
} segs;

static void segs_free(senda_ctx *ctx, segs *s)
{
    if (s->tree)
        GEOSSTRtree_destroy_r(ctx->geos, s->tree);
    for (size_t i = 0; s->env && i < s->n; i++)
        if (s->env[i])
            GEOSGeom_destroy_r(ctx->geos, s->env[i]);
    senda__free(s->env);
    senda__free(s->line);
    senda__free(s->v);
}

static senda_status segs_build(senda_ctx *ctx, const senda_cost_route_result *r, segs *s)
{
    memset(s, 0, sizeof *s);
    size_t n = 0;
    for (size_t i = 0; i < r->n_lines; i++)
        n += r->lines[i].n_vertices - 1;
    s->line = senda__calloc(ctx, n + 1, sizeof(size_t));
    s->v = s->line ? senda__calloc(ctx, n + 1, sizeof(size_t)) : NULL;
    s->env = s->v ? senda__calloc(ctx, n + 1, sizeof *s->env) : NULL;
    if (!s->env)
        return SENDA_ERR_NOMEM;
    if (!(s->tree = GEOSSTRtree_create_r(ctx->geos, 10)))
        return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot create an STRtree");
    for (size_t i = 0; i < r->n_lines; i++) {
        const senda_cost_route_line *l = &r->lines[i];
        for (size_t v = 0; v + 1 < l->n_vertices; v++, s->n++) {
            s->line[s->n] = i;
            s->v[s->n] = v;
            s->env[s->n] = GEOSGeom_createRectangle_r(
                ctx->geos, fmin(l->x[v], l->x[v + 1]), fmin(l->y[v], l->y[v + 1]),
                fmax(l->x[v], l->x[v + 1]), fmax(l->y[v], l->y[v + 1]));
            if (!s->env[s->n])
                return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot build a segment envelope");
            GEOSSTRtree_insert_r(ctx->geos, s->tree, s->env[s->n], (void *)(uintptr_t)s->n);
        }
    }
    return SENDA_OK;
}

/* The incidents within buffer_m of each line, sorted by (line, chainage). */
static senda_status project_incidents(senda_ctx *ctx, const senda_cost_route_result *r,
                                      const senda_points *pts, double buffer_m, hit **out,
                                      size_t *n_out, senda_progress_fn pf, void *pa)
{
    segs s;
    size_t n = 0, cap = 0;
    hit *hits = NULL;
    double *best = senda__calloc(ctx, 2 * r->n_lines + 2, sizeof(double));
    senda_status st = best ? segs_build(ctx, r, &s) : SENDA_ERR_NOMEM;
    if (!best)
        memset(&s, 0, sizeof s);
    seg_query q = {r, s.line, s.v, 0, 0, best, best + r->n_lines};
    for (size_t i = 0; st == SENDA_OK && pts && i < pts->n; i++) {
        if ((i & 4095) == 0 &&
            !senda__progress(ctx, pf, pa, 0.8 * (double)i / (double)pts->n, NULL)) {
            st = SENDA_ERR_CANCELLED;
            break;
        }
        for (size_t li = 0; li < r->n_lines; li++)
            q.best_d[li] = (double)INFINITY, q.best_c[li] = 0.0;
        q.x = pts->x[i], q.y = pts->y[i];
        GEOSGeometry *e = GEOSGeom_createRectangle_r(ctx->geos, q.x - buffer_m, q.y - buffer_m,
                                                     q.x + buffer_m, q.y + buffer_m);
        if (!e) {
            st = senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot build a query envelope");
            break;
        }
        GEOSSTRtree_query_r(ctx->geos, s.tree, e, seg_cb, &q);
        GEOSGeom_destroy_r(ctx->geos, e);
        for (size_t li = 0; li < r->n_lines && st == SENDA_OK; li++) {
            if (!(q.best_d[li] <= buffer_m))
                continue;
            hit *nh = senda__grow(ctx, hits, n, &cap, sizeof *nh, 1024);
            if (!nh) {
                st = SENDA_ERR_NOMEM;
                break;
            }
            hits = nh;
            hits[n++] = (hit){li, q.best_c[li], pts->weight ? pts->weight[i] : 1.0};
        }
    }
    segs_free(ctx, &s);
    senda__free(best);
    if (st != SENDA_OK) {
        senda__free(hits);
        return st;
    }
    if (n)
        qsort(hits, n, sizeof *hits, hit_cmp);
    *out = hits;
    *n_out = n;
    return SENDA_OK;
}

/* Samples of the surface along a line, prefix sums: sum[i], cnt[i] over the
 * first i samples; sample i at chainage (i + 1/2) * d. */
typedef struct samples {
    size_t n;
    double d, *sum, *cnt;
} samples;

static senda_status sample_line(senda_ctx *ctx, const senda_grid *g, const senda_cost_route_line *l,
                                samples *s)
{
    memset(s, 0, sizeof *s);
    if (!g)
        return SENDA_OK;
    double want = g->cell_m / 4.0;
    double nf = ceil(l->length_m / want);
    if (nf > 5e7)
        return senda__fail(ctx, SENDA_ERR_ARG, "line '%s' (%.0f m) needs %.0f samples of the "
                           "surface; use a coarser cell", l->name, l->length_m, nf);
    s->n = nf < 1.0 ? 1 : (size_t)nf;
    s->d = l->length_m / (double)s->n;
    s->sum = senda__calloc(ctx, s->n + 1, sizeof(double));
    s->cnt = s->sum ? senda__calloc(ctx, s->n + 1, sizeof(double)) : NULL;
    if (!s->cnt)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < s->n; i++) {
        double x, y, v = (double)NAN;
        point_at(l, ((double)i + 0.5) * s->d, &x, &y);
        double fc = floor((x - g->x_min) / g->cell_m), fr = floor((g->y_max - y) / g->cell_m);
        if (fc >= 0.0 && fr >= 0.0 && fc < (double)g->n_cols && fr < (double)g->n_rows)
            v = g->data[(size_t)fr * g->n_cols + (size_t)fc];
        int ok = !isnan(v);
        s->sum[i + 1] = s->sum[i] + (ok ? v : 0.0);
        s->cnt[i + 1] = s->cnt[i] + (ok ? 1.0 : 0.0);
    }
    return SENDA_OK;
}

static void samples_free(samples *s)
{
    senda__free(s->sum);
    senda__free(s->cnt);
}

/* Mean of the samples with chainage in [a, b]. */
static double sample_mean(const samples *s, double a, double b)
{
    if (!s->n)
        return (double)NAN;
    /* sample i is inside when a <= (i + 1/2) d <= b */
    double lo = ceil(a / s->d - 0.5), hi = floor(b / s->d - 0.5);
    lo = fmax(lo, 0.0), hi = fmin(hi, (double)s->n - 1.0);
    if (hi < lo)
        return (double)NAN;
    size_t i0 = (size_t)lo, i1 = (size_t)hi + 1;
    double c = s->cnt[i1] - s->cnt[i0];
    return c > 0.0 ? (s->sum[i1] - s->sum[i0]) / c : (double)NAN;
}

/* First index in hits[lo, hi) with chain >= c (strict: > c). */
static size_t bound(const hit *h, size_t lo, size_t hi, double c, int strict)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strict ? h[mid].chain <= c : h[mid].chain < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The window starts of a line (count only when starts is NULL). */
static size_t window_starts(double L, double w, double step, double *starts)
{
    size_t n = 0;
    if (L <= w) {
        if (starts)
            starts[0] = 0.0;
        return 1;
    }
    for (size_t i = 0;; i++) {
        double a = (double)i * step;
        if (a + w >= L)
            break;
        if (starts)
            starts[n] = a;
        n++;
    }
    if (starts)
        starts[n] = L - w;
    return n + 1;
}

static int window_cmp(const void *a, const void *b)
{
    const senda_cost_route_window *x = *(const senda_cost_route_window *const *)a;
    const senda_cost_route_window *y = *(const senda_cost_route_window *const *)b;
    if (x->danger_per_km != y->danger_per_km)
        return x->danger_per_km > y->danger_per_km ? -1 : 1;
    int xn = isnan(x->mean_danger), yn = isnan(y->mean_danger);
    if (xn != yn)
        return xn - yn;
    if (!xn && x->mean_danger != y->mean_danger)
        return x->mean_danger > y->mean_danger ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->from_m > y->from_m) - (x->from_m < y->from_m);
}

/* Windows of every line, counted and averaged; then ranked. */
static senda_status make_windows(senda_ctx *ctx, senda_cost_route_result *r, const hit *hits,
                                 size_t n_hits, const senda_grid *danger,
                                 const senda_cost_route_opts *o)
{
    size_t total = 0;
    for (size_t li = 0; li < r->n_lines; li++)
        total += window_starts(r->lines[li].length_m, o->window_m, o->step_m, NULL);
    r->windows = senda__calloc(ctx, total, sizeof *r->windows);
    double *starts = r->windows ? senda__calloc(ctx, total, sizeof(double)) : NULL;
    senda_cost_route_window **order = starts ? senda__calloc(ctx, total, sizeof *order) : NULL;
    senda_status st = order ? SENDA_OK : SENDA_ERR_NOMEM;
    size_t h0 = 0;
    for (size_t li = 0; li < r->n_lines && st == SENDA_OK; li++) {
        senda_cost_route_line *l = &r->lines[li];
        size_t h1 = h0;
        while (h1 < n_hits && hits[h1].line == li)
            h1++;
        samples s;
        if ((st = sample_line(ctx, danger, l, &s)) != SENDA_OK) {
            samples_free(&s);
            break;
        }
        size_t nw = window_starts(l->length_m, o->window_m, o->step_m, starts);
        l->first_window = r->n_windows;
        l->n_windows = nw;
        for (size_t k = h0; k < h1; k++)
            l->weight += hits[k].weight;
        l->incidents = (long)(h1 - h0);
        l->mean_danger = sample_mean(&s, 0.0, l->length_m);
        l->total_danger = s.n ? s.sum[s.n] * s.d / 1000.0 : (double)NAN;
        for (size_t k = 0; k < nw; k++) {
            senda_cost_route_window *w = &r->windows[r->n_windows++];
            w->line = li;
            w->from_m = starts[k];
            w->to_m = fmin(starts[k] + o->window_m, l->length_m);
            size_t a = bound(hits, h0, h1, w->from_m, 0), b = bound(hits, a, h1, w->to_m, 1);
            w->incidents = (long)(b - a);
            for (size_t j = a; j < b; j++)
                w->weight += hits[j].weight;
            double km = (w->to_m - w->from_m) / 1000.0;
            w->danger_per_km = km > 0.0 ? w->weight / km : 0.0;
            w->mean_danger = sample_mean(&s, w->from_m, w->to_m);
        }
        samples_free(&s);
        h0 = h1;
    }
    if (st == SENDA_OK) {
        for (size_t i = 0; i < r->n_windows; i++)
            order[i] = &r->windows[i];
        qsort(order, r->n_windows, sizeof *order, window_cmp);
        for (size_t i = 0; i < r->n_windows; i++)
            order[i]->rank = (long)i + 1;
    }
    senda__free(starts);
    senda__free(order);
    return st;
}

/* Locate the stations of line l (names "A; B; C") on it. */
static senda_status locate_stations(senda_ctx *ctx, const senda_layers *layers,
                                    const senda_cost_route_opts *o, senda__gazetteer **gaz,
                                    senda_cost_route_line *l)
{
    if (!o->stations_field)
        return SENDA_OK;
    const char *list = senda_layers_attr(layers, o->layer, l->feature, o->stations_field);
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ';';
    if (!list[0])
        return SENDA_OK;
    l->station = senda__calloc(ctx, n, sizeof *l->station);
    l->station_m = l->station ? senda__calloc(ctx, n, sizeof(double)) : NULL;
    if (!l->station_m)
        return SENDA_ERR_NOMEM;
    const char *p = list;
    for (size_t k = 0; k < n; k++) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char name[64];
        while (len && (*p == ' '))
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        p = e ? e + 1 : p + len;
        double x, y, best = (double)INFINITY, c = 0.0;
        char why[1024] = "";
        int found = name[0] ? senda__place_find(ctx, layers, name, gaz, &x, &y, why, sizeof why)
                            : -1;
        if (found == -2)
            return SENDA_ERR_NOMEM;
        if (found != 0) {
            senda__log(ctx, 0, "station '%s' of '%s' not located (%s); not marked", name,
                       l->name, why[0] ? why : "not in the layers or the gazetteer");
            continue;
        }
        for (size_t v = 0; v + 1 < l->n_vertices; v++) {
            double cc, d = project_on_line(l, v, x, y, &cc);
            if (d < best)
                best = d, c = cc;
        }
        if (best > o->station_max_m) {
            senda__log(ctx, 0, "station '%s' lies %.1f km from '%s'; not marked", name,
                       best / 1000.0, l->name);
            continue;
        }
        senda__strlcpy(l->station[l->n_stations], name, sizeof l->station[0]);
        l->station_m[l->n_stations++] = c;
    }
    return SENDA_OK;
}

/* A buffer narrower than a line's stated accuracy (its accuracy_m field) misses
 * incidents on the real track: say so, once per run, naming the widest. */
static void warn_narrow_buffer(senda_ctx *ctx, const senda_layers *layers,
                               const senda_cost_route_opts *o)
{
    double worst = 0.0;
    const char *name = NULL;
    for (size_t f = 0; f < senda_layers_n_features(layers, o->layer); f++) {
        double acc = atof(senda_layers_attr(layers, o->layer, f, "accuracy_m"));
        if (acc > worst)
            worst = acc, name = senda_layers_attr(layers, o->layer, f, "name");
    }
    if (name && o->buffer_m < worst)
        senda__log(ctx, 1, "the window buffer (%g m) is narrower than the stated accuracy of "
                   "line '%s' (%g m, the widest): incidents on the real track may fall outside "
                   "it; give a buffer of at least %g m", o->buffer_m, name, worst, worst);
}

static senda_status check_route_args(senda_ctx *ctx, const senda_layers *layers,
                                     const senda_cost_route_opts *o, senda_cost_route_result **out)
{
    if (!layers || !o || !out || !o->layer)
        return senda__fail(ctx, SENDA_ERR_ARG, "layers, opts, opts->layer or out is NULL");
    if (!(o->window_m > 0.0) || !isfinite(o->window_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "window must be > 0 m, got %g", o->window_m);
    if (!(o->step_m > 0.0) || !isfinite(o->step_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "step must be > 0 m, got %g", o->step_m);
    if (!(o->buffer_m >= 0.0) || !isfinite(o->buffer_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "buffer must be >= 0 m, got %g", o->buffer_m);
    if (!(o->station_max_m >= 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "station_max_m must be >= 0, got %g",
                           o->station_max_m);
    const senda__layer *lay = senda__layers_get(layers, o->layer);
    if (!lay)
        return senda__fail(ctx, SENDA_ERR_DATA, "no layer '%s' is loaded", o->layer);
    if (!strstr(lay->report.geom_type, "LineString"))
        return senda__fail(ctx, SENDA_ERR_DATA, "layer '%s' holds %s, not lines", o->layer,
                           lay->report.geom_type);
    return SENDA_OK;
}

senda_status senda_cost_route_score(senda_ctx *ctx, const senda_layers *layers,
                               const senda_points *incidents, const senda_grid *danger,
                               const senda_cost_route_opts *opts, senda_cost_route_result **out,
                               senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    if (out)
        *out = NULL;
    senda_status st = check_route_args(ctx, layers, opts, out);
    if (st != SENDA_OK)
        return st;
    const senda__layer *lay = senda__layers_get(layers, opts->layer);
    hit *hits = NULL;
    size_t n_hits = 0, cap = 0;
    senda__gazetteer *gaz = NULL;
    senda_cost_route_result *r = senda__calloc(ctx, 1, sizeof *r);
    if (!r)
        return SENDA_ERR_NOMEM;
    senda__strlcpy(r->crs, senda_layers_crs(layers), sizeof r->crs);
    r->window_m = opts->window_m, r->step_m = opts->step_m, r->buffer_m = opts->buffer_m;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "route scoring")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    for (size_t f = 0; f < lay->n && st == SENDA_OK; f++)
        st = add_feature_lines(ctx, layers, opts, lay, f, r, &cap);
    warn_narrow_buffer(ctx, layers, opts);
    if (st == SENDA_OK && r->n_lines == 0)
        st = senda__fail(ctx, SENDA_ERR_DATA, "layer '%s' has no line of 2 or more vertices",
                         opts->layer);
    if (st == SENDA_OK)
        st = project_incidents(ctx, r, incidents, opts->buffer_m, &hits, &n_hits, progress,
                               progress_arg);
    if (st == SENDA_OK)
        st = make_windows(ctx, r, hits, n_hits, danger, opts);
    for (size_t li = 0; li < r->n_lines && st == SENDA_OK; li++)
        st = locate_stations(ctx, layers, opts, &gaz, &r->lines[li]);
    if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    senda__free(hits);
    senda__gazetteer_close(gaz);
    if (st != SENDA_OK) {
        senda_cost_route_result_destroy(r);
        return st;
    }
    *out = r;
    return SENDA_OK;
}
