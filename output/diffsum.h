/* diffsum.h: what a budget office reads from a policy comparison: per region
 * and year, and for the province, the per-path difference variant − base of
 * the balance, each fund line, each level of government's outlay, assistance
 * and out-of-pocket cost, summarized across paths: the mean with its 95 %
 * confidence interval, quantiles, the variance (and what independent streams
 * would have given), the probability that the variant leaves the fund better
 * or worse off, and the change in the probability of depletion.
 *
 * Base and variant run on common random numbers: path k of each sees the same
 * streams, so the paths are paired and the difference's variance is far below
 * Var(base) + Var(variant), the variance of a difference of independent runs.
 *
 * Blocks come in path order (diffsum_add), the base's and the variant's block
 * for the same paths together; the results depend only on the paths' values
 * and that order. Definitions, for each (year, region) and the province:
 *   d_i          variant − base of path i (province: each side summed over
 *                regions first; every diff variable is additive)
 *   mean         Σ d_i / n, as Welford's running mean in path order (the
 *                same up to rounding)
 *   variance     Σ (d_i − mean)² / (n − 1)  (sample variance, Welford's update)
 *   ci_low/high  mean ∓ t(0.975, n − 1) · sqrt(variance / n)  (Student t)
 *   variance_independent  Var(base) + Var(variant), each a sample variance
 *   quantiles    of the d_i, type 7 (as output/summary.h), for the variables
 *                whose diffsum_var_has_quantiles() is true
 *   p_better     share of paths with d_i > 0 for the balance; p_worse: d_i < 0
 *   delta_p_depleted  share of paths depleted (balance < 0) under the variant
 *                minus under the base; its CI is the mean of the paired
 *                indicator differences ∓ 1.96 · their sample sd / sqrt(n)
 *   p_any_depleted_base, _variant  share of paths in which some fund (some
 *                region's row: a merged region's is 0, its host's the pooled
 *                fund's, accounting.h) is depleted in the year: what pooling
 *                risks buys
 * n ≥ 2 paths (diffsum_alloc refuses fewer).
 *
 * Memory does not grow with the paths: the quantile variables' differences of
 * every path go, block by block, to a scratch file (output/spill.h) in the
 * config's scratch folder, unlinked at once, read back in bounded groups by
 * diffsum_finish; the file takes diffsum_scratch_bytes() of disk until then. */
#ifndef FUNDSIM_DIFFSUM_H
#define FUNDSIM_DIFFSUM_H

#include "output/record.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

/* The variables differenced, in the order the file lists them: the balance,
 * surplus, income and its parts, expenditure and each fund line, each level's
 * outlay, serious illness, assistance, out of pocket and the enrollees. */
extern const enum var diffsum_vars[];
extern const size_t diffsum_n_vars;
/* Whether the difference of `v` (one of diffsum_vars) has quantiles (its every
 * path's value is kept in the scratch file): the balance, surplus, income, expenditure, each
 * level's outlay, assistance claims and out of pocket, and the transfers between
 * funds (adjustment_received, adjustment_paid: a region's transfers under
 * merged pools against a base of city pooling). */
bool diffsum_var_has_quantiles(enum var v);

struct diffsum_config {
    size_t years, regions;
    size_t first_path; /* the first path added (a slice's first; 0 for a whole run) */
    size_t paths;      /* how many paths will be added, in all (≥ 2) */
    size_t n_quantiles;
    const double *quantiles; /* levels in (0, 1), increasing */
    bool moments_only;       /* no quantiles: keep no path's value (for variances alone) */
    /* the base's, the variant's adjustment_paid and adjustment_received are
     * transfers between the province's own funds (merged pools): the
     * province's income and expenditure leave them out (record_net_transfers) */
    bool base_pooled_transfers, variant_pooled_transfers;
    const char *scratch_dir; /* the scratch file's folder; NULL: $TMPDIR, else /tmp */
    int threads;             /* for the quantiles; ≤ 0 means 1 */
};

/* The disk space the scratch file of a diffsum with config `c` takes (0 for moments_only). */
uint64_t diffsum_scratch_bytes(const struct diffsum_config *c);

/* Filled by diffsum_finish. Arrays indexed by `enum var` are NULL for
 * variables not in diffsum_vars (and quantiles for those without quantiles). */
struct diffsum_stats {
    double *mean, *ci_low, *ci_high, *variance, *variance_independent;
    double *quantiles;
};
struct diffsum_results {
    struct diffsum_stats region[N_VARS];   /* [Y][R]; quantiles [Y][R][Q] */
    struct diffsum_stats province[N_VARS]; /* [Y]; quantiles [Y][Q] */
    double *p_better, *p_worse;            /* [Y][R] */
    double *delta_p_depleted, *delta_p_depleted_ci_low, *delta_p_depleted_ci_high; /* [Y][R] */
    double *province_p_better, *province_p_worse;                                  /* [Y] */
    double *province_delta_p_depleted, *province_delta_p_depleted_ci_low,
        *province_delta_p_depleted_ci_high;               /* [Y] */
    double *p_any_depleted_base, *p_any_depleted_variant; /* [Y] */
};

struct diffsum;

/* Returns NULL when out of memory or when c->paths < 2. The config's arrays
 * and folder name are copied. The scratch file is created by the first
 * diffsum_add (none for moments_only). */
struct diffsum *diffsum_alloc(const struct diffsum_config *c);
/* Frees everything and closes the scratch file (NULL is fine). */
void diffsum_free(struct diffsum *d);

/* Adds the paired blocks of the same paths (same first_path, n_paths, years,
 * regions); blocks in path order from path 0. Returns 0, or -1 with the reason
 * in `diag`: blocks not so, more paths than the config said, after
 * diffsum_finish, or the scratch file cannot be created or written. */
int diffsum_add(struct diffsum *d, const struct record_block *base,
                const struct record_block *variant, struct diag *diag);

/* Computes the results from the paths added (at least 2), reading the scratch
 * file back with a bounded buffer (SPILL_DEFAULT_MEMORY), then closes it. A
 * second call changes nothing. Returns 0, or -1 with the reason in `diag`
 * (fewer than 2 paths, a read error, out of memory). */
int diffsum_finish(struct diffsum *d, struct diag *diag);
const struct diffsum_results *diffsum_results(const struct diffsum *d);
const struct diffsum_config *diffsum_config(const struct diffsum *d);

#endif
