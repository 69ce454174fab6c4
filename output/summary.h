/* summary.h: the summaries across paths that fund analysts read: quantiles,
 * means, probabilities of a current deficit and of depletion, the first
 * depletion year, and the early-warning levels from months of payment.
 *
 * Blocks of paths are added in path order (summary_add); the results depend
 * only on the paths' values and that order, never on threads or ranks. Means
 * are sums in path order divided by the count; quantiles are of every path's
 * value (GSL's gsl_stats_quantile_from_sorted_data: linear interpolation
 * between order statistics, type 7 of Hyndman and Fan). Probabilities are
 * shares of paths.
 *
 * Memory does not grow with the paths: every path's value of the quantile
 * variables goes, block by block, to a scratch file (output/spill.h) in the
 * config's scratch folder, unlinked at once, and is read back in bounded
 * groups by summary_finish. The file takes summary_scratch_bytes() of disk
 * until then. A summary given a source (struct summary_source: a run's
 * checkpoint, which holds every path already) writes no scratch file when one
 * year of every path's quantile cells fits its memory budget (up to about
 * 40,000 paths for Henan in 256 MiB): its quantiles read the values back from
 * the source, a few years at a time, each value once. With more paths it keeps
 * the scratch file, which costs less than reading the source again for each
 * share of a year.
 *
 * Definitions (thresholds from `struct warning_params`):
 *   deficit          surplus < 0 in the year (当期收不抵支)
 *   depleted         balance < 0 at the end of the year, before any backstop
 *                    (record_depleted: pooling.deficit "backstop" keeps it at 0)
 *   insufficient     months < insufficient_months (3)
 *   first depletion  the first year a path is depleted (it may recover later);
 *                    in a calibrated run (history_end_year L) the first from
 *                    L + 1 on: the history years are never "first depleted"
 *   warning level    red: depleted; orange: months < insufficient_months;
 *                    yellow: < low_months (6); green: ≤ excess_months (15);
 *                    excess: above excess_months
 *   excess balance   balance > max_balance_share × income
 * The province: each additive variable summed over regions per path; its
 * months are the summed balance over the summed benefit expenditure / 12
 * (record_months: within ± RECORD_MAX_MONTHS). The depletion year's q-quantile is an order
 * statistic, not interpolated: the smallest year y such that the share of paths first depleted in
 * or before y is ≥ q; 0 when no year of the horizon reaches q. Years in the results are calendar
 * years (start_year + year index). */
#ifndef FUNDSIM_SUMMARY_H
#define FUNDSIM_SUMMARY_H

#include "output/record.h"
#include "sim/config/scenario.h"

#include <stddef.h>
#include <stdint.h>

struct diag;

enum warning_level { WARN_RED, WARN_ORANGE, WARN_YELLOW, WARN_GREEN, WARN_EXCESS, N_WARN_LEVELS };
extern const char *const summary_warning_level_names[N_WARN_LEVELS]; /* "red", "orange", ... */

/* The level of one path-year from its balance and months of payment. */
enum warning_level summary_warning_level(const struct warning_params *w, double balance,
                                         double months);

/* Where every path's values can be read again, for the quantiles: then the
 * summary keeps no scratch file. `read` puts years y0 .. y0 + ny - 1 of the
 * paths first .. first + n - 1 (a block added before, whole) into `out`
 * (allocated for at least n paths and ny years), setting out's first_path,
 * n_paths, years (ny) and regions; returns 0, or -1 with `d`. The values must
 * be the very doubles added (the results are then the same bits as with a
 * scratch file). */
struct summary_source {
    int (*read)(const void *ctx, size_t first, size_t n, size_t y0, size_t ny,
                struct record_block *out, struct diag *d);
    const void *ctx;
};

struct summary_config {
    int start_year;
    /* a calibrated run's last actual year L (0: none): the years up to L are
     * history, and the first depletion and the first year at risk count only
     * the projection's years from L + 1 */
    int history_end_year;
    size_t years, regions;
    size_t first_path; /* the first path added (a slice's first; 0 for a whole run) */
    size_t paths;      /* how many paths will be added, in all */
    size_t n_quantiles;
    const double *quantiles; /* levels in (0, 1), increasing */
    struct warning_params warning;
    /* adjustment_paid and adjustment_received are transfers between the
     * province's own funds (merged pools): its income and
     * expenditure leave them out (record_net_transfers) */
    bool pooled_transfers;
    const char *scratch_dir;      /* the scratch file's folder; NULL: $TMPDIR, else /tmp */
    struct summary_source source; /* read NULL, or too many paths: a scratch file */
    size_t quantile_memory;       /* bytes of values the quantiles hold at a time; 0:
                                     SPILL_DEFAULT_MEMORY (the results do not depend on it) */
    int threads;                  /* for adding blocks and the quantiles; ≤ 0 means 1 */
};

/* The disk space the scratch file of a summary with config `c` takes (0 when
 * its quantiles read the source instead). */
uint64_t summary_scratch_bytes(const struct summary_config *c);

/* Results, filled by summary_finish. Arrays are row-major in the order the
 * comment gives; Y years, R regions, Q quantiles. A NULL array was not
 * computed (quantiles of a variable without var_info[].quantiles). */
struct summary_results {
    double *mean[N_VARS];                /* [Y][R] */
    double *quantiles[N_VARS];           /* [Y][R][Q] */
    double *province_mean[N_VARS];       /* [Y], additive variables and months */
    double *province_quantiles[N_VARS];  /* [Y][Q], additive quantile variables and months */
    double *national_mean[N_NVARS];      /* [Y] */
    double *national_quantiles[N_NVARS]; /* [Y][Q] */
    double *p_deficit;                   /* [Y][R] */
    double *p_depleted;                  /* [Y][R] */
    double *p_insufficient;              /* [Y][R] */
    double *p_excess_balance;            /* [Y][R] */
    double *p_level;                     /* [Y][R][N_WARN_LEVELS] */
    int *level;                          /* [Y][R]: the most likely level (ties: the worse one) */
    double *p_first_depletion;           /* [R][Y]: share of paths first depleted in each year */
    double *p_never_depleted;            /* [R]: share never depleted within the horizon */
    double *p_depleted_by;               /* [Y][R]: share depleted in this year or before */
    /* [R][Q]: the q-quantile of the first depletion year (never = after the
     * horizon; see above); 0 when it is after the horizon. */
    int *depletion_year;
    /* [R]: the first year with p_depleted ≥ depletion_probability, 0 when none
     * (from history_end_year + 1 on in a calibrated run). */
    int *first_year_at_risk;
    double *province_p_deficit, *province_p_depleted; /* [Y] */
};

struct summary;

/* Returns NULL when out of memory. The config's arrays and folder name are
 * copied. The scratch file is created by the first summary_add. */
struct summary *summary_alloc(const struct summary_config *c);
/* Frees everything and closes the scratch file (NULL is fine). */
void summary_free(struct summary *s);

/* Adds a block; blocks must come in path order, starting at the config's
 * first_path. Returns 0,
 * or -1 with the reason in `d`: a block out of order, more paths than the
 * config said, years or regions other than the config's, after summary_finish,
 * or the scratch file cannot be created or written (a full disk). */
int summary_add(struct summary *s, const struct record_block *b, struct diag *d);

/* The threads of the next summary_add and summary_finish calls in place of the
 * config's (≤ 0 means 1): one while a run's paths take the others. The results
 * do not depend on it. */
void summary_set_threads(struct summary *s, int threads);

/* Computes the results from the paths added (at least one); until then the
 * result arrays hold running sums. Reads the scratch file (or the source) back
 * with a bounded buffer (quantile_memory), then closes it. A second call changes nothing.
 * Returns 0, or -1 with the reason in `d` (no path added, a read error, out
 * of memory). */
int summary_finish(struct summary *s, struct diag *d);
const struct summary_results *summary_results(const struct summary *s);
const struct summary_config *summary_config(const struct summary *s);

#endif
