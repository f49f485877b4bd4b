/*
 * test_crossdup.c - reports of one event across files and date precisions.
 *
 * The expected figures for the three IOM files are derived here, from the rows,
 * by a matching written independently of senda (no senda parser, type list or
 * matcher is used): a hand-made cause classification, a plain CSV reader, the
 * haversine distance with a whole-degree coordinate snapped to the other point
 * within +-0.5 degree, and a MAXIMUM bipartite matching (Kuhn's augmenting
 * paths) between year-dated rows and day-dated rows, where senda takes a greedy
 * closest-first matching. The store must hold exactly the distinct events so
 * found, and their dead and missing.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inc_testutil.h"
#include "testutil.h"

/* ---- a plain CSV reader (RFC 4180 quotes), one row at a time ---- */
#define MAXF 32
static int csv_row(FILE *f, char fld[MAXF][512], int *n)
{
    int c, q = 0, k = 0, len = 0, any = 0;
    *n = 0;
    while ((c = fgetc(f)) != EOF) {
        any = 1;
        if (q) {
            if (c == '"') {
                int d = fgetc(f);
                if (d == '"') {
                    if (len < 511) fld[k][len++] = '"';
                } else {
                    q = 0;
                    if (d != EOF) ungetc(d, f);
                }
            } else if (len < 511) {
                fld[k][len++] = (char)c;
            }
        } else if (c == '"') {
            q = 1;
        } else if (c == ',' || c == '\n') {
            fld[k][len] = '\0';
            if (k < MAXF - 1) k++;
            len = 0;
            if (c == '\n') break;
        } else if (c != '\r' && len < 511) {
            fld[k][len++] = (char)c;
        }
    }
    if (!any) return 0;
    if (c == EOF) fld[k++][len] = '\0';
    *n = k;
    return 1;
}

static int col(char hdr[MAXF][512], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(hdr[i], name) == 0) return i;
    cr_assert_fail("column %s missing", name);
    return -1;
}

/* ---- the hand classification of every IOM cause text in the three files:
 *      V violent death, A accident / exposure, O other or unknown ---- */
static char cls(const char *cause)
{
    static const char *const v[] = {"Violence", "Shot", "Murdered", "Stabbed", "Rape, Murdered",
        "Tortured, Murdered", "Murdered, Violence", "Hit by car, Murdered", "Unknown (violence)",
        NULL};
    static const char *const o[] = {"Mixed or unknown", "Mixed", "Unknown", "Cardiac arrest",
        "Heart attack", "Hanging", "Sickness / lack of access to adequate healthcare",
        "Sickness and lack of access to medicines", "Unknown (found dead next to train tracks)",
        NULL};
    for (int i = 0; v[i]; i++)
        if (strcmp(cause, v[i]) == 0) return 'V';
    for (int i = 0; o[i]; i++)
        if (strcmp(cause, o[i]) == 0) return 'O';
    /* the rest are drownings, train and vehicle deaths, exposure ("Shot, Fall from train"
     * is read as a death falling from the train, the cause IOM lists last) */
    return 'A';
}

typedef struct {
    int year, coarse; /* coarse: dated by year only */
    long day;         /* days since 1970 (day-dated rows) */
    double lat, lon, n;
    char c;
    int dup;          /* a day-level repeat of an earlier row */
} rep;

static long days(int y, int m, int d) /* days since 1970-01-01, by counting */
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long t = 0;
    for (int k = 1970; k < y; k++) t += 365 + ((k % 4 == 0 && k % 100) || k % 400 == 0);
    for (int k = 1; k < m; k++) t += dm[k - 1] + (k == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
    return t + d - 1;
}

static double hav(double la1, double lo1, double la2, double lo2)
{
    double r = M_PI / 180, a = sin((la2 - la1) * r / 2), b = sin((lo2 - lo1) * r / 2);
    return 2 * 6371.0088 * asin(sqrt(a * a + cos(la1 * r) * cos(la2 * r) * b * b));
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Place distance, a whole-degree coordinate standing for +-0.5 degree. */
static double place_km(const rep *c, const rep *f)
{
    double la = c->lat, lo = c->lon;
    if (la == floor(la)) la = clampd(f->lat, la - 0.5, la + 0.5);
    if (lo == floor(lo)) lo = clampd(f->lon, lo - 0.5, lo + 0.5);
    return hav(la, lo, f->lat, f->lon);
}

static int load(rep *r, int n, const char *path, int schema)
{
    FILE *f = fopen(path, "r");
    cr_assert(f);
    static char h[MAXF][512], v[MAXF][512];
    int nh, nv;
    csv_row(f, h, &nh);
    static const char *mon[] = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    while (csv_row(f, v, &nv)) {
        rep *x = &r[n++];
        memset(x, 0, sizeof *x);
        if (schema == 0) { /* points: year, cause, lat, lon, count */
            x->year = atoi(v[col(h, nh, "year")]), x->coarse = 1;
            x->lat = atof(v[col(h, nh, "lat")]), x->lon = atof(v[col(h, nh, "lon")]);
            x->n = atof(v[col(h, nh, "dead_and_missing")]);
            x->c = cls(v[col(h, nh, "cause_of_death")]);
            continue;
        }
        const char *co = v[col(h, nh, schema == 1 ? "Location Coordinates" : "Coordinates")];
        x->lat = atof(co), x->lon = atof(strchr(co, ',') + 1);
        x->c = cls(v[col(h, nh, "Cause of Death")]);
        if (schema == 1) { /* "December 08, 2019" */
            const char *d = v[col(h, nh, "Reported Date")];
            int m = 0;
            while (strncmp(d, mon[m], strlen(mon[m])) != 0) m++;
            int dd = atoi(strchr(d, ' ') + 1);
            x->year = atoi(strchr(d, ',') + 1);
            x->day = days(x->year, m + 1, dd);
            x->n = atof(v[col(h, nh, "Total Dead and Missing")]);
        } else { /* "Sun, 01/04/2026 - 12:00": month/day/year */
            const char *d = strchr(v[col(h, nh, "Incident Date")], ',') + 2;
            x->year = atoi(d + 6);
            x->day = days(x->year, atoi(d), atoi(d + 3));
            x->n = atof(v[col(h, nh, "Number Dead")]) +
                   atof(v[col(h, nh, "Minimum Estimated Number of Missing")]);
        }
    }
    fclose(f);
    return n;
}

static int fits(const rep *c, const rep *f)
{
    double hi = fmax(c->n, f->n);
    return c->year == f->year && (c->c == f->c || c->c == 'O' || f->c == 'O') &&
           fabs(c->n - f->n) <= 0.1 * hi + 1e-9 && place_km(c, f) <= 5.0;
}

/* Kuhn's augmenting path from coarse row i. */
static int augment(const rep *r, int n, int i, int *match_f, char *seen)
{
    for (int j = 0; j < n; j++) {
        if (r[j].coarse || r[j].dup || seen[j] || !fits(&r[i], &r[j])) continue;
        seen[j] = 1;
        if (match_f[j] < 0 || augment(r, n, match_f[j], match_f, seen)) {
            match_f[j] = i;
            return 1;
        }
    }
    return 0;
}

Test(crossdup, iom_three_files_store_the_distinct_events_of_an_independent_matching)
{
    char p1[1024], p2[1024], p3[1024];
    if (!tu_shared("iom-mmp/mmp_full_corridor_2014_2019.csv", p1, sizeof p1) ||
        !tu_shared("iom-mmp/mmp_full_corridor_2026.csv", p2, sizeof p2) ||
        !tu_shared("iom-mmp/mmp_points_corridor_2014_2026.csv", p3, sizeof p3))
        cr_skip_test("../shared/data/iom-mmp absent");
    static rep r[1024];
    int n = load(r, 0, p1, 1);
    n = load(r, n, p2, 2);
    n = load(r, n, p3, 0);
    cr_assert_eq(n, 188 + 8 + 488);
    /* day-dated repeats (same class, within 2 days and 5 km of an earlier row) */
    int n_daydup = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i && !r[i].coarse; j++)
            if (!r[j].coarse && !r[j].dup && r[j].c == r[i].c && labs(r[j].day - r[i].day) <= 2 &&
                hav(r[i].lat, r[i].lon, r[j].lat, r[j].lon) <= 5.0) {
                r[i].dup = 1, n_daydup++;
                r[j].n = fmax(r[j].n, r[i].n);
                break;
            }
    int *match_f = malloc(sizeof *match_f * (size_t)n);
    char *seen = malloc((size_t)n);
    for (int j = 0; j < n; j++) match_f[j] = -1;
    int n_match = 0;
    for (int i = 0; i < n; i++)
        if (r[i].coarse) {
            memset(seen, 0, (size_t)n);
            n_match += augment(r, n, i, match_f, seen);
        }
    double dead = 0;
    char *linked = calloc((size_t)n, 1);
    for (int j = 0; j < n; j++)
        if (match_f[j] >= 0) {
            linked[match_f[j]] = 1;
            r[j].n = fmax(r[j].n, r[match_f[j]].n);
        }
    int events = 0;
    for (int i = 0; i < n; i++)
        if (!r[i].dup && !linked[i]) events++, dead += r[i].n;
    /* What the independent matching finds on these files (printed when it changes):
     * 684 rows, 2 day-level repeats, 188 year-dated rows of the points file matched
     * one-to-one to day-dated rows of the two full exports: 494 distinct events with
     * 934 dead and missing (the 1245 of the three files less the 311 reported twice). */
    cr_log_info("rows %d, day repeats %d, cross matches %d, events %d, dead and missing %g",
                n, n_daydup, n_match, events, dead);
    cr_assert_eq(n_daydup, 2);
    cr_assert_eq(n_match, 188);
    cr_assert_eq(events, 494);
    cr_assert_float_eq(dead, 934.0, 1e-9);

    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char *dir = tu_tmpdir(), db[1100];
    snprintf(db, sizeof db, "%s/iom3.gpkg", dir);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    const char *files[] = {p1, p2, p3};
    senda_incidents_import_summary sum;
    cr_assert_eq(senda_incidents_import(ctx, db, files, 3, &o, &sum, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.read, n);
    cr_assert_eq(sum.read, sum.accepted + sum.rejected + sum.duplicate + sum.possible_duplicate);
    cr_assert_eq(sum.accepted, events);
    cr_assert_eq(sum.linked_across_files, n_match);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE status IN "
                            "('accepted','repaired')"), events);
    cr_assert_float_eq(inc_qd(db, "SELECT sum(victims) FROM incidents WHERE status IN "
                                  "('accepted','repaired')"), dead, 1e-9);
    /* every link points from a year-dated row to a day-dated one */
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents a JOIN incidents b ON "
                            "b.fid = a.duplicate_of WHERE a.date_precision = 'year' AND "
                            "b.date_precision <> 'day'"), 0);
    /* importing the same files again adds and links nothing */
    cr_assert_eq(senda_incidents_import(ctx, db, files, 3, &o, &sum, NULL, NULL), SENDA_OK);
    cr_assert_eq(sum.files_skipped, 3);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE status IN "
                            "('accepted','repaired')"), events);
    free(match_f), free(seen), free(linked), free(dir);
    senda_ctx_destroy(ctx);
}

/* Import two day reports 1 km apart (16.000 and 16.009 N) and the year
 * reports YEAR_ROWS (CSV rows) into DIR/amb.gpkg, named in DB. */
static void import_day_and_year(senda_ctx *ctx, const char *dir, const char *year_rows,
                                char *db, size_t db_size, senda_incidents_import_summary *sum)
{
    char a[1100], b[1100], text[512];
    snprintf(a, sizeof a, "%s/day.csv", dir);
    snprintf(b, sizeof b, "%s/year.csv", dir);
    snprintf(db, db_size, "%s/amb.gpkg", dir);
    cr_assert_eq(tu_write(a, "date,lat,lon,type,victims\n"
                             "2019-03-04,16.000,-93.000,homicide,2\n"
                             "2019-07-10,16.009,-93.000,homicide,2\n"), 0);
    snprintf(text, sizeof text, "date,lat,lon,type,victims\n%s", year_rows);
    cr_assert_eq(tu_write(b, text), 0);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    const char *files[] = {a, b};
    cr_assert_eq(senda_incidents_import(ctx, db, files, 2, &o, sum, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
}

/* A year-dated report that fits two day-dated reports is kept for review; the
 * reviewer settles it. Hand-made rows: two day reports 1 km apart, one year report
 * between them (both within 5 km), then a day report far away. */
Test(crossdup, ambiguous_report_is_possible_duplicate_and_review_settles_it)
{
    char *dir = tu_tmpdir(), db[1100];
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_import_summary sum;
    import_day_and_year(ctx, dir, "2019,16.004,-93.000,homicide,2\n2018,16.004,-93.000,homicide,2\n",
                        db, sizeof db, &sum);
    cr_assert_eq(sum.possible_duplicate, 1); /* the 2019 row: either 2019 report fits */
    cr_assert_eq(sum.accepted, 3);           /* the 2018 row has no candidate */
    senda_review_item *it = NULL;
    size_t n = 0;
    cr_assert_eq(senda_incidents_review_list(ctx, db, &it, &n), SENDA_OK);
    cr_assert_eq(n, 1);
    int64_t fid = it[0].fid;
    cr_assert_str_eq(it[0].date, "2019");
    senda_review_items_free(it, n);
    cr_assert_eq(senda_incidents_review_settle(ctx, db, fid, 0), SENDA_OK);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE status = 'accepted'"), 4);
    cr_assert_neq(senda_incidents_review_settle(ctx, db, fid, -1), SENDA_OK); /* settled */
    /* a new import does not link the kept report again */
    char b[1100];
    snprintf(b, sizeof b, "%s/more.csv", dir);
    cr_assert_eq(tu_write(b, "date,lat,lon,type,victims\n2020-01-01,15.0,-92.5,kidnapping,1\n"), 0);
    const char *more[] = {b};
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    cr_assert_eq(senda_incidents_import(ctx, db, more, 1, &o, &sum, NULL, NULL), SENDA_OK);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE status = 'accepted'"), 5);
    free(dir);
    senda_ctx_destroy(ctx);
}

/* The other two answers of the review: link the report to another accepted
 * report than the import's candidate (link_to > 0), or confirm the candidate
 * (link_to < 0). The report becomes a duplicate of the one chosen (same rows as
 * above: both day reports fit the year report, the other one is fid 3 - cand). */
Test(crossdup, review_links_a_possible_duplicate_to_its_candidate)
{
    for (int confirm = 0; confirm < 2; confirm++) {
        char *dir = tu_tmpdir(), db[1100], sql[200];
        senda_ctx *ctx = NULL;
        senda_ctx_create(&ctx);
        senda_incidents_import_summary sum;
        import_day_and_year(ctx, dir, "2019,16.004,-93.000,homicide,2\n", db, sizeof db, &sum);
        senda_review_item *it = NULL;
        size_t n = 0;
        cr_assert_eq(senda_incidents_review_list(ctx, db, &it, &n), SENDA_OK);
        cr_assert_eq(n, 1);
        int64_t fid = it[0].fid, cand = it[0].candidate;
        senda_review_items_free(it, n);
        cr_assert(cand == 1 || cand == 2, "candidate %lld", (long long)cand);
        int64_t other = 3 - cand, want = confirm ? cand : other;
        cr_assert_eq(senda_incidents_review_settle(ctx, db, fid, confirm ? -1 : other), SENDA_OK,
                     "%s", senda_ctx_errmsg(ctx));
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM incidents WHERE fid = %lld AND status = 'duplicate' AND "
                 "duplicate_of = %lld", (long long)fid, (long long)want);
        cr_assert_eq(inc_qn(db, sql), 1, "confirm=%d", confirm);
        cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE status = 'accepted'"), 2);
        free(dir);
        senda_ctx_destroy(ctx);
    }
}
