/*
 * row.c - one incident row: coordinates (columns, a "lat, lon" column, the
 * feature geometry or the gazetteer), date, counts, type and perpetrator,
 * each validated; the row ends accepted, repaired or rejected with a reason
 * code and a message a person can check against the row.
 *
 * Coordinate rules, in order: both empty -> geocode the place (or reject
 * no_coordinates); unreadable -> bad_coordinates; a hemisphere letter that
 * belongs to the other axis (lat "92 15 W") -> swapped back (repair);
 * exactly (0, 0) -> zero_zero; |lat| > 90 or |lon| > 180 -> swapped when the
 * swapped point lies in the study area (repair), else out_of_range; outside
 * the study area -> swapped (repair) or the west sign restored (repair) when
 * that point lies in it, else outside_study_area. A coordinate given as whole
 * degrees (IOM has some, e.g. "-92") is kept and flagged low_precision.
 * Dates: unparseable or impossible -> bad_date; a period starting after today
 * -> future_date; none -> flagged date_missing. Counts: non-numeric or
 * fractional -> bad_count; negative -> negative_count; none -> 1 assumed and
 * flagged. O(row length).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "incidents/import_int.h"

static const char *col(const char *const *vals, int c) { return c >= 0 ? vals[c] : ""; }

static int in_area(const double *a, double lon, double lat)
{
    return lon >= a[0] && lon <= a[2] && lat >= a[1] && lat <= a[3];
}

static void reject(senda__incident *r, int reason, const char *fmt, const char *a,
                   const char *b)
{
    char buf[1024]; /* messages are cut to the stored size on purpose */
    r->status = REC_REJECTED;
    r->reason = reason;
    snprintf(buf, sizeof buf, fmt, a, b);
    senda__strlcpy(r->message, buf, sizeof r->message);
}

/* Append one sentence to the row's message ("; " between sentences), so every
 * repair and flag of an accepted row is explained in it. */
static void note(senda__incident *r, const char *fmt, ...)
{
    size_t len = strlen(r->message);
    if (len && len + 2 < sizeof r->message) {
        memcpy(r->message + len, "; ", 3);
        len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message + len, sizeof r->message - len, fmt, ap);
    va_end(ap);
}

/* Place text for the gazetteer: "place" plus the state column when the place
 * names none. */
static senda_status geocode(senda__rowctx *rc, const char *const *vals, senda__incident *r)
{
    const char *place = col(vals, rc->map->place), *state = col(vals, rc->map->state);
    if (!place[0]) {
        reject(r, SENDA_REJ_NO_COORDINATES, "no coordinates and no place name%s%s", "", "");
        return SENDA_OK;
    }
    if (!rc->gaz && !rc->gaz_failed) {
        senda_status st = senda__gazetteer_open(rc->ctx, rc->gaz_path, &rc->gaz);
        if (st != SENDA_OK)
            return st;
    }
    char text[512];
    snprintf(text, sizeof text, "%s%s%s", place, state[0] && !strchr(place, ',') ? ", " : "",
             strchr(place, ',') ? "" : state);
    senda__place_hit hit; /* the resolver route uses too: layers' names, then GeoNames */
    char msg[sizeof r->message];
    int res = senda__place_lookup(rc->ctx, rc->opts->layers, rc->gaz, text, &hit, msg,
                                  sizeof msg);
    if (res == GAZ_OUT_OF_MEMORY)
        return SENDA_ERR_NOMEM;
    if (res != GAZ_FOUND) {
        r->status = REC_REJECTED;
        r->reason = res == GAZ_AMBIGUOUS ? SENDA_REJ_AMBIGUOUS_PLACE : SENDA_REJ_PLACE_NOT_FOUND;
        senda__strlcpy(r->message, msg, sizeof r->message);
        return SENDA_OK;
    }
    r->lon = hit.lon;
    r->lat = hit.lat;
    r->geoprec = 2;
    r->flags |= FLAG_GEOCODED;
    if (!hit.from_layer && /* a gazetteer locality: "admin1, country" */
        !(r->admin1 = senda__arena_strndup(rc->ctx, rc->arena, hit.where, strlen(hit.where))))
        return SENDA_ERR_NOMEM;
    senda__strlcpy(r->message, msg, sizeof r->message);
    return SENDA_OK;
}

/* Read the two coordinate texts into r->lon, r->lat; 0 when rejected. */
static int read_coords(senda__rowctx *rc, const char *lat_s, const char *lon_s,
                       senda__incident *r)
{
    double lat, lon;
    char hlat = 0, hlon = 0;
    int wlat = 0, wlon = 0;
    if (rc->s_ct) { /* projected or other CRS columns: plain numbers, x then y */
        double x, y, z = 0;
        if (!senda__parse_number(lon_s, &x) || !senda__parse_number(lat_s, &y)) {
            reject(r, SENDA_REJ_BAD_COORDINATES, "cannot read x='%s' y='%s' as numbers", lon_s,
                   lat_s);
            return 0;
        }
        if (!OCTTransform(rc->s_ct, 1, &x, &y, &z)) {
            reject(r, SENDA_REJ_OUT_OF_RANGE, "x='%s' y='%s' cannot be transformed to lon/lat",
                   lon_s, lat_s);
            return 0;
        }
        r->lon = x, r->lat = y;
        return 1;
    }
    if (!senda__parse_coord(lat_s, &lat, &hlat, &wlat) ||
        !senda__parse_coord(lon_s, &lon, &hlon, &wlon)) {
        reject(r, SENDA_REJ_BAD_COORDINATES, "cannot read lat='%s' lon='%s' as coordinates",
               lat_s, lon_s);
        return 0;
    }
    if (hlat == 'E' || hlat == 'W' || hlon == 'N' || hlon == 'S') {
        /* the hemisphere letters say the columns are swapped */
        double t = lat;
        lat = lon, lon = t;
        r->repairs |= REPAIR_SWAPPED;
        note(r, "lat/lon swapped (hemisphere letters): stored lat=%.6f lon=%.6f", lat, lon);
    }
    if (wlat || wlon) {
        r->flags |= FLAG_LOW_PRECISION;
        r->geoprec = 1;
        note(r, "low precision: %s given in whole degrees (lat='%s' lon='%s'), about 100 km",
             wlat && wlon ? "both coordinates" : wlat ? "the latitude" : "the longitude", lat_s,
             lon_s);
    }
    r->lat = lat, r->lon = lon;
    return 1;
}

/* Range, (0,0), study area; repairs swaps and a missing west sign. */
static void check_coords(senda__rowctx *rc, const char *lat_s, const char *lon_s,
                         senda__incident *r)
{
    const double *a = rc->opts->study_area;
    double lat = r->lat, lon = r->lon;
    if (fabs(lat) < 1e-12 && fabs(lon) < 1e-12) {
        reject(r, SENDA_REJ_ZERO_ZERO, "coordinates are (0, 0): lat='%s' lon='%s', a "
               "placeholder, not a place", lat_s, lon_s);
        return;
    }
    int in_range = fabs(lat) <= 90.0 && fabs(lon) <= 180.0;
    if (in_range && in_area(a, lon, lat))
        return;
    if (in_area(a, lat, lon)) { /* swapped */
        r->lat = lon, r->lon = lat;
        r->repairs |= REPAIR_SWAPPED;
        note(r, "lat/lon swapped: read lat=%.6f lon=%.6f, "
                 "stored lat=%.6f lon=%.6f", lat, lon, r->lat, r->lon);
        return;
    }
    if (!in_range) {
        reject(r, SENDA_REJ_OUT_OF_RANGE, "lat='%s' lon='%s' out of range (|lat| <= 90, "
               "|lon| <= 180)", lat_s, lon_s);
        return;
    }
    if (lon > 0 && in_area(a, -lon, lat)) {
        r->lon = -lon;
        r->repairs |= REPAIR_LON_SIGN;
        note(r, "longitude %.6f lacked its west sign; stored %.6f", lon, r->lon);
        return;
    }
    if (lat > 0 && in_area(a, -lat, lon)) { /* swapped and unsigned */
        r->lat = lon, r->lon = -lat;
        r->repairs |= REPAIR_SWAPPED | REPAIR_LON_SIGN;
        note(r, "lat/lon swapped and west sign missing: read lat=%.6f lon=%.6f, stored lat=%.6f lon=%.6f", lat, lon, r->lat, r->lon);
        return;
    }
    char area[160];
    snprintf(area, sizeof area, "lat='%s' lon='%s' is outside the study area (lon %g..%g, "
             "lat %g..%g)", lat_s, lon_s, a[0], a[2], a[1], a[3]);
    reject(r, SENDA_REJ_OUTSIDE_STUDY_AREA, "%s%s", area, "");
}

static senda_status locate(senda__rowctx *rc, const char *const *vals, OGRGeometryH geom,
                           senda__incident *r)
{
    const senda__colmap *m = rc->map;
    char a[128], b[128];
    const char *lat_s = "", *lon_s = "";
    if (m->coords >= 0 && col(vals, m->coords)[0]) {
        if (!senda__split_pair(col(vals, m->coords), a, b, sizeof a)) {
            reject(r, SENDA_REJ_BAD_COORDINATES, "cannot read '%s' as a \"lat, lon\" pair%s",
                   col(vals, m->coords), "");
            return SENDA_OK;
        }
        lat_s = a, lon_s = b;
    } else if (m->lon >= 0 && m->lat >= 0) {
        lat_s = col(vals, m->lat), lon_s = col(vals, m->lon);
    } else if (m->use_geometry && geom && !OGR_G_IsEmpty(geom)) {
        OGRGeometryH g = OGR_G_Clone(geom);
        if (rc->geom_ct)
            OGR_G_Transform(g, rc->geom_ct);
        OGRGeometryH c = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_Centroid(g, c);
        r->lon = OGR_G_GetX(c, 0), r->lat = OGR_G_GetY(c, 0);
        OGR_G_DestroyGeometry(c);
        OGR_G_DestroyGeometry(g);
        snprintf(a, sizeof a, "%.9g", r->lat);
        snprintf(b, sizeof b, "%.9g", r->lon);
        check_coords(rc, a, b, r);
        return SENDA_OK;
    }
    if (!lat_s[0] && !lon_s[0])
        return geocode(rc, vals, r);
    if (!lat_s[0] || !lon_s[0]) {
        reject(r, SENDA_REJ_NO_COORDINATES, "only one coordinate: lat='%s' lon='%s'", lat_s,
               lon_s);
        return SENDA_OK;
    }
    if (read_coords(rc, lat_s, lon_s, r))
        check_coords(rc, lat_s, lon_s, r);
    return SENDA_OK;
}

static void read_date(senda__rowctx *rc, const char *const *vals, senda__incident *r)
{
    const senda__colmap *m = rc->map;
    const char *ds = col(vals, m->date);
    char buf[64];
    if (!ds[0] && m->year >= 0 && col(vals, m->year)[0]) { /* year (and month) columns */
        snprintf(buf, sizeof buf, "%s %s", col(vals, m->month), col(vals, m->year));
        ds = buf;
    }
    int p = senda__parse_date(ds, rc->opts->date_order, &r->year, &r->month, &r->day);
    if (p < 0) {
        reject(r, SENDA_REJ_BAD_DATE, "cannot read date '%s' (or it is impossible)%s", ds, "");
        return;
    }
    r->date_prec = p;
    if (p == DATE_NONE) {
        r->flags |= FLAG_DATE_MISSING;
        r->day_number = 0;
        note(r, "no date");
        return;
    }
    r->day_number = senda__days_from_civil(r->year, r->month, r->day);
    if (r->day_number > rc->today_days)
        reject(r, SENDA_REJ_FUTURE_DATE, "date '%s' is in the future%s", ds, "");
}

/* One count text: -1 when empty; sets a reject on a bad value. */
static double read_count(const char *s, const char *what, senda__incident *r)
{
    double v;
    if (!s[0])
        return -1.0;
    if (!senda__parse_number(s, &v) || fabs(v - round(v)) > 1e-9) {
        reject(r, SENDA_REJ_BAD_COUNT, "%s '%s' is not a whole number", what, s);
        return -1.0;
    }
    if (v < 0) {
        reject(r, SENDA_REJ_NEGATIVE_COUNT, "%s '%s' is negative", what, s);
        return -1.0;
    }
    return v;
}

static void read_counts(senda__rowctx *rc, const char *const *vals, senda__incident *r)
{
    const senda__colmap *m = rc->map;
    double total = -1.0;
    for (int k = 0; k < 2 && r->status != REC_REJECTED; k++) {
        double v = read_count(col(vals, m->count[k]), "victim count", r);
        if (v >= 0)
            total = (total < 0 ? 0 : total) + v;
    }
    if (r->status != REC_REJECTED)
        r->women = read_count(col(vals, m->women), "count of women", r);
    if (r->status != REC_REJECTED)
        r->men = read_count(col(vals, m->men), "count of men", r);
    if (r->status != REC_REJECTED)
        r->minors = read_count(col(vals, m->minors), "count of minors", r);
    if (r->status == REC_REJECTED)
        return;
    if (total < 0) {
        total = 1.0;
        r->flags |= FLAG_COUNT_ASSUMED;
        note(r, "no victim count; 1 assumed");
    }
    r->victims = total;
    if (r->women > total || r->men > total || r->minors > total ||
        (r->women > 0 && r->men > 0 && r->women + r->men > total)) {
        r->flags |= FLAG_COUNTS_INCONSISTENT;
        char given[96] = "";
        const double g[3] = {r->women, r->men, r->minors};
        const char *names[3] = {"women", "men", "minors"};
        for (int i = 0, len = 0; i < 3; i++)
            if (g[i] >= 0 && len < (int)sizeof given)
                len += snprintf(given + len, sizeof given - (size_t)len, "%s%s %g",
                                len ? ", " : "", names[i], g[i]);
        note(r, "%s: more than the %g victims; kept as given", given, total);
    }
}

senda_status senda__row_process(senda__rowctx *rc, const char *const *vals, OGRGeometryH geom,
                                senda__incident *r)
{
    const senda__colmap *m = rc->map;
    r->status = REC_ACCEPTED;
    r->women = r->men = r->minors = -1.0;
    r->rail_dist_m = r->rail_km = r->checkpoint_dist_m = r->border_dist_m = (double)NAN;
    r->rail_idx = r->checkpoint_idx = r->admin_idx = -1;
    int empty = !(geom && !OGR_G_IsEmpty(geom));
    for (int i = 0; i < m->n_fields && empty; i++)
        empty = vals[i][0] == '\0';
    if (empty) {
        reject(r, SENDA_REJ_EMPTY_ROW, "the row is empty%s%s", "", "");
        return SENDA_OK;
    }
    senda_status st = locate(rc, vals, geom, r);
    if (st != SENDA_OK || r->status == REC_REJECTED)
        return st;
    if (r->repairs)
        r->status = REC_REPAIRED;
    read_date(rc, vals, r);
    if (r->status == REC_REJECTED)
        return SENDA_OK;
    read_counts(rc, vals, r);
    if (r->status == REC_REJECTED)
        return SENDA_OK;
    int known = 1;
    r->type_raw = col(vals, m->type);
    r->type = senda__type_from_text(m->syn, r->type_raw, &known);
    if (!known)
        r->flags |= FLAG_TYPE_UNKNOWN;
    r->perp_raw = col(vals, m->perp);
    r->perp = senda__perp_from_text(m->syn, r->perp_raw);
    r->place = col(vals, m->place);
    r->source_id = col(vals, m->id);
    r->weight = rc->opts->severity[r->type] * r->victims;
    if (!known)
        note(r, "type '%s' not recognised, kept as other", r->type_raw);
    return SENDA_OK;
}
