/*
 * cells_io.c - the Gi* cells' input and output: the study-area polygons
 * that select cells (a cell belongs when its centre is inside, GEOS
 * prepared-geometry containment after reprojecting the layer with OGR/PROJ),
 * and the `hotspot_cells` polygon layer written into a GeoPackage with the
 * ArcGIS field names (count, weight, GiZScore, GiPValue, Gi_Bin, NNeighbors,
 * senda's single_event, and GiPseudoP with permutations); the layer's
 * description (gpkg_contents) says what was counted and how many incidents. Only cells of the statistic's set are
 * written; an undefined z is written as NULL.
 * Complexity: O(cells in each polygon's envelope * log vertices) for the
 * study area; O(cells) features written in one transaction: the layer is
 * made by OGR without a spatial index, the cells inserted by one prepared
 * SQLite statement with GeoPackage geometry blobs built here (OGR feature by
 * feature took ~45 us a cell), then GDAL's CreateSpatialIndex fills the
 * R-tree in one pass.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <math.h>
#include <stdio.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>
#include <string.h>

#include "io/gpkg_int.h"
#include "io/io_int.h"
#include "hotspot/hotspot_int.h"

/* Mark the cells whose centre is inside geometry g (OGR, already in the lattice's CRS). */
static senda_status mark_inside(senda_ctx *ctx, const senda__lattice *l, OGRGeometryH g,
                                unsigned char *in_set)
{
    GEOSGeometry *gg = NULL;
    senda_status st = senda__geos_from_ogr(ctx, g, &gg);
    if (st == SENDA_ERR_GEOM)
        return senda__fail(ctx, SENDA_ERR_GEOM, "GEOS: cannot read a study-area polygon");
    if (st != SENDA_OK)
        return st;
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(ctx->geos, gg);
    OGREnvelope env;
    OGR_G_GetEnvelope(g, &env);
    for (size_t r = 0; r < l->n_rows; r++)
        for (size_t c = 0; c < l->n_cols; c++) {
            double x, y;
            senda__lattice_centre(l, r, c, &x, &y);
            if (x < env.MinX || x > env.MaxX || y < env.MinY || y > env.MaxY)
                continue;
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
            if (pt && GEOSPreparedContains_r(ctx->geos, pg, pt) == 1)
                in_set[r * l->n_cols + c] = 1;
            GEOSGeom_destroy_r(ctx->geos, pt);
        }
    GEOSPreparedGeom_destroy_r(ctx->geos, pg);
    GEOSGeom_destroy_r(ctx->geos, gg);
    return SENDA_OK;
}

senda_status senda__hotspot_study_area(senda_ctx *ctx, const senda__lattice *l, const char *crs,
                                       const char *path, unsigned char *in_set)
{
    memset(in_set, 0, l->n_rows * l->n_cols);
    GDALDatasetH ds = NULL;
    senda_status st = senda__vector_open(ctx, path, "the study area", &ds);
    if (st != SENDA_OK)
        return st;
    OGRSpatialReferenceH dst = NULL;
    OGRCoordinateTransformationH ct = NULL;
    OGRLayerH lyr = GDALDatasetGetLayerCount(ds) ? GDALDatasetGetLayer(ds, 0) : NULL;
    OGRSpatialReferenceH src = lyr ? OGR_L_GetSpatialRef(lyr) : NULL;
    if (!lyr) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: no layer", path);
        goto done;
    }
    if (src && crs && crs[0]) {
        dst = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(dst, crs) != OGRERR_NONE) {
            st = senda__fail(ctx, SENDA_ERR_CRS, "PROJ: cannot understand CRS '%s'", crs);
            goto done;
        }
        OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
        OGRSpatialReferenceH s2 = OSRClone(src);
        OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
        if (!OSRIsSame(s2, dst))
            ct = OCTNewCoordinateTransformation(s2, dst);
        OSRDestroySpatialReference(s2);
    }
    OGRFeatureH f;
    size_t n_poly = 0;
    OGR_L_ResetReading(lyr);
    while (st == SENDA_OK && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
        if (t == wkbPolygon || t == wkbMultiPolygon) {
            if (ct && OGR_G_Transform(g, ct) != OGRERR_NONE)
                st = senda__fail(ctx, SENDA_ERR_CRS, "%s: PROJ cannot reproject a polygon", path);
            else
                st = mark_inside(ctx, l, g, in_set);
            n_poly++;
        }
        OGR_F_Destroy(f);
    }
    if (st == SENDA_OK && n_poly == 0)
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: the study area holds no polygon", path);
done:
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (dst)
        OSRDestroySpatialReference(dst);
    GDALClose(ds);
    return st;
}

void senda__hotspot_cells_description(const senda_hotspot_gistar_result *r, char *out, size_t n)
{
    snprintf(out, n, "Getis-Ord Gi* of %s: %zu incidents in the study area (%zu left out, "
             "outside it), band %g m; %zu hot cells (Gi_Bin > 0: 90, 95 or 99 %% confidence), "
             "%zu cold; %zu more hot cells resting on a single incident (single_event = 1) not "
             "counted as hot", r->counted, r->n_points_in, r->n_points_outside, r->band_m,
             r->n_hot, r->n_cold, r->n_hot_single);
}

senda_status senda_hotspot_mask_study_area(senda_ctx *ctx, senda_grid *grid,
                                           const char *path, size_t *n_masked)
{
    senda__reset(ctx);
    if (!grid || !path)
        return senda__fail(ctx, SENDA_ERR_ARG, "grid or study-area path is NULL");
    senda_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.x_min = grid->x_min;
    spec.y_max = grid->y_max;
    spec.cell_m = grid->cell_m;
    spec.x_max = grid->x_min + (double)grid->n_cols * grid->cell_m;
    spec.y_min = grid->y_max - (double)grid->n_rows * grid->cell_m;
    spec.shape = SENDA_CELLS_SQUARE;
    snprintf(spec.crs, sizeof spec.crs, "%s", grid->crs);
    senda__lattice l;
    senda_status st = senda__lattice_from_spec(ctx, &spec, &l);
    if (st != SENDA_OK)
        return st;
    if (l.n_rows != grid->n_rows || l.n_cols != grid->n_cols)
        return senda__fail(ctx, SENDA_ERR_INTERNAL, "lattice %zu x %zu for a grid %zu x %zu",
                           l.n_rows, l.n_cols, grid->n_rows, grid->n_cols);
    unsigned char *in = senda__calloc2(ctx, grid->n_rows, grid->n_cols);
    if (!in)
        return SENDA_ERR_NOMEM;
    size_t n = 0;
    if ((st = senda__hotspot_study_area(ctx, &l, grid->crs, path, in)) == SENDA_OK)
        for (size_t i = 0; i < grid->n_rows * grid->n_cols; i++)
            if (!in[i] && !isnan(grid->data[i])) {
                grid->data[i] = (double)NAN;
                n++;
            }
    senda__free(in);
    if (n_masked)
        *n_masked = n;
    return st;
}

void *senda__hotspot_cell_polygon(const senda__lattice *l, size_t row, size_t col)
{
    double xs[7], ys[7];
    int n = senda__lattice_outline(l, row, col, xs, ys);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int k = 0; k < n; k++)
        OGR_G_AddPoint_2D(ring, xs[k], ys[k]);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

/* The GeoPackage geometry blob of a square or hexagonal cell (GeoPackage
 * 1.3, clause 2.1.3: "GP", version 0, flags = little endian + xy envelope,
 * srs_id, envelope minx maxx miny maxy, then little-endian WKB Polygon). */
static size_t cell_blob(const senda__lattice *l, size_t row, size_t col, int32_t srs_id,
                        unsigned char *b, double env[4])
{
    double xs[7], ys[7];
    uint32_t n = (uint32_t)senda__lattice_outline(l, row, col, xs, ys), type = 3, rings = 1;
    env[0] = env[2] = xs[0];
    env[1] = env[3] = ys[0];
    for (uint32_t k = 1; k < n; k++) {
        env[0] = fmin(env[0], xs[k]);
        env[1] = fmin(env[1], ys[k]);
        env[2] = fmax(env[2], xs[k]);
        env[3] = fmax(env[3], ys[k]);
    }
    const double e[4] = {env[0], env[2], env[1], env[3]};
    size_t o = 0;
    b[o++] = 'G';
    b[o++] = 'P';
    b[o++] = 0;
    b[o++] = 0x03; /* little endian, envelope [minx, maxx, miny, maxy] */
    memcpy(b + o, &srs_id, 4), o += 4;
    memcpy(b + o, e, sizeof e), o += sizeof e;
    b[o++] = 1; /* WKB little endian (the host order on every supported platform) */
    memcpy(b + o, &type, 4), o += 4;
    memcpy(b + o, &rings, 4), o += 4;
    memcpy(b + o, &n, 4), o += 4;
    for (uint32_t k = 0; k < n; k++) {
        memcpy(b + o, &xs[k], 8), o += 8;
        memcpy(b + o, &ys[k], 8), o += 8;
    }
    return o;
}

/* The layer's triggers (GDAL's spatial-index triggers call GDAL's SQL
 * functions, absent from a plain SQLite connection): their SQL is kept and
 * they are dropped while the rows go in, then made again. */
typedef struct triggers {
    char *sql[16];
    size_t n;
} triggers;

static senda_status drop_triggers(senda_ctx *ctx, sqlite3 *db, const char *path, triggers *t)
{
    sqlite3_stmt *q = NULL;
    senda_status st = SENDA_OK;
    if (sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                               "tbl_name = 'hotspot_cells'", -1, &q, NULL) != SQLITE_OK)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s", path, sqlite3_errmsg(db));
    char *drops[16];
    size_t n_drop = 0;
    while (sqlite3_step(q) == SQLITE_ROW && t->n < 16) {
        t->sql[t->n++] = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(q, 1));
        drops[n_drop++] = sqlite3_mprintf("DROP TRIGGER \"%w\"", sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    for (size_t k = 0; k < n_drop; k++) {
        if (st == SENDA_OK && sqlite3_exec(db, drops[k], NULL, NULL, NULL) != SQLITE_OK)
            st = senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s", path, sqlite3_errmsg(db));
        sqlite3_free(drops[k]);
    }
    return st;
}

static senda_status set_feature_count(senda_ctx *ctx, sqlite3 *db, const char *path, size_t n)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'",
                           -1, &q, NULL) != SQLITE_OK)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s", path, sqlite3_errmsg(db));
    int has = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    if (!has)
        return SENDA_OK;
    int ok = sqlite3_prepare_v2(db, "UPDATE gpkg_ogr_contents SET feature_count = ? WHERE "
                                    "table_name = 'hotspot_cells'", -1, &q, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(q, 1, (sqlite3_int64)n);
        ok = sqlite3_step(q) == SQLITE_DONE;
    }
    sqlite3_finalize(q);
    return ok ? SENDA_OK
              : senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s", path, sqlite3_errmsg(db));
}

/* The packed R-tree of the written cells, tile by tile (16 x 16 cells). */
static senda_status pack_index(senda_ctx *ctx, sqlite3 *db, const senda__lattice *l,
                               const senda_hotspot_gistar_result *r, const int64_t *ids,
                               double (*box)[4])
{
    int64_t *tid = senda__calloc(ctx, r->n_in_set ? r->n_in_set : 1, sizeof *tid);
    double *tbox = tid ? senda__calloc(ctx, r->n_in_set ? r->n_in_set : 1, 4 * sizeof *tbox)
                       : NULL;
    if (!tbox) {
        senda__free(tid);
        return SENDA_ERR_NOMEM;
    }
    size_t m = 0;
    for (size_t r0 = 0; r0 < l->n_rows; r0 += 16)
        for (size_t c0 = 0; c0 < l->n_cols; c0 += 16)
            for (size_t row = r0; row < r0 + 16 && row < l->n_rows; row++)
                for (size_t col = c0; col < c0 + 16 && col < l->n_cols; col++) {
                    size_t i = row * l->n_cols + col;
                    if (!r->in_set[i] || m >= r->n_in_set)
                        continue;
                    tid[m] = ids[i]; /* env minx, miny, maxx, maxy -> rtree order */
                    tbox[4 * m] = box[i][0];
                    tbox[4 * m + 1] = box[i][2];
                    tbox[4 * m + 2] = box[i][1];
                    tbox[4 * m + 3] = box[i][3];
                    m++;
                }
    senda_status st = senda__rtree_pack(ctx, db, "rtree_hotspot_cells_geom", tid, tbox, m);
    senda__free(tid);
    senda__free(tbox);
    return st;
}

/* Insert the cells of the set with one prepared statement in one transaction. */
static senda_status insert_cells(senda_ctx *ctx, const senda__lattice *l,
                                 const senda_hotspot_gistar_result *r, const char *path,
                                 senda_progress_fn progress, void *progress_arg)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    senda_status st = SENDA_OK;
    int srs = 0;
    triggers trig = {0};
    int64_t *ids = NULL;
    double (*box)[4] = NULL;
    double ext[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    const char *ins = r->p_sim
        ? "INSERT INTO hotspot_cells (geom, count, weight, GiZScore, GiPValue, Gi_Bin, "
          "NNeighbors, single_event, GiPseudoP) VALUES (?,?,?,?,?,?,?,?,?)"
        : "INSERT INTO hotspot_cells (geom, count, weight, GiZScore, GiPValue, Gi_Bin, "
          "NNeighbors, single_event) VALUES (?,?,?,?,?,?,?,?)";
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = "
                               "'hotspot_cells'", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s", path,
                         db ? sqlite3_errmsg(db) : "cannot open");
        goto done;
    }
    srs = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    q = NULL;
    if ((st = drop_triggers(ctx, db, path, &trig)) != SENDA_OK)
        goto done;
    ids = senda__calloc(ctx, r->n_cells, sizeof *ids);
    box = ids ? senda__calloc(ctx, r->n_cells, sizeof *box) : NULL;
    if (!box) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(db, ins, -1, &q, NULL) != SQLITE_OK) {
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    unsigned char blob[256];
    for (size_t i = 0; i < r->n_cells && st == SENDA_OK; i++) {
        if (!r->in_set[i])
            continue;
        double *env = box[i];
        size_t n = cell_blob(l, i / r->n_cols, i % r->n_cols, srs, blob, env);
        ext[0] = fmin(ext[0], env[0]), ext[1] = fmin(ext[1], env[1]);
        ext[2] = fmax(ext[2], env[2]), ext[3] = fmax(ext[3], env[3]);
        sqlite3_bind_blob(q, 1, blob, (int)n, SQLITE_STATIC);
        sqlite3_bind_int(q, 2, r->count[i]);
        sqlite3_bind_double(q, 3, r->weight[i]);
        if (isnan(r->z[i])) {
            sqlite3_bind_null(q, 4);
            sqlite3_bind_null(q, 5);
        } else {
            sqlite3_bind_double(q, 4, r->z[i]);
            sqlite3_bind_double(q, 5, r->p[i]);
        }
        sqlite3_bind_int(q, 6, r->bin[i]);
        sqlite3_bind_int(q, 7, r->n_neighbors[i]);
        sqlite3_bind_int(q, 8, r->single_event[i]);
        if (r->p_sim && !isnan(r->p_sim[i]))
            sqlite3_bind_double(q, 9, r->p_sim[i]);
        else if (r->p_sim)
            sqlite3_bind_null(q, 9);
        if (sqlite3_step(q) != SQLITE_DONE)
            st = senda__fail(ctx, SENDA_ERR_IO, "%s: cannot write cell %zu: SQLite: %s", path,
                             i, sqlite3_errmsg(db));
        ids[i] = sqlite3_last_insert_rowid(db);
        sqlite3_reset(q);
        if (st == SENDA_OK && i % 65536 == 0 &&
            !senda__progress(ctx, progress, progress_arg,
                             0.8 * (double)i / (double)r->n_cells, NULL))
            st = SENDA_ERR_CANCELLED;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (st == SENDA_OK && ext[0] <= ext[2]) {
        if (sqlite3_prepare_v2(db, "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, "
                                   "max_y = ? WHERE table_name = 'hotspot_cells'", -1, &q,
                               NULL) != SQLITE_OK)
            st = senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s", path, sqlite3_errmsg(db));
        for (int k = 0; st == SENDA_OK && k < 4; k++)
            sqlite3_bind_double(q, k + 1, ext[k]);
        if (st == SENDA_OK && sqlite3_step(q) != SQLITE_DONE)
            st = senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s", path, sqlite3_errmsg(db));
    }
    if (st == SENDA_OK)
        st = pack_index(ctx, db, l, r, ids, box);
    if (st == SENDA_OK) /* what GDAL's feature-count triggers would have counted */
        st = set_feature_count(ctx, db, path, r->n_in_set);
    for (size_t k = 0; st == SENDA_OK && k < trig.n; k++) /* the triggers, as GDAL made them */
        if (sqlite3_exec(db, trig.sql[k], NULL, NULL, NULL) != SQLITE_OK)
            st = senda__fail(ctx, SENDA_ERR_IO, "%s: SQLite: %s", path, sqlite3_errmsg(db));
    if (st == SENDA_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: cannot commit hotspot_cells: SQLite: %s", path,
                         sqlite3_errmsg(db));
done:
    sqlite3_finalize(q);
    if (db && st != SENDA_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    for (size_t k = 0; k < trig.n; k++)
        sqlite3_free(trig.sql[k]);
    senda__free(ids);
    senda__free(box);
    return st;
}

/* The empty layer with its fields and description (no spatial index yet). */
static senda_status create_layer(senda_ctx *ctx, const senda_hotspot_gistar_result *r, const char *path)
{
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    senda_status st = senda__gpkg_open(ctx, path, &ds);
    if (st != SENDA_OK)
        return st;
    /* GiPseudoP, the last, only with permutations */
    static const senda__field fields[] = {{"count", OFTInteger},    {"weight", OFTReal},
                                          {"GiZScore", OFTReal},    {"GiPValue", OFTReal},
                                          {"Gi_Bin", OFTInteger},   {"NNeighbors", OFTInteger},
                                          {"single_event", OFTInteger}, {"GiPseudoP", OFTReal}};
    if (!(st = senda__gpkg_layer_ex(ctx, ds, "hotspot_cells", wkbPolygon, r->spec.crs, 0, &lyr)) &&
        !(st = senda__gpkg_fields(ctx, lyr, "hotspot_cells", fields, r->p_sim ? 8 : 7))) {
        char desc[512];
        senda__hotspot_cells_description(r, desc, sizeof desc);
        GDALSetMetadataItem((GDALMajorObjectH)lyr, "DESCRIPTION", desc, NULL);
    }
    CPLErrorReset();
    GDALClose(ds);
    if (st == SENDA_OK && CPLGetLastErrorType() >= CE_Failure)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot create hotspot_cells", path);
    return st;
}

/* GDAL's CreateSpatialIndex on the empty table: the rtree, its triggers and
 * the extension's registration, filled later by insert_cells. */
static senda_status spatial_index(senda_ctx *ctx, const char *path)
{
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot reopen for the index", path);
    OGRLayerH rs = GDALDatasetExecuteSQL(ds, "SELECT CreateSpatialIndex('hotspot_cells', "
                                             "'geom')", NULL, NULL);
    if (rs)
        GDALDatasetReleaseResultSet(ds, rs);
    senda_status st = CPLGetLastErrorType() >= CE_Failure
                          ? senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: spatial index of "
                                             "hotspot_cells", path)
                          : SENDA_OK;
    GDALClose(ds);
    return st;
}

senda_status senda_hotspot_write_cells(senda_ctx *ctx, const senda_hotspot_gistar_result *r,
                                       const char *gpkg_path, senda_progress_fn progress,
                                       void *progress_arg)
{
    senda__reset(ctx);
    if (!r || !gpkg_path)
        return senda__fail(ctx, SENDA_ERR_ARG, "result or path is NULL");
    senda__lattice l;
    senda_status st = senda__lattice_from_spec(ctx, &r->spec, &l);
    if (st != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "writing hotspot_cells"))
        return SENDA_ERR_CANCELLED;
    if ((st = create_layer(ctx, r, gpkg_path)) != SENDA_OK ||
        (st = spatial_index(ctx, gpkg_path)) != SENDA_OK ||
        (st = insert_cells(ctx, &l, r, gpkg_path, progress, progress_arg)) != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        return SENDA_ERR_CANCELLED;
    return SENDA_OK;
}
