/*
 * aggregate.c - merge small units into larger ones until every published
 * figure is 0 or at least k ("aggregate, don't suppress").
 *
 * The units form a tree (municipality -> state -> country -> corridor; cell
 * -> 2x cell -> ... -> corridor; month -> quarter -> year -> all; type ->
 * all types). Bottom-up, each leaf whose counts (incidents and victims) are
 * each 0 or >= k is a group of its own; the others go into the pool of
 * their parent. At a node the pool (what its children could not publish) is
 * published as one group ("rest of <node>") when it meets the rule; when it
 * does not, the groups already published under the node are merged into it
 * one at a time, smallest incident count first (zeros first, so the pool's
 * shape says nothing about where inside it the incidents are), until it
 * does; a node that cannot reach k even whole passes everything to its
 * parent. The root must reach k
 * (else nothing can be published). So no group, and no geometry written for
 * one, holds 1..k-1 incidents or victims, and the groups partition the
 * atoms: no published figure is the sum of others (no differencing within
 * one table). This is the recoding (global and local) of statistical
 * disclosure control as in the OCHA Centre for Humanitarian Data guidance,
 * with the threshold rule k = 11 of the Counter-Trafficking Data
 * Collaborative. Complexity O(n depth + m g) for n nodes, g groups and m merges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "privacy/privacy_int.h"

typedef struct {
    senda__agg_node *nodes;
    size_t n;
    long k;
    size_t *order;  /* nodes in depth-first order */
    size_t *first;  /* node -> its position in order */
    size_t *end;    /* node -> one past its subtree's last position */
    size_t *child;  /* children lists, CSR */
    size_t *cstart;
    long (*tot)[SENDA__N_M];
    long (*rem)[SENDA__N_M];
    unsigned char *has_rem, *has_pub;
    senda__agg_group *groups;
    size_t n_groups, cap_groups;
    unsigned char *dead;
} agg;

static int ok(const long *m, long k)
{
    for (int j = 0; j < SENDA__AGG_CRIT; j++)
        if (m[j] != 0 && m[j] < k)
            return 0;
    return 1;
}

static int is_leaf(const agg *a, size_t v) { return a->cstart[v] == a->cstart[v + 1]; }

/* A new group of the pending leaves (group == -1) of v's subtree. */
static senda_status new_group(senda_ctx *ctx, agg *a, size_t v, const char *label, int whole)
{
    if (a->n_groups == a->cap_groups) {
        size_t cap = a->cap_groups ? 2 * a->cap_groups : 64;
        senda__agg_group *g = senda__realloc(ctx, a->groups, cap * sizeof *g);
        unsigned char *d = senda__realloc(ctx, a->dead, cap);
        if (!g || !d) {
            if (g)
                a->groups = g;
            if (d)
                a->dead = d;
            return SENDA_ERR_NOMEM;
        }
        a->groups = g;
        a->dead = d;
        a->cap_groups = cap;
    }
    size_t gi = a->n_groups++;
    memset(&a->groups[gi], 0, sizeof a->groups[gi]);
    a->dead[gi] = 0;
    a->groups[gi].node = (long)v;
    (void)whole;
    snprintf(a->groups[gi].label, sizeof a->groups[gi].label, "%s", label);
    for (size_t p = a->first[v]; p < a->end[v]; p++) {
        senda__agg_node *nd = &a->nodes[a->order[p]];
        if (is_leaf(a, a->order[p]) && nd->group == -1) {
            nd->group = (long)gi;
            for (int j = 0; j < SENDA__N_M; j++)
                a->groups[gi].m[j] += nd->m[j];
        }
    }
    return SENDA_OK;
}

/* The label of the pool formed at v: v itself when whole, else its "rest"
 * label, else the labels of the children that have pending leaves. */
static void pool_label(const agg *a, size_t v, int whole, char *out, size_t size)
{
    if (whole || v == 0) {
        snprintf(out, size, "%s", a->nodes[v].label);
        if (!whole && a->nodes[v].rest[0])
            snprintf(out, size, "%s", a->nodes[v].rest);
        return;
    }
    if (a->nodes[v].rest[0]) {
        snprintf(out, size, "%s", a->nodes[v].rest);
        return;
    }
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = a->cstart[v]; i < a->cstart[v + 1]; i++) {
        size_t c = a->child[i];
        int pending = 0;
        for (size_t p = a->first[c]; p < a->end[c] && !pending; p++)
            pending = is_leaf(a, a->order[p]) && a->nodes[a->order[p]].group == -1;
        if (!pending)
            continue;
        int w = snprintf(out + used, size - used, "%s%s", used ? "+" : "", a->nodes[c].label);
        if (w < 0 || (size_t)w >= size - used) {
            snprintf(out, size, "part of %s", a->nodes[v].label);
            return;
        }
        used += (size_t)w;
    }
}

senda_status senda__aggregate(senda_ctx *ctx, senda__agg_node *nodes, size_t n, long k,
                              senda__agg_group **groups, size_t *n_groups)
{
    *groups = NULL;
    *n_groups = 0;
    if (n == 0 || nodes[0].parent != -1)
        return senda__fail(ctx, SENDA_ERR_ARG, "aggregate: node 0 must be the root");
    agg a;
    memset(&a, 0, sizeof a);
    a.nodes = nodes;
    a.n = n;
    a.k = k;
    senda_status st = SENDA_OK;
    size_t *stack = NULL, *pub = NULL;
    a.order = senda__calloc(ctx, n, sizeof *a.order);
    a.first = senda__calloc(ctx, n, sizeof *a.first);
    a.end = senda__calloc(ctx, n, sizeof *a.end);
    a.child = senda__calloc(ctx, n, sizeof *a.child);
    a.cstart = senda__calloc(ctx, n + 1, sizeof *a.cstart);
    a.tot = senda__calloc(ctx, n, sizeof *a.tot);
    a.rem = senda__calloc(ctx, n, sizeof *a.rem);
    a.has_rem = senda__calloc(ctx, n, 1);
    a.has_pub = senda__calloc(ctx, n, 1);
    stack = senda__calloc(ctx, 2 * n, sizeof *stack);
    pub = senda__calloc(ctx, n, sizeof *pub);
    if (!a.order || !a.first || !a.end || !a.child || !a.cstart || !a.tot || !a.rem ||
        !a.has_rem || !a.has_pub || !stack || !pub) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t v = 1; v < n; v++) {
        if (nodes[v].parent < 0 || (size_t)nodes[v].parent >= n || (size_t)nodes[v].parent == v) {
            st = senda__fail(ctx, SENDA_ERR_ARG, "aggregate: node %zu has a bad parent", v);
            goto done;
        }
        a.cstart[nodes[v].parent + 1]++;
    }
    for (size_t v = 0; v < n; v++)
        a.cstart[v + 1] += a.cstart[v];
    {
        size_t *fill = pub; /* scratch */
        memcpy(fill, a.cstart, n * sizeof *fill);
        for (size_t v = 1; v < n; v++)
            a.child[fill[nodes[v].parent]++] = v;
    }
    /* depth-first order; post-order processing walks it backwards */
    size_t sp = 0, pos = 0;
    stack[sp++] = 0;
    while (sp) {
        size_t v = stack[--sp];
        if (v >= n) { /* closing marker */
            a.end[v - n] = pos;
            continue;
        }
        a.first[v] = pos;
        a.order[pos++] = v;
        stack[sp++] = v + n;
        for (size_t i = a.cstart[v + 1]; i > a.cstart[v]; i--)
            stack[sp++] = a.child[i - 1];
    }
    if (pos != n) {
        st = senda__fail(ctx, SENDA_ERR_ARG, "aggregate: %zu nodes are not under the root",
                         n - pos);
        goto done;
    }
    for (size_t v = 0; v < n; v++)
        nodes[v].group = -1;
    for (size_t p = n; p-- > 0;) {
        size_t v = a.order[p];
        if (is_leaf(&a, v)) {
            memcpy(a.tot[v], nodes[v].m, sizeof a.tot[v]);
            if (ok(nodes[v].m, k)) {
                if ((st = new_group(ctx, &a, v, nodes[v].label, 1)))
                    goto done;
                a.has_pub[v] = 1;
            } else {
                memcpy(a.rem[v], nodes[v].m, sizeof a.rem[v]);
                a.has_rem[v] = 1;
            }
            continue;
        }
        long pool[SENDA__N_M] = {0};
        size_t n_pub = 0;
        int any_rem = 0;
        for (size_t i = a.cstart[v]; i < a.cstart[v + 1]; i++) {
            size_t c = a.child[i];
            for (int j = 0; j < SENDA__N_M; j++) {
                a.tot[v][j] += a.tot[c][j];
                pool[j] += a.rem[c][j];
            }
            any_rem |= a.has_rem[c];
            if (a.has_pub[c])
                pub[n_pub++] = c;
        }
        if (!any_rem) {
            a.has_pub[v] = n_pub > 0;
            continue;
        }
        /* merge the smallest groups already published under v (any depth,
         * zeros first) into the pool until it reaches k */
        size_t merged = 0;
        int whole = 0;
        while (!ok(pool, k)) {
            long best = -1;
            for (size_t g = 0; g < a.n_groups; g++) {
                size_t at = (size_t)a.groups[g].node;
                if (a.dead[g] || a.first[at] < a.first[v] || a.first[at] >= a.end[v])
                    continue;
                if (best < 0 || a.groups[g].m[0] < a.groups[best].m[0])
                    best = (long)g;
            }
            if (best < 0) {
                whole = 1;
                break;
            }
            for (size_t p2 = a.first[v]; p2 < a.end[v]; p2++) {
                senda__agg_node *nd = &nodes[a.order[p2]];
                if (is_leaf(&a, a.order[p2]) && nd->group == best) {
                    for (int j = 0; j < SENDA__N_M; j++)
                        pool[j] += nd->m[j];
                    nd->group = -1;
                }
            }
            a.dead[best] = 1;
            merged++;
        }
        if (!whole) { /* is every leaf of v in the pool? */
            whole = 1;
            for (size_t p2 = a.first[v]; p2 < a.end[v] && whole; p2++)
                whole = !is_leaf(&a, a.order[p2]) || nodes[a.order[p2]].group == -1;
        }
        (void)n_pub;
        (void)merged;
        if (ok(pool, k)) {
            char label[200];
            pool_label(&a, v, whole, label, sizeof label);
            if ((st = new_group(ctx, &a, v, label, whole)))
                goto done;
            a.has_pub[v] = 1;
        } else if (v == 0) {
            st = senda__fail(ctx, SENDA_ERR_DATA,
                             "the data hold %ld incidents and %ld victims in all: a figure of "
                             "1 to k-1 = %ld cannot be published, even for the whole area",
                             pool[0], pool[1], k - 1);
            goto done;
        } else {
            memcpy(a.rem[v], pool, sizeof pool);
            a.has_rem[v] = 1;
        }
    }
    /* compact: live groups in first-leaf order, their sums */
    long *newid = senda__calloc(ctx, a.n_groups ? a.n_groups : 1, sizeof *newid);
    if (!newid) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t g = 0; g < a.n_groups; g++)
        newid[g] = -1;
    size_t ng = 0;
    senda__agg_group *out = senda__calloc(ctx, a.n_groups ? a.n_groups : 1, sizeof *out);
    if (!out) {
        senda__free(newid);
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t p = 0; p < n; p++) {
        size_t v = a.order[p];
        if (!is_leaf(&a, v))
            continue;
        long g = nodes[v].group;
        if (newid[g] < 0) {
            newid[g] = (long)ng;
            out[ng] = a.groups[g];
            memset(out[ng].m, 0, sizeof out[ng].m);
            out[ng].n_atoms = 0;
            ng++;
        }
        senda__agg_group *G = &out[newid[g]];
        for (int j = 0; j < SENDA__N_M; j++)
            G->m[j] += nodes[v].m[j];
        G->n_atoms++;
        G->merged = G->n_atoms > 1;
        nodes[v].group = newid[g];
    }
    senda__free(newid);
    *groups = out;
    *n_groups = ng;
done:
    senda__free(a.order);
    senda__free(a.first);
    senda__free(a.end);
    senda__free(a.child);
    senda__free(a.cstart);
    senda__free(a.tot);
    senda__free(a.rem);
    senda__free(a.has_rem);
    senda__free(a.has_pub);
    senda__free(a.groups);
    senda__free(a.dead);
    senda__free(stack);
    senda__free(pub);
    return st;
}

long senda__agg_add(senda_ctx *ctx, senda__agg_node **nodes, size_t *n, size_t *cap,
                    long parent, const char *code, const char *label, const char *rest)
{
    senda__agg_node *nn = senda__grow(ctx, *nodes, *n, cap, sizeof *nn, 128);
    if (!nn)
        return -1;
    *nodes = nn;
    senda__agg_node *x = &(*nodes)[*n];
    memset(x, 0, sizeof *x);
    x->parent = parent;
    x->group = -1;
    snprintf(x->code, sizeof x->code, "%s", code);
    snprintf(x->label, sizeof x->label, "%s", label);
    snprintf(x->rest, sizeof x->rest, "%s", rest ? rest : "");
    return (long)(*n)++;
}
