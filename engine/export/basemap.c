/*
 * basemap.c - what a senda map draws under and around the analysis layers so
 * that it stands alone without QGIS: the land (sea tinted, land filled, its
 * outline drawn as the coastline), a light graticule labelled on the frame,
 * and town names from the bundled GeoNames gazetteer, placed without
 * collisions, the towns on the corridor's lines and sites first.
 *
 * Land is the bundled `land` layer (layers/corridor/land.geojson, or the
 * directory SENDA_LAYERS names), reprojected by OGR to the product's CRS.
 * Graticule lines are sampled every 0.05 degrees and projected point by point
 * (PROJ through OGR), so they curve as they do in the projection; the spacing
 * is the smallest of 0.5, 1, 2 and 5 degrees that gives at most about eight
 * lines across the map. Town labels: the gazetteer's places inside the map
 * with population >= 5,000: the rail's stations and the shelters' towns
 * first, then other towns within 12 km of the rail, crossings or shelters
 * (the towns a reader of a corridor map looks for), each group largest first; a label (text box plus its dot) is
 * kept only where it overlaps no label already kept, first to the right of
 * the dot, else to the left. Greedy, as QGIS's simple label engine:
 * O(n k + m^2) for n places, k corridor vertices and m <= max_labels
 * labels. Nothing here can fail
 * the map: a missing layer, gazetteer or CRS leaves that part out.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cpl_error.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "export/export_int.h"
#include "io/gazetteer_int.h"
#include "io/io_int.h"

#define TOWN_MIN_POPULATION 5000
#define MAX_LABELS 80

static void ring_path(const senda__view *v, OGRGeometryH ring)
{
    for (int i = 0; i < OGR_G_GetPointCount(ring); i++)
        (i ? cairo_line_to : cairo_move_to)(v->cr, senda__view_px(v, OGR_G_GetX(ring, i)),
                                            senda__view_py(v, OGR_G_GetY(ring, i)));
    cairo_close_path(v->cr);
}

static void polygon_path(const senda__view *v, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        for (int r = 0; r < OGR_G_GetGeometryCount(g); r++)
            ring_path(v, OGR_G_GetGeometryRef(g, r));
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            polygon_path(v, OGR_G_GetGeometryRef(g, i));
    }
}

void senda__basemap_land(const senda__view *v, int srs_id)
{
    cairo_t *cr = v->cr;
    char path[1100];
    snprintf(path, sizeof path, "%s/land.geojson", senda_layers_default_dir());
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    OGRCoordinateTransformationH ct = ds ? senda__ct_lonlat(srs_id, 0) : NULL;
    if (!ct) {
        GDALClose(ds);
        return;
    }
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.902, 0.937, 0.965); /* sea */
    cairo_rectangle(cr, v->x0, v->y0, v->w, v->h);
    cairo_fill(cr);
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH f;
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    while (lyr && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && OGR_G_Transform(g, ct) == OGRERR_NONE) {
            polygon_path(v, g);
            cairo_set_source_rgb(cr, 0.976, 0.969, 0.941); /* land */
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 0.416, 0.557, 0.690); /* coastline */
            cairo_set_line_width(cr, 0.9);
            cairo_stroke(cr);
        }
        OGR_F_Destroy(f);
    }
    cairo_restore(cr);
    OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
}

/* The map's lon/lat window, from its corners and edge midpoints. */
static int lonlat_window(const senda__view *v, int srs_id, double w[4])
{
    OGRCoordinateTransformationH ct = senda__ct_lonlat(srs_id, 0);
    if (!ct)
        return 0;
    OGRCoordinateTransformationH inv = NULL;
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL), d = OSRNewSpatialReference(NULL);
    if (OSRImportFromEPSG(s, srs_id) == OGRERR_NONE && OSRImportFromEPSG(d, 4326) == OGRERR_NONE) {
        OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(d, OAMS_TRADITIONAL_GIS_ORDER);
        inv = OCTNewCoordinateTransformation(s, d);
    }
    OSRDestroySpatialReference(s);
    OSRDestroySpatialReference(d);
    OCTDestroyCoordinateTransformation(ct);
    if (!inv)
        return 0;
    double xs[9], ys[9];
    for (int i = 0; i < 9; i++) {
        xs[i] = v->xmin + (v->xmax - v->xmin) * (i % 3) / 2.0;
        ys[i] = v->ymin + (v->ymax - v->ymin) * (i / 3) / 2.0;
    }
    int ok = OCTTransform(inv, 9, xs, ys, NULL);
    OCTDestroyCoordinateTransformation(inv);
    if (!ok)
        return 0;
    w[0] = w[2] = xs[0], w[1] = w[3] = ys[0];
    for (int i = 1; i < 9; i++) {
        w[0] = fmin(w[0], xs[i]), w[2] = fmax(w[2], xs[i]);
        w[1] = fmin(w[1], ys[i]), w[3] = fmax(w[3], ys[i]);
    }
    return 1;
}

static double graticule_step(const double w[4])
{
    static const double steps[] = {0.5, 1.0, 2.0, 5.0, 10.0};
    double span = fmax(w[2] - w[0], w[3] - w[1]);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span / steps[i] <= 8.0)
            return steps[i];
    return 10.0;
}

/* One meridian (is_lon) or parallel at value c, sampled every 0.05 degrees;
 * its label goes where it leaves the bottom (meridians) or left edge. */
static void graticule_line(const senda__view *v, OGRCoordinateTransformationH ct, int is_lon,
                           double c, const double w[4])
{
    cairo_t *cr = v->cr;
    double lo = is_lon ? w[1] : w[0], hi = is_lon ? w[3] : w[2];
    int n = (int)ceil((hi - lo) / 0.05) + 1, started = 0;
    for (int i = 0; i < n; i++) {
        double x = is_lon ? c : lo + (hi - lo) * i / (n - 1);
        double y = is_lon ? lo + (hi - lo) * i / (n - 1) : c;
        if (!OCTTransform(ct, 1, &x, &y, NULL))
            continue;
        (started ? cairo_line_to : cairo_move_to)(cr, senda__view_px(v, x), senda__view_py(v, y));
        started = 1;
    }
    cairo_stroke(cr);
    double x = is_lon ? c : w[0], y = is_lon ? w[1] : c;
    if (!OCTTransform(ct, 1, &x, &y, NULL))
        return;
    char label[32];
    snprintf(label, sizeof label, "%g\xc2\xb0%s", fabs(c), is_lon ? (c < 0 ? "W" : "E")
                                                                  : (c < 0 ? "S" : "N"));
    double lx = is_lon ? senda__view_px(v, x) + 3 : v->x0 + 3;
    double ly = is_lon ? v->y0 + v->h - 4 : senda__view_py(v, y) - 3;
    if (lx > v->x0 && lx < v->x0 + v->w - 30 && ly > v->y0 + 10 && ly < v->y0 + v->h) {
        cairo_move_to(cr, lx, ly);
        cairo_show_text(cr, label);
    }
}

void senda__basemap_graticule(const senda__view *v, int srs_id)
{
    double w[4];
    if (!lonlat_window(v, srs_id, w))
        return;
    OGRCoordinateTransformationH ct = senda__ct_lonlat(srs_id, 0);
    if (!ct)
        return;
    cairo_t *cr = v->cr;
    cairo_save(cr);
    cairo_rectangle(cr, v->x0, v->y0, v->w, v->h);
    cairo_clip(cr);
    cairo_set_source_rgba(cr, 0.35, 0.35, 0.40, 0.35);
    cairo_set_line_width(cr, 0.6);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11);
    double step = graticule_step(w);
    for (double c = ceil(w[0] / step) * step; c <= w[2]; c += step)
        graticule_line(v, ct, 1, c, w);
    for (double c = ceil(w[1] / step) * step; c <= w[3]; c += step)
        graticule_line(v, ct, 0, c, w);
    cairo_restore(cr);
    OCTDestroyCoordinateTransformation(ct);
}

typedef struct box {
    double x0, y0, x1, y1;
} box;

static int overlaps(const box *a, const box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static int fits(const box *b, const box *kept, int n_kept, const senda__view *v)
{
    if (b->x0 < v->x0 + 2 || b->x1 > v->x0 + v->w - 2 || b->y0 < v->y0 + 2 ||
        b->y1 > v->y0 + v->h - 2)
        return 0;
    for (int i = 0; i < n_kept; i++)
        if (overlaps(b, &kept[i]))
            return 0;
    return 1;
}

/* 1 when (x, y) is within near_m of one of the n_near points. */
static int is_near(double x, double y, const double *near_xy, size_t n_near, double near_m)
{
    for (size_t i = 0; i < n_near; i++) {
        double dx = x - near_xy[2 * i], dy = y - near_xy[2 * i + 1];
        if (dx * dx + dy * dy <= near_m * near_m)
            return 1;
    }
    return 0;
}

/* 1 when the place's name is one of the corridor's station or shelter towns
 * (a " (State)" qualifier on the listed name is ignored). */
static int is_listed(const senda__place *p, const char *listed)
{
    size_t n = strlen(p->name);
    for (const char *s = listed; s && *s;) {
        size_t len = strcspn(s, ";");
        while (len && s[0] == ' ')
            s++, len--;
        size_t name_len = strcspn(s, "(;");
        while (name_len && s[name_len - 1] == ' ')
            name_len--;
        if (name_len == n && strncmp(s, p->name, n) == 0)
            return 1;
        s += len;
        if (*s == ';')
            s++;
    }
    return 0;
}

/* A place's labelling priority: near the corridor, the names listed first in
 * listed (shelter towns, before the '|'), then the others listed (stations),
 * then any town near it; population within each group. */
static double town_rank(const senda__place *p, int near, const char *listed)
{
    const char *bar = strchr(listed, '|');
    char first[2048];
    snprintf(first, sizeof first, "%.*s", bar ? (int)(bar - listed) : (int)strlen(listed),
             listed);
    double group = !near                   ? 0.0
                   : is_listed(p, first)   ? 3e12
                   : bar && is_listed(p, bar + 1) ? 2e12 : 1e12;
    return group + (double)p->population;
}

/* Indices of the places inside the map with enough people, in labelling
 * order: those near the corridor's features first, each group largest first. */
static size_t town_candidates(const senda__gazetteer *g, OGRCoordinateTransformationH ct,
                              const senda__view *v, const double *near_xy, size_t n_near,
                              const char *listed, size_t *idx, double *xy, double *rank,
                              size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < senda__gazetteer_count(g); i++) {
        const senda__place *p = senda__gazetteer_place(g, i);
        if (p->population < TOWN_MIN_POPULATION)
            continue;
        double x = p->lon, y = p->lat;
        if (!OCTTransform(ct, 1, &x, &y, NULL) || x < v->xmin || x > v->xmax || y < v->ymin ||
            y > v->ymax)
            continue;
        double r = town_rank(p, is_near(x, y, near_xy, n_near, 12000.0), listed);
        /* insertion by rank into the first max slots */
        size_t at = n < max ? n : max;
        while (at > 0 && rank[at - 1] < r)
            at--;
        if (at >= max)
            continue;
        size_t last = n < max ? n : max - 1;
        memmove(idx + at + 1, idx + at, (last - at) * sizeof *idx);
        memmove(rank + at + 1, rank + at, (last - at) * sizeof *rank);
        memmove(xy + 2 * (at + 1), xy + 2 * at, 2 * (last - at) * sizeof *xy);
        idx[at] = i, rank[at] = r, xy[2 * at] = x, xy[2 * at + 1] = y;
        if (n < max)
            n++;
    }
    return n;
}

static void town_label(cairo_t *cr, double x, double y, const char *name)
{
    cairo_move_to(cr, x, y);
    cairo_text_path(cr, name);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_set_line_width(cr, 3);
    cairo_stroke(cr);
    cairo_move_to(cr, x, y);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_show_text(cr, name);
}

void senda__basemap_towns(const senda__view *v, int srs_id, int max_labels, double font_px,
                          const double *near_xy, size_t n_near, const char *listed)
{
    senda_ctx *ctx = NULL;
    senda__gazetteer *g = NULL;
    OGRCoordinateTransformationH ct = senda__ct_lonlat(srs_id, 0);
    if (!ct || senda_ctx_create(&ctx) != SENDA_OK ||
        senda__gazetteer_open(ctx, senda__gazetteer_default_path(), &g) != SENDA_OK)
        goto done;
    enum { N_CAND = 400 };
    size_t idx[N_CAND];
    double xy[2 * N_CAND], rank[N_CAND];
    size_t n = town_candidates(g, ct, v, near_xy, n_near, listed, idx, xy, rank, N_CAND);
    box kept[MAX_LABELS];
    int n_kept = 0;
    if (max_labels > MAX_LABELS)
        max_labels = MAX_LABELS;
    cairo_t *cr = v->cr;
    cairo_save(cr);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, font_px);
    for (size_t i = 0; i < n && n_kept < max_labels; i++) {
        const senda__place *p = senda__gazetteer_place(g, idx[i]);
        double x = senda__view_px(v, xy[2 * i]), y = senda__view_py(v, xy[2 * i + 1]);
        cairo_text_extents_t te;
        cairo_text_extents(cr, p->name, &te);
        double d = font_px * 0.3;
        double m = font_px * 0.35; /* clear space around a label */
        box right = {x - d - m, y - font_px * 0.8 - m, x + d + 3 + te.x_advance + m,
                     y + font_px * 0.4 + m};
        box left = {x - d - 3 - te.x_advance - m, right.y0, x + d + m, right.y1};
        const box *b = fits(&right, kept, n_kept, v) ? &right
                       : fits(&left, kept, n_kept, v) ? &left : NULL;
        if (!b)
            continue;
        kept[n_kept++] = *b;
        cairo_new_path(cr); /* no line from the last label's end to this dot */
        cairo_arc(cr, x, y, d, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_fill(cr);
        town_label(cr, b == &right ? x + d + 3 : b->x0 + m, y + font_px * 0.35, p->name);
    }
    cairo_restore(cr);
done:
    senda__gazetteer_close(g);
    senda_ctx_destroy(ctx);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
}
