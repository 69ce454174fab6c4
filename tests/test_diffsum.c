/* test_diffsum.c: the summaries of variant − base (output/diffsum.c) on a
 * hand-made pair of runs of 4 paths, 2 regions and 2 years, added in two
 * blocks, every figure computed by hand: means, sample variances, Student t
 * intervals, type-7 quantiles, the province's sums, p_better and p_worse with
 * ties at 0, delta_p_depleted and its interval, the chance that some fund is
 * depleted, variance_independent; exact
 * zeros for identical runs; the same bits however the paths are cut into
 * blocks; what diffsum_alloc, diffsum_add and diffsum_finish refuse. */
#include "output/diffsum.h"
#include "sim/config/diag.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

enum { Y = 2, R = 2, P = 4, Q = 3 };
static const double levels[Q] = {0.25, 0.5, 0.9};
static const double t3 = 3.182446305; /* t(0.975, 3 degrees of freedom), from tables */

/* Balances [region][year][path]. Year 0, region 0: differences 4, 2, 0, -2 (a
 * tie at 0; a base balance of exactly 0 is not depleted); region 1: -10, 0,
 * 5, -30; province: -6, 2, 5, -32. Year 1, region 0: a constant difference
 * of 3; region 1: 2, 0, -6, 0 with depletion gained on one path and lost on
 * another; province: 5, 3, -3, 3. */
static const double base_balance[R][Y][P] = {
    {{10, -5, 20, 0}, {5, 6, 7, 8}},
    {{100, 50, 30, 40}, {-1, -2, 3, 4}},
};
static const double variant_balance[R][Y][P] = {
    {{14, -3, 20, -2}, {8, 9, 10, 11}},
    {{90, 50, 35, 10}, {1, -2, -3, 4}},
};

static struct diffsum_config config(void)
{
    return (struct diffsum_config){
        .years = Y, .regions = R, .paths = P, .n_quantiles = Q, .quantiles = levels};
}

/* Paths first_path .. first_path + n_paths - 1 of the base or the variant.
 * Interest (no quantiles) is 1 in the base and 1 + k/2 in the variant's
 * region 0. */
static void fill(struct record_block *b, bool variant, size_t first_path, size_t n_paths)
{
    assert_int_equal(record_block_alloc(b, n_paths, Y, R), 0);
    b->first_path = first_path;
    for (size_t p = 0; p < n_paths; p++) {
        size_t k = first_path + p;
        for (size_t y = 0; y < Y; y++)
            for (size_t r = 0; r < R; r++) {
                double *x = record_at(b, p, y, r);
                x[VAR_BALANCE] = (variant ? variant_balance : base_balance)[r][y][k];
                x[VAR_INTEREST] = 1 + (variant && r == 0 ? 0.5 * (double)k : 0);
            }
    }
}

/* A finished diffsum of the paths, added in blocks of the given sizes. */
static struct diffsum *run(const size_t *sizes, size_t n_blocks, bool moments_only)
{
    struct diag dg = {0};
    struct diffsum_config c = config();
    c.moments_only = moments_only;
    struct diffsum *d = diffsum_alloc(&c);
    assert_non_null(d);
    size_t first = 0;
    for (size_t i = 0; i < n_blocks; i++) {
        struct record_block base, variant;
        fill(&base, false, first, sizes[i]);
        fill(&variant, true, first, sizes[i]);
        assert_int_equal(diffsum_add(d, &base, &variant, &dg), 0);
        record_block_free(&base);
        record_block_free(&variant);
        first += sizes[i];
    }
    assert_int_equal(diffsum_finish(d, &dg), 0);
    diag_free(&dg);
    return d;
}

static struct diffsum *run_two_blocks(void)
{
    return run((const size_t[]){2, 2}, 2, false);
}

/* Index [y][r] and [y][r][q] of the results. */
#define YR(y, r) ((y)*R + (r))
#define YRQ(y, r, q) (YR(y, r) * Q + (q))

static void test_variables(void **state)
{
    (void)state;
    assert_int_equal(diffsum_n_vars, 25);
    assert_int_equal(diffsum_vars[0], VAR_BALANCE);
    assert_int_equal(diffsum_vars[8], VAR_EXPENDITURE);
    assert_int_equal(diffsum_vars[24], VAR_ENROLLEES);
    size_t with_quantiles = 0;
    for (size_t j = 0; j < diffsum_n_vars; j++) {
        assert_true(var_info[diffsum_vars[j]].additive);
        with_quantiles += diffsum_var_has_quantiles(diffsum_vars[j]);
    }
    assert_int_equal(with_quantiles, 13);
    assert_true(diffsum_var_has_quantiles(VAR_ADJUSTMENT_RECEIVED));
    assert_true(diffsum_var_has_quantiles(VAR_OUTLAY_COUNTY));
    assert_false(diffsum_var_has_quantiles(VAR_INTEREST));
    assert_false(diffsum_var_has_quantiles(VAR_ENROLLEES));
}

static void test_regions(void **state)
{
    (void)state;
    struct diffsum *d = run_two_blocks();
    const struct diffsum_results *res = diffsum_results(d);
    const struct diffsum_stats *b = &res->region[VAR_BALANCE];
    /* Year 0, region 0: differences 4, 2, 0, -2: mean 1, squared deviations
     * 9 + 1 + 1 + 9 = 20. Base 10, -5, 20, 0: mean 6.25, squared deviations
     * 368.75; variant 14, -3, 20, -2: mean 7.25, 398.75. */
    assert_close(b->mean[YR(0, 0)], 1, 1e-12);
    assert_close(b->variance[YR(0, 0)], 20.0 / 3, 1e-12);
    assert_close(b->ci_low[YR(0, 0)], 1 - t3 * sqrt(20.0 / 3 / 4), 1e-8);
    assert_close(b->ci_high[YR(0, 0)], 1 + t3 * sqrt(20.0 / 3 / 4), 1e-8);
    assert_close(b->variance_independent[YR(0, 0)], (368.75 + 398.75) / 3, 1e-12);
    /* Sorted -2 0 2 4: h = 3 q. */
    assert_close(b->quantiles[YRQ(0, 0, 0)], -0.5, 1e-12);
    assert_close(b->quantiles[YRQ(0, 0, 1)], 1, 1e-12);
    assert_close(b->quantiles[YRQ(0, 0, 2)], 3.4, 1e-12);
    /* Year 0, region 1: -10, 0, 5, -30; sorted -30 -10 0 5. */
    assert_close(b->mean[YR(0, 1)], -8.75, 1e-12);
    assert_close(b->variance[YR(0, 1)], (1.5625 + 76.5625 + 189.0625 + 451.5625) / 3, 1e-12);
    assert_close(b->quantiles[YRQ(0, 1, 0)], -15, 1e-12);
    assert_close(b->quantiles[YRQ(0, 1, 1)], -5, 1e-12);
    assert_close(b->quantiles[YRQ(0, 1, 2)], 3.5, 1e-12);
    /* Year 1, region 0: a difference of 3 on every path: no variance, the
     * interval is the mean; base and variant each 5/3. */
    assert_true(b->mean[YR(1, 0)] == 3);
    assert_true(b->variance[YR(1, 0)] == 0);
    assert_true(b->ci_low[YR(1, 0)] == 3);
    assert_true(b->ci_high[YR(1, 0)] == 3);
    assert_close(b->variance_independent[YR(1, 0)], 10.0 / 3, 1e-12);
    for (size_t q = 0; q < Q; q++)
        assert_true(b->quantiles[YRQ(1, 0, q)] == 3);

    /* Interest, region 0, year 0: 0, 0.5, 1, 1.5; no quantiles. */
    const struct diffsum_stats *i = &res->region[VAR_INTEREST];
    assert_close(i->mean[YR(0, 0)], 0.75, 1e-12);
    assert_close(i->variance[YR(0, 0)], 1.25 / 3, 1e-12);
    assert_close(i->variance_independent[YR(0, 0)], 1.25 / 3, 1e-12);
    assert_true(i->mean[YR(0, 1)] == 0);
    assert_null(i->quantiles);
    /* Variables not differenced. */
    assert_null(res->region[VAR_MONTHS].mean);
    assert_null(res->province[VAR_RESIDENTS].variance);
    diffsum_free(d);
}

static void test_probabilities(void **state)
{
    (void)state;
    struct diffsum *d = run_two_blocks();
    const struct diffsum_results *res = diffsum_results(d);
    /* Year 0, region 0: 4, 2 better, 0 neither, -2 worse. */
    assert_true(res->p_better[YR(0, 0)] == 0.5);
    assert_true(res->p_worse[YR(0, 0)] == 0.25);
    assert_true(res->p_better[YR(1, 0)] == 1);
    assert_true(res->p_worse[YR(1, 0)] == 0);
    assert_true(res->p_better[YR(1, 1)] == 0.25);
    assert_true(res->p_worse[YR(1, 1)] == 0.25);
    /* Year 0, region 0: only path 3 is depleted by the variant alone (its
     * base balance is 0); indicator differences 0, 0, 0, 1: mean 0.25,
     * sample variance 0.75 / 3, so sd / sqrt(n) = 0.25. */
    assert_close(res->delta_p_depleted[YR(0, 0)], 0.25, 1e-15);
    assert_close(res->delta_p_depleted_ci_low[YR(0, 0)], 0.25 - 1.96 * 0.25, 1e-12);
    assert_close(res->delta_p_depleted_ci_high[YR(0, 0)], 0.25 + 1.96 * 0.25, 1e-12);
    /* Year 1, region 1: path 0 recovers, path 2 is depleted: -1, 0, 1, 0:
     * mean 0, sample variance 2 / 3. */
    assert_true(res->delta_p_depleted[YR(1, 1)] == 0);
    assert_close(res->delta_p_depleted_ci_low[YR(1, 1)], -1.96 * sqrt(2.0 / 3 / 4), 1e-12);
    assert_close(res->delta_p_depleted_ci_high[YR(1, 1)], 1.96 * sqrt(2.0 / 3 / 4), 1e-12);
    /* Year 0, region 1: no path depleted either way. */
    assert_true(res->delta_p_depleted[YR(0, 1)] == 0);
    assert_true(res->delta_p_depleted_ci_low[YR(0, 1)] == 0);
    assert_true(res->delta_p_depleted_ci_high[YR(0, 1)] == 0);
    /* Some fund depleted: year 0, the base's path 1 (region 0 at -5), the
     * variant's paths 1 and 3; year 1, the base's paths 0 and 1 (region 1),
     * the variant's 1 and 2. */
    assert_true(res->p_any_depleted_base[0] == 0.25 && res->p_any_depleted_variant[0] == 0.5);
    assert_true(res->p_any_depleted_base[1] == 0.5 && res->p_any_depleted_variant[1] == 0.5);
    diffsum_free(d);
}

static void test_province(void **state)
{
    (void)state;
    struct diffsum *d = run_two_blocks();
    const struct diffsum_results *res = diffsum_results(d);
    const struct diffsum_stats *b = &res->province[VAR_BALANCE];
    /* Year 0: base sums 110, 45, 50, 40; variant 104, 47, 55, 8; differences
     * -6, 2, 5, -32 (mean -7.75, squared deviations 848.75), sorted -32 -6 2 5. */
    assert_close(b->mean[0], -7.75, 1e-12);
    assert_close(b->variance[0], 848.75 / 3, 1e-12);
    assert_close(b->ci_low[0], -7.75 - t3 * sqrt(848.75 / 3 / 4), 1e-8);
    assert_close(b->ci_high[0], -7.75 + t3 * sqrt(848.75 / 3 / 4), 1e-8);
    /* Base sums: mean 61.25, squared deviations 3218.75; variant: mean 53.5, 4665. */
    assert_close(b->variance_independent[0], (3218.75 + 4665) / 3, 1e-11);
    assert_close(b->quantiles[0 * Q + 0], -12.5, 1e-12);
    assert_close(b->quantiles[0 * Q + 1], -2, 1e-12);
    assert_close(b->quantiles[0 * Q + 2], 4.1, 1e-12);
    /* Year 1: base sums 4, 4, 10, 12, variant 9, 7, 7, 15: differences 5, 3, -3, 3. */
    assert_close(b->mean[1], 2, 1e-12);
    assert_close(b->variance[1], 36.0 / 3, 1e-12);
    assert_close(b->quantiles[1 * Q + 1], 3, 1e-12);
    assert_true(res->province_p_better[0] == 0.5);
    assert_true(res->province_p_worse[0] == 0.5);
    assert_true(res->province_p_better[1] == 0.75);
    assert_true(res->province_p_worse[1] == 0.25);
    /* No province sum is ever < 0: no change and no interval. */
    for (size_t y = 0; y < Y; y++) {
        assert_true(res->province_delta_p_depleted[y] == 0);
        assert_true(res->province_delta_p_depleted_ci_low[y] == 0);
        assert_true(res->province_delta_p_depleted_ci_high[y] == 0);
    }
    /* Interest: region 0's differences (region 1 has none). */
    assert_close(res->province[VAR_INTEREST].mean[0], 0.75, 1e-12);
    assert_close(res->province[VAR_INTEREST].variance[1], 1.25 / 3, 1e-12);
    assert_null(res->province[VAR_INTEREST].quantiles);
    diffsum_free(d);
}

/* Every diff variable with values of all sizes, the same in base and variant. */
static void fill_identical(struct record_block *b, size_t first_path, size_t n_paths)
{
    assert_int_equal(record_block_alloc(b, n_paths, Y, R), 0);
    b->first_path = first_path;
    for (size_t p = 0; p < n_paths; p++)
        for (size_t y = 0; y < Y; y++)
            for (size_t r = 0; r < R; r++)
                for (size_t j = 0; j < diffsum_n_vars; j++)
                    record_at(b, p, y, r)[diffsum_vars[j]] =
                        (1e9 / 7) * (double)(first_path + p + 1) * (double)(j + 1) -
                        3e8 * (double)(y + r) + 0.1 * (double)j;
}

#define ALL_ZERO(a, count)                                                                         \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < (count); i_++)                                                    \
            assert_true((a)[i_] == 0.0);                                                           \
    } while (0)

static void test_identical_runs(void **state)
{
    (void)state;
    struct diag dg = {0};
    struct diffsum_config c = config();
    struct diffsum *d = diffsum_alloc(&c);
    assert_non_null(d);
    struct record_block a, b;
    fill_identical(&a, 0, 3);
    fill_identical(&b, 3, 1);
    assert_int_equal(diffsum_add(d, &a, &a, &dg), 0);
    assert_int_equal(diffsum_add(d, &b, &b, &dg), 0);
    assert_int_equal(diffsum_finish(d, &dg), 0);
    const struct diffsum_results *res = diffsum_results(d);
    for (size_t j = 0; j < diffsum_n_vars; j++) {
        enum var v = diffsum_vars[j];
        const struct diffsum_stats *s[2] = {&res->region[v], &res->province[v]};
        const size_t cells[2] = {Y * R, Y};
        for (size_t k = 0; k < 2; k++) {
            ALL_ZERO(s[k]->mean, cells[k]);
            ALL_ZERO(s[k]->ci_low, cells[k]);
            ALL_ZERO(s[k]->ci_high, cells[k]);
            ALL_ZERO(s[k]->variance, cells[k]);
            if (diffsum_var_has_quantiles(v)) ALL_ZERO(s[k]->quantiles, cells[k] * Q);
            for (size_t i = 0; i < cells[k]; i++)
                assert_true(s[k]->variance_independent[i] > 0 &&
                            isfinite(s[k]->variance_independent[i]));
        }
    }
    ALL_ZERO(res->p_better, Y * R);
    ALL_ZERO(res->p_worse, Y * R);
    ALL_ZERO(res->delta_p_depleted, Y * R);
    ALL_ZERO(res->delta_p_depleted_ci_low, Y * R);
    ALL_ZERO(res->delta_p_depleted_ci_high, Y * R);
    ALL_ZERO(res->province_p_better, Y);
    ALL_ZERO(res->province_p_worse, Y);
    ALL_ZERO(res->province_delta_p_depleted, Y);
    ALL_ZERO(res->province_delta_p_depleted_ci_low, Y);
    ALL_ZERO(res->province_delta_p_depleted_ci_high, Y);
    record_block_free(&a);
    record_block_free(&b);
    diffsum_free(d);
    diag_free(&dg);
}

#define SAME(field, count) assert_memory_equal(x->field, y->field, (count) * sizeof *x->field)

static void test_blocks_bit_identical(void **state)
{
    (void)state;
    struct diffsum *one = run((const size_t[]){4}, 1, false);
    struct diffsum *three = run((const size_t[]){1, 2, 1}, 3, false);
    const struct diffsum_results *x = diffsum_results(one), *y = diffsum_results(three);
    for (size_t j = 0; j < diffsum_n_vars; j++) {
        enum var v = diffsum_vars[j];
        SAME(region[v].mean, Y * R);
        SAME(region[v].ci_low, Y * R);
        SAME(region[v].variance, Y * R);
        SAME(region[v].variance_independent, Y * R);
        SAME(province[v].mean, Y);
        SAME(province[v].ci_high, Y);
        if (diffsum_var_has_quantiles(v)) {
            SAME(region[v].quantiles, Y * R * Q);
            SAME(province[v].quantiles, Y * Q);
        }
    }
    SAME(p_better, Y * R);
    SAME(delta_p_depleted_ci_low, Y * R);
    SAME(province_p_worse, Y);
    SAME(province_delta_p_depleted_ci_high, Y);
    diffsum_free(one);
    diffsum_free(three);
}

/* Moments only (the independent-stream twin of `fundsim compare`): the same
 * means and variances, bit for bit, and no quantiles. */
static void test_moments_only(void **state)
{
    (void)state;
    struct diffsum *full = run((const size_t[]){2, 2}, 2, false);
    struct diffsum *moments = run((const size_t[]){2, 2}, 2, true);
    const struct diffsum_results *x = diffsum_results(full), *y = diffsum_results(moments);
    for (size_t j = 0; j < diffsum_n_vars; j++) {
        enum var v = diffsum_vars[j];
        SAME(region[v].mean, Y * R);
        SAME(region[v].variance, Y * R);
        SAME(province[v].variance, Y);
        SAME(province[v].variance_independent, Y);
        assert_null(y->region[v].quantiles);
        assert_null(y->province[v].quantiles);
    }
    SAME(p_better, Y * R);
    diffsum_free(full);
    diffsum_free(moments);
}

static void test_refusals(void **state)
{
    (void)state;
    struct diag dg = {0};
    struct diffsum_config c = config();
    c.paths = 1;
    assert_null(diffsum_alloc(&c));
    c.paths = 0;
    assert_null(diffsum_alloc(&c));
    c = config();
    struct diffsum *d = diffsum_alloc(&c);
    assert_non_null(d);
    assert_int_equal(diffsum_finish(d, &dg), -1); /* no path yet */

    struct record_block base, variant; /* paths 0 and 1, renumbered below */
    fill(&base, false, 0, 2);
    fill(&variant, true, 0, 2);
    base.first_path = variant.first_path = 1;
    /* does not start at path 0 */
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), -1);
    base.first_path = 0;
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), -1); /* not the same paths */
    variant.first_path = 0;
    variant.n_paths = 1;
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), -1); /* not as many paths */
    base.n_paths = 1;
    variant.years = 1;
    /* not the config's years */
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), -1);
    variant.years = Y;
    base.regions = 1;
    variant.regions = 1;
    /* not the config's regions */
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), -1);
    base.regions = variant.regions = R;
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), 0);  /* path 0 */
    assert_int_equal(diffsum_finish(d, &dg), -1);               /* 1 path is too few */
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), -1); /* path 0 again */
    base.first_path = variant.first_path = 1;
    base.n_paths = variant.n_paths = 4;
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), -1); /* 5 paths of 4 */
    base.n_paths = variant.n_paths = 2;                         /* paths 0-1's records as 1-2 */
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), 0);
    assert_int_equal(diffsum_finish(d, &dg), 0); /* 3 paths of 4 are enough */
    assert_int_equal(diffsum_finish(d, &dg), 0); /* and a second call changes nothing */
    base.first_path = variant.first_path = 3;
    base.n_paths = variant.n_paths = 1;
    /* next in order, but after finishing */
    assert_int_equal(diffsum_add(d, &base, &variant, &dg), -1);
    /* Year 0, region 0: differences 4, 4, 2 (path 0 twice, then path 1). */
    assert_close(diffsum_results(d)->region[VAR_BALANCE].mean[YR(0, 0)], 10.0 / 3, 1e-12);
    assert_int_equal(diffsum_config(d)->paths, P);
    record_block_free(&base);
    record_block_free(&variant);
    diffsum_free(d);
    diag_free(&dg);
}

/* The scratch file: 8 bytes per path and quantile cell, the 13 variables with
 * quantiles × Y × (R + 1): 13 × 6 × 4 paths × 8 = 2496 bytes; none for moments only. */
static void test_scratch_bytes(void **state)
{
    (void)state;
    struct diffsum_config c = config();
    assert_int_equal(diffsum_scratch_bytes(&c), 2496);
    c.moments_only = true;
    assert_int_equal(diffsum_scratch_bytes(&c), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variables),      cmocka_unit_test(test_regions),
        cmocka_unit_test(test_probabilities),  cmocka_unit_test(test_province),
        cmocka_unit_test(test_identical_runs), cmocka_unit_test(test_blocks_bit_identical),
        cmocka_unit_test(test_refusals),       cmocka_unit_test(test_moments_only),
        cmocka_unit_test(test_scratch_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
