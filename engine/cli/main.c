/*
 * main.c - the senda executable: dispatch to one cmd_<module>.c per command.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"run", cmd_run, "run every scenario of a scenario file: the whole pipeline (the main job)"},
    {"layers", cmd_layers, "check the corridor layers (layers check)"},
    {"incidents", cmd_incidents, "import incident reports into a store (incidents import), review duplicates (incidents review)"},
    {"store", cmd_store, "make, check or copy an incident store (GeoPackage or PostGIS)"},
    {"synth", cmd_synth, "write a synthetic incident file (clearly marked synthetic)"},
    {"hotspot", cmd_hotspot, "kernel density and Gi* hot-spot cells of incident points"},
    {"danger", cmd_danger, "danger surface (danger per km) from incidents and the layers"},
    {"route", cmd_route, "least-danger paths, danger per km along the rail, what-if"},
    {"cost", cmd_cost, "accumulated cost and least-cost paths over any raster (r.cost)"},
    {"site", cmd_site, "rank new shelter sites by the demand they cover"},
    {"publish", cmd_publish, "write an aggregates-only copy of a run output, safe to share"},
    {"render", cmd_render, "draw a quick-look map of a product as PNG"},
    {"report", cmd_report, "write a printable PDF report of a product (Spanish or English)"},
    {"info", cmd_info, "list the layers, counts and parameters of a product"},
    /* @@COMMANDS@@ */
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: senda <command> [options]\n\n"
                "senda: route-risk analysis for the Mexico-Guatemala migration corridor.\n\n"
                "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\n'senda <command> --help' explains a command. 'senda --version' prints the "
                "version.\nData goes to stdout, messages and progress to stderr. Exit codes: "
                "0 ok, 1 failure, 2 usage.\n");
}

/* Data printed to stdout reaches its file only at the final flush: a full disk
 * or a closed pipe shows there, and must not end in exit 0. */
static int stdout_checked(int rc)
{
    int failed = ferror(stdout);
    if (fflush(stdout) != 0 || failed) {
        fprintf(stderr, "senda: cannot write the output (standard output): %s\n",
                errno ? strerror(errno) : "write error");
        return rc == CLI_OK ? CLI_FAIL : rc;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return stdout_checked(CLI_OK);
    }
    if (strcmp(argv[1], "--help-man") == 0 || strcmp(argv[1], "--help-commands") == 0) {
        /* hidden: the build writes senda(1) and the completion from these */
        enum { N = sizeof commands / sizeof commands[0] };
        const char *names[N], *summaries[N];
        for (size_t i = 0; i < N; i++)
            names[i] = commands[i].name, summaries[i] = commands[i].summary;
        if (argv[1][7] == 'm')
            cli_man_main(stdout, names, summaries, N);
        else
            for (size_t i = 0; i < N; i++)
                printf("%s\n", names[i]);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        /* the program's version, then the library's and those it runs on */
        printf("senda %s\nlibsenda %s\n%s\n", SENDA_VERSION, senda_version(),
               senda_version_libraries());
        return stdout_checked(CLI_OK);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return stdout_checked(commands[i].fn(argc, argv));
    fprintf(stderr, "senda: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
