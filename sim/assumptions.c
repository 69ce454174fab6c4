/* assumptions.c: a run's assumptions in words (assumptions.h). The text is
 * built in a memory stream, a line per assumption. */
#include "sim/assumptions.h"

#include "models/benefits.h"
#include "sim/config/schema.h"
#include "models/timeline.h"

#include <math.h>
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

/* The continuation's terms (output/terms.def) and the rules in Chinese. */
static const char *const continued_terms[N_CONTINUED] = {
    "continue_contribution", "continue_subsidy",        "continue_national_standard",
    "continue_city_fixed",   "continue_maternity",      "continue_serious_premium",
    "continue_other_income", "continue_benefits"};

static void describe_zh(const struct continuation *c, int base_year, char *out, size_t n)
{
    char extra[64] = "", round[48] = "";
    if ((c->rule == CONTINUE_INCOME || c->rule == CONTINUE_PRICE) && c->extra_rate != 0)
        snprintf(extra, sizeof extra, "，每年另加 %+.2g 个百分点", 100 * c->extra_rate);
    if (c->round_yuan > 0) snprintf(round, sizeof round, "，取整到 %g 元", c->round_yuan);
    switch (c->rule) {
    case CONTINUE_STEP:
        snprintf(out, n, "%d 年后每年 %+g 元%s", base_year, c->step_yuan, round);
        return;
    case CONTINUE_RATE:
        snprintf(out, n, "%d 年后每年 %+.3g%%%s", base_year, 100 * c->rate, round);
        return;
    case CONTINUE_INCOME:
        if (c->income_share > 0)
            snprintf(out, n, "%d 年后为上年人均可支配收入的 %.3g%%%s%s", base_year,
                     100 * c->income_share, extra, round);
        else
            snprintf(out, n, "%d 年后随人均可支配收入增长%s%s", base_year, extra, round);
        return;
    case CONTINUE_PRICE:
        snprintf(out, n, "%d 年后随医疗单价增长%s%s", base_year, extra, round);
        return;
    default:
        snprintf(out, n, "%d 年后名义金额冻结", base_year);
    }
}

/* The source class of setting group.name in the schema: "notice" (a notice,
 * 000-004), "assumed", or "data" (a bulletin, a data file); and whether the
 * scenario's value x is the schema's default. */
static const char *setting_source(const char *group, const char *name, double x, bool *is_default)
{
    const struct spec *g = schema_member(&schema_table, group);
    const struct spec *m = g ? schema_member(g, name) : NULL;
    *is_default = m && m->dflt && fabs(strtod(m->dflt, NULL) - x) < 1e-12;
    if (!m || !m->source || !strncmp(m->source, "assumed", 7)) return "assumed";
    if (m->source[0] >= '0' && m->source[0] <= '9') return "notice";
    return "data";
}

/* The detail of a setting's row: the setting, its source and whether the
 * scenario sets it. */
static void setting_row(struct h5out_assumption *row, const char *term, const char *group,
                        const char *name, double x)
{
    bool dflt;
    snprintf(row->term, sizeof row->term, "%s", term);
    row->source = setting_source(group, name, x, &dflt);
    const struct spec *g = schema_member(&schema_table, group);
    const struct spec *m = g ? schema_member(g, name) : NULL;
    const char *src = m && m->source ? m->source : "assumed";
    /* the schema's source in words when it says more than "assumed" (a notice, a bulletin) */
    bool said = !strncmp(src, "assumed", 7) && strlen(src) <= 7;
    snprintf(row->detail_en, sizeof row->detail_en, "%s.%s, %s%s%s%s", group, name,
             dflt ? "fundsim's default" : "set by the scenario", said ? "" : " (", said ? "" : src,
             said ? "" : ")");
    snprintf(row->detail_zh, sizeof row->detail_zh, "%s.%s，%s%s%s%s", group, name,
             dflt ? "fundsim 默认值" : "情景文件设定", said ? "" : "（",
             said ? "" : !strncmp(src, "assumed", 7) ? src + 7 + (src[7] == ' ') : src,
             said ? "" : "）");
}

struct h5out_assumption *assumptions_table(const struct scenario *s, size_t *n)
{
    enum { MAX_ROWS = 8 + N_CONTINUED };
    struct h5out_assumption *rows = calloc(MAX_ROWS, sizeof *rows), *r = rows;
    if (!rows) return NULL;
    const struct cost_params *c = &s->costs;
    const struct economy_params *e = &s->economy;
    int start = s->simulation.start_year;
    double technology = c->technology_rate * c->technology_jump;
    double long_run =
        e->income_growth_mean - (c->inflation_mean + c->utilization_trend + technology);
    setting_row(r, "medical_inflation", "costs", "inflation", c->inflation_mean);
    snprintf(r++->value, sizeof r->value, "%.1f %%/yr", 100 * c->inflation_mean);
    setting_row(r, "utilization_growth", "costs", "utilization_trend", c->utilization_trend);
    snprintf(r++->value, sizeof r->value, "%.1f %%/yr", 100 * c->utilization_trend);
    setting_row(r, "technology_growth", "costs", "technology_rate", c->technology_rate);
    snprintf(r++->value, sizeof r->value, "%.1f %%/yr", 100 * technology);
    setting_row(r, "cost_growth_excess", "costs", "excess_growth", c->excess_initial);
    snprintf(r++->value, sizeof r->value, "%.1f %%/yr %d → %.1f %%/yr %d", 100 * c->excess_initial,
             start + 1, 100 * long_run, start + 1 + (int)lround(c->excess_years));
    setting_row(r, "income_growth", "economy", "income_growth", e->income_growth_mean);
    snprintf(r++->value, sizeof r->value, "%.1f %%/yr, %.0f yuan %d", 100 * e->income_growth_mean,
             e->income_yuan, start - 1);
    setting_row(r, "participation", "enrollment", "participation", s->enrollment.participation);
    snprintf(r++->value, sizeof r->value, "%.1f %%", 100 * s->enrollment.participation);
    setting_row(r, "participation_elasticity", "enrollment", "elasticity",
                s->enrollment.elasticity);
    snprintf(r++->value, sizeof r->value, "%.2f", s->enrollment.elasticity);
    /* the continuations: the first region's rule, as the attribute's lines */
    const struct region *r0 = &s->regions[0];
    for (int k = 0; k < N_CONTINUED; k++) {
        const struct continuation *rule = &r0->policy.continuation[k];
        int base = k == CONTINUED_BENEFITS
                       ? benefit_package_base_year(&r0->policy, start, s->simulation.years)
                       : timeline_base_year(scenario_continued(r0, k), start);
        size_t differ = 0;
        for (size_t j = 1; j < s->n_regions; j++)
            differ += !same_rule(rule, &s->regions[j].policy.continuation[k]);
        snprintf(r->term, sizeof r->term, "%s", continued_terms[k]);
        snprintf(r->value, sizeof r->value, "%d+: %s", base, continuation_rule_names[rule->rule]);
        r->source = "assumed";
        char en[200], zh[200];
        timeline_describe(rule, base, en, sizeof en);
        describe_zh(rule, base, zh, sizeof zh);
        if (differ) {
            size_t used = strlen(en), used_zh = strlen(zh);
            snprintf(en + used, sizeof en - used, " (%zu region%s otherwise)", differ,
                     differ == 1 ? " has" : "s have");
            snprintf(zh + used_zh, sizeof zh - used_zh, "（%zu 个地区另有规定）", differ);
        }
        snprintf(r->detail_en, sizeof r->detail_en, "%s; policy.continuation: no notice sets it",
                 en);
        snprintf(r->detail_zh, sizeof r->detail_zh, "%s；policy.continuation：无文件规定", zh);
        r++;
    }
    const struct pooling_params *p = &s->pooling;
    static const char *const payers[] = {"central", "province", "city", "district", "county"};
    static const char *const payers_zh[] = {"中央", "省级", "市级", "区级", "县级"};
    snprintf(r->term, sizeof r->term, "after_depletion");
    r->source = "assumed";
    if (p->deficit == DEFICIT_BACKSTOP) {
        snprintf(r->value, sizeof r->value, "backstop: %s", payers[p->backstop_payer]);
        snprintf(r->detail_en, sizeof r->detail_en,
                 "pooling.deficit: %s government pays each year's shortfall; the balance stays at 0",
                 payers[p->backstop_payer]);
        snprintf(r->detail_zh, sizeof r->detail_zh, "pooling.deficit：%s财政兜底当年缺口，累计结余保持为 0",
                 payers_zh[p->backstop_payer]);
    } else {
        snprintf(r->value, sizeof r->value, "carry, %.1f %%/yr", 100 * p->borrowing_rate);
        snprintf(r->detail_en, sizeof r->detail_en,
                 "pooling.deficit: the balance runs negative as a cumulative deficit, borrowing "
                 "at %.1f %% a year",
                 100 * p->borrowing_rate);
        snprintf(r->detail_zh, sizeof r->detail_zh,
                 "pooling.deficit：累计结余为负，作为累计缺口结转，借款利率 %.1f%%",
                 100 * p->borrowing_rate);
    }
    r++;
    *n = (size_t)(r - rows);
    return rows;
}
