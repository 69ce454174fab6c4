/* run.h: the parallel driver of a run: paths in fixed blocks, each block's
 * paths on OpenMP threads, then, in path order, into the summaries and the
 * HDF5 file; the file is committed at the end (output/h5out.h).
 *
 * Blocks hold RUN_BLOCK_PATHS paths whatever the number of threads, and the
 * summaries see the paths in path order, so the output is the same for any
 * number of threads. Memory is the block buffers, the summaries' per-path
 * values of the quantile variables, and per thread one path's state. */
#ifndef FUNDSIM_RUN_H
#define FUNDSIM_RUN_H

#include "scenario.h"

#include <stdbool.h>
#include <stddef.h>

#define RUN_BLOCK_PATHS 64

struct run_options {
    const char *out_path;
    int threads;       /* ≥ 1 */
    bool summary_only; /* no /paths datasets */
    bool progress;     /* a progress bar on stderr */
    bool quiet;        /* no messages on stderr (errors aside) */
};

struct diag;

/* Runs the scenario's simulation.paths paths and writes out_path. Returns 0,
 * 1 after a runtime failure (the message in `err`; no file is left behind and
 * an existing out_path is untouched), or 2 with a scenario problem in `d`. */
int run_scenario(const struct scenario *s, const struct run_options *o, struct diag *d, char *err,
                 size_t n_err);

#endif
