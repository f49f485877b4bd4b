/*
 * demand.c - inputs of the siting model built from the pipeline's products:
 * demand points from a danger surface near the routes people travel,
 * candidate sites along those routes, and the exposure of each candidate
 * (the danger at the site).
 *
 * Demand ("danger-weighted demand along the routes"): the centre of every
 * cell of the danger surface whose value is > 0 and whose centre lies within
 * buffer_m of the rail layer (the freight-train routes) becomes a demand
 * point with weight = the cell value. Cells all have the same area, so the
 * weights are proportional to danger x area and coverage shares do not
 * depend on the surface's unit. Candidates: the nodes of a square lattice of
 * spacing_m (aligned to multiples of spacing_m in the CRS) within buffer_m
 * of the rail. "Within" is GEOSPreparedDistanceWithin against every rail
 * geometry, prefiltered by the geometry's envelope grown by buffer_m.
 * Complexity: O(points x rail geometries) envelope tests plus one GEOS
 * distance test per point inside an envelope; memory O(points).
 * Nodata: NaN cells are no demand; candidates outside the surface get NaN
 * exposure (the solver then makes them ineligible under an exposure limit or
 * penalty).
 * Clearance: the distance from each candidate to the nearest feature of a
 * layer (GEOSDistance against every feature: O(candidates x features), meant
 * for point layers of checkpoints or hotspot cells).
 * Demand on flows ("exposed people passing"): the centre of every cell
 * whose route density (likely.c: the expected share of migrants passing) is
 * at least min_share becomes a demand point with weight = route density x
 * exposure per km x cell width in km: the exposure the migrants passing the
 * cell meet there, per migrant of the whole flow. New shelters then go
 * where exposed people actually pass, not where incidents were reported.
 * Not done: least-danger paths as extra routes (they come from the cost
 * stage; any line layer named in `layers` could be added the same way).
 */
#include <math.h>
#include <string.h>

#include "grid/grid_int.h"
#include "io/io_int.h"
#include "siting/siting_int.h"

/* near[i] = 1 when (x[i], y[i]) lies within buffer_m of a rail geometry. */
static senda_status mark_near_rail(senda_ctx *ctx, const senda_layers *layers, const double *x,
                                   const double *y, size_t n, double buffer_m, unsigned char *near)
{
    const senda__layer *rail = senda__layers_get(layers, SENDA_LAYER_RAIL);
    if (!rail || rail->n == 0)
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "the layers hold no rail lines to build the "
                           "siting corridor from");
    GEOSContextHandle_t h = ctx->geos;
    for (size_t g = 0; g < rail->n; g++) {
        double x0, y0, x1, y1;
        if (!GEOSGeom_getXMin_r(h, rail->geoms[g], &x0) ||
            !GEOSGeom_getYMin_r(h, rail->geoms[g], &y0) ||
            !GEOSGeom_getXMax_r(h, rail->geoms[g], &x1) ||
            !GEOSGeom_getYMax_r(h, rail->geoms[g], &y1))
            continue; /* empty geometry */
        const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, rail->geoms[g]);
        if (!prep)
            return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot prepare rail line %zu", g);
        for (size_t i = 0; i < n; i++) {
            if (near[i] || x[i] < x0 - buffer_m || x[i] > x1 + buffer_m || y[i] < y0 - buffer_m ||
                y[i] > y1 + buffer_m)
                continue;
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x[i], y[i]);
            char r = pt ? GEOSPreparedDistanceWithin_r(h, prep, pt, buffer_m) : 2;
            GEOSGeom_destroy_r(h, pt);
            if (r == 2) {
                GEOSPreparedGeom_destroy_r(h, prep);
                return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: distance test failed");
            }
            near[i] = (unsigned char)r;
        }
        GEOSPreparedGeom_destroy_r(h, prep);
    }
    return SENDA_OK;
}

/* Keep the points with keep[i] into *out (weights and ids copied). */
static senda_status compact(senda_ctx *ctx, const senda_points *all, const unsigned char *keep,
                            senda_points **out)
{
    size_t n = 0;
    for (size_t i = 0; i < all->n; i++)
        n += keep[i];
    senda_status st = senda_points_create(ctx, n, all->crs, out);
    for (size_t i = 0, k = 0; st == SENDA_OK && i < all->n; i++) {
        if (!keep[i])
            continue;
        (*out)->x[k] = all->x[i];
        (*out)->y[k] = all->y[i];
        (*out)->weight[k] = all->weight[i];
        (*out)->id[k] = all->id[i];
        k++;
    }
    return st;
}

senda_status senda_siting_demand_from_grid(senda_ctx *ctx, const senda_grid *danger,
                                           const senda_layers *layers, double buffer_m,
                                           senda_points **out)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    if (!danger || !layers)
        return senda__fail(ctx, SENDA_ERR_ARG, "danger surface or layers is NULL");
    if (!(buffer_m > 0.0) || !isfinite(buffer_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "corridor buffer must be > 0 m, got %g", buffer_m);
    size_t n = 0, nc = danger->n_rows * danger->n_cols;
    for (size_t c = 0; c < nc; c++)
        n += danger->data[c] > 0.0;
    senda_points *all = NULL;
    unsigned char *near = NULL;
    senda_status st = senda_points_create(ctx, n, danger->crs[0] ? danger->crs : layers->crs, &all);
    if (st != SENDA_OK)
        return st;
    for (size_t row = 0, k = 0; row < danger->n_rows; row++)
        for (size_t col = 0; col < danger->n_cols; col++) {
            double v = danger->data[row * danger->n_cols + col];
            if (!(v > 0.0))
                continue;
            all->x[k] = senda__grid_cx(danger, col);
            all->y[k] = senda__grid_cy(danger, row);
            all->weight[k] = v;
            all->id[k++] = (int64_t)(row * danger->n_cols + col); /* the cell index */
        }
    if (!(near = senda__calloc(ctx, n ? n : 1, 1)))
        st = SENDA_ERR_NOMEM;
    if (st == SENDA_OK)
        st = mark_near_rail(ctx, layers, all->x, all->y, all->n, buffer_m, near);
    if (st == SENDA_OK)
        st = compact(ctx, all, near, out);
    senda__free(near);
    senda_points_destroy(all);
    return st;
}

senda_status senda_siting_candidates_along(senda_ctx *ctx, const senda_layers *layers,
                                           double spacing_m, double buffer_m, senda_points **out)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    if (!layers || !(spacing_m > 0.0) || !(buffer_m >= 0.0) || !isfinite(buffer_m))
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "layers is NULL, or spacing %g m is not > 0 or "
                           "buffer %g m not >= 0",
                           spacing_m, buffer_m);
    const senda__layer *rail = senda__layers_get(layers, SENDA_LAYER_RAIL);
    if (!rail || rail->n == 0)
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "the layers hold no rail lines to place "
                           "candidates along");
    const double *e = rail->report.extent;
    double x0 = floor((e[0] - buffer_m) / spacing_m) * spacing_m;
    double y0 = floor((e[1] - buffer_m) / spacing_m) * spacing_m;
    double nxd = floor((e[2] + buffer_m - x0) / spacing_m) + 1.0;
    double nyd = floor((e[3] + buffer_m - y0) / spacing_m) + 1.0;
    if (nxd * nyd > 5e7)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "candidate spacing %g m gives %.0f lattice "
                           "points over the rail's extent; use a larger spacing",
                           spacing_m, nxd * nyd);
    size_t nx = (size_t)nxd, ny = (size_t)nyd;
    senda_points *all = NULL;
    unsigned char *near = NULL;
    senda_status st = senda_points_create(ctx, nx * ny, layers->crs, &all);
    if (st != SENDA_OK)
        return st;
    for (size_t r = 0; r < ny; r++)
        for (size_t c = 0; c < nx; c++) {
            all->x[r * nx + c] = x0 + (double)c * spacing_m;
            all->y[r * nx + c] = y0 + (double)r * spacing_m;
        }
    if (!(near = senda__calloc(ctx, nx * ny, 1)))
        st = SENDA_ERR_NOMEM;
    if (st == SENDA_OK)
        st = mark_near_rail(ctx, layers, all->x, all->y, all->n, buffer_m, near);
    if (st == SENDA_OK)
        st = compact(ctx, all, near, out);
    for (size_t k = 0; st == SENDA_OK && k < (*out)->n; k++)
        (*out)->id[k] = (int64_t)k;
    senda__free(near);
    senda_points_destroy(all);
    return st;
}

senda_status senda_siting_exposure_from_grid(senda_ctx *ctx, const senda_grid *danger,
                                             const senda_points *candidates, double **out)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    if (!danger || !candidates)
        return senda__fail(ctx, SENDA_ERR_ARG, "danger surface or candidates is NULL");
    double *e = senda__calloc(ctx, candidates->n ? candidates->n : 1, sizeof *e);
    if (!e)
        return SENDA_ERR_NOMEM;
    for (size_t j = 0; j < candidates->n; j++) {
        double col = floor((candidates->x[j] - danger->x_min) / danger->cell_m);
        double row = floor((danger->y_max - candidates->y[j]) / danger->cell_m);
        if (col >= 0.0 && row >= 0.0 && col < (double)danger->n_cols &&
            row < (double)danger->n_rows)
            e[j] = danger->data[(size_t)row * danger->n_cols + (size_t)col];
        else
            e[j] = (double)NAN;
    }
    *out = e;
    return SENDA_OK;
}

senda_status senda_siting_clearance(senda_ctx *ctx, const senda_layers *layers, const char *name,
                                    const senda_points *candidates, double **out)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    if (!layers || !name || !candidates)
        return senda__fail(ctx, SENDA_ERR_ARG, "layers, layer name or candidates is NULL");
    const senda__layer *l = senda__layers_get(layers, name);
    if (!l)
        return senda__fail(ctx, SENDA_ERR_DATA, "no layer '%s' to measure clearance from", name);
    double *d = senda__calloc(ctx, candidates->n ? candidates->n : 1, sizeof *d);
    if (!d)
        return SENDA_ERR_NOMEM;
    GEOSContextHandle_t h = ctx->geos;
    senda_status st = SENDA_OK;
    for (size_t j = 0; j < candidates->n && st == SENDA_OK; j++) {
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, candidates->x[j], candidates->y[j]);
        d[j] = HUGE_VAL;
        for (size_t k = 0; pt && k < l->n; k++) {
            double dist;
            if (!GEOSDistance_r(h, pt, l->geoms[k], &dist)) {
                st = senda__fail(ctx, SENDA_ERR_GEOM,
                                 "GEOS: distance from candidate %lld to "
                                 "%s feature %zu failed",
                                 (long long)candidates->id[j], name, k);
                break;
            }
            d[j] = fmin(d[j], dist);
        }
        if (!pt)
            st = senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot make a point");
        GEOSGeom_destroy_r(h, pt);
    }
    if (st != SENDA_OK) {
        senda__free(d);
        return st;
    }
    *out = d;
    return SENDA_OK;
}

senda_status senda_siting_demand_from_flows(senda_ctx *ctx, const senda_grid *route_density,
                                            const senda_grid *exposure, double min_share,
                                            senda_points **out)
{
    senda__reset(ctx);
    if (out)
        *out = NULL;
    if (!route_density || !exposure || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "route_density, exposure or out is NULL");
    const senda_grid *g = route_density;
    if (exposure->n_rows != g->n_rows || exposure->n_cols != g->n_cols)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "route density (%zu x %zu) and exposure (%zu x "
                           "%zu) grids differ",
                           g->n_rows, g->n_cols, exposure->n_rows, exposure->n_cols);
    if (!(min_share > 0.0 && min_share <= 1.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "min_share must be in (0, 1], got %g", min_share);
    size_t n = g->n_rows * g->n_cols, m = 0;
    for (size_t i = 0; i < n; i++)
        m += g->data[i] >= min_share && exposure->data[i] > 0.0;
    senda_status st = senda_points_create(ctx, m, g->crs, out);
    if (st != SENDA_OK)
        return st;
    senda_points *p = *out;
    double km = g->cell_m / 1000.0;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (!(g->data[i] >= min_share && exposure->data[i] > 0.0))
            continue;
        p->x[k] = senda__grid_cx(g, i % g->n_cols);
        p->y[k] = senda__grid_cy(g, i / g->n_cols);
        p->weight[k] = g->data[i] * exposure->data[i] * km;
        p->id[k++] = (int64_t)i;
    }
    return SENDA_OK;
}
