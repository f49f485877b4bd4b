/*
 * run.c - one scenario through the whole pipeline into one GeoPackage
 * (senda_scenario_run), the batch driver over a scenario file is in
 * runall.c.
 *
 * The stages are the pipeline's (engine/pipeline), called with the records
 * the scenario file filled (senda_scenario.danger, .hotspot, .route), so a
 * scenario and the CLI command with the same parameters write the same
 * layers. Order, in the scenario's CRS: inputs (senda_pipeline_input_open:
 * the corridor layers; an existing store read through the scenario's
 * filter, or files, or `synthetic: N` rows, imported with the spatial join
 * into a scratch store beside the output) -> danger (senda_pipeline_danger:
 * density and danger surface on one grid over the layers and incidents,
 * land mask, what-if with checkpoint edits) -> hotspot
 * (senda_pipeline_hotspot, Gi* cells only; when the statistic is impossible
 * - fewer than 3 cells, no variance - the run warns and goes on without
 * the layer) -> cost and route (senda_pipeline_route: accumulated cost from
 * the crossings, least-danger paths, danger per km along the rail lines,
 * a profile PNG of the longest line beside the output) -> shelter siting
 * (maximal covering or set covering of the filtered incidents' weight, or
 * with siting.demand danger of the danger-surface cells within 10 km of
 * the rail as docs/siting.md describes, candidates on a lattice along the
 * rail, the open shelters counting first, exposure = the danger at the
 * site) -> the product: corridor layers, incidents, the stages' layers
 * (written by the stages' own writers), styles, QGIS project and
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
#include "pipeline/pipeline_int.h"
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
    char tmp[1100], png[1100];
    senda_pipeline_input *in;
    senda_pipeline_danger_result *danger;
    senda_pipeline_hotspot_result *hot;
    senda_pipeline_route_result *route;
    senda_points *cand, *existing, *demand; /* demand: danger cells (siting.demand) */
    double *exposure;
    senda_siting_result *site;
    double siting_radius;
} run_state;

static void run_free(run_state *s)
{
    senda_pipeline_input_destroy(s->in);
    senda_pipeline_danger_result_destroy(s->danger);
    senda_pipeline_hotspot_result_destroy(s->hot);
    senda_pipeline_route_result_destroy(s->route);
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
    return on(s, "density") || on(s, "danger") || on(s, "cost") || on(s, "route") ||
           on(s, "likely") || on(s, "siting");
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
        int list = i == 0 || i == 3 || i == 4;
        len += (size_t)snprintf(buf + len, size - len, "%s%s: %s%s%s", first ? "" : ", ", k[i],
                                list ? "[" : "", v[i], list ? "]" : "");
        first = 0;
    }
    if (len < size)
        snprintf(buf + len, size - len, "}");
}

/* Incidents: the scenario's source and filter; a filter leaving none fails
 * the scenario unless allow_empty. */
static senda_status stage_incidents(run_state *s, double lo, double hi)
{
    const senda_scenario *sc = s->sc;
    senda_pipeline_input_opts o;
    senda_pipeline_input_opts_init(&o);
    const char *files[SENDA_SCENARIO_MAX_SOURCES];
    for (size_t i = 0; i < sc->n_sources; i++)
        files[i] = sc->sources[i];
    o.layers_dir = sc->layers;
    o.crs = sc->crs;
    o.store = sc->store[0] ? sc->store : NULL;
    o.files = files;
    o.n_files = sc->n_sources;
    o.synthetic = sc->synth_n > 0 ? (size_t)sc->synth_n : 0;
    o.synthetic_seed = (uint64_t)sc->synth_seed;
    o.scratch = s->tmp;
    o.n_threads = s->threads;
    o.filter.types = sc->types[0] ? sc->types : NULL;
    o.filter.date_from = sc->date_from[0] ? sc->date_from : NULL;
    o.filter.date_to = sc->date_to[0] ? sc->date_to : NULL;
    o.filter.victims = sc->victims[0] ? sc->victims : NULL;
    o.filter.perpetrators = sc->perpetrators[0] ? sc->perpetrators : NULL;
    o.filter.precision = sc->precision[0] ? sc->precision : NULL;
    o.filter.weighted = sc->weighted;
    SUB(s, ip, lo, hi);
    senda_status st = senda_pipeline_input_open(s->ctx, &o, &s->in, SUBFN(s), &ip);
    if (st)
        return st;
    s->res->n_read = s->res->n_accepted = s->res->n_rejected = s->res->n_duplicate = -1;
    if (s->in->imported) {
        s->res->n_read = s->in->import.read;
        s->res->n_accepted = s->in->import.accepted;
        s->res->n_rejected = s->in->import.rejected;
        s->res->n_duplicate = s->in->import.duplicate;
    }
    s->res->n_incidents = (long)s->in->incidents->n;
    s->res->n_coarser_left_out = s->in->n_coarser_left_out;
    if (s->in->incidents->n == 0 && !sc->allow_empty) {
        char ftxt[700];
        filter_text(sc, ftxt, sizeof ftxt);
        return senda__fail(s->ctx, SENDA_ERR_DATA, "scenario '%s': the filter %s leaves no "
                           "incident in %s; nothing written (set `allow_empty: true` to write "
                           "a product titled \"0 incidents\")", sc->name, ftxt,
                           sc->store[0] ? sc->store : "the imported incidents");
    }
    if (s->in->incidents->n == 0)
        senda__log(s->ctx, 1, "scenario '%s': no incident passes the filter (allow_empty: the "
                   "product says \"0 incidents\")", sc->name);
    return SENDA_OK;
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

/* A "; "-separated text split into list (pointers into buf); NULL when empty. */
static const char *const *names(const char *text, char *buf, size_t size, const char **list,
                                size_t *n)
{
    snprintf(buf, size, "%s", text);
    *n = split_names(buf, list, 64);
    return *n ? list : NULL;
}

/* Name lists of a scenario, split for the stages' records. */
typedef struct name_lists {
    char without_buf[1024], with_buf[1024], move_buf[1024], from_buf[512], to_buf[1024];
    const char *without[128], *with[128], *from[64], *to[64];
} name_lists;

/* danger.move_checkpoints "NAME=PLACE; ...": NAME left out, PLACE added
 * (the loader checked the form). */
static void moves(const char *text, name_lists *nl, size_t *n_without, size_t *n_with)
{
    const char *move[64];
    snprintf(nl->move_buf, sizeof nl->move_buf, "%s", text);
    size_t n = split_names(nl->move_buf, move, 64);
    for (size_t i = 0; i < n; i++) {
        char *eq = strchr(move[i], '=');
        if (!eq)
            continue;
        *eq = '\0';
        nl->without[(*n_without)++] = move[i];
        nl->with[(*n_with)++] = eq + 1;
    }
}

static senda_status stage_danger(run_state *s, name_lists *nl, double lo, double hi)
{
    senda_pipeline_danger_opts d = s->sc->danger;
    d.kde.n_threads = s->threads;
    d.without_checkpoints = names(s->sc->without_checkpoints, nl->without_buf,
                                  sizeof nl->without_buf, nl->without, &d.n_without);
    d.with_checkpoints = names(s->sc->with_checkpoints, nl->with_buf, sizeof nl->with_buf,
                               nl->with, &d.n_with);
    moves(s->sc->move_checkpoints, nl, &d.n_without, &d.n_with);
    d.without_checkpoints = d.n_without ? nl->without : NULL;
    d.with_checkpoints = d.n_with ? nl->with : NULL;
    SUB(s, sp, lo, hi);
    return senda_pipeline_danger(s->ctx, s->in, &d, NULL, &s->danger, SUBFN(s), &sp);
}

/* Gi* cells of the hotspot record (its density is not written: the
 * product's `density` is the danger stage's). */
static senda_status stage_hotspot(run_state *s, double lo, double hi)
{
    const senda_scenario *sc = s->sc;
    senda_pipeline_hotspot_opts h = sc->hotspot;
    h.density_on = 0;
    h.kde.n_threads = h.gistar.n_threads = s->threads;
    if (h.weighted) /* else the stage counts events */
        h.gistar.counted = sc->weighted ? "severity x victims (incidents weighted)"
                                        : "incidents (events, each counts 1)";
    h.emerging_on = sc->emerging[0] != '\0';
    if (h.emerging_on && senda_time_step_from_name(sc->emerging, &h.emerging.step) != 0)
        return senda__fail(s->ctx, SENDA_ERR_ARG, "hotspot.emerging: '%s' is not month, "
                           "quarter or year", sc->emerging);
    SUB(s, sp, lo, hi);
    return senda_pipeline_hotspot(s->ctx, s->in, &h, NULL, &s->hot, SUBFN(s), &sp);
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

/* cost: accumulated cost and least-danger paths; route: the rail lines. */
static senda_status stage_route(run_state *s, name_lists *nl, double lo, double hi)
{
    senda_pipeline_route_opts r = s->sc->route;
    r.from = names(s->sc->route_from, nl->from_buf, sizeof nl->from_buf, nl->from, &r.n_from);
    r.to = names(s->sc->route_to, nl->to_buf, sizeof nl->to_buf, nl->to, &r.n_to);
    r.accumulated_on = r.paths_on = on(s, "cost");
    r.lines_on = on(s, "route");
    r.likely_on = on(s, "likely");
    r.flows = s->sc->likely_flows[0] ? s->sc->likely_flows : NULL;
    r.dem = s->sc->likely_dem[0] ? s->sc->likely_dem : NULL;
    SUB(s, sp, lo, hi);
    station_log sl = {s->ctx->log, s->ctx->log_arg, 0, ""};
    senda_ctx_set_log(s->ctx, station_filter, &sl);
    senda_status st = senda_pipeline_route(s->ctx, s->in, s->danger, &r, NULL, &s->route,
                                           SUBFN(s), &sp);
    senda_ctx_set_log(s->ctx, sl.fn, sl.arg);
    if (sl.n)
        senda__log(s->ctx, 0, "route profiles: %d station marks not placed (no such place "
                   "name in the layers): %s", sl.n, sl.names);
    if (st || !s->route->lines || !s->route->lines->n_lines)
        return st;
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
    const senda_points *demand = s->in->incidents;
    if (strcmp(sc->siting_demand, "danger") == 0) {
        if ((st = senda_siting_demand_from_grid(ctx, s->danger->danger, s->in->layers, 10000.0,
                                                &s->demand)))
            return st;
        demand = s->demand;
    } else if (strcmp(sc->siting_demand, "flows") == 0) {
        /* where the exposed people pass: after the what-if when there is one */
        const senda_pipeline_route_result *r = s->route;
        const senda_likely_result *lr = r && r->likely_whatif ? r->likely_whatif
                                        : r ? r->likely : NULL;
        if (!lr)
            return senda__fail(ctx, SENDA_ERR_ARG, "siting.demand: flows needs the likely "
                               "stage");
        if ((st = senda_siting_demand_from_flows(ctx, lr->density, r->exposure, 0.001,
                                                 &s->demand)))
            return st;
        demand = s->demand;
    }
    if (!demand->n) {
        senda__log(ctx, 1, "no demand (no incidents), no shelter sites");
        return SENDA_OK;
    }
    if ((st = senda_siting_candidates_along(ctx, s->in->layers, sc->siting_spacing_m,
                                            sc->siting_spacing_m / 2.0, &s->cand)) ||
        (st = senda_siting_exposure_from_grid(ctx, s->danger->danger, s->cand, &s->exposure)))
        return st;
    if (senda_layers_n_features(s->in->layers, SENDA_LAYER_SHELTERS) &&
        (st = senda_layers_points(ctx, s->in->layers, SENDA_LAYER_SHELTERS, &s->existing)))
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
    const senda_hotspot_gistar_result *gi = s->hot ? s->hot->gistar : NULL;
    if (gi)
        used += (size_t)snprintf(buf + used, size - used,
                                 "gistar_cells: %zu\ngistar_hot: %zu\ngistar_cold: %zu\n"
                                 "gistar_band_m: %.17g\n",
                                 gi->n_in_set, gi->n_hot, gi->n_cold, gi->band_m);
    if (used < size && s->site)
        used += (size_t)snprintf(buf + used, size - used,
                                 "shelter_sites: %zu\ncovered_pct: %.17g\n",
                                 s->site->n_sites, r->covered_pct);
    if (used < size)
        snprintf(buf + used, size - used, "paths: %zu\n", s->route ? s->route->n_paths : 0);
}

static senda_status write_product(run_state *s, const char *scenario_text, double lo,
                                  double hi)
{
    senda_ctx *ctx = s->ctx;
    const senda_layers *layers = s->in->layers;
    const char *t = s->tmp, *crs = senda_layers_crs(layers);
    senda_status st;
    double step = (hi - lo) / 8.0, at = lo;
#define NEXT(msg)                                                                              \
    do {                                                                                       \
        at += step;                                                                            \
        if (!senda__progress(ctx, s->progress, s->progress_arg, at, msg))                     \
            return SENDA_ERR_CANCELLED;                                                        \
    } while (0)
    SUB(s, lp, lo, lo + step);
    if ((st = senda_export_layers(ctx, t, layers, SUBFN(s), &lp)))
        return st;
    NEXT("corridor layers");
    if ((st = senda__export_incidents(ctx, t, s->in->store, s->in->incidents, crs)))
        return st;
    NEXT("incidents");
    if (s->danger && (st = senda_pipeline_danger_write(ctx, s->danger, t, on(s, "danger"),
                                                       on(s, "density"))))
        return st;
    NEXT("surfaces");
    if (s->hot && (st = senda_pipeline_hotspot_write(ctx, s->hot, t, 0)))
        return st;
    NEXT("hotspots");
    if (s->route && (st = senda_pipeline_route_write(ctx, s->route, t)))
        return st;
    if (s->site && (st = senda_siting_write(ctx, t, crs, s->demand ? s->demand : s->in->incidents,
                                            s->cand, s->existing, s->site, s->siting_radius,
                                            NULL, NULL)))
        return st;
    NEXT("routes and sites");
    char *params = NULL;
    if ((st = senda_scenario_params(ctx, s->sc, &params)))
        return st;
    const char *inputs[SENDA_SCENARIO_MAX_SOURCES + 16];
    size_t n_in = 0;
    for (size_t i = 0; i < senda_layers_count(layers) && n_in < 16; i++)
        inputs[n_in++] = senda_layers_report(layers, i)->path;
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
    info.title_note = s->in->incidents->n == 0 ? "0 incidents" : NULL;
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

static senda_status run_analyses(run_state *s, name_lists *nl)
{
    senda_ctx *ctx = s->ctx;
    senda_status st;
    if ((st = stage_incidents(s, 0.0, 0.2)))
        return st;
    if (need_danger(s) && (st = stage_danger(s, nl, 0.2, 0.4)))
        return st;
    size_t n = s->in->incidents->n;
    if (on(s, "hotspot") && n && (st = stage_hotspot(s, 0.4, 0.5))) {
        if (st != SENDA_ERR_DATA)
            return st;
        /* too few incidents or no variance: the run goes on without Gi* cells */
        senda__log(ctx, 1, "no Gi* cells: %s", senda_ctx_errmsg(ctx));
    }
    if (on(s, "hotspot") && !n)
        senda__log(ctx, 1, "no incidents, no Gi* cells");
    if (((on(s, "cost") || on(s, "route") || on(s, "likely")) &&
         (st = stage_route(s, nl, 0.5, 0.72))) ||
        (on(s, "siting") && (st = stage_siting(s, 0.72, 0.82))))
        return st;
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
    name_lists *nl = senda__calloc(ctx, 1, sizeof *nl);
    if (!nl)
        return SENDA_ERR_NOMEM;
    st = run_analyses(s, nl);
    if (!st)
        unlink(s->tmp);
    /* the name lists live until the product is written: the danger result's
     * what-if names point into them (the likely routes' checkpoint layers) */
    if (!st)
        st = write_product(s, scenario_text, 0.82, 0.99);
    senda__free(nl);
    if (st)
        return st;
    /* the releases made from the previous output (senda publish's ledger)
     * go on into the new one, with the store that keeps them */
    senda__run_filter rf = {sc->store,    sc->date_from,    sc->date_to,  sc->types,
                            sc->victims,  sc->perpetrators, sc->precision};
    if ((st = senda__ledger_carry(ctx, s->tmp, sc->output, &rf)))
        return st;
    /* the last progress report comes before the profile picture and the
     * rename: a cancel there must leave neither a picture nor a replaced
     * output while the run reports "cancelled" */
    if (!senda__progress(ctx, s->progress, s->progress_arg, 1.0, NULL))
        return SENDA_ERR_CANCELLED;
    if (s->png[0]) {
        const senda_cost_route_result *lines = s->route->lines;
        size_t longest = 0;
        for (size_t i = 1; i < lines->n_lines; i++)
            if (lines->lines[i].length_m > lines->lines[longest].length_m)
                longest = i;
        if ((st = senda_cost_route_profile_png(ctx, lines, longest, s->png)))
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
    run_free(&s);
out:
    res->status = st;
    res->seconds = now_s() - t0;
    if (st != SENDA_OK)
        snprintf(res->error, sizeof res->error, "%s", senda_ctx_errmsg(ctx));
    return st;
}
