/*
 * cost_int.h - engine-internal pieces of the cost module shared between its
 * files: the raw Dijkstra run over flat arrays, the direction code table,
 * and path tracing.
 */
#ifndef SENDA_COST_INT_H
#define SENDA_COST_INT_H

#include <stdint.h>

#include "core/core_int.h"
#include "io/gazetteer_int.h"

/** Number of neighbour moves: 8, or 16 with knight's moves. Move k (1-based,
 *  r.cost's order) goes from a settled cell by (senda__cost_drow[k],
 *  senda__cost_dcol[k]); the direction stored in the reached cell points
 *  back, senda__cost_deg[k] degrees counter-clockwise from east. */
extern const int senda__cost_drow[17];
extern const int senda__cost_dcol[17];
extern const double senda__cost_deg[17];
/** For knight's move k (9..16): the straight and the diagonal move whose
 *  cells it passes; {0, 0} for the others. */
extern const int senda__cost_knight_via[17][2];
/** r.cost's move factor of move k in cell widths: 1/2, sqrt(2)/2, sqrt(5)/4. */
double senda__cost_move_factor(int k);
/** n doubles at v set to NaN (unreached), by senda__cost_nan_fill(&fill):
 *  a pthread start routine, so a second thread can do it during other work
 *  (accumulate.c: the directions during the search; walk.c: the accumulated
 *  cost while the move bounds are found). Returns NULL. */
typedef struct {
    double *v;
    size_t n;
} senda__cost_fill;
void *senda__cost_nan_fill(void *arg);
/** senda_cost_walk's threads (walk.c): -1 (the default) two threads for a
 *  large grid on two or more processors when they prove faster than one;
 *  1 two threads for every grid and bucket, 0 one thread (tests). */
extern int senda__walk_two_threads;

/** One accumulated-cost run over flat row-major arrays. */
typedef struct senda__cost_run {
    const double *cost;   /* n_rows * n_cols friction; NaN or < 0 = null */
    size_t n_rows, n_cols;
    double unit;          /* one cell width in output length units (1 = r.cost) */
    int knight;
    double max_cost;      /* > 0: stop when the next cell costs more */
    double null_cost;     /* cost used for null cells; NaN = barrier */
    const size_t *src;    /* source cell indices (duplicates allowed) */
    size_t n_src;
    double *accum;        /* out: n cells, NaN where unreached */
    uint8_t *code;        /* out: n cells, 0 = none, else the move k that reached it */
} senda__cost_run;

/** Run Dijkstra (r.cost semantics, header of accumulate.c). accum and code
 *  are overwritten. Returns SENDA_OK, SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED or
 *  SENDA_ERR_DATA (message set) for a grid too large for the queue. */
senda_status senda__cost_dijkstra(senda_ctx *ctx, senda__cost_run *run,
                                  senda_progress_fn progress, void *progress_arg);

/** Cell indices of the points that fall inside grid g (duplicates kept);
 *  the others are skipped with a warning. SENDA_ERR_DATA (message set) when
 *  none does, SENDA_ERR_NOMEM. Ownership: *out freed with senda__free. */
senda_status senda__cost_source_cells(senda_ctx *ctx, const senda_grid *g,
                                      const senda_points *pts, size_t **out, size_t *n_out);

/** dist[i] = min(dist[i], distance from cell centre i to segment a-b), for
 *  the cells within range of the segment's bounding box only. */
void senda__cost_segment_distance(const senda_grid *g, double *dist, double ax, double ay,
                                  double bx, double by, double range);

/** dist[i] = distance from cell centre i to the nearest segment of the rail
 *  layer where it is within about range (INFINITY elsewhere, and everywhere
 *  without a rail layer). SENDA_OK or SENDA_ERR_NOMEM. */
senda_status senda__cost_rail_distance(senda_ctx *ctx, const senda_layers *layers,
                                       const senda_grid *g, double range, double *dist);

/** The same for the segments of any line layer (INFINITY everywhere when the
 *  layers or the layer are missing). */
senda_status senda__cost_line_distance(senda_ctx *ctx, const senda_layers *layers,
                                       const char *name, const senda_grid *g, double range,
                                       double *dist);

/** The checkpoints of the layers (may be NULL: none) minus those named in
 *  without, plus the with_xy pairs, as x y pairs in *xy (freed with
 *  senda__free). SENDA_ERR_ARG (message set) for a name not in the layer. */
senda_status senda__cost_checkpoints(senda_ctx *ctx, const senda_layers *layers,
                                     const char *const *without, size_t n_without,
                                     const double *with_xy, size_t n_with, double **xy,
                                     size_t *n_out);

/** s += w * density / max(density), cell by cell (the density term of the
 *  danger and exposure surfaces); with no positive density, the density's
 *  NaN cells become NaN in s and the others are left alone. */
void senda__cost_add_density(const senda_grid *density, double w, double *s);

/** The checks of a surface's options: each of the n weights and ranges v[k]
 *  finite and >= 0 (else "<names[k]> must be >= 0, got V"), and the what-if
 *  lists given when their counts say so. SENDA_ERR_ARG with the message set. */
senda_status senda__cost_check_weights(senda_ctx *ctx, const double *v,
                                       const char *const *names, int n,
                                       const char *const *without, size_t n_without,
                                       const double *with_xy, size_t n_with);

/** The towns of the bundled gazetteer with at least min_population
 *  inhabitants, as x y pairs in the layers' CRS (*xy freed with senda__free).
 *  SENDA_OK, SENDA_ERR_IO (no gazetteer), SENDA_ERR_CRS, SENDA_ERR_NOMEM. */
senda_status senda__cost_towns(senda_ctx *ctx, const senda_layers *layers, long min_population,
                               double **xy, size_t *n_out);

/** The move that a direction value in degrees encodes (1..16), 0 for NaN,
 *  <= 0 or a value that is no r.cost direction. */
int senda__cost_code_of_deg(double deg);

/** Trace from cell start back to a source along a direction raster in
 *  degrees (r.path): cells[0] = start, the last one a cell whose direction
 *  is NaN or <= 0. *n_out cells. Returns SENDA_OK, SENDA_ERR_NOMEM, or
 *  SENDA_ERR_DATA (message set) when the walk meets a value that is no
 *  direction, leaves the grid or loops.
 *  Ownership: *cells_out freed with senda__free. */
senda_status senda__cost_trace(senda_ctx *ctx, const double *dir_deg, size_t n_rows,
                               size_t n_cols, size_t start, size_t **cells_out, size_t *n_out);

/** The vertices of a (Multi)LineString, parts concatenated in order;
 *  part[v] is the part index of vertex v (segments join only within a part). */
typedef struct senda__polyline {
    double *x, *y;
    int *part;
    size_t n;
} senda__polyline;

senda_status senda__cost_polyline(senda_ctx *ctx, const GEOSGeometry *geom,
                                  senda__polyline *out);
void senda__polyline_free(senda__polyline *pl);

/** Fill p->value with the friction under each vertex and, unless keep_m,
 *  recompute p->m and p->cost from the cell sequence with r.cost's move
 *  formula over friction (null rule of o): the cost of the path on that
 *  surface. */
void senda__cost_path_recost(const senda_grid *friction, const senda_cost_opts *o,
                             senda_cost_path *p, int keep_m);

/** Find a place name in the layers, else in the gazetteer (place.c rules);
 *  0 and (x, y) in the layers' CRS when found, -1 when not, -2 when the
 *  gazetteer could not be loaded for want of memory (ctx message set). *gaz caches
 *  the gazetteer (opened on first need; the caller closes it with
 *  senda__gazetteer_close); gaz NULL = layers only. why (may be NULL)
 *  receives the candidates of an ambiguous name, else "". */
int senda__place_find(senda_ctx *ctx, const senda_layers *layers, const char *text,
                      senda__gazetteer **gaz, double *x, double *y, char *why,
                      size_t why_size);

/* Route profiles: horizontal positions of station labels. xs[0..n) are the
 * stations' pixels (ascending); at[s] gets a position in [lo, hi] with labels
 * at least LABEL_GAP apart, near their station, or NAN when they cannot all
 * fit. */
enum { LABEL_GAP = 14 };
void senda__profile_place_labels(const double *xs, size_t n, double lo, double hi, double *at);

#endif
