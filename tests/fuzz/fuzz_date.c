/* fuzz_date.c - dates: ISO 8601, dd/mm/yyyy and mm/dd/yyyy, month names in English and
 * Spanish, mm/yyyy: senda__parse_date. The first byte picks the day/month order. */
#include "fuzz.h"
#include "incidents/incidents_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int order = size ? data[0] % 3 : 0;
    char *s = fuzz_cstr(size ? data + 1 : data, size ? size - 1 : 0);
    int y = 0, m = 0, d = 0;
    int p = senda__parse_date(s, order, &y, &m, &d);
    if (p < -1 || p > DATE_DAY)
        abort();
    if (p >= DATE_MONTH && (m < 1 || m > 12))
        abort(); /* a date that parses is a real month ... */
    if (p == DATE_DAY && (d < 1 || d > 31))
        abort(); /* ... and day */
    if (p == DATE_DAY)
        (void)senda__days_from_civil(y, m, d);
    free(s);
    return 0;
}
