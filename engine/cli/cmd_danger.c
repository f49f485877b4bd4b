/*
 * cmd_danger.c - `senda danger`: the danger surface (and the incident
 * density it is built from) for a store or a report file and the corridor
 * layers, into a GeoPackage (float32 coverages `danger` and `density`) or a
 * GeoTIFF (the danger surface only). One library call:
 * senda_cost_danger_from_points.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_danger.h"

static cli_opt opts[] = {
    CLI_DANGER_OPTS,
    {"out", 'o', OPT_STR, "OUT.gpkg|OUT.tif", NULL, "output: a .gpkg gets the coverages "
     "`danger` and `density`; a .tif the danger surface (Float32). Required", NULL, 0, {0}, 0},
    {"json", 0, OPT_FLAG, NULL, NULL, "print a JSON summary on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const cli_cmd_info info = {
    "senda danger (--store STORE.gpkg | --points FILE) --out OUT.gpkg|OUT.tif [options]",
    "Danger surface: how dangerous each cell is to cross, in danger per km travelled.",
    "Every cell of a grid covering the corridor layers (and the incidents) gets\n"
    "  danger = w_base + w_density * rho / rho_max\n"
    "         + w_checkpoint * max over checkpoints of max(0, 1 - d / checkpoint_range)\n"
    "         + w_rail * max(0, 1 - d_rail / rail_range)\n"
    "with rho the kernel density of the incidents (weighted incidents per km2, quartic\n"
    "kernel of --radius-m) and d the straight-line distance in metres. With the default\n"
    "weights a cell costs 1 per km far from everything and up to 1 + 4 + 2 + 1 = 8 per\n"
    "km at the worst incident cluster on the rail next to a checkpoint. Without\n"
    "incidents the density term is 0. What-if: --without-checkpoint and\n"
    "--with-checkpoint edit the checkpoints before the surface is computed.\n"
    "The formula and weights are stored with the surface (band description).",
    "  senda synth --n 3000 --seed 7 --out demo.csv\n"
    "  senda danger --points demo.csv --out danger.gpkg\n"
    "  senda danger --store store.gpkg --types kidnapping,extortion --cell-m 500 \\\n"
    "      --without-checkpoint 'La Arrocera' --out no-arrocera.tif",
};

static void summary(const senda_grid *s, const senda_grid *rho, const cli_danger *d,
                    json_object *root)
{
    const double *v = senda_grid_cdata(s);
    size_t n = senda_grid_n_rows(s) * senda_grid_n_cols(s), n_valid = 0;
    double lo = (double)INFINITY, hi = -(double)INFINITY, sum = 0.0, rho_max = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        lo = fmin(lo, v[i]), hi = fmax(hi, v[i]), sum += v[i], n_valid++;
        rho_max = fmax(rho_max, senda_grid_cdata(rho)[i]);
    }
    double mean = n_valid ? sum / (double)n_valid : (double)NAN;
    size_t n_inc = d->incidents ? d->incidents->n : 0;
    if (!root) {
        printf("grid        %zu x %zu cells of %g m, %s\n", senda_grid_n_rows(s),
               senda_grid_n_cols(s), senda_grid_cell_m(s), senda_grid_crs(s));
        printf("incidents   %zu\n", n_inc);
        printf("density max %.4g weighted incidents per km2\n", rho_max);
        printf("danger      min %.3f  mean %.3f  max %.3f  (danger per km)\n", lo, mean, hi);
        printf("formula     %s\n", senda_grid_description(s));
        return;
    }
    json_object_object_add(root, "rows", json_object_new_int64((int64_t)senda_grid_n_rows(s)));
    json_object_object_add(root, "cols", json_object_new_int64((int64_t)senda_grid_n_cols(s)));
    json_object_object_add(root, "cell_m", json_object_new_double(senda_grid_cell_m(s)));
    json_object_object_add(root, "crs", json_object_new_string(senda_grid_crs(s)));
    json_object_object_add(root, "incidents", json_object_new_int64((int64_t)n_inc));
    json_object_object_add(root, "density_max", json_object_new_double(rho_max));
    json_object_object_add(root, "danger_min", json_object_new_double(lo));
    json_object_object_add(root, "danger_mean", json_object_new_double(mean));
    json_object_object_add(root, "danger_max", json_object_new_double(hi));
    json_object_object_add(root, "formula", json_object_new_string(senda_grid_description(s)));
}

static senda_status write_out(senda_ctx *ctx, const char *out, const senda_grid *rho,
                              const senda_grid *s)
{
    if (cli_ends_with(out, ".tif") || cli_ends_with(out, ".tiff"))
        return senda_grid_write_tiff(ctx, s, out, 0); /* temporary file + rename inside */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-senda.gpkg", out);
    remove(tmp);
    senda_status st = senda_export_grid(ctx, tmp, "danger", s, NULL, NULL);
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, tmp, "density", rho, NULL, NULL);
    if (st != SENDA_OK) {
        remove(tmp);
        return st;
    }
    return cli_commit(tmp, out);
}

int cmd_danger(int argc, char **argv)
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
    cli_danger d;
    if ((rc = cli_danger_parse(opts, &d)) != 0)
        return rc;
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        return CLI_FAIL;
    }
    int quiet = cli_flag(opts, "quiet");
    senda_grid *rho = NULL, *s = NULL;
    json_object *root = cli_flag(opts, "json") ? json_object_new_object() : NULL;
    senda_status st = cli_danger_load(ctx, opts, out, quiet, &d);
    if (st == SENDA_OK)
        st = cli_danger_surface(ctx, &d, &d.whatif, &rho, &s, quiet);
    if (st == SENDA_OK)
        st = write_out(ctx, out, rho, s);
    if (st == SENDA_OK) {
        summary(s, rho, &d, root);
        if (root) {
            json_object_object_add(root, "out", json_object_new_string(out));
            printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
        }
    } else if (st != SENDA_ERR_IO || senda_ctx_errmsg(ctx)[0]) {
        rc = cli_fail(ctx, st);
    } else {
        rc = CLI_FAIL;
    }
    json_object_put(root);
    senda_grid_destroy(rho);
    senda_grid_destroy(s);
    cli_danger_free(&d);
    senda_ctx_destroy(ctx);
    return rc;
}
