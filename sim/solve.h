/* solve.h: `fundsim solve`: the smallest uniform yearly increase x of one or
 * more per-person policy settings that meets a safety target (target.h), with
 * its Monte Carlo uncertainty.
 *
 * The increase applies to every region's policy (its overrides included): the
 * setting's value in year y becomes base(y) + x·(y − from + 1) from `from` to
 * the target's year, and stays that much above its base afterwards. Every
 * trial x runs the same paths (common random numbers), so that path i's lowest
 * balance m_i(x) is a smooth, increasing function of x. With N paths of which
 * k may be depleted (target_allowed), the target holds when the (k+1)-th
 * smallest m_i(x), h(x), is ≥ 0: the answer is the smallest multiple of the
 * step at or above the root of h (GSL's Brent solver), checked by counting the
 * depleted paths there and one step below. Trial runs are cached: no x runs
 * twice.
 *
 * Uncertainty: order statistics l < u from Binomial(N, P) give a
 * distribution-free 95 % interval [m_(l), m_(u)] for the P-quantile of m(x);
 * the interval of x is [root of m_(u), root of m_(l)]. When l < 1 (too few
 * paths for P) its upper end is unbounded. */
#ifndef FUNDSIM_SOLVE_H
#define FUNDSIM_SOLVE_H

#include "output/terms.h"
#include "sim/config/say.h"
#include "sim/config/scenario.h"
#include "sim/target.h"

#include <stddef.h>

struct diag;

/* Above this yearly increase the solver gives up. */
#define SOLVE_MAX_YUAN 100000.0
#define SOLVE_MAX_ADJUST 3

/* What an adjusted setting is: a yuan timeline of struct policy raised by x a
 * year from `from` (solve_raise), or a number of a continuation rule
 * (policy.continuation, models/timeline.h) set to its value + x: the yearly
 * step in yuan of rule "step", or the extra growth above the index of rules
 * "income" and "price". A continuation changes each timeline from the year
 * after its own last dated value. */
enum solve_kind { SOLVE_TIMELINE, SOLVE_CONTINUATION };

/* A setting that can be adjusted. */
struct solve_setting {
    const char *key; /* as in the scenario file */
    size_t offset;   /* of its struct step (timeline) or double (continuation) in struct policy */
    int kind;        /* enum solve_kind */
    int continued;   /* continuation: enum continued */
    int rule, other_rule; /* continuation: the rules (enum continuation_rule) it applies to */
    enum term unit;       /* of x, for messages: "yuan a year", "a year above the index" */
    double first_probe;   /* the first increase tried above 0 when bracketing */
    double max;           /* the largest increase tried */
    double default_step;  /* the answer is a multiple of it */
};

/* Every adjustable setting, ending with {0}. */
extern const struct solve_setting solve_settings[];

/* The setting called `key`, or NULL. */
const struct solve_setting *solve_setting_find(const char *key);

/* The entries of the raised timeline (solve_raise) at most. */
size_t solve_raised_size(const struct step *base, int from, int last);

/* Writes into `out` (key and value arrays of solve_raised_size entries) the
 * timeline `base` raised by x a year from `from` to `last` (start_year ≤
 * from ≤ last), as from start_year on: the value in force at start_year (dated
 * start_year), base's entries before `from`, one entry a year from `from` to
 * `last`, and base's later entries, each raised by x·(last − from + 1). */
void solve_raise(const struct step *base, int start_year, int from, int last, double x,
                 struct step *out);

/* The default first year of the increase: the year after the timeline's last
 * dated entry, at least start_year + 1. */
int solve_default_from(const struct step *t, int start_year);

/* A continuation's first year of change: the year after the earliest last
 * dated value of the timelines it governs, over the regions. */
int solve_continuation_from(const struct scenario *s, const struct solve_setting *k);

struct solve_options {
    struct target target;
    const struct solve_setting *adjust[SOLVE_MAX_ADJUST];
    size_t n_adjust;
    int from;    /* first year of the increase: start year ≤ from ≤ target year */
    double step; /* the answer is a multiple of it; > 0 */
    int threads;
    struct say say; /* a note per trial run */
    enum lang lang; /* of those notes */
};

struct solve_result {
    double x;                 /* the answer */
    size_t paths, allowed;    /* N, and k: the most depleted paths the target allows */
    size_t depleted;          /* paths depleted at the answer (≤ allowed) */
    size_t depleted_below;    /* at the answer − step (> allowed); 0 when the answer is 0 */
    double p_low, p_high;     /* Wilson 95 % interval of P(depletion) at the answer */
    size_t rank_low, rank_up; /* l and u; rank_low = 0: the interval's upper end is unbounded */
    double ci_low, ci_high;   /* 95 % interval of x; INFINITY: unbounded or beyond
                                           SOLVE_MAX_YUAN */
    size_t runs;              /* trial settings run */
};

/* Solves for the target on s's simulation.paths paths. The scenario's horizon
 * must reach the target's year (years after it only cost time). s is changed
 * during trial runs and restored. Returns 0, or -1 with the problem in `d`: a
 * runtime failure or an unreachable target (DIAG_RUNTIME), or a scenario
 * problem. */
int solve_run(struct scenario *s, const struct solve_options *o, struct solve_result *r,
              struct diag *d);

#endif
