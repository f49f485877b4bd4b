/*
 * mannkendall.c - the Mann-Kendall trend test (Mann 1945; Kendall 1975),
 * as ArcGIS's Emerging Hot Spot Analysis applies it to each location's
 * series over the time steps (and R Kendall::MannKendall computes):
 *     S = sum_{i<j} sgn(x_j - x_i),
 *     Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18
 * over the groups g of t_g tied values, z = (S - 1)/sqrt(Var) for S > 0,
 * (S + 1)/sqrt(Var) for S < 0, 0 for S = 0 (continuity correction), p
 * two-sided from the standard normal. Values within 1e-9 (relative) of each
 * other are ties, so a series of identical z-scores has no trend.
 * O(n^2) time for S, O(n log n) for the ties; buf holds n doubles.
 */
#include <math.h>
#include <stdlib.h>

#include "hotspot/hotspot_int.h"

static int same(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void senda__mann_kendall(const double *x, size_t n, size_t stride, double *buf, double *z,
                         double *p)
{
    *z = 0.0;
    *p = 1.0;
    if (n < 3)
        return;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double xi = x[i * stride];
        buf[i] = xi;
        for (size_t j = i + 1; j < n; j++) {
            double xj = x[j * stride];
            if (!same(xi, xj))
                s += xj > xi ? 1.0 : -1.0;
        }
    }
    qsort(buf, n, sizeof *buf, cmp_double);
    double nn = (double)n, ties = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && same(buf[j], buf[i]))
            j++;
        double t = (double)(j - i);
        ties += t * (t - 1.0) * (2.0 * t + 5.0);
        i = j;
    }
    double var = (nn * (nn - 1.0) * (2.0 * nn + 5.0) - ties) / 18.0;
    if (!(var > 0.0) || s == 0.0)
        return;
    *z = (s > 0.0 ? s - 1.0 : s + 1.0) / sqrt(var);
    *p = senda__hotspot_p_two_sided(*z);
}
