/* disease.h: the disease-spectrum driver: the share of each region's people
 * with each chronic or special condition (门诊慢特病: at least hypertension,
 * diabetes, outpatient cancer treatment, dialysis, anti-rejection therapy), by
 * age and sex, and what that does to inpatient use.
 *
 * The state is the prevalence share p_c[sex][age] in the WHOLE population of
 * the region (the population driver ages and kills the whole population; the
 * enrollees of a cell are assumed to have its prevalence: no selection by
 * health into or out of the fund). Each year every cohort moves one age up:
 *
 *   q = all-cause death probability of the cell (population driver), split so
 *       that q_with = k q_without and p q_with + (1 - p) q_without = q;
 *   survivors with the condition   S_c = p (1 - q_with),
 *   survivors without it           S_n = (1 - p)(1 - q_without),
 *   p(age + 1, t + 1) = (S_c persistence + S_n min(1, i(age) L_c(t))) / (S_c + S_n),
 *
 * newborns take the starting table's value at age 0, and the open group 100+
 * mixes the cohorts arriving from 99 and staying at 100, weighted by persons.
 * L_c is the incidence level, 1 in the start year:
 *   L_c(t + 1) = L_c(t) exp(ln(1 + trend) - sigma^2 / 2 + sigma z),  z ~ N(0, 1),
 * so that E[L(t + 1) / L(t)] = 1 + trend; with parameter risk
 * (models/parameters.h) the path adds its own deviation delta to
 * ln(1 + trend) of every condition. One normal per condition per step:
 * the step draws nothing else, so the engine may hand every region the same
 * stream (region STREAM_ALL_REGIONS) for one epidemiological shock per path, or
 * each region its own.
 *
 * Output: patients per condition by cell among the enrollees, and per cell the
 * inpatient-use multiplier 1 + sum_c p_c (m_c - 1), the mean over the cell when
 * each condition adds its excess use m_c - 1 (no interaction between
 * conditions; it holds whatever the correlation of the conditions). */
#ifndef FUNDSIM_DISEASE_H
#define FUNDSIM_DISEASE_H

#include "models/ages.h"
#include "sim/config/limit.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

struct diag;
struct parameter_draw;

/* In the order a step reads them: its numbers, then its incidence table, the
 * newborns' share (prevalence0[sex][0]) right after it, and the rest of
 * prevalence0 (read only at the start of a path) last. The models of the
 * regions are apart in memory and seldom in the cache when a step begins:
 * read in one forward run, their lines come in as one stream. */
struct disease_condition {
    double persistence, excess_mortality;
    double log_trend_mean; /* ln(1 + trend) - volatility^2 / 2 */
    double trend_volatility;
    double inpatient_excess;             /* inpatient_multiplier - 1 */
    double incidence[N_AGES];            /* per person-year without it, start year */
    double prevalence0[N_SEXES][N_AGES]; /* the scenario's table: the start year */
};

/* The read-only parameters (struct disease_params in scenario.h holds the
 * scenario's settings; this is made from them). */
struct disease_model {
    size_t n;
    struct disease_condition c[LIMIT_CONDITIONS];
};

/* The small fields first: after the tables of LIMIT_CONDITIONS conditions
 * they would sit 100 kB on, on a page of their own, away from the few
 * conditions in use. */
struct disease_state {
    double trend_shift; /* the path's deviation added to every ln(1 + trend) */
    double incidence_level[LIMIT_CONDITIONS]; /* L_c */
    double prevalence[LIMIT_CONDITIONS][N_SEXES][N_AGES];
};

struct disease_out {
    struct by_age inpatient_multiplier;       /* 1 + sum_c p_c (m_c - 1) */
    double total[LIMIT_CONDITIONS];           /* patients, all cells */
    struct by_age patients[LIMIT_CONDITIONS]; /* among the enrollees */
};

/* Makes the parameters for regions[region] of `s` (the conditions are the
 * scenario's, the same in every region today). Returns 0, or -1 with the
 * problem added to `d`. */
int disease_model_init(struct disease_model *p, const struct scenario *s, size_t region,
                       struct diag *d);

/* The state at the start of a path: the scenario's prevalence, L = 1, and
 * the path's PARAM_DISEASE_TREND deviation from `draw` (NULL: none). */
void disease_state_init(struct disease_state *st, const struct disease_model *p,
                        const struct parameter_draw *draw);

/* Splits the all-cause death probability q of a cell where a share `prev` has
 * a condition with excess mortality k: *with = k *without (as far as a
 * probability allows: at most 1) and prev *with + (1 - prev) *without = q. */
void disease_death_split(double q, double prev, double k, double *with, double *without);

/* One year: fills `out` with the year's patients among `enrollees`, then
 * ages the prevalence one year with the year's all-cause death probability by
 * cell (`death_rate`: deaths during the year over `persons`, the residents at
 * its start, both from the population driver) and moves the incidence levels.
 * Draws one normal per condition from `r`. */
void disease_step(const struct disease_model *p, struct disease_state *st,
                  const struct by_age *persons, const struct by_age *death_rate,
                  const struct by_age *enrollees, gsl_rng *r, struct disease_out *out);

#endif
