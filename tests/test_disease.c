/* test_disease.c: the disease-spectrum driver (models/disease.c): its
 * parameters from the shipped scenarios, the split of deaths between people
 * with and without a condition, the steady state where incidence,
 * persistence and mortality balance, conservation of people, the capped
 * split of the step's vectorized loops bit for bit, the trend worked by
 * hand, the moments of the trend shock, and the keyed streams. */
#include "models/disease.h"
#include "models/stream.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"
#define HENAN FUNDSIM_SOURCE_DIR "/scenarios/henan-2022.cfg"

static const struct stream_key key = {
    .seed = 42, .path = 0, .region = 0, .year = 2022, .driver = DRIVER_DISEASE};

/* The structures are large (64 conditions of 202 cells): on the heap. */
struct fixture {
    struct disease_model p;
    struct disease_state st;
    struct disease_out out;
    gsl_rng *r;
};

static struct fixture *fixture(void)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->r = stream_alloc();
    assert_non_null(f->r);
    return f;
}

static void fixture_free(struct fixture *f)
{
    gsl_rng_free(f->r);
    free(f);
}

static void step(struct fixture *f, struct stream_key k, const struct by_age *persons,
                 const struct by_age *death, const struct by_age *enrollees)
{
    stream_seek(f->r, k);
    disease_step(&f->p, &f->st, persons, death, enrollees, f->r, &f->out);
}

static void assert_close(double got, double want, double tol)
{
    if (fabs(got - want) > tol)
        fail_msg("got %.17g, expected %.17g (tolerance %g)", got, want, tol);
}

static struct by_age constant(double x)
{
    struct by_age b;
    for (int s = 0; s < N_SEXES; s++)
        for (int a = 0; a < N_AGES; a++)
            b.at[s][a] = x;
    return b;
}

static void load(const char *path, struct scenario *s)
{
    struct diag d = {0};
    int status = scenario_load(path, NULL, 0, s, &d);
    if (status) diag_print(stderr, &d);
    diag_free(&d);
    assert_int_equal(status, 0);
}

/* minimal.cfg's one condition, hypertension: the age bands of its tables by
 * single year, the defaults (no excess mortality, no trend, no extra use). */
static void test_params_minimal(void **state)
{
    (void)state;
    struct scenario s;
    load(MINIMAL, &s);
    struct fixture *f = fixture();
    struct diag d = {0};
    assert_int_equal(disease_model_init(&f->p, &s, 0, &d), 0);
    assert_int_equal(d.n, 0);
    assert_int_equal(f->p.n, 1);
    const struct disease_condition *c = &f->p.c[0];
    assert_true(c->prevalence0[SEX_MALE][17] == 0.0);
    assert_true(c->prevalence0[SEX_MALE][18] == 0.05);
    assert_true(c->prevalence0[SEX_MALE][44] == 0.05);
    assert_true(c->prevalence0[SEX_FEMALE][45] == 0.18);
    assert_true(c->prevalence0[SEX_FEMALE][100] == 0.4);
    assert_true(c->incidence[64] == 0.02);
    assert_true(c->incidence[65] == 0.04);
    assert_true(c->persistence == 0.99);
    assert_true(c->excess_mortality == 1.0);
    assert_true(c->log_trend_mean == 0.0);
    assert_true(c->inpatient_excess == 0.0);
    disease_state_init(&f->st, &f->p, NULL);
    assert_true(f->st.prevalence[0][SEX_MALE][50] == 0.2);
    assert_true(f->st.incidence_level[0] == 1.0);
    fixture_free(f);
    scenario_free(&s);
}

/* henan-2022.cfg: the five conditions of the notices, in the file's order;
 * outpatient cancer treatment has trend 1 % and volatility 1 %:
 * ln(1.01) - 0.01^2 / 2. */
static void test_params_henan(void **state)
{
    (void)state;
    struct scenario s;
    load(HENAN, &s);
    struct fixture *f = fixture();
    struct diag d = {0};
    assert_int_equal(disease_model_init(&f->p, &s, 3, &d), 0);
    assert_int_equal(f->p.n, 5);
    const char *names[] = {"hypertension", "diabetes", "cancer_outpatient", "dialysis",
                           "anti_rejection"};
    for (int k = 0; k < 5; k++)
        assert_string_equal(s.disease.conditions[k].name, names[k]);
    assert_close(f->p.c[2].log_trend_mean, log(1.01) - 0.00005, 1e-15);
    assert_true(f->p.c[2].trend_volatility == 0.01);
    assert_true(f->p.c[3].excess_mortality == 6.0);
    assert_close(f->p.c[4].inpatient_excess, 1.0, 0);
    fixture_free(f);
    scenario_free(&s);
}

/* q = 0.02, 30 % with a condition tripling the death rate: 0.0125 without,
 * 0.0375 with (0.3 x 0.0375 + 0.7 x 0.0125 = 0.02). If the multiple would
 * pass 1 (q = 0.5, 20 %, k = 5: 1.39) all with it die and the others carry
 * the rest: (0.5 - 0.2) / 0.8 = 0.375. */
static void test_death_split(void **state)
{
    (void)state;
    double with, without;
    disease_death_split(0.02, 0.3, 3, &with, &without);
    assert_close(without, 0.0125, 1e-17);
    assert_close(with, 0.0375, 1e-17);
    disease_death_split(0.5, 0.2, 5, &with, &without);
    assert_true(with == 1.0);
    assert_close(without, 0.375, 1e-16);
    disease_death_split(0.03, 1.0, 4, &with, &without);
    assert_close(with, 0.03, 1e-17);
    disease_death_split(0.03, 0.0, 4, &with, &without);
    assert_close(without, 0.03, 1e-17);
    /* The population's deaths are kept whatever the split. */
    for (double q = 0; q <= 1; q += 0.0625)
        for (double p = 0; p <= 1; p += 0.125)
            for (double k = 1; k <= 100; k *= 3) {
                disease_death_split(q, p, k, &with, &without);
                assert_true(with >= 0 && with <= 1 && without >= 0 && without <= 1);
                assert_close(p * with + (1 - p) * without, q, 1e-15);
            }
}

/* The condition of the steady-state test: none before 20, incidence growing
 * 5 % a year of age after. Death probabilities rise from 0.05 % to 40 % at
 * 100. */
static double incidence_at(int a)
{
    return a < 20 ? 0 : fmin(0.2, 0.0005 * exp(0.05 * (a - 20)));
}

static double death_at(int a)
{
    return 0.0005 + 0.00003 * exp(0.095 * a);
}

/* One cohort's survivors with the condition and all survivors, written out
 * here again to build the balanced table independently of the module. */
static void cohort(double p, double q, double i, double k, double pers, double *num, double *den)
{
    double without = q / (1 + p * (k - 1)), with = k * without;
    assert_true(with <= 1);
    double sick = p * (1 - with), well = (1 - p) * (1 - without);
    *num = sick * pers + well * i;
    *den = sick + well;
}

/* With no trend and a stationary population (P(a + 1) = P(a)(1 - q(a)),
 * P(100+) q(100) = P(99)(1 - q(99))), the table that follows each cohort's
 * balance of incidence, persistence and deaths from p(0) is kept year after
 * year, to rounding. With that table, an older population has more patients
 * per enrollee: aging alone raises prevalence. */
static void test_steady_state(void **state)
{
    (void)state;
    const double k = 2.0, pers = 0.95;
    struct fixture *f = fixture();
    f->p.n = 1;
    struct disease_condition *c = &f->p.c[0];
    c->persistence = pers;
    c->excess_mortality = k;
    c->inpatient_excess = 0.5;
    struct by_age persons, death, enrollees, older;
    for (int a = 0; a < N_AGES; a++)
        c->incidence[a] = incidence_at(a);
    for (int s = 0; s < N_SEXES; s++) {
        persons.at[s][0] = s ? 9500 : 10000;
        for (int a = 0; a < N_AGES; a++) {
            death.at[s][a] = death_at(a) * (s ? 0.8 : 1.0);
            if (a > 0 && a < N_AGES - 1)
                persons.at[s][a] = persons.at[s][a - 1] * (1 - death.at[s][a - 1]);
        }
        persons.at[s][100] = persons.at[s][99] * (1 - death.at[s][99]) / death.at[s][100];
        double *t = c->prevalence0[s];
        t[0] = s ? 0.0 : 0.001;
        double num[N_AGES], den[N_AGES];
        for (int a = 0; a < N_AGES - 1; a++) {
            cohort(t[a], death.at[s][a], incidence_at(a), k, pers, &num[a], &den[a]);
            if (a + 1 < N_AGES - 1) t[a + 1] = num[a] / den[a];
        }
        t[100] = t[99];
        for (int it = 0; it < 2000; it++) {
            cohort(t[100], death.at[s][100], incidence_at(100), k, pers, &num[100], &den[100]);
            t[100] = (persons.at[s][99] * num[99] + persons.at[s][100] * num[100]) /
                     (persons.at[s][99] * den[99] + persons.at[s][100] * den[100]);
        }
        for (int a = 0; a < N_AGES; a++) {
            enrollees.at[s][a] = 0.8 * persons.at[s][a];
            older.at[s][a] = enrollees.at[s][a] * (1 + a / 25.0);
        }
    }
    /* The table is not trivial: it rises with age to 7 % at 80 (and falls
     * after 90, as the excess deaths take their toll). */
    assert_true(c->prevalence0[SEX_MALE][30] > 0.005);
    assert_true(c->prevalence0[SEX_MALE][80] > 0.07);
    assert_true(c->prevalence0[SEX_MALE][80] > c->prevalence0[SEX_MALE][60]);
    assert_true(c->prevalence0[SEX_MALE][100] < c->prevalence0[SEX_MALE][90]);

    disease_state_init(&f->st, &f->p, NULL);
    for (int year = 2022; year < 2027; year++) {
        struct stream_key kk = key;
        kk.year = year;
        step(f, kk, &persons, &death, &enrollees);
        for (int s = 0; s < N_SEXES; s++)
            for (int a = 0; a < N_AGES; a++) {
                assert_close(f->st.prevalence[0][s][a], c->prevalence0[s][a], 1e-14);
                assert_close(f->out.patients[0].at[s][a], c->prevalence0[s][a] * enrollees.at[s][a],
                             1e-9);
            }
    }
    double young_rate = f->out.total[0] / 1.0, enrolled = 0, old_enrolled = 0;
    for (int s = 0; s < N_SEXES; s++)
        for (int a = 0; a < N_AGES; a++) {
            enrolled += enrollees.at[s][a];
            old_enrolled += older.at[s][a];
        }
    young_rate /= enrolled;
    step(f, key, &persons, &death, &older);
    assert_true(f->out.total[0] / old_enrolled > 1.2 * young_rate);
    fixture_free(f);
}

/* Three harsh conditions over 40 years (life-long with 8 times the deaths,
 * incidence capped at 1 and no persistence, a steep trend with volatility
 * 0.5 and 100 times the deaths) with deaths from none to all in some cells
 * and empty cells: the shares stay in [0, 1], patients never outnumber the
 * enrollees, the totals add up, and each cell's inpatient multiplier is
 * 1 + sum of prevalence x (multiplier - 1) at the start of the year. */
static void test_conservation(void **state)
{
    (void)state;
    struct fixture *f = fixture();
    f->p.n = 3;
    double pers[3] = {1, 0, 0.5}, k[3] = {8, 1, 100}, inc[3] = {0.3, 2, 0.05};
    double trend[3] = {0, 0, 0.3}, vol[3] = {0, 0, 0.5}, excess[3] = {0.5, 2, 10};
    for (int j = 0; j < 3; j++) {
        struct disease_condition *c = &f->p.c[j];
        c->persistence = pers[j];
        c->excess_mortality = k[j];
        c->log_trend_mean = log1p(trend[j]) - vol[j] * vol[j] / 2;
        c->trend_volatility = vol[j];
        c->inpatient_excess = excess[j];
        for (int a = 0; a < N_AGES; a++) {
            c->incidence[a] = fmin(1, inc[j] * (a + 1) / 50.0);
            for (int s = 0; s < N_SEXES; s++)
                c->prevalence0[s][a] = fmin(1, 0.01 * (j + 1) * (a % 37) / 10.0);
        }
    }
    struct by_age persons, death, enrollees;
    for (int s = 0; s < N_SEXES; s++)
        for (int a = 0; a < N_AGES; a++) {
            persons.at[s][a] = a % 11 == 3 ? 0 : 1000.0 + 10 * a;
            death.at[s][a] = a % 13 == 5 ? 1.0 : a % 17 == 2 ? 0.0 : 0.002 * (a + 1);
            enrollees.at[s][a] = persons.at[s][a] * (s ? 0.7 : 0.9);
        }
    disease_state_init(&f->st, &f->p, NULL);
    for (int year = 2022; year < 2062; year++) {
        struct disease_state before = f->st;
        struct stream_key kk = key;
        kk.year = year;
        step(f, kk, &persons, &death, &enrollees);
        for (int j = 0; j < 3; j++) {
            double total = 0;
            for (int s = 0; s < N_SEXES; s++)
                for (int a = 0; a < N_AGES; a++) {
                    double p = f->st.prevalence[j][s][a];
                    assert_true(p >= 0 && p <= 1);
                    double n = f->out.patients[j].at[s][a];
                    assert_true(n >= 0 && n <= enrollees.at[s][a]);
                    total += n;
                }
            assert_close(f->out.total[j], total, 1e-9);
            assert_true(f->st.incidence_level[j] > 0 && isfinite(f->st.incidence_level[j]));
        }
        for (int s = 0; s < N_SEXES; s++)
            for (int a = 0; a < N_AGES; a++) {
                double m = 1;
                for (int j = 0; j < 3; j++)
                    m += before.prevalence[j][s][a] * excess[j];
                assert_close(f->out.inpatient_multiplier.at[s][a], m, 1e-13);
            }
        /* Persistence 1, no deaths at 2: everyone with it at 2 still has it at 3;
         * cells where everyone dies pass nobody on. */
        assert_true(f->st.prevalence[0][SEX_MALE][3] >= before.prevalence[0][SEX_MALE][2]);
        assert_true(f->st.prevalence[0][SEX_MALE][6] == 0.0);
    }
    fixture_free(f);
}

/* Where the excess deaths would pass certainty (20 % with the condition,
 * five times the deaths, q = 0.5 at 50), all with it die and the others die
 * at (0.5 - 0.2) / 0.8 = 0.375: at 51, the survivors are 0.8 x 0.625 = 0.5
 * of the cohort, those with the condition the 1 % new cases among them:
 * 0.8 x 0.625 x 0.01 / 0.5 = 0.01. */
static void test_all_die(void **state)
{
    (void)state;
    struct fixture *f = fixture();
    f->p.n = 1;
    struct disease_condition *c = &f->p.c[0];
    c->persistence = 1;
    c->excess_mortality = 5;
    for (int a = 0; a < N_AGES; a++) {
        c->incidence[a] = 0.01;
        c->prevalence0[SEX_MALE][a] = c->prevalence0[SEX_FEMALE][a] = 0.2;
    }
    struct by_age persons = constant(1000), death = constant(0.01), enrollees = constant(900);
    death.at[SEX_MALE][50] = 0.5;
    disease_state_init(&f->st, &f->p, NULL);
    step(f, key, &persons, &death, &enrollees);
    assert_close(f->st.prevalence[0][SEX_MALE][51], 0.01, 1e-16);
    /* elsewhere q = 0.01: 0.01 / 1.8 without, 0.05 / 1.8 with the condition,
     * (0.2 x 1.75 / 1.8 + 0.8 x 1.79 / 1.8 x 0.01) / 0.99 = 0.20444... */
    double elsewhere = (0.2 * 1.75 / 1.8 + 0.8 * 1.79 / 1.8 * 0.01) / 0.99;
    assert_close(f->st.prevalence[0][SEX_MALE][50], elsewhere, 1e-15);
    assert_close(f->st.prevalence[0][SEX_FEMALE][51], elsewhere, 1e-15);
    fixture_free(f);
}

/* The step works the split in vectorized loops, with and without the cap,
 * and selects: the same bits as disease_death_split, cell by cell, written
 * out here as a scalar loop, where the cap binds in cells scattered over the
 * ages (every third cell has q = 0.5, five times the deaths with the
 * condition, and a prevalence of 0 to 0.9) and the others do not. */
static void test_capped_cells_exact(void **state)
{
    (void)state;
    const double k = 5, kept = 0.8;
    struct fixture *f = fixture();
    f->p.n = 1;
    struct disease_condition *c = &f->p.c[0];
    c->persistence = kept;
    c->excess_mortality = k;
    struct by_age persons = constant(1000), death, enrollees = constant(900);
    for (int s = 0; s < N_SEXES; s++)
        for (int a = 0; a < N_AGES; a++) {
            c->incidence[a] = 0.002 * (a % 7) + (s ? 0 : 0.001);
            c->prevalence0[s][a] = 0.1 * ((a + s) % 10);
            death.at[s][a] = a % 3 == s ? 0.5 : 0.001 * (1 + a % 5);
        }
    disease_state_init(&f->st, &f->p, NULL);
    step(f, key, &persons, &death, &enrollees);
    int capped = 0;
    for (int s = 0; s < N_SEXES; s++)
        for (int a = 0; a < N_AGES - 2; a++) {
            double p = c->prevalence0[s][a], q = death.at[s][a], with, without;
            disease_death_split(q, p, k, &with, &without);
            capped += with == 1;
            double i = c->incidence[a] < 1 ? c->incidence[a] : 1;
            double num = p * (1 - with) * kept + (1 - p) * (1 - without) * i;
            double x = num * (1 / (1 - q));
            double want = x < 1 ? x : 1, got = f->st.prevalence[0][s][a + 1];
            if (memcmp(&got, &want, sizeof got) != 0)
                fail_msg("sex %d, age %d: got %.17g, expected %.17g", s, a + 1, got, want);
        }
    assert_true(capped > 20); /* 4 in 10 of the cells with q = 0.5 */
    fixture_free(f);
}

/* 10 % with the condition everywhere, incidence 1 %, persistence 0.9, no
 * excess mortality, deaths 1 %, trend 5 % without volatility. Year 1 uses
 * the table's incidence: 0.1 x 0.9 + 0.9 x 0.01 = 0.099 at ages 1-100.
 * Year 2 uses 1.05 x 0.01: 0.099 x 0.9 + 0.901 x 0.0105 = 0.0985605 at ages
 * 2-100 (0.09811 with no trend: the trend adds 0.901 x 0.01 x 0.05), and
 * 0.1 x 0.9 + 0.9 x 0.0105 = 0.09945 at age 1. The level is then 1.05^2. */
static void test_trend(void **state)
{
    (void)state;
    struct fixture *f = fixture();
    f->p.n = 2;
    for (int j = 0; j < 2; j++) {
        struct disease_condition *c = &f->p.c[j];
        c->persistence = 0.9;
        c->excess_mortality = 1;
        c->log_trend_mean = j == 0 ? log1p(0.05) : 0;
        for (int a = 0; a < N_AGES; a++) {
            c->incidence[a] = 0.01;
            c->prevalence0[SEX_MALE][a] = c->prevalence0[SEX_FEMALE][a] = 0.1;
        }
    }
    struct by_age persons = constant(1000), death = constant(0.01), enrollees = constant(900);
    disease_state_init(&f->st, &f->p, NULL);
    step(f, key, &persons, &death, &enrollees);
    for (int a = 1; a < N_AGES; a++)
        assert_close(f->st.prevalence[0][SEX_FEMALE][a], 0.099, 1e-15);
    assert_close(f->st.prevalence[0][SEX_FEMALE][0], 0.1, 0);
    struct stream_key k2 = key;
    k2.year++;
    step(f, k2, &persons, &death, &enrollees);
    assert_close(f->out.patients[0].at[SEX_MALE][50], 0.099 * 900, 1e-13);
    assert_close(f->st.prevalence[0][SEX_MALE][1], 0.09945, 1e-15);
    for (int a = 2; a < N_AGES; a++) {
        assert_close(f->st.prevalence[0][SEX_MALE][a], 0.0985605, 1e-15);
        assert_close(f->st.prevalence[1][SEX_MALE][a], 0.09811, 1e-15);
    }
    assert_close(f->st.incidence_level[0], 1.1025, 1e-15);
    assert_close(f->st.incidence_level[1], 1.0, 0);
    fixture_free(f);
}

/* The yearly log change of the incidence level is normal with mean
 * ln(1 + trend) - sigma^2 / 2 and variance sigma^2, so the level's mean
 * change is 1 + trend. Over 10,000 paths: for trend 2 %, sigma 0.05 and for
 * trend 0, sigma 0.1, the sample means and variances of the log changes, and
 * the mean of the level, are within 4 standard errors; the two conditions'
 * shocks are uncorrelated (|r| < 4 / sqrt(n)). */
static void test_trend_moments(void **state)
{
    (void)state;
    struct fixture *f = fixture();
    f->p.n = 2;
    double trend[2] = {0.02, 0}, vol[2] = {0.05, 0.1};
    for (int j = 0; j < 2; j++) {
        f->p.c[j].persistence = 1;
        f->p.c[j].excess_mortality = 1;
        f->p.c[j].trend_volatility = vol[j];
        f->p.c[j].log_trend_mean = log1p(trend[j]) - vol[j] * vol[j] / 2;
    }
    struct by_age persons = constant(100), death = constant(0.01);
    const int n = 10000;
    double sum[2] = {0}, sum2[2] = {0}, level[2] = {0}, cross = 0;
    for (int i = 0; i < n; i++) {
        disease_state_init(&f->st, &f->p, NULL);
        struct stream_key kk = key;
        kk.path = (uint64_t)i;
        step(f, kk, &persons, &death, &persons);
        double x[2];
        for (int j = 0; j < 2; j++) {
            x[j] = log(f->st.incidence_level[j]) - (log1p(trend[j]) - vol[j] * vol[j] / 2);
            sum[j] += x[j];
            sum2[j] += x[j] * x[j];
            level[j] += f->st.incidence_level[j];
        }
        cross += x[0] * x[1];
    }
    for (int j = 0; j < 2; j++) {
        double mean = sum[j] / n, var = (sum2[j] - n * mean * mean) / (n - 1);
        double v = vol[j] * vol[j];
        assert_true(fabs(mean) < 4 * vol[j] / sqrt(n));
        assert_true(fabs(var - v) < 4 * v * sqrt(2.0 / (n - 1)));
        double level_sd = (1 + trend[j]) * sqrt(expm1(v));
        assert_true(fabs(level[j] / n - (1 + trend[j])) < 4 * level_sd / sqrt(n));
    }
    double corr = (cross / n) / (vol[0] * vol[1]);
    assert_true(fabs(corr) < 4 / sqrt(n));
    fixture_free(f);
}

/* Same key: bit-identical state and output; another path: other levels. */
static void test_keys(void **state)
{
    (void)state;
    struct scenario s;
    load(HENAN, &s);
    struct fixture *a = fixture(), *b = fixture();
    struct diag d = {0};
    assert_int_equal(disease_model_init(&a->p, &s, 0, &d), 0);
    assert_int_equal(disease_model_init(&b->p, &s, 0, &d), 0);
    scenario_free(&s);
    disease_state_init(&a->st, &a->p, NULL);
    disease_state_init(&b->st, &b->p, NULL);
    struct by_age persons = constant(5000), death = constant(0.01), enrollees = constant(4000);
    for (int year = 2022; year < 2025; year++) {
        struct stream_key kk = key;
        kk.year = year;
        step(a, kk, &persons, &death, &enrollees);
        step(b, kk, &persons, &death, &enrollees);
    }
    assert_memory_equal(&a->st, &b->st, sizeof a->st);
    assert_memory_equal(&a->out, &b->out, sizeof a->out);

    struct stream_key other = key;
    other.path = 99;
    disease_state_init(&b->st, &b->p, NULL);
    step(b, other, &persons, &death, &enrollees);
    disease_state_init(&a->st, &a->p, NULL);
    step(a, key, &persons, &death, &enrollees);
    /* cancer_outpatient is the one condition of henan-2022 with volatility */
    assert_true(a->st.incidence_level[2] != b->st.incidence_level[2]);
    assert_true(a->st.incidence_level[0] == b->st.incidence_level[0]);
    fixture_free(a);
    fixture_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_minimal), cmocka_unit_test(test_params_henan),
        cmocka_unit_test(test_death_split),    cmocka_unit_test(test_steady_state),
        cmocka_unit_test(test_conservation),   cmocka_unit_test(test_all_die),
        cmocka_unit_test(test_trend),          cmocka_unit_test(test_trend_moments),
        cmocka_unit_test(test_keys),           cmocka_unit_test(test_capped_cells_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
