/*
 * join.c - the spatial join of accepted incidents with the corridor layers:
 * nearest rail line and the distance to it, the distance along that line from
 * its first vertex (km), the nearest checkpoint and the distance to it, the
 * distance to the border, and the state or department (the "states" layer)
 * containing the point.
 *
 * Nearest features: every line feature is cut into pieces of at most 8
 * segments, and the pieces of all features of a layer (or its points) are the
 * items of one index. Candidate cells (up to 128 x 128 over the layer's extent
 * widened by half its side each way) list every item that can be nearest to
 * some point of the cell: the items whose bounding box is within the cell's
 * reach, the least over items of the farthest a cell corner is from one of the
 * item's vertices. A point in a candidate cell measures only those items
 * (those whose box is nearer than the best found); elsewhere a uniform grid of
 * about 4 items per cell is searched in square rings around the point's cell
 * until the best distance is below the distance to the next ring. The distance
 * to a piece is the point-segment formula over its segments, to a point
 * Pythagoras: the exact nearest item, in O(candidates) per query. When two items
 * at exactly the nearest distance give different features or distances along
 * (a point nearest to a vertex two features share), the former search settles
 * it: GEOSSTRtree_nearest_generic over the features' STRtree and, for a line
 * feature, a second STRtree over its pieces, whose order of meeting tied
 * candidates decides, so every join field is what it was before the grid (that
 * search alone cost 4 us per incident on the 13-feature bundled rail layer; the
 * ties are about 1 % of the synthetic benchmark's points).
 * The distance along the line is what GEOSProject returns (the length from the
 * first vertex to the closest point, parts of a MultiLineString concatenated):
 * the length of the pieces before the closest one plus the length inside it, in
 * O(8) instead of GEOSProject's O(vertices) (a test checks it against
 * GEOSProject and the nearest feature against GEOSDistance, near the layers
 * and far outside them). Containment in a state uses GEOSPreparedIntersects on
 * the STRtree's candidates. Distances are planar, in metres of the layers'
 * projected CRS (UTM 15N by default, under 0.4 % scale error in the corridor).
 * The batch is cut into n_threads slices, each on its own thread with its own
 * GEOS context; grids, trees and prepared geometries are built and queried once
 * before the threads start, and only read by them.
 * Memory: a copy of the line coordinates, one small GEOS geometry per piece
 * (for the tie search), and per piece a box and its grid and candidate cells'
 * entries.
 * Incidents that are rejected, duplicates or failed to reproject (x NaN) are
 * skipped and keep NULL join fields.
 */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "incidents/incidents_int.h"

#define PIECE_SEGS 8

typedef struct {
    const double *xy;  /* n_pts interleaved x, y */
    const double *cum; /* n_pts lengths from the piece start to each point */
    unsigned n_pts;
    double offset_m;   /* length of the feature before this piece */
} piece;

typedef struct {
    size_t n;
    piece *p;
    double *xy, *cum;
    GEOSGeometry **env; /* the pieces as GEOS lines, for the tree */
    GEOSSTRtree *tree;  /* items are piece index + 1 */
} line_pieces;

/* The nearest-item grid of a point or line layer: item k is feature feat[k]
 * (a point) or piece part[k] of it (a line); cell c lists the items
 * cell_items[cell_start[c] .. cell_start[c + 1]). */
typedef struct {
    size_t n;
    unsigned *feat, *part;
    double *box;       /* per item: x0, y0, x1, y1 */
    double x0, y0, cs; /* the grid's corner and cell side */
    long gw, gh;
    size_t *cell_start;
    unsigned *cell_items;
    /* candidate cells: every item that can be nearest to some point of the cell */
    double cx0, cy0, ccs; /* corner and side of the kc x kc candidate cells */
    long kc;              /* 0: none (the ring search answers everywhere) */
    size_t *cand_start;
    unsigned *cand_items;
} item_grid;

typedef struct {
    const senda__layer *l;
    GEOSSTRtree *tree;                 /* senda__layer_tree: items are feature indices */
    int kind;                          /* 0 points, 1 lines, 2 polygons */
    double *pxy;                       /* points: x, y per feature */
    line_pieces *lines;                /* lines: per feature */
    item_grid grid;                    /* points and lines */
    const GEOSPreparedGeometry **prep; /* polygons */
} join_layer;

typedef struct {
    join_layer rail, checkpoints, border, states;
} join_set;

struct senda__joiner {
    join_set js;
    int n_threads;
};

typedef struct {
    const join_set *js;
    senda__incident *recs;
    size_t lo, hi;
    int failed;
} join_job;

/* Squared distance from (px,py) to segment a-b and the parameter t of the foot. */
static double seg_d2(double px, double py, const double *a, const double *b, double *t)
{
    double dx = b[0] - a[0], dy = b[1] - a[1], l2 = dx * dx + dy * dy;
    double u = l2 > 0 ? ((px - a[0]) * dx + (py - a[1]) * dy) / l2 : 0.0;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    double ex = a[0] + u * dx - px, ey = a[1] + u * dy - py;
    *t = u;
    return ex * ex + ey * ey;
}

/* Distance from (px,py) to a piece; *along gets the length from the piece start to
 * the closest point. */
static double piece_dist(const piece *pc, double px, double py, double *along)
{
    double best = DBL_MAX, t, best_t = 0.0;
    unsigned best_k = 0;
    for (unsigned k = 0; k + 1 < pc->n_pts; k++) {
        double d2 = seg_d2(px, py, pc->xy + 2 * k, pc->xy + 2 * k + 2, &t);
        if (d2 < best) {
            best = d2;
            best_k = k;
            best_t = t;
        }
    }
    *along = pc->cum[best_k] + best_t * (pc->cum[best_k + 1] - pc->cum[best_k]);
    return sqrt(best);
}

static const void *const QUERY_ITEM = &QUERY_ITEM; /* marks the query in callbacks */

typedef struct {
    const line_pieces *lp;
    double px, py;
} piece_arg;

static int piece_cb(const void *item1, const void *item2, double *dist, void *userdata)
{
    const piece_arg *a = userdata;
    size_t k = (size_t)(uintptr_t)(item1 == QUERY_ITEM ? item2 : item1) - 1;
    double along;
    *dist = piece_dist(&a->lp->p[k], a->px, a->py, &along);
    return 1;
}

/* Distance from the query to line feature lp, and the distance along it (m). */
static double line_dist(GEOSContextHandle_t h, const line_pieces *lp, const GEOSGeometry *pt,
                        double px, double py, double *along)
{
    piece_arg a = {lp, px, py};
    const void *hit = GEOSSTRtree_nearest_generic_r(h, lp->tree, QUERY_ITEM, pt, piece_cb, &a);
    if (!hit)
        return (double)NAN;
    const piece *pc = &lp->p[(size_t)(uintptr_t)hit - 1];
    double d = piece_dist(pc, px, py, along);
    *along += pc->offset_m;
    return d;
}

typedef struct {
    GEOSContextHandle_t h;
    const join_layer *jl;
    const GEOSGeometry *pt;
    double px, py;
} near_arg;

static double feature_dist(const near_arg *a, size_t i, double *along)
{
    const join_layer *jl = a->jl;
    *along = (double)NAN;
    if (jl->kind == 0) {
        double dx = jl->pxy[2 * i] - a->px, dy = jl->pxy[2 * i + 1] - a->py;
        return sqrt(dx * dx + dy * dy);
    }
    return line_dist(a->h, &jl->lines[i], a->pt, a->px, a->py, along);
}

static int near_cb(const void *item1, const void *item2, double *dist, void *userdata)
{
    const near_arg *a = userdata;
    size_t i = (size_t)(uintptr_t)(item1 == QUERY_ITEM ? item2 : item1);
    double along;
    *dist = feature_dist(a, i, &along);
    return !isnan(*dist);
}

/* The same through the layer's STRtree and each feature's STRtree of pieces: the
 * order in which GEOS meets exactly tied candidates decides which one wins. */
static long nearest_geos(GEOSContextHandle_t h, const join_layer *jl, const GEOSGeometry *pt,
                    double px, double py, double *dist, double *along)
{
    if (!jl->tree)
        return -1;
    near_arg a = {h, jl, pt, px, py};
    /* senda__layer_tree stores indices, so feature 0 is the NULL item */
    size_t i = (size_t)(uintptr_t)GEOSSTRtree_nearest_generic_r(h, jl->tree, QUERY_ITEM, pt,
                                                                 near_cb, &a);
    *dist = feature_dist(&a, i, along);
    return isnan(*dist) ? -1 : (long)i;
}

/* Distance from (px,py) to item k of jl; *along as piece_dist (lines only). */
static double item_dist(const join_layer *jl, size_t k, double px, double py, double *along)
{
    const item_grid *g = &jl->grid;
    if (jl->kind == 0) {
        const double *q = &jl->pxy[2 * (size_t)g->feat[k]];
        double dx = q[0] - px, dy = q[1] - py;
        *along = (double)NAN;
        return sqrt(dx * dx + dy * dy);
    }
    const piece *pc = &jl->lines[g->feat[k]].p[g->part[k]];
    double d = piece_dist(pc, px, py, along);
    *along += pc->offset_m;
    return d;
}

static long clamp_cell(double v, double x0, double cs, long n)
{
    double c = floor((v - x0) / cs);
    return c < 0 ? 0 : c > (double)(n - 1) ? n - 1 : (long)c;
}

/* The state of one nearest() query: the best item so far, whether an exact tie
 * with another feature or distance along was met, and a ring's nearest box. */
typedef struct {
    const join_layer *jl;
    double px, py;
    double best, best_along;
    size_t bi;
    int tie;
    double lb_min; /* pass 0: the smallest box distance squared in the ring */
    size_t k_min;
} near_state;

/* Squared distance from the query to item k's box (a lower bound of its distance). */
static double box_d2(const item_grid *g, size_t k, double px, double py)
{
    const double *b = &g->box[4 * k];
    /* the larger of the two gaps and 0, without fmax's call (the values are finite) */
    double bx = b[0] - px > px - b[2] ? b[0] - px : px - b[2];
    double by = b[1] - py > py - b[3] ? b[1] - py : py - b[3];
    bx = bx > 0.0 ? bx : 0.0, by = by > 0.0 ? by : 0.0;
    return bx * bx + by * by;
}

static void near_eval(near_state *ns, size_t k)
{
    const item_grid *g = &ns->jl->grid;
    double al, d = item_dist(ns->jl, k, ns->px, ns->py, &al);
    if (d < ns->best) {
        ns->best = d, ns->bi = k, ns->best_along = al, ns->tie = 0;
    } else if (d == ns->best && k != ns->bi &&
               (g->feat[k] != g->feat[ns->bi] ||
                !(al == ns->best_along || (isnan(al) && isnan(ns->best_along))))) {
        ns->tie = 1;
    }
}

/* The items of ring r around cell (cx, cy): pass 0 finds the one with the nearest
 * box, pass 1 measures every item whose box is not farther than the best. */
static void near_ring(near_state *ns, long cx, long cy, long r, int pass)
{
    const item_grid *g = &ns->jl->grid;
    for (long j = cy - r; j <= cy + r; j++) {
        if (j < 0 || j >= g->gh)
            continue;
        long step = (j == cy - r || j == cy + r || r == 0) ? 1 : 2 * r; /* the ring only */
        for (long i = cx - r; i <= cx + r; i += step) {
            if (i < 0 || i >= g->gw)
                continue;
            size_t c = (size_t)j * (size_t)g->gw + (size_t)i;
            for (size_t e = g->cell_start[c]; e < g->cell_start[c + 1]; e++) {
                size_t k = g->cell_items[e];
                double lb = box_d2(g, k, ns->px, ns->py);
                if (pass == 0 && lb < ns->lb_min)
                    ns->lb_min = lb, ns->k_min = k;
                /* measured unless its box is farther than the best (then no tie either) */
                if (pass == 1 && lb <= ns->best * ns->best * 1.000001 + 1e-9)
                    near_eval(ns, k);
            }
        }
    }
}

/* Nearest feature of jl: its index (or -1), the distance and the distance along
 * (lines; NaN for points). Rings of cells around the point's cell (clamped to
 * the grid) until the best distance is below r - 1 cell sides, which every item
 * not yet seen exceeds; in each ring the item with the nearest box first. *tie = 1
 * when another item at exactly that distance gives another feature or distance
 * along (the caller then asks GEOS). */
static long nearest(const join_layer *jl, double px, double py, double *dist, double *along,
                    int *tie)
{
    const item_grid *g = &jl->grid;
    if (g->n == 0)
        return -1;
    long cx = clamp_cell(px, g->x0, g->cs, g->gw), cy = clamp_cell(py, g->y0, g->cs, g->gh);
    long r_max = cx > g->gw - 1 - cx ? cx : g->gw - 1 - cx;
    long ry = cy > g->gh - 1 - cy ? cy : g->gh - 1 - cy;
    r_max = ry > r_max ? ry : r_max;
    near_state ns = {jl, px, py, DBL_MAX, (double)NAN, (size_t)-1, 0, DBL_MAX, 0};
    double fx = floor((px - g->cx0) / g->ccs), fy = floor((py - g->cy0) / g->ccs);
    if (g->kc && fx >= 0 && fy >= 0 && fx < (double)g->kc && fy < (double)g->kc) {
        size_t c = (size_t)fy * (size_t)g->kc + (size_t)fx;
        for (size_t e = g->cand_start[c]; e < g->cand_start[c + 1]; e++) {
            size_t k = g->cand_items[e];
            if (box_d2(g, k, px, py) <= ns.best * ns.best * 1.000001 + 1e-9)
                near_eval(&ns, k);
        }
        r_max = -1; /* answered */
    }
    for (long r = 0; r <= r_max; r++) {
        if (ns.best < (double)(r - 1) * g->cs) /* ring r is at least r - 1 sides away */
            break;
        ns.lb_min = DBL_MAX;
        near_ring(&ns, cx, cy, r, 0);
        if (ns.lb_min < DBL_MAX && ns.lb_min <= ns.best * ns.best)
            near_eval(&ns, ns.k_min);
        near_ring(&ns, cx, cy, r, 1);
    }
    *tie = ns.tie;
    *dist = ns.best;
    *along = ns.best_along;
    return (long)g->feat[ns.bi];
}

typedef struct {
    GEOSContextHandle_t h;
    const join_layer *jl;
    const GEOSGeometry *pt;
    long found;
} contain_arg;

static void contain_cb(void *item, void *userdata)
{
    contain_arg *a = userdata;
    size_t i = (size_t)(uintptr_t)item;
    if (a->found < 0 && GEOSPreparedIntersects_r(a->h, a->jl->prep[i], a->pt) == 1)
        a->found = (long)i;
}

/* Nearest feature by the grid; on an exact tie between candidates the answer
 * GEOS's search gives, as before the grid (the point is made on first need). */
static long nearest_of(GEOSContextHandle_t h, const join_layer *jl, GEOSGeometry **pt,
                       double px, double py, double *d, double *along)
{
    int tie = 0;
    long i = nearest(jl, px, py, d, along, &tie);
    if (!tie)
        return i;
    if (!*pt && !(*pt = GEOSGeom_createPointFromXY_r(h, px, py)))
        return i;
    return nearest_geos(h, jl, *pt, px, py, d, along);
}

static void join_one(GEOSContextHandle_t h, const join_set *js, senda__incident *r)
{
    double d, along;
    GEOSGeometry *pt = NULL;
    long i = nearest_of(h, &js->rail, &pt, r->x, r->y, &d, &along);
    if (i >= 0) {
        r->rail_idx = i;
        r->rail_dist_m = d;
        r->rail_km = along / 1000.0;
    }
    if ((i = nearest_of(h, &js->checkpoints, &pt, r->x, r->y, &d, &along)) >= 0) {
        r->checkpoint_idx = i;
        r->checkpoint_dist_m = d;
    }
    if ((i = nearest_of(h, &js->border, &pt, r->x, r->y, &d, &along)) >= 0)
        r->border_dist_m = d;
    if (js->states.tree && !pt)
        pt = GEOSGeom_createPointFromXY_r(h, r->x, r->y);
    if (js->states.tree && pt) {
        contain_arg a = {h, &js->states, pt, -1};
        GEOSSTRtree_query_r(h, js->states.tree, pt, contain_cb, &a);
        r->admin_idx = a.found;
    }
    if (pt)
        GEOSGeom_destroy_r(h, pt);
}

static void *join_thread(void *arg)
{
    join_job *job = arg;
    GEOSContextHandle_t h = GEOS_init_r();
    if (!h) {
        job->failed = 1;
        return NULL;
    }
    for (size_t k = job->lo; k < job->hi; k++) {
        senda__incident *r = &job->recs[k];
        if ((r->status == REC_ACCEPTED || r->status == REC_REPAIRED) && !isnan(r->x))
            join_one(h, job->js, r);
    }
    GEOS_finish_r(h);
    return NULL;
}

static void pieces_release(senda_ctx *ctx, line_pieces *lp)
{
    for (size_t k = 0; lp->env && k < lp->n; k++)
        GEOSGeom_destroy_r(ctx->geos, lp->env[k]);
    if (lp->tree)
        GEOSSTRtree_destroy_r(ctx->geos, lp->tree);
    senda__free(lp->env);
    senda__free(lp->p);
    senda__free(lp->xy);
    senda__free(lp->cum);
}

/* Copy the coordinates of line feature g (LineString or MultiLineString) and cut
 * them into pieces of at most PIECE_SEGS segments. */
static senda_status pieces_build(senda_ctx *ctx, const GEOSGeometry *g, line_pieces *lp)
{
    GEOSContextHandle_t h = ctx->geos;
    int n_parts = GEOSGetNumGeometries_r(h, g);
    size_t n_pts = (size_t)GEOSGeomGetNumPoints_r(h, g), cap = n_pts / PIECE_SEGS + 2 *
                                                                (size_t)n_parts + 1;
    lp->xy = senda__calloc2(ctx, n_pts + 2 * cap, 2 * sizeof(double));
    lp->cum = senda__calloc(ctx, n_pts + 2 * cap, sizeof(double));
    lp->p = senda__calloc(ctx, cap, sizeof *lp->p);
    lp->env = senda__calloc(ctx, cap, sizeof *lp->env);
    if (!lp->xy || !lp->cum || !lp->p || !lp->env)
        return SENDA_ERR_NOMEM;
    double along = 0.0, *w = lp->xy, *c = lp->cum;
    for (int part = 0; part < n_parts; part++) {
        const GEOSGeometry *pg = GEOSGetGeometryN_r(h, g, part);
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, pg);
        unsigned int n = 0;
        GEOSCoordSeq_getSize_r(h, cs, &n);
        for (unsigned int s0 = 0; s0 + 1 < n && lp->n < cap; s0 += PIECE_SEGS) {
            unsigned int s1 = s0 + PIECE_SEGS < n - 1 ? s0 + PIECE_SEGS : n - 1;
            piece *pc = &lp->p[lp->n];
            GEOSCoordSequence *sub = GEOSCoordSeq_create_r(h, s1 - s0 + 1, 2);
            pc->xy = w;
            pc->cum = c;
            pc->n_pts = s1 - s0 + 1;
            pc->offset_m = along;
            for (unsigned int k = s0; k <= s1; k++, w += 2, c++) {
                GEOSCoordSeq_getXY_r(h, cs, k, &w[0], &w[1]);
                GEOSCoordSeq_setXY_r(h, sub, k - s0, w[0], w[1]);
                c[0] = k > s0 ? c[-1] + hypot(w[0] - w[-2], w[1] - w[-1]) : 0.0;
            }
            along += c[-1];
            if (!(lp->env[lp->n++] = GEOSGeom_createLineString_r(h, sub)))
                return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot cut a line");
        }
    }
    if (!(lp->tree = GEOSSTRtree_create_r(h, 10)))
        return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot index line pieces");
    for (size_t k = 0; k < lp->n; k++)
        GEOSSTRtree_insert_r(h, lp->tree, lp->env[k], (void *)(uintptr_t)(k + 1));
    return SENDA_OK;
}

/* Bounding box of item k of jl: x0, y0, x1, y1. */
static void item_box(const join_layer *jl, size_t k, double b[4])
{
    const item_grid *g = &jl->grid;
    if (jl->kind == 0) {
        const double *q = &jl->pxy[2 * (size_t)g->feat[k]];
        b[0] = b[2] = q[0], b[1] = b[3] = q[1];
        return;
    }
    const piece *pc = &jl->lines[g->feat[k]].p[g->part[k]];
    b[0] = b[2] = pc->xy[0], b[1] = b[3] = pc->xy[1];
    for (unsigned v = 1; v < pc->n_pts; v++) {
        b[0] = fmin(b[0], pc->xy[2 * v]), b[2] = fmax(b[2], pc->xy[2 * v]);
        b[1] = fmin(b[1], pc->xy[2 * v + 1]), b[3] = fmax(b[3], pc->xy[2 * v + 1]);
    }
}

/* The grid's cells of box b: [i0, i1] x [j0, j1]. */
static void box_cells(const item_grid *g, const double b[4], long c[4])
{
    c[0] = clamp_cell(b[0], g->x0, g->cs, g->gw), c[1] = clamp_cell(b[1], g->y0, g->cs, g->gh);
    c[2] = clamp_cell(b[2], g->x0, g->cs, g->gw), c[3] = clamp_cell(b[3], g->y0, g->cs, g->gh);
}

/* Least of the largest distances from the corners of cell [x0, x0 + w] x [y0, y0 + w]
 * to a vertex of item k: no point of the cell is farther from the item. */
static double cell_reach(const join_layer *jl, size_t k, double x0, double y0, double w)
{
    const item_grid *g = &jl->grid;
    const double *v;
    unsigned n_v;
    if (jl->kind == 0) {
        v = &jl->pxy[2 * (size_t)g->feat[k]], n_v = 1;
    } else {
        const piece *pc = &jl->lines[g->feat[k]].p[g->part[k]];
        v = pc->xy, n_v = pc->n_pts;
    }
    double best = DBL_MAX;
    for (unsigned i = 0; i < n_v; i++) {
        double dx = fmax(fabs(v[2 * i] - x0), fabs(v[2 * i] - x0 - w));
        double dy = fmax(fabs(v[2 * i + 1] - y0), fabs(v[2 * i + 1] - y0 - w));
        best = fmin(best, dx * dx + dy * dy);
    }
    return best;
}

/* Squared distance between cell [x0, x0 + w] x [y0, y0 + w] and item k's box. */
static double cell_box_d2(const item_grid *g, size_t k, double x0, double y0, double w)
{
    const double *b = &g->box[4 * k];
    double dx = fmax(fmax(b[0] - (x0 + w), x0 - b[2]), 0.0);
    double dy = fmax(fmax(b[1] - (y0 + w), y0 - b[3]), 0.0);
    return dx * dx + dy * dy;
}

/* Candidate cells over the layer's extent widened by half its side each way
 * (beyond them the ring search answers): the items whose box is within the
 * cell's reach. Up to 128 x 128 cells while cells x items stays under 2e7. */
static senda_status cand_build(senda_ctx *ctx, const join_layer *jl, item_grid *g,
                               const double ext[4])
{
    double side = fmax(fmax(ext[2] - ext[0], ext[3] - ext[1]), 1.0);
    long kc = (long)fmin(128.0, floor(sqrt(2e7 / (double)(g->n ? g->n : 1))));
    if (kc < 8)
        return SENDA_OK;
    g->ccs = 2.0 * side / (double)kc;
    g->cx0 = ext[0] - 0.5 * side, g->cy0 = ext[1] - 0.5 * side;
    size_t n_cells = (size_t)kc * (size_t)kc, cap = 4 * n_cells, used = 0;
    g->cand_start = senda__calloc(ctx, n_cells + 1, sizeof *g->cand_start);
    g->cand_items = senda__calloc(ctx, cap, sizeof *g->cand_items);
    if (!g->cand_start || !g->cand_items)
        return SENDA_ERR_NOMEM;
    for (size_t c = 0; c < n_cells; c++) {
        double x0 = g->cx0 + (double)(c % (size_t)kc) * g->ccs;
        double y0 = g->cy0 + (double)(c / (size_t)kc) * g->ccs, reach = DBL_MAX;
        for (size_t k = 0; k < g->n; k++)
            reach = fmin(reach, cell_reach(jl, k, x0, y0, g->ccs));
        for (size_t k = 0; k < g->n; k++) {
            if (cell_box_d2(g, k, x0, y0, g->ccs) > reach * 1.000001 + 1e-9)
                continue;
            if (used == cap) {
                unsigned *w = senda__realloc(ctx, g->cand_items, 2 * cap * sizeof *w);
                if (!w)
                    return SENDA_ERR_NOMEM;
                g->cand_items = w, cap *= 2;
            }
            g->cand_items[used++] = (unsigned)k;
        }
        g->cand_start[c + 1] = used;
    }
    g->kc = kc;
    return SENDA_OK;
}

/* The items of a point or line layer (non-empty points; every piece) and their grid. */
static senda_status grid_build(senda_ctx *ctx, join_layer *jl)
{
    item_grid *g = &jl->grid;
    const senda__layer *l = jl->l;
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += jl->kind == 0 ? !GEOSisEmpty_r(ctx->geos, l->geoms[i]) : jl->lines[i].n;
    g->feat = senda__calloc(ctx, n + 1, sizeof *g->feat);
    g->part = senda__calloc(ctx, n + 1, sizeof *g->part);
    if (!g->feat || !g->part)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < l->n; i++) {
        size_t np = jl->kind == 0 ? !GEOSisEmpty_r(ctx->geos, l->geoms[i]) : jl->lines[i].n;
        for (size_t k = 0; k < np; k++, g->n++)
            g->feat[g->n] = (unsigned)i, g->part[g->n] = (unsigned)k;
    }
    if (!(g->box = senda__calloc2(ctx, n + 1, 4 * sizeof(double))))
        return SENDA_ERR_NOMEM;
    double ext[4] = {DBL_MAX, DBL_MAX, -DBL_MAX, -DBL_MAX}, *b;
    for (size_t k = 0; k < n; k++) {
        item_box(jl, k, b = &g->box[4 * k]);
        ext[0] = fmin(ext[0], b[0]), ext[1] = fmin(ext[1], b[1]);
        ext[2] = fmax(ext[2], b[2]), ext[3] = fmax(ext[3], b[3]);
    }
    /* square cells, about 4 items per cell, at most 1024 cells a side */
    double side = n ? fmax(ext[2] - ext[0], ext[3] - ext[1]) : 0.0;
    double per_side = fmin(1024.0, fmax(1.0, ceil(sqrt((double)n / 4.0))));
    g->cs = side > 0 ? side / per_side : 1.0;
    g->x0 = n ? ext[0] : 0.0, g->y0 = n ? ext[1] : 0.0;
    g->gw = n ? (long)floor((ext[2] - ext[0]) / g->cs) + 1 : 1;
    g->gh = n ? (long)floor((ext[3] - ext[1]) / g->cs) + 1 : 1;
    size_t n_cells = (size_t)g->gw * (size_t)g->gh, n_entries = 0;
    if (!(g->cell_start = senda__calloc(ctx, n_cells + 1, sizeof *g->cell_start)))
        return SENDA_ERR_NOMEM;
    long c[4];
    for (int pass = 0; pass < 2; pass++) { /* count per cell, then fill */
        for (size_t k = 0; k < n; k++) {
            box_cells(g, &g->box[4 * k], c);
            for (long j = c[1]; j <= c[3]; j++)
                for (long i = c[0]; i <= c[2]; i++) {
                    size_t cell = (size_t)j * (size_t)g->gw + (size_t)i;
                    if (pass == 0)
                        g->cell_start[cell + 1]++;
                    else
                        g->cell_items[g->cell_start[cell]++] = (unsigned)k;
                }
        }
        if (pass == 0) {
            for (size_t cell = 0; cell < n_cells; cell++)
                g->cell_start[cell + 1] += g->cell_start[cell];
            n_entries = g->cell_start[n_cells];
            if (!(g->cell_items = senda__calloc(ctx, n_entries + 1, sizeof *g->cell_items)))
                return SENDA_ERR_NOMEM;
        } else { /* the fill moved each start to the next cell's: shift back */
            memmove(g->cell_start + 1, g->cell_start, n_cells * sizeof *g->cell_start);
            g->cell_start[0] = 0;
        }
    }
    return n ? cand_build(ctx, jl, g, ext) : SENDA_OK;
}

static void layer_release(senda_ctx *ctx, join_layer *jl)
{
    if (!jl->l)
        return;
    for (size_t i = 0; i < jl->l->n; i++) {
        if (jl->lines)
            pieces_release(ctx, &jl->lines[i]);
        if (jl->prep && jl->prep[i])
            GEOSPreparedGeom_destroy_r(ctx->geos, jl->prep[i]);
    }
    senda__free(jl->lines);
    senda__free(jl->grid.feat);
    senda__free(jl->grid.part);
    senda__free(jl->grid.box);
    senda__free(jl->grid.cand_start);
    senda__free(jl->grid.cand_items);
    senda__free(jl->grid.cell_start);
    senda__free(jl->grid.cell_items);
    senda__free((void *)jl->prep);
    senda__free(jl->pxy);
    memset(jl, 0, sizeof *jl);
}

static senda_status layer_parts(senda_ctx *ctx, join_layer *jl, const char *name)
{
    const senda__layer *l = jl->l;
    if (jl->kind == 0) {
        if (!(jl->pxy = senda__calloc2(ctx, l->n, 2 * sizeof(double))))
            return SENDA_ERR_NOMEM;
        for (size_t i = 0; i < l->n; i++) { /* multipoints: their first point's box corner */
            GEOSGeom_getXMin_r(ctx->geos, l->geoms[i], &jl->pxy[2 * i]);
            GEOSGeom_getYMin_r(ctx->geos, l->geoms[i], &jl->pxy[2 * i + 1]);
        }
    } else if (jl->kind == 1) {
        if (!(jl->lines = senda__calloc(ctx, l->n, sizeof *jl->lines)))
            return SENDA_ERR_NOMEM;
        for (size_t i = 0; i < l->n; i++) {
            senda_status st = pieces_build(ctx, l->geoms[i], &jl->lines[i]);
            if (st != SENDA_OK)
                return st;
        }
    } else {
        if (!(jl->prep = senda__calloc(ctx, l->n, sizeof *jl->prep)))
            return SENDA_ERR_NOMEM;
        for (size_t i = 0; i < l->n; i++)
            if (!(jl->prep[i] = GEOSPrepare_r(ctx->geos, l->geoms[i])))
                return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot prepare %s feature %zu",
                                   name, i);
    }
    return SENDA_OK;
}

/* Grids, trees and parts of one layer (absent layer: nothing), queried once so that every
 * lazily built index exists before threads share them. */
static senda_status layer_ready(senda_ctx *ctx, const senda_layers *layers, const char *name,
                                int kind, join_layer *jl)
{
    memset(jl, 0, sizeof *jl);
    jl->l = senda__layers_get(layers, name);
    jl->kind = kind;
    if (!jl->l || jl->l->n == 0) {
        jl->l = NULL;
        return SENDA_OK;
    }
    if (!(jl->tree = senda__layer_tree(ctx, jl->l)))
        return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot index the %s layer", name);
    senda_status st = layer_parts(ctx, jl, name);
    if (st == SENDA_OK && kind != 2)
        st = grid_build(ctx, jl);
    if (st != SENDA_OK)
        return st;
    GEOSGeometry *probe = GEOSGeom_createPointFromXY_r(ctx->geos, 0.0, 0.0);
    double d, along;
    if (kind == 2) {
        contain_arg a = {ctx->geos, jl, probe, -1};
        GEOSSTRtree_query_r(ctx->geos, jl->tree, probe, contain_cb, &a);
        for (size_t i = 0; i < jl->l->n; i++)
            GEOSPreparedIntersects_r(ctx->geos, jl->prep[i], probe);
    } else {
        nearest_geos(ctx->geos, jl, probe, 0.0, 0.0, &d, &along);
        for (size_t i = 0; kind == 1 && i < jl->l->n; i++)
            line_dist(ctx->geos, &jl->lines[i], probe, 0.0, 0.0, &along);
    }
    GEOSGeom_destroy_r(ctx->geos, probe);
    return SENDA_OK;
}

senda_status senda__join_open(senda_ctx *ctx, const senda_layers *layers, int n_threads,
                              senda__joiner **out)
{
    *out = NULL;
    senda__joiner *j = senda__calloc(ctx, 1, sizeof *j);
    if (!j)
        return SENDA_ERR_NOMEM;
    j->n_threads = n_threads < 1 ? 1 : n_threads > 16 ? 16 : n_threads;
    senda_status st = layer_ready(ctx, layers, SENDA_LAYER_RAIL, 1, &j->js.rail);
    if (st == SENDA_OK)
        st = layer_ready(ctx, layers, SENDA_LAYER_CHECKPOINTS, 0, &j->js.checkpoints);
    if (st == SENDA_OK)
        st = layer_ready(ctx, layers, SENDA_LAYER_BORDER, 1, &j->js.border);
    if (st == SENDA_OK)
        st = layer_ready(ctx, layers, "states", 2, &j->js.states);
    if (st != SENDA_OK) {
        senda__join_close(ctx, j);
        return st;
    }
    *out = j;
    return SENDA_OK;
}

void senda__join_close(senda_ctx *ctx, senda__joiner *j)
{
    if (!j)
        return;
    layer_release(ctx, &j->js.rail);
    layer_release(ctx, &j->js.checkpoints);
    layer_release(ctx, &j->js.border);
    layer_release(ctx, &j->js.states);
    senda__free(j);
}

senda_status senda__join_run(senda_ctx *ctx, senda__joiner *j, senda__incident *recs, size_t n)
{
    join_job jobs[16];
    pthread_t tid[16];
    int started[16] = {0}, n_threads = n < 256 ? 1 : j->n_threads;
    for (int t = 0; t < n_threads; t++) {
        jobs[t] = (join_job){&j->js, recs, n * (size_t)t / (size_t)n_threads,
                             n * (size_t)(t + 1) / (size_t)n_threads, 0};
        if (t > 0)
            started[t] = pthread_create(&tid[t], NULL, join_thread, &jobs[t]) == 0;
    }
    for (int t = 1; t < n_threads; t++)
        if (!started[t])
            join_thread(&jobs[t]); /* no thread: do its share here */
    join_thread(&jobs[0]);
    senda_status st = SENDA_OK;
    for (int t = 1; t < n_threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
    for (int t = 0; t < n_threads; t++)
        if (jobs[t].failed)
            st = senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot start a context for the join");
    return st;
}
