/*
 * cmd_synth.c - `senda synth`: write a deterministic synthetic incident CSV
 * (every row marked synthetic) around the corridor layers.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define NO_DEF NULL, 0, {0}, 0
static cli_opt opts[] = {
    {"layers", 0, OPT_STR, "DIR", NULL, "corridor layers to draw around (default: bundled)",
     NO_DEF},
    {"n", 'n', OPT_INT, "N", "1000", "number of incidents", NO_DEF},
    {"seed", 's', OPT_INT, "S", "1", "random seed (same seed, same file)", NO_DEF},
    {"out", 'o', OPT_STR, "FILE.csv", NULL, "output CSV. Required", NO_DEF},
    {"rail", 0, OPT_DBL, "SHARE", "0.5", "share drawn near the rail (sigma 1.5 km)", NO_DEF},
    {"checkpoints", 0, OPT_DBL, "SHARE", "0.2", "share near checkpoints (sigma 3 km)", NO_DEF},
    {"crossings", 0, OPT_DBL, "SHARE", "0.15", "share near border crossings (sigma 4 km); the "
     "rest is uniform background", NO_DEF},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NO_DEF},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NO_DEF},
};

static const cli_cmd_info info = {
    "senda synth --out FILE.csv [--layers DIR] [--n N] [--seed S]",
    "Write a synthetic incident file, every row marked synthetic.",
    "Draws N incidents near the rail lines, checkpoints and border crossings of the layers,\n"
    "plus uniform background, with Spanish type and perpetrator names, dates 2015-2024,\n"
    "victim counts and women/men/minors. Columns: note (\"SYNTHETIC - not real data\"),\n"
    "synthetic (=1), id, fecha, tipo, victimas, mujeres, hombres, menores, perpetrador,\n"
    "lat, lon, cluster. Deterministic: the same layers, N and seed give the same bytes.\n"
    "For demos, tests and benchmarks only: never mix it with real reports.",
    "  senda synth --n 5000 --seed 7 --out synthetic.csv\n"
    "  senda incidents import synthetic.csv --store demo.gpkg",
    NULL,
};

int cmd_synth(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 0, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    int ok = 1;
    senda_incidents_synth_opts o;
    senda_incidents_synth_opts_init(&o);
    long n = cli_int(opts, "n", &ok), seed = cli_int(opts, "seed", &ok);
    o.frac_rail = cli_dbl(opts, "rail", &ok);
    o.frac_checkpoint = cli_dbl(opts, "checkpoints", &ok);
    o.frac_crossing = cli_dbl(opts, "crossings", &ok);
    if (!ok || n < 0 || !cli_str(opts, "out")) {
        fprintf(stderr, "senda: give --out FILE.csv and --n >= 0\nusage: %s\n", info.usage);
        return CLI_USAGE;
    }
    o.n = (size_t)n;
    o.seed = (uint64_t)seed;
    senda_ctx *ctx = NULL;
    if (senda_ctx_create(&ctx) != SENDA_OK)
        return CLI_FAIL;
    senda_ctx_set_log(ctx, cli_log, NULL);
    senda_layers *ls = NULL;
    int quiet = cli_flag(opts, "quiet");
    senda_status st = senda_layers_open(ctx, cli_str(opts, "layers"), NULL, &ls, NULL, NULL);
    if (st == SENDA_OK)
        st = senda_incidents_synth(ctx, ls, &o, cli_str(opts, "out"), cli_progress(quiet), NULL);
    rc = st == SENDA_OK ? CLI_OK : cli_fail(ctx, st);
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
    return rc;
}
