/*
 * import.c - `senda incidents import`: read reports from any OGR source,
 * parse and validate each row (row.c), geocode rows that only name a place
 * (io/gazetteer.c), drop nothing, mark repeated reports (dedupe.c), join the
 * accepted ones to the corridor layers (join.c) and store every row in the
 * incident store (io/store.c: a GeoPackage, or PostGIS) in one transaction.
 * On PostGIS the transaction first takes the store's advisory lock, so
 * concurrent imports match and number their reports one after another; the
 * matching itself (dedupe.c) is the same for both back ends.
 *
 * Rows flow in batches of 4096: read with OGR (the CSV driver for .csv, every
 * value as text; values that are not valid UTF-8 are taken as Latin-1 and
 * recoded), processed, reprojected to the layers' CRS (one PROJ call per batch)
 * and joined on n_threads threads, de-duplicated in file order against
 * everything already stored and everything before them, then inserted with
 * prepared statements. Two batches alternate: while a worker thread
 * de-duplicates and inserts one full batch, the calling thread reads, parses
 * and joins the next (both cores busy; the SQLite connection and the
 * de-duplication index are only touched by the thread that flushes, one at a
 * time). Partial batches are flushed on the calling thread. On a GeoPackage the
 * stored rows go 16 to an INSERT (per statement SQLite reads and writes the
 * AUTOINCREMENT key in sqlite_sequence), and the texts the writer binds (dates,
 * flags, duplicate messages) are put together by hand, not by snprintf: the
 * writing thread is the longer of the two. A CSV is not counted by OGR
 * beforehand (its driver would parse the whole file once more): the progress
 * uses the line count the bare-quote scan (csvquote.c) makes.
 * When every file is read, reports of one event given at different date
 * precisions (a year-dated row repeating a day-dated one, across files) are
 * linked by crosslink.c / crossmatch.c, in the same transaction, after the
 * originals that repeats gave larger counts are updated, once each.
 * A file whose SHA-256 is in imported_files is skipped whole, so importing a
 * file again adds nothing. Every row ends in exactly one of incidents
 * (accepted, repaired, duplicate) or incident_rejects, so
 * read = accepted + rejected + duplicate.
 *
 * Memory: two batches of rows and their strings (a few MB), the de-duplication
 * index (about 100 bytes per day-dated report, dedupe.c), a CSV's bytes during the
 * bare-quote scan, and the gazetteer when used.
 * Time: O(rows) plus the join's, about O(1) per row for layers of fixed size
 * (join.c). 1,000,000 synthetic rows: see docs/performance.md.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>

#include "incidents/import_int.h"

#define BATCH 4096
#define GROUP 16      /* rows per INSERT statement into a GeoPackage store */
#define INC_COLS 41

void senda_incidents_import_opts_init(senda_incidents_import_opts *o)
{
    memset(o, 0, sizeof *o);
    o->study_area[0] = -99.0, o->study_area[1] = 13.0;
    o->study_area[2] = -86.0, o->study_area[3] = 22.0;
    o->admin_field = "name";
    o->dedupe_days = 2.0;
    o->dedupe_km = 5.0;
    for (int t = 0; t < SENDA_INC_N_TYPES; t++)
        o->severity[t] = senda_incidents_default_severity(t);
    o->n_threads = 2;
}

/* The texts one stored row binds (they must live until its statement runs). */
typedef struct {
    char first[16], last[16], date[16], flags[96], repairs[64];
} row_text;

typedef struct import_state {
    senda_ctx *ctx;
    const senda_incidents_import_opts *opts;
    senda__store *store;
    senda__stmt *ins_inc, *ins_rej, *raise;
    senda__stmt *ins_group; /* GeoPackage: GROUP rows per INSERT; NULL on PostGIS */
    const senda__incident *group[GROUP]; /* rows waiting for a full group */
    size_t n_group;
    row_text group_text[GROUP];
    senda__dedupe *dedupe;
    double *tx, *ty; /* a batch's points to reproject for the join */
    int *tok;
    senda__rowctx rc;
    /* two batches: one filled by the reading thread while the other is flushed */
    senda__incident *bufs[2];
    senda__arena arenas[2];
    int cur;
    senda__incident *batch; /* bufs[cur], being filled */
    senda__arena *arena;    /* arenas[cur] */
    size_t n_batch;
    senda__incident *flush_recs; /* the batch being flushed */
    senda__arena *flush_arena;   /* its strings */
    size_t flush_n;
    pthread_t worker;
    int worker_on;
    senda_status worker_st;
    senda_incidents_import_summary *sum;
    OGRCoordinateTransformationH to_layers;
    senda__joiner *joiner;
    int64_t next_fid, file_id, first_file_id; /* first_file_id: the first of this run */
    const char *source_file; /* source_label: the path, any password hidden */
    char source_label[1024];
    long rows_in_file;
    long csv_lines; /* a CSV's lines outside quotes (csvquote.c), else -1 */
    senda__synonyms *syn; /* the bundled synonyms and the user's file (--synonyms); NULL: bundled */
    char dup_tail[96];    /* "), within 2 days and 5 km": the tolerances, formatted once */
    int any_coarse; /* an accepted month- or year-dated report is stored (crosslink.c) */
} import_state;

static const char *const inc_sql =
    "INSERT INTO incidents(fid, geom, status, type, type_raw, perpetrator, perpetrator_raw, "
    "date, date_precision, date_first, date_last, day_first, victims, women, men, minors, "
    "severity, weight, lon, lat, geocode_precision, place, admin1, flags, repairs, message, "
    "duplicate_of, source_file, source_row, source_id, file_id, raw, synthetic, rail_fid, "
    "rail_dist_m, rail_km, checkpoint_fid, checkpoint_name, checkpoint_dist_m, border_dist_m, "
    "admin_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
    "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, "
    "?35, ?36, ?37, ?38, ?39, ?40, ?41)";

/* The size of group_sql's text: the columns (under 1 KB), then per parameter
 * at most ", ?NNNNN)" and "(" (12 bytes). */
#define GROUP_SQL_SIZE ((size_t)1024 + (size_t)GROUP * INC_COLS * 12)

/* inc_sql with GROUP rows of INC_COLS parameters in one INSERT, into buf: per
 * statement SQLite reads and writes sqlite_sequence (the AUTOINCREMENT key) and
 * resets the statement, about a quarter of the cost of a one-row insert. */
static void group_sql(char *buf, size_t n)
{
    const char *values = strstr(inc_sql, "VALUES");
    size_t len = (size_t)(values - inc_sql) + 7;
    memcpy(buf, inc_sql, len);
    for (int j = 0; j < GROUP; j++)
        for (int c = 1; c <= INC_COLS; c++)
            len += (size_t)snprintf(buf + len, n - len, "%s?%d%s", c == 1 ? (j ? ", (" : "(")
                                    : ", ", j * INC_COLS + c, c == INC_COLS ? ")" : "");
}
static const char *const rej_sql =
    "INSERT INTO incident_rejects(source_file, file_id, source_row, reason, message, raw) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/* An original report takes the larger counts of its duplicates (dedupe.c). */
#define RAISED_MSG "victims counted at the largest of its repeated reports (duplicate_of)"
static const char *const raise_sql =
    "UPDATE incidents SET victims = ?2, women = ?3, men = ?4, minors = ?5, "
    "weight = severity * ?2, message = CASE WHEN coalesce(message, '') = '' THEN '"
    RAISED_MSG "' WHEN message LIKE '%" RAISED_MSG "%' THEN message ELSE message || '; "
    RAISED_MSG "' END WHERE fid = ?1";

static void bind_text(senda__stmt *q, int i, const char *s)
{
    if (s && s[0])
        senda__stmt_text(q, i, s);
    else
        senda__stmt_null(q, i);
}

static void bind_real(senda__stmt *q, int i, double v)
{
    if (isnan(v) || v < 0)
        senda__stmt_null(q, i);
    else
        senda__stmt_double(q, i, v);
}

static const char *precision_name(int p)
{
    return p == DATE_DAY ? "day" : p == DATE_MONTH ? "month" : p == DATE_YEAR ? "year" : "none";
}

/* yyyy-mm-dd into out (16 bytes), by hand: a million snprintf calls cost 0.3 s
 * on the thread that writes the store (years are 1900..2100, parse.c). */
static void put_date(char *out, int y, int m, int d)
{
    if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99) {
        snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
        return;
    }
    const char t[10] = {(char)('0' + y / 1000), (char)('0' + y / 100 % 10),
                        (char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
                        (char)('0' + m / 10), (char)('0' + m % 10), '-',
                        (char)('0' + d / 10), (char)('0' + d % 10)};
    memcpy(out, t, 10);
    out[10] = '\0';
}

static void date_range(const senda__incident *r, char *first, char *last)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = r->year, m = r->month, ld;
    switch (r->date_prec) {
    case DATE_DAY:
        put_date(first, y, m, r->day);
        put_date(last, y, m, r->day);
        break;
    case DATE_MONTH:
        ld = dm[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
        put_date(first, y, m, 1);
        put_date(last, y, m, ld);
        break;
    case DATE_YEAR:
        put_date(first, y, 1, 1);
        put_date(last, y, 12, 31);
        break;
    default:
        first[0] = last[0] = '\0';
    }
}

/* The names of the set bits of v (names[k] for bit bits[k]), comma-separated. */
static void bit_names(unsigned v, const unsigned *bits, const char *const *names, int n,
                      char *out, size_t out_n)
{
    size_t len = 0;
    for (int k = 0; k < n; k++) {
        size_t l = strlen(names[k]);
        if (!(v & bits[k]) || len + l + 2 > out_n)
            continue;
        if (len)
            out[len++] = ',';
        memcpy(out + len, names[k], l);
        len += l;
    }
    out[len] = '\0';
}

static void flags_text(const senda__incident *r, char *f, size_t nf, char *rp, size_t nr)
{
    static const unsigned fb[] = {FLAG_LOW_PRECISION, FLAG_TYPE_UNKNOWN, FLAG_DATE_MISSING,
                                  FLAG_COUNT_ASSUMED, FLAG_GEOCODED, FLAG_COUNTS_INCONSISTENT};
    static const char *const fn[] = {"low_precision", "type_unknown", "date_missing",
                                     "count_assumed", "geocoded", "counts_inconsistent"};
    static const unsigned rb[] = {REPAIR_SWAPPED, REPAIR_LON_SIGN};
    static const char *const rn[] = {"swapped_lat_lon", "lon_sign"};
    bit_names(r->flags, fb, fn, 6, f, nf);
    bit_names(r->repairs, rb, rn, 2, rp, nr);
}

/* Bind one stored (non-rejected) row as parameters b + 1 .. b + INC_COLS of q; its
 * texts go into t. */
static void bind_incident(import_state *s, senda__stmt *q, int b, const senda__incident *r,
                          row_text *t)
{
    const senda_layers *layers = s->opts->layers;
    char *first = t->first, *last = t->last, *date = t->date;
    static const char *const status_names[] = {"accepted", "repaired", "rejected", "duplicate"};
    static const char *const geoprec[] = {"exact", "degree", "locality"};
    date_range(r, first, last);
    memcpy(date, first, sizeof t->date);
    if (r->date_prec == DATE_MONTH)
        date[7] = '\0';
    else if (r->date_prec == DATE_YEAR)
        date[4] = '\0';
    flags_text(r, t->flags, sizeof t->flags, t->repairs, sizeof t->repairs);
    senda__stmt_int64(q, b + 1, r->fid);
    senda__stmt_point(q, b + 2, r->lon, r->lat);
    bind_text(q, b + 3, status_names[r->status]);
    bind_text(q, b + 4, senda_incidents_type_code(r->type));
    bind_text(q, b + 5, r->type_raw);
    bind_text(q, b + 6, senda_incidents_perpetrator_code(r->perp));
    bind_text(q, b + 7, r->perp_raw);
    senda__stmt_text(q, b + 8, date);
    bind_text(q, b + 9, precision_name(r->date_prec));
    if (first[0]) {
        senda__stmt_text(q, b + 10, first);
        senda__stmt_text(q, b + 11, last);
        senda__stmt_int64(q, b + 12, r->day_number);
    }
    senda__stmt_double(q, b + 13, r->victims);
    bind_real(q, b + 14, r->women);
    bind_real(q, b + 15, r->men);
    bind_real(q, b + 16, r->minors);
    senda__stmt_double(q, b + 17, s->opts->severity[r->type]);
    senda__stmt_double(q, b + 18, r->weight);
    senda__stmt_double(q, b + 19, r->lon);
    senda__stmt_double(q, b + 20, r->lat);
    bind_text(q, b + 21, geoprec[r->geoprec]);
    bind_text(q, b + 22, r->place);
    bind_text(q, b + 23, r->admin1);
    bind_text(q, b + 24, t->flags);
    bind_text(q, b + 25, t->repairs);
    bind_text(q, b + 26, r->message);
    if (r->dup_of)
        senda__stmt_int64(q, b + 27, r->dup_of);
    bind_text(q, b + 28, s->source_file);
    senda__stmt_int64(q, b + 29, r->source_row);
    bind_text(q, b + 30, r->source_id);
    senda__stmt_int64(q, b + 31, s->file_id);
    if (r->status == REC_DUPLICATE)
        bind_text(q, b + 32, r->raw);
    senda__stmt_int64(q, b + 33, r->flags & FLAG_SYNTHETIC ? 1 : 0);
    if (r->rail_idx >= 0) {
        senda__stmt_int64(q, b + 34, r->rail_idx + 1);
        senda__stmt_double(q, b + 35, r->rail_dist_m);
        senda__stmt_double(q, b + 36, r->rail_km);
    }
    if (r->checkpoint_idx >= 0) {
        senda__stmt_int64(q, b + 37, r->checkpoint_idx + 1);
        bind_text(q, b + 38, senda_layers_attr(layers, SENDA_LAYER_CHECKPOINTS,
                                           (size_t)r->checkpoint_idx, "name"));
        senda__stmt_double(q, b + 39, r->checkpoint_dist_m);
    }
    bind_real(q, b + 40, r->border_dist_m);
    if (r->admin_idx >= 0)
        bind_text(q, b + 41, senda_layers_attr(layers, "states", (size_t)r->admin_idx,
                                           s->opts->admin_field));
}

/* Insert the waiting rows: a full group in one statement, fewer one by one. */
static senda_status insert_group(import_state *s)
{
    senda_status st = SENDA_OK;
    if (s->n_group == GROUP && s->ins_group) {
        for (size_t j = 0; j < GROUP; j++)
            bind_incident(s, s->ins_group, (int)j * INC_COLS, s->group[j], &s->group_text[j]);
        st = senda__stmt_run(s->ctx, s->ins_group);
    } else {
        for (size_t j = 0; j < s->n_group && st == SENDA_OK; j++) {
            bind_incident(s, s->ins_inc, 0, s->group[j], &s->group_text[0]);
            st = senda__stmt_run(s->ctx, s->ins_inc);
        }
    }
    s->n_group = 0;
    return st;
}

/* Insert one stored row, grouped with the next ones on a GeoPackage. */
static senda_status insert_incident(import_state *s, const senda__incident *r)
{
    s->group[s->n_group++] = r;
    return s->n_group == GROUP || !s->ins_group ? insert_group(s) : SENDA_OK;
}

static senda_status insert_reject(import_state *s, const senda__incident *r)
{
    senda__stmt *q = s->ins_rej;
    bind_text(q, 1, s->source_file);
    senda__stmt_int64(q, 2, s->file_id);
    senda__stmt_int64(q, 3, r->source_row);
    bind_text(q, 4, senda_incidents_reject_reason_code(r->reason));
    bind_text(q, 5, r->message);
    senda__stmt_text(q, 6, r->raw ? r->raw : "");
    return senda__stmt_run(s->ctx, q);
}

/* The row as CSV text (values quoted when needed), in the flushed batch's arena.
 * Made only for the rows that store it, rejects and duplicates (a quarter of the
 * benchmark's rows): for every row on the reading thread it was 4 % of that
 * thread. */
static const char *raw_text(import_state *s, const char *const *vals, int n)
{
    char buf[8192];
    size_t len = 0;
    for (int i = 0; i < n && len + 4 < sizeof buf; i++) {
        const char *v = vals[i];
        int quote = strpbrk(v, ",\"\n\r") != NULL;
        if (i)
            buf[len++] = ',';
        if (quote)
            buf[len++] = '"';
        for (; *v && len + 3 < sizeof buf; v++) {
            if (*v == '"')
                buf[len++] = '"';
            buf[len++] = *v;
        }
        if (quote && len + 1 < sizeof buf)
            buf[len++] = '"';
    }
    return senda__arena_strndup(s->ctx, s->flush_arena, buf, len);
}

/* Give every original whose duplicates reported more the merged counts (victims
 * at the largest any report gives), once each, when every file is stored. Done
 * per batch instead, the updates reach back to rows stored long before (a
 * report's repeats come anywhere in a file), and the page cache, kept small so
 * SQLite writes pages while the import runs instead of all at the commit, had
 * to read and write those pages again: 118,525 such updates took a second of
 * the writing thread's 4 in the benchmark. In fid order (the index's order)
 * each page is read once. */
static senda_status raise_originals(import_state *s)
{
    senda_status st = SENDA_OK;
    for (long i = senda__dedupe_next_pending(s->dedupe, 0); i >= 0 && st == SENDA_OK;
         i = senda__dedupe_next_pending(s->dedupe, i + 1)) {
        double v[4];
        int64_t fid = senda__dedupe_take(s->dedupe, i, v);
        senda__stmt *q = s->raise;
        senda__stmt_int64(q, 1, fid);
        senda__stmt_double(q, 2, v[0] < 0 ? 1.0 : v[0]);
        bind_real(q, 3, v[1]);
        bind_real(q, 4, v[2]);
        bind_real(q, 5, v[3]);
        st = senda__stmt_run(s->ctx, q);
    }
    return st;
}

/* Mark duplicates and give fids, in row order. */
static senda_status dedupe_batch(import_state *s)
{
    for (size_t i = 0; i < s->flush_n; i++) {
        senda__incident *r = &s->flush_recs[i];
        /* the lookups' cache misses started 16 rows ahead (bucket heads) and 8 rows
         * ahead (their first entries): the index is tens of MB. With dedupe.c's
         * compact keys, 0.52 s to 0.37 s of the benchmark's 1,000,000 rows. */
        for (size_t ahead = 8; ahead <= 16; ahead += 8) {
            if (i + ahead >= s->flush_n)
                continue;
            const senda__incident *p = &s->flush_recs[i + ahead];
            if (p->status != REC_REJECTED && p->date_prec == DATE_DAY)
                senda__dedupe_prefetch(s->dedupe, p->type, p->day_number, p->lon, p->lat,
                                       ahead == 8);
        }
        if (r->status == REC_REJECTED)
            continue;
        r->fid = s->next_fid++;
        if (r->date_prec != DATE_DAY)
            continue;
        /* an assumed count (none given) never raises a given one */
        const double v[4] = {r->flags & FLAG_COUNT_ASSUMED ? -1.0 : r->victims, r->women, r->men,
                             r->minors};
        long idx = -1;
        int64_t dup = senda__dedupe_find(s->dedupe, r->type, r->day_number, r->lon, r->lat, &idx);
        if (dup) {
            r->status = REC_DUPLICATE;
            r->dup_of = dup;
            r->raises = senda__dedupe_merge(s->dedupe, idx, v) > 0;
            /* "repeats incident <dup>: same type (<type>), within <d> days and <k> km",
             * put together by hand (229,631 snprintf calls in the benchmark) */
            char fid[24];
            size_t len = 0, nf = sizeof fid - 1;
            fid[nf] = '\0';
            for (uint64_t u = (uint64_t)dup; u || nf == sizeof fid - 1; u /= 10)
                fid[--nf] = (char)('0' + u % 10);
            const char *parts[] = {"repeats incident ", fid + nf, ": same type (",
                                   senda_incidents_type_code(r->type), s->dup_tail,
                                   r->raises ? "; its larger counts were given to that "
                                               "incident" : ""};
            for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
                size_t l = strlen(parts[k]);
                l = len + l < sizeof r->message ? l : sizeof r->message - 1 - len;
                memcpy(r->message + len, parts[k], l);
                len += l;
            }
            r->message[len] = '\0';
            continue;
        }
        senda_status st = senda__dedupe_add(s->ctx, s->dedupe, r->type, r->day_number, r->lon,
                                            r->lat, r->fid, v);
        if (st != SENDA_OK)
            return st;
    }
    return SENDA_OK;
}

/* Join the batch being filled (on the reading thread, before de-duplication:
 * duplicates get join fields too, which costs little and keeps the flusher light). */
static senda_status join_batch(import_state *s)
{
    if (!s->opts->layers)
        return SENDA_OK;
    /* one PROJ call for the batch (per-point calls cost about 1 us each) */
    size_t n = 0;
    for (size_t i = 0; i < s->n_batch; i++) {
        senda__incident *r = &s->batch[i];
        r->x = r->y = (double)NAN;
        if (r->status == REC_ACCEPTED || r->status == REC_REPAIRED)
            s->tx[n] = r->lon, s->ty[n] = r->lat, n++;
    }
    if (n && !OCTTransformEx(s->to_layers, (int)n, s->tx, s->ty, NULL, s->tok))
        memset(s->tok, 0, n * sizeof *s->tok);
    for (size_t i = 0, k = 0; i < s->n_batch; i++) {
        senda__incident *r = &s->batch[i];
        if (r->status == REC_ACCEPTED || r->status == REC_REPAIRED) {
            if (s->tok[k])
                r->x = s->tx[k], r->y = s->ty[k];
            k++;
        }
    }
    return senda__join_run(s->ctx, s->joiner, s->batch, s->n_batch);
}

static senda_status flush_batch(import_state *s)
{
    senda_status st = dedupe_batch(s);
    for (size_t i = 0; i < s->flush_n && st == SENDA_OK; i++) {
        senda__incident *r = &s->flush_recs[i];
        senda_incidents_import_summary *m = s->sum;
        m->read++;
        if ((r->status == REC_REJECTED || r->status == REC_DUPLICATE) &&
            !(r->raw = raw_text(s, r->vals, r->n_vals))) {
            st = SENDA_ERR_NOMEM;
            continue;
        }
        switch (r->status) {
        case REC_REJECTED:
            m->rejected++;
            m->rejected_by_reason[r->reason]++;
            st = insert_reject(s, r);
            continue;
        case REC_DUPLICATE: m->duplicate++; break;
        default: /* accepted or repaired: repaired rows are among the accepted */
            m->repaired += r->status == REC_REPAIRED;
            m->accepted++;
            m->geocoded += (r->flags & FLAG_GEOCODED) != 0;
            m->flagged += (r->flags & ~(unsigned)FLAG_GEOCODED & 0xffu) != 0;
            m->joined += r->rail_idx >= 0 || !isnan(r->border_dist_m);
            s->any_coarse |= r->date_prec == DATE_MONTH || r->date_prec == DATE_YEAR;
        }
        st = insert_incident(s, r);
    }
    if (st == SENDA_OK) /* the rest of the batch (the group points into it) */
        st = insert_group(s);
    return st;
}

static void *flush_thread(void *arg)
{
    import_state *s = arg;
    s->worker_st = flush_batch(s);
    return NULL;
}

static senda_status wait_worker(import_state *s)
{
    if (s->worker_on) {
        pthread_join(s->worker, NULL);
        s->worker_on = 0;
    }
    return s->worker_st;
}

/* Hand the filled batch to the flusher (a thread when async) and start filling the
 * other one. Partial batches (the end of a file) are flushed here, synchronously. */
static senda_status hand_over(import_state *s, int async)
{
    senda_status st = join_batch(s);
    senda_status wst = wait_worker(s);
    if (st == SENDA_OK)
        st = wst;
    if (st != SENDA_OK)
        return st;
    s->flush_recs = s->batch;
    s->flush_n = s->n_batch;
    s->flush_arena = s->arena;
    s->cur ^= 1;
    s->batch = s->bufs[s->cur];
    s->arena = s->rc.arena = &s->arenas[s->cur];
    senda__arena_reset(s->arena); /* its batch was flushed: we waited above */
    s->n_batch = 0;
    if (async && pthread_create(&s->worker, NULL, flush_thread, s) == 0) {
        s->worker_on = 1;
        return SENDA_OK;
    }
    return flush_batch(s);
}

/* Copy the feature's values into the arena as UTF-8. */
static senda_status row_values(import_state *s, OGRFeatureH f, int n, const char **vals)
{
    for (int i = 0; i < n; i++) {
        const char *v = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
        char *recoded = NULL;
        if (!CPLIsUTF8(v, -1))
            v = recoded = CPLRecode(v, CPL_ENC_ISO8859_1, CPL_ENC_UTF8);
        size_t len = strlen(v);
        while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r'))
            len--;
        while (len && (*v == ' ' || *v == '\t'))
            v++, len--;
        vals[i] = senda__arena_strndup(s->ctx, s->arena, v, len);
        CPLFree(recoded);
        if (!vals[i])
            return SENDA_ERR_NOMEM;
    }
    return SENDA_OK;
}

static senda_status read_layer(import_state *s, OGRLayerH lyr, double p_lo, double p_hi,
                               senda_progress_fn progress, void *progress_arg)
{
    int n = s->rc.map->n_fields;
    const char **vals = senda__calloc(s->ctx, (size_t)(n > 0 ? n : 1), sizeof *vals);
    if (!vals)
        return SENDA_ERR_NOMEM;
    int skip = s->rc.map->header_rows;
    /* a CSV's rows for the progress from the line count csvquote.c made (the CSV
     * driver's feature count parses the whole file once more) */
    GIntBig total = s->csv_lines >= 0 ? s->csv_lines - 1 - skip : OGR_L_GetFeatureCount(lyr, FALSE);
    senda_status st = SENDA_OK;
    OGRFeatureH f;
    OGR_L_ResetReading(lyr);
    while (st == SENDA_OK && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        if (skip > 0) { /* an HXL hashtag row: a second header, not a report */
            skip--;
            OGR_F_Destroy(f);
            continue;
        }
        senda__incident *r = &s->batch[s->n_batch];
        memset(r, 0, sizeof *r);
        r->source_row = ++s->rows_in_file;
        st = row_values(s, f, n, vals);
        if (st == SENDA_OK)
            st = senda__row_process(&s->rc, vals, OGR_F_GetGeometryRef(f), r);
        if (st == SENDA_OK) { /* for raw_text, when the flusher stores the row's text */
            const char **keep = senda__arena_alloc(s->ctx, s->arena, (size_t)n * sizeof *keep);
            if (!keep)
                st = SENDA_ERR_NOMEM;
            else
                memcpy((void *)keep, vals, (size_t)n * sizeof *keep);
            r->vals = keep, r->n_vals = n;
        }
        if (st == SENDA_OK && s->rc.map->synthetic >= 0 &&
            strcmp(vals[s->rc.map->synthetic], "1") == 0)
            r->flags |= FLAG_SYNTHETIC;
        OGR_F_Destroy(f);
        if (st == SENDA_OK && ++s->n_batch == BATCH) {
            st = hand_over(s, 1);
            double frac = total > 0 ? fmin(1.0, (double)s->rows_in_file / (double)total) : 0.5;
            if (st == SENDA_OK && !senda__progress(s->ctx, progress, progress_arg,
                                                   p_lo + (p_hi - p_lo) * frac * 0.999, NULL))
                st = SENDA_ERR_CANCELLED;
        }
    }
    if (st == SENDA_OK && s->n_batch)
        st = hand_over(s, 0);
    senda_status wst = wait_worker(s);
    if (st == SENDA_OK)
        st = wst;
    senda__free((void *)vals);
    return st;
}

/* Transformations from the source's CRS (s_srs, or the layer's) to lon/lat. */
static senda_status source_transforms(import_state *s, OGRLayerH lyr, const char *path)
{
    OGRSpatialReferenceH wgs = senda__srs_wgs84();
    senda_status st = SENDA_OK;
    if (s->opts->s_srs) {
        OGRSpatialReferenceH src = senda__srs_from_user(s->ctx, s->opts->s_srs);
        if (!src) {
            st = SENDA_ERR_CRS;
        } else {
            s->rc.s_ct = OCTNewCoordinateTransformation(src, wgs);
            OSRDestroySpatialReference(src);
            if (!s->rc.s_ct)
                st = senda__fail_gdal(s->ctx, SENDA_ERR_CRS, "--s_srs %s: PROJ cannot transform "
                                      "it to WGS 84", s->opts->s_srs);
        }
    }
    OGRSpatialReferenceH lsrs = OGR_L_GetSpatialRef(lyr);
    if (st == SENDA_OK && s->rc.map->use_geometry && lsrs) {
        OGRSpatialReferenceH c = OSRClone(lsrs);
        OSRSetAxisMappingStrategy(c, OAMS_TRADITIONAL_GIS_ORDER);
        s->rc.geom_ct = OCTNewCoordinateTransformation(c, wgs);
        OSRDestroySpatialReference(c);
        if (!s->rc.geom_ct)
            st = senda__fail_gdal(s->ctx, SENDA_ERR_CRS, "%s: PROJ cannot transform its CRS "
                                  "to WGS 84", path);
    }
    OSRDestroySpatialReference(wgs);
    return st;
}

static void drop_transforms(import_state *s)
{
    if (s->rc.s_ct)
        OCTDestroyCoordinateTransformation(s->rc.s_ct);
    if (s->rc.geom_ct)
        OCTDestroyCoordinateTransformation(s->rc.geom_ct);
    s->rc.s_ct = s->rc.geom_ct = NULL;
}

static senda_status add_file_row(import_state *s, const char *sha, const char *path)
{
    senda__stmt *q = NULL;
    char now[40], sec[24];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(now, sizeof now, "%s.%03ldZ", sec, ts.tv_nsec / 1000000); /* as OGR writes it */
    senda_status st = senda__stmt_prepare(
        s->ctx, s->store,
        "INSERT INTO imported_files(sha256, path, n_rows, imported_at) VALUES "
        "(?1, ?2, 0, ?3) RETURNING fid", &q);
    if (st != SENDA_OK)
        return st;
    senda__stmt_text(q, 1, sha);
    senda__stmt_text(q, 2, path);
    senda__stmt_text(q, 3, now);
    st = senda__stmt_query(s->ctx, q);
    if (st == SENDA_OK && senda__stmt_next(q))
        s->file_id = senda__stmt_col_int64(q, 0);
    senda__stmt_finalize(q);
    if (!s->first_file_id)
        s->first_file_id = s->file_id;
    return st;
}

static senda_status set_file_rows(import_state *s)
{
    senda__stmt *q = NULL;
    senda_status st = senda__stmt_prepare(s->ctx, s->store, "UPDATE imported_files SET "
                                          "n_rows = ?1 WHERE fid = ?2", &q);
    if (st == SENDA_OK) {
        senda__stmt_int64(q, 1, s->rows_in_file);
        senda__stmt_int64(q, 2, s->file_id);
        st = senda__stmt_run(s->ctx, q);
    }
    senda__stmt_finalize(q);
    return st;
}

/* 1 in *seen when a file with this SHA-256 is in the store. */
static senda_status file_seen(import_state *s, const char *sha, int64_t *seen)
{
    senda__stmt *q = NULL;
    senda_status st = senda__stmt_prepare(s->ctx, s->store, "SELECT count(*) FROM "
                                          "imported_files WHERE sha256 = ?1", &q);
    *seen = 0;
    if (st == SENDA_OK) {
        senda__stmt_text(q, 1, sha);
        st = senda__stmt_query(s->ctx, q);
    }
    if (st == SENDA_OK && senda__stmt_next(q))
        *seen = senda__stmt_col_int64(q, 0);
    senda__stmt_finalize(q);
    return st;
}

/* The layer to read: the one named (--layer), else the only one; a source with
 * several layers and none named is refused with their names. */
static senda_status pick_layer(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                               const char *path, OGRLayerH *out)
{
    int n = GDALDatasetGetLayerCount(ds);
    if (name)
        *out = GDALDatasetGetLayerByName(ds, name);
    else if (n == 1)
        *out = GDALDatasetGetLayer(ds, 0);
    if (*out)
        return SENDA_OK;
    if (n == 0)
        return senda__fail(ctx, SENDA_ERR_DATA, "%s: holds no layer", path);
    char names[512] = "";
    for (int i = 0; i < n && strlen(names) < sizeof names - 80; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s'%s'", i ? ", " : "",
                 OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    if (name)
        return senda__fail(ctx, SENDA_ERR_DATA, "%s: has no layer '%s' (layers: %s)", path,
                           name, names);
    return senda__fail(ctx, SENDA_ERR_DATA, "%s: has %d layers (%s); name the one to import "
                       "with --layer", path, n, names);
}

static senda_status import_file(import_state *s, const char *path, double p_lo, double p_hi,
                                senda_progress_fn progress, void *progress_arg)
{
    char sha[65];
    senda_status st = senda__sha256_source_layer(s->ctx, path, s->opts->layer, sha);
    if (st != SENDA_OK)
        return st;
    int64_t seen = 0;
    if ((st = file_seen(s, sha, &seen)) != SENDA_OK)
        return st;
    if (seen) {
        s->sum->files_skipped++;
        senda__log(s->ctx, 0, "%s: already imported (SHA-256 %.12s...), skipped", path, sha);
        return SENDA_OK;
    }
    char fixed[96];
    long n_fixed = 0;
    if ((st = senda__csv_bare_quotes(s->ctx, path, fixed, sizeof fixed, &n_fixed,
                                     &s->csv_lines)) != SENDA_OK)
        return st;
    if (n_fixed)
        senda__log(s->ctx, 0, "%s: %ld bare '\"' inside unquoted fields (a seconds mark, as in "
                   "14°54'30\"N) read as seconds marks, not as quotes", path, n_fixed);
    CPLErrorReset();
    const char *csv_oo[] = {"EMPTY_STRING_AS_NULL=NO", NULL};
    GDALDatasetH ds = GDALOpenEx(fixed[0] ? fixed : path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 NULL, csv_oo, NULL);
    if (!ds && fixed[0])
        VSIUnlink(fixed);
    if (!ds)
        return senda__fail_gdal(s->ctx, SENDA_ERR_IO, "%s: cannot read it as a vector source",
                                path);
    OGRLayerH lyr = NULL;
    senda__colmap map;
    memset(&map, 0, sizeof map);
    map.syn = s->syn;
    st = pick_layer(s->ctx, ds, s->opts->layer, path, &lyr);
    if (st == SENDA_OK)
        st = senda__columns_detect(s->ctx, lyr, s->opts, path, &map);
    s->rc.map = &map;
    if (st == SENDA_OK)
        st = source_transforms(s, lyr, path);
    s->source_file = senda__source_label(path, s->source_label, sizeof s->source_label);
    s->rows_in_file = 0;
    if (st == SENDA_OK)
        st = add_file_row(s, sha, s->source_file);
    if (st == SENDA_OK)
        st = read_layer(s, lyr, p_lo, p_hi, progress, progress_arg);
    if (st == SENDA_OK && s->rows_in_file == 0) /* counted while reading: no extra pass */
        st = senda__fail(s->ctx, SENDA_ERR_DATA, "%s: has a header but no data rows: nothing "
                         "to import (is it the right file?)", path);
    if (st == SENDA_OK)
        st = set_file_rows(s);
    if (st == SENDA_OK)
        s->sum->files++;
    drop_transforms(s);
    s->rc.map = NULL;
    GDALClose(ds);
    if (fixed[0])
        VSIUnlink(fixed);
    return st;
}

/* Load the reports already stored into the de-duplication index. */
static senda_status preload(import_state *s)
{
    senda__stmt *q = NULL;
    senda_status st = senda__stmt_prepare(
        s->ctx, s->store,
        "SELECT fid, type, day_first, lon, lat, victims, women, men, minors, "
        "CASE WHEN flags LIKE '%count_assumed%' THEN 1 ELSE 0 END FROM incidents WHERE status IN "
        "('accepted','repaired') AND date_precision = 'day' ORDER BY fid", &q);
    if (st == SENDA_OK)
        st = senda__stmt_query(s->ctx, q);
    while (st == SENDA_OK && senda__stmt_next(q)) {
        const char *t = senda__stmt_col_text(q, 1);
        int type = SENDA_INC_OTHER;
        for (int k = 0; t && k < SENDA_INC_N_TYPES; k++)
            if (strcmp(t, senda_incidents_type_code(k)) == 0)
                type = k;
        double v[4];
        for (int k = 0; k < 4; k++)
            v[k] = senda__stmt_isnull(q, 5 + k) ? -1.0 : senda__stmt_col_double(q, 5 + k);
        if (senda__stmt_col_int64(q, 9))
            v[0] = -1.0;
        st = senda__dedupe_add(s->ctx, s->dedupe, type, (long)senda__stmt_col_int64(q, 2),
                               senda__stmt_col_double(q, 3), senda__stmt_col_double(q, 4),
                               senda__stmt_col_int64(q, 0), v);
    }
    senda__stmt_finalize(q);
    int64_t max_fid = 0;
    if (st == SENDA_OK)
        st = senda__store_int(s->ctx, s->store, senda__store_max_fid_sql(s->store), 0,
                              &max_fid);
    s->next_fid = max_fid + 1;
    return st;
}

static long today_days(const senda_incidents_import_opts *o)
{
    int y, m, d;
    if (o->today && senda__parse_date(o->today, 0, &y, &m, &d) == DATE_DAY)
        return senda__days_from_civil(y, m, d);
    return (long)(time(NULL) / 86400);
}

static senda_status check_args(senda_ctx *ctx, const char *store_path, const char *const *files,
                               size_t n_files, const senda_incidents_import_opts *o)
{
    if (!store_path || !files || n_files == 0 || !o)
        return senda__fail(ctx, SENDA_ERR_ARG, "store path, files (at least one) and options "
                           "are required");
    if (!(o->study_area[0] < o->study_area[2] && o->study_area[1] < o->study_area[3]))
        return senda__fail(ctx, SENDA_ERR_ARG, "study area %g,%g,%g,%g is empty (want lon_min,"
                           "lat_min,lon_max,lat_max)", o->study_area[0], o->study_area[1],
                           o->study_area[2], o->study_area[3]);
    for (int t = 0; t < SENDA_INC_N_TYPES; t++)
        if (!(o->severity[t] >= 0))
            return senda__fail(ctx, SENDA_ERR_ARG, "severity of %s must be >= 0, got %g",
                               senda_incidents_type_code(t), o->severity[t]);
    int y, m, d;
    if (o->today && senda__parse_date(o->today, 0, &y, &m, &d) != DATE_DAY)
        return senda__fail(ctx, SENDA_ERR_ARG, "today '%s' is not a yyyy-mm-dd date", o->today);
    return SENDA_OK;
}

static senda_status open_state(import_state *s, const char *store_path)
{
    senda_ctx *ctx = s->ctx;
    senda_status st = senda__store_open(ctx, store_path, 1, &s->store);
    if (st == SENDA_OK)
        st = senda__store_begin(ctx, s->store);
    if (st == SENDA_OK) /* PostGIS: one import at a time matches and numbers reports */
        st = senda__store_lock(ctx, s->store);
    if (st == SENDA_OK)
        st = senda__stmt_prepare(ctx, s->store, inc_sql, &s->ins_inc);
    if (st == SENDA_OK && senda__store_kind_of(store_path) == SENDA__GPKG) {
        char *sql = senda__malloc(ctx, GROUP_SQL_SIZE);
        if (sql)
            group_sql(sql, GROUP_SQL_SIZE);
        st = sql ? senda__stmt_prepare(ctx, s->store, sql, &s->ins_group) : SENDA_ERR_NOMEM;
        senda__free(sql);
    }
    if (st == SENDA_OK)
        st = senda__stmt_prepare(ctx, s->store, rej_sql, &s->ins_rej);
    if (st == SENDA_OK)
        st = senda__stmt_prepare(ctx, s->store, raise_sql, &s->raise);
    if (st == SENDA_OK)
        st = senda__dedupe_create(ctx, s->opts->dedupe_days, s->opts->dedupe_km, &s->dedupe);
    for (int b = 0; b < 2 && st == SENDA_OK; b++)
        if (!(s->bufs[b] = senda__calloc(ctx, BATCH, sizeof *s->bufs[b])))
            st = SENDA_ERR_NOMEM;
    if (st == SENDA_OK && (!(s->tx = senda__calloc(ctx, BATCH, sizeof *s->tx)) ||
                           !(s->ty = senda__calloc(ctx, BATCH, sizeof *s->ty)) ||
                           !(s->tok = senda__calloc(ctx, BATCH, sizeof *s->tok))))
        st = SENDA_ERR_NOMEM;
    s->batch = s->bufs[0];
    if (st == SENDA_OK)
        st = preload(s);
    if (st == SENDA_OK) /* before this import's rows: the flusher notes those */
        st = senda__crosslink_has_coarse(ctx, s->store, &s->any_coarse);
    if (st == SENDA_OK)
        st = senda__store_bulk_begin(ctx, s->store, 0, "incidents");
    if (st == SENDA_OK)
        st = senda__store_bulk_begin(ctx, s->store, 1, "incident_rejects");
    if (st == SENDA_OK && s->opts->layers) {
        OGRSpatialReferenceH dst = senda__srs_from_user(ctx, senda_layers_crs(s->opts->layers));
        OGRSpatialReferenceH wgs = senda__srs_wgs84();
        if (!dst) {
            st = SENDA_ERR_CRS;
        } else if (!(s->to_layers = OCTNewCoordinateTransformation(wgs, dst))) {
            st = senda__fail_gdal(ctx, SENDA_ERR_CRS, "PROJ cannot transform WGS 84 to %s",
                                  senda_layers_crs(s->opts->layers));
        }
        if (dst)
            OSRDestroySpatialReference(dst);
        OSRDestroySpatialReference(wgs);
        if (st == SENDA_OK)
            st = senda__join_open(ctx, s->opts->layers, s->opts->n_threads, &s->joiner);
    }
    return st;
}

static void close_state(import_state *s)
{
    senda__stmt_finalize(s->ins_inc);
    senda__stmt_finalize(s->ins_group);
    senda__stmt_finalize(s->ins_rej);
    senda__stmt_finalize(s->raise);
    senda__store_close(s->store); /* rolls back an open transaction */
    senda__dedupe_destroy(s->dedupe);
    senda__free(s->tx);
    senda__free(s->ty);
    senda__free(s->tok);
    senda__gazetteer_close(s->rc.gaz);
    wait_worker(s);
    for (int b = 0; b < 2; b++) {
        senda__arena_free(&s->arenas[b]);
        senda__free(s->bufs[b]);
    }
    if (s->to_layers)
        OCTDestroyCoordinateTransformation(s->to_layers);
    senda__join_close(s->ctx, s->joiner);
    senda__synonyms_destroy(s->syn);
}

/* Remove a GeoPackage store this import made, when no import is recorded in
 * it (another process that imported into it meanwhile keeps its store). The
 * failure's message stays on the context. */
static void remove_empty_store(senda_ctx *ctx, const char *path)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", senda_ctx_errmsg(ctx));
    senda__store *s = NULL;
    int64_t n_files = -1;
    if (senda__store_open(ctx, path, 0, &s) == SENDA_OK &&
        senda__store_int(ctx, s, "SELECT count(*) FROM imported_files", 0, &n_files) != SENDA_OK)
        n_files = -1;
    senda__store_close(s);
    if (n_files == 0) {
        char side[1100];
        unlink(path);
        snprintf(side, sizeof side, "%s-journal", path), unlink(side);
        snprintf(side, sizeof side, "%s-wal", path), unlink(side);
        snprintf(side, sizeof side, "%s-shm", path), unlink(side);
    }
    senda__fail(ctx, SENDA_ERR_IO, "%s", msg); /* the import's own failure, as it was */
}

senda_status senda_incidents_import(senda_ctx *ctx, const char *store_path,
                                    const char *const *files, size_t n_files,
                                    const senda_incidents_import_opts *opts,
                                    senda_incidents_import_summary *summary, senda_progress_fn progress,
                                    void *progress_arg)
{
    senda__reset(ctx);
    if (!ctx)
        return SENDA_ERR_ARG;
    if (summary)
        memset(summary, 0, sizeof *summary);
    senda_status st = check_args(ctx, store_path, files, n_files, opts);
    if (st != SENDA_OK)
        return st;
    senda__gdal_register();
    senda_incidents_import_summary local;
    memset(&local, 0, sizeof local);
    import_state s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx, s.opts = opts, s.sum = &local;
    s.arena = s.rc.arena = &s.arenas[0];
    s.rc.opts = opts, s.rc.ctx = ctx;
    s.rc.gaz_path = opts->gazetteer;
    s.rc.today_days = today_days(opts);
    snprintf(s.dup_tail, sizeof s.dup_tail, "), within %g days and %g km", opts->dedupe_days,
             opts->dedupe_km);
    /* a GeoPackage store this import makes is removed again when the import
     * fails, so a failed first import leaves nothing behind */
    int made_here = senda__store_kind_of(store_path) == SENDA__GPKG &&
                    access(store_path, F_OK) != 0;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "importing")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    if (opts->synonyms && (st = senda__synonyms_load(ctx, opts->synonyms, &s.syn)) != SENDA_OK)
        goto done;
    if ((st = open_state(&s, store_path)) != SENDA_OK)
        goto done;
    for (size_t i = 0; i < n_files && st == SENDA_OK; i++)
        st = import_file(&s, files[i], (double)i / (double)n_files,
                         (double)(i + 1) / (double)n_files, progress, progress_arg);
    if (st == SENDA_OK)
        st = raise_originals(&s);
    if (st == SENDA_OK)
        st = senda__store_bulk_end(ctx, s.store, 0, (int64_t)(local.accepted + local.duplicate));
    if (st == SENDA_OK)
        st = senda__store_bulk_end(ctx, s.store, 1, (int64_t)local.rejected);
    if (st == SENDA_OK && local.files)
        st = senda__crosslink_store(ctx, s.store, s.first_file_id, opts->dedupe_km,
                                    s.any_coarse, &local);
    if (st == SENDA_OK)
        st = senda__store_commit(ctx, s.store);
    if (st == SENDA_OK && progress) /* committed: cancelling now changes nothing */
        progress(1.0, NULL, progress_arg);
done:
    close_state(&s);
    if (st != SENDA_OK && made_here)
        remove_empty_store(ctx, store_path);
    if (st == SENDA_OK && summary)
        *summary = local;
    return st;
}
