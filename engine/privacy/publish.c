/*
 * publish.c - `senda publish`: a new, aggregates-only GeoPackage from a run
 * output, safe to share outside the team that may see the reports.
 *
 * Nothing is copied from the run output except through this whitelist:
 * - border, rail, checkpoints, crossings: geometry and `name` only (public
 *   facts; the shelters layer is never copied, and no other field is);
 * - incident_cells: the incidents counted on square cells of cell_m (default
 *   25 km, aligned to multiples of the cell size in the run's CRS), one
 *   polygon per cell holding at least one incident;
 * - incident_counts: incidents per period (month "YYYY-MM"; "YYYY" when the
 *   report gives only the year; "unknown") and type, with the period totals
 *   (type "all"), the type totals (period "all") and the grand total.
 * Days, points, free text, source and reporter fields, dates finer than a
 * month never leave the run file. Counts of 1..k-1 are suppressed (default
 * k = 11, never below 5) and so are the further counts that would let one be
 * recovered by subtraction from a published total (suppress.c): a
 * suppressed count is written as NULL with suppressed = 1. The map cells and
 * the table share the grand total, so the cells are one more line.
 * The output is written to a temporary file and renamed into place.
 * Complexity O(n log n) for n incidents; memory O(n).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

void senda_privacy_publish_opts_init(senda_privacy_publish_opts *o)
{
    o->k = 11;
    o->cell_m = 25000.0;
}

typedef struct {
    int64_t cx, cy;
    size_t period, type;
} inc;

typedef struct {
    char (*s)[32];
    size_t n, cap;
} strset;

/* Index of s in set, added when absent. -1 on allocation failure. */
static long strset_add(senda_ctx *ctx, strset *set, const char *s)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->s[i], s) == 0)
            return (long)i;
    if (set->n == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 16;
        char(*ns)[32] = senda__realloc(ctx, set->s, cap * sizeof *ns);
        if (!ns)
            return -1;
        set->s = ns;
        set->cap = cap;
    }
    snprintf(set->s[set->n], sizeof set->s[0], "%s", s);
    return (long)set->n++;
}

static int cmp_cell(const void *a, const void *b)
{
    const inc *x = a, *y = b;
    if (x->cy != y->cy)
        return x->cy < y->cy ? -1 : 1;
    return (x->cx > y->cx) - (x->cx < y->cx);
}

static int cmp_str32(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort the strings of set and renumber the incidents' period (or type). */
static senda_status sort_set(senda_ctx *ctx, strset *set, inc *incs, size_t n, int period)
{
    if (set->n == 0)
        return SENDA_OK;
    const char **order = senda__calloc(ctx, set->n, sizeof *order);
    size_t *rank = senda__calloc(ctx, set->n, sizeof *rank);
    char(*sorted)[32] = senda__calloc(ctx, set->n, sizeof *sorted);
    if (!order || !rank || !sorted) {
        senda__free(order);
        senda__free(rank);
        senda__free(sorted);
        return SENDA_ERR_NOMEM;
    }
    for (size_t i = 0; i < set->n; i++)
        order[i] = set->s[i];
    qsort(order, set->n, sizeof *order, cmp_str32);
    for (size_t r = 0; r < set->n; r++) {
        size_t old = (size_t)(order[r] - set->s[0]) / sizeof set->s[0];
        rank[old] = r;
        memcpy(sorted[r], order[r], sizeof sorted[r]);
    }
    for (size_t i = 0; i < n; i++) {
        size_t *v = period ? &incs[i].period : &incs[i].type;
        *v = rank[*v];
    }
    memcpy(set->s, sorted, set->n * sizeof *sorted);
    senda__free(order);
    senda__free(rank);
    senda__free(sorted);
    return SENDA_OK;
}

/* The period of a report: month, year only, or unknown. */
static void period_of(const char *date, const char *precision, char out[32])
{
    if (!date || strlen(date) < 4)
        snprintf(out, 32, "unknown");
    else if ((precision && strcmp(precision, "year") == 0) || strlen(date) < 7)
        snprintf(out, 32, "%.4s", date);
    else
        snprintf(out, 32, "%.4s-%.2s", date, date + 5); /* OGR writes dates as YYYY/MM/DD */
}

/* Copy the geometries and names of a public corridor layer, if present. */
static senda_status copy_public_layer(senda_ctx *ctx, GDALDatasetH src, GDALDatasetH dst,
                                      const char *name, const char *crs)
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
    OGRErr err;
    int name_idx = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(in), "name");
    OGR_L_ResetReading(in);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(in)) != NULL) {
        OGRFeatureH g = OGR_F_Create(OGR_L_GetLayerDefn(out));
        OGR_F_SetGeometry(g, OGR_F_GetGeometryRef(f));
        if (name_idx >= 0 && OGR_F_IsFieldSetAndNotNull(f, name_idx))
            OGR_F_SetFieldString(g, 0, OGR_F_GetFieldAsString(f, name_idx));
        err = OGR_L_CreateFeature(out, g);
        OGR_F_Destroy(g);
        OGR_F_Destroy(f);
        if (err != OGRERR_NONE)
            return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write a %s feature", name);
    }
    return SENDA_OK;
}

static void set_count(OGRFeatureH f, int field, long value, int suppressed)
{
    if (suppressed)
        OGR_F_SetFieldNull(f, field);
    else
        OGR_F_SetFieldInteger64(f, field, value);
    OGR_F_SetFieldInteger(f, field + 1, suppressed);
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
    if (opts->k < 5)
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "publish: k = %ld; the smallest count that may be shown is at least "
                           "5 (default 11)", opts->k);
    if (!(opts->cell_m > 0.0) || !isfinite(opts->cell_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "publish: cell size %g m must be > 0",
                           opts->cell_m);
    if (strcmp(run_path, out_path) == 0)
        return senda__fail(ctx, SENDA_ERR_ARG, "publish: the output must be a new file, not %s",
                           run_path);
    senda_privacy_publish_result r;
    memset(&r, 0, sizeof r);
    senda_status st = SENDA_OK;
    GDALDatasetH src = NULL, dst = NULL;
    inc *incs = NULL;
    strset periods = {0}, types = {0};
    long *value = NULL;
    unsigned char *supp = NULL;
    size_t *members = NULL;
    senda__supp_line *lines = NULL;
    size_t n = 0, cap = 0, n_cells = 0;
    char tmp[4096], crs[2048] = "";
    tmp[0] = '\0';

    if (!senda__progress(ctx, progress, progress_arg, 0.0, "reading the run output"))
        return SENDA_ERR_CANCELLED;
    GDALAllRegister();
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
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (!g || OGR_G_IsEmpty(g)) {
            r.n_without_geometry++;
            OGR_F_Destroy(f);
            continue;
        }
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 1024;
            inc *ni = senda__realloc(ctx, incs, nc * sizeof *ni);
            if (!ni) {
                OGR_F_Destroy(f);
                st = SENDA_ERR_NOMEM;
                goto done;
            }
            incs = ni;
            cap = nc;
        }
        char period[32], date_buf[32];
        /* copied at once: OGR reuses the buffer of a formatted date on the
         * next GetFieldAsString of the feature */
        const char *date = NULL;
        if (f_date >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_date)) {
            snprintf(date_buf, sizeof date_buf, "%s", OGR_F_GetFieldAsString(f, f_date));
            date = date_buf;
        }
        const char *prec = f_prec >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_prec)
                               ? OGR_F_GetFieldAsString(f, f_prec)
                               : NULL;
        period_of(date, prec, period);
        const char *type = f_type >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_type)
                               ? OGR_F_GetFieldAsString(f, f_type)
                               : "unknown";
        long p = strset_add(ctx, &periods, period), t = strset_add(ctx, &types, type);
        double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0);
        OGR_F_Destroy(f);
        if (p < 0 || t < 0) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        incs[n].cx = (int64_t)floor(x / opts->cell_m);
        incs[n].cy = (int64_t)floor(y / opts->cell_m);
        incs[n].period = (size_t)p;
        incs[n].type = (size_t)t;
        n++;
    }
    r.n_incidents = (long)n;
    if (!senda__progress(ctx, progress, progress_arg, 0.4, "suppressing small counts")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }

    /* periods and types in alphabetical order (months sort by time) */
    if ((st = sort_set(ctx, &periods, incs, n, 1)) || (st = sort_set(ctx, &types, incs, n, 0)))
        goto done;
    /* cells: sort by cell and count the runs */
    qsort(incs, n, sizeof *incs, cmp_cell);
    for (size_t i = 0; i < n; i++)
        n_cells += i == 0 || cmp_cell(&incs[i], &incs[i - 1]) != 0;
    size_t P = periods.n, T = types.n;
    /* layout: table P*T | row totals P | column totals T | grand total | cells */
    size_t o_row = P * T, o_col = o_row + P, o_all = o_col + T, o_cell = o_all + 1;
    size_t n_val = o_cell + n_cells;
    size_t n_lines = P + T + 3;
    value = senda__calloc(ctx, n_val, sizeof *value);
    supp = senda__calloc(ctx, n_val, 1);
    members = senda__calloc(ctx, 2 * P * T + 2 * P + 2 * T + n_cells + 1, sizeof *members);
    lines = senda__calloc(ctx, n_lines, sizeof *lines);
    if (!value || !supp || !members || !lines) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    size_t c = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || cmp_cell(&incs[i], &incs[i - 1]) != 0)
            c++;
        value[incs[i].period * T + incs[i].type]++;
        value[o_row + incs[i].period]++;
        value[o_col + incs[i].type]++;
        value[o_all]++;
        value[o_cell + c]++;
    }
    size_t m = 0, li = 0;
    for (size_t p = 0; p < P; p++) { /* each period: its types, total = row total */
        lines[li] = (senda__supp_line){o_row + p, members + m, T};
        for (size_t t = 0; t < T; t++)
            members[m++] = p * T + t;
        li++;
    }
    for (size_t t = 0; t < T; t++) { /* each type: its periods, total = column total */
        lines[li] = (senda__supp_line){o_col + t, members + m, P};
        for (size_t p = 0; p < P; p++)
            members[m++] = p * T + t;
        li++;
    }
    lines[li] = (senda__supp_line){o_all, members + m, P};
    for (size_t p = 0; p < P; p++)
        members[m++] = o_row + p;
    li++;
    lines[li] = (senda__supp_line){o_all, members + m, T};
    for (size_t t = 0; t < T; t++)
        members[m++] = o_col + t;
    li++;
    lines[li] = (senda__supp_line){o_all, members + m, n_cells};
    for (size_t k = 0; k < n_cells; k++)
        members[m++] = o_cell + k;
    li++;
    senda__supp_table tab = {value, supp, n_val};
    r.n_primary = senda__suppress(&tab, lines, n_lines, opts->k);
    for (size_t i = 0; i < n_val; i++)
        r.n_suppressed += supp[i];
    r.n_cells = n_cells;
    for (size_t k = 0; k < n_cells; k++)
        r.n_cells_suppressed += supp[o_cell + k];
    r.n_counts = o_cell;

    /* write: a fresh file, only the whitelisted tables */
    if (!senda__progress(ctx, progress, progress_arg, 0.6, "writing the public file")) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    senda__tmp_path(out_path, tmp, sizeof tmp);
    VSIUnlink(tmp);
    if ((st = senda__gpkg_open(ctx, tmp, &dst)))
        goto done;
    static const char *const public_layers[] = {"border", "rail", "checkpoints", "crossings"};
    for (size_t i = 0; i < 4; i++)
        if ((st = copy_public_layer(ctx, src, dst, public_layers[i], crs)))
            goto done;
    OGRLayerH cells = NULL;
    if ((st = senda__gpkg_layer(ctx, dst, "incident_cells", wkbPolygon, crs, &cells)))
        goto done;
    static const senda__field cf[] = {
        {"cell_km", OFTReal}, {"incidents", OFTInteger64}, {"suppressed", OFTInteger}};
    if ((st = senda__gpkg_fields(ctx, cells, "incident_cells", cf, 3)))
        goto done;
    c = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && cmp_cell(&incs[i], &incs[i - 1]) == 0)
            continue;
        c++;
        double x0 = (double)incs[i].cx * opts->cell_m, y0 = (double)incs[i].cy * opts->cell_m;
        double x1 = x0 + opts->cell_m, y1 = y0 + opts->cell_m;
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        OGR_G_AddPoint_2D(ring, x0, y0);
        OGR_G_AddPoint_2D(ring, x1, y0);
        OGR_G_AddPoint_2D(ring, x1, y1);
        OGR_G_AddPoint_2D(ring, x0, y1);
        OGR_G_AddPoint_2D(ring, x0, y0);
        OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
        OGR_G_AddGeometryDirectly(poly, ring);
        OGRFeatureH g = OGR_F_Create(OGR_L_GetLayerDefn(cells));
        OGR_F_SetGeometryDirectly(g, poly);
        OGR_F_SetFieldDouble(g, 0, opts->cell_m / 1000.0);
        set_count(g, 1, value[o_cell + c], supp[o_cell + c]);
        OGRErr err = OGR_L_CreateFeature(cells, g);
        OGR_F_Destroy(g);
        if (err != OGRERR_NONE) {
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write incident_cells", tmp);
            goto done;
        }
    }
    char **lco = CSLSetNameValue(NULL, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
    OGRLayerH counts = GDALDatasetCreateLayer(dst, "incident_counts", NULL, wkbNone, lco);
    CSLDestroy(lco);
    if (!counts) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create incident_counts", tmp);
        goto done;
    }
    static const senda__field tf[] = {{"period", OFTString},
                                       {"type", OFTString},
                                       {"incidents", OFTInteger64},
                                       {"suppressed", OFTInteger}};
    if ((st = senda__gpkg_fields(ctx, counts, "incident_counts", tf, 4)))
        goto done;
    /* rows: every (period, type), then the period totals, the type totals, the grand total */
    for (size_t i = 0; i < o_cell; i++) {
        const char *per = i < o_row ? periods.s[i / T] : i < o_col ? periods.s[i - o_row] : "all";
        const char *typ = i < o_row ? types.s[i % T] : i < o_col || i == o_all ? "all"
                                                                               : types.s[i - o_col];
        OGRFeatureH g = OGR_F_Create(OGR_L_GetLayerDefn(counts));
        OGR_F_SetFieldString(g, 0, per);
        OGR_F_SetFieldString(g, 1, typ);
        set_count(g, 2, value[i], supp[i]);
        OGRErr err = OGR_L_CreateFeature(counts, g);
        OGR_F_Destroy(g);
        if (err != OGRERR_NONE) {
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write incident_counts", tmp);
            goto done;
        }
    }
    char meta[1024];
    time_t now = time(NULL);
    struct tm tmv;
    char when[32];
    gmtime_r(&now, &tmv);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    snprintf(meta, sizeof meta,
             "{\"publish\":{\"engine\":\"senda %s\",\"created\":\"%s\",\"k\":%ld,"
             "\"cell_m\":%.17g,\"counts\":%zu,\"map_cells\":%zu,\"suppressed\":%zu,"
             "\"primary\":%zu,\"rule\":\"counts of 1 to k-1 suppressed; further counts "
             "suppressed so that no suppressed count follows from a published total\"}}",
             senda_version(), when, opts->k, opts->cell_m, r.n_counts, r.n_cells,
             r.n_suppressed, r.n_primary);
    GDALSetMetadataItem(dst, "SENDA_PUBLISH", meta, NULL);
    CPLErrorReset();
    GDALClose(dst);
    dst = NULL;
    if (CPLGetLastErrorType() >= CE_Failure) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot close", tmp);
        goto done;
    }
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
    senda__free(periods.s);
    senda__free(types.s);
    senda__free(value);
    senda__free(supp);
    senda__free(members);
    senda__free(lines);
    if (res)
        *res = r;
    return st;
}
