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
 * Exact evaluation, not a binned FFT. A binned FFT (points assigned to grid
 * nodes, then one convolution with the sampled kernel) costs O(cells log cells)
 * whatever the points, but it moves every point by up to half a cell, which
 * changes the quartic's value at u by up to 4u / (1 - u^2) * h / (2r)
 * relative (7 % at u = 0.5 with r = 20 cells, without bound towards the
 * rim), and its rounding is spread over the whole
 * grid at ~1e-16 of the largest value, so empty and sparse cells come out
 * as small nonzero noise; neither agrees with GRASS v.kernel to 1e-6. The
 * running-sum (polynomial prefix-sum) scheme below is exact in the same
 * sense as a direct sum (each point at its true position, every cell of its
 * disk and no other), and its cost per point grows with r/h, not (r/h)^2.
 *
 * Algorithm. Quartic, triweight, epanechnikov and uniform are polynomials
 * in d^2 = dx^2 + dy^2, so along one grid row a point adds a polynomial in
 * the column index u (degree 4, 6, 2, 0) over one run of columns. Each run is
 * recorded as its polynomial's coefficients added at the run's first column
 * and subtracted after its last one (a difference array); one pass of running
 * sums then evaluates every cell. A point therefore costs O(rows of its disk)
 * instead of O(rows^2). To keep the coefficients small (no cancellation),
 * each polynomial is expanded about the middle of a block of 3S columns,
 * S = ceil(r/h) + 1, and running sums restart at each block. Blocks overlap
 * in three families: block k covers columns [kS, kS + 3S) and belongs to
 * family k mod 3; a run goes to the block whose middle is nearest its point,
 * which always holds it whole (the middle is within S/2 of the point, the run
 * within r/h < S of it), so every row of a disk is one pair of updates, never
 * split; each cell adds the three families' polynomials. The point is then
 * within S/2 of the expansion centre and every cell of the block within 1.5 S,
 * so every term stays within about (1 + 2^2)^m of the kernel's peak, and
 * rounding near 1e-16 * 5^m * (runs in the block) of the peak; a family's
 * sums also reset to exactly 0 whenever none of its runs is active. Measured
 * against a long-double brute force (scripts/bench/kde_accuracy.c):
 * 4e-14 relative on 1,000,000 clustered points (r = 20 cells), and on the
 * sparse points of scripts/compare/hotspot 4e-9 (quartic) in the deepest
 * kernel tails, where the earlier split-block scheme gave 9e-8. The
 * triweight's tails (1-u^2)^3 fall deeper, so it accumulates in long double
 * (64-bit mantissa; slower): 2e-8 there (against GRASS its cells agree to
 * 1e-6, where double left 8 cells in 80,000 at 1e-4). tests/hotspot/test_kde.c
 * checks 1e-8
 * against brute force. A running count of active runs makes cells
 * outside every kernel exactly 0. Triangular (1 - d/r, not polynomial in d^2)
 * and the gaussian (exponential) have no such exact shortcut and are summed
 * directly over the disk of cells.
 * Row runs, several rows per instruction: in the polynomial path a point's
 * cost is mostly finding each row's run (a sqrt and two roundings). The runs
 * of a point's rows in a band are found 4 rows per instruction with AVX, 2
 * with SSE2 (row_runs_*, chosen at run time), with the same bits as one row
 * at a time (IEEE operations round each lane alone; no FMA), then recorded
 * one row at a time in the points' order: the output does not depend on the
 * CPU. On scripts/bench/hotspot's input this cut the density's CPU time from
 * 0.39 s to 0.25 s (one thread).
 * Threads: rows are cut into bands of CHUNK rows taken from a shared counter
 * by n_threads threads (the caller's thread is one of them); each band has its
 * own difference arrays, and points are bucketed by row first (counting sort,
 * on two threads for 65,536 points or more, stable either way;
 * O(n)), so a band visits only the points within r of it. Progress: 32
 * reports at fixed fractions of the finished bands, made by the calling thread,
 * so their number does not depend on scheduling.
 * Complexity: O(n * (2r/h + 1) + cells * deg) for polynomial kernels,
 * O(n * pi (r/h)^2 + cells) for the others. Memory: the grid, the points in
 * cell units (24 bytes each), the sort's counts (cells / CHUNK values), and
 * per thread 3 * CHUNK * (cols + 1) * (deg + 2) accumulators (CHUNK = 32
 * rows: 4.6 MB for the quartic on 1000 columns; 32 rather than 16 because a
 * point's fixed cost is paid once per band it reaches: 8 % less CPU on
 * scripts/bench/hotspot's input; each cell's coefficients and
 * run count sit together).
 * Nodata: none; every cell gets a value (0 where no kernel reaches).
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "hotspot/hotspot_int.h"
#include "hotspot/kde_int.h"

#define CHUNK 32
#define MAX_COEF 7
#define NFAM 3 /* block families (kde.c header); kde_poly.h relies on 3 */

static const char *kernel_names[] = {"quartic", "triweight", "epanechnikov",
                                     "triangular", "uniform", "gaussian"};
static const char *scale_names[] = {"density", "qgis-raw", "qgis-scaled", "grass"};

void senda_hotspot_kde_opts_init(senda_hotspot_kde_opts *o)
{
    o->kernel = SENDA_KERNEL_QUARTIC;
    o->radius_m = 0.0;
    o->scale = SENDA_KDE_DENSITY;
    o->n_threads = 2;
}

int senda_hotspot_kernel_from_name(const char *name, senda_hotspot_kernel *out)
{
    for (int i = 0; name && i < 6; i++)
        if (strcmp(name, kernel_names[i]) == 0) {
            *out = (senda_hotspot_kernel)i;
            return 0;
        }
    return -1;
}

int senda_hotspot_kde_scale_from_name(const char *name, senda_hotspot_kde_scale *out)
{
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, scale_names[i]) == 0) {
            *out = (senda_hotspot_kde_scale)i;
            return 0;
        }
    return -1;
}

const char *senda_hotspot_kernel_name(senda_hotspot_kernel k)
{
    return (unsigned)k < 6 ? kernel_names[k] : "unknown";
}

const char *senda_hotspot_kde_scale_name(senda_hotspot_kde_scale s)
{
    return (unsigned)s < 4 ? scale_names[s] : "unknown";
}

/* Power m of (1 - u^2) for the polynomial kernels; -1 for the direct ones. */
static int kernel_power(senda_hotspot_kernel k)
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
static double kernel_scale(senda_hotspot_kernel k, senda_hotspot_kde_scale sc, double r)
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


/* A point in cell units: fx, fy are its column and row coordinates measured
 * from the centre of cell (0, 0) (fx = 3 on the centre of column 3). */
typedef struct kpt {
    double fx, fy, w;
} kpt;

typedef struct row_runs row_runs;

typedef struct kde_job {
    senda_grid *grid;
    senda_hotspot_kernel kernel;
    int power;      /* >= 0: polynomial path */
    int n_coef;     /* 2 * power + 1 */
    double rr, rr2, scale; /* radius in cells, its square, S */
    long rad_rows;  /* rows reached above/below a point's row */
    size_t stride_s; /* S: a block of NFAM S columns starts at every multiple of S */
    double inv_rr2, inv_rr, inv_s;
    kpt *pt;        /* points sorted by row bucket, then column */
    size_t *bucket_start; /* n_buckets + 1 */
    long n_buckets;
    atomic_size_t next_chunk, done_chunks;
    atomic_int stop;
    size_t n_chunks;
    void **coef;    /* per thread: NFAM * CHUNK * (cols + 1) records of rec accumulators */
    size_t rec;     /* n_coef + 1: the coefficients, then the count of runs begun */
    int wide;       /* 1: long double accumulators (triweight) */
    void (*row_runs)(const struct kde_job *j, double ra, double fx, double fy, size_t n,
                     row_runs *o); /* pick_row_runs */
    double cols;    /* the grid's columns */
} kde_job;


/* floor and ceil from truncation (SSE2 has no rounding instruction, and
 * floor() is a call): exact for |x| < 2^63, which holds for every point in
 * cell units that bucket_points keeps. */
static inline long floor_l(double x)
{
    long t = (long)x;
    return t - ((double)t > x);
}

static inline long ceil_l(double x)
{
    long t = (long)x;
    return t + ((double)t < x);
}

/* Columns [c0, c1] of the row at dy from a point at fx; 0 when none. */
static inline int row_run(const kde_job *j, double fx, double dy, long *c0, long *c1,
                          double *rem)
{
    *rem = j->rr2 - dy * dy;
    if (*rem < 0.0)
        return 0;
    double half = sqrt(*rem);
    long f0 = ceil_l(fx - half), f1 = floor_l(fx + half);
    if (f0 < 0)
        f0 = 0;
    if (f1 > (long)j->grid->n_cols - 1)
        f1 = (long)j->grid->n_cols - 1;
    if (f0 > f1)
        return 0;
    *c0 = f0;
    *c1 = f1;
    return 1;
}

/* The run of every row of one point in a band, for the polynomial path:
 * row ra + i (i < n) gets columns [c0[i], c1[i]] (c0 > c1: none) and t[i] =
 * (r^2 - dy^2) / r^2: row_run's arithmetic, done for 2 rows per instruction
 * (SSE2, every x86-64) or 4 (AVX, where the CPU has it), with the same bits:
 * sqrt, +, -, * are correctly rounded in every lane, and ceil / floor come
 * from the same truncation after clamping to [-1, cols], which does not
 * change the clamped run. Elsewhere, one row at a time through row_run.
 * Rows up to the next multiple of the lanes are filled too (CHUNK is a
 * multiple of 4). */
_Static_assert(CHUNK % 4 == 0, "row_runs_avx fills rows 4 at a time up to CHUNK");
struct row_runs {
    int32_t c0[CHUNK], c1[CHUNK];
    double t[CHUNK];
};

typedef void (*row_runs_fn)(const kde_job *j, double ra, double fx, double fy, size_t n,
                            row_runs *o);

static void row_runs_scalar(const kde_job *j, double ra, double fx, double fy, size_t n,
                            row_runs *o)
{
    for (size_t i = 0; i < n; i++) {
        long c0 = 1, c1 = 0;
        double rem;
        row_run(j, fx, (ra + (double)i) - fy, &c0, &c1, &rem);
        o->c0[i] = (int32_t)c0;
        o->c1[i] = (int32_t)c1;
        o->t[i] = rem * j->inv_rr2;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

static void row_runs_sse2(const kde_job *j, double ra, double fx, double fy, size_t n,
                          row_runs *o)
{
    const __m128d rr2 = _mm_set1_pd(j->rr2), inv = _mm_set1_pd(j->inv_rr2), vfx = _mm_set1_pd(fx),
                  vfy = _mm_set1_pd(fy), zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0),
                  m1 = _mm_set1_pd(-1.0), cols = _mm_set1_pd((double)j->grid->n_cols),
                  last = _mm_sub_pd(cols, one), step = _mm_set_pd(1.0, 0.0);
    for (size_t i = 0; i < n; i += 2) {
        __m128d dy = _mm_sub_pd(_mm_add_pd(_mm_set1_pd(ra + (double)i), step), vfy);
        __m128d rem = _mm_sub_pd(rr2, _mm_mul_pd(dy, dy));
        __m128d half = _mm_sqrt_pd(_mm_max_pd(rem, zero));
        __m128d x0 = _mm_min_pd(_mm_max_pd(_mm_sub_pd(vfx, half), m1), cols);
        __m128d x1 = _mm_min_pd(_mm_max_pd(_mm_add_pd(vfx, half), m1), cols);
        __m128d t0 = _mm_cvtepi32_pd(_mm_cvttpd_epi32(x0)), t1 = _mm_cvtepi32_pd(_mm_cvttpd_epi32(x1));
        __m128d lo = _mm_max_pd(_mm_add_pd(t0, _mm_and_pd(_mm_cmplt_pd(t0, x0), one)), zero);
        __m128d hi = _mm_min_pd(_mm_sub_pd(t1, _mm_and_pd(_mm_cmpgt_pd(t1, x1), one)), last);
        __m128d bad = _mm_cmplt_pd(rem, zero); /* no run: lo = 1, hi = 0 */
        lo = _mm_or_pd(_mm_and_pd(bad, one), _mm_andnot_pd(bad, lo));
        hi = _mm_andnot_pd(bad, hi);
        _mm_storel_epi64((__m128i *)&o->c0[i], _mm_cvttpd_epi32(lo));
        _mm_storel_epi64((__m128i *)&o->c1[i], _mm_cvttpd_epi32(hi));
        _mm_storeu_pd(&o->t[i], _mm_mul_pd(rem, inv));
    }
}

__attribute__((target("avx"))) static void row_runs_avx(const kde_job *j, double ra, double fx,
                                                        double fy, size_t n, row_runs *o)
{
    const __m256d rr2 = _mm256_set1_pd(j->rr2), inv = _mm256_set1_pd(j->inv_rr2),
                  vfx = _mm256_set1_pd(fx), zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0),
                  last = _mm256_set1_pd(j->cols - 1.0), step = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
    for (size_t i = 0; i < n; i += 4) {
        /* (ra + i + lane) - fy: the same rounding as row_run's (double)row - fy */
        __m256d dy = _mm256_sub_pd(_mm256_add_pd(_mm256_set1_pd(ra + (double)i), step),
                                   _mm256_set1_pd(fy));
        __m256d rem = _mm256_sub_pd(rr2, _mm256_mul_pd(dy, dy));
        __m256d half = _mm256_sqrt_pd(_mm256_max_pd(rem, zero));
        __m256d lo = _mm256_max_pd(_mm256_ceil_pd(_mm256_sub_pd(vfx, half)), zero);
        __m256d hi = _mm256_min_pd(_mm256_floor_pd(_mm256_add_pd(vfx, half)), last);
        __m256d bad = _mm256_or_pd(_mm256_cmp_pd(rem, zero, _CMP_LT_OQ),
                                   _mm256_cmp_pd(lo, hi, _CMP_GT_OQ)); /* no run: 1, 0 */
        lo = _mm256_or_pd(_mm256_and_pd(bad, one), _mm256_andnot_pd(bad, lo));
        hi = _mm256_andnot_pd(bad, hi);
        _mm_storeu_si128((__m128i *)&o->c0[i], _mm256_cvttpd_epi32(lo));
        _mm_storeu_si128((__m128i *)&o->c1[i], _mm256_cvttpd_epi32(hi));
        _mm256_storeu_pd(&o->t[i], _mm256_mul_pd(rem, inv));
    }
}
#endif

int senda__kde_simd = 2;

static row_runs_fn pick_row_runs(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (senda__kde_simd >= 2 && __builtin_cpu_supports("avx"))
        return row_runs_avx;
    if (senda__kde_simd >= 1)
        return row_runs_sse2;
#endif
    return row_runs_scalar;
}

#define ACC double
#define ADD_POINT add_point_d
#define EVAL_CHUNK eval_chunk_d
#include "hotspot/kde_poly.h"
#undef ACC
#undef ADD_POINT
#undef EVAL_CHUNK
#define ACC long double
#define ADD_POINT add_point_ld
#define EVAL_CHUNK eval_chunk_ld
#include "hotspot/kde_poly.h"
#undef ACC
#undef ADD_POINT
#undef EVAL_CHUNK

/* The polynomial path with the power as a constant (kde_poly.h): the record
 * updates unrolled and the per-row switch gone, 6 % less CPU for the quartic
 * on scripts/bench/hotspot's input. */
static void add_point(const kde_job *j, void *coef, size_t r0, size_t ra, size_t rb, const kpt *p,
                      const row_runs *runs)
{
    switch (j->power) {
    case 0: add_point_d(j, coef, r0, ra, rb, p, runs, 0); break;
    case 1: add_point_d(j, coef, r0, ra, rb, p, runs, 1); break;
    case 2: add_point_d(j, coef, r0, ra, rb, p, runs, 2); break;
    default: add_point_ld(j, coef, r0, ra, rb, p, runs, 3); break;
    }
}

static void eval_chunk(const kde_job *j, const void *coef, size_t r0, size_t nr)
{
    switch (j->power) {
    case 0: eval_chunk_d(j, coef, r0, nr, 0); break;
    case 1: eval_chunk_d(j, coef, r0, nr, 1); break;
    case 2: eval_chunk_d(j, coef, r0, nr, 2); break;
    default: eval_chunk_ld(j, coef, r0, nr, 3); break;
    }
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
    void *coef = j->coef[tid];
    size_t esz = j->wide ? sizeof(long double) : sizeof(double);
    if (j->power >= 0) {
        memset(coef, 0, NFAM * nr * stride * j->rec * esz);
    } else {
        memset(g->data + r0 * g->n_cols, 0, nr * g->n_cols * sizeof(double));
    }
    /* buckets holding padded rows r0 .. r0 + nr + 2 rad_rows + 1 (bucket_points) */
    long b_lo = (long)r0 / CHUNK, b_hi = ((long)(r0 + nr) + 2 * j->rad_rows + 1) / CHUNK + 1;
    if (b_hi > j->n_buckets)
        b_hi = j->n_buckets;
    long last = (long)(r0 + nr - 1);
    row_runs runs;
    for (size_t k = j->bucket_start[b_lo]; k < j->bucket_start[b_hi]; k++) {
        const kpt *p = &j->pt[k];
        long fa = ceil_l(p->fy - j->rr), fb = floor_l(p->fy + j->rr);
        if (fa < (long)r0)
            fa = (long)r0;
        if (fb > last)
            fb = last;
        if (fa > fb)
            continue;
        if (j->power < 0) {
            add_direct(j, (size_t)fa, (size_t)fb, p);
            continue;
        }
        j->row_runs(j, (double)fa, p->fx, p->fy, (size_t)(fb - fa + 1), &runs);
        add_point(j, coef, r0, (size_t)fa, (size_t)fb, p, &runs);
    }
    if (j->power >= 0)
        eval_chunk(j, coef, r0, nr);
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
    while (!atomic_load(&j->stop) && (c = atomic_fetch_add(&j->next_chunk, 1)) < j->n_chunks) {
        run_chunk(j, wa->tid, c);
        atomic_fetch_add(&j->done_chunks, 1);
    }
    return NULL;
}

/* Progress reports at fixed fractions of the finished chunks (N_REPORTS of
 * them), whichever thread finished them: the number of calls does not depend
 * on scheduling. Returns 0 on cancel. */
#define N_REPORTS 32
static int report_done(senda_ctx *ctx, kde_job *j, int *reported, senda_progress_fn progress,
                       void *progress_arg)
{
    size_t done = atomic_load(&j->done_chunks);
    while (*reported < N_REPORTS && (size_t)(*reported + 1) * j->n_chunks <= done * N_REPORTS) {
        (*reported)++;
        if (!senda__progress(ctx, progress, progress_arg, 0.99 * *reported / N_REPORTS, NULL))
            return 0;
    }
    return 1;
}

/* One thread's share of bucket_points: points [lo, hi), counted into
 * next[key + 1] (pass 0) or placed at next[key]++ (pass 1). */
typedef struct {
    kde_job *j;
    const senda_points *pts;
    size_t lo, hi, n_cb, n_rb, *next;
    long pad;
    int pass;
} bucket_part;

static void bucket_range(const bucket_part *b)
{
    const senda_grid *g = b->j->grid;
    const senda_points *pts = b->pts;
    size_t *next = b->next;
    for (size_t i = b->lo; i < b->hi; i++) {
        double fx = (pts->x[i] - g->x_min) / g->cell_m - 0.5;
        double fy = (g->y_max - pts->y[i]) / g->cell_m - 0.5;
        double cb = fx + (double)b->pad, rb = fy + (double)b->pad;
        if (!(cb >= 0.0 && cb < (double)b->n_cb && rb >= 0.0 && rb < (double)b->n_rb))
            continue; /* too far to reach any cell (or NaN) */
        /* cb, rb >= 0: truncation is floor */
        size_t key = (size_t)rb / CHUNK * b->n_cb + (size_t)cb;
        if (b->pass == 0) {
            next[key + 1]++;
            continue;
        }
        kpt *q = &b->j->pt[next[key]++];
        q->fx = fx;
        q->fy = fy;
        q->w = pts->weight[i];
    }
}

static void *bucket_thread(void *arg)
{
    bucket_range(arg);
    return NULL;
}

/* Both parts of a pass, the second on a thread of its own when one starts. */
static void bucket_pass(bucket_part *part, int n_parts)
{
    pthread_t th;
    int side = n_parts == 2 && pthread_create(&th, NULL, bucket_thread, &part[1]) == 0;
    bucket_range(&part[0]);
    if (side)
        pthread_join(th, NULL);
    else if (n_parts == 2)
        bucket_range(&part[1]);
}

/* Counting sort of the points that can reach the grid, in cell units, by
 * row bucket, then column: a bucket holds the points of CHUNK padded rows
 * (floor(fy) + pad, divided by CHUNK), so a band of rows visits only the few
 * buckets within r of it, and sweeps its accumulators west to east once per
 * bucket (10 % faster than unsorted columns). One counting pass over the
 * keys bucket * padded columns + column, one placing pass; no copy; stable
 * (each key's points in their input order). With two threads each takes
 * half of the points: its counts are kept apart, and each key's slots are
 * the first half's points, then the second's, so the order is the same as
 * with one (28 ms of a million points' 0.14 s, on one thread). */
static senda_status bucket_points(senda_ctx *ctx, kde_job *j, const senda_points *pts, int nt)
{
    senda_grid *g = j->grid;
    long pad = j->rad_rows + 1;
    size_t n_cb = g->n_cols + 2 * (size_t)pad + 1, n_rb = g->n_rows + 2 * (size_t)pad + 1;
    j->n_buckets = ((long)n_rb + CHUNK - 1) / CHUNK;
    size_t n = pts->n ? pts->n : 1, n_keys = (size_t)j->n_buckets * n_cb;
    int n_parts = nt >= 2 && pts->n >= ((size_t)1 << 16) ? 2 : 1;
    j->pt = senda__calloc(ctx, n, sizeof *j->pt);
    j->bucket_start = j->pt ? senda__calloc(ctx, (size_t)j->n_buckets + 1, sizeof(size_t)) : NULL;
    size_t *next = j->bucket_start
                       ? senda__calloc2(ctx, (size_t)n_parts * (n_keys + 1), sizeof *next) : NULL;
    if (!next)
        return SENDA_ERR_NOMEM;
    bucket_part part[2];
    for (int t = 0; t < n_parts; t++)
        part[t] = (bucket_part){j, pts, pts->n * (size_t)t / (size_t)n_parts,
                                pts->n * (size_t)(t + 1) / (size_t)n_parts, n_cb, n_rb,
                                next + (size_t)t * (n_keys + 1), pad, 0};
    bucket_pass(part, n_parts);
    /* each key's first slot for each part: after the earlier keys of every
     * part and this key's points of the earlier parts */
    size_t *c1 = n_parts == 2 ? part[1].next : NULL, start = 0;
    for (size_t k = 0; k < n_keys; k++) {
        size_t a = next[k + 1], b = c1 ? c1[k + 1] : 0;
        next[k] = start;
        if (c1)
            c1[k] = start + a;
        start += a + b;
    }
    for (long b = 0; b < j->n_buckets; b++)
        j->bucket_start[b] = next[(size_t)b * n_cb];
    j->bucket_start[j->n_buckets] = start;
    for (int t = 0; t < n_parts; t++)
        part[t].pass = 1;
    bucket_pass(part, n_parts);
    senda__free(next);
    return SENDA_OK;
}

static senda_status check_args(senda_ctx *ctx, const senda_points *pts, const senda_hotspot_kde_opts *o,
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
                           "another kernel", senda_hotspot_kde_scale_name(o->scale));
    if (o->n_threads < 1 || o->n_threads > 256)
        return senda__fail(ctx, SENDA_ERR_ARG, "n_threads must be 1..256, got %d", o->n_threads);
    if (isnan(o->radius_m) || isinf(o->radius_m))
        return senda__fail(ctx, SENDA_ERR_ARG, "radius must be a number, got %g", o->radius_m);
    return SENDA_OK;
}

/* The density's unit says whether it counts incidents or sums their weights
 * (severity x victims by default): a map titled "incidents per km2" over a
 * weighted sum would overstate the number of events. */
static void set_units(senda_grid *g, const senda_points *pts, const senda_hotspot_kde_opts *o,
                      double r)
{
    static const char *units[] = {"incidents per km2", "kernel sum (QGIS raw)",
                                  "per map unit2 (QGIS scaled)", "per m2 (GRASS v.kernel)"};
    int weighted = 0;
    for (size_t i = 0; pts->weight && i < pts->n && !weighted; i++)
        weighted = pts->weight[i] != 1.0;
    senda__strlcpy(g->units, o->scale == SENDA_KDE_DENSITY && weighted
                                 ? "weighted incidents per km2" : units[o->scale],
                   sizeof g->units);
    snprintf(g->description, sizeof g->description,
             "kernel density, %s kernel, radius %.6g m, scale %s", senda_hotspot_kernel_name(o->kernel),
             r, senda_hotspot_kde_scale_name(o->scale));
}

senda_status senda_hotspot_kde(senda_ctx *ctx, const senda_points *pts, const senda_hotspot_kde_opts *opts,
                               senda_grid *grid, senda_progress_fn progress, void *progress_arg)
{
    senda__reset(ctx);
    senda_status st = check_args(ctx, pts, opts, grid);
    if (st != SENDA_OK)
        return st;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, "kernel density"))
        return SENDA_ERR_CANCELLED;
    double r = opts->radius_m;
    if (r <= 0.0 && (st = senda_hotspot_kde_auto_radius(ctx, pts, &r)) != SENDA_OK)
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
    j.wide = j.power == 3;
    j.row_runs = pick_row_runs();
    j.cols = (double)grid->n_cols;
    j.rr = r / grid->cell_m;
    j.rr2 = j.rr * j.rr;
    j.inv_rr2 = 1.0 / j.rr2;
    j.scale = kernel_scale(opts->kernel, opts->scale, r);
    j.rad_rows = (long)ceil(j.rr) + 1;
    j.inv_rr = 1.0 / j.rr;
    /* (NFAM - 1) S >= 2 ceil(r/h) + 1 > the longest run, 2 floor(r/h) + 1 */
    j.stride_s = (2 * (size_t)ceil(j.rr) + 1 + NFAM - 2) / (NFAM - 1);
    j.inv_s = 1.0 / (double)j.stride_s;
    j.n_chunks = (grid->n_rows + CHUNK - 1) / CHUNK;
    if ((size_t)nt > j.n_chunks)
        nt = (int)j.n_chunks;
    atomic_init(&j.next_chunk, 0);
    atomic_init(&j.done_chunks, 0);
    atomic_init(&j.stop, 0);
    j.rec = (size_t)j.n_coef + 1;
    j.coef = senda__calloc(ctx, (size_t)nt, sizeof *j.coef);
    if (!j.coef) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (int t = 0; t < nt && j.power >= 0; t++) {
        j.coef[t] = senda__calloc2(ctx, NFAM * CHUNK * (grid->n_cols + 1),
                                   j.rec * (j.wide ? sizeof(long double) : sizeof(double)));
        if (!j.coef[t]) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
    }
    if ((st = bucket_points(ctx, &j, pts, nt)) != SENDA_OK)
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
    int reported = 0;
    while ((c = atomic_fetch_add(&j.next_chunk, 1)) < j.n_chunks) {
        run_chunk(&j, 0, c);
        atomic_fetch_add(&j.done_chunks, 1);
        if (!report_done(ctx, &j, &reported, progress, progress_arg)) {
            atomic_store(&j.stop, 1);
            st = SENDA_ERR_CANCELLED;
            break;
        }
    }
    for (int t = 1; t <= n_started; t++)
        pthread_join(tids[t], NULL);
    if (st == SENDA_OK && !report_done(ctx, &j, &reported, progress, progress_arg))
        st = SENDA_ERR_CANCELLED;
    if (st == SENDA_OK) {
        set_units(grid, pts, opts, r);
        if (!senda__progress(ctx, progress, progress_arg, 1.0, NULL))
            st = SENDA_ERR_CANCELLED;
    }
done:
    for (int t = 0; j.coef && t < nt; t++)
        senda__free(j.coef[t]);
    senda__free(j.coef);
    senda__free(j.bucket_start);
    senda__free(j.pt);
    return st;
}
