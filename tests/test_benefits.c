/* test_benefits.c: the benefit rules of one person-year (models/benefits.c).
 *
 * Table-driven cases worked by hand from the notices' figures (002: Zhengzhou's
 * outpatient pooling and maternity payments from 2024; 004: serious-illness
 * insurance for the poor), the rules read from the shipped scenarios, and
 * invariants over random cases drawn from a stream: payments ≥ 0, the identity
 * fund + serious illness + assistance + out of pocket = total cost, and the
 * fund's payment monotone in caps, ratios and deductibles. */
#include "models/benefits.h"
#include "models/stream.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) <= 1e-9 * (1 + fabs((double)(b))))

static const int one_band_from[] = {0};
static const double band_60[] = {0.6};

/* Zhengzhou 2024 (002) for outpatient pooling and maternity; henan-2022.cfg's assumed
 * inpatient rules; the serious-illness rules of 004 with Henan's 2021 income 26,811
 * (henan.md); assistance ratios and limit as henan-2022.cfg (assumed). */
static struct benefit_rules zhengzhou_2024(void)
{
    struct benefit_rules r = {
        .year = 2024,
        .inpatient_deductible_yuan = {150, 500, 800, 1200},
        .inpatient_ratio = {0.90, 0.85, 0.75, 0.65},
        .inpatient_cap_yuan = 200000,
        .outpatient_deductible_yuan = {0, 40, 40, 40},
        .outpatient_ratio = {0.65, 0.55, 0.55, 0.45},
        .outpatient_cap_yuan = 300,
        .n_conditions = 2,
        .condition = {{0, 0.5, 400, true}, {0, 0.75, 80000, false}},
        .maternity_yuan = {0, 1000, 2000},
        .waiting_days = 30,
        .serious_deductible_income_share = 0.5,
        .serious_deductible_yuan = 0.5 * 26811,
        .n_serious_bands = 1,
        .serious_band_from_yuan = one_band_from,
        .serious_band_ratio = band_60,
        .serious_cap_yuan = 0,
        .serious_poor_deductible_factor = 0.5,
        .serious_poor_ratio_bonus = 0.05,
        .serious_poor = {true, true, true, true},
        .serious_outpatient_share = 1,
        .assistance_ratio = {0.7, 0.7, 0.6, 0.5},
        .assistance_limit_yuan = 60000,
    };
    return r;
}

static const struct benefit_situation everyone = {.category = BENEFIT_NOT_ASSISTED};

static struct benefit_claim visit(int level, int day, double cost)
{
    return (struct benefit_claim){
        .level = level, .day = day, .cost_yuan = cost, .policy_yuan = cost};
}

/* ---- general outpatient pooling, Zhengzhou 2024 (002) ---- */

struct outpatient_case {
    const char *what;
    int level;
    double cost;   /* per visit-day, all in policy scope */
    int n_days;    /* visit-days, each on its own day */
    double fund;   /* worked by hand */
    int year_2023; /* with the 2023 rules instead */
};

static const struct outpatient_case outpatient_cases[] = {
    /* (200 − 40) × 55 % = 88 */
    {"one 200-yuan county visit", LEVEL_COUNTY, 200, 1, 88, 0},
    /* 3 × 88 = 264, still under the 300 cap */
    {"three county visits", LEVEL_COUNTY, 200, 3, 264, 0},
    /* 264 + 88 = 352 > 300: the cap */
    {"four county visits reach the cap", LEVEL_COUNTY, 200, 4, 300, 0},
    {"five county visits: no more than the cap", LEVEL_COUNTY, 200, 5, 300, 0},
    /* two visits on one day at one hospital: one visit-day of 400, one deductible:
     * (400 − 40) × 55 % = 198 */
    {"two visits on one day, one deductible", LEVEL_COUNTY, 400, 1, 198, 0},
    /* grassroots: no deductible, 65 %: 100 × 65 % = 65 */
    {"a 100-yuan village clinic visit", LEVEL_GRASSROOTS, 100, 1, 65, 0},
    /* provincial tertiary-A: (200 − 40) × 45 % = 72 */
    {"a 200-yuan provincial tertiary-A visit", LEVEL_PROVINCIAL, 200, 1, 72, 0},
    /* city hospital, "other levels" 55 %: (200 − 40) × 55 % = 88 */
    {"a 200-yuan city hospital visit", LEVEL_CITY, 200, 1, 88, 0},
    /* a 30-yuan county visit is under the deductible */
    {"a visit under the deductible", LEVEL_COUNTY, 30, 1, 0, 0},
    /* Zhengzhou before 2024 (henan-2022.cfg: 002 annex guidance, 50 yuan, 50 % county,
     * cap 150): (200 − 50) × 50 % = 75; two visits 150 = the cap; three still 150 */
    {"2023: one county visit", LEVEL_COUNTY, 200, 1, 75, 1},
    {"2023: three county visits, cap 150", LEVEL_COUNTY, 200, 3, 150, 1},
};

static void test_outpatient_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof outpatient_cases / sizeof *outpatient_cases; i++) {
        const struct outpatient_case *t = &outpatient_cases[i];
        struct benefit_rules r = zhengzhou_2024();
        if (t->year_2023) {
            r.year = 2023;
            r.outpatient_deductible_yuan[LEVEL_COUNTY] = 50;
            r.outpatient_ratio[LEVEL_COUNTY] = 0.5;
            r.outpatient_cap_yuan = 150;
        }
        struct benefit_claim v[8];
        for (int d = 0; d < t->n_days; d++)
            v[d] = visit(t->level, 10 + d, t->cost);
        struct benefit_claims c = {.n_visits = (size_t)t->n_days, .visits = v};
        struct benefit_payment p;
        benefits_apply(&r, &everyone, &c, &p);
        if (fabs(p.fund_outpatient_yuan - t->fund) > 1e-9)
            fail_msg("%s: fund %.6f, expected %.6f", t->what, p.fund_outpatient_yuan, t->fund);
        NEAR(p.fund_yuan, t->fund);
        NEAR(p.out_of_pocket_yuan, t->n_days * t->cost - t->fund);
        assert_true(p.serious_yuan == 0 && p.assistance_yuan == 0);
    }
}

/* ---- maternity (002) ---- */

struct maternity_case {
    int year, delivery;
    double cost, fund;
};

static const struct maternity_case maternity_cases[] = {
    {2024, DELIVERY_NATURAL, 5000, 1000},   /* 002: natural 700 → 1000 from 2024 */
    {2024, DELIVERY_CAESAREAN, 9000, 2000}, /* 002: caesarean 1600 → 2000 from 2024 */
    {2023, DELIVERY_NATURAL, 5000, 700},    /* 002: before 2024 */
    {2023, DELIVERY_CAESAREAN, 9000, 1600},
    {2024, DELIVERY_NATURAL, 600, 600}, /* the fixed payment, at most the cost */
    {2024, DELIVERY_NONE, 0, 0},
};

static void test_maternity_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof maternity_cases / sizeof *maternity_cases; i++) {
        const struct maternity_case *t = &maternity_cases[i];
        struct benefit_rules r = zhengzhou_2024();
        if (t->year == 2023) {
            r.maternity_yuan[DELIVERY_NATURAL] = 700;
            r.maternity_yuan[DELIVERY_CAESAREAN] = 1600;
        }
        struct benefit_claims c = {
            .delivery = t->delivery, .delivery_day = 100, .delivery_cost_yuan = t->cost};
        struct benefit_payment p;
        benefits_apply(&r, &everyone, &c, &p);
        NEAR(p.fund_maternity_yuan, t->fund);
        NEAR(p.fund_yuan, t->fund);
        NEAR(p.out_of_pocket_yuan, t->cost - t->fund);
        assert_true(p.serious_base_yuan == 0);
    }
}

/* ---- inpatient at each level, serious illness, assistance ---- */

struct inpatient_case {
    const char *what;
    int level, category;
    double cost, policy; /* one admission */
    double fund, serious, assistance;
};

/* Inpatient rules of henan-2022.cfg (assumed: deductibles 150 / 500 / 800 / 1200,
 * ratios 90 / 85 / 75 / 65 %). Serious illness (004): deductible 26,811 / 2 =
 * 13,405.5 at 60 %; the poor 6,702.75 at 65 %. Assistance 70 % for 低保 (assumed). */
static const struct inpatient_case inpatient_cases[] = {
    /* (10,000 − 150) × 90 % = 8,865 */
    {"grassroots stay", LEVEL_GRASSROOTS, BENEFIT_NOT_ASSISTED, 12000, 10000, 8865, 0, 0},
    /* (10,000 − 500) × 85 % = 8,075 */
    {"county stay", LEVEL_COUNTY, BENEFIT_NOT_ASSISTED, 12000, 10000, 8075, 0, 0},
    /* (10,000 − 800) × 75 % = 6,900 */
    {"city stay", LEVEL_CITY, BENEFIT_NOT_ASSISTED, 12000, 10000, 6900, 0, 0},
    /* (10,000 − 1,200) × 65 % = 5,720 */
    {"provincial stay", LEVEL_PROVINCIAL, BENEFIT_NOT_ASSISTED, 12000, 10000, 5720, 0, 0},
    /* under the deductible: nothing */
    {"a stay under the deductible", LEVEL_CITY, BENEFIT_NOT_ASSISTED, 900, 700, 0, 0, 0},
    /* provincial 50,000 in scope: fund (50,000 − 1,200) × 65 % = 31,720, left 18,280;
     * serious illness (18,280 − 13,405.5) × 60 % = 2,924.7 */
    {"a costly stay", LEVEL_PROVINCIAL, BENEFIT_NOT_ASSISTED, 60000, 50000, 31720, 2924.7, 0},
    /* the same stay for a 低保 patient (004): (18,280 − 6,702.75) × 65 % = 7,525.2125;
     * assistance 70 % × (18,280 − 7,525.2125) = 7,528.35125 */
    {"a poor patient's costly stay", LEVEL_PROVINCIAL, CAT_MINIMUM_LIVING, 60000, 50000, 31720,
     7525.2125, 7528.35125},
    /* 特困 below the serious-illness deductible: fund (8,000 − 500) × 85 % = 6,375, left
     * 1,625; assistance 70 % × 1,625 = 1,137.5 */
    {"a poor patient's county stay", LEVEL_COUNTY, CAT_EXTREME_POVERTY, 8000, 8000, 6375, 0,
     1137.5},
    /* the inpatient cap: (400,000 − 1,200) × 65 % = 259,220 > 200,000; left 200,000;
     * serious illness (200,000 − 13,405.5) × 60 % = 111,956.7 */
    {"a stay above the cap", LEVEL_PROVINCIAL, BENEFIT_NOT_ASSISTED, 400000, 400000, 200000,
     111956.7, 0},
};

static void test_inpatient_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof inpatient_cases / sizeof *inpatient_cases; i++) {
        const struct inpatient_case *t = &inpatient_cases[i];
        struct benefit_rules r = zhengzhou_2024();
        struct benefit_claim a = {
            .level = t->level, .day = 50, .cost_yuan = t->cost, .policy_yuan = t->policy};
        struct benefit_claims c = {.n_admissions = 1, .admissions = &a};
        struct benefit_situation s = {.category = t->category};
        struct benefit_payment p;
        benefits_apply(&r, &s, &c, &p);
        if (fabs(p.fund_inpatient_yuan - t->fund) > 1e-6 ||
            fabs(p.serious_yuan - t->serious) > 1e-6 ||
            fabs(p.assistance_yuan - t->assistance) > 1e-6)
            fail_msg("%s: fund %.6f serious %.6f assistance %.6f", t->what, p.fund_inpatient_yuan,
                     p.serious_yuan, p.assistance_yuan);
        NEAR(p.out_of_pocket_yuan, t->cost - t->fund - t->serious - t->assistance);
    }
}

/* Serious-illness bands and cap: 50 % up to 20,000 above the deductible, 70 % above,
 * a cap of 30,000 for all but the poor. */
static void test_serious_bands(void **state)
{
    (void)state;
    static const int from[] = {0, 20000};
    static const double ratio[] = {0.5, 0.7};
    struct benefit_rules r = zhengzhou_2024();
    r.serious_deductible_yuan = 10000;
    r.n_serious_bands = 2, r.serious_band_from_yuan = from, r.serious_band_ratio = ratio;
    r.serious_cap_yuan = 30000;
    NEAR(benefits_serious(&r, false, 9000), 0);
    /* 25,000: 15,000 above the deductible, all in the first band: 7,500 */
    NEAR(benefits_serious(&r, false, 25000), 7500);
    /* 50,000: 20,000 × 50 % + 20,000 × 70 % = 24,000 */
    NEAR(benefits_serious(&r, false, 50000), 24000);
    /* 100,000: 10,000 + 70,000 × 70 % = 59,000, capped at 30,000 */
    NEAR(benefits_serious(&r, false, 100000), 30000);
    /* the poor: deductible 5,000; 100,000 is 95,000 above it: 20,000 × 55 % + 75,000 ×
     * 75 % = 67,250, no cap */
    NEAR(benefits_serious(&r, true, 100000), 67250);
}

/* One assistance limit for outpatient and inpatient (001, 003). Serious illness is
 * kept out by a high deductible; the limit is 10,000 for the test, the ratio 70 %
 * (特困, henan-2022.cfg, assumed). */
static void test_assistance_limit_shared(void **state)
{
    (void)state;
    struct benefit_rules r = zhengzhou_2024();
    r.serious_deductible_yuan = 1e9;
    r.assistance_limit_yuan = 10000;
    r.inpatient_ratio[LEVEL_CITY] = 0.5, r.inpatient_deductible_yuan[LEVEL_CITY] = 0;
    struct benefit_situation poor = {.category = CAT_EXTREME_POVERTY};
    /* A city stay of 24,000 in scope at 50 % leaves 12,000: alone, 70 % × 12,000 = 8,400. */
    struct benefit_claim stay = {
        .level = LEVEL_CITY, .day = 100, .cost_yuan = 24000, .policy_yuan = 24000};
    /* Dialysis of 16,000 at 75 % leaves 4,000: alone, 70 % × 4,000 = 2,800. */
    double dialysis[2] = {0, 16000};
    struct benefit_payment p;
    benefits_apply(&r, &poor, &(struct benefit_claims){.n_admissions = 1, .admissions = &stay}, &p);
    NEAR(p.assistance_yuan, 8400);
    benefits_apply(&r, &poor, &(struct benefit_claims){.condition_cost_yuan = dialysis}, &p);
    NEAR(p.assistance_yuan, 2800);
    NEAR(p.fund_chronic_yuan, 12000);
    /* Together 70 % × 16,000 = 11,200 > 10,000: one limit, 10,000 (not 8,400 + 2,800). */
    benefits_apply(&r, &poor,
                   &(struct benefit_claims){
                       .n_admissions = 1, .admissions = &stay, .condition_cost_yuan = dialysis},
                   &p);
    NEAR(p.assistance_yuan, 10000);
    NEAR(p.out_of_pocket_yuan, 16000 - 10000);
    /* Not assisted: nothing. */
    benefits_apply(&r, &everyone, &(struct benefit_claims){.n_admissions = 1, .admissions = &stay},
                   &p);
    NEAR(p.assistance_yuan, 0);
}

/* The 30-day waiting period (002): a late payer who paid on 1 January is covered from
 * day 30. A stay on day 10 is his own; on day 40 the fund pays. Hypertension drugs of
 * 730 a year: covered share 335 / 365, 670 covered, 50 % = 335 (under the 400 cap). */
static void test_waiting_period(void **state)
{
    (void)state;
    struct benefit_rules r = zhengzhou_2024();
    struct benefit_situation late = {
        .category = BENEFIT_NOT_ASSISTED, .late_payer = true, .paid_day = 0};
    assert_int_equal(benefits_first_covered_day(&r, &late), 30);
    struct benefit_claim early = {
        .level = LEVEL_COUNTY, .day = 10, .cost_yuan = 10000, .policy_yuan = 10000};
    struct benefit_claim later = early;
    later.day = 40;
    double drugs[2] = {730, 0};
    struct benefit_payment p;
    benefits_apply(&r, &late, &(struct benefit_claims){.n_admissions = 1, .admissions = &early},
                   &p);
    NEAR(p.fund_yuan, 0);
    NEAR(p.serious_base_yuan, 0);
    NEAR(p.out_of_pocket_yuan, 10000);
    benefits_apply(&r, &late, &(struct benefit_claims){.n_admissions = 1, .admissions = &later},
                   &p);
    NEAR(p.fund_inpatient_yuan, 8075); /* (10,000 − 500) × 85 % */
    benefits_apply(&r, &late, &(struct benefit_claims){.condition_cost_yuan = drugs}, &p);
    NEAR(p.fund_two_diseases_yuan, 335);
    NEAR(p.serious_base_yuan, 335); /* 670 − 335; the 60 days in waiting count for nothing */
    NEAR(p.out_of_pocket_yuan, 730 - 335);
    /* A delivery in waiting: no maternity payment. */
    benefits_apply(&r, &late,
                   &(struct benefit_claims){.delivery = DELIVERY_NATURAL,
                                            .delivery_day = 20,
                                            .delivery_cost_yuan = 5000},
                   &p);
    NEAR(p.fund_maternity_yuan, 0);
}

/* ---- the rules read from the shipped scenarios ---- */

static void load(const char *name, struct scenario *s)
{
    char path[512];
    snprintf(path, sizeof path, "%s/scenarios/%s", FUNDSIM_SOURCE_DIR, name);
    struct diag d = {0};
    int status = scenario_load(path, NULL, 0, s, &d);
    if (status) diag_print(stderr, &d);
    diag_free(&d);
    assert_int_equal(status, 0);
}

static void test_rules_from_scenario(void **state)
{
    (void)state;
    struct scenario s;
    load("zhengzhou-2024.cfg", &s);
    struct benefit_rules r;
    benefit_rules_init(&r, &s.regions[0].policy, 2024, 43000);
    /* 002 from 2024: 40 per visit-day at county level and above, none at grassroots;
     * 65 / 55 / 55 / 45 %; cap 300; maternity 1000 / 2000; waiting 30 days */
    assert_true(r.outpatient_deductible_yuan[LEVEL_GRASSROOTS] == 0);
    for (int l = LEVEL_COUNTY; l < N_LEVELS; l++)
        assert_true(r.outpatient_deductible_yuan[l] == 40);
    assert_true(
        r.outpatient_ratio[LEVEL_GRASSROOTS] == 0.65 && r.outpatient_ratio[LEVEL_COUNTY] == 0.55 &&
        r.outpatient_ratio[LEVEL_CITY] == 0.55 && r.outpatient_ratio[LEVEL_PROVINCIAL] == 0.45);
    assert_true(r.outpatient_cap_yuan == 300);
    assert_true(r.maternity_yuan[DELIVERY_NATURAL] == 1000 &&
                r.maternity_yuan[DELIVERY_CAESAREAN] == 2000);
    assert_int_equal(r.waiting_days, 30);
    /* 004: half of the previous year's income, 60 %, no cap; the poor half and +5 points */
    NEAR(r.serious_deductible_yuan, 21500);
    assert_int_equal(r.n_serious_bands, 1);
    assert_true(r.serious_band_from_yuan[0] == 0 && r.serious_band_ratio[0] == 0.6);
    assert_true(r.serious_cap_yuan == 0 && r.serious_poor_deductible_factor == 0.5 &&
                r.serious_poor_ratio_bonus == 0.05 && r.serious_outpatient_share == 1);
    /* the conditions in the order of disease.conditions; hypertension and diabetes are 两病 */
    assert_int_equal(r.n_conditions, 5);
    assert_true(r.condition[0].two_diseases && r.condition[1].two_diseases &&
                !r.condition[3].two_diseases);
    assert_true(r.condition[0].ratio == 0.5 && r.condition[0].cap_yuan == 400);
    assert_true(r.condition[3].ratio == 0.75 && r.condition[3].cap_yuan == 80000); /* dialysis */
    /* 002 before 2024: cap 150, maternity 700 / 1600 */
    benefit_rules_init(&r, &s.regions[0].policy, 2023, 43000);
    assert_true(r.outpatient_cap_yuan == 150);
    assert_true(r.maternity_yuan[DELIVERY_NATURAL] == 700 &&
                r.maternity_yuan[DELIVERY_CAESAREAN] == 1600);
    scenario_free(&s);

    /* henan-2022: Zhengzhou's override (002 annex before 2024, 002 from 2024); Kaifeng
     * keeps the province's guidance (50 %, 50 yuan) and gets the 300 cap from 2024. */
    load("henan-2022.cfg", &s);
    benefit_rules_init(&r, &s.regions[0].policy, 2023, 26811);
    assert_true(r.outpatient_deductible_yuan[LEVEL_COUNTY] == 50 &&
                r.outpatient_ratio[LEVEL_COUNTY] == 0.5);
    assert_true(r.outpatient_cap_yuan == 150);
    benefit_rules_init(&r, &s.regions[0].policy, 2024, 28222);
    assert_true(r.outpatient_deductible_yuan[LEVEL_COUNTY] == 40 &&
                r.outpatient_ratio[LEVEL_COUNTY] == 0.55);
    assert_true(r.outpatient_cap_yuan == 300);
    NEAR(r.serious_deductible_yuan, 14111);
    benefit_rules_init(&r, &s.regions[1].policy, 2024, 28222);
    assert_true(r.outpatient_deductible_yuan[LEVEL_COUNTY] == 50 &&
                r.outpatient_ratio[LEVEL_COUNTY] == 0.5);
    assert_true(r.outpatient_cap_yuan == 300);
    assert_true(r.inpatient_deductible_yuan[LEVEL_PROVINCIAL] == 1200 &&
                r.inpatient_ratio[LEVEL_PROVINCIAL] == 0.65);
    scenario_free(&s);
}

/* ---- invariants over random cases ---- */

struct random_case {
    struct benefit_rules r;
    struct benefit_situation s;
    struct benefit_claim adm[6], vis[30];
    double cond[3];
    struct benefit_claims c;
    int from[3];
    double ratio[3];
};

static double unif(gsl_rng *g, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(g);
}

static void random_claim(gsl_rng *g, struct benefit_claim *c, double mean)
{
    c->level = (int)gsl_rng_uniform_int(g, N_LEVELS);
    c->day = (int)gsl_rng_uniform_int(g, BENEFIT_DAYS_PER_YEAR);
    c->cost_yuan = gsl_ran_lognormal(g, log(mean), 1.2);
    c->policy_yuan = c->cost_yuan * unif(g, 0.5, 1);
}

static void random_case(gsl_rng *g, struct random_case *t)
{
    memset(t, 0, sizeof *t);
    struct benefit_rules *r = &t->r;
    for (int l = 0; l < N_LEVELS; l++) {
        r->inpatient_deductible_yuan[l] = unif(g, 0, 2000);
        r->inpatient_ratio[l] = unif(g, 0, 1);
        r->outpatient_deductible_yuan[l] = unif(g, 0, 100);
        r->outpatient_ratio[l] = unif(g, 0, 1);
    }
    r->inpatient_cap_yuan = unif(g, 0, 300000);
    r->outpatient_cap_yuan = unif(g, 0, 1000);
    r->n_conditions = 3;
    for (int k = 0; k < 3; k++)
        r->condition[k] = (struct benefit_condition_rule){unif(g, 0, 500), unif(g, 0, 1),
                                                          unif(g, 0, 50000), k == 0};
    r->maternity_yuan[DELIVERY_NATURAL] = unif(g, 0, 2000);
    r->maternity_yuan[DELIVERY_CAESAREAN] = unif(g, 0, 3000);
    r->waiting_days = (int)gsl_rng_uniform_int(g, 60);
    r->serious_deductible_yuan = unif(g, 0, 30000);
    r->n_serious_bands = 1 + gsl_rng_uniform_int(g, 3);
    t->from[0] = 0;
    for (size_t b = 0; b < r->n_serious_bands; b++) {
        if (b) t->from[b] = t->from[b - 1] + 1 + (int)gsl_rng_uniform_int(g, 50000);
        t->ratio[b] = unif(g, 0, 1);
    }
    r->serious_band_from_yuan = t->from, r->serious_band_ratio = t->ratio;
    r->serious_cap_yuan = gsl_rng_uniform(g) < 0.5 ? 0 : unif(g, 0, 200000);
    r->serious_poor_deductible_factor = unif(g, 0, 1);
    r->serious_poor_ratio_bonus = unif(g, 0, 0.3);
    r->serious_outpatient_share = unif(g, 0, 1);
    for (int k = 0; k < N_CATEGORIES; k++)
        r->assistance_ratio[k] = unif(g, 0, 1);
    r->assistance_limit_yuan = unif(g, 0, 80000);

    t->s.category = (int)gsl_rng_uniform_int(g, N_CATEGORIES + 1) - 1;
    t->s.late_payer = gsl_rng_uniform(g) < 0.3;
    t->s.paid_day = (int)gsl_rng_uniform_int(g, 60);
    size_t na = gsl_rng_uniform_int(g, 6), nv = gsl_rng_uniform_int(g, 30);
    for (size_t i = 0; i < na; i++)
        random_claim(g, &t->adm[i], 8000);
    for (size_t i = 0; i < nv; i++)
        random_claim(g, &t->vis[i], 150);
    for (int k = 0; k < 3; k++)
        t->cond[k] = gsl_rng_uniform(g) < 0.3 ? gsl_ran_lognormal(g, log(5000), 1) : 0;
    t->c = (struct benefit_claims){.n_admissions = na,
                                   .admissions = t->adm,
                                   .n_visits = nv,
                                   .visits = t->vis,
                                   .condition_cost_yuan = gsl_rng_uniform(g) < 0.5 ? t->cond : NULL,
                                   .delivery = (int)gsl_rng_uniform_int(g, N_DELIVERIES),
                                   .delivery_day = (int)gsl_rng_uniform_int(g, 365),
                                   .delivery_cost_yuan = unif(g, 0, 10000)};
}

static void check_identity(const struct benefit_payment *p)
{
    const double parts[] = {p->fund_inpatient_yuan,    p->fund_outpatient_yuan,
                            p->fund_two_diseases_yuan, p->fund_chronic_yuan,
                            p->fund_maternity_yuan,    p->serious_yuan,
                            p->assistance_yuan,        p->out_of_pocket_yuan};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        assert_true(parts[i] >= 0);
    double sum = p->fund_yuan + p->serious_yuan + p->assistance_yuan + p->out_of_pocket_yuan;
    assert_true(fabs(sum - p->total_yuan) <= 1e-9 * p->total_yuan + 1e-12);
    assert_true(fabs(p->fund_yuan - (parts[0] + parts[1] + parts[2] + parts[3] + parts[4])) <=
                1e-9 * p->total_yuan + 1e-12);
    assert_true(p->policy_yuan <= p->total_yuan * (1 + 1e-12));
}

static double fund_of(const struct random_case *t, const struct benefit_rules *r)
{
    struct benefit_payment p;
    benefits_apply(r, &t->s, &t->c, &p);
    check_identity(&p);
    return p.fund_yuan;
}

/* 20,000 random cases: identity and signs; then, one setting changed at a time in a
 * generous direction (a cap or a ratio raised, a deductible lowered), the fund never
 * pays less. */
static void test_invariants(void **state)
{
    (void)state;
    gsl_rng *g = stream_alloc();
    stream_seek(g,
                (struct stream_key){.seed = 4, .path = 1, .region = 0, .year = 2024, .driver = 99});
    for (int i = 0; i < 20000; i++) {
        struct random_case t;
        random_case(g, &t);
        double base = fund_of(&t, &t.r);
        for (int change = 0; change < 12; change++) {
            struct benefit_rules r = t.r;
            int l = (int)gsl_rng_uniform_int(g, N_LEVELS), k = (int)gsl_rng_uniform_int(g, 3);
            double up = unif(g, 1, 2);
            switch (change) {
            case 0:
                r.inpatient_cap_yuan *= up;
                break;
            case 1:
                r.outpatient_cap_yuan *= up;
                break;
            case 2:
                r.condition[k].cap_yuan *= up;
                break;
            case 3:
                r.inpatient_ratio[l] = fmin(1, r.inpatient_ratio[l] * up);
                break;
            case 4:
                r.outpatient_ratio[l] = fmin(1, r.outpatient_ratio[l] * up);
                break;
            case 5:
                r.condition[k].ratio = fmin(1, r.condition[k].ratio * up);
                break;
            case 6:
                r.inpatient_deductible_yuan[l] /= up;
                break;
            case 7:
                r.outpatient_deductible_yuan[l] /= up;
                break;
            case 8:
                r.condition[k].deductible_yuan /= up;
                break;
            case 9:
                r.maternity_yuan[1 + gsl_rng_uniform_int(g, 2)] *= up;
                break;
            case 10:
                r.waiting_days /= 2;
                break; /* a shorter wait */
            case 11:
                r.inpatient_deductible_yuan[l] = 0;
                break;
            }
            double more = fund_of(&t, &r);
            if (more < base * (1 - 1e-12) - 1e-9)
                fail_msg("case %d change %d: fund %.6f < %.6f", i, change, more, base);
        }
    }
    gsl_rng_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outpatient_cases),        cmocka_unit_test(test_maternity_cases),
        cmocka_unit_test(test_inpatient_cases),         cmocka_unit_test(test_serious_bands),
        cmocka_unit_test(test_assistance_limit_shared), cmocka_unit_test(test_waiting_period),
        cmocka_unit_test(test_rules_from_scenario),     cmocka_unit_test(test_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
