/* claims.c: a region-year's claims on each payer (claims.h): the enrollees
 * grouped by sex, age band, condition and situation, one table lookup per
 * group, then one normal draw per line. */
#include "sim/claims.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

/* Ages at which the women's enrollment stands for the mothers'. */
#define MOTHER_FIRST_AGE 15
#define MOTHER_LAST_AGE 49

static void add_keys(bool *starts, const struct step *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->key[i] > 0 && s->key[i] < N_AGES) starts[s->key[i]] = true;
}

void claims_bands_init(struct claims_bands *b, const struct scenario *s)
{
    bool starts[N_AGES] = {[0] = true};
    for (int sex = 0; sex < N_SEXES; sex++) {
        add_keys(starts, &s->utilization.inpatient.rate[sex]);
        add_keys(starts, &s->utilization.outpatient.rate[sex]);
    }
    b->n = 0;
    for (int a = 0; a < N_AGES; a++)
        if (starts[a]) b->first[b->n++] = a;
    b->first[b->n] = N_AGES;
}

/* Sums of count x mean and count x variance per line. */
struct sums {
    double mean[N_BENEFIT_LINES], var[N_BENEFIT_LINES];
    double total, policy, inpatient_policy;
};

/* Adds `count` persons with expectations `e` per person. */
static void add(struct sums *s, const struct benefit_expected *e, double count)
{
    if (count <= 0) return;
    for (int l = 0; l < N_BENEFIT_LINES; l++) {
        s->mean[l] += count * e->mean[l];
        s->var[l] += count * e->var[l];
    }
    s->total += count * e->total_mean;
    s->policy += count * e->policy_mean;
    s->inpatient_policy += count * e->inpatient_policy_mean;
}

/* One group of a band: `count` persons with these rates, split by situation. */
static void add_group(struct sums *s, const struct benefit_year *y, int condition, double count,
                      double late_share, const double *category_share, double admissions,
                      double visits)
{
    if (count <= 0) return;
    double assisted = 0;
    for (int k = 0; k < N_CATEGORIES; k++)
        assisted += category_share[k];
    struct benefit_expected e[BENEFIT_SITUATIONS];
    benefit_year_lookup_situations(y, condition, admissions, visits, e);
    double in_time = 1 - assisted - late_share;
    add(s, &e[SITUATION_IN_TIME], count * (in_time > 0 ? in_time : 0));
    add(s, &e[SITUATION_LATE], count * late_share);
    for (int k = 0; k < N_CATEGORIES; k++)
        add(s, &e[SITUATION_ASSISTED + k], count * category_share[k]);
}

static double draw(double mean, double var, double noise, gsl_rng *r)
{
    double z = gsl_ran_gaussian_ziggurat(r, 1.0);
    return fmax(0, mean + noise * sqrt(var) * z);
}

void claims_region_year(const struct claims_bands *b, const struct benefit_year *y,
                        const struct claims_inputs *in, gsl_rng *r, struct claims_year *out)
{
    const struct enrollment_out *e = in->enrollment;
    const struct disease_out *dz = in->disease;
    const struct utilization_year *u = in->use;
    struct sums s = {0};
    /* the fixed arrays below and in the tables: per condition, per band */
    assert(in->n_conditions <= LIMIT_CONDITIONS && b->n >= 1 && b->n <= CLAIMS_MAX_BANDS);

    /* The assisted and the late payers, as shares of the enrollees in the cells
     * (the year's newborns are neither). */
    double in_cells = e->total - e->newborns;
    double category_share[N_CATEGORIES] = {0}, late_share = 0;
    if (in_cells > 0) {
        for (int k = 0; k < N_CATEGORIES; k++)
            category_share[k] =
                (e->assisted[k][CLASS_DISTRICT] + e->assisted[k][CLASS_COUNTY]) / in_cells;
        late_share = e->late_payers / in_cells;
    }

    for (int sex = 0; sex < N_SEXES; sex++) {
        for (size_t band = 0; band < b->n; band++) {
            int a0 = b->first[band], a1 = b->first[band + 1];
            assert(a0 >= 0 && a0 < a1 && a1 <= N_AGES);
            double n = 0, patients[LIMIT_CONDITIONS] = {0}, all_patients = 0;
            for (int a = a0; a < a1; a++) {
                n += e->enrollees.at[sex][a];
                for (size_t c = 0; c < in->n_conditions; c++)
                    patients[c] += dz->patients[c].at[sex][a];
            }
            if (n <= 0) continue;
            for (size_t c = 0; c < in->n_conditions; c++)
                all_patients += patients[c];
            /* One rate per band (claims.h): the base admission rate is the cell's
             * rate without its condition multiplier. */
            double base = u->inpatient.rate[sex][a0] / dz->inpatient_multiplier.at[sex][a0];
            double visits = u->outpatient.rate[sex][a0];
            add_group(&s, y, -1, fmax(0, n - all_patients), late_share, category_share, base,
                      visits);
            for (size_t c = 0; c < in->n_conditions; c++)
                add_group(&s, y, (int)c, patients[c], late_share, category_share,
                          base * in->condition_multiplier[c], visits);
        }
        /* The year's newborns: half a year at the age-0 rates, none late or assisted. */
        static const double none[N_CATEGORIES] = {0};
        double base = u->inpatient.rate[sex][0] / dz->inpatient_multiplier.at[sex][0];
        add_group(&s, y, -1, in->born[sex], 0, none, 0.5 * base, 0.5 * u->outpatient.rate[sex][0]);
    }

    /* Deliveries of enrolled mothers: the births times the women's enrollment
     * at ages 15-49. */
    double women = 0, enrolled = 0;
    for (int a = MOTHER_FIRST_AGE; a <= MOTHER_LAST_AGE; a++) {
        women += in->residents->at[SEX_FEMALE][a];
        enrolled += e->enrollees.at[SEX_FEMALE][a];
    }
    double deliveries = women > 0 ? in->births * enrolled / women : 0;

    double k = in->scale;
    memset(out, 0, sizeof *out);
    for (int l = 0; l < N_BENEFIT_LINES; l++)
        out->fund_yuan[l] = draw(k * s.mean[l], k * k * s.var[l], in->noise, r);
    out->maternity_yuan = draw(deliveries * in->maternity_mean_yuan,
                               deliveries * in->maternity_var_yuan, in->noise, r);
    out->total_yuan = k * s.total;
    out->policy_yuan = k * s.policy;
    out->inpatient_policy_yuan = k * s.inpatient_policy;
    double paid = 0;
    for (int l = 0; l < N_BENEFIT_LINES; l++)
        paid += out->fund_yuan[l];
    out->out_of_pocket_yuan = fmax(0, out->total_yuan - paid);
}
