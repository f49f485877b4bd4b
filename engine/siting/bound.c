/*
 * bound.c - an upper bound on the optimum of the maximal covering location
 * problem by Lagrangian relaxation of the coverage constraints, solved by
 * subgradient optimisation.
 *
 * MCLP (Church & ReVelle 1974): max sum_i w_i z_i subject to
 * z_i <= sum_{j in N_i} y_j (demand i counts only when an open site covers
 * it), sum_j y_j <= p, y binary, 0 <= z_i <= 1. With a per-site penalty
 * c_j (exposure_penalty * exposure) the objective gains - sum_j c_j y_j.
 * Relaxing the coverage constraints with multipliers lambda_i >= 0, as in
 * Galvao & ReVelle (1996, "A Lagrangean heuristic for the maximal covering
 * location problem", EJOR 88:114-123), separates the problem:
 *   L(lambda) = sum_i max(0, w_i - lambda_i)
 *             + sum of the p largest positive values of
 *               v_j = sum_{i in N_j} lambda_i - c_j,
 * and every L(lambda) is an upper bound on the optimum (weak duality). The
 * best bound min_lambda L(lambda) equals the LP-relaxation bound. We start at
 * lambda_i = w_i (then L is the sum of the p largest stand-alone coverages)
 * and take subgradient steps lambda_i <- max(0, lambda_i + t (z_i - y(N_i)))
 * with t = theta (L - lb) / |g|^2 (Held, Wolfe & Crowder 1974), halving
 * theta after 15 steps without improvement; the smallest L seen is returned.
 *
 * Lagrangean heuristic (Galvao & ReVelle 1996): the p sites of each relaxed
 * solution are a feasible MCLP solution; its true objective is evaluated
 * (O(pairs of the p sites)) and the best one seen is handed back, so the
 * caller can keep it when it beats the greedy + swap solution. Its value also
 * raises lb, which sharpens the step size.
 *
 * Complexity: O(pairs + n_cand log p) per iteration. Memory: 8 bytes per
 * demand point and per candidate, twice.
 * Demand with weight 0 (already covered by an existing shelter) has
 * lambda_i = 0 throughout and adds nothing.
 */
#include <math.h>
#include <string.h>

#include "siting/siting_int.h"

/* The sum of the p largest positive values of v over eligible candidates; sets
 * pick[j] = 1 for those. A min-heap of size p of candidate indices, ties to
 * the lower index as in the solver (only the sum matters for the bound). */
static double top_p(const double *v, const unsigned char *eligible, size_t n, size_t p,
                    uint32_t *heap, unsigned char *pick, size_t *n_pick)
{
    size_t h = 0;
    memset(pick, 0, n);
    for (size_t j = 0; j < n; j++) {
        if ((eligible && !eligible[j]) || !(v[j] > 0.0))
            continue;
        if (h < p) {
            size_t k = h++;
            while (k > 0 && v[heap[(k - 1) / 2]] > v[j]) {
                heap[k] = heap[(k - 1) / 2];
                k = (k - 1) / 2;
            }
            heap[k] = (uint32_t)j;
        } else if (v[j] > v[heap[0]]) {
            size_t k = 0;
            for (;;) {
                size_t l = 2 * k + 1, r = l + 1, m = k;
                double vm = v[j];
                if (l < h && v[heap[l]] < vm)
                    m = l, vm = v[heap[l]];
                if (r < h && v[heap[r]] < vm)
                    m = r;
                if (m == k)
                    break;
                heap[k] = heap[m];
                k = m;
            }
            heap[k] = (uint32_t)j;
        }
    }
    double s = 0.0;
    for (size_t k = 0; k < h; k++) {
        s += v[heap[k]];
        pick[heap[k]] = 1;
    }
    *n_pick = h;
    return s;
}

/* True objective of the picked sites (heap[0..h)), marking covered demand
 * with stamp in seen[]. */
static double evaluate(const senda__cover *cv, const double *w, const double *pen,
                       const uint32_t *sites, size_t h, uint32_t *seen, uint32_t stamp)
{
    double v = 0.0;
    for (size_t k = 0; k < h; k++) {
        size_t j = sites[k];
        v -= pen ? pen[j] : 0.0;
        for (size_t q = cv->cand_ptr[j]; q < cv->cand_ptr[j + 1]; q++) {
            uint32_t i = cv->cand_dem[q];
            if (seen[i] != stamp) {
                seen[i] = stamp;
                v += w[i];
            }
        }
    }
    return v;
}

senda_status senda__siting_lagrangian(senda_ctx *ctx, const senda__cover *cover,
                                      const double *w, const unsigned char *eligible,
                                      const double *pen, size_t p, double lb, int iters,
                                      double *bound, senda__primal *primal,
                                      senda_progress_fn progress, void *progress_arg)
{
    size_t nd = cover->n_dem, nc = cover->n_cand;
    senda_status st = SENDA_OK;
    double *lambda = senda__calloc(ctx, nd ? nd : 1, sizeof *lambda);
    double *g = senda__calloc(ctx, nd ? nd : 1, sizeof *g);
    double *v = senda__calloc(ctx, nc ? nc : 1, sizeof *v);
    uint32_t *heap = senda__calloc(ctx, p ? p : 1, sizeof *heap);
    unsigned char *pick = senda__calloc(ctx, nc ? nc : 1, 1);
    uint32_t *seen = senda__calloc(ctx, nd ? nd : 1, sizeof *seen);
    if (!lambda || !g || !v || !heap || !pick || !seen) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    /* Demand no eligible candidate covers has z_i = 0 in every feasible
     * solution; keeping it at lambda_i = w_i would add w_i to L forever, so
     * it is left out (weight treated as 0). */
    for (size_t i = 0; i < nd; i++)
        lambda[i] = cover->dem_ptr[i + 1] > cover->dem_ptr[i] ? w[i] : 0.0;
    double best = HUGE_VAL, theta = 2.0;
    int stall = 0;
    for (int it = 0; it < (iters > 0 ? iters : 1); it++) {
        for (size_t j = 0; j < nc; j++) {
            double s = 0.0;
            for (size_t k = cover->cand_ptr[j]; k < cover->cand_ptr[j + 1]; k++)
                s += lambda[cover->cand_dem[k]];
            v[j] = s - (pen ? pen[j] : 0.0);
        }
        size_t h = 0;
        double L = top_p(v, eligible, nc, p, heap, pick, &h), norm2 = 0.0;
        if (primal) {
            double val = evaluate(cover, w, pen, heap, h, seen, (uint32_t)it + 1);
            if (val > primal->value + 1e-12 * fabs(val)) {
                primal->value = val;
                primal->n = h;
                for (size_t k = 0; k < h; k++)
                    primal->sites[k] = heap[k];
            }
            lb = fmax(lb, val);
        }
        for (size_t i = 0; i < nd; i++) {
            int coverable = cover->dem_ptr[i + 1] > cover->dem_ptr[i];
            double z = coverable && w[i] > lambda[i] ? 1.0 : 0.0, ny = 0.0;
            if (coverable)
                L += w[i] - lambda[i] > 0.0 ? w[i] - lambda[i] : 0.0;
            for (size_t k = cover->dem_ptr[i]; k < cover->dem_ptr[i + 1]; k++)
                ny += pick[cover->dem_cand[k]];
            g[i] = coverable ? z - ny : 0.0;
            norm2 += g[i] * g[i];
        }
        if (!(L >= best - 1e-12 * fabs(best))) { /* also the first: best = inf */
            best = L;
            stall = 0;
        } else if (++stall >= 15) {
            theta *= 0.5;
            stall = 0;
        }
        if (norm2 == 0.0 || best - lb <= 1e-12 * fabs(best) || theta < 1e-6)
            break; /* the relaxed solution is feasible (or cannot improve): L is tight */
        double t = theta * (L - lb) / norm2;
        for (size_t i = 0; i < nd; i++)
            lambda[i] = fmax(0.0, lambda[i] + t * g[i]);
        if ((it & 7) == 7 && !senda__progress(ctx, progress, progress_arg,
                                              (double)it / (double)iters, "upper bound")) {
            st = SENDA_ERR_CANCELLED;
            goto done;
        }
    }
    *bound = best;
done:
    senda__free(lambda);
    senda__free(g);
    senda__free(v);
    senda__free(heap);
    senda__free(pick);
    senda__free(seen);
    return st;
}
