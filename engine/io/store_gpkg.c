/*
 * store_gpkg.c - the incident store's GeoPackage back end: one GeoPackage
 * (OGC 12-128r18) holding the `incidents` point layer (EPSG:4326), the
 * `incident_rejects`, `imported_files` and `senda_meta` (schema version)
 * attribute tables, with the columns listed in store.c.
 *
 * The file is created by OGR's GPKG driver (so gpkg_contents,
 * gpkg_geometry_columns and gpkg_spatial_ref_sys are what GDAL writes and
 * validates), in a temporary file renamed into place. It is then opened with
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
 * 16 MiB: SQLite writes pages out as it fills them (spilling, safe in a
 * transaction), on the thread that inserts, while the import's other thread
 * reads. With the earlier 384 MiB a 1,000,000-row import held its whole 380 MB
 * store in memory and wrote it at the commit, on one thread with the other
 * idle, and faulted in 380 MB of fresh pages: 535 MB peak, and about 0.4 s
 * longer (measured on the benchmark of docs/performance.md; the de-duplication's
 * updates of earlier rows, which the large cache was for, are now made once per
 * original in fid order at the end, import.c). GDAL's per-row feature-count
 * triggers are dropped for the duration of an import transaction and restored,
 * with the exact count (the count before plus the rows added; count(*) when
 * either is unknown, which reads every page of the table), before it commits
 * (DDL is transactional in SQLite).
 * Migrations: a store without senda_meta is schema 1 (before the office
 * column); a write open adds the office columns and senda_meta (registered
 * in gpkg_contents as an attributes table) in one transaction. The connection is opened
 * NOMUTEX: one thread uses it at a time, and the per-call mutex costs about 8 %
 * of an import.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>
#include <spatialite.h>

#include "io/io_int.h"
#include "io/store_int.h"

static senda_status add_layer(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                              OGRwkbGeometryType gt, const senda__field *f, size_t n_f,
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

/* Make an empty store at path through a temporary file. */
static senda_status store_create(senda_ctx *ctx, const char *path)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp-senda-%ld", path, (long)getpid());
    senda__gdal_register();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv)
        return senda__fail(ctx, SENDA_ERR_IO, "GDAL has no GPKG driver");
    CPLErrorReset();
    unlink(tmp);
    GDALDatasetH ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create the store", path);
    senda_status st = SENDA_OK;
    for (int t = 0; t < 3 && st == SENDA_OK; t++) {
        const senda__table *tb = &senda__store_tables[t];
        st = add_layer(ctx, ds, tb->name, tb->has_geom ? wkbPoint : wkbNone, tb->fields,
                       tb->n_fields, path);
    }
    static const senda__field meta_fields[] = {{"key", OFTString}, {"value", OFTString}};
    if (st == SENDA_OK)
        st = add_layer(ctx, ds, "senda_meta", wkbNone, meta_fields, 2, path);
    if (st == SENDA_OK) {
        OGRLayerH r = GDALDatasetExecuteSQL(
            ds, "CREATE UNIQUE INDEX imported_files_sha256 ON imported_files(sha256)", NULL, NULL);
        if (r)
            GDALDatasetReleaseResultSet(ds, r);
        char v[16];
        snprintf(v, sizeof v, "%d", SENDA_STORE_SCHEMA);
        OGRLayerH m = GDALDatasetGetLayerByName(ds, "senda_meta");
        OGRFeatureH f = m ? OGR_F_Create(OGR_L_GetLayerDefn(m)) : NULL;
        if (f) {
            OGR_F_SetFieldString(f, 0, "schema_version");
            OGR_F_SetFieldString(f, 1, v);
            if (OGR_L_CreateFeature(m, f) != OGRERR_NONE)
                st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write senda_meta", path);
            OGR_F_Destroy(f);
        }
    }
    GDALClose(ds);
    if (st == SENDA_OK && rename(tmp, path) != 0)
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: cannot rename the new store into place", path);
    if (st != SENDA_OK)
        unlink(tmp);
    return st;
}

static senda_status sqlite_fail(senda_ctx *ctx, senda__store *s, const char *what)
{
    return senda__sqlite_fail(ctx, s, what);
}

/* Schema 1 -> 2: the office columns and senda_meta, in one transaction. */
static senda_status migrate(senda_ctx *ctx, senda__store *s)
{
    senda_status st = senda__store_exec(ctx, s, "BEGIN IMMEDIATE");
    if (st != SENDA_OK)
        return st;
    if (!senda__store_has_table(s, "senda_meta")) { /* another writer may have done it */
        static const char *const steps[] = {
            "ALTER TABLE incidents ADD COLUMN office TEXT",
            "ALTER TABLE incident_rejects ADD COLUMN office TEXT",
            "ALTER TABLE imported_files ADD COLUMN office TEXT",
            "CREATE TABLE senda_meta (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
            "key TEXT, value TEXT)",
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change) "
            "VALUES ('senda_meta', 'attributes', 'senda_meta', "
            "strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
            "INSERT INTO senda_meta (key, value) VALUES ('schema_version', '2')",
        };
        for (size_t i = 0; i < sizeof steps / sizeof *steps && st == SENDA_OK; i++)
            st = senda__store_exec(ctx, s, steps[i]);
    }
    if (st == SENDA_OK)
        st = senda__store_exec(ctx, s, "COMMIT");
    else
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    if (st == SENDA_OK)
        senda__log(ctx, 0, "%s: store schema migrated from version 1 to 2 (office column)",
                   s->name);
    return st;
}

senda_status senda__gstore_open(senda_ctx *ctx, senda__store *s, int create)
{
    struct stat sb;
    senda_status st = SENDA_OK;
    const char *path = s->path;
    if (stat(path, &sb) != 0) {
        if (!create)
            return senda__fail(ctx, SENDA_ERR_IO, "%s: no such incident store", path);
        if ((st = store_create(ctx, path)) != SENDA_OK)
            return st;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return s->db ? sqlite_fail(ctx, s, "cannot open")
                     : senda__fail(ctx, SENDA_ERR_IO, "%s: cannot open", path);
    s->spatialite = spatialite_alloc_connection();
    spatialite_init_ex(s->db, s->spatialite, 0);
    sqlite3_busy_timeout(s->db, SENDA_STORE_BUSY_MS); /* after SpatiaLite, which sets 5 s */
    int64_t n = 0;
    if ((st = senda__store_int(ctx, s,
                               "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN "
                               "('incidents','incident_rejects','imported_files','gpkg_contents')",
                               0, &n)) != SENDA_OK)
        return st;
    if (n != 4)
        return senda__fail(ctx, SENDA_ERR_DATA, "%s: not a senda incident store (a GeoPackage "
                           "with incidents, incident_rejects and imported_files)", path);
    if ((st = senda__store_exec(ctx, s, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL; "
                                       "PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY")))
        return st;
    int64_t v = 1;
    if (senda__store_has_table(s, "senda_meta") &&
        (st = senda__store_int(ctx, s, "SELECT CAST(value AS INTEGER) FROM senda_meta WHERE "
                               "key = 'schema_version'", 1, &v)) != SENDA_OK)
        return st;
    if (v > SENDA_STORE_SCHEMA)
        return senda__fail(ctx, SENDA_ERR_DATA, "%s: store schema version %lld is newer than "
                           "this senda's (%d): upgrade senda", path, (long long)v,
                           SENDA_STORE_SCHEMA);
    if (v < SENDA_STORE_SCHEMA && create)
        st = migrate(ctx, s);
    return st;
}

void senda__gstore_close(senda__store *s)
{
    if (s->db)
        sqlite3_close_v2(s->db);
    if (s->spatialite)
        spatialite_cleanup_ex(s->spatialite);
    senda__free(s->saved_trigger[0]);
    senda__free(s->saved_trigger[1]);
}

senda_status senda__store_bulk_begin(senda_ctx *ctx, senda__store *s, int slot,
                                     const char *table)
{
    char sql[256];
    sqlite3_stmt *q = NULL;
    if (s->kind != SENDA__GPKG)
        return SENDA_OK;
    senda__strlcpy(s->bulk_table[slot], table, sizeof s->bulk_table[slot]);
    snprintf(sql, sizeof sql, "SELECT sql FROM sqlite_master WHERE type='trigger' AND name="
             "'trigger_insert_feature_count_%s'", table);
    senda_status st = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK
                          ? SENDA_OK : sqlite_fail(ctx, s, "cannot prepare a statement");
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

senda_status senda__store_bulk_end(senda_ctx *ctx, senda__store *s, int slot, int64_t added)
{
    senda_status st = SENDA_OK;
    if (s->kind == SENDA__GPKG && s->saved_trigger[slot]) {
        st = senda__store_exec(ctx, s, s->saved_trigger[slot]);
        /* the count kept by GDAL's triggers until bulk_begin, plus the rows added
         * since; count(*) when the count was unknown (NULL) or added is not given */
        int done = 0;
        sqlite3_stmt *q = NULL;
        if (st == SENDA_OK && added >= 0) {
            if (sqlite3_prepare_v2(s->db, "UPDATE gpkg_ogr_contents SET feature_count = "
                                   "feature_count + ?1 WHERE lower(table_name) = lower(?2) AND "
                                   "feature_count IS NOT NULL", -1, &q, NULL) != SQLITE_OK)
                st = sqlite_fail(ctx, s, "cannot prepare a statement");
            else {
                sqlite3_bind_int64(q, 1, added);
                sqlite3_bind_text(q, 2, s->bulk_table[slot], -1, SQLITE_STATIC);
                if (sqlite3_step(q) != SQLITE_DONE)
                    st = sqlite_fail(ctx, s, "cannot update the feature count");
                done = sqlite3_changes(s->db) == 1;
            }
            sqlite3_finalize(q);
        }
        if (st == SENDA_OK && !done) {
            char sql[256];
            snprintf(sql, sizeof sql, "UPDATE gpkg_ogr_contents SET feature_count = (SELECT "
                     "count(*) FROM \"%s\") WHERE lower(table_name) = lower('%s')",
                     s->bulk_table[slot], s->bulk_table[slot]);
            st = senda__store_exec(ctx, s, sql);
        }
        senda__free(s->saved_trigger[slot]);
        s->saved_trigger[slot] = NULL;
    }
    return st;
}
