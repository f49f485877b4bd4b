/* fuzz_names.c - incident type and perpetrator texts in Spanish and English ("secuestro",
 * "Fall from train, Shot", "policía municipal"): senda__type_from_text,
 * senda__perp_from_text, and the accent/case folding they use (senda__fold). */
#include "fuzz.h"
#include "incidents/incidents_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    int known = -1;
    int t = senda__type_from_text(senda__synonyms_bundled(), s, &known);
    if (t < 0 || t >= SENDA_INC_N_TYPES || (known != 0 && known != 1))
        abort();
    int p = senda__perp_from_text(senda__synonyms_bundled(), s);
    if (p < 0 || p >= SENDA_N_PERPETRATORS)
        abort();
    char folded[96];
    senda__fold(s, folded, sizeof folded);
    if (strlen(folded) >= sizeof folded)
        abort();
    free(s);
    return 0;
}
