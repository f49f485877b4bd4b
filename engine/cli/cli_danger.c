/*
 * cli_danger.c - the incidents, layers and danger-surface options shared by
 * `senda danger` and `senda route` (cli_danger.h). Report files given with
 * --points go through the same import as `senda incidents import` (column
 * detection, validation, severity weights) into a temporary store beside
 * the output, which is removed once the points are read: the surfaces then
 * weigh incidents exactly as from a store. When the layers hold a `land`
 * layer (the bundled ones do), cells of the danger surface whose centre is
 * at sea become nodata, so least-danger paths stay on land.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_danger.h"

int cli_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

senda_status cli_commit(const char *tmp, const char *path)
{
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "senda: cannot rename '%s' to '%s'\n", tmp, path);
        remove(tmp);
        return SENDA_ERR_IO;
    }
    return SENDA_OK;
}

int cli_danger_parse(cli_opt *opts, cli_danger *d)
{
    int ok = 1;
    memset(d, 0, sizeof *d);
    senda_hotspot_kde_opts_init(&d->kde);
    d->kde.radius_m = cli_dbl(opts, "radius-m", &ok);
    d->cell_m = cli_dbl(opts, "cell-m", &ok);
    d->pad_m = cli_dbl(opts, "pad-m", &ok);
    senda_cost_danger_opts *o = &d->base;
    senda_cost_danger_opts_init(o);
    o->w_base = cli_dbl(opts, "w-base", &ok);
    o->w_density = cli_dbl(opts, "w-density", &ok);
    o->w_checkpoint = cli_dbl(opts, "w-checkpoint", &ok);
    o->checkpoint_range_m = cli_dbl(opts, "checkpoint-range-m", &ok);
    o->w_rail = cli_dbl(opts, "w-rail", &ok);
    o->rail_range_m = cli_dbl(opts, "rail-range-m", &ok);
    if (!ok)
        return CLI_USAGE;
    if (cli_str(opts, "store") && cli_str(opts, "points")) {
        fprintf(stderr, "senda: give --store or --points, not both\n");
        return CLI_USAGE;
    }
    d->whatif = d->base;
    cli_opt *w = cli_get(opts, "without-checkpoint");
    for (int i = 0; i < w->n_values; i++)
        d->without[i] = w->values[i];
    size_t n_without = (size_t)w->n_values;
    cli_opt *mv = cli_get(opts, "move-checkpoint");
    if (w->n_values + mv->n_values + cli_get(opts, "with-checkpoint")->n_values > CLI_LIST_MAX) {
        fprintf(stderr, "senda: at most %d checkpoint edits\n", CLI_LIST_MAX);
        return CLI_USAGE;
    }
    for (int i = 0; i < mv->n_values; i++) {
        const char *eq = strchr(mv->values[i], '=');
        size_t len = eq ? (size_t)(eq - mv->values[i]) : 0;
        if (!eq || len == 0 || !eq[1] || len >= sizeof d->move_name[0]) {
            fprintf(stderr, "senda: --move-checkpoint: '%s' is not NAME=PLACE\n",
                    mv->values[i]);
            return CLI_USAGE;
        }
        memcpy(d->move_name[i], mv->values[i], len);
        d->move_name[i][len] = '\0';
        d->move_place[i] = eq + 1;
        d->without[n_without++] = d->move_name[i];
    }
    d->n_move = (size_t)mv->n_values;
    d->whatif.without_checkpoints = d->without;
    d->whatif.n_without = n_without;
    d->has_whatif = n_without > 0 || cli_get(opts, "with-checkpoint")->n_values > 0;
    d->land_mask = !cli_flag(opts, "no-land-mask");
    return 0;
}

/* Import a report file into a temporary store and read its points. */
static senda_status points_from_file(senda_ctx *ctx, const char *file, const char *out_path,
                                     const senda_incidents_filter *filter, const char *crs,
                                     int quiet, senda_points **pts)
{
    char store[4096];
    snprintf(store, sizeof store, "%s.tmp-senda-points.gpkg", out_path);
    remove(store);
    senda_incidents_import_opts io;
    senda_incidents_import_opts_init(&io);
    senda_incidents_import_summary sum;
    const char *files[1] = {file};
    senda_status st = senda_incidents_import(ctx, store, files, 1, &io, &sum, cli_progress(quiet),
                                             NULL);
    if (st == SENDA_OK) {
        fprintf(stderr, "senda: %s: %ld rows, %ld accepted (%ld repaired), %ld rejected, "
                "%ld duplicate\n", file, sum.read, sum.accepted, sum.repaired, sum.rejected,
                sum.duplicate);
        st = senda_incidents_points(ctx, store, filter, crs, pts);
    }
    remove(store);
    return st;
}

senda_status cli_danger_load(senda_ctx *ctx, cli_opt *opts, const char *out_path, int quiet,
                             cli_danger *d)
{
    const char *crs = cli_str(opts, "crs");
    senda_status st =
        senda_layers_open(ctx, cli_str(opts, "layers"), crs, &d->layers, NULL, NULL);
    if (st != SENDA_OK)
        return st;
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    f.types = cli_str(opts, "types");
    f.date_from = cli_str(opts, "date-from");
    f.date_to = cli_str(opts, "date-to");
    f.precision = cli_str(opts, "precision");
    f.weighted = !cli_flag(opts, "unweighted");
    if (cli_str(opts, "store"))
        st = senda_incidents_points(ctx, cli_str(opts, "store"), &f, crs, &d->incidents);
    else if (cli_str(opts, "points"))
        st = points_from_file(ctx, cli_str(opts, "points"), out_path, &f, crs, quiet,
                              &d->incidents);
    if (st != SENDA_OK)
        return st;
    cli_opt *w = cli_get(opts, "with-checkpoint");
    size_t n_with = 0;
    for (int i = 0; i < w->n_values && st == SENDA_OK; i++, n_with++) {
        d->with_name[n_with] = w->values[i];
        st = senda_cost_place_resolve(ctx, d->layers, w->values[i], &d->with_xy[2 * n_with],
                                 &d->with_xy[2 * n_with + 1]);
    }
    for (size_t i = 0; i < d->n_move && st == SENDA_OK; i++, n_with++) {
        d->with_name[n_with] = d->move_place[i];
        st = senda_cost_place_resolve(ctx, d->layers, d->move_place[i], &d->with_xy[2 * n_with],
                                 &d->with_xy[2 * n_with + 1]);
    }
    d->whatif.with_checkpoints_xy = d->with_xy;
    d->whatif.n_with = n_with;
    return st;
}

senda_status cli_danger_surface(senda_ctx *ctx, const cli_danger *d,
                                const senda_cost_danger_opts *dopts, senda_grid **density,
                                senda_grid **danger, int quiet)
{
    senda_status st = senda_cost_danger_from_points(ctx, d->incidents, d->layers, d->cell_m, d->pad_m,
                                               &d->kde, dopts, density, danger,
                                               cli_progress(quiet), NULL);
    if (st == SENDA_OK && d->land_mask && senda_layers_find(d->layers, "land") >= 0 &&
        (st = senda_layers_mask_grid(ctx, d->layers, "land", *danger, NULL)) != SENDA_OK) {
        senda_grid_destroy(*danger);
        *danger = NULL;
        if (density) {
            senda_grid_destroy(*density);
            *density = NULL;
        }
    }
    return st;
}

void cli_danger_free(cli_danger *d)
{
    senda_points_destroy(d->incidents);
    senda_layers_destroy(d->layers);
    d->incidents = NULL;
    d->layers = NULL;
}
