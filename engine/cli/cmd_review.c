/*
 * cmd_review.c - `senda incidents review STORE`: list possible duplicates,
 * settle them with --keep FID / --link FID[:TO].
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define NO_DEF NULL, 0, {0}, 0
static cli_opt opts[] = {
    {"keep", 0, OPT_LIST, "FID", NULL, "keep possible duplicate FID as its own event "
     "(repeatable)", NO_DEF},
    {"link", 0, OPT_LIST, "FID[:TO]", NULL, "link possible duplicate FID as a duplicate of "
     "the report proposed, or of incident TO (repeatable)", NO_DEF},
    {"json", 0, OPT_FLAG, NULL, NULL, "print the list as JSON on stdout", NO_DEF},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NO_DEF},
};

static const cli_cmd_info info = {
    "senda incidents review STORE.gpkg [--keep FID]... [--link FID[:TO]]...",
    "List the reports kept as possible duplicates and settle them.",
    "A month- or year-dated report that matches one finer-dated report is linked as its\n"
    "duplicate on import; one that could repeat either of two or more reports is kept as\n"
    "possible_duplicate (left out of analyses, so the event is counted once) and listed\n"
    "here with the report it was matched to. --keep makes it its own event (later\n"
    "imports never link it again); --link makes it a duplicate (of the report proposed,\n"
    "or of incident TO), giving its larger count to that report. Without --keep/--link\n"
    "the list is printed.",
    "  senda incidents review incidents.gpkg\n"
    "  senda incidents review incidents.gpkg --keep 512 --link 530 --link 533:41",
    NULL,
};

static void print_list(const senda_review_item *it, size_t n, int json)
{
    if (json) {
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "fid", json_object_new_int64(it[i].fid));
            json_object_object_add(o, "date", json_object_new_string(it[i].date));
            json_object_object_add(o, "type", json_object_new_string(it[i].type));
            json_object_object_add(o, "victims", json_object_new_double(it[i].victims));
            json_object_object_add(o, "source_file", json_object_new_string(it[i].source_file));
            json_object_object_add(o, "candidate", json_object_new_int64(it[i].candidate));
            json_object_object_add(o, "candidate_date",
                                   json_object_new_string(it[i].candidate_date));
            json_object_object_add(o, "message", json_object_new_string(it[i].message));
            json_object_array_add(a, o);
        }
        printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY));
        json_object_put(a);
        return;
    }
    printf("%ld possible duplicate(s)\n", (long)n);
    for (size_t i = 0; i < n; i++)
        printf("%6lld  %-10s %-15s %5g  %.5f,%.5f  %s\n        may repeat %lld  %-10s %-15s "
               "%5g  %s\n", (long long)it[i].fid, it[i].date, it[i].type, it[i].victims,
               it[i].lat, it[i].lon, it[i].source_file, (long long)it[i].candidate,
               it[i].candidate_date, it[i].candidate_type, it[i].candidate_victims,
               it[i].candidate_source_file);
}

static int parse_fid(const char *s, long long *fid, long long *to)
{
    char *end = NULL;
    *fid = strtoll(s, &end, 10);
    *to = -1;
    if (end && *end == ':')
        *to = strtoll(end + 1, &end, 10);
    return end && !*end && *fid > 0 && (*to == -1 || *to > 0);
}

int cmd_review(int argc, char **argv)
{
    const char *pos[2];
    int n_pos = 0;
    int rc = cli_parse(argc, argv, 3, opts, &info, pos, 2, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (n_pos != 1) {
        fprintf(stderr, "senda: give one STORE\nusage: %s\n", info.usage);
        return CLI_USAGE;
    }
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx)
        return CLI_FAIL;
    cli_opt *keep = cli_get(opts, "keep"), *link = cli_get(opts, "link");
    for (int k = 0; k < keep->n_values + link->n_values && rc == CLI_OK; k++) {
        const char *v = k < keep->n_values ? keep->values[k] : link->values[k - keep->n_values];
        long long fid, to;
        if (!parse_fid(v, &fid, &to) || (k < keep->n_values && to != -1)) {
            fprintf(stderr, "senda: --%s wants %s, got '%s'\n", k < keep->n_values ? "keep"
                    : "link", k < keep->n_values ? "FID" : "FID[:TO]", v);
            rc = CLI_USAGE;
            break;
        }
        senda_status st = senda_incidents_review_settle(ctx, pos[0], fid,
                                                        k < keep->n_values ? 0 : to);
        if (st != SENDA_OK)
            rc = cli_fail(ctx, st);
        else
            fprintf(stderr, "senda: incident %lld %s\n", fid, k < keep->n_values
                    ? "kept as its own event" : "linked as a duplicate");
    }
    if (rc == CLI_OK && keep->n_values + link->n_values == 0) {
        senda_review_item *it = NULL;
        size_t n = 0;
        senda_status st = senda_incidents_review_list(ctx, pos[0], &it, &n);
        if (st != SENDA_OK)
            rc = cli_fail(ctx, st);
        else
            print_list(it, n, cli_flag(opts, "json"));
        senda_review_items_free(it, n);
    }
    senda_ctx_destroy(ctx);
    return rc;
}
