/*
 * project.c - a QGIS project stored inside the product, so that opening the
 * GeoPackage in QGIS (Project > Open From > GeoPackage) shows the map laid
 * out: every table as a styled layer, the border and rail drawn on top, the
 * surfaces underneath, no basemap, in the analysis CRS, zoomed to the
 * corridor, with the temporal controller spanning the incidents' dates.
 *
 * Storage follows QGIS's GeoPackage project storage (qgsgeopackageproject
 * storage.cpp): table qgis_projects(name TEXT PRIMARY KEY, metadata BLOB,
 * content BLOB), content = the .qgz zip (one .qgs XML file) as hexadecimal
 * text, metadata = {"last_modified_time": ISO 8601, "last_modified_user"}.
 * The table is not registered in gpkg_contents (QGIS does not register it
 * either, and a text primary key is not allowed for GeoPackage attribute
 * tables). Datasources name the file relative to the project
 * ("./out.gpkg|layername=rail", "GPKG:./out.gpkg:density") with relative
 * paths switched on, so a moved or renamed copy needs only the file name
 * fixed; the file name itself is recorded, as QGIS resolves relative paths
 * against the GeoPackage holding the project.
 *
 * Layer ids are "senda_layer_<table>": QGIS ignores an id of 10 characters or
 * fewer and makes up a random one.
 *
 * The project XML is a few KB per layer; the zip is built in /vsimem/.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <ogr_srs_api.h>

#include "export/export_int.h"

static void srs_xml(senda__sbuf *b, const char *crs, const char *wkt)
{
    senda__sb_printf(b, "<spatialrefsys nativeFormat=\"Wkt\"><wkt>");
    senda__sb_xml(b, wkt);
    senda__sb_printf(b, "</wkt><authid>");
    senda__sb_xml(b, crs);
    senda__sb_printf(b, "</authid></spatialrefsys>");
}

static void datasource(senda__sbuf *b, const char *gpkg_name, const senda__table *t)
{
    if (t->raster)
        senda__sb_printf(b, "GPKG:./");
    else
        senda__sb_printf(b, "./");
    senda__sb_xml(b, gpkg_name);
    senda__sb_printf(b, t->raster ? ":" : "|layername=");
    senda__sb_xml(b, t->name);
}

/* QGIS's WKB type name: OGR's without the spaces ("MultiLineString"). */
static void wkb_name(OGRwkbGeometryType g, char *buf, size_t size)
{
    size_t o = 0;
    for (const char *p = OGRGeometryTypeToName(wkbFlatten(g)); *p && o + 1 < size; p++)
        if (*p != ' ')
            buf[o++] = *p;
    buf[o] = '\0';
}

static const char *geometry_word(OGRwkbGeometryType g)
{
    switch (wkbFlatten(g)) {
    case wkbPoint:
    case wkbMultiPoint: return "Point";
    case wkbLineString:
    case wkbMultiLineString: return "Line";
    case wkbPolygon:
    case wkbMultiPolygon: return "Polygon";
    default: return "Unknown";
    }
}

/* Surfaces other than the density start hidden so the map reads at once. */
static int visible(const senda__table *t)
{
    return !(t->kind == SENDA__K_DANGER || t->kind == SENDA__K_COST || t->kind == SENDA__K_FLOW ||
             t->kind == SENDA__K_OTHER_RASTER || t->kind == SENDA__K_HOTSPOT);
}

static void layer_tree(senda__sbuf *b, const char *gpkg_name, const senda__table *t, size_t n)
{
    senda__sb_printf(b, "<layer-tree-group><customproperties/>");
    for (size_t i = 0; i < n; i++) {
        senda__sb_printf(b, "<layer-tree-layer id=\"senda_layer_%s\" name=\"", t[i].name);
        senda__sb_xml(b, t[i].title);
        senda__sb_printf(b, "\" source=\"");
        datasource(b, gpkg_name, &t[i]);
        senda__sb_printf(b, "\" providerKey=\"%s\" checked=\"%s\" expanded=\"1\" legend_exp=\"\">"
                            "<customproperties/></layer-tree-layer>",
                         t[i].raster ? "gdal" : "ogr",
                         visible(&t[i]) ? "Qt::Checked" : "Qt::Unchecked");
    }
    senda__sb_printf(b, "<custom-order enabled=\"0\"/></layer-tree-group>");
}

static void map_layer(senda__sbuf *b, const char *gpkg_name, const senda__table *t,
                      const char *crs, const char *wkt)
{
    char wkb[64];
    wkb_name(t->geom_type, wkb, sizeof wkb);
    if (t->raster)
        senda__sb_printf(b, "<maplayer type=\"raster\" autoRefreshEnabled=\"0\" "
                            "refreshOnNotifyEnabled=\"0\">");
    else
        senda__sb_printf(b, "<maplayer type=\"vector\" geometry=\"%s\" wkbType=\"%s\" "
                            "autoRefreshEnabled=\"0\" refreshOnNotifyEnabled=\"0\" "
                            "readOnly=\"0\">", geometry_word(t->geom_type), wkb);
    senda__sb_printf(b, "<extent><xmin>%.17g</xmin><ymin>%.17g</ymin><xmax>%.17g</xmax>"
                        "<ymax>%.17g</ymax></extent><id>senda_layer_%s</id><datasource>",
                     t->extent[0], t->extent[1], t->extent[2], t->extent[3], t->name);
    datasource(b, gpkg_name, t);
    senda__sb_printf(b, "</datasource><layername>");
    senda__sb_xml(b, t->title);
    senda__sb_printf(b, "</layername><srs>");
    srs_xml(b, crs, wkt);
    senda__sb_printf(b, "</srs><provider encoding=\"UTF-8\">%s</provider>",
                     t->raster ? "gdal" : "ogr");
    senda__style_body(b, t);
    senda__sb_printf(b, "</maplayer>");
}

/* The map extent: the union of the vector layers (the corridor frame), or
 * of everything when there are none, with a 5 % margin. */
static void canvas_extent(const senda__table *t, size_t n, double e[4])
{
    if (!senda__tables_extent(t, n, e))
        e[0] = e[1] = 0.0, e[2] = e[3] = 1.0;
    double mx = (e[2] - e[0]) * 0.05, my = (e[3] - e[1]) * 0.05;
    e[0] -= mx, e[2] += mx, e[1] -= my, e[3] += my;
}

static void time_settings(senda__sbuf *b, const senda__table *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind != SENDA__K_INCIDENTS || !t[i].time_min[0])
            continue;
        senda__sb_printf(b, "<ProjectTimeSettings timeStep=\"1\" timeStepUnit=\"mon\" "
                            "frameRate=\"1\" cumulativeTemporalRange=\"0\"><temporalRange>"
                            "<start>%sT00:00:00Z</start><end>%sT23:59:59Z</end>"
                            "</temporalRange></ProjectTimeSettings>",
                         t[i].time_min, t[i].time_max);
        return;
    }
}

static void project_xml(senda__sbuf *b, const char *gpkg_name, const char *title,
                        const char *crs, const char *wkt, const senda__table *t, size_t n)
{
    double e[4];
    canvas_extent(t, n, e);
    senda__sb_printf(b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                        "<qgis projectname=\"");
    senda__sb_xml(b, title);
    senda__sb_printf(b, "\" version=\"3.22.16-Białowieża\"><homePath path=\"\"/><title>");
    senda__sb_xml(b, title);
    senda__sb_printf(b, "</title><projectCrs>");
    srs_xml(b, crs, wkt);
    senda__sb_printf(b, "</projectCrs>");
    layer_tree(b, gpkg_name, t, n);
    senda__sb_printf(b, "<mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">"
                        "<units>meters</units><extent><xmin>%.17g</xmin><ymin>%.17g</ymin>"
                        "<xmax>%.17g</xmax><ymax>%.17g</ymax></extent><rotation>0</rotation>"
                        "<destinationsrs>", e[0], e[1], e[2], e[3]);
    srs_xml(b, crs, wkt);
    senda__sb_printf(b, "</destinationsrs><rendermaptile>0</rendermaptile></mapcanvas>"
                        "<projectlayers>");
    for (size_t i = 0; i < n; i++)
        map_layer(b, gpkg_name, &t[i], crs, wkt);
    senda__sb_printf(b, "</projectlayers><layerorder>");
    for (size_t i = 0; i < n; i++)
        senda__sb_printf(b, "<layer id=\"senda_layer_%s\"/>", t[i].name);
    senda__sb_printf(b, "</layerorder><properties><Paths><Absolute type=\"bool\">false"
                        "</Absolute></Paths><SpatialRefSys><ProjectionsEnabled type=\"int\">1"
                        "</ProjectionsEnabled></SpatialRefSys><Gui><CanvasColorRedPart type=\"int\">255"
                        "</CanvasColorRedPart><CanvasColorGreenPart type=\"int\">255"
                        "</CanvasColorGreenPart><CanvasColorBluePart type=\"int\">255"
                        "</CanvasColorBluePart></Gui></properties>");
    time_settings(b, t, n);
    senda__sb_printf(b, "</qgis>\n");
}

senda_status senda__project_zip_hex(senda_ctx *ctx, const senda__sbuf *xml, const char *name,
                            senda__sbuf *hex)
{
    char path[96], inner[160];
    snprintf(path, sizeof path, "/vsimem/senda-project-%p.qgz", (const void *)xml);
    snprintf(inner, sizeof inner, "%s.qgs", name);
    CPLErrorReset();
    void *zip = CPLCreateZip(path, NULL);
    if (!zip)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot create the project archive");
    int ok = CPLCreateFileInZip(zip, inner, NULL) == CE_None &&
             CPLWriteFileInZip(zip, xml->s, (int)xml->len) == CE_None &&
             CPLCloseFileInZip(zip) == CE_None;
    ok = CPLCloseZip(zip) == CE_None && ok;
    vsi_l_offset len = 0;
    GByte *bytes = VSIGetMemFileBuffer(path, &len, FALSE);
    if (!ok || !bytes) {
        VSIUnlink(path);
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot write the project archive");
    }
    for (vsi_l_offset i = 0; i < len; i++)
        senda__sb_printf(hex, "%02x", bytes[i]);
    VSIUnlink(path);
    return hex->failed ? SENDA_ERR_NOMEM : SENDA_OK;
}

static senda_status store(senda_ctx *ctx, GDALDatasetH ds, const char *name, const char *hex)
{
    senda__sbuf sql;
    senda__sb_init(&sql, ctx);
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    senda__sb_printf(&sql, "INSERT OR REPLACE INTO qgis_projects(name, metadata, content) "
                           "VALUES ('");
    senda__sb_sql(&sql, name);
    senda__sb_printf(&sql, "', '{\"last_modified_time\": \"%s\", \"last_modified_user\": "
                           "\"senda\" }', '%s')", when, hex);
    if (sql.failed) {
        senda__sb_free(&sql);
        return SENDA_ERR_NOMEM;
    }
    CPLErrorReset();
    GDALDatasetExecuteSQL(ds, "CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, "
                              "metadata BLOB, content BLOB)", NULL, "SQLITE");
    if (CPLGetLastErrorType() == CE_None)
        GDALDatasetExecuteSQL(ds, sql.s, NULL, "SQLITE");
    senda__sb_free(&sql);
    if (CPLGetLastErrorType() != CE_None)
        return senda__fail_gdal(ctx, SENDA_ERR_IO, "cannot store the QGIS project");
    return SENDA_OK;
}

senda_status senda__write_project(senda_ctx *ctx, GDALDatasetH ds, const char *gpkg_name,
                                  const char *project_name, const char *title, const char *crs,
                                  const senda__table *t, size_t n)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    char *wkt = NULL;
    const char *wkt_opts[] = {"FORMAT=WKT2_2019", NULL};
    if (OSRSetFromUserInput(srs, crs) != OGRERR_NONE ||
        OSRExportToWktEx(srs, &wkt, wkt_opts) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        CPLFree(wkt);
        return senda__fail(ctx, SENDA_ERR_CRS, "PROJ: cannot understand CRS '%s'", crs);
    }
    OSRDestroySpatialReference(srs);
    senda__sbuf xml, hex;
    senda__sb_init(&xml, ctx);
    senda__sb_init(&hex, ctx);
    project_xml(&xml, gpkg_name, title, crs, wkt, t, n);
    CPLFree(wkt);
    senda_status st = xml.failed ? SENDA_ERR_NOMEM : senda__project_zip_hex(ctx, &xml, project_name, &hex);
    if (st == SENDA_OK)
        st = store(ctx, ds, project_name, hex.s);
    senda__sb_free(&xml);
    senda__sb_free(&hex);
    return st;
}
