/* population.c: the cohort-component step of one region and the start of its
 * projection (see population.h). The step is O(ages) arithmetic on the
 * [sex][age] cells of `struct by_age`, with one random draw. */
#include "models/population.h"

#include "models/clones.h"
#include "models/demography.h"
#include "models/lifetable.h"
#include "models/prefetch.h"
#include "models/split.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_randist.h>
#include <math.h>

int population_split(const struct age_groups *g, const struct demography_model *national, int year,
                     struct by_age *out)
{
    size_t closed = g->n - 1;
    int open = g->first_age[closed];
    for (int sex = 0; sex < N_SEXES; sex++) {
        const double *persons = g->persons[sex];
        double *single = out->at[sex];
        if (closed && split_counts(closed, g->first_age, persons, single) != 0) return -1;
        if (open == N_AGES - 1) {
            single[open] = persons[closed];
            continue;
        }
        double mx[N_AGES], weight = 0;
        struct lifetable table;
        mortality_rates(&national->mortality, (enum sex)sex,
                        mortality_median_k(&national->mortality, (enum sex)sex, year), mx);
        lifetable_build(mx, (enum sex)sex, &table);
        for (int x = open; x < N_AGES; x++)
            weight += table.L[x];
        for (int x = open; x < N_AGES; x++)
            single[x] = persons[closed] * table.L[x] / weight;
    }
    return 0;
}

/* Defined before its first use: a multiversioned function must be (Clang). */
AVX2_CLONES void population_advance(const struct population_model *p,
                                    const struct demography_year *national, double migration_factor,
                                    struct population_state *st, struct population_flows *out)
{
    /* The region's rates and persons (prefetch.h), the men's and the rates
     * in while the births are summed over the women. */
    prefetch_lines(p->migration_rate, sizeof p->migration_rate);
    prefetch_lines(&st->persons, sizeof st->persons);
    double(*persons)[N_AGES] = st->persons.at;
    double next[N_SEXES][N_AGES];
    out->year = st->year;
    out->migration_factor = migration_factor;

    /* births: ASFR times the mean of the women aged x at the start and at the end */
    const double *women = persons[SEX_FEMALE], *dead = national->death_prob[SEX_FEMALE];
    double births = national->asfr[0] * 0.5 * women[0];
    for (int x = 1; x < N_AGES; x++)
        births += national->asfr[x] * 0.5 * (women[x] + women[x - 1] * (1 - dead[x - 1]));
    out->births[SEX_MALE] = births * national->male_birth_share;
    out->births[SEX_FEMALE] = births - out->births[SEX_MALE];

    for (int sex = 0; sex < N_SEXES; sex++) {
        const double *start = persons[sex], *prob = national->death_prob[sex];
        double *deaths = out->deaths.at[sex], *migrants = out->migrants.at[sex];
        for (int x = 0; x < N_AGES; x++) {
            deaths[x] = start[x] * prob[x];
            double survivors = start[x] - deaths[x];
            double m = start[x] * p->migration_rate[x] * migration_factor;
            migrants[x] = m > -survivors ? m : -survivors; /* no one leaves twice */
            next[sex][x] = survivors + migrants[x];
        }
        /* aging: x -> x + 1, and 99 and 100+ -> 100+ */
        double *end = st->persons.at[sex];
        double open = next[sex][N_AGES - 2] + next[sex][N_AGES - 1];
        for (int x = N_AGES - 2; x > 0; x--)
            end[x] = next[sex][x - 1];
        end[N_AGES - 1] = open;

        double born = out->births[sex];
        out->newborn_deaths[sex] = born * national->newborn_death_prob[sex];
        double survivors = born - out->newborn_deaths[sex];
        double m = born * p->migration_rate[0] * migration_factor * 0.5;
        out->newborn_migrants[sex] = m > -survivors ? m : -survivors;
        end[0] = survivors + out->newborn_migrants[sex];
    }
    st->year++;
}

int population_model_init(struct population_model *p, const struct scenario *s, size_t region,
                          const struct demography_model *national, struct diag *d)
{
    *p = (struct population_model){0};
    if (region >= s->n_regions) {
        diag_path(d, "regions", NULL, 0, "no region %zu (the scenario has %zu)", region,
                  s->n_regions);
        return -1;
    }
    const struct region *r = &s->regions[region];
    const struct demography_params *dem = &s->demography;
    p->region = region;
    p->start_year = s->simulation.start_year;
    const struct step *rate = r->has_migration_rate ? &r->migration_rate : &dem->migration_rate;
    for (int x = 0; x < N_AGES; x++)
        p->migration_rate[x] = step_at(rate, x);
    p->migration_volatility = dem->migration_volatility;

    struct population_state st = {.year = dem->age_structure_year};
    if (population_split(&r->age_structure, national, st.year, &st.persons) != 0) {
        diag_fail(d, "out of memory");
        return -1;
    }
    while (st.year < p->start_year) {
        struct demography_year year;
        struct population_flows flows;
        demography_median_year(national, st.year, &year);
        population_advance(p, &year, 1.0, &st, &flows);
    }
    /* regions[].population_total is the count at the start: the projection gives the shape */
    double sum = 0;
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int x = 0; x < N_AGES; x++)
            sum += st.persons.at[sex][x];
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int x = 0; x < N_AGES; x++)
            p->start.at[sex][x] = sum > 0 ? st.persons.at[sex][x] * (r->population_total / sum) : 0;
    return 0;
}

void population_state_init(struct population_state *st, const struct population_model *p)
{
    st->year = p->start_year;
    st->persons = p->start;
}

double population_migration_factor(const struct population_model *p, gsl_rng *r)
{
    double sigma = p->migration_volatility;
    return exp(sigma * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.5 * sigma * sigma);
}

void population_step(const struct population_model *p, const struct demography_year *national,
                     struct population_state *st, gsl_rng *r, struct population_flows *out)
{
    population_advance(p, national, population_migration_factor(p, r), st, out);
}
