/* arena.h: one owner for the many small allocations of a loaded scenario, so
 * that freeing it is one call and nothing leaks on an error path. */
#ifndef FUNDSIM_ARENA_H
#define FUNDSIM_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/* Zeroed memory that lives until arena_free. Never returns NULL (aborts). */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
void arena_free(struct arena *a);

#endif
