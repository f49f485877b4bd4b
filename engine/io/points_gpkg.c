/*
 * points_gpkg.c - the fast path of senda_points_read for a GeoPackage point
 * layer that needs no reprojection: one SQLite scan of the feature table,
 * decoding each GeoPackage geometry blob (OGC 12-128r18, section 2.1.3: the
 * "GP" header, flags, srs_id and optional envelope, then ISO WKB) directly,
 * instead of building an OGR feature and geometry per row (OGR's own reader
 * does the same query; this skips its per-feature objects: a million points
 * in 0.1 s instead of 0.35 s).
 *
 * Scope: 2D, Z, M and ZM WKB points with a non-empty geometry and, when a
 * weight field is named, an INTEGER or REAL value. Anything else (a null or
 * empty geometry, a multipoint or other type, a GeoPackage extended type, a
 * null or text weight, a file SQLite cannot open) makes the fast path give up
 * before the caller has used any row, and senda_points_read reads the layer
 * through OGR as before, with its errors and centroids; the result is then
 * the same. Rows come in the table's rowid order, as OGR's GPKG reader
 * returns them. One deliberate difference: a REAL weight is taken exactly,
 * where OGR's path goes through a 15-digit string (a change below 1e-15
 * relative).
 * O(n) time; memory: the caller's point arrays, grown by doubling
 * (senda__points_grow, which the OGR reader in points.c uses too: it lives
 * here because points.c calls this file, never the other way).
 *
 * Two threads on large layers: when the fid is the table's INTEGER PRIMARY
 * KEY (as the GeoPackage standard requires), the layer has at least
 * senda__gpkg_split_min rows (65,536) and its fids are dense (their range is
 * under twice the rows), the fid range is cut in two and each half is read
 * by its own thread, on its own SQLite connection, into its own part of the
 * point arrays (sized from the fid range once, so neither thread allocates);
 * the second part then follows the first, so the order is the same fid
 * order. A million points: 0.10 s of reading became about 0.05 s on two
 * processors (scripts/bench/hotspot). Either half giving up makes the whole
 * read give up, as with one thread.
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io/io_int.h"

/* a grown to n elements of size bytes; a itself (and *ok cleared) when that
 * fails or an earlier array failed. */
static void *regrow(senda_ctx *ctx, void *a, size_t n, size_t size, int *ok)
{
    void *r = *ok ? senda__realloc(ctx, a, n * size) : NULL;
    if (!r) {
        *ok = 0;
        return a;
    }
    return r;
}

senda_status senda__points_grow(senda_ctx *ctx, senda_points *p, size_t *cap)
{
    size_t nc = *cap * 2;
    int ok = 1;
    p->x = regrow(ctx, p->x, nc, sizeof *p->x, &ok);
    p->y = regrow(ctx, p->y, nc, sizeof *p->y, &ok);
    p->weight = regrow(ctx, p->weight, nc, sizeof *p->weight, &ok);
    p->id = regrow(ctx, p->id, nc, sizeof *p->id, &ok);
    if (!ok)
        return SENDA_ERR_NOMEM;
    *cap = nc;
    return SENDA_OK;
}

/* Reads a little- or big-endian uint32 / double. */
static uint32_t rd_u32(const unsigned char *b, int le)
{
    return le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
              : (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
}

static double rd_f64(const unsigned char *b, int le)
{
    unsigned char t[8];
    for (int i = 0; i < 8; i++)
        t[i] = le ? b[i] : b[7 - i];
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | t[i];
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* x, y of a GeoPackage point blob; 0 when it is not a plain non-empty point. */
static int gpkg_point(const unsigned char *b, int n, double *x, double *y)
{
    static const int env_bytes[8] = {0, 32, 48, 48, 64, -1, -1, -1};
    if (n < 8 || b[0] != 'G' || b[1] != 'P' || b[2] != 0)
        return 0;
    int flags = b[3], env = env_bytes[(flags >> 1) & 7];
    if (env < 0 || (flags & 0x30)) /* bad envelope code, empty flag or extended type */
        return 0;
    const unsigned char *w = b + 8 + env;
    if (n < 8 + env + 21 || w[0] > 1)
        return 0;
    int le = w[0] == 1;
    uint32_t t = rd_u32(w + 1, le);
    if (t != 1 && t != 1001 && t != 2001 && t != 3001)
        return 0;
    *x = rd_f64(w + 5, le);
    *y = rd_f64(w + 13, le);
    return !isnan(*x) && !isnan(*y);
}

/* The rows of sql into p (the scan of one thread): the whole table, or the
 * fids lo..hi when sql has the two parameters of a split read. */
typedef struct {
    senda_ctx *ctx;  /* grows p through it; NULL: p holds at most *cap points */
    const char *path, *sql;
    int weighted;
    sqlite3_int64 lo, hi;
    senda_points *p;
    size_t *cap;
    int result; /* 1: every row read; 0: the caller should use OGR; -1: out of memory */
} scan_job;

static void scan(scan_job *j)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    senda_points *p = j->p;
    /* the count and capacity in locals, stored back when the arrays grow and at the end: the
     * second thread's p and cap sit on the first thread's stack, and a store to them at every
     * row shared a cache line with the first thread's own (the two threads ran at half speed
     * in one run of two, depending on where the stack began) */
    size_t n = p->n, cap = *j->cap;
    int ok = 0;
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX; /* one connection per thread */
    if (sqlite3_open_v2(j->path, &db, flags, NULL) != SQLITE_OK)
        goto done;
    /* read the pages through a memory map, not pread() copies (ignored where
     * SQLite cannot map) */
    sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, j->sql, -1, &stmt, NULL) != SQLITE_OK)
        goto done;
    if (sqlite3_bind_parameter_count(stmt) == 2 && /* the fid range of a split read */
        (sqlite3_bind_int64(stmt, 1, j->lo) != SQLITE_OK ||
         sqlite3_bind_int64(stmt, 2, j->hi) != SQLITE_OK))
        goto done;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        double x, y, w = 1.0;
        const unsigned char *b = sqlite3_column_blob(stmt, 1);
        if (!b || !gpkg_point(b, sqlite3_column_bytes(stmt, 1), &x, &y))
            goto done;
        if (j->weighted) {
            int t = sqlite3_column_type(stmt, 2);
            if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
                goto done;
            w = sqlite3_column_double(stmt, 2);
            if (!isfinite(w))
                goto done;
        }
        if (n >= cap) {
            p->n = n;
            if (!j->ctx || senda__points_grow(j->ctx, p, j->cap) != SENDA_OK) {
                ok = j->ctx ? -1 : 0;
                goto done;
            }
            cap = *j->cap;
        }
        p->x[n] = x;
        p->y[n] = y;
        p->weight[n] = w;
        p->id[n] = (int64_t)sqlite3_column_int64(stmt, 0);
        n++;
    }
    ok = rc == SQLITE_DONE;
done:
    p->n = n;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    j->result = ok;
}

static void *scan_thread(void *arg)
{
    scan(arg);
    return NULL;
}

size_t senda__gpkg_split_min = (size_t)1 << 16;

/* Whether to read the table in two halves at the same time, and where to
 * cut: only when the fid is the table's INTEGER PRIMARY KEY (so a range of
 * fids is one seek and rows come in fid order), the layer has at least
 * senda__gpkg_split_min rows, two processors are online, and the fids are
 * dense enough (max - min + 1 <= 2 rows) that arrays sized by the fid range
 * stay within twice the points. Sets [*lo, *mid] and (*mid, *hi]. */
static int split_plan(const char *path, OGRLayerH lyr, const char *table, const char *fid,
                      sqlite3_int64 *lo, sqlite3_int64 *mid, sqlite3_int64 *hi)
{
    GIntBig n = OGR_L_GetFeatureCount(lyr, 0);
    if (n < 0 || (size_t)n < senda__gpkg_split_min || sysconf(_SC_NPROCESSORS_ONLN) < 2)
        return 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int ok = 0;
    char *q = sqlite3_mprintf("SELECT (SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) = 1"
                              " AND EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE pk = 1 AND"
                              " name = ?2 COLLATE NOCASE AND upper(type) = 'INTEGER'),"
                              " (SELECT min(\"%w\") FROM \"%w\"), (SELECT max(\"%w\") FROM \"%w\")",
                              fid, table, fid, table);
    if (!q || sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) ||
        sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, fid, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1 ||
        sqlite3_column_type(st, 1) != SQLITE_INTEGER)
        goto done;
    *lo = sqlite3_column_int64(st, 1);
    *hi = sqlite3_column_int64(st, 2);
    /* span - 1 without overflow: both ends are int64 */
    uint64_t span = (uint64_t)*hi - (uint64_t)*lo;
    if (*hi < *lo || span >= 2 * (uint64_t)n)
        goto done;
    *mid = *lo + (sqlite3_int64)(span / 2);
    ok = 1;
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    sqlite3_free(q);
    return ok;
}

/* p's arrays grown to hold want points (*cap updated); -1 out of memory. */
static int reserve(senda_ctx *ctx, senda_points *p, size_t *cap, size_t want)
{
    while (*cap < want)
        if (senda__points_grow(ctx, p, cap) != SENDA_OK)
            return -1;
    return 0;
}

/* Appends the layer's points to p (grown from capacity *cap). Returns 1 when
 * it read every row, 0 when the caller should read through OGR instead (p->n
 * is then back to its value at entry), -1 on allocation failure. */
int senda__gpkg_points_fast(senda_ctx *ctx, const char *path, OGRLayerH lyr, int wfield,
                            senda_points *p, size_t *cap)
{
    const char *fid = OGR_L_GetFIDColumn(lyr), *geom = OGR_L_GetGeometryColumn(lyr);
    const char *table = OGR_L_GetName(lyr);
    const char *wname = wfield >= 0
        ? OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(lyr), wfield)) : NULL;
    if (!fid || !fid[0] || !geom || !geom[0] || !table)
        return 0;
    size_t n0 = p->n;
    int ok = 0;
    sqlite3_int64 lo = 0, mid = 0, hi = 0;
    int split = split_plan(path, lyr, table, fid, &lo, &mid, &hi);
    const char *fmt = split ? "SELECT \"%w\", \"%w\", \"%w\" FROM \"%w\" WHERE \"%w\" >= ?1 AND"
                              " \"%w\" <= ?2"
                            : "SELECT \"%w\", \"%w\", \"%w\" FROM \"%w\"";
    /* without a weight the third column repeats the fid (not read) */
    char *sql = sqlite3_mprintf(fmt, fid, geom, wname ? wname : fid, table, fid, fid);
    if (!sql)
        goto done;
    scan_job a = {ctx, path, sql, wname != NULL, lo, mid, p, cap, 0};
    if (!split) {
        scan(&a);
        ok = a.result;
        goto done;
    }
    /* fids [lo, mid] here, (mid, hi] on a second thread, each into its own
     * part of p's arrays (sized by the fid range: no growth, no lock); the
     * second part then moves down behind the first when fids had gaps */
    size_t n_a = (size_t)((uint64_t)mid - (uint64_t)lo) + 1, n_b = (size_t)((uint64_t)hi - (uint64_t)mid);
    if (reserve(ctx, p, cap, n0 + n_a + n_b) != 0) {
        ok = -1;
        goto done;
    }
    size_t off = n0 + n_a;
    senda_points pb = {0, p->x + off, p->y + off, p->weight + off, p->id + off, {0}};
    size_t cap_a = n0 + n_a, cap_b = n_b;
    a.ctx = NULL;
    a.cap = &cap_a;
    scan_job b = {NULL, path, sql, wname != NULL, mid + 1, hi, &pb, &cap_b, 0};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, scan_thread, &b) == 0;
    scan(&a);
    if (threaded)
        pthread_join(th, NULL);
    else
        scan(&b);
    if (a.result != 1 || b.result != 1)
        goto done;
    if (p->n != off) {
        memmove(p->x + p->n, pb.x, pb.n * sizeof *p->x);
        memmove(p->y + p->n, pb.y, pb.n * sizeof *p->y);
        memmove(p->weight + p->n, pb.weight, pb.n * sizeof *p->weight);
        memmove(p->id + p->n, pb.id, pb.n * sizeof *p->id);
    }
    p->n += pb.n;
    ok = 1;
done:
    if (ok != 1)
        p->n = n0;
    sqlite3_free(sql);
    return ok;
}
