/* step.h: piecewise-constant tables keyed by an integer: dated policy
 * timelines (key = year) and age bands (key = first age of the band).
 *
 * An entry holds from its key until the next entry's key; before the first key
 * the first value holds. The loader guarantees keys strictly increasing and at
 * least one entry. */
#ifndef FUNDSIM_STEP_H
#define FUNDSIM_STEP_H

#include <stddef.h>

struct step {
    size_t n;
    int *key;
    double *value;
};

/* The value in force at `key` (a year, an age, an amount). */
double step_at(const struct step *s, int key);

#endif
