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

/** Mark the hot cells that are not hot without the heaviest incident of
 *  their neighbourhood (r->single_event), count them in r->n_hot_single and
 *  take them out of r->n_hot. sum: the window sums of r->weight;
 *  p_threshold: the p that admits the weakest hot bin. */
senda_status senda__hotspot_single_event(senda_ctx *ctx, const senda__lattice *l,
                                         const senda_points *pts, senda_hotspot_gistar_result *r,
                                         const double *sum, double p_threshold);

/** The Gi* z of every cell of the set from the window sums (n_neighbors
 *  already the window counts); shared with the space-time cube. */
senda_status senda__hotspot_z(senda_ctx *ctx, size_t n_cells, const unsigned char *in_set,
                              const double *x, const double *sum, const int32_t *w_count,
                              double *z, double *p);

/** The hotspot_cells layer's description: what was counted, the
 *  incidents in and out of the study area, the band and the counts. */
void senda__hotspot_cells_description(const senda_hotspot_gistar_result *r, char *out, size_t n);

/** Mann-Kendall trend of x[0], x[stride], ... (n values): z (continuity-
 *  corrected, tie-corrected variance) and two-sided p; z = 0, p = 1 for
 *  n < 3 or no variance. buf: n doubles of scratch. */
void senda__mann_kendall(const double *x, size_t n, size_t stride, double *buf, double *z,
                         double *p);

/** The automatic band of senda_hotspot_gistar (Optimized Hot Spot recipe)
 *  cut to o->max_band_frac of the side of the study area (n_area cells). */
senda_status senda__hotspot_band_capped(senda_ctx *ctx, const senda__lattice *l,
                                        const senda_hotspot_gistar_opts *o, const double *val,
                                        const unsigned char *in_set, const unsigned char *data,
                                        size_t n_area, double *band_m, senda_hotspot_band_rule *rule);

/** A cell's outline as an OGR polygon (caller destroys). */
void *senda__hotspot_cell_polygon(const senda__lattice *l, size_t row, size_t col);

/** Days since 1970-01-01 to the civil date (Howard Hinnant's algorithm). */
void senda__hotspot_civil(long days, int *y, int *m, int *d);

/** Fill the empty rtree table rt (a GeoPackage spatial index) with a packed
 *  R-tree of the n boxes (box[4 i ..]: minx, maxx, miny, maxy) of rows ids, given in a
 *  spatially coherent order, writing its shadow tables directly. */
struct sqlite3;
senda_status senda__rtree_pack(senda_ctx *ctx, struct sqlite3 *db, const char *rt,
                               const int64_t *ids, const double *box, size_t n);

#endif
