/*
 * publish.c - `senda publish`: a new, aggregates-only GeoPackage from a run
 * output, safe to share outside the team that may see the reports.
 *
 * Method ("aggregate, don't suppress"; docs/publish.md): the incidents of the
 * run file, after the optional filters (months from/to, types left out), are
 * counted on atoms in three dimensions - areas (admin-1 units by default, a
 * user's units, or square cells of at least 10 km), months, types - and each
 * dimension's atoms are merged up its tree (unit -> state -> country ->
 * corridor; cell -> 2x cell -> 4x -> 8x -> the admin-1 unit holding the 8x
 * cell's centre -> country -> corridor; month -> quarter -> year ->
 * all; type -> other types) until every group's incidents and victims are
 * each 0 or >= k (aggregate.c). Three tables, each a partition of the same
 * incidents, so no figure is the difference of others in one file:
 * - incident_areas: one (multi)polygon per group, the union of its units;
 *   incidents, victims (dead and missing), women_count and minors_count
 *   (written only when >= k, or 0 where there are no victims; else empty:
 *   "fewer than k, or not reported");
 * - incidents_by_period, incidents_by_type: the same per period and type;
 * - publish_manifest: k, units, filters, what was merged and why, the
 *   release id, and the figures document the auditor reads (audit.c);
 * and the public corridor layers (geometry and name only; never shelters).
 * Days, points, free text, source and reporter fields never leave the run
 * file. Before the file is renamed into place the auditor bounds every
 * figure an attacker could infer from it together with the earlier releases
 * recorded in the run file (ledger.c); a release that would reveal 1..k-1
 * anywhere is refused, naming the earlier release and the unit. The output
 * may never be, or resolve to, the input (device and inode, symlinks
 * followed). Complexity O(n u) for n incidents and u units (usually O(n)),
 * plus the audit's linear programs.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "io/gpkg_int.h"
#include "privacy/privacy_int.h"

#define CELL_FLOOR_M 10000.0
#define CELL_MAX_M 1000000.0
#define GRID_LEVELS 3 /* cell -> 2x -> 4x -> 8x -> all */

void senda_privacy_publish_opts_init(senda_privacy_publish_opts *o)
{
    memset(o, 0, sizeof *o);
    o->k = 11;
    o->cell_m = 0.0;
}

typedef struct {
    double x, y;
    int month;  /* months since year 0 (y*12 + m-1); -1 year only; -2 unknown */
    int year;
    int type;
    long victims, women, minors;
} inc;

/* "YYYY-MM" -> months since year 0, or -1 */
static int parse_month(const char *s)
{
    int y, m;
    char tail;
    if (!s || sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 1900 || y > 2200 || m < 1 ||
        m > 12)
        return -1;
    return y * 12 + m - 1;
}

typedef struct {
    senda__agg_node *nodes;
    size_t n, cap;
    int failed; /* a node could not be added (out of memory): the tree is unusable */
} tree;

static long tree_add(senda_ctx *ctx, tree *t, long parent, const char *code, const char *label,
                     const char *rest)
{
    long v = senda__agg_add(ctx, &t->nodes, &t->n, &t->cap, parent, code, label, rest);
    t->failed |= v < 0;
    return v;
}

static void add_counts(senda__agg_node *leaf, const inc *c)
{
    leaf->m[SENDA__M_INCIDENTS] += 1;
    leaf->m[SENDA__M_VICTIMS] += c->victims;
    leaf->m[SENDA__M_WOMEN] += c->women > 0 ? c->women : 0;
    leaf->m[SENDA__M_MINORS] += c->minors > 0 ? c->minors : 0;
}

static json_object *jstr(const char *s) { return json_object_new_string(s); }

/* The codes of the leaves of group g, as a JSON array. */
static json_object *group_atoms(const tree *t, long g)
{
    json_object *a = json_object_new_array();
    for (size_t v = 0; v < t->n; v++)
        if (t->nodes[v].group == g)
            json_object_array_add(a, jstr(t->nodes[v].code));
    return a;
}

static json_object *leaf_codes(const tree *t)
{
    json_object *a = json_object_new_array();
    for (size_t v = 0; v < t->n; v++)
        if (t->nodes[v].group >= 0)
            json_object_array_add(a, jstr(t->nodes[v].code));
    return a;
}

/* women and minors: published when >= k, or 0 when the group has no
 * victims at all; else withheld (NULL: fewer than k, or not reported) */
static int sub_published(const senda__agg_group *g, int m, long k, int reported)
{
    return g->m[SENDA__M_VICTIMS] == 0 || (reported && g->m[m] >= k);
}

/* Figures of one table into the document: per group and measure; the groups
 * of 0 incidents make one figure per measure (the same constraint). */
static void add_figures(json_object *figs, const char *tab, const char *dim, const tree *t,
                        const senda__agg_group *g, size_t ng, long k, int subs,
                        const int reported[2])
{
    static const char *const mname[] = {"incidents", "victims", "women_count", "minors_count"};
    int nm = subs ? 4 : 2;
    for (int m = 0; m < nm; m++) {
        json_object *zero = json_object_new_array();
        for (size_t i = 0; i < ng; i++) {
            if (g[i].m[SENDA__M_INCIDENTS] == 0 && g[i].m[SENDA__M_VICTIMS] == 0) {
                for (size_t v = 0; v < t->n; v++)
                    if (t->nodes[v].group == (long)i)
                        json_object_array_add(zero, jstr(t->nodes[v].code));
                continue;
            }
            json_object *f = json_object_new_object();
            json_object_object_add(f, "tab", jstr(tab));
            json_object_object_add(f, "label", jstr(g[i].label));
            json_object_object_add(f, "m", jstr(mname[m]));
            if (m < 2 || sub_published(&g[i], m, k, reported[m - 2]))
                json_object_object_add(f, "v", json_object_new_int64(g[i].m[m]));
            else
                json_object_object_add(f, "v", NULL);
            json_object_object_add(f, "d", jstr(dim));
            json_object_object_add(f, "a", group_atoms(t, (long)i));
            json_object_array_add(figs, f);
        }
        if (json_object_array_length(zero) == 0) {
            json_object_put(zero);
            continue;
        }
        json_object *f = json_object_new_object();
        json_object_object_add(f, "tab", jstr(tab));
        json_object_object_add(f, "label", jstr("(none)"));
        json_object_object_add(f, "m", jstr(mname[m]));
        json_object_object_add(f, "v", json_object_new_int64(0));
        json_object_object_add(f, "d", jstr(dim));
        json_object_object_add(f, "a", zero);
        json_object_array_add(figs, f);
    }
}

/* A merged group's line for the manifest. */
static void merged_lines(senda__sbuf *b, const char *what, const tree *t,
                         const senda__agg_group *g, size_t ng, long k)
{
    for (size_t i = 0; i < ng; i++) {
        if (!g[i].merged)
            continue;
        senda__sb_printf(b, "%s '%s' (%ld incidents, %ld victims) merges %zu units:", what,
                         g[i].label, g[i].m[0], g[i].m[1], g[i].n_atoms);
        size_t shown = 0;
        for (size_t v = 0; v < t->n && shown < 40; v++)
            if (t->nodes[v].group == (long)i)
                senda__sb_printf(b, "%s%s", shown++ ? ", " : " ", t->nodes[v].label);
        if (shown < g[i].n_atoms)
            senda__sb_printf(b, ", ...");
        senda__sb_printf(b, " (some held 1 to %ld incidents or victims)\n", k - 1);
    }
}

static senda_status write_count_table(senda_ctx *ctx, GDALDatasetH dst, const char *name,
                                      const char *key, const senda__agg_group *g, size_t ng,
                                      const char *tmp)
{
    char **lco = CSLSetNameValue(NULL, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
    OGRLayerH lyr = GDALDatasetCreateLayer(dst, name, NULL, wkbNone, lco);
    CSLDestroy(lco);
    if (!lyr)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create %s", tmp, name);
    senda__field tf[] = {{key, OFTString}, {"incidents", OFTInteger64},
                         {"victims", OFTInteger64}, {"merged", OFTInteger}};
    senda_status st = senda__gpkg_fields(ctx, lyr, name, tf, 4);
    for (size_t i = 0; st == SENDA_OK && i < ng; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, g[i].label);
        OGR_F_SetFieldInteger64(f, 1, g[i].m[0]);
        OGR_F_SetFieldInteger64(f, 2, g[i].m[1]);
        OGR_F_SetFieldInteger(f, 3, g[i].merged);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write %s", tmp, name);
        OGR_F_Destroy(f);
    }
    return st;
}

/* Copy the geometries and names of a public corridor layer, if present. */
static senda_status copy_public_layer(senda_ctx *ctx, GDALDatasetH src, GDALDatasetH dst,
                                      const char *name, const char *crs, const char *out_path)
{
    OGRLayerH in = GDALDatasetGetLayerByName(src, name);
    if (!in)
        return SENDA_OK;
    OGRLayerH out = NULL;
    senda_status st = senda__gpkg_layer(ctx, dst, name, wkbFlatten(OGR_L_GetGeomType(in)), crs,
                                        &out);
    if (st)
        return st;
    static const senda__field name_field = {"name", OFTString};
    if ((st = senda__gpkg_fields(ctx, out, name, &name_field, 1)))
        return st;
    int name_idx = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(in), "name");
    OGR_L_ResetReading(in);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(in)) != NULL) {
        OGRFeatureH g = OGR_F_Create(OGR_L_GetLayerDefn(out));
        OGR_F_SetGeometry(g, OGR_F_GetGeometryRef(f));
        if (name_idx >= 0 && OGR_F_IsFieldSetAndNotNull(f, name_idx))
            OGR_F_SetFieldString(g, 0, OGR_F_GetFieldAsString(f, name_idx));
        OGRErr err = OGR_L_CreateFeature(out, g);
        OGR_F_Destroy(g);
        OGR_F_Destroy(f);
        if (err != OGRERR_NONE)
            return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write a %s feature", out_path,
                                    name);
    }
    return SENDA_OK;
}

/* Every integer field of every table of the written file is NULL, 0 or >= k. */
static senda_status check_counts(senda_ctx *ctx, const char *path, long k)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot reopen", path);
    senda_status st = SENDA_OK;
    for (int l = 0; l < GDALDatasetGetLayerCount(ds) && !st; l++) {
        OGRLayerH lyr = GDALDatasetGetLayer(ds, l);
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(lyr);
        OGRFeatureH f;
        OGR_L_ResetReading(lyr);
        while (!st && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
            for (int i = 0; i < OGR_FD_GetFieldCount(d); i++) {
                OGRFieldDefnH fd = OGR_FD_GetFieldDefn(d, i);
                const char *nm = OGR_Fld_GetNameRef(fd);
                size_t len = strlen(nm);
                int count = strcmp(nm, "incidents") == 0 || strcmp(nm, "victims") == 0 ||
                            (len > 6 && strcmp(nm + len - 6, "_count") == 0);
                OGRFieldType t = OGR_Fld_GetType(fd);
                if ((t != OFTInteger && t != OFTInteger64) || !OGR_F_IsFieldSetAndNotNull(f, i))
                    continue;
                long long v = OGR_F_GetFieldAsInteger64(f, i);
                if (count && v != 0 && v < k)
                    st = senda__fail(ctx, SENDA_ERR_DATA,
                                     "internal check: %s.%s = %lld is below k = %ld",
                                     OGR_L_GetName(lyr), nm, v, k);
            }
            OGR_F_Destroy(f);
        }
    }
    GDALClose(ds);
    return st;
}

senda_status senda_privacy_publish(senda_ctx *ctx, const char *run_path, const char *out_path,
                           const senda_privacy_publish_opts *opts, senda_privacy_publish_result *res,
                           senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    senda_privacy_publish_opts defaults;
    if (!opts) {
        senda_privacy_publish_opts_init(&defaults);
        opts = &defaults;
    }
    if (!run_path || !out_path)
        return senda__fail(ctx, SENDA_ERR_ARG, "publish: run file or output path is NULL");
    if (opts->k < 5 || opts->k > 1000000)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "publish: k = %ld; the smallest figure that may be shown must be "
                           "at least 5 (default 11, the Counter-Trafficking Data "
                           "Collaborative's threshold)", opts->k);
    int grid = opts->cell_m != 0.0;
    if (grid && !(opts->cell_m >= CELL_FLOOR_M && opts->cell_m <= CELL_MAX_M))
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "publish: cell size %g km refused: cells must be %g to %g km; a "
                           "smaller cell locates each incident to within its side and can "
                           "point at a shelter, a house or a single crossing",
                           opts->cell_m / 1000.0, CELL_FLOOR_M / 1000.0, CELL_MAX_M / 1000.0);
    if (grid && opts->units_path)
        return senda__fail(ctx, SENDA_ERR_ARG, "publish: give --units or --cell-km, not both");
    int from = 0, to = INT32_MAX;
    if (opts->from && (from = parse_month(opts->from)) < 0)
        return senda__fail(ctx, SENDA_ERR_ARG, "publish: from '%s' is not YYYY-MM", opts->from);
    if (opts->to && (to = parse_month(opts->to)) < 0)
        return senda__fail(ctx, SENDA_ERR_ARG, "publish: to '%s' is not YYYY-MM", opts->to);
    if (from > to)
        return senda__fail(ctx, SENDA_ERR_ARG, "publish: from %s is after to %s", opts->from,
                           opts->to);
    int excluded[SENDA_INC_N_TYPES] = {0};
    if (opts->exclude_types) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", opts->exclude_types);
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            int t;
            for (t = 0; t < SENDA_INC_N_TYPES; t++)
                if (strcmp(tok, senda_incidents_type_code(t)) == 0)
                    break;
            if (t == SENDA_INC_N_TYPES)
                return senda__fail(ctx, SENDA_ERR_ARG,
                                   "publish: exclude type '%s' is not an incident type", tok);
            excluded[t] = 1;
        }
    }
    if (senda__same_file(run_path, out_path))
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "publish: the output %s is (or resolves to) the run file %s: it "
                           "would replace the restricted file; give a new path", out_path,
                           run_path);
    /* the run's own filter: its data cover only these months and types, so a
     * release says nothing of the others (the ledger's audit needs it) */
    senda__release_source source;
    senda_status st = senda__ledger_source(ctx, run_path, &source);
    if (st)
        return st;
    int has_from = opts->from != NULL, has_to = opts->to != NULL;
    if (source.date_from[0]) {
        int y = atoi(source.date_from), m = strlen(source.date_from) >= 7
                                                ? atoi(source.date_from + 5) : 1;
        if (!has_from || y * 12 + m - 1 > from)
            from = y * 12 + m - 1;
        has_from = 1;
    }
    if (source.date_to[0]) {
        int y = atoi(source.date_to), m = strlen(source.date_to) >= 7
                                              ? atoi(source.date_to + 5) : 12;
        if (!has_to || y * 12 + m - 1 < to)
            to = y * 12 + m - 1;
        has_to = 1;
    }
    if (source.types[0]) /* types the run left out are not in its data */
        for (int t = 0; t < SENDA_INC_N_TYPES; t++) {
            const char *code = senda_incidents_type_code(t), *p = source.types;
            size_t len = strlen(code);
            int listed = 0;
            while ((p = strstr(p, code)) != NULL && !listed) {
                listed = (p == source.types || p[-1] == ',' || p[-1] == ' ') &&
                         (p[len] == '\0' || p[len] == ',' || p[len] == ' ');
                p += len;
            }
            excluded[t] |= !listed;
        }
    char from_s[16] = "", to_s[16] = "";
    if (has_from)
        snprintf(from_s, sizeof from_s, "%04d-%02d", from / 12, from % 12 + 1);
    if (has_to)
        snprintf(to_s, sizeof to_s, "%04d-%02d", to / 12, to % 12 + 1);
    senda_privacy_publish_result r;
    memset(&r, 0, sizeof r);
    GDALDatasetH src = NULL, dst = NULL;
    inc *incs = NULL;
    size_t n = 0, cap = 0;
    tree sp = {0}, tp = {0}, ty = {0};
    long *leaf_of = NULL, *spleaf = NULL;
    senda__units *units = NULL;
    senda__agg_group *gs = NULL, *gp = NULL, *gt = NULL;
    size_t ngs = 0, ngp = 0, ngt = 0;
    json_object *doc = NULL, *pubdoc = NULL, **earlier = NULL;
    size_t n_earlier = 0;
    senda__disclosure *found = NULL;
    size_t n_found = 0;
    senda__sbuf merged;
    senda__sb_init(&merged, ctx);
    char tmp[4096], crs[2048] = "", units_desc[600];
    tmp[0] = '\0';

    if (!senda__progress(ctx, progress, progress_arg, 0.0, "reading the run output"))
        return SENDA_ERR_CANCELLED;
    senda__gdal_register();
    src = GDALOpenEx(run_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!src)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open as a GeoPackage", run_path);
    OGRLayerH lyr = GDALDatasetGetLayerByName(src, "incidents");
    if (!lyr) {
        st = senda__fail(ctx, SENDA_ERR_DATA,
                         "%s: no `incidents` layer (is it the output of senda run?)", run_path);
        goto done;
    }
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    if (!srs || !OSRIsProjected(srs)) {
        st = senda__fail(ctx, SENDA_ERR_CRS, "%s: the incidents layer is not in a projected CRS",
                         run_path);
        goto done;
    }
    const char *auth = OSRGetAuthorityName(srs, NULL), *code = OSRGetAuthorityCode(srs, NULL);
    if (auth && code) {
        snprintf(crs, sizeof crs, "%s:%s", auth, code);
    } else {
        char *wkt = NULL;
        OSRExportToWkt(srs, &wkt);
        snprintf(crs, sizeof crs, "%s", wkt ? wkt : "");
        CPLFree(wkt);
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int f_type = OGR_FD_GetFieldIndex(defn, "type");
    int f_date = OGR_FD_GetFieldIndex(defn, "date_first");
    int f_prec = OGR_FD_GetFieldIndex(defn, "date_precision");
    int f_vic = OGR_FD_GetFieldIndex(defn, "victims");
    int f_wom = OGR_FD_GetFieldIndex(defn, "women");
    int f_min = OGR_FD_GetFieldIndex(defn, "minors");
    int reported[2] = {0, 0};
    int date_filter = has_from || has_to;
    int y_min = INT32_MAX, y_max = INT32_MIN;
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (!g || OGR_G_IsEmpty(g)) {
            r.n_without_geometry++;
            OGR_F_Destroy(f);
            continue;
        }
        inc c;
        memset(&c, 0, sizeof c);
        c.x = OGR_G_GetX(g, 0);
        c.y = OGR_G_GetY(g, 0);
        c.month = -2;
        if (f_date >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_date)) {
            int yy = 0, mm = 0, dd = 0, hh, mi, tz;
            float ss;
            OGR_F_GetFieldAsDateTimeEx(f, f_date, &yy, &mm, &dd, &hh, &mi, &ss, &tz);
            const char *prec = f_prec >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_prec)
                                   ? OGR_F_GetFieldAsString(f, f_prec)
                                   : "";
            if (yy > 0) {
                c.year = yy;
                c.month = strcmp(prec, "year") == 0 || mm < 1 ? -1 : yy * 12 + mm - 1;
            }
        }
        const char *tname = f_type >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_type)
                                ? OGR_F_GetFieldAsString(f, f_type)
                                : "other";
        c.type = SENDA_INC_OTHER;
        for (int t = 0; t < SENDA_INC_N_TYPES; t++)
            if (strcmp(tname, senda_incidents_type_code(t)) == 0)
                c.type = t;
        if (f_vic >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_vic))
            c.victims = lround(OGR_F_GetFieldAsDouble(f, f_vic));
        if (f_wom >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_wom))
            c.women = lround(OGR_F_GetFieldAsDouble(f, f_wom)), reported[0] = 1;
        if (f_min >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_min))
            c.minors = lround(OGR_F_GetFieldAsDouble(f, f_min)), reported[1] = 1;
        OGR_F_Destroy(f);
        int keep = !excluded[c.type];
        if (date_filter)
            keep &= c.month >= 0 ? c.month >= from && c.month <= to
                    : c.month == -1 ? c.year * 12 >= from && c.year * 12 + 11 <= to
                                    : 0;
        if (!keep) {
            r.n_filtered++;
            continue;
        }
        if (c.month != -2) {
            y_min = c.year < y_min ? c.year : y_min;
            y_max = c.year > y_max ? c.year : y_max;
        }
        inc *ni = senda__grow(ctx, incs, n, &cap, sizeof *ni, 1024);
        if (!ni) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        incs = ni;
        incs[n++] = c;
        r.victims += c.victims;
    }
    r.n_incidents = (long)n;
    if (!senda__progress(ctx, progress, progress_arg, 0.2, "counting on units")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }

    /* --- the area tree --- */
    if (tree_add(ctx, &sp, -1, "all", "whole area", "rest of the area") < 0) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    OGRGeometryH *cellgeom = NULL;
    size_t n_sp_leaves = 0;
    double gx0 = 0, gy0 = 0;
    size_t gnx = 0, gny = 0;
    if (!grid) {
        if ((st = senda__units_load(ctx, opts->units_path, crs, &units)))
            goto done;
        if ((st = senda__units_tree(ctx, units, &sp.nodes, &sp.n, &sp.cap, &leaf_of)))
            goto done;
        n_sp_leaves = senda__units_count(units);
        snprintf(units_desc, sizeof units_desc, "%s",
                 opts->units_path ? "user units (--units) merged into admin-1 states, "
                                    "countries, the whole area"
                                  : "admin-1 (Mexican states, Guatemalan and Belizean "
                                    "departments; Natural Earth) merged into countries, the "
                                    "whole area");
        for (size_t i = 0; i < n; i++) {
            long u = senda__units_find(units, incs[i].x, incs[i].y);
            add_counts(&sp.nodes[leaf_of[u >= 0 ? (size_t)u : n_sp_leaves]], &incs[i]);
        }
    } else {
        /* cells over the incidents' extent rounded out to the coarsest level */
        double c = opts->cell_m, big = c * (1 << GRID_LEVELS);
        double x0 = (double)INFINITY, y0 = (double)INFINITY, x1 = -(double)INFINITY, y1 = -(double)INFINITY;
        for (size_t i = 0; i < n; i++) {
            x0 = fmin(x0, incs[i].x), y0 = fmin(y0, incs[i].y);
            x1 = fmax(x1, incs[i].x), y1 = fmax(y1, incs[i].y);
        }
        if (n == 0)
            x0 = y0 = 0, x1 = y1 = 1;
        gx0 = floor(x0 / big) * big, gy0 = floor(y0 / big) * big;
        size_t bnx = (size_t)floor(x1 / big - gx0 / big) + 1,
               bny = (size_t)floor(y1 / big - gy0 / big) + 1;
        if ((double)bnx * (double)bny > 1e5) {
            st = senda__fail(ctx, SENDA_ERR_ARG,
                             "publish: %g km cells over this extent make %zu x %zu coarse "
                             "cells; choose larger cells",
                             c / 1000.0, bnx, bny);
            goto done;
        }
        gnx = bnx << GRID_LEVELS, gny = bny << GRID_LEVELS;
        snprintf(units_desc, sizeof units_desc,
                 "square cells of %g km (aligned to multiples of %g km in %.300s) merged into "
                 "cells of %g, %g and %g km, then into the admin-1 unit (state, department) "
                 "holding the largest cell's centre, the country, the whole area",
                 c / 1000.0, big / 1000.0, crs, 2 * c / 1000.0, 4 * c / 1000.0, 8 * c / 1000.0);
        /* the admin-1 tree the largest cells hang from */
        if ((st = senda__units_load(ctx, NULL, crs, &units)) ||
            (st = senda__units_tree(ctx, units, &sp.nodes, &sp.n, &sp.cap, &leaf_of)))
            goto done;
        size_t n_units = senda__units_count(units);
        /* nodes level by level: coarse cells, then their 4 children, ... */
        long *prev = NULL, *cur = NULL;
        size_t pnx = bnx, pny = bny;
        prev = senda__calloc(ctx, bnx * bny, sizeof *prev);
        if (!prev) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        for (int lev = GRID_LEVELS; lev >= 0; lev--) {
            size_t nx = bnx << (GRID_LEVELS - lev), ny = bny << (GRID_LEVELS - lev);
            double side = c * (1 << lev);
            cur = senda__calloc(ctx, nx * ny, sizeof *cur);
            if (!cur) {
                senda__free(prev);
                st = SENDA_ERR_NOMEM;
                goto done;
            }
            for (size_t j = 0; j < ny; j++)
                for (size_t i = 0; i < nx; i++) {
                    char cd[64], lb[96];
                    long ix = (long)llround(gx0 / side) + (long)i,
                         iy = (long)llround(gy0 / side) + (long)j;
                    snprintf(cd, sizeof cd, "cell%gkm:%ld:%ld", side / 1000.0, ix, iy);
                    snprintf(lb, sizeof lb, "%g km cell E%ld N%ld", side / 1000.0, ix, iy);
                    long parent;
                    if (lev == GRID_LEVELS) {
                        /* the state holding the centre (or, at sea, one of
                         * its quarters' centres): fixed by the grid, not by
                         * where the incidents are */
                        double cx = gx0 + (double)i * side, cy = gy0 + (double)j * side;
                        long u = senda__units_find(units, cx + side / 2, cy + side / 2);
                        for (int q = 0; q < 4 && u < 0; q++)
                            u = senda__units_find(units, cx + side * (q % 2 ? 0.75 : 0.25),
                                                  cy + side * (q / 2 ? 0.75 : 0.25));
                        parent = leaf_of[u >= 0 ? (size_t)u : n_units];
                    } else {
                        parent = prev[(j / 2) * pnx + i / 2];
                    }
                    char rest[128];
                    snprintf(rest, sizeof rest, "rest of %g km cell E%ld N%ld", side / 1000.0,
                             ix, iy);
                    if ((cur[j * nx + i] = tree_add(ctx, &sp, parent, cd, lb,
                                                    lev ? rest : NULL)) < 0) {
                        senda__free(prev);
                        senda__free(cur);
                        st = SENDA_ERR_NOMEM;
                        goto done;
                    }
                }
            senda__free(prev);
            prev = cur;
            pnx = nx;
            pny = ny;
        }
        (void)pny;
        spleaf = prev; /* finest cells, gnx * gny */
        n_sp_leaves = gnx * gny;
        for (size_t i = 0; i < n; i++) {
            size_t ix = (size_t)floor((incs[i].x - gx0) / c), iy = (size_t)floor((incs[i].y - gy0) /
                                                                                 c);
            if (ix >= gnx)
                ix = gnx - 1;
            if (iy >= gny)
                iy = gny - 1;
            add_counts(&sp.nodes[spleaf[iy * gnx + ix]], &incs[i]);
        }
    }
    (void)cellgeom;

    /* --- the period tree: all -> years -> quarters -> months --- */
    if (tree_add(ctx, &tp, -1, "all", "all periods", NULL) < 0) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    int m_lo = has_from ? from : (y_min <= y_max ? y_min * 12 : 0);
    int m_hi = has_to ? to : (y_min <= y_max ? y_max * 12 + 11 : -1);
    long *month_leaf = NULL, *yonly_leaf = NULL, unknown_leaf = -1;
    int n_months = m_hi >= m_lo ? m_hi - m_lo + 1 : 0;
    int ylo = m_lo / 12, yhi = n_months ? m_hi / 12 : ylo - 1;
    month_leaf = senda__calloc(ctx, (size_t)n_months + 1, sizeof *month_leaf);
    yonly_leaf = senda__calloc(ctx, (size_t)(yhi - ylo + 2), sizeof *yonly_leaf);
    if (!month_leaf || !yonly_leaf) {
        senda__free(month_leaf);
        senda__free(yonly_leaf);
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (int y = ylo; y <= yhi; y++) {
        char cd[32], lb[64];
        snprintf(cd, sizeof cd, "Y%d", y);
        snprintf(lb, sizeof lb, "%d", y);
        long yn = tree_add(ctx, &tp, 0, cd, lb, NULL);
        if (y * 12 >= m_lo && y * 12 + 11 <= m_hi) {
            snprintf(cd, sizeof cd, "%d", y);
            snprintf(lb, sizeof lb, "%d (month not reported)", y);
            yonly_leaf[y - ylo] = tree_add(ctx, &tp, yn, cd, lb, NULL);
        } else {
            yonly_leaf[y - ylo] = -1;
        }
        for (int q = 0; q < 4; q++) {
            int q0 = y * 12 + 3 * q;
            if (q0 + 2 < m_lo || q0 > m_hi)
                continue;
            snprintf(cd, sizeof cd, "%d-Q%d", y, q + 1);
            long qn = tree_add(ctx, &tp, yn, cd, cd, NULL);
            for (int mo = q0; mo < q0 + 3; mo++) {
                if (mo < m_lo || mo > m_hi)
                    continue;
                snprintf(cd, sizeof cd, "%d-%02d", mo / 12, mo % 12 + 1);
                month_leaf[mo - m_lo] = tree_add(ctx, &tp, qn, cd, cd, NULL);
            }
        }
    }
    if (!date_filter)
        unknown_leaf = tree_add(ctx, &tp, 0, "unknown", "date not reported", NULL);
    if (tp.failed) {
        senda__free(month_leaf);
        senda__free(yonly_leaf);
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        long leaf = incs[i].month >= 0   ? month_leaf[incs[i].month - m_lo]
                    : incs[i].month == -1 ? yonly_leaf[incs[i].year - ylo]
                                          : unknown_leaf;
        add_counts(&tp.nodes[leaf], &incs[i]);
    }
    senda__free(month_leaf);
    senda__free(yonly_leaf);

    /* --- the type tree --- */
    if (tree_add(ctx, &ty, -1, "all", "all types", "other types") < 0) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    long type_leaf[SENDA_INC_N_TYPES];
    for (int t = 0; t < SENDA_INC_N_TYPES; t++)
        type_leaf[t] = excluded[t] ? -1
                                   : tree_add(ctx, &ty, 0, senda_incidents_type_code(t),
                                              senda_incidents_type_code(t), NULL);
    if (ty.failed) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        add_counts(&ty.nodes[type_leaf[incs[i].type]], &incs[i]);
    if (sp.n == 0 || tp.n == 0 || ty.n == 0) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }

    /* --- aggregate --- */
    if ((st = senda__aggregate(ctx, sp.nodes, sp.n, opts->k, &gs, &ngs)) ||
        (st = senda__aggregate(ctx, tp.nodes, tp.n, opts->k, &gp, &ngp)) ||
        (st = senda__aggregate(ctx, ty.nodes, ty.n, opts->k, &gt, &ngt))) {
        if (st == SENDA_ERR_DATA) {
            char why[512];
            snprintf(why, sizeof why, "%s", senda_ctx_errmsg(ctx));
            senda__fail(ctx, st, "%s: %s (after the filters): nothing can be published",
                        run_path, why);
        }
        goto done;
    }
    for (size_t i = 0; i < ngs; i++) {
        long v = gs[i].node;
        /* no larger than a state: a unit, a state, a cell or its 2x2 parent */
        int depth = 0;
        for (long p = v; p > 0; p = sp.nodes[p].parent)
            depth++;
        /* a state or smaller (a cell of at most 4x the base); never `outside the units` */
        int fine = depth >= 2 && strcmp(sp.nodes[v].code, "outside") != 0;
        if (fine)
            r.victims_fine += gs[i].m[SENDA__M_VICTIMS];
        r.n_areas_merged += gs[i].merged ? 1u : 0u;
    }
    r.n_areas = ngs;
    r.n_periods = ngp;
    r.n_types = ngt;

    /* --- the figures document and the release id --- */
    time_t now = time(NULL);
    struct tm tmv;
    char when[32];
    gmtime_r(&now, &tmv);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    doc = json_object_new_object();
    json_object *uni = json_object_new_object(), *figs = json_object_new_array();
    json_object_object_add(uni, "u", leaf_codes(&sp));
    json_object_object_add(uni, "p", leaf_codes(&tp));
    json_object_object_add(uni, "t", leaf_codes(&ty));
    add_figures(figs, "incident_areas", "u", &sp, gs, ngs, opts->k, 1, reported);
    add_figures(figs, "incidents_by_period", "p", &tp, gp, ngp, opts->k, 0, reported);
    add_figures(figs, "incidents_by_type", "t", &ty, gt, ngt, opts->k, 0, reported);
    json_object *filters = json_object_new_object();
    json_object_object_add(filters, "from", has_from ? jstr(from_s) : NULL);
    json_object_object_add(filters, "to", has_to ? jstr(to_s) : NULL);
    json_object_object_add(filters, "exclude_types",
                           opts->exclude_types ? jstr(opts->exclude_types) : NULL);
    if (source.types[0])
        json_object_object_add(filters, "run_types", jstr(source.types));
    uint64_t h = 1469598103934665603ull;
    const char *figtext = json_object_to_json_string_ext(figs, JSON_C_TO_STRING_PLAIN);
    for (const char *q = figtext; *q; q++)
        h = (h ^ (unsigned char)*q) * 1099511628211ull;
    for (const char *q = when; *q; q++)
        h = (h ^ (unsigned char)*q) * 1099511628211ull;
    char scheme[128];
    if (grid)
        snprintf(scheme, sizeof scheme, "cells of %g km", opts->cell_m / 1000.0);
    else
        snprintf(scheme, sizeof scheme, "%s", opts->units_path ? "user units" : "admin-1");
    snprintf(r.release, sizeof r.release, "%.4s%.2s%.2sT%.2s%.2s%.2sZ-%08x", when, when + 5,
             when + 8, when + 11, when + 14, when + 17, (unsigned)(h >> 32));
    json_object_object_add(doc, "release", jstr(r.release));
    json_object_object_add(doc, "created", jstr(when));
    json_object_object_add(doc, "k", json_object_new_int64(opts->k));
    json_object_object_add(doc, "units", jstr(scheme));
    json_object_object_add(doc, "filters", filters);
    json_object_object_add(doc, "data", jstr(source.data));
    json_object_object_add(doc, "universe", uni);
    json_object_object_add(doc, "figures", figs);

    /* --- earlier releases: the same units only --- */
    if ((st = senda__ledger_read_all(ctx, run_path, &earlier, &n_earlier)))
        goto done;
    for (size_t i = 0; i < n_earlier; i++) {
        json_object *u = NULL, *id = NULL;
        json_object_object_get_ex(earlier[i], "units", &u);
        json_object_object_get_ex(earlier[i], "release", &id);
        json_object *dt = NULL;
        const char *their = json_object_object_get_ex(earlier[i], "data", &dt)
                                ? json_object_get_string(dt)
                                : "";
        if (strcmp(their, source.data) != 0) {
            st = senda__fail(ctx, SENDA_ERR_DATA,
                             "publish refused: release %s was made from data filtered by "
                             "'%s', this run's by '%s'; the difference of two releases of "
                             "differently filtered data cannot be audited and can isolate "
                             "small counts. Publish from a run with the filters of that "
                             "release (months and types may differ)",
                             id ? json_object_get_string(id) : "?", their[0] ? their : "none",
                             source.data[0] ? source.data : "none");
            goto done;
        }
        if (!u || strcmp(json_object_get_string(u), scheme) != 0) {
            st = senda__fail(ctx, SENDA_ERR_DATA,
                             "publish refused: release %s of this run used %s, this one %s; "
                             "areas of two schemes overlap and their difference can isolate "
                             "small counts. Publish with the same units as before",
                             id ? json_object_get_string(id) : "?",
                             u ? json_object_get_string(u) : "?", scheme);
            goto done;
        }
    }

    /* --- write: a fresh file, only the whitelisted tables --- */
    if (!senda__progress(ctx, progress, progress_arg, 0.4, "writing the public file")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    senda__tmp_path(out_path, tmp, sizeof tmp);
    VSIUnlink(tmp);
    if ((st = senda__gpkg_open(ctx, tmp, &dst)))
        goto done;
    OGRLayerH areas = NULL;
    if ((st = senda__gpkg_layer(ctx, dst, "incident_areas", wkbMultiPolygon, crs, &areas)))
        goto done;
    static const senda__field af[] = {
        {"area", OFTString},         {"incidents", OFTInteger64},
        {"victims", OFTInteger64},   {"women_count", OFTInteger64},
        {"minors_count", OFTInteger64}, {"units_merged", OFTInteger}};
    if ((st = senda__gpkg_fields(ctx, areas, "incident_areas", af, 6)))
        goto done;
    /* leaf node -> its geometry */
    for (size_t gi = 0; gi < ngs; gi++) {
        OGRGeometryH coll = OGR_G_CreateGeometry(wkbMultiPolygon);
        if (!grid) {
            for (size_t u = 0; u < n_sp_leaves; u++)
                if (sp.nodes[leaf_of[u]].group == (long)gi) {
                    OGRGeometryH ug = senda__units_geom(units, u);
                    if (wkbFlatten(OGR_G_GetGeometryType(ug)) == wkbPolygon)
                        OGR_G_AddGeometry(coll, ug);
                    else
                        for (int p = 0; p < OGR_G_GetGeometryCount(ug); p++)
                            OGR_G_AddGeometry(coll, OGR_G_GetGeometryRef(ug, p));
                }
        } else {
            double c = opts->cell_m;
            for (size_t j = 0; j < gny; j++)
                for (size_t i = 0; i < gnx; i++) {
                    if (sp.nodes[spleaf[j * gnx + i]].group != (long)gi)
                        continue;
                    double x0 = gx0 + (double)i * c, y0 = gy0 + (double)j * c;
                    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
                    OGR_G_AddPoint_2D(ring, x0, y0);
                    OGR_G_AddPoint_2D(ring, x0 + c, y0);
                    OGR_G_AddPoint_2D(ring, x0 + c, y0 + c);
                    OGR_G_AddPoint_2D(ring, x0, y0 + c);
                    OGR_G_AddPoint_2D(ring, x0, y0);
                    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
                    OGR_G_AddGeometryDirectly(poly, ring);
                    OGR_G_AddGeometryDirectly(coll, poly);
                }
        }
        int has_geom = OGR_G_GetGeometryCount(coll) > 0;
        if (!has_geom && gs[gi].m[0] == 0 && gs[gi].m[1] == 0) {
            OGR_G_DestroyGeometry(coll); /* an empty country, "outside": nothing to say */
            continue;
        }
        OGRGeometryH un = has_geom ? OGR_G_UnionCascaded(coll) : NULL;
        OGR_G_DestroyGeometry(coll);
        if (un && wkbFlatten(OGR_G_GetGeometryType(un)) == wkbPolygon)
            un = OGR_G_ForceToMultiPolygon(un);
        OGRFeatureH g = OGR_F_Create(OGR_L_GetLayerDefn(areas));
        if (un)
            OGR_F_SetGeometryDirectly(g, un);
        OGR_F_SetFieldString(g, 0, gs[gi].label);
        OGR_F_SetFieldInteger64(g, 1, gs[gi].m[0]);
        OGR_F_SetFieldInteger64(g, 2, gs[gi].m[1]);
        for (int m = 2; m < 4; m++)
            if (sub_published(&gs[gi], m, opts->k, reported[m - 2]))
                OGR_F_SetFieldInteger64(g, m + 1, gs[gi].m[m]);
        OGR_F_SetFieldInteger(g, 5, (int)gs[gi].n_atoms);
        OGRErr err = OGR_L_CreateFeature(areas, g);
        OGR_F_Destroy(g);
        if (err != OGRERR_NONE) {
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write incident_areas", tmp);
            goto done;
        }
    }
    static const char *const public_layers[] = {"border", "rail", "checkpoints", "crossings"};
    for (size_t i = 0; i < 4; i++)
        if ((st = copy_public_layer(ctx, src, dst, public_layers[i], crs, out_path)))
            goto done;
    if ((st = write_count_table(ctx, dst, "incidents_by_period", "period", gp, ngp, tmp)) ||
        (st = write_count_table(ctx, dst, "incidents_by_type", "type", gt, ngt, tmp)))
        goto done;
    /* the manifest */
    merged_lines(&merged, "area", &sp, gs, ngs, opts->k);
    merged_lines(&merged, "period", &tp, gp, ngp, opts->k);
    merged_lines(&merged, "type", &ty, gt, ngt, opts->k);
    if (merged.failed) { /* the context holds the out-of-memory message */
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    {
        char **lco = CSLSetNameValue(NULL, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
        OGRLayerH man = GDALDatasetCreateLayer(dst, "publish_manifest", NULL, wkbNone, lco);
        CSLDestroy(lco);
        static const senda__field mf[] = {{"item", OFTString}, {"value", OFTString}};
        if (!man) {
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create publish_manifest", tmp);
            goto done;
        }
        if ((st = senda__gpkg_fields(ctx, man, "publish_manifest", mf, 2)))
            goto done;
        char kbuf[32];
        snprintf(kbuf, sizeof kbuf, "%ld", opts->k);
        const char *rows[][2] = {
            {"release", r.release},
            {"created", when},
            {"engine", senda_version()},
            {"k", kbuf},
            {"rule", "every published figure is 0 or at least k; small units, periods and "
                     "types are merged into larger ones until they reach k (never "
                     "suppressed); women_count and minors_count are empty where fewer than "
                     "k or not reported"},
            {"units", units_desc},
            {"filters", json_object_to_json_string_ext(filters, JSON_C_TO_STRING_PLAIN)},
            {"merged", merged.s ? merged.s : "nothing merged"},
            {"method", "docs/publish.md: OCHA Centre for Humanitarian Data statistical "
                       "disclosure control; Counter-Trafficking Data Collaborative k = 11"},
            {"figures", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN)},
        };
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            OGRFeatureH g = OGR_F_Create(OGR_L_GetLayerDefn(man));
            OGR_F_SetFieldString(g, 0, rows[i][0]);
            OGR_F_SetFieldString(g, 1, rows[i][1]);
            OGRErr err = OGR_L_CreateFeature(man, g);
            OGR_F_Destroy(g);
            if (err != OGRERR_NONE) {
                st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write the manifest", tmp);
                goto done;
            }
        }
    }
    CPLErrorReset();
    GDALClose(dst);
    dst = NULL;
    if (CPLGetLastErrorType() >= CE_Failure) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot close", tmp);
        goto done;
    }
    /* styles and the embedded QGIS project */
    {
        senda_export_product_info info;
        senda_export_product_info_init(&info);
        info.final_path = out_path;
        info.title = "Incidents and victims, aggregated for publication";
        info.scenario_name = "senda publish";
        info.crs = crs;
        char params[256];
        snprintf(params, sizeof params, "k: %ld\nunits: %s\nrelease: %s\n", opts->k, scheme,
                 r.release);
        info.params = params;
        if ((st = senda_export_finish(ctx, tmp, &info, NULL, NULL)))
            goto done;
    }
    if (!senda__progress(ctx, progress, progress_arg, 0.7, "auditing")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    /* --- audit the file written, with every earlier release --- */
    if ((st = check_counts(ctx, tmp, opts->k)) || (st = senda__audit_read(ctx, tmp, &pubdoc)))
        goto done;
    {
        json_object **all = senda__calloc(ctx, n_earlier + 1, sizeof *all);
        if (!all) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        all[0] = pubdoc;
        for (size_t i = 0; i < n_earlier; i++)
            all[i + 1] = earlier[i];
        st = senda__audit(ctx, all, n_earlier + 1, opts->k, &found, &n_found);
        senda__free(all);
        if (st)
            goto done;
    }
    if (n_found) {
        senda__sbuf b;
        senda__sb_init(&b, ctx);
        const char *first_other = NULL;
        for (size_t i = 0; i < n_found; i++) {
            if (i < 5 && found[i].lo == found[i].hi)
                senda__sb_printf(&b, "\n  %s: %s = %ld exactly", found[i].measure,
                                 found[i].what, found[i].lo);
            else if (i < 5)
                senda__sb_printf(&b, "\n  %s: %s is between %ld and %ld", found[i].measure,
                                 found[i].what, found[i].lo, found[i].hi);
            if (!first_other && found[i].release[0])
                first_other = found[i].release;
        }
        if (n_found > 5)
            senda__sb_printf(&b, "\n  ... (%zu more)", n_found - 5);
        if (first_other)
            senda__sb_printf(&b, "\nagainst the earlier release %s", first_other);
        st = senda__fail(ctx, SENDA_ERR_DATA,
                         "publish refused: %zu figure%s of 1 to %ld could be inferred from "
                         "this release%s:%s\nNothing was written. Publish the same filters as "
                         "before, coarser units, or a larger k (senda publish --list-releases "
                         "shows the earlier releases).",
                         n_found, n_found == 1 ? "" : "s", opts->k - 1,
                         n_earlier ? " with the earlier ones recorded for this data" : "",
                         b.s ? b.s : "");
        senda__sb_free(&b);
        goto done;
    }
    if (!senda__progress(ctx, progress, progress_arg, 0.95, "recording the release")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    if ((st = senda__ledger_record(ctx, run_path, doc)))
        goto done;
    if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL)) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    st = senda__commit_file(ctx, tmp, out_path);
    if (st == SENDA_OK)
        tmp[0] = '\0';
done:
    if (dst)
        GDALClose(dst);
    if (tmp[0])
        VSIUnlink(tmp);
    if (src)
        GDALClose(src);
    senda__free(incs);
    senda__free(sp.nodes);
    senda__free(tp.nodes);
    senda__free(ty.nodes);
    senda__free(leaf_of);
    senda__free(spleaf);
    senda__units_free(units);
    senda__free(gs);
    senda__free(gp);
    senda__free(gt);
    senda__free(found);
    senda__sb_free(&merged);
    if (doc)
        json_object_put(doc);
    if (pubdoc)
        json_object_put(pubdoc);
    for (size_t i = 0; i < n_earlier; i++)
        json_object_put(earlier[i]);
    senda__free(earlier);
    if (res)
        *res = r;
    return st;
}

senda_status senda_privacy_publish_audit(senda_ctx *ctx, const char *const *paths, size_t n, long k,
                                 senda_privacy_publish_finding **found, size_t *n_found)
{
    senda__reset(ctx);
    *found = NULL;
    *n_found = 0;
    if (!paths || n == 0)
        return senda__fail(ctx, SENDA_ERR_ARG, "audit: no file given");
    json_object **docs = senda__calloc(ctx, n, sizeof *docs);
    if (!docs)
        return SENDA_ERR_NOMEM;
    senda_status st = SENDA_OK;
    for (size_t i = 0; i < n && !st; i++)
        st = senda__audit_read(ctx, paths[i], &docs[i]);
    if (!st && k <= 0) {
        json_object *kv = NULL;
        k = json_object_object_get_ex(docs[0], "k", &kv) ? (long)json_object_get_int64(kv) : 11;
    }
    senda__disclosure *d = NULL;
    size_t nd = 0;
    if (!st)
        st = senda__audit(ctx, docs, n, k, &d, &nd);
    if (!st && nd) {
        senda_privacy_publish_finding *out = senda__calloc(ctx, nd, sizeof *out);
        if (!out) {
            st = SENDA_ERR_NOMEM;
        } else {
            for (size_t i = 0; i < nd; i++) {
                snprintf(out[i].what, sizeof out[i].what, "%s", d[i].what);
                snprintf(out[i].measure, sizeof out[i].measure, "%s", d[i].measure);
                snprintf(out[i].release, sizeof out[i].release, "%s", d[i].release);
                out[i].lo = d[i].lo;
                out[i].hi = d[i].hi;
            }
            *found = out;
            *n_found = nd;
        }
    }
    senda__free(d);
    for (size_t i = 0; i < n; i++)
        if (docs[i])
            json_object_put(docs[i]);
    senda__free(docs);
    return st;
}

senda_status senda_privacy_publish_releases(senda_ctx *ctx, const char *run_path, char **text)
{
    senda__reset(ctx);
    *text = NULL;
    json_object **docs = NULL;
    size_t n = 0;
    senda_status st = senda__ledger_read_all(ctx, run_path, &docs, &n);
    if (st)
        return st;
    senda__sbuf b;
    senda__sb_init(&b, ctx);
    if (n == 0)
        senda__sb_printf(&b, "%s: no release recorded\n", run_path);
    for (size_t i = 0; i < n; i++) {
        json_object *v;
        const char *keys[] = {"release", "created", "k", "units", "filters"};
        for (size_t j = 0; j < 5; j++)
            senda__sb_printf(&b, "%s%s", j ? "  " : "",
                             json_object_object_get_ex(docs[i], keys[j], &v)
                                 ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN)
                                 : "?");
        size_t nf = json_object_object_get_ex(docs[i], "figures", &v)
                        ? json_object_array_length(v)
                        : 0;
        senda__sb_printf(&b, "  %zu figures\n", nf);
        json_object_put(docs[i]);
    }
    senda__free(docs);
    if (b.failed) {
        senda__sb_free(&b);
        return SENDA_ERR_NOMEM;
    }
    *text = b.s;
    return SENDA_OK;
}
