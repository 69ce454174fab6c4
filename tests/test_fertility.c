/* test_fertility.c: the stochastic TFR driver (models/fertility.c): the
 * fertility pattern in single years, the median against the UN's, the
 * calibration of demography.fertility.volatility, persistence and
 * initial_volatility to the UN's 80 % and 95 % intervals (a least-squares
 * routine that must land on the defaults), simulated quantiles of the TFR in
 * 2030 and 2050, the moments of the shocks, and the stream keys. The scenario
 * is tests/scenarios/minimal.cfg (start 2022, the UN files of
 * scenarios/data/wpp). */
#include "models/demography.h"
#include "models/stream.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/config/wpp.h"

#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"
#define WPP FUNDSIM_SOURCE_DIR "/scenarios/data/wpp/"

enum { N_YEARS = 3, N_Q = 5 };
static const int years[N_YEARS] = {2022, 2030, 2050};
static const double z_of[N_Q] = {-1.959963985, -1.281551566, 0, 1.281551566, 1.959963985};
static const double level[N_Q] = {0.025, 0.10, 0.50, 0.90, 0.975};
static const char *const suffix[N_Q] = {"95l", "80l", "Med", "80u", "95u"};

struct fixture {
    struct scenario s;
    struct demography_model m;
    double un[N_YEARS][N_Q]; /* UN TFR quantiles */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct diag d = {0};
    if (!f || scenario_load(MINIMAL, NULL, 0, &f->s, &d) ||
        demography_model_init(&f->m, &f->s, &d)) {
        diag_print(stderr, &d);
        return -1;
    }
    for (int q = 0; q < N_Q; q++) {
        char path[512];
        snprintf(path, sizeof path, WPP "china_tfrproj%s.csv", suffix[q]);
        struct wpp_series w;
        if (wpp_read_series(path, "test", &w, &d)) {
            diag_print(stderr, &d);
            return -1;
        }
        for (int y = 0; y < N_YEARS; y++)
            f->un[y][q] = w.value[years[y] - w.first_year];
        wpp_series_free(&w);
    }
    diag_free(&d);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    scenario_free(&f->s);
    free(f);
    return 0;
}

/* Standard deviation of d(t): d(start) ~ N(0, iv²), then AR(1), so
 * var = φ^(2h) iv² + σ² (1 - φ^(2h)) / (1 - φ²), h = t - start. */
static double deviation_sd(double sigma, double phi, double iv, int year)
{
    int h = year - years[0];
    double p2h = pow(phi, 2 * h);
    double sum = phi < 1 ? (1 - p2h) / (1 - phi * phi) : h;
    return sqrt(p2h * iv * iv + sigma * sigma * sum);
}

/* The UN's pattern of 2020-2025 (percent by mother's group 15-19 .. 45-49:
 * 4.69, 20.84, 34.35, 24.98, 11.87, 2.82, 0.37) in single years: the shares
 * are 0 outside 10..54, sum to 1, and keep each group's share; in 2022 (the
 * period's middle year) the ASFR sum to the TFR, 1.175453 (the UN median). */
static void test_pattern(void **state)
{
    const struct fixture *f = *state;
    const struct fertility_model *m = &f->m.fertility;
    const struct period_table *t = &f->s.demography.fertility_pattern;
    size_t p = 0;
    while (t->first_year[p] != 2020)
        p++;
    assert_close(m->period_year[p], 2022, 0);
    double sum = 0, group_percent = 0;
    for (size_t g = 0; g < t->n_groups; g++)
        group_percent += t->value[p * t->n_groups + g];
    for (int x = 0; x < N_AGES; x++) {
        if (x < 10 || x >= 55) assert_close(m->pattern[p][x], 0, 0);
        sum += m->pattern[p][x];
    }
    assert_close(sum, 1, 1e-12);
    for (size_t g = 0; g < t->n_groups; g++) {
        double share = 0;
        for (int x = t->first_age[g]; x < t->first_age[g] + 5; x++)
            share += m->pattern[p][x];
        assert_close(share, t->value[p * t->n_groups + g] / group_percent, 1e-12);
    }
    assert_close(t->value[p * t->n_groups + 3], 34.3464207161694, 1e-12); /* 25-29 */
    struct demography_year y;
    fertility_year(m, 0, 2022, &y);
    double tfr = 0;
    for (int x = 0; x < N_AGES; x++)
        tfr += y.asfr[x];
    assert_close(y.tfr, 1.175453, 1e-12);
    assert_close(tfr, 1.175453, 1e-12);
}

/* The median year is the UN's: TFR 1.269297 in 2030 and 1.390649 in 2050
 * (china_tfrprojMed.csv), and before the file (2020, the age structure's
 * year) its first value; the share of boys from the sex ratio at birth, 1.113
 * in 2022: 1.113 / 2.113. */
static void test_median(void **state)
{
    const struct fixture *f = *state;
    struct demography_year y;
    fertility_year(&f->m.fertility, 0, 2030, &y);
    assert_close(y.tfr, 1.269297, 1e-12);
    fertility_year(&f->m.fertility, 0, 2050, &y);
    assert_close(y.tfr, 1.390649, 1e-12);
    fertility_year(&f->m.fertility, 0, 2020, &y);
    assert_close(y.tfr, 1.175453, 1e-12);
    fertility_year(&f->m.fertility, 0, 2022, &y);
    assert_close(y.male_birth_share, 1.113 / 2.113, 1e-12);
    for (int k = 0; k < N_YEARS; k++)
        assert_close(f->un[k][2], fertility_series_at(&f->m.fertility.tfr, years[k]), 0);
}

/* ---- calibration ---- */

/* Sum of squared differences between the model's and the UN's 2.5, 10, 90
 * and 97.5 % quantiles of the TFR in 2022, 2030 and 2050 (12 terms); the
 * model's quantile is the median + z sd (the floor is never near). */
static double misfit(const gsl_vector *x, void *params)
{
    const struct fixture *f = params;
    double sigma = fabs(gsl_vector_get(x, 0)), phi = fabs(gsl_vector_get(x, 1));
    double iv = fabs(gsl_vector_get(x, 2)), ss = 0;
    if (phi >= 1) return 1e9;
    for (int y = 0; y < N_YEARS; y++)
        for (int q = 0; q < N_Q; q++) {
            double e = f->un[y][2] + z_of[q] * deviation_sd(sigma, phi, iv, years[y]) - f->un[y][q];
            ss += e * e;
        }
    return ss;
}

/* The calibration routine: Nelder-Mead on (volatility, persistence,
 * initial_volatility) from (0.05, 0.9, 0.05). Its optimum, 0.062 children
 * per woman, 0.975 and 0.106 (root-mean-square misfit 0.022, largest 0.050 at
 * the upper 95 % bound of 2050: the UN's lower tail is longer than its upper
 * one, a normal deviation's are equal), is the default; the test fails if the
 * defaults drift from it by more than 0.002 (volatilities) or 0.005
 * (persistence). The model's quantiles of 2030 and 2050 are then within 0.06
 * of the UN's. */
static void test_calibration(void **state)
{
    const struct fixture *f = *state;
    gsl_multimin_function fn = {.f = misfit, .n = 3, .params = (void *)f};
    gsl_vector *x = gsl_vector_alloc(3), *step = gsl_vector_alloc(3);
    gsl_vector_set(x, 0, 0.05);
    gsl_vector_set(x, 1, 0.9);
    gsl_vector_set(x, 2, 0.05);
    gsl_vector_set_all(step, 0.02);
    gsl_multimin_fminimizer *min =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 3);
    gsl_multimin_fminimizer_set(min, &fn, x, step);
    for (int it = 0; it < 2000 && gsl_multimin_fminimizer_size(min) > 1e-6; it++)
        gsl_multimin_fminimizer_iterate(min);
    double sigma = fabs(gsl_vector_get(min->x, 0)), phi = fabs(gsl_vector_get(min->x, 1));
    double iv = fabs(gsl_vector_get(min->x, 2));
    printf("# calibrated volatility %.4f, persistence %.4f, initial_volatility %.4f, rms misfit "
           "%.4f\n",
           sigma, phi, iv, sqrt(min->fval / 12));
    const struct demography_params *dem = &f->s.demography;
    assert_close(dem->tfr_volatility, sigma, 0.002);
    assert_close(dem->tfr_persistence, phi, 0.005);
    assert_close(dem->tfr_initial_volatility, iv, 0.002);
    for (int y = 1; y < N_YEARS; y++)
        for (int q = 0; q < N_Q; q++) {
            double sd = deviation_sd(sigma, phi, iv, years[y]);
            assert_true(fabs(f->un[y][2] + z_of[q] * sd - f->un[y][q]) < 0.06);
        }
    gsl_multimin_fminimizer_free(min);
    gsl_vector_free(step);
    gsl_vector_free(x);
}

/* ---- simulation ---- */

static struct stream_key key(uint64_t path, int year)
{
    return (struct stream_key){.seed = 20240601,
                               .path = path,
                               .region = STREAM_ALL_REGIONS,
                               .year = year,
                               .driver = DRIVER_FERTILITY};
}

/* 4000 paths from 2022: the simulated 2.5, 10, 50, 90 and 97.5 % quantiles of
 * the TFR in 2030 and 2050 are (1) within 4 standard errors of the model's
 * (normal: SE = sqrt(q (1 - q) / n) sd / φ(z_q)) and (2) within 0.1 children
 * per woman of the UN's. The tolerance of (2): the model's quantiles are
 * within 0.050 of the UN's (test_calibration), and a tail quantile of 4000
 * paths has a standard error of 0.010 in 2050 (sd 0.25); 0.1 leaves 5 of them
 * beyond the misfit, and is a tenth of the UN's 95 % interval in 2050 (0.86
 * to 1.83) and 7 % of its median. */
static void test_simulated_quantiles(void **state)
{
    const struct fixture *f = *state;
    const struct fertility_model *m = &f->m.fertility;
    enum { PATHS = 4000 };
    static double tfr[2][PATHS];
    gsl_rng *r = stream_alloc();
    for (uint64_t p = 0; p < PATHS; p++) {
        struct fertility_state st;
        fertility_state_init(&st);
        for (int year = 2022; year <= 2050; year++) {
            struct demography_year y;
            stream_seek(r, key(p, year));
            fertility_step(m, &st, year, r, &y);
            if (year == 2030) tfr[0][p] = y.tfr;
            if (year == 2050) tfr[1][p] = y.tfr;
        }
    }
    gsl_rng_free(r);
    for (int y = 1; y < N_YEARS; y++) {
        double *v = tfr[y - 1];
        gsl_sort(v, 1, PATHS);
        double sd = deviation_sd(m->volatility, m->persistence, m->initial_volatility, years[y]);
        for (int q = 0; q < N_Q; q++) {
            double got = gsl_stats_quantile_from_sorted_data(v, 1, PATHS, level[q]);
            double model = f->un[y][2] + z_of[q] * sd;
            double density = exp(-0.5 * z_of[q] * z_of[q]) / sqrt(2 * M_PI) / sd;
            double se = sqrt(level[q] * (1 - level[q]) / PATHS) / density;
            printf("# TFR %d %4.1f %%: simulated %.3f, model %.3f (SE %.3f), UN %.3f\n", years[y],
                   100 * level[q], got, model, se, f->un[y][q]);
            assert_true(fabs(got - model) < 4 * se);
            assert_true(fabs(got - f->un[y][q]) < 0.1);
        }
    }
}

/* 10 000 paths: the start year's deviation d ~ N(0, initial_volatility²) and
 * the next year's innovation d(t) - φ d(t-1) ~ N(0, volatility²): sample
 * means within 4 SE of 0, variances within 4 SE of the analytic ones (SE of a
 * normal sample variance = σ² sqrt(2 / (n - 1))). */
static void test_shock_moments(void **state)
{
    const struct fixture *f = *state;
    const struct fertility_model *m = &f->m.fertility;
    enum { N = 10000 };
    static double first[N], innovation[N];
    gsl_rng *r = stream_alloc();
    for (uint64_t p = 0; p < N; p++) {
        struct fertility_state st;
        struct demography_year y;
        fertility_state_init(&st);
        stream_seek(r, key(p, 2022));
        fertility_step(m, &st, 2022, r, &y);
        first[p] = st.deviation;
        assert_close(y.tfr, 1.175453 + st.deviation, 1e-12);
        stream_seek(r, key(p, 2023));
        fertility_step(m, &st, 2023, r, &y);
        innovation[p] = st.deviation - m->persistence * first[p];
    }
    gsl_rng_free(r);
    const double sd[2] = {m->initial_volatility, m->volatility};
    const double *x[2] = {first, innovation};
    for (int k = 0; k < 2; k++) {
        double mean = gsl_stats_mean(x[k], 1, N), var = gsl_stats_variance(x[k], 1, N);
        assert_true(fabs(mean) < 4 * sd[k] / sqrt(N));
        assert_true(fabs(var - sd[k] * sd[k]) < 4 * sd[k] * sd[k] * sqrt(2.0 / (N - 1)));
    }
}

/* Same key, bit-identical years; another path, other numbers. */
static void test_stream_keys(void **state)
{
    const struct fixture *f = *state;
    gsl_rng *r = stream_alloc();
    struct demography_year a[3];
    const uint64_t path[3] = {5, 5, 6};
    for (int k = 0; k < 3; k++) {
        struct fertility_state st;
        fertility_state_init(&st);
        memset(&a[k], 0, sizeof a[k]);
        for (int year = 2022; year < 2030; year++) {
            if (k == 1) gsl_rng_uniform(r); /* what was drawn before the seek does not matter */
            stream_seek(r, key(path[k], year));
            fertility_step(&f->m.fertility, &st, year, r, &a[k]);
        }
    }
    /* from k on: the bytes after `year` are padding */
    assert_int_equal(a[0].year, a[1].year);
    assert_memory_equal(a[0].k, a[1].k, sizeof a[0] - offsetof(struct demography_year, k));
    assert_true(a[0].tfr != a[2].tfr);
    gsl_rng_free(r);
}

/* demography.fertility.shift adds to the median TFR from the start year
 * (2022) on, exactly, at any deviation; the years before are unchanged. */
static void test_shift(void **state)
{
    const struct fixture *f = *state;
    const struct setting_override sets[] = {
        {.key = "demography.fertility.shift", .value = "-0.3"}};
    struct scenario s;
    struct demography_model *m = calloc(1, sizeof *m);
    struct diag d = {0};
    memset(&s, 0, sizeof s);
    if (!m || scenario_load(MINIMAL, sets, 1, &s, &d) || demography_model_init(m, &s, &d)) {
        diag_print(stderr, &d);
        fail();
    }
    for (int year = 2015; year <= 2100; year += 5)
        for (double dev = -0.2; dev <= 0.21; dev += 0.2) {
            struct demography_year a, b;
            fertility_year(&f->m.fertility, dev, year, &a);
            fertility_year(&m->fertility, dev, year, &b);
            double median = fertility_series_at(&f->m.fertility.tfr, year);
            assert_true(a.tfr == median + dev);
            assert_true(b.tfr == (year >= 2022 ? median - 0.3 : median) + dev);
        }
    scenario_free(&s);
    diag_free(&d);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern),       cmocka_unit_test(test_median),
        cmocka_unit_test(test_calibration),   cmocka_unit_test(test_simulated_quantiles),
        cmocka_unit_test(test_shock_moments), cmocka_unit_test(test_stream_keys),
        cmocka_unit_test(test_shift),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
