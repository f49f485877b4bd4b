/*
 * gpkg.c - writing into the output GeoPackage: opening or creating it,
 * vector layers, float32 surfaces in the Tiled Gridded Coverage extension,
 * and the temporary-file-then-rename pattern for atomic outputs.
 *
 * Surfaces are written through GDAL's GPKG raster driver as Float32, which
 * stores them in the 2D Gridded Coverage extension (gpkg_2d_gridded_coverage
 * _ancillary, TIFF tiles). NaN cells become SENDA_GPKG_NODATA, declared as
 * the band's nodata value; the grid's units and description are set on the
 * band (GDAL stores them in the coverage's uom and description).
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <ogr_srs_api.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/gpkg_int.h"
#include "grid/grid_int.h"

senda_status senda__gpkg_open(senda_ctx *ctx, const char *path, GDALDatasetH *out)
{
    senda__gdal_register();
    *out = NULL;
    CPLErrorReset();
    VSIStatBufL sb;
    if (VSIStatL(path, &sb) == 0) {
        *out = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_RASTER | GDAL_OF_UPDATE, NULL, NULL,
                          NULL);
        if (!*out)
            return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open for update", path);
        return SENDA_OK;
    }
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    *out = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (*out && CPLGetLastErrorType() >= CE_Failure) { /* e.g. its metadata tables: disk full */
        senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create GeoPackage", path);
        GDALClose(*out);
        *out = NULL;
        VSIUnlink(path);
        return SENDA_ERR_IO;
    }
    if (!*out)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create GeoPackage", path);
    return SENDA_OK;
}

senda_status senda__gpkg_layer(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                               OGRwkbGeometryType type, const char *crs, OGRLayerH *out)
{
    return senda__gpkg_layer_ex(ctx, ds, name, type, crs, 1, out);
}

senda_status senda__gpkg_layer_ex(senda_ctx *ctx, GDALDatasetH ds, const char *name,
                                  OGRwkbGeometryType type, const char *crs, int spatial_index,
                                  OGRLayerH *out)
{
    *out = NULL;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++) {
        if (strcmp(OGR_L_GetName(GDALDatasetGetLayer(ds, i)), name) == 0) {
            GDALDatasetDeleteLayer(ds, i);
            break;
        }
    }
    OGRSpatialReferenceH srs = NULL;
    if (crs && crs[0]) {
        srs = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(srs, crs) != OGRERR_NONE) {
            OSRDestroySpatialReference(srs);
            return senda__fail(ctx, SENDA_ERR_CRS, "PROJ: cannot understand CRS '%s'", crs);
        }
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
    CPLErrorReset();
    char **opts = CSLSetNameValue(NULL, "SPATIAL_INDEX", spatial_index ? "YES" : "NO");
    *out = GDALDatasetCreateLayer(ds, name, srs, type, opts);
    CSLDestroy(opts);
    if (srs)
        OSRDestroySpatialReference(srs);
    if (!*out)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot create layer '%s'", name);
    return SENDA_OK;
}

senda_status senda_export_grid(senda_ctx *ctx, const char *gpkg_path, const char *table,
                               const senda_grid *grid, senda_progress_fn progress,
                               void *progress_arg)
{
    senda__reset(ctx);
    if (!gpkg_path || !table || !grid)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path, table or grid is NULL");
    if (!grid->crs[0])
        return senda__fail(ctx, SENDA_ERR_CRS, "surface '%s' has no CRS; a GeoPackage "
                           "coverage needs one", table);
    senda__gdal_register();
    senda_status st = SENDA_OK;
    GDALDatasetH mem = NULL, out = NULL;
    float *buf = NULL;
    size_t n = grid->n_rows * grid->n_cols;
    if (!(buf = senda__calloc(ctx, n, sizeof *buf)))
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        buf[i] = isnan(grid->data[i]) ? (float)SENDA_GPKG_NODATA : (float)grid->data[i];
    mem = GDALCreate(GDALGetDriverByName("MEM"), "", (int)grid->n_cols, (int)grid->n_rows, 1,
                     GDT_Float32, NULL);
    double gt[6] = {grid->x_min, grid->cell_m, 0.0, grid->y_max, 0.0, -grid->cell_m};
    GDALSetGeoTransform(mem, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    char *wkt = NULL;
    if (OSRSetFromUserInput(srs, grid->crs) == OGRERR_NONE && OSRExportToWkt(srs, &wkt) ==
                                                                  OGRERR_NONE)
        GDALSetProjection(mem, wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
    GDALRasterBandH band = GDALGetRasterBand(mem, 1);
    GDALSetRasterNoDataValue(band, SENDA_GPKG_NODATA);
    if (grid->units[0])
        GDALSetRasterUnitType(band, grid->units);
    if (GDALRasterIO(band, GF_Write, 0, 0, (int)grid->n_cols, (int)grid->n_rows, buf,
                     (int)grid->n_cols, (int)grid->n_rows, GDT_Float32, 0, 0) != CE_None) {
        st = senda__fail_gdal(ctx, SENDA_ERR_INTERNAL, "cannot fill surface '%s'", table);
        goto done;
    }
    VSIStatBufL sb;
    int exists = VSIStatL(gpkg_path, &sb) == 0;
    char **opts = NULL;
    opts = CSLSetNameValue(opts, "RASTER_TABLE", table);
    if (grid->description[0]) {
        opts = CSLSetNameValue(opts, "RASTER_IDENTIFIER", table);
        opts = CSLSetNameValue(opts, "RASTER_DESCRIPTION", grid->description);
    }
    opts = CSLSetNameValue(opts, "TILE_FORMAT", "TIFF");
    if (exists)
        opts = CSLSetNameValue(opts, "APPEND_SUBDATASET", "YES");
    senda__progress_sub_t sub = senda__progress_sub(progress, progress_arg, 0.0, 1.0);
    CPLErrorReset();
    out = GDALCreateCopy(GDALGetDriverByName("GPKG"), gpkg_path, mem, FALSE, opts,
                         progress ? senda__progress_sub_fn : NULL, &sub);
    CSLDestroy(opts);
    if (!out)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write surface '%s'", gpkg_path,
                              table);
done:
    if (out)
        GDALClose(out);
    if (mem)
        GDALClose(mem);
    senda__free(buf);
    return st;
}

senda_status senda__gpkg_add_field(senda_ctx *ctx, OGRLayerH lyr, const char *layer,
                                   OGRFieldDefnH fd)
{
    OGRErr e = OGR_L_CreateField(lyr, fd, TRUE);
    senda_status st = SENDA_OK;
    if (e != OGRERR_NONE)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot add field '%s' to '%s'",
                              OGR_Fld_GetNameRef(fd), layer);
    OGR_Fld_Destroy(fd);
    return st;
}

senda_status senda__gpkg_fields(senda_ctx *ctx, OGRLayerH lyr, const char *layer,
                                const senda__field *fields, size_t n)
{
    senda_status st = SENDA_OK;
    for (size_t k = 0; k < n && st == SENDA_OK; k++)
        st = senda__gpkg_add_field(ctx, lyr, layer, OGR_Fld_Create(fields[k].name, fields[k].type));
    return st;
}

/* Temporary names. A temporary of final "<dir>/<name>" is
 * "<dir>/.<name>.tmp-senda-<pid>"; a file written beside a temporary (the
 * run's private store, a synthetic CSV, SQLite's journals) extends that name.
 * A writer asked for a temporary of a path that is itself a temporary (the
 * siting layers written into the run's temporary) gets
 * "<dir>/.<name>.tmp-senda-<pid>-<n>", never ".<temporary>.tmp-senda-...":
 * such nesting made hidden "..<name>.tmp-senda-<pid>.tmp-senda-<pid>" copies
 * that the sweep did not recognise. */

/* The length of the original name in base when base is a senda temporary
 * (".<name>.tmp-senda-<digits>..."), else 0. */
static size_t tmp_origin_len(const char *base)
{
    if (base[0] != '.')
        return 0;
    const char *m = strstr(base + 1, ".tmp-senda-");
    if (!m || m == base + 1 || m[11] < '0' || m[11] > '9')
        return 0;
    return (size_t)(m - (base + 1));
}

/* 1 when name is one of the files senda makes beside final_base: one or more
 * leading dots, final_base, then one or more ".tmp-senda-<pid>[-<n>]"
 * segments (each optionally followed by ".store.gpkg", ".synthetic.csv" or
 * ".png"), then optionally a SQLite companion (-journal, -wal, -shm), and
 * every <pid> named is a process that no longer exists. Anything else,
 * including a live process's temporaries, is not ours to remove. */
static int stale_tmp_of(const char *name, const char *final_base)
{
    const char *p = name;
    if (*p != '.')
        return 0;
    while (*p == '.')
        p++;
    size_t blen = strlen(final_base);
    if (strncmp(p, final_base, blen) != 0)
        return 0;
    p += blen;
    int segments = 0;
    while (strncmp(p, ".tmp-senda-", 11) == 0) {
        p += 11;
        char *end = NULL;
        long pid = strtol(p, &end, 10);
        if (end == p || pid <= 0 || *p == '+' || *p == '-')
            return 0;
        if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            return 0; /* ours or alive */
        p = end;
        if (*p == '-' && p[1] >= '0' && p[1] <= '9') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        static const char *const ext[] = {".store.gpkg", ".synthetic.csv", ".png"};
        for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
            if (strncmp(p, ext[i], strlen(ext[i])) == 0) {
                p += strlen(ext[i]);
                break;
            }
        segments++;
    }
    if (!segments)
        return 0;
    return *p == '\0' || strcmp(p, "-journal") == 0 || strcmp(p, "-wal") == 0 ||
           strcmp(p, "-shm") == 0;
}

/* Remove the temporary files of final_path that killed senda processes left
 * behind, whatever their nesting (stale_tmp_of). */
static void sweep_stale_tmp(const char *final_path)
{
    const char *slash = strrchr(final_path, '/');
    char dir[4096], base[1024];
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - final_path), final_path);
    else
        snprintf(dir, sizeof dir, ".");
    if (!dir[0])
        snprintf(dir, sizeof dir, "/");
    snprintf(base, sizeof base, "%s", slash ? slash + 1 : final_path);
    size_t olen = tmp_origin_len(base);
    if (olen)
        memmove(base, base + 1, olen), base[olen] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!stale_tmp_of(e->d_name, base))
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

void senda__tmp_path(const char *final_path, char *tmp, size_t tmp_size)
{
    static int seq; /* temporaries of temporaries within this process */
    sweep_stale_tmp(final_path);
    const char *slash = strrchr(final_path, '/');
    const char *base = slash ? slash + 1 : final_path;
    int dlen = slash ? (int)(slash - final_path) + 1 : 0;
    size_t olen = tmp_origin_len(base);
    if (olen)
        snprintf(tmp, tmp_size, "%.*s.%.*s.tmp-senda-%ld-%d", dlen, final_path, (int)olen,
                 base + 1, (long)getpid(), __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
    else
        snprintf(tmp, tmp_size, "%.*s.%s.tmp-senda-%ld", dlen, final_path, base, (long)getpid());
}

int senda__same_file(const char *in, const char *out)
{
    struct stat a, b;
    if (!in || !out || !in[0] || !out[0])
        return 0;
    if (strcmp(in, out) == 0)
        return 1;
    if (stat(in, &a) != 0)
        return 0;
    if (stat(out, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return 1;
    if (lstat(out, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return 1;
    return 0;
}

senda_status senda__commit_file(senda_ctx *ctx, const char *tmp, const char *final_path)
{
    if (rename(tmp, final_path) != 0) {
        unlink(tmp);
        return senda__fail(ctx, SENDA_ERR_IO, "cannot rename '%s' to '%s'", tmp, final_path);
    }
    return SENDA_OK;
}
