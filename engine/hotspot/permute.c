/*
 * permute.c - conditional permutation inference for Gi* (Anselin 1995,
 * section 4; PySAL esda G_Local's p_sim): for cell i with W_i cells in its
 * band (itself included), its own value stays and the W_i - 1 neighbour
 * values are drawn without replacement from the other n - 1 cells of the
 * set, n_perm times; with `larger` the draws whose local sum is >= the
 * observed one, the folded pseudo p is (min(larger, n_perm - larger) + 1) /
 * (n_perm + 1).
 * Random numbers: splitmix64, one stream per (seed, cell index) mixed by
 * core/rng.c (neighbouring seeds and cells are independent), so results do
 * not depend on the number of threads. Draws use a partial Fisher-Yates on
 * a per-thread index array, undone after each draw, O(W_i) per permutation.
 * Complexity O(n * n_perm * W); memory one index array of n per thread.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "hotspot/hotspot_int.h"

typedef struct perm_job {
    const double *vals;    /* values of the set's cells, compacted */
    const size_t *cell_of; /* compact index -> cell */
    size_t n;
    const double *local_sum;
    const int32_t *n_nb;
    int n_perm;
    uint64_t seed;
    double *p_sim;
    atomic_size_t next;
    atomic_int stop;
    size_t **idx;
} perm_job;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, m): 53 random bits scaled (bias below m / 2^53). */
static size_t draw(uint64_t *s, size_t m)
{
    double u = (double)(splitmix(s) >> 11) * 0x1.0p-53;
    size_t r = (size_t)(u * (double)m);
    return r < m ? r : m - 1;
}

static void one_cell(perm_job *j, size_t *idx, size_t ci)
{
    size_t *swaps = idx + j->n;
    size_t cell = j->cell_of[ci], k = (size_t)j->n_nb[cell] - 1, n = j->n;
    double obs = j->local_sum[cell], own = j->vals[ci];
    uint64_t s = senda__rng_seed(j->seed, (uint64_t)ci);
    long larger = 0;
    for (int p = 0; p < j->n_perm; p++) {
        double sum = own;
        /* partial Fisher-Yates over all n, skipping ci, then undone so
         * every draw starts from the identity (thread-independent) */
        size_t t = 0;
        for (size_t got = 0; got < k && t < n; t++) {
            size_t r = t + draw(&s, n - t);
            size_t a = idx[t];
            idx[t] = idx[r];
            idx[r] = a;
            swaps[t] = r;
            if (idx[t] == ci)
                continue;
            sum += j->vals[idx[t]];
            got++;
        }
        while (t-- > 0) {
            size_t a = idx[t];
            idx[t] = idx[swaps[t]];
            idx[swaps[t]] = a;
        }
        larger += sum >= obs - 1e-12 * fabs(obs);
    }
    if ((long)j->n_perm - larger < larger)
        larger = (long)j->n_perm - larger;
    j->p_sim[cell] = (double)(larger + 1) / (double)(j->n_perm + 1);
}

typedef struct pw {
    perm_job *j;
    int tid;
} pw;

static void *perm_worker(void *arg)
{
    pw *w = arg;
    size_t c;
    while (!atomic_load(&w->j->stop) && (c = atomic_fetch_add(&w->j->next, 1)) < w->j->n)
        one_cell(w->j, w->j->idx[w->tid], c);
    return NULL;
}

senda_status senda__hotspot_permute(senda_ctx *ctx, const senda__lattice *l, double band_m,
                                    const double *val, const unsigned char *in_set,
                                    const double *local_sum, const int32_t *n_nb, int n_perm,
                                    uint64_t seed, int n_threads, double *p_sim,
                                    senda_progress_fn progress, void *progress_arg)
{
    (void)band_m;
    size_t n_cells = l->n_rows * l->n_cols, n = 0;
    for (size_t i = 0; i < n_cells; i++) {
        p_sim[i] = (double)NAN;
        n += in_set[i];
    }
    perm_job j;
    memset(&j, 0, sizeof j);
    double *vals = senda__calloc(ctx, n, sizeof *vals);
    size_t *cell_of = vals ? senda__calloc(ctx, n, sizeof *cell_of) : NULL;
    j.idx = cell_of ? senda__calloc(ctx, (size_t)n_threads, sizeof *j.idx) : NULL;
    senda_status st = j.idx ? SENDA_OK : SENDA_ERR_NOMEM;
    for (int t = 0; st == SENDA_OK && t < n_threads; t++)
        if (!(j.idx[t] = senda__calloc(ctx, 2 * n, sizeof(size_t))))
            st = SENDA_ERR_NOMEM;
    if (st != SENDA_OK)
        goto done;
    for (size_t i = 0, m = 0; i < n_cells; i++)
        if (in_set[i]) {
            vals[m] = val[i];
            cell_of[m++] = i;
        }
    for (int t = 0; t < n_threads; t++)
        for (size_t i = 0; i < n; i++)
            j.idx[t][i] = i;
    j.vals = vals;
    j.cell_of = cell_of;
    j.n = n;
    j.local_sum = local_sum;
    j.n_nb = n_nb;
    j.n_perm = n_perm;
    j.seed = seed;
    j.p_sim = p_sim;
    atomic_init(&j.next, 0);
    atomic_init(&j.stop, 0);
    pthread_t tids[256];
    pw args[256];
    int started = 0;
    for (int t = 1; t < n_threads; t++) {
        args[t] = (pw){&j, t};
        if (pthread_create(&tids[t], NULL, perm_worker, &args[t]) != 0)
            break;
        started++;
    }
    size_t c, step = n / 50 + 1;
    while ((c = atomic_fetch_add(&j.next, 1)) < n) {
        one_cell(&j, j.idx[0], c);
        if (c % step == 0 &&
            !senda__progress(ctx, progress, progress_arg, (double)c / (double)n, NULL)) {
            atomic_store(&j.stop, 1);
            st = SENDA_ERR_CANCELLED;
            break;
        }
    }
    for (int t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
done:
    for (int t = 0; j.idx && t < n_threads; t++)
        senda__free(j.idx[t]);
    senda__free(j.idx);
    senda__free(vals);
    senda__free(cell_of);
    return st;
}
