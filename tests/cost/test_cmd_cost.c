/*
 * test_cmd_cost.c - the `senda cost` command: usage errors, a run on a
 * small raster with a path, and its JSON summary.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"
#include "testutil.h"

Test(cmd_cost, missing_options_are_a_usage_error)
{
    tu_run r = tu_senda("cost --cost x.tif");
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--cost, --from and --out are required"));
    tu_run_free(&r);
    r = tu_senda("cost --cost x.tif --from '1;2' --out a.tif");
    cr_assert_eq(r.exit_code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "is not a list of X,Y pairs"), "%s", r.err);
    tu_run_free(&r);
}

Test(cmd_cost, help_explains_the_move_costs)
{
    tu_run r = tu_senda("cost --help");
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strstr(r.out, "(c1+c2)*sqrt(2)/2"));
    tu_run_free(&r);
}

Test(cmd_cost, runs_on_a_raster_and_writes_a_path)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    /* 1 x 5 cells of 10 m, friction 2: costs 0, 2, 4, 6, 8 cell widths */
    senda_grid_create(ctx, 1, 5, 1000.0, 2000.0, 10.0, "EPSG:32615", 2.0, &g);
    char *dir = tu_tmpdir(), in[512], cmd[2048];
    snprintf(in, sizeof in, "%s/f.tif", dir);
    cr_assert_eq(senda_grid_write_tiff(ctx, g, in, &(senda_grid_tiff_opts){1, NULL}), SENDA_OK);
    snprintf(cmd, sizeof cmd,
             "cost --cost %s --from 1005,1995 --out %s/a.tif --dir-out %s/d.tif "
             "--to 1045,1995 --path-out %s/p.gpkg --json -q",
             in, dir, dir, dir);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"cost\":8"), "%s", r.out);
    cr_assert(strstr(r.out, "\"n_cells\":5"), "%s", r.out);
    tu_run_free(&r);
    char acc[600];
    snprintf(acc, sizeof acc, "%s/a.tif", dir);
    senda_grid *a = NULL;
    cr_assert_eq(senda_grid_read(ctx, acc, &a), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(a)[3], 6.0, 1e-12);
    senda_grid_destroy(a);
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
    free(dir);
}
