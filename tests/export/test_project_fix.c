/*
 * test_project_fix.c - the embedded QGIS project after a rename: `senda info`
 * warns, `senda info --fix-project` points every layer at the new name, and
 * (when QGIS's Python bindings are installed, as .ci/run does) QGIS itself
 * opens the repaired project with every layer valid.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "senda.h"
#include "testutil.h"

static int have_pyqgis(void)
{
    return system("/usr/bin/python3 -c 'import qgis.core' >/dev/null 2>&1") == 0;
}

/* scripts/compare/qgis-open on gpkg (coverages styled from styles/ when given)
 * ends with "qgis-open: PASS". */
static void expect_qgis_open(const char *gpkg, const char *styles)
{
    char args[1600], line[512], last[512] = "";
    snprintf(args, sizeof args, "'%s/scripts/compare/qgis-open' '%s' %s%s%s 2>/dev/null",
             SENDA_SOURCE_DIR, gpkg, styles ? "'" : "", styles ? styles : "", styles ? "'" : "");
    FILE *p = popen(args, "r");
    while (p && fgets(line, sizeof line, p))
        snprintf(last, sizeof last, "%s", line);
    int rc = p ? pclose(p) : -1;
    cr_expect_eq(rc, 0, "qgis-open failed: %s", last);
    cr_expect(strstr(last, "qgis-open: PASS") != NULL, "QGIS: %s", last);
}

Test(project_fix, a_renamed_product_is_flagged_and_repaired)
{
    char *dir = tu_tmpdir(), gpkg[600], renamed[700], args[1600];
    cr_assert_eq(tu_small_run(dir, "", gpkg, sizeof gpkg), 0);
    snprintf(renamed, sizeof renamed, "%s/small-2025.gpkg", dir);
    cr_assert_eq(rename(gpkg, renamed), 0);

    snprintf(args, sizeof args, "info '%s' --json", renamed);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_expect(strstr(r.err, "--fix-project") != NULL, "no warning: %s", r.err);
    cr_expect(strstr(r.out, "\"project_target\":\"small.gpkg\"") ||
                  strstr(r.out, "\"project_target\": \"small.gpkg\""),
              "%s", r.out);
    tu_run_free(&r);

    senda_ctx *ctx;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    int n_fixed = -1;
    cr_assert_eq(senda_export_product_fix_project(ctx, renamed, &n_fixed), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    senda_export_product_desc *d = NULL;
    cr_assert_eq(senda_export_product_describe(ctx, renamed, &d), SENDA_OK);
    cr_expect_str_eq(d->project_target, "small-2025.gpkg");
    cr_expect_eq(d->project_elsewhere, 0);
    /* each table is in the project twice (layer tree and map layer) */
    cr_expect_eq(n_fixed, (int)(2 * d->n_layers), "fixed %d sources for %zu layers", n_fixed,
                 d->n_layers);
    senda_export_product_desc_destroy(d);
    cr_assert_eq(senda_export_product_fix_project(ctx, renamed, &n_fixed), SENDA_OK);
    cr_expect_eq(n_fixed, 0, "a second repair changed %d sources", n_fixed);
    cr_expect_eq(senda_export_product_fix_project(ctx, "/nonexistent/x.gpkg", &n_fixed), SENDA_ERR_IO);
    cr_expect(strstr(senda_ctx_errmsg(ctx), "/nonexistent/x.gpkg") != NULL);
    cr_expect_eq(senda_export_product_fix_project(ctx, renamed, NULL), SENDA_ERR_ARG);
    senda_ctx_destroy(ctx);

    if (!have_pyqgis()) {
        cr_log_warn("QGIS Python bindings absent: the QGIS check of the repaired project did "
                    "not run (.ci/run installs python3-qgis)");
        free(dir);
        return;
    }
    expect_qgis_open(renamed, NULL);
    free(dir);
}

/* `senda info --export-styles DIR` writes every layer's stored style as
 * DIR/LAYER.qml; QGIS (when present) applies each coverage's file and gets the
 * renderer the product stored (scripts/compare/qgis-open with a styles dir). */
Test(project_fix, styles_export_as_qml_files_qgis_applies)
{
    char *dir = tu_tmpdir(), gpkg[600], styles[700], path[800], args[1600];
    cr_assert_eq(tu_small_run(dir, "", gpkg, sizeof gpkg), 0);
    snprintf(styles, sizeof styles, "%s/styles", dir);
    snprintf(args, sizeof args, "info '%s' --export-styles '%s'", gpkg, styles);
    tu_run r = tu_senda(args);
    cr_expect_neq(r.exit_code, 0, "a missing directory was accepted");
    cr_expect(strstr(r.err, "not a directory") != NULL, "%s", r.err);
    tu_run_free(&r);
    cr_assert_eq(mkdir(styles, 0700), 0);
    r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    senda_ctx *ctx;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    senda_export_product_desc *d = NULL;
    cr_assert_eq(senda_export_product_describe(ctx, gpkg, &d), SENDA_OK);
    size_t n_styled = 0, n_coverages = 0;
    for (size_t i = 0; i < d->n_layers; i++) {
        const senda_export_product_layer *l = &d->layers[i];
        snprintf(path, sizeof path, "%s/%s.qml", styles, l->name);
        char *qml = tu_read(path);
        if (!l->style[0]) {
            cr_expect_null(qml, "%s has no style but a file was written", l->name);
            free(qml);
            continue;
        }
        n_styled++;
        n_coverages += l->coverage != 0;
        cr_assert_not_null(qml, "%s.qml missing", l->name);
        cr_expect(strstr(qml, "<qgis") != NULL, "%s.qml is not a QGIS style", l->name);
        cr_expect(strstr(qml, l->coverage ? "<rasterrenderer" : "<renderer-v2") != NULL,
                  "%s.qml: wrong renderer kind", l->name);
        free(qml);
    }
    cr_expect_gt(n_coverages, 0, "the small run has no styled coverage");
    cr_expect_gt(n_styled, n_coverages);
    senda_export_product_desc_destroy(d);
    senda_ctx_destroy(ctx);
    if (!have_pyqgis()) {
        cr_log_warn("QGIS Python bindings absent: loading the QML files in QGIS did not run");
        free(dir);
        return;
    }
    expect_qgis_open(gpkg, styles);
    free(dir);
}
