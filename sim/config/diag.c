/* diag.c: collecting and printing diagnostics (see diag.h). */
#include "sim/config/diag.h"

#include "sim/config/tree.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *s = malloc((size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *format(const char *fmt, ...) DIAG_PRINTF(1, 2);
static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

/* Adds an entry. Out of memory, `text` is NULL or a part that was wanted
 * (`path` for a setting, `where` for a file) is: d->no_memory says so. */
static void push(struct diag *d, char *path, bool want_path, char *text, char *where,
                 bool want_where)
{
    if (!text || (want_path && !path) || (want_where && !where)) d->no_memory = true;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        struct diag_entry *e = realloc(d->entries, cap * sizeof *e);
        if (!e) {
            free(path), free(text), free(where);
            d->no_memory = true;
            return;
        }
        d->entries = e;
        d->cap = cap;
    }
    d->entries[d->n++] = (struct diag_entry){path, text, where};
}

static char *location(const char *file, int line)
{
    if (!file) return NULL;
    if (line > 0) return format("%s:%d", file, line);
    return strdup(file);
}

void diag_at(struct diag *d, const struct tree *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    push(d, at ? tree_path(at) : NULL, at, text, at ? location(at->file, at->line) : NULL,
         at && at->file);
}

void diag_loc(struct diag *d, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    push(d, NULL, false, text, location(file, line), file);
}

void diag_path(struct diag *d, const char *path, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    push(d, strdup(path), true, text, location(file, line), file);
}

/* Past this many, the rest are counted, not printed: one typo in an @include
 * can cascade into thousands. */
enum { DIAG_PRINT_MAX = 200 };

void diag_print(FILE *out, const struct diag *d)
{
    for (size_t i = 0; i < d->n && i < DIAG_PRINT_MAX; i++) {
        const struct diag_entry *e = &d->entries[i];
        fputs("error: ", out);
        if (e->path && e->path[0]) fprintf(out, "%s: ", e->path);
        fputs(e->text ? e->text : "(out of memory)", out);
        if (e->where) fprintf(out, " (%s)", e->where);
        fputc('\n', out);
    }
    if (d->n > DIAG_PRINT_MAX) fprintf(out, "error: ... and %zu more\n", d->n - DIAG_PRINT_MAX);
}

void diag_free(struct diag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->entries[i].path);
        free(d->entries[i].text);
        free(d->entries[i].where);
    }
    free(d->entries);
    *d = (struct diag){0};
}
