/* timeline.h: the policy's yuan timelines along a path, continued after their
 * last dated value by the scenario's rules (struct continuation, scenario.h).
 *
 * No notice sets rules for the years it does not name, so a scenario says how
 * each amount goes on: frozen in nominal yuan, a step or a rate a year, with
 * the path's per-capita disposable income (001: 逐步建立居民医保筹资标准与居民人均
 * 可支配收入相挂钩的动态筹资机制) or with its unit-cost (price) index. The income-
 * and price-linked rules read the path's own figures, so financing moves with
 * the economy in every path. `struct timeline_path` holds a path's figures so far.
 *
 * A timeline t dated up to year K continues from L = max(K, start_year): the
 * value in force at L, v_L, is the last one given, and growth counts from the
 * start of the projection (the scenario's costs and incomes are the start's).
 * In year y > L, n = y - L:
 *   frozen  v_L
 *   step    v_L + step_yuan n
 *   rate    v_L (1 + rate)^n
 *   income  v_L Y(y-1)/Y(L-1) (1 + extra_rate)^n, or, with income_share > 0,
 *           income_share Y(y-1) (1 + extra_rate)^n
 *   price   v_L P(y)/P(L) (1 + extra_rate)^n
 * then to the nearest multiple of round_yuan (when > 0): computed from the
 * unrounded value each year, so rounding never compounds.
 *
 * The benefit package (the amounts inside the benefit tables) goes on as one:
 * every amount is multiplied by timeline_scale() of its package's rule from the
 * package's base year, which the tables apply as a change of unit
 * (benefit_table.h: the payments at costs c under amounts k a are k times those
 * at costs c / k under amounts a). */
#ifndef FUNDSIM_TIMELINE_H
#define FUNDSIM_TIMELINE_H

#include "sim/config/scenario.h"

#include <stddef.h>

/* A path's figures from the start of the projection: income[k] is the
 * per-capita disposable income of start_year - 1 + k (income[0] the scenario's
 * economy.income_yuan), price[k] the unit-cost (price) index of start_year + k
 * (price[0] = 1); `years` of each are known (the year being projected
 * included). Years before the start read the start's figures. */
struct timeline_path {
    int start_year;
    size_t years;
    const double *income, *price;
};

/* The year from which timeline `t` is continued: its last dated year, at least
 * start_year. */
int timeline_base_year(const struct step *t, int start_year);

/* The value of `t` in `year` (≥ start_year), continued by `c` after its base
 * year. */
double timeline_at(const struct step *t, const struct continuation *c, int year,
                   const struct timeline_path *x);

/* The factor by which rule `c` (frozen, rate, income or price; not step, nor an
 * income share) moves an amount from `base_year` to `year`: 1 up to base_year. */
double timeline_scale(const struct continuation *c, int base_year, int year,
                      const struct timeline_path *x);

/* One line saying what `c` does after `base_year`, e.g. "with per-capita
 * disposable income, rounded to 10 yuan, after 2025" (for reports). */
void timeline_describe(const struct continuation *c, int base_year, char *out, size_t n);

#endif
