/* test_nomem.c: the scenario loader out of memory (README.md, "Reliability
 * and limits"). The loader's allocations (malloc, calloc, realloc, strdup,
 * strndup of the code linked statically: sim/, not libconfig or libc) go
 * through the wrappers below (the linker's --wrap, tests/meson.build), which
 * fail the n-th one: once (the next succeed again) or from then on (as under
 * `ulimit -v`). For every n up to the load's number of allocations, a load
 * either succeeds with the very scenario of a load that had all its memory,
 * or fails saying out of memory (d->no_memory): never a crash, never a
 * bad-scenario report made up from a failed allocation, never a scenario
 * that silently lost a setting. Leaks on these paths are AddressSanitizer's to find. */
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define VARIANT FUNDSIM_SOURCE_DIR "/tests/scenarios/variant-cap.cfg"
#define MANY_PROBLEMS FUNDSIM_SOURCE_DIR "/tests/scenarios/bad/many-problems.cfg"

/* The allocator's state: a test program's own, as the wrappers cannot take any. */
static struct {
    long seen;    /* allocations so far */
    long fail_at; /* the allocation that fails (0 from the first), -1: none */
    bool sticky;  /* every allocation from fail_at on fails */
    long used;    /* the allocations of the last load */
} heap = {0, -1, false, 0};

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static bool fails(void)
{
    long k = heap.seen++;
    return heap.fail_at >= 0 && (heap.sticky ? k >= heap.fail_at : k == heap.fail_at);
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
char *__wrap_strdup(const char *s)
{
    return fails() ? NULL : __real_strdup(s);
}
char *__wrap_strndup(const char *s, size_t n)
{
    return fails() ? NULL : __real_strndup(s, n);
}

/* A variant onto its base, with a --set and the typed value of an option. */
static const struct setting_override sets[] = {
    {.key = "policy.outpatient.annual_cap_yuan", .value = "((2020, 100.0), (2024, 600.0))"},
    {.key = "simulation.seed", .i = 3000000000LL, .origin = "--seed 3000000000"},
};
enum { N_SETS = sizeof sets / sizeof *sets };

/* What a load gave: the resolved scenario, or the problems as printed. */
static char *outcome(int status, const struct scenario *s, const struct diag *d)
{
    if (status == 0) return strdup(s->resolved_text);
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    diag_print(f, d);
    fclose(f);
    return text;
}

/* What a load that ran out of memory returns here: it failed with
 * d->no_memory set. */
enum { NO_MEMORY = -2 };

/* Loads `path` with allocation `fail_at` failing; returns scenario_load's
 * status, or NO_MEMORY. `*got` receives its outcome (the caller frees it). */
static int load(const char *path, long fail_at, bool sticky, char **got)
{
    struct diag d = {0};
    struct scenario s;
    heap.seen = 0;
    heap.fail_at = fail_at;
    heap.sticky = sticky;
    int status = scenario_load(path, sets, N_SETS, &s, &d);
    heap.fail_at = -1;
    heap.used = heap.seen;
    if (status != 0 && d.no_memory) status = NO_MEMORY;
    *got = status == NO_MEMORY ? NULL : outcome(status, &s, &d);
    if (status == 0) scenario_free(&s);
    diag_free(&d);
    return status;
}

/* Fails each allocation of loading `path` in turn: every load gives what a
 * load with all its memory gives (`want_status`), or says out of memory. */
static void every_allocation(const char *path, int want_status, bool sticky)
{
    char *want;
    assert_int_equal(load(path, -1, false, &want), want_status);
    long n = heap.used;
    assert_true(n > 100); /* the wrappers see the loader's allocations */
    long failed = 0;
    for (long k = 0; k < n; k++) {
        char *got;
        int status = load(path, k, sticky, &got);
        if (status != NO_MEMORY) {
            if (status != want_status || strcmp(got, want) != 0)
                fail_msg("allocation %ld failing%s: status %d, not %d or out of memory, and\n%s", k,
                         sticky ? " (and every later one)" : "", status, want_status, got);
        } else {
            failed++;
        }
        free(got);
    }
    printf("%s: %ld allocations; with one of them failing%s, %ld loads said out of memory and "
           "%ld gave the same %s\n",
           strrchr(path, '/') + 1, n, sticky ? " and every later one" : "", failed, n - failed,
           want_status ? "problems" : "scenario");
    assert_true(failed > 0);
    free(want);
}

static void test_one_allocation_fails(void **state)
{
    (void)state;
    every_allocation(VARIANT, 0, false);
}

static void test_memory_runs_out(void **state)
{
    (void)state;
    every_allocation(VARIANT, 0, true);
}

/* The problems are collected in allocated messages too. */
static void test_bad_scenario(void **state)
{
    (void)state;
    every_allocation(MANY_PROBLEMS, -1, false);
    every_allocation(MANY_PROBLEMS, -1, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_allocation_fails),
        cmocka_unit_test(test_memory_runs_out),
        cmocka_unit_test(test_bad_scenario),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
