/*
 * test_gazetteer.c - geocoding against the bundled GeoNames extract:
 * accent- and case-insensitive, alternate names, state qualifiers, ambiguity.
 * Coordinates are GeoNames' own (geonameid in the comments).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>

#include "inc_testutil.h"
#include "io/gazetteer_int.h"
#include "testutil.h"

static senda__gazetteer *open_gaz(senda_ctx *ctx)
{
    senda__gazetteer *g = NULL;
    cr_assert_eq(senda__gazetteer_open(ctx, NULL, &g), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    return g;
}

Test(gazetteer, accents_case_and_state_qualifiers)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda__gazetteer *g = open_gaz(ctx);
    const senda__place *p = NULL;
    char msg[512];
    /* 3516266 Tapachula, Chiapas: 14.90385 -92.25749 */
    cr_assert_eq(senda__gazetteer_lookup(g, "TAPACHULA", &p, msg, sizeof msg), GAZ_FOUND);
    cr_assert_float_eq(p->lat, 14.90385, 1e-9);
    /* 3816721 Tonalá, Chiapas (MX.05) vs 3515281 Tonalá, Veracruz (MX.30) */
    cr_assert_eq(senda__gazetteer_lookup(g, "tonala, chiapas", &p, msg, sizeof msg), GAZ_FOUND);
    cr_assert_str_eq(p->admin1_code, "MX.05");
    cr_assert_eq(senda__gazetteer_lookup(g, "Tonalá (Veracruz)", &p, msg, sizeof msg),
                 GAZ_FOUND);
    cr_assert_str_eq(p->admin1_code, "MX.30");
    cr_assert_eq(senda__gazetteer_lookup(g, "Tonalá", &p, msg, sizeof msg), GAZ_AMBIGUOUS);
    cr_assert(strstr(msg, "Chiapas") && strstr(msg, "Veracruz"), "%s", msg);
    cr_assert_eq(senda__gazetteer_lookup(g, "Tonalá, Yucatán", &p, msg, sizeof msg),
                 GAZ_NOT_FOUND);
    senda__gazetteer_close(g);
    senda_ctx_destroy(ctx);
}

Test(gazetteer, alternate_names_and_country_qualifiers)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda__gazetteer *g = open_gaz(ctx);
    const senda__place *p = NULL;
    char msg[512];
    /* 3526674 Ixtepec (Oaxaca) lists "Ciudad Ixtepec" among its alternate names */
    cr_assert_eq(senda__gazetteer_lookup(g, "Ciudad Ixtepec", &p, msg, sizeof msg), GAZ_FOUND,
                 "%s", msg);
    cr_assert_str_eq(p->admin1_code, "MX.20");
    cr_assert_eq(senda__gazetteer_lookup(g, "Ixtepec", &p, msg, sizeof msg), GAZ_AMBIGUOUS);
    cr_assert_eq(senda__gazetteer_lookup(g, "Ixtepec, Puebla, México", &p, msg, sizeof msg),
                 GAZ_FOUND);
    cr_assert_str_eq(p->admin1_code, "MX.21");
    cr_assert_eq(senda__gazetteer_lookup(g, "", &p, msg, sizeof msg), GAZ_NOT_FOUND);
    senda__gazetteer_close(g);
    senda_ctx_destroy(ctx);
}

Test(gazetteer, missing_or_foreign_file_fails)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda__gazetteer *g = NULL;
    cr_assert_eq(senda__gazetteer_open(ctx, "/nonexistent.tsv", &g), SENDA_ERR_IO);
    cr_assert_eq(senda__gazetteer_open(ctx, SENDA_SOURCE_DIR "/CMakeLists.txt", &g),
                 SENDA_ERR_DATA);
    cr_assert_null(g);
    senda_ctx_destroy(ctx);
}

/* Import and route use one resolver: a name route resolves is geocoded by import
 * to the same point (bundled layers and gazetteer); "Ixtepec" is the shelter town
 * of the corridor layers in both, "Tecún Umán" the GeoNames "Ciudad Tecún Umán". */
Test(gazetteer, import_and_route_resolve_names_alike)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_layers *layers = NULL;
    cr_assert_eq(senda_layers_open(ctx, NULL, "EPSG:32615", &layers, NULL, NULL), SENDA_OK);
    char *dir = tu_tmpdir(), csv[1100], db[1100];
    snprintf(csv, sizeof csv, "%s/names.csv", dir);
    snprintf(db, sizeof db, "%s/names.gpkg", dir);
    free(dir);
    cr_assert_eq(tu_write(csv, "fecha,tipo,lugar\n2020-01-02,secuestro,Ixtepec\n"
                               "2020-01-03,secuestro,Tecún Umán\n"), 0);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.layers = layers;
    const char *files[] = {csv};
    senda_incidents_import_summary sum;
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, &sum, NULL, NULL), SENDA_OK,
                 "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.accepted, 2, "%s", inc_q(db, "SELECT group_concat(message) FROM "
                                                  "incident_rejects", (char[512]){0}, 512));
    const char *names[] = {"Ixtepec", "Tecún Umán"};
    for (int i = 0; i < 2; i++) {
        double x, y, gx, gy;
        cr_assert_eq(senda_cost_place_resolve(ctx, layers, names[i], &x, &y), SENDA_OK);
        char sql[160], pt[64];
        snprintf(sql, sizeof sql, "SELECT lon || ',' || lat FROM incidents WHERE source_row=%d",
                 i + 1);
        cr_assert_eq(senda_cost_place_resolve(ctx, layers, inc_q(db, sql, pt, sizeof pt), &gx, &gy),
                     SENDA_OK);
        cr_assert_float_eq(x, gx, 0.01, "%s", names[i]); /* metres, after two PROJ trips */
        cr_assert_float_eq(y, gy, 0.01, "%s", names[i]);
    }
    senda_layers_destroy(layers);
    senda_ctx_destroy(ctx);
}
