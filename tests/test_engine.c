/* test_engine.c: the engine on the shipped Henan scenario (8 years, the
 * provincial adjustment fund at 10 %, so that money moves between regions):
 * the accounting identities in every record, conservation across the
 * province, the same records for any number of threads and wherever a path
 * sits in a block, and the start year's calibration. The adjustment rule
 * itself is checked by hand on three regions. */
#include "output/record.h"
#include "sim/accounting.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/engine.h"

#include <math.h>
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

#define HENAN FUNDSIM_SOURCE_DIR "/scenarios/henan-2022.cfg"
#define PATHS 6
#define MAX_THREADS 4

struct fixture {
    struct scenario s;
    struct engine *e;
    struct engine_work *work[MAX_THREADS];
    struct record_block b; /* PATHS paths, run on one thread */
};

static void run(struct fixture *f, struct record_block *b, int threads)
{
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t p = 0; p < b->n_paths; p++)
        engine_path(f->e, f->work[omp_get_thread_num()], b->first_path + p, b, p);
}

/* Every record: the lines add up, the identity holds (exactly: the accounts are
 * kept in multiples of 2^-10 yuan, accounting.h; the issue asks for 1e-6 yuan),
 * every value is finite, and the counts make sense. */
static void test_accounting_identities(void **state)
{
    struct fixture *f = *state;
    const struct record_block *b = &f->b;
    double worst = 0;
    for (size_t p = 0; p < b->n_paths; p++)
        for (size_t r = 0; r < b->regions; r++) {
            double opening = f->s.regions[r].opening_balance_yuan;
            for (size_t y = 0; y < b->years; y++) {
                const double *v = record_at(b, p, y, r);
                for (int k = 0; k < N_VARS; k++)
                    assert_true(isfinite(v[k]));
                double income = v[VAR_CONTRIBUTIONS] + v[VAR_ASSISTED_CONTRIBUTIONS] +
                                v[VAR_SUBSIDY] + v[VAR_OTHER_INCOME] + v[VAR_INTEREST] +
                                v[VAR_ADJUSTMENT_RECEIVED];
                double spent = v[VAR_FUND_INPATIENT] + v[VAR_FUND_OUTPATIENT] +
                               v[VAR_FUND_TWO_DISEASES] + v[VAR_FUND_CHRONIC] +
                               v[VAR_FUND_MATERNITY] + v[VAR_SERIOUS_PREMIUM] +
                               v[VAR_ADJUSTMENT_PAID] + v[VAR_DEFICIT_INTEREST];
                assert_true(v[VAR_INCOME] == income);
                assert_true(v[VAR_EXPENDITURE] == spent);
                double gap = fabs((v[VAR_INCOME] - v[VAR_EXPENDITURE] + v[VAR_BACKSTOP]) -
                                  (v[VAR_BALANCE] - opening));
                worst = fmax(worst, gap);
                assert_true(gap <= 1e-6);
                double subsidy = v[VAR_SUBSIDY_CENTRAL] + v[VAR_SUBSIDY_PROVINCE] +
                                 v[VAR_SUBSIDY_CITY] + v[VAR_SUBSIDY_DISTRICT] +
                                 v[VAR_SUBSIDY_COUNTY];
                assert_true(v[VAR_SUBSIDY] == subsidy);
                double outlays = v[VAR_OUTLAY_CENTRAL] + v[VAR_OUTLAY_PROVINCE] +
                                 v[VAR_OUTLAY_CITY] + v[VAR_OUTLAY_DISTRICT] + v[VAR_OUTLAY_COUNTY];
                assert_close(outlays,
                             v[VAR_SUBSIDY] + v[VAR_ASSISTED_CONTRIBUTIONS] + v[VAR_BACKSTOP] +
                                 (f->s.regions[r].other_income_payer != PAYER_NONE
                                      ? v[VAR_OTHER_INCOME]
                                      : 0),
                             0.01);
                double benefits =
                    v[VAR_EXPENDITURE] - v[VAR_ADJUSTMENT_PAID] - v[VAR_DEFICIT_INTEREST];
                assert_close(v[VAR_MONTHS], v[VAR_BALANCE] / (benefits / 12), 1e-9);
                assert_true(v[VAR_ENROLLEES] > 0 && v[VAR_ENROLLEES] < v[VAR_RESIDENTS]);
                /* every bill is paid by someone: fund lines, the layers, the patient */
                double paid = v[VAR_FUND_INPATIENT] + v[VAR_FUND_OUTPATIENT] +
                              v[VAR_FUND_TWO_DISEASES] + v[VAR_FUND_CHRONIC] +
                              v[VAR_SERIOUS_CLAIMS] + v[VAR_ASSISTANCE_CLAIMS] +
                              v[VAR_OUT_OF_POCKET];
                assert_close(paid, v[VAR_TOTAL_COST], 1e-6 * v[VAR_TOTAL_COST]);
                assert_true(v[VAR_POLICY_COST] <= v[VAR_TOTAL_COST]);
                opening = v[VAR_BALANCE];
            }
        }
    printf("# largest |income - expenditure - change in balance|: %.3g yuan\n", worst);
}

/* The adjustment fund moves money between regions and keeps the rest: the
 * regions' balances and the fund's change by the regions' own income less their
 * own expenditure, every year of every path; and it did move money. */
static void test_conservation(void **state)
{
    struct fixture *f = *state;
    const struct record_block *b = &f->b;
    double moved = 0;
    for (size_t p = 0; p < b->n_paths; p++) {
        double fund = 0;
        for (size_t y = 0; y < b->years; y++) {
            double change = record_national(b, p, y)[NVAR_ADJUSTMENT_BALANCE] - fund, own = 0;
            fund += change;
            for (size_t r = 0; r < b->regions; r++) {
                const double *v = record_at(b, p, y, r);
                change += v[VAR_SURPLUS];
                own += accounting_own_income(v) - accounting_own_expenditure(v);
                moved += v[VAR_ADJUSTMENT_RECEIVED];
            }
            assert_true(change == own);
        }
    }
    assert_true(moved > 0);
}

/* The same records on 1, 2 and 4 threads, bit for bit. */
static void test_threads(void **state)
{
    struct fixture *f = *state;
    for (int threads = 2; threads <= MAX_THREADS; threads *= 2) {
        struct record_block b;
        assert_int_equal(record_block_alloc(&b, PATHS, f->b.years, f->b.regions), 0);
        run(f, &b, threads);
        size_t n = PATHS * f->b.years * f->b.regions * N_VARS;
        assert_memory_equal(b.v, f->b.v, n * sizeof *b.v);
        assert_memory_equal(b.national, f->b.national,
                            PATHS * f->b.years * N_NVARS * sizeof *b.national);
        record_block_free(&b);
    }
}

/* A path is the same whatever ran before it on the thread and wherever it sits:
 * path 4 alone in a block of one equals path 4 of the six-path block. */
static void test_path_alone(void **state)
{
    struct fixture *f = *state;
    struct record_block b;
    assert_int_equal(record_block_alloc(&b, 1, f->b.years, f->b.regions), 0);
    engine_path(f->e, f->work[1], 4, &b, 0);
    size_t n = f->b.years * f->b.regions * N_VARS;
    assert_memory_equal(b.v, record_at(&f->b, 4, 0, 0), n * sizeof *b.v);
    record_block_free(&b);
}

/* The start year against the scenario's hand calibration (its comments): about
 * 950 yuan of fund expenditure per enrollee, within 5 %, with 82 M enrollees
 * (test_drivers: 81.6 M in the cells, plus the year's newborns); financing
 * 610 + 320 = 930 (the contribution of benefit year 2022), more in Zhengzhou. */
static void test_start_year(void **state)
{
    struct fixture *f = *state;
    double enrollees = 0, spent = 0, income = 0;
    for (size_t r = 0; r < f->b.regions; r++) {
        const double *v = record_at(&f->b, 0, 0, r);
        enrollees += v[VAR_ENROLLEES];
        spent += v[VAR_EXPENDITURE] - v[VAR_ADJUSTMENT_PAID];
        income += v[VAR_CONTRIBUTIONS] + v[VAR_ASSISTED_CONTRIBUTIONS] + v[VAR_SUBSIDY];
    }
    printf("# 2022: %.1f M enrollees, fund income %.0f and expenditure %.0f yuan per enrollee\n",
           enrollees / 1e6, income / enrollees, spent / enrollees);
    assert_close(enrollees, 82.2e6, 0.5e6);
    assert_close(spent / enrollees, 950, 950 * 0.05);
    assert_true(income / enrollees > 930 && income / enrollees < 970);
}

/* The adjustment rule by hand. Three regions: own income 100, 100, 50; own
 * expenditure 80, 120, 70; rate 10 %; the fund holds 5. Payments 10, 10, 5 (the
 * fund then holds 30); deficits after paying: 0, 30, 25 = 55 > 30, so each gets
 * 30/55 of its deficit: 16.36.., 13.63.. (to 2^-10 yuan, the accounts' unit);
 * the fund ends empty. */
static void test_adjustment_by_hand(void **state)
{
    (void)state;
    double rec[3][N_VARS] = {{0}}, *v[3] = {rec[0], rec[1], rec[2]};
    double own_in[3] = {100, 100, 50}, own_out[3] = {80, 120, 70};
    for (int k = 0; k < 3; k++) {
        rec[k][VAR_CONTRIBUTIONS] = own_in[k];
        rec[k][VAR_FUND_INPATIENT] = own_out[k];
    }
    struct pooling_params p = {.mode = POOLING_ADJUSTMENT_FUND, .adjustment_rate = 0.1};
    double fund = 5;
    accounting_adjust(&p, 3, v, &fund);
    assert_close(rec[0][VAR_ADJUSTMENT_PAID], 10, ACCOUNTING_UNIT_YUAN);
    assert_close(rec[2][VAR_ADJUSTMENT_PAID], 5, ACCOUNTING_UNIT_YUAN);
    assert_close(rec[0][VAR_ADJUSTMENT_RECEIVED], 0, ACCOUNTING_UNIT_YUAN);
    assert_close(rec[1][VAR_ADJUSTMENT_RECEIVED], 30 * 30.0 / 55, ACCOUNTING_UNIT_YUAN);
    assert_close(rec[2][VAR_ADJUSTMENT_RECEIVED], 25 * 30.0 / 55, ACCOUNTING_UNIT_YUAN);
    assert_close(fund, 0, ACCOUNTING_UNIT_YUAN);
    for (int k = 0; k < 3; k++) {
        double shortfall = 0;
        accounting_close(&p, rec[k], 1000, &shortfall);
    }
    assert_close(rec[1][VAR_BALANCE], 1000 + 100 + 30 * 30.0 / 55 - 120 - 10, ACCOUNTING_UNIT_YUAN);

    /* A fund with enough covers every deficit in full and keeps the rest. */
    fund = 100;
    accounting_adjust(&p, 3, v, &fund);
    assert_close(rec[1][VAR_ADJUSTMENT_RECEIVED], 30, ACCOUNTING_UNIT_YUAN);
    assert_close(fund, 100 + 25 - 55, ACCOUNTING_UNIT_YUAN);

    /* City pooling moves nothing. */
    p.mode = POOLING_CITY;
    fund = 7;
    accounting_adjust(&p, 3, v, &fund);
    for (int k = 0; k < 3; k++)
        assert_true(rec[k][VAR_ADJUSTMENT_PAID] == 0 && rec[k][VAR_ADJUSTMENT_RECEIVED] == 0);
    assert_true(fund == 7);

    /* Interest: on a positive opening balance only; months capped without spending. */
    assert_close(accounting_interest(1000, 0.02), 20, ACCOUNTING_UNIT_YUAN);
    assert_true(accounting_interest(-1000, 0.02) == 0);
    double empty[N_VARS] = {0}, shortfall = 0;
    accounting_close(&p, empty, 5, &shortfall);
    assert_true(empty[VAR_MONTHS] == RECORD_MAX_MONTHS);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct diag d = {0};
    const struct setting_override sets[] = {{.key = "simulation.years", .value = "8"},
                                            {.key = "pooling.mode", .value = "\"adjustment_fund\""},
                                            {.key = "pooling.adjustment_rate", .value = "0.1"}};
    if (!f || scenario_load(HENAN, sets, 3, &f->s, &d) != 0 ||
        !(f->e = engine_create(&f->s, 2, &d))) {
        diag_print(stderr, &d);
        return -1;
    }
    for (int t = 0; t < MAX_THREADS; t++)
        if (!(f->work[t] = engine_work_alloc(f->e))) return -1;
    if (record_block_alloc(&f->b, PATHS, (size_t)f->s.simulation.years, f->s.n_regions) != 0)
        return -1;
    run(f, &f->b, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    record_block_free(&f->b);
    for (int t = 0; t < MAX_THREADS; t++)
        engine_work_free(f->work[t]);
    engine_free(f->e);
    scenario_free(&f->s);
    free(f);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accounting_identities),
        cmocka_unit_test(test_conservation),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_path_alone),
        cmocka_unit_test(test_start_year),
        cmocka_unit_test(test_adjustment_by_hand),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
