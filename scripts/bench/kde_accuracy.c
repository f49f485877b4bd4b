/*
 * kde_accuracy.c - senda_hotspot_kde (qgis-raw scale) against a long-double
 * brute force over every cell: prints the largest relative difference, where
 * it is, and the count of cells over 1e-7. Used to measure the rounding of
 * kde.c's block scheme (quoted in kde.c's header); not part of the build.
 *   cc -O2 -o /tmp/kde_accuracy scripts/bench/kde_accuracy.c -Iinclude \
 *      -Lbuild-release -lsenda -Wl,-rpath,$PWD/build-release -lm
 *   /tmp/kde_accuracy POINTS.gpkg WEIGHT_FIELD|- KERNEL(0..4) R CELL XMIN YMIN XMAX YMAX
 * Kernels as senda_hotspot_kernel: 0 quartic, 1 triweight, 2 epanechnikov, 4 uniform.
 * Cost: n * rows_within_r * cols, so keep grids modest.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"

int main(int argc, char **argv)
{
    if (argc != 10) {
        fprintf(stderr, "usage: kde_accuracy POINTS WEIGHT|- KERNEL R CELL XMIN YMIN XMAX YMAX\n");
        return 2;
    }
    senda_ctx *ctx = NULL;
    senda_points *p = NULL;
    senda_grid *g = NULL;
    senda_ctx_create(&ctx);
    if (senda_points_read(ctx, argv[1], NULL, strcmp(argv[2], "-") ? argv[2] : NULL, NULL, &p)) {
        fprintf(stderr, "%s\n", senda_ctx_errmsg(ctx));
        return 1;
    }
    int kern = atoi(argv[3]), m = kern == 1 ? 3 : kern == 2 ? 1 : kern == 4 ? 0 : 2;
    double R = atof(argv[4]), h = atof(argv[5]), x0 = atof(argv[6]), y1 = atof(argv[9]);
    senda_hotspot_kde_opts o;
    senda_hotspot_kde_opts_init(&o);
    o.kernel = (senda_hotspot_kernel)kern;
    o.radius_m = R;
    o.scale = SENDA_KDE_QGIS_RAW;
    if (kern == 3 || kern > 4 ||
        senda_grid_for_extent(ctx, x0, atof(argv[7]), atof(argv[8]), y1, h, p->crs, &g) ||
        senda_hotspot_kde(ctx, p, &o, g, NULL, NULL)) {
        fprintf(stderr, "kde_accuracy: %s\n", kern == 3 || kern > 4 ? "polynomial kernels only"
                                                                    : senda_ctx_errmsg(ctx));
        return 1;
    }
    const double *v = senda_grid_cdata(g);
    size_t nc = senda_grid_n_cols(g), nr = senda_grid_n_rows(g), worst = 0, nbad = 0;
    long double *ref = calloc(nc * nr, sizeof *ref), R2 = (long double)R * R;
    for (size_t i = 0; i < p->n; i++)
        for (size_t r = 0; r < nr; r++) {
            long double dy = (long double)p->y[i] - ((long double)y1 - (r + .5L) * h);
            if (fabsl(dy) > R)
                continue;
            for (size_t c = 0; c < nc; c++) {
                long double dx = (long double)p->x[i] - ((long double)x0 + (c + .5L) * h);
                long double d2 = dx * dx + dy * dy, q = 1 - d2 / R2, k = 1;
                if (d2 > R2)
                    continue;
                for (int e = 0; e < m; e++)
                    k *= q;
                ref[r * nc + c] += k * p->weight[i];
            }
        }
    double maxrel = 0;
    for (size_t c = 0; c < nc * nr; c++) {
        double a = v[c], b = (double)ref[c], den = fmax(fabs(a), fabs(b));
        double rel = den > 0 ? fabs(a - b) / den : 0.0;
        if (rel > maxrel) {
            maxrel = rel;
            worst = c;
        }
        nbad += rel > 1e-7;
    }
    printf("kernel %s: max relative difference %.3g (cell %zu: senda %.9g, brute force %.9Lg), "
           "cells over 1e-7: %zu of %zu\n", senda_hotspot_kernel_name(o.kernel), maxrel, worst, v[worst],
           ref[worst], nbad, nc * nr);
    free(ref);
    senda_grid_destroy(g);
    senda_points_destroy(p);
    senda_ctx_destroy(ctx);
    return 0;
}
