/*
 * store_sql.c - the incident store's statement layer over its two back ends:
 * the tables' columns, which back end a store argument names, SQL run,
 * transactions and the import lock, and statements written once with ?N
 * placeholders. Below store.c (open/close), store_gpkg.c and store_pg.c.
 *
 * A store argument is a PostgreSQL connection when it starts with "PG:" (as
 * GDAL spells it; the rest is a libpq connection string, "PG:dbname=senda
 * host=...") or is a "postgresql://" / "postgres://" URI; anything else is a
 * GeoPackage path, but for another scheme:// or DRIVER:key=value, refused.
 *
 * Statements are written with ?1..?N placeholders (SQLite's spelling); for
 * PostgreSQL they are rewritten to $1..$N and prepared with PQprepare, values
 * sent as text parameters of PQexecPrepared (numbers printed with 17
 * significant digits, exact for doubles). Points are GeoPackage binary
 * geometry for SQLite and hex EWKB (SRID 4326) for PostGIS, which its
 * geometry input reads. O(1) per bound value.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/io_int.h"
#include "io/store_int.h"

static const senda__field incident_fields[] = {
    {"status", OFTString}, {"type", OFTString}, {"type_raw", OFTString},
    {"perpetrator", OFTString}, {"perpetrator_raw", OFTString}, {"date", OFTString},
    {"date_precision", OFTString}, {"date_first", OFTDate}, {"date_last", OFTDate},
    {"day_first", OFTInteger64}, {"victims", OFTReal}, {"women", OFTReal}, {"men", OFTReal},
    {"minors", OFTReal}, {"severity", OFTReal}, {"weight", OFTReal}, {"lon", OFTReal},
    {"lat", OFTReal}, {"geocode_precision", OFTString}, {"place", OFTString},
    {"admin1", OFTString}, {"flags", OFTString}, {"repairs", OFTString}, {"message", OFTString},
    {"duplicate_of", OFTInteger64}, {"source_file", OFTString}, {"source_row", OFTInteger64},
    {"source_id", OFTString}, {"file_id", OFTInteger64}, {"raw", OFTString},
    {"synthetic", OFTInteger}, {"rail_fid", OFTInteger64}, {"rail_dist_m", OFTReal},
    {"rail_km", OFTReal}, {"checkpoint_fid", OFTInteger64}, {"checkpoint_name", OFTString},
    {"checkpoint_dist_m", OFTReal}, {"border_dist_m", OFTReal}, {"admin_name", OFTString},
    {"office", OFTString},
};
static const senda__field reject_fields[] = {
    {"source_file", OFTString}, {"file_id", OFTInteger64}, {"source_row", OFTInteger64},
    {"reason", OFTString}, {"message", OFTString}, {"raw", OFTString}, {"office", OFTString},
};
static const senda__field file_fields[] = {
    {"sha256", OFTString}, {"path", OFTString}, {"n_rows", OFTInteger64},
    {"imported_at", OFTDateTime}, {"office", OFTString},
};
#define N_OF(a) (sizeof a / sizeof a[0])
const senda__table senda__store_tables[3] = {
    {"incidents", 1, incident_fields, N_OF(incident_fields)},
    {"incident_rejects", 0, reject_fields, N_OF(reject_fields)},
    {"imported_files", 0, file_fields, N_OF(file_fields)},
};

senda__store_kind senda__store_kind_of(const char *path)
{
    if (!path)
        return SENDA__GPKG;
    if (senda__store_is_pg(path))
        return SENDA__PG;
    /* another scheme://, or GDAL's DRIVER:... connection spellings */
    const char *p = path;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (p > path + 1 && (strncmp(p, "://", 3) == 0 ||
                         (*p == ':' && p - path >= 2 && strchr(path, '/') == NULL &&
                          strchr(p + 1, '=') != NULL)))
        return SENDA__UNKNOWN;
    return SENDA__GPKG;
}

/* The connection string with any password value blanked, for messages. */
senda_status senda__pg_fail(senda_ctx *ctx, senda__store *s, const PGresult *r,
                            const char *what)
{
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r)
                                                      : PQerrorMessage(s->pg);
    char m[1024];
    senda__strlcpy(m, msg ? msg : "error", sizeof m);
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        m[--n] = '\0';
    if (code && strcmp(code, "42501") == 0)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: the database refused role '%s': %s. "
                           "Roles: senda_partner reads only the published aggregates "
                           "(incident_aggregates), senda_field imports and reads its own "
                           "office's reports, senda_analyst reads incident points; ask the "
                           "store's owner for the role this needs", s->name,
                           PQuser(s->pg), m);
    if (code && strcmp(code, "55P03") == 0)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: store busy: another import held its lock "
                           "for longer than the %d s this one waits (lock_timeout); nothing "
                           "was stored, try again (%s)", s->name, s->lock_timeout_s, m);
    return senda__fail(ctx, SENDA_ERR_IO, "%s: %s: PostgreSQL: %s", s->name, what, m);
}

static senda_status senda__pg_exec(senda_ctx *ctx, senda__store *s, const char *sql)
{
    PGresult *r = PQexec(s->pg, sql);
    ExecStatusType t = PQresultStatus(r);
    senda_status st = t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK
                          ? SENDA_OK : senda__pg_fail(ctx, s, r, "statement failed");
    PQclear(r);
    return st;
}

static senda_status senda__gstore_exec(senda_ctx *ctx, senda__store *s, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        senda_status st = senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s (in: %.80s)", s->name,
                                      err ? err : "error", sql);
        sqlite3_free(err);
        return st;
    }
    return SENDA_OK;
}

senda_status senda__store_exec(senda_ctx *ctx, senda__store *s, const char *sql)
{
    return s->kind == SENDA__PG ? senda__pg_exec(ctx, s, sql) : senda__gstore_exec(ctx, s, sql);
}

senda_status senda__store_begin(senda_ctx *ctx, senda__store *s)
{
    senda_status st = senda__store_exec(ctx, s, s->kind == SENDA__PG ? "BEGIN"
                                                                      : "BEGIN IMMEDIATE");
    s->in_tx = st == SENDA_OK;
    return st;
}

senda_status senda__store_commit(senda_ctx *ctx, senda__store *s)
{
    senda_status st = senda__store_exec(ctx, s, "COMMIT");
    if (st == SENDA_OK)
        s->in_tx = 0;
    return st;
}

void senda__store_rollback(senda__store *s)
{
    if (s->kind == SENDA__PG) {
        PGresult *r = PQexec(s->pg, "ROLLBACK");
        PQclear(r);
    } else {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    s->in_tx = 0;
}

/* The advisory lock key of every senda store: "senda" as big-endian ASCII bytes. */
#define STORE_LOCK_KEY "495622972513"

senda_status senda__store_lock(senda_ctx *ctx, senda__store *s)
{
    if (s->kind != SENDA__PG)
        return SENDA_OK;
    /* the session's lock_timeout when one is set (PGOPTIONS, ALTER ROLE/DATABASE ... SET
     * lock_timeout), else 600 s: never an unbounded wait */
    int64_t ms = 0;
    senda_status st = senda__store_int(ctx, s, "SELECT setting::bigint FROM pg_settings WHERE "
                                       "name = 'lock_timeout'", 0, &ms);
    if (st != SENDA_OK)
        return st;
    if (ms > 0) {
        s->lock_timeout_s = (int)((ms + 999) / 1000);
    } else {
        senda__stmt *q = NULL;
        char t[32];
        snprintf(t, sizeof t, "%ds", s->lock_timeout_s);
        st = senda__stmt_prepare(ctx, s, "SELECT set_config('lock_timeout', ?1, true)", &q);
        if (st == SENDA_OK) {
            senda__stmt_text(q, 1, t);
            st = senda__stmt_query(ctx, q);
        }
        senda__stmt_finalize(q);
    }
    if (st == SENDA_OK)
        st = senda__store_exec(ctx, s, "SELECT pg_advisory_xact_lock(" STORE_LOCK_KEY ")");
    return st;
}

senda_status senda__store_int(senda_ctx *ctx, senda__store *s, const char *sql, int64_t dflt,
                              int64_t *out)
{
    senda__stmt *q = NULL;
    senda_status st = senda__stmt_prepare(ctx, s, sql, &q);
    if (st == SENDA_OK)
        st = senda__stmt_query(ctx, q);
    *out = dflt;
    if (st == SENDA_OK && senda__stmt_next(q) && !senda__stmt_isnull(q, 0))
        *out = senda__stmt_col_int64(q, 0);
    senda__stmt_finalize(q);
    return st;
}

int senda__store_has_table(senda__store *s, const char *name)
{
    senda__stmt *q = NULL;
    int has = 0;
    const char *sql = s->kind == SENDA__PG
        ? "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = ?1 AND "
          "schemaname = current_schema()"
        : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1";
    senda_ctx *ctx = NULL; /* failures here only mean "no" */
    if (senda__stmt_prepare(ctx, s, sql, &q) == SENDA_OK) {
        senda__stmt_text(q, 1, name);
        if (senda__stmt_query(ctx, q) == SENDA_OK && senda__stmt_next(q))
            has = senda__stmt_col_int64(q, 0) > 0;
    }
    senda__stmt_finalize(q);
    return has;
}

const char *senda__store_x_sql(const senda__store *s)
{
    return s->kind == SENDA__PG ? "ST_X(geom)" : "ST_X(GeomFromGPB(geom))";
}

const char *senda__store_y_sql(const senda__store *s)
{
    return s->kind == SENDA__PG ? "ST_Y(geom)" : "ST_Y(GeomFromGPB(geom))";
}

const char *senda__store_max_fid_sql(const senda__store *s)
{
    return s->kind == SENDA__PG ? "SELECT senda_max_fid()" : "SELECT max(fid) FROM incidents";
}

/* ---- statements ---- */

static senda_status sq_fail(senda_ctx *ctx, senda__store *s, const char *what)
{
    return senda__sqlite_fail(ctx, s, what);
}

senda_status senda__sqlite_fail(senda_ctx *ctx, senda__store *s, const char *what)
{
    int rc = sqlite3_errcode(s->db) & 0xff;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return senda__fail(ctx, SENDA_ERR_IO,
                           "%s: the store is in use by another import (still locked after "
                           "waiting %d s); wait for that import to finish and run this one "
                           "again, or import into another store", s->name,
                           SENDA_STORE_BUSY_MS / 1000);
    if (rc == SQLITE_FULL)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: %s: the disk is full (SQLite: %s); the store "
                           "is left as it was", s->name, what, sqlite3_errmsg(s->db));
    return senda__fail(ctx, SENDA_ERR_IO, "%s: %s: SQLite: %s", s->name, what,
                       sqlite3_errmsg(s->db));
}

senda_status senda__stmt_prepare(senda_ctx *ctx, senda__store *s, const char *sql,
                                 senda__stmt **out)
{
    *out = NULL;
    senda__stmt *q = senda__calloc(ctx, 1, sizeof *q);
    if (!q)
        return SENDA_ERR_NOMEM;
    q->s = s;
    senda_status st = SENDA_OK;
    if (s->kind == SENDA__GPKG) {
        if (sqlite3_prepare_v2(s->db, sql, -1, &q->st, NULL) != SQLITE_OK)
            st = sq_fail(ctx, s, "cannot prepare a statement");
    } else {
        /* ?N -> $N; the number of parameters is the largest N */
        size_t n = strlen(sql);
        char *pg = senda__malloc(ctx, n + 1);
        if (!pg) {
            senda__free(q);
            return SENDA_ERR_NOMEM;
        }
        for (size_t i = 0; i <= n; i++) {
            pg[i] = sql[i];
            if (sql[i] == '?' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
                pg[i] = '$';
                int v = 0;
                for (size_t k = i + 1; sql[k] >= '0' && sql[k] <= '9'; k++)
                    v = v * 10 + (sql[k] - '0');
                if (v > q->n_params)
                    q->n_params = v;
            }
        }
        if (q->n_params > SENDA__STMT_MAX) {
            senda__free(pg);
            senda__free(q);
            return senda__fail(ctx, SENDA_ERR_INTERNAL, "statement with %d parameters",
                               q->n_params);
        }
        snprintf(q->pg_name, sizeof q->pg_name, "senda_%d", s->n_prepared++);
        PGresult *r = PQprepare(s->pg, q->pg_name, pg, q->n_params, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            st = senda__pg_fail(ctx, s, r, "cannot prepare a statement");
        PQclear(r);
        senda__free(pg);
    }
    if (st != SENDA_OK) {
        senda__stmt_finalize(q);
        return st;
    }
    *out = q;
    return SENDA_OK;
}

void senda__stmt_finalize(senda__stmt *q)
{
    if (!q)
        return;
    if (q->st)
        sqlite3_finalize(q->st);
    PQclear(q->res);
    if (q->pg_name[0] && q->s->pg && PQstatus(q->s->pg) == CONNECTION_OK &&
        PQtransactionStatus(q->s->pg) != PQTRANS_INERROR) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", q->pg_name); /* our own name */
        PQclear(PQexec(q->s->pg, sql));
    }
    senda__free(q);
}

/* A query left on a row (its caller read only the first) is reset before
 * new values are bound: SQLite refuses to bind a statement in progress
 * (SQLITE_MISUSE) and the next query would run with the old values. */
static sqlite3_stmt *sq_bindable(senda__stmt *q)
{
    if (q->st && sqlite3_stmt_busy(q->st))
        sqlite3_reset(q->st);
    return q->st;
}

void senda__stmt_null(senda__stmt *q, int i)
{
    if (sq_bindable(q))
        sqlite3_bind_null(q->st, i);
    else if (i >= 1 && i <= q->n_params)
        q->val[i - 1] = NULL;
}

void senda__stmt_int64(senda__stmt *q, int i, int64_t v)
{
    if (sq_bindable(q)) {
        sqlite3_bind_int64(q->st, i, v);
    } else if (i >= 1 && i <= q->n_params) {
        snprintf(q->buf[i - 1], sizeof q->buf[0], "%lld", (long long)v);
        q->val[i - 1] = q->buf[i - 1];
    }
}

void senda__stmt_double(senda__stmt *q, int i, double v)
{
    if (sq_bindable(q)) {
        sqlite3_bind_double(q->st, i, v);
    } else if (i >= 1 && i <= q->n_params) {
        if (isnan(v)) {
            q->val[i - 1] = NULL;
            return;
        }
        snprintf(q->buf[i - 1], sizeof q->buf[0], "%.17g", v);
        q->val[i - 1] = q->buf[i - 1];
    }
}

void senda__stmt_text(senda__stmt *q, int i, const char *v)
{
    if (sq_bindable(q))
        sqlite3_bind_text(q->st, i, v, -1, SQLITE_STATIC);
    else if (i >= 1 && i <= q->n_params)
        q->val[i - 1] = v;
}

void senda__stmt_point(senda__stmt *q, int i, double lon, double lat)
{
    if (sq_bindable(q)) {
        unsigned char gpb[29];
        senda__gpb_point(lon, lat, 4326, gpb);
        sqlite3_bind_blob(q->st, i, gpb, sizeof gpb, SQLITE_TRANSIENT);
        return;
    }
    if (i < 1 || i > q->n_params)
        return;
    /* EWKB: little-endian, Point with the SRID flag, SRID 4326, x, y */
    unsigned char b[25] = {0x01, 0x01, 0x00, 0x00, 0x20, 0xE6, 0x10, 0x00, 0x00};
    memcpy(b + 9, &lon, 8); /* little-endian hosts, as the GeoPackage blobs */
    memcpy(b + 17, &lat, 8);
    static const char hex[] = "0123456789ABCDEF";
    char *o = q->buf[i - 1];
    for (int k = 0; k < 25; k++) {
        o[2 * k] = hex[b[k] >> 4];
        o[2 * k + 1] = hex[b[k] & 15];
    }
    o[50] = '\0';
    q->val[i - 1] = o;
}

static senda_status pg_run(senda_ctx *ctx, senda__stmt *q, int want_rows)
{
    PQclear(q->res);
    q->res = PQexecPrepared(q->s->pg, q->pg_name, q->n_params, q->val, NULL, NULL, 0);
    ExecStatusType t = PQresultStatus(q->res);
    q->row = -1;
    q->n_rows = t == PGRES_TUPLES_OK ? PQntuples(q->res) : 0;
    for (int i = 0; i < q->n_params; i++)
        q->val[i] = NULL;
    if (t == PGRES_TUPLES_OK || (!want_rows && t == PGRES_COMMAND_OK))
        return SENDA_OK;
    return senda__pg_fail(ctx, q->s, q->res, "statement failed");
}

senda_status senda__stmt_run(senda_ctx *ctx, senda__stmt *q)
{
    if (!q->st)
        return pg_run(ctx, q, 0);
    int rc = sqlite3_step(q->st);
    sqlite3_reset(q->st);
    sqlite3_clear_bindings(q->st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SENDA_OK
                                                 : sq_fail(ctx, q->s, "statement failed");
}

senda_status senda__stmt_query(senda_ctx *ctx, senda__stmt *q)
{
    if (!q->st)
        return pg_run(ctx, q, 1);
    sqlite3_reset(q->st);
    q->sq_rc = sqlite3_step(q->st);
    q->row = -1;
    if (q->sq_rc != SQLITE_ROW && q->sq_rc != SQLITE_DONE)
        return sq_fail(ctx, q->s, "query failed");
    return SENDA_OK;
}

int senda__stmt_next(senda__stmt *q)
{
    if (!q->st)
        return ++q->row < q->n_rows;
    if (q->row++ >= 0)
        q->sq_rc = sqlite3_step(q->st);
    if (q->sq_rc == SQLITE_ROW)
        return 1;
    sqlite3_clear_bindings(q->st);
    return 0;
}

int senda__stmt_isnull(senda__stmt *q, int col)
{
    return q->st ? sqlite3_column_type(q->st, col) == SQLITE_NULL
                 : PQgetisnull(q->res, q->row, col);
}

int64_t senda__stmt_col_int64(senda__stmt *q, int col)
{
    if (q->st)
        return sqlite3_column_int64(q->st, col);
    const char *v = PQgetvalue(q->res, q->row, col);
    return v[0] == 't' ? 1 : v[0] == 'f' ? 0 : strtoll(v, NULL, 10);
}

double senda__stmt_col_double(senda__stmt *q, int col)
{
    if (q->st)
        return sqlite3_column_double(q->st, col);
    return PQgetisnull(q->res, q->row, col) ? (double)NAN : strtod(PQgetvalue(q->res, q->row, col), NULL);
}

const char *senda__stmt_col_text(senda__stmt *q, int col)
{
    if (q->st)
        return (const char *)sqlite3_column_text(q->st, col);
    return PQgetisnull(q->res, q->row, col) ? NULL : PQgetvalue(q->res, q->row, col);
}

static void put_le(unsigned char *p, const void *v, size_t n)
{
    /* the engine targets little-endian hosts (x86-64, arm64); GPB says so in its flags */
    memcpy(p, v, n);
}

void senda__gpb_point(double x, double y, int32_t srs_id, unsigned char out[29])
{
    uint32_t wkb_point = 1;
    out[0] = 'G';
    out[1] = 'P';
    out[2] = 0;    /* version 1 */
    out[3] = 0x01; /* little-endian, no envelope, not empty, standard */
    put_le(out + 4, &srs_id, 4);
    out[8] = 0x01; /* WKB little-endian */
    put_le(out + 9, &wkb_point, 4);
    put_le(out + 13, &x, 8);
    put_le(out + 21, &y, 8);
}

int senda__gpb_point_read(const unsigned char *b, int n, double *x, double *y)
{
    if (n < 8 || b[0] != 'G' || b[1] != 'P' || !(b[3] & 0x01))
        return 0;
    static const int env_len[] = {0, 32, 48, 48, 64};
    int env = (b[3] >> 1) & 7;
    if (env > 4)
        return 0;
    int off = 8 + env_len[env];
    uint32_t type;
    if (n < off + 21 || b[off] != 0x01)
        return 0;
    memcpy(&type, b + off + 1, 4);
    if (type % 1000 != 1)
        return 0;
    memcpy(x, b + off + 5, 8);
    memcpy(y, b + off + 13, 8);
    return 1;
}
