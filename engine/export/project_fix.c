/*
 * project_fix.c - the embedded QGIS project after the GeoPackage was renamed
 * or moved. project.c writes datasources relative to the project
 * ("./corridor.gpkg|layername=rail", "GPKG:./corridor.gpkg:density"), and
 * QGIS resolves them against the file that holds the project, so a copy
 * renamed to corridor-2025.gpkg opens with every layer broken (a known QGIS
 * behaviour with relative paths inside GeoPackage projects). Here the file
 * name the layers point to is read back (`senda info` warns when it is not
 * the file's own name) and, on request, every datasource is pointed at the
 * file's current name and the project stored again.
 *
 * The project is read with SQLite (bound parameters), its .qgz is unzipped
 * through GDAL's /vsizip/ on a /vsimem/ copy, the .qgs text is edited by
 * exact replacement of "./OLD|layername=" and "GPKG:./OLD:" (OLD as the
 * XML holds it, escaped), zipped again as project.c zips it, and written
 * back in one transaction. Cost: linear in the project's size (a few KB per
 * layer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <sqlite3.h>

#include "export/export_int.h"

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The .qgs text inside a project stored as hex of a .qgz (or as the blob
 * itself); *inner gets the name of the .qgs in the archive. NULL when it
 * cannot be read. Caller frees with senda__free. */
static char *qgs_text(senda_ctx *ctx, const void *content, size_t len, int is_hex, char *inner,
                      size_t inner_size)
{
    size_t n = is_hex ? len / 2 : len;
    GByte *zip = senda__malloc(ctx, n ? n : 1);
    if (!zip)
        return NULL;
    const char *h = content;
    for (size_t i = 0; i < n; i++) {
        int a = is_hex ? hexval(h[2 * i]) : 0, b = is_hex ? hexval(h[2 * i + 1]) : 0;
        if (is_hex && (a < 0 || b < 0)) {
            senda__free(zip);
            return NULL;
        }
        zip[i] = is_hex ? (GByte)(a * 16 + b) : ((const GByte *)content)[i];
    }
    char mem[96], dir[128], file[400];
    snprintf(mem, sizeof mem, "/vsimem/senda-fix-%p.zip" /* /vsizip/ knows a .zip by its name */, (void *)zip);
    VSIFCloseL(VSIFileFromMemBuffer(mem, zip, (vsi_l_offset)n, FALSE));
    snprintf(dir, sizeof dir, "/vsizip/%s", mem);
    char **names = VSIReadDir(dir);
    char *text = NULL;
    for (int i = 0; names && names[i] && !text; i++) {
        size_t l = strlen(names[i]);
        if (l < 4 || strcmp(names[i] + l - 4, ".qgs") != 0)
            continue;
        snprintf(inner, inner_size, "%.*s", (int)(l - 4), names[i]);
        snprintf(file, sizeof file, "%s/%s", dir, names[i]);
        GByte *buf = NULL;
        vsi_l_offset got = 0;
        if (VSIIngestFile(NULL, file, &buf, &got, 64 * 1024 * 1024) && buf) {
            text = senda__malloc(ctx, (size_t)got + 1);
            if (text) {
                memcpy(text, buf, (size_t)got);
                text[got] = 0;
            }
            VSIFree(buf);
        }
    }
    CSLDestroy(names);
    VSIUnlink(mem);
    senda__free(zip);
    return text;
}

/* The file name the first datasource names ("" when none). */
static void target_of(const char *qgs, char *name, size_t size)
{
    name[0] = 0;
    const char *p = strstr(qgs, "<datasource>./");
    if (p) {
        p += strlen("<datasource>./");
        snprintf(name, size, "%.*s", (int)strcspn(p, "|<"), p);
        return;
    }
    if ((p = strstr(qgs, "<datasource>GPKG:./")) != NULL) {
        p += strlen("<datasource>GPKG:./");
        snprintf(name, size, "%.*s", (int)strcspn(p, ":<"), p);
    }
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The project's first row: name, content (hex or blob). */
static int read_project(sqlite3 *db, char *name, size_t name_size, void **content, size_t *len,
                        int *is_hex)
{
    sqlite3_stmt *q = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(db, "SELECT name, content FROM qgis_projects ORDER BY rowid LIMIT 1",
                           -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        snprintf(name, name_size, "%s", (const char *)sqlite3_column_text(q, 0));
        *is_hex = sqlite3_column_type(q, 1) == SQLITE_TEXT;
        const void *c = *is_hex ? (const void *)sqlite3_column_text(q, 1) : sqlite3_column_blob(q, 1);
        *len = (size_t)sqlite3_column_bytes(q, 1);
        *content = malloc(*len + 1);
        if (*content && c) {
            memcpy(*content, c, *len);
            ((char *)*content)[*len] = 0;
            ok = 1;
        }
    }
    sqlite3_finalize(q);
    return ok;
}

senda_status senda__project_target(senda_ctx *ctx, const char *gpkg_path, char *target,
                                   size_t size)
{
    target[0] = 0;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(gpkg_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot open", gpkg_path);
    }
    char name[256], inner[256];
    void *content = NULL;
    size_t len = 0;
    int is_hex = 0;
    if (read_project(db, name, sizeof name, &content, &len, &is_hex)) {
        char *qgs = qgs_text(ctx, content, len, is_hex, inner, sizeof inner);
        if (qgs)
            target_of(qgs, target, size);
        senda__free(qgs);
    }
    free(content);
    sqlite3_close(db);
    return SENDA_OK;
}

/* qgs with every "./old|layername=" and "GPKG:./old:" pointed at new. */
static char *retarget(senda_ctx *ctx, const char *qgs, const char *old, const char *new_name,
                      int *n_fixed)
{
    senda__sbuf esc, out;
    senda__sb_init(&esc, ctx);
    senda__sb_init(&out, ctx);
    senda__sb_xml(&esc, new_name);
    char pat[2][600], rep[2][600];
    snprintf(pat[0], sizeof pat[0], "./%s|layername=", old);
    snprintf(pat[1], sizeof pat[1], "GPKG:./%s:", old);
    snprintf(rep[0], sizeof rep[0], "./%s|layername=", esc.s ? esc.s : "");
    snprintf(rep[1], sizeof rep[1], "GPKG:./%s:", esc.s ? esc.s : "");
    *n_fixed = 0;
    for (const char *p = qgs; *p;) {
        int k = strncmp(p, pat[0], strlen(pat[0])) == 0   ? 0
                : strncmp(p, pat[1], strlen(pat[1])) == 0 ? 1 : -1;
        if (k >= 0) {
            senda__sb_printf(&out, "%s", rep[k]);
            p += strlen(pat[k]);
            (*n_fixed)++;
        } else {
            size_t run = strcspn(p + 1, ".G") + 1;
            senda__sb_printf(&out, "%.*s", (int)run, p);
            p += run;
        }
    }
    senda__sb_free(&esc);
    if (out.failed) {
        senda__sb_free(&out);
        return NULL;
    }
    return out.s; /* the buffer's text, freed with senda__free */
}

static senda_status store_fixed(senda_ctx *ctx, sqlite3 *db, const char *gpkg_path,
                                const char *project, const char *hex)
{
    sqlite3_stmt *u = NULL;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "UPDATE qgis_projects SET content = ?1 WHERE name = ?2", -1,
                                &u, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(u, 1, hex, -1, SQLITE_STATIC);
        sqlite3_bind_text(u, 2, project, -1, SQLITE_STATIC);
        rc = sqlite3_step(u) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(u);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        senda__fail(ctx, SENDA_ERR_IO, "%s: cannot store the repaired QGIS project: SQLite: %s",
                    gpkg_path, sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return SENDA_ERR_IO;
    }
    return SENDA_OK;
}

senda_status senda_export_product_fix_project(senda_ctx *ctx, const char *gpkg_path, int *n_fixed)
{
    senda__reset(ctx);
    if (!gpkg_path || !n_fixed)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path or n_fixed is NULL");
    *n_fixed = 0;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(gpkg_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot open for writing", gpkg_path);
    }
    sqlite3_busy_timeout(db, 5000);
    char project[256], inner[256], old[512];
    void *content = NULL;
    size_t len = 0;
    int is_hex = 0;
    senda_status st = SENDA_OK;
    char *qgs = NULL, *fixed = NULL;
    senda__sbuf xml, hex;
    senda__sb_init(&xml, ctx);
    senda__sb_init(&hex, ctx);
    if (!read_project(db, project, sizeof project, &content, &len, &is_hex)) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s holds no QGIS project to repair", gpkg_path);
        goto done;
    }
    if (!(qgs = qgs_text(ctx, content, len, is_hex, inner, sizeof inner))) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: the QGIS project '%s' cannot be read",
                         gpkg_path, project);
        goto done;
    }
    target_of(qgs, old, sizeof old);
    if (!old[0] || strcmp(old, base_name(gpkg_path)) == 0)
        goto done; /* nothing points elsewhere */
    if (!(fixed = retarget(ctx, qgs, old, base_name(gpkg_path), n_fixed))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    senda__sb_printf(&xml, "%s", fixed);
    if ((st = senda__project_zip_hex(ctx, &xml, inner, &hex)) == SENDA_OK)
        st = store_fixed(ctx, db, gpkg_path, project, hex.s);
done:
    senda__sb_free(&xml);
    senda__sb_free(&hex);
    senda__free(fixed);
    senda__free(qgs);
    free(content);
    sqlite3_close(db);
    return st;
}
