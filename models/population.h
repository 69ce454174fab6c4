/* population.h: the population of one region by sex and single year of age,
 * projected one year at a time (cohort-component).
 *
 * Persons are counted on 1 January. In a year, of those aged x on 1 January
 * (a cohort), deaths = persons × death_prob(x) from the national year
 * (demography.h), net migrants = persons × rate(x) × f, at least minus the
 * survivors (no cell goes negative); the survivors and migrants are aged x+1
 * on the next 1 January, those of 99 and 100+ join 100+. Births = Σ women(x)
 * × ASFR(x), women(x) the mean of those aged x on 1 January and on the next
 * 1 January (before migration), split by the share of boys; of them, a share
 * newborn_death_prob dies and rate(0) × f × ½ (half a year's exposure)
 * migrates, and the rest are aged 0 on the next 1 January. So for every
 * cohort, end = start − deaths + net migrants, exactly.
 *
 * Counts are expected values (doubles), not integer draws: given the
 * national mortality and fertility of the path and the region's migration
 * shock, a prefecture's deaths and births are known to within a fraction of a
 * percent (Poisson noise on 7 000 deaths a year is 1.2 %), far below the
 * national uncertainty; one draw per region-year (the migration shock) keeps
 * the step within its speed budget.
 *
 * f is the region-year migration shock, lognormal with mean 1: f = exp(σ z −
 * σ²/2), σ = demography.migration.volatility, one draw from the stream (path,
 * region, year, DRIVER_MIGRATION). */
#ifndef FUNDSIM_POPULATION_H
#define FUNDSIM_POPULATION_H

#include "models/ages.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

struct scenario;
struct diag;
struct age_groups;
struct demography_model;
struct demography_year;

struct population_model {
    size_t region;
    int start_year;
    struct by_age start;           /* persons on 1 January of the start year */
    double migration_rate[N_AGES]; /* net migrants per resident per year, by age on 1 January */
    double migration_volatility;   /* σ of the log of the yearly migration shock */
};

struct population_state {
    int year;              /* the persons are those of 1 January of this year */
    struct by_age persons; /* the region's residents, [sex][age], age 100 for 100+ */
};

/* What happened in one year; deaths and migrants by age on 1 January. */
struct population_flows {
    int year;
    double births[N_SEXES];           /* live births in the year */
    double newborn_deaths[N_SEXES];   /* of those births, dead by the year's end */
    double newborn_migrants[N_SEXES]; /* net migrants among them */
    struct by_age deaths;             /* in the year, of those aged x on 1 January */
    struct by_age migrants;           /* net, in the year, among those aged x on 1 January */
    double migration_factor;          /* f, the year's migration shock */
};

/* The region's parameters. Its age structure (scenario groups, for the year
 * demography.age_structure.year) is split into single years
 * (population_split) and projected to the start year with the national
 * medians (demography_median_year) and f = 1; that gives the shape, and
 * regions[].population_total (the residents at the start) the level: the
 * cells are scaled to it. Returns 0, or -1 with the problem added to `d`. */
int population_model_init(struct population_model *p, const struct scenario *s, size_t region,
                          const struct demography_model *national, struct diag *d);

/* The single years of age groups `g` in `year`: the closed groups split by
 * split_counts, the open group into 100+ if it starts there, else spread over
 * its ages as the stationary population L(x) of the national median life
 * table of `year`. Each group's total is kept. Returns 0, or -1 when out of
 * memory (split_counts). */
int population_split(const struct age_groups *g, const struct demography_model *national, int year,
                     struct by_age *out);

/* The state on 1 January of the start year (the same for every path). */
void population_state_init(struct population_state *st, const struct population_model *p);

/* One draw: the year's migration shock f. */
double population_migration_factor(const struct population_model *p, gsl_rng *r);

/* Advances `st` by one year with the national rates and the migration shock f;
 * the year's flows go to `out`. No random draws. */
void population_advance(const struct population_model *p, const struct demography_year *national,
                        double migration_factor, struct population_state *st,
                        struct population_flows *out);

/* The driver's step: population_advance with f drawn from `r`. */
void population_step(const struct population_model *p, const struct demography_year *national,
                     struct population_state *st, gsl_rng *r, struct population_flows *out);

#endif
