/* benefits.h: the benefit rules of one year, applied to one person-year.
 *
 * Three layers pay a patient's bills (三重制度): the basic fund (inpatient,
 * general outpatient pooling, the outpatient conditions, maternity), then
 * serious-illness insurance (大病保险) on the policy-scope cost the fund left,
 * then medical assistance (医疗救助) for the assisted categories; the patient
 * pays the rest. The main structure is `struct benefit_rules`, the year's rules
 * as plain numbers, resolved once per region and year from the region's
 * `struct policy` (its dated timelines) and the previous year's per-capita
 * disposable income. `benefits_apply` is a pure function of those rules and
 * one person-year's claims and situation; it draws no random numbers.
 *
 * The per-person functions (benefits_apply, benefits_serious,
 * benefits_first_covered_day) are the engine's reference, not its path: the
 * engine pays a cell's persons through the tables of models/benefit_table.h,
 * built from the same rules, and the tests check those tables against these
 * functions applied person by person (tests/test_benefit_table.c), as SQLite
 * checks its structures against naive reference ones. Keep them plain, and
 * out of the hot path. The rule they share with the tables, serious illness,
 * is written once, as data (struct benefit_serious_terms).
 *
 * Identity: fund + serious illness + assistance + out of pocket = total cost,
 * every part ≥ 0. */
#ifndef FUNDSIM_BENEFITS_H
#define FUNDSIM_BENEFITS_H

#include "sim/config/limit.h"
#include "sim/config/scenario.h"

#include <stdbool.h>
#include <stddef.h>

#define BENEFIT_NOT_ASSISTED (-1) /* benefit_situation.category of everyone else */
#define BENEFIT_DAYS_PER_YEAR 365

enum benefit_delivery { DELIVERY_NONE, DELIVERY_NATURAL, DELIVERY_CAESAREAN, N_DELIVERIES };

/* The outpatient benefit of one condition (两病 or 门诊慢特病). */
struct benefit_condition_rule {
    double deductible_yuan, ratio, cap_yuan;
    bool two_diseases; /* hypertension or diabetes medication (两病), else a chronic or
                          special condition (门诊慢特病) */
};

struct benefit_rules {
    int year;
    /* Inpatient: 起付线 (deductible) per admission and fund ratio by facility level, on
     * the policy-scope cost; one annual cap per person on the fund's payment. */
    double inpatient_deductible_yuan[N_LEVELS], inpatient_ratio[N_LEVELS], inpatient_cap_yuan;
    /* General outpatient pooling (普通门诊统筹): a deductible per visit-day and facility,
     * a ratio by level, an annual cap per person that does not carry over. */
    double outpatient_deductible_yuan[N_LEVELS], outpatient_ratio[N_LEVELS], outpatient_cap_yuan;
    size_t n_conditions; /* in the order of disease.conditions */
    struct benefit_condition_rule condition[LIMIT_CONDITIONS];
    double maternity_yuan[N_DELIVERIES]; /* fixed payment per delivery; [DELIVERY_NONE] = 0 */
    int waiting_days;                    /* late payers' waiting period (002: 30) */
    /* Serious-illness insurance (004): deductible = income share x previous year's
     * per-capita disposable income; ratio by band of the cost above it; a cap (0: none).
     * The poor (the assisted categories that serious_poor names) have the
     * deductible times a factor, the ratio plus a bonus, and no cap. */
    double serious_deductible_income_share, serious_deductible_yuan;
    size_t n_serious_bands;
    const int *serious_band_from_yuan; /* band starts, from 0, increasing */
    const double *serious_band_ratio;
    double serious_cap_yuan;
    double serious_poor_deductible_factor, serious_poor_ratio_bonus;
    bool serious_poor[N_CATEGORIES]; /* the category has the poor's terms this year */
    double serious_outpatient_share; /* share of the outpatient out-of-pocket cost counted */
    /* Medical assistance: share of the policy-scope cost left after both insurances,
     * by category, within one annual limit per person (outpatient and inpatient). */
    double assistance_ratio[N_CATEGORIES], assistance_limit_yuan;
};

/* One admission, or one visit-day at one facility (the outpatient deductible is
 * charged once per day and facility: 002). `policy_yuan` is the policy-scope
 * (compliant) part of `cost_yuan`: 0 ≤ policy_yuan ≤ cost_yuan. `day` is the day
 * of the benefit year, 0 = 1 January. */
struct benefit_claim {
    int level; /* enum level */
    int day;
    double cost_yuan, policy_yuan;
};

struct benefit_claims {
    size_t n_admissions;
    const struct benefit_claim *admissions;
    size_t n_visits;
    const struct benefit_claim *visits;
    /* Yearly outpatient treatment cost of each condition (rules.n_conditions values, 0
     * for a condition the person does not have), all in policy scope (assumed: the
     * scenario gives no compliant share for the conditions), spread evenly over the
     * year; NULL when the person has none. */
    const double *condition_cost_yuan;
    int delivery; /* enum benefit_delivery */
    int delivery_day;
    double delivery_cost_yuan; /* the fund pays the fixed amount, at most this */
};

struct benefit_situation {
    int category;    /* enum category, or BENEFIT_NOT_ASSISTED */
    bool late_payer; /* paid in the extended period: waits rules.waiting_days */
    int paid_day;    /* day of the year a late payer paid (0 = 1 January) */
};

/* What each payer pays for one person-year, by line. */
struct benefit_payment {
    double total_yuan;  /* every claim's cost */
    double policy_yuan; /* its policy-scope part */
    double fund_inpatient_yuan, fund_outpatient_yuan, fund_two_diseases_yuan, fund_chronic_yuan,
        fund_maternity_yuan;
    double fund_yuan;         /* the five lines above */
    double serious_base_yuan; /* out-of-pocket cost counted by serious-illness insurance */
    double serious_yuan, assistance_yuan;
    double out_of_pocket_yuan; /* includes the non-policy-scope part and claims in waiting */
};

/* The rules in force in `year` in a region whose policy is `p`, with the previous
 * year's per-capita disposable income. `p` must outlive `r` (the bands point into it). */
void benefit_rules_init(struct benefit_rules *r, const struct policy *p, int year,
                        double income_prev_yuan);

/* Serious-illness insurance (004) for one group of persons, the poor (the
 * assisted categories that rules.serious_poor names that year) or the others: it pays ratio b (benefit_serious_ratio)
 * of the counted cost W between deductible_yuan + band_from_yuan[b] and the
 * next band's start, at most cap_yuan in the year. The poor have the others'
 * deductible times serious_poor_deductible_factor, every ratio plus
 * serious_poor_ratio_bonus (a ratio is at most 1: it never pays more than the
 * cost), and no cap. benefits_serious pays it band by band;
 * models/benefit_table.c writes it as a piecewise-linear function of W. */
struct benefit_serious_terms {
    double deductible_yuan;
    size_t n_bands;
    const int *band_from_yuan; /* from 0, increasing */
    const double *band_ratio;  /* the rules' ratios, before the bonus */
    double ratio_bonus;        /* the poor's bonus; 0 for the others */
    double cap_yuan;           /* 0: none */
};

/* The others' deductible: the income share of the previous year's per-capita
 * disposable income. */
double benefit_serious_deductible(const struct benefit_rules *r, double income_prev_yuan);
/* The terms for the poor or the others, the others' deductible being
 * `deductible_yuan` (benefit_serious_deductible). */
void benefit_serious_terms_init(struct benefit_serious_terms *x, const struct benefit_rules *r,
                                bool poor, double deductible_yuan);
/* Band b's ratio, with the bonus, at most 1. */
double benefit_serious_ratio(const struct benefit_serious_terms *x, size_t b);

/* The reference per person (see the top of this file): the test oracle of the
 * tables (models/benefit_table.h), which the engine uses instead. */

/* Whether two years' rules make the same benefit table: they differ at most in
 * the year, the serious-illness deductible (income-linked, set per lookup) and
 * the maternity payments (paid outside the tables). */
bool benefit_rules_same_table(const struct benefit_rules *a, const struct benefit_rules *b);
/* The rules of policy `p` in `year` as a benefit table holds them (no maternity
 * payments, no income). */
void benefit_table_rules(struct benefit_rules *r, const struct policy *p, int year);
/* The benefit package's base year (policy.continuation.benefits, models/timeline.h):
 * the last year of the projection's `years` from start_year in which the table
 * rules change, when the notices' last dated benefit rule takes effect; from then
 * on the package goes on as one scale. */
int benefit_package_base_year(const struct policy *p, int start_year, int years);

/* The first day of the year whose claims are covered: 0, or for a late payer the day
 * of payment plus the waiting period (002: the fund does not pay for it). */
int benefits_first_covered_day(const struct benefit_rules *r, const struct benefit_situation *s);

/* Serious-illness insurance's payment on `base_yuan`, the year's counted
 * policy-scope out-of-pocket cost, band by band. */
double benefits_serious(const struct benefit_rules *r, bool poor, double base_yuan);

/* Applies the year's rules to one person-year. */
void benefits_apply(const struct benefit_rules *r, const struct benefit_situation *s,
                    const struct benefit_claims *c, struct benefit_payment *out);

#endif
