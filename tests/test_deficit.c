/* test_deficit.c: what happens after depletion (pooling.deficit, accounting.h)
 * and the actuarial balance. By hand: a year closed under "carry" and under
 * "backstop", and the actuarial balance of two years. On the engine: the
 * minimal scenario driven into deficit (costs rising 40 % a year, no opening
 * balance), under both modes: the accounting identity exact in every record,
 * the balance never below 0 with a backstop, the backstop in its payer's
 * outlay, the shortfall cumulative, and the summaries counting a backstopped
 * year as depleted: the early warning describes the fund before the backstop. */
#include "output/record.h"
#include "output/summary.h"
#include "sim/accounting.h"
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

#include "close.h"

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"
#define PATHS 8

/* One year: income 100 (contributions), benefits 180 (inpatient), opening 50:
 * B = 50 + 100 - 180 = -30. Carry: the balance is -30 and the next year, at
 * 10 %, the fund pays 3 of interest on it. Backstop by the province: it pays
 * 30, the balance is 0, the shortfall grows by 30 each such year. */
static void test_close_by_hand(void **state)
{
    (void)state;
    double v[N_VARS] = {0};
    v[VAR_CONTRIBUTIONS] = 100, v[VAR_FUND_INPATIENT] = 180;
    struct pooling_params carry = {.deficit = DEFICIT_CARRY, .borrowing_rate = 0.1};
    double shortfall = 0;
    accounting_close(&carry, v, 50, &shortfall);
    assert_true(v[VAR_BALANCE] == -30 && v[VAR_BACKSTOP] == 0 && v[VAR_SURPLUS] == -80);
    assert_true(v[VAR_SHORTFALL] == 30 && shortfall == 30);
    assert_true(record_depleted(v));
    assert_true(accounting_deficit_interest(&carry, -30) == 3);
    assert_true(accounting_deficit_interest(&carry, 30) == 0);
    /* the next year: interest 3 is an expenditure; benefits 70, income 100 */
    double w[N_VARS] = {0};
    w[VAR_CONTRIBUTIONS] = 100, w[VAR_FUND_INPATIENT] = 70;
    w[VAR_DEFICIT_INTEREST] = accounting_deficit_interest(&carry, -30);
    accounting_close(&carry, w, -30, &shortfall);
    assert_true(w[VAR_EXPENDITURE] == 73 && w[VAR_BALANCE] == -3 && shortfall == 3);
    assert_close(w[VAR_MONTHS], -3 / (70.0 / 12), 1e-12); /* months on the benefits alone */

    struct pooling_params backstop = {.deficit = DEFICIT_BACKSTOP,
                                      .backstop_payer = PAYER_PROVINCE};
    double u[N_VARS] = {0};
    u[VAR_CONTRIBUTIONS] = 100, u[VAR_FUND_INPATIENT] = 180, u[VAR_OUTLAY_PROVINCE] = 7;
    shortfall = 12;
    accounting_close(&backstop, u, 50, &shortfall);
    assert_true(u[VAR_BALANCE] == 0 && u[VAR_BACKSTOP] == 30 && u[VAR_SURPLUS] == -80);
    assert_true(u[VAR_OUTLAY_PROVINCE] == 37 && u[VAR_OUTLAY_CITY] == 0);
    assert_true(u[VAR_SHORTFALL] == 42);
    assert_true(record_depleted(u));
    assert_true(accounting_deficit_interest(&backstop, -30) == 0);
    /* a year in surplus under backstop: nothing paid, nothing depleted */
    double x[N_VARS] = {0};
    x[VAR_CONTRIBUTIONS] = 100, x[VAR_FUND_INPATIENT] = 60;
    accounting_close(&backstop, x, 0, &shortfall);
    assert_true(x[VAR_BALANCE] == 40 && x[VAR_BACKSTOP] == 0 && !record_depleted(x));
    assert_true(shortfall == 42);
}

/* Two years at 10 % interest: discount factors 1/1.1 and 1/1.21. Financing 100
 * and 110, benefits 90 and 121, opening 20, a reserve of 6 months: at the end
 * 60.5 discounted to 50. I = 100/1.1 + 110/1.21 = 181.818..; E = 90/1.1 + 100 =
 * 181.818..; the balance (I + 20 - 50) / E - 1 = -30 / 181.818 = -16.5 %. */
static void test_actuarial_balance_by_hand(void **state)
{
    (void)state;
    struct accounting_balance sum = {.opening_yuan = 20}, year;
    double financing[2] = {100, 110}, benefits[2] = {90, 121}, discount = 1;
    for (int t = 0; t < 2; t++) {
        double v[N_VARS] = {0};
        v[VAR_CONTRIBUTIONS] = financing[t], v[VAR_FUND_INPATIENT] = benefits[t];
        v[VAR_INTEREST] = 999; /* never counted: discounting stands for it */
        discount /= 1.1;
        accounting_discount(v, discount, 6, &year);
        sum.income_yuan += year.income_yuan;
        sum.expenditure_yuan += year.expenditure_yuan;
        sum.target_yuan = year.target_yuan;
    }
    assert_close(sum.income_yuan, 100 / 1.1 + 110 / 1.21, 1e-9);
    assert_close(sum.expenditure_yuan, 90 / 1.1 + 121 / 1.21, 1e-9);
    assert_close(sum.target_yuan, 60.5 / 1.21, 1e-9);
    assert_close(accounting_actuarial_balance(&sum), -100 * 30 / (90 / 1.1 + 100), 1e-9);
    struct accounting_balance none = {.opening_yuan = 5};
    assert_true(accounting_actuarial_balance(&none) == 0);
}

struct run_result {
    struct scenario s;
    struct record_block b;
};

/* Minimal for 6 years, costs rising 40 % a year from an empty fund, under
 * `deficit`, PATHS paths. */
static void run_minimal(const char *deficit, struct run_result *r)
{
    const struct setting_override sets[] = {
        {.key = "simulation.years", .value = "6"},
        {.key = "costs.excess_growth", .value = "0.4"},
        {.key = "regions[0].opening_balance_yuan", .value = "0.0"},
        {.key = "pooling.deficit", .value = deficit},
        {.key = "pooling.borrowing_rate", .value = "0.05"},
        {.key = "pooling.backstop_payer", .value = "\"province\""},
    };
    struct diag d = {0};
    /* a borrowing rate with a backstop is refused by nothing: it is unused */
    assert_int_equal(scenario_load(MINIMAL, sets, 6, &r->s, &d), 0);
    struct engine *e = engine_create(&r->s, 1, &d);
    assert_non_null(e);
    struct engine_work *w = engine_work_alloc(e);
    assert_non_null(w);
    assert_int_equal(record_block_alloc(&r->b, PATHS, 6, r->s.n_regions), 0);
    for (size_t p = 0; p < PATHS; p++)
        engine_path(e, w, p, &r->b, p);
    engine_work_free(w);
    engine_free(e);
    diag_free(&d);
}

static void free_result(struct run_result *r)
{
    record_block_free(&r->b);
    scenario_free(&r->s);
}

/* The identity, exact: balance = opening + surplus + backstop; outlays hold the
 * backstop; returns the number of depleted path-years. */
static size_t check_records(const struct run_result *r, bool backstop)
{
    size_t depleted = 0;
    for (size_t p = 0; p < PATHS; p++) {
        double opening = r->s.regions[0].opening_balance_yuan, paid = 0;
        for (size_t y = 0; y < 6; y++) {
            const double *v = record_at(&r->b, p, y, 0);
            assert_true(v[VAR_BALANCE] == opening + v[VAR_SURPLUS] + v[VAR_BACKSTOP]);
            assert_true(v[VAR_SURPLUS] == v[VAR_INCOME] - v[VAR_EXPENDITURE]);
            double outlays = 0;
            for (int k = 0; k < N_PAYER_LEVELS; k++)
                outlays += v[record_outlay_var(k)];
            assert_close(outlays, v[VAR_SUBSIDY] + v[VAR_ASSISTED_CONTRIBUTIONS] + v[VAR_BACKSTOP],
                         1e-6 * outlays);
            if (backstop) {
                assert_true(v[VAR_BALANCE] >= 0 && v[VAR_DEFICIT_INTEREST] == 0);
                paid += v[VAR_BACKSTOP];
                assert_true(v[VAR_SHORTFALL] == paid);
            } else {
                assert_true(v[VAR_BACKSTOP] == 0);
                assert_true(v[VAR_SHORTFALL] == fmax(0, -v[VAR_BALANCE]));
                assert_true(v[VAR_DEFICIT_INTEREST] ==
                            (opening < 0 ? accounting_round(0.05 * -opening) : 0));
            }
            depleted += record_depleted(v);
            opening = v[VAR_BALANCE];
        }
    }
    return depleted;
}

static void test_engine_modes(void **state)
{
    (void)state;
    struct run_result carry, backstop;
    run_minimal("\"carry\"", &carry);
    run_minimal("\"backstop\"", &backstop);
    size_t a = check_records(&carry, false), b = check_records(&backstop, true);
    printf("# depleted path-years: carry %zu, backstop %zu of %d\n", a, b, PATHS * 6);
    assert_true(a > 0 && b > 0);
    /* Until the first depletion the two runs are the same bit for bit. */
    for (size_t p = 0; p < PATHS; p++)
        for (size_t y = 0; y < 6 && !record_depleted(record_at(&carry.b, p, y, 0)); y++)
            assert_memory_equal(record_at(&carry.b, p, y, 0), record_at(&backstop.b, p, y, 0),
                                N_VARS * sizeof(double));

    /* The summaries count a backstopped year as depleted, and as red. */
    struct summary_config c = {.start_year = 2022,
                               .years = 6,
                               .regions = 1,
                               .paths = PATHS,
                               .n_quantiles = backstop.s.simulation.quantiles.n,
                               .quantiles = backstop.s.simulation.quantiles.v,
                               .warning = backstop.s.warning,
                               .threads = 1};
    struct summary *s = summary_alloc(&c);
    struct diag d = {0};
    assert_int_equal(summary_add(s, &backstop.b, &d), 0);
    assert_int_equal(summary_finish(s, &d), 0);
    diag_free(&d);
    const struct summary_results *res = summary_results(s);
    size_t counted = 0;
    for (size_t y = 0; y < 6; y++) {
        double share = 0;
        for (size_t p = 0; p < PATHS; p++)
            share += record_depleted(record_at(&backstop.b, p, y, 0));
        assert_close(res->p_depleted[y], share / PATHS, 1e-12);
        assert_close(res->p_level[y * N_WARN_LEVELS + WARN_RED], share / PATHS, 1e-12);
        counted += (size_t)share;
    }
    assert_int_equal(counted, b);
    summary_free(s);
    free_result(&carry);
    free_result(&backstop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_by_hand),
        cmocka_unit_test(test_actuarial_balance_by_hand),
        cmocka_unit_test(test_engine_modes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
