/*
 * mask.c - set to nodata the cells of a grid whose centre lies outside the
 * polygons of a layer (the bundled `land` layer: so least-danger paths do
 * not cross the sea).
 *
 * Algorithm: scanline point-in-polygon. For every polygon and every grid row
 * whose centre line y crosses the polygon's bounding box, the x where each
 * ring edge crosses y (half-open rule: an edge counts when one end is
 * strictly above y and the other at or below, so a vertex on the line is
 * counted once) are sorted; cell centres between crossings 2k and 2k+1 are
 * inside (even-odd over the exterior and its holes). A centre inside any
 * polygon is kept. This is the rule GDAL's rasterizer applies without
 * ALL_TOUCHED (a pixel is burned when its centre is inside).
 * Complexity O(rows x vertices + cells), memory one byte per cell plus the
 * crossings of one row. Cells already nodata stay nodata.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grid/grid_int.h"
#include "io/io_int.h"

typedef struct {
    double *x;
    size_t n, cap;
} crossings;

static int add_crossing(senda_ctx *ctx, crossings *c, double x)
{
    double *nx = senda__grow(ctx, c->x, c->n, &c->cap, sizeof *nx, 64);
    if (!nx)
        return -1;
    c->x = nx;
    c->x[c->n++] = x;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Crossings of ring r with the line y = cy. */
static int ring_crossings(senda_ctx *ctx, const GEOSGeometry *ring, double cy, crossings *c)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx->geos, seq, &n) || n < 4)
        return 0;
    double x0, y0;
    GEOSCoordSeq_getXY_r(ctx->geos, seq, 0, &x0, &y0);
    for (unsigned int i = 1; i < n; i++) {
        double x1, y1;
        GEOSCoordSeq_getXY_r(ctx->geos, seq, i, &x1, &y1);
        if ((y0 > cy) != (y1 > cy) &&
            add_crossing(ctx, c, x0 + (cy - y0) * (x1 - x0) / (y1 - y0)) != 0)
            return -1;
        x0 = x1;
        y0 = y1;
    }
    return 0;
}

/* Mark in `inside` the cells of g whose centre is inside polygon poly. */
static senda_status burn_polygon(senda_ctx *ctx, const GEOSGeometry *poly, const senda_grid *g,
                                 unsigned char *inside, crossings *c)
{
    double ymin, ymax;
    if (!GEOSGeom_getYMin_r(ctx->geos, poly, &ymin) || !GEOSGeom_getYMax_r(ctx->geos, poly, &ymax))
        return SENDA_OK; /* empty */
    int n_holes = GEOSGetNumInteriorRings_r(ctx->geos, poly);
    for (size_t r = 0; r < g->n_rows; r++) {
        double cy = senda__grid_cy(g, r);
        if (cy < ymin || cy > ymax)
            continue;
        c->n = 0;
        if (ring_crossings(ctx, GEOSGetExteriorRing_r(ctx->geos, poly), cy, c) != 0)
            return SENDA_ERR_NOMEM;
        for (int h = 0; h < n_holes; h++)
            if (ring_crossings(ctx, GEOSGetInteriorRingN_r(ctx->geos, poly, h), cy, c) != 0)
                return SENDA_ERR_NOMEM;
        qsort(c->x, c->n, sizeof *c->x, cmp_double);
        for (size_t k = 0; k + 1 < c->n; k += 2) {
            /* centres x_min + (col + 0.5) cell in [x_a, x_b) */
            double fa = (c->x[k] - g->x_min) / g->cell_m - 0.5;
            double fb = (c->x[k + 1] - g->x_min) / g->cell_m - 0.5;
            long a = (long)ceil(fa), b = (long)ceil(fb) - 1;
            if (a < 0)
                a = 0;
            if (b >= (long)g->n_cols)
                b = (long)g->n_cols - 1;
            for (long col = a; col <= b; col++)
                inside[r * g->n_cols + (size_t)col] = 1;
        }
    }
    return SENDA_OK;
}

senda_status senda_layers_mask_grid(senda_ctx *ctx, const senda_layers *layers,
                                    const char *name, senda_grid *grid, size_t *n_masked)
{
    senda__reset(ctx);
    if (n_masked)
        *n_masked = 0;
    if (!layers || !name || !grid)
        return senda__fail(ctx, SENDA_ERR_ARG, "senda_layers_mask_grid: NULL argument");
    const senda__layer *l = senda__layers_get(layers, name);
    if (!l)
        return senda__fail(ctx, SENDA_ERR_DATA, "no layer '%s' is loaded", name);
    if (l->n == 0)
        return senda__fail(ctx, SENDA_ERR_DATA, "layer '%s' has no features", name);
    size_t n_cells = grid->n_rows * grid->n_cols;
    unsigned char *inside = senda__calloc(ctx, n_cells ? n_cells : 1, 1);
    crossings c = {0};
    senda_status st = SENDA_OK;
    if (!inside)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < l->n && st == SENDA_OK; i++) {
        const GEOSGeometry *g = l->geoms[i];
        int t = GEOSGeomTypeId_r(ctx->geos, g);
        if (t == GEOS_POLYGON) {
            st = burn_polygon(ctx, g, grid, inside, &c);
        } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
            int np = GEOSGetNumGeometries_r(ctx->geos, g);
            for (int p = 0; p < np && st == SENDA_OK; p++) {
                const GEOSGeometry *part = GEOSGetGeometryN_r(ctx->geos, g, p);
                if (GEOSGeomTypeId_r(ctx->geos, part) == GEOS_POLYGON)
                    st = burn_polygon(ctx, part, grid, inside, &c);
            }
        }
    }
    if (st == SENDA_OK) {
        size_t masked = 0;
        for (size_t k = 0; k < n_cells; k++)
            if (!inside[k] && !isnan(grid->data[k])) {
                grid->data[k] = (double)NAN;
                masked++;
            }
        if (n_masked)
            *n_masked = masked;
    }
    senda__free(c.x);
    senda__free(inside);
    return st;
}
