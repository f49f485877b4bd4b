/*
 * grid.c - north-up rasters of doubles: create, access, read and write.
 *
 * Memory: 8 bytes a cell, one flat row-major array sized with an overflow
 * check. Nodata is NaN in memory; it is converted once here, at the I/O
 * boundary, from and to the file's nodata value. GeoTIFFs are written to a
 * temporary name beside the target and renamed into place when complete.
 *
 * GeoTIFFs are read and written block by block through the driver
 * (GDALReadBlock / GDALWriteBlock) with one block of buffer, converting
 * and mapping nodata while the block is in cache: GDALRasterIO over the
 * whole raster would first fill GDAL's block cache with a second copy of
 * it (for a 4000 x 4000 Float64 raster, 128 MB more memory to fault in and
 * copy). Other formats go through GDALRasterIO.
 *
 * Grids are not advised as transparent huge pages (MADV_HUGEPAGE): a huge
 * page needs a free 2 MB block, and on a virtual machine whose balloon
 * reports free memory to the host (virtio-balloon free page reporting, as
 * on the project's benchmark machine) those blocks are the ones handed back
 * to the host, so zeroing each costs 512 host page faults: measured on
 * bench/walk (2000 x 2000, three Float64 grids) 1.0-1.3 s of system time
 * with huge pages against 0.08-0.12 s without, for 0.04 s (8 neighbours) to
 * 0.17 s (16) more user time from TLB misses. A search that wants huge
 * pages asks for them on its own arrays (accumulate.c does).
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "grid/grid_int.h"

int senda__grid_same_cells(const senda_grid *a, const senda_grid *b)
{
    return a->n_rows == b->n_rows && a->n_cols == b->n_cols &&
           fabs(a->x_min - b->x_min) <= 1e-6 * a->cell_m &&
           fabs(a->y_max - b->y_max) <= 1e-6 * a->cell_m &&
           fabs(a->cell_m - b->cell_m) <= 1e-9 * a->cell_m;
}

senda_status senda__grid_need_metres(senda_ctx *ctx, const senda_grid *g, const char *what,
                                     const char *reason)
{
    if (!g->crs[0])
        return SENDA_OK;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    int geographic = srs && OSRSetFromUserInput(srs, g->crs) == OGRERR_NONE &&
                     OSRIsGeographic(srs);
    OSRDestroySpatialReference(srs);
    if (!geographic)
        return SENDA_OK;
    /* the UTM zone of the grid's centre, its cells about as fine as the degrees */
    double lon = g->x_min + 0.5 * (double)g->n_cols * g->cell_m;
    double lat = g->y_max - 0.5 * (double)g->n_rows * g->cell_m;
    int zone = (int)floor((lon + 180.0) / 6.0) + 1;
    zone = zone < 1 ? 1 : zone > 60 ? 60 : zone;
    double res = g->cell_m * 111320.0 * cos(lat * M_PI / 180.0);
    res = res >= 1.0 ? floor(res + 0.5) : 1.0;
    return senda__fail(ctx, SENDA_ERR_ARG,
                       "%s has its cells in degrees (a geographic CRS), and %s: reproject it "
                       "to metres first, e.g. gdalwarp -t_srs EPSG:%d -tr %.0f %.0f -r bilinear "
                       "IN.tif OUT_utm.tif (UTM zone %d%s holds its centre)",
                       what, reason, lat >= 0.0 ? 32600 + zone : 32700 + zone, res, res, zone,
                       lat >= 0.0 ? "N" : "S");
}

senda_status senda_grid_create(senda_ctx *ctx, size_t n_rows, size_t n_cols, double x_min,
                               double y_max, double cell_m, const char *crs, double fill,
                               senda_grid **out)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    if (n_rows == 0 || n_cols == 0)
        return senda__fail(ctx, SENDA_ERR_ARG, "grid size must be > 0, got %zu x %zu", n_rows,
                           n_cols);
    if (!(cell_m > 0.0) || !isfinite(cell_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "cell size must be > 0, got %g", cell_m);
    senda_grid *g = senda__calloc(ctx, 1, sizeof *g);
    if (!g)
        return SENDA_ERR_NOMEM;
    g->data = senda__calloc2(ctx, n_rows, n_cols * sizeof(double));
    if (!g->data) {
        senda__free(g);
        return SENDA_ERR_NOMEM;
    }
    /* no MADV_HUGEPAGE here: see the file header */
    g->n_rows = n_rows;
    g->n_cols = n_cols;
    g->x_min = x_min;
    g->y_max = y_max;
    g->cell_m = cell_m;
    senda__strlcpy(g->crs, crs ? crs : "", sizeof g->crs);
    if (fill != 0.0) {
        size_t n = n_rows * n_cols;
        for (size_t i = 0; i < n; i++)
            g->data[i] = fill;
    }
    *out = g;
    return SENDA_OK;
}

senda_status senda__grid_like(senda_ctx *ctx, const senda_grid *g, double v, senda_grid **out)
{
    return senda_grid_create(ctx, g->n_rows, g->n_cols, g->x_min, g->y_max, g->cell_m, g->crs, v,
                             out);
}

void senda_grid_destroy(senda_grid *grid)
{
    if (!grid)
        return;
    senda__free(grid->data);
    senda__free(grid);
}

size_t senda_grid_n_rows(const senda_grid *g) { return g->n_rows; }
size_t senda_grid_n_cols(const senda_grid *g) { return g->n_cols; }
double senda_grid_cell_m(const senda_grid *g) { return g->cell_m; }
double senda_grid_x_min(const senda_grid *g) { return g->x_min; }
double senda_grid_y_max(const senda_grid *g) { return g->y_max; }
const char *senda_grid_crs(const senda_grid *g) { return g->crs; }
double *senda_grid_data(senda_grid *g) { return g->data; }
const double *senda_grid_cdata(const senda_grid *g) { return g->data; }
const char *senda_grid_units(const senda_grid *g) { return g->units; }
const char *senda_grid_description(const senda_grid *g) { return g->description; }

senda_status senda_grid_set_units(senda_ctx *ctx, senda_grid *grid, const char *units,
                                  const char *description)
{
    senda__reset(ctx);
    if (!grid)
        return senda__fail(ctx, SENDA_ERR_ARG, "grid is NULL");
    senda__strlcpy(grid->units, units ? units : "", sizeof grid->units);
    senda__strlcpy(grid->description, description ? description : "", sizeof grid->description);
    return SENDA_OK;
}

/* The file's nodata value, turned into NaN in memory. */
typedef struct {
    int has;
    double value;
} nodata_map;

static void map_nodata(const nodata_map *nd, double *v, size_t n)
{
    if (!nd->has)
        return;
    for (size_t i = 0; i < n; i++)
        if (v[i] == nd->value || (isnan(nd->value) && isnan(v[i]))) /* exact: a sentinel */
            v[i] = (double)NAN;
}

static int is_gtiff(GDALDatasetH ds)
{
    GDALDriverH drv = GDALGetDatasetDriver(ds);
    return drv && strcmp(GDALGetDriverShortName(drv), "GTiff") == 0;
}

/* Visit band's blocks, each with its size inside the raster: the block
 * buffer buf (of the band's block size and type) and the window of the
 * grid it covers. fn returns SENDA_OK or stops the walk. */
typedef senda_status (*block_fn)(senda_ctx *ctx, GDALRasterBandH band, int xb, int yb,
                                 void *buf, GDALDataType type, double *grid_at, size_t stride,
                                 int w, int h, int block_w, void *arg);

static senda_status for_blocks(senda_ctx *ctx, GDALRasterBandH band, GDALDataType type,
                               double *data, size_t n_rows, size_t n_cols, block_fn fn,
                               void *arg)
{
    int bw = 0, bh = 0;
    GDALGetBlockSize(band, &bw, &bh);
    if (bw <= 0 || bh <= 0)
        return SENDA_ERR_IO;
    void *buf = senda__calloc2(ctx, (size_t)bh, (size_t)bw * (size_t)GDALGetDataTypeSizeBytes(type));
    if (!buf)
        return SENDA_ERR_NOMEM;
    senda_status st = SENDA_OK;
    for (size_t y0 = 0; st == SENDA_OK && y0 < n_rows; y0 += (size_t)bh)
        for (size_t x0 = 0; st == SENDA_OK && x0 < n_cols; x0 += (size_t)bw) {
            int w = (int)(n_cols - x0 < (size_t)bw ? n_cols - x0 : (size_t)bw);
            int h = (int)(n_rows - y0 < (size_t)bh ? n_rows - y0 : (size_t)bh);
            st = fn(ctx, band, (int)(x0 / (size_t)bw), (int)(y0 / (size_t)bh), buf, type,
                    data + y0 * n_cols + x0, n_cols, w, h, bw, arg);
        }
    senda__free(buf);
    return st;
}

static senda_status read_block(senda_ctx *ctx, GDALRasterBandH band, int xb, int yb, void *buf,
                               GDALDataType type, double *grid_at, size_t stride, int w, int h,
                               int block_w, void *arg)
{
    (void)ctx;
    if (GDALReadBlock(band, xb, yb, buf) != CE_None)
        return SENDA_ERR_IO;
    int size = GDALGetDataTypeSizeBytes(type);
    for (int r = 0; r < h; r++) {
        double *row = grid_at + (size_t)r * stride;
        GDALCopyWords((char *)buf + (size_t)r * (size_t)block_w * (size_t)size, type, size, row,
                      GDT_Float64, (int)sizeof(double), w);
        map_nodata(arg, row, (size_t)w);
    }
    return SENDA_OK;
}

/* The block of the grid at grid_at into the file; the part of an edge
 * block outside the raster is nodata. */
static senda_status write_block(senda_ctx *ctx, GDALRasterBandH band, int xb, int yb, void *buf,
                                GDALDataType type, double *grid_at, size_t stride, int w, int h,
                                int block_w, void *arg)
{
    (void)ctx;
    (void)arg;
    int size = GDALGetDataTypeSizeBytes(type), bw = 0, bh = 0;
    GDALGetBlockSize(band, &bw, &bh);
    if (w < bw || h < bh) {
        double nan = (double)NAN;
        GDALCopyWords(&nan, GDT_Float64, 0, buf, type, size, bw * bh);
    }
    for (int r = 0; r < h; r++)
        GDALCopyWords(grid_at + (size_t)r * stride, GDT_Float64, (int)sizeof(double),
                      (char *)buf + (size_t)r * (size_t)block_w * (size_t)size, type, size, w);
    return GDALWriteBlock(band, xb, yb, buf) == CE_None ? SENDA_OK : SENDA_ERR_IO;
}

senda_status senda__raster_open(senda_ctx *ctx, const char *path, GDALDatasetH *ds)
{
    senda__gdal_register();
    CPLErrorReset();
    *ds = GDALOpen(path, GA_ReadOnly);
    if (!*ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot open raster '%s'", path);
    return SENDA_OK;
}

senda_status senda_grid_read(senda_ctx *ctx, const char *path, senda_grid **out)
{
    senda__reset(ctx);
    if (!path || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "path or out is NULL");
    *out = NULL;
    GDALDatasetH ds = NULL;
    senda_status st = senda__raster_open(ctx, path, &ds);
    if (st != SENDA_OK)
        return st;
    double gt[6];
    if (GDALGetGeoTransform(ds, gt) != CE_None || fabs(gt[2]) > 0.0 || fabs(gt[4]) > 0.0 ||
        gt[5] >= 0.0 || fabs(gt[1] + gt[5]) > 1e-9 * gt[1]) {
        st = senda__fail(ctx, SENDA_ERR_DATA,
                         "raster '%s' must be north-up with square cells and a geotransform",
                         path);
        goto done;
    }
    size_t n_cols = (size_t)GDALGetRasterXSize(ds), n_rows = (size_t)GDALGetRasterYSize(ds);
    const char *wkt = GDALGetProjectionRef(ds);
    st = senda_grid_create(ctx, n_rows, n_cols, gt[0], gt[3], gt[1], wkt, 0.0, out);
    if (st != SENDA_OK)
        goto done;
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    int has_nodata = 0;
    double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
    nodata_map nd = {has_nodata, nodata};
    GDALDataType type = GDALGetRasterDataType(band);
    if (is_gtiff(ds) && !GDALDataTypeIsComplex(type)) /* complex: RasterIO takes the real part */
        st = for_blocks(ctx, band, type, (*out)->data, n_rows, n_cols, read_block, &nd);
    else if (GDALRasterIO(band, GF_Read, 0, 0, (int)n_cols, (int)n_rows, (*out)->data,
                          (int)n_cols, (int)n_rows, GDT_Float64, 0, 0) != CE_None)
        st = SENDA_ERR_IO;
    else
        for (size_t r = 0; r < n_rows; r++)
            map_nodata(&nd, (*out)->data + r * n_cols, n_cols);
    if (st == SENDA_ERR_IO)
        senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot read raster '%s'", path);
done:
    if (st != SENDA_OK && *out) {
        senda_grid_destroy(*out);
        *out = NULL;
    }
    GDALClose(ds);
    return st;
}

void senda_grid_tiff_opts_init(senda_grid_tiff_opts *o)
{
    if (o)
        memset(o, 0, sizeof *o);
}

senda_status senda_grid_write_tiff(senda_ctx *ctx, const senda_grid *grid, const char *path,
                                   const senda_grid_tiff_opts *o)
{
    senda_grid_tiff_opts dflt;
    senda_grid_tiff_opts_init(&dflt);
    if (!o)
        o = &dflt;
    int float64 = o->float64;
    const char *const *creation_options = o->creation_options;
    senda__reset(ctx);
    if (!grid || !path)
        return senda__fail(ctx, SENDA_ERR_ARG, "grid or path is NULL");
    senda__gdal_register();
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-senda.tif", path);
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    char *opts[] = {"COMPRESS=DEFLATE", "TILED=YES", "BIGTIFF=IF_SAFER", NULL};
    CPLErrorReset();
    GDALDatasetH ds = GDALCreate(drv, tmp, (int)grid->n_cols, (int)grid->n_rows, 1,
                                 float64 ? GDT_Float64 : GDT_Float32,
                                 creation_options ? (char **)(uintptr_t)creation_options : opts);
    if (!ds) {
        senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create it", path);
        VSIUnlink(tmp);
        return SENDA_ERR_IO;
    }
    double gt[6] = {grid->x_min, grid->cell_m, 0.0, grid->y_max, 0.0, -grid->cell_m};
    GDALSetGeoTransform(ds, gt);
    if (grid->crs[0]) {
        OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(srs, grid->crs) == OGRERR_NONE) {
            char *wkt = NULL;
            OSRExportToWkt(srs, &wkt);
            GDALSetProjection(ds, wkt);
            CPLFree(wkt);
        }
        OSRDestroySpatialReference(srs);
    }
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(band, (double)NAN);
    if (grid->units[0])
        GDALSetRasterUnitType(band, grid->units);
    if (grid->description[0])
        GDALSetDescription(band, grid->description);
    senda_status st = for_blocks(ctx, band, GDALGetRasterDataType(band), grid->data,
                                 grid->n_rows, grid->n_cols, write_block, NULL);
    if (st == SENDA_ERR_IO)
        senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write it", path);
    if ((st = senda__gdal_close(ctx, ds, path, st)) != SENDA_OK) {
        VSIUnlink(tmp);
        return st;
    }
    if (VSIRename(tmp, path) != 0) {
        VSIUnlink(tmp);
        return senda__fail(ctx, SENDA_ERR_IO, "cannot rename '%s' to '%s'", tmp, path);
    }
    return SENDA_OK;
}
