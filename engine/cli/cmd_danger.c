/*
 * cmd_danger.c - `senda danger`: the danger surface (and the incident
 * density it is built from) for a store or a report file and the corridor
 * layers, into a GeoPackage (float32 coverages `danger` and `density`) or a
 * GeoTIFF (the danger surface only). Library calls: senda_pipeline_input_open
 * and senda_pipeline_danger (the stage, with its land mask, what-if and
 * temporary store).
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_danger.h"

static cli_opt opts[] = {
    CLI_INPUT_OPTS,
    CLI_DANGER_OPTS,
    {"out", 'o', OPT_STR, "OUT.gpkg|OUT.tif", NULL, "output: a .gpkg gets the coverages "
     "`danger`, `density` (and `danger_whatif` with what-if edits); a .tif the danger surface "
     "(the what-if one with edits; Float32). Required", NULL, 0, {0}, 0},
    {"json", 0, OPT_FLAG, NULL, NULL, "print a JSON summary on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const char *const renamed[] = {"points=reports", NULL};

static const cli_cmd_info info = {
    "senda danger (--store STORE.gpkg | --reports FILE) --out OUT.gpkg|OUT.tif [options]",
    "Danger surface: how dangerous each cell is to cross, in danger per km travelled.",
    "Every cell of a grid covering the corridor layers (and the incidents) gets\n"
    "  danger = w_base + w_density * rho / rho_max\n"
    "         + w_checkpoint * max over checkpoints of max(0, 1 - d / checkpoint_range)\n"
    "         + w_rail * max(0, 1 - d_rail / rail_range)\n"
    "with rho the kernel density of the incidents (weighted incidents per km2, quartic\n"
    "kernel of --radius-m) and d the straight-line distance in metres. A cell costs\n"
    "w_base per km far from everything and up to the sum of the four weights per km at\n"
    "the worst incident cluster on the rail next to a checkpoint. Without\n"
    "incidents the density term is 0. What-if: --without-checkpoint and\n"
    "--with-checkpoint edit the checkpoints; the surface is computed again with the edits\n"
    "(`danger_whatif`). Filters: --types, --date-from/--date-to, --victims, --perpetrators.\n"
    "The formula and weights are stored with the surface (band description).",
    "  senda synth --n 3000 --seed 7 --out demo.csv\n"
    "  senda danger --reports demo.csv --out danger.gpkg\n"
    "  senda danger --store store.gpkg --types kidnapping,extortion --cell-m 500 \\\n"
    "      --victims women,minors --without-checkpoint 'La Arrocera' --out no-arrocera.tif",
    renamed,
};

static void summary(const senda_pipeline_danger_result *r, json_object *root)
{
    const senda_grid *s = r->danger_whatif ? r->danger_whatif : r->danger;
    const double *v = senda_grid_cdata(s);
    size_t n = senda_grid_n_rows(s) * senda_grid_n_cols(s), n_valid = 0;
    double lo = (double)INFINITY, hi = -(double)INFINITY, sum = 0.0, rho_max = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        lo = fmin(lo, v[i]), hi = fmax(hi, v[i]), sum += v[i], n_valid++;
        rho_max = fmax(rho_max, senda_grid_cdata(r->density)[i]);
    }
    double mean = n_valid ? sum / (double)n_valid : (double)NAN;
    if (!root) {
        printf("grid        %zu x %zu cells of %g m, %s\n", senda_grid_n_rows(s),
               senda_grid_n_cols(s), senda_grid_cell_m(s), senda_grid_crs(s));
        printf("incidents   %zu\n", r->n_incidents);
        printf("density max %.4g weighted incidents per km2\n", rho_max);
        printf("danger      min %.3f  mean %.3f  max %.3f  (danger per km%s)\n", lo, mean, hi,
               r->danger_whatif ? ", what-if" : "");
        printf("formula     %s\n", senda_grid_description(s));
        return;
    }
    json_object_object_add(root, "rows", json_object_new_int64((int64_t)senda_grid_n_rows(s)));
    json_object_object_add(root, "cols", json_object_new_int64((int64_t)senda_grid_n_cols(s)));
    json_object_object_add(root, "cell_m", json_object_new_double(senda_grid_cell_m(s)));
    json_object_object_add(root, "crs", json_object_new_string(senda_grid_crs(s)));
    json_object_object_add(root, "incidents", json_object_new_int64((int64_t)r->n_incidents));
    json_object_object_add(root, "density_max", json_object_new_double(rho_max));
    json_object_object_add(root, "danger_min", json_object_new_double(lo));
    json_object_object_add(root, "danger_mean", json_object_new_double(mean));
    json_object_object_add(root, "danger_max", json_object_new_double(hi));
    json_object_object_add(root, "whatif", json_object_new_boolean(r->danger_whatif != NULL));
    json_object_object_add(root, "formula", json_object_new_string(senda_grid_description(s)));
}

int cmd_danger(int argc, char **argv)
{
    cli_danger_defaults(opts);
    const char *out = NULL;
    senda_pipeline_input_opts io;
    senda_pipeline_danger_opts dopts;
    int rc = cli_danger_parse(argc, argv, opts, &info, &out, &io, &dopts);
    if (rc || !out)
        return rc;
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx)
        return CLI_FAIL;
    senda_pipeline_input *in = NULL;
    senda_pipeline_danger_result *r = NULL;
    senda_status st = cli_danger_run(ctx, opts, &io, &dopts, out, &in, &r);
    if (st == SENDA_OK) {
        json_object *root = cli_flag(opts, "json") ? json_object_new_object() : NULL;
        summary(r, root);
        if (root) {
            json_object_object_add(root, "out", json_object_new_string(out));
            printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
        }
        json_object_put(root);
    } else {
        rc = cli_fail(ctx, st);
    }
    senda_pipeline_danger_result_destroy(r);
    senda_pipeline_input_destroy(in);
    senda_ctx_destroy(ctx);
    return rc;
}
