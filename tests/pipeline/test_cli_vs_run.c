/*
 * test_cli_vs_run.c - `senda danger`, `senda hotspot` and `senda route` and
 * `senda run` with the same parameters write the same layers: both are thin
 * callers of the pipeline stages (engine/pipeline), so every raster cell,
 * every feature's fields and geometry must be identical, not close. The
 * reference is the other caller: the CLI's GeoPackage against the scenario
 * product's table of the same name. Synthetic reports (senda synth) are
 * imported both ways (--reports / incidents.sources).
 */
#include <criterion/criterion.h>
#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
    dir = tu_tmpdir();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "synth --n 600 --seed 5 --out %s/r.csv -q", dir);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    GDALAllRegister();
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

/* Run a CLI command (fmt has one %s for the directory, used repeatedly). */
static void cli(const char *fmt)
{
    char args[2048], cmd[4096];
    snprintf(args, sizeof args, fmt, dir, dir, dir, dir);
    snprintf(cmd, sizeof cmd, "%s -q", args);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "senda %s: %s", args, r.err);
    tu_run_free(&r);
}

/* `senda run` over one scenario (keys in yaml) writing dir/run.gpkg. */
static void run(const char *yaml)
{
    char text[2048], path[600], cmd[700];
    snprintf(text, sizeof text, "output: run.gpkg\nincidents: {sources: [r.csv]}\n%s", yaml);
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    cr_assert_eq(tu_write(path, text), 0);
    snprintf(cmd, sizeof cmd, "run %s -q", path);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s\n%s", r.out, r.err);
    tu_run_free(&r);
}

static void same_raster(const char *a, const char *b, const char *table)
{
    char pa[600], pb[600], opt[80];
    snprintf(pa, sizeof pa, "%s/%s", dir, a);
    snprintf(pb, sizeof pb, "%s/%s", dir, b);
    snprintf(opt, sizeof opt, "TABLE=%s", table);
    const char *const oo[] = {opt, NULL};
    GDALDatasetH da = GDALOpenEx(pa, GDAL_OF_RASTER, NULL, oo, NULL);
    GDALDatasetH db = GDALOpenEx(pb, GDAL_OF_RASTER, NULL, oo, NULL);
    cr_assert(da && db, "%s: coverage %s in both", table, table);
    int nx = GDALGetRasterXSize(da), ny = GDALGetRasterYSize(da);
    cr_assert(nx == GDALGetRasterXSize(db) && ny == GDALGetRasterYSize(db), "%s: size", table);
    double ga[6], gb[6];
    GDALGetGeoTransform(da, ga);
    GDALGetGeoTransform(db, gb);
    cr_assert_arr_eq(ga, gb, sizeof ga, "%s: geotransform", table);
    float *va = malloc(sizeof(float) * (size_t)nx * (size_t)ny);
    float *vb = malloc(sizeof(float) * (size_t)nx * (size_t)ny);
    cr_assert_eq(GDALRasterIO(GDALGetRasterBand(da, 1), GF_Read, 0, 0, nx, ny, va, nx, ny,
                              GDT_Float32, 0, 0), CE_None);
    cr_assert_eq(GDALRasterIO(GDALGetRasterBand(db, 1), GF_Read, 0, 0, nx, ny, vb, nx, ny,
                              GDT_Float32, 0, 0), CE_None);
    size_t n_diff = 0, n_valid = 0;
    for (size_t i = 0; i < (size_t)nx * (size_t)ny; i++) {
        n_diff += memcmp(&va[i], &vb[i], sizeof *va) != 0;
        n_valid += va[i] == va[i];
    }
    cr_assert_eq(n_diff, 0, "%s: %zu of %d cells differ", table, n_diff, nx * ny);
    cr_assert_gt(n_valid, 0, "%s: some valid cells", table);
    free(va);
    free(vb);
    GDALClose(da);
    GDALClose(db);
}

/* Every feature's fields (as text) and geometry (as WKT), in fid order. */
static void same_layer(const char *a, const char *b, const char *layer, long min_features)
{
    char pa[600], pb[600];
    snprintf(pa, sizeof pa, "%s/%s", dir, a);
    snprintf(pb, sizeof pb, "%s/%s", dir, b);
    GDALDatasetH da = GDALOpenEx(pa, GDAL_OF_VECTOR, NULL, NULL, NULL);
    GDALDatasetH db = GDALOpenEx(pb, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert(da && db);
    OGRLayerH la = GDALDatasetGetLayerByName(da, layer), lb = GDALDatasetGetLayerByName(db, layer);
    cr_assert(la && lb, "layer %s in both", layer);
    long n = (long)OGR_L_GetFeatureCount(la, 1);
    cr_assert_eq(n, (long)OGR_L_GetFeatureCount(lb, 1), "%s: feature count", layer);
    cr_assert_geq(n, min_features, "%s: %ld features", layer, n);
    int nf = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(la));
    cr_assert_eq(nf, OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(lb)), "%s: fields", layer);
    OGRFeatureH fa, fb;
    while ((fa = OGR_L_GetNextFeature(la)) != NULL) {
        fb = OGR_L_GetNextFeature(lb);
        cr_assert_not_null(fb);
        for (int k = 0; k < nf; k++)
            cr_assert_str_eq(OGR_F_GetFieldAsString(fa, k), OGR_F_GetFieldAsString(fb, k),
                             "%s: feature %lld field %s", layer, (long long)OGR_F_GetFID(fa),
                             OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(fa, k)));
        OGRGeometryH ga = OGR_F_GetGeometryRef(fa), gb = OGR_F_GetGeometryRef(fb);
        cr_assert_eq(!ga, !gb, "%s: geometry presence", layer);
        if (ga) {
            char *wa = NULL, *wb = NULL;
            OGR_G_ExportToIsoWkt(ga, &wa);
            OGR_G_ExportToIsoWkt(gb, &wb);
            cr_assert_str_eq(wa, wb, "%s: feature %lld geometry", layer,
                             (long long)OGR_F_GetFID(fa));
            CPLFree(wa);
            CPLFree(wb);
        }
        OGR_F_Destroy(fa);
        OGR_F_Destroy(fb);
    }
    GDALClose(da);
    GDALClose(db);
}

TestSuite(cli_vs_run, .init = setup, .fini = teardown, .timeout = 600);

Test(cli_vs_run, danger_with_weights_and_what_if)
{
    cli("danger --reports %s/r.csv --cell-m 5000 --w-density 3 --rail-range-m 8000 "
        "--date-from 2015 --victims women,minors --without-checkpoint 'La Arrocera' "
        "--out %s/cli.gpkg");
    run("cell_m: 5000\nfilter: {date_from: 2015, victims: [women, minors]}\n"
        "danger: {w_density: 3, rail_range_m: 8000, without_checkpoints: [La Arrocera]}\n"
        "stages: [density, danger]\n");
    same_raster("cli.gpkg", "run.gpkg", "danger");
    same_raster("cli.gpkg", "run.gpkg", "density");
    same_raster("cli.gpkg", "run.gpkg", "danger_whatif");
}

Test(cli_vs_run, hotspot_cells)
{
    cli("hotspot --reports %s/r.csv --cell-m 20000 --radius-m 30000 --types kidnapping,extortion "
        "--out %s/cli.gpkg");
    run("hotspot: {cell_m: 20000, radius_m: 30000}\nfilter: {types: [kidnapping, extortion]}\n"
        "stages: [hotspot]\n");
    same_layer("cli.gpkg", "run.gpkg", "hotspot_cells", 10);
}

Test(cli_vs_run, route_paths_lines_and_what_if)
{
    cli("route --reports %s/r.csv --cell-m 5000 --from 'Ciudad Hidalgo' --to Arriaga "
        "--to Palenque --alternatives 1 --window-m 20000 --without-checkpoint 'La Arrocera' "
        "--out %s/cli.gpkg");
    run("cell_m: 5000\n"
        "routes: {from: [Ciudad Hidalgo], to: [Arriaga, Palenque], alternatives: 1, "
        "window_m: 20000}\n"
        "danger: {without_checkpoints: [La Arrocera]}\n"
        "stages: [danger, cost, route]\n");
    same_raster("cli.gpkg", "run.gpkg", "danger");
    same_raster("cli.gpkg", "run.gpkg", "danger_whatif");
    same_layer("cli.gpkg", "run.gpkg", "paths", 4);
    same_layer("cli.gpkg", "run.gpkg", "path_profile", 40);
    same_layer("cli.gpkg", "run.gpkg", "paths_whatif", 4);
    same_layer("cli.gpkg", "run.gpkg", "path_profile_whatif", 40);
    same_layer("cli.gpkg", "run.gpkg", "route_segments", 10);
    same_layer("cli.gpkg", "run.gpkg", "routes", 3);
}

/* Likely routes with a moved checkpoint and non-default weights of every
 * kind (choice, exposure, route choice): the CLI's options and the
 * scenario's keys fill the same route-stage record, so the coverages, the
 * per-crossing table and the what-if's checkpoints are identical. */
Test(cli_vs_run, likely_routes_and_what_if)
{
    cli("route --reports %s/r.csv --cell-m 5000 --to Arriaga --alternatives 0 --likely "
        "--theta 0.3 --w-detect 4 --detect-range-m 12000 --train-factor 0.6 "
        "--w-exposure-base 0.3 --w-incident 5 --w-remote 2 --remote-range-m 25000 --w-train 1.5 "
        "--town-min-population 10000 --move-checkpoint 'La Arrocera=Mapastepec' "
        "--out %s/cli.gpkg");
    run("cell_m: 5000\n"
        "routes: {to: [Arriaga], alternatives: 0}\n"
        "danger: {move_checkpoints: ['La Arrocera=Mapastepec']}\n"
        "likely: {theta: 0.3}\n"
        "choice: {w_detect: 4, detect_range_m: 12000, train_factor: 0.6}\n"
        "exposure: {w_base: 0.3, w_incident: 5, w_remote: 2, remote_range_m: 25000, "
        "w_train: 1.5, town_min_population: 10000}\n"
        "stages: [danger, cost, route, likely]\n");
    const char *cov[] = {"exposure", "choice_cost", "route_density", "choice_cost_whatif",
                         "route_density_whatif", "route_density_change"};
    for (size_t i = 0; i < sizeof cov / sizeof cov[0]; i++)
        same_raster("cli.gpkg", "run.gpkg", cov[i]);
    same_layer("cli.gpkg", "run.gpkg", "likely_corridors", 7);
    same_layer("cli.gpkg", "run.gpkg", "checkpoints_added", 1);
    same_layer("cli.gpkg", "run.gpkg", "checkpoints_removed", 1);
    same_layer("cli.gpkg", "run.gpkg", "flow_demand_whatif", 10);
    same_layer("cli.gpkg", "run.gpkg", "route_segments", 10);
}

/* The choice's optional layers (a river with a bridge, a patrolled road,
 * drawn here across the coastal plain near Huixtla; not real courses) and
 * their weights: the CLI's --w-patrol, --patrol-range-m, --river-clear-m and
 * the scenario's choice keys give the same coverages, and the layers change
 * the choice cost (the river's cells are barriers: NaN). */
Test(cli_vs_run, likely_routes_with_rivers_and_patrolled_roads)
{
    char cmd[1200], path[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/lay' && cp '%s'/layers/corridor/*.geojson '%s/lay/'",
             dir, SENDA_SOURCE_DIR, dir);
    cr_assert_eq(system(cmd), 0);
    static const char *const extra[][2] = {
        {"rivers", "{\"type\":\"Feature\",\"properties\":{\"name\":\"test river\"},"
                   "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[-92.60,14.95],"
                   "[-92.55,15.10],[-92.50,15.25],[-92.45,15.45]]}}"},
        {"river_crossings", "{\"type\":\"Feature\",\"properties\":{\"name\":\"bridge\"},"
                            "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-92.533,15.15]}}"},
        {"patrol_roads", "{\"type\":\"Feature\",\"properties\":{\"name\":\"highway\"},"
                         "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[-92.26,14.90],"
                         "[-92.47,15.14],[-92.90,15.44]]}}"},
    };
    for (size_t i = 0; i < 3; i++) {
        char text[700];
        snprintf(path, sizeof path, "%s/lay/%s.geojson", dir, extra[i][0]);
        snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s]}",
                 extra[i][1]);
        cr_assert_eq(tu_write(path, text), 0);
    }
    cli("route --reports %s/r.csv --layers %s/lay --cell-m 2000 --to Arriaga --alternatives 0 "
        "--likely --w-patrol 3 --patrol-range-m 4000 --river-clear-m 4000 "
        "--with-checkpoint Mapastepec --out %s/cli.gpkg");
    run("cell_m: 2000\n"
        "layers: lay\n"
        "routes: {to: [Arriaga], alternatives: 0}\n"
        "danger: {with_checkpoints: [Mapastepec]}\n"
        "choice: {w_patrol: 3, patrol_range_m: 4000, river_clear_m: 4000}\n"
        "stages: [danger, cost, route, likely]\n");
    const char *cov[] = {"exposure", "choice_cost", "route_density", "route_density_whatif"};
    for (size_t i = 0; i < sizeof cov / sizeof cov[0]; i++)
        same_raster("cli.gpkg", "run.gpkg", cov[i]);
    same_layer("cli.gpkg", "run.gpkg", "likely_corridors", 7);
    /* the river bars cells of the choice cost, which says so */
    snprintf(path, sizeof path, "%s/cli.gpkg", dir);
    const char *const oo[] = {"TABLE=choice_cost", NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER, NULL, oo, NULL);
    cr_assert(ds);
    const char *desc = GDALGetMetadataItem(ds, "DESCRIPTION", NULL);
    cr_assert(desc && strstr(desc, "patrolled roads") && strstr(desc, "river cells barred") &&
                  !strstr(desc, "; 0 river cells"),
              "%s", desc ? desc : "(none)");
    GDALClose(ds);
}

