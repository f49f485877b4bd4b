/*
 * test_profile_labels.c - station labels of the route profile PNG stay
 * inside the plot and apart (the profile of the coastal line cut "Medias
 * Aguas" at the right edge and let "Ixtepec (Oax.)" collide with its
 * neighbour). Expected positions worked by hand from the rule in profile.c:
 * a label sits 3 px right of its station, at least LABEL_GAP (14) px after
 * the previous one, and no further right than hi.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "cost/cost_int.h"

Test(profile_labels, apart_and_inside_at_the_right_edge)
{
    /* four stations crowded at the right end of a plot [80, 1106] */
    const double xs[] = {100.0, 1100.0, 1104.0, 1119.0};
    double at[4];
    senda__profile_place_labels(xs, 4, 80.0, 1106.0, at);
    /* forward: 103, 1103, 1117, 1131; backward from hi = 1106: 1106, 1092, 1078 */
    cr_expect_float_eq(at[0], 103.0, 1e-9);
    cr_expect_float_eq(at[1], 1078.0, 1e-9);
    cr_expect_float_eq(at[2], 1092.0, 1e-9);
    cr_expect_float_eq(at[3], 1106.0, 1e-9);
}

Test(profile_labels, spread_labels_stay_on_their_stations)
{
    const double xs[] = {90.0, 300.0, 700.0};
    double at[3];
    senda__profile_place_labels(xs, 3, 80.0, 1106.0, at);
    for (int i = 0; i < 3; i++)
        cr_expect_float_eq(at[i], xs[i] + 3.0, 1e-9);
}

Test(profile_labels, more_than_fit_are_dropped_the_rest_apart)
{
    /* [0, 28] holds 3 labels 14 px apart; the 4th and 5th cannot be drawn */
    const double xs[] = {0.0, 1.0, 2.0, 3.0, 4.0};
    double at[5];
    senda__profile_place_labels(xs, 5, 0.0, 28.0, at);
    cr_expect_float_eq(at[0], 3.0 - 3.0 + 0.0, 1e-9); /* 3, pulled to 28-28 = 0 */
    cr_expect_float_eq(at[1], 14.0, 1e-9);
    cr_expect_float_eq(at[2], 28.0, 1e-9);
    cr_expect(isnan(at[3]) && isnan(at[4]));
}
