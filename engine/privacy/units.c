/*
 * units.c - the areas incidents are counted on by senda publish: the
 * bundled admin-1 layer (layers/corridor/admin1.geojson: Mexican states,
 * Guatemalan and Belizean departments) or a user's layer of smaller units
 * (municipalities), each placed in the admin-1 unit that holds its point on
 * surface, so that small units merge into their state, states into their
 * country, countries into the corridor.
 *
 * A point is counted in the unit that contains it (GEOS prepared polygons
 * behind a bounding-box test); a point in no unit (on the coast, in a gap
 * left by simplifying shared borders) in the nearest unit within 10 km, else
 * in `outside the units`. Complexity O(n * u) worst case for n points and u
 * units, usually O(n) boxes tested and one or two polygons per point.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <geos_c.h>
#include <ogr_srs_api.h>

#include "privacy/privacy_int.h"

#define NEAR_M 10000.0

typedef struct unit {
    char code[64], name[96];
    long state;          /* admin-1 parent (user units), -1 none */
    char adm0[8];
    OGRGeometryH geom;   /* in the run's CRS */
    GEOSGeometry *g;
    const GEOSPreparedGeometry *prep;
    OGREnvelope env;
} unit;

struct senda__units {
    GEOSContextHandle_t h;
    unit *u;       /* leaves */
    size_t n;
    unit *st;      /* admin-1 units (the leaves themselves when no user layer) */
    size_t n_st;
    int user;
};

static void geos_msg(const char *fmt, ...) { (void)fmt; }

static senda_status load_layer(senda_ctx *ctx, senda__units *U, const char *path,
                               const char *crs, int is_admin1, unit **out, size_t *n_out)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open the units layer", path);
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    senda_status st = SENDA_OK;
    OGRSpatialReferenceH to = OSRNewSpatialReference(NULL);
    OGRCoordinateTransformationH ct = NULL;
    unit *u = NULL;
    size_t n = 0, cap = 0;
    if (!lyr || !OGR_L_GetSpatialRef(lyr)) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: no layer with a coordinate system", path);
        goto done;
    }
    if (OSRSetFromUserInput(to, crs) != OGRERR_NONE) {
        st = senda__fail(ctx, SENDA_ERR_CRS, "cannot read the run's CRS %s", crs);
        goto done;
    }
    OGRSpatialReferenceH from = OSRClone(OGR_L_GetSpatialRef(lyr));
    OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(to, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(from, to);
    OSRRelease(from);
    if (!ct) {
        st = senda__fail_gdal(ctx, SENDA_ERR_CRS, "%s: cannot transform to %s", path, crs);
        goto done;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int f_name = OGR_FD_GetFieldIndex(defn, "name"), f_code = OGR_FD_GetFieldIndex(defn, "code"),
        f_adm0 = OGR_FD_GetFieldIndex(defn, "adm0");
    for (int i = 0; f_name < 0 && i < OGR_FD_GetFieldCount(defn); i++)
        if (OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)) == OFTString)
            f_name = i;
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType gt = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
        if (gt != wkbPolygon && gt != wkbMultiPolygon) {
            st = senda__fail(ctx, SENDA_ERR_DATA,
                             "%s: feature %lld has no polygon: units must be areas", path,
                             (long long)OGR_F_GetFID(f));
            OGR_F_Destroy(f);
            goto done;
        }
        unit *nu = senda__grow(ctx, u, n, &cap, sizeof *nu, 64);
        if (!nu) {
            OGR_F_Destroy(f);
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        u = nu;
        unit *x = &u[n];
        memset(x, 0, sizeof *x);
        x->state = -1;
        const char *name = f_name >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_name)
                               ? OGR_F_GetFieldAsString(f, f_name)
                               : "";
        snprintf(x->name, sizeof x->name, "%s", name[0] ? name : "unnamed unit");
        if (f_code >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_code))
            snprintf(x->code, sizeof x->code, "%s", OGR_F_GetFieldAsString(f, f_code));
        else
            snprintf(x->code, sizeof x->code, "%s#%lld", is_admin1 ? "a1" : "u",
                     (long long)OGR_F_GetFID(f));
        if (f_adm0 >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_adm0))
            snprintf(x->adm0, sizeof x->adm0, "%s", OGR_F_GetFieldAsString(f, f_adm0));
        x->geom = OGR_G_Clone(g);
        OGR_F_Destroy(f);
        n++;
        if (OGR_G_Transform(x->geom, ct) != OGRERR_NONE) {
            st = senda__fail_gdal(ctx, SENDA_ERR_CRS, "%s: cannot transform unit %s", path,
                                  x->name);
            goto done;
        }
        OGR_G_GetEnvelope(x->geom, &x->env);
        int sz = OGR_G_WkbSize(x->geom);
        unsigned char *wkb = senda__malloc(ctx, (size_t)sz);
        if (!wkb) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        OGR_G_ExportToWkb(x->geom, wkbNDR, wkb);
        x->g = GEOSGeomFromWKB_buf_r(U->h, wkb, (size_t)sz);
        senda__free(wkb);
        if (x->g && !GEOSisValid_r(U->h, x->g)) {
            GEOSGeometry *v = GEOSMakeValid_r(U->h, x->g);
            GEOSGeom_destroy_r(U->h, x->g);
            x->g = v;
        }
        x->prep = x->g ? GEOSPrepare_r(U->h, x->g) : NULL;
        if (!x->prep) {
            st = senda__fail(ctx, SENDA_ERR_GEOM, "%s: unit %s: unreadable polygon", path,
                             x->name);
            goto done;
        }
    }
    if (!n)
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: no units", path);
done:
    *out = u;
    *n_out = n;
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRRelease(to);
    GDALClose(ds);
    return st;
}

static long find_in(const senda__units *U, const unit *u, size_t n, double x, double y)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(U->h, x, y);
    long best = -1;
    double bd = NEAR_M;
    for (size_t i = 0; i < n && pt; i++) {
        const OGREnvelope *e = &u[i].env;
        if (x >= e->MinX && x <= e->MaxX && y >= e->MinY && y <= e->MaxY &&
            GEOSPreparedIntersects_r(U->h, u[i].prep, pt) == 1) {
            best = (long)i;
            bd = -1;
            break;
        }
    }
    for (size_t i = 0; i < n && pt && best < 0; i++) {
        const OGREnvelope *e = &u[i].env;
        if (x < e->MinX - NEAR_M || x > e->MaxX + NEAR_M || y < e->MinY - NEAR_M ||
            y > e->MaxY + NEAR_M)
            continue;
        double d;
        if (GEOSDistance_r(U->h, u[i].g, pt, &d) == 1 && d <= bd) {
            bd = d;
            best = (long)i;
        }
    }
    /* the nearest of all within 10 km (the loop above stops at the first) */
    for (size_t i = 0; i < n && pt && bd >= 0 && best >= 0; i++) {
        double d;
        if ((size_t)best != i && GEOSDistance_r(U->h, u[i].g, pt, &d) == 1 && d < bd) {
            bd = d;
            best = (long)i;
        }
    }
    if (pt)
        GEOSGeom_destroy_r(U->h, pt);
    return best;
}

senda_status senda__units_load(senda_ctx *ctx, const char *path, const char *crs,
                               senda__units **out)
{
    *out = NULL;
    senda__gdal_register();
    senda__units *U = senda__calloc(ctx, 1, sizeof *U);
    if (!U)
        return SENDA_ERR_NOMEM;
    U->h = GEOS_init_r();
    GEOSContext_setErrorHandler_r(U->h, geos_msg);
    char a1[4096];
    snprintf(a1, sizeof a1, "%s/admin1.geojson", senda_layers_default_dir());
    senda_status st = load_layer(ctx, U, a1, crs, 1, &U->st, &U->n_st);
    if (st == SENDA_OK && path) {
        U->user = 1;
        st = load_layer(ctx, U, path, crs, 0, &U->u, &U->n);
        for (size_t i = 0; st == SENDA_OK && i < U->n; i++) {
            GEOSGeometry *p = GEOSPointOnSurface_r(U->h, U->u[i].g);
            double x = 0, y = 0;
            if (p && GEOSGeomGetX_r(U->h, p, &x) == 1 && GEOSGeomGetY_r(U->h, p, &y) == 1)
                U->u[i].state = find_in(U, U->st, U->n_st, x, y);
            if (p)
                GEOSGeom_destroy_r(U->h, p);
        }
    } else if (st == SENDA_OK) {
        U->u = U->st;
        U->n = U->n_st;
    }
    if (st) {
        senda__units_free(U);
        return st;
    }
    *out = U;
    return SENDA_OK;
}

static const char *country_name(const char *adm0)
{
    return strcmp(adm0, "MEX") == 0   ? "Mexico"
           : strcmp(adm0, "GTM") == 0 ? "Guatemala"
           : strcmp(adm0, "BLZ") == 0 ? "Belize"
                                      : adm0[0] ? adm0 : "other";
}

senda_status senda__units_tree(senda_ctx *ctx, const senda__units *U, senda__agg_node **nodes,
                               size_t *n, size_t *cap, long **leaf_of)
{
    *leaf_of = senda__calloc(ctx, U->n + 1, sizeof **leaf_of);
    long *st_node = senda__calloc(ctx, U->n_st + 1, sizeof *st_node);
    if (!*leaf_of || !st_node) {
        senda__free(st_node);
        return SENDA_ERR_NOMEM;
    }
    static const char *const adm0s[] = {"MEX", "GTM", "BLZ", ""};
    long country[4];
    char rest[128];
    for (int c = 0; c < 4; c++) {
        const char *nm = country_name(adm0s[c]);
        snprintf(rest, sizeof rest, "rest of %s", nm);
        char code[16];
        snprintf(code, sizeof code, "adm0:%s", adm0s[c][0] ? adm0s[c] : "other");
        if ((country[c] = senda__agg_add(ctx, nodes, n, cap, 0, code, nm, rest)) < 0)
            goto nomem;
    }
    /* states: all of them as leaves, or (user units) those holding a unit */
    for (size_t s = 0; s < U->n_st; s++)
        st_node[s] = -1;
    for (size_t i = 0; i < U->n; i++) {
        long s = U->user ? U->u[i].state : (long)i;
        if (s >= 0 && st_node[s] < 0) {
            int c = 3;
            for (int j = 0; j < 3; j++)
                if (strcmp(U->st[s].adm0, adm0s[j]) == 0)
                    c = j;
            snprintf(rest, sizeof rest, "rest of %s", U->st[s].name);
            if ((st_node[s] = senda__agg_add(ctx, nodes, n, cap, country[c], U->st[s].code,
                                       U->st[s].name, rest)) < 0)
                goto nomem;
        }
        if (!U->user) {
            (*leaf_of)[i] = st_node[i];
            continue;
        }
        long parent = s >= 0 ? st_node[s] : country[3];
        if (((*leaf_of)[i] = senda__agg_add(ctx, nodes, n, cap, parent, U->u[i].code, U->u[i].name,
                                      NULL)) < 0)
            goto nomem;
    }
    if (((*leaf_of)[U->n] = senda__agg_add(ctx, nodes, n, cap, country[3], "outside",
                                     "outside the units", NULL)) < 0)
        goto nomem;
    senda__free(st_node);
    return SENDA_OK;
nomem:
    senda__free(st_node);
    return SENDA_ERR_NOMEM;
}

long senda__units_find(const senda__units *U, double x, double y)
{
    return find_in(U, U->u, U->n, x, y);
}

size_t senda__units_count(const senda__units *U) { return U->n; }
const char *senda__units_code(const senda__units *U, size_t i) { return U->u[i].code; }
OGRGeometryH senda__units_geom(const senda__units *U, size_t i) { return U->u[i].geom; }

static void free_units(senda__units *U, unit *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (u[i].prep)
            GEOSPreparedGeom_destroy_r(U->h, u[i].prep);
        if (u[i].g)
            GEOSGeom_destroy_r(U->h, u[i].g);
        if (u[i].geom)
            OGR_G_DestroyGeometry(u[i].geom);
    }
    senda__free(u);
}

void senda__units_free(senda__units *U)
{
    if (!U)
        return;
    if (U->u != U->st)
        free_units(U, U->u, U->n);
    free_units(U, U->st, U->n_st);
    GEOS_finish_r(U->h);
    senda__free(U);
}
