/*
 * single.c - hot cells that rest on one incident (`single_event`).
 *
 * A Gi* hot spot is a claim about a neighbourhood; one event with many
 * victims (a truck crash with 24 dead, when the points are weighted) or a
 * lone event in an empty region (when they are counted) can make a cell
 * "99 % hot" on its own. Leave-one-out test: for each hot cell i (Gi_Bin >
 * 0), remove the heaviest single incident among the cells of the set within
 * the band (weight m, in cell c): x_c -> x_c - m, the global mean and
 * standard deviation recomputed over the same n cells, the window sum
 * sum_i -> sum_i - m, and
 *     z'_i = (sum_i - m - xbar' W_i) / (S' sqrt((n W_i - W_i^2) / (n - 1))).
 * The cell is marked when z'_i <= 0 or its two-sided p exceeds the p
 * threshold of the weakest hot bin (90 %, after FDR when on): without that
 * one incident it would not be a hot spot. Marked cells keep their Gi_Bin
 * (the statistic is not altered) but are left out of the headline hot count.
 * With permutations the test still uses the analytic p of z'_i against the
 * pseudo-p threshold (an approximation, stated in docs/hotspot.md).
 * Not in ArcGIS or spdep: a senda safeguard.
 * Complexity: O(points + hot cells * cells within the band); one double a cell.
 */
#include <math.h>

#include "hotspot/hotspot_int.h"

/* The heaviest single point of each cell (0 for empty cells). */
static void max_point(const senda__lattice *l, const senda_points *pts, double *mx)
{
    for (size_t i = 0; i < pts->n; i++) {
        size_t r, c;
        if (senda__lattice_locate(l, pts->x[i], pts->y[i], &r, &c) &&
            pts->weight[i] > mx[r * l->n_cols + c])
            mx[r * l->n_cols + c] = pts->weight[i];
    }
}

/* The heaviest point within the band of cell (row, col), among cells of the set. */
static double window_max(const senda__lattice *l, const senda_hotspot_gistar_result *r, const double *mx,
                         long nd, const long *lo, const long *hi, size_t row, size_t col,
                         size_t *cell)
{
    size_t width = (size_t)(2 * nd + 1);
    const long *rlo = lo + (row & 1u) * width, *rhi = hi + (row & 1u) * width;
    double best = 0.0;
    for (long dr = -nd; dr <= nd; dr++) {
        long rr = (long)row + dr;
        if (rr < 0 || rr >= (long)l->n_rows)
            continue;
        for (long cc = (long)col + rlo[dr + nd]; cc <= (long)col + rhi[dr + nd]; cc++) {
            if (cc < 0 || cc >= (long)l->n_cols)
                continue;
            size_t j = (size_t)rr * l->n_cols + (size_t)cc;
            if (r->in_set[j] && mx[j] > best) {
                best = mx[j];
                *cell = j;
            }
        }
    }
    return best;
}

senda_status senda__hotspot_single_event(senda_ctx *ctx, const senda__lattice *l,
                                         const senda_points *pts, senda_hotspot_gistar_result *r,
                                         const double *sum, double p_threshold)
{
    long nd, *lo = NULL, *hi = NULL;
    double *mx = senda__calloc(ctx, r->n_cells, sizeof *mx);
    senda_status st = mx ? senda__lattice_runs(ctx, l, r->band_m, &nd, &lo, &hi)
                         : SENDA_ERR_NOMEM;
    if (st != SENDA_OK)
        goto done;
    max_point(l, pts, mx);
    double n = 0.0, sx = 0.0, sxx = 0.0;
    for (size_t i = 0; i < r->n_cells; i++)
        if (r->in_set[i]) {
            n += 1.0;
            sx += r->weight[i];
            sxx += r->weight[i] * r->weight[i];
        }
    r->n_hot_single = 0;
    for (size_t i = 0; i < r->n_cells; i++) {
        if (r->bin[i] <= 0 || !r->in_set[i])
            continue;
        size_t c = i;
        double m = window_max(l, r, mx, nd, lo, hi, i / l->n_cols, i % l->n_cols, &c);
        double xc = r->weight[c], sx1 = sx - m, sxx1 = sxx - xc * xc + (xc - m) * (xc - m);
        double xbar = sx1 / n, s2 = sxx1 / n - xbar * xbar, w = (double)r->n_neighbors[i];
        double den = (n * w - w * w) / (n - 1.0), z = (double)NAN;
        if (s2 > 0.0 && den > 0.0)
            z = (sum[i] - m - xbar * w) / (sqrt(s2) * sqrt(den));
        int single = isnan(z) || z <= 0.0 || senda__hotspot_p_two_sided(z) > p_threshold;
        r->single_event[i] = (unsigned char)single;
        r->n_hot_single += (size_t)single;
    }
    r->n_hot -= r->n_hot_single;
done:
    senda__free(mx);
    senda__free(lo);
    senda__free(hi);
    return st;
}
