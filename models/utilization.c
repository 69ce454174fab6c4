/* utilization.c: admissions, visits, unit costs and deliveries of one region
 * and year (see utilization.h for the equations). The model lays the
 * scenario's age tables out by cell and resolves each region's hospital mix
 * once, so a step is a few passes of plain arithmetic over the 202 cells. */
#include "models/utilization.h"

#include "models/clones.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

static void care_init(struct utilization_care_model *c, const struct care_params *p)
{
    for (int s = 0; s < N_SEXES; s++)
        for (int a = 0; a < N_AGES; a++)
            c->rate[s][a] = step_at(&p->rate[s], a);
    for (int l = 0; l < N_LEVELS; l++) {
        c->level_mix[l] = p->level_mix.at[l];
        c->cost_yuan[l] = p->cost_yuan.at[l];
        c->cost_cv[l] = p->cost_cv.at[l];
        c->compliant_share[l] = p->compliant_share.at[l];
    }
}

int utilization_model_init(struct utilization_model *m, const struct scenario *s)
{
    const struct utilization_params *p = &s->utilization;
    *m = (struct utilization_model){
        .n_regions = s->n_regions,
        .caesarean_share = p->caesarean_share,
        .shock_log_sd = sqrt(log1p(p->volatility * p->volatility)),
        .n_shocks = p->n_shocks,
        .shocks = p->shocks,
    };
    care_init(&m->inpatient, &p->inpatient);
    care_init(&m->outpatient, &p->outpatient);

    /* calloc(0) may return NULL: ask for at least one element. */
    m->inpatient_mix = calloc(m->n_regions + 1, sizeof *m->inpatient_mix);
    if (!m->inpatient_mix) return -1;
    m->use_scale = calloc(m->n_regions + 1, sizeof *m->use_scale);
    if (!m->use_scale) return -1;
    for (size_t k = 0; k < m->n_regions; k++) {
        const struct region *r = &s->regions[k];
        m->inpatient_mix[k] = r->has_hospital_mix ? r->hospital_mix : p->inpatient.level_mix;
    }
    utilization_set_use_scales(m, s);
    return 0;
}

void utilization_set_use_scales(struct utilization_model *m, const struct scenario *s)
{
    for (size_t k = 0; k < m->n_regions; k++)
        m->use_scale[k] = 1 + s->regions[k].use_change;
}

void utilization_model_free(struct utilization_model *m)
{
    free(m->inpatient_mix);
    free(m->use_scale);
    *m = (struct utilization_model){0};
}

int utilization_year_init(struct utilization_year *y, const struct utilization_model *m)
{
    (void)m;
    *y = (struct utilization_year){0};
    return 0;
}

void utilization_year_free(struct utilization_year *y)
{
    *y = (struct utilization_year){0};
}

/* One kind of care: rates per cell (`multiplier` may be NULL), split by
 * `mix`, and the year's unit costs. */
static void care_step(const struct utilization_care_model *c, const double mix[N_LEVELS],
                      double use, double price, const struct by_age *multiplier,
                      struct utilization_care *out)
{
    for (int s = 0; s < N_SEXES; s++)
        for (int a = 0; a < N_AGES; a++)
            out->rate[s][a] = c->rate[s][a] * use * (multiplier ? multiplier->at[s][a] : 1.0);
    for (int l = 0; l < N_LEVELS; l++) {
        out->level_share[l] = mix[l];
        out->cost_yuan[l] = c->cost_yuan[l] * price;
        out->cost_cv[l] = c->cost_cv[l];
        out->compliant_share[l] = c->compliant_share[l];
    }
}

double utilization_oneoff(const struct utilization_model *m, int year)
{
    double f = 1;
    for (size_t k = 0; k < m->n_shocks; k++) {
        if (m->shocks[k].year == year) f *= 1 + m->shocks[k].change;
        if (m->shocks[k].year + 1 == year) f *= 1 + m->shocks[k].rebound;
    }
    return f;
}

double utilization_use(const struct utilization_model *m, size_t region, int year, double use_index,
                       gsl_rng *r, double *shock)
{
    double sd = m->shock_log_sd;
    double g = gsl_ran_gaussian_ziggurat(r, 1.0);
    *shock = exp(sd * g - 0.5 * sd * sd);

    /* the calibrated scale is 1 unless `fundsim calibrate` fitted one: x 1 changes nothing */
    double use = use_index * *shock * m->use_scale[region];
    if (m->n_shocks) use *= utilization_oneoff(m, year);
    return use;
}

AVX2_CLONES void utilization_step(const struct utilization_model *m, size_t region, int year,
                                  const struct costs_year *costs, const struct by_age *multiplier,
                                  double births, gsl_rng *r, struct utilization_year *out)
{
    double use = out->use = utilization_use(m, region, year, costs->use_index, r, &out->shock);
    care_step(&m->inpatient, m->inpatient_mix[region].at, use, costs->price_index, multiplier,
              &out->inpatient);
    care_step(&m->outpatient, m->outpatient.level_mix, use, costs->price_index, NULL,
              &out->outpatient);
    out->caesarean_births = births * m->caesarean_share;
    out->natural_births = births - out->caesarean_births;
}
