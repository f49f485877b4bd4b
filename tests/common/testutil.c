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

char *tu_tmpdir(void)
{
    char tmpl[] = "/tmp/senda-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
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
