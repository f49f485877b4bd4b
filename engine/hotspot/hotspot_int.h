/*
 * hotspot_int.h - internals shared by the hotspot module's files.
 */
#ifndef SENDA_HOTSPOT_INT_H
#define SENDA_HOTSPOT_INT_H

#include "grid/grid_int.h"

/** Two-sided p of a standard normal z (NaN for NaN). */
double senda__hotspot_p_two_sided(double z);

/** Benjamini-Hochberg (1995) thresholds: for each alpha in alphas (n_alpha
 *  of them) the largest p_(k) with p_(k) <= k * alpha / m over the m finite
 *  p-values, or -1 when none passes. p is not modified. */
senda_status senda__hotspot_bh(senda_ctx *ctx, const double *p, size_t n, const double *alphas,
                               int n_alpha, double *thresholds);

/** Window sums over a distance band on a lattice: for every cell i,
 *  sum[i] = sum of val[j] and cnt[i] = sum of mask[j] over cells j whose
 *  centre is within the band of i's (i included). val may be NULL (sum not
 *  computed). Per-row prefix sums: O(cells * band rows). */
senda_status senda__hotspot_window(senda_ctx *ctx, const senda__lattice *l, double band_m,
                                   const double *val, const unsigned char *mask, double *sum,
                                   int32_t *cnt);

/** The mean distance from each cell with data (mask) to its k-th nearest
 *  other cell with data. */
senda_status senda__hotspot_knn_mean(senda_ctx *ctx, const senda__lattice *l,
                                     const unsigned char *data, size_t k, double *mean_m);

/** Global Moran's I z-score (randomisation) with binary distance-band
 *  weights among the cells of the set; NaN when undefined. */
senda_status senda__hotspot_moran_z(senda_ctx *ctx, const senda__lattice *l, double band_m,
                                    const double *val, const unsigned char *in_set, double *z);

/** Choose the Gi* band by the Optimized Hot Spot recipe. */
senda_status senda__hotspot_auto_band(senda_ctx *ctx, const senda__lattice *l, const double *val,
                                      const unsigned char *in_set, const unsigned char *data,
                                      double *band_m, senda_hotspot_band_rule *rule);

/** Conditional permutation pseudo p-values (folded) for Gi*. */
senda_status senda__hotspot_permute(senda_ctx *ctx, const senda__lattice *l, double band_m,
                                    const double *val, const unsigned char *in_set,
                                    const double *local_sum, const int32_t *n_nb, int n_perm,
                                    uint64_t seed, int n_threads, double *p_sim,
                                    senda_progress_fn progress, void *progress_arg);

/** Cells whose centre lies inside the polygons of a layer. */
senda_status senda__hotspot_study_area(senda_ctx *ctx, const senda__lattice *l, const char *crs,
                                       const char *path, unsigned char *in_set);

#endif
