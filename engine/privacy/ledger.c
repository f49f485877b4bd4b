/*
 * ledger.c - the releases made from a run file, recorded in it (table
 * `senda_releases`, a GeoPackage attributes table): release id, time, k,
 * units, filters and the full figures document each public file carries.
 * senda publish audits a new release against every earlier one before it
 * writes it, and records it before renaming the public file into place (a
 * release recorded but never renamed only makes later checks stricter).
 * Complexity O(r) for r releases.
 */
#include <stdio.h>
#include <string.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include "io/gpkg_int.h"
#include "privacy/privacy_int.h"

#define LEDGER "senda_releases"

senda_status senda__ledger_read(senda_ctx *ctx, const char *run_path, json_object ***docs,
                                size_t *n)
{
    *docs = NULL;
    *n = 0;
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(run_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open as a GeoPackage", run_path);
    OGRLayerH lyr = GDALDatasetGetLayerByName(ds, LEDGER);
    senda_status st = SENDA_OK;
    size_t cap = 0;
    if (lyr) {
        int fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "figures");
        OGR_L_ResetReading(lyr);
        OGRFeatureH f;
        while (fi >= 0 && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
            json_object *doc = json_tokener_parse(OGR_F_GetFieldAsString(f, fi));
            long long fid = (long long)OGR_F_GetFID(f);
            OGR_F_Destroy(f);
            if (!doc) {
                st = senda__fail(ctx, SENDA_ERR_DATA, "%s: %s row %lld: unreadable figures",
                                 run_path, LEDGER, fid);
                break;
            }
            if (*n == cap) {
                cap = cap ? 2 * cap : 8;
                json_object **nd = senda__realloc(ctx, *docs, cap * sizeof *nd);
                if (!nd) {
                    json_object_put(doc);
                    st = SENDA_ERR_NOMEM;
                    break;
                }
                *docs = nd;
            }
            (*docs)[(*n)++] = doc;
        }
    }
    GDALClose(ds);
    return st;
}

senda_status senda__ledger_add(senda_ctx *ctx, const char *run_path, json_object *doc)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(run_path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO,
                                "%s: cannot open for update to record the release", run_path);
    senda_status st = SENDA_OK;
    OGRLayerH lyr = GDALDatasetGetLayerByName(ds, LEDGER);
    if (!lyr) {
        char **lco = CSLSetNameValue(NULL, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
        lco = CSLSetNameValue(lco, "DESCRIPTION", "What senda publish released from this file");
        lyr = GDALDatasetCreateLayer(ds, LEDGER, NULL, wkbNone, lco);
        CSLDestroy(lco);
        static const senda__field fl[] = {{"release", OFTString}, {"created", OFTString},
                                          {"k", OFTInteger64},    {"units", OFTString},
                                          {"filters", OFTString}, {"figures", OFTString}};
        if (!lyr)
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create %s", run_path, LEDGER);
        else
            st = senda__gpkg_fields(ctx, lyr, LEDGER, fl, 6);
    }
    if (st == SENDA_OK) {
        json_object *v;
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        static const char *const keys[] = {"release", "created", NULL, "units", "filters"};
        for (int i = 0; i < 5; i++)
            if (keys[i] && json_object_object_get_ex(doc, keys[i], &v))
                OGR_F_SetFieldString(f, i, json_object_is_type(v, json_type_string)
                                               ? json_object_get_string(v)
                                               : json_object_to_json_string(v));
        if (json_object_object_get_ex(doc, "k", &v))
            OGR_F_SetFieldInteger64(f, 2, json_object_get_int64(v));
        OGR_F_SetFieldString(f, 5, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot record the release", run_path);
        OGR_F_Destroy(f);
    }
    CPLErrorReset();
    GDALClose(ds);
    if (st == SENDA_OK && CPLGetLastErrorType() >= CE_Failure)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot record the release", run_path);
    return st;
}
