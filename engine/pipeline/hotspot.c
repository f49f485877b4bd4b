/*
 * hotspot.c - the hotspot stage (senda_pipeline_hotspot): the grid, the
 * kernel density (senda_hotspot_kde), the Getis-Ord Gi* cells
 * (senda_hotspot_gistar) and, when asked, the emerging hot spots
 * (senda_hotspot_emerging) of the incidents. The extent is the union of the
 * corridor layers' extents (default), the points padded by the kernel radius,
 * or a given extent; the first two are widened to whole multiples of each
 * cell size so that runs over different incidents share cell edges. Cell
 * sizes left at 0 are chosen by senda_hotspot_default_cells (at most
 * 2,000,000 density cells, 100,000 Gi* cells over the extent). The study area
 * is the layers' `land` layer unless the extent is given (or "none", or a
 * polygon file): Gi* cells and density only where the cell centre is inside.
 * Incidents count as events (each weighs 1, as ArcGIS's Optimized Hot Spot
 * Analysis) unless weighted. An automatic radius (ArcGIS's spatial Silverman
 * rule) is fixed before the grid so that the padding uses it. A .tif output
 * gets the density as a tiled DEFLATE GeoTIFF: level 1, because the density's
 * low mantissa bits do not compress (level 6 saved under 0.5 % of the size at
 * twice the time). A .gpkg output is finished as a product (styles, QGIS
 * project, provenance). Cost: the KDE's and Gi*'s (see their files); memory:
 * the grid and the cells.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pipeline/pipeline_int.h"

static const char *const events_text = "incidents (events, each counts 1)";

void senda_pipeline_hotspot_opts_init(senda_pipeline_hotspot_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    senda_hotspot_kde_opts_init(&o->kde);
    senda_hotspot_gistar_opts_init(&o->gistar);
    senda_emerging_opts_init(&o->emerging);
    o->shape = SENDA_CELLS_SQUARE;
    o->extent_from = SENDA_EXTENT_LAYERS;
    o->density_on = 1;
    o->gistar_on = 1;
    o->product = 1;
}

void senda_pipeline_hotspot_result_destroy(senda_pipeline_hotspot_result *r)
{
    if (!r)
        return;
    senda_grid_destroy(r->density);
    senda_hotspot_gistar_result_destroy(r->gistar);
    senda_emerging_result_destroy(r->emerging);
    senda__free(r);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The extent before alignment: given, the layers' union, or the points
 * padded by the radius. */
static senda_status raw_extent(senda_ctx *ctx, const senda_pipeline_input *in,
                               const senda_pipeline_hotspot_opts *o, double r, double e[4])
{
    if (o->extent_from == SENDA_EXTENT_GIVEN) {
        memcpy(e, o->extent, 4 * sizeof *e);
        return SENDA_OK;
    }
    e[0] = e[1] = HUGE_VAL;
    e[2] = e[3] = -HUGE_VAL;
    if (o->extent_from == SENDA_EXTENT_POINTS) {
        const senda_points *p = in->incidents;
        for (size_t i = 0; i < p->n; i++) {
            e[0] = fmin(e[0], p->x[i] - r), e[1] = fmin(e[1], p->y[i] - r);
            e[2] = fmax(e[2], p->x[i] + r), e[3] = fmax(e[3], p->y[i] + r);
        }
        return SENDA_OK;
    }
    for (size_t i = 0; i < senda_layers_count(in->layers); i++) {
        const senda_layer_report *l = senda_layers_report(in->layers, i);
        if (l->n_features <= l->n_empty)
            continue;
        e[0] = fmin(e[0], l->extent[0]), e[1] = fmin(e[1], l->extent[1]);
        e[2] = fmax(e[2], l->extent[2]), e[3] = fmax(e[3], l->extent[3]);
    }
    if (!(e[0] < e[2] && e[1] < e[3]))
        return senda__fail(ctx, SENDA_ERR_DATA, "the corridor layers have no extent to grid");
    return SENDA_OK;
}

/* e widened to whole multiples of h (unless given). */
static void align(const senda_pipeline_hotspot_opts *o, const double e[4], double h, double a[4])
{
    int given = o->extent_from == SENDA_EXTENT_GIVEN;
    a[0] = given ? e[0] : floor(e[0] / h) * h;
    a[1] = given ? e[1] : floor(e[1] / h) * h;
    a[2] = given ? e[2] : ceil(e[2] / h) * h;
    a[3] = given ? e[3] : ceil(e[3] / h) * h;
}

/* The cell sizes (automatic ones chosen), the density grid and the Gi* lattice. */
static senda_status make_grid(senda_ctx *ctx, const senda_pipeline_input *in,
                              const senda_pipeline_hotspot_opts *o, senda_hotspot_kde_opts *kde,
                              senda_grid_spec *spec, senda_pipeline_hotspot_result *r)
{
    const senda_points *pts = in->incidents;
    senda_status st;
    if (o->density_on && kde->radius_m <= 0.0 &&
        (st = senda_hotspot_kde_auto_radius(ctx, pts, &kde->radius_m)))
        return st; /* without density the points' extent is not padded */
    double e[4], a[4], auto_d = 0.0, auto_g = 0.0;
    if ((st = raw_extent(ctx, in, o, o->density_on ? kde->radius_m : 0.0, e)))
        return st;
    double gi = o->gi_cell_m > 0.0 ? o->gi_cell_m : o->cell_m;
    if ((o->cell_m <= 0.0 || gi <= 0.0) &&
        (st = senda_hotspot_default_cells(ctx, e[0], e[1], e[2], e[3], &auto_d, &auto_g)))
        return st;
    r->cells_automatic = (o->cell_m <= 0.0) | (gi <= 0.0) << 1;
    r->cell_m = o->cell_m > 0.0 ? o->cell_m : auto_d;
    r->gi_cell_m = gi > 0.0 ? gi : auto_g;
    memset(spec, 0, sizeof *spec);
    spec->cell_m = r->gi_cell_m;
    spec->shape = o->shape;
    snprintf(spec->crs, sizeof spec->crs, "%s", pts->crs);
    align(o, e, r->gi_cell_m, a);
    spec->x_min = a[0], spec->y_min = a[1], spec->x_max = a[2], spec->y_max = a[3];
    align(o, e, r->cell_m, a);
    return senda_grid_for_extent(ctx, a[0], a[1], a[2], a[3], r->cell_m, pts->crs, &r->density);
}

/* The study area's file: the land layer by default (none with a given
 * extent), "none", "land", or a polygon file; NULL for none. */
static senda_status study_area(senda_ctx *ctx, const senda_pipeline_input *in,
                               const senda_pipeline_hotspot_opts *o,
                               senda_pipeline_hotspot_result *r, const char **path)
{
    const char *s = o->study_area;
    *path = NULL;
    if (s && strcmp(s, "none") == 0)
        return SENDA_OK;
    if (s && strcmp(s, "land") != 0) {
        *path = r->study_area = s;
        return SENDA_OK;
    }
    if (!s && o->extent_from == SENDA_EXTENT_GIVEN)
        return SENDA_OK;
    long land = in->layers ? senda_layers_find(in->layers, "land") : -1;
    if (land < 0 && s)
        return senda__fail(ctx, SENDA_ERR_DATA, "study area land: the corridor layers have no "
                           "`land` layer");
    if (land < 0) {
        r->no_land_layer = 1;
        senda__log(ctx, 1, "the corridor layers have no `land` layer: Gi* and density cover "
                   "the whole extent, sea included");
        return SENDA_OK;
    }
    r->study_area = "land";
    *path = senda_layers_report(in->layers, (size_t)land)->path;
    return SENDA_OK;
}

/* The points counted: events (every incident weighs 1) unless weighted. */
static senda_status counted_points(senda_ctx *ctx, const senda_pipeline_input *in,
                                   const senda_pipeline_hotspot_opts *o, senda_points **ev)
{
    const senda_points *p = in->incidents;
    *ev = NULL;
    if (o->weighted)
        return SENDA_OK;
    senda_status st = senda_points_create(ctx, p->n, p->crs, ev);
    if (st)
        return st;
    memcpy((*ev)->x, p->x, p->n * sizeof *p->x);
    memcpy((*ev)->y, p->y, p->n * sizeof *p->y);
    memcpy((*ev)->id, p->id, p->n * sizeof *p->id);
    return SENDA_OK;
}

static senda_status emerging(senda_ctx *ctx, const senda_pipeline_input *in,
                             const senda_points *pts, const senda_hotspot_gistar_opts *gi,
                             const senda_pipeline_hotspot_opts *o, const senda_grid_spec *spec,
                             senda_pipeline_hotspot_result *r)
{
    if (!in->store[0])
        return senda__fail(ctx, SENDA_ERR_ARG, "emerging hot spots need dated incidents of a "
                           "store");
    int32_t *d0 = NULL, *d1 = NULL;
    senda_status st = senda_incidents_dates(ctx, in->store, pts, &d0, &d1);
    if (st == SENDA_OK)
        st = senda_hotspot_emerging(ctx, pts, d0, d1, gi, &o->emerging, spec, &r->emerging,
                                    NULL, NULL);
    senda_free(d0);
    senda_free(d1);
    return st;
}

static senda_status stage(senda_ctx *ctx, const senda_pipeline_input *in,
                          const senda_pipeline_hotspot_opts *o, senda_pipeline_hotspot_result *r,
                          senda_progress_fn progress, void *arg)
{
    senda_hotspot_kde_opts kde = o->kde;
    senda_hotspot_gistar_opts gi = o->gistar;
    senda_grid_spec spec;
    senda_points *ev = NULL;
    const char *area = NULL;
    senda_status st = make_grid(ctx, in, o, &kde, &spec, r);
    if (st == SENDA_OK)
        st = study_area(ctx, in, o, r, &area);
    if (st == SENDA_OK && area) {
        gi.cells = SENDA_GISTAR_STUDY_AREA;
        gi.study_area = area;
        if (o->density_on)
            st = senda_hotspot_mask_study_area(ctx, r->density, area, &r->n_masked);
    }
    if (st == SENDA_OK)
        st = counted_points(ctx, in, o, &ev);
    if (st != SENDA_OK)
        return st;
    if (!o->weighted)
        gi.counted = events_text;
    const senda_points *pts = ev ? ev : in->incidents;
    double t0 = now_s(), mid = o->gistar_on ? 0.5 : 1.0;
    senda__progress_sub_t kp = senda__progress_sub(progress, arg, 0.0, mid);
    senda_progress_fn fn = progress ? senda__progress_sub_fn : NULL;
    if (!o->density_on) {
        senda_grid_destroy(r->density);
        r->density = NULL;
    } else {
        st = senda_hotspot_kde(ctx, pts, &kde, r->density, fn, &kp);
    }
    double t1 = now_s();
    r->kde_s = t1 - t0;
    senda__progress_sub_t gp = senda__progress_sub(progress, arg, mid, 1.0);
    if (st == SENDA_OK && o->gistar_on)
        st = senda_hotspot_gistar(ctx, pts, &gi, &spec, &r->gistar, fn, &gp);
    if (st == SENDA_OK && o->gistar_on && o->emerging_on)
        st = emerging(ctx, in, pts, &gi, o, &spec, r);
    r->gistar_s = now_s() - t1;
    senda_points_destroy(ev);
    return st;
}

/* What a .gpkg out gets, and the product around it. */
typedef struct hot_out {
    const senda_pipeline_input *in;
    const senda_pipeline_hotspot_opts *o;
    const senda_pipeline_hotspot_result *r;
    const char *out;
    int with_density;
} hot_out;

static senda_status write_gpkg(senda_ctx *ctx, const void *arg, const char *gpkg)
{
    const hot_out *h = arg;
    senda_status st = senda_pipeline_hotspot_write(ctx, h->r, gpkg, h->with_density);
    if (st != SENDA_OK || !h->o->product || !h->with_density)
        return st;
    char title[256], counts[128];
    snprintf(title, sizeof title, "senda hotspot: %zu incidents", h->r->n_points);
    snprintf(counts, sizeof counts, "points: %zu\n", h->r->n_points);
    senda_export_product_info pi;
    senda_export_product_info_init(&pi);
    pi.title = title;
    pi.final_path = h->out;
    pi.counts = counts;
    pi.crs = h->in->incidents->crs;
    return senda_export_finish(ctx, gpkg, &pi, NULL, NULL);
}

senda_status senda_pipeline_hotspot_write(senda_ctx *ctx, const senda_pipeline_hotspot_result *r,
                                          const char *gpkg, int with_density)
{
    if (!r || !gpkg)
        return senda__fail(ctx, SENDA_ERR_ARG, "hotspot write: result or path is NULL");
    senda_status st = SENDA_OK;
    if (with_density && r->density)
        st = senda_export_grid(ctx, gpkg, "density", r->density, NULL, NULL);
    if (st == SENDA_OK && r->gistar)
        st = senda_hotspot_write_cells(ctx, r->gistar, gpkg, NULL, NULL);
    if (st == SENDA_OK && r->emerging)
        st = senda_hotspot_write_emerging(ctx, r->emerging, gpkg, NULL, NULL);
    return st;
}

static senda_status save(senda_ctx *ctx, const senda_pipeline_input *in,
                         const senda_pipeline_hotspot_opts *o, const char *out,
                         const senda_pipeline_hotspot_result *r)
{
    hot_out h = {in, o, r, out, 1};
    if (!senda__pipeline_is_tiff(out))
        return senda__pipeline_save(ctx, out, write_gpkg, &h);
    if (!r->density)
        return senda__fail(ctx, SENDA_ERR_ARG, "%s: a GeoTIFF output needs the density", out);
    char n_threads[32];
    snprintf(n_threads, sizeof n_threads, "NUM_THREADS=%d", o->kde.n_threads);
    /* ZSTD level 1, as senda cost writes: on bench/hotspot's 1000 x 1000
     * density 10 ms against DEFLATE level 1's 20-30 ms, for a file 0.5 %
     * larger; GDAL 2.3 and later (QGIS 3) read it */
    const char *const tif_co[] = {"COMPRESS=ZSTD", "ZSTD_LEVEL=1", "TILED=YES", n_threads,
                                  "BIGTIFF=IF_SAFER", NULL};
    senda_grid_tiff_opts to;
    senda_grid_tiff_opts_init(&to);
    to.creation_options = tif_co;
    senda_status st = senda_grid_write_tiff(ctx, r->density, out, &to);
    h.out = o->cells_out, h.with_density = 0;
    if (st == SENDA_OK && r->gistar && o->cells_out)
        st = senda__pipeline_save(ctx, o->cells_out, write_gpkg, &h);
    return st;
}

senda_status senda_pipeline_hotspot(senda_ctx *ctx, const senda_pipeline_input *in,
                                    const senda_pipeline_hotspot_opts *o, const char *out,
                                    senda_pipeline_hotspot_result **res,
                                    senda_progress_fn progress, void *arg)
{
    senda__reset(ctx);
    if (!in || !o || !res)
        return senda__fail(ctx, SENDA_ERR_ARG, "hotspot stage: NULL argument");
    *res = NULL;
    if (!in->incidents || !in->incidents->n)
        return senda__fail(ctx, SENDA_ERR_DATA, "no point to analyse%s",
                           in->store[0] ? " (no accepted incident passes the filters)" : "");
    if (o->extent_from == SENDA_EXTENT_LAYERS && !in->layers)
        return senda__fail(ctx, SENDA_ERR_ARG, "hotspot grid over the layers: none loaded");
    if (!o->density_on && !o->gistar_on)
        return senda__fail(ctx, SENDA_ERR_ARG, "hotspot stage: neither density nor Gi* asked");
    senda_pipeline_hotspot_result *r = senda__calloc(ctx, 1, sizeof *r);
    if (!r)
        return SENDA_ERR_NOMEM;
    r->n_points = in->incidents->n;
    for (size_t i = 0; i < in->incidents->n; i++)
        r->total_weight += o->weighted ? in->incidents->weight[i] : 1.0;
    senda_status st = stage(ctx, in, o, r, progress, arg);
    double t0 = now_s();
    if (st == SENDA_OK && out)
        st = save(ctx, in, o, out, r);
    r->write_s = now_s() - t0;
    if (st != SENDA_OK) {
        senda_pipeline_hotspot_result_destroy(r);
        return st;
    }
    *res = r;
    return SENDA_OK;
}
