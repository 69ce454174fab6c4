/* test_merge.c: `fundsim merge` (sim/merge.c, output/h5slice.c). A synthetic
 * run of 300 paths, 4 years and 3 regions is written with h5out as a whole and
 * as slices [0, 100), [100, 230), [230, 300) (ends not on blocks of 64), each
 * with the summaries of its own paths; the slices merged in shuffled order must
 * give the whole run's file, every dataset and attribute bit for bit
 * (tests/h5same.py). The values are scrambled per cell and not exact in
 * binary, so that the means depend on the order of the sums, and a third of
 * the balances are negative, so that the warning and depletion summaries are
 * not trivial. Then the refusals: a gap, an overlap, another seed, a
 * comparison's file, a summary-only file, a NaN; each leaves an existing
 * output untouched and no file behind. */
#include "output/h5out.h"
#include "output/summary.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/merge.h"
#include "sim/run.h"

#include <getopt.h>
#include <hdf5.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tmpdir.h"

enum { P = 300, Y = 4, R = 3, Q = 5, START = 2025, SEED = 42 };
static const double levels[Q] = {0.05, 0.25, 0.5, 0.75, 0.95};
static const char *const names[R] = {"zhengzhou", "kaifeng", "luoyang"};
static const char *const names_zh[R] = {"郑州市", "开封市", "洛阳市"};
static const char *const codes[R] = {"410100", "410200", "410300"};
static const double opening_yuan[R] = {1.5e9, 0.75e9, 1e9};

/* A scrambled number 0 .. 999 of the cell, so that the values' order is not the paths'. */
static double cell(size_t p, size_t y, size_t r, size_t v)
{
    return (double)((p * 2654435761u + y * 40503u + r * 9973u + v * 131u) % 1000u);
}

static double value(size_t p, size_t y, size_t r, size_t v)
{
    double h = cell(p, y, r, v);
    switch (v) {
    case VAR_BALANCE:
        return (h - 300) * 1e6; /* below 0 on 30 % of the path-years */
    case VAR_MONTHS:
        return (h - 300) / 40;
    case VAR_SURPLUS:
        return (h - 400) * 1e5 / 3;
    default:
        return h * 1e3 / 7 + (double)v;
    }
}

/* What a test file is: paths from .. to - 1, as a slice or a whole run. */
struct spec {
    const char *name;
    size_t from, to;
    bool slice, summary_only;
    long long seed;
    size_t nan_path; /* a NaN balance on this path (0: none) */
    bool diff;       /* with a /diff group, as `fundsim compare` writes */
};

static void fill_block(struct record_block *b, size_t first, size_t n, size_t nan_path)
{
    b->first_path = first;
    b->n_paths = n;
    for (size_t p = 0; p < n; p++)
        for (size_t y = 0; y < Y; y++) {
            for (size_t r = 0; r < R; r++)
                for (size_t v = 0; v < N_VARS; v++)
                    record_at(b, p, y, r)[v] = value(first + p, y, r, v);
            for (size_t v = 0; v < N_NVARS; v++)
                record_national(b, p, y)[v] = (double)((first + p) * 7 + y * 3 + v) / 3;
        }
    if (nan_path && nan_path >= first && nan_path < first + n)
        record_at(b, nan_path - first, 2, 1)[VAR_BALANCE] = NAN;
}

/* Writes the file as a run (or a slice's run) does: blocks of 64 from its
 * first path, into the summaries of its own paths and the file. */
static void write_file(const char *dir, const struct spec *sp)
{
    char path[256];
    struct diag dg = {0};
    snprintf(path, sizeof path, "%s/%s", dir, sp->name);
    struct h5out_meta m = {
        .version = "0.1.0",
        .scenario_name = "synthetic",
        .scenario_text = "simulation = { paths = 300; seed = 42; };\n",
        .random_generator = "philox4x64",
        .pooling = "city",
        .seed = sp->seed,
        .paths = sp->to - sp->from,
        .first_path = sp->from,
        .slice = sp->slice,
        .scenario_paths = P,
        .start_year = START,
        .years = Y,
        .regions = R,
        .region_names = names,
        .region_names_zh = names_zh,
        .region_codes = codes,
        .opening_balance_yuan = opening_yuan,
        .n_quantiles = Q,
        .quantiles = levels,
        .summary_only = sp->summary_only,
    };
    struct summary_config c = {
        .start_year = START,
        .years = Y,
        .regions = R,
        .first_path = sp->from,
        .paths = sp->to - sp->from,
        .n_quantiles = Q,
        .quantiles = levels,
        .warning = {3, 6, 12, 15, 0.05, 1.5},
        .scratch_dir = dir,
        .threads = 1,
    };
    struct summary *s = summary_alloc(&c);
    struct h5out *o = h5out_create(path, &m, &dg);
    struct record_block b;
    assert_non_null(s);
    if (!o) fail_msg("%s", diag_last_text(&dg));
    assert_int_equal(record_block_alloc(&b, RECORD_BLOCK_PATHS, Y, R), 0);
    for (size_t first = sp->from; first < sp->to; first += RECORD_BLOCK_PATHS) {
        size_t n = sp->to - first < RECORD_BLOCK_PATHS ? sp->to - first : RECORD_BLOCK_PATHS;
        fill_block(&b, first, n, sp->nan_path);
        assert_int_equal(summary_add(s, &b, &dg), 0);
        assert_int_equal(h5out_write_block(o, &b, &dg), 0);
    }
    assert_int_equal(summary_finish(s, &dg), 0);
    assert_int_equal(h5out_write_summary(o, s, &dg), 0);
    if (h5out_commit(o, &dg)) fail_msg("%s", diag_last_text(&dg));
    record_block_free(&b);
    summary_free(s);
    if (!sp->diff) return;
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "diff", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0 && g >= 0);
    H5Gclose(g);
    H5Fclose(f);
    diag_free(&dg);
}

static const struct spec files[] = {
    {.name = "whole.h5", .to = P, .seed = SEED},
    {.name = "whole-so.h5", .to = P, .seed = SEED, .summary_only = true},
    {.name = "a.h5", .to = 100, .slice = true, .seed = SEED},
    {.name = "b.h5", .from = 100, .to = 230, .slice = true, .seed = SEED},
    {.name = "c.h5", .from = 230, .to = P, .slice = true, .seed = SEED},
    {.name = "x.h5", .from = 200, .to = 260, .slice = true, .seed = SEED},
    {.name = "c7.h5", .from = 230, .to = P, .slice = true, .seed = 7},
    {.name = "a-diff.h5", .to = 100, .slice = true, .seed = SEED, .diff = true},
    {.name = "c-so.h5", .from = 230, .to = P, .slice = true, .seed = SEED, .summary_only = true},
    {.name = "c-nan.h5", .from = 230, .to = P, .slice = true, .seed = SEED, .nan_path = 250},
};
enum { N_FILES = sizeof files / sizeof *files };

static int group_setup(void **state)
{
    if (tmpdir_group_setup(state, "test_merge")) return -1;
    const struct tmpdir_fixture *f = *state;
    for (size_t k = 0; k < N_FILES; k++)
        write_file(f->dir, &files[k]);
    return 0;
}

/* The exit status of tests/h5same.py A B (0: the same). */
static int h5same(const struct tmpdir_fixture *f, const char *a, const char *b)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/h5same.py %s/%s %s/%s >/dev/null",
             FUNDSIM_SOURCE_DIR, f->dir, a, f->dir, b);
    return system(cmd);
}

/* Merges the named files of the fixture's folder into `out` there; returns
 * merge_files' result. */
static int merge(const struct tmpdir_fixture *f, const char *out, const char *const *in, size_t n,
                 bool summary_only, struct diag *dg)
{
    char out_path[256], paths[8][256];
    const char *p[8];
    assert_true(n <= 8);
    snprintf(out_path, sizeof out_path, "%s/%s", f->dir, out);
    for (size_t k = 0; k < n; k++) {
        snprintf(paths[k], sizeof paths[k], "%s/%s", f->dir, in[k]);
        p[k] = paths[k];
    }
    struct merge_options o = {.summary_only = summary_only, .threads = 2};
    return merge_files(out_path, p, n, &o, dg);
}

static void test_slices_in_any_order(void **state)
{
    const struct tmpdir_fixture *f = *state;
    struct diag dg = {0};
    const char *in[] = {"c.h5", "a.h5", "b.h5"};
    if (merge(f, "merged.h5", in, 3, false, &dg)) fail_msg("%s", diag_last_text(&dg));
    assert_int_equal(h5same(f, "whole.h5", "merged.h5"), 0);
    /* the comparison does see a difference */
    assert_int_not_equal(h5same(f, "whole.h5", "a.h5"), 0);
    assert_int_equal(tmpdir_count_other(f->dir, NULL), N_FILES + 1);
    diag_free(&dg);
}

static void test_summary_only(void **state)
{
    const struct tmpdir_fixture *f = *state;
    struct diag dg = {0};
    const char *in[] = {"b.h5", "c.h5", "a.h5"};
    if (merge(f, "merged-so.h5", in, 3, true, &dg)) fail_msg("%s", diag_last_text(&dg));
    assert_int_equal(h5same(f, "whole-so.h5", "merged-so.h5"), 0);
    diag_free(&dg);
}

static void test_whole_run_is_a_slice(void **state)
{
    const struct tmpdir_fixture *f = *state;
    struct diag dg = {0};
    const char *in[] = {"whole.h5"};
    if (merge(f, "copy.h5", in, 1, false, &dg)) fail_msg("%s", diag_last_text(&dg));
    assert_int_equal(h5same(f, "whole.h5", "copy.h5"), 0);
    diag_free(&dg);
}

/* A merge that must fail with the exit status `status` (1 or 2: diag_status)
 * and a message holding `want` and `want2`, leaving the existing output as it
 * was and no file behind. */
static void refused(const struct tmpdir_fixture *f, const char *const *in, size_t n, int status,
                    const char *want, const char *want2)
{
    char out[256], text[16] = "";
    struct diag dg = {0};
    snprintf(out, sizeof out, "%s/old.h5", f->dir);
    FILE *o = fopen(out, "w");
    assert_non_null(o);
    fputs("old\n", o);
    fclose(o);
    int before = tmpdir_count_other(f->dir, NULL);
    assert_int_equal(merge(f, "old.h5", in, n, false, &dg), -1);
    assert_int_equal(diag_status(&dg), status);
    if (!strstr(diag_last_text(&dg), want) || !strstr(diag_last_text(&dg), want2))
        fail_msg("\"%s\" lacks \"%s\" or \"%s\"", diag_last_text(&dg), want, want2);
    assert_int_equal(tmpdir_count_other(f->dir, NULL), before);
    o = fopen(out, "r");
    assert_non_null(o);
    assert_non_null(fgets(text, sizeof text, o));
    fclose(o);
    assert_string_equal(text, "old\n");
    diag_free(&dg);
}

static void test_gaps(void **state)
{
    const char *gap[] = {"c.h5", "a.h5"}, *end[] = {"b.h5", "a.h5"}, *start[] = {"c.h5", "b.h5"};
    refused(*state, gap, 2, 2, "paths 100-229 are missing", "the run has paths 0-299");
    refused(*state, end, 2, 2, "paths 230-299 are missing", "no file holds them");
    refused(*state, start, 2, 2, "paths 0-99 are missing", "");
}

static void test_overlaps(void **state)
{
    const char *x[] = {"a.h5", "x.h5", "c.h5", "b.h5"}, *whole[] = {"b.h5", "whole.h5"},
               *twice[] = {"a.h5", "b.h5", "c.h5", "c.h5"};
    refused(*state, x, 4, 2, "b.h5 (paths 100-229) and ",
            "x.h5 (paths 200-259) overlap: paths 200-229 are in both");
    refused(*state, whole, 2, 2, "whole.h5 (paths 0-299) and ",
            "b.h5 (paths 100-229) overlap: paths 100-229 are in both");
    refused(*state, twice, 4, 2, "overlap: paths 230-299 are in both", "c.h5 (paths 230-299) and");
}

static void test_other_run(void **state)
{
    const char *seed[] = {"a.h5", "b.h5", "c7.h5"};
    refused(*state, seed, 3, 2, "c7.h5: the seed differs from ", "a.h5's (7, not 42)");
}

static void test_unmergeable_files(void **state)
{
    const char *diff[] = {"b.h5", "a-diff.h5", "c.h5"}, *so[] = {"a.h5", "b.h5", "c-so.h5"},
               *nan[] = {"a.h5", "b.h5", "c-nan.h5"}, *none[] = {"a.h5", "none.h5"};
    refused(*state, diff, 3, 1, "a-diff.h5: a comparison's file", "not supported");
    refused(*state, so, 3, 1, "c-so.h5: written with --summary-only", "no paths");
    /* found after the new file was begun: it is removed */
    refused(*state, nan, 3, 1, "c-nan.h5: balance is NaN in kaifeng in 2027 on path 250", "");
    refused(*state, none, 2, 1, "cannot open ", "none.h5");
}

/* The command line: its status, and the file of `fundsim merge -o OUT c b a`. */
static void test_command(void **state)
{
    const struct tmpdir_fixture *f = *state;
    char out[256], a[256], b[256], c[256];
    snprintf(out, sizeof out, "%s/cli.h5", f->dir);
    snprintf(a, sizeof a, "%s/a.h5", f->dir);
    snprintf(b, sizeof b, "%s/b.h5", f->dir);
    snprintf(c, sizeof c, "%s/c.h5", f->dir);
    char *ok[] = {"merge", "--quiet", "--threads", "1", "-o", out, c, b, a, NULL};
    char *no_out[] = {"merge", "--quiet", a, b, c, NULL};
    char *gap[] = {"merge", "--quiet", "-o", out, a, c, NULL};
    char *bad_threads[] = {"merge", "--threads", "0", "-o", out, a, b, c, NULL};
    optind = 0;
    assert_int_equal(cmd_merge(9, ok), EXIT_OK);
    assert_int_equal(h5same(f, "whole.h5", "cli.h5"), 0);
    optind = 0;
    assert_int_equal(cmd_merge(5, no_out), EXIT_USAGE);
    optind = 0;
    assert_int_equal(cmd_merge(6, gap), EXIT_USAGE);
    optind = 0;
    assert_int_equal(cmd_merge(8, bad_threads), EXIT_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slices_in_any_order),
        cmocka_unit_test(test_summary_only),
        cmocka_unit_test(test_whole_run_is_a_slice),
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_overlaps),
        cmocka_unit_test(test_other_run),
        cmocka_unit_test(test_unmergeable_files),
        cmocka_unit_test(test_command),
    };
    return cmocka_run_group_tests(tests, group_setup, tmpdir_group_teardown);
}
