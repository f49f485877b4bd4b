/*
 * pipeline_int.h - pieces the pipeline stages share: writing a stage's
 * GeoPackage beside its output and renaming it into place.
 */
#ifndef SENDA_PIPELINE_INT_H
#define SENDA_PIPELINE_INT_H

#include "core/core_int.h"

/** Writes one stage's layers into gpkg_path. */
typedef senda_status (*senda__pipeline_writer)(senda_ctx *ctx, const void *result,
                                               const char *gpkg_path);

/** Run writer into a temporary file beside out and rename it onto out when
 *  complete; the temporary file is removed on failure. */
senda_status senda__pipeline_save(senda_ctx *ctx, const char *out, senda__pipeline_writer writer,
                                  const void *result);

/** 1 when path ends in .tif or .tiff (case-insensitive). */
int senda__pipeline_is_tiff(const char *path);

#endif
