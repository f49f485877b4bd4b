/*
 * place.c - where a route starts or ends: "LON,LAT" (WGS 84 degrees,
 * reprojected with PROJ to the layers' CRS) or a place name looked up in the
 * corridor layers' own name fields.
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

/* Latin-1 supplement letters (U+00C0..U+00FF) folded to ASCII; '?' for
 * the non-letters of the block. */
static const char latin1_fold[65] =
    "aaaaaaaceeeeiiii"
    "dnooooo?ouuuuyts"
    "aaaaaaaceeeeiiii"
    "dnooooo?ouuuuyty";

static void fold(const char *s, char *out, size_t n)
{
    size_t k = 0;
    int space = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < n; p++) {
        char c = '?';
        if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            c = latin1_fold[p[1] - 0x80];
            p++;
        } else if (*p < 0x80) {
            c = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        }
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum) {
            out[k++] = c;
            space = 0;
        } else if (!space) {
            out[k++] = ' ';
            space = 1;
        }
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
}

/* Folded text without a leading "ciudad ". */
static const char *core(const char *folded)
{
    return strncmp(folded, "ciudad ", 7) == 0 ? folded + 7 : folded;
}

/* The layers' own names (rules above): 0 and (x, y) when found, -1 when not. */
static int layer_find(senda_ctx *ctx, const senda_layers *layers, const char *text, double *x,
                      double *y)
{
    static const char *where[5][2] = {{SENDA_LAYER_CROSSINGS, "mx_town"},
                                      {SENDA_LAYER_SHELTERS, "town"},
                                      {SENDA_LAYER_CROSSINGS, "name"},
                                      {SENDA_LAYER_SHELTERS, "name"},
                                      {SENDA_LAYER_CHECKPOINTS, "name"}};
    char q[256], q2[256], f[256];
    fold(text, q, sizeof q);
    snprintf(q2, sizeof q2, "%s", text);
    char *paren = strchr(q2, '(');
    if (paren)
        *paren = '\0';
    fold(q2, q2, sizeof q2);
    if (!q[0])
        return -1;
    for (int w = 0; w < 5; w++) {
        size_t n = senda_layers_n_features(layers, where[w][0]);
        for (size_t i = 0; i < n; i++) {
            fold(senda_layers_attr(layers, where[w][0], i, where[w][1]), f, sizeof f);
            if (!f[0] || (strcmp(core(f), core(q)) != 0 && strcmp(core(f), core(q2)) != 0))
                continue;
            senda_points *pts = NULL;
            if (senda_layers_points(ctx, layers, where[w][0], &pts) != SENDA_OK)
                return -1;
            *x = pts->x[i];
            *y = pts->y[i];
            senda_points_destroy(pts);
            return 0;
        }
    }
    return -1;
}

/* WGS 84 lon/lat (in place) to the layers' CRS; 0 on success. */
static int to_layers_crs(senda_ctx *ctx, const senda_layers *layers, double *lon, double *lat)
{
    OGRSpatialReferenceH wgs = senda__srs_wgs84();
    OGRSpatialReferenceH dst = senda__srs_from_user(ctx, senda_layers_crs(layers));
    OGRCoordinateTransformationH ct = wgs && dst ? OCTNewCoordinateTransformation(wgs, dst) : NULL;
    int ok = ct && OCTTransform(ct, 1, lon, lat, NULL);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (wgs)
        OSRRelease(wgs);
    if (dst)
        OSRRelease(dst);
    return ok ? 0 : -1;
}

int senda__place_find(senda_ctx *ctx, const senda_layers *layers, const char *text,
                      senda__gazetteer **gaz, double *x, double *y, char *why, size_t why_size)
{
    if (why && why_size)
        why[0] = '\0';
    if (layer_find(ctx, layers, text, x, y) == 0)
        return 0;
    if (!gaz)
        return -1;
    if (!*gaz) {
        char keep[sizeof ctx->errmsg];
        senda__strlcpy(keep, ctx->errmsg, sizeof keep); /* a missing gazetteer is no error */
        senda_status st = senda__gazetteer_open(ctx, senda__gazetteer_default_path(), gaz);
        if (st == SENDA_ERR_NOMEM)
            return -2;
        if (st != SENDA_OK)
            *gaz = NULL;
        senda__strlcpy(ctx->errmsg, keep, sizeof ctx->errmsg);
        if (!*gaz)
            return -1;
    }
    const senda__place *hit = NULL;
    char msg[1024];
    int r = senda__gazetteer_lookup(*gaz, text, &hit, msg, sizeof msg);
    if (r != GAZ_FOUND || !hit) {
        if (why && r == GAZ_AMBIGUOUS)
            senda__strlcpy(why, msg, why_size);
        return -1;
    }
    double lon = hit->lon, lat = hit->lat;
    if (to_layers_crs(ctx, layers, &lon, &lat) != 0)
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
        if (to_layers_crs(ctx, layers, &lon, &lat) != 0)
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
    if (found != 0 && why[0])
        return senda__fail(ctx, SENDA_ERR_DATA, "%s; qualify it (\"Name, State\") or give "
                           "LON,LAT", why);
    if (found != 0)
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "no place named '%s' in the layers (crossings mx_town and name, "
                           "shelters town and name, checkpoints name) or the gazetteer; give "
                           "LON,LAT instead", text);
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
        double best = INFINITY, bx = 0.0, by = 0.0;
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
