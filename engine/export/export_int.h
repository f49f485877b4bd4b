/*
 * export_int.h - engine-internal view of the product: its tables, their
 * styles, the QGIS project and the provenance record. The GeoPackage
 * writing primitives it builds on are in io/gpkg_int.h.
 */
#ifndef SENDA_EXPORT_INT_H
#define SENDA_EXPORT_INT_H

#include <cairo.h>
#include <gdal.h>

#include "core/core_int.h"
#include "io/gpkg_int.h"

/** What kind of thing a product table holds, by its name (and fields):
 *  decides its style, its place in the project and the quick-look map. */
typedef enum senda__layer_kind {
    SENDA__K_BORDER, SENDA__K_RAIL, SENDA__K_CHECKPOINTS, SENDA__K_CROSSINGS,
    SENDA__K_SHELTERS, SENDA__K_SITES, SENDA__K_PATHS, SENDA__K_ROUTES, SENDA__K_INCIDENTS,
    SENDA__K_HOTSPOT, SENDA__K_DENSITY, SENDA__K_DANGER, SENDA__K_COST, SENDA__K_FLOW,
    SENDA__K_CHANGE, SENDA__K_OTHER_VECTOR, SENDA__K_OTHER_RASTER,
    SENDA__K_AREAS, /* published aggregates (senda publish) */
    SENDA__K_CHECKPOINT_ADDED, SENDA__K_CHECKPOINT_REMOVED /* a what-if's edits */
} senda__layer_kind;

/** One table of the product as found in gpkg_contents. */
typedef struct senda__table {
    char name[128];
    char title[160];          /* human name with units for legends */
    int raster;               /* 2d-gridded-coverage */
    senda__layer_kind kind;
    char geom_column[64];
    OGRwkbGeometryType geom_type;
    long n_features;
    char units[64];           /* rasters: the coverage's unit of measure */
    double min, max;          /* rasters: valid value range; vectors: of the style field */
    char field[64];           /* the field the style classifies on, "" for none */
    double breaks[6];         /* graduated styles: class limits (n_breaks of them) */
    int n_breaks;
    char cats[16][48];        /* categorised styles: the values found (at most 16) */
    int n_cats;
    char time_field[64];      /* a date field for QGIS's temporal controller, or "" */
    char time_min[32], time_max[32]; /* its range, ISO 8601 */
    double extent[4];         /* xmin, ymin, xmax, ymax */
    int srs_id;
} senda__table;

/** The tables of a product (features and coverages, not layer_styles) with
 *  what their styles need, in drawing order (first drawn on top); opens
 *  path read-only. n_out <= max. */
senda_status senda__product_tables(senda_ctx *ctx, const char *path, senda__table *out,
                                   size_t max, size_t *n_out);

/** Open the coverage table t of the product at path read-only.
 *  Ownership: caller closes *out with GDALClose(). */
/** The corridor's extent e (xmin, ymin, xmax, ymax): the union of the vector
 *  tables' extents, or of all tables' when no vector table has one.
 *  @return 0 when no table has an extent (e unset), else 1 */
int senda__tables_extent(const senda__table *t, size_t n, double e[4]);

senda_status senda__product_coverage_open(senda_ctx *ctx, const char *path,
                                          const senda__table *t, GDALDatasetH *out);

/** The QGIS style of one table: the inner elements of a QML document
 *  (renderer, temporal settings, ...), shared by layer_styles and the project. */
void senda__style_body(senda__sbuf *b, const senda__table *t);
/** The QGIS renderer name that senda__style_body writes for t (for checks). */
const char *senda__style_renderer(const senda__table *t);

/** The colour of v on the ramp of a surface kind (the same ramp as its
 *  style), clamped to lo..hi; r, g, b, a in 0..255 (not premultiplied). */
void senda__ramp_rgba(senda__layer_kind kind, double v, double lo, double hi, int rgba[4]);
/** The colour of a Gi_Bin class (-3..3) and its legend label (static). */
const char *senda__gi_bin_rgba(int bin, int rgba[4]);

/** Write a default style for every table into layer_styles. */
senda_status senda__write_styles(senda_ctx *ctx, GDALDatasetH ds, const senda__table *t,
                                 size_t n);

/** Write the QGIS project (name project_name) into qgis_projects: every
 *  table as a layer, styled, over a plain map in crs. gpkg_name is the file
 *  name the datasources point to. */
senda_status senda__write_project(senda_ctx *ctx, GDALDatasetH ds, const char *gpkg_name,
                                  const char *project_name, const char *title, const char *crs,
                                  const senda__table *t, size_t n);

/** Zip the .qgs text xml as "<name>.qgs" into a .qgz in memory and append it
 *  to hex as hexadecimal text (QGIS's GeoPackage project storage). */
senda_status senda__project_zip_hex(senda_ctx *ctx, const senda__sbuf *xml, const char *name,
                                    senda__sbuf *hex);
/** The file name the embedded project's layers point to (the first
 *  datasource's "./NAME"), "" when there is no project. */
senda_status senda__project_target(senda_ctx *ctx, const char *gpkg_path, char *target,
                                   size_t size);

/** Layer descriptions in gpkg_contents and field titles in gpkg_data_columns
 *  (the Schema extension), through SQLite on the closed file. */
senda_status senda__write_titles(senda_ctx *ctx, const char *gpkg_path, const senda__table *t,
                                 size_t n);

/** Record provenance (a JSON document and the scenario text) in
 *  gpkg_metadata with gpkg_metadata_reference rows of geopackage scope. */
senda_status senda__write_provenance(senda_ctx *ctx, GDALDatasetH ds,
                                     const senda_export_product_info *info, const senda__table *t,
                                     size_t n);

/** Copy the incidents whose ids are pts->id from an incident store into the
 *  GeoPackage gpkg_path as the `incidents` layer: points at pts' (projected)
 *  coordinates in crs, the store's descriptive fields (free text, raw rows
 *  and source fields left out), dates as ISO 8601 DATE, and the type field
 *  tied to the coded field domain `incident_type`. */
senda_status senda__export_incidents(senda_ctx *ctx, const char *gpkg_path,
                                     const char *store_path, const senda_points *pts,
                                     const char *crs);

/** A translation of an English message (the report's senda__tr), or NULL
 *  for English. */
typedef const char *(*senda__tr_fn)(const void *arg, const char *en);

/** A map frame on a cairo surface: the map box on the page (x0, y0, w, h in
 *  page units), the CRS window it shows and the scale between them. */
typedef struct senda__view {
    cairo_t *cr;
    double x0, y0, w, h;        /* map area on the page */
    double xmin, ymin, xmax, ymax;
    double scale;               /* page units per metre */
    double legend_y;            /* next free legend row */
    double legend_right;        /* legend text ends here (the picture edge less a margin) */
    senda__tr_fn tr;            /* words of the legend and notes; NULL: English */
    const void *tr_arg;
} senda__view;

static inline double senda__view_px(const senda__view *v, double x)
{
    return v->x0 + (x - v->xmin) * v->scale;
}
static inline double senda__view_py(const senda__view *v, double y)
{
    return v->y0 + (v->ymax - y) * v->scale;
}

/** The bundled land (sea painted first, land filled, its outline drawn as the
 *  coastline), reprojected to EPSG:srs_id. A missing land layer or CRS is not
 *  an error: the map is then drawn on white, as before. */
void senda__basemap_land(const senda__view *v, int srs_id);
/** A light graticule (meridians and parallels every 0.5, 1, 2 or 5 degrees,
 *  at most about eight lines each way) labelled on the map frame. */
void senda__basemap_graticule(const senda__view *v, int srs_id);
/** Town names from the bundled GeoNames gazetteer inside the map: those
 *  within 12 km of one of the n_near points near_xy (x, y pairs in the map's
 *  CRS: the corridor's lines and sites) first, and among them the names in
 *  listed ("SHELTER TOWNS|STATIONS", each "A; B (State); C"), shelter towns
 *  first, before the others;
 *  each group largest first, each
 *  kept only where it overlaps no label already placed; at most max_labels.
 *  font_px is the label size in page units. */
void senda__basemap_towns(const senda__view *v, int srs_id, int max_labels, double font_px,
                          const double *near_xy, size_t n_near, const char *listed);

/** Layout and drawing of the quick-look map, shared by the PNG and the
 *  report's map page. With cr NULL only the layout is computed: *height_out
 *  is the composition's height for the given width (page units). tr, when
 *  not NULL, translates the legend and notes. */
senda_status senda__render_compose(senda_ctx *ctx, cairo_t *cr, const char *gpkg_path,
                                   const senda_export_render_opts *o, double width,
                                   double *height_out, senda__tr_fn tr, const void *tr_arg,
                                   senda_progress_fn progress, void *progress_arg);

#endif
