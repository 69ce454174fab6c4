/* lifetable.h: the period life table over single years of age 0..99 and the
 * open group 100+, from central death rates m(x); life expectancy at birth,
 * and the survival of a cohort over one calendar year that the population
 * projection needs. */
#ifndef FUNDSIM_LIFETABLE_H
#define FUNDSIM_LIFETABLE_H

#include "models/ages.h"

struct lifetable {
    double q[N_AGES]; /* probability of dying between exact ages x and x + 1; q[100] = 1 */
    double l[N_AGES]; /* survivors to exact age x, of 1 born */
    double L[N_AGES]; /* person-years lived between exact ages x and x + 1; L[100]: 100 and over */
    double e0;        /* life expectancy at birth, years */
};

/* Average part of the first year lived by infants who die in it (Coale and
 * Demeny's rule as in Preston, Heuveline and Guillot, Demography, 2001, table
 * 3.3): 0.045 + 2.684 m0 for males, 0.053 + 2.800 m0 for females when m0 <
 * 0.107, else 0.330 and 0.350. */
double lifetable_a0(enum sex sex, double m0);

/* The table of the rates m[0..100] (m[100] for 100+). Deaths fall on average
 * mid-year at ages 1 to 99: q = m / (1 + (1 - a) m) with a = 1/2 (a0 at age
 * 0), at most 1; L(x) = l(x + 1) + a d(x); L(100+) = l(100) / m(100). */
void lifetable_build(const double m[N_AGES], enum sex sex, struct lifetable *t);

/* The one-year survival of the projection (cohort-component, as the UN
 * projects): of those aged x (last birthday) on 1 January, the share dead by
 * the next 1 January is 1 - L(x+1)/L(x); ages 99 and 100+ join the open group,
 * 1 - L(100+)/(L(99) + L(100+)) for both. Of those born in the year, the share
 * dead by its end is 1 - L(0), the part of the first year not lived. */
void lifetable_death_prob(const struct lifetable *t, double death_prob[N_AGES],
                          double *newborn_death_prob);

#endif
