/* test_scenario.c: loading scenarios: values, defaults, dated timelines,
 * variants merged onto their base, --set overrides, and the show/load fixed
 * point. The figures are those written in tests/scenarios/minimal.cfg and
 * variant-cap.cfg, or the defaults documented in scenarios/README.md. */
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"
#include "tmpdir.h"

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"
#define VARIANT FUNDSIM_SOURCE_DIR "/tests/scenarios/variant-cap.cfg"

static void load_ok(const char *path, const struct setting_override *sets, size_t n,
                    struct scenario *s)
{
    struct diag d = {0};
    int status = scenario_load(path, sets, n, s, &d);
    if (status) diag_print(stderr, &d);
    assert_int_equal(status, 0);
    assert_int_equal(d.n, 0);
    diag_free(&d);
}

static double total_population(const struct region *r)
{
    double sum = 0;
    for (int sex = 0; sex < 2; sex++)
        for (size_t k = 0; k < r->age_structure.n; k++)
            sum += r->age_structure.persons[sex][k];
    return sum;
}

static void test_values_as_written(void **state)
{
    (void)state;
    struct scenario s;
    load_ok(MINIMAL, NULL, 0, &s);
    assert_string_equal(s.name, "minimal");
    assert_int_equal(s.simulation.start_year, 2022);
    assert_int_equal(s.simulation.years, 3);
    assert_int_equal(s.simulation.paths, 10);
    assert_int_equal(s.simulation.seed, 42);
    assert_int_equal(s.n_regions, 1);
    const struct region *r = &s.regions[0];
    assert_string_equal(r->name, "Testshire");
    assert_string_equal(r->code, "419999");
    assert_close(r->category_share[CAT_MINIMUM_LIVING], 0.03, 0);
    assert_close(r->opening_balance_yuan, 5e8, 0);
    /* the UN 2020 age structure, 21 groups from 0-4 to 100+, scaled to the total */
    assert_int_equal(r->age_structure.n, 21);
    assert_int_equal(r->age_structure.first_age[20], 100);
    assert_close(total_population(r), 1e6, 1e-6);
    /* the UN table's 0-4 males, 44456.332 thousand of 1,424,548,266 in all (WPP 2019, 2020) */
    assert_close(s.demography.age_structure.persons[0][0], 44456332.0, 1e-3);
    assert_close(s.utilization.inpatient.level_mix.at[LEVEL_COUNTY], 0.45, 0);
    assert_int_equal(s.disease.n, 1);
    assert_string_equal(s.disease.conditions[0].name, "hypertension");
    assert_string_equal(r->policy.conditions[0].name, "hypertension");
    assert_close(step_at(&r->policy.conditions[0].annual_cap_yuan, 2030), 400.0, 0);
    scenario_free(&s);
}

static void test_defaults(void **state)
{
    (void)state;
    struct scenario s;
    load_ok(MINIMAL, NULL, 0, &s);
    static const double quantiles[] = {0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95};
    assert_int_equal(s.simulation.quantiles.n, 7);
    for (size_t k = 0; k < 7; k++)
        assert_close(s.simulation.quantiles.v[k], quantiles[k], 0);
    const struct region *r = &s.regions[0];
    assert_close(r->western_policy_share, 0, 0);
    assert_close(r->students_city_run, 0, 0);
    assert_string_equal(r->name_zh, "");
    assert_false(r->has_hospital_mix);
    assert_false(r->has_migration_rate);
    assert_close(s.enrollment.participation, 0.95, 0);            /* 001 */
    assert_close(s.enrollment.vulnerable_participation, 0.99, 0); /* 002 */
    assert_close(s.enrollment.category_trend[CAT_HARDSHIP], 0, 0);
    assert_close(s.warning.insufficient_months, 3, 0);
    assert_close(s.warning.low_months, 6, 0);
    assert_close(s.warning.target_months, 9, 0);
    assert_close(s.warning.excess_months, 15, 0);
    assert_int_equal(s.pooling.mode, POOLING_CITY);
    assert_int_equal(s.costs.policy_effects.n, 0);
    assert_close(s.disease.conditions[0].cost_cv, 0.5, 0);
    const struct policy *p = &r->policy;
    /* 004: deductible half the income, 60 %, the poor halved and 5 points more */
    assert_close(step_at(&p->serious_deductible_income_share, 2022), 0.5, 0);
    assert_close(step_at(&p->serious_ratio_bands, 100000), 0.6, 0);
    assert_close(step_at(&p->serious_poor_deductible_factor, 2022), 0.5, 0);
    assert_close(step_at(&p->serious_poor_ratio_bonus, 2022), 0.05, 0);
    assert_close(step_at(&p->waiting_days, 2022), 30, 0);           /* 002 */
    assert_close(step_at(&p->central_share_western, 2022), 0.8, 0); /* 000 */
    assert_close(step_at(&p->split[CLASS_DISTRICT].city_fixed_yuan, 2022), 0, 0);
    assert_close(step_at(&p->assistance_city_share_district, 2022), 0.5, 0); /* 002 */
    assert_close(step_at(&p->income_rate, 2022), 0, 0);
    scenario_free(&s);
}

static void test_timelines_any_year(void **state)
{
    (void)state;
    struct scenario s;
    load_ok(MINIMAL, NULL, 0, &s);
    const struct policy *p = &s.regions[0].policy;
    static const struct {
        int year;
        double cap, individual, subsidy;
    } rows[] = {
        /* before the first entry the first value holds */
        {2019, 150, 280, 550}, {2020, 150, 280, 550}, {2021, 150, 280, 550}, {2022, 150, 350, 610},
        {2023, 150, 380, 640}, {2024, 300, 380, 640}, {2025, 300, 380, 640}, {2100, 300, 380, 640},
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        assert_close(step_at(&p->outpatient_cap_yuan, rows[k].year), rows[k].cap, 0);
        assert_close(step_at(&p->individual_yuan, rows[k].year), rows[k].individual, 0);
        assert_close(step_at(&p->subsidy_standard_yuan, rows[k].year), rows[k].subsidy, 0);
    }
    /* a scalar holds in every year */
    assert_close(step_at(&p->inpatient_cap_yuan, 1990), 150000, 0);
    assert_close(step_at(&p->inpatient_cap_yuan, 2200), 150000, 0);
    /* age tables: ((0, 0.0), (18, 0.3), (60, 0.2)) */
    const struct step *e = &s.regions[0].employee_share;
    static const struct {
        int age;
        double share;
    } ages[] = {{0, 0}, {17, 0}, {18, 0.3}, {59, 0.3}, {60, 0.2}, {100, 0.2}};
    for (size_t k = 0; k < sizeof ages / sizeof *ages; k++)
        assert_close(step_at(e, ages[k].age), ages[k].share, 0);
    scenario_free(&s);
}

static void test_variant_merges_onto_base(void **state)
{
    (void)state;
    struct scenario s;
    load_ok(VARIANT, NULL, 0, &s);
    assert_string_equal(s.name, "variant-cap"); /* its own file name, not the base's name */
    assert_int_equal(s.simulation.paths, 20);   /* changed */
    assert_int_equal(s.simulation.years, 3);    /* merged from the base group */
    assert_int_equal(s.simulation.seed, 42);
    const struct region *r = &s.regions[0];
    assert_close(total_population(r), 2e6, 1e-6);
    /* the list replaced the base's list: no entry at 60 any more */
    assert_int_equal(r->employee_share.n, 2);
    assert_close(step_at(&r->employee_share, 70), 0.25, 0);
    assert_close(step_at(&r->policy.outpatient_cap_yuan, 2023), 150, 0);
    assert_close(step_at(&r->policy.outpatient_cap_yuan, 2024), 600, 0);
    /* the rest of policy.outpatient comes from the base */
    assert_close(step_at(&r->policy.outpatient_ratio.at[LEVEL_PROVINCIAL], 2024), 0.45, 0);
    /* the region's own override, and the global value beside it */
    assert_close(step_at(&r->policy.maternity_natural_yuan, 2022), 1200, 0);
    assert_close(step_at(&r->policy.maternity_caesarean_yuan, 2024), 2000, 0);
    scenario_free(&s);
}

static void test_set_overrides(void **state)
{
    (void)state;
    const struct setting_override sets[] = {
        {.key = "policy.outpatient.annual_cap_yuan", .value = "((2020, 100.0), (2024, 600.0))"},
        {.key = "simulation.paths", .value = "77"},
        {.key = "regions[0].population_total", .value = "3000000.0"},
        {.key = "regions[0].policy.maternity.caesarean_yuan", .value = "2500"},
        {.key = "pooling.mode", .value = "\"adjustment_fund\""},
    };
    struct scenario s;
    load_ok(MINIMAL, sets, sizeof sets / sizeof *sets, &s);
    const struct region *r = &s.regions[0];
    assert_close(step_at(&r->policy.outpatient_cap_yuan, 2023), 100, 0);
    assert_close(step_at(&r->policy.outpatient_cap_yuan, 2024), 600, 0);
    assert_int_equal(s.simulation.paths, 77);
    assert_close(total_population(r), 3e6, 1e-6);
    assert_close(step_at(&r->policy.maternity_caesarean_yuan, 2030), 2500, 0);
    assert_close(step_at(&r->policy.maternity_natural_yuan, 2030), 1000, 0);
    assert_int_equal(s.pooling.mode, POOLING_ADJUSTMENT_FUND);
    scenario_free(&s);
}

static const struct diag_entry *find_entry(const struct diag *d, const char *path)
{
    for (size_t k = 0; k < d->n; k++)
        if (d->entries[k].path && strcmp(d->entries[k].path, path) == 0) return &d->entries[k];
    fail_msg("no diagnostic for %s", path);
    return NULL;
}

static void test_set_errors_are_reported(void **state)
{
    (void)state;
    const struct setting_override sets[] = {
        {.key = "policy.outpatient.annual_cap_yuan",
         .value = "((2024, 600.0))"}, /* nothing in force in 2022 */
        {.key = "simulation.pathz", .value = "5"},
        {.key = "simulation.paths", .value = "\"many\""},
    };
    struct scenario s;
    struct diag d = {0};
    assert_int_equal(scenario_load(MINIMAL, sets, 3, &s, &d), -1);
    assert_int_equal(d.n, 3); /* all three, in one pass */
    const struct diag_entry *e = find_entry(&d, "simulation.pathz");
    assert_non_null(strstr(e->text, "did you mean \"paths\""));
    assert_string_equal(e->where, "--set simulation.pathz=5");
    e = find_entry(&d, "simulation.paths");
    assert_string_equal(e->text, "expected a whole number of paths in [1, 1e+12], got \"many\"");
    e = find_entry(&d, "policy.outpatient.annual_cap_yuan[0]");
    assert_non_null(strstr(e->text, "no value in force in 2022"));
    diag_free(&d);
}

/* An option's number is typed: no text, no 32 bits, its origin as written. */
static void test_typed_overrides(void **state)
{
    (void)state;
    const struct setting_override sets[] = {
        {.key = "simulation.seed", .i = 3000000000LL, .origin = "--seed 3000000000"},
        {.key = "simulation.paths", .i = 2147483648LL, .origin = "--paths 2147483648"},
    };
    struct scenario s;
    load_ok(MINIMAL, sets, 2, &s);
    assert_true(s.simulation.seed == 3000000000LL);
    assert_true(s.simulation.paths == 2147483648LL);
    assert_non_null(strstr(s.resolved_text, "  paths = 2147483648L;\n"));
    scenario_free(&s);

    const struct setting_override zero[] = {{.key = "simulation.paths", .origin = "--paths 0"}};
    struct diag d = {0};
    assert_int_equal(scenario_load(MINIMAL, zero, 1, &s, &d), -1);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.entries[0].text, "expected a whole number of paths in [1, 1e+12], got 0");
    assert_string_equal(d.entries[0].where, "--paths 0");
    diag_free(&d);
}

/* A --set value is a number typed on the command line: beyond 32 bits it is
 * read as the 64-bit integer it means, L or not; beyond 64 bits it is
 * refused, not clamped. */
static void test_set_wide_integers(void **state)
{
    (void)state;
    const char *values[] = {"3000000000", "3000000000L", "0xB2D05E00", "0xB2D05E00L"};
    for (int k = 0; k < 4; k++) {
        const struct setting_override sets[] = {{.key = "simulation.seed", .value = values[k]}};
        struct scenario s;
        load_ok(MINIMAL, sets, 1, &s);
        assert_true(s.simulation.seed == 3000000000LL);
        scenario_free(&s);
    }
    const char *beyond[] = {"99999999999999999999", "99999999999999999999L",
                            "0xFFFFFFFFFFFFFFFFFFL", "0x8000000000000000L"};
    for (int k = 0; k < 4; k++) {
        const struct setting_override sets[] = {{.key = "simulation.seed", .value = beyond[k]}};
        struct scenario s;
        struct diag d = {0};
        assert_int_equal(scenario_load(MINIMAL, sets, 1, &s, &d), -1);
        assert_int_equal(d.n, 1);
        assert_non_null(strstr(d.entries[0].text, "does not fit in 64 bits"));
        diag_free(&d);
    }
}

/* 16 variants stacked on one another load; a 17th is refused, naming the limit. */
static void test_variant_chain_limit(void **state)
{
    (void)state;
    char dir[64], file[96];
    assert_int_equal(tmpdir_make(dir, sizeof dir, "fundsim-chain"), 0);
    for (int k = 1; k <= 17; k++) {
        snprintf(file, sizeof file, "%s/v%d.cfg", dir, k);
        FILE *f = fopen(file, "w");
        assert_non_null(f);
        if (k == 1)
            fprintf(f, "base = \"%s\";\n", MINIMAL);
        else
            fprintf(f, "base = \"v%d.cfg\";\n", k - 1);
        fprintf(f, "simulation = { paths = %d; };\n", k);
        fclose(f);
    }
    struct scenario s;
    snprintf(file, sizeof file, "%s/v16.cfg", dir);
    load_ok(file, NULL, 0, &s);
    assert_int_equal(s.simulation.paths, 16);
    scenario_free(&s);
    snprintf(file, sizeof file, "%s/v17.cfg", dir);
    struct diag d = {0};
    assert_int_equal(scenario_load(file, NULL, 0, &s, &d), -1);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.entries[0].path, "base");
    assert_string_equal(d.entries[0].text, "more than 16 variants stacked on one another: merge "
                                           "some of them into one file");
    diag_free(&d);
    tmpdir_remove(dir);
}

/* load -> show -> load gives the same text again, and the same scenario. */
static void check_fixed_point(const char *path)
{
    struct scenario a, b;
    load_ok(path, NULL, 0, &a);
    char shown[] = "/tmp/fundsim-show-XXXXXX";
    int fd = mkstemp(shown);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(a.resolved_text, f);
    fclose(f);
    load_ok(shown, NULL, 0, &b);
    remove(shown);
    /* the name of a shown scenario is written in it, so it survives the round trip */
    assert_string_equal(a.resolved_text, b.resolved_text);
    assert_string_equal(a.name, b.name);
    assert_int_equal(a.n_regions, b.n_regions);
    for (size_t r = 0; r < a.n_regions; r++) {
        assert_close(a.regions[r].population_total, b.regions[r].population_total, 0);
        assert_memory_equal(a.regions[r].age_structure.persons[0],
                            b.regions[r].age_structure.persons[0],
                            a.regions[r].age_structure.n * sizeof(double));
        assert_close(step_at(&a.regions[r].policy.outpatient_cap_yuan, 2030),
                     step_at(&b.regions[r].policy.outpatient_cap_yuan, 2030), 0);
    }
    scenario_free(&a);
    scenario_free(&b);
}

static void test_show_load_fixed_point(void **state)
{
    (void)state;
    check_fixed_point(MINIMAL);
    check_fixed_point(VARIANT);
}

static void test_shipped_scenarios_fixed_point(void **state)
{
    (void)state;
    static const char *const shipped[] = {
        "henan-2022.cfg",
        "zhengzhou-2024.cfg",
        "fujian-2022.cfg",
        "guangdong-2022.cfg",
        "variants/outpatient-cap-600.cfg",
        "variants/frozen-financing.cfg",
        "variants/step-30.cfg",
        "variants/provincial-pooling.cfg",
        "variants/county-merge.cfg",
    };
    for (size_t k = 0; k < sizeof shipped / sizeof *shipped; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/scenarios/%s", FUNDSIM_SOURCE_DIR, shipped[k]);
        check_fixed_point(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_as_written),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_timelines_any_year),
        cmocka_unit_test(test_variant_merges_onto_base),
        cmocka_unit_test(test_set_overrides),
        cmocka_unit_test(test_set_errors_are_reported),
        cmocka_unit_test(test_typed_overrides),
        cmocka_unit_test(test_set_wide_integers),
        cmocka_unit_test(test_variant_chain_limit),
        cmocka_unit_test(test_show_load_fixed_point),
        cmocka_unit_test(test_shipped_scenarios_fixed_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
