/* timeline.c: yuan timelines continued along a path (timeline.h). */
#include "models/timeline.h"

#include <math.h>
#include <stdio.h>

int timeline_base_year(const struct step *t, int start_year)
{
    /* a plain number (no date) holds key 0 */
    int last = t->key[t->n - 1];
    return last > start_year ? last : start_year;
}

/* Y(year) and P(year), the start's before the projection. */
static double income_of(const struct timeline_path *x, int year)
{
    long k = (long)year - (x->start_year - 1);
    return x->income[k < 0 ? 0 : k];
}

static double price_of(const struct timeline_path *x, int year)
{
    long k = (long)year - x->start_year;
    return x->price[k < 0 ? 0 : k];
}

double timeline_scale(const struct continuation *c, int base_year, int year,
                      const struct timeline_path *x)
{
    if (year <= base_year) return 1;
    double n = year - base_year;
    switch (c->rule) {
    case CONTINUE_RATE:
        return pow(1 + c->rate, n);
    case CONTINUE_INCOME:
        return income_of(x, year - 1) / income_of(x, base_year - 1) * pow(1 + c->extra_rate, n);
    case CONTINUE_PRICE:
        return price_of(x, year) / price_of(x, base_year) * pow(1 + c->extra_rate, n);
    default:
        return 1;
    }
}

double timeline_at(const struct step *t, const struct continuation *c, int year,
                   const struct timeline_path *x)
{
    int base = timeline_base_year(t, x->start_year);
    if (year <= base || c->rule == CONTINUE_FROZEN) return step_at(t, year);
    double last = step_at(t, base), v;
    if (c->rule == CONTINUE_STEP)
        v = last + c->step_yuan * (year - base);
    else if (c->rule == CONTINUE_INCOME && c->income_share > 0)
        v = c->income_share * income_of(x, year - 1) * pow(1 + c->extra_rate, year - base);
    else
        v = last * timeline_scale(c, base, year, x);
    if (c->round_yuan > 0) v = nearbyint(v / c->round_yuan) * c->round_yuan;
    /* a step down may not take an amount below 0 */
    return v > 0 ? v : 0;
}

void timeline_describe(const struct continuation *c, int base_year, char *out, size_t n)
{
    char extra[64] = "", round[48] = "";
    if ((c->rule == CONTINUE_INCOME || c->rule == CONTINUE_PRICE) && c->extra_rate != 0)
        snprintf(extra, sizeof extra, " %+.2g points a year", 100 * c->extra_rate);
    if (c->round_yuan > 0) snprintf(round, sizeof round, ", rounded to %g yuan", c->round_yuan);
    switch (c->rule) {
    case CONTINUE_STEP:
        snprintf(out, n, "%+g yuan a year after %d%s", c->step_yuan, base_year, round);
        return;
    case CONTINUE_RATE:
        snprintf(out, n, "%+.3g %% a year after %d%s", 100 * c->rate, base_year, round);
        return;
    case CONTINUE_INCOME:
        if (c->income_share > 0)
            snprintf(out, n,
                     "%.3g %% of the previous year's per-capita disposable income%s after %d%s",
                     100 * c->income_share, extra, base_year, round);
        else
            snprintf(out, n, "with per-capita disposable income%s after %d%s", extra, base_year,
                     round);
        return;
    case CONTINUE_PRICE:
        snprintf(out, n, "with the unit cost of care%s after %d%s", extra, base_year, round);
        return;
    default:
        snprintf(out, n, "frozen in nominal yuan after %d", base_year);
    }
}
