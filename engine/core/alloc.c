/*
 * alloc.c - allocation through the context.
 *
 * Every engine allocation goes through these wrappers so that a test can make
 * the Nth one fail (SQLite's *fault.test idea) and check that each path frees
 * what it allocated and reports SENDA_ERR_NOMEM. calloc2 checks the product
 * for overflow before allocating (GDAL VSIMalloc2).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "core_int.h"

/* True when the injected failure fires now. */
static int injected_failure(senda_ctx *ctx)
{
    if (!ctx || ctx->alloc_fail_after <= 0)
        return 0;
    if (--ctx->alloc_fail_after == 0)
        return 1;
    return 0;
}

static void *nomem(senda_ctx *ctx, size_t n)
{
    senda__fail(ctx, SENDA_ERR_NOMEM, "out of memory allocating %zu bytes", n);
    return NULL;
}

void *senda__malloc(senda_ctx *ctx, size_t n)
{
    if (injected_failure(ctx))
        return nomem(ctx, n);
    void *p = malloc(n ? n : 1);
    return p ? p : nomem(ctx, n);
}

void *senda__calloc(senda_ctx *ctx, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return nomem(ctx, SIZE_MAX);
    if (injected_failure(ctx))
        return nomem(ctx, n * size);
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : nomem(ctx, n * size);
}

void *senda__calloc2(senda_ctx *ctx, size_t n_a, size_t n_b)
{
    return senda__calloc(ctx, n_a, n_b);
}

void *senda__realloc(senda_ctx *ctx, void *p, size_t n)
{
    if (injected_failure(ctx))
        return nomem(ctx, n);
    void *q = realloc(p, n ? n : 1);
    return q ? q : nomem(ctx, n);
}

void *senda__grow(senda_ctx *ctx, void *arr, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return arr;
    size_t want = *cap ? 2 * *cap : first;
    if (want < *cap || (size && want > SIZE_MAX / size))
        return nomem(ctx, SIZE_MAX);
    void *g = senda__realloc(ctx, arr, want * size);
    if (g)
        *cap = want;
    return g;
}

char *senda__strdup(senda_ctx *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = senda__malloc(ctx, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void senda__free(void *p)
{
    free(p);
}

void senda__advise_huge(const void *p, size_t bytes, int collapse)
{
#if defined(__linux__)
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    uintptr_t hi = ((uintptr_t)p + bytes) & ~((uintptr_t)page - 1);
    if (page <= 0 || bytes < ((size_t)4 << 20) || hi <= lo)
        return;
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
    (void)madvise((void *)lo, hi - lo, collapse ? MADV_COLLAPSE : MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
    (void)collapse;
#endif
}
