/*
 * likely.c - the route stage's likely routes (senda_pipeline_route with
 * likely_on): the exposure per km from the danger stage's density
 * (senda_exposure_surface, masked like the danger), the choice cost on the
 * surface and again on the what-if surface with the same checkpoint edits
 * (senda_choice_surface), the likely routes from the sources to the
 * destinations on each (senda_likely_routes: Dial 1971 / randomized shortest
 * paths, engine/cost/likely*.c) and their change (senda_likely_compare). A
 * what-if changes the choice, not the exposure, so the exposure is computed
 * once. With a DEM (opts->dem) walking moves also cost r.walk's slope time
 * (engine/cost/likely_slope.c). The lines' windows get the exposure along
 * the likely routes (senda_cost_route_likely) before the profiles are drawn.
 * Written as coverages exposure, choice_cost, route_density (and _whatif,
 * route_density_change), the per-crossing table likely_corridors, the
 * what-if's checkpoints (checkpoints_added/_removed) and the demand on flows
 * for `senda site`.
 * Cost: the likely routes' (see their file) once or twice; memory: the
 * grids.
 */
#include <stdio.h>
#include <string.h>

#include "grid/grid_int.h"
#include "pipeline/pipeline_int.h"

#define MAX_NAMES 64

static senda_status one(senda_ctx *ctx, const senda_pipeline_input *in,
                        const senda_pipeline_route_opts *o, const senda_likely_opts *lo,
                        const senda_grid *danger, const senda_cost_danger_opts *edits,
                        senda_grid **choice, senda_likely_result **res,
                        senda_pipeline_route_result *r, senda_progress_fn progress, void *arg)
{
    senda_choice_opts co = o->choice;
    co.without_checkpoints = edits ? edits->without_checkpoints : NULL;
    co.n_without = edits ? edits->n_without : 0;
    co.with_checkpoints_xy = edits ? edits->with_checkpoints_xy : NULL;
    co.n_with = edits ? edits->n_with : 0;
    senda_status st = senda_choice_surface(ctx, danger, in->layers, &co, choice);
    if (st == SENDA_OK)
        st = senda_likely_routes(ctx, *choice, r->exposure, r->sources, r->flows,
                                 r->destinations, lo, res, progress, arg);
    return st;
}

/* What the likely routes give the rest of the stage: exposure along the
 * lines per window (for the profiles and route_segments), incidents per
 * 1,000 migrants per corridor with flows, and what the product's what-if
 * checkpoint layers are written from. */
static senda_status after(senda_ctx *ctx, const senda_pipeline_input *in,
                          const senda_pipeline_danger_result *d, senda_pipeline_route_result *r)
{
    senda_status st = SENDA_OK;
    if (r->lines)
        st = senda_cost_route_likely(ctx, r->lines, r->likely->density, r->exposure);
    if (st == SENDA_OK && r->lines_whatif && r->likely_whatif)
        st = senda_cost_route_likely(ctx, r->lines_whatif, r->likely_whatif->density,
                                     r->exposure);
    r->layers = in->layers;
    r->edits = d->danger_whatif ? &d->edits : NULL;
    r->with_names = d->with_names;
    if (st != SENDA_OK || !r->flows || !in->incidents)
        return st;
    size_t n = r->sources->n ? r->sources->n : 1;
    if (!(r->incidents_per_1000 = senda__calloc2(ctx, n, sizeof(double))))
        return SENDA_ERR_NOMEM;
    st = senda_likely_incident_rate(ctx, r->likely, in->incidents, r->flows,
                                    r->incidents_per_1000, NULL);
    if (st != SENDA_OK || !r->likely_whatif)
        return st;
    if (!(r->incidents_per_1000_whatif = senda__calloc2(ctx, n, sizeof(double))))
        return SENDA_ERR_NOMEM;
    return senda_likely_incident_rate(ctx, r->likely_whatif, in->incidents, r->flows,
                                      r->incidents_per_1000_whatif, NULL);
}

/* With a DEM: the elevation on the danger grid (*dem: dem_density itself
 * when it is on the same cells, else *own, read onto them) and where people
 * walk. */
static senda_status slope_grids(senda_ctx *ctx, const senda_pipeline_input *in,
                                const senda_pipeline_danger_result *d,
                                const senda_pipeline_route_opts *o, const senda_grid *dem_density,
                                const senda_grid **dem, senda_grid **own, senda_grid **walking)
{
    senda_status st = SENDA_OK;
    if (senda__grid_same_cells(dem_density, d->danger))
        *dem = dem_density;
    else if ((st = senda_grid_read_onto(ctx, o->dem, d->danger, own)) == SENDA_OK)
        *dem = *own;
    if (st == SENDA_OK)
        st = senda_choice_walking(ctx, d->danger, in->layers, &o->choice, walking);
    return st;
}

senda_status senda__pipeline_likely(senda_ctx *ctx, const senda_pipeline_input *in,
                                    const senda_pipeline_danger_result *d,
                                    const senda_pipeline_route_opts *o,
                                    senda_pipeline_route_result *r, senda_progress_fn progress,
                                    void *arg)
{
    if (!d->density)
        return senda__fail(ctx, SENDA_ERR_ARG, "likely routes need the incident density: "
                           "compute the surface, do not read it from a raster");
    /* with a DEM, the exposure's terrain term reads it on the density's cells */
    senda_grid *dem_density = NULL;
    senda_exposure_opts eo = o->exposure;
    senda_status st = SENDA_OK;
    if (o->dem && (st = senda_grid_read_onto(ctx, o->dem, d->density, &dem_density)) == SENDA_OK)
        eo.dem = dem_density;
    if (st == SENDA_OK)
        st = senda_exposure_surface(ctx, d->density, in->layers, &eo, &r->exposure);
    if (st == SENDA_OK && d->land_masked)
        st = senda_layers_mask_grid(ctx, in->layers, "land", r->exposure, NULL);
    /* the crossings by name: the flows file's rows, and the messages */
    const char *names[MAX_NAMES];
    size_t n_names = r->sources->n < MAX_NAMES ? r->sources->n : MAX_NAMES;
    for (size_t i = 0; i < n_names; i++)
        names[i] = r->source_names[i];
    if (st == SENDA_OK && o->flows) {
        if (!(r->flows = senda__calloc2(ctx, r->sources->n ? r->sources->n : 1, sizeof *r->flows)))
            st = SENDA_ERR_NOMEM;
        else
            st = senda_flows_read(ctx, o->flows, names, n_names, r->flows);
    }
    senda_grid *dem_own = NULL, *walking = NULL;
    senda_likely_opts lo = o->likely;
    if (r->sources->n <= MAX_NAMES)
        lo.origin_names = names;
    if (st == SENDA_OK && o->dem)
        st = slope_grids(ctx, in, d, o, dem_density, &lo.dem, &dem_own, &walking);
    lo.walking = walking;
    senda_progress_fn fn = progress ? senda__progress_sub_fn : NULL;
    double mid = d->danger_whatif ? 0.5 : 1.0;
    senda__progress_sub_t bp = senda__progress_sub(progress, arg, 0.0, mid);
    if (st == SENDA_OK)
        st = one(ctx, in, o, &lo, d->danger, NULL, &r->choice_cost, &r->likely, r, fn, &bp);
    senda__progress_sub_t ap = senda__progress_sub(progress, arg, mid, 1.0);
    if (st == SENDA_OK && d->danger_whatif)
        st = one(ctx, in, o, &lo, d->danger_whatif, &d->edits, &r->choice_cost_whatif,
                 &r->likely_whatif, r, fn, &ap);
    if (st == SENDA_OK && d->danger_whatif)
        st = senda_likely_compare(ctx, r->likely, r->likely_whatif, in->layers,
                                  o->shelter_radius_m, &r->likely_change);
    if (st == SENDA_OK)
        st = after(ctx, in, d, r);
    senda_grid_destroy(dem_density);
    senda_grid_destroy(dem_own);
    senda_grid_destroy(walking);
    return st;
}

/* The per-crossing table and the what-if's checkpoints (likely_write.c). */
static senda_status write_tables(senda_ctx *ctx, const senda_pipeline_route_result *r,
                                 const char *gpkg)
{
    const char *names[MAX_NAMES];
    size_t n = r->sources->n < MAX_NAMES ? r->sources->n : MAX_NAMES;
    for (size_t i = 0; i < n; i++)
        names[i] = r->source_names[i];
    if (r->sources->n > MAX_NAMES)
        return senda__fail(ctx, SENDA_ERR_ARG, "likely routes: at most %d crossings, got %zu",
                           MAX_NAMES, r->sources->n);
    senda_likely_corridors c = {r->sources, names, r->flows, r->likely, r->likely_whatif,
                                r->incidents_per_1000, r->incidents_per_1000_whatif};
    senda_status st = senda_likely_corridors_write(ctx, gpkg, &c);
    if (st == SENDA_OK && r->edits && r->likely_whatif)
        st = senda_cost_checkpoints_write(ctx, gpkg, r->layers, r->edits, r->with_names);
    return st;
}

/* Demand on flows (route density x exposure) for `senda site`. */
static senda_status write_demand(senda_ctx *ctx, const senda_likely_result *lr,
                                 const senda_grid *e, const char *gpkg, const char *layer)
{
    senda_points *p = NULL;
    senda_status st = senda_siting_demand_from_flows(ctx, lr->density, e, 0.001, &p);
    if (st == SENDA_OK)
        st = senda_siting_demand_write(ctx, gpkg, layer, p);
    senda_points_destroy(p);
    return st;
}

senda_status senda__pipeline_likely_write(senda_ctx *ctx, const senda_pipeline_route_result *r,
                                          const char *gpkg)
{
    if (!r->likely)
        return SENDA_OK;
    senda_status st = write_tables(ctx, r, gpkg);
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, gpkg, "exposure", r->exposure, NULL, NULL);
    if (st == SENDA_OK)
        st = write_demand(ctx, r->likely, r->exposure, gpkg, "flow_demand");
    if (st == SENDA_OK && r->likely_whatif)
        st = write_demand(ctx, r->likely_whatif, r->exposure, gpkg, "flow_demand_whatif");
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, gpkg, "choice_cost", r->choice_cost, NULL, NULL);
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, gpkg, "route_density", r->likely->density, NULL, NULL);
    if (st != SENDA_OK || !r->likely_whatif)
        return st;
    st = senda_export_grid(ctx, gpkg, "choice_cost_whatif", r->choice_cost_whatif, NULL, NULL);
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, gpkg, "route_density_whatif", r->likely_whatif->density,
                               NULL, NULL);
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, gpkg, "route_density_change", r->likely_change->difference,
                               NULL, NULL);
    return st;
}

void senda__pipeline_likely_params(const senda_pipeline_route_opts *o,
                                   const senda_pipeline_danger_result *d, char *buf, size_t size)
{
    const senda_choice_opts *c = &o->choice;
    const senda_exposure_opts *e = &o->exposure;
    const senda_cost_danger_opts *w = &d->edits;
    int n = snprintf(buf, size,
                     "likely.theta: %g\nchoice.w_walk: %g\nchoice.train_factor: %g\n"
                     "choice.train_range_m: %g\nchoice.w_detect: %g\nchoice.detect_range_m: %g\n"
                     "exposure.w_base: %g\nexposure.w_incident: %g\nexposure.w_remote: %g\n"
                     "exposure.remote_range_m: %g\nexposure.town_min_population: %ld\n"
                     "exposure.w_train: %g\nexposure.w_terrain: %g\nexposure.slope_full: %g\n"
                     "choice.w_patrol: %g\nchoice.patrol_range_m: %g\nchoice.river_clear_m: %g\n"
                     "flows: %s\nchoice.dem: %s\n"
                     "choice.walk_coeff: %g,%g,%g,%g\nchoice.slope_factor: %g\n"
                     "whatif.without_checkpoints:",
                     o->likely.theta, c->w_walk, c->train_factor, c->train_range_m, c->w_detect,
                     c->detect_range_m, e->w_base, e->w_incident, e->w_remote, e->remote_range_m,
                     e->town_min_population, e->w_train, e->w_terrain, e->slope_full,
                     c->w_patrol, c->patrol_range_m, c->river_clear_m,
                     o->flows ? o->flows : "equal",
                     o->dem ? o->dem : "none", o->likely.walk.a, o->likely.walk.b,
                     o->likely.walk.c, o->likely.walk.d, o->likely.walk.slope_factor);
    for (size_t i = 0; i < w->n_without && n > 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, " %s;", w->without_checkpoints[i]);
    if (n > 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, "\nwhatif.with_checkpoints_xy:");
    for (size_t i = 0; i < w->n_with && n > 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, " %.1f %.1f;", w->with_checkpoints_xy[2 * i],
                      w->with_checkpoints_xy[2 * i + 1]);
    if (n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, "\n");
}
