/*
 * profile.c - the danger profile of one line as a PNG drawn with cairo:
 * severity-weighted incidents per km of each window (solid, left axis) and
 * the mean danger-surface value of each window (dashed, right axis) against
 * chainage in km, plotted at window centres; the line's stations marked at
 * their chainage; when the result carries likely routes (route_likely.c),
 * the exposure per km met by the migrants passing each window (solid
 * purple, right axis; drawn where at least 1 % of the migrants pass) and a
 * key of the curves inside the plot; axes with "nice" ticks (1, 2 or 5 x 10^k, Heckbert 1990,
 * "Nice numbers for graph labels", Graphics Gems). O(windows + stations).
 * The PNG is written to a temporary file and renamed into place.
 */
#include <errno.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cost/cost_int.h"
#include "io/gpkg_int.h"

enum { W = 1200, H = 520, ML = 80, MR = 80, MT = 50, MB = 60 };

/* A tick step giving about n ticks over [0, hi]. */
static double nice_step(double hi, int n)
{
    if (!(hi > 0.0))
        return 1.0;
    double raw = hi / n, p = pow(10.0, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * p;
}

typedef struct frame {
    double km, y1, y2; /* x range [0, km], left [0, y1], right [0, y2] */
} frame;

static double px(const frame *f, double km) { return ML + km / f->km * (W - ML - MR); }
static double py(double v, double top) { return H - MB - v / top * (H - MT - MB); }

static void text_at(cairo_t *cr, double x, double y, const char *s, double align)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - align * e.width, y);
    cairo_show_text(cr, s);
}

static void axes(cairo_t *cr, const frame *f, const char *title)
{
    char buf[64];
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 17);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, W / 2.0, 26, title, 0.5);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 12);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, ML, MT, W - ML - MR, H - MT - MB);
    cairo_stroke(cr);
    double sx = nice_step(f->km, 10);
    for (double k = 0; k <= f->km + 1e-9; k += sx) {
        cairo_move_to(cr, px(f, k), H - MB);
        cairo_line_to(cr, px(f, k), H - MB + 5);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%g", k);
        text_at(cr, px(f, k), H - MB + 19, buf, 0.5);
    }
    text_at(cr, W / 2.0, H - 14, "chainage along the line, km", 0.5);
    for (int side = 0; side < 2; side++) {
        double top = side ? f->y2 : f->y1, sy = nice_step(top, 5), x = side ? W - MR : ML;
        for (double v = 0; v <= top + 1e-12; v += sy) {
            cairo_move_to(cr, x, py(v, top));
            cairo_line_to(cr, x + (side ? 5 : -5), py(v, top));
            cairo_stroke(cr);
            snprintf(buf, sizeof buf, "%g", v);
            text_at(cr, x + (side ? 8 : -8), py(v, top) + 4, buf, side ? 0.0 : 1.0);
        }
    }
    cairo_save(cr);
    cairo_move_to(cr, 18, H / 2.0 + 110);
    cairo_rotate(cr, -M_PI / 2);
    cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
    cairo_show_text(cr, "incidents per km (severity x victims)");
    cairo_restore(cr);
    cairo_save(cr);
    cairo_move_to(cr, W - 14, H / 2.0 - 80);
    cairo_rotate(cr, M_PI / 2);
    cairo_set_source_rgb(cr, 0.1, 0.3, 0.7);
    cairo_show_text(cr, "mean danger surface (per km)");
    cairo_restore(cr);
}

static void curve(cairo_t *cr, const senda_cost_route_result *r, const senda_cost_route_line *l,
                  const frame *f, int surface)
{
    int started = 0;
    for (size_t k = 0; k < l->n_windows; k++) {
        const senda_cost_route_window *w = &r->windows[l->first_window + k];
        double v = surface ? w->mean_danger : w->danger_per_km;
        double x = px(f, (w->from_m + w->to_m) / 2000.0), y = py(v, surface ? f->y2 : f->y1);
        if (isnan(v)) {
            started = 0;
            continue;
        }
        if (started)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        started = 1;
    }
    double dash[] = {6.0, 4.0};
    cairo_set_dash(cr, dash, surface ? 2 : 0, 0);
    cairo_set_line_width(cr, surface ? 1.6 : 2.0);
    if (surface)
        cairo_set_source_rgb(cr, 0.1, 0.3, 0.7);
    else
        cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
    cairo_stroke(cr);
    cairo_set_dash(cr, dash, 0, 0);
}

#define LIKELY_MIN_SHARE 0.01 /* exposure on stretches fewer migrants pass is noise */

static int likely_shown(const senda_cost_route_window *w)
{
    return w->likely_share >= LIKELY_MIN_SHARE && !isnan(w->likely_exposure_per_km);
}

/* The exposure per km on the likely routes, right axis. */
static void likely_curve(cairo_t *cr, const senda_cost_route_result *r,
                         const senda_cost_route_line *l, const frame *f)
{
    int started = 0;
    for (size_t k = 0; k < l->n_windows; k++) {
        const senda_cost_route_window *w = &r->windows[l->first_window + k];
        if (!likely_shown(w)) {
            started = 0;
            continue;
        }
        double x = px(f, (w->from_m + w->to_m) / 2000.0), y = py(w->likely_exposure_per_km, f->y2);
        if (started)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        started = 1;
    }
    cairo_set_line_width(cr, 2.4);
    cairo_set_source_rgba(cr, 0.45, 0.15, 0.6, 0.9);
    cairo_stroke(cr);
}

/* A key of the three curves in the plot's top-left corner, on white. */
static void likely_key(cairo_t *cr)
{
    static const char *const label[3] = {
        "incidents per km (left axis)", "mean danger surface per km (right axis)",
        "exposure per km on the likely routes, >= 1 % of migrants passing (right axis)"};
    static const double rgb[3][3] = {{0.75, 0.1, 0.1}, {0.1, 0.3, 0.7}, {0.45, 0.15, 0.6}};
    double x = ML + 10, y = MT + 10, dash[] = {6.0, 4.0};
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, x, y, 520, 62);
    cairo_fill(cr);
    cairo_set_font_size(cr, 12);
    for (int k = 0; k < 3; k++) {
        double yk = y + 14 + 18 * k;
        cairo_set_source_rgb(cr, rgb[k][0], rgb[k][1], rgb[k][2]);
        cairo_set_dash(cr, dash, k == 1 ? 2 : 0, 0);
        cairo_set_line_width(cr, k == 2 ? 2.4 : 2.0);
        cairo_move_to(cr, x + 6, yk);
        cairo_line_to(cr, x + 40, yk);
        cairo_stroke(cr);
        cairo_set_dash(cr, dash, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, x + 48, yk + 4);
        cairo_show_text(cr, label[k]);
    }
}

/* Label positions for stations at xs[0..n) (ascending pixels): each label is
 * a vertical strip LABEL_GAP px wide; a forward pass pushes a label right of
 * its predecessor, a backward pass pulls labels left of hi, so no two labels
 * overlap and none leaves [lo, hi] (the 1-D label placement of dense axis
 * labels). A label that cannot fit is NAN (its rule is still drawn). */
void senda__profile_place_labels(const double *xs, size_t n, double lo, double hi, double *at)
{
    size_t fit = (size_t)((hi - lo) / LABEL_GAP) + 1;
    for (size_t s = 0; s < n; s++)
        at[s] = s < fit ? fmax(xs[s] + 3.0, s ? at[s - 1] + LABEL_GAP : lo) : (double)NAN;
    for (size_t s = n < fit ? n : fit; s-- > 0;) {
        double cap = s + 1 < n && !isnan(at[s + 1]) ? at[s + 1] - LABEL_GAP : hi;
        at[s] = fmax(fmin(at[s], cap), lo);
    }
}

/* Station marks: a dashed grey rule across the plot and the name written
 * upwards from the foot of the plot, on a white halo so the curves behind it
 * do not hide it. Labels are kept inside the plot and apart
 * (senda__profile_place_labels);
 * a label moved off its rule gets a short leader at the foot. */
static void stations(cairo_t *cr, const senda_cost_route_line *l, const frame *f)
{
    enum { MAX_LABELS = 256 };
    double dash[] = {3.0, 3.0}, xs[MAX_LABELS] = {0.0}, at[MAX_LABELS] = {0.0};
    size_t n = l->n_stations < MAX_LABELS ? l->n_stations : MAX_LABELS;
    for (size_t s = 0; s < n; s++)
        xs[s] = px(f, l->station_m[s] / 1000.0);
    senda__profile_place_labels(xs, n, ML + 2.0, W - MR - LABEL_GAP + 2.0, at);
    cairo_set_font_size(cr, 11);
    for (size_t s = 0; s < n; s++) {
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, xs[s], MT);
        cairo_line_to(cr, xs[s], H - MB);
        cairo_stroke(cr);
        cairo_set_dash(cr, dash, 0, 0);
        if (isnan(at[s]))
            continue;
        double foot = H - MB - 6.0, base = at[s] + 10.0; /* baseline of the upright text */
        if (fabs(at[s] - (xs[s] + 3.0)) > 0.5) {
            cairo_move_to(cr, xs[s], H - MB);
            cairo_line_to(cr, at[s] + 5.0, foot + 2.0);
            cairo_stroke(cr);
        }
        cairo_save(cr);
        cairo_move_to(cr, base, foot);
        cairo_rotate(cr, -M_PI / 2);
        cairo_text_path(cr, l->station[s]);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 3);
        cairo_stroke_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_fill(cr);
        cairo_restore(cr);
    }
}

senda_status senda_cost_route_profile_png(senda_ctx *ctx, const senda_cost_route_result *r, size_t line,
                                     const char *png_path)
{
    senda__reset(ctx);
    if (!r || !png_path)
        return senda__fail(ctx, SENDA_ERR_ARG, "result or png_path is NULL");
    if (line >= r->n_lines)
        return senda__fail(ctx, SENDA_ERR_ARG, "line %zu out of range (%zu lines)", line,
                           r->n_lines);
    const senda_cost_route_line *l = &r->lines[line];
    frame f = {fmax(l->length_m / 1000.0, 1e-3), 0.0, 0.0};
    for (size_t k = 0; k < l->n_windows; k++) {
        const senda_cost_route_window *w = &r->windows[l->first_window + k];
        f.y1 = fmax(f.y1, w->danger_per_km);
        if (!isnan(w->mean_danger))
            f.y2 = fmax(f.y2, w->mean_danger);
        if (r->has_likely && likely_shown(w))
            f.y2 = fmax(f.y2, w->likely_exposure_per_km);
    }
    f.y1 = f.y1 > 0.0 ? 1.1 * f.y1 : 1.0;
    f.y2 = f.y2 > 0.0 ? 1.1 * f.y2 : 1.0;
    char title[256], tmp[4096];
    snprintf(title, sizeof title, "%s: %.0f km windows every %.0f km, incidents within %.1f km",
             l->name, r->window_m / 1000.0, r->step_m / 1000.0, r->buffer_m / 1000.0);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    cairo_t *cr = cairo_create(surf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        cairo_surface_destroy(surf);
        return senda__fail(ctx, SENDA_ERR_NOMEM, "cairo: cannot create a %dx%d image", W, H);
    }
    axes(cr, &f, title);
    curve(cr, r, l, &f, 1);
    curve(cr, r, l, &f, 0);
    if (r->has_likely) {
        likely_curve(cr, r, l, &f);
        likely_key(cr);
    }
    stations(cr, l, &f);
    cairo_destroy(cr);
    senda__tmp_path(png_path, tmp, sizeof tmp);
    errno = 0;
    cairo_status_t cs = cairo_surface_write_to_png(surf, tmp);
    int err = errno; /* cairo writes through stdio: the write's errno */
    cairo_surface_destroy(surf);
    if (cs != CAIRO_STATUS_SUCCESS) {
        remove(tmp);
        if (cs == CAIRO_STATUS_WRITE_ERROR && err)
            return senda__fail_errno(ctx, err, png_path, "cannot write the PNG");
        return senda__fail(ctx, SENDA_ERR_IO, "cannot write '%s': cairo: %s", png_path,
                           cairo_status_to_string(cs));
    }
    return senda__commit_file(ctx, tmp, png_path);
}
