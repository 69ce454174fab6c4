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
static void push(struct diag *d, enum diag_kind kind, char *path, bool want_path, char *text,
                 char *where, bool want_where)
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
    d->entries[d->n++] = (struct diag_entry){kind, path, text, where};
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
    push(d, DIAG_SCENARIO, at ? tree_path(at) : NULL, at, text,
         at ? location(at->file, at->line) : NULL, at && at->file);
}

void diag_loc(struct diag *d, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    push(d, DIAG_SCENARIO, NULL, false, text, location(file, line), file);
}

void diag_path(struct diag *d, const char *path, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    push(d, DIAG_SCENARIO, strdup(path), true, text, location(file, line), file);
}

void diag_vfail(struct diag *d, const char *fmt, va_list ap)
{
    push(d, DIAG_RUNTIME, NULL, false, vformat(fmt, ap), NULL, false);
}

void diag_fail(struct diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vfail(d, fmt, ap);
    va_end(ap);
}

void diag_refuse(struct diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    push(d, DIAG_USAGE, NULL, false, text, NULL, false);
}

void diag_append(struct diag *d, const char *fmt, ...)
{
    struct diag_entry *e = d->n ? &d->entries[d->n - 1] : NULL;
    if (!e || !e->text || d->no_memory) return;
    va_list ap;
    va_start(ap, fmt);
    char *more = vformat(fmt, ap);
    va_end(ap);
    char *joined = more ? format("%s%s", e->text, more) : NULL;
    free(more);
    if (!joined) {
        d->no_memory = true;
        return;
    }
    free(e->text);
    e->text = joined;
}

enum diag_status diag_status(const struct diag *d)
{
    if (d->no_memory) return DIAG_FAILED;
    for (size_t i = 0; i < d->n; i++)
        if (d->entries[i].kind == DIAG_RUNTIME) return DIAG_FAILED;
    return d->n ? DIAG_BAD : DIAG_OK;
}

const struct diag_entry *diag_last(const struct diag *d)
{
    return d->n ? &d->entries[d->n - 1] : NULL;
}

const char *diag_last_text(const struct diag *d)
{
    const struct diag_entry *e = diag_last(d);
    return e && e->text ? e->text : "";
}

void diag_print_entry(FILE *out, const struct diag_entry *e)
{
    fputs("error: ", out);
    if (e->path && e->path[0]) fprintf(out, "%s: ", e->path);
    fputs(e->text ? e->text : "(out of memory)", out);
    if (e->where) fprintf(out, " (%s)", e->where);
    fputc('\n', out);
}

void diag_print(FILE *out, const struct diag *d)
{
    for (size_t i = 0; i < d->n && i < DIAG_PRINT_MAX; i++)
        diag_print_entry(out, &d->entries[i]);
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
