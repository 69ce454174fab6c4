/* say.h: the one voice of the library: every message that is not an error
 * (errors are returned, in a struct diag) goes through a callback that the
 * caller hands down in its options, as every message of Redis goes through
 * its one logger. The command line (sim/cli) gives one that writes to the
 * terminal and decides what to show (--quiet drops the notes) and how (the
 * progress bar); library code never writes to stdout or stderr itself. A
 * `struct say` of zeros says nothing (the tests'). */
#ifndef FUNDSIM_SAY_H
#define FUNDSIM_SAY_H

#include <stddef.h>

enum say_level {
    SAY_ERROR,    /* a failure (the command line's own: the library returns its errors) */
    SAY_WARNING,  /* what the user must hear even with --quiet (damaged blocks removed) */
    SAY_NOTE,     /* news of the work: what runs, how long it took, what was written */
    SAY_PROGRESS, /* how far the work has come: the figures, no text */
};

/* A SAY_PROGRESS message's figures: `done` of `all` units, elapsed_s seconds in. */
struct say_progress {
    size_t done, all;
    double elapsed_s;
};

struct say {
    /* `text` is one line without its end, NULL for SAY_PROGRESS; `progress`
     * is NULL but for SAY_PROGRESS. */
    void (*fn)(void *ctx, enum say_level level, const char *text,
               const struct say_progress *progress);
    void *ctx;
};

#if defined(__GNUC__)
#define SAY_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SAY_PRINTF(a, b)
#endif

/* Formats the message and hands it to s->fn (nothing when there is none). */
void say_text(const struct say *s, enum say_level level, const char *fmt, ...) SAY_PRINTF(3, 4);
/* A SAY_PROGRESS message. */
void say_progress(const struct say *s, size_t done, size_t all, double elapsed_s);

#endif
