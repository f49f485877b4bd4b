/*
 * kde_cpu.c - the density step alone (senda_hotspot_kde, qgis-raw scale) on
 * scripts/bench/hotspot's grid (1000 x 1000 cells of 250 m from (400000,
 * 1750000)): the least process CPU time and wall time over REPEATS calls,
 * and an FNV-1a hash of the grid's bytes, so that a change to kde.c can be
 * timed apart from reading and writing and shown to leave every bit of the
 * output alone. Used for the figures of docs/performance.md; not part of the
 * build.
 *   cc -O2 -o /tmp/kde_cpu scripts/bench/kde_cpu.c -Iinclude \
 *      -Lbuild-release -lsenda -Wl,-rpath,$PWD/build-release
 *   /tmp/kde_cpu POINTS.gpkg THREADS REPEATS [KERNEL(0..5, default 0 quartic)]
 * The points file: the one scripts/bench/hotspot makes (SENDA_BENCH_KEEP=FILE
 * keeps a copy).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "senda.h"

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: kde_cpu POINTS THREADS REPEATS [KERNEL]\n");
        return 2;
    }
    senda_ctx *ctx = NULL;
    senda_points *p = NULL;
    senda_ctx_create(&ctx);
    if (senda_points_read(ctx, argv[1], NULL, NULL, NULL, &p)) {
        fprintf(stderr, "kde_cpu: %s\n", senda_ctx_errmsg(ctx));
        return 1;
    }
    int threads = atoi(argv[2]), repeats = atoi(argv[3]), kernel = argc > 4 ? atoi(argv[4]) : 0;
    double best_cpu = 1e300, best_wall = 1e300;
    uint64_t hash = 14695981039346656037u;
    for (int r = 0; r < repeats; r++) {
        senda_grid *g = NULL;
        senda_hotspot_kde_opts o;
        senda_hotspot_kde_opts_init(&o);
        o.kernel = (senda_hotspot_kernel)kernel;
        o.radius_m = 5000;
        o.scale = SENDA_KDE_QGIS_RAW;
        o.n_threads = threads;
        if (senda_grid_create(ctx, 1000, 1000, 400000, 1750000, 250, p->crs, 0, &g)) {
            fprintf(stderr, "kde_cpu: %s\n", senda_ctx_errmsg(ctx));
            return 1;
        }
        double c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
        if (senda_hotspot_kde(ctx, p, &o, g, NULL, NULL)) {
            fprintf(stderr, "kde_cpu: %s\n", senda_ctx_errmsg(ctx));
            return 1;
        }
        double c = now(CLOCK_PROCESS_CPUTIME_ID) - c0, w = now(CLOCK_MONOTONIC) - w0;
        best_cpu = c < best_cpu ? c : best_cpu;
        best_wall = w < best_wall ? w : best_wall;
        if (r == 0) {
            const unsigned char *b = (const unsigned char *)senda_grid_cdata(g);
            for (size_t i = 0; i < 1000 * 1000 * sizeof(double); i++)
                hash = (hash ^ b[i]) * 1099511628211u;
        }
        senda_grid_destroy(g);
    }
    printf("kernel %d, %d thread(s): least CPU %.3f s, least wall %.3f s over %d runs; "
           "grid hash %016llx\n", kernel, threads, best_cpu, best_wall, repeats,
           (unsigned long long)hash);
    senda_points_destroy(p);
    senda_ctx_destroy(ctx);
    return 0;
}
