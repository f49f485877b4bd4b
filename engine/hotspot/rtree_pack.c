/*
 * rtree_pack.c - a packed R-tree written straight into SQLite's rtree
 * shadow tables, for the GeoPackage spatial index of a layer written in bulk.
 *
 * Inserting 100,000 boxes one by one into an SQLite rtree costs ~10 us each
 * (R*-tree splits and reinserts: 1 s, more than everything else senda does
 * for Gi* on a million points). The entries arrive in a spatially coherent
 * order (the caller walks its cells tile by tile), so they are packed as they
 * come: consecutive entries fill leaves of the node's capacity, consecutive
 * nodes fill their parents, up to one root (a bottom-up packed R-tree, as
 * Leutenegger et al. 1997 "STR" without the sort the order makes needless).
 * Format (SQLite ext/rtree/rtree.c): every node is a blob of the table's
 * node size (the empty root's length); 2-byte big-endian tree depth (root
 * only), 2-byte cell count, then cells of an 8-byte big-endian rowid or child
 * node number and 2 x dims 4-byte big-endian floats, minima rounded down and
 * maxima up; the root is node 1; %_rowid maps each rowid to its leaf and
 * %_parent each node to its parent.
 * Complexity O(n) time, O(n / capacity) nodes of memory at a time per level.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "hotspot/hotspot_int.h"

typedef struct pnode {
    int64_t no;
    double box[4]; /* minx, maxx, miny, maxy */
} pnode;

static void put_be64(unsigned char *p, uint64_t v)
{
    for (int k = 7; k >= 0; k--, v >>= 8)
        p[k] = (unsigned char)(v & 0xff);
}

static void put_coord(unsigned char *p, double v, int up)
{
    float f = (float)v;
    if (up ? (double)f < v : (double)f > v)
        f = nextafterf(f, up ? INFINITY : -INFINITY);
    uint32_t u;
    memcpy(&u, &f, 4);
    for (int k = 3; k >= 0; k--, u >>= 8)
        p[k] = (unsigned char)(u & 0xff);
}

static senda_status sql_fail(senda_ctx *ctx, sqlite3 *db)
{
    return senda__fail(ctx, SENDA_ERR_IO, "spatial index: SQLite: %s", sqlite3_errmsg(db));
}

/* Bind two integers (or an integer and a blob) and step a prepared insert. */
static int put(sqlite3_stmt *q, int64_t a, int64_t b, const void *blob, int n_blob)
{
    sqlite3_bind_int64(q, 1, a);
    if (blob)
        sqlite3_bind_blob(q, 2, blob, n_blob, SQLITE_STATIC);
    else
        sqlite3_bind_int64(q, 2, b);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE;
}

/* One level: the nodes holding `in` (leaf entries, or child nodes), cap
 * cells each, written with their map rows; their summaries go to out. */
static senda_status write_level(senda_ctx *ctx, sqlite3 *db, sqlite3_stmt *q_node,
                                sqlite3_stmt *q_map, const pnode *in, size_t n, int depth,
                                size_t cap, size_t nsz, int64_t *next_no, pnode *out,
                                size_t *n_out)
{
    unsigned char *blob = senda__calloc(ctx, nsz, 1);
    if (!blob)
        return SENDA_ERR_NOMEM;
    senda_status st = SENDA_OK;
    size_t n_nodes = (n + cap - 1) / cap;
    *n_out = n_nodes;
    for (size_t k = 0; k < n_nodes && st == SENDA_OK; k++) {
        size_t a = k * cap, b = a + cap < n ? a + cap : n;
        int64_t no = n_nodes == 1 ? 1 : (*next_no)++;
        memset(blob, 0, nsz);
        blob[0] = (unsigned char)(n_nodes == 1 ? (depth >> 8) & 0xff : 0);
        blob[1] = (unsigned char)(n_nodes == 1 ? depth & 0xff : 0);
        blob[2] = (unsigned char)((b - a) >> 8);
        blob[3] = (unsigned char)((b - a) & 0xff);
        pnode s = {no, {HUGE_VAL, -HUGE_VAL, HUGE_VAL, -HUGE_VAL}};
        for (size_t i = a; i < b && st == SENDA_OK; i++) {
            unsigned char *c = blob + 4 + (i - a) * 24;
            put_be64(c, (uint64_t)in[i].no);
            for (int d = 0; d < 4; d++)
                put_coord(c + 8 + 4 * d, in[i].box[d], d & 1);
            s.box[0] = fmin(s.box[0], in[i].box[0]);
            s.box[1] = fmax(s.box[1], in[i].box[1]);
            s.box[2] = fmin(s.box[2], in[i].box[2]);
            s.box[3] = fmax(s.box[3], in[i].box[3]);
            if (!put(q_map, in[i].no, no, NULL, 0))
                st = sql_fail(ctx, db);
        }
        if (st == SENDA_OK && !put(q_node, no, 0, blob, (int)nsz))
            st = sql_fail(ctx, db);
        out[k] = s;
    }
    senda__free(blob);
    return st;
}

senda_status senda__rtree_pack(senda_ctx *ctx, sqlite3 *db, const char *rt, const int64_t *ids,
                               const double *box, size_t n)
{
    char sql[512];
    sqlite3_stmt *q = NULL, *q_node = NULL, *q_rowid = NULL, *q_parent = NULL;
    pnode *a = NULL, *b = NULL;
    senda_status st = SENDA_OK;
    size_t nsz = 0;
    snprintf(sql, sizeof sql, "SELECT length(data) FROM \"%s_node\" WHERE nodeno = 1", rt);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
        st = sql_fail(ctx, db);
        goto done;
    }
    nsz = (size_t)sqlite3_column_int(q, 0);
    size_t cap = nsz > 4 ? (nsz - 4) / 24 : 0;
    if (n == 0)
        goto done; /* the empty root stays */
    if (cap < 2 || cap > 65535) {
        st = senda__fail(ctx, SENDA_ERR_IO, "spatial index %s: unexpected node size %zu", rt,
                         nsz);
        goto done;
    }
    snprintf(sql, sizeof sql, "DELETE FROM \"%s_node\"; DELETE FROM \"%s_rowid\"; DELETE FROM "
             "\"%s_parent\";", rt, rt, rt);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        st = sql_fail(ctx, db);
        goto done;
    }
    char s1[256], s2[256], s3[256];
    snprintf(s1, sizeof s1, "INSERT INTO \"%s_node\" (nodeno, data) VALUES (?, ?)", rt);
    snprintf(s2, sizeof s2, "INSERT INTO \"%s_rowid\" (rowid, nodeno) VALUES (?, ?)", rt);
    snprintf(s3, sizeof s3, "INSERT INTO \"%s_parent\" (nodeno, parentnode) VALUES (?, ?)", rt);
    if (sqlite3_prepare_v2(db, s1, -1, &q_node, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, s2, -1, &q_rowid, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, s3, -1, &q_parent, NULL) != SQLITE_OK) {
        st = sql_fail(ctx, db);
        goto done;
    }
    a = senda__calloc(ctx, n, sizeof *a);
    b = a ? senda__calloc(ctx, (n + cap - 1) / cap, sizeof *b) : NULL;
    if (!b) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        a[i].no = ids[i];
        memcpy(a[i].box, box + 4 * i, sizeof a[i].box);
    }
    int64_t next_no = 2;
    size_t m = n;
    for (int depth = 0; st == SENDA_OK; depth++) {
        size_t m_up = 0;
        st = write_level(ctx, db, q_node, depth ? q_parent : q_rowid, a, m, depth, cap, nsz,
                         &next_no, b, &m_up);
        if (m_up <= 1)
            break;
        pnode *t = a; /* the summaries become the next level's entries */
        a = b;
        b = t;
        m = m_up;
    }
done:
    sqlite3_finalize(q);
    sqlite3_finalize(q_node);
    sqlite3_finalize(q_rowid);
    sqlite3_finalize(q_parent);
    senda__free(a);
    senda__free(b);
    return st;
}
