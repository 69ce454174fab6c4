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
 * Layout: OUT.ckpt/run (the identity, text, whose first line "fundsim
 * checkpoint 1" marks the folder as fundsim's; written first when the folder
 * is made), OUT.ckpt/lock (held with flock(2) by the run's first rank, so that
 * two runs cannot share a checkpoint), and OUT.ckpt/block-NNNNNNNN (block
 * number b = first path / RECORD_BLOCK_PATHS): a header (magic "FSBLOCK2", first
 * path, paths, years, regions, arms), then, arm after arm, the record_block's
 * values and national values, native doubles, and last the CRC-32C
 * (crc32c.h) of all that. A block file is written as block-NNNNNNNN.tmp,
 * synced, then renamed, so a block file that exists was complete; its size,
 * header and checksum are checked when a run resumes and when it is read.
 *
 * What fundsim removes, and where it writes: only a folder OUT.ckpt that it
 * can tell is its own (a real folder, not a symbolic link, holding the marked
 * `run` and nothing but regular files named as fundsim names them: run,
 * run.tmp, lock, block-NNNNNNNN, block-NNNNNNNN.tmp); and in it only those
 * files, reached through the folder's descriptor, never through a link.
 * Anything else at OUT.ckpt or OUT.ckpt.removed is refused and left as it is.
 *
 * An arm is one scenario's block of the same paths: the base, then each
 * variant, then each variant's independent twin (`fundsim compare`). */
#ifndef FUNDSIM_CKPT_H
#define FUNDSIM_CKPT_H

#include "output/record.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

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
                    blocks is there (one of fundsim's without is replaced) */
    CKPT_RESUME, /* --resume: needs a checkpoint whose identity is `id`'s; says what
                    differs otherwise; checks every finished block, removing a bad
                    one (ckpt_damaged) */
    CKPT_ATTACH, /* another rank of the same run, after the first rank opened it with
                    NEW or RESUME: reads the finished blocks, takes no lock */
};

struct ckpt;

/* Opens the checkpoint of `out_path` (the folder out_path + ".ckpt"), first
 * removing OUT.ckpt.removed (left by a run killed in ckpt_remove) when it is
 * fundsim's (not with ATTACH). Returns NULL with a message in `d`: OUT.ckpt
 * or OUT.ckpt.removed is a symbolic link, not a folder, or a folder not
 * fundsim's (without the marked `run`, or holding a file fundsim did not
 * write), each left untouched; with NEW, a checkpoint with finished blocks is
 * there ("... add --resume to finish it, or remove OUT.ckpt to start over");
 * with RESUME, there is none, or its identity differs (the message names
 * which: the fundsim version, the seed, the paths, the slice, --summary-only,
 * the scenario (with the first line that differs) or the variants); another
 * run holds the lock; or the folder cannot be made. */
struct ckpt *ckpt_open(const char *out_path, const struct ckpt_id *id, enum ckpt_mode mode,
                       struct diag *d);

/* Whether block b was finished when the checkpoint was opened. */
bool ckpt_has(const struct ckpt *c, size_t b);
/* The blocks finished when the checkpoint was opened. */
size_t ckpt_count(const struct ckpt *c);

/* The blocks that RESUME found damaged (a wrong size, header or checksum:
 * truncated, a flipped bit, an older format) and removed, so that the run
 * computes them again (ckpt_has is false for them): how many, and in `what`
 * the first few, each with its paths and what was wrong. */
size_t ckpt_damaged(const struct ckpt *c, char *what, size_t n_what);

/* Stores block b: `arms[k]` is arm k's block (id.arms of them, the same paths).
 * Returns 0, or -1 with `d` (a full disk, ...; no block file is left). */
int ckpt_save(struct ckpt *c, size_t b, const struct record_block *const *arms, struct diag *d);

/* Reads block b into `arms[k]` (allocated for at least its paths), checking
 * its size, header and checksum. Returns 0, or -1 with `d` naming the file
 * and what is wrong (missing, truncated, not of this run's shape, damaged):
 * --resume computes it again. */
int ckpt_load(const struct ckpt *c, size_t b, struct record_block *const *arms, struct diag *d);

/* Reads block b whole and checks its size, header and checksum, keeping none of
 * its values: for the blocks a run fed its summaries as it computed them, before
 * their quantiles read them again (ckpt_load_years). Returns 0, or -1 with `d`
 * as ckpt_load. */
int ckpt_check(const struct ckpt *c, size_t b, struct diag *d);

/* Reads years y0 .. y0 + ny - 1 of arm `arm` of block b into `out`
 * (allocated for at least the block's paths and ny years; its first_path,
 * n_paths, years = ny and regions are set), checking the file's size and
 * header but not its checksum, which needs the whole file: for the exact
 * quantiles of a run (output/summary.h: struct summary_source), which read a
 * few years of every block at a time from blocks written or checked in full
 * by this run. Returns 0, or -1 with `d` as ckpt_load. */
int ckpt_load_years(const struct ckpt *c, size_t b, size_t arm, size_t y0, size_t ny,
                    struct record_block *out, struct diag *d);

/* The folder's name (out_path.ckpt), for messages. */
const char *ckpt_path(const struct ckpt *c);

/* Closes it, keeping the folder (after a failure or a stop). NULL is fine. */
void ckpt_close(struct ckpt *c);
/* Removes the folder and closes it (after the output is committed): renamed
 * to OUT.ckpt.removed first, so that a kill meanwhile leaves no part of it to
 * resume (ckpt_open removes such a leftover), then its own files through its
 * descriptor, the marked `run` last, then the empty folder. A file fundsim
 * did not write, put there meanwhile, stays, and so does the folder. Returns
 * 0, or -1 with `d`. */
int ckpt_remove(struct ckpt *c, struct diag *d);

/* The bytes a block file of `paths` paths takes. */
uint64_t ckpt_block_bytes(size_t paths, size_t years, size_t regions, size_t arms);

#endif
