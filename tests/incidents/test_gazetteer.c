/*
 * test_gazetteer.c - geocoding against the bundled GeoNames extract:
 * accent- and case-insensitive, alternate names, state qualifiers, ambiguity.
 * Coordinates are GeoNames' own (geonameid in the comments).
 */
#include <criterion/criterion.h>

#include "io/gazetteer_int.h"

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
