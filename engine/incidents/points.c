/*
 * points.c - the accepted incidents of a store as weighted points in a
 * projected CRS, filtered by type, date, victim group and perpetrator: the
 * input of every later analysis (hotspots, danger, siting).
 *
 * The filter becomes one SQL query on the store, values bound (GeoPackage:
 * the point read with SpatiaLite's GeomFromGPB; PostGIS: ST_X/ST_Y),
 * then the lon/lat points are reprojected with one OGR/PROJ transformation.
 * Dates: an incident known to the month or year passes when its whole period
 * [date_first, date_last] lies inside [date_from, date_to] (a "2019" report
 * does not count for May 2019). Undated incidents pass only an open date
 * filter. Weights: severity x victims as stored at import (weighted = 1),
 * victims (weighted = 2) or 1 (weighted = 0, events).
 * O(incidents) time and memory.
 */
#include <stdio.h>
#include <string.h>

#include "incidents/incidents_int.h"

void senda_incidents_filter_init(senda_incidents_filter *f)
{
    memset(f, 0, sizeof *f);
    f->weighted = 1;
}

/* Append "col IN (?,?,..)" for a comma list of codes checked against valid. */
static senda_status list_clause(senda_ctx *ctx, const char *what, const char *list,
                                const char *(*code)(int), int n_codes, const char *col,
                                char *sql, size_t n, char vals[][40], int *n_vals)
{
    char buf[512];
    senda__strlcpy(buf, list, sizeof buf);
    size_t len = strlen(sql);
    len += (size_t)snprintf(sql + len, n - len, " AND %s IN (", col);
    int first = 1;
    char *save = NULL;
    for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        int ok = 0;
        for (int k = 0; k < n_codes && !ok; k++)
            ok = strcmp(t, code(k)) == 0;
        if (!ok || *n_vals >= 32)
            return senda__fail(ctx, SENDA_ERR_ARG, "unknown %s code '%s'", what, t);
        senda__strlcpy(vals[(*n_vals)++], t, 40);
        len += (size_t)snprintf(sql + len, n - len, "%s?%d", first ? "" : ",", *n_vals);
        first = 0;
    }
    if (first)
        return senda__fail(ctx, SENDA_ERR_ARG, "empty %s list", what);
    snprintf(sql + len, n - len, ")");
    return SENDA_OK;
}

/* "yyyy", "yyyy-mm" or "yyyy-mm-dd" to the first (end = 0) or last day. */
static senda_status date_bound(senda_ctx *ctx, const char *s, int end, char out[16])
{
    int y, m, d, p = senda__parse_date(s, 1, &y, &m, &d);
    if (p <= 0 || (int)strlen(s) > 10 || s[4] != (p == DATE_YEAR ? '\0' : '-'))
        return senda__fail(ctx, SENDA_ERR_ARG, "date '%s' is not yyyy, yyyy-mm or yyyy-mm-dd",
                           s);
    if (end && p == DATE_YEAR)
        m = 12, d = 31;
    if (end && p == DATE_MONTH) {
        long next = senda__days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
        d = (int)(next - senda__days_from_civil(y, m, 1));
    }
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
    return SENDA_OK;
}

/* " AND (women > 0 OR minors > 0)" for "women,minors": incidents with any of
 * the groups among the victims. The column names come from the fixed list. */
static senda_status victims_clause(senda_ctx *ctx, const char *list, char *sql, size_t n)
{
    static const char *const groups[] = {"women", "men", "minors"};
    size_t len = (size_t)snprintf(sql, n, " AND (");
    int k = 0;
    for (const char *p = list; *p && len < n;) {
        size_t w = strcspn(p, ","), g = 0;
        while (g < 3 && !(strlen(groups[g]) == w && strncmp(p, groups[g], w) == 0))
            g++;
        if (g == 3)
            return senda__fail(ctx, SENDA_ERR_ARG, "victims '%.*s' is not women, men or minors "
                               "(in '%s')", (int)w, p, list);
        len += (size_t)snprintf(sql + len, n - len, "%s%s > 0", k++ ? " OR " : "", groups[g]);
        p += w + (p[w] == ',');
    }
    if (!k)
        return senda__fail(ctx, SENDA_ERR_ARG, "victims: empty list");
    if (len < n)
        snprintf(sql + len, n - len, ")");
    return SENDA_OK;
}

/* The query of the filter's incidents in store s's SQL; coarser = 1: of those
 * its precision leaves out. */
static senda_status build_query(senda_ctx *ctx, const senda__store *s,
                                const senda_incidents_filter *f, int coarser, char *sql,
                                size_t n, char vals[][40], int *n_vals)
{
    /* weighted 2: victims (unknown counts as one) */
    snprintf(sql, n, "SELECT fid, %s, %s, %s FROM incidents WHERE status IN "
             "('accepted','repaired')", senda__store_x_sql(s), senda__store_y_sql(s),
             f->weighted == 2 ? "coalesce(victims, 1)" : "weight");
    senda_status st = SENDA_OK;
    if (f->types)
        st = list_clause(ctx, "incident type", f->types, senda_incidents_type_code,
                         SENDA_INC_N_TYPES, "type", sql, n, vals, n_vals);
    if (st == SENDA_OK && f->perpetrators)
        st = list_clause(ctx, "perpetrator", f->perpetrators, senda_incidents_perpetrator_code,
                         SENDA_N_PERPETRATORS, "perpetrator", sql, n, vals, n_vals);
    size_t len = strlen(sql);
    if (st == SENDA_OK && f->date_from && (st = date_bound(ctx, f->date_from, 0,
                                                           vals[*n_vals])) == SENDA_OK) {
        (*n_vals)++;
        len += (size_t)snprintf(sql + len, n - len, " AND date_first >= ?%d", *n_vals);
    }
    if (st == SENDA_OK && f->date_to && (st = date_bound(ctx, f->date_to, 1,
                                                         vals[*n_vals])) == SENDA_OK) {
        (*n_vals)++;
        len += (size_t)snprintf(sql + len, n - len, " AND date_last <= ?%d", *n_vals);
    }
    if (st == SENDA_OK && f->precision) {
        /* finest first; the store's codes (import.c): exact, locality, degree */
        static const char *const names[] = {"exact", "locality", "approximate", "whole_degree"};
        static const char *const stored[] = {"'exact'", "'locality'", "'approximate'",
                                             "'degree'"};
        int k = 0;
        while (k < 4 && strcmp(f->precision, names[k]) != 0)
            k++;
        if (k == 4)
            return senda__fail(ctx, SENDA_ERR_ARG, "precision '%s' is not exact, locality, "
                               "approximate or whole_degree", f->precision);
        len += (size_t)snprintf(sql + len, n - len, " AND %scoalesce(geocode_precision, "
                                "'exact') IN (", coarser ? "NOT " : "");
        for (int i = 0; i <= k; i++)
            len += (size_t)snprintf(sql + len, n - len, "%s%s", i ? "," : "", stored[i]);
        len += (size_t)snprintf(sql + len, n - len, ")");
    }
    if (st == SENDA_OK && f->victims)
        st = victims_clause(ctx, f->victims, sql + len, n - len);
    if (st == SENDA_OK) /* the GeoPackage's rowid order; PostGIS would give storage order */
        snprintf(sql + strlen(sql), n - strlen(sql), " ORDER BY fid");
    return st;
}

static senda_status read_rows(senda_ctx *ctx, senda__store *s, const char *sql,
                              char vals[][40], int n_vals, int weighted, senda_points *pts,
                              size_t *n_out)
{
    senda__stmt *q = NULL;
    senda_status st = senda__stmt_prepare(ctx, s, sql, &q);
    for (int i = 0; st == SENDA_OK && i < n_vals; i++)
        senda__stmt_text(q, i + 1, vals[i]);
    if (st == SENDA_OK)
        st = senda__stmt_query(ctx, q);
    size_t k = 0;
    while (st == SENDA_OK && senda__stmt_next(q)) {
        if (pts && k == pts->n) /* the store grew between the two passes */
            break;
        if (pts) {
            pts->id[k] = senda__stmt_col_int64(q, 0);
            pts->x[k] = senda__stmt_col_double(q, 1);
            pts->y[k] = senda__stmt_col_double(q, 2);
            pts->weight[k] = weighted ? senda__stmt_col_double(q, 3) : 1.0;
        }
        k++;
    }
    senda__stmt_finalize(q);
    *n_out = k;
    return st;
}

senda_status senda_incidents_points(senda_ctx *ctx, const char *store_path,
                                    const senda_incidents_filter *filter, const char *crs,
                                    senda_points **out)
{
    senda__reset(ctx);
    if (!ctx || !store_path || !filter || !crs || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "store path, filter, crs and out are required");
    *out = NULL;
    char sql[2048], vals[40][40];
    int n_vals = 0;
    senda__store probe = {.kind = senda__store_kind_of(store_path)};
    /* filter errors before any store or CRS error; built again for the store */
    senda_status st = build_query(ctx, &probe, filter, 0, sql, sizeof sql, vals, &n_vals);
    if (st != SENDA_OK)
        return st;
    n_vals = 0;
    OGRSpatialReferenceH dst = senda__srs_from_user(ctx, crs), wgs = senda__srs_wgs84();
    OGRCoordinateTransformationH ct = NULL;
    senda__store *s = NULL;
    senda_points *pts = NULL;
    size_t n = 0;
    if (!dst) {
        st = SENDA_ERR_CRS;
        goto done;
    }
    if (!OSRIsProjected(dst)) {
        st = senda__fail(ctx, SENDA_ERR_ARG, "CRS '%s' is not projected; points need metres",
                         crs);
        goto done;
    }
    if (!(ct = OCTNewCoordinateTransformation(wgs, dst))) {
        st = senda__fail_gdal(ctx, SENDA_ERR_CRS, "PROJ cannot transform WGS 84 to %s", crs);
        goto done;
    }
    if ((st = senda__store_open(ctx, store_path, 0, &s)) != SENDA_OK)
        goto done;
    if ((st = build_query(ctx, s, filter, 0, sql, sizeof sql, vals, &n_vals)) != SENDA_OK)
        goto done;
    if ((st = read_rows(ctx, s, sql, vals, n_vals, filter->weighted, NULL, &n)) != SENDA_OK)
        goto done;
    if ((st = senda_points_create(ctx, n, crs, &pts)) != SENDA_OK)
        goto done;
    if (n && (st = read_rows(ctx, s, sql, vals, n_vals, filter->weighted, pts, &n)) != SENDA_OK)
        goto done;
    if (n && !OCTTransform(ct, (int)n, pts->x, pts->y, NULL))
        st = senda__fail(ctx, SENDA_ERR_CRS, "PROJ cannot transform the incidents to %s", crs);
    if (st == SENDA_OK && filter->precision) { /* say what the precision filter left out */
        size_t n_out = 0;
        n_vals = 0;
        st = build_query(ctx, s, filter, 1, sql, sizeof sql, vals, &n_vals);
        if (st == SENDA_OK)
            st = read_rows(ctx, s, sql, vals, n_vals, 0, NULL, &n_out);
        if (st == SENDA_OK)
            senda__log(ctx, 0, "%s: %zu incident(s) located more coarsely than %s left out; "
                       "%zu kept", store_path, n_out, filter->precision, n);
    }
done:
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (dst)
        OSRDestroySpatialReference(dst);
    OSRDestroySpatialReference(wgs);
    senda__store_close(s);
    if (st != SENDA_OK) {
        senda_points_destroy(pts);
        return st;
    }
    *out = pts;
    return SENDA_OK;
}

senda_status senda_incidents_count_coarser(senda_ctx *ctx, const char *store_path,
                                           const senda_incidents_filter *filter, long *out)
{
    senda__reset(ctx);
    if (!ctx || !store_path || !filter || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "store path, filter and out are required");
    *out = 0;
    if (!filter->precision)
        return SENDA_OK;
    char sql[2048], vals[40][40];
    int n_vals = 0;
    senda__store *s = NULL;
    size_t n = 0;
    senda_status st = senda__store_open(ctx, store_path, 0, &s);
    if (st == SENDA_OK)
        st = build_query(ctx, s, filter, 1, sql, sizeof sql, vals, &n_vals);
    if (st == SENDA_OK)
        st = read_rows(ctx, s, sql, vals, n_vals, 0, NULL, &n);
    senda__store_close(s);
    *out = (long)n;
    return st;
}

/* "yyyy-mm-dd" to days since 1970-01-01; INT32_MIN when absent or malformed. */
static int32_t iso_days(const unsigned char *t)
{
    int y, m, d;
    if (!t || sscanf((const char *)t, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return INT32_MIN;
    return (int32_t)senda__days_from_civil(y, m, d);
}

senda_status senda_incidents_dates(senda_ctx *ctx, const char *store_path,
                                   const senda_points *pts, int32_t **day_first,
                                   int32_t **day_last)
{
    senda__reset(ctx);
    if (!store_path || !pts || !day_first || !day_last)
        return senda__fail(ctx, SENDA_ERR_ARG, "store path, points and outputs are required");
    *day_first = *day_last = NULL;
    int32_t *a = senda__calloc(ctx, pts->n ? pts->n : 1, sizeof *a);
    int32_t *b = a ? senda__calloc(ctx, pts->n ? pts->n : 1, sizeof *b) : NULL;
    senda__store *s = NULL;
    senda__stmt *q = NULL;
    senda_status st = b ? senda__store_open(ctx, store_path, 0, &s) : SENDA_ERR_NOMEM;
    if (st == SENDA_OK)
        st = senda__stmt_prepare(ctx, s, "SELECT date_first, date_last FROM incidents "
                                         "WHERE fid = ?1", &q);
    for (size_t i = 0; st == SENDA_OK && i < pts->n; i++) {
        senda__stmt_int64(q, 1, pts->id[i]);
        if ((st = senda__stmt_query(ctx, q)) != SENDA_OK)
            break;
        if (senda__stmt_next(q)) {
            a[i] = iso_days((const unsigned char *)senda__stmt_col_text(q, 0));
            b[i] = iso_days((const unsigned char *)senda__stmt_col_text(q, 1));
        } else {
            st = senda__fail(ctx, SENDA_ERR_DATA, "%s: no incident with fid %lld", store_path,
                             (long long)pts->id[i]);
        }
    }
    senda__stmt_finalize(q);
    senda__store_close(s);
    if (st != SENDA_OK) {
        senda__free(a);
        senda__free(b);
        return st;
    }
    *day_first = a;
    *day_last = b;
    return SENDA_OK;
}
