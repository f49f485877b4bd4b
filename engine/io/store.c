/*
 * store.c - open and close the incident store on its back end (see
 * store_int.h; statements and transactions are in store_sql.c).
 *
 * A store argument is a PostgreSQL connection when it starts with "PG:" (as
 * GDAL spells it; the rest is a libpq connection string, "PG:dbname=senda
 * host=...") or is a "postgresql://" / "postgres://" URI; anything else is a
 * GeoPackage path. A PostgreSQL connection that cannot be opened is an error
 * naming the server's reason: it never becomes a local file of that name.
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

static void safe_name(const char *path, char *out, size_t n)
{
    senda__strlcpy(out, path, n);
    char *p = strstr(out, "password=");
    if (p)
        for (p += 9; *p && *p != ' '; p++)
            *p = '*';
    char *at = strchr(out, '@'), *colon = strstr(out, "://");
    if (at && colon && (colon = strchr(colon + 3, ':')) && colon < at)
        for (p = colon + 1; p < at; p++)
            *p = '*';
}

senda_status senda__store_open(senda_ctx *ctx, const char *path, int create,
                               senda__store **out)
{
    *out = NULL;
    senda__store *s = senda__calloc(ctx, 1, sizeof *s);
    if (!s)
        return SENDA_ERR_NOMEM;
    s->kind = senda__store_kind_of(path);
    senda__strlcpy(s->path, path, sizeof s->path);
    safe_name(path, s->name, sizeof s->name);
    s->lock_timeout_s = 600;
    if (s->kind == SENDA__UNKNOWN) {
        senda__free(s);
        return senda__fail(ctx, SENDA_ERR_ARG, "%s: not a store senda can open: give a "
                           "GeoPackage path, a PostgreSQL connection as PG:dbname=... or a "
                           "postgresql://... URI", path);
    }
    senda_status st = s->kind == SENDA__PG ? senda__pg_open(ctx, s, create)
                                          : senda__gstore_open(ctx, s, create);
    if (st != SENDA_OK) {
        senda__store_close(s);
        return st;
    }
    *out = s;
    return SENDA_OK;
}

void senda__store_close(senda__store *s)
{
    if (!s)
        return;
    if (s->in_tx)
        senda__store_rollback(s);
    if (s->kind == SENDA__PG)
        senda__pg_close(s);
    else
        senda__gstore_close(s);
    senda__free(s);
}

