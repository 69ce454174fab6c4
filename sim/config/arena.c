/* arena.c: a list of blocks, freed together (see arena.h). */
#include "sim/config/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct block {
    struct block *next;
    max_align_t data[];
};

struct arena {
    struct block *blocks;
    bool failed; /* an allocation failed */
};

struct arena *arena_new(void)
{
    return calloc(1, sizeof(struct arena));
}

void *arena_alloc(struct arena *a, size_t size)
{
    struct block *b =
        size <= SIZE_MAX - sizeof *b - 1 ? calloc(1, sizeof *b + (size ? size : 1)) : NULL;
    if (!b) {
        a->failed = true;
        return NULL;
    }
    b->next = a->blocks;
    a->blocks = b;
    return b->data;
}

char *arena_strdup(struct arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    return p ? memcpy(p, s, n) : NULL;
}

bool arena_failed(const struct arena *a)
{
    return a->failed;
}

void arena_free(struct arena *a)
{
    if (!a) return;
    for (struct block *b = a->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}
