/*
 * styles.c - default QGIS styles for every table of the product, written as
 * QML into the `layer_styles` table that QGIS reads when it opens a layer of
 * a GeoPackage (the same table and columns QGIS's own "Save style in
 * database" creates: f_table_catalog, f_table_schema, f_table_name,
 * f_geometry_column, styleName, styleQML, styleSLD, useAsDefault,
 * description, owner, ui, update_time).
 *
 * The QML follows what QGIS 3.22 writes (renderer-v2 for vectors with
 * symbol layers given both as <Option type="Map"> and as the older <prop>
 * list, so QGIS 3.10 onwards reads them; rasterrenderer for coverages with
 * a colour-ramp shader whose legend carries the units as a suffix).
 * Choices: hotspot cells use the 7-class Gi_Bin colours of ArcGIS's Hot Spot
 * Analysis (-3..3: cold/hot at 99, 95, 90 % confidence), which planners
 * know; route segments are graduated by danger per km in 5 quantile classes
 * (YlOrRd); incidents are categorised by type (ColorBrewer Dark2, then
 * grey) and drive QGIS's temporal controller from their date field; sites
 * and shelters with a rank get bigger, darker symbols for better ranks;
 * paths get thicker lines for better ranks. A density surface draws its
 * zero cells transparent so the frame stays readable. No SLD is written
 * (styleSLD is empty, as QGIS allows).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <ogr_api.h>

#include "export/export_int.h"

typedef struct rgb {
    int r, g, b, a;
} rgb;

/* One symbol layer property, written in both of QGIS's forms by flush. */
typedef struct prop {
    const char *k;
    char v[64];
} prop;

static void symbol_layer(senda__sbuf *b, const char *cls, const prop *p, size_t n)
{
    senda__sb_printf(b, "<layer class=\"%s\" enabled=\"1\" locked=\"0\" pass=\"0\">"
                        "<Option type=\"Map\">", cls);
    for (size_t i = 0; i < n; i++)
        senda__sb_printf(b, "<Option type=\"QString\" name=\"%s\" value=\"%s\"/>", p[i].k,
                         p[i].v);
    senda__sb_printf(b, "</Option>");
    for (size_t i = 0; i < n; i++)
        senda__sb_printf(b, "<prop k=\"%s\" v=\"%s\"/>", p[i].k, p[i].v);
    senda__sb_printf(b, "</layer>");
}

static void color(char *v, rgb c) { snprintf(v, 64, "%d,%d,%d,%d", c.r, c.g, c.b, c.a); }

static void line_layer(senda__sbuf *b, rgb c, double width_mm, const char *style)
{
    prop p[5] = {{"line_color", ""}, {"line_width", ""}, {"line_width_unit", "MM"},
                 {"line_style", ""}, {"capstyle", "round"}};
    color(p[0].v, c);
    snprintf(p[1].v, 64, "%g", width_mm);
    snprintf(p[3].v, 64, "%s", style);
    symbol_layer(b, "SimpleLine", p, 5);
}

static void symbol_open(senda__sbuf *b, const char *type, int name)
{
    senda__sb_printf(b, "<symbol type=\"%s\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" "
                        "force_rhr=\"0\">", type, name);
}

static void line_symbol(senda__sbuf *b, int name, rgb c, double width_mm)
{
    symbol_open(b, "line", name);
    line_layer(b, c, width_mm, "solid");
    senda__sb_printf(b, "</symbol>");
}

static void marker_symbol(senda__sbuf *b, int name, const char *shape, rgb fill, rgb outline,
                          double size_mm)
{
    prop p[6] = {{"name", ""}, {"color", ""}, {"outline_color", ""}, {"outline_width", "0.3"},
                 {"size", ""}, {"size_unit", "MM"}};
    snprintf(p[0].v, 64, "%s", shape);
    color(p[1].v, fill);
    color(p[2].v, outline);
    snprintf(p[4].v, 64, "%g", size_mm);
    symbol_open(b, "marker", name);
    symbol_layer(b, "SimpleMarker", p, 6);
    senda__sb_printf(b, "</symbol>");
}

static void fill_symbol(senda__sbuf *b, int name, rgb fill, rgb outline, double outline_mm)
{
    prop p[5] = {{"color", ""}, {"style", "solid"}, {"outline_color", ""},
                 {"outline_width", ""}, {"outline_style", ""}};
    color(p[0].v, fill);
    color(p[2].v, outline);
    snprintf(p[3].v, 64, "%g", outline_mm);
    snprintf(p[4].v, 64, "%s", outline_mm > 0.0 ? "solid" : "no");
    symbol_open(b, "fill", name);
    symbol_layer(b, "SimpleFill", p, 5);
    senda__sb_printf(b, "</symbol>");
}

/* A symbol of the table's geometry in colour c, size s (mm). */
static void any_symbol(senda__sbuf *b, const senda__table *t, int name, rgb c, double s)
{
    OGRwkbGeometryType g = wkbFlatten(t->geom_type);
    if (g == wkbPoint || g == wkbMultiPoint)
        marker_symbol(b, name, "circle", c, (rgb){60, 60, 60, 255}, s);
    else if (g == wkbLineString || g == wkbMultiLineString)
        line_symbol(b, name, c, s / 4.0);
    else
        fill_symbol(b, name, c, (rgb){c.r / 2, c.g / 2, c.b / 2, 255}, 0.1);
}

static void renderer_open(senda__sbuf *b, const char *type, const char *attr)
{
    senda__sb_printf(b, "<renderer-v2 type=\"%s\" symbollevels=\"0\" forceraster=\"0\" "
                        "enableorderby=\"0\"", type);
    if (attr) {
        senda__sb_printf(b, " attr=\"");
        senda__sb_xml(b, attr);
        senda__sb_printf(b, "\"");
    }
    if (strcmp(type, "graduatedSymbol") == 0)
        senda__sb_printf(b, " graduatedMethod=\"GraduatedColor\"");
    senda__sb_printf(b, ">");
}

static void cased_line(senda__sbuf *b, rgb under, double under_mm, rgb over, double over_mm,
                       const char *over_style)
{
    symbol_open(b, "line", 0);
    line_layer(b, under, under_mm, "solid");
    line_layer(b, over, over_mm, over_style);
    senda__sb_printf(b, "</symbol>");
}

static void frame_style(senda__sbuf *b, const senda__table *t)
{
    renderer_open(b, "singleSymbol", NULL);
    senda__sb_printf(b, "<symbols>");
    switch (t->kind) {
    case SENDA__K_BORDER: /* a dash-dot line on a white casing */
        cased_line(b, (rgb){255, 255, 255, 200}, 1.6, (rgb){90, 40, 110, 255}, 0.7, "dash dot");
        break;
    case SENDA__K_RAIL: /* the map convention: black with white dashes */
        cased_line(b, (rgb){30, 30, 30, 255}, 0.9, (rgb){255, 255, 255, 255}, 0.45, "dash");
        break;
    case SENDA__K_CHECKPOINTS:
        marker_symbol(b, 0, "triangle", (rgb){200, 30, 30, 255}, (rgb){255, 255, 255, 255}, 3.6);
        break;
    case SENDA__K_CHECKPOINT_ADDED:
        marker_symbol(b, 0, "triangle", (rgb){255, 140, 0, 255}, (rgb){0, 0, 0, 255}, 5.2);
        break;
    case SENDA__K_CHECKPOINT_REMOVED:
        marker_symbol(b, 0, "triangle", (rgb){235, 235, 235, 255}, (rgb){120, 120, 120, 255}, 3.6);
        break;
    case SENDA__K_CROSSINGS:
        marker_symbol(b, 0, "diamond", (rgb){90, 40, 110, 255}, (rgb){255, 255, 255, 255}, 3.2);
        break;
    case SENDA__K_SHELTERS:
        marker_symbol(b, 0, "square", (rgb){30, 110, 190, 255}, (rgb){255, 255, 255, 255}, 3.0);
        break;
    default: any_symbol(b, t, 0, (rgb){120, 120, 120, 255}, 2.4); break;
    }
    senda__sb_printf(b, "</symbols><rotation/><sizescale/></renderer-v2>");
}

static const struct {
    int bin;
    rgb c;
    const char *label;
} gi_bins[7] = {
    {-3, {69, 117, 181, 255}, "Cold spot, 99 % confidence"},
    {-2, {132, 158, 186, 255}, "Cold spot, 95 % confidence"},
    {-1, {192, 204, 190, 255}, "Cold spot, 90 % confidence"},
    {0, {255, 255, 191, 160}, "Not significant"},
    {1, {250, 185, 132, 255}, "Hot spot, 90 % confidence"},
    {2, {237, 117, 81, 255}, "Hot spot, 95 % confidence"},
    {3, {214, 47, 39, 255}, "Hot spot, 99 % confidence"},
};

static void hotspot_style(senda__sbuf *b, const senda__table *t)
{
    renderer_open(b, "categorizedSymbol", t->field);
    senda__sb_printf(b, "<categories>");
    for (int i = 0; i < 7; i++)
        senda__sb_printf(b, "<category value=\"%d\" symbol=\"%d\" label=\"%s (Gi_Bin %+d)\" "
                            "render=\"true\"/>", gi_bins[i].bin, i, gi_bins[i].label,
                         gi_bins[i].bin);
    senda__sb_printf(b, "</categories><symbols>");
    for (int i = 0; i < 7; i++)
        fill_symbol(b, i, gi_bins[i].c, (rgb){255, 255, 255, 0}, 0.0);
    senda__sb_printf(b, "</symbols><rotation/><sizescale/></renderer-v2>");
}

static const rgb dark2[8] = {{27, 158, 119, 255}, {217, 95, 2, 255},   {117, 112, 179, 255},
                             {231, 41, 138, 255}, {102, 166, 30, 255}, {230, 171, 2, 255},
                             {166, 118, 29, 255}, {102, 102, 102, 255}};

static void incidents_style(senda__sbuf *b, const senda__table *t)
{
    renderer_open(b, "categorizedSymbol", t->field);
    senda__sb_printf(b, "<categories>");
    for (int i = 0; i < t->n_cats; i++) {
        senda__sb_printf(b, "<category value=\"");
        senda__sb_xml(b, t->cats[i]);
        senda__sb_printf(b, "\" symbol=\"%d\" label=\"", i);
        senda__sb_xml(b, t->cats[i]);
        senda__sb_printf(b, "\" render=\"true\"/>");
    }
    senda__sb_printf(b, "</categories><symbols>");
    for (int i = 0; i < t->n_cats; i++)
        marker_symbol(b, i, "circle", dark2[i < 7 ? i : 7], (rgb){255, 255, 255, 255}, 2.2);
    senda__sb_printf(b, "</symbols><rotation/><sizescale/></renderer-v2>");
}

/* Graduated: ranges from t->breaks, colours and sizes from the tables. */
static void graduated(senda__sbuf *b, const senda__table *t, const rgb *ramp, const double *size,
                      const char *unit)
{
    renderer_open(b, "graduatedSymbol", t->field);
    int n = t->n_breaks - 1;
    senda__sb_printf(b, "<ranges>");
    for (int i = 0; i < n; i++)
        senda__sb_printf(b, "<range lower=\"%.17g\" upper=\"%.17g\" symbol=\"%d\" "
                            "label=\"%.3g - %.3g%s\" render=\"true\"/>", t->breaks[i],
                         t->breaks[i + 1], i, t->breaks[i], t->breaks[i + 1], unit);
    senda__sb_printf(b, "</ranges><symbols>");
    for (int i = 0; i < n; i++)
        any_symbol(b, t, i, ramp[i], size[i]);
    senda__sb_printf(b, "</symbols><mode name=\"quantile\"/><rotation/><sizescale/>"
                        "<labelformat format=\"%%1 - %%2\" decimalplaces=\"3\" "
                        "trimtrailingzeroes=\"1\"/></renderer-v2>");
}

/* Ranks: 1, 2, 3, 4-5, 6 and over: best first, biggest and darkest. */
static void ranked(senda__sbuf *b, const senda__table *t, const rgb *ramp, const double *size)
{
    static const double lo[5] = {0.5, 1.5, 2.5, 3.5, 5.5}, hi[5] = {1.5, 2.5, 3.5, 5.5, 1e9};
    static const char *const label[5] = {"rank 1", "rank 2", "rank 3", "ranks 4-5",
                                         "rank 6 and over"};
    renderer_open(b, "graduatedSymbol", t->field);
    senda__sb_printf(b, "<ranges>");
    for (int i = 0; i < 5; i++)
        senda__sb_printf(b, "<range lower=\"%g\" upper=\"%g\" symbol=\"%d\" label=\"%s\" "
                            "render=\"true\"/>", lo[i], hi[i], i, label[i]);
    senda__sb_printf(b, "</ranges><symbols>");
    for (int i = 0; i < 5; i++)
        any_symbol(b, t, i, ramp[i], size[i]);
    senda__sb_printf(b, "</symbols><mode name=\"fixed\"/><rotation/><sizescale/>"
                        "</renderer-v2>");
}

static const rgb ylorrd[5] = {{254, 217, 118, 255}, {254, 178, 76, 255}, {253, 141, 60, 255},
                              {240, 59, 32, 255},   {189, 0, 38, 255}};
static const rgb greens[5] = {{0, 90, 50, 255},    {35, 139, 69, 255}, {65, 171, 93, 255},
                              {116, 196, 118, 255}, {161, 217, 155, 255}};
static const rgb blues[5] = {{8, 48, 107, 255},    {33, 113, 181, 255}, {66, 146, 198, 255},
                             {107, 174, 214, 255}, {158, 202, 225, 255}};

static void vector_renderer(senda__sbuf *b, const senda__table *t)
{
    static const double grow[5] = {2.0, 3.0, 4.0, 5.5, 7.0}, shrink[5] = {7.0, 5.5, 4.5, 3.5,
                                                                         2.8};
    switch (t->kind) {
    case SENDA__K_HOTSPOT:
        if (t->field[0])
            { hotspot_style(b, t); return; }
        break;
    case SENDA__K_INCIDENTS:
        if (t->field[0] && t->n_cats)
            { incidents_style(b, t); return; }
        break;
    case SENDA__K_ROUTES:
        if (t->field[0] && t->n_breaks >= 2)
            { graduated(b, t, ylorrd, grow, " per km"); return; }
        break;
    case SENDA__K_AREAS:
        if (t->field[0] && t->n_breaks >= 2)
            { graduated(b, t, ylorrd, grow, " incidents"); return; }
        break;
    case SENDA__K_SITES:
    case SENDA__K_SHELTERS:
        if (t->field[0])
            { ranked(b, t, t->kind == SENDA__K_SITES ? greens : blues, shrink); return; }
        break;
    case SENDA__K_PATHS:
        if (t->field[0])
            { ranked(b, t, blues, shrink); return; }
        break;
    default: break;
    }
    frame_style(b, t);
}

const char *senda__style_renderer(const senda__table *t)
{
    if (t->raster)
        return "singlebandpseudocolor";
    switch (t->kind) {
    case SENDA__K_HOTSPOT: return t->field[0] ? "categorizedSymbol" : "singleSymbol";
    case SENDA__K_INCIDENTS: return t->field[0] && t->n_cats ? "categorizedSymbol"
                                                             : "singleSymbol";
    case SENDA__K_ROUTES:
    case SENDA__K_AREAS: return t->field[0] && t->n_breaks >= 2 ? "graduatedSymbol"
                                                                : "singleSymbol";
    case SENDA__K_SITES:
    case SENDA__K_SHELTERS:
    case SENDA__K_PATHS: return t->field[0] ? "graduatedSymbol" : "singleSymbol";
    default: return "singleSymbol";
    }
}

static void temporal(senda__sbuf *b, const senda__table *t)
{
    int on = (t->kind == SENDA__K_INCIDENTS || t->kind == SENDA__K_HOTSPOT) && t->time_field[0];
    /* the hotspot cube's bins last from step_start to step_end (mode 2: start and end
     * from fields); incidents are instants (mode 1) */
    int span = on && strcmp(t->time_field, "step_start") == 0;
    senda__sb_printf(b, "<temporal enabled=\"%d\" mode=\"%d\" startField=\"", on,
                     span ? 2 : on ? 1 : 0);
    if (on)
        senda__sb_xml(b, t->time_field);
    senda__sb_printf(b, "\" endField=\"%s\" durationField=\"\" durationUnit=\"d\" "
                        "fixedDuration=\"1\" accumulate=\"0\" startExpression=\"\" "
                        "endExpression=\"\" limitMode=\"0\"><fixedRange><start></start><end>"
                        "</end></fixedRange></temporal>", span ? "step_end" : "");
}

/* The ramp stops of a surface kind, low to high. */
static const rgb *surface_ramp(senda__layer_kind k, int *transparent_low)
{
    static const rgb density[5] = {{255, 255, 204, 0}, {254, 217, 118, 255}, {253, 141, 60, 255},
                                   {227, 26, 28, 255}, {128, 0, 38, 255}};
    static const rgb danger[5] = {{252, 253, 191, 255}, {254, 159, 109, 255}, {222, 73, 104, 255},
                                  {140, 41, 129, 255},  {59, 15, 112, 255}};
    static const rgb cost[5] = {{253, 231, 37, 255}, {94, 201, 98, 255}, {33, 145, 140, 255},
                                {59, 82, 139, 255},  {68, 1, 84, 255}};
    static const rgb flow[5] = {{247, 252, 253, 0}, {191, 211, 230, 255}, {140, 150, 198, 255},
                                {136, 65, 157, 255}, {77, 0, 75, 255}};
    /* diverging, white at the middle (0 change): blue fewer people, red more */
    static const rgb change[5] = {{33, 102, 172, 255}, {146, 197, 222, 255}, {255, 255, 255, 0},
                                  {244, 165, 130, 255}, {178, 24, 43, 255}};
    static const rgb grey[5] = {{250, 250, 250, 255}, {200, 200, 200, 255}, {150, 150, 150, 255},
                                {100, 100, 100, 255}, {40, 40, 40, 255}};
    *transparent_low = k == SENDA__K_DENSITY || k == SENDA__K_FLOW;
    return k == SENDA__K_DENSITY  ? density
           : k == SENDA__K_DANGER ? danger
           : k == SENDA__K_COST   ? cost
           : k == SENDA__K_FLOW   ? flow
           : k == SENDA__K_CHANGE ? change
                                  : grey;
}

void senda__ramp_rgba(senda__layer_kind kind, double v, double lo, double hi, int rgba[4])
{
    int transparent_low = 0;
    const rgb *ramp = surface_ramp(kind, &transparent_low);
    double f = hi > lo ? (v - lo) / (hi - lo) : 0.0;
    f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    int i = f >= 1.0 ? 3 : (int)(f * 4.0);
    double w = f * 4.0 - i;
    rgb a = ramp[i], c = ramp[i + 1];
    int alpha_a = i == 0 && transparent_low ? 0 : a.a;
    rgba[0] = (int)(a.r + w * (c.r - a.r) + 0.5);
    rgba[1] = (int)(a.g + w * (c.g - a.g) + 0.5);
    rgba[2] = (int)(a.b + w * (c.b - a.b) + 0.5);
    rgba[3] = (int)(alpha_a + w * (c.a - alpha_a) + 0.5);
}

const char *senda__gi_bin_rgba(int bin, int rgba[4])
{
    int i = bin < -3 ? 0 : bin > 3 ? 6 : bin + 3;
    rgba[0] = gi_bins[i].c.r, rgba[1] = gi_bins[i].c.g;
    rgba[2] = gi_bins[i].c.b, rgba[3] = gi_bins[i].c.a;
    return gi_bins[i].label;
}

static void raster_renderer(senda__sbuf *b, const senda__table *t)
{
    int transparent_low = 0;
    const rgb *ramp = surface_ramp(t->kind, &transparent_low);
    double lo = t->min, hi = t->max > t->min ? t->max : t->min + 1.0;
    senda__sb_printf(b, "<pipe><rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" "
                        "opacity=\"%s\" alphaBand=\"-1\" classificationMin=\"%.17g\" "
                        "classificationMax=\"%.17g\" nodataColor=\"\"><rasterTransparency/>"
                        "<minMaxOrigin><limits>None</limits><extent>WholeRaster</extent>"
                        "<statAccuracy>Exact</statAccuracy><cumulativeCutLower>0.02"
                        "</cumulativeCutLower><cumulativeCutUpper>0.98</cumulativeCutUpper>"
                        "<stdDevFactor>2</stdDevFactor></minMaxOrigin><rastershader>"
                        "<colorrampshader colorRampType=\"INTERPOLATED\" "
                        "classificationMode=\"2\" clip=\"0\" minimumValue=\"%.17g\" "
                        "maximumValue=\"%.17g\" labelPrecision=\"3\">",
                     t->kind == SENDA__K_DENSITY ? "0.85" : "1", lo, hi, lo, hi);
    for (int i = 0; i < 5; i++) {
        double v = lo + (hi - lo) * i / 4.0;
        senda__sb_printf(b, "<item value=\"%.17g\" label=\"%.3g", v, v);
        if (t->units[0]) {
            senda__sb_printf(b, " ");
            senda__sb_xml(b, t->units);
        }
        senda__sb_printf(b, "\" color=\"#%02x%02x%02x\" alpha=\"%d\"/>", ramp[i].r, ramp[i].g,
                         ramp[i].b, i == 0 && transparent_low ? 0 : ramp[i].a);
    }
    senda__sb_printf(b, "<rampLegendSettings minimumLabel=\"\" maximumLabel=\"\" prefix=\"\" "
                        "suffix=\"");
    if (t->units[0]) {
        senda__sb_printf(b, " ");
        senda__sb_xml(b, t->units);
    }
    senda__sb_printf(b, "\" direction=\"0\" useContinuousLegend=\"1\" orientation=\"2\"/>"
                        "</colorrampshader></rastershader></rasterrenderer>"
                        "<brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>"
                        "<huesaturation saturation=\"0\" grayscaleMode=\"0\" colorizeOn=\"0\" "
                        "colorizeRed=\"255\" colorizeGreen=\"128\" colorizeBlue=\"128\" "
                        "colorizeStrength=\"100\"/><rasterresampler maxOversampling=\"2\"/>"
                        "</pipe><blendMode>0</blendMode>");
}

void senda__style_body(senda__sbuf *b, const senda__table *t)
{
    if (t->raster) {
        raster_renderer(b, t);
        return;
    }
    temporal(b, t);
    vector_renderer(b, t);
    senda__sb_printf(b, "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>");
}

static senda_status styles_layer(senda_ctx *ctx, GDALDatasetH ds, OGRLayerH *out)
{
    static const struct {
        const char *name;
        OGRFieldType type;
        OGRFieldSubType sub;
        int width;
    } cols[] = {
        {"f_table_catalog", OFTString, OFSTNone, 256}, {"f_table_schema", OFTString, OFSTNone, 256},
        {"f_table_name", OFTString, OFSTNone, 256}, {"f_geometry_column", OFTString, OFSTNone, 256},
        {"styleName", OFTString, OFSTNone, 30},     {"styleQML", OFTString, OFSTNone, 0},
        {"styleSLD", OFTString, OFSTNone, 0},       {"useAsDefault", OFTInteger, OFSTBoolean, 0},
        {"description", OFTString, OFSTNone, 0},    {"owner", OFTString, OFSTNone, 30},
        {"ui", OFTString, OFSTNone, 30},            {"update_time", OFTDateTime, OFSTNone, 0},
    };
    *out = GDALDatasetGetLayerByName(ds, "layer_styles");
    if (*out)
        return SENDA_OK;
    char **opts = CSLSetNameValue(NULL, "FID", "id");
    CPLErrorReset();
    *out = GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, opts);
    CSLDestroy(opts);
    if (!*out)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot create table layer_styles");
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(cols[i].name, cols[i].type);
        OGR_Fld_SetSubType(fd, cols[i].sub);
        OGR_Fld_SetWidth(fd, cols[i].width);
        senda_status st = senda__gpkg_add_field(ctx, *out, "layer_styles", fd);
        if (st != SENDA_OK)
            return st;
    }
    return SENDA_OK;
}

static senda_status style_row(senda_ctx *ctx, OGRLayerH lyr, const senda__table *t,
                              const char *qml, const struct tm *now)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_catalog"), "");
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_schema"), "");
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_name"), t->name);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_geometry_column"),
                         t->raster ? "" : t->geom_column);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleName"), t->name);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleQML"), qml);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleSLD"), "");
    OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "useAsDefault"), 1);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "description"), t->title);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "owner"), "senda");
    OGR_F_SetFieldDateTimeEx(f, OGR_F_GetFieldIndex(f, "update_time"), now->tm_year + 1900,
                             now->tm_mon + 1, now->tm_mday, now->tm_hour, now->tm_min,
                             (float)now->tm_sec, 100);
    CPLErrorReset();
    OGRErr err = OGR_L_CreateFeature(lyr, f);
    OGR_F_Destroy(f);
    if (err != OGRERR_NONE)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot store the style of '%s'", t->name);
    return SENDA_OK;
}

senda_status senda__write_styles(senda_ctx *ctx, GDALDatasetH ds, const senda__table *t,
                                 size_t n)
{
    OGRLayerH lyr = NULL;
    senda_status st = styles_layer(ctx, ds, &lyr);
    time_t now_t = time(NULL);
    struct tm now;
    gmtime_r(&now_t, &now);
    for (size_t i = 0; i < n && st == SENDA_OK; i++) {
        senda__sbuf b;
        senda__sb_init(&b, ctx);
        senda__sb_printf(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                             "<qgis version=\"3.22.16-Białowieża\" "
                             "styleCategories=\"AllStyleCategories\">");
        senda__style_body(&b, &t[i]);
        senda__sb_printf(&b, "</qgis>\n");
        st = b.failed ? SENDA_ERR_NOMEM : style_row(ctx, lyr, &t[i], b.s, &now);
        senda__sb_free(&b);
    }
    return st;
}
