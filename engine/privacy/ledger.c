/*
 * ledger.c - the releases made from a run's data (table `senda_releases`, a
 * GeoPackage attributes table): release id, time, k, units, filters and the
 * full figures document each public file carries.
 *
 * Where it lives: in the run file, and - when the run read an incident
 * store - in the store too (store_ledger.c), which the run file names in
 * `senda_release_source` with the run's own filter (the months and types its
 * data cover, so that a release of a run ending in November says nothing of
 * December, and the other filters, which releases must share). `senda run`
 * rewrites its output, so it carries the previous output's ledger into the
 * new file (senda__ledger_carry, called on the run's temporary before the
 * rename): a re-run of the same output - a month more, a type less - is
 * audited against every release made before;
 * a run from a store sees every release made from any run of that store.
 * senda publish audits a new release against the union of both (deduplicated
 * by release id) before it writes it, and records it in the store, then in
 * the run file, before renaming the public file into place (a release
 * recorded but never renamed only makes later checks stricter).
 * Complexity O(r) for r releases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include "io/gpkg_int.h"
#include "privacy/privacy_int.h"

#define LEDGER "senda_releases"
#define SOURCE "senda_release_source"

senda_status senda__ledger_read(senda_ctx *ctx, const char *run_path, json_object ***docs,
                                size_t *n)
{
    *docs = NULL;
    *n = 0;
    senda__gdal_register();
    GDALDatasetH ds = GDALOpenEx(run_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open as a GeoPackage", run_path);
    OGRLayerH lyr = GDALDatasetGetLayerByName(ds, LEDGER);
    senda_status st = SENDA_OK;
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
            if ((st = senda__ledger_push(ctx, docs, n, doc)))
                break;
        }
    }
    GDALClose(ds);
    return st;
}

senda_status senda__ledger_add(senda_ctx *ctx, const char *run_path, json_object *doc)
{
    senda__gdal_register();
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

/* An attributes table of text fields in ds, made when absent. */
static OGRLayerH attr_table(senda_ctx *ctx, GDALDatasetH ds, const char *path, const char *name,
                            const char *descr, const senda__field *fl, size_t n)
{
    OGRLayerH lyr = GDALDatasetGetLayerByName(ds, name);
    if (lyr)
        return lyr;
    char **lco = CSLSetNameValue(NULL, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
    lco = CSLSetNameValue(lco, "DESCRIPTION", descr);
    lyr = GDALDatasetCreateLayer(ds, name, NULL, wkbNone, lco);
    CSLDestroy(lco);
    if (!lyr) {
        senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create %s", path, name);
        return NULL;
    }
    return senda__gpkg_fields(ctx, lyr, name, fl, n) == SENDA_OK ? lyr : NULL;
}

/* A store argument fit to be kept in the run file: a GeoPackage by its
 * absolute path; a database connection without its password (libpq then
 * takes it from PGPASSWORD or ~/.pgpass, as for any other command). */
static void store_reference(const char *store, char *out, size_t n)
{
    if (!senda__store_is_pg(store)) {
        char *abs = realpath(store, NULL);
        snprintf(out, n, "%s", abs ? abs : store);
        free(abs);
        return;
    }
    snprintf(out, n, "%s", store);
    char *p = strstr(out, "password=");
    if (p) {
        size_t len = strcspn(p, " ");
        if (p[9] == '\'') {
            char *q = strchr(p + 10, '\'');
            len = q ? (size_t)(q - p) + 1 : strlen(p);
        }
        memmove(p, p + len, strlen(p + len) + 1);
    }
    char *scheme = strstr(out, "://"), *at = strchr(out, '@');
    char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (colon && at && colon < at)
        memmove(colon, at, strlen(at) + 1);
}

/* The run's filters that the units x months x types of a release cannot
 * express: two releases of runs that differ in them are not comparable. */
static void data_text(const senda__run_filter *sc, char *out, size_t n)
{
    const char *key[] = {"victims", "perpetrators", "precision", "from", "to"};
    const char *val[] = {sc->victims, sc->perpetrators, sc->precision,
                         strlen(sc->date_from) > 7 ? sc->date_from : "",
                         strlen(sc->date_to) > 7 ? sc->date_to : ""};
    size_t used = 0;
    out[0] = '\0'; /* none: "" as in releases recorded before this table existed */
    for (int i = 0; i < 5 && used < n; i++)
        if (val[i][0])
            used += (size_t)snprintf(out + used, n - used, "%s%s=%s", used ? ";" : "", key[i],
                                     val[i]);
}

senda_status senda__ledger_carry(senda_ctx *ctx, const char *tmp, const char *previous,
                                 const senda__run_filter *sc)
{
    json_object **docs = NULL;
    size_t n = 0;
    senda_status st = SENDA_OK;
    if (previous && access(previous, F_OK) == 0) {
        senda__gdal_register();
        GDALDatasetH ds =
            GDALOpenEx(previous, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
        int has = ds && GDALDatasetGetLayerByName(ds, LEDGER) != NULL;
        if (ds)
            GDALClose(ds);
        CPLErrorReset();
        if (has && (st = senda__ledger_read(ctx, previous, &docs, &n)) != SENDA_OK)
            return senda__fail(ctx, st, "%s: the releases already made from this output "
                               "cannot be carried into the new one: %s", previous,
                               senda_ctx_errmsg(ctx));
    }
    for (size_t i = 0; i < n && st == SENDA_OK; i++)
        st = senda__ledger_add(ctx, tmp, docs[i]);
    for (size_t i = 0; i < n; i++)
        json_object_put(docs[i]);
    senda__free(docs);
    if (st != SENDA_OK)
        return st;
    char ref[1024] = "", data[700];
    if (sc->store[0])
        store_reference(sc->store, ref, sizeof ref);
    data_text(sc, data, sizeof data);
    GDALDatasetH ds = GDALOpenEx(tmp, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open for update", tmp);
    static const senda__field fl[] = {{"store", OFTString},   {"date_from", OFTString},
                                      {"date_to", OFTString}, {"types", OFTString},
                                      {"data", OFTString}};
    OGRLayerH lyr = attr_table(ctx, ds, tmp, SOURCE,
                               "What the data of this run are, for senda publish's release "
                               "ledger: the store that keeps it and the run's filters",
                               fl, 5);
    if (!lyr) {
        st = SENDA_ERR_IO;
    } else {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        const char *v[] = {ref, sc->date_from, sc->date_to, sc->types, data};
        for (int i = 0; i < 5; i++)
            OGR_F_SetFieldString(f, i, v[i]);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write %s", tmp, SOURCE);
        OGR_F_Destroy(f);
    }
    CPLErrorReset();
    GDALClose(ds);
    if (st == SENDA_OK && CPLGetLastErrorType() >= CE_Failure)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write %s", tmp, SOURCE);
    return st;
}

senda_status senda__ledger_source(senda_ctx *ctx, const char *run_path,
                                  senda__release_source *src)
{
    memset(src, 0, sizeof *src);
    senda__gdal_register();
    GDALDatasetH ds = GDALOpenEx(run_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open as a GeoPackage", run_path);
    OGRLayerH lyr = GDALDatasetGetLayerByName(ds, SOURCE);
    if (lyr) {
        OGR_L_ResetReading(lyr);
        OGRFeatureH f = OGR_L_GetNextFeature(lyr);
        if (f) {
            OGRFeatureDefnH d = OGR_L_GetLayerDefn(lyr);
            struct {
                const char *name;
                char *out;
                size_t size;
            } c[] = {{"store", src->store, sizeof src->store},
                     {"date_from", src->date_from, sizeof src->date_from},
                     {"date_to", src->date_to, sizeof src->date_to},
                     {"types", src->types, sizeof src->types},
                     {"data", src->data, sizeof src->data}};
            for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
                int fi = OGR_FD_GetFieldIndex(d, c[i].name);
                if (fi >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi))
                    snprintf(c[i].out, c[i].size, "%s", OGR_F_GetFieldAsString(f, fi));
            }
            OGR_F_Destroy(f);
        }
    }
    GDALClose(ds);
    return SENDA_OK;
}

/* Append src's documents to *docs unless a release of the same id is there. */
static senda_status merge_docs(senda_ctx *ctx, json_object ***docs, size_t *n,
                               json_object **src, size_t n_src)
{
    senda_status st = SENDA_OK;
    for (size_t i = 0; i < n_src; i++) {
        json_object *id = NULL, *other = NULL;
        json_object_object_get_ex(src[i], "release", &id);
        int dup = 0;
        for (size_t j = 0; j < *n && id && !dup; j++)
            dup = json_object_object_get_ex((*docs)[j], "release", &other) &&
                  strcmp(json_object_get_string(other), json_object_get_string(id)) == 0;
        if (dup || st != SENDA_OK)
            json_object_put(src[i]);
        else
            st = senda__ledger_push(ctx, docs, n, src[i]);
    }
    return st;
}

senda_status senda__ledger_read_all(senda_ctx *ctx, const char *run_path, json_object ***docs,
                                    size_t *n)
{
    senda__release_source src;
    json_object **more = NULL;
    size_t n_more = 0;
    senda_status st = senda__ledger_read(ctx, run_path, docs, n);
    if (st == SENDA_OK)
        st = senda__ledger_source(ctx, run_path, &src);
    if (st == SENDA_OK && src.store[0] &&
        (st = senda__store_ledger_read(ctx, src.store, &more, &n_more)) == SENDA_OK)
        st = merge_docs(ctx, docs, n, more, n_more);
    senda__free(more);
    return st;
}

senda_status senda__ledger_record(senda_ctx *ctx, const char *run_path, json_object *doc)
{
    senda__release_source src;
    senda_status st = senda__ledger_source(ctx, run_path, &src);
    if (st == SENDA_OK && src.store[0])
        st = senda__store_ledger_add(ctx, src.store, doc);
    if (st == SENDA_OK)
        st = senda__ledger_add(ctx, run_path, doc);
    return st;
}
