/*
 * place_find.c - the one place-name resolver of senda, used by incident import
 * (rows that give only a place) and by route / danger / run (--from, --to,
 * --with-checkpoint, the rail's stations), so a name resolves, or fails, the
 * same way everywhere.
 *
 * Order: the corridor layers' own names when layers are given - compared
 * accent- and case-folded (senda__fold), with and without a trailing "(...)"
 * qualifier ("Ixtepec (Oax.)" -> "ixtepec") and without a leading "ciudad "
 * on either side - against crossings.mx_town, shelters.town, crossings.name,
 * shelters.name and checkpoints.name, first match in that order (towns repeat
 * across features at the same town point); then the bundled GeoNames
 * gazetteer (io/gazetteer.c: alternate names, generic prefixes left out,
 * "Name, State" qualifiers, ambiguity reported with the candidates, "did you
 * mean" suggestions). A layer hit is given back in WGS 84 (PROJ, from the
 * layers' CRS). O(features) per lookup plus the gazetteer's O(log keys).
 */
#include <stdio.h>
#include <string.h>

#include <ogr_srs_api.h>

#include "io/gazetteer_int.h"
#include "io/io_int.h"

/* Folded text without a leading "ciudad ". */
static const char *core(const char *folded)
{
    return strncmp(folded, "ciudad ", 7) == 0 ? folded + 7 : folded;
}

/* The layers' own names: the feature's layer and index, or -1. */
static long layer_match(const senda_layers *layers, const char *text, const char **layer)
{
    static const char *where[5][2] = {{SENDA_LAYER_CROSSINGS, "mx_town"},
                                      {SENDA_LAYER_SHELTERS, "town"},
                                      {SENDA_LAYER_CROSSINGS, "name"},
                                      {SENDA_LAYER_SHELTERS, "name"},
                                      {SENDA_LAYER_CHECKPOINTS, "name"}};
    char q[256], q2[256], f[256];
    senda__fold(text, q, sizeof q);
    snprintf(q2, sizeof q2, "%s", text);
    char *paren = strchr(q2, '(');
    if (paren)
        *paren = '\0';
    senda__fold(q2, q2, sizeof q2);
    if (!q[0])
        return -1;
    for (int w = 0; w < 5; w++) {
        size_t n = senda_layers_n_features(layers, where[w][0]);
        for (size_t i = 0; i < n; i++) {
            senda__fold(senda_layers_attr(layers, where[w][0], i, where[w][1]), f, sizeof f);
            if (f[0] && (strcmp(core(f), core(q)) == 0 || strcmp(core(f), core(q2)) == 0)) {
                *layer = where[w][0];
                return (long)i;
            }
        }
    }
    return -1;
}

int senda__layers_crs_point(senda_ctx *ctx, const senda_layers *layers, int to_wgs84,
                            double *x, double *y)
{
    OGRSpatialReferenceH wgs = senda__srs_wgs84();
    OGRSpatialReferenceH crs = senda__srs_from_user(ctx, senda_layers_crs(layers));
    OGRCoordinateTransformationH ct =
        wgs && crs ? OCTNewCoordinateTransformation(to_wgs84 ? crs : wgs, to_wgs84 ? wgs : crs)
                   : NULL;
    int ok = ct && OCTTransform(ct, 1, x, y, NULL);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (wgs)
        OSRRelease(wgs);
    if (crs)
        OSRRelease(crs);
    return ok ? 0 : -1;
}

/* Feature i of layer as WGS 84 lon/lat; 0 on success. */
/* 0, -1 (not placed), or -2: out of memory (on ctx; never a silent fallback). */
static int layer_lonlat(senda_ctx *ctx, const senda_layers *layers, const char *layer, size_t i,
                        double *lon, double *lat)
{
    senda_points *pts = NULL;
    senda_status st = senda_layers_points(ctx, layers, layer, &pts);
    if (st != SENDA_OK)
        return st == SENDA_ERR_NOMEM ? -2 : -1;
    *lon = pts->x[i], *lat = pts->y[i];
    senda_points_destroy(pts);
    return senda__layers_crs_point(ctx, layers, 1, lon, lat);
}

int senda__place_lookup(senda_ctx *ctx, const senda_layers *layers, const senda__gazetteer *gaz,
                        const char *text, senda__place_hit *hit, char *msg, size_t msg_size)
{
    memset(hit, 0, sizeof *hit);
    if (msg_size)
        msg[0] = '\0';
    const char *layer = NULL;
    long i = layers ? layer_match(layers, text, &layer) : -1;
    int placed = i >= 0 ? layer_lonlat(ctx, layers, layer, (size_t)i, &hit->lon, &hit->lat) : -1;
    if (placed == -2)
        return GAZ_OUT_OF_MEMORY;
    if (placed == 0) {
        snprintf(hit->where, sizeof hit->where, "%s",
                 senda_layers_attr(layers, layer, (size_t)i, "name"));
        snprintf(msg, msg_size, "placed '%s' at the %s layer's '%s'", text, layer, hit->where);
        hit->from_layer = 1;
        return GAZ_FOUND;
    }
    if (!gaz) {
        snprintf(msg, msg_size, "place '%s' is not in the corridor layers' names", text);
        return GAZ_NOT_FOUND;
    }
    const senda__place *p = NULL;
    int r = senda__gazetteer_lookup(gaz, text, &p, msg, msg_size);
    if (r == GAZ_FOUND && p) {
        hit->lon = p->lon, hit->lat = p->lat;
        snprintf(hit->where, sizeof hit->where, "%s, %s", p->admin1, p->country);
    }
    return r;
}
