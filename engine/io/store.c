/*
 * store.c - the incident store: one GeoPackage (OGC 12-128r18) holding the
 * `incidents` point layer (EPSG:4326), the `incident_rejects` and
 * `imported_files` attribute tables.
 *
 * The file is created by OGR's GPKG driver (so gpkg_contents,
 * gpkg_geometry_columns and gpkg_spatial_ref_sys are what GDAL writes and
 * validates), in a hidden temporary beside the store (".<name>.tmp-senda-<pid>")
 * that the first import fills and links into place only once committed (link
 * never replaces a store another process made meanwhile), so a failed first
 * import (disk full, bad file, cancel) leaves no file at all. It is opened with
 * sqlite3_open_v2 and the SpatiaLite extension (spatialite_alloc_connection +
 * spatialite_init_ex, one cache per connection) and written with prepared
 * statements, points as GeoPackage binary geometries (header "GP", version 0,
 * little-endian, no envelope, then ISO WKB). The layer has no R-tree spatial
 * index: the engine reads incidents in full, and an index maintained by
 * triggers would need GDAL's SQL functions on every writer.
 *
 * Safety: the rollback journal (journal_mode=DELETE) with synchronous=FULL, so
 * a process killed inside a transaction leaves a hot journal that SQLite rolls
 * back on the next open: the store is as before the import. The page cache is
 * up to 384 MiB (allocated as used): a 1,000,000-row import (a 400 MB store)
 * then barely spills mid-transaction, and the updates of earlier rows that
 * de-duplication makes (an original taking a repeat's larger victim counts) hit
 * cached pages instead of re-reading and re-writing spilled ones (spilling is
 * safe, only slower: 128 MiB cost 0.3 s more system time per 1M rows). GDAL's per-row feature-count triggers are dropped for the
 * duration of an import transaction and restored, with the exact count, before
 * it commits (DDL is transactional in SQLite). The connection is opened
 * NOMUTEX: one thread uses it at a time, and the per-call mutex costs about 8 %
 * of an import.
 *
 * Errors: a store locked by another process is waited for SENDA_STORE_BUSY_MS
 * (sqlite3_busy_timeout), then the message says the store is in use by another
 * import and what to do; a full disk says so; no message quotes SQL text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>
#include <spatialite.h>

#include "io/gpkg_int.h"
#include "io/io_int.h"
#include "io/store_int.h"

typedef struct {
    const char *name;
    OGRFieldType type;
} field_spec;

/* The incidents layer. The incident module's INSERT names these columns. */
static const field_spec incident_fields[] = {
    {"status", OFTString}, {"type", OFTString}, {"type_raw", OFTString},
    {"perpetrator", OFTString}, {"perpetrator_raw", OFTString}, {"date", OFTString},
    {"date_precision", OFTString}, {"date_first", OFTDate}, {"date_last", OFTDate},
    {"day_first", OFTInteger64}, {"victims", OFTReal}, {"women", OFTReal}, {"men", OFTReal},
    {"minors", OFTReal}, {"severity", OFTReal}, {"weight", OFTReal}, {"lon", OFTReal},
    {"lat", OFTReal}, {"geocode_precision", OFTString}, {"place", OFTString},
    {"admin1", OFTString}, {"flags", OFTString}, {"repairs", OFTString}, {"message", OFTString},
    {"duplicate_of", OFTInteger64}, {"source_file", OFTString}, {"source_row", OFTInteger64},
    {"source_id", OFTString}, {"file_id", OFTInteger64}, {"raw", OFTString},
    {"synthetic", OFTInteger}, {"rail_fid", OFTInteger64}, {"rail_dist_m", OFTReal},
    {"rail_km", OFTReal}, {"checkpoint_fid", OFTInteger64}, {"checkpoint_name", OFTString},
    {"checkpoint_dist_m", OFTReal}, {"border_dist_m", OFTReal}, {"admin_name", OFTString},
};
static const field_spec reject_fields[] = {
    {"source_file", OFTString}, {"file_id", OFTInteger64}, {"source_row", OFTInteger64},
    {"reason", OFTString}, {"message", OFTString}, {"raw", OFTString},
};
static const field_spec file_fields[] = {
    {"sha256", OFTString}, {"path", OFTString}, {"n_rows", OFTInteger64},
    {"imported_at", OFTDateTime},
};

static senda_status add_layer(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                              OGRwkbGeometryType gt, const field_spec *f, size_t n_f,
                              const char *path)
{
    OGRSpatialReferenceH srs = gt == wkbNone ? NULL : senda__srs_wgs84();
    char *lco[] = {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=NO", NULL};
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, name, srs, gt, lco);
    if (srs)
        OSRDestroySpatialReference(srs);
    if (!lyr)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create layer %s", path, name);
    for (size_t i = 0; i < n_f; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(f[i].name, f[i].type);
        OGRErr e = OGR_L_CreateField(lyr, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create field %s.%s", path,
                                    name, f[i].name);
    }
    return SENDA_OK;
}

/* Make an empty store in the temporary tmp (for path); removed on failure. */
static senda_status store_create(senda_ctx *ctx, const char *path, const char *tmp)
{    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv)
        return senda__fail(ctx, SENDA_ERR_IO, "GDAL has no GPKG driver");
    CPLErrorReset();
    unlink(tmp);
    GDALDatasetH ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create the store", path);
        unlink(tmp);
        return SENDA_ERR_IO;
    }
    senda_status st = add_layer(ctx, ds, "incidents", wkbPoint, incident_fields,
                                sizeof incident_fields / sizeof incident_fields[0], path);
    if (st == SENDA_OK)
        st = add_layer(ctx, ds, "incident_rejects", wkbNone, reject_fields,
                       sizeof reject_fields / sizeof reject_fields[0], path);
    if (st == SENDA_OK)
        st = add_layer(ctx, ds, "imported_files", wkbNone, file_fields,
                       sizeof file_fields / sizeof file_fields[0], path);
    if (st == SENDA_OK) {
        OGRLayerH r = GDALDatasetExecuteSQL(
            ds, "CREATE UNIQUE INDEX imported_files_sha256 ON imported_files(sha256)", NULL, NULL);
        if (r)
            GDALDatasetReleaseResultSet(ds, r);
    }
    if (st == SENDA_OK)
        CPLErrorReset();
    GDALClose(ds); /* flushes: a write error shows in the error state */
    if (st == SENDA_OK && CPLGetLastErrorType() >= CE_Failure)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create the store", path);
    if (st != SENDA_OK)
        unlink(tmp);
    return st;
}

/* A failed SQLite call said for a user: a lock held by another process and
 * a full disk in words with what to do; never the SQL text. */
static senda_status sqlite_fail(senda_ctx *ctx, senda__store *s, const char *what)
{
    int rc = sqlite3_errcode(s->db) & 0xff;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return senda__fail(ctx, SENDA_ERR_IO,
                           "%s: the store is in use by another import (still locked after "
                           "waiting %d s); wait for that import to finish and run this one "
                           "again, or import into another store", s->path,
                           SENDA_STORE_BUSY_MS / 1000);
    if (rc == SQLITE_FULL)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: %s: the disk is full (SQLite: %s); the store "
                           "is left as it was", s->path, what, sqlite3_errmsg(s->db));
    return senda__fail(ctx, SENDA_ERR_IO, "%s: %s: SQLite: %s", s->path, what,
                       sqlite3_errmsg(s->db));
}

senda_status senda__store_open(senda_ctx *ctx, const char *path, int create,
                               senda__store **out)
{
    *out = NULL;
    struct stat sb;
    senda_status st = SENDA_OK;
    int created = 0;
    if (stat(path, &sb) != 0) {
        if (!create)
            return senda__fail(ctx, SENDA_ERR_IO, "%s: no such incident store", path);
        created = 1;
    }
    senda__store *s = senda__calloc(ctx, 1, sizeof *s);
    if (!s)
        return SENDA_ERR_NOMEM;
    s->created = created;
    senda__strlcpy(s->path, path, sizeof s->path);
    if (created) {
        /* ".<name>.tmp-senda-<pid>"; those of killed imports are swept away */
        senda__tmp_path(path, s->tmp, sizeof s->tmp);
        if ((st = store_create(ctx, path, s->tmp)) != SENDA_OK) {
            s->tmp[0] = '\0';
            goto done;
        }
    }
    if (sqlite3_open_v2(created ? s->tmp : path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        st = s->db ? sqlite_fail(ctx, s, "cannot open")
                   : senda__fail(ctx, SENDA_ERR_IO, "%s: cannot open", path);
        goto done;
    }
    s->spatialite = spatialite_alloc_connection();
    spatialite_init_ex(s->db, s->spatialite, 0);
    sqlite3_busy_timeout(s->db, SENDA_STORE_BUSY_MS); /* after SpatiaLite, which sets 5 s */
    int64_t n = 0;
    if ((st = senda__store_int(ctx, s,
                               "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN "
                               "('incidents','incident_rejects','imported_files','gpkg_contents')",
                               0, &n)) != SENDA_OK)
        goto done;
    if (n != 4) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: not a senda incident store (a GeoPackage "
                         "with incidents, incident_rejects and imported_files)", path);
        goto done;
    }
    st = senda__store_exec(ctx, s, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL; "
                                   "PRAGMA cache_size=-393216; PRAGMA temp_store=MEMORY");
done:
    if (st != SENDA_OK) {
        senda__store_close(s);
        return st;
    }
    *out = s;
    return SENDA_OK;
}

void senda__store_close(senda__store *s)
{
    if (!s)
        return;
    if (s->in_tx)
        senda__store_rollback(s);
    if (s->db)
        sqlite3_close_v2(s->db);
    if (s->spatialite)
        spatialite_cleanup_ex(s->spatialite);
    if (s->created && s->tmp[0]) /* a new store never committed: nothing to keep */
        unlink(s->tmp);
    senda__free(s->saved_trigger[0]);
    senda__free(s->saved_trigger[1]);
    senda__free(s);
}

senda_status senda__store_exec(senda_ctx *ctx, senda__store *s, const char *sql)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sqlite_fail(ctx, s, strncmp(sql, "COMMIT", 6) == 0 ? "cannot save the import"
                                                                  : "cannot update the store");
    return SENDA_OK;
}

senda_status senda__store_begin(senda_ctx *ctx, senda__store *s)
{
    senda_status st = senda__store_exec(ctx, s, "BEGIN IMMEDIATE");
    s->in_tx = st == SENDA_OK;
    return st;
}

senda_status senda__store_commit(senda_ctx *ctx, senda__store *s)
{
    senda_status st = senda__store_exec(ctx, s, "COMMIT");
    if (st == SENDA_OK)
        s->in_tx = 0;
    if (st == SENDA_OK && s->created && s->tmp[0]) {
        /* A new store appears under its name only now, complete. link() never
         * replaces: a store another import made meanwhile is left alone. */
        if (link(s->tmp, s->path) != 0)
            st = errno == EEXIST
                     ? senda__fail(ctx, SENDA_ERR_IO, "%s: another import created this store "
                                   "meanwhile; nothing was imported, run the import again",
                                   s->path)
                     : senda__fail_errno(ctx, errno, s->path, "cannot put the new store in place");
        else
            unlink(s->tmp);
        s->tmp[0] = '\0';
    }
    return st;
}

void senda__store_rollback(senda__store *s)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = 0;
}

senda_status senda__store_prepare(senda_ctx *ctx, senda__store *s, const char *sql,
                                  sqlite3_stmt **out)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, out, NULL) != SQLITE_OK)
        return sqlite_fail(ctx, s, "cannot prepare a statement");
    return SENDA_OK;
}

senda_status senda__store_int(senda_ctx *ctx, senda__store *s, const char *sql, int64_t dflt,
                              int64_t *out)
{
    sqlite3_stmt *q = NULL;
    senda_status st = senda__store_prepare(ctx, s, sql, &q);
    if (st != SENDA_OK)
        return st;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_type(q, 0) == SQLITE_NULL ? dflt : sqlite3_column_int64(q, 0);
    else if (rc == SQLITE_DONE)
        *out = dflt;
    else
        st = sqlite_fail(ctx, s, "query failed");
    sqlite3_finalize(q);
    return st;
}

senda_status senda__store_step(senda_ctx *ctx, senda__store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    senda_status r = rc == SQLITE_DONE ? SENDA_OK : sqlite_fail(ctx, s, "insert failed");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r;
}

senda_status senda__store_bulk_begin(senda_ctx *ctx, senda__store *s, int slot,
                                     const char *table)
{
    char sql[256];
    sqlite3_stmt *q = NULL;
    senda__strlcpy(s->bulk_table[slot], table, sizeof s->bulk_table[slot]);
    snprintf(sql, sizeof sql, "SELECT sql FROM sqlite_master WHERE type='trigger' AND name="
             "'trigger_insert_feature_count_%s'", table);
    senda_status st = senda__store_prepare(ctx, s, sql, &q);
    if (st == SENDA_OK && sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) &&
        !(s->saved_trigger[slot] = senda__strdup(ctx, (const char *)sqlite3_column_text(q, 0))))
        st = SENDA_ERR_NOMEM;
    sqlite3_finalize(q);
    if (st == SENDA_OK && s->saved_trigger[slot]) {
        snprintf(sql, sizeof sql, "DROP TRIGGER \"trigger_insert_feature_count_%s\"", table);
        st = senda__store_exec(ctx, s, sql);
    }
    return st;
}

senda_status senda__store_bulk_end(senda_ctx *ctx, senda__store *s, int slot)
{
    senda_status st = SENDA_OK;
    if (s->saved_trigger[slot]) {
        char sql[256];
        st = senda__store_exec(ctx, s, s->saved_trigger[slot]);
        snprintf(sql, sizeof sql, "UPDATE gpkg_ogr_contents SET feature_count = (SELECT "
                 "count(*) FROM \"%s\") WHERE lower(table_name) = lower('%s')",
                 s->bulk_table[slot], s->bulk_table[slot]);
        if (st == SENDA_OK)
            st = senda__store_exec(ctx, s, sql);
        senda__free(s->saved_trigger[slot]);
        s->saved_trigger[slot] = NULL;
    }
    return st;
}

static void put_le(unsigned char *p, const void *v, size_t n)
{
    /* the engine targets little-endian hosts (x86-64, arm64); GPB says so in its flags */
    memcpy(p, v, n);
}

void senda__gpb_point(double x, double y, int32_t srs_id, unsigned char out[29])
{
    uint32_t wkb_point = 1;
    out[0] = 'G';
    out[1] = 'P';
    out[2] = 0;    /* version 1 */
    out[3] = 0x01; /* little-endian, no envelope, not empty, standard */
    put_le(out + 4, &srs_id, 4);
    out[8] = 0x01; /* WKB little-endian */
    put_le(out + 9, &wkb_point, 4);
    put_le(out + 13, &x, 8);
    put_le(out + 21, &y, 8);
}

int senda__gpb_point_read(const unsigned char *b, int n, double *x, double *y)
{
    if (n < 8 || b[0] != 'G' || b[1] != 'P' || !(b[3] & 0x01))
        return 0;
    static const int env_len[] = {0, 32, 48, 48, 64};
    int env = (b[3] >> 1) & 7;
    if (env > 4)
        return 0;
    int off = 8 + env_len[env];
    uint32_t type;
    if (n < off + 21 || b[off] != 0x01)
        return 0;
    memcpy(&type, b + off + 1, 4);
    if (type % 1000 != 1)
        return 0;
    memcpy(x, b + off + 5, 8);
    memcpy(y, b + off + 13, 8);
    return 1;
}
