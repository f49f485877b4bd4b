/*
 * columns.c - find the columns of an incident source by name, in English and
 * Spanish, as the IOM Missing Migrants exports and NGO spreadsheets name them.
 *
 * Names are compared folded (lower case, accents and punctuation stripped:
 * "Número de víctimas" = "numero de victimas"). Each role has an ordered list
 * of names; the first name that some column has wins, so IOM's
 * "cause_of_death" is taken before neocarto's "cause_class". An explicit
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

static const char *const lon_names[] = {"lon", "lng", "long", "longitude", "longitud", "x",
                                        "lon dd", "longitude dd", "coord x", NULL};
static const char *const lat_names[] = {"lat", "latitude", "latitud", "y", "lat dd",
                                        "latitude dd", "coord y", NULL};
static const char *const coords_names[] = {
    "location coordinates", "coordinates", "coordenadas", "coords", "lat lon", "latlon",
    "lat long", "latitud longitud", "lat lng", "gps", "ubicacion gps", "coordenadas gps",
    "geopoint", "punto gps", "georreferencia", NULL};
static const char *const date_names[] = {
    "date", "fecha", "incident date", "reported date", "fecha del incidente", "fecha incidente",
    "fecha de los hechos", "fecha hechos", "event date", "fecha evento", "fecha del evento",
    "dia", NULL};
static const char *const year_names[] = {"year", "ano", "anio", "reported year", "incident year",
                                         NULL};
static const char *const month_names[] = {"month", "mes", "reported month", NULL};
static const char *const type_names[] = {
    "type", "tipo", "incident type", "tipo de incidente", "tipo incidente", "tipo de evento",
    "cause of death", "cause", "causa", "causa de muerte", "delito", "tipo de delito", "hecho",
    "category", "categoria", "event type", "violation", "violacion de derechos", NULL};
static const char *const count_names[] = {
    "total dead and missing", "dead and missing", "victims", "victimas", "numero de victimas",
    "num victimas", "n victimas", "no victimas", "number of victims", "personas",
    "personas afectadas", "afectados", "count", "casualties", "total", NULL};
static const char *const place_names[] = {
    "place", "lugar", "localidad", "location", "municipio", "ciudad", "town", "city",
    "place name", "location description", "location of death", "sitio", "comunidad",
    "lugar de los hechos", "lugar del incidente", NULL};
static const char *const state_names[] = {"state", "estado", "departamento", "department",
                                          "admin1", "provincia", NULL};
static const char *const id_names[] = {"id", "web id", "main id", "incident id", "folio",
                                       "id incidente", "report id", "id reporte", "key", "uuid",
                                       "meta instanceid", "instanceid", NULL};
static const char *const perp_names[] = {
    "perpetrator", "perpetrador", "perpetradores", "agresor", "agresores", "responsable",
    "presunto responsable", "presuntos responsables", "perpetrator type", "autor", NULL};
static const char *const women_names[] = {"number of females", "females", "women", "mujeres",
                                          "num mujeres", "victimas mujeres", NULL};
static const char *const men_names[] = {"number of males", "males", "men", "hombres",
                                        "num hombres", "victimas hombres", NULL};
static const char *const minors_names[] = {"number of children", "children", "minors",
                                           "menores", "ninos", "nna", "menores de edad", NULL};
static const char *const synthetic_names[] = {"synthetic", "sintetico", NULL};

static int find_in(char folded[][96], int n, const char *const *names)
{
    for (size_t k = 0; names[k]; k++)
        for (int i = 0; i < n; i++)
            if (strcmp(folded[i], names[k]) == 0)
                return i;
    return -1;
}

/* The whole folded names first, then the last path segments (tails). */
static int find_named(char folded[][96], char tails[][96], int n, const char *const *names)
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
    m->lon = find_named(folded, tl, n, lon_names);
    m->lat = find_named(folded, tl, n, lat_names);
    m->coords = find_named(folded, tl, n, coords_names);
    m->date = find_named(folded, tl, n, date_names);
    m->year = find_named(folded, tl, n, year_names);
    m->month = find_named(folded, tl, n, month_names);
    m->type = find_named(folded, tl, n, type_names);
    m->count[0] = find_named(folded, tl, n, count_names);
    m->count[1] = -1;
    if (m->count[0] < 0) { /* IOM current schema: dead + missing */
        static const char *const dead[] = {"number dead", "dead", "muertos", NULL};
        static const char *const missing[] = {"minimum estimated number of missing",
                                              "number missing", "missing", "desaparecidos",
                                              NULL};
        m->count[0] = find_named(folded, tl, n, dead);
        m->count[1] = find_named(folded, tl, n, missing);
    }
    m->place = find_named(folded, tl, n, place_names);
    m->state = find_named(folded, tl, n, state_names);
    m->id = find_named(folded, tl, n, id_names);
    m->perp = find_named(folded, tl, n, perp_names);
    m->women = find_named(folded, tl, n, women_names);
    m->men = find_named(folded, tl, n, men_names);
    m->minors = find_named(folded, tl, n, minors_names);
    m->synthetic = find_named(folded, tl, n, synthetic_names);
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
