/*
 * render.c - the quick-look map of a product as a PNG, drawn with cairo's
 * vector API: a surface underneath (a coverage on the same colour ramp as
 * its QGIS style, or the hotspot cells in their Gi_Bin colours), then
 * paths, candidate sites, rail, border, checkpoints (a what-if's added ones
 * larger in orange, its removed ones pale over their old marker), crossings and shelters,
 * with a title, a legend that names units and a scale bar, over the land,
 * coast, graticule and town names of basemap.c so the picture stands alone.
 * The same composition (senda__render_compose) is the report's map page.
 *
 * The view is the union of the corridor (vector) layers' extents plus 4 %,
 * in the analysis CRS, which is projected, so one map unit is one metre and
 * the scale bar is exact at the CRS's scale (UTM: within 0.04 % on the
 * central meridian, 0.4 % at the corridor's edges). The scale-bar length is
 * the largest 1, 2 or 5 x 10^k km not over a fifth of the map width.
 * Coverages are drawn cell by cell through one ARGB image scaled onto the
 * map (nearest neighbour, as a cell is a constant value); nodata cells are
 * transparent. The picture is at least as tall as its legend. Cost:
 * O(cells + vertices + places); memory: the picture, one coverage as float32
 * and its image.
 */
#include <errno.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cpl_error.h>
#include <ogr_api.h>

#include "export/export_int.h"

#define LEGEND_W 330.0
#define TITLE_H 74.0
#define FOOT_H 46.0
#define PAD 18.0

typedef senda__view view;
#define px senda__view_px
#define py senda__view_py

static void set_rgba(cairo_t *cr, int r, int g, int b, int a)
{
    cairo_set_source_rgba(cr, r / 255.0, g / 255.0, b / 255.0, a / 255.0);
}

/* How each kind of feature is drawn. */
typedef struct look {
    int stroke[4], fill[4];
    double width;        /* line width or marker size, pixels */
    double dash;         /* 0 = solid */
    char marker;         /* 't'riangle, 's'quare, 'd'iamond, 'c'ircle, 0 = none */
} look;

static void marker(cairo_t *cr, char shape, double x, double y, double s)
{
    switch (shape) {
    case 't':
        cairo_move_to(cr, x, y - s * 0.6);
        cairo_line_to(cr, x + s * 0.55, y + s * 0.4);
        cairo_line_to(cr, x - s * 0.55, y + s * 0.4);
        cairo_close_path(cr);
        break;
    case 's': cairo_rectangle(cr, x - s / 2, y - s / 2, s, s); break;
    case 'd':
        cairo_move_to(cr, x, y - s * 0.6);
        cairo_line_to(cr, x + s * 0.6, y);
        cairo_line_to(cr, x, y + s * 0.6);
        cairo_line_to(cr, x - s * 0.6, y);
        cairo_close_path(cr);
        break;
    default:
        cairo_new_sub_path(cr); /* no line from the current point (text) to the arc */
        cairo_arc(cr, x, y, s / 2, 0, 2 * M_PI);
    }
}

static void paint_path(cairo_t *cr, const look *k, int polygon)
{
    if (polygon) {
        set_rgba(cr, k->fill[0], k->fill[1], k->fill[2], k->fill[3]);
        cairo_fill_preserve(cr);
    }
    cairo_set_line_width(cr, k->width);
    double dash[2] = {k->dash, k->dash};
    cairo_set_dash(cr, dash, k->dash > 0 ? 2 : 0, 0);
    set_rgba(cr, k->stroke[0], k->stroke[1], k->stroke[2], k->stroke[3]);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

static void draw_geometry(const view *v, OGRGeometryH g, const look *k)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    cairo_t *cr = v->cr;
    if (t == wkbPoint) {
        marker(cr, k->marker, px(v, OGR_G_GetX(g, 0)), py(v, OGR_G_GetY(g, 0)), k->width);
        set_rgba(cr, k->fill[0], k->fill[1], k->fill[2], k->fill[3]);
        cairo_fill_preserve(cr);
        cairo_set_line_width(cr, 1.2);
        set_rgba(cr, k->stroke[0], k->stroke[1], k->stroke[2], k->stroke[3]);
        cairo_stroke(cr);
    } else if (t == wkbLineString || t == wkbLinearRing) {
        for (int i = 0; i < OGR_G_GetPointCount(g); i++)
            (i ? cairo_line_to : cairo_move_to)(cr, px(v, OGR_G_GetX(g, i)),
                                                py(v, OGR_G_GetY(g, i)));
        paint_path(cr, k, 0);
    } else if (t == wkbPolygon) {
        for (int r = 0; r < OGR_G_GetGeometryCount(g); r++) {
            OGRGeometryH ring = OGR_G_GetGeometryRef(g, r);
            for (int i = 0; i < OGR_G_GetPointCount(ring); i++)
                (i ? cairo_line_to : cairo_move_to)(cr, px(v, OGR_G_GetX(ring, i)),
                                                    py(v, OGR_G_GetY(ring, i)));
            cairo_close_path(cr);
        }
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        paint_path(cr, k, 1);
    } else {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            draw_geometry(v, OGR_G_GetGeometryRef(g, i), k);
    }
}

/* The look of a feature of kind `kind` (field value fv when it matters). */
static look feature_look(senda__layer_kind kind, double fv, int has_fv)
{
    look k = {{60, 60, 60, 255}, {120, 120, 120, 255}, 2.0, 0, 'c'};
    int rank = has_fv ? (int)fv : 1;
    switch (kind) {
    case SENDA__K_BORDER: k = (look){{90, 40, 110, 255}, {0, 0, 0, 0}, 2.2, 7, 0}; break;
    case SENDA__K_RAIL: k = (look){{30, 30, 30, 255}, {0, 0, 0, 0}, 2.2, 0, 0}; break;
    case SENDA__K_CHECKPOINTS:
        k = (look){{255, 255, 255, 255}, {200, 30, 30, 255}, 13, 0, 't'};
        break;
    case SENDA__K_CHECKPOINT_ADDED: /* larger, orange on a black outline: new */
        k = (look){{0, 0, 0, 255}, {255, 140, 0, 255}, 19, 0, 't'};
        break;
    case SENDA__K_CHECKPOINT_REMOVED: /* pale, over the layer's own marker: no longer there */
        k = (look){{120, 120, 120, 255}, {235, 235, 235, 255}, 15, 0, 't'};
        break;
    case SENDA__K_CROSSINGS:
        k = (look){{255, 255, 255, 255}, {90, 40, 110, 255}, 11, 0, 'd'};
        break;
    case SENDA__K_SHELTERS:
        k = (look){{255, 255, 255, 255}, {30, 110, 190, 255}, 10, 0, 's'};
        break;
    case SENDA__K_SITES:
        k = (look){{255, 255, 255, 255}, {35, 139, 69, 255}, rank <= 1 ? 16 : rank <= 3 ? 13 : 10,
                   0, 'c'};
        break;
    case SENDA__K_PATHS:
        k = (look){{8, 48, 107, rank <= 1 ? 255 : 190}, {0, 0, 0, 0},
                   rank <= 1 ? 3.4 : rank <= 3 ? 2.4 : 1.6, 0, 0};
        break;
    case SENDA__K_HOTSPOT: {
        int c[4];
        senda__gi_bin_rgba(has_fv ? (int)lround(fv) : 0, c);
        k = (look){{c[0], c[1], c[2], c[3]}, {c[0], c[1], c[2], c[3]}, 0.5, 0, 0};
        break;
    }
    default: break;
    }
    return k;
}

static senda_status draw_table(senda_ctx *ctx, GDALDatasetH ds, const view *v,
                               const senda__table *t)
{
    OGRLayerH lyr = GDALDatasetGetLayerByName(ds, t->name);
    if (!lyr)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot read table '%s'", t->name);
    int fi = t->field[0] ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), t->field) : -1;
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        int has = fi >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi);
        look k = feature_look(t->kind, has ? OGR_F_GetFieldAsDouble(f, fi) : 0.0, has);
        if (g) {
            if (t->kind == SENDA__K_RAIL) { /* black line with white dashes */
                draw_geometry(v, g, &k);
                look dash = {{255, 255, 255, 255}, {0, 0, 0, 0}, 1.0, 6, 0};
                draw_geometry(v, g, &dash);
            } else {
                draw_geometry(v, g, &k);
            }
        }
        OGR_F_Destroy(f);
    }
    return SENDA_OK;
}

/* A coverage through one ARGB image, one pixel per cell. */
static senda_status draw_coverage(senda_ctx *ctx, const char *path, const view *v,
                                  const senda__table *t)
{
    GDALDatasetH r = NULL;
    senda_status st = senda__product_coverage_open(ctx, path, t, &r);
    if (st != SENDA_OK)
        return st;
    int nx = GDALGetRasterXSize(r), ny = GDALGetRasterYSize(r), has_nd = 0;
    GDALRasterBandH band = GDALGetRasterBand(r, 1);
    double gt[6], nd = GDALGetRasterNoDataValue(band, &has_nd);
    GDALGetGeoTransform(r, gt);
    float *cells = senda__calloc2(ctx, (size_t)nx * (size_t)ny, sizeof *cells);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, nx, ny);
    if (!cells || cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        st = cells ? senda__fail(ctx, SENDA_ERR_NOMEM, "out of memory for a %dx%d picture", nx,
                                 ny)
                   : SENDA_ERR_NOMEM;
        goto done;
    }
    if (GDALRasterIO(band, GF_Read, 0, 0, nx, ny, cells, nx, ny, GDT_Float32, 0, 0) != CE_None) {
        st = senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot read coverage '%s'", path, t->name);
        goto done;
    }
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int row = 0; row < ny; row++)
        for (int col = 0; col < nx; col++) {
            float c = cells[(size_t)row * (size_t)nx + (size_t)col];
            int rgba[4] = {0, 0, 0, 0};
            if (!(isnan(c) || (has_nd && fabs((double)c - nd) <= 1e-6 * fabs(nd))))
                senda__ramp_rgba(t->kind, (double)c, t->min, t->max, rgba);
            uint32_t a = (uint32_t)rgba[3];
            uint32_t px_val = a << 24 | ((uint32_t)rgba[0] * a / 255) << 16 |
                              ((uint32_t)rgba[1] * a / 255) << 8 | ((uint32_t)rgba[2] * a / 255);
            memcpy(data + (size_t)row * (size_t)stride + (size_t)col * 4, &px_val, 4);
        }
    cairo_surface_mark_dirty(img);
    cairo_save(v->cr);
    cairo_translate(v->cr, px(v, gt[0]), py(v, gt[3]));
    cairo_scale(v->cr, gt[1] * v->scale, -gt[5] * v->scale);
    cairo_set_source_surface(v->cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(v->cr), CAIRO_FILTER_NEAREST);
    cairo_paint_with_alpha(v->cr, 0.9);
    cairo_restore(v->cr);
done:
    if (img)
        cairo_surface_destroy(img);
    senda__free(cells);
    GDALClose(r);
    return st;
}

static void text(cairo_t *cr, double x, double y, double size, int bold, const char *s)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

/* The font size (at most size, at least 8) at which s is no wider than max_w. */
static double fit_size(cairo_t *cr, double size, int bold, const char *s, double max_w)
{
    cairo_text_extents_t e;
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, s, &e);
    double fit = e.x_advance > max_w && e.x_advance > 0.0 ? size * max_w / e.x_advance : size;
    return fit < 8.0 ? 8.0 : fit;
}

/* A legend line inside max_w: the text as is when it fits; else a title
 * "Base (units)" on two lines (base, then the units in brackets); each line
 * shrunk to fit what is left. Returns the height used below y. */
static double text_fit(cairo_t *cr, double x, double y, double size, int bold, const char *s,
                       double max_w)
{
    double f = fit_size(cr, size, bold, s, max_w);
    const char *open = strstr(s, " (");
    if (f >= size || !open || f >= 0.85 * size) {
        text(cr, x, y, f, bold, s);
        return 0.0;
    }
    char base[400];
    snprintf(base, sizeof base, "%.*s", (int)(open - s), s);
    text(cr, x, y, fit_size(cr, size, bold, base, max_w), bold, base);
    text(cr, x, y + size + 3, fit_size(cr, size - 1, 0, open + 1, max_w), 0, open + 1);
    return size + 3;
}

static const char *tr(const view *v, const char *en)
{
    return v->tr ? v->tr(v->tr_arg, en) : en;
}

/* A legend title "Base (units)" translated part by part. */
static void tr_title(const view *v, const char *title, char *out, size_t size)
{
    const char *open = strstr(title, " (");
    size_t len = strlen(title);
    if (!v->tr || !open || title[len - 1] != ')' || tr(v, title) != title) {
        snprintf(out, size, "%s", tr(v, title));
        return;
    }
    char base[160], units[160];
    snprintf(base, sizeof base, "%.*s", (int)(open - title), title);
    snprintf(units, sizeof units, "%.*s", (int)(len - (size_t)(open - title) - 3), open + 2);
    snprintf(out, size, "%s (%s)", tr(v, base), tr(v, units));
}

static void legend_entry(view *v, const senda__table *t)
{
    cairo_t *cr = v->cr;
    double x = v->x0 + v->w + PAD * 1.5, y = v->legend_y;
    look k = feature_look(t->kind, 1.0, 1);
    OGRwkbGeometryType g = wkbFlatten(t->geom_type);
    if (g == wkbLineString || g == wkbMultiLineString) {
        cairo_move_to(cr, x, y - 5);
        cairo_line_to(cr, x + 30, y - 5);
        paint_path(cr, &k, 0);
        if (t->kind == SENDA__K_RAIL) {
            look dash = {{255, 255, 255, 255}, {0, 0, 0, 0}, 1.0, 6, 0};
            cairo_move_to(cr, x, y - 5);
            cairo_line_to(cr, x + 30, y - 5);
            paint_path(cr, &dash, 0);
        }
    } else {
        marker(cr, k.marker ? k.marker : 'c', x + 15, y - 5, k.width > 14 ? 14 : k.width);
        set_rgba(cr, k.fill[0], k.fill[1], k.fill[2], 255);
        cairo_fill(cr);
    }
    set_rgba(cr, 20, 20, 20, 255);
    char title[400];
    tr_title(v, t->title, title, sizeof title);
    v->legend_y += 24 + text_fit(cr, x + 40, y, 14, 0, title, v->legend_right - x - 40);
}

static void legend_surface(view *v, const senda__table *t)
{
    cairo_t *cr = v->cr;
    double x = v->x0 + v->w + PAD * 1.5, y = v->legend_y;
    set_rgba(cr, 20, 20, 20, 255);
    char title[400];
    tr_title(v, t->title, title, sizeof title);
    y += 14 + text_fit(cr, x, y, 13, 1, title, v->legend_right - x);
    if (t->raster) {
        double bar_h = 150;
        for (int i = 0; i < 150; i++) {
            int c[4];
            senda__ramp_rgba(t->kind, t->max - (t->max - t->min) * i / 149.0, t->min, t->max, c);
            set_rgba(cr, c[0], c[1], c[2], c[3] < 40 ? 40 : c[3]);
            cairo_rectangle(cr, x, y + i * bar_h / 150.0, 24, bar_h / 150.0 + 0.5);
            cairo_fill(cr);
        }
        set_rgba(cr, 20, 20, 20, 255);
        char label[96];
        for (int i = 0; i <= 2; i++) {
            double val = t->max - (t->max - t->min) * i / 2.0;
            snprintf(label, sizeof label, "%.3g %s", val, tr(v, t->units));
            text(cr, x + 32, y + 6 + i * bar_h / 2.0,
                 fit_size(cr, 13, 0, label, v->legend_right - x - 32), 0, label);
        }
        v->legend_y = y + bar_h + 34;
        return;
    }
    for (int bin = 3; bin >= -3; bin--) {
        int c[4];
        const char *label = senda__gi_bin_rgba(bin, c);
        set_rgba(cr, c[0], c[1], c[2], 255);
        cairo_rectangle(cr, x, y + 6, 24, 16);
        cairo_fill(cr);
        set_rgba(cr, 20, 20, 20, 255);
        text(cr, x + 32, y + 19, 13, 0, tr(v, label));
        y += 22;
    }
    v->legend_y = y + 34;
}

/* The largest 1, 2 or 5 x 10^k km at most max_km. */
static double nice_km(double max_km)
{
    double p = pow(10.0, floor(log10(max_km))), best = p;
    for (int m = 1; m <= 5; m++)
        if ((m == 1 || m == 2 || m == 5) && m * p <= max_km)
            best = m * p;
    return best;
}

static void scale_bar(const view *v)
{
    cairo_t *cr = v->cr;
    double km = nice_km(v->w / v->scale / 1000.0 / 5.0), len = km * 1000.0 * v->scale;
    double x = v->x0 + 16, y = v->y0 + v->h - 26;
    set_rgba(cr, 255, 255, 255, 210);
    cairo_rectangle(cr, x - 8, y - 24, len + 70, 40);
    cairo_fill(cr);
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, x + i * len / 4, y, len / 4, 7);
        i % 2 ? set_rgba(cr, 255, 255, 255, 255) : set_rgba(cr, 20, 20, 20, 255);
        cairo_fill_preserve(cr);
        set_rgba(cr, 20, 20, 20, 255);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
    }
    char label[32];
    text(cr, x - 3, y - 6, 12, 0, "0");
    snprintf(label, sizeof label, "%g km", km);
    text(cr, x + len - 6, y - 6, 12, 0, label);
}

static void north_arrow(const view *v)
{
    cairo_t *cr = v->cr;
    double x = v->x0 + v->w - 28, y = v->y0 + 24;
    set_rgba(cr, 20, 20, 20, 255);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + 9, y + 26);
    cairo_line_to(cr, x, y + 20);
    cairo_line_to(cr, x - 9, y + 26);
    cairo_close_path(cr);
    cairo_fill(cr);
    text(cr, x - 6, y - 4, 14, 1, "N");
}

void senda_export_render_opts_init(senda_export_render_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->width_px = 1600;
}

static const senda__table *pick_surface(const senda__table *t, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (want ? strcmp(t[i].name, want) == 0 : t[i].kind == SENDA__K_DENSITY)
            return &t[i];
    for (size_t i = 0; !want && i < n; i++)
        if (t[i].kind == SENDA__K_HOTSPOT)
            return &t[i];
    return NULL;
}

/* The title recorded in the provenance, else the file name. */
static void product_title(const char *path, char *title, size_t size)
{
    const char *slash = strrchr(path, '/');
    snprintf(title, size, "%s", slash ? slash + 1 : path);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_RASTER, NULL, NULL, NULL);
    if (!ds)
        return;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, "SELECT json_extract(metadata, '$.title') FROM "
                                        "gpkg_metadata WHERE md_standard_uri = "
                                        "'urn:senda:provenance:1' ORDER BY id DESC LIMIT 1",
                                        NULL, "SQLITE");
    CPLPopErrorHandler();
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    if (f && OGR_F_IsFieldSetAndNotNull(f, 0))
        snprintf(title, size, "%s", OGR_F_GetFieldAsString(f, 0));
    if (f)
        OGR_F_Destroy(f);
    if (r)
        GDALDatasetReleaseResultSet(ds, r);
    GDALClose(ds);
}

/* Frame kinds drawn over the surface, bottom first. */
static const senda__layer_kind overlay[] = {SENDA__K_PATHS, SENDA__K_RAIL, SENDA__K_BORDER,
                                            SENDA__K_SITES, SENDA__K_SHELTERS,
                                            SENDA__K_CROSSINGS, SENDA__K_CHECKPOINTS,
                                            SENDA__K_CHECKPOINT_REMOVED,
                                            SENDA__K_CHECKPOINT_ADDED};
#define N_OVERLAY (sizeof overlay / sizeof overlay[0])

/* Vertices of the rail, crossings and shelters: the towns near them are
 * labelled first. Returns a senda__malloc'd array of x, y pairs (or NULL). */
static void corridor_names_of(GDALDatasetH ds, const senda__table *t, size_t n,
                              senda__layer_kind kind, const char *field_name, char *out,
                              size_t size);

/* The shelters' towns, then '|', then the rail's station names, each list
 * "; "-separated, into out: the towns labelled first. */
static void corridor_names(GDALDatasetH ds, const senda__table *t, size_t n, char *out,
                           size_t size)
{
    out[0] = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            snprintf(out + strlen(out), size - strlen(out), "|");
        corridor_names_of(ds, t, n, pass ? SENDA__K_RAIL : SENDA__K_SHELTERS,
                          pass ? "stations" : "town", out, size);
    }
}

static void corridor_names_of(GDALDatasetH ds, const senda__table *t, size_t n,
                              senda__layer_kind kind, const char *field_name, char *out,
                              size_t size)
{
    for (size_t i = 0; i < n; i++) {
        const char *field = !t[i].raster && t[i].kind == kind ? field_name : NULL;
        OGRLayerH lyr = field ? GDALDatasetGetLayerByName(ds, t[i].name) : NULL;
        int fi = lyr ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), field) : -1;
        if (fi < 0)
            continue;
        OGR_L_ResetReading(lyr);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
            size_t used = strlen(out);
            if (OGR_F_IsFieldSetAndNotNull(f, fi))
                snprintf(out + used, size - used, "%s%s",
                         used && out[used - 1] != '|' ? "; " : "",
                         OGR_F_GetFieldAsString(f, fi));
            OGR_F_Destroy(f);
        }
    }
}

static double *corridor_points(senda_ctx *ctx, GDALDatasetH ds, const senda__table *t,
                               size_t n, size_t *n_out)
{
    size_t cap = 0, used = 0;
    double *xy = NULL;
    for (size_t i = 0; i < n; i++) {
        if (t[i].raster || !(t[i].kind == SENDA__K_RAIL || t[i].kind == SENDA__K_CROSSINGS ||
                             t[i].kind == SENDA__K_SHELTERS))
            continue;
        OGRLayerH lyr = GDALDatasetGetLayerByName(ds, t[i].name);
        OGRFeatureH f;
        if (lyr)
            OGR_L_ResetReading(lyr);
        while (lyr && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            OGRGeometryH line = g ? OGR_G_ForceToLineString(OGR_G_Clone(g)) : NULL;
            int np = line ? OGR_G_GetPointCount(line) : 0;
            if (used + (size_t)np > cap) {
                size_t want = (used + (size_t)np) * 2 + 64;
                double *grown = senda__realloc(ctx, xy, want * 2 * sizeof *xy);
                if (!grown) {
                    OGR_G_DestroyGeometry(line);
                    OGR_F_Destroy(f);
                    *n_out = used;
                    return xy;
                }
                xy = grown, cap = want;
            }
            for (int k = 0; k < np; k++, used++)
                xy[2 * used] = OGR_G_GetX(line, k), xy[2 * used + 1] = OGR_G_GetY(line, k);
            if (line)
                OGR_G_DestroyGeometry(line);
            OGR_F_Destroy(f);
        }
    }
    *n_out = used;
    return xy;
}

static senda_status draw_map(senda_ctx *ctx, const char *path, view *v, const senda__table *t,
                             size_t n, const senda__table *surface, senda_progress_fn progress,
                             void *progress_arg)
{
    senda_status st = SENDA_OK;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_RASTER, NULL, NULL, NULL);
    if (!ds)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "%s: cannot open", path);
    cairo_save(v->cr);
    cairo_rectangle(v->cr, v->x0, v->y0, v->w, v->h);
    cairo_clip(v->cr);
    int srs_id = n ? t[0].srs_id : 0;
    senda__basemap_land(v, srs_id);
    if (surface)
        st = surface->raster ? draw_coverage(ctx, path, v, surface)
                             : draw_table(ctx, ds, v, surface);
    for (size_t k = 0; k < N_OVERLAY && st == SENDA_OK; k++) {
        for (size_t i = 0; i < n && st == SENDA_OK; i++)
            if (!t[i].raster && t[i].kind == overlay[k])
                st = draw_table(ctx, ds, v, &t[i]);
        if (st == SENDA_OK && !senda__progress(ctx, progress, progress_arg,
                                               0.1 + 0.8 * (double)(k + 1) / N_OVERLAY, NULL))
            st = SENDA_ERR_CANCELLED;
        if (k == 0 && st == SENDA_OK) /* the graticule over the surface, under the lines */
            senda__basemap_graticule(v, srs_id);
    }
    if (st == SENDA_OK) {
        size_t n_near = 0;
        double *near_xy = corridor_points(ctx, ds, t, n, &n_near);
        /* about one label per 110 x 110 units of map, at most 40 */
        int max_labels = (int)fmin(40.0, v->w * v->h / 12000.0);
        char listed[4096];
        corridor_names(ds, t, n, listed, sizeof listed);
        senda__basemap_towns(v, srs_id, max_labels, 12.0, near_xy, n_near, listed);
        senda__free(near_xy);
    }
    cairo_restore(v->cr);
    GDALClose(ds);
    return st;
}

static void draw_furniture(view *v, const senda__table *t, size_t n,
                           const senda__table *surface, const char *title, double width)
{
    cairo_t *cr = v->cr;
    set_rgba(cr, 20, 20, 20, 255);
    text(cr, PAD, 42, 28, 1, title);
    set_rgba(cr, 90, 90, 90, 255);
    text(cr, PAD, 64, 14, 0, tr(v, "senda map. Land, coast and towns: Natural Earth, GeoNames "
                                   "(CC BY 4.0). Open the .gpkg in QGIS for the styled "
                                   "project."));
    cairo_set_line_width(cr, 1.5);
    set_rgba(cr, 60, 60, 60, 255);
    cairo_rectangle(cr, v->x0, v->y0, v->w, v->h);
    cairo_stroke(cr);
    v->legend_y = v->y0 + 16;
    if (surface)
        legend_surface(v, surface);
    for (size_t k = N_OVERLAY; k-- > 0;)
        for (size_t i = 0; i < n; i++)
            if (!t[i].raster && t[i].kind == overlay[k])
                legend_entry(v, &t[i]);
    scale_bar(v);
    north_arrow(v);
    char crs_note[96];
    snprintf(crs_note, sizeof crs_note, tr(v, "Projected CRS, metres (SRS id %d)"), t[0].srs_id);
    set_rgba(cr, 110, 110, 110, 255);
    text(cr, width - LEGEND_W + PAD / 2, v->y0 + v->h - 8, 12, 0, crs_note);
}

static senda_status check_render_args(senda_ctx *ctx, const char *gpkg_path,
                                      const char *png_path, const senda_export_render_opts *o)
{
    if (!gpkg_path || !png_path || !o)
        return senda__fail(ctx, SENDA_ERR_ARG, "gpkg_path, png_path or opts is NULL");
    if (o->width_px < 400 || o->width_px > 8000)
        return senda__fail(ctx, SENDA_ERR_ARG, "picture width must be 400..8000 px, got %d",
                           o->width_px);
    if (o->has_extent && !(o->extent[2] > o->extent[0] && o->extent[3] > o->extent[1] &&
                           isfinite(o->extent[0] + o->extent[1] + o->extent[2] + o->extent[3])))
        return senda__fail(ctx, SENDA_ERR_ARG, "extent must be xmin,ymin,xmax,ymax with xmin < "
                           "xmax and ymin < ymax, got %g,%g,%g,%g", o->extent[0], o->extent[1],
                           o->extent[2], o->extent[3]);
    return SENDA_OK;
}

/* The legend's height: the surface's block, then one row per overlay table. */
static double legend_height(const senda__table *t, size_t n, const senda__table *surface)
{
    double h = 16;
    if (surface)
        h += surface->raster ? 14 + 150 + 34 : 14 + 7 * 22 + 34;
    for (size_t k = 0; k < N_OVERLAY; k++)
        for (size_t i = 0; i < n; i++)
            if (!t[i].raster && t[i].kind == overlay[k])
                h += 24;
    return h + 30; /* the CRS note at the foot */
}

/* Map window and box for a composition `width` wide; the height follows the
 * corridor's shape, and is never less than the legend needs. */
static int layout(const senda__table *t, size_t n, const senda__table *surface, double width,
                  const double *extent, view *v, double *height)
{
    double e[4] = {0.0, 0.0, 0.0, 0.0};
    if (extent) /* the caller's window (render --extent) */
        memcpy(e, extent, sizeof e);
    else if (!senda__tables_extent(t, n, e))
        return 0;
    double mx = (e[2] - e[0]) * 0.04, my = (e[3] - e[1]) * 0.04;
    *v = (view){.xmin = e[0] - mx, .ymin = e[1] - my, .xmax = e[2] + mx, .ymax = e[3] + my};
    v->x0 = PAD, v->y0 = TITLE_H;
    v->w = width - LEGEND_W - 2 * PAD;
    v->legend_right = width - PAD / 2;
    v->scale = v->w / (v->xmax - v->xmin);
    v->h = (v->ymax - v->ymin) * v->scale;
    if (v->h > 3.0 * v->w) { /* a very tall extent: fit the height instead */
        v->h = 3.0 * v->w;
        v->scale = v->h / (v->ymax - v->ymin);
    }
    double need = legend_height(t, n, surface);
    if (v->h < need) { /* a wide map at a small width: room for the whole legend */
        double cy = (v->ymin + v->ymax) / 2, half = need / v->scale / 2;
        v->ymin = cy - half, v->ymax = cy + half, v->h = need;
    }
    *height = TITLE_H + v->h + FOOT_H;
    return 1;
}

senda_status senda__render_compose(senda_ctx *ctx, cairo_t *cr, const char *gpkg_path,
                                   const senda_export_render_opts *o, double width,
                                   double *height_out, senda__tr_fn tr_fn, const void *tr_arg,
                                   senda_progress_fn progress, void *progress_arg)
{
    size_t n = 0;
    senda_status st = SENDA_OK;
    senda__table *t = senda__calloc(ctx, 64, sizeof *t);
    if (!t)
        return SENDA_ERR_NOMEM;
    if ((st = senda__product_tables(ctx, gpkg_path, t, 64, &n)) != SENDA_OK)
        goto done;
    const senda__table *surface = pick_surface(t, n, o->surface);
    if (o->surface && !surface) {
        st = senda__fail(ctx, SENDA_ERR_ARG, "%s has no table '%s' to draw", gpkg_path,
                         o->surface);
        goto done;
    }
    view v;
    double height;
    if (!layout(t, n, surface, width, o->has_extent ? o->extent : NULL, &v, &height)) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: nothing to draw (no layer with an extent)",
                         gpkg_path);
        goto done;
    }
    if (height_out)
        *height_out = height;
    if (!cr)
        goto done;
    v.cr = cr, v.tr = tr_fn, v.tr_arg = tr_arg;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, width, height);
    cairo_fill(cr);
    if ((st = draw_map(ctx, gpkg_path, &v, t, n, surface, progress, progress_arg)) != SENDA_OK)
        goto done;
    char title[256];
    if (o->title)
        snprintf(title, sizeof title, "%s", o->title);
    else
        product_title(gpkg_path, title, sizeof title);
    draw_furniture(&v, t, n, surface, title, width);
done:
    senda__free(t);
    return st;
}

senda_status senda_export_render(senda_ctx *ctx, const char *gpkg_path, const char *png_path,
                                 const senda_export_render_opts *opts, senda_progress_fn progress,
                                 void *progress_arg)
{
    senda__reset(ctx);
    senda_export_render_opts defaults;
    senda_export_render_opts_init(&defaults);
    const senda_export_render_opts *o = opts ? opts : &defaults;
    senda_status st = check_render_args(ctx, gpkg_path, png_path, o);
    if (st != SENDA_OK)
        return st;
    cairo_surface_t *pic = NULL;
    cairo_t *cr = NULL;
    double height = 0;
    if (!senda__progress(ctx, progress, progress_arg, 0.0, NULL))
        return SENDA_ERR_CANCELLED;
    if ((st = senda__render_compose(ctx, NULL, gpkg_path, o, o->width_px, &height, NULL, NULL,
                                    NULL, NULL)) != SENDA_OK)
        return st;
    pic = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, o->width_px, (int)ceil(height));
    cr = cairo_create(pic);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        st = senda__fail(ctx, SENDA_ERR_NOMEM, "cannot make a %dx%d picture", o->width_px,
                         (int)ceil(height));
        goto done;
    }
    if ((st = senda__render_compose(ctx, cr, gpkg_path, o, o->width_px, NULL, NULL, NULL,
                                    progress, progress_arg)) != SENDA_OK)
        goto done;
    char tmp[1100];
    senda__tmp_path(png_path, tmp, sizeof tmp);
    cairo_surface_flush(pic);
    errno = 0;
    cairo_status_t cs = cairo_surface_write_to_png(pic, tmp);
    if (cs != CAIRO_STATUS_SUCCESS) {
        int err = errno; /* cairo writes through stdio: the write's errno */
        remove(tmp);
        st = cs == CAIRO_STATUS_WRITE_ERROR && err
                 ? senda__fail_errno(ctx, err, png_path, "cannot write the PNG")
                 : senda__fail(ctx, SENDA_ERR_IO, "%s: cannot write the PNG: cairo: %s",
                               png_path, cairo_status_to_string(cs));
        goto done;
    }
    if ((st = senda__commit_file(ctx, tmp, png_path)) == SENDA_OK &&
        !senda__progress(ctx, progress, progress_arg, 1.0, NULL))
        st = SENDA_ERR_CANCELLED;
done:
    if (cr)
        cairo_destroy(cr);
    if (pic)
        cairo_surface_destroy(pic);
    return st;
}
