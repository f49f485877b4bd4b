/*
 * runall.c - the batch driver: the scenarios of a file, `jobs` at a time.
 *
 * A fixed pool of min(jobs, selected) POSIX threads takes scenarios in file
 * order from a shared counter (a work queue as make -j does it); each
 * thread has its own senda_ctx (GEOS, PROJ and GDAL error state are per
 * context / per thread, see STYLE.md section 4; GDAL's drivers are
 * registered once before the threads start, as GDAL requires). Without keep_going the
 * first failure raises a stop flag: no further scenario starts (ran = 0)
 * and the running ones are cancelled through their progress callbacks
 * (status SENDA_ERR_CANCELLED, their outputs untouched). With keep_going
 * every selected scenario runs. The caller's progress is the mean of the
 * scenarios' fractions, reported under a mutex (GDALTermProgress is not
 * thread-safe) and only when it grows; a 0 from it stops everything.
 * Warnings of the workers reach the caller's log callback, prefixed with
 * the scenario name, under the same mutex. Memory: one result per scenario
 * plus the running scenarios' own.
 */
#include <gdal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"

typedef struct pool {
    senda_ctx *parent;
    const senda_scenario_set *set;
    const senda_scenario_run_opts *opts;
    senda_scenario_run_result *results;
    unsigned char *selected;
    double *frac;          /* per scenario, 0..1 */
    size_t n, n_selected, next;
    double reported;       /* last fraction given to the caller */
    int stop;              /* a failure without keep_going, or the caller cancelled */
    int cancelled;         /* the caller's progress returned 0 */
    size_t active;         /* worker threads still running */
    pthread_mutex_t mu;
    pthread_cond_t changed; /* a fraction moved or a worker ended */
} pool;

typedef struct worker_arg {
    pool *p;
    size_t index;          /* the scenario running */
    senda_ctx *ctx;
} worker_arg;

static void worker_log(int level, const char *message, void *arg)
{
    worker_arg *w = arg;
    pool *p = w->p;
    char buf[SENDA_ERRMSG_LEN + 80];
    snprintf(buf, sizeof buf, "%s: %s", senda_scenario_at(p->set, w->index)->name, message);
    pthread_mutex_lock(&p->mu);
    if (p->parent->log)
        p->parent->log(level, buf, p->parent->log_arg);
    pthread_mutex_unlock(&p->mu);
}

/* A worker's progress: record the scenario's fraction and wake the caller's
 * thread, which reports the mean; 0 once the pool is stopping. */
static int forward_progress(double complete, const char *message, void *arg)
{
    (void)message;
    worker_arg *w = arg;
    pool *p = w->p;
    pthread_mutex_lock(&p->mu);
    p->frac[w->index] = complete;
    pthread_cond_signal(&p->changed);
    int go = !p->stop;
    pthread_mutex_unlock(&p->mu);
    return go;
}

static void *worker(void *arg)
{
    pool *p = arg;
    worker_arg w = {p, 0, NULL};
    if (senda_ctx_create(&w.ctx) != SENDA_OK)
        w.ctx = NULL;
    if (w.ctx)
        senda_ctx_set_log(w.ctx, worker_log, &w);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->next < p->n && !p->selected[p->next])
            p->next++;
        size_t i = p->next;
        int go = i < p->n && !p->stop;
        if (go)
            p->next++;
        pthread_mutex_unlock(&p->mu);
        if (!go)
            break;
        w.index = i;
        senda_scenario_run_result *r = &p->results[i];
        senda_status st;
        if (!w.ctx) {
            memset(r, 0, sizeof *r);
            snprintf(r->name, sizeof r->name, "%s", senda_scenario_at(p->set, i)->name);
            r->ran = 1;
            r->status = st = SENDA_ERR_NOMEM;
            snprintf(r->error, sizeof r->error, "cannot create a context for the scenario");
        } else {
            st = senda_scenario_run(w.ctx, senda_scenario_at(p->set, i),
                                    senda_scenario_text(p->set), p->opts, r, forward_progress,
                                    &w);
        }
        pthread_mutex_lock(&p->mu);
        p->frac[i] = 1.0;
        if (st != SENDA_OK && st != SENDA_ERR_CANCELLED && !p->opts->keep_going)
            p->stop = 1;
        pthread_mutex_unlock(&p->mu);
    }
    senda_ctx_destroy(w.ctx);
    pthread_mutex_lock(&p->mu);
    p->active--;
    pthread_cond_signal(&p->changed);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Mark the scenarios named in only (comma-separated); fails on an unknown name. */
static senda_status select_only(senda_ctx *ctx, const senda_scenario_set *set, const char *only,
                                unsigned char *sel, size_t n)
{
    if (!only) {
        memset(sel, 1, n);
        return SENDA_OK;
    }
    char buf[1024];
    senda__strlcpy(buf, only, sizeof buf);
    for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        size_t i = 0;
        while (i < n && strcmp(senda_scenario_at(set, i)->name, t) != 0)
            i++;
        if (i == n) {
            char names[512] = "";
            for (size_t j = 0; j < n; j++) {
                size_t used = strlen(names);
                snprintf(names + used, sizeof names - used, "%s%s", j ? ", " : "",
                         senda_scenario_at(set, j)->name);
            }
            return senda__fail(ctx, SENDA_ERR_ARG, "--only: no scenario named '%s' (the file "
                               "has: %s)", t, names);
        }
        sel[i] = 1;
    }
    return SENDA_OK;
}

senda_status senda_scenario_run_all(senda_ctx *ctx, const senda_scenario_set *set,
                                    const senda_scenario_run_opts *opts, senda_scenario_run_result **results,
                                    size_t *n_results, senda_progress_fn progress,
                                    void *progress_arg)
{
    senda__reset(ctx);
    if (!set || !results || !n_results)
        return senda__fail(ctx, SENDA_ERR_ARG, "set, results or n_results is NULL");
    *results = NULL;
    *n_results = 0;
    senda_scenario_run_opts dflt;
    senda_scenario_run_opts_init(&dflt);
    if (!opts)
        opts = &dflt;
    if (opts->jobs < 1 || opts->jobs > 16)
        return senda__fail(ctx, SENDA_ERR_ARG, "jobs must be 1..16, got %d", opts->jobs);
    size_t n = senda_scenario_count(set);
    senda_status st = SENDA_OK;
    pool p;
    memset(&p, 0, sizeof p);
    p.parent = ctx;
    p.set = set;
    p.opts = opts;
    p.n = n;
    pthread_t th[16];
    size_t n_threads = 0;
    p.results = senda__calloc(ctx, n ? n : 1, sizeof *p.results);
    p.selected = senda__calloc(ctx, n ? n : 1, 1);
    p.frac = senda__calloc(ctx, n ? n : 1, sizeof *p.frac);
    if (!p.results || !p.selected || !p.frac) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    if ((st = select_only(ctx, set, opts->only, p.selected, n)))
        goto done;
    for (size_t i = 0; i < n; i++) {
        const senda_scenario *sc = senda_scenario_at(set, i);
        snprintf(p.results[i].name, sizeof p.results[i].name, "%s", sc->name);
        snprintf(p.results[i].output, sizeof p.results[i].output, "%s", sc->output);
        p.n_selected += p.selected[i];
    }
    if (!senda__progress(ctx, progress, progress_arg, 0.0, NULL)) {
        st = SENDA_ERR_CANCELLED;
        goto done;
    }
    /* GDAL's driver registration is not thread-safe: do it before the threads */
    senda__gdal_register();
    if (pthread_mutex_init(&p.mu, NULL) != 0 || pthread_cond_init(&p.changed, NULL) != 0) {
        st = senda__fail(ctx, SENDA_ERR_INTERNAL, "cannot create a mutex");
        goto done;
    }
    size_t want = (size_t)opts->jobs < p.n_selected ? (size_t)opts->jobs : p.n_selected;
    p.active = want;
    for (; n_threads < want; n_threads++)
        if (pthread_create(&th[n_threads], NULL, worker, &p) != 0)
            break;
    /* Only the threads that did not start are taken off here: a started one
     * may already have finished and counted itself off (setting active to
     * n_threads then would wait for it forever). */
    pthread_mutex_lock(&p.mu);
    p.active -= want - n_threads;
    pthread_mutex_unlock(&p.mu);
    if (want && !n_threads) {
        p.active = 1; /* no thread could start: run them here */
        worker(&p);
    }
    /* The caller's progress runs on the caller's thread only. */
    pthread_mutex_lock(&p.mu);
    while (p.active) {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++)
            sum += p.selected[i] ? p.frac[i] : 0.0;
        double mean = sum / (double)p.n_selected;
        if (progress && !p.stop && mean > p.reported && mean < 1.0) {
            p.reported = mean;
            pthread_mutex_unlock(&p.mu);
            int go = progress(mean, NULL, progress_arg);
            pthread_mutex_lock(&p.mu);
            if (!go)
                p.stop = p.cancelled = 1;
        }
        if (p.active)
            pthread_cond_wait(&p.changed, &p.mu);
    }
    pthread_mutex_unlock(&p.mu);
    for (size_t i = 0; i < n_threads; i++)
        pthread_join(th[i], NULL);
    pthread_cond_destroy(&p.changed);
    pthread_mutex_destroy(&p.mu);
    size_t n_failed = 0, first = n;
    for (size_t i = 0; i < n; i++)
        if (p.results[i].ran && p.results[i].status != SENDA_OK) {
            n_failed++;
            if (first == n || (p.results[first].status == SENDA_ERR_CANCELLED &&
                               p.results[i].status != SENDA_ERR_CANCELLED))
                first = i;
        }
    if (p.cancelled) {
        st = senda__fail(ctx, SENDA_ERR_CANCELLED, "cancelled by the progress callback");
    } else if (n_failed) {
        st = senda__fail(ctx, p.results[first].status, "%zu of %zu scenarios failed: %s: %s",
                         n_failed, p.n_selected, p.results[first].name,
                         p.results[first].error);
    } else if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL)) {
        st = SENDA_ERR_CANCELLED;
    }
    *results = p.results;
    *n_results = n;
    p.results = NULL;
done:
    senda__free(p.results);
    senda__free(p.selected);
    senda__free(p.frac);
    return st;
}
