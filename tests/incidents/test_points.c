/*
 * test_points.c - senda_incidents_points: filters by type, date, victim group
 * and perpetrator over the messy test store, weights, reprojection, errors.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include <ogr_srs_api.h>

#include "inc_testutil.h"
#include "testutil.h"

static char store[512];

static void make_store(void)
{
    char *d = tu_tmpdir();
    snprintf(store, sizeof store, "%s/points.gpkg", d);
    free(d);
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.today = INC_TODAY;
    const char *files[] = {INC_MESSY};
    cr_assert_eq(senda_incidents_import(ctx, store, files, 1, &o, NULL, NULL, NULL), SENDA_OK,
                 "%s", senda_ctx_errmsg(ctx));
    senda_ctx_destroy(ctx);
}

static size_t count(senda_incidents_filter *f, senda_points **keep)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_points *p = NULL;
    cr_assert_eq(senda_incidents_points(ctx, store, f, SENDA_DEFAULT_CRS, &p), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    size_t n = p->n;
    if (keep)
        *keep = p;
    else
        senda_points_destroy(p);
    senda_ctx_destroy(ctx);
    return n;
}

/* The messy file (tests/data/incidents/make_messy.py) stores 15 accepted or repaired
 * rows: 1 2 3 4 5 6 10 11 16 17 25 26 27 28 29 (23 is a duplicate, the rest rejected). */
TestSuite(points, .init = make_store);

Test(points, no_filter_gives_every_accepted_incident)
{
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    cr_assert_eq(f.weighted, 1);
    cr_assert_eq(count(&f, NULL), 15);
}

Test(points, filters_by_type_group_perpetrator_and_date)
{
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    f.types = "kidnapping"; /* row 1 only: row 23 repeats it */
    cr_assert_eq(count(&f, NULL), 1);
    f.types = "homicide,robbery_assault"; /* homicide 5, 6; robbery 3, 26, 28, 29 */
    cr_assert_eq(count(&f, NULL), 6);
    senda_incidents_filter_init(&f);
    f.victims = "women"; /* women > 0: rows 1 (1), 4 (1), 16 (4), 29 (3) */
    cr_assert_eq(count(&f, NULL), 4);
    f.victims = "minors"; /* row 16 (2) */
    cr_assert_eq(count(&f, NULL), 1);
    senda_incidents_filter_init(&f);
    f.perpetrators = "police,military"; /* row 2 police, row 6 military */
    cr_assert_eq(count(&f, NULL), 2);
    senda_incidents_filter_init(&f);
    f.date_from = "2021";
    f.date_to = "2021"; /* rows 16, 17 (March 2021) */
    cr_assert_eq(count(&f, NULL), 2);
    /* June 2019: row 2 (2019-06-10) and row 3 (month 2019-06); row 4 ("2019") spans the
     * whole year, so it is not inside June */
    f.date_from = "2019-06";
    f.date_to = "2019-06";
    cr_assert_eq(count(&f, NULL), 2);
    f.date_from = "2019-06-10";
    f.date_to = "2019-06-10";
    cr_assert_eq(count(&f, NULL), 1);
}

Test(points, weights_are_severity_times_victims_or_one)
{
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    f.types = "kidnapping";
    senda_points *p = NULL;
    count(&f, &p);
    cr_assert_float_eq(p->weight[0], 12.0, 1e-12); /* severity 6 x 2 victims */
    /* Tapachula (-92.2575, 14.9038) in UTM 15N, through OGR as the reference */
    OGRSpatialReferenceH a = OSRNewSpatialReference(NULL), b = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(a, 4326);
    OSRImportFromEPSG(b, 32615);
    OSRSetAxisMappingStrategy(a, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(a, b);
    double x = -92.2575, y = 14.9038;
    OCTTransform(ct, 1, &x, &y, NULL);
    cr_assert_float_eq(p->x[0], x, 1e-3);
    cr_assert_float_eq(p->y[0], y, 1e-3);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(a);
    OSRDestroySpatialReference(b);
    senda_points_destroy(p);
    f.weighted = 0;
    count(&f, &p);
    cr_assert_float_eq(p->weight[0], 1.0, 1e-12);
    senda_points_destroy(p);
}

Test(points, bad_filters_and_crs_are_argument_errors)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    senda_points *p = NULL;
    f.types = "kidnapping,foo";
    cr_assert_eq(senda_incidents_points(ctx, store, &f, SENDA_DEFAULT_CRS, &p), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "unknown incident type code 'foo'") != NULL);
    senda_incidents_filter_init(&f);
    f.victims = "elderly";
    cr_assert_eq(senda_incidents_points(ctx, store, &f, SENDA_DEFAULT_CRS, &p), SENDA_ERR_ARG);
    senda_incidents_filter_init(&f);
    f.date_from = "May 2019";
    cr_assert_eq(senda_incidents_points(ctx, store, &f, SENDA_DEFAULT_CRS, &p), SENDA_ERR_ARG);
    senda_incidents_filter_init(&f);
    cr_assert_eq(senda_incidents_points(ctx, store, &f, "EPSG:4326", &p), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "not projected") != NULL);
    cr_assert_eq(senda_incidents_points(ctx, "/nonexistent.gpkg", &f, SENDA_DEFAULT_CRS, &p),
                 SENDA_ERR_IO);
    cr_assert_null(p);
    senda_ctx_destroy(ctx);
}

/* The precision filter: exact coordinates, a place geocoded to its locality, and
 * a longitude given in whole degrees (IOM has some). */
Test(points, precision_filter_leaves_out_coarser_reports_and_counts_them)
{
    char *dir = tu_tmpdir(), csv[1100], db[1100];
    snprintf(csv, sizeof csv, "%s/prec.csv", dir);
    snprintf(db, sizeof db, "%s/prec.gpkg", dir);
    free(dir);
    cr_assert_eq(tu_write(csv, "fecha,tipo,lat,lon,lugar\n"
                               "2020-01-02,secuestro,16.2361,-93.8992,\n"
                               "2020-03-03,secuestro,,,Arriaga\n"
                               "2020-05-04,secuestro,16.24,-93,\n"), 0);
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    const char *files[] = {csv};
    senda_incidents_import_summary sum;
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, &sum, NULL, NULL), SENDA_OK,
                 "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.accepted, 3);
    static const struct { const char *p; size_t kept; long out; } want[] = {
        {"exact", 1, 2}, {"locality", 2, 1}, {"approximate", 2, 1}, {"whole_degree", 3, 0},
        {NULL, 3, 0}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        senda_incidents_filter f;
        senda_incidents_filter_init(&f);
        f.precision = want[i].p;
        senda_points *pts = NULL;
        cr_assert_eq(senda_incidents_points(ctx, db, &f, "EPSG:32615", &pts), SENDA_OK, "%s",
                     senda_ctx_errmsg(ctx));
        cr_assert_eq(pts->n, want[i].kept, "%s", want[i].p ? want[i].p : "all");
        long out = -1;
        cr_assert_eq(senda_incidents_count_coarser(ctx, db, &f, &out), SENDA_OK);
        cr_assert_eq(out, want[i].out, "%s", want[i].p ? want[i].p : "all");
        senda_points_destroy(pts);
    }
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    f.precision = "street";
    senda_points *pts = NULL;
    cr_assert_eq(senda_incidents_points(ctx, db, &f, "EPSG:32615", &pts), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "precision 'street'"));
    senda_ctx_destroy(ctx);
}
