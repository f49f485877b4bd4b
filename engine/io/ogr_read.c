/*
 * ogr_read.c - reading vector inputs through OGR: opening a dataset
 * read-only with one error message shape, and converting an OGR geometry to
 * a GEOS one of the context's handle (through WKB).
 *
 * Used by the corridor layers (layers.c), the points (points.c), the source
 * hash (source_hash.c) and the hotspot study area. O(size of the geometry)
 * per conversion.
 */
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "io/io_int.h"

senda_status senda__vector_open(senda_ctx *ctx, const char *path, const char *what,
                                GDALDatasetH *out)
{
    senda__gdal_register();
    CPLErrorReset();
    *out = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!*out)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot read %s", path, what);
    return SENDA_OK;
}

senda_status senda__geos_from_ogr(senda_ctx *ctx, OGRGeometryH g, GEOSGeometry **out)
{
    int wkb_size = OGR_G_WkbSize(g);
    unsigned char *wkb = senda__malloc(ctx, (size_t)wkb_size);
    if (!wkb)
        return SENDA_ERR_NOMEM;
    OGR_G_ExportToWkb(g, wkbNDR, wkb);
    GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
    *out = GEOSWKBReader_read_r(ctx->geos, rd, wkb, (size_t)wkb_size);
    GEOSWKBReader_destroy_r(ctx->geos, rd);
    senda__free(wkb);
    return *out ? SENDA_OK : SENDA_ERR_GEOM;
}
