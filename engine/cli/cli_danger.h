/*
 * cli_danger.h - option rows several commands share, one word for one thing
 * everywhere: the incidents (--store, --reports, the filters --types,
 * --date-from/--date-to, --victims, --perpetrators, --unweighted), the
 * layers and CRS, and the danger surface (cell, padding, weights, what-if
 * checkpoint edits); and filling the pipeline's options records from them.
 * Every numeric default comes from the library's *_opts_init.
 */
#ifndef SENDA_CLI_DANGER_H
#define SENDA_CLI_DANGER_H

#include "cli.h"

#define CLI_S(name, meta, def, help) {name, 0, OPT_STR, meta, def, help, NULL, 0, {0}, 0}
#define CLI_L(name, meta, help) {name, 0, OPT_LIST, meta, NULL, help, NULL, 0, {0}, 0}
#define CLI_F(name, help) {name, 0, OPT_FLAG, NULL, NULL, help, NULL, 0, {0}, 0}

/* The incidents and layers (a comma after the last row). */
#define CLI_INPUT_OPTS                                                                           \
    CLI_S("store", "STORE", NULL, "incident store made by `senda incidents import`: a "        \
          "GeoPackage, or PostGIS as PG:dbname=... or postgresql://...; its accepted (and "     \
          "repaired) incidents"),                                                           \
    CLI_L("reports", "FILE", "incident reports in any file `senda incidents import` reads "     \
          "(CSV, GeoJSON, XLSX, ...), imported into a temporary store beside the output, "       \
          "then removed"),                                                                       \
    CLI_S("types", "T,...", NULL, "only these incident types: kidnapping, extortion, "          \
          "robbery_assault, sexual_violence, homicide, death_accident, disappearance, "          \
          "trafficking, abuse_by_authority, other"),                                             \
    CLI_S("date-from", "DATE", NULL, "only incidents on or after yyyy, yyyy-mm or yyyy-mm-dd "  \
          "(a report dated only to a month or year counts when its whole period is inside)"),   \
    CLI_S("date-to", "DATE", NULL, "only incidents on or before this date"),                    \
    CLI_S("victims", "G,...", NULL, "only incidents with any of these among the victims: "      \
          "women, men, minors"),                                                                 \
    CLI_S("perpetrators", "P,...", NULL, "only these perpetrators: criminal_group, police, "    \
          "immigration_authority, military, train_personnel, other, unknown"),                   \
    CLI_S("precision", "P", NULL, "leave out reports located more coarsely than P: exact, "   \
          "locality, approximate or whole_degree (the count left out is printed)"),             \
    CLI_F("unweighted", "every incident weighs 1 (default: severity x victims, as stored at "   \
          "import)"),                                                                            \
    CLI_S("layers", "DIR", NULL, "corridor layers (default: the bundled layers/corridor)"),     \
    CLI_S("crs", "CRS", SENDA_DEFAULT_CRS, "projected CRS to work in")

/* The danger surface (a comma after the last row). */
#define CLI_DANGER_OPTS                                                                          \
    CLI_S("cell-m", "M", NULL, "cell size of the surfaces, metres"),                            \
    CLI_S("pad-m", "M", NULL, "the grid covers the layers and incidents grown by this, metres"), \
    CLI_S("radius-m", "R", NULL, "kernel density bandwidth (quartic kernel), metres; 0 = "     \
          "automatic (spatial Silverman rule)"),                                                 \
    CLI_S("w-base", "W", NULL, "danger per km of distance itself"),                             \
    CLI_S("w-density", "W", NULL, "weight of the incident density, normalised to its maximum"), \
    CLI_S("w-checkpoint", "W", NULL, "weight of checkpoint proximity"),                         \
    CLI_S("checkpoint-range-m", "M", NULL, "checkpoint proximity falls linearly to 0 at this "  \
          "distance"),                                                                           \
    CLI_S("w-rail", "W", NULL, "weight of rail proximity"),                                     \
    CLI_S("rail-range-m", "M", NULL, "rail proximity falls linearly to 0 at this distance"),    \
    CLI_L("without-checkpoint", "NAME", "what-if: leave out the checkpoint of this name (names " \
          "as in the checkpoints layer)"),                                                       \
    CLI_L("with-checkpoint", "PLACE|LON,LAT", "what-if: add a checkpoint here (WGS 84 degrees " \
          "or a place name of the layers)"),                                                     \
    CLI_L("move-checkpoint", "NAME=LON,LAT|PLACE", "what-if: move the checkpoint of this name " \
          "there (= --without-checkpoint NAME --with-checkpoint PLACE)"),                        \
    CLI_F("no-land-mask", "keep the sea: by default cells whose centre is outside the layers' " \
          "`land` polygons are nodata (impassable)")

/** Parse a stage command's options and require --out: 0 with *out set,
 *  CLI_OK after --help (then *out is NULL), or CLI_USAGE (message printed). */
int cli_stage_parse(int argc, char **argv, cli_opt *opts, const cli_cmd_info *info,
                    const char **out);

/** Fill in; every string points into opts (argv). Returns 0, or CLI_USAGE
 *  with a message printed. out names where temporary files go. */
int cli_input_fill(cli_opt *opts, const char *out, senda_pipeline_input_opts *in);

/** Load the inputs, printing the import counts of --reports. */
senda_status cli_input_open(senda_ctx *ctx, const senda_pipeline_input_opts *o, int quiet,
                            senda_pipeline_input **in);

/** Set the danger rows' defaults from senda_pipeline_danger_opts_init. */
void cli_danger_defaults(cli_opt *opts);
int cli_danger_fill(cli_opt *opts, senda_pipeline_danger_opts *d);

/** What `senda danger` and `senda route` start with: cli_stage_parse, then the
 *  input and danger records filled. 0 with *out set, CLI_OK after --help
 *  (*out NULL), or CLI_USAGE (message printed). */
int cli_danger_parse(int argc, char **argv, cli_opt *opts, const cli_cmd_info *info,
                     const char **out, senda_pipeline_input_opts *io,
                     senda_pipeline_danger_opts *d);

/** Load the inputs (cli_input_open) and run the danger stage, writing to out
 *  when not NULL. The caller destroys *in and *r whatever the status. */
senda_status cli_danger_run(senda_ctx *ctx, cli_opt *opts, const senda_pipeline_input_opts *io,
                            const senda_pipeline_danger_opts *d, const char *out,
                            senda_pipeline_input **in, senda_pipeline_danger_result **r);

/** 1 when s ends with suffix (case-insensitive). */
int cli_ends_with(const char *s, const char *suffix);

/** The print of a failed stage: cli_fail. */
#endif
