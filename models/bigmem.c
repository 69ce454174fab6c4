/* bigmem: large arrays on huge pages where the system offers them (bigmem.h). */
#define _DEFAULT_SOURCE /* madvise and MADV_HUGEPAGE (Linux) */
#include "models/bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20) /* x86-64's and arm64's usual huge page */

void *bigmem_alloc(size_t bytes)
{
    if (bytes < HUGE_PAGE) return malloc(bytes ? bytes : 1);
    if (bytes > SIZE_MAX - HUGE_PAGE) return NULL; /* its whole pages would wrap */
    size_t whole = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, whole);
#ifdef MADV_HUGEPAGE
    /* only advice: where it is refused (no THP, "never"), small pages as before */
    if (p) (void)madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}
