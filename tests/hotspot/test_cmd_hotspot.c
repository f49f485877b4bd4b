/*
 * test_cmd_hotspot.c - the `senda hotspot` command: help, usage errors,
 * a GeoTIFF density with a cells GeoPackage, and a GeoPackage run.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

static void write_points(const char *path)
{
    /* 40 points in UTM 15N: a tight group and a spread, weights 1..4 */
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
               "{\"name\":\"urn:ogc:def:crs:EPSG::32615\"}},\"features\":[");
    for (int i = 0; i < 40; i++)
        fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{\"w\":%d},\"geometry\":{\"type\":"
                   "\"Point\",\"coordinates\":[%d,%d]}}", i ? "," : "", 1 + i % 4,
                500000 + (i < 20 ? 100 * (i % 5) : 700 * i % 9000),
                1600000 + (i < 20 ? 100 * (i / 5) : 1300 * i % 7000));
    fprintf(f, "]}");
    fclose(f);
}

Test(cmd_hotspot, help_teaches_units_and_defaults)
{
    tu_run r = tu_senda("hotspot --help");
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strstr(r.out, "per km2") && strstr(r.out, "--kde-scale") &&
              strstr(r.out, "(default: quartic)") && strstr(r.out, "Examples"));
    tu_run_free(&r);
}

Test(cmd_hotspot, usage_errors_exit_2)
{
    tu_run r = tu_senda("hotspot --out x.gpkg");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--points") != NULL);
    tu_run_free(&r);
    r = tu_senda("hotspot --points a.gpkg --out x.gpkg --kernel cosine");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "cosine") != NULL);
    tu_run_free(&r);
    r = tu_senda("hotspot --points a.gpkg --out x.png");
    cr_assert_eq(r.exit_code, 2);
    tu_run_free(&r);
}

Test(cmd_hotspot, tif_density_and_cells_gpkg_with_json)
{
    char *dir = tu_tmpdir(), cmd[2048], pts[512];
    snprintf(pts, sizeof pts, "%s/p.geojson", dir);
    write_points(pts);
    snprintf(cmd, sizeof cmd, "hotspot --points %s --weight-field w --radius-m 1000 --cell-m 200 "
             "--extent 498000,1598000,510000,1608000 --band-m 450 --out %s/d.tif --cells-out "
             "%s/c.gpkg --json -q", pts, dir, dir);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"rows\":50") && strstr(r.out, "\"cols\":60"), "%s", r.out);
    cr_assert(strstr(r.out, "\"total_weight\":100") != NULL, "%s", r.out);
    tu_run_free(&r);
    snprintf(cmd, sizeof cmd, "%s/d.tif", dir);
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_read(ctx, cmd, &g), SENDA_OK);
    double s = 0;
    for (size_t i = 0; i < 3000; i++)
        s += senda_grid_cdata(g)[i];
    /* density per km2 times 0.04 km2 cells integrates to the weight, 100 (0.5 %) */
    cr_assert(s * 0.04 > 99.5 && s * 0.04 < 100.5, "integral %g", s * 0.04);
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
    free(dir);
}

Test(cmd_hotspot, gpkg_gets_density_and_hotspot_cells)
{
    char *dir = tu_tmpdir(), cmd[2048], pts[512], out[512];
    snprintf(pts, sizeof pts, "%s/p.geojson", dir);
    snprintf(out, sizeof out, "%s/run.gpkg", dir);
    write_points(pts);
    snprintf(cmd, sizeof cmd, "hotspot --points %s --cell-m 250 --grid hex --cells nonempty --extent-from "
             "points --study-area none --min-incidents 10 --band-m 4500 "
             "--permutations 99 --out %s -q", pts, out);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    snprintf(cmd, sizeof cmd, "ogrinfo -so %s hotspot_cells > %s/i.txt 2>&1; gdalinfo %s >> %s/i.txt 2>&1",
             out, dir, out, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/i.txt", dir);
    char *txt = tu_read(cmd);
    cr_assert(strstr(txt, "GiZScore") && strstr(txt, "GiPseudoP") && strstr(txt, "Gi_Bin"));
    cr_assert(strstr(txt, "density") != NULL);
    free(txt);
    free(dir);
}
