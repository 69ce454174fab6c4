/* fertility.c: the UN fertility pattern in single years and the yearly step
 * of the national TFR (see fertility.h). The pattern is split once per
 * scenario; a step is one normal draw and O(ages) arithmetic. */
#include "models/fertility.h"

#include "models/demography.h"
#include "models/split.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_randist.h>
#include <string.h>

static int copy_series(struct fertility_series *out, const struct year_series *in,
                       const char *setting, const char *path, struct diag *d)
{
    if (in->n > FERTILITY_MAX_YEARS) {
        diag_path(d, setting, path, 0, "more than %d years", FERTILITY_MAX_YEARS);
        return -1;
    }
    out->first_year = in->first_year;
    out->n = in->n;
    memcpy(out->value, in->value, in->n * sizeof *in->value);
    return 0;
}

int fertility_model_init(struct fertility_model *m, const struct scenario *s, struct diag *d)
{
    *m = (struct fertility_model){0};
    const struct demography_params *dem = &s->demography;
    const struct period_table *t = &dem->fertility_pattern;
    if (t->n_periods > FERTILITY_MAX_PERIODS) {
        diag_path(d, "demography.fertility.pattern", dem->fertility_pattern_file, 0,
                  "more than %d periods", FERTILITY_MAX_PERIODS);
        return -1;
    }
    int bound[N_AGES + 1];
    for (size_t g = 0; g < t->n_groups; g++)
        bound[g] = t->first_age[g];
    bound[t->n_groups] = t->end_age;
    m->n_periods = t->n_periods;
    for (size_t p = 0; p < t->n_periods; p++) {
        double *share = m->pattern[p], sum = 0;
        if (split_counts(t->n_groups, bound, &t->value[p * t->n_groups], share) != 0) {
            diag_fail(d, "out of memory");
            return -1;
        }
        for (int x = 0; x < N_AGES; x++)
            sum += share[x];
        for (int x = 0; x < N_AGES; x++) /* percent to shares that sum to 1 */
            share[x] /= sum;
        m->period_year[p] = 0.5 * (t->first_year[p] + t->end_year[p] - 1);
    }
    if (copy_series(&m->tfr, &dem->tfr, "demography.fertility.tfr", dem->tfr_file, d) ||
        copy_series(&m->sex_ratio, &dem->sex_ratio, "demography.fertility.sex_ratio",
                    dem->sex_ratio_file, d))
        return -1;
    m->volatility = dem->tfr_volatility;
    m->persistence = dem->tfr_persistence;
    m->initial_volatility = dem->tfr_initial_volatility;
    m->shift = dem->tfr_shift;
    m->start_year = s->simulation.start_year;
    return 0;
}

double fertility_series_at(const struct fertility_series *s, int year)
{
    long k = (long)year - s->first_year;
    if (k < 0) k = 0;
    if (k >= (long)s->n) k = (long)s->n - 1;
    return s->value[k];
}

void fertility_year(const struct fertility_model *m, double deviation, int year,
                    struct demography_year *out)
{
    out->year = year;
    double median = fertility_series_at(&m->tfr, year);
    if (year >= m->start_year) median += m->shift;
    double tfr = median + deviation;
    out->tfr = tfr > FERTILITY_TFR_FLOOR ? tfr : FERTILITY_TFR_FLOOR;
    /* the pattern: linear between the periods' mid-years, constant beyond them */
    size_t j = 0;
    while (j + 1 < m->n_periods && year >= m->period_year[j + 1])
        j++;
    double w = 0;
    if (j + 1 < m->n_periods && year > m->period_year[j])
        w = (year - m->period_year[j]) / (m->period_year[j + 1] - m->period_year[j]);
    const double *p0 = m->pattern[j], *p1 = m->pattern[j + 1 < m->n_periods ? j + 1 : j];
    for (int x = 0; x < N_AGES; x++)
        out->asfr[x] = out->tfr * ((1 - w) * p0[x] + w * p1[x]);
    double ratio = fertility_series_at(&m->sex_ratio, year);
    out->male_birth_share = ratio / (1 + ratio);
}

void fertility_state_init(struct fertility_state *st)
{
    *st = (struct fertility_state){0};
}

void fertility_step(const struct fertility_model *m, struct fertility_state *st, int year,
                    gsl_rng *r, struct demography_year *out)
{
    double z = gsl_ran_gaussian_ziggurat(r, 1.0);
    if (st->started) {
        st->deviation = m->persistence * st->deviation + m->volatility * z;
    } else {
        st->deviation = m->initial_volatility * z;
        st->started = 1;
    }
    fertility_year(m, st->deviation, year, out);
}
