/* financing.h: the financing rules, the income side of a residents' fund
 * (城乡居民基本医疗保险), per enrollee and per region-year.
 *
 * Each year an enrollee owes an individual contribution (个人缴费) and the
 * governments pay a per-capita fiscal subsidy (人均财政补助) shared among the
 * central, provincial, city and county or district budgets. For the poor,
 * medical assistance pays all or part of the contribution (资助参保) from the
 * city's and the county's or district's budgets. Out of this income the fund
 * pays a per-enrollee premium to the serious-illness insurer (大病保险).
 *
 * The main data structure is `struct financing_rules`, the year view: the
 * region's policy resolved once for a region and year into plain numbers
 * (financing_rules_init), so that the rules below are cheap pure functions.
 * `struct financing_counts` is what the enrollment driver fills for a
 * region-year; `struct financing_income` is what financing_region_year()
 * returns: the fund's income lines and each level of government's outlay.
 * Money is yuan per year: per enrollee in the rules, totals in the aggregate. */
#ifndef FUNDSIM_FINANCING_H
#define FUNDSIM_FINANCING_H

#include "models/timeline.h"
#include "sim/config/scenario.h"

#include <stdbool.h>

/* Who pays: the levels of government. Contribution assistance is paid by the
 * city, the district or the county; the subsidy by all five. */
enum financing_payer {
    FINANCING_CENTRAL,
    FINANCING_PROVINCE,
    FINANCING_CITY,
    FINANCING_DISTRICT, /* a city district (市辖区) */
    FINANCING_COUNTY,   /* a county or county-level city (县(市)) */
    FINANCING_N_PAYERS
};

/* Where an assisted enrollee's assistance is paid: in a city district (city and
 * district share it) or in a county (the county, and the city by its share). */
enum financing_area { FINANCING_AREA_DISTRICT, FINANCING_AREA_COUNTY, FINANCING_N_AREAS };

extern const char *const financing_payer_names[FINANCING_N_PAYERS];

/* The scenario names payers by enum payer_level (other_income.payer, pooling.backstop_payer). */
_Static_assert(FINANCING_CENTRAL == (int)PAYER_CENTRAL &&
                   FINANCING_PROVINCE == (int)PAYER_PROVINCE && FINANCING_CITY == (int)PAYER_CITY &&
                   FINANCING_DISTRICT == (int)PAYER_DISTRICT &&
                   FINANCING_COUNTY == (int)PAYER_COUNTY &&
                   FINANCING_N_PAYERS == (int)N_PAYER_LEVELS,
               "financing_payer and payer_level name the same levels in the same order");

/* How one class of enrollee's subsidy is shared below the central part
 * (policy.subsidy.split, 002): the province pays province_share of the local
 * part of the NATIONAL standard (national standard - central); of the rest of
 * the region's standard the city pays city_fixed_yuan first, then city_share
 * of what remains; the county or district pays the remainder. */
struct financing_split {
    double province_share, city_share, city_fixed_yuan;
};

/* The year view: a region's financing rules in force in one year. */
struct financing_rules {
    double contribution_yuan;      /* individual contribution due per enrollee */
    double standard_yuan;          /* the region's per-capita fiscal subsidy */
    double national_standard_yuan; /* on which the central and provincial parts are paid */
    double central_share;          /* central share of the national standard */
    double central_share_western;  /* the same in counties treated as western */
    double western_county_share;   /* share of the county class living in those counties */
    struct financing_split split[N_CLASSES];
    double assisted_share[N_CATEGORIES]; /* share of the contribution that assistance pays */
    double assistance_city_share[FINANCING_N_AREAS]; /* the city's part; the district's or
                                                        county's is the rest */
    double serious_premium_yuan; /* serious-illness premium per enrollee, out of the fund */
    double other_income_yuan;    /* fund income per enrollee above the standards */
    int other_income_payer;      /* enum financing_payer, or PAYER_NONE */
};

/* Enrollees of a region-year, filled by the enrollment driver. Counts are
 * persons (expected values may be fractional), all ≥ 0. */
struct financing_counts {
    /* Everyone enrolled for the year (paying in the collection period or late,
     * or assisted), by subsidy class: CLASS_DISTRICT and CLASS_COUNTY are
     * residents of city districts and of counties, CLASS_STUDENT_CITY and
     * CLASS_STUDENT_PROVINCIAL full-time students of city-run and of centrally
     * or provincially run colleges (counted there, not among the residents).
     * Those in counties treated as western are among CLASS_COUNTY: the rules
     * know their share (western_county_share). */
    double enrollees[N_CLASSES];
    /* Of those, the assisted (资助参保), by the area where assistance is paid
     * and by category (a person in two categories counts once, in the one of
     * the higher share). Included in `enrollees`: the assisted of an area are
     * at most that area's enrollees (an assisted student counts in the area of
     * the college). */
    double assisted[FINANCING_N_AREAS][N_CATEGORIES];
};

/* A region-year's financing, in yuan. */
struct financing_income {
    double enrollees;
    double contributions_due_yuan; /* enrollees x contribution = residents + assistance */
    double residents_yuan;         /* paid by the enrollees themselves */
    double assistance_yuan[FINANCING_N_PAYERS]; /* paid by medical assistance (city,
                                                   district, county; the others 0) */
    double assistance_total_yuan;
    double subsidy_yuan[FINANCING_N_PAYERS]; /* fiscal subsidy by level of government */
    double subsidy_total_yuan;               /* = standard x enrollees */
    double other_yuan;           /* income above the standards (other_income) */
    double income_yuan; /* the fund's income before interest: contributions + subsidy + other */
    double serious_premium_yuan; /* paid out of the fund to the serious-illness insurer */
    double outlay_yuan[FINANCING_N_PAYERS]; /* each level's total: subsidy + assistance */
};

/* The rules of region `r` in `year`, on path `x` (its incomes and prices so
 * far: the income-linked contribution, and every yuan timeline continued after
 * its last dated value, timeline.h). A region's subsidy standard is never below
 * the national one (000-004: 不低于), continued or not. */
void financing_rules_init(struct financing_rules *f, const struct region *r, int year,
                          const struct timeline_path *x);

/* The individual contribution: the fixed amount plus a share of the previous
 * year's per-capita disposable income (policy.contribution; 001, 003). */
double financing_contribution_yuan(double individual_yuan, double income_rate,
                                   double income_prev_yuan);

/* One enrollee's fiscal subsidy of class `c`, by payer; `western`: in a county
 * treated as western (only meaningful for CLASS_COUNTY). The parts sum to
 * f->standard_yuan. Requires standard ≥ national standard (the loader checks). */
void financing_subsidy(const struct financing_rules *f, enum subsidy_class c, bool western,
                       double yuan[FINANCING_N_PAYERS]);

/* One assisted enrollee's contribution assistance, by payer; returns its total
 * (assisted_share x contribution). The enrollee pays the contribution less it. */
double financing_assistance(const struct financing_rules *f, enum financing_area a, enum category k,
                            double yuan[FINANCING_N_PAYERS]);

/* The region-year's income lines and outlays for the enrollees `n`. */
void financing_region_year(const struct financing_rules *f, const struct financing_counts *n,
                           struct financing_income *out);

#endif
