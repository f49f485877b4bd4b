/* fuzz_number.c - numbers with decimal commas ("1.234,5", "-92,25"): senda__parse_number. */
#include <math.h>

#include "fuzz.h"
#include "incidents/incidents_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    double v = 0.0;
    if (senda__parse_number(s, &v) && isnan(v))
        abort(); /* a number that parses is never NaN */
    free(s);
    return 0;
}
