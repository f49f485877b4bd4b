/*
 * kde.c - kernel density estimation on a raster, evaluated at cell centres.
 *
 * Definition. For cell centre c and points p_i with weights w_i, radius r,
 * u = |c - p_i| / r, the value is  sum_i w_i * S * K(u)  over u <= 1, with the
 * kernel shapes K (Silverman 1986, Table 3.1, in two dimensions; Wand and
 * Jones 1995, p. 175):
 *   quartic (1-u^2)^2, triweight (1-u^2)^3, epanechnikov 1-u^2,
 *   triangular 1-u, uniform 1, gaussian exp(-u'^2/2) with u' = d / sigma,
 *   sigma = r/4, cut at d = r (GRASS v.kernel's gaussian: radius = 4 sigma).
 * The scale S per convention (--kde-scale):
 *   density (default): weighted incidents per km2, S = 1e6 * C_K / r^2 with
 *     the constants that make each kernel integrate to 1 over the plane:
 *     C = 3/pi quartic, 4/pi triweight, 2/pi epanechnikov, 3/pi triangular,
 *     1/pi uniform, and for the gaussian 1/(2 pi sigma^2 (1 - e^-8)) so that
 *     the kernel cut at 4 sigma still integrates to 1. The surface therefore
 *     integrates to the total weight (when the grid holds every kernel).
 *   grass: GRASS 8 v.kernel (vector/v.kernel/function.c): the same C_K / r^2
 *     per m2 (no 1e6), and the gaussian 1/(2 pi sigma^2) without the cut
 *     correction. v.kernel has no weights: give unit weights to compare.
 *   qgis-raw: QGIS "Heatmap (Kernel Density Estimation)", Raw output
 *     (qgskde.cpp): S = 1, i.e. sum w_i K(u). QGIS has no gaussian.
 *   qgis-scaled: QGIS Scaled output, C_K / r^2 per map unit2. QGIS 3.22's own
 *     quartic constant is 116/(5 pi r^2) * 15/16 where 16/(5 pi r^2) * 15/16
 *     = 3/(pi r^2) belongs (a typo: its Scaled quartic integrates to 7.25 x
 *     the weight); senda uses the correct 3/pi and does not reproduce it.
 * Placement: the value of cell (row, col) is always computed at its true
 * centre (x_min + (col+.5) h, y_max - (row+.5) h). QGIS 3.22 computes each
 * kernel's rows counted from the bottom and writes them counted from the top,
 * which mirrors each kernel's block of rows and moves it up to one pixel in
 * y; senda does not reproduce that (scripts/compare/hotspot shows that this
 * and the quartic constant are the only differences).
 * Cells at distance exactly r are included (d <= r), as both references do.
 *
 * Algorithm. Quartic, triweight, epanechnikov and uniform are polynomials
 * in d^2 = dx^2 + dy^2, so along one grid row a point adds a polynomial in
 * the column index u (degree 4, 6, 2, 0) over one run of columns. Each run is
 * recorded as its polynomial's coefficients added at the run's first column
 * and subtracted after its last one (a difference array); one pass of running
 * sums then evaluates every cell. A point therefore costs O(rows of its disk)
 * instead of O(rows^2). To keep the coefficients small (no cancellation), the
 * columns are cut into blocks of B >= kernel width columns, each polynomial
 * is expanded about its block's middle column, runs crossing a block edge are
 * split, and running sums restart at each block: |u| <= B/2 keeps every term
 * within (1 + B/2r)^(2m) <= 2^(2m) of the kernel's peak, so rounding stays
 * near 1e-16 * 2^(2m) * (runs in the block) of the peak: in kernel tails
 * (values 1e-5 of the peak) that is ~1e-9 relative, far inside the 1e-6 the
 * comparisons ask (tests/hotspot/test_kde.c checks 1e-8 against brute force). A running count of active runs makes cells
 * outside every kernel exactly 0. Triangular (1 - d/r, not polynomial in d^2)
 * and the gaussian (exponential) have no such exact shortcut and are summed
 * directly over the disk of cells.
 * Threads: rows are cut into bands of CHUNK rows taken from a shared counter
 * by n_threads threads (the caller's thread is one of them); each band has its
 * own difference arrays, and points are bucketed by row first (counting sort,
 * O(n)), so a band visits only the points within r of it.
 * Complexity: O(n * (2r/h + 1) + cells * deg) for polynomial kernels,
 * O(n * pi (r/h)^2 + cells) for the others. Memory: the grid, 2 arrays of n
 * for the buckets, and per thread CHUNK * (cols + 1) * (deg + 2) doubles.
 * Nodata: none; every cell gets a value (0 where no kernel reaches).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "hotspot/hotspot_int.h"

#define CHUNK 32
#define MAX_COEF 7

static const char *kernel_names[] = {"quartic", "triweight", "epanechnikov",
                                     "triangular", "uniform", "gaussian"};
static const char *scale_names[] = {"density", "qgis-raw", "qgis-scaled", "grass"};

void senda_kde_opts_init(senda_kde_opts *o)
{
    o->kernel = SENDA_KERNEL_QUARTIC;
    o->radius_m = 0.0;
    o->scale = SENDA_KDE_DENSITY;
    o->n_threads = 2;
}

int senda_kernel_from_name(const char *name, senda_kernel *out)
{
    for (int i = 0; name && i < 6; i++)
        if (strcmp(name, kernel_names[i]) == 0) {
            *out = (senda_kernel)i;
            return 0;
        }
    return -1;
}

int senda_kde_scale_from_name(const char *name, senda_kde_scale *out)
{
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, scale_names[i]) == 0) {
            *out = (senda_kde_scale)i;
            return 0;
        }
    return -1;
}

const char *senda_kernel_name(senda_kernel k)
{
    return (unsigned)k < 6 ? kernel_names[k] : "unknown";
}

const char *senda_kde_scale_name(senda_kde_scale s)
{
    return (unsigned)s < 4 ? scale_names[s] : "unknown";
}

/* Power m of (1 - u^2) for the polynomial kernels; -1 for the direct ones. */
static int kernel_power(senda_kernel k)
{
    switch (k) {
    case SENDA_KERNEL_UNIFORM: return 0;
    case SENDA_KERNEL_EPANECHNIKOV: return 1;
    case SENDA_KERNEL_QUARTIC: return 2;
    case SENDA_KERNEL_TRIWEIGHT: return 3;
    default: return -1;
    }
}

/* The scale S of the header comment. */
static double kernel_scale(senda_kernel k, senda_kde_scale sc, double r)
{
    if (sc == SENDA_KDE_QGIS_RAW)
        return 1.0;
    double c;
    switch (k) {
    case SENDA_KERNEL_QUARTIC: c = 3.0 / M_PI; break;
    case SENDA_KERNEL_TRIWEIGHT: c = 4.0 / M_PI; break;
    case SENDA_KERNEL_EPANECHNIKOV: c = 2.0 / M_PI; break;
    case SENDA_KERNEL_TRIANGULAR: c = 3.0 / M_PI; break;
    case SENDA_KERNEL_UNIFORM: c = 1.0 / M_PI; break;
    default: { /* gaussian, sigma = r / 4: 1 / (2 pi sigma^2) = 8 / (pi r^2) */
        c = 8.0 / M_PI;
        if (sc == SENDA_KDE_DENSITY)
            c /= 1.0 - exp(-8.0);
    }
    }
    return c / (r * r) * (sc == SENDA_KDE_DENSITY ? 1e6 : 1.0);
}

/* Accumulator type of the polynomial path (see the header: precision; long
 * double was tried: 2x slower for 1e-3 of the error, which nothing needs). */
typedef double acc_t;

/* A point in cell units: fx, fy are its column and row coordinates measured
 * from the centre of cell (0, 0) (fx = 3 on the centre of column 3). */
typedef struct kpt {
    double fx, fy, w;
} kpt;

typedef struct kde_job {
    senda_grid *grid;
    senda_kernel kernel;
    int power;      /* >= 0: polynomial path */
    int n_coef;     /* 2 * power + 1 */
    double rr, rr2, scale; /* radius in cells, its square, S */
    long rad_rows;  /* rows reached above/below a point's row */
    size_t block;   /* B */
    kpt *pt;        /* points sorted by row bucket, then column */
    size_t *bucket_start; /* n_buckets + 1 */
    long n_buckets;
    atomic_size_t next_chunk;
    atomic_int stop;
    size_t n_chunks;
    acc_t **coef;   /* per thread: CHUNK * (cols + 1) * n_coef */
    int32_t **cnt;  /* per thread: CHUNK * (cols + 1) */
} kde_job;

/* Record the run [c0, c1] of local row lr for point fx (a = 1 - dy^2/r^2). */
static void add_run(const kde_job *j, acc_t *coef, int32_t *cnt, size_t lr, long c0, long c1,
                    double fx, double a, double ws)
{
    size_t ncols = j->grid->n_cols, stride = ncols + 1, B = j->block;
    size_t nc = (size_t)j->n_coef;
    acc_t hr = (acc_t)1 / (acc_t)j->rr;
    for (size_t b = (size_t)c0 / B; b <= (size_t)c1 / B; b++) {
        size_t s = b * B > (size_t)c0 ? b * B : (size_t)c0;
        size_t bend = b * B + B - 1 < ncols - 1 ? b * B + B - 1 : ncols - 1;
        size_t e = bend < (size_t)c1 ? bend : (size_t)c1;
        acc_t dlt = ((acc_t)(b * B + B / 2) - (acc_t)fx) * hr;
        /* q(u) = a - (dlt + hr u)^2, u = column - block middle, in units of r^2 */
        acc_t q0 = (acc_t)a - dlt * dlt, q1 = -(acc_t)2 * dlt * hr, q2 = -hr * hr, w = (acc_t)ws;
        acc_t p[MAX_COEF];
        switch (j->power) {
        case 0: p[0] = w; break;
        case 1: p[0] = w * q0; p[1] = w * q1; p[2] = w * q2; break;
        case 2:
            p[0] = w * q0 * q0;
            p[1] = w * (acc_t)2 * q0 * q1;
            p[2] = w * (q1 * q1 + (acc_t)2 * q0 * q2);
            p[3] = w * (acc_t)2 * q1 * q2;
            p[4] = w * q2 * q2;
            break;
        default: {
            acc_t s0 = q0 * q0, s1 = (acc_t)2 * q0 * q1, s2 = q1 * q1 + (acc_t)2 * q0 * q2,
                  s3 = (acc_t)2 * q1 * q2, s4 = q2 * q2; /* q^2, then q^3 = q^2 * q */
            p[0] = w * s0 * q0;
            p[1] = w * (s1 * q0 + s0 * q1);
            p[2] = w * (s2 * q0 + s1 * q1 + s0 * q2);
            p[3] = w * (s3 * q0 + s2 * q1 + s1 * q2);
            p[4] = w * (s4 * q0 + s3 * q1 + s2 * q2);
            p[5] = w * (s4 * q1 + s3 * q2);
            p[6] = w * s4 * q2;
        }
        }
        acc_t *d0 = coef + (lr * stride + s) * nc;
        for (size_t k = 0; k < nc; k++)
            d0[k] += p[k];
        cnt[lr * stride + s]++;
        if (e < bend) {
            acc_t *d1 = coef + (lr * stride + e + 1) * nc;
            for (size_t k = 0; k < nc; k++)
                d1[k] -= p[k];
            cnt[lr * stride + e + 1]--;
        }
    }
}

/* Running sums of one chunk's difference arrays into the grid rows. */
static void eval_chunk(const kde_job *j, const acc_t *coef, const int32_t *cnt, size_t r0,
                       size_t nr)
{
    const senda_grid *g = j->grid;
    size_t stride = g->n_cols + 1, B = j->block, nc = (size_t)j->n_coef;
    for (size_t lr = 0; lr < nr; lr++) {
        double *out = g->data + (r0 + lr) * g->n_cols;
        for (size_t b0 = 0; b0 < g->n_cols; b0 += B) {
            acc_t s[MAX_COEF] = {0};
            long n_active = 0;
            size_t bend = b0 + B < g->n_cols ? b0 + B : g->n_cols;
            for (size_t c = b0; c < bend; c++) {
                const acc_t *d = coef + (lr * stride + c) * nc;
                for (size_t k = 0; k < nc; k++)
                    s[k] += d[k];
                n_active += cnt[lr * stride + c];
                if (n_active <= 0) {
                    out[c] = 0.0;
                    continue;
                }
                acc_t u = (acc_t)c - (acc_t)(b0 + B / 2), v = 0;
                for (size_t k = nc; k-- > 0;)
                    v = v * u + s[k];
                out[c] = (double)(v * (acc_t)j->scale);
            }
        }
    }
}

/* Columns [c0, c1] of the row at dy from a point at fx; 0 when none. */
static int row_run(const kde_job *j, double fx, double dy, long *c0, long *c1, double *rem)
{
    *rem = j->rr2 - dy * dy;
    if (*rem < 0.0)
        return 0;
    double half = sqrt(*rem), f0 = ceil(fx - half), f1 = floor(fx + half);
    if (f0 < 0.0)
        f0 = 0.0;
    if (f1 > (double)j->grid->n_cols - 1.0)
        f1 = (double)j->grid->n_cols - 1.0;
    if (f0 > f1)
        return 0;
    *c0 = (long)f0;
    *c1 = (long)f1;
    return 1;
}

/* Direct sum over the disk of one point, rows [r0, r0 + nr). */
static void add_direct(const kde_job *j, size_t ra, size_t rb, const kpt *p)
{
    const senda_grid *g = j->grid;
    double ws = p->w * j->scale, inv_r = 1.0 / j->rr;
    for (size_t row = ra; row <= rb; row++) {
        double dy = (double)row - p->fy, rem;
        long c0, c1;
        if (!row_run(j, p->fx, dy, &c0, &c1, &rem))
            continue;
        double *out = g->data + row * g->n_cols;
        for (long c = c0; c <= c1; c++) {
            double dx = (double)c - p->fx, d2 = dx * dx + dy * dy;
            if (d2 > j->rr2)
                continue;
            if (j->kernel == SENDA_KERNEL_TRIANGULAR)
                out[c] += ws * (1.0 - sqrt(d2) * inv_r);
            else /* gaussian, sigma = r/4: exp(-d^2 / (2 sigma^2)) = exp(-8 d^2 / r^2) */
                out[c] += ws * exp(-8.0 * d2 / j->rr2);
        }
    }
}

static void run_chunk(const kde_job *j, int tid, size_t chunk)
{
    senda_grid *g = j->grid;
    size_t r0 = chunk * CHUNK, nr = g->n_rows - r0 < CHUNK ? g->n_rows - r0 : CHUNK;
    size_t stride = g->n_cols + 1;
    acc_t *coef = j->coef[tid];
    int32_t *cnt = j->cnt[tid];
    if (j->power >= 0) {
        memset(coef, 0, nr * stride * (size_t)j->n_coef * sizeof *coef);
        memset(cnt, 0, nr * stride * sizeof *cnt);
    } else {
        memset(g->data + r0 * g->n_cols, 0, nr * g->n_cols * sizeof(double));
    }
    long b_lo = (long)r0, b_hi = (long)(r0 + nr) + 2 * j->rad_rows + 2; /* bucket range */
    if (b_hi > j->n_buckets)
        b_hi = j->n_buckets;
    double last = (double)(r0 + nr - 1);
    for (size_t k = j->bucket_start[b_lo]; k < j->bucket_start[b_hi]; k++) {
        const kpt *p = &j->pt[k];
        double fa = ceil(p->fy - j->rr), fb = floor(p->fy + j->rr);
        if (fa < (double)r0)
            fa = (double)r0;
        if (fb > last)
            fb = last;
        if (fa > fb)
            continue;
        if (j->power < 0) {
            add_direct(j, (size_t)fa, (size_t)fb, p);
            continue;
        }
        double ws = p->w;
        for (size_t row = (size_t)fa; row <= (size_t)fb; row++) {
            long c0, c1;
            double rem;
            if (row_run(j, p->fx, (double)row - p->fy, &c0, &c1, &rem))
                add_run(j, coef, cnt, row - r0, c0, c1, p->fx, rem / j->rr2, ws);
        }
    }
    if (j->power >= 0)
        eval_chunk(j, coef, cnt, r0, nr);
}

typedef struct worker_arg {
    kde_job *job;
    int tid;
} worker_arg;

static void *worker(void *arg)
{
    worker_arg *wa = arg;
    kde_job *j = wa->job;
    size_t c;
    while (!atomic_load(&j->stop) && (c = atomic_fetch_add(&j->next_chunk, 1)) < j->n_chunks)
        run_chunk(j, wa->tid, c);
    return NULL;
}

/* Radix sort (two stable counting passes: column, then row bucket) of the
 * points that can reach the grid, into cell units. Sorting by column inside
 * a row keeps the difference-array writes of consecutive points close. */
static senda_status bucket_points(senda_ctx *ctx, kde_job *j, const senda_points *pts)
{
    senda_grid *g = j->grid;
    long pad = j->rad_rows + 1;
    size_t n_cb = g->n_cols + 2 * (size_t)pad + 1;
    j->n_buckets = (long)g->n_rows + 2 * pad + 1;
    size_t n = pts->n ? pts->n : 1, n_keys = n_cb > (size_t)j->n_buckets ? n_cb : (size_t)j->n_buckets;
    kpt *tmp = senda__calloc(ctx, n, sizeof *tmp);
    long *key = tmp ? senda__calloc(ctx, n, sizeof *key) : NULL;
    size_t *cnt = key ? senda__calloc(ctx, n_keys + 1, sizeof *cnt) : NULL;
    j->pt = cnt ? senda__calloc(ctx, n, sizeof *j->pt) : NULL;
    j->bucket_start = j->pt ? senda__calloc(ctx, (size_t)j->n_buckets + 1, sizeof(size_t)) : NULL;
    senda_status st = j->bucket_start ? SENDA_OK : SENDA_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; st == SENDA_OK && i < pts->n; i++) {
        double fx = (pts->x[i] - g->x_min) / g->cell_m - 0.5;
        double fy = (g->y_max - pts->y[i]) / g->cell_m - 0.5;
        double cb = floor(fx) + (double)pad, rb = floor(fy) + (double)pad;
        if (!(cb >= 0.0 && cb < (double)n_cb && rb >= 0.0 && rb < (double)j->n_buckets))
            continue; /* too far to reach any cell (or NaN) */
        tmp[m].fx = fx;
        tmp[m].fy = fy;
        tmp[m].w = pts->weight[i];
        key[m] = (long)cb;
        cnt[(size_t)cb + 1]++;
        m++;
    }
    if (st == SENDA_OK) {
        for (size_t k = 0; k < n_cb; k++)
            cnt[k + 1] += cnt[k];
        for (size_t i = 0; i < m; i++) /* pass 1: by column, tmp -> pt */
            j->pt[cnt[key[i]]++] = tmp[i];
        size_t *bs = j->bucket_start;
        for (size_t i = 0; i < m; i++)
            bs[(size_t)(floor(j->pt[i].fy) + (double)pad) + 1]++;
        for (long b = 0; b < j->n_buckets; b++)
            bs[b + 1] += bs[b];
        memcpy(cnt, bs, (size_t)j->n_buckets * sizeof *cnt);
        for (size_t i = 0; i < m; i++) /* pass 2: stable by row, pt -> tmp */
            tmp[cnt[(size_t)(floor(j->pt[i].fy) + (double)pad)]++] = j->pt[i];
        memcpy(j->pt, tmp, m * sizeof *tmp);
    }
    senda__free(tmp);
    senda__free(key);
    senda__free(cnt);
    return st;
}

static senda_status check_args(senda_ctx *ctx, const senda_points *pts, const senda_kde_opts *o,
                               const senda_grid *grid)
{
    if (!pts || !o || !grid)
        return senda__fail(ctx, SENDA_ERR_ARG, "pts, opts or grid is NULL");
    if ((unsigned)o->kernel > SENDA_KERNEL_GAUSSIAN)
        return senda__fail(ctx, SENDA_ERR_ARG, "unknown kernel %d", (int)o->kernel);
    if ((unsigned)o->scale > SENDA_KDE_GRASS)
        return senda__fail(ctx, SENDA_ERR_ARG, "unknown density scale %d", (int)o->scale);
    if (o->kernel == SENDA_KERNEL_GAUSSIAN &&
        (o->scale == SENDA_KDE_QGIS_RAW || o->scale == SENDA_KDE_QGIS_SCALED))
        return senda__fail(ctx, SENDA_ERR_ARG, "QGIS has no gaussian kernel: scale '%s' needs "
                           "another kernel", senda_kde_scale_name(o->scale));
    if (o->n_threads < 1 || o->n_threads > 256)
        return senda__fail(ctx, SENDA_ERR_ARG, "n_threads must be 1..256, got %d", o->n_threads);
    if (isnan(o->radius_m) || isinf(o->radius_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "radius must be a number, got %g", o->radius_m);
    return SENDA_OK;
}

static void set_units(senda_grid *g, const senda_kde_opts *o, double r)
{
    static const char *units[] = {"incidents per km2", "kernel sum (QGIS raw)",
                                  "per map unit2 (QGIS scaled)", "per m2 (GRASS v.kernel)"};
    senda__strlcpy(g->units, units[o->scale], sizeof g->units);
    snprintf(g->description, sizeof g->description,
             "kernel density, %s kernel, radius %.6g m, scale %s", senda_kernel_name(o->kernel),
             r, senda_kde_scale_name(o->scale));
}

senda_status senda_hotspot_kde(senda_ctx *ctx, const senda_points *pts, const senda_kde_opts *opts,
                               senda_grid *grid, senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    senda_status st = check_args(ctx, pts, opts, grid);
    if (st != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "kernel density"))
        return SENDA_ERR_CANCELLED;
    double r = opts->radius_m;
    if (r <= 0.0 && (st = senda_kde_auto_radius(ctx, pts, &r)) != SENDA_OK)
        return st;
    kde_job j;
    memset(&j, 0, sizeof j);
    int nt = opts->n_threads;
    pthread_t tids[256];
    worker_arg wargs[256];
    int n_started = 0;
    j.grid = grid;
    j.kernel = opts->kernel;
    j.power = kernel_power(opts->kernel);
    j.n_coef = j.power >= 0 ? 2 * j.power + 1 : 0;
    j.rr = r / grid->cell_m;
    j.rr2 = j.rr * j.rr;
    j.scale = kernel_scale(opts->kernel, opts->scale, r);
    j.rad_rows = (long)ceil(j.rr) + 1;
    j.block = (size_t)(2 * j.rad_rows + 2) > 16 ? (size_t)(2 * j.rad_rows + 2) : 16;
    j.n_chunks = (grid->n_rows + CHUNK - 1) / CHUNK;
    if ((size_t)nt > j.n_chunks)
        nt = (int)j.n_chunks;
    atomic_init(&j.next_chunk, 0);
    atomic_init(&j.stop, 0);
    j.coef = senda__calloc(ctx, (size_t)nt, sizeof *j.coef);
    j.cnt = j.coef ? senda__calloc(ctx, (size_t)nt, sizeof *j.cnt) : NULL;
    if (!j.cnt) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (int t = 0; t < nt && j.power >= 0; t++) {
        j.coef[t] = senda__calloc2(ctx, CHUNK * (grid->n_cols + 1),
                                   (size_t)j.n_coef * sizeof(acc_t));
        j.cnt[t] = j.coef[t] ? senda__calloc2(ctx, CHUNK, (grid->n_cols + 1) * sizeof(int32_t))
                             : NULL;
        if (!j.cnt[t]) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
    }
    if ((st = bucket_points(ctx, &j, pts)) != SENDA_OK)
        goto done;
    for (int t = 1; t < nt; t++) {
        wargs[t].job = &j;
        wargs[t].tid = t;
        if (pthread_create(&tids[t], NULL, worker, &wargs[t]) != 0)
            break;
        n_started++;
    }
    /* The calling thread works too, and alone reports progress. */
    size_t c;
    while ((c = atomic_fetch_add(&j.next_chunk, 1)) < j.n_chunks) {
        run_chunk(&j, 0, c);
        if (!senda__progress(ctx, progress, progress_arg, 0.99 * (double)c / (double)j.n_chunks,
                             NULL)) {
            atomic_store(&j.stop, 1);
            st = SENDA_ERR_CANCELLED;
            break;
        }
    }
    for (int t = 1; t <= n_started; t++)
        pthread_join(tids[t], NULL);
    if (st == SENDA_OK) {
        set_units(grid, opts, r);
        if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL))
            st = SENDA_ERR_CANCELLED;
    }
done:
    for (int t = 0; j.coef && t < nt; t++)
        senda__free(j.coef[t]);
    for (int t = 0; j.cnt && t < nt; t++)
        senda__free(j.cnt[t]);
    senda__free(j.coef);
    senda__free(j.cnt);
    senda__free(j.bucket_start);
    senda__free(j.pt);
    return st;
}
