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

/** The route stage's likely routes (likely.c) into r, their coverages into
 *  gpkg, and their parameters as "key: value" lines (provenance). */
senda_status senda__pipeline_likely(senda_ctx *ctx, const senda_pipeline_input *in,
                                    const senda_pipeline_danger_result *d,
                                    const senda_pipeline_route_opts *o,
                                    senda_pipeline_route_result *r, senda_progress_fn progress,
                                    void *arg);
senda_status senda__pipeline_likely_write(senda_ctx *ctx, const senda_pipeline_route_result *r,
                                          const char *gpkg);
void senda__pipeline_likely_params(const senda_pipeline_route_opts *o,
                                   const senda_pipeline_danger_result *d, char *buf, size_t size);

/** 1 when path ends in .tif or .tiff (case-insensitive). */
int senda__pipeline_is_tiff(const char *path);

#endif
