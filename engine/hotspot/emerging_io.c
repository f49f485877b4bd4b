/*
 * emerging_io.c - the emerging hot spots' layers in a GeoPackage:
 * `emerging_hotspots` (one polygon per cell of the study area: pattern as
 * ArcGIS spells it, the Mann-Kendall z and p of its Gi* z-scores and of its
 * counts, the hot and cold steps, the count), `hotspot_cube` (one polygon
 * per bin of the cells that hold an incident or a pattern, with step_start
 * and step_end dates so QGIS's temporal controller steps through it) and
 * `hotspot_change` (per cell: each period's count, Gi* z and bin, and the
 * differences). Each layer is written in one transaction; the layers'
 * descriptions say what was counted and which periods were compared.
 * O(cells x steps) features at most.
 */
#include <cpl_error.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>

#include "io/gpkg_int.h"
#include "hotspot/hotspot_int.h"

static void set_real(OGRFeatureH f, int i, double v)
{
    if (isnan(v))
        OGR_F_SetFieldNull(f, i);
    else
        OGR_F_SetFieldDouble(f, i, v);
}

static void set_date(OGRFeatureH f, int i, int32_t day)
{
    int y, m, d;
    senda__hotspot_civil(day, &y, &m, &d);
    OGR_F_SetFieldDateTime(f, i, y, m, d, 0, 0, 0, 0);
}

typedef void (*fill_fn)(OGRFeatureH f, const senda_emerging_result *r, size_t cell, size_t t);

static void fill_pattern(OGRFeatureH f, const senda_emerging_result *r, size_t c, size_t t)
{
    (void)t;
    double total = 0.0;
    for (size_t s = 0; s < r->n_steps; s++)
        total += r->count[s * r->n_cells + c];
    OGR_F_SetFieldString(f, 0, senda_pattern_name(r->pattern[c]));
    set_real(f, 1, r->trend_z[c]);
    set_real(f, 2, r->trend_p[c]);
    set_real(f, 3, r->count_trend_z[c]);
    set_real(f, 4, r->count_trend_p[c]);
    OGR_F_SetFieldInteger(f, 5, r->n_hot[c]);
    OGR_F_SetFieldInteger(f, 6, r->n_cold[c]);
    OGR_F_SetFieldDouble(f, 7, total);
}

static void fill_bin(OGRFeatureH f, const senda_emerging_result *r, size_t c, size_t t)
{
    size_t b = t * r->n_cells + c;
    set_date(f, 0, r->step_day[t]);
    set_date(f, 1, r->step_day[t + 1] - 1);
    OGR_F_SetFieldInteger(f, 2, (int)t);
    OGR_F_SetFieldDouble(f, 3, r->count[b]);
    set_real(f, 4, r->z[b]);
    set_real(f, 5, r->p[b]);
    OGR_F_SetFieldInteger(f, 6, r->bin[b]);
    OGR_F_SetFieldString(f, 7, senda_pattern_name(r->pattern[c]));
}

static void fill_change(OGRFeatureH f, const senda_emerging_result *r, size_t c, size_t t)
{
    (void)t;
    for (int k = 0; k < 2; k++) {
        OGR_F_SetFieldDouble(f, 3 * k, r->change_count[k][c]);
        set_real(f, 3 * k + 1, r->change_z[k][c]);
        OGR_F_SetFieldInteger(f, 3 * k + 2, r->change_bin[k][c]);
    }
    OGR_F_SetFieldDouble(f, 6, r->change_count[1][c] - r->change_count[0][c]);
    set_real(f, 7, r->change_z[1][c] - r->change_z[0][c]);
}

/* A cell worth a row in the cube: it holds incidents or a pattern. */
static int cube_cell(const senda_emerging_result *r, size_t c)
{
    if (r->pattern[c] != SENDA_PATTERN_NONE)
        return 1;
    for (size_t t = 0; t < r->n_steps; t++)
        if (r->count[t * r->n_cells + c] > 0.0)
            return 1;
    return 0;
}

static senda_status write_layer(senda_ctx *ctx, GDALDatasetH ds, const char *path,
                                const char *name, const senda__field *fields, size_t n_fields,
                                const char *desc, const senda_emerging_result *r, int per_step,
                                fill_fn fill)
{
    senda__lattice l;
    OGRLayerH lyr = NULL;
    senda_status st = senda__lattice_from_spec(ctx, &r->spec, &l);
    if (st != SENDA_OK ||
        (st = senda__gpkg_layer(ctx, ds, name, wkbPolygon, r->spec.crs, &lyr)) != SENDA_OK ||
        (st = senda__gpkg_fields(ctx, lyr, name, fields, n_fields)) != SENDA_OK)
        return st;
    GDALSetMetadataItem((GDALMajorObjectH)lyr, "DESCRIPTION", desc, NULL);
    if (OGR_L_StartTransaction(lyr) != OGRERR_NONE)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot start a transaction", path);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t c = 0; c < r->n_cells && st == SENDA_OK; c++) {
        if (!r->in_set[c] || (per_step && !cube_cell(r, c)))
            continue;
        for (size_t t = 0; t < (per_step ? r->n_steps : 1) && st == SENDA_OK; t++) {
            OGRFeatureH f = OGR_F_Create(defn);
            OGR_F_SetGeometryDirectly(
                f, (OGRGeometryH)senda__hotspot_cell_polygon(&l, c / r->n_cols, c % r->n_cols));
            fill(f, r, c, t);
            CPLErrorReset();
            if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
                st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write %s cell %zu", path,
                                      name, c);
            OGR_F_Destroy(f);
        }
    }
    if (st == SENDA_OK && OGR_L_CommitTransaction(lyr) != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot commit %s", path, name);
    else if (st != SENDA_OK)
        OGR_L_RollbackTransaction(lyr);
    return st;
}

static void period(const senda_emerging_result *r, size_t t0, size_t t1, char *buf, size_t n)
{
    int y0, m0, d0, y1, m1, d1;
    senda__hotspot_civil(r->step_day[t0], &y0, &m0, &d0);
    senda__hotspot_civil(r->step_day[t1] - 1, &y1, &m1, &d1);
    snprintf(buf, n, "%04d-%02d-%02d..%04d-%02d-%02d", y0, m0, d0, y1, m1, d1);
}

senda_status senda_hotspot_write_emerging(senda_ctx *ctx, const senda_emerging_result *r,
                                          const char *gpkg_path, senda_progress_fn progress,
                                          void *progress_arg)
{
    senda__reset(ctx);
    if (!r || !gpkg_path)
        return senda__fail(ctx, SENDA_ERR_ARG, "result or path is NULL");
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "writing emerging hot spots"))
        return SENDA_ERR_CANCELLED;
    static const senda__field pat[] = {
        {"pattern", OFTString},      {"trend_z", OFTReal},       {"trend_p", OFTReal},
        {"count_trend_z", OFTReal},  {"count_trend_p", OFTReal}, {"n_hot_steps", OFTInteger},
        {"n_cold_steps", OFTInteger}, {"count", OFTReal}};
    static const senda__field bin[] = {
        {"step_start", OFTDate}, {"step_end", OFTDate},  {"step", OFTInteger},
        {"count", OFTReal},      {"GiZScore", OFTReal},  {"GiPValue", OFTReal},
        {"Gi_Bin", OFTInteger},  {"pattern", OFTString}};
    static const senda__field chg[] = {
        {"count_a", OFTReal}, {"GiZScore_a", OFTReal}, {"Gi_Bin_a", OFTInteger},
        {"count_b", OFTReal}, {"GiZScore_b", OFTReal}, {"Gi_Bin_b", OFTInteger},
        {"count_diff", OFTReal}, {"GiZScore_diff", OFTReal}};
    const char *step = r->step == SENDA_STEP_YEAR ? "year" : r->step == SENDA_STEP_QUARTER
                                                                 ? "quarter" : "month";
    char all[64], a[64], b[64], desc[3][768];
    period(r, 0, r->n_steps, all, sizeof all);
    period(r, 0, r->split, a, sizeof a);
    period(r, r->split, r->n_steps, b, sizeof b);
    snprintf(desc[0], sizeof desc[0], "Emerging hot spots (ArcGIS's categories) of %s: %zu "
             "incidents, %zu steps of a %s (%s), band %g m; trend_z/p: Mann-Kendall of each "
             "cell's Gi* z-scores, count_trend_z/p: of its counts", r->counted, r->n_points_in,
             r->n_steps, step, all, r->band_m);
    snprintf(desc[1], sizeof desc[1], "Space-time cube of %s per %s (%s): space-time Gi* per "
             "bin, band %g m, FDR; step_start/step_end for QGIS's temporal controller",
             r->counted, step, all, r->band_m);
    snprintf(desc[2], sizeof desc[2], "Change of %s between period a (%s) and period b (%s): "
             "counts, Gi* z and bins of each (band %g m, FDR), differences b - a", r->counted,
             a, b, r->band_m);
    GDALDatasetH ds = NULL;
    senda_status st = senda__gpkg_open(ctx, gpkg_path, &ds);
    if (st == SENDA_OK)
        st = write_layer(ctx, ds, gpkg_path, "emerging_hotspots", pat, 8, desc[0], r, 0,
                         fill_pattern);
    if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg, 0.3, NULL))
        st = SENDA_ERR_CANCELLED;
    if (st == SENDA_OK)
        st = write_layer(ctx, ds, gpkg_path, "hotspot_cube", bin, 8, desc[1], r, 1, fill_bin);
    if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg, 0.8, NULL))
        st = SENDA_ERR_CANCELLED;
    if (st == SENDA_OK)
        st = write_layer(ctx, ds, gpkg_path, "hotspot_change", chg, 8, desc[2], r, 0,
                         fill_change);
    if (ds)
        GDALClose(ds);
    if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
    return st;
}
