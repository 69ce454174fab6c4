/* enrollment.c: the enrollment driver (see enrollment.h for the equations).
 *
 * The main data structure is the per-cell split of a region's persons into
 * the groups that enroll differently: students, the employee scheme, the
 * assisted categories, and the others, local or holding a residence permit.
 * A step is O(cells) with one normal draw: the 202 cells' figures in a
 * vectorized pass, then their sums in the cells' order; everything that
 * depends only on the scenario (the starting shares by age, the reference
 * contribution burden, the students per person of college age) is worked out
 * once in enrollment_model_init. */
#include "models/enrollment.h"

#include "models/clones.h"
#include "models/parameters.h"
#include "models/prefetch.h"
#include "sim/config/diag.h"
#include "sim/config/step.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* Persons aged first..last (single years) in a table of age groups, each group
 * spread evenly over its years. The last group is open: spread over the years
 * to 100 (the model's last cell). */
static double persons_in_ages(const struct age_groups *g, int first, int last)
{
    double sum = 0;
    for (size_t k = 0; k < g->n; k++) {
        int lo = g->first_age[k];
        int hi = k + 1 < g->n ? g->first_age[k + 1] - 1 : (lo > N_AGES - 1 ? lo : N_AGES - 1);
        int a = lo > first ? lo : first, b = hi < last ? hi : last;
        if (b < a) continue;
        double share = (double)(b - a + 1) / (double)(hi - lo + 1);
        sum += share * (g->persons[SEX_MALE][k] + g->persons[SEX_FEMALE][k]);
    }
    return sum;
}

/* Category k's share of the eligible others in `year`, compounded from the
 * start year. */
static double category_share(const struct enrollment_model *p, int k, int year)
{
    return p->category_share[k] * pow(1 + p->category_trend[k], year - p->start_year);
}

int enrollment_model_init(struct enrollment_model *p, const struct scenario *s, size_t region,
                          struct diag *d)
{
    const struct region *rg = &s->regions[region];
    const struct enrollment_params *e = &s->enrollment;
    *p = (struct enrollment_model){0};
    p->start_year = s->simulation.start_year;
    for (int a = 0; a < N_AGES; a++)
        p->employee_share[a] = step_at(&rg->employee_share, a);
    p->employee_shift = e->employee_shift;
    for (int k = 0; k < N_CATEGORIES; k++) {
        p->category_share[k] = rg->category_share[k];
        p->category_trend[k] = e->category_trend[k];
    }
    p->district_share = rg->district_share;
    p->n_compounded = s->simulation.years < LIMIT_YEARS ? s->simulation.years : LIMIT_YEARS;
    for (int n = 0; n < p->n_compounded; n++)
        for (int k = 0; k < N_CATEGORIES; k++)
            p->compounded[n][k] = category_share(p, k, p->start_year + n);

    /* Students are counted inside the population where they study (the census
     * counts them there), spread over ages 18-22 like the region's persons. */
    double students = rg->students_city_run + rg->students_provincial_run;
    if (students > 0) {
        double college_age = persons_in_ages(&rg->age_structure, ENROLLMENT_STUDENT_FIRST_AGE,
                                             ENROLLMENT_STUDENT_LAST_AGE);
        if (!(students <= college_age)) {
            diag_path(d, "regions.students", NULL, 0,
                      "%s: %.0f college students, but only %.0f persons aged %d-%d in its age "
                      "structure; lower the students or give the region its own age structure",
                      rg->name, students, college_age, ENROLLMENT_STUDENT_FIRST_AGE,
                      ENROLLMENT_STUDENT_LAST_AGE);
            return -1;
        }
        p->student_share = students / college_age;
        p->student_city_share = rg->students_city_run / students;
    }

    p->permit_share = rg->permit_share;
    p->permit_local_share = e->permit_local_share;
    /* the calibrated scale is 1 unless `fundsim calibrate` fitted one */
    p->participation = fmin(1.0, e->participation * (1 + rg->participation_change));
    p->elasticity = e->elasticity;
    p->participation_volatility = e->participation_volatility;
    p->shock_persistence = e->shock_persistence;
    p->participation_trend = rg->participation_trend;
    p->trend_to = s->calibration.history_end_year;
    for (size_t j = 0; j < rg->n_actuals && !p->trend_from; j++)
        if (rg->actuals[j].year >= p->start_year && !isnan(rg->actuals[j].enrollees))
            p->trend_from = rg->actuals[j].year;
    p->vulnerable_participation = e->vulnerable_participation;
    p->student_participation = e->student_participation;
    p->newborn_share = e->newborn_share;
    p->late_share = e->late_share;

    /* The reference burden: the start year's contribution (fixed part plus the
     * income-linked part, as the financing rules compute it) over the income of
     * the year before, at which participation is p0. */
    double income = s->economy.income_yuan;
    double contribution = step_at(&rg->policy.individual_yuan, p->start_year) +
                          step_at(&rg->policy.income_rate, p->start_year) * income;
    if (p->elasticity != 0 && !(income > 0)) {
        diag_path(d, "economy.income_yuan", NULL, 0,
                  "expected a positive income: enrollment.elasticity (%g) relates participation "
                  "to the contribution relative to income",
                  p->elasticity);
        return -1;
    }
    if (p->elasticity != 0 && !(contribution > 0)) {
        diag_path(d, "policy.contribution.individual_yuan", NULL, 0,
                  "expected a positive contribution in %d (regions[%zu]): enrollment.elasticity "
                  "(%g) needs it as the reference; set the elasticity to 0 for a free scheme",
                  p->start_year, region, p->elasticity);
        return -1;
    }
    p->reference_burden = income > 0 ? contribution / income : 0;
    return 0;
}

void enrollment_state_init(struct enrollment_state *st, const struct enrollment_model *p,
                           const struct parameter_draw *draw)
{
    *st = (struct enrollment_state){.employee_shift = p->employee_shift};
    if (draw) st->employee_shift = p->employee_shift + draw->delta[PARAM_EMPLOYEE_SHIFT];
}

double enrollment_price_participation(const struct enrollment_model *p, double contribution_yuan,
                                      double income_yuan)
{
    if (p->elasticity == 0) return p->participation;
    double burden = contribution_yuan / income_yuan;
    if (!(burden > 0)) return p->participation > 0 ? 1.0 : 0.0; /* free: all who would */
    double q = p->participation * pow(burden / p->reference_burden, p->elasticity);
    return q < 1 ? q : 1.0;
}

/* Retired cohorts keep the drift they had at the last working age; the
 * working ages take this year's shift (the labour market changes for all of
 * them at once). The open group 100+ mixes the cohort arriving from 99 with
 * the one already there, by persons. */
static void advance_drift(struct enrollment_state *st, const struct by_age *persons)
{
    double *d = st->employee_drift;
    double w99 = persons->at[SEX_MALE][N_AGES - 2] + persons->at[SEX_FEMALE][N_AGES - 2];
    double w100 = persons->at[SEX_MALE][N_AGES - 1] + persons->at[SEX_FEMALE][N_AGES - 1];
    if (w99 + w100 > 0) d[N_AGES - 1] = (w99 * d[N_AGES - 2] + w100 * d[N_AGES - 1]) / (w99 + w100);
    for (int a = N_AGES - 2; a > ENROLLMENT_WORK_LAST_AGE; a--)
        d[a] = d[a - 1];
    for (int a = ENROLLMENT_WORK_FIRST_AGE; a <= ENROLLMENT_WORK_LAST_AGE; a++)
        d[a] += st->employee_shift;
}

AVX2_CLONES void enrollment_step(const struct enrollment_model *p, struct enrollment_state *st,
                                 int year, const struct by_age *persons, double contribution_yuan,
                                 double prev_income_yuan, gsl_rng *r, struct enrollment_out *out)
{
    /* The region's model and state (prefetch.h), in while the draw and the
     * participation's exponentials are worked out. */
    prefetch_lines(p, offsetof(struct enrollment_model, compounded));
    prefetch_lines(st, sizeof *st);
    int n = year - p->start_year;
    bool compounded = n >= 0 && n < p->n_compounded;
    if (compounded) prefetch_lines(p->compounded[n], sizeof p->compounded[n]);
    /* The one draw comes first, whatever the parameters, so that a variant
     * with other settings sees the same shock. */
    double e = gsl_ran_gaussian(r, 1.0);
    double rho = p->shock_persistence;
    double z = st->started ? rho * st->shock + sqrt(1 - rho * rho) * e : e;
    st->shock = z;
    st->started = true;
    double q = enrollment_price_participation(p, contribution_yuan, prev_income_yuan);
    if (q > 0 && q < 1) {
        double x = log(q / (1 - q));
        if (p->participation_trend != 0 && p->trend_from && p->trend_to > p->trend_from &&
            year > p->trend_from)
            x += p->participation_trend *
                 (double)((year < p->trend_to ? year : p->trend_to) - p->trend_from);
        q = 1 / (1 + exp(-(x + p->participation_volatility * z)));
    }

    /* Category shares compound from the start year; if they would add up to
     * more than everyone, they are scaled down together. */
    double cat[N_CATEGORIES], cat_sum = 0;
    for (int k = 0; k < N_CATEGORIES; k++) {
        cat[k] = compounded ? p->compounded[n][k] : category_share(p, k, year);
        cat_sum += cat[k];
    }
    if (cat_sum > 1) {
        for (int k = 0; k < N_CATEGORIES; k++)
            cat[k] /= cat_sum;
        cat_sum = 1;
    }
    /* Others enroll here unless they hold a permit and stay enrolled at home. */
    double here = 1 - p->permit_share + p->permit_share * p->permit_local_share;

    /* Every field zero but the two tables by cell, which come first in the
     * structure and which the loop below writes in every cell: zeroed as
     * well, their 404 cells would be stored twice. */
    static_assert(offsetof(struct enrollment_out, total) == 2 * sizeof(struct by_age),
                  "the two tables by cell, and nothing else, come before the counts");
    memset((char *)out + offsetof(struct enrollment_out, total), 0,
           sizeof *out - offsetof(struct enrollment_out, total));
    /* Each cell's figures in a loop without a sum, which vectorizes; then the
     * sums in one pass over the cells in their order, the same additions as
     * in one loop. A cell outside the student ages has 0 x n = 0 students. */
    const double student_share = p->student_share;
    const double student_participation = p->student_participation;
    const double vulnerable_participation = p->vulnerable_participation;
    const double late_share = p->late_share, permit_share = p->permit_share;
    const double permit_local_share = p->permit_local_share;
    /* The employee scheme's share of each age, share + drift within [0, 1],
     * the same for both sexes: its two bounds in loops of their own, which
     * vectorize. */
    double employed[N_AGES];
    for (int a = 0; a < N_AGES; a++) {
        double x = p->employee_share[a] + st->employee_drift[a];
        employed[a] = x < 0 ? 0 : x;
    }
    for (int a = 0; a < N_AGES; a++)
        employed[a] = employed[a] > 1 ? 1 : employed[a];
    double in_categories = 0, students = 0, permit = 0, late = 0, eligible = 0, total = 0;
    for (int s = 0; s < N_SEXES; s++) {
        const double *restrict n = persons->at[s];
        double *restrict enrolled = out->enrollees.at[s], *restrict late_at = out->late.at[s];
        double eligible_at[N_AGES], others_at[N_AGES], students_at[N_AGES], permit_at[N_AGES];
        for (int a = 0; a < N_AGES; a++) {
            bool college = a >= ENROLLMENT_STUDENT_FIRST_AGE && a <= ENROLLMENT_STUDENT_LAST_AGE;
            double stu = (college ? student_share : 0) * n[a];
            double others = (n[a] - stu) * (1 - employed[a]);
            double rest = others * (1 - cat_sum) * here * q;
            double e_stu = stu * student_participation;
            double e_cat = others * cat_sum * vulnerable_participation;
            enrolled[a] = e_stu + e_cat + rest;
            late_at[a] = late_share * rest;
            eligible_at[a] = stu + others;
            others_at[a] = others;
            students_at[a] = e_stu;
            permit_at[a] = others * (1 - cat_sum) * permit_share * permit_local_share * q;
        }
        for (int a = 0; a < N_AGES; a++) {
            eligible += eligible_at[a];
            students += students_at[a];
            in_categories += others_at[a];
            permit += permit_at[a];
            late += late_at[a];
            total += enrolled[a];
        }
    }
    out->total = total;

    for (int k = 0; k < N_CATEGORIES; k++) {
        double enrolled = in_categories * cat[k] * p->vulnerable_participation;
        out->assisted[k][CLASS_DISTRICT] = enrolled * p->district_share;
        out->assisted[k][CLASS_COUNTY] = enrolled - out->assisted[k][CLASS_DISTRICT];
        out->assisted_total += enrolled;
    }
    double residents = out->total - students;
    out->by_class[CLASS_DISTRICT] = residents * p->district_share;
    out->by_class[CLASS_COUNTY] = residents - out->by_class[CLASS_DISTRICT];
    out->by_class[CLASS_STUDENT_CITY] = students * p->student_city_share;
    out->by_class[CLASS_STUDENT_PROVINCIAL] = students - out->by_class[CLASS_STUDENT_CITY];
    out->ordinary = out->total - out->assisted_total;
    out->students = students;
    out->permit_holders = permit;
    out->late_payers = late;
    out->eligible = eligible;
    out->not_enrolled = eligible - out->total;
    out->participation = q;

    advance_drift(st, persons);
}

void enrollment_add_births(const struct enrollment_model *p, const double births[N_SEXES],
                           struct enrollment_out *out, double born[N_SEXES])
{
    double n = 0;
    for (int s = 0; s < N_SEXES; s++) {
        born[s] = p->newborn_share * births[s];
        n += born[s];
    }
    out->total += n;
    out->newborns += n;
    out->ordinary += n;
    out->by_class[CLASS_DISTRICT] += n * p->district_share;
    out->by_class[CLASS_COUNTY] += n * (1 - p->district_share);
}
