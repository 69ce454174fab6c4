/* demography.h: the national demography of a path, one year at a time.
 *
 * Mortality and fertility are national and drawn once per path and year
 * (region STREAM_ALL_REGIONS): mortality.h steps the Lee-Carter index k(t),
 * fertility.h the TFR. Both fill their part of `struct demography_year`, the
 * rates that every region's population step (population.h) then applies. The
 * model (read-only, from the scenario) is the pair of the two drivers'
 * parameters. */
#ifndef FUNDSIM_DEMOGRAPHY_H
#define FUNDSIM_DEMOGRAPHY_H

#include "models/ages.h"
#include "models/fertility.h"
#include "models/mortality.h"

struct scenario;
struct diag;

/* The year's national rates. */
struct demography_year {
    int year;
    /* mortality_step, mortality_year */
    double k[N_SEXES];  /* Lee-Carter index */
    double e0[N_SEXES]; /* period life expectancy at birth, years */
    /* share of those aged x on 1 January dead by the next 1 January ([99] and [100]: the open
     * group they join) */
    double death_prob[N_SEXES][N_AGES];
    double newborn_death_prob[N_SEXES]; /* share of the year's births dead by its end */
    /* fertility_step, fertility_year */
    double tfr;              /* children per woman */
    double asfr[N_AGES];     /* births per woman aged x (last birthday) per year */
    double male_birth_share; /* of births, from the sex ratio at birth */
};

struct demography_model {
    struct mortality_model mortality;
    struct fertility_model fertility;
};

/* A path's national state: the two drivers' deviations from the medians. */
struct demography_state {
    struct mortality_state mortality;
    struct fertility_state fertility;
};

/* Both drivers' parameters from the scenario's UN tables. Returns 0, or -1
 * with the problem added to `d`. */
int demography_model_init(struct demography_model *m, const struct scenario *s, struct diag *d);

/* A new path: call before its first year, then per year mortality_step (on
 * the stream DRIVER_MORTALITY) and fertility_step (DRIVER_FERTILITY) into one
 * demography_year. */
void demography_state_init(struct demography_state *st);

/* The median year (no deviation from the UN medians): the deterministic
 * projection of the age structure to the start uses it. */
void demography_median_year(const struct demography_model *m, int year,
                            struct demography_year *out);

#endif
