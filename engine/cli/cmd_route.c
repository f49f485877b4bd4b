/*
 * cmd_route.c - `senda route`: the danger surface (as `senda danger`, or
 * --danger RASTER), least-danger paths from the border crossings (or
 * --from) to the places people head for, with alternatives, and the danger
 * along every line of a line layer (the rail): sliding windows of weighted
 * incidents per km and the mean surface danger, ranked, with a profile PNG
 * per line. With --without-checkpoint / --with-checkpoint it runs twice
 * (baseline and what-if) and reports how each path's cost and length and
 * each line's mean danger changed. Library calls: senda_cost_danger_from_points,
 * senda_cost_paths, senda_cost_route_score, and their writers.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_likely.h"

#define S CLI_DANGER_S
static cli_opt opts[] = {
    CLI_DANGER_OPTS,
    CLI_LIKELY_OPTS,
    S("danger", "RASTER", NULL, "use this danger surface (any single-band raster in --crs) "
      "instead of computing one; no what-if then"),
    {"from", 0, OPT_LIST, "PLACE|LON,LAT", NULL, "where paths start (repeatable; default: "
     "every feature of the crossings layer, each path leaving from the cheapest)", NULL, 0,
     {0}, 0},
    {"to", 0, OPT_LIST, "PLACE|LON,LAT", NULL, "where paths end (repeatable; default: "
     "Arriaga, Ixtepec, Coatzacoalcos, Tierra Blanca). Places: crossing towns, shelter towns "
     "and names, checkpoint names of the layers", NULL, 0, {0}, 0},
    S("alternatives", "K", "1", "alternative paths per destination (0..32), each avoiding "
      "the corridor of the earlier ones"),
    S("penalty", "P", "1", "alternatives: danger x (1 + P) near earlier paths"),
    S("corridor-m", "M", "2000", "alternatives: ... within this distance of them"),
    {"knight", 'k', OPT_FLAG, NULL, NULL, "16 neighbours (knight's moves) instead of 8", NULL,
     0, {0}, 0},
    S("line-layer", "NAME", "rail", "line layer of the layers to score"),
    S("window-m", "M", "10000", "sliding window length along each line, metres"),
    S("step-m", "M", "1000", "window step, metres"),
    S("buffer-m", "M", "2000", "incidents within this distance of a line count for it"),
    {"out", 'o', OPT_STR, "OUT.gpkg", NULL, "output GeoPackage (replaced). Required", NULL, 0,
     {0}, 0},
    S("profile-dir", "DIR", NULL, "write one danger-profile PNG per line here"),
    {"json", 0, OPT_FLAG, NULL, NULL, "print a JSON summary on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};
#undef S

static const cli_cmd_info info = {
    "senda route (--store STORE.gpkg | --points FILE | --danger RASTER) --out OUT.gpkg "
    "[options]",
    "Least-danger paths from the border and danger per km along the rail, with what-if.",
    "1. Danger surface, danger per km travelled (see `senda danger --help`).\n"
    "2. Least-danger paths: accumulated cost over the surface (GRASS r.cost moves; cost =\n"
    "   danger per km x km) from the sources, traced back from every destination. Each\n"
    "   alternative penalises the cells near the earlier paths and runs again; its cost is\n"
    "   then measured on the true surface, with how much more dangerous and longer it is.\n"
    "3. Route scoring: along each line, windows of --window-m every --step-m; per window\n"
    "   danger_per_km = (sum of severity x victims of the incidents within --buffer-m whose\n"
    "   nearest point on the line lies in the window) / window km, and the mean surface\n"
    "   danger under it; windows ranked over all lines (1 = worst).\n"
    "4. What-if (--without-checkpoint, --with-checkpoint): the surface, paths and means are\n"
    "   computed again with the edited checkpoints; the change is printed.\n"
    "5. Likely routes (--likely): a choice cost per km (walking; the train as a faster\n"
    "   corridor; a detection halo around every checkpoint) and an exposure per km\n"
    "   (incident density, remoteness from shelters and crossings, riding the train), kept\n"
    "   apart. People choose among the routes that bring them closer to an exit with\n"
    "   probability exp(-theta x choice cost) (Dial 1971, randomized shortest paths); the\n"
    "   route density is the expected share of migrants passing each cell and the exposure\n"
    "   per migrant the exposure integrated along their likely routes. A what-if recomputes\n"
    "   the choice, not the exposure, and reports the change and the shelters whose passing\n"
    "   flow changes most. Coverages exposure, choice_cost, route_density (and\n"
    "   choice_cost_whatif, route_density_whatif, route_density_change = after - before).\n"
    "OUT.gpkg gets: coverages danger, density (and danger_whatif); layers paths (LineStringM,\n"
    "M = accumulated danger), path_profile (one row per path vertex), route_segments,\n"
    "routes (and paths_whatif, path_profile_whatif). --profile-dir: <line>.png per line\n"
    "(incidents per km and mean danger against km, stations marked).",
    "  senda synth --n 3000 --seed 7 --out demo.csv\n"
    "  senda route --points demo.csv --from 'Ciudad Hidalgo' --to Arriaga \\\n"
    "      --out route.gpkg --profile-dir profiles\n"
    "  senda route --store store.gpkg --to Arriaga --to Tenosique --alternatives 2 \\\n"
    "      --without-checkpoint 'La Arrocera' --json --out whatif.gpkg\n"
    "  senda route --store store.gpkg --likely --with-checkpoint -92.9,15.4 --json \\\n"
    "      --out likely.gpkg",
};

static const char *const default_to[] = {"Arriaga", "Ixtepec", "Coatzacoalcos",
                                         "Tierra Blanca"};

/* One run: surface, paths, route scores. */
typedef struct run {
    senda_grid *rho, *danger;
    senda_cost_path **paths;
    size_t n_paths;
    senda_cost_route_result *route;
} run;

static void run_free(run *r)
{
    senda_grid_destroy(r->rho);
    senda_grid_destroy(r->danger);
    senda_cost_paths_destroy(r->paths, r->n_paths);
    senda_cost_route_result_destroy(r->route);
    memset(r, 0, sizeof *r);
}

/* Places of a list option (or defaults) as points with their texts. */
static senda_status places(senda_ctx *ctx, const senda_layers *layers, const char *opt,
                           const char *const *defs, size_t n_defs, senda_points **out,
                           const char **names)
{
    cli_opt *o = cli_get(opts, opt);
    size_t n = o->n_values ? (size_t)o->n_values : n_defs;
    senda_status st = senda_points_create(ctx, n, senda_layers_crs(layers), out);
    for (size_t i = 0; i < n && st == SENDA_OK; i++) {
        names[i] = o->n_values ? o->values[i] : defs[i];
        st = senda_cost_place_resolve(ctx, layers, names[i], &(*out)->x[i], &(*out)->y[i]);
    }
    return st;
}

/* The sources: --from, or every crossing named by its Mexican town. */
static senda_status sources(senda_ctx *ctx, const senda_layers *layers, senda_points **out,
                            const char **names)
{
    if (cli_get(opts, "from")->n_values)
        return places(ctx, layers, "from", NULL, 0, out, names);
    senda_status st = senda_layers_points(ctx, layers, SENDA_LAYER_CROSSINGS, out);
    for (size_t i = 0; st == SENDA_OK && i < (*out)->n && i < CLI_LIST_MAX; i++) {
        names[i] = senda_layers_attr(layers, SENDA_LAYER_CROSSINGS, i, "mx_town");
        if (!names[i][0])
            names[i] = senda_layers_attr(layers, SENDA_LAYER_CROSSINGS, i, "name");
    }
    if (st == SENDA_OK && (*out)->n > CLI_LIST_MAX)
        (*out)->n = CLI_LIST_MAX;
    return st;
}

/* The source a path leaves from: the nearest to its first vertex. */
static const char *source_of(const senda_cost_path *p, const senda_points *src,
                             const char *const *names)
{
    size_t best = 0;
    double bd = (double)INFINITY;
    for (size_t i = 0; i < src->n; i++) {
        double d = hypot(src->x[i] - p->x[0], src->y[i] - p->y[0]);
        if (d < bd)
            bd = d, best = i;
    }
    return names[best];
}

typedef struct route_cfg {
    cli_danger d;
    senda_cost_paths_opts popts;
    senda_cost_route_opts ropts;
    senda_points *src, *dst;
    const char *src_names[CLI_LIST_MAX], *dst_names[CLI_LIST_MAX];
    int quiet;
    cli_likely likely;
} route_cfg;

static senda_status do_run(senda_ctx *ctx, route_cfg *c, const senda_cost_danger_opts *dopts,
                           run *r)
{
    senda_status st;
    if (cli_str(opts, "danger") && dopts == &c->d.base)
        st = senda_grid_read(ctx, cli_str(opts, "danger"), &r->danger);
    else
        st = cli_danger_surface(ctx, &c->d, dopts, &r->rho, &r->danger, c->quiet);
    if (st == SENDA_OK) {
        senda_cost_snap_to_valid(ctx, r->danger, c->src, c->src_names, 10, NULL);
        senda_cost_snap_to_valid(ctx, r->danger, c->dst, c->dst_names, 10, NULL);
    }
    if (st == SENDA_OK)
        st = senda_cost_paths(ctx, r->danger, c->src, c->dst, c->dst_names, &c->popts, &r->paths,
                              &r->n_paths, cli_progress(c->quiet), NULL);
    if (st == SENDA_OK)
        st = senda_cost_route_score(ctx, c->d.layers, c->d.incidents, r->danger, &c->ropts,
                               &r->route, cli_progress(c->quiet), NULL);
    if (st == SENDA_OK && c->likely.on)
        st = cli_likely_run(ctx, &c->likely, &c->d, dopts, r->rho, r->danger, c->src,
                            c->src_names, c->dst, dopts == &c->d.whatif, c->quiet);
    return st;
}

static senda_status write_gpkg(senda_ctx *ctx, const route_cfg *c, const run *b, const run *w,
                               const char *out)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-senda.gpkg", out);
    remove(tmp);
    const char *crs = senda_grid_crs(b->danger);
    senda_status st = senda_export_grid(ctx, tmp, "danger", b->danger, NULL, NULL);
    if (st == SENDA_OK && b->rho)
        st = senda_export_grid(ctx, tmp, "density", b->rho, NULL, NULL);
    if (st == SENDA_OK && w->danger)
        st = senda_export_grid(ctx, tmp, "danger_whatif", w->danger, NULL, NULL);
    if (st == SENDA_OK)
        st = senda_cost_paths_write(ctx, tmp, "paths", crs, b->paths, b->n_paths);
    if (st == SENDA_OK)
        st = senda_cost_paths_write_profile(ctx, tmp, "path_profile", b->paths, b->n_paths);
    if (st == SENDA_OK && w->paths)
        st = senda_cost_paths_write(ctx, tmp, "paths_whatif", crs, w->paths, w->n_paths);
    if (st == SENDA_OK && w->paths)
        st = senda_cost_paths_write_profile(ctx, tmp, "path_profile_whatif", w->paths,
                                            w->n_paths);
    if (st == SENDA_OK)
        st = senda_cost_route_write(ctx, tmp, b->route, NULL, NULL);
    if (st == SENDA_OK && c->likely.on)
        st = cli_likely_write(ctx, (cli_likely *)&c->likely, &c->d, c->src, c->src_names, tmp);
    if (st == SENDA_OK && c->likely.on) /* a product: layers, styles, project */
        st = senda_export_layers(ctx, tmp, c->d.layers, NULL, NULL);
    if (st == SENDA_OK && c->likely.on) {
        senda_export_product_info pinfo;
        senda_export_product_info_init(&pinfo);
        pinfo.title = c->d.has_whatif ? "Likely routes: change with the checkpoint what-if"
                                     : "Likely routes";
        pinfo.final_path = out;
        pinfo.crs = senda_layers_crs(c->d.layers);
        char params[4096];
        cli_likely_params(&c->likely, &c->d, params, sizeof params);
        pinfo.params = params;
        st = senda_export_finish(ctx, tmp, &pinfo, NULL, NULL);
    }
    if (st != SENDA_OK) {
        remove(tmp);
        return st;
    }
    return cli_commit(tmp, out);
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

static senda_status write_profiles(senda_ctx *ctx, const char *dir, const run *b, const run *w,
                                   json_object *root)
{
    mkdir(dir, 0777);
    json_object *arr = root ? json_object_new_array() : NULL;
    senda_status st = SENDA_OK;
    for (size_t i = 0; i < b->route->n_lines && st == SENDA_OK; i++) {
        char s[128], path[4096];
        slug(b->route->lines[i].name, s, sizeof s);
        for (int k = 0; k < (w->route ? 2 : 1) && st == SENDA_OK; k++) {
            snprintf(path, sizeof path, "%s/%s%s.png", dir, s, k ? "-whatif" : "");
            st = senda_cost_route_profile_png(ctx, k ? w->route : b->route, i, path);
            if (st == SENDA_OK && arr)
                json_object_array_add(arr, json_object_new_string(path));
            else if (st == SENDA_OK)
                fprintf(stderr, "senda: wrote %s\n", path);
        }
    }
    if (root)
        json_object_object_add(root, "profiles", arr);
    return st;
}

static void print_paths(const route_cfg *c, const run *b, json_object *root)
{
    json_object *arr = root ? json_object_new_array() : NULL;
    if (!root)
        printf("%-22s %-16s %3s %12s %10s %10s %10s\n", "path from", "to", "alt",
               "danger", "km", "+danger %", "+km %");
    for (size_t i = 0; i < b->n_paths; i++) {
        const senda_cost_path *p = b->paths[i];
        const char *from = source_of(p, c->src, c->src_names);
        if (!root) {
            printf("%-22.22s %-16.16s %3d %12.1f %10.1f %10.1f %10.1f\n", from, p->name,
                   p->alternative, p->cost, p->length_m / 1000.0, p->extra_cost_pct,
                   p->extra_length_pct);
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "from", json_object_new_string(from));
        json_object_object_add(o, "to", json_object_new_string(p->name));
        json_object_object_add(o, "alternative", json_object_new_int(p->alternative));
        json_object_object_add(o, "danger", json_object_new_double(p->cost));
        json_object_object_add(o, "length_km", json_object_new_double(p->length_m / 1000.0));
        json_object_object_add(o, "extra_danger_pct", json_object_new_double(p->extra_cost_pct));
        json_object_object_add(o, "extra_length_pct",
                               json_object_new_double(p->extra_length_pct));
        json_object_array_add(arr, o);
    }
    if (root)
        json_object_object_add(root, "paths", arr);
}

static json_object *jnum(double v)
{
    return isnan(v) ? NULL : json_object_new_double(v);
}

static void print_lines(const senda_cost_route_result *r, json_object *root)
{
    json_object *arr = root ? json_object_new_array() : NULL;
    if (!root)
        printf("\n%-34s %8s %9s %11s %11s %18s\n", "line", "km", "incidents", "weight/km",
               "mean danger", "worst window (km)");
    for (size_t i = 0; i < r->n_lines; i++) {
        const senda_cost_route_line *l = &r->lines[i];
        const senda_cost_route_window *worst = NULL;
        for (size_t k = 0; k < l->n_windows; k++) {
            const senda_cost_route_window *w = &r->windows[l->first_window + k];
            if (!worst || w->rank < worst->rank)
                worst = w;
        }
        double km = l->length_m / 1000.0;
        if (!root) {
            printf("%-34.34s %8.1f %9ld %11.3f %11.3f %7.0f-%-5.0f %5.2f\n", l->name, km,
                   l->incidents, l->weight / km, l->mean_danger, worst->from_m / 1000.0,
                   worst->to_m / 1000.0, worst->danger_per_km);
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(l->name));
        json_object_object_add(o, "length_km", json_object_new_double(km));
        json_object_object_add(o, "incidents", json_object_new_int64(l->incidents));
        json_object_object_add(o, "weight", json_object_new_double(l->weight));
        json_object_object_add(o, "danger_per_km", json_object_new_double(l->weight / km));
        json_object_object_add(o, "mean_danger", jnum(l->mean_danger));
        json_object_object_add(o, "worst_window_from_km",
                               json_object_new_double(worst->from_m / 1000.0));
        json_object_object_add(o, "worst_window_to_km",
                               json_object_new_double(worst->to_m / 1000.0));
        json_object_object_add(o, "worst_window_danger_per_km",
                               json_object_new_double(worst->danger_per_km));
        json_object_array_add(arr, o);
    }
    if (root)
        json_object_object_add(root, "lines", arr);
}

static double pct(double after, double before)
{
    return before != 0.0 ? 100.0 * (after - before) / before : (double)NAN;
}

/* What-if paths: matched by destination name and alternative number. */
static void print_whatif_paths(const run *b, const run *w, json_object *wi)
{
    json_object *arr = wi ? json_object_new_array() : NULL;
    if (!wi)
        printf("\nwhat-if: paths %-12s %3s %12s %12s %8s %9s %9s\n", "to", "alt", "danger",
               "-> what-if", "change %", "km", "-> km");
    for (size_t i = 0; i < b->n_paths; i++) {
        const senda_cost_path *p = b->paths[i], *q = NULL;
        for (size_t j = 0; j < w->n_paths && !q; j++)
            if (!strcmp(w->paths[j]->name, p->name) && w->paths[j]->alternative == p->alternative)
                q = w->paths[j];
        double qc = q ? q->cost : (double)NAN, ql = q ? q->length_m / 1000.0 : (double)NAN;
        if (!wi) {
            printf("         %-20.20s %3d %12.1f %12.1f %8.1f %9.1f %9.1f\n", p->name,
                   p->alternative, p->cost, qc, pct(qc, p->cost), p->length_m / 1000.0, ql);
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "to", json_object_new_string(p->name));
        json_object_object_add(o, "alternative", json_object_new_int(p->alternative));
        json_object_object_add(o, "danger_before", json_object_new_double(p->cost));
        json_object_object_add(o, "danger_after", jnum(qc));
        json_object_object_add(o, "danger_change_pct", jnum(pct(qc, p->cost)));
        json_object_object_add(o, "length_km_before",
                               json_object_new_double(p->length_m / 1000.0));
        json_object_object_add(o, "length_km_after", jnum(ql));
        json_object_array_add(arr, o);
    }
    if (wi)
        json_object_object_add(wi, "paths", arr);
}

static void print_whatif_lines(const run *b, const run *w, json_object *wi)
{
    json_object *arr = wi ? json_object_new_array() : NULL;
    if (!wi)
        printf("\nwhat-if: lines %-26s %12s %12s %8s\n", "", "mean danger", "-> what-if",
               "change %");
    for (size_t i = 0; i < b->route->n_lines; i++) {
        double m0 = b->route->lines[i].mean_danger, m1 = w->route->lines[i].mean_danger;
        if (!wi) {
            printf("         %-32.32s %12.3f %12.3f %8.2f\n", b->route->lines[i].name, m0, m1,
                   pct(m1, m0));
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(b->route->lines[i].name));
        json_object_object_add(o, "mean_danger_before", jnum(m0));
        json_object_object_add(o, "mean_danger_after", jnum(m1));
        json_object_object_add(o, "mean_danger_change_pct", jnum(pct(m1, m0)));
        json_object_array_add(arr, o);
    }
    if (wi)
        json_object_object_add(wi, "lines", arr);
}

static int parse_route_opts(route_cfg *c)
{
    int ok = 1;
    senda_cost_paths_opts_init(&c->popts);
    long k = cli_int(opts, "alternatives", &ok);
    c->popts.alternatives = k < 0 ? 33 : (size_t)k; /* negative: rejected by the library */
    c->popts.penalty = cli_dbl(opts, "penalty", &ok);
    c->popts.corridor_m = cli_dbl(opts, "corridor-m", &ok);
    c->popts.cost.knight = cli_flag(opts, "knight");
    senda_cost_route_opts_init(&c->ropts);
    c->ropts.layer = cli_str(opts, "line-layer");
    c->ropts.window_m = cli_dbl(opts, "window-m", &ok);
    c->ropts.step_m = cli_dbl(opts, "step-m", &ok);
    c->ropts.buffer_m = cli_dbl(opts, "buffer-m", &ok);
    c->quiet = cli_flag(opts, "quiet");
    if (!ok)
        return CLI_USAGE;
    if (cli_str(opts, "danger") && c->d.has_whatif) {
        fprintf(stderr, "senda: what-if needs the surface computed: drop --danger\n");
        return CLI_USAGE;
    }
    int rc = cli_likely_parse(opts, &c->likely);
    if (rc == 0 && c->likely.on && cli_str(opts, "danger")) {
        fprintf(stderr, "senda: --likely needs the incident density: drop --danger\n");
        return CLI_USAGE;
    }
    return rc;
}

static senda_status route_main(senda_ctx *ctx, route_cfg *c, const char *out, json_object *root)
{
    run b = {0}, w = {0};
    senda_status st = cli_danger_load(ctx, opts, out, c->quiet, &c->d);
    if (st == SENDA_OK)
        st = sources(ctx, c->d.layers, &c->src, c->src_names);
    if (st == SENDA_OK)
        st = places(ctx, c->d.layers, "to", default_to, sizeof default_to / sizeof *default_to,
                    &c->dst, c->dst_names);
    if (st == SENDA_OK)
        st = do_run(ctx, c, &c->d.base, &b);
    if (st == SENDA_OK && c->d.has_whatif)
        st = do_run(ctx, c, &c->d.whatif, &w);
    if (st == SENDA_OK && c->likely.on) /* exposure along the likely routes, per window */
        st = cli_likely_route(ctx, &c->likely, b.route, w.route);
    if (st == SENDA_OK)
        st = write_gpkg(ctx, c, &b, &w, out);
    if (st == SENDA_OK && cli_str(opts, "profile-dir"))
        st = write_profiles(ctx, cli_str(opts, "profile-dir"), &b, &w, root);
    if (st == SENDA_OK) {
        print_paths(c, &b, root);
        print_lines(b.route, root);
        json_object *wi = root && w.route ? json_object_new_object() : NULL;
        if (w.route) {
            print_whatif_paths(&b, &w, wi);
            print_whatif_lines(&b, &w, wi);
        }
        if (wi)
            json_object_object_add(root, "whatif", wi);
        if (c->likely.on)
            st = cli_likely_print(ctx, &c->likely, &c->d, c->src_names, c->dst_names, root);
    }
    run_free(&b);
    run_free(&w);
    cli_likely_free(&c->likely);
    return st;
}

int cmd_route(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 0, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    const char *out = cli_str(opts, "out");
    if (!out) {
        fprintf(stderr, "senda: --out is required\nusage: %s\n", info.usage);
        return CLI_USAGE;
    }
    route_cfg *c = calloc(1, sizeof *c);
    if (!c)
        return CLI_FAIL;
    if ((rc = cli_danger_parse(opts, &c->d)) != 0 || (rc = parse_route_opts(c)) != 0) {
        free(c);
        return rc;
    }
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        free(c);
        return CLI_FAIL;
    }
    json_object *root = cli_flag(opts, "json") ? json_object_new_object() : NULL;
    senda_status st = route_main(ctx, c, out, root);
    if (st != SENDA_OK)
        rc = senda_ctx_errmsg(ctx)[0] || st != SENDA_ERR_IO ? cli_fail(ctx, st) : CLI_FAIL;
    else if (root)
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
    json_object_put(root);
    senda_points_destroy(c->src);
    senda_points_destroy(c->dst);
    cli_danger_free(&c->d);
    free(c);
    senda_ctx_destroy(ctx);
    return rc;
}
