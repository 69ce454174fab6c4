/* calibrate.h: `fundsim calibrate`: the levels that make the model's expected
 * figures of a region's last actual year equal its published accounts
 * (regions[].actuals), and the model's figures in the actual years.
 *
 * The scenario's start year S is the year its inputs describe, at or before
 * the actual years it fits; the run goes through the years S..L (L, a region's
 * last actual year up to `through_year`) as history, and the projection proper
 * starts at L + 1. Per region, on the mean over the paths of year L:
 *   enrollees    <- participation (calibration.participation_scale)
 *   expenditure  <- use of care (calibration.use_scale): admission and visit
 *                   rates, not unit costs, which the benefit tables'
 *                   deductibles and caps react to nonlinearly
 *   income       <- other income per enrollee (calibration.other_income_yuan)
 *   balance      <- the opening balance at the start of S
 *                   (calibration.opening_balance_yuan), so that the expected
 *                   balance at the end of L is the actual one
 * and, per region with enrollees in its first actual year F (from S on) and
 * in L, F < L, the residual trend of enrollment over the history:
 * calibration.participation_trend, the yearly change of the log-odds of
 * ordinary participation from F to L (models/enrollment.h), fitted to the
 * enrollees' change from F to L. It is what the model's own causes (the price
 * elasticity, the move to the employee scheme at its assumed pace,
 * demography) leave unexplained; it is not extrapolated: after L participation
 * keeps its level at L. enrollment.employee_shift keeps its assumed value.
 * The levers are nearly separable and monotone: fixed-point steps (ratio steps
 * for the scales, the per-enrollee gap for other income, the gap for the
 * balance, a secant per region for the trend) on the same random numbers every round converge in a
 * few rounds of runs on the same paths (the scenario's horizon, or S..L if longer:
 * the history years' expected payments depend on the horizon through the
 * benefit tables' grid, so the fit runs what `fundsim run` runs). */
#ifndef FUNDSIM_CALIBRATE_H
#define FUNDSIM_CALIBRATE_H

#include "sim/config/say.h"
#include "sim/config/scenario.h"

#include <stdbool.h>
#include <stddef.h>

struct diag;

/* The lines of the accounts. */
enum calibrate_line {
    CALIBRATE_ENROLLEES,
    CALIBRATE_INCOME,
    CALIBRATE_EXPENDITURE,
    CALIBRATE_BALANCE,
    CALIBRATE_LINES
};
extern const char *const calibrate_line_names[CALIBRATE_LINES];

/* An actual's figure of a line (NAN when not given). */
double calibrate_actual(const struct actual *a, int line);

/* A region's fitted levels. */
struct calibrate_levels {
    double participation_scale, use_scale, other_income_yuan, opening_balance_yuan;
    double participation_trend;   /* log-odds a year over trend_first_year..last_year */
    int trend_first_year;         /* F; 0: no trend fitted */
    int last_year;                /* the last actual year fitted; 0: the region has none */
    bool fitted[CALIBRATE_LINES]; /* which lines of last_year were fitted */
};

/* One line of one actual year: the actual and the model's mean before and
 * after the fit. */
struct calibrate_row {
    size_t region;
    int year, line;
    double actual, before, after;
    bool fitted; /* a level was fitted to it (the last year's; the trend's years) */
};

struct calibrate_options {
    const char *file; /* the scenario's file, for messages */
    int through_year; /* fit the actuals up to this year; 0: all */
    size_t paths;     /* of each round */
    int threads;
    double tolerance; /* relative gap at which a line counts as fitted; 0: 1e-4 */
    int max_rounds;   /* 0: 40 */
    struct say say;   /* a note per round */
};

struct calibrate_result {
    int start_year, last_year;       /* S and the latest L */
    struct calibrate_levels *levels; /* [n_regions] */
    bool trend;                      /* a participation_trend fitted (some region) */
    struct calibrate_row *rows; /* by region, year and line: every actual from S to last_year */
    size_t n_rows;
    int rounds;
    double worst_gap; /* the largest relative gap of a fitted line after the fit */
};

/* Fits the levels on `o->paths` paths. s is changed during the fit and
 * restored. Returns 0 (a fit that does not reach the tolerance is still a
 * result: worst_gap says how far), or -1 with the problem in `d`: a scenario
 * problem (no actuals from the start year on, DIAG_SCENARIO) or a runtime
 * failure. */
int calibrate_fit(struct scenario *s, const struct calibrate_options *o, struct calibrate_result *r,
                  struct diag *d);
void calibrate_result_free(struct calibrate_result *r);

/* Sets s's regions' levels, participation trends and history_end_year to the
 * fitted ones (the variant's values), as scenario_load would from the variant
 * (its resolved text, s->resolved_text, stays the scenario's as given). */
void calibrate_apply(struct scenario *s, const struct calibrate_result *r);

/* Every path's figure of the lines for each region and year of s's horizon:
 * out[((line * n_regions + region) * years + year index) * paths + path].
 * Returns 0 or -1 with the problem in `d`. */
int calibrate_simulate(const struct scenario *s, int threads, double *out, struct diag *d);

#endif
