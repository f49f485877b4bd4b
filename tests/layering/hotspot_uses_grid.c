/* Must compile: hotspot may use grid (the control for layering_wrong_way,
 * so that test fails for the layering and not for a broken probe). */
#include "grid/grid_int.h"

int senda__layering_probe(void);
int senda__layering_probe(void)
{
    return 0;
}
