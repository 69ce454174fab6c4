/* test_spill.c: the scratch file of per-path values and its quantiles
 * (output/spill.c). The quantiles are those of GSL's gsl_sort and
 * gsl_stats_quantile_from_sorted_data bit for bit, on cells of random values
 * with many ties, all equal, sorted and reversed, for 1 to 5001 paths in
 * blocks of uneven sizes, whatever the memory budget and the threads; the file
 * is unlinked as soon as it is opened; more paths than declared are refused; a
 * full disk (a file size limit) and a spill with no paths fail with a message
 * naming the folder; a level outside [0, 1], or NaN, is refused; more cells
 * than one read takes are read in pieces. */
#include "output/spill.h"
#include "sim/config/diag.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "tmpdir.h"

enum { CELLS = 6, N_LEVELS = 10 };
/* 0.5 falls on an order statistic for odd n (delta = 0); 0.001 and 0.999 on
 * the first and last intervals; 0.05 and 0.1 share theirs for small n. */
static const double levels[N_LEVELS] = {0.001, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999};
/* The blocks' sizes, in turn. */
static const size_t block_sizes[] = {1, 63, 64, 7, 2, 64, 30};

static uint64_t next(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Cell c's value of path k of n: 0 many ties (4 values), 1 all equal, 2 a
 * continuum with negative values, 3 ascending, 4 descending, 5 half zeros. */
static double value(size_t c, size_t k, size_t n, uint64_t *state)
{
    double u = (double)(next(state) >> 11) * 0x1p-53;
    switch (c) {
    case 0:
        return (double)(next(state) % 4) - 1.5;
    case 1:
        return 42.0;
    case 2:
        return (u - 0.3) * 1e9;
    case 3:
        return (double)k * 0.1;
    case 4:
        return (double)(n - k);
    default:
        return k % 2 ? 0.0 : u;
    }
}

/* values[c * n + k]: cell c, path k. */
static double *make_values(size_t n)
{
    double *x = malloc(CELLS * n * sizeof *x);
    assert_non_null(x);
    uint64_t state = 0x9e3779b97f4a7c15u + n;
    for (size_t k = 0; k < n; k++)
        for (size_t c = 0; c < CELLS; c++)
            x[c * n + k] = value(c, k, n, &state);
    return x;
}

/* Spills the n paths of `values` in blocks (block_sizes in turn) into `dir`. */
static struct spill *spill_values(const char *dir, const double *values, size_t n)
{
    struct diag dg = {0};
    struct spill *s = spill_open(dir, CELLS, n, &dg);
    assert_non_null(s);
    for (size_t first = 0, b = 0; first < n; b++) {
        size_t size = block_sizes[b % (sizeof block_sizes / sizeof *block_sizes)];
        if (size > n - first) size = n - first;
        double *stage = spill_stage(s, size);
        assert_non_null(stage);
        for (size_t c = 0; c < CELLS; c++)
            for (size_t i = 0; i < size; i++)
                stage[c * size + i] = values[c * n + first + i];
        assert_int_equal(spill_commit(s, &dg), 0);
        first += size;
    }
    assert_int_equal(spill_paths(s), n);
    diag_free(&dg);
    return s;
}

static void test_same_bits_as_sorting(void **state)
{
    (void)state;
    char dir[64];
    assert_int_equal(tmpdir_make(dir, sizeof dir, "test_spill"), 0);
    static const size_t counts[] = {1, 2, 3, 64, 1000, 5001};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        size_t n = counts[i];
        double *values = make_values(n);
        double want[CELLS * N_LEVELS];
        double *sorted = malloc(n * sizeof *sorted);
        assert_non_null(sorted);
        for (size_t c = 0; c < CELLS; c++) {
            memcpy(sorted, values + c * n, n * sizeof *sorted);
            gsl_sort(sorted, 1, n);
            for (size_t q = 0; q < N_LEVELS; q++)
                want[c * N_LEVELS + q] =
                    gsl_stats_quantile_from_sorted_data(sorted, 1, n, levels[q]);
        }
        free(sorted);
        struct spill *s = spill_values(dir, values, n);
        /* One cell at a time (a budget below one cell), three, all at once. */
        const size_t budgets[] = {1, 3 * 2 * n * sizeof(double), SIZE_MAX / 2};
        for (size_t b = 0; b < 3; b++)
            for (int threads = 1; threads <= 2; threads++) {
                double got[CELLS * N_LEVELS];
                struct diag dg = {0};
                memset(got, 0xff, sizeof got);
                assert_int_equal(
                    spill_quantiles(s, levels, N_LEVELS, got, budgets[b], threads, &dg), 0);
                assert_memory_equal(got, want, sizeof got);
            }
        spill_close(s);
        free(values);
    }
    tmpdir_remove(dir);
}

/* A quantile by hand: 4 paths 10, 40, 20, 30 in blocks of 3 and 1; the 0.5
 * quantile is 20 + 0.5 × (30 − 20) = 25, the 0.9 one 30 + 0.7 × (40 − 30) = 37. */
static void test_by_hand(void **state)
{
    (void)state;
    struct diag dg = {0};
    struct spill *s = spill_open(NULL, 1, 4, &dg);
    assert_non_null(s);
    double *b = spill_stage(s, 3);
    b[0] = 10, b[1] = 40, b[2] = 20;
    assert_int_equal(spill_commit(s, &dg), 0);
    b = spill_stage(s, 1);
    b[0] = 30;
    assert_int_equal(spill_commit(s, &dg), 0);
    const double at[2] = {0.5, 0.9};
    double got[2];
    assert_int_equal(spill_quantiles(s, at, 2, got, 0, 1, &dg), 0);
    assert_true(got[0] == 25);
    assert_true(got[1] > 37 - 1e-12 && got[1] < 37 + 1e-12);
    spill_close(s);
    diag_free(&dg);
}

static void test_file_unlinked(void **state)
{
    (void)state;
    char dir[64];
    struct diag dg = {0};
    assert_int_equal(tmpdir_make(dir, sizeof dir, "test_spill"), 0);
    struct spill *s = spill_open(dir, 3, 10, &dg);
    assert_non_null(s);
    assert_int_equal(tmpdir_count_other(dir, NULL), 0);
    double *b = spill_stage(s, 10);
    assert_non_null(b);
    for (size_t i = 0; i < 30; i++)
        b[i] = (double)i;
    assert_int_equal(spill_commit(s, &dg), 0);
    assert_int_equal(tmpdir_count_other(dir, NULL), 0);
    spill_close(s);
    tmpdir_remove(dir);
    assert_int_equal(spill_bytes(3, 10), 240);
    diag_free(&dg);
}

static void test_refusals(void **state)
{
    (void)state;
    struct diag dg = {0};
    struct spill *s = spill_open(NULL, 2, 5, &dg);
    assert_non_null(s);
    assert_int_equal(spill_quantiles(s, levels, N_LEVELS, (double[2 * N_LEVELS]){0}, 0, 1, &dg),
                     -1); /* no paths */
    assert_non_null(strstr(diag_last_text(&dg), "no paths"));
    assert_int_equal(spill_commit(s, &dg), -1); /* nothing staged */
    assert_null(spill_stage(s, 0));
    assert_null(spill_stage(s, 6)); /* 6 paths of 5 */
    assert_non_null(spill_stage(s, 3));
    assert_int_equal(spill_commit(s, &dg), 0);
    assert_null(spill_stage(s, 3)); /* 3 more of the 2 left */
    assert_non_null(spill_stage(s, 2));
    assert_int_equal(spill_commit(s, &dg), 0);
    assert_null(spill_stage(s, 1));
    assert_int_equal(spill_paths(s), 5);
    spill_close(s);

    diag_free(&dg);
    assert_null(spill_open("/nonexistent-fundsim-folder", 2, 5, &dg));
    assert_non_null(strstr(diag_last_text(&dg), "/nonexistent-fundsim-folder"));
    diag_free(&dg);
}

/* More cells than one read takes pieces (1024): 2,500 cells of 5 paths, in
 * blocks of 3 and 2, cell c's paths c + 4, c, c + 2, c + 1, c + 3: its median
 * is c + 2 and its 0.25 quantile c + 1, read whole or 7 cells at a time. */
static void test_many_cells(void **state)
{
    (void)state;
    enum { MANY = 2500 };
    static const double order[5] = {4, 0, 2, 1, 3};
    struct diag dg = {0};
    struct spill *s = spill_open(NULL, MANY, 5, &dg);
    assert_non_null(s);
    for (size_t first = 0; first < 5;) {
        size_t n = first == 0 ? 3 : 2;
        double *b = spill_stage(s, n);
        assert_non_null(b);
        for (size_t c = 0; c < MANY; c++)
            for (size_t i = 0; i < n; i++)
                b[c * n + i] = (double)c + order[first + i];
        assert_int_equal(spill_commit(s, &dg), 0);
        first += n;
    }
    const double at[2] = {0.5, 0.25};
    double *got = malloc(2 * MANY * sizeof *got);
    assert_non_null(got);
    const size_t budgets[] = {0, 7 * 5 * sizeof(double)};
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(spill_quantiles(s, at, 2, got, budgets[k], 2, &dg), 0);
        for (size_t c = 0; c < MANY; c++) {
            assert_true(got[2 * c] == (double)c + 2);
            assert_true(got[2 * c + 1] == (double)c + 1);
        }
    }
    free(got);
    spill_close(s);
    diag_free(&dg);
}

/* Levels outside [0, 1] or NaN (a damaged file's, through `fundsim merge`)
 * are refused: they would index outside the paths (1e6: a crash, 5: a read
 * beyond the column). 0 and 1 are the smallest and the largest value, and the
 * levels may come in any order. */
static void test_levels(void **state)
{
    (void)state;
    struct diag dg = {0};
    struct spill *s = spill_open(NULL, 1, 4, &dg);
    assert_non_null(s);
    double *b = spill_stage(s, 4);
    b[0] = 10, b[1] = 40, b[2] = 20, b[3] = 30;
    assert_int_equal(spill_commit(s, &dg), 0);
    const double bad[] = {5.0, 1e6, -0.25, NAN, 1 + 1e-15, -INFINITY};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        double at[2] = {0.5, bad[k]}, got[2] = {0};
        diag_free(&dg);
        assert_int_equal(spill_quantiles(s, at, 2, got, 0, 1, &dg), -1);
        assert_non_null(strstr(diag_last_text(&dg), "is not in [0, 1]"));
    }
    const double at[4] = {1, 0, 0.5, 0};
    double got[4];
    assert_int_equal(spill_quantiles(s, at, 4, got, 0, 1, &dg), 0);
    assert_true(got[0] == 40 && got[1] == 10 && got[2] == 25 && got[3] == 10);
    spill_close(s);
    diag_free(&dg);
}

/* Under a file size limit of 4 kB (as a full disk), a 51 200-byte block fails
 * with a message naming the folder; the limit and SIGXFSZ are restored. */
static void test_full_disk(void **state)
{
    (void)state;
    char dir[64];
    struct diag dg = {0};
    assert_int_equal(tmpdir_make(dir, sizeof dir, "test_spill"), 0);
    struct spill *s = spill_open(dir, 100, 64, &dg);
    assert_non_null(s);
    double *b = spill_stage(s, 64);
    assert_non_null(b);
    for (size_t i = 0; i < 6400; i++)
        b[i] = (double)i;

    struct rlimit old, small = {4096, 4096};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small.rlim_max = old.rlim_max;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    int rc = spill_commit(s, &dg);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);

    assert_int_equal(rc, -1);
    printf("# %s\n", diag_last_text(&dg));
    assert_non_null(strstr(diag_last_text(&dg), dir));
    assert_non_null(strstr(diag_last_text(&dg), "51200 more bytes"));
    spill_close(s);
    tmpdir_remove(dir);
    diag_free(&dg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bits_as_sorting),
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_file_unlinked),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_many_cells),
        cmocka_unit_test(test_full_disk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
