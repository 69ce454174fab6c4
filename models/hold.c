/* hold.c: the names of the driver groups (hold.h). */
#include "models/hold.h"

#include <string.h>

const char *const hold_names[N_HOLD_GROUPS] = {
    [HOLD_DEMOGRAPHY] = "demography", [HOLD_ECONOMY] = "economy",
    [HOLD_COSTS] = "costs",           [HOLD_UTILIZATION] = "utilization",
    [HOLD_ENROLLMENT] = "enrollment", [HOLD_DISEASE] = "disease",
    [HOLD_PARAMETERS] = "parameters",
};

int hold_group_named(const char *name)
{
    for (int g = 0; g < N_HOLD_GROUPS; g++)
        if (strcmp(name, hold_names[g]) == 0) return g;
    return -1;
}
