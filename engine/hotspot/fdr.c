/*
 * fdr.c - Benjamini-Hochberg false discovery rate control (Benjamini and
 * Hochberg 1995, the step-up procedure): with the m finite p-values sorted,
 * p_(1) <= ... <= p_(m), the threshold at level alpha is p_(k*) for the
 * largest k* with p_(k*) <= k* alpha / m; every p <= p_(k*) is a discovery.
 * This is what ArcGIS's Hot Spot Analysis applies per confidence level
 * (90, 95, 99 %) when "Apply False Discovery Rate (FDR) Correction" is on.
 * O(m log m) time, one array of m doubles.
 */
#include <math.h>
#include <stdlib.h>

#include "hotspot/hotspot_int.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

senda_status senda__hotspot_bh(senda_ctx *ctx, const double *p, size_t n, const double *alphas,
                               int n_alpha, double *thresholds)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += isnan(p[i]) ? 0u : 1u;
    for (int a = 0; a < n_alpha; a++)
        thresholds[a] = -1.0;
    if (m == 0)
        return SENDA_OK;
    double *s = senda__malloc(ctx, m * sizeof *s);
    if (!s)
        return SENDA_ERR_NOMEM;
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i]))
            s[m++] = p[i];
    qsort(s, m, sizeof *s, cmp_double);
    for (int a = 0; a < n_alpha; a++)
        for (size_t k = m; k-- > 0;)
            if (s[k] <= (double)(k + 1) * alphas[a] / (double)m) {
                thresholds[a] = s[k];
                break;
            }
    senda__free(s);
    return SENDA_OK;
}

/* The two-sided p-value of a standard normal z (NaN stays NaN); here beside
 * the FDR correction of those p-values, below both gistar.c and single.c. */
double senda__hotspot_p_two_sided(double z)
{
    if (isnan(z))
        return (double)NAN;
    return erfc(fabs(z) / sqrt(2.0));
}
