/* mortality.c: the Lee-Carter fit to the UN death rates and the yearly step
 * of the national mortality index (see mortality.h). The fit runs once per
 * scenario; a step is one normal draw and, per sex, 101 exponentials and a
 * life table. */
#include "models/mortality.h"

#include "models/demography.h"
#include "models/lifetable.h"
#include "models/split.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Single-year rates of period p: the closed groups split log-linearly, the
 * open group's rate at each of its ages (the UN's open group is 100+, our
 * last cell). */
static void period_rates(const struct period_table *t, size_t p, double mx[N_AGES])
{
    const double *rate = &t->value[p * t->n_groups];
    size_t closed = t->n_groups - 1;
    int open = t->first_age[closed];
    if (closed) split_rates(closed, t->first_age, rate, mx);
    for (int x = open; x < N_AGES; x++)
        mx[x] = rate[closed];
}

/* The mean of the years of a period: 2020-2025 (2020 to 2024) -> 2022. */
static double mid_year(const struct period_table *t, size_t p)
{
    return 0.5 * (t->first_year[p] + t->end_year[p] - 1);
}

/* a, b and the median k at the periods' mid-years, for one sex. Returns
 * GSL_SUCCESS, GSL_ENOMEM, or the singular value decomposition's failure. */
static int fit(struct mortality_model *m, enum sex sex, const struct period_table *t, size_t base)
{
    size_t n = t->n_periods - base - 1; /* periods after the base */
    double mx[N_AGES];
    period_rates(t, base, mx);
    for (int x = 0; x < N_AGES; x++)
        m->a[sex][x] = log(mx[x]);
    m->knot_year[sex][0] = mid_year(t, base);
    m->knot_k[sex][0] = 0;
    m->n_knots[sex] = n + 1;
    if (n == 0) { /* nothing to learn a decline from: mortality stays at the base */
        for (int x = 0; x < N_AGES; x++)
            m->b[sex][x] = 1.0 / N_AGES;
        return GSL_SUCCESS;
    }
    gsl_matrix *dev = gsl_matrix_alloc(N_AGES, n), *v = gsl_matrix_alloc(n, n);
    gsl_vector *s = gsl_vector_alloc(n), *work = gsl_vector_alloc(n);
    int status = dev && v && s && work ? GSL_SUCCESS : GSL_ENOMEM;
    for (size_t j = 0; j < n && !status; j++) {
        period_rates(t, base + 1 + j, mx);
        for (int x = 0; x < N_AGES; x++)
            gsl_matrix_set(dev, (size_t)x, j, log(mx[x]) - m->a[sex][x]);
    }
    if (!status) status = gsl_linalg_SV_decomp(dev, v, s, work); /* dev becomes U */
    if (!status) {
        double sum_u = 0;
        for (int x = 0; x < N_AGES; x++)
            sum_u += gsl_matrix_get(dev, (size_t)x, 0);
        for (int x = 0; x < N_AGES; x++)
            m->b[sex][x] = gsl_matrix_get(dev, (size_t)x, 0) / sum_u;
        for (size_t j = 0; j < n; j++) {
            m->knot_year[sex][j + 1] = mid_year(t, base + 1 + j);
            m->knot_k[sex][j + 1] = gsl_vector_get(s, 0) * gsl_matrix_get(v, j, 0) * sum_u;
        }
    }
    if (work) gsl_vector_free(work);
    if (s) gsl_vector_free(s);
    if (v) gsl_matrix_free(v);
    if (dev) gsl_matrix_free(dev);
    return status;
}

static double e0_at(const struct mortality_model *m, enum sex sex, double k)
{
    double mx[N_AGES];
    struct lifetable t;
    mortality_rates(m, sex, k, mx);
    lifetable_build(mx, sex, &t);
    return t.e0;
}

/* The k whose life table has life expectancy `e0`: bisection, e0 falling in k
 * (b > 0). Starts from a bracket around `guess` and widens it as needed. */
static double solve_k(const struct mortality_model *m, enum sex sex, double e0, double guess)
{
    double lo = guess - 10, hi = guess + 10;
    for (int k = 0; k < 60 && e0_at(m, sex, lo) < e0; k++)
        lo -= 2 * (hi - lo);
    for (int k = 0; k < 60 && e0_at(m, sex, hi) > e0; k++)
        hi += 2 * (hi - lo);
    while (hi - lo > 1e-9 * (1 + fabs(lo))) {
        double mid = 0.5 * (lo + hi);
        if (e0_at(m, sex, mid) > e0)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The median k of the fit, without the improvement multiplier. */
static double fitted_k(const struct mortality_model *m, enum sex sex, int year)
{
    const double *ky = m->knot_year[sex], *kk = m->knot_k[sex];
    size_t n = m->n_knots[sex];
    if (n < 2) return kk[0];
    size_t j = 0; /* the segment from knot j to j + 1 */
    while (j + 2 < n && year > ky[j + 1])
        j++;
    return kk[j] + (kk[j + 1] - kk[j]) * (year - ky[j]) / (ky[j + 1] - ky[j]);
}

/* Lee and Miller's re-fit: one knot per year of the UN median e0. */
static void refit(struct mortality_model *m, enum sex sex, const struct year_series *e0)
{
    double year[MORTALITY_MAX_KNOTS], k[MORTALITY_MAX_KNOTS];
    for (size_t j = 0; j < e0->n; j++) {
        int y = e0->first_year + (int)j;
        year[j] = y;
        k[j] = solve_k(m, sex, e0->value[j], j ? k[j - 1] : fitted_k(m, sex, y));
    }
    m->n_knots[sex] = e0->n;
    memcpy(m->knot_year[sex], year, e0->n * sizeof *year);
    memcpy(m->knot_k[sex], k, e0->n * sizeof *k);
}

int mortality_model_init(struct mortality_model *m, const struct scenario *s, struct diag *d)
{
    *m = (struct mortality_model){0};
    const struct demography_params *dem = &s->demography;
    const struct period_table *t = &dem->mortality[SEX_MALE];
    int start = s->simulation.start_year;
    size_t base = 0;
    while (base + 1 < t->n_periods && t->end_year[base] <= start)
        base++;
    const char *e0_setting[N_SEXES] = {"demography.mortality.e0_male",
                                       "demography.mortality.e0_female"};
    const char *e0_file[N_SEXES] = {dem->e0_male_file, dem->e0_female_file};
    for (int sex = 0; sex < N_SEXES; sex++) {
        if (t->n_periods - base > MORTALITY_MAX_KNOTS || dem->e0[sex].n > MORTALITY_MAX_KNOTS) {
            diag_path(d, dem->e0[sex].n ? e0_setting[sex] : "demography.mortality.male",
                      dem->e0[sex].n ? e0_file[sex] : dem->mortality_male_file, 0,
                      "more than %d periods or years", MORTALITY_MAX_KNOTS);
            return -1;
        }
        int fitted = fit(m, (enum sex)sex, &dem->mortality[sex], base);
        if (fitted == GSL_ENOMEM) {
            diag_fail(d, "out of memory");
            return -1;
        }
        if (fitted) {
            diag_fail(d, "the Lee-Carter fit of %s failed: %s",
                      sex == SEX_MALE ? dem->mortality_male_file : dem->mortality_female_file,
                      gsl_strerror(fitted));
            return -1;
        }
        if (dem->e0[sex].n) refit(m, (enum sex)sex, &dem->e0[sex]);
        size_t last = m->n_knots[sex] - 1;
        if (last)
            m->drift[sex] = (m->knot_k[sex][last] - m->knot_k[sex][0]) /
                            (m->knot_year[sex][last] - m->knot_year[sex][0]);
    }
    m->volatility = dem->mortality_volatility;
    m->initial_volatility = dem->mortality_initial_volatility;
    m->improvement = dem->mortality_improvement;
    m->start_year = start;
    return 0;
}

double mortality_median_k(const struct mortality_model *m, enum sex sex, int year)
{
    double k = fitted_k(m, sex, year);
    if (year <= m->start_year || m->improvement == 1) return k;
    double k0 = fitted_k(m, sex, m->start_year);
    return k0 + m->improvement * (k - k0);
}

void mortality_rates(const struct mortality_model *m, enum sex sex, double k, double mx[N_AGES])
{
    for (int x = 0; x < N_AGES; x++)
        mx[x] = exp(m->a[sex][x] + m->b[sex][x] * k);
}

void mortality_year(const struct mortality_model *m, double deviation, int year,
                    struct demography_year *out)
{
    out->year = year;
    for (int sex = 0; sex < N_SEXES; sex++) {
        double mx[N_AGES];
        struct lifetable t;
        double k = mortality_median_k(m, (enum sex)sex, year) + deviation * fabs(m->drift[sex]);
        mortality_rates(m, (enum sex)sex, k, mx);
        lifetable_build(mx, (enum sex)sex, &t);
        lifetable_death_prob(&t, out->death_prob[sex], &out->newborn_death_prob[sex]);
        out->k[sex] = k;
        out->e0[sex] = t.e0;
    }
}

void mortality_state_init(struct mortality_state *st)
{
    *st = (struct mortality_state){0};
}

void mortality_step(const struct mortality_model *m, struct mortality_state *st, int year,
                    gsl_rng *r, struct demography_year *out)
{
    double z = gsl_ran_gaussian_ziggurat(r, 1.0);
    if (st->started) {
        st->deviation += m->volatility * z;
    } else {
        st->deviation = m->initial_volatility * z;
        st->started = 1;
    }
    mortality_year(m, st->deviation, year, out);
}
