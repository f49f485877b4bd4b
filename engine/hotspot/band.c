/*
 * band.c - choosing the Gi* distance band by the Optimized Hot Spot
 * Analysis recipe (ArcGIS Pro, "How Optimized Hot Spot Analysis works"):
 * incremental spatial autocorrelation, i.e. the z-score of global Moran's I
 * (Moran 1950; randomisation variance, Cliff and Ord 1981, eq. 1.38) with
 * binary distance-band weights at ten increasing distances
 *     d_k = (k + 1) * d1,  k = 0..9,  d1 = the mean nearest-neighbour distance
 *     between cells holding incidents (at least one cell spacing),
 * then: the first local peak of z(d) that is significant (z >= 1.96) -> that
 * band; else the highest local peak; else (z rises or falls throughout) the
 * mean distance from each cell with incidents to its k-th nearest such cell,
 * k = 5 % of those cells clamped to [3, 30].
 * Deliberate differences from ArcGIS: distances are between cell centres,
 * the ten distances start at d1 with step d1 (ArcGIS picks its own start and
 * increment), Moran's I runs over the cells of the statistic's set.
 * k-NN: offsets sorted by distance are walked from each data cell, O(cells
 * with data * offsets walked); cells that do not find k neighbours within
 * the precomputed radius are searched by brute force.
 */
#include <math.h>
#include <stdlib.h>

#include "hotspot/hotspot_int.h"

typedef struct off {
    double d;
    long dr, dc;
} off;

static int cmp_off(const void *a, const void *b)
{
    double x = ((const off *)a)->d, y = ((const off *)b)->d;
    return (x > y) - (x < y);
}

static double centre_dist(const senda__lattice *l, long r0, long dr, long dc)
{
    double dx = (double)dc * l->dx, dy = (double)dr * l->dy;
    if (l->shape == SENDA_CELLS_HEX)
        dx += 0.5 * (double)(((r0 + dr) & 1L) - (r0 & 1L)) * l->dx;
    return sqrt(dx * dx + dy * dy);
}

/* k-th nearest data cell of cell (r, c) by brute force over all data cells. */
static double kth_brute(const senda__lattice *l, const unsigned char *data, long r, long c,
                        size_t k, double *buf)
{
    size_t m = 0;
    for (long rr = 0; rr < (long)l->n_rows; rr++)
        for (long cc = 0; cc < (long)l->n_cols; cc++)
            if (data[(size_t)rr * l->n_cols + (size_t)cc] && (rr != r || cc != c))
                buf[m++] = centre_dist(l, r, rr - r, cc - c);
    if (m == 0)
        return (double)NAN;
    if (k > m)
        k = m;
    for (size_t i = 0; i < k; i++) /* partial selection: k <= 30 */
        for (size_t j = i + 1; j < m; j++)
            if (buf[j] < buf[i]) {
                double t = buf[i];
                buf[i] = buf[j];
                buf[j] = t;
            }
    return buf[k - 1];
}

senda_status senda__hotspot_knn_mean(senda_ctx *ctx, const senda__lattice *l,
                                     const unsigned char *data, size_t k, double *mean_m)
{
    size_t n = l->n_rows * l->n_cols, n_data = 0;
    for (size_t i = 0; i < n; i++)
        n_data += data[i];
    if (n_data < 2)
        return senda__fail(ctx, SENDA_ERR_DATA, "need at least 2 cells with incidents to find "
                           "neighbour distances, got %zu", n_data);
    double dens = (double)n_data / (double)n;
    long rho = (long)ceil(sqrt(4.0 * (double)k / (M_PI * dens))) + 2;
    long rmax = (long)(l->n_rows > l->n_cols ? l->n_rows : l->n_cols);
    if (rho > rmax)
        rho = rmax;
    size_t n_off = (size_t)(2 * rho + 1) * (size_t)(2 * rho + 3);
    off *o = senda__calloc(ctx, 2 * n_off, sizeof *o);
    double *buf = o ? senda__calloc(ctx, n, sizeof *buf) : NULL;
    if (!buf) {
        senda__free(o);
        return SENDA_ERR_NOMEM;
    }
    for (int par = 0; par < 2; par++) {
        size_t m = 0;
        for (long dr = -rho; dr <= rho; dr++)
            for (long dc = -rho - 1; dc <= rho + 1; dc++)
                o[(size_t)par * n_off + m++] = (off){centre_dist(l, par, dr, dc), dr, dc};
        qsort(o + (size_t)par * n_off, m, sizeof *o, cmp_off);
    }
    /* Offsets are complete up to distance rho * min(dx, dy). */
    double complete = (double)rho * fmin(l->dx, l->dy), total = 0.0;
    for (long r = 0; r < (long)l->n_rows; r++)
        for (long c = 0; c < (long)l->n_cols; c++) {
            if (!data[(size_t)r * l->n_cols + (size_t)c])
                continue;
            const off *po = o + (size_t)(r & 1L) * n_off;
            size_t found = 0;
            double d = (double)NAN;
            for (size_t i = 1; i < n_off && po[i].d <= complete; i++) { /* [0] is self */
                long rr = r + po[i].dr, cc = c + po[i].dc;
                if (rr < 0 || cc < 0 || rr >= (long)l->n_rows || cc >= (long)l->n_cols ||
                    !data[(size_t)rr * l->n_cols + (size_t)cc])
                    continue;
                if (++found == k) {
                    d = po[i].d;
                    break;
                }
            }
            if (isnan(d))
                d = kth_brute(l, data, r, c, k, buf);
            total += d;
        }
    senda__free(o);
    senda__free(buf);
    *mean_m = total / (double)n_data;
    return SENDA_OK;
}

senda_status senda__hotspot_moran_z(senda_ctx *ctx, const senda__lattice *l, double band_m,
                                    const double *val, const unsigned char *in_set, double *z)
{
    size_t n_cells = l->n_rows * l->n_cols;
    double n = 0.0, mean = 0.0;
    for (size_t i = 0; i < n_cells; i++)
        if (in_set[i]) {
            n += 1.0;
            mean += val[i];
        }
    *z = (double)NAN;
    if (n < 4.0)
        return SENDA_OK;
    mean /= n;
    double *dev = senda__calloc(ctx, n_cells, sizeof *dev);
    double *sum = dev ? senda__calloc(ctx, n_cells, sizeof *sum) : NULL;
    int32_t *cnt = sum ? senda__calloc(ctx, n_cells, sizeof *cnt) : NULL;
    senda_status st = cnt ? SENDA_OK : SENDA_ERR_NOMEM;
    if (st == SENDA_OK) {
        for (size_t i = 0; i < n_cells; i++)
            dev[i] = in_set[i] ? val[i] - mean : 0.0;
        st = senda__hotspot_window(ctx, l, band_m, dev, in_set, sum, cnt);
    }
    if (st == SENDA_OK) {
        double num = 0.0, m2 = 0.0, m4 = 0.0, s0 = 0.0, s2 = 0.0;
        for (size_t i = 0; i < n_cells; i++) {
            if (!in_set[i])
                continue;
            double wi = (double)(cnt[i] - 1); /* neighbours without self */
            num += dev[i] * (sum[i] - dev[i]);
            m2 += dev[i] * dev[i];
            m4 += dev[i] * dev[i] * dev[i] * dev[i];
            s0 += wi;
            s2 += 4.0 * wi * wi; /* (row sum + column sum)^2, symmetric binary */
        }
        double s1 = 2.0 * s0; /* 1/2 sum (w_ij + w_ji)^2 = 2 S0 for binary symmetric */
        if (s0 > 0.0 && m2 > 0.0) {
            double I = n / s0 * num / m2, EI = -1.0 / (n - 1.0);
            double b2 = n * m4 / (m2 * m2);
            double v = (n * ((n * n - 3.0 * n + 3.0) * s1 - n * s2 + 3.0 * s0 * s0) -
                        b2 * ((n * n - n) * s1 - 2.0 * n * s2 + 6.0 * s0 * s0)) /
                           ((n - 1.0) * (n - 2.0) * (n - 3.0) * s0 * s0) - EI * EI;
            if (v > 0.0)
                *z = (I - EI) / sqrt(v);
        }
    }
    senda__free(dev);
    senda__free(sum);
    senda__free(cnt);
    return st;
}

senda_status senda__hotspot_auto_band(senda_ctx *ctx, const senda__lattice *l, const double *val,
                                      const unsigned char *in_set, const unsigned char *data,
                                      double *band_m, senda_hotspot_band_rule *rule)
{
    size_t n = l->n_rows * l->n_cols, n_data = 0;
    for (size_t i = 0; i < n; i++)
        n_data += data[i];
    double d1;
    senda_status st = senda__hotspot_knn_mean(ctx, l, data, 1, &d1);
    if (st != SENDA_OK)
        return st;
    d1 = fmax(d1, fmin(l->dx, l->dy));
    double z[10];
    for (int k = 0; k < 10; k++)
        if ((st = senda__hotspot_moran_z(ctx, l, (double)(k + 1) * d1, val, in_set, &z[k])) !=
            SENDA_OK)
            return st;
    int first = -1, best = -1;
    for (int k = 1; k < 9; k++) {
        if (isnan(z[k]) || !(z[k] > z[k - 1]) || !(z[k] >= z[k + 1]))
            continue;
        if (first < 0 && z[k] >= 1.96)
            first = k;
        if (best < 0 || z[k] > z[best])
            best = k;
    }
    if (first >= 0 || best >= 0) {
        *band_m = (double)((first >= 0 ? first : best) + 1) * d1;
        *rule = first >= 0 ? SENDA_BAND_FIRST_PEAK : SENDA_BAND_MAX_PEAK;
        senda__log(ctx, 0, "Gi*: band %g m (Moran's I z = %.2f at its %s peak)", *band_m,
                   z[first >= 0 ? first : best], first >= 0 ? "first" : "highest");
        return SENDA_OK;
    }
    size_t k = (size_t)llround(0.05 * (double)n_data);
    k = k < 3 ? 3 : (k > 30 ? 30 : k);
    if ((st = senda__hotspot_knn_mean(ctx, l, data, k, band_m)) != SENDA_OK)
        return st;
    *rule = SENDA_BAND_KNN;
    senda__log(ctx, 0, "Gi*: no peak of Moran's I z; band %g m = mean distance to the %zu-th "
               "nearest cell with incidents", *band_m, k);
    return SENDA_OK;
}
