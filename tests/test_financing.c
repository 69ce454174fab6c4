/* test_financing.c: the financing rules (models/financing.c): the subsidy
 * split, the contribution, contribution assistance and the serious-illness
 * premium on cases worked by hand from the notices' figures; identities and
 * monotonicity over random cases drawn from a keyed stream; and the shipped
 * scenarios, loaded and resolved into the year view. */
#include "models/financing.h"
#include "models/stream.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Amounts worked by hand are exact to the fen; floating point leaves ~1e-13. */
#define YUAN_EPS 1e-9

enum { C = FINANCING_CENTRAL, P = FINANCING_PROVINCE, CI = FINANCING_CITY };
enum { DI = FINANCING_DISTRICT, CO = FINANCING_COUNTY, NP = FINANCING_N_PAYERS };

/* Zhengzhou 2023 (002): contribution 380 (the standard 002 sets, collected in
 * the autumn of 2023 for 2024's benefits: a hand case here), subsidy 780,
 * national standard 640 (384 = 60 % of it), the split of 002 as in
 * scenarios/zhengzhou-2024.cfg, assistance 100 / 95 / 95 / 80 %, paid 1:1 by
 * city and district in districts and by the county alone in counties; premium
 * 95 (004 annex 1). */
/* A path whose per-capita disposable income stays at `income_yuan` and whose
 * prices stay at the start's, from 1990 (the earliest start) to 2245: the
 * timelines' continuations then leave amounts as they are, but for steps and
 * rates. */
static const struct timeline_path *flat_path(double income_yuan)
{
    static double income[256], price[256];
    static struct timeline_path x = {
        .start_year = 1990, .years = 256, .income = income, .price = price};
    for (int k = 0; k < 256; k++)
        income[k] = income_yuan, price[k] = 1;
    return &x;
}

/* A path from `start_year` whose per-capita disposable income grows by exactly
 * `growth` a year from `income_yuan` in start_year - 1, at the start's prices. */
static const struct timeline_path *growing_path(int start_year, double income_yuan, double growth)
{
    static double income[256], price[256];
    static struct timeline_path x = {.years = 256, .income = income, .price = price};
    x.start_year = start_year;
    for (int k = 0; k < 256; k++)
        income[k] = income_yuan * pow(1 + growth, k), price[k] = 1;
    return &x;
}

static struct financing_rules zhengzhou_2023(void)
{
    return (struct financing_rules){
        .contribution_yuan = 380,
        .standard_yuan = 780,
        .national_standard_yuan = 640,
        .central_share = 0.6,
        .central_share_western = 0.8,
        .western_county_share = 0,
        .split =
            {
                [CLASS_DISTRICT] = {.province_share = 0.2, .city_share = 0.5},
                [CLASS_COUNTY] = {.province_share = 0.3, .city_fixed_yuan = 70},
                [CLASS_STUDENT_CITY] = {.province_share = 0.2, .city_share = 1},
                [CLASS_STUDENT_PROVINCIAL] = {.province_share = 1, .city_fixed_yuan = 140},
            },
        .assisted_share = {1, 0.95, 0.95, 0.8},
        .assistance_city_share = {0.5, 0},
        .serious_premium_yuan = 95,
    };
}

/* Henan 2022 (000): subsidy 610 = the national standard, contribution 350 (000's
 * standard, for 2023's benefits: a hand case here), central 60 % (80 % in the 54 counties treated
 * as western); the local split is Zhengzhou's, applied province-wide as henan-2022.cfg assumes. */
static struct financing_rules henan_2022(void)
{
    struct financing_rules f = zhengzhou_2023();
    f.contribution_yuan = 350;
    f.standard_yuan = 610;
    f.national_standard_yuan = 610;
    f.serious_premium_yuan = 70;
    return f;
}

static void assert_yuan(double got, double want)
{
    if (fabs(got - want) > YUAN_EPS) fail_msg("got %.12g yuan, expected %.12g", got, want);
}

static void assert_payers(const double got[NP], const double want[NP], const char *what)
{
    for (int p = 0; p < NP; p++) {
        if (fabs(got[p] - want[p]) > YUAN_EPS)
            fail_msg("%s, %s: got %.12g yuan, expected %.12g", what, financing_payer_names[p],
                     got[p], want[p]);
    }
}

/* ---- the subsidy split, per enrollee ---- */

struct split_case {
    const char *what;
    struct financing_rules f;
    enum subsidy_class c;
    bool western;
    double want[NP]; /* central, province, city, district, county */
};

static void test_subsidy_split(void **state)
{
    (void)state;
    struct financing_rules zz = zhengzhou_2023(), hn = henan_2022();
    struct financing_rules zz24 = zz, high_province = hn, east = hn;
    zz24.standard_yuan = 810;          /* zhengzhou-2024.cfg: 810 (assumed) */
    zz24.national_standard_yuan = 670; /* henan.md: 670 in 2024 */
    high_province.split[CLASS_COUNTY].province_share = 0.9;
    east.central_share = 0.3; /* an eastern province's own share (guangdong-2022.cfg) */
    east.split[CLASS_COUNTY] = (struct financing_split){.province_share = 0.6, .city_share = 0.3};
    const struct split_case cases[] = {
        /* 002: central 0.6 x 640 = 384; province 0.2 x (640 - 384) = 51.2; rest 780 - 384 -
         * 51.2 = 344.8, shared 1:1: city 172.4, district 172.4 */
        {"Zhengzhou 2023, districts", zz, CLASS_DISTRICT, false, {384, 51.2, 172.4, 172.4, 0}},
        /* 002: 384; province 0.3 x 256 = 76.8; rest 319.2: city 70 fixed, county 249.2 */
        {"Zhengzhou 2023, counties", zz, CLASS_COUNTY, false, {384, 76.8, 70, 0, 249.2}},
        /* 002: 384; province 51.2; the city pays all the rest, 344.8 */
        {"Zhengzhou 2023, city-run students",
         zz,
         CLASS_STUDENT_CITY,
         false,
         {384, 51.2, 344.8, 0, 0}},
        /* 002 fixes the city's 140; "the rest per rules": the province pays the national
         * standard's local part, 256 (assumed); 384 + 256 + 140 = 780 */
        {"Zhengzhou 2023, provincially run students",
         zz,
         CLASS_STUDENT_PROVINCIAL,
         false,
         {384, 256, 140, 0, 0}},
        /* 000: 610, central 0.6 x 610 = 366; province 0.2 x 244 = 48.8; rest 195.2, 1:1 */
        {"Henan 2022, districts", hn, CLASS_DISTRICT, false, {366, 48.8, 97.6, 97.6, 0}},
        /* 366; province 0.3 x 244 = 73.2; rest 170.8: city 70, county 100.8 */
        {"Henan 2022, counties", hn, CLASS_COUNTY, false, {366, 73.2, 70, 0, 100.8}},
        /* 000: 80 % in a county treated as western: 488; province 0.3 x 122 = 36.6; rest
         * 85.4: city 70, county 15.4 */
        {"Henan 2022, western-policy county", hn, CLASS_COUNTY, true, {488, 36.6, 70, 0, 15.4}},
        /* 366; province 1.0 x 244; nothing is left for the city's 140 when the standard is
         * the national one: the city pays min(140, 0) = 0 */
        {"Henan 2022, provincially run students",
         hn,
         CLASS_STUDENT_PROVINCIAL,
         false,
         {366, 244, 0, 0, 0}},
        /* 366; province 48.8; the city pays the rest, 195.2 */
        {"Henan 2022, city-run students", hn, CLASS_STUDENT_CITY, false, {366, 48.8, 195.2, 0, 0}},
        /* 810 against 670: central 402, province 0.2 x 268 = 53.6, rest 354.4, 1:1. At the
         * national 670 the rest would be 214.4: the extra 140 falls 70 / 70 on city and
         * district, none on the central and provincial budgets */
        {"standard above the national one",
         zz24,
         CLASS_DISTRICT,
         false,
         {402, 53.6, 177.2, 177.2, 0}},
        /* 366; province 0.9 x 244 = 219.6; rest 24.4 is less than the city's fixed 70: the
         * city pays 24.4 and the county nothing */
        {"rest below the city's fixed amount",
         high_province,
         CLASS_COUNTY,
         false,
         {366, 219.6, 24.4, 0, 0}},
        /* central 0.3 x 610 = 183; province 0.6 x 427 = 256.2; rest 170.8: city 30 % =
         * 51.24, county 119.56 */
        {"eastern province, county", east, CLASS_COUNTY, false, {183, 256.2, 51.24, 0, 119.56}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const struct split_case *t = &cases[k];
        double got[NP];
        financing_subsidy(&t->f, t->c, t->western, got);
        assert_payers(got, t->want, t->what);
    }
}

/* ---- the individual contribution ---- */

static void test_contribution(void **state)
{
    (void)state;
    const struct {
        double fixed, rate, income, want;
    } cases[] = {
        {350, 0, 26811, 350}, /* Henan 2022 (000): 350; the income plays no part */
        {380, 0, 29933, 380}, /* Zhengzhou 2023 (002): 380 */
        /* income-linked only (001, 003): 1 % of an income of 38,000 = 380 */
        {0, 0.01, 38000, 380},
        /* both set: the schema adds them, 350 + 0.5 % x 30,000 = 350 + 150 = 500 */
        {350, 0.005, 30000, 500},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
        assert_yuan(financing_contribution_yuan(cases[k].fixed, cases[k].rate, cases[k].income),
                    cases[k].want);
}

/* ---- contribution assistance, per assisted enrollee ---- */

static void test_assistance(void **state)
{
    (void)state;
    const struct financing_rules zz = zhengzhou_2023();
    const struct {
        enum financing_area a;
        enum category k;
        double total, resident;
        double want[NP];
    } cases[] = {
        /* 002: 特困 in full, 380, city and district 1:1 in districts */
        {FINANCING_AREA_DISTRICT, CAT_EXTREME_POVERTY, 380, 0, {0, 0, 190, 190, 0}},
        /* 002: 低保 95 % of 380 = 361, 180.5 / 180.5; the enrollee pays 19 */
        {FINANCING_AREA_DISTRICT, CAT_MINIMUM_LIVING, 361, 19, {0, 0, 180.5, 180.5, 0}},
        /* 002: rural at risk 95 % = 361, in a county the county alone */
        {FINANCING_AREA_COUNTY, CAT_RURAL_AT_RISK, 361, 19, {0, 0, 0, 0, 361}},
        /* 002: disabled, near-低保, children in hardship 80 % = 304; the enrollee pays 76 */
        {FINANCING_AREA_COUNTY, CAT_HARDSHIP, 304, 76, {0, 0, 0, 0, 304}},
        {FINANCING_AREA_DISTRICT, CAT_HARDSHIP, 304, 76, {0, 0, 152, 152, 0}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        double got[NP];
        double total = financing_assistance(&zz, cases[k].a, cases[k].k, got);
        assert_yuan(total, cases[k].total);
        assert_yuan(zz.contribution_yuan - total, cases[k].resident);
        assert_payers(got, cases[k].want, category_names[cases[k].k]);
    }
}

/* ---- a region-year ---- */

/* Zhengzhou 2023 with 1000 district residents, 500 county residents, 100 city-run and 200
 * provincially run students; 10 低保 assisted in districts, 5 特困 in counties:
 *   contributions due 1800 x 380 = 684,000; assistance 10 x 361 = 3,610 (city 1,805,
 *   district 1,805) + 5 x 380 = 1,900 (county): 5,510; residents 678,490;
 *   central 1800 x 384 = 691,200; province 1000 x 51.2 + 500 x 76.8 + 100 x 51.2 + 200 x 256
 *   = 145,920; city 1000 x 172.4 + 500 x 70 + 100 x 344.8 + 200 x 140 = 269,880; district
 *   172,400; county 500 x 249.2 = 124,600; sum 1,404,000 = 1800 x 780;
 *   income 684,000 + 1,404,000 = 2,088,000; premium 1800 x 95 = 171,000;
 *   outlays: city 271,685, district 174,205, county 126,500. */
static void test_region_year(void **state)
{
    (void)state;
    const struct financing_rules zz = zhengzhou_2023();
    struct financing_counts n = {.enrollees = {1000, 500, 100, 200}};
    n.assisted[FINANCING_AREA_DISTRICT][CAT_MINIMUM_LIVING] = 10;
    n.assisted[FINANCING_AREA_COUNTY][CAT_EXTREME_POVERTY] = 5;
    struct financing_income in;
    financing_region_year(&zz, &n, &in);
    assert_yuan(in.enrollees, 1800);
    assert_yuan(in.contributions_due_yuan, 684000);
    assert_yuan(in.assistance_total_yuan, 5510);
    assert_yuan(in.residents_yuan, 678490);
    assert_payers(in.assistance_yuan, (double[NP]){0, 0, 1805, 1805, 1900}, "assistance");
    assert_payers(in.subsidy_yuan, (double[NP]){691200, 145920, 269880, 172400, 124600}, "subsidy");
    assert_yuan(in.subsidy_total_yuan, 1404000);
    assert_yuan(in.income_yuan, 2088000);
    assert_yuan(in.serious_premium_yuan, 171000);
    assert_payers(in.outlay_yuan, (double[NP]){691200, 145920, 271685, 174205, 126500}, "outlay");
}

/* Henan 2022 counties, a quarter of them treated as western, 1000 enrollees:
 *   central 250 x 488 + 750 x 366 = 396,500; province 250 x 36.6 + 750 x 73.2 = 64,050;
 *   city 1000 x 70 = 70,000; county 250 x 15.4 + 750 x 100.8 = 79,450; sum 610,000. */
static void test_western_share(void **state)
{
    (void)state;
    struct financing_rules hn = henan_2022();
    hn.western_county_share = 0.25;
    struct financing_counts n = {.enrollees = {[CLASS_COUNTY] = 1000}};
    struct financing_income in;
    financing_region_year(&hn, &n, &in);
    assert_payers(in.subsidy_yuan, (double[NP]){396500, 64050, 70000, 0, 79450}, "western");
    /* the share applies to the county class only: districts get 60 % */
    n = (struct financing_counts){.enrollees = {[CLASS_DISTRICT] = 1000}};
    financing_region_year(&hn, &n, &in);
    assert_yuan(in.subsidy_yuan[C], 366000);
}

/* 004 annex 1: the premium per enrollee by tier, paid out of the fund: 1000 enrollees pay
 * 95,000, 78,000, 70,000 or 64,000 yuan to the insurer; the fund's income does not change. */
static void test_serious_premium(void **state)
{
    (void)state;
    const double tiers[] = {95, 78, 70, 64};
    struct financing_counts n = {.enrollees = {600, 400}};
    for (size_t k = 0; k < 4; k++) {
        struct financing_rules f = henan_2022();
        f.serious_premium_yuan = tiers[k];
        struct financing_income in;
        financing_region_year(&f, &n, &in);
        assert_yuan(in.serious_premium_yuan, 1000 * tiers[k]);
        assert_yuan(in.income_yuan, 1000 * (350 + 610));
    }
}

/* ---- invariants over random cases ---- */

static double uniform(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

/* Rules and counts drawn at random, with the loader's guarantees: shares in [0, 1], the
 * western central share at least the other, standard ≥ national; some draws at the edges
 * (standard = national, no fixed amount, full shares). */
static void random_case(gsl_rng *r, struct financing_rules *f, struct financing_counts *n)
{
    f->national_standard_yuan = uniform(r, 300, 1000);
    f->standard_yuan =
        f->national_standard_yuan + (gsl_rng_uniform(r) < 0.3 ? 0 : uniform(r, 0, 400));
    f->central_share = uniform(r, 0, 1);
    f->central_share_western = uniform(r, f->central_share, 1);
    f->western_county_share = gsl_rng_uniform(r) < 0.3 ? 0 : uniform(r, 0, 1);
    for (int c = 0; c < N_CLASSES; c++) {
        f->split[c].province_share = gsl_rng_uniform(r) < 0.2 ? 1 : uniform(r, 0, 1);
        f->split[c].city_share = gsl_rng_uniform(r) < 0.2 ? 1 : uniform(r, 0, 1);
        f->split[c].city_fixed_yuan = gsl_rng_uniform(r) < 0.3 ? 0 : uniform(r, 0, 300);
    }
    for (int k = 0; k < N_CATEGORIES; k++)
        f->assisted_share[k] = gsl_rng_uniform(r) < 0.2 ? 1 : uniform(r, 0, 1);
    for (int a = 0; a < FINANCING_N_AREAS; a++)
        f->assistance_city_share[a] = uniform(r, 0, 1);
    f->contribution_yuan = uniform(r, 0, 600);
    f->serious_premium_yuan = uniform(r, 0, 150);
    for (int c = 0; c < N_CLASSES; c++)
        n->enrollees[c] = gsl_rng_uniform(r) < 0.1 ? 0 : uniform(r, 0, 1e6);
    /* the assisted of an area, at most its enrollees: a quarter each at most */
    double cap[FINANCING_N_AREAS] = {n->enrollees[CLASS_DISTRICT] +
                                         n->enrollees[CLASS_STUDENT_CITY] +
                                         n->enrollees[CLASS_STUDENT_PROVINCIAL],
                                     n->enrollees[CLASS_COUNTY]};
    for (int a = 0; a < FINANCING_N_AREAS; a++)
        for (int k = 0; k < N_CATEGORIES; k++)
            n->assisted[a][k] = uniform(r, 0, cap[a] / N_CATEGORIES);
}

static double sum(const double yuan[NP])
{
    double s = 0;
    for (int p = 0; p < NP; p++)
        s += yuan[p];
    return s;
}

/* |got - want| within `rel` of `scale` (rounding of sums of ~10 terms of ~1e9 yuan). */
static void assert_close(double got, double want, double scale, const char *what)
{
    if (fabs(got - want) > 1e-12 * (scale + 1))
        fail_msg("%s: got %.17g, expected %.17g", what, got, want);
}

static void assert_nonnegative(const double *v, size_t n, double scale, const char *what)
{
    for (size_t k = 0; k < n; k++)
        if (v[k] < -1e-12 * (scale + 1)) fail_msg("%s[%zu] = %.17g < 0", what, k, v[k]);
}

enum { N_RANDOM = 3000 };

static gsl_rng *random_cases(void)
{
    gsl_rng *r = stream_alloc();
    assert_non_null(r);
    stream_seek(r,
                (struct stream_key){.seed = 4, .path = 0, .region = 0, .year = 2022, .driver = 0});
    return r;
}

/* Per enrollee: every part ≥ 0 and the parts sum to the standard; assistance ≤ the
 * contribution and its parts sum to it. */
static void test_random_per_enrollee(void **state)
{
    (void)state;
    gsl_rng *r = random_cases();
    for (int i = 0; i < N_RANDOM; i++) {
        struct financing_rules f;
        struct financing_counts n;
        random_case(r, &f, &n);
        double y[NP];
        for (int c = 0; c < N_CLASSES; c++)
            for (int w = 0; w < 2; w++) {
                financing_subsidy(&f, (enum subsidy_class)c, w, y);
                assert_nonnegative(y, NP, f.standard_yuan, "subsidy");
                assert_close(sum(y), f.standard_yuan, f.standard_yuan, "subsidy parts");
            }
        for (int a = 0; a < FINANCING_N_AREAS; a++)
            for (int k = 0; k < N_CATEGORIES; k++) {
                double paid = financing_assistance(&f, a, k, y);
                assert_nonnegative(y, NP, paid, "assistance");
                assert_close(sum(y), paid, paid, "assistance parts");
                assert_true(paid <= f.contribution_yuan);
            }
    }
    gsl_rng_free(r);
}

/* A region-year: subsidy by level sums to standard x enrollees; residents + assistance =
 * contributions due; income = contributions + subsidy; every amount ≥ 0. */
static void test_random_identities(void **state)
{
    (void)state;
    gsl_rng *r = random_cases();
    for (int i = 0; i < N_RANDOM; i++) {
        struct financing_rules f;
        struct financing_counts n;
        random_case(r, &f, &n);
        struct financing_income in;
        financing_region_year(&f, &n, &in);
        double scale = in.income_yuan;
        assert_close(in.subsidy_total_yuan, f.standard_yuan * in.enrollees, scale, "subsidy");
        assert_close(sum(in.subsidy_yuan), in.subsidy_total_yuan, scale, "subsidy by level");
        assert_close(in.residents_yuan + in.assistance_total_yuan, in.contributions_due_yuan, scale,
                     "contributions");
        assert_close(in.contributions_due_yuan, f.contribution_yuan * in.enrollees, scale, "due");
        assert_close(in.income_yuan, in.contributions_due_yuan + in.subsidy_total_yuan, scale,
                     "income");
        assert_close(in.serious_premium_yuan, f.serious_premium_yuan * in.enrollees, scale,
                     "premium");
        for (int p = 0; p < NP; p++)
            assert_close(in.outlay_yuan[p], in.subsidy_yuan[p] + in.assistance_yuan[p], scale,
                         "outlay");
        assert_nonnegative(in.subsidy_yuan, NP, scale, "subsidy");
        assert_nonnegative(in.assistance_yuan, NP, scale, "assistance");
        assert_nonnegative(&in.residents_yuan, 1, scale, "residents");
        /* the central and provincial budgets pay no contribution assistance */
        assert_true(in.assistance_yuan[C] == 0 && in.assistance_yuan[P] == 0);
    }
    gsl_rng_free(r);
}

/* Raising the region's standard (alone, or with the national standard by as much) never
 * lowers any level's outlay; alone, it leaves the central and provincial parts exactly as
 * they were (the extra falls on the city and the county or district). A western share
 * costs the central budget more and every other level no more. A higher contribution
 * never lowers assistance or what residents pay. */
static void test_random_monotone(void **state)
{
    (void)state;
    gsl_rng *r = random_cases();
    for (int i = 0; i < N_RANDOM; i++) {
        struct financing_rules f;
        struct financing_counts n;
        random_case(r, &f, &n);
        struct financing_income base, more;
        financing_region_year(&f, &n, &base);
        double scale = base.income_yuan, delta = uniform(r, 0, 200);

        struct financing_rules g = f;
        g.standard_yuan += delta;
        financing_region_year(&g, &n, &more);
        for (int p = 0; p < NP; p++)
            if (more.outlay_yuan[p] < base.outlay_yuan[p] - 1e-12 * scale)
                fail_msg("standard +%g: %s's outlay fell", delta, financing_payer_names[p]);
        assert_true(more.subsidy_yuan[C] == base.subsidy_yuan[C]);
        assert_true(more.subsidy_yuan[P] == base.subsidy_yuan[P]);
        assert_close(more.subsidy_total_yuan - base.subsidy_total_yuan, delta * base.enrollees,
                     scale, "extra subsidy");

        g.national_standard_yuan += delta;
        financing_region_year(&g, &n, &more);
        for (int p = 0; p < NP; p++)
            if (more.outlay_yuan[p] < base.outlay_yuan[p] - 1e-12 * scale)
                fail_msg("both standards +%g: %s's outlay fell", delta, financing_payer_names[p]);

        g = f;
        g.western_county_share = uniform(r, f.western_county_share, 1);
        financing_region_year(&g, &n, &more);
        assert_true(more.subsidy_yuan[C] >= base.subsidy_yuan[C] - 1e-12 * scale);
        for (int p = P; p < NP; p++)
            assert_true(more.subsidy_yuan[p] <= base.subsidy_yuan[p] + 1e-12 * scale);

        g = f;
        g.contribution_yuan += delta;
        financing_region_year(&g, &n, &more);
        for (int p = 0; p < NP; p++)
            assert_true(more.assistance_yuan[p] >= base.assistance_yuan[p] - 1e-12 * scale);
        assert_true(more.residents_yuan >= base.residents_yuan - 1e-12 * scale);
    }
    gsl_rng_free(r);
}

/* ---- the shipped scenarios ---- */

static void load(const char *name, struct scenario *s)
{
    char path[512];
    snprintf(path, sizeof path, "%s/scenarios/%s", FUNDSIM_SOURCE_DIR, name);
    struct diag d = {0};
    int status = scenario_load(path, NULL, 0, s, &d);
    if (status) diag_print(stderr, &d);
    assert_int_equal(status, 0);
    diag_free(&d);
}

static const struct region *find(const struct scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_regions; i++)
        if (strcmp(s->regions[i].name, name) == 0) return &s->regions[i];
    fail_msg("no region %s", name);
    return NULL;
}

/* The three classes of 002 in Zhengzhou's 2023 rules, as a scenario resolves them;
 * the contribution of benefit year 2023 is 000's 350 (002's 380 pays for 2024). */
static void assert_zhengzhou_2023(const struct region *zz)
{
    struct financing_rules f;
    financing_rules_init(&f, zz, 2023, flat_path(40000));
    assert_yuan(f.contribution_yuan, 350);
    double y[NP];
    financing_subsidy(&f, CLASS_DISTRICT, false, y);
    assert_payers(y, (double[NP]){384, 51.2, 172.4, 172.4, 0}, "districts");
    financing_subsidy(&f, CLASS_COUNTY, false, y);
    assert_payers(y, (double[NP]){384, 76.8, 70, 0, 249.2}, "counties");
    financing_subsidy(&f, CLASS_STUDENT_CITY, false, y);
    assert_payers(y, (double[NP]){384, 51.2, 344.8, 0, 0}, "city-run students");
    /* 95 % of 350 = 332.5, city and district 166.25 each */
    financing_assistance(&f, FINANCING_AREA_DISTRICT, CAT_MINIMUM_LIVING, y);
    assert_payers(y, (double[NP]){0, 0, 166.25, 166.25, 0}, "低保 assistance");
    assert_yuan(f.serious_premium_yuan, 95);
}

/* Crude counts for a region (the enrollment driver does this properly): 70 % of the
 * residents enrolled, students apart, the assisted by the region's category shares. */
static struct financing_counts rough_counts(const struct region *r)
{
    double students = r->students_city_run + r->students_provincial_run;
    double residents = 0.7 * (r->population_total - students);
    struct financing_counts n = {.enrollees = {
                                     [CLASS_DISTRICT] = r->district_share * residents,
                                     [CLASS_COUNTY] = (1 - r->district_share) * residents,
                                     [CLASS_STUDENT_CITY] = r->students_city_run,
                                     [CLASS_STUDENT_PROVINCIAL] = r->students_provincial_run,
                                 }};
    for (int k = 0; k < N_CATEGORIES; k++) {
        n.assisted[FINANCING_AREA_DISTRICT][k] = r->category_share[k] * n.enrollees[CLASS_DISTRICT];
        n.assisted[FINANCING_AREA_COUNTY][k] = r->category_share[k] * n.enrollees[CLASS_COUNTY];
    }
    return n;
}

/* Per enrollee in every region and year: income = contribution + standard; the central
 * part between 60 % and 80 % of the national standard; every amount ≥ 0; assistance below
 * the contribution; the premium one of the four tiers of 004 annex 1. */
static void assert_sensible(const struct scenario *s)
{
    for (size_t i = 0; i < s->n_regions; i++) {
        const struct region *r = &s->regions[i];
        struct financing_counts n = rough_counts(r);
        for (int year = s->simulation.start_year; year < s->simulation.start_year + 5; year++) {
            struct financing_rules f;
            financing_rules_init(&f, r, year, flat_path(s->economy.income_yuan));
            struct financing_income in;
            financing_region_year(&f, &n, &in);
            double e = in.enrollees, national = f.national_standard_yuan;
            assert_true(e > 0);
            assert_yuan(in.income_yuan / e, f.contribution_yuan + f.standard_yuan);
            assert_true(f.contribution_yuan >= 320 && f.contribution_yuan <= 400);
            assert_true(f.standard_yuan >= 610 && f.standard_yuan <= 810);
            assert_true(in.subsidy_yuan[C] / e >= 0.6 * national - YUAN_EPS);
            assert_true(in.subsidy_yuan[C] / e <= 0.8 * national + YUAN_EPS);
            assert_nonnegative(in.outlay_yuan, NP, in.income_yuan, "outlay");
            assert_true(in.assistance_total_yuan / e < f.contribution_yuan);
            assert_true(in.residents_yuan > 0);
            double premium = in.serious_premium_yuan / e;
            assert_true(fabs(premium - 95) < YUAN_EPS || fabs(premium - 78) < YUAN_EPS ||
                        fabs(premium - 70) < YUAN_EPS || fabs(premium - 64) < YUAN_EPS);
        }
    }
}

static void test_henan_2022(void **state)
{
    (void)state;
    struct scenario s;
    load("henan-2022.cfg", &s);
    assert_int_equal(s.n_regions, 28);
    assert_sensible(&s);
    assert_zhengzhou_2023(find(&s, "Zhengzhou"));

    /* 000: 2022, 610 and, for benefit year 2022, 320 (000's 350 pays for 2023) in a
     * prefecture that pays the national standard; Kaifeng's western-policy share 0.25 of
     * residents, 0.55 of them in counties: 0.25 / 0.55 of the county class gets 80 % */
    const struct region *kf = find(&s, "Kaifeng");
    struct financing_rules f;
    financing_rules_init(&f, kf, 2022, flat_path(s.economy.income_yuan));
    assert_yuan(f.contribution_yuan, 320);
    assert_yuan(f.standard_yuan, 610);
    assert_yuan(f.western_county_share, 0.25 / 0.55);
    struct financing_counts n = {.enrollees = {[CLASS_COUNTY] = 550}};
    struct financing_income in;
    financing_region_year(&f, &n, &in);
    /* 250 x 488 + 300 x 366 = 122,000 + 109,800 = 231,800 */
    assert_close(in.subsidy_yuan[C], 231800, in.income_yuan, "Kaifeng central");

    /* Xinyang (0.7 western, 0.3 districts): every county enrollee is in a western-policy
     * county */
    financing_rules_init(&f, find(&s, "Xinyang"), 2022, flat_path(s.economy.income_yuan));
    assert_yuan(f.western_county_share, 1);

    /* 004 annex 1: the 28 regions' premium tiers */
    static const struct {
        double yuan;
        const char *regions[12];
    } tiers[] = {
        {95, {"Zhengzhou", "Gongyi"}},
        {78, {"Pingdingshan", "Jiaozuo", "Xinyang", "Jiyuan", "Gushi County", "Xincai County"}},
        {70,
         {"Kaifeng", "Hebi", "Xinxiang", "Puyang", "Luohe", "Shangqiu", "Zhoukou", "Zhumadian",
          "Lankao County", "Changyuan", "Ruzhou", "Luyi County"}},
        {64,
         {"Luoyang", "Anyang", "Xuchang", "Sanmenxia", "Nanyang", "Hua County", "Dengzhou",
          "Yongcheng"}},
    };
    size_t seen = 0;
    for (size_t t = 0; t < 4; t++)
        for (size_t k = 0; k < 12 && tiers[t].regions[k]; k++, seen++) {
            financing_rules_init(&f, find(&s, tiers[t].regions[k]), 2022,
                                 flat_path(s.economy.income_yuan));
            if (f.serious_premium_yuan != tiers[t].yuan)
                fail_msg("%s: premium %g, expected %g", tiers[t].regions[k], f.serious_premium_yuan,
                         tiers[t].yuan);
        }
    assert_int_equal(seen, 28);
    scenario_free(&s);
}

static void test_zhengzhou_2024(void **state)
{
    (void)state;
    struct scenario s;
    load("zhengzhou-2024.cfg", &s);
    assert_sensible(&s);
    const struct region *zz = find(&s, "Zhengzhou");
    assert_zhengzhou_2023(zz);
    /* 2024: 380 (002, collected in 2023), 810 (assumed) against 670: districts 402 / 53.6 /
     * 177.2 / 177.2 */
    struct financing_rules f;
    financing_rules_init(&f, zz, 2024, flat_path(s.economy.income_yuan));
    assert_yuan(f.contribution_yuan, 380);
    double y[NP];
    financing_subsidy(&f, CLASS_DISTRICT, false, y);
    assert_payers(y, (double[NP]){402, 53.6, 177.2, 177.2, 0}, "districts 2024");
    scenario_free(&s);
}

/* The calendar (002 annex: paid in the autumn for the next year's benefits): by benefit
 * year, a Henan enrollee pays 320 in 2022 (000's 350 less its +30), 350 in 2023 (000, for
 * 2023), 380 in 2024 (002, collected in 2023), 400 in 2025 (henan.md's 2024 standard);
 * Zhengzhou 2024's is 380 in both scenarios. A district enrollee pays the contribution of
 * the region (the assisted pay less, but not through financing_rules). */
static void test_calendar(void **state)
{
    (void)state;
    struct scenario s;
    load("henan-2022.cfg", &s);
    static const struct {
        const char *region;
        int year;
        double yuan;
    } due[] = {
        {"Kaifeng", 2022, 320},   {"Kaifeng", 2023, 350},   {"Kaifeng", 2024, 380},
        {"Kaifeng", 2025, 400},   {"Zhengzhou", 2022, 320}, {"Zhengzhou", 2023, 350},
        {"Zhengzhou", 2024, 380}, {"Luoyang", 2022, 320},   {"Luoyang", 2023, 350},
    };
    for (size_t k = 0; k < sizeof due / sizeof *due; k++) {
        struct financing_rules f;
        financing_rules_init(&f, find(&s, due[k].region), due[k].year,
                             growing_path(2022, s.economy.income_yuan, 0.05));
        if (fabs(f.contribution_yuan - due[k].yuan) > YUAN_EPS)
            fail_msg("%s %d: contribution %g, expected %g", due[k].region, due[k].year,
                     f.contribution_yuan, due[k].yuan);
    }
    scenario_free(&s);

    load("zhengzhou-2024.cfg", &s);
    struct financing_rules f;
    financing_rules_init(&f, find(&s, "Zhengzhou"), 2024,
                         growing_path(2024, s.economy.income_yuan, 0.05));
    assert_yuan(f.contribution_yuan, 380);
    financing_rules_init(&f, find(&s, "Zhengzhou"), 2025,
                         growing_path(2024, s.economy.income_yuan, 0.05));
    assert_yuan(f.contribution_yuan, 400);
    scenario_free(&s);
}

/* The shipped baseline and its two variants after the last dated year, along a path
 * whose income grows by exactly 4 % a year. Henan (Kaifeng, which pays the national
 * standard): the contribution follows income from 2025's 400, rounded to tens of yuan:
 * 400 x 1.04 = 416 -> 420 in 2026, 400 x 1.04^2 = 432.64 -> 430 in 2027; the subsidy
 * from 2024's 670: 696.8 -> 700 in 2025, 724.672 -> 720 in 2026; the city's fixed 70 in
 * counties from 2024, to whole yuan: 72.8 -> 73 in 2025, 75.712 -> 76 in 2026. Frozen:
 * 400, 670 and 70 for ever. Step 30: 430, 460; 700, 730; 70. */
static void test_continuation(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        double contribution_2026, contribution_2027, subsidy_2025, subsidy_2026, fixed_2025,
            fixed_2026;
    } cases[] = {
        {"henan-2022.cfg", 420, 430, 700, 720, 73, 76},
        {"variants/frozen-financing.cfg", 400, 400, 670, 670, 70, 70},
        {"variants/step-30.cfg", 430, 460, 700, 730, 70, 70},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        struct scenario s;
        load(cases[k].file, &s);
        const struct region *kf = find(&s, "Kaifeng");
        const struct timeline_path *x = growing_path(2022, s.economy.income_yuan, 0.04);
        struct financing_rules f;
        financing_rules_init(&f, kf, 2024, x);
        assert_yuan(f.contribution_yuan, 380);
        assert_yuan(f.standard_yuan, 670);
        assert_yuan(f.split[CLASS_COUNTY].city_fixed_yuan, 70);
        financing_rules_init(&f, kf, 2025, x);
        assert_yuan(f.contribution_yuan, 400);
        assert_yuan(f.standard_yuan, cases[k].subsidy_2025);
        assert_yuan(f.national_standard_yuan, cases[k].subsidy_2025);
        assert_yuan(f.split[CLASS_COUNTY].city_fixed_yuan, cases[k].fixed_2025);
        financing_rules_init(&f, kf, 2026, x);
        assert_yuan(f.contribution_yuan, cases[k].contribution_2026);
        assert_yuan(f.standard_yuan, cases[k].subsidy_2026);
        assert_yuan(f.split[CLASS_COUNTY].city_fixed_yuan, cases[k].fixed_2026);
        financing_rules_init(&f, kf, 2027, x);
        assert_yuan(f.contribution_yuan, cases[k].contribution_2027);
        scenario_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subsidy_split),       cmocka_unit_test(test_contribution),
        cmocka_unit_test(test_assistance),          cmocka_unit_test(test_region_year),
        cmocka_unit_test(test_western_share),       cmocka_unit_test(test_serious_premium),
        cmocka_unit_test(test_random_per_enrollee), cmocka_unit_test(test_random_identities),
        cmocka_unit_test(test_random_monotone),     cmocka_unit_test(test_henan_2022),
        cmocka_unit_test(test_zhengzhou_2024),      cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_continuation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
