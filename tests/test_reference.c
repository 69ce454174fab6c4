/* test_reference.c: the benefit tables (models/benefit_table.h) against a
 * brute-force reference, a plain person-level simulation of the documented claim
 * model (models/README.md, "The claim model") for one region-year.
 *
 * Each case changes one thing of Kaifeng's 2024 rules and henan-2022.cfg's
 * utilization (a binding inpatient cap, high deductibles, cost cv 2,
 * over-dispersion 3, Poisson counts, 120 waiting days, a binding assistance
 * limit, serious illness counting 30 % of the outpatient cost, a condition
 * cost of cv 0.05 between the table's index nodes, a use trend) and looks up a
 * cell that exercises it. The reference draws PERSONS persons of that cell, each
 * with a gamma propensity, Poisson counts given it, a level and a lognormal cost
 * per admission and visit, a day of the year per claim and a lognormal yearly
 * treatment cost for the condition, and pays them with benefits_apply (the rules'
 * per-person oracle, models/benefits.h). Plain independent draws: the standard
 * error of a line is its sample standard deviation over sqrt(PERSONS).
 *
 * Every line (the four fund lines, serious illness, assistance, out of pocket)
 * must agree within 0.2 % or 3 standard errors, whichever is larger (a line the
 * reference cannot resolve to 0.2 % is held to 3 standard errors: about 1 in
 * 370 comparisons of an exact table would fail by chance; the seeds are fixed, so
 * the outcome is reproducible). The program prints every comparison and, last,
 * the worst, in % and in standard errors (tests/bench.sh prints that line).
 * Exit status 0, or 1 when a comparison fails. */
#include "models/benefit_table.h"
#include "models/benefits.h"
#include "models/stream.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERSONS 200000L
#define REL_TOL 0.002
#define SE_TOL 3.0
#define MAX_CLAIMS 4000

enum { R_IN, R_OUT, R_TWO, R_CHRONIC, R_SERIOUS, R_ASSIST, R_OOP, N_R };
static const char *const line_names[N_R] = {"fund inpatient", "fund outpatient", "two diseases",
                                            "chronic",        "serious illness", "assistance",
                                            "out of pocket"};

static const int one_band_from[] = {0};
static const double band_60[] = {0.6};

/* Kaifeng's 2024 rules in henan-2022.cfg (as tests/test_benefit_table.c). */
static struct benefit_rules base_rules(double income)
{
    struct benefit_rules r = {
        .year = 2024,
        .inpatient_deductible_yuan = {150, 500, 800, 1200},
        .inpatient_ratio = {0.90, 0.85, 0.75, 0.65},
        .inpatient_cap_yuan = 200000,
        .outpatient_deductible_yuan = {0, 50, 50, 50},
        .outpatient_ratio = {0.60, 0.50, 0.40, 0.40},
        .outpatient_cap_yuan = 300,
        .n_conditions = 2,
        .condition = {{0, 0.5, 400, true}, {0, 0.75, 80000, false}},
        .waiting_days = 30,
        .serious_deductible_income_share = 0.5,
        .serious_deductible_yuan = 0.5 * income,
        .n_serious_bands = 1,
        .serious_band_from_yuan = one_band_from,
        .serious_band_ratio = band_60,
        .serious_poor_deductible_factor = 0.5,
        .serious_poor_ratio_bonus = 0.05,
        .serious_poor = {true, true, true, true},
        .serious_outpatient_share = 1,
        .assistance_ratio = {0.7, 0.7, 0.6, 0.5},
        .assistance_limit_yuan = 60000,
    };
    return r;
}

/* henan-2022.cfg's utilization (assumed), hypertension and dialysis the conditions. */
static struct benefit_claim_model base_model(void)
{
    struct benefit_claim_model m = {
        .inpatient = {.level_mix = {0.20, 0.45, 0.22, 0.13},
                      .cost_yuan = {2200, 5500, 10000, 18000},
                      .cost_cv = {0.8, 1.0, 1.2, 1.5},
                      .compliant_share = {0.95, 0.90, 0.85, 0.80},
                      .overdispersion = 1},
        .outpatient = {.level_mix = {0.70, 0.15, 0.10, 0.05},
                       .cost_yuan = {60, 180, 260, 350},
                       .cost_cv = {1, 1, 1, 1},
                       .compliant_share = {0.90, 0.85, 0.80, 0.80},
                       .overdispersion = 3},
        .n_conditions = 2,
        .condition_cost_yuan = {600, 70000},
        .condition_cost_cv = {0.5, 0.3},
        .condition_admissions_multiplier = {1.2, 3},
    };
    return m;
}

/* Index nodes 1.8 × 1.2^k (k = 0..3): the cases' index 2.5 is between 2.16 and
 * 2.59; use nodes from 1 to 1.35 (4, 1.105 apart): 1.17 is between two. */
static struct benefit_grid base_grid(void)
{
    struct benefit_grid g = {
        .index_min = 1.8,
        .index_max = 1.8 * 1.2 * 1.2 * 1.2,
        .index_ratio = 1.2,
        .use_min = 1,
        .use_max = 1.35,
        .income_min_yuan = 20000,
        .income_max_yuan = 60000,
        .admissions_max = 0.6,
        .visits_max = 5,
        .max_admissions = 32,
        .lattice_points = 1024,
        .cap_bins = 16,
    };
    return g;
}

struct ref_case {
    const char *what;
    double index, use, income;
    struct benefit_cell cell;
    void (*change)(struct benefit_rules *r, struct benefit_claim_model *m);
};

static void none(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)r, (void)m;
}
static void inpatient_cap(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)m;
    r->inpatient_cap_yuan = 15000;
}
static void high_deductibles(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)m;
    const double in[N_LEVELS] = {1500, 3000, 5000, 8000}, out[N_LEVELS] = {100, 150, 150, 150};
    memcpy(r->inpatient_deductible_yuan, in, sizeof in);
    memcpy(r->outpatient_deductible_yuan, out, sizeof out);
    r->condition[0].deductible_yuan = 800;
    r->condition[1].deductible_yuan = 5000;
}
static void cost_cv_2(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)r;
    for (int l = 0; l < N_LEVELS; l++)
        m->inpatient.cost_cv[l] = m->outpatient.cost_cv[l] = 2;
}
static void overdispersion_3(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)r;
    m->inpatient.overdispersion = 3;
}
static void poisson(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)r;
    m->inpatient.overdispersion = m->outpatient.overdispersion = 0;
}
static void waiting_120(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)m;
    r->waiting_days = 120;
}
static void assistance_limit(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)m;
    r->assistance_limit_yuan = 8000;
}
static void outpatient_share(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)m;
    r->serious_outpatient_share = 0.3;
}
static void narrow_condition(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)r;
    m->condition_cost_cv[1] = 0.05;
}
/* A chronic condition of 24,000 (60,000 at index 2.5): the fund pays 75 %, the
 * patient 15,000, the others' deductible at income 30,000; 12,000 (7,500: the
 * poor's) and cv 0.1; 18,000 and cv 0.2. */
static void narrow_at_deductible(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)r;
    m->condition_cost_yuan[1] = 24000, m->condition_cost_cv[1] = 0.05;
}
static void narrow_at_poor_deductible(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)r;
    m->condition_cost_yuan[1] = 12000, m->condition_cost_cv[1] = 0.1;
}
static void cv_02(struct benefit_rules *r, struct benefit_claim_model *m)
{
    (void)r;
    m->condition_cost_yuan[1] = 18000, m->condition_cost_cv[1] = 0.2;
}
static void narrow_condition_share(struct benefit_rules *r, struct benefit_claim_model *m)
{
    narrow_condition(r, m);
    outpatient_share(r, m);
}

/* The cells: a 特困 dialysis patient, a 低保 hypertension patient, an old 低保
 * person (admissions and visits per year: Henan's old-age rates). */
static const struct ref_case cases[] = {
    {"Kaifeng 2024, dialysis, 特困",
     2.5,
     1,
     40000,
     {1, CAT_EXTREME_POVERTY, false, 1.38, 3.3},
     none},
    {"binding inpatient cap 15,000, old 低保",
     2.5,
     1,
     40000,
     {-1, CAT_MINIMUM_LIVING, false, 0.46, 3.3},
     inpatient_cap},
    {"high deductibles, hypertension 低保",
     2.5,
     1,
     40000,
     {0, CAT_MINIMUM_LIVING, false, 0.55, 3.0},
     high_deductibles},
    {"high deductibles, dialysis 特困",
     2.5,
     1,
     40000,
     {1, CAT_EXTREME_POVERTY, false, 1.38, 3.3},
     high_deductibles},
    {"cost cv 2, old 低保", 2.5, 1, 40000, {-1, CAT_MINIMUM_LIVING, false, 0.46, 3.3}, cost_cv_2},
    {"over-dispersion 3, old 低保",
     2.5,
     1,
     40000,
     {-1, CAT_MINIMUM_LIVING, false, 0.46, 3.3},
     overdispersion_3},
    {"Poisson counts, hypertension 低保",
     2.5,
     1,
     40000,
     {0, CAT_MINIMUM_LIVING, false, 0.55, 3.0},
     poisson},
    {"120 waiting days, dialysis, late", 2.5, 1, 40000, {1, -1, true, 1.38, 3.3}, waiting_120},
    {"120 waiting days, hypertension, late", 2.5, 1, 40000, {0, -1, true, 0.55, 3.0}, waiting_120},
    {"assistance limit 8,000, dialysis 特困",
     2.5,
     1,
     40000,
     {1, CAT_EXTREME_POVERTY, false, 1.38, 3.3},
     assistance_limit},
    {"outpatient share 0.3, dialysis 特困",
     2.5,
     1,
     40000,
     {1, CAT_EXTREME_POVERTY, false, 1.38, 3.3},
     outpatient_share},
    {"outpatient share 0.3, hypertension 低保",
     2.5,
     1,
     40000,
     {0, CAT_MINIMUM_LIVING, false, 0.55, 3.0},
     outpatient_share},
    {"condition cv 0.05, dialysis 特困",
     2.5,
     1,
     40000,
     {1, CAT_EXTREME_POVERTY, false, 1.38, 3.3},
     narrow_condition},
    {"condition cv 0.05, dialysis, not assisted",
     2.3,
     1,
     30000,
     {1, -1, false, 1.38, 3.3},
     narrow_condition},
    {"cv 0.05 at the deductible, not assisted",
     2.5,
     1,
     30000,
     {1, -1, false, 0.3, 2.0},
     narrow_at_deductible},
    {"cv 0.05 at the deductible, index 2.3",
     2.3,
     1,
     30000,
     {1, -1, false, 0.3, 2.0},
     narrow_at_deductible},
    {"cv 0.1 at the poor's deductible, 低保",
     2.5,
     1,
     30000,
     {1, CAT_MINIMUM_LIVING, false, 0.3, 2.0},
     narrow_at_poor_deductible},
    {"cv 0.2 near the deductible, not assisted", 2.3, 1, 30000, {1, -1, false, 0.3, 2.0}, cv_02},
    {"condition cv 0.05 and share 0.3, 特困",
     2.5,
     1,
     40000,
     {1, CAT_EXTREME_POVERTY, false, 1.38, 3.3},
     narrow_condition_share},
    {"use trend (use 1.17), dialysis 特困",
     2.5,
     1.17,
     40000,
     {1, 0, false, 1.38 * 1.17, 3.3 * 1.17},
     none},
};
#define N_CASES (sizeof cases / sizeof *cases)

static int pick_level(gsl_rng *g, const double *mix)
{
    double u = gsl_rng_uniform(g);
    for (int l = 0; l < N_LEVELS - 1; l++) {
        if (u < mix[l]) return l;
        u -= mix[l];
    }
    return N_LEVELS - 1;
}

static double lognormal(gsl_rng *g, double mean, double cv)
{
    if (!(cv > 0)) return mean;
    double s = sqrt(log1p(cv * cv));
    return mean * exp(s * gsl_ran_ugaussian(g) - s * s / 2);
}

/* A count with mean λ and variance λ + φλ²: Poisson given a gamma propensity. */
static unsigned count(gsl_rng *g, double lambda, double phi)
{
    if (!(lambda > 0)) return 0;
    double theta = phi > 0 ? gsl_ran_gamma(g, 1 / phi, phi) : 1;
    return gsl_ran_poisson(g, lambda * theta);
}

/* n claims of one kind: level, day, cost and its policy-scope part. */
static size_t claims(gsl_rng *g, const struct benefit_care_model *c, unsigned n, double index,
                     struct benefit_claim *out)
{
    if (n > MAX_CLAIMS) n = MAX_CLAIMS; /* beyond any rate here (P below 1e-100) */
    for (unsigned i = 0; i < n; i++) {
        int l = pick_level(g, c->level_mix);
        double x = lognormal(g, c->cost_yuan[l] * index, c->cost_cv[l]);
        out[i] = (struct benefit_claim){l, (int)gsl_rng_uniform_int(g, BENEFIT_DAYS_PER_YEAR), x,
                                        x * c->compliant_share[l]};
    }
    return n;
}

/* The reference: mean and standard error of each line over PERSONS persons. */
static void reference(const struct benefit_rules *r, const struct benefit_claim_model *m,
                      const struct ref_case *x, uint64_t seed, double *mean, double *se)
{
    gsl_rng *g = stream_alloc();
    if (!g) exit(2);
    stream_seek(g, (struct stream_key){.seed = seed, .year = 2024, .driver = 2000});
    static struct benefit_claim adm[MAX_CLAIMS], vis[MAX_CLAIMS];
    double s1[N_R] = {0}, s2[N_R] = {0}, cond[LIMIT_CONDITIONS] = {0};
    const struct benefit_cell *c = &x->cell;
    struct benefit_situation s = {.category = c->category, .late_payer = c->late_payer};
    for (long i = 0; i < PERSONS; i++) {
        size_t na = claims(g, &m->inpatient, count(g, c->admissions, m->inpatient.overdispersion),
                           x->index, adm);
        size_t nv = claims(g, &m->outpatient, count(g, c->visits, m->outpatient.overdispersion),
                           x->index, vis);
        if (c->condition >= 0)
            cond[c->condition] =
                lognormal(g, m->condition_cost_yuan[c->condition] * x->index * x->use,
                          m->condition_cost_cv[c->condition]);
        struct benefit_claims cl = {.n_admissions = na,
                                    .admissions = adm,
                                    .n_visits = nv,
                                    .visits = vis,
                                    .condition_cost_yuan = c->condition >= 0 ? cond : NULL};
        struct benefit_payment p;
        benefits_apply(r, &s, &cl, &p);
        double v[N_R] = {p.fund_inpatient_yuan, p.fund_outpatient_yuan, p.fund_two_diseases_yuan,
                         p.fund_chronic_yuan,   p.serious_yuan,         p.assistance_yuan,
                         p.out_of_pocket_yuan};
        for (int k = 0; k < N_R; k++)
            s1[k] += v[k], s2[k] += v[k] * v[k];
    }
    for (int k = 0; k < N_R; k++) {
        mean[k] = s1[k] / PERSONS;
        se[k] = sqrt(fmax(0, s2[k] / PERSONS - mean[k] * mean[k]) / (PERSONS - 1));
    }
    gsl_rng_free(g);
}

int main(void)
{
    int failures = 0;
    double worst_score = -1, worst_rel = 0, worst_se = 0;
    const char *worst_case = "", *worst_line = "";
    printf("%-42s %-16s %12s %12s %9s %7s\n", "case", "line", "table", "reference", "diff %",
           "in se");
    for (size_t i = 0; i < N_CASES; i++) {
        const struct ref_case *x = &cases[i];
        struct benefit_rules r = base_rules(x->income);
        struct benefit_claim_model m = base_model();
        x->change(&r, &m);
        struct benefit_grid grid = base_grid();
        struct benefit_table *t;
        struct benefit_year *y;
        if (benefit_table_build(&t, &r, &m, &grid) || !(y = benefit_year_alloc(t, true))) {
            fprintf(stderr, "%s: the table cannot be built\n", x->what);
            return 2;
        }
        if (benefit_year_prepare(y, x->index, x->use, x->income) != 0) {
            fprintf(stderr, "%s: outside the table's grid\n", x->what);
            return 2;
        }
        struct benefit_expected e;
        benefit_year_lookup(y, &x->cell, &e);
        double v[N_R] = {e.mean[LINE_FUND_INPATIENT],
                         e.mean[LINE_FUND_OUTPATIENT],
                         e.mean[LINE_FUND_TWO_DISEASES],
                         e.mean[LINE_FUND_CHRONIC],
                         e.mean[LINE_SERIOUS],
                         e.mean[LINE_ASSISTANCE],
                         e.out_of_pocket_mean};
        double mean[N_R], se[N_R];
        reference(&r, &m, x, 20240101 + i, mean, se);
        for (int k = 0; k < N_R; k++) {
            if (mean[k] == 0 && v[k] == 0) continue; /* the line is not the cell's */
            double diff = v[k] - mean[k], scale = fabs(mean[k]);
            double rel = scale > 0 ? diff / scale : INFINITY, in_se = se[k] > 0 ? diff / se[k] : 0;
            double score = fabs(diff) / fmax(REL_TOL * scale, SE_TOL * se[k]);
            bool ok = score <= 1 && isfinite(v[k]);
            printf("%-42s %-16s %12.4f %12.4f %+9.3f %+7.2f%s\n", x->what, line_names[k], v[k],
                   mean[k], 100 * rel, in_se, ok ? "" : "  FAIL");
            if (!ok) failures++;
            if (!(score <= worst_score)) {
                worst_score = score, worst_rel = rel, worst_se = in_se;
                worst_case = x->what, worst_line = line_names[k];
            }
        }
        benefit_year_free(y);
        benefit_table_free(t);
    }
    printf("worst difference: %+.3f %% (%+.2f standard errors; %.2f of the tolerance), %s, %s\n",
           100 * worst_rel, worst_se, worst_score, worst_case, worst_line);
    printf("%d of the comparisons fail (tolerance: %.1f %% or %.0f standard errors)\n", failures,
           100 * REL_TOL, SE_TOL);
    return failures ? 1 : 0;
}
