/* sensitivity.h: `fundsim sensitivity`: which assumption matters.
 *
 * Each assumption of the list (sensitivity.c, the one table of them, with the
 * spread of each) is moved alone to a low and a high value, every other
 * setting unchanged, and the scenario is run again on the same seed and paths:
 * common random numbers (sim/engine.h), so a path's difference from the base
 * is the assumption's effect on that path. Per assumption and side: the change
 * in P(depleted by the year) and in the mean actuarial balance (the paired
 * paths' mean difference with its 95 % interval, mean ± 1.96 sd / sqrt(n);
 * for the probability the difference of the paths' indicators), and in the
 * median first depletion year (the difference of the medians, no interval).
 * The rows are sorted as a tornado: the widest swing of the actuarial
 * balance (high less low) first.
 *
 * With `variance`, the share of the variance across paths of the province's
 * balance in the year and of its actuarial balance that each group of random
 * drivers (models/hold.h) carries: the base run again with that group held
 * at its expected path, the other groups' draws unchanged,
 *     share_g = 1 - Var(Y | g held) / Var(Y).
 * It is the first-order share of g when Y is additive in the groups' effects
 * (exactly so when linear); the shares' sum short of 1 is what interactions
 * between the groups carry, above 1 what holding one group alone cannot take
 * apart. */
#ifndef FUNDSIM_SENSITIVITY_H
#define FUNDSIM_SENSITIVITY_H

#include "output/sens_h5.h"
#include "output/terms.h"
#include "sim/config/say.h"
#include "sim/config/scenario.h"

#include <stdbool.h>
#include <stddef.h>

struct diag;
struct team;

struct sens_extra {
    const char *key;
    double low, high;
};

struct sens_options {
    /* The scenario as `run` loads it: the file and its overrides; the
     * assumptions' runs load it again with one more override each. */
    const char *path;
    const struct setting_override *sets;
    size_t n_sets;
    int threads;
    int year;      /* P(depleted by year), the variance's balance year */
    double spread; /* multiplies every half-width (1: the defaults) */
    bool variance;
    const char *only; /* NULL, or one assumption's name: that row alone */
    /* More assumptions (`--assume KEY=LOW,HIGH`): any numeric setting, named
     * by its key, at the two values given. */
    const struct sens_extra *extra;
    size_t n_extra;
    /* The file: written new (or, with `into`, added to a run's file); the
     * checkpoint beside it (output/sens_ckpt.h) holds each run as it
     * finishes, and `resume` takes the finished ones from it. */
    const char *out_path;
    bool into, resume;
    /* The MPI ranks (NULL: this process alone): run k of the checkpoint's
     * numbering goes to rank k mod size, into the shared checkpoint; the
     * first rank then reads them all and writes the file. */
    const struct team *team;
    struct say say;
    enum lang lang; /* of its notes */
};

/* Number of assumptions of the table, and the name of the j-th (for --help). */
size_t sens_assumptions(void);
const char *sens_assumption_name(size_t j);
const char *sens_assumption_key(size_t j);
const char *sens_assumption_spread(size_t j);

/* Runs the base `s` (loaded from o->path with o->sets) and every assumption's
 * two sides into `r` (r->rows allocated: sens_result_free), each run stored
 * in the checkpoint as it finishes, writes o->out_path and removes the
 * checkpoint. Returns 0, or -1 with the problem in `d` (a side's value out of
 * its setting's range is a scenario problem naming it; a checkpoint that
 * cannot be resumed says why; the checkpoint is kept, and `d` says so).
 * Collective over o->team; on the other ranks `r` holds no rows. */
int sens_run(const struct scenario *s, const struct sens_options *o, struct sens_result *r,
             struct diag *d);
void sens_result_free(struct sens_result *r);

/* The best-estimate path of `s`: every driver group held, path 0, into a
 * one-path block `b` (allocated: record_block_free). Returns 0, or -1 with `d`. */
int sens_best_estimate(const struct scenario *s, int threads, struct record_block *b,
                       struct diag *d);

#endif
