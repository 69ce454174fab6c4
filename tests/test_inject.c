/* test_inject.c: failures injected where a test cannot make them happen
 * otherwise (README.md, "Reliability and limits"). The linker's --wrap
 * (tests/meson.build) puts the wrappers below between the code linked
 * statically (sim/, models/, output/) and what it calls: the allocations of
 * libc (aligned_alloc too: the tables' slabs, models/bigmem.c) and of GSL, and
 * HDF5's H5Dopen2.
 *
 * Out of memory: building a scenario's engine (run_arm_create: the models,
 * the benefit tables, a thread's work state and the block buffers) with one
 * of its allocations failing either succeeds or fails with a runtime entry in
 * its diag (exit status 1): never an abort() (the models' UN-table fits and
 * splits used to call it), never a crash, never a scenario problem made up
 * from a failed allocation. Each allocation fails in turn up to a margin past
 * the models' last GSL allocation; after it, where every build computes the
 * benefit tables first, every 32nd and the last few. Leaks on these paths are
 * AddressSanitizer's to find.
 *
 * HDF5: the summaries' /warning/level names its levels in an attribute; a
 * failure to open the dataset for it is a failed write of the summaries, not
 * a file silently without the attribute. */
#include "output/h5out.h"
#include "output/summary.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/run.h"
#include "tmpdir.h"

#include <gsl/gsl_interp.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>
#include <hdf5.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"

/* The allocator's state: a test program's own, as the wrappers cannot take any. */
static struct {
    long seen;     /* allocations so far */
    long fail_at;  /* the allocation that fails (0 from the first), -1: none */
    long gsl;      /* GSL's allocations among those seen */
    long last_gsl; /* the number of the models' last (not a generator's) */
} heap = {0, -1, 0, -1};

/* The dataset whose H5Dopen2 fails, NULL for none. */
static const char *unopenable;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t alignment, size_t n);
gsl_matrix *__real_gsl_matrix_alloc(size_t n1, size_t n2);
gsl_vector *__real_gsl_vector_alloc(size_t n);
gsl_interp *__real_gsl_interp_alloc(const gsl_interp_type *t, size_t n);
gsl_interp_accel *__real_gsl_interp_accel_alloc(void);
gsl_rng *__real_gsl_rng_alloc(const gsl_rng_type *t);
hid_t __real_H5Dopen2(hid_t loc, const char *name, hid_t dapl);

static bool fails(void)
{
    return heap.seen++ == heap.fail_at;
}

void *__wrap_malloc(size_t n)
{
    return fails() ? NULL : __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size)
{
    return fails() ? NULL : __real_calloc(n, size);
}
void *__wrap_aligned_alloc(size_t alignment, size_t n) /* the tables' slabs: models/bigmem.c */
{
    return fails() ? NULL : __real_aligned_alloc(alignment, n);
}
void *__wrap_realloc(void *p, size_t n)
{
    return fails() ? NULL : __real_realloc(p, n);
}
gsl_matrix *__wrap_gsl_matrix_alloc(size_t n1, size_t n2)
{
    heap.gsl++, heap.last_gsl = heap.seen;
    return fails() ? NULL : __real_gsl_matrix_alloc(n1, n2);
}
gsl_vector *__wrap_gsl_vector_alloc(size_t n)
{
    heap.gsl++, heap.last_gsl = heap.seen;
    return fails() ? NULL : __real_gsl_vector_alloc(n);
}
gsl_interp *__wrap_gsl_interp_alloc(const gsl_interp_type *t, size_t n)
{
    heap.gsl++, heap.last_gsl = heap.seen;
    return fails() ? NULL : __real_gsl_interp_alloc(t, n);
}
gsl_interp_accel *__wrap_gsl_interp_accel_alloc(void)
{
    heap.gsl++, heap.last_gsl = heap.seen;
    return fails() ? NULL : __real_gsl_interp_accel_alloc();
}
gsl_rng *__wrap_gsl_rng_alloc(const gsl_rng_type *t)
{
    heap.gsl++; /* a work state's, after the tables */
    return fails() ? NULL : __real_gsl_rng_alloc(t);
}
hid_t __wrap_H5Dopen2(hid_t loc, const char *name, hid_t dapl)
{
    return unopenable && strcmp(name, unopenable) == 0 ? -1 : __real_H5Dopen2(loc, name, dapl);
}

/* Builds the arm with allocation `fail_at` failing (-1: none) on one thread
 * (the count of allocations is the test's alone). Returns whether it was
 * built; `d` says why not. */
static bool build(const struct scenario *s, long fail_at, struct diag *d)
{
    heap.seen = heap.gsl = 0;
    heap.last_gsl = -1;
    heap.fail_at = fail_at;
    struct run_arm *a = run_arm_create(s, 1, d);
    heap.fail_at = -1;
    run_arm_free(a);
    return a != NULL;
}

static void test_engine_out_of_memory(void **state)
{
    (void)state;
    struct scenario s;
    struct diag d = {0};
    assert_int_equal(scenario_load(MINIMAL, NULL, 0, &s, &d), 0);
    assert_true(build(&s, -1, &d));
    assert_int_equal(d.n, 0);
    long n = heap.seen, every = heap.last_gsl + 16;
    printf("# building the engine: %ld allocations, %ld of them GSL's, the models' last the "
           "%ld-th\n",
           n, heap.gsl, heap.last_gsl + 1);
    assert_true(heap.gsl >= 4); /* the wrappers see the fit's and the splits' */
    long failed = 0, tried = 0;
    for (long k = 0; k < n; k++) {
        if (k > every && k % 32 != 0 && k < n - 4) continue;
        tried++;
        if (!build(&s, k, &d)) {
            failed++;
            if (diag_status(&d) != DIAG_FAILED)
                fail_msg("allocation %ld failing: status %d, not a runtime failure: %s", k,
                         (int)diag_status(&d), diag_last_text(&d));
            if (!d.no_memory && !strstr(diag_last_text(&d), "out of memory"))
                fail_msg("allocation %ld failing: \"%s\" does not say out of memory", k,
                         diag_last_text(&d));
        } else {
            assert_int_equal(d.n, 0);
        }
        diag_free(&d);
    }
    printf("# with one of %ld of them failing, %ld builds said out of memory, %ld succeeded\n",
           tried, failed, tried - failed);
    assert_true(failed > 0);
    scenario_free(&s);
}

/* A file of 2 paths, 2 years and 1 region, its summaries written (returns
 * h5out_write_summary's result, `d` its message) and then abandoned. */
static int write_summary(const char *path, struct diag *d)
{
    const double levels[] = {0.05, 0.5, 0.95};
    const char *const names[] = {"Alpha"};
    const double opening[] = {1e8};
    struct h5out_meta m = {
        .version = "0.1.0",
        .scenario_name = "synthetic",
        .scenario_text = "",
        .random_generator = "philox4x64",
        .pooling = "city",
        .paths = 2,
        .scenario_paths = 2,
        .start_year = 2025,
        .years = 2,
        .regions = 1,
        .region_names = names,
        .opening_balance_yuan = opening,
        .n_quantiles = 3,
        .quantiles = levels,
        .summary_only = true,
    };
    struct summary_config c = {
        .start_year = 2025,
        .years = 2,
        .regions = 1,
        .paths = 2,
        .n_quantiles = 3,
        .quantiles = levels,
        .warning = {.insufficient_months = 3,
                    .low_months = 6,
                    .target_months = 9,
                    .excess_months = 15,
                    .depletion_probability = 0.05,
                    .max_balance_share = 0.5},
    };
    struct summary *s = summary_alloc(&c);
    struct record_block b;
    assert_non_null(s);
    assert_int_equal(record_block_alloc(&b, 2, 2, 1), 0);
    for (size_t p = 0; p < 2; p++)
        for (size_t y = 0; y < 2; y++) {
            double *r = record_at(&b, p, y, 0);
            for (size_t v = 0; v < N_VARS; v++)
                r[v] = 1e6 * (double)(1 + p + y + v);
        }
    struct h5out *o = h5out_create(path, &m, d);
    assert_non_null(o);
    assert_int_equal(summary_add(s, &b, d), 0);
    assert_int_equal(summary_finish(s, d), 0);
    int rc = h5out_write_summary(o, s, d);
    h5out_abort(o);
    record_block_free(&b);
    summary_free(s);
    return rc;
}

static void test_level_names_not_written(void **state)
{
    (void)state;
    char dir[64], path[128];
    assert_int_equal(tmpdir_make(dir, sizeof dir, "test_inject"), 0);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    struct diag d = {0};
    assert_int_equal(write_summary(path, &d), 0);
    unopenable = "level";
    int rc = write_summary(path, &d);
    unopenable = NULL;
    assert_int_equal(rc, -1);
    assert_int_equal(diag_status(&d), DIAG_FAILED);
    assert_non_null(strstr(diag_last_text(&d), "cannot write the levels of /warning/level"));
    assert_int_equal(tmpdir_count_other(dir, NULL), 0); /* the temporary file went */
    diag_free(&d);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_out_of_memory),
        cmocka_unit_test(test_level_names_not_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
