/* bigmem: the memory of a large array that is read all over many times (a benefit
 * table's slabs, hundreds of MB, from which every year view reads a few MB
 * scattered across it), on huge pages where the system offers them (Linux's
 * transparent huge pages in "madvise" mode): one page fault per 2 MiB instead of
 * per 4 KiB while the table is built, and far fewer TLB misses in the views. The
 * values are the same; only where they live changes. */
#ifndef FUNDSIM_MODELS_BIGMEM_H
#define FUNDSIM_MODELS_BIGMEM_H

#include <stddef.h>

/* `bytes` of uninitialised memory (NULL when out of memory), freed by free(). */
void *bigmem_alloc(size_t bytes);

#endif
