/* warn.c: the plausibility warnings of a loaded scenario (sim/config/plausible.h)
 * as `check` and `run` print them, in the command's language: a warning, not
 * an error; the command goes on and its exit status does not change. */
#include "output/terms.h"
#include "sim/cli/cli.h"
#include "sim/config/plausible.h"
#include "sim/config/scenario.h"

#include <stdbool.h>
#include <stdio.h>

/* What each kind measures, in what unit, and why it is implausible. */
static const struct {
    enum term what, unit, why;
} kinds[N_PLAUSIBLE_KINDS] = {
    [PLAUSIBLE_POPULATION_LOW] = {TERM_plausible_population, TERM_plausible_persons,
                                  TERM_plausible_population_low},
    [PLAUSIBLE_POPULATION_HIGH] = {TERM_plausible_population, TERM_plausible_persons,
                                   TERM_plausible_population_high},
    [PLAUSIBLE_INCOME_LOW] = {TERM_plausible_income, TERM_plausible_yuan,
                              TERM_plausible_income_low},
    [PLAUSIBLE_INCOME_HIGH] = {TERM_plausible_income, TERM_plausible_yuan,
                               TERM_plausible_income_high},
    [PLAUSIBLE_BALANCE_LOW] = {TERM_plausible_balance, TERM_plausible_months,
                               TERM_plausible_balance_low},
    [PLAUSIBLE_BALANCE_HIGH] = {TERM_plausible_balance, TERM_plausible_months,
                                TERM_plausible_balance_high},
};

void cli_print_warnings(FILE *out, const struct scenario *s, int lang)
{
    enum lang l = lang == LANG_ZH ? LANG_ZH : LANG_EN;
    const char *colon = l == LANG_ZH ? "：" : ": ", *comma = l == LANG_ZH ? "，" : ", ";
    for (size_t k = 0; k < s->n_warnings; k++) {
        const struct plausible_warning *w = &s->warnings[k];
        const struct region *r = &s->regions[w->region];
        const char *name = l == LANG_ZH && r->name_zh && r->name_zh[0] ? r->name_zh : r->name;
        /* months to a tenth; persons and yuan as written */
        bool months = w->kind == PLAUSIBLE_BALANCE_LOW || w->kind == PLAUSIBLE_BALANCE_HIGH;
        const char *unit = term(kinds[w->kind].unit, l);
        fprintf(out, "%s%s%s = %.15g (%s)%s%s%s%s ", term(TERM_plausible_warning, l), colon,
                w->setting, w->setting_value, w->where ? w->where : "default", colon, name, colon,
                term(kinds[w->kind].what, l));
        if (months)
            fprintf(out, "%.1f %s%s%s %.0f-%.0f %s", w->value, unit, comma,
                    term(TERM_plausible_range, l), w->low, w->high, unit);
        else
            fprintf(out, "%.15g %s%s%s %.15g-%.15g %s", w->value, unit, comma,
                    term(TERM_plausible_range, l), w->low, w->high, unit);
        if (w->month_yuan > 0)
            fprintf(out, "%s%s %.0f %s", comma, term(TERM_plausible_month_yuan, l), w->month_yuan,
                    term(TERM_plausible_yuan, l));
        fprintf(out, "%s%s\n", colon, term(kinds[w->kind].why, l));
    }
}
