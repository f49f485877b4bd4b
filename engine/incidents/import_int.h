/*
 * import_int.h - pieces of `senda incidents import` shared by columns.c,
 * row.c and import.c.
 */
#ifndef SENDA_IMPORT_INT_H
#define SENDA_IMPORT_INT_H

#include "incidents/incidents_int.h"

/* Column indices of one source (-1 = absent). */
typedef struct senda__colmap {
    int n_fields;
    int lon, lat, coords, date, year, month, type, count[2], place, state, id, perp;
    int women, men, minors, synthetic;
    int use_geometry; /* no coordinate columns: take the feature geometry */
    int header_rows;  /* leading rows that are not reports (an HXL hashtag row) */
    const senda__synonyms *syn; /* the caller's table, or NULL: columns_detect sets the bundled one */
} senda__colmap;

senda_status senda__columns_detect(senda_ctx *ctx, OGRLayerH lyr, const senda_incidents_import_opts *o,
                                   const char *path, senda__colmap *m);

/* A chunked string arena: strings never move until reset. */
typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;
typedef struct senda__arena {
    arena_block *head, *cur;
} senda__arena;
/** Copy n bytes of s (NUL added); NULL on allocation failure. */
char *senda__arena_strndup(senda_ctx *ctx, senda__arena *a, const char *s, size_t n);
/** n bytes aligned for pointers, until reset; NULL on allocation failure. */
void *senda__arena_alloc(senda_ctx *ctx, senda__arena *a, size_t n);
void senda__arena_reset(senda__arena *a);
void senda__arena_free(senda__arena *a);

/* What row processing needs besides the row. */
typedef struct senda__rowctx {
    const senda_incidents_import_opts *opts;
    const senda__colmap *map;
    senda__gazetteer *gaz;         /* loaded on first use */
    const char *gaz_path;
    int gaz_failed;
    OGRCoordinateTransformationH s_ct; /* s_srs -> WGS 84 lon/lat, or NULL */
    OGRCoordinateTransformationH geom_ct; /* layer CRS -> WGS 84, or NULL */
    long today_days;
    senda__arena *arena;
    senda_ctx *ctx;
} senda__rowctx;

/** Parse and validate one feature into r (status, reason and message set).
 *  vals are the n_fields values as UTF-8 ("" when null). Fails only on
 *  allocation or gazetteer loading errors. */
senda_status senda__row_process(senda__rowctx *rc, const char *const *vals, OGRGeometryH geom,
                                senda__incident *r);

/** A CSV at path with bare '"' inside unquoted fields (14°54'30"N): an in-memory
 *  copy with them read as U+2033 is named in out (to read instead, then
 *  VSIUnlink), *n_fixed the number replaced; out = "" when nothing needed it.
 *  *n_lines: the lines ending outside quotes (header included), -1 when the
 *  file was not scanned (not a .csv, or unreadable). */
senda_status senda__csv_bare_quotes(senda_ctx *ctx, const char *path, char *out, size_t out_n,
                                    long *n_fixed, long *n_lines);

/** Link the store's reports of one event given at different date precisions
 *  (crossmatch.c); rows of files with id >= first_file_id are this run's and
 *  move from accepted to (possible) duplicate in *sum. */
senda_status senda__crosslink_store(senda_ctx *ctx, senda__store *store, int64_t first_file_id,
                                    double km, int any_coarse,
                                    senda_incidents_import_summary *sum);
/** *out = 1 when the store holds an accepted (or repaired) month- or year-dated
 *  report: without one senda__crosslink_store (any_coarse = 0) links nothing. */
senda_status senda__crosslink_has_coarse(senda_ctx *ctx, senda__store *store, int *out);

#endif
