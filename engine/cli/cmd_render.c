/*
 * cmd_render.c - `senda render OUT.gpkg --png MAP.png`: a quick-look map
 * picture of a product.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static cli_opt opts[] = {
    {"png", 0, OPT_STR, "MAP.png", NULL, "the picture to write (required)", NULL, 0, {0}, 0},
    {"extent", 0, OPT_STR, "XMIN,YMIN,XMAX,YMAX", NULL, "draw this extent (the product's CRS, "
     "metres) instead of the whole corridor", NULL, 0, {0}, 0},
    {"surface", 0, OPT_STR, "TABLE", NULL, "what to draw underneath: a coverage (density, "
     "danger, accumulated_cost) or the hotspot cells table (default: density, else hotspot "
     "cells)", NULL, 0, {0}, 0},
    {"title", 0, OPT_STR, "TEXT", NULL, "map title (default: the title recorded in the "
     "product, else its file name)", NULL, 0, {0}, 0},
    {"width", 0, OPT_INT, "PX", "1600", "picture width in pixels, 400..8000; the height "
     "follows the corridor's shape", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const cli_cmd_info info = {
    "senda render OUT.gpkg --png MAP.png [--surface TABLE] [--title TEXT] [--width PX]",
    "Draw a quick-look map of a senda GeoPackage as a PNG picture.",
    "Draws the density surface (incidents per km2 on a yellow-to-red ramp, zero cells left\n"
    "white) or the Gi* hotspot cells (the 7-class cold/hot colours at 90, 95 and 99 %\n"
    "confidence) with the least-danger paths, candidate shelter sites, the freight railway,\n"
    "the border, checkpoints, crossings and shelters on top, plus a title, a legend with\n"
    "units, a scale bar in km and a north arrow, over land, coast, a graticule and town\n"
    "names (Natural Earth, GeoNames). The picture is written beside\n"
    "MAP.png and renamed into place when complete. For the full styled map, open the\n"
    ".gpkg in QGIS (Project > Open From > GeoPackage).",
    "  senda render corridor.gpkg --png corridor.png\n"
    "  senda render corridor.gpkg --png hot.png --surface hotspot_cells --width 2400",
    NULL,
};

int cmd_render(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0, ok = 1;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 1, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (n_pos != 1 || !cli_str(opts, "png")) {
        fprintf(stderr, "senda: render needs OUT.gpkg and --png MAP.png\nusage: %s\n",
                info.usage);
        return CLI_USAGE;
    }
    senda_export_render_opts ro;
    senda_export_render_opts_init(&ro);
    ro.width_px = (int)cli_int(opts, "width", &ok);
    ro.surface = cli_str(opts, "surface");
    const char *ext = cli_str(opts, "extent");
    char tail;
    if (ext && sscanf(ext, "%lf,%lf,%lf,%lf%c", &ro.extent[0], &ro.extent[1], &ro.extent[2],
                      &ro.extent[3], &tail) != 4) {
        fprintf(stderr, "senda: --extent: '%s' is not XMIN,YMIN,XMAX,YMAX\n", ext);
        return CLI_USAGE;
    }
    ro.has_extent = ext != NULL;
    ro.title = cli_str(opts, "title");
    if (!ok)
        return CLI_USAGE;
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        return CLI_FAIL;
    }
    senda_status st = senda_export_render(ctx, pos[0], cli_str(opts, "png"), &ro,
                                          cli_progress(cli_flag(opts, "quiet")), NULL);
    rc = st == SENDA_OK ? CLI_OK : cli_fail(ctx, st);
    if (st == SENDA_OK && !cli_flag(opts, "quiet"))
        fprintf(stderr, "senda: wrote %s\n", cli_str(opts, "png"));
    senda_ctx_destroy(ctx);
    return rc;
}
