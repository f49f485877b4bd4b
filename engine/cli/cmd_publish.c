/*
 * cmd_publish.c - `senda publish RUN.gpkg --out PUBLIC.gpkg`: a fresh,
 * aggregates-only file that is safe to share (senda_privacy_publish).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static cli_opt opts[] = {
    {"out", 'o', OPT_STR, "PUBLIC.gpkg", NULL, "the new file to write (required; never the run "
     "file)", NULL, 0, {0}, 0},
    {"k", 'k', OPT_INT, "K", "11", "counts of 1 to K-1 are suppressed (K >= 5)", NULL, 0, {0},
     0},
    {"cell-km", 0, OPT_DBL, "KM", "25", "side of the square map cells, km", NULL, 0, {0}, 0},
    {"json", 0, OPT_FLAG, NULL, NULL, "print a JSON summary on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const cli_cmd_info info = {
    "senda publish RUN.gpkg --out PUBLIC.gpkg [--k K] [--cell-km KM] [--json] [-q]",
    "Make a new, aggregates-only GeoPackage from a run output, safe to share.",
    "The output of senda run holds incident points and is restricted. publish writes a\n"
    "fresh file through a whitelist, copying nothing else:\n"
    "  border, rail, checkpoints, crossings  geometry and name only (public facts;\n"
    "                                        the shelters are never copied)\n"
    "  incident_cells    incidents counted on square cells of --cell-km\n"
    "  incident_counts   incidents per month (or year, when only the year is known) and\n"
    "                    type, with the month totals (type 'all'), the type totals\n"
    "                    (period 'all') and the grand total\n"
    "No point, no day, no free text, no source or reporter field. A count of 1 to K-1 is\n"
    "suppressed (written as empty, suppressed = 1), and so are the further counts that\n"
    "would let one be recovered by subtraction from a published total: along every row,\n"
    "column and total, suppressed counts are none, or at least two summing to K or more.\n"
    "The file is written beside PUBLIC.gpkg and renamed into place when complete.",
    "  senda publish demo-out/corridor.gpkg --out corridor-public.gpkg\n"
    "  senda publish run.gpkg --out public.gpkg --k 20 --cell-km 50 --json",
    NULL,
};

int cmd_publish(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0, ok = 1;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 1, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (n_pos != 1 || !cli_str(opts, "out")) {
        fprintf(stderr, "senda: publish needs RUN.gpkg and --out PUBLIC.gpkg\nusage: %s\n",
                info.usage);
        return CLI_USAGE;
    }
    senda_privacy_publish_opts po;
    senda_privacy_publish_opts_init(&po);
    po.k = cli_int(opts, "k", &ok);
    po.cell_m = cli_dbl(opts, "cell-km", &ok) * 1000.0;
    if (!ok)
        return CLI_USAGE;
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        return CLI_FAIL;
    }
    senda_privacy_publish_result r;
    senda_status st = senda_privacy_publish(ctx, pos[0], cli_str(opts, "out"), &po, &r,
                                    cli_progress(cli_flag(opts, "quiet")), NULL);
    if (st != SENDA_OK) {
        rc = st == SENDA_ERR_ARG ? (fprintf(stderr, "senda: %s\n", senda_ctx_errmsg(ctx)),
                                    CLI_USAGE)
                                 : cli_fail(ctx, st);
        senda_ctx_destroy(ctx);
        return rc;
    }
    if (cli_flag(opts, "json")) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "output", json_object_new_string(cli_str(opts, "out")));
        json_object_object_add(o, "k", json_object_new_int64(po.k));
        json_object_object_add(o, "cell_km", json_object_new_double(po.cell_m / 1000.0));
        json_object_object_add(o, "incidents", json_object_new_int64(r.n_incidents));
        json_object_object_add(o, "counts", json_object_new_int64((int64_t)r.n_counts));
        json_object_object_add(o, "map_cells", json_object_new_int64((int64_t)r.n_cells));
        json_object_object_add(o, "map_cells_suppressed",
                               json_object_new_int64((int64_t)r.n_cells_suppressed));
        json_object_object_add(o, "suppressed_primary",
                               json_object_new_int64((int64_t)r.n_primary));
        json_object_object_add(o, "suppressed_total",
                               json_object_new_int64((int64_t)r.n_suppressed));
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
        json_object_put(o);
    } else {
        printf("published %s: %ld incidents in %zu map cells of %g km (%zu suppressed) and "
               "%zu counts by period and type; %zu counts suppressed (%zu below k = %ld, "
               "%zu to protect them)\n",
               cli_str(opts, "out"), r.n_incidents, r.n_cells, po.cell_m / 1000.0,
               r.n_cells_suppressed, r.n_counts, r.n_suppressed, r.n_primary, po.k,
               r.n_suppressed - r.n_primary);
    }
    senda_ctx_destroy(ctx);
    return CLI_OK;
}
