/* engine.c: the Monte Carlo engine (engine.h). The file reads top-down as the
 * projection runs: building the models and tables once, then a path, a year of
 * a path, and a region-year. */
#include "sim/engine.h"

#include "models/benefit_table.h"
#include "models/clones.h"
#include "models/costs.h"
#include "models/demography.h"
#include "models/disease.h"
#include "models/economy.h"
#include "models/enrollment.h"
#include "models/financing.h"
#include "models/hold.h"
#include "models/parameters.h"
#include "models/population.h"
#include "models/stream.h"
#include "models/timeline.h"
#include "models/utilization.h"
#include "sim/accounting.h"
#include "sim/claims.h"
#include "sim/config/diag.h"
#include "sim/pools.h"
#include "sim/timing.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a region needs of its year that does not change along paths. */
struct region_year {
    int table; /* index into engine.tables */
};

/* How a table's amounts go on after the last year its rules change
 * (policy.continuation.benefits, timeline.h): a path-year's scale of them. */
struct package {
    struct continuation rule;
    int base_year; /* 0 when the rule is frozen (no scale) */
};

struct engine {
    const struct scenario *s;
    size_t regions, years;
    int start_year;
    uint64_t seed;
    struct demography_model demography;
    struct economy_model economy;
    struct costs_model costs;
    struct parameter_model parameters;
    struct utilization_model utilization;
    struct population_model *population; /* [regions] */
    struct enrollment_model *enrollment; /* [regions] */
    struct disease_model *disease;       /* [regions] */
    double condition_multiplier[LIMIT_CONDITIONS];
    struct claims_bands bands;
    /* One table per distinct pair (rules less the year and the income, claim model). */
    size_t n_tables;
    struct benefit_table **tables;
    struct benefit_rules *table_rules;
    struct benefit_claim_model *table_models;
    struct package *table_packages;
    struct benefit_grid *table_grids; /* [n_tables]: each table's grid */
    bool *borrowed;             /* [n_tables]: the table is a donor engine's (engine_create_like) */
    struct region_year *ry;     /* [regions][years] */
    struct pools pools;         /* which fund holds each region's money (pools.h) */
    size_t most_in_use;         /* the most tables any year uses */
    unsigned hold;              /* the driver groups held (engine_hold, models/hold.h) */
    struct held_models *unheld; /* the models as built, once a group has been held */
};

/* The models whose spreads engine_hold sets to 0, as built: engine_hold
 * restores them before it holds another set of groups. Shallow copies (what
 * holding changes is plain numbers; the pointers are the engine's). */
struct held_models {
    struct demography_model demography;
    struct economy_model economy;
    struct costs_model costs;
    struct parameter_model parameters;
    struct utilization_model utilization;
    struct population_model *population; /* [regions] */
    struct enrollment_model *enrollment; /* [regions] */
    struct disease_model *disease;       /* [regions] */
};

struct engine_work {
    gsl_rng *r;
    struct demography_state demography;
    struct economy_state economy;
    struct costs_state costs;
    struct parameter_draw parameters;
    struct population_state *population; /* [regions] */
    struct enrollment_state *enrollment;
    struct disease_state *disease;
    struct disease_out disease_out;
    struct utilization_year use;
    size_t n_tables;
    struct benefit_year **year_views; /* [n_tables] */
    bool *in_use;                     /* [n_tables]: the year's tables */
    /* The lookups the regions of a table share (claims.h), one per table the
     * year uses ([most_in_use]), and the table's (NULL when not in use). */
    struct claims_nodes **nodes, **table_nodes; /* [most_in_use], [n_tables] */
    double *region_use;                         /* [regions]: the year's factors on the rates */
    double *table_use;                          /* [regions]: those of one table */
    double *scale;                              /* [n_tables]: the year's package scale */
    double *income, *price;                     /* [years + 1]: the path's timeline_path */
    struct timeline_path x;
    double *balance;   /* [regions]: at the start of the year */
    double *shortfall; /* [regions]: the cumulative shortfall so far */
    /* The actuarial balance so far: income and expenditure discounted to the start
     * at the path's interest rates, per region and for the province. */
    double *pv_income, *pv_expenditure; /* [regions] */
    /* its opening balance B0, per region: the scenario's; in a calibrated run
     * the balance at the end of its history (calibration.history_end_year),
     * from which the window restarts */
    double *pv_opening; /* [regions] */
    double discount;    /* the year's factor to the start */
    double **records;   /* [regions]: the year's records */
    /* Merged pools (pools.h), each year: the fund of each region, the balance it
     * moved there at the start, its balance before that, and the benefits that
     * a fund pays (the months of payment of all its regions). */
    size_t *fund;                            /* [regions] */
    double *moved, *opening, *fund_benefits; /* [regions] */
    struct engine_times times;
    double mark_s; /* when the current phase began */
};

static void unheld_free(struct held_models *h);

/* ---- building ---- */

static int table_index(struct engine *e, const struct benefit_rules *r,
                       const struct benefit_claim_model *m, const struct package *p)
{
    for (size_t t = 0; t < e->n_tables; t++)
        if (benefit_rules_same_table(&e->table_rules[t], r) &&
            memcmp(&e->table_models[t], m, sizeof *m) == 0 &&
            memcmp(&e->table_packages[t], p, sizeof *p) == 0)
            return (int)t;
    size_t t = e->n_tables++;
    memcpy(&e->table_rules[t], r, sizeof *r);
    memcpy(&e->table_models[t], m, sizeof *m);
    memcpy(&e->table_packages[t], p, sizeof *p);
    return (int)t;
}

/* The region's benefit package: its rule, and the year from which it goes on
 * as one scale (benefit_package_base_year). */
static struct package region_package(const struct engine *e, const struct policy *p)
{
    /* compared with memcmp (table_index): every byte set, padding too */
    struct package pkg;
    memset(&pkg, 0, sizeof pkg);
    pkg.rule.rule = CONTINUE_FROZEN;
    if (p->continuation[CONTINUED_BENEFITS].rule == CONTINUE_FROZEN) return pkg;
    pkg.rule = p->continuation[CONTINUED_BENEFITS];
    pkg.base_year = benefit_package_base_year(p, e->start_year, (int)e->years);
    return pkg;
}

static bool grid_same(const struct benefit_grid *a, const struct benefit_grid *b)
{
    return a->index_min == b->index_min && a->index_max == b->index_max &&
           a->index_ratio == b->index_ratio && a->use_min == b->use_min &&
           a->use_max == b->use_max && a->income_min_yuan == b->income_min_yuan &&
           a->income_max_yuan == b->income_max_yuan && a->admissions_max == b->admissions_max &&
           a->visits_max == b->visits_max && a->max_admissions == b->max_admissions &&
           a->lattice_points == b->lattice_points && a->cap_bins == b->cap_bins;
}

/* The donor's table built from the same rules, claim model, package and grid
 * as table t of `e` (so the same table), or NULL. */
static struct benefit_table *donor_table(const struct engine *e, size_t t,
                                         const struct engine *donor)
{
    for (size_t u = 0; donor && u < donor->n_tables; u++)
        if (benefit_rules_same_table(&donor->table_rules[u], &e->table_rules[t]) &&
            memcmp(&donor->table_models[u], &e->table_models[t], sizeof *e->table_models) == 0 &&
            memcmp(&donor->table_packages[u], &e->table_packages[t], sizeof *e->table_packages) ==
                0 &&
            grid_same(&donor->table_grids[u], &e->table_grids[t]))
            return donor->tables[u];
    return NULL;
}

/* Finds the distinct tables and builds them, in parallel, but for those the
 * donor (NULL: none) has built already. */
static int build_tables(struct engine *e, int threads, const struct engine *donor, struct diag *d)
{
    const struct scenario *s = e->s;
    size_t most = e->regions * e->years;
    e->table_rules = calloc(most, sizeof *e->table_rules);
    e->table_models = calloc(most, sizeof *e->table_models);
    e->table_packages = calloc(most, sizeof *e->table_packages);
    e->ry = calloc(most, sizeof *e->ry);
    if (!e->table_rules || !e->table_models || !e->table_packages || !e->ry) goto oom;
    for (size_t k = 0; k < e->regions; k++) {
        const struct policy *p = &s->regions[k].policy;
        struct benefit_claim_model m;
        benefit_claim_model_init(&m, s, &s->regions[k]);
        struct package pkg = region_package(e, p);
        for (size_t y = 0; y < e->years; y++) {
            int year = e->start_year + (int)y;
            struct benefit_rules r;
            benefit_table_rules(&r, p,
                                pkg.base_year && year > pkg.base_year ? pkg.base_year : year);
            e->ry[k * e->years + y].table = table_index(e, &r, &m, &pkg);
        }
    }
    e->tables = calloc(e->n_tables, sizeof *e->tables);
    struct benefit_grid *grid = e->table_grids = calloc(e->n_tables, sizeof *grid);
    e->borrowed = calloc(e->n_tables, sizeof *e->borrowed);
    if (!e->tables || !grid || !e->borrowed) goto oom;
    /* Each table's use axis spans the use indices of the years it serves (the
     * use index is national and the same on every path). */
    for (size_t t = 0; t < e->n_tables; t++) {
        benefit_grid_default(&grid[t], s);
        grid[t].use_min = INFINITY, grid[t].use_max = 0;
    }
    for (size_t k = 0; k < e->regions; k++)
        for (size_t y = 0; y < e->years; y++) {
            struct benefit_grid *g = &grid[e->ry[k * e->years + y].table];
            double low, high;
            costs_use_bounds(&e->costs, e->start_year + (int)y, &low, &high);
            g->use_min = fmin(g->use_min, low), g->use_max = fmax(g->use_max, high);
        }
    for (size_t t = 0; t < e->n_tables; t++)
        e->borrowed[t] = (e->tables[t] = donor_table(e, t, donor)) != NULL;
    int failed = 0;
    size_t jobs = 0;
    for (size_t t = 0; t < e->n_tables && !failed; t++) {
        if (e->borrowed[t]) continue;
        failed = benefit_table_start(&e->tables[t], &e->table_rules[t], &e->table_models[t],
                                     &grid[t]) != 0;
        if (!failed) jobs += (size_t)benefit_table_nodes(e->tables[t]);
    }
    /* Every price index node of every table is one job: a table with many nodes
     * keeps both threads busy, and each node's bytes do not depend on who built it. */
    size_t *job_table = failed ? NULL : malloc((jobs ? jobs : 1) * sizeof *job_table);
    int *job_node = failed ? NULL : malloc((jobs ? jobs : 1) * sizeof *job_node);
    if (!failed && (!job_table || !job_node)) failed = 1;
    for (size_t t = 0, j = 0; !failed && t < e->n_tables; t++)
        for (int i = 0; !e->borrowed[t] && i < benefit_table_nodes(e->tables[t]); i++, j++)
            job_table[j] = t, job_node[j] = i;
    if (!failed) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(| : failed)
        for (size_t j = 0; j < jobs; j++)
            failed |= benefit_table_build_node(e->tables[job_table[j]], job_node[j]) != 0;
    }
    free(job_table);
    free(job_node);
    bool *in_use = calloc(e->n_tables, sizeof *in_use);
    if (!in_use) goto oom;
    for (size_t y = 0; y < e->years; y++) {
        memset(in_use, 0, e->n_tables * sizeof *in_use);
        size_t n = 0;
        for (size_t k = 0; k < e->regions; k++) {
            int t = e->ry[k * e->years + y].table;
            n += !in_use[t], in_use[t] = true;
        }
        if (n > e->most_in_use) e->most_in_use = n;
    }
    free(in_use);
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
    return engine_create_like(s, threads, NULL, d);
}

struct engine *engine_create_like(const struct scenario *s, int threads, const struct engine *donor,
                                  struct diag *d)
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
    economy_model_init(&e->economy, s);
    costs_model_init(&e->costs, s);
    parameters_init(&e->parameters, s);
    if (utilization_model_init(&e->utilization, s) != 0) {
        diag_fail(d, "out of memory");
        goto fail;
    }
    for (size_t k = 0; k < e->regions; k++)
        if (population_model_init(&e->population[k], s, k, &e->demography, d) != 0 ||
            enrollment_model_init(&e->enrollment[k], s, k, d) != 0 ||
            disease_model_init(&e->disease[k], s, k, d) != 0)
            goto fail;
    for (size_t c = 0; c < s->disease.n && c < LIMIT_CONDITIONS; c++)
        e->condition_multiplier[c] = s->disease.conditions[c].inpatient_multiplier;
    claims_bands_init(&e->bands, s);
    if (pools_init(&e->pools, s) != 0) {
        diag_fail(d, "out of memory");
        goto fail;
    }
    if (build_tables(e, threads, donor, d) != 0) goto fail;
    return e;
fail:
    engine_free(e);
    return NULL;
}

void engine_free(struct engine *e)
{
    if (!e) return;
    for (size_t t = 0; e->tables && t < e->n_tables; t++)
        if (!e->borrowed || !e->borrowed[t]) benefit_table_free(e->tables[t]);
    free(e->borrowed);
    free(e->table_grids);
    free(e->tables);
    free(e->table_rules);
    free(e->table_models);
    free(e->table_packages);
    free(e->ry);
    utilization_model_free(&e->utilization);
    free(e->population);
    free(e->enrollment);
    free(e->disease);
    pools_free(&e->pools);
    unheld_free(e->unheld);
    free(e);
}

/* Sets the held groups' spreads to 0 (hold.h): every shock is then sd z
 * or exp(sd z - sd^2 / 2) in its model, so 0 or 1 whatever z; what is not a
 * spread is held where it is used (the income shock that costs share, the
 * technology jumps, the claims noise). */
static void hold_models(struct engine *e)
{
    unsigned h = e->hold;
    if (h & HOLD_BIT(HOLD_DEMOGRAPHY)) {
        e->demography.mortality.volatility = e->demography.mortality.initial_volatility = 0;
        e->demography.fertility.volatility = e->demography.fertility.initial_volatility = 0;
        for (size_t k = 0; k < e->regions; k++)
            e->population[k].migration_volatility = 0;
    }
    if (h & HOLD_BIT(HOLD_ECONOMY)) e->economy.growth_sd = e->economy.interest_innovation_sd = 0;
    if (h & HOLD_BIT(HOLD_COSTS)) {
        e->costs.inflation_sd = e->costs.excess_sd = 0;
        if (e->costs.technology_rate > 0) { /* not again when called again */
            e->costs.technology_held_jump =
                e->costs.technology_rate * e->costs.technology_jump_mean;
            e->costs.technology_rate = 0;
        }
    }
    if (h & HOLD_BIT(HOLD_UTILIZATION)) e->utilization.shock_log_sd = 0;
    for (size_t k = 0; k < e->regions; k++) {
        if (h & HOLD_BIT(HOLD_ENROLLMENT)) e->enrollment[k].participation_volatility = 0;
        for (size_t c = 0; h & HOLD_BIT(HOLD_DISEASE) && c < e->disease[k].n; c++) {
            struct disease_condition *dc = &e->disease[k].c[c];
            dc->log_trend_mean += 0.5 * dc->trend_volatility * dc->trend_volatility;
            dc->trend_volatility = 0;
        }
    }
    if (h & HOLD_BIT(HOLD_PARAMETERS))
        for (int j = 0; j < N_PARAMETERS; j++)
            e->parameters.sd[j] = 0;
}

static void unheld_free(struct held_models *h)
{
    if (!h) return;
    free(h->population);
    free(h->enrollment);
    free(h->disease);
    free(h);
}

/* Copies the models as they are into e->unheld, or back from it (`back`). */
static void unheld_copy(struct engine *e, bool back)
{
    struct held_models *h = e->unheld;
    size_t n = e->regions;
#define COPY(dst, src, size) memcpy(back ? (dst) : (src), back ? (src) : (dst), size)
    COPY(&e->demography, &h->demography, sizeof h->demography);
    COPY(&e->economy, &h->economy, sizeof h->economy);
    COPY(&e->costs, &h->costs, sizeof h->costs);
    COPY(&e->parameters, &h->parameters, sizeof h->parameters);
    COPY(&e->utilization, &h->utilization, sizeof h->utilization);
    COPY(e->population, h->population, n * sizeof *h->population);
    COPY(e->enrollment, h->enrollment, n * sizeof *h->enrollment);
    COPY(e->disease, h->disease, n * sizeof *h->disease);
#undef COPY
}

int engine_hold(struct engine *e, unsigned groups, struct diag *d)
{
    if (!e->unheld) {
        struct held_models *h = calloc(1, sizeof *h);
        if (h) {
            h->population = calloc(e->regions, sizeof *h->population);
            h->enrollment = calloc(e->regions, sizeof *h->enrollment);
            h->disease = calloc(e->regions, sizeof *h->disease);
        }
        if (!h || !h->population || !h->enrollment || !h->disease) {
            unheld_free(h);
            diag_fail(d, "out of memory");
            return -1;
        }
        e->unheld = h;
        unheld_copy(e, false);
    } else {
        unheld_copy(e, true);
    }
    e->hold = groups & HOLD_ALL;
    hold_models(e);
    return 0;
}

int engine_refresh_levels(struct engine *e, struct diag *d)
{
    for (size_t k = 0; k < e->regions; k++)
        if (enrollment_model_init(&e->enrollment[k], e->s, k, d) != 0) return -1;
    utilization_set_use_scales(&e->utilization, e->s);
    if (e->unheld) {
        /* the levels read again are the unheld models' (hold changes no level) */
        unsigned h = e->hold;
        unheld_copy(e, false);
        e->hold = HOLD_NONE;
        for (size_t k = 0; k < e->regions; k++)
            if (enrollment_model_init(&e->unheld->enrollment[k], e->s, k, d) != 0) return -1;
        utilization_set_use_scales(&e->unheld->utilization, e->s);
        if (engine_hold(e, h, d) != 0) return -1;
    }
    return 0;
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
    w->scale = calloc(e->n_tables, sizeof *w->scale);
    w->income = calloc(e->years + 1, sizeof *w->income);
    w->price = calloc(e->years + 1, sizeof *w->price);
    w->balance = calloc(e->regions, sizeof *w->balance);
    w->shortfall = calloc(e->regions, sizeof *w->shortfall);
    w->pv_income = calloc(e->regions, sizeof *w->pv_income);
    w->pv_expenditure = calloc(e->regions, sizeof *w->pv_expenditure);
    w->pv_opening = calloc(e->regions, sizeof *w->pv_opening);
    w->records = calloc(e->regions, sizeof *w->records);
    w->fund = calloc(e->regions, sizeof *w->fund);
    w->moved = calloc(e->regions, sizeof *w->moved);
    w->opening = calloc(e->regions, sizeof *w->opening);
    w->fund_benefits = calloc(e->regions, sizeof *w->fund_benefits);
    w->nodes = calloc(e->most_in_use + 1, sizeof *w->nodes);
    w->table_nodes = calloc(e->n_tables, sizeof *w->table_nodes);
    w->region_use = calloc(e->regions, sizeof *w->region_use);
    w->table_use = calloc(e->regions, sizeof *w->table_use);
    int ok = w->r && w->population && w->enrollment && w->disease && w->year_views && w->in_use &&
             w->scale && w->income && w->price && w->balance && w->shortfall && w->pv_income &&
             w->pv_expenditure && w->pv_opening && w->records && w->fund && w->moved &&
             w->opening && w->fund_benefits && w->nodes && w->table_nodes && w->region_use &&
             w->table_use && utilization_year_init(&w->use, &e->utilization) == 0;
    for (size_t i = 0; ok && i < e->most_in_use; i++)
        ok =
            (w->nodes[i] = claims_nodes_alloc(&e->bands, e->s->disease.n, &e->utilization)) != NULL;
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
    free(w->scale);
    free(w->income);
    free(w->price);
    free(w->balance);
    free(w->shortfall);
    free(w->pv_income);
    free(w->pv_expenditure);
    free(w->pv_opening);
    free(w->records);
    free(w->fund);
    free(w->moved);
    free(w->opening);
    free(w->fund_benefits);
    for (size_t i = 0; w->nodes && w->nodes[i]; i++)
        claims_nodes_free(w->nodes[i]);
    free(w->nodes);
    free(w->table_nodes);
    free(w->region_use);
    free(w->table_use);
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

/* Each cell's deaths over its residents at the start of the year, 0 where no
 * one lives. */
/* Also compiled for AVX2 (models/clones.h): 4 cells at a time instead of 2, the
 * same division, the same bits. */
AVX2_CLONES static void death_rates(const struct by_age *restrict residents,
                                    const struct by_age *restrict deaths,
                                    struct by_age *restrict rate)
{
    /* the division made in every cell (by 1 where no one lives), in loops of
     * their own: in one, the compiler would branch around it and not
     * vectorize */
    struct by_age divisor;
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int a = 0; a < N_AGES; a++)
            divisor.at[sex][a] = residents->at[sex][a] > 0 ? residents->at[sex][a] : 1;
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int a = 0; a < N_AGES; a++)
            rate->at[sex][a] = deaths->at[sex][a] / divisor.at[sex][a];
    for (int sex = 0; sex < N_SEXES; sex++)
        for (int a = 0; a < N_AGES; a++)
            rate->at[sex][a] = residents->at[sex][a] > 0 ? rate->at[sex][a] : 0;
}

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
    death_rates(&residents, &flows.deaths, &death_rate);

    struct financing_rules rules;
    financing_rules_init(&rules, region, year, &w->x);
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
    utilization_step(&e->utilization, k, year, &n->costs, &w->disease_out.inpatient_multiplier,
                     births, r, &w->use);
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
        .noise = e->hold & HOLD_BIT(HOLD_UTILIZATION) ? 0 : e->s->utilization.claims_noise,
        .scale = w->scale[ry->table],
    };
    const struct policy *p = &region->policy;
    const struct continuation *maternity = &p->continuation[CONTINUED_MATERNITY];
    benefit_maternity(timeline_at(&p->maternity_natural_yuan, maternity, year, &w->x),
                      timeline_at(&p->maternity_caesarean_yuan, maternity, year, &w->x),
                      e->s->utilization.caesarean_share, &in.maternity_mean_yuan,
                      &in.maternity_var_yuan);
    struct claims_year claims;
    seek(e, r, path, key, year, DRIVER_CLAIMS);
    claims_region_year(&e->bands, w->year_views[ry->table], w->table_nodes[ry->table], &in, r,
                       &claims);
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
    v[VAR_OTHER_INCOME] = income.other_yuan;
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
    v[VAR_DEFICIT_INTEREST] = accounting_deficit_interest(&e->s->pooling, w->balance[k]);
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

/* Merged pools, at the start of a year: each region's fund, and the balance of
 * a region that has joined another's fund moved there (w->opening keeps the
 * balances before, which the records' identities start from). */
static void pool_balances(const struct engine *e, struct engine_work *w, int year)
{
    for (size_t k = 0; k < e->regions; k++) {
        w->fund[k] = pools_fund(&e->pools, k, year);
        w->opening[k] = w->balance[k];
        w->moved[k] = 0;
    }
    for (size_t k = 0; k < e->regions; k++)
        if (w->fund[k] != k && w->balance[k] != 0) {
            w->moved[k] = w->balance[k];
            w->balance[w->fund[k]] += w->moved[k];
            w->balance[k] = 0;
        }
}

/* Merged pools, at the end of a year: every region of a fund shows the fund's
 * months of payment, its balance over the benefits of all its regions. */
static void pool_months(const struct engine *e, struct engine_work *w)
{
    for (size_t k = 0; k < e->regions; k++)
        w->fund_benefits[k] = 0;
    for (size_t k = 0; k < e->regions; k++)
        w->fund_benefits[w->fund[k]] += accounting_own_expenditure(w->records[k]);
    for (size_t k = 0; k < e->regions; k++) {
        size_t f = w->fund[k];
        w->records[k][VAR_MONTHS] = record_months(w->records[f][VAR_BALANCE], w->fund_benefits[f]);
    }
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
    double income_shock = e->hold & HOLD_BIT(HOLD_ECONOMY) ? 0 : n->economy.income_shock;
    costs_step(&e->costs, &w->costs, year, income_shock, r, &n->costs);
}

/* The lowest and highest visit rate per person-year that a band's lookups ask
 * for at a factor of 1 on the rates (claims.c: a band's rate at its first age,
 * half the age-0 rate for the year's newborns). */
static void visit_rates(const struct engine *e, double *lo, double *hi)
{
    *lo = INFINITY, *hi = 0;
    for (int sex = 0; sex < N_SEXES; sex++) {
        const double *rate = e->utilization.outpatient.rate[sex];
        *lo = fmin(*lo, 0.5 * rate[0]), *hi = fmax(*hi, 0.5 * rate[0]);
        for (size_t b = 0; b < e->bands.n; b++)
            *lo = fmin(*lo, rate[e->bands.first[b]]), *hi = fmax(*hi, rate[e->bands.first[b]]);
    }
}

/* The lookups each table's regions share this year (claims.h): every region's
 * factor on its rates, from the draw its utilization step will make again; the
 * visit rates they will ask each table's year view for (benefit_year_expect). */
static void share_lookups(const struct engine *e, struct engine_work *w, uint64_t path, int year,
                          size_t y, const struct national_year *n)
{
    double shock, rate_lo, rate_hi;
    visit_rates(e, &rate_lo, &rate_hi);
    for (size_t k = 0; k < e->regions; k++) {
        seek(e, w->r, path, (uint32_t)k, year, DRIVER_UTILIZATION);
        w->region_use[k] =
            utilization_use(&e->utilization, k, year, n->costs.use_index, w->r, &shock);
    }
    size_t slot = 0;
    for (size_t t = 0; t < e->n_tables; t++) {
        w->table_nodes[t] = NULL;
        if (!w->in_use[t]) continue;
        size_t m = 0;
        double use_lo = INFINITY, use_hi = 0;
        for (size_t k = 0; k < e->regions; k++)
            if (e->ry[k * e->years + y].table == (int)t) {
                w->table_use[m++] = w->region_use[k];
                use_lo = fmin(use_lo, w->region_use[k]), use_hi = fmax(use_hi, w->region_use[k]);
            }
        benefit_year_expect(w->year_views[t], rate_lo * use_lo, rate_hi * use_hi);
        assert(slot < e->most_in_use);
        w->table_nodes[t] = w->nodes[slot++];
        claims_nodes_year(w->table_nodes[t], w->year_views[t], w->table_use, m);
    }
}

void engine_path(const struct engine *e, struct engine_work *w, uint64_t path,
                 struct record_block *b, size_t row)
{
    const struct scenario *s = e->s;
    w->mark_s = timing_now_s();
    demography_state_init(&w->demography);
    /* The path's long-run levels, once, shared by its regions (parameters.h). */
    seek(e, w->r, path, STREAM_ALL_REGIONS, PARAMETERS_YEAR, DRIVER_PARAMETERS);
    parameters_draw(&e->parameters, w->r, &w->parameters);
    economy_state_init(&e->economy, &w->economy, &w->parameters);
    costs_state_init(&e->costs, &w->costs, &w->parameters);
    double opening = 0;
    for (size_t k = 0; k < e->regions; k++) {
        population_state_init(&w->population[k], &e->population[k]);
        enrollment_state_init(&w->enrollment[k], &e->enrollment[k], &w->parameters);
        disease_state_init(&w->disease[k], &e->disease[k], &w->parameters);
        w->balance[k] = accounting_round(s->regions[k].opening_balance_yuan);
        w->shortfall[k] = 0;
        w->pv_income[k] = w->pv_expenditure[k] = 0;
        w->pv_opening[k] = s->regions[k].opening_balance_yuan;
        opening += w->balance[k];
    }
    w->income[0] = s->economy.income_yuan;
    w->x = (struct timeline_path){
        .start_year = e->start_year, .years = 0, .income = w->income, .price = w->price};
    w->discount = 1;
    double adjustment_yuan = 0;

    for (size_t y = 0; y < e->years; y++) {
        int year = e->start_year + (int)y;
        if (year == s->calibration.history_end_year + 1 && y > 0) {
            /* The projection of a calibrated run: the actuarial balance's window
             * restarts at L + 1, from the balance at the end of the history. */
            w->discount = 1;
            opening = 0;
            for (size_t k = 0; k < e->regions; k++) {
                w->pv_income[k] = w->pv_expenditure[k] = 0;
                opening += w->pv_opening[k] = w->balance[k];
            }
        }
        struct national_year n;
        national_year(e, w, path, year, &n);
        w->income[y + 1] = n.economy.income_yuan;
        w->price[y] = n.costs.price_index;
        w->x.years = y + 1;
        lap(w, &w->times.drivers_s);

        /* The year views of the tables in use: once per year, shared by regions
         * (the indices are national). A condition patient's treatment grows with
         * use and price; the use in admissions and visits is in the rates. After
         * its last dated year a benefit package scaled by k is the same package at
         * costs and incomes divided by k, its payments multiplied by k (timeline.h). */
        memset(w->in_use, 0, e->n_tables * sizeof *w->in_use);
        for (size_t k = 0; k < e->regions; k++)
            w->in_use[e->ry[k * e->years + y].table] = true;
        for (size_t t = 0; t < e->n_tables; t++)
            if (w->in_use[t]) {
                const struct package *pkg = &e->table_packages[t];
                double k = w->scale[t] = timeline_scale(&pkg->rule, pkg->base_year, year, &w->x);
                benefit_year_prepare(w->year_views[t], n.costs.price_index / k, n.costs.use_index,
                                     n.economy.income_prev_yuan / k);
            }
        share_lookups(e, w, path, year, y, &n);
        lap(w, &w->times.rules_s);

        if (e->pools.any) pool_balances(e, w, year);
        for (size_t k = 0; k < e->regions; k++) {
            w->records[k] = record_at(b, row, y, k);
            project_region_year(e, w, path, k, year, &n, &e->ry[k * e->years + y], w->records[k]);
        }
        accounting_adjust(&s->pooling, e->regions, w->records, &adjustment_yuan);
        if (e->pools.any) accounting_pool(e->regions, w->records, w->fund, w->moved);
        w->discount /= 1 + n.economy.interest_rate;
        struct accounting_balance province = {.opening_yuan = opening};
        double enrollees = 0, financing = 0, benefits = 0;
        for (size_t k = 0; k < e->regions; k++) {
            double *v = w->records[k];
            accounting_close(&s->pooling, v, e->pools.any ? w->opening[k] : w->balance[k],
                             &w->shortfall[k]);
            w->balance[k] = v[VAR_BALANCE];
            struct accounting_balance own = {.opening_yuan = w->pv_opening[k]};
            accounting_discount(v, w->discount, s->warning.low_months, &own);
            if (e->pools.any) {
                /* merged pools: a region's own financing against its own
                 * benefits, without the transfers between pools */
                own.income_yuan = w->discount * accounting_financing(v);
                own.expenditure_yuan = w->discount * accounting_own_expenditure(v);
            }
            w->pv_income[k] += own.income_yuan;
            w->pv_expenditure[k] += own.expenditure_yuan;
            own.income_yuan = w->pv_income[k], own.expenditure_yuan = w->pv_expenditure[k];
            v[VAR_ACTUARIAL_BALANCE] = accounting_actuarial_balance(&own);
            province.income_yuan += own.income_yuan;
            province.expenditure_yuan += own.expenditure_yuan;
            province.target_yuan += own.target_yuan;
            enrollees += v[VAR_ENROLLEES];
            financing += accounting_financing(v);
            benefits += accounting_own_expenditure(v);
        }
        if (e->pools.any) pool_months(e, w);

        double *nv = record_national(b, row, y);
        nv[NVAR_INCOME_PER_CAPITA] = n.economy.income_yuan;
        nv[NVAR_COST_INDEX] = n.costs.cost_index;
        nv[NVAR_PRICE_INDEX] = n.costs.price_index;
        nv[NVAR_INTEREST_RATE] = n.economy.interest_rate;
        nv[NVAR_ADJUSTMENT_BALANCE] = adjustment_yuan;
        nv[NVAR_ACTUARIAL_BALANCE] = accounting_actuarial_balance(&province);
        nv[NVAR_INCOME_PER_ENROLLEE] = enrollees > 0 ? financing / enrollees : 0;
        nv[NVAR_EXPENDITURE_PER_ENROLLEE] = enrollees > 0 ? benefits / enrollees : 0;
        lap(w, &w->times.accounting_s);
    }
}
