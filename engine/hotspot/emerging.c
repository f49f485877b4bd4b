/*
 * emerging.c - emerging hot spots: a space-time cube of incident counts,
 * Getis-Ord Gi* per bin, Mann-Kendall trends and ArcGIS's categories.
 *
 * Method (ArcGIS Pro, "How Emerging Hot Spot Analysis works",
 * https://pro.arcgis.com/en/pro-app/latest/tool-reference/space-time-pattern-mining/learnmoreemerging.htm):
 * 1. Cube: the cells of the Gi* lattice (the same study area) x time steps
 *    of a month, quarter or year from the first to the last step holding an
 *    incident. An incident goes to the step holding its dated period (a day,
 *    a month or a year, as the store keeps it); a period spanning two steps
 *    (a report dated only to 2019 in a monthly cube) is left out and counted.
 * 2. Gi* per bin (Getis and Ord 1992, binary weights, self included): the
 *    neighbours of bin (cell c, step t) are the bins of the cells within the
 *    band of c in steps t - time_window .. t (ArcGIS's "neighborhood time
 *    step": the same and the preceding steps); mean and variance over all the
 *    bins of the cube; two-sided p; Benjamini-Hochberg FDR over all bins
 *    (ArcGIS applies FDR in this tool); a bin is a significant hot (cold)
 *    spot when its p passes alpha (default 0.05) after FDR and z > 0 (< 0).
 * 3. Trends: Mann-Kendall (mannkendall.c) of each cell's z-scores over the
 *    steps (ArcGIS's "intensity of clustering", which decides Intensifying
 *    and Diminishing) and of its counts, and of the whole cube's counts.
 * 4. Categories, ArcGIS's published definitions (n steps, "90 %" means at
 *    least 0.9 n of them); checked in this order, cold spots alike:
 *    - New Hot Spot: hot in the final step, never hot before.
 *    - Consecutive Hot Spot: a single uninterrupted run of at least two hot
 *      steps ending in the final step, never hot before the run, fewer than
 *      90 % of the steps hot.
 *    - Intensifying Hot Spot: hot in >= 90 % of the steps including the
 *      final one, and the z-scores rise significantly (trend p < alpha).
 *    - Diminishing Hot Spot: the same, the z-scores falling significantly.
 *    - Historical Hot Spot: not hot in the final step, hot in >= 90 %.
 *    - Persistent Hot Spot: hot in >= 90 % of the steps, no significant
 *      trend of the z-scores.
 *    - Oscillating Hot Spot: hot in the final step, a significant cold spot
 *      in some earlier step, fewer than 90 % hot.
 *    - Sporadic Hot Spot: hot in the final step, on and off before, fewer
 *      than 90 % hot, never a cold spot.
 *    - "No Pattern Detected": none of these.
 *    Where two definitions overlap (>= 90 % hot, not in the final step, no
 *    trend: Historical and Persistent), the one naming the final step wins.
 * 5. Change between two periods (steps [0, split) and [split, n)): each
 *    period's counts summed per cell, its spatial Gi* (same band, FDR), and
 *    the differences.
 * Deliberate differences from ArcGIS: the band is between cell centres
 * (cells are the features, as in gistar.c); bins use the analytic p (no
 * permutations); the cube starts and ends at the steps holding incidents.
 * Complexity: O(steps x cells x band rows) for the window sums, O(cells x
 * steps^2) for the trends; memory about 40 bytes a bin.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hotspot/hotspot_int.h"
#include "incidents/incidents_int.h"

static const char *const pattern_names[SENDA_PATTERN_N] = {
    "No Pattern Detected",     "New Hot Spot",          "Consecutive Hot Spot",
    "Intensifying Hot Spot",   "Persistent Hot Spot",   "Diminishing Hot Spot",
    "Sporadic Hot Spot",       "Oscillating Hot Spot",  "Historical Hot Spot",
    "New Cold Spot",           "Consecutive Cold Spot", "Intensifying Cold Spot",
    "Persistent Cold Spot",    "Diminishing Cold Spot", "Sporadic Cold Spot",
    "Oscillating Cold Spot",   "Historical Cold Spot"};

const char *senda_pattern_name(senda_pattern p)
{
    return (unsigned)p < SENDA_PATTERN_N ? pattern_names[p] : "";
}

int senda_time_step_from_name(const char *name, senda_time_step *out)
{
    static const char *const names[] = {"month", "quarter", "year"};
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (senda_time_step)i;
            return 0;
        }
    return -1;
}

void senda_emerging_opts_init(senda_emerging_opts *o)
{
    memset(o, 0, sizeof *o);
    o->step = SENDA_STEP_YEAR;
    o->time_window = 1;
    o->alpha = 0.05;
    o->change_split = 0;
}

void senda_emerging_result_destroy(senda_emerging_result *r)
{
    if (!r)
        return;
    void *arrays[] = {r->step_day, r->in_set, r->count, r->z, r->p, r->bin, r->pattern,
                      r->trend_z, r->trend_p, r->count_trend_z, r->count_trend_p, r->n_hot,
                      r->n_cold, r->change_count[0], r->change_count[1], r->change_z[0],
                      r->change_z[1], r->change_bin[0], r->change_bin[1]};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        senda__free(arrays[i]);
    senda__free(r);
}

void senda__hotspot_civil(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* The step key of a day: years, quarters or months since year 0. */
static long step_key(senda_time_step s, int32_t day)
{
    int y, m, d;
    senda__hotspot_civil(day, &y, &m, &d);
    return s == SENDA_STEP_YEAR ? y : s == SENDA_STEP_QUARTER ? y * 4L + (m - 1) / 3
                                                               : y * 12L + (m - 1);
}

static int32_t key_day(senda_time_step s, long k)
{
    int y = (int)(s == SENDA_STEP_YEAR ? k : s == SENDA_STEP_QUARTER ? k / 4 : k / 12);
    int m = s == SENDA_STEP_YEAR ? 1 : s == SENDA_STEP_QUARTER ? (int)(k % 4) * 3 + 1
                                                               : (int)(k % 12) + 1;
    return (int32_t)senda__days_from_civil(y, m, 1);
}

#define EM_ALLOC(ptr, n) ((ptr) = senda__calloc(ctx, (n), sizeof *(ptr))) == NULL

static senda_status alloc_result(senda_ctx *ctx, senda_emerging_result *r)
{
    size_t nc = r->n_cells, nb = nc * r->n_steps;
    if (EM_ALLOC(r->step_day, r->n_steps + 1) || EM_ALLOC(r->count, nb) || EM_ALLOC(r->z, nb) ||
        EM_ALLOC(r->p, nb) || EM_ALLOC(r->bin, nb) || EM_ALLOC(r->pattern, nc) ||
        EM_ALLOC(r->trend_z, nc) || EM_ALLOC(r->trend_p, nc) || EM_ALLOC(r->count_trend_z, nc) ||
        EM_ALLOC(r->count_trend_p, nc) || EM_ALLOC(r->n_hot, nc) || EM_ALLOC(r->n_cold, nc) ||
        EM_ALLOC(r->change_count[0], nc) || EM_ALLOC(r->change_count[1], nc) ||
        EM_ALLOC(r->change_z[0], nc) || EM_ALLOC(r->change_z[1], nc) ||
        EM_ALLOC(r->change_bin[0], nc) || EM_ALLOC(r->change_bin[1], nc))
        return SENDA_ERR_NOMEM;
    return SENDA_OK;
}

/* The steps of the dated points: *k0 the first key, n_steps; step[i] = -1 when left out. */
static size_t find_steps(const senda_points *pts, const int32_t *d0, const int32_t *d1,
                         senda_time_step s, long *step, long *k0, size_t *n_out)
{
    long lo = 0, hi = -1;
    *n_out = 0;
    for (size_t i = 0; i < pts->n; i++) {
        step[i] = -1;
        if (d0[i] == INT32_MIN || d1[i] == INT32_MIN || step_key(s, d0[i]) != step_key(s, d1[i])) {
            (*n_out)++;
            continue;
        }
        step[i] = step_key(s, d0[i]);
        if (hi < lo || step[i] < lo)
            lo = step[i];
        if (hi < lo || step[i] > hi)
            hi = step[i];
    }
    *k0 = lo;
    for (size_t i = 0; i < pts->n; i++)
        if (step[i] >= 0)
            step[i] -= lo;
    return hi >= lo ? (size_t)(hi - lo + 1) : 0;
}

/* The study area's cells, the cube's counts and the all-steps totals. */
static senda_status fill_cube(senda_ctx *ctx, const senda__lattice *l, const senda_points *pts,
                              const long *step, const senda_hotspot_gistar_opts *gi,
                              senda_emerging_result *r, double *total, unsigned char *data)
{
    size_t nc = r->n_cells;
    if (gi->cells == SENDA_GISTAR_STUDY_AREA) {
        senda_status st = senda__hotspot_study_area(ctx, l, r->spec.crs, gi->study_area,
                                                    r->in_set);
        if (st != SENDA_OK)
            return st;
    } else {
        memset(r->in_set, 1, nc);
    }
    for (size_t i = 0; i < pts->n; i++) {
        size_t row, col;
        if (step[i] < 0)
            continue;
        if (!senda__lattice_locate(l, pts->x[i], pts->y[i], &row, &col) ||
            !r->in_set[row * l->n_cols + col]) {
            r->n_points_out_space++;
            continue;
        }
        size_t c = row * l->n_cols + col;
        r->count[(size_t)step[i] * nc + c] += pts->weight[i];
        total[c] += pts->weight[i];
        data[c] = 1;
        r->n_points_in++;
    }
    if (gi->cells == SENDA_GISTAR_NONEMPTY)
        memcpy(r->in_set, data, nc);
    return SENDA_OK;
}

/* Space-time Gi* of every bin: window sums per step, then over the time window. */
static senda_status cube_gistar(senda_ctx *ctx, const senda__lattice *l, int window,
                                senda_emerging_result *r)
{
    size_t nc = r->n_cells, ns = r->n_steps, nb = nc * ns;
    double *ssum = senda__calloc2(ctx, nb, sizeof *ssum), *stsum = NULL;
    int32_t *cnt = ssum ? senda__calloc(ctx, nc, sizeof *cnt) : NULL, *w = NULL;
    unsigned char *set = NULL;
    senda_status st = SENDA_ERR_NOMEM;
    if (!cnt || !(stsum = senda__calloc2(ctx, nb, sizeof *stsum)) ||
        !(w = senda__calloc2(ctx, nb, sizeof *w)) || !(set = senda__calloc(ctx, nb, 1)))
        goto done;
    for (size_t t = 0; t < ns; t++)
        if ((st = senda__hotspot_window(ctx, l, r->band_m, r->count + t * nc, r->in_set,
                                        ssum + t * nc, cnt)) != SENDA_OK)
            goto done;
    for (size_t t = 0; t < ns; t++) {
        size_t t0 = t >= (size_t)window ? t - (size_t)window : 0;
        for (size_t c = 0; c < nc; c++) {
            double s = 0.0;
            for (size_t u = t0; u <= t; u++)
                s += ssum[u * nc + c];
            stsum[t * nc + c] = s;
            w[t * nc + c] = cnt[c] * (int32_t)(t - t0 + 1);
            set[t * nc + c] = r->in_set[c];
        }
    }
    st = senda__hotspot_z(ctx, nb, set, r->count, stsum, w, r->z, r->p);
done:
    senda__free(ssum);
    senda__free(stsum);
    senda__free(cnt);
    senda__free(w);
    senda__free(set);
    return st;
}

/* Gi_Bin after FDR (+-3/2/1) and the p threshold of alpha after FDR. */
static senda_status bins_fdr(senda_ctx *ctx, const double *z, const double *p, size_t n,
                             double alpha, int8_t *bin, double *thr_alpha)
{
    const double alphas[4] = {0.10, 0.05, 0.01, alpha};
    double thr[4];
    senda_status st = senda__hotspot_bh(ctx, p, n, alphas, 4, thr);
    if (st != SENDA_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        int b = 0;
        for (int k = 0; k < 3 && !isnan(p[i]); k++)
            if (thr[k] >= 0.0 && p[i] <= thr[k])
                b = k + 1;
        bin[i] = (int8_t)(z[i] < 0.0 ? -b : b);
    }
    if (thr_alpha)
        *thr_alpha = thr[3];
    return SENDA_OK;
}

/* ArcGIS's category of one location from its significant steps and z trend. */
static senda_pattern classify(const signed char *sig, size_t n, double trend_z, double trend_p,
                              double alpha)
{
    for (int cold = 0; cold < 2; cold++) {
        signed char me = cold ? -1 : 1;
        size_t n_me = 0, n_other = 0, run = 0;
        for (size_t t = 0; t < n; t++) {
            n_me += sig[t] == me;
            n_other += sig[t] == -me;
        }
        while (run < n && sig[n - 1 - run] == me)
            run++;
        int final = sig[n - 1] == me, most = (double)n_me >= 0.9 * (double)n;
        int trend = trend_p < alpha, rising = cold ? trend_z < 0.0 : trend_z > 0.0;
        senda_pattern base = cold ? SENDA_PATTERN_NEW_COLD : SENDA_PATTERN_NEW_HOT;
        if (final && n_me == 1)
            return base; /* New */
        if (final && run >= 2 && n_me == run && !most)
            return (senda_pattern)(base + 1); /* Consecutive */
        if (final && most && trend && rising)
            return (senda_pattern)(base + 2); /* Intensifying */
        if (final && most && trend && !rising)
            return (senda_pattern)(base + 4); /* Diminishing */
        if (!final && most)
            return (senda_pattern)(base + 7); /* Historical */
        if (most && !trend)
            return (senda_pattern)(base + 3); /* Persistent */
        if (final && !most && n_other > 0)
            return (senda_pattern)(base + 6); /* Oscillating */
        if (final && !most)
            return (senda_pattern)(base + 5); /* Sporadic */
    }
    return SENDA_PATTERN_NONE;
}

/* Trends and categories of every cell. */
static senda_status categorise(senda_ctx *ctx, senda_emerging_result *r, double alpha,
                               double thr)
{
    size_t nc = r->n_cells, ns = r->n_steps;
    double *buf = senda__calloc(ctx, ns, sizeof *buf), *tot = NULL;
    signed char *sig = buf ? senda__calloc(ctx, ns, 1) : NULL;
    if (!sig || !(tot = senda__calloc(ctx, ns, sizeof *tot))) {
        senda__free(buf);
        senda__free(sig);
        return SENDA_ERR_NOMEM;
    }
    for (size_t c = 0; c < nc; c++) {
        r->pattern[c] = SENDA_PATTERN_NONE;
        if (!r->in_set[c])
            continue;
        r->n_hot[c] = r->n_cold[c] = 0;
        for (size_t t = 0; t < ns; t++) {
            size_t b = t * nc + c;
            int s = thr >= 0.0 && !isnan(r->p[b]) && r->p[b] <= thr;
            sig[t] = (signed char)(s ? (r->z[b] > 0.0 ? 1 : -1) : 0);
            r->n_hot[c] += sig[t] > 0;
            r->n_cold[c] += sig[t] < 0;
            tot[t] += r->count[b];
        }
        senda__mann_kendall(r->z + c, ns, nc, buf, &r->trend_z[c], &r->trend_p[c]);
        senda__mann_kendall(r->count + c, ns, nc, buf, &r->count_trend_z[c],
                            &r->count_trend_p[c]);
        r->pattern[c] = classify(sig, ns, r->trend_z[c], r->trend_p[c], alpha);
        r->n_by_pattern[r->pattern[c]]++;
    }
    senda__mann_kendall(tot, ns, 1, buf, &r->count_trend_all_z, &r->count_trend_all_p);
    senda__free(buf);
    senda__free(sig);
    senda__free(tot);
    return SENDA_OK;
}

/* The two periods' counts, spatial Gi* and bins. */
static senda_status change(senda_ctx *ctx, const senda__lattice *l, senda_emerging_result *r)
{
    size_t nc = r->n_cells;
    double *sum = senda__calloc(ctx, nc, sizeof *sum), *p = NULL;
    int32_t *cnt = sum ? senda__calloc(ctx, nc, sizeof *cnt) : NULL;
    senda_status st = cnt && (p = senda__calloc(ctx, nc, sizeof *p)) ? SENDA_OK
                                                                     : SENDA_ERR_NOMEM;
    for (int k = 0; k < 2 && st == SENDA_OK; k++) {
        size_t t0 = k ? r->split : 0, t1 = k ? r->n_steps : r->split;
        for (size_t t = t0; t < t1; t++)
            for (size_t c = 0; c < nc; c++)
                r->change_count[k][c] += r->count[t * nc + c];
        if ((st = senda__hotspot_window(ctx, l, r->band_m, r->change_count[k], r->in_set, sum,
                                        cnt)) != SENDA_OK)
            break;
        st = senda__hotspot_z(ctx, nc, r->in_set, r->change_count[k], sum, cnt, r->change_z[k],
                              p);
        if (st == SENDA_ERR_DATA) { /* a period without variance: no Gi*, counts still hold */
            senda__log(ctx, 1, "emerging: period %d has no variation to test: %s", k + 1,
                       senda_ctx_errmsg(ctx));
            for (size_t c = 0; c < nc; c++)
                r->change_z[k][c] = p[c] = (double)NAN;
            st = SENDA_OK;
        }
        if (st == SENDA_OK)
            st = bins_fdr(ctx, r->change_z[k], p, nc, 0.05, r->change_bin[k], NULL);
    }
    senda__free(sum);
    senda__free(cnt);
    senda__free(p);
    return st;
}

static senda_status check_args(senda_ctx *ctx, const senda_points *pts, const int32_t *d0,
                               const int32_t *d1, const senda_hotspot_gistar_opts *gi,
                               const senda_emerging_opts *o, const senda_grid_spec *spec)
{
    if (!pts || !d0 || !d1 || !gi || !o || !spec)
        return senda__fail(ctx, SENDA_ERR_ARG, "emerging: NULL argument");
    if ((unsigned)o->step > SENDA_STEP_YEAR)
        return senda__fail(ctx, SENDA_ERR_ARG, "unknown time step %d", (int)o->step);
    if (o->time_window < 0 || o->time_window > 120)
        return senda__fail(ctx, SENDA_ERR_ARG, "time window must be 0..120 steps, got %d",
                           o->time_window);
    if (!(o->alpha > 0.0 && o->alpha < 1.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "alpha must be in (0, 1), got %g", o->alpha);
    if (gi->cells == SENDA_GISTAR_STUDY_AREA && (!gi->study_area || !gi->study_area[0]))
        return senda__fail(ctx, SENDA_ERR_ARG, "the study-area rule needs a polygon layer path");
    return SENDA_OK;
}

/* Cube, study area, steps and band: everything before the statistics. */
static senda_status build(senda_ctx *ctx, const senda__lattice *l, const senda_points *pts,
                          const int32_t *d0, const int32_t *d1, const senda_hotspot_gistar_opts *gi,
                          const senda_emerging_opts *o, senda_emerging_result *r)
{
    long *step = senda__calloc(ctx, pts->n ? pts->n : 1, sizeof *step), k0 = 0;
    double *total = NULL;
    unsigned char *data = NULL;
    senda_status st = SENDA_ERR_NOMEM;
    if (!step)
        return st;
    r->n_steps = find_steps(pts, d0, d1, o->step, step, &k0, &r->n_points_out_time);
    if (r->n_points_out_time)
        senda__log(ctx, 1, "emerging: %zu of %zu incidents have no date or a dated period "
                   "longer than one %s and are left out", r->n_points_out_time, pts->n,
                   o->step == SENDA_STEP_YEAR ? "year" : o->step == SENDA_STEP_QUARTER ? "quarter"
                                                                                      : "month");
    if (r->n_steps < 2) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "emerging hot spots need incidents in at least 2 "
                         "time steps, got %zu", r->n_steps);
        goto done;
    }
    if ((st = alloc_result(ctx, r)) != SENDA_OK ||
        !(total = senda__calloc(ctx, r->n_cells, sizeof *total)) ||
        !(data = senda__calloc(ctx, r->n_cells, 1)) || !(r->in_set = senda__calloc(ctx, r->n_cells, 1))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t t = 0; t <= r->n_steps; t++)
        r->step_day[t] = key_day(o->step, k0 + (long)t);
    if ((st = fill_cube(ctx, l, pts, step, gi, r, total, data)) != SENDA_OK)
        goto done;
    if (r->n_points_out_space)
        senda__log(ctx, 1, "emerging: %zu incidents lie outside the study area and are left out",
                   r->n_points_out_space);
    if (r->n_points_in < gi->min_incidents) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "emerging hot spots refused: %zu dated incidents "
                         "in the study area, fewer than the minimum %zu (lower it with "
                         "--min-incidents, accepting unreliable z-scores)", r->n_points_in,
                         gi->min_incidents);
        goto done;
    }
    if (r->n_steps < 10)
        senda__log(ctx, 1, "emerging: only %zu time steps; ArcGIS asks for at least 10 for a "
                   "meaningful trend", r->n_steps);
    r->band_m = gi->band_m;
    senda_hotspot_band_rule rule;
    size_t n_set = 0;
    for (size_t c = 0; c < r->n_cells; c++)
        n_set += r->in_set[c];
    if (r->band_m <= 0.0)
        st = senda__hotspot_band_capped(ctx, l, gi, total, r->in_set, data,
                                        gi->cells == SENDA_GISTAR_NONEMPTY ? r->n_cells : n_set,
                                        &r->band_m, &rule);
done:
    senda__free(step);
    senda__free(total);
    senda__free(data);
    return st;
}

senda_status senda_hotspot_emerging(senda_ctx *ctx, const senda_points *pts,
                                    const int32_t *day_first, const int32_t *day_last,
                                    const senda_hotspot_gistar_opts *gi, const senda_emerging_opts *opts,
                                    const senda_grid_spec *spec, senda_emerging_result **out,
                                    senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    senda__lattice l;
    senda_status st = check_args(ctx, pts, day_first, day_last, gi, opts, spec);
    if (st != SENDA_OK || (st = senda__lattice_from_spec(ctx, spec, &l)) != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "emerging hot spots"))
        return SENDA_ERR_CANCELLED;
    senda_emerging_result *r = senda__calloc(ctx, 1, sizeof *r);
    if (!r)
        return SENDA_ERR_NOMEM;
    r->spec = *spec;
    r->n_rows = l.n_rows;
    r->n_cols = l.n_cols;
    r->n_cells = l.n_rows * l.n_cols;
    r->step = opts->step;
    snprintf(r->counted, sizeof r->counted, "%s", gi->counted ? gi->counted : "incidents");
    double thr = -1.0;
    if ((st = build(ctx, &l, pts, day_first, day_last, gi, opts, r)) != SENDA_OK)
        goto done;
    if (!senda__progress(ctx, progress, progress_arg, 0.4, NULL)) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    r->split = opts->change_split > 0 && (size_t)opts->change_split < r->n_steps
                   ? (size_t)opts->change_split
                   : r->n_steps / 2;
    if ((st = cube_gistar(ctx, &l, opts->time_window, r)) != SENDA_OK ||
        (st = bins_fdr(ctx, r->z, r->p, r->n_cells * r->n_steps, opts->alpha, r->bin, &thr)) !=
            SENDA_OK ||
        (st = categorise(ctx, r, opts->alpha, thr)) != SENDA_OK ||
        (st = change(ctx, &l, r)) != SENDA_OK)
        goto done;
    if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    if (st != SENDA_OK) {
        senda_emerging_result_destroy(r);
        return st;
    }
    *out = r;
    return SENDA_OK;
}
