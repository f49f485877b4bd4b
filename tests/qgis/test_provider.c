/*
 * test_provider.c - the QGIS Processing provider (qgis/senda_provider), run
 * headless through scripts/check/qgis-provider: installed from its zip into a
 * throw-away profile, `qgis_process list` shows every senda algorithm, and
 * `qgis_process run senda:hotspot` writes the same GeoPackage as `senda
 * hotspot` with the same parameters (every table compared row by row). Skips
 * when qgis_process is absent; .ci/run installs QGIS so that it runs there.
 * Also: `--help --json` gives each command's option table, the provider's
 * only source of parameters.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

Test(qgis, processing_provider_runs_hotspot_like_the_cli)
{
    char cmd[1400], line[512], last[512] = "", all[8192] = "";
    snprintf(cmd, sizeof cmd, "'%s/scripts/check/qgis-provider' \"$(dirname '%s')\" 2>&1",
             SENDA_SOURCE_DIR, SENDA_CLI_PATH);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    while (fgets(line, sizeof line, p)) {
        snprintf(last, sizeof last, "%s", line);
        if (strlen(all) + strlen(line) < sizeof all)
            strcat(all, line);
    }
    int rc = pclose(p);
    if (strstr(all, "qgis-provider: SKIP"))
        cr_skip_test("qgis_process absent: the provider was not run (.ci/run installs qgis)");
    cr_expect_eq(rc, 0, "%s", all);
    cr_expect(strstr(all, "qgis-provider: PASS") != NULL, "%s", all);
    cr_expect(strstr(all, "list shows 10 senda algorithms") != NULL, "%s", all);
}

Test(qgis, help_json_gives_every_option_with_its_default)
{
    tu_run r = tu_senda("render --help --json");
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"command\":\"render\"") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\"positionals\":[\n    \"OUT.gpkg\"\n  ]") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\"name\":\"width\"") && strstr(r.out, "\"default\":\"1600\""),
              "%s", r.out);
    tu_run_free(&r);
    r = tu_senda("incidents import --help --json");
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"command\":\"incidents import\"") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\"FILE...\"") != NULL, "%s", r.out);
    tu_run_free(&r);
}
