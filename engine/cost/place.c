/*
 * place.c - where a route starts or ends: "LON,LAT" (WGS 84 degrees,
 * reprojected with PROJ to the layers' CRS) or a place name, resolved by the
 * one resolver that import uses too (io/place_find.c); what follows is that
 * resolver's rule.
 *
 * Name lookup compares accent- and case-folded text (UTF-8 Latin-1
 * letters to ASCII, anything but letters and digits to one space): the
 * query, and the query without a trailing "(...)" qualifier ("Ixtepec
 * (Oax.)" -> "ixtepec"), against, in order, crossings.mx_town,
 * shelters.town, crossings.name, shelters.name and checkpoints.name; a
 * leading "ciudad " is ignored on both sides ("Ciudad Ixtepec" = "Ixtepec").
 * The first match in that order wins (towns repeat across features at the
 * same town point). A name in no layer is then looked up in the bundled
 * GeoNames gazetteer (io/gazetteer.c: accent-insensitive, alternate names,
 * "Name, State" or "Name (State)" qualifiers); an ambiguous name there
 * ("Tonalá": Chiapas and Veracruz) is not resolved and the candidates are
 * named in the message. Gazetteer coordinates (WGS 84) are reprojected to
 * the layers' CRS. O(features) per lookup, plus loading the gazetteer once
 * per caller (about 9000 places, a few ms).
 */
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost/cost_int.h"
#include "grid/grid_int.h"
#include "io/gazetteer_int.h"
#include "io/io_int.h"

int senda__place_find(senda_ctx *ctx, const senda_layers *layers, const char *text,
                      senda__gazetteer **gaz, double *x, double *y, char *why, size_t why_size)
{
    if (why && why_size)
        why[0] = '\0';
    if (gaz && !*gaz) {
        char keep[sizeof ctx->errmsg];
        senda__strlcpy(keep, ctx->errmsg, sizeof keep); /* a missing gazetteer is no error */
        senda_status st = senda__gazetteer_open(ctx, senda__gazetteer_default_path(), gaz);
        if (st == SENDA_ERR_NOMEM)
            return -2;
        if (st != SENDA_OK)
            *gaz = NULL;
        senda__strlcpy(ctx->errmsg, keep, sizeof ctx->errmsg);
    }
    senda__place_hit hit;
    char msg[1024];
    int r = senda__place_lookup(ctx, layers, gaz ? *gaz : NULL, text, &hit, msg, sizeof msg);
    if (r == GAZ_OUT_OF_MEMORY)
        return -2;
    if (r != GAZ_FOUND) {
        if (why)
            senda__strlcpy(why, msg, why_size);
        return -1;
    }
    double lon = hit.lon, lat = hit.lat;
    if (senda__layers_crs_point(ctx, layers, 0, &lon, &lat) != 0)
        return -1;
    *x = lon;
    *y = lat;
    return 0;
}

/* "LON,LAT" -> 1 with the numbers, 0 when text is not that shape. */
static int lonlat(const char *text, double *lon, double *lat)
{
    char *end = NULL;
    *lon = strtod(text, &end);
    if (end == text || *end != ',')
        return 0;
    const char *p = end + 1;
    *lat = strtod(p, &end);
    while (*end == ' ')
        end++;
    return end != p && *end == '\0';
}

senda_status senda_cost_place_resolve(senda_ctx *ctx, const senda_layers *layers, const char *text,
                                 double *x, double *y)
{
    senda__reset(ctx);
    if (!layers || !text || !x || !y)
        return senda__fail(ctx, SENDA_ERR_ARG, "layers, text, x or y is NULL");
    double lon, lat;
    if (lonlat(text, &lon, &lat)) {
        if (!(fabs(lon) <= 180.0 && fabs(lat) <= 90.0))
            return senda__fail(ctx, SENDA_ERR_ARG,
                               "'%s': longitude or latitude out of range", text);
        if (senda__layers_crs_point(ctx, layers, 0, &lon, &lat) != 0)
            return senda__fail(ctx, SENDA_ERR_CRS, "PROJ: cannot transform '%s' to %s", text,
                               senda_layers_crs(layers));
        *x = lon;
        *y = lat;
        return SENDA_OK;
    }
    senda__gazetteer *gaz = NULL;
    char why[1024];
    int found = senda__place_find(ctx, layers, text, &gaz, x, y, why, sizeof why);
    senda__gazetteer_close(gaz);
    if (found == -2)
        return SENDA_ERR_NOMEM;
    if (found != 0 && strstr(why, "ambiguous"))
        return senda__fail(ctx, SENDA_ERR_DATA, "%s; qualify it (\"Name, State\") or give "
                           "LON,LAT", why);
    if (found != 0)
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "no place named '%s' in the layers (crossings mx_town and name, "
                           "shelters town and name, checkpoints name) or the gazetteer%s%s; "
                           "give LON,LAT instead", text, strstr(why, "did you mean") ? ": " : "",
                           strstr(why, "did you mean") ? strstr(why, "did you mean") : "");
    return SENDA_OK;
}

senda_status senda_cost_snap_to_valid(senda_ctx *ctx, const senda_grid *g, senda_points *pts,
                                        const char *const *names, int max_cells,
                                        size_t *n_moved)
{
    senda__reset(ctx);
    if (n_moved)
        *n_moved = 0;
    if (!g || !pts)
        return senda__fail(ctx, SENDA_ERR_ARG, "senda_cost_snap_to_valid: NULL argument");
    const double *v = g->data;
    double cell = g->cell_m;
    long n_rows = (long)g->n_rows, n_cols = (long)g->n_cols;
    for (size_t i = 0; i < pts->n; i++) {
        long row = (long)floor((g->y_max - pts->y[i]) / cell);
        long col = (long)floor((pts->x[i] - g->x_min) / cell);
        if (row < 0 || col < 0 || row >= n_rows || col >= n_cols ||
            !isnan(v[(size_t)row * (size_t)n_cols + (size_t)col]))
            continue;
        double best = (double)INFINITY, bx = 0.0, by = 0.0;
        for (long dr = -max_cells; dr <= max_cells; dr++)
            for (long dc = -max_cells; dc <= max_cells; dc++) {
                long r = row + dr, c = col + dc;
                if (r < 0 || c < 0 || r >= n_rows || c >= n_cols ||
                    isnan(v[(size_t)r * (size_t)n_cols + (size_t)c]))
                    continue;
                double x = senda__grid_cx(g, (size_t)c), y = senda__grid_cy(g, (size_t)r);
                double d = hypot(x - pts->x[i], y - pts->y[i]);
                if (d < best)
                    best = d, bx = x, by = y;
            }
        if (!isfinite(best))
            continue;
        char label[64];
        if (names && names[i])
            snprintf(label, sizeof label, "%s", names[i]);
        else
            snprintf(label, sizeof label, "point %zu", i + 1);
        senda__log(ctx, 1, "'%s' lies on a nodata (sea) cell; moved %.1f km to the nearest "
                   "valid cell", label, best / 1000.0);
        pts->x[i] = bx;
        pts->y[i] = by;
        if (n_moved)
            (*n_moved)++;
    }
    return SENDA_OK;
}

senda_status senda__cost_towns(senda_ctx *ctx, const senda_layers *layers, long min_population,
                               double **xy, size_t *n_out)
{
    *xy = NULL;
    *n_out = 0;
    senda__gazetteer *gaz = NULL;
    senda_status st = senda__gazetteer_open(ctx, senda__gazetteer_default_path(), &gaz);
    if (st != SENDA_OK)
        return st;
    size_t n = senda__gazetteer_count(gaz), m = 0;
    const senda__place *p = n ? senda__gazetteer_place(gaz, 0) : NULL;
    double *a = senda__calloc(ctx, 2 * n + 2, sizeof(double));
    if (!a) {
        senda__gazetteer_close(gaz);
        return SENDA_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i].population < min_population)
            continue;
        double x = p[i].lon, y = p[i].lat;
        if (senda__layers_crs_point(ctx, layers, 0, &x, &y) != 0) {
            senda__free(a);
            senda__gazetteer_close(gaz);
            return senda__fail(ctx, SENDA_ERR_CRS,
                               "PROJ: cannot transform the gazetteer's "
                               "places to %s",
                               senda_layers_crs(layers));
        }
        a[2 * m] = x;
        a[2 * m++ + 1] = y;
    }
    senda__gazetteer_close(gaz);
    *xy = a;
    *n_out = m;
    return SENDA_OK;
}
