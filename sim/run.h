/* run.h: the parallel driver of a run: paths in fixed blocks, on the ranks of
 * the team (sim/team.h; one process in the serial build) and, inside each, a
 * batch of blocks' paths at a time on OpenMP threads.
 *
 * A run has two steps. First every block is computed and stored in the
 * run's checkpoint (output/ckpt.h): block b (paths b RECORD_BLOCK_PATHS onwards,
 * output/record.h)
 * goes to one rank, chosen by its number among the blocks not yet stored,
 * never by timing. Then the HDF5 file is made from the stored blocks: the
 * paths by every rank at once (the MPI build) or by the one process, and the
 * summaries by the first rank from every block in path order; the file is
 * committed (output/h5out.h) and the checkpoint removed. A run on one rank
 * feeds the summaries during the first step already, each block as it is
 * stored while it follows those fed before (run_parts.h, struct run_sums), so
 * that the second step adds only the rest (a resume's). A run stopped or
 * killed in the first step keeps the blocks it stored, and run_scenario with
 * `resume` computes only the others, with any number of ranks or threads.
 *
 * Blocks hold RECORD_BLOCK_PATHS paths whatever the number of threads or ranks,
 * and the summaries see the paths in path order, so the output is the same
 * for any number of threads or ranks, and for a resumed run. Memory is the
 * block buffers, the summaries' per-cell statistics, and per thread one path's
 * state, whatever the number of paths: the checkpoint beside the output takes
 * the disk (the base's exact quantiles read it back at the end, a few years at
 * a time), and so do the variants' difference summaries' scratch files
 * (output/spill.h). */
#ifndef FUNDSIM_RUN_H
#define FUNDSIM_RUN_H

#include "output/record.h"
#include "output/terms.h"
#include "sim/config/say.h"
#include "sim/config/scenario.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* Blocks run together on the threads before they are summarized in order: the
 * threads wait for each other and for the summaries once per batch, not once per
 * block. */
#define RUN_BATCH_BLOCKS 4
#define RUN_BATCH_PATHS (RUN_BATCH_BLOCKS * RECORD_BLOCK_PATHS)
/* Policy variants in one comparison, at most (run_scenario refuses more): the
 * arms of a block, the base, each variant and its independent twin, are
 * fixed arrays of RUN_MAX_ARMS in run.c and assemble.c. */
#define RUN_MAX_VARIANTS 32
#define RUN_MAX_ARMS (1 + 2 * RUN_MAX_VARIANTS)

/* A policy variant run beside the base (`fundsim compare`): same paths, seed,
 * years and regions; its differences from the base go into the file's /diff. */
struct run_variant {
    const struct scenario *s;
    /* The same variant with another seed, run only to measure the variance of
     * the difference on independent streams; NULL for none. */
    const struct scenario *independent;
};

/* Where a run's time went on this rank, for the benchmark (`fundsim run
 * --timing`): wall seconds building the engines, running the paths, storing
 * the blocks (the part of the paths' time the checkpoint took: the writer's
 * thread runs beside the next batch, so only waiting for it) and making the
 * file (summaries and commit); and the threads' seconds in each phase of the
 * paths (sim/engine.h, struct engine_times). */
struct run_timing {
    double tables_s, paths_s, output_s, finish_s;
    double drivers_s, rules_s, accounting_s;
};

struct run_options {
    const char *out_path;
    const struct run_variant *variants;
    size_t n_variants;
    int threads;       /* ≥ 1 */
    bool summary_only; /* no /paths datasets */
    /* What the run has to say: notes (what it runs, the tables built, what it
     * wrote) and warnings (damaged blocks removed on --resume), on the first
     * rank only; and its progress, a batch of blocks at a time, on every rank. */
    struct say say;
    enum lang lang;            /* of those notes and warnings (output/terms.h) */
    struct run_timing *timing; /* filled on success when not NULL */
    /* Polled before each batch of blocks, and while the file is made before each
     * block and before the quantiles and the commit: when it is set (to the
     * number of the signal that asked, as `fundsim run` does), the run stops
     * there as after a failure, nothing written, the checkpoint kept. NULL: the
     * run never stops early. */
    const volatile sig_atomic_t *stop;
    const struct team *team; /* the ranks; NULL: this process alone */
    bool resume;             /* finish the run stopped in out_path's checkpoint */
    /* A slice of the scenario's paths: paths_from .. paths_to - 1 into a file of
     * its own, for `fundsim merge` (paths_to 0: every path, a whole run). */
    size_t paths_from, paths_to;
};

struct diag;
struct engine;
struct team;

/* One scenario's side of a run: its engine, one work state per thread and a
 * block buffer. run_scenario uses one; `fundsim compare` one per variant and
 * `fundsim solve` one per trial setting. */
struct run_arm;

/* Builds the engine (its benefit tables on `threads` threads) and buffers for
 * batches of up to RUN_BATCH_PATHS paths. Returns NULL with a scenario problem
 * or a runtime one (out of memory) in `d`. */
struct run_arm *run_arm_create(const struct scenario *s, int threads, struct diag *d);
/* run_arm_create, sharing the benefit tables that `donor`'s engine built
 * from the same inputs (engine_create_like); the donor outlives the arm. */
struct run_arm *run_arm_create_like(const struct scenario *s, int threads,
                                    const struct run_arm *donor, struct diag *d);
void run_arm_free(struct run_arm *a);
size_t run_arm_tables(const struct run_arm *a); /* benefit tables built (for messages) */
/* engine_refresh_levels of the arm's engine (sim/engine.h): the scenario's
 * calibrated levels read again between runs. Returns 0, or -1 with the problem in `d`. */
int run_arm_refresh_levels(struct run_arm *a, struct diag *d);

/* engine_hold of the arm's engine (sim/engine.h): the driver groups of the
 * mask held at their expected path from the next batch on (HOLD_NONE: none).
 * Returns 0, or -1 out of memory with `d`. */
int run_arm_hold(struct run_arm *a, unsigned groups, struct diag *d);

/* The thread-seconds the arm's threads have spent in each phase so far. */
struct engine_times;
void run_arm_times(const struct run_arm *a, struct engine_times *out);

/* Runs the paths of spans[j] (each of at most RECORD_BLOCK_PATHS paths, and no
 * more than the scenario's paths; n_spans ≤ RUN_BATCH_BLOCKS) on the arm's
 * threads into its block j. */
void run_arm_batch(struct run_arm *a, const struct record_span *spans, size_t n_spans);
const struct record_block *run_arm_batch_block(const struct run_arm *a, size_t j);
/* The next batch into the arm's other set of block buffers (allocated by the
 * first swap), so that the blocks of the last batch stay as they are while it
 * runs. Returns 0, or -1 out of memory: the next batch then uses the same set. */
int run_arm_swap(struct run_arm *a);
/* run_arm_batch of n ≤ RECORD_BLOCK_PATHS paths, and its one block. */
const struct record_block *run_arm_block(struct run_arm *a, size_t first, size_t n);

/* Runs the scenario's simulation.paths paths (or the slice), and those of each
 * variant on the same streams, and writes out_path. Collective over the team.
 * Returns 0, or -1 with the problem in `d`: a runtime failure (no file is
 * left behind and an existing out_path is untouched) or a scenario problem.
 * A run whose checkpoint, scratch files and output would not fit in
 * out_path's folder is refused before any work (a runtime failure). A
 * non-finite value in any block is a runtime failure (output/finite.h); so is
 * a stop asked through o->stop, after which the checkpoint keeps the blocks
 * finished. With the team, every rank returns the same; the rank that failed
 * has the message, the others none (a scenario problem is every rank's). */
int run_scenario(const struct scenario *s, const struct run_options *o, struct diag *d);

#endif
