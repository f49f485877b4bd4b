/*
 * datadir.c - where the bundled data (corridor layers, gazetteer) is found
 * at run time, relative to the library itself, never from a compile-time
 * path, so an installed or relocated senda (a Debian package, a prefix
 * copied elsewhere) finds its own data.
 *
 * Order: $SENDA_DATA_DIR when set (taken as given); else, from the directory
 * holding the code of libsenda (dladdr of this function: the shared library,
 * or the executable it is linked into statically), the first of
 *   <dir>/SENDA_LIB_TO_DATA   the installed layout (../share/senda for
 *                             <prefix>/lib and <prefix>/share/senda),
 *   <dir>/share/senda         the build tree (build/libsenda.so beside
 *                             build/share/senda, which links to layers/),
 *   <dir>/../share/senda      the build tree seen from build/tests/,
 * that holds a corridor/ directory (a relative dladdr name, the main
 * program's, is replaced by /proc/self/exe). When none does, the installed location
 * is returned so the error that follows names where the data was expected.
 * Computed once (pthread_once); O(candidates) stat calls.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "io/io_int.h"

#ifndef SENDA_LIB_TO_DATA
#define SENDA_LIB_TO_DATA "../share/senda"
#endif

static char data_dir[PATH_MAX];
static pthread_once_t data_once = PTHREAD_ONCE_INIT;

static int has_corridor(const char *dir)
{
    char p[PATH_MAX + 16];
    struct stat st;
    snprintf(p, sizeof p, "%s/corridor", dir);
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dir + "/" + rel into out (PATH_MAX), normalised by realpath when it
 * exists; "" when it does not fit. */
static void join(char *out, const char *dir, const char *rel)
{
    if (strlen(dir) + 1 + strlen(rel) >= PATH_MAX) {
        out[0] = '\0';
        return;
    }
    char p[PATH_MAX], real[PATH_MAX];
    strcpy(p, dir);
    strcat(p, "/");
    strcat(p, rel);
    strcpy(out, realpath(p, real) ? real : p);
}

static void find_data_dir(void)
{
    const char *env = getenv("SENDA_DATA_DIR");
    if (env && env[0]) {
        snprintf(data_dir, sizeof data_dir, "%s", env);
        return;
    }
    Dl_info info;
    char self[PATH_MAX] = ".";
    if (dladdr((void *)(uintptr_t)senda__data_dir, &info) && info.dli_fname) {
        /* a relative name is the main program's as it was started (static
         * linking; the working directory may have changed since) */
        const char *f = info.dli_fname[0] == '/' ? info.dli_fname : "/proc/self/exe";
        char real[PATH_MAX];
        if (realpath(f, real))
            strcpy(self, real);
        else if (strlen(f) < sizeof self)
            strcpy(self, f);
        char *slash = strrchr(self, '/');
        if (slash)
            *slash = '\0';
        else
            strcpy(self, ".");
    }
    static const char *const rels[] = {SENDA_LIB_TO_DATA, "share/senda", "../share/senda"};
    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
        join(data_dir, self, rels[i]);
        if (has_corridor(data_dir))
            return;
    }
    join(data_dir, self, rels[0]);
}

const char *senda__data_dir(void)
{
    pthread_once(&data_once, find_data_dir);
    return data_dir;
}

static char layers_path[PATH_MAX + 16], gazetteer_path[PATH_MAX + 48];
static pthread_once_t paths_once = PTHREAD_ONCE_INIT;

static void build_paths(void)
{
    const char *d = senda__data_dir();
    snprintf(layers_path, sizeof layers_path, "%s/corridor", d);
    snprintf(gazetteer_path, sizeof gazetteer_path, "%s/gazetteer/corridor_places.tsv", d);
}

const char *senda__data_layers_dir(void)
{
    pthread_once(&paths_once, build_paths);
    return layers_path;
}

const char *senda__data_gazetteer(void)
{
    pthread_once(&paths_once, build_paths);
    return gazetteer_path;
}
