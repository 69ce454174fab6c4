/* costs.c: the unit-cost index of a path, one national step per year (see
 * costs.h for the equations). The model (struct costs_model) holds the
 * scenario's parameters and the weights that correlate the excess-growth shock
 * with the income shock; the state carries the AR(1) deviation and the
 * indices. */
#include "models/costs.h"

#include "models/parameters.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_randist.h>
#include <math.h>

/* The lowest yearly growth factor before technology and policy effects: halving
 * unit costs in a year is outside the model, and the floor keeps them positive. */
#define COSTS_MIN_FACTOR 0.5

void costs_model_init(struct costs_model *m, const struct scenario *s)
{
    const struct cost_params *p = &s->costs;
    double rho = p->income_correlation;
    *m = (struct costs_model){
        .start_year = s->simulation.start_year,
        .inflation_mean = p->inflation_mean,
        .inflation_sd = p->inflation_volatility,
        .use_trend = p->utilization_trend,
        .excess_initial = p->excess_initial,
        /* The excess at which expected cost growth equals expected income
         * growth: Getzen's long run, where health spending grows with income. */
        .excess_long_run =
            s->economy.income_growth_mean -
            (p->inflation_mean + p->utilization_trend + p->technology_rate * p->technology_jump),
        .excess_years = p->excess_years,
        .excess_persistence = p->excess_persistence,
        .excess_sd = p->excess_volatility,
        .income_weight = rho,
        .own_weight = sqrt(1 - rho * rho),
        .technology_rate = p->technology_rate,
        .technology_jump_mean = p->technology_jump,
        .policy_effects = p->policy_effects,
        .use_trend_sd = p->utilization_trend_uncertainty,
    };
}

void costs_state_init(const struct costs_model *m, struct costs_state *st,
                      const struct parameter_draw *draw)
{
    *st = (struct costs_state){.cost_index = 1,
                               .use_index = 1,
                               .excess_initial = m->excess_initial,
                               .excess_long_run = m->excess_long_run,
                               .use_trend = m->use_trend};
    if (!draw) return;
    const double *dx = draw->delta;
    st->excess_initial = m->excess_initial + dx[PARAM_EXCESS_GROWTH];
    st->use_trend = m->use_trend + dx[PARAM_UTILIZATION_TREND];
    /* x_inf = g - (pi + u + tech) at the path's g and u */
    st->excess_long_run =
        m->excess_long_run + (dx[PARAM_INCOME_GROWTH] - dx[PARAM_UTILIZATION_TREND]);
}

/* e(s) from the levels `initial` and `long_run`. */
static double excess_trend(const struct costs_model *m, double initial, double long_run, int year)
{
    /* Linear, as the SOA's Getzen model interpolates excess growth from its
     * current level to the long-run one. */
    double s = year - m->start_year - 1;
    if (s < 0) return 0;
    return long_run + (initial - long_run) * fmax(0, 1 - s / m->excess_years);
}

double costs_excess_trend(const struct costs_model *m, int year)
{
    return excess_trend(m, m->excess_initial, m->excess_long_run, year);
}

/* (1 + trend)^(year - start_year), as costs_step compounds it, one factor a year */
static double use_index(const struct costs_model *m, double trend, int year)
{
    double use = 1;
    for (int y = m->start_year + 1; y <= year; y++)
        use = use * (1 + trend);
    return use;
}

double costs_use_index(const struct costs_model *m, int year)
{
    return use_index(m, m->use_trend, year);
}

void costs_use_bounds(const struct costs_model *m, int year, double *low, double *high)
{
    *low = use_index(m, m->use_trend - 3 * m->use_trend_sd, year);
    *high = use_index(m, m->use_trend + 3 * m->use_trend_sd, year);
}

/* The dated one-off change of year `year`, 0 when none. The list is short (a
 * few reforms), so a scan costs less than a table by year. */
static double policy_effect(const struct costs_model *m, int year)
{
    for (size_t k = 0; k < m->policy_effects.n; k++)
        if (m->policy_effects.key[k] == year) return m->policy_effects.value[k];
    return 0;
}

void costs_step(const struct costs_model *m, struct costs_state *st, int year, double income_shock,
                gsl_rng *r, struct costs_year *out)
{
    if (year <= m->start_year) {
        *out = (struct costs_year){
            .use_index = st->use_index,
            .price_index = st->cost_index / st->use_index,
            .cost_index = st->cost_index,
        };
        return;
    }
    double w = gsl_ran_gaussian_ziggurat(r, 1.0);
    double inflation = m->inflation_mean + gsl_ran_gaussian_ziggurat(r, m->inflation_sd);
    unsigned jumps = gsl_ran_poisson(r, m->technology_rate);
    /* The sum of n exponential sizes is one gamma(n, mean) draw. */
    double jump =
        jumps ? gsl_ran_gamma(r, jumps, m->technology_jump_mean) : m->technology_held_jump;

    double eta = m->income_weight * income_shock + m->own_weight * w;
    st->excess_dev = m->excess_persistence * st->excess_dev + m->excess_sd * eta;
    double trend = excess_trend(m, st->excess_initial, st->excess_long_run, year);
    double excess = trend + st->excess_dev;
    double effect = policy_effect(m, year);

    double base = fmax(COSTS_MIN_FACTOR, 1 + inflation + st->use_trend + excess);
    double before = st->cost_index;
    st->cost_index = st->cost_index * base * (1 + jump) * (1 + effect);
    st->use_index = st->use_index * (1 + st->use_trend);

    *out = (struct costs_year){
        .inflation_rate = inflation,
        .excess_trend_rate = trend,
        .excess_deviation_rate = st->excess_dev,
        .excess_rate = excess,
        .technology_jump = jump,
        .policy_effect = effect,
        .growth_rate = st->cost_index / before - 1,
        .use_index = st->use_index,
        .price_index = st->cost_index / st->use_index,
        .cost_index = st->cost_index,
    };
}
