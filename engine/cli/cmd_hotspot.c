/*
 * cmd_hotspot.c - `senda hotspot`: the kernel density raster and the Gi*
 * hot-spot cells of the accepted incidents of a store (--store, filtered by
 * type, date, victim group and perpetrator), of report files (--reports) or
 * of any point layer (--points), into one GeoPackage (or the density as a
 * GeoTIFF with the cells in a separate GeoPackage), with the emerging hot
 * spots when asked. Library calls: senda_pipeline_input_open and
 * senda_pipeline_hotspot (extent, cell sizes, study area, KDE, Gi*,
 * emerging hot spots, output).
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
    O("weight", "W", "events", "incidents: what a point counts: events (every incident weighs "
      "1, as ArcGIS's Optimized Hot Spot Analysis counts points), victims, or severity "
      "(severity x victims, as stored at import); the output's description says which"),
    O("cell-m", "M", NULL, "density cell size in metres (default: automatic, the smallest whole "
      "50 m giving at most 2,000,000 cells over the extent; also the Gi* cell when given)"),
    O("gi-cell-m", "M", NULL, "Gi* cell size in metres (default: --cell-m when given, else the "
      "smallest whole 50 m giving at most 100,000 cells over the extent)"),
    O("extent-from", "SRC", NULL, "grid extent without --extent: layers (the corridor layers' "
      "extent, see --layers) or points (the points padded by the radius)"),
    O("extent", "XMIN,YMIN,XMAX,YMAX", NULL, "grid cell edges in the working CRS (default: the "
      "corridor layers' extent, aligned to whole cells)"),
    O("min-incidents", "N", NULL, "Gi* refuses fewer incidents in the study area; a lower "
      "value runs with unreliable z-scores (ArcGIS: fewer than 30 features are unreliable)"),
    O("grid", "SHAPE", "square", "Gi* cells: square (fishnet) or hex (hexagons of area cell^2)"),
    O("band-m", "D", NULL, "Gi* distance band between cell centres, metres (default: Optimized "
      "Hot Spot recipe: first Moran's I z peak, else highest peak, else k-NN mean)"),
    O("cells", "RULE", "all", "cells in Gi*: all (zeros included), nonempty (ArcGIS without a "
      "boundary)"),
    O("study-area", "AREA", NULL, "land (default without --extent: the `land` layer of the "
      "corridor layers), a polygon layer FILE, or none: Gi* cells and density only where the "
      "cell centre is inside; incidents outside are reported and left out"),
    O("permutations", "N", NULL, "conditional permutations for pseudo p-values (999 is usual; "
      "0: analytic p only)"),
    O("seed", "S", NULL, "seed of the permutations"),
    O("threads", "N", NULL, "threads"),
    CLI_F("no-fdr", "bin Gi* without the Benjamini-Hochberg FDR correction"),
    CLI_F("no-gistar", "density only"),
    CLI_F("no-density", "Gi* cells only (a .gpkg --out)"),
    CLI_F("emerging", "incidents: emerging hot spots (ArcGIS's categories) on a space-time cube "
          "of the Gi* cells: layers emerging_hotspots, hotspot_cube (for QGIS's temporal "
          "controller) and hotspot_change"),
    O("time-step", "STEP", NULL, "with --emerging: month, quarter or year"),
    O("time-window", "N", NULL, "with --emerging: earlier steps in a bin's neighbourhood"),
    O("change-split", "N", NULL, "with --emerging: hotspot_change compares the first N steps "
      "with the rest (0: half of the steps)"),
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
    "(--reports), each counting 1 or --weight victims|severity; filters --types,\n"
    "--date-from/--date-to, --victims, --perpetrators, --precision; or any OGR point\n"
    "layer (--points, with an optional --weight-field).\n"
    "Density: a Float32 raster of the kernel density at cell centres, by default a true\n"
    "density in weighted incidents per km2 (it integrates to the total weight);\n"
    "--kde-scale reproduces QGIS's Raw or Scaled heatmap or GRASS v.kernel (per m2).\n"
    "Gi*: the points are counted into square or hexagonal cells; each cell gets the\n"
    "Getis-Ord Gi* z-score over a fixed distance band (binary weights, the cell itself\n"
    "included), a two-sided p, and Gi_Bin +-3/+-2/+-1/0 for 99/95/90 % confidence after\n"
    "Benjamini-Hochberg FDR correction, as ArcGIS's Hot Spot Analysis. Fields: count,\n"
    "weight, GiZScore, GiPValue, Gi_Bin, NNeighbors, single_event (a hot cell that is\n"
    "not hot without the heaviest incident near it; left out of the hot count), and\n"
    "GiPseudoP with --permutations. Study area: the land layer by default; fewer than\n"
    "--min-incidents incidents in it, or a band leaving most cells without a\n"
    "neighbour, is refused. Units: metres in a projected CRS; the cell sizes chosen\n"
    "are printed.",
    "  senda hotspot --store store.gpkg --types kidnapping,homicide --date-from 2019 \\\n"
    "      --date-to 2021 --radius-m 10000 --cell-m 1000 --out run.gpkg\n"
    "  senda hotspot --points incidents.gpkg --weight-field severity --out run.gpkg\n"
    "  senda hotspot --points pts.shp --kernel quartic --radius-m 5000 --cell-m 250 \\\n"
    "      --extent 0,0,250000,250000 --kde-scale grass --out density.tif \\\n"
    "      --band-m 600 --cells-out cells.gpkg",
    renamed,
};

static void hotspot_defaults(void)
{
    static const char *const steps[] = {"month", "quarter", "year"};
    senda_pipeline_hotspot_opts h;
    senda_pipeline_hotspot_opts_init(&h);
    cli_get(opts, "crs")->def = NULL; /* the points' own CRS (EPSG:32615 for incidents) */
    cli_get(opts, "kernel")->def = senda_hotspot_kernel_name(h.kde.kernel);
    cli_get(opts, "kde-scale")->def = senda_hotspot_kde_scale_name(h.kde.scale);
    cli_get(opts, "extent-from")->def = h.extent_from == SENDA_EXTENT_LAYERS ? "layers"
                                                                             : "points";
    cli_default_int(opts, "min-incidents", (long)h.gistar.min_incidents);
    cli_default_int(opts, "permutations", h.gistar.permutations);
    cli_default_int(opts, "seed", (long)h.gistar.seed);
    cli_default_int(opts, "threads", h.kde.n_threads);
    cli_get(opts, "time-step")->def = steps[h.emerging.step];
    cli_default_int(opts, "time-window", h.emerging.time_window);
    cli_default_int(opts, "change-split", h.emerging.change_split);
}

static int parse_extent(senda_pipeline_hotspot_opts *h, int *need_layers)
{
    const char *ext = cli_str(opts, "extent"), *from = cli_str(opts, "extent-from");
    if (strcmp(from, "layers") != 0 && strcmp(from, "points") != 0) {
        fprintf(stderr, "senda: --extent-from must be points or layers, got '%s'\n", from);
        return 0;
    }
    h->extent_from = strcmp(from, "layers") == 0 ? SENDA_EXTENT_LAYERS : SENDA_EXTENT_POINTS;
    if (ext && cli_get(opts, "extent-from")->seen) {
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
    const char *area = h->study_area;
    int land = area ? strcmp(area, "land") == 0 : h->extent_from != SENDA_EXTENT_GIVEN;
    *need_layers = h->extent_from == SENDA_EXTENT_LAYERS || land ||
                   cli_get(opts, "reports")->n_values;
    return 1;
}

/* --weight: events (the stage's default) or the filter's victims / severity. */
static int parse_weight(senda_pipeline_hotspot_opts *h, senda_pipeline_input_opts *io)
{
    const char *w = cli_flag(opts, "unweighted") ? "events" : cli_str(opts, "weight");
    static char counted[96];
    if (io->points) {
        snprintf(counted, sizeof counted, "points%s%s", io->weight_field ?
                 " weighted by field " : " (each counts 1)",
                 io->weight_field ? io->weight_field : "");
        h->gistar.counted = counted;
        h->weighted = 1;
        return 1;
    }
    if (strcmp(w, "events") != 0 && strcmp(w, "victims") != 0 && strcmp(w, "severity") != 0) {
        fprintf(stderr, "senda: --weight must be events, victims or severity, got '%s'\n", w);
        return 0;
    }
    h->weighted = w[0] != 'e';
    io->filter.weighted = w[0] == 'v' ? 2 : 1;
    h->gistar.counted = w[0] == 'v' ? "victims (incidents weighted by their victims)"
                                    : "severity x victims (incidents weighted)";
    return 1;
}

static int parse_emerging(senda_pipeline_hotspot_opts *h)
{
    int ok = 1;
    h->emerging_on = cli_flag(opts, "emerging");
    h->emerging.time_window = (int)cli_int(opts, "time-window", &ok);
    h->emerging.change_split = (int)cli_int(opts, "change-split", &ok);
    if (senda_time_step_from_name(cli_str(opts, "time-step"), &h->emerging.step) != 0) {
        fprintf(stderr, "senda: --time-step must be month, quarter or year, got '%s'\n",
                cli_str(opts, "time-step"));
        return 0;
    }
    return ok;
}

static int parse_cfg(senda_pipeline_hotspot_opts *h, senda_pipeline_input_opts *io,
                     int *need_layers)
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
    if (cli_str(opts, "cell-m"))
        h->cell_m = cli_dbl(opts, "cell-m", &ok);
    if (cli_str(opts, "gi-cell-m"))
        h->gi_cell_m = cli_dbl(opts, "gi-cell-m", &ok);
    h->gistar.min_incidents = (size_t)cli_int(opts, "min-incidents", &ok);
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
    h->study_area = cli_str(opts, "study-area");
    if (strcmp(grid, "square") == 0 || strcmp(grid, "hex") == 0)
        h->shape = grid[0] == 'h' ? SENDA_CELLS_HEX : SENDA_CELLS_SQUARE;
    else {
        fprintf(stderr, "senda: --grid must be square or hex, got '%s'\n", grid);
        return 0;
    }
    h->gistar_on = !cli_flag(opts, "no-gistar");
    h->density_on = !cli_flag(opts, "no-density");
    h->cells_out = cli_str(opts, "cells-out");
    return ok && parse_weight(h, io) && parse_emerging(h) && parse_extent(h, need_layers);
}

/* The notes of the stage's choices: cell sizes, study area. */
static void print_choices(const senda_pipeline_hotspot_opts *h,
                          const senda_pipeline_hotspot_result *r)
{
    if (r->cells_automatic)
        fprintf(stderr, "senda: cells: density %g m%s, Gi* %g m%s\n", r->cell_m,
                r->cells_automatic & 1 ? " (automatic: at most 2,000,000 cells over the extent)"
                                       : "",
                r->gi_cell_m, r->cells_automatic & 2 ? " (automatic: at most 100,000 cells "
                                                       "over the extent)" : "");
    if (r->study_area && h->density_on)
        fprintf(stderr, "senda: study area %s: %zu density cells outside it set to nodata\n",
                r->study_area, r->n_masked);
}

static void print_emerging(const senda_emerging_result *e)
{
    fprintf(stderr, "senda: emerging hot spots of %s: %zu incidents in %zu steps "
            "(%zu left out: dated period longer than a step or undated; %zu outside the "
            "study area), band %g m; trend of all counts z = %.2f (p = %.3g)\n", e->counted,
            e->n_points_in, e->n_steps, e->n_points_out_time, e->n_points_out_space,
            e->band_m, e->count_trend_all_z, e->count_trend_all_p);
    for (int k = 1; k < SENDA_PATTERN_N; k++)
        if (e->n_by_pattern[k])
            fprintf(stderr, "senda:   %-24s %zu cells\n", senda_pattern_name((senda_pattern)k),
                    e->n_by_pattern[k]);
}

static void print_text(const senda_pipeline_hotspot_result *res)
{
    const senda_grid *g = res->density;
    const senda_hotspot_gistar_result *r = res->gistar;
    if (g)
        fprintf(stderr, "senda: density %zu x %zu cells of %g m: %s\n", senda_grid_n_cols(g),
                senda_grid_n_rows(g), senda_grid_cell_m(g), senda_grid_description(g));
    if (r)
        fprintf(stderr, "senda: Gi* of %s on %zu cells of %g m (%zu with incidents; %zu "
                "incidents in the study area, %zu outside left out), band %g m: %zu hot, "
                "%zu cold, %zu more hot cells resting on a single incident (single_event)\n",
                r->counted, r->n_in_set, r->spec.cell_m, r->n_with_data, r->n_points_in,
                r->n_points_outside, r->band_m, r->n_hot, r->n_cold, r->n_hot_single);
}

#define JADD(o, k, v) json_object_object_add(o, k, v)
#define JINT(v) json_object_new_int64((int64_t)(v))
#define JDBL(v) json_object_new_double(v)

static void print_json(const senda_pipeline_hotspot_opts *h,
                       const senda_pipeline_hotspot_result *res, double read_s)
{
    const senda_grid *g = res->density;
    const senda_hotspot_gistar_result *r = res->gistar;
    json_object *o = json_object_new_object();
    if (g) {
        JADD(o, "rows", JINT(senda_grid_n_rows(g)));
        JADD(o, "cols", JINT(senda_grid_n_cols(g)));
        JADD(o, "cell_m", JDBL(senda_grid_cell_m(g)));
        JADD(o, "density", json_object_new_string(senda_grid_description(g)));
    }
    JADD(o, "kernel", json_object_new_string(senda_hotspot_kernel_name(h->kde.kernel)));
    JADD(o, "points", JINT(res->n_points));
    JADD(o, "total_weight", JDBL(res->total_weight));
    JADD(o, "read_s", JDBL(read_s));
    JADD(o, "kde_s", JDBL(res->kde_s));
    JADD(o, "gistar_s", JDBL(res->gistar_s));
    JADD(o, "write_s", JDBL(res->write_s));
    if (r) {
        JADD(o, "gistar_cells", JINT(r->n_in_set));
        JADD(o, "cells_with_data", JINT(r->n_with_data));
        JADD(o, "band_m", JDBL(r->band_m));
        JADD(o, "hot", JINT(r->n_hot));
        JADD(o, "cold", JINT(r->n_cold));
        JADD(o, "hot_single_event", JINT(r->n_hot_single));
        JADD(o, "gi_cell_m", JDBL(r->spec.cell_m));
        JADD(o, "incidents_in_study_area", JINT(r->n_points_in));
        JADD(o, "incidents_outside", JINT(r->n_points_outside));
        JADD(o, "counted", json_object_new_string(r->counted));
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
                                          "perpetrators", "unweighted", "precision", "weight",
                                          "emerging"};
    for (size_t i = 0; i < sizeof incident_only / sizeof *incident_only; i++)
        if (points && cli_get(opts, incident_only[i])->seen) {
            fprintf(stderr, "senda: --%s filters incidents (--store, --reports), not --points\n",
                    incident_only[i]);
            return 0;
        }
    if (!points && cli_str(opts, "weight-field")) {
        fprintf(stderr, "senda: --weight-field is for --points (an incident counts 1, or "
                "--weight victims|severity)\n");
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
    if (cli_flag(opts, "no-density") && (tif || cli_flag(opts, "no-gistar"))) {
        fprintf(stderr, "senda: --no-density writes the Gi* cells into a .gpkg --out\n");
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
    if (!check_usage(out, cells_out) || (rc = cli_input_fill(opts, out, &io)) != 0)
        return CLI_USAGE;
    io.points = cli_str(opts, "points");
    io.weight_field = cli_str(opts, "weight-field");
    if (!parse_cfg(&h, &io, &need_layers))
        return CLI_USAGE;
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
    if (st == SENDA_OK) {
        print_choices(&h, r);
        if (r->emerging)
            print_emerging(r->emerging);
        if (cli_flag(opts, "json"))
            print_json(&h, r, (double)(t1.tv_sec - t0.tv_sec) +
                                  1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
        else
            print_text(r);
    }
    rc = st == SENDA_OK ? CLI_OK : cli_fail(ctx, st);
    senda_pipeline_hotspot_result_destroy(r);
    senda_pipeline_input_destroy(in);
    senda_ctx_destroy(ctx);
    return rc;
}
