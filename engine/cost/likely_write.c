/*
 * likely_write.c - the likely-route tables of a product, so that a map and
 * a report can be made from the GeoPackage alone:
 *   likely_corridors    one point per crossing (origin): its name, share of
 *                       migrants (and migrants when counts were given),
 *                       expected exposure per migrant before and after the
 *                       what-if and its change in %, expected incidents per
 *                       1,000 migrants before and after when computed;
 *   checkpoints_added   the checkpoints a what-if adds (--with-checkpoint and
 *                       the new place of --move-checkpoint), with the place
 *                       as the user named it;
 *   checkpoints_removed the layer's checkpoints a what-if leaves out
 *                       (--without-checkpoint and the old place of a move).
 * The overall exposure per migrant is the share-weighted sum of the rows
 * (senda_likely_routes' flow-weighted mean), so it is not stored twice.
 * Layers of these names are replaced; a checkpoint layer is not written
 * when its list is empty. O(origins + checkpoints).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <ogr_api.h>

#include "cost/cost_int.h"
#include "io/gpkg_int.h"

/* A new point layer with the fields, in a dataset being written. */
static senda_status point_layer(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                                const char *crs, const senda__field *f, size_t n_f,
                                OGRLayerH *out)
{
    senda_status st = senda__gpkg_layer(ctx, ds, name, wkbPoint, crs, out);
    if (st == SENDA_OK)
        st = senda__gpkg_fields(ctx, *out, name, f, n_f);
    return st;
}

/* Add feature f (consumed) at (x, y). */
static senda_status add_point(senda_ctx *ctx, OGRLayerH lyr, OGRFeatureH f, double x, double y,
                              const char *layer)
{
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x, y);
    OGR_F_SetGeometryDirectly(f, g);
    OGRErr e = OGR_L_CreateFeature(lyr, f);
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write a feature of layer '%s'", layer);
    return SENDA_OK;
}

static void set_num(OGRFeatureH f, int i, double v)
{
    if (isfinite(v))
        OGR_F_SetFieldDouble(f, i, v);
    else
        OGR_F_SetFieldNull(f, i);
}

static senda_status check_corridors(senda_ctx *ctx, const senda_likely_corridors *c)
{
    if (!c->origins || !c->names || !c->before)
        return senda__fail(ctx, SENDA_ERR_ARG, "origins, names or before is NULL");
    if (c->before->n_origins != c->origins->n ||
        (c->after && c->after->n_origins != c->origins->n))
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "%zu origins but the likely-route results have %zu and %zu",
                           c->origins->n, c->before->n_origins,
                           c->after ? c->after->n_origins : c->before->n_origins);
    return SENDA_OK;
}

static senda_status corridor_rows(senda_ctx *ctx, OGRLayerH lyr, const senda_likely_corridors *c)
{
    const senda_likely_result *b = c->before, *a = c->after;
    senda_status st = SENDA_OK;
    for (size_t k = 0; k < c->origins->n && st == SENDA_OK; k++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        double eb = b->origin_exposure[k], ea = a ? a->origin_exposure[k] : (double)NAN;
        OGR_F_SetFieldString(f, 0, c->names[k] ? c->names[k] : "");
        set_num(f, 1, b->origin_share[k]);
        set_num(f, 2, c->migrants ? c->migrants[k] : (double)NAN);
        set_num(f, 3, eb);
        set_num(f, 4, ea);
        set_num(f, 5, eb > 0.0 ? 100.0 * (ea - eb) / eb : (double)NAN);
        set_num(f, 6, c->incidents_per_1000_before ? c->incidents_per_1000_before[k]
                                                   : (double)NAN);
        set_num(f, 7, c->incidents_per_1000_after ? c->incidents_per_1000_after[k]
                                                  : (double)NAN);
        set_num(f, 8, b->origin_cost[k]);
        st = add_point(ctx, lyr, f, c->origins->x[k], c->origins->y[k], "likely_corridors");
    }
    return st;
}

senda_status senda_likely_corridors_write(senda_ctx *ctx, const char *gpkg_path,
                                          const senda_likely_corridors *c)
{
    senda__reset(ctx);
    if (!gpkg_path || !c)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path or corridors is NULL");
    senda_status st = check_corridors(ctx, c);
    if (st != SENDA_OK)
        return st;
    static const senda__field fields[] = {
        {"crossing", OFTString},
        {"share", OFTReal},
        {"migrants", OFTReal},
        {"exposure_per_migrant_before", OFTReal},
        {"exposure_per_migrant_after", OFTReal},
        {"exposure_change_pct", OFTReal},
        {"incidents_per_1000_before", OFTReal},
        {"incidents_per_1000_after", OFTReal},
        {"choice_cost_per_migrant", OFTReal}};
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    if ((st = senda__gpkg_open(ctx, gpkg_path, &ds)) == SENDA_OK &&
        (st = point_layer(ctx, ds, "likely_corridors", c->origins->crs, fields,
                          sizeof fields / sizeof fields[0], &lyr)) == SENDA_OK)
        st = corridor_rows(ctx, lyr, c);
    if (ds)
        GDALClose(ds);
    return st;
}

/* One checkpoint layer: n points, names[k] (NULL: fallback). */
static senda_status checkpoint_layer(senda_ctx *ctx, GDALDatasetH ds, const char *layer,
                                     const char *crs, const double *xy, const char *const *names,
                                     size_t n)
{
    static const senda__field fields[] = {{"name", OFTString}};
    OGRLayerH lyr = NULL;
    senda_status st = point_layer(ctx, ds, layer, crs, fields, 1, &lyr);
    for (size_t k = 0; k < n && st == SENDA_OK; k++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, names && names[k] ? names[k] : "");
        st = add_point(ctx, lyr, f, xy[2 * k], xy[2 * k + 1], layer);
    }
    return st;
}

/* The layer's checkpoints named in without[], as x y pairs in *xy. */
static senda_status removed_points(senda_ctx *ctx, const senda_layers *layers,
                                   const char *const *without, size_t n_without, double **xy)
{
    senda_points *p = NULL;
    senda_status st = senda_layers_points(ctx, layers, SENDA_LAYER_CHECKPOINTS, &p);
    if (st != SENDA_OK)
        return st;
    *xy = senda__calloc(ctx, 2 * n_without + 2, sizeof(double));
    for (size_t w = 0; *xy && w < n_without; w++) {
        size_t k = 0;
        while (k < p->n &&
               strcmp(senda_layers_attr(layers, SENDA_LAYER_CHECKPOINTS, k, "name"), without[w]))
            k++;
        if (k == p->n) {
            st = senda__fail(ctx, SENDA_ERR_ARG, "no checkpoint is named '%s'", without[w]);
            break;
        }
        (*xy)[2 * w] = p->x[k];
        (*xy)[2 * w + 1] = p->y[k];
    }
    if (!*xy)
        st = SENDA_ERR_NOMEM;
    senda_points_destroy(p);
    return st;
}

senda_status senda_cost_checkpoints_write(senda_ctx *ctx, const char *gpkg_path,
                                          const senda_layers *layers,
                                          const senda_cost_danger_opts *whatif,
                                          const char *const *with_names)
{
    senda__reset(ctx);
    if (!gpkg_path || !whatif)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path or whatif is NULL");
    if (whatif->n_without && !layers)
        return senda__fail(ctx, SENDA_ERR_ARG, "checkpoints left out but no layers given");
    if (!whatif->n_without && !whatif->n_with)
        return SENDA_OK;
    const char *crs = layers ? senda_layers_crs(layers) : NULL;
    if (!crs || !crs[0])
        return senda__fail(ctx, SENDA_ERR_ARG, "the checkpoints' CRS is unknown (no layers)");
    double *removed = NULL;
    GDALDatasetH ds = NULL;
    senda_status st = SENDA_OK;
    if (whatif->n_without)
        st = removed_points(ctx, layers, whatif->without_checkpoints, whatif->n_without,
                            &removed);
    if (st == SENDA_OK)
        st = senda__gpkg_open(ctx, gpkg_path, &ds);
    if (st == SENDA_OK && whatif->n_with)
        st = checkpoint_layer(ctx, ds, "checkpoints_added", crs, whatif->with_checkpoints_xy,
                              with_names, whatif->n_with);
    if (st == SENDA_OK && whatif->n_without)
        st = checkpoint_layer(ctx, ds, "checkpoints_removed", crs, removed,
                              (const char *const *)whatif->without_checkpoints,
                              whatif->n_without);
    if (ds)
        GDALClose(ds);
    senda__free(removed);
    return st;
}
