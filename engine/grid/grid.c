/*
 * grid.c - north-up rasters of doubles: create, access, read and write.
 *
 * Memory: 8 bytes a cell, one flat row-major array sized with an overflow
 * check. Nodata is NaN in memory; it is converted once here, at the I/O
 * boundary, from and to the file's nodata value. GeoTIFFs are written to a
 * temporary name beside the target and renamed into place when complete.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "grid/grid_int.h"

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
    senda__advise_huge(g->data, n_rows * n_cols * sizeof(double), 0);
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

senda_status senda__raster_open(senda_ctx *ctx, const char *path, GDALDatasetH *ds)
{
    GDALAllRegister();
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
    if (GDALRasterIO(band, GF_Read, 0, 0, (int)n_cols, (int)n_rows, (*out)->data, (int)n_cols,
                     (int)n_rows, GDT_Float64, 0, 0) != CE_None) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot read raster '%s'", path);
        goto done;
    }
    if (has_nodata) {
        size_t n = n_rows * n_cols;
        for (size_t i = 0; i < n; i++) {
            double v = (*out)->data[i];
            if (v == nodata || (isnan(nodata) && isnan(v))) /* exact: nodata is a sentinel */
                (*out)->data[i] = (double)NAN;
        }
    }
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
    GDALAllRegister();
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
    CPLErr err = GDALRasterIO(band, GF_Write, 0, 0, (int)grid->n_cols, (int)grid->n_rows,
                              grid->data, (int)grid->n_cols, (int)grid->n_rows, GDT_Float64, 0,
                              0);
    senda_status st = err == CE_None ? SENDA_OK
                                     : senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot write it",
                                                        path);
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
