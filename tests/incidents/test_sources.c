/*
 * test_sources.c - import from sources that are not plain files: a CSV inside a
 * zip archive read through /vsizip/ (the archive is written here with GDAL's
 * zip writer), hashed by the data read, so the same rows given as a plain file
 * are recognised as already imported. (PG: sources: test_source_pg.c.)
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_vsi.h>

#include "inc_testutil.h"
#include "testutil.h"

static const char csv[] = "fecha,latitud,longitud,tipo,victimas\n"
                          "2019-05-02,16.2,-93.9,secuestro,2\n"
                          "2019-06-10,17.0,-94.5,homicidio,1\n";

Test(sources, vsizip_member_imports_and_is_hashed_by_its_bytes)
{
    char *dir = tu_tmpdir(), zip[1100], member[1200], plain[1100], db[1100];
    snprintf(zip, sizeof zip, "%s/reports.zip", dir);
    snprintf(member, sizeof member, "/vsizip/%s/reports.csv", zip);
    snprintf(plain, sizeof plain, "%s/reports.csv", dir);
    snprintf(db, sizeof db, "%s/zip.gpkg", dir);
    VSILFILE *fp = VSIFOpenL(member, "wb");
    cr_assert(fp, "cannot write %s", member);
    cr_assert_eq(VSIFWriteL(csv, 1, sizeof csv - 1, fp), sizeof csv - 1);
    VSIFCloseL(fp);
    cr_assert_eq(tu_write(plain, csv), 0);

    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    senda_incidents_import_summary sum;
    const char *f1[] = {member};
    cr_assert_eq(senda_incidents_import(ctx, db, f1, 1, &o, &sum, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.read, 2);
    cr_assert_eq(sum.accepted, 2);
    cr_assert_eq(inc_qn(db, "SELECT count(*) FROM incidents WHERE type = 'kidnapping' AND "
                            "victims = 2"), 1);
    /* the same bytes as a plain file: already imported */
    const char *f2[] = {plain};
    cr_assert_eq(senda_incidents_import(ctx, db, f2, 1, &o, &sum, NULL, NULL), SENDA_OK);
    cr_assert_eq(sum.files_skipped, 1);
    cr_assert_eq(sum.read, 0);
    /* a missing member is a clear error naming it */
    const char *f3[] = {"/vsizip//nonexistent/x.zip/r.csv"};
    cr_assert_eq(senda_incidents_import(ctx, db, f3, 1, &o, &sum, NULL, NULL), SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "/vsizip//nonexistent/x.zip/r.csv"));
    free(dir);
    senda_ctx_destroy(ctx);
}

Test(sources, header_only_file_is_refused_naming_it)
{
    char *dir = tu_tmpdir(), csv[1100], db[1100];
    snprintf(csv, sizeof csv, "%s/empty.csv", dir);
    snprintf(db, sizeof db, "%s/empty.gpkg", dir);
    free(dir);
    cr_assert_eq(tu_write(csv, "fecha,tipo,lat,lon\n"), 0);
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    senda_incidents_import_summary sum;
    const char *f[] = {csv};
    cr_assert_eq(senda_incidents_import(ctx, db, f, 1, &o, &sum, NULL, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "empty.csv: has a header but no data rows"), "%s",
              senda_ctx_errmsg(ctx));
    senda_ctx_destroy(ctx);
}

/* 14°54'30"N with a bare '"' (unquoted): the row keeps its fields. 14 + 54/60 + 30/3600 =
 * 14.908333..., 92 + 15/60 + 10/3600 = 92.252777... west. */
Test(sources, bare_double_quote_as_seconds_mark_keeps_the_row)
{
    char *dir = tu_tmpdir(), csv[1100], db[1100];
    snprintf(csv, sizeof csv, "%s/dms.csv", dir);
    snprintf(db, sizeof db, "%s/dms.gpkg", dir);
    free(dir);
    cr_assert_eq(tu_write(csv, "fecha,tipo,lat,lon,lugar\n"
                               "2020-01-02,secuestro,14°54'30\"N,92°15'10\"W,Tapachula\n"
                               "2020-01-05,robo,\"14,9\",\"-92,26\",\"Tapachula, Chiapas\"\n"), 0);
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    senda_incidents_import_summary sum;
    const char *f[] = {csv};
    cr_assert_eq(senda_incidents_import(ctx, db, f, 1, &o, &sum, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(sum.accepted, 2);
    cr_assert_float_eq(inc_qd(db, "SELECT lat FROM incidents WHERE source_row = 1"),
                       14.0 + 54.0 / 60.0 + 30.0 / 3600.0, 1e-9);
    cr_assert_float_eq(inc_qd(db, "SELECT lon FROM incidents WHERE source_row = 1"),
                       -(92.0 + 15.0 / 60.0 + 10.0 / 3600.0), 1e-9);
    char buf[64];
    cr_assert_str_eq(inc_q(db, "SELECT place FROM incidents WHERE source_row = 1", buf,
                           sizeof buf), "Tapachula");
    /* quoted fields with commas inside are untouched */
    cr_assert_float_eq(inc_qd(db, "SELECT lat FROM incidents WHERE source_row = 2"), 14.9, 1e-9);
    senda_ctx_destroy(ctx);
}
