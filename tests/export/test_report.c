/*
 * test_report.c - `senda report`: the printable PDF of a run.
 *
 * A small synthetic run (senda run on the bundled layers, 600 synthetic
 * incidents, 4 km cells) is reported in English and Spanish; pdftotext and
 * pdftoppm (poppler-utils, installed by scripts/setup) read the PDF back as a
 * reader would. Expected town names come from an independent nearest-place
 * search written here (the gazetteer TSV read line by line, haversine on the
 * mean sphere), not from senda's own.
 */
#include <cairo.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "export/report_int.h"
#include "senda.h"
#include "testutil.h"

static char *dir;
static char run_gpkg[600];

static int have_poppler(void)
{
    return system("command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null "
                  "2>&1") == 0;
}

/* One small synthetic run (tu_small_run) with report: true. */
static void make_run(void)
{
    dir = tu_tmpdir();
    cr_assert_eq(tu_small_run(dir, "report: true\n", run_gpkg, sizeof run_gpkg), 0);
    /* report: true wrote the report beside the output */
    char path[700];
    snprintf(path, sizeof path, "%s/small.pdf", dir);
    cr_assert_eq(access(path, F_OK), 0, "senda run with report: true wrote no %s", path);
}

static char *pdf_text(const char *pdf, int first, int last)
{
    char cmd[1400], txt[700];
    snprintf(txt, sizeof txt, "%s.txt", pdf);
    snprintf(cmd, sizeof cmd, "pdftotext -f %d -l %d '%s' '%s'", first, last, pdf, txt);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    char *t = tu_read(txt);
    cr_assert_not_null(t);
    return t;
}

/* Independent nearest place of >= 5,000 people: the gazetteer read here. */
static void nearest_town(double lon, double lat, char *name, size_t size)
{
    char path[600];
    snprintf(path, sizeof path, "%s/layers/gazetteer/corridor_places.tsv", SENDA_SOURCE_DIR);
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp);
    char line[8192];
    double best = HUGE_VAL;
    name[0] = 0;
    cr_assert_not_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp)) {
        char *cols[11], *s = line; /* strsep, not strtok: alternatenames may be empty */
        int n = 0;
        while (n < 11 && (cols[n] = strsep(&s, "\t")) != NULL)
            n++;
        if (n < 11 || atol(cols[10]) < 5000)
            continue;
        double plat = atof(cols[4]), plon = atof(cols[5]), r = M_PI / 180;
        double a = pow(sin((plat - lat) * r / 2), 2) +
                   cos(lat * r) * cos(plat * r) * pow(sin((plon - lon) * r / 2), 2);
        double d = 2 * 6371.0088 * asin(sqrt(a));
        if (d < best)
            best = d, snprintf(name, size, "%s", cols[1]);
    }
    fclose(fp);
}

Test(report, every_section_is_in_the_pdf_and_sites_are_named_by_their_town)
{
    if (!have_poppler())
        cr_skip_test("pdftotext/pdftoppm absent (poppler-utils; scripts/setup installs it)");
    make_run();
    char pdf[700], args[1600];
    snprintf(pdf, sizeof pdf, "%s/r-en.pdf", dir);
    snprintf(args, sizeof args, "report '%s' --pdf '%s' --lang en -q", run_gpkg, pdf);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    char *t = pdf_text(pdf, 1, 99);
    const char *sections[] = {"Route-risk report", "Scenario", "Period", "Filters",
                              "SYNTHETIC DATA", "Hotspots", "Routes", "New shelter sites",
                              "Danger profile", "What-if comparison", "Methods", "Provenance",
                              "SHA-256", "hotspot.radius_m"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        cr_expect(strstr(t, sections[i]) != NULL, "section '%s' missing", sections[i]);
    /* every site's nearest town, found independently, is in the site table */
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(run_gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH sites = GDALDatasetGetLayerByName(ds, "shelter_sites");
    cr_assert_not_null(sites);
    OGRSpatialReferenceH ll = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(ll, 4326);
    OSRSetAxisMappingStrategy(ll, OAMS_TRADITIONAL_GIS_ORDER);
    OGRFeatureH f;
    int n_sites = 0;
    while ((f = OGR_L_GetNextFeature(sites)) != NULL) {
        OGRGeometryH g = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        cr_assert_eq(OGR_G_TransformTo(g, ll), OGRERR_NONE);
        char town[200], want[220];
        nearest_town(OGR_G_GetX(g, 0), OGR_G_GetY(g, 0), town, sizeof town);
        snprintf(want, sizeof want, "%s (", town);
        cr_expect(strstr(t, want) != NULL, "site %d: nearest town '%s' not in the report", n_sites,
                  town);
        OGR_G_DestroyGeometry(g);
        OGR_F_Destroy(f);
        n_sites++;
    }
    cr_assert_eq(n_sites, 3);
    OSRDestroySpatialReference(ll);
    GDALClose(ds);
    free(t);
    /* the map page (2) has labelled towns of the corridor */
    t = pdf_text(pdf, 2, 2);
    cr_expect(strstr(t, "Tapachula") && strstr(t, "Arriaga"), "map page towns: %s", t);
    free(t);
}

/* Colour counts of a rendered page: land, sea, and ink in the right margin. */
static void page_colours(const char *png, double *land, double *sea, long *margin_ink)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "%s", png);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    long n_land = 0, n_sea = 0;
    *margin_ink = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v;
            memcpy(&v, px + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
            int r = (int)(v >> 16 & 255), g = (int)(v >> 8 & 255), b = (int)(v & 255);
            /* land 249,247,240 and sea 230,239,246 (basemap.c), within JPEG-free PNG noise */
            if (abs(r - 249) <= 3 && abs(g - 247) <= 3 && abs(b - 240) <= 3)
                n_land++;
            if (abs(r - 230) <= 3 && abs(g - 239) <= 3 && abs(b - 246) <= 3)
                n_sea++;
            if (x >= w - w / 40 && r + g + b < 600) /* nothing drawn in the last 2.5 % */
                (*margin_ink)++;
        }
    *land = (double)n_land / ((double)w * h);
    *sea = (double)n_sea / ((double)w * h);
    cairo_surface_destroy(s);
}

Test(report, the_map_page_draws_land_and_sea_and_stays_inside_the_page)
{
    if (!have_poppler())
        cr_skip_test("pdftoppm absent (poppler-utils; scripts/setup installs it)");
    make_run();
    char pdf[700], args[1600];
    snprintf(pdf, sizeof pdf, "%s/r.pdf", dir);
    snprintf(args, sizeof args, "report '%s' --pdf '%s' -q", run_gpkg, pdf);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    snprintf(args, sizeof args, "pdftoppm -f 2 -l 2 -r 40 -png '%s' '%s/page'", pdf, dir);
    cr_assert_eq(system(args), 0);
    char png[700];
    snprintf(png, sizeof png, "%s/page-2.png", dir);
    double land, sea;
    long ink;
    page_colours(png, &land, &sea, &ink);
    cr_expect(land > 0.10, "land covers %.3f of the map page", land);
    cr_expect(sea > 0.03, "sea covers %.3f of the map page", sea);
    cr_expect_eq(ink, 0, "%ld dark pixels in the page's right margin (legend cut?)", ink);
    /* Spanish by default: section titles translated */
    char *t = pdf_text(pdf, 1, 99);
    cr_expect(strstr(t, "Informe de riesgo") && strstr(t, "Puntos calientes") &&
                  strstr(t, "Métodos") && strstr(t, "Procedencia") &&
                  strstr(t, "Sitios nuevos de albergue"),
              "Spanish section titles missing");
    cr_expect(strstr(t, "Hotspots") == NULL && strstr(t, "Methods") == NULL,
              "English section titles in a Spanish report");
    free(t);
}

Test(report, numbers_follow_the_language)
{
    /* CLDR: es (es-MX, es-GT) groups with ',' from 5 digits and writes '.';
     * es-ES writes 12.345,6; en groups from 4 digits. */
    senda__doc es = {.spanish = 1, .decimal = '.', .group = ','};
    senda__doc es_es = {.spanish = 1, .decimal = ',', .group = '.'};
    senda__doc en = {.spanish = 0, .decimal = '.', .group = ','};
    char b[64];
    senda__doc_num(&es, 1234.5, 1, b, sizeof b);
    cr_expect_str_eq(b, "1234.5");
    senda__doc_num(&es, 12345.6, 1, b, sizeof b);
    cr_expect_str_eq(b, "12,345.6");
    senda__doc_num(&es_es, 12345.6, 1, b, sizeof b);
    cr_expect_str_eq(b, "12.345,6");
    senda__doc_num(&en, 1234.5, 1, b, sizeof b);
    cr_expect_str_eq(b, "1,234.5");
    senda__doc_num(&en, -1234567.0, 0, b, sizeof b);
    cr_expect_str_eq(b, "-1,234,567");
    senda__doc_num(&en, NAN, 2, b, sizeof b);
    cr_expect_str_eq(b, "-");
    cr_expect_str_eq(senda__tr(&es, "Methods"), "Métodos");
    cr_expect_str_eq(senda__tr(&en, "Methods"), "Methods");
}

static int stop_at_half(double c, const char *m, void *arg)
{
    (void)m, (void)arg;
    return c < 0.5;
}

Test(report, errors_cancellation_and_no_file_left)
{
    make_run();
    senda_ctx *ctx;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    char pdf[700];
    snprintf(pdf, sizeof pdf, "%s/x.pdf", dir);
    senda_report_opts o;
    senda_report_opts_init(&o);
    cr_expect_str_eq(o.lang, "es");
    o.lang = "fr";
    cr_expect_eq(senda_export_report(ctx, run_gpkg, pdf, &o, NULL, NULL), SENDA_ERR_ARG);
    cr_expect(strstr(senda_ctx_errmsg(ctx), "'fr'") != NULL, "%s", senda_ctx_errmsg(ctx));
    cr_expect_eq(senda_export_report(ctx, "/nonexistent/run.gpkg", pdf, NULL, NULL, NULL),
                 SENDA_ERR_IO);
    cr_expect(strstr(senda_ctx_errmsg(ctx), "/nonexistent/run.gpkg") != NULL, "%s",
              senda_ctx_errmsg(ctx));
    cr_expect_eq(senda_export_report(ctx, run_gpkg, pdf, NULL, stop_at_half, NULL),
                 SENDA_ERR_CANCELLED);
    cr_expect_neq(access(pdf, F_OK), 0, "a cancelled report left %s", pdf);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c tmp-senda", dir);
    FILE *p = popen(cmd, "r");
    int n_tmp = -1;
    cr_assert_eq(fscanf(p, "%d", &n_tmp), 1);
    pclose(p);
    cr_expect_eq(n_tmp, 0, "temporaries left in %s", dir);
    tu_run r = tu_senda("report");
    cr_expect_eq(r.exit_code, 2);
    cr_expect(strstr(r.err, "needs RUN.gpkg and --pdf") != NULL, "%s", r.err);
    tu_run_free(&r);
    senda_ctx_destroy(ctx);
}

Test(report, real_iom_reports_give_a_report_without_the_synthetic_banner)
{
    char buf[600];
    if (!tu_shared("iom-mmp/mmp_full_corridor_2014_2019.csv", buf, sizeof buf))
        cr_skip_test("../shared/data absent: the real IOM reports are not here");
    if (!have_poppler())
        cr_skip_test("pdftotext absent (poppler-utils; scripts/setup installs it)");
    dir = tu_tmpdir();
    char args[3000], yaml[2048], path[700], pdf[700];
    snprintf(args, sizeof args, "incidents import '%s/../shared/data/iom-mmp/mmp_full_corridor_2014_2019.csv' "
             "'%s/../shared/data/iom-mmp/mmp_points_corridor_2014_2026.csv' --store '%s/iom-store.gpkg' -q",
             SENDA_SOURCE_DIR, SENDA_SOURCE_DIR, dir);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    snprintf(yaml, sizeof yaml,
             "layers: %s/layers/corridor\ncell_m: 4000\noutput: %s/{name}.gpkg\n"
             "incidents:\n  store: %s/iom-store.gpkg\n" /* not the output iom.gpkg */
             "routes:\n  from: [Ciudad Hidalgo]\n  to: [Arriaga]\n"
             "scenarios:\n  - name: iom\n    description: IOM Missing Migrants\n",
             SENDA_SOURCE_DIR, dir, dir);
    snprintf(path, sizeof path, "%s/iom.yaml", dir);
    cr_assert_eq(tu_write(path, yaml), 0);
    snprintf(args, sizeof args, "run '%s' -q", path);
    r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    snprintf(pdf, sizeof pdf, "%s/iom.pdf", dir);
    snprintf(args, sizeof args, "report '%s/iom.gpkg' --pdf '%s' --lang en -q", dir, pdf);
    r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    char *t = pdf_text(pdf, 1, 99);
    cr_expect(strstr(t, "SYNTHETIC") == NULL, "real data reported as synthetic");
    cr_expect(strstr(t, "Hotspots") && strstr(t, "New shelter sites") && strstr(t, "Provenance"),
              "sections missing");
    cr_expect(strstr(t, "Chiapas") != NULL, "no place in Chiapas named");
    free(t);
}
