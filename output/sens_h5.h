/* sens_h5.h: what `fundsim sensitivity` finds (sim/sensitivity.h), and its
 * file: /sensitivity/<assumption>/..., /sensitivity/base/..., /variance/...
 * (output/README.md); and the best-estimate path that `fundsim run
 * --deterministic` adds to a run's file (/best_estimate/...).
 *
 * The figures are the province's: its balance (the regions' summed), depleted
 * in a year when its summed balance less backstops is below 0 (as the
 * summaries' province row), its actuarial balance over the whole horizon
 * (national actuarial_balance of the last year, per cent). */
#ifndef FUNDSIM_SENS_H5_H
#define FUNDSIM_SENS_H5_H

#include "models/hold.h"
#include "output/record.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

/* A paired difference (the assumption's run less the base, path by path on
 * the same random numbers): its mean and 95 % interval, mean ± 1.96 sd/sqrt(n). */
struct sens_effect {
    double delta, low, high;
};

/* The headline figures of one run over its paths. */
struct sens_figures {
    double p_depleted;        /* share of paths depleted in some year up to the year */
    double median_year;       /* median first depletion year; 0: after the horizon */
    double actuarial_balance; /* mean over paths, per cent */
};

/* One side (low or high value) of an assumption. */
struct sens_side {
    double value;  /* the setting's value (financing_rule: enum continuation_rule) */
    char text[24]; /* the value as set: "0.035", "frozen" */
    struct sens_figures abs;
    struct sens_effect p_depleted, actuarial_balance;
    double median_year_delta; /* NaN when either median is after the horizon */
};

#define SENS_NAME_MAX 64
#define SENS_KEY_MAX 160

struct sens_row {
    char name[SENS_NAME_MAX]; /* "excess_growth", "trend_diabetes" */
    char key[SENS_KEY_MAX];   /* the setting: "costs.excess_growth" (or settings, a {,} list) */
    double central;           /* the scenario's value */
    double sd;                /* the parameter-risk sd it spreads by, or 0: a fixed spread */
    struct sens_side low, high;
};

/* Variance attribution of one headline figure across paths. */
struct sens_variance {
    char name[SENS_NAME_MAX];    /* "balance_2035", "actuarial_balance" */
    double total;                /* its variance, nothing held */
    double held[N_HOLD_GROUPS];  /* its variance with group g held */
    double share[N_HOLD_GROUPS]; /* 1 - held / total */
};

struct sens_result {
    const char *scenario;
    size_t paths;
    uint64_t seed;
    int year;      /* P(depleted by year), the variance's balance year */
    double spread; /* --spread: the half-widths' multiplier */
    struct sens_figures base;
    size_t n_rows;
    struct sens_row *rows; /* sorted as a tornado: widest actuarial balance swing first */
    int has_variance;
    struct sens_variance variance[2];
};

/* Writes `r` as a new file at `path` (written under path.tmp-PID and renamed),
 * or, with `into`, adds its groups to the existing file `path` (a run's
 * file, so that the report draws the tornado beside the run's charts).
 * Returns 0, or -1 with a runtime entry in `d`. */
int sens_h5_write(const char *path, bool into, const struct sens_result *r, struct diag *d);

/* Adds /best_estimate to the run's file at `path`: every variable of path 0
 * of `b` as /best_estimate/<var> [year][region], the national ones as
 * /best_estimate/national/<var> [year], and the province's summed balance as
 * /best_estimate/province/balance [year]. Returns 0, or -1 with `d`. */
int sens_h5_best_estimate(const char *path, const struct record_block *b, struct diag *d);

#endif
