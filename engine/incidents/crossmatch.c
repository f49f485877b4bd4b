/*
 * crossmatch.c - link reports of one event given at different precisions (a
 * day, a month, a year; an exact point, a locality, a whole-degree point),
 * across files and sources. Backend-agnostic: it sees arrays of reports, not a
 * store, so the GeoPackage and PostGIS stores share one semantics.
 *
 * A report's date is the interval it names ([first, last] day of its day,
 * month or year). Two reports are candidates when
 *   - one is strictly coarser in date (year > month > day); same-precision
 *     reports are left to dedupe.c (day) or not linked at all (two rows dated
 *     "2019" are not evidence of one event);
 *   - their date intervals overlap;
 *   - their places are within the tolerance: the great-circle distance is at
 *     most km (default 5), plus 10 km when either is a locality point (a
 *     town's GeoNames point stands for anywhere in the town); a whole-degree
 *     coordinate (IOM rounds some to the degree) may be off by half a degree
 *     on that axis, so there the axis difference, less 0.5 degrees, enters the
 *     distance instead of the full difference;
 *   - their types are equal, or either is `other` (IOM's "Mixed or unknown");
 *   - their counts are equal or within 10 % of the larger (IOM revises
 *     counts), or either count was assumed.
 * Matching is one-to-one: all candidate pairs are sorted by closeness
 * (distance / tolerance + date gap / 366 days + relative count difference;
 * ties by fid) and taken greedily while both reports are free, so a coarse
 * report repeats at most one finer report and each finer report is repeated by
 * at most one coarse one (a greedy maximal matching; an optimal assignment
 * would differ only when a coarse report's closest candidate is better used by
 * another, which the review settles). The coarser report of a pair is the
 * duplicate. When a candidate of the coarse report other than the one chosen is
 * still free at the end, closeness alone chose between two events: the link is
 * `possible` (kept for review, not counted twice, not raising counts).
 * Reports already linked (taken) or kept by a reviewer (no_coarse) take part
 * only as what they may still be.
 *
 * Complexity: reports sorted by date precision, then latitude; each coarse
 * one scans the finer reports in the window of the widest tolerance: O(n log n
 * + c w) for c coarse reports and w finer reports per window, then O(p log p)
 * for p candidate pairs. Memory: O(n + p).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "incidents/incidents_int.h"

#define LOCALITY_KM 10.0
#define DEG_HALF 0.5
#define KM_PER_DEG 111.19492664455873 /* 6371.0088 km * pi / 180 */

/* By date precision, then latitude: each precision's reports form one run
 * sorted by latitude. */
static int cmp_prec_lat(const void *a, const void *b, void *arg)
{
    const senda__xreport *r = arg, *p = &r[*(const size_t *)a], *q = &r[*(const size_t *)b];
    if (p->date_prec != q->date_prec)
        return p->date_prec < q->date_prec ? -1 : 1;
    return p->lat < q->lat ? -1 : p->lat > q->lat;
}

static int is_whole(double v) { return v == floor(v); }

/* Distance in km with whole-degree axes given their half-degree slack. */
static double slack_km(const senda__xreport *a, const senda__xreport *b)
{
    double dlat = fabs(a->lat - b->lat), dlon = fabs(a->lon - b->lon);
    int deg = a->geoprec == SENDA__GEO_DEGREE || b->geoprec == SENDA__GEO_DEGREE;
    if (deg && ((a->geoprec == SENDA__GEO_DEGREE && is_whole(a->lat)) ||
                (b->geoprec == SENDA__GEO_DEGREE && is_whole(b->lat))))
        dlat = fmax(0.0, dlat - DEG_HALF);
    if (deg && ((a->geoprec == SENDA__GEO_DEGREE && is_whole(a->lon)) ||
                (b->geoprec == SENDA__GEO_DEGREE && is_whole(b->lon))))
        dlon = fmax(0.0, dlon - DEG_HALF);
    const double rad = 3.14159265358979323846 / 180.0;
    double mlat = 0.5 * (a->lat + b->lat) * rad;
    /* equirectangular on the slack-reduced differences: at <= 60 km it is
     * within 0.1 % of the haversine */
    return KM_PER_DEG * sqrt(dlat * dlat + (dlon * cos(mlat)) * (dlon * cos(mlat)));
}

static double tolerance_km(const senda__xreport *a, const senda__xreport *b, double km)
{
    return km + (a->geoprec == SENDA__GEO_LOCALITY || b->geoprec == SENDA__GEO_LOCALITY
                     ? LOCALITY_KM : 0.0);
}

static int counts_fit(const senda__xreport *a, const senda__xreport *b)
{
    if (a->count_assumed || b->count_assumed)
        return 1;
    double hi = fmax(a->victims, b->victims);
    return fabs(a->victims - b->victims) <= 0.1 * hi + 1e-9;
}

typedef struct {
    size_t coarse, fine;
    double score;
    int64_t tie;
} xpair;

static int cmp_pair(const void *a, const void *b)
{
    const xpair *p = a, *q = b;
    if (p->score != q->score)
        return p->score < q->score ? -1 : 1;
    return (p->tie > q->tie) - (p->tie < q->tie);
}

static senda_status add_pair(senda_ctx *ctx, xpair **v, size_t *n, size_t *cap, xpair p)
{
    xpair *w = senda__grow(ctx, *v, *n, cap, sizeof *w, 256);
    if (!w)
        return SENDA_ERR_NOMEM;
    *v = w;
    (*v)[(*n)++] = p;
    return SENDA_OK;
}

/* A candidate pair of coarse report co and finer report fi, when it is one. */
static senda_status try_pair(senda_ctx *ctx, const senda__xreport *r, size_t ico, size_t ifi,
                             double km, xpair **pairs, size_t *n_pairs, size_t *cap)
{
    const senda__xreport *co = &r[ico], *fi = &r[ifi];
    if (co->no_coarse || co->day_last < fi->day_first || fi->day_last < co->day_first)
        return SENDA_OK;
    if (!(co->type == fi->type || co->type == SENDA_INC_OTHER || fi->type == SENDA_INC_OTHER) ||
        !counts_fit(co, fi))
        return SENDA_OK;
    double tol = tolerance_km(co, fi, km), d = slack_km(co, fi);
    if (d > tol)
        return SENDA_OK;
    long gap = labs((co->day_first + co->day_last) / 2 - (fi->day_first + fi->day_last) / 2);
    double hi = fmax(fmax(co->victims, fi->victims), 1.0);
    xpair p = {ico, ifi,
               d / fmax(tol, 1e-9) + (double)gap / 366.0 + fabs(co->victims - fi->victims) / hi,
               co->fid * 4096 + fi->fid % 4096};
    return add_pair(ctx, pairs, n_pairs, cap, p);
}

/* Every candidate pair, with its closeness score. by_pl holds the reports
 * sorted by date precision, then latitude: each coarse report (a precision
 * other than 0) scans, in every finer precision's run, only the reports
 * within the widest latitude reach (found by bisection). Same-precision
 * reports are never candidates, so they are never compared: an import of
 * day-dated rows only does no scanning at all (a single latitude sweep over
 * every report compared each with all others within 0.6 degrees of
 * latitude, 70 % of a 100,000-row import). */
static senda_status candidates(senda_ctx *ctx, const senda__xreport *r, size_t n, double km,
                               const size_t *by_pl, xpair **pairs, size_t *n_pairs)
{
    size_t cap = 0;
    double win = (km + LOCALITY_KM) / KM_PER_DEG + DEG_HALF; /* widest latitude reach */
    for (size_t g0 = 0, g1; g0 < n; g0 = g1) { /* the coarse run [g0, g1) */
        int prec = r[by_pl[g0]].date_prec;
        for (g1 = g0; g1 < n && r[by_pl[g1]].date_prec == prec; g1++)
            ;
        if (prec == 0)
            continue; /* an unknown precision is never coarser nor finer */
        for (size_t h0 = g1, h1; h0 < n; h0 = h1) { /* each finer run [h0, h1) */
            for (h1 = h0; h1 < n && r[by_pl[h1]].date_prec == r[by_pl[h0]].date_prec; h1++)
                ;
            if (r[by_pl[h0]].date_prec == 0)
                continue;
            for (size_t i = g0; i < g1; i++) {
                double lat = r[by_pl[i]].lat;
                size_t lo = h0, hi = h1; /* first with lat >= lat - win */
                while (lo < hi) {
                    size_t mid = lo + (hi - lo) / 2;
                    if (r[by_pl[mid]].lat < lat - win)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                for (size_t k = lo; k < h1 && r[by_pl[k]].lat - lat <= win; k++) {
                    senda_status st = try_pair(ctx, r, by_pl[i], by_pl[k], km, pairs, n_pairs, &cap);
                    if (st != SENDA_OK)
                        return st;
                }
            }
        }
    }
    return SENDA_OK;
}

senda_status senda__crossmatch(senda_ctx *ctx, const senda__xreport *r, size_t n, double km,
                               senda__xlink **links, size_t *n_links)
{
    *links = NULL, *n_links = 0;
    if (km < 0 || n < 2)
        return SENDA_OK;
    senda_status st = SENDA_OK;
    xpair *pairs = NULL;
    size_t n_pairs = 0;
    size_t *by_lat = senda__malloc(ctx, n * sizeof *by_lat);
    char *used = senda__calloc(ctx, n, 1);
    long *chosen = senda__malloc(ctx, n * sizeof *chosen);
    if (!by_lat || !used || !chosen) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        by_lat[i] = i, used[i] = (char)r[i].taken, chosen[i] = -1;
    qsort_r(by_lat, n, sizeof *by_lat, cmp_prec_lat, (void *)r);
    if ((st = candidates(ctx, r, n, km, by_lat, &pairs, &n_pairs)) != SENDA_OK)
        goto done;
    if (n_pairs) /* qsort wants a non-NULL array even for no elements */
        qsort(pairs, n_pairs, sizeof *pairs, cmp_pair);
    size_t n_out = 0;
    for (size_t k = 0; k < n_pairs; k++) {
        xpair *p = &pairs[k];
        if (used[p->coarse] || used[p->fine])
            continue;
        used[p->coarse] = used[p->fine] = 1;
        chosen[p->coarse] = (long)p->fine;
        n_out++;
    }
    if (n_out && !(*links = senda__calloc(ctx, n_out, sizeof **links))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t k = 0; k < n_pairs; k++) { /* a free alternative makes the link possible */
        xpair *p = &pairs[k];
        if (chosen[p->coarse] >= 0 && chosen[p->coarse] != (long)p->fine && !used[p->fine])
            chosen[p->coarse] = -2 - chosen[p->coarse]; /* marked, still decodable */
    }
    for (size_t i = 0; i < n; i++) {
        if (chosen[i] == -1)
            continue;
        int possible = chosen[i] < -1;
        size_t f = (size_t)(possible ? -2 - chosen[i] : chosen[i]);
        senda__xlink *l = &(*links)[(*n_links)++];
        l->coarse = i, l->fine = f, l->possible = possible;
        l->km = slack_km(&r[i], &r[f]);
    }
done:
    senda__free(pairs);
    senda__free(by_lat);
    senda__free(used);
    senda__free(chosen);
    if (st != SENDA_OK) {
        senda__free(*links);
        *links = NULL, *n_links = 0;
    }
    return st;
}
