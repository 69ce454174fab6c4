/* assumptions.c: a run's assumptions in words (assumptions.h). The text is
 * built in a memory stream, a line per assumption. */
#include "sim/assumptions.h"

#include "models/benefits.h"
#include "models/timeline.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const what[N_CONTINUED] = {
    "individual contribution",
    "fiscal subsidy standard",
    "national subsidy standard",
    "the city's fixed part of the subsidy",
    "maternity payments",
    "serious-illness premium",
    "other income",
    "benefit package (deductibles, caps, limits)",
};

static char toupper_ascii(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool same_rule(const struct continuation *a, const struct continuation *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

int assumptions_rules_end_year(const struct scenario *s)
{
    int start = s->simulation.start_year, end = start;
    for (size_t k = 0; k < s->n_regions; k++)
        for (int c = CONTINUED_CONTRIBUTION; c <= CONTINUED_NATIONAL_STANDARD; c++) {
            int base = timeline_base_year(scenario_continued(&s->regions[k], c), start);
            if (base > end) end = base;
        }
    return end;
}

/* The continuation lines: the first region's rule for each, and how many
 * regions follow another. */
static void continuations(FILE *f, const struct scenario *s)
{
    int start = s->simulation.start_year;
    bool frozen_financing = false;
    for (int c = 0; c < N_CONTINUED; c++) {
        const struct region *r0 = &s->regions[0];
        const struct continuation *rule = &r0->policy.continuation[c];
        size_t differ = 0;
        for (size_t k = 1; k < s->n_regions; k++)
            differ += !same_rule(rule, &s->regions[k].policy.continuation[c]);
        int base = c == CONTINUED_BENEFITS
                       ? benefit_package_base_year(&r0->policy, start, s->simulation.years)
                       : timeline_base_year(scenario_continued(r0, c), start);
        if (c == CONTINUED_OTHER_INCOME && rule->rule == CONTINUE_FROZEN) {
            bool none = true;
            for (size_t k = 0; k < s->n_regions && none; k++)
                none = s->regions[k].other_income_yuan.n == 1 &&
                       s->regions[k].other_income_yuan.value[0] == 0;
            if (none) continue;
        }
        char line[256];
        timeline_describe(rule, base, line, sizeof line);
        fprintf(f, "%c%s: %s", toupper_ascii(what[c][0]), what[c] + 1, line);
        if (differ)
            fprintf(f, " (%zu region%s other%s)", differ, differ == 1 ? " has" : "s have", "wise");
        fputc('\n', f);
        if (c <= CONTINUED_NATIONAL_STANDARD && rule->rule == CONTINUE_FROZEN)
            frozen_financing = true;
    }
    if (frozen_financing)
        fprintf(f, "NOTE: financing frozen in nominal yuan after its last dated year: a "
                   "deficit or depletion this produces is the gap later increases must close, "
                   "not a forecast of current policy (001 links financing to income)\n");
}

/* Parameter risk and one-off shocks, when the scenario has them (a line each:
 * a file without them reads as before). */
static void risks(FILE *f, const struct scenario *s)
{
    double g = s->economy.income_growth_uncertainty, x = s->costs.excess_growth_uncertainty,
           u = s->costs.utilization_trend_uncertainty, e = s->enrollment.employee_shift_uncertainty,
           d = s->disease.trend_uncertainty, rho = s->enrollment.shock_persistence;
    if (g > 0 || x > 0 || u > 0 || e > 0 || d > 0 || rho > 0)
        fprintf(f,
                "Parameter risk (a path's own long-run levels, sd in points a year): income "
                "growth %.1f, excess cost growth %.1f, use %.1f, move to the employee scheme "
                "%.2f, incidence trends %.1f; participation shock persistence %.2f\n",
                100 * g, 100 * x, 100 * u, 100 * e, 100 * d, rho);
    const struct utilization_params *p = &s->utilization;
    for (size_t k = 0; k < p->n_shocks; k++)
        fprintf(f, "Use of care in %d: %+.1f %% against the trend, %+.1f %% in %d\n",
                p->shocks[k].year, 100 * p->shocks[k].change, 100 * p->shocks[k].rebound,
                p->shocks[k].year + 1);
}

char *assumptions_text(const struct scenario *s)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return NULL;
    continuations(f, s);
    const struct cost_params *c = &s->costs;
    const struct economy_params *e = &s->economy;
    double technology = c->technology_rate * c->technology_jump;
    double long_run =
        e->income_growth_mean - (c->inflation_mean + c->utilization_trend + technology);
    fprintf(f,
            "Unit costs of care (expected): medical inflation %.1f %% a year, use %.1f %% a "
            "year, new technology %.1f %% a year, excess growth %.1f %% in %d moving to %.1f %% "
            "over %.0f years (costs then grow as income)\n",
            100 * c->inflation_mean, 100 * c->utilization_trend, 100 * technology,
            100 * c->excess_initial, s->simulation.start_year + 1, 100 * long_run, c->excess_years);
    fprintf(f, "Per-capita disposable income (expected): %.1f %% a year from %.0f yuan in %d\n",
            100 * e->income_growth_mean, e->income_yuan, s->simulation.start_year - 1);
    risks(f, s);
    const struct pooling_params *p = &s->pooling;
    static const char *const payers[] = {"the central government", "the province", "the city",
                                         "the city districts", "the counties"};
    if (p->deficit == DEFICIT_BACKSTOP)
        fprintf(f,
                "After depletion: %s pays each year's shortfall (财政兜底); the balance stays "
                "at 0\n",
                payers[p->backstop_payer]);
    else
        fprintf(f,
                "After depletion: the balance runs negative as a cumulative deficit, "
                "borrowing at %.1f %% a year\n",
                100 * p->borrowing_rate);
    bool failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        free(text);
        return NULL;
    }
    return text;
}
