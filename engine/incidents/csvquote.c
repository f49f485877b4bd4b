/*
 * csvquote.c - a CSV whose coordinates carry a bare double quote as the
 * seconds mark (14°54'30"N, unquoted) breaks RFC 4180 readers: GDAL's CSV
 * driver takes the '"' as an opening quote and runs the following fields
 * together. Before such a file is opened, every '"' that stands inside an
 * unquoted field (not at its start, not inside a quoted field) is replaced by
 * U+2033 DOUBLE PRIME, which the coordinate parser reads as the seconds mark,
 * in an in-memory copy (/vsimem/) that is read instead; the hash of the
 * original bytes still identifies the file. Fields are separated by ',', ';'
 * or tab. The same pass counts the lines that end outside quotes (records and
 * the header; a quoted line break does not count), which the importer's
 * progress uses instead of asking OGR for the feature count (the CSV driver
 * counts by parsing the whole file once more). O(bytes) time and memory, once
 * per CSV file.
 */
#include <stdio.h>
#include <string.h>

#include <cpl_vsi.h>

#include "incidents/import_int.h"

senda_status senda__csv_bare_quotes(senda_ctx *ctx, const char *path, char *out, size_t out_n,
                                    long *n_fixed, long *n_lines)
{
    *n_fixed = 0;
    *n_lines = -1;
    out[0] = '\0';
    size_t len = strlen(path);
    if (len < 4 || !EQUAL(path + len - 4, ".csv"))
        return SENDA_OK;
    vsi_l_offset size = 0;
    GByte *text = NULL;
    if (!VSIIngestFile(NULL, path, &text, &size, (GIntBig)1 << 31))
        return SENDA_OK; /* not readable as a file: the open reports it */
    /* jump from quote to quote with memchr (most files have none): outside
     * quotes count the line ends on the way; a '"' opens a quoted field when
     * the byte before it ends a field or a line (or it is the first byte) */
    size_t n_bare = 0;
    long lines = size > 0 && text[size - 1] != '\n';
    const char *t = (const char *)text, *end = t + size, *p = t;
    while (p < end) {
        const char *q = memchr(p, '"', (size_t)(end - p)), *stop = q ? q : end;
        for (const char *nl = p; (nl = memchr(nl, '\n', (size_t)(stop - nl))) != NULL; nl++)
            lines++;
        if (!q)
            break;
        char before = q > t ? q[-1] : '\n';
        if (!(before == ',' || before == ';' || before == '\t' || before == '\n' ||
              before == '\r')) {
            n_bare++; /* a bare quote inside an unquoted field */
            p = q + 1;
            continue;
        }
        /* a quoted field: to its closing quote ("" is an escaped quote) */
        for (p = q + 1; p < end; p += 2) {
            if (!(p = memchr(p, '"', (size_t)(end - p))) || p + 1 >= end || p[1] != '"')
                break;
        }
        p = p && p < end ? p + 1 : end;
    }
    *n_lines = lines;
    senda_status st = SENDA_OK;
    if (n_bare) {
        GByte *fixed = VSIMalloc((size_t)size + 2 * n_bare + 1); /* VSI owns it below */
        if (!fixed) {
            VSIFree(text);
            return SENDA_ERR_NOMEM;
        }
        size_t k = 0;
        int start = 1, quoted = 0;
        for (size_t i = 0; i < size; i++) {
            unsigned char c = text[i];
            if (quoted) {
                if (c == '"' && i + 1 < size && text[i + 1] == '"')
                    fixed[k++] = text[i++];
                else if (c == '"')
                    quoted = 0;
                fixed[k++] = c;
                continue;
            }
            if (c == '"' && !start) { /* U+2033 DOUBLE PRIME */
                fixed[k++] = 0xE2, fixed[k++] = 0x80, fixed[k++] = 0xB3;
            } else {
                quoted = c == '"' && start;
                fixed[k++] = c;
            }
            start = c == ',' || c == ';' || c == '\t' || c == '\n' || c == '\r';
        }
        snprintf(out, out_n, "/vsimem/senda_bare_quotes_%p.csv", (void *)fixed);
        VSILFILE *fp = VSIFileFromMemBuffer(out, fixed, k, TRUE); /* takes fixed */
        if (!fp) {
            VSIFree(fixed);
            out[0] = '\0';
            st = senda__fail(ctx, SENDA_ERR_IO, "%s: cannot make an in-memory copy", path);
        } else {
            VSIFCloseL(fp);
            *n_fixed = (long)n_bare;
        }
    }
    VSIFree(text);
    return st;
}
