/*
 * greedy.c - the heuristic of the covering models: lazy greedy, 1-swap local
 * search and the ranking of the chosen sites.
 *
 * Greedy: the covered weight of a set of sites is a monotone submodular set
 * function, so the gain of a candidate can only fall as sites open. The lazy
 * greedy of Minoux (1978) keeps a max-heap of (possibly stale) gains, pops
 * the top, recomputes its gain and opens it only if it still beats the next
 * stale gain; otherwise it goes back with its fresh gain. With cardinality p
 * the greedy value is within 1 - (1 - 1/p)^p >= 1 - 1/e of the optimum
 * (Nemhauser, Wolsey & Fisher 1978), which solve.c uses as one upper bound.
 * A site penalty (exposure) is subtracted from the gain; the function is then
 * no longer monotone but still submodular, so stale gains remain upper
 * bounds and lazy evaluation stays exact.
 * Swap: for every open site s and closed eligible candidate c the change of
 * objective of closing s and opening c is
 *   base[c] + extra_s[c] - loss[s] - pen[c] + pen[s],
 * where base[c] is the weight of uncovered demand c covers, loss[s] the
 * weight only s covers, and extra_s[c] the part of loss[s] that c also
 * covers (accumulated through the demand-to-candidate rows). The best swap of
 * a sweep is applied (ties: earliest open site, then lowest candidate index)
 * until none improves by more than tol: a "Teitz-Bart" style 1-interchange
 * as used for MCLP by Galvao & ReVelle (1996).
 * Complexity: greedy O(pairs) per opened site in the worst case, far less in
 * practice; a swap sweep O(pairs + p * n_cand + sum over open s of the
 * candidates sharing s's singly-covered demand). Memory: 4 bytes per demand
 * point, 1 + 16 per candidate.
 */
#include <math.h>
#include <string.h>

#include "siting/siting_int.h"

senda_status senda__solver_init(senda_ctx *ctx, const senda__cover *cv, const double *w,
                                const unsigned char *elig, const double *pen, double tol,
                                senda__solver *s)
{
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->cv = cv;
    s->w = w;
    s->elig = elig;
    s->pen = pen;
    s->tol = tol;
    s->cnt = senda__calloc(ctx, cv->n_dem ? cv->n_dem : 1, sizeof *s->cnt);
    s->open = senda__calloc(ctx, cv->n_cand ? cv->n_cand : 1, 1);
    s->cap_sites = 16;
    s->sites = senda__calloc(ctx, s->cap_sites, sizeof *s->sites);
    if (!s->cnt || !s->open || !s->sites) {
        senda__solver_free(s);
        return SENDA_ERR_NOMEM;
    }
    return SENDA_OK;
}

void senda__solver_reset(senda__solver *s)
{
    memset(s->cnt, 0, (s->cv->n_dem ? s->cv->n_dem : 1) * sizeof *s->cnt);
    memset(s->open, 0, s->cv->n_cand ? s->cv->n_cand : 1);
    s->n_sites = 0;
    s->covered = 0.0;
    s->penalty = 0.0;
}

void senda__solver_free(senda__solver *s)
{
    senda__free(s->cnt);
    senda__free(s->open);
    senda__free(s->sites);
    s->cnt = NULL;
    s->open = NULL;
    s->sites = NULL;
}

static double site_pen(const senda__solver *s, size_t j)
{
    return s->pen ? s->pen[j] : 0.0;
}

/* Weight of demand covered by j and by no open site. */
static double uncovered_of(const senda__solver *s, size_t j)
{
    double g = 0.0;
    for (size_t k = s->cv->cand_ptr[j]; k < s->cv->cand_ptr[j + 1]; k++)
        if (s->cnt[s->cv->cand_dem[k]] == 0)
            g += s->w[s->cv->cand_dem[k]];
    return g;
}

static void toggle(senda__solver *s, size_t j, int open)
{
    const senda__cover *cv = s->cv;
    for (size_t k = cv->cand_ptr[j]; k < cv->cand_ptr[j + 1]; k++) {
        uint32_t i = cv->cand_dem[k];
        if (open) {
            if (s->cnt[i]++ == 0)
                s->covered += s->w[i];
        } else if (--s->cnt[i] == 0) {
            s->covered -= s->w[i];
        }
    }
    s->open[j] = (unsigned char)open;
    s->penalty += open ? site_pen(s, j) : -site_pen(s, j);
}

senda_status senda__solver_open(senda__solver *s, size_t j)
{
    if (s->n_sites == s->cap_sites) {
        size_t cap = s->cap_sites * 2;
        size_t *ns = senda__realloc(s->ctx, s->sites, cap * sizeof *ns);
        if (!ns)
            return SENDA_ERR_NOMEM;
        s->sites = ns;
        s->cap_sites = cap;
    }
    s->sites[s->n_sites++] = j;
    toggle(s, j, 1);
    return SENDA_OK;
}

/* ---- the lazy max-heap: larger gain first, then lower index ---- */
typedef struct hent {
    double gain;
    uint32_t j;
} hent;

static int better(hent a, hent b)
{
    return a.gain > b.gain || (!(a.gain < b.gain) && a.j < b.j);
}

static void sift_down(hent *h, size_t n, size_t k)
{
    hent e = h[k];
    for (;;) {
        size_t l = 2 * k + 1, r = l + 1, m = k;
        hent best = e;
        if (l < n && better(h[l], best))
            m = l, best = h[l];
        if (r < n && better(h[r], best))
            m = r;
        if (m == k)
            break;
        h[k] = h[m];
        k = m;
    }
    h[k] = e;
}

senda_status senda__solver_greedy(senda__solver *s, size_t max_sites, double target)
{
    const senda__cover *cv = s->cv;
    hent *h = senda__calloc(s->ctx, cv->n_cand ? cv->n_cand : 1, sizeof *h);
    if (!h)
        return SENDA_ERR_NOMEM;
    size_t n = 0;
    for (size_t j = 0; j < cv->n_cand; j++)
        if ((!s->elig || s->elig[j]) && !s->open[j])
            h[n++] = (hent){uncovered_of(s, j) - site_pen(s, j), (uint32_t)j};
    for (size_t k = n / 2; k-- > 0;)
        sift_down(h, n, k);
    senda_status st = SENDA_OK;
    while (n > 0 && s->n_sites < max_sites && s->covered < target) {
        hent top = h[0];
        top.gain = uncovered_of(s, top.j) - site_pen(s, top.j);
        h[0] = h[--n];
        if (n > 0)
            sift_down(h, n, 0);
        if (n == 0 || better(top, h[0])) {
            /* fresh gain beats every stale upper bound: the true best */
            if (!(top.gain > 0.0))
                break;
            if ((st = senda__solver_open(s, top.j)) != SENDA_OK)
                break;
            continue;
        }
        h[n++] = top; /* back in with its fresh gain: sift up */
        for (size_t k = n - 1; k > 0 && better(h[k], h[(k - 1) / 2]); k = (k - 1) / 2) {
            hent t = h[k];
            h[k] = h[(k - 1) / 2];
            h[(k - 1) / 2] = t;
        }
    }
    senda__free(h);
    return st;
}

/* The best swap for open site s_pos: fills *gain / *cand when one beats *gain. */
static void best_swap_for(senda__solver *s, size_t s_pos, const double *base, double *extra,
                          unsigned char *mark, uint32_t *touched, double *gain, size_t *out_pos,
                          size_t *out_cand)
{
    const senda__cover *cv = s->cv;
    size_t so = s->sites[s_pos], n_t = 0;
    double loss = 0.0;
    for (size_t k = cv->cand_ptr[so]; k < cv->cand_ptr[so + 1]; k++) {
        uint32_t i = cv->cand_dem[k];
        if (s->cnt[i] != 1 || !(s->w[i] > 0.0))
            continue;
        loss += s->w[i];
        for (size_t q = cv->dem_ptr[i]; q < cv->dem_ptr[i + 1]; q++) {
            uint32_t c = cv->dem_cand[q];
            if (s->open[c])
                continue;
            if (!mark[c]) {
                mark[c] = 1;
                touched[n_t++] = c;
            }
            extra[c] += s->w[i];
        }
    }
    double ps = site_pen(s, so);
    for (size_t c = 0; c < cv->n_cand; c++) {
        if (s->open[c] || (s->elig && !s->elig[c]))
            continue;
        double d = base[c] + extra[c] - loss - site_pen(s, c) + ps;
        if (d > *gain) {
            *gain = d;
            *out_pos = s_pos;
            *out_cand = c;
        }
    }
    for (size_t t = 0; t < n_t; t++) {
        extra[touched[t]] = 0.0;
        mark[touched[t]] = 0;
    }
}

senda_status senda__solver_swap(senda__solver *s, size_t *n_swaps, senda_progress_fn progress,
                                void *progress_arg)
{
    const senda__cover *cv = s->cv;
    size_t nc = cv->n_cand ? cv->n_cand : 1;
    senda_status st = SENDA_OK;
    double *base = senda__calloc(s->ctx, nc, sizeof *base);
    double *extra = senda__calloc(s->ctx, nc, sizeof *extra);
    unsigned char *mark = senda__calloc(s->ctx, nc, 1);
    uint32_t *touched = senda__calloc(s->ctx, nc, sizeof *touched);
    if (!base || !extra || !mark || !touched) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t sweep = 0;; sweep++) {
        if (!senda__progress(s->ctx, progress, progress_arg, 1.0 - 1.0 / (double)(sweep + 1),
                             "swap search")) {
            st = SENDA_ERR_CANCELLED;
            goto done;
        }
        for (size_t c = 0; c < cv->n_cand; c++)
            base[c] = s->open[c] ? 0.0 : uncovered_of(s, c);
        double gain = s->tol;
        size_t pos = SIZE_MAX, cand = 0;
        for (size_t k = 0; k < s->n_sites; k++)
            best_swap_for(s, k, base, extra, mark, touched, &gain, &pos, &cand);
        if (pos == SIZE_MAX)
            break;
        toggle(s, s->sites[pos], 0);
        toggle(s, cand, 1);
        s->sites[pos] = cand;
        (*n_swaps)++;
    }
done:
    senda__free(base);
    senda__free(extra);
    senda__free(mark);
    senda__free(touched);
    return st;
}

senda_status senda__solver_rank(senda__solver *s, size_t *order, double *marginal)
{
    const senda__cover *cv = s->cv;
    uint32_t *cnt = senda__calloc(s->ctx, cv->n_dem ? cv->n_dem : 1, sizeof *cnt);
    unsigned char *used = senda__calloc(s->ctx, s->n_sites ? s->n_sites : 1, 1);
    if (!cnt || !used) {
        senda__free(cnt);
        senda__free(used);
        return SENDA_ERR_NOMEM;
    }
    for (size_t r = 0; r < s->n_sites; r++) {
        size_t best = SIZE_MAX;
        double best_g = -1.0;
        for (size_t k = 0; k < s->n_sites; k++) {
            if (used[k])
                continue;
            size_t j = s->sites[k];
            double g = 0.0;
            for (size_t q = cv->cand_ptr[j]; q < cv->cand_ptr[j + 1]; q++)
                if (cnt[cv->cand_dem[q]] == 0)
                    g += s->w[cv->cand_dem[q]];
            if (g > best_g || (!(g < best_g) && j < s->sites[best]))
                best = k, best_g = g;
        }
        used[best] = 1;
        size_t j = s->sites[best];
        for (size_t q = cv->cand_ptr[j]; q < cv->cand_ptr[j + 1]; q++)
            cnt[cv->cand_dem[q]]++;
        order[r] = j;
        marginal[r] = best_g;
    }
    senda__free(cnt);
    senda__free(used);
    return SENDA_OK;
}
