/*
 * fuzz.h - shared by the fuzz targets of tests/fuzz/: each target defines
 * LLVMFuzzerTestOneInput (libFuzzer's and AFL++'s entry point) and may define
 * LLVMFuzzerInitialize; replay.c calls them on corpus files in ordinary builds.
 */
#ifndef SENDA_FUZZ_H
#define SENDA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string (the parsers read C strings); free it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
