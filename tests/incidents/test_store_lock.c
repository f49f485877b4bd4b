/*
 * test_store_lock.c - the incident store under another process's lock and on
 * first creation: a busy store is waited for SENDA_STORE_BUSY_MS, then the
 * import fails saying the store is in use by another import and what to do,
 * without SQL text and without touching the store; a first import that fails
 * leaves no store and no temporary.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "inc_testutil.h"
#include "io/store_int.h"
#include "testutil.h"

static int n_entries(const char *path)
{
    DIR *d = opendir(path);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    if (d)
        closedir(d);
    return n;
}

Test(store_lock, a_busy_store_waits_then_says_it_is_in_use_by_another_import)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char *d = tu_tmpdir(), db[512];
    snprintf(db, sizeof db, "%s/s.gpkg", d);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.today = INC_TODAY;
    char more[512];
    snprintf(more, sizeof more, "%s/more.csv", d);
    cr_assert_eq(tu_write(more, "fecha,tipo,lat,lon\n2019-01-01,secuestro,14.9,-92.3\n"), 0);
    const char *first[] = {INC_MESSY}, *second[] = {more};
    senda_incidents_import_summary s;
    cr_assert_eq(senda_incidents_import(ctx, db, first, 1, &o, &s, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    char before[65], after[65];
    cr_assert_eq(senda__sha256_file(ctx, db, before), SENDA_OK);
    /* another import's write lock, held by a second connection */
    sqlite3 *other = NULL;
    cr_assert_eq(sqlite3_open(db, &other), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    time_t t0 = time(NULL);
    senda_status st = senda_incidents_import(ctx, db, second, 1, &o, &s, NULL, NULL);
    double waited = difftime(time(NULL), t0);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    cr_assert_eq(st, SENDA_ERR_IO);
    const char *msg = senda_ctx_errmsg(ctx);
    cr_assert(strstr(msg, db) && strstr(msg, "in use by another import") &&
                  strstr(msg, "wait for that import to finish"),
              "%s", msg);
    cr_assert(!strstr(msg, "BEGIN") && !strstr(msg, "SELECT") && !strstr(msg, "database is locked"), "%s",
              msg);
    /* waited about the stated time, not forever */
    cr_assert(waited >= SENDA_STORE_BUSY_MS / 1000 - 1 && waited <= SENDA_STORE_BUSY_MS / 1000 + 30,
              "waited %.0f s", waited);
    cr_assert_eq(senda__sha256_file(ctx, db, after), SENDA_OK);
    cr_assert_str_eq(after, before, "the store changed");
    cr_assert_eq(n_entries(d), 2, "a temporary or journal was left"); /* store, more.csv */
    unlink(db), unlink(more), rmdir(d);
    free(d);
    senda_ctx_destroy(ctx);
}

Test(store_lock, a_failed_first_import_leaves_no_store_and_no_temporary)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char *d = tu_tmpdir(), db[512], bad[512];
    snprintf(db, sizeof db, "%s/new.gpkg", d);
    snprintf(bad, sizeof bad, "%s/bad.csv", d);
    cr_assert_eq(tu_write(bad, "fecha,tipo,lat,lon\n2019-01-01,secuestro,14.9,-92.3\n"), 0);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.today = INC_TODAY;
    const char *files[] = {bad, INC_DATA "/no-such-file.csv"};
    senda_incidents_import_summary s;
    cr_assert_neq(senda_incidents_import(ctx, db, files, 2, &o, &s, NULL, NULL), SENDA_OK);
    cr_assert_eq(access(db, F_OK), -1, "a store was left behind");
    cr_assert_eq(n_entries(d), 1, "a temporary was left"); /* bad.csv only */
    /* and a first import that succeeds puts the store in place */
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, &s, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(s.accepted, 1);
    cr_assert_eq(n_entries(d), 2);
    unlink(db), unlink(bad), rmdir(d);
    free(d);
    senda_ctx_destroy(ctx);
}
