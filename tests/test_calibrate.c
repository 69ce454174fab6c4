/* test_calibrate.c: `fundsim calibrate` and `fundsim backtest` (sim/calibrate.c,
 * sim/backtest.c, sim/cli/cmd_calibrate.c, the scenario's actuals and
 * calibration group).
 *
 * Hand-made actuals whose true levels are known: the minimal scenario is run
 * with participation x 0.9, use of care x 1.1, 40 yuan of other income per
 * enrollee, an opening balance of 700 million and a participation trend of
 * -0.3 log-odds a year from 2022 to 2023 (calibration.participation_trend), and
 * the means of that run become the actuals; calibrate, from the scenario's own
 * levels, must recover them (on the same paths, so only the fit's tolerance
 * separates them). The variant written by the command loads and reproduces
 * the actuals; a backtest whose later actual is the true run's mean gives
 * A/E = 1 inside the band, and one 20 % above it A/E = 1.2 outside, and
 * `fundsim backtest -o` writes that table in /backtest; a
 * scenario without actuals, or with actuals only before its start, is a
 * scenario problem. */
#include "sim/backtest.h"
#include "sim/calibrate.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <getopt.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "close.h"
#include "tmpdir.h"

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"
#define PATHS 32
#define START 2022

/* The true levels. */
#define TRUE_PARTICIPATION 0.9
#define TRUE_USE 1.1
#define TRUE_OTHER_YUAN 40.0
#define TRUE_OPENING_YUAN 7e8
#define TRUE_TREND (-0.3)

static void load(struct scenario *s)
{
    struct setting_override sets[] = {{.key = "simulation.paths", .value = "32"},
                                      {.key = "simulation.years", .value = "3"}};
    struct diag d = {0};
    if (scenario_load(MINIMAL, sets, 2, s, &d) != 0) diag_print(stderr, &d);
    assert_int_equal(d.n, 0);
    diag_free(&d);
}

/* The means over the paths of every line and year (2022-2024) of s. */
static void means(const struct scenario *s, double m[CALIBRATE_LINES][3])
{
    double *v = malloc(CALIBRATE_LINES * 3 * PATHS * sizeof *v);
    assert_non_null(v);
    struct diag d = {0};
    assert_int_equal(calibrate_simulate(s, 1, v, &d), 0);
    for (int l = 0; l < CALIBRATE_LINES; l++)
        for (int y = 0; y < 3; y++) {
            double sum = 0;
            for (int p = 0; p < PATHS; p++)
                sum += v[(l * 3 + y) * PATHS + p];
            m[l][y] = sum / PATHS;
        }
    free(v);
}

static void set_levels(struct scenario *s, double participation, double use, double other,
                       double opening, double trend)
{
    s->regions[0].participation_change = participation - 1;
    s->regions[0].use_change = use - 1;
    s->regions[0].extra_other_income_yuan = other;
    s->regions[0].opening_balance_yuan = opening;
    s->regions[0].participation_trend = trend;
}

static struct actual of_year(double m[CALIBRATE_LINES][3], int y)
{
    return (struct actual){.year = START + y,
                           .enrollees = m[CALIBRATE_ENROLLEES][y],
                           .income_yuan = m[CALIBRATE_INCOME][y],
                           .expenditure_yuan = m[CALIBRATE_EXPENDITURE][y],
                           .balance_yuan = m[CALIBRATE_BALANCE][y]};
}

/* The truth's means; the scenario back at its own levels. A trend needs the
 * region's actuals (its first year with enrollees) and history_end_year set. */
static void truth(struct scenario *s, double trend, double m[CALIBRATE_LINES][3])
{
    double own_opening = s->regions[0].opening_balance_yuan;
    set_levels(s, TRUE_PARTICIPATION, TRUE_USE, TRUE_OTHER_YUAN, TRUE_OPENING_YUAN, trend);
    means(s, m);
    set_levels(s, 1, 1, 0, own_opening, 0);
}

static void test_recovers_the_levels(void **state)
{
    (void)state;
    struct scenario s;
    load(&s);
    double m[CALIBRATE_LINES][3];
    /* the truth's trend runs from the first actual year with enrollees, 2022,
     * to history_end_year, 2023 */
    struct actual actuals[2] = {{.year = 2022, .enrollees = 1}, {.year = 2023, .enrollees = 1}};
    s.regions[0].actuals = actuals;
    s.regions[0].n_actuals = 2;
    s.calibration.history_end_year = 2023;
    truth(&s, TRUE_TREND, m);
    s.calibration.history_end_year = 0;
    /* the enrollees of 2022 (the trend's first year), every line of 2023 */
    actuals[0] = of_year(m, 0);
    actuals[1] = of_year(m, 1);
    actuals[0].income_yuan = actuals[0].expenditure_yuan = actuals[0].balance_yuan = NAN;

    struct calibrate_options o = {
        .file = "minimal.cfg", .paths = PATHS, .threads = 1, .tolerance = 1e-6};
    struct calibrate_result r;
    struct diag d = {0};
    assert_int_equal(calibrate_fit(&s, &o, &r, &d), 0);
    assert_int_equal(r.last_year, 2023);
    assert_true(r.trend);
    assert_int_equal(r.levels[0].trend_first_year, 2022);
    assert_true(r.worst_gap <= 1e-6);
    /* recovered within 0.1 % (scales), 0.5 yuan, 0.1 % of the balance, 1e-3 a year */
    assert_close(r.levels[0].participation_scale, TRUE_PARTICIPATION, 1e-3);
    assert_close(r.levels[0].use_scale, TRUE_USE, 1e-3);
    assert_close(r.levels[0].other_income_yuan, TRUE_OTHER_YUAN, 0.5);
    assert_close(r.levels[0].opening_balance_yuan, TRUE_OPENING_YUAN, 7e5);
    assert_close(r.levels[0].participation_trend, TRUE_TREND, 1e-3);
    /* the scenario is back at its own levels; employee_shift untouched */
    assert_close(s.regions[0].participation_change, 0, 0);
    assert_close(s.regions[0].participation_trend, 0, 0);
    assert_int_equal(s.calibration.history_end_year, 0);
    assert_close(s.enrollment.employee_shift, 0.003, 0);

    /* the table: 2022 enrollees, 2023's four lines; before is the own levels' run */
    assert_int_equal(r.n_rows, 5);
    assert_int_equal(r.rows[0].year, 2022);
    assert_true(r.rows[0].fitted);
    assert_true(fabs(r.rows[0].before / r.rows[0].actual - 1) > 0.05);
    for (size_t j = 0; j < r.n_rows; j++)
        assert_close(r.rows[j].after / r.rows[j].actual, 1, 1e-5);

    /* the levels applied reproduce the actuals */
    calibrate_apply(&s, &r);
    double again[CALIBRATE_LINES][3];
    means(&s, again);
    for (int l = 0; l < CALIBRATE_LINES; l++)
        assert_close(again[l][1] / m[l][1], 1, 1e-5);
    calibrate_result_free(&r);
    diag_free(&d);
    scenario_free(&s);
}

/* A scenario file with the actuals of the truth in 2023 and, with `both`, 2024, as
 * a variant of minimal.cfg. */
static void write_scenario(const char *path, double m[CALIBRATE_LINES][3], bool both)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "base = \"%s\";\nsimulation = { paths = 32; years = 3; };\n"
            "regions = ({ name = \"Testshire\"; code = \"419999\"; population_total = 1000000.0;\n"
            "  district_share = 0.5; employee_share = ((0, 0.0), (18, 0.3), (60, 0.2));\n"
            "  categories = { extreme_poverty = 0.005; minimum_living = 0.03; rural_at_risk = "
            "0.01; hardship = 0.01; };\n"
            "  opening_balance_yuan = 500000000.0; serious_premium_yuan = 70.0;\n  actuals = (",
            MINIMAL);
    for (int y = 1; y <= (both ? 2 : 1); y++)
        fprintf(f,
                "%s{ year = %d; enrollees = %.17g; income_yuan = %.17g;\n"
                "    expenditure_yuan = %.17g; balance_yuan = %.17g; }",
                y > 1 ? ",\n    " : "", START + y, m[0][y], m[1][y], m[2][y], m[3][y]);
    fputs("); });\n", f);
    fclose(f);
}

static int run_command(int (*cmd)(int, char **), char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    optind = 0;
    return cmd(argc, argv);
}

static void test_variant_runs(void **state)
{
    const struct tmpdir_fixture *f = *state;
    struct scenario s;
    load(&s);
    double m[CALIBRATE_LINES][3];
    truth(&s, 0, m);
    scenario_free(&s);
    char scenario[128], variant[128];
    tmpdir_path(scenario, sizeof scenario, f, "accounts.cfg");
    tmpdir_path(variant, sizeof variant, f, "calibrated.cfg");
    write_scenario(scenario, m, false);
    char *argv[] = {"calibrate", "--quiet", "--threads", "1",      "--paths",
                    "32",        "-o",      variant,     scenario, NULL};
    assert_int_equal(run_command(cmd_calibrate, argv), EXIT_OK);

    /* the variant names its base relative to its own folder, and loads */
    FILE *in = fopen(variant, "r");
    assert_non_null(in);
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, in);
    text[n] = '\0';
    fclose(in);
    assert_non_null(strstr(text, "base = \"accounts.cfg\";"));
    assert_non_null(strstr(text, "# Testshire: expenditure"));
    struct diag d = {0};
    if (scenario_load(variant, NULL, 0, &s, &d) != 0) diag_print(stderr, &d);
    assert_int_equal(d.n, 0);
    assert_int_equal(s.calibration.history_end_year, 2023);
    assert_close(s.calibration.use_scale.v[0], TRUE_USE, 1e-3);
    double again[CALIBRATE_LINES][3];
    means(&s, again);
    for (int l = 0; l < CALIBRATE_LINES; l++)
        assert_close(again[l][1] / m[l][1], 1, 2e-4);
    scenario_free(&s);
    diag_free(&d);
}

static void test_backtest_ae(void **state)
{
    (void)state;
    struct scenario s;
    load(&s);
    double m[CALIBRATE_LINES][3];
    truth(&s, 0, m);
    /* calibrated on 2022; 2024 the truth's means, its expenditure 20 % above */
    struct actual actuals[2] = {of_year(m, 0), of_year(m, 2)};
    actuals[1].expenditure_yuan *= 1.2;
    s.regions[0].actuals = actuals;
    s.regions[0].n_actuals = 2;
    struct backtest_options o = {
        .file = "minimal.cfg", .from_year = 2022, .fit_paths = PATHS, .paths = PATHS, .threads = 1};
    struct backtest_result r;
    struct diag d = {0};
    assert_int_equal(backtest_run(&s, &o, &r, &d), 0);
    assert_int_equal(r.n_rows, 4);
    for (size_t j = 0; j < r.n_rows; j++) {
        const struct backtest_row *w = &r.rows[j];
        assert_int_equal(w->year, 2024);
        assert_true(w->low <= w->median && w->median <= w->high);
        if (w->line == CALIBRATE_EXPENDITURE) {
            assert_close(w->ae, 1.2, 1.2e-3);
            assert_false(w->inside);
        } else {
            assert_close(w->ae, 1, 1e-3);
            assert_true(w->inside);
        }
    }
    /* s is left calibrated, with its own horizon */
    assert_close(s.regions[0].use_change, TRUE_USE - 1, 1e-3);
    assert_int_equal(s.simulation.years, 3);
    backtest_result_free(&r);

    /* nothing after --from */
    assert_int_equal(backtest_run(&s,
                                  &(struct backtest_options){.file = "minimal.cfg",
                                                             .from_year = 2024,
                                                             .fit_paths = PATHS,
                                                             .paths = PATHS,
                                                             .threads = 1},
                                  &r, &d),
                     -1);
    assert_int_equal(diag_status(&d), DIAG_BAD);
    assert_non_null(strstr(diag_last_text(&d), "no actual after 2024"));
    diag_free(&d);
    scenario_free(&s);
}

/* `fundsim backtest -o`: the calibrated run's file with /backtest. */
static void test_backtest_file(void **state)
{
    const struct tmpdir_fixture *f = *state;
    struct scenario s;
    load(&s);
    double m[CALIBRATE_LINES][3];
    truth(&s, 0, m);
    scenario_free(&s);
    char scenario[128], out[128];
    tmpdir_path(scenario, sizeof scenario, f, "two-years.cfg");
    tmpdir_path(out, sizeof out, f, "backtest.h5");
    write_scenario(scenario, m, true);
    char *argv[] = {"backtest", "--quiet",     "--threads", "1",  "--from", "2023",   "--paths",
                    "32",       "--fit-paths", "32",        "-o", out,      scenario, NULL};
    assert_int_equal(run_command(cmd_backtest, argv), EXIT_OK);

    hid_t h = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(h >= 0);
    int years[4] = {0}, history = 0;
    double ae[4] = {0};
    unsigned char inside[4] = {0};
    hid_t set = H5Dopen2(h, "backtest/year", H5P_DEFAULT);
    hid_t space = H5Dget_space(set);
    assert_true(H5Sget_simple_extent_npoints(space) == 4);
    H5Sclose(space);
    H5Dread(set, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, years);
    H5Dclose(set);
    set = H5Dopen2(h, "backtest/ae", H5P_DEFAULT);
    H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, ae);
    H5Dclose(set);
    set = H5Dopen2(h, "backtest/inside", H5P_DEFAULT);
    H5Dread(set, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, inside);
    H5Dclose(set);
    hid_t a = H5Aopen(h, "history_end_year", H5P_DEFAULT);
    assert_true(a >= 0);
    H5Aread(a, H5T_NATIVE_INT, &history);
    H5Aclose(a);
    H5Fclose(h);
    assert_int_equal(history, 2023);
    for (int j = 0; j < 4; j++) {
        assert_int_equal(years[j], 2024);
        assert_close(ae[j], 1, 1e-3);
        assert_int_equal(inside[j], 1);
    }
}

/* An int attribute of the file's root, or -1 when absent. */
static int root_int(const char *path, const char *name)
{
    hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(h >= 0);
    int v = -1;
    if (H5Aexists(h, name) > 0) {
        hid_t a = H5Aopen(h, name, H5P_DEFAULT);
        H5Aread(a, H5T_NATIVE_INT, &v);
        H5Aclose(a);
    }
    H5Fclose(h);
    return v;
}

/* /depletion/first_year_at_risk[0] and the median of the province's actuarial
 * balance in each year (the file's quantile levels 0.05, 0.5, 0.95). */
static int first_at_risk(const char *path, double actuarial[5])
{
    hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(h >= 0);
    int first = -1;
    hid_t set = H5Dopen2(h, "depletion/first_year_at_risk", H5P_DEFAULT);
    H5Dread(set, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, &first);
    H5Dclose(set);
    double q[5][3];
    set = H5Dopen2(h, "summary/national/actuarial_balance_quantiles", H5P_DEFAULT);
    H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, q);
    H5Dclose(set);
    H5Fclose(h);
    for (int y = 0; y < 5; y++)
        actuarial[y] = q[y][1];
    return first;
}

/* The history years of a calibrated run (calibration.history_end_year) are not
 * projection: with an opening deficit of 2 billion, every path is depleted in
 * 2022 and 2023, so an uncalibrated run's first year at risk is 2022; with
 * history_end_year = 2023 the first year at risk is none of the history years,
 * the actuarial balance restarts in 2024 (its 2024 value differs, the history
 * years' are the same), the summary says so, and `fundsim merge` of two slices
 * keeps the attribute. */
static void test_history_not_projection(void **state)
{
    const struct tmpdir_fixture *f = *state;
    char plain[128], history[128], out[2][128], half[2][128], merged[128], text_path[128];
    tmpdir_path(plain, sizeof plain, f, "plain.cfg");
    tmpdir_path(history, sizeof history, f, "history.cfg");
    for (int k = 0; k < 2; k++) {
        char name[32];
        snprintf(name, sizeof name, "out%d.h5", k);
        tmpdir_path(out[k], sizeof out[k], f, name);
        snprintf(name, sizeof name, "half%d.h5", k);
        tmpdir_path(half[k], sizeof half[k], f, name);
    }
    tmpdir_path(merged, sizeof merged, f, "merged.h5");
    tmpdir_path(text_path, sizeof text_path, f, "summary.txt");
    for (int k = 0; k < 2; k++) {
        FILE *w = fopen(k ? history : plain, "w");
        assert_non_null(w);
        fprintf(w,
                "base = \"%s\";\nsimulation = { paths = 32; years = 5; quantiles = [0.05, 0.5, "
                "0.95]; };\n"
                "regions = ({ name = \"Testshire\"; code = \"419999\"; population_total = "
                "1000000.0;\n"
                "  district_share = 0.5; employee_share = ((0, 0.0), (18, 0.3), (60, 0.2));\n"
                "  categories = { extreme_poverty = 0.005; minimum_living = 0.03; rural_at_risk "
                "= 0.01; hardship = 0.01; };\n"
                "  opening_balance_yuan = -2000000000.0; serious_premium_yuan = 70.0; });\n%s",
                MINIMAL, k ? "calibration = { history_end_year = 2023; };\n" : "");
        fclose(w);
        char *argv[] = {"run", "--quiet", "--threads", "1", "-o", out[k], k ? history : plain,
                        NULL};
        assert_int_equal(run_command(cmd_run, argv), EXIT_OK);
    }
    double ab[2][5];
    assert_int_equal(first_at_risk(out[0], ab[0]), 2022);
    int first = first_at_risk(out[1], ab[1]);
    assert_true(first == 0 || first >= 2024);
    assert_int_equal(root_int(out[0], "history_end_year"), -1);
    assert_int_equal(root_int(out[1], "history_end_year"), 2023);
    /* the history years' actuarial balance is the same window; from 2024 the
     * window restarts, its opening balance the (negative) one at the end of 2023
     * instead of the scenario's: another figure */
    for (int y = 0; y < 2; y++)
        assert_true(ab[1][y] == ab[0][y]);
    assert_true(fabs(ab[1][2] - ab[0][2]) > 1e-3);

    /* the summary's text: history marked, the headline from 2024 */
    FILE *save = stdout;
    stdout = fopen(text_path, "w");
    assert_non_null(stdout);
    char *sargv[] = {"summary", out[1], NULL};
    int rc = run_command(cmd_summary, sargv);
    fclose(stdout);
    stdout = save;
    assert_int_equal(rc, EXIT_OK);
    FILE *in = fopen(text_path, "r");
    assert_non_null(in);
    char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, in);
    text[n] = '\0';
    fclose(in);
    assert_non_null(strstr(text, "the years 2022-2023 are history"));
    assert_non_null(strstr(text, "Actuarial balance 2024-2026 (province, median)"));
    assert_non_null(strstr(text, "First year of the projection with P(depl)"));
    assert_null(strstr(text, "  Testshire  2022"));
    assert_null(strstr(text, "  Testshire  2023"));

    /* two slices merged keep history_end_year and the same first year */
    char *s0[] = {"run", "--quiet", "--threads", "1", "--paths-from", "0", "--paths-to", "16",
                  "-o", half[0], history, NULL};
    char *s1[] = {"run", "--quiet", "--threads", "1", "--paths-from", "16", "--paths-to", "32",
                  "-o", half[1], history, NULL};
    assert_int_equal(run_command(cmd_run, s0), EXIT_OK);
    assert_int_equal(run_command(cmd_run, s1), EXIT_OK);
    char *margv[] = {"merge", "--quiet", "--threads", "1", "-o", merged, half[0], half[1], NULL};
    assert_int_equal(run_command(cmd_merge, margv), EXIT_OK);
    assert_int_equal(root_int(merged, "history_end_year"), 2023);
    double ab_merged[5];
    assert_int_equal(first_at_risk(merged, ab_merged), first);
    for (int y = 0; y < 5; y++)
        assert_true(ab_merged[y] == ab[1][y]);
}

static void test_without_actuals(void **state)
{
    (void)state;
    struct scenario s;
    load(&s);
    struct calibrate_options o = {.file = "minimal.cfg", .paths = PATHS, .threads = 1};
    struct calibrate_result r;
    struct diag d = {0};
    assert_int_equal(calibrate_fit(&s, &o, &r, &d), -1);
    assert_int_equal(diag_status(&d), DIAG_BAD);
    assert_string_equal(d.entries[0].path, "regions.actuals");
    assert_non_null(strstr(diag_last_text(&d), "no region has actuals"));
    diag_free(&d);

    struct actual before[1] = {{.year = 2021,
                                .enrollees = 1e6,
                                .income_yuan = NAN,
                                .expenditure_yuan = NAN,
                                .balance_yuan = NAN}};
    s.regions[0].actuals = before;
    s.regions[0].n_actuals = 1;
    assert_int_equal(calibrate_fit(&s, &o, &r, &d), -1);
    assert_non_null(strstr(diag_last_text(&d), "before simulation.start_year (2022)"));
    diag_free(&d);
    scenario_free(&s);
}

static int setup(void **state)
{
    return tmpdir_group_setup(state, "fundsim-calibrate");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_the_levels), cmocka_unit_test(test_variant_runs),
        cmocka_unit_test(test_backtest_ae),         cmocka_unit_test(test_backtest_file),
        cmocka_unit_test(test_without_actuals),
        cmocka_unit_test(test_history_not_projection),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_group_teardown);
}
