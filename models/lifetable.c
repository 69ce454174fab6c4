/* lifetable.c: the period life table and the projection's one-year survival
 * (see lifetable.h). O(ages) arithmetic, no allocation: the mortality driver
 * builds one table per sex, path and year. */
#include "models/lifetable.h"

double lifetable_a0(enum sex sex, double m0)
{
    if (sex == SEX_MALE) return m0 < 0.107 ? 0.045 + 2.684 * m0 : 0.330;
    return m0 < 0.107 ? 0.053 + 2.800 * m0 : 0.350;
}

void lifetable_build(const double m[N_AGES], enum sex sex, struct lifetable *t)
{
    double l = 1, e0 = 0;
    for (int x = 0; x < N_AGES - 1; x++) {
        double a = x == 0 ? lifetable_a0(sex, m[0]) : 0.5;
        double q = m[x] / (1 + (1 - a) * m[x]);
        if (q > 1) q = 1;
        double dead = l * q;
        t->q[x] = q;
        t->l[x] = l;
        t->L[x] = l - dead + a * dead;
        e0 += t->L[x];
        l -= dead;
    }
    t->q[N_AGES - 1] = 1;
    t->l[N_AGES - 1] = l;
    t->L[N_AGES - 1] = l / m[N_AGES - 1];
    t->e0 = e0 + t->L[N_AGES - 1];
}

void lifetable_death_prob(const struct lifetable *t, double death_prob[N_AGES],
                          double *newborn_death_prob)
{
    for (int x = 0; x < N_AGES - 2; x++)
        death_prob[x] = t->L[x] > 0 ? 1 - t->L[x + 1] / t->L[x] : 1;
    double open = t->L[N_AGES - 2] + t->L[N_AGES - 1];
    double last = open > 0 ? 1 - t->L[N_AGES - 1] / open : 1;
    death_prob[N_AGES - 2] = last;
    death_prob[N_AGES - 1] = last;
    *newborn_death_prob = 1 - t->L[0];
}
