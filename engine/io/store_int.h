/*
 * store_int.h - the incident store behind one interface, two back ends:
 * a GeoPackage written through SQLite with SpatiaLite loaded (store_gpkg.c,
 * the embedded default) and a PostgreSQL/PostGIS database through libpq
 * (store_pg.c). Both hold the same tables with the same columns (the field
 * lists of store.c); the incident module prepares statements written once
 * with ?N placeholders and binds values through senda__stmt, so the import,
 * its de-duplication and every reader are back-end agnostic. Values are
 * always bound parameters, never text pasted into SQL.
 */
#ifndef SENDA_STORE_INT_H
#define SENDA_STORE_INT_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>

#include <ogr_api.h>

#include "core/core_int.h"

/* Schema version written to senda_meta by init; older stores are migrated. */
#define SENDA_STORE_SCHEMA 2

typedef enum { SENDA__GPKG = 0, SENDA__PG = 1, SENDA__UNKNOWN = 2 } senda__store_kind;

typedef struct senda__store {
    senda__store_kind kind;
    char path[1024]; /* as given: file path or connection string */
    char name[1024]; /* for messages: the path, or the connection without password */
    int in_tx;
    /* GeoPackage */
    sqlite3 *db;
    void *spatialite; /* spatialite_alloc_connection() cache */
    char *saved_trigger[2]; /* feature-count triggers dropped for a bulk insert */
    char bulk_table[2][64];
    /* PostGIS */
    PGconn *pg;
    int n_prepared;
    int lock_timeout_s; /* the bounded wait for the store's import lock */
} senda__store;

/* A column of a store table: name and OGR type (the GeoPackage is made by
 * OGR from these; the PostGIS DDL maps them to SQL types). */
typedef struct senda__field {
    const char *name;
    OGRFieldType type;
} senda__field;
typedef struct senda__table {
    const char *name;
    int has_geom; /* a Point geometry "geom" in EPSG:4326 */
    const senda__field *fields;
    size_t n_fields;
} senda__table;
/** The three tables: incidents, incident_rejects, imported_files. */
extern const senda__table senda__store_tables[3];

/** The release ledger of senda publish in a PostGIS store (engine/privacy/
 *  store_ledger.c; made by init with the schema, or on the first release). */
#define SENDA__PG_LEDGER_DDL                                                               \
    "CREATE TABLE IF NOT EXISTS senda_releases (fid bigserial PRIMARY KEY, release text, " \
    "created text, k bigint, units text, filters text, figures text)"

/** Which back end a store argument names: PG for "PG:..." (GDAL's spelling)
 *  and "postgresql://" / "postgres://" URIs; UNKNOWN (refused) for another
 *  scheme:// or a DRIVER:key=value connection; GPKG (a path) otherwise. */
senda__store_kind senda__store_kind_of(const char *path);

/** Open the store. GeoPackage: when the file does not exist and create is 1,
 *  make it (OGR's GPKG driver, beside path, renamed into place); else it
 *  must exist. PostGIS: connect; when create is 1 and the schema is absent,
 *  make it. Either way an older schema is migrated (write opens) or refused
 *  with a message naming the version (read opens only when unreadable). */
senda_status senda__store_open(senda_ctx *ctx, const char *path, int create,
                               senda__store **out);
/** Close (rolling back an open transaction). NULL is a no-op. */
void senda__store_close(senda__store *s);
/** Run SQL that takes no parameters and returns no rows (schema, BEGIN...). */
senda_status senda__store_exec(senda_ctx *ctx, senda__store *s, const char *sql);
senda_status senda__store_begin(senda_ctx *ctx, senda__store *s);
senda_status senda__store_commit(senda_ctx *ctx, senda__store *s);
void senda__store_rollback(senda__store *s);
/** Serialise writers: PostGIS takes the store's transaction-scoped advisory
 *  lock, waiting at most the session's lock_timeout when set, else 600 s
 *  (then a clear "busy" error); the
 *  GeoPackage already holds its write lock from BEGIN IMMEDIATE. */
senda_status senda__store_lock(senda_ctx *ctx, senda__store *s);
/** A single integer from sql (no parameters); *out = dflt when no row or NULL. */
senda_status senda__store_int(senda_ctx *ctx, senda__store *s, const char *sql, int64_t dflt,
                              int64_t *out);
/** 1 when the store has table name. */
int senda__store_has_table(senda__store *s, const char *name);

/** Inside a transaction (GeoPackage): drop GDAL's per-row feature-count
 *  trigger of table, to be restored by senda__store_bulk_end (slot 0 or 1).
 *  No-op on PostGIS. */
senda_status senda__store_bulk_begin(senda_ctx *ctx, senda__store *s, int slot,
                                     const char *table);
/** Restore the trigger and set the table's feature_count: its count before
 *  senda__store_bulk_begin plus added (the rows the caller inserted since), or,
 *  with added < 0 or no count recorded, the table's row count (which reads every
 *  page of the table). */
senda_status senda__store_bulk_end(senda_ctx *ctx, senda__store *s, int slot, int64_t added);

/* Dialect pieces that differ: the x / y of the geometry column. */
const char *senda__store_x_sql(const senda__store *s);
const char *senda__store_y_sql(const senda__store *s);
/* The largest incident fid (every office's, also for a field role). */
const char *senda__store_max_fid_sql(const senda__store *s);

/* How long a GeoPackage import waits for another process's lock on the store
 * before it gives up saying the store is in use (sqlite3_busy_timeout). */
#define SENDA_STORE_BUSY_MS 10000

/** A failed SQLite call said for a user: a lock held by another process and a
 *  full disk in words with what to do; never the SQL text. */
senda_status senda__sqlite_fail(senda_ctx *ctx, senda__store *s, const char *what);

/* ---- statements: SQL with ?1..?N placeholders, values bound by type ---- */
#define SENDA__STMT_MAX 64
typedef struct senda__stmt {
    senda__store *s;
    sqlite3_stmt *st; /* GeoPackage */
    int sq_rc;        /* the last sqlite3_step result */
    char pg_name[24]; /* PostGIS: the prepared statement's name */
    int n_params;
    const char *val[SENDA__STMT_MAX];
    char buf[SENDA__STMT_MAX][64]; /* numbers and points as text */
    PGresult *res;
    int row, n_rows;
} senda__stmt;
senda_status senda__stmt_prepare(senda_ctx *ctx, senda__store *s, const char *sql,
                                 senda__stmt **out);
void senda__stmt_finalize(senda__stmt *q);
/* Binds (1-based). Text is not copied: it must live until the statement runs. */
void senda__stmt_null(senda__stmt *q, int i);
void senda__stmt_int64(senda__stmt *q, int i, int64_t v);
void senda__stmt_double(senda__stmt *q, int i, double v);
void senda__stmt_text(senda__stmt *q, int i, const char *v);
/** The point geometry (lon/lat, EPSG:4326) in the back end's own encoding. */
void senda__stmt_point(senda__stmt *q, int i, double lon, double lat);
/** Run a statement that returns no row, then clear its bindings for the next. */
senda_status senda__stmt_run(senda_ctx *ctx, senda__stmt *q);
/** Run a query (or INSERT ... RETURNING): rows are then read with
 *  senda__stmt_next (1 = a row, 0 = no more; errors are reported here). */
senda_status senda__stmt_query(senda_ctx *ctx, senda__stmt *q);
int senda__stmt_next(senda__stmt *q);
int senda__stmt_isnull(senda__stmt *q, int col);
int64_t senda__stmt_col_int64(senda__stmt *q, int col);
double senda__stmt_col_double(senda__stmt *q, int col);
const char *senda__stmt_col_text(senda__stmt *q, int col);

/* ---- back ends (store_gpkg.c, store_pg.c): same contract as above ---- */
senda_status senda__gstore_open(senda_ctx *ctx, senda__store *s, int create);
void senda__gstore_close(senda__store *s);
senda_status senda__pg_open(senda_ctx *ctx, senda__store *s, int create);
void senda__pg_close(senda__store *s);
/** The PostGIS DDL of the current schema (no roles) / of the roles. */
senda_status senda__pg_create_schema(senda_ctx *ctx, senda__store *s);
senda_status senda__pg_create_roles(senda_ctx *ctx, senda__store *s);
/** A PostgreSQL error as senda's message (permission, busy and connection
 *  errors explained); returns SENDA_ERR_IO. */
senda_status senda__pg_fail(senda_ctx *ctx, senda__store *s, const PGresult *r,
                            const char *what);

/** GeoPackage binary geometry of a point (no envelope): 29 bytes into out. */
void senda__gpb_point(double x, double y, int32_t srs_id, unsigned char out[29]);
/** Read back x, y of a GeoPackage point blob; 0 when it is not one. */
int senda__gpb_point_read(const unsigned char *blob, int n, double *x, double *y);

#endif
