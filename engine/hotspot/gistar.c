/*
 * gistar.c - Getis-Ord Gi* hot spots on analysis cells.
 *
 * Statistic (Getis and Ord 1992; Ord and Getis 1995, eq. 14-15; the form
 * ArcGIS "Hot Spot Analysis (Getis-Ord Gi*)" documents and spdep::localG
 * computes with include.self()): over the n cells of the set with values x
 * (summed incident weight), binary weights w_ij = 1 when the centres of i
 * and j are within the band (i itself included), W_i = sum_j w_ij,
 *     z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((n W_i - W_i^2) / (n - 1)))
 * with xbar = sum x / n and S = sqrt(sum x^2 / n - xbar^2). p is two-sided
 * from the standard normal. z is NaN (and the cell gets bin 0) when
 * W_i = n (the band covers the whole set: no variance).
 * Gi_Bin: +-3, +-2, +-1 when p passes 0.01, 0.05, 0.10 (sign of z), after
 * Benjamini-Hochberg FDR control when on (ArcGIS's "Apply False Discovery
 * Rate Correction": a cell is significant at alpha when its p is at most the
 * largest p_(k) with p_(k) <= k alpha / m). With permutations, bins use the
 * folded pseudo p-values instead (PySAL esda's p_sim).
 * Cells in the statistic: all (every cell, zeros included), nonempty (cells
 * holding incidents: ArcGIS's rule when no boundary is given) or the cells
 * whose centre lies inside a study-area polygon layer (zeros included).
 * Deliberate differences: ArcGIS measures distances between incident-
 * weighted features, here between cell centres (the cells are the features);
 * the band is inclusive (d <= band), as spdep's dnearneigh and PySAL's
 * DistanceBand.
 * Sample guards (issue "hotspots a planner can defend"): fewer than
 * min_incidents points (default 30; ArcGIS's documentation calls Hot Spot
 * Analysis on fewer than 30 features unreliable) inside the cells of the set
 * are refused; points outside the grid or the study area are counted and
 * left out; a band (given or automatic) that leaves more than half of the
 * cells of the set without any neighbour but themselves is refused; hot
 * cells resting on one incident are marked (single.c).
 * Window sums use per-row prefix sums and the band's column run per row
 * offset (window.c): O(cells * band rows); memory ~60 bytes a cell.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hotspot/hotspot_int.h"

void senda_hotspot_gistar_opts_init(senda_hotspot_gistar_opts *o)
{
    memset(o, 0, sizeof *o);
    o->band_m = 0.0;
    o->cells = SENDA_GISTAR_ALL;
    o->fdr = 1;
    o->permutations = 0;
    o->seed = 12345;
    o->n_threads = 2;
    o->min_incidents = 30;
    o->max_band_frac = 0.1;
    o->counted = "incidents (events)";
}

void senda_hotspot_gistar_result_destroy(senda_hotspot_gistar_result *r)
{
    if (!r)
        return;
    senda__free(r->cx);
    senda__free(r->cy);
    senda__free(r->in_set);
    senda__free(r->count);
    senda__free(r->weight);
    senda__free(r->z);
    senda__free(r->p);
    senda__free(r->p_sim);
    senda__free(r->bin);
    senda__free(r->n_neighbors);
    senda__free(r->single_event);
    senda__free(r);
}

/* Allocate the result's arrays and centres. */
static senda_status result_alloc(senda_ctx *ctx, const senda__lattice *l,
                                 const senda_grid_spec *spec, senda_hotspot_gistar_result **out)
{
    senda_hotspot_gistar_result *r = senda__calloc(ctx, 1, sizeof *r);
    if (!r)
        return SENDA_ERR_NOMEM;
    size_t n = l->n_rows * l->n_cols;
    r->spec = *spec;
    r->n_rows = l->n_rows;
    r->n_cols = l->n_cols;
    r->n_cells = n;
    r->cx = senda__calloc(ctx, n, sizeof *r->cx);
    r->cy = r->cx ? senda__calloc(ctx, n, sizeof *r->cy) : NULL;
    r->in_set = r->cy ? senda__calloc(ctx, n, 1) : NULL;
    r->count = r->in_set ? senda__calloc(ctx, n, sizeof *r->count) : NULL;
    r->weight = r->count ? senda__calloc(ctx, n, sizeof *r->weight) : NULL;
    r->z = r->weight ? senda__calloc(ctx, n, sizeof *r->z) : NULL;
    r->p = r->z ? senda__calloc(ctx, n, sizeof *r->p) : NULL;
    r->bin = r->p ? senda__calloc(ctx, n, sizeof *r->bin) : NULL;
    r->n_neighbors = r->bin ? senda__calloc(ctx, n, sizeof *r->n_neighbors) : NULL;
    r->single_event = r->n_neighbors ? senda__calloc(ctx, n, 1) : NULL;
    if (!r->single_event) {
        senda_hotspot_gistar_result_destroy(r);
        return SENDA_ERR_NOMEM;
    }
    for (size_t row = 0; row < l->n_rows; row++)
        for (size_t col = 0; col < l->n_cols; col++)
            senda__lattice_centre(l, row, col, &r->cx[row * l->n_cols + col],
                                  &r->cy[row * l->n_cols + col]);
    *out = r;
    return SENDA_OK;
}

senda_status senda__hotspot_z(senda_ctx *ctx, size_t n_cells, const unsigned char *in_set,
                              const double *x, const double *sum, const int32_t *w_count,
                              double *z, double *p)
{
    double n = 0.0, sx = 0.0, sxx = 0.0;
    for (size_t i = 0; i < n_cells; i++)
        if (in_set[i]) {
            n += 1.0;
            sx += x[i];
            sxx += x[i] * x[i];
        }
    if (n < 3.0)
        return senda__fail(ctx, SENDA_ERR_DATA, "Gi* needs at least 3 cells in the statistic, "
                           "got %.0f", n);
    double xbar = sx / n, s2 = sxx / n - xbar * xbar;
    if (!(s2 > 1e-300 * fmax(1.0, xbar * xbar)))
        return senda__fail(ctx, SENDA_ERR_DATA, "Gi*: every one of the %.0f cells holds the "
                           "same value %g; there is no variation to test", n, xbar);
    double s = sqrt(s2);
    for (size_t i = 0; i < n_cells; i++) {
        z[i] = p[i] = (double)NAN;
        if (!in_set[i])
            continue;
        double w = (double)w_count[i], den = (n * w - w * w) / (n - 1.0);
        if (den > 0.0) {
            z[i] = (sum[i] - xbar * w) / (s * sqrt(den));
            p[i] = senda__hotspot_p_two_sided(z[i]);
        }
    }
    return SENDA_OK;
}

/* Gi_Bin from p (analytic or pseudo), with FDR when asked. */
static senda_status compute_bins(senda_ctx *ctx, senda_hotspot_gistar_result *r, const double *p, int fdr,
                                 double *thr90)
{
    static const double alphas[3] = {0.10, 0.05, 0.01};
    double thr[3] = {0.10, 0.05, 0.01};
    if (fdr) {
        senda_status st = senda__hotspot_bh(ctx, p, r->n_cells, alphas, 3, thr);
        if (st != SENDA_OK)
            return st;
    }
    r->n_hot = r->n_cold = 0;
    for (size_t i = 0; i < r->n_cells; i++) {
        int b = 0;
        if (r->in_set[i] && !isnan(p[i]) && !isnan(r->z[i])) {
            for (int k = 0; k < 3; k++)
                if (thr[k] >= 0.0 && p[i] <= thr[k])
                    b = k + 1;
        }
        r->bin[i] = (int8_t)(r->z[i] < 0.0 ? -b : b);
        r->n_hot += r->bin[i] > 0;
        r->n_cold += r->bin[i] < 0;
    }
    *thr90 = thr[0];
    return SENDA_OK;
}

static senda_status check_opts(senda_ctx *ctx, const senda_points *pts,
                               const senda_hotspot_gistar_opts *o, const senda_grid_spec *spec)
{
    if (!pts || !o || !spec)
        return senda__fail(ctx, SENDA_ERR_ARG, "pts, opts or spec is NULL");
    if ((unsigned)o->cells > SENDA_GISTAR_STUDY_AREA)
        return senda__fail(ctx, SENDA_ERR_ARG, "unknown cell rule %d", (int)o->cells);
    if (o->cells == SENDA_GISTAR_STUDY_AREA && (!o->study_area || !o->study_area[0]))
        return senda__fail(ctx, SENDA_ERR_ARG, "the study-area rule needs a polygon layer path");
    if (o->permutations < 0 || o->permutations > 99999)
        return senda__fail(ctx, SENDA_ERR_ARG, "permutations must be 0..99999, got %d",
                           o->permutations);
    if (!(o->max_band_frac > 0.0 && o->max_band_frac <= 1.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "max_band_frac must be in (0, 1], got %g",
                           o->max_band_frac);
    if (o->n_threads < 1 || o->n_threads > 256)
        return senda__fail(ctx, SENDA_ERR_ARG, "n_threads must be 1..256, got %d", o->n_threads);
    if (isnan(o->band_m) || isinf(o->band_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "band must be a number, got %g", o->band_m);
    return SENDA_OK;
}

/* The set of cells, the data cells and the warnings about them. */
static senda_status choose_cells(senda_ctx *ctx, const senda__lattice *l,
                                 const senda_hotspot_gistar_opts *o, senda_hotspot_gistar_result *r,
                                 unsigned char *data)
{
    r->n_with_data = 0;
    for (size_t i = 0; i < r->n_cells; i++) {
        data[i] = r->count[i] > 0;
        r->n_with_data += data[i];
        r->in_set[i] = o->cells == SENDA_GISTAR_ALL ? 1 : data[i];
    }
    if (o->cells == SENDA_GISTAR_STUDY_AREA) {
        senda_status st = senda__hotspot_study_area(ctx, l, r->spec.crs, o->study_area,
                                                    r->in_set);
        if (st != SENDA_OK)
            return st;
    }
    r->n_in_set = 0;
    r->n_points_in = 0;
    r->n_with_data = 0;
    for (size_t i = 0; i < r->n_cells; i++) {
        r->n_in_set += r->in_set[i];
        if (r->in_set[i]) {
            r->n_points_in += (size_t)r->count[i];
            r->n_with_data += data[i];
        } else {
            data[i] = 0;
        }
    }
    r->n_points_outside += r->n_points_total - r->n_points_in - r->n_points_outside;
    if (r->n_points_outside)
        senda__log(ctx, 1, "Gi*: %zu of %zu incidents lie outside the study area and are left "
                   "out", r->n_points_outside, r->n_points_total);
    if (r->n_points_in < o->min_incidents)
        return senda__fail(ctx, SENDA_ERR_DATA, "Gi* refused: %zu incidents in the study area, "
                           "fewer than the minimum %zu (ArcGIS's documentation calls Hot Spot "
                           "Analysis of fewer than 30 features unreliable); widen the filter, "
                           "or lower the minimum (--min-incidents) accepting unreliable z-scores",
                           r->n_points_in, o->min_incidents);
    if (r->n_points_in < 30)
        senda__log(ctx, 1, "Gi*: only %zu incidents (minimum lowered to %zu): with fewer than 30 "
                   "the z-scores are unreliable and the hot spots may be chance", r->n_points_in,
                   o->min_incidents);
    return SENDA_OK;
}

/* Refuse a band that leaves most cells alone; warn when most have few neighbours. */
static senda_status check_neighbors(senda_ctx *ctx, senda_hotspot_gistar_result *r)
{
    size_t n_alone = 0;
    r->n_few_neighbors = 0;
    for (size_t i = 0; i < r->n_cells; i++)
        if (r->in_set[i]) {
            r->n_few_neighbors += r->n_neighbors[i] - 1 < 8;
            n_alone += r->n_neighbors[i] <= 1;
        }
    if (r->n_in_set && n_alone * 2 > r->n_in_set)
        return senda__fail(ctx, SENDA_ERR_DATA, "Gi* refused: the band of %g m leaves %zu of "
                           "%zu cells without any neighbour; give a wider band (--band-m) or "
                           "larger cells", r->band_m, n_alone, r->n_in_set);
    if (r->n_in_set && r->n_few_neighbors * 2 > r->n_in_set)
        senda__log(ctx, 1, "Gi*: %zu of %zu cells have fewer than 8 neighbours within %g m; "
                   "consider a wider band", r->n_few_neighbors, r->n_in_set, r->band_m);
    return SENDA_OK;
}

senda_status senda__hotspot_band_capped(senda_ctx *ctx, const senda__lattice *l,
                                        const senda_hotspot_gistar_opts *o, const double *val,
                                        const unsigned char *in_set, const unsigned char *data,
                                        size_t n_area, double *band_m, senda_hotspot_band_rule *rule)
{
    senda_status st = senda__hotspot_auto_band(ctx, l, val, in_set, data, band_m, rule);
    if (st != SENDA_OK)
        return st;
    double cell_area = l->shape == SENDA_CELLS_HEX ? l->dx * l->dy : l->cell_m * l->cell_m;
    double cap = o->max_band_frac * sqrt((double)n_area * cell_area);
    if (*band_m > cap) {
        senda__log(ctx, 1, "Gi*: automatic band %g m cut to %g m (%g of the side of the "
                   "study area)", *band_m, cap, o->max_band_frac);
        *band_m = cap;
        *rule = SENDA_BAND_CAPPED;
    }
    return SENDA_OK;
}

senda_status senda_hotspot_gistar(senda_ctx *ctx, const senda_points *pts,
                                  const senda_hotspot_gistar_opts *opts, const senda_grid_spec *spec,
                                  senda_hotspot_gistar_result **out, senda_progress_fn progress,
                                  void *progress_arg)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    senda_status st = check_opts(ctx, pts, opts, spec);
    senda__lattice l;
    if (st != SENDA_OK || (st = senda__lattice_from_spec(ctx, spec, &l)) != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "Gi* hot spots"))
        return SENDA_ERR_CANCELLED;
    senda_hotspot_gistar_result *r = NULL;
    double *sum = NULL;
    unsigned char *data = NULL;
    if ((st = result_alloc(ctx, &l, spec, &r)) != SENDA_OK)
        goto done;
    sum = senda__calloc(ctx, r->n_cells, sizeof *sum);
    data = sum ? senda__calloc(ctx, r->n_cells, 1) : NULL;
    if (!data) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    senda__lattice_aggregate(&l, pts, r->count, r->weight, &r->n_points_outside);
    r->n_points_total = pts->n;
    snprintf(r->counted, sizeof r->counted, "%s", opts->counted ? opts->counted : "incidents");
    if ((st = choose_cells(ctx, &l, opts, r, data)) != SENDA_OK)
        goto done;
    r->band_m = opts->band_m;
    r->band_rule = SENDA_BAND_GIVEN;
    /* the study area: the cells of the set, or the whole grid for nonempty cells */
    if (r->band_m <= 0.0 &&
        (st = senda__hotspot_band_capped(
             ctx, &l, opts, r->weight, r->in_set, data,
             opts->cells == SENDA_GISTAR_NONEMPTY ? r->n_cells : r->n_in_set, &r->band_m,
             &r->band_rule)) != SENDA_OK)
        goto done;
    if (!senda__progress(ctx, progress, progress_arg, 0.3, NULL)) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    if ((st = senda__hotspot_window(ctx, &l, r->band_m, r->weight, r->in_set, sum,
                                    r->n_neighbors)) != SENDA_OK ||
        (st = senda__hotspot_z(ctx, r->n_cells, r->in_set, r->weight, sum, r->n_neighbors, r->z,
                               r->p)) != SENDA_OK)
        goto done;
    for (size_t i = 0; i < r->n_cells; i++)
        if (!r->in_set[i])
            r->n_neighbors[i] = 0;
    if ((st = check_neighbors(ctx, r)) != SENDA_OK)
        goto done;
    const double *pbin = r->p;
    if (opts->permutations > 0) {
        r->permutations = opts->permutations;
        if (!(r->p_sim = senda__calloc(ctx, r->n_cells, sizeof *r->p_sim))) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        senda__progress_sub_t sub = senda__progress_sub(progress, progress_arg, 0.4, 0.95);
        st = senda__hotspot_permute(ctx, &l, r->band_m, r->weight, r->in_set, sum,
                                    r->n_neighbors, opts->permutations, opts->seed,
                                    opts->n_threads, r->p_sim,
                                    progress ? senda__progress_sub_fn : NULL, &sub);
        if (st != SENDA_OK)
            goto done;
        pbin = r->p_sim;
    }
    double thr90;
    if ((st = compute_bins(ctx, r, pbin, opts->fdr, &thr90)) != SENDA_OK ||
        (st = senda__hotspot_single_event(ctx, &l, pts, r, sum, thr90)) != SENDA_OK)
        goto done;
    if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    senda__free(sum);
    senda__free(data);
    if (st != SENDA_OK) {
        senda_hotspot_gistar_result_destroy(r);
        return st;
    }
    *out = r;
    return SENDA_OK;
}
