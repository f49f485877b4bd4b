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
 * same town point). Places that are in no layer need coordinates: there is
 * no gazetteer lookup here (the GeoNames gazetteer belongs to the incidents
 * import and is not a public call). O(features) per lookup.
 */
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost/cost_int.h"
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

int senda__place_find(senda_ctx *ctx, const senda_layers *layers, const char *text, double *x,
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

senda_status senda_place_resolve(senda_ctx *ctx, const senda_layers *layers, const char *text,
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
        OGRSpatialReferenceH wgs = senda__srs_wgs84();
        OGRSpatialReferenceH dst = senda__srs_from_user(ctx, senda_layers_crs(layers));
        OGRCoordinateTransformationH ct =
            wgs && dst ? OCTNewCoordinateTransformation(wgs, dst) : NULL;
        int ok = ct && OCTTransform(ct, 1, &lon, &lat, NULL);
        if (ct)
            OCTDestroyCoordinateTransformation(ct);
        if (wgs)
            OSRRelease(wgs);
        if (dst)
            OSRRelease(dst);
        if (!ok)
            return senda__fail(ctx, SENDA_ERR_CRS, "PROJ: cannot transform '%s' to %s", text,
                               senda_layers_crs(layers));
        *x = lon;
        *y = lat;
        return SENDA_OK;
    }
    if (senda__place_find(ctx, layers, text, x, y) != 0)
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "no place named '%s' in the layers (crossings mx_town and name, "
                           "shelters town and name, checkpoints name); give LON,LAT instead",
                           text);
    return SENDA_OK;
}
