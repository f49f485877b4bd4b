/*
 * testutil.h - helpers shared by the Criterion suites: run the senda
 * binary and capture its output, temporary directories, and the path to
 * ../shared/data (tests needing it skip themselves when it is absent).
 */
#ifndef SENDA_TESTUTIL_H
#define SENDA_TESTUTIL_H

#include <stddef.h>

typedef struct tu_run {
    int exit_code;
    char *out; /* stdout, NUL-terminated, caller frees with tu_run_free */
    char *err; /* stderr */
} tu_run;

/** Run SENDA_CLI_PATH with the given argument string through /bin/sh
 *  (args are shell words, e.g. "layers check --json"). */
tu_run tu_senda(const char *args);
void tu_run_free(tu_run *r);

/** A fresh temporary directory (mkdtemp), removed with its contents when the
 * test's process exits; the caller frees the returned name. */
char *tu_tmpdir(void);
/* Remove a tu_tmpdir() directory with everything in it and free its name;
 * returns the removal's exit status (0: removed). */
int tu_rmdir(char *dir);

/** Path of a file under ../shared/data, or NULL when absent (then skip). */
const char *tu_shared(const char *rel, char *buf, size_t size);

/** Write text to path; returns 0 on success. */
int tu_write(const char *path, const char *text);

/** Write dir/name.geojson: a FeatureCollection in EPSG:32615 (a "crs"
 *  member) of the given features (comma-separated Feature objects);
 *  returns 0 on success. */
int tu_write_layer(const char *dir, const char *name, const char *features);

/** Read a whole file; caller frees. NULL when missing. */
char *tu_read(const char *path);

/** A small synthetic run in dir: `senda run` on the bundled layers with 600
 *  synthetic incidents (seed 11), 4 km cells, one path Ciudad Hidalgo ->
 *  Arriaga, three shelter sites, plus the YAML lines in extra (may be "").
 *  Writes dir/small.gpkg, whose path goes to gpkg. Returns senda's exit code. */
int tu_small_run(const char *dir, const char *extra, char *gpkg, size_t size);

/** Start a throw-away PostgreSQL/PostGIS cluster (scripts/pg-test-cluster:
 *  unix socket in a fresh temporary directory, no TCP, stopped by a watchdog if
 *  this process dies) and set PGHOST/PGPORT/PGUSER/PGDATABASE for libpq and
 *  GDAL. Returns 0 when it runs, 77 when the PostgreSQL binaries are absent
 *  (msg says why: skip the test), another value when it failed (msg). */
int tu_pg_start(char *msg, size_t msg_size);
/** Stop the cluster tu_pg_start started and remove its directory. */
void tu_pg_stop(void);
/** For a Criterion suite's .init (the file includes criterion.h): start the
 *  cluster, skip the test with the reason when PostgreSQL is not installed. */
#define TU_PG_START_OR_SKIP()                                                          \
    do {                                                                               \
        char tu_msg_[2048];                                                            \
        int tu_code_ = tu_pg_start(tu_msg_, sizeof tu_msg_);                           \
        if (tu_code_ == 77)                                                            \
            cr_skip_test("PostgreSQL not installed: %s", tu_msg_);                     \
        cr_assert_eq(tu_code_, 0, "the test cluster did not start: %s", tu_msg_);      \
    } while (0)

#endif
