/* test_run.c: whole runs (sim/run.c) into HDF5 files: the datasets are the
 * same bit for bit on 1, 2 and 4 threads; path k is the same in a run of 3
 * paths and in one of 70 (two blocks); a summaries-only file has no paths; and
 * a run that fails while writing leaves an existing file untouched and no
 * temporary file behind; a run whose quantiles' scratch files cannot fit
 * beside the output is refused at once; a run speaks only through the say
 * callback of its options, never on stdout or stderr itself. */
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/run.h"

#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "tmpdir.h"

#define HENAN FUNDSIM_SOURCE_DIR "/scenarios/henan-2022.cfg"
#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"

static void load(const char *file, const char *paths, const char *years, struct scenario *s)
{
    const struct setting_override sets[] = {{.key = "simulation.paths", .value = paths},
                                            {.key = "simulation.years", .value = years}};
    struct diag d = {0};
    if (scenario_load(file, sets, 2, s, &d) != 0) diag_print(stderr, &d);
    assert_int_equal(d.n, 0);
    diag_free(&d);
}

/* Runs; returns 0, or after a failure the exit status its diag gives (1 or 2). */
static int run(const struct scenario *s, const char *out, int threads, bool summary_only)
{
    struct run_options o = {.out_path = out, .threads = threads, .summary_only = summary_only};
    struct diag d = {0};
    int status = run_scenario(s, &o, &d) ? (int)diag_status(&d) : 0;
    if (status != 0) fprintf(stderr, "# run failed: %s\n", diag_last_text(&d));
    diag_free(&d);
    return status;
}

/* Reads a numeric dataset whole; returns its size in bytes (0 if not numeric). */
static size_t read_all(hid_t file, const char *name, void **buf)
{
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t t = H5Dget_type(d);
    H5T_class_t c = H5Tget_class(t);
    size_t n = 0;
    *buf = NULL;
    if (c == H5T_FLOAT || c == H5T_INTEGER) {
        hid_t native = H5Tget_native_type(t, H5T_DIR_ASCEND);
        hid_t space = H5Dget_space(d);
        n = (size_t)H5Sget_simple_extent_npoints(space) * H5Tget_size(native);
        *buf = malloc(n ? n : 1);
        assert_true(H5Dread(d, native, H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf) >= 0);
        H5Sclose(space);
        H5Tclose(native);
    }
    H5Tclose(t);
    H5Dclose(d);
    return n;
}

struct compare {
    hid_t other;
    int datasets;
};

static herr_t compare_one(hid_t file, const char *name, const H5O_info_t *info, void *data)
{
    struct compare *c = data;
    if (info->type != H5O_TYPE_DATASET) return 0;
    void *a, *b;
    size_t na = read_all(file, name, &a), nb = read_all(c->other, name, &b);
    if (na != nb || (na && memcmp(a, b, na) != 0)) {
        fprintf(stderr, "# %s differs\n", name);
        fail();
    }
    if (na) c->datasets++;
    free(a);
    free(b);
    return 0;
}

/* Every numeric dataset of `a` is in `b` with the same bytes. */
static int same_datasets(const char *a, const char *b)
{
    hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT),
          fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(fa >= 0 && fb >= 0);
    struct compare c = {.other = fb};
    assert_true(H5Ovisit(fa, H5_INDEX_NAME, H5_ITER_NATIVE, compare_one, &c) >= 0);
    H5Fclose(fa);
    H5Fclose(fb);
    return c.datasets;
}

static void test_threads(void **state)
{
    struct tmpdir_fixture *f = *state;
    struct scenario s;
    load(HENAN, "5", "2", &s); /* 2024's rules would double the tables to build */
    char one[128], two[128], four[128];
    tmpdir_path(one, sizeof one, f, "t1.h5");
    tmpdir_path(two, sizeof two, f, "t2.h5");
    tmpdir_path(four, sizeof four, f, "t4.h5");
    assert_int_equal(run(&s, one, 1, false), 0);
    assert_int_equal(run(&s, two, 2, false), 0);
    assert_int_equal(run(&s, four, 4, false), 0);
    int n = same_datasets(one, two);
    assert_int_equal(same_datasets(one, four), n);
    printf("# %d datasets identical on 1, 2 and 4 threads\n", n);
    assert_true(n > 40);
    scenario_free(&s);
}

/* Path k of a 3-path run equals path k of a 70-path run (blocks of 64). */
static void test_prefix(void **state)
{
    struct tmpdir_fixture *f = *state;
    struct scenario small, large;
    load(MINIMAL, "3", "2", &small); /* two years: one benefit table to build, not two */
    load(MINIMAL, "70", "2", &large);
    char a[128], b[128];
    tmpdir_path(a, sizeof a, f, "p3.h5");
    tmpdir_path(b, sizeof b, f, "p70.h5");
    assert_int_equal(run(&small, a, 2, false), 0);
    assert_int_equal(run(&large, b, 2, false), 0);
    hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT),
          fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    static const char *const names[] = {"/paths/income", "/paths/expenditure", "/paths/balance",
                                        "/paths/enrollees"};
    for (size_t i = 0; i < 4; i++) {
        double *x, *y;
        size_t nx = read_all(fa, names[i], (void **)&x), ny = read_all(fb, names[i], (void **)&y);
        assert_int_equal(nx, 3 * 2 * sizeof(double));
        assert_int_equal(ny, 70 * 2 * sizeof(double));
        assert_memory_equal(x, y, nx);
        assert_true(memcmp(y, y + 6, nx) != 0); /* paths differ from each other */
        free(x);
        free(y);
    }
    H5Fclose(fa);
    H5Fclose(fb);
    scenario_free(&small);
    scenario_free(&large);
}

static void test_summary_only(void **state)
{
    struct tmpdir_fixture *f = *state;
    struct scenario s;
    load(MINIMAL, "4", "2", &s);
    char a[128];
    tmpdir_path(a, sizeof a, f, "s.h5");
    assert_int_equal(run(&s, a, 2, true), 0);
    hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(fa >= 0);
    assert_true(H5Lexists(fa, "/paths", H5P_DEFAULT) <= 0);
    assert_true(H5Lexists(fa, "/summary", H5P_DEFAULT) > 0);
    H5Fclose(fa);
    scenario_free(&s);
}

/* A run that cannot write (a file size limit of 96 kB, as a full disk would)
 * fails with status 1, leaves the existing file as it was, no temporary file,
 * and its checkpoint of the paths finished; without the limit, --resume then
 * finishes the run, and the checkpoint goes. */
static void test_failed_write_keeps_file(void **state)
{
    (void)state;
    char dir[64], out[128];
    assert_int_equal(tmpdir_make(dir, sizeof dir, "test_run_fail"), 0);
    snprintf(out, sizeof out, "%s/kept.h5", dir);
    FILE *old = fopen(out, "w");
    fputs("the previous run's file", old);
    fclose(old);

    pid_t child = fork();
    if (child == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit limit = {96 * 1024, 96 * 1024};
        setrlimit(RLIMIT_FSIZE, &limit);
        struct scenario s;
        load(MINIMAL, "200", "3", &s);
        _exit(run(&s, out, 1, false));
    }
    int status;
    waitpid(child, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    char text[64] = "";
    FILE *kept = fopen(out, "r");
    assert_non_null(fgets(text, sizeof text, kept));
    fclose(kept);
    assert_string_equal(text, "the previous run's file");
    assert_int_equal(tmpdir_count_other(dir, "kept.h5"), 1);
    char ckpt[160];
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", out);
    assert_int_equal(tmpdir_count_other(ckpt, "lock") > 0, 1);

    struct scenario s;
    load(MINIMAL, "200", "3", &s);
    struct run_options o = {.out_path = out, .threads = 1, .resume = true};
    struct diag d = {0};
    assert_int_equal(run_scenario(&s, &o, &d), 0);
    assert_int_equal(tmpdir_count_other(dir, "kept.h5"), 0);
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Lexists(f, "/summary", H5P_DEFAULT) > 0);
    H5Fclose(f);
    diag_free(&d);
    scenario_free(&s);
    tmpdir_remove(dir);
}

/* Henan at 10^9 paths needs about 758 TB beside its output (the checkpoint's
 * 277.5 TB: 28 regions × 30 years × 41 + 30 × 8 doubles per path, and each of its
 * 15.6 million block files' last file system block, 0.1 TB; the quantiles'
 * 203 TB: 25 410 cells (29 variables × 30 years × 28 regions, 27 of the province
 * and 8 national ones × 30 years) × 8 bytes per path; the file itself 277 TB, the same
 * doubles as the checkpoint's and the path numbers of /paths and /paths/national,
 * with the whole sum in the "need"), more than any
 * test machine's disk: the run is refused before the engines are built, with
 * status 1, a message naming the paths and what takes the space, and nothing in
 * the folder. */
static void test_refused_without_scratch_space(void **state)
{
    (void)state;
    char dir[64], out[128];
    assert_int_equal(tmpdir_make(dir, sizeof dir, "test_run_space"), 0);
    snprintf(out, sizeof out, "%s/x.h5", dir);
    struct scenario s;
    load(HENAN, "1000000000", "30", &s);
    struct run_options o = {.out_path = out, .threads = 1};
    struct diag d = {0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(run_scenario(&s, &o, &d), -1);
    assert_int_equal(diag_status(&d), DIAG_FAILED);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("# %s\n", diag_last_text(&d));
    assert_true((double)(t1.tv_sec - t0.tv_sec) < 5);
    assert_non_null(strstr(diag_last_text(&d), "1000000000 paths"));
    assert_non_null(strstr(diag_last_text(&d), "need 758.2 TB beside"));
    assert_non_null(strstr(diag_last_text(&d),
                           "blocks 277.5 TB, the exact quantiles' scratch file 203.3 TB, "
                           "the file itself about 277.5 TB"));
    assert_non_null(strstr(diag_last_text(&d), dir));
    assert_int_equal(tmpdir_count_other(dir, NULL), 0);
    diag_free(&d);
    scenario_free(&s);
    tmpdir_remove(dir);
}

static int setup(void **state)
{
    return tmpdir_group_setup(state, "test_run");
}

/* What a run says through its callback. */
struct heard {
    int notes, warnings, progress;
    size_t done, all;
    bool built, wrote;
};

static void hear(void *ctx, enum say_level level, const char *text, const struct say_progress *p)
{
    struct heard *h = ctx;
    if (level == SAY_PROGRESS) {
        h->progress++, h->done = p->done, h->all = p->all;
        return;
    }
    h->notes += level == SAY_NOTE, h->warnings += level == SAY_WARNING;
    h->built |= strstr(text, "benefit tables built") != NULL;
    h->wrote |= strstr(text, "; wrote ") != NULL;
}

/* The library's one voice: a run's news (what runs, the tables built, what
 * was written) and its progress (a batch of 256 paths, then the last 44)
 * reach the callback, and nothing reaches stdout or stderr, which are files
 * here for the length of the run. */
static void test_speaks_through_say(void **state)
{
    struct tmpdir_fixture *f = *state;
    struct scenario s;
    load(MINIMAL, "300", "3", &s);
    char out[128], err_path[128], out_path[128];
    tmpdir_path(out, sizeof out, f, "said.h5");
    tmpdir_path(err_path, sizeof err_path, f, "stderr.txt");
    tmpdir_path(out_path, sizeof out_path, f, "stdout.txt");
    struct heard h = {0};
    struct run_options o = {.out_path = out, .threads = 2, .say = {.fn = hear, .ctx = &h}};
    struct diag d = {0};
    fflush(stdout), fflush(stderr);
    int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
    FILE *to_out = fopen(out_path, "w"), *to_err = fopen(err_path, "w");
    assert_non_null(to_out);
    assert_non_null(to_err);
    dup2(fileno(to_out), STDOUT_FILENO);
    dup2(fileno(to_err), STDERR_FILENO);
    int rc = run_scenario(&s, &o, &d);
    fflush(stdout), fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out), close(saved_err);
    long out_bytes = ftell(to_out), err_bytes = ftell(to_err);
    fclose(to_out), fclose(to_err);
    assert_int_equal(rc, 0);
    assert_int_equal(out_bytes, 0);
    assert_int_equal(err_bytes, 0);
    assert_true(h.built && h.wrote);
    assert_int_equal(h.notes, 3); /* the start, the tables, the end */
    assert_int_equal(h.warnings, 0);
    assert_int_equal(h.progress, 2);
    assert_int_equal(h.done, 300);
    assert_int_equal(h.all, 300);
    unlink(out), unlink(out_path), unlink(err_path);
    diag_free(&d);
    scenario_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_summary_only),
        cmocka_unit_test(test_failed_write_keeps_file),
        cmocka_unit_test(test_refused_without_scratch_space),
        cmocka_unit_test(test_speaks_through_say),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_group_teardown);
}
