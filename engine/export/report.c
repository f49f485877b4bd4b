/*
 * report.c - `senda report RUN.gpkg --pdf REPORT.pdf`: a printable report of a
 * run for the people who act on it without opening QGIS (shelter directors,
 * donors, protection officers): a cover with the scenario, period, filters,
 * counts and warnings; the map (the quick-look composition of render.c with
 * land, coast, towns and legend, on a landscape page); the hotspot table (the
 * hottest cells, 25 km apart and one per nearest town, with state and
 * confidence); the route
 * table (danger per km of each line and the worst 10 km windows with their
 * towns); the shelter-site table (rank, nearest town, what each covers, its
 * own danger); the danger profile along the paths; the what-if comparison
 * when the run has one; methods in plain words with units and references;
 * and the provenance (versions, inputs with SHA-256, every parameter).
 *
 * Everything is read back from the product itself (its tables and the
 * provenance JSON in gpkg_metadata), so a report can be made from any run
 * file, later and elsewhere. Places are named by the nearest locality of at
 * least 5,000 people in the bundled GeoNames gazetteer (great-circle
 * distance). Words in Spanish (default) or English, numbers in the
 * language's CLDR format (es and es-MX, es-GT: 1,234.5 as written in Mexico
 * and Guatemala; es-ES: 1.234,5; en: 1,234.5). The PDF is written beside
 * the final path and renamed into place when complete. Cost: one pass over
 * each table read, O(cells log cells) to rank the hotspot cells, and
 * O(places) per place named.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo-pdf.h>
#include <cpl_error.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "export/report_int.h"
#include "io/gazetteer_int.h"
#include "io/io_int.h"

#define TOWN_MIN_POPULATION 5000
#define HOTSPOT_MIN_INCIDENTS 30
#define TOP_ROWS 10
#define HOT_APART_M 25000.0 /* hottest cells listed at least this far apart */

typedef struct rep {
    senda_ctx *ctx;
    senda__doc d;
    const char *gpkg;
    GDALDatasetH ds;
    json_object *prov;                  /* provenance document, or NULL */
    senda__gazetteer *gaz;              /* NULL: places are not named */
    OGRCoordinateTransformationH to_ll; /* product CRS -> lon/lat, or NULL */
    int srs_id;
    senda_status st; /* first failure inside a section (NOMEM), else SENDA_OK */
} rep;

void senda_report_opts_init(senda_report_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->lang = "es";
}

/* ---------------------------------------------------------------- reading */

static const char *param(const rep *r, const char *key)
{
    json_object *p, *v;
    if (!r->prov || !json_object_object_get_ex(r->prov, "parameters", &p) ||
        !json_object_object_get_ex(p, key, &v))
        return NULL;
    const char *s = json_object_get_string(v);
    return s && s[0] ? s : NULL;
}

static double count(const rep *r, const char *key, double fallback)
{
    json_object *c, *v;
    if (!r->prov || !json_object_object_get_ex(r->prov, "counts", &c) ||
        !json_object_object_get_ex(c, key, &v))
        return fallback;
    return json_object_get_double(v);
}

static const char *prov_str(const rep *r, const char *key)
{
    json_object *v;
    if (!r->prov || !json_object_object_get_ex(r->prov, key, &v))
        return "";
    return json_object_get_string(v);
}

static json_object *read_provenance(GDALDatasetH ds)
{
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRLayerH res = GDALDatasetExecuteSQL(ds, "SELECT metadata FROM gpkg_metadata WHERE "
                                          "md_standard_uri = 'urn:senda:provenance:1' "
                                          "ORDER BY id DESC LIMIT 1", NULL, "SQLITE");
    CPLPopErrorHandler();
    OGRFeatureH f = res ? OGR_L_GetNextFeature(res) : NULL;
    json_object *j = f && OGR_F_IsFieldSetAndNotNull(f, 0)
                         ? json_tokener_parse(OGR_F_GetFieldAsString(f, 0)) : NULL;
    if (f)
        OGR_F_Destroy(f);
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    return j;
}

static OGRLayerH layer(const rep *r, const char *name)
{
    OGRLayerH l = GDALDatasetGetLayerByName(r->ds, name);
    if (l)
        OGR_L_ResetReading(l);
    return l;
}

/* A section's heading and its layer (table, else the older name alt when not
 * NULL); NULL after saying, under the heading, that the run has no such part. */
static OGRLayerH section(rep *r, const char *title, const char *table, const char *alt,
                         const char *absent)
{
    senda__doc *d = &r->d;
    senda__doc_heading(d, senda__tr(d, title));
    OGRLayerH l = layer(r, table);
    if (!l && alt)
        l = layer(r, alt);
    if (!l)
        senda__doc_para(d, 9.5, 0, senda__tr(d, absent));
    return l;
}

static int field(OGRLayerH l, const char *name)
{
    return l ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), name) : -1;
}

static double dbl(OGRFeatureH f, int i)
{
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsDouble(f, i) : (double)NAN;
}

/* "Tapachula (Chiapas), 3 km" for a point of the product's CRS. */
static void place_name(const rep *r, double x, double y, char *out, size_t size)
{
    snprintf(out, size, "-");
    if (!r->gaz || !r->to_ll || !OCTTransform(r->to_ll, 1, &x, &y, NULL))
        return;
    double km;
    const senda__place *p = senda__gazetteer_nearest(r->gaz, x, y, TOWN_MIN_POPULATION, &km);
    if (!p)
        return;
    char d[32];
    senda__doc_num(&r->d, km, 0, d, sizeof d);
    snprintf(out, size, "%s (%s), %s km", p->name, p->admin1 && p->admin1[0] ? p->admin1
                                                                         : p->country, d);
}

/* senda__grow (room for one more, 64 elements first); when that fails r->st
 * says NOMEM, so the report fails instead of printing a partial table. */
static void *grow_one(rep *r, void *arr, size_t n, size_t *cap, size_t size)
{
    void *g = senda__grow(r->ctx, arr, n, cap, size, 64);
    if (!g && r->st == SENDA_OK)
        r->st = SENDA_ERR_NOMEM;
    return g;
}

static void centroid(OGRFeatureH f, double *x, double *y)
{
    *x = *y = (double)NAN;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g)
        return;
    OGRGeometryH c = OGR_G_CreateGeometry(wkbPoint);
    if (OGR_G_Centroid(g, c) == OGRERR_NONE)
        *x = OGR_G_GetX(c, 0), *y = OGR_G_GetY(c, 0);
    OGR_G_DestroyGeometry(c);
}

/* ------------------------------------------------------------------ cover */

static void incident_summary(const rep *r, long *n, double *victims, char *from, char *to)
{
    *n = -1, *victims = (double)NAN, from[0] = to[0] = 0;
    if (!layer(r, "incidents"))
        return;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRLayerH res = GDALDatasetExecuteSQL(r->ds, "SELECT COUNT(*), SUM(victims), "
                                          "MIN(date_first), MAX(date_last) FROM incidents",
                                          NULL, "SQLITE");
    CPLPopErrorHandler();
    OGRFeatureH f = res ? OGR_L_GetNextFeature(res) : NULL;
    if (f) {
        *n = (long)OGR_F_GetFieldAsInteger64(f, 0);
        *victims = dbl(f, 1);
        snprintf(from, 16, "%.10s", OGR_F_IsFieldSetAndNotNull(f, 2) ? OGR_F_GetFieldAsString(f, 2) : "");
        snprintf(to, 16, "%.10s", OGR_F_IsFieldSetAndNotNull(f, 3) ? OGR_F_GetFieldAsString(f, 3) : "");
        OGR_F_Destroy(f);
    }
    if (res)
        GDALDatasetReleaseResultSet(r->ds, res);
}

static void filters_text(const rep *r, char *out, size_t size)
{
    out[0] = 0;
    json_object *p;
    if (!r->prov || !json_object_object_get_ex(r->prov, "parameters", &p))
        return;
    json_object_object_foreach(p, key, val)
    {
        const char *s = json_object_get_string(val);
        if (strncmp(key, "filter.", 7) != 0 || !s || !s[0] || strcmp(key, "filter.weighted") == 0)
            continue;
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s = %s", used ? "; " : "", key + 7, s);
    }
    if (!out[0])
        snprintf(out, size, "%s", senda__tr(&r->d, "none (all incidents)"));
}

static void cover(rep *r, const char *title)
{
    senda__doc *d = &r->d;
    long n;
    double victims;
    char from[16], to[16], buf[1400], num[64], num2[64];
    incident_summary(r, &n, &victims, from, to);
    d->y += 40;
    senda__doc_para(d, 22, 1, senda__tr(d, "Route-risk report"));
    senda__doc_para(d, 15, 0, title);
    d->y += 10;
    int synthetic = param(r, "incidents.synthetic") && atof(param(r, "incidents.synthetic")) > 0;
    if (synthetic)
        senda__doc_banner(d, senda__tr(d, "SYNTHETIC DATA: these incidents were generated for a "
                                          "demonstration. They are not real reports and must "
                                          "not be used to decide anything."),
                          0.70, 0.10, 0.10);
    if (n >= 0 && n < HOTSPOT_MIN_INCIDENTS) {
        senda__doc_num(d, (double)n, 0, num, sizeof num);
        snprintf(buf, sizeof buf, senda__tr(d, "ONLY %s INCIDENTS: fewer than the %d a hotspot "
                                               "analysis needs; maps and tables here show "
                                               "where reports are, not where risk is higher."),
                 num, HOTSPOT_MIN_INCIDENTS);
        senda__doc_banner(d, buf, 0.80, 0.45, 0.05);
    }
    const double w[2] = {0.30, 0.70};
    const char *row[2];
    row[0] = senda__tr(d, "Scenario"), row[1] = prov_str(r, "scenario");
    senda__doc_row(d, 2, w, row, 0);
    snprintf(buf, sizeof buf, "%s %s %s", from[0] ? from : "?", senda__tr(d, "to"),
             to[0] ? to : "?");
    row[0] = senda__tr(d, "Period (incident dates)"), row[1] = buf;
    senda__doc_row(d, 2, w, row, 0);
    filters_text(r, buf, sizeof buf);
    row[0] = senda__tr(d, "Filters"), row[1] = buf;
    senda__doc_row(d, 2, w, row, 0);
    senda__doc_num(d, (double)(n < 0 ? 0 : n), 0, num, sizeof num);
    senda__doc_num(d, isnan(victims) ? 0 : victims, 0, num2, sizeof num2);
    snprintf(buf, sizeof buf, senda__tr(d, "%s incidents, %s victims (dead, missing or harmed)"),
             num, num2);
    row[0] = senda__tr(d, "Incidents in this report"), row[1] = buf;
    senda__doc_row(d, 2, w, row, 0);
    senda__doc_num(d, count(r, "gistar_hot", 0), 0, num, sizeof num);
    senda__doc_num(d, count(r, "shelter_sites", 0), 0, num2, sizeof num2);
    snprintf(buf, sizeof buf, senda__tr(d, "%s hotspot cells; %s new shelter sites ranked"),
             num, num2);
    row[0] = senda__tr(d, "Results"), row[1] = buf;
    senda__doc_row(d, 2, w, row, 0);
    row[0] = senda__tr(d, "Made"), row[1] = prov_str(r, "created");
    senda__doc_row(d, 2, w, row, 0);
    d->y += 16;
    senda__doc_para(d, 9, 0, senda__tr(d, "Contents: map; hotspots; routes; new shelter sites; "
                                          "danger profile; what-if comparison; methods; "
                                          "provenance."));
    senda__doc_para(d, 9, 0, senda__tr(d, "This report holds no incident location and no "
                                          "personal data, but it describes a restricted run: "
                                          "share it only with people who may see the run."));
}

/* -------------------------------------------------------------------- map */

static const char *tr_map(const void *arg, const char *en)
{
    return senda__tr((const senda__doc *)arg, en);
}

/* A landscape map page: the quick-look composition with `surface`
 * underneath (NULL: the default surface) and `title` (NULL: the product's). */
static senda_status map_page_of(rep *r, const char *surface, const char *title)
{
    senda__doc *d = &r->d;
    senda__doc_page(d, 1);
    senda_export_render_opts ro;
    senda_export_render_opts_init(&ro);
    ro.surface = surface;
    ro.title = title;
    const double width = 1600;
    double height = 0;
    senda_status st = senda__render_compose(r->ctx, NULL, r->gpkg, &ro, width, &height, tr_map,
                                            d, NULL, NULL);
    if (st != SENDA_OK)
        return st;
    double avail_w = d->page_w - 2 * d->margin, avail_h = d->page_h - 2 * d->margin - 10;
    double s = fmin(avail_w / width, avail_h / height);
    cairo_save(d->cr);
    cairo_translate(d->cr, d->margin, d->margin);
    cairo_scale(d->cr, s, s);
    st = senda__render_compose(r->ctx, d->cr, r->gpkg, &ro, width, NULL, tr_map, d, NULL,
                               NULL);
    cairo_restore(d->cr);
    d->y = d->page_h; /* full: the caller opens the next page */
    return st;
}

/* The likely-route coverages present in the product: route density,
 * exposure and the what-if's change, one map page each. */
static senda_status likely_maps(rep *r)
{
    static const char *const names[3] = {"route_density", "exposure", "route_density_change"};
    static const char *const titles[3] = {
        "Likely routes: share of migrants passing each cell",
        "Exposure per km (what harms people on the way)",
        "Where the what-if moves people (red: more pass, blue: fewer)"};
    senda__table *t = senda__calloc(r->ctx, 64, sizeof *t);
    size_t n = 0;
    senda_status st = t ? senda__product_tables(r->ctx, r->gpkg, t, 64, &n) : SENDA_ERR_NOMEM;
    for (int k = 0; k < 3 && st == SENDA_OK; k++)
        for (size_t i = 0; i < n; i++)
            if (t[i].raster && strcmp(t[i].name, names[k]) == 0) {
                st = map_page_of(r, names[k], senda__tr(&r->d, titles[k]));
                break;
            }
    senda__free(t);
    return st;
}

/* --------------------------------------------------------------- hotspots */

typedef struct hot_cell {
    double z, p, x, y, n;
    int bin, single;
} hot_cell;

static int by_z_desc(const void *a, const void *b)
{
    double za = ((const hot_cell *)a)->z, zb = ((const hot_cell *)b)->z;
    return (za < zb) - (za > zb);
}

static size_t read_hot_cells(rep *r, OGRLayerH l, hot_cell **out)
{
    int iz = field(l, "GiZScore"), ip = field(l, "GiPValue"), ib = field(l, "Gi_Bin"),
        in = field(l, "count"), is = field(l, "single_event");
    size_t n = 0, cap = 0;
    hot_cell *c = NULL;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        int bin = ib >= 0 ? OGR_F_GetFieldAsInteger(f, ib) : 0;
        if (bin > 0) {
            hot_cell *g = grow_one(r, c, n, &cap, sizeof *c);
            if (!g) {
                OGR_F_Destroy(f);
                break;
            }
            c = g;
            hot_cell *h = &c[n++];
            h->z = dbl(f, iz), h->p = dbl(f, ip), h->n = dbl(f, in), h->bin = bin;
            h->single = is >= 0 && OGR_F_GetFieldAsInteger(f, is) != 0;
            centroid(f, &h->x, &h->y);
        }
        OGR_F_Destroy(f);
    }
    *out = c;
    return n;
}

static void hotspot_section(rep *r)
{
    senda__doc *d = &r->d;
    char buf[600], num[64];
    OGRLayerH l = section(r, "Hotspots", "hotspot_cells", NULL,
                          "This run has no hotspot analysis.");
    if (!l)
        return;
    hot_cell *c = NULL;
    size_t n = read_hot_cells(r, l, &c);
    senda__doc_num(d, (double)n, 0, num, sizeof num);
    snprintf(buf, sizeof buf, senda__tr(d, "%s cells are hot spots (Getis-Ord Gi*, 90 %% "
                                           "confidence or more). The hottest, at least 25 km "
                                           "apart and one per nearest town:"), num);
    senda__doc_para(d, 9.5, 0, buf);
    if (n == 0) {
        senda__free(c);
        return;
    }
    qsort(c, n, sizeof *c, by_z_desc);
    const double w[6] = {0.05, 0.43, 0.12, 0.12, 0.13, 0.15};
    const char *head[6] = {"#", senda__tr(d, "Nearest town (state), distance"),
                           senda__tr(d, "Incidents in cell"), senda__tr(d, "Gi* z-score"),
                           senda__tr(d, "Confidence"), senda__tr(d, "Note")};
    senda__doc_row(d, 6, w, head, 1);
    char seen[TOP_ROWS][128];
    size_t listed[TOP_ROWS];
    int shown = 0;
    for (size_t i = 0; i < n && shown < TOP_ROWS; i++) {
        char place[256], rank[16], cnt[32], z[32], conf[16];
        int dup = 0; /* one row per cluster: not within HOT_APART_M of a listed cell */
        for (int k = 0; k < shown && !dup; k++)
            dup = hypot(c[i].x - c[listed[k]].x, c[i].y - c[listed[k]].y) < HOT_APART_M;
        if (dup)
            continue;
        place_name(r, c[i].x, c[i].y, place, sizeof place);
        char town[128];
        snprintf(town, sizeof town, "%.*s", (int)strcspn(place, ","), place);
        for (int k = 0; k < shown; k++)
            dup |= strcmp(seen[k], town) == 0;
        if (dup)
            continue;
        listed[shown] = i;
        snprintf(seen[shown], sizeof seen[shown], "%s", town);
        snprintf(rank, sizeof rank, "%d", ++shown);
        senda__doc_num(d, c[i].n, 0, cnt, sizeof cnt);
        senda__doc_num(d, c[i].z, 2, z, sizeof z);
        snprintf(conf, sizeof conf, "%d %%", c[i].bin >= 3 ? 99 : c[i].bin == 2 ? 95 : 90);
        const char *cells[6] = {rank, place, isnan(c[i].n) ? "-" : cnt, z, conf,
                                c[i].single ? senda__tr(d, "one event") : ""};
        senda__doc_row(d, 6, w, cells, 0);
    }
    senda__free(c);
}

/* ----------------------------------------------------------------- routes */

typedef struct window {
    double danger, from_km, to_km, incidents, x, y;
    char line[64];
} window;

static int by_danger_desc(const void *a, const void *b)
{
    double da = ((const window *)a)->danger, db = ((const window *)b)->danger;
    return (da < db) - (da > db);
}

static void route_lines(rep *r, OGRLayerH l)
{
    senda__doc *d = &r->d;
    int in = field(l, "name"), il = field(l, "length_km"), ii = field(l, "incidents"),
        id = field(l, "danger_per_km"), im = field(l, "max_window_danger_per_km");
    const double w[5] = {0.34, 0.15, 0.15, 0.18, 0.18};
    const char *head[5] = {senda__tr(d, "Line"), senda__tr(d, "Length (km)"),
                           senda__tr(d, "Incidents"), senda__tr(d, "Danger per km (line)"),
                           senda__tr(d, "Worst 10 km (per km)")};
    senda__doc_row(d, 5, w, head, 1);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        char len[32], inc[32], dk[32], mx[32];
        senda__doc_num(d, dbl(f, il), 1, len, sizeof len);
        senda__doc_num(d, dbl(f, ii), 0, inc, sizeof inc);
        senda__doc_num(d, dbl(f, id), 2, dk, sizeof dk);
        senda__doc_num(d, dbl(f, im), 2, mx, sizeof mx);
        const char *cells[5] = {in >= 0 ? OGR_F_GetFieldAsString(f, in) : "", len, inc, dk, mx};
        senda__doc_row(d, 5, w, cells, 0);
        OGR_F_Destroy(f);
    }
}

static void route_windows(rep *r, OGRLayerH l)
{
    senda__doc *d = &r->d;
    int il = field(l, "line"), ia = field(l, "chainage_km_from"), ib = field(l, "chainage_km_to"),
        id = field(l, "danger_per_km"), ii = field(l, "incidents");
    size_t n = 0, cap = 0;
    window *w = NULL;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        window *g = grow_one(r, w, n, &cap, sizeof *w);
        if (!g) {
            OGR_F_Destroy(f);
            break;
        }
        w = g;
        window *x = &w[n++];
        x->danger = dbl(f, id), x->from_km = dbl(f, ia), x->to_km = dbl(f, ib);
        x->incidents = dbl(f, ii);
        snprintf(x->line, sizeof x->line, "%s", il >= 0 ? OGR_F_GetFieldAsString(f, il) : "");
        centroid(f, &x->x, &x->y);
        OGR_F_Destroy(f);
    }
    qsort(w, n, sizeof *w, by_danger_desc);
    senda__doc_para(d, 9.5, 0, senda__tr(d, "The most dangerous stretches (windows that do not "
                                            "overlap a worse one already listed):"));
    const double cw[5] = {0.26, 0.16, 0.14, 0.10, 0.34};
    const char *head[5] = {senda__tr(d, "Line"), senda__tr(d, "km from - to"),
                           senda__tr(d, "Danger per km"), senda__tr(d, "Incidents"),
                           senda__tr(d, "Nearest town (state), distance")};
    senda__doc_row(d, 5, cw, head, 1);
    size_t listed[TOP_ROWS];
    int shown = 0;
    for (size_t i = 0; i < n && shown < TOP_ROWS; i++) {
        int overlap = 0;
        for (int k = 0; k < shown && !overlap; k++) {
            const window *o = &w[listed[k]];
            overlap = strcmp(o->line, w[i].line) == 0 && o->from_km < w[i].to_km &&
                      w[i].from_km < o->to_km;
        }
        if (overlap)
            continue;
        listed[shown++] = i;
        char km[80], a[32], b[32], dk[32], inc[32], place[256];
        senda__doc_num(d, w[i].from_km, 1, a, sizeof a);
        senda__doc_num(d, w[i].to_km, 1, b, sizeof b);
        snprintf(km, sizeof km, "%s - %s", a, b);
        senda__doc_num(d, w[i].danger, 2, dk, sizeof dk);
        senda__doc_num(d, w[i].incidents, 0, inc, sizeof inc);
        place_name(r, w[i].x, w[i].y, place, sizeof place);
        const char *cells[5] = {w[i].line, km, dk, inc, place};
        senda__doc_row(d, 5, cw, cells, 0);
    }
    senda__free(w);
}

static void route_section(rep *r)
{
    senda__doc *d = &r->d;
    senda__doc_heading(d, senda__tr(d, "Routes"));
    OGRLayerH lines = layer(r, "routes"), segs = layer(r, "route_segments");
    if (!lines && !segs) {
        senda__doc_para(d, 9.5, 0, senda__tr(d, "This run has no route scoring."));
        return;
    }
    senda__doc_para(d, 9.5, 0, senda__tr(d, "Danger per km along each rail line (danger units "
                                            "per km: see Methods)."));
    if (lines)
        route_lines(r, lines);
    d->y += 8;
    if (segs)
        route_windows(r, segs);
}

/* ------------------------------------------------------------------ sites */

static void site_section(rep *r)
{
    senda__doc *d = &r->d;
    char buf[400], num[64];
    OGRLayerH l = section(r, "New shelter sites", "shelter_sites", NULL,
                          "This run has no shelter siting.");
    if (!l)
        return;
    const char *radius = param(r, "siting.radius_m");
    double radius_km = radius ? atof(radius) / 1000.0 : (double)NAN;
    senda__doc_num(d, radius_km, 0, num, sizeof num);
    snprintf(buf, sizeof buf, senda__tr(d, "Sites ranked by how much incident weight they "
                                           "cover within %s km that no existing shelter or "
                                           "better-ranked site covers."),
             num);
    senda__doc_para(d, 9.5, 0, buf);
    int ir = field(l, "rank"), im = field(l, "marginal_demand"), ic = field(l, "cumulative_pct"),
        io = field(l, "own_danger"), ie = field(l, "nearest_shelter_m");
    const double w[6] = {0.06, 0.34, 0.17, 0.13, 0.13, 0.17};
    const char *head[6] = {senda__tr(d, "Rank"), senda__tr(d, "Nearest town (state), distance"),
                           senda__tr(d, "Covers (weighted incidents)"),
                           senda__tr(d, "Cumulative share"), senda__tr(d, "Own danger per km"),
                           senda__tr(d, "Nearest shelter (km)")};
    senda__doc_row(d, 6, w, head, 1);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        double x, y;
        centroid(f, &x, &y);
        char rank[16], place[256], cov[32], cum[32], own[32], near[32];
        snprintf(rank, sizeof rank, "%d", ir >= 0 ? OGR_F_GetFieldAsInteger(f, ir) : 0);
        place_name(r, x, y, place, sizeof place);
        senda__doc_num(d, dbl(f, im), 1, cov, sizeof cov);
        senda__doc_num(d, dbl(f, ic), 1, cum, sizeof cum);
        strcat(cum, " %");
        senda__doc_num(d, dbl(f, io), 2, own, sizeof own);
        senda__doc_num(d, dbl(f, ie) / 1000.0, 1, near, sizeof near);
        const char *cells[6] = {rank, place, cov, cum, own, near};
        senda__doc_row(d, 6, w, cells, 0);
        OGR_F_Destroy(f);
    }
}

/* ---------------------------------------------------------------- profile */

/* One path's profile read into xs (km) and ys (danger per km). */
static size_t read_profile(OGRLayerH l, long path, double *xs, double *ys, size_t max,
                           char *name, size_t name_size)
{
    int ip = field(l, "path"), ia = field(l, "alternative"), in = field(l, "name"),
        ix = field(l, "distance_km"), iy = field(l, "danger_per_km");
    size_t n = 0;
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        if (OGR_F_GetFieldAsInteger64(f, ip) == path && (ia < 0 || OGR_F_GetFieldAsInteger(f, ia) == 0)
            && n < max) {
            xs[n] = dbl(f, ix), ys[n] = dbl(f, iy);
            if (n++ == 0 && in >= 0)
                snprintf(name, name_size, "%s", OGR_F_GetFieldAsString(f, in));
        }
        OGR_F_Destroy(f);
    }
    return n;
}

static void chart(senda__doc *d, const double *xs, const double *ys, size_t n, const char *title)
{
    const double h = 150, x0 = d->margin + 40, w = d->page_w - 2 * d->margin - 50;
    senda__doc_need(d, h + 50);
    senda__doc_para(d, 10, 1, title);
    double xmax = 0, ymax = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(xs[i]))
            xmax = fmax(xmax, xs[i]);
        if (isfinite(ys[i]))
            ymax = fmax(ymax, ys[i]);
    }
    if (!(xmax > 0) || !(ymax > 0))
        return;
    cairo_t *cr = d->cr;
    double y0 = d->y + h;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, x0, d->y, w, h);
    cairo_stroke(cr);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 7);
    char lab[48];
    for (int k = 0; k <= 4; k++) {
        senda__doc_num(d, xmax * k / 4, 0, lab, sizeof lab);
        cairo_move_to(cr, x0 + w * k / 4 - 6, y0 + 10);
        cairo_show_text(cr, lab);
        senda__doc_num(d, ymax * k / 4, 1, lab, sizeof lab);
        cairo_move_to(cr, x0 - 30, y0 - h * k / 4 + 3);
        cairo_show_text(cr, lab);
    }
    cairo_move_to(cr, x0 + w / 2 - 10, y0 + 20);
    cairo_show_text(cr, "km");
    cairo_set_source_rgb(cr, 0.70, 0.10, 0.10);
    cairo_set_line_width(cr, 1.2);
    int started = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(xs[i]) || !isfinite(ys[i]))
            continue;
        (started ? cairo_line_to : cairo_move_to)(cr, x0 + w * xs[i] / xmax,
                                                  y0 - h * ys[i] / ymax);
        started = 1;
    }
    cairo_stroke(cr);
    d->y = y0 + 30;
}

static void profile_section(rep *r)
{
    senda__doc *d = &r->d;
    OGRLayerH l = section(r, "Danger profile along the paths", "path_profiles", "path_profile",
                          "This run has no least-danger paths.");
    if (!l)
        return;
    senda__doc_para(d, 9.5, 0, senda__tr(d, "Danger per km (vertical) against the distance "
                                            "travelled from the border crossing (km), along "
                                            "the least-danger path to each destination."));
    enum { MAX_PTS = 20000 };
    double *xs = senda__calloc(r->ctx, MAX_PTS, sizeof *xs);
    double *ys = senda__calloc(r->ctx, MAX_PTS, sizeof *ys);
    if ((!xs || !ys) && r->st == SENDA_OK)
        r->st = SENDA_ERR_NOMEM;
    for (long path = 1; xs && ys && path <= 6; path++) {
        char name[128] = "", title[200];
        size_t n = read_profile(l, path, xs, ys, MAX_PTS, name, sizeof name);
        if (n == 0)
            break;
        snprintf(title, sizeof title, "%s %s", senda__tr(d, "To"), name);
        chart(d, xs, ys, n, title);
    }
    senda__free(xs);
    senda__free(ys);
}

/* ---------------------------------------------------------- likely routes */

/* Column widths of the corridor table, with and without the incident rates. */
static const double *likely_widths(int rates)
{
    static const double w7[7] = {0.20, 0.11, 0.13, 0.13, 0.11, 0.16, 0.16};
    static const double w5[5] = {0.34, 0.14, 0.18, 0.18, 0.16};
    return rates ? w7 : w5;
}

/* One row of the corridor table; totals accumulate the share-weighted
 * exposure (the flow-weighted mean of senda_likely_routes). */
static void likely_row(rep *r, OGRFeatureH f, const int *fi, int has_after, int rates,
                       double tot[3])
{
    senda__doc *d = &r->d;
    char share[32], eb[32], ea[32] = "-", ch[32] = "-", ib[32] = "-", ia[32] = "-";
    double sh = dbl(f, fi[1]), b = dbl(f, fi[2]), a = dbl(f, fi[3]);
    senda__doc_num(d, 100.0 * sh, 1, share, sizeof share);
    senda__doc_num(d, b, 1, eb, sizeof eb);
    if (has_after && isfinite(a)) {
        senda__doc_num(d, a, 1, ea, sizeof ea);
        if (isfinite(dbl(f, fi[4])))
            senda__doc_num(d, dbl(f, fi[4]), 1, ch, sizeof ch);
    }
    if (fi[5] >= 0 && isfinite(dbl(f, fi[5])))
        senda__doc_num(d, dbl(f, fi[5]), 2, ib, sizeof ib);
    if (fi[6] >= 0 && isfinite(dbl(f, fi[6])))
        senda__doc_num(d, dbl(f, fi[6]), 2, ia, sizeof ia);
    const char *cells[7] = {OGR_F_GetFieldAsString(f, fi[0]), share, eb, ea, ch, ib, ia};
    senda__doc_row(d, rates ? 7 : 5, likely_widths(rates), cells, 0);
    tot[0] += sh;
    tot[1] += sh * b;
    tot[2] += sh * (has_after ? a : b);
}

/* Exposure per km on the likely routes along each rail line
 * (route_segments' likely_* fields): one chart per line that at least 1 %
 * of the migrants travel, at most six. */
static void likely_profiles(rep *r)
{
    OGRLayerH l = layer(r, "route_segments");
    int il = field(l, "line"), ia = field(l, "chainage_km_from"), ib = field(l, "chainage_km_to"),
        is = field(l, "likely_share"), ie = field(l, "likely_exposure_per_km");
    if (!l || il < 0 || ia < 0 || ib < 0 || is < 0 || ie < 0)
        return;
    enum { MAX_PTS = 4000 };
    double *xs = senda__calloc(r->ctx, MAX_PTS, sizeof *xs);
    double *ys = senda__calloc(r->ctx, MAX_PTS, sizeof *ys);
    char line[128] = "", title[256];
    size_t n = 0, shown = 0;
    int any = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    for (int more = 1; xs && ys && more && shown < 6;) {
        f = OGR_L_GetNextFeature(l);
        more = f != NULL;
        if (!more || strcmp(OGR_F_GetFieldAsString(f, il), line) != 0) {
            if (any) {
                snprintf(title, sizeof title, "%s: %s", line,
                         senda__tr(&r->d, "exposure per km on the likely routes"));
                chart(&r->d, xs, ys, n, title);
                shown++;
            }
            n = 0, any = 0;
            if (f)
                snprintf(line, sizeof line, "%s", OGR_F_GetFieldAsString(f, il));
        }
        if (f && n < MAX_PTS) {
            double share = dbl(f, is);
            xs[n] = (dbl(f, ia) + dbl(f, ib)) / 2.0;
            ys[n] = share >= 0.01 ? dbl(f, ie) : (double)NAN;
            any |= share >= 0.01 && isfinite(ys[n]);
            n++;
        }
        if (f)
            OGR_F_Destroy(f);
    }
    senda__free(xs);
    senda__free(ys);
}

static void likely_section(rep *r)
{
    senda__doc *d = &r->d;
    OGRLayerH l = layer(r, "likely_corridors");
    if (!l)
        return; /* a run without likely routes: no section */
    senda__doc_heading(d, senda__tr(d, "Likely routes and exposure"));
    senda__doc_para(d, 9.5, 0,
                    senda__tr(d, "Expected exposure per migrant: the exposure per km (incidents, "
                                 "distance from help, the train) added up along the routes people "
                                 "are likely to take from each crossing, before and after the "
                                 "what-if. The what-if changes where people go, not the exposure "
                                 "of a place. Route choice: a logit over efficient paths (Dial "
                                 "1971; randomized shortest paths, Saerens et al. 2009)."));
    const char *names[7] = {"crossing", "share", "exposure_per_migrant_before",
                            "exposure_per_migrant_after", "exposure_change_pct",
                            "incidents_per_1000_before", "incidents_per_1000_after"};
    int fi[7];
    for (int k = 0; k < 7; k++)
        fi[k] = field(l, names[k]);
    if (fi[0] < 0 || fi[1] < 0 || fi[2] < 0)
        return;
    int has_after = 0, rates = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        has_after |= fi[3] >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi[3]);
        rates |= fi[5] >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi[5]);
        OGR_F_Destroy(f);
    }
    const int nc = rates ? 7 : 5;
    const double *w = likely_widths(rates);
    const char *head[7] = {senda__tr(d, "Crossing"), senda__tr(d, "Share (%)"),
                           senda__tr(d, "Exposure before"), senda__tr(d, "Exposure after"),
                           senda__tr(d, "Change (%)"), senda__tr(d, "Incidents per 1,000 before"),
                           senda__tr(d, "Incidents per 1,000 after")};
    senda__doc_row(d, nc, w, head, 1);
    double tot[3] = {0, 0, 0};
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        likely_row(r, f, fi, has_after, rates, tot);
        OGR_F_Destroy(f);
    }
    if (!(tot[0] > 0.0))
        return;
    char eb[32], ea[32] = "-", ch[32] = "-", share[32];
    senda__doc_num(d, 100.0 * tot[0], 1, share, sizeof share);
    senda__doc_num(d, tot[1] / tot[0], 1, eb, sizeof eb);
    if (has_after) {
        senda__doc_num(d, tot[2] / tot[0], 1, ea, sizeof ea);
        if (tot[1] > 0.0)
            senda__doc_num(d, 100.0 * (tot[2] - tot[1]) / tot[1], 1, ch, sizeof ch);
    }
    const char *cells[7] = {senda__tr(d, "All crossings"), share, eb, ea, ch, "", ""};
    senda__doc_row(d, nc, w, cells, 1);
    senda__doc_para(d, 9.5, 0,
                    senda__tr(d, "Exposure per km met by the migrants who travel along each rail "
                                 "line (vertical) against the distance along the line (km), "
                                 "where at least 1 % of them pass; before the what-if."));
    likely_profiles(r);
}

/* ----------------------------------------------------------------- what-if */

/* The names of a layer's features, "; "-separated, or NULL when none. */
static const char *layer_names(const rep *r, const char *name, char *out, size_t size)
{
    OGRLayerH l = layer(r, name);
    int fi = field(l, "name");
    size_t n = 0;
    out[0] = 0;
    if (!l || fi < 0)
        return NULL;
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        if (n < size)
            n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "; " : "",
                                  OGR_F_GetFieldAsString(f, fi));
        OGR_F_Destroy(f);
    }
    return out[0] ? out : NULL;
}

static void whatif_section(rep *r)
{
    senda__doc *d = &r->d;
    senda__doc_heading(d, senda__tr(d, "What-if comparison"));
    char removed[600], added[600];
    const char *without = param(r, "danger.without_checkpoints");
    const char *with = param(r, "danger.with_checkpoints");
    if (!without) /* likely routes: the what-if's checkpoints are layers */
        without = layer_names(r, "checkpoints_removed", removed, sizeof removed);
    if (!with)
        with = layer_names(r, "checkpoints_added", added, sizeof added);
    if (!without && !with) {
        senda__doc_para(d, 9.5, 0, senda__tr(d, "This run compares no enforcement change. Run "
                                                "a scenario with a checkpoint added or removed "
                                                "to see how routes and danger move."));
        return;
    }
    char buf[600];
    if (without) {
        snprintf(buf, sizeof buf, senda__tr(d, "Checkpoints left out in this run: %s."), without);
        senda__doc_para(d, 9.5, 0, buf);
    }
    if (with) {
        snprintf(buf, sizeof buf, senda__tr(d, "Checkpoints added in this run: %s."), with);
        senda__doc_para(d, 9.5, 0, buf);
    }
    OGRLayerH l = layer(r, "paths");
    int in = field(l, "name"), ic = field(l, "extra_cost_pct"), il = field(l, "length_km"),
        it = field(l, "total_danger");
    if (!l)
        return;
    const double w[4] = {0.40, 0.20, 0.20, 0.20};
    const char *head[4] = {senda__tr(d, "Path to"), senda__tr(d, "Length (km)"),
                           senda__tr(d, "Total danger"), senda__tr(d, "Extra cost (%)")};
    senda__doc_row(d, 4, w, head, 1);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        char len[32], tot[32], ex[32];
        senda__doc_num(d, dbl(f, il), 1, len, sizeof len);
        senda__doc_num(d, dbl(f, it), 1, tot, sizeof tot);
        senda__doc_num(d, dbl(f, ic), 1, ex, sizeof ex);
        const char *cells[4] = {in >= 0 ? OGR_F_GetFieldAsString(f, in) : "", len, tot, ex};
        senda__doc_row(d, 4, w, cells, 0);
        OGR_F_Destroy(f);
    }
}

/* ------------------------------------------------------ methods, provenance */

static void methods_section(rep *r)
{
    senda__doc *d = &r->d;
    senda__doc_heading(d, senda__tr(d, "Methods"));
    static const char *const paras[] = {
        "Incidents. Reports of kidnapping, extortion, assault, sexual violence, deaths and "
        "disappearances of migrants, each placed on the map and counted once: reports of one "
        "event from several sources are linked, not added. Each incident has a weight "
        "(severity times victims) unless the run counts events.",
        "Density (incidents per km2). Kernel density with a quartic kernel: every incident "
        "spreads its weight over a disc of the search radius, most at its centre; the map shows "
        "the sum per km2. The same method as QGIS Heatmap and GRASS v.kernel (Silverman 1986).",
        "Hotspots (Gi* z-score). The Getis-Ord Gi* statistic compares the incidents in and near "
        "each cell with what the whole area would give by chance. A cell is a hot spot at 90, "
        "95 or 99 % confidence, after the Benjamini-Hochberg correction for testing many cells "
        "(Getis and Ord 1992; Ord and Getis 1995; as ArcGIS Hot Spot Analysis and R spdep).",
        "Danger per km. A surface in danger units per km: a base of 1 for walking a km, plus "
        "terms for incident density, nearness to immigration checkpoints and to the rail line; "
        "the weights are in the provenance below. Least-danger paths follow the lowest "
        "accumulated danger from the border crossings (Dijkstra's algorithm, as GRASS r.cost).",
        "Routes. Along each rail line, the danger and the incidents in sliding windows of 10 km "
        "give the danger per km of each stretch; the worst stretches are listed.",
        "New shelter sites. A maximal covering location model (Church and ReVelle 1974) picks "
        "the sites that together cover the most incident weight within the service distance, "
        "counting what existing shelters already cover; solved by greedy search with swaps, "
        "with an upper bound on the best possible coverage.",
        "References. Silverman, B.W. (1986) Density Estimation for Statistics and Data "
        "Analysis. Getis, A. and Ord, J.K. (1992) Geographical Analysis 24(3). Ord, J.K. and "
        "Getis, A. (1995) Geographical Analysis 27(4). Benjamini, Y. and Hochberg, Y. (1995) "
        "JRSS B 57(1). Church, R. and ReVelle, C. (1974) Papers of the Regional Science "
        "Association 32. Dijkstra, E.W. (1959) Numerische Mathematik 1.",
    };
    for (size_t i = 0; i < sizeof paras / sizeof paras[0]; i++)
        senda__doc_para(d, 9, 0, senda__tr(d, paras[i]));
}

static void provenance_section(rep *r)
{
    senda__doc *d = &r->d;
    senda__doc_heading(d, senda__tr(d, "Provenance"));
    json_object *e, *v, *inputs, *params;
    char buf[512];
    if (r->prov && json_object_object_get_ex(r->prov, "engine", &e)) {
        buf[0] = 0;
        json_object_object_foreach(e, key, val)
        {
            size_t used = strlen(buf);
            snprintf(buf + used, sizeof buf - used, "%s%s %s", used ? ", " : "", key,
                     json_object_get_string(val));
        }
        senda__doc_para(d, 8.5, 0, buf);
    }
    snprintf(buf, sizeof buf, "%s: %s; CRS %s", senda__tr(d, "Made"), prov_str(r, "created"),
             prov_str(r, "crs"));
    senda__doc_para(d, 8.5, 0, buf);
    const double wi[2] = {0.45, 0.55};
    if (r->prov && json_object_object_get_ex(r->prov, "inputs", &inputs)) {
        const char *head[2] = {senda__tr(d, "Input"), "SHA-256"};
        senda__doc_row(d, 2, wi, head, 1);
        for (size_t i = 0; i < json_object_array_length(inputs); i++) {
            json_object *in = json_object_array_get_idx(inputs, i), *p = NULL, *h = NULL;
            json_object_object_get_ex(in, "path", &p);
            json_object_object_get_ex(in, "sha256", &h);
            const char *cells[2] = {p ? json_object_get_string(p) : "",
                                    h ? json_object_get_string(h) : ""};
            senda__doc_row(d, 2, wi, cells, 0);
        }
        d->y += 8;
    }
    if (r->prov && json_object_object_get_ex(r->prov, "parameters", &params)) {
        const double wp[2] = {0.35, 0.65};
        const char *head[2] = {senda__tr(d, "Parameter"), senda__tr(d, "Value")};
        senda__doc_row(d, 2, wp, head, 1);
        json_object_object_foreach(params, key, val)
        {
            const char *cells[2] = {key, json_object_get_string(val)};
            senda__doc_row(d, 2, wp, cells, 0);
        }
    }
    (void)v;
}

/* -------------------------------------------------------------- the report */

static senda_status check_report_args(senda_ctx *ctx, const char *gpkg_path,
                                      const char *pdf_path, const senda_report_opts *o,
                                      senda__doc *d)
{
    if (!gpkg_path || !pdf_path || !o)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path, pdf_path or opts is NULL");
    const char *lang = o->lang ? o->lang : "es";
    if (strcasecmp(lang, "en") == 0)
        d->spanish = 0, d->decimal = '.', d->group = ',';
    else if (strcasecmp(lang, "es") == 0 || strcasecmp(lang, "es-MX") == 0 ||
             strcasecmp(lang, "es-GT") == 0)
        d->spanish = 1, d->decimal = '.', d->group = ',';
    else if (strcasecmp(lang, "es-ES") == 0)
        d->spanish = 1, d->decimal = ',', d->group = '.';
    else
        return senda__fail(ctx, SENDA_ERR_ARG, "report language must be es, es-MX, es-GT, "
                                               "es-ES or en, got '%s'", lang);
    return SENDA_OK;
}

static int product_srs(GDALDatasetH ds)
{
    OGRLayerH res = GDALDatasetExecuteSQL(ds, "SELECT srs_id FROM gpkg_contents WHERE "
                                          "srs_id > 0 LIMIT 1", NULL, "SQLITE");
    OGRFeatureH f = res ? OGR_L_GetNextFeature(res) : NULL;
    int id = f ? OGR_F_GetFieldAsInteger(f, 0) : 0;
    if (f)
        OGR_F_Destroy(f);
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    return id;
}

/* errno of the first failed write of this thread's PDF (cairo keeps only WRITE_ERROR) */
static _Thread_local int pdf_write_errno;

static cairo_status_t write_pdf_chunk(void *closure, const unsigned char *data,
                                      unsigned int length)
{
    if (fwrite(data, 1, length, (FILE *)closure) == length)
        return CAIRO_STATUS_SUCCESS;
    if (!pdf_write_errno)
        pdf_write_errno = errno ? errno : EIO;
    return CAIRO_STATUS_WRITE_ERROR;
}

/* The pages, in order, with progress between them. */
static senda_status write_pages(rep *r, const char *title, senda_progress_fn progress,
                                void *progress_arg)
{
    senda_status st = SENDA_OK;
    senda__doc_page(&r->d, 0);
    cover(r, title);
    if ((st = map_page_of(r, NULL, NULL)) != SENDA_OK || (st = likely_maps(r)) != SENDA_OK)
        return st;
    senda__doc_page(&r->d, 0);
    void (*const sections[])(rep *) = {hotspot_section, route_section, site_section,
                                       profile_section, likely_section, whatif_section,
                                       methods_section, provenance_section};
    const size_t n = sizeof sections / sizeof sections[0];
    for (size_t i = 0; i < n; i++) {
        sections[i](r);
        if (r->st != SENDA_OK)
            return r->st;
        if (!senda__progress(r->ctx, progress, progress_arg, 0.2 + 0.75 * (double)(i + 1) / (double)n,
                             NULL))
            return SENDA_ERR_CANCELLED;
    }
    return SENDA_OK;
}

senda_status senda_export_report(senda_ctx *ctx, const char *gpkg_path, const char *pdf_path,
                                 const senda_report_opts *opts, senda_progress_fn progress,
                                 void *progress_arg)
{
    senda__reset(ctx);
    senda_report_opts defaults;
    senda_report_opts_init(&defaults);
    const senda_report_opts *o = opts ? opts : &defaults;
    rep r = {.ctx = ctx, .gpkg = gpkg_path};
    r.d.margin = 42;
    senda_status st = check_report_args(ctx, gpkg_path, pdf_path, o, &r.d);
    if (st != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, NULL))
        return SENDA_ERR_CANCELLED;
    char tmp[1100];
    FILE *fp = NULL;
    senda__gdal_register();
    r.ds = GDALOpenEx(gpkg_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!r.ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open as a GeoPackage", gpkg_path);
    r.prov = read_provenance(r.ds);
    r.srs_id = product_srs(r.ds);
    r.to_ll = senda__ct_lonlat(r.srs_id, 1);
    if (senda__gazetteer_open(ctx, senda__gazetteer_default_path(), &r.gaz) != SENDA_OK)
        r.gaz = NULL; /* places are then not named; the report says "-" */
    senda__reset(ctx);
    char title[300];
    snprintf(title, sizeof title, "%s", o->title ? o->title : prov_str(&r, "title"));
    if (!title[0]) {
        const char *slash = strrchr(gpkg_path, '/');
        snprintf(title, sizeof title, "%s", slash ? slash + 1 : gpkg_path);
    }
    snprintf(r.d.footer, sizeof r.d.footer, "senda - %.180s", title);
    senda__tmp_path(pdf_path, tmp, sizeof tmp);
    if (!(fp = fopen(tmp, "wb"))) {
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
        goto done;
    }
    pdf_write_errno = 0;
    r.d.surface = cairo_pdf_surface_create_for_stream(write_pdf_chunk, fp, 595, 842);
    r.d.cr = cairo_create(r.d.surface);
    cairo_pdf_surface_set_metadata(r.d.surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(r.d.surface, CAIRO_PDF_METADATA_CREATOR, "senda");
    if ((st = write_pages(&r, title, progress, progress_arg)) != SENDA_OK)
        goto done;
    int drawn = senda__doc_finish(&r.d);
    /* a failed write (disk full) is reported with the system's reason */
    int write_err = pdf_write_errno;
    pdf_write_errno = 0;
    senda_status closed = write_err ? (fclose(fp), senda__fail_errno(ctx, write_err, pdf_path,
                                                                      "cannot write the PDF"))
                                    : senda__fclose_checked(ctx, fp, pdf_path);
    fp = NULL;
    if (closed != SENDA_OK || !drawn) {
        st = closed != SENDA_OK
                 ? closed
                 : senda__fail(ctx, SENDA_ERR_IO, "%s: cannot write the PDF (%s)", pdf_path,
                               cairo_status_to_string(cairo_surface_status(r.d.surface)));
        goto done;
    }
    if ((st = senda__commit_file(ctx, tmp, pdf_path)) == SENDA_OK &&
        !senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    if (r.d.cr)
        cairo_destroy(r.d.cr);
    if (r.d.surface)
        cairo_surface_destroy(r.d.surface);
    if (fp)
        fclose(fp);
    if (st != SENDA_OK)
        remove(tmp);
    if (r.to_ll)
        OCTDestroyCoordinateTransformation(r.to_ll);
    senda__gazetteer_close(r.gaz);
    json_object_put(r.prov);
    GDALClose(r.ds);
    return st;
}
