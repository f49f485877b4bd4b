/*
 * cmd_publish.c - `senda publish RUN.gpkg --out PUBLIC.gpkg`: a fresh,
 * aggregates-only file that is safe to share (senda_privacy_publish); `--audit`
 * checks public files together (senda_privacy_publish_audit); `--list-releases`
 * shows what a run file has released (senda_privacy_publish_releases).
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static cli_opt opts[] = {
    {"out", 'o', OPT_STR, "PUBLIC.gpkg", NULL, "the new file to write (required; never the run "
     "file, nor a link to it)", NULL, 0, {0}, 0},
    {"k", 'k', OPT_INT, "K", "11", "every published figure is 0 or at least K (K >= 5)", NULL,
     0, {0}, 0},
    {"units", 0, OPT_STR, "FILE", NULL, "a polygon layer of smaller units (municipalities); "
     "default: the bundled states and departments", NULL, 0, {0}, 0},
    {"cell-km", 0, OPT_DBL, "KM", NULL, "count on square cells of KM km instead (10 to 1000)",
     NULL, 0, {0}, 0},
    {"from", 0, OPT_STR, "YYYY-MM", NULL, "first month counted", NULL, 0, {0}, 0},
    {"to", 0, OPT_STR, "YYYY-MM", NULL, "last month counted", NULL, 0, {0}, 0},
    {"exclude-type", 0, OPT_STR, "T,T", NULL, "incident types left out", NULL, 0, {0}, 0},
    {"audit", 0, OPT_FLAG, NULL, NULL, "audit PUBLIC.gpkg [EARLIER.gpkg ...] together and "
     "report every figure of 1 to k-1 they reveal", NULL, 0, {0}, 0},
    {"list-releases", 0, OPT_FLAG, NULL, NULL, "list what RUN.gpkg has released", NULL, 0,
     {0}, 0},
    {"json", 0, OPT_FLAG, NULL, NULL, "print a JSON summary on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const cli_cmd_info info = {
    "senda publish RUN.gpkg --out PUBLIC.gpkg [--k K] [--units FILE | --cell-km KM]\n"
    "                     [--from YYYY-MM] [--to YYYY-MM] [--exclude-type T,T] [--json] [-q]\n"
    "       senda publish --audit PUBLIC.gpkg [EARLIER.gpkg ...]\n"
    "       senda publish --list-releases RUN.gpkg",
    "Make a new, aggregates-only GeoPackage from a run output, safe to share.",
    "The output of senda run holds incident points and is restricted. publish writes a\n"
    "fresh file holding only aggregates, every one 0 or at least K:\n"
    "  incident_areas       incidents, victims (dead and missing), women_count and\n"
    "                       minors_count per area: states and departments by default,\n"
    "                       your --units, or --cell-km cells; areas under K are merged\n"
    "                       (unit -> state -> country -> whole area), never suppressed\n"
    "  incidents_by_period  per month; small months merged into quarters, years\n"
    "  incidents_by_type    per type; rare types merged into 'other types'\n"
    "  publish_manifest     K, units, filters, what was merged and why, release id\n"
    "  border, rail, checkpoints, crossings   geometry and name only (never shelters)\n"
    "No point, no day, no free text, no source or reporter field. Before renaming the\n"
    "file into place, publish audits it with every earlier release recorded in the run\n"
    "file (a month more, a type less, ...) and refuses a release from which any figure\n"
    "of 1 to K-1 could be inferred; the release is then recorded in the run file.",
    "  senda publish demo-out/corridor.gpkg --out corridor-public.gpkg\n"
    "  senda publish run.gpkg --out public.gpkg --to 2023-11\n"
    "  senda publish --audit public-2023-12.gpkg public-2023-11.gpkg\n"
    "  senda publish --list-releases run.gpkg",
    NULL,
};

static int audit(senda_ctx *ctx, const char *const *pos, int n_pos, long k, int json)
{
    senda_privacy_publish_finding *found = NULL;
    size_t n_found = 0;
    senda_status st = senda_privacy_publish_audit(ctx, pos, (size_t)n_pos, k, &found, &n_found);
    if (st != SENDA_OK)
        return cli_fail(ctx, st);
    if (json) {
        json_object *o = json_object_new_object(), *a = json_object_new_array();
        for (size_t i = 0; i < n_found; i++) {
            json_object *x = json_object_new_object();
            json_object_object_add(x, "measure", json_object_new_string(found[i].measure));
            json_object_object_add(x, "what", json_object_new_string(found[i].what));
            json_object_object_add(x, "min", json_object_new_int64(found[i].lo));
            json_object_object_add(x, "max", json_object_new_int64(found[i].hi));
            json_object_array_add(a, x);
        }
        json_object_object_add(o, "files", json_object_new_int(n_pos));
        json_object_object_add(o, "disclosures", a);
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
        json_object_put(o);
    } else {
        for (size_t i = 0; i < n_found; i++)
            printf("DISCLOSURE %s: %s is between %ld and %ld\n", found[i].measure, found[i].what,
                   found[i].lo, found[i].hi);
        printf("audit: %d file%s, %zu figure%s of 1 to k-1 can be inferred\n", n_pos,
               n_pos == 1 ? "" : "s", n_found, n_found == 1 ? "" : "s");
    }
    senda_free(found);
    return n_found ? CLI_FAIL : CLI_OK;
}

int cmd_publish(int argc, char **argv)
{
    const char *pos[64];
    int n_pos = 0, ok = 1;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 64, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    int do_audit = cli_flag(opts, "audit"), do_list = cli_flag(opts, "list-releases");
    if (do_audit ? n_pos < 1 : n_pos != 1 || (!do_list && !cli_str(opts, "out"))) {
        fprintf(stderr, "senda: publish needs RUN.gpkg and --out PUBLIC.gpkg\nusage: %s\n",
                info.usage);
        return CLI_USAGE;
    }
    senda_privacy_publish_opts po;
    senda_privacy_publish_opts_init(&po);
    po.k = cli_int(opts, "k", &ok);
    if (cli_get(opts, "cell-km")->seen) {
        double km = cli_dbl(opts, "cell-km", &ok);
        if (ok && !(km >= 10.0 && km <= 1000.0)) {
            fprintf(stderr, "senda: publish: --cell-km %g refused: cells must be 10 to 1000 "
                    "km; a smaller cell locates each incident to within its side and can "
                    "point at a shelter, a house or a single crossing\n", km);
            return CLI_USAGE;
        }
        po.cell_m = km * 1000.0;
    }
    po.units_path = cli_str(opts, "units");
    po.from = cli_str(opts, "from");
    po.to = cli_str(opts, "to");
    po.exclude_types = cli_str(opts, "exclude-type");
    if (!ok)
        return CLI_USAGE;
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx)
        return CLI_FAIL;
    if (do_audit) {
        rc = audit(ctx, pos, n_pos, cli_get(opts, "k")->seen ? po.k : 0, cli_flag(opts, "json"));
        senda_ctx_destroy(ctx);
        return rc;
    }
    if (do_list) {
        char *text = NULL;
        senda_status st = senda_privacy_publish_releases(ctx, pos[0], &text);
        rc = st == SENDA_OK ? (fputs(text, stdout), CLI_OK) : cli_fail(ctx, st);
        senda_free(text);
        senda_ctx_destroy(ctx);
        return rc;
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
        json_object_object_add(o, "release", json_object_new_string(r.release));
        json_object_object_add(o, "k", json_object_new_int64(po.k));
        json_object_object_add(o, "incidents", json_object_new_int64(r.n_incidents));
        json_object_object_add(o, "filtered_out", json_object_new_int64(r.n_filtered));
        json_object_object_add(o, "without_geometry", json_object_new_int64(r.n_without_geometry));
        json_object_object_add(o, "victims", json_object_new_int64(r.victims));
        json_object_object_add(o, "victims_in_state_or_smaller",
                               json_object_new_int64(r.victims_fine));
        json_object_object_add(o, "areas", json_object_new_int64((int64_t)r.n_areas));
        json_object_object_add(o, "areas_merged", json_object_new_int64((int64_t)r.n_areas_merged));
        json_object_object_add(o, "periods", json_object_new_int64((int64_t)r.n_periods));
        json_object_object_add(o, "types", json_object_new_int64((int64_t)r.n_types));
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
        json_object_put(o);
    } else {
        printf("published %s (release %s, k = %ld): %ld incidents and %ld victims in %zu areas "
               "(%zu merged from smaller units), %zu periods, %zu types; %ld of %ld victims "
               "(%.1f %%) in areas no larger than a state; audit: nothing of 1 to %ld can be "
               "inferred\n",
               cli_str(opts, "out"), r.release, po.k, r.n_incidents, r.victims, r.n_areas,
               r.n_areas_merged, r.n_periods, r.n_types, r.victims_fine, r.victims,
               r.victims ? 100.0 * (double)r.victims_fine / (double)r.victims : 0.0, po.k - 1);
    }
    senda_ctx_destroy(ctx);
    return CLI_OK;
}
