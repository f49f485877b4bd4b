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

/* libsenda is built with -fvisibility=hidden: what this header declares is
 * the whole exported interface (tests/api/exported-symbols.txt lists it). */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
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

/** Set a GDAL configuration option for the process (CPLSetConfigOption:
 *  GDAL_CACHEMAX, OGR_SQLITE_SYNCHRONOUS, CPL_DEBUG, ...); value NULL
 *  clears it. What `--config KEY VALUE` and `--debug on|off` do. */
void senda_config_set(const char *key, const char *value);

/** Make the n-th allocation through ctx from now on fail (n >= 1); 0 turns
 *  it off. For tests of out-of-memory paths. */
void senda_ctx_fail_alloc_after(senda_ctx *ctx, long n);

/** A short English name for a status ("invalid argument", ...). Static. */
const char *senda_status_name(senda_status status);

/** The engine version, "MAJOR.MINOR.PATCH". Static. */
const char *senda_version(void);

/** The versions of the libraries senda runs on, as loaded at run time:
 *  "GDAL x, PROJ x, GEOS x, SQLite x, SpatiaLite x". Static. */
const char *senda_version_libraries(void);

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

/** Read band 1 of a raster onto the cells of `like` (engine/grid/warp.c):
 *  reprojected into like's CRS and resampled bilinearly (GDAL's warper, as
 *  gdalwarp -r bilinear -te -ts); cells not covered or on input nodata are
 *  NaN.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, like without CRS), SENDA_ERR_IO
 *  Ownership: caller frees with senda_grid_destroy(). */
senda_status senda_grid_read_onto(senda_ctx *ctx, const char *path, const senda_grid *like,
                                  senda_grid **out);

/** Write a grid as a single-band GeoTIFF (Float32 or Float64), NaN as
 *  nodata, through a temporary file renamed into place when complete.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO */
typedef struct senda_grid_tiff_opts {
    int float64;                          /**< 1: Float64; 0 (default): Float32 */
    const char *const *creation_options;  /**< GDAL GTiff creation options ("NAME=VALUE",
                                               NULL-terminated) replacing the defaults
                                               COMPRESS=DEFLATE, TILED=YES, BIGTIFF=IF_SAFER;
                                               NULL (default) keeps them */
} senda_grid_tiff_opts;
void senda_grid_tiff_opts_init(senda_grid_tiff_opts *o);
/** @param opts NULL for the defaults */
senda_status senda_grid_write_tiff(senda_ctx *ctx, const senda_grid *grid, const char *path,
                                   const senda_grid_tiff_opts *opts);

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
/** Optional layers the route model uses when a layers directory has them:
 *  large rivers (lines: barriers to walking), the places they can be crossed
 *  (points: bridges, fords, ferries) and patrolled roads (lines: a detection
 *  halo, as around checkpoints). */
#define SENDA_LAYER_RIVERS "rivers"
#define SENDA_LAYER_RIVER_CROSSINGS "river_crossings"
#define SENDA_LAYER_PATROL_ROADS "patrol_roads"

/** The bundled layers directory: $SENDA_LAYERS when set, else corridor/ in
 *  the data directory found at run time relative to the library
 *  (<prefix>/share/senda when installed; $SENDA_DATA_DIR overrides it).
 *  Static. */
const char *senda_layers_default_dir(void);

/** Load every corridor layer from dir (files border, rail, checkpoints,
 *  crossings, shelters with any OGR extension: .geojson, .gpkg, .shp),
 *  reproject to crs (NULL = SENDA_DEFAULT_CRS) with PROJ, and validate with
 *  GEOS, repairing invalid geometries with make-valid and noting it.
 *  Optional layers ("states", "land", and for the route model "rivers",
 *  "river_crossings", "patrol_roads") are loaded when present.
 *  @return SENDA_OK; SENDA_ERR_ARG; SENDA_ERR_IO (missing or unreadable
 *          file, named); SENDA_ERR_CRS (a layer without CRS, or crs not
 *          projected); SENDA_ERR_DATA (wrong geometry type, named)
 *  Ownership: caller frees with senda_layers_destroy().
 *  Progress: once per layer. */
senda_status senda_layers_open(senda_ctx *ctx, const char *dir, const char *crs,
                               senda_layers **out, senda_progress_fn progress,
                               void *progress_arg);
void senda_layers_destroy(senda_layers *layers);
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
/** Length of feature i of a line layer in metres of the analysis CRS
 *  (GEOS), or -1 when the layer, feature or a length is absent (points). */
double senda_layers_feature_length(const senda_layers *layers, const char *name, size_t i);
/** Set to nodata (NaN) every cell of grid whose centre lies outside the
 *  polygons of layer `name` (the bundled `land` layer keeps paths off the
 *  sea); a centre inside any polygon is kept, holes excluded. The grid must
 *  be in the layers' CRS.
 *  @param n_masked may be NULL; else receives the cells newly set to nodata
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL), SENDA_ERR_DATA (no such layer, or
 *          it is empty), SENDA_ERR_NOMEM */
senda_status senda_layers_mask_grid(senda_ctx *ctx, const senda_layers *layers,
                                    const char *name, senda_grid *grid, size_t *n_masked);
/** Point features of a layer (centroids for other types) as senda_points.
 *  Ownership: caller frees with senda_points_destroy(). */
senda_status senda_layers_points(senda_ctx *ctx, const senda_layers *layers, const char *name,
                                 senda_points **out);

/* ======================================================================
 * incidents
 * ==================================================================== */
/** The incident type codes, in this order (index = senda_incidents_type). */
typedef enum senda_incidents_type {
    SENDA_INC_KIDNAPPING, SENDA_INC_EXTORTION, SENDA_INC_ROBBERY_ASSAULT,
    SENDA_INC_SEXUAL_VIOLENCE, SENDA_INC_HOMICIDE, SENDA_INC_DEATH_ACCIDENT,
    SENDA_INC_DISAPPEARANCE, SENDA_INC_TRAFFICKING, SENDA_INC_ABUSE_BY_AUTHORITY,
    SENDA_INC_OTHER, SENDA_INC_N_TYPES
} senda_incidents_type;

/** Reject reason codes (index into senda_incidents_import_summary.rejected_by_reason). */
typedef enum senda_incidents_reject_reason {
    SENDA_REJ_EMPTY_ROW, SENDA_REJ_NO_COORDINATES, SENDA_REJ_BAD_COORDINATES,
    SENDA_REJ_OUT_OF_RANGE, SENDA_REJ_ZERO_ZERO, SENDA_REJ_OUTSIDE_STUDY_AREA,
    SENDA_REJ_PLACE_NOT_FOUND, SENDA_REJ_AMBIGUOUS_PLACE, SENDA_REJ_BAD_DATE,
    SENDA_REJ_FUTURE_DATE, SENDA_REJ_BAD_COUNT, SENDA_REJ_NEGATIVE_COUNT,
    SENDA_REJ_N_REASONS
} senda_incidents_reject_reason;

/** The code of a type ("kidnapping"), a reject reason ("out_of_range"); static,
 *  NULL when out of range. */
const char *senda_incidents_type_code(int type);
const char *senda_incidents_reject_reason_code(int reason);
/** The default severity weight of a type (documented in engine/incidents/types.c). */
double senda_incidents_default_severity(int type);
/** The perpetrator codes: criminal_group, police, immigration_authority, military,
 *  train_personnel, other, unknown (index 0..6); static, NULL when out of range. */
const char *senda_incidents_perpetrator_code(int perp);
#define SENDA_N_PERPETRATORS 7

/** How `senda incidents import` reads, validates and stores reports. */
typedef struct senda_incidents_import_opts {
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
    const char *layer;          /**< layer (table) of each source to read; NULL = the only one */
    const char *synonyms;       /**< CSV kind,role,text extending the bundled synonyms (NULL = none) */
} senda_incidents_import_opts;
void senda_incidents_import_opts_init(senda_incidents_import_opts *o);

/** Counts of one import. read == accepted + rejected + duplicate; repaired,
 *  geocoded and flagged rows are among the accepted. */
typedef struct senda_incidents_import_summary {
    long files, files_skipped; /**< files read; files skipped as already imported */
    long read, accepted, repaired, rejected, duplicate, geocoded, flagged;
    long rejected_by_reason[SENDA_REJ_N_REASONS];
    long joined;               /**< accepted incidents given join fields */
    long possible_duplicate;   /**< rows kept for review: may repeat one of several reports */
    long linked_across_precisions; /**< coarse-dated reports linked to a finer one (this run,
                                        old rows included) */
    long linked_across_files;  /**< of those, links between two different files */
} senda_incidents_import_summary;

/** Import reports from any OGR source into a GeoPackage incident store (created
 *  when absent), as one transaction: either every file is stored or none.
 *  A file already imported (same SHA-256) is skipped.
 *  @return SENDA_OK; SENDA_ERR_ARG; SENDA_ERR_IO (unreadable file or store, named);
 *          SENDA_ERR_DATA (no coordinate, place or geometry column found);
 *          SENDA_ERR_CRS (bad s_srs); SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Progress: 0..1 over the files, per 4096 rows. */
senda_status senda_incidents_import(senda_ctx *ctx, const char *store_path,
                                    const char *const *files, size_t n_files,
                                    const senda_incidents_import_opts *opts,
                                    senda_incidents_import_summary *summary, senda_progress_fn progress,
                                    void *progress_arg);

/** A report kept as possible_duplicate, with the report it was matched to. */
typedef struct senda_review_item {
    int64_t fid, candidate;        /**< the report; the report it may repeat */
    char *date, *type, *source_file, *message;
    double victims, lon, lat;
    char *candidate_date, *candidate_type, *candidate_source_file;
    double candidate_victims;
} senda_review_item;
/** The store's possible duplicates, by fid.
 *  Ownership: caller frees with senda_review_items_free(). */
senda_status senda_incidents_review_list(senda_ctx *ctx, const char *store_path,
                                         senda_review_item **out, size_t *n);
void senda_review_items_free(senda_review_item *items, size_t n);
/** Settle possible duplicate fid: link_to = 0 keeps it as its own event (never
 *  linked again by later imports), -1 links it to the report proposed, > 0 to
 *  that accepted report. One transaction.
 *  @return SENDA_OK; SENDA_ERR_ARG (fid not a possible duplicate, link_to not an
 *          accepted incident); SENDA_ERR_IO */
senda_status senda_incidents_review_settle(senda_ctx *ctx, const char *store_path, int64_t fid,
                                           int64_t link_to);

typedef struct senda_incidents_filter {
    const char *types;        /* comma-separated type codes, NULL = all */
    const char *date_from;    /* "yyyy", "yyyy-mm" or "yyyy-mm-dd", inclusive; NULL = open */
    const char *date_to;      /* inclusive; NULL = open */
    const char *victims;      /* comma-separated "women", "men", "minors": only incidents with
                                 >0 of any of them; NULL = all */
    const char *perpetrators; /* comma-separated perpetrator codes; NULL = all */
    int weighted;             /* 1 (default): weight = severity x victims; 0: every incident
                                 weighs 1 (events); 2: weight = victims */
    const char *precision;    /* the coarsest location kept: "exact", "locality", "approximate"
                                 or "whole_degree" (reports coarser than it are left out);
                                 NULL = all */
} senda_incidents_filter;
void senda_incidents_filter_init(senda_incidents_filter *f);

/** Accepted (and repaired) incidents of a store as points in crs (projected),
 *  weights per filter->weighted, ids = incident ids (fid). An incident whose
 *  date is known only to the month or year passes a date filter when its
 *  whole period lies inside [date_from, date_to].
 *  @return SENDA_OK, SENDA_ERR_ARG (unknown type/perpetrator/victims code, bad date,
 *          crs not projected), SENDA_ERR_IO (store), SENDA_ERR_CRS, SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_points_destroy(). */
senda_status senda_incidents_points(senda_ctx *ctx, const char *store_path,
                                    const senda_incidents_filter *filter, const char *crs,
                                    senda_points **out);
/** How many accepted incidents pass every condition of filter but its precision:
 *  the incidents the precision filter leaves out (0 when filter->precision is NULL).
 *  @return SENDA_OK, SENDA_ERR_ARG (bad filter), SENDA_ERR_IO */
senda_status senda_incidents_count_coarser(senda_ctx *ctx, const char *store_path,
                                           const senda_incidents_filter *filter, long *out);

/** A store argument: a GeoPackage path, or a PostgreSQL/PostGIS connection
 *  as "PG:dbname=... host=..." (GDAL's spelling) or "postgresql://..." URI. */

/** Make an empty incident store (or bring an older one to the current
 *  schema). roles = 1 (PostGIS only): also create the group roles
 *  senda_field, senda_analyst, senda_partner with their grants and row-level
 *  security (see docs/incidents.md).
 *  @return SENDA_OK, SENDA_ERR_ARG (roles on a GeoPackage), SENDA_ERR_IO,
 *          SENDA_ERR_DATA (not a senda store, or a newer schema) */
senda_status senda_store_init(senda_ctx *ctx, const char *store, int roles);

/** What `senda store check` found. A clean store has n_problems == 0. */
typedef struct senda_store_report {
    char backend[16];       /**< "GeoPackage" or "PostGIS" */
    int schema_version;
    long incidents, accepted, repaired, duplicates, rejects, files;
    long possible_duplicates; /**< kept for review (senda incidents review) */
    long rows_in_files;     /**< sum of imported_files.n_rows: = incidents + rejects */
    int n_problems;         /**< integrity problems found */
    char problems[8][256];  /**< the first 8, one sentence each */
} senda_store_report;
/** Check a store: schema version, counts, every row accounted for, duplicate
 *  links pointing at stored originals, rows tied to their imported file,
 *  points equal to their lon/lat, and the GeoPackage's own integrity_check
 *  and feature counts. Problems are reported in r, not as an error.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (cannot read), SENDA_ERR_DATA */
senda_status senda_store_check(senda_ctx *ctx, const char *store, senda_store_report *r);

/** Copy every incident, reject and imported-file row (fids, duplicate links,
 *  office and every column kept) from src into dst, GeoPackage or PostGIS
 *  either way, in one transaction on dst. dst is created when absent and
 *  must hold no rows.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO, SENDA_ERR_DATA (dst not empty),
 *          SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED. Progress: 0..1 over the tables. */
senda_status senda_store_copy(senda_ctx *ctx, const char *src, const char *dst,
                              senda_progress_fn progress, void *progress_arg);

/** The dates of the incidents behind pts (ids = incident fids, as
 *  senda_incidents_points gives them): the first and last day of the period
 *  each report gives (one day, a month or a year), as days since 1970-01-01;
 *  INT32_MIN when undated.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (store), SENDA_ERR_DATA (an
 *          id not in the store), SENDA_ERR_NOMEM
 *  Ownership: caller frees both arrays with senda_free(). */
senda_status senda_incidents_dates(senda_ctx *ctx, const char *store_path,
                                   const senda_points *pts, int32_t **day_first,
                                   int32_t **day_last);

/** Options of the synthetic incident generator. */
typedef struct senda_incidents_synth_opts {
    size_t n;                 /**< rows (default 1000) */
    uint64_t seed;            /**< random seed (default 1) */
    double frac_rail;         /**< share near the rail (default 0.5) */
    double frac_checkpoint;   /**< share near checkpoints (default 0.2) */
    double frac_crossing;     /**< share near border crossings (default 0.15); rest background */
} senda_incidents_synth_opts;
void senda_incidents_synth_opts_init(senda_incidents_synth_opts *o);

/** Write a deterministic synthetic incident CSV (every row synthetic=1) drawn
 *  around the rail, checkpoints and crossings of layers plus background in the
 *  layers' extent. Same opts -> byte-identical file.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_DATA (layers without rail), SENDA_ERR_IO,
 *          SENDA_ERR_CRS, SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED
 *  Progress: per 65536 rows. */
senda_status senda_incidents_synth(senda_ctx *ctx, const senda_layers *layers,
                                   const senda_incidents_synth_opts *opts, const char *out_csv,
                                   senda_progress_fn progress, void *progress_arg);
/* @@SECTION incidents@@ */

/* ======================================================================
 * hotspot
 * ==================================================================== */
/** The analysis grid (grid helpers added by the hotspot module).
 *  A grid for points: the points' bounding box padded by pad_m on every side,
 *  its edges aligned to whole multiples of cell_m (an "aligned origin": two
 *  runs over different points share cell edges). CRS = the points' CRS.
 *  Cells are filled with 0.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, cell_m <= 0, pad_m < 0),
 *          SENDA_ERR_DATA (no points), SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_grid_destroy(). */
senda_status senda_grid_for_points(senda_ctx *ctx, const senda_points *pts, double cell_m,
                                   double pad_m, senda_grid **out);

/** A grid whose cell edges start at x_min (west) and y_max (north) and cover
 *  [x_min, x_max] x [y_min, y_max]; when the extent is not a whole number of
 *  cells, the east and south edges grow to the next whole cell.
 *  @return SENDA_OK, SENDA_ERR_ARG (empty extent, cell_m <= 0, over 2^31 cells a side),
 *          SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_grid_destroy(). */
senda_status senda_grid_for_extent(senda_ctx *ctx, double x_min, double y_min, double x_max,
                                   double y_max, double cell_m, const char *crs,
                                   senda_grid **out);

/** Shape of the cells the incidents are aggregated to for Gi*. */
typedef enum senda_grid_cell_shape {
    SENDA_CELLS_SQUARE, /**< fishnet: squares of side cell_m */
    SENDA_CELLS_HEX     /**< pointy-top hexagons of area cell_m^2 (side cell_m*sqrt(2/(3*sqrt 3))) */
} senda_grid_cell_shape;

/** A lattice of analysis cells over an extent (x_min, y_min, x_max, y_max
 *  in a projected CRS). Squares: the cell edges start at (x_min, y_max), as
 *  senda_grid_for_extent. Hexagons: the first row's centres lie on y_max,
 *  the first centre on x_min, odd rows shifted east by half a hexagon. */
typedef struct senda_grid_spec {
    double x_min, y_min, x_max, y_max;
    double cell_m;
    senda_grid_cell_shape shape;
    char crs[2048]; /**< any CRS string PROJ understands (WKT fits) */
} senda_grid_spec;

/* ---- kernel density ---- */
typedef enum { SENDA_KERNEL_QUARTIC, SENDA_KERNEL_TRIWEIGHT, SENDA_KERNEL_EPANECHNIKOV,
               SENDA_KERNEL_TRIANGULAR, SENDA_KERNEL_UNIFORM, SENDA_KERNEL_GAUSSIAN } senda_hotspot_kernel;
typedef enum { SENDA_KDE_DENSITY /* weighted incidents per km2, integrates to total weight */,
               SENDA_KDE_QGIS_RAW, SENDA_KDE_QGIS_SCALED, SENDA_KDE_GRASS } senda_hotspot_kde_scale;
typedef struct senda_hotspot_kde_opts { senda_hotspot_kernel kernel; double radius_m; /* <= 0: automatic */
                                senda_hotspot_kde_scale scale; int n_threads; } senda_hotspot_kde_opts;

/** Defaults: quartic, automatic radius, SENDA_KDE_DENSITY, 2 threads. */
void senda_hotspot_kde_opts_init(senda_hotspot_kde_opts *o);

/** Kernel names ("quartic", "triweight", "epanechnikov", "triangular",
 *  "uniform", "gaussian") and scale names ("density", "qgis-raw",
 *  "qgis-scaled", "grass") to enums; 0 on success, -1 for an unknown name. */
int senda_hotspot_kernel_from_name(const char *name, senda_hotspot_kernel *out);
int senda_hotspot_kde_scale_from_name(const char *name, senda_hotspot_kde_scale *out);
const char *senda_hotspot_kernel_name(senda_hotspot_kernel k);
const char *senda_hotspot_kde_scale_name(senda_hotspot_kde_scale s);

/** The automatic bandwidth (metres): the spatial variant of Silverman's
 *  rule that ArcGIS Kernel Density uses,
 *  0.9 * min(SD, sqrt(1/ln 2) * Dm) * n^-0.2, with SD the weighted standard
 *  distance, Dm the weighted median distance to the weighted mean centre and
 *  n the total weight.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_DATA (no points, zero total
 *          weight, all points at one place), SENDA_ERR_NOMEM */
senda_status senda_hotspot_kde_auto_radius(senda_ctx *ctx, const senda_points *pts, double *radius_m);

/** Fill `grid` (already created with the wanted extent, cell and CRS = the
 *  points' CRS) with the kernel density of pts, evaluated at cell centres.
 *  The grid's values are replaced; its units and description are set.
 *  Scales (K(u) is the kernel shape at u = d / r, r the radius):
 *  density = weight * K_normalised * 1e6 (per km2), grass = per m2 with
 *  GRASS v.kernel's constants, qgis-raw = weight * K(u), qgis-scaled =
 *  weight * K_normalised per map unit2 (see engine/hotspot/kde.c).
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, qgis scale with gaussian,
 *          n_threads < 1), SENDA_ERR_DATA (automatic radius impossible),
 *          SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED
 *  Progress: 0.0 first, 1.0 last, per band of rows. */
senda_status senda_hotspot_kde(senda_ctx *ctx, const senda_points *pts, const senda_hotspot_kde_opts *opts,
                               senda_grid *grid, senda_progress_fn progress, void *progress_arg);

/* ---- Getis-Ord Gi* ---- */
/** Which cells enter the Gi* statistic. */
typedef enum senda_hotspot_gistar_cells {
    SENDA_GISTAR_ALL,       /**< every cell of the extent, zeros included (default) */
    SENDA_GISTAR_NONEMPTY,  /**< cells holding at least one incident (ArcGIS without boundary) */
    SENDA_GISTAR_STUDY_AREA /**< cells whose centre is inside study_area's polygons, zeros included */
} senda_hotspot_gistar_cells;

/** How the distance band was chosen. */
typedef enum senda_hotspot_band_rule {
    SENDA_BAND_GIVEN, SENDA_BAND_FIRST_PEAK, SENDA_BAND_MAX_PEAK, SENDA_BAND_KNN,
    SENDA_BAND_CAPPED /**< automatic band cut to max_band_frac of the study area's side */
} senda_hotspot_band_rule;

typedef struct senda_hotspot_gistar_opts {
    double band_m;          /**< distance band between cell centres, metres; <= 0: automatic */
    senda_hotspot_gistar_cells cells;
    const char *study_area; /**< polygon layer path for SENDA_GISTAR_STUDY_AREA */
    int fdr;                /**< 1 (default): Benjamini-Hochberg before binning */
    int permutations;       /**< 0 (default): none; else conditional permutations (999 usual) */
    uint64_t seed;          /**< permutation seed (default 12345) */
    int n_threads;          /**< default 2 */
    size_t min_incidents;   /**< fewer points inside the cells of the set: refused
                                 (default 30, ArcGIS's floor for reliable Gi*); lower
                                 values run with a warning stating the risk */
    double max_band_frac;   /**< an automatic band is at most this fraction of the side
                                 of a square of the study area's area (default 0.1) */
    const char *counted;    /**< what a point's weight counts, for messages and the
                                 layer's description (default "incidents (events)") */
} senda_hotspot_gistar_opts;
void senda_hotspot_gistar_opts_init(senda_hotspot_gistar_opts *o);

/** Per-cell results, n_cells of each array, cells ordered row by row from
 *  the north-west. Arrays are NaN / 0 for cells outside the statistic. */
typedef struct senda_hotspot_gistar_result {
    senda_grid_spec spec;
    size_t n_rows, n_cols, n_cells;
    double band_m;
    senda_hotspot_band_rule band_rule;
    size_t n_in_set;         /**< cells entering the statistic */
    size_t n_with_data;      /**< cells holding incidents */
    size_t n_few_neighbors;  /**< cells of the set with fewer than 8 neighbours */
    size_t n_hot, n_cold;    /**< cells with Gi_Bin > 0 / < 0, single-event hot cells left out */
    size_t n_hot_single;     /**< hot cells driven by a single incident (single_event = 1) */
    size_t n_points_total;   /**< points given */
    size_t n_points_in;      /**< points inside the cells of the set */
    size_t n_points_outside; /**< points outside the grid or in cells outside the set */
    char counted[96];        /**< what the values count (opts->counted) */
    int permutations;
    double *cx, *cy;         /**< cell centres */
    unsigned char *in_set;   /**< 1 when the cell enters the statistic */
    int32_t *count;          /**< incidents in the cell */
    double *weight;          /**< summed weight in the cell */
    double *z;               /**< GiZScore (NaN outside the set or when undefined) */
    double *p;               /**< GiPValue, two-sided, analytic */
    double *p_sim;           /**< folded pseudo p (NULL without permutations) */
    int8_t *bin;             /**< Gi_Bin: +-3 / +-2 / +-1 / 0 */
    int32_t *n_neighbors;    /**< NNeighbors: cells of the set within the band, self included */
    unsigned char *single_event; /**< 1 for a hot cell that is not hot without the heaviest
                                      incident of its neighbourhood (engine/hotspot/single.c) */
} senda_hotspot_gistar_result;

/** Getis-Ord Gi* (Getis and Ord 1992; Ord and Getis 1995) on the cells of
 *  spec with the points aggregated to them (value = summed weight), binary
 *  distance-band weights with the cell itself included.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, bad spec, study area missing),
 *          SENDA_ERR_IO (study area unreadable), SENDA_ERR_DATA (fewer than
 *          min_incidents points in the set, fewer than 3 cells, no variance,
 *          a band leaving most cells without a neighbour), SENDA_ERR_NOMEM,
 *          SENDA_ERR_CANCELLED
 *  Ownership: caller frees with senda_hotspot_gistar_result_destroy().
 *  Progress: 0.0 first, 1.0 last. */
senda_status senda_hotspot_gistar(senda_ctx *ctx, const senda_points *pts,
                                  const senda_hotspot_gistar_opts *opts, const senda_grid_spec *spec,
                                  senda_hotspot_gistar_result **out, senda_progress_fn progress,
                                  void *progress_arg);
void senda_hotspot_gistar_result_destroy(senda_hotspot_gistar_result *r);

/** Write the cells of the statistic as polygons into layer `hotspot_cells`
 *  of a GeoPackage (created when absent; the layer is replaced), fields
 *  count, weight, GiZScore, GiPValue, Gi_Bin, NNeighbors (and GiPseudoP
 *  with permutations).
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_CRS, SENDA_ERR_IO, SENDA_ERR_CANCELLED
 *  Progress: 0.0 first, 1.0 last. */
senda_status senda_hotspot_write_cells(senda_ctx *ctx, const senda_hotspot_gistar_result *r,
                                       const char *gpkg_path, senda_progress_fn progress,
                                       void *progress_arg);

/* ---- emerging hot spots (space-time cube) ---- */
/** Time step of the space-time cube. */
typedef enum senda_time_step { SENDA_STEP_MONTH, SENDA_STEP_QUARTER, SENDA_STEP_YEAR }
    senda_time_step;
/** "month", "quarter", "year" to the enum; 0 on success, -1 for an unknown name. */
int senda_time_step_from_name(const char *name, senda_time_step *out);

/** ArcGIS's Emerging Hot Spot Analysis categories, in ArcGIS's order. */
typedef enum senda_pattern {
    SENDA_PATTERN_NONE, SENDA_PATTERN_NEW_HOT, SENDA_PATTERN_CONSECUTIVE_HOT,
    SENDA_PATTERN_INTENSIFYING_HOT, SENDA_PATTERN_PERSISTENT_HOT, SENDA_PATTERN_DIMINISHING_HOT,
    SENDA_PATTERN_SPORADIC_HOT, SENDA_PATTERN_OSCILLATING_HOT, SENDA_PATTERN_HISTORICAL_HOT,
    SENDA_PATTERN_NEW_COLD, SENDA_PATTERN_CONSECUTIVE_COLD, SENDA_PATTERN_INTENSIFYING_COLD,
    SENDA_PATTERN_PERSISTENT_COLD, SENDA_PATTERN_DIMINISHING_COLD, SENDA_PATTERN_SPORADIC_COLD,
    SENDA_PATTERN_OSCILLATING_COLD, SENDA_PATTERN_HISTORICAL_COLD, SENDA_PATTERN_N
} senda_pattern;
/** The category's name as ArcGIS spells it ("New Hot Spot", ..., "No Pattern Detected"). */
const char *senda_pattern_name(senda_pattern p);

typedef struct senda_emerging_opts {
    senda_time_step step;   /**< cube time step (default year) */
    int time_window;        /**< earlier steps in a bin's neighbourhood (default 1, ArcGIS's
                                 neighbourhood time step) */
    double alpha;           /**< significance of a bin and of a trend (default 0.05) */
    int change_split;       /**< the change layer compares steps [0, split) with [split, n);
                                 0 (default): half of the steps */
} senda_emerging_opts;
void senda_emerging_opts_init(senda_emerging_opts *o);

/** The space-time cube and its analysis (engine/hotspot/emerging.c). Bins
 *  are indexed cell * n_steps + step; cells as senda_hotspot_gistar_result. */
typedef struct senda_emerging_result {
    senda_grid_spec spec;
    size_t n_rows, n_cols, n_cells, n_steps;
    double band_m;
    senda_time_step step;
    int32_t *step_day;       /**< n_steps + 1 step edges, days since 1970-01-01 */
    unsigned char *in_set;   /**< the cells analysed (study area) */
    double *count;           /**< per bin: summed weight of the incidents */
    double *z, *p;           /**< per bin: space-time Gi* z and two-sided p */
    int8_t *bin;             /**< per bin: Gi_Bin +-3/+-2/+-1/0 after FDR */
    senda_pattern *pattern;  /**< per cell */
    double *trend_z, *trend_p;             /**< per cell: Mann-Kendall of the bins' z */
    double *count_trend_z, *count_trend_p; /**< per cell: Mann-Kendall of the counts */
    int32_t *n_hot, *n_cold;               /**< per cell: significant hot / cold steps */
    size_t split;            /**< the change layer's periods: steps [0, split), [split, n) */
    double *change_count[2], *change_z[2]; /**< per cell: each period's count and Gi* z */
    int8_t *change_bin[2];
    size_t n_points_in, n_points_out_time, n_points_out_space;
    size_t n_by_pattern[SENDA_PATTERN_N];
    double count_trend_all_z, count_trend_all_p; /**< Mann-Kendall of the whole cube's
                                                      counts per step */
    char counted[96];
} senda_emerging_result;

/** Emerging hot spots: the points binned into the cells of spec (study area
 *  and band as gi: a band <= 0 is chosen as senda_hotspot_gistar does on all
 *  steps together) and into time steps by their dates (an incident whose
 *  dated period spans two steps is left out and counted), Gi* per bin over
 *  the cells within the band in the same and the time_window earlier steps,
 *  FDR over all bins, Mann-Kendall trends, ArcGIS's categories, and the
 *  change between two periods.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (study area), SENDA_ERR_DATA
 *          (fewer than gi->min_incidents dated incidents in the study area, fewer
 *          than 2 steps, no variance), SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED
 *  Ownership: caller frees with senda_emerging_result_destroy().
 *  Progress: 0.0 first, 1.0 last. */
senda_status senda_hotspot_emerging(senda_ctx *ctx, const senda_points *pts,
                                    const int32_t *day_first, const int32_t *day_last,
                                    const senda_hotspot_gistar_opts *gi, const senda_emerging_opts *opts,
                                    const senda_grid_spec *spec, senda_emerging_result **out,
                                    senda_progress_fn progress, void *progress_arg);
void senda_emerging_result_destroy(senda_emerging_result *r);

/** Write layers `emerging_hotspots` (per cell: pattern, trend z and p of the
 *  Gi* z and of the counts, hot and cold steps, count), `hotspot_cube` (per
 *  bin of the cells holding incidents or a pattern: step_start and step_end
 *  dates for QGIS's temporal controller, count, GiZScore, GiPValue, Gi_Bin)
 *  and `hotspot_change` (per cell: count, z and bin of each period and the
 *  differences) into a GeoPackage, each in one transaction.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO, SENDA_ERR_CANCELLED */
senda_status senda_hotspot_write_emerging(senda_ctx *ctx, const senda_emerging_result *r,
                                          const char *gpkg_path, senda_progress_fn progress,
                                          void *progress_arg);

/** Set to nodata every cell of grid whose centre lies outside the polygons
 *  of the layer at path (reprojected to the grid's CRS): the density limited
 *  to a study area given as a file (for the bundled land layer
 *  senda_layers_mask_grid is faster).
 *  @param n_masked may be NULL; else the cells newly set to nodata
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (unreadable, named),
 *          SENDA_ERR_DATA (no polygon), SENDA_ERR_CRS, SENDA_ERR_GEOM, SENDA_ERR_NOMEM */
senda_status senda_hotspot_mask_study_area(senda_ctx *ctx, senda_grid *grid, const char *path,
                                           size_t *n_masked);

/** The default cell sizes for an extent (engine/hotspot/cellsize.c): the
 *  smallest whole 50 m giving at most 2,000,000 density cells and the
 *  smallest whole 50 m giving at most 100,000 Gi* cells over the extent's
 *  area (never below 50 m). Either output may be NULL.
 *  @return SENDA_OK, SENDA_ERR_ARG (empty extent) */
senda_status senda_hotspot_default_cells(senda_ctx *ctx, double x_min, double y_min,
                                         double x_max, double y_max, double *density_cell_m,
                                         double *gistar_cell_m);

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

/** Options of senda_cost_walk, filled by senda_walk_opts_init() with GRASS
 *  r.walk's defaults (engine/cost/walk.c). */
typedef struct senda_walk_opts {
    double a, b, c, d;   /**< walk_coeff: s per m of distance, of climb, of moderate and of
                              steep descent (default 0.72, 6.0, 1.9998, -1.9998) */
    double lambda;       /**< weight of the friction (default 1) */
    double slope_factor; /**< steep descent below this dH/dS (default -0.2125) */
    int knight;          /**< 1: 16 neighbours (r.walk -k); 0: 8 (default) */
} senda_walk_opts;
void senda_walk_opts_init(senda_walk_opts *opts);

/** Accumulated slope-aware walking cost from the sources over a DEM, as GRASS
 *  r.walk: per move a * dS + (b, c or d) * dH + lambda * mean friction * dS,
 *  dS in metres, dH the height difference in the direction away from the
 *  sources. friction may be NULL (0 everywhere); else same shape as dem.
 *  NaN elevation or friction cells are barriers; unreached cells are NaN.
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, friction grid of another shape,
 *          negative friction, coefficients that let a move cost < 0);
 *          SENDA_ERR_DATA (no source inside the DEM, too many cells);
 *          SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees *accum with senda_grid_destroy().
 *  Progress: per 1 % of cells settled. */
senda_status senda_cost_walk(senda_ctx *ctx, const senda_grid *dem, const senda_grid *friction,
                             const senda_points *sources, const senda_walk_opts *opts,
                             senda_grid **accum, senda_progress_fn progress, void *progress_arg);

/* ---- the route model's two surfaces (engine/cost/surfaces.c) ---- */

/** Options of senda_choice_surface, filled by senda_choice_opts_init()
 *  (defaults and reasons in surfaces.c). Choice cost per km:
 *    w_walk x (train_factor on the rail, else 1)
 *    + w_detect x max_k max(0, 1 - d_k / detect_range_m)   (checkpoint halos)
 *    + w_patrol x max(0, 1 - d_road / patrol_range_m)      (patrolled roads)
 *  and a barrier (NaN) on the cells of the rivers layer, except on the rail
 *  (bridges) and within river_clear_m of a river crossing or a border crossing. */
typedef struct senda_choice_opts {
    double w_walk;          /**< cost of a km of walking (default 1) */
    double train_factor;    /**< riding the train costs this x walking per km (default 0.5) */
    double train_range_m;   /**< cells within this of the rail are on it (default 1500) */
    double w_detect;        /**< detection halo at a checkpoint, per km (default 5) */
    double detect_range_m;  /**< halo falls linearly to 0 here (default 10000) */
    double w_patrol;        /**< halo of a patrolled road (layer patrol_roads), per km
                                 (default 2) */
    double patrol_range_m;  /**< ... falls linearly to 0 here (default 3000) */
    double river_clear_m;   /**< a river is open within this of a river_crossings or
                                 crossings point (default 1000; at least 1.5 cells) */
    const char *const *without_checkpoints; /**< what-if: checkpoint names left out */
    size_t n_without;
    const double *with_checkpoints_xy;      /**< what-if: extra checkpoints, x y pairs */
    size_t n_with;
} senda_choice_opts;
void senda_choice_opts_init(senda_choice_opts *opts);

/** The choice-cost surface on mask's cells (NaN mask cells stay barriers).
 *  layers may be NULL (no rail, no layer checkpoints: only with_checkpoints_xy).
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, negative weight, w_walk or
 *          train_factor <= 0, unknown without-checkpoint name); SENDA_ERR_NOMEM
 *  Ownership: caller frees *out with senda_grid_destroy(). */
senda_status senda_choice_surface(senda_ctx *ctx, const senda_grid *mask,
                                  const senda_layers *layers, const senda_choice_opts *opts,
                                  senda_grid **out);

/** Where the choice cost is walking: w_walk on mask's cells off the rail (beyond
 *  opts->train_range_m), 0 on the rail (people ride), NaN on NaN mask cells.
 *  The likely routes' slope term (senda_likely_opts.walking) applies there.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, bad weights), SENDA_ERR_NOMEM
 *  Ownership: caller frees *out with senda_grid_destroy(). */
senda_status senda_choice_walking(senda_ctx *ctx, const senda_grid *mask,
                                  const senda_layers *layers, const senda_choice_opts *opts,
                                  senda_grid **out);

/** Options of senda_exposure_surface, filled by senda_exposure_opts_init().
 *  Exposure per km: w_base + w_incident x rho / rho_max
 *    + w_remote x min(1, d_help / remote_range_m) + w_train x [on the rail]
 *    + w_terrain x min(1, slope / slope_full)   (with a DEM) */
typedef struct senda_exposure_opts {
    double w_base;          /**< walking itself (default 0.2) */
    double w_incident;      /**< normalised incident density (default 4) */
    double w_remote;        /**< distance from shelters, crossings and towns (default 1) */
    double remote_range_m;  /**< ... counts in full beyond this (default 30000) */
    long town_min_population; /**< towns of the bundled gazetteer with at least this many
                                   inhabitants count as help (default 5000; 0 = none) */
    double w_train;         /**< riding the train (default 1) */
    double train_range_m;   /**< cells within this of the rail are on it (default 1500) */
    const senda_grid *dem;  /**< elevation, m, on the density grid's cells; NULL = no
                                 terrain term (default) */
    double w_terrain;       /**< with dem: steep ground, falls and exhaustion (default 1) */
    double slope_full;      /**< with dem: slopes (rise over run) of this and more count in
                                 full (default 0.3, about 17 degrees) */
} senda_exposure_opts;
void senda_exposure_opts_init(senda_exposure_opts *opts);

/** The exposure surface on the density grid's cells (NaN density cells stay
 *  NaN). layers may be NULL (no help points: remoteness in full; no rail).
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, negative weight); SENDA_ERR_NOMEM
 *  Ownership: caller frees *out with senda_grid_destroy(). */
senda_status senda_exposure_surface(senda_ctx *ctx, const senda_grid *density,
                                    const senda_layers *layers, const senda_exposure_opts *opts,
                                    senda_grid **out);

/* ---- likely routes (engine/cost/likely.c) ---- */

/** Options of senda_likely_routes, filled by senda_likely_opts_init(). */
typedef struct senda_likely_opts {
    double theta; /**< inverse temperature per unit of choice cost (per km-equivalent):
                       a route costing 1/theta more is e times less likely (default 0.2) */
    const senda_grid *dem;     /**< elevation, m, on the choice grid's cells; NULL = flat
                                    (default). Moves then add walking's slope time */
    const senda_grid *walking; /**< with dem: the weight of walking per km of each cell
                                    (senda_choice_walking: w_walk off the rail, 0 on it) */
    senda_walk_opts walk;      /**< with dem: r.walk's a, b, c, d and slope_factor (lambda,
                                    knight unused; default r.walk's) */
    const char *const *origin_names; /**< optional, one per origin: named in the messages
                                          (an origin on a barrier, or cut off by one) */
} senda_likely_opts;
void senda_likely_opts_init(senda_likely_opts *opts);

/** Likely routes: expected shares and exposures (senda_likely_routes). */
typedef struct senda_likely_result {
    senda_grid *density;        /**< route density: expected share of all migrants passing
                                     each cell (0..1); NaN on barriers */
    size_t n_origins, n_destinations;
    double *origin_share;       /**< share of the migrants starting at each origin (sums to 1) */
    double *origin_exposure;    /**< expected exposure per migrant from each origin (exposure
                                     per km x km along the likely routes) */
    double *origin_cost;        /**< expected choice cost per migrant from each origin */
    double *dest_share;         /**< share of all migrants reaching each destination */
    double *origin_density;     /**< n_origins x cells: probability that a migrant from origin k
                                     passes each cell (row-major, origin after origin) */
    double exposure_per_migrant;     /**< flow-weighted mean of origin_exposure */
    double choice_cost_per_migrant;  /**< flow-weighted mean of origin_cost */
    double theta;
} senda_likely_result;

/** Stochastic route choice over a choice-cost grid (cost per km, > 0; NaN =
 *  barrier): a logit over the efficient paths (Dial 1971; randomized
 *  shortest paths with inverse temperature theta restricted to moves that
 *  bring the migrant closer to a destination, Saerens et al. 2009) from every
 *  origin to the nearest-in-probability destination, over r.cost's 8 moves.
 *  Exposure (per km, same grid shape; NULL = 0) is integrated along the moves.
 *  @param flows migrants per origin (NULL: equal shares)
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, theta <= 0, no origin or destination,
 *          choice cost <= 0, negative flows, grids of different shape);
 *          SENDA_ERR_DATA (no destination inside, an origin outside, on a barrier
 *          or cut off); SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees *out with senda_likely_result_destroy().
 *  Progress: one share per origin. */
senda_status senda_likely_routes(senda_ctx *ctx, const senda_grid *choice,
                                 const senda_grid *exposure, const senda_points *origins,
                                 const double *flows, const senda_points *destinations,
                                 const senda_likely_opts *opts, senda_likely_result **out,
                                 senda_progress_fn progress, void *progress_arg);
void senda_likely_result_destroy(senda_likely_result *result);

/** Likely routes before and after a what-if (senda_likely_compare). */
typedef struct senda_likely_change {
    senda_grid *difference;     /**< route density after minus before */
    double exposure_before, exposure_after; /**< exposure per migrant */
    double exposure_change_pct; /**< 100 (after - before) / before; NaN when before is 0 */
    size_t n_shelters;          /**< shelters, largest change of passing flow first */
    char (*shelter_name)[128];
    double *shelter_before, *shelter_after; /**< share of migrants passing within the radius */
} senda_likely_change;

/** Compare two likely-route results on the same grid and origins: the
 *  difference of route density, exposure per migrant before and after, and
 *  the shelters of the layers (may be NULL: none) by the change of the flow
 *  passing within shelter_radius_m (engine/cost/whatif.c).
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, results that differ in grid or
 *          origins, radius <= 0); SENDA_ERR_NOMEM
 *  Ownership: caller frees *out with senda_likely_change_destroy(). */
senda_status senda_likely_compare(senda_ctx *ctx, const senda_likely_result *before,
                                  const senda_likely_result *after, const senda_layers *layers,
                                  double shelter_radius_m, senda_likely_change **out);
void senda_likely_change_destroy(senda_likely_change *change);

/** Read migrants per crossing from a CSV (header, then "crossing,migrants"
 *  rows; engine/cost/flows.c) into flows[k] for the origin named names[k]
 *  (case-insensitive); origins not in the file get 0 (logged).
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL); SENDA_ERR_IO (cannot open);
 *          SENDA_ERR_DATA (a row naming no origin, a bad count, a repeat: file
 *          and row named) */
senda_status senda_flows_read(senda_ctx *ctx, const char *path, const char *const *names,
                              size_t n, double *flows);

/** Expected incidents per 1,000 migrants on each corridor (origin): every
 *  incident's weight shared among the corridors by their expected flow
 *  through its cell, divided by the corridor's migrants (flows, same period
 *  as the incidents). per_1000 has r->n_origins entries (NaN where the flow
 *  is 0); *unattributed (may be NULL) the share of incident weight on cells
 *  no likely route passes.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL), SENDA_ERR_NOMEM */
senda_status senda_likely_incident_rate(senda_ctx *ctx, const senda_likely_result *r,
                                        const senda_points *incidents, const double *flows,
                                        double *per_1000, double *unattributed);

/** The per-corridor figures of likely routes, for senda_likely_corridors_write. */
typedef struct senda_likely_corridors {
    const senda_points *origins;            /**< the crossings, in the results' order */
    const char *const *names;               /**< their names */
    const double *migrants;                 /**< migrants per crossing; NULL: equal shares */
    const senda_likely_result *before;      /**< required */
    const senda_likely_result *after;       /**< the what-if; NULL: none */
    const double *incidents_per_1000_before; /**< senda_likely_incident_rate; NULL: none */
    const double *incidents_per_1000_after;
} senda_likely_corridors;

/** Write the point layer likely_corridors into a GeoPackage (created when
 *  absent, the layer replaced; engine/cost/likely_write.c): per crossing
 *  crossing, share, migrants, exposure_per_migrant_before/_after,
 *  exposure_change_pct, incidents_per_1000_before/_after (NULL when not
 *  computed), choice_cost_per_migrant.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, results of another origin count),
 *          SENDA_ERR_IO, SENDA_ERR_CRS */
senda_status senda_likely_corridors_write(senda_ctx *ctx, const char *gpkg_path,
                                          const senda_likely_corridors *corridors);

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

/** What senda_cost_paths_write writes, filled by senda_cost_paths_write_opts_init(). */
typedef struct senda_cost_paths_write_opts {
    const char *layer;         /**< the LineStringM layer (default "paths") */
    const char *profile_layer; /**< the vertex table; NULL (default) = none */
} senda_cost_paths_write_opts;
void senda_cost_paths_write_opts_init(senda_cost_paths_write_opts *o);

/** Write paths as a LineStringM layer (M = accumulated cost) with fields
 *  name, alternative, cost, length_km, n_cells, extra_cost_pct,
 *  extra_length_pct into a GeoPackage (created when absent; a layer of the
 *  same name is replaced). crs is the grid's CRS. With opts->profile_layer,
 *  also the vertices of the paths as a table without geometry (replaced):
 *  path (1-based, the order of paths), name, alternative, vertex, x, y,
 *  distance_km, danger_per_km (the friction under the vertex), accumulated
 *  (M), for plots of danger along a path.
 *  @param opts NULL for the defaults
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_CRS, SENDA_ERR_IO */
senda_status senda_cost_paths_write(senda_ctx *ctx, const char *gpkg_path, const char *crs,
                                    senda_cost_path *const *paths, size_t n_paths,
                                    const senda_cost_paths_write_opts *opts);

/** Options of senda_cost_danger_surface, filled by senda_cost_danger_opts_init().
 *  The surface is danger per km travelled (module header of danger.c):
 *    s = w_base + w_density * rho / rho_max
 *        + w_checkpoint * max_k max(0, 1 - d_k / checkpoint_range_m)
 *        + w_rail * max(0, 1 - d_rail / rail_range_m)
 *  with rho the density grid, d_k the distance to checkpoint k and d_rail
 *  the distance to the nearest rail line, in metres. */
typedef struct senda_cost_danger_opts {
    double w_base;             /**< cost of distance itself, per km (default 1) */
    double w_density;          /**< weight of the normalised density (default 4) */
    double w_checkpoint;       /**< weight of checkpoint proximity (default 2) */
    double checkpoint_range_m; /**< checkpoint decay range, m (default 10000) */
    double w_rail;             /**< weight of rail proximity (default 1) */
    double rail_range_m;       /**< rail decay range, m (default 5000) */
    const char *const *without_checkpoints; /**< what-if: checkpoint names left out */
    size_t n_without;
    const double *with_checkpoints_xy;       /**< what-if: extra checkpoints, x y pairs in
                                                  the grid's CRS */
    size_t n_with;
} senda_cost_danger_opts;

void senda_cost_danger_opts_init(senda_cost_danger_opts *opts);

/** Write the checkpoints a what-if changes as point layers of a GeoPackage
 *  (layers replaced; engine/cost/likely_write.c): checkpoints_added (the
 *  with_checkpoints_xy of whatif, name = with_names[k], may be NULL) and
 *  checkpoints_removed (the layer's checkpoints named in without_checkpoints),
 *  in the layers' CRS; a layer whose list is empty is not written.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, unknown checkpoint name, no layers
 *          when checkpoints are removed), SENDA_ERR_IO, SENDA_ERR_CRS */
senda_status senda_cost_checkpoints_write(senda_ctx *ctx, const char *gpkg_path,
                                          const senda_layers *layers,
                                          const senda_cost_danger_opts *whatif,
                                          const char *const *with_names);

/** The danger surface on the density grid's cells (same extent, cell and
 *  CRS; the layers must be in that CRS) from the density and the
 *  checkpoints and rail layers. Nodata density cells stay nodata (barriers
 *  for paths). Units "danger per km"; the formula with its weights goes into
 *  the grid's description.
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, negative weight or range, a
 *          without-checkpoint name that is not in the layer); SENDA_ERR_NOMEM;
 *          SENDA_ERR_GEOM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees *out with senda_grid_destroy().
 *  Progress: per row block. */
senda_status senda_cost_danger_surface(senda_ctx *ctx, const senda_grid *density,
                                  const senda_layers *layers, const senda_cost_danger_opts *opts,
                                  senda_grid **out, senda_progress_fn progress,
                                  void *progress_arg);

/** The danger stage: the kernel density of the incidents (senda_hotspot_kde
 *  with kde) on a grid of cell_m covering the rail, checkpoints, crossings
 *  and shelters layers and the incidents, grown by pad_m and snapped to
 *  multiples of cell_m, then senda_cost_danger_surface with dopts. incidents may
 *  be NULL or empty (density 0). CRS: the layers' (incidents must be in it).
 *  @param density_out may be NULL; else receives the density grid
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, cell <= 0, pad < 0, bad options,
 *          unknown without-checkpoint name); SENDA_ERR_DATA (no extent, or
 *          automatic kernel radius impossible); SENDA_ERR_NOMEM;
 *          SENDA_ERR_GEOM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees both grids with senda_grid_destroy().
 *  Progress: density 0-80 %, surface 80-100 %. */
senda_status senda_cost_danger_from_points(senda_ctx *ctx, const senda_points *incidents,
                                      const senda_layers *layers, double cell_m, double pad_m,
                                      const senda_hotspot_kde_opts *kde, const senda_cost_danger_opts *dopts,
                                      senda_grid **density_out, senda_grid **danger_out,
                                      senda_progress_fn progress, void *progress_arg);

/** Where a route starts or ends: "LON,LAT" (WGS 84 degrees, reprojected to
 *  the layers' CRS) or a place name found, accent- and case-insensitively,
 *  in crossings.mx_town, shelters.town, crossings.name, shelters.name or
 *  checkpoints.name (first match; a "(...)" qualifier and a leading
 *  "Ciudad" are ignored), else in the bundled GeoNames gazetteer ("Name"
 *  or "Name, State"; an ambiguous name fails with its candidates).
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, lon/lat out of range),
 *          SENDA_ERR_CRS, SENDA_ERR_DATA (no such place, or ambiguous),
 *          SENDA_ERR_NOMEM */
senda_status senda_cost_place_resolve(senda_ctx *ctx, const senda_layers *layers, const char *text,
                                 double *x, double *y);

/** Move every point of pts that lies on a nodata cell of grid (at sea under
 *  the land mask: a crossing on a river mouth, a port town) to the centre of
 *  the nearest valid cell within max_cells cells (Chebyshev), with a note
 *  through the log naming it (names[i] when names is not NULL) and the
 *  distance. Points outside the grid, on valid cells, or with no valid cell
 *  within reach stay where they are (and fail later with the cost module's
 *  message).
 *  @param n_moved may be NULL; else receives the number of points moved
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL grid or pts) */
senda_status senda_cost_snap_to_valid(senda_ctx *ctx, const senda_grid *grid, senda_points *pts,
                                        const char *const *names, int max_cells,
                                        size_t *n_moved);

/** Options of senda_cost_paths, filled by senda_cost_paths_opts_init(). */
typedef struct senda_cost_paths_opts {
    senda_cost_opts cost;  /**< move rules; default unit_m = 1000, so a path's cost is
                                danger per km x km ("danger units") */
    size_t alternatives;   /**< extra paths per destination, 0..32 (default 0) */
    double penalty;        /**< alternatives: friction x (1 + penalty) near earlier paths
                                (> 0, default 1) */
    double corridor_m;     /**< ... within this distance of their cells (default 2000) */
} senda_cost_paths_opts;
void senda_cost_paths_opts_init(senda_cost_paths_opts *o);

/** Least-cost (least-danger) paths from the sources to each destination,
 *  and up to opts->alternatives alternatives each (engine/cost/paths.c):
 *  every cell within corridor_m of an earlier path of the destination is
 *  penalised by (1 + penalty) and the search runs again; the alternative's
 *  cost is then measured on the unpenalised surface. A repeated path ends
 *  the alternatives of its destination early (with a note). Paths come back
 *  destination by destination, the best (alternative 0) first; value[] is
 *  the friction under each vertex, m[] the accumulated cost (on the
 *  unpenalised surface), extra_*_pct relative to the destination's best.
 *  @param names destination names (n = destinations->n), may be NULL
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, no destination, bad option);
 *          SENDA_ERR_DATA (no source in the grid, a destination outside it
 *          or unreachable); SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees with senda_cost_paths_destroy(*out, *n_out).
 *  Progress: one share per Dijkstra run. */
senda_status senda_cost_paths(senda_ctx *ctx, const senda_grid *friction,
                              const senda_points *sources, const senda_points *destinations,
                              const char *const *names, const senda_cost_paths_opts *opts,
                              senda_cost_path ***out, size_t *n_out, senda_progress_fn progress,
                              void *progress_arg);
/** Destroy n paths and the array. NULL is a no-op. */
void senda_cost_paths_destroy(senda_cost_path **paths, size_t n);


/* ---- route scoring ---- */

/** Options of senda_cost_route_score, filled by senda_cost_route_opts_init(). */
typedef struct senda_cost_route_opts {
    const char *layer;          /**< line layer of the corridor layers (default "rail") */
    const char *name_field;     /**< its name field (default "name") */
    const char *stations_field; /**< "A; B; C" town names to mark on profiles (default
                                     "stations"); NULL = none */
    double window_m;            /**< sliding window length (default 10000) */
    double step_m;              /**< window step (default 1000) */
    double buffer_m;            /**< incidents within this distance count (default 2000) */
    double station_max_m;       /**< stations farther from the line are not marked
                                     (default 10000) */
} senda_cost_route_opts;
void senda_cost_route_opts_init(senda_cost_route_opts *o);

/** One window of one line. */
typedef struct senda_cost_route_window {
    size_t line;           /**< index into lines */
    double from_m, to_m;   /**< chainage of its ends, metres from the line's start */
    long incidents;        /**< incidents within buffer_m whose chainage is in [from, to] */
    double weight;         /**< their summed weight (severity x victims) */
    double danger_per_km;  /**< weight / window length in km */
    double mean_danger;    /**< mean danger-surface value over the window; NaN: none */
    long rank;             /**< 1 = highest danger_per_km over all windows of all lines */
    double likely_share;   /**< share of migrants travelling along the window on their likely
                                routes (senda_cost_route_likely; 0 before it) */
    double likely_exposure_per_km; /**< exposure per km met by the migrants passing the window
                                        (flow-weighted; NaN when none passes) */
} senda_cost_route_window;

/** One line (a LineString, or one part of a MultiLineString). */
typedef struct senda_cost_route_line {
    char name[128];
    size_t feature;        /**< feature index in the layer */
    double length_m;
    size_t n_vertices;
    double *x, *y;         /**< vertices, layers' CRS */
    double *chain_m;       /**< chainage of each vertex */
    long incidents;        /**< incidents within buffer_m of the line */
    double weight;         /**< their summed weight */
    double mean_danger;    /**< mean surface value along the whole line; NaN: none */
    double total_danger;   /**< surface integrated along the line (danger per km x km) */
    size_t first_window, n_windows; /**< its windows in the result's windows array */
    size_t n_stations;     /**< stations located on the line, in the field's order */
    char (*station)[64];
    double *station_m;     /**< their chainage */
} senda_cost_route_line;

typedef struct senda_cost_route_result {
    char crs[256];
    double window_m, step_m, buffer_m;
    size_t n_lines;
    senda_cost_route_line *lines;
    size_t n_windows;
    senda_cost_route_window *windows;
    int has_likely;        /**< 1 when senda_cost_route_likely filled the likely_* fields */
} senda_cost_route_result;

/** Route scoring (engine/cost/route.c, formula in its header): for every
 *  line of the layer, sliding windows of window_m every step_m with the
 *  incidents within buffer_m (projected onto the line to get their
 *  chainage) per km, and the mean danger-surface value; windows ranked over
 *  all lines; stations located for profiles.
 *  @param incidents may be NULL (no incidents: counts 0)
 *  @param danger    may be NULL (mean_danger NaN)
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, window or step <= 0, buffer < 0);
 *          SENDA_ERR_DATA (no such layer, not lines, no line);
 *          SENDA_ERR_GEOM; SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees with senda_cost_route_result_destroy().
 *  Progress: per 4096 incidents. */
senda_status senda_cost_route_score(senda_ctx *ctx, const senda_layers *layers,
                               const senda_points *incidents, const senda_grid *danger,
                               const senda_cost_route_opts *opts, senda_cost_route_result **out,
                               senda_progress_fn progress, void *progress_arg);
void senda_cost_route_result_destroy(senda_cost_route_result *r);

/** Exposure along the likely routes for every window of r (engine/cost/
 *  route_likely.c): the cells whose centre is within r's buffer_m of a line
 *  give, per window, likely_share (route density x cell km / window km) and
 *  likely_exposure_per_km (route-density-weighted mean exposure per km);
 *  sets r->has_likely. Both grids on the same cells, in the lines' CRS.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, grids that differ), SENDA_ERR_NOMEM */
senda_status senda_cost_route_likely(senda_ctx *ctx, senda_cost_route_result *r,
                                     const senda_grid *route_density,
                                     const senda_grid *exposure);

/** Write a route result into a GeoPackage (created when absent; layers of
 *  these names replaced): route_segments (a LineString per window: line,
 *  chainage_km_from, chainage_km_to, danger_per_km, incidents, weight,
 *  mean_danger, rank) and routes (a LineString per line: name, length_km,
 *  incidents, weight, danger_per_km, mean_danger, total_danger,
 *  max_window_danger_per_km).
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_CRS, SENDA_ERR_IO, SENDA_ERR_CANCELLED
 *  Progress: per 1024 windows. */
senda_status senda_cost_route_write(senda_ctx *ctx, const char *gpkg_path,
                               const senda_cost_route_result *result, senda_progress_fn progress,
                               void *progress_arg);

/** The danger profile of line `line` as a 1200 x 520 PNG: incidents per km
 *  of each window and the mean surface danger against chainage (km), the
 *  stations marked; when r->has_likely, also the exposure per km met on the
 *  likely routes (right axis) where at least 1 % of the migrants pass. Written to a temporary file renamed into place.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, line out of range), SENDA_ERR_IO,
 *          SENDA_ERR_NOMEM */
senda_status senda_cost_route_profile_png(senda_ctx *ctx, const senda_cost_route_result *r, size_t line,
                                     const char *png_path);

/* @@SECTION cost@@ */

/* ======================================================================
 * siting
 * ==================================================================== */
/** Coverage location models for shelter siting. */
typedef enum senda_siting_model {
    SENDA_SITING_MCLP,     /**< maximal covering: p new sites maximising covered demand weight */
    SENDA_SITING_SET_COVER /**< fewest new sites covering target_share of the demand weight */
} senda_siting_model;

/** Options of senda_siting_solve; fill with senda_siting_opts_init(). */
typedef struct senda_siting_opts {
    senda_siting_model model; /**< default SENDA_SITING_MCLP */
    double radius_m;          /**< service distance, straight line, metres (> 0; default 5000) */
    size_t p;                 /**< MCLP: number of new sites (default 5) */
    double target_share;      /**< SET_COVER: share of total demand weight to cover, (0, 1]
                                   (default 0.9); existing shelters count first */
    const double *exposure;   /**< optional, one value per candidate (danger at the site, or
                                   any "the higher, the more exposed" score); NULL = none.
                                   Borrowed for the call. */
    double exposure_max;      /**< hard constraint: candidates with exposure > exposure_max are
                                   not eligible; NaN (default) = no constraint */
    double exposure_penalty;  /**< penalty: the objective is covered weight minus
                                   exposure_penalty * sum of the chosen sites' exposure
                                   (default 0) */
    const double *clearance_m; /**< optional, one value per candidate: distance to the
                                   nearest danger point (checkpoint, hotspot); NULL = none.
                                   Borrowed for the call. */
    double min_clearance_m;   /**< hard constraint: candidates with clearance_m below it are
                                   not eligible; 0 (default) = no constraint */
    int local_search;         /**< 1 (default): 1-swap local search after the greedy */
    int bound_iterations;     /**< Lagrangian subgradient iterations for the upper bound
                                   (default 300; 0 = greedy bound only) */
    const senda_grid *cost_grid; /**< optional friction grid in the points' CRS: NULL (default)
                                   = straight-line coverage within radius_m; otherwise a demand
                                   point is covered by a site (new or existing) when the least
                                   accumulated cost from the site's cell to the demand point's
                                   cell is <= max_cost (radius_m is then unused). Move costs
                                   are GRASS r.cost's, 8 neighbours: (c1 + c2) / 2 straight,
                                   (c1 + c2) * sqrt(2) / 2 diagonal, times the move unit.
                                   NaN or negative cells are barriers. Borrowed for the call. */
    double max_cost;          /**< cost budget with cost_grid, > 0 (default 0: must be set) */
    double unit_m;            /**< cost move unit: 0 = cell widths, as r.cost (default);
                                   > 0 = units of unit_m metres (1 = metres, 1000 = km) */
} senda_siting_opts;

/** Fill o with the defaults documented in senda_siting_opts. */
void senda_siting_opts_init(senda_siting_opts *o);

/** The solution of a siting model. Sites are listed in rank order: rank 1
 *  adds the most demand given the existing shelters, rank 2 the most given
 *  those two, and so on (the greedy order of the final set). */
typedef struct senda_siting_result {
    size_t n_sites;           /**< new sites chosen (can be < p when more add nothing) */
    size_t *site;             /**< candidate index (0-based, into the candidates array) */
    double *marginal;         /**< demand weight newly covered by the site at its rank */
    double *cumulative_pct;   /**< % of total weight covered up to this rank, existing included */
    double *exposure;         /**< the site's exposure (NaN when no exposure was given) */
    double *nearest_existing_m; /**< distance to the nearest existing shelter (NaN when none) */
    size_t n_demand;
    /** per demand point: the nearest open site within the radius, as an index
     *  into [new sites in rank order..., existing sites...]; -1 = uncovered */
    long *alloc;
    double total_weight;      /**< sum of demand weights */
    double existing_weight;   /**< weight covered by the existing shelters alone */
    double covered_weight;    /**< weight covered by existing + new sites */
    double objective;         /**< covered_weight - exposure_penalty * sum of site exposures */
    double upper_bound;       /**< a proven upper bound on the optimal objective for this p */
    double gap;               /**< (upper_bound - objective) / upper_bound, 0 when bound is 0 */
    double greedy_bound;      /**< the (1 - 1/e) bound (no penalty), else +inf */
    double lagrangian_bound;  /**< the Lagrangian (subgradient) bound, +inf when not run */
    size_t n_eligible;        /**< candidates passing the exposure constraint */
    size_t n_swaps;           /**< improving swaps made by the local search */
    size_t n_pairs;           /**< (candidate, demand) coverage pairs */
    size_t min_sites_lower_bound; /**< SET_COVER: fewer sites than this cannot reach the
                                       target (proven by the bound); 0 for MCLP */
} senda_siting_result;

/** Solve a coverage location model on plain points: demand (weights),
 *  candidate sites and already open shelters (existing, may be NULL), all
 *  in the same projected CRS. A demand point is covered by a site when their
 *  straight-line distance is <= radius_m, or, with opts->cost_grid, when the
 *  least accumulated cost between their cells is <= opts->max_cost (one
 *  bounded Dijkstra per site, engine/siting/costcover.c; the cost is
 *  symmetric, so the search from the site equals the travel to it). Demand,
 *  candidates and existing shelters outside the grid or on a nodata cell
 *  are never covered / cover nothing (one warning with the counts); the
 *  allocation then takes the open site of least cost. MCLP (Church & ReVelle 1974):
 *  choose p sites maximising the covered weight; SET_COVER: the fewest sites
 *  reaching target_share. Greedy with lazy evaluation, then 1-swap local
 *  search; upper bound from the greedy (1-1/e) bound and a Lagrangian
 *  relaxation (Galvao & ReVelle 1996). Ties go to the lowest candidate index.
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, radius <= 0, p = 0, share out of
 *          (0,1], negative or NaN weight, a limit without its per-candidate
 *          array, max_cost <= 0 or unit_m < 0 with a cost grid); SENDA_ERR_CRS
 *          (the cost grid's CRS differs from the points'); SENDA_ERR_DATA (no candidate passes the exposure and
 *          clearance constraints, or the target share cannot be reached);
 *          SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees with senda_siting_result_destroy().
 *  Progress: coverage sets 0-40 %, greedy 40-50 %, swaps 50-80 %, bound 80-100 %. */
senda_status senda_siting_solve(senda_ctx *ctx, const senda_points *demand,
                                const senda_points *candidates, const senda_points *existing,
                                const senda_siting_opts *opts, senda_siting_result **out,
                                senda_progress_fn progress, void *progress_arg);
/** Destroy a result. NULL is a no-op. */
void senda_siting_result_destroy(senda_siting_result *r);

/** Write a siting result into a GeoPackage (created when absent; other layers
 *  kept), through a temporary copy renamed into place when complete:
 *  - shelter_sites (points): rank, candidate_id, marginal_demand,
 *    cumulative_pct, own_danger (the exposure), nearest_shelter_m,
 *    covered_by_site (demand weight allocated to the site);
 *  - coverage_areas (polygons): the radius_m disc around every new site;
 *  - demand_allocation (points): demand_id, weight, site_kind ("new",
 *    "existing", "none"), site_rank, site_id, distance_m.
 *  Layers of these names are replaced. demand, candidates and existing must
 *  be the inputs the result was solved from.
 *  @param crs the CRS to declare (user input such as "EPSG:32615"); NULL =
 *         demand->crs
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_CRS, SENDA_ERR_IO,
 *          SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED (the target is then untouched)
 *  Progress: once per 8,192 demand points. */
senda_status senda_siting_write(senda_ctx *ctx, const char *gpkg_path, const char *crs,
                                const senda_points *demand, const senda_points *candidates,
                                const senda_points *existing, const senda_siting_result *result,
                                double radius_m, senda_progress_fn progress, void *progress_arg);

/** As senda_siting_write for a result solved with opts (the same options
 *  and inputs). Without opts->cost_grid it is senda_siting_write with
 *  opts->radius_m. With a cost grid, coverage_areas holds, for every new
 *  site, the union of the grid cells it reaches within opts->max_cost (the
 *  field max_cost set, radius_m null), and demand_allocation's field cost is
 *  the accumulated cost from the allocated site (null when unallocated;
 *  distance_m stays the straight-line distance). Both layers always have
 *  these fields (null in straight-line mode).
 *  @return as senda_siting_write; SENDA_ERR_ARG also for NULL opts */
senda_status senda_siting_write_opts(senda_ctx *ctx, const char *gpkg_path, const char *crs,
                                     const senda_points *demand, const senda_points *candidates,
                                     const senda_points *existing,
                                     const senda_siting_result *result,
                                     const senda_siting_opts *opts, senda_progress_fn progress,
                                     void *progress_arg);

/** Demand on flows: a point at the centre of every cell whose route density
 *  (senda_likely_routes) is >= min_share, weight = route density x exposure
 *  per km x cell km (the exposure met there by the migrants passing), id =
 *  the cell index (engine/siting/demand.c).
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, grids of different shape, min_share
 *          outside (0, 1]), SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_points_destroy(). */
senda_status senda_siting_demand_from_flows(senda_ctx *ctx, const senda_grid *route_density,
                                            const senda_grid *exposure, double min_share,
                                            senda_points **out);

/** Write demand points as a point layer (fields cell, weight; replaced when
 *  present) into a GeoPackage (created when absent), for `senda site
 *  --demand FILE --demand-layer LAYER --weight-field weight`.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_CRS, SENDA_ERR_IO */
senda_status senda_siting_demand_write(senda_ctx *ctx, const char *gpkg_path, const char *layer,
                                       const senda_points *demand);

/** Danger-weighted demand along the routes: the centre of every cell of the
 *  danger surface with a value > 0 whose centre lies within buffer_m of the
 *  rail layer, weight = the cell value, id = the cell index (row * n_cols +
 *  col). CRS: the grid's (the layers' when the grid has none).
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL, buffer <= 0), SENDA_ERR_DATA (no
 *          rail layer), SENDA_ERR_GEOM, SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_points_destroy(). */
senda_status senda_siting_demand_from_grid(senda_ctx *ctx, const senda_grid *danger,
                                           const senda_layers *layers, double buffer_m,
                                           senda_points **out);

/** Candidate sites: the nodes of a square lattice of spacing_m (aligned to
 *  multiples of spacing_m) within buffer_m of the rail layer, ids 0..n-1,
 *  in the layers' CRS.
 *  @return SENDA_OK, SENDA_ERR_ARG (spacing <= 0, buffer < 0, more than 5e7
 *          lattice nodes), SENDA_ERR_DATA (no rail layer), SENDA_ERR_GEOM,
 *          SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_points_destroy(). */
senda_status senda_siting_candidates_along(senda_ctx *ctx, const senda_layers *layers,
                                           double spacing_m, double buffer_m,
                                           senda_points **out);

/** The exposure of each candidate: the danger-surface value of the cell
 *  holding it (NaN outside the surface or on nodata), for
 *  senda_siting_opts.exposure.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_NOMEM
 *  Ownership: caller frees *out with senda_free(). */
senda_status senda_siting_exposure_from_grid(senda_ctx *ctx, const senda_grid *danger,
                                             const senda_points *candidates, double **out);

/** The clearance of each candidate: the straight-line distance to the
 *  nearest feature of the named layer ("checkpoints", or any layer loaded
 *  in layers), for senda_siting_opts.clearance_m. +inf when the layer is
 *  empty.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_DATA (no such layer),
 *          SENDA_ERR_GEOM, SENDA_ERR_NOMEM
 *  Ownership: caller frees *out with senda_free(). */
senda_status senda_siting_clearance(senda_ctx *ctx, const senda_layers *layers, const char *name,
                                    const senda_points *candidates, double **out);

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

/* ======================================================================
 * pipeline: one options record and one call per stage, shared by every
 * CLI command and the scenario runner (engine/pipeline/)
 * ==================================================================== */

/** Where a stage's layers and incidents come from. Fill with
 *  senda_pipeline_input_opts_init(); give at most one of store, files,
 *  synthetic and points. */
typedef struct senda_pipeline_input_opts {
    const char *layers_dir;    /**< corridor layers; NULL = the bundled ones */
    int need_layers;           /**< 1 (default): load the layers */
    const char *crs;           /**< projected working CRS; NULL = SENDA_DEFAULT_CRS (a
                                    `points` layer: its own CRS, the layers opened in it) */
    const char *store;         /**< an incident store (senda incidents import) */
    const char *const *files;  /**< report files imported, with the spatial join, into a
                                    temporary store removed by senda_pipeline_input_destroy */
    size_t n_files;
    size_t synthetic;          /**< > 0: this many synthetic incidents (demos, tests) */
    uint64_t synthetic_seed;   /**< default 1 */
    const char *points;        /**< any OGR point layer (not reports) */
    const char *weight_field;  /**< with points: numeric weight field; NULL = 1 each */
    senda_incidents_filter filter; /**< store and files: which incidents, how weighted */
    const char *scratch;       /**< temporary files are "<scratch>.store.gpkg" and
                                    "<scratch>.synthetic.csv"; NULL = beside the first file */
    int n_threads;             /**< import threads (default 2) */
} senda_pipeline_input_opts;
void senda_pipeline_input_opts_init(senda_pipeline_input_opts *o);

/** The loaded inputs of a run. */
typedef struct senda_pipeline_input {
    senda_layers *layers;      /**< NULL when not loaded */
    senda_points *incidents;   /**< NULL without a source */
    char store[4096];          /**< the store read ("" with points or no source) */
    int imported;              /**< 1: files or synthetic rows were imported; import holds
                                    the counts */
    senda_incidents_import_summary import;
    long n_coarser_left_out;   /**< reports the filter's precision left out (0 without) */
    int own_store;             /**< 1: store is temporary (removed on destroy) */
    char synthetic_csv[4096];  /**< temporary, removed on destroy ("" none) */
} senda_pipeline_input;

/** Load the layers and the incidents: a store read through the filter,
 *  report files or synthetic rows imported into a temporary store first,
 *  or a point layer.
 *  @return SENDA_OK; SENDA_ERR_ARG (two sources, bad filter); the loaders'
 *          statuses (SENDA_ERR_IO naming the file, ...); SENDA_ERR_CANCELLED
 *  Ownership: caller frees with senda_pipeline_input_destroy(), which also
 *  removes the temporary store. Progress: layers, import, read. */
senda_status senda_pipeline_input_open(senda_ctx *ctx, const senda_pipeline_input_opts *opts,
                                       senda_pipeline_input **out, senda_progress_fn progress,
                                       void *progress_arg);
void senda_pipeline_input_destroy(senda_pipeline_input *in);

/** The danger stage's options, filled by senda_pipeline_danger_opts_init(). */
typedef struct senda_pipeline_danger_opts {
    double cell_m;               /**< cell size of the surfaces, metres (default 1000) */
    double pad_m;                /**< the grid covers the layers and incidents grown by
                                      this, metres (default 20000) */
    senda_hotspot_kde_opts kde;          /**< the density under the danger (default quartic,
                                      radius 10000 m) */
    senda_cost_danger_opts weights;   /**< weights and ranges (senda_cost_danger_opts_init); its
                                      checkpoint edits are ignored, see below */
    const char *const *without_checkpoints; /**< what-if: checkpoint names left out */
    size_t n_without;
    const char *const *with_checkpoints;    /**< what-if: checkpoints added, place names
                                                 or "LON,LAT" (senda_cost_place_resolve) */
    size_t n_with;
    int land_mask;               /**< 1 (default): cells at sea (outside the layers'
                                      `land` polygons, when present) are nodata */
    const char *raster;          /**< use this single-band raster (in the working CRS) as
                                      the surface instead of computing one; no what-if */
} senda_pipeline_danger_opts;
void senda_pipeline_danger_opts_init(senda_pipeline_danger_opts *o);

/** What the danger stage made. */
typedef struct senda_pipeline_danger_result {
    senda_grid *density;        /**< kernel density, weighted incidents per km2 */
    senda_grid *danger;         /**< the surface, danger per km */
    senda_grid *danger_whatif;  /**< with the checkpoint edits; NULL without edits */
    size_t n_incidents;
    senda_cost_danger_opts edits; /**< the weights with the what-if edits: names point into
                                       the options, coordinates owned by the result */
    int land_masked;            /**< 1: the surfaces were masked to the `land` layer */
    const char *const *with_names; /**< the places of edits.with_checkpoints_xy as named
                                        (points into the options) */
} senda_pipeline_danger_result;

/** The danger stage: density of in->incidents and the danger surface on
 *  one grid over the layers and incidents, masked to land, and again with
 *  the what-if checkpoint edits when there are any. When out is not NULL
 *  the result is also written there (senda_pipeline_danger_write, into a
 *  temporary file renamed into place; a .tif gets the what-if surface when
 *  there is one, else the surface).
 *  @return SENDA_OK; SENDA_ERR_ARG (bad options, unknown checkpoint or
 *          place); SENDA_ERR_DATA; SENDA_ERR_IO; SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees with senda_pipeline_danger_result_destroy().
 *  Progress: 0..1 over the surfaces. */
senda_status senda_pipeline_danger(senda_ctx *ctx, const senda_pipeline_input *in,
                                   const senda_pipeline_danger_opts *opts, const char *out,
                                   senda_pipeline_danger_result **res,
                                   senda_progress_fn progress, void *progress_arg);
/** Write, as asked, the coverages `danger` and `danger_whatif` (with edits)
 *  and `density` into a GeoPackage (created when absent). */
senda_status senda_pipeline_danger_write(senda_ctx *ctx, const senda_pipeline_danger_result *r,
                                         const char *gpkg_path, int with_danger,
                                         int with_density);
void senda_pipeline_danger_result_destroy(senda_pipeline_danger_result *r);

/** Where the hotspot grid lies. */
typedef enum senda_extent_from {
    SENDA_EXTENT_POINTS, /**< the points padded by the kernel radius (default) */
    SENDA_EXTENT_LAYERS, /**< the union of the corridor layers' extents */
    SENDA_EXTENT_GIVEN   /**< extent[] */
} senda_extent_from;

/** The hotspot stage's options, filled by senda_pipeline_hotspot_opts_init(). */
typedef struct senda_pipeline_hotspot_opts {
    senda_hotspot_kde_opts kde;         /**< senda_hotspot_kde_opts_init: quartic, automatic radius */
    senda_hotspot_gistar_opts gistar;   /**< senda_hotspot_gistar_opts_init */
    double cell_m;              /**< density cells, metres; 0 (default): automatic, the
                                     smallest whole 50 m giving at most 2,000,000 cells */
    double gi_cell_m;           /**< Gi* cells, metres; 0 (default): cell_m when given, else
                                     automatic (at most 100,000 cells over the extent) */
    senda_grid_cell_shape shape;     /**< Gi* cells (default square) */
    senda_extent_from extent_from; /**< default SENDA_EXTENT_LAYERS */
    double extent[4];           /**< x_min, y_min, x_max, y_max with SENDA_EXTENT_GIVEN */
    const char *study_area;     /**< NULL (default): the layers' `land` layer unless the
                                     extent is given; "land", "none" or a polygon file */
    int weighted;               /**< 0 (default): every incident counts 1 (events, as
                                     ArcGIS's Optimized Hot Spot Analysis); 1: the input's
                                     weights */
    int emerging_on;            /**< 1: emerging hot spots (needs a store's dates) */
    senda_emerging_opts emerging; /**< senda_emerging_opts_init */
    int density_on;             /**< 1 (default): the density raster (0: Gi* only) */
    int gistar_on;              /**< 1 (default): Gi* cells too */
    int product;                /**< 1 (default): a .gpkg out is finished as a product
                                     (styles, QGIS project, provenance) */
    const char *cells_out;      /**< with a .tif out: GeoPackage for the cells */
} senda_pipeline_hotspot_opts;
void senda_pipeline_hotspot_opts_init(senda_pipeline_hotspot_opts *o);

typedef struct senda_pipeline_hotspot_result {
    senda_grid *density;
    senda_hotspot_gistar_result *gistar; /**< NULL when not asked for */
    senda_emerging_result *emerging;     /**< NULL unless emerging_on */
    double cell_m, gi_cell_m;   /**< the cell sizes used */
    int cells_automatic;        /**< bit 1: cell_m automatic, bit 2: gi_cell_m automatic */
    const char *study_area;     /**< the study area applied ("land", a file; NULL none) */
    size_t n_masked;            /**< density cells outside the study area (nodata) */
    int no_land_layer;          /**< 1: the default land study area was missing */
    size_t n_points;
    double total_weight;
    double kde_s, gistar_s, write_s; /**< wall-clock seconds */
} senda_pipeline_hotspot_result;

/** The hotspot stage: the grid (extent snapped to whole cells), the kernel
 *  density and the Gi* cells of in->incidents; written to out when not
 *  NULL (a .gpkg gets `density` and `hotspot_cells`; a .tif the density,
 *  the cells going to opts->cells_out).
 *  @return SENDA_OK; SENDA_ERR_ARG; SENDA_ERR_DATA (no point, no extent,
 *          Gi* impossible); SENDA_ERR_IO; SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees with senda_pipeline_hotspot_result_destroy(). */
senda_status senda_pipeline_hotspot(senda_ctx *ctx, const senda_pipeline_input *in,
                                    const senda_pipeline_hotspot_opts *opts, const char *out,
                                    senda_pipeline_hotspot_result **res,
                                    senda_progress_fn progress, void *progress_arg);
/** Write `density` (when with_density) and `hotspot_cells` into a GeoPackage. */
senda_status senda_pipeline_hotspot_write(senda_ctx *ctx, const senda_pipeline_hotspot_result *r,
                                          const char *gpkg_path, int with_density);
void senda_pipeline_hotspot_result_destroy(senda_pipeline_hotspot_result *r);

/** Route destinations when none are given: the rail towns where the
 *  coastal and Gulf routes head north. */
#define SENDA_PIPELINE_ROUTE_TO "Arriaga; Ixtepec; Coatzacoalcos; Tierra Blanca"

/** The route stage's options, filled by senda_pipeline_route_opts_init(). */
typedef struct senda_pipeline_route_opts {
    const char *const *from;    /**< path sources (places or "LON,LAT"); NULL = every
                                     feature of the crossings layer */
    size_t n_from;
    const char *const *to;      /**< destinations; NULL = SENDA_PIPELINE_ROUTE_TO */
    size_t n_to;
    senda_cost_paths_opts paths;     /**< senda_cost_paths_opts_init, with one alternative */
    senda_cost_route_opts lines;     /**< senda_cost_route_opts_init */
    int paths_on;               /**< 1 (default): least-danger paths */
    int lines_on;               /**< 1 (default): danger along the line layer */
    int accumulated_on;         /**< 0 (default): accumulated cost from every crossing */
    const char *profile_dir;    /**< a danger-profile PNG per line here; NULL = none */
    int likely_on;              /**< 0 (default): likely routes too: exposure, choice cost,
                                     route density before and after the what-if */
    senda_choice_opts choice;   /**< senda_choice_opts_init (edits from the danger stage) */
    senda_exposure_opts exposure; /**< senda_exposure_opts_init */
    senda_likely_opts likely;   /**< senda_likely_opts_init */
    const char *flows;          /**< migrants per crossing (CSV); NULL = equal shares */
    const char *dem;            /**< elevation raster (any GDAL raster, resampled onto the
                                     grid): walking off the rail costs r.walk's slope time
                                     (likely.walk); NULL = flat (default) */
    double shelter_radius_m;    /**< a shelter's passing flow within this (default 5000) */
} senda_pipeline_route_opts;
void senda_pipeline_route_opts_init(senda_pipeline_route_opts *o);

typedef struct senda_pipeline_route_result {
    senda_points *sources, *destinations;
    char (*source_names)[128], (*destination_names)[128];
    senda_grid *accumulated;    /**< NULL unless accumulated_on */
    senda_cost_path **paths;    /**< on the surface */
    size_t n_paths;
    senda_cost_route_result *lines;
    senda_cost_path **paths_whatif; /**< on the what-if surface; NULL without one */
    size_t n_paths_whatif;
    senda_cost_route_result *lines_whatif;
    char **profiles;            /**< the profile PNGs written (profile_dir) */
    size_t n_profiles;
    senda_grid *exposure;       /**< likely_on: exposure per km (masked like the danger) */
    senda_grid *choice_cost, *choice_cost_whatif;
    senda_likely_result *likely, *likely_whatif; /**< before / after the what-if */
    senda_likely_change *likely_change; /**< with a what-if */
    double *flows;              /**< migrants per source when opts->flows; else NULL */
    double *incidents_per_1000, *incidents_per_1000_whatif; /**< per source with flows and
                                     incidents (senda_likely_incident_rate); else NULL */
    const senda_layers *layers; /**< borrowed from the input: the what-if's checkpoints
                                     are written from it (write before destroying it) */
    const senda_cost_danger_opts *edits; /**< borrowed from the danger result */
    const char *const *with_names;       /**< likewise */
} senda_pipeline_route_result;

/** The route stage over a danger stage's result: least-danger paths (and
 *  alternatives) from the sources to the destinations, the danger along
 *  every line, and the same on the what-if surface when there is one;
 *  sources and destinations at sea move to the nearest land cell. With out
 *  the danger coverages and the route layers are written there.
 *  @return SENDA_OK; SENDA_ERR_ARG; SENDA_ERR_DATA (unknown place,
 *          unreachable destination); SENDA_ERR_IO; SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED
 *  Ownership: caller frees with senda_pipeline_route_result_destroy(). */
senda_status senda_pipeline_route(senda_ctx *ctx, const senda_pipeline_input *in,
                                  const senda_pipeline_danger_result *danger,
                                  const senda_pipeline_route_opts *opts, const char *out,
                                  senda_pipeline_route_result **res,
                                  senda_progress_fn progress, void *progress_arg);
/** Write `accumulated_cost`, `paths`, `path_profile`, `route_segments`,
 *  `routes` (and `paths_whatif`, `path_profile_whatif`) into a GeoPackage. */
senda_status senda_pipeline_route_write(senda_ctx *ctx, const senda_pipeline_route_result *r,
                                        const char *gpkg_path);
/** The name of the source path i of paths (or paths_whatif) left from. */
const char *senda_pipeline_route_source(const senda_pipeline_route_result *r,
                                        const senda_cost_path *path);
void senda_pipeline_route_result_destroy(senda_pipeline_route_result *r);

/* ---- scenario files ------------------------------------------------- */

/** Most incident source files one scenario may import. */
#define SENDA_SCENARIO_MAX_SOURCES 16

/** One scenario of a scenario file: the base settings with the scenario's
 *  overrides applied (maps merge key by key, lists and values replace).
 *  Opaque: its keys fill the pipeline stages' records; read its parameters
 *  with senda_scenario_params. */
typedef struct senda_scenario senda_scenario;

/** The scenario's name ([A-Za-z0-9_.-]+, unique in its file). Ownership: owned by sc. */
const char *senda_scenario_name(const senda_scenario *sc);
/** The GeoPackage it writes ("{name}" expanded, resolved against the file's
 *  directory). Ownership: owned by sc. */
const char *senda_scenario_output(const senda_scenario *sc);
/** The line of its entry in the file (1 for a file without a list). */
int senda_scenario_line(const senda_scenario *sc);
/** SENDA_OK when the entry is usable; else SENDA_ERR_DATA with
 *  "file:line: key: problem" as the context's message. */
senda_status senda_scenario_check(senda_ctx *ctx, const senda_scenario *sc);

/** Every stage `senda run` knows, in run order (the default of `stages:`).
 *  density: kernel density surface; hotspot: Gi* cells; danger: danger
 *  surface; cost: accumulated cost from the crossings and least-danger paths;
 *  route: danger per km along the rail lines; siting: new shelter sites.
 *  A stage that needs another's result (cost, route and siting need the
 *  danger surface, danger needs the density) computes it without writing it. */
#define SENDA_SCENARIO_STAGES "density,hotspot,danger,cost,route,siting"
/** Every stage a scenario may list in `stages:`: the default ones and
 *  likely (likely routes: route density, exposure, per-crossing exposure,
 *  and their change with the what-if; the route model runs once or twice,
 *  so it is asked for, not run by default). */
#define SENDA_SCENARIO_STAGES_KNOWN "density,hotspot,danger,cost,route,likely,siting"

/** A loaded scenario file. */
typedef struct senda_scenario_set senda_scenario_set;

/** Read and validate a scenario file (YAML). The top-level keys are the base
 *  settings; an optional `scenarios:` list holds named entries that inherit
 *  the base and override what differs. Without the list the file is one
 *  scenario named after the file. A problem in one entry marks that entry
 *  invalid (senda_scenario_check puts where and why on the context) and the
 *  others stay usable; a YAML syntax error, a bad base setting or a bad list
 *  (entry not a mapping, missing or repeated name) fails the whole file.
 *  Messages read "FILE:LINE: KEY: problem".
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (unreadable file),
 *          SENDA_ERR_DATA (the file as a whole is unusable), SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_scenario_set_destroy(). */
senda_status senda_scenario_load(senda_ctx *ctx, const char *path, senda_scenario_set **out);

/** As senda_scenario_load from text in memory; label names it in messages
 *  and base_dir resolves relative paths (NULL = "."). */
senda_status senda_scenario_parse(senda_ctx *ctx, const char *text, size_t len,
                                  const char *label, const char *base_dir,
                                  senda_scenario_set **out);
void senda_scenario_set_destroy(senda_scenario_set *set);
size_t senda_scenario_count(const senda_scenario_set *set);
/** Scenario i (0-based); NULL when out of range. Ownership: owned by set. */
const senda_scenario *senda_scenario_at(const senda_scenario_set *set, size_t i);
/** The scenario file's text as read (for provenance). Ownership: owned by set. */
const char *senda_scenario_text(const senda_scenario_set *set);
/** Every parameter of a scenario, one "key: value" line each, in schema order
 *  (for provenance and `senda info`).
 *  Ownership: caller frees with senda_free(). */
senda_status senda_scenario_params(senda_ctx *ctx, const senda_scenario *sc, char **out);
/** Every scenario key with its default (the stages' own, from their
 *  *_opts_init), "key: value" lines in schema order, for `senda run --help`.
 *  Ownership: caller frees with senda_free(). */
senda_status senda_scenario_defaults(senda_ctx *ctx, char **out);

/* ---- the GeoPackage product ------------------------------------------ */

/** How a product was made, recorded in its gpkg_metadata and used for its
 *  QGIS project. Fill with senda_export_product_info_init(); every field may stay
 *  NULL. */
typedef struct senda_export_product_info {
    const char *title;          /**< map title; NULL = the file name */
    const char *final_path;     /**< the name the file will have when renamed
                                     into place (the project's datasources
                                     point to it); NULL = the path written */
    const char *scenario_name;
    const char *scenario_text;  /**< the scenario file as written */
    const char *params;         /**< every parameter, "key: value" lines */
    const char *const *inputs;  /**< input files, recorded with SHA-256 */
    size_t n_inputs;
    const char *counts;         /**< counts, "key: value" lines */
    const char *crs;            /**< the analysis CRS; NULL = SENDA_DEFAULT_CRS */
    const char *title_note;     /**< appended to the map title and every layer's title
                                     (e.g. "0 incidents"); NULL = none */
} senda_export_product_info;

void senda_export_product_info_init(senda_export_product_info *info);

/** Write the corridor layers (border, rail, checkpoints, crossings,
 *  shelters, and any other loaded except the `land` mask) into a GeoPackage (created when absent)
 *  as feature tables with spatial indexes, in the layers' analysis CRS,
 *  replacing tables of the same names.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO, SENDA_ERR_GEOM, SENDA_ERR_NOMEM,
 *          SENDA_ERR_CANCELLED
 *  Progress: once per layer. */
senda_status senda_export_layers(senda_ctx *ctx, const char *gpkg_path,
                                 const senda_layers *layers, senda_progress_fn progress,
                                 void *progress_arg);

/** Finish a product: a default QGIS style for every feature table and
 *  coverage in layer_styles, a QGIS project (named after the scenario, or
 *  "senda") in qgis_projects, and provenance in gpkg_metadata (engine and
 *  library versions, time, the scenario text, every parameter, the inputs
 *  with SHA-256 and size, the counts). Call it last, on the temporary file.
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (naming the file or table),
 *          SENDA_ERR_CRS, SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED
 *  Progress: per step. */
senda_status senda_export_finish(senda_ctx *ctx, const char *gpkg_path,
                                 const senda_export_product_info *info, senda_progress_fn progress,
                                 void *progress_arg);

/** Options of the quick-look map. */
typedef struct senda_export_render_opts {
    int width_px;         /**< picture width in pixels (default 1600; 400..8000) */
    const char *surface;  /**< table drawn underneath: NULL = "density" when present,
                               else the hotspot cells, else none */
    const char *title;    /**< NULL = the product's recorded title, else the file name */
    int has_extent;       /**< 1: draw extent[] (xmin, ymin, xmax, ymax in the product's
                               CRS) instead of the whole corridor (default 0) */
    double extent[4];
} senda_export_render_opts;
void senda_export_render_opts_init(senda_export_render_opts *o);

/** Draw a quick-look map of a product as PNG (cairo): the surface (a
 *  coverage on its colour ramp, or the hotspot cells in their Gi_Bin
 *  colours), least-danger paths, candidate sites, the rail and border, the
 *  checkpoints and shelters, with a title, a legend (units on the ramp) and
 *  a scale bar, zoomed to the corridor layers. Written beside png_path and
 *  renamed into place.
 *  @return SENDA_OK, SENDA_ERR_ARG (bad width, unknown surface), SENDA_ERR_IO,
 *          SENDA_ERR_DATA (nothing to draw), SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED
 *  Progress: per layer drawn. */
senda_status senda_export_render(senda_ctx *ctx, const char *gpkg_path, const char *png_path,
                                 const senda_export_render_opts *opts, senda_progress_fn progress,
                                 void *progress_arg);

/** Options of the printable report. */
typedef struct senda_report_opts {
    const char *lang;     /**< "es" (default; also "es-MX", "es-GT"), "es-ES" or "en": words
                               and number format (CLDR) */
    const char *title;    /**< NULL = the product's recorded title, else the file name */
} senda_report_opts;
void senda_report_opts_init(senda_report_opts *o);

/** Write a printable PDF report of a product (cairo's PDF surface, A4): a
 *  cover (scenario, period, filters, counts, and a banner when the incidents
 *  are synthetic or fewer than a hotspot analysis needs), the map (land,
 *  coast, towns, legend), the hottest cells by nearest town, danger per km of
 *  the rail lines and their worst stretches, the ranked shelter sites named by
 *  their nearest town, the danger profile along the paths, the what-if when
 *  the run has one, methods in plain words with references, and provenance
 *  (versions, inputs with SHA-256, every parameter). Written beside pdf_path
 *  and renamed into place.
 *  @return SENDA_OK, SENDA_ERR_ARG (NULL or unknown language), SENDA_ERR_IO
 *          (cannot read the product or write the PDF), SENDA_ERR_DATA (nothing
 *          to draw), SENDA_ERR_NOMEM, SENDA_ERR_CANCELLED
 *  Progress: per section. */
senda_status senda_export_report(senda_ctx *ctx, const char *gpkg_path, const char *pdf_path,
                                 const senda_report_opts *opts, senda_progress_fn progress,
                                 void *progress_arg);

/** One table of a product, as `senda info` lists it. */
typedef struct senda_export_product_layer {
    char name[128];
    char title[160];      /**< legend title with units */
    int coverage;         /**< 1: a gridded coverage; 0: features */
    char geometry[32];    /**< "MultiLineString", ... ("" for coverages) */
    long n_features;      /**< -1 for coverages */
    char units[64];       /**< coverages: unit of measure */
    double min, max;      /**< coverages: value range */
    char style[32];       /**< the default style's renderer, "" when none */
} senda_export_product_layer;

/** What a product holds. */
typedef struct senda_export_product_desc {
    size_t n_layers;
    senda_export_product_layer *layers;
    char project[128];    /**< the embedded QGIS project's name, "" when none */
    char project_target[256]; /**< the file name its layers point to ("./NAME") */
    int project_elsewhere;    /**< 1: that is not this file's name (renamed or moved):
                                   QGIS shows the layers broken; senda_export_product_fix_project
                                   repairs it */
    char *provenance;     /**< the provenance JSON, NULL when absent */
    char *scenario_text;  /**< the scenario file as recorded, NULL when absent */
} senda_export_product_desc;

/** Read what a product holds (tables, styles, project, provenance).
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (not a GeoPackage, named), SENDA_ERR_NOMEM
 *  Ownership: caller frees with senda_export_product_desc_destroy(). */
senda_status senda_export_product_describe(senda_ctx *ctx, const char *gpkg_path,
                                    senda_export_product_desc **out);
void senda_export_product_desc_destroy(senda_export_product_desc *desc);

/** Point the embedded QGIS project's layers at the file's current name after
 *  it was renamed or moved (QGIS resolves the project's relative datasources
 *  against the file holding it). Changes only the project; a project that
 *  already points at the file is left as it is (*n_fixed = 0).
 *  @param n_fixed the number of datasources repaired
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (cannot open or write),
 *          SENDA_ERR_DATA (no readable project), SENDA_ERR_NOMEM */
senda_status senda_export_product_fix_project(senda_ctx *ctx, const char *gpkg_path, int *n_fixed);

/** Write each layer's default style as DIR/LAYER.qml, for use outside the
 *  embedded project: QGIS reads `layer_styles` for vector layers but not for
 *  coverages, so a coverage opened on its own needs its QML loaded
 *  (Layer Properties > Symbology > Style > Load Style). Each file is written
 *  to a temporary and renamed into place.
 *  @param n_written the number of files written
 *  @return SENDA_OK, SENDA_ERR_ARG, SENDA_ERR_IO (cannot open, DIR missing, a
 *          write failed: named), SENDA_ERR_DATA (no layer_styles table) */
senda_status senda_export_product_styles_write(senda_ctx *ctx, const char *gpkg_path,
                                               const char *dir, int *n_written);

/* ---- running scenarios ------------------------------------------------ */

/** How `senda run` runs the scenarios of a file. */
typedef struct senda_scenario_run_opts {
    int jobs;            /**< scenarios run at once, 1..16 (default 1) */
    int keep_going;      /**< 0 (default): after a failure start no other scenario and
                              cancel those running; 1: run every scenario */
    const char *only;    /**< comma-separated scenario names; NULL = all */
    int n_threads;       /**< threads inside one scenario's stages (default 2 when jobs
                              is 1, else 1) */
} senda_scenario_run_opts;
void senda_scenario_run_opts_init(senda_scenario_run_opts *o);

/** What one scenario run did. */
typedef struct senda_scenario_run_result {
    char name[64];
    char output[1024];
    int ran;             /**< 0: not started (not selected, or stopped by a failure) */
    senda_status status; /**< SENDA_OK, or why it failed */
    char error[1024];    /**< the message when status != SENDA_OK */
    double seconds;
    long n_read, n_accepted, n_rejected, n_duplicate; /**< import counts; -1 with a store */
    long n_coarser_left_out; /**< incidents the precision filter left out (0 without one) */
    long n_incidents;    /**< incidents passing the filter */
    long n_sites;        /**< new shelter sites chosen (0 without the siting stage) */
    double covered_pct;  /**< % of the demand weight (incidents or danger, siting.demand)
                              within reach of a shelter, existing and new */
} senda_scenario_run_result;

/** Run one scenario: every stage, then the product written beside its output
 *  and renamed into place when complete (an interrupted run leaves the
 *  previous output untouched). scenario_text is recorded as provenance.
 *  @return SENDA_OK, or the failing stage's status with its message (also in
 *          res->error); SENDA_ERR_DATA for an invalid scenario entry
 *  Progress: 0..1 over the stages. */
senda_status senda_scenario_run(senda_ctx *ctx, const senda_scenario *sc,
                                const char *scenario_text, const senda_scenario_run_opts *opts,
                                senda_scenario_run_result *res, senda_progress_fn progress,
                                void *progress_arg);

/** Run the scenarios of a set, opts->jobs at a time (one thread and one
 *  context each). results gets one entry per scenario of the set, in file
 *  order (entries not selected by opts->only have ran = 0).
 *  @return SENDA_OK when every selected scenario succeeded; SENDA_ERR_ARG
 *          (bad jobs, --only naming no scenario); otherwise the first
 *          failure's status with "N of M scenarios failed: NAME: message"
 *  *results is filled whenever the status is not SENDA_ERR_ARG or
 *  SENDA_ERR_NOMEM, failures included (each entry says what happened).
 *  Ownership: caller frees *results with senda_free().
 *  Progress: 0..1 over all selected scenarios (the mean of their progress). */
senda_status senda_scenario_run_all(senda_ctx *ctx, const senda_scenario_set *set,
                                    const senda_scenario_run_opts *opts, senda_scenario_run_result **results,
                                    size_t *n_results, senda_progress_fn progress,
                                    void *progress_arg);

/* ---- sharing: senda publish ------------------------------------------ */

/** Options of senda_privacy_publish, filled by senda_privacy_publish_opts_init(). */
typedef struct senda_privacy_publish_opts {
    long k;                    /**< every figure is 0 or >= k; k >= 5 (default 11) */
    double cell_m;             /**< 0 (default): count on admin units; else square cells of
                                    this side, metres, >= 10000 */
    const char *units_path;    /**< a polygon layer of smaller units (municipalities),
                                    merged into their state; NULL = admin-1 */
    const char *from, *to;     /**< "YYYY-MM" limits of the months counted; NULL = all */
    const char *exclude_types; /**< comma-separated incident types left out; NULL = none */
} senda_privacy_publish_opts;
void senda_privacy_publish_opts_init(senda_privacy_publish_opts *o);

/** What senda_privacy_publish wrote. */
typedef struct senda_privacy_publish_result {
    long n_incidents;          /**< incidents counted (after the filters) */
    long n_without_geometry;   /**< incidents skipped: no geometry */
    long n_filtered;           /**< incidents left out by from/to/exclude_types */
    long victims;              /**< dead and missing counted */
    long victims_fine;         /**< of which published in units no larger than a state
                                    (grid: a cell of at most 4x4 base cells) */
    size_t n_areas;            /**< published areas (rows of incident_areas) */
    size_t n_areas_merged;     /**< of which merged from several units */
    size_t n_periods, n_types; /**< rows of incidents_by_period, incidents_by_type */
    char release[64];          /**< the release id recorded in the run file's ledger */
} senda_privacy_publish_result;

/** Build a new aggregates-only GeoPackage from the output of senda run
 *  (engine/privacy/publish.c): incidents, victims (dead and missing) and,
 *  where reported, women and minors, on areas (admin-1 units, a user's units,
 *  or square cells) merged until each figure is 0 or >= k, and per period
 *  (months merged into quarters, years) and type (rare types merged); the
 *  public corridor layers (geometry and name); a manifest. No point, day,
 *  free text or source field is written. Every release is audited against
 *  the earlier ones recorded in the run file and refused if some figure of
 *  1..k-1 could be inferred; it is then recorded there. Written to a
 *  temporary file, renamed into place when complete.
 *  @param opts NULL for the defaults
 *  @param res  may be NULL
 *  @return SENDA_OK; SENDA_ERR_ARG (NULL, k < 5, cell below 10 km or absurd,
 *          output = input, bad filter); SENDA_ERR_IO; SENDA_ERR_DATA (no
 *          incidents layer, fewer than k in all, refused by the audit);
 *          SENDA_ERR_CRS; SENDA_ERR_NOMEM; SENDA_ERR_CANCELLED */
senda_status senda_privacy_publish(senda_ctx *ctx, const char *run_path, const char *out_path,
                           const senda_privacy_publish_opts *opts, senda_privacy_publish_result *res,
                           senda_progress_fn progress, void *progress_arg);

/** A figure an attacker could infer from public files, lying in 1..k-1. */
typedef struct senda_privacy_publish_finding {
    char what[512];    /**< the cell or difference, named by its units and releases */
    char measure[16];  /**< incidents, victims, women_count, minors_count */
    long lo, hi;       /**< what can be inferred: lo <= value <= hi */
    char release[64];  /**< the other release involved, "" when none */
} senda_privacy_publish_finding;

/** Audit public files together (senda publish --audit): every figure an
 *  attacker could infer by linear programming from their manifests.
 *  k <= 0 takes k from the first file. *found: caller frees with senda_free.
 *  @return SENDA_OK (n_found may be > 0); SENDA_ERR_IO; SENDA_ERR_DATA */
senda_status senda_privacy_publish_audit(senda_ctx *ctx, const char *const *paths, size_t n, long k,
                                 senda_privacy_publish_finding **found, size_t *n_found);

/** The releases recorded in a run file, one line each (id, time, k, units,
 *  filters, figures); *text: caller frees with senda_free. */
senda_status senda_privacy_publish_releases(senda_ctx *ctx, const char *run_path, char **text);

/* @@SECTION export@@ */

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* SENDA_H */
