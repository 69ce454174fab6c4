/* plausible.c: a region's population, first-year income per enrollee and
 * opening balance set against what is plausible for China (plausible.h). A
 * pure function of the scenario: no tree, no printing. */
#include "sim/config/plausible.h"

#include "sim/config/scenario.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>

double plausible_income_yuan(const struct scenario *s, size_t r)
{
    const struct region *g = &s->regions[r];
    int year = s->simulation.start_year;
    return step_at(&g->policy.individual_yuan, year) +
           step_at(&g->policy.subsidy_standard_yuan, year) + step_at(&g->other_income_yuan, year) +
           g->extra_other_income_yuan;
}

double plausible_enrollees(const struct scenario *s, size_t r)
{
    const struct region *g = &s->regions[r];
    const struct age_groups *a = &g->age_structure;
    double residents = 0;
    for (int sex = 0; sex < 2; sex++)
        for (size_t k = 0; k < a->n; k++)
            residents += a->persons[sex][k] * (1 - step_at(&g->employee_share, a->first_age[k]));
    double participation = s->enrollment.participation * (1 + g->participation_change);
    return residents * fmin(participation, 1.0);
}

/* Adds a warning unless `out` is full; returns the count with it. */
static size_t add(struct plausible_warning *out, size_t cap, size_t n, struct plausible_warning w)
{
    if (n < cap) out[n] = w;
    return n + 1;
}

/* The setting of the largest part of region r's income per enrollee. */
static void income_setting(const struct scenario *s, size_t r, struct plausible_warning *w)
{
    const struct region *g = &s->regions[r];
    int year = s->simulation.start_year;
    const struct {
        const char *path;
        double yuan;
    } parts[] = {
        {"policy.contribution.individual_yuan", step_at(&g->policy.individual_yuan, year)},
        {"policy.subsidy.standard_yuan", step_at(&g->policy.subsidy_standard_yuan, year)},
        {"other_income.yuan", step_at(&g->other_income_yuan, year)},
    };
    size_t big = 0;
    for (size_t k = 1; k < sizeof parts / sizeof *parts; k++)
        if (fabs(parts[k].yuan) > fabs(parts[big].yuan)) big = k;
    snprintf(w->setting, sizeof w->setting, "regions[%zu].%s", r, parts[big].path);
    w->setting_value = parts[big].yuan;
}

size_t plausible_check(const struct scenario *s, struct plausible_warning *out, size_t cap)
{
    size_t n = 0;
    for (size_t r = 0; r < s->n_regions; r++) {
        const struct region *g = &s->regions[r];
        struct plausible_warning w = {.region = r};

        double people = g->population_total;
        if (people < PLAUSIBLE_POPULATION_MIN || people > PLAUSIBLE_POPULATION_MAX) {
            w.kind = people < PLAUSIBLE_POPULATION_MIN ? PLAUSIBLE_POPULATION_LOW
                                                       : PLAUSIBLE_POPULATION_HIGH;
            snprintf(w.setting, sizeof w.setting, "regions[%zu].population_total", r);
            w.setting_value = w.value = people;
            w.low = PLAUSIBLE_POPULATION_MIN;
            w.high = PLAUSIBLE_POPULATION_MAX;
            n = add(out, cap, n, w);
        }

        double income = plausible_income_yuan(s, r);
        bool income_out = income < PLAUSIBLE_INCOME_MIN_YUAN || income > PLAUSIBLE_INCOME_MAX_YUAN;
        if (income_out) {
            w.kind =
                income < PLAUSIBLE_INCOME_MIN_YUAN ? PLAUSIBLE_INCOME_LOW : PLAUSIBLE_INCOME_HIGH;
            income_setting(s, r, &w);
            w.value = income;
            w.low = PLAUSIBLE_INCOME_MIN_YUAN;
            w.high = PLAUSIBLE_INCOME_MAX_YUAN;
            n = add(out, cap, n, w);
        }

        /* No month to measure by when the income is not positive, nor a
         * month that means anything when the income is out of range: that is
         * the income's warning. A population too small makes any balance look
         * large (1167.73 people spend little), one too large makes it look
         * small: only the other side still says something of its own. */
        double month_yuan = plausible_enrollees(s, r) * income / 12;
        if (!(month_yuan > 0) || income_out) continue;
        double months = g->opening_balance_yuan / month_yuan;
        if ((months < PLAUSIBLE_BALANCE_MIN_MONTHS && people <= PLAUSIBLE_POPULATION_MAX) ||
            (months > PLAUSIBLE_BALANCE_MAX_MONTHS && people >= PLAUSIBLE_POPULATION_MIN)) {
            w.kind = months < PLAUSIBLE_BALANCE_MIN_MONTHS ? PLAUSIBLE_BALANCE_LOW
                                                           : PLAUSIBLE_BALANCE_HIGH;
            if (s->calibration.opening_balance_yuan.n)
                snprintf(w.setting, sizeof w.setting, "calibration.opening_balance_yuan[%zu]", r);
            else
                snprintf(w.setting, sizeof w.setting, "regions[%zu].opening_balance_yuan", r);
            w.setting_value = g->opening_balance_yuan;
            w.value = months;
            w.low = PLAUSIBLE_BALANCE_MIN_MONTHS;
            w.high = PLAUSIBLE_BALANCE_MAX_MONTHS;
            w.month_yuan = month_yuan;
            n = add(out, cap, n, w);
        }
    }
    return n;
}
