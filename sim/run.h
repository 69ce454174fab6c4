/* run.h: the parallel driver of a run: paths in fixed blocks, a batch of
 * blocks' paths at a time on OpenMP threads, then block by block, in path
 * order, into the summaries and the HDF5 file; the file is committed at the end
 * (output/h5out.h).
 *
 * Blocks hold RUN_BLOCK_PATHS paths whatever the number of threads, and the
 * summaries see the paths in path order, so the output is the same for any
 * number of threads. Memory is the block buffers, the summaries' per-cell
 * statistics, and per thread one path's state, whatever the number of paths:
 * the summaries keep every path's value of the quantile variables in scratch
 * files beside the output (output/spill.h), which therefore needs room for
 * them as well as for the file. */
#ifndef FUNDSIM_RUN_H
#define FUNDSIM_RUN_H

#include "scenario.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#define RUN_BLOCK_PATHS 64
/* Blocks run together on the threads before they are summarized in order: the
 * threads wait for each other and for the summaries once per batch, not once per
 * block. */
#define RUN_BATCH_BLOCKS 4
#define RUN_BATCH_PATHS (RUN_BATCH_BLOCKS * RUN_BLOCK_PATHS)

/* A policy variant run beside the base (`fundsim compare`): same paths, seed,
 * years and regions; its differences from the base go into the file's /diff. */
struct run_variant {
    const struct scenario *s;
    /* The same variant with another seed, run only to measure the variance of
     * the difference on independent streams; NULL for none. */
    const struct scenario *independent;
};

struct run_options {
    const char *command; /* for messages: "run", "compare" */
    const char *out_path;
    const struct run_variant *variants;
    size_t n_variants;
    int threads;       /* ≥ 1 */
    bool summary_only; /* no /paths datasets */
    bool progress;     /* a progress bar on stderr */
    bool quiet;        /* no messages on stderr (errors aside) */
    bool timing;       /* a line of time by phase on stderr at the end (the benchmark's) */
    /* Polled before each batch of blocks: when it is set (to the number of the signal
     * that asked, as `fundsim run` does), the run stops there as after a
     * failure, nothing written. NULL: the run never stops early. */
    const volatile sig_atomic_t *stop;
};

struct diag;
struct engine;
struct record_block;

/* One scenario's side of a run: its engine, one work state per thread and a
 * block buffer. run_scenario uses one; `fundsim compare` one per variant and
 * `fundsim solve` one per trial setting. */
struct run_arm;

/* Builds the engine (its benefit tables on `threads` threads) and buffers for
 * batches of up to RUN_BATCH_PATHS paths. Returns NULL with a scenario problem
 * in `d` or a runtime one in `err`. */
struct run_arm *run_arm_create(const struct scenario *s, int threads, struct diag *d, char *err,
                               size_t n_err);
void run_arm_free(struct run_arm *a);
size_t run_arm_tables(const struct run_arm *a); /* benefit tables built (for messages) */

/* The thread-seconds the arm's threads have spent in each phase so far. */
struct engine_times;
void run_arm_times(const struct run_arm *a, struct engine_times *out);

/* Runs paths first .. first + n - 1 (n ≤ RUN_BATCH_PATHS, and no more than the
 * scenario's paths) on the arm's threads into its blocks: block j holds paths
 * first + j RUN_BLOCK_PATHS onwards. Returns the number of blocks filled. */
size_t run_arm_batch(struct run_arm *a, size_t first, size_t n);
const struct record_block *run_arm_batch_block(const struct run_arm *a, size_t j);
/* run_arm_batch of n ≤ RUN_BLOCK_PATHS paths, and its one block. */
const struct record_block *run_arm_block(struct run_arm *a, size_t first, size_t n);

/* Runs the scenario's simulation.paths paths, and those of each variant on
 * the same streams, and writes out_path. Returns 0,
 * 1 after a runtime failure (the message in `err`; no file is left behind and
 * an existing out_path is untouched), or 2 with a scenario problem in `d`.
 * A run whose scratch files and output would not fit in out_path's folder is
 * refused before any work (1). A non-finite value in any block is a runtime
 * failure (output/finite.h); so is a stop asked through o->stop. */
int run_scenario(const struct scenario *s, const struct run_options *o, struct diag *d, char *err,
                 size_t n_err);

#endif
