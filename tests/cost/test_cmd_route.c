/*
 * test_cmd_route.c - the `senda danger` and `senda route` commands on the
 * bundled layers and synthetic incidents: usage errors, outputs read back,
 * JSON summaries, and what-if changes whose direction follows from the
 * formula (every checkpoint term is a max over checkpoints, so removing one
 * can only lower the surface; adding one at a destination raises the cost
 * of its last move); plus the default GeoTIFF compression of `senda cost`.
 */
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

static char *synth_dir(void)
{
    char *dir = tu_tmpdir();
    tu_run r = run("synth --n 800 --seed 3 --out %s/demo.csv -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    return dir;
}

static json_object *get(json_object *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *k = strtok(buf, "."); k && o; k = strtok(NULL, ".")) {
        if (k[0] >= '0' && k[0] <= '9')
            o = json_object_array_get_idx(o, (size_t)atoi(k));
        else if (!json_object_object_get_ex(o, k, &o))
            return NULL;
    }
    return o;
}

static double num(json_object *o, const char *path)
{
    json_object *v = get(o, path);
    cr_assert_not_null(v, "no %s", path);
    return json_object_get_double(v);
}

Test(cmd_danger, help_teaches_the_formula_with_an_example)
{
    tu_run r = tu_senda("danger --help");
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strstr(r.out, "w_checkpoint * max over checkpoints"));
    cr_assert(strstr(r.out, "senda danger --reports demo.csv"));
    tu_run_free(&r);
    r = tu_senda("danger");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--out is required"));
    tu_run_free(&r);
    r = tu_senda("danger --out x.tif --cell-m abc");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--cell-m: 'abc' is not a number"));
    tu_run_free(&r);
}

Test(cmd_danger, without_incidents_far_cells_cost_the_base_weight)
{
    char *dir = tu_tmpdir();
    /* no incidents: density 0. The grid reaches 20 km beyond the layers, so
     * its corner cells are > 10 km from every checkpoint and > 5 km from
     * the rail: danger = w_base = 1. No cell exceeds 1 + 2 + 1 = 4. */
    tu_run r = run("danger --cell-m 5000 --no-land-mask --out %s/d.tif --json -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *j = json_tokener_parse(r.out);
    cr_assert_not_null(j, "%s", r.out);
    cr_assert_float_eq(num(j, "danger_min"), 1.0, 1e-12);
    cr_assert_leq(num(j, "danger_max"), 4.0);
    cr_assert_float_eq(num(j, "cell_m"), 5000.0, 1e-12);
    json_object_put(j);
    tu_run_free(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/d.tif", dir);
    senda_ctx *ctx;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_read(ctx, path, &g), SENDA_OK);
    cr_assert_float_eq(senda_grid_cell_m(g), 5000.0, 1e-9);
    cr_assert_float_eq(senda_grid_cdata(g)[0], 1.0, 1e-6, "the NW corner is far from all");
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(cmd_danger, sea_cells_are_nodata_under_the_land_mask)
{
    char *dir = tu_tmpdir();
    /* The grid's SW corner lies 20 km beyond the westernmost (Orizaba, about
     * -97.1) and southernmost (Ciudad Hidalgo, 14.7 N) features: near
     * (-97.3, 14.5), in the Pacific, so nodata with the mask and the base
     * weight 1 without it. */
    tu_run r = run("danger --cell-m 5000 --out %s/m.tif -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    r = run("danger --cell-m 5000 --no-land-mask --out %s/n.tif -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    senda_ctx *ctx;
    senda_ctx_create(&ctx);
    senda_grid *m = NULL, *n = NULL;
    char path[600];
    snprintf(path, sizeof path, "%s/m.tif", dir);
    cr_assert_eq(senda_grid_read(ctx, path, &m), SENDA_OK);
    snprintf(path, sizeof path, "%s/n.tif", dir);
    cr_assert_eq(senda_grid_read(ctx, path, &n), SENDA_OK);
    size_t sw = (senda_grid_n_rows(m) - 1) * senda_grid_n_cols(m);
    cr_assert(isnan(senda_grid_cdata(m)[sw]));
    cr_assert_float_eq(senda_grid_cdata(n)[sw], 1.0, 1e-6);
    senda_grid_destroy(m);
    senda_grid_destroy(n);
    senda_ctx_destroy(ctx);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(cmd_danger, points_file_gives_danger_and_density_coverages)
{
    char *dir = synth_dir();
    tu_run r = run("danger --reports %s/demo.csv --cell-m 4000 --out %s/d.gpkg --json -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *j = json_tokener_parse(r.out);
    cr_assert_gt(num(j, "incidents"), 700.0, "most of 800 synthetic rows are accepted");
    cr_assert_gt(num(j, "danger_max"), 4.0, "the density term adds up to 4 at its peak");
    json_object_put(j);
    tu_run_free(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/d.gpkg", dir);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER, NULL, (const char *const[]){"TABLE=density", NULL}, NULL);
    cr_assert_not_null(ds);
    GDALClose(ds);
    ds = GDALOpenEx(path, GDAL_OF_RASTER, NULL, (const char *const[]){"TABLE=danger", NULL}, NULL);
    cr_assert_not_null(ds);
    GDALClose(ds);
    snprintf(path, sizeof path, "%s/d.gpkg.store.gpkg", dir);
    cr_assert_null(fopen(path, "r"), "the temporary store is removed");
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(cmd_danger, unknown_checkpoint_name_is_a_usage_error)
{
    char *dir = tu_tmpdir();
    tu_run r = run("danger --without-checkpoint 'No Such Post' --out %s/d.tif -q", dir);
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "No Such Post"), "%s", r.err);
    tu_run_free(&r);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(cmd_route, help_shows_the_demo_and_bad_combinations_are_usage_errors)
{
    tu_run r = tu_senda("route --help");
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strstr(r.out, "--from 'Ciudad Hidalgo' --to Arriaga"));
    tu_run_free(&r);
    r = tu_senda("route --danger x.tif --without-checkpoint 'La Arrocera' --out o.gpkg");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "drop --danger"));
    tu_run_free(&r);
    r = tu_senda("route --store a.gpkg --reports b.csv --out o.gpkg");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "not both"));
    tu_run_free(&r);
}

Test(cmd_route, unknown_destination_fails_with_the_name)
{
    char *dir = tu_tmpdir();
    tu_run r = run("route --to Atlantis --cell-m 5000 --out %s/r.gpkg -q", dir);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert(strstr(r.err, "no place named 'Atlantis'"), "%s", r.err);
    tu_run_free(&r);
    cr_assert_eq(tu_rmdir(dir), 0);
}

/* The number of lines of the bundled rail layer (layers/corridor/rail.geojson). */
static size_t bundled_rail_lines(void)
{
    senda_ctx *ctx = NULL;
    senda_layers *ls = NULL;
    senda_ctx_create(&ctx);
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &ls, NULL, NULL), SENDA_OK);
    size_t n = senda_layers_n_features(ls, "rail");
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
    return n;
}

Test(cmd_route, demo_path_profiles_and_layers)
{
    char *dir = synth_dir();
    tu_run r = run("route --reports %s/demo.csv --from 'Ciudad Hidalgo' --to Arriaga "
                   "--cell-m 2000 --out %s/r.gpkg --profile-dir %s/prof --json -q",
                   dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *j = json_tokener_parse(r.out);
    cr_assert_not_null(j, "%s", r.out);
    cr_assert_str_eq(json_object_get_string(get(j, "paths.0.from")), "Ciudad Hidalgo");
    cr_assert_str_eq(json_object_get_string(get(j, "paths.0.to")), "Arriaga");
    /* Ciudad Hidalgo to Arriaga is about 255 km as the crow flies (1.75 deg
     * of longitude x 107 km, 1.55 deg of latitude x 111 km); a path can only
     * be longer (8-neighbour moves, detours round danger), and 400 km would
     * be a detour of more than half. Every cell costs at least w_base = 1
     * per km, so the danger is at least the length in km. */
    double km = num(j, "paths.0.length_km");
    cr_assert(km > 240.0 && km < 400.0, "length %g km", km);
    cr_assert_geq(num(j, "paths.0.danger"), km * 0.99);
    /* the default gives one alternative, never cheaper than the best */
    cr_assert_eq(json_object_get_int(get(j, "paths.1.alternative")), 1);
    cr_assert_geq(num(j, "paths.1.extra_danger_pct"), 0.0);
    size_t n_lines = bundled_rail_lines();
    cr_assert_eq(json_object_array_length(get(j, "lines")), n_lines, "every bundled rail line");
    cr_assert_eq(json_object_array_length(get(j, "profiles")), n_lines);
    json_object_put(j);
    tu_run_free(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/prof/Chiapas-Mayab-coastal-line.png", dir);
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s", path);
    fclose(fp);
    snprintf(path, sizeof path, "%s/r.gpkg", dir);
    OGRRegisterAll();
    OGRDataSourceH ds = OGROpen(path, 0, NULL);
    cr_assert_not_null(ds);
    static const char *const layers[] = {"paths", "path_profile", "route_segments", "routes"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_not_null(OGR_DS_GetLayerByName(ds, layers[i]), "%s", layers[i]);
    cr_assert_eq(OGR_L_GetFeatureCount(OGR_DS_GetLayerByName(ds, "routes"), 1),
                 (GIntBig)bundled_rail_lines());
    OGR_DS_Destroy(ds);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(cmd_route, whatif_changes_follow_the_formula)
{
    char *dir = synth_dir();
    tu_run r = run("route --reports %s/demo.csv --from 'Ciudad Hidalgo' --to Arriaga --to "
                   "Tapachula --alternatives 0 --cell-m 2000 --without-checkpoint 'La Arrocera' "
                   "--out %s/r.gpkg --json -q",
                   dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *j = json_tokener_parse(r.out);
    cr_assert_not_null(j, "%s", r.out);
    json_object *lines = get(j, "whatif.lines");
    size_t n_lines = bundled_rail_lines();
    cr_assert_eq(json_object_array_length(lines), n_lines);
    /* removing a checkpoint never raises a cell: no mean rises, no path
     * gets dearer; La Arrocera (near Huixtla, on the coastal line) lowers
     * the coastal line; line 1 (Salina Cruz-Ixtepec) is hundreds of km away
     * (more than the 10 km range): unchanged */
    for (size_t i = 0; i < n_lines; i++) {
        json_object *l = json_object_array_get_idx(lines, i);
        cr_assert_leq(num(l, "mean_danger_after"), num(l, "mean_danger_before") + 1e-12);
    }
    cr_assert_lt(num(j, "whatif.lines.0.mean_danger_after"),
                 num(j, "whatif.lines.0.mean_danger_before"));
    cr_assert_float_eq(num(j, "whatif.lines.1.mean_danger_after"),
                       num(j, "whatif.lines.1.mean_danger_before"), 1e-12);
    for (size_t i = 0; i < 2; i++) {
        json_object *p = json_object_array_get_idx(get(j, "whatif.paths"), i);
        cr_assert_leq(num(p, "danger_after"), num(p, "danger_before") + 1e-9);
    }
    json_object_put(j);
    tu_run_free(&r);
    /* a new checkpoint at Arriaga raises the friction of the destination
     * cell, which every path to it ends in: the Arriaga path gets dearer */
    r = run("route --reports %s/demo.csv --from 'Ciudad Hidalgo' --to Arriaga --alternatives 0 "
            "--cell-m 2000 --with-checkpoint Arriaga --out %s/r.gpkg --json -q",
            dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    j = json_tokener_parse(r.out);
    cr_assert_gt(num(j, "whatif.paths.0.danger_after"), num(j, "whatif.paths.0.danger_before"));
    json_object_put(j);
    tu_run_free(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/r.gpkg", dir);
    OGRRegisterAll();
    OGRDataSourceH ds = OGROpen(path, 0, NULL);
    cr_assert_not_null(OGR_DS_GetLayerByName(ds, "paths_whatif"));
    OGR_DS_Destroy(ds);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(cmd_cost, default_geotiff_is_zstd_compressed_and_tiled)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    senda_grid_create(ctx, 4, 4, 1000.0, 2000.0, 10.0, "EPSG:32615", 1.0, &g);
    char *dir = tu_tmpdir(), in[512], cmd[2048];
    snprintf(in, sizeof in, "%s/f.tif", dir);
    cr_assert_eq(senda_grid_write_tiff(ctx, g, in, &(senda_grid_tiff_opts){1, NULL}), SENDA_OK);
    snprintf(cmd, sizeof cmd, "cost --cost %s --from 1005,1995 --out %s/a.tif -q", in, dir);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    snprintf(in, sizeof in, "%s/a.tif", dir);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpen(in, GA_ReadOnly);
    cr_assert_not_null(ds);
    const char *c = GDALGetMetadataItem(ds, "COMPRESSION", "IMAGE_STRUCTURE");
    cr_assert(c && strcmp(c, "ZSTD") == 0, "COMPRESSION=%s", c ? c : "(none)");
    int bx = 0, by = 0;
    GDALGetBlockSize(GDALGetRasterBand(ds, 1), &bx, &by);
    cr_assert_eq(bx, 256, "tiled: 256 x 256 blocks");
    GDALClose(ds);
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
    cr_assert_eq(tu_rmdir(dir), 0);
}

Test(cmd_route, a_saved_surface_gives_the_same_path_danger)
{
    char *dir = synth_dir();
    /* the surface written by `senda danger` (Float32) and used with --danger
     * must give the path the danger computed in one go, up to Float32
     * rounding of the cells (relative 6e-8 each, so 1e-6 on the sum) */
    tu_run r = run("danger --reports %s/demo.csv --cell-m 4000 --out %s/d.tif -q", dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    r = run("route --danger %s/d.tif --from 'Ciudad Hidalgo' --to Arriaga --alternatives 0 "
            "--out %s/a.gpkg --json -q",
            dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *a = json_tokener_parse(r.out);
    tu_run_free(&r);
    r = run("route --reports %s/demo.csv --cell-m 4000 --from 'Ciudad Hidalgo' --to Arriaga "
            "--alternatives 0 --out %s/b.gpkg --json -q",
            dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *b = json_tokener_parse(r.out);
    tu_run_free(&r);
    double da = num(a, "paths.0.danger"), db = num(b, "paths.0.danger");
    cr_assert_float_eq(da, db, 1e-6 * db, "%g vs %g", da, db);
    json_object_put(a);
    json_object_put(b);
    cr_assert_eq(tu_rmdir(dir), 0);
}

/* --likely with a checkpoint added on the coastal line at Mapastepec: the
 * JSON carries exposure per migrant before and after and its change, the
 * product the three route-density coverages; the rail cell at the new
 * checkpoint loses route density (its halo makes walking around it cheaper
 * than passing it: the what-if can only raise the choice cost there). */
Test(cmd_route, likely_routes_with_a_checkpoint_whatif)
{
    char *dir = synth_dir();
    tu_run r = run("route --points %s/demo.csv --likely --with-checkpoint Mapastepec --to Arriaga "
                   "--alternatives 0 --out %s/likely.gpkg --json -q",
                   dir);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *root = json_tokener_parse(r.out);
    cr_assert_not_null(root, "%s", r.out);
    double b = num(root, "likely.exposure_per_migrant.before");
    double a = num(root, "likely.exposure_per_migrant.after");
    cr_assert(b > 0.0 && a > 0.0, "exposure %g -> %g", b, a);
    cr_assert_float_eq(num(root, "likely.exposure_change_pct"), 100.0 * (a - b) / b, 1e-9);
    cr_assert_float_eq(num(root, "likely.destinations.0.share_before"), 1.0, 1e-9,
                       "one destination: everyone reaches it");
    cr_assert_not_null(get(root, "likely.shelters.0.name"));
    json_object_put(root);
    tu_run_free(&r);
    /* the density on the rail at Mapastepec (15.43358 N, 92.90039 W) falls */
    char sub[4200];
    double v[2];
    const char *tables[2] = {"route_density", "route_density_whatif"};
    GDALAllRegister();
    for (int k = 0; k < 2; k++) {
        snprintf(sub, sizeof sub, "GPKG:%s/likely.gpkg:%s", dir, tables[k]);
        GDALDatasetH ds = GDALOpen(sub, GA_ReadOnly);
        cr_assert_not_null(ds, "%s", sub);
        double gt[6];
        GDALGetGeoTransform(ds, gt);
        /* Mapastepec in EPSG:32615 (gdaltransform): 510687, 1706285 */
        int col = (int)((510687.0 - gt[0]) / gt[1]), row = (int)((1706285.0 - gt[3]) / gt[5]);
        float f = 0;
        cr_assert_eq(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, col, row, 1, 1, &f, 1, 1,
                                  GDT_Float32, 0, 0),
                     CE_None);
        v[k] = f;
        GDALClose(ds);
    }
    cr_assert_lt(v[1], v[0], "route density at the checkpoint %g -> %g", v[0], v[1]);
    r = run("route --points %s/demo.csv --likely --move-checkpoint 'La Arrocera' --out %s/x.gpkg",
            dir);
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "NAME=PLACE"), "%s", r.err);
    tu_run_free(&r);
    r = run("route --points %s/demo.csv --theta 0.5 --out %s/x.gpkg", dir);
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "needs --likely"), "%s", r.err);
    tu_run_free(&r);
    cr_assert_eq(tu_rmdir(dir), 0);
}
