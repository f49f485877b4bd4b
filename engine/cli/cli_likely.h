/*
 * cli_likely.h - `senda route --likely`: the option rows of the route
 * model (choice cost, exposure, route choice, flows) and its run, output
 * and printing. Library calls: senda_choice_surface, senda_exposure_surface,
 * senda_likely_routes, senda_likely_compare, senda_flows_read,
 * senda_likely_incident_rate.
 */
#ifndef SENDA_CLI_LIKELY_H
#define SENDA_CLI_LIKELY_H

#include <json-c/json.h>

#include "cli_danger.h"

#define CLI_LIKELY_OPTS                                                                          \
    {"likely", 0, OPT_FLAG, NULL, NULL, "likely routes: route density and exposure per "       \
     "migrant from a stochastic route choice over the choice cost (with a what-if: before, "   \
     "after, difference)", NULL, 0, {0}, 0},                                                     \
    CLI_DANGER_S("theta", "T", "0.2", "route choice: a route costing 1/T km-equivalents more " \
                 "is e times less likely"),                                                      \
    CLI_DANGER_S("flows", "FILE.csv", NULL, "migrants per crossing (CSV: crossing,migrants; "  \
                 "default equal shares); gives incidents per 1,000 migrants per corridor"),      \
    CLI_DANGER_S("w-detect", "W", "5", "choice: detection halo at a checkpoint, per km"),       \
    CLI_DANGER_S("detect-range-m", "M", "10000", "choice: the halo falls linearly to 0 here"),  \
    CLI_DANGER_S("train-factor", "F", "0.5", "choice: a km on the train costs F km of walking"), \
    CLI_DANGER_S("w-exposure-base", "W", "0.2", "exposure per km of walking itself"),           \
    CLI_DANGER_S("w-incident", "W", "4", "exposure: weight of the normalised incident "        \
                 "density"),                                                                     \
    CLI_DANGER_S("w-remote", "W", "1", "exposure: weight of the distance from shelters and "   \
                 "crossings"),                                                                   \
    CLI_DANGER_S("remote-range-m", "M", "30000", "exposure: remoteness counts in full beyond " \
                 "this"),                                                                        \
    CLI_DANGER_S("w-train", "W", "1", "exposure: weight of riding the train"),                  \
    CLI_DANGER_S("town-min-population", "N", "5000", "exposure: towns of at least N people "  \
                 "(bundled gazetteer) count as help; 0 = only shelters and crossings"),          \
    CLI_DANGER_S("shelter-radius-m", "M", "5000", "what-if: a shelter's passing flow is the "  \
                 "route density within this distance"),                                          \
    CLI_DANGER_S("dem", "DEM.tif", NULL, "choice: elevation raster (any GDAL raster, resampled " \
                 "bilinearly onto the grid): walking off the rail also costs r.walk's slope "    \
                 "time"),                                                                        \
    CLI_DANGER_S("walk-coeff", "A,B,C,D", "0.72,6.0,1.9998,-1.9998", "with --dem: r.walk's "    \
                 "walking coefficients, s per m of distance, climb, moderate and steep descent"), \
    CLI_DANGER_S("slope-factor", "S", "-0.2125", "with --dem: descents steeper than this are "  \
                 "steep (r.walk)")

typedef struct cli_likely {
    int on;
    senda_choice_opts choice;
    senda_exposure_opts exposure;
    senda_likely_opts likely;
    double shelter_radius_m;
    const char *flows_path;
    double flows[CLI_LIST_MAX];
    const char *dem_path;
    senda_grid *expo;                   /* the exposure surface (the baseline's, kept) */
    senda_grid *dem, *walking;          /* with --dem: elevation and walking weight */
    senda_grid *choice_before, *choice_after;
    senda_likely_result *before, *after;
} cli_likely;

/** Parse the options into L; 0 or CLI_USAGE (message printed). */
int cli_likely_parse(cli_opt *opts, cli_likely *L);

/** One run of the model on a danger run's grids: the exposure (first call
 *  only) from rho, the choice cost on danger's cells with the checkpoint
 *  edits of dopts, the likely routes from src to dst. whatif selects
 *  before/after. */
senda_status cli_likely_run(senda_ctx *ctx, cli_likely *L, const cli_danger *d,
                            const senda_cost_danger_opts *dopts, const senda_grid *rho,
                            const senda_grid *danger, const senda_points *src,
                            const char *const *src_names, const senda_points *dst, int whatif,
                            int quiet);

/** Exposure along the likely routes per window of the route results (the
 *  what-if's, after, may be NULL). */
senda_status cli_likely_route(senda_ctx *ctx, const cli_likely *L, senda_cost_route_result *before,
                              senda_cost_route_result *after);

/** Write the coverages, the per-corridor table (likely_corridors) and the
 *  what-if's checkpoints into the GeoPackage being built (tmp). */
senda_status cli_likely_write(senda_ctx *ctx, cli_likely *L, const cli_danger *d,
                              const senda_points *src, const char *const *src_names,
                              const char *tmp);

/** Print the summary (text, or into root["likely"]); with a what-if the
 *  change, the shelters whose passing flow changes most. */
senda_status cli_likely_print(senda_ctx *ctx, cli_likely *L, const cli_danger *d,
                              const char *const *src_names, const char *const *dst_names,
                              json_object *root);

/** The model's parameters as "key: value" lines (product provenance). */
void cli_likely_params(const cli_likely *L, const cli_danger *d, char *buf, size_t size);

void cli_likely_free(cli_likely *L);

#endif
