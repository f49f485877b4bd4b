/*
 * privacy_int.h - internals of the privacy module (senda publish).
 */
#ifndef SENDA_PRIVACY_INT_H
#define SENDA_PRIVACY_INT_H

#include <stddef.h>

#include "core/core_int.h"

/** Counts with their suppression flags (value[i] >= 0). */
typedef struct senda__supp_table {
    const long *value;
    unsigned char *supp; /* out: 1 = suppressed */
    size_t n;
} senda__supp_table;

/** A set of cells whose total (cell `total`) is also in the table. */
typedef struct senda__supp_line {
    size_t total;
    const size_t *cells;
    size_t n;
} senda__supp_line;

/** Primary suppression of counts 1..k-1, then secondary suppression along
 *  the lines until each line with a published total has no suppressed cell
 *  or at least two summing to >= k (suppress.c). Returns the number of
 *  primary suppressions; t->supp holds every suppression. */
size_t senda__suppress(senda__supp_table *t, const senda__supp_line *lines, size_t n_lines,
                       long k);

#endif
