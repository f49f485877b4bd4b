/*
 * run.c - one scenario through the whole pipeline into one GeoPackage
 * (senda_scenario_run), the batch driver over a scenario file is in
 * runall.c.
 *
 * Order, in the scenario's CRS: corridor layers (senda_layers_open) ->
 * incidents (an existing store read through the scenario's filter; or
 * files, or `synthetic: N` generated rows, imported with the spatial join
 * into a scratch store beside the output) -> density and danger surface on
 * one grid covering the layers and the incidents (senda_cost_danger_from_points:
 * kernel density, then the danger formula of engine/cost/danger.c) -> Gi*
 * on square cells of 5 x cell_m over the incidents' extent padded by one
 * cell (senda_hotspot_gistar, every cell in the statistic, distance band
 * chosen automatically as ArcGIS's Optimized Hot Spot Analysis; coarser than
 * the density so that a cell holds several incidents and the layer stays a
 * few thousand polygons; counting events unless hotspot.weighted; cells on
 * the `land` layer only; when the statistic is refused or impossible - fewer
 * than 30 incidents, no variance - the run warns and goes on without the
 * layer; with hotspot.emerging the emerging hot spots' layers on the same
 * cells, engine/hotspot/emerging.c)
 * -> accumulated cost from every border
 * crossing over the danger surface (senda_cost_accumulate, GRASS r.cost
 * moves, move unit 1 km so the value is danger per km x km) and the
 * least-danger paths from routes.from to routes.to (senda_cost_paths) ->
 * danger per km along the rail lines (senda_cost_route_score, a profile PNG of
 * the longest line beside the output) -> shelter siting (maximal covering
 * or set covering of the filtered incidents' weight, or with siting.demand
 * danger of the danger-surface cells within 10 km of the rail as
 * docs/siting.md describes, candidates on a
 * lattice along the rail, the open shelters counting first, exposure = the
 * danger at the site) -> the product: corridor layers, incidents, surfaces
 * as Float32 gridded coverages, the stage layers, styles, QGIS project and
 * provenance (scenario text, every parameter, inputs with SHA-256, counts).
 *
 * Atomicity: everything is written into "<dir>/.<name>.tmp-senda-<pid>"
 * and renamed onto the output only when complete; on failure or cancel the
 * temporary file and the scratch store are removed and a previous output is
 * untouched (a kill -9 leaves the temporary file behind, never a partial
 * output under the final name). `stages:` selects what is written; a stage
 * that needs another's result computes it without writing it (the danger
 * surface for cost, route and siting; the density for the danger surface).
 * Cost: the sum of the stages; memory: about four grids of 8 B a cell plus
 * the incidents.
 */
#include <math.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "export/export_int.h"
#include "io/gpkg_int.h"
#include "privacy/privacy_int.h"
#include "scenario/scenario_int.h"

void senda_scenario_run_opts_init(senda_scenario_run_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->jobs = 1;
    o->n_threads = 0; /* 0: 2 with one job, else 1 */
}

/* 1 when stage is listed in the comma-separated stages. */
int senda__stage_on(const char *stages, const char *stage)
{
    size_t n = strlen(stage);
    for (const char *p = stages; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, stage, n) == 0)
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

/* Everything one run holds, freed by run_free. */
typedef struct run_state {
    senda_ctx *ctx;
    const senda_scenario *sc;
    const senda_scenario_run_opts *opts;
    senda_scenario_run_result *res;
    senda_progress_fn progress;
    void *progress_arg;
    int threads;
    char tmp[1100], store[1200], csv[1200], png[1100];
    int own_store;
    senda_layers *layers;
    senda_points *pts;
    senda_grid *density, *danger, *accum;
    senda_hotspot_gistar_result *gi;
    senda_emerging_result *em; /* hotspot.emerging */
    senda_cost_path **paths;
    size_t n_paths;
    senda_cost_route_result *route;
    senda_points *cand, *existing, *demand; /* demand: danger cells (siting.demand) */
    double *exposure;
    senda_siting_result *site;
    double siting_radius;
} run_state;

static void run_free(run_state *s)
{
    senda_layers_destroy(s->layers);
    senda_points_destroy(s->pts);
    senda_grid_destroy(s->density);
    senda_grid_destroy(s->danger);
    senda_grid_destroy(s->accum);
    senda_hotspot_gistar_result_destroy(s->gi);
    senda_emerging_result_destroy(s->em);
    senda_cost_paths_destroy(s->paths, s->n_paths);
    senda_cost_route_result_destroy(s->route);
    senda_points_destroy(s->cand);
    senda_points_destroy(s->existing);
    senda_points_destroy(s->demand);
    senda__free(s->exposure);
    senda_siting_result_destroy(s->site);
}

/* The sub-progress of [lo, hi] of the run (NULL fn when no progress). */
#define SUB(s, name, lo, hi)                                                                   \
    senda__progress_sub_t name = senda__progress_sub((s)->progress, (s)->progress_arg, lo, hi)
#define SUBFN(s) ((s)->progress ? senda__progress_sub_fn : NULL)

static int on(const run_state *s, const char *stage) { return senda__stage_on(s->sc->stages, stage); }

static int need_danger(const run_state *s)
{
    return on(s, "danger") || on(s, "cost") || on(s, "route") || on(s, "siting");
}

/* The scenario's filter as YAML-like text, e.g. {victims: women, perpetrators: [police]}. */
static void filter_text(const senda_scenario *sc, char *buf, size_t size)
{
    const char *k[5] = {"types", "date_from", "date_to", "victims", "perpetrators"};
    const char *v[5] = {sc->types, sc->date_from, sc->date_to, sc->victims, sc->perpetrators};
    size_t len = (size_t)snprintf(buf, size, "{");
    int first = 1;
    for (int i = 0; i < 5 && len < size; i++) {
        if (!v[i][0])
            continue;
        int list = i == 0 || i == 4;
        len += (size_t)snprintf(buf + len, size - len, "%s%s: %s%s%s", first ? "" : ", ", k[i],
                                list ? "[" : "", v[i], list ? "]" : "");
        first = 0;
    }
    if (len < size)
        snprintf(buf + len, size - len, "}");
}

/* Incidents: store read directly, or a scratch store filled by import. */
static senda_status stage_incidents(run_state *s, double lo, double hi)
{
    senda_ctx *ctx = s->ctx;
    const senda_scenario *sc = s->sc;
    senda_status st = SENDA_OK;
    if (sc->store[0]) {
        snprintf(s->store, sizeof s->store, "%s", sc->store);
        s->res->n_read = s->res->n_accepted = s->res->n_rejected = s->res->n_duplicate = -1;
    } else {
        snprintf(s->store, sizeof s->store, "%s.store.gpkg", s->tmp);
        unlink(s->store);
        s->own_store = 1;
        const char *files[SENDA_SCENARIO_MAX_SOURCES];
        size_t n_files = 0;
        double mid = lo;
        if (sc->synth_n > 0) {
            senda_incidents_synth_opts so;
            senda_incidents_synth_opts_init(&so);
            so.n = (size_t)sc->synth_n;
            so.seed = (uint64_t)sc->synth_seed;
            snprintf(s->csv, sizeof s->csv, "%s.synthetic.csv", s->tmp);
            mid = lo + 0.3 * (hi - lo);
            SUB(s, sp, lo, mid);
            if ((st = senda_incidents_synth(ctx, s->layers, &so, s->csv, SUBFN(s), &sp)))
                return st;
            files[n_files++] = s->csv;
        } else {
            for (size_t i = 0; i < sc->n_sources; i++)
                files[n_files++] = sc->sources[i];
        }
        senda_incidents_import_opts io;
        senda_incidents_import_opts_init(&io);
        io.layers = s->layers;
        io.n_threads = s->threads;
        senda_incidents_import_summary sum;
        SUB(s, ip, mid, hi - 0.1 * (hi - lo));
        if ((st = senda_incidents_import(ctx, s->store, files, n_files, &io, &sum, SUBFN(s),
                                         &ip)))
            return st;
        s->res->n_read = sum.read;
        s->res->n_accepted = sum.accepted;
        s->res->n_rejected = sum.rejected;
        s->res->n_duplicate = sum.duplicate;
    }
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    f.types = sc->types[0] ? sc->types : NULL;
    f.date_from = sc->date_from[0] ? sc->date_from : NULL;
    f.date_to = sc->date_to[0] ? sc->date_to : NULL;
    f.victims = sc->victims[0] ? sc->victims : NULL;
    f.perpetrators = sc->perpetrators[0] ? sc->perpetrators : NULL;
    f.precision = sc->precision[0] ? sc->precision : NULL;
    f.weighted = sc->weighted;
    if ((st = senda_incidents_points(ctx, s->store, &f, senda_layers_crs(s->layers), &s->pts)))
        return st;
    if ((st = senda_incidents_count_coarser(ctx, s->store, &f, &s->res->n_coarser_left_out)))
        return st;
    s->res->n_incidents = (long)s->pts->n;
    if (s->pts->n == 0 && !sc->allow_empty) {
        char ftxt[700];
        filter_text(sc, ftxt, sizeof ftxt);
        return senda__fail(ctx, SENDA_ERR_DATA, "scenario '%s': the filter %s leaves no "
                           "incident in %s; nothing written (set `allow_empty: true` to write "
                           "a product titled \"0 incidents\")", sc->name, ftxt,
                           sc->store[0] ? sc->store : "the imported incidents");
    }
    if (s->pts->n == 0)
        senda__log(ctx, 1, "scenario '%s': no incident passes the filter (allow_empty: the "
                   "product says \"0 incidents\")", sc->name);
    return senda__progress(ctx, s->progress, s->progress_arg, hi, "incidents")
               ? SENDA_OK
               : SENDA_ERR_CANCELLED;
}

/* Split "A; B; C" into at most max names (pointers into buf). */
static size_t split_names(char *buf, const char **names, size_t max)
{
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ";", &save); t && n < max;
         t = strtok_r(NULL, ";", &save)) {
        while (*t == ' ')
            t++;
        if (*t)
            names[n++] = t;
    }
    return n;
}

static senda_status stage_danger(run_state *s, double lo, double hi)
{
    const senda_scenario *sc = s->sc;
    senda_hotspot_kde_opts kde;
    senda_hotspot_kde_opts_init(&kde);
    kde.radius_m = sc->radius_m;
    kde.n_threads = s->threads;
    if (senda_hotspot_kernel_from_name(sc->kernel, &kde.kernel) ||
        senda_hotspot_kde_scale_from_name(sc->kde_scale, &kde.scale))
        return senda__fail(s->ctx, SENDA_ERR_ARG, "unknown kernel '%s' or scale '%s'",
                           sc->kernel, sc->kde_scale);
    senda_cost_danger_opts d;
    senda_cost_danger_opts_init(&d);
    d.w_base = sc->danger_w_base;
    d.w_density = sc->danger_w_density;
    d.w_checkpoint = sc->danger_w_checkpoint;
    d.w_rail = sc->danger_w_rail;
    d.checkpoint_range_m = sc->danger_checkpoint_range_m;
    d.rail_range_m = sc->danger_rail_range_m;
    char buf[sizeof sc->without_checkpoints];
    const char *without[64];
    snprintf(buf, sizeof buf, "%s", sc->without_checkpoints);
    d.n_without = split_names(buf, without, 64);
    d.without_checkpoints = d.n_without ? without : NULL;
    SUB(s, sp, lo, hi);
    senda_status st = senda_cost_danger_from_points(s->ctx, s->pts, s->layers, sc->cell_m, sc->pad_m,
                                               &kde, &d, &s->density, &s->danger, SUBFN(s), &sp);
    /* With a `land` layer (the bundled layers have one) the sea is nodata:
     * impassable, so least-danger paths stay on land. */
    if (st == SENDA_OK && senda_layers_find(s->layers, "land") >= 0)
        st = senda_layers_mask_grid(s->ctx, s->layers, "land", s->danger, NULL);
    return st;
}

/* hotspot.emerging: the space-time cube on the Gi* cells, with the same options. */
static senda_status stage_emerging(run_state *s, const senda_points *pts,
                                   const senda_hotspot_gistar_opts *go, const senda_grid_spec *spec)
{
    senda_emerging_opts eo;
    senda_emerging_opts_init(&eo);
    if (senda_time_step_from_name(s->sc->emerging, &eo.step) != 0)
        return senda__fail(s->ctx, SENDA_ERR_ARG, "hotspot.emerging: '%s' is not month, "
                           "quarter or year", s->sc->emerging);
    int32_t *d0 = NULL, *d1 = NULL;
    senda_status st = senda_incidents_dates(s->ctx, s->store, pts, &d0, &d1);
    if (st == SENDA_OK)
        st = senda_hotspot_emerging(s->ctx, pts, d0, d1, go, &eo, spec, &s->em, NULL, NULL);
    senda_free(d0);
    senda_free(d1);
    return st;
}

/* Gi* over the incidents' extent on cells of hotspot cell size. */
static senda_status stage_hotspot(run_state *s, double lo, double hi)
{
    senda_ctx *ctx = s->ctx;
    senda_hotspot_gistar_opts go;
    senda_hotspot_gistar_opts_init(&go);
    go.n_threads = s->threads;
    /* events by default (ArcGIS's Optimized Hot Spot Analysis counts points);
     * hotspot.weighted: true keeps the filter's weights */
    go.counted = s->sc->hotspot_weighted ? (s->sc->weighted ? "severity x victims (incidents "
                                                              "weighted)"
                                                            : "incidents (events, each counts 1)")
                                         : "incidents (events, each counts 1)";
    long land = senda_layers_find(s->layers, "land");
    if (land >= 0) { /* cells over the sea never enter the statistic */
        go.cells = SENDA_GISTAR_STUDY_AREA;
        go.study_area = senda_layers_report(s->layers, (size_t)land)->path;
    }
    senda_points *ev = NULL;
    if (!s->sc->hotspot_weighted) {
        senda_status st0 = senda_points_create(ctx, s->pts->n, s->pts->crs, &ev);
        if (st0)
            return st0;
        memcpy(ev->x, s->pts->x, s->pts->n * sizeof *ev->x);
        memcpy(ev->y, s->pts->y, s->pts->n * sizeof *ev->y);
        memcpy(ev->id, s->pts->id, s->pts->n * sizeof *ev->id);
    }
    double cell = s->sc->cell_m * 5.0;
    senda_grid *g = NULL;
    senda_status st = senda_grid_for_points(ctx, s->pts, cell, cell, &g);
    if (st) {
        senda_points_destroy(ev);
        return st;
    }
    senda_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.cell_m = cell;
    spec.shape = SENDA_CELLS_SQUARE;
    spec.x_min = senda_grid_x_min(g);
    spec.y_max = senda_grid_y_max(g);
    spec.x_max = spec.x_min + (double)senda_grid_n_cols(g) * cell;
    spec.y_min = spec.y_max - (double)senda_grid_n_rows(g) * cell;
    snprintf(spec.crs, sizeof spec.crs, "%s", s->pts->crs);
    senda_grid_destroy(g);
    SUB(s, sp, lo, hi);
    st = senda_hotspot_gistar(ctx, ev ? ev : s->pts, &go, &spec, &s->gi, SUBFN(s), &sp);
    if (st == SENDA_OK && s->sc->emerging[0])
        st = stage_emerging(s, ev ? ev : s->pts, &go, &spec);
    senda_points_destroy(ev);
    return st;
}

/* Places "A; B" resolved into points. */
static senda_status places(run_state *s, const char *text, senda_points **out,
                           const char **names, char *buf, size_t buf_size, size_t *n_out)
{
    snprintf(buf, buf_size, "%s", text);
    size_t n = split_names(buf, names, 32);
    *n_out = n;
    senda_status st = senda_points_create(s->ctx, n, senda_layers_crs(s->layers), out);
    for (size_t i = 0; st == SENDA_OK && i < n; i++)
        st = senda_cost_place_resolve(s->ctx, s->layers, names[i], &(*out)->x[i], &(*out)->y[i]);
    return st;
}

static senda_status stage_cost(run_state *s, double lo, double hi)
{
    senda_ctx *ctx = s->ctx;
    senda_points *cross = NULL, *from = NULL, *to = NULL;
    senda_status st = senda_layers_points(ctx, s->layers, SENDA_LAYER_CROSSINGS, &cross);
    const char *from_names[32], *to_names[32];
    char from_buf[sizeof s->sc->route_from], to_buf[sizeof s->sc->route_to];
    size_t n_from = 0, n_to = 0;
    if (st)
        goto done;
    senda_cost_opts co;
    senda_cost_opts_init(&co);
    co.unit_m = 1000.0;
    if ((st = senda_cost_snap_to_valid(ctx, s->danger, cross, NULL, 10, NULL)))
        goto done;
    double mid = lo + 0.4 * (hi - lo);
    SUB(s, ap, lo, mid);
    if ((st = senda_cost_accumulate(ctx, s->danger, cross, &co, &s->accum, NULL, SUBFN(s), &ap)))
        goto done;
    senda_grid_set_units(ctx, s->accum, "danger units",
                         "accumulated danger (danger per km x km) from the nearest border "
                         "crossing, GRASS r.cost moves");
    if ((st = places(s, s->sc->route_from, &from, from_names, from_buf, sizeof from_buf,
                     &n_from)) ||
        (st = places(s, s->sc->route_to, &to, to_names, to_buf, sizeof to_buf, &n_to)))
        goto done;
    if ((st = senda_cost_snap_to_valid(ctx, s->danger, from, from_names, 10, NULL)) ||
        (st = senda_cost_snap_to_valid(ctx, s->danger, to, to_names, 10, NULL)))
        goto done;
    senda_cost_paths_opts po;
    senda_cost_paths_opts_init(&po);
    po.alternatives = (size_t)s->sc->route_alternatives;
    SUB(s, pp, mid, hi);
    st = senda_cost_paths(ctx, s->danger, from, to, to_names, &po, &s->paths, &s->n_paths,
                          SUBFN(s), &pp);
done:
    senda_points_destroy(cross);
    senda_points_destroy(from);
    senda_points_destroy(to);
    return st;
}

/* The route scorer notes once per station it cannot place; a run gathers
 * those into one note (every other message passes through). */
typedef struct station_log {
    senda_log_fn fn;
    void *arg;
    int n;
    char names[400];
} station_log;

static void station_filter(int level, const char *message, void *arg)
{
    station_log *sl = arg;
    const char *end = strncmp(message, "station '", 9) == 0 ? strchr(message + 9, '\'') : NULL;
    if (end &&
        strstr(message, "not located")) {
        char name[80];
        snprintf(name, sizeof name, "%.*s", (int)(end - message - 9), message + 9);
        sl->n++;
        size_t used = strlen(sl->names);
        if (!strstr(sl->names, name) && used + strlen(name) + 3 < sizeof sl->names)
            snprintf(sl->names + used, sizeof sl->names - used, "%s%s", used ? ", " : "", name);
        return;
    }
    if (sl->fn)
        sl->fn(level, message, sl->arg);
}

static senda_status stage_route(run_state *s, double lo, double hi)
{
    senda_cost_route_opts ro;
    senda_cost_route_opts_init(&ro);
    SUB(s, sp, lo, hi);
    station_log sl = {s->ctx->log, s->ctx->log_arg, 0, ""};
    senda_ctx_set_log(s->ctx, station_filter, &sl);
    senda_status st = senda_cost_route_score(s->ctx, s->layers, s->pts, s->danger, &ro, &s->route,
                                        SUBFN(s), &sp);
    senda_ctx_set_log(s->ctx, sl.fn, sl.arg);
    if (sl.n)
        senda__log(s->ctx, 0, "route profiles: %d station marks not placed (no such place "
                   "name in the layers): %s", sl.n, sl.names);
    if (st || !s->route->n_lines)
        return st;
    size_t longest = 0;
    for (size_t i = 1; i < s->route->n_lines; i++)
        if (s->route->lines[i].length_m > s->route->lines[longest].length_m)
            longest = i;
    /* the profile picture beside the output: "<output minus .gpkg>-profile.png" */
    const char *out = s->sc->output;
    size_t len = strlen(out);
    if (len > 5 && strcmp(out + len - 5, ".gpkg") == 0)
        len -= 5;
    snprintf(s->png, sizeof s->png, "%.*s-profile.png", (int)len, out);
    return SENDA_OK;
}

static senda_status stage_siting(run_state *s, double lo, double hi)
{
    senda_ctx *ctx = s->ctx;
    const senda_scenario *sc = s->sc;
    senda_status st;
    const senda_points *demand = s->pts;
    if (strcmp(sc->siting_demand, "danger") == 0) {
        if ((st = senda_siting_demand_from_grid(ctx, s->danger, s->layers, 10000.0,
                                                &s->demand)))
            return st;
        demand = s->demand;
    }
    if (!demand->n) {
        senda__log(ctx, 1, "no demand (no incidents), no shelter sites");
        return SENDA_OK;
    }
    if ((st = senda_siting_candidates_along(ctx, s->layers, sc->siting_spacing_m,
                                            sc->siting_spacing_m / 2.0, &s->cand)) ||
        (st = senda_siting_exposure_from_grid(ctx, s->danger, s->cand, &s->exposure)))
        return st;
    if (senda_layers_n_features(s->layers, SENDA_LAYER_SHELTERS) &&
        (st = senda_layers_points(ctx, s->layers, SENDA_LAYER_SHELTERS, &s->existing)))
        return st;
    senda_siting_opts so;
    senda_siting_opts_init(&so);
    so.model = strcmp(sc->siting_model, "set-cover") == 0 ? SENDA_SITING_SET_COVER
                                                          : SENDA_SITING_MCLP;
    so.p = (size_t)sc->siting_p;
    so.radius_m = s->siting_radius = sc->siting_radius_m;
    so.target_share = sc->siting_target_share;
    so.exposure = s->exposure;
    SUB(s, sp, lo, hi);
    if ((st = senda_siting_solve(ctx, demand, s->cand, s->existing, &so, &s->site, SUBFN(s),
                                 &sp)))
        return st;
    s->res->n_sites = (long)s->site->n_sites;
    s->res->covered_pct = s->site->total_weight > 0.0
                              ? 100.0 * s->site->covered_weight / s->site->total_weight
                              : 0.0;
    return SENDA_OK;
}

/* "key: value" counts for provenance. */
static void counts_text(const run_state *s, char *buf, size_t size)
{
    const senda_scenario_run_result *r = s->res;
    int n = snprintf(buf, size,
                     "incidents_read: %ld\nincidents_accepted: %ld\nincidents_rejected: %ld\n"
                     "incidents_duplicate: %ld\nincidents_in_filter: %ld\n"
                     "incidents_coarser_left_out: %ld\n",
                     r->n_read, r->n_accepted, r->n_rejected, r->n_duplicate, r->n_incidents,
                     r->n_coarser_left_out);
    size_t used = n > 0 && (size_t)n < size ? (size_t)n : size - 1;
    if (s->gi)
        used += (size_t)snprintf(buf + used, size - used,
                                 "gistar_cells: %zu\ngistar_hot: %zu\ngistar_cold: %zu\n"
                                 "gistar_band_m: %.17g\n",
                                 s->gi->n_in_set, s->gi->n_hot, s->gi->n_cold, s->gi->band_m);
    if (used < size && s->site)
        used += (size_t)snprintf(buf + used, size - used,
                                 "shelter_sites: %zu\ncovered_pct: %.17g\n",
                                 s->site->n_sites, r->covered_pct);
    if (used < size)
        snprintf(buf + used, size - used, "paths: %zu\n", s->n_paths);
}

static senda_status write_product(run_state *s, const char *scenario_text, double lo,
                                  double hi)
{
    senda_ctx *ctx = s->ctx;
    const char *t = s->tmp, *crs = senda_layers_crs(s->layers);
    senda_status st;
    double step = (hi - lo) / 8.0, at = lo;
#define NEXT(msg)                                                                              \
    do {                                                                                       \
        at += step;                                                                            \
        if (!senda__progress(ctx, s->progress, s->progress_arg, at, msg))                     \
            return SENDA_ERR_CANCELLED;                                                        \
    } while (0)
    SUB(s, lp, lo, lo + step);
    if ((st = senda_export_layers(ctx, t, s->layers, SUBFN(s), &lp)))
        return st;
    NEXT("corridor layers");
    if ((st = senda__export_incidents(ctx, t, s->store, s->pts, crs)))
        return st;
    NEXT("incidents");
    if (on(s, "density") && (st = senda_export_grid(ctx, t, "density", s->density, NULL, NULL)))
        return st;
    if (on(s, "danger") && (st = senda_export_grid(ctx, t, "danger", s->danger, NULL, NULL)))
        return st;
    if (s->accum && (st = senda_export_grid(ctx, t, "accumulated_cost", s->accum, NULL, NULL)))
        return st;
    NEXT("surfaces");
    if (s->gi && (st = senda_hotspot_write_cells(ctx, s->gi, t, NULL, NULL)))
        return st;
    if (s->em && (st = senda_hotspot_write_emerging(ctx, s->em, t, NULL, NULL)))
        return st;
    if (s->n_paths &&
        ((st = senda_cost_paths_write(ctx, t, "paths", crs, s->paths, s->n_paths)) ||
         (st = senda_cost_paths_write_profile(ctx, t, "path_profiles", s->paths, s->n_paths))))
        return st;
    NEXT("hotspots and paths");
    if (s->route && (st = senda_cost_route_write(ctx, t, s->route, NULL, NULL)))
        return st;
    if (s->site && (st = senda_siting_write(ctx, t, crs, s->demand ? s->demand : s->pts,
                                            s->cand, s->existing, s->site, s->siting_radius,
                                            NULL, NULL)))
        return st;
    NEXT("routes and sites");
    char *params = NULL;
    if ((st = senda_scenario_params(ctx, s->sc, &params)))
        return st;
    const char *inputs[SENDA_SCENARIO_MAX_SOURCES + 16];
    size_t n_in = 0;
    for (size_t i = 0; i < senda_layers_count(s->layers) && n_in < 16; i++)
        inputs[n_in++] = senda_layers_report(s->layers, i)->path;
    if (s->sc->store[0] && !senda__store_is_pg(s->sc->store)) /* a database has no file hash */
        inputs[n_in++] = s->sc->store;
    for (size_t i = 0; i < s->sc->n_sources; i++)
        inputs[n_in++] = s->sc->sources[i];
    char counts[1024];
    counts_text(s, counts, sizeof counts);
    senda_export_product_info info;
    senda_export_product_info_init(&info);
    info.title = s->sc->description[0] ? s->sc->description : s->sc->name;
    info.final_path = s->sc->output;
    info.scenario_name = s->sc->name;
    info.scenario_text = scenario_text;
    info.params = params;
    info.inputs = inputs;
    info.n_inputs = n_in;
    info.counts = counts;
    info.crs = crs;
    info.title_note = s->pts->n == 0 ? "0 incidents" : NULL;
    SUB(s, fp, at, hi);
    st = senda_export_finish(ctx, t, &info, SUBFN(s), &fp);
    senda__free(params);
    return st;
#undef NEXT
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Create the output's directory and its parents when missing (mkdir -p). */
static senda_status make_dirs(senda_ctx *ctx, const char *file)
{
    char dir[1024];
    senda__strlcpy(dir, file, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return SENDA_OK;
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                return senda__fail(ctx, SENDA_ERR_IO, "cannot create directory '%s' for '%s': %s",
                                   dir, file, strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    return SENDA_OK;
}

static senda_status run_stages(run_state *s, const char *scenario_text)
{
    senda_ctx *ctx = s->ctx;
    const senda_scenario *sc = s->sc;
    senda_status st;
    if ((st = make_dirs(ctx, sc->output)))
        return st;
    /* an output that is an input would replace it (the store: every report) */
    if (!senda__store_is_pg(sc->store) && senda__same_file(sc->store, sc->output))
        return senda__fail(ctx, SENDA_ERR_ARG, "%s: the output %s is (or resolves to) the "
                           "incident store %s: writing it would replace the store; give "
                           "another output", sc->name, sc->output, sc->store);
    for (size_t i = 0; i < sc->n_sources; i++)
        if (senda__same_file(sc->sources[i], sc->output))
            return senda__fail(ctx, SENDA_ERR_ARG, "%s: the output %s is (or resolves to) "
                               "the source %s: writing it would replace the reports; give "
                               "another output", sc->name, sc->output, sc->sources[i]);
    if (!senda__progress(ctx, s->progress, s->progress_arg, 0.0, sc->name))
        return SENDA_ERR_CANCELLED;
    SUB(s, lp, 0.0, 0.05);
    if ((st = senda_layers_open(ctx, sc->layers, sc->crs, &s->layers, SUBFN(s), &lp)) ||
        (st = stage_incidents(s, 0.05, 0.2)))
        return st;
    if ((on(s, "density") || need_danger(s)) && (st = stage_danger(s, 0.2, 0.4)))
        return st;
    if (on(s, "hotspot") && s->pts->n && (st = stage_hotspot(s, 0.4, 0.5))) {
        if (st != SENDA_ERR_DATA)
            return st;
        /* too few incidents or no variance: the run goes on without Gi* cells */
        senda__log(ctx, 1, "no Gi* cells: %s", senda_ctx_errmsg(ctx));
        senda_hotspot_gistar_result_destroy(s->gi);
        s->gi = NULL;
        senda_emerging_result_destroy(s->em);
        s->em = NULL;
    }
    if (on(s, "hotspot") && !s->pts->n)
        senda__log(ctx, 1, "no incidents, no Gi* cells");
    if ((on(s, "cost") && (st = stage_cost(s, 0.5, 0.65))) ||
        (on(s, "route") && (st = stage_route(s, 0.65, 0.72))) ||
        (on(s, "siting") && (st = stage_siting(s, 0.72, 0.82))))
        return st;
    unlink(s->tmp);
    if ((st = write_product(s, scenario_text, 0.82, 0.99)))
        return st;
    /* the releases made from the previous output (senda publish's ledger)
     * go on into the new one, with the store that keeps them */
    if ((st = senda__ledger_carry(ctx, s->tmp, sc->output, sc)))
        return st;
    /* the last progress report comes before the profile picture and the
     * rename: a cancel there must leave neither a picture nor a replaced
     * output while the run reports "cancelled" */
    if (!senda__progress(ctx, s->progress, s->progress_arg, 1.0, NULL))
        return SENDA_ERR_CANCELLED;
    if (s->png[0]) {
        size_t longest = 0;
        for (size_t i = 1; i < s->route->n_lines; i++)
            if (s->route->lines[i].length_m > s->route->lines[longest].length_m)
                longest = i;
        if ((st = senda_cost_route_profile_png(ctx, s->route, longest, s->png)))
            return st;
    }
    if ((st = senda__commit_file(ctx, s->tmp, sc->output)) != SENDA_OK || !sc->report)
        return st;
    /* the printable report beside the output: "<output minus .gpkg>.pdf" */
    char pdf[1100];
    size_t len = strlen(sc->output);
    if (len > 5 && strcasecmp(sc->output + len - 5, ".gpkg") == 0)
        len -= 5;
    snprintf(pdf, sizeof pdf, "%.*s.pdf", (int)len, sc->output);
    senda_report_opts ro;
    senda_report_opts_init(&ro);
    ro.lang = sc->report_lang;
    return senda_export_report(ctx, sc->output, pdf, &ro, NULL, NULL);
}

senda_status senda_scenario_run(senda_ctx *ctx, const senda_scenario *sc,
                                const char *scenario_text, const senda_scenario_run_opts *opts,
                                senda_scenario_run_result *res, senda_progress_fn progress,
                                void *progress_arg)
{
    senda__reset(ctx);
    if (!sc || !res)
        return senda__fail(ctx, SENDA_ERR_ARG, "scenario or result is NULL");
    memset(res, 0, sizeof *res);
    snprintf(res->name, sizeof res->name, "%s", sc->name);
    snprintf(res->output, sizeof res->output, "%s", sc->output);
    res->ran = 1;
    double t0 = now_s();
    senda_status st;
    if (!sc->valid) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s", sc->error);
        goto out;
    }
    senda_scenario_run_opts dflt;
    senda_scenario_run_opts_init(&dflt);
    if (!opts)
        opts = &dflt;
    run_state s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.sc = sc;
    s.opts = opts;
    s.res = res;
    s.progress = progress;
    s.progress_arg = progress_arg;
    s.threads = opts->n_threads > 0 ? opts->n_threads : opts->jobs > 1 ? 1 : 2;
    senda__tmp_path(sc->output, s.tmp, sizeof s.tmp);
    st = run_stages(&s, scenario_text ? scenario_text : "");
    if (st == SENDA_ERR_IO) { /* the writers name the temporary, if anything: name the output */
        const char *slash = strrchr(sc->output, '/');
        char msg[SENDA_ERRMSG_LEN];
        senda__strlcpy(msg, senda_ctx_errmsg(ctx), sizeof msg);
        if (!strstr(msg, slash ? slash + 1 : sc->output) || strstr(msg, ".tmp-senda-"))
            senda__fail(ctx, st, "%s: %s", sc->output, msg);
    }
    unlink(s.tmp);
    if (s.own_store)
        unlink(s.store);
    if (s.csv[0])
        unlink(s.csv);
    run_free(&s);
out:
    res->status = st;
    res->seconds = now_s() - t0;
    if (st != SENDA_OK)
        snprintf(res->error, sizeof res->error, "%s", senda_ctx_errmsg(ctx));
    return st;
}
