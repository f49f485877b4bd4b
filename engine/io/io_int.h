/*
 * io_int.h - engine-internal view of the loaded corridor layers and the CRS
 * helpers: other modules use the GEOS geometries directly.
 */
#ifndef SENDA_IO_INT_H
#define SENDA_IO_INT_H

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "core/core_int.h"

typedef struct senda__layer {
    senda_layer_report report;
    size_t n;                 /* features with geometry */
    GEOSGeometry **geoms;     /* in the analysis CRS, valid; owned */
    size_t n_fields;
    char **field_names;       /* n_fields */
    char **values;            /* n * n_fields attribute strings ("" when null) */
    GEOSSTRtree *tree;        /* lazily built by senda__layer_tree */
} senda__layer;

struct senda_layers {
    senda_ctx *ctx;           /* the context whose GEOS handle owns the geometries */
    char crs[256];
    size_t n_layers;
    senda__layer layers[16];
};

/** The layer called name, or NULL. */
const senda__layer *senda__layers_get(const senda_layers *layers, const char *name);

/** An STRtree over the layer's geometries (items are (void*)(uintptr_t)index),
 *  built on first use. NULL when the layer is empty or on failure. */
GEOSSTRtree *senda__layer_tree(senda_ctx *ctx, const senda__layer *layer);

/** The OGR geometry g as a new GEOS geometry of ctx's handle (through WKB).
 *  @return SENDA_OK; SENDA_ERR_NOMEM; SENDA_ERR_GEOM when GEOS cannot read
 *  it, with no message set (the caller names the input). */
senda_status senda__geos_from_ogr(senda_ctx *ctx, OGRGeometryH g, GEOSGeometry **out);

/** Open path as a vector dataset, read-only; on failure the message is
 *  "<path>: cannot read <what>" with GDAL's reason.
 *  Ownership: caller closes *out with GDALClose(). */
senda_status senda__vector_open(senda_ctx *ctx, const char *path, const char *what,
                                GDALDatasetH *out);

/** senda_points_read's direct reader of a GeoPackage point layer (points_gpkg.c):
 *  appends to p (capacity *cap); 1 read, 0 not handled (use OGR), -1 no memory. */
int senda__gpkg_points_fast(senda_ctx *ctx, const char *path, OGRLayerH lyr, int wfield,
                            senda_points *p, size_t *cap);
/** Layers of at least this many rows are read by two threads (points_gpkg.c;
 *  65,536; tests lower it to split small layers). */
extern size_t senda__gpkg_split_min;
/** p's four arrays (x, y, weight, id) grown together from *cap to twice as
 *  many points (points_gpkg.c, used by both readers); SENDA_ERR_NOMEM leaves
 *  every array valid and *cap unchanged. */
senda_status senda__points_grow(senda_ctx *ctx, senda_points *p, size_t *cap);

/** Build a spatial reference from user input ("EPSG:32615", WKT, PROJ
 *  string), with traditional GIS (x = lon/easting) axis order.
 *  NULL on failure with the context message set. */
OGRSpatialReferenceH senda__srs_from_user(senda_ctx *ctx, const char *crs);

/** A short name for srs: "EPSG:n" (or another authority) when it has or
 *  can be identified with a code, else its PROJ string. SENDA_ERR_CRS when
 *  neither fits in out_size. */
senda_status senda__srs_short_name(OGRSpatialReferenceH srs, char *out, size_t out_size);

/** A lon/lat WGS 84 spatial reference with traditional axis order. */
OGRSpatialReferenceH senda__srs_wgs84(void);

/** The transformation between lon/lat (EPSG:4326) and EPSG:srs_id, both in
 *  traditional axis order: to lon/lat when to_lonlat, else from it. NULL
 *  (GDAL's message silenced) when a code is unknown. Caller destroys it. */
OGRCoordinateTransformationH senda__ct_lonlat(int srs_id, int to_lonlat);

/** SHA-256 of the data a source gives: its bytes when GDAL can stat it as a file
 *  (local or /vsi...), else its layers' fields and features as read (PG:, WFS:). */
senda_status senda__sha256_source(senda_ctx *ctx, const char *path, char hex[65]);
/* The same for one layer of a source (layer NULL: as senda__sha256_source): a
 * file's bytes and the layer name, or that layer's content alone. */
senda_status senda__sha256_source_layer(senda_ctx *ctx, const char *path, const char *layer,
                                        char hex[65]);
/** path fit to be stored or published: a password=... in a connection string
 *  (PG:...) replaced by password=***. Returns buf. */
const char *senda__source_label(const char *path, char *buf, size_t n);

/** The directory of the bundled data (corridor/, gazetteer/) found at run
 *  time relative to the library, or $SENDA_DATA_DIR (datadir.c). Static. */
const char *senda__data_dir(void);

/** The bundled corridor layers (<data dir>/corridor) and gazetteer
 *  (<data dir>/gazetteer/corridor_places.tsv). Static. */
const char *senda__data_layers_dir(void);
const char *senda__data_gazetteer(void);

#endif
