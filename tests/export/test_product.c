/*
 * test_product.c - the GeoPackage product: corridor layers, styles in
 * layer_styles, the QGIS project in qgis_projects, provenance in
 * gpkg_metadata, SHA-256, and GDAL's validator on the result.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>

#include "export/export_int.h"
#include "grid/grid_int.h"
#include "testutil.h"

static senda_ctx *ctx;
static char *dir;
static char path[512];

static void setup(void)
{
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    dir = tu_tmpdir();
    snprintf(path, sizeof path, "%s/out.gpkg", dir);
}

static void teardown(void)
{
    senda_ctx_destroy(ctx);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (!getenv("SENDA_TEST_KEEP")) /* keep the files to look at them */
        cr_assert_eq(system(cmd), 0);
    free(dir);
}

/* FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): "abc", the 448-bit
 * two-block message, and the empty string (a well-known constant). */
Test(export, sha256_matches_the_standard_examples)
{
    char hex[65];
    senda__sha256("abc", 3, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    senda__sha256(two, strlen(two), hex);
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    senda__sha256("", 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(export, sha256_of_a_file_equals_sha256_of_its_bytes, .init = setup, .fini = teardown)
{
    /* 1000 bytes crosses several 64-byte blocks and ends mid-block */
    char data[1000], file[600], a[65], b[65];
    for (int i = 0; i < 1000; i++)
        data[i] = (char)('a' + i % 26);
    snprintf(file, sizeof file, "%s/x.bin", dir);
    FILE *fp = fopen(file, "wb");
    fwrite(data, 1, sizeof data, fp);
    fclose(fp);
    cr_assert_eq(senda__sha256_file(ctx, file, a), SENDA_OK);
    senda__sha256(data, sizeof data, b);
    cr_assert_str_eq(a, b);
    cr_assert_eq(senda__sha256_file(ctx, "/nonexistent/f", a), SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "/nonexistent/f") != NULL);
}

/* A small hotspot layer: 3 square cells with Gi_Bin -3, 0, 3. */
static void add_hotspot_cells(void)
{
    GDALDatasetH ds = NULL;
    cr_assert_eq(senda__gpkg_open(ctx, path, &ds), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    OGRLayerH lyr = NULL;
    cr_assert_eq(senda__gpkg_layer(ctx, ds, "hotspot_cells", wkbPolygon, "EPSG:32615", &lyr),
                 SENDA_OK);
    OGRFieldDefnH fd = OGR_Fld_Create("gi_bin", OFTInteger);
    OGR_L_CreateField(lyr, fd, TRUE);
    OGR_Fld_Destroy(fd);
    for (int i = 0; i < 3; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldInteger(f, 0, 3 * i - 3);
        char wkt[200], *p = wkt;
        double x = 500000 + i * 1000.0;
        snprintf(wkt, sizeof wkt, "POLYGON((%g 1600000,%g 1600000,%g 1601000,%g 1601000,%g "
                 "1600000))", x, x + 1000, x + 1000, x, x);
        OGRGeometryH g = NULL;
        OGR_G_CreateFromWkt(&p, NULL, &g);
        OGR_F_SetGeometryDirectly(f, g);
        cr_assert_eq(OGR_L_CreateFeature(lyr, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
}

static void add_density(void)
{
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_create(ctx, 4, 5, 480000, 1610000, 1000, "EPSG:32615", 0, &g),
                 SENDA_OK);
    for (int i = 0; i < 20; i++)
        senda_grid_data(g)[i] = 0.1 * i;
    senda_grid_set_units(ctx, g, "incidents per km²", "kernel density");
    cr_assert_eq(senda_export_grid(ctx, path, "density", g, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    senda_grid_destroy(g);
}

static void build_product(const char *final)
{
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, NULL, NULL, &ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_export_layers(ctx, path, ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    senda_layers_destroy(ls);
    add_density();
    add_hotspot_cells();
    char input[600];
    snprintf(input, sizeof input, "%s/in.csv", dir);
    tu_write(input, "abc");
    const char *inputs[] = {input};
    senda_export_product_info info;
    senda_export_product_info_init(&info);
    info.title = "Test corridor";
    info.final_path = final;
    info.scenario_name = "test";
    info.scenario_text = "cell_m: 1000  # it's quoted\n";
    info.params = "cell_m: 1000\nhotspot.kernel: quartic\n";
    info.counts = "incidents: 3\n";
    info.inputs = inputs;
    info.n_inputs = 1;
    cr_assert_eq(senda_export_finish(ctx, path, &info, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
}

/* The first row of an SQL query as text ("" when none). */
static char *query(const char *sql)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    char *out = strdup("");
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    if (f) {
        free(out);
        out = strdup(OGR_F_GetFieldAsString(f, 0));
        OGR_F_Destroy(f);
    }
    if (r)
        GDALDatasetReleaseResultSet(ds, r);
    GDALClose(ds);
    return out;
}

static void assert_query(const char *sql, const char *want)
{
    char *got = query(sql);
    cr_assert_str_eq(got, want, "%s", sql);
    free(got);
}

Test(export, product_has_every_layer_styled_with_its_renderer, .init = setup, .fini = teardown)
{
    build_product(NULL);
    /* 5 corridor layers + hotspot cells + density */
    assert_query("SELECT COUNT(*) FROM layer_styles WHERE useAsDefault = 1", "7");
    assert_query("SELECT COUNT(*) FROM gpkg_contents WHERE table_name NOT IN "
                 "(SELECT f_table_name FROM layer_styles) AND table_name <> 'layer_styles'",
                 "0");
    assert_query("SELECT instr(styleQML, 'type=\"categorizedSymbol\" symbollevels=\"0\" "
                 "forceraster=\"0\" enableorderby=\"0\" attr=\"gi_bin\"') > 0 FROM layer_styles "
                 "WHERE f_table_name = 'hotspot_cells'", "1");
    /* the 99 % hot spot colour of the familiar 7-class scheme */
    assert_query("SELECT instr(styleQML, '214,47,39,255') > 0 FROM layer_styles "
                 "WHERE f_table_name = 'hotspot_cells'", "1");
    assert_query("SELECT instr(styleQML, 'singlebandpseudocolor') > 0 AND "
                 "instr(styleQML, 'suffix=\" incidents per km²\"') > 0 FROM layer_styles "
                 "WHERE f_table_name = 'density'", "1");
    assert_query("SELECT f_geometry_column FROM layer_styles WHERE f_table_name = 'rail'", "geom");
    /* every vector table has an R*Tree spatial index */
    assert_query("SELECT COUNT(*) FROM gpkg_contents c WHERE data_type = 'features' AND "
                 "table_name <> 'layer_styles' AND NOT EXISTS (SELECT 1 FROM gpkg_extensions e "
                 "WHERE e.table_name = c.table_name AND e.extension_name = 'gpkg_rtree_index')",
                 "0");
}

Test(export, product_embeds_a_qgis_project_as_hex_zip, .init = setup, .fini = teardown)
{
    char final[600];
    snprintf(final, sizeof final, "%s/corridor.gpkg", dir);
    build_product(final);
    assert_query("SELECT name FROM qgis_projects", "test");
    /* a zip starts with the local file header signature PK\3\4 = 504b0304 */
    assert_query("SELECT substr(content, 1, 8) FROM qgis_projects", "504b0304");
    assert_query("SELECT json_extract(metadata, '$.last_modified_user') FROM qgis_projects",
                 "senda");
    /* unzip it through GDAL's /vsizip/ and look at the datasources */
    char *hex = query("SELECT CAST(content AS TEXT) FROM qgis_projects");
    size_t n = strlen(hex) / 2;
    GByte *bytes = malloc(n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        bytes[i] = (GByte)v;
    }
    VSIFCloseL(VSIFileFromMemBuffer("/vsimem/p.qgz", bytes, n, FALSE));
    VSILFILE *fp = VSIFOpenL("/vsizip/{/vsimem/p.qgz}/test.qgs", "rb");
    cr_assert_not_null(fp, "test.qgs is not in the archive");
    char *xml = calloc(1, 1 << 20);
    VSIFReadL(xml, 1, (1 << 20) - 1, fp);
    VSIFCloseL(fp);
    cr_assert(strstr(xml, "<datasource>./corridor.gpkg|layername=rail</datasource>") != NULL);
    cr_assert(strstr(xml, "<datasource>GPKG:./corridor.gpkg:density</datasource>") != NULL);
    /* border before rail before the density: the frame is drawn on top */
    char *border = strstr(xml, "<layer id=\"senda_layer_border\"/>");
    char *rail = strstr(xml, "<layer id=\"senda_layer_rail\"/>");
    char *density = strstr(xml, "<layer id=\"senda_layer_density\"/>");
    cr_assert(border && rail && density && border < rail && rail < density);
    cr_assert(strstr(xml, "<title>Test corridor</title>") != NULL);
    VSIUnlink("/vsimem/p.qgz");
    free(xml);
    free(bytes);
    free(hex);
}

Test(export, product_records_provenance_in_gpkg_metadata, .init = setup, .fini = teardown)
{
    build_product(NULL);
    assert_query("SELECT json_extract(metadata, '$.engine.version') FROM gpkg_metadata WHERE "
                 "mime_type = 'application/json'", senda_version());
    /* SHA-256("abc"), FIPS 180-4 example */
    assert_query("SELECT json_extract(metadata, '$.inputs[0].sha256') FROM gpkg_metadata WHERE "
                 "mime_type = 'application/json'",
                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_query("SELECT json_extract(metadata, '$.parameters.\"hotspot.kernel\"') FROM "
                 "gpkg_metadata WHERE mime_type = 'application/json'", "quartic");
    assert_query("SELECT json_extract(metadata, '$.counts.incidents') FROM gpkg_metadata WHERE "
                 "mime_type = 'application/json'", "3");
    assert_query("SELECT metadata FROM gpkg_metadata WHERE mime_type = 'application/yaml'",
                 "cell_m: 1000  # it's quoted\n");
    assert_query("SELECT COUNT(*) FROM gpkg_metadata_reference WHERE reference_scope = "
                 "'geopackage'", "2");
}

Test(export, product_passes_gdal_validator, .init = setup, .fini = teardown)
{
    const char *v = "/usr/share/doc/python3-gdal/examples/validate_gpkg.py";
    if (access(v, R_OK) != 0)
        cr_skip_test("GDAL's validate_gpkg.py (python3-gdal) absent");
    build_product(NULL);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s '%s' >'%s/v.txt' 2>&1", v, path, dir);
    int rc = system(cmd);
    char out[600];
    snprintf(out, sizeof out, "%s/v.txt", dir);
    char *text = tu_read(out);
    cr_assert_eq(rc, 0, "validator: %s", text);
    free(text);
}

Test(export, finish_rejects_missing_arguments_and_files, .init = setup, .fini = teardown)
{
    senda_export_product_info info;
    senda_export_product_info_init(&info);
    cr_assert_eq(senda_export_finish(ctx, NULL, &info, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "NULL") != NULL);
    cr_assert_eq(senda_export_finish(ctx, "/nonexistent/x.gpkg", &info, NULL, NULL),
                 SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "/nonexistent/x.gpkg") != NULL);
}

static int stop_at_second(double c, const char *m, void *arg)
{
    (void)c, (void)m;
    return ++*(int *)arg < 2;
}

Test(export, finish_can_be_cancelled, .init = setup, .fini = teardown)
{
    add_density();
    senda_export_product_info info;
    senda_export_product_info_init(&info);
    int calls = 0;
    cr_assert_eq(senda_export_finish(ctx, path, &info, stop_at_second, &calls),
                 SENDA_ERR_CANCELLED, "%s", senda_ctx_errmsg(ctx));
    cr_assert(strstr(senda_ctx_errmsg(ctx), "cancelled") != NULL);
}

Test(export, finish_reports_allocation_failure, .init = setup, .fini = teardown)
{
    add_density();
    senda_export_product_info info;
    senda_export_product_info_init(&info);
    senda_ctx_fail_alloc_after(ctx, 1);
    cr_assert_eq(senda_export_finish(ctx, path, &info, NULL, NULL), SENDA_ERR_NOMEM);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "out of memory") != NULL);
}

/* PNG: 8-byte signature, then the IHDR chunk holding width and height
 * (big-endian) at bytes 16..23 (PNG specification, section 5.2 and 11.2.2). */
static void png_size(const char *png, unsigned *w, unsigned *h)
{
    unsigned char b[24] = {0};
    FILE *fp = fopen(png, "rb");
    cr_assert_not_null(fp, "%s not written", png);
    cr_assert_eq(fread(b, 1, 24, fp), 24);
    fclose(fp);
    cr_assert(memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0);
    *w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    *h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
}

Test(export, render_draws_a_png_of_the_asked_width, .init = setup, .fini = teardown)
{
    build_product(NULL);
    char png[600];
    snprintf(png, sizeof png, "%s/map.png", dir);
    senda_export_render_opts ro;
    senda_export_render_opts_init(&ro);
    ro.width_px = 1000;
    cr_assert_eq(senda_export_render(ctx, path, png, &ro, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    unsigned w, h;
    png_size(png, &w, &h);
    cr_assert_eq(w, 1000);
    cr_assert_gt(h, 300);
    ro.surface = "hotspot_cells";
    cr_assert_eq(senda_export_render(ctx, path, png, &ro, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
}

Test(export, render_refuses_bad_width_and_unknown_surface, .init = setup, .fini = teardown)
{
    build_product(NULL);
    char png[600];
    snprintf(png, sizeof png, "%s/map.png", dir);
    senda_export_render_opts ro;
    senda_export_render_opts_init(&ro);
    ro.width_px = 10;
    cr_assert_eq(senda_export_render(ctx, path, png, &ro, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "400..8000 px, got 10") != NULL);
    ro.width_px = 800;
    ro.surface = "nope";
    cr_assert_eq(senda_export_render(ctx, path, png, &ro, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "no table 'nope'") != NULL);
    cr_assert_neq(access(png, F_OK), 0, "no picture on failure");
}

Test(export, render_can_be_cancelled, .init = setup, .fini = teardown)
{
    build_product(NULL);
    char png[600];
    snprintf(png, sizeof png, "%s/map.png", dir);
    int calls = 0;
    cr_assert_eq(senda_export_render(ctx, path, png, NULL, stop_at_second, &calls),
                 SENDA_ERR_CANCELLED);
    cr_assert_neq(access(png, F_OK), 0, "no picture after cancelling");
}

Test(export, describe_lists_tables_styles_and_provenance, .init = setup, .fini = teardown)
{
    build_product(NULL);
    senda_export_product_desc *d = NULL;
    cr_assert_eq(senda_export_product_describe(ctx, path, &d), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(d->n_layers, 7);
    int seen_density = 0;
    for (size_t i = 0; i < d->n_layers; i++) {
        if (strcmp(d->layers[i].name, "density") == 0) {
            seen_density = 1;
            cr_assert(d->layers[i].coverage);
            cr_assert_str_eq(d->layers[i].units, "incidents per km²");
            /* the cells were 0.1 * i for i = 0..19: range 0 .. 1.9 (float32) */
            cr_assert_float_eq(d->layers[i].max, 1.9, 1e-6);
            cr_assert_str_eq(d->layers[i].style, "singlebandpseudocolor");
        }
        if (strcmp(d->layers[i].name, "hotspot_cells") == 0)
            cr_assert_eq(d->layers[i].n_features, 3);
    }
    cr_assert(seen_density);
    cr_assert_str_eq(d->project, "test");
    cr_assert(strstr(d->provenance, "\"incidents\":3") != NULL, "%s", d->provenance);
    senda_export_product_desc_destroy(d);
    cr_assert_eq(senda_export_product_describe(ctx, "/nonexistent.gpkg", &d), SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "/nonexistent.gpkg") != NULL);
}

Test(export, cli_info_and_render, .init = setup, .fini = teardown)
{
    build_product(NULL);
    char args[1400];
    snprintf(args, sizeof args, "info '%s'", path);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "hotspot_cells") && strstr(r.out, "categorizedSymbol"), "%s", r.out);
    cr_assert(strstr(r.out, "hotspot.kernel") != NULL, "%s", r.out);
    tu_run_free(&r);
    snprintf(args, sizeof args, "info '%s' --json", path);
    r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strstr(r.out, "\"project\":\"test\"") || strstr(r.out, "\"project\": \"test\""),
              "%s", r.out);
    tu_run_free(&r);
    snprintf(args, sizeof args, "render '%s' --png '%s/m.png' -q", path, dir);
    r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("render");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "needs OUT.gpkg and --png") != NULL, "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("info /nonexistent.gpkg");
    cr_assert_eq(r.exit_code, 1);
    tu_run_free(&r);
}
