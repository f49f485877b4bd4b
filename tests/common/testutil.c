#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *tu_read(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, fp);
    buf[got] = '\0';
    fclose(fp);
    return buf;
}

int tu_write(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    fputs(text, fp);
    return fclose(fp);
}

int tu_write_layer(const char *dir, const char *name, const char *features)
{
    size_t n = strlen(dir) + strlen(name) + strlen(features) + 256;
    char *path = malloc(n), *text = malloc(n);
    int rc = -1;
    if (path && text) {
        snprintf(path, n, "%s/%s.geojson", dir, name);
        snprintf(text, n,
                 "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                 "{\"name\":\"urn:ogc:def:crs:EPSG::32615\"}},\"features\":[%s]}",
                 features);
        rc = tu_write(path, text);
    }
    free(path);
    free(text);
    return rc;
}

/* The directories tu_tmpdir() made in this process, removed when it exits
 * (each Criterion test runs in its own worker process): a test need not
 * remove its own, and a suite run leaves nothing in /tmp. A crashed test
 * keeps its directory for a look. Only the process that made a directory
 * removes it (a forked child that exits must not). */
#define TU_MAX_TMPDIRS 256
static char tmpdirs[TU_MAX_TMPDIRS][512];
static int n_tmpdirs;
static pid_t tmpdirs_pid;

/* rm -rf DIR; the removal's exit status. */
static int rm_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void remove_tmpdirs(void)
{
    if (getpid() != tmpdirs_pid)
        return;
    for (int i = 0; i < n_tmpdirs; i++)
        if (access(tmpdirs[i], F_OK) == 0 && rm_tree(tmpdirs[i]) != 0)
            fprintf(stderr, "testutil: could not remove %s\n", tmpdirs[i]);
    n_tmpdirs = 0;
}

char *tu_tmpdir(void)
{
    /* under $TMPDIR when set (a tmpfs makes the disk-heavy tests, such as
     * the allocation sweep, several times faster on a busy disk) */
    const char *base = getenv("TMPDIR");
    char tmpl[480];
    snprintf(tmpl, sizeof tmpl, "%s/senda-test-XXXXXX", base && *base && strlen(base) < 400 ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    if (!d)
        return NULL;
    if (tmpdirs_pid != getpid()) { /* the first in this process */
        tmpdirs_pid = getpid();
        n_tmpdirs = 0;
        atexit(remove_tmpdirs);
    }
    if (n_tmpdirs < TU_MAX_TMPDIRS)
        snprintf(tmpdirs[n_tmpdirs++], sizeof tmpdirs[0], "%s", d);
    return strdup(d);
}

int tu_rmdir(char *dir)
{
    int rc = rm_tree(dir);
    free(dir);
    return rc;
}

tu_run tu_senda(const char *args)
{
    tu_run r = {-1, NULL, NULL};
    char *dir = tu_tmpdir();
    char out[512], err[512], cmd[8192];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(err, sizeof err, "%s/err", dir);
    snprintf(cmd, sizeof cmd, "'%s' %s >'%s' 2>'%s' </dev/null", SENDA_CLI_PATH, args, out, err);
    int status = system(cmd);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = tu_read(out);
    r.err = tu_read(err);
    if (!r.out)
        r.out = strdup("");
    if (!r.err)
        r.err = strdup("");
    unlink(out);
    unlink(err);
    rmdir(dir);
    free(dir);
    return r;
}

void tu_run_free(tu_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

const char *tu_shared(const char *rel, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", SENDA_SHARED_DATA, rel);
    struct stat st;
    return stat(buf, &st) == 0 ? buf : NULL;
}

int tu_small_run(const char *dir, const char *extra, char *gpkg, size_t size)
{
    char yaml[4096], path[1100], args[1400];
    snprintf(yaml, sizeof yaml,
             "layers: %s/layers/corridor\n"
             "crs: EPSG:32615\ncell_m: 4000\npad_m: 10000\n"
             "output: %s/{name}.gpkg\n"
             "incidents:\n  synthetic: 600\n  seed: 11\n"
             "routes:\n  from: [Ciudad Hidalgo]\n  to: [Arriaga]\n"
             "siting:\n  model: mclp\n  p: 3\n  radius_m: 25000\n%s"
             "scenarios:\n  - name: small\n    description: Small synthetic run\n",
             SENDA_SOURCE_DIR, dir, extra);
    snprintf(path, sizeof path, "%s/small.yaml", dir);
    if (tu_write(path, yaml) != 0)
        return -1;
    snprintf(args, sizeof args, "run '%s' -q", path);
    tu_run r = tu_senda(args);
    int rc = r.exit_code;
    if (rc != 0)
        fprintf(stderr, "tu_small_run: senda run: %s\n", r.err);
    tu_run_free(&r);
    snprintf(gpkg, size, "%s/small.gpkg", dir);
    return rc;
}

static char pg_dir[256];

int tu_pg_start(char *msg, size_t msg_size)
{
    char tmpl[] = "/tmp/senda-pgtest.XXXXXX";
    msg[0] = '\0';
    if (!mkdtemp(tmpl)) {
        snprintf(msg, msg_size, "mkdtemp failed");
        return 1;
    }
    chmod(tmpl, 0755); /* the server runs as nobody when the tests run as root */
    snprintf(pg_dir, sizeof pg_dir, "%s/pg", tmpl);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s/scripts/pg-test-cluster' start '%s' %ld 2>&1",
             SENDA_SOURCE_DIR, pg_dir, (long)getpid());
    FILE *p = popen(cmd, "r");
    char line[512];
    while (p && fgets(line, sizeof line, p)) {
        char *eq = strchr(line, '=');
        line[strcspn(line, "\n")] = '\0';
        if (eq && strncmp(line, "PG", 2) == 0) {
            *eq = '\0';
            setenv(line, eq + 1, 1);
        } else {
            strncat(msg, line, msg_size - strlen(msg) - 1);
        }
    }
    int st = p ? pclose(p) : -1;
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
    if (code != 0) {
        rmdir(tmpl);
        pg_dir[0] = '\0';
    }
    return code;
}

void tu_pg_stop(void)
{
    if (!pg_dir[0])
        return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s/scripts/pg-test-cluster' stop '%s' >/dev/null 2>&1",
             SENDA_SOURCE_DIR, pg_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test cluster %s: stop failed\n", pg_dir);
    *strrchr(pg_dir, '/') = '\0';
    rmdir(pg_dir);
    pg_dir[0] = '\0';
}
