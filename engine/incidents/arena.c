/*
 * arena.c - the chunked string arena that holds one import batch's strings
 * (row.c copies parsed values into it, import.c resets it per batch).
 * Strings are appended into 1 MiB blocks (a longer string gets a block of
 * its own) and never move until reset; reset keeps the blocks for the next
 * batch, free releases them. Append O(length) amortised; memory is the
 * largest batch's strings rounded up to whole blocks.
 */
#include <string.h>

#include "incidents/import_int.h"

#define ARENA_BLOCK (1u << 20)

/* n bytes at a multiple of align (a power of two, at most 8: a block's data is
 * 8-aligned) in the arena. */
static char *take(senda_ctx *ctx, senda__arena *a, size_t n, size_t align)
{
    arena_block *b = a->cur;
    while (b && ((b->used + align - 1) & ~(align - 1)) + n > b->cap)
        b = b->next;
    if (!b) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = senda__malloc(ctx, sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0, b->cap = cap, b->next = NULL;
        if (a->cur) { /* append after cur, keeping later free blocks */
            b->next = a->cur->next;
            a->cur->next = b;
        } else {
            a->head = b;
        }
    }
    a->cur = b;
    b->used = (b->used + align - 1) & ~(align - 1);
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

char *senda__arena_strndup(senda_ctx *ctx, senda__arena *a, const char *s, size_t n)
{
    char *p = take(ctx, a, n + 1, 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void *senda__arena_alloc(senda_ctx *ctx, senda__arena *a, size_t n)
{
    return take(ctx, a, n, sizeof(void *));
}

void senda__arena_reset(senda__arena *a)
{
    for (arena_block *b = a->head; b; b = b->next)
        b->used = 0;
    a->cur = a->head;
}

void senda__arena_free(senda__arena *a)
{
    for (arena_block *b = a->head, *n; b; b = n) {
        n = b->next;
        senda__free(b);
    }
    a->head = a->cur = NULL;
}
