/*
 * test_cli_options.c - the option vocabulary shared by every command:
 * GDAL's --config KEY VALUE and --debug on|off are accepted everywhere, a
 * renamed option still works for one release with a deprecation warning
 * naming its new spelling, and --help prints the library's defaults.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

Test(cli_options, config_and_debug_on_every_command)
{
    static const char *cmds[] = {"layers check", "hotspot", "danger", "route", "cost", "site",
                                 "run", "publish", "render", "info", "synth", "incidents import"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        char args[256];
        snprintf(args, sizeof args, "%s --config GDAL_CACHEMAX 64 --debug off --help", cmds[i]);
        tu_run r = tu_senda(args);
        cr_assert_eq(r.exit_code, 0, "senda %s: %s", args, r.err);
        cr_assert(strstr(r.out, "--config KEY VALUE"), "senda %s --help lists --config", cmds[i]);
        tu_run_free(&r);
    }
    tu_run r = tu_senda("danger --debug maybe --out x.gpkg");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--debug takes on or off"), "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("danger --out x.gpkg --config GDAL_CACHEMAX");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "needs KEY VALUE"), "%s", r.err);
    tu_run_free(&r);
}

Test(cli_options, renamed_options_warn_and_still_work)
{
    /* the hotspot's old date options reach the new ones: a bad date is
     * reported by the store filter (exit 1 or 2), after the warning */
    tu_run r = tu_senda("hotspot --store nowhere.gpkg --from 2019 --count --out x.gpkg");
    cr_assert(strstr(r.err, "--from is deprecated, use --date-from"), "%s", r.err);
    cr_assert(strstr(r.err, "--count is deprecated, use --unweighted"), "%s", r.err);
    tu_run_free(&r);
    r = tu_senda("run -k --help");
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.err, "-k is deprecated, use --keep-going"), "%s", r.err);
    tu_run_free(&r);
}

Test(cli_options, help_prints_the_library_defaults)
{
    senda_pipeline_danger_opts d;
    senda_pipeline_danger_opts_init(&d);
    char want[64];
    snprintf(want, sizeof want, "(default: %g)", d.weights.w_density);
    tu_run r = tu_senda("danger --help");
    const char *row = strstr(r.out, "--w-density");
    cr_assert(row && strstr(row, want), "%s", r.out);
    tu_run_free(&r);
    r = tu_senda("route --help");
    cr_assert(strstr(r.out, SENDA_PIPELINE_ROUTE_TO), "%s", r.out);
    tu_run_free(&r);
}
