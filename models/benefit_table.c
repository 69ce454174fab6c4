/* benefit_table.c: tables of a person's payments by line (benefit_table.h).
 *
 * Main structures: `struct benefit_table`, built once per year of rules, holds
 * for each node of the price index grid
 * - fund_in: the inpatient fund's mean and second moment for n admissions;
 * - op: the general outpatient fund's and out-of-pocket cost's first two
 *   moments, mixed over the visit counts, on a fine grid of visit rates;
 * - sl: for each group (no condition; condition k paid on time; condition k paid
 *   late), admission count n and visit-rate node o, the stop-loss transforms
 *   SL1(t) = E[(W − t)^+] and SL2(t) = E[((W − t)^+)²] of W, the person's
 *   policy-scope out-of-pocket cost after the fund that serious illness counts,
 *   on a log grid of amounts t. A condition patient's treatment costs the price
 *   index times the use index, so the groups with a condition are tabulated at
 *   each node of the use index too (the layer rows: those without a condition
 *   once, then the conditions' rows at use node 0, 1, ...).
 * `struct benefit_year` resolves it for one price index, use index and income:
 * per group, node and count, the mean and second moment of each later payer.
 *
 * Serious illness f(W) and assistance min(L, r (W − f(W) + e)) are written
 * ψ(w) = α + β w + Σ_j a_j (w − t_j)^+ with t ascending; then
 *   E ψ(W)  = α + β E W + Σ a_j SL1(t_j),
 *   E ψ(W)² = α² + 2αβ E W + β² E W² + 2α Σ a_j SL1(t_j)
 *             + 2β Σ a_j (SL2(t_j) + t_j SL1(t_j))
 *             + Σ_j Σ_k a_j a_k (SL2(t_m) + |t_j − t_k| SL1(t_m)),  t_m = max(t_j, t_k),
 * because (w − t_j)^+ (w − t_k)^+ = ((w − t_m)^+)² + |t_j − t_k| (w − t_m)^+. */
#include "models/benefit_table.h"

#include "models/bigmem.h"
#include "models/lattice.h"
#include "models/rfft.h"
#include "sim/config/limit.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NO_CAP_YUAN 1e12 /* caps above this never bind */
#define GRID_INDEX_MAX                                                                             \
    64                             /* the default grid's top price index: beyond, lookups          \
                                      extrapolate (benefit_year_prepare says so) */
#define LATTICE_MIN_YUAN 1000      /* the lattice spans at least this */
#define OUTPATIENT_NO_CAP_YUAN 1e5 /* an outpatient cap no one reaches: treated as none */
#define QUANTILE_CELLS 1024        /* cells of a lognormal between z = ±Z_SPAN */
#define Z_SPAN 8.5
#define MAX_CELLS (QUANTILE_CELLS + 8)
#define T_RATIO 1.1     /* between neighbouring amounts of the t grid */
#define VISIT_BINS 256  /* bins of the outpatient cap in the visit chain */
#define VISIT_NODES 241 /* fine visit-rate grid of the outpatient lines */
#define LAYER_NODES 7   /* visit-rate nodes of serious illness and assistance */
#define VISIT_CHAIN_MAX 4000
#define VISIT_CONVOLVED 64 /* visit counts whose total cost is convolved exactly */
#define VISIT_BIN 8        /* more visits are taken this many counts at a time */
/* Kinks of one payer's piecewise-linear function: one per serious-illness band
 * and one for a cap or limit, with room to spare; the schema holds the bands to
 * LIMIT_SERIOUS_BANDS (sim/config/limit.h). */
#define MAX_KINKS 64
_Static_assert(LIMIT_SERIOUS_BANDS + 4 <= MAX_KINKS / 2, "every payer's kinks fit in a struct pl");
#define MAX_GROUPS (1 + 2 * LIMIT_CONDITIONS)
#define N_PAYERS 6 /* serious illness (others, the poor), assistance by category */
#define COEF_PER_NODE (N_PAYERS * 2)
#define COEF_PER_COUNT (COEF_PER_NODE * LAYER_NODES)
#define USE_NODES_MAX 12        /* nodes of the use index: beyond, they are spread wider */
#define USE_QUADRATIC_SPAN 0.05 /* in log: up to this range of use, 3 nodes suffice */
#define X_CELLS 40     /* cells of a group's outpatient and condition cost X (layers by cells) */
#define NARROW_CV 0.25 /* a condition cost this narrow has its group's layers by cells */
#define C_CELLS 64     /* cells of a condition's cost, combined with X_CELLS of B */
#define KINK_BLOCK 512 /* values of a resolved slab summed at a time (layers by slab) */
/* layers_by_slab also in AVX2, used where the processor has it (x86-64, GCC or
 * Clang): 8 floats at a time instead of SSE's 4, the same operations in the
 * same order (AVX2 has no fused multiply-add), so the same bits. */
#if defined(__x86_64__) && defined(__GNUC__)
#define WIDE_SUMS 1
#else
#define WIDE_SUMS 0
#endif
/* its loops, compiled into each of its two versions */
#if defined(__GNUC__)
#define SLAB_LOOPS static inline __attribute__((always_inline))
#else
#define SLAB_LOOPS static inline
#endif

/* One cell of a claim's cost distribution. */
struct atom {
    double w;    /* probability */
    double c;    /* policy-scope cost */
    double fund; /* the fund's payment before the annual cap */
};

/* ψ(w) = α + β w + Σ a_j (w − t_j)^+, t ascending; `at` indexes a table of kinks. */
struct pl {
    double alpha, beta;
    int n;
    double t[MAX_KINKS], a[MAX_KINKS];
    int at[MAX_KINKS];
};

struct benefit_table {
    struct benefit_rules rules;
    int *band_from;
    double *band_ratio;
    struct benefit_claim_model model;
    struct benefit_grid grid;
    int n_index;
    double log_index_min, log_index_ratio;
    int n_use; /* nodes of the use index: 1, 3 (quadratic) or more (cubic) */
    double log_use_min, log_use_step;
    int n_groups;
    int K[MAX_GROUPS];          /* admission counts tabulated for each group */
    size_t row[MAX_GROUPS + 1]; /* first (group, count) row of each group */
    size_t layer_rows; /* rows of `sl` per slab: row[1] + n_use (row[n_groups] − row[1]) */
    int K_in;          /* the largest K */
    size_t L;          /* lattice points */
    double dz;         /* lattice step */
    int NT;            /* t grid: 0, then t_lo × T_RATIO^(k − 1) */
    double t_lo, log_t_ratio;
    double out_step; /* layer nodes at visit rates o × out_step */
    float *sl;       /* [NT][n_index][group's layer rows: node, count][2] (sl_at) */
    double *bmean;   /* [LAYER_NODES][n_index]: mean outpatient out-of-pocket cost */
    double *fund_in; /* [2][K_in + 1][n_index]: mean, second moment */
    double visit_step;
    double *op; /* [VISIT_NODES][n_index][4]: fund, fund², out of pocket, its square */
    /* per claim at index 1: mean cost, mean policy-scope cost */
    double in_cost, in_policy, out_cost, out_policy;
    double count_step[BENEFIT_MAX_ADMISSIONS + 1]; /* p_{n+1} / p_n of the admission count,
                                                      over the ratio */
    /* Layers by cells (see prepare_layers): the groups that have them, the stop-loss
     * transforms of the inpatient out-of-pocket cost A_n alone and, per group, use
     * node and layer node, the conditional means of X in X_CELLS cells of
     * probability cell_p (finer in the upper tail). */
    bool cells[MAX_GROUPS], any_cells;
    double cell_p[X_CELLS];
    double *sa; /* [n_index][K_in + 1][NT][2] */
    double *xq; /* [n_index][LAYER_NODES][X_CELLS]: of the outpatient cost B */
    double cz[C_CELLS + 1], cp[C_CELLS]; /* a condition's cost: normal quantiles of the cuts */
};

/* The layer row of row (group, count) at use node u: the rows without a
 * condition do not depend on the use index and are kept once. */
static size_t layer_row(const struct benefit_table *t, int u, size_t row)
{
    assert(u >= 0 && u < t->n_use && row < t->row[t->n_groups]);
    if (row < t->row[1]) return row;
    return row + (size_t)u * (t->row[t->n_groups] - t->row[1]);
}

/* Where slab [k][i] of `sl` (t node k, index node i) starts: a slab holds
 * every layer row and node, so that a year whose kinks are the same for all of
 * them reads whole slabs in order. */
static size_t slab_at(const struct benefit_table *t, int k, int i)
{
    assert(k >= 0 && k < t->NT && i >= 0 && i < t->n_index);
    return ((size_t)k * (size_t)t->n_index + (size_t)i) * t->layer_rows * LAYER_NODES * 2;
}

/* Where the pair (SL1, SL2) of t node k, index node i, group g at use node u,
 * count n and layer node o is in `sl`. Within a slab each group's rows (at each
 * use node) are where layer_row puts them, node by node: [node][count][2], so
 * that a range of a group's nodes is one run of the slab (the year views
 * prepare only the nodes their lookups read, slab_rows). */
static size_t sl_at(const struct benefit_table *t, int k, int i, int g, int u, int n, int o)
{
    assert(g >= 0 && g < t->n_groups && n >= 0 && n <= t->K[g] && o >= 0 && o < LAYER_NODES);
    size_t first = layer_row(t, u, t->row[g]);
    return slab_at(t, k, i) +
           (first * LAYER_NODES + (size_t)o * (size_t)(t->K[g] + 1) + (size_t)n) * 2;
}

struct benefit_year {
    const struct benefit_table *t;
    bool layers; /* serious illness and assistance prepared too */
    double index, deductible;
    double condition_index; /* price index × use index: a condition patient's treatment */
    int u0, nu;             /* the use nodes u0 .. u0 + nu − 1 and their weights */
    double wu[4];
    double *fund_in; /* [2][K_in + 1]: mean, second moment */
    double *op;      /* [VISIT_NODES][4] */
    double *coef;    /* per group: [K + 1][LAYER_NODES][N_PAYERS][2]: mean, second moment */
    size_t coef_at[MAX_GROUPS];
    double cond[LIMIT_CONDITIONS][2][3]; /* [k][late]: fund, fund², out of pocket */
    /* When every group and node has the same kinks: a block of E W and E W², then
     * of SL1 and SL2 at each kink, [max_kinks + 1][KINK_BLOCK] */
    double *block;
    int max_kinks; /* blocks for this many kinks */
    bool wide;     /* layers_by_slab in AVX2 (benefit_year_plain) */
    /* a block of the sums at t = 0 and at each t node of the kinks, and of a kink:
     * [4 max_kinks + 2][KINK_BLOCK] */
    float *node_sum;
    double *sa;             /* the table's `sa` at the year's index: [K_in + 1][sa nodes][2] */
    struct slab_plan *plan; /* layers by slab: the year's kinks, the groups' nodes prepared */
};

/* ---- claim model and grid ---- */

static void care_init(struct benefit_care_model *c, const struct care_params *p)
{
    for (int l = 0; l < N_LEVELS; l++) {
        c->level_mix[l] = p->level_mix.at[l];
        c->cost_yuan[l] = p->cost_yuan.at[l];
        c->cost_cv[l] = p->cost_cv.at[l];
        c->compliant_share[l] = p->compliant_share.at[l];
    }
    c->overdispersion = p->overdispersion;
}

void benefit_claim_model_init(struct benefit_claim_model *m, const struct scenario *s,
                              const struct region *region)
{
    memset(m, 0, sizeof *m);
    care_init(&m->inpatient, &s->utilization.inpatient);
    care_init(&m->outpatient, &s->utilization.outpatient);
    if (region && region->has_hospital_mix)
        for (int l = 0; l < N_LEVELS; l++)
            m->inpatient.level_mix[l] = region->hospital_mix.at[l];
    m->n_conditions = s->disease.n < LIMIT_CONDITIONS ? s->disease.n : LIMIT_CONDITIONS;
    for (size_t k = 0; k < m->n_conditions; k++) {
        m->condition_cost_yuan[k] = s->disease.conditions[k].annual_cost_yuan;
        m->condition_cost_cv[k] = s->disease.conditions[k].cost_cv;
        m->condition_admissions_multiplier[k] = s->disease.conditions[k].inpatient_multiplier;
    }
    m->caesarean_share = s->utilization.caesarean_share;
}

static double step_max(const struct step *s)
{
    double m = 0;
    for (size_t i = 0; i < s->n; i++)
        m = fmax(m, s->value[i]);
    return m;
}

void benefit_grid_default(struct benefit_grid *g, const struct scenario *s)
{
    double years = s->simulation.years;
    const struct cost_params *c = &s->costs;
    const struct economy_params *e = &s->economy;
    /* The unit cost grows at most about as medical prices, income (excess growth is
     * relative to it) and technology together, plus two standard deviations of the
     * yearly shocks over the projection. */
    double growth = c->inflation_mean + e->income_growth_mean + fmax(0, c->excess_initial) +
                    c->technology_rate * c->technology_jump;
    double shocks = c->inflation_volatility + c->excess_volatility + c->technology_jump;
    /* Parameter risk (parameters.h): a path's own levels move the log price index
     * of the last year by dx A + (dg - du) B, A = sum_s max(0, 1 - s / T) the excess
     * deviation's years as it fades, B = years - A those of the long run (costs.h);
     * three standard deviations of that. */
    double fade = 0;
    for (int k = 0; k < (int)years; k++)
        fade += fmax(0, 1 - k / c->excess_years);
    double sx = c->excess_growth_uncertainty * fade,
           sg = hypot(e->income_growth_uncertainty, c->utilization_trend_uncertainty) *
                (years - fade);
    double levels = 3 * hypot(sx, sg);
    /* the yearly shocks' two standard deviations and the levels' three, independent */
    double index_spread = hypot(2 * shocks * sqrt(years), levels);
    /* The use index of the last year, (1 + u)^(years − 1); the price index is the
     * cost index over the use index, so a falling use raises it. The dated policy
     * effects move the index by their product, up or down. */
    double use_end = pow(1 + c->utilization_trend, years - 1), up = 1, down = 1;
    for (size_t k = 0; k < c->policy_effects.n; k++) {
        double effect = c->policy_effects.value[k];
        if (effect > 0) up *= 1 + effect;
        if (effect < 0) down *= 1 + effect;
    }
    g->index_ratio = 1.2;
    /* About 0.5 (lower by the falls the policy effects make), and a whole number of
     * steps below 1: the start year's index, 1 on every path, is a node, where the
     * tables need no interpolation. */
    g->index_min = pow(g->index_ratio, -4 - ceil(-log(down) / log(g->index_ratio) - 1e-9));
    g->index_max =
        fmin(GRID_INDEX_MAX, exp(fmax(0, growth) * years + index_spread) * up / fmin(1, use_end));
    g->use_min = fmin(1, use_end);
    g->use_max = fmax(1, use_end);
    /* three standard deviations of log income: the yearly shocks' (about) and the
     * path's own mean growth's, independent */
    double spread = hypot(3 * e->income_growth_volatility * sqrt(years + 1) /
                              fmax(0.1, 1 - e->income_growth_persistence),
                          3 * e->income_growth_uncertainty * (years + 1));
    g->income_min_yuan =
        e->income_yuan * exp(fmin(0, e->income_growth_mean) * (years + 1) - spread);
    g->income_max_yuan =
        e->income_yuan * exp(fmax(0, e->income_growth_mean) * (years + 1) + spread);
    double in = 0, out = 0;
    for (int sex = 0; sex < 2; sex++) {
        in = fmax(in, step_max(&s->utilization.inpatient.rate[sex]));
        out = fmax(out, step_max(&s->utilization.outpatient.rate[sex]));
    }
    /* the use trend (with 3 sd of a path's own), a one-off rise, and a margin */
    double trend =
        exp(fmax(0, c->utilization_trend + 3 * c->utilization_trend_uncertainty) * years) * 1.25;
    const struct utilization_params *u = &s->utilization;
    double oneoff = 1;
    for (size_t k = 0; k < u->n_shocks; k++)
        oneoff = fmax(oneoff, fmax(1 + u->shocks[k].change, 1 + u->shocks[k].rebound));
    trend *= oneoff;
    g->admissions_max = in * trend;
    g->visits_max = fmax(1, out * trend);
    g->max_admissions = 32;
    g->lattice_points = 1024;
    g->cap_bins = 16;
}

void benefit_maternity(double natural_yuan, double caesarean_yuan, double caesarean_share,
                       double *mean, double *var)
{
    double a = natural_yuan, b = caesarean_yuan;
    *mean = (1 - caesarean_share) * a + caesarean_share * b;
    *var = fmax(0, (1 - caesarean_share) * a * a + caesarean_share * b * b - *mean * *mean);
}

/* ---- counts ---- */

/* P(N = n) for n = 0..K of the negative binomial with mean λ and variance λ + φλ²
 * (Poisson when φ = 0), stopping early once the rest is below `stop`; returns the
 * last n filled, and sets *tail = P(N > K) and *excess = E[(N − K)^+] when the
 * count reaches K (else 0). */
static int count_pmf(double lambda, double phi, int K, double stop, double *p, double *tail,
                     double *excess)
{
    *tail = *excess = 0;
    p[0] = 1;
    if (!(lambda > 0)) return 0;
    bool poisson = !(phi > 1e-12);
    double ratio = poisson ? lambda : phi * lambda / (1 + phi * lambda),
           shape = poisson ? 1 : 1 / phi;
    p[0] = poisson ? exp(-lambda) : exp(-log1p(phi * lambda) / phi);
    double cum = p[0], mean = 0;
    int n = 0;
    for (; n < K; n++) {
        if (1 - cum < stop && n > lambda) break;
        /* Poisson: p_{n+1} = p_n λ / (n + 1); NB: p_n (n + 1/φ) r / (n + 1) */
        double step = (poisson ? 1 : n + shape) * ratio;
        p[n + 1] = p[n] * step / (n + 1);
        cum += p[n + 1];
        mean += (n + 1) * p[n + 1];
    }
    if (n == K) {
        *tail = fmax(0, 1 - cum);
        *excess = fmax(0, lambda - mean - K * *tail);
    }
    return n;
}

static int nb_pmf(double lambda, double phi, int K, double *p, double *tail, double *excess)
{
    return count_pmf(lambda, phi, K, 1e-16, p, tail, excess);
}

/* The smallest K ≤ cap with P(N > K) < 1e-5 at mean λ (the counts beyond are
 * extrapolated linearly in n). */
static int count_range(double lambda, double phi, int cap)
{
    double p[BENEFIT_MAX_ADMISSIONS + 1], tail, excess;
    assert(cap <= BENEFIT_MAX_ADMISSIONS);
    for (int K = 8; K < cap; K++) {
        nb_pmf(lambda, phi, K, p, &tail, &excess);
        if (tail < 1e-5) return K;
    }
    return cap;
}

/* ---- lognormal cells ---- */

static double upper(double z) /* P(Z > z), precise in both tails */
{
    if (z == INFINITY) return 0;
    if (z == -INFINITY) return 1;
    return gsl_cdf_ugaussian_Q(z);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Cells of a lognormal cost with the given mean and cv: probability and conditional
 * mean of each, between fixed quantiles and the amounts in `split` (kinks of the
 * rules, so that no cell straddles one). Returns the count (≤ MAX_CELLS). */
static size_t lognormal_cells(double mean, double cv, const double *split, int n_split, double *w,
                              double *x)
{
    if (!(mean > 0)) {
        w[0] = 1, x[0] = 0;
        return 1;
    }
    if (!(cv > 0)) {
        w[0] = 1, x[0] = mean;
        return 1;
    }
    double s = sqrt(log1p(cv * cv)), mu = log(mean) - s * s / 2;
    double z[MAX_CELLS + 1];
    size_t nz = 0;
    z[nz++] = -INFINITY;
    for (int i = 0; i <= QUANTILE_CELLS; i++)
        z[nz++] = -Z_SPAN + 2 * Z_SPAN * i / QUANTILE_CELLS;
    z[nz++] = INFINITY;
    for (int k = 0; k < n_split && k < 4; k++)
        if (split[k] > 0) {
            double zk = (log(split[k]) - mu) / s;
            if (zk > -Z_SPAN && zk < Z_SPAN) z[nz++] = zk;
        }
    qsort(z, nz, sizeof *z, cmp_double);
    size_t n = 0;
    for (size_t i = 0; i + 1 < nz; i++) {
        double a = z[i], b = z[i + 1];
        if (!(b > a)) continue;
        double mass = upper(a) - upper(b);
        double part = upper(a - s) - upper(b - s); /* E[X; cell] / mean */
        if (!(mass > 0)) continue;
        w[n] = mass;
        x[n] = mean * part / mass;
        n++;
    }
    return n;
}

/* Atoms of one claim at a random level: policy-scope cost and the fund's payment on
 * it before the cap. Sets the mean cost and the mean policy-scope cost. */
static size_t claim_atoms(const struct benefit_care_model *m, const double *deductible,
                          const double *ratio, double index, struct atom *out, double *cost_mean,
                          double *policy_mean)
{
    double w[MAX_CELLS], x[MAX_CELLS];
    size_t n = 0;
    double c1 = 0, cm = 0;
    for (int l = 0; l < N_LEVELS; l++) {
        double mix = m->level_mix[l], share = m->compliant_share[l];
        if (!(mix > 0)) continue;
        double split = share > 0 ? deductible[l] / share : 0;
        size_t k = lognormal_cells(m->cost_yuan[l] * index, m->cost_cv[l], &split, 1, w, x);
        for (size_t i = 0; i < k; i++) {
            double c = share * x[i];
            out[n++] = (struct atom){mix * w[i], c, ratio[l] * fmax(0, c - deductible[l])};
            c1 += mix * w[i] * c;
        }
        cm += mix * m->cost_yuan[l] * index;
    }
    *cost_mean = cm;
    *policy_mean = c1;
    return n;
}

/* ---- piecewise-linear payers ---- */

static void pl_add(struct pl *f, double t, double a)
{
    assert(f->n < MAX_KINKS || a == 0); /* the bands are few enough (MAX_KINKS) */
    if (f->n >= MAX_KINKS || a == 0) return;
    int j = f->n++;
    while (j > 0 && f->t[j - 1] > t) {
        f->t[j] = f->t[j - 1], f->a[j] = f->a[j - 1];
        j--;
    }
    f->t[j] = t, f->a[j] = a;
}

/* min(f, c) for a nondecreasing f. */
static void pl_min(struct pl *f, double c)
{
    if (f->alpha >= c) {
        f->alpha = c, f->beta = 0, f->n = 0;
        return;
    }
    double v = f->alpha, s = f->beta, w = 0;
    for (int j = 0; j <= f->n; j++) {
        double next = j < f->n ? fmax(f->t[j], w) : INFINITY;
        if (s > 0 && v + s * (next - w) >= c) {
            double at = w + (c - v) / s;
            f->n = j;
            pl_add(f, at, -s);
            return;
        }
        if (j == f->n) return;
        v += s * (next - w);
        w = next;
        s += f->a[j];
    }
}

/* Serious illness on W, the terms of the rule (models/benefits.h: the same as
 * benefits_serious pays) as ψ: a kink at each band's start, whose slope the
 * band's ratio, then the cap. `deductible` is the others'. */
static void pl_serious(struct pl *f, const struct benefit_rules *r, double deductible, bool poor)
{
    struct benefit_serious_terms x;
    benefit_serious_terms_init(&x, r, poor, deductible);
    *f = (struct pl){0};
    double prev = 0;
    for (size_t b = 0; b < x.n_bands; b++) {
        double ratio = benefit_serious_ratio(&x, b);
        pl_add(f, x.deductible_yuan + x.band_from_yuan[b], ratio - prev);
        prev = ratio;
    }
    if (x.cap_yuan > 0) pl_min(f, x.cap_yuan);
}

/* Assistance at `ratio` on W − f(W) + e (f: the poor's serious illness), within the
 * limit. */
static void pl_assistance(struct pl *f, const struct pl *poor_serious, double ratio, double limit,
                          double e)
{
    *f = (struct pl){0};
    if (!(ratio > 0)) return;
    f->alpha = ratio * e, f->beta = ratio;
    for (int j = 0; j < poor_serious->n; j++)
        pl_add(f, poor_serious->t[j], -ratio * poor_serious->a[j]);
    pl_min(f, limit);
}

/* The kinks of a serious-illness or assistance payer at a deductible, for the
 * lattice's range: the largest over the rules' incomes. */
static double max_kink(const struct benefit_rules *r, double income)
{
    double D = benefit_serious_deductible(r, income), top = D;
    struct pl f[2], a;
    pl_serious(&f[0], r, D, false);
    pl_serious(&f[1], r, D, true);
    for (int p = 0; p < 2; p++)
        if (f[p].n) top = fmax(top, f[p].t[f[p].n - 1]);
    for (int c = 0; c < N_CATEGORIES; c++) {
        pl_assistance(&a, &f[r->serious_poor[c] ? 1 : 0], r->assistance_ratio[c],
                      r->assistance_limit_yuan, 0);
        if (a.n && a.t[a.n - 1] < 1e9) top = fmax(top, a.t[a.n - 1]); /* beyond 1e9: never */
    }
    return top;
}

/* ---- interpolation ---- */

/* Lagrange weights of the cubic through nodes 0..3 at x. */
static void cubic_weights(double x, double w[4])
{
    double a = x, b = x - 1, c = x - 2, d = x - 3;
    w[0] = -b * c * d / 6, w[1] = a * c * d / 2, w[2] = -a * b * d / 2, w[3] = a * b * c / 6;
}

/* The first of the 4 nodes around position u on nodes 0..n − 1 (n ≥ 4), and weights. */
static int node_weights(double u, int n, double w[4])
{
    assert(n >= 4);
    int k = (int)floor(u) - 1;
    if (k < 0) k = 0;
    if (k > n - 4) k = n - 4;
    cubic_weights(u - k, w);
    return k;
}

/* Where amount t falls on the t grid: first node and 4 weights (1 or 2 used below
 * the first log node). */
struct t_weights {
    int k0;
    double w[4];
};

static void t_weights(const struct benefit_table *t, double tt, struct t_weights *tw)
{
    if (tt <= 0) {
        tw->k0 = 0;
        tw->w[0] = 1, tw->w[1] = tw->w[2] = tw->w[3] = 0;
    } else if (tt < t->t_lo) {
        double f = tt / t->t_lo; /* linear between the nodes 0 and t_lo */
        tw->k0 = 0;
        tw->w[0] = 1 - f, tw->w[1] = f, tw->w[2] = tw->w[3] = 0;
    } else {
        double u = log(tt / t->t_lo) / t->log_t_ratio; /* from node 1 */
        tw->k0 = 1 + node_weights(u, t->NT - 1, tw->w);
    }
}

/* ---- build: work space ---- */

struct work {
    size_t L;
    double *fft_k;    /* kernels: [J][2L] non-crossing, [J][2L] to the capped state, [2L] capped */
    double *fft_s;    /* chain states: [J + 1][2L] */
    double *fft_b;    /* outpatient: [LAYER_NODES][2L] */
    double *fft_bx;   /* the same unscaled (Bx), when a group has cells: [LAYER_NODES][2L] */
    double *fft_a;    /* inpatient by count: [K_in + 1][2L] */
    double *fft_ob;   /* O ⊕ B_o, with a condition: [LAYER_NODES][2L] */
    double *acc, *fo; /* [2L] each */
    double *conv;     /* [4L] */
    double *suffix;   /* [3(L + 1)] */
    struct lattice *kern, *state, *next, *A, *B, O, OB[LAYER_NODES], G, Gk, Gn, C, Cv, Cn;
    struct moments *kall, *A_part, B_all[LAYER_NODES], Bx_all[LAYER_NODES], OB_all[LAYER_NODES];
    double *t_grid;                                  /* [NT]: the amounts of the t grid */
    double *sl1[LATTICE_LANES], *sl2[LATTICE_LANES]; /* [NT] each: SL1 and SL2 there */
    double *acc_lane[LATTICE_LANES];                 /* [2L] each: the transforms of W */
    double *sums;                                    /* [3 NT LATTICE_LANES] */
    struct lattice *Bx; /* B unscaled: the outpatient out-of-pocket cost (cells) */
    struct atom *atoms;
    double (*visits)[4]; /* [VISIT_CHAIN_MAX + 1] moments by visit count */
    double *pm;          /* [VISIT_CHAIN_MAX + 1] */
    double (*bmix)[VISIT_CHAIN_MAX + 1];
    struct rfft *fft; /* the transforms of 2L points */
};

static int work_init(struct work *w, const struct benefit_table *t)
{
    size_t L = t->L, L2 = 2 * L;
    int J = t->grid.cap_bins, K = t->K_in;
    memset(w, 0, sizeof *w);
    w->L = L;
    w->fft_k = malloc(sizeof(double) * (2 * J + 1) * L2);
    w->fft_s = malloc(sizeof(double) * (J + 1) * L2);
    w->fft_b = malloc(sizeof(double) * LAYER_NODES * L2);
    w->fft_a = malloc(sizeof(double) * (K + 1) * L2);
    w->acc = malloc(sizeof(double) * L2);
    w->fo = malloc(sizeof(double) * L2);
    w->fft_ob = malloc(sizeof(double) * LAYER_NODES * L2);
    w->A_part = malloc(sizeof *w->A_part * (K + 1));
    w->t_grid = malloc(sizeof *w->t_grid * t->NT);
    int lanes_bad = 0;
    for (int l = 0; l < LATTICE_LANES; l++) {
        w->sl1[l] = malloc(sizeof *w->sl1[l] * t->NT);
        w->sl2[l] = malloc(sizeof *w->sl2[l] * t->NT);
        w->acc_lane[l] = malloc(sizeof(double) * L2);
        lanes_bad |= !w->sl1[l] || !w->sl2[l] || !w->acc_lane[l];
    }
    w->sums = malloc(sizeof *w->sums * 3 * LATTICE_LANES * t->NT);
    w->conv = malloc(sizeof(double) * 2 * L2);
    w->suffix = malloc(sizeof(double) * 3 * (L + 1));
    w->kern = calloc(2 * J + 1, sizeof *w->kern);
    w->state = calloc(J + 1, sizeof *w->state);
    w->next = calloc(J + 1, sizeof *w->next);
    w->A = calloc(K + 1, sizeof *w->A);
    w->B = calloc(LAYER_NODES, sizeof *w->B);
    w->Bx = calloc(LAYER_NODES, sizeof *w->Bx);
    w->fft_bx = t->any_cells ? malloc(sizeof(double) * LAYER_NODES * L2) : NULL;
    w->kall = calloc(2 * J + 1, sizeof *w->kall);
    w->atoms = malloc(sizeof *w->atoms * N_LEVELS * MAX_CELLS);
    w->visits = malloc(sizeof *w->visits * (VISIT_CHAIN_MAX + 1));
    w->pm = malloc(sizeof *w->pm * (VISIT_CHAIN_MAX + 1));
    w->bmix = malloc(sizeof *w->bmix * LAYER_NODES);
    w->fft = rfft_alloc(L2);
    if (!w->fft || !w->fft_k || !w->fft_s || !w->fft_b || !w->fft_a || !w->acc || !w->fo ||
        !w->fft_ob || !w->A_part || !w->t_grid || lanes_bad || !w->sums || !w->conv || !w->suffix ||
        !w->kern || !w->state || !w->next || !w->A || !w->B || !w->kall || !w->atoms ||
        !w->visits || !w->pm || !w->bmix || !w->Bx || (t->any_cells && !w->fft_bx))
        return -1;
    int bad = 0;
    for (int j = 0; j < 2 * J + 1; j++)
        bad |= lattice_init(&w->kern[j], L, t->dz);
    for (int j = 0; j < J + 1; j++)
        bad |= lattice_init(&w->state[j], L, t->dz) | lattice_init(&w->next[j], L, t->dz);
    for (int n = 0; n <= K; n++)
        bad |= lattice_init(&w->A[n], L, t->dz);
    for (int o = 0; o < LAYER_NODES; o++)
        bad |= lattice_init(&w->B[o], L, t->dz);
    for (int o = 0; t->any_cells && o < LAYER_NODES; o++)
        bad |= lattice_init(&w->Bx[o], L, t->dz);
    for (int o = 0; o < LAYER_NODES; o++)
        bad |= lattice_init(&w->OB[o], L, t->dz);
    double cap = t->rules.inpatient_cap_yuan;
    double dg = cap > 0 && cap < NO_CAP_YUAN ? 1.25 * cap / (double)(L - 1) : 1;
    bad |= lattice_init(&w->O, L, t->dz) | lattice_init(&w->C, L, t->dz) |
           lattice_init(&w->Cv, L, t->dz) | lattice_init(&w->Cn, L, t->dz);
    bad |= lattice_init(&w->G, L, dg) | lattice_init(&w->Gk, L, dg) | lattice_init(&w->Gn, L, dg);
    return bad ? -1 : 0;
}

static void work_free(struct work *w, const struct benefit_table *t)
{
    int J = t->grid.cap_bins, K = t->K_in;
    for (int j = 0; w->kern && j < 2 * J + 1; j++)
        lattice_free(&w->kern[j]);
    for (int j = 0; w->state && w->next && j < J + 1; j++)
        lattice_free(&w->state[j]), lattice_free(&w->next[j]);
    for (int n = 0; w->A && n <= K; n++)
        lattice_free(&w->A[n]);
    for (int o = 0; w->B && o < LAYER_NODES; o++)
        lattice_free(&w->B[o]);
    for (int o = 0; w->Bx && o < LAYER_NODES; o++)
        lattice_free(&w->Bx[o]);
    for (int o = 0; o < LAYER_NODES; o++)
        lattice_free(&w->OB[o]);
    struct lattice *single[] = {&w->O, &w->C, &w->Cv, &w->Cn, &w->G, &w->Gk, &w->Gn};
    for (size_t i = 0; i < sizeof single / sizeof *single; i++)
        lattice_free(single[i]);
    free(w->fft_k), free(w->fft_s), free(w->fft_b), free(w->fft_a), free(w->acc), free(w->fo),
        free(w->fft_ob);
    for (int l = 0; l < LATTICE_LANES; l++)
        free(w->sl1[l]), free(w->sl2[l]), free(w->acc_lane[l]);
    free(w->A_part), free(w->t_grid), free(w->sums);
    free(w->conv), free(w->suffix), free(w->kern), free(w->state), free(w->next), free(w->A);
    free(w->B), free(w->kall), free(w->atoms), free(w->visits), free(w->pm);
    free(w->bmix), free(w->Bx), free(w->fft_bx);
    rfft_free(w->fft);
}

static void add_moments(struct moments *to, struct moments a)
{
    to->m0 += a.m0, to->m1 += a.m1, to->m2 += a.m2;
}

/* out = a ⊕ b given both transforms; out's tail gets the parts beyond the lattice. */
static void sum_from_fft(struct rfft *f, const struct lattice *a, const double *fa,
                         struct moments a_part, const struct lattice *b, const double *fb,
                         struct moments b_all, struct lattice *out, double *acc)
{
    size_t L2 = 2 * a->n;
    assert(b->n == a->n && out->n == a->n);
    lattice_fft_mul(acc, fa, fb, L2);
    lattice_clear(out);
    lattice_fft_collect(f, acc, out);
    add_moments(&out->tail, lattice_moments_sum(a->tail, b_all));
    add_moments(&out->tail, lattice_moments_sum(a_part, b->tail));
}

/* ---- build: inpatient ---- */

/* The inpatient fund's first two moments for 0..K_in admissions at index node i:
 * min(cap, G_n), G_n the sum of the admissions' payments before the cap. */
static void inpatient_fund(struct benefit_table *t, struct work *w, const struct atom *at,
                           size_t na, int i)
{
    double cap = t->rules.inpatient_cap_yuan, mg = 0, mg2 = 0;
    for (size_t a = 0; a < na; a++)
        mg += at[a].w * at[a].fund, mg2 += at[a].w * at[a].fund * at[a].fund;
    double vg = fmax(0, mg2 - mg * mg);
    bool capped = cap > 0 && cap < NO_CAP_YUAN;
    if (capped) {
        lattice_clear(&w->Gk);
        for (size_t a = 0; a < na; a++)
            lattice_put(&w->Gk, at[a].fund, at[a].w);
        lattice_clear(&w->G);
        w->G.p[0] = 1;
    }
    for (int n = 0; n <= t->K_in; n++) {
        double sl1 = 0, sl2 = 0, s;
        if (capped && n > 0) {
            lattice_convolve(w->fft, &w->G, &w->Gk, &w->Gn, w->conv);
            struct lattice tmp = w->G;
            w->G = w->Gn, w->Gn = tmp;
            lattice_suffix(&w->G, w->suffix);
            lattice_stop_loss(&w->G, w->suffix, cap, &sl1, &sl2, &s);
        }
        /* E min(cap, G) = E G − E(G − cap)^+; E min² = E G² − E((G − cap)^+)² − 2 cap E(G − cap)^+
         */
        double mean = n * mg - sl1, m2 = n * vg + (double)n * n * mg * mg - sl2 - 2 * cap * sl1;
        if (!(cap > 0)) mean = m2 = 0;
        t->fund_in[(size_t)n * t->n_index + i] = fmax(0, mean);
        t->fund_in[((size_t)(t->K_in + 1) + n) * t->n_index + i] = fmax(0, m2);
    }
}

/* The inpatient out-of-pocket cost after the fund for n = 0..K_in admissions, into
 * w->A: a chain over admissions whose state is the fund's payment so far, in J bins
 * of the annual cap (split between neighbouring bins so that its mean is kept), or
 * the cap reached. From bin j an admission paying g before the cap moves to bin
 * j + g/δ and adds c − g to W; if g reaches the rest of the cap, the fund pays that
 * rest and the person is capped; then every later admission adds its whole
 * policy-scope cost c. */
static void inpatient_chain(struct benefit_table *t, struct work *w, const struct atom *at,
                            size_t na)
{
    const double cap = t->rules.inpatient_cap_yuan;
    const size_t L = t->L, L2 = 2 * L;
    int J = t->grid.cap_bins;
    bool nocap = cap >= NO_CAP_YUAN, allcap = !(cap > 0);
    if (nocap || allcap) J = 1;
    double dG = cap / J;
    struct lattice *Kn = w->kern, *X = w->kern + J, *Kc = w->kern + 2 * J;
    for (int j = 0; j < 2 * J + 1; j++)
        lattice_clear(&w->kern[j]);
    for (size_t a = 0; a < na; a++) {
        double c = at[a].c, g = at[a].fund, h = c - g;
        lattice_put(Kc, c, at[a].w);
        if (nocap) {
            lattice_put(&Kn[0], h, at[a].w);
            continue;
        }
        if (allcap) continue;
        double u = g / dG;
        int k0 = u >= J ? J : (int)u;
        double phi = u - k0;
        if (k0 < J) lattice_put(&Kn[k0], h, at[a].w * (1 - phi));
        if (k0 + 1 < J) lattice_put(&Kn[k0 + 1], h, at[a].w * phi);
        for (int j = 0; j < J; j++) {
            int rem = J - j;
            if (k0 >= rem) /* reaches the cap: the fund pays the rest of it */
                lattice_put(&X[j], c - rem * dG, at[a].w);
            else if (k0 == rem - 1) /* the split puts this part exactly at the cap */
                lattice_put(&X[j], h, at[a].w * phi);
        }
    }
    for (int j = 0; j < 2 * J + 1; j++) {
        lattice_fft(w->fft, &w->kern[j], w->fft_k + (size_t)j * L2);
        w->kall[j] = lattice_moments(&w->kern[j]);
    }
    const double *FK = w->fft_k, *FX = w->fft_k + (size_t)J * L2;
    const double *FKc = w->fft_k + (size_t)2 * J * L2;

    struct lattice *S = w->state, *N = w->next; /* S[0..J−1] by bin, S[J] capped */
    for (int j = 0; j <= J; j++)
        lattice_clear(&S[j]);
    S[allcap ? J : 0].p[0] = 1;
    lattice_clear(&w->A[0]);
    w->A[0].p[0] = 1;
    struct moments part[BENEFIT_MAX_CAP_BINS + 1], all[BENEFIT_MAX_CAP_BINS + 1];
    bool active[BENEFIT_MAX_CAP_BINS + 1];
    assert(J <= BENEFIT_MAX_CAP_BINS);
    for (int n = 1; n <= t->K_in; n++) {
        for (int j = 0; j <= J; j++) {
            /* all as lattice_moments makes it: the part, then the tail added */
            part[j] = all[j] = lattice_part(&S[j]);
            add_moments(&all[j], S[j].tail);
            active[j] = all[j].m0 > 1e-15; /* less is FFT round-off, or negligible */
            if (active[j]) lattice_fft(w->fft, &S[j], w->fft_s + (size_t)j * L2);
            lattice_clear(&N[j]);
        }
        for (int to = 0; to <= J; to++) {
            memset(w->acc, 0, L2 * sizeof *w->acc);
            bool any = false;
            for (int from = 0; from <= to; from++) {
                if (!active[from]) continue;
                int k; /* the kernel from `from` to `to` */
                const double *F;
                if (to < J)
                    k = to - from, F = FK + (size_t)k * L2;
                else if (from < J)
                    k = J + from, F = FX + (size_t)from * L2;
                else
                    k = 2 * J, F = FKc;
                if (!(w->kall[k].m0 * all[from].m0 > 1e-18)) continue;
                lattice_fft_mul_add(w->acc, w->fft_s + (size_t)from * L2, F, L2);
                add_moments(&N[to].tail, lattice_moments_sum(S[from].tail, w->kall[k]));
                add_moments(&N[to].tail, lattice_moments_sum(part[from], w->kern[k].tail));
                any = true;
            }
            if (any) lattice_fft_collect(w->fft, w->acc, &N[to]);
        }
        struct lattice *tmp = S;
        S = N, N = tmp;
        struct lattice *A = &w->A[n];
        lattice_clear(A);
        for (int j = 0; j <= J; j++) {
            for (size_t i = 0; i < L; i++)
                A->p[i] += S[j].p[i];
            add_moments(&A->tail, S[j].tail);
        }
    }
}

/* ---- build: general outpatient ---- */

/* Moments for m = 0..m_max visits: f[m] = {E min(cap, V_m), E min(cap, V_m)², E B_m,
 * E B_m²} with V_m, C_m the sums of the visits' payments before the cap and of their
 * policy-scope costs, B_m = C_m − min(cap, V_m) the out-of-pocket cost. A chain over
 * visits whose state is V in VISIT_BINS bins of the cap (or the cap reached), each
 * carrying the moments of B; once everyone is capped, each visit adds its cost to B.
 * Returns −1 when out of memory. */
static int outpatient_moments(const struct benefit_table *t, const struct atom *at, size_t na,
                              double (*f)[4], int m_max, double *c_mean, double *c_var)
{
    double cap = t->rules.outpatient_cap_yuan;
    double c1 = 0, c2 = 0, v1 = 0, v2 = 0, o1 = 0, o2 = 0;
    for (size_t a = 0; a < na; a++) {
        double o = at[a].c - at[a].fund;
        c1 += at[a].w * at[a].c, c2 += at[a].w * at[a].c * at[a].c;
        v1 += at[a].w * at[a].fund, v2 += at[a].w * at[a].fund * at[a].fund;
        o1 += at[a].w * o, o2 += at[a].w * o * o;
    }
    *c_mean = c1, *c_var = fmax(0, c2 - c1 * c1);
    if (!(cap > 0) || cap >= OUTPATIENT_NO_CAP_YUAN) {
        /* no fund (cap 0), or no cap that binds: sums of independent visits */
        bool none = !(cap > 0);
        double a1 = none ? 0 : v1, a2 = none ? 0 : v2, b1 = none ? c1 : o1, b2 = none ? c2 : o2;
        for (int m = 0; m <= m_max; m++) {
            f[m][0] = m * a1, f[m][1] = m * (a2 - a1 * a1) + (double)m * m * a1 * a1;
            f[m][2] = m * b1, f[m][3] = m * (b2 - b1 * b1) + (double)m * m * b1 * b1;
        }
        return 0;
    }
    enum { JV = VISIT_BINS };
    double dv = cap / JV;
    struct moments *kv = calloc(JV, sizeof *kv), *xv = calloc(JV, sizeof *xv);
    struct moments *st = calloc(JV + 1, sizeof *st), *nx = calloc(JV + 1, sizeof *nx);
    if (!kv || !xv || !st || !nx) {
        free(kv), free(xv), free(st), free(nx);
        return -1;
    }
    struct moments kc = {1, c1, c2};
    for (size_t a = 0; a < na; a++) {
        double w = at[a].w, c = at[a].c, v = at[a].fund, o = c - v;
        double u = v / dv;
        int k0 = u >= JV ? JV : (int)u;
        double phi = u - k0, wl = w * (1 - phi), wh = w * phi;
        if (k0 < JV) add_moments(&kv[k0], (struct moments){wl, wl * o, wl * o * o});
        if (k0 + 1 < JV) add_moments(&kv[k0 + 1], (struct moments){wh, wh * o, wh * o * o});
        for (int j = 0; j < JV; j++) {
            int rem = JV - j;
            if (k0 >= rem) {
                double b = c - rem * dv;
                add_moments(&xv[j], (struct moments){w, w * b, w * b * b});
            } else if (k0 == rem - 1) {
                add_moments(&xv[j], (struct moments){wh, wh * o, wh * o * o});
            }
        }
    }
    int kmax = 0;
    for (int k = 0; k < JV; k++)
        if (kv[k].m0 > 0) kmax = k;
    st[0] = (struct moments){1, 0, 0};
    f[0][0] = f[0][1] = f[0][2] = f[0][3] = 0;
    int last = m_max;
    for (int m = 1; m <= m_max; m++) {
        memset(nx, 0, (JV + 1) * sizeof *nx);
        for (int j = 0; j < JV; j++) {
            if (!(st[j].m0 > 1e-300)) continue;
            int top = JV - 1 - j < kmax ? JV - 1 - j : kmax;
            for (int k = 0; k <= top; k++)
                add_moments(&nx[j + k], lattice_moments_sum(st[j], kv[k]));
            add_moments(&nx[JV], lattice_moments_sum(st[j], xv[j]));
        }
        add_moments(&nx[JV], lattice_moments_sum(st[JV], kc));
        struct moments *tmp = st;
        st = nx, nx = tmp;
        double fund = 0, fund2 = 0, b1 = 0, b2 = 0, uncapped = 0;
        for (int j = 0; j < JV; j++) {
            fund += st[j].m0 * j * dv, fund2 += st[j].m0 * (j * dv) * (j * dv);
            b1 += st[j].m1, b2 += st[j].m2;
            uncapped += st[j].m0;
        }
        fund += st[JV].m0 * cap, fund2 += st[JV].m0 * cap * cap;
        b1 += st[JV].m1, b2 += st[JV].m2;
        f[m][0] = fund, f[m][1] = fund2, f[m][2] = b1, f[m][3] = b2;
        if (uncapped < 1e-15) {
            last = m;
            break;
        }
    }
    /* beyond: everyone capped; each visit adds its whole policy-scope cost to B */
    for (int q = last + 1; q <= m_max; q++) {
        double k = q - last, b = f[last][2], bb = f[last][3];
        f[q][0] = cap, f[q][1] = cap * cap;
        f[q][2] = b + k * c1;
        f[q][3] = bb + 2 * k * c1 * b + k * (*c_var) + k * k * c1 * c1;
    }
    free(kv), free(xv), free(st), free(nx);
    return 0;
}

/* The visit counts followed: up to where the count's tail at the highest rate is
 * negligible (the negative binomial's tail falls by φλ / (1 + φλ) per visit). */
static int visit_range(const struct benefit_table *t)
{
    double phi = t->model.outpatient.overdispersion, lmax = t->grid.visits_max;
    double q = phi > 1e-12 ? phi * lmax / (1 + phi * lmax) : 0;
    int m_max = (int)(lmax * 6 + 40);
    if (q > 0) m_max += (int)(log(1e-13) / log(q));
    return m_max > VISIT_CHAIN_MAX ? VISIT_CHAIN_MAX : m_max;
}

/* The b ≥ a E C − E B with E (a C − b)^+ = E B: the shift of the affine map that keeps
 * the mean when the few values it would make negative are set to 0 (Newton steps on
 * a convex, decreasing, piecewise-linear function of b). */
static double affine_shift(const struct lattice *C, double a, double eb)
{
    const struct moments *T = &C->tail;
    struct moments cm = lattice_moments(C);
    double b = a * cm.m1 - eb;
    for (int it = 0; it < 30; it++) {
        double h = a * T->m1 - b * T->m0, slope = T->m0;
        for (size_t k = 0; k < C->n; k++) {
            double v = a * (double)k * C->step - b;
            if (v > 0) h += C->p[k] * v, slope += C->p[k];
        }
        if (!(slope > 0) || fabs(h - eb) <= 1e-12 * fmax(1, eb)) break;
        b += (h - eb) / slope;
    }
    return b;
}

/* Adds s·(a C − b)^+ to each of `nodes` lattices with weight q[o]: a and b give B the
 * mean eb and the variance vb (a from the variance ratio, b keeping the mean when a few
 * values are set to 0); each point split between its neighbours. */
static void put_affine(const struct lattice *C, double eb, double vb, double s, const double *q,
                       int nodes, struct lattice *B)
{
    struct moments cm = lattice_moments(C);
    double vc = fmax(0, cm.m2 - cm.m1 * cm.m1);
    double a = vc > 0 ? sqrt(vb / vc) : 1, b = affine_shift(C, a, eb);
    const size_t L = C->n;
    const double dz = C->step, top = (double)(L - 1);
    for (size_t k = 0; k < L; k++) {
        double mass = C->p[k];
        if (!(fabs(mass) > 1e-30)) continue;
        double v = s * fmax(0, a * (double)k * dz - b), x = v / dz;
        if (x > top) {
            for (int o = 0; o < nodes; o++)
                add_moments(&B[o].tail,
                            (struct moments){q[o] * mass, q[o] * mass * v, q[o] * mass * v * v});
            continue;
        }
        size_t j = (size_t)x;
        double fr = x - (double)j;
        if (j >= L - 1) j = L - 2, fr = 1;
        for (int o = 0; o < nodes; o++) {
            B[o].p[j] += q[o] * mass * (1 - fr);
            B[o].p[j + 1] += q[o] * mass * fr;
        }
    }
    const struct moments *T = &C->tail;
    for (int o = 0; o < nodes; o++)
        add_moments(
            &B[o].tail,
            (struct moments){q[o] * T->m0, q[o] * s * (a * T->m1 - b * T->m0),
                             q[o] * s * s * (a * a * T->m2 - 2 * a * b * T->m1 + b * b * T->m0)});
}

/* The outpatient lines on the fine grid of visit rates, and the counted outpatient
 * out-of-pocket cost's distribution at the layer nodes (w->B): for m visits, the
 * policy-scope cost C_m (by convolution) mapped to (a C_m − b)^+ with a and b matching
 * the variance and mean of B_m = C_m − min(cap, V_m) (the fund's part is at most the
 * cap, a few hundred yuan: its shape hardly matters), mixed over the count. */
static int outpatient(struct benefit_table *t, struct work *w, const struct atom *at, size_t na,
                      int i)
{
    double phi = t->model.outpatient.overdispersion, s = t->rules.serious_outpatient_share;
    int m_max = visit_range(t);
    double(*f)[4] = w->visits, c_mean, c_var;
    if (outpatient_moments(t, at, na, f, m_max, &c_mean, &c_var)) return -1;
    for (int q = 0; q < VISIT_NODES; q++) {
        double tail, excess;
        int top = nb_pmf(q * t->visit_step, phi, m_max, w->pm, &tail, &excess);
        double acc[4] = {0};
        for (int m = 0; m <= top; m++)
            for (int k = 0; k < 4; k++)
                acc[k] += w->pm[m] * f[m][k];
        /* counts beyond m_max (below 1e-13): capped, B grows by the cost per visit */
        acc[0] += tail * f[m_max][0], acc[1] += tail * f[m_max][1];
        acc[2] += tail * f[m_max][2] + excess * c_mean;
        acc[3] += tail * f[m_max][3] + excess * (2 * c_mean * f[m_max][2] + c_var);
        double *o = t->op + ((size_t)q * t->n_index + i) * 4;
        for (int k = 0; k < 4; k++)
            o[k] = acc[k];
    }

    /* the counted part s·B at the layer nodes */
    for (int o = 0; o < LAYER_NODES; o++) {
        lattice_clear(&w->B[o]);
        if (t->any_cells) lattice_clear(&w->Bx[o]);
        double tail, excess;
        int top = nb_pmf(o * t->out_step, phi, m_max, w->pm, &tail, &excess);
        for (int m = 0; m <= m_max; m++)
            w->bmix[o][m] = m <= top ? w->pm[m] : 0;
        w->bmix[o][m_max] += tail;
        t->bmean[(size_t)o * t->n_index + i] = 0;
    }
    lattice_clear(&w->Cv);
    for (size_t a = 0; a < na; a++)
        lattice_put(&w->Cv, at[a].c, at[a].w);
    lattice_clear(&w->C);
    w->C.p[0] = 1;
    for (int m = 0; m <= m_max; m++) {
        double q[LAYER_NODES], wmax = 0;
        for (int o = 0; o < LAYER_NODES; o++) {
            q[o] = w->bmix[o][m] > 1e-18 ? w->bmix[o][m] : 0;
            t->bmean[(size_t)o * t->n_index + i] += q[o] * f[m][2];
            wmax = fmax(wmax, q[o]);
        }
        if (m > VISIT_CONVOLVED) continue; /* below, in bins */
        if (m > 0) {
            lattice_convolve(w->fft, &w->C, &w->Cv, &w->Cn, w->conv);
            struct lattice tmp = w->C;
            w->C = w->Cn, w->Cn = tmp;
        }
        if (!(wmax > 1e-16)) continue;
        put_affine(&w->C, f[m][2], fmax(0, f[m][3] - f[m][2] * f[m][2]), s, q, LAYER_NODES, w->B);
        if (t->any_cells)
            put_affine(&w->C, f[m][2], fmax(0, f[m][3] - f[m][2] * f[m][2]), 1, q, LAYER_NODES,
                       w->Bx);
    }
    /* Heavier users, rare: VISIT_BIN visit counts at a time, their mixture at each node
     * taken as one map of C_VISIT_CONVOLVED with the mixture's mean and variance. */
    for (int m0 = VISIT_CONVOLVED + 1; m0 <= m_max; m0 += VISIT_BIN)
        for (int o = 0; o < LAYER_NODES; o++) {
            double mass = 0, b1 = 0, b2 = 0;
            for (int m = m0; m < m0 + VISIT_BIN && m <= m_max; m++) {
                double q = w->bmix[o][m];
                mass += q, b1 += q * f[m][2], b2 += q * f[m][3];
            }
            if (!(mass > 1e-16)) continue;
            double eb = b1 / mass, vb = fmax(0, b2 / mass - eb * eb);
            put_affine(&w->C, eb, vb, s, &mass, 1, &w->B[o]);
            if (t->any_cells) put_affine(&w->C, eb, vb, 1, &mass, 1, &w->Bx[o]);
        }
    for (int o = 0; o < LAYER_NODES; o++) {
        lattice_fft(w->fft, &w->B[o], w->fft_b + (size_t)o * 2 * t->L);
        w->B_all[o] = lattice_moments(&w->B[o]);
        if (!t->any_cells) continue;
        lattice_fft(w->fft, &w->Bx[o], w->fft_bx + (size_t)o * 2 * t->L);
        w->Bx_all[o] = lattice_moments(&w->Bx[o]);
    }
    return 0;
}

/* ---- build: the layers' table ---- */

/* max(0, x), NaN to 0 as fmax(0, x) does, but inlined. */
static inline double positive(double x)
{
    return x > 0 ? x : 0;
}

static double covered_share(const struct benefit_rules *r)
{
    double f = 1 - (double)r->waiting_days / BENEFIT_DAYS_PER_YEAR;
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

/* A condition's out-of-pocket cost, times s (the share serious illness counts, or 1),
 * s × (X − min(cap, r (X − d)^+)) into w->O, X of mean annual_cost_yuan × index ×
 * covered. */
static void condition_oop(const struct benefit_table *t, struct work *w, int k, double covered,
                          double index, double s)
{
    const struct benefit_condition_rule *b = &t->rules.condition[k];
    double split[2] = {b->deductible_yuan,
                       b->ratio > 0 ? b->deductible_yuan + b->cap_yuan / b->ratio : 0};
    double cw[MAX_CELLS], cx[MAX_CELLS];
    size_t n = lognormal_cells(t->model.condition_cost_yuan[k] * index * covered,
                               t->model.condition_cost_cv[k], split, 2, cw, cx);
    lattice_clear(&w->O);
    for (size_t i = 0; i < n; i++) {
        double fund = fmin(b->cap_yuan, b->ratio * fmax(0, cx[i] - b->deductible_yuan));
        lattice_put(&w->O, s * (cx[i] - fund), cw[i]);
    }
}

/* SL1 and SL2 of W = A_n ⊕ O ⊕ B_o on the t grid for every count and node of group g
 * (O = 0 without a condition, else the condition's counted out-of-pocket cost at
 * `condition_index`), into its layer rows at use node u. The FFTs of A_n are in
 * w->fft_a, their lattice parts' moments in w->A_part. With a condition, O ⊕ B_o
 * is summed first, once for all counts: the same lattice and tail as the sum
 * (A_n ⊕ O) ⊕ B_o up to rounding (every amount is ≥ 0, so the points below the
 * lattice's top are the same sums of points, and the tail's moments are exact). */
static void tabulate_group(struct benefit_table *t, struct work *w, int i, int g, int u,
                           double condition_index)
{
    const size_t L2 = 2 * t->L;
    const struct lattice *B = w->B;
    const double *fb = w->fft_b;
    const struct moments *b_all = w->B_all;
    if (g > 0) {
        condition_oop(t, w, (g - 1) / 2, (g - 1) % 2 ? covered_share(&t->rules) : 1,
                      condition_index, t->rules.serious_outpatient_share);
        lattice_fft(w->fft, &w->O, w->fo);
        struct moments o_part = lattice_part(&w->O);
        for (int o = 0; o < LAYER_NODES; o++) {
            sum_from_fft(w->fft, &w->O, w->fo, o_part, &w->B[o], w->fft_b + (size_t)o * L2,
                         w->B_all[o], &w->OB[o], w->acc);
            lattice_fft(w->fft, &w->OB[o], w->fft_ob + (size_t)o * L2);
            w->OB_all[o] = lattice_moments(&w->OB[o]);
        }
        B = w->OB, fb = w->fft_ob, b_all = w->OB_all;
    }
    /* The pairs (n, o) LATTICE_LANES at a time (lattice_fft_stop_loss_lanes), the
     * few left over one by one: the same bits either way. */
    const int pairs = (t->K[g] + 1) * LAYER_NODES;
    for (int j = 0; j < pairs;) {
        const int lanes = pairs - j >= LATTICE_LANES ? LATTICE_LANES : 1;
        struct moments extra[2 * LATTICE_LANES];
        const double *fa_l[LATTICE_LANES], *fb_l[LATTICE_LANES];
        for (int l = 0; l < lanes; l++) {
            int n = (j + l) / LAYER_NODES, o = (j + l) % LAYER_NODES;
            /* W = A_n ⊕ B_o as sum_from_fft makes it, straight to its transforms */
            fa_l[l] = w->fft_a + (size_t)n * L2, fb_l[l] = fb + (size_t)o * L2;
            extra[2 * l] = lattice_moments_sum(w->A[n].tail, b_all[o]);
            extra[2 * l + 1] = lattice_moments_sum(w->A_part[n], B[o].tail);
        }
        if (lanes == LATTICE_LANES) {
            lattice_fft_stop_loss_lanes(w->fft, fa_l, fb_l, w->acc_lane, t->L, t->dz, extra,
                                        w->t_grid, t->NT, w->sl1, w->sl2, w->sums);
        } else {
            lattice_fft_mul(w->acc_lane[0], fa_l[0], fb_l[0], L2);
            lattice_fft_stop_loss_grid(w->fft, w->acc_lane[0], t->L, t->dz, extra, w->t_grid, t->NT,
                                       w->sl1[0], w->sl2[0], w->sums);
        }
        for (int l = 0; l < lanes; l++, j++) {
            int n = j / LAYER_NODES, o = j % LAYER_NODES;
            for (int k = 0; k < t->NT; k++) {
                float *at = t->sl + sl_at(t, k, i, g, u, n, o);
                at[0] = (float)w->sl1[l][k], at[1] = (float)w->sl2[l][k];
            }
        }
    }
}

/* ---- build: layers by cells ---- */

/* The grid of amounts of `sa` (the stop-loss transforms of A_n alone): 0, then from
 * the lattice step on, T_RATIO apart, to the lattice's top. */
static int sa_nodes(const struct benefit_table *t)
{
    return 2 + (int)ceil(log((double)(t->L - 1)) / t->log_t_ratio);
}

static size_t sa_at(const struct benefit_table *t, int i, int n, int k)
{
    assert(i >= 0 && i < t->n_index && n >= 0 && n <= t->K_in && k >= 0 && k < sa_nodes(t));
    return (((size_t)i * (size_t)(t->K_in + 1) + (size_t)n) * (size_t)sa_nodes(t) + (size_t)k) * 2;
}

/* Where amount tt falls on sa's grid: first node and 4 weights (as t_weights). */
static void sa_weights(const struct benefit_table *t, double tt, struct t_weights *tw)
{
    double lo = t->dz;
    tw->w[1] = tw->w[2] = tw->w[3] = 0;
    tw->k0 = 0;
    if (tt <= 0) {
        tw->w[0] = 1;
    } else if (tt < lo) {
        tw->w[0] = 1 - tt / lo, tw->w[1] = tt / lo;
    } else {
        double u = log(tt / lo) / t->log_t_ratio;
        tw->k0 = 1 + node_weights(u, sa_nodes(t) - 1, tw->w);
    }
}

static size_t xq_at(const struct benefit_table *t, int i, int o)
{
    assert(i >= 0 && i < t->n_index && o >= 0 && o < LAYER_NODES);
    (void)t;
    return ((size_t)i * LAYER_NODES + (size_t)o) * X_CELLS;
}

/* The conditional means of X (a lattice) in the cells of probabilities cell_p, in
 * order; what lies beyond the lattice at its mean. */
static void lattice_cells(const struct benefit_table *t, const struct lattice *X, double *out)
{
    struct moments all = lattice_moments(X);
    double total = all.m0 > 0 ? all.m0 : 1, room = t->cell_p[0], m0 = 0, m1 = 0, last = 0;
    int q = 0;
    for (size_t k = 0; k <= X->n; k++) {
        double mass = k < X->n ? X->p[k] : X->tail.m0;
        double v = k < X->n ? (double)k * X->step : X->tail.m1 / (X->tail.m0 > 0 ? X->tail.m0 : 1);
        mass /= total;
        if (!(mass > 0)) continue;
        last = v;
        while (mass > 0) {
            double take = q == X_CELLS - 1 ? mass : fmin(mass, room);
            m0 += take, m1 += take * v, mass -= take, room -= take;
            if (q < X_CELLS - 1 && room <= 1e-15) {
                out[q++] = m0 > 0 ? m1 / m0 : v;
                room = t->cell_p[q], m0 = m1 = 0;
            }
        }
    }
    for (; q < X_CELLS; q++, m0 = 0)
        out[q] = m0 > 0 ? m1 / m0 : last;
}

/* The stop-loss transforms of A_n alone at index node i (w->A). */
static void tabulate_sa(struct benefit_table *t, struct work *w, int i)
{
    int nt = sa_nodes(t);
    for (int n = 0; n <= t->K_in; n++) {
        lattice_suffix(&w->A[n], w->suffix);
        for (int k = 0; k < nt; k++) {
            double tt = k == 0 ? 0 : t->dz * exp((k - 1) * t->log_t_ratio), sv;
            double *at = t->sa + sa_at(t, i, n, k);
            lattice_stop_loss(&w->A[n], w->suffix, tt, &at[0], &at[1], &sv);
        }
    }
}

/* The cells of the outpatient out-of-pocket cost B (unscaled) at every layer node. */
static void tabulate_cells(struct benefit_table *t, struct work *w, int i)
{
    for (int o = 0; o < LAYER_NODES; o++)
        lattice_cells(t, &w->Bx[o], t->xq + xq_at(t, i, o));
}

/* The layers at price index node i (`index`): every group, a condition's at each
 * node of the use index (its treatment costs index × use). */
static void tabulate_layers(struct benefit_table *t, struct work *w, int i, double index)
{
    const size_t L2 = 2 * t->L;
    for (int n = 0; n <= t->K_in; n++) {
        lattice_fft(w->fft, &w->A[n], w->fft_a + (size_t)n * L2);
        w->A_part[n] = lattice_part(&w->A[n]);
    }
    for (int k = 0; k < t->NT; k++)
        w->t_grid[k] = k == 0 ? 0 : t->t_lo * exp((k - 1) * t->log_t_ratio);
    tabulate_group(t, w, i, 0, 0, 0);
    for (int g = 1; g < t->n_groups; g++)
        for (int u = 0; u < t->n_use; u++)
            tabulate_group(t, w, i, g, u, index * exp(t->log_use_min + u * t->log_use_step));
    if (!t->any_cells) return;
    tabulate_sa(t, w, i);
    tabulate_cells(t, w, i);
}

/* ---- build ---- */

/* Nodes of the use index over [use_min, use_max], log-spaced: one when the range
 * is one value; 3 (a quadratic) over a small range, such as two consecutive years
 * (both on nodes); else at least 4 (a cubic), at most the price grid's step apart.
 * Against tables built at the use index itself, a dialysis patient's serious
 * illness (a narrow cost, cv 0.3, near the deductible) is within 0.06 % on 4
 * nodes over Henan's 1.01^2 to 1.01^29, and 1.4 % off on 3: the cubic is needed. */
static void use_nodes(struct benefit_table *t, const struct benefit_grid *g)
{
    double span = log(g->use_max / g->use_min);
    t->log_use_min = log(g->use_min);
    t->n_use = 1;
    t->log_use_step = 0;
    if (!(span > 1e-12)) return;
    double steps = ceil(span / log(g->index_ratio) - 1e-9);
    t->n_use = span <= USE_QUADRATIC_SPAN  ? 3
               : steps < 3                 ? 4
               : steps + 1 > USE_NODES_MAX ? USE_NODES_MAX
                                           : (int)steps + 1;
    t->log_use_step = span / (t->n_use - 1);
}

int benefit_table_start(struct benefit_table **out, const struct benefit_rules *r,
                        const struct benefit_claim_model *m, const struct benefit_grid *g)
{
    *out = NULL;
    size_t L = g->lattice_points;
    if (!(g->index_min > 0) || !(g->index_max >= g->index_min) || !(g->index_ratio > 1) ||
        L < BENEFIT_MIN_LATTICE_POINTS || !(g->use_min > 0) || !(g->use_max >= g->use_min) ||
        (L & (L - 1)) || g->cap_bins < 1 || g->cap_bins > BENEFIT_MAX_CAP_BINS ||
        g->max_admissions < 8 || g->max_admissions > BENEFIT_MAX_ADMISSIONS ||
        !(g->visits_max > 0) || !(g->income_min_yuan > 0) ||
        !(g->income_max_yuan >= g->income_min_yuan) || !(g->admissions_max >= 0) ||
        r->n_serious_bands > LIMIT_SERIOUS_BANDS || m->n_conditions != r->n_conditions)
        return -1;
    struct benefit_table *t = calloc(1, sizeof *t);
    if (!t) return -1;
    t->rules = *r;
    t->model = *m;
    t->grid = *g;
    t->band_from = malloc(sizeof(int) * (r->n_serious_bands + 1));
    t->band_ratio = malloc(sizeof(double) * (r->n_serious_bands + 1));
    if (!t->band_from || !t->band_ratio) {
        benefit_table_free(t);
        return -1;
    }
    for (size_t b = 0; b < r->n_serious_bands; b++)
        t->band_from[b] = r->serious_band_from_yuan[b], t->band_ratio[b] = r->serious_band_ratio[b];
    t->rules.serious_band_from_yuan = t->band_from;
    t->rules.serious_band_ratio = t->band_ratio;

    double phi = m->inpatient.overdispersion;
    for (int n = 0; n <= BENEFIT_MAX_ADMISSIONS; n++) /* as count_pmf's step */
        t->count_step[n] = (phi > 1e-12 ? n + 1 / phi : 1) / (n + 1);
    t->log_index_min = log(g->index_min);
    t->log_index_ratio = log(g->index_ratio);
    t->n_index = 1 + (int)ceil(log(g->index_max / g->index_min) / t->log_index_ratio - 1e-9);
    if (t->n_index < 4) t->n_index = 4;
    use_nodes(t, g);
    t->n_groups = 1 + 2 * (int)m->n_conditions;
    t->K_in = 0;
    for (int k = 0; k < t->n_groups; k++) {
        double mult = k == 0 ? 1 : fmax(1, m->condition_admissions_multiplier[(k - 1) / 2]);
        t->K[k] = count_range(g->admissions_max * mult, phi, g->max_admissions);
        t->row[k + 1] = t->row[k] + (size_t)t->K[k] + 1;
        if (t->K[k] > t->K_in) t->K_in = t->K[k];
    }
    t->layer_rows = t->row[1] + (size_t)t->n_use * (t->row[t->n_groups] - t->row[1]);
    for (int k = 0; k < t->n_groups; k++) {
        t->cells[k] = r->serious_outpatient_share < 1 ||
                      (k > 0 && m->condition_cost_cv[(k - 1) / 2] < NARROW_CV);
        t->any_cells |= t->cells[k];
    }
    for (int q = 0; q < X_CELLS; q++) { /* cut at 1 − (1 − q / X_CELLS)²: finer in the tail */
        double a = 1 - (double)q / X_CELLS, b = 1 - (double)(q + 1) / X_CELLS;
        t->cell_p[q] = a * a - b * b;
    }
    t->cz[0] = -INFINITY, t->cz[C_CELLS] = INFINITY;
    for (int q = 0; q < C_CELLS; q++) {
        double a = 1 - (double)q / C_CELLS, b = 1 - (double)(q + 1) / C_CELLS;
        t->cp[q] = a * a - b * b;
        if (q > 0) t->cz[q] = gsl_cdf_ugaussian_Pinv(1 - a * a);
    }
    t->L = L;
    double zmax = fmax(LATTICE_MIN_YUAN, 1.25 * max_kink(&t->rules, g->income_max_yuan));
    t->dz = zmax / (double)(L - 1);
    /* the lowest kink: the poor's deductible at the lowest income */
    t->t_lo = fmax(4 * t->dz, 0.5 * r->serious_deductible_income_share *
                                  r->serious_poor_deductible_factor * g->income_min_yuan);
    t->log_t_ratio = log(T_RATIO);
    t->NT = 2 + (int)ceil(log(zmax / t->t_lo) / t->log_t_ratio);
    if (t->NT < 5) t->NT = 5;
    t->visit_step = g->visits_max / (VISIT_NODES - 1);
    t->out_step = g->visits_max / (LAYER_NODES - 1);

    size_t nfund = (size_t)(t->K_in + 1) * t->n_index * 2;
    size_t nsl = t->layer_rows * LAYER_NODES * t->n_index * t->NT * 2;
    size_t nop = (size_t)VISIT_NODES * t->n_index * 4;
    t->fund_in = malloc(nfund * sizeof *t->fund_in);
    t->sl = bigmem_alloc(nsl * sizeof *t->sl);
    t->op = malloc(nop * sizeof *t->op);
    t->bmean = malloc((size_t)LAYER_NODES * t->n_index * sizeof *t->bmean);
    if (t->any_cells) {
        t->sa = malloc(sizeof(double) * 2 * (size_t)sa_nodes(t) * (size_t)(t->K_in + 1) *
                       (size_t)t->n_index);
        t->xq = malloc(sizeof(double) * X_CELLS * LAYER_NODES * (size_t)t->n_index);
    }
    if (!t->fund_in || !t->sl || !t->op || !t->bmean || (t->any_cells && (!t->sa || !t->xq))) {
        benefit_table_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

int benefit_table_nodes(const struct benefit_table *t)
{
    return t->n_index;
}

int benefit_table_build_node(struct benefit_table *t, int i)
{
    assert(i >= 0 && i < t->n_index);
    const struct benefit_rules *r = &t->rules;
    const struct benefit_claim_model *m = &t->model;
    struct work w = {0};
    int status = work_init(&w, t);
    if (status == 0) {
        double index = exp(t->log_index_min + i * t->log_index_ratio);
        double cost_mean, policy_mean;
        size_t na = claim_atoms(&m->inpatient, r->inpatient_deductible_yuan, r->inpatient_ratio,
                                index, w.atoms, &cost_mean, &policy_mean);
        if (i == 0) t->in_cost = cost_mean / index, t->in_policy = policy_mean / index;
        inpatient_fund(t, &w, w.atoms, na, i);
        inpatient_chain(t, &w, w.atoms, na);
        na = claim_atoms(&m->outpatient, r->outpatient_deductible_yuan, r->outpatient_ratio, index,
                         w.atoms, &cost_mean, &policy_mean);
        if (i == 0) t->out_cost = cost_mean / index, t->out_policy = policy_mean / index;
        status = outpatient(t, &w, w.atoms, na, i);
        if (status == 0) tabulate_layers(t, &w, i, index);
    }
    work_free(&w, t);
    return status;
}

int benefit_table_build(struct benefit_table **out, const struct benefit_rules *r,
                        const struct benefit_claim_model *m, const struct benefit_grid *g)
{
    struct benefit_table *t;
    *out = NULL;
    if (benefit_table_start(&t, r, m, g)) return -1;
    for (int i = 0; i < t->n_index; i++)
        if (benefit_table_build_node(t, i)) {
            benefit_table_free(t);
            return -1;
        }
    *out = t;
    return 0;
}

void benefit_table_free(struct benefit_table *t)
{
    if (!t) return;
    free(t->band_from), free(t->band_ratio);
    free(t->fund_in), free(t->sl), free(t->op), free(t->bmean), free(t->sa), free(t->xq);
    free(t);
}

/* ---- year ---- */

/* A group of a condition paid late: the lookups read its layers only for serious
 * illness of others (payer 0), since a late payer is not assisted. */
static bool late_group(int g)
{
    return g > 0 && (g - 1) % 2 == 1;
}

static struct slab_plan *slab_plan_alloc(void);

struct benefit_year *benefit_year_alloc(const struct benefit_table *t, bool layers)
{
    struct benefit_year *y = calloc(1, sizeof *y);
    if (!y) return NULL;
    y->t = t;
    y->layers = layers;
#if WIDE_SUMS
    y->wide = __builtin_cpu_supports("avx2");
#endif
    size_t n = 0;
    for (int g = 0; g < t->n_groups; g++) {
        y->coef_at[g] = n;
        n += (size_t)(t->K[g] + 1) * COEF_PER_COUNT;
    }
    y->fund_in = malloc(sizeof(double) * (t->K_in + 1) * 2);
    y->op = malloc(sizeof(double) * VISIT_NODES * 4);
    y->coef = layers ? malloc(sizeof(double) * n) : NULL;
    /* distinct kinks: serious illness has one per band and its cap, assistance those
     * of the poor's serious illness and its limit */
    int kinks = 2 * ((int)t->rules.n_serious_bands + 1) +
                N_CATEGORIES * ((int)t->rules.n_serious_bands + 2);
    y->max_kinks = kinks < N_PAYERS * MAX_KINKS ? kinks : N_PAYERS * MAX_KINKS;
    y->block = layers ? malloc(sizeof(double) * KINK_BLOCK * (size_t)(y->max_kinks + 1)) : NULL;
    y->node_sum =
        layers ? malloc(sizeof(float) * (4 * (size_t)y->max_kinks + 2) * KINK_BLOCK) : NULL;
    y->sa = layers && t->any_cells
                ? malloc(sizeof(double) * 2 * (size_t)sa_nodes(t) * (size_t)(t->K_in + 1))
                : NULL;
    y->plan = layers ? slab_plan_alloc() : NULL;
    if (!y->fund_in || !y->op || (layers && (!y->coef || !y->block || !y->node_sum || !y->plan)) ||
        (layers && t->any_cells && !y->sa)) {
        benefit_year_free(y);
        return NULL;
    }
    /* a late payer is not assisted: the lookups read payer 0 of a late group only,
     * and the year views never write the others */
    for (int g = 0; layers && g < t->n_groups; g++)
        for (size_t r = 0; late_group(g) && r < (size_t)(t->K[g] + 1) * LAYER_NODES; r++)
            for (int c = 2; c < COEF_PER_NODE; c++)
                y->coef[y->coef_at[g] + r * COEF_PER_NODE + c] = NAN;
    return y;
}

void benefit_year_plain(struct benefit_year *y)
{
    y->wide = false;
}

void benefit_year_free(struct benefit_year *y)
{
    if (!y) return;
    free(y->fund_in), free(y->op), free(y->coef), free(y->block), free(y->node_sum), free(y->sa);
    free(y->plan);
    free(y);
}

/* Lognormal stop-loss: E[(X − t)^+] and E[((X − t)^+)²]. */
static void lognormal_stop_loss(double mean, double cv, double t, double *sl1, double *sl2)
{
    double s = sqrt(log1p(cv * cv)), m2 = mean * mean * (1 + cv * cv);
    if (t <= 0 || !(mean > 0)) {
        *sl1 = mean - t, *sl2 = m2 - 2 * t * mean + t * t;
        return;
    }
    if (!(s > 0)) {
        *sl1 = fmax(0, mean - t), *sl2 = *sl1 * *sl1;
        return;
    }
    double d2 = (log(mean / t) - s * s / 2) / s;
    double p0 = upper(-d2), p1 = upper(-(d2 + s)), p2 = upper(-(d2 + 2 * s));
    *sl1 = fmax(0, mean * p1 - t * p0);
    *sl2 = fmax(0, m2 * p2 - 2 * t * mean * p1 + t * t * p0);
}

/* A condition's fund payment Y = min(cap, r (X − d)^+) = r ((X − d)^+ − (X − d')^+),
 * d' = d + cap / r: its mean and second moment, and the mean of X − Y. */
static void condition_moments(const struct benefit_condition_rule *b, double mean, double cv,
                              double out[3])
{
    double f1 = 0, f2 = 0;
    if (b->ratio > 0 && b->cap_yuan > 0 && mean > 0) {
        double d = b->deductible_yuan, d2 = d + b->cap_yuan / b->ratio, a1, a2, c1, c2;
        lognormal_stop_loss(mean, cv, d, &a1, &a2);
        lognormal_stop_loss(mean, cv, d2, &c1, &c2);
        f1 = b->ratio * (a1 - c1);
        f2 = b->ratio * b->ratio * (a2 - c2 - 2 * (d2 - d) * c1);
    }
    out[0] = fmax(0, f1), out[1] = fmax(0, f2), out[2] = fmax(0, mean - f1);
}

/* E ψ(W) and E ψ(W)² as linear forms in E W, E W² and SL1, SL2 at ψ's kinks,
 *   E ψ(W) = m0 + m1 E W + Σ a_j SL1(t_j),
 *   E ψ(W)² = q0 + q1 E W + q2 E W² + Σ (c1_j SL1(t_j) + c2_j SL2(t_j)),
 * with the coefficients of the expansion in the file's comment: fixed for a year,
 * so that each row and node is one short sum. */
struct pl_form {
    double m0, m1, q0, q1, q2;
    int n;
    int at[MAX_KINKS]; /* as ψ's */
    double a[MAX_KINKS], c1[MAX_KINKS], c2[MAX_KINKS];
};

static void pl_form(const struct pl *f, struct pl_form *out)
{
    double al = f->alpha, be = f->beta;
    *out = (struct pl_form){
        .m0 = al, .m1 = be, .q0 = al * al, .q1 = 2 * al * be, .q2 = be * be, .n = f->n};
    double pairs = 0, pairs_t = 0; /* Σ 2 a_i and Σ 2 a_i t_i over the kinks i before j */
    for (int j = 0; j < f->n; j++) {
        double a = f->a[j], tj = f->t[j];
        /* the pairs (i, j), t_i ≤ t_j: 2 a_i a_j (SL2(t_j) + (t_j − t_i) SL1(t_j)) */
        out->at[j] = f->at[j], out->a[j] = a;
        out->c1[j] = 2 * al * a + 2 * be * a * tj + a * (pairs * tj - pairs_t);
        out->c2[j] = 2 * be * a + a * a + a * pairs;
        pairs += 2 * a, pairs_t += 2 * a * tj;
    }
}

/* The form's E ψ(W) and E ψ(W)² at SL1 and SL2 of the kinks (v[at[j]]) and E W, E W². */
static void form_moments(const struct pl_form *f, const double (*v)[2], double ew, double ew2,
                         double out[2])
{
    double M = f->m0 + f->m1 * ew, Q = f->q0 + f->q1 * ew + f->q2 * ew2;
    for (int j = 0; j < f->n; j++) {
        double s1 = v[f->at[j]][0], s2 = v[f->at[j]][1];
        M += f->a[j] * s1;
        Q += f->c1[j] * s1 + f->c2[j] * s2;
    }
    out[0] = M, out[1] = Q;
}

/* Adds ψ's kinks to the list of amounts to evaluate, linking each to its entry. */
static void pl_link(struct pl *f, double *kinks, int *n_kinks)
{
    for (int j = 0; j < f->n; j++) {
        int k = 0;
        while (k < *n_kinks && kinks[k] != f->t[j])
            k++;
        assert(k < N_PAYERS * MAX_KINKS);
        if (k == *n_kinks) kinks[(*n_kinks)++] = f->t[j];
        f->at[j] = k;
    }
}

/* Writes payer p's mean and second moment at count n and node o of group g from
 * SL1 and SL2 at the kinks (v) and E W, E W²; a payer with the values of an
 * earlier one copies them (a late group's payers after 0 stay NaN). */
static void store_moments(struct benefit_year *y, const struct pl_form *form, const int *same_as,
                          int g, int n, int o, const double (*v)[2], double ew, double ew2)
{
    assert(g >= 0 && g < y->t->n_groups && n >= 0 && n <= y->t->K[g] && o >= 0 && o < LAYER_NODES);
    double *dst = y->coef + y->coef_at[g] + (size_t)n * COEF_PER_COUNT + (size_t)o * COEF_PER_NODE;
    for (int p = 0; p < N_PAYERS; p++) {
        if (p > 0 && late_group(g)) continue; /* NaN (benefit_year_alloc) */
        if (same_as[p] == p)
            form_moments(&form[p], v, ew, ew2, &dst[p * 2]);
        else
            dst[p * 2] = dst[same_as[p] * 2], dst[p * 2 + 1] = dst[same_as[p] * 2 + 1];
    }
}

/* The kinks of every payer for the outpatient cost e that serious illness does
 * not count, linked to their entries in `kinks`, and their t weights. Returns
 * 1 when a kink is below the t grid's first log node (less exact), else 0. */
static int payer_kinks(const struct benefit_table *t, struct pl *payer, const int *same_as,
                       double e, double *kinks, struct t_weights *tw, int *n_kinks)
{
    const struct benefit_rules *r = &t->rules;
    int status = 0;
    *n_kinks = 0;
    for (int p = 2; p < N_PAYERS; p++)
        if (same_as[p] == p)
            pl_assistance(&payer[p], &payer[r->serious_poor[p - 2] ? 1 : 0],
                          r->assistance_ratio[p - 2], r->assistance_limit_yuan, e);
    for (int p = 0; p < N_PAYERS; p++)
        if (same_as[p] == p) pl_link(&payer[p], kinks, n_kinks);
    for (int k = 0; k < *n_kinks; k++) {
        t_weights(t, kinks[k], &tw[k]);
        if (kinks[k] > 0 && kinks[k] < t->t_lo) status = 1;
    }
    return status;
}

/* The parts of a slab of `sl` that make one resolved for the year's use index
 * (within a group [node][count][2]): the rows without a condition as they are,
 * the conditions' rows at each use node the year needs, with its weight. */
struct slab_part {
    size_t from, to, n; /* offsets in the table's slab and in the resolved one; values */
    double w;
};
/* The rows without a condition, and the conditions' at each of at most 4 use
 * nodes (a cubic's). */
#define SLAB_PARTS (1 + 4)

static int slab_parts(const struct benefit_year *y, struct slab_part part[SLAB_PARTS])
{
    const struct benefit_table *t = y->t;
    size_t plain = t->row[1] * LAYER_NODES * 2;
    size_t cond = (t->row[t->n_groups] - t->row[1]) * LAYER_NODES * 2;
    assert(y->nu >= 1 && y->nu <= SLAB_PARTS - 1 && y->u0 >= 0 && y->u0 + y->nu <= t->n_use);
    part[0] = (struct slab_part){0, 0, plain, 1};
    for (int b = 0; b < y->nu; b++)
        part[1 + b] = (struct slab_part){plain + (size_t)(y->u0 + b) * cond, plain, cond, y->wu[b]};
    return 1 + y->nu;
}

/* The sum over the index nodes i0 .. i0 + 3 (weights wi) and the year's use
 * nodes of the table's slabs at t node k, for the values lo .. hi − 1 of a
 * resolved slab (within a group [node][count][2]; within one part, at most
 * KINK_BLOCK) into `sum`: in single precision, as `sl` is stored (4 values at a
 * time in SSE, 8 in AVX2: layers_by_slab), each value at most 16 terms
 * of weights at most a few in size. */
SLAB_LOOPS void node_sum(const struct benefit_year *y, const struct slab_part *part, int n_parts,
                         int k, int i0, const double wi[4], size_t lo, size_t hi, float *sum)
{
    const struct benefit_table *t = y->t;
    /* the slabs over [lo, hi): 4 index nodes of each part there */
    const float *q[4 * SLAB_PARTS];
    float w[4 * SLAB_PARTS];
    int ns = 0;
    for (int p = 0; p < n_parts; p++) {
        const struct slab_part *c = &part[p];
        if (c->w == 0 || lo < c->to || hi > c->to + c->n) continue;
        for (int a = 0; a < 4; a++, ns++) {
            q[ns] = t->sl + slab_at(t, k, i0 + a) + c->from + (lo - c->to);
            w[ns] = (float)(wi[a] * c->w);
        }
    }
    size_t n = hi - lo;
    if (ns == 0) memset(sum, 0, n * sizeof *sum);
    /* 8 slabs at a time, then 4: each pass reads and writes the sums once */
    for (int s = 0; s < ns;) {
        const float *restrict q0 = q[s], *restrict q1 = q[s + 1], *restrict q2 = q[s + 2],
                              *restrict q3 = q[s + 3];
        float w0 = w[s], w1 = w[s + 1], w2 = w[s + 2], w3 = w[s + 3];
        bool first = s == 0;
        float *restrict to = sum;
        if (s + 8 <= ns) {
            const float *restrict q4 = q[s + 4], *restrict q5 = q[s + 5], *restrict q6 = q[s + 6],
                                  *restrict q7 = q[s + 7];
            float w4 = w[s + 4], w5 = w[s + 5], w6 = w[s + 6], w7 = w[s + 7];
            for (size_t j = 0; j < n; j++) {
                float x = w0 * q0[j] + w1 * q1[j] + w2 * q2[j] + w3 * q3[j] + w4 * q4[j] +
                          w5 * q5[j] + w6 * q6[j] + w7 * q7[j];
                to[j] = first ? x : to[j] + x;
            }
            s += 8;
        } else {
            for (size_t j = 0; j < n; j++) {
                float x = w0 * q0[j] + w1 * q1[j] + w2 * q2[j] + w3 * q3[j];
                to[j] = first ? x : to[j] + x;
            }
            s += 4;
        }
    }
}

/* The n values of a block (pairs) into double: the pairs' first values, then
 * from to + KINK_BLOCK / 2 their second. */
SLAB_LOOPS void deinterleave(const float *from, size_t n, double *to)
{
    for (size_t r = 0; r < n / 2; r++)
        to[r] = from[2 * r], to[KINK_BLOCK / 2 + r] = from[2 * r + 1];
}

/* Payer p's mean and second moment (form f) at n pairs of a block, from E W,
 * E W² (ew[0], ew[1]) and SL1, SL2 at each kink (v[kink][0], v[kink][1]), into
 * dst + at[r] for pair r: the same terms in the same order as form_moments. */
SLAB_LOOPS void block_moments(const struct pl_form *f, const double *const ew[2],
                              const double *const (*v)[2], size_t n, const size_t *at, double *dst)
{
    double M[KINK_BLOCK / 2], Q[KINK_BLOCK / 2];
    const double m0 = f->m0, m1 = f->m1, q0 = f->q0, q1 = f->q1, q2 = f->q2;
    const double *restrict e1 = ew[0], *restrict e2 = ew[1];
    for (size_t r = 0; r < n; r++)
        M[r] = m0 + m1 * e1[r], Q[r] = q0 + q1 * e1[r] + q2 * e2[r];
    for (int h = 0; h < f->n; h++) {
        const double *restrict x1 = v[f->at[h]][0], *restrict x2 = v[f->at[h]][1];
        const double a = f->a[h], c1 = f->c1[h], c2 = f->c2[h];
        for (size_t r = 0; r < n; r++)
            M[r] += a * x1[r], Q[r] += c1 * x1[r] + c2 * x2[r];
    }
    for (size_t r = 0; r < n; r++)
        dst[at[r]] = M[r], dst[at[r] + 1] = Q[r];
}

/* Serious illness and assistance when every group and node has the same kinks
 * (serious illness counts all the outpatient cost). slab_plan sets the year's
 * part once (the payers' forms, the kinks' t weights and the t nodes they use);
 * slab_rows then prepares a range of a group's nodes, every count, a block of
 * values at a time so that the sums stay in the cache: each t node that a
 * kink's cubic uses is summed over the index and use nodes once per block,
 * then the kinks interpolate in t (each value within about 1e-6 of its double
 * sum, relative to the largest term), and the payers' moments of the block's
 * rows and nodes follow from them (store_moments' values, bit for bit). Each
 * value is computed on its own, the same operations whatever the range and
 * the block it is in, so a node prepared alone or with others has the same
 * bits. */
struct slab_plan {
    /* the rows are prepared as the lookups first need them (layers_need): group
     * g's nodes lo[g] .. hi[g] are (none while lo[g] > hi[g]) */
    bool lazy;
    int lo[MAX_GROUPS], hi[MAX_GROUPS];
    int want_lo, want_hi; /* nodes to prepare with a group's first (benefit_year_expect) */
    int i0;
    double wi[4];
    struct slab_part part[SLAB_PARTS];
    int n_parts;
    int same_as[N_PAYERS];
    struct pl_form form[N_PAYERS];
    int n_kinks;
    struct t_weights tw[N_PAYERS * MAX_KINKS];
    /* a kink of payer 0 for every row, any other for the groups paid in time; the
     * t nodes of the kinks, each once, after node 0 (t = 0: E W and E W²) */
    bool every_row[N_PAYERS * MAX_KINKS], node_every[1 + 4 * N_PAYERS * MAX_KINKS];
    int node[1 + 4 * N_PAYERS * MAX_KINKS], of[N_PAYERS * MAX_KINKS][4], n_nodes;
};

static struct slab_plan *slab_plan_alloc(void)
{
    return calloc(1, sizeof(struct slab_plan));
}

static void slab_plan(struct benefit_year *y, const struct pl *payer, const int *same_as,
                      const struct t_weights *tw, int n_kinks, int i0, const double wi[4])
{
    struct slab_plan *s = y->plan;
    s->n_parts = slab_parts(y, s->part);
    s->i0 = i0;
    memcpy(s->wi, wi, sizeof s->wi);
    memcpy(s->same_as, same_as, sizeof s->same_as);
    s->n_kinks = n_kinks;
    memcpy(s->tw, tw, (size_t)n_kinks * sizeof *tw);
    memset(s->every_row, 0, sizeof s->every_row);
    for (int j = 0; j < payer[0].n; j++)
        s->every_row[payer[0].at[j]] = true;
    s->node[0] = 0, s->node_every[0] = true, s->n_nodes = 1;
    for (int k = 0; k < n_kinks; k++)
        for (int j = 0; j < 4; j++) {
            int i = 0;
            while (i < s->n_nodes && s->node[i] != tw[k].k0 + j)
                i++;
            if (i == s->n_nodes)
                s->node[s->n_nodes] = tw[k].k0 + j, s->node_every[s->n_nodes++] = false;
            s->node_every[i] |= s->every_row[k];
            s->of[k][j] = i;
        }
    for (int p = 0; p < N_PAYERS; p++)
        if (same_as[p] == p) pl_form(&payer[p], &s->form[p]);
    for (int g = 0; g < MAX_GROUPS; g++)
        s->lo[g] = LAYER_NODES, s->hi[g] = -1;
    s->want_lo = LAYER_NODES, s->want_hi = -1;
}

/* Group g's layer nodes o_lo .. o_hi, every count (the view's buffers are
 * written through y's pointers: a view is used by one thread at a time). */
SLAB_LOOPS void slab_rows(const struct benefit_year *y, int g, int o_lo, int o_hi)
{
    const struct benefit_table *t = y->t;
    const struct slab_plan *s = y->plan;
    assert(g >= 0 && g < t->n_groups && 0 <= o_lo && o_lo <= o_hi && o_hi < LAYER_NODES);
    const int n_kinks = s->n_kinks, n_nodes = s->n_nodes;
    /* the block's E W, E W² (ew) and SL1, SL2 at each kink (v), in double, each
     * of the pairs' first and second values apart */
    const double *ew[2] = {y->block, y->block + KINK_BLOCK / 2};
    const double *v[N_PAYERS * MAX_KINKS][2];
    for (int k = 0; k < n_kinks; k++)
        v[k][0] = y->block + (size_t)(k + 1) * KINK_BLOCK, v[k][1] = v[k][0] + KINK_BLOCK / 2;
    float *sum = y->node_sum;
    bool late = late_group(g);
    /* the group's values in a resolved slab ([node][count][2], sl_at) from `group`,
     * those of the nodes o_lo .. o_hi one run */
    const size_t counts = (size_t)t->K[g] + 1, group = t->row[g] * LAYER_NODES * 2;
    const size_t first = group + (size_t)o_lo * counts * 2,
                 last = group + (size_t)(o_hi + 1) * counts * 2;
    double *coef = y->coef + y->coef_at[g];
    for (size_t b0 = first; b0 < last; b0 += KINK_BLOCK) {
        size_t b1 = b0 + KINK_BLOCK < last ? b0 + KINK_BLOCK : last, n = b1 - b0;
        for (int i = 0; i < n_nodes; i++)
            if (!late || s->node_every[i])
                node_sum(y, s->part, s->n_parts, s->node[i], s->i0, s->wi, b0, b1,
                         sum + (size_t)i * KINK_BLOCK);
        deinterleave(sum, n, y->block);
        for (int k = 0; k < n_kinks; k++) {
            if (late && !s->every_row[k]) continue;
            const float *restrict s0 = sum + (size_t)s->of[k][0] * KINK_BLOCK,
                                  *restrict s1 = sum + (size_t)s->of[k][1] * KINK_BLOCK,
                                  *restrict s2 = sum + (size_t)s->of[k][2] * KINK_BLOCK,
                                  *restrict s3 = sum + (size_t)s->of[k][3] * KINK_BLOCK;
            float x0 = (float)s->tw[k].w[0], x1 = (float)s->tw[k].w[1], x2 = (float)s->tw[k].w[2],
                  x3 = (float)s->tw[k].w[3];
            float *restrict x = sum + (size_t)n_nodes * KINK_BLOCK;
            for (size_t j = 0; j < n; j++) {
                float z = x0 * s0[j] + x1 * s1[j] + x2 * s2[j] + x3 * s3[j];
                x[j] = z > 0 ? z : 0;
            }
            deinterleave(x, n, y->block + (size_t)(k + 1) * KINK_BLOCK);
        }
        /* the block's pairs are whole (KINK_BLOCK and the run's start are even):
         * pair j of the group is count j mod (K + 1) at node j / (K + 1), at
         * [count][node] in coef, where the lookups read it */
        size_t at[KINK_BLOCK / 2], j = (b0 - group) / 2, c = j % counts, o = j / counts;
        for (size_t r = 0; r < n / 2; r++) {
            at[r] = c * COEF_PER_COUNT + o * COEF_PER_NODE;
            if (++c == counts) c = 0, o++;
        }
        for (int p = 0; p < N_PAYERS; p++) {
            if (p > 0 && late) continue; /* NaN (benefit_year_alloc) */
            double *d = coef + p * 2;
            if (s->same_as[p] != p) {
                const double *src = coef + s->same_as[p] * 2;
                for (size_t r = 0; r < n / 2; r++)
                    d[at[r]] = src[at[r]], d[at[r] + 1] = src[at[r] + 1];
            } else {
                block_moments(&s->form[p], ew, (const double *const(*)[2])v, n / 2, at, d);
            }
        }
    }
}

static void layers_by_slab_plain(const struct benefit_year *y, int g, int o_lo, int o_hi)
{
    slab_rows(y, g, o_lo, o_hi);
}

#if WIDE_SUMS
__attribute__((target("avx2"))) static void layers_by_slab_wide(const struct benefit_year *y, int g,
                                                                int o_lo, int o_hi)
{
    slab_rows(y, g, o_lo, o_hi);
}
#endif

static void layers_by_slab(const struct benefit_year *y, int g, int o_lo, int o_hi)
{
#if WIDE_SUMS
    if (y->wide) {
        layers_by_slab_wide(y, g, o_lo, o_hi);
        return;
    }
#endif
    layers_by_slab_plain(y, g, o_lo, o_hi);
}

/* Group g's layer nodes lo .. hi prepared, with those prepared before: one
 * range, the hull of theirs and lo .. hi (layers_need). */
static void layers_more(const struct benefit_year *y, int g, int lo, int hi)
{
    struct slab_plan *s = y->plan;
    if (s->lo[g] > s->hi[g]) { /* the group's first: with the nodes expected, in one piece */
        lo = lo < s->want_lo ? lo : s->want_lo, hi = hi > s->want_hi ? hi : s->want_hi;
        layers_by_slab(y, g, lo, hi);
        s->lo[g] = lo, s->hi[g] = hi;
        return;
    }
    if (lo < s->lo[g]) layers_by_slab(y, g, lo, s->lo[g] - 1), s->lo[g] = lo;
    if (hi > s->hi[g]) layers_by_slab(y, g, s->hi[g] + 1, hi), s->hi[g] = hi;
}

/* Group g's layer nodes lo .. hi ready for a lookup: when the view prepares its
 * rows as the lookups first need them, those of the nodes not yet prepared (the
 * test inline, in every lookup; the preparing apart). */
static inline void layers_need(const struct benefit_year *y, int g, int lo, int hi)
{
    const struct slab_plan *s = y->plan;
    assert(g >= 0 && g < y->t->n_groups && 0 <= lo && lo <= hi && hi < LAYER_NODES);
    if (s->lazy && (lo < s->lo[g] || hi > s->hi[g])) layers_more(y, g, lo, hi);
}

/* The pair (SL1, SL2) of t node k, index node i, group g, count n and layer
 * node o at the year's use index. */
static void sl_pair(const struct benefit_year *y, int k, int i, int g, int n, int o, double v[2])
{
    const struct benefit_table *t = y->t;
    if (g == 0) {
        const float *q = t->sl + sl_at(t, k, i, 0, 0, n, o);
        v[0] = q[0], v[1] = q[1];
        return;
    }
    v[0] = v[1] = 0;
    for (int b = 0; b < y->nu; b++) {
        const float *q = t->sl + sl_at(t, k, i, g, y->u0 + b, n, o);
        v[0] += y->wu[b] * q[0], v[1] += y->wu[b] * q[1];
    }
}

/* Serious illness and assistance when the kinks move with the group and node:
 * the outpatient cost serious illness does not count still counts for
 * assistance, by its mean here: prepare_layers then replaces assistance by
 * cells (layers_by_cells), which carry X's distribution. */
static int layers_by_row(struct benefit_year *y, struct pl *payer, const int *same_as, int i0,
                         const double wi[4])
{
    const struct benefit_table *t = y->t;
    const int NI = t->n_index;
    double share = t->rules.serious_outpatient_share;
    double kinks[N_PAYERS * MAX_KINKS];
    struct t_weights tw[N_PAYERS * MAX_KINKS];
    int n_kinks = 0, status = 0;
    for (int g = 0; g < t->n_groups; g++)
        for (int o = 0; o < LAYER_NODES; o++) {
            double b = 0;
            for (int a = 0; a < 4; a++)
                b += wi[a] * t->bmean[(size_t)o * NI + i0 + a];
            double e = (1 - share) * (b + (g > 0 ? y->cond[(g - 1) / 2][(g - 1) % 2][2] : 0));
            status |= payer_kinks(t, payer, same_as, e, kinks, tw, &n_kinks);
            struct pl_form form[N_PAYERS];
            for (int p = 0; p < N_PAYERS; p++)
                if (same_as[p] == p) pl_form(&payer[p], &form[p]);
            for (int n = 0; n <= t->K[g]; n++) {
                double v[N_PAYERS * MAX_KINKS][2], ew = 0, ew2 = 0;
                for (int a = 0; a < 4; a++) {
                    double q[2];
                    sl_pair(y, 0, i0 + a, g, n, o, q);
                    ew += wi[a] * q[0], ew2 += wi[a] * q[1];
                }
                for (int k = 0; k < n_kinks; k++) {
                    const struct t_weights *x = &tw[k];
                    double s1 = 0, s2 = 0;
                    for (int a = 0; a < 4; a++) {
                        double c1 = 0, c2 = 0;
                        for (int j = 0; j < 4; j++) {
                            double q[2];
                            sl_pair(y, x->k0 + j, i0 + a, g, n, o, q);
                            c1 += x->w[j] * q[0], c2 += x->w[j] * q[1];
                        }
                        s1 += wi[a] * c1, s2 += wi[a] * c2;
                    }
                    v[k][0] = positive(s1), v[k][1] = positive(s2);
                }
                store_moments(y, form, same_as, g, n, o, (const double(*)[2])v, ew, ew2);
            }
        }
    return status;
}

/* ψ(a + y) as a function of a ≥ 0: the kinks at or below 0 become linear. */
static void pl_shift(const struct pl *f, double y, struct pl *out)
{
    *out = (struct pl){.alpha = f->alpha + f->beta * y, .beta = f->beta};
    for (int j = 0; j < f->n; j++) {
        double t = f->t[j] - y;
        if (t > 0) {
            pl_add(out, t, f->a[j]);
        } else { /* (a − t)^+ = a − t */
            out->alpha -= f->a[j] * t;
            out->beta += f->a[j];
        }
    }
}

/* The conditional means of the out-of-pocket cost of group g's condition in the
 * cells of probabilities cp, from the lognormal at the year's index. */
static void condition_cells(const struct benefit_year *y, int g, double *oop)
{
    const struct benefit_table *t = y->t;
    int k = (g - 1) / 2;
    const struct benefit_condition_rule *b = &t->rules.condition[k];
    double mean = t->model.condition_cost_yuan[k] * y->condition_index *
                  ((g - 1) % 2 ? covered_share(&t->rules) : 1),
           cv = t->model.condition_cost_cv[k], s = sqrt(log1p(cv * cv));
    for (int q = 0; q < C_CELLS; q++) {
        double c = mean;
        if (s > 0) {
            double lo = t->cz[q], hi = t->cz[q + 1];
            c = mean * (upper(lo - s) - upper(hi - s)) / (upper(lo) - upper(hi));
        }
        oop[q] = c - fmin(b->cap_yuan, b->ratio * positive(c - b->deductible_yuan));
    }
}

struct point {
    double x, w;
};

static int cmp_point(const void *a, const void *b)
{
    double x = ((const struct point *)a)->x, y = ((const struct point *)b)->x;
    return (x > y) - (x < y);
}

/* X = the condition's out-of-pocket cost (cells `oop`) + B (cells x): the sums of
 * every pair, sorted, in X_CELLS cells again (into x). */
static void x_cells(const struct benefit_table *t, const double *oop, double *x, struct point *pts)
{
    size_t n = 0;
    for (int a = 0; a < C_CELLS; a++)
        for (int q = 0; q < X_CELLS; q++)
            pts[n++] = (struct point){oop[a] + x[q], t->cp[a] * t->cell_p[q]};
    qsort(pts, n, sizeof *pts, cmp_point);
    double room = t->cell_p[0], m0 = 0, m1 = 0;
    int q = 0;
    for (size_t i = 0; i < n; i++) {
        double mass = pts[i].w;
        while (mass > 0) {
            double take = q == X_CELLS - 1 ? mass : fmin(mass, room);
            m0 += take, m1 += take * pts[i].x, mass -= take, room -= take;
            if (q < X_CELLS - 1 && room <= 1e-15) {
                x[q++] = m0 > 0 ? m1 / m0 : pts[i].x;
                room = t->cell_p[q], m0 = m1 = 0;
            }
        }
    }
    for (; q < X_CELLS; q++, m0 = 0)
        x[q] = m0 > 0 ? m1 / m0 : pts[n - 1].x;
}

/* Serious illness and assistance of group g by cells (see prepare_layers), of
 * payers first .. last − 1: for each cell of X, the payers as functions of A alone, their moments
 * from A's stop-loss transforms (y->sa), weighted by the cell's probability. */
static void layers_by_cells(struct benefit_year *y, const struct pl *serious, const int *same_as,
                            int g, int first, int last, int i0, const double wi[4])
{
    const struct benefit_table *t = y->t;
    const struct benefit_rules *r = &t->rules;
    const double s = r->serious_outpatient_share;
    const int nt = sa_nodes(t);
    double oop[C_CELLS];
    struct point pts[C_CELLS * X_CELLS];
    if (g > 0) condition_cells(y, g, oop);
    for (int o = 0; o < LAYER_NODES; o++) {
        double x[X_CELLS] = {0};
        for (int a = 0; a < 4; a++) {
            const double *c = t->xq + xq_at(t, i0 + a, o);
            for (int q = 0; q < X_CELLS; q++)
                x[q] += wi[a] * c[q];
        }
        if (g > 0) x_cells(t, oop, x, pts);
        double *base = y->coef + y->coef_at[g] + (size_t)o * COEF_PER_NODE;
        for (int n = 0; n <= t->K[g]; n++)
            memset(base + (size_t)n * COEF_PER_COUNT + first * 2, 0,
                   sizeof(double) * (size_t)(last - first) * 2);
        for (int q = 0; q < X_CELLS; q++) {
            double xv = positive(x[q]), kinks[N_PAYERS * MAX_KINKS];
            struct pl f[N_PAYERS], tmp;
            struct t_weights tw[N_PAYERS * MAX_KINKS];
            int n_kinks = 0;
            for (int p = first; p < last; p++) {
                if (same_as[p] != p) continue;
                if (p < 2) {
                    pl_shift(&serious[p], s * xv, &f[p]);
                } else {
                    pl_assistance(&tmp, &serious[r->serious_poor[p - 2] ? 1 : 0],
                                  r->assistance_ratio[p - 2], r->assistance_limit_yuan,
                                  (1 - s) * xv);
                    pl_shift(&tmp, s * xv, &f[p]);
                }
                pl_link(&f[p], kinks, &n_kinks);
            }
            for (int k = 0; k < n_kinks; k++)
                sa_weights(t, kinks[k], &tw[k]);
            struct pl_form form[N_PAYERS];
            for (int p = first; p < last; p++)
                if (same_as[p] == p) pl_form(&f[p], &form[p]);
            for (int n = 0; n <= t->K[g]; n++) {
                const double *a = y->sa + (size_t)n * (size_t)nt * 2;
                double v[N_PAYERS * MAX_KINKS][2], m[2];
                for (int k = 0; k < n_kinks; k++) {
                    double s1 = 0, s2 = 0;
                    for (int j = 0; j < 4 && tw[k].k0 + j < nt; j++)
                        s1 += tw[k].w[j] * a[(tw[k].k0 + j) * 2],
                            s2 += tw[k].w[j] * a[(tw[k].k0 + j) * 2 + 1];
                    v[k][0] = positive(s1), v[k][1] = positive(s2);
                }
                double *dst = base + (size_t)n * COEF_PER_COUNT;
                for (int p = first; p < last; p++) {
                    if (same_as[p] != p) continue;
                    form_moments(&form[p], (const double(*)[2])v, a[0], a[1], m);
                    dst[p * 2] += t->cell_p[q] * m[0], dst[p * 2 + 1] += t->cell_p[q] * m[1];
                }
            }
        }
        for (int n = 0; n <= t->K[g]; n++) {
            double *dst = base + (size_t)n * COEF_PER_COUNT;
            for (int p = first; p < last; p++)
                if (same_as[p] != p)
                    dst[p * 2] = dst[same_as[p] * 2], dst[p * 2 + 1] = dst[same_as[p] * 2 + 1];
        }
    }
}

/* The year's stop-loss transforms of A_n alone (y->sa), interpolated in the index. */
static void prepare_sa(struct benefit_year *y, int i0, const double wi[4])
{
    const struct benefit_table *t = y->t;
    size_t m = 2 * (size_t)sa_nodes(t);
    for (int n = 0; n <= t->K_in; n++) {
        double *to = y->sa + (size_t)n * m;
        memset(to, 0, m * sizeof *to);
        for (int a = 0; a < 4; a++) {
            const double *from = t->sa + sa_at(t, i0 + a, n, 0);
            for (size_t j = 0; j < m; j++)
                to[j] += wi[a] * from[j];
        }
    }
}

/* Serious illness and assistance for every group, visit node and count: mean and
 * second moment of each payer from SL1 and SL2 at its kinks. */
static int prepare_layers(struct benefit_year *y, int i0, const double wi[4])
{
    const struct benefit_table *t = y->t;
    const struct benefit_rules *r = &t->rules;
    struct pl payer[N_PAYERS];
    int same_as[N_PAYERS]; /* a category with the ratio of an earlier one shares its values */
    y->plan->lazy = false;
    pl_serious(&payer[0], r, y->deductible, false);
    pl_serious(&payer[1], r, y->deductible, true);
    for (int p = 0; p < N_PAYERS; p++) {
        same_as[p] = p;
        for (int q = 2; p >= 2 && q < p; q++)
            if (r->assistance_ratio[q - 2] == r->assistance_ratio[p - 2] &&
                r->serious_poor[q - 2] == r->serious_poor[p - 2]) {
                same_as[p] = q;
                break;
            }
    }
    int status;
    if (r->serious_outpatient_share < 1) { /* assistance by cells below */
        status = layers_by_row(y, payer, same_as, i0, wi);
    } else {
        double kinks[N_PAYERS * MAX_KINKS];
        struct t_weights tw[N_PAYERS * MAX_KINKS];
        int n_kinks;
        status = payer_kinks(t, payer, same_as, 0, kinks, tw, &n_kinks);
        if (n_kinks > y->max_kinks) {
            status |= layers_by_row(y, payer, same_as, i0, wi);
        } else {
            slab_plan(y, payer, same_as, tw, n_kinks, i0, wi);
            /* Each group's nodes as its lookups first need them (a lookup reads
             * 4 of the 7 around its visit rate, and a year's rates leave the
             * highest nodes unread), unless cells replace some payers below. */
            y->plan->lazy = !t->any_cells;
#ifndef NDEBUG
            /* a row read before it is prepared is NaN (the lookups' positive() would
             * make it 0: test_lazy_layers compares with a view prepared whole) */
            for (int g = 0; y->plan->lazy && g < t->n_groups; g++)
                for (size_t c = 0; c < (size_t)(t->K[g] + 1) * COEF_PER_COUNT; c++)
                    y->coef[y->coef_at[g] + c] = NAN;
#endif
            for (int g = 0; !y->plan->lazy && g < t->n_groups; g++)
                layers_by_slab(y, g, 0, LAYER_NODES - 1);
        }
    }
    if (!t->any_cells) return status;
    prepare_sa(y, i0, wi);
    for (int g = 0; g < t->n_groups; g++) {
        /* serious illness is exact from W's transforms unless the condition is narrow */
        bool narrow = g > 0 && t->model.condition_cost_cv[(g - 1) / 2] < NARROW_CV;
        int first = narrow ? 0 : 2, last = late_group(g) ? 1 : N_PAYERS;
        if (t->cells[g] && first < last) layers_by_cells(y, payer, same_as, g, first, last, i0, wi);
    }
    return status;
}

/* The use nodes around `use_index` and their weights: Lagrange through 3 or 4
 * nodes (extrapolating beyond the ends). Returns 1 outside the nodes' range. */
static int use_weights(struct benefit_year *y, double use_index)
{
    const struct benefit_table *t = y->t;
    y->u0 = 0;
    if (t->n_use == 1) {
        y->nu = 1, y->wu[0] = 1;
        return fabs(log(use_index) - t->log_use_min) <= 1e-9 ? 0 : 1;
    }
    double x = (log(use_index) - t->log_use_min) / t->log_use_step;
    if (t->n_use == 3) {
        y->nu = 3;
        y->wu[0] = (x - 1) * (x - 2) / 2, y->wu[1] = -x * (x - 2), y->wu[2] = x * (x - 1) / 2;
    } else {
        y->nu = 4;
        y->u0 = node_weights(x, t->n_use, y->wu);
    }
    return x >= -1e-9 && x <= t->n_use - 1 + 1e-9 ? 0 : 1;
}

int benefit_year_prepare(struct benefit_year *y, double price_index, double use_index,
                         double income_prev_yuan)
{
    const struct benefit_table *t = y->t;
    const struct benefit_rules *r = &t->rules;
    const int NI = t->n_index;
    int status = 0;
    y->index = price_index;
    y->condition_index = price_index * use_index;
    double u = (log(price_index) - t->log_index_min) / t->log_index_ratio;
    if (!(u >= -1e-9 && u <= NI - 1 + 1e-9)) status = 1;
    if (use_weights(y, use_index) || !(use_index > 0)) status = 1;
    if (income_prev_yuan > t->grid.income_max_yuan * (1 + 1e-9) ||
        income_prev_yuan < t->grid.income_min_yuan * (1 - 1e-9))
        status = 1;
    double wi[4];
    int i0 = node_weights(u, NI, wi);
    assert(i0 >= 0 && i0 + 3 < NI && r->n_conditions <= LIMIT_CONDITIONS);

    for (int k = 0; k < 2; k++)
        for (int n = 0; n <= t->K_in; n++) {
            const double *f = t->fund_in + ((size_t)k * (t->K_in + 1) + n) * NI + i0;
            y->fund_in[k * (t->K_in + 1) + n] =
                wi[0] * f[0] + wi[1] * f[1] + wi[2] * f[2] + wi[3] * f[3];
        }
    for (int q = 0; q < VISIT_NODES; q++) {
        const double *o = t->op + ((size_t)q * NI + i0) * 4;
        for (int k = 0; k < 4; k++)
            y->op[4 * q + k] =
                wi[0] * o[k] + wi[1] * o[4 + k] + wi[2] * o[8 + k] + wi[3] * o[12 + k];
    }
    double f = covered_share(r);
    for (size_t k = 0; k < r->n_conditions; k++)
        for (int late = 0; late < 2; late++) {
            double mean = t->model.condition_cost_yuan[k] * y->condition_index * (late ? f : 1);
            condition_moments(&r->condition[k], mean, t->model.condition_cost_cv[k],
                              y->cond[k][late]);
        }
    y->deductible = benefit_serious_deductible(r, income_prev_yuan);
    if (y->layers && prepare_layers(y, i0, wi)) status = 1;
    return status;
}

void benefit_year_expect(struct benefit_year *y, double visits_lo, double visits_hi)
{
    if (!y->layers || !(visits_lo <= visits_hi) || !isfinite(visits_hi)) return;
    const struct benefit_table *t = y->t;
    /* the nodes of the rates as lookup_cells finds them (a late payer's are
     * covered_share of the cell's), the rates beyond the nodes held there */
    double w[4], lo = visits_lo * covered_share(&t->rules) / t->out_step,
                 hi = visits_hi / t->out_step;
    y->plan->want_lo = node_weights(fmax(0, fmin(lo, LAYER_NODES)), LAYER_NODES, w);
    y->plan->want_hi = node_weights(fmax(0, fmin(hi, LAYER_NODES)), LAYER_NODES, w) + 3;
}

/* The admission count's probabilities for a lookup, as nb_pmf up to the last
 * count n ≤ K it fills, the first beyond λ after which the rest P(N > n) is
 * below 1e-9 (or K): the rest is extrapolated linearly from rows n and n − 1
 * with weights *tail + *excess and −*excess (*tail = P(N > n), *excess =
 * E[(N − n)^+] − *tail), which keep the count's total probability and its mean
 * λ: only the rows' curvature beyond n is left out (accuracy: models/README.md,
 * "Accuracy of the tables"). Returns n. */
static int lookup_pmf(const struct benefit_table *t, double lambda, double phi, int K, double *p,
                      double *tail, double *excess)
{
    assert(K >= 1 && K <= t->K_in && K <= BENEFIT_MAX_ADMISSIONS); /* p holds K + 1 */
    *tail = *excess = 0;
    p[0] = 1;
    if (!(lambda > 0)) return 0;
    bool poisson = !(phi > 1e-12);
    double ratio = poisson ? lambda : phi * lambda / (1 + phi * lambda);
    p[0] = poisson ? exp(-lambda) : pow(1 + phi * lambda, -1 / phi);
    /* one multiplication per count on the chain: the step's factors are apart */
    double cum = p[0], mean = 0, pn = p[0]; /* p[n] in a register, not reloaded */
    double next = 1;                        /* n + 1, counted in double, not converted */
    int n = 0;
    /* 1 − cum < 1e-9 as cum ≥ fl(1 − 1e-9), one subtraction fewer per count, the
     * same test: 1 − cum is exact for cum ≥ 0.5 (Sterbenz) and ≥ 0.5 below it, and
     * fl(1 − 1e-9) is the least double above 1 − 1e-9 (test_pmf_stop) */
    const double done = 1 - 1e-9;
    for (; n < K; n++, next++) {
        if (cum >= done && next - 1 > lambda) break;
        pn *= t->count_step[n] * ratio;
        p[n + 1] = pn;
        cum += pn;
        mean += next * pn;
    }
    *tail = positive(1 - cum);
    *excess = positive(lambda - mean - n * *tail);
    return n;
}

/* A lookup's admission count (lookup_pmf): the probabilities of the counts
 * 0 .. top, and the rest's weights. */
struct counts {
    double p[BENEFIT_MAX_ADMISSIONS + 1];
    int top;
    double tail, excess;
};

/* The group of a lookup's rows (no condition; condition k in time; late). */
static int lookup_group(const struct benefit_rules *r, int condition, bool late_payer)
{
    assert(condition >= -1 && (condition < 0 || (size_t)condition < r->n_conditions));
    if (condition >= 0 && (size_t)condition < r->n_conditions)
        return 1 + 2 * condition + (late_payer ? 1 : 0);
    return 0;
}

/* The count of a lookup at `admissions` per person-year (a late payer's
 * share of them, covered_share). */
static void lookup_counts(const struct benefit_year *y, int condition, bool late_payer,
                          double admissions, struct counts *c)
{
    const struct benefit_table *t = y->t;
    double f = late_payer ? covered_share(&t->rules) : 1;
    int g = lookup_group(&t->rules, condition, late_payer);
    c->top = lookup_pmf(t, f * admissions, t->model.inpatient.overdispersion, t->K[g], c->p,
                        &c->tail, &c->excess);
}

/* The counts of BENEFIT_LOOKUP_LANES lookups of one group at once, in the lanes of a
 * vector: lane j makes lookup_pmf's operations in its order, a lane done (its
 * loop would have left) keeping its values while the others go on, so each
 * count is lookup_counts's bit for bit; about a quarter of the instructions
 * (the chain of one count is serial: 4 of them side by side). p[0] stays
 * scalar, pow and exp having no vector twin of the same bits. */
#if defined(__GNUC__)
typedef double lanes_d __attribute__((vector_size(BENEFIT_LOOKUP_LANES * sizeof(double))));
typedef long long lanes_m __attribute__((vector_size(BENEFIT_LOOKUP_LANES * sizeof(long long))));
_Static_assert(BENEFIT_LOOKUP_LANES == 4, "BROADCAST fills every lane");
#define BROADCAST(x) ((lanes_d){(x), (x), (x), (x)})
#endif

/* The counts of lookups 0 .. n − 1 into c[0 .. n − 1] (c holds BENEFIT_LOOKUP_LANES). */
SLAB_LOOPS void lookup_counts_lanes(const struct benefit_year *y, int condition, bool late_payer,
                                    int n, const double *admissions, struct counts *c)
{
    assert(n >= 1 && n <= BENEFIT_LOOKUP_LANES);
#if defined(__GNUC__)
    const struct benefit_table *t = y->t;
    double f = late_payer ? covered_share(&t->rules) : 1, phi = t->model.inpatient.overdispersion;
    const int K = t->K[lookup_group(&t->rules, condition, late_payer)];
    assert(K >= 1 && K <= t->K_in && K <= BENEFIT_MAX_ADMISSIONS);
    bool poisson = !(phi > 1e-12);
    lanes_d lambda = {0}, ratio = {0}, pn = BROADCAST(1.0), mean = {0};
    lanes_m live = {0}, filled = {0}; /* filled: minus the counts filled */
    for (int j = 0; j < n; j++) {
        double x = f * admissions[j];
        if (!(x > 0)) continue; /* p[0] = 1, no count beyond */
        lambda[j] = x;
        ratio[j] = poisson ? x : phi * x / (1 + phi * x);
        pn[j] = poisson ? exp(-x) : pow(1 + phi * x, -1 / phi);
        live[j] = -1;
    }
    /* each lane's counts stored as they come (a lane done stores what it will not read) */
    for (int j = 0; j < BENEFIT_LOOKUP_LANES; j++)
        c[j].p[0] = pn[j];
    lanes_d cum = pn;
    const lanes_d done = BROADCAST(1 - 1e-9);
    double next = 1;
    for (int k = 0; k < K; k++, next++) {
        live &= ~((cum >= done) & (BROADCAST(next - 1) > lambda));
        if (!(live[0] | live[1] | live[2] | live[3])) break;
        /* a lane done has ratio 0 from here: its q is 0, adding 0 to its cum
         * and mean (both ≥ +0) leaves them as they are, and its pn (0) is not
         * read again: no lane's values need picking */
        ratio = (lanes_d)((lanes_m)ratio & live);
        lanes_d q = pn * (BROADCAST(t->count_step[k]) * ratio);
        pn = q;
        cum = cum + q;
        mean = mean + BROADCAST(next) * q;
        filled += live;
        for (int j = 0; j < BENEFIT_LOOKUP_LANES; j++)
            c[j].p[k + 1] = pn[j];
    }
    for (int j = 0; j < n; j++) {
        int top = (int)-filled[j];
        c[j].top = top;
        c[j].tail = c[j].excess = 0;
        if (!(lambda[j] > 0)) continue;
        c[j].tail = positive(1 - cum[j]);
        c[j].excess = positive(lambda[j] - mean[j] - top * c[j].tail);
    }
#else
    for (int j = 0; j < n; j++)
        lookup_counts(y, condition, late_payer, admissions[j], &c[j]);
#endif
}

/* The mixing of the counts' rows, node by node with the node's running sums in
 * locals (registers) rather than in memory: each sum adds the same terms in the
 * same order as the plain loop (the counts 0 .. top, then rows top and top − 1
 * with the weights wK and wK1 of the counts beyond, lookup_pmf; a zero weight
 * skipped), so the result is the same bit for bit. mix_nodes fills every column;
 * mix_counts_payer the two of one payer, those from `row` (its first column is column `lo`). */
/* The n-th term of a count mixture: the counts 0 .. top at p[n], then row top at
 * wK and row top − 1 at wK1 for the counts beyond; its weight and its row. */
static inline double mix_weight(const double *p, int n, int top, double wK, double wK1)
{
    return n <= top ? p[n] : n == top + 1 ? wK : wK1;
}

static inline size_t mix_row(int n, int top)
{
    return (size_t)(n <= top ? n : n == top + 1 ? top : top - 1) * COEF_PER_COUNT;
}

/* Row r (nodes × COEF_PER_NODE coefficients) at weight w added to the sums s;
 * a zero weight skipped. */
SLAB_LOOPS void mix_add(double s[4][COEF_PER_NODE], int nodes, double w, const double *r)
{
    if (w == 0) return;
    for (int h = 0; h < nodes; h++)
        for (int c = 0; c < COEF_PER_NODE; c++)
            s[h][c] += w * r[h * COEF_PER_NODE + c];
}

/* Every column mixed, `nodes` nodes at a time: 2 in SSE (24 sums in 12 of its 16
 * registers), all 4 in AVX2 (48 sums in 12 of its 16 registers of 4). The
 * counts 0 .. top, then rows top and top − 1 at wK and wK1, as mix_weight. */
SLAB_LOOPS void mix_nodes(const double *base, const double *p, int top, double wK, double wK1,
                          double mix[4][COEF_PER_NODE], int nodes)
{
    for (int j = 0; j < 4; j += nodes) {
        double s[4][COEF_PER_NODE];
        for (int h = 0; h < nodes; h++)
            for (int c = 0; c < COEF_PER_NODE; c++)
                s[h][c] = 0;
        const double *row = base + j * COEF_PER_NODE;
        for (int n = 0; n <= top; n++)
            mix_add(s, nodes, p[n], row + mix_row(n, top));
        mix_add(s, nodes, wK, row + mix_row(top + 1, top));
        mix_add(s, nodes, wK1, row + mix_row(top + 2, top));
        for (int h = 0; h < nodes; h++)
            for (int c = 0; c < COEF_PER_NODE; c++)
                mix[j + h][c] = s[h][c];
    }
}

/* Row r's columns of one payer at weight w added to the sums s (a zero weight
 * skipped). */
SLAB_LOOPS void payer_add(double s[4][2], double w, const double *r)
{
    if (w == 0) return;
    for (int j = 0; j < 4; j++)
        for (int c = 0; c < 2; c++)
            s[j][c] += w * r[j * COEF_PER_NODE + c];
}

SLAB_LOOPS void mix_counts_payer(const double *row, const double *p, int top, double wK, double wK1,
                                 double mix[4][COEF_PER_NODE], int lo)
{
    double s[4][2] = {{0}};
    for (int n = 0; n <= top; n++)
        payer_add(s, p[n], row + mix_row(n, top));
    payer_add(s, wK, row + mix_row(top + 1, top));
    payer_add(s, wK1, row + mix_row(top + 2, top));
    for (int j = 0; j < 4; j++)
        for (int c = 0; c < 2; c++)
            mix[j][lo + c] = s[j][c];
}

/* Cells that share the group, the late flag and the rates: one count
 * distribution and one pass over the counts serve them all. Cell i is assisted
 * in category[i] (or BENEFIT_NOT_ASSISTED); the layers are accumulated only for
 * the payers the cells need, each exactly as a lookup of its own would. */
SLAB_LOOPS void lookup_cells(const struct benefit_year *y, int condition, bool late_payer,
                             double admissions, double visits_rate, const int *category,
                             int n_cells, struct benefit_expected *out, int nodes,
                             const struct counts *counts)
{
    const struct benefit_table *t = y->t;
    const struct benefit_rules *r = &t->rules;
    struct benefit_expected *e = &out[0];
    memset(e, 0, sizeof *e);
    double f = late_payer ? covered_share(r) : 1, index = y->index;
    int g = lookup_group(r, condition, late_payer), late = late_payer ? 1 : 0;

    /* the admission count (lookup_counts): exact probabilities up to `top`, beyond
     * extrapolated */
    const double *p = counts->p, tail = counts->tail, excess = counts->excess;
    int top = counts->top;
    double wK = 0, wK1 = 0; /* weights of rows top and top − 1 for the counts beyond */
    if (tail > 0) wK = tail + excess, wK1 = -excess;

    const double *f1 = y->fund_in, *f2 = y->fund_in + t->K_in + 1;
    double fi1 = 0, fi2 = 0;
    for (int n = 0; n <= top; n++)
        fi1 += p[n] * f1[n], fi2 += p[n] * f2[n];
    if (tail > 0) {
        assert(top >= 1);
        fi1 += wK * f1[top] + wK1 * f1[top - 1], fi2 += wK * f2[top] + wK1 * f2[top - 1];
    }
    e->mean[LINE_FUND_INPATIENT] = fi1;
    e->var[LINE_FUND_INPATIENT] = positive(fi2 - fi1 * fi1);

    double visits = f * visits_rate;
    double u = visits / t->visit_step;
    assert(!(u < 0)); /* a rate: node q below it (a NaN reaches the finite check) */
    int q = u > VISIT_NODES - 2 ? VISIT_NODES - 2 : (int)u;
    double wq = u - q;
    const double *o0 = y->op + 4 * q, *o1 = o0 + 4;
    double fo = (1 - wq) * o0[0] + wq * o1[0], fo2 = (1 - wq) * o0[1] + wq * o1[1];
    e->mean[LINE_FUND_OUTPATIENT] = fo;
    e->var[LINE_FUND_OUTPATIENT] = positive(fo2 - fo * fo);

    if (g > 0) {
        const double *cm = y->cond[condition][late];
        int line =
            r->condition[condition].two_diseases ? LINE_FUND_TWO_DISEASES : LINE_FUND_CHRONIC;
        e->mean[line] = cm[0];
        e->var[line] = positive(cm[1] - cm[0] * cm[0]);
        e->total_mean += t->model.condition_cost_yuan[condition] * y->condition_index;
        e->policy_mean += t->model.condition_cost_yuan[condition] * y->condition_index;
    }

    e->fund_mean = e->mean[LINE_FUND_INPATIENT] + e->mean[LINE_FUND_OUTPATIENT] +
                   e->mean[LINE_FUND_TWO_DISEASES] + e->mean[LINE_FUND_CHRONIC];
    e->fund_var = e->var[LINE_FUND_INPATIENT] + e->var[LINE_FUND_OUTPATIENT] +
                  e->var[LINE_FUND_TWO_DISEASES] + e->var[LINE_FUND_CHRONIC];
    e->total_mean += index * (admissions * t->in_cost + visits_rate * t->out_cost);
    e->inpatient_policy_mean = index * admissions * t->in_policy;
    e->policy_mean += e->inpatient_policy_mean + index * visits_rate * t->out_policy;
    for (int i = 1; i < n_cells; i++)
        out[i] = *e;

    if (!y->layers) {
        for (int i = 0; i < n_cells; i++) {
            out[i].mean[LINE_SERIOUS] = out[i].var[LINE_SERIOUS] = NAN;
            out[i].mean[LINE_ASSISTANCE] = out[i].var[LINE_ASSISTANCE] = NAN;
            out[i].out_of_pocket_mean = NAN;
        }
        return;
    }
    /* serious illness and assistance: cubic in the visit rate over the layer nodes;
     * payer 0 is serious illness of others, 1 of the poor, 2 + k assistance of
     * category k */
    double wo[4];
    int oi = node_weights(visits / t->out_step, LAYER_NODES, wo);
    layers_need(y, g, oi, oi + 3);
    bool need[N_PAYERS] = {false};
    for (int i = 0; i < n_cells; i++) {
        assert(category[i] == BENEFIT_NOT_ASSISTED ||
               (category[i] >= 0 && category[i] < N_CATEGORIES));
        bool assisted = category[i] >= 0 && category[i] < N_CATEGORIES;
        need[assisted && t->rules.serious_poor[category[i]] ? 1 : 0] = true;
        if (assisted) need[2 + category[i]] = true;
    }
    /* the counts mixed first, on the 4 nodes around the visit rate, for the columns
     * of the payers needed (lo .. hi − 1), then the nodes */
    int lo = 0, hi = 0;
    while (!need[lo])
        lo++;
    for (int k = lo; k < N_PAYERS; k++)
        if (need[k]) hi = k + 1;
    lo *= 2, hi *= 2;
    double mix[4][COEF_PER_NODE] = {{0}};
    const double *base = y->coef + y->coef_at[g] + (size_t)oi * COEF_PER_NODE;
    if (hi - lo == COEF_PER_NODE)
        mix_nodes(base, p, top, wK, wK1, mix, nodes);
    else if (hi - lo == 2)
        mix_counts_payer(base + lo, p, top, wK, wK1, mix, lo);
    else
        for (int n = 0; n <= top + 2; n++) {
            /* the counts filled, then rows top and top − 1 for those beyond */
            double w = mix_weight(p, n, top, wK, wK1);
            if (w == 0) continue;
            const double *row = base + mix_row(n, top);
            for (int j = 0; j < 4; j++)
                for (int c = lo; c < hi; c++)
                    mix[j][c] += w * row[j * COEF_PER_NODE + c];
        }
    double acc[N_PAYERS][2] = {{0}};
    for (int k = 0; k < N_PAYERS; k++)
        for (int m = 0; m < 2 && need[k]; m++)
            for (int j = 0; j < 4; j++)
                acc[k][m] += wo[j] * mix[j][k * 2 + m];
    for (int i = 0; i < n_cells; i++) {
        struct benefit_expected *x = &out[i];
        bool assisted = category[i] >= 0 && category[i] < N_CATEGORIES;
        const double *s = acc[assisted && t->rules.serious_poor[category[i]] ? 1 : 0];
        x->mean[LINE_SERIOUS] = positive(s[0]);
        x->var[LINE_SERIOUS] = positive(s[1] - s[0] * s[0]);
        if (assisted) {
            const double *a = acc[2 + category[i]];
            x->mean[LINE_ASSISTANCE] = positive(a[0]);
            x->var[LINE_ASSISTANCE] = positive(a[1] - a[0] * a[0]);
        }
        x->out_of_pocket_mean =
            x->total_mean - x->fund_mean - x->mean[LINE_SERIOUS] - x->mean[LINE_ASSISTANCE];
    }
}

/* The lookups compiled twice, in SSE and where the year view sums in AVX2
 * (y->wide) in AVX2 too: the same operations in the same order (AVX2 has no
 * fused multiply-add), so the same bits; the counts' mixing 4 nodes at a time
 * (mix_nodes) in AVX2, 2 in SSE. */
SLAB_LOOPS void lookup_situations(const struct benefit_year *y, int condition, double admissions,
                                  double visits, struct benefit_expected out[BENEFIT_SITUATIONS],
                                  int nodes, const struct counts *in_time_counts,
                                  const struct counts *late_counts)
{
    static const int in_time[1 + N_CATEGORIES] = {BENEFIT_NOT_ASSISTED, 0, 1, 2, 3};
    _Static_assert(N_CATEGORIES == 4, "in_time lists every category");
    /* the in-time cells into out[1 ..], where the assisted go, then the first moved */
    _Static_assert(SITUATION_IN_TIME == 0 && SITUATION_LATE == 1 && SITUATION_ASSISTED == 2,
                   "the assisted follow the late");
    lookup_cells(y, condition, false, admissions, visits, in_time, 1 + N_CATEGORIES, out + 1, nodes,
                 in_time_counts);
    out[SITUATION_IN_TIME] = out[1];
    int none = BENEFIT_NOT_ASSISTED;
    lookup_cells(y, condition, true, admissions, visits, &none, 1, &out[SITUATION_LATE], nodes,
                 late_counts);
}

/* Each lane's lookup in a function of its own, not inlined into the loop over
 * the lanes: GCC compiles the mixing loops of a larger function worse (a dozen
 * more instructions a count). */
__attribute__((noinline)) static void
lookup_situations_plain(const struct benefit_year *y, int condition, double admissions,
                        double visits, struct benefit_expected out[BENEFIT_SITUATIONS],
                        const struct counts *in_time, const struct counts *late)
{
    lookup_situations(y, condition, admissions, visits, out, 2, in_time, late);
}

#if WIDE_SUMS
__attribute__((target("avx2"), noinline)) static void
lookup_situations_wide(const struct benefit_year *y, int condition, double admissions,
                       double visits, struct benefit_expected out[BENEFIT_SITUATIONS],
                       const struct counts *in_time, const struct counts *late)
{
    lookup_situations(y, condition, admissions, visits, out, 4, in_time, late);
}
#endif

/* The situations at n rates of a group, their counts computed together, then
 * each lane's lookup by `situations` (one of the two above). */
typedef void situations_fn(const struct benefit_year *y, int condition, double admissions,
                           double visits, struct benefit_expected out[BENEFIT_SITUATIONS],
                           const struct counts *in_time, const struct counts *late);

SLAB_LOOPS void lookup_lanes(const struct benefit_year *y, int condition, int n,
                             const double *admissions, const double *visits,
                             struct benefit_expected (*out)[BENEFIT_SITUATIONS],
                             situations_fn *situations)
{
    struct counts in_time[BENEFIT_LOOKUP_LANES], late[BENEFIT_LOOKUP_LANES];
    lookup_counts_lanes(y, condition, false, n, admissions, in_time);
    lookup_counts_lanes(y, condition, true, n, admissions, late);
    for (int j = 0; j < n; j++)
        situations(y, condition, admissions[j], visits[j], out[j], &in_time[j], &late[j]);
}

static void lookup_lanes_plain(const struct benefit_year *y, int condition, int n,
                               const double *admissions, const double *visits,
                               struct benefit_expected (*out)[BENEFIT_SITUATIONS])
{
    lookup_lanes(y, condition, n, admissions, visits, out, lookup_situations_plain);
}

#if WIDE_SUMS
__attribute__((target("avx2"))) static void
lookup_lanes_wide(const struct benefit_year *y, int condition, int n, const double *admissions,
                  const double *visits, struct benefit_expected (*out)[BENEFIT_SITUATIONS])
{
    lookup_lanes(y, condition, n, admissions, visits, out, lookup_situations_wide);
}
#endif

void benefit_year_lookup(const struct benefit_year *y, const struct benefit_cell *c,
                         struct benefit_expected *out)
{
    assert(!c->late_payer || c->category == BENEFIT_NOT_ASSISTED);
    struct counts counts;
    lookup_counts(y, c->condition, c->late_payer, c->admissions, &counts);
    lookup_cells(y, c->condition, c->late_payer, c->admissions, c->visits, &c->category, 1, out, 2,
                 &counts);
}

void benefit_year_lookup_situations(const struct benefit_year *y, int condition, double admissions,
                                    double visits, struct benefit_expected out[BENEFIT_SITUATIONS])
{
    /* one lookup: its counts in scalar code, which the lanes match bit for bit */
    struct counts in_time, late;
    lookup_counts(y, condition, false, admissions, &in_time);
    lookup_counts(y, condition, true, admissions, &late);
#if WIDE_SUMS
    if (y->wide) {
        lookup_situations_wide(y, condition, admissions, visits, out, &in_time, &late);
        return;
    }
#endif
    lookup_situations_plain(y, condition, admissions, visits, out, &in_time, &late);
}

void benefit_year_lookup_lanes(const struct benefit_year *y, int condition, int n,
                               const double *admissions, const double *visits,
                               struct benefit_expected (*out)[BENEFIT_SITUATIONS])
{
    assert(n >= 1 && n <= BENEFIT_LOOKUP_LANES);
#if WIDE_SUMS
    if (y->wide) {
        lookup_lanes_wide(y, condition, n, admissions, visits, out);
        return;
    }
#endif
    lookup_lanes_plain(y, condition, n, admissions, visits, out);
}
