/* arena.h: one owner for the many small allocations of a loaded scenario, so
 * that freeing it is one call and nothing leaks on an error path. */
#ifndef FUNDSIM_ARENA_H
#define FUNDSIM_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* A new arena, or NULL when out of memory. */
struct arena *arena_new(void);
/* Zeroed memory that lives until arena_free, or NULL when out of memory:
 * arena_failed then says so until the arena is freed, so that a loader can
 * check once, at the end. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
bool arena_failed(const struct arena *a);
void arena_free(struct arena *a);

#endif
