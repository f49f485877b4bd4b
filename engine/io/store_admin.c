/*
 * store_admin.c - `senda store init | check | copy`: make a store (and the
 * PostGIS roles), check that every row is accounted for, and copy a store
 * between back ends with nothing lost.
 *
 * Copy: each table is read in fid order and written with the same fid and
 * every column, values bound by the column's type (integers and doubles as
 * numbers: PostgreSQL prints doubles in their shortest exact form and they
 * are parsed back with strtod, so a GeoPackage -> PostGIS -> GeoPackage copy
 * gives back the same bits), points through each back end's encoding,
 * timestamps as ISO 8601 UTC with milliseconds. One transaction on the
 * destination; PostGIS sequences are moved past the copied fids.
 * Check: a handful of aggregate queries, O(rows) each.
 */
#include <stdio.h>
#include <string.h>

#include "io/io_int.h"
#include "io/store_int.h"

senda_status senda_store_init(senda_ctx *ctx, const char *store, int roles)
{
    senda__reset(ctx);
    if (!ctx || !store)
        return senda__fail(ctx, SENDA_ERR_ARG, "store is required");
    if (roles && senda__store_kind_of(store) != SENDA__PG)
        return senda__fail(ctx, SENDA_ERR_ARG, "%s: --roles needs a PostgreSQL store (PG:... "
                           "or postgresql://...): a GeoPackage file has no database roles",
                           store);
    senda__store *s = NULL;
    senda_status st = senda__store_open(ctx, store, 1, &s);
    if (st == SENDA_OK && roles) {
        st = senda__store_begin(ctx, s);
        if (st == SENDA_OK)
            st = senda__store_lock(ctx, s);
        if (st == SENDA_OK)
            st = senda__pg_create_roles(ctx, s);
        if (st == SENDA_OK)
            st = senda__store_commit(ctx, s);
    }
    senda__store_close(s);
    return st;
}

static void problem(senda_store_report *r, const char *fmt, long n)
{
    if (r->n_problems < 8)
        snprintf(r->problems[r->n_problems], sizeof r->problems[0], fmt, n);
    r->n_problems++;
}

static senda_status count(senda_ctx *ctx, senda__store *s, const char *sql, long *out)
{
    int64_t v = 0;
    senda_status st = senda__store_int(ctx, s, sql, 0, &v);
    *out = (long)v;
    return st;
}

senda_status senda_store_check(senda_ctx *ctx, const char *store, senda_store_report *r)
{
    senda__reset(ctx);
    if (!ctx || !store || !r)
        return senda__fail(ctx, SENDA_ERR_ARG, "store and report are required");
    memset(r, 0, sizeof *r);
    senda__store *s = NULL;
    senda_status st = senda__store_open(ctx, store, 0, &s);
    if (st != SENDA_OK)
        return st;
    int pg = s->kind == SENDA__PG;
    snprintf(r->backend, sizeof r->backend, "%s", pg ? "PostGIS" : "GeoPackage");
    int64_t v = 1;
    if (senda__store_has_table(s, "senda_meta"))
        st = senda__store_int(ctx, s, "SELECT CAST(value AS integer) FROM senda_meta WHERE "
                              "key = 'schema_version'", 1, &v);
    r->schema_version = (int)v;
    long bad = 0;
    char sql[512];
    struct {
        const char *sql;
        long *out;
    } counts[] = {
        {"SELECT count(*) FROM incidents", &r->incidents},
        {"SELECT count(*) FROM incidents WHERE status = 'accepted'", &r->accepted},
        {"SELECT count(*) FROM incidents WHERE status = 'repaired'", &r->repaired},
        {"SELECT count(*) FROM incidents WHERE status = 'duplicate'", &r->duplicates},
        {"SELECT count(*) FROM incidents WHERE status = 'possible_duplicate'",
         &r->possible_duplicates},
        {"SELECT count(*) FROM incident_rejects", &r->rejects},
        {"SELECT count(*) FROM imported_files", &r->files},
        {"SELECT coalesce(sum(n_rows), 0) FROM imported_files", &r->rows_in_files},
    };
    for (size_t i = 0; i < sizeof counts / sizeof *counts && st == SENDA_OK; i++)
        st = count(ctx, s, counts[i].sql, counts[i].out);
    if (st == SENDA_OK && r->schema_version != SENDA_STORE_SCHEMA)
        problem(r, "schema version %ld, not the current one (run `senda store init` on it)",
                r->schema_version);
    if (st == SENDA_OK && r->rows_in_files != r->incidents + r->rejects)
        problem(r, "rows unaccounted for: the imported files read %ld rows, the store holds "
                "a different number of incidents + rejects", r->rows_in_files);
    long known = r->accepted + r->repaired + r->duplicates + r->possible_duplicates;
    if (st == SENDA_OK && r->incidents != known)
        problem(r, "%ld incidents have a status other than accepted, repaired, duplicate, "
                "possible_duplicate", r->incidents - known);
    static const struct {
        const char *sql, *msg;
    } checks[] = {
        {"SELECT count(*) FROM incidents d LEFT JOIN incidents o ON o.fid = d.duplicate_of "
         "WHERE d.status IN ('duplicate', 'possible_duplicate') AND (o.fid IS NULL OR "
         "o.status IN ('duplicate', 'possible_duplicate'))",
         "%ld duplicates do not point at a stored original (duplicate_of)"},
        {"SELECT count(*) FROM incidents WHERE status NOT IN ('duplicate', "
         "'possible_duplicate') AND duplicate_of IS NOT NULL",
         "%ld incidents that are not duplicates have a duplicate_of"},
        {"SELECT count(*) FROM incidents WHERE file_id NOT IN (SELECT fid FROM imported_files)",
         "%ld incidents name no imported file (file_id)"},
        {"SELECT count(*) FROM incident_rejects WHERE file_id NOT IN (SELECT fid FROM "
         "imported_files)", "%ld rejects name no imported file (file_id)"},
        {"SELECT count(*) FROM (SELECT file_id, source_row FROM incidents UNION ALL SELECT "
         "file_id, source_row FROM incident_rejects) u GROUP BY file_id, source_row "
         "HAVING count(*) > 1", "a source row is stored twice (%ld times)"},
    };
    for (size_t i = 0; i < sizeof checks / sizeof *checks && st == SENDA_OK; i++)
        if ((st = count(ctx, s, checks[i].sql, &bad)) == SENDA_OK && bad)
            problem(r, checks[i].msg, bad);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM incidents WHERE geom IS NULL OR "
             "abs(%s - lon) > 1e-9 OR abs(%s - lat) > 1e-9", senda__store_x_sql(s),
             senda__store_y_sql(s));
    if (st == SENDA_OK && (st = count(ctx, s, sql, &bad)) == SENDA_OK && bad)
        problem(r, "%ld incident points differ from their lon/lat columns", bad);
    if (st == SENDA_OK && !pg) {
        senda__stmt *q = NULL;
        st = senda__stmt_prepare(ctx, s, "PRAGMA integrity_check", &q);
        if (st == SENDA_OK)
            st = senda__stmt_query(ctx, q);
        if (st == SENDA_OK && senda__stmt_next(q) && senda__stmt_col_text(q, 0) &&
            strcmp(senda__stmt_col_text(q, 0), "ok") != 0)
            problem(r, "SQLite integrity_check failed (%ld)", 1);
        senda__stmt_finalize(q);
        if (st == SENDA_OK &&
            (st = count(ctx, s, "SELECT count(*) FROM gpkg_ogr_contents c WHERE feature_count "
                        "IS NOT NULL AND feature_count <> CASE lower(table_name) WHEN "
                        "'incidents' THEN (SELECT count(*) FROM incidents) WHEN "
                        "'incident_rejects' THEN (SELECT count(*) FROM incident_rejects) WHEN "
                        "'imported_files' THEN (SELECT count(*) FROM imported_files) ELSE "
                        "feature_count END", &bad)) == SENDA_OK && bad)
            problem(r, "%ld GeoPackage feature counts (gpkg_ogr_contents) are stale", bad);
    }
    senda__store_close(s);
    return st;
}

/* The SELECT of table t on s, in fid order: fid, [x, y,] fields. */
static void select_sql(const senda__store *s, const senda__table *t, char *sql, size_t n)
{
    size_t len = (size_t)snprintf(sql, n, "SELECT fid");
    if (t->has_geom)
        len += (size_t)snprintf(sql + len, n - len, ", %s, %s", senda__store_x_sql(s),
                                senda__store_y_sql(s));
    for (size_t i = 0; i < t->n_fields && len < n; i++)
        len += (size_t)snprintf(sql + len, n - len,
                                s->kind == SENDA__PG && t->fields[i].type == OFTDateTime
                                    ? ", to_char(%s AT TIME ZONE 'UTC', "
                                      "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
                                    : ", %s", t->fields[i].name);
    snprintf(sql + len, n - len, " FROM %s ORDER BY fid", t->name);
}

/* The INSERT of table t: fid, [geom,] fields as ?1.. */
static void insert_sql(const senda__table *t, char *sql, size_t n)
{
    size_t len = (size_t)snprintf(sql, n, "INSERT INTO %s (fid%s", t->name,
                                  t->has_geom ? ", geom" : "");
    for (size_t i = 0; i < t->n_fields && len < n; i++)
        len += (size_t)snprintf(sql + len, n - len, ", %s", t->fields[i].name);
    int k = 1;
    len += (size_t)snprintf(sql + len, n - len, ") VALUES (?%d", k++);
    if (t->has_geom)
        len += (size_t)snprintf(sql + len, n - len, ", ?%d", k++);
    for (size_t i = 0; i < t->n_fields && len < n; i++)
        len += (size_t)snprintf(sql + len, n - len, ", ?%d", k++);
    snprintf(sql + len, n - len, ")");
}

static senda_status copy_table(senda_ctx *ctx, senda__store *src, senda__store *dst,
                               const senda__table *t, long *n_rows)
{
    char sel[4096], ins[4096];
    select_sql(src, t, sel, sizeof sel);
    insert_sql(t, ins, sizeof ins);
    senda__stmt *q = NULL, *w = NULL;
    senda_status st = senda__stmt_prepare(ctx, src, sel, &q);
    if (st == SENDA_OK)
        st = senda__stmt_prepare(ctx, dst, ins, &w);
    if (st == SENDA_OK)
        st = senda__stmt_query(ctx, q);
    *n_rows = 0;
    while (st == SENDA_OK && senda__stmt_next(q)) {
        int c = 0, k = 1;
        senda__stmt_int64(w, k++, senda__stmt_col_int64(q, c++));
        if (t->has_geom) {
            double x = senda__stmt_col_double(q, c), y = senda__stmt_col_double(q, c + 1);
            if (senda__stmt_isnull(q, c))
                senda__stmt_null(w, k);
            else
                senda__stmt_point(w, k, x, y);
            k++, c += 2;
        }
        for (size_t i = 0; i < t->n_fields; i++, k++, c++) {
            if (senda__stmt_isnull(q, c))
                senda__stmt_null(w, k);
            else if (t->fields[i].type == OFTInteger || t->fields[i].type == OFTInteger64)
                senda__stmt_int64(w, k, senda__stmt_col_int64(q, c));
            else if (t->fields[i].type == OFTReal)
                senda__stmt_double(w, k, senda__stmt_col_double(q, c));
            else
                senda__stmt_text(w, k, senda__stmt_col_text(q, c));
        }
        st = senda__stmt_run(ctx, w);
        (*n_rows)++;
    }
    senda__stmt_finalize(q);
    senda__stmt_finalize(w);
    if (st == SENDA_OK && dst->kind == SENDA__PG && strcmp(t->name, "incidents") != 0) {
        {
            char sql[256];
            snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('%s', 'fid'), "
                     "(SELECT coalesce(max(fid), 0) + 1 FROM %s), false)", t->name, t->name);
            st = senda__store_exec(ctx, dst, sql); /* t->name is one of our three tables */
        }
    }
    return st;
}

senda_status senda_store_copy(senda_ctx *ctx, const char *src_path, const char *dst_path,
                              senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    if (!ctx || !src_path || !dst_path)
        return senda__fail(ctx, SENDA_ERR_ARG, "source and destination stores are required");
    if (strcmp(src_path, dst_path) == 0)
        return senda__fail(ctx, SENDA_ERR_ARG, "%s: source and destination are the same store",
                           src_path);
    senda__store *src = NULL, *dst = NULL;
    senda_status st = senda__store_open(ctx, src_path, 0, &src);
    if (st == SENDA_OK)
        st = senda__store_open(ctx, dst_path, 1, &dst);
    if (st == SENDA_OK)
        st = senda__store_begin(ctx, dst);
    if (st == SENDA_OK)
        st = senda__store_lock(ctx, dst);
    int64_t n = 0;
    if (st == SENDA_OK)
        st = senda__store_int(ctx, dst, "SELECT (SELECT count(*) FROM incidents) + (SELECT "
                              "count(*) FROM incident_rejects) + (SELECT count(*) FROM "
                              "imported_files)", 0, &n);
    if (st == SENDA_OK && n)
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: the destination store is not empty (%lld "
                         "rows): copy into a new store", dst->name, (long long)n);
    if (st == SENDA_OK)
        st = senda__store_bulk_begin(ctx, dst, 0, "incidents");
    if (st == SENDA_OK)
        st = senda__store_bulk_begin(ctx, dst, 1, "incident_rejects");
    for (int t = 0; t < 3 && st == SENDA_OK; t++) {
        long rows = 0;
        if (!senda__progress(ctx, progress, progress_arg, t / 3.0, senda__store_tables[t].name))
            st = SENDA_ERR_CANCELLED;
        if (st == SENDA_OK)
            st = copy_table(ctx, src, dst, &senda__store_tables[t], &rows);
        if (st == SENDA_OK)
            senda__log(ctx, 0, "%s: %ld rows copied", senda__store_tables[t].name, rows);
    }
    if (st == SENDA_OK)
        st = senda__store_bulk_end(ctx, dst, 0, -1);
    if (st == SENDA_OK)
        st = senda__store_bulk_end(ctx, dst, 1, -1);
    if (st == SENDA_OK)
        st = senda__store_commit(ctx, dst);
    if (st == SENDA_OK && progress)
        progress(1.0, NULL, progress_arg);
    senda__store_close(src);
    senda__store_close(dst);
    return st;
}
