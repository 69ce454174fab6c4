/* test_risk.c: parameter risk (models/parameters.h) through the engine. A
 * one-region scenario (tests/scenarios/minimal.cfg, 2022-2025, its financing
 * following the path's income after its last dated year, 2023) in which the
 * only randomness is each path's draw of its long-run levels of excess cost
 * growth (sd 0.01) and income growth (sd 0.01): every volatility, the
 * technology jumps and the claims' noise are 0. Then
 * - each path's income and cost index follow from its draw exactly (read back
 *   from the stream DRIVER_PARAMETERS), to rounding;
 * - across 1,000 paths, from 2022 to 2025, log income spreads by 3 sigma_g /
 *   (1 + g); the log cost index by sigma_x sum_s (1 - s/T) / (1 + a_s) (the
 *   calibration's 3 sigma_x, less the schedule's fade) with the income part
 *   sigma_g sum_s (s/T) / (1 + a_s) beside it; log income per enrollee by
 *   2 sigma_g / (1 + g) (its standards follow the previous year's income from
 *   2024: two years of the path's growth); each within 4 standard errors of a
 *   sample standard deviation (sqrt(1 / (2 (n - 1))) relative);
 * - expenditure per enrollee spreads as the cost index does, times the
 *   benefit rules' elasticity (deductibles raise it above 1, caps and ceilings
 *   lower it): here within 0.8 and 1.3 of the cost index's spread (0.88
 *   measured), and correlated with it above 0.99;
 * - with every uncertainty 0 all paths are the same path;
 * - the run's assumptions name the spreads and the one-off shocks. */
#include "models/costs.h"
#include "models/parameters.h"
#include "models/stream.h"
#include "output/record.h"
#include "sim/assumptions.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/engine.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"
#define PATHS 1000
#define SIGMA 0.01

static const struct setting_override quiet[] = {
    {.key = "simulation.years", .value = "4"},
    {.key = "demography.mortality.volatility", .value = "0"},
    {.key = "demography.mortality.initial_volatility", .value = "0"},
    {.key = "demography.fertility.volatility", .value = "0"},
    {.key = "demography.fertility.initial_volatility", .value = "0"},
    {.key = "demography.migration.volatility", .value = "0"},
    {.key = "enrollment.participation_volatility", .value = "0"},
    {.key = "economy.income_volatility", .value = "0"},
    {.key = "economy.interest_volatility", .value = "0"},
    {.key = "costs.inflation_volatility", .value = "0"},
    {.key = "costs.excess_volatility", .value = "0"},
    {.key = "costs.technology_rate", .value = "0"},
    {.key = "utilization.volatility", .value = "0"},
    {.key = "utilization.claims_noise", .value = "0"},
    {.key = "policy.continuation.contribution.rule", .value = "\"income\""},
    {.key = "policy.continuation.subsidy.rule", .value = "\"income\""},
    {.key = "policy.continuation.national_standard.rule", .value = "\"income\""},
    {.key = "policy.continuation.city_fixed.rule", .value = "\"income\""},
    {.key = "costs.excess_growth_uncertainty", .value = "0.01"},
    {.key = "economy.income_growth_uncertainty", .value = "0.01"},
};
#define N_QUIET (sizeof quiet / sizeof quiet[0])

struct run {
    struct scenario s;
    struct record_block b;
};

/* Runs PATHS paths of the minimal scenario with the first `n` overrides. */
static void run(struct run *x, size_t n)
{
    struct diag d = {0};
    if (scenario_load(MINIMAL, quiet, n, &x->s, &d) != 0) {
        diag_print(stderr, &d);
        fail();
    }
    struct engine *e = engine_create(&x->s, 1, &d);
    assert_non_null(e);
    struct engine_work *w = engine_work_alloc(e);
    assert_non_null(w);
    assert_int_equal(record_block_alloc(&x->b, PATHS, 4, 1), 0);
    for (size_t p = 0; p < PATHS; p++)
        engine_path(e, w, p, &x->b, p);
    engine_work_free(w);
    engine_free(e);
}

static void done(struct run *x)
{
    record_block_free(&x->b);
    scenario_free(&x->s);
}

static double sd(const double *v, size_t n)
{
    double m = 0, s = 0;
    for (size_t i = 0; i < n; i++)
        m += v[i] / n;
    for (size_t i = 0; i < n; i++)
        s += (v[i] - m) * (v[i] - m);
    return sqrt(s / (n - 1));
}

static void assert_sd(double got, double want, const char *what)
{
    double tol = 4 * want / sqrt(2.0 * (PATHS - 1));
    fprintf(stderr, "%s: sd %.6f, expected %.6f (+- %.6f)\n", what, got, want, tol);
    if (fabs(got - want) > tol) fail_msg("%s: sd %g, expected %g +- %g", what, got, want, tol);
}

static void test_three_year_spread(void **state)
{
    (void)state;
    static struct run x;
    run(&x, N_QUIET);
    struct costs_model cm;
    costs_model_init(&cm, &x.s);
    struct parameter_model pm;
    parameters_init(&pm, &x.s);
    double g = x.s.economy.income_growth_mean, T = cm.excess_years;
    gsl_rng *r = stream_alloc();
    assert_non_null(r);

    static double log_income[PATHS], log_cost[PATHS], log_spend[PATHS], log_fin[PATHS];
    for (size_t p = 0; p < PATHS; p++) {
        /* the path's draw, from its own stream */
        stream_seek(r, (struct stream_key){.seed = (uint64_t)x.s.simulation.seed,
                                           .path = p,
                                           .region = STREAM_ALL_REGIONS,
                                           .year = PARAMETERS_YEAR,
                                           .driver = DRIVER_PARAMETERS});
        struct parameter_draw dr;
        parameters_draw(&pm, r, &dr);
        double dg = dr.delta[PARAM_INCOME_GROWTH], dx = dr.delta[PARAM_EXCESS_GROWTH];
        /* income and the cost index, by hand from the draw */
        double income = x.s.economy.income_yuan, cost = 1;
        for (size_t y = 0; y < 4; y++) {
            int year = x.s.simulation.start_year + (int)y;
            income *= 1 + (g + dg);
            if (y > 0) {
                double s = year - cm.start_year - 1, lr = cm.excess_long_run + dg;
                double e = lr + (cm.excess_initial + dx - lr) * fmax(0, 1 - s / T);
                cost *= 1 + cm.inflation_mean + cm.use_trend + e;
            }
            const double *nv = record_national(&x.b, p, y);
            assert_true(fabs(nv[NVAR_INCOME_PER_CAPITA] / income - 1) < 1e-13);
            assert_true(fabs(nv[NVAR_COST_INDEX] / cost - 1) < 1e-13);
        }
        const double *n0 = record_national(&x.b, p, 0), *n3 = record_national(&x.b, p, 3);
        log_income[p] = log(n3[NVAR_INCOME_PER_CAPITA] / n0[NVAR_INCOME_PER_CAPITA]);
        log_cost[p] = log(n3[NVAR_COST_INDEX] / n0[NVAR_COST_INDEX]);
        log_spend[p] = log(n3[NVAR_EXPENDITURE_PER_ENROLLEE] / n0[NVAR_EXPENDITURE_PER_ENROLLEE]);
        log_fin[p] = log(n3[NVAR_INCOME_PER_ENROLLEE] / n0[NVAR_INCOME_PER_ENROLLEE]);
    }
    gsl_rng_free(r);

    /* The calibration: d log / d delta, summed over the three years. */
    double ax = 0, ag = 0;
    for (int s = 0; s < 3; s++) {
        double lr = cm.excess_long_run;
        double e = lr + (cm.excess_initial - lr) * fmax(0, 1 - s / T);
        double a = cm.inflation_mean + cm.use_trend + e;
        ax += (1 - s / T) / (1 + a);
        ag += (s / T) / (1 + a);
    }
    assert_sd(sd(log_income, PATHS), 3 * SIGMA / (1 + g), "3-year log income");
    double want = SIGMA * sqrt(ax * ax + ag * ag);
    assert_sd(sd(log_cost, PATHS), want, "3-year log cost index");
    double spend = sd(log_spend, PATHS), fin = sd(log_fin, PATHS);
    fprintf(stderr, "3-year log expenditure per enrollee: sd %.6f (%.3f of the cost index's)\n",
            spend, spend / want);
    assert_sd(fin, 2 * SIGMA / (1 + g), "3-year log income per enrollee");
    assert_true(spend > 0.8 * want && spend < 1.3 * want);
    /* and it comes from the costs: log expenditure per enrollee is the cost
     * index's, nearly linearly (the draw's other part, income growth, moves
     * participation a little through the contribution's burden) */
    double mc = 0, ms = 0, sxy = 0;
    for (size_t p = 0; p < PATHS; p++)
        mc += log_cost[p] / PATHS, ms += log_spend[p] / PATHS;
    for (size_t p = 0; p < PATHS; p++)
        sxy += (log_cost[p] - mc) * (log_spend[p] - ms);
    double corr = sxy / (PATHS - 1) / sd(log_cost, PATHS) / spend;
    fprintf(stderr, "correlation of the two: %.5f\n", corr);
    assert_true(corr > 0.99);
    done(&x);
}

/* With every uncertainty 0 (the default) every path is the same path. */
static void test_no_uncertainty(void **state)
{
    (void)state;
    static struct run x;
    run(&x, N_QUIET - 2);
    for (size_t p = 1; p < PATHS; p++)
        for (size_t y = 0; y < 4; y++)
            for (int k = 0; k < N_NVARS; k++)
                assert_true(record_national(&x.b, p, y)[k] == record_national(&x.b, 0, y)[k]);
    done(&x);
}

/* The draw itself: over 20,000 paths each deviation has mean 0 and the
 * setting's sd (within 4 standard errors), the five are uncorrelated (|r| <
 * 4 / sqrt(n)), and a spread of 0 gives exactly 0. */
static void test_draw_moments(void **state)
{
    (void)state;
    const int n = 20000;
    struct parameter_model m = {{0.01, 0.02, 0.005, 0.002, 0}};
    gsl_rng *r = stream_alloc();
    assert_non_null(r);
    double sum[N_PARAMETERS] = {0}, sq[N_PARAMETERS] = {0}, cross = 0;
    for (int p = 0; p < n; p++) {
        stream_seek(r, (struct stream_key){.seed = 3,
                                           .path = (uint64_t)p,
                                           .region = STREAM_ALL_REGIONS,
                                           .year = PARAMETERS_YEAR,
                                           .driver = DRIVER_PARAMETERS});
        struct parameter_draw d;
        parameters_draw(&m, r, &d);
        for (int j = 0; j < N_PARAMETERS; j++)
            sum[j] += d.delta[j], sq[j] += d.delta[j] * d.delta[j];
        cross += d.delta[0] / 0.01 * d.delta[1] / 0.02;
        assert_true(d.delta[PARAM_DISEASE_TREND] == 0);
    }
    gsl_rng_free(r);
    for (int j = 0; j < N_PARAMETERS - 1; j++) {
        double mean = sum[j] / n, sd_ = sqrt(sq[j] / n - mean * mean);
        assert_true(fabs(mean) < 4 * m.sd[j] / sqrt(n));
        assert_true(fabs(sd_ - m.sd[j]) < 4 * m.sd[j] / sqrt(2.0 * n));
    }
    assert_true(fabs(cross / n) < 4 / sqrt(n));
}

/* The run's assumptions name the spreads and the one-off shocks, and say
 * nothing of them when the scenario has none. */
static void test_assumptions(void **state)
{
    (void)state;
    struct scenario s;
    struct diag d = {0};
    const struct setting_override risk[] = {
        {.key = "costs.excess_growth_uncertainty", .value = "0.01"},
        {.key = "enrollment.shock_persistence", .value = "0.7"},
    };
    assert_int_equal(scenario_load(MINIMAL, risk, 2, &s, &d), 0);
    struct use_shock shock = {2024, -0.1, 0.05};
    s.utilization.shocks = &shock, s.utilization.n_shocks = 1;
    char *text = assumptions_text(&s);
    assert_non_null(text);
    assert_non_null(strstr(text, "Parameter risk (a path's own long-run levels, sd in points a "
                                 "year): income growth 0.0, excess cost growth 1.0, use 0.0, "
                                 "move to the employee scheme 0.00, incidence trends 0.0; "
                                 "participation shock persistence 0.70\n"));
    assert_non_null(
        strstr(text, "Use of care in 2024: -10.0 % against the trend, +5.0 % in 2025\n"));
    free(text);
    s.utilization.n_shocks = 0;
    scenario_free(&s);
    assert_int_equal(scenario_load(MINIMAL, NULL, 0, &s, &d), 0);
    text = assumptions_text(&s);
    assert_non_null(text);
    assert_null(strstr(text, "Parameter risk"));
    assert_null(strstr(text, "Use of care"));
    free(text);
    scenario_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draw_moments),
        cmocka_unit_test(test_three_year_spread),
        cmocka_unit_test(test_no_uncertainty),
        cmocka_unit_test(test_assumptions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
