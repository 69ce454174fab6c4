/* accum.c: the allocation list shared by the summaries across paths (accum.h). */
#include "output/accum.h"

#include <stdlib.h>

void *accum_calloc(struct accum_owned *o, size_t count, size_t size)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        void **p = realloc(o->p, cap * sizeof *p);
        if (!p) {
            o->out_of_memory = true;
            return NULL;
        }
        o->p = p;
        o->cap = cap;
    }
    void *block = calloc(count ? count : 1, size);
    if (!block) o->out_of_memory = true;
    o->p[o->n++] = block;
    return block;
}

void accum_free(struct accum_owned *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->p[i]);
    free(o->p);
    *o = (struct accum_owned){0};
}
