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

char *senda__arena_strndup(senda_ctx *ctx, senda__arena *a, const char *s, size_t n)
{
    arena_block *b = a->cur;
    while (b && b->used + n + 1 > b->cap)
        b = b->next;
    if (!b) {
        size_t cap = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;
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
    char *p = b->data + b->used;
    memcpy(p, s, n);
    p[n] = '\0';
    b->used += n + 1;
    return p;
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
