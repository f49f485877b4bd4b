/*
 * dedupe.c - find repeated reports: the same type, dates within a tolerance
 * (default 2 days) and locations within a distance (default 5 km) make a
 * duplicate of the earlier report (the one stored first).
 *
 * One event counts its victims once, at the largest count any of its reports
 * gives: the index keeps, per original report, the largest victims, women,
 * men and minors seen so far; senda__dedupe_merge raises them from a
 * duplicate and marks the entry pending, and the importer updates each pending
 * original once, when every file is read (senda__dedupe_next_pending and
 * senda__dedupe_take, in fid order). Without this
 * the IOM export's pair 42715 (0 dead, an early entry) / 42716 (6 dead, 1 man,
 * 5 children, the same truck in Tres Valles) would weigh 0 in every analysis.
 * The ACLED and UCDP event-data guides resolve repeated reports of one event
 * to a single best estimate the same way; senda takes the largest because
 * the reports it merges are independent sightings, not revisions.
 *
 * Only reports dated to the day take part: two IOM rows dated "2019" are not
 * evidence of one event. Reports are hashed by (type, lat cell, lon cell,
 * day bucket) with cells twice the tolerance wide (lon cells twice as wide
 * again in degrees, which covers |lat| <= 60 degrees) and day buckets 2 days + 1
 * wide, so the tolerance window around a report touches at most 2 buckets per
 * axis: a lookup scans at most 2 x 2 x 2 buckets and checks the great-circle
 * distance (haversine, R = 6371.0088 km) and the day difference exactly.
 * Expected O(1) per lookup and insert.
 *
 * Memory layout, for speed (the index of a 1,000,000-row import is tens of MB,
 * so every entry a lookup touches is a cache miss): a lookup scans about 7
 * buckets and 4 entries on the benchmark's data, and only a few entries are of
 * the same type, within the days and within the latitude band. The chains and
 * those three keys live in a compact array (16 bytes per report: latitude as a
 * float, day, type, next), the rest (fid, exact position, counts: 72 bytes) in
 * a second one read only for the candidates that pass the keys; the bucket
 * heads are 4-byte indices. The float latitude is a prefilter with a margin
 * (10^-5 degree; a float's rounding error is at most 5.4 x 10^-6 degree, at the
 * poles): the decision is still made on the double values, so the results are
 * those of the plain scan.
 * Memory: 88 bytes per stored report and 4 per bucket (2 to 4 buckets per report):
 * about 100 bytes per report.
 */
#include <math.h>
#include <string.h>

#include "incidents/incidents_int.h"

typedef struct { /* what a lookup reads of every entry in the buckets it scans */
    float lat;
    int32_t day; /* clamped to +-2^30 (1-Lipschitz: never rejects a pair within the days) */
    int32_t next; /* index of the next entry in the bucket, -1 at the end */
    int32_t type;
} dd_key;

typedef struct { /* read for candidates only */
    int64_t fid;
    double lon, lat;
    long day;
    int pending; /* counts rose and the stored original is not updated yet */
    double v[4]; /* largest victims, women, men, minors seen (< 0: not given) */
} dd_entry;

struct senda__dedupe {
    double days, km, tol_lat, cell_lat, cell_lon;
    dd_key *k;
    dd_entry *e;
    size_t n, cap;
    int32_t *head; /* n_buckets heads */
    size_t n_buckets;
    senda_ctx *ctx;
};

#define DAY_CLAMP (1L << 30)
static int32_t clamp_day(long day)
{
    return (int32_t)(day < -DAY_CLAMP ? -DAY_CLAMP : day > DAY_CLAMP ? DAY_CLAMP : day);
}

static uint64_t bucket_hash(int type, long cy, long cx, long cd)
{
    uint64_t h = 1469598103934665603ull;
    long v[4] = {type, cy, cx, cd};
    for (int i = 0; i < 4; i++) {
        h ^= (uint64_t)v[i];
        h *= 1099511628211ull;
        h ^= h >> 29;
    }
    return h;
}

senda_status senda__dedupe_create(senda_ctx *ctx, double days, double km, senda__dedupe **out)
{
    senda__dedupe *d = senda__calloc(ctx, 1, sizeof *d);
    if (!d)
        return SENDA_ERR_NOMEM;
    d->ctx = ctx;
    d->days = days < 0 ? 0 : days;
    d->km = km;
    d->tol_lat = (km > 0 ? km : 1.0) / 111.0; /* <= 111.19 km per degree: never too small */
    d->cell_lat = 2.0 * d->tol_lat;
    d->cell_lon = 2.0 * d->cell_lat;
    *out = d;
    return SENDA_OK;
}

void senda__dedupe_destroy(senda__dedupe *d)
{
    if (!d)
        return;
    senda__free(d->k);
    senda__free(d->e);
    senda__free(d->head);
    senda__free(d);
}

static long cell_of(double v, double size) { return (long)floor(v / size); }
static double day_width(const senda__dedupe *d) { return 2.0 * floor(d->days) + 1.0; }
static long day_bucket(const senda__dedupe *d, long day)
{
    return (long)floor((double)day / day_width(d));
}

/* The bucket range [lo, hi] of v +- tol for buckets of width w. */
static void bucket_range(double v, double tol, double w, long *lo, long *hi)
{
    *lo = (long)floor((v - tol) / w);
    *hi = (long)floor((v + tol) / w);
}

static senda_status rehash(senda_ctx *ctx, senda__dedupe *d, size_t n_buckets)
{
    int32_t *head = senda__malloc(ctx, n_buckets * sizeof *head);
    if (!head)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < n_buckets; i++)
        head[i] = -1;
    for (size_t i = 0; i < d->n; i++) {
        const dd_entry *e = &d->e[i];
        uint64_t h = bucket_hash(d->k[i].type, cell_of(e->lat, d->cell_lat),
                                 cell_of(e->lon, d->cell_lon), day_bucket(d, e->day));
        size_t b = (size_t)(h & (n_buckets - 1));
        d->k[i].next = head[b];
        head[b] = (int32_t)i;
    }
    senda__free(d->head);
    d->head = head;
    d->n_buckets = n_buckets;
    return SENDA_OK;
}

senda_status senda__dedupe_add(senda_ctx *ctx, senda__dedupe *d, int type, long day, double lon,
                               double lat, int64_t fid, const double v[4])
{
    if (d->km < 0)
        return SENDA_OK;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 4096;
        if (cap > (size_t)INT32_MAX)
            return senda__fail(ctx, SENDA_ERR_NOMEM, "de-duplication index: more than %d "
                               "reports", INT32_MAX);
        dd_entry *e = senda__realloc(ctx, d->e, cap * sizeof *e);
        if (!e)
            return SENDA_ERR_NOMEM;
        d->e = e;
        dd_key *k = senda__realloc(ctx, d->k, cap * sizeof *k);
        if (!k)
            return SENDA_ERR_NOMEM;
        d->k = k;
        d->cap = cap;
    }
    if (2 * (d->n + 1) > d->n_buckets) {
        senda_status st = rehash(ctx, d, d->n_buckets ? 2 * d->n_buckets : 8192);
        if (st != SENDA_OK)
            return st;
    }
    dd_entry *e = &d->e[d->n];
    e->fid = fid, e->lon = lon, e->lat = lat, e->day = day, e->pending = 0;
    memcpy(e->v, v, sizeof e->v);
    dd_key *k = &d->k[d->n];
    k->lat = (float)lat, k->day = clamp_day(day), k->type = type;
    uint64_t h = bucket_hash(type, cell_of(lat, d->cell_lat), cell_of(lon, d->cell_lon),
                             day_bucket(d, day));
    size_t b = (size_t)(h & (d->n_buckets - 1));
    k->next = d->head[b];
    d->head[b] = (int32_t)d->n++;
    return SENDA_OK;
}

static double haversine_km(double lon1, double lat1, double lon2, double lat2)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2.0 * 6371.0088 * asin(fmin(1.0, sqrt(h)));
}

/* The (at most 8) buckets a lookup scans, into b; returns how many. */
static int lookup_buckets(const senda__dedupe *d, int type, long day, double lon, double lat,
                          long b[8])
{
    long y0, y1, x0, x1, t0, t1;
    bucket_range(lat, d->tol_lat, d->cell_lat, &y0, &y1);
    bucket_range(lon, 2.0 * d->tol_lat, d->cell_lon, &x0, &x1);
    bucket_range((double)day, floor(d->days), day_width(d), &t0, &t1);
    int nb = 0;
    for (long cy = y0; cy <= y1; cy++)
        for (long cx = x0; cx <= x1; cx++)
            for (long cd = t0; cd <= t1 && nb < 8; cd++)
                b[nb++] = (long)(bucket_hash(type, cy, cx, cd) & (d->n_buckets - 1));
    return nb;
}

void senda__dedupe_prefetch(const senda__dedupe *d, int type, long day, double lon, double lat,
                            int entries)
{
    if (d->km < 0 || d->n == 0)
        return;
    long b[8];
    int nb = lookup_buckets(d, type, day, lon, lat, b);
    for (int k = 0; k < nb; k++) {
        if (!entries)
            __builtin_prefetch(&d->head[b[k]]);
        else if (d->head[b[k]] >= 0)
            __builtin_prefetch(&d->k[d->head[b[k]]]);
    }
}

int64_t senda__dedupe_find(const senda__dedupe *d, int type, long day, double lon, double lat,
                           long *idx)
{
    if (d->km < 0 || d->n == 0)
        return 0;
    /* the (at most 8) bucket heads first, prefetched: the lookups are cache misses
     * in a table of tens of MB, and issuing them together overlaps their latency
     * (senda__dedupe_prefetch issues them rows ahead) */
    long heads[8];
    int nb = lookup_buckets(d, type, day, lon, lat, heads);
    for (int k = 0; k < nb; k++)
        __builtin_prefetch(&d->head[heads[k]]);
    for (int k = 0; k < nb; k++) {
        heads[k] = d->head[heads[k]];
        if (heads[k] >= 0)
            __builtin_prefetch(&d->k[heads[k]]);
    }
    const long days = (long)floor(d->days);
    const int32_t day32 = clamp_day(day);
    const double band = d->tol_lat + 1e-5; /* the float latitude's prefilter */
    int64_t best = 0;
    for (int k = 0; k < nb; k++)
        for (long i = heads[k]; i >= 0; i = d->k[i].next) {
            const dd_key *key = &d->k[i];
            if (key->type != type || labs((long)key->day - day32) > days ||
                fabs((double)key->lat - lat) > band)
                continue;
            const dd_entry *e = &d->e[i];
            if (labs(e->day - day) > days || (best && e->fid >= best))
                continue;
            if (fabs(e->lat - lat) > d->tol_lat) /* cheap reject before haversine */
                continue;
            if (haversine_km(lon, lat, e->lon, e->lat) <= d->km) {
                best = e->fid; /* the earliest stored report it repeats */
                *idx = i;
            }
        }
    return best;
}

int senda__dedupe_merge(senda__dedupe *d, long idx, const double v[4])
{
    dd_entry *e = &d->e[idx];
    int raised = 0;
    for (int k = 0; k < 4; k++)
        if (v[k] > e->v[k]) {
            e->v[k] = v[k];
            raised = 1;
        }
    if (!raised)
        return 0;
    if (e->pending)
        return 1;
    e->pending = 1;
    return 2;
}

long senda__dedupe_next_pending(const senda__dedupe *d, long from)
{
    for (size_t i = from < 0 ? 0 : (size_t)from; i < d->n; i++)
        if (d->e[i].pending)
            return (long)i;
    return -1;
}

int64_t senda__dedupe_take(senda__dedupe *d, long idx, double v[4])
{
    dd_entry *e = &d->e[idx];
    e->pending = 0;
    memcpy(v, e->v, sizeof e->v);
    return e->fid;
}
