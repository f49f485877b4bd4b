/*
 * export_int.h - engine-internal view of the product: its tables, their
 * styles, the QGIS project and the provenance record. The GeoPackage
 * writing primitives it builds on are in io/gpkg_int.h.
 */
#ifndef SENDA_EXPORT_INT_H
#define SENDA_EXPORT_INT_H

#include <gdal.h>

#include "core/core_int.h"
#include "io/gpkg_int.h"

/** What kind of thing a product table holds, by its name (and fields):
 *  decides its style, its place in the project and the quick-look map. */
typedef enum senda__layer_kind {
    SENDA__K_BORDER, SENDA__K_RAIL, SENDA__K_CHECKPOINTS, SENDA__K_CROSSINGS,
    SENDA__K_SHELTERS, SENDA__K_SITES, SENDA__K_PATHS, SENDA__K_ROUTES, SENDA__K_INCIDENTS,
    SENDA__K_HOTSPOT, SENDA__K_DENSITY, SENDA__K_DANGER, SENDA__K_COST, SENDA__K_OTHER_VECTOR,
    SENDA__K_OTHER_RASTER
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

#endif
