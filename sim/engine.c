/* engine.c: the Monte Carlo engine (engine.h). The file reads top-down as the
 * projection runs: building the models and tables once, then a path, a year of
 * a path, and a region-year. */
#include "sim/engine.h"

#include "models/benefit_table.h"
#include "models/costs.h"
#include "models/demography.h"
#include "models/disease.h"
#include "models/economy.h"
#include "models/enrollment.h"
#include "models/financing.h"
#include "models/population.h"
#include "models/stream.h"
#include "models/utilization.h"
#include "sim/accounting.h"
#include "sim/claims.h"
#include "sim/config/diag.h"
#include "sim/timing.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a region needs of its year that does not change along paths. */
struct region_year {
    int table; /* index into engine.tables */
    double maternity_mean_yuan, maternity_var_yuan;
};

struct engine {
    const struct scenario *s;
    size_t regions, years;
    int start_year;
    uint64_t seed;
    struct demography_model demography;
    struct economy_model economy;
    struct costs_model costs;
    struct utilization_model utilization;
    struct population_params *population; /* [regions] */
    struct enrollment_model *enrollment;  /* [regions] */
    struct disease_model *disease;        /* [regions] */
    double condition_multiplier[LIMIT_CONDITIONS];
    struct claims_bands bands;
    /* One table per distinct pair (rules less the year and the income, claim model). */
    size_t n_tables;
    struct benefit_table **tables;
    struct benefit_rules *table_rules;
    struct benefit_claim_model *table_models;
    struct region_year *ry; /* [regions][years] */
};

struct engine_work {
    gsl_rng *r;
    struct demography_state demography;
    struct economy_state economy;
    struct costs_state costs;
    struct population_state *population; /* [regions] */
    struct enrollment_state *enrollment;
    struct disease_state *disease;
    struct disease_out disease_out;
    struct utilization_year use;
    size_t n_tables;
    struct benefit_year **year_views; /* [n_tables] */
    bool *in_use;                     /* [n_tables]: the year's tables */
    double *balance;                  /* [regions]: at the start of the year */
    double **records;                 /* [regions]: the year's records */
    struct engine_times times;
    double mark_s; /* when the current phase began */
};

/* ---- building ---- */

/* Two years' rules give the same table when they differ at most in the year and
 * in the income-linked serious-illness deductible (set per lookup). */
static bool same_rules(const struct benefit_rules *a, const struct benefit_rules *b)
{
    struct benefit_rules x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    x.year = y.year = 0;
    x.serious_deductible_yuan = y.serious_deductible_yuan = 0;
    x.serious_band_from_yuan = y.serious_band_from_yuan = NULL;
    x.serious_band_ratio = y.serious_band_ratio = NULL;
    if (memcmp(&x, &y, sizeof x) != 0) return false;
    for (size_t i = 0; i < a->n_serious_bands; i++)
        if (a->serious_band_from_yuan[i] != b->serious_band_from_yuan[i] ||
            a->serious_band_ratio[i] != b->serious_band_ratio[i])
            return false;
    return true;
}

static int table_index(struct engine *e, const struct benefit_rules *r,
                       const struct benefit_claim_model *m)
{
    for (size_t t = 0; t < e->n_tables; t++)
        if (same_rules(&e->table_rules[t], r) && memcmp(&e->table_models[t], m, sizeof *m) == 0)
            return (int)t;
    size_t t = e->n_tables++;
    memcpy(&e->table_rules[t], r, sizeof *r);
    memcpy(&e->table_models[t], m, sizeof *m);
    return (int)t;
}

/* Finds the distinct tables and builds them, in parallel. */
static int build_tables(struct engine *e, int threads, struct diag *d)
{
    const struct scenario *s = e->s;
    size_t most = e->regions * e->years;
    e->table_rules = calloc(most, sizeof *e->table_rules);
    e->table_models = calloc(most, sizeof *e->table_models);
    e->ry = calloc(most, sizeof *e->ry);
    if (!e->table_rules || !e->table_models || !e->ry) goto oom;
    for (size_t k = 0; k < e->regions; k++) {
        struct benefit_claim_model m;
        benefit_claim_model_init(&m, s, &s->regions[k]);
        for (size_t y = 0; y < e->years; y++) {
            struct benefit_rules r;
            benefit_rules_init(&r, &s->regions[k].policy, e->start_year + (int)y, 0);
            struct region_year *ry = &e->ry[k * e->years + y];
            ry->table = table_index(e, &r, &m);
            benefit_maternity(&r, s->utilization.caesarean_share, &ry->maternity_mean_yuan,
                              &ry->maternity_var_yuan);
        }
    }
    e->tables = calloc(e->n_tables, sizeof *e->tables);
    struct benefit_grid *grid = calloc(e->n_tables, sizeof *grid);
    if (!e->tables || !grid) {
        free(grid);
        goto oom;
    }
    /* Each table's use axis spans the use indices of the years it serves (the
     * use index is national and the same on every path). */
    for (size_t t = 0; t < e->n_tables; t++) {
        benefit_grid_default(&grid[t], s);
        grid[t].use_min = INFINITY, grid[t].use_max = 0;
    }
    for (size_t k = 0; k < e->regions; k++)
        for (size_t y = 0; y < e->years; y++) {
            struct benefit_grid *g = &grid[e->ry[k * e->years + y].table];
            double use = costs_use_index(&e->costs, e->start_year + (int)y);
            g->use_min = fmin(g->use_min, use), g->use_max = fmax(g->use_max, use);
        }
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(| : failed)
    for (size_t t = 0; t < e->n_tables; t++)
        failed |= benefit_table_build(&e->tables[t], &e->table_rules[t], &e->table_models[t],
                                      &grid[t]) != 0;
    free(grid);
    if (failed) {
        diag_fail(d, "cannot build the benefit tables (out of memory?)");
        return -1;
    }
    return 0;
oom:
    diag_fail(d, "out of memory building the benefit tables");
    return -1;
}

struct engine *engine_create(const struct scenario *s, int threads, struct diag *d)
{
    struct engine *e = calloc(1, sizeof *e);
    if (!e) {
        diag_fail(d, "out of memory");
        return NULL;
    }
    e->s = s;
    e->regions = s->n_regions;
    e->years = (size_t)s->simulation.years;
    e->start_year = s->simulation.start_year;
    e->seed = (uint64_t)s->simulation.seed;
    e->population = calloc(e->regions, sizeof *e->population);
    e->enrollment = calloc(e->regions, sizeof *e->enrollment);
    e->disease = calloc(e->regions, sizeof *e->disease);
    if (!e->population || !e->enrollment || !e->disease) {
        diag_fail(d, "out of memory");
        goto fail;
    }
    if (demography_model_init(&e->demography, s, d) != 0) goto fail;
    economy_init(&e->economy, s);
    costs_init(&e->costs, s);
    if (utilization_init(&e->utilization, s) != 0) {
        diag_fail(d, "out of memory");
        goto fail;
    }
    for (size_t k = 0; k < e->regions; k++)
        if (population_params_init(&e->population[k], s, k, &e->demography, d) != 0 ||
            enrollment_params_init(&e->enrollment[k], s, k, d) != 0 ||
            disease_params_init(&e->disease[k], s, k, d) != 0)
            goto fail;
    for (size_t c = 0; c < s->disease.n && c < LIMIT_CONDITIONS; c++)
        e->condition_multiplier[c] = s->disease.conditions[c].inpatient_multiplier;
    claims_bands_init(&e->bands, s);
    if (build_tables(e, threads, d) != 0) goto fail;
    return e;
fail:
    engine_free(e);
    return NULL;
}

void engine_free(struct engine *e)
{
    if (!e) return;
    for (size_t t = 0; e->tables && t < e->n_tables; t++)
        benefit_table_free(e->tables[t]);
    free(e->tables);
    free(e->table_rules);
    free(e->table_models);
    free(e->ry);
    utilization_free(&e->utilization);
    free(e->population);
    free(e->enrollment);
    free(e->disease);
    free(e);
}

size_t engine_tables(const struct engine *e)
{
    return e->n_tables;
}

struct engine_work *engine_work_alloc(const struct engine *e)
{
    struct engine_work *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->r = stream_alloc();
    w->n_tables = e->n_tables;
    w->population = calloc(e->regions, sizeof *w->population);
    w->enrollment = calloc(e->regions, sizeof *w->enrollment);
    w->disease = calloc(e->regions, sizeof *w->disease);
    w->year_views = calloc(e->n_tables, sizeof *w->year_views);
    w->in_use = calloc(e->n_tables, sizeof *w->in_use);
    w->balance = calloc(e->regions, sizeof *w->balance);
    w->records = calloc(e->regions, sizeof *w->records);
    int ok = w->r && w->population && w->enrollment && w->disease && w->year_views && w->in_use &&
             w->balance && w->records && utilization_year_init(&w->use, &e->utilization) == 0;
    for (size_t t = 0; ok && t < e->n_tables; t++)
        ok = (w->year_views[t] = benefit_year_alloc(e->tables[t], true)) != NULL;
    if (!ok) {
        engine_work_free(w);
        return NULL;
    }
    return w;
}

void engine_work_free(struct engine_work *w)
{
    if (!w) return;
    if (w->r) gsl_rng_free(w->r);
    utilization_year_free(&w->use);
    for (size_t t = 0; w->year_views && t < w->n_tables; t++)
        benefit_year_free(w->year_views[t]);
    free(w->population);
    free(w->enrollment);
    free(w->disease);
    free(w->year_views);
    free(w->in_use);
    free(w->balance);
    free(w->records);
    free(w);
}

void engine_work_times(const struct engine_work *w, struct engine_times *out)
{
    *out = w->times;
}

/* ---- a path ---- */

/* Ends the phase that began at w->mark_s, adding its time to `phase`. */
static void lap(struct engine_work *w, double *phase)
{
    double now = timing_now_s();
    *phase += now - w->mark_s;
    w->mark_s = now;
}

static void seek(const struct engine *e, gsl_rng *r, uint64_t path, uint32_t region, int year,
                 enum stream_driver driver)
{
    stream_seek(
        r, (struct stream_key){
               .seed = e->seed, .path = path, .region = region, .year = year, .driver = driver});
}

/* The province-wide draws of a year. */
struct national_year {
    struct demography_year demography;
    struct economy_year economy;
    struct costs_year costs;
};

/* Region k's year into record v: drivers, financing rules, claims, interest. */
static void project_region_year(const struct engine *e, struct engine_work *w, uint64_t path,
                                size_t k, int year, const struct national_year *n,
                                const struct region_year *ry, double *v)
{
    const struct region *region = &e->s->regions[k];
    gsl_rng *r = w->r;
    uint32_t key = (uint32_t)k;

    struct by_age residents = w->population[k].persons, death_rate;
    struct population_flows flows;
    seek(e, r, path, key, year, DRIVER_MIGRATION);
    population_step(&e->population[k], &n->demography, &w->population[k], r, &flows);
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int a = 0; a < N_AGES; a++)
            death_rate.at[sex][a] =
                residents.at[sex][a] > 0 ? flows.deaths.at[sex][a] / residents.at[sex][a] : 0;

    struct financing_rules rules;
    financing_rules_init(&rules, region, year, n->economy.income_prev_yuan);
    struct enrollment_out enrolled;
    seek(e, r, path, key, year, DRIVER_ENROLLMENT);
    enrollment_step(&e->enrollment[k], &w->enrollment[k], year, &residents, rules.contribution_yuan,
                    n->economy.income_prev_yuan, r, &enrolled);
    double born[N_SEXES];
    enrollment_add_births(&e->enrollment[k], flows.births, &enrolled, born);

    seek(e, r, path, key, year, DRIVER_DISEASE);
    disease_step(&e->disease[k], &w->disease[k], &residents, &death_rate, &enrolled.enrollees, r,
                 &w->disease_out);
    double births = flows.births[SEX_MALE] + flows.births[SEX_FEMALE];
    seek(e, r, path, key, year, DRIVER_UTILIZATION);
    utilization_step(&e->utilization, k, &n->costs, &w->disease_out.inpatient_multiplier, births, r,
                     &w->use);
    lap(w, &w->times.drivers_s);

    struct financing_counts counts = {0};
    for (int c = 0; c < N_CLASSES; c++)
        counts.enrollees[c] = enrolled.by_class[c];
    for (int c = 0; c < N_CATEGORIES; c++) {
        counts.assisted[FINANCING_AREA_DISTRICT][c] = enrolled.assisted[c][CLASS_DISTRICT];
        counts.assisted[FINANCING_AREA_COUNTY][c] = enrolled.assisted[c][CLASS_COUNTY];
    }
    struct financing_income income;
    financing_region_year(&rules, &counts, &income);

    struct claims_inputs in = {
        .enrollment = &enrolled,
        .born = born,
        .disease = &w->disease_out,
        .n_conditions = e->disease[k].n,
        .condition_multiplier = e->condition_multiplier,
        .use = &w->use,
        .residents = &residents,
        .births = births,
        .maternity_mean_yuan = ry->maternity_mean_yuan,
        .maternity_var_yuan = ry->maternity_var_yuan,
        .noise = e->s->utilization.claims_noise,
    };
    struct claims_year claims;
    seek(e, r, path, key, year, DRIVER_CLAIMS);
    claims_region_year(&e->bands, w->year_views[ry->table], &in, r, &claims);
    lap(w, &w->times.rules_s);

    memset(v, 0, N_VARS * sizeof *v);
    double persons = 0;
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int a = 0; a < N_AGES; a++)
            persons += residents.at[sex][a];
    v[VAR_RESIDENTS] = persons;
    v[VAR_ENROLLEES] = enrolled.total;
    v[VAR_CONTRIBUTIONS] = income.residents_yuan;
    v[VAR_ASSISTED_CONTRIBUTIONS] = income.assistance_total_yuan;
    static const int subsidy_var[FINANCING_N_PAYERS] = {VAR_SUBSIDY_CENTRAL, VAR_SUBSIDY_PROVINCE,
                                                        VAR_SUBSIDY_CITY, VAR_SUBSIDY_DISTRICT,
                                                        VAR_SUBSIDY_COUNTY};
    static const int outlay_var[FINANCING_N_PAYERS] = {VAR_OUTLAY_CENTRAL, VAR_OUTLAY_PROVINCE,
                                                       VAR_OUTLAY_CITY, VAR_OUTLAY_DISTRICT,
                                                       VAR_OUTLAY_COUNTY};
    for (int p = 0; p < FINANCING_N_PAYERS; p++) {
        v[subsidy_var[p]] = income.subsidy_yuan[p];
        v[VAR_SUBSIDY] += income.subsidy_yuan[p];
        v[outlay_var[p]] = income.outlay_yuan[p];
    }
    v[VAR_INTEREST] = accounting_interest(w->balance[k], n->economy.interest_rate);
    v[VAR_FUND_INPATIENT] = claims.fund_yuan[LINE_FUND_INPATIENT];
    v[VAR_FUND_OUTPATIENT] = claims.fund_yuan[LINE_FUND_OUTPATIENT];
    v[VAR_FUND_TWO_DISEASES] = claims.fund_yuan[LINE_FUND_TWO_DISEASES];
    v[VAR_FUND_CHRONIC] = claims.fund_yuan[LINE_FUND_CHRONIC];
    v[VAR_FUND_MATERNITY] = claims.maternity_yuan;
    v[VAR_SERIOUS_PREMIUM] = income.serious_premium_yuan;
    v[VAR_SERIOUS_CLAIMS] = claims.fund_yuan[LINE_SERIOUS];
    v[VAR_ASSISTANCE_CLAIMS] = claims.fund_yuan[LINE_ASSISTANCE];
    v[VAR_OUT_OF_POCKET] = claims.out_of_pocket_yuan;
    v[VAR_TOTAL_COST] = claims.total_yuan;
    v[VAR_POLICY_COST] = claims.policy_yuan;
    v[VAR_INPATIENT_POLICY_COST] = claims.inpatient_policy_yuan;
    v[VAR_SERIOUS_LOSS_RATIO] =
        income.serious_premium_yuan > 0 ? v[VAR_SERIOUS_CLAIMS] / income.serious_premium_yuan : 0;
    accounting_round_lines(v);
    lap(w, &w->times.accounting_s);
}

static void national_year(const struct engine *e, struct engine_work *w, uint64_t path, int year,
                          struct national_year *n)
{
    gsl_rng *r = w->r;
    seek(e, r, path, STREAM_ALL_REGIONS, year, DRIVER_MORTALITY);
    mortality_step(&e->demography.mortality, &w->demography.mortality, year, r, &n->demography);
    seek(e, r, path, STREAM_ALL_REGIONS, year, DRIVER_FERTILITY);
    fertility_step(&e->demography.fertility, &w->demography.fertility, year, r, &n->demography);
    seek(e, r, path, STREAM_ALL_REGIONS, year, DRIVER_ECONOMY);
    economy_step(&e->economy, &w->economy, r, &n->economy);
    seek(e, r, path, STREAM_ALL_REGIONS, year, DRIVER_COSTS);
    costs_step(&e->costs, &w->costs, year, n->economy.income_shock, r, &n->costs);
}

void engine_path(const struct engine *e, struct engine_work *w, uint64_t path,
                 struct record_block *b, size_t row)
{
    const struct scenario *s = e->s;
    w->mark_s = timing_now_s();
    demography_path_init(&w->demography);
    economy_start(&e->economy, &w->economy);
    costs_start(&e->costs, &w->costs);
    for (size_t k = 0; k < e->regions; k++) {
        population_init(&w->population[k], &e->population[k]);
        enrollment_init(&w->enrollment[k], &e->enrollment[k]);
        disease_init(&w->disease[k], &e->disease[k]);
        w->balance[k] = accounting_round(s->regions[k].opening_balance_yuan);
    }
    double adjustment_yuan = 0;

    for (size_t y = 0; y < e->years; y++) {
        int year = e->start_year + (int)y;
        struct national_year n;
        national_year(e, w, path, year, &n);
        lap(w, &w->times.drivers_s);

        /* The year views of the tables in use: once per year, shared by regions
         * (the indices are national). A condition patient's treatment grows with
         * use and price; the use in admissions and visits is in the rates. */
        memset(w->in_use, 0, e->n_tables * sizeof *w->in_use);
        for (size_t k = 0; k < e->regions; k++)
            w->in_use[e->ry[k * e->years + y].table] = true;
        for (size_t t = 0; t < e->n_tables; t++)
            if (w->in_use[t])
                benefit_year_prepare(w->year_views[t], n.costs.price_index, n.costs.use_index,
                                     n.economy.income_prev_yuan);
        lap(w, &w->times.rules_s);

        for (size_t k = 0; k < e->regions; k++) {
            w->records[k] = record_at(b, row, y, k);
            project_region_year(e, w, path, k, year, &n, &e->ry[k * e->years + y], w->records[k]);
        }
        accounting_adjust(&s->pooling, e->regions, w->records, &adjustment_yuan);
        for (size_t k = 0; k < e->regions; k++) {
            accounting_close(w->records[k], w->balance[k]);
            w->balance[k] = w->records[k][VAR_BALANCE];
        }

        double *nv = record_national(b, row, y);
        nv[NVAR_INCOME_PER_CAPITA] = n.economy.income_yuan;
        nv[NVAR_COST_INDEX] = n.costs.cost_index;
        nv[NVAR_PRICE_INDEX] = n.costs.price_index;
        nv[NVAR_INTEREST_RATE] = n.economy.interest_rate;
        nv[NVAR_ADJUSTMENT_BALANCE] = adjustment_yuan;
        lap(w, &w->times.accounting_s);
    }
}
