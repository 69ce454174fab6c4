/* diffsum.c: the summaries of variant − base across paired paths (diffsum.h).
 * Every statistic is kept per cell, a (year, region) or the (year, province),
 * cells indexed [Y][R + 1] with the province last. While blocks arrive, each
 * cell and diff variable holds Welford's running mean and sum of squared
 * deviations of the difference, of the base and of the variant, updated in
 * path order: one pass, no cancellation of large sums of squares, and the
 * same bits for the same paths in the same order. The quantile variables'
 * differences of every path go to a spill (spill.h), a scratch file, whose
 * cells are [quantile variable][Y][R + 1], variable v's from `first_cell[v]`
 * on; diffsum_finish turns the moments into the results and reads the spill
 * back for the quantiles, [cell][Q] in `quantiles`, then copies each cell's
 * into the region's or the province's arrays. Every allocation is listed in
 * `owned` (accum.h). */
#include "output/diffsum.h"

#include "output/accum.h"
#include "output/spill.h"
#include "sim/config/diag.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const enum var diffsum_vars[] = {
    VAR_BALANCE,
    VAR_SURPLUS,
    VAR_INCOME,
    VAR_CONTRIBUTIONS,
    VAR_ASSISTED_CONTRIBUTIONS,
    VAR_SUBSIDY,
    VAR_INTEREST,
    VAR_ADJUSTMENT_RECEIVED,
    VAR_EXPENDITURE,
    VAR_FUND_INPATIENT,
    VAR_FUND_OUTPATIENT,
    VAR_FUND_TWO_DISEASES,
    VAR_FUND_CHRONIC,
    VAR_FUND_MATERNITY,
    VAR_SERIOUS_PREMIUM,
    VAR_ADJUSTMENT_PAID,
    VAR_OUTLAY_CENTRAL,
    VAR_OUTLAY_PROVINCE,
    VAR_OUTLAY_CITY,
    VAR_OUTLAY_DISTRICT,
    VAR_OUTLAY_COUNTY,
    VAR_SERIOUS_CLAIMS,
    VAR_ASSISTANCE_CLAIMS,
    VAR_OUT_OF_POCKET,
    VAR_ENROLLEES,
};
const size_t diffsum_n_vars = sizeof diffsum_vars / sizeof diffsum_vars[0];

static const bool has_quantiles[N_VARS] = {
    [VAR_BALANCE] = true,           [VAR_SURPLUS] = true,         [VAR_INCOME] = true,
    [VAR_EXPENDITURE] = true,       [VAR_OUTLAY_CENTRAL] = true,  [VAR_OUTLAY_PROVINCE] = true,
    [VAR_OUTLAY_CITY] = true,       [VAR_OUTLAY_DISTRICT] = true, [VAR_OUTLAY_COUNTY] = true,
    [VAR_ASSISTANCE_CLAIMS] = true, [VAR_OUT_OF_POCKET] = true,   [VAR_ADJUSTMENT_RECEIVED] = true,
    [VAR_ADJUSTMENT_PAID] = true,
};

bool diffsum_var_has_quantiles(enum var v)
{
    return has_quantiles[v];
}

/* Welford's running mean and sum of squared deviations from it. */
struct moments {
    double mean, m2;
};
struct paired_moments {
    struct moments diff, base, variant;
};

struct diffsum {
    struct diffsum_config c;
    size_t added; /* paths added so far */
    bool finished;
    struct paired_moments *moments[N_VARS]; /* [Y][R + 1], diff variables */
    bool spilled[N_VARS];                   /* the quantile variables, unless moments_only */
    size_t first_cell[N_VARS];              /* of the spilled variables */
    size_t cells;                           /* spill cells */
    struct spill *spill; /* opened by the first diffsum_add, closed by diffsum_finish */
    double *stage;       /* the block being added: cell c of its path p at [c * stage_paths + p] */
    size_t stage_paths;
    double *quantiles;      /* [cell][Q] */
    double *better, *worse; /* [Y][R + 1]: counts of paths */
    /* [Y][R + 1]: of the paired indicator differences, variant depleted − base depleted */
    struct moments *depleted;
    double *any_base, *any_variant; /* [Y]: counts of paths with some fund depleted */
    struct diffsum_results r;
    struct accum_owned owned;
};

static void *own(struct diffsum *d, size_t count, size_t size)
{
    return accum_calloc(&d->owned, count, size);
}

/* Whether variable v's differences go to the spill. */
static bool spilled(const struct diffsum_config *c, enum var v)
{
    return has_quantiles[v] && !c->moments_only;
}

static size_t spill_cells(const struct diffsum_config *c)
{
    size_t n = 0;
    for (size_t j = 0; j < diffsum_n_vars; j++)
        n += spilled(c, diffsum_vars[j]);
    return n * c->years * (c->regions + 1);
}

uint64_t diffsum_scratch_bytes(const struct diffsum_config *c)
{
    return spill_bytes(spill_cells(c), c->paths);
}

static void alloc_stats(struct diffsum *d, struct diffsum_stats *s, size_t cells, bool quantiles)
{
    s->mean = own(d, cells, sizeof(double));
    s->ci_low = own(d, cells, sizeof(double));
    s->ci_high = own(d, cells, sizeof(double));
    s->variance = own(d, cells, sizeof(double));
    s->variance_independent = own(d, cells, sizeof(double));
    if (quantiles) s->quantiles = own(d, cells * d->c.n_quantiles, sizeof(double));
}

struct diffsum *diffsum_alloc(const struct diffsum_config *c)
{
    if (c->paths < 2) return NULL;
    struct diffsum *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->c = *c;
    size_t Y = c->years, R = c->regions, Q = c->n_quantiles;
    size_t cells = Y * (R + 1);
    double *levels = own(d, Q, sizeof *levels);
    if (levels && Q) memcpy(levels, c->quantiles, Q * sizeof *levels);
    d->c.quantiles = levels;
    char *dir = c->scratch_dir ? own(d, strlen(c->scratch_dir) + 1, 1) : NULL;
    if (dir) strcpy(dir, c->scratch_dir);
    d->c.scratch_dir = dir;

    struct diffsum_results *r = &d->r;
    for (size_t j = 0; j < diffsum_n_vars; j++) {
        enum var v = diffsum_vars[j];
        d->moments[v] = own(d, cells, sizeof(struct paired_moments));
        if ((d->spilled[v] = spilled(c, v))) {
            d->first_cell[v] = d->cells;
            d->cells += cells;
        }
        alloc_stats(d, &r->region[v], Y * R, d->spilled[v]);
        alloc_stats(d, &r->province[v], Y, d->spilled[v]);
    }
    d->quantiles = own(d, d->cells * Q, sizeof(double));
    d->better = own(d, cells, sizeof(double));
    d->worse = own(d, cells, sizeof(double));
    d->depleted = own(d, cells, sizeof(struct moments));
    d->any_base = r->p_any_depleted_base = own(d, Y, sizeof(double));
    d->any_variant = r->p_any_depleted_variant = own(d, Y, sizeof(double));
    r->p_better = own(d, Y * R, sizeof(double));
    r->p_worse = own(d, Y * R, sizeof(double));
    r->delta_p_depleted = own(d, Y * R, sizeof(double));
    r->delta_p_depleted_ci_low = own(d, Y * R, sizeof(double));
    r->delta_p_depleted_ci_high = own(d, Y * R, sizeof(double));
    r->province_p_better = own(d, Y, sizeof(double));
    r->province_p_worse = own(d, Y, sizeof(double));
    r->province_delta_p_depleted = own(d, Y, sizeof(double));
    r->province_delta_p_depleted_ci_low = own(d, Y, sizeof(double));
    r->province_delta_p_depleted_ci_high = own(d, Y, sizeof(double));
    if (d->owned.out_of_memory) {
        diffsum_free(d);
        return NULL;
    }
    return d;
}

void diffsum_free(struct diffsum *d)
{
    if (!d) return;
    spill_close(d->spill);
    accum_free(&d->owned);
    free(d);
}

/* The n-th value x (n counted from 1). x − the new mean has the sign of x −
 * the old mean (or is 0), so m2 never decreases and stays exactly 0 while
 * every value is the same. */
static void moments_add(struct moments *m, double x, double n)
{
    double delta = x - m->mean;
    m->mean += delta / n;
    m->m2 += delta * (x - m->mean);
}

/* Path k's values in one cell, path p of the block: `base` and `variant` are
 * records (or the province's sums), indexed by enum var. */
static void add_cell(struct diffsum *d, size_t cell, size_t k, size_t p, const double *base,
                     const double *variant)
{
    double n = (double)(k + 1);
    for (size_t j = 0; j < diffsum_n_vars; j++) {
        enum var v = diffsum_vars[j];
        double diff = variant[v] - base[v];
        struct paired_moments *m = &d->moments[v][cell];
        moments_add(&m->diff, diff, n);
        moments_add(&m->base, base[v], n);
        moments_add(&m->variant, variant[v], n);
        if (d->spilled[v]) d->stage[(d->first_cell[v] + cell) * d->stage_paths + p] = diff;
    }
    double balance_diff = variant[VAR_BALANCE] - base[VAR_BALANCE];
    d->better[cell] += balance_diff > 0;
    d->worse[cell] += balance_diff < 0;
    double depleted_diff = (double)record_depleted(variant) - (double)record_depleted(base);
    moments_add(&d->depleted[cell], depleted_diff, n);
}

/* Path p of the blocks, path k of the run. */
static void add_path(struct diffsum *d, const struct record_block *base,
                     const struct record_block *variant, size_t p, size_t k)
{
    size_t Y = d->c.years, R = d->c.regions;
    for (size_t y = 0; y < Y; y++) {
        double base_sum[N_VARS] = {0}, variant_sum[N_VARS] = {0};
        bool any_base = false, any_variant = false;
        for (size_t g = 0; g < R; g++) {
            const double *b = record_at(base, p, y, g), *x = record_at(variant, p, y, g);
            add_cell(d, y * (R + 1) + g, k, p, b, x);
            any_base |= record_depleted(b);
            any_variant |= record_depleted(x);
            for (size_t j = 0; j < diffsum_n_vars; j++) {
                base_sum[diffsum_vars[j]] += b[diffsum_vars[j]];
                variant_sum[diffsum_vars[j]] += x[diffsum_vars[j]];
            }
        }
        if (d->c.base_pooled_transfers) record_net_transfers(base_sum);
        if (d->c.variant_pooled_transfers) record_net_transfers(variant_sum);
        add_cell(d, y * (R + 1) + R, k, p, base_sum, variant_sum);
        d->any_base[y] += any_base;
        d->any_variant[y] += any_variant;
    }
}

static bool fits(const struct diffsum_config *c, const struct record_block *b)
{
    return b->years == c->years && b->regions == c->regions;
}

int diffsum_add(struct diffsum *d, const struct record_block *base,
                const struct record_block *variant, struct diag *diag)
{
    const struct diffsum_config *c = &d->c;
    if (d->finished || !fits(c, base) || !fits(c, variant) ||
        base->first_path != c->first_path + d->added || variant->first_path != base->first_path ||
        base->n_paths != variant->n_paths || base->n_paths > c->paths - d->added) {
        diag_fail(diag, "internal error: unpaired blocks of differences");
        return -1;
    }
    bool spilling = d->cells > 0;
    if (spilling && !d->spill && !(d->spill = spill_open(c->scratch_dir, d->cells, c->paths, diag)))
        return -1;
    if (spilling && !(d->stage = spill_stage(d->spill, base->n_paths))) {
        diag_fail(diag, "out of memory for a block of %zu paths", base->n_paths);
        return -1;
    }
    d->stage_paths = base->n_paths;
    for (size_t p = 0; p < base->n_paths; p++) {
        add_path(d, base, variant, p, d->added);
        d->added++;
    }
    return spilling ? spill_commit(d->spill, diag) : 0;
}

/* mean ∓ z · sqrt(sample variance / n); with no variance, exactly the mean. */
static void interval(const struct moments *m, double n, double z, double *low, double *high)
{
    double half = z * sqrt(m->m2 / (n - 1) / n);
    *low = m->mean - half;
    *high = m->mean + half;
}

/* Cell `cell`'s statistics into element o of the region's or the province's arrays. */
static void finish_cell(struct diffsum *d, size_t cell, bool province, size_t o, double t)
{
    const struct diffsum_config *c = &d->c;
    struct diffsum_results *r = &d->r;
    double n = (double)d->added;
    for (size_t j = 0; j < diffsum_n_vars; j++) {
        enum var v = diffsum_vars[j];
        struct diffsum_stats *s = province ? &r->province[v] : &r->region[v];
        const struct paired_moments *m = &d->moments[v][cell];
        s->mean[o] = m->diff.mean;
        s->variance[o] = m->diff.m2 / (n - 1);
        s->variance_independent[o] = m->base.m2 / (n - 1) + m->variant.m2 / (n - 1);
        interval(&m->diff, n, t, &s->ci_low[o], &s->ci_high[o]);
        if (d->spilled[v])
            memcpy(s->quantiles + o * c->n_quantiles,
                   d->quantiles + (d->first_cell[v] + cell) * c->n_quantiles,
                   c->n_quantiles * sizeof(double));
    }
    (province ? r->province_p_better : r->p_better)[o] = d->better[cell] / n;
    (province ? r->province_p_worse : r->p_worse)[o] = d->worse[cell] / n;
    (province ? r->province_delta_p_depleted : r->delta_p_depleted)[o] = d->depleted[cell].mean;
    /* The normal approximation, as diffsum.h says. */
    interval(&d->depleted[cell], n, 1.96,
             &(province ? r->province_delta_p_depleted_ci_low : r->delta_p_depleted_ci_low)[o],
             &(province ? r->province_delta_p_depleted_ci_high : r->delta_p_depleted_ci_high)[o]);
}

int diffsum_finish(struct diffsum *d, struct diag *diag)
{
    if (d->finished) return 0;
    if (d->added < 2) {
        diag_fail(diag, "internal error: too few paths to compare");
        return -1;
    }
    const struct diffsum_config *c = &d->c;
    if (d->spill) {
        if (spill_quantiles(d->spill, c->quantiles, c->n_quantiles, d->quantiles, 0, c->threads,
                            diag) != 0)
            return -1;
        /* The scratch space is given back before the output grows further. */
        spill_close(d->spill);
        d->spill = NULL;
    }
    size_t Y = c->years, R = c->regions;
    double t = gsl_cdf_tdist_Pinv(0.975, (double)(d->added - 1));
    for (size_t y = 0; y < Y; y++) {
        for (size_t g = 0; g < R; g++)
            finish_cell(d, y * (R + 1) + g, false, y * R + g, t);
        finish_cell(d, y * (R + 1) + R, true, y, t);
        d->any_base[y] /= (double)d->added;
        d->any_variant[y] /= (double)d->added;
    }
    d->finished = true;
    return 0;
}

const struct diffsum_results *diffsum_results(const struct diffsum *d)
{
    return &d->r;
}

const struct diffsum_config *diffsum_config(const struct diffsum *d)
{
    return &d->c;
}
