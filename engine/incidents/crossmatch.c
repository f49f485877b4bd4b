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
 * Complexity: reports sorted by latitude, each coarse one scans the window of
 * the widest tolerance: O(n log n + n w) for w reports per window, then
 * O(p log p) for p candidate pairs. Memory: O(n + p).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "incidents/incidents_int.h"

#define LOCALITY_KM 10.0
#define DEG_HALF 0.5
#define KM_PER_DEG 111.19492664455873 /* 6371.0088 km * pi / 180 */

static int cmp_lat(const void *a, const void *b, void *arg)
{
    const senda__xreport *r = arg;
    double la = r[*(const size_t *)a].lat, lb = r[*(const size_t *)b].lat;
    return la < lb ? -1 : la > lb;
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

/* The coarse one of a candidate pair (longer date interval), or -1. */
static int coarser(const senda__xreport *a, const senda__xreport *b)
{
    if (a->date_prec == b->date_prec || a->date_prec == 0 || b->date_prec == 0)
        return -1;
    return a->date_prec < b->date_prec ? 0 : 1;
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
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        xpair *w = senda__realloc(ctx, *v, c * sizeof *w);
        if (!w)
            return SENDA_ERR_NOMEM;
        *v = w, *cap = c;
    }
    (*v)[(*n)++] = p;
    return SENDA_OK;
}

/* Every candidate pair, with its closeness score. */
static senda_status candidates(senda_ctx *ctx, const senda__xreport *r, size_t n, double km,
                               const size_t *by_lat, xpair **pairs, size_t *n_pairs)
{
    size_t cap = 0;
    double win = (km + LOCALITY_KM) / KM_PER_DEG + DEG_HALF; /* widest latitude reach */
    for (size_t i = 0; i < n; i++) {
        const senda__xreport *a = &r[by_lat[i]];
        for (size_t j = i + 1; j < n && r[by_lat[j]].lat - a->lat <= win; j++) {
            const senda__xreport *b = &r[by_lat[j]];
            int c = coarser(a, b);
            if (c < 0)
                continue;
            const senda__xreport *co = c == 0 ? a : b, *fi = c == 0 ? b : a;
            if (co->no_coarse || co->day_last < fi->day_first || fi->day_last < co->day_first)
                continue;
            if (!(co->type == fi->type || co->type == SENDA_INC_OTHER ||
                  fi->type == SENDA_INC_OTHER) || !counts_fit(co, fi))
                continue;
            double tol = tolerance_km(co, fi, km), d = slack_km(co, fi);
            if (d > tol)
                continue;
            long gap = labs((co->day_first + co->day_last) / 2 - (fi->day_first + fi->day_last) / 2);
            double hi = fmax(fmax(co->victims, fi->victims), 1.0);
            xpair p = {c == 0 ? by_lat[i] : by_lat[j], c == 0 ? by_lat[j] : by_lat[i],
                       d / fmax(tol, 1e-9) + (double)gap / 366.0 +
                           fabs(co->victims - fi->victims) / hi,
                       co->fid * 4096 + fi->fid % 4096};
            senda_status st = add_pair(ctx, pairs, n_pairs, &cap, p);
            if (st != SENDA_OK)
                return st;
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
    qsort_r(by_lat, n, sizeof *by_lat, cmp_lat, (void *)r);
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
