/*
 * sbuf.c - a growing text buffer for the XML, JSON and SQL the product
 * writer generates. Appends are amortised O(1) (capacity doubles); after a
 * failed allocation the buffer ignores further appends and says so once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io/gpkg_int.h"

void senda__sb_init(senda__sbuf *b, senda_ctx *ctx)
{
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
}

static int reserve(senda__sbuf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = senda__realloc(b->ctx, b->s, cap);
    if (!s) {
        b->failed = 1;
        return 0;
    }
    b->s = s;
    b->cap = cap;
    return 1;
}

void senda__sb_printf(senda__sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void put(senda__sbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void senda__sb_xml(senda__sbuf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '<': put(b, "&lt;", 4); break;
        case '>': put(b, "&gt;", 4); break;
        case '&': put(b, "&amp;", 5); break;
        case '"': put(b, "&quot;", 6); break;
        case '\'': put(b, "&apos;", 6); break;
        default: put(b, p, 1);
        }
    }
}

void senda__sb_sql(senda__sbuf *b, const char *text)
{
    for (const char *p = text; *p; p++)
        put(b, *p == '\'' ? "''" : p, *p == '\'' ? 2 : 1);
}

void senda__sb_free(senda__sbuf *b)
{
    senda__free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
