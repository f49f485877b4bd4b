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
/** The incident type codes, in this order (index = senda_incident_type). */
typedef enum senda_incident_type {
    SENDA_INC_KIDNAPPING, SENDA_INC_EXTORTION, SENDA_INC_ROBBERY_ASSAULT,
    SENDA_INC_SEXUAL_VIOLENCE, SENDA_INC_HOMICIDE, SENDA_INC_DEATH_ACCIDENT,
    SENDA_INC_DISAPPEARANCE, SENDA_INC_TRAFFICKING, SENDA_INC_ABUSE_BY_AUTHORITY,
    SENDA_INC_OTHER, SENDA_INC_N_TYPES
} senda_incident_type;

/** Reject reason codes (index into senda_import_summary.rejected_by_reason). */
typedef enum senda_reject_reason {
    SENDA_REJ_EMPTY_ROW, SENDA_REJ_NO_COORDINATES, SENDA_REJ_BAD_COORDINATES,
    SENDA_REJ_OUT_OF_RANGE, SENDA_REJ_ZERO_ZERO, SENDA_REJ_OUTSIDE_STUDY_AREA,
    SENDA_REJ_PLACE_NOT_FOUND, SENDA_REJ_AMBIGUOUS_PLACE, SENDA_REJ_BAD_DATE,
    SENDA_REJ_FUTURE_DATE, SENDA_REJ_BAD_COUNT, SENDA_REJ_NEGATIVE_COUNT,
    SENDA_REJ_N_REASONS
} senda_reject_reason;

/** The code of a type ("kidnapping"), a reject reason ("out_of_range"); static,
 *  NULL when out of range. */
const char *senda_incident_type_code(int type);
const char *senda_reject_reason_code(int reason);
/** The default severity weight of a type (documented in engine/incidents/types.c). */
double senda_incident_default_severity(int type);
/** The perpetrator codes: criminal_group, police, immigration_authority, military,
 *  train_personnel, other, unknown (index 0..6); static, NULL when out of range. */
const char *senda_perpetrator_code(int perp);
#define SENDA_N_PERPETRATORS 7

/** How `senda incidents import` reads, validates and stores reports. */
typedef struct senda_import_opts {
    /* explicit column names (NULL = detect in English and Spanish) */
    const char *lon_field, *lat_field, *coords_field, *date_field, *type_field;
    const char *count_field, *place_field, *id_field, *perpetrator_field;
    const char *s_srs;          /**< CRS of coordinate columns (NULL = WGS 84 lon/lat) */
    int date_order;             /**< 0 auto (dd/mm unless a weekday says mm/dd), 1 dmy, 2 mdy */
    double study_area[4];       /**< lon_min, lat_min, lon_max, lat_max (default -99 13 -86 22) */
    const char *gazetteer;      /**< TSV path; NULL = layers/gazetteer/corridor_places.tsv */
    const senda_layers *layers; /**< corridor layers for the spatial join; NULL = no join */
    const char *admin_field;    /**< name field of the layers' "states" layer ("name") */
    double dedupe_days;         /**< same-type reports within this many days... (default 2) */
    double dedupe_km;           /**< ...and this many km are duplicates (default 5); <0 = off */
    double severity[SENDA_INC_N_TYPES]; /**< severity weight per type */
    const char *today;          /**< "yyyy-mm-dd" for the future-date check; NULL = today (UTC) */
    int n_threads;              /**< threads for the spatial join (default 2) */
} senda_import_opts;
void senda_import_opts_init(senda_import_opts *o);

/** Counts of one import. read == accepted + rejected + duplicate; repaired,
 *  geocoded and flagged rows are among the accepted. */
typedef struct senda_import_summary {
    long files, files_skipped; /**< files read; files skipped as already imported */
    long read, accepted, repaired, rejected, duplicate, geocoded, flagged;
    long rejected_by_reason[SENDA_REJ_N_REASONS];
    long joined;               /**< accepted incidents given join fields */
} senda_import_summary;

/** Import reports from any OGR source into a GeoPackage incident store (created
 *  when absent), as one transaction: either every file is stored or none.
 *  A file already imported (same SHA-256) is skipped.
 *  @return SENDA_OK; SENDA_ERR_ARG; SENDA_ERR_IO (unreadable file or store, named);
 *          SENDA_ERR_DATA (no coordinate, place or geometry column found);
 *          SENDA_ERR_CRS (bad s_srs); SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Progress: 0..1 over the files, per 4096 rows. */
senda_status senda_incidents_import(senda_ctx *ctx, const char *store_path,
                                    const char *const *files, size_t n_files,
                                    const senda_import_opts *opts,
                                    senda_import_summary *summary, senda_progress_fn progress,
                                    void *progress_arg);

typedef struct senda_incident_filter {
    const char *types;        /* comma-separated type codes, NULL = all */
    const char *date_from;    /* "yyyy", "yyyy-mm" or "yyyy-mm-dd", inclusive; NULL = open */
    const char *date_to;      /* inclusive; NULL = open */
    const char *victims;      /* "women", "men" or "minors": only incidents with >0 of them; NULL = all */
    const char *perpetrators; /* comma-separated perpetrator codes; NULL = all */
    int weighted;             /* 1 (default): weight = severity x victims; 0: every incident weighs 1 */
} senda_incident_filter;
void senda_incident_filter_init(senda_incident_filter *f);

/** Accepted (and repaired) incidents of a store as points in crs (projected),
 *  weights per filter->weighted, ids = incident ids (fid). An incident whose
 *  date is known only to the month or year passes a date filter when its
 *  whole period lies inside [date_from, date_to].
 *  @return SENDA_OK, SENDA_ERR_ARG (unknown type/perpetrator/victims code, bad date,
 *          crs not projected), SENDA_ERR_IO (store), SENDA_ERR_CRS, SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_points_destroy(). */
senda_status senda_incidents_points(senda_ctx *ctx, const char *store_path,
                                    const senda_incident_filter *filter, const char *crs,
                                    senda_points **out);

/** Options of the synthetic incident generator. */
typedef struct senda_synth_opts {
    size_t n;                 /**< rows (default 1000) */
    uint64_t seed;            /**< random seed (default 1) */
    double frac_rail;         /**< share near the rail (default 0.5) */
    double frac_checkpoint;   /**< share near checkpoints (default 0.2) */
    double frac_crossing;     /**< share near border crossings (default 0.15); rest background */
} senda_synth_opts;
void senda_synth_opts_init(senda_synth_opts *o);

/** Write a deterministic synthetic incident CSV (every row synthetic=1) drawn
 *  around the rail, checkpoints and crossings of layers plus background in the
 *  layers' extent. Same opts -> byte-identical file.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_DATA (layers without rail), SENDA_ERR_IO,
 *          SENDA_ERR_CRS, SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED
 *  Progress: per 65536 rows. */
senda_status senda_incidents_synth(senda_ctx *ctx, const senda_layers *layers,
                                   const senda_synth_opts *opts, const char *out_csv,
                                   senda_progress_fn progress, void *progress_arg);
/* @@SECTION incidents@@ */

/* ======================================================================
 * hotspot
 * ==================================================================== */
/* @@SECTION hotspot@@ */

/* ======================================================================
 * cost
 * ==================================================================== */
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
