/* test_hand.c: the engine against a projection worked by hand. The scenario
 * tests/scenarios/hand/hand.cfg switches every source of randomness off (all
 * volatilities 0, utilization.claims_noise 0) and makes every rate, cost and
 * prevalence the same at all ages, so that its three years follow from its
 * numbers with a pencil. This file does that arithmetic from first principles,
 * calling no function of the engine or the models, and compares every income
 * and expenditure line of each year.
 *
 * The arithmetic (yuan; y = 0, 1, 2 for 2022-2024):
 *
 * Population. Everyone is 22 on 1 January 2022: 500 000 men and 500 000
 *   women. Death rates m = 0.002 (men) and 0.001 (women) at every age;
 *   deaths fall mid-year, so a year's death probability is q = m / (1 + m/2)
 *   (0.0019980, 0.0009995) and N(y) = 500 000 (1 - q)^y per sex. No
 *   migration. The fertility pattern puts the TFR of 1.5 on ages 25-29, 0.3
 *   per year of age; the women turn 25 in 2024, so births come in 2024 only:
 *   B = 0.3 x 1/2 x N_women(2) x (1 - q_women) = 74 775.3 (the population
 *   step averages the women aged 25 at the start and at the end of the year),
 *   half of them boys; 80 % of them enroll (newborn_share).
 * Enrollment. The contribution C is 350, 380, then 440 (380 + 0.2 % of the
 *   income of 30 000). Income does not grow, so participation is p = 0.9
 *   (C / 350)^-0.2 = 0.9, 0.885318, 0.859737. Five per cent of the residents
 *   are assisted (1 % extreme poverty, 4 % minimum living) and enroll at 0.99;
 *   the others at p. Enrollees: N (0.05 x 0.99 + 0.95 p) + 0.8 B, 904 500 in
 *   2022. No one is in the employee scheme, a student, or a late payer.
 * Income. Assistance pays the assisted's contributions (100 % and 95 %):
 *   1 % x 0.99 x 350 + 4 % x 0.99 x 95 % x 350 = 16.632 per resident in
 *   2022; the enrollees pay the rest of enrollees x C. The subsidy S = 610,
 *   640, 700 on a national standard S0 = 610, 640, 670; 60 % of the enrollees
 *   live in districts, the rest in counties, a quarter of them in counties
 *   treated as western. Per enrollee in 2022:
 *     district: central 0.6 S0 = 366, province 0.2 x 0.4 S0 = 48.8, the rest,
 *       195.2, shared 1:1 by city and district;
 *     county: central 366, province 0.3 x 0.4 S0 = 73.2, city 70, county 100.8;
 *     western county: central 0.8 S0 = 488, province 0.3 x 0.2 S0 = 36.6,
 *       city 70, county 15.4.
 *   In 2024 the standard is 30 above the national one, which only the city and
 *   the district or county pay. Contribution assistance is paid 1:1 by city and
 *   district in districts, by the county alone in counties. The serious-illness
 *   premium, 60 and from 2024 70 per enrollee, is paid out of the fund.
 *   Interest: 2 % of the balance at the start of the year (300 M in 2022).
 * Benefit lines: one facility level for each kind of care, costs without
 *   spread, Poisson counts, a cost index of 1.
 *   Inpatient: an admission costs 6 000, 85 % in policy scope; deductible 600,
 *   ratio 70 %: the fund pays 0.7 (5 100 - 600) = 3 150 an admission (the
 *   annual cap of 300 000 is never reached). Admission rates 0.1 (men) and
 *   0.12 (women); patients of hypertension (20 %) are admitted 1.5 times as
 *   often and of dialysis (1 %) 3 times, each condition's patients counted on
 *   their own: 0.79 + 0.2 x 1.5 + 0.01 x 3 = 1.12 times the base rate per
 *   enrollee.
 *   General outpatient: a visit costs 100, 90 % in scope; deductible 10, ratio
 *   50 %: the fund pays 40 a visit, within an annual cap of 160 (4 visits),
 *   320 (8 visits) from 2024. With N Poisson visits a year, 4 for men and 3
 *   for women, the fund pays 40 E[min(N, k)] = 40 (k - sum_{n<k} (k - n)
 *   P(N = n)) a person: 128.74 and 107.23 with k = 4, 158.65 and 119.79 with
 *   k = 8.
 *   Two diseases: hypertension costs 600 a year; the fund pays 50 % within a
 *   cap of 200: 200 a patient. Chronic: dialysis costs 60 000; deductible
 *   1 000, 70 %: 41 300 a patient.
 *   The year's enrolled newborns claim half a year at the base rates.
 *   Maternity: B x the enrolled share of the women (everyone's share) x
 *   (0.75 x 800 + 0.25 x 1 600 = 1 000 a delivery).
 * The accounts: income = contributions + assisted contributions + subsidy +
 *   interest; expenditure = the five lines + the premium; the balance moves
 *   by the difference; months of payment = balance / (expenditure / 12).
 *
 * Tolerance: 1e-9 relative. The engine keeps the fund's lines in multiples of
 * 2^-10 yuan (sim/accounting.h), so a year's income or expenditure is off the
 * exact sum by at most 7 units and a balance after three years by 21 (with
 * interest on them): ABSOLUTE_YUAN allows 32. Everything else is floating
 * point (the life table's 1 - L(x+1) / L(x), the logistic of the
 * participation, the Poisson sums to 1e-13): about 1e-12 relative.
 *
 * Serious illness and medical assistance on the bills are outside the fund.
 * The tables read them off lattices and interpolate them in the visit rate
 * (models/benefit_table.h), so they are checked within LAYERS: worked by hand
 * as sums over the Poisson admission and visit counts of each group (those
 * without a condition, each condition's patients, the newborns; assisted or
 * not), they agree within 4e-5.
 *
 * The same projection with a use trend (the second group of tests): use per
 * person grows 20 % a year (costs.utilization_trend 0.2, use index U = 1,
 * 1.2, 1.44) and prices 20 % a year (excess growth at its long-run level,
 * -0.2, and dated policy effects of +44 % in 2023 and 2024 make the cost index
 * 1.44^y, so the price index P = 1, 1.2, 1.44). The conditions' annual caps
 * are lifted so that their fund lines are linear in the cost (models/README.md,
 * utilization.h: a condition patient's yearly treatment grows in volume and in
 * price, U P):
 *   admission rates x U, an admission 6 000 P, the fund 0.7 (5 100 P - 600);
 *   visit rates x U, a visit 100 P, the fund 0.5 (90 P - 10) within the cap;
 *   hypertension 600 U P, the fund 300 U P; dialysis 60 000 U P, the fund
 *   0.7 (60 000 U P - 1 000).
 * Population, enrollment and income do not depend on costs. Both indices sit
 * on the tables' nodes (1.2^k), so the fund's lines from admissions and
 * conditions stay EXACT; the outpatient fund is interpolated linearly in the
 * visit rate, which no longer falls on a node of its fine grid (VISITS). */
#include "output/record.h"
#include "sim/accounting.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/engine.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

#define HAND FUNDSIM_SOURCE_DIR "/tests/scenarios/hand/hand.cfg"
#define YEARS 3
#define EXACT 1e-9                                /* relative */
#define ABSOLUTE_YUAN (32 * ACCOUNTING_UNIT_YUAN) /* rounding of the accounts */
#define LAYERS 2e-4                               /* relative, serious illness and assistance */
#define VISITS 1e-5         /* relative, the outpatient fund between the nodes of its visit rates */
#define INCOME_YUAN 30000.0 /* per capita, every year */

/* ---- the scenario's numbers ---- */

enum { MEN, WOMEN, SEXES };
static const double start_persons = 500000; /* per sex, all aged 22 */
static const double death_rate[SEXES] = {0.002, 0.001};
static const double asfr_25 = 1.5 * 0.2; /* the TFR x the pattern's share of each age of 25-29 */
static const double newborn_share = 0.8;

static const double contribution_yuan[YEARS] = {350, 380, 380 + 0.002 * INCOME_YUAN};
static const double participation0 = 0.9, elasticity = -0.2, vulnerable = 0.99;
static const double category_share[2] = {0.01, 0.04}; /* extreme poverty, minimum living */
static const double assisted_share[2] = {1.0, 0.95};  /* of the contribution */
static const double assistance_ratio = 0.7;           /* both categories */

static const double standard_yuan[YEARS] = {610, 640, 700};
static const double national_yuan[YEARS] = {610, 640, 670};
static const double district_share = 0.6, western_of_county = 0.1 / 0.4;
static const double premium_yuan[YEARS] = {60, 60, 70};
static const double opening_yuan = 300e6, interest_rate = 0.02;

static const double admissions[SEXES] = {0.1, 0.12}, visits[SEXES] = {4, 3};
static const double admission_cost = 6000, admission_scope = 0.85;
static const double visit_cost = 100, visit_scope = 0.9;
static const double outpatient_cap_yuan[YEARS] = {160, 160, 320};

enum { HYPERTENSION, DIALYSIS, CONDITIONS };
static const double prevalence[CONDITIONS] = {0.2, 0.01};
static const double multiplier[CONDITIONS] = {1.5, 3};
static const double condition_cost[CONDITIONS] = {600, 60000};
static const double condition_deductible[CONDITIONS] = {0, 1000};
static const double condition_ratio[CONDITIONS] = {0.5, 0.7};

/* What differs between the two projections: each year's use index U and price
 * index P, and the conditions' annual caps. */
struct variant {
    double use[YEARS], price[YEARS];
    double condition_cap[CONDITIONS];
};

/* hand.cfg: a cost index of 1; hypertension's fund 0.5 x 600 within the cap of
 * 200, dialysis's 0.7 (60 000 - 1 000) within 50 000. */
static const struct variant shipped = {{1, 1, 1}, {1, 1, 1}, {200, 50000}};
/* With the use trend (see the top). */
#define NO_CAP_YUAN 1e7
static const struct variant use_trend = {
    {1, 1.2, 1.44}, {1, 1.2, 1.44}, {NO_CAP_YUAN, NO_CAP_YUAN}};
static const struct setting_override use_trend_sets[] = {
    {.key = "costs.utilization_trend", .value = "0.2"},
    {.key = "costs.excess_growth", .value = "-0.2"},
    {.key = "costs.policy_effects", .value = "((2023, 0.44), (2024, 0.44))"},
    {.key = "policy.conditions.hypertension.annual_cap_yuan", .value = "1e7"},
    {.key = "policy.conditions.dialysis.annual_cap_yuan", .value = "1e7"},
};

/* The fund's payment on an admission and on a visit at price index P:
 * 0.7 (5 100 - 600) = 3 150 and 0.5 (90 - 10) = 40 at P = 1. */
static double admission_fund(double P)
{
    return 0.7 * (admission_scope * admission_cost * P - 600);
}

static double visit_fund(double P)
{
    return 0.5 * (visit_scope * visit_cost * P - 10);
}

/* A condition's fund payment on a patient's yearly cost x. */
static double condition_fund(const struct variant *v, int c, double x)
{
    return fmin(v->condition_cap[c], condition_ratio[c] * fmax(0, x - condition_deductible[c]));
}

static const double delivery_yuan = 0.75 * 800 + 0.25 * 1600;

/* Serious illness (the defaults): 60 % of the policy-scope out-of-pocket cost
 * above half the income; for the poor 65 % above a quarter of it. */
static const double serious_deductible = 0.5 * INCOME_YUAN, serious_ratio = 0.6;
static const double poor_deductible = 0.25 * INCOME_YUAN, poor_ratio = 0.65;
static const double assistance_limit = 50000;

/* ---- arithmetic ---- */

/* P(N = n), n = 0..n_max, N Poisson with mean lambda. */
static void poisson(double lambda, int n_max, double *p)
{
    p[0] = exp(-lambda);
    for (int n = 0; n < n_max; n++)
        p[n + 1] = p[n] * lambda / (n + 1);
}

#define MAX_COUNT 60

/* E[min(cap, v N)] = sum_n P(N = n) min(cap, v n), v the fund's payment per
 * visit at price index P (at P = 1, v = 40 and the cap is k = 4 or 8 visits'
 * worth: v (k - sum_{n<k} (k - n) P(N = n))). */
static double outpatient_fund(double lambda, double cap, double P)
{
    double p[MAX_COUNT + 1], v = visit_fund(P), sum = 0;
    poisson(lambda, MAX_COUNT, p);
    for (int n = 0; n <= MAX_COUNT; n++)
        sum += p[n] * fmin(cap, v * n);
    return sum;
}

/* One group's serious illness and assistance per person: the policy-scope
 * out-of-pocket cost W = 1 950 P per admission + (90 P - fund) per visit + the
 * condition's part, summed over the Poisson counts. */
static void layers(double adm, double vis, double cap, double condition_oop, double P,
                   double *serious, double *poor_serious, double *assistance)
{
    double pa[MAX_COUNT + 1], pv[MAX_COUNT + 1];
    poisson(adm, MAX_COUNT, pa);
    poisson(vis, MAX_COUNT, pv);
    double in_oop = admission_scope * admission_cost * P - admission_fund(P);
    *serious = *poor_serious = *assistance = 0;
    for (int n = 0; n <= MAX_COUNT; n++)
        for (int m = 0; m <= MAX_COUNT; m++) {
            double w = n * in_oop + m * visit_scope * visit_cost * P -
                       fmin(cap, m * visit_fund(P)) + condition_oop;
            double p = pa[n] * pv[m];
            double poor = poor_ratio * fmax(0, w - poor_deductible);
            *serious += p * serious_ratio * fmax(0, w - serious_deductible);
            *poor_serious += p * poor;
            *assistance += p * fmin(assistance_limit, assistance_ratio * (w - poor));
        }
}

/* The engine's path and the hand projection, want[year][var]. */
struct fixture {
    struct scenario s;
    struct engine *e;
    struct engine_work *w;
    struct record_block b;
    double want[YEARS][N_VARS];
};

static void project_by_hand(const struct variant *x, double want[YEARS][N_VARS])
{
    double balance = opening_yuan;
    for (int y = 0; y < YEARS; y++) {
        double *v = want[y];
        double C = contribution_yuan[y], S = standard_yuan[y], S0 = national_yuan[y];

        /* population and enrollment */
        double persons[SEXES], q[SEXES];
        for (int s = 0; s < SEXES; s++) {
            q[s] = death_rate[s] / (1 + death_rate[s] / 2);
            persons[s] = start_persons * pow(1 - q[s], y);
        }
        double births = y == 2 ? asfr_25 * 0.5 * persons[WOMEN] * (1 - q[WOMEN]) : 0;
        double p = participation0 * pow(C / contribution_yuan[0], elasticity);
        double assisted = category_share[0] + category_share[1];
        double enrolled_share = assisted * vulnerable + (1 - assisted) * p;
        double cells[SEXES], born[SEXES], in_cells = 0, residents = 0;
        for (int s = 0; s < SEXES; s++) {
            cells[s] = persons[s] * enrolled_share;
            born[s] = newborn_share * births / 2;
            in_cells += cells[s];
            residents += persons[s];
        }
        double enrollees = in_cells + newborn_share * births;
        v[VAR_RESIDENTS] = residents;
        v[VAR_ENROLLEES] = enrollees;

        /* contributions: assistance pays its share for the assisted */
        double assisted_yuan = 0;
        for (int k = 0; k < 2; k++)
            assisted_yuan += residents * category_share[k] * vulnerable * assisted_share[k] * C;
        v[VAR_ASSISTED_CONTRIBUTIONS] = assisted_yuan;
        v[VAR_CONTRIBUTIONS] = enrollees * C - assisted_yuan;

        /* the subsidy per enrollee of each class, by level */
        double district = district_share * enrollees;
        double county = (1 - district_share) * enrollees * (1 - western_of_county);
        double western = (1 - district_share) * enrollees * western_of_county;
        double rest_d = S - 0.6 * S0 - 0.2 * 0.4 * S0;
        double rest_c = S - 0.6 * S0 - 0.3 * 0.4 * S0;
        double rest_w = S - 0.8 * S0 - 0.3 * 0.2 * S0;
        v[VAR_SUBSIDY_CENTRAL] = (district + county) * 0.6 * S0 + western * 0.8 * S0;
        v[VAR_SUBSIDY_PROVINCE] =
            district * 0.2 * 0.4 * S0 + county * 0.3 * 0.4 * S0 + western * 0.3 * 0.2 * S0;
        v[VAR_SUBSIDY_CITY] = district * 0.5 * rest_d + (county + western) * 70;
        v[VAR_SUBSIDY_DISTRICT] = district * 0.5 * rest_d;
        v[VAR_SUBSIDY_COUNTY] = county * (rest_c - 70) + western * (rest_w - 70);
        v[VAR_SUBSIDY] = enrollees * S;
        /* assistance: 1:1 by city and district in districts, the county's alone */
        v[VAR_OUTLAY_CENTRAL] = v[VAR_SUBSIDY_CENTRAL];
        v[VAR_OUTLAY_PROVINCE] = v[VAR_SUBSIDY_PROVINCE];
        v[VAR_OUTLAY_CITY] = v[VAR_SUBSIDY_CITY] + district_share * assisted_yuan / 2;
        v[VAR_OUTLAY_DISTRICT] = v[VAR_SUBSIDY_DISTRICT] + district_share * assisted_yuan / 2;
        v[VAR_OUTLAY_COUNTY] = v[VAR_SUBSIDY_COUNTY] + (1 - district_share) * assisted_yuan;
        v[VAR_SERIOUS_PREMIUM] = enrollees * premium_yuan[y];

        /* benefit lines: rates x U, an admission's or a visit's cost x P, a
         * condition patient's treatment x U P */
        double U = x->use[y], P = x->price[y];
        double patients[CONDITIONS], admission_weight = 1;
        for (int c = 0; c < CONDITIONS; c++) {
            patients[c] = prevalence[c] * in_cells;
            admission_weight += prevalence[c] * (multiplier[c] - 1);
        }
        double cap = outpatient_cap_yuan[y];
        double inpatient = 0, outpatient = 0, total = 0, policy = 0;
        for (int s = 0; s < SEXES; s++) {
            double adm = U * admissions[s] * (admission_weight * cells[s] + 0.5 * born[s]);
            double vis = U * visits[s] * (cells[s] + 0.5 * born[s]);
            inpatient += admission_fund(P) * adm;
            outpatient += cells[s] * outpatient_fund(U * visits[s], cap, P) +
                          born[s] * outpatient_fund(0.5 * U * visits[s], cap, P);
            total += P * (adm * admission_cost + vis * visit_cost);
            policy += P * (adm * admission_scope * admission_cost + vis * visit_scope * visit_cost);
        }
        double treatment[CONDITIONS], fund[CONDITIONS];
        for (int c = 0; c < CONDITIONS; c++) {
            treatment[c] = U * P * condition_cost[c];
            fund[c] = condition_fund(x, c, treatment[c]);
            total += patients[c] * treatment[c];
            policy += patients[c] * treatment[c];
        }
        v[VAR_FUND_INPATIENT] = inpatient;
        v[VAR_FUND_OUTPATIENT] = outpatient;
        v[VAR_FUND_TWO_DISEASES] = patients[HYPERTENSION] * fund[HYPERTENSION];
        v[VAR_FUND_CHRONIC] = patients[DIALYSIS] * fund[DIALYSIS];
        v[VAR_FUND_MATERNITY] = births * enrolled_share * delivery_yuan;
        v[VAR_TOTAL_COST] = total;
        v[VAR_POLICY_COST] = policy;

        /* serious illness and assistance, group by group: those without a
         * condition (enrollees less patients) and each condition's patients,
         * assisted in the share `assisted * vulnerable / enrolled_share` */
        double poor = assisted * vulnerable / enrolled_share, serious = 0, help = 0;
        for (int g = -1; g < CONDITIONS; g++) {
            double oop = g < 0 ? 0 : treatment[g] - fund[g];
            double m = g < 0 ? 1 : multiplier[g], sp, pp, a;
            for (int s = 0; s < SEXES; s++) {
                double n = g < 0 ? cells[s] * (1 - prevalence[0] - prevalence[1])
                                 : cells[s] * prevalence[g];
                layers(U * admissions[s] * m, U * visits[s], cap, oop, P, &sp, &pp, &a);
                serious += n * ((1 - poor) * sp + poor * pp);
                help += n * poor * a;
                if (g < 0 && born[s] > 0) {
                    layers(0.5 * U * admissions[s], 0.5 * U * visits[s], cap, 0, P, &sp, &pp, &a);
                    serious += born[s] * sp;
                }
            }
        }
        v[VAR_SERIOUS_CLAIMS] = serious;
        v[VAR_ASSISTANCE_CLAIMS] = help;

        /* the accounts */
        v[VAR_INTEREST] = interest_rate * balance;
        v[VAR_INCOME] =
            v[VAR_CONTRIBUTIONS] + v[VAR_ASSISTED_CONTRIBUTIONS] + v[VAR_SUBSIDY] + v[VAR_INTEREST];
        v[VAR_EXPENDITURE] = v[VAR_FUND_INPATIENT] + v[VAR_FUND_OUTPATIENT] +
                             v[VAR_FUND_TWO_DISEASES] + v[VAR_FUND_CHRONIC] +
                             v[VAR_FUND_MATERNITY] + v[VAR_SERIOUS_PREMIUM];
        v[VAR_SURPLUS] = v[VAR_INCOME] - v[VAR_EXPENDITURE];
        balance += v[VAR_SURPLUS];
        v[VAR_BALANCE] = balance;
        v[VAR_MONTHS] = balance / (v[VAR_EXPENDITURE] / 12);
    }
}

/* ---- the comparisons ---- */

/* Variable `k` of every year within `relative` of the hand figure (and the
 * accounts' rounding). */
static void check(const struct fixture *f, int k, double relative)
{
    for (size_t y = 0; y < YEARS; y++) {
        double got = record_at(&f->b, 0, y, 0)[k], want = f->want[y][k];
        char what[64];
        snprintf(what, sizeof what, "%s in %d", var_info[k].name, 2022 + (int)y);
        assert_close_at(got, want, relative * fabs(want) + ABSOLUTE_YUAN, what, __FILE__, __LINE__);
    }
}

static void test_population(void **state)
{
    const struct fixture *f = *state;
    check(f, VAR_RESIDENTS, EXACT);
    check(f, VAR_ENROLLEES, EXACT);
    /* the projection is not trivial: people die, participation falls, 2024 has births */
    assert_true(f->want[2][VAR_RESIDENTS] < f->want[0][VAR_RESIDENTS]);
    assert_true(f->want[1][VAR_ENROLLEES] < f->want[0][VAR_ENROLLEES]);
    assert_true(f->want[2][VAR_FUND_MATERNITY] > 0 && f->want[1][VAR_FUND_MATERNITY] == 0);
}

static void test_income(void **state)
{
    const struct fixture *f = *state;
    static const int lines[] = {
        VAR_CONTRIBUTIONS,  VAR_ASSISTED_CONTRIBUTIONS, VAR_SUBSIDY_CENTRAL, VAR_SUBSIDY_PROVINCE,
        VAR_SUBSIDY_CITY,   VAR_SUBSIDY_DISTRICT,       VAR_SUBSIDY_COUNTY,  VAR_SUBSIDY,
        VAR_OUTLAY_CENTRAL, VAR_OUTLAY_PROVINCE,        VAR_OUTLAY_CITY,     VAR_OUTLAY_DISTRICT,
        VAR_OUTLAY_COUNTY,  VAR_SERIOUS_PREMIUM,        VAR_INTEREST};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        check(f, lines[i], EXACT);
}

static void test_benefit_lines(void **state)
{
    const struct fixture *f = *state;
    static const int lines[] = {VAR_FUND_INPATIENT, VAR_FUND_OUTPATIENT, VAR_FUND_TWO_DISEASES,
                                VAR_FUND_CHRONIC,   VAR_FUND_MATERNITY,  VAR_TOTAL_COST,
                                VAR_POLICY_COST};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        check(f, lines[i], EXACT);
}

static void test_accounts(void **state)
{
    const struct fixture *f = *state;
    static const int lines[] = {VAR_INCOME, VAR_EXPENDITURE, VAR_SURPLUS, VAR_BALANCE, VAR_MONTHS};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        check(f, lines[i], EXACT);
    for (size_t y = 0; y < YEARS; y++) {
        const double *v = record_at(&f->b, 0, y, 0);
        assert_true(v[VAR_ADJUSTMENT_PAID] == 0 && v[VAR_ADJUSTMENT_RECEIVED] == 0);
    }
}

/* Outside the fund, from the lattices: loosely (see the top). */
static void test_layers(void **state)
{
    const struct fixture *f = *state;
    check(f, VAR_SERIOUS_CLAIMS, LAYERS);
    check(f, VAR_ASSISTANCE_CLAIMS, LAYERS);
}

/* The same path again, and another path, give the same records: nothing is random. */
static void test_no_randomness(void **state)
{
    struct fixture *f = *state;
    struct record_block b;
    assert_int_equal(record_block_alloc(&b, 2, YEARS, 1), 0);
    engine_path(f->e, f->w, 0, &b, 0);
    engine_path(f->e, f->w, 12345, &b, 1);
    size_t n = YEARS * N_VARS;
    assert_memory_equal(b.v, f->b.v, n * sizeof *b.v);
    assert_memory_equal(b.v + n, f->b.v, n * sizeof *b.v);
    record_block_free(&b);
}

/* ---- with the use trend ---- */

/* The fund's lines: a condition patient's treatment grows with use and price
 * (U P = 1, 1.44, 2.07: dialysis 60 000, 86 400, 124 416 a year); admissions
 * and visits in number with U and in cost with P. */
static void test_use_trend_lines(void **state)
{
    const struct fixture *f = *state;
    static const int lines[] = {VAR_FUND_TWO_DISEASES, VAR_FUND_CHRONIC,   VAR_TOTAL_COST,
                                VAR_POLICY_COST,       VAR_FUND_INPATIENT, VAR_FUND_MATERNITY};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        check(f, lines[i], EXACT);
    check(f, VAR_FUND_OUTPATIENT, VISITS);
    /* the projection moves: dialysis's fund pays 86 391 a patient in 2024, 41 300
     * in 2022, on 5 % fewer enrollees */
    assert_true(f->want[2][VAR_FUND_CHRONIC] > 1.9 * f->want[0][VAR_FUND_CHRONIC]);
}

/* Serious illness and assistance on the larger bills: dialysis patients' own
 * part, 0.3 x 60 000 U P + 700, counts. */
static void test_use_trend_layers(void **state)
{
    const struct fixture *f = *state;
    check(f, VAR_SERIOUS_CLAIMS, LAYERS);
    check(f, VAR_ASSISTANCE_CLAIMS, LAYERS);
}

static int setup_variant(void **state, const struct setting_override *sets, size_t n_sets,
                         const struct variant *x)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct diag d = {0};
    if (!f || scenario_load(HAND, sets, n_sets, &f->s, &d) != 0 ||
        !(f->e = engine_create(&f->s, 1, &d))) {
        diag_print(stderr, &d);
        return -1;
    }
    if (!(f->w = engine_work_alloc(f->e)) || record_block_alloc(&f->b, 1, YEARS, 1) != 0) return -1;
    engine_path(f->e, f->w, 0, &f->b, 0);
    project_by_hand(x, f->want);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_variant(state, NULL, 0, &shipped);
}

static int setup_use_trend(void **state)
{
    return setup_variant(state, use_trend_sets, sizeof use_trend_sets / sizeof *use_trend_sets,
                         &use_trend);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    record_block_free(&f->b);
    engine_work_free(f->w);
    engine_free(f->e);
    scenario_free(&f->s);
    free(f);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_population),    cmocka_unit_test(test_income),
        cmocka_unit_test(test_benefit_lines), cmocka_unit_test(test_accounts),
        cmocka_unit_test(test_layers),        cmocka_unit_test(test_no_randomness),
    };
    const struct CMUnitTest use_trend_tests[] = {
        cmocka_unit_test(test_use_trend_lines),
        cmocka_unit_test(test_use_trend_layers),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed + cmocka_run_group_tests(use_trend_tests, setup_use_trend, teardown);
}
