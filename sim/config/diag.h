/* diag.h: diagnostics: the one channel through which a function that can fail
 * says why.
 *
 * A function that can fail takes a `struct diag *` (last, or before its
 * options), returns 0 or -1 (or a pointer or NULL), and on failure has added
 * an entry: never printed, never a char buffer. The caller adds to the same
 * diag or hands it up; only the command line prints it. Each entry has a kind,
 * and the kinds give the process its exit status (diag_status): a problem of
 * the input (the scenario, or what was asked) is 2, a failure of the work
 * (memory, I/O, a value not finite, a stop) is 1.
 *
 * Loading a scenario never stops at the first problem: every check adds an
 * entry and the caller prints them all at the end, in the order they were
 * found. A scenario entry carries the setting's full path
 * ("policy.outpatient.annual_cap_yuan[2]"), what was expected and where the
 * setting was written ("henan-2022.cfg:141", "--set", or nothing for a
 * default). The other kinds are one sentence, printed after "fundsim
 * COMMAND: ". */
#ifndef FUNDSIM_DIAG_H
#define FUNDSIM_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct tree;

enum diag_kind {
    DIAG_SCENARIO, /* the scenario: a setting, a file, a line of a data file */
    DIAG_USAGE,    /* what was asked cannot be done as asked: an option, the files given */
    DIAG_RUNTIME,  /* the work failed: memory, I/O, a value not finite, a stop asked */
};

/* What a diag's entries make of a command: its exit status (sim/cli/cli.h). */
enum diag_status {
    DIAG_OK = 0,     /* no entry */
    DIAG_FAILED = 1, /* a DIAG_RUNTIME entry, or memory ran out */
    DIAG_BAD = 2,    /* only DIAG_SCENARIO and DIAG_USAGE entries */
};

struct diag_entry {
    enum diag_kind kind;
    char *path;  /* setting path, or NULL for a problem with a whole file (or not a scenario's) */
    char *text;  /* what is wrong; NULL when memory ran out formatting it */
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
/* A failure of the work (DIAG_RUNTIME). */
void diag_fail(struct diag *d, const char *fmt, ...) DIAG_PRINTF(2, 3);
void diag_vfail(struct diag *d, const char *fmt, va_list ap) DIAG_PRINTF(2, 0);
/* A request that cannot be met as made (DIAG_USAGE). */
void diag_refuse(struct diag *d, const char *fmt, ...) DIAG_PRINTF(2, 3);
/* Adds to the text of the last entry (the cause a caller found on the way
 * out). Nothing when there is none, or memory ran out (the entry may then be
 * an earlier one's). */
void diag_append(struct diag *d, const char *fmt, ...) DIAG_PRINTF(2, 3);

/* DIAG_OK, DIAG_FAILED or DIAG_BAD. */
enum diag_status diag_status(const struct diag *d);
/* The last entry, or NULL. */
const struct diag_entry *diag_last(const struct diag *d);
/* The last entry's text, "" for none (tests, and messages that quote a cause). */
const char *diag_last_text(const struct diag *d);

/* Past this many, diag_print counts the rest instead: one typo in an @include
 * can cascade into thousands. */
enum { DIAG_PRINT_MAX = 200 };

/* One entry as "error: path: text (where)". */
void diag_print_entry(FILE *out, const struct diag_entry *e);
/* Every entry so (DIAG_PRINT_MAX of them at most), to the stream the caller
 * gives: the command line's stderr, a test's log. */
void diag_print(FILE *out, const struct diag *d);
void diag_free(struct diag *d);

#endif
