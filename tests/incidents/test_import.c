/*
 * test_import.c - `senda incidents import` end to end: the messy spreadsheet
 * row by row, the IOM Missing Migrants files against a hand count, repeated
 * and cross-file imports, the transaction, errors, cancellation and
 * allocation failure.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "inc_testutil.h"
#include "testutil.h"

static senda_layers *test_layers(senda_ctx *ctx)
{
    senda_layers *ls = NULL;
    cr_assert_eq(senda_layers_open(ctx, INC_LAYERS, NULL, &ls, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    return ls;
}

static senda_status import1(senda_ctx *ctx, const char *store, const char *file,
                            const senda_layers *ls, senda_incidents_import_summary *sum)
{
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.today = INC_TODAY;
    o.layers = ls;
    const char *files[] = {file};
    return senda_incidents_import(ctx, store, files, 1, &o, sum, NULL, NULL);
}

static void store_path(char *buf, size_t n, const char *name)
{
    char *d = tu_tmpdir();
    snprintf(buf, n, "%s/%s", d, name);
    free(d);
}

/* The outcome of a row: its status in incidents, or its reject reason. */
static const char *outcome(const char *db, long row, char *buf, size_t n)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT status FROM incidents WHERE source_row=%ld UNION ALL "
             "SELECT reason FROM incident_rejects WHERE source_row=%ld", row, row);
    return inc_q(db, sql, buf, n);
}

static double field_d(const char *db, long row, const char *col)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM incidents WHERE source_row=%ld", col, row);
    return inc_qd(db, sql);
}

static const char *field_s(const char *db, long row, const char *col, char *buf, size_t n)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM incidents WHERE source_row=%ld", col, row);
    return inc_q(db, sql, buf, n);
}

/* Expected outcome of every row of messy_latin1.csv (its `id` column = row; the
 * generator tests/data/incidents/make_messy.py says what each row tests).
 * lat/lon: worked by hand from the row text (NAN: not stored). */
static const struct {
    long row;
    const char *outcome, *type, *flags;
    double lat, lon;
} messy[] = {
    {1, "accepted", "kidnapping", "", 14.9038, -92.2575},        /* decimal commas */
    {2, "accepted", "extortion", "", 14.0 + 54 / 60.0 + 30 / 3600.0, -92.25}, /* DMS */
    {3, "accepted", "robbery_assault", "", 15 + 8 / 60.0 + 20 / 3600.0,
     -(92 + 27 / 60.0 + 50 / 3600.0)},                             /* DMS with blanks */
    {4, "repaired", "sexual_violence", "", 15.1392, -92.4641},   /* |lat| > 90: swapped */
    {5, "repaired", "homicide", "", 17.2, -88.5},                 /* in range, swapped fits */
    {6, "repaired", "homicide", "", 16.2359, -93.9},              /* missing west sign */
    {7, "zero_zero", NULL, NULL, NAN, NAN},
    {8, "out_of_range", NULL, NULL, NAN, NAN},
    {9, "outside_study_area", NULL, NULL, NAN, NAN},              /* Mexico City, lon < -99 */
    {10, "accepted", "disappearance", "low_precision", 16, -93},  /* whole degrees */
    {11, "accepted", "other", "type_unknown", 16.5, -93.5},
    {12, "future_date", NULL, NULL, NAN, NAN},
    {13, "bad_date", NULL, NULL, NAN, NAN},                       /* 31 February */
    {14, "negative_count", NULL, NULL, NAN, NAN},
    {15, "bad_count", NULL, NULL, NAN, NAN},                      /* "varios" */
    {16, "accepted", "trafficking", "geocoded", 17.4729, -91.4236}, /* GeoNames Tenosique */
    {17, "accepted", "abuse_by_authority", "geocoded", 16.08977, -93.75489}, /* Tonalá MX.05 */
    {18, "ambiguous_place", NULL, NULL, NAN, NAN},                /* Ixtepec MX.20 / MX.21 */
    {19, "ambiguous_place", NULL, NULL, NAN, NAN},                /* Tonalá MX.05 / MX.30 */
    {20, "place_not_found", NULL, NULL, NAN, NAN},
    {21, "no_coordinates", NULL, NULL, NAN, NAN},
    {22, "bad_coordinates", NULL, NULL, NAN, NAN},
    {23, "duplicate", "kidnapping", "", 14.91, -92.26},           /* 0.74 km, 1 day from row 1 */
    {24, "empty_row", NULL, NULL, NAN, NAN},
    {25, "accepted", "death_accident", "", 16.4, -94.2},          /* "8 de mayo de 2019" */
    {26, "repaired", "robbery_assault", "", 14.9, -92.25},        /* W on lat, N on lon */
    {27, "accepted", "death_accident", "", 15.5, -92.9},
    {28, "accepted", "robbery_assault", "date_missing,count_assumed", 15.6, -92.8},
    {29, "accepted", "robbery_assault", "counts_inconsistent", 15.7, -92.7},
};

Test(import, messy_file_every_row_has_its_expected_outcome)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_layers *ls = test_layers(ctx);
    char db[512], buf[256];
    store_path(db, sizeof db, "messy.gpkg");
    senda_incidents_import_summary sum;
    cr_assert_eq(import1(ctx, db, INC_MESSY, ls, &sum), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    size_t n = sizeof messy / sizeof messy[0];
    cr_assert_eq(sum.read, (long)n);
    cr_assert_eq(sum.read, sum.accepted + sum.rejected + sum.duplicate);
    for (size_t i = 0; i < n; i++) {
        long row = messy[i].row;
        cr_assert_str_eq(outcome(db, row, buf, sizeof buf), messy[i].outcome, "row %ld", row);
        if (!messy[i].type)
            continue;
        cr_assert_str_eq(field_s(db, row, "type", buf, sizeof buf), messy[i].type, "row %ld",
                         row);
        cr_assert_str_eq(field_s(db, row, "flags", buf, sizeof buf), messy[i].flags, "row %ld",
                         row);
        cr_assert_float_eq(field_d(db, row, "lat"), messy[i].lat, 1e-7, "row %ld", row);
        cr_assert_float_eq(field_d(db, row, "lon"), messy[i].lon, 1e-7, "row %ld", row);
    }
    /* counts by outcome, from the table: 11 accepted + 4 repaired = 15 accepted */
    cr_assert_eq(sum.accepted, 15);
    cr_assert_eq(sum.repaired, 4);
    cr_assert_eq(sum.duplicate, 1);
    cr_assert_eq(sum.rejected, 13);
    cr_assert_eq(sum.rejected_by_reason[SENDA_REJ_AMBIGUOUS_PLACE], 2);
    cr_assert_eq(sum.geocoded, 2);
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
}

Test(import, messy_file_details_dates_groups_perpetrators_messages)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[512], buf[512];
    store_path(db, sizeof db, "messy2.gpkg");
    cr_assert_eq(import1(ctx, db, INC_MESSY, NULL, NULL), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_str_eq(field_s(db, 1, "date", buf, sizeof buf), "2019-05-03"); /* dd/mm/yyyy */
    cr_assert_str_eq(field_s(db, 3, "date_precision", buf, sizeof buf), "month");
    cr_assert_str_eq(field_s(db, 3, "date_last", buf, sizeof buf), "2019-06-30");
    cr_assert_str_eq(field_s(db, 4, "date_precision", buf, sizeof buf), "year");
    cr_assert_str_eq(field_s(db, 25, "date", buf, sizeof buf), "2019-05-08");
    cr_assert_str_eq(field_s(db, 27, "date", buf, sizeof buf), "2026-01-09"); /* a Friday */
    cr_assert_str_eq(field_s(db, 1, "perpetrator", buf, sizeof buf), "criminal_group");
    cr_assert_str_eq(field_s(db, 2, "perpetrator", buf, sizeof buf), "police"); /* Latin-1 í */
    cr_assert_str_eq(field_s(db, 6, "perpetrator", buf, sizeof buf), "military");
    cr_assert_str_eq(field_s(db, 17, "perpetrator", buf, sizeof buf), "immigration_authority");
    cr_assert_str_eq(field_s(db, 25, "perpetrator", buf, sizeof buf), "train_personnel");
    cr_assert_str_eq(field_s(db, 16, "geocode_precision", buf, sizeof buf), "locality");
    cr_assert_str_eq(field_s(db, 10, "geocode_precision", buf, sizeof buf), "degree");
    cr_assert_float_eq(field_d(db, 16, "women"), 4.0, 1e-12);
    cr_assert_float_eq(field_d(db, 16, "minors"), 2.0, 1e-12);
    /* weight = severity x victims: kidnapping 6 x 2 victims = 12 */
    cr_assert_float_eq(field_d(db, 1, "weight"), 12.0, 1e-12);
    cr_assert_str_eq(field_s(db, 4, "repairs", buf, sizeof buf), "swapped_lat_lon");
    cr_assert_str_eq(field_s(db, 6, "repairs", buf, sizeof buf), "lon_sign");
    /* the duplicate links to row 1 and keeps its raw text */
    cr_assert_eq(field_d(db, 23, "duplicate_of"), field_d(db, 1, "fid"));
    cr_assert(strstr(field_s(db, 23, "raw", buf, sizeof buf), "04/05/2019") != NULL);
    /* Latin-1 text is stored as UTF-8 */
    cr_assert_str_eq(field_s(db, 17, "place", buf, sizeof buf), "Tonalá, Chiapas");
    inc_q(db, "SELECT message FROM incident_rejects WHERE source_row=18", buf, sizeof buf);
    cr_assert(strstr(buf, "Oaxaca") && strstr(buf, "Puebla"), "candidates listed: %s", buf);
    inc_q(db, "SELECT raw FROM incident_rejects WHERE source_row=15", buf, sizeof buf);
    cr_assert(strstr(buf, "varios") != NULL, "raw row kept: %s", buf);
    senda_ctx_destroy(ctx);
}

Test(import, every_repair_flag_and_reject_is_explained_in_a_message)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[512], buf[256];
    store_path(db, sizeof db, "messages.gpkg");
    cr_assert_eq(import1(ctx, db, INC_MESSY, NULL, NULL), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE (flags != '' OR repairs != '' "
                            "OR status = 'duplicate') AND coalesce(message, '') = ''"), 0);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incident_rejects WHERE "
                            "coalesce(message, '') = '' OR coalesce(reason, '') = ''"), 0);
    /* the message names what the row says, so a person can check it */
    static const struct { long row; const char *text; } want[] = {
        {10, "whole degrees (lat='16' lon='-93')"}, /* low_precision */
        {11, "'pelea de gallos' not recognised"},   /* type_unknown */
        {28, "no date; no victim count; 1 assumed"}, /* two flags, two sentences */
        {29, "women 3: more than the 2 victims"},   /* men and minors are empty: not shown */
        {6, "93.900000 lacked its west sign"},
        {23, "repeats incident 1"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert(strstr(field_s(db, want[i].row, "message", buf, sizeof buf), want[i].text),
                  "row %ld: '%s' lacks '%s'", want[i].row, buf, want[i].text);
    static const struct { long row; const char *text; } rej[] = {
        {8, "lat='95' lon='-200' out of range"}, {13, "'31/02/2019'"},
        {14, "'-2' is negative"}, {20, "'Springfield' is not in the gazetteer"},
        {22, "lat='abc'"}, {9, "outside the study area"},
    };
    for (size_t i = 0; i < sizeof rej / sizeof rej[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT message FROM incident_rejects WHERE source_row=%ld",
                 rej[i].row);
        cr_assert(strstr(inc_q(db, sql, buf, sizeof buf), rej[i].text), "row %ld: '%s' lacks '%s'",
                  rej[i].row, buf, rej[i].text);
    }
    senda_ctx_destroy(ctx);
}

/* Import text (written to a file named name in a fresh directory) with the
 * default options but s_srs; db receives the store path. */
static senda_status import_text(senda_ctx *ctx, const char *name, const char *text,
                                const char *s_srs, char *db, size_t n, senda_incidents_import_summary *sum)
{
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.s_srs = s_srs;
    o.today = INC_TODAY;
    char *d = tu_tmpdir(), path[600];
    snprintf(path, sizeof path, "%s/%s", d, name);
    snprintf(db, n, "%s/store.gpkg", d);
    free(d);
    cr_assert_eq(tu_write(path, text), 0);
    const char *files[] = {path};
    return senda_incidents_import(ctx, db, files, 1, &o, sum, NULL, NULL);
}

Test(import, one_coordinates_column_in_utf8_row_by_row)
{
    /* A second spreadsheet style: UTF-8, commas, one "Coordenadas" column holding
     * "lat, lon" (as IOM does) in several spellings, Spanish headers with accents. */
    const char *csv =
        "Folio,Fecha del incidente,Tipo de delito,Número de víctimas,Coordenadas,Municipio,Estado\n"
        "A1,2019-05-03,Secuestro,2,\"14.9038, -92.2575\",Tapachula,Chiapas\n"
        "A2,2019-05-10,Extorsión,1,\"14,9038; -92,2575\",,\n"
        "A3,2019-05-11,Robo,1,\"14°54'30\"\"N 92°15'W\",,\n"
        "A4,2019-05-12,Homicidio,1,\"-92.4641, 15.1392\",,\n"
        "A5,2019-05-13,Homicidio,1,14.9038,,\n"
        "A6,2019-05-14,Secuestro,3,,Tenosique,Tabasco\n"
        "A7,2019-05-15,Secuestro,1,\"0, 0\",,\n";
    static const struct {
        long row;
        const char *outcome, *type, *id;
        double lat, lon;
    } want[] = {
        {1, "accepted", "kidnapping", "A1", 14.9038, -92.2575},
        {2, "accepted", "extortion", "A2", 14.9038, -92.2575}, /* decimal commas, ';' */
        {3, "accepted", "robbery_assault", "A3", 14 + 54 / 60.0 + 30 / 3600.0, -92.25},
        {4, "repaired", "homicide", "A4", 15.1392, -92.4641},  /* |lat| > 90: swapped */
        {5, "bad_coordinates", NULL, NULL, NAN, NAN},          /* one number, not a pair */
        {6, "accepted", "kidnapping", "A6", 17.4729, -91.4236}, /* geocoded (GeoNames) */
        {7, "zero_zero", NULL, NULL, NAN, NAN},
    };
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[700], buf[256];
    senda_incidents_import_summary sum;
    cr_assert_eq(import_text(ctx, "coordenadas.csv", csv, NULL, db, sizeof db, &sum), SENDA_OK,
                 "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.read, 7);
    cr_assert_eq(sum.accepted, 5);
    cr_assert_eq(sum.repaired, 1);
    cr_assert_eq(sum.rejected, 2);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        long row = want[i].row;
        cr_assert_str_eq(outcome(db, row, buf, sizeof buf), want[i].outcome, "row %ld", row);
        if (!want[i].type)
            continue;
        cr_assert_str_eq(field_s(db, row, "type", buf, sizeof buf), want[i].type, "row %ld", row);
        cr_assert_str_eq(field_s(db, row, "source_id", buf, sizeof buf), want[i].id);
        cr_assert_float_eq(field_d(db, row, "lat"), want[i].lat, 1e-7, "row %ld", row);
        cr_assert_float_eq(field_d(db, row, "lon"), want[i].lon, 1e-7, "row %ld", row);
    }
    cr_assert_float_eq(field_d(db, 6, "victims"), 3.0, 1e-12);
    senda_ctx_destroy(ctx);
}

Test(import, projected_columns_with_s_srs)
{
    /* UTM zone 15N (EPSG:32615): on the central meridian (-93) x = 500000 and
     * y = k0 x meridian arc. The arc to 15 deg N on WGS 84 by Helmert's series
     * in n = f / (2 - f) (python, 4th order) is 1658989.589 m; x 0.9996 =
     * 1658325.994 m. So (500000, 1658325.994) is (lat 15, lon -93). */
    const char *csv = "x;y;fecha;tipo\n"
                      "500000;1658325,994;2020-02-01;secuestro\n"
                      "quinientos;1658325;2020-02-02;secuestro\n";
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[700], buf[256];
    cr_assert_eq(import_text(ctx, "utm.csv", csv, "EPSG:32615", db, sizeof db, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_str_eq(outcome(db, 1, buf, sizeof buf), "accepted");
    cr_assert_float_eq(field_d(db, 1, "lat"), 15.0, 1e-6);
    cr_assert_float_eq(field_d(db, 1, "lon"), -93.0, 1e-9);
    cr_assert_str_eq(outcome(db, 2, buf, sizeof buf), "bad_coordinates");
    cr_assert_eq(import_text(ctx, "utm.csv", csv, "EPSG:999999", db, sizeof db, NULL), SENDA_ERR_CRS);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "EPSG:999999") != NULL, "%s", senda_ctx_errmsg(ctx));
    senda_ctx_destroy(ctx);
}

Test(import, geojson_geometries_stand_for_coordinates)
{
    /* No coordinate columns: the feature geometry is the location (a polygon's
     * centroid: the square 15..15.2 N, -93.2..-93 is centred on 15.1, -93.1);
     * a feature without geometry or place is rejected no_coordinates. */
    const char *gj =
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"fecha\":\"2020-03-01\",\"tipo\":\"asalto\","
        "\"victimas\":2},\"geometry\":{\"type\":\"Point\",\"coordinates\":[-92.5,15.5]}},"
        "{\"type\":\"Feature\",\"properties\":{\"fecha\":\"2020-03-02\",\"tipo\":\"trata\","
        "\"victimas\":1},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-93.2,15],"
        "[-93,15],[-93,15.2],[-93.2,15.2],[-93.2,15]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"fecha\":\"2020-03-03\",\"tipo\":\"robo\","
        "\"victimas\":1},\"geometry\":null}]}";
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[700], buf[256];
    senda_incidents_import_summary sum;
    cr_assert_eq(import_text(ctx, "reports.geojson", gj, NULL, db, sizeof db, &sum), SENDA_OK,
                 "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.read, 3);
    cr_assert_eq(sum.accepted, 2);
    cr_assert_str_eq(field_s(db, 1, "type", buf, sizeof buf), "robbery_assault");
    cr_assert_float_eq(field_d(db, 1, "lat"), 15.5, 1e-9);
    cr_assert_float_eq(field_d(db, 1, "lon"), -92.5, 1e-9);
    cr_assert_float_eq(field_d(db, 1, "weight"), 6.0, 1e-12); /* robbery_assault 3 x 2 */
    cr_assert_float_eq(field_d(db, 2, "lat"), 15.1, 1e-9);
    cr_assert_float_eq(field_d(db, 2, "lon"), -93.1, 1e-9);
    cr_assert_str_eq(outcome(db, 3, buf, sizeof buf), "no_coordinates");
    senda_ctx_destroy(ctx);
}

Test(import, join_fields_match_hand_measured_distances)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_layers *ls = test_layers(ctx);
    char db[512], buf[256];
    store_path(db, sizeof db, "join.gpkg");
    cr_assert_eq(import1(ctx, db, INC_MESSY, ls, NULL), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    /* Row 3 (15.138889, -92.463889) is 0.000111 deg from the Huixtla rail vertex and
     * checkpoint (15.139, -92.464): 0.000111 x 107.5 km/deg lon = 11.9 m, 0.000111 x
     * 110.6 km/deg lat = 12.3 m, so about 17 m. Along the line from Ciudad Hidalgo:
     * (-92.152,14.681)->(-92.257,14.904): 0.105 x 107.6 = 11.3 km E, 0.223 x 110.6 =
     * 24.7 km N, 27.1 km; ->(-92.464,15.139): 22.2 km and 26.0 km, 34.2 km; 61.3 km in
     * all (flat-earth approximation within 1 %, hence 0.6 km). */
    cr_assert_lt(field_d(db, 3, "rail_dist_m"), 30.0);
    cr_assert_float_eq(field_d(db, 3, "rail_km"), 61.3, 0.6);
    cr_assert_lt(field_d(db, 3, "checkpoint_dist_m"), 30.0);
    cr_assert_str_eq(field_s(db, 3, "checkpoint_name", buf, sizeof buf), "Huixtla (test)");
    cr_assert_str_eq(field_s(db, 3, "admin_name", buf, sizeof buf), "Chiapas (test box)");
    cr_assert_str_eq(field_s(db, 25, "admin_name", buf, sizeof buf), "Oaxaca (test box)");
    /* Row 1 at Tapachula (14.9038, -92.2575) to the border line segment (-92.15,14.68)->
     * (-92.07,15.08): at lat 14.9038 the segment is at lon -92.15 + 0.08 x (0.2238/0.4)
     * = -92.1052, 0.1523 deg W = 16.4 km; the segment slants 11 deg from north, so the
     * perpendicular is 16.4 x cos(11 deg) = 16.1 km. */
    cr_assert_float_eq(field_d(db, 1, "border_dist_m") / 1000.0, 16.1, 0.3);
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
}

Test(import, iom_files_import_with_no_options_and_match_a_hand_count)
{
    char p1[1024], p2[1024], p3[1024];
    if (!tu_shared("iom-mmp/mmp_full_corridor_2014_2019.csv", p1, sizeof p1) ||
        !tu_shared("iom-mmp/mmp_full_corridor_2026.csv", p2, sizeof p2) ||
        !tu_shared("iom-mmp/mmp_points_corridor_2014_2026.csv", p3, sizeof p3))
        cr_skip_test("../shared/data/iom-mmp absent");
    /* Hand count (python csv module over the three files, independent of senda):
     *  - 2014-2019 full export: 188 data rows, all with "lat, lon" inside the box
     *    lon -99..-86, lat 13..22; two pairs share Reported Date, Cause of Death and lie
     *    within 5 km (Web IDs 42715/42716, 2016-10-04, Tres Valles, dehydration; 40860/
     *    40861, 2015-03-17, train accident, Tabasco), so 186 accepted + 2 duplicates.
     *  - 2026 full export: 8 rows, all inside, no shared date: 8 accepted.
     *  - points 2014-2026: 488 rows, all inside; dated by year only, so never
     *    duplicates of each other; 188 repeat a day-dated row of the full exports and
     *    are linked to it (derived independently in test_crossdup.c); 3 rows have a coordinate equal to a whole degree (-92, -94 ...):
     *    accepted and flagged low_precision.
     * No row lacks coordinates, date or count, so nothing is rejected. */
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[512];
    store_path(db, sizeof db, "iom.gpkg");
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    const char *files[] = {p1, p2, p3};
    senda_incidents_import_summary sum;
    cr_assert_eq(senda_incidents_import(ctx, db, files, 3, &o, &sum, NULL, NULL), SENDA_OK,
                 "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.read, 188 + 8 + 488);
    cr_assert_eq(sum.duplicate + sum.possible_duplicate, 2 + 188);
    cr_assert_eq(sum.rejected, 0);
    cr_assert_eq(sum.accepted, 186 + 8 + 488 - 188);
    cr_assert_eq(sum.read, sum.accepted + sum.rejected + sum.duplicate + sum.possible_duplicate);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE flags LIKE '%low_precision%'"),
                 3);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE source_id IN ('42716','40861')"
                            " AND status='duplicate'"), 2);
    /* per file, by the same hand count */
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE file_id=1 AND "
                            "status='accepted'"), 186);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE file_id=2"), 8);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE file_id=3"), 488);
    /* The repeated reports 42715 and 40860 say 0 dead; their repeats 42716 (6 dead:
     * 1 man, 5 children) and 40861 (6 dead) carry the counts. One event counts its
     * victims once, at the largest report: 6 each, and 42715 gets the man and the
     * children. So the accepted incidents hold every victim of the three files:
     * sum of "Total Dead and Missing" 297 + sum of "Number Dead" + "Minimum
     * Estimated Number of Missing" 20 + sum of "dead_and_missing" 928 = 1245, of which
     * 311 are the points file's repeats of rows of the full exports (test_crossdup.c):
     * 934. */
    cr_assert_eq(inc_qn(db, "SELECT sum(victims) FROM incidents WHERE status='accepted'"), 934);
    cr_assert_eq(inc_qn(db, "SELECT minors FROM incidents WHERE source_id='42715'"), 5);
    cr_assert_eq(inc_qn(db, "SELECT men FROM incidents WHERE source_id='42715'"), 1);
    /* weight = death_accident 8 x 6 victims */
    cr_assert_eq(inc_qn(db, "SELECT weight FROM incidents WHERE source_id='40860'"), 48);
    /* the current schema's "Sun, 01/04/2026" is 4 January (mm/dd; a Sunday) */
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE source_id='2026.MMP0006' AND "
                            "date='2026-01-04'"), 1);
    senda_ctx_destroy(ctx);
}

Test(import, importing_the_same_file_twice_adds_nothing)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[512];
    store_path(db, sizeof db, "twice.gpkg");
    senda_incidents_import_summary s1, s2;
    cr_assert_eq(import1(ctx, db, INC_MESSY, NULL, &s1), SENDA_OK);
    long n_inc = inc_qn(db, "SELECT count(*) FROM incidents");
    long n_rej = inc_qn(db, "SELECT count(*) FROM incident_rejects");
    cr_assert_eq(n_inc + n_rej, s1.read);
    cr_assert_eq(import1(ctx, db, INC_MESSY, NULL, &s2), SENDA_OK);
    cr_assert_eq(s2.files_skipped, 1);
    cr_assert_eq(s2.read, 0);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents"), n_inc);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incident_rejects"), n_rej);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM imported_files"), 1);
    senda_ctx_destroy(ctx);
}

Test(import, same_incident_from_a_second_shelter_is_a_duplicate)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[512], other[600];
    store_path(db, sizeof db, "two.gpkg");
    snprintf(other, sizeof other, "%s.shelter2.csv", db);
    /* 14.905, -92.258 is 0.2 km from row 1 of the messy file, one day later; it
     * reports 3 victims (1 woman) where row 1 reported 2 (1 woman, 1 man, 0 minors). */
    tu_write(other, "date,type,victims,mujeres,lat,lon\n"
                    "2019-05-02,kidnapping,3,1,14.905,-92.258\n");
    cr_assert_eq(import1(ctx, db, INC_MESSY, NULL, NULL), SENDA_OK);
    senda_incidents_import_summary s;
    cr_assert_eq(import1(ctx, db, other, NULL, &s), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(s.duplicate, 1);
    cr_assert_eq(inc_qn(db, "SELECT duplicate_of FROM incidents WHERE file_id=2"),
                 inc_qn(db, "SELECT fid FROM incidents WHERE file_id=1 AND source_row=1"));
    /* the stored original now counts 3 victims (weight kidnapping 6 x 3 = 18); its
     * groups stay as given (1 woman is not more than 1; the man is kept) */
    cr_assert_eq(inc_qn(db, "SELECT victims FROM incidents WHERE file_id=1 AND source_row=1"), 3);
    cr_assert_eq(inc_qn(db, "SELECT weight FROM incidents WHERE file_id=1 AND source_row=1"), 18);
    cr_assert_eq(inc_qn(db, "SELECT women FROM incidents WHERE file_id=1 AND source_row=1"), 1);
    cr_assert_eq(inc_qn(db, "SELECT men FROM incidents WHERE file_id=1 AND source_row=1"), 1);
    char buf[256];
    cr_assert(strstr(inc_q(db, "SELECT message FROM incidents WHERE file_id=1 AND source_row=1",
                           buf, sizeof buf), "largest of its repeated reports") != NULL, "%s",
              buf);
    unlink(other);
    senda_ctx_destroy(ctx);
}

/* GDAL's feature counts (gpkg_ogr_contents, what QGIS shows before reading a
 * layer) equal the tables' row counts after every import: the import drops the
 * per-row count trigger and adds the rows it stored to the count it found, or
 * counts the table when that count was unknown (NULL). The reference is count(*). */
static void counts_exact(const char *db)
{
    cr_assert_eq(inc_qn(db, "SELECT feature_count FROM gpkg_ogr_contents WHERE "
                            "table_name='incidents'"),
                 inc_qn(db, "SELECT count(*) FROM incidents"));
    cr_assert_eq(inc_qn(db, "SELECT feature_count FROM gpkg_ogr_contents WHERE "
                            "table_name='incident_rejects'"),
                 inc_qn(db, "SELECT count(*) FROM incident_rejects"));
}

Test(import, feature_counts_stay_exact_across_imports)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[512], other[600], third[600];
    store_path(db, sizeof db, "counts.gpkg");
    snprintf(other, sizeof other, "%s.2.csv", db);
    snprintf(third, sizeof third, "%s.3.csv", db);
    tu_write(other, "date,type,victims,lat,lon\n"
                    "2019-05-02,kidnapping,3,14.905,-92.258\n" /* a repeat of row 1 */
                    "2019-05-02,kidnapping,3,,\n");            /* a reject */
    tu_write(third, "date,type,victims,lat,lon\n"
                    "2020-01-02,assault,1,15.0,-92.0\n"
                    "2020-03-04,assault,1,15.5,-92.5\n");
    senda_incidents_import_summary s;
    cr_assert_eq(import1(ctx, db, INC_MESSY, NULL, &s), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_gt(s.rejected, 0);
    counts_exact(db);
    cr_assert_eq(import1(ctx, db, other, NULL, &s), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(s.duplicate, 1);
    cr_assert_eq(s.rejected, 1);
    counts_exact(db);
    sqlite3 *h = NULL; /* a count nobody kept: the next import counts the table */
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "UPDATE gpkg_ogr_contents SET feature_count = NULL WHERE "
                                 "table_name='incidents'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    cr_assert_eq(import1(ctx, db, third, NULL, &s), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(s.accepted, 2);
    counts_exact(db);
    unlink(other);
    unlink(third);
    senda_ctx_destroy(ctx);
}

Test(import, a_failing_file_leaves_the_store_as_before)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[512];
    store_path(db, sizeof db, "atomic.gpkg");
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.today = INC_TODAY;
    const char *files[] = {INC_MESSY, "/nonexistent/reports.csv"};
    senda_status st = senda_incidents_import(ctx, db, files, 2, &o, NULL, NULL, NULL);
    cr_assert_eq(st, SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "/nonexistent/reports.csv") != NULL, "%s",
              senda_ctx_errmsg(ctx));
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents"), 0);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM imported_files"), 0);
    senda_ctx_destroy(ctx);
}

Test(import, documented_errors_say_what_failed)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    char db[512], nocols[600];
    store_path(db, sizeof db, "err.gpkg");
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    const char *files[] = {INC_MESSY};
    cr_assert_eq(senda_incidents_import(ctx, db, files, 0, &o, NULL, NULL, NULL), SENDA_ERR_ARG);
    o.study_area[2] = -100;
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, NULL, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "study area") != NULL);
    senda_incidents_import_opts_init(&o);
    o.lon_field = "no_such_column";
    o.lat_field = "latitud";
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, NULL, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "no column 'no_such_column'") != NULL, "%s",
              senda_ctx_errmsg(ctx));
    senda_incidents_import_opts_init(&o);
    snprintf(nocols, sizeof nocols, "%s.nocols.csv", db);
    tu_write(nocols, "a,b\n1,2\n");
    files[0] = nocols;
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, NULL, NULL, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "found no coordinate columns") != NULL);
    o.today = "tomorrow";
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, NULL, NULL, NULL), SENDA_ERR_ARG);
    unlink(nocols);
    senda_ctx_destroy(ctx);
}

static int cancel_second(double complete, const char *msg, void *arg)
{
    (void)complete, (void)msg;
    return ++*(int *)arg < 2;
}

Test(import, cancellation_rolls_back_everything)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_layers *ls = test_layers(ctx);
    char db[512], csv[600];
    store_path(db, sizeof db, "cancel.gpkg");
    snprintf(csv, sizeof csv, "%s.syn.csv", db);
    senda_incidents_synth_opts so;
    senda_incidents_synth_opts_init(&so);
    so.n = 10000; /* three batches of 4096: progress after the first one cancels */
    cr_assert_eq(senda_incidents_synth(ctx, ls, &so, csv, NULL, NULL), SENDA_OK);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    const char *files[] = {csv};
    int calls = 0;
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, NULL, cancel_second, &calls),
                 SENDA_ERR_CANCELLED);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents"), 0);
    unlink(csv);
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
}

Test(import, allocation_failures_fail_cleanly)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_layers *ls = test_layers(ctx);
    int n_nomem = 0, ok = 0;
    for (long n = 1; n < 400 && !ok; n += 3) {
        char db[512];
        store_path(db, sizeof db, "nomem.gpkg");
        senda_ctx_fail_alloc_after(ctx, n);
        senda_status st = import1(ctx, db, INC_MESSY, ls, NULL);
        senda_ctx_fail_alloc_after(ctx, 0);
        cr_assert(st == SENDA_OK || st == SENDA_ERR_NOMEM, "n=%ld: %s", n,
                  senda_ctx_errmsg(ctx));
        n_nomem += st == SENDA_ERR_NOMEM;
        ok = st == SENDA_OK;
        if (st != SENDA_OK)
            cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents"), 0);
    }
    cr_assert(n_nomem > 0 && ok);
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
}

Test(import, cli_json_summary_keeps_the_invariant)
{
    char db[512], args[2048];
    store_path(db, sizeof db, "cli.gpkg");
    snprintf(args, sizeof args, "incidents import '%s' --store '%s' --layers '%s' --today %s "
             "--json -q", INC_MESSY, db, INC_LAYERS, INC_TODAY);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *o = json_tokener_parse(r.out), *v;
    cr_assert_not_null(o, "%s", r.out);
    long k[5];
    const char *keys[] = {"read", "accepted", "repaired", "rejected", "duplicate"};
    for (int i = 0; i < 5; i++) {
        cr_assert(json_object_object_get_ex(o, keys[i], &v) &&
                  json_object_is_type(v, json_type_int), "%s", keys[i]);
        k[i] = json_object_get_int64(v);
    }
    cr_assert_eq(k[0], k[1] + k[3] + k[4]);
    cr_assert(json_object_object_get_ex(o, "rejected_by_reason", &v));
    json_object *z;
    cr_assert(json_object_object_get_ex(v, "zero_zero", &z) && json_object_get_int64(z) == 1);
    json_object_put(o);
    tu_run_free(&r);
    r = tu_senda("incidents import");
    cr_assert_eq(r.exit_code, 2);
    tu_run_free(&r);
    r = tu_senda("incidents import --help");
    cr_assert_eq(r.exit_code, 0);
    /* the help teaches the column options, every outcome and reason code, and examples */
    cr_assert(strstr(r.out, "--coords-field") != NULL);
    for (int i = 0; i < SENDA_REJ_N_REASONS; i++)
        cr_assert(strstr(r.out, senda_incidents_reject_reason_code(i)) != NULL, "%s",
                  senda_incidents_reject_reason_code(i));
    cr_assert(strstr(r.out, "read = accepted + rejected + duplicate") != NULL);
    cr_assert(strstr(r.out, "Examples:") != NULL);
    tu_run_free(&r);
}
