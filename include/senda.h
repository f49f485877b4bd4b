/*
 * senda.h - the public API of senda, a route-risk analysis engine for the
 * Mexico-Guatemala migration corridor.
 *
 * This is the only installed header. Every call that can fail takes a
 * senda_ctx first, returns a senda_status and hands results back through
 * out-parameters; the message of the last failure is senda_ctx_errmsg().
 * Long calls take (progress, progress_arg) last, with GDAL's
 * GDALProgressFunc signature; a progress callback returning 0 cancels the
 * call, which then frees everything and returns SENDA_ERR_CANCELLED.
 *
 * The library never exits, aborts or prints.
 *
 * Sections, one per engine module: core, io (layers), incidents, grid,
 * hotspot, cost, siting, export, privacy, scenario.
 */
#ifndef SENDA_H
#define SENDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================
 * core
 * ==================================================================== */

/** Status codes returned by every call that can fail. */
typedef enum senda_status {
    SENDA_OK = 0,
    SENDA_ERR_ARG,       /**< an argument is invalid (NULL, out of range, unknown name) */
    SENDA_ERR_NOMEM,     /**< an allocation failed */
    SENDA_ERR_IO,        /**< GDAL/OGR/SQLite could not read or write */
    SENDA_ERR_CRS,       /**< PROJ could not build or run a transformation */
    SENDA_ERR_GEOM,      /**< GEOS failed on a geometry */
    SENDA_ERR_DATA,      /**< the input is readable but cannot be used */
    SENDA_ERR_CANCELLED, /**< the progress callback returned 0 */
    SENDA_ERR_INTERNAL   /**< a bug in senda */
} senda_status;

typedef struct senda_ctx senda_ctx;

/** Progress callback, the same signature as GDALProgressFunc.
 *  @param complete fraction done in [0, 1]
 *  @param message  short text, may be NULL
 *  @return 1 to go on, 0 to cancel */
typedef int (*senda_progress_fn)(double complete, const char *message, void *arg);

/** Message callback for warnings and notes (never errors: those are
 *  returned). level is 0 = note, 1 = warning. */
typedef void (*senda_log_fn)(int level, const char *message, void *arg);

/** Create a context: it holds the GEOS and PROJ contexts, the message of the
 *  last failure and the log callback. Use one per thread.
 *  @return SENDA_OK, SENDA_ERR_ARG (out is NULL), SENDA_ERR_NOMEM,
 *          SENDA_ERR_INTERNAL (GEOS or PROJ could not start)
 *  Ownership: caller frees with senda_ctx_destroy(). */
senda_status senda_ctx_create(senda_ctx **out);

/** Destroy a context. NULL is a no-op. */
void senda_ctx_destroy(senda_ctx *ctx);

/** The message of the last failed call on ctx; "" after success.
 *  Ownership: owned by ctx, valid until the next call on ctx. */
const char *senda_ctx_errmsg(const senda_ctx *ctx);

/** Route warnings and notes to fn (NULL silences them). */
void senda_ctx_set_log(senda_ctx *ctx, senda_log_fn fn, void *arg);

/** Make the n-th allocation through ctx from now on fail (n >= 1); 0 turns
 *  it off. For tests of out-of-memory paths. */
void senda_ctx_fail_alloc_after(senda_ctx *ctx, long n);

/** A short English name for a status ("invalid argument", ...). Static. */
const char *senda_status_name(senda_status status);

/** The engine version, "MAJOR.MINOR.PATCH". Static. */
const char *senda_version(void);

/** A progress callback that prints GDAL-style "0...10...20...100 - done."
 *  to stderr (it is GDALTermProgress). */
int senda_progress_term(double complete, const char *message, void *arg);

/** Free memory that a senda call returned as char * (or as documented). */
void senda_free(void *p);

/* ======================================================================
 * grid: float surfaces and the analysis grid
 * ==================================================================== */

/** A north-up raster of doubles in a projected CRS. Cell (row, col) covers
 *  x in [x_min + col*cell_m, x_min + (col+1)*cell_m) and
 *  y in (y_max - (row+1)*cell_m, y_max - row*cell_m]; row 0 is the north
 *  edge. Nodata is NaN in memory. */
typedef struct senda_grid senda_grid;

/** Create a grid filled with fill. crs is any string PROJ understands
 *  ("EPSG:32615", WKT), may be NULL for an unknown CRS.
 *  @return SENDA_OK, SENDA_ERR_ARG (sizes <= 0, cell_m <= 0), SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_grid_destroy(). */
senda_status senda_grid_create(senda_ctx *ctx, size_t n_rows, size_t n_cols, double x_min,
                               double y_max, double cell_m, const char *crs, double fill,
                               senda_grid **out);
/** Destroy a grid. NULL is a no-op. */
void senda_grid_destroy(senda_grid *grid);
size_t senda_grid_n_rows(const senda_grid *grid);
size_t senda_grid_n_cols(const senda_grid *grid);
double senda_grid_cell_m(const senda_grid *grid);
double senda_grid_x_min(const senda_grid *grid);
double senda_grid_y_max(const senda_grid *grid);
/** The CRS string the grid was created with ("" when unknown). */
const char *senda_grid_crs(const senda_grid *grid);
/** Row-major cell values, n_rows * n_cols; writable. */
double *senda_grid_data(senda_grid *grid);
const double *senda_grid_cdata(const senda_grid *grid);
/** Units and a one-line description, kept with the grid and written into
 *  outputs ("incidents per km2"). Strings are copied. */
senda_status senda_grid_set_units(senda_ctx *ctx, senda_grid *grid, const char *units,
                                  const char *description);
const char *senda_grid_units(const senda_grid *grid);
const char *senda_grid_description(const senda_grid *grid);

/** Read band 1 of any raster GDAL reads (nodata becomes NaN).
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (naming the file), SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_grid_destroy(). */
senda_status senda_grid_read(senda_ctx *ctx, const char *path, senda_grid **out);

/** Write a grid as a single-band GeoTIFF (Float32 or Float64), NaN as
 *  nodata, through a temporary file renamed into place when complete.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO */
senda_status senda_grid_write_tiff(senda_ctx *ctx, const senda_grid *grid, const char *path,
                                   int float64);
/** As senda_grid_write_tiff, with GDAL GTiff creation options ("NAME=VALUE",
 *  NULL-terminated) replacing the defaults COMPRESS=DEFLATE, TILED=YES,
 *  BIGTIFF=IF_SAFER; NULL keeps the defaults. */
senda_status senda_grid_write_tiff_co(senda_ctx *ctx, const senda_grid *grid, const char *path,
                                      int float64, const char *const *creation_options);

/* ======================================================================
 * points: weighted points in a projected CRS
 * ==================================================================== */

typedef struct senda_points {
    size_t n;
    double *x;      /**< projected x, metres */
    double *y;      /**< projected y, metres */
    double *weight; /**< weight of each point (1.0 for a plain count) */
    int64_t *id;    /**< source feature id or incident id */
    char crs[256];  /**< CRS of x, y */
} senda_points;

/** Allocate n points (weights 1, ids 0..n-1).
 *  Ownership: caller frees with senda_points_destroy(). */
senda_status senda_points_create(senda_ctx *ctx, size_t n, const char *crs, senda_points **out);
void senda_points_destroy(senda_points *pts);

/** Read the points of an OGR layer (first layer of path, or layer_name),
 *  reprojected to crs when crs is not NULL (it must then be projected;
 *  with NULL the source CRS must be projected). weight_field may be NULL.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO, SENDA_ERR_CRS, SENDA_ERR_DATA
 *  Ownership: caller frees with senda_points_destroy(). */
senda_status senda_points_read(senda_ctx *ctx, const char *path, const char *layer_name,
                               const char *weight_field, const char *crs, senda_points **out);

/* ======================================================================
 * io: the corridor layers
 * ==================================================================== */

/** The default analysis CRS: UTM zone 15N. */
#define SENDA_DEFAULT_CRS "EPSG:32615"

/** The corridor layers, loaded, reprojected and validated. */
typedef struct senda_layers senda_layers;

/** What senda_layers_open found in one layer. */
typedef struct senda_layer_report {
    char name[64];          /**< "border", "rail", "checkpoints", "crossings", "shelters", ... */
    char path[1024];        /**< the file it was read from */
    long n_features;
    char geom_type[32];     /**< "LineString", "Point", ... as found */
    double length_km;       /**< total length for line layers, else 0 */
    double extent[4];       /**< xmin, ymin, xmax, ymax in the analysis CRS */
    long n_repaired;        /**< geometries made valid with GEOSMakeValid */
    long n_empty;           /**< features without geometry, skipped */
    char problems[1024];    /**< "" or a semicolon-separated list */
} senda_layer_report;

/** The standard layer names, in load order. */
#define SENDA_LAYER_BORDER "border"
#define SENDA_LAYER_RAIL "rail"
#define SENDA_LAYER_CHECKPOINTS "checkpoints"
#define SENDA_LAYER_CROSSINGS "crossings"
#define SENDA_LAYER_SHELTERS "shelters"

/** The bundled layers directory (layers/corridor in the source tree, or
 *  $SENDA_LAYERS when set). Static. */
const char *senda_layers_default_dir(void);

/** Load every corridor layer from dir (files border, rail, checkpoints,
 *  crossings, shelters with any OGR extension: .geojson, .gpkg, .shp),
 *  reproject to crs (NULL = SENDA_DEFAULT_CRS) with PROJ, and validate with
 *  GEOS, repairing invalid geometries with make-valid and noting it.
 *  Optional layers ("states") are loaded when present.
 *  @return SENDA_OK; SENDA_ERR_ARG; SENDA_ERR_IO (missing or unreadable
 *          file, named); SENDA_ERR_CRS (a layer without CRS, or crs not
 *          projected); SENDA_ERR_DATA (wrong geometry type, named)
 *  Ownership: caller frees with senda_layers_close().
 *  Progress: once per layer. */
senda_status senda_layers_open(senda_ctx *ctx, const char *dir, const char *crs,
                               senda_layers **out, senda_progress_fn progress,
                               void *progress_arg);
void senda_layers_close(senda_layers *layers);
/** The analysis CRS of the loaded layers. */
const char *senda_layers_crs(const senda_layers *layers);
/** Number of loaded layers and the report of layer i (0-based). */
size_t senda_layers_count(const senda_layers *layers);
const senda_layer_report *senda_layers_report(const senda_layers *layers, size_t i);
/** Index of the named layer, or -1. */
long senda_layers_find(const senda_layers *layers, const char *name);
/** Feature count of the named layer (0 when absent). */
size_t senda_layers_n_features(const senda_layers *layers, const char *name);
/** Attribute "field" of feature i of a layer as text ("" when absent).
 *  Ownership: owned by layers. */
const char *senda_layers_attr(const senda_layers *layers, const char *name, size_t i,
                              const char *field);
/** Point features of a layer (centroids for other types) as senda_points.
 *  Ownership: caller frees with senda_points_destroy(). */
senda_status senda_layers_points(senda_ctx *ctx, const senda_layers *layers, const char *name,
                                 senda_points **out);

/* ======================================================================
 * incidents
 * ==================================================================== */
/* @@SECTION incidents@@ */

/* ======================================================================
 * hotspot
 * ==================================================================== */
/* @@SECTION hotspot@@ */

/* ======================================================================
 * cost
 * ==================================================================== */
/** Options of senda_cost_accumulate, filled by senda_cost_opts_init(). The
 *  move costs are GRASS r.cost's (see engine/cost/accumulate.c):
 *  straight (c1 + c2) / 2, diagonal (c1 + c2) * sqrt(2) / 2, knight's move
 *  (c1 + c2 + the two cells it passes) * sqrt(5) / 4, times the move unit. */
typedef struct senda_cost_opts {
    int knight;         /**< 1: 16 neighbours (r.cost -k); 0: 8 (default) */
    double unit_m;      /**< move lengths in: 0 = cell widths, as r.cost (default);
                             > 0 = units of unit_m metres (1 = metres, 1000 = km) */
    double max_cost;    /**< > 0: stop there, cells beyond are NaN; 0 = no limit (default) */
    double null_cost;   /**< cost of nodata and negative cells: NaN = barrier (default), or
                             >= 0 (r.cost null_cost) */
    int keep_nulls;     /**< 1: nodata input cells stay NaN in the output (r.cost -n) */
} senda_cost_opts;

/** Defaults: 8 neighbours, cell-width units, no maximum, nodata is a barrier. */
void senda_cost_opts_init(senda_cost_opts *opts);

/** Accumulated cost from the sources over a friction grid by Dijkstra's
 *  algorithm, exactly as GRASS r.cost (same move costs, same tie-breaking),
 *  and the movement direction of every reached cell: degrees counter-
 *  clockwise from east towards the previous cell on the way back to the
 *  nearest source (r.cost outdir; 22.5-degree steps with knight's moves).
 *  Sources and unreached cells have direction NaN; unreached cells NaN cost.
 *  A source is the cell holding its point (x, y in the grid's CRS);
 *  sources outside the grid are skipped with a warning.
 *  @param direction may be NULL when not wanted
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL argument, bad option); SENDA_ERR_DATA
 *          (no source inside the grid); SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees *accum and *direction with senda_grid_destroy().
 *  Progress: about 100 reports while cells are settled. */
senda_status senda_cost_accumulate(senda_ctx *ctx, const senda_grid *friction,
                                   const senda_points *sources, const senda_cost_opts *opts,
                                   senda_grid **accum, senda_grid **direction,
                                   senda_progress_fn progress, void *progress_arg);

/** A least-cost path: cell centres from the source to the destination. */
typedef struct senda_cost_path {
    char name[128];     /**< destination name or "x,y" */
    size_t n;           /**< vertices */
    double *x, *y;      /**< cell centres in the grid's CRS */
    double *m;          /**< accumulated cost at each vertex (0 at the source) */
    double *dist_m;     /**< distance along the path from the source, metres */
    double *value;      /**< friction (danger) of the cell under each vertex */
    size_t *cell;       /**< row * n_cols + col of each vertex */
    double length_m;    /**< total length, metres */
    double cost;        /**< accumulated cost at the destination */
    int alternative;    /**< 0 = the least-cost path, k = the k-th alternative */
    double extra_cost_pct;   /**< alternatives: cost over the best path's, percent */
    double extra_length_pct; /**< alternatives: length over the best path's, percent */
} senda_cost_path;

/** Trace the least-cost path from the cell holding (x, y) (grid CRS) back
 *  to its source along a direction grid (r.path on r.cost's outdir: it
 *  stops at a NaN or <= 0 direction), and fill m from accum. value is NaN
 *  (set it with senda_cost_path_sample). name may be NULL.
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, grids of different shape);
 *          SENDA_ERR_DATA ((x, y) outside the grid or not reached, a value
 *          that is no direction, a loop); SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_cost_path_destroy(). */
senda_status senda_cost_path_trace(senda_ctx *ctx, const senda_grid *accum,
                                   const senda_grid *direction, double x, double y,
                                   const char *name, senda_cost_path **out);
void senda_cost_path_destroy(senda_cost_path *path);

/** Write paths as a LineStringM layer (M = accumulated cost) with fields
 *  name, alternative, cost, length_km, n_cells, extra_cost_pct,
 *  extra_length_pct into a GeoPackage (created when absent; a layer of the
 *  same name is replaced). crs is the grid's CRS.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_CRS, SENDA_ERR_IO */
senda_status senda_cost_paths_write(senda_ctx *ctx, const char *gpkg_path, const char *layer,
                                    const char *crs, senda_cost_path *const *paths,
                                    size_t n_paths);

/* @@SECTION cost@@ */

/* ======================================================================
 * siting
 * ==================================================================== */
/* @@SECTION siting@@ */

/* ======================================================================
 * export, privacy, scenario
 * ==================================================================== */
/** Write a surface into a GeoPackage (created when absent) as a Float32
 *  coverage in the Tiled Gridded Coverage extension, table name `table`
 *  (replacing nothing: the table must not exist yet). NaN cells are nodata.
 *  The grid's units and description are stored with the coverage.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_CRS (grid without CRS), SENDA_ERR_IO
 *  Progress: passed to GDAL's copy. */
senda_status senda_export_grid(senda_ctx *ctx, const char *gpkg_path, const char *table,
                               const senda_grid *grid, senda_progress_fn progress,
                               void *progress_arg);

/* @@SECTION export@@ */

#ifdef __cplusplus
}
#endif

#endif /* SENDA_H */
