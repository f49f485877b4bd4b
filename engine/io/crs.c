/*
 * crs.c - spatial references from user input, with GIS axis order.
 *
 * GDAL 3 honours the authority axis order (EPSG:4326 is lat, lon); senda
 * works in x = longitude/easting everywhere, so every reference it builds is
 * set to OAMS_TRADITIONAL_GIS_ORDER. Coordinate transformations built from
 * these run through PROJ.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <stdio.h>
#include <string.h>

#include "io/io_int.h"

OGRSpatialReferenceH senda__srs_from_user(senda_ctx *ctx, const char *crs)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (!srs) {
        senda__fail(ctx, SENDA_ERR_NOMEM, "out of memory creating a spatial reference");
        return NULL;
    }
    CPLErrorReset();
    if (OSRSetFromUserInput(srs, crs) != OGRERR_NONE) {
        senda__fail_gdal(ctx, SENDA_ERR_CRS, "PROJ: cannot understand CRS '%s'", crs);
        OSRDestroySpatialReference(srs);
        return NULL;
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

OGRSpatialReferenceH senda__srs_wgs84(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRSetWellKnownGeogCS(srs, "WGS84");
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

OGRCoordinateTransformationH senda__ct_lonlat(int srs_id, int to_lonlat)
{
    OGRSpatialReferenceH ll = OSRNewSpatialReference(NULL), other = OSRNewSpatialReference(NULL);
    OGRCoordinateTransformationH ct = NULL;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (OSRImportFromEPSG(ll, 4326) == OGRERR_NONE &&
        OSRImportFromEPSG(other, srs_id) == OGRERR_NONE) {
        OSRSetAxisMappingStrategy(ll, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(other, OAMS_TRADITIONAL_GIS_ORDER);
        ct = to_lonlat ? OCTNewCoordinateTransformation(other, ll)
                       : OCTNewCoordinateTransformation(ll, other);
    }
    CPLPopErrorHandler();
    OSRDestroySpatialReference(ll);
    OSRDestroySpatialReference(other);
    return ct;
}

senda_status senda__srs_short_name(OGRSpatialReferenceH srs, char *out, size_t out_size)
{
    OGRSpatialReferenceH c = OSRClone(srs);
    const char *auth = NULL, *code = NULL;
    if (OSRAutoIdentifyEPSG(c) == OGRERR_NONE || OSRGetAuthorityCode(c, NULL)) {
        auth = OSRGetAuthorityName(c, NULL);
        code = OSRGetAuthorityCode(c, NULL);
    }
    senda_status st = SENDA_ERR_CRS;
    if (auth && code && (size_t)snprintf(out, out_size, "%s:%s", auth, code) < out_size)
        st = SENDA_OK;
    if (st != SENDA_OK) {
        /* No authority code: a PROJ string is short enough for most CRSs. */
        char *proj4 = NULL;
        if (OSRExportToProj4(c, &proj4) == OGRERR_NONE && proj4 && strlen(proj4) < out_size) {
            senda__strlcpy(out, proj4, out_size);
            st = SENDA_OK;
        }
        CPLFree(proj4);
    }
    OSRDestroySpatialReference(c);
    return st;
}
