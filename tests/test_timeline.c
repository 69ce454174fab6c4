/* test_timeline.c: yuan timelines continued after their last dated value
 * (models/timeline.h), by hand on a path whose incomes and prices are known:
 * every rule, rounding that never compounds, the base year of plain and early
 * timelines, the benefit package's scale; then the scenario language's checks
 * of a continuation and the calendar of contributions (dated_by). */
#include "models/financing.h"
#include "models/timeline.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

#define HENAN FUNDSIM_SOURCE_DIR "/scenarios/henan-2022.cfg"

/* A path from 2022: income Y(2021) = 30,000, then +10 %, +5 %, +20 %, 0 %; price
 * index 1 in 2022, then 1.1, 1.21, 1.21, 1.331. */
static const double income[] = {30000, 33000, 34650, 41580, 41580};
static const double price[] = {1, 1.1, 1.21, 1.21, 1.331};
static const struct timeline_path path = {
    .start_year = 2022, .years = 5, .income = income, .price = price};

/* A timeline dated 2022 (300) and 2023 (320). */
static int keys[] = {2022, 2023};
static double values[] = {300, 320};
static const struct step dated = {.n = 2, .key = keys, .value = values};

static double at(const struct continuation *c, int year)
{
    return timeline_at(&dated, c, year, &path);
}

static void test_frozen_step_rate(void **state)
{
    (void)state;
    struct continuation frozen = {.rule = CONTINUE_FROZEN};
    assert_true(at(&frozen, 2022) == 300);
    assert_true(at(&frozen, 2023) == 320);
    assert_true(at(&frozen, 2026) == 320);
    struct continuation step = {.rule = CONTINUE_STEP, .step_yuan = 30};
    assert_true(at(&step, 2023) == 320); /* dated: the rule starts after */
    assert_true(at(&step, 2024) == 350);
    assert_true(at(&step, 2026) == 410);
    struct continuation down = {.rule = CONTINUE_STEP, .step_yuan = -200};
    assert_true(at(&down, 2024) == 120);
    assert_true(at(&down, 2025) == 0); /* never below 0 */
    struct continuation rate = {.rule = CONTINUE_RATE, .rate = 0.05};
    assert_close(at(&rate, 2024), 336, 1e-9);
    assert_close(at(&rate, 2026), 320 * 1.05 * 1.05 * 1.05, 1e-9);
}

/* With income: the value in year y is v(2023) Y(y-1) / Y(2022); the standards of
 * 2024 follow 2023's income (+5 %), 2025's 2024's (+20 % more). */
static void test_income(void **state)
{
    (void)state;
    struct continuation c = {.rule = CONTINUE_INCOME};
    assert_close(at(&c, 2024), 320 * 34650.0 / 33000, 1e-9); /* 336 */
    assert_close(at(&c, 2025), 320 * 41580.0 / 33000, 1e-9); /* 403.2 */
    assert_close(at(&c, 2026), 320 * 41580.0 / 33000, 1e-9); /* income flat in 2025 */
    c.extra_rate = 0.01;                                     /* one point a year above income */
    assert_close(at(&c, 2025), 320 * 41580.0 / 33000 * 1.01 * 1.01, 1e-9);
    /* a share of the previous year's income: 1 % of 34,650 in 2024 */
    struct continuation share = {.rule = CONTINUE_INCOME, .income_share = 0.01};
    assert_close(at(&share, 2024), 346.5, 1e-9);
    assert_close(at(&share, 2025), 415.8, 1e-9);
    assert_true(at(&share, 2023) == 320);
}

/* With the price index: v(2023) P(y) / P(2023). */
static void test_price(void **state)
{
    (void)state;
    struct continuation c = {.rule = CONTINUE_PRICE};
    assert_close(at(&c, 2024), 320 * 1.21 / 1.1, 1e-9); /* 352 */
    assert_close(at(&c, 2025), 320 * 1.21 / 1.1, 1e-9);
    assert_close(at(&c, 2026), 320 * 1.331 / 1.1, 1e-9); /* 387.2 */
    assert_close(timeline_scale(&c, 2023, 2026, &path), 1.21, 1e-12);
    assert_true(timeline_scale(&c, 2023, 2023, &path) == 1);
    assert_true(timeline_scale(&c, 2023, 2022, &path) == 1);
}

/* Rounded to 10 yuan from the unrounded value each year, so that rounding
 * never compounds: +4 % a year on 320 gives 332.8, 346.1, 359.96, 374.4 →
 * 330, 350, 360, 370 (a recursion on rounded values would give 330, 340, 350,
 * 360). */
static void test_rounding(void **state)
{
    (void)state;
    struct continuation c = {.rule = CONTINUE_RATE, .rate = 0.04, .round_yuan = 10};
    const double want[] = {330, 350, 360};
    for (int k = 0; k < 3; k++)
        assert_true(at(&c, 2024 + k) == want[k]);
    struct continuation yuan = {.rule = CONTINUE_INCOME, .round_yuan = 1};
    assert_true(at(&yuan, 2024) == 336); /* 320 × 1.05 */
    assert_true(at(&yuan, 2025) == 403); /* 403.2 */
    assert_true(at(&yuan, 2023) == 320); /* a dated value is never rounded */
}

/* A plain number, and a timeline whose last date is before the start, go on
 * from the start year: growth counts from the start of the projection. */
static void test_base_year(void **state)
{
    (void)state;
    int k0[] = {0}, early[] = {2019, 2020};
    double v0[] = {500}, ve[] = {250, 280};
    struct step plain = {.n = 1, .key = k0, .value = v0}, old = {.n = 2, .key = early, .value = ve};
    assert_int_equal(timeline_base_year(&plain, 2022), 2022);
    assert_int_equal(timeline_base_year(&old, 2022), 2022);
    assert_int_equal(timeline_base_year(&dated, 2022), 2023);
    struct continuation c = {.rule = CONTINUE_PRICE};
    assert_true(timeline_at(&plain, &c, 2022, &path) == 500);
    assert_close(timeline_at(&plain, &c, 2023, &path), 550, 1e-9);
    assert_close(timeline_at(&old, &c, 2024, &path), 280 * 1.21, 1e-9);
    struct continuation i = {.rule = CONTINUE_INCOME};
    assert_close(timeline_at(&old, &i, 2023, &path), 280 * 33000.0 / 30000, 1e-9);
}

static void test_describe(void **state)
{
    (void)state;
    char line[160];
    struct continuation c = {.rule = CONTINUE_INCOME, .round_yuan = 10};
    timeline_describe(&c, 2024, line, sizeof line);
    assert_string_equal(line, "with per-capita disposable income after 2024, rounded to 10 yuan");
    c = (struct continuation){.rule = CONTINUE_FROZEN};
    timeline_describe(&c, 2024, line, sizeof line);
    assert_string_equal(line, "frozen in nominal yuan after 2024");
    c = (struct continuation){.rule = CONTINUE_STEP, .step_yuan = 30};
    timeline_describe(&c, 2025, line, sizeof line);
    assert_string_equal(line, "+30 yuan a year after 2025");
}

/* Loads Henan with the overrides; fails the test with the problems otherwise. */
static void load(const struct setting_override *sets, size_t n, struct scenario *s)
{
    struct diag d = {0};
    int rc = scenario_load(HENAN, sets, n, s, &d);
    if (rc != 0) {
        diag_print(stderr, &d);
        fail_msg("cannot load %s", HENAN);
    }
    diag_free(&d);
}

/* The problems of loading Henan with the overrides, joined. */
static void problems_of(const struct setting_override *sets, size_t n_sets, char *out, size_t n)
{
    struct scenario s;
    struct diag d = {0};
    assert_int_not_equal(scenario_load(HENAN, sets, n_sets, &s, &d), 0);
    FILE *f = fmemopen(out, n, "w");
    diag_print(f, &d);
    fclose(f);
    diag_free(&d);
}

static void load_problems(const char *key, const char *value, char *out, size_t n)
{
    struct setting_override set = {.key = key, .value = value};
    problems_of(&set, 1, out, n);
}

static void test_checks(void **state)
{
    (void)state;
    char text[2048];
    load_problems("policy.continuation.contribution", "{ rule = \"rate\"; step_yuan = 30.0; }",
                  text, sizeof text);
    assert_non_null(strstr(text, "step_yuan applies to rule \"step\" only"));
    load_problems("policy.continuation.benefits", "{ rule = \"step\"; step_yuan = 10.0; }", text,
                  sizeof text);
    assert_non_null(strstr(text, "a step in yuan is not"));
    load_problems("policy.continuation.benefits", "{ rule = \"price\"; round_yuan = 10.0; }", text,
                  sizeof text);
    assert_non_null(strstr(text, "without rounding"));
    load_problems("pooling.backstop_payer", "\"none\"", text, sizeof text);
    assert_non_null(strstr(text, "cannot pay a shortfall"));
    load_problems("policy.serious_illness.poor_terms.hardship", "0.5", text, sizeof text);
    assert_non_null(strstr(text, "expected 0 or 1"));
}

/* Dated by the collection year, a contribution pays for the next year's
 * benefits: the loader moves it a year later. */
static void test_calendar(void **state)
{
    (void)state;
    const struct setting_override by_collection[] = {
        {.key = "policy.contribution.dated_by", .value = "\"collection_year\""},
        {.key = "policy.contribution.individual_yuan",
         .value = "((2021, 320.0), (2022, 350.0), (2023, 380.0))"},
    };
    struct scenario s;
    load(by_collection, 2, &s);
    const struct step *t = &s.regions[0].policy.individual_yuan;
    assert_true(step_at(t, 2022) == 320);
    assert_true(step_at(t, 2023) == 350);
    assert_true(step_at(t, 2024) == 380);
    scenario_free(&s);
    char text[2048];
    const struct setting_override too_late[] = {
        by_collection[0],
        {.key = "policy.contribution.individual_yuan", .value = "((2022, 350.0), (2023, 380.0))"},
    };
    problems_of(too_late, 2, text, sizeof text);
    assert_non_null(strstr(text, "expected a first year before simulation.start_year (2022)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frozen_step_rate),
        cmocka_unit_test(test_income),
        cmocka_unit_test(test_price),
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_base_year),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_calendar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
