/*
 * export_int.h - engine-internal GeoPackage helpers shared by every stage
 * that writes into the output product.
 */
#ifndef SENDA_EXPORT_INT_H
#define SENDA_EXPORT_INT_H

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

/** The temporary path beside final ("<dir>/.<name>.tmp-senda-<pid>"), for
 *  writing an output that is renamed into place when complete. */
void senda__tmp_path(const char *final_path, char *tmp, size_t tmp_size);

/** Rename tmp onto final (atomic on one file system); removes tmp on failure. */
senda_status senda__commit_file(senda_ctx *ctx, const char *tmp, const char *final_path);

/** The value written for nodata cells in Float32 gridded coverages. */
#define SENDA_GPKG_NODATA (-3.4028234663852886e38)

#endif
