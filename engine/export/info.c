/*
 * info.c - what a product holds, for `senda info`: its feature tables and
 * coverages (with counts, units, value ranges and the renderer of each
 * default style), the name of the embedded QGIS project and the recorded
 * provenance and scenario text. Reads only; O(tables + features counted by
 * the R*Tree-less COUNT(*) GDAL runs).
 */
#include <stdio.h>
#include <string.h>

#include <cpl_error.h>
#include <ogr_api.h>

#include "export/export_int.h"

/* The first column of the first row of sql, copied (NULL when none). */
static char *first_text(senda_ctx *ctx, GDALDatasetH ds, const char *sql)
{
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    CPLPopErrorHandler();
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    char *out = NULL;
    if (f && OGR_F_IsFieldSetAndNotNull(f, 0))
        out = senda__strdup(ctx, OGR_F_GetFieldAsString(f, 0));
    if (f)
        OGR_F_Destroy(f);
    if (r)
        GDALDatasetReleaseResultSet(ds, r);
    return out;
}

static void fill_layer(senda_export_product_layer *l, const senda__table *t)
{
    snprintf(l->name, sizeof l->name, "%s", t->name);
    snprintf(l->title, sizeof l->title, "%s", t->title);
    l->coverage = t->raster;
    l->n_features = t->raster ? -1 : t->n_features;
    if (!t->raster) {
        const char *g = OGRGeometryTypeToName(wkbFlatten(t->geom_type));
        size_t o = 0;
        for (; *g && o + 1 < sizeof l->geometry; g++)
            if (*g != ' ')
                l->geometry[o++] = *g;
        l->geometry[o] = '\0';
    }
    snprintf(l->units, sizeof l->units, "%s", t->units);
    l->min = t->min;
    l->max = t->max;
}

senda_status senda_export_product_describe(senda_ctx *ctx, const char *gpkg_path,
                                    senda_export_product_desc **out)
{
    senda__reset(ctx);
    if (!gpkg_path || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path or out is NULL");
    *out = NULL;
    senda__table *t = senda__calloc(ctx, 64, sizeof *t);
    senda_export_product_desc *d = senda__calloc(ctx, 1, sizeof *d);
    GDALDatasetH ds = NULL;
    size_t n = 0;
    senda_status st = !t || !d ? SENDA_ERR_NOMEM : senda__product_tables(ctx, gpkg_path, t, 64,
                                                                          &n);
    if (st != SENDA_OK)
        goto done;
    if (n && !(d->layers = senda__calloc(ctx, n, sizeof *d->layers))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    ds = GDALOpenEx(gpkg_path, GDAL_OF_VECTOR | GDAL_OF_RASTER, NULL, NULL, NULL);
    if (!ds) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open", gpkg_path);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        fill_layer(&d->layers[i], &t[i]);
        char sql[400], *qml;
        snprintf(sql, sizeof sql, "SELECT substr(styleQML, instr(styleQML, 'type=\"') + 6, 40) "
                 "FROM layer_styles WHERE f_table_name = '%s' AND useAsDefault", t[i].name);
        if ((qml = first_text(ctx, ds, sql)) != NULL) {
            snprintf(d->layers[i].style, sizeof d->layers[i].style, "%.*s",
                     (int)strcspn(qml, "\""), qml);
            senda__free(qml);
        }
    }
    d->n_layers = n;
    char *project = first_text(ctx, ds, "SELECT name FROM qgis_projects LIMIT 1");
    if (project) {
        snprintf(d->project, sizeof d->project, "%s", project);
        const char *base = strrchr(gpkg_path, '/');
        base = base ? base + 1 : gpkg_path;
        if (senda__project_target(ctx, gpkg_path, d->project_target, sizeof d->project_target) ==
            SENDA_OK)
            d->project_elsewhere = d->project_target[0] && strcmp(d->project_target, base) != 0;
    }
    senda__free(project);
    d->provenance = first_text(ctx, ds, "SELECT metadata FROM gpkg_metadata WHERE "
                               "md_standard_uri = 'urn:senda:provenance:1' ORDER BY id DESC");
    d->scenario_text = first_text(ctx, ds, "SELECT metadata FROM gpkg_metadata WHERE "
                                  "md_standard_uri = 'urn:senda:scenario:1' ORDER BY id DESC");
done:
    if (ds)
        GDALClose(ds);
    senda__free(t);
    if (st != SENDA_OK)
        senda_export_product_desc_destroy(d);
    else
        *out = d;
    return st;
}

void senda_export_product_desc_destroy(senda_export_product_desc *desc)
{
    if (!desc)
        return;
    senda__free(desc->layers);
    senda__free(desc->provenance);
    senda__free(desc->scenario_text);
    senda__free(desc);
}
