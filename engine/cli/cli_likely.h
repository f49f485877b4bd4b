/*
 * cli_likely.h - `senda route --likely`: the option rows of the route
 * model (choice cost, exposure, route choice, flows), filling the route
 * stage's record from them, and printing what the stage found. The model
 * runs inside senda_pipeline_route (engine/pipeline/likely.c).
 */
#ifndef SENDA_CLI_LIKELY_H
#define SENDA_CLI_LIKELY_H

#include <json-c/json.h>

#include "cli_danger.h"

#define CLI_LIKELY_OPTS                                                                          \
    CLI_F("likely", "likely routes: route density and exposure per migrant from a stochastic " \
          "route choice over the choice cost (with a what-if: before, after, difference)"),     \
    CLI_S("theta", "T", NULL, "route choice: a route costing 1/T km-equivalents more is e "    \
          "times less likely"),                                                                  \
    CLI_S("flows", "FILE.csv", NULL, "migrants per crossing (CSV: crossing,migrants; default " \
          "equal shares); gives incidents per 1,000 migrants per corridor"),                     \
    CLI_S("w-detect", "W", NULL, "choice: detection halo at a checkpoint, per km"),             \
    CLI_S("detect-range-m", "M", NULL, "choice: the halo falls linearly to 0 here"),            \
    CLI_S("train-factor", "F", NULL, "choice: a km on the train costs F km of walking"),        \
    CLI_S("w-patrol", "W", NULL, "choice: halo of a patrolled road (layer patrol_roads of "    \
          "--layers), per km"),                                                                  \
    CLI_S("patrol-range-m", "M", NULL, "choice: the road's halo falls linearly to 0 here"),     \
    CLI_S("river-clear-m", "M", NULL, "choice: a river (layer rivers of --layers, a barrier) "  \
          "is open within M of a river_crossings point or a border crossing, and on the rail"),  \
    CLI_S("w-exposure-base", "W", NULL, "exposure per km of walking itself"),                   \
    CLI_S("w-incident", "W", NULL, "exposure: weight of the normalised incident density"),      \
    CLI_S("w-remote", "W", NULL, "exposure: weight of the distance from shelters and "         \
          "crossings"),                                                                          \
    CLI_S("remote-range-m", "M", NULL, "exposure: remoteness counts in full beyond this"),      \
    CLI_S("w-train", "W", NULL, "exposure: weight of riding the train"),                        \
    CLI_S("town-min-population", "N", NULL, "exposure: towns of at least N people (bundled "   \
          "gazetteer) count as help; 0 = only shelters and crossings"),                          \
    CLI_S("shelter-radius-m", "M", NULL, "what-if: a shelter's passing flow is the route "     \
          "density within this distance"),                                                       \
    CLI_S("dem", "DEM.tif", NULL, "choice: elevation raster (any GDAL raster, resampled "       \
          "bilinearly onto the grid): walking off the rail also costs r.walk's slope time"),     \
    CLI_S("walk-coeff", "A,B,C,D", NULL, "with --dem: r.walk's walking coefficients, s per m "  \
          "of distance, climb, moderate and steep descent"),                                     \
    CLI_S("slope-factor", "S", NULL, "with --dem: descents steeper than this are steep "       \
          "(r.walk)"),                                                                           \
    CLI_S("w-terrain", "W", NULL, "with --dem: exposure of steep ground (falls, exhaustion)"),  \
    CLI_S("slope-full", "S", NULL, "with --dem: slopes (rise over run) of S and more count "   \
          "in full in the terrain exposure")

/** Set the rows' defaults from senda_pipeline_route_opts_init. */
void cli_likely_defaults(cli_opt *opts);

/** Fill the model's part of r from the options; 0 or CLI_USAGE (message printed). */
int cli_likely_fill(cli_opt *opts, senda_pipeline_route_opts *r);

/** Print the model's summary (text, or into root["likely"]): per crossing,
 *  per destination, the exposure and, with a what-if, its change and the
 *  shelters whose passing flow changes most. */
senda_status cli_likely_print(senda_ctx *ctx, const senda_pipeline_input *in,
                              const senda_pipeline_route_result *r, json_object *root);

#endif
