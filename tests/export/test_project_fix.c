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

#include "senda.h"
#include "testutil.h"

static int have_pyqgis(void)
{
    return system("/usr/bin/python3 -c 'import qgis.core' >/dev/null 2>&1") == 0;
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
    snprintf(args, sizeof args, "'%s/scripts/compare/qgis-open' '%s' 2>/dev/null",
             SENDA_SOURCE_DIR, renamed);
    FILE *p = popen(args, "r");
    char line[512], last[512] = "";
    while (p && fgets(line, sizeof line, p))
        snprintf(last, sizeof last, "%s", line);
    int rc = p ? pclose(p) : -1;
    cr_expect_eq(rc, 0, "qgis-open failed: %s", last);
    cr_expect(strstr(last, "qgis-open: PASS") != NULL, "QGIS: %s", last);
    free(dir);
}
