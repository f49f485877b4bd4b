/*
 * test_store_pg.c - the incident store on PostgreSQL/PostGIS against a real
 * server: each test starts a throw-away cluster (scripts/pg-test-cluster:
 * initdb in a temporary directory, unix socket there, no TCP), runs the same
 * import on a GeoPackage and on PostGIS and compares them row for row, and
 * stops the cluster at the end (a watchdog stops it too if the test process
 * dies). Skipped, with the reason, only when the PostgreSQL 15 / PostGIS 3
 * binaries are not installed.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../incidents/inc_testutil.h"
#include "io/store_int.h"
#include "testutil.h"

static void pg_start(void)
{
    TU_PG_START_OR_SKIP();
}

static void pg_stop(void)
{
    tu_pg_stop();
}

TestSuite(store_pg, .init = pg_start, .fini = pg_stop);

/* Run SQL as user on database db; the first value of the first row into buf ("" when none),
 * the server's error message into buf with return -1 when it fails. */
static int pg_q(const char *db, const char *user, const char *sql, char *buf, size_t n)
{
    char conninfo[256];
    snprintf(conninfo, sizeof conninfo, "dbname=%s user=%s", db, user);
    PGconn *c = PQconnectdb(conninfo);
    PGresult *r = PQexec(c, sql);
    ExecStatusType t = PQresultStatus(r);
    int rc = 0;
    buf[0] = '\0';
    if (t == PGRES_TUPLES_OK && PQntuples(r) > 0)
        snprintf(buf, n, "%s", PQgetvalue(r, 0, 0));
    else if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK)
        snprintf(buf, n, "%s", PQerrorMessage(c)), rc = -1;
    PQclear(r);
    PQfinish(c);
    return rc;
}

static void new_db(const char *name)
{
    char sql[128], buf[512];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    cr_assert_eq(pg_q("postgres", "postgres", sql, buf, sizeof buf), 0, "%s", buf);
}

static senda_status import(senda_ctx *ctx, const char *store, const char *const *files,
                           size_t n, senda_progress_fn progress, senda_incidents_import_summary *sum)
{
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.today = INC_TODAY;
    return senda_incidents_import(ctx, store, files, n, &o, sum, progress, NULL);
}

static void synth(const char *path, int n, int seed)
{
    char args[512];
    snprintf(args, sizeof args, "synth --layers '%s' --n %d --seed %d --out '%s' -q",
             INC_LAYERS, n, seed, path);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
}

static void check_clean(senda_ctx *ctx, const char *store, senda_store_report *r)
{
    cr_assert_eq(senda_store_check(ctx, store, r), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(r->n_problems, 0, "%s: %s", store, r->problems[0]);
    cr_assert_eq(r->schema_version, SENDA_STORE_SCHEMA);
    cr_assert_eq(r->rows_in_files, r->incidents + r->rejects);
}

/* The same messy file into a GeoPackage and into PostGIS: the same outcome for
 * every row, the same points and weights read back; a second import adds nothing. */
Test(store_pg, import_matches_geopackage)
{
    senda_ctx *ctx = NULL;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    char *d = tu_tmpdir(), gpkg[512];
    snprintf(gpkg, sizeof gpkg, "%s/s.gpkg", d);
    new_db("imp");
    const char *files[] = {INC_MESSY};
    senda_incidents_import_summary a, b, again;
    cr_assert_eq(import(ctx, gpkg, files, 1, NULL, &a), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(import(ctx, "PG:dbname=imp", files, 1, NULL, &b), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(memcmp(&a, &b, sizeof a), 0, "import summaries differ");
    cr_assert_eq(import(ctx, "PG:dbname=imp", files, 1, NULL, &again), SENDA_OK);
    cr_assert_eq(again.files_skipped, 1);
    cr_assert_eq(again.read, 0);
    senda_store_report rg, rp;
    check_clean(ctx, gpkg, &rg);
    check_clean(ctx, "PG:dbname=imp", &rp);
    cr_assert_eq(rg.incidents, rp.incidents);
    cr_assert_eq(rg.duplicates, rp.duplicates);
    cr_assert_eq(rg.rejects, rp.rejects);
    cr_assert_eq(rp.rows_in_files, 29); /* the messy file's 29 data rows */
    /* every row's outcome, as one string per store */
    char g[4096], p[4096];
    inc_q(gpkg, "SELECT group_concat(source_row || ':' || status || ':' || coalesce("
                "duplicate_of, '') || ':' || printf('%g', victims), ',') FROM (SELECT * FROM incidents "
                "ORDER BY source_row)", g, sizeof g);
    pg_q("imp", "postgres", "SELECT string_agg(source_row || ':' || status || ':' || coalesce("
         "duplicate_of::text, '') || ':' || victims, ',' ORDER BY source_row) FROM incidents",
         p, sizeof p);
    cr_assert_str_eq(p, g);
    inc_q(gpkg, "SELECT group_concat(source_row || ':' || reason, ',') FROM (SELECT * FROM "
                "incident_rejects ORDER BY source_row)", g, sizeof g);
    pg_q("imp", "postgres", "SELECT string_agg(source_row || ':' || reason, ',' ORDER BY "
         "source_row) FROM incident_rejects", p, sizeof p);
    cr_assert_str_eq(p, g);
    /* the analyses' input: the same points, ids and weights */
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    senda_points *pg = NULL, *pp = NULL;
    cr_assert_eq(senda_incidents_points(ctx, gpkg, &f, "EPSG:32615", &pg), SENDA_OK);
    cr_assert_eq(senda_incidents_points(ctx, "PG:dbname=imp", &f, "EPSG:32615", &pp), SENDA_OK,
                 "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(pg->n, pp->n);
    for (size_t i = 0; i < pg->n; i++) {
        cr_assert_eq(pg->id[i], pp->id[i]);
        cr_assert_eq(pg->x[i], pp->x[i]);
        cr_assert_eq(pg->y[i], pp->y[i]);
        cr_assert_eq(pg->weight[i], pp->weight[i]);
    }
    senda_points_destroy(pg);
    senda_points_destroy(pp);
    unlink(gpkg);
    rmdir(d);
    free(d);
    senda_ctx_destroy(ctx);
}

/* GeoPackage -> PostGIS -> GeoPackage: every row of the three tables the same
 * (compared with SQL EXCEPT both ways, geometry blobs included). */
Test(store_pg, copy_round_trip)
{
    senda_ctx *ctx = NULL;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    char *d = tu_tmpdir(), a[512], b[512], csv[512];
    snprintf(a, sizeof a, "%s/a.gpkg", d);
    snprintf(b, sizeof b, "%s/b.gpkg", d);
    snprintf(csv, sizeof csv, "%s/s.csv", d);
    synth(csv, 3000, 3);
    const char *files[] = {INC_MESSY, csv};
    cr_assert_eq(import(ctx, a, files, 2, NULL, NULL), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    new_db("cp");
    cr_assert_eq(senda_store_copy(ctx, a, "postgresql:///cp", NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_store_copy(ctx, "PG:dbname=cp", b, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    /* into a store that is not empty: refused */
    cr_assert_eq(senda_store_copy(ctx, a, "PG:dbname=cp", NULL, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "not empty"));
    static const char *const tables[] = {"incidents", "incident_rejects", "imported_files"};
    for (int t = 0; t < 3; t++) {
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM %s) || ' ' || (SELECT count(*) "
                 "FROM (SELECT * FROM %s EXCEPT SELECT * FROM b.%s)) || ' ' || (SELECT "
                 "count(*) FROM (SELECT * FROM b.%s EXCEPT SELECT * FROM %s))", tables[t],
                 tables[t], tables[t], tables[t], tables[t]);
        sqlite3 *h = NULL;
        sqlite3_stmt *q = NULL;
        char attach[600];
        snprintf(attach, sizeof attach, "ATTACH '%s' AS b", b);
        cr_assert_eq(sqlite3_open_v2(a, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(h, attach, NULL, NULL, NULL), SQLITE_OK);
        cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK, "%s",
                     sqlite3_errmsg(h));
        cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
        long n = 0, ab = -1, ba = -1;
        sscanf((const char *)sqlite3_column_text(q, 0), "%ld %ld %ld", &n, &ab, &ba);
        cr_expect(n > 0, "%s is empty", tables[t]);
        cr_expect_eq(ab, 0, "%s: %ld rows lost or changed", tables[t], ab);
        cr_expect_eq(ba, 0, "%s: %ld rows added or changed", tables[t], ba);
        sqlite3_finalize(q);
        sqlite3_close(h);
    }
    senda_store_report r;
    check_clean(ctx, b, &r);
    cr_assert(r.duplicates > 0 && r.rejects > 0, "the copy exercises links and rejects");
    unlink(a);
    unlink(b);
    unlink(csv);
    rmdir(d);
    free(d);
    senda_ctx_destroy(ctx);
}

static int die_midway(double complete, const char *message, void *arg)
{
    (void)message, (void)arg;
    if (complete > 0.2)
        raise(SIGKILL); /* as kill -9: no cleanup, no rollback by the client */
    return 1;
}

/* A killed import leaves nothing; imports at once equal imports one after another. */
Test(store_pg, killed_and_concurrent_imports)
{
    senda_ctx *ctx = NULL;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    char *d = tu_tmpdir(), csv[3][512];
    for (int i = 0; i < 3; i++) {
        snprintf(csv[i], sizeof csv[i], "%s/s%d.csv", d, i);
        synth(csv[i], 5000, 40 + i);
    }
    new_db("k");
    const char *first[] = {INC_MESSY};
    cr_assert_eq(import(ctx, "PG:dbname=k", first, 1, NULL, NULL), SENDA_OK);
    senda_store_report before, after;
    check_clean(ctx, "PG:dbname=k", &before);
    pid_t pid = fork();
    if (pid == 0) {
        const char *f[] = {csv[0]};
        senda_ctx *c2 = NULL;
        senda_ctx_create(&c2);
        import(c2, "PG:dbname=k", f, 1, die_midway, NULL);
        _exit(0); /* not reached when the kill came */
    }
    int ws = 0;
    waitpid(pid, &ws, 0);
    cr_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL, "the import was killed midway");
    check_clean(ctx, "PG:dbname=k", &after);
    cr_assert_eq(after.incidents, before.incidents);
    cr_assert_eq(after.rejects, before.rejects);
    cr_assert_eq(after.files, before.files);

    /* a busy store: another session holds the import lock; this import waits the
     * session's lock_timeout (1 s here), then says so and stores nothing */
    PGconn *holder = PQconnectdb("dbname=k");
    PQclear(PQexec(holder, "BEGIN"));
    PQclear(PQexec(holder, "SELECT pg_advisory_xact_lock(495622972513)"));
    setenv("PGOPTIONS", "-c lock_timeout=1s", 1);
    const char *busy[] = {csv[1]};
    cr_assert_eq(import(ctx, "PG:dbname=k", busy, 1, NULL, NULL), SENDA_ERR_IO);
    unsetenv("PGOPTIONS");
    cr_assert(strstr(senda_ctx_errmsg(ctx), "store busy") &&
              strstr(senda_ctx_errmsg(ctx), "longer than the 1 s this one waits"), "%s",
              senda_ctx_errmsg(ctx));
    PQclear(PQexec(holder, "COMMIT"));
    PQfinish(holder);
    check_clean(ctx, "PG:dbname=k", &after);
    cr_assert_eq(after.incidents, before.incidents);

    /* three processes at once into "k", the same files one after another into "seq" in
     * the order the lock granted them (the import numbers files in that order) */
    pid_t kids[3];
    for (int i = 0; i < 3; i++)
        if ((kids[i] = fork()) == 0) {
            const char *f[] = {csv[i]};
            senda_ctx *c2 = NULL;
            senda_ctx_create(&c2);
            _exit(import(c2, "PG:dbname=k", f, 1, NULL, NULL) == SENDA_OK ? 0 : 1);
        }
    for (int i = 0; i < 3; i++) {
        waitpid(kids[i], &ws, 0);
        cr_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "concurrent import %d failed", i);
    }
    new_db("seq");
    cr_assert_eq(import(ctx, "PG:dbname=seq", first, 1, NULL, NULL), SENDA_OK);
    char order[512];
    pg_q("k", "postgres", "SELECT string_agg(path, '|' ORDER BY fid) FROM imported_files "
         "WHERE fid > 1", order, sizeof order);
    for (char *tok = strtok(order, "|"); tok; tok = strtok(NULL, "|")) {
        const char *f[] = {tok};
        cr_assert_eq(import(ctx, "PG:dbname=seq", f, 1, NULL, NULL), SENDA_OK);
    }
    senda_store_report rk, rs;
    check_clean(ctx, "PG:dbname=k", &rk);
    check_clean(ctx, "PG:dbname=seq", &rs);
    cr_assert_eq(rk.files, 4);
    cr_assert_eq(rk.rows_in_files, 29 + 3 * 5000);
    cr_assert_eq(rk.incidents, rs.incidents);
    cr_assert_eq(rk.accepted, rs.accepted);
    cr_assert_eq(rk.duplicates, rs.duplicates);
    cr_assert_eq(rk.rejects, rs.rejects);
    char hk[64], hs[64];
    const char *digest = "SELECT md5(string_agg(fid || ':' || status || ':' || coalesce("
                         "duplicate_of::text, '') || ':' || victims, ',' ORDER BY fid)) FROM "
                         "incidents";
    pg_q("k", "postgres", digest, hk, sizeof hk);
    pg_q("seq", "postgres", digest, hs, sizeof hs);
    cr_assert_str_eq(hk, hs, "every incident, its status and duplicate link the same");
    for (int i = 0; i < 3; i++)
        unlink(csv[i]);
    rmdir(d);
    free(d);
    senda_ctx_destroy(ctx);
}

/* Roles: a field office sees only its own reports, a partner only the aggregates,
 * and senda words the server's refusal. */
Test(store_pg, roles)
{
    senda_ctx *ctx = NULL;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    char *d = tu_tmpdir(), csv[512], buf[512];
    snprintf(csv, sizeof csv, "%s/s.csv", d);
    synth(csv, 3000, 9);
    new_db("r");
    cr_assert_eq(senda_store_init(ctx, "PG:dbname=r", 1), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(pg_q("r", "postgres", "CREATE ROLE tapachula LOGIN IN ROLE senda_field; "
                      "CREATE ROLE arriaga LOGIN IN ROLE senda_field; CREATE ROLE partner "
                      "LOGIN IN ROLE senda_partner; CREATE ROLE analyst LOGIN IN ROLE "
                      "senda_analyst", buf, sizeof buf), 0, "%s", buf);
    const char *f1[] = {INC_MESSY}, *f2[] = {csv};
    cr_assert_eq(import(ctx, "PG:dbname=r user=tapachula", f1, 1, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(import(ctx, "PG:dbname=r user=arriaga", f2, 1, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    pg_q("r", "arriaga", "SELECT count(*) FROM incidents WHERE office <> 'arriaga'", buf,
         sizeof buf);
    cr_assert_str_eq(buf, "0", "a field office sees no other office's reports");
    pg_q("r", "arriaga", "SELECT count(*) FROM incidents", buf, sizeof buf);
    cr_assert_str_eq(buf, "3000");
    pg_q("r", "analyst", "SELECT count(DISTINCT office) FROM incidents", buf, sizeof buf);
    cr_assert_str_eq(buf, "2", "an analyst reads every office's points");
    cr_assert_eq(pg_q("r", "partner", "SELECT count(*) FROM incidents", buf, sizeof buf), -1);
    cr_assert(strstr(buf, "permission denied for table incidents"), "%s", buf);
    cr_assert_eq(pg_q("r", "partner", "SELECT sum(incidents) > 0 FROM incident_aggregates",
                      buf, sizeof buf), 0, "%s", buf);
    cr_assert_str_eq(buf, "t", "a partner reads the aggregates");
    pg_q("r", "postgres", "SELECT count(*) FROM information_schema.columns WHERE table_name = "
         "'incident_aggregates' AND column_name IN ('geom', 'lon', 'lat', 'date', "
         "'date_first', 'message', 'raw', 'place')", buf, sizeof buf);
    cr_assert_str_eq(buf, "0", "no point, day or free text in the aggregates");
    pg_q("r", "partner", "SELECT min(incidents) FROM incident_aggregates", buf, sizeof buf);
    cr_assert(atol(buf) >= 11, "every published count is at least k = 11, got %s", buf);
    /* the CLI as a partner */
    tu_run r = tu_senda("hotspot --store 'PG:dbname=r user=partner' --out /dev/null/h.gpkg -q");
    cr_assert_eq(r.exit_code, 1);
    cr_assert(strstr(r.err, "refused role 'partner'") && strstr(r.err, "permission denied") &&
              strstr(r.err, "senda_partner reads only the published aggregates"), "%s", r.err);
    tu_run_free(&r);
    unlink(csv);
    rmdir(d);
    free(d);
    senda_ctx_destroy(ctx);
}

/* Store arguments senda cannot open are refused, never made into local files. */
Test(store_args, refused_not_created)
{
    char *d = tu_tmpdir(), cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && PGHOST='%s' PGCONNECT_TIMEOUT=5 '%s' incidents import "
             "'%s' --store 'PG:dbname=x' --no-join -q 2>err; echo $? > rc",
             d, d, SENDA_CLI_PATH, INC_MESSY);
    cr_assert_eq(system(cmd), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/err", d);
    char *err = tu_read(path);
    cr_assert(err && strstr(err, "PG:dbname=x: cannot connect to the PostgreSQL store"), "%s",
              err);
    free(err);
    DIR *dir = opendir(d);
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        cr_assert(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
                  strcmp(e->d_name, "err") == 0 || strcmp(e->d_name, "rc") == 0,
                  "%s made in the working directory", e->d_name);
    closedir(dir);
    snprintf(path, sizeof path, "%s/rc", d);
    char *rc = tu_read(path);
    cr_assert_eq(atoi(rc), 1, "the import failed");
    free(rc);
    senda_ctx *ctx = NULL;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    senda_store_report rep;
    cr_assert_eq(senda_store_check(ctx, "mysql://host/db", &rep), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "not a store senda can open"));
    cr_assert_eq(senda_store_init(ctx, "x.gpkg", 1), SENDA_ERR_ARG);
    senda_ctx_destroy(ctx);
    const char *names[] = {"err", "rc"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", d, names[i]);
        unlink(path);
    }
    rmdir(d);
    free(d);
}

/* A schema-1 GeoPackage store (no office column, no senda_meta) is reported by
 * store check, migrated by the next import, and then checks clean; a broken
 * duplicate link or a lost row is found. */
Test(store_args, gpkg_migration_and_check)
{
    senda_ctx *ctx = NULL;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    char *d = tu_tmpdir(), gpkg[512];
    snprintf(gpkg, sizeof gpkg, "%s/v1.gpkg", d);
    const char *files[] = {INC_MESSY};
    cr_assert_eq(import(ctx, gpkg, files, 1, NULL, NULL), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    sqlite3 *h = NULL;
    cr_assert_eq(sqlite3_open(gpkg, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "ALTER TABLE incidents DROP COLUMN office; ALTER TABLE "
                              "incident_rejects DROP COLUMN office; ALTER TABLE imported_files "
                              "DROP COLUMN office; DROP TABLE senda_meta; DELETE FROM "
                              "gpkg_contents WHERE table_name = 'senda_meta'; DELETE FROM "
                              "gpkg_ogr_contents WHERE table_name = 'senda_meta'",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    sqlite3_close(h);
    senda_store_report r;
    cr_assert_eq(senda_store_check(ctx, gpkg, &r), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(r.schema_version, 1);
    cr_assert_eq(r.n_problems, 1, "%s", r.problems[0]);
    cr_assert_eq(senda_store_init(ctx, gpkg, 0), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    check_clean(ctx, gpkg, &r);
    cr_assert_eq(r.rows_in_files, 29);
    /* break a duplicate link and lose a reject: both found */
    cr_assert_eq(sqlite3_open(gpkg, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "UPDATE incidents SET duplicate_of = 999 WHERE status = "
                              "'duplicate'; DELETE FROM incident_rejects WHERE fid = (SELECT "
                              "min(fid) FROM incident_rejects)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    cr_assert_eq(senda_store_check(ctx, gpkg, &r), SENDA_OK);
    /* (GDAL's delete trigger keeps the feature count right) */
    cr_assert_eq(r.n_problems, 2, "%d: %s | %s", r.n_problems, r.problems[0], r.problems[1]);
    cr_assert(strstr(r.problems[0], "rows unaccounted for"), "%s", r.problems[0]);
    cr_assert(strstr(r.problems[1], "do not point at a stored original"), "%s", r.problems[1]);
    unlink(gpkg);
    rmdir(d);
    free(d);
    senda_ctx_destroy(ctx);
}
