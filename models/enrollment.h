/* enrollment.h: the enrollment driver: who is in a region's residents' fund
 * (居民医保) this year, by age and sex, and the counts the financing rules need.
 *
 * Per region-year, from the region's persons by cell (the population driver),
 * the year's individual contribution and the previous year's per-capita
 * disposable income (the engine passes both: the financing rules and the
 * economy driver compute them):
 *
 *   persons = students (ages 18-22) + others;
 *   eligible = students + others x (1 - employee share(age));
 *   eligible others = assisted categories (share c_k(t) each)
 *                   + the rest, local or residence-permit holders;
 *   enrollees = students x p_student + categories x p_vulnerable
 *             + rest x (1 - permit + permit x local) x p(t),
 *   p(t) = logistic(logit(min(1, p0 x (b(t) / b0)^elasticity)) + h(t) + sigma z),
 *   h(t) = trend x (min(t, L) - F) for F < t, else 0 (a calibrated run's
 *          residual trend over its history F..L, held after L),
 *   b(t) = contribution(t) / income(t - 1),
 *   z_t = rho z_(t-1) + sqrt(1 - rho^2) e_t,  e_t ~ N(0, 1), one draw per region-year,
 * rho = enrollment.shock_persistence, z of the first projected year = e (the
 * AR(1) starts stationary: every year's z is standard normal, and rho = 0
 * gives independent years). A persistent shock is a run of years in which
 * people stay out (or in): a falling enrollment is seldom undone the next year.
 *
 * Those aged 0 on 1 January were born last year and enroll like everyone else;
 * the year's own births enroll at p_newborn (enrollment_add_births), covered
 * from birth and exempt from the waiting period (002).
 *
 * The state carries the employee-scheme shares as they drift, at the path's
 * own yearly shift (the scenario's employee_shift plus the path's
 * PARAM_EMPLOYEE_SHIFT deviation, models/parameters.h), and last year's z.
 * One normal draw per step. See models/README.md for the parameters and their sources. */
#ifndef FUNDSIM_ENROLLMENT_H
#define FUNDSIM_ENROLLMENT_H

#include "models/ages.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

struct diag;
struct parameter_draw;

/* College students are counted at these ages (a full-time course from 18). */
#define ENROLLMENT_STUDENT_FIRST_AGE 18
#define ENROLLMENT_STUDENT_LAST_AGE 22
/* The employee-scheme share drifts at these ages (flexible workers moving in);
 * above them each cohort keeps the share it retired with. */
#define ENROLLMENT_WORK_FIRST_AGE 18
#define ENROLLMENT_WORK_LAST_AGE 59

/* The read-only parameters of one region (struct enrollment_params in
 * scenario.h holds the scenario's settings; this is made from them). */
struct enrollment_model {
    int start_year;
    double employee_share[N_AGES]; /* at the start, by age */
    double employee_shift;         /* added yearly at working ages */
    double category_share[N_CATEGORIES], category_trend[N_CATEGORIES];
    double district_share;
    /* Students per person aged 18-22, from the region's students and its
     * starting age structure (more students than that is an error); students
     * follow the cohort's size. */
    double student_share;
    double student_city_share; /* share of the students at city-run colleges */
    double permit_share;       /* residence-permit holders among the others */
    double permit_local_share; /* of whom enroll here */
    double participation;      /* p0: ordinary participation at the reference burden */
    double reference_burden;   /* b0: start-year contribution / income of the year before */
    double elasticity, participation_volatility;
    double shock_persistence; /* rho */
    /* The residual trend of the history (calibration.participation_trend):
     * added to the log-odds of p(t) as trend x (min(t, to) - from) for t >
     * from, so held at its level after `to` (history_end_year); from: the
     * region's first actual year with enrollees at or after the start year. */
    double participation_trend;
    int trend_from, trend_to;
    double vulnerable_participation, student_participation, newborn_share, late_share;
    /* category_share x (1 + category_trend)^n for the years n = 0 .. n_compounded - 1
     * after the start, worked out once (the same pow calls the step would
     * make every region-year of every path); the step makes them itself
     * outside that range, and always when n_compounded is 0 (a model made by
     * hand, in the tests). Last: a step reads one row of it, and everything
     * above (less than 1 kB, together). */
    int n_compounded;
    double compounded[LIMIT_YEARS][N_CATEGORIES];
};

/* What changes along a path: the drift of the employee-scheme share. */
struct enrollment_state {
    double employee_drift[N_AGES]; /* added to the starting share, by age */
    double employee_shift;         /* the path's yearly shift at working ages */
    double shock;                  /* z of the last step */
    bool started;                  /* a step has run */
};

/* The year's enrollment of one region. Every count is in persons. */
struct enrollment_out {
    struct by_age enrollees; /* everyone enrolled */
    struct by_age late;      /* of whom late payers, waiting policy.waiting_days */
    double total;
    double by_class[N_CLASSES];                      /* enum subsidy_class; sums to total */
    double assisted[N_CATEGORIES][CLASS_COUNTY + 1]; /* [category][CLASS_DISTRICT or _COUNTY] */
    double assisted_total;
    double ordinary; /* self-paying: total - assisted_total (students, newborns included) */
    double students, permit_holders, late_payers;
    double newborns;      /* the year's births enrolled (enrollment_add_births), not in the cells */
    double eligible;      /* persons not in the employee scheme */
    double not_enrolled;  /* eligible - total (including permit holders enrolled elsewhere) */
    double participation; /* p(t), the year's ordinary participation after the shock */
};

/* Makes the parameters of regions[region] of `s`. Returns 0, or -1 with the
 * problem added to `d` (a non-positive income when the elasticity needs it). */
int enrollment_model_init(struct enrollment_model *p, const struct scenario *s, size_t region,
                          struct diag *d);

/* The state at the start of a path, with the path's parameter deviations
 * `draw` (NULL: none). */
void enrollment_state_init(struct enrollment_state *st, const struct enrollment_model *p,
                           const struct parameter_draw *draw);

/* The ordinary participation p(t) before the shock: p0 (b / b0)^elasticity, at
 * most 1 (1 for a free contribution). */
double enrollment_price_participation(const struct enrollment_model *p, double contribution_yuan,
                                      double income_yuan);

/* One year: fills `out` from `persons` (the region's residents by cell) and
 * advances the employee-scheme drift by a year. Draws one normal from `r`. */
void enrollment_step(const struct enrollment_model *p, struct enrollment_state *st, int year,
                     const struct by_age *persons, double contribution_yuan,
                     double prev_income_yuan, gsl_rng *r, struct enrollment_out *out);

/* The year's births (by sex) who enroll in their year of birth: newborn_share of
 * them (no newborn is in the employee scheme). Adds them to `out` (total,
 * ordinary, newborns and the residents' classes, not to the cells by age, which
 * are the persons of 1 January) and returns them by sex in `born`. They pay the
 * year's contribution (assumed: the notices do not say whether a newborn pays a
 * full year) and claim from birth. */
void enrollment_add_births(const struct enrollment_model *p, const double births[N_SEXES],
                           struct enrollment_out *out, double born[N_SEXES]);

#endif
