/*
 * surfaces.c - the two surfaces of the route model, kept apart: the choice
 * cost (what people avoid when they choose a way) and the exposure (what
 * harms them on the way they take). Likely routes come from the first
 * (likely.c); risk is the second integrated along them. A what-if on
 * enforcement edits the checkpoints of the choice cost only.
 *
 * Choice cost per km, at the centre p of every cell (units: km-equivalents
 * of plain walking per km):
 *   choice(p) = w_walk * (train_factor if d(p, rail) <= train_range_m else 1)
 *             + w_detect * max_k max(0, 1 - |p - c_k| / detect_range_m)
 *             + w_patrol * max(0, 1 - d(p, patrol_roads) / patrol_range_m)
 * Barriers: the mask's NaN cells (the sea under the land mask), and the
 * cells a line of the optional rivers layer passes (the cells whose centre
 * lies within 0.75 cell of it: a band that no move to one of the 8
 * neighbours jumps over, a diagonal included), except on the rail (people
 * ride over the bridges) and within river_clear_m (at least 1.5 cells) of a
 * point of the optional river_crossings layer (bridges, fords, ferries) or
 * of the border crossings (the Suchiate rafts are such a crossing). The rail is
 * the faster corridor (riding costs train_factor of walking per km); c_k are
 * the checkpoints after the what-if edits, each with a detection halo that
 * falls linearly to 0 at detect_range_m.
 *
 * Exposure per km (units: exposure per km; its integral along a route is
 * the exposure per migrant):
 *   exposure(p) = w_base
 *               + w_incident * rho(p) / rho_max
 *               + w_remote * min(1, d(p, help) / remote_range_m)
 *               + w_train * [d(p, rail) <= train_range_m]
 *               + w_terrain * min(1, |grad z(p)| / slope_full)     (with a DEM)
 * grad z by central differences of the elevation (one-sided beside a
 * nodata or edge cell, 0 when both sides are missing), as GDAL's
 * gdaldem slope -p with -alg ZevenbergenThorne up to the percent scale;
 * rho the incident density (severity-weighted, any units: normalised by its
 * maximum), help the shelters and crossings of the layers and the towns of
 * the bundled gazetteer with at least town_min_population inhabitants
 * (where migrants can get water, care and protection). Checkpoints do not enter
 * exposure: they change where people go, which changes the exposure they
 * meet.
 *
 * Slope: with a DEM, walking moves also cost r.walk's slope time
 * (likely.c); senda_choice_walking gives where people walk (w_walk off the
 * rail, 0 on it), the weight of that term per cell.
 *
 * Defaults and their reasons are in senda_choice_opts_init and
 * senda_exposure_opts_init. The incident term weighs the types apart
 * through the per-type severity weights the reports carry from their
 * import (senda incidents import --severity). Not
 * modelled (documented in docs/cost.md): heat; no river or patrolled-road
 * layer is bundled (a user's layers directory may hold them).
 *
 * Complexity: O(N) per term plus O(K x cells in range) for checkpoints and
 * O(segments x cells in range) for the rail and help points. Memory: the
 * output and one distance grid (8 B a cell each).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cost/cost_int.h"
#include "grid/grid_int.h"
#include "io/io_int.h"

void senda_choice_opts_init(senda_choice_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->w_walk = 1.0;           /* the unit: one km of walking */
    o->train_factor = 0.5;     /* riding the freight train: about twice the km for the
                                  effort and time of walking (with waits and changes) */
    o->train_range_m = 1500.0; /* the rail's cells at 1 km: the line and one cell beside */
    o->w_detect = 5.0;         /* inside the halo, each km costs up to 5 km more: going
                                  straight through a 10 km halo adds about 50 km-equivalents
                                  (linear decay, both sides), so people walk detours of tens
                                  of km around checkpoints, as reported */
    o->detect_range_m = 10000.0;
    o->w_patrol = 2.0;         /* a patrolled road: patrols and roadblocks come and go, so
                                  less than a checkpoint's 5; crossing a road straight
                                  through its 3 km halo adds about 6 km-equivalents, and
                                  people walk parallel to a highway a few km off it */
    o->patrol_range_m = 3000.0; /* seen or heard from the road, and its checks on foot */
    o->river_clear_m = 1000.0; /* a bridge or a ford is a point: open 1 km around it */
}

void senda_exposure_opts_init(senda_exposure_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->w_base = 0.2;             /* walking itself: heat, exhaustion, injuries */
    o->w_incident = 4.0;         /* incidents dominate: 4 x the base ... 20 x at the worst cell,
                                    as the danger surface's w_density */
    o->w_remote = 1.0;           /* far from help, an injury or a kidnapping goes unanswered */
    o->remote_range_m = 30000.0; /* a day's walk: beyond it remoteness counts in full */
    o->town_min_population = 5000; /* a town with a clinic, a parish, a police post */
    o->w_train = 1.0;            /* falls, mutilation, extortion on the train roof */
    o->train_range_m = 1500.0;
    o->w_terrain = 1.0;          /* steep ground at full as much as being a day from help:
                                    falls, injuries and exhaustion on the mountain paths */
    o->slope_full = 0.3;         /* 30 % (17 degrees) and more count in full; r.walk's
                                    steep descents begin at 21 % (12 degrees) */
}

/* The choice options' checks, shared by the choice surface and walking. */
static senda_status check_choice(senda_ctx *ctx, const senda_grid *mask,
                                 const senda_choice_opts *o, senda_grid **out)
{
    senda__reset(ctx);
    if (out)
        *out = NULL;
    if (!mask || !o || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "mask, opts or out is NULL");
    const double v[8] = {o->w_walk,       o->train_range_m,  o->w_detect,     o->detect_range_m,
                         o->train_factor, o->w_patrol,       o->patrol_range_m, o->river_clear_m};
    static const char *const names[8] = {"w_walk",       "train_range_m",  "w_detect",
                                         "detect_range_m", "train_factor", "w_patrol",
                                         "patrol_range_m", "river_clear_m"};
    senda_status st = senda__cost_check_weights(ctx, v, names, 8, o->without_checkpoints,
                                                o->n_without, o->with_checkpoints_xy, o->n_with);
    if (st == SENDA_OK && (!(o->w_walk > 0.0) || !(o->train_factor > 0.0)))
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "w_walk and train_factor must be > 0 (a move "
                           "must cost something), got %g and %g",
                           o->w_walk, o->train_factor);
    return st;
}

/* dist = the smaller of dist and the distance to the nearest point of the
 * named point layers that are loaded (layers may be NULL: none), within
 * about range. */
static senda_status points_distance(senda_ctx *ctx, const senda_layers *layers,
                                    const char *const *names, int n_names, const senda_grid *g,
                                    double range, double *dist)
{
    for (int l = 0; l < n_names; l++) {
        if (!layers || !senda__layers_get(layers, names[l]))
            continue;
        senda_points *p = NULL;
        senda_status st = senda_layers_points(ctx, layers, names[l], &p);
        if (st != SENDA_OK)
            return st;
        for (size_t k = 0; k < p->n; k++)
            senda__cost_segment_distance(g, dist, p->x[k], p->y[k], p->x[k], p->y[k], range);
        senda_points_destroy(p);
    }
    return SENDA_OK;
}

/* The rivers as barriers: c = NaN on the cells within 0.75 cell of a river
 * line unless they are open (open[i] set on entry for the rail's cells;
 * within river_clear_m, at least 1.5 cells, of a river crossing or a border
 * crossing); *n_barred counts them. dist is scratch (one value a cell). */
static senda_status river_barriers(senda_ctx *ctx, const senda_grid *g, const senda_layers *layers,
                                   const senda_choice_opts *o, unsigned char *open, double *dist,
                                   double *c, size_t *n_barred)
{
    size_t n = g->n_rows * g->n_cols;
    double band = 0.75 * g->cell_m, clear = fmax(o->river_clear_m, 1.5 * g->cell_m);
    static const char *const crossings[2] = {SENDA_LAYER_RIVER_CROSSINGS, SENDA_LAYER_CROSSINGS};
    for (size_t i = 0; i < n; i++)
        dist[i] = (double)INFINITY;
    senda_status st = points_distance(ctx, layers, crossings, 2, g, clear, dist);
    for (size_t i = 0; st == SENDA_OK && i < n; i++)
        open[i] |= dist[i] <= clear;
    if (st == SENDA_OK)
        st = senda__cost_line_distance(ctx, layers, SENDA_LAYER_RIVERS, g, band, dist);
    for (size_t i = 0; st == SENDA_OK && i < n; i++)
        if (dist[i] <= band && !open[i] && !isnan(c[i])) {
            c[i] = (double)NAN;
            ++*n_barred;
        }
    return st;
}

senda_status senda_choice_surface(senda_ctx *ctx, const senda_grid *mask,
                                  const senda_layers *layers, const senda_choice_opts *o,
                                  senda_grid **out)
{
    senda_status st = check_choice(ctx, mask, o, out);
    if (st != SENDA_OK)
        return st;
    size_t n = mask->n_rows * mask->n_cols, n_cp = 0;
    senda_grid *c = NULL, *dist = NULL;
    double *cp = NULL;
    /* with rivers, the cells where they are open; the rail's first */
    int rivers = layers && senda__layers_get(layers, SENDA_LAYER_RIVERS);
    unsigned char *open = NULL;
    if ((st = senda__cost_checkpoints(ctx, layers, o->without_checkpoints, o->n_without,
                                      o->with_checkpoints_xy, o->n_with, &cp, &n_cp)) != SENDA_OK ||
        (st = senda__grid_like(ctx, mask, o->w_walk, &c)) != SENDA_OK ||
        (st = senda__grid_like(ctx, mask, (double)INFINITY, &dist)) != SENDA_OK)
        goto done;
    if (rivers && !(open = senda__calloc(ctx, n, 1))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    if (layers && (st = senda__cost_rail_distance(ctx, layers, mask, o->train_range_m,
                                                  dist->data)) != SENDA_OK)
        goto done;
    for (size_t i = 0; i < n; i++)
        if (dist->data[i] <= o->train_range_m) {
            c->data[i] = o->w_walk * o->train_factor;
            if (open)
                open[i] = 1;
        }
    for (size_t i = 0; i < n; i++)
        dist->data[i] = (double)INFINITY;
    for (size_t k = 0; k < n_cp; k++)
        senda__cost_segment_distance(mask, dist->data, cp[2 * k], cp[2 * k + 1], cp[2 * k],
                                     cp[2 * k + 1], o->detect_range_m);
    for (size_t i = 0; i < n; i++) {
        if (dist->data[i] < o->detect_range_m)
            c->data[i] += o->w_detect * (1.0 - dist->data[i] / o->detect_range_m);
        if (isnan(mask->data[i]))
            c->data[i] = (double)NAN;
    }
    int roads = layers && senda__layers_get(layers, SENDA_LAYER_PATROL_ROADS);
    if (roads && o->w_patrol > 0.0 && o->patrol_range_m > 0.0) {
        if ((st = senda__cost_line_distance(ctx, layers, SENDA_LAYER_PATROL_ROADS, mask,
                                            o->patrol_range_m, dist->data)) != SENDA_OK)
            goto done;
        for (size_t i = 0; i < n; i++)
            if (dist->data[i] < o->patrol_range_m)
                c->data[i] += o->w_patrol * (1.0 - dist->data[i] / o->patrol_range_m);
    }
    size_t n_river = 0;
    if (rivers && (st = river_barriers(ctx, mask, layers, o, open, dist->data, c->data,
                                       &n_river)) != SENDA_OK)
        goto done;
    char desc[256];
    snprintf(desc, sizeof desc,
             "choice = %g x (%g on rail within %g m) + %g x checkpoint halo (%g m, %zu "
             "checkpoints)%s; %zu river cells barred",
             o->w_walk, o->train_factor, o->train_range_m, o->w_detect, o->detect_range_m, n_cp,
             roads ? " + patrolled roads" : "", n_river);
    senda_grid_set_units(ctx, c, "choice cost per km", desc);
done:
    senda__free(cp);
    senda__free(open);
    senda_grid_destroy(dist);
    if (st != SENDA_OK)
        senda_grid_destroy(c);
    else
        *out = c;
    return st;
}

senda_status senda_choice_walking(senda_ctx *ctx, const senda_grid *mask,
                                  const senda_layers *layers, const senda_choice_opts *o,
                                  senda_grid **out)
{
    senda_status st = check_choice(ctx, mask, o, out);
    if (st != SENDA_OK)
        return st;
    senda_grid *w = NULL, *dist = NULL;
    st = senda__grid_like(ctx, mask, o->w_walk, &w);
    if (st == SENDA_OK)
        st = senda__grid_like(ctx, mask, (double)INFINITY, &dist);
    if (st == SENDA_OK && layers)
        st = senda__cost_rail_distance(ctx, layers, mask, o->train_range_m, dist->data);
    for (size_t i = 0; st == SENDA_OK && i < mask->n_rows * mask->n_cols; i++)
        w->data[i] = isnan(mask->data[i]) ? (double)NAN
                     : dist->data[i] <= o->train_range_m ? 0.0 : o->w_walk;
    if (st == SENDA_OK)
        st = senda_grid_set_units(ctx, w, "walking weight per km",
                                  "w_walk off the rail, 0 on it (people ride)");
    senda_grid_destroy(dist);
    if (st != SENDA_OK)
        senda_grid_destroy(w);
    else
        *out = w;
    return st;
}

/* dist = distance to the nearest shelter, crossing or town of at least
 * min_population (the places of help). */
static senda_status help_distance(senda_ctx *ctx, const senda_layers *layers, const senda_grid *g,
                                  double range, long min_population, double *dist)
{
    static const char *const names[2] = {SENDA_LAYER_SHELTERS, SENDA_LAYER_CROSSINGS};
    senda_status st = points_distance(ctx, layers, names, 2, g, range, dist);
    if (st != SENDA_OK || !layers || min_population <= 0)
        return st;
    double *xy = NULL;
    size_t n = 0;
    st = senda__cost_towns(ctx, layers, min_population, &xy, &n);
    for (size_t k = 0; st == SENDA_OK && k < n; k++)
        senda__cost_segment_distance(g, dist, xy[2 * k], xy[2 * k + 1], xy[2 * k], xy[2 * k + 1],
                                     range);
    senda__free(xy);
    return st;
}

/* The elevation's rate of change along one axis at cell i: central
 * difference, one-sided beside a missing (edge or NaN) neighbour, 0 when
 * both are missing. lo / hi: whether the neighbour before / after exists. */
static double grad1(const double *z, size_t i, size_t step, int lo, int hi, double cell)
{
    double a = lo ? z[i - step] : (double)NAN, b = hi ? z[i + step] : (double)NAN;
    if (!isnan(a) && !isnan(b))
        return (b - a) / (2.0 * cell);
    if (!isnan(b))
        return (b - z[i]) / cell;
    if (!isnan(a))
        return (z[i] - a) / cell;
    return 0.0;
}

/* e += w x min(1, |grad z| / full) on the cells with an elevation. */
static void add_terrain(const senda_grid *dem, double w, double full, double *e)
{
    size_t nr = dem->n_rows, nc = dem->n_cols;
    const double *z = dem->data;
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            size_t i = r * nc + c;
            if (isnan(z[i]))
                continue;
            /* x grows east (columns), y north (rows grow south): only the
             * magnitude is used, so the signs do not matter */
            double gx = grad1(z, i, 1, c > 0, c + 1 < nc, dem->cell_m);
            double gy = grad1(z, i, nc, r > 0, r + 1 < nr, dem->cell_m);
            e[i] += w * fmin(1.0, hypot(gx, gy) / full);
        }
}

senda_status senda_exposure_surface(senda_ctx *ctx, const senda_grid *density,
                                    const senda_layers *layers, const senda_exposure_opts *o,
                                    senda_grid **out)
{
    senda__reset(ctx);
    if (out)
        *out = NULL;
    if (!density || !o || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "density, opts or out is NULL");
    const double v[8] = {o->w_base,        o->w_incident,    o->w_remote, o->remote_range_m,
                         o->w_train,       o->train_range_m, o->w_terrain, o->slope_full};
    static const char *const names[8] = {"w_base",  "w_incident",    "w_remote",  "remote_range_m",
                                         "w_train", "train_range_m", "w_terrain", "slope_full"};
    senda_status st = senda__cost_check_weights(ctx, v, names, 8, NULL, 0, NULL, 0);
    if (st != SENDA_OK)
        return st;
    if (o->dem && (o->dem->n_rows != density->n_rows || o->dem->n_cols != density->n_cols))
        return senda__fail(ctx, SENDA_ERR_ARG,
                           "DEM grid (%zu x %zu) and density grid (%zu x %zu) differ in shape",
                           o->dem->n_rows, o->dem->n_cols, density->n_rows, density->n_cols);
    if (o->dem && o->w_terrain > 0.0 && !(o->slope_full > 0.0))
        return senda__fail(ctx, SENDA_ERR_ARG, "slope_full must be > 0 with a DEM, got %g",
                           o->slope_full);
    const senda_grid *g = density;
    size_t n = g->n_rows * g->n_cols;
    senda_grid *e = NULL, *dist = NULL;
    if ((st = senda__grid_like(ctx, g, o->w_base, &e)) != SENDA_OK ||
        (st = senda__grid_like(ctx, g, (double)INFINITY, &dist)) != SENDA_OK)
        goto done;
    senda__cost_add_density(g, o->w_incident, e->data);
    /* remoteness saturates at the range: farther cells than the range need no distance */
    if ((st = help_distance(ctx, layers, g, o->remote_range_m, o->town_min_population,
                            dist->data)) != SENDA_OK)
        goto done;
    for (size_t i = 0; i < n; i++)
        if (o->remote_range_m > 0.0)
            e->data[i] += o->w_remote * fmin(1.0, dist->data[i] / o->remote_range_m);
    if (layers && o->w_train > 0.0) {
        if ((st = senda__cost_rail_distance(ctx, layers, g, o->train_range_m, dist->data)) !=
            SENDA_OK)
            goto done;
        for (size_t i = 0; i < n; i++)
            if (dist->data[i] <= o->train_range_m)
                e->data[i] += o->w_train;
    }
    if (o->dem && o->w_terrain > 0.0)
        add_terrain(o->dem, o->w_terrain, o->slope_full, e->data);
    for (size_t i = 0; i < n; i++)
        if (isnan(g->data[i]))
            e->data[i] = (double)NAN;
    char desc[256], terrain[64] = "";
    if (o->dem && o->w_terrain > 0.0)
        snprintf(terrain, sizeof terrain, " + %g x terrain (slope / %g)", o->w_terrain,
                 o->slope_full);
    snprintf(desc, sizeof desc,
             "exposure = %g + %g x rho/rho_max + %g x remoteness (%g m) + %g x train (%g m)%s",
             o->w_base, o->w_incident, o->w_remote, o->remote_range_m, o->w_train,
             o->train_range_m, terrain);
    senda_grid_set_units(ctx, e, "exposure per km", desc);
done:
    senda_grid_destroy(dist);
    if (st != SENDA_OK)
        senda_grid_destroy(e);
    else
        *out = e;
    return st;
}
