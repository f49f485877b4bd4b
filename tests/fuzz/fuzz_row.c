/* fuzz_row.c - whole incident rows: the input is a CSV file (header and rows), read by
 * OGR's CSV driver from /vsimem/ as an import reads a file; columns are detected and each
 * row (at most 64) goes through senda__row_process with the values trimmed and recoded
 * from Latin-1 as import.c does. Rows without coordinates are geocoded against the
 * bundled gazetteer, loaded once. Every row must end accepted, repaired or rejected. */
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <stdio.h>

#include "fuzz.h"
#include "incidents/import_int.h"
#include "io/gazetteer_int.h"

static senda_ctx *ctx;
static senda__gazetteer *gaz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    if (senda_ctx_create(&ctx) != SENDA_OK)
        return 1;
    /* the bundled gazetteer of the source tree (a static link has no library path to find
     * it from); loaded once and kept for the process: no leak per input */
    if (!getenv("SENDA_GAZETTEER"))
        setenv("SENDA_GAZETTEER", SENDA_SOURCE_DIR "/layers/gazetteer/corridor_places.tsv", 1);
    if (senda__gazetteer_open(ctx, NULL, &gaz) != SENDA_OK) {
        fprintf(stderr, "fuzz_row: %s\n", senda_ctx_errmsg(ctx));
        abort();
    }
    return 0;
}

static void rows(OGRLayerH lyr, senda_incidents_import_opts *o)
{
    senda__colmap m;
    memset(&m, 0, sizeof m);
    if (senda__columns_detect(ctx, lyr, o, "fuzz.csv", &m) != SENDA_OK)
        return;
    senda__arena arena = {0};
    senda__rowctx rc = {.opts = o, .map = &m, .gaz = gaz,
                        .today_days = senda__days_from_civil(2026, 1, 1), .arena = &arena,
                        .ctx = ctx};
    const char **vals = calloc((size_t)m.n_fields + 1, sizeof *vals);
    OGRFeatureH f;
    for (int k = 0; vals && k < 64 && (f = OGR_L_GetNextFeature(lyr)) != NULL; k++) {
        for (int i = 0; i < m.n_fields; i++) {
            const char *v = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
            char *recoded = CPLIsUTF8(v, -1) ? NULL : CPLRecode(v, CPL_ENC_ISO8859_1, CPL_ENC_UTF8);
            vals[i] = senda__arena_strndup(ctx, &arena, recoded ? recoded : v,
                                           strlen(recoded ? recoded : v));
            CPLFree(recoded);
        }
        senda__incident r;
        memset(&r, 0, sizeof r);
        if (senda__row_process(&rc, vals, OGR_F_GetGeometryRef(f), &r) == SENDA_OK &&
            r.status != REC_ACCEPTED && r.status != REC_REPAIRED &&
            r.status != REC_REJECTED)
            abort(); /* every row ends in one outcome */
        OGR_F_Destroy(f);
    }
    free(vals);
    senda__arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    static const char path[] = "/vsimem/fuzz_row.csv";
    VSILFILE *fp = VSIFOpenL(path, "wb");
    VSIFWriteL(data, 1, size, fp);
    VSIFCloseL(fp);
    const char *oo[] = {"EMPTY_STRING_AS_NULL=NO", NULL};
    const char *drivers[] = {"CSV", NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, oo, NULL);
    if (ds && GDALDatasetGetLayerCount(ds) > 0) {
        senda_incidents_import_opts o;
        senda_incidents_import_opts_init(&o);
        o.today = "2026-01-01";
        rows(GDALDatasetGetLayer(ds, 0), &o);
    }
    if (ds)
        GDALClose(ds);
    VSIUnlink(path);
    return 0;
}
