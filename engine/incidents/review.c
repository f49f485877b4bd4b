/*
 * review.c - `senda incidents review`: list the reports kept as
 * possible_duplicate (crossmatch.c could not tell which of several reports
 * they repeat) and settle one: keep it as its own event (status accepted,
 * flag kept_by_review, so later imports never link it again) or link it as a
 * duplicate of a report (the one proposed, or another the reviewer names);
 * a linked report's larger count is given to that report, as on import.
 *
 * Complexity: one indexed query per call.
 */
#include <string.h>

#include "incidents/incidents_int.h"

static senda_status open_store(senda_ctx *ctx, const char *path, senda__store **out)
{
    if (!path)
        return senda__fail(ctx, SENDA_ERR_ARG, "a store path is required");
    return senda__store_open(ctx, path, 0, out);
}

static char *dup_col(senda_ctx *ctx, senda__stmt *q, int i)
{
    const char *t = senda__stmt_col_text(q, i);
    return senda__strdup(ctx, t ? t : "");
}

senda_status senda_incidents_review_list(senda_ctx *ctx, const char *store_path,
                                         senda_review_item **out, size_t *n)
{
    senda__reset(ctx);
    if (!out || !n)
        return senda__fail(ctx, SENDA_ERR_ARG, "out and n are required");
    *out = NULL, *n = 0;
    senda__store *s = NULL;
    senda__stmt *q = NULL;
    size_t cap = 0;
    senda_status st = open_store(ctx, store_path, &s);
    if (st == SENDA_OK)
        st = senda__stmt_prepare(
            ctx, s, "SELECT a.fid, a.duplicate_of, a.date, a.type, a.victims, a.lon, a.lat, "
            "a.source_file, a.message, b.date, b.type, b.victims, b.source_file FROM incidents a "
            "LEFT JOIN incidents b ON b.fid = a.duplicate_of WHERE a.status = "
            "'possible_duplicate' ORDER BY a.fid", &q);
    if (st == SENDA_OK)
        st = senda__stmt_query(ctx, q);
    while (st == SENDA_OK && senda__stmt_next(q)) {
        senda_review_item *v = senda__grow(ctx, *out, *n, &cap, sizeof *v, 16);
        if (!v) {
            st = SENDA_ERR_NOMEM;
            break;
        }
        *out = v;
        senda_review_item *it = &(*out)[(*n)++];
        memset(it, 0, sizeof *it);
        it->fid = senda__stmt_col_int64(q, 0);
        it->candidate = senda__stmt_col_int64(q, 1);
        it->victims = senda__stmt_col_double(q, 4);
        it->lon = senda__stmt_col_double(q, 5);
        it->lat = senda__stmt_col_double(q, 6);
        it->candidate_victims = senda__stmt_col_double(q, 11);
        it->date = dup_col(ctx, q, 2), it->type = dup_col(ctx, q, 3);
        it->source_file = dup_col(ctx, q, 7), it->message = dup_col(ctx, q, 8);
        it->candidate_date = dup_col(ctx, q, 9), it->candidate_type = dup_col(ctx, q, 10);
        it->candidate_source_file = dup_col(ctx, q, 12);
        if (!it->date || !it->type || !it->source_file || !it->message ||
            !it->candidate_date || !it->candidate_type || !it->candidate_source_file)
            st = SENDA_ERR_NOMEM;
    }
    senda__stmt_finalize(q);
    senda__store_close(s);
    if (st != SENDA_OK) {
        senda_review_items_free(*out, *n);
        *out = NULL, *n = 0;
    }
    return st;
}

void senda_review_items_free(senda_review_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        senda__free(items[i].date), senda__free(items[i].type);
        senda__free(items[i].source_file), senda__free(items[i].message);
        senda__free(items[i].candidate_date), senda__free(items[i].candidate_type);
        senda__free(items[i].candidate_source_file);
    }
    senda__free(items);
}

/* Run one UPDATE with fid as ?1 and, when link is given, ?2 = *link (NULL
 * when *link < 0: keep the duplicate_of the import found). */
static senda_status update_fid(senda_ctx *ctx, senda__store *s, const char *sql, int64_t fid,
                               const int64_t *link)
{
    senda__stmt *q = NULL;
    senda_status st = senda__stmt_prepare(ctx, s, sql, &q);
    if (st == SENDA_OK) {
        senda__stmt_int64(q, 1, fid);
        if (link && *link > 0)
            senda__stmt_int64(q, 2, *link);
        else if (link)
            senda__stmt_null(q, 2);
        st = senda__stmt_run(ctx, q);
    }
    senda__stmt_finalize(q);
    return st;
}

/* *n = the number of incidents with fid and a status among those sql (with
 * the fid as ?1) selects. */
static senda_status count_fid(senda_ctx *ctx, senda__store *s, const char *sql, int64_t fid,
                              int64_t *n)
{
    senda__stmt *q = NULL;
    senda_status st = senda__stmt_prepare(ctx, s, sql, &q);
    if (st == SENDA_OK) {
        senda__stmt_int64(q, 1, fid);
        st = senda__stmt_query(ctx, q);
    }
    *n = st == SENDA_OK && senda__stmt_next(q) ? senda__stmt_col_int64(q, 0) : 0;
    senda__stmt_finalize(q);
    return st;
}

static senda_status settle(senda_ctx *ctx, senda__store *s, int64_t fid, int64_t link_to)
{
    int64_t cur = 0, target = 0;
    senda_status st = count_fid(ctx, s, "SELECT count(*) FROM incidents WHERE fid = ?1 AND "
                                "status = 'possible_duplicate'", fid, &cur);
    if (st == SENDA_OK && !cur)
        return senda__fail(ctx, SENDA_ERR_ARG, "%s: incident %lld is not a possible_duplicate "
                           "(see senda incidents review)", s->path, (long long)fid);
    if (st == SENDA_OK && link_to > 0) {
        st = count_fid(ctx, s, "SELECT count(*) FROM incidents WHERE fid = ?1 AND status IN "
                       "('accepted','repaired')", link_to, &target);
        if (st == SENDA_OK && !target)
            return senda__fail(ctx, SENDA_ERR_ARG, "%s: incident %lld is not an accepted "
                               "incident to link %lld to", s->path, (long long)link_to,
                               (long long)fid);
    }
    if (st != SENDA_OK)
        return st;
    if (link_to == 0)
        return update_fid(ctx, s, "UPDATE incidents SET status = 'accepted', "
            "duplicate_of = NULL, flags = CASE WHEN coalesce(flags,'') = '' THEN "
            "'kept_by_review' ELSE flags || ',kept_by_review' END, message = "
            "'kept as its own event by review' WHERE fid = ?1", fid, NULL);
    st = update_fid(ctx, s, "UPDATE incidents SET status = 'duplicate', "
        "duplicate_of = coalesce(?2, duplicate_of), message = 'linked by review as a "
        "duplicate of incident ' || coalesce(?2, duplicate_of) WHERE fid = ?1", fid, &link_to);
    if (st == SENDA_OK)
        st = update_fid(ctx, s, "UPDATE incidents SET victims = d.victims, "
            "weight = severity * d.victims FROM (SELECT duplicate_of, victims FROM "
            "incidents WHERE fid = ?1 AND flags NOT LIKE '%count_assumed%') d WHERE "
            "incidents.fid = d.duplicate_of AND d.victims > incidents.victims", fid, NULL);
    return st;
}

senda_status senda_incidents_review_settle(senda_ctx *ctx, const char *store_path, int64_t fid,
                                           int64_t link_to)
{
    senda__reset(ctx);
    senda__store *s = NULL;
    senda_status st = open_store(ctx, store_path, &s);
    if (st == SENDA_OK)
        st = senda__store_begin(ctx, s);
    if (st == SENDA_OK)
        st = settle(ctx, s, fid, link_to);
    if (st == SENDA_OK)
        st = senda__store_commit(ctx, s);
    senda__store_close(s);
    return st;
}
