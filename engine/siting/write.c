/*
 * write.c - the siting result as GeoPackage layers: shelter_sites (ranked new
 * sites), coverage_areas (the service disc of every new site) and
 * demand_allocation (every demand point with the site it is allocated to).
 *
 * The file is written through a temporary copy beside it (the existing file,
 * if any, is copied first so other stages' layers are kept) and renamed into
 * place when every layer is complete; the three layers replace layers of the
 * same names. Coverage discs are OGR buffers of the site point with 16
 * segments per quarter circle: their area is 0.26 % below the true disc
 * (polygon of 64 sides inscribed in the circle), which is a drawing, not
 * the model: coverage itself is the exact distance test of cover.c.
 * With cost coverage (senda_siting_write_opts with a cost grid) the area of
 * a site is the union (GEOS cascaded union through OGR) of the squares of
 * the grid cells its bounded least-cost search reaches within max_cost -
 * exactly the cells whose demand it covers - and every allocated demand
 * point gets its accumulated cost from its site (one more search per open
 * site, costcover.c).
 * Complexity: O(n_sites + n_demand) features, one transaction per layer.
 * Nodata: NaN exposure or distance is written as a null field.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/gpkg_int.h"
#include "siting/siting_int.h"

static senda_status make_layer(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                               OGRwkbGeometryType type, const char *crs, const senda__field *fields,
                               size_t n_fields, OGRLayerH *out)
{
    senda_status st = senda__gpkg_layer(ctx, ds, name, type, crs, out);
    return st == SENDA_OK ? senda__gpkg_fields(ctx, *out, name, fields, n_fields) : st;
}

static void set_real(OGRFeatureH f, int k, double v)
{
    if (isfinite(v))
        OGR_F_SetFieldDouble(f, k, v);
    else
        OGR_F_SetFieldNull(f, k);
}

static senda_status add_feature(senda_ctx *ctx, OGRLayerH lyr, OGRFeatureH f, OGRGeometryH g)
{
    OGR_F_SetGeometryDirectly(f, g);
    senda_status st = SENDA_OK;
    if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write a feature of layer '%s'",
                              OGR_L_GetName(lyr));
    OGR_F_Destroy(f);
    return st;
}

static OGRGeometryH point(double x, double y)
{
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x, y);
    return g;
}

static const senda__field site_fields[] = {
    {"rank", OFTInteger},        {"candidate_id", OFTInteger64}, {"marginal_demand", OFTReal},
    {"cumulative_pct", OFTReal}, {"own_danger", OFTReal},        {"nearest_shelter_m", OFTReal},
    {"covered_by_site", OFTReal}};

/* Weight allocated to each open site (new sites by rank, then existing). */
static senda_status allocated_weight(senda_ctx *ctx, const senda_points *demand,
                                     const senda_siting_result *r, size_t n_open, double **out)
{
    *out = senda__calloc(ctx, n_open ? n_open : 1, sizeof **out);
    if (!*out)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < r->n_demand; i++)
        if (r->alloc[i] >= 0 && (size_t)r->alloc[i] < n_open)
            (*out)[r->alloc[i]] += demand->weight[i];
    return SENDA_OK;
}

/* The squares of the cells a search settles, gathered into a multipolygon. */
typedef struct area_arg {
    const senda__costsearch *s;
    OGRGeometryH mp;
} area_arg;

static void area_cell(size_t cell, double cost, void *arg)
{
    (void)cost;
    area_arg *a = arg;
    const senda__costsearch *s = a->s;
    double x0 = s->x_min + (double)(cell % s->n_cols) * s->cell_m, x1 = x0 + s->cell_m;
    double y1 = s->y_max - (double)(cell / s->n_cols) * s->cell_m, y0 = y1 - s->cell_m;
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing),
                 poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddPoint_2D(ring, x0, y0);
    OGR_G_AddPoint_2D(ring, x1, y0);
    OGR_G_AddPoint_2D(ring, x1, y1);
    OGR_G_AddPoint_2D(ring, x0, y1);
    OGR_G_AddPoint_2D(ring, x0, y0);
    OGR_G_AddGeometryDirectly(poly, ring);
    OGR_G_AddGeometryDirectly(a->mp, poly);
}

static void no_demand(uint32_t i, double cost, void *arg)
{
    (void)i;
    (void)cost;
    (void)arg;
}

/* The area a site at (x, y) reaches within the budget, as a multipolygon
 * (empty when the site is off the grid or on nodata). */
static senda_status reach_area(senda_ctx *ctx, senda__costsearch *s, double x, double y,
                               OGRGeometryH *out)
{
    area_arg a = {s, OGR_G_CreateGeometry(wkbMultiPolygon)};
    s->on_cell = area_cell;
    s->cell_arg = &a;
    int rc = senda__costsearch_run(s, x, y, no_demand, NULL);
    s->on_cell = NULL;
    *out = NULL;
    if (rc >= 0)
        *out = OGR_G_ForceToMultiPolygon(OGR_G_GetGeometryCount(a.mp) > 0
                                             ? OGR_G_UnionCascaded(a.mp)
                                             : OGR_G_CreateGeometry(wkbMultiPolygon));
    OGR_G_DestroyGeometry(a.mp);
    if (rc < 0)
        return SENDA_ERR_NOMEM;
    if (!*out)
        return senda__fail_gdal(ctx, SENDA_ERR_GEOM, "cannot merge the cells of a coverage area");
    return SENDA_OK;
}

/* Coverage area of candidate j: the radius disc, or the cells reached
 * within the cost budget (cs not NULL). */
static senda_status site_area(senda_ctx *ctx, const senda_points *cand, size_t j,
                              senda__costsearch *cs, double radius_m, OGRGeometryH *out)
{
    if (cs)
        return reach_area(ctx, cs, cand->x[j], cand->y[j], out);
    OGRGeometryH c = point(cand->x[j], cand->y[j]);
    *out = OGR_G_Buffer(c, radius_m, 16);
    OGR_G_DestroyGeometry(c);
    return SENDA_OK;
}

static senda_status write_sites(senda_ctx *ctx, GDALDatasetH ds, const char *crs,
                                const senda_points *cand, const senda_siting_result *r,
                                const double *alloc_w, double radius_m, senda__costsearch *cs)
{
    OGRLayerH sites = NULL, areas = NULL;
    static const senda__field area_fields[] = {{"rank", OFTInteger},
                                             {"candidate_id", OFTInteger64},
                                             {"radius_m", OFTReal},
                                             {"covered_by_site", OFTReal},
                                             {"max_cost", OFTReal}};
    senda_status st = make_layer(ctx, ds, "shelter_sites", wkbPoint, crs, site_fields, 7, &sites);
    if (st == SENDA_OK)
        st = make_layer(ctx, ds, "coverage_areas", cs ? wkbMultiPolygon : wkbPolygon, crs,
                        area_fields, 5, &areas);
    for (size_t k = 0; st == SENDA_OK && k < r->n_sites; k++) {
        size_t j = r->site[k];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(sites));
        OGR_F_SetFieldInteger(f, 0, (int)k + 1);
        OGR_F_SetFieldInteger64(f, 1, cand->id[j]);
        set_real(f, 2, r->marginal[k]);
        set_real(f, 3, r->cumulative_pct[k]);
        set_real(f, 4, r->exposure[k]);
        set_real(f, 5, r->nearest_existing_m[k]);
        set_real(f, 6, alloc_w[k]);
        if ((st = add_feature(ctx, sites, f, point(cand->x[j], cand->y[j]))) != SENDA_OK)
            break;
        OGRGeometryH area = NULL;
        if ((st = site_area(ctx, cand, j, cs, radius_m, &area)) != SENDA_OK)
            break;
        f = OGR_F_Create(OGR_L_GetLayerDefn(areas));
        OGR_F_SetFieldInteger(f, 0, (int)k + 1);
        OGR_F_SetFieldInteger64(f, 1, cand->id[j]);
        set_real(f, 2, cs ? (double)NAN : radius_m);
        set_real(f, 3, alloc_w[k]);
        set_real(f, 4, cs ? cs->max_cost : (double)NAN);
        st = add_feature(ctx, areas, f, area);
    }
    return st;
}

static senda_status write_alloc(senda_ctx *ctx, GDALDatasetH ds, const char *crs,
                                const senda_points *demand, const senda_points *cand,
                                const senda_points *existing, const senda_siting_result *r,
                                const double *alloc_cost, senda_progress_fn progress, void *arg)
{
    static const senda__field fields[] = {{"demand_id", OFTInteger64},
                                        {"weight", OFTReal},
                                        {"site_kind", OFTString},
                                        {"site_rank", OFTInteger},
                                        {"site_id", OFTInteger64},
                                        {"distance_m", OFTReal},
                                        {"cost", OFTReal}};
    OGRLayerH lyr = NULL;
    senda_status st = make_layer(ctx, ds, "demand_allocation", wkbPoint, crs, fields, 7, &lyr);
    if (st != SENDA_OK)
        return st;
    GDALDatasetStartTransaction(ds, FALSE);
    for (size_t i = 0; st == SENDA_OK && i < demand->n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldInteger64(f, 0, demand->id[i]);
        OGR_F_SetFieldDouble(f, 1, demand->weight[i]);
        long a = r->alloc[i];
        double sx = (double)NAN, sy = (double)NAN;
        if (a >= 0 && (size_t)a < r->n_sites) {
            OGR_F_SetFieldString(f, 2, "new");
            OGR_F_SetFieldInteger(f, 3, (int)a + 1);
            OGR_F_SetFieldInteger64(f, 4, cand->id[r->site[a]]);
            sx = cand->x[r->site[a]];
            sy = cand->y[r->site[a]];
        } else if (a >= 0) {
            size_t e = (size_t)a - r->n_sites;
            OGR_F_SetFieldString(f, 2, "existing");
            OGR_F_SetFieldInteger64(f, 4, existing->id[e]);
            sx = existing->x[e];
            sy = existing->y[e];
        } else {
            OGR_F_SetFieldString(f, 2, "none");
        }
        set_real(f, 5, hypot(demand->x[i] - sx, demand->y[i] - sy));
        set_real(f, 6, alloc_cost ? alloc_cost[i] : (double)NAN);
        st = add_feature(ctx, lyr, f, point(demand->x[i], demand->y[i]));
        if (st == SENDA_OK && (i & 8191) == 8191 &&
            !senda__progress(ctx, progress, arg, (double)i / (double)demand->n, "allocation"))
            st = SENDA_ERR_CANCELLED;
    }
    if (st == SENDA_OK && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot commit layer 'demand_allocation'");
    else if (st != SENDA_OK)
        GDALDatasetRollbackTransaction(ds);
    return st;
}

/* The accumulated cost of every demand point from the open site it is
 * allocated to: one search per open site (new by rank, then existing). */
typedef struct acost_arg {
    const long *alloc;
    long k;
    double *cost;
} acost_arg;

static void acost_visit(uint32_t i, double cost, void *arg)
{
    acost_arg *a = arg;
    if (a->alloc[i] == a->k)
        a->cost[i] = cost;
}

static senda_status alloc_costs(senda_ctx *ctx, senda__costsearch *cs, const senda_points *cand,
                                const senda_points *existing, const senda_siting_result *r,
                                double **out)
{
    *out = senda__calloc(ctx, r->n_demand ? r->n_demand : 1, sizeof **out);
    if (!*out)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < r->n_demand; i++)
        (*out)[i] = (double)NAN;
    acost_arg a = {r->alloc, 0, *out};
    int rc = 0;
    for (size_t k = 0; rc >= 0 && k < r->n_sites; k++, a.k++)
        rc = senda__costsearch_run(cs, cand->x[r->site[k]], cand->y[r->site[k]], acost_visit, &a);
    for (size_t k = 0; rc >= 0 && existing && k < existing->n; k++, a.k++)
        rc = senda__costsearch_run(cs, existing->x[k], existing->y[k], acost_visit, &a);
    return rc < 0 ? SENDA_ERR_NOMEM : SENDA_OK;
}

senda_status senda_siting_write(senda_ctx *ctx, const char *gpkg_path, const char *crs,
                                const senda_points *demand, const senda_points *candidates,
                                const senda_points *existing, const senda_siting_result *result,
                                double radius_m, senda_progress_fn progress, void *progress_arg)
{
    senda_siting_opts o;
    senda_siting_opts_init(&o);
    o.radius_m = radius_m;
    return senda_siting_write_opts(ctx, gpkg_path, crs, demand, candidates, existing, result, &o,
                                   progress, progress_arg);
}

senda_status senda_siting_write_opts(senda_ctx *ctx, const char *gpkg_path, const char *crs,
                                     const senda_points *demand, const senda_points *candidates,
                                     const senda_points *existing,
                                     const senda_siting_result *result,
                                     const senda_siting_opts *opts, senda_progress_fn progress,
                                     void *progress_arg)
{
    senda__reset(ctx);
    if (!gpkg_path || !demand || !candidates || !result || !opts)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "gpkg_path, demand, candidates, result or opts is "
                           "NULL");
    if (opts->cost_grid && !(opts->max_cost > 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "cost budget max_cost must be > 0, got %g",
                           opts->max_cost);
    if (result->n_demand != demand->n)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "the result has %zu demand points, the demand "
                           "%zu: not the same input",
                           result->n_demand, demand->n);
    if (!crs)
        crs = demand->crs; /* a full WKT longer than senda_points.crs is cut: then name it */
    senda__gdal_register();
    char tmp[4096];
    senda__tmp_path(gpkg_path, tmp, sizeof tmp);
    VSIStatBufL sb;
    if (VSIStatL(gpkg_path, &sb) == 0 && CPLCopyFile(tmp, gpkg_path) != 0)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot copy to '%s'", gpkg_path, tmp);
    GDALDatasetH ds = NULL;
    double *alloc_w = NULL, *alloc_cost = NULL;
    senda__costsearch cs, *csp = NULL;
    memset(&cs, 0, sizeof cs);
    size_t n_open = result->n_sites + (existing ? existing->n : 0);
    senda_status st = senda__progress(ctx, progress, progress_arg, 0.0, "siting layers")
                          ? SENDA_OK
                          : SENDA_ERR_CANCELLED;
    if (st == SENDA_OK)
        st = allocated_weight(ctx, demand, result, n_open, &alloc_w);
    if (st == SENDA_OK && opts->cost_grid) {
        st =
            senda__costsearch_init(ctx, opts->cost_grid, opts->max_cost, opts->unit_m, demand, &cs);
        csp = &cs;
        if (st == SENDA_OK)
            st = alloc_costs(ctx, csp, candidates, existing, result, &alloc_cost);
    }
    if (st == SENDA_OK)
        st = senda__gpkg_open(ctx, tmp, &ds);
    if (st == SENDA_OK)
        st = write_sites(ctx, ds, crs, candidates, result, alloc_w, opts->radius_m, csp);
    senda__progress_sub_t sub = senda__progress_sub(progress, progress_arg, 0.05, 1.0);
    if (st == SENDA_OK)
        st = write_alloc(ctx, ds, crs, demand, candidates, existing, result, alloc_cost,
                         progress ? senda__progress_sub_fn : NULL, &sub);
    st = senda__gdal_close(ctx, ds, tmp, st);
    senda__free(alloc_w);
    senda__free(alloc_cost);
    senda__costsearch_free(&cs);
    if (st == SENDA_OK)
        st = senda__commit_file(ctx, tmp, gpkg_path);
    else
        VSIUnlink(tmp);
    if (st == SENDA_OK && progress)
        progress(1.0, "siting layers", progress_arg); /* complete: a late cancel changes nothing */
    return st;
}

senda_status senda_siting_demand_write(senda_ctx *ctx, const char *gpkg_path, const char *layer,
                                       const senda_points *demand)
{
    senda__reset(ctx);
    if (!gpkg_path || !layer || !demand)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path, layer or demand is NULL");
    static const senda__field fields[] = {{"cell", OFTInteger64}, {"weight", OFTReal}};
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    senda_status st = senda__gpkg_open(ctx, gpkg_path, &ds);
    if (st == SENDA_OK)
        st = make_layer(ctx, ds, layer, wkbPoint, demand->crs, fields, 2, &lyr);
    if (st == SENDA_OK && OGR_L_StartTransaction(lyr) != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot start writing layer '%s'", gpkg_path,
                              layer);
    for (size_t i = 0; st == SENDA_OK && i < demand->n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldInteger64(f, 0, demand->id[i]);
        set_real(f, 1, demand->weight[i]);
        st = add_feature(ctx, lyr, f, point(demand->x[i], demand->y[i]));
    }
    if (st == SENDA_OK && OGR_L_CommitTransaction(lyr) != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write layer '%s'", gpkg_path, layer);
    if (ds)
        GDALClose(ds);
    return st;
}
