/*
 * test_likely.c - senda_likely_routes against a brute-force enumeration of
 * every efficient path of a small grid (an independent implementation of
 * the model's definition: Bellman-Ford distances, depth-first enumeration,
 * path probabilities exp(-theta C) / sum), and the checkpoint what-if in a
 * test world whose outcome is derived by hand.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senda.h"

#define ROWS 3
#define COLS 4
#define NC (ROWS * COLS)

static const int drow[8] = {0, 0, -1, 1, -1, -1, 1, 1};
static const int dcol[8] = {-1, 1, 0, 0, -1, 1, 1, -1};

/* Move cost as r.cost with lengths in km (1 km cells): straight (a+b)/2,
 * diagonal (a+b) sqrt(2)/2. */
static double move(const double *c, int i, int k)
{
    int j = (i / COLS + drow[k]) * COLS + i % COLS + dcol[k];
    return (c[i] + c[j]) * (k < 4 ? 0.5 : sqrt(2.0) / 2.0);
}

static int nb(int i, int k)
{
    int r = i / COLS + drow[k], c = i % COLS + dcol[k];
    return r < 0 || c < 0 || r >= ROWS || c >= COLS ? -1 : r * COLS + c;
}

typedef struct {
    const double *c, *e, *s;
    const int *is_dest;
    double theta;
    double wsum, pass[NC], expo, dest_w[NC];
    int path[NC], n;
} brute;

/* Depth-first over efficient moves; at a destination add the path. */
static void dfs(brute *b, int i, double cost, double ex)
{
    b->path[b->n++] = i;
    if (b->is_dest[i]) {
        double w = exp(-b->theta * cost);
        b->wsum += w;
        b->expo += w * ex;
        b->dest_w[i] += w;
        for (int k = 0; k < b->n; k++)
            b->pass[b->path[k]] += w;
    } else {
        for (int k = 0; k < 8; k++) {
            int j = nb(i, k);
            if (j >= 0 && b->s[j] < b->s[i]) {
                double len = k < 4 ? 1.0 : sqrt(2.0);
                dfs(b, j, cost + move(b->c, i, k), ex + (b->e[i] + b->e[j]) / 2.0 * len);
            }
        }
    }
    b->n--;
}

Test(likely, matches_brute_force_enumeration_of_paths)
{
    /* Choice costs per km (irregular, so no two distances tie) and exposure. */
    const double c[NC] = {1.0, 1.7, 2.3, 1.1, /**/ 1.4, 3.1, 1.2, 1.9, /**/ 2.2, 1.3, 1.6, 1.05};
    const double e[NC] = {0.5, 2.0, 0.1, 1.0, /**/ 3.0, 0.2, 0.7, 0.4, /**/ 0.9, 1.5, 0.3, 2.5};
    int is_dest[NC] = {0};
    is_dest[3] = is_dest[11] = 1; /* two exits on the east edge */
    /* Bellman-Ford from the destinations */
    double s[NC];
    for (int i = 0; i < NC; i++)
        s[i] = is_dest[i] ? 0.0 : INFINITY;
    for (int it = 0; it < NC; it++)
        for (int i = 0; i < NC; i++)
            for (int k = 0; k < 8; k++) {
                int j = nb(i, k);
                if (j >= 0 && s[j] + move(c, i, k) < s[i])
                    s[i] = s[j] + move(c, i, k);
            }
    senda_ctx *ctx;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    senda_grid *g, *eg;
    cr_assert_eq(senda_grid_create(ctx, ROWS, COLS, 0, 3000, 1000, "EPSG:32615", 0, &g), SENDA_OK);
    cr_assert_eq(senda_grid_create(ctx, ROWS, COLS, 0, 3000, 1000, "EPSG:32615", 0, &eg), SENDA_OK);
    memcpy(senda_grid_data(g), c, sizeof c);
    memcpy(senda_grid_data(eg), e, sizeof e);
    senda_points *o, *d;
    cr_assert_eq(senda_points_create(ctx, 1, "EPSG:32615", &o), SENDA_OK);
    cr_assert_eq(senda_points_create(ctx, 2, "EPSG:32615", &d), SENDA_OK);
    o->x[0] = 500, o->y[0] = 1500;  /* cell (1, 0) */
    d->x[0] = 3500, d->y[0] = 2500; /* cell (0, 3) */
    d->x[1] = 3500, d->y[1] = 500;  /* cell (2, 3) */
    double thetas[3] = {0.3, 1.0, 4.0};
    for (int t = 0; t < 3; t++) {
        brute b = {c, e, s, is_dest, thetas[t], 0, {0}, 0, {0}, {0}, 0};
        dfs(&b, 4, 0.0, 0.0);
        cr_assert(b.wsum > 0.0);
        senda_likely_opts lo;
        senda_likely_opts_init(&lo);
        lo.theta = thetas[t];
        senda_likely_result *r = NULL;
        cr_assert_eq(senda_likely_routes(ctx, g, eg, o, NULL, d, &lo, &r, NULL, NULL), SENDA_OK,
                     "%s", senda_ctx_errmsg(ctx));
        /* tolerance: both sum the same few hundred terms in other orders */
        for (int i = 0; i < NC; i++)
            cr_assert_float_eq(senda_grid_cdata(r->density)[i], b.pass[i] / b.wsum, 1e-12,
                               "theta %g cell %d: %.15g vs brute force %.15g", thetas[t], i,
                               senda_grid_cdata(r->density)[i], b.pass[i] / b.wsum);
        cr_assert_float_eq(r->exposure_per_migrant, b.expo / b.wsum, 1e-12);
        cr_assert_float_eq(r->dest_share[0], b.dest_w[3] / b.wsum, 1e-12);
        cr_assert_float_eq(r->dest_share[1], b.dest_w[11] / b.wsum, 1e-12);
        senda_likely_result_destroy(r);
    }
    senda_points_destroy(o);
    senda_points_destroy(d);
    senda_grid_destroy(g);
    senda_grid_destroy(eg);
    senda_ctx_destroy(ctx);
}

/* The test world: 8 x 11 cells of 1 km, passable only along two corridors
 * from the crossing O (row 5, col 0) to the exit D (row 5, col 10):
 *   A, the short corridor along row 5 (10 straight moves, choice cost 10),
 *     through a checkpoint site at (5, 5); exposure 1 per km;
 *   B, the detour: diagonally up to (2, 3), along row 2 to (2, 7), diagonally
 *     down to D (6 diagonal and 4 straight moves, choice cost 4 + 6 sqrt 2 =
 *     12.49), through a remote high-incident stretch: exposure 5 per km on
 *     (2, 3)..(2, 7), 1 elsewhere.
 * theta = 50 makes the choice near-deterministic (every other mix of the
 * corridors costs at least 0.58 more: weight e^-29), so by hand:
 *   before: everyone on A, exposure per migrant 10 x 1 = 10;
 *   with a checkpoint at (5, 5) (w_detect 3, range 2500 m) A's cells (5,3..7)
 *   gain 0.6, 1.8, 3, 1.8, 0.6 per km, A costs 10 + 7.8 = 17.8 > 12.49, and
 *   everyone takes B: exposure 4 x 5 (row 2) + 2 x (1 + 5)/2 x sqrt 2 (the
 *   moves into and out of it) + 4 x sqrt 2 (the other diagonals)
 *   = 20 + 10 sqrt 2 = 34.142, a change of +24.142 (+241.4 %). */
static void world(senda_ctx *ctx, senda_grid **mask, senda_grid **expo)
{
    cr_assert_eq(senda_grid_create(ctx, 8, 11, 0, 8000, 1000, "EPSG:32615", NAN, mask), SENDA_OK);
    cr_assert_eq(senda_grid_create(ctx, 8, 11, 0, 8000, 1000, "EPSG:32615", NAN, expo), SENDA_OK);
    double *m = senda_grid_data(*mask), *e = senda_grid_data(*expo);
    static const int b[][2] = {{4, 1}, {3, 2}, {2, 3}, {2, 4}, {2, 5},
                               {2, 6}, {2, 7}, {3, 8}, {4, 9}};
    for (int c = 0; c <= 10; c++)
        m[5 * 11 + c] = 0.0, e[5 * 11 + c] = 1.0;
    for (size_t k = 0; k < sizeof b / sizeof *b; k++) {
        size_t i = (size_t)(b[k][0] * 11 + b[k][1]);
        m[i] = 0.0;
        e[i] = b[k][0] == 2 ? 5.0 : 1.0;
    }
}

Test(likely, a_checkpoint_pushes_people_onto_the_exposed_detour)
{
    senda_ctx *ctx;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    senda_grid *mask, *expo, *c0, *c1;
    world(ctx, &mask, &expo);
    senda_choice_opts co;
    senda_choice_opts_init(&co);
    co.w_detect = 3.0;
    co.detect_range_m = 2500.0;
    cr_assert_eq(senda_choice_surface(ctx, mask, NULL, &co, &c0), SENDA_OK);
    double site[2] = {5500.0, 2500.0}; /* centre of cell (5, 5) */
    co.with_checkpoints_xy = site;
    co.n_with = 1;
    cr_assert_eq(senda_choice_surface(ctx, mask, NULL, &co, &c1), SENDA_OK);
    cr_assert_float_eq(senda_grid_cdata(c1)[5 * 11 + 5], 4.0, 1e-12, "halo peak 1 + 3");
    cr_assert_float_eq(senda_grid_cdata(c1)[5 * 11 + 3], 1.6, 1e-12, "1 + 3 x (1 - 2/2.5)");
    senda_points *o, *d;
    cr_assert_eq(senda_points_create(ctx, 1, "EPSG:32615", &o), SENDA_OK);
    cr_assert_eq(senda_points_create(ctx, 1, "EPSG:32615", &d), SENDA_OK);
    o->x[0] = 500, o->y[0] = 2500;
    d->x[0] = 10500, d->y[0] = 2500;
    senda_likely_opts lo;
    senda_likely_opts_init(&lo);
    lo.theta = 50.0;
    senda_likely_result *before, *after;
    cr_assert_eq(senda_likely_routes(ctx, c0, expo, o, NULL, d, &lo, &before, NULL, NULL), SENDA_OK,
                 "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_likely_routes(ctx, c1, expo, o, NULL, d, &lo, &after, NULL, NULL), SENDA_OK,
                 "%s", senda_ctx_errmsg(ctx));
    /* 1e-9: the neglected mixes weigh below e^-29 = 2.5e-13 */
    cr_assert_float_eq(before->exposure_per_migrant, 10.0, 1e-9);
    cr_assert_float_eq(after->exposure_per_migrant, 20.0 + 10.0 * sqrt(2.0), 1e-9);
    cr_assert_float_eq(after->exposure_per_migrant - before->exposure_per_migrant,
                       10.0 + 10.0 * sqrt(2.0), 1e-9);
    const double *db = senda_grid_cdata(before->density), *da = senda_grid_cdata(after->density);
    cr_assert_float_eq(db[5 * 11 + 5], 1.0, 1e-9, "before: everyone passes the site");
    cr_assert_float_eq(db[2 * 11 + 5], 0.0, 1e-9);
    cr_assert_float_eq(da[5 * 11 + 5], 0.0, 1e-9, "after: nobody passes the checkpoint");
    cr_assert_float_eq(da[2 * 11 + 5], 1.0, 1e-9, "after: everyone takes the detour");
    cr_assert_float_eq(after->dest_share[0], 1.0, 1e-12);
    senda_likely_result_destroy(before);
    senda_likely_result_destroy(after);
    /* A warmer choice (theta 1) spreads people over both, and the checkpoint
     * still moves most of them: B's weight against A's is e^-(2.49) before
     * (under half on B), e^(+5.3) after (over half on B). */
    lo.theta = 1.0;
    cr_assert_eq(senda_likely_routes(ctx, c0, expo, o, NULL, d, &lo, &before, NULL, NULL),
                 SENDA_OK);
    cr_assert_eq(senda_likely_routes(ctx, c1, expo, o, NULL, d, &lo, &after, NULL, NULL), SENDA_OK);
    cr_assert_lt(senda_grid_cdata(before->density)[2 * 11 + 5], 0.5);
    cr_assert_gt(senda_grid_cdata(after->density)[2 * 11 + 5], 0.5);
    cr_assert_gt(after->exposure_per_migrant, before->exposure_per_migrant);
    senda_likely_result_destroy(before);
    senda_likely_result_destroy(after);
    senda_points_destroy(o);
    senda_points_destroy(d);
    senda_grid_destroy(mask);
    senda_grid_destroy(expo);
    senda_grid_destroy(c0);
    senda_grid_destroy(c1);
    senda_ctx_destroy(ctx);
}

Test(likely, flows_file_rows_are_checked_and_shared_towns_split)
{
    senda_ctx *ctx;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    char path[] = "/tmp/senda-flows-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs("crossing,migrants\nCiudad Hidalgo,1000\n\"Talismán\",300\n", fp);
    fclose(fp);
    const char *names[4] = {"Ciudad Hidalgo", "Ciudad Hidalgo", "Talismán", "El Ceibo"};
    double f[4];
    cr_assert_eq(senda_flows_read(ctx, path, names, 4, f), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_float_eq(f[0], 500.0, 1e-12, "two crossings at one town: equal parts");
    cr_assert_float_eq(f[1], 500.0, 1e-12);
    cr_assert_float_eq(f[2], 300.0, 1e-12);
    cr_assert_float_eq(f[3], 0.0, 1e-12, "not in the file: 0");
    fp = fopen(path, "w");
    fputs("crossing,migrants\nTalismán,12\nNowhere,5\n", fp);
    fclose(fp);
    cr_assert_eq(senda_flows_read(ctx, path, names, 4, f), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "row 3") && strstr(senda_ctx_errmsg(ctx), "Nowhere"),
              "%s", senda_ctx_errmsg(ctx));
    fp = fopen(path, "w");
    fputs("crossing,migrants\nTalismán,-4\n", fp);
    fclose(fp);
    cr_assert_eq(senda_flows_read(ctx, path, names, 4, f), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "row 2"), "%s", senda_ctx_errmsg(ctx));
    remove(path);
    senda_ctx_destroy(ctx);
}

Test(likely, demand_on_flows_weighs_density_by_exposure)
{
    senda_ctx *ctx;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    senda_grid *d, *e;
    cr_assert_eq(senda_grid_create(ctx, 1, 3, 0, 1000, 2000, "EPSG:32615", 0, &d), SENDA_OK);
    cr_assert_eq(senda_grid_create(ctx, 1, 3, 0, 1000, 2000, "EPSG:32615", 3.0, &e), SENDA_OK);
    senda_grid_data(d)[0] = 0.5, senda_grid_data(d)[1] = 0.0005, senda_grid_data(d)[2] = 1.0;
    senda_points *p = NULL;
    cr_assert_eq(senda_siting_demand_from_flows(ctx, d, e, 0.001, &p), SENDA_OK);
    cr_assert_eq(p->n, 2, "the cell below min_share is no demand");
    /* 0.5 x 3 per km x 2 km = 3; 1 x 3 x 2 = 6 */
    cr_assert_float_eq(p->weight[0], 3.0, 1e-12);
    cr_assert_float_eq(p->weight[1], 6.0, 1e-12);
    cr_assert_float_eq(p->x[1], 5000.0, 1e-9);
    senda_points_destroy(p);
    senda_grid_destroy(d);
    senda_grid_destroy(e);
    senda_ctx_destroy(ctx);
}

/* Slope in the route choice (likely_slope.c), on a world of 3 x 5 cells of
 * 1 km whose middle row is a barrier between the origin O (row 1, col 0)
 * and the destination D (row 1, col 4): two ways, A over row 0 and B over
 * row 2, each a diagonal, two straight moves and a diagonal, choice cost 1
 * per km everywhere (w_walk 1, no rail, no checkpoint): flat, both cost
 * 2 + 2 sqrt 2. The DEM is 0 but for A's middle cell (row 0, col 2), H m
 * high. With r.walk's defaults (a 0.72 s/m, b 6, c 1.9998, d -1.9998, slope
 * factor -0.2125) A's climb A1 -> A2 adds b H seconds and its descent
 * A2 -> A3 (slope -H / 1000 m) c (-H) when moderate (H = 100: -0.1 >=
 * -0.2125) or d (-H) when steep (H = 300: -0.3): in km-equivalents of flat
 * walking (/ (a x 1000 m)), A costs
 *   H = 100: (600 - 199.98) / 720 = 0.5555833 more,
 *   H = 300 with b = 0 (no climbing cost, so that A stays an efficient way:
 *   its extra must stay under the sqrt 2 of O's first move, Dial's rule):
 *   (0 + 599.94) / 720 = 0.83325 more,
 * so at theta 1 a migrant takes A with probability 1 / (1 + e^extra).
 * Exposure 1 per km on O, D and A's cells, 0 on B's: A gives 2 + 2 sqrt 2
 * (every move at 1 per km), B sqrt 2 (the two diagonals at (1 + 0) / 2). */
static void hill(senda_ctx *ctx, double h, senda_grid **choice, senda_grid **walk,
                 senda_grid **dem, senda_grid **expo)
{
    senda_grid *mask;
    cr_assert_eq(senda_grid_create(ctx, 3, 5, 0, 3000, 1000, "EPSG:32615", NAN, &mask), SENDA_OK);
    cr_assert_eq(senda_grid_create(ctx, 3, 5, 0, 3000, 1000, "EPSG:32615", 0.0, dem), SENDA_OK);
    cr_assert_eq(senda_grid_create(ctx, 3, 5, 0, 3000, 1000, "EPSG:32615", 0.0, expo), SENDA_OK);
    double *m = senda_grid_data(mask), *e = senda_grid_data(*expo);
    static const int open[8] = {1, 2, 3, 5, 9, 11, 12, 13}; /* A1..A3, O, D, B1..B3 */
    for (int k = 0; k < 8; k++)
        m[open[k]] = 0.0;
    for (int k = 0; k < 5; k++)
        e[open[k]] = 1.0;
    senda_grid_data(*dem)[2] = h;
    senda_choice_opts co;
    senda_choice_opts_init(&co);
    cr_assert_eq(senda_choice_surface(ctx, mask, NULL, &co, choice), SENDA_OK);
    cr_assert_eq(senda_choice_walking(ctx, mask, NULL, &co, walk), SENDA_OK);
    senda_grid_destroy(mask);
}

Test(likely, slope_makes_the_way_over_a_hill_cost_its_walking_time)
{
    senda_ctx *ctx;
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    senda_points *o, *d;
    cr_assert_eq(senda_points_create(ctx, 1, "EPSG:32615", &o), SENDA_OK);
    cr_assert_eq(senda_points_create(ctx, 1, "EPSG:32615", &d), SENDA_OK);
    o->x[0] = 500, o->y[0] = 1500;
    d->x[0] = 4500, d->y[0] = 1500;
    const double h[2] = {100.0, 300.0}, extra[2] = {400.02 / 720.0, 599.94 / 720.0};
    for (int t = 0; t < 2; t++) {
        senda_grid *choice, *walk, *dem, *expo;
        hill(ctx, h[t], &choice, &walk, &dem, &expo);
        senda_likely_opts lo;
        senda_likely_opts_init(&lo);
        lo.theta = 1.0;
        lo.walk.b = t ? 0.0 : lo.walk.b;
        lo.dem = dem;
        lo.walking = walk;
        senda_likely_result *r;
        cr_assert_eq(senda_likely_routes(ctx, choice, expo, o, NULL, d, &lo, &r, NULL, NULL),
                     SENDA_OK, "%s", senda_ctx_errmsg(ctx));
        double pa = 1.0 / (1.0 + exp(extra[t])), base = 2.0 + 2.0 * sqrt(2.0);
        const double *dens = senda_grid_cdata(r->density);
        cr_expect_float_eq(dens[2], pa, 1e-12, "H %g: share over the hill", h[t]);
        cr_expect_float_eq(dens[12], 1.0 - pa, 1e-12, "H %g: share around it", h[t]);
        cr_expect_float_eq(r->exposure_per_migrant, pa * base + (1.0 - pa) * sqrt(2.0), 1e-12);
        cr_expect_float_eq(r->choice_cost_per_migrant, base + pa * extra[t], 1e-12);
        senda_likely_result_destroy(r);
        /* walking weight 0 on A (as on the rail: people ride): no slope term */
        senda_grid_data(walk)[1] = senda_grid_data(walk)[2] = senda_grid_data(walk)[3] = 0.0;
        cr_assert_eq(senda_likely_routes(ctx, choice, expo, o, NULL, d, &lo, &r, NULL, NULL),
                     SENDA_OK);
        cr_expect_float_eq(senda_grid_cdata(r->density)[2], 0.5, 1e-12);
        senda_likely_result_destroy(r);
        /* a flat choice without the DEM: the same half */
        lo.dem = NULL;
        cr_assert_eq(senda_likely_routes(ctx, choice, expo, o, NULL, d, &lo, &r, NULL, NULL),
                     SENDA_OK);
        cr_expect_float_eq(senda_grid_cdata(r->density)[2], 0.5, 1e-12);
        senda_likely_result_destroy(r);
        /* coefficients that would make a move cost < 0 are refused */
        lo.dem = dem;
        lo.walk.c = 5.0; /* 0.72 - 5 x 0.2125 < 0 */
        cr_expect_eq(senda_likely_routes(ctx, choice, expo, o, NULL, d, &lo, &r, NULL, NULL),
                     SENDA_ERR_ARG);
        cr_expect(strstr(senda_ctx_errmsg(ctx), "less than 0") != NULL, "%s",
                  senda_ctx_errmsg(ctx));
        senda_grid_destroy(choice);
        senda_grid_destroy(walk);
        senda_grid_destroy(dem);
        senda_grid_destroy(expo);
    }
    senda_points_destroy(o);
    senda_points_destroy(d);
    senda_ctx_destroy(ctx);
}
