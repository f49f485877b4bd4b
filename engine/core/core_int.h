/*
 * core_int.h - engine-internal helpers shared by every module: the context
 * layout, failure and warning helpers, allocation through the context, and
 * scaled progress.
 */
#ifndef SENDA_CORE_INT_H
#define SENDA_CORE_INT_H

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>
#include <stdarg.h>
#include <stdio.h>

#include "senda.h"

#define SENDA_ERRMSG_LEN 1024

/** Relative tolerance for comparing doubles that went through arithmetic. */
#define SENDA_FP_TOLERANCE 1e-12

struct senda_ctx {
    char errmsg[SENDA_ERRMSG_LEN];
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    senda_log_fn log;
    void *log_arg;
    int gdal_handler_pushed;
    long alloc_fail_after; /* 0 = off; else the countdown to a failing allocation */
};

#if defined(__GNUC__)
#define SENDA_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SENDA_PRINTF(a, b)
#endif

/** Clear the message at a public entry point (GDAL CPLErrorReset). */
void senda__reset(senda_ctx *ctx);

/* Seeded random streams (rng.c): the state for stream `stream` of `seed`,
 * both mixed so different seeds and streams are independent; the next
 * 64 random bits; a uniform double in [0, 1) with 53 random bits. */
uint64_t senda__mix64(uint64_t z);
uint64_t senda__rng_seed(uint64_t seed, uint64_t stream);
uint64_t senda__rng_next(uint64_t *state);
double senda__rng_uniform(uint64_t *state);

/** Set the context message and return status:
 *  return senda__fail(ctx, SENDA_ERR_ARG, "cell size must be > 0, got %g", c); */
senda_status senda__fail(senda_ctx *ctx, senda_status status, const char *fmt, ...)
    SENDA_PRINTF(3, 4);

/** "<path>: <what>: <strerror(err)>", saying "the disk is full" for ENOSPC/EDQUOT. */
senda_status senda__fail_errno(senda_ctx *ctx, int err, const char *path, const char *what);
/** GDALAllRegister() once per process, whichever thread comes first: a second call
 *  while the first registers drivers in another thread crashes in GDAL. */
void senda__gdal_register(void);
/** Close a dataset written to path (NULL is a no-op); when st is SENDA_OK, a GDAL error
 *  raised while closing (the final flush) fails with the path. Returns the status. */
senda_status senda__gdal_close(senda_ctx *ctx, GDALDatasetH ds, const char *path,
                               senda_status st);
/** Flush, sync and close fp (always closed), failing with senda__fail_errno when a write
 *  failed now or earlier (ferror). */
senda_status senda__fclose_checked(senda_ctx *ctx, FILE *fp, const char *path);
/** As senda__fail, appending ": GDAL: <CPLGetLastErrorMsg()>" when GDAL has one (SQL
 *  text cut out; a full disk said in words). */
senda_status senda__fail_gdal(senda_ctx *ctx, senda_status status, const char *fmt, ...)
    SENDA_PRINTF(3, 4);

/** Emit a note (level 0) or warning (level 1) through the log callback. */
void senda__log(senda_ctx *ctx, int level, const char *fmt, ...) SENDA_PRINTF(3, 4);

/** Allocation through the context (so tests can make the Nth one fail).
 *  On failure the context message is set and NULL returned. */
void *senda__malloc(senda_ctx *ctx, size_t n);
void *senda__calloc(senda_ctx *ctx, size_t n, size_t size);
/** n_a * n_b bytes, zeroed, with an overflow check (GDAL VSIMalloc2). */
void *senda__calloc2(senda_ctx *ctx, size_t n_a, size_t n_b);
void *senda__realloc(senda_ctx *ctx, void *p, size_t n);
/** An array arr holding n of *cap elements of size bytes, with room for one
 *  more: arr itself while n < *cap, else its reallocation to twice the
 *  capacity (first elements when *cap is 0), *cap updated. NULL when that
 *  failed (arr is then unchanged and still the caller's, message set). */
void *senda__grow(senda_ctx *ctx, void *arr, size_t n, size_t *cap, size_t size, size_t first);
/* Ask the kernel to back a large array (>= 4 MiB) with huge pages: a
 * search that wanders over a grid is otherwise bound by TLB misses.
 * collapse = 1 for memory already filled (MADV_COLLAPSE, Linux 6.1: the
 * pages are copied), 0 before the first touch (MADV_HUGEPAGE: huge pages
 * from the first fault, nothing copied). Only advice: failures are ignored,
 * and elsewhere than on Linux it does nothing. */
void senda__advise_huge(const void *p, size_t bytes, int collapse);
char *senda__strdup(senda_ctx *ctx, const char *s);
/** Free what senda__malloc and friends returned (NULL is a no-op). */
void senda__free(void *p);

/** A scaled progress: calls to senda__progress_sub_fn with complete in
 *  [0, 1] reach parent as lo + complete * (hi - lo). It has GDAL's
 *  signature, so it can be passed to GDAL calls too. */
typedef struct senda__progress_sub {
    senda_progress_fn parent;
    void *parent_arg;
    double lo, hi;
} senda__progress_sub_t;

senda__progress_sub_t senda__progress_sub(senda_progress_fn parent, void *parent_arg, double lo,
                                        double hi);
int senda__progress_sub_fn(double complete, const char *message, void *arg);

/** Report progress; returns 0 when the caller asked to stop (and then the
 *  context message is set to "cancelled"). NULL fn always goes on. */
int senda__progress(senda_ctx *ctx, senda_progress_fn fn, void *arg, double complete,
                    const char *message);

/** SHA-256 (FIPS 180-4, through libcrypto) as 64 lower-case hex digits:
 *  of a buffer, of a NUL-terminated text, of a file's bytes. */
void senda__sha256(const void *data, size_t n, char hex[65]);
void senda__sha256_text(const char *text, char hex[65]);
/** 32 digest bytes as 64 lower-case hex digits. */
void senda__sha256_hex(const unsigned char *md, char hex[65]);
senda_status senda__sha256_file(senda_ctx *ctx, const char *path, char hex[65]);

/** Copy at most dst_size - 1 bytes and terminate (strlcpy). */
size_t senda__strlcpy(char *dst, const char *src, size_t dst_size);
/** 1 when a store argument names a PostgreSQL database ("PG:...", as GDAL
 *  spells it, or a postgresql:// / postgres:// URI), not a file. */
int senda__store_is_pg(const char *store);

#endif /* SENDA_CORE_INT_H */
