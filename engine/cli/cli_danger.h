/*
 * cli_danger.h - the pieces `senda danger` and `senda route` share: the
 * option rows for incidents, layers, grid, danger weights and what-if
 * checkpoint edits, and building the danger surface from them.
 */
#ifndef SENDA_CLI_DANGER_H
#define SENDA_CLI_DANGER_H

#include "cli.h"

#define CLI_DANGER_S(name, meta, def, help) {name, 0, OPT_STR, meta, def, help, NULL, 0, {0}, 0}
#define CLI_DANGER_L(name, meta, help) {name, 0, OPT_LIST, meta, NULL, help, NULL, 0, {0}, 0}

/* Rows to put in a command's option table (a comma after the last row). */
#define CLI_DANGER_OPTS                                                                          \
    CLI_DANGER_S("store", "STORE", NULL, "incident store: GeoPackage, or PG:dbname=... / postgresql://..."),     \
    CLI_DANGER_S("points", "FILE", NULL, "incident reports in any file `senda incidents "       \
                 "import` reads (CSV, GeoJSON, XLSX, ...): imported into a temporary store "    \
                 "beside --out, then removed"),                                                  \
    CLI_DANGER_S("types", "T1,T2", NULL, "only these incident type codes"),                     \
    CLI_DANGER_S("date-from", "DATE", NULL, "only incidents from this date (yyyy[-mm[-dd]])"),  \
    CLI_DANGER_S("date-to", "DATE", NULL, "only incidents up to this date, inclusive"),         \
    CLI_DANGER_S("precision", "P", NULL, "leave out reports located more coarsely than P: "    \
                 "exact, locality, approximate or whole_degree (the count left out is "        \
                 "printed)"),                                                                    \
    {"unweighted", 0, OPT_FLAG, NULL, NULL, "every incident weighs 1 (default: severity x "    \
     "victims)", NULL, 0, {0}, 0},                                                               \
    CLI_DANGER_S("layers", "DIR", NULL, "corridor layers (default: the bundled layers/corridor)"), \
    CLI_DANGER_S("crs", "CRS", SENDA_DEFAULT_CRS, "projected CRS to work in"),                  \
    CLI_DANGER_S("cell-m", "M", "1000", "cell size of the surfaces, metres"),                   \
    CLI_DANGER_S("pad-m", "M", "20000", "the grid covers the layers and incidents grown by "   \
                 "this, metres"),                                                                \
    CLI_DANGER_S("radius-m", "R", "10000", "kernel density bandwidth (quartic kernel), "       \
                 "metres; 0 = automatic (spatial Silverman rule)"),                              \
    CLI_DANGER_S("w-base", "W", "1", "danger per km of distance itself"),                       \
    CLI_DANGER_S("w-density", "W", "4", "weight of the incident density, normalised to its "   \
                 "maximum"),                                                                     \
    CLI_DANGER_S("w-checkpoint", "W", "2", "weight of checkpoint proximity"),                   \
    CLI_DANGER_S("checkpoint-range-m", "M", "10000", "checkpoint proximity falls linearly to "  \
                 "0 at this distance"),                                                          \
    CLI_DANGER_S("w-rail", "W", "1", "weight of rail proximity"),                               \
    CLI_DANGER_S("rail-range-m", "M", "5000", "rail proximity falls linearly to 0 at this "    \
                 "distance"),                                                                    \
    CLI_DANGER_L("without-checkpoint", "NAME", "what-if: leave out the checkpoint of this "    \
                 "name (repeatable; names as in the checkpoints layer)"),                        \
    CLI_DANGER_L("with-checkpoint", "LON,LAT|PLACE", "what-if: add a checkpoint here "         \
                 "(repeatable; WGS 84 degrees or a place name of the layers)"),                  \
    CLI_DANGER_L("move-checkpoint", "NAME=LON,LAT|PLACE", "what-if: move the checkpoint of "   \
                 "this name there (repeatable; = --without-checkpoint NAME --with-checkpoint "   \
                 "PLACE)"),                                                                      \
    {"no-land-mask", 0, OPT_FLAG, NULL, NULL, "keep the sea: by default cells whose centre "   \
     "is outside the layers' `land` polygons are nodata (impassable)", NULL, 0, {0}, 0}

/** What the shared options describe, once loaded. */
typedef struct cli_danger {
    senda_layers *layers;
    senda_points *incidents;  /* NULL when neither --store nor --points */
    senda_hotspot_kde_opts kde;
    double cell_m, pad_m;
    senda_cost_danger_opts base;   /* the weights, no edits */
    senda_cost_danger_opts whatif; /* the weights and the checkpoint edits */
    int has_whatif;
    int land_mask;            /* 1: sea cells of the danger surface become nodata */
    const char *without[CLI_LIST_MAX];
    double with_xy[2 * CLI_LIST_MAX];
    const char *with_name[CLI_LIST_MAX];   /* the places of with_xy as the user named them */
    char move_name[CLI_LIST_MAX][128];     /* --move-checkpoint NAME=PLACE, split */
    const char *move_place[CLI_LIST_MAX];
    size_t n_move;
} cli_danger;

/** Parse the numeric options into d (usage message printed, returns
 *  CLI_USAGE on a bad one), 0 when fine. */
int cli_danger_parse(cli_opt *opts, cli_danger *d);

/** Load the layers and the incidents, resolve --with-checkpoint places.
 *  out_path names where the temporary store for --points goes. */
senda_status cli_danger_load(senda_ctx *ctx, cli_opt *opts, const char *out_path, int quiet,
                             cli_danger *d);

/** The danger surface (and density) for dopts (d->base or d->whatif),
 *  masked to the `land` layer when the layers have one and d->land_mask. */
senda_status cli_danger_surface(senda_ctx *ctx, const cli_danger *d,
                                const senda_cost_danger_opts *dopts, senda_grid **density,
                                senda_grid **danger, int quiet);

void cli_danger_free(cli_danger *d);

/** 1 when s ends with suffix (case-insensitive). */
int cli_ends_with(const char *s, const char *suffix);

/** Remove a temporary output, then rename tmp onto path; SENDA_ERR_IO with a
 *  message on stderr when the rename fails. */
senda_status cli_commit(const char *tmp, const char *path);

#endif
