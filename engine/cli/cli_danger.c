/*
 * cli_danger.c - filling the pipeline's input and danger options records
 * from the shared option rows (cli_danger.h). The numeric defaults shown by
 * --help are the library's own (senda_pipeline_danger_opts_init), written
 * into the table before parsing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_danger.h"

int cli_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

int cli_stage_parse(int argc, char **argv, cli_opt *opts, const cli_cmd_info *info,
                    const char **out)
{
    const char *pos[1];
    int n_pos = 0;
    *out = NULL;
    int rc = cli_parse(argc, argv, 2, opts, info, pos, 0, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (!(*out = cli_str(opts, "out"))) {
        fprintf(stderr, "senda: --out is required\nusage: %s\n", info->usage);
        return CLI_USAGE;
    }
    return 0;
}

int cli_input_fill(cli_opt *opts, const char *out, senda_pipeline_input_opts *in)
{
    senda_pipeline_input_opts_init(in);
    cli_opt *r = cli_get(opts, "reports");
    in->store = cli_str(opts, "store");
    in->files = r->values;
    in->n_files = (size_t)r->n_values;
    in->layers_dir = cli_str(opts, "layers");
    in->crs = cli_str(opts, "crs");
    in->scratch = out;
    in->filter.types = cli_str(opts, "types");
    in->filter.date_from = cli_str(opts, "date-from");
    in->filter.date_to = cli_str(opts, "date-to");
    in->filter.victims = cli_str(opts, "victims");
    in->filter.perpetrators = cli_str(opts, "perpetrators");
    in->filter.precision = cli_str(opts, "precision");
    in->filter.weighted = !cli_flag(opts, "unweighted");
    if (in->store && in->n_files) {
        fprintf(stderr, "senda: give --store or --reports, not both\n");
        return CLI_USAGE;
    }
    return 0;
}

senda_status cli_input_open(senda_ctx *ctx, const senda_pipeline_input_opts *o, int quiet,
                            senda_pipeline_input **in)
{
    senda_status st = senda_pipeline_input_open(ctx, o, in, cli_progress(quiet), NULL);
    if (st == SENDA_OK && (*in)->imported) {
        const senda_incidents_import_summary *s = &(*in)->import;
        fprintf(stderr, "senda: %zu report file(s): %ld rows, %ld accepted (%ld repaired), "
                "%ld rejected, %ld duplicate\n", o->n_files, s->read, s->accepted, s->repaired,
                s->rejected, s->duplicate);
    }
    return st;
}

/* The what-if edits: --move-checkpoint NAME=PLACE is --without-checkpoint
 * NAME --with-checkpoint PLACE. The lists live as long as the command. */
static int edits_fill(cli_opt *opts, senda_pipeline_danger_opts *d)
{
    static const char *without[2 * CLI_LIST_MAX], *with[2 * CLI_LIST_MAX];
    static char names[CLI_LIST_MAX][128];
    cli_opt *wo = cli_get(opts, "without-checkpoint"), *wi = cli_get(opts, "with-checkpoint");
    cli_opt *mv = cli_get(opts, "move-checkpoint");
    size_t n_wo = 0, n_wi = 0;
    for (int i = 0; i < wo->n_values; i++)
        without[n_wo++] = wo->values[i];
    for (int i = 0; i < wi->n_values; i++)
        with[n_wi++] = wi->values[i];
    for (int i = 0; i < mv->n_values; i++) {
        const char *eq = strchr(mv->values[i], '=');
        size_t len = eq ? (size_t)(eq - mv->values[i]) : 0;
        if (!eq || len == 0 || !eq[1] || len >= sizeof names[0]) {
            fprintf(stderr, "senda: --move-checkpoint: '%s' is not NAME=PLACE\n",
                    mv->values[i]);
            return CLI_USAGE;
        }
        memcpy(names[i], mv->values[i], len);
        names[i][len] = '\0';
        without[n_wo++] = names[i];
        with[n_wi++] = eq + 1;
    }
    d->without_checkpoints = n_wo ? without : NULL;
    d->n_without = n_wo;
    d->with_checkpoints = n_wi ? with : NULL;
    d->n_with = n_wi;
    return 0;
}

/* The danger stage's numeric options, in the order they are read. */
#define F(name, member) CLI_DBL_FIELD(name, senda_pipeline_danger_opts, member)
static const cli_dbl_field danger_fields[] = {
    F("cell-m", cell_m),
    F("pad-m", pad_m),
    F("radius-m", kde.radius_m),
    F("w-base", weights.w_base),
    F("w-density", weights.w_density),
    F("w-checkpoint", weights.w_checkpoint),
    F("checkpoint-range-m", weights.checkpoint_range_m),
    F("w-rail", weights.w_rail),
    F("rail-range-m", weights.rail_range_m),
    {NULL, 0},
};
#undef F

void cli_danger_defaults(cli_opt *opts)
{
    senda_pipeline_danger_opts d;
    senda_pipeline_danger_opts_init(&d);
    cli_default_dbls(opts, danger_fields, &d);
}

int cli_danger_fill(cli_opt *opts, senda_pipeline_danger_opts *d)
{
    senda_pipeline_danger_opts_init(d);
    int ok = cli_fill_dbls(opts, danger_fields, d);
    d->land_mask = !cli_flag(opts, "no-land-mask");
    return ok ? edits_fill(opts, d) : CLI_USAGE;
}

int cli_danger_parse(int argc, char **argv, cli_opt *opts, const cli_cmd_info *info,
                     const char **out, senda_pipeline_input_opts *io,
                     senda_pipeline_danger_opts *d)
{
    int rc = cli_stage_parse(argc, argv, opts, info, out);
    if (rc || !*out)
        return rc;
    if ((rc = cli_input_fill(opts, *out, io)) != 0 || (rc = cli_danger_fill(opts, d)) != 0)
        *out = NULL;
    return rc;
}

senda_status cli_danger_run(senda_ctx *ctx, cli_opt *opts, const senda_pipeline_input_opts *io,
                            const senda_pipeline_danger_opts *d, const char *out,
                            senda_pipeline_input **in, senda_pipeline_danger_result **r)
{
    int quiet = cli_flag(opts, "quiet");
    senda_status st = cli_input_open(ctx, io, quiet, in);
    if (st == SENDA_OK)
        st = senda_pipeline_danger(ctx, *in, d, out, r, cli_progress(quiet), NULL);
    return st;
}
