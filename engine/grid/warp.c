/*
 * warp.c - read a raster onto the cells of another grid: GDAL's warper
 * (gdalwarp) reprojects it into the grid's CRS and resamples it onto the
 * grid's extent and cell size, bilinearly (a DEM's value at a cell centre
 * from the four nearest input cells; GDAL's definition, as `gdalwarp -r
 * bilinear`). Cells the input does not cover, or whose input cells are its
 * nodata, are NaN. The result is built in memory (GDAL's MEM driver):
 * O(cells) time and 8 B a cell, plus the warper's working buffers.
 */
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <math.h>
#include <stdio.h>

#include "grid/grid_int.h"

/* gdalwarp's argument list for the target grid `like`. */
static char **warp_args(const senda_grid *like)
{
    char te[4][40], ts[2][24];
    snprintf(te[0], sizeof te[0], "%.17g", like->x_min);
    snprintf(te[1], sizeof te[1], "%.17g", like->y_max - (double)like->n_rows * like->cell_m);
    snprintf(te[2], sizeof te[2], "%.17g", like->x_min + (double)like->n_cols * like->cell_m);
    snprintf(te[3], sizeof te[3], "%.17g", like->y_max);
    snprintf(ts[0], sizeof ts[0], "%zu", like->n_cols);
    snprintf(ts[1], sizeof ts[1], "%zu", like->n_rows);
    char **a = NULL;
    a = CSLAddString(a, "-of");
    a = CSLAddString(a, "MEM");
    a = CSLAddString(a, "-ot");
    a = CSLAddString(a, "Float64");
    a = CSLAddString(a, "-r");
    a = CSLAddString(a, "bilinear");
    a = CSLAddString(a, "-dstnodata");
    a = CSLAddString(a, "nan");
    a = CSLAddString(a, "-t_srs");
    a = CSLAddString(a, like->crs);
    a = CSLAddString(a, "-te");
    for (int k = 0; k < 4; k++)
        a = CSLAddString(a, te[k]);
    a = CSLAddString(a, "-ts");
    a = CSLAddString(a, ts[0]);
    a = CSLAddString(a, ts[1]);
    return a;
}

senda_status senda_grid_read_onto(senda_ctx *ctx, const char *path, const senda_grid *like,
                                  senda_grid **out)
{
    senda__reset(ctx);
    if (out)
        *out = NULL;
    if (!path || !like || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "path, like or out is NULL");
    if (!like->crs[0])
        return senda__fail(ctx, SENDA_ERR_ARG, "the target grid has no CRS");
    GDALDatasetH src = NULL;
    senda_status st = senda__raster_open(ctx, path, &src);
    if (st != SENDA_OK)
        return st;
    char **args = warp_args(like);
    GDALWarpAppOptions *wo = GDALWarpAppOptionsNew(args, NULL);
    CSLDestroy(args);
    GDALDatasetH dst = NULL;
    int usage_error = 0;
    if (!wo)
        st = senda__fail_gdal(ctx, SENDA_ERR_INTERNAL, "bad warp options for '%s'", path);
    else if (!(dst = GDALWarp("", NULL, 1, &src, wo, &usage_error)))
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot resample raster '%s' onto the grid",
                              path);
    if (st == SENDA_OK)
        st = senda_grid_create(ctx, like->n_rows, like->n_cols, like->x_min, like->y_max,
                               like->cell_m, like->crs, 0.0, out);
    if (st == SENDA_OK &&
        GDALRasterIO(GDALGetRasterBand(dst, 1), GF_Read, 0, 0, (int)like->n_cols,
                     (int)like->n_rows, (*out)->data, (int)like->n_cols, (int)like->n_rows,
                     GDT_Float64, 0, 0) != CE_None)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot read the resampled '%s'", path);
    if (st != SENDA_OK && *out) {
        senda_grid_destroy(*out);
        *out = NULL;
    }
    if (wo)
        GDALWarpAppOptionsFree(wo);
    if (dst)
        GDALClose(dst);
    GDALClose(src);
    return st;
}
