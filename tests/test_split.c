/* test_split.c: age groups to single years (models/split.c). Counts keep each
 * group's total and are never negative; a linear density and a Gompertz
 * curve come back exactly; rates keep each group's mean. The data are the UN
 * tables the shipped scenarios use (scenarios/data/wpp). */
#include "models/split.h"
#include "sim/config/diag.h"
#include "sim/config/wpp.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "close.h"

#define WPP FUNDSIM_SOURCE_DIR "/scenarios/data/wpp/"

static void read_table(const char *file, int positive, struct wpp_table *t)
{
    struct diag d = {0};
    int status = wpp_read_table(file, "test", positive, t, &d);
    if (status) diag_print(stderr, &d);
    assert_int_equal(status, 0);
    diag_free(&d);
}

/* Every column of the UN population by five-year group (1950 to 2020, both
 * sexes): the 20 closed groups 0-4 .. 95-99 split into ages 0..99 keep their
 * totals to 1e-12 relative, and no single year is negative. */
static void test_counts_keep_group_totals(void **state)
{
    (void)state;
    const char *files[] = {WPP "china_popM_wpp2019.csv", WPP "china_popF_wpp2019.csv"};
    for (int f = 0; f < 2; f++) {
        struct wpp_table t;
        read_table(files[f], 0, &t);
        assert_int_equal(t.n_rows, 21);
        assert_int_equal(t.end_age, 0); /* 100+ */
        for (size_t c = 0; c < t.n_cols; c++) {
            const double *count = &t.value[c * t.n_rows];
            double out[100];
            split_counts(20, t.first_age, count, out);
            for (size_t g = 0; g < 20; g++) {
                double sum = 0;
                for (int a = t.first_age[g]; a < t.first_age[g + 1]; a++) {
                    assert_true(out[a] >= 0);
                    sum += out[a];
                }
                assert_close(sum, count[g], 1e-12 * count[g]);
            }
        }
        wpp_table_free(&t);
    }
}

/* The split is smooth: across the boundary of two groups of 2020 males, the
 * single years change by less than the groups' own step. 0-4 holds 44.46
 * million and 5-9 46.32 million: ages 4 and 5 differ by less than
 * (46.32 - 44.46) / 5 × 2 million. */
static void test_counts_smooth(void **state)
{
    (void)state;
    struct wpp_table t;
    read_table(WPP "china_popM_wpp2019.csv", 0, &t);
    const double *count = &t.value[(t.n_cols - 1) * t.n_rows];
    assert_close(count[0], 44456.332, 1e-9);
    double out[100];
    split_counts(20, t.first_age, count, out);
    assert_true(fabs(out[5] - out[4]) < (count[1] - count[0]) / 5 * 2);
    wpp_table_free(&t);
}

/* A linear density d(a) = 100 + 10 a grouped in fives (group g holds
 * 5 × (100 + 10 (5g + 2.5))) comes back exactly inside: the cumulative count is
 * a parabola, which Steffen's interpolant reproduces where its slope limiter
 * does not bind and its slopes are central (not in the end groups, where GSL
 * takes the end segment's slope). Single year a holds 100 + 10 (a + 0.5). */
static void test_counts_linear_density(void **state)
{
    (void)state;
    int bound[21];
    double count[20], out[100];
    for (int g = 0; g <= 20; g++)
        bound[g] = 5 * g;
    for (int g = 0; g < 20; g++)
        count[g] = 5 * (100 + 10 * (5 * g + 2.5));
    split_counts(20, bound, count, out);
    for (int a = 5; a < 95; a++)
        assert_close(out[a], 100 + 10 * (a + 0.5), 1e-9);
}

/* One group: equal shares. Unequal groups (0, 1-4, 5-14) keep their totals. */
static void test_counts_edges(void **state)
{
    (void)state;
    int one[] = {10, 15};
    double c = 50, out[20] = {0};
    split_counts(1, one, &c, out);
    for (int a = 10; a < 15; a++)
        assert_close(out[a], 10, 0);
    int bound[] = {0, 1, 5, 15};
    double count[] = {7, 30, 100};
    split_counts(3, bound, count, out);
    assert_close(out[0], 7, 1e-12);
    assert_close(out[1] + out[2] + out[3] + out[4], 30, 1e-12);
    double rest = 0;
    for (int a = 5; a < 15; a++) {
        assert_true(out[a] >= 0);
        rest += out[a];
    }
    assert_close(rest, 100, 1e-12);
}

/* The UN death rates in the groups 0, 1-4, 5-9 .. 95-99 of every period and
 * both sexes: the single years' mean is the group's rate (1e-12 relative),
 * every rate is > 0, and age 0 keeps the infant rate. */
static void test_rates_keep_group_means(void **state)
{
    (void)state;
    const char *files[] = {WPP "china_mxM5.csv", WPP "china_mxF5.csv"};
    for (int f = 0; f < 2; f++) {
        struct wpp_table t;
        read_table(files[f], 1, &t);
        assert_int_equal(t.n_rows, 22); /* 0, 1-4, 5-9, ..., 95-99, 100+ */
        assert_int_equal(t.first_age[1], 1);
        for (size_t c = 0; c < t.n_cols; c++) {
            const double *rate = &t.value[c * t.n_rows];
            double out[100];
            split_rates(21, t.first_age, rate, out);
            assert_close(out[0], rate[0], 1e-15);
            for (size_t g = 0; g < 21; g++) {
                double sum = 0;
                int n = t.first_age[g + 1] - t.first_age[g];
                for (int a = t.first_age[g]; a < t.first_age[g + 1]; a++) {
                    assert_true(out[a] > 0);
                    sum += out[a];
                }
                assert_close(sum / n, rate[g], 1e-12 * rate[g]);
            }
        }
        wpp_table_free(&t);
    }
}

/* A Gompertz curve m(a) = 1e-4 e^(0.09 a), grouped by its means over each
 * five years, comes back exactly: log-linear interpolation between the groups'
 * midpoints has the curve's own slope everywhere, and the rescaling of every
 * group is the same constant. */
static void test_rates_gompertz(void **state)
{
    (void)state;
    int bound[21];
    double rate[20], out[100];
    for (int g = 0; g <= 20; g++)
        bound[g] = 5 * g;
    for (int g = 0; g < 20; g++) {
        rate[g] = 0;
        for (int a = 5 * g; a < 5 * g + 5; a++)
            rate[g] += 1e-4 * exp(0.09 * a) / 5;
    }
    split_rates(20, bound, rate, out);
    for (int a = 0; a < 100; a++)
        assert_close(out[a], 1e-4 * exp(0.09 * a), 1e-12 * out[a]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_keep_group_totals), cmocka_unit_test(test_counts_smooth),
        cmocka_unit_test(test_counts_linear_density),    cmocka_unit_test(test_counts_edges),
        cmocka_unit_test(test_rates_keep_group_means),   cmocka_unit_test(test_rates_gompertz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
