/* test_inject.c: failures injected where a test cannot make them happen
 * otherwise (README.md, "Reliability and limits"). The linker's --wrap
 * (tests/meson.build) puts the wrappers below between the code linked
 * statically (sim/, models/, output/) and what it calls: the allocations of
 * libc and of GSL.
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
 */
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/run.h"

#include <gsl/gsl_interp.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>

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

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
gsl_matrix *__real_gsl_matrix_alloc(size_t n1, size_t n2);
gsl_vector *__real_gsl_vector_alloc(size_t n);
gsl_interp *__real_gsl_interp_alloc(const gsl_interp_type *t, size_t n);
gsl_interp_accel *__real_gsl_interp_accel_alloc(void);
gsl_rng *__real_gsl_rng_alloc(const gsl_rng_type *t);

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
    long n = heap.seen, every = heap.last_gsl + 64;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
