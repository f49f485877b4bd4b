/*
 * columns.c - find the columns of an incident source by name, in English and
 * Spanish, as the IOM Missing Migrants exports and NGO spreadsheets name them.
 *
 * Names are compared folded (lower case, accents and punctuation stripped:
 * "Número de víctimas" = "numero de victimas"). Each role has an ordered list
 * of names; the first name that some column has wins, so IOM's
 * "cause_of_death" is taken before neocarto's "cause_class". An explicit
 * option (--lon-field ...) overrides detection and must exist.
 * O(columns x names) once per file.
 */
#include <string.h>

#include <cpl_string.h>

#include "incidents/import_int.h"

static const char *const lon_names[] = {"lon", "lng", "long", "longitude", "longitud", "x",
                                        "lon dd", "longitude dd", "coord x", NULL};
static const char *const lat_names[] = {"lat", "latitude", "latitud", "y", "lat dd",
                                        "latitude dd", "coord y", NULL};
static const char *const coords_names[] = {
    "location coordinates", "coordinates", "coordenadas", "coords", "lat lon", "latlon",
    "lat long", "latitud longitud", "lat lng", "gps", "ubicacion gps", "coordenadas gps", NULL};
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
                                       "id incidente", "report id", "id reporte", NULL};
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

static int find_named(char folded[][96], int n, const char *const *names)
{
    for (size_t k = 0; names[k]; k++)
        for (int i = 0; i < n; i++)
            if (strcmp(folded[i], names[k]) == 0)
                return i;
    return -1;
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
    char (*folded)[96] = senda__calloc(ctx, (size_t)(n > 0 ? n : 1), sizeof *folded);
    if (!folded)
        return SENDA_ERR_NOMEM;
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
    m->lon = find_named(folded, n, lon_names);
    m->lat = find_named(folded, n, lat_names);
    m->coords = find_named(folded, n, coords_names);
    m->date = find_named(folded, n, date_names);
    m->year = find_named(folded, n, year_names);
    m->month = find_named(folded, n, month_names);
    m->type = find_named(folded, n, type_names);
    m->count[0] = find_named(folded, n, count_names);
    m->count[1] = -1;
    if (m->count[0] < 0) { /* IOM current schema: dead + missing */
        static const char *const dead[] = {"number dead", "dead", "muertos", NULL};
        static const char *const missing[] = {"minimum estimated number of missing",
                                              "number missing", "missing", "desaparecidos",
                                              NULL};
        m->count[0] = find_named(folded, n, dead);
        m->count[1] = find_named(folded, n, missing);
    }
    m->place = find_named(folded, n, place_names);
    m->state = find_named(folded, n, state_names);
    m->id = find_named(folded, n, id_names);
    m->perp = find_named(folded, n, perp_names);
    m->women = find_named(folded, n, women_names);
    m->men = find_named(folded, n, men_names);
    m->minors = find_named(folded, n, minors_names);
    m->synthetic = find_named(folded, n, synthetic_names);
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
