/* test_solve.c: `fundsim solve` (sim/target.c, sim/solve.c, sim/cli/cmd_solve.c).
 * Targets parsed and refused; a path's lowest balance and the raised timelines
 * by hand; a solve on the minimal scenario, made to run short of money, whose
 * answer is checked by running the answer and one step below it here, with
 * the timelines written out by hand, and counting the depleted paths; the
 * answer 0 when the target already holds; a target no increase can meet; and
 * the command line's refusals. */
#include "output/record.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/run.h"
#include "sim/solve.h"
#include "sim/target.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "close.h"

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"
#define PATHS 20

/* Minimal (2022-2024) on PATHS paths with `extra` settings (NULL-terminated key, value pairs). */
static void load(struct scenario *s, const char *const *extra)
{
    struct setting_override sets[8] = {{.key = "simulation.paths", .value = "20"},
                                       {.key = "simulation.years", .value = "3"}};
    size_t n = 2;
    for (; extra && extra[2 * (n - 2)]; n++)
        sets[n] =
            (struct setting_override){.key = extra[2 * (n - 2)], .value = extra[2 * (n - 2) + 1]};
    struct diag d = {0};
    if (scenario_load(MINIMAL, sets, n, s, &d) != 0) diag_print(stderr, &d);
    assert_int_equal(d.n, 0);
    diag_free(&d);
}

/* ---- targets ---- */

static void test_target_parse(void **state)
{
    (void)state;
    static const char *const zh[] = {"regions.[0].name_zh", "\"试验市\"", NULL};
    struct scenario s;
    load(&s, zh);
    struct target t;
    struct diag dg = {0};

    assert_int_equal(target_parse("P(depletion by 2024) <= 0.05", &s, &t, &dg), 0);
    assert_int_equal(t.year, 2024);
    assert_int_equal(t.entity, TARGET_PROVINCE);
    assert_close(t.probability, 0.05, 0);
    assert_false(t.strict);

    assert_int_equal(target_parse("  p ( Depletion  BY 2023 in  testshire ) < 0.1 ", &s, &t, &dg),
                     0);
    assert_int_equal(t.year, 2023);
    assert_int_equal(t.entity, TARGET_REGION);
    assert_int_equal(t.region, 0);
    assert_true(t.strict);
    assert_close(t.probability, 0.1, 0);

    assert_int_equal(target_parse("P(depletion by 2022 in 419999)<=0", &s, &t, &dg), 0);
    assert_int_equal(t.entity, TARGET_REGION);
    assert_int_equal(target_parse("P(depletion by 2022 in 试验市) <= 0.2", &s, &t, &dg), 0);
    assert_int_equal(t.entity, TARGET_REGION);
    assert_int_equal(target_parse("P(depletion by 2024 in any region) <= 0.5", &s, &t, &dg), 0);
    assert_int_equal(t.entity, TARGET_ANY_REGION);
    char text[128];
    target_describe(&t, &s, LANG_EN, text, sizeof text);
    assert_string_equal(text, "P(depletion by 2024 in any region)");

    static const struct {
        const char *text, *says;
    } bad[] = {
        {"P(depletion by 2030) <= 0.05", "horizon 2022-2024"},
        {"P(depletion by 2021) <= 0.05", "horizon"},
        {"P(depletion by 2024 in Nowhere) <= 0.05", "unknown region \"Nowhere\""},
        {"P(depletion by 2024) <= 1", "below 1"},
        {"P(depletion by 2024) <= -0.1", "at least 0"},
        {"P(depletion by 2024) < 0", "above 0"},
        {"P(depletion by 2024) <= 0.05 or so", "nothing more at \"or so\""},
        {"P(depletion by 2024) >= 0.05", "\"<=\" or \"<\""},
        {"P(depletion in 2024) <= 0.05", "\"by\""},
        {"P(depletion by 2024 <= 0.05", "\")\" or \"in REGION)\""},
        {"P(depletion by 2024 in Testshire <= 0.05", "a region and \")\""},
        {"P(depletion by soon) <= 0.05", "a year"},
        {"P(depletion by 2024) <=", "a probability at the end"},
        {"garbage", "\"P(\""},
        {"", "\"P(\""},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        assert_int_equal(target_parse(bad[k].text, &s, &t, &dg), -1);
        assert_int_equal(diag_last(&dg)->kind, DIAG_USAGE);
        if (!strstr(diag_last_text(&dg), bad[k].says))
            fail_msg("\"%s\": %s", bad[k].text, diag_last_text(&dg));
    }
    diag_free(&dg);
    scenario_free(&s);
}

static void test_target_allowed(void **state)
{
    (void)state;
    struct target t = {.probability = 0.05};
    assert_int_equal(target_allowed(&t, 100), 5); /* 0.05 x 100 rounds to 5.000000000000001 */
    assert_int_equal(target_allowed(&t, 64), 3);
    assert_int_equal(target_allowed(&t, 19), 0);
    t.strict = true; /* P̂ < 0.05 */
    assert_int_equal(target_allowed(&t, 100), 4);
    assert_int_equal(target_allowed(&t, 64), 3);
    assert_int_equal(target_allowed(&t, 19), 0);
    t = (struct target){.probability = 0};
    assert_int_equal(target_allowed(&t, 64), 0);
}

/* Balances (1 path, 2022-2024):  A: 5, -2, 3;  B: 1, 4, -4;  province: 6, 2, -1. */
static void test_path_minimum(void **state)
{
    (void)state;
    static const double balance[3][2] = {{5, 1}, {-2, 4}, {3, -4}};
    struct record_block b;
    assert_int_equal(record_block_alloc(&b, 1, 3, 2), 0);
    b.n_paths = 1;
    for (size_t y = 0; y < 3; y++)
        for (size_t r = 0; r < 2; r++)
            record_at(&b, 0, y, r)[VAR_BALANCE] = balance[y][r];
    struct target province = {.entity = TARGET_PROVINCE}, any = {.entity = TARGET_ANY_REGION};
    struct target a = {.entity = TARGET_REGION, .region = 0};
    struct target bb = {.entity = TARGET_REGION, .region = 1};
    assert_close(target_path_minimum(&b, 0, &province, 2022, 2022, 2024), -1, 0);
    assert_close(target_path_minimum(&b, 0, &province, 2022, 2022, 2023), 2, 0);
    assert_close(target_path_minimum(&b, 0, &province, 2022, 2022, 2030), -1, 0);
    assert_close(target_path_minimum(&b, 0, &a, 2022, 2022, 2024), -2, 0);
    assert_close(target_path_minimum(&b, 0, &a, 2022, 2024, 2024), 3, 0);
    assert_close(target_path_minimum(&b, 0, &bb, 2022, 2022, 2023), 1, 0);
    assert_close(target_path_minimum(&b, 0, &any, 2022, 2022, 2024), -4, 0);
    assert_close(target_path_minimum(&b, 0, &any, 2022, 2022, 2022), 1, 0);
    assert_true(isinf(target_path_minimum(&b, 0, &any, 2022, 2022, 2021)));
    record_block_free(&b);
}

/* ---- raised timelines ---- */

static void test_raise(void **state)
{
    (void)state;
    int key[] = {2020, 2023, 2026, 2040};
    double value[] = {280, 380, 450, 500};
    struct step base = {4, key, value};
    int out_key[16];
    double out_value[16];
    struct step out = {0, out_key, out_value};
    /* from 2024 to 2030 by 10 a year, starting in 2022 */
    assert_int_equal(solve_raised_size(&base, 2024, 2030), 12);
    solve_raise(&base, 2022, 2024, 2030, 10, &out);
    static const int want_key[] = {2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030, 2040};
    static const double want_value[] = {280, 380, 390, 400, 480, 490, 500, 510, 520, 570};
    assert_int_equal(out.n, 10);
    for (size_t e = 0; e < out.n; e++) {
        assert_int_equal(out.key[e], want_key[e]);
        assert_close(out.value[e], want_value[e], 0);
    }
    assert_int_equal(solve_default_from(&base, 2022), 2041);

    /* a plain number (key 0, as loaded), raised from the start year */
    int one_key[] = {0};
    double one_value[] = {350};
    struct step one = {1, one_key, one_value};
    solve_raise(&one, 2022, 2022, 2024, 5, &out);
    assert_int_equal(out.n, 3);
    assert_int_equal(out.key[0], 2022);
    assert_close(out.value[0], 355, 0);
    assert_int_equal(out.key[2], 2024);
    assert_close(out.value[2], 365, 0);
    assert_int_equal(solve_default_from(&one, 2022), 2023);
}

static void test_settings(void **state)
{
    (void)state;
    const struct solve_setting *k = solve_setting_find("policy.subsidy.standard_yuan");
    assert_non_null(k);
    assert_int_equal(k->offset, offsetof(struct policy, subsidy_standard_yuan));
    assert_null(solve_setting_find("policy.inpatient.annual_cap_yuan"));
    assert_null(solve_setting_find("individual_yuan"));
}

/* ---- solving ---- */

/* Short of money: no opening balance, and from 2023 a subsidy of 200 instead of
 * 640, so that most paths' balance is below 0 by 2024. */
static const char *const short_of_money[] = {
    "regions.[0].opening_balance_yuan",
    "0.0",
    "policy.subsidy.standard_yuan",
    "((2022, 610.0), (2023, 200.0))",
    "policy.subsidy.national_standard_yuan",
    "((2022, 610.0), (2023, 200.0))",
    NULL,
};

static struct solve_options options(const struct scenario *s, const char *target, int from)
{
    struct solve_options o = {
        .adjust = {solve_setting_find("policy.contribution.individual_yuan")},
        .n_adjust = 1,
        .from = from,
        .step = 1,
        .threads = 2,
    };
    struct diag dg = {0};
    assert_int_equal(target_parse(target, s, &o.target, &dg), 0);
    diag_free(&dg);
    return o;
}

/* Paths whose province balance is below 0 at the end of some year, with the
 * contribution 350, 380 + x, 380 + 2x in 2022-2024 (the minimal scenario's
 * 350, 380, 380 raised by x a year from 2023). */
static size_t depleted_at(double x)
{
    char timeline[128];
    snprintf(timeline, sizeof timeline, "((2022, 350.0), (2023, %.17g), (2024, %.17g))", 380 + x,
             380 + 2 * x);
    const char *extra[] = {short_of_money[0],
                           short_of_money[1],
                           short_of_money[2],
                           short_of_money[3],
                           short_of_money[4],
                           short_of_money[5],
                           "policy.contribution.individual_yuan",
                           timeline,
                           NULL};
    struct scenario s;
    load(&s, extra);
    struct diag d = {0};
    struct run_arm *arm = run_arm_create(&s, 2, &d);
    assert_non_null(arm);
    const struct record_block *b = run_arm_block(arm, 0, PATHS);
    size_t depleted = 0;
    for (size_t p = 0; p < PATHS; p++) {
        bool below = false;
        for (size_t y = 0; y < 3; y++)
            below |= record_at(b, p, y, 0)[VAR_BALANCE] < 0;
        depleted += below;
    }
    run_arm_free(arm);
    diag_free(&d);
    scenario_free(&s);
    return depleted;
}

/* A continuation adjusted (issue 20): the minimal scenario short of money, its
 * contribution dated in 2022 alone (350) and continued by rule "step": solve
 * finds the yearly step in yuan that meets the target, the contribution then
 * 350 + x in 2023 and 350 + 2x in 2024; the same paths at x meet it and one
 * step below do not. A rule that does not read the adjusted number is refused. */
static const char *const stepped[] = {
    "regions.[0].opening_balance_yuan",
    "0.0",
    "policy.subsidy.standard_yuan",
    "((2022, 610.0), (2023, 200.0))",
    "policy.subsidy.national_standard_yuan",
    "((2022, 610.0), (2023, 200.0))",
    "policy.contribution.individual_yuan",
    "((2022, 350.0))",
    "policy.continuation.contribution",
    "{ rule = \"step\"; }",
    NULL,
};

static size_t depleted_with_step(double x)
{
    char step[64];
    snprintf(step, sizeof step, "%.17g", x);
    const char *extra[16];
    size_t n = 0;
    for (; stepped[n]; n++)
        extra[n] = stepped[n];
    extra[n++] = "policy.continuation.contribution.step_yuan";
    extra[n++] = step;
    extra[n] = NULL;
    struct scenario s;
    load(&s, extra);
    struct diag d = {0};
    struct run_arm *arm = run_arm_create(&s, 2, &d);
    assert_non_null(arm);
    const struct record_block *b = run_arm_block(arm, 0, PATHS);
    size_t depleted = 0;
    for (size_t p = 0; p < PATHS; p++) {
        bool below = false;
        for (size_t y = 0; y < 3; y++)
            below |= record_at(b, p, y, 0)[VAR_BALANCE] < 0;
        depleted += below;
    }
    run_arm_free(arm);
    diag_free(&d);
    scenario_free(&s);
    return depleted;
}

static void test_solve_continuation(void **state)
{
    (void)state;
    struct scenario s;
    load(&s, stepped);
    const struct solve_setting *k =
        solve_setting_find("policy.continuation.contribution.step_yuan");
    assert_non_null(k);
    assert_int_equal(solve_continuation_from(&s, k), 2023);
    struct solve_options o = options(&s, "P(depletion by 2024) <= 0.2", 2023);
    o.adjust[0] = k;
    struct solve_result r;
    struct diag d = {0};
    assert_int_equal(solve_run(&s, &o, &r, &d), 0);
    assert_true(s.regions[0].policy.continuation[CONTINUED_CONTRIBUTION].step_yuan == 0);
    assert_true(r.x > 0);
    assert_close(r.x, round(r.x), 0);
    size_t at = depleted_with_step(r.x), below = depleted_with_step(r.x - 1);
    assert_true(depleted_with_step(0) > 4);
    assert_true(at <= 4 && below > 4);
    assert_int_equal(r.depleted, at);
    assert_int_equal(r.depleted_below, below);
    diag_free(&d);
    scenario_free(&s);

    /* extra_rate under rule "step" reads nothing: refused, naming the rule to set */
    load(&s, stepped);
    o = options(&s, "P(depletion by 2024) <= 0.2", 2023);
    o.adjust[0] = solve_setting_find("policy.continuation.contribution.extra_rate");
    d = (struct diag){0};
    assert_int_equal(solve_run(&s, &o, &r, &d), -1);
    assert_non_null(strstr(diag_last_text(&d), "continues the contribution by rule \"step\""));
    assert_non_null(strstr(diag_last_text(&d), "policy.continuation.contribution.rule"));
    assert_int_equal(diag_status(&d), 2);
    diag_free(&d);
    scenario_free(&s);
}

static void test_solve_checked(void **state)
{
    (void)state;
    struct scenario s;
    load(&s, short_of_money);
    const struct step before = s.regions[0].policy.individual_yuan;
    struct solve_options o = options(&s, "P(depletion by 2024) <= 0.2", 2023);
    struct solve_result r;
    struct diag d = {0};
    assert_int_equal(solve_run(&s, &o, &r, &d), 0);
    /* the scenario is as it was */
    assert_ptr_equal(s.regions[0].policy.individual_yuan.key, before.key);
    assert_ptr_equal(s.regions[0].policy.individual_yuan.value, before.value);
    assert_int_equal(s.regions[0].policy.individual_yuan.n, before.n);

    assert_int_equal(r.paths, PATHS);
    assert_int_equal(r.allowed, 4);
    assert_true(r.x > 0);
    assert_close(r.x, round(r.x), 0);
    size_t at = depleted_at(r.x), below = depleted_at(r.x - 1);
    assert_true(depleted_at(0) > 4);
    assert_true(at <= 4);
    assert_true(below > 4);
    assert_int_equal(r.depleted, at);
    assert_int_equal(r.depleted_below, below);

    /* Bin(20, 0.2): P(X <= 0) = 0.0115, P(X <= 1) = 0.0692: l = 1;
     * P(X <= 7) = 0.9679, P(X <= 8) = 0.9900: u = 9 */
    assert_int_equal(r.rank_low, 1);
    assert_int_equal(r.rank_up, 9);
    assert_true(r.ci_low <= r.x && r.x <= r.ci_high);
    assert_false(isinf(r.ci_high));
    double p = (double)at / PATHS;
    assert_true(r.p_low < p && p < r.p_high);
    assert_true(r.runs >= 4);
    diag_free(&d);
    scenario_free(&s);
}

static void test_solve_already_met(void **state)
{
    (void)state;
    struct scenario s;
    load(&s, NULL);
    struct solve_options o = options(&s, "P(depletion by 2024) <= 0.05", 2023);
    struct solve_result r;
    struct diag d = {0};
    assert_int_equal(solve_run(&s, &o, &r, &d), 0);
    assert_close(r.x, 0, 0);
    assert_int_equal(r.depleted, 0);
    assert_int_equal(r.runs, 1);
    /* Bin(20, 0.05): P(X <= 0) = 0.358 > 0.025, so l = 0: no upper end */
    assert_int_equal(r.rank_low, 0);
    assert_int_equal(r.rank_up, 4);
    assert_close(r.ci_low, 0, 0);
    assert_true(isinf(r.ci_high));
    diag_free(&d);
    scenario_free(&s);
}

/* Every path is below 0 at the end of 2022, before an increase from 2023. */
static void test_solve_unreachable(void **state)
{
    (void)state;
    static const char *const broke[] = {"regions.[0].opening_balance_yuan", "-5e9", NULL};
    struct scenario s;
    load(&s, broke);
    struct solve_options o = options(&s, "P(depletion by 2024) <= 0.2", 2023);
    struct solve_result r;
    struct diag d = {0};
    assert_int_equal(solve_run(&s, &o, &r, &d), -1);
    assert_int_equal(diag_status(&d), DIAG_FAILED);
    assert_non_null(strstr(diag_last_text(&d), "20 of 20 paths are depleted before 2023"));
    diag_free(&d);
    scenario_free(&s);
}

/* ---- the command line ---- */

static int solve_cli(const char *const *args)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "solve";
    argv[argc++] = MINIMAL;
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    optind = 0;
    return cmd_solve(argc, argv);
}

static void test_cli_refusals(void **state)
{
    (void)state;
    static const char *const unknown[] = {"--target", "P(depletion by 2024) <= 0.05", "--adjust",
                                          "policy.inpatient.annual_cap_yuan", NULL};
    static const char *const national[] = {"--target", "P(depletion by 2024) <= 0.05", "--adjust",
                                           "policy.subsidy.national_standard_yuan", NULL};
    static const char *const target[] = {"--target", "P(depletion by 2099) <= 0.05", "--adjust",
                                         "policy.contribution.individual_yuan", NULL};
    static const char *const from[] = {"--target", "P(depletion by 2024) <= 0.05",
                                       "--adjust", "policy.contribution.individual_yuan",
                                       "--from",   "2025",
                                       NULL};
    static const char *const step[] = {"--target", "P(depletion by 2024) <= 0.05",
                                       "--adjust", "policy.contribution.individual_yuan",
                                       "--step",   "0",
                                       NULL};
    static const char *const no_adjust[] = {"--target", "P(depletion by 2024) <= 0.05", NULL};
    static const char *const *const refused[] = {unknown, national, target, from, step, no_adjust};
    for (size_t k = 0; k < sizeof refused / sizeof *refused; k++)
        assert_int_equal(solve_cli(refused[k]), EXIT_USAGE);
}

/* A whole command: the horizon cut to the target's year, one trial run, the answer printed. */
static void test_cli_runs(void **state)
{
    (void)state;
    static const char *const help[] = {"--help", NULL};
    static const char *const met[] = {"--target", "P(depletion by 2023 in any region) <= 0.1",
                                      "--adjust", "policy.contribution.individual_yuan",
                                      "--paths",  "4",
                                      "--from",   "2023",
                                      "--quiet",  NULL};
    static const char *const broke[] = {"--target", "P(depletion by 2023) <= 0.1",
                                        "--adjust", "policy.contribution.individual_yuan",
                                        "--paths",  "4",
                                        "--from",   "2023",
                                        "--set",    "regions.[0].opening_balance_yuan=-5e9",
                                        "--quiet",  NULL};
    assert_int_equal(solve_cli(help), EXIT_OK);
    assert_int_equal(solve_cli(met), EXIT_OK);
    assert_int_equal(solve_cli(broke), EXIT_FAILURE_RUN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_parse),       cmocka_unit_test(test_target_allowed),
        cmocka_unit_test(test_path_minimum),       cmocka_unit_test(test_raise),
        cmocka_unit_test(test_settings),           cmocka_unit_test(test_solve_checked),
        cmocka_unit_test(test_solve_continuation), cmocka_unit_test(test_solve_already_met),
        cmocka_unit_test(test_solve_unreachable),  cmocka_unit_test(test_cli_refusals),
        cmocka_unit_test(test_cli_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
