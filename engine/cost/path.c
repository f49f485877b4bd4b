/*
 * path.c - least-cost paths: tracing back along a movement-direction grid
 * and writing paths as LineStringM features.
 *
 * Reference: GRASS r.path (raster/r.path/main.c, manual r.path.html) on an
 * r.cost outdir raster: from the start cell, step to the neighbour the
 * cell's direction names (degrees counter-clockwise from east, 45-degree
 * steps or 22.5-degree knight's moves) until a cell whose direction is null
 * or <= 0 (a source). The path is returned source first, its vertices the
 * cell centres (r.path's vector output also joins cell centres), each with
 * M = the accumulated cost there and the distance along the path.
 *
 * Complexity: O(L) for a path of L cells; a walk longer than the number of
 * cells is a loop and fails. Memory: 7 arrays of L values. Differences from
 * r.path: one start point per call; no raster path output (the caller has
 * the cell list); a direction value that is no r.cost direction fails
 * instead of being rounded.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>

#include "cost/cost_int.h"
#include "io/gpkg_int.h"
#include "grid/grid_int.h"

senda_status senda__cost_trace(senda_ctx *ctx, const double *dir_deg, size_t n_rows,
                               size_t n_cols, size_t start, size_t **cells_out, size_t *n_out)
{
    size_t cap = 256, n = 0, total = n_rows * n_cols, i = start;
    size_t *cells = senda__malloc(ctx, cap * sizeof *cells);
    *cells_out = NULL;
    *n_out = 0;
    if (!cells)
        return SENDA_ERR_NOMEM;
    for (;;) {
        if (n == cap) {
            size_t *c = senda__realloc(ctx, cells, 2 * cap * sizeof *c);
            if (!c) {
                senda__free(cells);
                return SENDA_ERR_NOMEM;
            }
            cells = c;
            cap *= 2;
        }
        cells[n++] = i;
        double d = dir_deg[i];
        if (isnan(d) || d <= 0.0)
            break;
        int k = senda__cost_code_of_deg(d);
        long r = (long)(i / n_cols), c = (long)(i % n_cols);
        if (k == 0 || n > total) {
            senda__free(cells);
            if (k == 0)
                return senda__fail(ctx, SENDA_ERR_DATA,
                                   "direction %g at row %ld, col %ld is no r.cost direction", d,
                                   r, c);
            return senda__fail(ctx, SENDA_ERR_DATA, "direction grid loops at row %ld, col %ld",
                               r, c);
        }
        /* The direction points back along move k: step by minus its offset. */
        r -= senda__cost_drow[k];
        c -= senda__cost_dcol[k];
        if (r < 0 || c < 0 || (size_t)r >= n_rows || (size_t)c >= n_cols) {
            senda__free(cells);
            return senda__fail(ctx, SENDA_ERR_DATA, "direction %g leads off the grid", d);
        }
        i = (size_t)r * n_cols + (size_t)c;
    }
    *cells_out = cells;
    *n_out = n;
    return SENDA_OK;
}

void senda_cost_path_destroy(senda_cost_path *p)
{
    if (!p)
        return;
    senda__free(p->x);
    senda__free(p->y);
    senda__free(p->m);
    senda__free(p->dist_m);
    senda__free(p->value);
    senda__free(p->cell);
    senda__free(p);
}

/* A path of n vertices over the cells listed destination first. */
static senda_status path_from_cells(senda_ctx *ctx, const senda_grid *accum, const size_t *cells,
                                    size_t n, senda_cost_path **out)
{
    senda_cost_path *p = senda__calloc(ctx, 1, sizeof *p);
    if (!p)
        return SENDA_ERR_NOMEM;
    p->n = n;
    p->x = senda__calloc(ctx, n, sizeof(double));
    p->y = p->x ? senda__calloc(ctx, n, sizeof(double)) : NULL;
    p->m = p->y ? senda__calloc(ctx, n, sizeof(double)) : NULL;
    p->dist_m = p->m ? senda__calloc(ctx, n, sizeof(double)) : NULL;
    p->value = p->dist_m ? senda__calloc(ctx, n, sizeof(double)) : NULL;
    p->cell = p->value ? senda__calloc(ctx, n, sizeof(size_t)) : NULL;
    if (!p->cell) {
        senda_cost_path_destroy(p);
        return SENDA_ERR_NOMEM;
    }
    for (size_t v = 0; v < n; v++) {
        size_t i = cells[n - 1 - v], row = i / accum->n_cols, col = i % accum->n_cols;
        p->cell[v] = i;
        p->x[v] = senda__grid_cx(accum, col);
        p->y[v] = senda__grid_cy(accum, row);
        p->m[v] = accum->data[i];
        p->value[v] = (double)NAN;
        p->dist_m[v] = v == 0 ? 0.0
                              : p->dist_m[v - 1] + hypot(p->x[v] - p->x[v - 1],
                                                         p->y[v] - p->y[v - 1]);
    }
    p->length_m = p->dist_m[n - 1];
    p->cost = p->m[n - 1];
    *out = p;
    return SENDA_OK;
}

senda_status senda_cost_path_trace(senda_ctx *ctx, const senda_grid *accum,
                                   const senda_grid *direction, double x, double y,
                                   const char *name, senda_cost_path **out)
{
    senda__reset(ctx);
    if (!accum || !direction || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "accum, direction or out is NULL");
    *out = NULL;
    if (accum->n_rows != direction->n_rows || accum->n_cols != direction->n_cols)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "accum (%zu x %zu) and direction (%zu x %zu) differ in shape",
                           accum->n_rows, accum->n_cols, direction->n_rows, direction->n_cols);
    double fc = floor((x - accum->x_min) / accum->cell_m);
    double fr = floor((accum->y_max - y) / accum->cell_m);
    if (!(fc >= 0.0 && fr >= 0.0 && fc < (double)accum->n_cols && fr < (double)accum->n_rows))
        return senda__fail(ctx, SENDA_ERR_DATA, "destination (%.3f, %.3f) is outside the grid",
                           x, y);
    size_t start = (size_t)fr * accum->n_cols + (size_t)fc;
    if (isnan(accum->data[start]))
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "destination (%.3f, %.3f) is not reached from any source", x, y);
    size_t *cells = NULL, n = 0;
    senda_status st = senda__cost_trace(ctx, direction->data, accum->n_rows, accum->n_cols,
                                        start, &cells, &n);
    if (st != SENDA_OK)
        return st;
    st = path_from_cells(ctx, accum, cells, n, out);
    senda__free(cells);
    if (st == SENDA_OK) {
        if (name)
            senda__strlcpy((*out)->name, name, sizeof (*out)->name);
        else
            snprintf((*out)->name, sizeof (*out)->name, "%.3f,%.3f", x, y);
    }
    return st;
}

static senda_status write_path(senda_ctx *ctx, OGRLayerH lyr, const senda_cost_path *p)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLineStringM);
    for (size_t v = 0; v < p->n; v++)
        OGR_G_AddPointM(g, p->x[v], p->y[v], p->m[v]);
    if (p->n == 1) /* a destination on a source: a degenerate two-vertex line */
        OGR_G_AddPointM(g, p->x[0], p->y[0], p->m[0]);
    OGR_F_SetGeometryDirectly(f, g);
    OGR_F_SetFieldString(f, 0, p->name);
    OGR_F_SetFieldInteger(f, 1, p->alternative);
    OGR_F_SetFieldDouble(f, 2, p->cost);
    OGR_F_SetFieldDouble(f, 3, p->length_m / 1000.0);
    OGR_F_SetFieldInteger64(f, 4, (GIntBig)p->n);
    OGR_F_SetFieldDouble(f, 5, p->extra_cost_pct);
    OGR_F_SetFieldDouble(f, 6, p->extra_length_pct);
    OGR_F_SetFieldDouble(f, 7, p->cost);
    OGR_F_SetFieldInteger(f, 8, p->alternative + 1);
    OGRErr e = OGR_L_CreateFeature(lyr, f);
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write path '%s'", p->name);
    return SENDA_OK;
}


static const senda__field line_fields[9], profile_fields[9];
static senda_status line_row(senda_ctx *ctx, OGRLayerH lyr, size_t k, const senda_cost_path *p);
static senda_status write_profile_rows(senda_ctx *ctx, OGRLayerH lyr, size_t k,
                                       const senda_cost_path *p);
static senda_status write_table(senda_ctx *ctx, const char *gpkg_path, const char *layer,
                                OGRwkbGeometryType type, const char *crs,
                                const senda__field *fields, size_t n_fields,
                                senda_cost_path *const *paths, size_t n_paths,
                                senda_status (*row)(senda_ctx *, OGRLayerH, size_t,
                                                    const senda_cost_path *));

void senda_cost_paths_write_opts_init(senda_cost_paths_write_opts *o)
{
    if (!o)
        return;
    o->layer = "paths";
    o->profile_layer = NULL;
}


senda_status senda_cost_paths_write(senda_ctx *ctx, const char *gpkg_path, const char *crs,
                                    senda_cost_path *const *paths, size_t n_paths,
                                    const senda_cost_paths_write_opts *o)
{
    senda__reset(ctx);
    senda_cost_paths_write_opts dflt;
    senda_cost_paths_write_opts_init(&dflt);
    if (!o)
        o = &dflt;
    if (!gpkg_path || !o->layer || (!paths && n_paths))
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path, layer or paths is NULL");
    senda_status st = write_table(ctx, gpkg_path, o->layer, wkbLineStringM, crs, line_fields,
                                  sizeof line_fields / sizeof *line_fields, paths, n_paths,
                                  line_row);
    if (st == SENDA_OK && o->profile_layer)
        st = write_table(ctx, gpkg_path, o->profile_layer, wkbNone, NULL, profile_fields,
                         sizeof profile_fields / sizeof *profile_fields, paths, n_paths,
                         write_profile_rows);
    return st;
}

/* Writes the rows of path k into lyr. */
typedef senda_status (*row_fn)(senda_ctx *ctx, OGRLayerH lyr, size_t k, const senda_cost_path *p);

static senda_status line_row(senda_ctx *ctx, OGRLayerH lyr, size_t k, const senda_cost_path *p)
{
    (void)k;
    return write_path(ctx, lyr, p);
}

/* One table (replaced) of the fields, a row_fn call per path, in one transaction. */
static senda_status write_table(senda_ctx *ctx, const char *gpkg_path, const char *layer,
                                OGRwkbGeometryType type, const char *crs,
                                const senda__field *fields, size_t n_fields,
                                senda_cost_path *const *paths, size_t n_paths, row_fn row)
{
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    senda_status st = senda__gpkg_open(ctx, gpkg_path, &ds);
    if (st != SENDA_OK)
        return st;
    if ((st = senda__gpkg_layer(ctx, ds, layer, type, crs, &lyr)) != SENDA_OK ||
        (st = senda__gpkg_fields(ctx, lyr, layer, fields, n_fields)) != SENDA_OK)
        goto done;
    GDALDatasetStartTransaction(ds, 0);
    for (size_t i = 0; i < n_paths && st == SENDA_OK; i++)
        st = row(ctx, lyr, i, paths[i]);
    if (st == SENDA_OK && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot save %s", gpkg_path, layer);
    else if (st != SENDA_OK)
        GDALDatasetRollbackTransaction(ds);
done:
    return senda__gdal_close(ctx, ds, gpkg_path, st);
}

    static const senda__field line_fields[] = {{"name", OFTString},          {"alternative", OFTInteger},
                  {"cost", OFTReal},            {"length_km", OFTReal},
                  {"n_cells", OFTInteger64},    {"extra_cost_pct", OFTReal},
                  {"extra_length_pct", OFTReal}, {"total_danger", OFTReal},
                  {"rank", OFTInteger}};

    static const senda__field profile_fields[] = {{"path", OFTInteger64},    {"name", OFTString},     {"alternative", OFTInteger},
                  {"vertex", OFTInteger64},  {"x", OFTReal},          {"y", OFTReal},
                  {"distance_km", OFTReal},  {"danger_per_km", OFTReal},
                  {"accumulated", OFTReal}};

/* One profile row per vertex of path k. */
static senda_status write_profile_rows(senda_ctx *ctx, OGRLayerH lyr, size_t k,
                                       const senda_cost_path *p)
{
    for (size_t v = 0; v < p->n; v++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldInteger64(f, 0, (GIntBig)k + 1);
        OGR_F_SetFieldString(f, 1, p->name);
        OGR_F_SetFieldInteger(f, 2, p->alternative);
        OGR_F_SetFieldInteger64(f, 3, (GIntBig)v);
        OGR_F_SetFieldDouble(f, 4, p->x[v]);
        OGR_F_SetFieldDouble(f, 5, p->y[v]);
        OGR_F_SetFieldDouble(f, 6, p->dist_m[v] / 1000.0);
        if (isnan(p->value[v]))
            OGR_F_SetFieldNull(f, 7);
        else
            OGR_F_SetFieldDouble(f, 7, p->value[v]);
        OGR_F_SetFieldDouble(f, 8, p->m[v]);
        OGRErr e = OGR_L_CreateFeature(lyr, f);
        OGR_F_Destroy(f);
        if (e != OGRERR_NONE)
            return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write the profile of '%s'",
                                    p->name);
    }
    return SENDA_OK;
}

