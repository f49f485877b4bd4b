/*
 * lattice.c - square (fishnet) and hexagonal cells: centres, point
 * location, outlines and distance-band neighbourhoods.
 *
 * Hexagons are pointy-top in "odd-r" offset rows (Red Blob Games, "Hexagonal
 * Grids", 2013: offset and axial coordinates, cube rounding). A hexagon has
 * area cell_m^2, so a hex analysis and a square one at the same cell_m
 * aggregate over the same area per cell: side s = cell_m * sqrt(2 / (3 sqrt 3)),
 * centre spacing sqrt(3) s along a row and 1.5 s between rows.
 * A point is located in O(1) by converting to fractional axial coordinates
 * and rounding in cube coordinates, which picks the nearest centre, that is,
 * the hexagon holding the point (ties on an edge go either way).
 *
 * Neighbourhoods: the cells whose centre is within a distance band of a
 * cell's centre form, in every row, one contiguous run of columns; runs
 * depend only on the row offset and (for hexagons) the row parity, so they
 * are computed once, in O(band rows * band columns).
 */
#include <math.h>

#include "grid/grid_int.h"

void senda__lattice_centre(const senda__lattice *l, size_t row, size_t col, double *x, double *y)
{
    if (l->shape == SENDA_CELLS_HEX) {
        *x = l->x0 + ((double)col + 0.5 * (double)(row & 1u)) * l->dx;
        *y = l->y0 - (double)row * l->dy;
    } else {
        *x = l->x0 + ((double)col + 0.5) * l->dx;
        *y = l->y0 - ((double)row + 0.5) * l->dy;
    }
}

int senda__lattice_locate(const senda__lattice *l, double x, double y, size_t *row, size_t *col)
{
    double fr, fc;
    if (l->shape == SENDA_CELLS_HEX) {
        double X = (x - l->x0) / l->side, Y = (l->y0 - y) / l->side; /* Y grows southward */
        double q = X * sqrt(3.0) / 3.0 - Y / 3.0, r = Y * 2.0 / 3.0, s = -q - r;
        double rq = round(q), rr = round(r), rs = round(s);
        double dq = fabs(rq - q), dr = fabs(rr - r), ds = fabs(rs - s);
        if (dq > dr && dq > ds)
            rq = -rr - rs;
        else if (dr > ds)
            rr = -rq - rs;
        /* axial -> odd-r offset: col = q + (r - (r & 1)) / 2 */
        double odd = fmod(fabs(rr), 2.0);
        fr = rr;
        fc = rq + (rr - odd) / 2.0;
    } else {
        fc = floor((x - l->x0) / l->dx);
        fr = floor((l->y0 - y) / l->dy);
    }
    if (!(fr >= 0.0) || !(fc >= 0.0) || fr >= (double)l->n_rows || fc >= (double)l->n_cols)
        return 0;
    *row = (size_t)fr;
    *col = (size_t)fc;
    return 1;
}

int senda__lattice_outline(const senda__lattice *l, size_t row, size_t col, double *xs, double *ys)
{
    double cx, cy;
    senda__lattice_centre(l, row, col, &cx, &cy);
    if (l->shape == SENDA_CELLS_HEX) {
        for (int k = 0; k < 6; k++) {
            double a = M_PI / 2.0 + (double)k * M_PI / 3.0; /* pointy-top: vertex due north */
            xs[k] = cx + l->side * cos(a);
            ys[k] = cy + l->side * sin(a);
        }
        xs[6] = xs[0];
        ys[6] = ys[0];
        return 7;
    }
    double h = 0.5 * l->dx;
    double px[5] = {cx - h, cx + h, cx + h, cx - h, cx - h};
    double py[5] = {cy + h, cy + h, cy - h, cy - h, cy + h};
    for (int k = 0; k < 5; k++) {
        xs[k] = px[k];
        ys[k] = py[k];
    }
    return 5;
}

senda_status senda__lattice_runs(senda_ctx *ctx, const senda__lattice *l, double band_m,
                                 long *n_drow, long **lo, long **hi)
{
    long nd = (long)floor(band_m / l->dy + 1e-9);
    if (nd > (long)l->n_rows)
        nd = (long)l->n_rows;
    size_t width = (size_t)(2 * nd + 1);
    *lo = senda__calloc(ctx, 2 * width, sizeof **lo);
    *hi = *lo ? senda__calloc(ctx, 2 * width, sizeof **hi) : NULL;
    if (!*hi) {
        senda__free(*lo);
        *lo = NULL;
        return SENDA_ERR_NOMEM;
    }
    /* Compare squared distances with a relative slack so a band equal to a
     * lattice distance (15 m between centres 15 m apart) includes it. */
    double b2 = band_m * band_m * (1.0 + 1e-9);
    for (int parity = 0; parity < 2; parity++) {
        for (long dr = -nd; dr <= nd; dr++) {
            size_t k = (size_t)parity * width + (size_t)(dr + nd);
            long r0 = parity, r1 = parity + dr;
            double y = (double)dr * l->dy, shift = 0.0;
            if (l->shape == SENDA_CELLS_HEX)
                shift = 0.5 * (double)((r1 & 1L) - (r0 & 1L)) * l->dx;
            double rem = b2 - y * y;
            if (rem < 0.0) {
                (*lo)[k] = 1;
                (*hi)[k] = 0;
                continue;
            }
            double half = sqrt(rem);
            /* columns dc with |dc*dx + shift| <= half */
            (*lo)[k] = (long)ceil((-half - shift) / l->dx);
            (*hi)[k] = (long)floor((half - shift) / l->dx);
        }
    }
    *n_drow = nd;
    return SENDA_OK;
}

void senda__lattice_aggregate(const senda__lattice *l, const senda_points *pts, int32_t *count,
                              double *weight, size_t *n_outside)
{
    size_t n = l->n_rows * l->n_cols, out = 0;
    for (size_t i = 0; i < n; i++) {
        count[i] = 0;
        weight[i] = 0.0;
    }
    for (size_t i = 0; i < pts->n; i++) {
        size_t r, c;
        if (!senda__lattice_locate(l, pts->x[i], pts->y[i], &r, &c)) {
            out++;
            continue;
        }
        count[r * l->n_cols + c]++;
        weight[r * l->n_cols + c] += pts->weight[i];
    }
    *n_outside = out;
}
