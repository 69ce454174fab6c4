/* test_lifetable.c: the period life table and the projection's one-year
 * survival (models/lifetable.c): identities worked by hand, the stationary
 * population, and the UN's own life expectancy from the UN's death rates. */
#include "models/lifetable.h"
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

/* Coale and Demeny's a0: m0 = 0.05 gives 0.045 + 2.684 × 0.05 = 0.1792 for
 * males, 0.053 + 2.8 × 0.05 = 0.193 for females; above 0.107, 0.33 and 0.35. */
static void test_a0(void **state)
{
    (void)state;
    assert_close(lifetable_a0(SEX_MALE, 0.05), 0.1792, 1e-12);
    assert_close(lifetable_a0(SEX_FEMALE, 0.05), 0.193, 1e-12);
    assert_close(lifetable_a0(SEX_MALE, 0.2), 0.33, 0);
    assert_close(lifetable_a0(SEX_FEMALE, 0.2), 0.35, 0);
}

/* With one rate m at every age, e0 = 1/m whatever the a(x): each age's L is
 * its deaths over m (m = d/L by the definition of q), and all die. m = 0.02:
 * e0 = 50. Also q(1) = 0.02 / 1.01 and L(100+) = l(100) / m. */
static void test_constant_rate(void **state)
{
    (void)state;
    double m[N_AGES];
    for (int x = 0; x < N_AGES; x++)
        m[x] = 0.02;
    for (int sex = 0; sex < N_SEXES; sex++) {
        struct lifetable t;
        lifetable_build(m, (enum sex)sex, &t);
        assert_close(t.e0, 50, 1e-9);
        assert_close(t.q[1], 0.02 / 1.01, 1e-15);
        assert_close(t.L[100], t.l[100] / 0.02, 1e-15);
        assert_close(t.q[100], 1, 0);
    }
}

/* The stationary population (L(x) persons at each age, one birth a year)
 * reproduces itself under the one-year survival: L(x) survive as L(x+1), the
 * open group L(99) + L(100+) as L(100+), the year's birth as L(0). */
static void test_stationary_population(void **state)
{
    (void)state;
    double m[N_AGES];
    for (int x = 0; x < N_AGES; x++) /* a Gompertz curve with an infant rate */
        m[x] = x == 0 ? 0.006 : 2e-4 * exp(0.085 * x);
    struct lifetable t;
    lifetable_build(m, SEX_FEMALE, &t);
    double dp[N_AGES], newborn;
    lifetable_death_prob(&t, dp, &newborn);
    for (int x = 0; x < N_AGES - 2; x++) {
        assert_true(dp[x] >= 0 && dp[x] <= 1);
        assert_close(t.L[x] * (1 - dp[x]), t.L[x + 1], 1e-15);
    }
    assert_close(dp[99], dp[100], 0);
    assert_close((t.L[99] + t.L[100]) * (1 - dp[100]), t.L[100], 1e-15);
    assert_close(1 - newborn, t.L[0], 1e-15);
    /* newborns die at (1 - a0) q0: a0 = 0.053 + 2.8 × 0.006 = 0.0698 */
    assert_close(newborn, (1 - 0.0698) * t.q[0], 1e-15);
}

/* The UN death rates of 2020-2025, split into single years, give the UN's
 * life expectancy of 2022 (the period's middle year) to within 0.3 years:
 * 75.963 for males and 81.343 for females (china_e0{M,F}proj.csv). The UN
 * computes e0 from its own single-year tables of each calendar year; ours
 * come from the five-year average split by split_rates (male +0.07, female
 * +0.19 years), which is why the mortality driver re-fits its median to the
 * UN e0 (mortality.h). */
static void test_un_life_expectancy(void **state)
{
    (void)state;
    const char *files[] = {WPP "china_mxM5.csv", WPP "china_mxF5.csv"};
    const double un_e0[] = {75.9628, 81.3425};
    for (int sex = 0; sex < N_SEXES; sex++) {
        struct diag d = {0};
        struct wpp_table mx;
        assert_int_equal(wpp_read_table(files[sex], "test", 1, &mx, &d), 0);
        size_t col = 0;
        while (mx.first_year[col] != 2020)
            col++;
        const double *rate = &mx.value[col * mx.n_rows];
        double m[N_AGES];
        split_rates(mx.n_rows - 1, mx.first_age, rate, m);
        m[100] = rate[mx.n_rows - 1];
        struct lifetable t;
        lifetable_build(m, (enum sex)sex, &t);
        assert_true(t.e0 > un_e0[sex] - 0.3 && t.e0 < un_e0[sex] + 0.3);
        wpp_table_free(&mx);
        diag_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a0),
        cmocka_unit_test(test_constant_rate),
        cmocka_unit_test(test_stationary_population),
        cmocka_unit_test(test_un_life_expectancy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
