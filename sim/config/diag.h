/* diag.h: diagnostics collected while a scenario is read and checked.
 *
 * Loading never stops at the first problem: every check adds an entry and the
 * caller prints them all at the end, in the order they were found. An entry
 * carries the setting's full path ("policy.outpatient.annual_cap_yuan[2]"),
 * what was expected and where the setting was written ("henan-2022.cfg:141",
 * "--set", or nothing for a default). */
#ifndef FUNDSIM_DIAG_H
#define FUNDSIM_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct tree;

struct diag_entry {
    char *path;  /* setting path, or NULL for a problem with a whole file */
    char *text;  /* what is wrong */
    char *where; /* "file:line", "--set ...", or NULL */
};

struct diag {
    size_t n, cap;
    struct diag_entry *entries;
    bool no_memory; /* memory ran out: the entries may be incomplete */
};

#if defined(__GNUC__)
#define DIAG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DIAG_PRINTF(a, b)
#endif

/* A problem with the setting `at`: its path and location come from the tree. */
void diag_at(struct diag *d, const struct tree *at, const char *fmt, ...) DIAG_PRINTF(3, 4);
/* A problem at a place that is not a setting (a file, a line of a data file). */
void diag_loc(struct diag *d, const char *file, int line, const char *fmt, ...) DIAG_PRINTF(4, 5);
/* A problem with the setting at `path` (which may not exist), noticed at file:line. */
void diag_path(struct diag *d, const char *path, const char *file, int line, const char *fmt, ...)
    DIAG_PRINTF(5, 6);
void diag_print(FILE *out, const struct diag *d);
void diag_free(struct diag *d);

#endif
