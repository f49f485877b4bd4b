/* fuzz_coord.c - one coordinate: decimal, signed, hemisphere letters, degrees-minutes-
 * seconds (14°54'30"N, "92 15 W"): senda__parse_coord. */
#include <math.h>

#include "fuzz.h"
#include "incidents/incidents_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    double v = 0.0;
    char hemi = 0;
    int whole = 0;
    if (senda__parse_coord(s, &v, &hemi, &whole)) {
        if (isnan(v))
            abort();
        if (hemi && !strchr("NSEW", hemi))
            abort(); /* the documented hemisphere letters only */
    }
    free(s);
    return 0;
}
