/*
 * flows.c - migrant flows per crossing (a CSV a user fills from official or
 * shelter statistics) and the risk per migrant they give on each corridor.
 *
 * Flows file: UTF-8 CSV, a header row then one row per crossing:
 *   crossing,migrants
 *   Ciudad Hidalgo,52000
 * The crossing is matched to the origin names, case-insensitively (a name
 * several origins share, two crossings at one town, splits its count into
 * equal parts); a row
 * naming no origin, a count that is no number >= 0, or a crossing given
 * twice is an error naming the file and the row. Origins the file does not
 * name get 0 migrants (said through the log).
 *
 * Risk per 1,000 migrants on corridor k (the likely routes from origin k):
 * each incident's weight is shared among the corridors in proportion to
 * their expected flow through its cell, share_k x p_k(cell) / density(cell)
 * (likely.c), and summed per corridor; divided by the corridor's migrants
 * and multiplied by 1,000. Incidents on cells no likely route passes are
 * not attributed (their share is reported). The flows must cover the same
 * period as the incidents. Complexity O(I + K) per incident set.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cost/cost_int.h"
#include "grid/grid_int.h"

/* Trim spaces and one pair of double quotes in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

senda_status senda_flows_read(senda_ctx *ctx, const char *path, const char *const *names, size_t n,
                              double *flows)
{
    senda__reset(ctx);
    if (!path || !names || !flows)
        return senda__fail(ctx, SENDA_ERR_ARG, "path, names or flows is NULL");
    FILE *fp = fopen(path, "r");
    if (!fp)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    senda_status st = SENDA_OK;
    char line[1024];
    int *seen = senda__calloc(ctx, n ? n : 1, sizeof(int));
    if (!seen) {
        fclose(fp);
        return SENDA_ERR_NOMEM;
    }
    for (size_t k = 0; k < n; k++)
        flows[k] = 0.0;
    for (long row = 1; fgets(line, sizeof line, fp); row++) {
        if (row == 1)
            continue; /* header */
        char *comma = strrchr(line, ',');
        char *name = trim(line);
        if (!*name)
            continue;
        if (!comma) {
            st = senda__fail(ctx, SENDA_ERR_DATA, "%s row %ld: expected 'crossing,migrants'", path,
                             row);
            break;
        }
        *comma = '\0';
        name = trim(line);
        char *num = trim(comma + 1), *end = NULL;
        double v = strtod(num, &end);
        if (end == num || *end || !(v >= 0.0) || !isfinite(v)) {
            st = senda__fail(ctx, SENDA_ERR_DATA, "%s row %ld: migrants '%s' is not a number >= 0",
                             path, row, num);
            break;
        }
        size_t n_match = 0, k = 0;
        for (size_t j = 0; j < n; j++)
            n_match += strcasecmp(names[j], name) == 0;
        while (k < n && strcasecmp(names[k], name) != 0)
            k++;
        if (k == n) {
            st = senda__fail(ctx, SENDA_ERR_DATA,
                             "%s row %ld: crossing '%s' is none of the "
                             "%zu origins (first: '%s')",
                             path, row, name, n, n ? names[0] : "");
            break;
        }
        if (seen[k]) {
            st = senda__fail(ctx, SENDA_ERR_DATA, "%s row %ld: crossing '%s' given twice", path,
                             row, name);
            break;
        }
        for (size_t j = k; j < n; j++) /* one town, several crossings: equal parts */
            if (strcasecmp(names[j], name) == 0) {
                seen[j] = 1;
                flows[j] = v / (double)n_match;
            }
    }
    fclose(fp);
    for (size_t k = 0; st == SENDA_OK && k < n; k++)
        if (!seen[k])
            senda__log(ctx, 1, "%s names no flow for '%s': 0 migrants", path, names[k]);
    senda__free(seen);
    return st;
}

senda_status senda_likely_incident_rate(senda_ctx *ctx, const senda_likely_result *r,
                                        const senda_points *incidents, const double *flows,
                                        double *per_1000, double *unattributed)
{
    senda__reset(ctx);
    if (!r || !incidents || !flows || !per_1000)
        return senda__fail(ctx, SENDA_ERR_ARG, "result, incidents, flows or per_1000 is NULL");
    const senda_grid *g = r->density;
    size_t n = g->n_rows * g->n_cols, K = r->n_origins;
    double *attr = senda__calloc(ctx, K ? K : 1, sizeof(double)), lost = 0.0, total = 0.0;
    if (!attr)
        return SENDA_ERR_NOMEM;
    for (size_t i = 0; i < incidents->n; i++) {
        double w = incidents->weight ? incidents->weight[i] : 1.0;
        double fc = floor((incidents->x[i] - g->x_min) / g->cell_m);
        double fr = floor((g->y_max - incidents->y[i]) / g->cell_m);
        total += w;
        if (!(fc >= 0.0 && fr >= 0.0 && fc < (double)g->n_cols && fr < (double)g->n_rows)) {
            lost += w;
            continue;
        }
        size_t cell = (size_t)fr * g->n_cols + (size_t)fc;
        double d = g->data[cell];
        if (!(d > 0.0)) {
            lost += w;
            continue;
        }
        for (size_t k = 0; k < K; k++)
            attr[k] += w * r->origin_share[k] * r->origin_density[k * n + cell] / d;
    }
    for (size_t k = 0; k < K; k++)
        per_1000[k] = flows[k] > 0.0 ? 1000.0 * attr[k] / flows[k] : (double)NAN;
    if (unattributed)
        *unattributed = total > 0.0 ? lost / total : 0.0;
    senda__free(attr);
    return SENDA_OK;
}
