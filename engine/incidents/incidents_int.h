/*
 * incidents_int.h - engine-internal pieces of the incident pipeline: the
 * parsed row record, the text parsers (coordinates, numbers, dates), type and
 * perpetrator normalisation, de-duplication and the spatial join.
 */
#ifndef SENDA_INCIDENTS_INT_H
#define SENDA_INCIDENTS_INT_H

#include <stdint.h>

#include "core/core_int.h"
#include "io/gazetteer_int.h"
#include "io/io_int.h"
#include "io/store_int.h"

/* Row outcomes. */
enum { REC_ACCEPTED = 0, REC_REPAIRED, REC_REJECTED, REC_DUPLICATE };

/* Flags (accepted rows stay accepted; the flag says what is weak). */
#define FLAG_LOW_PRECISION 0x01u   /* a coordinate truncated to whole degrees */
#define FLAG_TYPE_UNKNOWN 0x02u    /* type text not recognised, kept as other */
#define FLAG_DATE_MISSING 0x04u    /* no date in the row */
#define FLAG_COUNT_ASSUMED 0x08u   /* no victim count, 1 assumed */
#define FLAG_GEOCODED 0x10u        /* located from the place name */
#define FLAG_COUNTS_INCONSISTENT 0x20u /* women, men or minors exceed the victims */
#define FLAG_SYNTHETIC 0x100u      /* the source row says synthetic=1 (not a doubt) */
/* Repairs. */
#define REPAIR_SWAPPED 0x01u       /* lat/lon were swapped */
#define REPAIR_LON_SIGN 0x02u      /* longitude lacked its west sign */

/* Date precision codes. */
enum { DATE_NONE = 0, DATE_YEAR, DATE_MONTH, DATE_DAY };

/* A parsed row. Strings point into the batch arena. */
typedef struct senda__incident {
    int status;        /* REC_* */
    int reason;        /* senda_incidents_reject_reason when rejected */
    int type;          /* senda_incidents_type */
    int perp;          /* perpetrator index */
    unsigned flags, repairs;
    double lon, lat;   /* WGS 84 */
    double x, y;       /* in the layers' CRS (join only) */
    int year, month, day, date_prec;
    long day_number;   /* days since 1970-01-01 of the first day of the period */
    double victims, women, men, minors; /* < 0 = not given */
    double weight;
    long source_row;   /* 1 = first data row */
    int64_t fid;       /* id given in the store */
    int64_t dup_of;    /* fid of the report this one repeats */
    int raises;        /* duplicate whose larger counts go to the original */
    int geoprec;       /* 0 exact, 1 degree, 2 locality */
    const char *type_raw, *perp_raw, *place, *admin1, *source_id, *raw;
    const char *const *vals; /* the row's values as read: raw is made from them (import.c) */
    int n_vals;              /* for the rows that store it, rejects and duplicates */
    char message[256];
    /* join results (NaN when not joined) */
    double rail_dist_m, rail_km, checkpoint_dist_m, border_dist_m;
    long rail_idx, checkpoint_idx, admin_idx;
} senda__incident;

/* ---- parse.c ---- */
/** strtod of s (the same value, *end likewise), faster for plain decimals of at
 *  most 15 digits (parse.c). */
double senda__decimal(const char *s, char **end);
/** Parse a number with '.' or ',' as decimal separator ("1.234,5", "-92,25").
 *  Returns 1 on success. */
int senda__parse_number(const char *s, double *out);
/** Parse one coordinate: decimal (comma or point), signed or with hemisphere
 *  letters (N S E W O), or degrees-minutes-seconds ("14°54'30\"N", "92 15 W").
 *  *hemi gets 'N','S','E','W' or 0; *whole is 1 when the text gave whole degrees
 *  only (no fraction, no minutes). Returns 1 on success. */
int senda__parse_coord(const char *s, double *out, char *hemi, int *whole);
/** Split a "lat, lon" (or "lat;lon", "lat lon", DMS pair) text into its two
 *  parts, copied into a and b (each of size n). Returns 1 on success. */
int senda__split_pair(const char *s, char *a, char *b, size_t n);
/** Parse a date: ISO 8601 (yyyy-mm-dd[Thh..], yyyy-mm, yyyy), dd/mm/yyyy (or mm/dd
 *  when order == 2, or when order == 0 and a weekday name fits only mm/dd),
 *  "December 08, 2019", "8 de mayo de 2019", mm/yyyy. Returns DATE_* precision
 *  (DATE_NONE for empty text) or -1 when unparseable or impossible. */
int senda__parse_date(const char *s, int order, int *y, int *m, int *d);
/** Days since 1970-01-01 of a valid civil date (Howard Hinnant's algorithm). */
long senda__days_from_civil(int y, int m, int d);

/* ---- synonyms.c ---- */
/* Column roles of the synonym table, in the order of synonyms.c's role names. */
enum {
    SENDA_SYN_LON, SENDA_SYN_LAT, SENDA_SYN_COORDS, SENDA_SYN_DATE, SENDA_SYN_YEAR,
    SENDA_SYN_MONTH, SENDA_SYN_TYPE, SENDA_SYN_COUNT, SENDA_SYN_DEAD, SENDA_SYN_MISSING,
    SENDA_SYN_PLACE, SENDA_SYN_STATE, SENDA_SYN_ID, SENDA_SYN_PERP, SENDA_SYN_WOMEN,
    SENDA_SYN_MEN, SENDA_SYN_MINORS, SENDA_SYN_SYNTHETIC, SENDA_SYN_COL_N
};
typedef struct senda__keyword {
    const char *kw; /* folded, matched at the start of a word */
    int code;
} senda__keyword;
typedef struct senda__synonyms {
    char **cols[SENDA_SYN_COL_N]; /* folded names per role, NULL-terminated, in preference order */
    size_t n_cols[SENDA_SYN_COL_N];
    senda__keyword *types, *perps; /* type and perpetrator keywords */
    size_t n_types, n_perps;
    size_t n_entries, n_bundled; /* entries read in all; of them from the bundled file */
} senda__synonyms;
/** The bundled table plus, when user_path is given, that file's entries. */
senda_status senda__synonyms_load(senda_ctx *ctx, const char *user_path, senda__synonyms **out);
void senda__synonyms_destroy(senda__synonyms *t);
/** The bundled table, loaded once per process; NULL only if that failed (memory). */
const senda__synonyms *senda__synonyms_bundled(void);
/** "lon", "lat", ... for a SENDA_SYN_* role. */
const char *senda__syn_col_role_name(int role);

/* ---- types.c ---- */
/** Normalise a type text ("secuestro", "Fall from train, Shot") with the
 *  keywords of table syn (senda__synonyms_bundled() or a loaded one; NULL: no
 *  keywords). Returns the type; *known = 0 when nothing matched (then
 *  SENDA_INC_OTHER). */
int senda__type_from_text(const senda__synonyms *syn, const char *s, int *known);
/** Normalise a perpetrator text (empty -> unknown) with the keywords of table syn. */
int senda__perp_from_text(const senda__synonyms *syn, const char *s);

/* ---- dedupe.c ---- */
typedef struct senda__dedupe senda__dedupe;
senda_status senda__dedupe_create(senda_ctx *ctx, double days, double km, senda__dedupe **out);
void senda__dedupe_destroy(senda__dedupe *d);
/** Known report: add it (only day-precision dates take part) with its victims,
 *  women, men and minors in v (< 0: not given). */
senda_status senda__dedupe_add(senda_ctx *ctx, senda__dedupe *d, int type, long day,
                               double lon, double lat, int64_t fid, const double v[4]);
/* Start loading what senda__dedupe_find of these values will read: the bucket
 * heads (entries = 0), or, once those are loaded, the first entry of each
 * bucket (entries = 1). Issued rows ahead of the lookups, it overlaps their
 * cache misses; it changes nothing. */
void senda__dedupe_prefetch(const senda__dedupe *d, int type, long day, double lon, double lat,
                            int entries);
/** The fid of an earlier report this one repeats (its index entry in *idx), or 0. */
int64_t senda__dedupe_find(const senda__dedupe *d, int type, long day, double lon, double lat,
                           long *idx);
/** Raise entry idx's counts to a duplicate's v where larger. Returns 0 when
 *  nothing rose, 1 when some count rose, 2 when some rose and the entry became
 *  pending (its stored original needs the new counts: take it once). */
int senda__dedupe_merge(senda__dedupe *d, long idx, const double v[4]);
/** A pending entry's fid and counts (victims, women, men, minors; < 0: not
 *  given); it is no longer pending. */
int64_t senda__dedupe_take(senda__dedupe *d, long idx, double v[4]);
/** The first pending entry at index from or after (entries are in fid order:
 *  the stored reports by fid, then the new ones as added), or -1. */
long senda__dedupe_next_pending(const senda__dedupe *d, long from);

/* ---- crossmatch.c ---- */
enum { SENDA__GEO_EXACT = 0, SENDA__GEO_DEGREE = 1, SENDA__GEO_LOCALITY = 2 };
/** One stored report as cross-precision matching sees it. */
typedef struct senda__xreport {
    int64_t fid;
    int type, date_prec, geoprec; /* DATE_*, SENDA__GEO_* */
    long day_first, day_last;     /* its date interval, days since 1970-01-01 */
    double lon, lat, victims;
    int count_assumed;
    int taken;     /* already repeated by a linked coarser report: not free */
    int no_coarse; /* a reviewer kept it as its own event: never the duplicate */
} senda__xreport;
/** A link: r[coarse] repeats r[fine]; possible when another free report fitted too. */
typedef struct senda__xlink {
    size_t coarse, fine;
    int possible;
    double km;
} senda__xlink;
/** Link reports of one event given at different date precisions (one-to-one,
 *  closest first; semantics in crossmatch.c). km is the base distance tolerance.
 *  Ownership: *links freed with senda__free(). */
senda_status senda__crossmatch(senda_ctx *ctx, const senda__xreport *r, size_t n, double km,
                               senda__xlink **links, size_t *n_links);

/* ---- join.c ---- */
typedef struct senda__joiner senda__joiner;
/** Prepare the layers' trees and prepared geometries for joining. */
senda_status senda__join_open(senda_ctx *ctx, const senda_layers *layers, int n_threads,
                              senda__joiner **out);
void senda__join_close(senda_ctx *ctx, senda__joiner *j);
/** Join recs[0..n) (accepted ones, x/y already in the layers' CRS). */
senda_status senda__join_run(senda_ctx *ctx, senda__joiner *j, senda__incident *recs, size_t n);

#endif
