/* parameters.c: a path's draw of the drivers' long-run levels (see
 * parameters.h). The model holds the scenario's spreads; the draw is five
 * scaled normals. */
#include "models/parameters.h"

#include "sim/config/scenario.h"

#include <gsl/gsl_randist.h>

void parameters_init(struct parameter_model *m, const struct scenario *s)
{
    *m = (struct parameter_model){0};
    m->sd[PARAM_INCOME_GROWTH] = s->economy.income_growth_uncertainty;
    m->sd[PARAM_EXCESS_GROWTH] = s->costs.excess_growth_uncertainty;
    m->sd[PARAM_UTILIZATION_TREND] = s->costs.utilization_trend_uncertainty;
    m->sd[PARAM_EMPLOYEE_SHIFT] = s->enrollment.employee_shift_uncertainty;
    m->sd[PARAM_DISEASE_TREND] = s->disease.trend_uncertainty;
}

void parameters_draw(const struct parameter_model *m, gsl_rng *r, struct parameter_draw *out)
{
    for (int j = 0; j < N_PARAMETERS; j++) {
        double z = gsl_ran_gaussian_ziggurat(r, 1.0);
        out->delta[j] = m->sd[j] * z;
    }
}
