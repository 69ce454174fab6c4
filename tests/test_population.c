/* test_population.c: the cohort-component step of a region
 * (models/population.c): births, deaths and aging worked by hand; exact
 * conservation per region, age, sex and cohort over 30 stochastic years with
 * young adults leaving; no negative cell when out-migration exceeds the
 * survivors; the split of the scenario's age groups; the projection of the
 * 2020 age structure to the 2022 start; the moments of the migration shock;
 * and the stream keys. The scenario is tests/scenarios/minimal.cfg. */
#include "models/demography.h"
#include "models/population.h"
#include "models/stream.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_statistics.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

#define MINIMAL FUNDSIM_SOURCE_DIR "/tests/scenarios/minimal.cfg"

struct fixture {
    struct scenario s;
    struct demography_model m;
    struct population_model p;
};

/* Young adults leave: 4 % of those aged 18 to 29 a year, assumed for the test. */
static const struct setting_override outflow[] = {
    {.key = "regions[0].migration_rate", .value = "((0, 0.0), (18, -0.04), (30, 0.0))"},
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct diag d = {0};
    if (!f || scenario_load(MINIMAL, outflow, 1, &f->s, &d) ||
        demography_model_init(&f->m, &f->s, &d) ||
        population_model_init(&f->p, &f->s, 0, &f->m, &d)) {
        diag_print(stderr, &d);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    scenario_free(&f->s);
    free(f);
    return 0;
}

static double total(const struct by_age *b)
{
    double sum = 0;
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int x = 0; x < N_AGES; x++)
            sum += b->at[sex][x];
    return sum;
}

/* A year's books balance exactly, cohort by cohort: for those aged x on 1
 * January, end(x+1) = (start(x) − deaths(x)) + migrants(x) (the open group
 * adds 99 and 100+), age 0 = (births − newborn deaths) + newborn migrants, in
 * the step's own order of operations, so bit for bit. The region's total:
 * start + births − deaths + net migration = end, to rounding. No cell is
 * negative and no one dies twice. */
static void check_books(const struct by_age *start, const struct population_flows *fl,
                        const struct by_age *end)
{
    double flows = 0;
    for (int sex = 0; sex < N_SEXES; sex++) {
        const double *s = start->at[sex], *e = end->at[sex];
        const double *dead = fl->deaths.at[sex], *moved = fl->migrants.at[sex];
        for (int x = 0; x < N_AGES; x++) {
            assert_true(e[x] >= 0);
            assert_true(dead[x] >= 0 && dead[x] <= s[x]);
            assert_true(s[x] - dead[x] + moved[x] >= 0);
            flows += moved[x] - dead[x];
        }
        for (int x = 0; x + 1 < N_AGES - 1; x++)
            assert_true(e[x + 1] == (s[x] - dead[x]) + moved[x]);
        assert_true(e[N_AGES - 1] == ((s[N_AGES - 2] - dead[N_AGES - 2]) + moved[N_AGES - 2]) +
                                         ((s[N_AGES - 1] - dead[N_AGES - 1]) + moved[N_AGES - 1]));
        assert_true(e[0] ==
                    (fl->births[sex] - fl->newborn_deaths[sex]) + fl->newborn_migrants[sex]);
        assert_true(fl->newborn_deaths[sex] >= 0 && fl->newborn_deaths[sex] <= fl->births[sex]);
        flows += fl->births[sex] - fl->newborn_deaths[sex] + fl->newborn_migrants[sex];
    }
    assert_close(total(start) + flows, total(end), 1e-12 * total(end));
}

/* By hand: 1000 persons of each sex at every age, no deaths, ASFR 0.05 at
 * ages 20..39 (TFR 1), half the births boys. Births = 20 × 0.05 × ½ (1000 +
 * 1000) = 1000, 500 of each sex; everyone moves up one year, and 99 and 100+
 * make 2000 at 100+. Then with death probability 0.1 at every age and 0.02
 * for newborns: women at risk ½ (1000 + 900) = 950, births 950, 475 of each
 * sex, of whom 9.5 die: 465.5 aged 0 at the end; 900 at ages 1..99. */
static void test_by_hand(void **state)
{
    (void)state;
    struct population_model p = {.start_year = 2022};
    struct demography_year y = {.year = 2022, .male_birth_share = 0.5};
    for (int x = 20; x < 40; x++)
        y.asfr[x] = 0.05;
    struct population_state st = {.year = 2022};
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int x = 0; x < N_AGES; x++)
            st.persons.at[sex][x] = 1000;
    struct population_flows fl;
    struct by_age start = st.persons;
    population_advance(&p, &y, 1.0, &st, &fl);
    check_books(&start, &fl, &st.persons);
    assert_int_equal(st.year, 2023);
    for (int sex = 0; sex < N_SEXES; sex++) {
        assert_close(fl.births[sex], 500, 1e-12);
        assert_close(st.persons.at[sex][0], 500, 1e-12);
        for (int x = 1; x < 100; x++)
            assert_close(st.persons.at[sex][x], 1000, 0);
        assert_close(st.persons.at[sex][100], 2000, 0);
    }

    for (int sex = 0; sex < N_SEXES; sex++) {
        for (int x = 0; x < N_AGES; x++) {
            st.persons.at[sex][x] = 1000;
            y.death_prob[sex][x] = 0.1;
        }
        y.newborn_death_prob[sex] = 0.02;
    }
    start = st.persons;
    population_advance(&p, &y, 1.0, &st, &fl);
    check_books(&start, &fl, &st.persons);
    for (int sex = 0; sex < N_SEXES; sex++) {
        assert_close(fl.births[sex], 475, 1e-9);
        assert_close(fl.newborn_deaths[sex], 9.5, 1e-9);
        assert_close(st.persons.at[sex][0], 465.5, 1e-9);
        assert_close(fl.deaths.at[sex][50], 100, 1e-9);
        assert_close(st.persons.at[sex][51], 900, 1e-9);
        assert_close(st.persons.at[sex][100], 1800, 1e-9);
    }
}

/* The scenario's 21 groups (0-4 .. 95-99, 100+; the UN's 2020 structure
 * scaled to 1 million) keep their totals in single years; so do groups with
 * an open group below 100 (0-14, 15-59, 60+, assumed), whose 60+ is spread
 * over 60..100+ as the stationary population of the median life table (so
 * falling with age). */
static void test_split_of_groups(void **state)
{
    const struct fixture *f = *state;
    const struct age_groups *g = &f->s.regions[0].age_structure;
    struct by_age single;
    population_split(g, &f->m, 2020, &single);
    for (int sex = 0; sex < N_SEXES; sex++)
        for (size_t k = 0; k < g->n; k++) {
            int end = k + 1 < g->n ? g->first_age[k + 1] : N_AGES;
            double sum = 0;
            for (int x = g->first_age[k]; x < end; x++)
                sum += single.at[sex][x];
            assert_close(sum, g->persons[sex][k], 1e-12 * g->persons[sex][k]);
        }
    int first_age[] = {0, 15, 60};
    double men[] = {150, 450, 200}, women[] = {140, 440, 230};
    struct age_groups three = {.n = 3, .first_age = first_age, .persons = {men, women}};
    population_split(&three, &f->m, 2020, &single);
    for (int sex = 0; sex < N_SEXES; sex++) {
        double old = 0;
        for (int x = 60; x < N_AGES; x++) {
            old += single.at[sex][x];
            if (x > 60 && x < 100) assert_true(single.at[sex][x] < single.at[sex][x - 1]);
        }
        assert_close(old, sex ? 230 : 200, 1e-12);
        double young = 0;
        for (int x = 0; x < 15; x++)
            young += single.at[sex][x];
        assert_close(young, sex ? 140 : 150, 1e-12);
    }
}

/* The start: the 2020 structure split, then two median years (2020, 2021)
 * with the migration shock at its mean, then scaled to the region's
 * population_total (1 million, the residents at the start). The projection
 * alone hardly changes the total in two years (births about 8 and deaths
 * about 7 per 1000 a year; the young adults' outflow takes about 0.6 % a
 * year): within 2 % of the million. */
static void test_start_is_median_projection(void **state)
{
    const struct fixture *f = *state;
    struct population_state st = {.year = 2020}, init;
    population_split(&f->s.regions[0].age_structure, &f->m, 2020, &st.persons);
    for (int year = 2020; year < 2022; year++) {
        struct demography_year y;
        struct population_flows fl;
        demography_median_year(&f->m, year, &y);
        struct by_age start = st.persons;
        population_advance(&f->p, &y, 1.0, &st, &fl);
        check_books(&start, &fl, &st.persons);
    }
    double projected = total(&st.persons);
    assert_true(fabs(projected / 1e6 - 1) < 0.02);
    population_state_init(&init, &f->p);
    assert_int_equal(init.year, 2022);
    assert_close(total(&init.persons), 1e6, 1e-6);
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int x = 0; x < N_AGES; x++)
            assert_close(init.persons.at[sex][x], st.persons.at[sex][x] * 1e6 / projected,
                         1e-9 * init.persons.at[sex][x]);
}

static struct stream_key key(uint64_t path, uint32_t region, int year, uint32_t driver)
{
    return (struct stream_key){
        .seed = 77, .path = path, .region = region, .year = year, .driver = driver};
}

/* Thirty stochastic years of the whole chain (national mortality and
 * fertility, the region's migration shock) on 20 paths: every year's books
 * balance (check_books); young adults leave every year (migrants < 0 at ages
 * 18..29 on 1 January, 0 elsewhere); births are those of the year's TFR. */
static void test_conservation_over_thirty_years(void **state)
{
    const struct fixture *f = *state;
    gsl_rng *r = stream_alloc();
    for (uint64_t path = 0; path < 20; path++) {
        struct demography_state ds;
        struct population_state st;
        demography_state_init(&ds);
        population_state_init(&st, &f->p);
        for (int year = 2022; year < 2052; year++) {
            struct demography_year y;
            struct population_flows fl;
            stream_seek(r, key(path, STREAM_ALL_REGIONS, year, DRIVER_MORTALITY));
            mortality_step(&f->m.mortality, &ds.mortality, year, r, &y);
            stream_seek(r, key(path, STREAM_ALL_REGIONS, year, DRIVER_FERTILITY));
            fertility_step(&f->m.fertility, &ds.fertility, year, r, &y);
            stream_seek(r, key(path, 0, year, DRIVER_MIGRATION));
            struct by_age start = st.persons;
            population_step(&f->p, &y, &st, r, &fl);
            assert_int_equal(fl.year, year);
            check_books(&start, &fl, &st.persons);
            for (int sex = 0; sex < N_SEXES; sex++)
                for (int x = 0; x < N_AGES; x++) {
                    if (x >= 18 && x < 30)
                        assert_true(fl.migrants.at[sex][x] < 0);
                    else
                        assert_true(fl.migrants.at[sex][x] == 0);
                }
            double births = 0;
            for (int x = 0; x < N_AGES; x++)
                births +=
                    y.asfr[x] * 0.5 *
                    (start.at[SEX_FEMALE][x] +
                     (x ? start.at[SEX_FEMALE][x - 1] * (1 - y.death_prob[SEX_FEMALE][x - 1]) : 0));
            assert_close(fl.births[0] + fl.births[1], births, 1e-9 * births);
        }
    }
    gsl_rng_free(r);
}

/* Out-migration beyond the survivors is clipped: a rate of −0.5 at every age
 * with a shock of 3 would take 150 % of each cohort; every cohort ends at 0,
 * migrants = −survivors, and the books still balance. Newborns, exposed half
 * a year, lose 75 % and keep the rest. */
static void test_clipped_outflow(void **state)
{
    const struct fixture *f = *state;
    struct population_model p = f->p;
    for (int x = 0; x < N_AGES; x++)
        p.migration_rate[x] = -0.5;
    struct population_state st;
    population_state_init(&st, &p);
    struct demography_year y;
    demography_median_year(&f->m, 2022, &y);
    struct population_flows fl;
    struct by_age start = st.persons;
    population_advance(&p, &y, 3.0, &st, &fl);
    check_books(&start, &fl, &st.persons);
    for (int sex = 0; sex < N_SEXES; sex++) {
        for (int x = 0; x < N_AGES; x++) {
            if (x) assert_true(st.persons.at[sex][x] == 0);
            assert_true(fl.migrants.at[sex][x] == -(start.at[sex][x] - fl.deaths.at[sex][x]));
        }
        assert_close(fl.newborn_migrants[sex], -0.75 * fl.births[sex], 1e-9);
        assert_true(st.persons.at[sex][0] > 0);
    }
}

/* 10 000 draws of the migration shock f = exp(σ z − σ²/2), σ = 0.2 (the
 * default): log f has mean −σ²/2 = −0.02 and variance σ² = 0.04; f has mean
 * 1 and variance e^(σ²) − 1 = 0.040811. Means within 4 SE (sd / 100); the
 * variance of log f within 4 SE (σ² sqrt(2 / (n − 1))). */
static void test_migration_shock_moments(void **state)
{
    const struct fixture *f = *state;
    assert_close(f->p.migration_volatility, 0.2, 0);
    enum { N = 10000 };
    static double factor[N], logf[N];
    gsl_rng *r = stream_alloc();
    for (uint64_t k = 0; k < N; k++) {
        stream_seek(r, key(k, 0, 2030, DRIVER_MIGRATION));
        factor[k] = population_migration_factor(&f->p, r);
        logf[k] = log(factor[k]);
    }
    gsl_rng_free(r);
    double var_f = exp(0.04) - 1;
    assert_true(fabs(gsl_stats_mean(factor, 1, N) - 1) < 4 * sqrt(var_f / N));
    assert_true(fabs(gsl_stats_mean(logf, 1, N) + 0.02) < 4 * 0.2 / sqrt(N));
    assert_true(fabs(gsl_stats_variance(logf, 1, N) - 0.04) < 4 * 0.04 * sqrt(2.0 / (N - 1)));
}

/* Same key, bit-identical regions and flows; another path or region, other. */
static void test_stream_keys(void **state)
{
    const struct fixture *f = *state;
    struct demography_year y;
    demography_median_year(&f->m, 2022, &y);
    gsl_rng *r = stream_alloc();
    struct population_state st[4];
    struct population_flows fl[4];
    const struct stream_key keys[4] = {
        key(3, 0, 2022, DRIVER_MIGRATION), key(3, 0, 2022, DRIVER_MIGRATION),
        key(4, 0, 2022, DRIVER_MIGRATION), key(3, 1, 2022, DRIVER_MIGRATION)};
    for (int k = 0; k < 4; k++) {
        population_state_init(&st[k], &f->p);
        memset(&fl[k], 0, sizeof fl[k]);
        if (k == 1) gsl_rng_uniform(r); /* what was drawn before the seek does not matter */
        stream_seek(r, keys[k]);
        population_step(&f->p, &y, &st[k], r, &fl[k]);
    }
    /* member by member: the bytes after the int `year`s are padding */
    assert_int_equal(st[0].year, st[1].year);
    assert_memory_equal(&st[0].persons, &st[1].persons, sizeof st[0].persons);
    assert_int_equal(fl[0].year, fl[1].year);
    assert_memory_equal(fl[0].births, fl[1].births,
                        sizeof fl[0] - offsetof(struct population_flows, births));
    for (int k = 2; k < 4; k++) {
        assert_true(fl[0].migration_factor != fl[k].migration_factor);
        assert_true(st[0].persons.at[SEX_MALE][25] != st[k].persons.at[SEX_MALE][25]);
    }
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_split_of_groups),
        cmocka_unit_test(test_start_is_median_projection),
        cmocka_unit_test(test_conservation_over_thirty_years),
        cmocka_unit_test(test_clipped_outflow),
        cmocka_unit_test(test_migration_shock_moments),
        cmocka_unit_test(test_stream_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
