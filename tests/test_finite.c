/* test_finite.c: the check that a block of records is finite
 * (output/finite.c). A doctored block of 3 paths (64-66 of a run), 2 years
 * (2030-2031) and 2 regions, every value finite but those planted: the first
 * planted one in block order is reported, with its variable, region, year and
 * path, in the message of finite_check. */
#include "output/finite.h"
#include "sim/config/diag.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

enum { P = 3, Y = 2, R = 2, FIRST = 64, START = 2030 };
static const char *const regions[R] = {"Alpha", "Beta"};

/* A block of ordinary values (a balance of 1e9 yuan and so on). */
static void fill(struct record_block *b)
{
    assert_int_equal(record_block_alloc(b, P, Y, R), 0);
    b->first_path = FIRST;
    b->n_paths = P;
    for (size_t k = 0; k < (size_t)P * Y * R * N_VARS; k++)
        b->v[k] = 1e9 + (double)k;
    for (size_t k = 0; k < (size_t)P * Y * N_NVARS; k++)
        b->national[k] = 1.0 + (double)k;
}

static void finite_block_passes(void **state)
{
    (void)state;
    struct record_block b;
    fill(&b);
    /* extremes that are still numbers pass */
    record_at(&b, 2, 1, 1)[VAR_BALANCE] = -1.7e308;
    record_at(&b, 0, 0, 0)[VAR_MONTHS] = 5e-324;
    struct finite_at at;
    assert_false(finite_scan(&b, &at));
    struct diag dg = {0};
    assert_int_equal(finite_check(&b, "s", regions, START, &dg), 0);
    assert_int_equal(dg.n, 0); /* nothing said */
    record_block_free(&b);
    diag_free(&dg);
}

static void nan_is_found_where_it_is(void **state)
{
    (void)state;
    struct record_block b;
    fill(&b);
    record_at(&b, 2, 1, 1)[VAR_BALANCE] = NAN;
    struct finite_at at;
    assert_true(finite_scan(&b, &at));
    assert_false(at.national);
    assert_int_equal(at.var, VAR_BALANCE);
    assert_int_equal(at.path, 66);
    assert_int_equal(at.year, 1);
    assert_int_equal(at.region, 1);
    assert_true(isnan(at.value));
    struct diag dg = {0};
    assert_int_equal(finite_check(&b, "henan", regions, START, &dg), -1);
    assert_non_null(
        strstr(diag_last_text(&dg), "henan: balance is NaN in Beta in 2031 on path 66 (from 0)"));
    record_block_free(&b);
    diag_free(&dg);
}

/* Block order: path, then year, then the regions' variables, then the
 * path-year's national ones. */
static void the_first_in_block_order_is_reported(void **state)
{
    (void)state;
    struct record_block b;
    fill(&b);
    record_at(&b, 1, 0, 0)[VAR_RESIDENTS] = -INFINITY;
    record_national(&b, 0, 1)[NVAR_COST_INDEX] = INFINITY;
    record_at(&b, 0, 1, 1)[N_VARS - 1] = NAN; /* same path-year, a region: before the national */
    struct finite_at at;
    assert_true(finite_scan(&b, &at));
    assert_int_equal(at.var, N_VARS - 1);
    assert_int_equal(at.path, 64);
    assert_int_equal(at.region, 1);

    record_at(&b, 0, 1, 1)[N_VARS - 1] = 0.0;
    assert_true(finite_scan(&b, &at));
    assert_true(at.national);
    assert_int_equal(at.var, NVAR_COST_INDEX);
    assert_int_equal(at.path, 64);
    assert_int_equal(at.year, 1);
    struct diag dg = {0};
    assert_int_equal(finite_check(&b, "s", regions, START, &dg), -1);
    assert_non_null(strstr(diag_last_text(&dg),
                           "s: cost_index is +infinity in the province in 2031 on path 64"));

    record_national(&b, 0, 1)[NVAR_COST_INDEX] = 1.0;
    assert_int_equal(finite_check(&b, "s", regions, START, &dg), -1);
    assert_non_null(
        strstr(diag_last_text(&dg), "s: residents is -infinity in Alpha in 2030 on path 65"));
    record_block_free(&b);
    diag_free(&dg);
}

/* An infinity among the province's values alone, every region's finite: found
 * there (the regions' and the province's arrays are each checked whole first). */
static void national_alone_is_found(void **state)
{
    (void)state;
    struct record_block b;
    fill(&b);
    record_national(&b, 2, 1)[N_NVARS - 1] = INFINITY;
    struct finite_at at;
    assert_true(finite_scan(&b, &at));
    assert_true(at.national);
    assert_int_equal(at.path, FIRST + 2);
    assert_int_equal(at.year, 1);
    record_block_free(&b);
}

/* Only the block's n_paths count: a buffer's unused paths are not read. */
static void only_the_block_paths_are_read(void **state)
{
    (void)state;
    struct record_block b;
    fill(&b);
    record_at(&b, 2, 0, 0)[VAR_INCOME] = NAN;
    b.n_paths = 2;
    struct finite_at at;
    assert_false(finite_scan(&b, &at));
    b.n_paths = 3;
    assert_true(finite_scan(&b, &at));
    record_block_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finite_block_passes),
        cmocka_unit_test(nan_is_found_where_it_is),
        cmocka_unit_test(the_first_in_block_order_is_reported),
        cmocka_unit_test(only_the_block_paths_are_read),
        cmocka_unit_test(national_alone_is_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
