/* scenario.h: the validated, immutable scenario that the engine reads.
 *
 * Data flows one way: scenario file (+ base scenarios of a variant, + --set)
 * -> settings tree -> checked against the schema (schema.c) -> this structure.
 * Every field here has passed its checks: types, ranges, orders and sums. Field
 * names carry units where it matters (_yuan, _rate, _share). Money is yuan per
 * person per year unless the name says otherwise. All memory belongs to the
 * scenario and goes with scenario_free(). */
#ifndef FUNDSIM_SCENARIO_H
#define FUNDSIM_SCENARIO_H

#include "sim/config/step.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct diag;
struct plausible_warning;

/* Facility levels of the notices: grassroots (township, community, village),
 * county, city, provincial tertiary hospitals. */
enum level { LEVEL_GRASSROOTS, LEVEL_COUNTY, LEVEL_CITY, LEVEL_PROVINCIAL, N_LEVELS };
/* Groups whose contributions medical assistance pays (资助参保, 002):
 * 特困 extreme poverty, 低保 minimum living guarantee, 农村易返贫致贫人口 rural
 * people at risk of poverty, and disabled / near-低保 / children in hardship. */
enum category {
    CAT_EXTREME_POVERTY,
    CAT_MINIMUM_LIVING,
    CAT_RURAL_AT_RISK,
    CAT_HARDSHIP,
    N_CATEGORIES
};
/* Classes of enrollee for the split of the fiscal subsidy among levels of
 * government (002): city districts, counties, city-run college students,
 * centrally or provincially run college students. */
enum subsidy_class {
    CLASS_DISTRICT,
    CLASS_COUNTY,
    CLASS_STUDENT_CITY,
    CLASS_STUDENT_PROVINCIAL,
    N_CLASSES
};
enum contribution_calendar { DATED_BY_BENEFIT_YEAR, DATED_BY_COLLECTION_YEAR };
enum pooling_mode { POOLING_CITY, POOLING_ADJUSTMENT_FUND, POOLING_PROVINCE };
/* What happens once a fund's balance would fall below 0 (pooling.deficit). */
enum deficit_mode {
    DEFICIT_CARRY, /* the balance runs negative: a cumulative deficit, at a borrowing rate */
    DEFICIT_BACKSTOP, /* a level of government pays the shortfall (财政兜底): the balance stays 0 */
};
/* Levels of government, as the budget burden names them (financing.h). */
enum payer_level {
    PAYER_CENTRAL,
    PAYER_PROVINCE,
    PAYER_CITY,
    PAYER_DISTRICT,
    PAYER_COUNTY,
    N_PAYER_LEVELS,
    PAYER_NONE = N_PAYER_LEVELS /* not a government (other income) */
};

/* How a yuan timeline goes on after its last dated value (policy.continuation):
 * no notice sets rules for years it does not name, so every projection says
 * what it assumes. n years after the last dated year L, with the value v_L:
 *   frozen  v_L (the nominal amount kept);
 *   step    v_L + step_yuan n;
 *   rate    v_L (1 + rate)^n;
 *   income  v_L Y(t-1)/Y(L-1) (1 + extra_rate)^n, Y the path's per-capita disposable
 *           income; or, with income_share > 0, income_share Y(t-1) (1 + extra_rate)^n;
 *   price   v_L P(t)/P(L) (1 + extra_rate)^n, P the path's unit-cost (price) index;
 * rounded to the nearest multiple of round_yuan when it is > 0. Growth counts from
 * the start of the projection: L is at least simulation.start_year. */
enum continuation_rule {
    CONTINUE_FROZEN,
    CONTINUE_STEP,
    CONTINUE_RATE,
    CONTINUE_INCOME,
    CONTINUE_PRICE,
    N_CONTINUATION_RULES
};
struct continuation {
    int rule; /* enum continuation_rule */
    double step_yuan, rate, extra_rate, income_share, round_yuan;
};
/* What each continuation of policy.continuation governs. The benefit package is
 * the amounts inside the benefit tables (deductibles, caps, the conditions'
 * benefits, the serious-illness cap and bands, the assistance limit): they go on
 * together, from the package's last dated year (models/timeline.h). */
enum continued {
    CONTINUED_CONTRIBUTION,      /* policy.contribution.individual_yuan */
    CONTINUED_SUBSIDY,           /* policy.subsidy.standard_yuan */
    CONTINUED_NATIONAL_STANDARD, /* policy.subsidy.national_standard_yuan */
    CONTINUED_CITY_FIXED,        /* policy.subsidy.split.*.city_fixed_yuan */
    CONTINUED_MATERNITY,         /* policy.maternity.* */
    CONTINUED_SERIOUS_PREMIUM,   /* regions[].serious_premium_yuan */
    CONTINUED_OTHER_INCOME,      /* regions[].other_income.yuan */
    CONTINUED_BENEFITS,          /* the benefit package */
    N_CONTINUED
};
extern const char *const continuation_rule_names[N_CONTINUATION_RULES];
extern const char *const continued_names[N_CONTINUED];

extern const char *const level_names[N_LEVELS];
extern const char *const category_names[N_CATEGORIES];
extern const char *const subsidy_class_names[N_CLASSES];

struct numbers {
    size_t n;
    double *v;
};
struct levels {
    struct step at[N_LEVELS];
};
struct level_shares {
    double at[N_LEVELS];
};
struct categories {
    struct step at[N_CATEGORIES];
};

struct simulation_params {
    int start_year, years;
    long long paths, seed;
    struct numbers quantiles;
};

/* Population by sex and age group; the scenario keeps the groups as given
 * (the population driver splits them into single years). */
struct age_groups {
    size_t n;
    int *first_age;     /* first age of each group; the last group is open */
    double *persons[2]; /* [0] male, [1] female */
};

/* A UN table by age group (rows) and five-year period (columns), as read. */
struct period_table {
    size_t n_groups, n_periods;
    int *first_age; /* first age of each group */
    int end_age;    /* end (exclusive) of the last group, or 0 when it is open ("100+") */
    int *first_year, *end_year; /* of each period: "2020-2025" -> 2020, 2025 */
    double *value;              /* value[period * n_groups + group] */
};

/* A UN series by calendar year: value[k] is for the year first_year + k. */
struct year_series {
    int first_year;
    size_t n;
    double *value;
};

struct demography_params {
    char *age_structure_male_file, *age_structure_female_file;
    int age_structure_year;
    struct age_groups age_structure; /* read from the files, in persons */
    char *mortality_male_file, *mortality_female_file;
    struct period_table mortality[2];    /* m(x) by group and period; [0] male, [1] female */
    char *e0_male_file, *e0_female_file; /* optional: NULL when not given */
    struct year_series e0[2];            /* median life expectancy at birth, years; n = 0 if none */
    double mortality_volatility, mortality_initial_volatility;
    double mortality_improvement; /* multiplies the median k's change after the start year */
    char *tfr_file, *fertility_pattern_file, *sex_ratio_file;
    struct year_series tfr;                /* children per woman, median */
    struct period_table fertility_pattern; /* percent of the TFR by mother's age group */
    struct year_series sex_ratio;          /* males per female at birth */
    double tfr_volatility, tfr_persistence, tfr_initial_volatility;
    double tfr_shift; /* children per woman added to the median TFR from the start year */
    struct step migration_rate; /* net migrants per resident per year, by age */
    double migration_volatility;
};

struct enrollment_params {
    double participation, vulnerable_participation, elasticity, participation_volatility;
    double employee_shift, late_share, newborn_share;
    double employee_shift_uncertainty; /* sd of a path's employee_shift (models/parameters.h) */
    double shock_persistence;          /* AR(1) coefficient of the participation shock */
    double student_participation, permit_local_share;
    double category_trend[N_CATEGORIES];
};

struct economy_params {
    double income_yuan; /* per-capita disposable income, year before the start */
    double income_growth_mean, income_growth_volatility, income_growth_persistence;
    double income_growth_uncertainty; /* sd of a path's income_growth_mean */
    double interest_mean, interest_volatility, interest_persistence;
};

struct cost_params {
    double inflation_mean, inflation_volatility, utilization_trend;
    double excess_initial, excess_years, excess_persistence, excess_volatility;
    double income_correlation;
    double technology_rate, technology_jump;
    double excess_growth_uncertainty;     /* sd of a path's excess_initial */
    double utilization_trend_uncertainty; /* sd of a path's utilization_trend */
    struct step policy_effects;           /* (year, relative change of the cost level) */
};

struct care_params {
    struct step rate[2]; /* admissions or visits per person-year by age; [0] male, [1] female */
    struct level_shares level_mix;
    struct level_shares cost_yuan, cost_cv, compliant_share;
    double overdispersion; /* variance of a person's propensity to use care (mean 1) */
};

/* A dated one-off change of the use of care (an epidemic's dip and rebound):
 * use x (1 + change) in `year`, x (1 + rebound) in the year after, relative to
 * the trend, then back to the trend. */
struct use_shock {
    int year;
    double change, rebound;
};

struct utilization_params {
    struct care_params inpatient, outpatient;
    double caesarean_share;
    double volatility;   /* of the region-year relative shock to admission and visit rates */
    double claims_noise; /* scales the claims' standard deviation around the expectation */
    size_t n_shocks;
    struct use_shock *shocks; /* dated one-off changes of use, increasing years */
};

struct condition_params {
    char *name;
    struct step
        prevalence[2];     /* share of people with the condition, by age; [0] male, [1] female */
    struct step incidence; /* new cases per person-year without it, by age */
    double persistence, excess_mortality, trend, trend_volatility;
    double inpatient_multiplier, annual_cost_yuan, cost_cv;
};

struct disease_params {
    size_t n;
    struct condition_params *conditions;
    double trend_uncertainty; /* sd of a path's shift of every log incidence trend */
};

struct condition_benefit {
    char *name;
    struct step deductible_yuan, ratio, annual_cap_yuan;
};

struct subsidy_split {
    struct step province_share, city_share, city_fixed_yuan;
};

/* The year's rules. Every field is a dated timeline: step_at(&x, year). */
struct policy {
    struct step individual_yuan, income_rate;
    /* Which year a contribution standard pays for: residents pay in the autumn for
     * the next year's benefits (002 annex); with "collection_year" the timelines
     * are dated by the notice and the loader moves them to the benefit year. */
    int contribution_dated_by; /* enum contribution_calendar */
    struct step subsidy_standard_yuan, national_standard_yuan;
    struct step central_share, central_share_western;
    struct subsidy_split split[N_CLASSES];
    struct categories assisted_share;
    struct step assistance_city_share_district, assistance_city_share_county;
    struct categories assistance_ratio;
    struct step assistance_limit_yuan;
    struct levels inpatient_deductible_yuan, inpatient_ratio;
    struct step inpatient_cap_yuan;
    struct levels outpatient_deductible_yuan, outpatient_ratio;
    struct step outpatient_cap_yuan;
    size_t n_conditions;
    struct condition_benefit *conditions; /* in the order of disease.conditions */
    struct step maternity_natural_yuan, maternity_caesarean_yuan;
    struct step waiting_days;
    struct step serious_deductible_income_share, serious_ratio_bands, serious_cap_yuan;
    struct step serious_poor_deductible_factor, serious_poor_ratio_bonus;
    struct categories serious_poor_terms; /* 1: the category has the poor's terms that year */
    struct step serious_outpatient_share;
    struct continuation continuation[N_CONTINUED];
};

/* A year of the region's published final accounts (决算), regions[].actuals: what
 * `fundsim calibrate` fits and `fundsim backtest` compares. A figure not given
 * is NAN. */
struct actual {
    int year;
    double enrollees;        /* persons enrolled in the year */
    double income_yuan;      /* the fund's income in the year */
    double expenditure_yuan; /* the fund's expenditure in the year */
    double balance_yuan;     /* the accumulated balance at the end of the year */
};

struct region {
    char *name, *name_zh, *code;
    double population_total;
    struct age_groups age_structure; /* persons, scaled to population_total */
    double district_share, western_policy_share;
    double students_city_run, students_provincial_run;
    double permit_share;        /* residence-permit holders (居住证) among residents */
    struct step employee_share; /* by age */
    double category_share[N_CATEGORIES];
    double opening_balance_yuan; /* accumulated balance at the start, in yuan */
    struct step serious_premium_yuan;
    /* Fund income per enrollee above the standards (local top-ups, other income),
     * and who pays it (a level of government, or PAYER_NONE). */
    struct step other_income_yuan;
    int other_income_payer; /* enum payer_level, or PAYER_NONE */
    bool has_hospital_mix;
    struct level_shares hospital_mix;
    bool has_migration_rate;
    struct step migration_rate;
    struct policy policy; /* the scenario's policy with this region's overrides */
    size_t n_actuals;
    struct actual *actuals; /* by increasing year; none: n_actuals 0 */
    /* The levels `fundsim calibrate` fits (the scenario's `calibration` group,
     * one entry per region), each 0 when it has none, so that a region built
     * without them is unchanged: participation and use of care multiplied by
     * 1 + the change, other income per enrollee added to other_income_yuan. */
    double participation_change, use_change, extra_other_income_yuan;
    /* the yearly change of the log-odds of participation over the history
     * (calibration.participation_trend; 0: none) */
    double participation_trend;
};

/* calibration: the fitted levels, one entry per region (or none). */
struct calibration_params {
    struct numbers participation_scale, use_scale, other_income_yuan, opening_balance_yuan;
    struct numbers participation_trend; /* per region: log-odds a year over the history */
    int history_end_year; /* the last actual year fitted; 0: not calibrated */
};

struct warning_params {
    double insufficient_months, low_months, target_months, excess_months;
    double depletion_probability, max_balance_share;
};

/* From the year `from` (0: from the start) the income and expenditure of the
 * region with code `region` go into the fund of the region with code `fund`
 * (pooling.merges, sim/pools.h). */
struct pool_merge {
    char *region, *fund;
    int from;
};

struct pooling_params {
    int mode; /* enum pooling_mode */
    double adjustment_rate;
    int deficit;           /* enum deficit_mode */
    double borrowing_rate; /* carry: yearly interest charged on a negative balance */
    int backstop_payer;    /* backstop: enum payer_level */
    size_t n_merges;
    struct pool_merge *merges;
};

struct scenario {
    char *name, *description;
    struct simulation_params simulation;
    size_t n_regions;
    struct region *regions;
    struct demography_params demography;
    struct enrollment_params enrollment;
    struct economy_params economy;
    struct cost_params costs;
    struct utilization_params utilization;
    struct disease_params disease;
    struct warning_params warning;
    struct pooling_params pooling;
    struct calibration_params calibration;
    char *resolved_text; /* the fully resolved scenario, as `fundsim show` prints it */
    /* figures that pass the checks but are not plausible for China, each with
     * where its setting was written (sim/config/plausible.h); for the command
     * line to print as warnings */
    size_t n_warnings;
    struct plausible_warning *warnings;
    void *arena;         /* owns every allocation above */
};

/* The timeline that continuation `c` (enum continued) governs in region r (for
 * one that governs several, the first: they share the rule); NULL for the
 * benefit package, which is every amount of the benefit tables. */
const struct step *scenario_continued(const struct region *r, int c);

/* One `--set KEY=VALUE` from the command line (`value` in libconfig syntax),
 * or, with `value` NULL, the whole number `i` from an option such as --paths,
 * typed so that it never goes through text; `origin` then names the option as
 * the user wrote it, for messages ("--paths 0"). */
struct setting_override {
    const char *key, *value;
    long long i;
    const char *origin;
};

/* Reads a scenario or variant file, applies the overrides, checks everything
 * and fills `*out`. Returns 0, or -1 with every problem added to `d`; when
 * memory ran out, d->no_memory says so (what `d` holds is then incomplete,
 * and diag_status is DIAG_FAILED). */
int scenario_load(const char *path, const struct setting_override *sets, size_t n_sets,
                  struct scenario *out, struct diag *d);
void scenario_free(struct scenario *s);

#endif
