/*
 * cmd_route.c - `senda route`: the danger surface (as `senda danger`, or
 * --danger RASTER), least-danger paths from the border crossings (or
 * --from) to the places people head for, with alternatives, and the danger
 * along every line of a line layer (the rail), with a profile PNG per line.
 * With --without-checkpoint / --with-checkpoint the stage runs on the
 * what-if surface too and the change is printed. Library calls:
 * senda_pipeline_input_open, senda_pipeline_danger, senda_pipeline_route.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_likely.h"

static cli_opt opts[] = {
    CLI_INPUT_OPTS,
    CLI_DANGER_OPTS,
    CLI_LIKELY_OPTS,
    CLI_S("danger", "RASTER", NULL, "use this danger surface (any single-band raster in --crs) "
          "instead of computing one; no what-if then"),
    {"from", 0, OPT_LIST, "PLACE|LON,LAT", NULL, "where paths start (repeatable; default: "
     "every feature of the crossings layer, each path leaving from the cheapest)", NULL, 0,
     {0}, 0},
    {"to", 0, OPT_LIST, "PLACE|LON,LAT", NULL, "where paths end (repeatable; default: "
     SENDA_PIPELINE_ROUTE_TO "). Places: crossing towns, shelter towns and names, checkpoint "
     "names of the layers, GeoNames places", NULL, 0, {0}, 0},
    CLI_S("alternatives", "K", NULL, "alternative paths per destination (0..32), each avoiding "
          "the corridor of the earlier ones"),
    CLI_S("penalty", "P", NULL, "alternatives: danger x (1 + P) near earlier paths"),
    CLI_S("corridor-m", "M", NULL, "alternatives: ... within this distance of them"),
    CLI_F("knight", "16 neighbours (knight's moves) instead of 8"),
    CLI_S("line-layer", "NAME", NULL, "line layer of the layers to score"),
    CLI_S("window-m", "M", NULL, "sliding window length along each line, metres"),
    CLI_S("step-m", "M", NULL, "window step, metres"),
    CLI_S("buffer-m", "M", NULL, "incidents within this distance of a line count for it"),
    {"out", 'o', OPT_STR, "OUT.gpkg", NULL, "output GeoPackage (replaced). Required", NULL, 0,
     {0}, 0},
    CLI_S("profile-dir", "DIR", NULL, "write one danger-profile PNG per line here"),
    {"json", 0, OPT_FLAG, NULL, NULL, "print a JSON summary on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const char *const renamed[] = {"points=reports", "k=knight", NULL};

static const cli_cmd_info info = {
    "senda route (--store STORE | --reports FILE | --danger RASTER) --out OUT.gpkg "
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
    "4. What-if (--without-checkpoint, --with-checkpoint, --move-checkpoint): the surface,\n"
    "   paths and means are computed again with the edited checkpoints; the change is\n"
    "   printed.\n"
    "5. Likely routes (--likely): a choice cost per km (walking, with --dem its slope time;\n"
    "   the train as a faster corridor; a detection halo around every checkpoint and, when\n"
    "   --layers has a patrol_roads layer, along patrolled roads; the sea and a rivers\n"
    "   layer as barriers, open at river_crossings points, border crossings and the rail)\n"
    "   and an exposure per km (incident density, remoteness from shelters and crossings,\n"
    "   riding the train, with --dem steep ground), kept apart. People choose among the\n"
    "   routes that bring them closer to an exit with probability exp(-theta x choice\n"
    "   cost) (Dial 1971, randomized shortest paths); the\n"
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
    "  senda route --reports demo.csv --from 'Ciudad Hidalgo' --to Arriaga \\\n"
    "      --out route.gpkg --profile-dir profiles\n"
    "  senda route --store store.gpkg --to Arriaga --to Tenosique --alternatives 2 \\\n"
    "      --without-checkpoint 'La Arrocera' --json --out whatif.gpkg\n"
    "  senda route --store store.gpkg --likely --with-checkpoint -92.9,15.4 --json \\\n"
    "      --out likely.gpkg",
    renamed,
};

static void print_paths(const senda_pipeline_route_result *r, json_object *root)
{
    json_object *arr = root ? json_object_new_array() : NULL;
    if (!root)
        printf("%-22s %-16s %3s %12s %10s %10s %10s\n", "path from", "to", "alt",
               "danger", "km", "+danger %", "+km %");
    for (size_t i = 0; i < r->n_paths; i++) {
        const senda_cost_path *p = r->paths[i];
        const char *from = senda_pipeline_route_source(r, p);
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
static void print_whatif_paths(const senda_pipeline_route_result *r, json_object *wi)
{
    json_object *arr = wi ? json_object_new_array() : NULL;
    if (!wi)
        printf("\nwhat-if: paths %-12s %3s %12s %12s %8s %9s %9s\n", "to", "alt", "danger",
               "-> what-if", "change %", "km", "-> km");
    for (size_t i = 0; i < r->n_paths; i++) {
        const senda_cost_path *p = r->paths[i], *q = NULL;
        for (size_t j = 0; j < r->n_paths_whatif && !q; j++)
            if (!strcmp(r->paths_whatif[j]->name, p->name) &&
                r->paths_whatif[j]->alternative == p->alternative)
                q = r->paths_whatif[j];
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

static void print_whatif_lines(const senda_cost_route_result *b, const senda_cost_route_result *w,
                               json_object *wi)
{
    json_object *arr = wi ? json_object_new_array() : NULL;
    if (!wi)
        printf("\nwhat-if: lines %-26s %12s %12s %8s\n", "", "mean danger", "-> what-if",
               "change %");
    for (size_t i = 0; i < b->n_lines; i++) {
        double m0 = b->lines[i].mean_danger, m1 = w->lines[i].mean_danger;
        if (!wi) {
            printf("         %-32.32s %12.3f %12.3f %8.2f\n", b->lines[i].name, m0, m1,
                   pct(m1, m0));
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(b->lines[i].name));
        json_object_object_add(o, "mean_danger_before", jnum(m0));
        json_object_object_add(o, "mean_danger_after", jnum(m1));
        json_object_object_add(o, "mean_danger_change_pct", jnum(pct(m1, m0)));
        json_object_array_add(arr, o);
    }
    if (wi)
        json_object_object_add(wi, "lines", arr);
}

/* The paths' and the line profile's numeric options. */
#define F(name, member) CLI_DBL_FIELD(name, senda_pipeline_route_opts, member)
static const cli_dbl_field route_fields[] = {
    F("penalty", paths.penalty),
    F("corridor-m", paths.corridor_m),
    F("window-m", lines.window_m),
    F("step-m", lines.step_m),
    F("buffer-m", lines.buffer_m),
    {NULL, 0},
};
#undef F

static void route_defaults(void)
{
    senda_pipeline_route_opts r;
    senda_pipeline_route_opts_init(&r);
    cli_danger_defaults(opts);
    cli_default_int(opts, "alternatives", (long)r.paths.alternatives);
    cli_get(opts, "line-layer")->def = r.lines.layer;
    cli_default_dbls(opts, route_fields, &r);
    cli_likely_defaults(opts);
}

static int route_fill(senda_pipeline_danger_opts *d, senda_pipeline_route_opts *r)
{
    senda_pipeline_route_opts_init(r);
    int ok = cli_fill_dbls(opts, route_fields, r);
    cli_opt *from = cli_get(opts, "from"), *to = cli_get(opts, "to");
    r->from = from->n_values ? from->values : NULL;
    r->n_from = (size_t)from->n_values;
    r->to = to->n_values ? to->values : NULL;
    r->n_to = (size_t)to->n_values;
    long k = cli_int(opts, "alternatives", &ok);
    r->paths.alternatives = k < 0 ? 33 : (size_t)k; /* negative: rejected by the library */
    r->paths.cost.knight = cli_flag(opts, "knight");
    r->lines.layer = cli_str(opts, "line-layer");
    r->profile_dir = cli_str(opts, "profile-dir");
    d->raster = cli_str(opts, "danger");
    if (d->raster && (d->n_with || d->n_without)) {
        fprintf(stderr, "senda: what-if needs the surface computed: drop --danger\n");
        return CLI_USAGE;
    }
    if (!ok || cli_likely_fill(opts, r))
        return CLI_USAGE;
    if (r->likely_on && d->raster) {
        fprintf(stderr, "senda: --likely needs the incident density: drop --danger\n");
        return CLI_USAGE;
    }
    return 0;
}

static senda_status print(senda_ctx *ctx, const senda_pipeline_input *in,
                          const senda_pipeline_route_result *r, json_object *root)
{
    json_object *arr = root ? json_object_new_array() : NULL;
    for (size_t i = 0; i < r->n_profiles; i++)
        if (arr)
            json_object_array_add(arr, json_object_new_string(r->profiles[i]));
        else
            fprintf(stderr, "senda: wrote %s\n", r->profiles[i]);
    if (arr)
        json_object_object_add(root, "profiles", arr);
    print_paths(r, root);
    print_lines(r->lines, root);
    json_object *wi = root && r->lines_whatif ? json_object_new_object() : NULL;
    if (r->lines_whatif) {
        print_whatif_paths(r, wi);
        print_whatif_lines(r->lines, r->lines_whatif, wi);
    }
    if (wi)
        json_object_object_add(root, "whatif", wi);
    return cli_likely_print(ctx, in, r, root);
}

int cmd_route(int argc, char **argv)
{
    route_defaults();
    const char *out = NULL;
    senda_pipeline_input_opts io;
    senda_pipeline_danger_opts dopts;
    senda_pipeline_route_opts ropts;
    int rc = cli_danger_parse(argc, argv, opts, &info, &out, &io, &dopts);
    if (rc || !out || (rc = route_fill(&dopts, &ropts)) != 0)
        return rc;
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx)
        return CLI_FAIL;
    senda_pipeline_input *in = NULL;
    senda_pipeline_danger_result *d = NULL;
    senda_pipeline_route_result *r = NULL;
    senda_status st = cli_danger_run(ctx, opts, &io, &dopts, NULL, &in, &d);
    if (st == SENDA_OK)
        st = senda_pipeline_route(ctx, in, d, &ropts, out, &r,
                                  cli_progress(cli_flag(opts, "quiet")), NULL);
    if (st == SENDA_OK) {
        json_object *root = cli_flag(opts, "json") ? json_object_new_object() : NULL;
        st = print(ctx, in, r, root);
        if (root && st == SENDA_OK)
            printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
        json_object_put(root);
    }
    if (st != SENDA_OK)
        rc = cli_fail(ctx, st);
    senda_pipeline_route_result_destroy(r);
    senda_pipeline_danger_result_destroy(d);
    senda_pipeline_input_destroy(in);
    senda_ctx_destroy(ctx);
    return rc;
}
