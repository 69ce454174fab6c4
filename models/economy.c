/* economy.c: per-capita disposable income and the fund's interest rate, one
 * national step per year of a path (see economy.h for the equations). The
 * model (struct economy_model) holds the scenario's parameters, converted once
 * into the innovation standard deviations the step uses. */
#include "models/economy.h"

#include "models/parameters.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_randist.h>
#include <math.h>

/* The lowest yearly income growth: a fall of more than half in one year is
 * outside what the model is for, and the floor keeps income positive. */
#define ECONOMY_MIN_GROWTH (-0.5)

void economy_model_init(struct economy_model *m, const struct scenario *s)
{
    const struct economy_params *p = &s->economy;
    double psi = p->interest_persistence;
    *m = (struct economy_model){
        .income_start_yuan = p->income_yuan,
        .growth_mean = p->income_growth_mean,
        .growth_sd = p->income_growth_volatility,
        .growth_persistence = p->income_growth_persistence,
        .interest_mean = p->interest_mean,
        /* interest_volatility is the stationary standard deviation of the rate, so the
         * yearly innovation is smaller by sqrt(1 - psi^2): the setting keeps its meaning
         * whatever the persistence. */
        .interest_innovation_sd = p->interest_volatility * sqrt(1 - psi * psi),
        .interest_persistence = psi,
        .interest_floor = fmin(0, p->interest_mean),
    };
}

void economy_state_init(const struct economy_model *m, struct economy_state *st,
                        const struct parameter_draw *draw)
{
    *st =
        (struct economy_state){.income_yuan = m->income_start_yuan, .growth_mean = m->growth_mean};
    if (draw) st->growth_mean = m->growth_mean + draw->delta[PARAM_INCOME_GROWTH];
}

void economy_step(const struct economy_model *m, struct economy_state *st, gsl_rng *r,
                  struct economy_year *out)
{
    double z = gsl_ran_gaussian_ziggurat(r, 1.0);
    double u = gsl_ran_gaussian_ziggurat(r, 1.0);

    st->growth_dev = m->growth_persistence * st->growth_dev + m->growth_sd * z;
    double growth = fmax(ECONOMY_MIN_GROWTH, st->growth_mean + st->growth_dev);
    st->interest_dev = m->interest_persistence * st->interest_dev + m->interest_innovation_sd * u;

    out->income_prev_yuan = st->income_yuan;
    out->income_yuan = st->income_yuan * (1 + growth);
    out->income_growth = growth;
    out->income_shock = z;
    out->interest_rate = fmax(m->interest_floor, m->interest_mean + st->interest_dev);
    st->income_yuan = out->income_yuan;
}
