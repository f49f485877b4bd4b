/*
 * store_pg.c - the incident store's PostgreSQL/PostGIS back end, through
 * libpq: the same tables and columns as the GeoPackage (store.c's lists;
 * OGR types mapped to text, date, timestamptz, bigint, integer, double
 * precision; the point as geometry(Point, 4326) with a GiST index), plus
 * senda_meta (schema version), senda_max_fid() and the partners' view
 * incident_aggregates.
 *
 * Writers: an import is one transaction that first takes the store's
 * transaction-scoped advisory lock (pg_advisory_xact_lock), so the matching
 * of new reports against stored ones and the numbering of incidents see
 * every committed import and no other import runs them at the same time:
 * concurrent imports end as if run one after another. The wait for the lock
 * is bounded by lock_timeout (the session's when set, e.g. by PGOPTIONS or
 * ALTER DATABASE ... SET lock_timeout; else 600 s); when it
 * runs out the import fails with "busy" and nothing of it is stored. A killed
 * client's transaction is rolled back by the server.
 *
 * Roles (`senda store init --roles`, group roles; an office's login role is
 * made a member): senda_field inserts reports and reads, through row-level
 * security on the office column (default current_user), only its own
 * office's incidents; senda_analyst reads every incident; senda_partner reads
 * only incident_aggregates (state x type x month, counts of at least k = 11,
 * smaller cells merged into state x year; no point, no day, no free text).
 * The server enforces these; senda only words its permission errors.
 * Schema creation is O(1); everything else is the statements' own cost.
 */
#include <stdio.h>
#include <string.h>

#include "io/io_int.h"
#include "io/store_int.h"

static const char *sql_type(OGRFieldType t)
{
    switch (t) {
    case OFTInteger: return "integer";
    case OFTInteger64: return "bigint";
    case OFTReal: return "double precision";
    case OFTDate: return "date";
    case OFTDateTime: return "timestamptz";
    default: return "text";
    }
}

/* CREATE TABLE of one of store.c's tables (names are ours, not input). */
static senda_status create_table(senda_ctx *ctx, senda__store *s, const senda__table *t,
                                 const char *fid_type)
{
    char sql[4096];
    size_t n = (size_t)snprintf(sql, sizeof sql, "CREATE TABLE %s (fid %s PRIMARY KEY%s",
                                t->name, fid_type,
                                t->has_geom ? ", geom geometry(Point, 4326)" : "");
    for (size_t i = 0; i < t->n_fields && n < sizeof sql; i++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, ", %s %s%s", t->fields[i].name,
                              sql_type(t->fields[i].type),
                              strcmp(t->fields[i].name, "office") == 0 ? " DEFAULT current_user"
                              : strcmp(t->fields[i].name, "sha256") == 0 ? " UNIQUE" : "");
    snprintf(sql + n, sizeof sql - n, ")");
    return senda__store_exec(ctx, s, sql);
}

/* The partners' aggregates: no point, no day, no free text; every figure >= k (11). */
static const char *const aggregates_sql =
    "CREATE VIEW incident_aggregates WITH (security_barrier) AS "
    "WITH base AS (SELECT coalesce(admin_name, 'outside the states layer') AS state, type, "
    "to_char(date_first, 'YYYY-MM') AS month, victims FROM incidents "
    "WHERE status IN ('accepted', 'repaired') AND date_precision IN ('day', 'month')), "
    "cells AS (SELECT state, type, month, count(*) AS n, sum(victims) AS v FROM base "
    "GROUP BY state, type, month) "
    "SELECT state, type, month AS period, n AS incidents, v AS victims FROM cells "
    "WHERE n >= 11 "
    "UNION ALL SELECT state, 'all', left(month, 4), sum(n), sum(v) FROM cells WHERE n < 11 "
    "GROUP BY state, left(month, 4) HAVING sum(n) >= 11";

senda_status senda__pg_create_schema(senda_ctx *ctx, senda__store *s)
{
    senda_status st = senda__store_exec(ctx, s, "CREATE EXTENSION IF NOT EXISTS postgis");
    if (st == SENDA_OK)
        st = create_table(ctx, s, &senda__store_tables[0], "bigint");
    for (int t = 1; t < 3 && st == SENDA_OK; t++)
        st = create_table(ctx, s, &senda__store_tables[t], "bigserial");
    static const char *const more[] = {
        "CREATE INDEX incidents_geom ON incidents USING gist (geom)",
        "CREATE INDEX incidents_dup ON incidents (duplicate_of)",
        "CREATE TABLE senda_meta (key text PRIMARY KEY, value text NOT NULL)",
        "INSERT INTO senda_meta VALUES ('schema_version', '2')",
        SENDA__PG_LEDGER_DDL,
        /* fids are numbered by the importer under the lock; a field office
         * sees only its rows, so the largest fid comes from here */
        "CREATE FUNCTION senda_max_fid() RETURNS bigint LANGUAGE sql STABLE "
        "SECURITY DEFINER AS 'SELECT coalesce(max(fid), 0) FROM incidents'",
        NULL,
    };
    for (int i = 0; more[i] && st == SENDA_OK; i++)
        st = senda__store_exec(ctx, s, more[i]);
    if (st == SENDA_OK)
        st = senda__store_exec(ctx, s, aggregates_sql);
    if (st == SENDA_OK) /* SECURITY DEFINER with the schema pinned */
        st = senda__store_exec(ctx, s, "DO $$BEGIN EXECUTE format('ALTER FUNCTION senda_max_fid() "
                                    "SET search_path = %I, pg_temp', current_schema()); END$$");
    return st;
}

senda_status senda__pg_create_roles(senda_ctx *ctx, senda__store *s)
{
    static const char *const steps[] = {
        SENDA__PG_LEDGER_DDL, /* a store made before the ledger */
        "DO $$BEGIN "
        "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'senda_field') THEN "
        "CREATE ROLE senda_field NOLOGIN; END IF; "
        "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'senda_analyst') THEN "
        "CREATE ROLE senda_analyst NOLOGIN; END IF; "
        "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'senda_partner') THEN "
        "CREATE ROLE senda_partner NOLOGIN; END IF; "
        "EXECUTE format('GRANT USAGE ON SCHEMA %I TO senda_field, senda_analyst, "
        "senda_partner', current_schema()); END$$",
        "REVOKE ALL ON incidents, incident_rejects, imported_files, senda_meta, "
        "incident_aggregates, senda_releases FROM PUBLIC",
        "REVOKE ALL ON FUNCTION senda_max_fid() FROM PUBLIC",
        "GRANT SELECT ON senda_meta TO senda_field, senda_analyst, senda_partner",
        "GRANT SELECT ON incident_aggregates TO senda_analyst, senda_partner",
        "GRANT SELECT, INSERT ON incidents TO senda_field",
        "GRANT UPDATE (victims, women, men, minors, weight, message) ON incidents TO "
        "senda_field",
        "GRANT INSERT ON incident_rejects TO senda_field",
        "GRANT SELECT, INSERT ON imported_files TO senda_field",
        "GRANT UPDATE (n_rows) ON imported_files TO senda_field",
        "GRANT USAGE ON SEQUENCE incident_rejects_fid_seq, imported_files_fid_seq TO "
        "senda_field",
        "GRANT EXECUTE ON FUNCTION senda_max_fid() TO senda_field",
        "GRANT SELECT ON incidents, imported_files TO senda_analyst",
        "GRANT SELECT, INSERT ON senda_releases TO senda_analyst",
        "GRANT USAGE ON SEQUENCE senda_releases_fid_seq TO senda_analyst",
        "ALTER TABLE incidents ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS field_own_office ON incidents",
        "CREATE POLICY field_own_office ON incidents TO senda_field "
        "USING (office = current_user) WITH CHECK (office = current_user)",
        "DROP POLICY IF EXISTS analyst_reads_all ON incidents",
        "CREATE POLICY analyst_reads_all ON incidents FOR SELECT TO senda_analyst USING (true)",
        NULL,
    };
    senda_status st = SENDA_OK;
    for (int i = 0; steps[i] && st == SENDA_OK; i++)
        st = senda__store_exec(ctx, s, steps[i]);
    return st;
}

senda_status senda__pg_open(senda_ctx *ctx, senda__store *s, int create)
{
    const char *conninfo = strncmp(s->path, "PG:", 3) == 0 ? s->path + 3 : s->path;
    s->pg = PQconnectdb(conninfo);
    if (PQstatus(s->pg) != CONNECTION_OK) {
        char m[512];
        senda__strlcpy(m, PQerrorMessage(s->pg), sizeof m);
        size_t n = strlen(m);
        while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
            m[--n] = '\0';
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot connect to the PostgreSQL store: %s",
                           s->name, m);
    }
    senda_status st = senda__store_exec(ctx, s, "SET client_min_messages = warning");
    if (st != SENDA_OK)
        return st;
    if (!senda__store_has_table(s, "senda_meta")) {
        if (!create)
            return senda__fail(ctx, SENDA_ERR_DATA, "%s: not a senda incident store (no "
                               "senda_meta table): make it with `senda store init`", s->name);
        /* several first imports may race to make the schema: one does it */
        st = senda__store_begin(ctx, s);
        if (st == SENDA_OK)
            st = senda__store_lock(ctx, s);
        if (st == SENDA_OK && !senda__store_has_table(s, "senda_meta"))
            st = senda__pg_create_schema(ctx, s);
        if (st == SENDA_OK)
            st = senda__store_commit(ctx, s);
        if (st != SENDA_OK)
            return st;
    }
    int64_t v = 0;
    st = senda__store_int(ctx, s, "SELECT CAST(value AS integer) FROM senda_meta WHERE key = "
                          "'schema_version'", 0, &v);
    if (st == SENDA_OK && v != SENDA_STORE_SCHEMA)
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: store schema version %lld, this senda "
                         "reads version %d%s", s->name, (long long)v, SENDA_STORE_SCHEMA,
                         v > SENDA_STORE_SCHEMA ? ": upgrade senda" : "");
    return st;
}

void senda__pg_close(senda__store *s)
{
    if (s->pg)
        PQfinish(s->pg);
    s->pg = NULL;
}
