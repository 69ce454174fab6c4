/* accum.h: what the summaries across paths (summary.c, diffsum.c) share: a
 * list of the allocations made in one alloc call, freed together. (Their
 * quantiles come from the scratch file of output/spill.h.)
 *
 * `struct accum_owned` grows as allocations are listed; a failed allocation
 * (of the block or of the list) sets out_of_memory, so the caller checks once
 * after allocating everything. */
#ifndef FUNDSIM_ACCUM_H
#define FUNDSIM_ACCUM_H

#include <stdbool.h>
#include <stddef.h>

struct accum_owned {
    void **p;
    size_t n, cap;
    bool out_of_memory;
};

/* A zeroed block of `count` (possibly 0) elements of `size` bytes, listed in
 * `o`; NULL (and o->out_of_memory) when out of memory. */
void *accum_calloc(struct accum_owned *o, size_t count, size_t size);
/* Frees every block listed and the list. */
void accum_free(struct accum_owned *o);

#endif
