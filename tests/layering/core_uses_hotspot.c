/* Must NOT compile: core sits below hotspot, so core's include path does not
 * hold hotspot/ (tests/CMakeLists.txt: layering_wrong_way). */
#include "hotspot/hotspot_int.h"

int senda__layering_probe(void);
int senda__layering_probe(void)
{
    return 0;
}
