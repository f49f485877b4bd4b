/*
 * cmd_store.c - `senda store init | check | copy`: make an incident store
 * (GeoPackage or PostGIS, with the database roles), check it, copy it
 * between back ends.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define NO_DEF NULL, 0, {0}, 0
static cli_opt opts[] = {
    {"roles", 0, OPT_FLAG, NULL, NULL, "init, PostGIS only: also create the roles senda_field, "
     "senda_analyst, senda_partner (grants and row-level security)", NO_DEF},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NO_DEF},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NO_DEF},
};

static const cli_cmd_info info = {
    "senda store init STORE [--roles] | senda store check STORE | senda store copy SRC DST",
    "Make, check or copy an incident store (a GeoPackage or a PostGIS database).",
    "STORE is a GeoPackage path, or a PostgreSQL database with PostGIS as\n"
    "PG:\"dbname=senda host=db.example.org user=...\" (GDAL's spelling) or a\n"
    "postgresql://user@host/dbname URI (libpq reads passwords from ~/.pgpass).\n"
    "\n"
    "  init   make an empty store, or bring an older one to the current schema\n"
    "         (version 2). --roles (PostGIS): create the group roles senda_field\n"
    "         (imports; reads only its own office's reports, by row-level security),\n"
    "         senda_analyst (reads incident points, runs analyses) and senda_partner\n"
    "         (reads only the aggregates view incident_aggregates). Run it as the\n"
    "         database owner; grant an office's login role membership of senda_field.\n"
    "  check  schema version, counts, and integrity: every row read is an incident or\n"
    "         a reject, duplicate links point at stored originals, rows name their\n"
    "         file, points match lon/lat (GeoPackage: also SQLite integrity_check and\n"
    "         the feature counts). Exit 1 when a problem is found.\n"
    "  copy   every incident, reject and imported file (fids, duplicate links and\n"
    "         offices kept) from SRC into a new or empty DST, in one transaction.",
    "  senda store init PG:dbname=senda --roles\n"
    "  senda store copy incidents.gpkg postgresql://analyst@db.example.org/senda\n"
    "  senda store check PG:dbname=senda",
    NULL,
};

static int do_check(senda_ctx *ctx, const char *store)
{
    senda_store_report r;
    senda_status st = senda_store_check(ctx, store, &r);
    if (st != SENDA_OK)
        return cli_fail(ctx, st);
    printf("%-22s %s\n%-22s %d\n", "backend", r.backend, "schema version", r.schema_version);
    printf("%-22s %8ld\n  %-20s %8ld\n  %-20s %8ld\n  %-20s %8ld\n  %-20s %8ld\n",
           "incidents", r.incidents, "accepted", r.accepted, "repaired", r.repaired,
           "duplicate", r.duplicates, "possible_duplicate", r.possible_duplicates);
    printf("%-22s %8ld\n%-22s %8ld\n%-22s %8ld\n", "rejects", r.rejects, "imported files",
           r.files, "rows read", r.rows_in_files);
    for (int i = 0; i < r.n_problems && i < 8; i++)
        printf("problem: %s\n", r.problems[i]);
    printf("%s\n", r.n_problems ? "check: FAILED" : "check: clean");
    return r.n_problems ? CLI_FAIL : CLI_OK;
}

int cmd_store(int argc, char **argv)
{
    const char *sub = argc >= 3 ? argv[2] : "";
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        cli_help(stdout, opts, &info);
        return CLI_OK;
    }
    const char *pos[4];
    int n_pos = 0, rc;
    if (strncmp(sub, "--help-", 7) == 0) { /* --help-man, --help-options: the build's docs */
        rc = cli_parse(argc, argv, 2, opts, &info, pos, 4, &n_pos);
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    }
    int want = strcmp(sub, "copy") == 0 ? 2 : 1;
    if (strcmp(sub, "init") != 0 && strcmp(sub, "check") != 0 && strcmp(sub, "copy") != 0) {
        fprintf(stderr, "senda: usage: %s\n", info.usage);
        return CLI_USAGE;
    }
    rc = cli_parse(argc, argv, 3, opts, &info, pos, 4, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (n_pos != want) {
        fprintf(stderr, "senda: store %s takes %s\nusage: %s\n", sub,
                want == 2 ? "SRC and DST" : "one STORE", info.usage);
        return CLI_USAGE;
    }
    if (cli_flag(opts, "roles") && strcmp(sub, "init") != 0) {
        fprintf(stderr, "senda: --roles goes with store init\n");
        return CLI_USAGE;
    }
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx)
        return CLI_FAIL;
    senda_status st = SENDA_OK;
    if (strcmp(sub, "check") == 0) {
        rc = do_check(ctx, pos[0]);
    } else {
        st = strcmp(sub, "init") == 0
                 ? senda_store_init(ctx, pos[0], cli_flag(opts, "roles"))
                 : senda_store_copy(ctx, pos[0], pos[1], cli_progress(cli_flag(opts, "quiet")),
                                    NULL);
        rc = st == SENDA_OK ? CLI_OK : cli_fail(ctx, st);
        if (st == SENDA_OK)
            printf("%s\n", strcmp(sub, "init") == 0 ? "store ready" : "store copied");
    }
    senda_ctx_destroy(ctx);
    return rc;
}
