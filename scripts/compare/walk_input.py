#!/usr/bin/python3
"""Write the DEM and friction rasters shared by scripts/compare/walk and
scripts/bench/walk: N x N Float64 GeoTIFFs (EPSG:32615, 30 m cells), fixed
seed. The DEM is rolling terrain (a sum of random sine waves, 0-600 m, plus
1 m noise) so that moves are uphill, moderate and steep downhill (r.walk's
three slope classes all occur); the friction is uniform in [0, 2) s/m. A
fraction of cells of each is nodata (-9999: barriers).
usage: walk_input.py DEM.tif FRICTION.tif N NODATA_FRACTION SEED"""
import sys

import numpy as np
from osgeo import gdal, osr

dem_path, fric_path = sys.argv[1], sys.argv[2]
n, frac, seed = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rng = np.random.default_rng(seed)
yy, xx = np.mgrid[0:n, 0:n].astype(np.float64)
dem = np.zeros((n, n))
for _ in range(12):
    kx, ky = rng.uniform(-0.08, 0.08, 2)
    dem += rng.uniform(10, 60) * np.sin(kx * xx + ky * yy + rng.uniform(0, 6.3))
dem = dem - dem.min()
dem += rng.random((n, n))
fric = 2.0 * rng.random((n, n))
dem[rng.random((n, n)) < frac] = -9999.0
fric[rng.random((n, n)) < frac / 2] = -9999.0
srs = osr.SpatialReference()
srs.ImportFromEPSG(32615)
for path, vals in ((dem_path, dem), (fric_path, fric)):
    ds = gdal.GetDriverByName("GTiff").Create(path, n, n, 1, gdal.GDT_Float64, ["TILED=YES"])
    ds.SetGeoTransform([400000.0, 30.0, 0.0, 1800000.0, 0.0, -30.0])
    ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(-9999.0)
    band.WriteArray(vals)
    ds = None
