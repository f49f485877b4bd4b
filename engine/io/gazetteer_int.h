/*
 * gazetteer_int.h - offline place-name lookup against the GeoNames extract in
 * layers/gazetteer (accent- and case-insensitive, alternate names, admin1 or
 * country qualifiers).
 */
#ifndef SENDA_GAZETTEER_INT_H
#define SENDA_GAZETTEER_INT_H

#include "core/core_int.h"

/** Lower-case ASCII fold of UTF-8 text: accents stripped, runs of anything but
 *  letters and digits become one space, trimmed. Returns the length. */
size_t senda__fold(const char *s, char *out, size_t n);

typedef struct senda__place {
    const char *name, *country, *admin1_code, *admin1;
    double lon, lat;
    long population;
} senda__place;

typedef struct senda__gazetteer senda__gazetteer;

/** The bundled gazetteer path (layers/gazetteer/corridor_places.tsv, or
 *  $SENDA_GAZETTEER). Static. */
const char *senda__gazetteer_default_path(void);
/** Load a gazetteer TSV (columns as written by scripts/layers/build-gazetteer). */
senda_status senda__gazetteer_open(senda_ctx *ctx, const char *path, senda__gazetteer **out);
void senda__gazetteer_close(senda__gazetteer *g);

enum { GAZ_OUT_OF_MEMORY = -1, GAZ_FOUND = 0, GAZ_NOT_FOUND, GAZ_AMBIGUOUS };
/** Look up "Name[, admin1][, country]" (or "Name (admin1)"). Returns GAZ_*;
 *  *hit is the place when found; msg explains a miss or lists the candidates. */
int senda__gazetteer_lookup(const senda__gazetteer *g, const char *text,
                            const senda__place **hit, char *msg, size_t msg_size);

/** The number of places, and place i (0 <= i < count), in file order. */
size_t senda__gazetteer_count(const senda__gazetteer *g);
const senda__place *senda__gazetteer_place(const senda__gazetteer *g, size_t i);

/** The place of at least min_population nearest to (lon, lat) by great-circle
 *  distance (spherical, R = 6371.0088 km: within 0.5 % of the ellipsoid,
 *  enough to name a town); NULL when none qualifies. *dist_km gets the
 *  distance. O(n) per call. */
const senda__place *senda__gazetteer_nearest(const senda__gazetteer *g, double lon, double lat,
                                             long min_population, double *dist_km);

/* ---- place_find.c: the one place resolver (layers' names, then the gazetteer) ---- */
typedef struct senda__place_hit {
    double lon, lat;  /* WGS 84 */
    char where[160];  /* the layer feature's name, or "admin1, country" */
    int from_layer;   /* 1: a corridor layer's feature; 0: a gazetteer locality */
} senda__place_hit;
/** One point between WGS 84 lon/lat and the layers' CRS (to_wgs84: from the
 *  layers' CRS), in place; 0 on success. */
int senda__layers_crs_point(senda_ctx *ctx, const senda_layers *layers, int to_wgs84,
                            double *x, double *y);
/** Resolve a place name: the layers' names (when layers is not NULL), then the
 *  gazetteer (when not NULL). Returns GAZ_* (GAZ_OUT_OF_MEMORY: the failure is
 *  on ctx, never answered from the gazetteer instead); msg says what was
 *  found, or why not (candidates when ambiguous, suggestions when not found). */
int senda__place_lookup(senda_ctx *ctx, const senda_layers *layers, const senda__gazetteer *gaz,
                        const char *text, senda__place_hit *hit, char *msg, size_t msg_size);

#endif
