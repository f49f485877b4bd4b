/*
 * gpkg_int.h - engine-internal GeoPackage writing primitives (io/gpkg.c) and
 * the growing text buffer (io/sbuf.c): what every stage that writes into
 * the output GeoPackage uses, below the analysis modules.
 */
#ifndef SENDA_GPKG_INT_H
#define SENDA_GPKG_INT_H

#include <gdal.h>

#include "core/core_int.h"

/** Open a GeoPackage for update, creating it when it does not exist.
 *  Ownership: caller closes with GDALClose(). */
senda_status senda__gpkg_open(senda_ctx *ctx, const char *path, GDALDatasetH *out);

/** Create (replacing any of the same name) a vector layer in ds with the
 *  given geometry type in the CRS given as user input (e.g. "EPSG:32615").
 *  The layer gets a spatial index (GDAL's default for GPKG). */
senda_status senda__gpkg_layer(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                               OGRwkbGeometryType type, const char *crs, OGRLayerH *out);

/** senda__gpkg_layer with or without the spatial index (a bulk writer
 *  inserts first, then fills the index in one go). */
senda_status senda__gpkg_layer_ex(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                                  OGRwkbGeometryType type, const char *crs, int spatial_index,
                                  OGRLayerH *out);

/** A field of a table: name and OGR type. */
typedef struct senda__field {
    const char *name;
    OGRFieldType type;
} senda__field;

/** Add the field fd (then destroyed) to lyr (named `layer` in messages).
 *  @return SENDA_OK, or SENDA_ERR_IO naming the field and the layer */
senda_status senda__gpkg_add_field(senda_ctx *ctx, OGRLayerH lyr, const char *layer,
                                   OGRFieldDefnH fd);

/** Add the n fields to lyr (named `layer` in messages).
 *  @return SENDA_OK, or SENDA_ERR_IO naming the field and the layer */
senda_status senda__gpkg_fields(senda_ctx *ctx, OGRLayerH lyr, const char *layer,
                                const senda__field *fields, size_t n);

/** The temporary path beside final ("<dir>/.<name>.tmp-senda-<pid>"), for
 *  writing an output that is renamed into place when complete. Also removes
 *  the temporary files of final left by senda processes that no longer exist
 *  (killed with -9 mid-write). */
void senda__tmp_path(const char *final_path, char *tmp, size_t tmp_size);

/** Rename tmp onto final (atomic on one file system); removes tmp on failure. */
senda_status senda__commit_file(senda_ctx *ctx, const char *tmp, const char *final_path);

/** A growing text buffer for generated XML, JSON and SQL. On an allocation
 *  failure it sets failed (and the context message) and ignores further
 *  appends, so a writer checks once at the end. */
typedef struct senda__sbuf {
    senda_ctx *ctx;
    char *s;
    size_t len, cap;
    int failed;
} senda__sbuf;

void senda__sb_init(senda__sbuf *b, senda_ctx *ctx);
void senda__sb_printf(senda__sbuf *b, const char *fmt, ...) SENDA_PRINTF(2, 3);
/** Append text with the XML special characters escaped. */
void senda__sb_xml(senda__sbuf *b, const char *text);
/** Append text as the inside of an SQL string literal (quotes doubled). */
void senda__sb_sql(senda__sbuf *b, const char *text);
void senda__sb_free(senda__sbuf *b);

/** The value written for nodata cells in Float32 gridded coverages. */
#define SENDA_GPKG_NODATA (-3.4028234663852886e38)

#endif
