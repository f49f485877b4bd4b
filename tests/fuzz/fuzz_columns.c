/* fuzz_columns.c - column detection: the input is the header line of a CSV file (English
 * or Spanish names, accents, Latin-1, "lat, lon" columns), read by OGR's CSV driver from
 * /vsimem/ as an import reads a file, then senda__columns_detect. */
#include <cpl_vsi.h>
#include <gdal.h>

#include "fuzz.h"
#include "incidents/import_int.h"

static senda_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return senda_ctx_create(&ctx) != SENDA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096 || memchr(data, '\n', size))
        return 0; /* one header line */
    static const char path[] = "/vsimem/fuzz_columns.csv";
    VSILFILE *fp = VSIFOpenL(path, "wb");
    VSIFWriteL(data, 1, size, fp);
    VSIFWriteL("\n1,2,3\n", 1, 7, fp);
    VSIFCloseL(fp);
    const char *oo[] = {"EMPTY_STRING_AS_NULL=NO", NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, oo, NULL);
    if (ds && GDALDatasetGetLayerCount(ds) > 0) {
        senda_incidents_import_opts o;
        senda_incidents_import_opts_init(&o);
        senda__colmap m;
        memset(&m, 0, sizeof m);
        if (senda__columns_detect(ctx, GDALDatasetGetLayer(ds, 0), &o, path, &m) == SENDA_OK &&
            (m.lat >= m.n_fields || m.lon >= m.n_fields || m.date >= m.n_fields ||
             m.type >= m.n_fields || m.coords >= m.n_fields))
            abort(); /* a detected column exists */
    }
    if (ds)
        GDALClose(ds);
    VSIUnlink(path);
    return 0;
}
