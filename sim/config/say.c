/* say.c: formatting a message for the caller's callback (say.h). */
#include "sim/config/say.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void say_text(const struct say *s, enum say_level level, const char *fmt, ...)
{
    if (!s || !s->fn) return;
    /* Most messages fit the stack's buffer; a longer one (many paths in it)
     * is formatted again on the heap, or cut short when memory ran out. */
    char small[512], *text = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof small && (text = malloc((size_t)n + 1))) {
        va_start(ap, fmt);
        vsnprintf(text, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    s->fn(s->ctx, level, text ? text : small, NULL);
    if (text != small) free(text);
}

void say_progress(const struct say *s, size_t done, size_t all, double elapsed_s)
{
    if (!s || !s->fn) return;
    s->fn(s->ctx, SAY_PROGRESS, NULL, &(struct say_progress){done, all, elapsed_s});
}
