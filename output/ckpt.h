/* ckpt.h: the checkpoint of a run: the folder OUT.ckpt beside the output OUT,
 * holding what identifies the run and one file per finished block of paths.
 *
 * A run computes its blocks into the checkpoint first; the HDF5 file and the
 * summaries are made from the checkpoint's blocks, in path order, once every
 * block is there; then the checkpoint is removed. A run that was killed (a
 * walltime limit, a failed node, Ctrl-C) leaves the blocks it finished, and
 * `fundsim run --resume` computes only the others, with any number of ranks
 * or threads: the result is bit-identical to a run never stopped, since the
 * blocks are stored as the doubles the engine made.
 *
 * Layout: OUT.ckpt/run (the identity, text), OUT.ckpt/lock (held with flock(2)
 * by the run's first rank, so that two runs cannot share a checkpoint), and
 * OUT.ckpt/block-NNNNNNNN (block number b = first path / RUN_BLOCK_PATHS):
 * a header (magic, first path, paths, years, regions, arms) and then, arm
 * after arm, the record_block's values and national values, native doubles.
 * A block file is written as block-NNNNNNNN.tmp, synced, then renamed, so a
 * block file that exists is complete.
 *
 * An arm is one scenario's block of the same paths: the base, then each
 * variant, then each variant's independent twin (`fundsim compare`). */
#ifndef FUNDSIM_CKPT_H
#define FUNDSIM_CKPT_H

#include "record.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What must be equal for a checkpoint to be resumed. */
struct ckpt_id {
    const char *version; /* fundsim's version */
    long long seed;
    const char *scenario_text;   /* the base's resolved text */
    const char *variants_text;   /* the variants' resolved texts, one after another ("" for none) */
    size_t paths;                /* the scenario's paths */
    size_t paths_from, paths_to; /* the slice run: [from, to) (0, paths for a whole run) */
    size_t years, regions, arms;
    bool summary_only;
};

enum ckpt_mode {
    CKPT_NEW,    /* a new run: creates the checkpoint; refuses when one with finished
                    blocks is there (one without is replaced) */
    CKPT_RESUME, /* --resume: needs a checkpoint whose identity is `id`'s; says what
                    differs otherwise */
    CKPT_ATTACH, /* another rank of the same run, after the first rank opened it with
                    NEW or RESUME: reads the finished blocks, takes no lock */
};

struct ckpt;

/* Opens the checkpoint of `out_path` (the folder out_path + ".ckpt"). Returns
 * NULL with a message in `err`: with NEW, a checkpoint with finished blocks is
 * there ("... add --resume to finish it, or remove OUT.ckpt to start over");
 * with RESUME, there is none, or its identity differs (the message names
 * which: the fundsim version, the seed, the paths, the slice, --summary-only,
 * the scenario (with the first line that differs) or the variants); another
 * run holds the lock; or the folder cannot be made. */
struct ckpt *ckpt_open(const char *out_path, const struct ckpt_id *id, enum ckpt_mode mode,
                       char *err, size_t n_err);

/* Whether block b was finished when the checkpoint was opened. */
bool ckpt_has(const struct ckpt *c, size_t b);
/* The blocks finished when the checkpoint was opened. */
size_t ckpt_count(const struct ckpt *c);

/* Stores block b: `arms[k]` is arm k's block (id.arms of them, the same paths).
 * Returns 0, or -1 with `err` (a full disk, ...; no block file is left). */
int ckpt_save(struct ckpt *c, size_t b, const struct record_block *const *arms, char *err,
              size_t n_err);

/* Reads block b into `arms[k]` (allocated for at least its paths). Returns 0,
 * or -1 with `err` (missing, truncated, or not of this run's shape). */
int ckpt_load(const struct ckpt *c, size_t b, struct record_block *const *arms, char *err,
              size_t n_err);

/* The folder's name (out_path.ckpt), for messages. */
const char *ckpt_path(const struct ckpt *c);

/* Closes it, keeping the folder (after a failure or a stop). NULL is fine. */
void ckpt_close(struct ckpt *c);
/* Removes the folder and closes it (after the output is committed): renamed
 * to OUT.ckpt.removed first, so that a kill meanwhile leaves no part of it to
 * resume; ckpt_open removes such a leftover. Returns 0, or -1 with `err`. */
int ckpt_remove(struct ckpt *c, char *err, size_t n_err);

/* The bytes a block file of `paths` paths takes. */
uint64_t ckpt_block_bytes(size_t paths, size_t years, size_t regions, size_t arms);

#endif
