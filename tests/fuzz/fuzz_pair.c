/* fuzz_pair.c - the "lat, lon" pair and geopoints ("14.9, -92.3", "lat;lon",
 * "14°54'N 92°15'W", KoBo "lat lon alt acc"): senda__split_pair, then each part
 * through senda__parse_coord, as row.c reads a coordinates column. */
#include "fuzz.h"
#include "incidents/incidents_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    /* small part buffers too, so truncation paths are exercised */
    size_t n = size > 0 ? (size_t)(data[0] % 4 == 0 ? 8 : 256) : 256;
    char *a = malloc(n), *b = malloc(n);
    if (!a || !b)
        abort();
    if (senda__split_pair(s, a, b, n)) {
        if (strlen(a) >= n || strlen(b) >= n)
            abort();
        double v;
        char hemi;
        int whole;
        senda__parse_coord(a, &v, &hemi, &whole);
        senda__parse_coord(b, &v, &hemi, &whole);
    }
    free(a);
    free(b);
    free(s);
    return 0;
}
