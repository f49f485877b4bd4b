/*
 * test_alloc_sweep.c - SQLite's *fault.test idea over a whole small pipeline:
 * a run (import of a report file, density, danger, Gi* hot spots, cost and
 * least-danger routes, siting, the styled product) and then publish, with
 * the 1st, 2nd, 3rd, ... Nth allocation through the context failing, until
 * the run completes. Every failing run must end in SENDA_ERR_NOMEM with an
 * "out of memory" message, leave no output and no temporary, and (in the
 * sanitizer build of .ci/run) leak nothing under LeakSanitizer. The run is
 * single-threaded so the Nth allocation is the same one every time.
 *
 * The run makes about 2,200 allocations through the context (21,000 before
 * the cost searches' priority queue took its slots' first vectors from shared
 * blocks) and each failing run takes 0.1 s (0.4 s under AddressSanitizer), so
 * the normal suite fails about 250 of them and the sanitizer build about 440,
 * evenly spaced (every 9th and 5th at 2,200; each failing run takes up to 2 s
 * under the sanitizers, and the sweep must stay well inside ctest's 30 minutes
 * on a busy machine); SENDA_ALLOC_SWEEP=all fails
 * every one (scripts/check/alloc-sweep runs that in the sanitizer build), and
 * SENDA_ALLOC_SWEEP_FROM=N starts at the Nth (to re-run from a failure).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core_int.h"
#include "testutil.h"

static int n_entries(const char *path)
{
    DIR *d = opendir(path);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

/* One pipeline run and publish with the n-th allocation failing (0: none). */
static senda_status pipeline(senda_ctx *ctx, const senda_scenario *sc, const char *product,
                             const char *public_path, long n, long *n_allocs, int *run_ok)
{
    const long budget = 1L << 40;
    senda_ctx_fail_alloc_after(ctx, n > 0 ? n : budget);
    senda_scenario_run_opts ro;
    senda_scenario_run_opts_init(&ro);
    ro.n_threads = 1;
    senda_scenario_run_result res;
    senda_status st = senda_scenario_run(ctx, sc, NULL, &ro, &res, NULL, NULL);
    *run_ok = st == SENDA_OK;
    if (st == SENDA_OK) {
        senda_privacy_publish_opts po;
        senda_privacy_publish_opts_init(&po);
        senda_privacy_publish_result pr;
        st = senda_privacy_publish(ctx, product, public_path, &po, &pr, NULL, NULL);
    }
    if (n_allocs)
        *n_allocs = budget - ctx->alloc_fail_after;
    senda_ctx_fail_alloc_after(ctx, 0);
    return st;
}

Test(alloc_sweep, every_allocation_failure_of_a_pipeline_run_fails_cleanly)
{
    senda_ctx *ctx = NULL;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    char *dir = tu_tmpdir(), csv[600], yaml[600], out[600], product[700], pub[700], cmd[1400];
    snprintf(csv, sizeof csv, "%s/reports.csv", dir);
    snprintf(yaml, sizeof yaml, "%s/s.yaml", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(product, sizeof product, "%s/product.gpkg", out);
    snprintf(pub, sizeof pub, "%s/public.gpkg", out);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", out);
    cr_assert_eq(system(cmd), 0);
    /* 60 synthetic reports, 10 km cells: every stage runs on a few hundred cells */
    snprintf(cmd, sizeof cmd, "synth --n 60 --seed 4 --out '%s' -q", csv);
    tu_run r = tu_senda(cmd);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    char text[2048];
    snprintf(text, sizeof text,
             "layers: %s\n"
             "cell_m: 10000\n"
             "pad_m: 10000\n"
             "output: %s\n"
             "incidents: {sources: [%s]}\n"
             "hotspot: {radius_m: 30000}\n"
             "siting: {p: 2, spacing_m: 30000}\n",
             senda_layers_default_dir(), product, csv);
    cr_assert_eq(tu_write(yaml, text), 0);
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, yaml, &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    const senda_scenario *sc = senda_scenario_at(set, 0);

    long total = 0;
    int run_ok = 0;
    cr_assert_eq(pipeline(ctx, sc, product, pub, 0, &total, &run_ok), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_gt(total, 10, "only %ld allocations: not going through the context?", total);
    snprintf(cmd, sizeof cmd, "rm -f '%s'/*", out); /* product, public copy, profile PNG */
    cr_assert_eq(system(cmd), 0);
    const char *all = getenv("SENDA_ALLOC_SWEEP");
    /* a fixed number of points spread evenly over the run, so the time stays
     * bounded as the pipeline grows: about 250 in the normal suite, 440 in
     * the sanitizer build; every one with SENDA_ALLOC_SWEEP=all */
    long target = getenv("SENDA_SANITIZE_RUN") ? 440 : 250;
    long step = all && strcmp(all, "all") == 0 ? 1 : (total + target - 1) / target;
    long from = getenv("SENDA_ALLOC_SWEEP_FROM") ? atol(getenv("SENDA_ALLOC_SWEEP_FROM")) : 1;
    long exercised = 0;
    int completed = 0;
    for (long n = from; n <= total + 1 && !completed; n += step) {
        senda_status st = pipeline(ctx, sc, product, pub, n, NULL, &run_ok);
        if (st == SENDA_OK) {
            completed = 1;
            cr_assert_gt(n, total, "allocation %ld of %ld failed and the run still completed", n,
                         total);
            break;
        }
        exercised++;
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: %s: %s", n, senda_status_name(st),
                     senda_ctx_errmsg(ctx));
        cr_assert(strstr(senda_ctx_errmsg(ctx), "out of memory") != NULL, "allocation %ld: %s",
                  n, senda_ctx_errmsg(ctx));
        /* a failed run leaves nothing; a failed publish leaves the run's product and
         * its profile picture, nothing else */
        cr_assert_eq(n_entries(out), run_ok ? 2 : 0, "allocation %ld: an output or temporary "
                     "was left", n);
        cr_assert_eq(access(pub, F_OK), -1, "allocation %ld: a public copy was left", n);
        if (run_ok) {
            snprintf(cmd, sizeof cmd, "rm -f '%s'/*", out);
            cr_assert_eq(system(cmd), 0);
        }
    }
    /* the last step may pass total: the run then completes without a failure */
    cr_assert(completed || exercised > 0);
    cr_log_info("allocation sweep: %ld allocation points in the run, %ld exercised (step %ld), "
                "every one SENDA_ERR_NOMEM with nothing left behind",
                total, exercised, step);
    fprintf(stderr, "allocation sweep: %ld allocation points, %ld exercised (step %ld)\n", total,
            exercised, step);
    senda_scenario_set_destroy(set);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
    senda_ctx_destroy(ctx);
}
