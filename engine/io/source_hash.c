/*
 * source_hash.c - SHA-256 of the data an OGR source gives, for import
 * idempotence and provenance, whatever the source is.
 *
 * A source GDAL can stat as a file (a local path, or a virtual file such as
 * /vsizip/archive.zip/reports.csv) is hashed byte for byte through GDAL's
 * virtual file API (VSIFReadL), so a local file keeps the hash of its bytes.
 * Anything else (PG:..., WFS:..., a directory of shapefiles) is opened as a
 * vector dataset and its content is hashed in read order: per layer its name and
 * field names, then per feature every field as text and the geometry as ISO
 * WKB, with separators that cannot occur in the text (0x1e between features,
 * 0x1f between values). The same rows served again hash the same; the text of
 * the connection string never enters the hash. When one layer is named, only
 * that layer is hashed (a file: its bytes, then the layer name).
 *
 * Time O(bytes) or O(features); memory one 1 MiB block or one feature.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>

#include "io/io_int.h"

static void hex_of(EVP_MD_CTX *md_ctx, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_DigestFinal_ex(md_ctx, md, &md_len);
    senda__sha256_hex(md, hex);
}

static senda_status hash_bytes(senda_ctx *ctx, const char *path, EVP_MD_CTX *md)
{
    VSILFILE *fp = VSIFOpenL(path, "rb");
    if (!fp)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot read it to hash it", path);
    unsigned char *buf = senda__malloc(ctx, 1 << 20);
    senda_status st = buf ? SENDA_OK : SENDA_ERR_NOMEM;
    size_t got;
    while (st == SENDA_OK && (got = VSIFReadL(buf, 1, 1 << 20, fp)) > 0)
        EVP_DigestUpdate(md, buf, got);
    senda__free(buf);
    VSIFCloseL(fp);
    return st;
}

static void hash_feature(EVP_MD_CTX *md, OGRFeatureH f, int n_fields, unsigned char **wkb,
                         size_t *cap)
{
    for (int i = 0; i < n_fields; i++) {
        const char *v = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
        EVP_DigestUpdate(md, v, strlen(v));
        EVP_DigestUpdate(md, "\x1f", 1);
    }
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    size_t n = g ? (size_t)OGR_G_WkbSize(g) : 0;
    if (n > *cap) {
        unsigned char *w = CPLRealloc(*wkb, n);
        *wkb = w, *cap = n;
    }
    if (n && OGR_G_ExportToIsoWkb(g, wkbNDR, *wkb) == OGRERR_NONE)
        EVP_DigestUpdate(md, *wkb, n);
    EVP_DigestUpdate(md, "\x1e", 1);
}

static senda_status hash_features(senda_ctx *ctx, const char *path, const char *only,
                                  EVP_MD_CTX *md)
{
    GDALDatasetH ds = NULL;
    senda_status st = senda__vector_open(ctx, path, "it as a vector source to hash it", &ds);
    if (st != SENDA_OK)
        return st;
    unsigned char *wkb = NULL;
    size_t cap = 0;
    for (int l = 0; l < GDALDatasetGetLayerCount(ds); l++) {
        OGRLayerH lyr = GDALDatasetGetLayer(ds, l);
        if (only && strcmp(OGR_L_GetName(lyr), only) != 0)
            continue;
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
        int n_fields = OGR_FD_GetFieldCount(defn);
        const char *name = OGR_L_GetName(lyr);
        EVP_DigestUpdate(md, name, strlen(name) + 1);
        for (int i = 0; i < n_fields; i++) {
            const char *fn = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
            EVP_DigestUpdate(md, fn, strlen(fn) + 1);
        }
        OGR_L_ResetReading(lyr);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
            hash_feature(md, f, n_fields, &wkb, &cap);
            OGR_F_Destroy(f);
        }
    }
    CPLFree(wkb);
    GDALClose(ds);
    return SENDA_OK;
}

senda_status senda__sha256_source(senda_ctx *ctx, const char *path, char hex[65])
{
    return senda__sha256_source_layer(ctx, path, NULL, hex);
}

senda_status senda__sha256_source_layer(senda_ctx *ctx, const char *path, const char *layer,
                                        char hex[65])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md)
        return SENDA_ERR_NOMEM;
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    VSIStatBufL sb;
    senda_status st;
    if (VSIStatL(path, &sb) == 0 && VSI_ISREG(sb.st_mode)) {
        st = hash_bytes(ctx, path, md);
        if (layer) /* two layers of one file are two sources */
            EVP_DigestUpdate(md, layer, strlen(layer) + 1);
    } else {
        st = hash_features(ctx, path, layer, md);
    }
    if (st == SENDA_OK)
        hex_of(md, hex);
    EVP_MD_CTX_free(md);
    return st;
}

const char *senda__source_label(const char *path, char *buf, size_t n)
{
    const char *p = path ? strstr(path, "password=") : NULL;
    if (!p) {
        snprintf(buf, n, "%s", path ? path : "");
        return buf;
    }
    const char *end = p + 9;
    if (*end == '\'') { /* quoted value */
        end = strchr(end + 1, '\'');
        end = end ? end + 1 : p + strlen(p);
    } else {
        end += strcspn(end, " ");
    }
    snprintf(buf, n, "%.*spassword=***%s", (int)(p - path), path, end);
    return buf;
}
