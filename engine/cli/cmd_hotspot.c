/*
 * cmd_hotspot.c - `senda hotspot`: the kernel density raster and the Gi*
 * hot-spot cells of the accepted incidents of a store (--store, filtered by
 * type, date, victim group and perpetrator through senda_incidents_points) or
 * of any point layer (--points), into one GeoPackage (or the density as a
 * GeoTIFF with the cells in a separate GeoPackage). The grid covers the
 * points padded by the radius, an explicit --extent, or the corridor layers'
 * extent (--extent-from layers), always on whole multiples of the cell size.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"

#define O(name, meta, def, help) {name, 0, OPT_STR, meta, def, help, NULL, 0, {0}, 0}
static cli_opt opts[] = {
    O("store", "STORE", NULL, "incident store (GeoPackage, or PostGIS as PG:dbname=... or postgresql://...) made by `senda incidents import`: its "
      "accepted (and repaired) incidents are the points"),
    O("types", "T,...", NULL, "with --store: only these incident types: kidnapping, extortion, "
      "robbery_assault, sexual_violence, homicide, death_accident, disappearance, trafficking, "
      "abuse_by_authority, other"),
    O("from", "DATE", NULL, "with --store: incidents on or after yyyy, yyyy-mm or yyyy-mm-dd "
      "(a report dated only to a month or year counts when its whole period is inside)"),
    O("to", "DATE", NULL, "with --store: incidents on or before yyyy, yyyy-mm or yyyy-mm-dd"),
    O("victims", "GROUP", NULL, "with --store: only incidents with women, men or minors among "
      "the victims"),
    O("precision", "P", NULL, "with --store: leave out reports located more coarsely than P: "
      "exact, locality, approximate or whole_degree (the count left out is printed)"),
    O("perpetrators", "P,...", NULL, "with --store: only these perpetrators: criminal_group, "
      "police, immigration_authority, military, train_personnel, other, unknown"),
    O("weight", "W", "events", "with --store: what a point counts: events (every incident "
      "weighs 1, as ArcGIS's Optimized Hot Spot Analysis counts points), victims, or severity "
      "(severity x victims, as stored at import); the output's description says which"),
    {"count", 0, OPT_FLAG, NULL, NULL, "with --store: same as --weight events (the default)",
     NULL, 0, {0}, 0},
    O("extent-from", "SRC", "layers", "grid extent without --extent: layers (the corridor "
      "layers' extent, see --layers) or points (the points padded by the radius)"),
    O("layers", "DIR", NULL, "corridor layers for the extent and the land study area "
      "(default: the bundled layers/corridor)"),
    O("min-incidents", "N", "30", "Gi* refuses fewer incidents in the study area; a lower "
      "value runs with unreliable z-scores (ArcGIS: fewer than 30 features are unreliable)"),
    O("points", "FILE", NULL, "any OGR point layer (GeoPackage, GeoJSON, CSV with geometry, "
      "Shapefile, FlatGeobuf) in a projected CRS, or reprojected with --crs"),
    O("weight-field", "F", NULL, "numeric field holding each point's weight (default: every "
      "point weighs 1)"),
    O("crs", "CRS", NULL, "projected CRS to work in (default: the points' own CRS; EPSG:32615 "
      "with --store)"),
    O("out", "FILE", NULL, "output: a .gpkg gets the raster `density` and the layer "
      "`hotspot_cells`; a .tif gets the density only (see --cells-out)"),
    O("cells-out", "FILE.gpkg", NULL, "with a .tif --out: GeoPackage for `hotspot_cells`"),
    O("kernel", "NAME", "quartic", "quartic, triweight, epanechnikov, triangular, uniform or "
      "gaussian (sigma = radius/4, cut at the radius)"),
    O("radius-m", "R", NULL, "kernel bandwidth in metres (default: automatic, ArcGIS's spatial "
      "Silverman rule 0.9 min(SD, sqrt(1/ln2) Dm) n^-0.2)"),
    O("kde-scale", "S", "density", "density (weighted incidents per km2, integrates to the total "
      "weight), qgis-raw, qgis-scaled or grass (per m2, as GRASS v.kernel)"),
    O("cell-m", "M", NULL, "density cell size in metres (default: automatic, the smallest whole "
      "50 m giving at most 2,000,000 cells over the extent; also the Gi* cell when given)"),
    O("gi-cell-m", "M", NULL, "Gi* cell size in metres (default: --cell-m when given, else the "
      "smallest whole 50 m giving at most 100,000 cells over the extent)"),
    O("extent", "XMIN,YMIN,XMAX,YMAX", NULL, "grid cell edges in the working CRS (default: the "
      "points' extent padded by the radius, aligned to whole cells)"),
    O("grid", "SHAPE", "square", "Gi* cells: square (fishnet) or hex (hexagons of area cell^2)"),
    O("band-m", "D", NULL, "Gi* distance band between cell centres, metres (default: Optimized "
      "Hot Spot recipe: first Moran's I z peak, else highest peak, else k-NN mean)"),
    O("cells", "RULE", "all", "cells in Gi*: all (zeros included), nonempty (ArcGIS without a "
      "boundary)"),
    O("study-area", "AREA", NULL, "land (default without --extent: the `land` layer of the "
      "corridor layers), a polygon layer FILE, or none: Gi* cells and density only where the "
      "cell centre is inside; incidents outside are reported and left out"),
    O("permutations", "N", "0", "conditional permutations for pseudo p-values (999 is usual; "
      "0: analytic p only)"),
    O("seed", "S", "12345", "seed of the permutations"),
    O("threads", "N", "2", "threads"),
    {"no-fdr", 0, OPT_FLAG, NULL, NULL, "bin Gi* without the Benjamini-Hochberg FDR correction",
     NULL, 0, {0}, 0},
    {"no-gistar", 0, OPT_FLAG, NULL, NULL, "density only", NULL, 0, {0}, 0},
    {"no-density", 0, OPT_FLAG, NULL, NULL, "Gi* cells only (a .gpkg --out)", NULL, 0, {0}, 0},
    {"emerging", 0, OPT_FLAG, NULL, NULL, "with --store: emerging hot spots (ArcGIS's categories) "
     "on a space-time cube of the Gi* cells: layers emerging_hotspots, hotspot_cube (for QGIS's "
     "temporal controller) and hotspot_change", NULL, 0, {0}, 0},
    O("time-step", "STEP", "year", "with --emerging: month, quarter or year"),
    O("time-window", "N", "1", "with --emerging: earlier steps in a bin's neighbourhood"),
    O("change-split", "N", "0", "with --emerging: hotspot_change compares the first N steps "
      "with the rest (0: half of the steps)"),
    {"json", 0, OPT_FLAG, NULL, NULL, "print a JSON summary on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const cli_cmd_info info = {
    "senda hotspot --store STORE.gpkg|--points FILE --out OUT.gpkg|OUT.tif [options]",
    "Kernel density surface and Getis-Ord Gi* hot-spot cells of incident points.",
    "Points: the accepted incidents of an incident store (--store; each counts 1, or\n"
    "--weight victims|severity; filters --types, --from/--to, --victims, --perpetrators)\n"
    "or any OGR point layer (--points, with an optional --weight-field).\n"
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
    "--min-incidents (30) incidents in it, or a band leaving most cells without a\n"
    "neighbour, is refused. Units: metres in a projected CRS; the cell sizes chosen\n"
    "are printed.",
    "  senda hotspot --store store.gpkg --types kidnapping,homicide --from 2019 --to 2021 \\\n"
    "      --extent-from layers --radius-m 10000 --cell-m 1000 --out run.gpkg\n"
    "  senda hotspot --points incidents.gpkg --weight-field severity --out run.gpkg\n"
    "  senda hotspot --points pts.shp --kernel quartic --radius-m 5000 --cell-m 250 \\\n"
    "      --extent 0,0,250000,250000 --kde-scale grass --out density.tif \\\n"
    "      --band-m 600 --cells-out cells.gpkg",
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

typedef struct run_cfg {
    double read_s, kde_s, gistar_s, write_s; /* wall-clock seconds per stage */
    senda_hotspot_kde_opts kde;
    senda_hotspot_gistar_opts gi;
    senda_grid_spec spec;                    /* the Gi* cells */
    double cell_m, gi_cell_m;                /* 0: automatic */
    double ext[4];                           /* the extent before alignment */
    int has_extent, layers_extent, do_gistar, do_density, json, weighted, emerging;
    senda_emerging_opts em;
    const char *study;                       /* NULL (default), "none", "land" or a file */
    char land_path[1024];                    /* the land layer's file when the study is land */
} run_cfg;

static int parse_cfg(run_cfg *c)
{
    int ok = 1;
    memset(c, 0, sizeof *c);
    senda_hotspot_kde_opts_init(&c->kde);
    senda_hotspot_gistar_opts_init(&c->gi);
    c->has_extent = 0;
    if (senda_hotspot_kernel_from_name(cli_str(opts, "kernel"), &c->kde.kernel) != 0 ||
        senda_hotspot_kde_scale_from_name(cli_str(opts, "kde-scale"), &c->kde.scale) != 0) {
        fprintf(stderr, "senda: unknown --kernel '%s' or --kde-scale '%s'\n",
                cli_str(opts, "kernel"), cli_str(opts, "kde-scale"));
        return 0;
    }
    if (cli_str(opts, "radius-m"))
        c->kde.radius_m = cli_dbl(opts, "radius-m", &ok);
    c->cell_m = cli_str(opts, "cell-m") ? cli_dbl(opts, "cell-m", &ok) : 0.0;
    c->gi_cell_m = cli_str(opts, "gi-cell-m") ? cli_dbl(opts, "gi-cell-m", &ok) : c->cell_m;
    c->gi.min_incidents = (size_t)cli_int(opts, "min-incidents", &ok);
    static char counted[96];
    if (cli_str(opts, "points")) {
        snprintf(counted, sizeof counted, "points%s%s", cli_str(opts, "weight-field") ?
                 " weighted by field " : " (each counts 1)",
                 cli_str(opts, "weight-field") ? cli_str(opts, "weight-field") : "");
        c->gi.counted = counted;
    }
    const char *w = cli_flag(opts, "count") ? "events" : cli_str(opts, "weight");
    if (strcmp(w, "events") == 0 || strcmp(w, "victims") == 0 || strcmp(w, "severity") == 0) {
        c->weighted = w[0] == 'e' ? 0 : w[0] == 'v' ? 2 : 1;
        if (!cli_str(opts, "points"))
            c->gi.counted = w[0] == 'e'   ? "incidents (events, each counts 1)"
                        : w[0] == 'v' ? "victims (incidents weighted by their victims)"
                                      : "severity x victims (incidents weighted)";
    } else {
        fprintf(stderr, "senda: --weight must be events, victims or severity, got '%s'\n", w);
        return 0;
    }
    c->kde.n_threads = c->gi.n_threads = (int)cli_int(opts, "threads", &ok);
    if (cli_str(opts, "band-m"))
        c->gi.band_m = cli_dbl(opts, "band-m", &ok);
    c->gi.permutations = (int)cli_int(opts, "permutations", &ok);
    c->gi.seed = (uint64_t)cli_int(opts, "seed", &ok);
    c->gi.fdr = !cli_flag(opts, "no-fdr");
    const char *cells = cli_str(opts, "cells"), *grid = cli_str(opts, "grid");
    if (strcmp(cells, "all") == 0)
        c->gi.cells = SENDA_GISTAR_ALL;
    else if (strcmp(cells, "nonempty") == 0)
        c->gi.cells = SENDA_GISTAR_NONEMPTY;
    else {
        fprintf(stderr, "senda: --cells must be all or nonempty, got '%s'\n", cells);
        return 0;
    }
    c->study = cli_str(opts, "study-area");
    if (strcmp(grid, "square") == 0 || strcmp(grid, "hex") == 0)
        c->spec.shape = grid[0] == 'h' ? SENDA_CELLS_HEX : SENDA_CELLS_SQUARE;
    else {
        fprintf(stderr, "senda: --grid must be square or hex, got '%s'\n", grid);
        return 0;
    }
    const char *ext = cli_str(opts, "extent");
    if (ext) {
        double *e = c->ext;
        if (sscanf(ext, "%lf,%lf,%lf,%lf", &e[0], &e[1], &e[2], &e[3]) != 4) {
            fprintf(stderr, "senda: --extent wants XMIN,YMIN,XMAX,YMAX, got '%s'\n", ext);
            return 0;
        }
        c->has_extent = 1;
    }
    const char *from = cli_str(opts, "extent-from");
    c->layers_extent = !ext && strcmp(from, "layers") == 0;
    if (strcmp(from, "layers") != 0 && strcmp(from, "points") != 0) {
        fprintf(stderr, "senda: --extent-from must be points or layers, got '%s'\n", from);
        return 0;
    }
    if (ext && cli_get(opts, "extent-from")->seen) {
        fprintf(stderr, "senda: give --extent or --extent-from layers, not both\n");
        return 0;
    }

    c->do_gistar = !cli_flag(opts, "no-gistar");
    c->do_density = !cli_flag(opts, "no-density");
    senda_emerging_opts_init(&c->em);
    c->emerging = cli_flag(opts, "emerging");
    c->em.time_window = (int)cli_int(opts, "time-window", &ok);
    c->em.change_split = (int)cli_int(opts, "change-split", &ok);
    if (senda_time_step_from_name(cli_str(opts, "time-step"), &c->em.step) != 0) {
        fprintf(stderr, "senda: --time-step must be month, quarter or year, got '%s'\n",
                cli_str(opts, "time-step"));
        return 0;
    }
    c->json = cli_flag(opts, "json");
    return ok;
}

static void print_summary(const run_cfg *c, const senda_grid *g, const senda_hotspot_gistar_result *r,
                          size_t n_points, double total_w)
{
    if (!c->json) {
        if (c->do_density)
            fprintf(stderr, "senda: density %zu x %zu cells of %g m: %s\n", senda_grid_n_cols(g),
                senda_grid_n_rows(g), senda_grid_cell_m(g), senda_grid_description(g));
        if (r)
            fprintf(stderr, "senda: Gi* of %s on %zu cells of %g m (%zu with incidents; %zu "
                    "incidents in the study area, %zu outside left out), band %g m: %zu hot, "
                    "%zu cold, %zu more hot cells resting on a single incident (single_event)\n",
                    r->counted, r->n_in_set, r->spec.cell_m, r->n_with_data, r->n_points_in,
                    r->n_points_outside, r->band_m, r->n_hot, r->n_cold, r->n_hot_single);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "rows", json_object_new_int64((int64_t)senda_grid_n_rows(g)));
    json_object_object_add(o, "cols", json_object_new_int64((int64_t)senda_grid_n_cols(g)));
    json_object_object_add(o, "cell_m", json_object_new_double(senda_grid_cell_m(g)));
    json_object_object_add(o, "kernel", json_object_new_string(senda_hotspot_kernel_name(c->kde.kernel)));
    json_object_object_add(o, "density", json_object_new_string(senda_grid_description(g)));
    json_object_object_add(o, "points", json_object_new_int64((int64_t)n_points));
    json_object_object_add(o, "total_weight", json_object_new_double(total_w));
    json_object_object_add(o, "read_s", json_object_new_double(c->read_s));
    json_object_object_add(o, "kde_s", json_object_new_double(c->kde_s));
    json_object_object_add(o, "gistar_s", json_object_new_double(c->gistar_s));
    json_object_object_add(o, "write_s", json_object_new_double(c->write_s));
    if (r) {
        json_object_object_add(o, "gistar_cells", json_object_new_int64((int64_t)r->n_in_set));
        json_object_object_add(o, "cells_with_data", json_object_new_int64((int64_t)r->n_with_data));
        json_object_object_add(o, "band_m", json_object_new_double(r->band_m));
        json_object_object_add(o, "hot", json_object_new_int64((int64_t)r->n_hot));
        json_object_object_add(o, "cold", json_object_new_int64((int64_t)r->n_cold));
        json_object_object_add(o, "hot_single_event",
                               json_object_new_int64((int64_t)r->n_hot_single));
        json_object_object_add(o, "gi_cell_m", json_object_new_double(r->spec.cell_m));
        json_object_object_add(o, "incidents_in_study_area",
                               json_object_new_int64((int64_t)r->n_points_in));
        json_object_object_add(o, "incidents_outside",
                               json_object_new_int64((int64_t)r->n_points_outside));
        json_object_object_add(o, "counted", json_object_new_string(r->counted));
    }
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
    json_object_put(o);
}

/* The points: the filtered incidents of --store, or the layer of --points. */
static senda_status read_points(senda_ctx *ctx, int weighted, senda_points **pts)
{
    const char *store = cli_str(opts, "store"), *crs = cli_str(opts, "crs");
    if (!store)
        return senda_points_read(ctx, cli_str(opts, "points"), NULL,
                                 cli_str(opts, "weight-field"), crs, pts);
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    f.types = cli_str(opts, "types");
    f.date_from = cli_str(opts, "from");
    f.date_to = cli_str(opts, "to");
    f.victims = cli_str(opts, "victims");
    f.perpetrators = cli_str(opts, "perpetrators");
    f.precision = cli_str(opts, "precision");
    f.weighted = weighted;
    return senda_incidents_points(ctx, store, &f, crs ? crs : SENDA_DEFAULT_CRS, pts);
}

/* The corridor layers' extent (union of their extents) and, when the study
 * area is land, the file of their `land` layer. */
static senda_status use_layers(senda_ctx *ctx, run_cfg *c, const char *crs)
{
    int want_land = c->study ? strcmp(c->study, "land") == 0 : !c->has_extent;
    if (!c->layers_extent && !want_land)
        return SENDA_OK;
    senda_layers *ls = NULL;
    senda_status st = senda_layers_open(ctx, cli_str(opts, "layers"), crs, &ls, NULL, NULL);
    if (st)
        return st;
    double e[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (size_t i = 0; i < senda_layers_count(ls); i++) {
        const senda_layer_report *r = senda_layers_report(ls, i);
        if (r->n_features <= r->n_empty)
            continue;
        e[0] = fmin(e[0], r->extent[0]);
        e[1] = fmin(e[1], r->extent[1]);
        e[2] = fmax(e[2], r->extent[2]);
        e[3] = fmax(e[3], r->extent[3]);
    }
    long land = senda_layers_find(ls, "land");
    if (want_land && land >= 0)
        snprintf(c->land_path, sizeof c->land_path, "%s",
                 senda_layers_report(ls, (size_t)land)->path);
    senda_layers_destroy(ls);
    if (want_land && !c->land_path[0]) {
        if (c->study) {
            fprintf(stderr, "senda: --study-area land: the corridor layers have no `land` layer\n");
            return SENDA_ERR_DATA;
        }
        fprintf(stderr, "senda: warning: the corridor layers have no `land` layer: Gi* and "
                "density cover the whole extent, sea included\n");
    }
    if (c->layers_extent) {
        if (!(e[0] < e[2] && e[1] < e[3])) {
            fprintf(stderr, "senda: the corridor layers have no extent to grid\n");
            return SENDA_ERR_DATA;
        }
        memcpy(c->ext, e, sizeof e);
    }
    return SENDA_OK;
}

/* The extent (explicit, layers, or the points padded by the radius), the
 * cell sizes (automatic ones printed) and the density grid. */
static senda_status make_grid(senda_ctx *ctx, run_cfg *c, const senda_points *pts,
                              senda_grid **g)
{
    senda_status st;
    if (c->do_density && c->kde.radius_m <= 0.0 &&
        (st = senda_hotspot_kde_auto_radius(ctx, pts, &c->kde.radius_m)))
        return st; /* without density the points' extent is not padded */
    if ((st = use_layers(ctx, c, pts->crs)))
        return st;
    if (!c->has_extent && !c->layers_extent) {
        double e[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL}, r = c->kde.radius_m;
        for (size_t i = 0; i < pts->n; i++) {
            e[0] = fmin(e[0], pts->x[i] - r);
            e[1] = fmin(e[1], pts->y[i] - r);
            e[2] = fmax(e[2], pts->x[i] + r);
            e[3] = fmax(e[3], pts->y[i] + r);
        }
        memcpy(c->ext, e, sizeof e);
    }
    double auto_d = 0.0, auto_g = 0.0;
    int cell_set = c->cell_m > 0.0, gi_set = c->gi_cell_m > 0.0; /* 0: automatic */
    if ((!cell_set || !gi_set) &&
        (st = senda_hotspot_default_cells(ctx, c->ext[0], c->ext[1], c->ext[2], c->ext[3],
                                          &auto_d, &auto_g)))
        return st;
    if (!cell_set || !gi_set)
        fprintf(stderr, "senda: cells: density %g m%s, Gi* %g m%s\n",
                cell_set ? c->cell_m : auto_d,
                cell_set ? "" : " (automatic: at most 2,000,000 cells over the extent)",
                gi_set ? c->gi_cell_m : auto_g,
                gi_set ? "" : " (automatic: at most 100,000 cells over the extent)");
    c->cell_m = cell_set ? c->cell_m : auto_d;
    c->gi_cell_m = gi_set ? c->gi_cell_m : auto_g;
    double e[4], h = c->cell_m, k = c->gi_cell_m;
    memcpy(e, c->ext, sizeof e);
    if (!c->has_extent) /* aligned origin: runs share cell edges */
        e[0] = floor(e[0] / h) * h, e[1] = floor(e[1] / h) * h, e[2] = ceil(e[2] / h) * h,
        e[3] = ceil(e[3] / h) * h;
    c->spec.cell_m = k;
    c->spec.x_min = c->has_extent ? c->ext[0] : floor(c->ext[0] / k) * k;
    c->spec.y_min = c->has_extent ? c->ext[1] : floor(c->ext[1] / k) * k;
    c->spec.x_max = c->has_extent ? c->ext[2] : ceil(c->ext[2] / k) * k;
    c->spec.y_max = c->has_extent ? c->ext[3] : ceil(c->ext[3] / k) * k;
    return senda_grid_for_extent(ctx, e[0], e[1], e[2], e[3], h, pts->crs, g);
}

/* The study area: cells of Gi* and the density's valid cells. */
static senda_status apply_study_area(senda_ctx *ctx, run_cfg *c, senda_grid *g)
{
    const char *path = c->land_path[0] ? c->land_path
                       : c->study && strcmp(c->study, "none") && strcmp(c->study, "land")
                           ? c->study
                           : NULL;
    if (!path)
        return SENDA_OK;
    c->gi.cells = SENDA_GISTAR_STUDY_AREA;
    c->gi.study_area = path;
    size_t n = 0;
    if (!c->do_density)
        return SENDA_OK;
    senda_status st = senda_hotspot_mask_study_area(ctx, g, path, &n);
    if (!st)
        fprintf(stderr, "senda: study area %s: %zu density cells outside it set to nodata\n",
                c->land_path[0] ? "land" : path, n);
    return st;
}

/* --emerging: the space-time cube of the store's dated incidents, written into path. */
static senda_status emerging(senda_ctx *ctx, run_cfg *c, const senda_points *pts,
                             const char *path, senda_progress_fn prog)
{
    if (!c->emerging)
        return SENDA_OK;
    int32_t *d0 = NULL, *d1 = NULL;
    senda_emerging_result *e = NULL;
    senda_status st = senda_incidents_dates(ctx, cli_str(opts, "store"), pts, &d0, &d1);
    if (!st)
        st = senda_hotspot_emerging(ctx, pts, d0, d1, &c->gi, &c->em, &c->spec, &e, prog, NULL);
    if (!st)
        st = senda_hotspot_write_emerging(ctx, e, path, NULL, NULL);
    if (!st) {
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
    senda_free(d0);
    senda_free(d1);
    senda_emerging_result_destroy(e);
    return st;
}

/* Styles (temporal settings for the cube), a QGIS project and provenance. */
static senda_status finish(senda_ctx *ctx, const char *tmp, const char *out,
                           const senda_points *pts)
{
    char title[256], counts[128];
    snprintf(title, sizeof title, "senda hotspot: %zu incidents", pts->n);
    snprintf(counts, sizeof counts, "points: %zu\n", pts->n);
    senda_export_product_info pi;
    senda_export_product_info_init(&pi);
    pi.title = title;
    pi.final_path = out;
    pi.counts = counts;
    pi.crs = pts->crs;
    return senda_export_finish(ctx, tmp, &pi, NULL, NULL);
}

static senda_status run(senda_ctx *ctx, run_cfg *c, const char *out, const char *cells_out,
                        senda_progress_fn prog)
{
    senda_points *pts = NULL;
    senda_grid *g = NULL;
    senda_hotspot_gistar_result *r = NULL;
    char tmp[4096];
    int is_tif = ends_with(out, ".tif") || ends_with(out, ".tiff");
    double t0 = now_s();
    senda_status st = read_points(ctx, c->weighted, &pts);
    if (!st && pts->n == 0) {
        fprintf(stderr, "senda: no point to analyse%s\n",
                cli_str(opts, "store") ? " (no accepted incident passes the filters)" : "");
        st = SENDA_ERR_DATA;
        goto done;
    }
    if (st || (st = make_grid(ctx, c, pts, &g)) || (st = apply_study_area(ctx, c, g)))
        goto done;
    snprintf(c->spec.crs, sizeof c->spec.crs, "%s", pts->crs);
    double t1 = now_s();
    c->read_s = t1 - t0;
    if (c->do_density && (st = senda_hotspot_kde(ctx, pts, &c->kde, g, prog, NULL)))
        goto done;
    double t2 = now_s();
    c->kde_s = t2 - t1;
    if (c->do_gistar && (st = senda_hotspot_gistar(ctx, pts, &c->gi, &c->spec, &r, prog, NULL)))
        goto done;
    double t3 = now_s();
    c->gistar_s = t3 - t2;
    /* write beside the target, rename when complete */
    snprintf(tmp, sizeof tmp, "%s.tmp-senda%s", out, is_tif ? ".tif" : ".gpkg");
    remove(tmp);
    /* DEFLATE at level 1: the density's low mantissa bits do not compress, so
     * the default level 6 saved under 0.5 % of the size at twice the time;
     * tiles compressed by --threads threads */
    char n_threads[32];
    snprintf(n_threads, sizeof n_threads, "NUM_THREADS=%d", c->kde.n_threads);
    const char *const tif_co[] = {"COMPRESS=DEFLATE", "ZLEVEL=1", "TILED=YES", n_threads,
                                  "BIGTIFF=IF_SAFER", NULL};
    if (is_tif)
        st = senda_grid_write_tiff_co(ctx, g, out, 0, tif_co);
    else if (!(st = c->do_density ? senda_export_grid(ctx, tmp, "density", g, NULL, NULL)
                                  : SENDA_OK) &&
             (!r || !(st = senda_hotspot_write_cells(ctx, r, tmp, NULL, NULL))) &&
             !(st = emerging(ctx, c, pts, tmp, prog)) && !(st = finish(ctx, tmp, out, pts)) &&
             rename(tmp, out) != 0) {
        fprintf(stderr, "senda: cannot rename '%s' to '%s'\n", tmp, out);
        st = SENDA_ERR_IO;
    }
    if (!st && r && is_tif && cells_out) {
        snprintf(tmp, sizeof tmp, "%s.tmp-senda.gpkg", cells_out);
        remove(tmp);
        if (!(st = senda_hotspot_write_cells(ctx, r, tmp, NULL, NULL)) && rename(tmp, cells_out)) {
            fprintf(stderr, "senda: cannot rename '%s' to '%s'\n", tmp, cells_out);
            st = SENDA_ERR_IO;
        }
    }
    c->write_s = now_s() - t3;
    if (!st) {
        double tw = 0.0;
        for (size_t i = 0; i < pts->n; i++)
            tw += pts->weight[i];
        print_summary(c, g, r, pts->n, tw);
    } else if (!is_tif) {
        remove(tmp);
    }
done:
    senda_hotspot_gistar_result_destroy(r);
    senda_grid_destroy(g);
    senda_points_destroy(pts);
    return st;
}

int cmd_hotspot(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 0, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    const char *out = cli_str(opts, "out"), *cells_out = cli_str(opts, "cells-out");
    const char *store = cli_str(opts, "store");
    if (!!store == !!cli_str(opts, "points") || !out) {
        fprintf(stderr, "senda: hotspot needs --store STORE.gpkg or --points FILE (one of them) "
                "and --out FILE\nusage: %s\n", info.usage);
        return CLI_USAGE;
    }
    static const char *store_only[] = {"types", "from", "to", "victims", "perpetrators", "count",
                                       "precision", "emerging"};
    for (size_t i = 0; i < sizeof store_only / sizeof *store_only; i++)
        if (!store && cli_get(opts, store_only[i])->seen) {
            fprintf(stderr, "senda: --%s filters the incidents of --store\n", store_only[i]);
            return CLI_USAGE;
        }
    if (store && cli_str(opts, "weight-field")) {
        fprintf(stderr, "senda: --weight-field is for --points (a store's weight is severity x "
                "victims, or 1 with --count)\n");
        return CLI_USAGE;
    }
    int tif = ends_with(out, ".tif") || ends_with(out, ".tiff");
    if (!tif && !ends_with(out, ".gpkg")) {
        fprintf(stderr, "senda: --out must end in .gpkg or .tif, got '%s'\n", out);
        return CLI_USAGE;
    }
    if (cells_out && (!tif || !ends_with(cells_out, ".gpkg"))) {
        fprintf(stderr, "senda: --cells-out FILE.gpkg goes with a .tif --out\n");
        return CLI_USAGE;
    }
    run_cfg c;
    if (!parse_cfg(&c))
        return CLI_USAGE;
    if (!c.do_density && (tif || !c.do_gistar)) {
        fprintf(stderr, "senda: --no-density writes the Gi* cells into a .gpkg --out\n");
        return CLI_USAGE;
    }
    if (tif && !cells_out)
        c.do_gistar = 0; /* nowhere to write the cells */
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        return CLI_FAIL;
    }
    senda_status st = run(ctx, &c, out, cells_out, cli_progress(cli_flag(opts, "quiet")));
    rc = st == SENDA_OK ? CLI_OK : cli_fail(ctx, st);
    senda_ctx_destroy(ctx);
    return rc;
}
