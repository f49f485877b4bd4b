/*
 * test_fieldkit.c - field-collection and humanitarian exchange exports import
 * with no options: KoboToolbox CSV (';' with XML names and '/' group paths;
 * ',' with question labels), KoboToolbox XLSX (typed cells: the CSV turned into
 * a workbook here by GDAL, as Kobo's XLSX export types dates and numbers), ODK
 * Central CSV ('-' group paths, split geopoint, KEY), and an HXL-tagged CSV as
 * on HDX (the hashtag row names the columns and is never imported). The files
 * are in tests/data/incidents/fieldkit; the expected values are read off them.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <gdal_utils.h>

#include "inc_testutil.h"
#include "testutil.h"

#define FK INC_DATA "/fieldkit"

static void import_plain(const char *file, const char *name, char *db, size_t n,
                         senda_incidents_import_summary *sum)
{
    char *dir = tu_tmpdir();
    snprintf(db, n, "%s/%s.gpkg", dir, name);
    free(dir);
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    o.today = INC_TODAY;
    const char *files[] = {file};
    cr_assert_eq(senda_incidents_import(ctx, db, files, 1, &o, sum, NULL, NULL), SENDA_OK,
                 "%s: %s", file, senda_ctx_errmsg(ctx));
    cr_assert_eq(sum->read, sum->accepted + sum->rejected + sum->duplicate +
                                sum->possible_duplicate);
    senda_ctx_destroy(ctx);
}

static void expect_row(const char *db, long row, const char *type, const char *date,
                       double victims, double lat, double lon, const char *id)
{
    char sql[512], buf[128];
    snprintf(sql, sizeof sql, "SELECT type || '|' || date || '|' || victims || '|' || "
             "source_id FROM incidents WHERE source_row = %ld", row);
    char want[256];
    snprintf(want, sizeof want, "%s|%s|%.1f|%s", type, date, victims, id);
    cr_assert_str_eq(inc_q(db, sql, buf, sizeof buf), want, "row %ld", row);
    snprintf(sql, sizeof sql, "SELECT lat FROM incidents WHERE source_row = %ld", row);
    cr_assert_float_eq(inc_qd(db, sql), lat, 1e-9);
    snprintf(sql, sizeof sql, "SELECT lon FROM incidents WHERE source_row = %ld", row);
    cr_assert_float_eq(inc_qd(db, sql), lon, 1e-9);
}

Test(fieldkit, kobo_csv_semicolon_xml_names_group_paths)
{
    char db[1100];
    senda_incidents_import_summary sum;
    import_plain(FK "/kobo_xml_semicolon.csv", "kobo1", db, sizeof db, &sum);
    cr_assert_eq(sum.read, 3);
    cr_assert_eq(sum.accepted, 3);
    /* incidente/fecha, incidente/tipo, incidente/victimas, the split geopoint, _id */
    expect_row(db, 1, "kidnapping", "2019-05-01", 2, 16.2361, -93.8992, "101");
    expect_row(db, 2, "extortion", "2019-04-28", 5, 16.5633, -95.1002, "102");
    expect_row(db, 3, "robbery_assault", "2019-05-03", 1, 17.4735, -91.4232, "103");
}

Test(fieldkit, kobo_csv_comma_labels)
{
    char db[1100];
    senda_incidents_import_summary sum;
    import_plain(FK "/kobo_labels_comma.csv", "kobo2", db, sizeof db, &sum);
    cr_assert_eq(sum.read, 2);
    cr_assert_eq(sum.accepted, 2);
    expect_row(db, 1, "robbery_assault", "2020-02-09", 3, 17.5092, -91.9821, "201");
    expect_row(db, 2, "sexual_violence", "2020-02-11", 1, 18.1345, -94.4590, "202");
}

Test(fieldkit, kobo_xlsx_typed_cells)
{
    char *dir = tu_tmpdir(), xlsx[1100];
    snprintf(xlsx, sizeof xlsx, "%s/kobo.xlsx", dir);
    free(dir);
    GDALAllRegister();
    GDALDatasetH src = GDALOpenEx(FK "/kobo_xml_semicolon.csv", GDAL_OF_VECTOR, NULL,
                                  (const char *const[]){"AUTODETECT_TYPE=YES", NULL}, NULL);
    cr_assert(src);
    char *argv[] = {"-f", "XLSX", "-nln", "kobo", NULL};
    GDALVectorTranslateOptions *vo = GDALVectorTranslateOptionsNew(argv, NULL);
    GDALDatasetH out = GDALVectorTranslate(xlsx, NULL, 1, &src, vo, NULL);
    cr_assert(out);
    GDALClose(out);
    GDALVectorTranslateOptionsFree(vo);
    GDALClose(src);
    char db[1100];
    senda_incidents_import_summary sum;
    import_plain(xlsx, "kobo3", db, sizeof db, &sum);
    cr_assert_eq(sum.read, 3);
    cr_assert_eq(sum.accepted, 3);
    expect_row(db, 1, "kidnapping", "2019-05-01", 2, 16.2361, -93.8992, "101");
    expect_row(db, 3, "robbery_assault", "2019-05-03", 1, 17.4735, -91.4232, "103");
}

Test(fieldkit, odk_central_csv)
{
    char db[1100];
    senda_incidents_import_summary sum;
    import_plain(FK "/odk_central.csv", "odk", db, sizeof db, &sum);
    cr_assert_eq(sum.read, 2);
    cr_assert_eq(sum.accepted, 2);
    /* incidente-ubicacion-Latitude/-Longitude; KEY is the source id, not SubmissionDate
     * the date */
    expect_row(db, 1, "homicide", "2021-03-04", 1, 14.9038, -92.2575,
               "uuid:5d2c7a1e-0b4f-4f2e-9c8e-000000000001");
    expect_row(db, 2, "disappearance", "2021-03-06", 2, 15.1380, -92.4641,
               "uuid:5d2c7a1e-0b4f-4f2e-9c8e-000000000002");
}

Test(fieldkit, hxl_hashtag_row_names_columns_and_is_not_imported)
{
    char db[1100];
    senda_incidents_import_summary sum;
    import_plain(FK "/hxl_hdx.csv", "hxl", db, sizeof db, &sum);
    cr_assert_eq(sum.read, 3); /* 4 lines under the header: the hashtag row is not a report */
    cr_assert_eq(sum.accepted, 3);
    cr_assert_eq(sum.rejected, 0);
    /* #affected+killed + #affected+missing = victims; #event+id the source id */
    expect_row(db, 1, "death_accident", "2022-07-14", 1, 18.8503, -97.1034, "HDX-001");
    expect_row(db, 2, "death_accident", "2022-08-02", 3, 18.4476, -96.3590, "HDX-002");
    expect_row(db, 3, "death_accident", "2022-09-19", 3, 17.9957, -94.5467, "HDX-003");
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE raw LIKE '%#geo%'"), 0);
}

Test(fieldkit, combined_geopoint_alone_is_found_and_parsed)
{
    char *dir = tu_tmpdir(), csv[1100], db[1100];
    snprintf(csv, sizeof csv, "%s/gp.csv", dir);
    free(dir);
    /* a labels export without the split columns: the question is not a known name */
    cr_assert_eq(tu_write(csv, "Fecha,Tipo,Donde ocurrio\n"
                               "2019-05-01,secuestro,16.2361 -93.8992 48.0 5.0\n"
                               "2019-05-02,secuestro,16.5633 -95.1002 30\n"), 0);
    senda_incidents_import_summary sum;
    import_plain(csv, "gp", db, sizeof db, &sum);
    cr_assert_eq(sum.accepted, 2);
    cr_assert_float_eq(inc_qd(db, "SELECT lat FROM incidents WHERE source_row = 2"), 16.5633,
                       1e-9);
    cr_assert_float_eq(inc_qd(db, "SELECT lon FROM incidents WHERE source_row = 1"), -93.8992,
                       1e-9);
}
