/* utilization.h: the use of care and its unit costs in one region and year,
 * per cell [sex][age] and per facility level, for the benefit rules.
 *
 * Expected inpatient admissions per enrollee-year of cell (s, a) at level l:
 *     A[l][s][a] = R_in[s][a] * U_t * M[s][a] * Z * O_t * mix[l]
 * R_in the scenario's rate table (utilization.inpatient.rate_male/female,
 * those without a condition), U_t the costs driver's use index, M the
 * condition multiplier of the cell from the disease driver (1 + the excess
 * admissions its patients bring), Z the region-year shock, O_t the year's
 * one-off factor (utilization.shocks: 1 + change in a shock's year, 1 + rebound
 * in the year after, 1 otherwise; the factors of shocks that meet multiply),
 * mix the region's
 * hospital_mix where it has one, else utilization.inpatient.level_mix.
 * General outpatient visits: the same with the outpatient table and level_mix,
 * and without M (the conditions' own outpatient treatment is costed apart).
 *
 * The cost of one admission or visit at level l has mean cost_yuan[l] * P_t
 * (P_t the costs driver's price index), the scenario's coefficient of
 * variation cost_cv[l] (a heavy right tail: the rules draw or integrate a
 * lognormal or gamma with that mean and cv) and policy-scope (compliant) share
 * compliant_share[l]. The yearly treatment cost of a patient of condition k has
 * mean annual_cost_yuan[k] * U_t P_t (a patient's treatment grows in volume and
 * in price; not with Z, which moves the counts) and cv cost_cv[k]: the benefit
 * tables price it from the year's indices (benefit_year_prepare), so it is not
 * an output here. Deliveries: births * caesarean_share by caesarean section,
 * the rest natural.
 *
 * The region-year shock is lognormal with mean 1 and standard deviation
 * utilization.volatility: Z = exp(s g - s^2 / 2), s^2 = log(1 + volatility^2),
 * g standard normal: a bad flu season raises every cell's use alike.
 *
 * One draw per step (g). Stream key (seed, path, region, year,
 * DRIVER_UTILIZATION). */
#ifndef FUNDSIM_UTILIZATION_H
#define FUNDSIM_UTILIZATION_H

#include "models/ages.h"
#include "models/costs.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

/* One kind of care (inpatient or outpatient) as the scenario gives it, with
 * the rate tables laid out by cell once. */
struct utilization_care_model {
    double rate[N_SEXES][N_AGES];
    double level_mix[N_LEVELS];
    double cost_yuan[N_LEVELS], cost_cv[N_LEVELS], compliant_share[N_LEVELS];
};

/* Read-only parameters, from the scenario (utilization, regions[].hospital_mix). */
struct utilization_model {
    struct utilization_care_model inpatient, outpatient;
    size_t n_regions;
    struct level_shares *inpatient_mix; /* per region */
    double *use_scale;                  /* per region: regions' calibrated use of care */
    double caesarean_share;
    double shock_log_sd; /* s of the lognormal shock */
    size_t n_shocks;
    const struct use_shock *shocks; /* the scenario's, which must outlive the model */
};

/* One kind of care in one region and year. */
struct utilization_care {
    double rate[N_SEXES][N_AGES]; /* per enrollee-year, all levels */
    double level_share[N_LEVELS]; /* the rate at level l is rate * level_share[l] */
    double cost_yuan[N_LEVELS];   /* mean cost per admission or visit */
    double cost_cv[N_LEVELS];
    double compliant_share[N_LEVELS];
};

/* The output of a step. */
struct utilization_year {
    double shock; /* Z */
    double use;   /* U_t * Z * O_t times the region's calibrated scale: every rate's factor */
    struct utilization_care inpatient, outpatient;
    double natural_births, caesarean_births;
};

/* The model of a validated scenario. Returns 0, or -1 when out of memory. */
int utilization_model_init(struct utilization_model *m, const struct scenario *s);
void utilization_model_free(struct utilization_model *m);
/* Reads the regions' calibrated use of care again (regions[].use_change), for
 * `fundsim calibrate`, whose rounds change it between runs of one engine. */
void utilization_set_use_scales(struct utilization_model *m, const struct scenario *s);

/* An output for steps of model `m`. Returns 0 (it holds no buffers now; the
 * status stays for the drivers' common pattern). */
int utilization_year_init(struct utilization_year *y, const struct utilization_model *m);
void utilization_year_free(struct utilization_year *y);

/* The one-off factor O_t of `year`. */
double utilization_oneoff(const struct utilization_model *m, int year);

/* The region-year's factor on every rate (utilization_year.use) and its shock Z
 * (`shock`), from the step's one draw from `r` (positioned by the caller): the
 * step's own, which the engine also takes ahead of the step to know every
 * region's factor before the claims (sim/claims.h). */
double utilization_use(const struct utilization_model *m, size_t region, int year,
                       double use_index, gsl_rng *r, double *shock);

/* Region `region`'s year `year`: `costs` is the year's costs_step output,
 * `multiplier` the disease driver's inpatient multiplier per cell (NULL: 1
 * everywhere), `births` the region's births of the year among enrollees (from
 * the population driver). Draws one normal from `r` (positioned by the
 * caller). */
void utilization_step(const struct utilization_model *m, size_t region, int year,
                      const struct costs_year *costs, const struct by_age *multiplier,
                      double births, gsl_rng *r, struct utilization_year *out);

#endif
