#!/usr/bin/env python3
"""Emulate QGIS 3.22's heatmap (qgskde.cpp, Raw output) on the grid of a QGIS
output, twice: (1) as QGIS places each kernel - pixel centres computed with
rows counted from the bottom (yPosition from yMinimum) but written to rows
counted from the top (yPositionIO from yMaximum), accumulated in float32 in
point order, as QGIS does; (2) at the true cell centres, in float64.
Agreement of (1) with QGIS and of (2) with senda shows that the differences
between senda and QGIS are the row flip alone.
usage: qgis_emulate.py POINTS.csv QGIS.tif KERNEL RADIUS OUT_FLIP.tif OUT_TRUE.tif"""
import csv
import sys

import numpy as np
from osgeo import gdal

pts_csv, qtif, kernel, radius, out_flip, out_true = sys.argv[1:7]
r = float(radius)
ds = gdal.Open(qtif)
gt = ds.GetGeoTransform()
nx, ny, ps = ds.RasterXSize, ds.RasterYSize, gt[1]
xmin, ymax = gt[0], gt[3]
with open(pts_csv) as f:
    rows_in = list(csv.DictReader(f))
# QGIS's mBounds.yMinimum: the layer extent's south edge minus the radius (the raster
# itself reaches lower: it has ceil(height / pixel) + 1 rows)
ymin = min(float(p["y"]) for p in rows_in) - r


def shape(d):
    u = d / r
    return {"quartic": (1 - u * u) ** 2, "triweight": (1 - u * u) ** 3,
            "epanechnikov": 1 - u * u, "triangular": 1 - u,
            "uniform": np.ones_like(u)}[kernel]


buffer = int(r / ps)
if r - ps * buffer > 0.5:
    buffer += 1
bs = 2 * buffer + 1
flip = np.zeros((ny, nx), np.float32)
true = np.zeros((ny, nx), np.float64)
yy, xx = np.mgrid[0:ny, 0:nx]
if True:
    for row in rows_in:
        x, y, w = float(row["x"]), float(row["y"]), float(row["w"])
        xp = int((x - xmin) / ps) - buffer
        yp = int((y - ymin) / ps) - buffer
        yio = int((ymax - y) / ps) - buffer
        j, i = np.mgrid[0:bs, 0:bs]  # j: yp (bottom-up), i: xp
        cx = (xp + i + 0.5) * ps + xmin
        cy = (yp + j + 0.5) * ps + ymin
        d = np.sqrt((cx - x) ** 2 + (cy - y) ** 2)
        v = np.where(d > r, 0.0, w * shape(np.minimum(d, r)))
        rows, cols = yio + j, xp + i
        ok = (rows >= 0) & (rows < ny) & (cols >= 0) & (cols < nx) & (d <= r)
        np.add.at(flip, (rows[ok], cols[ok]), v[ok].astype(np.float32))
        # true centres: rows from the top
        r0, r1 = max(0, int((ymax - y - r) / ps) - 1), min(ny, int((ymax - y + r) / ps) + 2)
        c0, c1 = max(0, int((x - r - xmin) / ps) - 1), min(nx, int((x + r - xmin) / ps) + 2)
        tx = xmin + (xx[r0:r1, c0:c1] + 0.5) * ps
        ty = ymax - (yy[r0:r1, c0:c1] + 0.5) * ps
        dd = np.sqrt((tx - x) ** 2 + (ty - y) ** 2)
        true[r0:r1, c0:c1] += np.where(dd > r, 0.0, w * shape(np.minimum(dd, r)))
drv = gdal.GetDriverByName("GTiff")
for path, arr, t in ((out_flip, flip, gdal.GDT_Float32), (out_true, true, gdal.GDT_Float64)):
    o = drv.Create(path, nx, ny, 1, t)
    o.SetGeoTransform(gt)
    o.GetRasterBand(1).WriteArray(arr)
    o = None
