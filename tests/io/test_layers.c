/*
 * test_layers.c - loading, reprojecting and validating the corridor layers:
 * the bundled layers, each error case of `senda layers check` (exit code and
 * message), repair with make-valid, cancellation and allocation failure.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>

#include "io/io_int.h"
#include "testutil.h"

static const char *tiny_layers[][2] = {
    {"border", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
               "{\"name\":\"b\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":"
               "[[-92.0,15.0],[-92.0,16.0]]}}]}"},
    {"rail", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
             "{\"name\":\"r\",\"accuracy_m\":1000},\"geometry\":{\"type\":\"LineString\","
             "\"coordinates\":[[-93.0,15.0],[-93.0,15.5]]}}]}"},
    {"checkpoints", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                    "\"properties\":{\"name\":\"c\"},\"geometry\":{\"type\":\"Point\","
                    "\"coordinates\":[-92.5,15.2]}}]}"},
    {"crossings", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                  "\"properties\":{\"name\":\"x\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[-92.0,15.5]}}]}"},
    {"shelters", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                 "\"properties\":{\"name\":\"s\"},\"geometry\":{\"type\":\"Point\","
                 "\"coordinates\":[-92.3,15.3]}}]}"},
};

/* A directory with the five tiny layers; skip names one to leave out. */
static char *make_layer_dir(const char *skip)
{
    char *dir = tu_tmpdir();
    for (size_t i = 0; i < sizeof tiny_layers / sizeof tiny_layers[0]; i++) {
        if (skip && strcmp(skip, tiny_layers[i][0]) == 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s.geojson", dir, tiny_layers[i][0]);
        cr_assert_eq(tu_write(path, tiny_layers[i][1]), 0);
    }
    return dir;
}

static senda_ctx *ctx;
static void setup(void) { cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK); }
static void teardown(void) { senda_ctx_destroy(ctx); }

TestSuite(layers, .init = setup, .fini = teardown);

Test(layers, tiny_set_loads_every_layer_with_types_and_lengths)
{
    char *dir = make_layer_dir(NULL);
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, dir, NULL, &ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_layers_count(ls), 5);
    cr_assert_str_eq(senda_layers_crs(ls), "EPSG:32615");
    const char *names[] = {"border", "rail", "checkpoints", "crossings", "shelters"};
    for (int i = 0; i < 5; i++) {
        long k = senda_layers_find(ls, names[i]);
        cr_assert_geq(k, 0, "layer %s missing", names[i]);
        cr_assert_eq(senda_layers_report(ls, (size_t)k)->n_features, 1);
    }
    /* One degree of latitude at lon -92 (about 1.5 deg east of the UTM 15
     * central meridian -93): the meridian arc from 15 to 16 N on WGS 84 is
     * 110.64 km (Vincenty), times the UTM point scale there (k0 = 0.9996 plus
     * about 0.0002 at 107 km from the central meridian) = about 110.6 km.
     * 0.1 km covers the scale-factor variation along the line. */
    const senda_layer_report *b = senda_layers_report(ls, (size_t)senda_layers_find(ls, "border"));
    cr_assert_float_eq(b->length_km, 110.6, 0.1);
    cr_assert_str_eq(b->geom_type, "LineString");
    cr_assert_str_eq(senda_layers_attr(ls, "rail", 0, "accuracy_m"), "1000");
    cr_assert_str_eq(senda_layers_attr(ls, "rail", 0, "nope"), "");
    senda_layers_destroy(ls);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(layers, missing_layer_file_is_io_error_naming_the_file)
{
    char *dir = make_layer_dir("checkpoints");
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, dir, NULL, &ls, NULL, NULL), SENDA_ERR_IO);
    cr_assert_null(ls);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "checkpoints.geojson: missing layer file") != NULL,
              "got '%s'", senda_ctx_errmsg(ctx));
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(layers, wrong_geometry_type_is_data_error_naming_the_file)
{
    char *dir = make_layer_dir(NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/rail.geojson", dir);
    tu_write(path, tiny_layers[2][1]); /* points where lines belong */
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, dir, NULL, &ls, NULL, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "rail.geojson: feature 1 is a Point, the rail layer "
                                            "takes lines") != NULL,
              "got '%s'", senda_ctx_errmsg(ctx));
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(layers, unreadable_file_is_io_error)
{
    char *dir = make_layer_dir(NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/shelters.geojson", dir);
    tu_write(path, "this is not json {");
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, dir, NULL, &ls, NULL, NULL), SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "shelters.geojson: cannot read it") != NULL,
              "got '%s'", senda_ctx_errmsg(ctx));
    cr_assert_eq(tu_rmdir(dir), 0);
}

/* Write a shapefile without .prj: a layer that has no CRS. */
static void write_shp_without_crs(const char *dir, const char *name)
{
    GDALAllRegister();
    char path[512];
    snprintf(path, sizeof path, "%s/%s.shp", dir, name);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("ESRI Shapefile"), path, 0, 0, 0,
                                 GDT_Unknown, NULL);
    OGRLayerH l = GDALDatasetCreateLayer(ds, name, NULL, wkbPoint, NULL);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, -92.0, 15.0);
    OGR_F_SetGeometryDirectly(f, g);
    cr_assert_eq(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    GDALClose(ds);
}

Test(layers, layer_without_crs_is_crs_error)
{
    char *dir = make_layer_dir("crossings");
    write_shp_without_crs(dir, "crossings");
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, dir, NULL, &ls, NULL, NULL), SENDA_ERR_CRS);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "crossings.shp: the layer has no CRS") != NULL,
              "got '%s'", senda_ctx_errmsg(ctx));
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(layers, geographic_analysis_crs_is_refused)
{
    char *dir = make_layer_dir(NULL);
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, dir, "EPSG:4326", &ls, NULL, NULL), SENDA_ERR_CRS);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "is not projected") != NULL);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(layers, invalid_polygon_is_repaired_and_reported)
{
    char *dir = make_layer_dir(NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/states.geojson", dir);
    /* A bow-tie: self-intersecting, invalid; make-valid gives two triangles. */
    tu_write(path, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                   "\"properties\":{\"name\":\"bowtie\"},\"geometry\":{\"type\":\"Polygon\","
                   "\"coordinates\":[[[-92,15],[-91,16],[-91,15],[-92,16],[-92,15]]]}}]}");
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, dir, NULL, &ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    const senda_layer_report *r = senda_layers_report(ls, (size_t)senda_layers_find(ls, "states"));
    cr_assert_eq(r->n_repaired, 1);
    cr_assert(strstr(r->problems, "1 geometries repaired with make-valid") != NULL);
    const senda__layer *l = senda__layers_get(ls, "states");
    cr_assert_eq(GEOSisValid_r(ctx->geos, l->geoms[0]), 1);
    senda_layers_destroy(ls);
    cr_assert_eq(tu_rmdir(dir), 0);
}

static int cancel_at_second(double c, const char *m, void *arg)
{
    (void)c;
    (void)m;
    int *n = arg;
    return ++*n < 2;
}

Test(layers, cancelled_through_progress)
{
    char *dir = make_layer_dir(NULL);
    senda_layers *ls = NULL;
    int n = 0;
    cr_assert_eq(senda_layers_open(ctx, dir, NULL, &ls, cancel_at_second, &n),
                 SENDA_ERR_CANCELLED);
    cr_assert_null(ls);
    cr_assert_eq(n, 2);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(layers, every_allocation_failure_returns_nomem_and_frees)
{
    char *dir = make_layer_dir(NULL);
    int n_fail = 0;
    for (long k = 1; k < 10000; k++) {
        senda_layers *ls = NULL;
        senda_ctx_fail_alloc_after(ctx, k);
        senda_status st = senda_layers_open(ctx, dir, NULL, &ls, NULL, NULL);
        senda_ctx_fail_alloc_after(ctx, 0);
        if (st == SENDA_OK) {
            senda_layers_destroy(ls);
            break;
        }
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: %s", k, senda_ctx_errmsg(ctx));
        cr_assert_null(ls);
        n_fail++;
    }
    cr_assert_gt(n_fail, 10); /* the loop really walked the allocations */
    cr_assert_eq(tu_rmdir(dir), 0);
}

/* ---- the bundled corridor layers ---- */

Test(layers, bundled_layers_load_with_expected_types)
{
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_geq(senda_layers_n_features(ls, "border"), 2);
    cr_assert_geq(senda_layers_n_features(ls, "rail"), 3);
    cr_assert_geq(senda_layers_n_features(ls, "checkpoints"), 5);
    cr_assert_geq(senda_layers_n_features(ls, "crossings"), 5);
    cr_assert_geq(senda_layers_n_features(ls, "shelters"), 3);
    for (size_t i = 0; i < senda_layers_count(ls); i++) {
        const senda_layer_report *r = senda_layers_report(ls, i);
        cr_assert_eq(r->n_repaired, 0, "%s: %s", r->name, r->problems);
    }
    senda_layers_destroy(ls);
}

/* Find the feature of a layer whose field equals value. */
static long feature_where(const senda_layers *ls, const char *layer, const char *field,
                          const char *value)
{
    for (size_t i = 0; i < senda_layers_n_features(ls, layer); i++)
        if (strcmp(senda_layers_attr(ls, layer, i, field), value) == 0)
            return (long)i;
    return -1;
}

Test(layers, mexico_guatemala_border_within_10_percent_of_956_km)
{
    /* 956 km is the length the two governments report (CILA Mexico-Guatemala);
     * the issue accepts +-10 %, i.e. 860.4 .. 1051.6 km. */
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &ls, NULL, NULL), SENDA_OK);
    long k = feature_where(ls, "border", "adm0_b", "GTM");
    cr_assert_geq(k, 0, "no Mexico-Guatemala feature (adm0_b = GTM)");
    double len_m = 0;
    GEOSLength_r(ctx->geos, senda__layers_get(ls, "border")->geoms[k], &len_m);
    cr_assert(len_m / 1000.0 > 860.4 && len_m / 1000.0 < 1051.6, "length %.1f km",
              len_m / 1000.0);
    cr_assert_geq(feature_where(ls, "border", "adm0_b", "BLZ"), 0, "no Mexico-Belize feature");
    senda_layers_destroy(ls);
}

Test(layers, every_named_rail_line_is_present)
{
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &ls, NULL, NULL), SENDA_OK);
    /* The three lines of issue 2, by the towns each must reach. */
    const char *must[] = {"Ciudad Hidalgo", "Tenosique", "Orizaba"};
    for (int m = 0; m < 3; m++) {
        int found = 0;
        for (size_t i = 0; i < senda_layers_n_features(ls, "rail"); i++)
            if (strstr(senda_layers_attr(ls, "rail", i, "name"), must[m]) ||
                strstr(senda_layers_attr(ls, "rail", i, "stations"), must[m]))
                found = 1;
        cr_assert(found, "no rail line names %s", must[m]);
        (void)found;
    }
    for (size_t i = 0; i < senda_layers_n_features(ls, "rail"); i++) {
        double acc = atof(senda_layers_attr(ls, "rail", i, "accuracy_m"));
        cr_assert_gt(acc, 0.0, "rail feature %zu has no accuracy_m", i);
        cr_assert_str_neq(senda_layers_attr(ls, "rail", i, "operator"), "");
    }
    senda_layers_destroy(ls);
}

Test(layers, shelters_are_locality_precision_only)
{
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &ls, NULL, NULL), SENDA_OK);
    for (size_t i = 0; i < senda_layers_n_features(ls, "shelters"); i++)
        cr_assert_str_eq(senda_layers_attr(ls, "shelters", i, "precision"), "locality");
    senda_layers_destroy(ls);
}

Test(layers, points_read_keeps_a_short_crs_name)
{
    /* A GeoPackage in EPSG:32615 written by OGR: the points must carry
     * "EPSG:32615", not a truncated WKT, so outputs can reuse it. */
    char *dir = tu_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/p.gpkg", dir);
    GDALAllRegister();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    OGRSpatialReferenceH srs = senda__srs_from_user(ctx, "EPSG:32615");
    OGRLayerH l = GDALDatasetCreateLayer(ds, "p", srs, wkbPoint, NULL);
    OGRFieldDefnH fd = OGR_Fld_Create("w", OFTReal);
    cr_assert_eq(OGR_L_CreateField(l, fd, 1), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    for (int i = 0; i < 3; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, 500000.0 + i, 1700000.0);
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFieldDouble(f, 0, 2.5 * i);
        cr_assert_eq(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
    senda_points *p = NULL;
    cr_assert_eq(senda_points_read(ctx, path, NULL, "w", NULL, &p), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_str_eq(p->crs, "EPSG:32615");
    cr_assert_eq(p->n, 3);
    cr_assert_float_eq(p->weight[2], 5.0, 1e-12);
    cr_assert_float_eq(p->x[1], 500001.0, 1e-9);
    senda_points_destroy(p);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(layers, land_mask_keeps_centres_inside_and_respects_holes)
{
    /* land.geojson in EPSG:32615: the square 0..10000 m with a hole
     * 4000..6000 m. Grid: 12 x 12 cells of 1000 m from (0, 12000), centres at
     * 500, 1500, ..., 11500. Inside: centres 500..9500 in x and y (10 x 10 =
     * 100) minus the hole's centres 4500, 5500 (2 x 2 = 4) = 96 cells kept;
     * 144 - 96 = 48 outside. One kept cell was nodata already: it stays
     * nodata and is not counted, so 48 are newly masked. */
    char *dir = make_layer_dir(NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/land.geojson", dir);
    cr_assert_eq(tu_write(path,
                          "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
                          "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32615\"}},"
                          "\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"l\"},"
                          "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":["
                          "[[0,0],[10000,0],[10000,10000],[0,10000],[0,0]],"
                          "[[4000,4000],[4000,6000],[6000,6000],[6000,4000],[4000,4000]]]}}]}"),
                 0);
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, dir, NULL, &ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_create(ctx, 12, 12, 0.0, 12000.0, 1000.0, "EPSG:32615", 1.0, &g),
                 SENDA_OK);
    double *d = senda_grid_data(g);
    d[11 * 12 + 0] = NAN; /* row 11 (centre y 500), col 0 (centre x 500): inside */
    size_t masked = 0;
    cr_assert_eq(senda_layers_mask_grid(ctx, ls, "land", g, &masked), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(masked, 48);
    size_t kept = 0;
    for (size_t k = 0; k < 144; k++)
        kept += !isnan(d[k]);
    cr_assert_eq(kept, 95);
    /* the hole: row of centre y 4500 is row 7, column of centre x 5500 is 5 */
    cr_assert(isnan(d[7 * 12 + 5]));
    cr_assert(!isnan(d[7 * 12 + 3])); /* x 3500, inside the square, outside the hole */
    cr_assert(isnan(d[0 * 12 + 0]));  /* y 11500: north of the square */
    /* errors */
    cr_assert_eq(senda_layers_mask_grid(ctx, ls, "nosuch", g, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "nosuch") != NULL);
    cr_assert_eq(senda_layers_mask_grid(ctx, ls, "land", NULL, NULL), SENDA_ERR_ARG);
    senda_grid_destroy(g);
    senda_layers_destroy(ls);
    cr_assert_eq(tu_rmdir(dir), 0);
}
