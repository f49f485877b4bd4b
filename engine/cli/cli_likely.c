/*
 * cli_likely.c - `senda route --likely`: parse the route model's options,
 * run it before and after the checkpoint what-if (the exposure surface is
 * computed once: a what-if changes the choice, not the exposure), write the
 * coverages and print the summary. Only parsing, calls and printing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli_likely.h"

int cli_likely_parse(cli_opt *opts, cli_likely *L)
{
    int ok = 1;
    memset(L, 0, sizeof *L);
    L->on = cli_flag(opts, "likely");
    senda_choice_opts_init(&L->choice);
    senda_exposure_opts_init(&L->exposure);
    senda_likely_opts_init(&L->likely);
    L->likely.theta = cli_dbl(opts, "theta", &ok);
    L->choice.w_detect = cli_dbl(opts, "w-detect", &ok);
    L->choice.detect_range_m = cli_dbl(opts, "detect-range-m", &ok);
    L->choice.train_factor = cli_dbl(opts, "train-factor", &ok);
    L->exposure.w_base = cli_dbl(opts, "w-exposure-base", &ok);
    L->exposure.w_incident = cli_dbl(opts, "w-incident", &ok);
    L->exposure.w_remote = cli_dbl(opts, "w-remote", &ok);
    L->exposure.remote_range_m = cli_dbl(opts, "remote-range-m", &ok);
    L->exposure.w_train = cli_dbl(opts, "w-train", &ok);
    L->exposure.town_min_population = cli_int(opts, "town-min-population", &ok);
    L->shelter_radius_m = cli_dbl(opts, "shelter-radius-m", &ok);
    L->flows_path = cli_str(opts, "flows");
    L->dem_path = cli_str(opts, "dem");
    L->likely.walk.slope_factor = cli_dbl(opts, "slope-factor", &ok);
    const char *wc = cli_str(opts, "walk-coeff");
    char tail;
    senda_walk_opts *w = &L->likely.walk;
    if (sscanf(wc, "%lf,%lf,%lf,%lf%c", &w->a, &w->b, &w->c, &w->d, &tail) != 4) {
        fprintf(stderr, "senda: --walk-coeff: '%s' is not four numbers A,B,C,D\n", wc);
        return CLI_USAGE;
    }
    if (!ok)
        return CLI_USAGE;
    if (!L->dem_path && (cli_get(opts, "walk-coeff")->seen || cli_get(opts, "slope-factor")->seen)) {
        fprintf(stderr, "senda: --walk-coeff and --slope-factor need --dem\n");
        return CLI_USAGE;
    }
    static const char *const needs[] = {"theta",
                                        "flows",
                                        "w-detect",
                                        "detect-range-m",
                                        "train-factor",
                                        "w-exposure-base",
                                        "w-incident",
                                        "w-remote",
                                        "remote-range-m",
                                        "w-train",
                                        "town-min-population",
                                        "shelter-radius-m",
                                        "dem",
                                        NULL};
    for (int i = 0; !L->on && needs[i]; i++)
        if (cli_get(opts, needs[i])->seen) {
            fprintf(stderr, "senda: --%s needs --likely\n", needs[i]);
            return CLI_USAGE;
        }
    return 0;
}

senda_status cli_likely_run(senda_ctx *ctx, cli_likely *L, const cli_danger *d,
                            const senda_cost_danger_opts *dopts, const senda_grid *rho,
                            const senda_grid *danger, const senda_points *src,
                            const char *const *src_names, const senda_points *dst, int whatif,
                            int quiet)
{
    senda_status st = SENDA_OK;
    if (!L->expo) {
        st = senda_exposure_surface(ctx, rho, d->layers, &L->exposure, &L->expo);
        if (st == SENDA_OK && d->land_mask && senda_layers_find(d->layers, "land") >= 0)
            st = senda_layers_mask_grid(ctx, d->layers, "land", L->expo, NULL);
        if (st == SENDA_OK && L->flows_path)
            st = senda_flows_read(ctx, L->flows_path, src_names, src->n, L->flows);
        if (st == SENDA_OK && L->dem_path)
            st = senda_grid_read_onto(ctx, L->dem_path, danger, &L->dem);
        if (st == SENDA_OK && L->dem_path)
            st = senda_choice_walking(ctx, danger, d->layers, &L->choice, &L->walking);
        if (st != SENDA_OK)
            return st;
        L->likely.dem = L->dem;
        L->likely.walking = L->walking;
    }
    senda_choice_opts co = L->choice;
    co.without_checkpoints = dopts->without_checkpoints;
    co.n_without = dopts->n_without;
    co.with_checkpoints_xy = dopts->with_checkpoints_xy;
    co.n_with = dopts->n_with;
    senda_grid **choice = whatif ? &L->choice_after : &L->choice_before;
    if ((st = senda_choice_surface(ctx, danger, d->layers, &co, choice)) != SENDA_OK)
        return st;
    return senda_likely_routes(ctx, *choice, L->expo, src, L->flows_path ? L->flows : NULL, dst,
                               &L->likely, whatif ? &L->after : &L->before, cli_progress(quiet),
                               NULL);
}

senda_status cli_likely_route(senda_ctx *ctx, const cli_likely *L, senda_cost_route_result *before,
                              senda_cost_route_result *after)
{
    senda_status st = senda_cost_route_likely(ctx, before, L->before->density, L->expo);
    if (st == SENDA_OK && after && L->after)
        st = senda_cost_route_likely(ctx, after, L->after->density, L->expo);
    return st;
}

/* Demand on flows (route density x exposure) for `senda site`. */
static senda_status write_demand(senda_ctx *ctx, const senda_likely_result *r, const senda_grid *e,
                                 const char *tmp, const char *layer)
{
    senda_points *d = NULL;
    senda_status st = senda_siting_demand_from_flows(ctx, r->density, e, 0.001, &d);
    if (st == SENDA_OK)
        st = senda_siting_demand_write(ctx, tmp, layer, d);
    senda_points_destroy(d);
    return st;
}

/* The per-corridor table (likely_corridors) and the what-if's checkpoints. */
static senda_status write_tables(senda_ctx *ctx, const cli_likely *L, const cli_danger *d,
                                 const senda_points *src, const char *const *src_names,
                                 const char *tmp)
{
    double rate_b[CLI_LIST_MAX], rate_a[CLI_LIST_MAX];
    senda_likely_corridors c = {src, src_names, L->flows_path ? L->flows : NULL, L->before,
                                L->after, NULL, NULL};
    senda_status st = SENDA_OK;
    if (L->flows_path && d->incidents) {
        st = senda_likely_incident_rate(ctx, L->before, d->incidents, L->flows, rate_b, NULL);
        if (st == SENDA_OK && L->after)
            st = senda_likely_incident_rate(ctx, L->after, d->incidents, L->flows, rate_a, NULL);
        c.incidents_per_1000_before = rate_b;
        c.incidents_per_1000_after = L->after ? rate_a : NULL;
    }
    if (st == SENDA_OK)
        st = senda_likely_corridors_write(ctx, tmp, &c);
    if (st == SENDA_OK && L->after)
        st = senda_cost_checkpoints_write(ctx, tmp, d->layers, &d->whatif, d->with_name);
    return st;
}

senda_status cli_likely_write(senda_ctx *ctx, cli_likely *L, const cli_danger *d,
                              const senda_points *src, const char *const *src_names,
                              const char *tmp)
{
    senda_status st = write_tables(ctx, L, d, src, src_names, tmp);
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, tmp, "exposure", L->expo, NULL, NULL);
    if (st == SENDA_OK)
        st = write_demand(ctx, L->before, L->expo, tmp, "flow_demand");
    if (st == SENDA_OK && L->after)
        st = write_demand(ctx, L->after, L->expo, tmp, "flow_demand_whatif");
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, tmp, "choice_cost", L->choice_before, NULL, NULL);
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, tmp, "route_density", L->before->density, NULL, NULL);
    if (st != SENDA_OK || !L->after)
        return st;
    senda_likely_change *c = NULL;
    st = senda_export_grid(ctx, tmp, "choice_cost_whatif", L->choice_after, NULL, NULL);
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, tmp, "route_density_whatif", L->after->density, NULL, NULL);
    if (st == SENDA_OK)
        st = senda_likely_compare(ctx, L->before, L->after, NULL, L->shelter_radius_m, &c);
    if (st == SENDA_OK)
        st = senda_export_grid(ctx, tmp, "route_density_change", c->difference, NULL, NULL);
    senda_likely_change_destroy(c);
    return st;
}

static json_object *jnum(double v)
{
    return isnan(v) ? NULL : json_object_new_double(v);
}

static double pct(double after, double before)
{
    return before > 0.0 ? 100.0 * (after - before) / before : (double)NAN;
}

/* Per origin (corridor): share, exposure before / after, incidents per 1,000. */
static senda_status print_origins(senda_ctx *ctx, cli_likely *L, const cli_danger *d,
                                  const char *const *names, json_object *o)
{
    const senda_likely_result *b = L->before, *a = L->after;
    double rate_b[CLI_LIST_MAX], rate_a[CLI_LIST_MAX], lost = 0.0;
    int rates = L->flows_path && d->incidents;
    senda_status st = SENDA_OK;
    if (rates &&
        (st = senda_likely_incident_rate(ctx, b, d->incidents, L->flows, rate_b, &lost)) ==
            SENDA_OK &&
        a)
        st = senda_likely_incident_rate(ctx, a, d->incidents, L->flows, rate_a, NULL);
    if (st != SENDA_OK)
        return st;
    json_object *arr = o ? json_object_new_array() : NULL;
    if (!o)
        printf("\nlikely routes by crossing     share  exposure/migrant%s%s\n",
               a ? "  -> what-if  change %" : "", rates ? "  incidents/1000" : "");
    for (size_t k = 0; k < b->n_origins; k++) {
        double eb = b->origin_exposure[k], ea = a ? a->origin_exposure[k] : (double)NAN;
        if (!o) {
            printf("  %-26.26s %6.3f %16.2f", names[k], b->origin_share[k], eb);
            if (a)
                printf(" %12.2f %9.1f", ea, pct(ea, eb));
            if (rates)
                printf(" %15.2f", rate_b[k]);
            printf("\n");
            continue;
        }
        json_object *x = json_object_new_object();
        json_object_object_add(x, "crossing", json_object_new_string(names[k]));
        json_object_object_add(x, "share", json_object_new_double(b->origin_share[k]));
        if (L->flows_path)
            json_object_object_add(x, "migrants", json_object_new_double(L->flows[k]));
        json_object_object_add(x, "exposure_per_migrant_before", json_object_new_double(eb));
        if (a) {
            json_object_object_add(x, "exposure_per_migrant_after", jnum(ea));
            json_object_object_add(x, "exposure_change_pct", jnum(pct(ea, eb)));
        }
        if (rates) {
            json_object_object_add(x, "incidents_per_1000_before", jnum(rate_b[k]));
            if (a)
                json_object_object_add(x, "incidents_per_1000_after", jnum(rate_a[k]));
        }
        json_object_array_add(arr, x);
    }
    if (o) {
        json_object_object_add(o, "corridors", arr);
        if (rates)
            json_object_object_add(o, "incident_weight_off_routes_share",
                                   json_object_new_double(lost));
    }
    return SENDA_OK;
}

static void print_dests(const cli_likely *L, const char *const *names, json_object *o)
{
    json_object *arr = o ? json_object_new_array() : NULL;
    for (size_t k = 0; k < L->before->n_destinations; k++) {
        double sb = L->before->dest_share[k], sa = L->after ? L->after->dest_share[k] : (double)NAN;
        if (!o) {
            printf("  reaching %-20.20s %6.3f", names[k], sb);
            if (L->after)
                printf(" -> %6.3f", sa);
            printf("\n");
            continue;
        }
        json_object *x = json_object_new_object();
        json_object_object_add(x, "to", json_object_new_string(names[k]));
        json_object_object_add(x, "share_before", json_object_new_double(sb));
        if (L->after)
            json_object_object_add(x, "share_after", jnum(sa));
        json_object_array_add(arr, x);
    }
    if (o)
        json_object_object_add(o, "destinations", arr);
}

static void print_shelters(const senda_likely_change *c, json_object *o)
{
    json_object *arr = o ? json_object_new_array() : NULL;
    if (!o)
        printf("\nshelters by change of passing flow (share of migrants within the radius)\n");
    for (size_t k = 0; k < c->n_shelters; k++) {
        double b = c->shelter_before[k], a = c->shelter_after[k];
        if (!o) {
            printf("  %-32.32s %6.3f -> %6.3f (%+.3f)\n", c->shelter_name[k], b, a, a - b);
            continue;
        }
        json_object *x = json_object_new_object();
        json_object_object_add(x, "name", json_object_new_string(c->shelter_name[k]));
        json_object_object_add(x, "passing_before", json_object_new_double(b));
        json_object_object_add(x, "passing_after", json_object_new_double(a));
        json_object_object_add(x, "change", json_object_new_double(a - b));
        json_object_array_add(arr, x);
    }
    if (o)
        json_object_object_add(o, "shelters", arr);
}

senda_status cli_likely_print(senda_ctx *ctx, cli_likely *L, const cli_danger *d,
                              const char *const *src_names, const char *const *dst_names,
                              json_object *root)
{
    json_object *o = root ? json_object_new_object() : NULL;
    const senda_likely_result *b = L->before, *a = L->after;
    senda_likely_change *c = NULL;
    senda_status st = SENDA_OK;
    if (a)
        st = senda_likely_compare(ctx, b, a, d->layers, L->shelter_radius_m, &c);
    if (st == SENDA_OK)
        st = print_origins(ctx, L, d, src_names, o);
    if (st != SENDA_OK) {
        json_object_put(o);
        return st;
    }
    print_dests(L, dst_names, o);
    if (!o) {
        printf("exposure per migrant %.2f", b->exposure_per_migrant);
        if (c)
            printf(" -> %.2f with the what-if (%+.1f %%)", c->exposure_after,
                   c->exposure_change_pct);
        printf(" (theta %g)\n", b->theta);
    } else {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "before", json_object_new_double(b->exposure_per_migrant));
        if (c)
            json_object_object_add(e, "after", json_object_new_double(c->exposure_after));
        json_object_object_add(o, "exposure_per_migrant", e);
        if (c)
            json_object_object_add(o, "exposure_change_pct", jnum(c->exposure_change_pct));
        json_object_object_add(o, "theta", json_object_new_double(b->theta));
        json_object_object_add(o, "choice_cost_per_migrant",
                               json_object_new_double(b->choice_cost_per_migrant));
    }
    if (c)
        print_shelters(c, o);
    if (o)
        json_object_object_add(root, "likely", o);
    senda_likely_change_destroy(c);
    return SENDA_OK;
}

void cli_likely_params(const cli_likely *L, const cli_danger *d, char *buf, size_t size)
{
    const senda_choice_opts *c = &L->choice;
    const senda_exposure_opts *e = &L->exposure;
    int n = snprintf(buf, size,
                     "likely.theta: %g\nchoice.w_walk: %g\nchoice.train_factor: %g\n"
                     "choice.train_range_m: %g\nchoice.w_detect: %g\nchoice.detect_range_m: %g\n"
                     "exposure.w_base: %g\nexposure.w_incident: %g\nexposure.w_remote: %g\n"
                     "exposure.remote_range_m: %g\nexposure.town_min_population: %ld\n"
                     "exposure.w_train: %g\nflows: %s\nchoice.dem: %s\n"
                     "choice.walk_coeff: %g,%g,%g,%g\nchoice.slope_factor: %g\n"
                     "whatif.without_checkpoints:",
                     L->likely.theta, c->w_walk, c->train_factor, c->train_range_m, c->w_detect,
                     c->detect_range_m, e->w_base, e->w_incident, e->w_remote, e->remote_range_m,
                     e->town_min_population, e->w_train, L->flows_path ? L->flows_path : "equal",
                     L->dem_path ? L->dem_path : "none", L->likely.walk.a, L->likely.walk.b,
                     L->likely.walk.c, L->likely.walk.d, L->likely.walk.slope_factor);
    for (size_t i = 0; i < d->whatif.n_without && n > 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, " %s;", d->whatif.without_checkpoints[i]);
    if (n > 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, "\nwhatif.with_checkpoints_xy:");
    for (size_t i = 0; i < d->whatif.n_with && n > 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, " %.1f %.1f;", d->whatif.with_checkpoints_xy[2 * i],
                      d->whatif.with_checkpoints_xy[2 * i + 1]);
    if (n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, "\n");
}

void cli_likely_free(cli_likely *L)
{
    senda_grid_destroy(L->expo);
    senda_grid_destroy(L->dem);
    senda_grid_destroy(L->walking);
    senda_grid_destroy(L->choice_before);
    senda_grid_destroy(L->choice_after);
    senda_likely_result_destroy(L->before);
    senda_likely_result_destroy(L->after);
    memset(L, 0, sizeof *L);
}
