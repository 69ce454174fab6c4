/* run_parts.h: what the run driver's two steps share (internal to sim/): run.c
 * computes the blocks into the checkpoint, assemble.c makes the file from them.
 * `struct run` holds everything a run_scenario call has. */
#ifndef FUNDSIM_RUN_PARTS_H
#define FUNDSIM_RUN_PARTS_H

#include "output/ckpt.h"
#include "output/diffsum.h"
#include "output/h5out.h"
#include "output/summary.h"
#include "sim/run.h"
#include "sim/team.h"

struct diag;

/* The per-run pieces that the output needs from the scenario. */
struct run_names {
    const char **name, **name_zh, **code;
    double *opening;
};

/* A variant's engines: its own, and its independent-stream twin's (NULL without
 * --independent). */
struct run_variant_side {
    struct run_arm *arm, *independent_arm;
};

/* The summaries of a run, fed blocks in path order: the base's, and each
 * variant's difference summaries (twin_diff: against its independent twin,
 * NULL without one). The first step feeds them the blocks it computes while
 * they follow the ones fed before (a run on one rank, from its first block
 * on), beside the paths; the second step feeds the rest from the checkpoint. */
struct run_sums {
    struct summary *sum; /* NULL until run_sums_alloc */
    struct diffsum *diff[RUN_MAX_VARIANTS], *twin_diff[RUN_MAX_VARIANTS];
    size_t next_block; /* the first block not fed yet */
};

struct run {
    const struct scenario *s;
    const struct run_options *o;
    const struct team *team;
    size_t from, to, paths;                   /* the run's paths: from .. to - 1, paths of them */
    size_t first_block, n_blocks;             /* the blocks they fall in */
    size_t n_arms;                            /* base, variants, independent twins (ckpt.h) */
    char *dir;                                /* the output's folder, for the scratch files */
    char *variants_text;                      /* the variants' resolved texts, for the checkpoint */
    char *assumptions;                        /* sim/assumptions.h, for the file */
    struct h5out_assumption *assumption_rows; /* the same as rows, the group /assumptions */
    size_t n_assumption_rows;
    struct run_names names;
    struct h5out_meta meta;
    struct run_arm *base;              /* NULL when every block was stored before */
    struct run_variant_side *variants; /* [o->n_variants] */
    struct ckpt *ckpt;
    size_t stored;        /* paths in the checkpoint (known on every rank after the first step) */
    struct run_sums sums; /* the first rank's */
    /* wall seconds: building the engines, running paths, storing the blocks,
     * making the file */
    double tables_s, engine_s, output_s, finish_s;
    double drivers_s, rules_s, accounting_s; /* the arms' thread-seconds (free_arms) */
};

/* The summaries' config (their quantiles read the checkpoint's blocks, arm 0:
 * summary_source), and the difference summaries' (their scratch files beside
 * the output). */
struct summary_config run_summary_config(const struct run *r);
struct diffsum_config run_diffsum_config(const struct summary_config *c);

/* The summaries, empty, fed from the run's first block on, adding on
 * `threads` threads. Returns 0 or -1 with `d`. */
int run_sums_alloc(const struct run *r, struct run_sums *s, int threads, struct diag *d);
void run_sums_free(const struct run *r, struct run_sums *s);
/* Feeds block sums->next_block, `arms` as the checkpoint holds them (ckpt.h:
 * the base, the variants, their independent twins). Returns 0 or -1 with `d`. */
int run_sums_add(const struct run *r, struct run_sums *s, const struct record_block *const *arms,
                 struct diag *d);

/* The second step, collective: the file from the checkpoint's blocks, its
 * summaries from the first rank, and the commit. Returns 0 or -1, the same on
 * every rank (`d` on the rank that failed). */
int run_assemble(struct run *r, struct diag *d);

#endif
