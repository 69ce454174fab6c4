/* test_utilization.c: the utilization driver (models/utilization.c): rates,
 * level split, unit costs and deliveries worked by hand for a small scenario
 * (a condition patient's treatment cost is priced by the benefit tables:
 * test_benefit_table.c, test_hand.c); the region's own hospital mix; the moments of the
 * region-year shock over 10 000 draws within 4 standard errors; the stream
 * discipline; and a model made from a shipped test scenario. */
#include "models/stream.h"
#include "models/utilization.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

#define START 2022
#define DRAWS 10000

/* Inpatient rates: males 0.1 below 50, 0.2 from 50; females 0.12 below 60,
 * 0.3 from 60. Outpatient visits: 2 for everyone below 65, 4 from 65. */
static int ages_m[] = {0, 50}, ages_f[] = {0, 60}, ages_out[] = {0, 65};
static double in_m[] = {0.1, 0.2}, in_f[] = {0.12, 0.3}, out_all[] = {2, 4};

static struct care_params care(double *rm, int *km, double *rf, int *kf, double *ro, int *ko,
                               struct level_shares mix, struct level_shares cost)
{
    struct care_params c = {
        .level_mix = mix,
        .cost_yuan = cost,
        .cost_cv = {{0.8, 1.0, 1.2, 1.5}},
        .compliant_share = {{0.95, 0.9, 0.85, 0.8}},
    };
    if (ro) {
        c.rate[0] = (struct step){2, ko, ro};
        c.rate[1] = (struct step){2, ko, ro};
    } else {
        c.rate[0] = (struct step){2, km, rm};
        c.rate[1] = (struct step){2, kf, rf};
    }
    return c;
}

static struct condition_params conditions[2] = {
    {.name = "hypertension", .annual_cost_yuan = 800, .cost_cv = 0.5},
    {.name = "dialysis", .annual_cost_yuan = 60000, .cost_cv = 0.3},
};
static struct region regions[2] = {
    {.name = "A"},
    {.name = "B", .has_hospital_mix = true, .hospital_mix = {{0.1, 0.4, 0.3, 0.2}}},
};

static struct scenario small(double volatility)
{
    struct scenario s = {0};
    s.simulation.start_year = START;
    s.n_regions = 2;
    s.regions = regions;
    s.disease = (struct disease_params){.n = 2, .conditions = conditions};
    s.utilization = (struct utilization_params){
        .inpatient = care(in_m, ages_m, in_f, ages_f, NULL, NULL,
                          (struct level_shares){{0.25, 0.5, 0.125, 0.125}},
                          (struct level_shares){{2000, 5000, 10000, 20000}}),
        .outpatient = care(NULL, NULL, NULL, NULL, out_all, ages_out,
                           (struct level_shares){{0.75, 0.125, 0.0625, 0.0625}},
                           (struct level_shares){{60, 160, 240, 320}}),
        .caesarean_share = 0.4,
        .volatility = volatility,
    };
    return s;
}

static struct stream_key key(uint64_t path, uint32_t region, int year)
{
    return (struct stream_key){
        .seed = 3, .path = path, .region = region, .year = year, .driver = DRIVER_UTILIZATION};
}

/* No shock; use index 1.25, price index 1.5; the condition multiplier 1.2 for
 * males of 55, 1 elsewhere; 1,000 births.
 * - inpatient, males 55: 0.2 x 1.25 x 1.2 = 0.3 admissions per enrollee-year,
 *   0.15 of them at county hospitals (mix 0.5); females 30: 0.12 x 1.25 =
 *   0.15, 0.01875 of them at city hospitals (mix 1/8);
 * - in region B (hospital_mix 0.1, 0.4, 0.3, 0.2), males 55 at county:
 *   0.3 x 0.4 = 0.12;
 * - outpatient (no multiplier), males 55: 2 x 1.25 = 2.5 visits, 1.875 at
 *   grassroots (mix 0.75); everyone 70: 4 x 1.25 = 5;
 * - cost per county admission 5,000 x 1.5 = 7,500; per grassroots visit
 *   60 x 1.5 = 90; cv and compliant share as given;
 * - deliveries: 400 caesarean, 600 natural.
 * In every cell the rates of the four levels sum back to the cell's rate. */
static void test_by_hand(void **state)
{
    (void)state;
    struct scenario s = small(0);
    struct utilization_model m;
    assert_int_equal(utilization_model_init(&m, &s), 0);
    struct utilization_year y;
    assert_int_equal(utilization_year_init(&y, &m), 0);

    struct costs_year c = {.use_index = 1.25, .price_index = 1.5, .cost_index = 1.875};
    struct by_age mult;
    for (int sx = 0; sx < N_SEXES; sx++)
        for (int a = 0; a < N_AGES; a++)
            mult.at[sx][a] = 1;
    mult.at[SEX_MALE][55] = 1.2;

    gsl_rng *r = stream_alloc();
    for (size_t region = 0; region < 2; region++) {
        stream_seek(r, key(1, (uint32_t)region, START));
        utilization_step(&m, region, 0, &c, &mult, 1000, r, &y);
        assert_true(y.shock == 1);
        assert_close(y.inpatient.rate[SEX_MALE][55], 0.3, 1e-15);
        assert_close(y.inpatient.rate[SEX_MALE][49], 0.125, 1e-15);
        assert_close(y.inpatient.rate[SEX_FEMALE][30], 0.15, 1e-15);
        assert_close(y.inpatient.rate[SEX_FEMALE][100], 0.375, 1e-15);
        assert_close(y.outpatient.rate[SEX_MALE][55], 2.5, 1e-15);
        assert_close(y.outpatient.rate[SEX_FEMALE][70], 5, 1e-15);
        assert_close(y.outpatient.rate[SEX_MALE][55] * y.outpatient.level_share[LEVEL_GRASSROOTS],
                     1.875, 1e-15);
        assert_close(y.inpatient.cost_yuan[LEVEL_COUNTY], 7500, 1e-9);
        assert_close(y.outpatient.cost_yuan[LEVEL_GRASSROOTS], 90, 1e-12);
        assert_true(y.inpatient.cost_cv[LEVEL_PROVINCIAL] == 1.5);
        assert_true(y.inpatient.compliant_share[LEVEL_CITY] == 0.85);
        assert_close(y.caesarean_births, 400, 1e-12);
        assert_close(y.natural_births, 600, 1e-12);
        double in = 0, out = 0; /* the levels' rates add up to the rate */
        for (int l = 0; l < N_LEVELS; l++) {
            in += y.inpatient.level_share[l];
            out += y.outpatient.level_share[l];
        }
        assert_close(in, 1, 1e-15);
        assert_close(out, 1, 1e-15);
    }
    /* The last step was region B's. */
    assert_close(y.inpatient.rate[SEX_MALE][55] * y.inpatient.level_share[LEVEL_COUNTY], 0.12,
                 1e-15);
    assert_true(y.inpatient.level_share[LEVEL_CITY] == 0.3);
    assert_true(y.outpatient.level_share[LEVEL_GRASSROOTS] == 0.75); /* not region B's */

    stream_seek(r, key(1, 0, START));
    utilization_step(&m, 0, 0, &c, NULL, 0, r, &y);
    assert_close(y.inpatient.rate[SEX_MALE][55] * y.inpatient.level_share[LEVEL_COUNTY], 0.125,
                 1e-15);
    assert_close(y.inpatient.rate[SEX_FEMALE][30] * y.inpatient.level_share[LEVEL_CITY], 0.01875,
                 1e-15);
    assert_true(y.caesarean_births == 0 && y.natural_births == 0);

    gsl_rng_free(r);
    utilization_year_free(&y);
    utilization_model_free(&m);
}

/* The shock with volatility 0.1: mean 1 (standard error 0.1 / 100), standard
 * deviation 0.1; its log is normal with mean -log(1.01) / 2 and variance
 * log(1.01) = 0.00995. It multiplies every cell alike, inpatient and
 * outpatient. */
static void test_shock_moments(void **state)
{
    (void)state;
    struct scenario s = small(0.1);
    struct utilization_model m;
    assert_int_equal(utilization_model_init(&m, &s), 0);
    struct utilization_year y;
    assert_int_equal(utilization_year_init(&y, &m), 0);
    struct costs_year c = {.use_index = 1, .price_index = 1, .cost_index = 1};
    gsl_rng *r = stream_alloc();
    static double z[DRAWS], logz[DRAWS];
    for (int i = 0; i < DRAWS; i++) {
        stream_seek(r, key((uint64_t)i, 0, START + 5));
        utilization_step(&m, 0, 0, &c, NULL, 0, r, &y);
        z[i] = y.shock;
        logz[i] = log(y.shock);
        if (i < 10) {
            assert_close(y.inpatient.rate[SEX_MALE][20], 0.1 * y.shock, 1e-15);
            assert_close(y.outpatient.rate[SEX_FEMALE][80], 4 * y.shock, 1e-14);
        }
    }
    double sum = 0, sq = 0, lsum = 0, lsq = 0;
    for (int i = 0; i < DRAWS; i++) {
        sum += z[i];
        lsum += logz[i];
    }
    double mean = sum / DRAWS, lmean = lsum / DRAWS;
    for (int i = 0; i < DRAWS; i++) {
        sq += (z[i] - mean) * (z[i] - mean);
        lsq += (logz[i] - lmean) * (logz[i] - lmean);
    }
    double var = sq / (DRAWS - 1), lvar = lsq / (DRAWS - 1), s2 = log(1.01);
    assert_true(fabs(mean - 1) < 4 * 0.1 / sqrt(DRAWS));
    assert_true(fabs(lmean + s2 / 2) < 4 * sqrt(s2 / DRAWS));
    assert_true(fabs(lvar - s2) < 4 * s2 * sqrt(2.0 / (DRAWS - 1)));
    /* the lognormal's variance 0.01; its sample variance's standard error is
     * 0.01 sqrt((2 + kurtosis) / n), excess kurtosis e^4s2 + 2e^3s2 + 3e^2s2 - 6 */
    double kurtosis = exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 6;
    assert_true(fabs(var - 0.01) < 4 * 0.01 * sqrt((2 + kurtosis) / DRAWS));

    gsl_rng_free(r);
    utilization_year_free(&y);
    utilization_model_free(&m);
}

/* Same key, the same year bit for bit; another region or year, other numbers. */
static void test_same_key_same_year(void **state)
{
    (void)state;
    struct scenario s = small(0.05);
    struct utilization_model m;
    assert_int_equal(utilization_model_init(&m, &s), 0);
    struct utilization_year a, b;
    assert_int_equal(utilization_year_init(&a, &m), 0);
    assert_int_equal(utilization_year_init(&b, &m), 0);
    struct costs_year c = {.use_index = 1.1, .price_index = 1.2, .cost_index = 1.32};
    gsl_rng *r = stream_alloc();

    stream_seek(r, key(4, 1, 2030));
    utilization_step(&m, 1, 0, &c, NULL, 50, r, &a);
    stream_seek(r, key(4, 1, 2031));
    utilization_step(&m, 1, 0, &c, NULL, 50, r, &b);
    assert_true(a.shock != b.shock);
    stream_seek(r, key(4, 0, 2030));
    utilization_step(&m, 1, 0, &c, NULL, 50, r, &b);
    assert_true(a.shock != b.shock);
    stream_seek(r, key(4, 1, 2030));
    utilization_step(&m, 1, 0, &c, NULL, 50, r, &b);
    assert_true(a.shock == b.shock);
    assert_memory_equal(&a.inpatient, &b.inpatient, sizeof a.inpatient);
    assert_memory_equal(&a.outpatient, &b.outpatient, sizeof a.outpatient);

    gsl_rng_free(r);
    utilization_year_free(&a);
    utilization_year_free(&b);
    utilization_model_free(&m);
}

/* A model made from tests/scenarios/minimal.cfg: the inpatient mix of the
 * scenario (no hospital_mix), the rate
 * tables by cell (males 45-64 at 0.15, 65+ at 0.30), and the default shock
 * volatility of 0.03. */
static void test_from_scenario(void **state)
{
    (void)state;
    struct scenario s;
    struct diag d = {0};
    int status = scenario_load(FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg", NULL, 0, &s, &d);
    if (status) diag_print(stderr, &d);
    assert_int_equal(status, 0);
    diag_free(&d);
    assert_close(s.utilization.volatility, 0.03, 0);

    struct utilization_model m;
    assert_int_equal(utilization_model_init(&m, &s), 0);
    assert_true(m.inpatient_mix[0].at[LEVEL_COUNTY] == 0.45);
    assert_true(m.inpatient.rate[SEX_MALE][44] == 0.08);
    assert_true(m.inpatient.rate[SEX_MALE][45] == 0.15);
    assert_true(m.inpatient.rate[SEX_MALE][100] == 0.30);
    assert_close(m.shock_log_sd, sqrt(log(1.0009)), 1e-12);
    utilization_model_free(&m);
    scenario_free(&s);
}

/* One-off shocks, by hand: an epidemic year 2025 at -10 % with a rebound of
 * +5 % in 2026, and a second shock in 2026 of -20 % without rebound. In
 * 2025 a male of 20 (0.1 admissions at use and shock 1) has 0.09 admissions;
 * in 2026 0.1 x 1.05 x 0.8 = 0.084, and 4 x 1.05 x 0.8 = 3.36 outpatient
 * visits at 80 (female); in 2027 and 2024, the trend: 0.1. Unit costs do not
 * move. */
static void test_oneoff(void **state)
{
    (void)state;
    struct scenario s = small(0);
    struct use_shock shocks[] = {{2025, -0.10, 0.05}, {2026, -0.20, 0}};
    s.utilization.shocks = shocks;
    s.utilization.n_shocks = 2;
    struct utilization_model m;
    assert_int_equal(utilization_model_init(&m, &s), 0);
    assert_true(utilization_oneoff(&m, 2024) == 1);
    assert_close(utilization_oneoff(&m, 2025), 0.9, 1e-15);
    assert_close(utilization_oneoff(&m, 2026), 0.84, 1e-15);
    assert_true(utilization_oneoff(&m, 2027) == 1);
    struct utilization_year y;
    assert_int_equal(utilization_year_init(&y, &m), 0);
    struct costs_year c = {.use_index = 1, .price_index = 1, .cost_index = 1};
    gsl_rng *r = stream_alloc();
    const double in[] = {0.1, 0.09, 0.084, 0.1}, out[] = {4, 3.6, 3.36, 4};
    for (int year = 2024; year <= 2027; year++) {
        stream_seek(r, key(0, 0, year));
        utilization_step(&m, 0, year, &c, NULL, 0, r, &y);
        assert_true(y.shock == 1);
        assert_close(y.inpatient.rate[SEX_MALE][20], in[year - 2024], 1e-15);
        assert_close(y.outpatient.rate[SEX_FEMALE][80], out[year - 2024], 1e-14);
        assert_true(y.inpatient.cost_yuan[LEVEL_CITY] == m.inpatient.cost_yuan[LEVEL_CITY]);
    }
    gsl_rng_free(r);
    utilization_year_free(&y);
    utilization_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_shock_moments),
        cmocka_unit_test(test_same_key_same_year),
        cmocka_unit_test(test_from_scenario),
        cmocka_unit_test(test_oneoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
