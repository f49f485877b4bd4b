/*
 * audit.c - what an attacker can infer from public files taken together.
 *
 * Each release lists its figures (senda publish writes them into the
 * manifest): a figure is the sum of one measure (incidents, victims,
 * women_count, minors_count) over a set of atoms in one dimension (units,
 * periods or types) and the release's whole universe in the other two (its
 * filters). The finest cells any attacker can address are the classes of
 * (unit, period, type) atoms that lie in exactly the same figures; a figure
 * of 0 forces its cells to 0. With one nonnegative variable per class and a
 * constraint per figure (= value, or <= k-1 for a figure withheld as
 * "fewer than k"), linear programs (GLPK simplex, the basis kept from one
 * objective to the next) bound
 *   - every class,
 *   - every difference A \ B of figures of different releases with B inside
 *     A (a month more, one type less), and
 *   - every figure minus the figures of another release that lie inside it;
 * a target whose maximum is 1..k-1 and whose minimum is >= 1 (after rounding
 * the LP bounds inwards to integers) is a disclosure. The LP relaxation
 * bounds contain the integer ones, so a target reported safe here is safe
 * for integer attacks too. Releases whose figures cannot all hold for one
 * set of reports (the data changed between them: reports added to months
 * both cover) are reported as such - each figure of the same unit whose
 * value moved by 1..k-1, else the pair - since the bounds assume one set of
 * reports. Differences of three or more releases' figures
 * beyond these targets are not enumerated (they are linear combinations the
 * class bounds already limit). Complexity: one LP per target, O(c) columns
 * per pivot for c classes.
 */
#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "privacy/privacy_int.h"

static const char *const measures[] = {"incidents", "victims", "women_count", "minors_count"};
static const char *const dims[] = {"u", "p", "t"};

typedef struct {
    json_object *fig;
    size_t release;
    int dim;
    int zero, withheld;
    long value;
} fig;

typedef struct {
    char **code;
    size_t n, cap;
} dict;

static long dict_find(const dict *d, const char *s)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->code[i], s) == 0)
            return (long)i;
    return -1;
}

static long dict_add(senda_ctx *ctx, dict *d, const char *s)
{
    long i = dict_find(d, s);
    if (i >= 0)
        return i;
    if (d->n == d->cap) {
        size_t c = d->cap ? 2 * d->cap : 64;
        char **nc = senda__realloc(ctx, d->code, c * sizeof *nc);
        if (!nc)
            return -1;
        d->code = nc;
        d->cap = c;
    }
    d->code[d->n] = senda__strdup(ctx, s);
    return d->code[d->n] ? (long)d->n++ : -1;
}

static void dict_free(dict *d)
{
    for (size_t i = 0; i < d->n; i++)
        senda__free(d->code[i]);
    senda__free(d->code);
}

static const dict *sort_dict;
static int cmp_idx(const void *a, const void *b)
{
    return strcmp(sort_dict->code[*(const size_t *)a], sort_dict->code[*(const size_t *)b]);
}

/* in[x] = 1 for every code of the JSON array arr (idx: d's codes sorted) */
static void mark(const dict *d, const size_t *idx, json_object *arr, unsigned char *in)
{
    size_t n = arr ? json_object_array_length(arr) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *code = json_object_get_string(json_object_array_get_idx(arr, i));
        size_t lo = 0, hi = d->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp(d->code[idx[mid]], code);
            if (c == 0) {
                in[idx[mid]] = 1;
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

#define W(nf) (((nf) + 63) / 64)
#define BIT(v, i) (((v)[(i) / 64] >> ((i) % 64)) & 1u)

#define N_SOL 32

typedef struct {
    senda_ctx *ctx;
    glp_prob *lp;
    double *sol;   /* N_SOL feasible solutions, (columns + 1) each */
    size_t n_sol;
    long k;
    senda__disclosure *found;
    size_t n_found, cap_found;
} auditor;

static senda_status report(auditor *A, const char *measure, const char *what, long lo, long hi,
                           const char *release)
{
    if (A->n_found == A->cap_found) {
        size_t c = A->cap_found ? 2 * A->cap_found : 16;
        senda__disclosure *n = senda__realloc(A->ctx, A->found, c * sizeof *n);
        if (!n)
            return SENDA_ERR_NOMEM;
        A->found = n;
        A->cap_found = c;
    }
    senda__disclosure *d = &A->found[A->n_found++];
    snprintf(d->what, sizeof d->what, "%s", what);
    snprintf(d->measure, sizeof d->measure, "%s", measure);
    snprintf(d->release, sizeof d->release, "%s", release ? release : "");
    d->lo = lo;
    d->hi = hi;
    return SENDA_OK;
}

/* Keep the primal solution of the last solve among the certificates. */
static void keep_solution(auditor *A, int n_cols)
{
    double *x = A->sol + (size_t)(A->n_sol % N_SOL) * (size_t)(n_cols + 1);
    for (int j = 1; j <= n_cols; j++)
        x[j] = glp_get_col_prim(A->lp, j);
    A->n_sol++;
}

/* Bound the sum of the columns flagged in sel (1-based GLPK columns);
 * returns 1 when [lo, hi] lies in 1..k-1. A feasible solution already found
 * in which the sum is 0 (so lo = 0) or >= k (so hi >= k) settles it without
 * a solve: one basic solution has at most as many nonzero columns as there
 * are figures, so most targets never need their own linear program. */
static int bound(auditor *A, const unsigned char *sel, int n_cols, long *lo, long *hi)
{
    size_t have = A->n_sol < N_SOL ? A->n_sol : N_SOL;
    for (size_t s = 0; s < have; s++) {
        const double *x = A->sol + s * (size_t)(n_cols + 1);
        double sum = 0;
        for (int j = 1; j <= n_cols; j++)
            if (sel[j])
                sum += x[j];
        if (sum <= 1e-6 || sum >= (double)A->k - 1e-6)
            return 0;
    }
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    for (int j = 1; j <= n_cols; j++)
        glp_set_obj_coef(A->lp, j, sel[j] ? 1.0 : 0.0);
    glp_set_obj_dir(A->lp, GLP_MAX);
    if (glp_simplex(A->lp, &parm) != 0 || glp_get_status(A->lp) != GLP_OPT)
        return 0; /* unbounded: not inferable */
    keep_solution(A, n_cols);
    double h = glp_get_obj_val(A->lp);
    *hi = (long)floor(h + 1e-6);
    if (*hi < 1 || *hi >= A->k)
        return 0;
    glp_set_obj_dir(A->lp, GLP_MIN);
    if (glp_simplex(A->lp, &parm) != 0 || glp_get_status(A->lp) != GLP_OPT)
        return 0;
    keep_solution(A, n_cols);
    *lo = (long)ceil(glp_get_obj_val(A->lp) - 1e-6);
    return *lo >= 1;
}

/* 1 when the figures' constraints have a solution (one set of reports). */
static int feasible(glp_prob *lp, int n_cols)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    for (int j = 1; j <= n_cols; j++)
        glp_set_obj_coef(lp, j, 0.0);
    return glp_simplex(lp, &parm) == 0 && glp_get_status(lp) == GLP_OPT;
}

static senda_status audit_measure(auditor *A, json_object *const *rel, size_t n_rel,
                                  const char *measure)
{
    senda_ctx *ctx = A->ctx;
    senda_status st = SENDA_OK;
    fig *F = NULL;
    size_t nf = 0, cap = 0;
    dict D[3] = {{0}};
    uint64_t *sig[3] = {NULL, NULL, NULL};
    long *cls[3] = {NULL, NULL, NULL};
    size_t ncls[3] = {0, 0, 0};
    uint64_t *cols = NULL;
    size_t ncol = 0;
    int *ia = NULL, *ja = NULL;
    double *ar = NULL;
    unsigned char *sel = NULL;
    char (*colname)[160] = NULL;
    for (size_t r = 0; r < n_rel; r++) {
        json_object *figs = get(rel[r], "figures"), *uni = get(rel[r], "universe");
        for (int d = 0; d < 3; d++) {
            json_object *arr = uni ? get(uni, dims[d]) : NULL;
            for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
                json_object *code = json_object_array_get_idx(arr, i);
                if (dict_add(ctx, &D[d], json_object_get_string(code)) < 0) {
                    st = SENDA_ERR_NOMEM; /* through done: the dictionaries are freed */
                    goto done;
                }
            }
        }
        for (size_t i = 0; figs && i < json_object_array_length(figs); i++) {
            json_object *f = json_object_array_get_idx(figs, i);
            json_object *m = get(f, "m"), *v = get(f, "v"), *dd = get(f, "d");
            if (!m || strcmp(json_object_get_string(m), measure) != 0 || !dd)
                continue;
            fig *nF = senda__grow(ctx, F, nf, &cap, sizeof *nF, 64);
            if (!nF) {
                st = SENDA_ERR_NOMEM;
                goto done;
            }
            F = nF;
            fig *x = &F[nf++];
            x->fig = f;
            x->release = r;
            x->dim = json_object_get_string(dd)[0] == 'u' ? 0
                     : json_object_get_string(dd)[0] == 'p' ? 1 : 2;
            x->withheld = !v || json_object_is_type(v, json_type_null);
            x->value = x->withheld ? A->k - 1 : json_object_get_int64(v);
            x->zero = !x->withheld && x->value == 0;
        }
    }
    if (!nf)
        goto done;
    size_t w = W(nf);
    /* per dimension: each value's signature over the figures, then classes */
    for (int d = 0; d < 3; d++) {
        sig[d] = senda__calloc(ctx, (D[d].n ? D[d].n : 1) * w, sizeof *sig[d]);
        cls[d] = senda__calloc(ctx, D[d].n ? D[d].n : 1, sizeof *cls[d]);
        if (!sig[d] || !cls[d]) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        /* codes sorted for lookups */
        size_t *idx = senda__calloc(ctx, D[d].n ? D[d].n : 1, sizeof *idx);
        unsigned char *inu = senda__calloc(ctx, D[d].n ? D[d].n : 1, 1);
        if (!idx || !inu) {
            senda__free(idx);
            senda__free(inu);
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        for (size_t x = 0; x < D[d].n; x++)
            idx[x] = x;
        sort_dict = &D[d];
        qsort(idx, D[d].n, sizeof *idx, cmp_idx);
        for (size_t r = 0; r < n_rel; r++) {
            memset(inu, 0, D[d].n);
            mark(&D[d], idx, get(get(rel[r], "universe"), dims[d]), inu);
            for (size_t f = 0; f < nf; f++) {
                if (F[f].release != r)
                    continue;
                unsigned char *in = inu;
                unsigned char *own = NULL;
                if (F[f].dim == d) {
                    own = senda__calloc(ctx, D[d].n ? D[d].n : 1, 1);
                    if (!own) {
                        senda__free(idx);
                        senda__free(inu);
                        st = SENDA_ERR_NOMEM;
                        goto done;
                    }
                    mark(&D[d], idx, get(F[f].fig, "a"), own);
                    in = own;
                }
                for (size_t x = 0; x < D[d].n; x++)
                    if (in[x])
                        sig[d][x * w + f / 64] |= (uint64_t)1 << (f % 64);
                senda__free(own);
            }
        }
        senda__free(idx);
        senda__free(inu);
        /* class = first value with the same signature */
        for (size_t x = 0; x < D[d].n; x++) {
            cls[d][x] = (long)x;
            for (size_t y = 0; y < x; y++)
                if (cls[d][y] == (long)y && memcmp(&sig[d][x * w], &sig[d][y * w], w * 8) == 0) {
                    cls[d][x] = (long)y;
                    break;
                }
            ncls[d] += cls[d][x] == (long)x;
        }
    }
    /* product classes: distinct nonzero membership vectors not forced to 0 */
    size_t capc = 0;
    uint64_t *tmpv = senda__calloc(ctx, w, sizeof *tmpv);
    if (!tmpv) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t u = 0; u < D[0].n; u++) {
        if (cls[0][u] != (long)u)
            continue;
        for (size_t p = 0; p < D[1].n; p++) {
            if (cls[1][p] != (long)p)
                continue;
            for (size_t t = 0; t < D[2].n; t++) {
                if (cls[2][t] != (long)t)
                    continue;
                int any = 0, zero = 0;
                for (size_t i = 0; i < w; i++) {
                    tmpv[i] = sig[0][u * w + i] & sig[1][p * w + i] & sig[2][t * w + i];
                    any |= tmpv[i] != 0;
                }
                for (size_t f = 0; any && f < nf && !zero; f++)
                    zero = F[f].zero && BIT(tmpv, f);
                if (!any || zero)
                    continue;
                size_t c;
                for (c = 0; c < ncol; c++)
                    if (memcmp(&cols[c * w], tmpv, w * 8) == 0)
                        break;
                if (c < ncol)
                    continue;
                if (ncol == capc) {
                    capc = capc ? 2 * capc : 256;
                    uint64_t *nc = senda__realloc(ctx, cols, capc * w * sizeof *nc);
                    char(*nn)[160] = senda__realloc(ctx, colname, capc * sizeof *nn);
                    if (nc)
                        cols = nc;
                    if (nn)
                        colname = nn;
                    if (!nc || !nn) {
                        senda__free(tmpv);
                        st = SENDA_ERR_NOMEM;
                        goto done;
                    }
                }
                memcpy(&cols[ncol * w], tmpv, w * 8);
                snprintf(colname[ncol], sizeof colname[0], "%s / %s / %s", D[0].code[u],
                         D[1].code[p], D[2].code[t]);
                ncol++;
            }
        }
    }
    senda__free(tmpv);
    if (!ncol)
        goto done;
    /* the LP: rows = figures, columns = classes */
    glp_prob *lp = glp_create_prob();
    A->lp = lp;
    glp_add_rows(lp, (int)nf);
    glp_add_cols(lp, (int)ncol);
    size_t nnz = 0;
    for (size_t c = 0; c < ncol; c++)
        for (size_t f = 0; f < nf; f++)
            nnz += BIT(&cols[c * w], f);
    ia = senda__calloc(ctx, nnz + 1, sizeof *ia);
    ja = senda__calloc(ctx, nnz + 1, sizeof *ja);
    ar = senda__calloc(ctx, nnz + 1, sizeof *ar);
    sel = senda__calloc(ctx, ncol + 1, 1);
    A->sol = senda__calloc(ctx, N_SOL * (ncol + 1), sizeof *A->sol);
    A->n_sol = 0;
    if (!ia || !ja || !ar || !sel || !A->sol) {
        st = SENDA_ERR_NOMEM;
        goto lpdone;
    }
    for (size_t f = 0; f < nf; f++) {
        if (F[f].zero)
            glp_set_row_bnds(lp, (int)f + 1, GLP_FR, 0, 0); /* its cells are gone */
        else if (F[f].withheld)
            glp_set_row_bnds(lp, (int)f + 1, GLP_DB, 0, (double)(A->k - 1));
        else
            glp_set_row_bnds(lp, (int)f + 1, GLP_FX, (double)F[f].value, (double)F[f].value);
    }
    size_t e = 0;
    for (size_t c = 0; c < ncol; c++) {
        glp_set_col_bnds(lp, (int)c + 1, GLP_LO, 0, 0);
        for (size_t f = 0; f < nf; f++)
            if (BIT(&cols[c * w], f)) {
                e++;
                ia[e] = (int)f + 1;
                ja[e] = (int)c + 1;
                ar[e] = 1.0;
            }
    }
    glp_load_matrix(lp, (int)nnz, ia, ja, ar);
    long lo, hi;
    char what[512];
    if (n_rel > 1 && !feasible(lp, (int)ncol)) {
        /* the releases contradict each other: their data differ in atoms both
         * cover (reports added or corrected since, a run filtered otherwise).
         * The bounds below assume one set of reports: name what changed. */
        size_t before = A->n_found;
        for (size_t a = 0; a < nf; a++)
            for (size_t b = a + 1; b < nf; b++) {
                if (F[a].release == F[b].release || F[a].withheld || F[b].withheld ||
                    strcmp(json_object_get_string(get(F[a].fig, "tab")),
                           json_object_get_string(get(F[b].fig, "tab"))) != 0 ||
                    strcmp(json_object_get_string(get(F[a].fig, "label")),
                           json_object_get_string(get(F[b].fig, "label"))) != 0)
                    continue;
                long d = labs(F[a].value - F[b].value);
                if (d < 1 || d >= A->k)
                    continue;
                size_t other = F[a].release ? F[a].release : F[b].release;
                snprintf(what, sizeof what, "%s '%s' changed from %ld in release %s to %ld "
                         "in release %s (the data changed between them)",
                         json_object_get_string(get(F[a].fig, "tab")),
                         json_object_get_string(get(F[a].fig, "label")), F[a].value,
                         json_object_get_string(get(rel[F[a].release], "release")),
                         F[b].value, json_object_get_string(get(rel[F[b].release], "release")));
                if ((st = report(A, measure, what, d, d,
                                 json_object_get_string(get(rel[other], "release")))))
                    goto lpdone;
            }
        if (A->n_found == before) {
            snprintf(what, sizeof what, "the figures of releases %s and %s cannot hold for "
                     "one set of reports (the data changed between them in months and types "
                     "both cover); their differences may show the reports that changed",
                     json_object_get_string(get(rel[0], "release")),
                     json_object_get_string(get(rel[1], "release")));
            st = report(A, measure, what, 1, A->k - 1,
                        json_object_get_string(get(rel[1], "release")));
        }
        goto lpdone;
    }
    /* every class */
    for (size_t c = 0; c < ncol; c++) {
        memset(sel, 0, ncol + 1);
        sel[c + 1] = 1;
        if (bound(A, sel, (int)ncol, &lo, &hi)) {
            snprintf(what, sizeof what, "the cell %s (unit / period / type)", colname[c]);
            if ((st = report(A, measure, what, lo, hi, NULL)))
                goto lpdone;
        }
    }
    /* differences across releases */
    for (size_t a = 0; a < nf; a++) {
        if (F[a].zero)
            continue;
        for (size_t r = 0; r < n_rel; r++) {
            if (r == F[a].release)
                continue;
            /* columns of a, minus those of the figures of release r inside a */
            memset(sel, 0, ncol + 1);
            size_t in_a = 0;
            for (size_t c = 0; c < ncol; c++)
                if (BIT(&cols[c * w], a))
                    sel[c + 1] = 1, in_a++;
            size_t removed = 0;
            const char *blabel = NULL;
            size_t n_inside = 0;
            for (size_t b = 0; b < nf; b++) {
                if (F[b].release != r || F[b].withheld)
                    continue;
                int inside = 1, anyb = 0;
                for (size_t c = 0; c < ncol && inside; c++)
                    if (BIT(&cols[c * w], b)) {
                        anyb = 1;
                        inside = BIT(&cols[c * w], a);
                    }
                if (!inside || !anyb)
                    continue;
                n_inside++;
                blabel = json_object_get_string(get(F[b].fig, "label"));
                /* the pair a \ b alone */
                unsigned char *one = senda__calloc(ctx, ncol + 1, 1);
                if (!one) {
                    st = SENDA_ERR_NOMEM;
                    goto lpdone;
                }
                size_t n_one = 0;
                for (size_t c = 0; c < ncol; c++)
                    if (BIT(&cols[c * w], a) && !BIT(&cols[c * w], b))
                        one[c + 1] = 1, n_one++;
                int bad = n_one && bound(A, one, (int)ncol, &lo, &hi);
                senda__free(one);
                if (bad) {
                    snprintf(what, sizeof what, "%s '%s' of release %s minus %s '%s' of "
                             "release %s",
                             json_object_get_string(get(F[a].fig, "tab")),
                             json_object_get_string(get(F[a].fig, "label")),
                             json_object_get_string(get(rel[F[a].release], "release")),
                             json_object_get_string(get(F[b].fig, "tab")), blabel,
                             json_object_get_string(get(rel[r], "release")));
                    if ((st = report(A, measure, what, lo, hi,
                                     json_object_get_string(
                                         get(rel[F[a].release ? F[a].release : r], "release")))))
                        goto lpdone;
                }
                for (size_t c = 0; c < ncol; c++)
                    if (BIT(&cols[c * w], b) && sel[c + 1])
                        sel[c + 1] = 0, removed++;
            }
            if (n_inside > 1 && removed < in_a && bound(A, sel, (int)ncol, &lo, &hi)) {
                snprintf(what, sizeof what, "%s '%s' of release %s minus the %zu figures of "
                         "release %s inside it",
                         json_object_get_string(get(F[a].fig, "tab")),
                         json_object_get_string(get(F[a].fig, "label")),
                         json_object_get_string(get(rel[F[a].release], "release")), n_inside,
                         json_object_get_string(get(rel[r], "release")));
                if ((st = report(A, measure, what, lo, hi,
                                 json_object_get_string(
                                     get(rel[F[a].release ? F[a].release : r], "release")))))
                    goto lpdone;
            }
        }
    }
lpdone:
    glp_delete_prob(lp);
    A->lp = NULL;
    senda__free(A->sol);
    A->sol = NULL;
done:
    for (int d = 0; d < 3; d++) {
        dict_free(&D[d]);
        senda__free(sig[d]);
        senda__free(cls[d]);
    }
    senda__free(F);
    senda__free(cols);
    senda__free(colname);
    senda__free(ia);
    senda__free(ja);
    senda__free(ar);
    senda__free(sel);
    return st;
}

senda_status senda__audit(senda_ctx *ctx, json_object *const *releases, size_t n, long k,
                          senda__disclosure **found, size_t *n_found)
{
    auditor A;
    memset(&A, 0, sizeof A);
    A.ctx = ctx;
    A.k = k;
    glp_term_out(GLP_OFF);
    senda_status st = SENDA_OK;
    for (size_t m = 0; m < sizeof measures / sizeof measures[0] && !st; m++)
        st = audit_measure(&A, releases, n, measures[m]);
    if (st) {
        senda__free(A.found);
        A.found = NULL;
        A.n_found = 0;
    }
    *found = A.found;
    *n_found = A.n_found;
    return st;
}

senda_status senda__audit_read(senda_ctx *ctx, const char *path, json_object **doc)
{
    *doc = NULL;
    senda__gdal_register();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open as a GeoPackage", path);
    OGRLayerH lyr = GDALDatasetGetLayerByName(ds, "publish_manifest");
    senda_status st = SENDA_OK;
    if (!lyr) {
        GDALClose(ds);
        return senda__fail(ctx, SENDA_ERR_DATA,
                           "%s: no publish_manifest table (not a file senda publish wrote)", path);
    }
    OGRFeatureH f;
    OGR_L_ResetReading(lyr);
    int fk = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "item"),
        fv = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "value");
    while (fk >= 0 && fv >= 0 && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        if (!*doc && strcmp(OGR_F_GetFieldAsString(f, fk), "figures") == 0)
            *doc = json_tokener_parse(OGR_F_GetFieldAsString(f, fv));
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (!*doc)
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: publish_manifest has no readable figures",
                         path);
    return st;
}
