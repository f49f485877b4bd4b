/*
 * privacy_int.h - internals of the privacy module (senda publish): the units
 * incidents are counted on, aggregation until every figure is 0 or >= k, the
 * release ledger and the disclosure auditor.
 */
#ifndef SENDA_PRIVACY_INT_H
#define SENDA_PRIVACY_INT_H

#include <stddef.h>

#include <json-c/json.h>
#include <ogr_api.h>

#include "core/core_int.h"

/* ---- aggregation (aggregate.c) ---------------------------------------- */

/** Measures counted per atom: the first SENDA__AGG_CRIT decide merging. */
enum { SENDA__M_INCIDENTS, SENDA__M_VICTIMS, SENDA__M_WOMEN, SENDA__M_MINORS, SENDA__N_M };
#define SENDA__AGG_CRIT 2

/** A tree of units: leaves are atoms (a state, a cell, a month, a type),
 *  inner nodes the larger units they merge into; node 0 is the root. */
typedef struct senda__agg_node {
    long parent;         /* -1 for the root */
    char code[64];       /* atom code (leaves), or node code */
    char label[96];      /* what a reader sees */
    char rest[96];       /* label of "the rest of" this node, "" = joined labels */
    long m[SENDA__N_M];  /* leaves: the atom's counts */
    /* out, leaves: the published group of the atom (index into groups) */
    long group;
} senda__agg_node;

typedef struct senda__agg_group {
    char label[200];
    long node;           /* the node it was formed at (the leaf itself when alone) */
    long m[SENDA__N_M];
    size_t n_atoms;
    int merged;          /* 1 when it holds more than one atom */
} senda__agg_group;

/** Merge the atoms of the tree into groups so that every group's first
 *  SENDA__AGG_CRIT measures are each 0 or >= k (aggregate.c). Sets
 *  nodes[leaf].group; *groups (caller frees) in first-leaf order.
 *  @return SENDA_OK; SENDA_ERR_DATA when the whole tree holds 1..k-1. */
senda_status senda__aggregate(senda_ctx *ctx, senda__agg_node *nodes, size_t n, long k,
                              senda__agg_group **groups, size_t *n_groups);

/** Append a node (rest NULL = joined labels); its index, or -1 (no memory). */
long senda__agg_add(senda_ctx *ctx, senda__agg_node **nodes, size_t *n, size_t *cap,
                    long parent, const char *code, const char *label, const char *rest);

/* ---- units (units.c) -------------------------------------------------- */

typedef struct senda__units senda__units;

/** Load polygons of units in crs: the bundled admin-1 layer (path NULL) or
 *  a user's layer (its `name` or first text field names each unit; each is
 *  placed in the admin-1 unit holding its point on surface). */
senda_status senda__units_load(senda_ctx *ctx, const char *path, const char *crs,
                               senda__units **out);
/** Add the units to the tree under root 0 (countries, states, units);
 *  leaf_of[u] receives the node of unit u. */
senda_status senda__units_tree(senda_ctx *ctx, const senda__units *u, senda__agg_node **nodes,
                               size_t *n, size_t *cap, long **leaf_of);
/** The unit holding (x, y) in the units' CRS, the nearest within 10 km, or -1. */
long senda__units_find(const senda__units *u, double x, double y);
size_t senda__units_count(const senda__units *u);
const char *senda__units_code(const senda__units *u, size_t i);
/** The unit's polygon (owned by u). */
OGRGeometryH senda__units_geom(const senda__units *u, size_t i);
void senda__units_free(senda__units *u);

/* ---- auditor (audit.c) ------------------------------------------------ */

/** A figure an attacker can infer that lies in 1..k-1. */
typedef struct senda__disclosure {
    char what[512];
    char measure[16];
    long lo, hi;
    char release[64];    /* the earlier release involved, "" when none */
} senda__disclosure;

/** Bound, with linear programs (GLPK), every cell of the finest partition the
 *  releases' figures define and every difference of nested figures and of a
 *  figure and the figures of another release inside it; report those whose
 *  bounds lie in 1..k-1. releases: the JSON documents senda publish writes
 *  (manifest key "figures"). *found (caller frees) may hold n_found > 0. */
senda_status senda__audit(senda_ctx *ctx, json_object *const *releases, size_t n, long k,
                          senda__disclosure **found, size_t *n_found);

/** Read the figures document of a public file. */
senda_status senda__audit_read(senda_ctx *ctx, const char *path, json_object **doc);

/* ---- ledger (ledger.c) ------------------------------------------------ */

/** The releases recorded in a run file (JSON documents; *docs caller frees
 *  with json_object_put each, then senda__free). */
senda_status senda__ledger_read(senda_ctx *ctx, const char *run_path, json_object ***docs,
                                size_t *n);
/** Append a release to the run file's ledger table. */
senda_status senda__ledger_add(senda_ctx *ctx, const char *run_path, json_object *doc);
/** What a run file's data are (table `senda_release_source`, written by
 *  senda run): the store they came from ("" none), the run's own filter on
 *  months and types, and its other filters as text (which releases must
 *  share to be audited together). */
typedef struct senda__release_source {
    char store[1024];
    char date_from[16], date_to[16]; /* as the scenario gave them, "" = open */
    char types[256];                 /* "" = all */
    char data[700];                  /* victims, perpetrators, precision, day-level dates */
} senda__release_source;
senda_status senda__ledger_source(senda_ctx *ctx, const char *run_path,
                                  senda__release_source *src);
/** Every release made from the run's data: the run file's ledger and, when
 *  it came from a store, the store's, deduplicated by release id. */
senda_status senda__ledger_read_all(senda_ctx *ctx, const char *run_path, json_object ***docs,
                                    size_t *n);
/** Record a release in the store the run came from (if any), then in the run file. */
senda_status senda__ledger_record(senda_ctx *ctx, const char *run_path, json_object *doc);
/** The run file write path (senda run): carry the ledger of the previous
 *  output (if any) into the temporary tmp, and name the store (if any). */
typedef struct senda__run_filter {
    const char *store; /* "" when the run did not read a store */
    const char *date_from, *date_to, *types, *victims, *perpetrators, *precision;
} senda__run_filter;
senda_status senda__ledger_carry(senda_ctx *ctx, const char *tmp, const char *previous,
                                 const senda__run_filter *sc);

/* ---- the store's ledger (store_ledger.c) ------------------------------- */

/** Append doc to the array *docs of *n (taking it; put on failure). */
senda_status senda__ledger_push(senda_ctx *ctx, json_object ***docs, size_t *n,
                               json_object *doc);

/** The releases recorded in an incident store (GeoPackage or PostGIS). */
senda_status senda__store_ledger_read(senda_ctx *ctx, const char *store, json_object ***docs,
                                      size_t *n);
/** Record a release in the store's ledger, under the store's write lock. */
senda_status senda__store_ledger_add(senda_ctx *ctx, const char *store, json_object *doc);

#endif
