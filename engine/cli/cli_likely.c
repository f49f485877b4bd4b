/*
 * cli_likely.c - `senda route --likely`: fill the route stage's model
 * options from the command line (defaults from senda_pipeline_route_opts_init)
 * and print what the stage found. Only parsing and printing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli_likely.h"

/* The route model's numeric options (--slope-factor goes with --dem). */
#define F(name, member) CLI_DBL_FIELD(name, senda_pipeline_route_opts, member)
static const cli_dbl_field likely_fields[] = {
    F("theta", likely.theta),
    F("w-detect", choice.w_detect),
    F("detect-range-m", choice.detect_range_m),
    F("train-factor", choice.train_factor),
    F("w-patrol", choice.w_patrol),
    F("patrol-range-m", choice.patrol_range_m),
    F("river-clear-m", choice.river_clear_m),
    F("w-terrain", exposure.w_terrain),
    F("slope-full", exposure.slope_full),
    F("w-exposure-base", exposure.w_base),
    F("w-incident", exposure.w_incident),
    F("w-remote", exposure.w_remote),
    F("remote-range-m", exposure.remote_range_m),
    F("w-train", exposure.w_train),
    F("shelter-radius-m", shelter_radius_m),
    {NULL, 0},
};
#undef F

void cli_likely_defaults(cli_opt *opts)
{
    senda_pipeline_route_opts r;
    senda_pipeline_route_opts_init(&r);
    cli_default_dbls(opts, likely_fields, &r);
    cli_default_int(opts, "town-min-population", r.exposure.town_min_population);
    cli_default_dbl(opts, "slope-factor", r.likely.walk.slope_factor);
    char wc[128];
    snprintf(wc, sizeof wc, "%g,%g,%g,%g", r.likely.walk.a, r.likely.walk.b, r.likely.walk.c,
             r.likely.walk.d);
    cli_default_str(opts, "walk-coeff", wc);
}

/* --dem and its walking coefficients; 0 or CLI_USAGE. */
static int fill_dem(cli_opt *opts, senda_pipeline_route_opts *r)
{
    int ok = 1;
    senda_walk_opts *w = &r->likely.walk;
    r->dem = cli_str(opts, "dem");
    w->slope_factor = cli_dbl(opts, "slope-factor", &ok);
    const char *wc = cli_str(opts, "walk-coeff");
    char tail;
    if (!ok || sscanf(wc, "%lf,%lf,%lf,%lf%c", &w->a, &w->b, &w->c, &w->d, &tail) != 4) {
        if (ok)
            fprintf(stderr, "senda: --walk-coeff: '%s' is not four numbers A,B,C,D\n", wc);
        return CLI_USAGE;
    }
    static const char *const with_dem[] = {"walk-coeff", "slope-factor", "w-terrain",
                                           "slope-full", NULL};
    for (int i = 0; !r->dem && with_dem[i]; i++)
        if (cli_get(opts, with_dem[i])->seen) {
            fprintf(stderr, "senda: --%s needs --dem\n", with_dem[i]);
            return CLI_USAGE;
        }
    return 0;
}

int cli_likely_fill(cli_opt *opts, senda_pipeline_route_opts *r)
{
    r->likely_on = cli_flag(opts, "likely");
    int ok = cli_fill_dbls(opts, likely_fields, r);
    r->exposure.town_min_population = cli_int(opts, "town-min-population", &ok);
    r->flows = cli_str(opts, "flows");
    if (!ok || fill_dem(opts, r) != 0)
        return CLI_USAGE;
    static const char *const needs[] = {"theta", "flows", "w-detect", "detect-range-m",
                                        "train-factor", "w-patrol", "patrol-range-m",
                                        "river-clear-m", "w-exposure-base", "w-incident",
                                        "w-remote", "remote-range-m", "w-train",
                                        "town-min-population", "shelter-radius-m", "dem",
                                        NULL};
    for (int i = 0; !r->likely_on && needs[i]; i++)
        if (cli_get(opts, needs[i])->seen) {
            fprintf(stderr, "senda: --%s needs --likely\n", needs[i]);
            return CLI_USAGE;
        }
    return 0;
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
static senda_status print_origins(senda_ctx *ctx, const senda_pipeline_input *in,
                                  const senda_pipeline_route_result *r, json_object *o)
{
    const senda_likely_result *b = r->likely, *a = r->likely_whatif;
    double rate_b[CLI_LIST_MAX], rate_a[CLI_LIST_MAX], lost = 0.0;
    int rates = r->flows && in->incidents;
    senda_status st = SENDA_OK;
    if (rates &&
        (st = senda_likely_incident_rate(ctx, b, in->incidents, r->flows, rate_b, &lost)) ==
            SENDA_OK &&
        a)
        st = senda_likely_incident_rate(ctx, a, in->incidents, r->flows, rate_a, NULL);
    if (st != SENDA_OK)
        return st;
    json_object *arr = o ? json_object_new_array() : NULL;
    if (!o)
        printf("\nlikely routes by crossing     share  exposure/migrant%s%s\n",
               a ? "  -> what-if  change %" : "", rates ? "  incidents/1000" : "");
    for (size_t k = 0; k < b->n_origins; k++) {
        double eb = b->origin_exposure[k], ea = a ? a->origin_exposure[k] : (double)NAN;
        if (!o) {
            printf("  %-26.26s %6.3f %16.2f", r->source_names[k], b->origin_share[k], eb);
            if (a)
                printf(" %12.2f %9.1f", ea, pct(ea, eb));
            if (rates)
                printf(" %15.2f", rate_b[k]);
            printf("\n");
            continue;
        }
        json_object *x = json_object_new_object();
        json_object_object_add(x, "crossing", json_object_new_string(r->source_names[k]));
        json_object_object_add(x, "share", json_object_new_double(b->origin_share[k]));
        if (r->flows)
            json_object_object_add(x, "migrants", json_object_new_double(r->flows[k]));
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

static void print_dests(const senda_pipeline_route_result *r, json_object *o)
{
    const senda_likely_result *b = r->likely, *a = r->likely_whatif;
    json_object *arr = o ? json_object_new_array() : NULL;
    for (size_t k = 0; k < b->n_destinations; k++) {
        double sb = b->dest_share[k], sa = a ? a->dest_share[k] : (double)NAN;
        const char *name = r->destination_names[k];
        if (!o) {
            printf("  reaching %-20.20s %6.3f", name, sb);
            if (a)
                printf(" -> %6.3f", sa);
            printf("\n");
            continue;
        }
        json_object *x = json_object_new_object();
        json_object_object_add(x, "to", json_object_new_string(name));
        json_object_object_add(x, "share_before", json_object_new_double(sb));
        if (a)
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

senda_status cli_likely_print(senda_ctx *ctx, const senda_pipeline_input *in,
                              const senda_pipeline_route_result *r, json_object *root)
{
    if (!r->likely)
        return SENDA_OK;
    json_object *o = root ? json_object_new_object() : NULL;
    const senda_likely_result *b = r->likely;
    const senda_likely_change *c = r->likely_change;
    senda_status st = print_origins(ctx, in, r, o);
    if (st != SENDA_OK) {
        json_object_put(o);
        return st;
    }
    print_dests(r, o);
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
    return SENDA_OK;
}

