/* solve.c: the smallest yearly increase that meets a safety target (solve.h).
 *
 * The main data structure is `struct solver`: the scenario, the timelines it
 * had (restored after each trial run), the raised timelines the trial runs
 * point at, and the cache of trial runs, each x with every path's lowest
 * balance m_i(x), sorted, so that any order statistic of any run is a lookup. */
#include "sim/solve.h"

#include "models/timeline.h"
#include "sim/config/diag.h"
#include "sim/run.h"
#include "sim/timing.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sort.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TIMELINE(k, f)                                                                             \
    {                                                                                              \
        .key = k, .offset = offsetof(struct policy, f), .kind = SOLVE_TIMELINE,                    \
        .unit = TERM_solve_unit_yuan, .first_probe = 16, .max = SOLVE_MAX_YUAN, .default_step = 1  \
    }
#define STEP(k, c)                                                                                 \
    {                                                                                              \
        .key = k, .offset = offsetof(struct policy, continuation[c].step_yuan),                    \
        .kind = SOLVE_CONTINUATION, .continued = c, .rule = CONTINUE_STEP,                         \
        .other_rule = CONTINUE_STEP, .unit = TERM_solve_unit_step, .first_probe = 16,              \
        .max = SOLVE_MAX_YUAN, .default_step = 1                                                   \
    }
/* extra_rate is a share: 0.001 is a tenth of a percentage point a year. */
#define EXTRA(k, c)                                                                                \
    {                                                                                              \
        .key = k, .offset = offsetof(struct policy, continuation[c].extra_rate),                   \
        .kind = SOLVE_CONTINUATION, .continued = c, .rule = CONTINUE_INCOME,                       \
        .other_rule = CONTINUE_PRICE, .unit = TERM_solve_unit_extra, .first_probe = 0.01,          \
        .max = 0.5, .default_step = 0.001                                                          \
    }

const struct solve_setting solve_settings[] = {
    TIMELINE("policy.contribution.individual_yuan", individual_yuan),
    TIMELINE("policy.subsidy.standard_yuan", subsidy_standard_yuan),
    TIMELINE("policy.subsidy.national_standard_yuan", national_standard_yuan),
    STEP("policy.continuation.contribution.step_yuan", CONTINUED_CONTRIBUTION),
    STEP("policy.continuation.subsidy.step_yuan", CONTINUED_SUBSIDY),
    STEP("policy.continuation.national_standard.step_yuan", CONTINUED_NATIONAL_STANDARD),
    EXTRA("policy.continuation.contribution.extra_rate", CONTINUED_CONTRIBUTION),
    EXTRA("policy.continuation.subsidy.extra_rate", CONTINUED_SUBSIDY),
    EXTRA("policy.continuation.national_standard.extra_rate", CONTINUED_NATIONAL_STANDARD),
    {0},
};

const struct solve_setting *solve_setting_find(const char *key)
{
    for (const struct solve_setting *k = solve_settings; k->key; k++)
        if (strcmp(k->key, key) == 0) return k;
    return NULL;
}

/* ---- the raised timelines ---- */

size_t solve_raised_size(const struct step *base, int from, int last)
{
    return 1 + base->n + (size_t)(last - from + 1);
}

static double raised_at(const struct step *base, int from, int last, double x, int year)
{
    double increase = year < from ? 0 : x * ((year < last ? year : last) - from + 1);
    return step_at(base, year) + increase;
}

static void add_entry(struct step *out, const struct step *base, int from, int last, double x,
                      int year)
{
    out->key[out->n] = year;
    out->value[out->n++] = raised_at(base, from, last, x, year);
}

void solve_raise(const struct step *base, int start_year, int from, int last, double x,
                 struct step *out)
{
    out->n = 0;
    add_entry(out, base, from, last, x, start_year);
    for (size_t j = 0; j < base->n; j++)
        if (base->key[j] > start_year && base->key[j] < from)
            add_entry(out, base, from, last, x, base->key[j]);
    for (int y = from > start_year ? from : start_year + 1; y <= last; y++)
        add_entry(out, base, from, last, x, y);
    for (size_t j = 0; j < base->n; j++)
        if (base->key[j] > last) add_entry(out, base, from, last, x, base->key[j]);
}

int solve_default_from(const struct step *t, int start_year)
{
    int after = t->key[t->n - 1] + 1;
    return after > start_year + 1 ? after : start_year + 1;
}

int solve_continuation_from(const struct scenario *s, const struct solve_setting *k)
{
    int start = s->simulation.start_year, from = INT_MAX;
    for (size_t r = 0; r < s->n_regions; r++) {
        int after = timeline_base_year(scenario_continued(&s->regions[r], k->continued), start) + 1;
        if (after < from) from = after;
    }
    return from;
}

/* ---- trial runs ---- */

struct trial {
    double x;
    double *m;       /* every path's lowest balance up to the target's year, ascending */
    size_t depleted; /* paths with m < 0 */
};

struct solver {
    struct scenario *s;
    const struct solve_options *o;
    size_t paths;
    struct step *saved;  /* [region][adjusted setting]: the scenario's own timelines */
    struct step *raised; /* [region][adjusted setting]: buffers for a trial */
    double *saved_value; /* [region][adjusted setting]: a continuation's own number */
    double *before;      /* sorted lowest balances before `from`, which no increase changes */
    /* The engine, built at the first trial and kept: its benefit tables do not
     * depend on the financing settings, which it reads as the paths run. */
    struct run_arm *arm;
    struct trial *trials;
    size_t n_trials, cap_trials;
    bool failed; /* a trial failed, or the target cannot be met: the reason is in d */
    struct diag *d;
};

static struct step *field(struct scenario *s, size_t region, const struct solve_setting *k)
{
    return (struct step *)((char *)&s->regions[region].policy + k->offset);
}

static double *number(struct scenario *s, size_t region, const struct solve_setting *k)
{
    return (double *)((char *)&s->regions[region].policy + k->offset);
}

/* Points every region's adjusted timelines at their timelines raised by x, and
 * sets its adjusted continuation numbers to their own + x. */
static void raise_settings(struct solver *v, double x)
{
    struct scenario *s = v->s;
    const struct solve_options *o = v->o;
    for (size_t k = 0; k < s->n_regions; k++)
        for (size_t j = 0; j < o->n_adjust; j++) {
            size_t i = k * o->n_adjust + j;
            if (o->adjust[j]->kind == SOLVE_CONTINUATION) {
                *number(s, k, o->adjust[j]) = v->saved_value[i] + x;
                continue;
            }
            solve_raise(&v->saved[i], s->simulation.start_year, o->from, o->target.year, x,
                        &v->raised[i]);
            *field(s, k, o->adjust[j]) = v->raised[i];
        }
}

static void restore_settings(struct solver *v)
{
    for (size_t k = 0; k < v->s->n_regions; k++)
        for (size_t j = 0; j < v->o->n_adjust; j++) {
            size_t i = k * v->o->n_adjust + j;
            if (v->o->adjust[j]->kind == SOLVE_CONTINUATION)
                *number(v->s, k, v->o->adjust[j]) = v->saved_value[i];
            else
                *field(v->s, k, v->o->adjust[j]) = v->saved[i];
        }
}

/* Runs every path with the settings raised by x into m (and, at x = 0, the
 * lowest balances before `from` into v->before). The engine reads the policy
 * as the paths run, so the raised settings stay in place until the last block.
 * Returns 0 or -1. */
static int run_trial(struct solver *v, double x, double *m)
{
    const struct target *t = &v->o->target;
    int start = v->s->simulation.start_year;
    if (!v->arm && !(v->arm = run_arm_create(v->s, v->o->threads, v->d))) {
        v->failed = true;
        return -1;
    }
    raise_settings(v, x);
    for (size_t first = 0; first < v->paths; first += RECORD_BLOCK_PATHS) {
        size_t n = v->paths - first < RECORD_BLOCK_PATHS ? v->paths - first : RECORD_BLOCK_PATHS;
        const struct record_block *b = run_arm_block(v->arm, first, n);
        for (size_t p = 0; p < n; p++) {
            m[first + p] = target_path_minimum(b, p, t, start, start, t->year);
            if (x == 0)
                v->before[first + p] = target_path_minimum(b, p, t, start, start, v->o->from - 1);
        }
    }
    restore_settings(v);
    gsl_sort(m, 1, v->paths);
    if (x == 0) gsl_sort(v->before, 1, v->paths);
    return 0;
}

/* The trial run at x, or the nearest cached one within `tolerance` of it,
 * or run now; NULL after a failure. */
static const struct trial *trial_at(struct solver *v, double x, double tolerance)
{
    const struct trial *near = NULL;
    for (size_t t = 0; t < v->n_trials; t++)
        if (fabs(v->trials[t].x - x) <= tolerance &&
            (!near || fabs(v->trials[t].x - x) < fabs(near->x - x)))
            near = &v->trials[t];
    if (near) return near;
    if (v->failed) return NULL;
    if (v->n_trials == v->cap_trials) {
        size_t cap = v->cap_trials ? 2 * v->cap_trials : 16;
        struct trial *more = realloc(v->trials, cap * sizeof *more);
        if (!more) goto oom;
        v->trials = more;
        v->cap_trials = cap;
    }
    struct trial *t = &v->trials[v->n_trials];
    if (!(t->m = malloc(v->paths * sizeof *t->m))) goto oom;
    double t0 = timing_now_s();
    if (run_trial(v, x, t->m) != 0) {
        free(t->m);
        return NULL;
    }
    t->x = x;
    for (t->depleted = 0; t->depleted < v->paths && t->m[t->depleted] < 0; t->depleted++)
        ;
    v->n_trials++;
    say_text(&v->o->say, SAY_NOTE, term(TERM_msg_solve_trial, v->o->lang), x,
             term(v->o->adjust[0]->unit, v->o->lang), t->depleted, v->paths, timing_now_s() - t0);
    return t;
oom:
    diag_fail(v->d, "out of memory");
    v->failed = true;
    return NULL;
}

/* ---- roots of order statistics ---- */

struct order_statistic {
    struct solver *v;
    size_t rank; /* 1-based */
};

/* m_(rank)(x); after a failure 0, which the caller's check of v->failed
 * catches. Brent's points closer than a sixteenth of a step share a run: the
 * answer is wanted to the step, and near the root Brent probes points a
 * rounding error apart. */
static double order_at(double x, void *params)
{
    const struct order_statistic *f = params;
    const struct trial *t = trial_at(f->v, x, f->v->o->step / 16);
    return t ? t->m[f->rank - 1] : 0;
}

/* A bracket [lo, hi] of the root of m_(rank), m(lo) < 0 ≤ m(hi), from the
 * cache, else by doubling hi from the setting's first probe (16 yuan). Returns
 * 0, 1 when m stays < 0 up to the setting's maximum, -1 after a failure. */
static int bracket(struct solver *v, size_t rank, double *lo, double *hi)
{
    double low = 0, high = INFINITY;
    for (size_t t = 0; t < v->n_trials; t++)
        if (v->trials[t].m[rank - 1] >= 0 && v->trials[t].x < high) high = v->trials[t].x;
    for (size_t t = 0; t < v->n_trials; t++)
        if (v->trials[t].m[rank - 1] < 0 && v->trials[t].x < high && v->trials[t].x > low)
            low = v->trials[t].x;
    const struct solve_setting *k = v->o->adjust[0];
    while (isinf(high)) {
        if (low >= k->max) return 1;
        double x = fmin(fmax(k->first_probe, 2 * low), k->max);
        const struct trial *t = trial_at(v, x, 0);
        if (!t) return -1;
        if (t->m[rank - 1] >= 0)
            high = x;
        else
            low = x;
    }
    *lo = low;
    *hi = high;
    return 0;
}

/* The smallest multiple of the step at or above the root of m_(rank)(x) = 0.
 * Brent stops when the bracket holds no multiple of the step below its upper
 * end, or when its estimate moves by less than a quarter step. Returns 0, 1
 * when no increase up to the setting's maximum reaches the root (or the paths are
 * depleted before the increase starts), -1 after a failure. */
static int order_root(struct solver *v, size_t rank, double *x)
{
    const double step = v->o->step;
    const struct trial *zero = trial_at(v, 0, 0);
    if (!zero) return -1;
    if (zero->m[rank - 1] >= 0) {
        *x = 0;
        return 0;
    }
    if (v->before[rank - 1] < 0) return 1; /* depleted before the increase starts */
    double lo, hi;
    int found = bracket(v, rank, &lo, &hi);
    if (found != 0) return found;

    struct order_statistic f = {v, rank};
    gsl_function fn = {order_at, &f};
    gsl_root_fsolver *brent = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!brent) {
        diag_fail(v->d, "out of memory");
        v->failed = true;
        return -1;
    }
    /* GSL's error handler is off (main): its failures come back as statuses */
    int status = gsl_root_fsolver_set(brent, &fn, lo, hi);
    double root = hi, previous = NAN;
    for (int iteration = 0; iteration < 100 && !status; iteration++) {
        if (step * (floor(lo / step) + 1) >= hi) {
            root = hi;
            break;
        }
        status = gsl_root_fsolver_iterate(brent);
        if (v->failed || status) break;
        root = gsl_root_fsolver_root(brent);
        lo = gsl_root_fsolver_x_lower(brent);
        hi = gsl_root_fsolver_x_upper(brent);
        if (fabs(root - previous) < step / 4) break;
        previous = root;
    }
    gsl_root_fsolver_free(brent);
    if (status && !v->failed) {
        diag_fail(v->d, "the root finder failed: %s", gsl_strerror(status));
        v->failed = true;
    }
    if (v->failed) return -1;
    *x = step * ceil(root / step - 1e-9);
    return 0;
}

/* ---- uncertainty ---- */

/* l: the largest rank with P(Bin(n, p) ≤ l − 1) ≤ 0.025 (0 when there is
 * none); u: the smallest with P(Bin(n, p) ≤ u − 1) ≥ 0.975 (at most n + 1). */
static void order_ranks(size_t n, double p, size_t *l, size_t *u)
{
    *l = 0;
    for (size_t j = 1; j <= n && gsl_cdf_binomial_P((unsigned)(j - 1), p, (unsigned)n) <= 0.025;
         j++)
        *l = j;
    *u = n + 1;
    for (size_t j = n + 1; j >= 1 && gsl_cdf_binomial_P((unsigned)(j - 1), p, (unsigned)n) >= 0.975;
         j--)
        *u = j;
}

/* Wilson's 95 % interval for a proportion of `hits` out of n. */
static void wilson(size_t hits, size_t n, double *low, double *high)
{
    const double z = 1.959963984540054;
    double p = (double)hits / (double)n, z2n = z * z / (double)n;
    double centre = (p + z2n / 2) / (1 + z2n);
    double half = z / (1 + z2n) * sqrt(p * (1 - p) / (double)n + z2n / (4 * (double)n));
    *low = fmax(0, centre - half);
    *high = fmin(1, centre + half);
}

/* One end of the interval of x: the root of m_(rank), INFINITY beyond the limit. */
static int interval_end(struct solver *v, size_t rank, double *x)
{
    int found = order_root(v, rank, x);
    if (found == 1) *x = INFINITY;
    return found < 0 ? -1 : 0;
}

/* ---- the answer ---- */

static int alloc_solver(struct solver *v)
{
    struct scenario *s = v->s;
    const struct solve_options *o = v->o;
    size_t n = s->n_regions * o->n_adjust;
    v->saved = calloc(n, sizeof *v->saved);
    v->raised = calloc(n, sizeof *v->raised);
    v->saved_value = calloc(n, sizeof *v->saved_value);
    v->before = malloc(v->paths * sizeof *v->before);
    if (!v->saved || !v->raised || !v->saved_value || !v->before) return -1;
    for (size_t k = 0; k < s->n_regions; k++)
        for (size_t j = 0; j < o->n_adjust; j++) {
            if (o->adjust[j]->kind == SOLVE_CONTINUATION) {
                v->saved_value[k * o->n_adjust + j] = *number(s, k, o->adjust[j]);
                continue;
            }
            const struct step *base = field(s, k, o->adjust[j]);
            size_t size = solve_raised_size(base, o->from, o->target.year);
            struct step *raised = &v->raised[k * o->n_adjust + j];
            v->saved[k * o->n_adjust + j] = *base;
            raised->key = malloc(size * sizeof *raised->key);
            raised->value = malloc(size * sizeof *raised->value);
            if (!raised->key || !raised->value) return -1;
        }
    return 0;
}

static void free_solver(struct solver *v)
{
    for (size_t i = 0; v->raised && i < v->s->n_regions * v->o->n_adjust; i++) {
        free(v->raised[i].key);
        free(v->raised[i].value);
    }
    free(v->raised);
    free(v->saved);
    free(v->saved_value);
    run_arm_free(v->arm);
    free(v->before);
    for (size_t t = 0; t < v->n_trials; t++)
        free(v->trials[t].m);
    free(v->trials);
}

/* Moves the answer by steps until the target holds there and not one step
 * below (h may be slightly non-monotone), and counts the depleted paths at
 * both. Returns 0, or -1 with v->failed set. */
static int verify(struct solver *v, struct solve_result *r)
{
    const double step = v->o->step;
    /* x counted in steps, so that every trial lands on the same doubles */
    long long n = llround(r->x / step);
    for (;;) {
        const struct trial *at = trial_at(v, (double)n * step, 0);
        if (!at) return -1;
        if (at->depleted > r->allowed) {
            if ((double)(n + 1) * step > v->o->adjust[0]->max) {
                diag_fail(v->d, "no increase up to %g %s meets the target", v->o->adjust[0]->max,
                          term(v->o->adjust[0]->unit, LANG_EN));
                v->failed = true;
                return -1;
            }
            n++;
            continue;
        }
        r->x = (double)n * step;
        r->depleted = at->depleted;
        r->depleted_below = 0;
        if (n == 0) return 0;
        const struct trial *below = trial_at(v, (double)(n - 1) * step, 0);
        if (!below) return -1;
        if (below->depleted > r->allowed) {
            r->depleted_below = below->depleted;
            return 0;
        }
        n--;
    }
}

static int solve(struct solver *v, struct solve_result *r)
{
    const struct solve_options *o = v->o;
    r->paths = v->paths;
    r->allowed = target_allowed(&o->target, v->paths);
    size_t rank = r->allowed + 1;
    if (!trial_at(v, 0, 0)) return -1;
    if (v->before[rank - 1] < 0) {
        size_t early = 0;
        while (early < v->paths && v->before[early] < 0)
            early++;
        diag_fail(v->d,
                  "no increase from %d can meet the target: %zu of %zu paths are depleted "
                  "before %d, when the increase starts, and at most %zu may be",
                  o->from, early, v->paths, o->from, r->allowed);
        v->failed = true;
        return -1;
    }
    int found = order_root(v, rank, &r->x);
    if (found == 1) {
        diag_fail(v->d, "no increase up to %g %s meets the target", o->adjust[0]->max,
                  term(o->adjust[0]->unit, LANG_EN));
        v->failed = true;
    }
    if (found != 0 || verify(v, r) != 0) return -1;
    wilson(r->depleted, v->paths, &r->p_low, &r->p_high);

    order_ranks(v->paths, o->target.probability, &r->rank_low, &r->rank_up);
    r->ci_low = 0;
    r->ci_high = INFINITY;
    if (r->rank_up <= v->paths && interval_end(v, r->rank_up, &r->ci_low) != 0) return -1;
    if (r->rank_low >= 1 && interval_end(v, r->rank_low, &r->ci_high) != 0) return -1;
    r->runs = v->n_trials;
    return 0;
}

int solve_run(struct scenario *s, const struct solve_options *o, struct solve_result *r,
              struct diag *d)
{
    *r = (struct solve_result){0};
    for (size_t j = 0; j < o->n_adjust; j++) {
        const struct solve_setting *k = o->adjust[j];
        for (size_t g = 0; k->kind == SOLVE_CONTINUATION && g < s->n_regions; g++) {
            int rule = s->regions[g].policy.continuation[k->continued].rule;
            if (rule == k->rule || rule == k->other_rule) continue;
            diag_refuse(d,
                        "--adjust %s: regions[%zu] (%s) continues the %s by rule \"%s\", which "
                        "does not read it; it applies to rule \"%s\"%s%s%s: set the rule first, "
                        "e.g. --set 'policy.continuation.%s.rule=\"%s\"'",
                        k->key, g, s->regions[g].name, continued_names[k->continued],
                        continuation_rule_names[rule], continuation_rule_names[k->rule],
                        k->other_rule != k->rule ? " or \"" : "",
                        k->other_rule != k->rule ? continuation_rule_names[k->other_rule] : "",
                        k->other_rule != k->rule ? "\"" : "", continued_names[k->continued],
                        continuation_rule_names[k->rule]);
            return -1;
        }
    }
    struct solver v = {.s = s, .o = o, .paths = (size_t)s->simulation.paths, .d = d};
    if (alloc_solver(&v) != 0) {
        diag_fail(d, "out of memory");
        v.failed = true;
    } else if (solve(&v, r) != 0) {
        v.failed = true;
    }
    free_solver(&v);
    return v.failed ? -1 : 0;
}
