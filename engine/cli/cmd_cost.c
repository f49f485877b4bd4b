/*
 * cmd_cost.c - `senda cost`: accumulated cost, movement directions and
 * least-cost paths over any single-band raster GDAL reads, with GRASS
 * r.cost's definitions, so the outputs compare cell by cell with r.cost and
 * r.path.
 */
#include <json-c/json.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static cli_opt opts[] = {
    {"cost", 0, OPT_STR, "RASTER", NULL, "friction raster (band 1; nodata and negative cells "
     "are barriers unless --null-cost)", NULL, 0, {0}, 0},
    {"dem", 0, OPT_STR, "DEM", NULL, "with --walk: elevation raster in metres (band 1; "
     "nodata cells are barriers)", NULL, 0, {0}, 0},
    {"friction", 0, OPT_STR, "RASTER", NULL, "with --walk: friction raster on the DEM's grid "
     "(r.walk friction; default 0 everywhere)", NULL, 0, {0}, 0},
    {"walk", 0, OPT_FLAG, NULL, NULL, "slope-aware walking cost over --dem, as GRASS r.walk",
     NULL, 0, {0}, 0},
    {"walk-coeff", 0, OPT_STR, "A,B,C,D", "0.72,6.0,1.9998,-1.9998", "with --walk: walking "
     "time in s per m of distance, climb, moderate and steep descent (r.walk walk_coeff)",
     NULL, 0, {0}, 0},
    {"lambda", 0, OPT_DBL, "L", "1.0", "with --walk: weight of the friction (r.walk lambda)",
     NULL, 0, {0}, 0},
    {"slope-factor", 0, OPT_DBL, "S", "-0.2125", "with --walk: descents steeper than this "
     "dH/dS are steep (r.walk slope_factor)", NULL, 0, {0}, 0},
    {"from", 0, OPT_STR, "X,Y[;X,Y...]", NULL, "source coordinates in the raster's CRS",
     NULL, 0, {0}, 0},
    {"out", 'o', OPT_STR, "ACCUM.tif", NULL, "accumulated cost, Float64 GeoTIFF", NULL, 0,
     {0}, 0},
    {"dir-out", 0, OPT_STR, "DIR.tif", NULL, "movement directions, Float32 GeoTIFF, degrees "
     "ccw from east towards the source (r.cost outdir)", NULL, 0, {0}, 0},
    {"knight", 0, OPT_FLAG, NULL, NULL, "16 neighbours with knight's moves (r.cost -k)",
     NULL, 0, {0}, 0},
    {"unit-m", 0, OPT_DBL, "M", "0", "move lengths in units of M metres (1 = metres, 1000 = "
     "km); 0 = cell widths as r.cost", NULL, 0, {0}, 0},
    {"max-cost", 0, OPT_DBL, "C", "0", "stop at this accumulated cost, cells beyond are "
     "nodata; 0 = no limit", NULL, 0, {0}, 0},
    {"null-cost", 0, OPT_DBL, "C", NULL, "cost of nodata cells instead of a barrier "
     "(r.cost null_cost)", NULL, 0, {0}, 0},
    {"keep-nulls", 'n', OPT_FLAG, NULL, NULL, "with --null-cost, nodata input cells stay "
     "nodata on output (r.cost -n)", NULL, 0, {0}, 0},
    {"to", 0, OPT_STR, "X,Y[;X,Y...]", NULL, "destinations: trace least-cost paths to them",
     NULL, 0, {0}, 0},
    {"path-out", 0, OPT_STR, "PATH.gpkg", NULL, "GeoPackage for the paths (layer 'paths', "
     "LineStringM, M = accumulated cost)", NULL, 0, {0}, 0},
    {"co", 0, OPT_LIST, "NAME=VALUE", NULL, "GDAL GTiff creation option for the rasters, "
     "replacing the defaults COMPRESS=ZSTD ZSTD_LEVEL=1 PREDICTOR=2 TILED=YES BIGTIFF=IF_SAFER "
     "NUM_THREADS=ALL_CPUS "
     "(lossless, 40 % smaller than none at a quarter of DEFLATE's time; e.g. --co "
     "COMPRESS=DEFLATE --co TILED=YES for readers without ZSTD)",
     NULL, 0, {0}, 0},
    {"json", 0, OPT_FLAG, NULL, NULL, "print a JSON summary on stdout", NULL, 0, {0}, 0},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const char *const renamed[] = {"k=knight", NULL};

static const cli_cmd_info info = {
    "senda cost --cost RASTER --from X,Y[;X,Y...] --out ACCUM.tif [--knight] [--dir-out DIR.tif]"
    " [--to X,Y --path-out PATH.gpkg]\n"
    "       senda cost --dem DEM.tif [--friction F.tif] --walk [--walk-coeff A,B,C,D --lambda L"
    " --slope-factor S] [--knight] --from X,Y --out ACCUM.tif",
    "Accumulated cost and least-cost paths over any raster, as GRASS r.cost and r.path.",
    "Runs Dijkstra's algorithm from the source cells over the friction raster. A move costs\n"
    "the mean friction of the two cells times its length: straight (c1+c2)/2, diagonal\n"
    "(c1+c2)*sqrt(2)/2, and with --knight the knight's move (c1+c2+the two cells it passes)\n"
    "*sqrt(5)/4, in units of friction x cell width (or x metres with --unit-m 1), exactly as\n"
    "r.cost; ties resolve as in r.cost, so the direction raster and the paths match r.cost\n"
    "and r.path cell by cell. Coordinates are in the raster's CRS; a source is the cell that\n"
    "holds its point. Nodata and negative friction cells are barriers. The direction raster\n"
    "holds, in each reached cell, degrees counter-clockwise from east towards the previous\n"
    "cell (nodata at sources). Paths are traced back from each --to point and written with\n"
    "M = accumulated cost at each cell centre; stdout lists cost and length per path.\n\n"
    "With --walk the cost is GRASS r.walk's walking time from the sources over --dem (Aitken\n"
    "1977 / Langmuir 1984): each move costs A x length + B x climb (or C x descent, or D x\n"
    "descent when steeper than --slope-factor) + --lambda x mean --friction x length, in\n"
    "seconds with r.walk's defaults; elevation and lengths in metres.",
    "  senda cost --cost friction.tif --from 512000,1650000 --out acc.tif --dir-out dir.tif\n"
    "  senda cost --cost friction.tif --from '500000,1600000;520000,1610000' --knight \\\n"
    "      --out acc.tif --to 560000,1700000 --path-out paths.gpkg --json\n"
    "  senda cost --dem dem.tif --walk --knight --from 512000,1650000 --out walk.tif",
    renamed,
};

/* Parse "X,Y;X,Y..." into a new points set in crs; 0 on success. */
static int parse_xy(senda_ctx *ctx, const char *s, const char *what, const char *crs,
                    senda_points **out)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == ';';
    if (senda_points_create(ctx, n, crs, out) != SENDA_OK)
        return -1;
    const char *p = s;
    for (size_t i = 0; i < n; i++) {
        char *end = NULL;
        (*out)->x[i] = strtod(p, &end);
        if (end == p || *end != ',')
            goto bad;
        p = end + 1;
        (*out)->y[i] = strtod(p, &end);
        if (end == p || (*end && *end != ';') || !isfinite((*out)->x[i]) ||
            !isfinite((*out)->y[i]))
            goto bad;
        p = *end ? end + 1 : end;
    }
    return 0;
bad:
    fprintf(stderr, "senda: --%s: '%s' is not a list of X,Y pairs separated by ';'\n", what, s);
    senda_points_destroy(*out);
    *out = NULL;
    return -1;
}

static void print_paths(senda_cost_path **paths, size_t n, json_object *root)
{
    json_object *arr = root ? json_object_new_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        senda_cost_path *p = paths[i];
        if (!root) {
            printf("path to %s: cost %.6f, length %.3f km, %zu cells\n", p->name, p->cost,
                   p->length_m / 1000.0, p->n);
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "to", json_object_new_string(p->name));
        json_object_object_add(o, "cost", json_object_new_double(p->cost));
        json_object_object_add(o, "length_km", json_object_new_double(p->length_m / 1000.0));
        json_object_object_add(o, "n_cells", json_object_new_int64((int64_t)p->n));
        json_object_array_add(arr, o);
    }
    if (root)
        json_object_object_add(root, "paths", arr);
}

static void summarise(const senda_grid *acc, json_object *root, double seconds)
{
    size_t n = senda_grid_n_rows(acc) * senda_grid_n_cols(acc), reached = 0;
    const double *a = senda_grid_cdata(acc);
    double peak = 0.0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(a[i])) {
            reached++;
            peak = a[i] > peak ? a[i] : peak;
        }
    if (!root) {
        printf("cells %zu, reached %zu, peak cost %.6f, %.3f s\n", n, reached, peak, seconds);
        return;
    }
    json_object_object_add(root, "cells", json_object_new_int64((int64_t)n));
    json_object_object_add(root, "reached", json_object_new_int64((int64_t)reached));
    json_object_object_add(root, "peak_cost", json_object_new_double(peak));
    json_object_object_add(root, "accumulate_seconds", json_object_new_double(seconds));
}

/* Trace and write the paths to every --to point. */
static senda_status do_paths(senda_ctx *ctx, const senda_grid *acc, const senda_grid *dir,
                             const senda_points *to, const char *path_out, json_object *root)
{
    senda_cost_path **paths = calloc(to->n, sizeof *paths);
    senda_status st = paths ? SENDA_OK : SENDA_ERR_NOMEM;
    size_t n = 0;
    for (; n < to->n && st == SENDA_OK; n++)
        st = senda_cost_path_trace(ctx, acc, dir, to->x[n], to->y[n], NULL, &paths[n]);
    if (st == SENDA_OK && path_out)
        st = senda_cost_paths_write(ctx, path_out, senda_grid_crs(acc), paths, n, NULL);
    if (st == SENDA_OK)
        print_paths(paths, n, root);
    for (size_t i = 0; paths && i < n; i++)
        senda_cost_path_destroy(paths[i]);
    free(paths);
    return st;
}

/* Write the accumulated cost with the output options of --co (or the fast defaults). */
static senda_status write_acc(senda_ctx *ctx, const senda_grid *acc, const char *path,
                              int is_float64)
{
    cli_opt *co_opt = cli_get(opts, "co");
    const char *co_list[CLI_LIST_MAX + 1] = {NULL};
    for (int i = 0; i < co_opt->n_values; i++)
        co_list[i] = co_opt->values[i];
    /* ZSTD level 1 with horizontal differencing: writing both 4000 x 4000 outputs costs
     * 0.27 s of CPU more than COMPRESS=NONE (DEFLATE level 6: about 3.5 s more; PREDICTOR=3
     * 0.5 s more for 10 % smaller files), measured with gdal_translate, best of 3.
     * NUM_THREADS: GDAL compresses the tiles on every core (about 0.1 s less on the
     * 4000 x 4000 bench with 2 cores); the file is the same. */
    static const char *const fast_co[] = {"COMPRESS=ZSTD", "ZSTD_LEVEL=1", "PREDICTOR=2",
                                          "TILED=YES", "BIGTIFF=IF_SAFER",
                                          "NUM_THREADS=ALL_CPUS", NULL};
    senda_grid_tiff_opts to;
    senda_grid_tiff_opts_init(&to);
    to.float64 = is_float64;
    to.creation_options = co_opt->n_values ? co_list : fast_co;
    return senda_grid_write_tiff(ctx, acc, path, &to);
}

/* A GeoTIFF read or written on a thread of its own, with a context made in
 * that thread (a context belongs to the thread that made it: GDAL's error
 * handlers are per thread, and a context made elsewhere lets GDAL print its
 * own "ERROR n:" lines). The status and message of a failure are copied out
 * for the calling thread, which prints the message (side_failed). */
typedef struct {
    const char *path;
    const senda_grid *write; /* the grid to write, or NULL to read path */
    int is_float64;          /* writing: Float64 (else Float32) */
    senda_grid *read;        /* reading: the grid read */
    senda_status st;
    char msg[1024];
} side_job;

static void *side_main(void *arg)
{
    side_job *j = arg;
    senda_ctx *ctx = cli_ctx_new();
    j->st = !ctx ? SENDA_ERR_NOMEM
            : j->write ? write_acc(ctx, j->write, j->path, j->is_float64)
                       : senda_grid_read(ctx, j->path, &j->read);
    snprintf(j->msg, sizeof j->msg, "%s",
             j->st == SENDA_OK ? ""
             : ctx && senda_ctx_errmsg(ctx)[0] ? senda_ctx_errmsg(ctx)
                                                : senda_status_name(j->st));
    senda_ctx_destroy(ctx);
    return NULL;
}

/* st, or the side job's failure with its message printed (*printed set)
 * when st is SENDA_OK and the job failed. */
static senda_status side_failed(senda_status st, const side_job *j, int *printed)
{
    if (st != SENDA_OK || j->st == SENDA_OK)
        return st;
    fprintf(stderr, "senda: %s\n", j->msg);
    *printed = 1;
    return j->st;
}

/* Write the accumulated cost and, when dir_out is given, the directions at
 * the same time (two threads: the writing is conversion and compression,
 * each bound by one core; the search before it is sequential). On a
 * failure of the directions their message is printed here and *printed
 * set. */
static senda_status write_outputs(senda_ctx *ctx, const senda_grid *acc, const senda_grid *dir,
                                  const char *dir_out, int *printed)
{
    side_job job = {.path = dir_out, .write = dir, .is_float64 = 0, .st = SENDA_OK};
    pthread_t tid;
    int threaded = dir_out && pthread_create(&tid, NULL, side_main, &job) == 0;
    senda_status st = write_acc(ctx, acc, cli_str(opts, "out"), 1);
    if (threaded)
        pthread_join(tid, NULL);
    else if (dir_out && st == SENDA_OK) /* no thread: one after the other */
        st = write_acc(ctx, dir, dir_out, 0);
    return side_failed(st, &job, printed);
}

static senda_status run(senda_ctx *ctx, const senda_cost_opts *co, senda_points **from_to,
                        int quiet, json_object *root, int *printed)
{
    senda_grid *cost = NULL, *acc = NULL, *dir = NULL;
    const char *dir_out = cli_str(opts, "dir-out");
    int want_dir = dir_out || from_to[1];
    senda_status st = senda_grid_read(ctx, cli_str(opts, "cost"), &cost);
    if (st != SENDA_OK)
        return st;
    snprintf(from_to[0]->crs, sizeof from_to[0]->crs, "%s", senda_grid_crs(cost));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = senda_cost_accumulate(ctx, cost, from_to[0], co, &acc, want_dir ? &dir : NULL,
                               cli_progress(quiet), NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    senda_grid_destroy(cost); /* not needed any more: keeps the peak memory down */
    if (st != SENDA_OK)
        goto done;
    summarise(acc, root,
              (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    if ((st = write_outputs(ctx, acc, dir, dir_out, printed)) != SENDA_OK)
        goto done;
    if (from_to[1])
        st = do_paths(ctx, acc, dir, from_to[1], cli_str(opts, "path-out"), root);
done:
    senda_grid_destroy(acc);
    senda_grid_destroy(dir);
    return st;
}

/* Read --dem and --friction, at the same time when a thread can be had
 * (each is a whole raster to decode: the two take half the time on two
 * processors). A failed friction read's message is printed (*printed). */
static senda_status read_walk_inputs(senda_ctx *ctx, senda_grid **dem, senda_grid **fric,
                                     int *printed)
{
    side_job job = {.path = cli_str(opts, "friction"), .st = SENDA_OK};
    pthread_t th;
    int side = job.path && pthread_create(&th, NULL, side_main, &job) == 0;
    senda_status st = senda_grid_read(ctx, cli_str(opts, "dem"), dem);
    if (side)
        pthread_join(th, NULL);
    else if (job.path && st == SENDA_OK) /* no thread: one after the other */
        st = senda_grid_read(ctx, job.path, &job.read);
    *fric = job.read;
    return side_failed(st, &job, printed);
}

/* --walk: r.walk over --dem and the optional --friction. */
static senda_status run_walk(senda_ctx *ctx, const senda_walk_opts *wo, senda_points *from,
                             int quiet, json_object *root, int *printed)
{
    senda_grid *dem = NULL, *fric = NULL, *acc = NULL;
    senda_status st = read_walk_inputs(ctx, &dem, &fric, printed);
    if (st != SENDA_OK)
        goto done;
    snprintf(from->crs, sizeof from->crs, "%s", senda_grid_crs(dem));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = senda_cost_walk(ctx, dem, fric, from, wo, &acc, cli_progress(quiet), NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    senda_grid_destroy(dem); /* not needed any more: keeps the peak memory down */
    senda_grid_destroy(fric);
    dem = fric = NULL;
    if (st != SENDA_OK)
        goto done;
    summarise(acc, root,
              (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    st = write_acc(ctx, acc, cli_str(opts, "out"), 1);
done:
    senda_grid_destroy(dem);
    senda_grid_destroy(fric);
    senda_grid_destroy(acc);
    return st;
}

/* Parse the --walk options; 0 or CLI_USAGE (message printed). */
static int walk_opts(senda_walk_opts *wo)
{
    int ok = 1;
    senda_walk_opts_init(wo);
    static const char *const not_walk[] = {"cost", "dir-out", "to", "path-out", "null-cost",
                                           "max-cost", "unit-m", "keep-nulls", NULL};
    for (int i = 0; not_walk[i]; i++)
        if (cli_get(opts, not_walk[i])->seen) {
            fprintf(stderr, "senda: --%s is not available with --walk\n", not_walk[i]);
            return CLI_USAGE;
        }
    if (!cli_str(opts, "dem")) {
        fprintf(stderr, "senda: --walk needs --dem\nusage: %s\n", info.usage);
        return CLI_USAGE;
    }
    const char *wc = cli_str(opts, "walk-coeff");
    char tail;
    if (sscanf(wc, "%lf,%lf,%lf,%lf%c", &wo->a, &wo->b, &wo->c, &wo->d, &tail) != 4) {
        fprintf(stderr, "senda: --walk-coeff: '%s' is not four numbers A,B,C,D\n", wc);
        return CLI_USAGE;
    }
    wo->lambda = cli_dbl(opts, "lambda", &ok);
    wo->slope_factor = cli_dbl(opts, "slope-factor", &ok);
    wo->knight = cli_flag(opts, "knight");
    return ok ? 0 : CLI_USAGE;
}

int cmd_cost(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0, ok = 1;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 0, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    int walk = cli_flag(opts, "walk");
    senda_walk_opts wo;
    if (walk && (rc = walk_opts(&wo)) != 0)
        return rc;
    static const char *const walk_only[] = {"dem", "friction", "walk-coeff", "lambda",
                                            "slope-factor", NULL};
    for (int i = 0; !walk && walk_only[i]; i++)
        if (cli_get(opts, walk_only[i])->seen) {
            fprintf(stderr, "senda: --%s needs --walk\n", walk_only[i]);
            return CLI_USAGE;
        }
    if ((!walk && !cli_str(opts, "cost")) || !cli_str(opts, "from") || !cli_str(opts, "out")) {
        fprintf(stderr, "senda: --cost (or --dem with --walk), --from and --out are required\n"
                        "usage: %s\n", info.usage);
        return CLI_USAGE;
    }
    if (cli_str(opts, "path-out") && !cli_str(opts, "to")) {
        fprintf(stderr, "senda: --path-out needs --to\n");
        return CLI_USAGE;
    }
    senda_cost_opts co;
    senda_cost_opts_init(&co);
    co.knight = cli_flag(opts, "knight");
    co.keep_nulls = cli_flag(opts, "keep-nulls");
    co.unit_m = cli_dbl(opts, "unit-m", &ok);
    co.max_cost = cli_dbl(opts, "max-cost", &ok);
    if (cli_str(opts, "null-cost"))
        co.null_cost = cli_dbl(opts, "null-cost", &ok);
    if (!ok)
        return CLI_USAGE;
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        return CLI_FAIL;
    }
    senda_points *from_to[2] = {NULL, NULL};
    json_object *root = cli_flag(opts, "json") ? json_object_new_object() : NULL;
    if (parse_xy(ctx, cli_str(opts, "from"), "from", NULL, &from_to[0]) != 0 ||
        (cli_str(opts, "to") && parse_xy(ctx, cli_str(opts, "to"), "to", NULL, &from_to[1]) != 0)) {
        rc = CLI_USAGE;
        goto done;
    }
    int printed = 0;
    senda_status st = walk ? run_walk(ctx, &wo, from_to[0], cli_flag(opts, "quiet"), root, &printed)
                           : run(ctx, &co, from_to, cli_flag(opts, "quiet"), root, &printed);
    if (st != SENDA_OK)
        rc = printed ? (st == SENDA_ERR_ARG ? CLI_USAGE : CLI_FAIL) : cli_fail(ctx, st);
    else if (root)
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
done:
    json_object_put(root);
    senda_points_destroy(from_to[0]);
    senda_points_destroy(from_to[1]);
    senda_ctx_destroy(ctx);
    return rc;
}
