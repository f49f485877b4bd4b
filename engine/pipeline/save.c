/*
 * save.c - every stage's output is written into a temporary file beside
 * the output ("<dir>/.<name>.tmp-senda-<pid>", senda__tmp_path) and renamed
 * onto it only when complete, so a failed or cancelled call leaves a
 * previous output untouched. Cost: the writer's.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "io/gpkg_int.h"
#include "pipeline/pipeline_int.h"

int senda__pipeline_is_tiff(const char *path)
{
    size_t n = strlen(path);
    return (n >= 4 && strcasecmp(path + n - 4, ".tif") == 0) ||
           (n >= 5 && strcasecmp(path + n - 5, ".tiff") == 0);
}

senda_status senda__pipeline_save(senda_ctx *ctx, const char *out, senda__pipeline_writer writer,
                                  const void *result)
{
    char tmp[4200];
    senda__tmp_path(out, tmp, sizeof tmp);
    unlink(tmp);
    senda_status st = writer(ctx, result, tmp);
    if (st != SENDA_OK) {
        unlink(tmp);
        return st;
    }
    return senda__commit_file(ctx, tmp, out);
}
