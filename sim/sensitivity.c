/* sensitivity.c: `fundsim sensitivity` (sensitivity.h): the table of
 * assumptions and their spreads, the paired runs, and the variance shares.
 *
 * The table is the one place the assumptions and their default spreads are
 * stated. Where the scenario gives the assumption's parameter risk (an
 * `..._uncertainty` sd, models/parameters.h), the low and high values are its
 * 10 % and 90 % points, central ∓ 1.2816 sd; otherwise, or when that sd is 0,
 * central ∓ the row's spread (assumed, with its reason). --spread multiplies
 * every half-width; a value beyond the setting's range is cut to it. */
#include "sim/sensitivity.h"

#include "models/hold.h"
#include "sim/config/diag.h"
#include "sim/run.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_SD ((size_t)-1)
#define Z90 1.2815515655446004 /* the standard normal's 90 % point */

struct assumption {
    const char *name, *key;
    size_t central, sd; /* offsets in struct scenario; sd NO_SD: none */
    double spread;      /* the half-width without an sd */
    double min, max;    /* the setting's range (sim/config/schema.c) */
    const char *why;    /* the spread's reason */
};

#define AT(field) offsetof(struct scenario, field)

static const struct assumption table[] = {
    {"excess_growth", "costs.excess_growth", AT(costs.excess_initial),
     AT(costs.excess_growth_uncertainty), 0.01, -0.5, 1,
     "sd costs.excess_growth_uncertainty; else 1 point a year (assumed)"},
    {"utilization_trend", "costs.utilization_trend", AT(costs.utilization_trend),
     AT(costs.utilization_trend_uncertainty), 0.005, -0.5, 1,
     "sd costs.utilization_trend_uncertainty; else 0.5 point a year (assumed)"},
    {"inflation", "costs.inflation", AT(costs.inflation_mean), NO_SD, 0.01, -0.5, 1,
     "1 point a year (assumed: the spread of medical price inflation across recent years)"},
    {"income_growth", "economy.income_growth", AT(economy.income_growth_mean),
     AT(economy.income_growth_uncertainty), 0.01, -0.5, 1,
     "sd economy.income_growth_uncertainty; else 1 point a year (assumed)"},
    {"interest_rate", "economy.interest_rate", AT(economy.interest_mean), NO_SD, 0.005, -0.1, 0.5,
     "0.5 point (assumed: a move of the fund's deposit rates)"},
    {"participation", "enrollment.participation", AT(enrollment.participation), NO_SD, 0.02, 0, 1,
     "2 points of the share enrolled (assumed)"},
    {"elasticity", "enrollment.elasticity", AT(enrollment.elasticity), NO_SD, 0.1, -5, 0,
     "0.1 (assumed: half the default -0.2)"},
    {"employee_shift", "enrollment.employee_shift", AT(enrollment.employee_shift),
     AT(enrollment.employee_shift_uncertainty), 0.002, -0.1, 0.1,
     "sd enrollment.employee_shift_uncertainty; else 0.2 point a year (assumed)"},
};
#define N_TABLE (sizeof table / sizeof table[0])
/* Each condition's incidence trend, disease.conditions.NAME.trend: spread by
 * disease.trend_uncertainty, else 0.5 point a year (assumed). */
#define TREND_SPREAD 0.005

size_t sens_assumptions(void)
{
    return N_TABLE;
}
const char *sens_assumption_name(size_t j)
{
    return table[j].name;
}
const char *sens_assumption_key(size_t j)
{
    return table[j].key;
}
const char *sens_assumption_spread(size_t j)
{
    return table[j].why;
}

static double field(const struct scenario *s, size_t offset)
{
    double v;
    memcpy(&v, (const char *)s + offset, sizeof v);
    return v;
}

/* ---- the paths' figures ---- */

/* What each path gives, [paths] each. */
struct per_path {
    double *depleted; /* 1 when depleted in some year up to the year, else 0 */
    double *first;    /* first depletion year, INFINITY: none within the horizon */
    double *actuarial;
    double *balance; /* the province's balance at the end of the year, yuan */
};

struct ctx {
    const struct sens_options *o;
    size_t paths, years, first_y, year_y; /* first_y: the projection's first year index */
    int start_year;
    struct per_path base, run;
    const struct run_arm *base_arm; /* lends its benefit tables to the sides' arms */
};

static int per_path_alloc(struct per_path *p, size_t n)
{
    p->depleted = calloc(n, sizeof *p->depleted);
    p->first = calloc(n, sizeof *p->first);
    p->actuarial = calloc(n, sizeof *p->actuarial);
    p->balance = calloc(n, sizeof *p->balance);
    return p->depleted && p->first && p->actuarial && p->balance ? 0 : -1;
}

static void per_path_free(struct per_path *p)
{
    free(p->depleted), free(p->first), free(p->actuarial), free(p->balance);
}

/* Path j of block b into row `row` of `out`. */
static void figures_of_path(const struct ctx *c, const struct record_block *b, size_t j,
                            struct per_path *out, size_t row)
{
    double first = INFINITY;
    for (size_t y = c->first_y; y < c->years && isinf(first); y++) {
        double x = 0;
        for (size_t g = 0; g < b->regions; g++) {
            const double *v = record_at(b, j, y, g);
            x += v[VAR_BALANCE] - v[VAR_BACKSTOP];
        }
        if (x < 0) first = c->start_year + (double)y;
    }
    double balance = 0;
    for (size_t g = 0; g < b->regions; g++)
        balance += record_at(b, j, c->year_y, g)[VAR_BALANCE];
    out->first[row] = first;
    out->depleted[row] = first <= c->start_year + (double)c->year_y;
    out->actuarial[row] = record_national(b, j, c->years - 1)[NVAR_ACTUARIAL_BALANCE];
    out->balance[row] = balance;
}

/* Every path of the arm into `out`, a batch of blocks at a time. */
static void run_paths(const struct ctx *c, struct run_arm *a, struct per_path *out)
{
    for (size_t first = 0; first < c->paths; first += RUN_BATCH_PATHS) {
        struct record_span spans[RUN_BATCH_BLOCKS];
        size_t n = 0;
        for (size_t p = first; p < c->paths && n < RUN_BATCH_BLOCKS; p += RECORD_BLOCK_PATHS) {
            size_t left = c->paths - p;
            spans[n++] =
                (struct record_span){p, left < RECORD_BLOCK_PATHS ? left : RECORD_BLOCK_PATHS};
        }
        run_arm_batch(a, spans, n);
        for (size_t k = 0; k < n; k++) {
            const struct record_block *b = run_arm_batch_block(a, k);
            for (size_t j = 0; j < spans[k].n; j++)
                figures_of_path(c, b, j, out, spans[k].first + j);
        }
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The first year by which at least half the paths are depleted; 0: none. */
static double median_year(const double *first, size_t n, double *scratch)
{
    memcpy(scratch, first, n * sizeof *first);
    qsort(scratch, n, sizeof *scratch, compare_doubles);
    double m = scratch[(n - 1) / 2]; /* the 50 % point: ceil(n / 2) paths at or before it */
    return isinf(m) ? 0 : m;
}

static double mean(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

static double variance_of(const double *x, size_t n)
{
    if (n < 2) return 0;
    double m = mean(x, n), s = 0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return s / (double)(n - 1);
}

/* The paired difference a - b: mean ± 1.96 sd / sqrt(n). */
static struct sens_effect paired(const double *a, const double *b, size_t n)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] - b[i];
    double m = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (a[i] - b[i] - m) * (a[i] - b[i] - m);
    double se = n > 1 ? sqrt(ss / (double)(n - 1) / (double)n) : 0;
    return (struct sens_effect){m, m - 1.96 * se, m + 1.96 * se};
}

static void figures(const struct per_path *p, size_t n, double *scratch, struct sens_figures *f)
{
    f->p_depleted = mean(p->depleted, n);
    f->median_year = median_year(p->first, n, scratch);
    f->actuarial_balance = mean(p->actuarial, n);
}

/* ---- the runs ---- */

/* The value as libconfig reads a float ("0" is an integer there). */
static void float_text(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.17g", v);
    if (!strpbrk(buf, ".eEni")) strncat(buf, ".0", size - strlen(buf) - 1);
}

/* One side: the scenario with `key` = value, run and compared with the base. */
static int run_side(struct ctx *c, const char *key, double value, struct sens_side *side,
                    double *scratch, struct diag *d)
{
    const struct sens_options *o = c->o;
    struct setting_override *sets = calloc(o->n_sets + 1, sizeof *sets);
    if (!sets) {
        diag_fail(d, "out of memory");
        return -1;
    }
    memcpy(sets, o->sets, o->n_sets * sizeof *sets);
    char text[64];
    float_text(text, sizeof text, value);
    sets[o->n_sets] = (struct setting_override){.key = key, .value = text, .origin = key};
    struct scenario s;
    memset(&s, 0, sizeof s);
    int status = -1;
    struct run_arm *a = NULL;
    if (scenario_load(o->path, sets, o->n_sets + 1, &s, d) != 0) goto done;
    if (!(a = run_arm_create_like(&s, o->threads, c->base_arm, d))) goto done;
    run_paths(c, a, &c->run);
    side->value = value;
    figures(&c->run, c->paths, scratch, &side->abs);
    side->p_depleted = paired(c->run.depleted, c->base.depleted, c->paths);
    side->actuarial_balance = paired(c->run.actuarial, c->base.actuarial, c->paths);
    double base_year = median_year(c->base.first, c->paths, scratch);
    side->median_year_delta =
        side->abs.median_year && base_year ? side->abs.median_year - base_year : NAN;
    say_text(&o->say, SAY_NOTE, term(TERM_msg_sens_side, o->lang), key, text,
             side->p_depleted.delta, side->p_depleted.low, side->p_depleted.high,
             side->actuarial_balance.delta, side->actuarial_balance.low,
             side->actuarial_balance.high);
    status = 0;
done:
    run_arm_free(a);
    scenario_free(&s);
    free(sets);
    return status;
}

static int run_row(struct ctx *c, struct sens_row *w, double low, double high, double *scratch,
                   struct diag *d)
{
    say_text(&c->o->say, SAY_NOTE, term(TERM_msg_sens_row, c->o->lang), w->name, w->key, low, high);
    return run_side(c, w->key, low, &w->low, scratch, d) != 0 ||
                   run_side(c, w->key, high, &w->high, scratch, d) != 0
               ? -1
               : 0;
}

static double swing(const struct sens_row *w)
{
    return fabs(w->high.actuarial_balance.delta - w->low.actuarial_balance.delta);
}

static int by_swing(const void *a, const void *b)
{
    double x = swing(a), y = swing(b);
    if (x != y) return (x < y) - (x > y);
    return strcmp(((const struct sens_row *)a)->name, ((const struct sens_row *)b)->name);
}

/* The variance shares, on the base's arm: each group held in turn. */
static int variance_shares(struct ctx *c, struct run_arm *a, struct sens_result *r, struct diag *d)
{
    struct sens_variance *vb = &r->variance[0], *va = &r->variance[1];
    snprintf(vb->name, sizeof vb->name, "balance_%d", c->o->year);
    snprintf(va->name, sizeof va->name, "actuarial_balance");
    vb->total = variance_of(c->base.balance, c->paths);
    va->total = variance_of(c->base.actuarial, c->paths);
    for (int g = 0; g < N_HOLD_GROUPS; g++) {
        say_text(&c->o->say, SAY_NOTE, term(TERM_msg_variance_held, c->o->lang), hold_names[g]);
        if (run_arm_hold(a, HOLD_BIT(g), d) != 0) return -1;
        run_paths(c, a, &c->run);
        vb->held[g] = variance_of(c->run.balance, c->paths);
        va->held[g] = variance_of(c->run.actuarial, c->paths);
        vb->share[g] = vb->total > 0 ? 1 - vb->held[g] / vb->total : 0;
        va->share[g] = va->total > 0 ? 1 - va->held[g] / va->total : 0;
        say_text(&c->o->say, SAY_NOTE, term(TERM_msg_variance_shares, c->o->lang), hold_names[g],
                 vb->share[g], vb->name, va->share[g], va->name);
    }
    r->has_variance = 1;
    return run_arm_hold(a, HOLD_NONE, d);
}

/* The rows to run: the table's, then each condition's trend. */
static size_t plan_rows(const struct scenario *s, const struct sens_options *o, struct sens_row *w,
                        double *low, double *high)
{
    size_t n = 0;
    for (size_t j = 0; j < N_TABLE; j++) {
        const struct assumption *t = &table[j];
        if (o->only && strcmp(o->only, t->name) != 0) continue;
        memset(&w[n], 0, sizeof w[n]);
        snprintf(w[n].name, sizeof w[n].name, "%s", t->name);
        snprintf(w[n].key, sizeof w[n].key, "%s", t->key);
        w[n].central = field(s, t->central);
        w[n].sd = t->sd == NO_SD ? 0 : field(s, t->sd);
        double half = o->spread * (w[n].sd > 0 ? Z90 * w[n].sd : t->spread);
        low[n] = fmax(t->min, w[n].central - half), high[n] = fmin(t->max, w[n].central + half);
        n++;
    }
    for (size_t k = 0; k < s->disease.n; k++) {
        const struct condition_params *cp = &s->disease.conditions[k];
        char name[SENS_NAME_MAX];
        snprintf(name, sizeof name, "trend_%s", cp->name);
        if (o->only && strcmp(o->only, name) != 0) continue;
        memset(&w[n], 0, sizeof w[n]);
        snprintf(w[n].name, sizeof w[n].name, "%s", name);
        snprintf(w[n].key, sizeof w[n].key, "disease.conditions.%s.trend", cp->name);
        w[n].central = cp->trend;
        w[n].sd = s->disease.trend_uncertainty;
        double half = o->spread * (w[n].sd > 0 ? Z90 * w[n].sd : TREND_SPREAD);
        low[n] = fmax(-0.5, w[n].central - half), high[n] = fmin(0.5, w[n].central + half);
        n++;
    }
    for (size_t k = 0; k < o->n_extra; k++) {
        const struct sens_extra *x = &o->extra[k];
        if (o->only && strcmp(o->only, x->key) != 0) continue;
        memset(&w[n], 0, sizeof w[n]);
        snprintf(w[n].name, sizeof w[n].name, "%s", x->key);
        snprintf(w[n].key, sizeof w[n].key, "%s", x->key);
        w[n].central = NAN; /* not read: any setting */
        low[n] = x->low, high[n] = x->high;
        n++;
    }
    return n;
}

int sens_run(const struct scenario *s, const struct sens_options *o, struct sens_result *r,
             struct diag *d)
{
    memset(r, 0, sizeof *r);
    struct ctx c = {.o = o,
                    .paths = (size_t)s->simulation.paths,
                    .years = (size_t)s->simulation.years,
                    .start_year = s->simulation.start_year};
    int hist = s->calibration.history_end_year;
    c.first_y = hist >= c.start_year ? (size_t)(hist - c.start_year) + 1 : 0;
    if (o->year < c.start_year || o->year >= c.start_year + (int)c.years) {
        diag_refuse(d, "--year %d is not within the scenario's years %d-%d", o->year, c.start_year,
                    c.start_year + (int)c.years - 1);
        return -1;
    }
    c.year_y = (size_t)(o->year - c.start_year);
    size_t most = N_TABLE + s->disease.n + o->n_extra;
    r->rows = calloc(most, sizeof *r->rows);
    double *low = calloc(most, sizeof *low), *high = calloc(most, sizeof *high),
           *scratch = calloc(c.paths, sizeof *scratch);
    struct run_arm *a = NULL;
    int status = -1;
    if (!r->rows || !low || !high || !scratch || per_path_alloc(&c.base, c.paths) != 0 ||
        per_path_alloc(&c.run, c.paths) != 0) {
        diag_fail(d, "out of memory");
        goto done;
    }
    r->n_rows = plan_rows(s, o, r->rows, low, high);
    if (o->only && r->n_rows == 0) {
        diag_refuse(d, "no assumption named %s", o->only);
        goto done;
    }
    r->scenario = s->name;
    r->paths = c.paths;
    r->seed = (uint64_t)s->simulation.seed;
    r->year = o->year;
    r->spread = o->spread;
    say_text(&o->say, SAY_NOTE, term(TERM_msg_sens_base, o->lang), s->name);
    if (!(a = run_arm_create(s, o->threads, d))) goto done;
    c.base_arm = a;
    run_paths(&c, a, &c.base);
    figures(&c.base, c.paths, scratch, &r->base);
    for (size_t j = 0; j < r->n_rows; j++)
        if (run_row(&c, &r->rows[j], low[j], high[j], scratch, d) != 0) goto done;
    qsort(r->rows, r->n_rows, sizeof *r->rows, by_swing);
    if (o->variance && variance_shares(&c, a, r, d) != 0) goto done;
    status = 0;
done:
    run_arm_free(a);
    per_path_free(&c.base);
    per_path_free(&c.run);
    free(low), free(high), free(scratch);
    if (status != 0) sens_result_free(r);
    return status;
}

void sens_result_free(struct sens_result *r)
{
    free(r->rows);
    r->rows = NULL;
    r->n_rows = 0;
}

int sens_best_estimate(const struct scenario *s, int threads, struct record_block *b,
                       struct diag *d)
{
    memset(b, 0, sizeof *b);
    struct scenario one = *s; /* shallow: one path, the same scenario */
    one.simulation.paths = 1;
    struct run_arm *a = run_arm_create(&one, threads, d);
    if (!a || run_arm_hold(a, HOLD_ALL, d) != 0) {
        run_arm_free(a);
        return -1;
    }
    const struct record_block *src = run_arm_block(a, 0, 1);
    int status = record_block_alloc(b, 1, src->years, src->regions);
    if (status == 0) {
        memcpy(b->v, src->v, src->years * src->regions * N_VARS * sizeof *b->v);
        memcpy(b->national, src->national, src->years * N_NVARS * sizeof *b->national);
        b->first_path = 0, b->n_paths = 1;
    } else {
        diag_fail(d, "out of memory");
    }
    run_arm_free(a);
    return status;
}
