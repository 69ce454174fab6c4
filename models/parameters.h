/* parameters.h: parameter risk: a path's own long-run levels of the drivers.
 *
 * The year-to-year noise of the drivers moves around long-run levels that the
 * scenario states (income growth, excess cost growth, the utilization trend,
 * the move to the employee scheme, the conditions' incidence trends). Those
 * levels are themselves uncertain: each path draws, once, a deviation of each
 * from the scenario's value,
 *     delta_j = sd_j z_j,   z_j ~ N(0, 1) independent,
 * sd_j the scenario's `..._uncertainty` setting (0: the level is the
 * scenario's, as before parameter risk). The deviations are added to:
 * - economy.income_growth (the mean of the income growth AR(1)); cost growth
 *   follows (Getzen's long run, costs.h, is the path's income growth);
 * - costs.excess_growth (the level of the first projected year; it fades with
 *   the schedule to the long run, where cost growth equals income growth);
 * - costs.utilization_trend (use per person a year);
 * - enrollment.employee_shift (a year, at working ages);
 * - the log incidence trend of every condition (one shift for all: the common
 *   causes, ageing habits, obesity and screening, move them together).
 *
 * The draw is shared by all regions of a path: a province's regions share its
 * economy and its medical price and technology path (the economy and costs
 * drivers are already province-wide), and the labour-market and epidemiological
 * trends are national in their causes. Five normals, in the order of enum
 * parameter, from the stream (seed, path, STREAM_ALL_REGIONS,
 * PARAMETERS_YEAR, DRIVER_PARAMETERS), drawn whatever the spreads so that a
 * variant with other spreads sees the same z. */
#ifndef FUNDSIM_PARAMETERS_H
#define FUNDSIM_PARAMETERS_H

#include <gsl/gsl_rng.h>
#include <limits.h>

struct scenario;

/* The year of the draw's stream key: not a calendar year, so that no other
 * stream can share it. */
#define PARAMETERS_YEAR INT32_MIN

enum parameter {
    PARAM_INCOME_GROWTH,
    PARAM_EXCESS_GROWTH,
    PARAM_UTILIZATION_TREND,
    PARAM_EMPLOYEE_SHIFT,
    PARAM_DISEASE_TREND,
    N_PARAMETERS
};

/* The spreads: standard deviations of the deviations, in the units of the
 * levels (rate a year, share a year, log a year). */
struct parameter_model {
    double sd[N_PARAMETERS];
};

/* A path's deviations from the scenario's levels. */
struct parameter_draw {
    double delta[N_PARAMETERS];
};

/* The spreads of a validated scenario. */
void parameters_init(struct parameter_model *m, const struct scenario *s);
/* A path's deviations, drawing N_PARAMETERS normals from `r` (positioned by
 * the caller). */
void parameters_draw(const struct parameter_model *m, gsl_rng *r, struct parameter_draw *out);

#endif
