/*
 * inc_testutil.h - helpers for the incident suites: the test layer set, an
 * import into a fresh store, and one-value SQL queries on a store.
 */
#ifndef SENDA_INC_TESTUTIL_H
#define SENDA_INC_TESTUTIL_H

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "senda.h"

#define INC_DATA SENDA_TEST_DATA "/incidents"
#define INC_LAYERS INC_DATA "/layers"
#define INC_MESSY INC_DATA "/messy_latin1.csv"
#define INC_TODAY "2026-11-24"

/* The first column of the first row of sql on db, as text ("" when NULL or no row). */
static inline const char *inc_q(const char *db, const char *sql, char *buf, size_t n)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    buf[0] = '\0';
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW &&
        sqlite3_column_text(q, 0))
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(h);
    return buf;
}

static inline long inc_qn(const char *db, const char *sql)
{
    char buf[64];
    return atol(inc_q(db, sql, buf, sizeof buf));
}

static inline double inc_qd(const char *db, const char *sql)
{
    char buf[64];
    return atof(inc_q(db, sql, buf, sizeof buf));
}

#endif
