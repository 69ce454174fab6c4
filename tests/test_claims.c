/* test_claims.c: the lookups a table's regions share (sim/claims.h,
 * struct claims_nodes) against each region's own lookups, on Henan's claim
 * model, rules and age bands: a region-year of hand-made enrollees (every
 * condition, late payers, the assisted, newborns) at use factors across
 * +-6 standard deviations of the region-year shock, with no claims noise so
 * that the claims are their expectations.
 *
 * - a table with CLAIMS_NODES regions or fewer: the same bits as without nodes;
 * - a region whose factor is the lowest or the highest: a node, so its lookups
 *   are its own up to the rounding of R u against R u M / M (1e-13);
 * - any region between: every line within 3e-5 of its own lookups (the
 *   accuracy stated in models/README.md, "Accuracy of the tables"), and the
 *   cubic's error is real: over the points tried the largest error on the
 *   lines is above 1e-12 (the interpolation is not the identity by accident). */
#include "models/benefit_table.h"
#include "models/utilization.h"
#include "sim/claims.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/stream.h"

#define HENAN FUNDSIM_SOURCE_DIR "/scenarios/henan-2022.cfg"
#define REGION 1 /* a prefecture on the provincial rules */

struct fixture {
    struct scenario s;
    struct utilization_model um;
    struct claims_bands bands;
    struct benefit_table *t;
    struct benefit_year *y;
    double multiplier[LIMIT_CONDITIONS];
    struct enrollment_out enrolled;
    struct disease_out dz;
    struct by_age residents;
    double born[N_SEXES];
    struct utilization_year use;
    gsl_rng *r;
};

/* The region-year's rates at use factor u: R u M, as utilization_step makes them. */
static void rates(struct fixture *f, double u)
{
    f->use.use = u;
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int a = 0; a < N_AGES; a++) {
            f->use.inpatient.rate[sex][a] =
                f->um.inpatient.rate[sex][a] * u * f->dz.inpatient_multiplier.at[sex][a];
            f->use.outpatient.rate[sex][a] = f->um.outpatient.rate[sex][a] * u * 1.0;
        }
}

static void claims(struct fixture *f, struct claims_nodes *nodes, struct claims_year *out)
{
    struct claims_inputs in = {
        .enrollment = &f->enrolled,
        .born = f->born,
        .disease = &f->dz,
        .n_conditions = f->s.disease.n,
        .condition_multiplier = f->multiplier,
        .use = &f->use,
        .residents = &f->residents,
        .births = 10,
        .maternity_mean_yuan = 1000,
        .maternity_var_yuan = 0,
        .noise = 0,
        .scale = 1,
    };
    claims_region_year(&f->bands, f->y, nodes, &in, f->r, out);
}

/* The largest relative difference of the lines of a and b. */
static double rel(const struct claims_year *a, const struct claims_year *b)
{
    double x[] = {a->fund_yuan[0], a->fund_yuan[1], a->fund_yuan[2], a->fund_yuan[3],
                  a->fund_yuan[4], a->fund_yuan[5], a->total_yuan,   a->policy_yuan,
                  a->out_of_pocket_yuan};
    double z[] = {b->fund_yuan[0], b->fund_yuan[1], b->fund_yuan[2], b->fund_yuan[3],
                  b->fund_yuan[4], b->fund_yuan[5], b->total_yuan,   b->policy_yuan,
                  b->out_of_pocket_yuan};
    double worst = 0;
    for (size_t i = 0; i < sizeof x / sizeof *x; i++) {
        assert_true(x[i] > 0 && z[i] > 0); /* every line has claims */
        worst = fmax(worst, fabs(x[i] - z[i]) / fmax(x[i], z[i]));
    }
    return worst;
}

static void test_nodes(void **state)
{
    struct fixture *f = *state;
    /* the shock's +-6 sd around a use index of 1.1 */
    double sd = sqrt(log1p(f->s.utilization.volatility * f->s.utilization.volatility));
    double lo = 1.1 * exp(-6 * sd - sd * sd / 2), hi = 1.1 * exp(6 * sd - sd * sd / 2);
    double five[] = {hi, lo, 1.1, 1.0, 1.2};
    struct claims_nodes *nodes = claims_nodes_alloc(&f->bands, f->s.disease.n, &f->um);
    assert_non_null(nodes);
    struct claims_year own, shared;

    /* four regions: each its own lookups, bit for bit */
    claims_nodes_year(nodes, f->y, five, CLAIMS_NODES);
    rates(f, 1.05);
    claims(f, NULL, &own);
    claims(f, nodes, &shared);
    assert_memory_equal(&own, &shared, sizeof own);

    /* five: the ends are nodes */
    claims_nodes_year(nodes, f->y, five, 5);
    for (int end = 0; end < 2; end++) {
        rates(f, five[end]);
        claims(f, NULL, &own);
        claims(f, nodes, &shared);
        assert_true(rel(&own, &shared) < 1e-13);
    }
    /* between them: within the stated accuracy, and the cubic is at work */
    double worst = 0;
    for (int i = 1; i < 40; i++) {
        rates(f, lo + (hi - lo) * i / 40.0);
        claims(f, NULL, &own);
        claims(f, nodes, &shared);
        worst = fmax(worst, rel(&own, &shared));
    }
    printf("largest relative difference over +-6 sd: %.3g\n", worst);
    assert_true(worst < 3e-5);
    assert_true(worst > 1e-12);

    /* every region alike: one node, their own lookups up to rounding */
    double same[] = {1.07, 1.07, 1.07, 1.07, 1.07, 1.07};
    claims_nodes_year(nodes, f->y, same, 6);
    rates(f, 1.07);
    claims(f, NULL, &own);
    claims(f, nodes, &shared);
    assert_true(rel(&own, &shared) < 1e-13);
    claims_nodes_free(nodes);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct diag d = {0};
    if (!f || scenario_load(HENAN, NULL, 0, &f->s, &d) != 0 ||
        utilization_model_init(&f->um, &f->s) != 0)
        return -1;
    claims_bands_init(&f->bands, &f->s);
    const struct region *region = &f->s.regions[REGION];
    struct benefit_rules r;
    benefit_table_rules(&r, &region->policy, f->s.simulation.start_year);
    struct benefit_claim_model m;
    benefit_claim_model_init(&m, &f->s, region);
    struct benefit_grid g;
    benefit_grid_default(&g, &f->s);
    g.index_min = 0.9, g.index_max = 1.3, g.use_min = g.use_max = 1.1; /* quicker to build */
    if (benefit_table_build(&f->t, &r, &m, &g) != 0 || !(f->y = benefit_year_alloc(f->t, true)))
        return -1;
    benefit_year_prepare(f->y, 1.1, 1.1, 0.5 * (g.income_min_yuan + g.income_max_yuan));

    size_t nc = f->s.disease.n;
    for (size_t c = 0; c < nc; c++)
        f->multiplier[c] = f->s.disease.conditions[c].inpatient_multiplier;
    for (int sex = 0; sex < N_SEXES; sex++) {
        for (int a = 0; a < N_AGES; a++) {
            double n = 1000 + 10 * a;
            f->residents.at[sex][a] = 1.1 * n;
            f->enrolled.enrollees.at[sex][a] = n;
            f->enrolled.total += n;
            f->dz.inpatient_multiplier.at[sex][a] = 1;
            for (size_t c = 0; c < nc; c++) {
                double p = 0.002 * (double)(c + 1) * (1 + a / 20.0);
                f->dz.patients[c].at[sex][a] = p * n;
                f->dz.inpatient_multiplier.at[sex][a] +=
                    p * (f->s.disease.conditions[c].inpatient_multiplier - 1);
            }
        }
        f->born[sex] = 300;
    }
    for (int k = 0; k < N_CATEGORIES; k++)
        f->enrolled.assisted[k][0] = 0.01 * (k + 1) * f->enrolled.total;
    f->enrolled.late_payers = 0.05 * f->enrolled.total;
    f->r = stream_alloc();
    if (!f->r) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    gsl_rng_free(f->r);
    benefit_year_free(f->y);
    benefit_table_free(f->t);
    utilization_model_free(&f->um);
    scenario_free(&f->s);
    free(f);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_nodes)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
