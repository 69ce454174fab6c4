/* timing.h: seconds on the monotonic clock, for the times a run reports (the
 * phases of `--timing`, the progress bar, "built in 1.2 s"): a change of the
 * system's clock does not show in them, and no result depends on them. */
#ifndef FUNDSIM_TIMING_H
#define FUNDSIM_TIMING_H

#include <time.h>

static inline double timing_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#endif
