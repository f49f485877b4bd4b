/*
 * versions.c - the versions of the libraries senda runs on, as loaded at
 * run time (not the headers it was built with): GDAL (GDALVersionInfo),
 * PROJ (proj_info), GEOS (GEOSversion), SQLite (sqlite3_libversion) and
 * SpatiaLite (spatialite_version). Built once (pthread_once).
 */
#include <pthread.h>
#include <stdio.h>

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>
#include <sqlite3.h>
#include <spatialite.h>

#include "io/io_int.h"

static char versions[256];
static pthread_once_t versions_once = PTHREAD_ONCE_INIT;

static void build_versions(void)
{
    snprintf(versions, sizeof versions, "GDAL %s, PROJ %s, GEOS %s, SQLite %s, SpatiaLite %s",
             GDALVersionInfo("RELEASE_NAME"), proj_info().version, GEOSversion(),
             sqlite3_libversion(), spatialite_version());
}

const char *senda_version_libraries(void)
{
    pthread_once(&versions_once, build_versions);
    return versions;
}
