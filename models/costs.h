/* costs.h: medical cost growth of a path, a national time series with one step
 * per year: the unit-cost index of the projection relative to the start year.
 *
 * The growth of unit costs over year t (t > start_year) is
 *     1 + c_t = max(0.5, 1 + pi_t + u + x_t) (1 + J_t) (1 + p_t)
 * - pi_t ~ N(costs.inflation, costs.inflation_volatility^2), independent each
 *   year: medical price inflation;
 * - u = costs.utilization_trend: use per person beyond aging and disease;
 * - x_t = e(s) + v_t, excess cost growth (Getzen's long-run model: costs grow
 *   faster than income at first, and the excess fades so that cost growth
 *   converges to income growth over decades). The schedule moves linearly,
 *       e(s) = x_inf + (costs.excess_growth - x_inf) max(0, 1 - s / costs.excess_years),
 *       x_inf = economy.income_growth - (inflation + u + technology_rate technology_jump),
 *   s = t - start_year - 1 (so e = excess_growth in the first projected year,
 *   and from s = excess_years on expected unit-cost growth equals expected
 *   income growth); the deviation is an AR(1),
 *       v_t = phi v_{t-1} + sigma eta_t,   eta_t = rho z_t + sqrt(1 - rho^2) w_t,
 *   z_t the economy's standardized income shock of the same year (economy.h),
 *   w_t an independent standard normal, rho = costs.income_correlation, so
 *   corr(eta_t, z_t) = rho exactly; v = 0 before the first projected year;
 * - J_t: new technology, compound Poisson: N_t ~ Poisson(costs.technology_rate)
 *   jumps of exponential relative size with mean costs.technology_jump, summed
 *   (J_t = Gamma(N_t, jump) when N_t > 0); E J = lambda mu, Var J = 2 lambda mu^2;
 * - p_t: the dated policy effect of year t (costs.policy_effects: volume-based
 *   procurement 集采 price cuts, DRG/DIP payment reform), 0 in other years.
 * The floor at 0.5 keeps the index positive under absurd volatilities; it never
 * binds at sensible ones.
 *
 * Parameter risk (parameters.h): a path's draw moves costs.excess_growth by
 * its PARAM_EXCESS_GROWTH deviation (the schedule then fades from the path's
 * level), u by PARAM_UTILIZATION_TREND, and x_inf by the path's income growth
 * deviation less its u deviation, so that the path's expected cost growth
 * still reaches the path's expected income growth.
 *
 * The start year's costs are the scenario's (utilization.*.cost_yuan,
 * disease.conditions.*.annual_cost_yuan): the step of start_year returns index
 * 1 and draws nothing; policy effects dated at or before it would already be
 * in those costs: the scenario checks refuse them (sim/config/scenario.c).
 *
 * The index splits into a USE part, (1 + u)^(t - start_year), which raises
 * admission and visit rates, and a PRICE part, cost_index / use_index, which
 * raises the cost per admission or visit. A condition patient's yearly
 * treatment grows with both, by the cost index (utilization.h).
 *
 * Draws per step after the start year, in this order: w_t, pi_t's normal, N_t,
 * and J_t's gamma when N_t > 0. Stream key (seed, path, STREAM_ALL_REGIONS,
 * year, DRIVER_COSTS). */
#ifndef FUNDSIM_COSTS_H
#define FUNDSIM_COSTS_H

#include "sim/config/step.h"

#include <gsl/gsl_rng.h>

struct scenario;
struct parameter_draw;

/* Read-only parameters, from the scenario's costs section. The policy effects
 * point into the scenario, which must outlive the model. */
struct costs_model {
    int start_year;
    double inflation_mean, inflation_sd, use_trend;
    double excess_initial, excess_years, excess_persistence, excess_sd;
    double excess_long_run; /* x_inf: cost growth then equals income growth, in expectation */
    double income_weight, own_weight; /* rho and sqrt(1 - rho^2) */
    double technology_rate, technology_jump_mean;
    /* Held (models/hold.h): technology_rate 0 and this, its expectation
     * lambda mu, the jump of every year; 0 otherwise. */
    double technology_held_jump;
    double use_trend_sd; /* costs.utilization_trend_uncertainty: the tables' use axis spans it */
    struct step policy_effects; /* possibly empty */
};

/* What one path carries from year to year. */
struct costs_state {
    double excess_dev; /* v_t */
    double cost_index, use_index;
    /* The path's levels: the model's, moved by the path's parameter draw. */
    double excess_initial, excess_long_run, use_trend;
};

/* One year's cost growth and indices (relative to start_year). */
struct costs_year {
    double inflation_rate;        /* pi_t */
    double excess_trend_rate;     /* e(s): the schedule */
    double excess_deviation_rate; /* v_t: the AR(1) deviation */
    double excess_rate;           /* x_t = e(s) + v_t */
    double technology_jump;       /* J_t: the relative rise from new technology */
    double policy_effect;         /* p_t */
    double growth_rate;           /* c_t = cost_index / last year's - 1 */
    double use_index;   /* use per person: admission and visit rates, a patient's treatment */
    double price_index; /* cost per unit: per admission, visit, unit of a patient's treatment */
    double cost_index;  /* use_index * price_index (to rounding) */
};

/* The model of a validated scenario. */
void costs_model_init(struct costs_model *m, const struct scenario *s);
/* A path's state before its first year, with the path's parameter deviations
 * `draw` (NULL: none, the scenario's levels). */
void costs_state_init(const struct costs_model *m, struct costs_state *st,
                      const struct parameter_draw *draw);
/* Advances the path to `year` (called for start_year, start_year + 1, ... in
 * turn), drawing from `r` (positioned by the caller). `income_shock` is the
 * same year's economy_year.income_shock. */
void costs_step(const struct costs_model *m, struct costs_state *st, int year, double income_shock,
                gsl_rng *r, struct costs_year *out);
/* The excess-growth schedule e(s) of `year`, at the scenario's levels. */
double costs_excess_trend(const struct costs_model *m, int year);
/* The use index of `year`, (1 + u)^(year - start_year) (1 before): the same on
 * every path, bit for bit the costs_year.use_index of costs_step. */
double costs_use_index(const struct costs_model *m, int year);
/* The use index of `year` at the trend u - 3 sd (`*low`) and u + 3 sd
 * (`*high`), sd = costs.utilization_trend_uncertainty: all but about one path
 * in 370 lie between them (the tables extrapolate a little for the others).
 * Both are costs_use_index when sd = 0. */
void costs_use_bounds(const struct costs_model *m, int year, double *low, double *high);

#endif
