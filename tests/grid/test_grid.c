/*
 * test_grid.c - grid.c's GeoTIFF reading and writing, which go block by
 * block through the driver: values, nodata and the edge blocks must come
 * out as GDALRasterIO over the whole raster gives them (the oracle here).
 */
#include <criterion/criterion.h>
#include <gdal.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "senda.h"

/* A 300 x 517 grid (neither a multiple of 256: partial edge tiles) of
 * distinct values with NaN holes. */
static senda_grid *odd_grid(senda_ctx *ctx)
{
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_create(ctx, 300, 517, 400000.0, 1800000.0, 30.0, "EPSG:32615", 0.0,
                                   &g),
                 SENDA_OK);
    double *d = senda_grid_data(g);
    for (size_t i = 0; i < 300 * 517; i++)
        d[i] = i % 97 == 5 ? NAN : (double)i * 0.1 + 1.0 / 3.0;
    return g;
}

/* The file's band 1 by GDALRasterIO, as doubles, nodata left as stored. */
static double *rasterio(const char *path, int *has_nodata, double *nodata)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    cr_assert_not_null(ds);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    int nx = GDALGetRasterXSize(ds), ny = GDALGetRasterYSize(ds);
    double *v = malloc((size_t)nx * (size_t)ny * sizeof *v);
    cr_assert_eq(GDALRasterIO(b, GF_Read, 0, 0, nx, ny, v, nx, ny, GDT_Float64, 0, 0), CE_None);
    *nodata = GDALGetRasterNoDataValue(b, has_nodata);
    GDALClose(ds);
    return v;
}

Test(grid, tiff_round_trip_keeps_every_cell_and_edge_block)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = odd_grid(ctx), *back = NULL;
    char path[] = "/tmp/senda-grid-XXXXXX.tif";
    close(mkstemps(path, 4));
    const char *co[] = {"COMPRESS=ZSTD", "TILED=YES", "NUM_THREADS=2", NULL};
    senda_grid_tiff_opts o;
    senda_grid_tiff_opts_init(&o);
    o.float64 = 1;
    o.creation_options = co;
    cr_assert_eq(senda_grid_write_tiff(ctx, g, path, &o), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    int has_nd = 0;
    double nd = 0.0, *ref = rasterio(path, &has_nd, &nd);
    cr_assert(has_nd && isnan(nd), "nodata is NaN");
    cr_assert_eq(senda_grid_read(ctx, path, &back), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    const double *a = senda_grid_cdata(g), *b = senda_grid_cdata(back);
    for (size_t i = 0; i < 300 * 517; i++) {
        if (isnan(a[i])) {
            cr_assert(isnan(b[i]) && isnan(ref[i]), "cell %zu stays nodata", i);
            continue;
        }
        /* exact: Float64 written and read back */
        cr_assert(b[i] == a[i] && ref[i] == a[i], "cell %zu: %.17g, %.17g", i, b[i], a[i]);
    }
    free(ref);
    senda_grid_destroy(back);
    /* Float32 output: each value rounded to float, as GDALRasterIO would */
    o.float64 = 0;
    cr_assert_eq(senda_grid_write_tiff(ctx, g, path, &o), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_grid_read(ctx, path, &back), SENDA_OK);
    b = senda_grid_cdata(back);
    for (size_t i = 0; i < 300 * 517; i++)
        cr_assert(isnan(a[i]) ? isnan(b[i]) : b[i] == (double)(float)a[i], "cell %zu", i);
    senda_grid_destroy(back);
    unlink(path);
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
}

Test(grid, reads_int16_strips_with_a_nodata_value)
{
    /* An Int16 GeoTIFF in strips of 7 rows (the last one partial), nodata
     * -32768, written by GDAL directly. */
    char path[] = "/tmp/senda-grid-XXXXXX.tif";
    close(mkstemps(path, 4));
    GDALAllRegister();
    char *co[] = {"TILED=NO", "BLOCKYSIZE=7", NULL};
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, 45, 30, 1, GDT_Int16, co);
    cr_assert_not_null(ds);
    double gt[6] = {500000.0, 10.0, 0.0, 1700000.0, 0.0, -10.0};
    GDALSetGeoTransform(ds, gt);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(band, -32768.0);
    short v[30 * 45];
    for (int i = 0; i < 30 * 45; i++)
        v[i] = (short)(i % 11 == 3 ? -32768 : i - 600);
    cr_assert_eq(GDALRasterIO(band, GF_Write, 0, 0, 45, 30, v, 45, 30, GDT_Int16, 0, 0),
                 CE_None);
    GDALClose(ds);
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda_grid *g = NULL;
    cr_assert_eq(senda_grid_read(ctx, path, &g), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_grid_n_rows(g), 30);
    cr_assert_eq(senda_grid_n_cols(g), 45);
    const double *d = senda_grid_cdata(g);
    for (int i = 0; i < 30 * 45; i++)
        cr_assert(v[i] == -32768 ? isnan(d[i]) : d[i] == (double)v[i], "cell %d: %g, want %d", i,
                  d[i], v[i]);
    senda_grid_destroy(g);
    senda_ctx_destroy(ctx);
    unlink(path);
}
