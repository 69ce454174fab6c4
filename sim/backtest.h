/* backtest.h: `fundsim backtest`: calibrate on the actuals up to a year
 * (calibrate.h), project, and set every later actual against the model's
 * distribution of the same figure: its mean, median and 5-95 % band, the
 * actual ÷ expected ratio (A/E, the expected being the mean over the paths, as
 * an experience study divides by the expected value) and whether the actual
 * lies inside the band. */
#ifndef FUNDSIM_BACKTEST_H
#define FUNDSIM_BACKTEST_H

#include "sim/calibrate.h"

struct backtest_row {
    size_t region;
    int year, line;                         /* enum calibrate_line */
    double actual, mean, median, low, high; /* low, high: the 5 % and 95 % quantiles */
    double ae;                              /* actual / mean */
    bool inside;                            /* low <= actual <= high */
};

struct backtest_options {
    const char *file; /* the scenario's, for messages */
    int from_year;    /* calibrate on the actuals up to it */
    size_t fit_paths; /* of each round of the fit */
    size_t paths;     /* of the projection compared */
    int threads;
    struct say say;
};

struct backtest_result {
    struct calibrate_result fit;
    struct backtest_row *rows; /* every actual after from_year, by region, year and line */
    size_t n_rows;
    int last_year; /* the last actual year compared */
};

/* Runs the backtest. On success s is left calibrated (calibrate_apply) with
 * its own horizon and paths, ready for a run of the projection. Returns 0, or
 * -1 with the problem in `d`: a scenario problem (no actual up to from_year,
 * or none after it) or a runtime failure. */
int backtest_run(struct scenario *s, const struct backtest_options *o, struct backtest_result *r,
                 struct diag *d);
void backtest_result_free(struct backtest_result *r);

#endif
