/* fuzz_gpb.c - the GeoPackage point-blob reader (header "GP", envelope codes 0..4, then WKB):
 * senda__gpb_point_read on any bytes; and senda__gpb_point's blob reads back. */
#include "fuzz.h"
#include "io/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    double x, y;
    if (size < (1u << 20))
        (void)senda__gpb_point_read(data, (int)size, &x, &y);
    if (size >= 16) { /* round trip of any two doubles (NaN compared bitwise) */
        double in[2];
        memcpy(in, data, 16);
        unsigned char blob[29];
        senda__gpb_point(in[0], in[1], 4326, blob);
        if (!senda__gpb_point_read(blob, 29, &x, &y) || memcmp(&x, &in[0], 8) != 0 ||
            memcmp(&y, &in[1], 8) != 0)
            abort();
    }
    return 0;
}
