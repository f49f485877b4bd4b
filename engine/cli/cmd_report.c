/*
 * cmd_report.c - `senda report RUN.gpkg --pdf REPORT.pdf`: a printable report
 * of a product for people who never open QGIS.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static cli_opt opts[] = {
    {"pdf", 0, OPT_STR, "REPORT.pdf", NULL, "the PDF to write (required)", NULL, 0, {0}, 0},
    {"lang", 0, OPT_STR, "LANG", "es", "words and numbers: es (Mexico and Guatemala, 1,234.5), "
     "es-ES (1.234,5) or en", NULL, 0, {0}, 0},
    {"title", 0, OPT_STR, "TEXT", NULL, "report title (default: the title recorded in the "
     "product, else its file name)", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const cli_cmd_info info = {
    "senda report RUN.gpkg --pdf REPORT.pdf [--lang es|es-ES|en] [--title TEXT]",
    "Write a printable PDF report of a senda GeoPackage.",
    "A few A4 pages a shelter director can read and print: a cover (scenario, period,\n"
    "filters, counts; a banner when the incidents are synthetic or too few for a hotspot\n"
    "analysis), the map (land, coast, towns, hotspots or density, paths, sites, legend),\n"
    "the hottest cells with their nearest town and state, danger per km of the rail lines\n"
    "and their worst 10 km stretches with towns, the new shelter sites named by their\n"
    "nearest town with what each covers, the danger profile along the paths, the what-if\n"
    "comparison when the run has one, methods in plain words with references, and the\n"
    "provenance (versions, inputs with SHA-256, every parameter). Spanish by default.\n"
    "The PDF is written beside REPORT.pdf and renamed into place when complete.",
    "  senda report demo-out/corridor.gpkg --pdf corridor.pdf\n"
    "  senda report run.gpkg --pdf run-en.pdf --lang en",
    NULL,
};

int cmd_report(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 1, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (n_pos != 1 || !cli_str(opts, "pdf")) {
        fprintf(stderr, "senda: report needs RUN.gpkg and --pdf REPORT.pdf\nusage: %s\n",
                info.usage);
        return CLI_USAGE;
    }
    senda_report_opts ro;
    senda_report_opts_init(&ro);
    if (cli_str(opts, "lang"))
        ro.lang = cli_str(opts, "lang");
    ro.title = cli_str(opts, "title");
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx)
        return CLI_FAIL;
    senda_status st = senda_export_report(ctx, pos[0], cli_str(opts, "pdf"), &ro,
                                          cli_progress(cli_flag(opts, "quiet")), NULL);
    rc = st == SENDA_OK ? CLI_OK : cli_fail(ctx, st);
    if (st == SENDA_OK && !cli_flag(opts, "quiet"))
        fprintf(stderr, "senda: wrote %s\n", cli_str(opts, "pdf"));
    senda_ctx_destroy(ctx);
    return rc;
}
