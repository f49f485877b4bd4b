/*
 * queue_int.h - the cost module's priority queue, shared by the r.cost
 * (accumulate.c) and r.walk (walk.c) searches: a two-level calendar queue
 * ordered exactly by (cost, age). Included by those files only.
 */
#ifndef SENDA_QUEUE_INT_H
#define SENDA_QUEUE_INT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/core_int.h"

/* ---------------------------------------------------------------------
 * The queue: a two-level calendar queue ordered exactly by (cost, age).
 * Costs are cut into B slots of width delta (Dial 1969, "Algorithm 360",
 * CACM 12(11); Brown 1988, "Calendar queues", CACM 31(10)). Since every key
 * pushed lies in [c, c + max_move] for c the last popped cost, and
 * B * delta > max_move + delta, the slot (cost / delta) mod B is never
 * ambiguous. Entries of later slots are appended unsorted; the current slot
 * is moved into a small binary min-heap on (cost, age), which also receives
 * the pushes that fall into the current slot. So the pop order is exactly
 * that of r.cost's heap (lowest cost, then oldest insertion), while the heap
 * stays a few entries deep. A huge max_move only makes slots wide and the
 * heap deep: slower, never wrong (an infinite max_move puts everything in
 * the heap). Storage: flat arrays grown by doubling.
 * ------------------------------------------------------------------- */
#define N_SLOTS 16384u

/* An entry is 16 bytes: the cost and one word holding the age above the
 * cell index (idx_bits low bits). Ages are unique, so comparing the words
 * compares the ages. q_init chooses idx_bits so that both fit (see there). */
typedef struct {
    double cost;
    uint64_t key;
} qentry;

typedef struct {
    qentry *a;
    size_t n, cap;
} qvec;

/* A slot's first Q_FIRST entries come from blocks of Q_BLOCK entries shared
 * by all slots (a vector of capacity Q_FIRST lives in a block; a larger one
 * was allocated on its own): pushes scatter over thousands of slots, and one
 * allocation per slot per search made a search of a few hundred cells cost
 * hundreds of allocations (a pipeline run of many small searches, tens of
 * thousands). */
#define Q_FIRST 16u
#define Q_BLOCK 4096u
typedef struct qblock {
    struct qblock *next;
    qentry e[Q_BLOCK];
} qblock;

typedef struct {
    qvec slot[N_SLOTS];
    qvec heap;           /* the current slot, a binary min-heap */
    uint64_t cur;        /* number of the current slot, floor(cost / delta) */
    double inv_delta;
    size_t n;            /* entries in all slots and the heap */
    qblock *blocks;      /* the blocks of first vectors, newest first */
    unsigned block_used; /* entries of blocks->e handed out */
    uint64_t next_key;   /* the next age, shifted: age << idx_bits */
    uint64_t idx_mask;   /* (1 << idx_bits) - 1 */
    unsigned idx_bits;
    const double *pf_cost; /* prefetched around each cell of a slot made current */
    const double *pf_accum;
    const double *pf_aux;  /* a second input prefetched like pf_cost, or NULL */
    ptrdiff_t pf_row;      /* one row, in cells */
    int pf_rows;           /* rows above and below to prefetch: 1, or 2 with knight's moves */
} queue;

static inline int q_less(const qentry *x, const qentry *y)
{
    /* exact comparison on purpose: equal costs are r.cost's ties */
    return x->cost < y->cost || (!(x->cost > y->cost) && x->key < y->key);
}

/* Give v room for one more entry: its first vector from the queue's
 * blocks, a larger one on its own (copied out of the block). */
static int v_grow(senda_ctx *ctx, qblock **blocks, unsigned *used, qvec *v)
{
    if (v->cap == 0) {
        if (!*blocks || *used == Q_BLOCK) {
            qblock *b = senda__malloc(ctx, sizeof *b);
            if (!b)
                return -1;
            b->next = *blocks;
            *blocks = b;
            *used = 0;
        }
        v->a = (*blocks)->e + *used;
        *used += Q_FIRST;
        v->cap = Q_FIRST;
        return 0;
    }
    size_t cap = v->cap * 2;
    qentry *a = v->cap == Q_FIRST ? senda__malloc(ctx, cap * sizeof *a)
                                  : senda__realloc(ctx, v->a, cap * sizeof *a);
    if (!a)
        return -1;
    if (v->cap == Q_FIRST)
        memcpy(a, v->a, v->n * sizeof *a);
    v->a = a;
    v->cap = cap;
    return 0;
}

static inline int v_append(senda_ctx *ctx, qblock **blocks, unsigned *used, qvec *v, qentry e)
{
    if (__builtin_expect(v->n == v->cap, 0) && v_grow(ctx, blocks, used, v) != 0)
        return -1;
    v->a[v->n++] = e;
    return 0;
}

static inline void heap_up(qvec *h, size_t i)
{
    qentry e = h->a[i];
    while (i > 0 && q_less(&e, &h->a[(i - 1) / 2])) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = e;
}

static inline void heap_down(qvec *h, size_t i)
{
    qentry e = h->a[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && q_less(&h->a[c + 1], &h->a[c]))
            c++;
        if (!q_less(&h->a[c], &e))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    h->a[i] = e;
}

static inline uint64_t slot_number(const queue *q, double cost)
{
    return (uint64_t)(cost * q->inv_delta);
}

/* max_move: the largest cost one move can add (finite, >= 0); n_cells the
 * grid's cells, max_pushes a bound on the pushes of the whole run (each
 * settled cell pushes at most once per move, plus the sources). Returns -1
 * when cell index and age do not fit in one 64-bit word together. */
static inline int q_init(queue *q, double max_move, size_t n_cells, uint64_t max_pushes)
{
    memset(q, 0, sizeof *q);
    unsigned idx_bits = 1;
    while (idx_bits < 64 && ((uint64_t)1 << idx_bits) < (uint64_t)n_cells)
        idx_bits++;
    if (idx_bits >= 64 || (max_pushes >> (64 - idx_bits)) != 0)
        return -1;
    q->idx_bits = idx_bits;
    q->idx_mask = ((uint64_t)1 << idx_bits) - 1;
    q->next_key = 0;
    /* N_SLOTS - 4: room for the rounding of the two floors */
    q->inv_delta = max_move > 0.0 && isfinite(max_move) ? (double)(N_SLOTS - 4) / max_move : 0.0;
    return 0;
}

static inline int q_push(senda_ctx *ctx, queue *q, double cost, size_t idx)
{
    qentry e = {cost, q->next_key | (uint64_t)idx};
    q->next_key += (uint64_t)1 << q->idx_bits;
    uint64_t s = slot_number(q, cost);
    q->n++;
    if (s == q->cur) {
        if (v_append(ctx, &q->blocks, &q->block_used, &q->heap, e) != 0)
            return -1;
        heap_up(&q->heap, q->heap.n - 1);
        return 0;
    }
    return v_append(ctx, &q->blocks, &q->block_used, &q->slot[s % N_SLOTS], e);
}

/* The cells of the slot PF_DIST slots after the one just made current are
 * settled soon (that slot is nearly complete: a push lands on average
 * thousands of slots ahead): start loading their neighbourhoods now, so the
 * memory latency overlaps (the run is bound by cache misses on the
 * frontier, which wanders over the grid). A few slots of lead measured
 * 2-10 % faster than prefetching the current slot; 16 is slower again.
 * Two stages: PF_FAR slots ahead only the accumulated cost of each entry's
 * cell is fetched; when that slot comes PF_DIST ahead, its entries already
 * stale (a cheaper push of their cell came later, and costs only fall, so
 * they stay stale) are dropped, and only the live ones get their
 * neighbourhoods fetched: about half the entries are stale, and their
 * neighbourhoods were the wasted half of the memory traffic. Dropping them
 * early leaves the pop order of the others unchanged. */
#define PF_DIST 4
#define PF_FAR 12
static inline void prefetch_slot(queue *q)
{
    /* addresses as integers: a neighbourhood may reach past the arrays, which
     * a prefetch tolerates but pointer arithmetic must not do */
    uintptr_t c0 = (uintptr_t)q->pf_cost, a0 = (uintptr_t)q->pf_accum;
    uintptr_t x0 = (uintptr_t)q->pf_aux;
    const qvec *far = &q->slot[(q->cur + PF_FAR) % N_SLOTS];
    for (size_t k = 0; k < far->n; k++)
        __builtin_prefetch(q->pf_accum + (far->a[k].key & q->idx_mask));
    qvec *v = &q->slot[(q->cur + PF_DIST) % N_SLOTS];
    size_t m = 0;
    for (size_t k = 0; k < v->n; k++) {
        qentry e = v->a[k];
        size_t cell = (size_t)(e.key & q->idx_mask);
        if (e.cost > q->pf_accum[cell])
            continue;
        v->a[m++] = e;
        uintptr_t i = (uintptr_t)cell * sizeof(double);
        for (int r = -q->pf_rows; r <= q->pf_rows; r++) {
            uintptr_t d = (uintptr_t)((ptrdiff_t)r * q->pf_row * (ptrdiff_t)sizeof(double));
            __builtin_prefetch((const void *)(c0 + i + d));
            __builtin_prefetch((const void *)(a0 + i + d));
            if (x0)
                __builtin_prefetch((const void *)(x0 + i + d));
        }
    }
    q->n -= v->n - m;
    v->n = m;
    __builtin_prefetch(q->slot[(q->cur + 1) % N_SLOTS].a);
    __builtin_prefetch(q->slot[(q->cur + PF_DIST + 1) % N_SLOTS].a);
    __builtin_prefetch(q->slot[(q->cur + PF_FAR + 1) % N_SLOTS].a);
}

/* Pop the least live entry into *out; 0 when none is left. */
static inline int q_pop(queue *q, qentry *out)
{
    while (q->heap.n == 0) {
        if (q->n == 0)
            return 0;
        /* advance to the next non-empty slot and make it the heap */
        qvec *v = &q->slot[++q->cur % N_SLOTS];
        if (v->n == 0)
            continue;
        qvec t = q->heap;
        q->heap = *v;
        *v = t;
        prefetch_slot(q);
        /* drop the entries already stale (a cheaper push of their cell came
         * later; costs only fall, so they stay stale): the pop order of the
         * others is unchanged */
        size_t m = 0;
        for (size_t i = 0; i < q->heap.n; i++) {
            qentry e = q->heap.a[i];
            if (!(e.cost > q->pf_accum[e.key & q->idx_mask]))
                q->heap.a[m++] = e;
        }
        q->n -= q->heap.n - m;
        q->heap.n = m;
        for (size_t i = q->heap.n / 2; i-- > 0;)
            heap_down(&q->heap, i);
    }
    *out = q->heap.a[0];
    q->heap.a[0] = q->heap.a[--q->heap.n];
    if (q->heap.n > 0)
        heap_down(&q->heap, 0);
    q->n--;
    return 1;
}

static inline void q_free(queue *q)
{
    for (unsigned s = 0; s < N_SLOTS; s++)
        if (q->slot[s].cap > Q_FIRST)
            senda__free(q->slot[s].a);
    if (q->heap.cap > Q_FIRST)
        senda__free(q->heap.a);
    while (q->blocks) {
        qblock *b = q->blocks;
        q->blocks = b->next;
        senda__free(b);
    }
}

/* Count one settled cell of n and report progress every 1 % (the first
 * call sets the step); 0 when the callback asks to stop. */
static inline int q_report_settled(senda_ctx *ctx, senda_progress_fn progress, void *arg,
                                   size_t *n_settled, size_t *next_report, size_t n)
{
    size_t step = n / 100 + 1;
    if (*next_report == 0)
        *next_report = step;
    if (++*n_settled < *next_report)
        return 1;
    *next_report += step;
    return senda__progress(ctx, progress, arg, (double)*n_settled / (double)n, NULL);
}

/* ---------------------------------------------------------------------
 * Dial's bucket queue (Dial 1969, "Algorithm 360", CACM 12(11)) for a
 * search in which every move costs at least w > 0: bucket j holds the
 * cells whose cost lies in [j w, (j + 1) w), so a cell's cost, once its
 * bucket is current, cannot fall any more (any path into it through a cell
 * of the same bucket costs one more move, >= w), and the cells of a bucket
 * are expanded in any order: no heap, no ages (the order among equal costs
 * is free; the least costs are the same). An entry is a 4-byte cell index;
 * its cost is read from the caller's cost array when the bucket comes, and
 * a cell gets at most one entry per bucket (a push into the bucket already
 * holding it only lowers the cost there). A push below the current bucket,
 * which a move of cost < w (a wrong w, or rounding at huge costs) would
 * make, is appended to the current bucket and its cell expanded again:
 * label-correcting, so still exact, only slower. The buckets are circular:
 * B > max_move / w + 2 of them (every push lands within max_move of the
 * current cost).
 * ------------------------------------------------------------------- */
typedef struct {
    uint32_t *a;
    size_t n, cap;
} bq_vec;

typedef struct {
    bq_vec *b;
    bq_vec tmp;       /* bq_sort_bands' scratch */
    uint32_t *count;  /* bq_sort_bands' counts, n_keys + 1 */
    size_t n_keys;
    unsigned band_shift;
    uint64_t n_b;     /* buckets in the ring, a power of two */
    uint64_t cur;     /* number of the current bucket, floor(cost / w) */
    double inv_width; /* 1 / w */
    size_t n;         /* entries in all buckets */
} bqueue;

#define BQ_MAX_BUCKETS ((uint64_t)1 << 16)

static inline uint64_t bq_bucket(const bqueue *q, double cost)
{
    return (uint64_t)(cost * q->inv_width);
}

/* width: the least cost of one move (> 0), max_move: the largest; n_cells
 * the grid's cells. 1 when the ring would be too large or a cell index does
 * not fit 32 bits (use the calendar queue then), -1 out of memory. */
static inline int bq_init(senda_ctx *ctx, bqueue *q, double width, double max_move,
                          size_t n_cells)
{
    memset(q, 0, sizeof *q);
    if (!(width > 0.0) || !isfinite(max_move) || (uint64_t)n_cells > UINT32_MAX ||
        !(max_move / width < (double)(BQ_MAX_BUCKETS - 3)))
        return 1;
    q->inv_width = 1.0 / width;
    q->n_b = 4; /* a power of two: the ring index is a mask, not a 64-bit division */
    while (q->n_b < (uint64_t)(max_move * q->inv_width) + 3)
        q->n_b *= 2;
    q->b = senda__calloc(ctx, (size_t)q->n_b, sizeof *q->b);
    return q->b ? 0 : -1;
}

static inline int bq_append(senda_ctx *ctx, bq_vec *v, uint32_t cell)
{
    if (__builtin_expect(v->n == v->cap, 0)) {
        uint32_t *a = senda__grow(ctx, v->a, v->n, &v->cap, sizeof *a, 64);
        if (!a)
            return -1;
        v->a = a;
    }
    v->a[v->n++] = cell;
    return 0;
}

/* The cost of cell lowered from old (NaN: unreached) to cost: queue it in
 * cost's bucket unless it is there already. -1 out of memory. */
static inline int bq_push(senda_ctx *ctx, bqueue *q, size_t cell, double old, double cost)
{
    uint64_t j = bq_bucket(q, cost);
    if (__builtin_expect(j <= q->cur, 0))
        j = q->cur; /* expanded again in the current bucket: see above */
    else if (!isnan(old) && bq_bucket(q, old) == j)
        return 0;
    q->n++;
    return bq_append(ctx, &q->b[j & (q->n_b - 1)], (uint32_t)cell);
}

/* Order the entries of v by band of rows (cell >> band_shift: 4 to 8 rows
 * a band), a stable counting sort; no-op for short buckets. The cells of a
 * bucket lie all around the search's frontier in the order they were
 * pushed; expanded band by band, consecutive cells share cache lines and
 * pages (4 KB pages: TLB misses, each a two-level page walk on a virtual
 * machine, were a fifth of a run with knight's moves). The order of a
 * bucket's cells does not change the result. -1 out of memory. */
static inline int bq_sort_bands(senda_ctx *ctx, bqueue *q, bq_vec *v, size_t n_rows, size_t n_cols)
{
    if (v->n < 64)
        return 0;
    if (!q->count) {
        q->band_shift = 2;
        while (((size_t)1 << q->band_shift) < 4 * n_cols)
            q->band_shift++;
        q->n_keys = ((n_rows * n_cols) >> q->band_shift) + 1;
        if (!(q->count = senda__calloc(ctx, q->n_keys + 1, sizeof *q->count)))
            return -1;
    }
    if (q->tmp.cap < v->n) {
        uint32_t *a = senda__realloc(ctx, q->tmp.a, v->cap * sizeof *a);
        if (!a)
            return -1;
        q->tmp.a = a;
        q->tmp.cap = v->cap;
    }
    uint32_t *count = q->count;
    memset(count, 0, (q->n_keys + 1) * sizeof *count);
    for (size_t i = 0; i < v->n; i++)
        count[(v->a[i] >> q->band_shift) + 1]++;
    for (size_t k = 1; k <= q->n_keys; k++)
        count[k] += count[k - 1];
    for (size_t i = 0; i < v->n; i++)
        q->tmp.a[count[v->a[i] >> q->band_shift]++] = v->a[i];
    bq_vec t = *v;
    v->a = q->tmp.a;
    v->cap = q->tmp.cap;
    q->tmp.a = t.a;
    q->tmp.cap = t.cap;
    return 0;
}

static inline void bq_free(bqueue *q)
{
    senda__free(q->tmp.a);
    senda__free(q->count);
    for (uint64_t j = 0; q->b && j < q->n_b; j++)
        senda__free(q->b[j].a);
    senda__free(q->b);
}

#endif
