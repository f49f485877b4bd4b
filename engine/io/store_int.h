/*
 * store_int.h - the incident store: a GeoPackage written through SQLite with
 * the SpatiaLite extension loaded. The incident module prepares its own
 * statements on db; this file owns opening, schema, transactions and hashing.
 */
#ifndef SENDA_STORE_INT_H
#define SENDA_STORE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/core_int.h"

/* How long an import waits for another process's lock on the store before it
 * gives up saying the store is in use (sqlite3_busy_timeout). */
#define SENDA_STORE_BUSY_MS 10000

typedef struct senda__store {
    sqlite3 *db;
    void *spatialite; /* spatialite_alloc_connection() cache */
    char path[1024];
    int in_tx;
    int created;    /* senda__store_open made it: written in tmp until the first commit */
    char tmp[1100]; /* the new store's hidden temporary; "" once in place */
    char *saved_trigger[2]; /* feature-count triggers dropped for a bulk insert */
    char bulk_table[2][64];
} senda__store;

/** Open the store at path; when it does not exist and create is 1, make it
 *  (a GeoPackage made by OGR's GPKG driver) in a hidden temporary beside path
 *  that senda__store_commit links into place: a failed first import leaves
 *  nothing. A busy store is waited for SENDA_STORE_BUSY_MS. */
senda_status senda__store_open(senda_ctx *ctx, const char *path, int create,
                               senda__store **out);
/** Close (rolling back an open transaction). NULL is a no-op. */
void senda__store_close(senda__store *s);
senda_status senda__store_exec(senda_ctx *ctx, senda__store *s, const char *sql);
senda_status senda__store_begin(senda_ctx *ctx, senda__store *s);
/** Commit; the first commit of a new store also puts it in place (never
 *  replacing a store another process made meanwhile). */
senda_status senda__store_commit(senda_ctx *ctx, senda__store *s);
void senda__store_rollback(senda__store *s);
/** Prepare sql; fails with the SQLite message. */
senda_status senda__store_prepare(senda_ctx *ctx, senda__store *s, const char *sql,
                                  sqlite3_stmt **out);
/** A single integer from sql (no parameters); *out = dflt when no row. */
senda_status senda__store_int(senda_ctx *ctx, senda__store *s, const char *sql, int64_t dflt,
                              int64_t *out);
/** Step a bound insert statement and reset it. */
senda_status senda__store_step(senda_ctx *ctx, senda__store *s, sqlite3_stmt *st);

/** Inside a transaction: drop GDAL's per-row feature-count trigger of table
 *  (gpkg_ogr_contents), to be restored by senda__store_bulk_end (slot 0 or 1). */
senda_status senda__store_bulk_begin(senda_ctx *ctx, senda__store *s, int slot,
                                     const char *table);
/** Restore the trigger and set the table's feature_count to its row count. */
senda_status senda__store_bulk_end(senda_ctx *ctx, senda__store *s, int slot);

/** GeoPackage binary geometry of a point (no envelope): 29 bytes into out. */
void senda__gpb_point(double x, double y, int32_t srs_id, unsigned char out[29]);
/** Read back x, y of a GeoPackage point blob; 0 when it is not one. */
int senda__gpb_point_read(const unsigned char *blob, int n, double *x, double *y);


#endif
