/*
 * test_source_pg.c - import reports from a live PostgreSQL/PostGIS table
 * (`senda incidents import 'PG:...' --layer TABLE`): a throw-away cluster
 * started here (scripts/pg-test-cluster: unix socket in a temporary
 * directory, no TCP, stopped at the end), a PostGIS table of reports with a
 * point geometry and a second spatial table (shelters) beside it. Checks every row
 * accounted for, the geometry used as the location, the source hashed by its
 * rows (the same rows again: skipped; a changed row: read again), --layer
 * required when the database holds several tables, and no password in the
 * store. Skipped, with the reason, when the PostgreSQL binaries are absent.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inc_testutil.h"
#include "testutil.h"

static void pg_start(void)
{
    TU_PG_START_OR_SKIP();
}

TestSuite(source_pg, .init = pg_start, .fini = tu_pg_stop);

/* Run sql (several statements allowed) on db; fails the test on an error. */
static void pg_exec(const char *db, const char *sql)
{
    char conninfo[128];
    snprintf(conninfo, sizeof conninfo, "dbname=%s", db);
    PGconn *c = PQconnectdb(conninfo);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ExecStatusType t = PQresultStatus(r);
    cr_assert(t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

static senda_status import_pg(senda_ctx *ctx, const char *store, const char *src,
                              const char *layer, senda_incidents_import_summary *sum)
{
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.today = INC_TODAY;
    o.layer = layer;
    const char *files[] = {src};
    return senda_incidents_import(ctx, store, files, 1, &o, sum, NULL, NULL);
}

Test(source_pg, postgis_table_imports_every_row_accounted)
{
    pg_exec("postgres", "CREATE DATABASE rep");
    pg_exec("rep", "CREATE EXTENSION postgis;"
                   "CREATE TABLE reportes (id serial PRIMARY KEY, fecha date, tipo text, "
                   "victimas integer, geom geometry(Point, 4326));"
                   "INSERT INTO reportes (fecha, tipo, victimas, geom) VALUES "
                   "('2019-05-02', 'secuestro', 2, ST_SetSRID(ST_MakePoint(-93.90, 16.20), 4326)),"
                   "('2019-06-10', 'homicidio', 1, ST_SetSRID(ST_MakePoint(-94.50, 17.00), 4326)),"
                   /* outside the study area (lon -99..-86, lat 13..22): rejected */
                   "('2019-07-01', 'extorsión', 3, ST_SetSRID(ST_MakePoint(10.0, 50.0), 4326));"
                   "CREATE TABLE albergues (nombre text, geom geometry(Point, 4326));"
                   "INSERT INTO albergues VALUES ('La 72', "
                   "ST_SetSRID(ST_MakePoint(-91.42, 17.47), 4326));");
    char *dir = tu_tmpdir(), store[600], args[1400];
    snprintf(store, sizeof store, "%s/s.gpkg", dir);

    /* the command a user runs; PGHOST/PGPORT/PGUSER point at the test cluster */
    snprintf(args, sizeof args,
             "incidents import 'PG:dbname=rep password=s3cret' --layer reportes --store '%s' "
             "--today %s -q", store, INC_TODAY);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    cr_assert_eq(inc_qn(store, "SELECT count(*) FROM incidents"), 2);
    cr_assert_eq(inc_qn(store, "SELECT count(*) FROM incident_rejects WHERE reason = "
                               "'outside_study_area'"), 1);
    cr_assert_eq(inc_qn(store, "SELECT count(*) FROM incidents WHERE type = 'kidnapping' AND "
                               "victims = 2 AND abs(lon + 93.9) < 1e-9 AND abs(lat - 16.2) < 1e-9"),
                 1, "the PostGIS point is the location");
    cr_assert_eq(inc_qn(store, "SELECT count(*) FROM imported_files WHERE n_rows = 3"), 1);
    char buf[512];
    inc_q(store, "SELECT path FROM imported_files", buf, sizeof buf);
    cr_assert(strstr(buf, "password=***") && !strstr(buf, "s3cret"), "stored path: %s", buf);

    /* the same rows again: already imported */
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_import_summary sum;
    cr_assert_eq(import_pg(ctx, store, "PG:dbname=rep", "reportes", &sum), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.files_skipped, 1);
    cr_assert_eq(sum.read, 0);

    /* one row changed: the table is a new source, read again; every row accounted
     * for, the two valid reports recognised as duplicates of the stored ones (same
     * type, place and day), the changed count raising the stored one */
    pg_exec("rep", "UPDATE reportes SET victimas = 4 WHERE tipo = 'homicidio'");
    cr_assert_eq(import_pg(ctx, store, "PG:dbname=rep", "reportes", &sum), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.files_skipped, 0);
    cr_assert_eq(sum.read, 3);
    cr_assert_eq(sum.read, sum.accepted + sum.rejected + sum.duplicate + sum.possible_duplicate);
    cr_assert_eq(sum.rejected, 1);
    cr_assert_eq(sum.duplicate, 2, "accepted %ld, duplicate %ld", sum.accepted, sum.duplicate);
    cr_assert_eq(inc_qn(store, "SELECT victims FROM incidents WHERE type = 'homicide' AND "
                               "status IN ('accepted','repaired')"), 4);

    /* several tables and none named: refused, naming them */
    cr_assert_eq(import_pg(ctx, store, "PG:dbname=rep", NULL, &sum), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "'reportes'") &&
                  strstr(senda_ctx_errmsg(ctx), "'albergues'") &&
                  strstr(senda_ctx_errmsg(ctx), "--layer"),
              "%s", senda_ctx_errmsg(ctx));
    /* a table that is not there */
    cr_assert_eq(import_pg(ctx, store, "PG:dbname=rep", "reports", &sum), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "no layer 'reports'"), "%s", senda_ctx_errmsg(ctx));
    senda_ctx_destroy(ctx);
    free(dir);
}
