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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

senda_status senda__fail_gdal(senda_ctx *ctx, senda_status status, const char *fmt, ...)
{
    char gdal_msg[600] = "";
    const char *last = CPLGetLastErrorMsg();
    if (last && last[0])
        snprintf(gdal_msg, sizeof gdal_msg, "GDAL: %s", last);
    va_list ap;
    va_start(ap, fmt);
    vfail(ctx, status, gdal_msg, fmt, ap);
    va_end(ap);
    return status;
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
