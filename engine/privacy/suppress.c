/*
 * suppress.c - primary and secondary cell suppression of count tables.
 *
 * The published tables of `senda publish` are counts and their totals. A
 * count of 1 to k-1 is suppressed (primary suppression: small counts
 * identify people). A published total would then give away a suppressed
 * count by subtraction when it is the only one suppressed in its line, so
 * every "line" (a set of cells with a published total: a row of the
 * period x type table with its row total, a column with its column total,
 * the row totals with the grand total, the column totals with the grand
 * total, the map cells with the grand total) is checked: when it holds
 * suppressed cells and its total is published, the suppressed cells must be
 * at least two and sum to at least k, so that no one of them is pinned to
 * a value and their total itself says nothing below k. Otherwise the
 * smallest published positive cell of the line is suppressed too (secondary
 * suppression; ties: the first), or, when none is left, the line's total.
 * Lines are swept until none changes: every pass suppresses at least one
 * more cell or stops, so it ends after at most n passes.
 *
 * This is the classic hypercube-free "line" heuristic of statistical
 * disclosure control (Hundepool et al., Statistical Disclosure Control,
 * Wiley 2012, ch. 4): it protects against recovery by subtraction along the
 * published totals, not against linear programming over the whole table;
 * the published tables are one two-way table with its margins and one
 * one-way table (the map cells), for which line protection with a
 * protection level of k is the usual practice.
 * Complexity: O(passes x sum of line lengths); memory: none beyond the
 * caller's arrays.
 */
#include "privacy/privacy_int.h"

/* Is the line safe? A suppressed total makes it safe. */
static int line_safe(const senda__supp_table *t, const senda__supp_line *l, long k)
{
    if (t->supp[l->total])
        return 1;
    size_t n = 0;
    long sum = 0;
    for (size_t i = 0; i < l->n; i++)
        if (t->supp[l->cells[i]]) {
            n++;
            sum += t->value[l->cells[i]];
        }
    return n == 0 || (n >= 2 && sum >= k);
}

size_t senda__suppress(senda__supp_table *t, const senda__supp_line *lines, size_t n_lines,
                       long k)
{
    size_t n_primary = 0;
    for (size_t i = 0; i < t->n; i++) {
        t->supp[i] = t->value[i] >= 1 && t->value[i] < k;
        n_primary += t->supp[i];
    }
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t li = 0; li < n_lines; li++) {
            const senda__supp_line *l = &lines[li];
            while (!line_safe(t, l, k)) {
                size_t best = (size_t)-1;
                for (size_t i = 0; i < l->n; i++) {
                    size_t c = l->cells[i];
                    if (!t->supp[c] && t->value[c] > 0 &&
                        (best == (size_t)-1 || t->value[c] < t->value[best]))
                        best = c;
                }
                t->supp[best == (size_t)-1 ? l->total : best] = 1;
                changed = 1;
            }
        }
    }
    return n_primary;
}
