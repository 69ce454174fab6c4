/* ages.h: the cells of the drivers: single years of age 0 to 99 and an open
 * group 100+, by sex. Every per-region quantity by age and sex (persons,
 * enrollees, patients, rates) is laid out as [sex][age]. */
#ifndef FUNDSIM_AGES_H
#define FUNDSIM_AGES_H

#include "sim/config/limit.h"

enum sex { SEX_MALE, SEX_FEMALE, N_SEXES };

/* Ages 0..99, and 100 for 100 and over: every age a scenario gives is at most
 * LIMIT_OLDEST_AGE (sim/config/limit.h), so every one has its cell. */
#define N_AGES (LIMIT_OLDEST_AGE + 1)

struct by_age {
    double at[N_SEXES][N_AGES];
};

#endif
