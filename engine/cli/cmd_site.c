/*
 * cmd_site.c - `senda site`: shelter siting on any two OGR point layers
 * (maximal covering or set covering; service distance straight-line, or an
 * accumulated-cost budget over a friction raster with --cost).
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static cli_opt opts[] = {
    {"demand", 0, OPT_STR, "FILE", NULL, "demand points (any OGR point layer, projected CRS)",
     NULL, 0, {0}, 0},
    {"demand-layer", 0, OPT_STR, "NAME", NULL, "layer of FILE (default: the first)", NULL, 0,
     {0}, 0},
    {"weight-field", 0, OPT_STR, "W", NULL, "numeric field with each demand point's weight "
     "(default: every point weighs 1)", NULL, 0, {0}, 0},
    {"candidates", 0, OPT_STR, "FILE", NULL, "candidate shelter sites (OGR point layer)", NULL,
     0, {0}, 0},
    {"candidates-layer", 0, OPT_STR, "NAME", NULL, "layer of the candidates file", NULL, 0,
     {0}, 0},
    {"existing", 0, OPT_STR, "FILE", NULL, "shelters already open: their coverage counts "
     "first", NULL, 0, {0}, 0},
    {"existing-layer", 0, OPT_STR, "NAME", NULL, "layer of the existing file", NULL, 0, {0}, 0},
    {"crs", 0, OPT_STR, "CRS", NULL, "projected CRS to reproject all inputs to (default: keep "
     "the inputs' own CRS, which must be projected and the same)", NULL, 0, {0}, 0},
    {"radius-m", 0, OPT_DBL, "R", "5000", "service distance in metres: a demand point is "
     "covered by a site at most R m away (straight line)", NULL, 0, {0}, 0},
    {"cost", 0, OPT_STR, "RASTER", NULL, "friction raster (any GDAL raster, band 1, in the "
     "inputs' CRS, square cells): coverage along the accumulated-cost surface instead of the "
     "straight line; needs --max-cost", NULL, 0, {0}, 0},
    {"max-cost", 0, OPT_DBL, "C", NULL, "cost budget: a demand point is covered by a site when "
     "the least accumulated cost between their cells is <= C (units: friction x cell widths, "
     "or friction x --unit-m metres)", NULL, 0, {0}, 0},
    {"unit-m", 0, OPT_DBL, "M", "0", "move length unit of the cost: 0 = cell widths (GRASS "
     "r.cost), 1 = metres, 1000 = km", NULL, 0, {0}, 0},
    {"model", 0, OPT_STR, "M", "mclp", "mclp (p new sites covering the most weight) or "
     "set-cover (fewest sites reaching --target-share)", NULL, 0, {0}, 0},
    {"p", 0, OPT_INT, "P", "5", "mclp: number of new sites", NULL, 0, {0}, 0},
    {"target-share", 0, OPT_DBL, "S", "0.9", "set-cover: share of the total weight to cover, "
     "0 < S <= 1, existing shelters included", NULL, 0, {0}, 0},
    {"exposure-field", 0, OPT_STR, "F", NULL, "numeric field of the candidates with the "
     "danger at each site (higher = more exposed)", NULL, 0, {0}, 0},
    {"max-exposure", 0, OPT_DBL, "X", NULL, "hard limit: candidates with exposure > X are "
     "excluded", NULL, 0, {0}, 0},
    {"exposure-penalty", 0, OPT_DBL, "K", "0", "penalty: maximise covered weight minus K x "
     "the chosen sites' exposure", NULL, 0, {0}, 0},
    {"clearance-field", 0, OPT_STR, "F", NULL, "numeric field of the candidates with the "
     "distance in metres to the nearest checkpoint or hotspot", NULL, 0, {0}, 0},
    {"min-clearance-m", 0, OPT_DBL, "D", NULL, "hard limit: candidates closer than D m to a "
     "danger point (--clearance-field) are excluded", NULL, 0, {0}, 0},
    {"no-swap", 0, OPT_FLAG, NULL, NULL, "greedy only, skip the swap local search", NULL, 0,
     {0}, 0},
    {"bound-iterations", 0, OPT_INT, "N", "300", "subgradient steps of the Lagrangian upper "
     "bound", NULL, 0, {0}, 0},
    {"out", 'o', OPT_STR, "OUT.gpkg", NULL, "also write the layers shelter_sites, "
     "coverage_areas and demand_allocation into this GeoPackage (created when absent, other "
     "layers kept); needs --crs", NULL, 0, {0}, 0},
    {"json", 0, OPT_FLAG, NULL, NULL, "print a JSON summary on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const cli_cmd_info info = {
    "senda site --demand FILE --candidates FILE [--weight-field W] [--radius-m R] [--p P] "
    "[options]",
    "Rank new shelter sites by the demand they would cover (maximal covering location).",
    "Chooses among the candidate points the sites that cover the most demand weight within\n"
    "the service distance R (straight line, metres, in the inputs' projected CRS). Demand\n"
    "already within R of an --existing shelter counts as covered first. mclp picks P sites\n"
    "(fewer when more would cover nothing new); set-cover picks the fewest sites reaching\n"
    "--target-share. The solver is a lazy greedy followed by swap local search; the upper\n"
    "bound on the optimum (greedy bound and Lagrangian relaxation) and the gap are printed,\n"
    "so the answer's quality is known. Sites are ranked: rank 1 adds the most, each next\n"
    "rank the most given the ones before; 'cum %' is the share of the total weight covered\n"
    "up to that rank, existing shelters included. A site's exposure (--exposure-field) can\n"
    "be a hard limit (--max-exposure) or a penalty (--exposure-penalty), and a distance to\n"
    "the nearest checkpoint or hotspot (--clearance-field) a minimum (--min-clearance-m): a\n"
    "shelter inside a hotspot can itself become a target. Site ids are the candidates' feature ids (FID).\n"
    "With --out the ranked sites, their coverage discs and the allocation of every demand\n"
    "point to its nearest open site are written as GeoPackage layers.\n"
    "\n"
    "Cost coverage (--cost RASTER --max-cost C): instead of the straight line, a demand point\n"
    "is covered by a site (new or existing) when the least accumulated cost from the site's\n"
    "cell to the point's cell is <= C: travel under danger, with GRASS r.cost's move costs\n"
    "(8 neighbours; a straight step between cells of friction f1 and f2 costs (f1 + f2) / 2,\n"
    "a diagonal one (f1 + f2) x 1.414 / 2, times the unit). With --unit-m 0 (default) the\n"
    "unit is one cell width, as r.cost; with --unit-m 1000 a friction of 'danger per km'\n"
    "gives costs in danger x km. Nodata or negative cells are impassable; demand outside the\n"
    "raster or on nodata is never covered and sites there cover nothing (a warning counts\n"
    "them). --radius-m is then unused, and demand is allocated to the open site of least\n"
    "cost. With --out, coverage_areas are the raster cells each new site reaches within C\n"
    "and demand_allocation has each point's accumulated cost from its site (field cost).",
    "  senda site --demand risk.gpkg --weight-field danger --candidates towns.gpkg \\\n"
    "             --existing shelters.gpkg --radius-m 10000 --p 5 \\\n"
    "             --crs EPSG:32615 --out sites.gpkg\n"
    "  senda site --demand d.gpkg --candidates c.gpkg --radius-m 1000 --p 8 --json\n"
    "  senda site --demand d.gpkg --candidates c.gpkg --model set-cover --target-share 0.8\n"
    "  senda site --demand d.gpkg --weight-field w --candidates c.gpkg --existing s.gpkg \\\n"
    "             --cost danger.tif --unit-m 1000 --max-cost 40 --p 5 --json",
    NULL,
};

/* A number in width w, or "-" when it is NaN (no exposure, no shelter). */
static void num(char *buf, size_t n, double v, const char *fmt)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, fmt, v);
}

static void print_table(const senda_siting_result *r, const senda_points *cand,
                        const senda_siting_opts *so)
{
    printf("%4s %10s %12s %12s %14s %8s %10s %12s\n", "rank", "site_fid", "x", "y",
           "marginal", "cum_%", "exposure", "existing_m");
    for (size_t k = 0; k < r->n_sites; k++) {
        size_t j = r->site[k];
        char e[32], d[32];
        num(e, sizeof e, r->exposure[k], "%.4g");
        num(d, sizeof d, r->nearest_existing_m[k], "%.0f");
        printf("%4zu %10lld %12.1f %12.1f %14.6g %8.2f %10s %12s\n", k + 1,
               (long long)cand->id[j], cand->x[j], cand->y[j], r->marginal[k],
               r->cumulative_pct[k], e, d);
    }
    printf("covered %.6g of %.6g (%.2f %%), existing shelters %.6g; upper bound %.6g, gap "
           "%.3f %%\n", r->covered_weight, r->total_weight,
           r->total_weight > 0 ? 100.0 * r->covered_weight / r->total_weight : 0.0,
           r->existing_weight, r->upper_bound, 100.0 * r->gap);
    if (so->cost_grid && so->unit_m > 0.0)
        printf("coverage: accumulated cost <= %g (friction x move length in units of %g m)\n",
               so->max_cost, so->unit_m);
    else if (so->cost_grid)
        printf("coverage: accumulated cost <= %g (friction x move length in cell widths)\n",
               so->max_cost);
    else
        printf("coverage: straight line <= %g m\n", so->radius_m);
}

static json_object *jdbl(double v)
{
    return isfinite(v) ? json_object_new_double(v) : NULL; /* null for NaN / inf */
}

static void print_json(const senda_siting_result *r, const senda_points *cand,
                       const senda_siting_opts *so)
{
    json_object *o = json_object_new_object(), *sites = json_object_new_array(),
                *ranked = json_object_new_array();
    for (size_t k = 0; k < r->n_sites; k++) {
        size_t j = r->site[k];
        json_object *s = json_object_new_object();
        json_object_array_add(sites, json_object_new_int64(cand->id[j]));
        json_object_object_add(s, "rank", json_object_new_int64((int64_t)k + 1));
        json_object_object_add(s, "fid", json_object_new_int64(cand->id[j]));
        json_object_object_add(s, "x", jdbl(cand->x[j]));
        json_object_object_add(s, "y", jdbl(cand->y[j]));
        json_object_object_add(s, "marginal", jdbl(r->marginal[k]));
        json_object_object_add(s, "cumulative_pct", jdbl(r->cumulative_pct[k]));
        json_object_object_add(s, "exposure", jdbl(r->exposure[k]));
        json_object_object_add(s, "nearest_existing_m", jdbl(r->nearest_existing_m[k]));
        json_object_array_add(ranked, s);
    }
    json_object *cov = json_object_new_object();
    json_object_object_add(cov, "mode",
                           json_object_new_string(so->cost_grid ? "cost" : "straight-line"));
    if (so->cost_grid) {
        json_object_object_add(cov, "max_cost", jdbl(so->max_cost));
        json_object_object_add(cov, "unit_m", jdbl(so->unit_m));
        json_object_object_add(cov, "unit", json_object_new_string(
                                                so->unit_m > 0.0 ? "friction x unit_m metres"
                                                                 : "friction x cell widths"));
    } else {
        json_object_object_add(cov, "radius_m", jdbl(so->radius_m));
    }
    json_object_object_add(o, "coverage", cov);
    json_object_object_add(o, "covered_weight", jdbl(r->covered_weight));
    json_object_object_add(o, "total_weight", jdbl(r->total_weight));
    json_object_object_add(o, "existing_weight", jdbl(r->existing_weight));
    json_object_object_add(o, "objective", jdbl(r->objective));
    json_object_object_add(o, "upper_bound", jdbl(r->upper_bound));
    json_object_object_add(o, "gap", jdbl(r->gap));
    json_object_object_add(o, "greedy_bound", jdbl(r->greedy_bound));
    json_object_object_add(o, "lagrangian_bound", jdbl(r->lagrangian_bound));
    json_object_object_add(o, "n_eligible", json_object_new_int64((int64_t)r->n_eligible));
    json_object_object_add(o, "n_swaps", json_object_new_int64((int64_t)r->n_swaps));
    json_object_object_add(o, "n_pairs", json_object_new_int64((int64_t)r->n_pairs));
    if (r->min_sites_lower_bound)
        json_object_object_add(o, "min_sites_lower_bound",
                               json_object_new_int64((int64_t)r->min_sites_lower_bound));
    json_object_object_add(o, "sites", sites);
    json_object_object_add(o, "ranked", ranked);
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
    json_object_put(o);
}

/* Numeric options into the solver options; returns CLI_USAGE on a bad value. */
static int fill_opts(senda_siting_opts *so)
{
    int ok = 1;
    so->radius_m = cli_dbl(opts, "radius-m", &ok);
    long p = cli_int(opts, "p", &ok);
    so->target_share = cli_dbl(opts, "target-share", &ok);
    so->exposure_penalty = cli_dbl(opts, "exposure-penalty", &ok);
    if (cli_str(opts, "max-exposure"))
        so->exposure_max = cli_dbl(opts, "max-exposure", &ok);
    if (cli_str(opts, "min-clearance-m"))
        so->min_clearance_m = cli_dbl(opts, "min-clearance-m", &ok);
    so->bound_iterations = (int)cli_int(opts, "bound-iterations", &ok);
    so->unit_m = cli_dbl(opts, "unit-m", &ok);
    if (cli_str(opts, "max-cost"))
        so->max_cost = cli_dbl(opts, "max-cost", &ok);
    so->local_search = !cli_flag(opts, "no-swap");
    if (!ok)
        return CLI_USAGE;
    if (p < 1) {
        fprintf(stderr, "senda: --p must be >= 1, got %ld\n", p);
        return CLI_USAGE;
    }
    so->p = (size_t)p;
    const char *m = cli_str(opts, "model");
    if (strcmp(m, "mclp") == 0)
        so->model = SENDA_SITING_MCLP;
    else if (strcmp(m, "set-cover") == 0)
        so->model = SENDA_SITING_SET_COVER;
    else {
        fprintf(stderr, "senda: --model must be mclp or set-cover, got '%s'\n", m);
        return CLI_USAGE;
    }
    if ((cli_str(opts, "max-exposure") || so->exposure_penalty > 0.0) &&
        !cli_str(opts, "exposure-field")) {
        fprintf(stderr, "senda: --max-exposure and --exposure-penalty need --exposure-field\n");
        return CLI_USAGE;
    }
    if (!cli_str(opts, "cost") != !cli_str(opts, "max-cost")) {
        fprintf(stderr, "senda: --cost and --max-cost go together (a friction raster and a "
                        "cost budget)\n");
        return CLI_USAGE;
    }
    if (cli_str(opts, "min-clearance-m") && !cli_str(opts, "clearance-field")) {
        fprintf(stderr, "senda: --min-clearance-m needs --clearance-field\n");
        return CLI_USAGE;
    }
    return 0;
}

typedef struct inputs {
    senda_points *demand, *cand, *existing, *expo, *clear;
    senda_grid *cost;
} inputs;

static senda_status read_inputs(senda_ctx *ctx, inputs *in)
{
    const char *crs = cli_str(opts, "crs");
    senda_status st = senda_points_read(ctx, cli_str(opts, "demand"),
                                        cli_str(opts, "demand-layer"),
                                        cli_str(opts, "weight-field"), crs, &in->demand);
    if (st == SENDA_OK)
        st = senda_points_read(ctx, cli_str(opts, "candidates"),
                               cli_str(opts, "candidates-layer"), NULL, crs, &in->cand);
    if (st == SENDA_OK && cli_str(opts, "exposure-field"))
        st = senda_points_read(ctx, cli_str(opts, "candidates"),
                               cli_str(opts, "candidates-layer"),
                               cli_str(opts, "exposure-field"), crs, &in->expo);
    if (st == SENDA_OK && cli_str(opts, "clearance-field"))
        st = senda_points_read(ctx, cli_str(opts, "candidates"),
                               cli_str(opts, "candidates-layer"),
                               cli_str(opts, "clearance-field"), crs, &in->clear);
    if (st == SENDA_OK && cli_str(opts, "existing"))
        st = senda_points_read(ctx, cli_str(opts, "existing"), cli_str(opts, "existing-layer"),
                               NULL, crs, &in->existing);
    if (st == SENDA_OK && cli_str(opts, "cost"))
        st = senda_grid_read(ctx, cli_str(opts, "cost"), &in->cost);
    return st;
}

int cmd_site(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 0, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (!cli_str(opts, "demand") || !cli_str(opts, "candidates")) {
        fprintf(stderr, "senda: --demand and --candidates are required\nusage: %s\n",
                info.usage);
        return CLI_USAGE;
    }
    senda_siting_opts so;
    senda_siting_opts_init(&so);
    if ((rc = fill_opts(&so)) != 0)
        return rc;
    if (cli_str(opts, "out") && !cli_str(opts, "crs")) {
        fprintf(stderr, "senda: --out needs --crs (the projected CRS of the inputs and the "
                        "output layers, e.g. EPSG:32615)\n");
        return CLI_USAGE;
    }
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        return CLI_FAIL;
    }
    inputs in = {NULL, NULL, NULL, NULL, NULL, NULL};
    senda_siting_result *res = NULL;
    senda_status st = read_inputs(ctx, &in);
    if (st == SENDA_OK) {
        so.exposure = in.expo ? in.expo->weight : NULL;
        so.clearance_m = in.clear ? in.clear->weight : NULL;
        so.cost_grid = in.cost;
        st = senda_siting_solve(ctx, in.demand, in.cand, in.existing, &so, &res,
                                cli_progress(cli_flag(opts, "quiet")), NULL);
    }
    if (st == SENDA_OK && cli_str(opts, "out"))
        st = senda_siting_write_opts(ctx, cli_str(opts, "out"), cli_str(opts, "crs"), in.demand,
                                     in.cand, in.existing, res, &so,
                                     cli_progress(cli_flag(opts, "quiet")), NULL);
    if (st != SENDA_OK) {
        rc = cli_fail(ctx, st);
    } else {
        if (cli_flag(opts, "json"))
            print_json(res, in.cand, &so);
        else
            print_table(res, in.cand, &so);
        rc = CLI_OK;
    }
    senda_siting_result_destroy(res);
    senda_points_destroy(in.demand);
    senda_points_destroy(in.cand);
    senda_points_destroy(in.existing);
    senda_points_destroy(in.expo);
    senda_points_destroy(in.clear);
    senda_grid_destroy(in.cost);
    senda_ctx_destroy(ctx);
    return rc;
}
