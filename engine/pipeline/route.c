/*
 * route.c - the route stage (senda_pipeline_route) over a danger stage's
 * surfaces: the sources (the given places, or every border crossing named by
 * its Mexican town) and destinations (the given places, or
 * SENDA_PIPELINE_ROUTE_TO) resolved on the layers (senda_cost_place_resolve) and
 * moved off nodata cells (senda_cost_snap_to_valid: a crossing on a river
 * mouth, a port town at sea under the land mask); optionally the accumulated
 * cost from every crossing (senda_cost_accumulate, GRASS r.cost moves, 1 km
 * move unit so the value is danger per km x km); the least-danger paths and
 * alternatives (senda_cost_paths); the danger along every line of the line
 * layer (senda_cost_route_score); the paths and lines again on the what-if
 * surface when the danger stage made one; and a danger-profile PNG per line
 * (senda_cost_route_profile_png) when asked. Cost: one Dijkstra per source set
 * and alternative (O(cells log cells)) per surface, plus the scoring's.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pipeline/pipeline_int.h"

#define MAX_PLACES 64

void senda_pipeline_route_opts_init(senda_pipeline_route_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    senda_cost_paths_opts_init(&o->paths);
    o->paths.alternatives = 1;
    senda_cost_route_opts_init(&o->lines);
    o->paths_on = 1;
    o->lines_on = 1;
    senda_choice_opts_init(&o->choice);
    senda_exposure_opts_init(&o->exposure);
    senda_likely_opts_init(&o->likely);
    o->shelter_radius_m = 5000.0;
}

void senda_pipeline_route_result_destroy(senda_pipeline_route_result *r)
{
    if (!r)
        return;
    senda_points_destroy(r->sources);
    senda_points_destroy(r->destinations);
    senda__free(r->source_names);
    senda__free(r->destination_names);
    senda_grid_destroy(r->accumulated);
    senda_cost_paths_destroy(r->paths, r->n_paths);
    senda_cost_route_result_destroy(r->lines);
    senda_cost_paths_destroy(r->paths_whatif, r->n_paths_whatif);
    senda_cost_route_result_destroy(r->lines_whatif);
    for (size_t i = 0; i < r->n_profiles; i++)
        senda__free(r->profiles[i]);
    senda__free(r->profiles);
    senda_grid_destroy(r->exposure);
    senda_grid_destroy(r->choice_cost);
    senda_grid_destroy(r->choice_cost_whatif);
    senda_likely_result_destroy(r->likely);
    senda_likely_result_destroy(r->likely_whatif);
    senda_likely_change_destroy(r->likely_change);
    senda__free(r->flows);
    senda__free(r->incidents_per_1000);
    senda__free(r->incidents_per_1000_whatif);
    senda__free(r);
}

/* Places as points with their names; names NULL: SENDA_PIPELINE_ROUTE_TO. */
static senda_status places(senda_ctx *ctx, const senda_layers *layers, const char *const *given,
                           size_t n_given, senda_points **out, char (**names)[128])
{
    char defs[] = SENDA_PIPELINE_ROUTE_TO;
    const char *list[MAX_PLACES];
    size_t n = 0;
    if (given)
        for (; n < n_given && n < MAX_PLACES; n++)
            list[n] = given[n];
    else
        for (char *save = NULL, *t = strtok_r(defs, ";", &save); t && n < MAX_PLACES;
             t = strtok_r(NULL, ";", &save))
            list[n++] = t + strspn(t, " ");
    if (given && n_given > MAX_PLACES)
        return senda__fail(ctx, SENDA_ERR_ARG, "at most %d places, got %zu", MAX_PLACES,
                           n_given);
    if (!(*names = senda__calloc(ctx, n ? n : 1, sizeof **names)))
        return SENDA_ERR_NOMEM;
    senda_status st = senda_points_create(ctx, n, senda_layers_crs(layers), out);
    for (size_t i = 0; i < n && st == SENDA_OK; i++) {
        snprintf((*names)[i], sizeof **names, "%s", list[i]);
        st = senda_cost_place_resolve(ctx, layers, list[i], &(*out)->x[i], &(*out)->y[i]);
    }
    return st;
}

/* The sources: the given places, or every crossing named by its Mexican town. */
static senda_status sources(senda_ctx *ctx, const senda_layers *layers,
                            const senda_pipeline_route_opts *o, senda_pipeline_route_result *r)
{
    if (o->from)
        return places(ctx, layers, o->from, o->n_from, &r->sources, &r->source_names);
    senda_status st = senda_layers_points(ctx, layers, SENDA_LAYER_CROSSINGS, &r->sources);
    if (st)
        return st;
    if (!(r->source_names = senda__calloc(ctx, r->sources->n + 1, sizeof *r->source_names)))
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < r->sources->n; i++) {
        const char *name = senda_layers_attr(layers, SENDA_LAYER_CROSSINGS, i, "mx_town");
        if (!name[0])
            name = senda_layers_attr(layers, SENDA_LAYER_CROSSINGS, i, "name");
        snprintf(r->source_names[i], sizeof *r->source_names, "%s", name);
    }
    return SENDA_OK;
}

const char *senda_pipeline_route_source(const senda_pipeline_route_result *r,
                                        const senda_cost_path *p)
{
    size_t best = 0;
    double bd = (double)INFINITY;
    for (size_t i = 0; r && p && p->n && i < r->sources->n; i++) {
        double d = hypot(r->sources->x[i] - p->x[0], r->sources->y[i] - p->y[0]);
        if (d < bd)
            bd = d, best = i;
    }
    return r && r->sources->n ? r->source_names[best] : "";
}

/* Snap the places onto valid cells; the names as an array of pointers. */
static senda_status snap(senda_ctx *ctx, const senda_grid *g, senda_points *pts,
                         char (*names)[128])
{
    const char *p[MAX_PLACES];
    size_t n = pts->n < MAX_PLACES ? pts->n : MAX_PLACES;
    for (size_t i = 0; i < n; i++)
        p[i] = names[i];
    return senda_cost_snap_to_valid(ctx, g, pts, pts->n <= MAX_PLACES ? p : NULL, 10, NULL);
}

/* Paths and line scores on one surface. */
static senda_status on_surface(senda_ctx *ctx, const senda_pipeline_input *in,
                               const senda_grid *g, const senda_pipeline_route_opts *o,
                               senda_pipeline_route_result *r, senda_cost_path ***paths,
                               size_t *n_paths, senda_cost_route_result **lines,
                               senda_progress_fn progress, void *arg)
{
    const char *dn[MAX_PLACES];
    for (size_t i = 0; i < r->destinations->n && i < MAX_PLACES; i++)
        dn[i] = r->destination_names[i];
    senda_progress_fn fn = progress ? senda__progress_sub_fn : NULL;
    senda__progress_sub_t pp = senda__progress_sub(progress, arg, 0.0, 0.8);
    senda_status st = SENDA_OK;
    if (o->paths_on)
        st = senda_cost_paths(ctx, g, r->sources, r->destinations, dn, &o->paths, paths, n_paths,
                              fn, &pp);
    senda__progress_sub_t lp = senda__progress_sub(progress, arg, 0.8, 1.0);
    if (st == SENDA_OK && o->lines_on)
        st = senda_cost_route_score(ctx, in->layers, in->incidents, g, &o->lines, lines, fn, &lp);
    return st;
}

static senda_status accumulate(senda_ctx *ctx, const senda_pipeline_input *in, const senda_grid *g,
                               senda_pipeline_route_result *r, senda_progress_fn progress,
                               void *arg)
{
    senda_points *cross = NULL;
    senda_status st = senda_layers_points(ctx, in->layers, SENDA_LAYER_CROSSINGS, &cross);
    senda_cost_opts co;
    senda_cost_opts_init(&co);
    co.unit_m = 1000.0;
    if (st == SENDA_OK)
        st = senda_cost_snap_to_valid(ctx, g, cross, NULL, 10, NULL);
    if (st == SENDA_OK)
        st = senda_cost_accumulate(ctx, g, cross, &co, &r->accumulated, NULL, progress, arg);
    if (st == SENDA_OK)
        st = senda_grid_set_units(ctx, r->accumulated, "danger units",
                                  "accumulated danger (danger per km x km) from the nearest "
                                  "border crossing, GRASS r.cost moves");
    senda_points_destroy(cross);
    return st;
}

/* A file name from a line name: ASCII letters and digits kept, accented
 * Latin letters (UTF-8 lead byte 0xC3) dropped, any other run '-'. */
static void slug(const char *name, char *out, size_t n)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && k + 1 < n; p++) {
        int keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= '0' && *p <= '9');
        if (keep)
            out[k++] = (char)*p;
        else if (*p == 0xC3 && p[1])
            p++;
        else if (k && out[k - 1] != '-' && (*p < 0x80 || *p >= 0xC0))
            out[k++] = '-';
    }
    while (k && out[k - 1] == '-')
        k--;
    out[k] = '\0';
}

static senda_status profiles(senda_ctx *ctx, const char *dir, senda_pipeline_route_result *r)
{
    mkdir(dir, 0777);
    size_t n = r->lines ? r->lines->n_lines * 2 : 0;
    if (n && !(r->profiles = senda__calloc(ctx, n, sizeof *r->profiles)))
        return SENDA_ERR_NOMEM;
    senda_status st = SENDA_OK;
    for (size_t i = 0; r->lines && i < r->lines->n_lines && st == SENDA_OK; i++) {
        char s[128], path[4400];
        slug(r->lines->lines[i].name, s, sizeof s);
        for (int k = 0; k < (r->lines_whatif ? 2 : 1) && st == SENDA_OK; k++) {
            snprintf(path, sizeof path, "%s/%s%s.png", dir, s, k ? "-whatif" : "");
            st = senda_cost_route_profile_png(ctx, k ? r->lines_whatif : r->lines, i, path);
            if (st == SENDA_OK && !(r->profiles[r->n_profiles++] = senda__strdup(ctx, path)))
                st = SENDA_ERR_NOMEM;
        }
    }
    return st;
}

static senda_status stage(senda_ctx *ctx, const senda_pipeline_input *in,
                          const senda_pipeline_danger_result *d,
                          const senda_pipeline_route_opts *o, senda_pipeline_route_result *r,
                          senda_progress_fn progress, void *arg)
{
    senda_status st = sources(ctx, in->layers, o, r);
    if (st == SENDA_OK)
        st = places(ctx, in->layers, o->to, o->n_to, &r->destinations, &r->destination_names);
    if (st == SENDA_OK)
        st = snap(ctx, d->danger, r->sources, r->source_names);
    if (st == SENDA_OK)
        st = snap(ctx, d->danger, r->destinations, r->destination_names);
    senda_progress_fn fn = progress ? senda__progress_sub_fn : NULL;
    double a = o->accumulated_on ? 0.3 : 0.0, b = d->danger_whatif ? a + (1.0 - a) / 2 : 1.0;
    senda__progress_sub_t ap = senda__progress_sub(progress, arg, 0.0, a);
    if (st == SENDA_OK && o->accumulated_on)
        st = accumulate(ctx, in, d->danger, r, fn, &ap);
    senda__progress_sub_t bp = senda__progress_sub(progress, arg, a, b);
    if (st == SENDA_OK)
        st = on_surface(ctx, in, d->danger, o, r, &r->paths, &r->n_paths, &r->lines, fn, &bp);
    senda__progress_sub_t wp = senda__progress_sub(progress, arg, b, 1.0);
    if (st == SENDA_OK && d->danger_whatif)
        st = on_surface(ctx, in, d->danger_whatif, o, r, &r->paths_whatif, &r->n_paths_whatif,
                        &r->lines_whatif, fn, &wp);
    if (st == SENDA_OK && o->likely_on) /* before the profiles: they show its exposure */
        st = senda__pipeline_likely(ctx, in, d, o, r, progress, arg);
    if (st == SENDA_OK && o->profile_dir)
        st = profiles(ctx, o->profile_dir, r);
    return st;
}

static senda_status write_paths(senda_ctx *ctx, const char *gpkg, const char *crs,
                                senda_cost_path *const *paths, size_t n, const char *suffix)
{
    char layer[64], profile[64];
    snprintf(layer, sizeof layer, "paths%s", suffix);
    snprintf(profile, sizeof profile, "path_profile%s", suffix);
    senda_cost_paths_write_opts o;
    senda_cost_paths_write_opts_init(&o);
    o.layer = layer;
    o.profile_layer = profile;
    return senda_cost_paths_write(ctx, gpkg, crs, paths, n, &o);
}

senda_status senda_pipeline_route_write(senda_ctx *ctx, const senda_pipeline_route_result *r,
                                        const char *gpkg)
{
    if (!r || !gpkg)
        return senda__fail(ctx, SENDA_ERR_ARG, "route write: result or path is NULL");
    const char *crs = r->sources ? r->sources->crs : NULL;
    senda_status st = SENDA_OK;
    if (r->accumulated)
        st = senda_export_grid(ctx, gpkg, "accumulated_cost", r->accumulated, NULL, NULL);
    if (st == SENDA_OK && r->paths)
        st = write_paths(ctx, gpkg, crs, r->paths, r->n_paths, "");
    if (st == SENDA_OK && r->paths_whatif)
        st = write_paths(ctx, gpkg, crs, r->paths_whatif, r->n_paths_whatif, "_whatif");
    if (st == SENDA_OK && r->lines)
        st = senda_cost_route_write(ctx, gpkg, r->lines, NULL, NULL);
    if (st == SENDA_OK)
        st = senda__pipeline_likely_write(ctx, r, gpkg);
    return st;
}

/* What `out` gets: the danger stage's coverages and the route layers. */
typedef struct both {
    const senda_pipeline_input *in;
    const senda_pipeline_danger_result *d;
    const senda_pipeline_route_opts *o;
    const senda_pipeline_route_result *r;
    const char *out;
} both;

/* With likely routes the output is a product: the layers, styles, a QGIS
 * project and the model's parameters as provenance. */
static senda_status finish(senda_ctx *ctx, const both *b, const char *gpkg)
{
    senda_status st = senda_export_layers(ctx, gpkg, b->in->layers, NULL, NULL);
    if (st != SENDA_OK)
        return st;
    senda_export_product_info pinfo;
    senda_export_product_info_init(&pinfo);
    pinfo.title = b->d->danger_whatif ? "Likely routes: change with the checkpoint what-if"
                                      : "Likely routes";
    pinfo.final_path = b->out;
    pinfo.crs = senda_layers_crs(b->in->layers);
    char params[4096];
    senda__pipeline_likely_params(b->o, b->d, params, sizeof params);
    pinfo.params = params;
    return senda_export_finish(ctx, gpkg, &pinfo, NULL, NULL);
}

static senda_status write_both(senda_ctx *ctx, const void *arg, const char *gpkg)
{
    const both *b = arg;
    senda_status st = senda_pipeline_danger_write(ctx, b->d, gpkg, 1, 1);
    if (st == SENDA_OK)
        st = senda_pipeline_route_write(ctx, b->r, gpkg);
    return st == SENDA_OK && b->o->likely_on ? finish(ctx, b, gpkg) : st;
}

senda_status senda_pipeline_route(senda_ctx *ctx, const senda_pipeline_input *in,
                                  const senda_pipeline_danger_result *d,
                                  const senda_pipeline_route_opts *o, const char *out,
                                  senda_pipeline_route_result **res,
                                  senda_progress_fn progress, void *arg)
{
    senda__reset(ctx);
    if (!in || !in->layers || !d || !d->danger || !o || !res)
        return senda__fail(ctx, SENDA_ERR_ARG, "route stage: NULL argument or no layers");
    *res = NULL;
    senda_pipeline_route_result *r = senda__calloc(ctx, 1, sizeof *r);
    if (!r)
        return SENDA_ERR_NOMEM;
    senda_status st = stage(ctx, in, d, o, r, progress, arg);
    both b = {in, d, o, r, out};
    if (st == SENDA_OK && out)
        st = senda__pipeline_save(ctx, out, write_both, &b);
    if (st != SENDA_OK) {
        senda_pipeline_route_result_destroy(r);
        return st;
    }
    *res = r;
    return SENDA_OK;
}
