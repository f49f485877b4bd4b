/*
 * columns.c - find the columns of an incident source by name, in English and
 * Spanish, as the IOM Missing Migrants exports and NGO spreadsheets name them.
 *
 * Names are compared folded (lower case, accents and punctuation stripped:
 * "Número de víctimas" = "numero de victimas"). Each role has an ordered list
 * of names, the "column" entries of layers/synonyms/synonyms.csv (synonyms.c;
 * a user's synonyms file adds names after them); the first name that some
 * column has wins, so IOM's "cause_of_death" is taken before neocarto's
 * "cause_class". An explicit
 * option (--lon-field ...) overrides detection and must exist.
 *
 * Field-collection exports: KoboToolbox names columns by group path with '/'
 * ("incidente/tipo") and ODK Central with '-' ("incidente-ubicacion-Latitude",
 * recognised as ODK by its KEY / SubmissionDate / meta-instanceID columns); a
 * name not found whole is looked for as its last path segment. Kobo's geopoint
 * parts "_<path>_latitude" / "_<path>_longitude" are the coordinates; the
 * combined "lat lon altitude accuracy" column is read by parse.c. When no
 * coordinate column is named, the first row's values are sniffed for such a
 * geopoint (a labels export names it by its question). The submission ids
 * (_id, KEY, _uuid, meta instanceID) are kept as source ids.
 * HXL: when the first data row holds only hashtags (#date, #geo+lat, #geo+lon,
 * #affected+killed ...), as on HDX, the hashtags name the roles (before the
 * header names) and that row is skipped: it is a second header, not a report.
 * O(columns x names) once per file.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cpl_string.h>

#include "incidents/import_int.h"

static int find_in(char folded[][96], int n, char *const *names)
{
    for (size_t k = 0; names && names[k]; k++)
        for (int i = 0; i < n; i++)
            if (strcmp(folded[i], names[k]) == 0)
                return i;
    return -1;
}

/* The whole folded names first, then the last path segments (tails). */
static int find_named(char folded[][96], char tails[][96], int n, char *const *names)
{
    int c = find_in(folded, n, names);
    return c >= 0 ? c : find_in(tails, n, names);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && EQUAL(s + a - b, suffix);
}

/* Folded last path segment of each name: after the last '/' (Kobo), or the last
 * '-' when the source is an ODK Central export. */
static void path_tails(OGRFeatureDefnH defn, char folded[][96], int n, char out[][96])
{
    int odk = 0, kobo = 0;
    for (int i = 0; i < n; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        odk |= strcmp(folded[i], "key") == 0 || strcmp(folded[i], "submissiondate") == 0 ||
               strcmp(folded[i], "meta instanceid") == 0;
        kobo |= EQUAL(name, "_uuid") || EQUAL(name, "_submission_time") || EQUAL(name, "_index");
    }
    for (int i = 0; i < n; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        const char *t = kobo || odk ? strrchr(name, '/') : NULL;
        if (!t && odk)
            t = strrchr(name, '-');
        if (t)
            senda__fold(t + 1, out[i], sizeof out[i]);
        else
            memcpy(out[i], folded[i], sizeof out[i]);
    }
}

/* HXL: the role of a hashtag ("#geo+lat", "#affected+killed"), or NULL. Tags are
 * compared case-blind, attributes in any order. */
static int has_attr(const char *tag, const char *attr)
{
    char a[32];
    snprintf(a, sizeof a, "+%s", attr);
    const char *p = tag;
    size_t l = strlen(a);
    while ((p = strstr(p, a)) != NULL) {
        if (p[l] == '\0' || p[l] == '+' || p[l] == ' ')
            return 1;
        p += l;
    }
    return 0;
}

static int tag_is(const char *tag, const char *hash)
{
    size_t l = strlen(hash);
    return strncmp(tag, hash, l) == 0 && (tag[l] == '\0' || tag[l] == '+' || tag[l] == ' ');
}

static void hxl_role(const char *raw, int i, senda__colmap *m)
{
    char tag[96];
    size_t k = 0;
    for (; raw[k] && k + 1 < sizeof tag; k++)
        tag[k] = (char)tolower((unsigned char)raw[k]);
    tag[k] = '\0';
    int *slot = NULL;
    if (tag_is(tag, "#geo"))
        slot = has_attr(tag, "lat") ? &m->lat : has_attr(tag, "lon") ? &m->lon
             : has_attr(tag, "coord") ? &m->coords : NULL;
    else if (tag_is(tag, "#date"))
        slot = has_attr(tag, "reported") && m->date >= 0 ? NULL : &m->date;
    else if (tag_is(tag, "#affected") || tag_is(tag, "#inneed"))
        slot = has_attr(tag, "missing") ? &m->count[1]
             : has_attr(tag, "killed") || has_attr(tag, "dead") ? &m->count[0]
             : has_attr(tag, "f") ? &m->women : has_attr(tag, "m") ? &m->men
             : has_attr(tag, "children") || has_attr(tag, "minors") ? &m->minors
             : m->count[0] < 0 ? &m->count[0] : NULL;
    else if (tag_is(tag, "#event") || tag_is(tag, "#crisis") || tag_is(tag, "#cause") ||
             tag_is(tag, "#impact"))
        slot = has_attr(tag, "id") || has_attr(tag, "code") ? &m->id : &m->type;
    else if (tag_is(tag, "#adm1"))
        slot = &m->state;
    else if (tag_is(tag, "#loc") || tag_is(tag, "#adm2") || tag_is(tag, "#adm3"))
        slot = &m->place;
    else if (tag_is(tag, "#meta") && has_attr(tag, "id"))
        slot = &m->id;
    if (slot && *slot < 0)
        *slot = i;
}

/* A first data row of hashtags only is an HXL row: map roles from it. */
static int hxl_detect(OGRLayerH lyr, int n, senda__colmap *m)
{
    OGR_L_ResetReading(lyr);
    OGRFeatureH f = OGR_L_GetNextFeature(lyr);
    int tags = 0, other = 0;
    for (int i = 0; f && i < n; i++) {
        const char *v = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
        while (*v == ' ')
            v++;
        if (*v == '#' && isalpha((unsigned char)v[1]))
            tags++;
        else if (*v)
            other++;
    }
    int hxl = tags >= 2 && other == 0;
    if (hxl) {
        senda__colmap t;
        memset(&t, 0, sizeof t);
        int *roles[] = {&t.lon, &t.lat, &t.coords, &t.date, &t.year, &t.month, &t.type,
                        &t.count[0], &t.count[1], &t.place, &t.state, &t.id, &t.perp,
                        &t.women, &t.men, &t.minors, &t.synthetic};
        for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++)
            *roles[k] = -1;
        for (int i = 0; i < n; i++)
            if (OGR_F_IsFieldSetAndNotNull(f, i))
                hxl_role(OGR_F_GetFieldAsString(f, i), i, &t);
        int *dst[] = {&m->lon, &m->lat, &m->coords, &m->date, &m->year, &m->month, &m->type,
                      &m->count[0], &m->count[1], &m->place, &m->state, &m->id, &m->perp,
                      &m->women, &m->men, &m->minors, &m->synthetic};
        for (size_t k = 0; k < sizeof dst / sizeof dst[0]; k++)
            if (*roles[k] >= 0) /* hashtags beat header names */
                *dst[k] = *roles[k];
        if (t.lat >= 0 && t.lon >= 0)
            m->coords = -1;
        m->header_rows = 1;
    }
    if (f)
        OGR_F_Destroy(f);
    OGR_L_ResetReading(lyr);
    return hxl;
}

/* No coordinate column named: a column whose first value is an ODK/Kobo geopoint
 * ("lat lon altitude accuracy"). */
static void sniff_geopoint(OGRLayerH lyr, int n, senda__colmap *m)
{
    OGR_L_ResetReading(lyr);
    for (int r = 0; r <= m->header_rows; r++) {
        OGRFeatureH f = OGR_L_GetNextFeature(lyr);
        if (!f)
            break;
        for (int i = 0; r == m->header_rows && i < n && m->coords < 0; i++) {
            double v[4];
            int used = 0;
            const char *t = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
            if (sscanf(t, "%lf %lf %lf %lf %n", &v[0], &v[1], &v[2], &v[3], &used) == 4 &&
                t[used] == '\0' && fabs(v[0]) <= 90 && fabs(v[1]) <= 180 && strchr(t, ' '))
                m->coords = i;
        }
        OGR_F_Destroy(f);
    }
    OGR_L_ResetReading(lyr);
}

/* Kobo's split geopoint: "_<group>_<question>_latitude" / "_longitude". */
static void kobo_geopoint(OGRFeatureDefnH defn, int n, senda__colmap *m)
{
    for (int i = 0; i < n; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        if (name[0] != '_')
            continue;
        if (m->lat < 0 && ends_with(name, "_latitude"))
            m->lat = i;
        if (m->lon < 0 && ends_with(name, "_longitude"))
            m->lon = i;
    }
}

/* Resolve an explicit name (exact, then folded), or fail naming the columns. */
static senda_status explicit_col(senda_ctx *ctx, OGRFeatureDefnH defn, char folded[][96],
                                 int n, const char *opt, const char *name, const char *path,
                                 int *col)
{
    if (!name)
        return SENDA_OK;
    *col = OGR_FD_GetFieldIndex(defn, name);
    if (*col < 0) {
        char f[96];
        senda__fold(name, f, sizeof f);
        for (int i = 0; i < n && *col < 0; i++)
            if (strcmp(folded[i], f) == 0)
                *col = i;
    }
    if (*col < 0)
        return senda__fail(ctx, SENDA_ERR_ARG, "%s: no column '%s' (given with --%s)", path,
                           name, opt);
    return SENDA_OK;
}

senda_status senda__columns_detect(senda_ctx *ctx, OGRLayerH lyr, const senda_incidents_import_opts *o,
                                   const char *path, senda__colmap *m)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int n = OGR_FD_GetFieldCount(defn);
    char (*folded)[96] = senda__calloc(ctx, 2 * (size_t)(n > 0 ? n : 1), sizeof *folded);
    if (!folded)
        return SENDA_ERR_NOMEM;
    char (*tl)[96] = folded + (n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        if (CPLIsUTF8(name, -1)) {
            senda__fold(name, folded[i], sizeof folded[i]);
        } else { /* a Latin-1 header */
            char *u = CPLRecode(name, CPL_ENC_ISO8859_1, CPL_ENC_UTF8);
            senda__fold(u, folded[i], sizeof folded[i]);
            CPLFree(u);
        }
    }
    m->n_fields = n;
    path_tails(defn, folded, n, tl);
    const senda__synonyms *syn = m->syn ? m->syn : senda__synonyms_bundled();
    if (!syn) {
        senda__free(folded);
        return SENDA_ERR_NOMEM;
    }
    m->syn = syn; /* row.c reads the type and perpetrator keywords from it */
    int *const role_col[SENDA_SYN_COL_N] = {
        [SENDA_SYN_LON] = &m->lon,         [SENDA_SYN_LAT] = &m->lat,
        [SENDA_SYN_COORDS] = &m->coords,   [SENDA_SYN_DATE] = &m->date,
        [SENDA_SYN_YEAR] = &m->year,       [SENDA_SYN_MONTH] = &m->month,
        [SENDA_SYN_TYPE] = &m->type,       [SENDA_SYN_COUNT] = &m->count[0],
        [SENDA_SYN_DEAD] = NULL,           [SENDA_SYN_MISSING] = NULL,
        [SENDA_SYN_PLACE] = &m->place,     [SENDA_SYN_STATE] = &m->state,
        [SENDA_SYN_ID] = &m->id,           [SENDA_SYN_PERP] = &m->perp,
        [SENDA_SYN_WOMEN] = &m->women,     [SENDA_SYN_MEN] = &m->men,
        [SENDA_SYN_MINORS] = &m->minors,   [SENDA_SYN_SYNTHETIC] = &m->synthetic,
    };
    for (int r = 0; r < SENDA_SYN_COL_N; r++)
        if (role_col[r])
            *role_col[r] = find_named(folded, tl, n, syn->cols[r]);
    m->count[1] = -1;
    if (m->count[0] < 0) { /* IOM current schema: dead + missing */
        m->count[0] = find_named(folded, tl, n, syn->cols[SENDA_SYN_DEAD]);
        m->count[1] = find_named(folded, tl, n, syn->cols[SENDA_SYN_MISSING]);
    }
    kobo_geopoint(defn, n, m);
    m->header_rows = 0;
    int hxl = hxl_detect(lyr, n, m);
    if (hxl)
        senda__log(ctx, 0, "%s: row 1 is an HXL hashtag row: it names the columns and is not "
                   "imported", path);
    if (m->coords < 0 && (m->lon < 0 || m->lat < 0))
        sniff_geopoint(lyr, n, m);
    if (o->count_field)
        m->count[1] = -1;
    const struct {
        const char *opt, *name;
        int *col;
    } given[] = {
        {"lon-field", o->lon_field, &m->lon},      {"lat-field", o->lat_field, &m->lat},
        {"coords-field", o->coords_field, &m->coords}, {"date-field", o->date_field, &m->date},
        {"type-field", o->type_field, &m->type},   {"count-field", o->count_field, &m->count[0]},
        {"place-field", o->place_field, &m->place}, {"id-field", o->id_field, &m->id},
        {"perpetrator-field", o->perpetrator_field, &m->perp},
    };
    senda_status st = SENDA_OK;
    for (size_t k = 0; k < sizeof given / sizeof given[0] && st == SENDA_OK; k++)
        st = explicit_col(ctx, defn, folded, n, given[k].opt, given[k].name, path, given[k].col);
    if (st == SENDA_OK && (o->lon_field || o->lat_field) && !o->coords_field)
        m->coords = -1; /* explicit columns beat a detected pair column */
    if (st == SENDA_OK && o->coords_field && !o->lon_field && !o->lat_field)
        m->lon = m->lat = -1;
    if (m->lon >= 0 && m->lat >= 0 && !o->coords_field)
        m->coords = -1;
    m->use_geometry = m->coords < 0 && (m->lon < 0 || m->lat < 0) &&
                      wkbFlatten(OGR_L_GetGeomType(lyr)) != wkbNone;
    if (st == SENDA_OK && m->coords < 0 && (m->lon < 0 || m->lat < 0) && m->place < 0 &&
        !m->use_geometry)
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: found no coordinate columns (lon/lat, "
                         "longitud/latitud, or a \"lat, lon\" column), no place column and no "
                         "geometry; name them with --lon-field/--lat-field, --coords-field or "
                         "--place-field", path);
    senda__free(folded);
    return st;
}
