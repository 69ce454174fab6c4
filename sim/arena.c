/* arena.c: a list of blocks, freed together (see arena.h). */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct block {
    struct block *next;
    max_align_t data[];
};

struct arena {
    struct block *blocks;
};

struct arena *arena_new(void)
{
    struct arena *a = calloc(1, sizeof *a);
    if (!a) abort();
    return a;
}

void *arena_alloc(struct arena *a, size_t size)
{
    struct block *b = calloc(1, sizeof *b + (size ? size : 1));
    if (!b) abort();
    b->next = a->blocks;
    a->blocks = b;
    return b->data;
}

char *arena_strdup(struct arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(arena_alloc(a, n), s, n);
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
