/* claims.h: a region-year's claims on each payer, from the enrollees by cell
 * and the year's expected-payment tables (models/benefit_table.h).
 *
 * The enrollees of a region-year are grouped by sex, age band and group (no
 * condition, or patients of one condition), and within a group by situation:
 * paying in time, paying late (waiting policy.waiting_days) or assisted in one
 * of the four categories. The age bands are the union of the scenario's age
 * steps for the admission and visit rates, so that within a band every
 * group's rates are one value: summing per band is exact, not an
 * approximation. Late payers and the assisted are spread over the cells in
 * proportion to the enrollees (the enrollment driver draws them uniformly
 * over ages, students aside). Patients of a condition have the base admission
 * rate times the condition's inpatient multiplier; people with two conditions
 * are counted in both groups (the disease driver's multiplier is additive
 * too), and the others, enrollees less patients, have the base rate.
 *
 * The year's births who enroll (enrollment_add_births) claim from birth for
 * half a year on average at the age-0 rates of those without a condition.
 *
 * The expectation per line is the sum over groups of count x mean per person;
 * the variance the sum of count x variance (persons independent given the
 * cell). The drawn total of each line is normal around its expectation with
 * that variance (its standard deviation times utilization.claims_noise),
 * clipped at 0: one draw per line in a fixed order from the stream
 * DRIVER_CLAIMS, whatever the counts. */
#ifndef FUNDSIM_CLAIMS_H
#define FUNDSIM_CLAIMS_H

#include "models/ages.h"
#include "models/benefit_table.h"
#include "models/disease.h"
#include "models/enrollment.h"
#include "models/utilization.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

#define CLAIMS_MAX_BANDS N_AGES

/* The age bands of a scenario: band b holds ages first[b] .. first[b + 1] - 1. */
struct claims_bands {
    size_t n;
    int first[CLAIMS_MAX_BANDS + 1]; /* first[n] = N_AGES */
};

void claims_bands_init(struct claims_bands *b, const struct scenario *s);

/* What a region-year's bills cost each payer, in yuan. */
struct claims_year {
    double fund_yuan[N_BENEFIT_LINES]; /* by enum benefit_line: the four fund lines, then
                                          serious illness and assistance */
    double maternity_yuan;             /* the fund's fixed payments for deliveries */
    double total_yuan, policy_yuan;    /* every bill (maternity aside) and its policy scope */
    double inpatient_policy_yuan;      /* the policy-scope cost of admissions */
    double out_of_pocket_yuan;         /* total - fund lines - serious - assistance, at
                                          least 0 */
};

/* The region-year's inputs from the drivers. */
struct claims_inputs {
    const struct enrollment_out *enrollment;
    const double *born;                /* [N_SEXES]: the year's births enrolled */
    const struct disease_out *disease; /* patients by cell, the inpatient multiplier */
    size_t n_conditions;
    const double *condition_multiplier;             /* [n_conditions]: on the admission rate */
    const struct utilization_year *use;             /* rates per enrollee-year, by cell */
    const struct by_age *residents;                 /* on 1 January, for the mothers' enrollment */
    double births;                                  /* the year's births to residents */
    double maternity_mean_yuan, maternity_var_yuan; /* per delivery (benefit_maternity) */
    double noise; /* utilization.claims_noise: scales each line's standard deviation */
    /* The benefit package's scale k (timeline.h): the year view `y` is in the
     * package base year's yuan, so every amount it gives is multiplied by k, and
     * each variance by k². */
    double scale;
};

/* The lookups of one table's year shared by the regions that use it.
 *
 * A group's lookup depends on its region only through the region-year's
 * factor on every rate, u = use index x shock x calibrated scale x one-off
 * factor (utilization_year.use): its admissions are R_in u M_c and its visits
 * R_out u (R the scenario's rate of the band, M_c the condition's
 * multiplier). So when more than CLAIMS_NODES regions use a table in a year,
 * each group is looked up once at CLAIMS_NODES factors shared by them, the
 * Chebyshev-Lobatto points of the year's range [min u, max u] over those
 * regions (its ends among them), and each region's expectations are
 * interpolated cubically (Lagrange) in u; with CLAIMS_NODES regions or fewer
 * every region looks up its own rates, as does a region whose factor is a
 * node (the weights are then exactly 1 and 0). The range is the path's own
 * year, so the result does not depend on how the paths are split. Accuracy:
 * models/README.md, "Accuracy of the tables". */
#define CLAIMS_NODES 4
struct claims_nodes;

/* Room for a table's year of `b` with `n_conditions` conditions, whose rates
 * per band are the model's (`m`): NULL when out of memory. */
struct claims_nodes *claims_nodes_alloc(const struct claims_bands *b, size_t n_conditions,
                                        const struct utilization_model *m);
void claims_nodes_free(struct claims_nodes *c);
/* The year of view `y` for the `n` regions of factors `use` that use it;
 * the lookups are made as regions first ask for them. */
void claims_nodes_year(struct claims_nodes *c, const struct benefit_year *y, const double *use,
                       size_t n);

/* Expectations from the year's table `y` (through `nodes`, its year set by
 * claims_nodes_year, or NULL: the region's own lookups), then one draw per
 * line from `r`. */
void claims_region_year(const struct claims_bands *b, const struct benefit_year *y,
                        struct claims_nodes *nodes, const struct claims_inputs *in, gsl_rng *r,
                        struct claims_year *out);

#endif
