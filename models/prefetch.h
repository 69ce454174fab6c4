/* prefetch.h: prefetch_lines, for the drivers' steps. A region's model and
 * state are seldom in the cache when its step begins: the claims of the
 * regions before it went through megabytes of tables since. Asked for at the
 * start of a step, all at once, their lines come in together while the step
 * works on what it has, instead of one stream after another as its loops
 * reach them. */
#ifndef FUNDSIM_PREFETCH_H
#define FUNDSIM_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

/* Asks for every cache line (64 bytes) of the `bytes` from `from`, to read
 * them: a hint, no load waits for them, and none faults. */
static inline void prefetch_lines(const void *from, size_t bytes)
{
    uintptr_t end = (uintptr_t)from + bytes;
    for (uintptr_t line = (uintptr_t)from & ~(uintptr_t)63; line < end; line += 64)
        __builtin_prefetch((const void *)line, 0, 3);
}

#endif
