/*
 * synth.c - a deterministic synthetic incident file for demos, tests and
 * benchmarks. Every row says it is synthetic (first column `note` =
 * "SYNTHETIC - not real data", column `synthetic` = 1).
 *
 * Each incident is drawn from one of four components: near the rail (a
 * point at a uniform distance along a rail line chosen with probability
 * proportional to its length, displaced by an isotropic normal offset,
 * sigma 1.5 km), near a checkpoint (sigma 3 km), near a border crossing
 * (sigma 4 km), or background (uniform over the rail extent padded by 50 km).
 * Shares default to 0.5 / 0.2 / 0.15 / 0.15; a missing layer's share goes to
 * the rail. Types, perpetrators, victim counts and dates (uniform over
 * 2015-01-01..2024-12-31) are drawn from fixed distributions, written in
 * Spanish as NGO spreadsheets do. The generator is SplitMix64 (Steele, Lea &
 * Flood 2014) with Box-Muller normals, so the same seed gives the same bytes;
 * the seed is mixed (core/rng.c) and locations and attributes are drawn from
 * two separate streams, so seeds 1 and 2 give unrelated files.
 * O(n x rail vertices) for GEOSInterpolate; O(1) memory per row. Written to a
 * temporary file renamed into place.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "incidents/incidents_int.h"

void senda_incidents_synth_opts_init(senda_incidents_synth_opts *o)
{
    o->n = 1000;
    o->seed = 1;
    o->frac_rail = 0.5;
    o->frac_checkpoint = 0.2;
    o->frac_crossing = 0.15;
}

typedef struct {
    uint64_t s;
} rng;

/* Independent streams of one seed: where an incident is, and what it is. */
enum { STREAM_WHERE = 0, STREAM_WHAT = 1 };

static double uniform(rng *r) { return senda__rng_uniform(&r->s); }

static double normal(rng *r)
{
    double u1 = uniform(r), u2 = uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
}

static const struct {
    const char *text;
    double p; /* cumulative */
} synth_types[] = {
    {"secuestro", 0.16}, {"extorsión", 0.30}, {"asalto", 0.52}, {"violación", 0.58},
    {"homicidio", 0.64}, {"caída del tren", 0.74}, {"desaparición", 0.82},
    {"trata de personas", 0.86}, {"abuso de autoridad", 0.96}, {"otro", 1.0},
};
static const char *const synth_perps[] = {"crimen organizado", "policía municipal", "INM",
                                          "Guardia Nacional", "garrotero", "otro", "desconocido"};

typedef struct {
    const senda__layer *rail, *cps, *xings;
    double *cum_len; /* cumulative rail lengths */
    double total_len;
    double box[4];
} synth_src;

static void draw_xy(senda_ctx *ctx, const synth_src *src, const senda_incidents_synth_opts *o, rng *r,
                    double *x, double *y, const char **cluster)
{
    double u = uniform(r);
    double f_cp = src->cps ? o->frac_checkpoint : 0.0, f_x = src->xings ? o->frac_crossing : 0.0;
    double f_bg = 1.0 - o->frac_rail - o->frac_checkpoint - o->frac_crossing;
    if (u < f_cp || (u >= f_cp && u < f_cp + f_x)) {
        const senda__layer *l = u < f_cp ? src->cps : src->xings;
        double sigma = u < f_cp ? 3000.0 : 4000.0;
        *cluster = u < f_cp ? "checkpoint" : "crossing";
        size_t i = (size_t)(uniform(r) * (double)l->n);
        if (i >= l->n)
            i = l->n - 1;
        GEOSGeom_getXMin_r(ctx->geos, l->geoms[i], x);
        GEOSGeom_getYMin_r(ctx->geos, l->geoms[i], y);
        *x += sigma * normal(r);
        *y += sigma * normal(r);
    } else if (u >= 1.0 - (f_bg > 0 ? f_bg : 0)) {
        *cluster = "background";
        *x = src->box[0] + uniform(r) * (src->box[2] - src->box[0]);
        *y = src->box[1] + uniform(r) * (src->box[3] - src->box[1]);
    } else {
        *cluster = "rail";
        double at = uniform(r) * src->total_len;
        size_t i = 0;
        while (i + 1 < src->rail->n && src->cum_len[i + 1] <= at)
            i++;
        GEOSGeometry *p = GEOSInterpolate_r(ctx->geos, src->rail->geoms[i], at - src->cum_len[i]);
        if (p) {
            GEOSGeomGetX_r(ctx->geos, p, x);
            GEOSGeomGetY_r(ctx->geos, p, y);
            GEOSGeom_destroy_r(ctx->geos, p);
        }
        *x += 1500.0 * normal(r);
        *y += 1500.0 * normal(r);
    }
}

/* One row; < 0 (errno set) when the write failed. */
static int write_row(FILE *fp, rng *r, size_t i, double lon, double lat, const char *cluster)
{
    double u = uniform(r);
    size_t t = 0;
    while (synth_types[t].p < u)
        t++;
    long day = senda__days_from_civil(2015, 1, 1) + (long)(uniform(r) * 3653.0);
    /* civil from days (Hinnant) */
    long z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    int victims = 1;
    while (victims < 12 && uniform(r) < 0.35)
        victims++;
    int women = (int)(uniform(r) * (victims + 1)), minors = (int)(uniform(r) * 0.5 * (victims + 1));
    if (minors > victims)
        minors = victims;
    int men = victims - women;
    const char *perp = synth_perps[(size_t)(uniform(r) * 7.0) % 7];
    return fprintf(fp, "SYNTHETIC - not real data,1,syn-%07zu,%04ld-%02ld-%02ld,%s,%d,%d,%d,%d,%s,%.6f,"
                "%.6f,%s\n",
            i + 1, y, m, d, synth_types[t].text, victims, women, men, minors, perp, lat, lon,
            cluster);
}

static senda_status synth_sources(senda_ctx *ctx, const senda_layers *layers, synth_src *src)
{
    memset(src, 0, sizeof *src);
    src->rail = senda__layers_get(layers, SENDA_LAYER_RAIL);
    src->cps = senda__layers_get(layers, SENDA_LAYER_CHECKPOINTS);
    src->xings = senda__layers_get(layers, SENDA_LAYER_CROSSINGS);
    if (src->cps && src->cps->n == 0)
        src->cps = NULL;
    if (src->xings && src->xings->n == 0)
        src->xings = NULL;
    if (!src->rail || src->rail->n == 0)
        return senda__fail(ctx, SENDA_ERR_DATA, "the layers have no rail lines to draw near");
    src->cum_len = senda__calloc(ctx, src->rail->n + 1, sizeof(double));
    if (!src->cum_len)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < src->rail->n; i++) {
        double len = 0;
        GEOSLength_r(ctx->geos, src->rail->geoms[i], &len);
        src->cum_len[i + 1] = src->cum_len[i] + len;
    }
    src->total_len = src->cum_len[src->rail->n];
    const double *e = src->rail->report.extent;
    src->box[0] = e[0] - 50e3, src->box[1] = e[1] - 50e3;
    src->box[2] = e[2] + 50e3, src->box[3] = e[3] + 50e3;
    return SENDA_OK;
}

senda_status senda_incidents_synth(senda_ctx *ctx, const senda_layers *layers,
                                   const senda_incidents_synth_opts *opts, const char *out_csv,
                                   senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    if (!ctx || !layers || !opts || !out_csv)
        return senda__fail(ctx, SENDA_ERR_ARG, "layers, options and output path are required");
    if (opts->frac_rail < 0 || opts->frac_checkpoint < 0 || opts->frac_crossing < 0 ||
        opts->frac_rail + opts->frac_checkpoint + opts->frac_crossing > 1.0 + 1e-9)
        return senda__fail(ctx, SENDA_ERR_ARG, "shares must be >= 0 and add up to <= 1");
    synth_src src;
    senda_status st = synth_sources(ctx, layers, &src);
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp-senda-%ld", out_csv, (long)getpid());
    FILE *fp = NULL;
    OGRSpatialReferenceH from = NULL, wgs = senda__srs_wgs84();
    OGRCoordinateTransformationH ct = NULL;
    if (st != SENDA_OK)
        goto done;
    if (!(from = senda__srs_from_user(ctx, senda_layers_crs(layers)))) {
        st = SENDA_ERR_CRS;
        goto done;
    }
    if (!(ct = OCTNewCoordinateTransformation(from, wgs))) {
        st = senda__fail_gdal(ctx, SENDA_ERR_CRS, "PROJ cannot transform %s to WGS 84",
                              senda_layers_crs(layers));
        goto done;
    }
    if (!(fp = fopen(tmp, "w"))) {
        st = senda__fail_errno(ctx, errno, out_csv, "cannot write");
        goto done;
    }
    fprintf(fp, "note,synthetic,id,fecha,tipo,victimas,mujeres,hombres,menores,perpetrador,"
                "lat,lon,cluster\n");
    rng where = {senda__rng_seed(opts->seed, STREAM_WHERE)};
    rng what = {senda__rng_seed(opts->seed, STREAM_WHAT)};
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "synthesising"))
        st = SENDA_ERR_CANCELLED;
    for (size_t i = 0; i < opts->n && st == SENDA_OK; i++) {
        double x = 0, y = 0, z = 0;
        const char *cluster = "";
        draw_xy(ctx, &src, opts, &where, &x, &y, &cluster);
        OCTTransform(ct, 1, &x, &y, &z);
        if (write_row(fp, &what, i, x, y, cluster) < 0) {
            st = senda__fail_errno(ctx, errno, out_csv, "cannot write");
            break;
        }
        if ((i & 65535) == 65535 && !senda__progress(ctx, progress, progress_arg,
                                                     (double)i / (double)opts->n, NULL))
            st = SENDA_ERR_CANCELLED;
    }
    if (st == SENDA_OK)
        st = senda__fclose_checked(ctx, fp, out_csv);
    else
        fclose(fp);
    fp = NULL;
    if (st == SENDA_OK && rename(tmp, out_csv) != 0)
        st = senda__fail_errno(ctx, errno, out_csv, "cannot rename the new file into place");
    if (st == SENDA_OK && progress)
        progress(1.0, NULL, progress_arg);
done:
    if (fp)
        fclose(fp);
    if (st != SENDA_OK)
        unlink(tmp);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (from)
        OSRDestroySpatialReference(from);
    OSRDestroySpatialReference(wgs);
    senda__free(src.cum_len);
    return st;
}
