/* schema.c: every scenario setting, its type, unit, range, default and source.
 *
 * Read bottom-up: small groups first, the top-level `schema_table` last. The
 * sources are the notices in shared/seeds (see scenarios/README.md): 000 Henan
 * 2022 (豫医保〔2022〕5号), 001 Guangdong 2022 with the national 医保发〔2022〕20号,
 * 002 Zhengzhou 2023 (郑医保〔2023〕6号) with Henan 豫医保办〔2023〕71号, 003 Fujian
 * 2022 (闽医保〔2022〕93号), 004 Henan 2020 (豫医保〔2020〕5号) with the national
 * 医保发〔2020〕24号. "assumed" marks a value no notice or data set gives. */
#include "sim/config/schema.h"

#include "sim/config/limit.h"
#include "sim/config/scenario.h"

#include <stddef.h>
#include <string.h>

#define BIG 1e300

#define NUM(nm, T, f, u, lo, hi, def, src, d)                                                      \
    {                                                                                              \
        .name = nm, .kind = SPEC_NUMBER, .unit = u, .min = lo, .max = hi, .dflt = def,             \
        .source = src, .doc = d, .offset = offsetof(T, f)                                          \
    }
#define INT(nm, T, f, u, lo, hi, def, src, d)                                                      \
    {                                                                                              \
        .name = nm, .kind = SPEC_INT, .unit = u, .min = lo, .max = hi, .dflt = def, .source = src, \
        .doc = d, .offset = offsetof(T, f)                                                         \
    }
#define STR(nm, T, f, def, d, fl)                                                                  \
    {                                                                                              \
        .name = nm, .kind = SPEC_STRING, .dflt = def, .doc = d, .flags = fl,                       \
        .offset = offsetof(T, f)                                                                   \
    }
#define FIL(nm, T, f, def, src, d)                                                                 \
    {                                                                                              \
        .name = nm, .kind = SPEC_FILE, .dflt = def, .source = src, .doc = d,                       \
        .offset = offsetof(T, f)                                                                   \
    }
#define TL(nm, T, f, u, lo, hi, def, src, d)                                                       \
    {                                                                                              \
        .name = nm, .kind = SPEC_TIMELINE, .unit = u, .min = lo, .max = hi, .dflt = def,           \
        .source = src, .doc = d, .offset = offsetof(T, f)                                          \
    }
#define AGES(nm, T, f, u, lo, hi, def, src, d, fl)                                                 \
    {                                                                                              \
        .name = nm, .kind = SPEC_AGES, .unit = u, .min = lo, .max = hi, .dflt = def,               \
        .source = src, .doc = d, .flags = fl, .offset = offsetof(T, f)                             \
    }
#define GROUP(nm, T, f, k, fl, d)                                                                  \
    {                                                                                              \
        .name = nm, .kind = SPEC_GROUP, .kids = k, .flags = fl, .doc = d, .offset = offsetof(T, f) \
    }
/* A group whose members land in the enclosing structure. */
#define FLAT(nm, k, d)                                                                             \
    {                                                                                              \
        .name = nm, .kind = SPEC_GROUP, .kids = k, .doc = d                                        \
    }
/* A group of one setting per facility level (or per category), all alike. */
#define EACH(nm, T, f, k, u, lo, hi, def, src, d, fl)                                              \
    {                                                                                              \
        .name = nm, .kind = SPEC_GROUP, .kids = k, .unit = u, .min = lo, .max = hi, .dflt = def,   \
        .source = src, .doc = d, .flags = fl, .offset = offsetof(T, f)                             \
    }
#define END                                                                                        \
    {                                                                                              \
        0                                                                                          \
    }

const char *const level_names[N_LEVELS] = {"grassroots", "county", "city", "provincial"};
const char *const category_names[N_CATEGORIES] = {"extreme_poverty", "minimum_living",
                                                  "rural_at_risk", "hardship"};
const char *const subsidy_class_names[N_CLASSES] = {"district", "county", "student_city",
                                                    "student_provincial"};

/* ---- members shared by the per-level and per-category groups ---- */

#define EACH_MEMBER(nm, kind_, size, k)                                                            \
    {                                                                                              \
        .name = nm, .kind = kind_, .flags = SPEC_INHERIT, .offset = (size) * (k)                   \
    }
static const struct spec level_timelines[] = {
    EACH_MEMBER("grassroots", SPEC_TIMELINE, sizeof(struct step), 0),
    EACH_MEMBER("county", SPEC_TIMELINE, sizeof(struct step), 1),
    EACH_MEMBER("city", SPEC_TIMELINE, sizeof(struct step), 2),
    EACH_MEMBER("provincial", SPEC_TIMELINE, sizeof(struct step), 3),
    END,
};
static const struct spec level_numbers[] = {
    EACH_MEMBER("grassroots", SPEC_NUMBER, sizeof(double), 0),
    EACH_MEMBER("county", SPEC_NUMBER, sizeof(double), 1),
    EACH_MEMBER("city", SPEC_NUMBER, sizeof(double), 2),
    EACH_MEMBER("provincial", SPEC_NUMBER, sizeof(double), 3),
    END,
};
static const struct spec category_timelines[] = {
    EACH_MEMBER("extreme_poverty", SPEC_TIMELINE, sizeof(struct step), 0),
    EACH_MEMBER("minimum_living", SPEC_TIMELINE, sizeof(struct step), 1),
    EACH_MEMBER("rural_at_risk", SPEC_TIMELINE, sizeof(struct step), 2),
    EACH_MEMBER("hardship", SPEC_TIMELINE, sizeof(struct step), 3),
    END,
};
static const struct spec category_numbers[] = {
    EACH_MEMBER("extreme_poverty", SPEC_NUMBER, sizeof(double), 0),
    EACH_MEMBER("minimum_living", SPEC_NUMBER, sizeof(double), 1),
    EACH_MEMBER("rural_at_risk", SPEC_NUMBER, sizeof(double), 2),
    EACH_MEMBER("hardship", SPEC_NUMBER, sizeof(double), 3),
    END,
};

/* ---- simulation ---- */

static const struct spec simulation_kids[] = {
    INT("start_year", struct simulation_params, start_year, "year", 1990, 2200, NULL, "scenario",
        "First projected year; the opening balance is the balance at its start."),
    INT("years", struct simulation_params, years, "years", 1, LIMIT_YEARS, "30", "scenario",
        "Number of projected years."),
    {.name = "paths",
     .kind = SPEC_INT,
     .unit = "paths",
     .min = 1,
     .max = LIMIT_PATHS,
     .dflt = "1000",
     .source = "scenario",
     .doc = "Number of Monte Carlo paths.",
     .flags = SPEC_WIDE,
     .offset = offsetof(struct simulation_params, paths)},
    {.name = "seed",
     .kind = SPEC_INT,
     .min = 0,
     .max = 9.2e18,
     .dflt = "1",
     .source = "scenario",
     .doc = "Seed of the random streams; a stream is keyed by (seed, path, region, year, "
            "driver). In a file, seeds beyond 2147483647 need the suffix L (not with --seed or "
            "--set).",
     .flags = SPEC_WIDE,
     .offset = offsetof(struct simulation_params, seed)},
    {.name = "quantiles",
     .kind = SPEC_NUMBERS,
     .unit = "probability",
     .min = 0,
     .max = 1,
     .dflt = "[0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]",
     .source = "scenario",
     .doc = "Quantile levels reported in the summaries, strictly increasing.",
     .flags = SPEC_INCREASING | SPEC_MIN_OPEN | SPEC_MAX_OPEN,
     .offset = offsetof(struct simulation_params, quantiles),
     .min_count = 1,
     .max_count = LIMIT_QUANTILES},
    END,
};

/* ---- policy ---- */

static const char *const calendars[] = {"benefit_year", "collection_year", NULL};

static const struct spec contribution_kids[] = {
    {.name = "dated_by",
     .kind = SPEC_ENUM,
     .choices = calendars,
     .dflt = "\"benefit_year\"",
     .source = "002 annex",
     .doc =
         "Which year the contribution timelines are dated by: \"benefit_year\", the year "
         "whose benefits a contribution pays for; \"collection_year\", the notice's year, in "
         "whose autumn it is collected for the next year's benefits (002: 每年的9月至12月份为集中"
         "缴费期…享受次年1月1日至12月31日的居民医保待遇): moved one year later on loading. The "
         "fund counts a contribution as income of the year it pays for.",
     .offset = offsetof(struct policy, contribution_dated_by)},
    TL("individual_yuan", struct policy, individual_yuan, "yuan", 0, BIG, NULL, "000-004",
       "Fixed individual contribution per enrollee."),
    TL("income_rate", struct policy, income_rate, "share", 0, 0.2, "0", "001, 003",
       "Contribution linked to income: this share of the previous year's per-capita disposable "
       "income, added to individual_yuan."),
    END,
};

static const struct spec split_kids[] = {
    TL("province_share", struct subsidy_split, province_share, "share", 0, 1, NULL, "002",
       "Share of (national standard - central subsidy) that the province pays."),
    TL("city_share", struct subsidy_split, city_share, "share", 0, 1, "0", "002",
       "Share of the rest beyond city_fixed_yuan that the city pays; the county or district "
       "pays what is left."),
    TL("city_fixed_yuan", struct subsidy_split, city_fixed_yuan, "yuan", 0, BIG, "0", "002",
       "Fixed amount the city pays per enrollee before city_share applies."),
    END,
};

#define SPLIT(k, d_)                                                                               \
    {                                                                                              \
        .name = #k, .kind = SPEC_GROUP, .kids = split_kids, .doc = d_,                             \
        .offset = offsetof(struct policy, split[CLASS_##k])                                        \
    }
#define CLASS_district CLASS_DISTRICT
#define CLASS_county CLASS_COUNTY
#define CLASS_student_city CLASS_STUDENT_CITY
#define CLASS_student_provincial CLASS_STUDENT_PROVINCIAL

static const struct spec split_classes[] = {
    SPLIT(district, "Enrollees in city districts."),
    SPLIT(county, "Enrollees in counties."),
    SPLIT(student_city, "Students of city-run colleges."),
    SPLIT(student_provincial, "Students of centrally or provincially run colleges."),
    END,
};

static const struct spec subsidy_kids[] = {
    TL("standard_yuan", struct policy, subsidy_standard_yuan, "yuan", 0, BIG, NULL, "000-004",
       "Per-capita fiscal subsidy in this region (at least the national standard)."),
    TL("national_standard_yuan", struct policy, national_standard_yuan, "yuan", 0, BIG, NULL,
       "000-004", "National per-capita subsidy standard, on which the central share is paid."),
    TL("central_share", struct policy, central_share, "share", 0, 1, NULL, "000, 001, 004",
       "Central share of the national standard: 0.6 for central provinces, a province's own "
       "share in the east."),
    TL("central_share_western", struct policy, central_share_western, "share", 0, 1, "0.8",
       "000, 004", "Central share in western regions and counties treated as western."),
    {.name = "split",
     .kind = SPEC_GROUP,
     .kids = split_classes,
     .offset = 0,
     .doc = "How the local part is shared among province, city and county or district, by "
            "class of enrollee (Zhengzhou 2023: 002)."},
    END,
};

static const struct spec assistance_kids[] = {
    EACH("contribution_share", struct policy, assisted_share, category_timelines, "share", 0, 1,
         NULL, "002",
         "Share of the individual contribution that medical assistance pays, by category "
         "(002: 100 %, 95 %, 95 %, 80 %).",
         0),
    TL("city_share_district", struct policy, assistance_city_share_district, "share", 0, 1, "0.5",
       "002",
       "City's share of contribution assistance in districts (002: city and "
       "district 1:1)."),
    TL("city_share_county", struct policy, assistance_city_share_county, "share", 0, 1, "0", "002",
       "City's share of contribution assistance in counties (002: the county alone)."),
    EACH("ratio", struct policy, assistance_ratio, category_timelines, "share", 0, 1, NULL,
         "assumed",
         "Share of the policy-scope cost left after both insurances that medical "
         "assistance pays, by category.",
         0),
    TL("annual_limit_yuan", struct policy, assistance_limit_yuan, "yuan", 0, BIG, NULL,
       "assumed (001, 003)",
       "Yearly limit per person, shared by outpatient and inpatient assistance."),
    END,
};

static const struct spec inpatient_kids[] = {
    EACH("deductible_yuan", struct policy, inpatient_deductible_yuan, level_timelines, "yuan", 0,
         BIG, NULL, "assumed", "Deductible (起付线) per admission, by facility level.", 0),
    EACH("ratio", struct policy, inpatient_ratio, level_timelines, "share", 0, 1, NULL,
         "assumed (about 70 % overall: 000-004)",
         "Fund's share of the policy-scope cost above the deductible, by level.", 0),
    TL("annual_cap_yuan", struct policy, inpatient_cap_yuan, "yuan", 0, BIG, NULL, "assumed",
       "Most the fund pays per person per year for inpatient care."),
    END,
};

static const struct spec outpatient_kids[] = {
    EACH("deductible_yuan", struct policy, outpatient_deductible_yuan, level_timelines, "yuan", 0,
         BIG, NULL, "002", "Deductible per visit-day per facility (none at grassroots in 002).", 0),
    EACH("ratio", struct policy, outpatient_ratio, level_timelines, "share", 0, 1, NULL, "002",
         "Fund's share above the deductible, by level (Zhengzhou 2024: 65 % grassroots, 55 % "
         "county and city, 45 % provincial tertiary-A).",
         0),
    TL("annual_cap_yuan", struct policy, outpatient_cap_yuan, "yuan", 0, BIG, NULL, "002",
       "Most the fund pays per person per year; does not carry over (150, then 300 from 2024 "
       "in Zhengzhou)."),
    END,
};

static const struct spec condition_benefit_kids[] = {
    TL("deductible_yuan", struct condition_benefit, deductible_yuan, "yuan", 0, BIG, "0", "assumed",
       "Yearly deductible per patient."),
    TL("ratio", struct condition_benefit, ratio, "share", 0, 1, NULL, "assumed",
       "Fund's share of the policy-scope treatment cost (at least 50 % for hypertension and "
       "diabetes medication)."),
    TL("annual_cap_yuan", struct condition_benefit, annual_cap_yuan, "yuan", 0, BIG, NULL,
       "assumed", "Most the fund pays per patient per year."),
    END,
};

static const struct spec maternity_kids[] = {
    TL("natural_yuan", struct policy, maternity_natural_yuan, "yuan", 0, BIG, NULL, "002",
       "Fixed payment for a natural delivery (Zhengzhou: 700, 1000 from 2024)."),
    TL("caesarean_yuan", struct policy, maternity_caesarean_yuan, "yuan", 0, BIG, NULL, "002",
       "Fixed payment for a caesarean delivery (Zhengzhou: 1600, 2000 from 2024)."),
    END,
};

static const struct spec serious_kids[] = {
    TL("deductible_income_share", struct policy, serious_deductible_income_share, "share", 0, 5,
       "0.5", "004", "Deductible as a share of the previous year's per-capita disposable income."),
    {.name = "ratio_bands",
     .kind = SPEC_BANDS,
     .unit = "share",
     .min = 0,
     .max = 1,
     .dflt = "((0, 0.6))",
     .source = "004",
     .doc = "Ratio paid by band of yearly out-of-pocket cost above the deductible: ((from_yuan, "
            "ratio), ...), starting at 0.",
     .offset = offsetof(struct policy, serious_ratio_bands),
     .max_count = LIMIT_SERIOUS_BANDS},
    TL("annual_cap_yuan", struct policy, serious_cap_yuan, "yuan", 0, BIG, "0",
       "assumed (004 encourages regions to explore removing the cap)",
       "Most paid per person per year; 0 means no cap."),
    TL("poor_deductible_factor", struct policy, serious_poor_deductible_factor, "multiplier", 0, 1,
       "0.5", "004", "The poor's deductible relative to others' (004: halved)."),
    EACH("poor_terms", struct policy, serious_poor_terms, category_timelines, "0 or 1", 0, 1, "1",
         "004 (农村建档立卡贫困人口, 脱贫攻坚期)",
         "Which assisted categories have the poor's terms (the deductible factor, the ratio bonus, "
         "no cap), by year: 1 yes, 0 no. 004 gives them to registered poor rural people during "
         "the poverty-alleviation period (to 2020); a scenario states what it assumes after.",
         0),
    TL("poor_ratio_bonus", struct policy, serious_poor_ratio_bonus, "share", 0, 1, "0.05", "004",
       "Points added to the ratio for the poor (004: 5 points); the poor have no cap."),
    TL("outpatient_share", struct policy, serious_outpatient_share, "share", 0, 1, "1.0",
       "001, 003",
       "Share of the outpatient policy-scope out-of-pocket cost (general outpatient and the "
       "conditions) that counts towards serious-illness insurance; 001 and 003 count high "
       "outpatient costs, 0 counts inpatient costs only."),
    END,
};

/* ---- continuation: how each yuan timeline goes on after its last dated value ---- */

const char *const continuation_rule_names[N_CONTINUATION_RULES] = {"frozen", "step", "rate",
                                                                   "income", "price"};
const char *const continued_names[N_CONTINUED] = {"contribution", "subsidy",   "national_standard",
                                                  "city_fixed",   "maternity", "serious_premium",
                                                  "other_income", "benefits"};
static const char *const rule_choices[] = {"frozen", "step", "rate", "income", "price", NULL};

static const struct spec continuation_kids[] = {
    {.name = "rule",
     .kind = SPEC_ENUM,
     .choices = rule_choices,
     .dflt = "\"frozen\"",
     .source = "scenario (001: 动态筹资机制)",
     .doc = "After the last dated value: \"frozen\" keeps the nominal amount; \"step\" adds "
            "step_yuan a year; \"rate\" grows by rate a year; \"income\" moves with the path's "
            "per-capita disposable income of the previous year (001: financing linked to income); "
            "\"price\" moves with the path's unit-cost (price) index, keeping an amount constant "
            "in real terms.",
     .offset = offsetof(struct continuation, rule)},
    NUM("step_yuan", struct continuation, step_yuan, "yuan per year", -BIG, BIG, "0", "scenario",
        "rule \"step\": yuan added each year after the last dated one."),
    NUM("rate", struct continuation, rate, "rate", -0.5, 1, "0", "scenario",
        "rule \"rate\": yearly growth after the last dated year."),
    NUM("extra_rate", struct continuation, extra_rate, "rate", -0.5, 1, "0", "scenario",
        "rules \"income\" and \"price\": yearly growth on top of the index (0.01: one "
        "percentage point a year faster)."),
    NUM("income_share", struct continuation, income_share, "share", 0, 10, "0", "scenario",
        "rule \"income\": when > 0, the value is this share of the previous year's per-capita "
        "disposable income instead of the last dated value grown with income."),
    NUM("round_yuan", struct continuation, round_yuan, "yuan", 0, 1000, "0", "scenario",
        "The continued value to the nearest multiple of this (10: tens of yuan, as notices set "
        "standards); 0: not rounded. Not for the benefit package."),
    END,
};

#define CONTINUED(k, d_)                                                                           \
    {                                                                                              \
        .name = #k, .kind = SPEC_GROUP, .kids = continuation_kids, .doc = d_,                      \
        .offset = offsetof(struct policy, continuation[CONTINUED_##k])                             \
    }
#define CONTINUED_contribution CONTINUED_CONTRIBUTION
#define CONTINUED_subsidy CONTINUED_SUBSIDY
#define CONTINUED_national_standard CONTINUED_NATIONAL_STANDARD
#define CONTINUED_city_fixed CONTINUED_CITY_FIXED
#define CONTINUED_maternity CONTINUED_MATERNITY
#define CONTINUED_serious_premium CONTINUED_SERIOUS_PREMIUM
#define CONTINUED_other_income CONTINUED_OTHER_INCOME
#define CONTINUED_benefits CONTINUED_BENEFITS

static const struct spec continued_kids[] = {
    CONTINUED(contribution, "policy.contribution.individual_yuan."),
    CONTINUED(subsidy, "policy.subsidy.standard_yuan (never below the national standard: "
                       "不低于)."),
    CONTINUED(national_standard, "policy.subsidy.national_standard_yuan."),
    CONTINUED(city_fixed, "policy.subsidy.split.*.city_fixed_yuan."),
    CONTINUED(maternity, "policy.maternity.natural_yuan and caesarean_yuan."),
    CONTINUED(serious_premium, "regions[].serious_premium_yuan."),
    CONTINUED(other_income, "regions[].other_income.yuan."),
    CONTINUED(benefits,
              "The benefit package: every amount of the benefit tables (inpatient and "
              "outpatient deductibles and caps, the conditions' deductibles and caps, the "
              "serious-illness cap and bands, the assistance limit) goes on together from the "
              "package's last dated year, by rule \"frozen\", \"rate\", \"income\" or "
              "\"price\", without rounding (models/timeline.h)."),
    END,
};

static const struct spec policy_kids[] = {
    {.name = "contribution",
     .kind = SPEC_GROUP,
     .kids = contribution_kids,
     .doc = "Individual contribution (个人缴费)."},
    {.name = "subsidy",
     .kind = SPEC_GROUP,
     .kids = subsidy_kids,
     .doc = "Fiscal subsidy (财政补助) and its split by level of government."},
    {.name = "assistance",
     .kind = SPEC_GROUP,
     .kids = assistance_kids,
     .doc = "Medical assistance (医疗救助): contributions of the assisted, and the last layer "
            "of payment; a budget outlay, not a fund expenditure."},
    {.name = "inpatient", .kind = SPEC_GROUP, .kids = inpatient_kids, .doc = "Inpatient benefits."},
    {.name = "outpatient",
     .kind = SPEC_GROUP,
     .kids = outpatient_kids,
     .doc = "General outpatient pooling (普通门诊统筹)."},
    {.name = "conditions",
     .kind = SPEC_MAP,
     .kids = condition_benefit_kids,
     .doc = "Outpatient benefit for each condition of disease.conditions, keyed by its name: "
            "hypertension and diabetes medication (两病), chronic and special conditions "
            "(门诊慢特病).",
     .offset = offsetof(struct policy, conditions),
     .count_offset = offsetof(struct policy, n_conditions),
     .elem_size = sizeof(struct condition_benefit),
     .max_count = LIMIT_CONDITIONS},
    {.name = "maternity",
     .kind = SPEC_GROUP,
     .kids = maternity_kids,
     .doc = "Maternity (生育医疗费) fixed payments."},
    TL("waiting_days", struct policy, waiting_days, "days", 0, 365, "30", "002",
       "Waiting period without benefits for late payers (002: 30 days)."),
    {.name = "serious_illness",
     .kind = SPEC_GROUP,
     .kids = serious_kids,
     .doc = "Serious-illness insurance (大病保险) on out-of-pocket cost after basic insurance."},
    {.name = "continuation",
     .kind = SPEC_GROUP,
     .kids = continued_kids,
     .doc = "How each yuan timeline goes on after its last dated value: no notice sets rules "
            "for the years it does not name, so a projection states what it assumes (frozen by "
            "default: the nominal amounts kept)."},
    END,
};

/* ---- regions ---- */

static const struct spec age_structure_kids[] = {
    {.name = "ages",
     .kind = SPEC_INTS,
     .unit = "years",
     .min = 0,
     .max = LIMIT_OLDEST_AGE,
     .doc = "First age of each group, from 0, strictly increasing; the last group is open.",
     .flags = SPEC_INCREASING | SPEC_CUSTOM,
     .min_count = 1,
     .max_count = LIMIT_OLDEST_AGE + 1},
    {.name = "male",
     .kind = SPEC_NUMBERS,
     .unit = "persons",
     .min = 0,
     .max = BIG,
     .doc = "Males in each group (relative: scaled to population_total).",
     .flags = SPEC_CUSTOM,
     .min_count = 1,
     .max_count = LIMIT_OLDEST_AGE + 1},
    {.name = "female",
     .kind = SPEC_NUMBERS,
     .unit = "persons",
     .min = 0,
     .max = BIG,
     .doc = "Females in each group (relative: scaled to population_total).",
     .flags = SPEC_CUSTOM,
     .min_count = 1,
     .max_count = LIMIT_OLDEST_AGE + 1},
    END,
};

static const struct spec students_kids[] = {
    NUM("city_run", struct region, students_city_run, "persons", 0, BIG, "0", "002",
        "Full-time students of city-run colleges, enrolled in the residents' scheme."),
    NUM("provincial_run", struct region, students_provincial_run, "persons", 0, BIG, "0", "002",
        "Full-time students of centrally or provincially run colleges."),
    END,
};

static const char *const payers[] = {"central", "province", "city", "district",
                                     "county",  "none",     NULL};

static const struct spec other_income_kids[] = {
    TL("yuan", struct region, other_income_yuan, "yuan", 0, BIG, "0", "assumed",
       "Income per enrollee above the standards (policy.continuation.other_income says how it "
       "goes on)."),
    {.name = "payer",
     .kind = SPEC_ENUM,
     .choices = payers,
     .dflt = "\"none\"",
     .source = "assumed",
     .doc = "Who pays it: a level of government (its outlay in the budget burden) or \"none\" "
            "(not a subsidy: late fees, transfers, other income).",
     .offset = offsetof(struct region, other_income_payer)},
    END,
};

/* A year of published accounts (决算); every figure optional. */
static const struct spec actual_kids[] = {
    INT("year", struct actual, year, "year", 1990, 2200, NULL, "the accounts",
        "The year of the accounts; unique and increasing within the region."),
    {.name = "enrollees",
     .kind = SPEC_NUMBER,
     .unit = "persons",
     .min = 0,
     .max = BIG,
     .source = "the accounts",
     .doc = "Persons enrolled in the residents' scheme in the year.",
     .flags = SPEC_OPTIONAL,
     .offset = offsetof(struct actual, enrollees)},
    {.name = "income_yuan",
     .kind = SPEC_NUMBER,
     .unit = "yuan",
     .min = 0,
     .max = BIG,
     .source = "the accounts",
     .doc = "The fund's income in the year (基金收入).",
     .flags = SPEC_OPTIONAL,
     .offset = offsetof(struct actual, income_yuan)},
    {.name = "expenditure_yuan",
     .kind = SPEC_NUMBER,
     .unit = "yuan",
     .min = 0,
     .max = BIG,
     .source = "the accounts",
     .doc = "The fund's expenditure in the year (基金支出).",
     .flags = SPEC_OPTIONAL,
     .offset = offsetof(struct actual, expenditure_yuan)},
    {.name = "balance_yuan",
     .kind = SPEC_NUMBER,
     .unit = "yuan",
     .min = -BIG,
     .max = BIG,
     .source = "the accounts",
     .doc = "The accumulated balance at the end of the year (累计结存); below 0 for a fund "
            "that carries a cumulative deficit.",
     .flags = SPEC_OPTIONAL,
     .offset = offsetof(struct actual, balance_yuan)},
    END,
};

static const struct spec region_kids[] = {
    STR("name", struct region, name, NULL, "Name of the pooling region (统筹地区), unique.", 0),
    STR("name_zh", struct region, name_zh, "\"\"", "Chinese name, for reports.", 0),
    STR("code", struct region, code, NULL, "Six-digit administrative division code, unique.", 0),
    NUM("population_total", struct region, population_total, "persons", 0, BIG, NULL,
        "census 2020 (henan.md)", "Resident population at the start of start_year."),
    {.name = "age_structure",
     .kind = SPEC_GROUP,
     .kids = age_structure_kids,
     .flags = SPEC_OPTIONAL | SPEC_CUSTOM,
     .doc = "The region's own age structure, replacing demography.age_structure."},
    NUM("district_share", struct region, district_share, "share", 0, 1, NULL, "assumed",
        "Share of residents living in city districts (市辖区); the rest live in counties. "
        "Sets the fiscal-subsidy split (002)."),
    NUM("western_policy_share", struct region, western_policy_share, "share", 0, 1, "0", "000, 004",
        "Share of residents in counties treated as western (比照西部开发政策县), whose central "
        "subsidy share is policy.subsidy.central_share_western; at most 1 - district_share."),
    FLAT("students", students_kids, "College students in the residents' scheme."),
    NUM("permit_share", struct region, permit_share, "share", 0, 1, "0", "assumed",
        "Share of residents who hold a residence permit (居住证) and no local household "
        "registration (no data: 0 unless a scenario sets it)."),
    AGES("employee_share", struct region, employee_share, "share", 0, 1, NULL, "assumed",
         "Share of residents insured in the employee scheme instead, by age.", 0),
    EACH("categories", struct region, category_share, category_numbers, "share", 0, 1, NULL,
         "assumed",
         "Share of the residents' scheme population in each assisted category: "
         "extreme_poverty (特困), minimum_living (低保), rural_at_risk (农村易返贫致贫人口), "
         "hardship (disabled, near-低保, children in hardship).",
         SPEC_SUM_AT_MOST_ONE),
    NUM("opening_balance_yuan", struct region, opening_balance_yuan, "yuan", -BIG, BIG, NULL,
        "assumed", "Accumulated fund balance (累计结余) at the start of start_year."),
    TL("serious_premium_yuan", struct region, serious_premium_yuan, "yuan", 0, BIG, NULL,
       "004 annex 1",
       "Serious-illness insurance premium per enrollee, paid out of the fund (tiers 95, 78, "
       "70, 64 in Henan 2020)."),
    {.name = "other_income",
     .kind = SPEC_GROUP,
     .kids = other_income_kids,
     .doc = "Fund income per enrollee above the financing standards: local top-ups above the "
            "national subsidy standard not in standard_yuan, and other income (national 2021: "
            "about 964 yuan per enrollee against 900 of standards)."},
    EACH("hospital_mix", struct region, hospital_mix, level_numbers, "share", 0, 1, NULL, "assumed",
         "Share of inpatient admissions at each facility level, replacing "
         "utilization.inpatient.level_mix.",
         SPEC_SUM_TO_ONE | SPEC_OPTIONAL | SPEC_CUSTOM),
    AGES("migration_rate", struct region, migration_rate, "per person-year", -0.5, 0.5, NULL,
         "assumed",
         "Net migration per resident per year by age, replacing "
         "demography.migration.rate.",
         SPEC_OPTIONAL | SPEC_CUSTOM),
    {.name = "policy",
     .kind = SPEC_GROUP,
     .kids = policy_kids,
     .flags = SPEC_OPTIONAL | SPEC_CUSTOM | SPEC_POLICY,
     .doc = "The region's own rules: any policy setting, in the same shape, overriding the "
            "scenario's policy for this region."},
    {.name = "actuals",
     .kind = SPEC_LIST,
     .kids = actual_kids,
     .flags = SPEC_OPTIONAL,
     .doc = "The region's published final accounts (决算), a group per year up to the "
            "projection's start: what `fundsim calibrate` fits and `fundsim backtest` compares; "
            "`fundsim run` does not read them.",
     .offset = offsetof(struct region, actuals),
     .count_offset = offsetof(struct region, n_actuals),
     .elem_size = sizeof(struct actual),
     .min_count = 1,
     .max_count = LIMIT_YEARS},
    END,
};

/* ---- demography ---- */

static const struct spec age_structure_files[] = {
    FIL("male", struct demography_params, age_structure_male_file, NULL, "UN WPP 2019",
        "Males by 5-year age group (CSV in the UN WPP layout, thousands)."),
    FIL("female", struct demography_params, age_structure_female_file, NULL, "UN WPP 2019",
        "Females by 5-year age group."),
    INT("year", struct demography_params, age_structure_year, "year", 1950, 2100, NULL,
        "UN WPP 2019", "Column of the files to use."),
    END,
};

static const struct spec mortality_kids[] = {
    FIL("male", struct demography_params, mortality_male_file, NULL, "UN WPP 2022",
        "Central death rates m(x) of males by age group (0, 1-4, 5-9, ..., 100+) and five-year "
        "period, estimates then the median projection; every period is read."),
    FIL("female", struct demography_params, mortality_female_file, NULL, "UN WPP 2022",
        "Central death rates of females, in the same groups and periods."),
    {.name = "e0_male",
     .kind = SPEC_FILE,
     .source = "UN WPP 2022",
     .doc = "Median projection of the life expectancy at birth of males by year. When given, the "
            "median index k(t) is re-fitted year by year so that the median life table "
            "reproduces it (as Lee and Miller, 2001, re-fit k to e0); the default volatilities "
            "were calibrated so.",
     .flags = SPEC_OPTIONAL,
     .offset = offsetof(struct demography_params, e0_male_file)},
    {.name = "e0_female",
     .kind = SPEC_FILE,
     .source = "UN WPP 2022",
     .doc = "Median projection of the life expectancy at birth of females by year (see e0_male).",
     .flags = SPEC_OPTIONAL,
     .offset = offsetof(struct demography_params, e0_female_file)},
    NUM("volatility", struct demography_params, mortality_volatility, "years", 0, 10, "2.81",
        "UN WPP 2022 (calibrated)",
        "Standard deviation of the yearly random-walk step of the Lee-Carter index k(t), in "
        "years of its median improvement (one step moves k by this many times a year's median "
        "drift); one step for both sexes. Calibrated to the UN e0 intervals (models/README.md)."),
    NUM("initial_volatility", struct demography_params, mortality_initial_volatility, "years", 0,
        50, "4.24", "UN WPP 2022 (calibrated)",
        "Standard deviation of k in the start year around its median, in years of median "
        "improvement: the UN's uncertainty about current mortality."),
    NUM("improvement", struct demography_params, mortality_improvement, "multiplier", 0, 3, "1",
        "assumed",
        "Multiplies the median improvement after the start year: the median index k(t) is "
        "k(start) + improvement (k_UN(t) - k(start)); 1: the UN median, 0: the start year's "
        "mortality kept, 1.5: improvement half as fast again. The years up to the start and "
        "the random walk around the median are unchanged (fundsim sensitivity moves it)."),
    END,
};

static const struct spec fertility_kids[] = {
    FIL("tfr", struct demography_params, tfr_file, NULL, "UN WPP 2022",
        "Total fertility rate by year, median projection; the years before its first (the "
        "projection of the age structure to the start) take its first value."),
    FIL("pattern", struct demography_params, fertility_pattern_file, NULL, "UN WPP 2022",
        "Share of the TFR by mother's 5-year age group and five-year period, percent."),
    FIL("sex_ratio", struct demography_params, sex_ratio_file, NULL, "UN WPP 2022",
        "Sex ratio at birth by year, males per female."),
    NUM("volatility", struct demography_params, tfr_volatility, "children per woman", 0, 1, "0.062",
        "UN WPP 2022 (calibrated)",
        "Standard deviation of the yearly shock to the TFR's deviation from the UN median (an "
        "AR(1) in the TFR itself: the UN intervals are nearly symmetric in the TFR, not in its "
        "log). Calibrated to the UN TFR intervals (models/README.md)."),
    NUM("persistence", struct demography_params, tfr_persistence, "coefficient", 0, 1, "0.975",
        "UN WPP 2022 (calibrated)", "AR(1) coefficient of the TFR's deviation from the UN median."),
    NUM("initial_volatility", struct demography_params, tfr_initial_volatility,
        "children per woman", 0, 1, "0.106", "UN WPP 2022 (calibrated)",
        "Standard deviation of the TFR's deviation from the median in the start year: the UN's "
        "uncertainty about current fertility."),
    NUM("shift", struct demography_params, tfr_shift, "children per woman", -2, 2, "0",
        "assumed",
        "Added to the median TFR in the start year and every year after (the UN's low and "
        "high variants are the median -0.5 and +0.5); the shocks around it are unchanged "
        "(fundsim sensitivity moves it)."),
    END,
};

static const struct spec migration_kids[] = {
    AGES("rate", struct demography_params, migration_rate, "per person-year", -0.5, 0.5, "0",
         "assumed", "Net migration per resident per year, by age (negative: outflow).", 0),
    NUM("volatility", struct demography_params, migration_volatility, "relative", 0, 5, "0.2",
        "assumed",
        "Standard deviation of the log of the yearly shock that multiplies every migration "
        "rate of a region (lognormal, mean 1; one per region and year)."),
    END,
};

static const struct spec demography_kids[] = {
    FLAT("age_structure", age_structure_files,
         "Age structure of every region (scaled to its population_total) unless the region "
         "gives its own."),
    FLAT("mortality", mortality_kids, "Mortality with stochastic improvement (Lee-Carter)."),
    FLAT("fertility", fertility_kids, "Births: stochastic TFR around the UN median."),
    FLAT("migration", migration_kids, "Net migration by age."),
    END,
};

/* ---- enrollment ---- */

static const struct spec enrollment_kids[] = {
    NUM("participation", struct enrollment_params, participation, "share", 0, 1, "0.95", "001",
        "Share of eligible residents outside the assisted categories who enroll, at the "
        "starting contribution (001 targets at least 95 %)."),
    NUM("vulnerable_participation", struct enrollment_params, vulnerable_participation, "share", 0,
        1, "0.99", "002", "Share of the assisted categories who enroll (002: at least 99 %)."),
    NUM("elasticity", struct enrollment_params, elasticity, "elasticity", -5, 0, "-0.2",
        "assumed (henan.md)",
        "Elasticity of participation to the individual contribution relative to per-capita "
        "disposable income (-0.04 to -0.06 if a third to a half of the 2020-2021 fall in "
        "enrollment was people leaving over price; -0.2 is cautious: see models/README.md)."),
    NUM("participation_volatility", struct enrollment_params, participation_volatility, "logit", 0,
        2, "0.1", "assumed",
        "Standard deviation of the yearly regional shock to the log-odds of participation "
        "(0.1 moves 95 % by about half a point)."),
    NUM("employee_shift", struct enrollment_params, employee_shift, "share per year", -0.1, 0.1,
        "0.003", "assumed (001, 003)",
        "Yearly rise of the employee-scheme share at working ages, 18-59 (flexible workers "
        "moving); retired cohorts keep the share they reached."),
    NUM("employee_shift_uncertainty", struct enrollment_params, employee_shift_uncertainty,
        "share per year", 0, 0.05, "0", "assumed (models/README.md)",
        "Standard deviation of a path's own employee_shift (parameter risk, drawn once per path "
        "and shared by the regions, models/parameters.h); 0 keeps every path at employee_shift."),
    {.name = "shock_persistence",
     .kind = SPEC_NUMBER,
     .unit = "coefficient",
     .min = 0,
     .max = 1,
     .dflt = "0",
     .source = "assumed (models/README.md)",
     .doc = "AR(1) coefficient of the standardized participation shock, z_t = rho z_(t-1) + "
            "sqrt(1 - rho^2) e_t (stationary: each year's shock keeps participation_volatility); "
            "0 draws each year afresh.",
     .flags = SPEC_MAX_OPEN,
     .offset = offsetof(struct enrollment_params, shock_persistence)},
    NUM("late_share", struct enrollment_params, late_share, "share", 0, 1, "0.02", "assumed",
        "Share of enrollees who pay in the extended period and wait policy.waiting_days."),
    NUM("newborn_share", struct enrollment_params, newborn_share, "share", 0, 1, "0.9", "assumed",
        "Share of newborns enrolled in their year of birth."),
    NUM("student_participation", struct enrollment_params, student_participation, "share", 0, 1,
        "0.99", "assumed",
        "Share of college students who enroll (colleges enroll them as a group)."),
    NUM("permit_local_share", struct enrollment_params, permit_local_share, "share", 0, 1, "0.5",
        "assumed (001, 003, 004)",
        "Share of residence-permit holders who enroll where they live (subsidised as locals); "
        "the others stay enrolled at their household registration."),
    EACH("category_trend", struct enrollment_params, category_trend, category_numbers,
         "relative per year", -1, 1, "0", "assumed",
         "Yearly relative change of each assisted category's share.", 0),
    END,
};

/* ---- economy ---- */

static const struct spec economy_kids[] = {
    NUM("income_yuan", struct economy_params, income_yuan, "yuan", 0, BIG, NULL,
        "statistical bulletin", "Per-capita disposable income in the year before start_year."),
    NUM("income_growth", struct economy_params, income_growth_mean, "rate", -0.5, 1, "0.05",
        "assumed", "Mean yearly growth of per-capita disposable income."),
    NUM("income_volatility", struct economy_params, income_growth_volatility, "rate", 0, 1, "0.015",
        "assumed", "Standard deviation of the yearly income growth shock."),
    NUM("income_persistence", struct economy_params, income_growth_persistence, "coefficient", 0, 1,
        "0.5", "assumed", "AR(1) coefficient of the income growth shock."),
    NUM("income_growth_uncertainty", struct economy_params, income_growth_uncertainty, "rate", 0,
        0.2, "0", "assumed (models/README.md)",
        "Standard deviation of a path's own mean income growth (parameter risk, drawn once per "
        "path, models/parameters.h); 0 keeps every path at income_growth."),
    NUM("interest_rate", struct economy_params, interest_mean, "rate", -0.1, 0.5, "0.015",
        "assumed", "Mean yearly interest earned on the fund balance."),
    NUM("interest_volatility", struct economy_params, interest_volatility, "rate", 0, 0.5, "0.003",
        "assumed",
        "Standard deviation of the yearly interest rate around its mean (the stationary "
        "standard deviation of its AR(1)); the rate is kept at or above min(0, interest_rate)."),
    {.name = "interest_persistence",
     .kind = SPEC_NUMBER,
     .unit = "coefficient",
     .min = 0,
     .max = 1,
     .dflt = "0.8",
     .source = "assumed",
     .doc = "AR(1) coefficient of the interest rate's deviation from its mean: deposit rates "
            "move in long spells.",
     .flags = SPEC_MAX_OPEN,
     .offset = offsetof(struct economy_params, interest_persistence)},
    END,
};

/* ---- costs ---- */

static const struct spec costs_kids[] = {
    NUM("inflation", struct cost_params, inflation_mean, "rate", -0.5, 1, "0.02", "assumed",
        "Mean yearly medical price inflation."),
    NUM("inflation_volatility", struct cost_params, inflation_volatility, "rate", 0, 1, "0.01",
        "assumed", "Standard deviation of yearly medical price inflation."),
    NUM("utilization_trend", struct cost_params, utilization_trend, "rate", -0.5, 1, "0.01",
        "assumed", "Yearly growth of use per person beyond aging and disease."),
    NUM("excess_growth", struct cost_params, excess_initial, "rate", -0.5, 1, "0.02", "assumed",
        "Excess cost growth in the first projected year (start_year + 1), on top of inflation "
        "and the utilization trend; Getzen's long-run model lets it move linearly, over "
        "excess_years, to the level at which expected cost growth equals expected income "
        "growth (economy.income_growth less inflation, utilization_trend and the mean "
        "technology jump)."),
    NUM("excess_years", struct cost_params, excess_years, "years", 1, 200, "30", "assumed",
        "Years after the first projected year at which cost growth reaches income growth "
        "(Getzen's long-run model: the excess of cost growth over income growth fades over "
        "decades)."),
    NUM("excess_persistence", struct cost_params, excess_persistence, "coefficient", 0, 1, "0.6",
        "assumed", "AR(1) coefficient of the excess cost growth shock."),
    NUM("excess_volatility", struct cost_params, excess_volatility, "rate", 0, 1, "0.015",
        "assumed", "Standard deviation of the yearly excess cost growth shock."),
    NUM("income_correlation", struct cost_params, income_correlation, "correlation", -1, 1, "0.5",
        "assumed",
        "Correlation of the yearly excess cost growth shock with the income growth shock of the "
        "same year."),
    NUM("excess_growth_uncertainty", struct cost_params, excess_growth_uncertainty, "rate", 0, 0.2,
        "0", "assumed (models/README.md)",
        "Standard deviation of a path's own excess_growth (parameter risk, drawn once per path, "
        "models/parameters.h); the path's excess fades with the schedule as excess_growth does."),
    NUM("utilization_trend_uncertainty", struct cost_params, utilization_trend_uncertainty, "rate",
        0, 0.2, "0", "assumed (models/README.md)",
        "Standard deviation of a path's own utilization_trend (parameter risk, drawn once per "
        "path, models/parameters.h)."),
    NUM("technology_rate", struct cost_params, technology_rate, "per year", 0, 10, "0.1", "assumed",
        "Yearly rate of new-technology jumps in the cost level (Poisson)."),
    NUM("technology_jump", struct cost_params, technology_jump, "relative", 0, 1, "0.03", "assumed",
        "Mean relative size of a new-technology jump (exponential sizes); each jump raises the "
        "cost level for good."),
    {.name = "policy_effects",
     .kind = SPEC_EVENTS,
     .unit = "relative",
     .min = -0.9,
     .max = 1,
     .dflt = "()",
     .source = "assumed (000, 002)",
     .doc = "Dated one-off changes of the cost level, e.g. volume-based procurement price cuts "
            "and DRG/DIP payment reform: ((year, relative change), ...), each after start_year: "
            "the start year's costs (utilization.*.cost_yuan, annual_cost_yuan) are observed "
            "ones, with every earlier change already in them, so an earlier date is refused.",
     .offset = offsetof(struct cost_params, policy_effects)},
    END,
};

/* ---- utilization ---- */

#define CARE_KIDS(what, one, rate_doc, cost_unit, verb, disp, disp_doc)                            \
    AGES("rate_male", struct care_params, rate[0], "per person-year", 0, 1000, NULL, "assumed",    \
         rate_doc " of males, by age.", 0),                                                        \
        AGES("rate_female", struct care_params, rate[1], "per person-year", 0, 1000, NULL,         \
             "assumed", rate_doc " of females, by age.", 0),                                       \
        EACH("level_mix", struct care_params, level_mix, level_numbers, "share", 0, 1, NULL,       \
             "assumed", "Share of " what " at each facility level.", SPEC_SUM_TO_ONE),             \
        EACH("cost_yuan", struct care_params, cost_yuan, level_numbers, cost_unit, 0, BIG, NULL,   \
             "assumed", "Mean total cost per " one " at each level, in the start year.", 0),       \
        EACH("cost_cv", struct care_params, cost_cv, level_numbers, "coefficient", 0, 20, NULL,    \
             "assumed", "Coefficient of variation of the cost (lognormal, heavy right tail).", 0), \
        EACH("compliant_share", struct care_params, compliant_share, level_numbers, "share", 0, 1, \
             NULL, "assumed", "Policy-scope (compliant) share of the cost, by level.", 0),         \
        NUM("overdispersion", struct care_params, overdispersion, "variance", 0, 100, disp,        \
            "assumed",                                                                             \
            "Variance of a person's propensity to " verb " (gamma, mean 1): the yearly count "     \
            "per person is negative binomial with variance mean + overdispersion × mean²; 0 "    \
            "is Poisson. " disp_doc),                                                              \
        END

static const struct spec inpatient_use_kids[] = {
    CARE_KIDS("admissions", "admission", "Admissions per person-year", "yuan", "be admitted", "1",
              "1 makes about one admission in eight a repeat within the year."),
};
static const struct spec outpatient_use_kids[] = {
    CARE_KIDS("visits", "visit", "General outpatient visits per person-year", "yuan", "visit", "3",
              "3: few people make most visits; about half make none in a year."),
};

static const struct spec use_shock_kids[] = {
    INT("year", struct use_shock, year, "year", 1990, 2200, NULL, "scenario",
        "The year of the change (after simulation.start_year)."),
    NUM("change", struct use_shock, change, "relative", -0.9, 1, NULL, "scenario",
        "Relative change of admissions and visits in that year, against the trend."),
    NUM("rebound", struct use_shock, rebound, "relative", -0.9, 1, "0", "scenario",
        "Relative change in the year after, against the trend (care put off and caught up); "
        "the year after that is back on the trend."),
    END,
};

static const struct spec utilization_kids[] = {
    GROUP("inpatient", struct utilization_params, inpatient, inpatient_use_kids, 0,
          "Inpatient admissions and their costs."),
    GROUP("outpatient", struct utilization_params, outpatient, outpatient_use_kids, 0,
          "General outpatient visits and their costs."),
    NUM("caesarean_share", struct utilization_params, caesarean_share, "share", 0, 1, NULL,
        "assumed", "Share of births by caesarean section."),
    NUM("volatility", struct utilization_params, volatility, "relative", 0, 1, "0.03", "assumed",
        "Standard deviation of the yearly region-wide relative shock to admission and visit rates "
        "(a bad flu season); lognormal with mean 1, the same for all ages (assumed: a few per "
        "cent)."),
    NUM("claims_noise", struct utilization_params, claims_noise, "factor", 0, 10, "1", "assumed",
        "Scales the spread of a region-year's claims around their expectation: 1 draws each "
        "benefit line with the claim model's variance (persons independent, "
        "models/benefit_table.h), 0 gives the expectation (no randomness)."),
    {.name = "shocks",
     .kind = SPEC_LIST,
     .kids = use_shock_kids,
     .doc = "Dated one-off changes of the use of care (an epidemic's dip and rebound), each "
            "after start_year: ( { year = 2027; change = -0.10; rebound = 0.05; }, ... ).",
     .flags = SPEC_OPTIONAL,
     .offset = offsetof(struct utilization_params, shocks),
     .count_offset = offsetof(struct utilization_params, n_shocks),
     .elem_size = sizeof(struct use_shock),
     .min_count = 0,
     .max_count = LIMIT_YEARS},
    END,
};

/* ---- disease ---- */

static const struct spec condition_kids[] = {
    AGES("prevalence_male", struct condition_params, prevalence[0], "share", 0, 1, NULL, "assumed",
         "Share of males with the condition at the start, by age.", 0),
    AGES("prevalence_female", struct condition_params, prevalence[1], "share", 0, 1, NULL,
         "assumed", "Share of females with the condition at the start, by age.", 0),
    AGES("incidence", struct condition_params, incidence, "per person-year", 0, 1, NULL, "assumed",
         "New cases per person-year among those without the condition, by age.", 0),
    NUM("persistence", struct condition_params, persistence, "share", 0, 1, NULL, "assumed",
        "Share of those with the condition who still have it a year later (if alive)."),
    NUM("excess_mortality", struct condition_params, excess_mortality, "multiplier", 1, 100, "1",
        "assumed", "Death rate of those with the condition relative to others."),
    NUM("trend", struct condition_params, trend, "relative per year", -0.5, 0.5, "0", "assumed",
        "Yearly relative change of incidence (epidemiological shift)."),
    NUM("trend_volatility", struct condition_params, trend_volatility, "relative per year", 0, 0.5,
        "0", "assumed", "Standard deviation of the yearly incidence trend shock."),
    NUM("inpatient_multiplier", struct condition_params, inpatient_multiplier, "multiplier", 1, 100,
        "1", "assumed", "Admission rate of those with the condition relative to others."),
    NUM("annual_cost_yuan", struct condition_params, annual_cost_yuan, "yuan", 0, BIG, NULL,
        "assumed", "Mean outpatient treatment cost per patient-year, in the start year."),
    NUM("cost_cv", struct condition_params, cost_cv, "coefficient", 0, 20, "0.5", "assumed",
        "Coefficient of variation of the yearly treatment cost."),
    END,
};

static const struct spec disease_kids[] = {
    {.name = "conditions",
     .kind = SPEC_MAP,
     .kids = condition_kids,
     .doc = "Chronic and special conditions, one group per condition named by its key (at least "
            "hypertension, diabetes, cancer_outpatient, dialysis, anti_rejection: 000, 001, 003).",
     .offset = offsetof(struct disease_params, conditions),
     .count_offset = offsetof(struct disease_params, n),
     .elem_size = sizeof(struct condition_params),
     .min_count = 0,
     .max_count = LIMIT_CONDITIONS},
    NUM("trend_uncertainty", struct disease_params, trend_uncertainty, "relative per year", 0, 0.2,
        "0", "assumed (models/README.md)",
        "Standard deviation of a path's own shift of every condition's incidence trend (parameter "
        "risk, drawn once per path, one shift for all conditions, models/parameters.h)."),
    END,
};

/* ---- warning, pooling ---- */

static const struct spec warning_kids[] = {
    NUM("insufficient_months", struct warning_params, insufficient_months, "months", 0, 120, "3",
        "henan.md (人社部发〔2009〕67号)",
        "Below this many months of payment the balance is insufficient (orange)."),
    NUM("low_months", struct warning_params, low_months, "months", 0, 120, "6", "henan.md",
        "Below this, low (yellow); from here to excess_months, normal (green)."),
    NUM("target_months", struct warning_params, target_months, "months", 0, 120, "9", "henan.md",
        "Upper end of the target range (6 to 9 months)."),
    NUM("excess_months", struct warning_params, excess_months, "months", 0, 120, "15", "henan.md",
        "Above this many months the surplus is excessive."),
    NUM("depletion_probability", struct warning_params, depletion_probability, "probability", 0, 1,
        "0.05", "scenario",
        "Probability of depletion that marks a region's first year at risk in summaries."),
    NUM("max_balance_share", struct warning_params, max_balance_share, "share", 0, 10, "0.25",
        "henan.md (财社〔2017〕144号)",
        "Accumulated balance above this share of the year's fund income is flagged."),
    END,
};

static const char *const pooling_modes[] = {"city", "adjustment_fund", "province", NULL};
static const char *const deficit_modes[] = {"carry", "backstop", NULL};

static const struct spec merge_kids[] = {
    STR("region", struct pool_merge, region, NULL, "Code of the region that joins another's fund.",
        0),
    STR("fund", struct pool_merge, fund, NULL,
        "Code of the region whose fund it joins (its balance moves there at the start of `from`).",
        0),
    INT("from", struct pool_merge, from, "year", 0, 2200, "0", "scenario",
        "First year in that fund (0, or any year up to start_year: from the start)."),
    END,
};

static const struct spec pooling_kids[] = {
    {.name = "mode",
     .kind = SPEC_ENUM,
     .choices = pooling_modes,
     .dflt = "\"city\"",
     .source = "001, 004",
     .doc = "\"city\": each region on its own (city-level pooling, merged as "
            "pooling.merges says); \"adjustment_fund\": a provincial adjustment fund covers "
            "regions' current deficits; \"province\": one fund for the province (统收统支), "
            "kept in the first region's row.",
     .offset = offsetof(struct pooling_params, mode)},
    NUM("adjustment_rate", struct pooling_params, adjustment_rate, "share", 0, 1, "0.03", "assumed",
        "Share of each region's income paid into the adjustment fund."),
    {.name = "deficit",
     .kind = SPEC_ENUM,
     .choices = deficit_modes,
     .dflt = "\"carry\"",
     .source = "scenario",
     .doc = "Once a fund's balance would fall below 0: \"carry\", the balance runs negative as "
            "a cumulative deficit, charged borrowing_rate; \"backstop\", backstop_payer pays the "
            "year's shortfall (财政兜底) and the balance stays at 0. The early-warning figures "
            "describe the fund before any backstop.",
     .offset = offsetof(struct pooling_params, deficit)},
    NUM("borrowing_rate", struct pooling_params, borrowing_rate, "rate", 0, 0.5, "0", "assumed",
        "carry: yearly interest charged on a negative balance (0: the treasury carries it "
        "without interest)."),
    {.name = "backstop_payer",
     .kind = SPEC_ENUM,
     .choices = payers,
     .dflt = "\"city\"",
     .source = "assumed",
     .doc = "backstop: the level of government that pays the shortfall (the city for city "
            "pooling; the province for provincial pooling).",
     .offset = offsetof(struct pooling_params, backstop_payer)},
    {.name = "merges",
     .kind = SPEC_LIST,
     .kids = merge_kids,
     .flags = SPEC_OPTIONAL,
     .doc = "city: dated merges of pools, one group each: from a year, a region's income and "
            "expenditure go into another region's fund (做实市地级统筹: a county pool into its "
            "prefecture's, 004). A chain of merges ends in the last fund.",
     .offset = offsetof(struct pooling_params, merges),
     .count_offset = offsetof(struct pooling_params, n_merges),
     .elem_size = sizeof(struct pool_merge),
     .min_count = 1,
     .max_count = LIMIT_REGIONS},
    END,
};

/* ---- calibration: what `fundsim calibrate` writes ---- */

#define CALIBRATED(nm, f, u, lo, hi, d)                                                            \
    {                                                                                              \
        .name = nm, .kind = SPEC_NUMBERS, .unit = u, .min = lo, .max = hi, .dflt = "[]",           \
        .source = "fundsim calibrate", .doc = d, .offset = offsetof(struct calibration_params, f), \
        .max_count = LIMIT_REGIONS                                                                 \
    }

static const struct spec calibration_kids[] = {
    CALIBRATED("participation_scale", participation_scale, "multiplier", 0, 10,
               "Per region (in the order of regions), enrollment.participation multiplied (at "
               "most 1 after it); [] for 1 everywhere."),
    CALIBRATED("use_scale", use_scale, "multiplier", 0, 10,
               "Per region, the use of care (admission and visit rates) multiplied; [] for 1."),
    CALIBRATED("other_income_yuan", other_income_yuan, "yuan", -1e5, 1e5,
               "Per region, yuan per enrollee added to regions[].other_income.yuan in every "
               "year; [] for 0."),
    CALIBRATED("opening_balance_yuan", opening_balance_yuan, "yuan", -BIG, BIG,
               "Per region, replaces regions[].opening_balance_yuan; [] keeps them."),
    CALIBRATED("participation_trend", participation_trend, "log-odds/year", -1, 1,
               "Per region, the yearly change of the log-odds of ordinary participation over "
               "the history: added from the region's first actual year with enrollees (at or "
               "after the start year) up to history_end_year, then held at its level (not "
               "extrapolated into the projection); [] for 0."),
    INT("history_end_year", struct calibration_params, history_end_year, "year", 0, 2200, "0",
        "fundsim calibrate",
        "The last actual year fitted: the run's years up to it reproduce the accounts in "
        "expectation, the projection proper starts the year after; 0: not calibrated."),
    END,
};

/* ---- the top ---- */

static const struct spec top_kids[] = {
    STR("name", struct scenario, name, NULL,
        "Name of the scenario (default: the file name without .cfg).", SPEC_OPTIONAL),
    STR("description", struct scenario, description, "\"\"", "One line saying what it is.", 0),
    {.name = "base",
     .kind = SPEC_STRING,
     .flags = SPEC_OPTIONAL | SPEC_CUSTOM,
     .doc = "Variant files only: the scenario this variant changes, relative to this file. "
            "The variant holds only the settings it changes."},
    GROUP("simulation", struct scenario, simulation, simulation_kids, 0, "The run."),
    {.name = "regions",
     .kind = SPEC_LIST,
     .kids = region_kids,
     .doc = "The pooling regions (统筹地区), one group each.",
     .offset = offsetof(struct scenario, regions),
     .count_offset = offsetof(struct scenario, n_regions),
     .elem_size = sizeof(struct region),
     .min_count = 1,
     .max_count = LIMIT_REGIONS},
    GROUP("demography", struct scenario, demography, demography_kids, 0,
          "Population driver (cohort-component)."),
    GROUP("enrollment", struct scenario, enrollment, enrollment_kids, 0,
          "Who is in the residents' fund."),
    GROUP("economy", struct scenario, economy, economy_kids, 0,
          "Income and the interest earned by the fund."),
    GROUP("costs", struct scenario, costs, costs_kids, 0, "Medical cost growth."),
    GROUP("utilization", struct scenario, utilization, utilization_kids, 0,
          "Use of care and its cost."),
    GROUP("disease", struct scenario, disease, disease_kids, 0, "Disease spectrum."),
    {.name = "policy",
     .kind = SPEC_GROUP,
     .kids = policy_kids,
     .flags = SPEC_CUSTOM,
     .doc = "The rules, each a dated timeline; regions may override any of them."},
    GROUP("warning", struct scenario, warning, warning_kids, 0, "Early-warning thresholds."),
    GROUP("pooling", struct scenario, pooling, pooling_kids, 0, "Pooling level."),
    GROUP("calibration", struct scenario, calibration, calibration_kids, SPEC_OPTIONAL,
          "Levels fitted to the regions' actuals by `fundsim calibrate` (a variant file "
          "writes them)."),
    END,
};

const struct spec schema_table = {.name = "", .kind = SPEC_GROUP, .kids = top_kids};

const struct spec *schema_member(const struct spec *group, const char *name)
{
    for (const struct spec *k = group->kids; k && k->name; k++)
        if (strcmp(k->name, name) == 0) return k;
    return NULL;
}
