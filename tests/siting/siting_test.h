/*
 * siting_test.h - helpers shared by the siting test files: points from
 * coordinate arrays, a seeded generator, a warning catcher, and the
 * cancellation and allocation-failure loops over senda_siting_solve.
 * Everything is static: each test file gets its own copy and state.
 */
#ifndef SENDA_SITING_TEST_H
#define SENDA_SITING_TEST_H

#include <criterion/criterion.h>
#include <string.h>

#include "core/core_int.h"

/* n points at xy[2i], xy[2i+1] with weights w (NULL = 1) in crs. */
static senda_points *st_pts(senda_ctx *ctx, size_t n, const double *xy, const double *w,
                            const char *crs)
{
    senda_points *p = NULL;
    cr_assert_eq(senda_points_create(ctx, n, crs, &p), SENDA_OK);
    for (size_t i = 0; i < n; i++) {
        p->x[i] = xy[2 * i];
        p->y[i] = xy[2 * i + 1];
        if (w)
            p->weight[i] = w[i];
    }
    return p;
}

/* A seeded generator (LCG), uniform in [0, 1), so tests need no library RNG. */
static double st_lcg(unsigned long *s)
{
    *s = *s * 6364136223846793005UL + 1442695040888963407UL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* Warnings (log level 1): how many, and the last one. */
static int st_n_warnings;
static char st_last_warning[512];
static void st_catch_log(int level, const char *msg, void *arg)
{
    (void)arg;
    if (level == 1) {
        st_n_warnings++;
        senda__strlcpy(st_last_warning, msg, sizeof st_last_warning);
    }
}

static int st_cancel_at;
static int st_cancel_progress(double complete, const char *msg, void *arg)
{
    (void)complete;
    (void)msg;
    (void)arg;
    return --st_cancel_at > 0;
}

/* Cancel the solve at its 1st .. n_reports-th progress report: each returns
 * SENDA_ERR_CANCELLED with a message and no result. */
static void st_cancel_each_report(senda_ctx *ctx, const senda_points *d, const senda_points *c,
                                  const senda_siting_opts *o, int n_reports)
{
    for (int k = 1; k <= n_reports; k++) {
        st_cancel_at = k;
        senda_siting_result *r = NULL;
        cr_assert_eq(senda_siting_solve(ctx, d, c, NULL, o, &r, st_cancel_progress, NULL),
                     SENDA_ERR_CANCELLED, "cancel at report %d", k);
        cr_assert_null(r);
        cr_assert(strstr(senda_ctx_errmsg(ctx), "cancelled") != NULL);
    }
}

/* Fail the 1st, 2nd, ... allocation of the solve until it succeeds: each
 * failure returns SENDA_ERR_NOMEM and no result (leaks show under ASan). */
static void st_fail_each_allocation(senda_ctx *ctx, const senda_points *d, const senda_points *c,
                                    const senda_points *ex, const senda_siting_opts *o)
{
    senda_status st = SENDA_ERR_NOMEM;
    long n;
    for (n = 1; n < 500 && st == SENDA_ERR_NOMEM; n++) {
        senda_siting_result *r = NULL;
        senda_ctx_fail_alloc_after(ctx, n);
        st = senda_siting_solve(ctx, d, c, ex, o, &r, NULL, NULL);
        if (st == SENDA_ERR_NOMEM)
            cr_assert_null(r);
        senda_siting_result_destroy(r);
    }
    senda_ctx_fail_alloc_after(ctx, 0);
    cr_assert_eq(st, SENDA_OK, "allocation %ld: %s", n, senda_ctx_errmsg(ctx));
    cr_assert_gt(n, 10); /* several allocations were failed and survived */
}

#endif
