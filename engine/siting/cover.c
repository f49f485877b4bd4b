/*
 * cover.c - coverage sets of a covering location model: which demand points
 * lie within the service distance of which candidate sites.
 *
 * Algorithm: a uniform grid index over the demand points (cells at least as
 * wide as the radius, built by counting sort: two passes over the points),
 * then for every candidate a scan of the (at most 3 x 3) cells its radius
 * touches, keeping points with squared distance <= radius^2 (a point exactly
 * on the circle is covered, as in Church & ReVelle's d_ij <= S). The pairs
 * are stored in compressed sparse row form by candidate, and the transpose
 * (by demand point) is built by a second counting sort. This is the
 * "coverage sets N_i" of Church & ReVelle (1974), computed once.
 *
 * Complexity: O(n_dem + cells) for the index; O(n_cand * k + pairs) for the
 * sets, where k is the number of points in the scanned cells. When the
 * demand extent is very large compared with the radius, cells are widened so
 * that there are at most about 4 cells per point (memory stays O(n)).
 * Memory: 8 bytes per cell, 4 per point, 4 + 4 bytes per coverage pair plus
 * 8 bytes per candidate and per demand point for the row pointers.
 * Indices are 32-bit: more than 4,294,967,294 points is an argument error.
 * Nodata: points with a non-finite coordinate are never covered (they are
 * left out of the index).
 */
#include <math.h>
#include <string.h>

#include "siting/siting_int.h"

senda_status senda__pindex_build(senda_ctx *ctx, const double *x, const double *y, size_t n,
                                 double min_cell_m, senda__pindex *out)
{
    memset(out, 0, sizeof *out);
    out->x = x;
    out->y = y;
    out->n = n;
    if (n >= UINT32_MAX)
        return senda__fail(ctx, SENDA_ERR_ARG, "too many points for the index: %zu", n);
    double xmin = HUGE_VAL, ymin = HUGE_VAL, xmax = -HUGE_VAL, ymax = -HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        xmin = fmin(xmin, x[i]);
        xmax = fmax(xmax, x[i]);
        ymin = fmin(ymin, y[i]);
        ymax = fmax(ymax, y[i]);
    }
    if (xmin > xmax) { /* no finite point: one empty cell */
        xmin = ymin = 0.0;
        xmax = ymax = 0.0;
    }
    double cell = min_cell_m > 0.0 ? min_cell_m : 1.0;
    double w = xmax - xmin, h = ymax - ymin;
    double max_cells = 4.0 * (double)n + 1024.0;
    if ((w / cell + 1.0) * (h / cell + 1.0) > max_cells)
        cell = fmax(cell, sqrt(fmax(w, 1.0) * fmax(h, 1.0) / max_cells) * 1.5);
    out->x0 = xmin;
    out->y0 = ymin;
    out->cell_m = cell;
    out->nx = (size_t)(w / cell) + 1;
    out->ny = (size_t)(h / cell) + 1;
    size_t n_cells = out->nx * out->ny;
    out->start = senda__calloc(ctx, n_cells + 1, sizeof *out->start);
    out->idx = senda__calloc(ctx, n ? n : 1, sizeof *out->idx);
    if (!out->start || !out->idx) {
        senda__pindex_free(out);
        return SENDA_ERR_NOMEM;
    }
    /* counting sort: start[c + 1] counts cell c, prefix sums give the starts */
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        size_t cx = (size_t)((x[i] - xmin) / cell), cy = (size_t)((y[i] - ymin) / cell);
        out->start[cy * out->nx + cx + 1]++;
    }
    for (size_t c = 0; c < n_cells; c++)
        out->start[c + 1] += out->start[c];
    size_t *fill = senda__calloc(ctx, n_cells, sizeof *fill);
    if (!fill) {
        senda__pindex_free(out);
        return SENDA_ERR_NOMEM;
    }
    memcpy(fill, out->start, n_cells * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        size_t cx = (size_t)((x[i] - xmin) / cell), cy = (size_t)((y[i] - ymin) / cell);
        out->idx[fill[cy * out->nx + cx]++] = (uint32_t)i;
    }
    senda__free(fill);
    return SENDA_OK;
}

void senda__pindex_free(senda__pindex *ix)
{
    senda__free(ix->start);
    senda__free(ix->idx);
    ix->start = NULL;
    ix->idx = NULL;
}

/* The cell range [lo, hi] along one axis touched by [v - r, v + r], clamped;
 * returns 0 when it misses the grid. */
static int cell_range(double v, double r, double origin, double cell, size_t n, size_t *lo,
                      size_t *hi)
{
    double a = floor((v - r - origin) / cell), b = floor((v + r - origin) / cell);
    if (!(b >= 0.0) || !(a <= (double)(n - 1)))
        return 0;
    *lo = a < 0.0 ? 0 : (size_t)a;
    *hi = b > (double)(n - 1) ? n - 1 : (size_t)b;
    return 1;
}

void senda__pindex_query(const senda__pindex *ix, double x, double y, double radius_m,
                         senda__pindex_visit fn, void *arg)
{
    size_t c0, c1, r0, r1;
    if (!isfinite(x) || !isfinite(y) || ix->n == 0)
        return;
    if (!cell_range(x, radius_m, ix->x0, ix->cell_m, ix->nx, &c0, &c1) ||
        !cell_range(y, radius_m, ix->y0, ix->cell_m, ix->ny, &r0, &r1))
        return;
    double r2 = radius_m * radius_m;
    for (size_t r = r0; r <= r1; r++) {
        for (size_t c = c0; c <= c1; c++) {
            size_t cell = r * ix->nx + c;
            for (size_t k = ix->start[cell]; k < ix->start[cell + 1]; k++) {
                uint32_t i = ix->idx[k];
                double dx = ix->x[i] - x, dy = ix->y[i] - y, d2 = dx * dx + dy * dy;
                if (d2 <= r2)
                    fn(i, d2, arg);
            }
        }
    }
}

void senda__pair_sink_add(uint32_t i, double d2, void *arg)
{
    (void)d2;
    senda__pair_sink *s = arg;
    if (s->nomem)
        return;
    uint32_t *nb = senda__grow(s->ctx, s->buf, s->n, &s->cap, sizeof *nb, 4096);
    if (!nb) {
        s->nomem = 1;
        return;
    }
    s->buf = nb;
    s->buf[s->n++] = i;
}

/* The transpose of the candidate rows: dem_ptr / dem_cand by counting sort.
 * Candidates come out in ascending order within each demand row. */
static senda_status transpose(senda_ctx *ctx, senda__cover *c)
{
    c->dem_ptr = senda__calloc(ctx, c->n_dem + 1, sizeof *c->dem_ptr);
    c->dem_cand = senda__calloc(ctx, c->n_pairs ? c->n_pairs : 1, sizeof *c->dem_cand);
    size_t *fill = senda__calloc(ctx, c->n_dem + 1, sizeof *fill);
    if (!c->dem_ptr || !c->dem_cand || !fill) {
        senda__free(fill);
        return SENDA_ERR_NOMEM;
    }
    for (size_t k = 0; k < c->n_pairs; k++)
        c->dem_ptr[c->cand_dem[k] + 1]++;
    for (size_t i = 0; i < c->n_dem; i++)
        c->dem_ptr[i + 1] += c->dem_ptr[i];
    memcpy(fill, c->dem_ptr, c->n_dem * sizeof *fill);
    for (size_t j = 0; j < c->n_cand; j++)
        for (size_t k = c->cand_ptr[j]; k < c->cand_ptr[j + 1]; k++)
            c->dem_cand[fill[c->cand_dem[k]]++] = (uint32_t)j;
    senda__free(fill);
    return SENDA_OK;
}

senda_status senda__cover_build(senda_ctx *ctx, size_t n_cand, size_t n_dem,
                                const unsigned char *eligible, senda__cover_row row, void *arg,
                                size_t report_mask, const char *label, senda__cover *out,
                                senda_progress_fn progress, void *progress_arg)
{
    memset(out, 0, sizeof *out);
    out->n_cand = n_cand;
    out->n_dem = n_dem;
    if (n_cand >= UINT32_MAX)
        return senda__fail(ctx, SENDA_ERR_ARG, "too many candidates: %zu", n_cand);
    senda_status st = SENDA_OK;
    senda__pair_sink sink = {ctx, NULL, 0, 0, 0};
    out->cand_ptr = senda__calloc(ctx, n_cand + 1, sizeof *out->cand_ptr);
    if (!out->cand_ptr) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    for (size_t j = 0; j < n_cand; j++) {
        if ((!eligible || eligible[j]) && row(j, &sink, arg) < 0)
            sink.nomem = 1;
        if (sink.nomem) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        out->cand_ptr[j + 1] = sink.n;
        if ((j & report_mask) == report_mask &&
            !senda__progress(ctx, progress, progress_arg, 0.9 * (double)j / (double)n_cand,
                             label)) {
            st = SENDA_ERR_CANCELLED;
            goto done;
        }
    }
    out->n_pairs = sink.n;
    out->cand_dem = sink.buf;
    sink.buf = NULL;
    if (!out->cand_dem && !(out->cand_dem = senda__calloc(ctx, 1, sizeof *out->cand_dem))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    st = transpose(ctx, out);
done:
    senda__free(sink.buf);
    if (st != SENDA_OK)
        senda__cover_free(out);
    return st;
}

typedef struct euclid_arg {
    const senda__pindex *demand;
    const senda_points *cand;
    double radius_m;
} euclid_arg;

static int euclid_row(size_t j, senda__pair_sink *sink, void *arg)
{
    const euclid_arg *a = arg;
    senda__pindex_query(a->demand, a->cand->x[j], a->cand->y[j], a->radius_m, senda__pair_sink_add,
                        sink);
    return 0;
}

senda_status senda__cover_euclid(senda_ctx *ctx, const senda__pindex *demand,
                                 const senda_points *cand, const unsigned char *eligible,
                                 double radius_m, senda__cover *out, senda_progress_fn progress,
                                 void *progress_arg)
{
    euclid_arg a = {demand, cand, radius_m};
    return senda__cover_build(ctx, cand->n, demand->n, eligible, euclid_row, &a, 1023,
                              "coverage sets", out, progress, progress_arg);
}

void senda__cover_free(senda__cover *c)
{
    senda__free(c->cand_ptr);
    senda__free(c->cand_dem);
    senda__free(c->dem_ptr);
    senda__free(c->dem_cand);
    memset(c, 0, sizeof *c);
}
