/*
 * test_likely_product.c - what `senda route --likely` leaves in its product
 * for maps and reports: the per-corridor table (likely_corridors) equal to
 * the JSON summary, the what-if's checkpoints as point layers where the
 * places are, the added checkpoint drawn on the map, and the report's
 * likely-route maps and corridor table.
 */
#include <cairo.h>
#include <criterion/criterion.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

static tu_run run(const char *fmt, const char *dir)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, fmt, dir, dir, dir, dir);
    return tu_senda(cmd);
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    cr_assert(json_object_object_get_ex(o, key, &v), "no '%s'", key);
    return v;
}

/* The likely route run of these tests: a checkpoint moved from La Arrocera
 * to Mapastepec on 800 synthetic incidents. */
static char *likely_run(json_object **root)
{
    char *dir = tu_tmpdir();
    tu_run r = run("synth --n 800 --seed 3 --out %s/demo.csv -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    r = run("route --reports %s/demo.csv --likely --move-checkpoint 'La Arrocera=Mapastepec' "
            "--alternatives 0 --out %s/likely.gpkg --json -q",
            dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    *root = json_tokener_parse(r.out);
    cr_assert_not_null(*root, "%s", r.out);
    tu_run_free(&r);
    return dir;
}

/* The single feature of a point layer: its name and coordinates. */
static void one_point(GDALDatasetH ds, const char *layer, char *name, size_t size, double *x,
                      double *y)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    cr_assert_not_null(l, "no layer %s", layer);
    cr_assert_eq(OGR_L_GetFeatureCount(l, 1), 1, "%s", layer);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    snprintf(name, size, "%s", OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")));
    *x = OGR_G_GetX(OGR_F_GetGeometryRef(f), 0);
    *y = OGR_G_GetY(OGR_F_GetGeometryRef(f), 0);
    OGR_F_Destroy(f);
}

Test(likely_product, corridor_table_equals_the_json_and_checkpoints_are_layers)
{
    json_object *root = NULL;
    char *dir = likely_run(&root);
    json_object *lk = get(root, "likely"), *cors = get(lk, "corridors");
    double before = json_object_get_double(get(get(lk, "exposure_per_migrant"), "before"));
    double after = json_object_get_double(get(get(lk, "exposure_per_migrant"), "after"));
    char path[700];
    snprintf(path, sizeof path, "%s/likely.gpkg", dir);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "likely_corridors");
    cr_assert_not_null(l);
    size_t n = json_object_array_length(cors), k = 0;
    cr_assert_eq((size_t)OGR_L_GetFeatureCount(l, 1), n);
    double sum_b = 0.0, sum_a = 0.0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        json_object *c = json_object_array_get_idx(cors, k++);
        double sh = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "share"));
        double eb = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "exposure_per_migrant_before"));
        double ea = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "exposure_per_migrant_after"));
        cr_expect_str_eq(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "crossing")),
                         json_object_get_string(get(c, "crossing")));
        cr_expect_float_eq(sh, json_object_get_double(get(c, "share")), 1e-12);
        cr_expect_float_eq(eb, json_object_get_double(get(c, "exposure_per_migrant_before")),
                           1e-9 * eb);
        cr_expect_float_eq(ea, json_object_get_double(get(c, "exposure_per_migrant_after")),
                           1e-9 * ea);
        sum_b += sh * eb;
        sum_a += sh * ea;
        OGR_F_Destroy(f);
    }
    /* the overall figure is the share-weighted mean of the rows */
    cr_expect_float_eq(sum_b, before, 1e-9 * before);
    cr_expect_float_eq(sum_a, after, 1e-9 * after);
    /* the moved checkpoint: added at Mapastepec (EPSG:32615 510687, 1706285 by
     * gdaltransform of 15.43358 N, 92.90039 W), removed at La Arrocera as in
     * the bundled checkpoints layer */
    char name[128];
    double x, y;
    one_point(ds, "checkpoints_added", name, sizeof name, &x, &y);
    cr_expect_str_eq(name, "Mapastepec");
    cr_expect(fabs(x - 510687.0) < 100.0 && fabs(y - 1706285.0) < 100.0, "added at %f %f", x, y);
    one_point(ds, "checkpoints_removed", name, sizeof name, &x, &y);
    cr_expect_str_eq(name, "La Arrocera");
    OGRLayerH cp = GDALDatasetGetLayerByName(ds, "checkpoints");
    OGRFeatureH g;
    int found = 0;
    while ((g = OGR_L_GetNextFeature(cp)) != NULL) {
        if (!strcmp(OGR_F_GetFieldAsString(g, OGR_F_GetFieldIndex(g, "name")), "La Arrocera"))
            found = OGR_G_GetX(OGR_F_GetGeometryRef(g), 0) == x &&
                    OGR_G_GetY(OGR_F_GetGeometryRef(g), 0) == y;
        OGR_F_Destroy(g);
    }
    cr_expect(found, "removed checkpoint not at La Arrocera of the checkpoints layer");
    GDALClose(ds);
    json_object_put(root);
    cr_assert_eq(tu_rmdir(dir), 0);
}

/* Pixels of the added checkpoint's fill (255, 140, 0 in render.c) in a PNG. */
static long orange_pixels(const char *png)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "%s", png);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    long n = 0;
    for (int yy = 0; yy < h; yy++)
        for (int xx = 0; xx < w; xx++) {
            uint32_t v;
            memcpy(&v, px + (size_t)yy * (size_t)stride + (size_t)xx * 4, 4);
            int r = (int)(v >> 16 & 255), g = (int)(v >> 8 & 255), b = (int)(v & 255);
            n += abs(r - 255) <= 2 && abs(g - 140) <= 2 && b <= 2;
        }
    cairo_surface_destroy(s);
    return n;
}

Test(likely_product, the_added_checkpoint_is_on_the_map_and_the_report_has_the_routes)
{
    json_object *root = NULL;
    char *dir = likely_run(&root);
    /* the map of the change, zoomed on the coast: the added checkpoint is drawn */
    tu_run r = run("render %s/likely.gpkg --png %s/change.png --surface route_density_change "
                   "--extent 440000,1620000,600000,1760000 -q",
                   dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    char png[700];
    snprintf(png, sizeof png, "%s/change.png", dir);
    long orange = orange_pixels(png);
    /* marker of 19 px: a triangle of about 19 x 19 x 0.5 = 180 px, minus its outline */
    cr_expect(orange > 60, "added checkpoint not drawn (%ld orange pixels)", orange);
    /* a map of the same area without the what-if layers has none */
    r = run("route --reports %s/demo.csv --likely --alternatives 0 --out %s/plain.gpkg -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    r = run("render %s/plain.gpkg --png %s/plain.png --surface route_density "
            "--extent 440000,1620000,600000,1760000 -q",
            dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    snprintf(png, sizeof png, "%s/plain.png", dir);
    cr_expect_eq(orange_pixels(png), 0);
    if (system("command -v pdftotext >/dev/null 2>&1") != 0) {
        json_object_put(root);
        cr_assert_eq(tu_rmdir(dir), 0);
        cr_skip_test("pdftotext absent (poppler-utils; scripts/setup installs it)");
    }
    r = run("report %s/likely.gpkg --pdf %s/likely.pdf --lang en -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s/likely.pdf' '%s/likely.txt'", dir, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/likely.txt", dir);
    char *t = tu_read(cmd);
    cr_assert_not_null(t);
    const char *want[] = {"Likely routes: share of migrants passing each cell",
                          "Exposure per km (what harms people on the way)",
                          "Where the what-if moves people",
                          "Likely routes and exposure",
                          "All crossings",
                          "coastal line: exposure per km on the likely routes",
                          "Checkpoints left out in this run: La Arrocera.",
                          "Checkpoints added in this run: Mapastepec."};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(t, want[i]) != NULL, "report lacks '%s'", want[i]);
    /* the All crossings row: the JSON's overall exposure before and after, 1 decimal */
    json_object *e = get(get(root, "likely"), "exposure_per_migrant");
    char row[200];
    double b = json_object_get_double(get(e, "before")), a = json_object_get_double(get(e, "after"));
    const char *all = strstr(t, "All crossings");
    cr_assert_not_null(all);
    snprintf(row, sizeof row, "%.1f", fmod(b, 1000.0));
    cr_expect(strstr(all, row) != NULL, "overall before %.1f not in '%.120s'", b, all);
    snprintf(row, sizeof row, "%.1f", fmod(a, 1000.0));
    cr_expect(strstr(all, row) != NULL, "overall after %.1f not in '%.120s'", a, all);
    free(t);
    json_object_put(root);
    cr_assert_eq(tu_rmdir(dir), 0);
}

/* A DEM in lon/lat over the corridor (96..86 W, 13..20 N, 0.05 degree
 * cells): flat, or a checkerboard of 0 and 1000 m (slopes everywhere). */
static void write_dem(const char *path, int rough)
{
    senda_ctx *ctx;
    senda_grid *g;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    cr_assert_eq(senda_grid_create(ctx, 140, 200, -96.0, 20.0, 0.05, "EPSG:4326", 0.0, &g),
                 SENDA_OK);
    double *v = senda_grid_data(g);
    for (size_t i = 0; rough && i < 140 * 200; i++)
        v[i] = (double)((i / 200 + i % 200) % 2) * 1000.0;
    cr_assert_eq(senda_grid_write_tiff(ctx, g, path, 0), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
}

static double choice_cost(const char *dir, const char *dem)
{
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "route --reports %s/demo.csv --likely --to Arriaga --alternatives 0 --out %s/d.gpkg "
             "--json -q%s%s",
             dir, dir, dem ? " --dem " : "", dem ? dem : "");
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *root = json_tokener_parse(r.out);
    cr_assert_not_null(root, "%s", r.out);
    double c = json_object_get_double(get(get(root, "likely"), "choice_cost_per_migrant"));
    json_object_put(root);
    tu_run_free(&r);
    return c;
}

/* --dem: a flat DEM changes nothing (to rounding: the directed search
 * replaces r.cost's), slopes everywhere make walking cost more. */
Test(likely_product, a_dem_makes_walking_cost_its_slope)
{
    char *dir = tu_tmpdir();
    tu_run r = run("synth --n 300 --seed 5 --out %s/demo.csv -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    char flat[700], rough[700];
    snprintf(flat, sizeof flat, "%s/flat.tif", dir);
    snprintf(rough, sizeof rough, "%s/rough.tif", dir);
    write_dem(flat, 0);
    write_dem(rough, 1);
    double c0 = choice_cost(dir, NULL), c1 = choice_cost(dir, flat), c2 = choice_cost(dir, rough);
    cr_expect_float_eq(c1, c0, 1e-9 * c0, "flat DEM: %g vs %g", c1, c0);
    cr_expect_gt(c2, c0 * 1.01, "rough DEM: %g vs flat %g", c2, c0);
    r = run("route --reports %s/demo.csv --dem %s/flat.tif --out %s/x.gpkg", dir);
    cr_expect_eq(r.exit_code, 2, "%s", r.err);
    cr_expect(strstr(r.err, "needs --likely") != NULL, "%s", r.err);
    tu_run_free(&r);
    r = run("route --reports %s/demo.csv --likely --walk-coeff 1,2,3 --dem %s/flat.tif "
            "--out %s/x.gpkg",
            dir);
    cr_expect_eq(r.exit_code, 2, "%s", r.err);
    tu_run_free(&r);
    cr_assert_eq(tu_rmdir(dir), 0);
}

/* Points of a layer: x, y, weight field (NULL: none). Returns the count. */
static size_t read_points(const char *gpkg, const char *layer, double **xyw)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    cr_assert_not_null(l, "%s", layer);
    size_t n = (size_t)OGR_L_GetFeatureCount(l, 1), k = 0;
    *xyw = calloc(3 * n + 3, sizeof(double));
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        (*xyw)[3 * k] = OGR_G_GetX(OGR_F_GetGeometryRef(f), 0);
        (*xyw)[3 * k + 1] = OGR_G_GetY(OGR_F_GetGeometryRef(f), 0);
        int wi = OGR_F_GetFieldIndex(f, "weight");
        (*xyw)[3 * k + 2] = wi >= 0 ? OGR_F_GetFieldAsDouble(f, wi) : 0.0;
        k++;
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return n;
}

/* Siting on flows: `senda site` takes the flow_demand layer of a likely run
 * (route density x exposure per km x cell km at each cell passed by at least
 * 0.1 % of migrants) as demand and as candidates; with p = 1 and no
 * existing shelter the maximal covering site is the candidate whose 20 km
 * disc holds the most demand weight, found here by brute force. */
Test(likely_product, site_takes_the_exposed_flow_as_demand)
{
    char *dir = tu_tmpdir();
    tu_run r = run("synth --n 300 --seed 5 --out %s/demo.csv -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    r = run("route --reports %s/demo.csv --likely --with-checkpoint Mapastepec --to Arriaga "
            "--cell-m 3000 --alternatives 0 --out %s/likely.gpkg -q",
            dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    r = run("site --demand %s/likely.gpkg --demand-layer flow_demand_whatif --weight-field weight "
            "--candidates %s/likely.gpkg --candidates-layer flow_demand_whatif --radius-m 20000 "
            "--p 1 --json -q",
            dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *root = json_tokener_parse(r.out);
    cr_assert_not_null(root, "%s", r.out);
    double covered = json_object_get_double(get(root, "covered_weight"));
    double total = json_object_get_double(get(root, "total_weight"));
    json_object_put(root);
    tu_run_free(&r);
    char gpkg[700];
    snprintf(gpkg, sizeof gpkg, "%s/likely.gpkg", dir);
    double *p = NULL;
    size_t n = read_points(gpkg, "flow_demand_whatif", &p);
    cr_assert_gt(n, 10);
    double best = 0.0, sum = 0.0;
    for (size_t j = 0; j < n; j++) {
        double w = 0.0;
        sum += p[3 * j + 2];
        for (size_t i = 0; i < n; i++) {
            double dx = p[3 * i] - p[3 * j], dy = p[3 * i + 1] - p[3 * j + 1];
            if (dx * dx + dy * dy <= 20000.0 * 20000.0)
                w += p[3 * i + 2];
        }
        best = w > best ? w : best;
    }
    free(p);
    cr_expect_float_eq(total, sum, 1e-9 * sum);
    cr_expect_float_eq(covered, best, 1e-9 * best, "site covers %g, brute force %g", covered, best);
    cr_assert_eq(tu_rmdir(dir), 0);
}

/* Sum of a layer's weight field and its feature count. */
static double weight_sum(const char *gpkg, const char *layer, size_t *n)
{
    double *p = NULL, sum = 0.0;
    *n = read_points(gpkg, layer, &p);
    for (size_t i = 0; i < *n; i++)
        sum += p[3 * i + 2];
    free(p);
    return sum;
}

/* siting.demand: flows in a scenario: the siting stage's demand is the
 * likely routes' flow demand after the what-if (the product's
 * flow_demand_whatif, point for point); without the likely stage the
 * scenario is refused at load. */
Test(likely_product, a_scenario_sites_shelters_on_the_flows)
{
    char *dir = tu_tmpdir();
    tu_run r = run("synth --n 300 --seed 5 --out %s/r.csv -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    char path[700];
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    cr_assert_eq(tu_write(path, "output: s.gpkg\nincidents: {sources: [r.csv]}\ncell_m: 5000\n"
                                "routes: {to: [Arriaga]}\ndanger: {with_checkpoints: [Mapastepec]}\n"
                                "siting: {demand: flows, p: 1, radius_m: 20000}\n"
                                "stages: [danger, likely, siting]\n"),
                 0);
    r = run("run %s/s.yaml -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s\n%s", r.out, r.err);
    tu_run_free(&r);
    snprintf(path, sizeof path, "%s/s.gpkg", dir);
    size_t n_flow = 0, n_alloc = 0, n_sites = 0;
    double w_flow = weight_sum(path, "flow_demand_whatif", &n_flow);
    double w_alloc = weight_sum(path, "demand_allocation", &n_alloc);
    cr_expect_gt(n_flow, 10);
    cr_expect_eq(n_alloc, n_flow);
    cr_expect_float_eq(w_alloc, w_flow, 1e-9 * w_flow);
    double *p = NULL;
    n_sites = read_points(path, "shelter_sites", &p);
    free(p);
    cr_expect_eq(n_sites, 1);
    snprintf(path, sizeof path, "%s/t.yaml", dir);
    cr_assert_eq(tu_write(path, "incidents: {sources: [r.csv]}\nsiting: {demand: flows}\n"
                                "stages: [danger, siting]\n"),
                 0);
    r = run("run %s/t.yaml -q", dir);
    cr_expect_neq(r.exit_code, 0);
    cr_expect(strstr(r.err, "flows needs the likely stage") != NULL, "%s", r.err);
    tu_run_free(&r);
    cr_assert_eq(tu_rmdir(dir), 0);
}
