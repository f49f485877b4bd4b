/*
 * bandwidth.c - the automatic kernel radius: the spatial variant of
 * Silverman's rule of thumb that ArcGIS Pro's Kernel Density tool documents
 * ("How Kernel Density works"):
 *     r = 0.9 * min(SD, sqrt(1 / ln 2) * Dm) * n^-0.2
 * SD: the weighted standard distance sqrt(sum w ((x-mx)^2 + (y-my)^2) / sum w)
 * about the weighted mean centre (mx, my); Dm: the weighted median of the
 * distances to that centre; n: the sum of the weights (ArcGIS: the number of
 * points, or the sum of the population field when one is used).
 * Complexity O(n log n) for the median; memory 2 arrays of n.
 * Points with non-finite coordinates or non-positive weight are skipped.
 */
#include <math.h>
#include <stdlib.h>

#include "hotspot/hotspot_int.h"

typedef struct dw {
    double d, w;
} dw;

static int cmp_dw(const void *a, const void *b)
{
    double x = ((const dw *)a)->d, y = ((const dw *)b)->d;
    return (x > y) - (x < y);
}

senda_status senda_hotspot_kde_auto_radius(senda_ctx *ctx, const senda_points *pts, double *radius_m)
{
    senda__reset(ctx);
    if (!pts || !radius_m)
        return senda__fail(ctx, SENDA_ERR_ARG, "pts or radius_m is NULL");
    double sw = 0.0, sx = 0.0, sy = 0.0;
    for (size_t i = 0; i < pts->n; i++) {
        double w = pts->weight[i];
        if (!(w > 0.0) || !isfinite(pts->x[i]) || !isfinite(pts->y[i]))
            continue;
        sw += w;
        sx += w * pts->x[i];
        sy += w * pts->y[i];
    }
    if (!(sw > 0.0))
        return senda__fail(ctx, SENDA_ERR_DATA, "automatic radius: no point with a positive "
                           "weight (%zu points)", pts->n);
    double mx = sx / sw, my = sy / sw, ss = 0.0;
    dw *a = senda__calloc(ctx, pts->n, sizeof *a);
    if (!a)
        return SENDA_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < pts->n; i++) {
        double w = pts->weight[i];
        if (!(w > 0.0) || !isfinite(pts->x[i]) || !isfinite(pts->y[i]))
            continue;
        double dx = pts->x[i] - mx, dy = pts->y[i] - my;
        ss += w * (dx * dx + dy * dy);
        a[m].d = sqrt(dx * dx + dy * dy);
        a[m].w = w;
        m++;
    }
    qsort(a, m, sizeof *a, cmp_dw);
    double half = 0.5 * sw, acc = 0.0, dm = a[m - 1].d;
    for (size_t i = 0; i < m; i++) {
        acc += a[i].w;
        if (acc >= half) {
            dm = a[i].d;
            break;
        }
    }
    senda__free(a);
    double sd = sqrt(ss / sw);
    double r = 0.9 * fmin(sd, sqrt(1.0 / log(2.0)) * dm) * pow(sw, -0.2);
    if (!(r > 0.0))
        return senda__fail(ctx, SENDA_ERR_DATA, "automatic radius: the points do not spread "
                           "(standard distance %g m, median distance %g m); give a radius",
                           sd, dm);
    *radius_m = r;
    return SENDA_OK;
}
