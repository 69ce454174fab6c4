/* disease.c: the disease-spectrum driver (see disease.h for the equations).
 *
 * The main data structure is the prevalence table of each condition,
 * [sex][age] shares of the region's people, which a step ages by one year in
 * one pass per condition and sex: each cohort's survivors with the
 * condition, then the new share one age up. O(conditions x cells), one
 * division per cell and condition, one normal draw per condition. */
#include "models/disease.h"

#include "models/clones.h"
#include "models/parameters.h"
#include "models/prefetch.h"
#include "sim/config/diag.h"
#include "sim/config/step.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int disease_model_init(struct disease_model *p, const struct scenario *s, size_t region,
                       struct diag *d)
{
    (void)region; /* the conditions are the scenario's; regions do not override them yet */
    p->n = 0;
    if (s->disease.n > LIMIT_CONDITIONS) {
        diag_path(d, "disease.conditions", NULL, 0, "expected at most %d conditions, got %zu",
                  LIMIT_CONDITIONS, s->disease.n);
        return -1;
    }
    p->n = s->disease.n;
    for (size_t k = 0; k < p->n; k++) {
        const struct condition_params *c = &s->disease.conditions[k];
        struct disease_condition *m = &p->c[k];
        for (int a = 0; a < N_AGES; a++) {
            for (int sex = 0; sex < N_SEXES; sex++)
                m->prevalence0[sex][a] = step_at(&c->prevalence[sex], a);
            m->incidence[a] = step_at(&c->incidence, a);
        }
        m->persistence = c->persistence;
        m->excess_mortality = c->excess_mortality;
        m->trend_volatility = c->trend_volatility;
        m->log_trend_mean = log1p(c->trend) - 0.5 * c->trend_volatility * c->trend_volatility;
        m->inpatient_excess = c->inpatient_multiplier - 1;
    }
    return 0;
}

void disease_state_init(struct disease_state *st, const struct disease_model *p,
                        const struct parameter_draw *draw)
{
    st->trend_shift = draw ? draw->delta[PARAM_DISEASE_TREND] : 0;
    for (size_t k = 0; k < p->n; k++) {
        for (int sex = 0; sex < N_SEXES; sex++)
            for (int a = 0; a < N_AGES; a++)
                st->prevalence[k][sex][a] = p->c[k].prevalence0[sex][a];
        st->incidence_level[k] = 1;
    }
}

void disease_death_split(double q, double prev, double k, double *with, double *without)
{
    double wo = q / (1 + prev * (k - 1));
    double w = k * wo;
    if (w > 1) {
        /* Everyone with the condition dies; the others carry the rest. Here
         * prev < 1, since with prev = 1, w = q <= 1. */
        w = 1;
        wo = (q - prev) / (1 - prev);
        if (wo < 0) wo = 0;
    }
    *with = w;
    *without = wo;
}

/* One condition's table of one sex for a year: first its patients among
 * `enrolled` and its part of the inpatient multiplier `m` (the shares at the
 * start of the year), then the table aged by the year. Both in one pass over
 * the cells: the table is read once, from wherever it was (a region's tables
 * are seldom still in the cache when its step begins).
 *
 * Survivors of a cohort with the condition at the end of the year, per
 * person at its start, are p (1 - q_with) persistence + (1 - p)(1 - q_without)
 * incidence; all its survivors are 1 - q whatever the split (the split keeps
 * the deaths), so the new share is that over 1 - q: `alive_inv` holds
 * 1 / (1 - q), or 0 where everyone dies. `incidence` is the year's
 * min(1, i(age) L), the same for both sexes. `first` is the youngest age at
 * which the cap of disease_death_split may bind (N_AGES: none; see
 * disease_step). Also compiled for AVX2 (clones.h): the divisions 4 at a time
 * instead of 2. */
AVX2_CLONES static void age_one(const struct disease_condition *restrict c,
                                const double *restrict incidence, double *restrict prev,
                                const double *restrict enrolled, double *restrict patients,
                                double *restrict m, const double *restrict persons,
                                const double *restrict death_rate, const double *restrict alive_inv,
                                double newborn, int first)
{
    const int last = N_AGES - 1;
    const double k = c->excess_mortality, kept = c->persistence, excess = c->inpatient_excess;
    double num[N_AGES];
    /* The split of disease_death_split without its cap, in a loop the
     * compiler vectorizes (no branch). The multiplier adds the conditions in
     * their order, as the caller calls this. */
    for (int a = 0; a < N_AGES; a++) {
        double p = prev[a], q = death_rate[a];
        patients[a] = p * enrolled[a];
        m[a] += p * excess;
        double without = q / (1 + p * (k - 1)), with = k * without;
        num[a] = p * (1 - with) * kept + (1 - p) * (1 - without) * incidence[a];
    }
    /* From `first` on, the cells done again where the cap binds (with > 1),
     * with the capped split of disease_death_split (with = 1), worked out in
     * every cell and selected: the cells beyond are few and scattered among
     * the oldest, and a test per cell cost more in mispredicted branches than
     * one more division per cell. The same operations as the loop above and
     * disease_death_split, so the same bits. Loops that each vectorize: a
     * selection after a division in the same loop becomes a branch (the
     * division might trap, so the compiler will not do it in every cell). */
    if (first < N_AGES) {
        double beyond[N_AGES], capped[N_AGES];
        for (int a = first; a < N_AGES; a++) {
            double p = prev[a], q = death_rate[a];
            double without = q / (1 + p * (k - 1)), with = k * without;
            beyond[a] = with - 1;
        }
        for (int a = first; a < N_AGES; a++) {
            double without = (death_rate[a] - prev[a]) / (1 - prev[a]);
            capped[a] = without < 0 ? 0 : without;
        }
        for (int a = first; a < N_AGES; a++) {
            double p = prev[a], with = 1;
            capped[a] = p * (1 - with) * kept + (1 - p) * (1 - capped[a]) * incidence[a];
        }
        for (int a = first; a < N_AGES; a++)
            num[a] = beyond[a] > 0 ? capped[a] : num[a];
    }
    /* The open group: the cohort arriving from 99 and the one staying at 100+. */
    double n = persons[last - 1] * num[last - 1] + persons[last] * num[last];
    double d =
        persons[last - 1] * (1 - death_rate[last - 1]) + persons[last] * (1 - death_rate[last]);
    double open = d > 0 ? n / d : num[last - 1] * alive_inv[last - 1];
    prev[last] = open > 1 ? 1 : open;
    /* Every other cohort one age up; upwards, so that the loop vectorizes
     * (`num` holds what it reads, so the order does not matter). */
    for (int a = 1; a < last; a++) {
        double x = num[a - 1] * alive_inv[a - 1];
        prev[a] = x < 1 ? x : 1; /* rounding aside, x <= 1 */
    }
    prev[0] = newborn;
}

/* The sum over the cells in four partial sums: one chain of 202 additions,
 * each waiting for the one before, would be the slowest part of the step. */
static inline double sum_cells(const struct by_age *x)
{
    double s[4] = {0};
    for (int sex = 0; sex < N_SEXES; sex++) {
        const double *v = x->at[sex];
        int a = 0;
        for (; a + 4 <= N_AGES; a += 4)
            for (int j = 0; j < 4; j++)
                s[j] += v[a + j];
        for (; a < N_AGES; a++)
            s[0] += v[a];
    }
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/* What a step reads of condition k (k < LIMIT_CONDITIONS), asked for. */
static inline void prefetch_condition(const struct disease_model *p, const struct disease_state *st,
                                      size_t k)
{
    prefetch_lines(&p->c[k], offsetof(struct disease_condition, prevalence0[0][1]));
    prefetch_lines(&p->c[k].prevalence0[SEX_FEMALE][0], sizeof(double));
    prefetch_lines(&st->incidence_level[k], sizeof *st->incidence_level);
    prefetch_lines(st->prevalence[k], sizeof st->prevalence[k]);
}

AVX2_CLONES void disease_step(const struct disease_model *p, struct disease_state *st,
                              const struct by_age *persons, const struct by_age *death_rate,
                              const struct by_age *enrollees, gsl_rng *r, struct disease_out *out)
{
    /* The region's model and state (prefetch.h), in while the divisions
     * below run: the first condition's before them, at addresses that need
     * nothing from memory (the count of conditions is in the model: waiting
     * for it stopped the step at its start), the others' after them. */
    prefetch_lines(p, sizeof p->n);
    prefetch_condition(p, st, 0);
    /* 1 / (1 - q) in every cell, or 0 / 1 where everyone dies: one division
     * per cell whatever its value, after the selections, so that the loops
     * have no branch and vectorize. */
    struct by_age alive, alive_inv;
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int a = 0; a < N_AGES; a++) {
            double x = 1 - death_rate->at[sex][a];
            alive.at[sex][a] = x > 0 ? x : 1;
            alive_inv.at[sex][a] = x > 0 ? 1 : 0;
        }
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int a = 0; a < N_AGES; a++)
            alive_inv.at[sex][a] /= alive.at[sex][a];
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int a = 0; a < N_AGES; a++)
            out->inpatient_multiplier.at[sex][a] = 1;
    for (size_t k = 1; k < p->n; k++)
        prefetch_condition(p, st, k);
    /* Where the cap of disease_death_split may bind: with = k fl(q / (1 +
     * p (k - 1))) <= fl(k q) for k >= 1 and p, q >= 0 (the divisor is at
     * least 1, and rounding keeps the order), so only at ages where
     * fl(k q) > 1: from the youngest block of four ages (b, at 4 b to 4 b +
     * 3) where fl(k top) > 1, `top[b]` the highest q at those ages or below
     * (it first rises in the block of that youngest age). That bound skips
     * the test in every cell of the conditions whose excess mortality never
     * reaches it, and in the younger cells of the others. Four running
     * highest, one per age in a block, which the compiler keeps in one
     * register. */
    enum { BLOCKS = (N_AGES + 3) / 4 };
    double top[N_SEXES][BLOCKS];
    for (int sex = 0; sex < N_SEXES; sex++) {
        const double *q = death_rate->at[sex];
        double highest[4] = {0};
        for (int b = 0; b < BLOCKS; b++) {
            for (int j = 0; j < 4; j++) {
                double x = 4 * b + j < N_AGES ? q[4 * b + j] : 0;
                highest[j] = x > highest[j] ? x : highest[j];
            }
            double h01 = highest[0] > highest[1] ? highest[0] : highest[1];
            double h23 = highest[2] > highest[3] ? highest[2] : highest[3];
            top[sex][b] = h01 > h23 ? h01 : h23;
        }
    }
    for (size_t k = 0; k < p->n; k++) {
        const struct disease_condition *c = &p->c[k];
        double incidence[N_AGES], level = st->incidence_level[k];
        for (int a = 0; a < N_AGES; a++) {
            double i = c->incidence[a] * level;
            incidence[a] = i < 1 ? i : 1;
        }
        for (int sex = 0; sex < N_SEXES; sex++) {
            int first = N_AGES, b = BLOCKS;
            if (!(c->excess_mortality >= 1)) {
                first = 0; /* no bound: every cell tested */
            } else {
                while (b > 0 && c->excess_mortality * top[sex][b - 1] > 1)
                    b--;
                if (b < BLOCKS) first = 4 * b;
            }
            age_one(c, incidence, st->prevalence[k][sex], enrollees->at[sex],
                    out->patients[k].at[sex], out->inpatient_multiplier.at[sex], persons->at[sex],
                    death_rate->at[sex], alive_inv.at[sex], c->prevalence0[sex][0], first);
        }
        out->total[k] = sum_cells(&out->patients[k]);
    }

    /* One draw per condition, even without volatility, so that every
     * condition sees the same numbers whatever the others' settings. */
    for (size_t k = 0; k < p->n; k++) {
        double z = gsl_ran_gaussian(r, 1.0);
        const struct disease_condition *c = &p->c[k];
        st->incidence_level[k] *=
            exp(c->log_trend_mean + st->trend_shift + c->trend_volatility * z);
    }
}
