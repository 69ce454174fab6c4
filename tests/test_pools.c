/* test_pools.c: merged pools (pooling.mode = "province", pooling.merges;
 * accounting.h, sim/pools.h). By hand: one year of accounting_pool over a host
 * and two members. On the engine, with tests/scenarios/two-pools.cfg (a rich
 * region and one prone to deficits), same seed in every run (common random
 * numbers): each region's own lines are the same pooled or not; without
 * interest the pooled balance is the sum of the city-pooled balances, exactly,
 * and with interest within a unit of account per region-year until a region
 * is depleted; the accounting identity exact in every record and for the
 * province with the transfers; the pooled fund's P(depletion) below the weak
 * region's own (1 by the last year; the pooled fund's 0); and a merge from
 * 2025 moving the balance exactly, the years before it the same bit for bit.
 * The province's row (output/summary.c, output/diffsum.c) nets the transfers
 * between its own funds: without interest, provincial pooling against city
 * pooling changes the province's income, expenditure, surplus and balance by
 * exactly 0 in every path-year, and the balance moved at a merge is not the
 * province's expenditure. */
#include "output/diffsum.h"
#include "output/record.h"
#include "output/summary.h"
#include "sim/accounting.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/engine.h"
#include "sim/pools.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

#define TWO FUNDSIM_SOURCE_DIR "/tests/scenarios/two-pools.cfg"
#define MERGE FUNDSIM_SOURCE_DIR "/tests/scenarios/two-pools-merge.cfg"
#define PATHS 16
#define YEARS 6

/* Host h: contributions 100, benefits 90. Member a: contributions 50, benefits
 * 20, moving a balance of 7: it pays 7 + 30 = 37. Member b: contributions 40,
 * benefits 65: the pool pays 25 for it. The host receives 37 and pays 25. */
static void test_pool_by_hand(void **state)
{
    (void)state;
    double h[N_VARS] = {0}, a[N_VARS] = {0}, b[N_VARS] = {0};
    h[VAR_CONTRIBUTIONS] = 100, h[VAR_FUND_INPATIENT] = 90;
    a[VAR_CONTRIBUTIONS] = 50, a[VAR_FUND_INPATIENT] = 20;
    b[VAR_CONTRIBUTIONS] = 40, b[VAR_FUND_INPATIENT] = 65;
    double *v[] = {h, a, b};
    size_t fund[] = {0, 0, 0};
    double moved[] = {0, 7, 0};
    accounting_pool(3, v, fund, moved);
    assert_true(a[VAR_ADJUSTMENT_PAID] == 37 && a[VAR_ADJUSTMENT_RECEIVED] == 0);
    assert_true(b[VAR_ADJUSTMENT_PAID] == 0 && b[VAR_ADJUSTMENT_RECEIVED] == 25);
    assert_true(h[VAR_ADJUSTMENT_RECEIVED] == 37 && h[VAR_ADJUSTMENT_PAID] == 25);
    /* closing: the members at exactly 0, the host with all: opening 10 (its
     * own; the 7 came as a transfer) + 100 - 90 + 37 - 25 = 32 = 10 + 7 +
     * (100 + 50 + 40) - (90 + 20 + 65) */
    struct pooling_params p = {.deficit = DEFICIT_CARRY};
    double shortfall = 0;
    accounting_close(&p, a, 7, &shortfall);
    accounting_close(&p, b, 0, &shortfall);
    accounting_close(&p, h, 10, &shortfall);
    assert_true(a[VAR_BALANCE] == 0 && b[VAR_BALANCE] == 0 && h[VAR_BALANCE] == 32);
    assert_true(a[VAR_SURPLUS] == -7 && b[VAR_SURPLUS] == 0);
}

/* The structure: province mode pools all with the first region from the start;
 * pooling.merges from a year. */
static void test_structure(void **state)
{
    (void)state;
    struct scenario s;
    struct diag d = {0};
    assert_int_equal(scenario_load(MERGE, NULL, 0, &s, &d), 0);
    struct pools p;
    assert_int_equal(pools_init(&p, &s), 0);
    assert_true(p.any);
    assert_true(pools_merged(&s) && pools_name_merged(pools_name(&s)));
    assert_string_equal(pools_name(&s), "city_merges");
    assert_int_equal(pools_fund(&p, 1, 2024), 1);
    assert_int_equal(pools_fund(&p, 1, 2025), 0);
    assert_int_equal(pools_fund(&p, 0, 2030), 0);
    pools_free(&p);
    scenario_free(&s);
    assert_int_equal(scenario_load(TWO, NULL, 0, &s, &d), 0);
    assert_int_equal(pools_init(&p, &s), 0);
    assert_false(p.any);
    assert_false(pools_merged(&s) || pools_name_merged(pools_name(&s)));
    assert_string_equal(pools_name(&s), "city");
    pools_free(&p);
    s.pooling.mode = POOLING_ADJUSTMENT_FUND;
    assert_false(pools_merged(&s) || pools_name_merged(pools_name(&s)));
    s.pooling.mode = POOLING_PROVINCE;
    assert_true(pools_merged(&s) && pools_name_merged(pools_name(&s)));
    assert_int_equal(pools_init(&p, &s), 0);
    assert_true(p.any);
    assert_int_equal(pools_fund(&p, 1, 2022), 0);
    pools_free(&p);
    scenario_free(&s);
    diag_free(&d);
}

struct run_result {
    struct scenario s;
    struct record_block b;
};

static void run_file(const char *file, const struct setting_override *sets, size_t n,
                     struct run_result *r)
{
    struct diag d = {0};
    assert_int_equal(scenario_load(file, sets, n, &r->s, &d), 0);
    assert_int_equal(r->s.simulation.years, YEARS);
    struct engine *e = engine_create(&r->s, 1, &d);
    assert_non_null(e);
    struct engine_work *w = engine_work_alloc(e);
    assert_non_null(w);
    assert_int_equal(record_block_alloc(&r->b, PATHS, YEARS, 2), 0);
    for (size_t p = 0; p < PATHS; p++)
        engine_path(e, w, p, &r->b, p);
    engine_work_free(w);
    engine_free(e);
    diag_free(&d);
}

static void run(const struct setting_override *sets, size_t n, struct run_result *r)
{
    run_file(TWO, sets, n, r);
}

static void free_result(struct run_result *r)
{
    record_block_free(&r->b);
    scenario_free(&r->s);
}

/* Each region's own lines (its rules, population and shocks) in year y of path p
 * are the same in both runs, apart from interest. */
static void assert_same_lines(const struct run_result *x, const struct run_result *y, size_t p,
                              size_t t)
{
    static const int lines[] = {VAR_RESIDENTS,       VAR_ENROLLEES,    VAR_CONTRIBUTIONS,
                                VAR_SUBSIDY,         VAR_OTHER_INCOME, VAR_FUND_INPATIENT,
                                VAR_FUND_OUTPATIENT, VAR_FUND_CHRONIC, VAR_SERIOUS_PREMIUM,
                                VAR_TOTAL_COST};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
            assert_true(record_at(&x->b, p, t, k)[lines[i]] == record_at(&y->b, p, t, k)[lines[i]]);
}

/* The identities, exact: every record's balance = opening + surplus + backstop;
 * the province's closing balances = opening balances + own income - own
 * expenditure - deficit interest + backstops (the transfers cancel). */
static void assert_identities(const struct run_result *r)
{
    for (size_t p = 0; p < PATHS; p++) {
        double opening[2] = {r->s.regions[0].opening_balance_yuan,
                             r->s.regions[1].opening_balance_yuan};
        for (size_t t = 0; t < YEARS; t++) {
            double open = 0, close = 0, flow = 0;
            for (size_t k = 0; k < 2; k++) {
                const double *v = record_at(&r->b, p, t, k);
                assert_true(v[VAR_BALANCE] == opening[k] + v[VAR_SURPLUS] + v[VAR_BACKSTOP]);
                assert_true(v[VAR_SURPLUS] == v[VAR_INCOME] - v[VAR_EXPENDITURE]);
                open += opening[k], close += v[VAR_BALANCE];
                flow += accounting_own_income(v) - accounting_own_expenditure(v) -
                        v[VAR_DEFICIT_INTEREST] + v[VAR_BACKSTOP];
                opening[k] = v[VAR_BALANCE];
            }
            assert_true(close == open + flow);
        }
    }
}

static void test_province_is_the_sum(void **state)
{
    (void)state;
    const struct setting_override sets[] = {
        {.key = "economy.interest_rate", .value = "0.0"},
        {.key = "economy.interest_volatility", .value = "0.0"},
        {.key = "pooling.mode", .value = "\"province\""},
    };
    struct run_result city, province, city_i, province_i;
    run(sets, 2, &city);
    run(sets, 3, &province);
    run(NULL, 0, &city_i); /* with interest (1.5 % a year) */
    run(&sets[2], 1, &province_i);
    assert_identities(&city);
    assert_identities(&province);
    assert_identities(&province_i);
    size_t compared = 0;
    for (size_t p = 0; p < PATHS; p++) {
        bool depleted = false;
        for (size_t t = 0; t < YEARS; t++) {
            assert_same_lines(&city, &province, p, t);
            assert_same_lines(&city_i, &province_i, p, t);
            const double *r = record_at(&city.b, p, t, 0), *q = record_at(&city.b, p, t, 1);
            const double *pooled = record_at(&province.b, p, t, 0);
            const double *member = record_at(&province.b, p, t, 1);
            /* exact: nothing to round without interest */
            assert_true(pooled[VAR_BALANCE] == r[VAR_BALANCE] + q[VAR_BALANCE]);
            assert_true(member[VAR_BALANCE] == 0);
            /* the member's transfer: its own deficit (its balance in the first year) */
            double own = accounting_own_income(member) - accounting_own_expenditure(member) +
                         (t == 0 ? province.s.regions[1].opening_balance_yuan : 0);
            assert_true(member[VAR_ADJUSTMENT_PAID] - member[VAR_ADJUSTMENT_RECEIVED] == own);
            assert_true(pooled[VAR_MONTHS] == member[VAR_MONTHS]);
            /* with interest: each region's rounded interest against the pool's,
             * until a region on its own is depleted (then it earns none) */
            const double *ri = record_at(&city_i.b, p, t, 0), *qi = record_at(&city_i.b, p, t, 1);
            depleted |= record_depleted(ri) || record_depleted(qi);
            if (depleted) continue;
            assert_close(record_at(&province_i.b, p, t, 0)[VAR_BALANCE],
                         ri[VAR_BALANCE] + qi[VAR_BALANCE], 2 * (t + 1) * ACCOUNTING_UNIT_YUAN);
            compared++;
        }
    }
    printf("# with interest, %zu path-years before any depletion compared\n", compared);
    assert_true(compared >= PATHS);

    /* P(depletion): the weak region on its own against the pooled fund */
    size_t weak = 0, rich = 0, pooled = 0;
    for (size_t p = 0; p < PATHS; p++) {
        rich += record_depleted(record_at(&city_i.b, p, YEARS - 1, 0));
        weak += record_depleted(record_at(&city_i.b, p, YEARS - 1, 1));
        pooled += record_depleted(record_at(&province_i.b, p, YEARS - 1, 0));
    }
    printf("# depleted in the last year, of %d paths: rich %zu, weak %zu, pooled %zu\n", PATHS,
           rich, weak, pooled);
    assert_true(pooled < (weak > rich ? weak : rich));
    assert_true(weak == PATHS && pooled == 0);
    free_result(&city);
    free_result(&province);
    free_result(&city_i);
    free_result(&province_i);
}

/* Poorshire joins Richshire's fund from 2025 (the fourth year): the three years
 * before are the city run's bit for bit; in 2025 its balance at the end of
 * 2024 moves exactly, and from then its balance is 0. */
static void test_merge_at_date(void **state)
{
    (void)state;
    struct run_result city, merged;
    run(NULL, 0, &city);
    run_file(MERGE, NULL, 0, &merged);
    assert_identities(&merged);
    for (size_t p = 0; p < PATHS; p++) {
        for (size_t t = 0; t < 3; t++)
            for (size_t k = 0; k < 2; k++)
                assert_memory_equal(record_at(&city.b, p, t, k), record_at(&merged.b, p, t, k),
                                    N_VARS * sizeof(double));
        const double *before = record_at(&merged.b, p, 2, 1);
        const double *member = record_at(&merged.b, p, 3, 1);
        const double *host = record_at(&merged.b, p, 3, 0);
        assert_true(member[VAR_INTEREST] == 0 && member[VAR_BALANCE] == 0);
        double own = accounting_own_income(member) - accounting_own_expenditure(member) -
                     member[VAR_DEFICIT_INTEREST];
        assert_true(member[VAR_ADJUSTMENT_PAID] - member[VAR_ADJUSTMENT_RECEIVED] ==
                    before[VAR_BALANCE] + own);
        assert_true(host[VAR_ADJUSTMENT_RECEIVED] - host[VAR_ADJUSTMENT_PAID] ==
                    before[VAR_BALANCE] + own);
        /* the host earns the year's interest on both balances */
        double rate = record_national(&merged.b, p, 3)[NVAR_INTEREST_RATE];
        double joint = record_at(&merged.b, p, 2, 0)[VAR_BALANCE] + before[VAR_BALANCE];
        assert_true(host[VAR_INTEREST] == accounting_interest(joint, rate));
        for (size_t t = 3; t < YEARS; t++)
            assert_true(record_at(&merged.b, p, t, 1)[VAR_BALANCE] == 0);
    }
    free_result(&city);
    free_result(&merged);
}

/* The province's sums of run r in year t of path p, netted when its transfers
 * are between its own funds (as the summaries do). */
static void province_sums(const struct run_result *r, size_t p, size_t t, double *x)
{
    memset(x, 0, N_VARS * sizeof *x);
    for (size_t k = 0; k < 2; k++)
        for (size_t v = 0; v < N_VARS; v++)
            x[v] += record_at(&r->b, p, t, k)[v];
    if (pools_merged(&r->s)) record_net_transfers(x);
}

/* The province's identity with the transfers netted, exact: income = own
 * income, expenditure = own expenditure + deficit interest, surplus = income -
 * expenditure, closing = opening + surplus + backstops; the sums of paid and
 * received (the money moved) equal. */
static void assert_province_identity(const struct run_result *r)
{
    for (size_t p = 0; p < PATHS; p++) {
        double open = r->s.regions[0].opening_balance_yuan + r->s.regions[1].opening_balance_yuan;
        for (size_t t = 0; t < YEARS; t++) {
            double x[N_VARS], income = 0, expenditure = 0;
            province_sums(r, p, t, x);
            for (size_t k = 0; k < 2; k++) {
                const double *v = record_at(&r->b, p, t, k);
                income += accounting_own_income(v);
                expenditure += accounting_own_expenditure(v) + v[VAR_DEFICIT_INTEREST];
            }
            assert_true(x[VAR_INCOME] == income && x[VAR_EXPENDITURE] == expenditure);
            /* the money moved between its funds: each paid is another's received */
            assert_true(x[VAR_ADJUSTMENT_PAID] == x[VAR_ADJUSTMENT_RECEIVED]);
            assert_true(x[VAR_SURPLUS] == x[VAR_INCOME] - x[VAR_EXPENDITURE]);
            assert_true(x[VAR_BALANCE] == open + x[VAR_SURPLUS] + x[VAR_BACKSTOP]);
            open = x[VAR_BALANCE];
        }
    }
}

static const double levels[] = {0.1, 0.5, 0.9};

/* The province's row of the summaries of `r` (pooled_transfers as a run sets it). */
static struct summary *summarize(const struct run_result *r)
{
    struct summary_config c = {.start_year = r->s.simulation.start_year,
                               .years = YEARS,
                               .regions = 2,
                               .paths = PATHS,
                               .n_quantiles = 3,
                               .quantiles = levels,
                               .warning = r->s.warning,
                               .pooled_transfers = pools_merged(&r->s)};
    struct diag d = {0};
    struct summary *s = summary_alloc(&c);
    assert_non_null(s);
    assert_int_equal(summary_add(s, &r->b, &d), 0);
    assert_int_equal(summary_finish(s, &d), 0);
    diag_free(&d);
    return s;
}

/* Provincial pooling against city pooling without interest (common random
 * numbers): the province's income, expenditure, surplus and balance the same
 * in every path-year; in the summaries and the compare's differences too. A
 * merge from 2025: the balance moved is not the province's expenditure. */
static void test_province_row_nets_transfers(void **state)
{
    (void)state;
    const struct setting_override sets[] = {
        {.key = "economy.interest_rate", .value = "0.0"},
        {.key = "economy.interest_volatility", .value = "0.0"},
        {.key = "pooling.mode", .value = "\"province\""},
    };
    struct run_result city, province, merged;
    run(sets, 2, &city);
    run(sets, 3, &province);
    run_file(MERGE, sets, 2, &merged);
    assert_false(pools_merged(&city.s));
    assert_true(pools_merged(&province.s) && pools_merged(&merged.s));
    assert_province_identity(&city);
    assert_province_identity(&province);
    assert_province_identity(&merged);
    double moved = 0;
    for (size_t p = 0; p < PATHS; p++)
        for (size_t t = 0; t < YEARS; t++) {
            double c[N_VARS], q[N_VARS], m[N_VARS];
            province_sums(&city, p, t, c);
            province_sums(&province, p, t, q);
            province_sums(&merged, p, t, m);
            static const int same[] = {VAR_INCOME, VAR_EXPENDITURE, VAR_SURPLUS, VAR_BALANCE};
            for (size_t i = 0; i < sizeof same / sizeof *same; i++)
                assert_true(q[same[i]] == c[same[i]] && m[same[i]] == c[same[i]]);
            /* 2025: Poorshire's balance B moves (a deficit too): it is in
             * the regions' adjustment_paid (the member's for B > 0, the
             * host's for B < 0), not in the province's expenditure */
            if (t == 3) {
                double before = record_at(&merged.b, p, 2, 1)[VAR_BALANCE];
                double paid = record_at(&merged.b, p, t, 0)[VAR_ADJUSTMENT_PAID] +
                              record_at(&merged.b, p, t, 1)[VAR_ADJUSTMENT_PAID];
                assert_true(paid >= fabs(before));
                moved += fabs(before);
            }
        }
    assert_true(moved > 0);

    /* the summaries' province row and the compare's province differences */
    struct summary *sc = summarize(&city), *sq = summarize(&province);
    const struct summary_results *rc = summary_results(sc), *rq = summary_results(sq);
    static const int vars[] = {VAR_INCOME, VAR_EXPENDITURE, VAR_SURPLUS, VAR_BALANCE, VAR_MONTHS};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        assert_memory_equal(rc->province_mean[vars[i]], rq->province_mean[vars[i]],
                            YEARS * sizeof(double));
    summary_free(sc);
    summary_free(sq);
    struct diffsum_config dc = {.years = YEARS,
                                .regions = 2,
                                .paths = PATHS,
                                .n_quantiles = 3,
                                .quantiles = levels,
                                .base_pooled_transfers = false,
                                .variant_pooled_transfers = true};
    struct diag d = {0};
    struct diffsum *ds = diffsum_alloc(&dc);
    assert_non_null(ds);
    assert_int_equal(diffsum_add(ds, &city.b, &province.b, &d), 0);
    assert_int_equal(diffsum_finish(ds, &d), 0);
    const struct diffsum_results *rd = diffsum_results(ds);
    for (size_t i = 0; i < 4; i++)
        for (size_t t = 0; t < YEARS; t++) {
            const struct diffsum_stats *st = &rd->province[vars[i]];
            assert_true(st->mean[t] == 0 && st->variance[t] == 0);
            for (size_t j = 0; j < 3; j++)
                assert_true(st->quantiles[t * 3 + j] == 0);
        }
    /* each region's row keeps what it paid in and drew; the province's, the
     * money moved */
    assert_true(rd->region[VAR_ADJUSTMENT_RECEIVED].mean[(YEARS - 1) * 2 + 1] > 0);
    assert_true(rd->province[VAR_ADJUSTMENT_PAID].mean[YEARS - 1] ==
                rd->region[VAR_ADJUSTMENT_PAID].mean[(YEARS - 1) * 2] +
                    rd->region[VAR_ADJUSTMENT_PAID].mean[(YEARS - 1) * 2 + 1]);
    diffsum_free(ds);
    diag_free(&d);
    free_result(&city);
    free_result(&province);
    free_result(&merged);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_by_hand),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_province_is_the_sum),
        cmocka_unit_test(test_merge_at_date),
        cmocka_unit_test(test_province_row_nets_transfers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
