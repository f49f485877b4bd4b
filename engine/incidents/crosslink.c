/*
 * crosslink.c - the GeoPackage store's side of cross-precision matching: read
 * the stored reports that may take part, let crossmatch.c (backend-agnostic)
 * choose the links, and write them back inside the import's transaction.
 *
 * A linked coarse report becomes `duplicate` (or `possible_duplicate`) of the
 * finer report, with duplicate_of and a message naming the distance and the
 * two dates; a sure duplicate's larger count is given to the finer report
 * (one event counts its victims once, at the largest count any report gives,
 * as in dedupe.c). Reports already repeated by a coarser one (the duplicate_of
 * of a month- or year-dated duplicate) are not free again, and reports a
 * reviewer kept (flag kept_by_review) are never made duplicates again, so an
 * import run twice, or after a review, changes nothing.
 *
 * Every link has a coarse (month- or year-dated) accepted report on one side,
 * so when the store holds none (a synthetic or day-dated history) nothing is
 * loaded: the importer asks senda__crosslink_has_coarse before it stores
 * anything and notes the coarse reports it stores itself.
 *
 * Complexity: one scan of the stored accepted reports plus crossmatch.c's
 * O(n log n + pairs log pairs); memory O(n).
 */
#include <string.h>

#include "incidents/import_int.h"

static long day_of(const unsigned char *iso)
{
    int y, m, d;
    if (!iso || senda__parse_date((const char *)iso, 0, &y, &m, &d) != DATE_DAY)
        return 0;
    return senda__days_from_civil(y, m, d);
}

static int prec_code(const unsigned char *t)
{
    const char *s = (const char *)t;
    return !s ? DATE_NONE : strcmp(s, "day") == 0 ? DATE_DAY : strcmp(s, "month") == 0
        ? DATE_MONTH : strcmp(s, "year") == 0 ? DATE_YEAR : DATE_NONE;
}

static int type_code(const unsigned char *t)
{
    for (int k = 0; t && k < SENDA_INC_N_TYPES; k++)
        if (strcmp((const char *)t, senda_incidents_type_code(k)) == 0)
            return k;
    return SENDA_INC_OTHER;
}

/* The stored reports that may take part, with their file ids in *file. */
static senda_status load(senda_ctx *ctx, senda__store *store, senda__xreport **out,
                         int64_t **file, size_t *n)
{
    senda__stmt *q = NULL;
    size_t cap = 0;
    *out = NULL, *file = NULL, *n = 0;
    /* CASE: both back ends give 0/1 (PostgreSQL's booleans read as text) */
    senda_status st = senda__stmt_prepare(
        ctx, store,
        "SELECT fid, type, date_precision, date_first, date_last, geocode_precision, lon, lat, "
        "victims, CASE WHEN flags LIKE '%count_assumed%' THEN 1 ELSE 0 END, "
        "CASE WHEN flags LIKE '%kept_by_review%' THEN 1 ELSE 0 END, "
        "CASE WHEN fid IN (SELECT duplicate_of FROM incidents WHERE status IN "
        "('duplicate','possible_duplicate') AND date_precision IN ('month','year')) THEN 1 "
        "ELSE 0 END, file_id "
        "FROM incidents WHERE status IN ('accepted','repaired') AND date_first IS NOT NULL",
        &q);
    if (st == SENDA_OK)
        st = senda__stmt_query(ctx, q);
    while (st == SENDA_OK && senda__stmt_next(q)) {
        size_t cap_file = cap; /* the two arrays grow together */
        senda__xreport *grown = senda__grow(ctx, *out, *n, &cap, sizeof *grown, 1024);
        int64_t *f = grown ? senda__grow(ctx, *file, *n, &cap_file, sizeof *f, 1024) : NULL;
        if (grown)
            *out = grown;
        if (f)
            *file = f;
        if (!grown || !f) {
            st = SENDA_ERR_NOMEM;
            break;
        }
        senda__xreport *r = &(*out)[*n];
        const char *g = senda__stmt_col_text(q, 5);
        r->fid = senda__stmt_col_int64(q, 0);
        r->type = type_code((const unsigned char *)senda__stmt_col_text(q, 1));
        r->date_prec = prec_code((const unsigned char *)senda__stmt_col_text(q, 2));
        r->day_first = day_of((const unsigned char *)senda__stmt_col_text(q, 3));
        r->day_last = day_of((const unsigned char *)senda__stmt_col_text(q, 4));
        r->geoprec = g && strcmp(g, "locality") == 0 ? SENDA__GEO_LOCALITY
                     : g && strcmp(g, "degree") == 0 ? SENDA__GEO_DEGREE
                                                     : SENDA__GEO_EXACT;
        r->lon = senda__stmt_col_double(q, 6);
        r->lat = senda__stmt_col_double(q, 7);
        r->victims = senda__stmt_col_double(q, 8);
        r->count_assumed = (int)senda__stmt_col_int64(q, 9);
        r->no_coarse = (int)senda__stmt_col_int64(q, 10);
        r->taken = (int)senda__stmt_col_int64(q, 11);
        (*file)[*n] = senda__stmt_col_int64(q, 12);
        (*n)++;
    }
    senda__stmt_finalize(q);
    return st;
}

static const char *prec_name(int p)
{
    return p == DATE_DAY ? "day" : p == DATE_MONTH ? "month" : "year";
}

/* Write one link: the coarse report's status, duplicate_of and message; a sure
 * duplicate's larger count goes to the finer report. */
static senda_status write_link(senda_ctx *ctx, senda__stmt *mark, senda__stmt *raise,
                               const senda__xreport *c, const senda__xreport *f,
                               const senda__xlink *l)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s incident %lld: its %s-dated report of the same event "
             "(%.1f km apart, type and count compatible)%s", l->possible ? "may repeat"
             : "repeats", (long long)f->fid, prec_name(c->date_prec), l->km,
             l->possible ? "; another report fits too: settle with senda incidents review" : "");
    senda__stmt_text(mark, 1, l->possible ? "possible_duplicate" : "duplicate");
    senda__stmt_int64(mark, 2, f->fid);
    senda__stmt_text(mark, 3, msg); /* not copied: msg lives until the run below */
    senda__stmt_int64(mark, 4, c->fid);
    senda_status st = senda__stmt_run(ctx, mark);
    if (st == SENDA_OK && !l->possible && !c->count_assumed && c->victims > f->victims) {
        senda__stmt_double(raise, 1, c->victims);
        senda__stmt_int64(raise, 2, f->fid);
        st = senda__stmt_run(ctx, raise);
    }
    return st;
}

senda_status senda__crosslink_has_coarse(senda_ctx *ctx, senda__store *store, int *out)
{
    int64_t v = 0;
    senda_status st = senda__store_int(ctx, store, "SELECT CASE WHEN EXISTS (SELECT 1 FROM "
                                       "incidents WHERE status IN ('accepted','repaired') AND "
                                       "date_precision IN ('month','year')) THEN 1 ELSE 0 END",
                                       0, &v);
    *out = v != 0;
    return st;
}

senda_status senda__crosslink_store(senda_ctx *ctx, senda__store *store, int64_t first_file_id,
                                    double km, int any_coarse,
                                    senda_incidents_import_summary *sum)
{
    senda__xreport *r = NULL;
    int64_t *file = NULL;
    senda__xlink *links = NULL;
    senda__stmt *mark = NULL, *raise = NULL;
    size_t n = 0, n_links = 0;
    if (!any_coarse)
        return SENDA_OK; /* no coarse report: nothing can be linked */
    senda_status st = load(ctx, store, &r, &file, &n);
    if (st == SENDA_OK)
        st = senda__crossmatch(ctx, r, n, km, &links, &n_links);
    if (st == SENDA_OK && n_links)
        st = senda__stmt_prepare(ctx, store, "UPDATE incidents SET status = ?1, "
                                 "duplicate_of = ?2, message = ?3 WHERE fid = ?4", &mark);
    if (st == SENDA_OK && n_links)
        st = senda__stmt_prepare(ctx, store, "UPDATE incidents SET victims = ?1, "
                                 "weight = severity * ?1 WHERE fid = ?2", &raise);
    for (size_t k = 0; k < n_links && st == SENDA_OK; k++) {
        const senda__xlink *l = &links[k];
        st = write_link(ctx, mark, raise, &r[l->coarse], &r[l->fine], l);
        if (st != SENDA_OK || !sum)
            continue;
        if (file[l->coarse] >= first_file_id) { /* a row of this import changes outcome */
            sum->accepted--;
            if (l->possible)
                sum->possible_duplicate++;
            else
                sum->duplicate++;
        }
        sum->linked_across_files += file[l->coarse] != file[l->fine];
        sum->linked_across_precisions++;
    }
    senda__stmt_finalize(mark);
    senda__stmt_finalize(raise);
    senda__free(links);
    senda__free(r);
    senda__free(file);
    return st;
}
