/* step.c: lookups in piecewise-constant tables (see step.h). */
#include "sim/config/step.h"

double step_at(const struct step *s, int key)
{
    /* binary search for the last entry whose key is <= key */
    size_t lo = 0, hi = s->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->key[mid] <= key)
            lo = mid;
        else
            hi = mid;
    }
    return s->value[lo];
}
