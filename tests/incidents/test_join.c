/*
 * test_join.c - the join's distance along the rail and distance to the rail
 * equal GEOS's own GEOSProject and GEOSDistance on the whole line (the oracle),
 * for synthetic incidents around the test layers, and the join's grid search
 * equals a brute-force search near the layers and far outside them.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "inc_testutil.h"
#include "incidents/incidents_int.h"
#include "io/io_int.h"
#include "testutil.h"

Test(join, along_and_distance_match_geos_project_and_distance)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, INC_LAYERS, NULL, &ls, NULL, NULL), SENDA_OK);
    char *d = tu_tmpdir(), csv[512], db[512];
    snprintf(csv, sizeof csv, "%s/j.csv", d);
    snprintf(db, sizeof db, "%s/j.gpkg", d);
    senda_incidents_synth_opts so;
    senda_incidents_synth_opts_init(&so);
    so.n = 300;
    cr_assert_eq(senda_incidents_synth(ctx, ls, &so, csv, NULL, NULL), SENDA_OK);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.layers = ls;
    o.dedupe_km = -1; /* keep every row */
    const char *files[] = {csv};
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, NULL, NULL, NULL), SENDA_OK);
    const senda__layer *rail = senda__layers_get(ls, "rail");
    OGRSpatialReferenceH wgs = senda__srs_wgs84(), utm = senda__srs_from_user(ctx, "EPSG:32615");
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(wgs, utm);
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL);
    sqlite3_prepare_v2(h, "SELECT lon, lat, rail_fid, rail_dist_m, rail_km FROM incidents "
                          "WHERE rail_fid IS NOT NULL", -1, &q, NULL);
    int n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        double x = sqlite3_column_double(q, 0), y = sqlite3_column_double(q, 1);
        OCTTransform(ct, 1, &x, &y, NULL);
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
        /* the nearest feature by GEOSDistance over all rail features */
        double best = 1e300, dist;
        size_t bi = 0;
        for (size_t i = 0; i < rail->n; i++) {
            GEOSDistance_r(ctx->geos, rail->geoms[i], pt, &dist);
            if (dist < best)
                best = dist, bi = i;
        }
        cr_assert_eq(sqlite3_column_int64(q, 2), (long long)bi + 1);
        /* same arithmetic, different order: 1e-6 m */
        cr_assert_float_eq(sqlite3_column_double(q, 3), best, 1e-6);
        double along = GEOSProject_r(ctx->geos, rail->geoms[bi], pt) / 1000.0;
        cr_assert_float_eq(sqlite3_column_double(q, 4), along, 1e-6);
        GEOSGeom_destroy_r(ctx->geos, pt);
        n++;
    }
    cr_assert_eq(n, 300);
    sqlite3_finalize(q);
    sqlite3_close(h);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(wgs);
    OSRDestroySpatialReference(utm);
    unlink(csv), unlink(db), rmdir(d);
    free(d);
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
}

/* The feature of l nearest to pt by GEOSDistance over all of them; *best and
 * *second get the nearest and second nearest distances. */
static size_t brute_nearest(senda_ctx *ctx, const senda__layer *l, const GEOSGeometry *pt,
                            double *best, double *second)
{
    size_t bi = 0;
    double d;
    *best = *second = 1e300;
    for (size_t i = 0; i < l->n; i++) {
        GEOSDistance_r(ctx->geos, l->geoms[i], pt, &d);
        if (d < *best)
            *second = *best, *best = d, bi = i;
        else if (d < *second)
            *second = d;
    }
    return bi;
}

/* Points on a 61 x 61 lattice over five times the rail layer's extent: near the
 * lines (the candidate cells) and far outside them (the ring search). Each
 * nearest rail feature, distance and distance along equals the brute-force
 * GEOSDistance / GEOSProject answer, each nearest checkpoint the brute-force
 * one (where the nearest is unique by more than 1 mm). */
Test(join, grid_matches_brute_force_near_and_far)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, INC_LAYERS, NULL, &ls, NULL, NULL), SENDA_OK);
    const senda__layer *rail = senda__layers_get(ls, "rail");
    const senda__layer *cps = senda__layers_get(ls, SENDA_LAYER_CHECKPOINTS);
    cr_assert(rail && rail->n > 1 && cps && cps->n > 1);
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300, v;
    for (size_t i = 0; i < rail->n; i++) {
        GEOSGeom_getXMin_r(ctx->geos, rail->geoms[i], &v), x0 = fmin(x0, v);
        GEOSGeom_getYMin_r(ctx->geos, rail->geoms[i], &v), y0 = fmin(y0, v);
        GEOSGeom_getXMax_r(ctx->geos, rail->geoms[i], &v), x1 = fmax(x1, v);
        GEOSGeom_getYMax_r(ctx->geos, rail->geoms[i], &v), y1 = fmax(y1, v);
    }
    enum { K = 61 };
    senda__incident *recs = calloc(K * K, sizeof *recs);
    for (int a = 0; a < K; a++)
        for (int b = 0; b < K; b++) {
            senda__incident *r = &recs[a * K + b];
            r->status = REC_ACCEPTED;
            r->x = x0 - 2 * (x1 - x0) + 5 * (x1 - x0) * a / (K - 1);
            r->y = y0 - 2 * (y1 - y0) + 5 * (y1 - y0) * b / (K - 1);
            r->rail_idx = r->checkpoint_idx = r->admin_idx = -1;
        }
    senda__joiner *j = NULL;
    cr_assert_eq(senda__join_open(ctx, ls, 2, &j), SENDA_OK);
    cr_assert_eq(senda__join_run(ctx, j, recs, K * K), SENDA_OK);
    int n_checked = 0;
    for (int k = 0; k < K * K; k++) {
        const senda__incident *r = &recs[k];
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, r->x, r->y);
        double best, second;
        size_t bi = brute_nearest(ctx, rail, pt, &best, &second);
        cr_assert_float_eq(r->rail_dist_m, best, 1e-6);
        if (second - best > 1e-3) {
            cr_assert_eq(r->rail_idx, (long)bi);
            double along = GEOSProject_r(ctx->geos, rail->geoms[bi], pt) / 1000.0;
            cr_assert_float_eq(r->rail_km, along, 1e-9);
            n_checked++;
        }
        bi = brute_nearest(ctx, cps, pt, &best, &second);
        cr_assert_float_eq(r->checkpoint_dist_m, best, 1e-6);
        if (second - best > 1e-3)
            cr_assert_eq(r->checkpoint_idx, (long)bi);
        GEOSGeom_destroy_r(ctx->geos, pt);
    }
    cr_assert_gt(n_checked, K * K / 2);
    senda__join_close(ctx, j);
    free(recs);
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
}
