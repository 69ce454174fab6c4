/* sensitivity.c: `fundsim sensitivity` (sensitivity.h): the table of
 * assumptions and their spreads, the paired runs, and the variance shares.
 *
 * The table is the one place the assumptions and their default spreads are
 * stated. Where the scenario gives the assumption's parameter risk (an
 * `..._uncertainty` sd, models/parameters.h), the low and high values are its
 * 10 % and 90 % points, central ∓ 1.2816 sd; otherwise, or when that sd is 0,
 * central ∓ the row's spread (assumed, with its reason). --spread multiplies
 * every half-width; a value beyond the setting's range is cut to it. The
 * financing continuation rule is the one row that is not a number: its low
 * and high are the alternative rules (financing_rule below).
 *
 * The runs are numbered for the checkpoint (output/sens_ckpt.h): 0 the base,
 * 1 + 2j and 2 + 2j the low and high side of planned row j (the order before
 * the tornado's sort), then 1 + 2n + g the variance's run with group g held. */
#include "sim/sensitivity.h"

#include "fundsim_config.h"
#include "models/hold.h"
#include "output/sens_ckpt.h"
#include "sim/config/diag.h"
#include "sim/run.h"
#include "sim/team.h"

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
    /* with sd NO_SD, an sd the scenario implies (0: none), else NULL */
    double (*sd_of)(const struct scenario *s);
};

/* Fertility: the sd of the TFR's stationary deviation from the UN median,
 * volatility / sqrt(1 - persistence^2), the figure the calibration fits to
 * the UN's 80 % intervals (models/README.md); 0 without one. */
static double tfr_sd(const struct scenario *s)
{
    const struct demography_params *m = &s->demography;
    return m->tfr_persistence < 1 && m->tfr_volatility > 0
               ? m->tfr_volatility / sqrt(1 - m->tfr_persistence * m->tfr_persistence)
               : 0;
}

#define AT(field) offsetof(struct scenario, field)

static const struct assumption table[] = {
    {"excess_growth", "costs.excess_growth", AT(costs.excess_initial),
     AT(costs.excess_growth_uncertainty), 0.01, -0.5, 1,
     "sd costs.excess_growth_uncertainty; else 1 point a year (assumed)", NULL},
    {"utilization_trend", "costs.utilization_trend", AT(costs.utilization_trend),
     AT(costs.utilization_trend_uncertainty), 0.005, -0.5, 1,
     "sd costs.utilization_trend_uncertainty; else 0.5 point a year (assumed)", NULL},
    {"inflation", "costs.inflation", AT(costs.inflation_mean), NO_SD, 0.01, -0.5, 1,
     "1 point a year (assumed: the spread of medical price inflation across recent years)", NULL},
    {"income_growth", "economy.income_growth", AT(economy.income_growth_mean),
     AT(economy.income_growth_uncertainty), 0.01, -0.5, 1,
     "sd economy.income_growth_uncertainty; else 1 point a year (assumed)", NULL},
    {"interest_rate", "economy.interest_rate", AT(economy.interest_mean), NO_SD, 0.005, -0.1, 0.5,
     "0.5 point (assumed: a move of the fund's deposit rates)", NULL},
    {"participation", "enrollment.participation", AT(enrollment.participation), NO_SD, 0.02, 0, 1,
     "2 points of the share enrolled (assumed)", NULL},
    {"elasticity", "enrollment.elasticity", AT(enrollment.elasticity), NO_SD, 0.1, -5, 0,
     "0.1 (assumed: half the default -0.2)", NULL},
    {"employee_shift", "enrollment.employee_shift", AT(enrollment.employee_shift),
     AT(enrollment.employee_shift_uncertainty), 0.002, -0.1, 0.1,
     "sd enrollment.employee_shift_uncertainty; else 0.2 point a year (assumed)", NULL},
    {"mortality_improvement", "demography.mortality.improvement",
     AT(demography.mortality_improvement), NO_SD, 0.5, 0, 3,
     "x0.5 and x1.5 the UN median improvement (assumed: no parameter risk)", NULL},
    {"fertility", "demography.fertility.shift", AT(demography.tfr_shift), NO_SD, 0.25, -2, 2,
     "the TFR's long-run sd, volatility / sqrt(1 - persistence^2); else 0.25 (assumed)", tfr_sd},
};
#define N_TABLE (sizeof table / sizeof table[0])
/* Each condition's incidence trend, disease.conditions.NAME.trend: spread by
 * disease.trend_uncertainty, else 0.5 point a year (assumed). */
#define TREND_SPREAD 0.005

/* The financing continuation rule: the financing standards' rules
 * (policy.continuation) all set together; low "frozen" (no notice raises
 * them after their last dated value: the nominal amounts kept), high "income"
 * (001's dynamic mechanism: they follow per-capita disposable income). A
 * scenario on one of them has that side equal to the base. A region's own
 * policy.continuation beats it. */
static const char *const financing_keys[] = {
    "policy.continuation.contribution.rule", "policy.continuation.subsidy.rule",
    "policy.continuation.national_standard.rule", "policy.continuation.city_fixed.rule"};
#define N_FINANCING_KEYS (sizeof financing_keys / sizeof financing_keys[0])
#define FINANCING_RULE "financing_rule"
#define FINANCING_KEY "policy.continuation.{contribution,subsidy,national_standard,city_fixed}.rule"
#define FINANCING_WHY "the alternative rules: low \"frozen\", high \"income\""

/* The table's rows, then the financing rule's. */
size_t sens_assumptions(void)
{
    return N_TABLE + 1;
}
const char *sens_assumption_name(size_t j)
{
    return j < N_TABLE ? table[j].name : FINANCING_RULE;
}
const char *sens_assumption_key(size_t j)
{
    return j < N_TABLE ? table[j].key : FINANCING_KEY;
}
const char *sens_assumption_spread(size_t j)
{
    return j < N_TABLE ? table[j].why : FINANCING_WHY;
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
    struct sens_ckpt *ckpt;
    bool *is_rule; /* [row]: the financing rule's row */
    size_t n_rows;
    const struct team *team; /* NULL: this process alone */
    bool gathering;          /* the first rank reading the others' runs from the checkpoint */
};

/* Whether this rank does run k: run k goes to rank k mod size (by number,
 * never by timing, as `run`'s blocks); in the gathering every run is read. */
static bool mine(const struct ctx *c, size_t k)
{
    return c->gathering || !c->team || k % (size_t)c->team->size == (size_t)c->team->rank;
}

/* Collective: false when `failed` on any rank. */
static bool agree(const struct ctx *c, bool failed)
{
    return !(c->team ? team_max(c->team, failed) : failed);
}

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

/* ---- the checkpoint's records ---- */

#define SIDE_DOUBLES 11

static void side_to(const struct sens_side *x, double v[SIDE_DOUBLES])
{
    const double w[SIDE_DOUBLES] = {x->value,
                                    x->abs.p_depleted,
                                    x->abs.median_year,
                                    x->abs.actuarial_balance,
                                    x->p_depleted.delta,
                                    x->p_depleted.low,
                                    x->p_depleted.high,
                                    x->actuarial_balance.delta,
                                    x->actuarial_balance.low,
                                    x->actuarial_balance.high,
                                    x->median_year_delta};
    memcpy(v, w, sizeof w);
}

static void side_from(const double v[SIDE_DOUBLES], struct sens_side *x)
{
    x->value = v[0];
    x->abs = (struct sens_figures){v[1], v[2], v[3]};
    x->p_depleted = (struct sens_effect){v[4], v[5], v[6]};
    x->actuarial_balance = (struct sens_effect){v[7], v[8], v[9]};
    x->median_year_delta = v[10];
}

/* The base's paths: found in the checkpoint (1), or run and stored (0); -1. */
static int base_paths(struct ctx *c, struct run_arm *a, struct diag *d)
{
    size_t n = c->paths;
    double *v = malloc(4 * n * sizeof *v);
    if (!v) {
        diag_fail(d, "out of memory");
        return -1;
    }
    double *part[4] = {c->base.depleted, c->base.first, c->base.actuarial, c->base.balance};
    int found = sens_ckpt_load(c->ckpt, 0, v, 4 * n, d);
    if (found == 0) {
        run_paths(c, a, &c->base);
        for (int k = 0; k < 4; k++)
            memcpy(v + k * n, part[k], n * sizeof *v);
        if (sens_ckpt_save(c->ckpt, 0, v, 4 * n, d) != 0) found = -1;
    } else if (found == 1) {
        for (int k = 0; k < 4; k++)
            memcpy(part[k], v + k * n, n * sizeof *v);
    }
    free(v);
    return found;
}

/* ---- the runs ---- */

/* The value as libconfig reads a float ("0" is an integer there): the
 * shortest text that reads back as the same double. */
static void float_text(char *buf, size_t size, double v)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) break;
    }
    if (!strpbrk(buf, ".eEni")) strncat(buf, ".0", size - strlen(buf) - 1);
}

/* The scenario with row w's setting(s) at the side's value, into `s`. */
static int load_side(const struct ctx *c, const struct sens_row *w, bool rule,
                     const struct sens_side *side, struct scenario *s, struct diag *d)
{
    const struct sens_options *o = c->o;
    size_t n_keys = rule ? N_FINANCING_KEYS : 1;
    struct setting_override *sets = calloc(o->n_sets + n_keys, sizeof *sets);
    if (!sets) {
        diag_fail(d, "out of memory");
        return -1;
    }
    memcpy(sets, o->sets, o->n_sets * sizeof *sets);
    char quoted[sizeof side->text + 2];
    snprintf(quoted, sizeof quoted, "\"%s\"", side->text);
    for (size_t k = 0; k < n_keys; k++) {
        const char *key = rule ? financing_keys[k] : w->key;
        sets[o->n_sets + k] = (struct setting_override){
            .key = key, .value = rule ? quoted : side->text, .origin = key};
    }
    int status = scenario_load(o->path, sets, o->n_sets + n_keys, s, d);
    free(sets);
    return status;
}

/* Run k, row w's side: found in the checkpoint, or run against the base and
 * stored there. */
static int run_side(struct ctx *c, const struct sens_row *w, bool rule, struct sens_side *side,
                    size_t k, double *scratch, struct diag *d)
{
    const struct sens_options *o = c->o;
    double v[SIDE_DOUBLES];
    int found = sens_ckpt_load(c->ckpt, k, v, SIDE_DOUBLES, d);
    if (found < 0) return -1;
    if (found) {
        if (memcmp(&v[0], &side->value, sizeof v[0]) != 0) {
            diag_refuse(d, "--resume: run %zu of %s holds %s = %.17g, not %s", k,
                        sens_ckpt_path(c->ckpt), w->key, v[0], side->text);
            return -1;
        }
        side_from(v, side);
        if (!c->gathering)
            say_text(&o->say, SAY_NOTE, term(TERM_msg_sens_from_checkpoint, o->lang), w->key,
                     side->text);
        return 0;
    }
    struct scenario s;
    memset(&s, 0, sizeof s);
    int status = -1;
    struct run_arm *a = NULL;
    if (load_side(c, w, rule, side, &s, d) != 0) goto done;
    if (!(a = run_arm_create_like(&s, o->threads, c->base_arm, d))) goto done;
    run_paths(c, a, &c->run);
    figures(&c->run, c->paths, scratch, &side->abs);
    side->p_depleted = paired(c->run.depleted, c->base.depleted, c->paths);
    side->actuarial_balance = paired(c->run.actuarial, c->base.actuarial, c->paths);
    double base_year = median_year(c->base.first, c->paths, scratch);
    side->median_year_delta =
        side->abs.median_year && base_year ? side->abs.median_year - base_year : NAN;
    side_to(side, v);
    if (sens_ckpt_save(c->ckpt, k, v, SIDE_DOUBLES, d) != 0) goto done;
    say_text(&o->say, SAY_NOTE, term(TERM_msg_sens_side, o->lang), w->key, side->text, side->p_depleted.delta, side->p_depleted.low,
             side->p_depleted.high, side->actuarial_balance.delta, side->actuarial_balance.low,
             side->actuarial_balance.high);
    status = 0;
done:
    run_arm_free(a);
    scenario_free(&s);
    return status;
}

/* Row j's sides that are this rank's (both, alone). */
static int run_row(struct ctx *c, size_t j, struct sens_row *w, double *scratch, struct diag *d)
{
    size_t k[2] = {1 + 2 * j, 2 + 2 * j};
    struct sens_side *side[2] = {&w->low, &w->high};
    if (!c->gathering && (mine(c, k[0]) || mine(c, k[1])))
        say_text(&c->o->say, SAY_NOTE, term(TERM_msg_sens_row, c->o->lang), w->name, w->key,
                 w->low.text, w->high.text);
    for (int x = 0; x < 2; x++)
        if (mine(c, k[x]) && run_side(c, w, c->is_rule[j], side[x], k[x], scratch, d) != 0)
            return -1;
    return 0;
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

/* The variance shares, on the base's arm: each group held in turn (run
 * 1 + 2n + g: found in the checkpoint, or run and stored). */
static int variance_shares(struct ctx *c, struct run_arm *a, struct sens_result *r, struct diag *d)
{
    struct sens_variance *vb = &r->variance[0], *va = &r->variance[1];
    snprintf(vb->name, sizeof vb->name, "balance_%d", c->o->year);
    snprintf(va->name, sizeof va->name, "actuarial_balance");
    vb->total = variance_of(c->base.balance, c->paths);
    va->total = variance_of(c->base.actuarial, c->paths);
    for (int g = 0; g < N_HOLD_GROUPS; g++) {
        size_t k = 1 + 2 * c->n_rows + (size_t)g;
        if (!mine(c, k)) continue;
        double held[2];
        int found = sens_ckpt_load(c->ckpt, k, held, 2, d);
        if (found < 0) return -1;
        if (!found) {
            say_text(&c->o->say, SAY_NOTE, term(TERM_msg_variance_held, c->o->lang),
                     hold_names[g]);
            if (run_arm_hold(a, HOLD_BIT(g), d) != 0) return -1;
            run_paths(c, a, &c->run);
            held[0] = variance_of(c->run.balance, c->paths);
            held[1] = variance_of(c->run.actuarial, c->paths);
            if (sens_ckpt_save(c->ckpt, k, held, 2, d) != 0) return -1;
        }
        vb->held[g] = held[0], va->held[g] = held[1];
        vb->share[g] = vb->total > 0 ? 1 - vb->held[g] / vb->total : 0;
        va->share[g] = va->total > 0 ? 1 - va->held[g] / va->total : 0;
        if (!c->gathering)
            say_text(&c->o->say, SAY_NOTE, term(TERM_msg_variance_shares, c->o->lang),
                     hold_names[g], vb->share[g], vb->name, va->share[g], va->name);
    }
    r->has_variance = 1;
    return run_arm_hold(a, HOLD_NONE, d);
}

/* Row n of the plan: name, setting and central value. */
static struct sens_row *plan_row(struct sens_row *w, const char *name, const char *key,
                                 double central, double sd)
{
    memset(w, 0, sizeof *w);
    snprintf(w->name, sizeof w->name, "%s", name);
    snprintf(w->key, sizeof w->key, "%s", key);
    w->central = central;
    w->sd = sd;
    return w;
}

/* A numeric side: the value and its text. */
static void numeric_side(struct sens_side *x, double value)
{
    x->value = value;
    float_text(x->text, sizeof x->text, value);
}

static void rule_side(struct sens_side *x, int rule)
{
    x->value = rule;
    snprintf(x->text, sizeof x->text, "%s", continuation_rule_names[rule]);
}

/* The rows to run: the table's, then each condition's trend, then the
 * financing rule, then --assume's. */
static size_t plan_rows(const struct scenario *s, const struct sens_options *o, struct sens_row *w,
                        bool *is_rule)
{
    size_t n = 0;
    for (size_t j = 0; j < N_TABLE; j++) {
        const struct assumption *t = &table[j];
        if (o->only && strcmp(o->only, t->name) != 0) continue;
        double sd = t->sd != NO_SD ? field(s, t->sd) : t->sd_of ? t->sd_of(s) : 0;
        struct sens_row *x = plan_row(&w[n], t->name, t->key, field(s, t->central), sd);
        double half = o->spread * (sd > 0 ? Z90 * sd : t->spread);
        numeric_side(&x->low, fmax(t->min, x->central - half));
        numeric_side(&x->high, fmin(t->max, x->central + half));
        is_rule[n++] = false;
    }
    for (size_t k = 0; k < s->disease.n; k++) {
        const struct condition_params *cp = &s->disease.conditions[k];
        char name[SENS_NAME_MAX], key[SENS_KEY_MAX];
        snprintf(name, sizeof name, "trend_%s", cp->name);
        if (o->only && strcmp(o->only, name) != 0) continue;
        snprintf(key, sizeof key, "disease.conditions.%s.trend", cp->name);
        struct sens_row *x = plan_row(&w[n], name, key, cp->trend, s->disease.trend_uncertainty);
        double half = o->spread * (x->sd > 0 ? Z90 * x->sd : TREND_SPREAD);
        numeric_side(&x->low, fmax(-0.5, x->central - half));
        numeric_side(&x->high, fmin(0.5, x->central + half));
        is_rule[n++] = false;
    }
    if (!o->only || strcmp(o->only, FINANCING_RULE) == 0) {
        int central = s->n_regions ? s->regions[0].policy.continuation[CONTINUED_CONTRIBUTION].rule
                                   : CONTINUE_FROZEN;
        struct sens_row *x = plan_row(&w[n], FINANCING_RULE, FINANCING_KEY, central, 0);
        rule_side(&x->low, CONTINUE_FROZEN);
        rule_side(&x->high, CONTINUE_INCOME);
        is_rule[n++] = true;
    }
    for (size_t k = 0; k < o->n_extra; k++) {
        const struct sens_extra *e = &o->extra[k];
        if (o->only && strcmp(o->only, e->key) != 0) continue;
        struct sens_row *x = plan_row(&w[n], e->key, e->key, NAN, 0); /* central: any setting */
        numeric_side(&x->low, e->low);
        numeric_side(&x->high, e->high);
        is_rule[n++] = false;
    }
    return n;
}

/* What a checkpoint must match to be resumed: the fundsim version, the
 * options that change a figure, the rows and the resolved scenario (its
 * seed, paths and every --set). Threads do not change a figure. */
static char *identity(const struct scenario *s, const struct sens_options *o,
                      const struct sens_result *r)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return NULL;
    fprintf(f, "version %s\nyear %d\nspread %.17g\nvariance %d\nonly %s\n", FUNDSIM_VERSION,
            o->year, o->spread, (int)o->variance, o->only ? o->only : "(all)");
    for (size_t j = 0; j < r->n_rows; j++)
        fprintf(f, "row %s %s %s %s\n", r->rows[j].name, r->rows[j].key, r->rows[j].low.text,
                r->rows[j].high.text);
    fprintf(f, "scenario:\n%s", s->resolved_text ? s->resolved_text : "");
    return fclose(f) == 0 ? text : (free(text), NULL);
}

/* After a failure: the runs kept for --resume, said in `d`. */
static void say_kept(const struct ctx *c, const struct sens_options *o, struct diag *d)
{
    size_t n = sens_ckpt_count(c->ckpt);
    if (n)
        diag_append(d, "; the %zu runs finished are kept in %s: --resume %s finishes the analysis",
                    n, sens_ckpt_path(c->ckpt), o->out_path);
}

int sens_run(const struct scenario *s, const struct sens_options *o, struct sens_result *r,
             struct diag *d)
{
    memset(r, 0, sizeof *r);
    bool lead = !o->team || o->team->rank == 0;
    struct ctx c = {.o = o,
                    .team = o->team,
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
    size_t most = N_TABLE + s->disease.n + 1 + o->n_extra;
    r->rows = calloc(most, sizeof *r->rows);
    c.is_rule = calloc(most, sizeof *c.is_rule);
    double *scratch = calloc(c.paths, sizeof *scratch);
    char *id = NULL;
    struct run_arm *a = NULL;
    int status = -1;
    if (!r->rows || !c.is_rule || !scratch || per_path_alloc(&c.base, c.paths) != 0 ||
        per_path_alloc(&c.run, c.paths) != 0) {
        diag_fail(d, "out of memory");
        goto done;
    }
    r->n_rows = c.n_rows = plan_rows(s, o, r->rows, c.is_rule);
    if (o->only && r->n_rows == 0) {
        diag_refuse(d, "no assumption named %s", o->only);
        goto done;
    }
    r->scenario = s->name;
    r->paths = c.paths;
    r->seed = (uint64_t)s->simulation.seed;
    r->year = o->year;
    r->spread = o->spread;
    /* Every rank passes every agree() in the same order until one fails. */
    bool failed = !(id = identity(s, o, r));
    if (failed) diag_fail(d, "out of memory");
    if (!failed && lead)
        failed = !(c.ckpt = sens_ckpt_open(o->out_path, id,
                                           o->resume ? SENS_CKPT_RESUME : SENS_CKPT_NEW, d));
    if (!agree(&c, failed)) goto done;
    if (!lead) failed = !(c.ckpt = sens_ckpt_open(o->out_path, id, SENS_CKPT_ATTACH, d));
    if (!agree(&c, failed)) goto done;
    if (o->resume)
        say_text(&o->say, SAY_NOTE, term(TERM_msg_sens_resuming, o->lang), sens_ckpt_count(c.ckpt),
                 sens_ckpt_path(c.ckpt));
    say_text(&o->say, SAY_NOTE, term(TERM_msg_sens_base, o->lang), s->name);
    failed = !(a = run_arm_create(s, o->threads, d));
    if (!agree(&c, failed)) goto done;
    if (lead) failed = base_paths(&c, a, d) < 0; /* then the others read it */
    if (!agree(&c, failed) || (!lead && base_paths(&c, a, d) != 1)) goto done;
    figures(&c.base, c.paths, scratch, &r->base);
    for (size_t j = 0; j < r->n_rows && !failed; j++)
        failed = run_row(&c, j, &r->rows[j], scratch, d) != 0;
    if (o->variance && !failed) failed = variance_shares(&c, a, r, d) != 0;
    if (!agree(&c, failed)) goto done;
    if (c.team && c.team->size > 1) {
        c.gathering = true;
        for (size_t j = 0; lead && j < r->n_rows && !failed; j++)
            failed = run_row(&c, j, &r->rows[j], scratch, d) != 0;
        if (lead && o->variance && !failed) failed = variance_shares(&c, a, r, d) != 0;
    }
    if (lead && !failed) {
        qsort(r->rows, r->n_rows, sizeof *r->rows, by_swing);
        failed = sens_h5_write(o->out_path, o->into, r, d) != 0;
    }
    if (!agree(&c, failed)) goto done;
    status = 0;
    if (lead) {
        struct diag kept = {0};
        if (sens_ckpt_remove(c.ckpt, &kept) != 0)
            say_text(&o->say, SAY_NOTE, "%s", diag_last_text(&kept));
        diag_free(&kept);
    } else {
        sens_ckpt_close(c.ckpt);
        r->n_rows = 0; /* the first rank has the result */
    }
    c.ckpt = NULL;
done:
    if (status != 0 && d->n == 0) diag_fail(d, "another MPI rank failed (it says why)");
    if (c.ckpt && status != 0 && lead) say_kept(&c, o, d);
    sens_ckpt_close(c.ckpt);
    run_arm_free(a);
    per_path_free(&c.base);
    per_path_free(&c.run);
    free(c.is_rule), free(scratch), free(id);
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
