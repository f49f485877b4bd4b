/*
 * ctx.c - the senda context: GEOS and PROJ per-context handles, the message
 * of the last failure, and the log callback.
 *
 * Each context owns one GEOSContextHandle_t (GEOS_init_r) whose error and
 * notice handlers write into the context, never into a global buffer (the
 * lesson of PostGIS's lwgeom_geos_errmsg), and one PJ_CONTEXT. A context is
 * used by one thread at a time. GDAL's error state is per thread; callers
 * reset it with CPLErrorReset() before a GDAL call whose message they want.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core_int.h"

#ifndef SENDA_VERSION
#define SENDA_VERSION "0.0.0"
#endif

static void geos_error(const char *message, void *userdata)
{
    senda_ctx *ctx = userdata;
    snprintf(ctx->errmsg, sizeof ctx->errmsg, "GEOS: %s", message);
}

static void geos_notice(const char *message, void *userdata)
{
    senda__log(userdata, 0, "GEOS: %s", message);
}

senda_status senda_ctx_create(senda_ctx **out)
{
    if (!out)
        return SENDA_ERR_ARG;
    *out = NULL;
    senda_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return SENDA_ERR_NOMEM;
    ctx->geos = GEOS_init_r();
    ctx->proj = proj_context_create();
    if (!ctx->geos || !ctx->proj) {
        senda_ctx_destroy(ctx);
        return SENDA_ERR_INTERNAL;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_error, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice, ctx);
    proj_log_level(ctx->proj, PJ_LOG_NONE);
    /* GDAL's default handler prints; the library never does. Messages are
     * still kept for CPLGetLastErrorMsg(). The handler stack is per thread,
     * like the context. */
    CPLPushErrorHandler(CPLQuietErrorHandler);
    ctx->gdal_handler_pushed = 1;
    *out = ctx;
    return SENDA_OK;
}

void senda_ctx_destroy(senda_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    if (ctx->proj)
        proj_context_destroy(ctx->proj);
    if (ctx->gdal_handler_pushed)
        CPLPopErrorHandler();
    free(ctx);
}

const char *senda_ctx_errmsg(const senda_ctx *ctx)
{
    return ctx ? ctx->errmsg : "no context";
}

void senda_ctx_set_log(senda_ctx *ctx, senda_log_fn fn, void *arg)
{
    if (!ctx)
        return;
    ctx->log = fn;
    ctx->log_arg = arg;
}

void senda_ctx_fail_alloc_after(senda_ctx *ctx, long n)
{
    if (ctx)
        ctx->alloc_fail_after = n > 0 ? n : 0;
}

const char *senda_status_name(senda_status status)
{
    switch (status) {
    case SENDA_OK: return "ok";
    case SENDA_ERR_ARG: return "invalid argument";
    case SENDA_ERR_NOMEM: return "out of memory";
    case SENDA_ERR_IO: return "input/output error";
    case SENDA_ERR_CRS: return "coordinate reference system error";
    case SENDA_ERR_GEOM: return "geometry error";
    case SENDA_ERR_DATA: return "unusable data";
    case SENDA_ERR_CANCELLED: return "cancelled";
    case SENDA_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *senda_version(void)
{
    return SENDA_VERSION;
}

/* GDAL's "0...10...20...30...40...50...60...70...80...90...100 - done."
 * (GDALTermProgress), but on stderr: stdout is for data. A dot every 2.5 %,
 * the number every 10 %. The last printed step is kept per thread. */
int senda_progress_term(double complete, const char *message, void *arg)
{
    static _Thread_local int last_tick = -1;
    (void)message;
    (void)arg;
    int tick = (int)(complete * 40.0 + 1e-9);
    if (tick > 40)
        tick = 40;
    if (tick < last_tick || (complete <= 0.0 && last_tick >= 0))
        last_tick = -1; /* a new run */
    while (last_tick < tick) {
        last_tick++;
        if (last_tick % 4 == 0)
            fprintf(stderr, "%d", last_tick / 4 * 10);
        else
            fputc('.', stderr);
    }
    if (tick == 40 && last_tick == 40) {
        fputs(" - done.\n", stderr);
        last_tick = 41; /* print "done" once */
    }
    fflush(stderr);
    return 1;
}

void senda_free(void *p)
{
    free(p);
}

void senda__reset(senda_ctx *ctx)
{
    if (ctx)
        ctx->errmsg[0] = '\0';
}

static senda_status vfail(senda_ctx *ctx, senda_status status, const char *suffix,
                          const char *fmt, va_list ap)
{
    if (!ctx)
        return status;
    int n = vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    if (suffix && suffix[0] && n >= 0 && (size_t)n < sizeof ctx->errmsg)
        snprintf(ctx->errmsg + n, sizeof ctx->errmsg - (size_t)n, ": %s", suffix);
    return status;
}

senda_status senda__fail(senda_ctx *ctx, senda_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ctx, status, NULL, fmt, ap);
    va_end(ap);
    return status;
}

/* A dependency's message made fit for a user: SQL text GDAL quotes
 * ("sqlite3_exec(CREATE TABLE ...) failed: why") is cut down to the why, and
 * a full disk is said in words. */
static void clean_dependency_msg(const char *dep, const char *msg, char *out, size_t n)
{
    const char *sql = strstr(msg, "sqlite3_exec(");
    const char *why = sql ? strstr(sql, ") failed: ") : NULL;
    if (why)
        msg = why + strlen(") failed: ");
    else if (sql)
        msg = "an SQLite statement failed";
    if (strstr(msg, "disk is full") || strstr(msg, "No space left"))
        snprintf(out, n, "the disk is full (%s: %s)", dep, msg);
    else
        snprintf(out, n, "%s: %s", dep, msg);
}

senda_status senda__fail_gdal(senda_ctx *ctx, senda_status status, const char *fmt, ...)
{
    char gdal_msg[600] = "";
    const char *last = CPLGetLastErrorMsg();
    if (last && last[0])
        clean_dependency_msg("GDAL", last, gdal_msg, sizeof gdal_msg);
    va_list ap;
    va_start(ap, fmt);
    vfail(ctx, status, gdal_msg, fmt, ap);
    va_end(ap);
    return status;
}

senda_status senda__fail_errno(senda_ctx *ctx, int err, const char *path, const char *what)
{
    if (err == ENOSPC || err == EDQUOT)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: %s: the disk is full (%s)", path, what,
                           strerror(err));
    return senda__fail(ctx, SENDA_ERR_IO, "%s: %s: %s", path, what,
                       err ? strerror(err) : "unknown error");
}

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

void senda__gdal_register(void)
{
    pthread_once(&gdal_once, GDALAllRegister);
}

senda_status senda__gdal_close(senda_ctx *ctx, GDALDatasetH ds, const char *path,
                               senda_status st)
{
    if (!ds)
        return st;
    if (st == SENDA_OK)
        CPLErrorReset();
    GDALClose(ds); /* writes what is still buffered: a full disk shows here */
    if (st == SENDA_OK && CPLGetLastErrorType() >= CE_Failure)
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot finish writing", path);
    return st;
}

senda_status senda__fclose_checked(senda_ctx *ctx, FILE *fp, const char *path)
{
    /* Buffered data reaches the disk at fflush/fclose: ENOSPC shows there. */
    int err = 0, had_error = ferror(fp);
    if (fflush(fp) != 0)
        err = errno;
    else if (had_error)
        err = EIO; /* an earlier write failed and its errno is gone */
    if (fsync(fileno(fp)) != 0 && !err && errno != EINVAL)
        err = errno;
    if (fclose(fp) != 0 && !err)
        err = errno;
    return err ? senda__fail_errno(ctx, err, path, "cannot write") : SENDA_OK;
}

void senda__log(senda_ctx *ctx, int level, const char *fmt, ...)
{
    if (!ctx || !ctx->log)
        return;
    char buf[SENDA_ERRMSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log(level, buf, ctx->log_arg);
}

size_t senda__strlcpy(char *dst, const char *src, size_t dst_size)
{
    size_t n = strlen(src);
    if (dst_size) {
        size_t k = n < dst_size - 1 ? n : dst_size - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}

void senda_config_set(const char *key, const char *value)
{
    if (key && key[0])
        CPLSetConfigOption(key, value);
}

int senda__store_is_pg(const char *store)
{
    return store && (strncasecmp(store, "PG:", 3) == 0 || strncmp(store, "postgresql://", 13) == 0 ||
                     strncmp(store, "postgres://", 11) == 0);
}
