/*
 * cmd_run.c - `senda run SCENARIO.yaml`: every scenario of a scenario file
 * through the whole pipeline, one GeoPackage each, with a summary table (or
 * JSON) on stdout and progress on stderr.
 */
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static cli_opt opts[] = {
    {"only", 0, OPT_STR, "NAMES", NULL, "run only these scenarios (comma-separated names)",
     NULL, 0, {0}, 0},
    {"jobs", 'j', OPT_INT, "N", "1", "scenarios run at once, 1..16 (each on its own thread; "
     "with N > 1 every scenario uses one thread inside)", NULL, 0, {0}, 0},
    {"keep-going", 0, OPT_FLAG, NULL, NULL, "run every scenario even after one fails "
     "(default: stop at the first failure, cancelling the others)", NULL, 0, {0}, 0},
    {"json", 0, OPT_FLAG, NULL, NULL, "print the summary as JSON on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const char *const renamed[] = {"k=keep-going", NULL};

static const cli_cmd_info info = {
    "senda run SCENARIO.yaml [--only NAME[,NAME...]] [--jobs N] [--keep-going] [--json] [-q]",
    "Run the whole pipeline for every scenario of a scenario file: one GeoPackage each.",
    "For each scenario: the corridor layers, the incidents (an incident store, files to\n"
    "import, or synthetic ones) through the scenario's filter, the kernel density\n"
    "(incidents per km2), Gi* hot-spot cells, the danger surface (danger per km), the\n"
    "accumulated cost from the border crossings and the least-danger paths between the\n"
    "routes' places, danger per km along the rail lines (with a profile PNG of the longest\n"
    "line beside the output), and ranked new shelter sites. Everything goes into one\n"
    "GeoPackage per scenario with a style per layer, a QGIS project and provenance (the\n"
    "scenario file, every parameter, inputs with SHA-256). An output is written beside its\n"
    "final name and renamed into place when complete: a failed, cancelled or killed run\n"
    "leaves the previous file untouched. Ctrl-C (or SIGTERM) cancels cleanly: temporary\n"
    "files are removed and the exit status is 1.\n"
    "A scenario file is YAML: the top-level keys are the base settings, `scenarios:` lists\n"
    "named variants that override what differs (see scenarios/corridor.yaml). The summary\n"
    "lists scenario, status, seconds, incidents passing the filter, new sites and output.\n"
    "Exit status: 0 when every selected scenario succeeded, 1 otherwise, 2 for usage.\n\n"
    "Scenario keys and their defaults (the stages' own, also those of the CLI commands)\n"
    "are listed below. A 0 for hotspot.cell_m, hotspot.gi_cell_m, hotspot.radius_m or\n"
    "hotspot.band_m means automatic: chosen from the data as `senda hotspot` does.",
    "  senda run scenarios/corridor.yaml\n"
    "  senda run scenarios/corridor.yaml --only kidnapping --json\n"
    "  senda run yearly.yaml --jobs 2 --keep-going -q\n\n"
    "A minimal scenario file:\n"
    "  output: out/{name}.gpkg\n"
    "  cell_m: 2000\n"
    "  incidents: {store: incidents.gpkg}\n"
    "  scenarios:\n"
    "    - name: all\n"
    "    - name: y2019\n"
    "      filter: {date_from: 2019, date_to: 2019}",
    renamed,
};

/* Ctrl-C (SIGINT) or SIGTERM: cancel through the progress callback, so every
 * running scenario removes its temporary files and keeps the previous output. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static int run_progress(double complete, const char *message, void *arg)
{
    if (stop_signal)
        return 0;
    if (arg) /* not quiet */
        senda_progress_term(complete, message, NULL);
    return 1;
}

static const char *status_word(const senda_scenario_run_result *r)
{
    if (!r->ran)
        return "not run";
    if (r->status == SENDA_OK)
        return "ok";
    return r->status == SENDA_ERR_CANCELLED ? "cancelled" : "FAILED";
}

/* 1 when name is in the comma-separated list (NULL: every name). */
static int listed(const char *list, const char *name)
{
    if (!list)
        return 1;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        p += strspn(p, ", ");
        size_t len = strcspn(p, ", ");
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += len;
    }
    return 0;
}

static void print_table(const senda_scenario_run_result *r, size_t n)
{
    printf("%-20s %-9s %8s %9s %7s %5s  %s\n", "scenario", "status", "seconds", "incidents",
           "coarser", "sites", "output");
    for (size_t i = 0; i < n; i++) {
        if (!listed(cli_str(opts, "only"), r[i].name))
            continue; /* not selected by --only */
        printf("%-20s %-9s %8.2f %9ld %7ld %5ld  %s\n", r[i].name, status_word(&r[i]),
               r[i].seconds, r[i].n_incidents, r[i].n_coarser_left_out, r[i].n_sites,
               r[i].ran && r[i].status == SENDA_OK
                                                   ? r[i].output
                                                   : "-");
    }
}

static void print_json(const senda_scenario_run_result *r, size_t n, int ok)
{
    json_object *o = json_object_new_object(), *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        if (!listed(cli_str(opts, "only"), r[i].name))
            continue;
        json_object *s = json_object_new_object();
        json_object_object_add(s, "name", json_object_new_string(r[i].name));
        json_object_object_add(s, "status", json_object_new_string(status_word(&r[i])));
        json_object_object_add(s, "ran", json_object_new_boolean(r[i].ran));
        json_object_object_add(s, "output", json_object_new_string(r[i].output));
        json_object_object_add(s, "seconds", json_object_new_double(r[i].seconds));
        if (r[i].ran && r[i].status != SENDA_OK)
            json_object_object_add(s, "error", json_object_new_string(r[i].error));
        json_object_object_add(s, "read", json_object_new_int64(r[i].n_read));
        json_object_object_add(s, "accepted", json_object_new_int64(r[i].n_accepted));
        json_object_object_add(s, "rejected", json_object_new_int64(r[i].n_rejected));
        json_object_object_add(s, "duplicate", json_object_new_int64(r[i].n_duplicate));
        json_object_object_add(s, "incidents", json_object_new_int64(r[i].n_incidents));
        json_object_object_add(s, "coarser_left_out",
                               json_object_new_int64(r[i].n_coarser_left_out));
        json_object_object_add(s, "sites", json_object_new_int64(r[i].n_sites));
        json_object_object_add(s, "covered_pct", json_object_new_double(r[i].covered_pct));
        json_object_array_add(a, s);
    }
    json_object_object_add(o, "ok", json_object_new_boolean(ok));
    json_object_object_add(o, "scenarios", a);
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

/* After --help: every scenario key with its default, from the library. */
static int print_keys(void)
{
    senda_ctx *ctx = cli_ctx_new();
    char *text = NULL;
    if (!ctx || senda_scenario_defaults(ctx, &text) != SENDA_OK) {
        senda_ctx_destroy(ctx);
        return CLI_FAIL;
    }
    printf("\nScenario keys and their defaults:\n");
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        if (strncmp(p, "name:", 5) != 0)
            printf("  %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
    senda_free(text);
    senda_ctx_destroy(ctx);
    return CLI_OK;
}

int cmd_run(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 1, &n_pos);
    int json_help = 0;
    for (int k = 2; k < argc; k++)
        json_help |= strcmp(argv[k], "--json") == 0;
    if (rc == CLI_HELP_SHOWN)
        return json_help ? CLI_OK : print_keys(); /* --help --json: the table alone */
    if (rc)
        return rc;
    if (n_pos != 1) {
        fprintf(stderr, "senda: run needs one scenario file\nusage: %s\n", info.usage);
        return CLI_USAGE;
    }
    int ok = 1;
    senda_scenario_run_opts ro;
    senda_scenario_run_opts_init(&ro);
    ro.jobs = (int)cli_int(opts, "jobs", &ok);
    if (!ok)
        return CLI_USAGE;
    if (ro.jobs < 1 || ro.jobs > 16) {
        fprintf(stderr, "senda: --jobs must be 1..16, got %d\n", ro.jobs);
        return CLI_USAGE;
    }
    ro.keep_going = cli_flag(opts, "keep-going");
    ro.only = cli_str(opts, "only");
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        return CLI_FAIL;
    }
    senda_scenario_set *set = NULL;
    senda_scenario_run_result *res = NULL;
    size_t n = 0;
    senda_status st = senda_scenario_load(ctx, pos[0], &set);
    if (st != SENDA_OK) {
        rc = cli_fail(ctx, st);
        goto done;
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    st = senda_scenario_run_all(ctx, set, &ro, &res, &n, run_progress,
                                cli_flag(opts, "quiet") ? NULL : (void *)ctx);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (stop_signal)
        fprintf(stderr, "\nsenda: stopped by signal %d; outputs left as they were\n",
                (int)stop_signal);
    if (!res) { /* bad --only or out of memory: nothing ran */
        rc = cli_fail(ctx, st);
        goto done;
    }
    if (st != SENDA_OK && !cli_flag(opts, "quiet"))
        fputc('\n', stderr); /* end the interrupted progress line */
    for (size_t i = 0; i < n; i++)
        if (res[i].ran && res[i].status != SENDA_OK && res[i].status != SENDA_ERR_CANCELLED)
            fprintf(stderr, "senda: %s: %s\n", res[i].name, res[i].error);
    if (st != SENDA_OK)
        fprintf(stderr, "senda: %s\n", senda_ctx_errmsg(ctx));
    if (cli_flag(opts, "json"))
        print_json(res, n, st == SENDA_OK);
    else
        print_table(res, n);
    rc = st == SENDA_OK ? CLI_OK : CLI_FAIL;
done:
    senda_free(res);
    senda_scenario_set_destroy(set);
    senda_ctx_destroy(ctx);
    return rc;
}
