/*
 * test_ctx.c - the context, status messages, allocation failure and
 * progress (including cancellation through the callback).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/core_int.h"
#include "grid/grid_int.h"
#include "testutil.h"

Test(ctx, create_and_destroy_starts_with_empty_message)
{
    senda_ctx *ctx = NULL;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    cr_assert_not_null(ctx);
    cr_assert_str_empty(senda_ctx_errmsg(ctx));
    senda_ctx_destroy(ctx);
    senda_ctx_destroy(NULL); /* NULL is a no-op */
}

Test(ctx, create_rejects_null_out)
{
    cr_assert_eq(senda_ctx_create(NULL), SENDA_ERR_ARG);
}

Test(ctx, fail_sets_message_and_reset_clears_it)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_status st = senda__fail(ctx, SENDA_ERR_ARG, "cell size must be > 0, got %g", -5.0);
    cr_assert_eq(st, SENDA_ERR_ARG);
    cr_assert_str_eq(senda_ctx_errmsg(ctx), "cell size must be > 0, got -5");
    senda__reset(ctx);
    cr_assert_str_empty(senda_ctx_errmsg(ctx));
    senda_ctx_destroy(ctx);
}

Test(ctx, geos_errors_reach_the_context_buffer)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    GEOSWKTReader *rd = GEOSWKTReader_create_r(ctx->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(ctx->geos, rd, "POLYGON((0 0, 1");
    cr_assert_null(g);
    cr_assert(strncmp(senda_ctx_errmsg(ctx), "GEOS: ", 6) == 0, "got '%s'",
              senda_ctx_errmsg(ctx));
    GEOSWKTReader_destroy_r(ctx->geos, rd);
    senda_ctx_destroy(ctx);
}

Test(ctx, status_names_are_distinct)
{
    cr_assert_str_eq(senda_status_name(SENDA_OK), "ok");
    cr_assert_str_eq(senda_status_name(SENDA_ERR_CANCELLED), "cancelled");
    cr_assert_str_neq(senda_status_name(SENDA_ERR_IO), senda_status_name(SENDA_ERR_DATA));
}

Test(ctx, nth_allocation_fails_with_nomem)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    /* grid_create allocates the struct, then the cells: fail the second. */
    senda_ctx_fail_alloc_after(ctx, 2);
    cr_assert_eq(senda_grid_create(ctx, 10, 10, 0, 0, 1, NULL, 0, &g), SENDA_ERR_NOMEM);
    cr_assert_null(g);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "out of memory") != NULL);
    /* The failure fired once; the next call succeeds. */
    cr_assert_eq(senda_grid_create(ctx, 10, 10, 0, 0, 1, NULL, 0, &g), SENDA_OK);
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
}

Test(ctx, calloc2_detects_overflow)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    void *p = senda__calloc2(ctx, SIZE_MAX / 2, 4);
    cr_assert_null(p);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "out of memory") != NULL);
    senda_ctx_destroy(ctx);
}

/* Doubling from first (4, 8, 16 ...), the same array while there is room, and
 * on a failed allocation NULL with the array and its capacity left as they were. */
Test(ctx, grow_doubles_and_keeps_the_array_on_failure)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    int *a = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 9; n++) {
        int *g = senda__grow(ctx, a, n, &cap, sizeof *a, 4);
        cr_assert_not_null(g);
        if (n > 0 && n != 4 && n != 8)
            cr_assert_eq(g, a, "moved with room at n = %zu", n);
        a = g;
        a[n] = (int)n;
        cr_assert_eq(cap, n < 4 ? 4u : n < 8 ? 8u : 16u, "n = %zu: cap %zu", n, cap);
    }
    size_t big = SIZE_MAX / 2;
    cr_assert_null(senda__grow(ctx, a, big, &big, sizeof *a, 4));
    cr_assert_eq(big, SIZE_MAX / 2);
    ctx->alloc_fail_after = 1;
    size_t full = 16;
    cr_assert_null(senda__grow(ctx, a, 16, &full, sizeof *a, 4));
    cr_assert_eq(full, 16u);
    for (int i = 0; i < 9; i++)
        cr_assert_eq(a[i], i);
    senda__free(a);
    senda_ctx_destroy(ctx);
}

typedef struct {
    double seen[16];
    int n;
    int stop_at; /* return 0 at this call */
} prog_rec;

static int record(double c, const char *m, void *arg)
{
    (void)m;
    prog_rec *r = arg;
    if (r->n < 16)
        r->seen[r->n] = c;
    r->n++;
    return r->n != r->stop_at;
}

Test(progress, sub_range_scales_into_parent)
{
    prog_rec r = {{0}, 0, -1};
    senda__progress_sub_t s = senda__progress_sub(record, &r, 0.5, 0.75);
    senda__progress_sub_fn(0.0, NULL, &s);
    senda__progress_sub_fn(0.5, NULL, &s);
    senda__progress_sub_fn(1.0, NULL, &s);
    cr_assert_eq(r.n, 3);
    /* 0.5 + c * 0.25 for c = 0, 0.5, 1 */
    cr_assert_float_eq(r.seen[0], 0.5, 1e-15);
    cr_assert_float_eq(r.seen[1], 0.625, 1e-15);
    cr_assert_float_eq(r.seen[2], 0.75, 1e-15);
}

Test(progress, zero_return_cancels_with_message)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    prog_rec r = {{0}, 0, 2};
    cr_assert_eq(senda__progress(ctx, record, &r, 0.0, NULL), 1);
    cr_assert_eq(senda__progress(ctx, record, &r, 0.5, NULL), 0);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "cancelled") != NULL);
    cr_assert_eq(senda__progress(ctx, NULL, NULL, 0.5, NULL), 1); /* NULL never cancels */
    senda_ctx_destroy(ctx);
}

Test(grid, create_validates_arguments)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_create(ctx, 3, 3, 0, 0, -1.0, NULL, 0, &g), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "cell size must be > 0, got -1") != NULL);
    cr_assert_eq(senda_grid_create(ctx, 0, 3, 0, 0, 1.0, NULL, 0, &g), SENDA_ERR_ARG);
    cr_assert_null(g);
    senda_ctx_destroy(ctx);
}

Test(grid, tiff_round_trip_keeps_values_georeference_and_nodata)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL, *back = NULL;
    cr_assert_eq(senda_grid_create(ctx, 2, 3, 500000, 1600000, 250, "EPSG:32615", 0, &g),
                 SENDA_OK);
    double *d = senda_grid_data(g);
    for (int i = 0; i < 6; i++)
        d[i] = i * 1.5;
    d[4] = NAN;
    char path[] = "/tmp/senda-grid-XXXXXX.tif";
    int fd = mkstemps(path, 4);
    close(fd);
    cr_assert_eq(senda_grid_write_tiff(ctx, g, path, &(senda_grid_tiff_opts){1, NULL}), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_grid_read(ctx, path, &back), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_grid_n_rows(back), 2);
    cr_assert_eq(senda_grid_n_cols(back), 3);
    cr_assert_float_eq(senda_grid_x_min(back), 500000.0, 1e-9);
    cr_assert_float_eq(senda_grid_y_max(back), 1600000.0, 1e-9);
    cr_assert_float_eq(senda_grid_cell_m(back), 250.0, 1e-9);
    const double *b = senda_grid_cdata(back);
    cr_assert_float_eq(b[5], 7.5, 1e-12);
    cr_assert(isnan(b[4]));
    unlink(path);
    senda_grid_destroy(g);
    senda_grid_destroy(back);
    senda_ctx_destroy(ctx);
}

Test(grid, read_names_a_missing_file)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_read(ctx, "/nonexistent/x.tif", &g), SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "/nonexistent/x.tif") != NULL);
    senda_ctx_destroy(ctx);
}

Test(export, grid_goes_into_gpkg_as_float32_coverage)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL, *back = NULL;
    senda_grid_create(ctx, 3, 4, 400000, 1700000, 100, "EPSG:32615", 0, &g);
    double *d = senda_grid_data(g);
    for (int i = 0; i < 12; i++)
        d[i] = 0.25 * i; /* exactly representable in float32 */
    d[7] = NAN;
    senda_grid_set_units(ctx, g, "incidents per km2", "test density");
    char *dir = tu_tmpdir(); /* removed when the test's process exits */
    cr_assert_not_null(dir);
    char path[600], sub[700];
    snprintf(path, sizeof path, "%s/out.gpkg", dir);
    free(dir);
    cr_assert_eq(senda_export_grid(ctx, path, "density", g, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_export_grid(ctx, path, "danger", g, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    snprintf(sub, sizeof sub, "GPKG:%s:density", path);
    cr_assert_eq(senda_grid_read(ctx, sub, &back), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_grid_n_cols(back), 4);
    cr_assert_float_eq(senda_grid_cdata(back)[11], 2.75, 1e-6);
    cr_assert(isnan(senda_grid_cdata(back)[7]));
    senda_grid_destroy(back);
    snprintf(sub, sizeof sub, "GPKG:%s:danger", path);
    cr_assert_eq(senda_grid_read(ctx, sub, &back), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_grid_destroy(back);
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
}
