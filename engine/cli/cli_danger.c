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

void cli_danger_defaults(cli_opt *opts)
{
    senda_pipeline_danger_opts d;
    senda_pipeline_danger_opts_init(&d);
    cli_default_dbl(opts, "cell-m", d.cell_m);
    cli_default_dbl(opts, "pad-m", d.pad_m);
    cli_default_dbl(opts, "radius-m", d.kde.radius_m);
    cli_default_dbl(opts, "w-base", d.weights.w_base);
    cli_default_dbl(opts, "w-density", d.weights.w_density);
    cli_default_dbl(opts, "w-checkpoint", d.weights.w_checkpoint);
    cli_default_dbl(opts, "checkpoint-range-m", d.weights.checkpoint_range_m);
    cli_default_dbl(opts, "w-rail", d.weights.w_rail);
    cli_default_dbl(opts, "rail-range-m", d.weights.rail_range_m);
}

int cli_danger_fill(cli_opt *opts, senda_pipeline_danger_opts *d)
{
    int ok = 1;
    senda_pipeline_danger_opts_init(d);
    d->cell_m = cli_dbl(opts, "cell-m", &ok);
    d->pad_m = cli_dbl(opts, "pad-m", &ok);
    d->kde.radius_m = cli_dbl(opts, "radius-m", &ok);
    senda_cost_danger_opts *w = &d->weights;
    w->w_base = cli_dbl(opts, "w-base", &ok);
    w->w_density = cli_dbl(opts, "w-density", &ok);
    w->w_checkpoint = cli_dbl(opts, "w-checkpoint", &ok);
    w->checkpoint_range_m = cli_dbl(opts, "checkpoint-range-m", &ok);
    w->w_rail = cli_dbl(opts, "w-rail", &ok);
    w->rail_range_m = cli_dbl(opts, "rail-range-m", &ok);
    d->land_mask = !cli_flag(opts, "no-land-mask");
    return ok ? edits_fill(opts, d) : CLI_USAGE;
}
