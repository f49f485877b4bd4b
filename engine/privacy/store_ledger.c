/*
 * store_ledger.c - the release ledger kept in the incident store a run came
 * from (table `senda_releases`, the same columns as the run file's ledger of
 * ledger.c): a GeoPackage store (an attributes table registered in
 * gpkg_contents) or a PostgreSQL/PostGIS store, both through the store's
 * statement interface with bound parameters. Every run made from the store
 * then sees every release made from any of its runs, however often the run
 * file is rewritten, so two releases of the same data are always audited
 * together. The table is made on the first release (on PostGIS also by
 * `senda store init`, with its grants for the analyst role). Complexity O(r)
 * for r releases.
 */
#include <stdio.h>
#include <string.h>

#include "io/store_int.h"
#include "privacy/privacy_int.h"

#define LEDGER "senda_releases"

senda_status senda__ledger_push(senda_ctx *ctx, json_object ***docs, size_t *n,
                               json_object *doc)
{
    json_object **nd = senda__realloc(ctx, *docs, (*n + 1) * sizeof *nd);
    if (!nd) {
        json_object_put(doc);
        return SENDA_ERR_NOMEM;
    }
    *docs = nd;
    (*docs)[(*n)++] = doc;
    return SENDA_OK;
}

senda_status senda__store_ledger_read(senda_ctx *ctx, const char *store, json_object ***docs,
                                      size_t *n)
{
    *docs = NULL;
    *n = 0;
    senda__store *s = NULL;
    senda_status st = senda__store_open(ctx, store, 0, &s);
    if (st)
        return senda__fail(ctx, st,
                           "publish: the run came from the incident store %s, which keeps the "
                           "releases made from its data; it cannot be read: %s", store,
                           senda_ctx_errmsg(ctx));
    senda__stmt *q = NULL;
    if (senda__store_has_table(s, LEDGER) &&
        (st = senda__stmt_prepare(ctx, s, "SELECT figures FROM " LEDGER " ORDER BY fid", &q)) ==
            SENDA_OK &&
        (st = senda__stmt_query(ctx, q)) == SENDA_OK) {
        while (senda__stmt_next(q)) {
            const char *text = senda__stmt_isnull(q, 0) ? "" : senda__stmt_col_text(q, 0);
            json_object *doc = json_tokener_parse(text);
            if (!doc) {
                st = senda__fail(ctx, SENDA_ERR_DATA, "%s: %s row %zu: unreadable figures",
                                 s->name, LEDGER, *n + 1);
                break;
            }
            if ((st = senda__ledger_push(ctx, docs, n, doc)))
                break;
        }
    }
    senda__stmt_finalize(q);
    senda__store_close(s);
    return st;
}

static senda_status make_table(senda_ctx *ctx, senda__store *s)
{
    if (senda__store_has_table(s, LEDGER))
        return SENDA_OK;
    if (s->kind == SENDA__PG)
        return senda__store_exec(ctx, s, SENDA__PG_LEDGER_DDL);
    senda_status st = senda__store_exec(ctx, s,
                                        "CREATE TABLE " LEDGER " (fid INTEGER PRIMARY KEY "
                                        "AUTOINCREMENT NOT NULL, release TEXT, created TEXT, "
                                        "k INTEGER, units TEXT, filters TEXT, figures TEXT)");
    if (st == SENDA_OK)
        st = senda__store_exec(ctx, s,
                               "INSERT INTO gpkg_contents (table_name, data_type, identifier, "
                               "description) VALUES ('" LEDGER "', 'attributes', '" LEDGER "', "
                               "'What senda publish released from this store')");
    return st;
}

senda_status senda__store_ledger_add(senda_ctx *ctx, const char *store, json_object *doc)
{
    senda__store *s = NULL;
    senda_status st = senda__store_open(ctx, store, 0, &s);
    if (st)
        return senda__fail(ctx, st, "publish: cannot record the release in the incident "
                                    "store %s: %s", store, senda_ctx_errmsg(ctx));
    senda__stmt *q = NULL;
    const char *val[5] = {NULL, NULL, NULL, NULL, NULL};
    static const char *const keys[] = {"release", "created", "units", "filters"};
    for (int i = 0; i < 4; i++) {
        json_object *v;
        if (json_object_object_get_ex(doc, keys[i], &v))
            val[i] = json_object_is_type(v, json_type_string)
                         ? json_object_get_string(v)
                         : json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
    }
    json_object *kv;
    int64_t k = json_object_object_get_ex(doc, "k", &kv) ? json_object_get_int64(kv) : 0;
    if ((st = senda__store_begin(ctx, s)) == SENDA_OK && (st = senda__store_lock(ctx, s)) == SENDA_OK &&
        (st = make_table(ctx, s)) == SENDA_OK &&
        (st = senda__stmt_prepare(ctx, s,
                                  "INSERT INTO " LEDGER " (release, created, k, units, "
                                  "filters, figures) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                  &q)) == SENDA_OK) {
        for (int i = 0; i < 2; i++)
            val[i] ? senda__stmt_text(q, i + 1, val[i]) : senda__stmt_null(q, i + 1);
        senda__stmt_int64(q, 3, k);
        for (int i = 2; i < 4; i++)
            val[i] ? senda__stmt_text(q, i + 2, val[i]) : senda__stmt_null(q, i + 2);
        senda__stmt_text(q, 6, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
        st = senda__stmt_run(ctx, q);
    }
    senda__stmt_finalize(q);
    if (st == SENDA_OK)
        st = senda__store_commit(ctx, s);
    senda__store_close(s);
    return st;
}
