/*
 * window.c - window sums over a distance band on a lattice: for every cell,
 * the sum of a value and the count of masked cells whose centres lie within
 * the band of its own (itself included). Used by Gi* (gistar.c: sum_j w_ij x_j
 * and W_i) and by the band search (band.c: the Moran's I neighbour sums).
 * Per-row prefix sums of value and mask, then for each cell and each row
 * offset of the band the column run from lattice.c (senda__lattice_runs) is
 * two prefix-sum lookups: O(cells * band rows) time, two (rows x (cols+1))
 * prefix tables of memory.
 */
#include "hotspot/hotspot_int.h"

senda_status senda__hotspot_window(senda_ctx *ctx, const senda__lattice *l, double band_m,
                                   const double *val, const unsigned char *mask, double *sum,
                                   int32_t *cnt)
{
    long nd;
    long *lo = NULL, *hi = NULL;
    senda_status st = senda__lattice_runs(ctx, l, band_m, &nd, &lo, &hi);
    if (st != SENDA_OK)
        return st;
    size_t nr = l->n_rows, nc = l->n_cols, stride = nc + 1;
    double *pv = senda__calloc2(ctx, nr, stride * sizeof *pv);
    int32_t *pm = pv ? senda__calloc2(ctx, nr, stride * sizeof *pm) : NULL;
    if (!pm) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            size_t i = r * nc + c;
            pv[r * stride + c + 1] = pv[r * stride + c] + (val && mask[i] ? val[i] : 0.0);
            pm[r * stride + c + 1] = pm[r * stride + c] + (mask[i] ? 1 : 0);
        }
    size_t width = (size_t)(2 * nd + 1);
    for (size_t r = 0; r < nr; r++) {
        const long *rlo = lo + (r & 1u) * width, *rhi = hi + (r & 1u) * width;
        for (size_t c = 0; c < nc; c++) {
            double s = 0.0;
            int32_t m = 0;
            for (long dr = -nd; dr <= nd; dr++) {
                long rr = (long)r + dr;
                if (rr < 0 || rr >= (long)nr)
                    continue;
                long a = (long)c + rlo[dr + nd], b = (long)c + rhi[dr + nd];
                if (a < 0)
                    a = 0;
                if (b > (long)nc - 1)
                    b = (long)nc - 1;
                if (a > b)
                    continue;
                size_t base = (size_t)rr * stride;
                s += pv[base + (size_t)b + 1] - pv[base + (size_t)a];
                m += pm[base + (size_t)b + 1] - pm[base + (size_t)a];
            }
            if (sum)
                sum[r * nc + c] = s;
            cnt[r * nc + c] = m;
        }
    }
done:
    senda__free(pv);
    senda__free(pm);
    senda__free(lo);
    senda__free(hi);
    return st;
}
