/* test_economy.c: the economy driver (models/economy.c): the income level
 * identity, the AR(1) moments of income growth and of the interest rate over
 * 10 000 paths (within 4 standard errors of the analytic values), the interest
 * floor, and the stream discipline (same key, same numbers; other key, other
 * numbers). */
#include "models/economy.h"
#include "models/stream.h"
#include "sim/config/scenario.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

#define START 2022
#define PATHS 10000

static struct scenario scenario_with(struct economy_params p)
{
    struct scenario s = {0};
    s.simulation.start_year = START;
    s.economy = p;
    return s;
}

static const struct economy_params defaults = {
    .income_yuan = 26811.0,
    .income_growth_mean = 0.05,
    .income_growth_volatility = 0.02,
    .income_growth_persistence = 0.6,
    .interest_mean = 0.03,
    .interest_volatility = 0.004,
    .interest_persistence = 0.8,
};

static struct stream_key key(uint64_t path, int year)
{
    return (struct stream_key){.seed = 99,
                               .path = path,
                               .region = STREAM_ALL_REGIONS,
                               .year = year,
                               .driver = DRIVER_ECONOMY};
}

/* Runs `years` years of path `path`; the last two years land in out[0], out[1]. */
static void run(const struct economy_model *m, gsl_rng *r, uint64_t path, int years,
                struct economy_year out[2])
{
    struct economy_state st;
    economy_state_init(m, &st, NULL);
    for (int t = 0; t < years; t++) {
        stream_seek(r, key(path, START + t));
        out[0] = out[1];
        economy_step(m, &st, r, &out[1]);
    }
}

struct moments {
    double mean, var, n;
};

static struct moments moments_of(const double *x, int n)
{
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++)
        sum += x[i];
    double mean = sum / n;
    for (int i = 0; i < n; i++)
        sq += (x[i] - mean) * (x[i] - mean);
    return (struct moments){mean, sq / (n - 1), n};
}

/* Sample mean and variance of normal draws within 4 standard errors of `mean`
 * and `var` (the sample variance's standard error is var sqrt(2 / (n - 1))). */
static void assert_normal_moments(const double *x, int n, double mean, double var)
{
    struct moments s = moments_of(x, n);
    assert_true(fabs(s.mean - mean) < 4 * sqrt(var / n));
    assert_true(fabs(s.var - var) < 4 * var * sqrt(2.0 / (n - 1)));
}

/* With no volatility: 26,811 x 1.05 = 28,151.55 in 2022, x 1.05 = 29,559.1275
 * in 2023; each year's previous income is the year before's income, and the
 * first year's is economy.income_yuan. */
static void test_income_level_identity(void **state)
{
    (void)state;
    struct economy_params p = defaults;
    p.income_growth_volatility = 0;
    p.interest_volatility = 0;
    struct scenario s = scenario_with(p);
    struct economy_model m;
    economy_model_init(&m, &s);
    gsl_rng *r = stream_alloc();
    struct economy_state st;
    economy_state_init(&m, &st, NULL);
    struct economy_year y[3];
    for (int t = 0; t < 3; t++) {
        stream_seek(r, key(1, START + t));
        economy_step(&m, &st, r, &y[t]);
        assert_true(y[t].income_growth == 0.05);
        assert_true(y[t].interest_rate == 0.03);
    }
    assert_true(y[0].income_prev_yuan == 26811.0);
    assert_close(y[0].income_yuan, 28151.55, 1e-9);
    assert_close(y[1].income_yuan, 29559.1275, 1e-9);
    assert_true(y[1].income_prev_yuan == y[0].income_yuan);
    assert_true(y[2].income_prev_yuan == y[1].income_yuan);
    gsl_rng_free(r);
}

/* Income growth deviation d_t = g_t - mu from d_0 = 0: after one year sigma z,
 * variance sigma^2 = 4e-4; after 30 years sigma^2 (1 - phi^60) / (1 - phi^2)
 * = 6.25e-4 (to 1e-13: the stationary variance); lag-1 correlation phi = 0.6
 * at stationarity, standard error (1 - phi^2) / sqrt(n) = 0.0064. The shock
 * output is z itself: mean 0, variance 1, and d_1 = sigma z. Also the level:
 * income = previous income x (1 + g). */
static void test_income_growth_ar1(void **state)
{
    (void)state;
    struct scenario s = scenario_with(defaults);
    struct economy_model m;
    economy_model_init(&m, &s);
    gsl_rng *r = stream_alloc();
    static double first[PATHS], z[PATHS], last[PATHS], before[PATHS];
    for (int i = 0; i < PATHS; i++) {
        struct economy_year y[2] = {0};
        run(&m, r, (uint64_t)i, 1, y);
        first[i] = y[1].income_growth - 0.05;
        z[i] = y[1].income_shock;
        assert_close(first[i], 0.02 * z[i], 1e-15);
        assert_close(y[1].income_yuan, 26811.0 * (1 + y[1].income_growth), 1e-9);
        run(&m, r, (uint64_t)i, 30, y);
        last[i] = y[1].income_growth - 0.05;
        before[i] = y[0].income_growth - 0.05;
        assert_close(y[1].income_yuan, y[1].income_prev_yuan * (1 + y[1].income_growth), 1e-6);
    }
    assert_normal_moments(z, PATHS, 0, 1);
    assert_normal_moments(first, PATHS, 0, 4e-4);
    double phi = 0.6, stationary = 4e-4 / (1 - phi * phi);
    assert_normal_moments(last, PATHS, 0, stationary * (1 - pow(phi, 60)));

    double cov = 0;
    for (int i = 0; i < PATHS; i++)
        cov += last[i] * before[i];
    struct moments a = moments_of(last, PATHS), b = moments_of(before, PATHS);
    double corr = (cov / PATHS - a.mean * b.mean) / sqrt(a.var * b.var);
    assert_true(fabs(corr - phi) < 4 * (1 - phi * phi) / sqrt(PATHS));
    gsl_rng_free(r);
}

/* The interest rate: mean 0.03, stationary standard deviation 0.004 given by
 * interest_volatility; after t years from e_0 = 0 its variance is
 * 0.004^2 (1 - 0.8^(2t)): 5.76e-6 after one year, 1.6e-5 (to 1e-12) after
 * 40. The floor, 10 standard deviations below, never binds here. */
static void test_interest_ar1(void **state)
{
    (void)state;
    struct scenario s = scenario_with(defaults);
    struct economy_model m;
    economy_model_init(&m, &s);
    gsl_rng *r = stream_alloc();
    static double first[PATHS], last[PATHS];
    for (int i = 0; i < PATHS; i++) {
        struct economy_year y[2] = {0};
        run(&m, r, (uint64_t)i, 1, y);
        first[i] = y[1].interest_rate;
        run(&m, r, (uint64_t)i, 40, y);
        last[i] = y[1].interest_rate;
    }
    assert_normal_moments(first, PATHS, 0.03, 16e-6 * (1 - 0.64));
    assert_normal_moments(last, PATHS, 0.03, 16e-6 * (1 - pow(0.8, 80)));
    gsl_rng_free(r);
}

/* A mean rate of 0.1 % with a 1 % standard deviation: without the floor about
 * 46 % of years would be negative; with it, none is, and those years earn
 * exactly 0. A negative mean rate is the scenario's choice and is kept. */
static void test_interest_floor(void **state)
{
    (void)state;
    struct economy_params p = defaults;
    p.interest_mean = 0.001;
    p.interest_volatility = 0.01;
    struct scenario s = scenario_with(p);
    struct economy_model m;
    economy_model_init(&m, &s);
    gsl_rng *r = stream_alloc();
    int zero = 0;
    for (int i = 0; i < 1000; i++) {
        struct economy_year y[2] = {0};
        run(&m, r, (uint64_t)i, 5, y);
        assert_true(y[1].interest_rate >= 0);
        zero += y[1].interest_rate == 0;
    }
    assert_in_range(zero, 300, 600);

    p.interest_mean = -0.01;
    p.interest_volatility = 0;
    s = scenario_with(p);
    economy_model_init(&m, &s);
    struct economy_year y[2] = {0};
    run(&m, r, 1, 3, y);
    assert_true(y[1].interest_rate == -0.01);
    gsl_rng_free(r);
}

/* The same key gives the same year bit for bit, whatever the generator drew
 * before; a different path or year gives other numbers. */
static void test_same_key_same_year(void **state)
{
    (void)state;
    struct scenario s = scenario_with(defaults);
    struct economy_model m;
    economy_model_init(&m, &s);
    gsl_rng *r = stream_alloc();
    struct economy_year a[2] = {0}, b[2] = {0}, c[2] = {0};
    run(&m, r, 5, 10, a);
    run(&m, r, 6, 10, c);
    run(&m, r, 5, 10, b);
    assert_memory_equal(&a[1], &b[1], sizeof a[1]);
    assert_true(a[1].income_yuan != c[1].income_yuan);
    assert_true(a[1].interest_rate != c[1].interest_rate);
    assert_true(a[1].income_shock != a[0].income_shock);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_income_level_identity), cmocka_unit_test(test_income_growth_ar1),
        cmocka_unit_test(test_interest_ar1),          cmocka_unit_test(test_interest_floor),
        cmocka_unit_test(test_same_key_same_year),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
