/*
 * style_files.c - the default styles of a product as QML files, one per
 * layer, for use outside the embedded project. styles.c stores every layer's
 * style in the GeoPackage's `layer_styles` table; QGIS reads that table for
 * vector layers only: a coverage (raster table) opened on its own from the
 * Browser or by a script comes up grey, because QGIS's GDAL provider has no
 * database styles (still open as QGIS issue 56870) and looks only for a
 * sidecar named after the whole file. The QML written here is exactly the
 * stored styleQML (a complete <qgis> document), so Layer Properties >
 * Symbology > Style > Load Style (or QgsMapLayer.loadNamedStyle) applies the
 * same colours, classes and legend titles as the project.
 *
 * Reading is one static SQL statement through SQLite (no text of the file's
 * pasted into SQL); each file is written to a temporary beside it and renamed
 * into place. Table names that are not plain file names (a '/', a leading
 * '.', empty) are refused rather than written outside DIR. O(styles).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "export/export_int.h"

static int plain_name(const char *s)
{
    return s && s[0] && s[0] != '.' && !strchr(s, '/') && !strchr(s, '\\') && strlen(s) < 200;
}

static senda_status write_one(senda_ctx *ctx, const char *path, const char *qml)
{
    char tmp[1200];
    senda__tmp_path(path, tmp, sizeof tmp);
    FILE *fp = fopen(tmp, "wb");
    if (!fp)
        return senda__fail_errno(ctx, errno, path, "cannot write the style");
    size_t len = strlen(qml);
    if (fwrite(qml, 1, len, fp) != len) {
        int err = errno;
        fclose(fp);
        remove(tmp);
        return senda__fail_errno(ctx, err ? err : EIO, path, "cannot write the style");
    }
    senda_status st = senda__fclose_checked(ctx, fp, path);
    if (st == SENDA_OK)
        st = senda__commit_file(ctx, tmp, path);
    if (st != SENDA_OK)
        remove(tmp);
    return st;
}

senda_status senda_export_product_styles_write(senda_ctx *ctx, const char *gpkg_path,
                                               const char *dir, int *n_written)
{
    senda__reset(ctx);
    if (!gpkg_path || !dir || !n_written)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path, dir or n_written is NULL");
    *n_written = 0;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return senda__fail(ctx, SENDA_ERR_IO, "%s: not a directory (create it first)", dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    if (sqlite3_open_v2(gpkg_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot open as a GeoPackage", gpkg_path);
    }
    senda_status st = SENDA_OK;
    if (sqlite3_prepare_v2(db, "SELECT f_table_name, styleQML FROM layer_styles "
                               "WHERE useAsDefault ORDER BY f_table_name, id", -1, &q,
                           NULL) != SQLITE_OK) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s holds no layer styles (not a senda product, "
                         "or made without styles)", gpkg_path);
        goto done;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(q, 0);
        const char *qml = (const char *)sqlite3_column_text(q, 1);
        if (!qml || !qml[0])
            continue;
        if (!plain_name(table)) {
            st = senda__fail(ctx, SENDA_ERR_DATA, "%s: layer_styles names a table '%s' that is "
                             "not a plain file name; nothing written for it", gpkg_path,
                             table ? table : "");
            goto done;
        }
        char path[1100];
        if ((size_t)snprintf(path, sizeof path, "%s/%s.qml", dir, table) >= sizeof path) {
            st = senda__fail(ctx, SENDA_ERR_ARG, "%s: directory name too long", dir);
            goto done;
        }
        if ((st = write_one(ctx, path, qml)) != SENDA_OK)
            goto done;
        ++*n_written;
    }
    if (rc != SQLITE_DONE)
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: cannot read layer_styles (SQLite: %s)",
                         gpkg_path, sqlite3_errmsg(db));
done:
    sqlite3_finalize(q);
    sqlite3_close(db);
    return st;
}
