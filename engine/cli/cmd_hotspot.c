/*
 * cmd_hotspot.c - `senda hotspot`: the kernel density raster and the Gi*
 * hot-spot cells of the accepted incidents of a store (--store, filtered by
 * type, date, victim group and perpetrator), of report files (--reports) or
 * of any point layer (--points), into one GeoPackage (or the density as a
 * GeoTIFF with the cells in a separate GeoPackage). Library calls:
 * senda_pipeline_input_open and senda_pipeline_hotspot (grid extent, KDE,
 * Gi*, output).
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli_danger.h"

#define O CLI_S
static cli_opt opts[] = {
    CLI_INPUT_OPTS,
    O("points", "FILE", NULL, "instead of incidents: any OGR point layer (GeoPackage, GeoJSON, "
      "CSV with geometry, Shapefile, FlatGeobuf) in a projected CRS, or reprojected with --crs"),
    O("weight-field", "F", NULL, "with --points: numeric field holding each point's weight "
      "(default: every point weighs 1)"),
    O("out", "FILE", NULL, "output: a .gpkg gets the raster `density` and the layer "
      "`hotspot_cells`; a .tif gets the density only (see --cells-out)"),
    O("cells-out", "FILE.gpkg", NULL, "with a .tif --out: GeoPackage for `hotspot_cells`"),
    O("kernel", "NAME", NULL, "quartic, triweight, epanechnikov, triangular, uniform or "
      "gaussian (sigma = radius/4, cut at the radius)"),
    O("radius-m", "R", NULL, "kernel bandwidth in metres (default: automatic, ArcGIS's spatial "
      "Silverman rule 0.9 min(SD, sqrt(1/ln2) Dm) n^-0.2)"),
    O("kde-scale", "S", NULL, "density (weighted incidents per km2, integrates to the total "
      "weight), qgis-raw, qgis-scaled or grass (per m2, as GRASS v.kernel)"),
    O("cell-m", "M", NULL, "cell size in metres (density raster and Gi* cells)"),
    O("extent-from", "SRC", "points", "grid extent without --extent: points (the points padded "
      "by the radius) or layers (the corridor layers' extent, see --layers)"),
    O("extent", "XMIN,YMIN,XMAX,YMAX", NULL, "grid cell edges in the working CRS (default: the "
      "points' extent padded by the radius, aligned to whole cells)"),
    O("grid", "SHAPE", "square", "Gi* cells: square (fishnet) or hex (hexagons of area cell^2)"),
    O("band-m", "D", NULL, "Gi* distance band between cell centres, metres (default: Optimized "
      "Hot Spot recipe: first Moran's I z peak, else highest peak, else k-NN mean)"),
    O("cells", "RULE", "all", "cells in Gi*: all (zeros included), nonempty (ArcGIS without a "
      "boundary)"),
    O("study-area", "FILE", NULL, "polygon layer: Gi* over the cells whose centre is inside it"),
    O("permutations", "N", NULL, "conditional permutations for pseudo p-values (999 is usual; "
      "0: analytic p only)"),
    O("seed", "S", NULL, "seed of the permutations"),
    O("threads", "N", NULL, "threads"),
    CLI_F("no-fdr", "bin Gi* without the Benjamini-Hochberg FDR correction"),
    CLI_F("no-gistar", "density only"),
    CLI_F("json", "print a JSON summary on stdout"),
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};
#undef O

static const char *const renamed[] = {"from=date-from", "to=date-to", "count=unweighted", NULL};

static const cli_cmd_info info = {
    "senda hotspot --store STORE.gpkg|--reports FILE|--points FILE --out OUT.gpkg|OUT.tif "
    "[options]",
    "Kernel density surface and Getis-Ord Gi* hot-spot cells of incident points.",
    "Points: the accepted incidents of an incident store (--store) or of report files\n"
    "(--reports; weight severity x victims, or 1 with --unweighted; filters --types,\n"
    "--date-from/--date-to, --victims, --perpetrators) or any OGR point layer (--points,\n"
    "with an optional --weight-field).\n"
    "Density: a Float32 raster of the kernel density at cell centres, by default a true\n"
    "density in weighted incidents per km2 (it integrates to the total weight);\n"
    "--kde-scale reproduces QGIS's Raw or Scaled heatmap or GRASS v.kernel (per m2).\n"
    "Gi*: the points are counted into square or hexagonal cells; each cell gets the\n"
    "Getis-Ord Gi* z-score over a fixed distance band (binary weights, the cell itself\n"
    "included), a two-sided p, and Gi_Bin +-3/+-2/+-1/0 for 99/95/90 % confidence after\n"
    "Benjamini-Hochberg FDR correction, as ArcGIS's Hot Spot Analysis. Fields: count,\n"
    "weight, GiZScore, GiPValue, Gi_Bin, NNeighbors (GiPseudoP with --permutations).\n"
    "Units: metres in a projected CRS. Warnings name fewer than 30 cells with incidents\n"
    "and bands leaving most cells with fewer than 8 neighbours.",
    "  senda hotspot --store store.gpkg --types kidnapping,homicide --date-from 2019 --date-to 2021 \\\n"
    "      --extent-from layers --radius-m 10000 --cell-m 1000 --out run.gpkg\n"
    "  senda hotspot --points incidents.gpkg --weight-field severity --out run.gpkg\n"
    "  senda hotspot --points pts.shp --kernel quartic --radius-m 5000 --cell-m 250 \\\n"
    "      --extent 0,0,250000,250000 --kde-scale grass --out density.tif \\\n"
    "      --band-m 600 --cells-out cells.gpkg",
    renamed,
};

static void hotspot_defaults(void)
{
    senda_pipeline_hotspot_opts h;
    senda_pipeline_hotspot_opts_init(&h);
    cli_get(opts, "crs")->def = NULL; /* the points' own CRS (EPSG:32615 for incidents) */
    cli_get(opts, "kernel")->def = senda_hotspot_kernel_name(h.kde.kernel);
    cli_get(opts, "kde-scale")->def = senda_hotspot_kde_scale_name(h.kde.scale);
    cli_default_dbl(opts, "cell-m", h.cell_m);
    cli_default_int(opts, "permutations", h.gistar.permutations);
    cli_default_int(opts, "seed", (long)h.gistar.seed);
    cli_default_int(opts, "threads", h.kde.n_threads);
}

static int parse_extent(senda_pipeline_hotspot_opts *h, int *need_layers)
{
    const char *ext = cli_str(opts, "extent"), *from = cli_str(opts, "extent-from");
    if (strcmp(from, "layers") != 0 && strcmp(from, "points") != 0) {
        fprintf(stderr, "senda: --extent-from must be points or layers, got '%s'\n", from);
        return 0;
    }
    h->extent_from = strcmp(from, "layers") == 0 ? SENDA_EXTENT_LAYERS : SENDA_EXTENT_POINTS;
    if (ext && h->extent_from == SENDA_EXTENT_LAYERS) {
        fprintf(stderr, "senda: give --extent or --extent-from layers, not both\n");
        return 0;
    }
    if (ext) {
        double *e = h->extent;
        if (sscanf(ext, "%lf,%lf,%lf,%lf", &e[0], &e[1], &e[2], &e[3]) != 4) {
            fprintf(stderr, "senda: --extent wants XMIN,YMIN,XMAX,YMAX, got '%s'\n", ext);
            return 0;
        }
        h->extent_from = SENDA_EXTENT_GIVEN;
    }
    *need_layers = h->extent_from == SENDA_EXTENT_LAYERS || cli_get(opts, "reports")->n_values;
    if (cli_str(opts, "layers") && !*need_layers) {
        fprintf(stderr, "senda: --layers is for --extent-from layers and --reports\n");
        return 0;
    }
    return 1;
}

static int parse_cfg(senda_pipeline_hotspot_opts *h, int *need_layers)
{
    int ok = 1;
    senda_pipeline_hotspot_opts_init(h);
    if (senda_hotspot_kernel_from_name(cli_str(opts, "kernel"), &h->kde.kernel) != 0 ||
        senda_hotspot_kde_scale_from_name(cli_str(opts, "kde-scale"), &h->kde.scale) != 0) {
        fprintf(stderr, "senda: unknown --kernel '%s' or --kde-scale '%s'\n",
                cli_str(opts, "kernel"), cli_str(opts, "kde-scale"));
        return 0;
    }
    if (cli_str(opts, "radius-m"))
        h->kde.radius_m = cli_dbl(opts, "radius-m", &ok);
    h->cell_m = cli_dbl(opts, "cell-m", &ok);
    h->kde.n_threads = h->gistar.n_threads = (int)cli_int(opts, "threads", &ok);
    if (cli_str(opts, "band-m"))
        h->gistar.band_m = cli_dbl(opts, "band-m", &ok);
    h->gistar.permutations = (int)cli_int(opts, "permutations", &ok);
    h->gistar.seed = (uint64_t)cli_int(opts, "seed", &ok);
    h->gistar.fdr = !cli_flag(opts, "no-fdr");
    const char *cells = cli_str(opts, "cells"), *grid = cli_str(opts, "grid");
    if (strcmp(cells, "all") == 0)
        h->gistar.cells = SENDA_GISTAR_ALL;
    else if (strcmp(cells, "nonempty") == 0)
        h->gistar.cells = SENDA_GISTAR_NONEMPTY;
    else {
        fprintf(stderr, "senda: --cells must be all or nonempty, got '%s'\n", cells);
        return 0;
    }
    if ((h->gistar.study_area = cli_str(opts, "study-area")) != NULL)
        h->gistar.cells = SENDA_GISTAR_STUDY_AREA;
    if (strcmp(grid, "square") == 0 || strcmp(grid, "hex") == 0)
        h->shape = grid[0] == 'h' ? SENDA_CELLS_HEX : SENDA_CELLS_SQUARE;
    else {
        fprintf(stderr, "senda: --grid must be square or hex, got '%s'\n", grid);
        return 0;
    }
    h->gistar_on = !cli_flag(opts, "no-gistar");
    h->cells_out = cli_str(opts, "cells-out");
    return ok && parse_extent(h, need_layers);
}

static void print_summary(const senda_pipeline_hotspot_opts *h,
                          const senda_pipeline_hotspot_result *res, double read_s, int json)
{
    const senda_grid *g = res->density;
    const senda_hotspot_gistar_result *r = res->gistar;
    if (!json) {
        fprintf(stderr, "senda: density %zu x %zu cells of %g m: %s\n", senda_grid_n_cols(g),
                senda_grid_n_rows(g), senda_grid_cell_m(g), senda_grid_description(g));
        if (r)
            fprintf(stderr, "senda: Gi* on %zu cells (%zu with incidents), band %g m: %zu hot, "
                    "%zu cold\n", r->n_in_set, r->n_with_data, r->band_m, r->n_hot, r->n_cold);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "rows", json_object_new_int64((int64_t)senda_grid_n_rows(g)));
    json_object_object_add(o, "cols", json_object_new_int64((int64_t)senda_grid_n_cols(g)));
    json_object_object_add(o, "cell_m", json_object_new_double(senda_grid_cell_m(g)));
    json_object_object_add(o, "kernel", json_object_new_string(senda_hotspot_kernel_name(h->kde.kernel)));
    json_object_object_add(o, "density", json_object_new_string(senda_grid_description(g)));
    json_object_object_add(o, "points", json_object_new_int64((int64_t)res->n_points));
    json_object_object_add(o, "total_weight", json_object_new_double(res->total_weight));
    json_object_object_add(o, "read_s", json_object_new_double(read_s));
    json_object_object_add(o, "kde_s", json_object_new_double(res->kde_s));
    json_object_object_add(o, "gistar_s", json_object_new_double(res->gistar_s));
    json_object_object_add(o, "write_s", json_object_new_double(res->write_s));
    if (r) {
        json_object_object_add(o, "gistar_cells", json_object_new_int64((int64_t)r->n_in_set));
        json_object_object_add(o, "cells_with_data", json_object_new_int64((int64_t)r->n_with_data));
        json_object_object_add(o, "band_m", json_object_new_double(r->band_m));
        json_object_object_add(o, "hot", json_object_new_int64((int64_t)r->n_hot));
        json_object_object_add(o, "cold", json_object_new_int64((int64_t)r->n_cold));
    }
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
    json_object_put(o);
}

static int check_usage(const char *out, const char *cells_out)
{
    const char *store = cli_str(opts, "store"), *points = cli_str(opts, "points");
    int n_src = !!store + !!points + !!cli_get(opts, "reports")->n_values;
    if (n_src != 1 || !out) {
        fprintf(stderr, "senda: hotspot needs --store STORE.gpkg, --reports FILE or --points "
                "FILE (one of them) and --out FILE\nusage: %s\n", info.usage);
        return 0;
    }
    static const char *incident_only[] = {"types", "date-from", "date-to", "victims",
                                          "perpetrators", "unweighted"};
    for (size_t i = 0; i < sizeof incident_only / sizeof *incident_only; i++)
        if (points && cli_get(opts, incident_only[i])->seen) {
            fprintf(stderr, "senda: --%s filters incidents (--store, --reports), not --points\n",
                    incident_only[i]);
            return 0;
        }
    if (!points && cli_str(opts, "weight-field")) {
        fprintf(stderr, "senda: --weight-field is for --points (an incident's weight is "
                "severity x victims, or 1 with --unweighted)\n");
        return 0;
    }
    int tif = cli_ends_with(out, ".tif") || cli_ends_with(out, ".tiff");
    if (!tif && !cli_ends_with(out, ".gpkg")) {
        fprintf(stderr, "senda: --out must end in .gpkg or .tif, got '%s'\n", out);
        return 0;
    }
    if (cells_out && (!tif || !cli_ends_with(cells_out, ".gpkg"))) {
        fprintf(stderr, "senda: --cells-out FILE.gpkg goes with a .tif --out\n");
        return 0;
    }
    return 1;
}

int cmd_hotspot(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0, need_layers = 0;
    hotspot_defaults();
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 0, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    const char *out = cli_str(opts, "out"), *cells_out = cli_str(opts, "cells-out");
    senda_pipeline_input_opts io;
    senda_pipeline_hotspot_opts h;
    if (!check_usage(out, cells_out) || (rc = cli_input_fill(opts, out, &io)) != 0 ||
        !parse_cfg(&h, &need_layers))
        return CLI_USAGE;
    io.points = cli_str(opts, "points");
    io.weight_field = cli_str(opts, "weight-field");
    io.need_layers = need_layers;
    if ((cli_ends_with(out, ".tif") || cli_ends_with(out, ".tiff")) && !cells_out)
        h.gistar_on = 0; /* nowhere to write the cells */
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx)
        return CLI_FAIL;
    int quiet = cli_flag(opts, "quiet");
    senda_pipeline_input *in = NULL;
    senda_pipeline_hotspot_result *r = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    senda_status st = cli_input_open(ctx, &io, quiet, &in);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st == SENDA_OK)
        st = senda_pipeline_hotspot(ctx, in, &h, out, &r, cli_progress(quiet), NULL);
    if (st == SENDA_OK)
        print_summary(&h, r, (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec -
                      t0.tv_nsec), cli_flag(opts, "json"));
    rc = st == SENDA_OK ? CLI_OK : cli_fail(ctx, st);
    senda_pipeline_hotspot_result_destroy(r);
    senda_pipeline_input_destroy(in);
    senda_ctx_destroy(ctx);
    return rc;
}
