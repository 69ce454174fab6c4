/* test_enrollment.c: the enrollment driver (models/enrollment.c): its
 * parameters from the shipped scenarios, the counts worked by hand for small
 * populations, the identities among the outputs, the compounding of the
 * category shares, the drift of the employee scheme, the price response of
 * participation, and the regional shock (moments and keyed streams). */
#include "models/enrollment.h"
#include "models/parameters.h"
#include "models/stream.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"
#define HENAN FUNDSIM_SOURCE_DIR "/scenarios/henan-2022.cfg"

static const struct stream_key key = {
    .seed = 42, .path = 0, .region = 0, .year = 2022, .driver = DRIVER_ENROLLMENT};

/* A model with round numbers and no shock, the contribution at its reference
 * (350 yuan on 26,811 yuan of income, as in Henan 2022). */
static struct enrollment_model model(void)
{
    struct enrollment_model p = {0};
    p.start_year = 2022;
    for (int a = 0; a < N_AGES; a++)
        p.employee_share[a] = a < 18 ? 0 : a < 60 ? 0.3 : 0.2;
    p.employee_shift = 0.003;
    p.category_share[CAT_EXTREME_POVERTY] = 0.005;
    p.category_share[CAT_MINIMUM_LIVING] = 0.03;
    p.category_share[CAT_RURAL_AT_RISK] = 0.01;
    p.category_share[CAT_HARDSHIP] = 0.005;
    p.district_share = 0.6;
    p.student_share = 0.5;
    p.student_city_share = 0.2;
    p.permit_share = 0.2;
    p.permit_local_share = 0.5;
    p.participation = 0.95;
    p.reference_burden = 350.0 / 26811.0;
    p.elasticity = -0.2;
    p.participation_volatility = 0;
    p.vulnerable_participation = 0.99;
    p.student_participation = 0.98;
    p.newborn_share = 0.9;
    p.late_share = 0.02;
    return p;
}

/* A population with people at every age, different by sex. */
static struct by_age population(void)
{
    struct by_age b;
    for (int a = 0; a < N_AGES; a++) {
        b.at[SEX_MALE][a] = 10000.0 + 37.0 * a - 0.9 * a * a;
        b.at[SEX_FEMALE][a] = 9800.0 + 41.0 * a - 0.8 * a * a;
        if (b.at[SEX_MALE][a] < 50) b.at[SEX_MALE][a] = 50;
        if (b.at[SEX_FEMALE][a] < 70) b.at[SEX_FEMALE][a] = 70;
    }
    return b;
}

/* Only `n` males aged `age`. */
static struct by_age one_cell(int age, double n)
{
    struct by_age b = {0};
    b.at[SEX_MALE][age] = n;
    return b;
}

static void step(const struct enrollment_model *p, struct enrollment_state *st, int year,
                 const struct by_age *persons, double contribution, double income,
                 struct stream_key k, struct enrollment_out *out)
{
    gsl_rng *r = stream_alloc();
    assert_non_null(r);
    k.year = year;
    stream_seek(r, k);
    enrollment_step(p, st, year, persons, contribution, income, r, out);
    gsl_rng_free(r);
}

static void assert_close(double got, double want, double rel)
{
    double tol = rel * (fabs(want) > 1 ? fabs(want) : 1);
    if (fabs(got - want) > tol)
        fail_msg("got %.15g, expected %.15g (tolerance %g)", got, want, tol);
}

static void load(const char *path, const struct setting_override *sets, size_t n,
                 struct scenario *s)
{
    struct diag d = {0};
    int status = scenario_load(path, sets, n, s, &d);
    if (status) diag_print(stderr, &d);
    diag_free(&d);
    assert_int_equal(status, 0);
}

/* minimal.cfg: employee shares 0 / 0.3 / 0.2 from 0 / 18 / 60; the reference
 * burden 350 / 26,811 (2022 contribution, 2021 income); no students. */
static void test_params_minimal(void **state)
{
    (void)state;
    struct scenario s;
    load(MINIMAL, NULL, 0, &s);
    struct enrollment_model p;
    struct diag d = {0};
    assert_int_equal(enrollment_model_init(&p, &s, 0, &d), 0);
    assert_int_equal(d.n, 0);
    assert_int_equal(p.start_year, 2022);
    assert_true(p.employee_share[17] == 0.0);
    assert_true(p.employee_share[18] == 0.3);
    assert_true(p.employee_share[59] == 0.3);
    assert_true(p.employee_share[60] == 0.2);
    assert_true(p.employee_share[100] == 0.2);
    assert_true(p.category_share[CAT_MINIMUM_LIVING] == 0.03);
    assert_true(p.district_share == 0.5);
    assert_true(p.student_share == 0.0);
    assert_close(p.reference_burden, 350.0 / 26811.0, 1e-15);
    assert_true(p.participation == 0.95);
    assert_true(p.elasticity == -0.2);
    assert_true(p.participation_volatility == 0.1);
    assert_true(p.student_participation == 0.99);
    assert_true(p.permit_local_share == 0.5);
    assert_true(p.permit_share == 0.0);
    scenario_free(&s);
}

/* A contribution linked to income enters the reference: 350 + 0.01 x 26,811. */
static void test_params_income_linked(void **state)
{
    (void)state;
    struct setting_override set[] = {{.key = "policy.contribution.income_rate", .value = "0.01"}};
    struct scenario s;
    load(MINIMAL, set, 1, &s);
    struct enrollment_model p;
    struct diag d = {0};
    assert_int_equal(enrollment_model_init(&p, &s, 0, &d), 0);
    assert_close(p.reference_burden, (350.0 + 268.11) / 26811.0, 1e-15);
    scenario_free(&s);
}

/* No income, no reference burden: an error naming the setting. */
static void test_params_zero_income(void **state)
{
    (void)state;
    struct setting_override set[] = {{.key = "economy.income_yuan", .value = "0"}};
    struct scenario s;
    load(MINIMAL, set, 1, &s);
    struct enrollment_model p;
    struct diag d = {0};
    assert_int_equal(enrollment_model_init(&p, &s, 0, &d), -1);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.entries[0].path, "economy.income_yuan");
    diag_free(&d);
    scenario_free(&s);
}

/* Students per person aged 18-22: ages 18-19 are 2/5 of the group 15-19 and
 * 20-22 are 3/5 of 20-24 (each group spread evenly). A region whose students
 * fit gets students / that; one with more students than people of that age
 * (Zhengzhou's 1.15 M college students against its ~0.7 M people aged 18-22
 * under China's age structure) is refused, naming the region. */
static void test_params_students(void **state)
{
    (void)state;
    struct scenario s;
    load(HENAN, NULL, 0, &s);
    size_t zhengzhou = s.n_regions, other = s.n_regions;
    for (size_t k = 0; k < s.n_regions; k++) {
        if (strcmp(s.regions[k].name, "Zhengzhou") == 0) zhengzhou = k;
        if (strcmp(s.regions[k].name, "Kaifeng") == 0) other = k;
    }
    assert_true(zhengzhou < s.n_regions && other < s.n_regions);
    struct enrollment_model p;
    struct diag d = {0};
    for (size_t k = 0; k < s.n_regions; k++) /* every shipped region's students fit */
        assert_int_equal(enrollment_model_init(&p, &s, k, &d), 0);
    assert_int_equal(enrollment_model_init(&p, &s, zhengzhou, &d), 0);
    assert_close(p.student_city_share, 100000.0 / 600000.0, 1e-15);
    assert_true(p.student_share > 0.8 && p.student_share < 1);

    s.regions[zhengzhou].students_provincial_run = 1000000.0;
    assert_int_equal(enrollment_model_init(&p, &s, zhengzhou, &d), -1);
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.entries[0].text, "Zhengzhou: 1100000 college students"));
    diag_free(&d);
    d = (struct diag){0};

    const struct region *rg = &s.regions[other];
    assert_int_equal(enrollment_model_init(&p, &s, other, &d), 0);
    const struct age_groups *g = &rg->age_structure;
    double band = 0;
    for (size_t k = 0; k < g->n; k++) {
        double both = g->persons[SEX_MALE][k] + g->persons[SEX_FEMALE][k];
        if (g->first_age[k] == 15) band += 0.4 * both;
        if (g->first_age[k] == 20) band += 0.6 * both;
    }
    double students = rg->students_city_run + rg->students_provincial_run;
    assert_true(students > 0 && band > students);
    assert_close(p.student_share * band, students, 1e-12);
    assert_int_equal(d.n, 0);
    scenario_free(&s);
}

/* 10,000 men aged 30: 30 % in the employee scheme leaves 7,000 eligible; 5 %
 * in the categories enroll at 0.99: 346.5; the other 6,650 are 80 % local and
 * 20 % permit holders of whom half enroll here (0.9 of them), at 0.95:
 * 6,650 x 0.9 x 0.95 = 5,685.75. Enrolled 6,032.25; late payers 2 % of the
 * 5,685.75 = 113.715; permit holders 6,650 x 0.1 x 0.95 = 631.75. */
static void test_worked_adult(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    struct enrollment_state st;
    enrollment_state_init(&st, &p, NULL);
    struct by_age persons = one_cell(30, 10000);
    struct enrollment_out out;
    step(&p, &st, 2022, &persons, 350, 26811, key, &out);
    assert_close(out.eligible, 7000, 1e-14);
    assert_close(out.total, 6032.25, 1e-14);
    assert_close(out.enrollees.at[SEX_MALE][30], 6032.25, 1e-14);
    assert_close(out.assisted_total, 346.5, 1e-14);
    assert_close(out.assisted[CAT_MINIMUM_LIVING][CLASS_DISTRICT], 7000 * 0.03 * 0.99 * 0.6, 1e-14);
    assert_close(out.assisted[CAT_MINIMUM_LIVING][CLASS_COUNTY], 7000 * 0.03 * 0.99 * 0.4, 1e-14);
    assert_close(out.ordinary, 5685.75, 1e-14);
    assert_close(out.late_payers, 113.715, 1e-14);
    assert_close(out.late.at[SEX_MALE][30], 113.715, 1e-14);
    assert_close(out.permit_holders, 631.75, 1e-14);
    assert_close(out.not_enrolled, 7000 - 6032.25, 1e-14);
    assert_close(out.by_class[CLASS_DISTRICT], 6032.25 * 0.6, 1e-14);
    assert_close(out.by_class[CLASS_COUNTY], 6032.25 * 0.4, 1e-14);
    assert_true(out.by_class[CLASS_STUDENT_CITY] == 0 && out.students == 0);
    assert_true(out.newborns == 0);
    assert_close(out.participation, 0.95, 1e-15);
}

/* 1,000 women aged 20: half are students (490 enrolled at 0.98, 98 at city-run
 * colleges), the other 500 as the men above: 500 x 0.7 x 0.86175 = 301.6125.
 * 1,000 girls aged 0 (born last year): none in the employee scheme;
 * categories 50 x 0.99 = 49.5; the rest 950 x 0.9 x p(t), as the adults, 2 %
 * of them late. The year's births, 600 boys and 400 girls, add 0.9 (newborn
 * share) x 1,000 to the total, district and county 60:40, none late. */
static void test_worked_students_newborns(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    struct enrollment_state st;
    enrollment_state_init(&st, &p, NULL);
    struct by_age persons = {0};
    persons.at[SEX_FEMALE][20] = 1000;
    struct enrollment_out out;
    step(&p, &st, 2022, &persons, 350, 26811, key, &out);
    assert_close(out.students, 490, 1e-14);
    assert_close(out.by_class[CLASS_STUDENT_CITY], 98, 1e-14);
    assert_close(out.by_class[CLASS_STUDENT_PROVINCIAL], 392, 1e-14);
    assert_close(out.total, 490 + 301.6125, 1e-14);
    assert_close(out.eligible, 500 + 350, 1e-14);
    assert_close(out.by_class[CLASS_DISTRICT], 301.6125 * 0.6, 1e-14);

    persons = (struct by_age){0};
    persons.at[SEX_FEMALE][0] = 1000;
    enrollment_state_init(&st, &p, NULL);
    step(&p, &st, 2022, &persons, 350, 26811, key, &out);
    double rest = 950 * 0.9 * out.participation;
    assert_close(out.total, 49.5 + rest, 1e-12);
    assert_close(out.ordinary, rest, 1e-12);
    assert_close(out.late_payers, 0.02 * rest, 1e-12);
    assert_true(out.newborns == 0);

    double births[N_SEXES] = {600, 400}, born[N_SEXES];
    struct enrollment_out before = out;
    enrollment_add_births(&p, births, &out, born);
    assert_close(born[SEX_MALE], 540, 1e-12);
    assert_close(born[SEX_FEMALE], 360, 1e-12);
    assert_close(out.total, before.total + 900, 1e-12);
    assert_close(out.newborns, 900, 1e-12);
    assert_close(out.ordinary, before.ordinary + 900, 1e-12);
    assert_close(out.by_class[CLASS_DISTRICT], before.by_class[CLASS_DISTRICT] + 540, 1e-12);
    assert_close(out.by_class[CLASS_COUNTY], before.by_class[CLASS_COUNTY] + 360, 1e-12);
    assert_close(out.late_payers, before.late_payers, 1e-15);
}

/* The identities, for a full population over several years with every group
 * present and a shock: classes, cells and payers each add up to the total;
 * nobody is enrolled twice or out of nothing. */
static void test_identities(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    p.participation_volatility = 0.3;
    p.category_trend[CAT_MINIMUM_LIVING] = -0.05;
    p.category_trend[CAT_HARDSHIP] = 0.04;
    struct enrollment_state st;
    enrollment_state_init(&st, &p, NULL);
    struct by_age persons = population();
    for (int year = 2022; year < 2032; year++) {
        struct enrollment_out out;
        step(&p, &st, year, &persons, 350 + 30.0 * (year - 2022), 26811 * pow(1.05, year - 2022),
             key, &out);
        double cells = 0, late = 0, classes = 0, assisted = 0, persons_total = 0;
        for (int s = 0; s < N_SEXES; s++)
            for (int a = 0; a < N_AGES; a++) {
                cells += out.enrollees.at[s][a];
                late += out.late.at[s][a];
                persons_total += persons.at[s][a];
                assert_true(out.late.at[s][a] >= 0);
                assert_true(out.late.at[s][a] <= out.enrollees.at[s][a]);
                assert_true(out.enrollees.at[s][a] >= 0);
                assert_true(out.enrollees.at[s][a] <= persons.at[s][a]);
            }
        for (int c = 0; c < N_CLASSES; c++)
            classes += out.by_class[c];
        for (int k = 0; k < N_CATEGORIES; k++) {
            assisted += out.assisted[k][CLASS_DISTRICT] + out.assisted[k][CLASS_COUNTY];
            assert_close(out.assisted[k][CLASS_DISTRICT],
                         0.6 * (out.assisted[k][CLASS_DISTRICT] + out.assisted[k][CLASS_COUNTY]),
                         1e-13);
        }
        assert_close(cells, out.total, 1e-13);
        assert_close(classes, out.total, 1e-13);
        assert_close(late, out.late_payers, 1e-13);
        assert_close(assisted, out.assisted_total, 1e-13);
        assert_close(out.assisted_total + out.ordinary, out.total, 1e-13);
        assert_close(out.total + out.not_enrolled, out.eligible, 1e-13);
        assert_true(out.not_enrolled > 0 && out.eligible < persons_total);
        assert_close(out.by_class[CLASS_STUDENT_CITY] + out.by_class[CLASS_STUDENT_PROVINCIAL],
                     out.students, 1e-13);
        assert_true(out.participation > 0 && out.participation < 1);
    }
}

/* Shares compound from the start year: 1 % growing 5 % a year is
 * 1.05^10 = 1.628894626777442 times as large in 2032; 3 % shrinking 10 % a
 * year is 0.9^10 = 0.3486784401 times. With shares that would pass 100 %,
 * they are scaled down to add up to it. */
static void test_category_trend(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    for (int k = 0; k < N_CATEGORIES; k++)
        p.category_share[k] = 0;
    p.category_share[CAT_EXTREME_POVERTY] = 0.01;
    p.category_trend[CAT_EXTREME_POVERTY] = 0.05;
    p.category_share[CAT_MINIMUM_LIVING] = 0.03;
    p.category_trend[CAT_MINIMUM_LIVING] = -0.1;
    p.vulnerable_participation = 1;
    p.employee_shift = 0;
    struct enrollment_state st;
    enrollment_state_init(&st, &p, NULL);
    struct by_age persons = one_cell(40, 1e6); /* 700,000 eligible */
    struct enrollment_out out;
    step(&p, &st, 2022, &persons, 350, 26811, key, &out);
    assert_close(out.assisted[CAT_EXTREME_POVERTY][CLASS_DISTRICT] +
                     out.assisted[CAT_EXTREME_POVERTY][CLASS_COUNTY],
                 7000, 1e-14);
    step(&p, &st, 2032, &persons, 350, 26811, key, &out);
    assert_close(out.assisted[CAT_EXTREME_POVERTY][CLASS_DISTRICT] +
                     out.assisted[CAT_EXTREME_POVERTY][CLASS_COUNTY],
                 7000 * 1.628894626777442, 1e-14);
    assert_close(out.assisted[CAT_MINIMUM_LIVING][CLASS_DISTRICT] +
                     out.assisted[CAT_MINIMUM_LIVING][CLASS_COUNTY],
                 21000 * 0.3486784401, 1e-14);

    /* 0.6 and 0.3 growing 50 % a year: 0.9 and 0.45 in 2023, scaled by 1/1.35. */
    p.category_share[CAT_EXTREME_POVERTY] = 0.6;
    p.category_trend[CAT_EXTREME_POVERTY] = 0.5;
    p.category_share[CAT_MINIMUM_LIVING] = 0.3;
    p.category_trend[CAT_MINIMUM_LIVING] = 0.5;
    step(&p, &st, 2023, &persons, 350, 26811, key, &out);
    assert_close(out.assisted_total, 700000, 1e-14);
    assert_close(out.assisted[CAT_EXTREME_POVERTY][CLASS_DISTRICT] +
                     out.assisted[CAT_EXTREME_POVERTY][CLASS_COUNTY],
                 700000 * 0.9 / 1.35, 1e-14);
}

/* The category shares compounded once in enrollment_model_init for the
 * projection's years are the ones the step would compound itself, bit for
 * bit: the same model without them (n_compounded = 0) gives the same output
 * in every year, inside the projection and after it. */
static void test_compounded_shares(void **state)
{
    (void)state;
    struct setting_override set[] = {
        {.key = "enrollment.category_trend.minimum_living", .value = "-0.05"},
        {.key = "enrollment.category_trend.hardship", .value = "0.04"},
        {.key = "simulation.years", .value = "10"}};
    struct scenario s;
    load(MINIMAL, set, 3, &s);
    struct enrollment_model p, by_hand;
    struct diag d = {0};
    assert_int_equal(enrollment_model_init(&p, &s, 0, &d), 0);
    scenario_free(&s);
    assert_int_equal(p.n_compounded, 10);
    by_hand = p;
    by_hand.n_compounded = 0;
    struct enrollment_state a, b;
    enrollment_state_init(&a, &p, NULL);
    enrollment_state_init(&b, &by_hand, NULL);
    struct by_age persons = population();
    for (int year = 2022; year < 2036; year++) {
        struct enrollment_out x, y;
        step(&p, &a, year, &persons, 350, 26811, key, &x);
        step(&by_hand, &b, year, &persons, 350, 26811, key, &y);
        assert_memory_equal(&x, &y, sizeof x);
    }
}

/* The employee share rises by the shift each year at 18-59; at 60 it is the
 * share the cohort retired with (one year less of drift); below 18 it stays 0.
 * After 5 steps: age 30 has 0.3 + 5 x 0.003, age 60 0.2 + 4 x 0.003, age 62
 * 0.2 + 2 x 0.003 (it was 59 three years before). */
static void test_employee_drift(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    struct enrollment_state st;
    enrollment_state_init(&st, &p, NULL);
    struct by_age persons = population();
    struct enrollment_out out;
    for (int year = 2022; year < 2027; year++)
        step(&p, &st, year, &persons, 350, 26811, key, &out);
    assert_close(st.employee_drift[30], 5 * 0.003, 1e-15);
    assert_close(st.employee_drift[18], 5 * 0.003, 1e-15);
    assert_close(st.employee_drift[60], 4 * 0.003, 1e-15);
    assert_close(st.employee_drift[62], 2 * 0.003, 1e-15);
    assert_close(st.employee_drift[64], 0, 1e-15);
    assert_close(st.employee_drift[17], 0, 1e-15);

    /* The next year's eligible at 30: 10,000 x (1 - 0.315). */
    struct by_age one = one_cell(30, 10000);
    step(&p, &st, 2027, &one, 350, 26811, key, &out);
    assert_close(out.eligible, 10000 * (1 - 0.315), 1e-13);

    /* A share never passes 1, even with the largest shift. */
    p.employee_shift = 0.1;
    enrollment_state_init(&st, &p, NULL);
    for (int year = 2022; year < 2032; year++)
        step(&p, &st, year, &one, 350, 26811, key, &out);
    assert_close(out.eligible, 0, 1e-15);
    assert_true(out.total == 0 && out.not_enrolled == 0);
}

/* The price response, worked by hand: from 350 yuan on an income of 26,811
 * to 380 on 28,222 (2023), the burden rises by a factor 1.031432418477986,
 * so participation is 0.95 x 1.031432418477986^-0.2 = 0.9441379395363193 and
 * ln(p1 / p0) / ln(b1 / b0) is the elasticity. The ordinary adults enroll in
 * proportion. Halving the contribution would take 0.95 x 2^0.2 = 1.09 above
 * 1: participation stops at 1. */
/* The history's residual trend (calibration.participation_trend): at the
 * reference burden and without noise, logit p(t) = logit(0.95) + trend x
 * (min(t, L) - F) for F = 2022, L = 2024: nothing in 2022, -0.4 in 2023, -0.8
 * in 2024 and held there after (2025, 2030), by hand. */
static void test_participation_trend(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    p.participation_trend = -0.4;
    p.trend_from = 2022;
    p.trend_to = 2024;
    struct by_age persons = one_cell(40, 10000);
    static const int years[] = {2021, 2022, 2023, 2024, 2025, 2030};
    static const double shift[] = {0, 0, -0.4, -0.8, -0.8, -0.8};
    for (int j = 0; j < 6; j++) {
        struct enrollment_state st;
        enrollment_state_init(&st, &p, NULL);
        struct enrollment_out out;
        step(&p, &st, years[j], &persons, 350, 26811, key, &out);
        double want = 1 / (1 + exp(-(log(0.95 / 0.05) + shift[j])));
        assert_close(out.participation, want, 1e-14);
    }
    /* without history_end_year (to 0) the trend has no effect */
    p.trend_to = 0;
    struct enrollment_state st;
    enrollment_state_init(&st, &p, NULL);
    struct enrollment_out out;
    step(&p, &st, 2030, &persons, 350, 26811, key, &out);
    assert_close(out.participation, 0.95, 1e-15);
}

static void test_elasticity(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    p.permit_share = 0;
    for (int k = 0; k < N_CATEGORIES; k++)
        p.category_share[k] = 0;
    struct enrollment_state st;
    enrollment_state_init(&st, &p, NULL);
    struct by_age persons = one_cell(40, 10000);
    struct enrollment_out before, after;
    step(&p, &st, 2022, &persons, 350, 26811, key, &before);
    enrollment_state_init(&st, &p, NULL);
    step(&p, &st, 2022, &persons, 380, 28222, key, &after);
    assert_close(before.participation, 0.95, 1e-15);
    assert_close(after.participation, 0.9441379395363193, 1e-14);
    assert_close(log(after.participation / before.participation) /
                     log((380.0 / 28222) / (350.0 / 26811)),
                 -0.2, 1e-12);
    assert_close(after.total, 7000 * 0.9441379395363193, 1e-13);
    assert_close(after.total / before.total, 0.9441379395363193 / 0.95, 1e-14);

    assert_true(enrollment_price_participation(&p, 175, 26811) == 1.0);
    assert_true(enrollment_price_participation(&p, 0, 26811) == 1.0);
    p.elasticity = -5;
    double q = enrollment_price_participation(&p, 35000, 26811);
    assert_true(q >= 0 && q < 1e-10);
    p.elasticity = 0;
    assert_true(enrollment_price_participation(&p, 35000, 26811) == 0.95);
}

/* The shock moves the log-odds of participation: over 10,000 region-years
 * (paths) at the reference contribution, logit p has mean logit(0.9) and
 * variance 0.3^2, each within 4 standard errors (0.3 / 100 for the mean,
 * 0.09 x sqrt(2 / 9999) for the variance). */
static void test_shock_moments(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    p.participation = 0.9;
    p.participation_volatility = 0.3;
    struct by_age persons = one_cell(40, 1000);
    const int n = 10000;
    double sum = 0, sum2 = 0, mu = log(0.9 / 0.1);
    for (int i = 0; i < n; i++) {
        struct enrollment_state st;
        enrollment_state_init(&st, &p, NULL);
        struct enrollment_out out;
        struct stream_key k = key;
        k.path = (uint64_t)i;
        step(&p, &st, 2022, &persons, 350, 26811, k, &out);
        assert_true(out.participation > 0 && out.participation < 1);
        double x = log(out.participation / (1 - out.participation)) - mu;
        sum += x;
        sum2 += x * x;
    }
    double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
    assert_true(fabs(mean) < 4 * 0.3 / sqrt(n));
    assert_true(fabs(var - 0.09) < 4 * 0.09 * sqrt(2.0 / (n - 1)));
}

/* Same key, same year: the same numbers, bit for bit; another path or year:
 * another shock. */
static void test_keys(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    p.participation_volatility = 0.2;
    struct by_age persons = population();
    struct enrollment_state s1, s2;
    struct enrollment_out a, b;
    enrollment_state_init(&s1, &p, NULL);
    enrollment_state_init(&s2, &p, NULL);
    memset(&a, 0xab, sizeof a);
    memset(&b, 0xcd, sizeof b);
    step(&p, &s1, 2025, &persons, 380, 28000, key, &a);
    step(&p, &s2, 2025, &persons, 380, 28000, key, &b);
    assert_memory_equal(&a, &b, sizeof a);
    assert_memory_equal(&s1, &s2, sizeof s1);

    struct stream_key other = key;
    other.path = 1;
    step(&p, &s2, 2025, &persons, 380, 28000, other, &b);
    assert_true(a.participation != b.participation);
    assert_true(a.total != b.total);
    step(&p, &s2, 2026, &persons, 380, 28000, key, &b);
    assert_true(a.participation != b.participation);
}

/* The persistent shock (enrollment.shock_persistence = rho): z_t, read back
 * from the participation as (logit p - logit p0) / sigma, is an AR(1) with
 * lag-1 autocorrelation rho and variance 1 from the first year on. Over 20,000
 * years of one region at rho = 0.7: the autocorrelation within 4 standard
 * errors ((1 - rho^2) / sqrt(n), Bartlett) and the variance within 4 of its own
 * (about sqrt(2 (1 + rho^2) / (1 - rho^2) / n)). At rho = 0 each year's z is
 * that year's draw, bit for bit, whatever came before. */
static void test_shock_persistence(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    p.participation = 0.9;
    p.participation_volatility = 0.3;
    p.elasticity = 0;
    p.shock_persistence = 0.7;
    struct by_age persons = one_cell(40, 1000);
    const int n = 20000;
    double mu = log(0.9 / 0.1), prev = 0, sxx = 0, sxy = 0, sum = 0;
    struct enrollment_state st;
    enrollment_state_init(&st, &p, NULL);
    for (int i = 0; i < n; i++) {
        struct enrollment_out out;
        step(&p, &st, 2022 + i, &persons, 350, 26811, key, &out);
        double z = (log(out.participation / (1 - out.participation)) - mu) / 0.3;
        assert_close(z, st.shock, 1e-9);
        if (i > 0) sxy += z * prev;
        sxx += z * z;
        sum += z;
        prev = z;
    }
    double var = sxx / n, rho = sxy / sxx;
    double se_rho = (1 - 0.49) / sqrt(n), se_var = sqrt(2 * 1.49 / 0.51 / n);
    if (fabs(rho - 0.7) > 4 * se_rho) fail_msg("autocorrelation %g, expected 0.7", rho);
    if (fabs(var - 1) > 4 * se_var) fail_msg("variance %g, expected 1", var);
    assert_true(fabs(sum / n) < 4 * sqrt(1.7 / 0.3 / n)); /* the mean's long-run sd */

    /* The first year is stationary already: over 10,000 paths its z has variance 1. */
    double s2 = 0;
    for (int i = 0; i < 10000; i++) {
        enrollment_state_init(&st, &p, NULL);
        struct enrollment_out out;
        struct stream_key k = key;
        k.path = (uint64_t)i;
        step(&p, &st, 2022, &persons, 350, 26811, k, &out);
        s2 += st.shock * st.shock;
    }
    assert_true(fabs(s2 / 10000 - 1) < 4 * sqrt(2.0 / 10000));

    /* rho = 0: the draw itself, bit for bit. */
    p.shock_persistence = 0;
    enrollment_state_init(&st, &p, NULL);
    gsl_rng *r = stream_alloc();
    assert_non_null(r);
    for (int year = 2022; year < 2030; year++) {
        struct enrollment_out out;
        step(&p, &st, year, &persons, 350, 26811, key, &out);
        struct stream_key k = key;
        k.year = year;
        stream_seek(r, k);
        assert_true(st.shock == gsl_ran_gaussian(r, 1.0));
    }
    gsl_rng_free(r);
}

/* The path's own yearly shift (parameter risk): the drift at 30 after five
 * years is five times the scenario's shift plus the path's deviation. */
static void test_employee_shift_draw(void **state)
{
    (void)state;
    struct enrollment_model p = model();
    struct parameter_draw draw = {0};
    draw.delta[PARAM_EMPLOYEE_SHIFT] = 0.002;
    struct enrollment_state st;
    enrollment_state_init(&st, &p, &draw);
    struct by_age persons = population();
    struct enrollment_out out;
    for (int year = 2022; year < 2027; year++)
        step(&p, &st, year, &persons, 350, 26811, key, &out);
    assert_close(st.employee_drift[30], 5 * 0.005, 1e-15);
    assert_close(st.employee_drift[61], 3 * 0.005, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_participation_trend),
        cmocka_unit_test(test_params_minimal),
        cmocka_unit_test(test_params_income_linked),
        cmocka_unit_test(test_params_zero_income),
        cmocka_unit_test(test_params_students),
        cmocka_unit_test(test_worked_adult),
        cmocka_unit_test(test_worked_students_newborns),
        cmocka_unit_test(test_identities),
        cmocka_unit_test(test_category_trend),
        cmocka_unit_test(test_employee_drift),
        cmocka_unit_test(test_elasticity),
        cmocka_unit_test(test_shock_moments),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_shock_persistence),
        cmocka_unit_test(test_employee_shift_draw),
        cmocka_unit_test(test_compounded_shares),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
