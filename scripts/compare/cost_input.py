#!/usr/bin/python3
"""Write the random friction raster shared by scripts/compare/cost and
scripts/bench/cost: N x N Float64 GeoTIFF (EPSG:32615, 100 m cells), values
uniform in [0.1, 10.1), a fraction of cells nodata (-9999: barriers), fixed
seed. usage: cost_input.py OUT.tif N NODATA_FRACTION SEED"""
import sys

import numpy as np
from osgeo import gdal, osr

out, n, frac, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(seed)
vals = 0.1 + 10.0 * rng.random((n, n))
vals[rng.random((n, n)) < frac] = -9999.0
ds = gdal.GetDriverByName("GTiff").Create(out, n, n, 1, gdal.GDT_Float64, ["TILED=YES"])
ds.SetGeoTransform([400000.0, 100.0, 0.0, 1800000.0, 0.0, -100.0])
srs = osr.SpatialReference()
srs.ImportFromEPSG(32615)
ds.SetProjection(srs.ExportToWkt())
band = ds.GetRasterBand(1)
band.SetNoDataValue(-9999.0)
band.WriteArray(vals)
ds = None
