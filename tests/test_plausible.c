/* test_plausible.c: the plausibility warnings (sim/config/plausible.h) on a
 * scenario built by hand, one region whose figures are worked out here:
 *
 *   ages 0-17: 100,000 men and 100,000 women, none in the employee scheme;
 *   18+: 400,000 men and 400,000 women, half in it;
 *   outside it 200,000 + 400,000 = 600,000; participation 0.9: 540,000 enrollees;
 *   2024: contribution 400 + subsidy 670 + other income 30 = 1,100 yuan each;
 *   a month's expected spending 540,000 x 1,100 / 12 = 49,500,000 yuan:
 *   1 month 49.5 million, 36 months 1,782 million yuan.
 *
 * Each limit is tried on both sides of it; the example of issue 24 is
 * Zhengzhou's population typed in 万 (1167.73) and its balance in 亿 (46.47). */
#include "sim/config/plausible.h"
#include "sim/config/scenario.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

/* The hand-built scenario and the arrays it points into. */
struct fixture {
    struct scenario s;
    struct region r;
    int first_age[2], year[1], age_key[2];
    double male[2], female[2], employee[2];
    double individual[1], subsidy[1], other[1];
};

static void build(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->first_age[0] = 0, f->first_age[1] = 18;
    f->male[0] = f->female[0] = 100000;
    f->male[1] = f->female[1] = 400000;
    f->age_key[0] = 0, f->age_key[1] = 18;
    f->employee[0] = 0, f->employee[1] = 0.5;
    f->year[0] = 2024;
    f->individual[0] = 400, f->subsidy[0] = 670, f->other[0] = 30;

    struct region *r = &f->r;
    r->name = "Testshire";
    r->name_zh = "测试市";
    r->code = "419990";
    r->population_total = 1000000;
    r->age_structure = (struct age_groups){2, f->first_age, {f->male, f->female}};
    r->employee_share = (struct step){2, f->age_key, f->employee};
    r->policy.individual_yuan = (struct step){1, f->year, f->individual};
    r->policy.subsidy_standard_yuan = (struct step){1, f->year, f->subsidy};
    r->other_income_yuan = (struct step){1, f->year, f->other};
    r->opening_balance_yuan = 3.0e8; /* 6.06 months */

    f->s.simulation.start_year = 2024;
    f->s.enrollment.participation = 0.9;
    f->s.n_regions = 1;
    f->s.regions = r;
}

/* The warnings of f, at most 8. */
static size_t check(const struct fixture *f, struct plausible_warning *w)
{
    memset(w, 0, 8 * sizeof *w);
    return plausible_check(&f->s, w, 8);
}

static void test_figures_by_hand(void **state)
{
    (void)state;
    struct fixture f;
    build(&f);
    assert_close(plausible_enrollees(&f.s, 0), 540000, 1e-6);
    assert_close(plausible_income_yuan(&f.s, 0), 1100, 1e-9);
    f.r.extra_other_income_yuan = 25; /* calibrated other income counts */
    assert_close(plausible_income_yuan(&f.s, 0), 1125, 1e-9);
    f.r.participation_change = 0.2; /* 0.9 x 1.2 = 1.08: at most everyone */
    assert_close(plausible_enrollees(&f.s, 0), 600000, 1e-6);
    struct plausible_warning w[8];
    build(&f);
    assert_int_equal(check(&f, w), 0);
}

static void test_population_limits(void **state)
{
    (void)state;
    struct fixture f;
    struct plausible_warning w[8];
    build(&f);
    f.r.population_total = 10000; /* the limit itself is plausible */
    assert_int_equal(check(&f, w), 0);
    f.r.population_total = 9999.5;
    assert_int_equal(check(&f, w), 1);
    assert_int_equal(w[0].kind, PLAUSIBLE_POPULATION_LOW);
    assert_int_equal(w[0].region, 0);
    assert_string_equal(w[0].setting, "regions[0].population_total");
    assert_close(w[0].value, 9999.5, 0);
    assert_close(w[0].setting_value, 9999.5, 0);
    assert_close(w[0].low, 1.0e4, 0);
    assert_close(w[0].high, 1.5e9, 0);
    f.r.population_total = 1.5e9;
    assert_int_equal(check(&f, w), 0);
    f.r.population_total = 1.5e9 + 1;
    assert_int_equal(check(&f, w), 1);
    assert_int_equal(w[0].kind, PLAUSIBLE_POPULATION_HIGH);
}

static void test_balance_limits(void **state)
{
    (void)state;
    struct fixture f;
    struct plausible_warning w[8];
    build(&f);
    f.r.opening_balance_yuan = 49.5e6; /* exactly 1 month */
    assert_int_equal(check(&f, w), 0);
    f.r.opening_balance_yuan = 49.0e6;
    assert_int_equal(check(&f, w), 1);
    assert_int_equal(w[0].kind, PLAUSIBLE_BALANCE_LOW);
    assert_string_equal(w[0].setting, "regions[0].opening_balance_yuan");
    assert_close(w[0].value, 49.0 / 49.5, 1e-12);
    assert_close(w[0].setting_value, 49.0e6, 0);
    assert_close(w[0].month_yuan, 49.5e6, 1e-6);
    assert_close(w[0].low, 1, 0);
    assert_close(w[0].high, 36, 0);
    f.r.opening_balance_yuan = 1782e6; /* exactly 36 months */
    assert_int_equal(check(&f, w), 0);
    f.r.opening_balance_yuan = 1800e6;
    assert_int_equal(check(&f, w), 1);
    assert_int_equal(w[0].kind, PLAUSIBLE_BALANCE_HIGH);
    assert_close(w[0].value, 1800.0 / 49.5, 1e-9);
    f.r.opening_balance_yuan = -1.0e6; /* a fund that starts in deficit */
    assert_int_equal(check(&f, w), 1);
    assert_int_equal(w[0].kind, PLAUSIBLE_BALANCE_LOW);
    /* a calibrated opening balance replaces the region's: its setting is named */
    double calibrated = 10.0;
    f.s.calibration.opening_balance_yuan = (struct numbers){1, &calibrated};
    f.r.opening_balance_yuan = calibrated;
    assert_int_equal(check(&f, w), 1);
    assert_string_equal(w[0].setting, "calibration.opening_balance_yuan[0]");
}

static void test_income_limits(void **state)
{
    (void)state;
    struct fixture f;
    struct plausible_warning w[8];
    build(&f);
    /* the balance of 3e8 stays in 1-36 months: 22.2 at 300 yuan, 1.33 at 5,000 */
    f.individual[0] = 0, f.subsidy[0] = 270; /* 0 + 270 + 30 = 300 */
    assert_int_equal(check(&f, w), 0);
    f.subsidy[0] = 269.5;
    assert_int_equal(check(&f, w), 1);
    assert_int_equal(w[0].kind, PLAUSIBLE_INCOME_LOW);
    assert_close(w[0].value, 299.5, 1e-9);
    assert_close(w[0].low, 300, 0);
    assert_close(w[0].high, 5000, 0);
    /* the largest part is named: the subsidy */
    assert_string_equal(w[0].setting, "regions[0].policy.subsidy.standard_yuan");
    assert_close(w[0].setting_value, 269.5, 0);
    f.individual[0] = 4700, f.subsidy[0] = 270; /* 5,000 */
    assert_int_equal(check(&f, w), 0);
    /* the subsidy typed in 分 (78,000 for 780): the income's warning only, the
     * balance not measured by a month that means nothing */
    f.individual[0] = 400, f.subsidy[0] = 78000;
    assert_int_equal(check(&f, w), 1);
    assert_int_equal(w[0].kind, PLAUSIBLE_INCOME_HIGH);
    assert_close(w[0].value, 78430, 1e-9);
    assert_string_equal(w[0].setting, "regions[0].policy.subsidy.standard_yuan");
    f.subsidy[0] = 670, f.other[0] = -9000; /* other income negative: the largest in size */
    assert_int_equal(check(&f, w), 1);
    assert_string_equal(w[0].setting, "regions[0].other_income.yuan");
}

/* Issue 24's example: 1167.73 (万 persons) and 46.47 (亿 yuan) both warn. */
static void test_typed_in_wan_and_yi(void **state)
{
    (void)state;
    struct fixture f;
    struct plausible_warning w[8];
    build(&f);
    double scale = 1167.73 / 1.0e6; /* the loader scales the age structure to the total */
    for (int k = 0; k < 2; k++)
        f.male[k] *= scale, f.female[k] *= scale;
    f.r.population_total = 1167.73;
    f.r.opening_balance_yuan = 46.47;
    assert_int_equal(check(&f, w), 2);
    assert_int_equal(w[0].kind, PLAUSIBLE_POPULATION_LOW);
    assert_int_equal(w[1].kind, PLAUSIBLE_BALANCE_LOW);
    /* 540,000 x 1167.73 / 1,000,000 enrollees x 1,100 / 12 */
    assert_close(w[1].month_yuan, 540000 * scale * 1100 / 12, 1e-6);
    assert_close(w[1].value, 46.47 / (540000 * scale * 1100 / 12), 1e-12);
    /* the population alone in 万: its balance of 61 亿 is then 61e8 / 57,800
     * months, large only because of the population: not reported */
    f.r.opening_balance_yuan = 61.0e8;
    assert_int_equal(check(&f, w), 1);
    assert_int_equal(w[0].kind, PLAUSIBLE_POPULATION_LOW);
}

/* A population too large makes the months small: that side is not reported. */
static void test_population_high_hides_low_balance(void **state)
{
    (void)state;
    struct fixture f;
    struct plausible_warning w[8];
    build(&f);
    f.r.population_total = 2.0e9;
    f.r.opening_balance_yuan = 1.0e6; /* 0.02 months */
    assert_int_equal(check(&f, w), 1);
    assert_int_equal(w[0].kind, PLAUSIBLE_POPULATION_HIGH);
    f.r.opening_balance_yuan = 1.0e10; /* 202 months: still said */
    assert_int_equal(check(&f, w), 2);
    assert_int_equal(w[1].kind, PLAUSIBLE_BALANCE_HIGH);
}

/* Regions in order, and a list too short keeps the count of all. */
static void test_regions_and_capacity(void **state)
{
    (void)state;
    struct fixture f;
    build(&f);
    struct region two[2] = {f.r, f.r};
    two[1].population_total = 5000;
    two[1].opening_balance_yuan = 0;
    f.s.regions = two;
    f.s.n_regions = 2;
    struct plausible_warning w[8];
    assert_int_equal(check(&f, w), 2);
    assert_int_equal(w[0].region, 1);
    assert_string_equal(w[0].setting, "regions[1].population_total");
    assert_int_equal(w[1].region, 1);
    assert_int_equal(w[1].kind, PLAUSIBLE_BALANCE_LOW);
    struct plausible_warning one[2] = {0};
    one[1].kind = -7; /* not written past the capacity */
    assert_int_equal(plausible_check(&f.s, one, 1), 2);
    assert_int_equal(one[0].kind, PLAUSIBLE_POPULATION_LOW);
    assert_int_equal(one[1].kind, -7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_by_hand),
        cmocka_unit_test(test_population_limits),
        cmocka_unit_test(test_balance_limits),
        cmocka_unit_test(test_income_limits),
        cmocka_unit_test(test_typed_in_wan_and_yi),
        cmocka_unit_test(test_population_high_hides_low_balance),
        cmocka_unit_test(test_regions_and_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
