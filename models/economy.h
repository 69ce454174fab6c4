/* economy.h: the national economy of a path: per-capita disposable income and
 * the interest rate earned on the fund balance, one step per year.
 *
 * Income growth is an AR(1) around its mean:
 *     d_t = phi d_{t-1} + sigma z_t,   g_t = max(-0.5, mu + d_t),   I_t = I_{t-1} (1 + g_t),
 * mu = economy.income_growth plus the path's PARAM_INCOME_GROWTH deviation
 * (parameter risk, parameters.h), z_t standard normal, d = 0 before the first
 * projected year (the present is
 * known; the model adds no deviation from the mean at the start). I_{-1} is
 * economy.income_yuan, the year before simulation.start_year. The floor keeps
 * income positive under absurd volatilities; it never binds at sensible ones
 * (30 standard deviations below the default mean).
 *
 * The interest rate is an AR(1) whose STATIONARY standard deviation is
 * economy.interest_volatility:
 *     e_t = psi e_{t-1} + s sqrt(1 - psi^2) u_t,   i_t = max(floor, i_mean + e_t),
 * floor = min(0, i_mean): a fund deposit earns no negative rate unless the
 * scenario's mean rate is itself negative.
 *
 * The year's standardized income shock z_t is part of the output: the costs
 * driver correlates its excess-growth shock with it (costs_step).
 *
 * Draws per step, in this order: z_t, u_t (two gaussians). Stream key
 * (seed, path, STREAM_ALL_REGIONS, year, DRIVER_ECONOMY). */
#ifndef FUNDSIM_ECONOMY_H
#define FUNDSIM_ECONOMY_H

#include <gsl/gsl_rng.h>

struct scenario;
struct parameter_draw;

/* Read-only parameters, from the scenario's economy section. */
struct economy_model {
    double income_start_yuan; /* I_{-1}: the year before start_year */
    double growth_mean, growth_sd, growth_persistence;
    double interest_mean, interest_innovation_sd, interest_persistence, interest_floor;
};

/* What one path carries from year to year. */
struct economy_state {
    double income_yuan;  /* last year's income once a step has run */
    double growth_mean;  /* mu: the scenario's, plus the path's deviation (parameters.h) */
    double growth_dev;   /* d_t: deviation of income growth from its mean */
    double interest_dev; /* e_t: deviation of the interest rate from its mean */
};

/* One year's economy. */
struct economy_year {
    double income_yuan;      /* per-capita disposable income of the year */
    double income_prev_yuan; /* of the year before (financing and the serious-illness
                                deductible use it) */
    double income_growth;    /* g_t: from income_prev_yuan to income_yuan */
    double income_shock;     /* z_t: the standardized income growth shock */
    double interest_rate;    /* earned on the fund balance over the year */
};

/* The model of a validated scenario. */
void economy_model_init(struct economy_model *m, const struct scenario *s);
/* A path's state before its first year: `draw` (NULL: none) moves the path's
 * mean growth by its PARAM_INCOME_GROWTH deviation. */
void economy_state_init(const struct economy_model *m, struct economy_state *st,
                        const struct parameter_draw *draw);
/* Advances the path by one year, drawing from `r` (positioned by the caller). */
void economy_step(const struct economy_model *m, struct economy_state *st, gsl_rng *r,
                  struct economy_year *out);

#endif
