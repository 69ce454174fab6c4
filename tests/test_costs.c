/* test_costs.c: the cost-growth driver (models/costs.c): the index worked by
 * hand with every volatility 0 (exactly), the excess-growth schedule and its
 * convergence, the moments of the inflation, excess (AR(1)) and technology
 * (compound Poisson) shocks over 10 000 paths within 4 standard errors of the
 * analytic values, the correlation of the excess shock with the income shock,
 * the split into use and price, and the stream discipline. */
#include "models/costs.h"
#include "models/economy.h"
#include "models/parameters.h"
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

static const struct cost_params defaults = {
    .inflation_mean = 0.02,
    .inflation_volatility = 0.01,
    .utilization_trend = 0.01,
    .excess_initial = 0.02,
    .excess_years = 30,
    .excess_persistence = 0.6,
    .excess_volatility = 0.015,
    .income_correlation = 0.5,
    .technology_rate = 0.5,
    .technology_jump = 0.04,
};

static struct scenario scenario_with(struct cost_params c)
{
    struct scenario s = {0};
    s.simulation.start_year = START;
    s.costs = c;
    /* Income growth equal to the long-run cost growth without excess, so that
     * the excess converges to exactly 0 (as costs_model_init computes it). */
    double g = c.inflation_mean + c.utilization_trend + c.technology_rate * c.technology_jump;
    s.economy = (struct economy_params){.income_yuan = 26811.0,
                                        .income_growth_mean = g,
                                        .income_growth_volatility = 0.015,
                                        .income_growth_persistence = 0.5,
                                        .interest_mean = 0.015,
                                        .interest_volatility = 0.003,
                                        .interest_persistence = 0.8};
    return s;
}

static struct stream_key key(uint64_t path, int year, enum stream_driver driver)
{
    return (struct stream_key){
        .seed = 7, .path = path, .region = STREAM_ALL_REGIONS, .year = year, .driver = driver};
}

/* Runs path `path` from START through `last`, the economy first each year as
 * the engine will; returns the cost and economy years of `last`. */
static void run(const struct scenario *s, gsl_rng *r, uint64_t path, int last,
                struct costs_year *out, struct economy_year *econ)
{
    struct economy_model em;
    struct costs_model cm;
    economy_model_init(&em, s);
    costs_model_init(&cm, s);
    struct economy_state es;
    struct costs_state cs;
    economy_state_init(&em, &es, NULL);
    costs_state_init(&cm, &cs, NULL);
    for (int year = START; year <= last; year++) {
        stream_seek(r, key(path, year, DRIVER_ECONOMY));
        economy_step(&em, &es, r, econ);
        stream_seek(r, key(path, year, DRIVER_COSTS));
        costs_step(&cm, &cs, year, econ->income_shock, r, out);
    }
}

struct moments {
    double mean, var;
};

static struct moments moments_of(const double *x, int n)
{
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++)
        sum += x[i];
    double mean = sum / n;
    for (int i = 0; i < n; i++)
        sq += (x[i] - mean) * (x[i] - mean);
    return (struct moments){mean, sq / (n - 1)};
}

static void assert_normal_moments(const double *x, int n, double mean, double var)
{
    struct moments s = moments_of(x, n);
    assert_true(fabs(s.mean - mean) < 4 * sqrt(var / n));
    assert_true(fabs(s.var - var) < 4 * var * sqrt(2.0 / (n - 1)));
}

static double correlation(const double *x, const double *y, int n)
{
    struct moments a = moments_of(x, n), b = moments_of(y, n);
    double cov = 0;
    for (int i = 0; i < n; i++)
        cov += (x[i] - a.mean) * (y[i] - b.mean);
    return cov / (n - 1) / sqrt(a.var * b.var);
}

/* Every volatility and the technology rate 0; inflation 1/32, trend 1/64,
 * excess 1/16 falling to 0 over 4 years (dyadic figures: every product below
 * is exact in binary). Policy effects -1/4 in 2024, +1/8 in 2026, and -1/2 in
 * the start year 2022, which the start year's costs already include.
 *   2022: 1 (the start year)
 *   2023: s = 0, excess 1/16:     x (1 + 1/32 + 1/64 + 1/16) = 71/64
 *   2024: s = 1, excess 3/64:     x 35/32 x 3/4              = 7455/8192
 *   2025: s = 2, excess 1/32:     x 69/64                    = 514395/524288
 *   2026: s = 3, excess 1/64:     x 17/16 x 9/8              = 78702435/67108864
 *   2027: s = 4, excess 0:        x 67/64                    = 5273063145/2^32
 *   2028: excess 0:               x 67/64                    = 353295230715/2^38
 * The use index is (65/64)^t; the price index the cost index over it. */
static void test_index_by_hand(void **state)
{
    (void)state;
    static int keys[] = {2022, 2024, 2026};
    static double values[] = {-0.5, -0.25, 0.125};
    struct cost_params c = {
        .inflation_mean = 1.0 / 32,
        .utilization_trend = 1.0 / 64,
        .excess_initial = 1.0 / 16,
        .excess_years = 4,
        .excess_persistence = 0.6,
        .income_correlation = 0.5,
        .technology_jump = 0.04,
        .policy_effects = {.n = 3, .key = keys, .value = values},
    };
    struct scenario s = scenario_with(c);
    const double expected[] = {1,
                               71.0 / 64,
                               7455.0 / 8192,
                               514395.0 / 524288,
                               78702435.0 / 67108864,
                               5273063145.0 / 4294967296.0,
                               353295230715.0 / 274877906944.0};
    const double excess[] = {0, 1.0 / 16, 3.0 / 64, 1.0 / 32, 1.0 / 64, 0, 0};
    const double effect[] = {0, 0, -0.25, 0, 0.125, 0, 0};
    gsl_rng *r = stream_alloc();
    for (int t = 0; t < 7; t++) {
        struct costs_year y;
        struct economy_year e;
        run(&s, r, 3, START + t, &y, &e);
        assert_true(y.cost_index == expected[t]);
        assert_true(y.excess_rate == excess[t]);
        assert_true(y.policy_effect == effect[t]);
        assert_true(y.technology_jump == 0);
        assert_true(y.use_index == pow(65.0 / 64, t));
        assert_close(y.price_index * y.use_index, y.cost_index, 1e-15);
        if (t > 0) assert_true(y.inflation_rate == 1.0 / 32);
    }
    gsl_rng_free(r);
}

/* The use index that the benefit tables are built for (costs_use_index) is
 * the one every path steps through, bit for bit: a trend of 1.3 % (not exact in
 * binary), falling 2 % and 0, over 40 years; 1 before the first projected year. */
static void test_use_index_of_year(void **state)
{
    (void)state;
    const double trends[] = {0.013, -0.02, 0};
    for (size_t k = 0; k < sizeof trends / sizeof *trends; k++) {
        struct cost_params c = defaults;
        c.utilization_trend = trends[k];
        struct scenario s = scenario_with(c);
        struct costs_model m;
        costs_model_init(&m, &s);
        struct costs_state st;
        costs_state_init(&m, &st, NULL);
        gsl_rng *r = stream_alloc();
        for (int year = START; year < START + 40; year++) {
            struct costs_year y;
            stream_seek(r, key(5, year, DRIVER_COSTS));
            costs_step(&m, &st, year, 0.3, r, &y);
            assert_true(costs_use_index(&m, year) == y.use_index);
        }
        assert_true(costs_use_index(&m, START - 1) == 1 && costs_use_index(&m, START) == 1);
        assert_close(costs_use_index(&m, START + 39), pow(1 + trends[k], 39), 1e-13);
        gsl_rng_free(r);
    }
}

/* The schedule: 0.02 in the first projected year, 0.02 / 30 less each year,
 * 0.01 at s = 15, 0 from s = 30 on, never negative; with excess_years 2.5 it
 * is e0, 0.6 e0, 0.2 e0, then 0. Nothing before the first projected year. */
static void test_excess_schedule(void **state)
{
    (void)state;
    struct scenario s = scenario_with(defaults);
    struct costs_model m;
    costs_model_init(&m, &s);
    assert_true(costs_excess_trend(&m, START) == 0);
    assert_true(costs_excess_trend(&m, START + 1) == 0.02);
    assert_close(costs_excess_trend(&m, START + 16), 0.01, 1e-15);
    for (int sy = 0; sy < 30; sy++) {
        double a = costs_excess_trend(&m, START + 1 + sy);
        double b = costs_excess_trend(&m, START + 2 + sy);
        assert_close(a - b, 0.02 / 30, 1e-15);
    }
    for (int sy = 30; sy < 100; sy++)
        assert_true(costs_excess_trend(&m, START + 1 + sy) == 0);

    struct cost_params c = defaults;
    c.excess_years = 2.5;
    s = scenario_with(c);
    costs_model_init(&m, &s);
    assert_close(costs_excess_trend(&m, START + 1), 0.02, 1e-15);
    assert_close(costs_excess_trend(&m, START + 2), 0.012, 1e-15);
    assert_close(costs_excess_trend(&m, START + 3), 0.004, 1e-15);
    assert_true(costs_excess_trend(&m, START + 4) == 0);
}

/* Income growing faster than unit costs would without excess: income 6 %,
 * inflation 2 %, use 1 %, technology 0.5 x 0.04 = 2 %, so the excess tends to
 * x_inf = 0.06 - 0.05 = 0.01: 0.02 in the first projected year, 0.015 at
 * s = 15, 0.01 from s = 30 on; and the mean yearly growth of the index, 30
 * years on, is then about 1.06 (its deviation and jumps aside). */
static void test_excess_converges_to_income(void **state)
{
    (void)state;
    struct scenario s = scenario_with(defaults);
    s.economy.income_growth_mean = 0.06;
    struct costs_model m;
    costs_model_init(&m, &s);
    assert_close(costs_excess_trend(&m, START + 1), 0.02, 1e-15);
    assert_close(costs_excess_trend(&m, START + 16), 0.015, 1e-15);
    for (int sy = 30; sy < 100; sy++)
        assert_close(costs_excess_trend(&m, START + 1 + sy), 0.01, 1e-15);
    assert_close(defaults.inflation_mean + defaults.utilization_trend +
                     costs_excess_trend(&m, START + 40) +
                     defaults.technology_rate * defaults.technology_jump,
                 0.06, 1e-15);
}

/* Over 10 000 paths, with the AR(1) deviation starting at 0:
 * - first projected year: excess = 0.02 + 0.015 eta, mean 0.02, variance
 *   2.25e-4; eta's correlation with the income shock z is 0.5 (standard error
 *   (1 - 0.25) / 100 = 0.0075); inflation N(0.02, 1e-4);
 * - 30 years in (s = 29): the schedule is 0.02 / 30 and the deviation's
 *   variance 2.25e-4 (1 - 0.6^60) / (1 - 0.36) = 3.515625e-4 (the stationary
 *   value to 1e-17);
 * - 31 years in (s = 30): the mean excess has converged to 0. */
static void test_excess_ar1_and_correlation(void **state)
{
    (void)state;
    struct scenario s = scenario_with(defaults);
    gsl_rng *r = stream_alloc();
    static double first[PATHS], z[PATHS], infl[PATHS], late[PATHS], converged[PATHS];
    for (int i = 0; i < PATHS; i++) {
        struct costs_year y;
        struct economy_year e;
        run(&s, r, (uint64_t)i, START + 1, &y, &e);
        first[i] = y.excess_rate;
        z[i] = e.income_shock;
        infl[i] = y.inflation_rate;
        assert_true(y.excess_rate == y.excess_trend_rate + y.excess_deviation_rate);
        run(&s, r, (uint64_t)i, START + 30, &y, &e);
        late[i] = y.excess_deviation_rate;
        run(&s, r, (uint64_t)i, START + 31, &y, &e);
        converged[i] = y.excess_rate;
        assert_true(y.excess_trend_rate == 0);
    }
    assert_normal_moments(first, PATHS, 0.02, 2.25e-4);
    assert_normal_moments(infl, PATHS, 0.02, 1e-4);
    double stationary = 2.25e-4 / (1 - 0.36);
    assert_normal_moments(late, PATHS, 0, stationary * (1 - pow(0.6, 60)));
    assert_true(fabs(moments_of(converged, PATHS).mean) < 4 * sqrt(stationary / PATHS));
    assert_true(fabs(correlation(first, z, PATHS) - 0.5) < 4 * 0.75 / sqrt(PATHS));
    gsl_rng_free(r);
}

/* A negative correlation, -0.8 (standard error 0.36 / 100); and at 1 the
 * excess shock is the income shock itself: deviation = 0.015 z exactly. */
static void test_correlation_sign_and_limit(void **state)
{
    (void)state;
    struct cost_params c = defaults;
    c.income_correlation = -0.8;
    struct scenario s = scenario_with(c);
    gsl_rng *r = stream_alloc();
    static double dev[PATHS], z[PATHS];
    for (int i = 0; i < PATHS; i++) {
        struct costs_year y;
        struct economy_year e;
        run(&s, r, (uint64_t)i, START + 1, &y, &e);
        dev[i] = y.excess_deviation_rate;
        z[i] = e.income_shock;
    }
    assert_true(fabs(correlation(dev, z, PATHS) + 0.8) < 4 * 0.36 / sqrt(PATHS));

    c.income_correlation = 1;
    s = scenario_with(c);
    for (int i = 0; i < 100; i++) {
        struct costs_year y;
        struct economy_year e;
        run(&s, r, (uint64_t)i, START + 1, &y, &e);
        assert_close(y.excess_deviation_rate, 0.015 * e.income_shock, 1e-17);
    }
    gsl_rng_free(r);
}

/* New technology, compound Poisson with rate 0.5 and exponential sizes of mean
 * 0.04: the cumulants are kappa_k = lambda E[J^k] = 0.5 k! 0.04^k, so the mean
 * is 0.02, the variance 2 x 0.5 x 0.0016 = 0.0016, and the sample variance's
 * standard error sqrt((kappa_4 + 2 kappa_2^2) / n) with kappa_4 = 24 x 0.5 x
 * 0.04^4 = 3.072e-5. A year without a jump has probability e^-0.5 = 0.6065.
 * The jump multiplies the year's growth: 1 + growth = (1 + pi + u + x)(1 + J). */
static void test_technology_compound_poisson(void **state)
{
    (void)state;
    struct scenario s = scenario_with(defaults);
    gsl_rng *r = stream_alloc();
    static double jump[PATHS];
    int none = 0;
    for (int i = 0; i < PATHS; i++) {
        struct costs_year y;
        struct economy_year e;
        run(&s, r, (uint64_t)i, START + 2, &y, &e);
        jump[i] = y.technology_jump;
        none += jump[i] == 0;
        assert_true(jump[i] >= 0);
        double base = 1 + y.inflation_rate + 0.01 + y.excess_rate;
        assert_close(1 + y.growth_rate, base * (1 + y.technology_jump), 1e-14);
        assert_close(y.use_index, 1.01 * 1.01, 1e-15);
        assert_close(y.price_index * y.use_index, y.cost_index, 1e-15);
    }
    struct moments m = moments_of(jump, PATHS);
    double k2 = 0.0016, k4 = 24 * 0.5 * pow(0.04, 4);
    assert_true(fabs(m.mean - 0.02) < 4 * sqrt(k2 / PATHS));
    assert_true(fabs(m.var - k2) < 4 * sqrt((k4 + 2 * k2 * k2) / PATHS));
    double p0 = exp(-0.5);
    assert_true(fabs((double)none / PATHS - p0) < 4 * sqrt(p0 * (1 - p0) / PATHS));
    gsl_rng_free(r);
}

/* Same key, same years bit for bit; another path, other numbers. */
static void test_same_key_same_year(void **state)
{
    (void)state;
    struct scenario s = scenario_with(defaults);
    gsl_rng *r = stream_alloc();
    struct costs_year a, b, c;
    struct economy_year e;
    run(&s, r, 11, START + 20, &a, &e);
    run(&s, r, 12, START + 20, &c, &e);
    run(&s, r, 11, START + 20, &b, &e);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(a.cost_index != c.cost_index);
    assert_true(a.inflation_rate != c.inflation_rate);
    assert_true(a.excess_deviation_rate != c.excess_deviation_rate);
    gsl_rng_free(r);
}

/* A path's own levels (parameter risk), by hand with every volatility 0 and
 * no technology: deviations of +0.01 in excess growth, +0.005 in the use
 * trend and -0.01 in income growth, on g = 0.03, so x_inf = 0 here. The use
 * index is 1.015^n; the excess starts at 0.03 and moves linearly over 30 years
 * to the path's long run, 0 - 0.01 - 0.005 = -0.015 (0.0075 half way, at
 * s = 15); from s = 30 on costs grow by 0.02 + 0.015 - 0.015 = 0.02, the
 * path's income growth 0.03 - 0.01. */
static void test_path_levels(void **state)
{
    (void)state;
    struct cost_params c = defaults;
    c.inflation_volatility = 0, c.excess_volatility = 0, c.technology_rate = 0;
    struct scenario s = scenario_with(c); /* g = 0.02 + 0.01 = 0.03, x_inf = 0 */
    struct costs_model m;
    costs_model_init(&m, &s);
    assert_true(m.excess_long_run == 0);
    struct parameter_draw d = {0};
    d.delta[PARAM_EXCESS_GROWTH] = 0.01;
    d.delta[PARAM_UTILIZATION_TREND] = 0.005;
    d.delta[PARAM_INCOME_GROWTH] = -0.01;
    struct costs_state st;
    costs_state_init(&m, &st, &d);
    assert_close(st.excess_long_run, -0.015, 1e-15);
    gsl_rng *r = stream_alloc();
    struct costs_year y;
    double cost = 1;
    for (int year = START; year <= START + 40; year++) {
        stream_seek(r, key(0, year, DRIVER_COSTS));
        costs_step(&m, &st, year, 0, r, &y);
        if (year == START) continue;
        double s_ = year - START - 1;
        double e = -0.015 + (0.03 + 0.015) * fmax(0, 1 - s_ / 30);
        if (year == START + 16) assert_close(e, 0.0075, 1e-15);
        cost *= 1 + 0.02 + 0.015 + e;
        assert_close(y.excess_trend_rate, e, 1e-15);
        assert_close(y.use_index, pow(1.015, year - START), 1e-13);
        assert_close(y.cost_index, cost, 1e-13);
    }
    /* in the long run, cost growth = the path's income growth, 0.03 - 0.01 */
    assert_close(y.growth_rate, 0.02, 1e-13);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_by_hand),
        cmocka_unit_test(test_use_index_of_year),
        cmocka_unit_test(test_excess_schedule),
        cmocka_unit_test(test_excess_converges_to_income),
        cmocka_unit_test(test_excess_ar1_and_correlation),
        cmocka_unit_test(test_correlation_sign_and_limit),
        cmocka_unit_test(test_technology_compound_poisson),
        cmocka_unit_test(test_same_key_same_year),
        cmocka_unit_test(test_path_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
