/* plausible.h: warnings, not errors: a region's figures that pass every check
 * of the schema but lie outside what is plausible for a pooling region of
 * China, most often a figure typed in 万 or 亿 where the setting wants persons
 * or yuan (a population of 1167.73, a balance of 46.47).
 *
 * plausible_check is a pure function of the loaded scenario; the loader
 * (scenario.c) adds where each setting was written, and only the command line
 * prints them. A run goes on whatever they say. */
#ifndef FUNDSIM_PLAUSIBLE_H
#define FUNDSIM_PLAUSIBLE_H

#include <stddef.h>

struct scenario;

/* The plausible ranges. A pooling region (统筹地区) is a prefecture or a
 * directly-administered county: tens of thousands to tens of millions of
 * people; the national scenario's one region is all of China (1.44 billion,
 * the UN's figure). Income per enrollee: the national standards of
 * contribution and subsidy summed were 930 (2022) to 1,050 yuan (2024) by
 * benefit year (000-002), about 500 in 2015. The opening balance, in months
 * of the expected first-year spending: the warning levels' targets are 6-9
 * months; under 1 month or over 36 is what a balance typed in 亿 or with
 * zeros too many gives. */
#define PLAUSIBLE_POPULATION_MIN 1.0e4
#define PLAUSIBLE_POPULATION_MAX 1.5e9
#define PLAUSIBLE_INCOME_MIN_YUAN 300.0
#define PLAUSIBLE_INCOME_MAX_YUAN 5000.0
#define PLAUSIBLE_BALANCE_MIN_MONTHS 1.0
#define PLAUSIBLE_BALANCE_MAX_MONTHS 36.0

enum plausible_kind {
    PLAUSIBLE_POPULATION_LOW,  /* under 10,000 people: typed in 万? */
    PLAUSIBLE_POPULATION_HIGH, /* more than all of China */
    PLAUSIBLE_INCOME_LOW,      /* under 300 yuan per enrollee in the first year */
    PLAUSIBLE_INCOME_HIGH,     /* over 5,000 yuan */
    PLAUSIBLE_BALANCE_LOW,     /* under 1 month of spending: typed in 亿? */
    PLAUSIBLE_BALANCE_HIGH,    /* over 36 months */
    N_PLAUSIBLE_KINDS
};

/* At most this many warnings for one region: one per figure. */
enum { PLAUSIBLE_PER_REGION = 3 };

struct plausible_warning {
    int kind;      /* enum plausible_kind */
    size_t region; /* index in scenario.regions */
    /* the setting that holds the figure, or its largest part (income per
     * enrollee), as the region sees it: "regions[0].population_total",
     * "regions[0].policy.subsidy.standard_yuan" (a region's policy is the
     * scenario's unless the region overrides it: the loader finds which) */
    char setting[96];
    double setting_value; /* the setting's value in the first year, in its own unit */
    /* the figure checked and its plausible range: persons; yuan per enrollee
     * (contribution + subsidy + other income, first year); months of the
     * expected first-year spending */
    double value, low, high;
    double month_yuan; /* balance: the expected spending of a month, yuan; else 0 */
    const char *where; /* "file:line", "--set ...", "default"; set by the loader */
};

/* The first year's income per enrollee of region r (individual contribution,
 * fiscal subsidy standard, other income and calibrated other income), yuan. */
double plausible_income_yuan(const struct scenario *s, size_t r);

/* The expected enrollees of region r in the first year, roughly: its
 * population less the employee scheme's share at each age, times
 * participation. */
double plausible_enrollees(const struct scenario *s, size_t r);

/* Writes the warnings of every region, in the order of the regions, to out
 * (at most `cap`) and returns how many there are (more than `cap` means some
 * were left out). PLAUSIBLE_PER_REGION x n_regions always suffices. The
 * expected spending of a month is the region's expected first-year income
 * over 12 (plausible_enrollees x plausible_income_yuan / 12): a fund spends
 * about what it takes in (以收定支). The balance is not measured in a region
 * whose income is out of range, and only on the side a population out of
 * range does not explain: a population under 10,000 alone makes the months
 * large, one over 1.5 billion makes them small. */
size_t plausible_check(const struct scenario *s, struct plausible_warning *out, size_t cap);

#endif
