/*
 * incidents.c - the `incidents` layer of the product: the incidents of a
 * run (those passing the scenario's filter, given by their ids) copied from
 * the incident store through OGR.
 *
 * Only descriptive, analysis fields are copied, through a whitelist (type,
 * perpetrator, dates, victims, weights, precision, the spatial-join
 * fields); free text (message, raw row), the raw type and perpetrator
 * strings and every source field (file, row, id) stay in the store, so the
 * product never carries a reporter's words or a traceable source row. Dates
 * are GeoPackage DATE (ISO 8601): date_first and date_last bound the period
 * the report is known to (date_precision says day, month or year). The
 * type field is tied to the coded field domain `incident_type` (GDAL writes
 * it to gpkg_data_columns / gpkg_data_column_constraints), so QGIS offers
 * the codes as a value list. Geometry: the points as the run used them
 * (projected into the analysis CRS), not re-read from the store's lon/lat.
 * Cost: O(n log n) for the id lookup (ids sorted once), one pass over the
 * store's accepted incidents; memory: 2 x 8 B per incident.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <ogr_api.h>

#include "export/export_int.h"

static const struct {
    const char *name;
    OGRFieldType type;
} keep[] = {
    {"type", OFTString},           {"perpetrator", OFTString},
    {"date_first", OFTDate},       {"date_last", OFTDate},
    {"date_precision", OFTString}, {"victims", OFTReal},
    {"women", OFTReal},            {"men", OFTReal},
    {"minors", OFTReal},           {"severity", OFTReal},
    {"weight", OFTReal},           {"status", OFTString},
    {"geocode_precision", OFTString}, {"admin1", OFTString},
    {"flags", OFTString},          {"synthetic", OFTInteger},
    {"rail_km", OFTReal},          {"rail_dist_m", OFTReal},
    {"checkpoint_name", OFTString}, {"checkpoint_dist_m", OFTReal},
    {"border_dist_m", OFTReal},
};
#define N_KEEP (sizeof keep / sizeof keep[0])

typedef struct id_index {
    int64_t id;
    size_t i;
} id_index;

static int cmp_id(const void *a, const void *b)
{
    int64_t x = ((const id_index *)a)->id, y = ((const id_index *)b)->id;
    return (x > y) - (x < y);
}

static senda_status add_domain(senda_ctx *ctx, GDALDatasetH ds)
{
    OGRCodedValue cv[SENDA_INC_N_TYPES + 1];
    for (int k = 0; k < SENDA_INC_N_TYPES; k++) {
        cv[k].pszCode = (char *)senda_incidents_type_code(k);
        cv[k].pszValue = NULL;
    }
    cv[SENDA_INC_N_TYPES].pszCode = cv[SENDA_INC_N_TYPES].pszValue = NULL;
    OGRFieldDomainH dom = OGR_CodedFldDomain_Create("incident_type", "senda incident type codes",
                                                    OFTString, OFSTNone, cv);
    if (!dom)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot build the incident_type domain");
    char *why = NULL;
    CPLErrorReset();
    int ok = GDALDatasetAddFieldDomain(ds, dom, &why);
    OGR_FldDomain_Destroy(dom);
    senda_status st = SENDA_OK;
    if (!ok)
        st = senda__fail(ctx, SENDA_ERR_IO, "cannot add the incident_type domain: %s",
                         why ? why : CPLGetLastErrorMsg());
    CPLFree(why);
    return st;
}

static senda_status make_layer(senda_ctx *ctx, GDALDatasetH ds, const char *crs, OGRLayerH *lyr)
{
    senda_status st = add_domain(ctx, ds);
    if (st || (st = senda__gpkg_layer(ctx, ds, "incidents", wkbPoint, crs, lyr)))
        return st;
    for (size_t k = 0; k < N_KEEP; k++) {
        OGRFieldDefnH fd = OGR_Fld_Create(keep[k].name, keep[k].type);
        if (strcmp(keep[k].name, "type") == 0)
            OGR_Fld_SetDomainName(fd, "incident_type");
        if ((st = senda__gpkg_add_field(ctx, *lyr, "incidents", fd)) != SENDA_OK)
            return st;
    }
    return SENDA_OK;
}

/* Copy the whitelisted fields of src into a new feature of lyr at (x, y). */
static senda_status copy_one(senda_ctx *ctx, OGRFeatureH src, OGRLayerH lyr, const int *src_idx,
                             double x, double y)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
    for (size_t k = 0; k < N_KEEP; k++) {
        int j = src_idx[k];
        if (j < 0 || !OGR_F_IsFieldSetAndNotNull(src, j))
            continue;
        switch (keep[k].type) {
        case OFTReal: OGR_F_SetFieldDouble(f, (int)k, OGR_F_GetFieldAsDouble(src, j)); break;
        case OFTInteger: OGR_F_SetFieldInteger(f, (int)k, OGR_F_GetFieldAsInteger(src, j)); break;
        case OFTDate: {
            int yy, mm, dd, h, mi, tz;
            float sec;
            if (OGR_F_GetFieldAsDateTimeEx(src, j, &yy, &mm, &dd, &h, &mi, &sec, &tz))
                OGR_F_SetFieldDateTimeEx(f, (int)k, yy, mm, dd, 0, 0, 0.0f, 0);
            break;
        }
        default: OGR_F_SetFieldString(f, (int)k, OGR_F_GetFieldAsString(src, j)); break;
        }
    }
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x, y);
    OGR_F_SetGeometryDirectly(f, g);
    CPLErrorReset();
    OGRErr err = OGR_L_CreateFeature(lyr, f);
    OGR_F_Destroy(f);
    if (err != OGRERR_NONE)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write incident %lld",
                                (long long)OGR_F_GetFID(src));
    return SENDA_OK;
}

senda_status senda__export_incidents(senda_ctx *ctx, const char *gpkg_path,
                                     const char *store_path, const senda_points *pts,
                                     const char *crs)
{
    if (!gpkg_path || !store_path || !pts)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path, store_path or points is NULL");
    senda__gdal_register();
    senda_status st = SENDA_OK;
    GDALDatasetH src = NULL, ds = NULL;
    id_index *ix = senda__calloc(ctx, pts->n ? pts->n : 1, sizeof *ix);
    if (!ix)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < pts->n; i++)
        ix[i].id = pts->id[i], ix[i].i = i;
    qsort(ix, pts->n, sizeof *ix, cmp_id);
    CPLErrorReset();
    char conn[1100]; /* GDAL's PostgreSQL driver wants its PG: prefix before a URI */
    snprintf(conn, sizeof conn, "%s%s", senda__store_is_pg(store_path) &&
             strncasecmp(store_path, "PG:", 3) != 0 ? "PG:" : "", store_path);
    src = GDALOpenEx(conn, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    /* PostGIS returns rows in storage order: ask for fid order, as the GeoPackage gives */
    int pg = senda__store_is_pg(store_path);
    OGRLayerH in = !src ? NULL
                   : pg ? GDALDatasetExecuteSQL(src, "SELECT * FROM incidents WHERE status IN "
                                                "('accepted','repaired') ORDER BY fid", NULL, NULL)
                        : GDALDatasetGetLayerByName(src, "incidents");
    if (!in) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: no incidents layer", store_path);
        goto done;
    }
    int src_idx[N_KEEP];
    OGRFeatureDefnH sdefn = OGR_L_GetLayerDefn(in);
    for (size_t k = 0; k < N_KEEP; k++)
        src_idx[k] = OGR_FD_GetFieldIndex(sdefn, keep[k].name);
    OGRLayerH out = NULL;
    if ((st = senda__gpkg_open(ctx, gpkg_path, &ds)) || (st = make_layer(ctx, ds, crs, &out)))
        goto done;
    if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot start a transaction", gpkg_path);
        goto done;
    }
    if (!pg)
        OGR_L_SetAttributeFilter(in, "status IN ('accepted','repaired')");
    OGR_L_ResetReading(in);
    OGRFeatureH f;
    int fid_field = OGR_FD_GetFieldIndex(sdefn, "fid"); /* when OGR did not take it as FID */
    while (st == SENDA_OK && (f = OGR_L_GetNextFeature(in)) != NULL) {
        id_index key = {fid_field >= 0 ? OGR_F_GetFieldAsInteger64(f, fid_field)
                                       : OGR_F_GetFID(f), 0};
        const id_index *hit = bsearch(&key, ix, pts->n, sizeof *ix, cmp_id);
        if (hit)
            st = copy_one(ctx, f, out, src_idx, pts->x[hit->i], pts->y[hit->i]);
        OGR_F_Destroy(f);
    }
    if (st != SENDA_OK)
        GDALDatasetRollbackTransaction(ds);
    else if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot commit the incidents", gpkg_path);
done:
    if (src && pg && in)
        GDALDatasetReleaseResultSet(src, in);
    if (src)
        GDALClose(src);
    st = senda__gdal_close(ctx, ds, gpkg_path, st);
    senda__free(ix);
    return st;
}
