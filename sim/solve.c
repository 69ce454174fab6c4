/* solve.c: the smallest yearly increase that meets a safety target (solve.h).
 *
 * The main data structure is `struct solver`: the scenario, the timelines it
 * had (restored after each trial run), the raised timelines the trial runs
 * point at, and the cache of trial runs, each x with every path's lowest
 * balance m_i(x), sorted, so that any order statistic of any run is a lookup. */
#include "sim/solve.h"

#include "sim/config/diag.h"
#include "sim/run.h"
#include "sim/timing.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const struct solve_setting solve_settings[] = {
    {"policy.contribution.individual_yuan", offsetof(struct policy, individual_yuan)},
    {"policy.subsidy.standard_yuan", offsetof(struct policy, subsidy_standard_yuan)},
    {"policy.subsidy.national_standard_yuan", offsetof(struct policy, national_standard_yuan)},
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

static double raised_at(const struct step *base, int from, int last, double x_yuan, int year)
{
    double increase = year < from ? 0 : x_yuan * ((year < last ? year : last) - from + 1);
    return step_at(base, year) + increase;
}

static void add_entry(struct step *out, const struct step *base, int from, int last, double x_yuan,
                      int year)
{
    out->key[out->n] = year;
    out->value[out->n++] = raised_at(base, from, last, x_yuan, year);
}

void solve_raise(const struct step *base, int start_year, int from, int last, double x_yuan,
                 struct step *out)
{
    out->n = 0;
    add_entry(out, base, from, last, x_yuan, start_year);
    for (size_t j = 0; j < base->n; j++)
        if (base->key[j] > start_year && base->key[j] < from)
            add_entry(out, base, from, last, x_yuan, base->key[j]);
    for (int y = from > start_year ? from : start_year + 1; y <= last; y++)
        add_entry(out, base, from, last, x_yuan, y);
    for (size_t j = 0; j < base->n; j++)
        if (base->key[j] > last) add_entry(out, base, from, last, x_yuan, base->key[j]);
}

int solve_default_from(const struct step *t, int start_year)
{
    int after = t->key[t->n - 1] + 1;
    return after > start_year + 1 ? after : start_year + 1;
}

/* ---- trial runs ---- */

struct trial {
    double x_yuan;
    double *m;       /* every path's lowest balance up to the target's year, ascending */
    size_t depleted; /* paths with m < 0 */
};

struct solver {
    struct scenario *s;
    const struct solve_options *o;
    size_t paths;
    struct step *saved;  /* [region][adjusted setting]: the scenario's own timelines */
    struct step *raised; /* [region][adjusted setting]: buffers for a trial */
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

/* Points every region's adjusted settings at their timelines raised by x. */
static void raise_settings(struct solver *v, double x_yuan)
{
    struct scenario *s = v->s;
    const struct solve_options *o = v->o;
    for (size_t k = 0; k < s->n_regions; k++)
        for (size_t j = 0; j < o->n_adjust; j++) {
            struct step *raised = &v->raised[k * o->n_adjust + j];
            solve_raise(&v->saved[k * o->n_adjust + j], s->simulation.start_year, o->from,
                        o->target.year, x_yuan, raised);
            *field(s, k, o->adjust[j]) = *raised;
        }
}

static void restore_settings(struct solver *v)
{
    for (size_t k = 0; k < v->s->n_regions; k++)
        for (size_t j = 0; j < v->o->n_adjust; j++)
            *field(v->s, k, v->o->adjust[j]) = v->saved[k * v->o->n_adjust + j];
}

/* Runs every path with the settings raised by x into m (and, at x = 0, the
 * lowest balances before `from` into v->before). The engine reads the policy
 * as the paths run, so the raised settings stay in place until the last block.
 * Returns 0 or -1. */
static int run_trial(struct solver *v, double x_yuan, double *m)
{
    const struct target *t = &v->o->target;
    int start = v->s->simulation.start_year;
    if (!v->arm && !(v->arm = run_arm_create(v->s, v->o->threads, v->d))) {
        v->failed = true;
        return -1;
    }
    raise_settings(v, x_yuan);
    for (size_t first = 0; first < v->paths; first += RECORD_BLOCK_PATHS) {
        size_t n = v->paths - first < RECORD_BLOCK_PATHS ? v->paths - first : RECORD_BLOCK_PATHS;
        const struct record_block *b = run_arm_block(v->arm, first, n);
        for (size_t p = 0; p < n; p++) {
            m[first + p] = target_path_minimum(b, p, t, start, start, t->year);
            if (x_yuan == 0)
                v->before[first + p] = target_path_minimum(b, p, t, start, start, v->o->from - 1);
        }
    }
    restore_settings(v);
    gsl_sort(m, 1, v->paths);
    if (x_yuan == 0) gsl_sort(v->before, 1, v->paths);
    return 0;
}

/* The trial run at x, or the nearest cached one within `tolerance_yuan` of it,
 * or run now; NULL after a failure. */
static const struct trial *trial_at(struct solver *v, double x_yuan, double tolerance_yuan)
{
    const struct trial *near = NULL;
    for (size_t t = 0; t < v->n_trials; t++)
        if (fabs(v->trials[t].x_yuan - x_yuan) <= tolerance_yuan &&
            (!near || fabs(v->trials[t].x_yuan - x_yuan) < fabs(near->x_yuan - x_yuan)))
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
    if (run_trial(v, x_yuan, t->m) != 0) {
        free(t->m);
        return NULL;
    }
    t->x_yuan = x_yuan;
    for (t->depleted = 0; t->depleted < v->paths && t->m[t->depleted] < 0; t->depleted++)
        ;
    v->n_trials++;
    say_text(&v->o->say, SAY_NOTE, "+%g yuan a year: %zu of %zu paths depleted (%.1f s)", x_yuan,
             t->depleted, v->paths, timing_now_s() - t0);
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
static double order_at(double x_yuan, void *params)
{
    const struct order_statistic *f = params;
    const struct trial *t = trial_at(f->v, x_yuan, f->v->o->step_yuan / 16);
    return t ? t->m[f->rank - 1] : 0;
}

/* A bracket [lo, hi] of the root of m_(rank), m(lo) < 0 ≤ m(hi), from the
 * cache, else by doubling hi from 16 yuan. Returns 0, 1 when m stays < 0 up to
 * SOLVE_MAX_YUAN, -1 after a failure. */
static int bracket(struct solver *v, size_t rank, double *lo, double *hi)
{
    double low = 0, high = INFINITY;
    for (size_t t = 0; t < v->n_trials; t++)
        if (v->trials[t].m[rank - 1] >= 0 && v->trials[t].x_yuan < high) high = v->trials[t].x_yuan;
    for (size_t t = 0; t < v->n_trials; t++)
        if (v->trials[t].m[rank - 1] < 0 && v->trials[t].x_yuan < high && v->trials[t].x_yuan > low)
            low = v->trials[t].x_yuan;
    while (isinf(high)) {
        if (low >= SOLVE_MAX_YUAN) return 1;
        double x = fmin(fmax(16, 2 * low), SOLVE_MAX_YUAN);
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
 * when no increase up to SOLVE_MAX_YUAN reaches the root (or the paths are
 * depleted before the increase starts), -1 after a failure. */
static int order_root(struct solver *v, size_t rank, double *x_yuan)
{
    const double step = v->o->step_yuan;
    const struct trial *zero = trial_at(v, 0, 0);
    if (!zero) return -1;
    if (zero->m[rank - 1] >= 0) {
        *x_yuan = 0;
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
    *x_yuan = step * ceil(root / step - 1e-9);
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
static int interval_end(struct solver *v, size_t rank, double *x_yuan)
{
    int found = order_root(v, rank, x_yuan);
    if (found == 1) *x_yuan = INFINITY;
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
    v->before = malloc(v->paths * sizeof *v->before);
    if (!v->saved || !v->raised || !v->before) return -1;
    for (size_t k = 0; k < s->n_regions; k++)
        for (size_t j = 0; j < o->n_adjust; j++) {
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
    const double step = v->o->step_yuan;
    /* x counted in steps, so that every trial lands on the same doubles */
    long long n = llround(r->x_yuan / step);
    for (;;) {
        const struct trial *at = trial_at(v, (double)n * step, 0);
        if (!at) return -1;
        if (at->depleted > r->allowed) {
            if ((double)(n + 1) * step > SOLVE_MAX_YUAN) {
                diag_fail(v->d, "no increase up to %g yuan a year meets the target",
                          SOLVE_MAX_YUAN);
                v->failed = true;
                return -1;
            }
            n++;
            continue;
        }
        r->x_yuan = (double)n * step;
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
    int found = order_root(v, rank, &r->x_yuan);
    if (found == 1) {
        diag_fail(v->d, "no increase up to %g yuan a year meets the target", SOLVE_MAX_YUAN);
        v->failed = true;
    }
    if (found != 0 || verify(v, r) != 0) return -1;
    wilson(r->depleted, v->paths, &r->p_low, &r->p_high);

    order_ranks(v->paths, o->target.probability, &r->rank_low, &r->rank_up);
    r->ci_low_yuan = 0;
    r->ci_high_yuan = INFINITY;
    if (r->rank_up <= v->paths && interval_end(v, r->rank_up, &r->ci_low_yuan) != 0) return -1;
    if (r->rank_low >= 1 && interval_end(v, r->rank_low, &r->ci_high_yuan) != 0) return -1;
    r->runs = v->n_trials;
    return 0;
}

int solve_run(struct scenario *s, const struct solve_options *o, struct solve_result *r,
              struct diag *d)
{
    *r = (struct solve_result){0};
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
