/* test_compare.c: `fundsim compare` (sim/cli/cmd_run.c, sim/run.c, output/h5diff.c)
 * on tests/scenarios/minimal.cfg:
 *   - null variants, one changing nothing and one changing a rule only after the
 *     horizon, give exactly zero difference in every path and statistic;
 *   - a real variant's per-path differences are, bit for bit, the difference
 *     of two separate runs of the variant and of the base (the comparison adds
 *     common random numbers, not different numbers), and the base's own
 *     datasets are those of a plain run;
 *   - common random numbers cut the variance of the final year's balance
 *     difference at least tenfold against independent streams (--independent);
 *   - variants that cannot be compared are refused with exit status 2. */
#include "output/diffsum.h"
#include "output/record.h"
#include "sim/cli/cli.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "tmpdir.h"

#define SCENARIOS FUNDSIM_SOURCE_DIR "/tests/scenarios/"

/* Calls a subcommand as main() would (getopt restarted). */
static int call(int (*cmd)(int, char **), const char *const *args)
{
    int argc = 0;
    while (args[argc])
        argc++;
    optind = 0;
    return cmd(argc, (char **)args);
}

/* A dataset's doubles; *n receives their count. */
static double *read_doubles(const char *file, const char *name, size_t *n)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) fprintf(stderr, "# no dataset %s in %s\n", name, file);
    assert_true(d >= 0);
    hid_t space = H5Dget_space(d);
    *n = (size_t)H5Sget_simple_extent_npoints(space);
    double *v = malloc(*n * sizeof *v);
    assert_non_null(v);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
    return v;
}

/* Every dataset of the variant's /diff group that must be zero for a null variant. */
static void assert_all_zero(const char *file, const char *variant)
{
    char name[256];
    size_t n;
    for (size_t k = 0; k < diffsum_n_vars; k++) {
        const char *v = var_info[diffsum_vars[k]].name;
        static const char *const stats[] = {"mean", "ci_low", "ci_high", "variance"};
        snprintf(name, sizeof name, "/diff/%s/%s", variant, v);
        double *x = read_doubles(file, name, &n);
        for (size_t i = 0; i < n; i++)
            assert_true(x[i] == 0.0);
        free(x);
        for (size_t s = 0; s < sizeof stats / sizeof *stats; s++) {
            snprintf(name, sizeof name, "/diff/%s/summary/province/%s_%s", variant, v, stats[s]);
            x = read_doubles(file, name, &n);
            for (size_t i = 0; i < n; i++)
                assert_true(x[i] == 0.0);
            free(x);
        }
    }
    static const char *const warning[] = {"p_better", "p_worse", "delta_p_depleted",
                                          "delta_p_depleted_ci_low", "delta_p_depleted_ci_high"};
    for (size_t s = 0; s < sizeof warning / sizeof *warning; s++) {
        snprintf(name, sizeof name, "/diff/%s/warning/%s", variant, warning[s]);
        double *x = read_doubles(file, name, &n);
        for (size_t i = 0; i < n; i++)
            assert_true(x[i] == 0.0);
        free(x);
    }
}

static void test_null_variants(void **state)
{
    struct tmpdir_fixture *f = *state;
    char out[128];
    tmpdir_path(out, sizeof out, f, "null.h5");
    const char *args[] = {"compare",
                          "--quiet",
                          "--threads",
                          "2",
                          "--paths",
                          "70",
                          "-o",
                          out,
                          SCENARIOS "minimal.cfg",
                          SCENARIOS "null-variant.cfg",
                          SCENARIOS "late-variant.cfg",
                          NULL};
    assert_int_equal(call(cmd_compare, args), 0);
    assert_all_zero(out, "null");
    assert_all_zero(out, "late");
    /* ... while the paths themselves differ from each other and from zero. */
    size_t n;
    double *b = read_doubles(out, "/paths/balance", &n);
    assert_int_equal(n, 70 * 3);
    assert_true(b[0] != b[3] && b[0] != 0);
    free(b);
}

static void test_differences_are_of_runs(void **state)
{
    struct tmpdir_fixture *f = *state;
    char cmp[128], base[128], variant[128];
    tmpdir_path(cmp, sizeof cmp, f, "cmp.h5");
    tmpdir_path(base, sizeof base, f, "base.h5");
    tmpdir_path(variant, sizeof variant, f, "variant.h5");
    const char *c[] = {"compare",
                       "--quiet",
                       "--threads",
                       "2",
                       "--paths",
                       "9",
                       "--set",
                       "simulation.years=4",
                       "-o",
                       cmp,
                       SCENARIOS "minimal.cfg",
                       SCENARIOS "cap-600.cfg",
                       NULL};
    const char *rb[] = {"run",
                        "--quiet",
                        "--threads",
                        "2",
                        "--paths",
                        "9",
                        "--set",
                        "simulation.years=4",
                        "-o",
                        base,
                        SCENARIOS "minimal.cfg",
                        NULL};
    const char *rv[] = {"run",
                        "--quiet",
                        "--threads",
                        "2",
                        "--paths",
                        "9",
                        "--set",
                        "simulation.years=4",
                        "-o",
                        variant,
                        SCENARIOS "cap-600.cfg",
                        NULL};
    assert_int_equal(call(cmd_compare, c), 0);
    assert_int_equal(call(cmd_run, rb), 0);
    assert_int_equal(call(cmd_run, rv), 0);
    size_t nonzero = 0;
    for (size_t k = 0; k < diffsum_n_vars; k++) {
        char name[128];
        const char *v = var_info[diffsum_vars[k]].name;
        snprintf(name, sizeof name, "/paths/%s", v);
        size_t n, nb, nv, nc;
        double *xb = read_doubles(base, name, &nb), *xv = read_doubles(variant, name, &nv);
        double *xc = read_doubles(cmp, name, &nc);
        snprintf(name, sizeof name, "/diff/cap-600/%s", v);
        double *d = read_doubles(cmp, name, &n);
        assert_int_equal(n, 9 * 4);
        assert_int_equal(nb, n);
        assert_int_equal(nv, n);
        assert_int_equal(nc, n);
        for (size_t i = 0; i < n; i++) {
            assert_true(xc[i] == xb[i]);
            assert_true(d[i] == xv[i] - xb[i]);
            nonzero += d[i] != 0;
        }
        free(xb);
        free(xv);
        free(xc);
        free(d);
    }
    assert_true(nonzero > 9 * 2); /* 2024 and 2025 differ in every path */
    /* The cap binds only from 2024: 2022 and 2023 are the same in every path. */
    size_t n;
    double *d = read_doubles(cmp, "/diff/cap-600/fund_outpatient", &n);
    for (size_t p = 0; p < 9; p++) {
        assert_true(d[p * 4] == 0 && d[p * 4 + 1] == 0);
        assert_true(d[p * 4 + 2] > 0 && d[p * 4 + 3] > 0);
    }
    free(d);
}

static void test_variance_reduction(void **state)
{
    struct tmpdir_fixture *f = *state;
    char out[128];
    tmpdir_path(out, sizeof out, f, "indep.h5");
    const char *args[] = {"compare",
                          "--quiet",
                          "--summary-only",
                          "--independent",
                          "--threads",
                          "2",
                          "--paths",
                          "40",
                          "--set",
                          "simulation.years=6",
                          "-o",
                          out,
                          SCENARIOS "minimal.cfg",
                          SCENARIOS "cap-600.cfg",
                          NULL};
    assert_int_equal(call(cmd_compare, args), 0);
    size_t n, ni, nm;
    const char *g = "/diff/cap-600/summary/province/";
    char name[128];
    snprintf(name, sizeof name, "%sbalance_variance", g);
    double *var = read_doubles(out, name, &n);
    snprintf(name, sizeof name, "%sbalance_variance_independent", g);
    double *est = read_doubles(out, name, &ni);
    snprintf(name, sizeof name, "%sbalance_variance_independent_measured", g);
    double *meas = read_doubles(out, name, &nm);
    assert_int_equal(n, 6);
    assert_int_equal(ni, 6);
    assert_int_equal(nm, 6);
    double by_estimate = est[5] / var[5], measured = meas[5] / var[5];
    printf("# variance reduction, final year, province balance: %.1f (estimated), %.1f "
           "(measured with --independent)\n",
           by_estimate, measured);
    assert_true(var[5] > 0);
    assert_true(by_estimate >= 10);
    assert_true(measured >= 10);
    /* Both estimate the same variance: within a factor 2 on 40 paths (the F
     * distribution's 99.9 % range for 39 and 39 degrees of freedom is about 0.36-2.8
     * for one variance; Var(base) + Var(variant) is steadier). */
    assert_true(meas[5] / est[5] > 0.33 && meas[5] / est[5] < 3);
    free(var);
    free(est);
    free(meas);
}

static void test_refused(void **state)
{
    struct tmpdir_fixture *f = *state;
    char out[128];
    tmpdir_path(out, sizeof out, f, "refused.h5");
    const char *years[] = {
        "compare", "--quiet", "-o", out, SCENARIOS "minimal.cfg", SCENARIOS "other-years.cfg",
        NULL};
    const char *same[] = {
        "compare", "--quiet", "-o", out, SCENARIOS "minimal.cfg", SCENARIOS "minimal.cfg", NULL};
    const char *twice[] = {"compare",
                           "--quiet",
                           "-o",
                           out,
                           SCENARIOS "minimal.cfg",
                           SCENARIOS "cap-600.cfg",
                           SCENARIOS "cap-600.cfg",
                           NULL};
    const char *one_path[] = {"compare",
                              "--quiet",
                              "--paths",
                              "1",
                              "-o",
                              out,
                              SCENARIOS "minimal.cfg",
                              SCENARIOS "cap-600.cfg",
                              NULL};
    const char *no_variant[] = {"compare", "--quiet", "-o", out, SCENARIOS "minimal.cfg", NULL};
    assert_int_equal(call(cmd_compare, years), 2);
    assert_int_equal(call(cmd_compare, same), 2);
    assert_int_equal(call(cmd_compare, twice), 2);
    assert_int_equal(call(cmd_compare, one_path), 2);
    assert_int_equal(call(cmd_compare, no_variant), 2);
    assert_int_equal(tmpdir_count_other(f->dir, NULL), 0);
}

static int setup(void **state)
{
    return tmpdir_group_setup(state, "fundsim-compare");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_null_variants),
        cmocka_unit_test(test_differences_are_of_runs),
        cmocka_unit_test(test_variance_reduction),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_group_teardown);
}
