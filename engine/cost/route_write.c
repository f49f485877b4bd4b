/*
 * route_write.c - the route-scoring result as GeoPackage layers:
 * route_segments (one LineString per window: the part of the line between
 * its two chainages, cut by linear interpolation along the line; with
 * likely_share and likely_exposure_per_km when route_likely.c filled them) and routes
 * (one LineString per line with its totals). Written in one transaction per
 * layer into the file given (created when absent; layers of these names are
 * replaced). O(windows x vertices per window).
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <string.h>

#include "cost/cost_int.h"
#include "io/gpkg_int.h"

/* The part of line l between chainages a and b. */
static OGRGeometryH substring(const senda_cost_route_line *l, double a, double b)
{
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
    size_t v = 0;
    while (v + 1 < l->n_vertices && l->chain_m[v + 1] <= a)
        v++;
    for (int end = 0; end < 2; end++) {
        double c = end ? b : a;
        size_t s = v;
        while (s + 1 < l->n_vertices && l->chain_m[s + 1] < c)
            s++;
        if (s + 1 >= l->n_vertices)
            s = l->n_vertices - 2;
        double len = l->chain_m[s + 1] - l->chain_m[s];
        double t = len > 0.0 ? fmin(1.0, fmax(0.0, (c - l->chain_m[s]) / len)) : 0.0;
        if (end)
            for (size_t k = v + 1; k <= s; k++)
                OGR_G_AddPoint_2D(g, l->x[k], l->y[k]);
        OGR_G_AddPoint_2D(g, l->x[s] + t * (l->x[s + 1] - l->x[s]),
                          l->y[s] + t * (l->y[s + 1] - l->y[s]));
        v = s;
    }
    return g;
}

static void set_real(OGRFeatureH f, int i, double v)
{
    if (isnan(v))
        OGR_F_SetFieldNull(f, i);
    else
        OGR_F_SetFieldDouble(f, i, v);
}

/* Creates layer `name` (line geometries in r's CRS) with fields and starts
 * the transaction its rows are written in. */
static senda_status begin_layer(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                                const senda_cost_route_result *r, const senda__field *fields,
                                size_t n_fields, OGRLayerH *lyr)
{
    senda_status st = senda__gpkg_layer(ctx, ds, name, wkbLineString, r->crs, lyr);
    if (st == SENDA_OK)
        st = senda__gpkg_fields(ctx, *lyr, name, fields, n_fields);
    if (st == SENDA_OK)
        GDALDatasetStartTransaction(ds, 0);
    return st;
}

/* Commits the rows of layer `name` when st is SENDA_OK, else rolls them back. */
static senda_status end_layer(senda_ctx *ctx, GDALDatasetH ds, const char *name, senda_status st)
{
    if (st == SENDA_OK && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot commit '%s'", name);
    else if (st != SENDA_OK)
        GDALDatasetRollbackTransaction(ds);
    return st;
}

static senda_status write_segments(senda_ctx *ctx, GDALDatasetH ds, const senda_cost_route_result *r,
                                   senda_progress_fn pf, void *pa)
{
    static const senda__field fields[] = {{"line", OFTString},         {"chainage_km_from", OFTReal},
                                   {"chainage_km_to", OFTReal}, {"danger_per_km", OFTReal},
                                   {"incidents", OFTInteger},   {"weight", OFTReal},
                                   {"mean_danger", OFTReal},    {"rank", OFTInteger},
                                   {"likely_share", OFTReal},   {"likely_exposure_per_km", OFTReal}};
    OGRLayerH lyr = NULL;
    /* the likely-route fields only when computed */
    senda_status st = begin_layer(ctx, ds, "route_segments", r, fields,
                                  sizeof fields / sizeof fields[0] - (r->has_likely ? 0 : 2),
                                  &lyr);
    if (st != SENDA_OK)
        return st;
    for (size_t i = 0; i < r->n_windows && st == SENDA_OK; i++) {
        if ((i & 1023) == 0 &&
            !senda__progress(ctx, pf, pa, 0.9 * (double)i / (double)r->n_windows, NULL)) {
            st = SENDA_ERR_CANCELLED;
            break;
        }
        const senda_cost_route_window *w = &r->windows[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetGeometryDirectly(f, substring(&r->lines[w->line], w->from_m, w->to_m));
        OGR_F_SetFieldString(f, 0, r->lines[w->line].name);
        OGR_F_SetFieldDouble(f, 1, w->from_m / 1000.0);
        OGR_F_SetFieldDouble(f, 2, w->to_m / 1000.0);
        OGR_F_SetFieldDouble(f, 3, w->danger_per_km);
        OGR_F_SetFieldInteger(f, 4, (int)w->incidents);
        OGR_F_SetFieldDouble(f, 5, w->weight);
        set_real(f, 6, w->mean_danger);
        OGR_F_SetFieldInteger(f, 7, (int)w->rank);
        if (r->has_likely) {
            set_real(f, 8, w->likely_share);
            set_real(f, 9, w->likely_exposure_per_km);
        }
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write window %zu of '%s'", i,
                                  r->lines[w->line].name);
        OGR_F_Destroy(f);
    }
    return end_layer(ctx, ds, "route_segments", st);
}

static senda_status write_routes(senda_ctx *ctx, GDALDatasetH ds, const senda_cost_route_result *r)
{
    static const senda__field fields[] = {{"name", OFTString},        {"length_km", OFTReal},
                                   {"incidents", OFTInteger},  {"weight", OFTReal},
                                   {"danger_per_km", OFTReal}, {"mean_danger", OFTReal},
                                   {"total_danger", OFTReal},  {"max_window_danger_per_km", OFTReal}};
    OGRLayerH lyr = NULL;
    senda_status st =
        begin_layer(ctx, ds, "routes", r, fields, sizeof fields / sizeof fields[0], &lyr);
    if (st != SENDA_OK)
        return st;
    for (size_t i = 0; i < r->n_lines && st == SENDA_OK; i++) {
        const senda_cost_route_line *l = &r->lines[i];
        double km = l->length_m / 1000.0, peak = 0.0;
        for (size_t k = 0; k < l->n_windows; k++)
            peak = fmax(peak, r->windows[l->first_window + k].danger_per_km);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetGeometryDirectly(f, substring(l, 0.0, l->length_m));
        OGR_F_SetFieldString(f, 0, l->name);
        OGR_F_SetFieldDouble(f, 1, km);
        OGR_F_SetFieldInteger(f, 2, (int)l->incidents);
        OGR_F_SetFieldDouble(f, 3, l->weight);
        OGR_F_SetFieldDouble(f, 4, km > 0.0 ? l->weight / km : 0.0);
        set_real(f, 5, l->mean_danger);
        set_real(f, 6, l->total_danger);
        OGR_F_SetFieldDouble(f, 7, peak);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write route '%s'", l->name);
        OGR_F_Destroy(f);
    }
    return end_layer(ctx, ds, "routes", st);
}

senda_status senda_cost_route_write(senda_ctx *ctx, const char *gpkg_path,
                               const senda_cost_route_result *result, senda_progress_fn progress,
                               void *progress_arg)
{
    senda__reset(ctx);
    if (!gpkg_path || !result)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path or result is NULL");
    GDALDatasetH ds = NULL;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "writing route segments"))
        return SENDA_ERR_CANCELLED;
    senda_status st = senda__gpkg_open(ctx, gpkg_path, &ds);
    if (st != SENDA_OK)
        return st;
    st = write_segments(ctx, ds, result, progress, progress_arg);
    if (st == SENDA_OK)
        st = write_routes(ctx, ds, result);
    st = senda__gdal_close(ctx, ds, gpkg_path, st);
    if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
    return st;
}
