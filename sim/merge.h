/* merge.h: `fundsim merge`: slices of one run (`fundsim run --paths-from A
 * --paths-to B`, output/h5slice.h) combined into the file a single run of all
 * the paths writes, identical to it but for the root attribute `created`.
 *
 * The slices must come from the same run: the same fundsim version, resolved
 * scenario text, seed, scenario_paths, years, regions and quantile levels; and
 * together hold each path 0 .. scenario_paths - 1 once. A whole run's file is
 * the slice [0, paths). They may be given in any order.
 *
 * The paths go, in path order and in blocks of RECORD_BLOCK_PATHS that never
 * cross a slice's end, into the summaries and the new file, as a run sends
 * them: the summaries depend on the paths' values and order only (means are
 * sums in path order, quantiles exact), so they come out the same bit for bit. */
#ifndef FUNDSIM_MERGE_H
#define FUNDSIM_MERGE_H

#include "sim/config/say.h"

#include <stdbool.h>
#include <stddef.h>

struct diag;

struct merge_options {
    bool summary_only; /* the summaries without /paths */
    int threads;       /* for the quantiles; ≤ 0 means 1 */
    struct say say;    /* notes: what is merged, the file written */
};

/* Merges the n slice files into out_path, written under a temporary name and
 * renamed when complete. Returns 0, or -1 with the problem in `d`: a runtime
 * failure (a file cannot be read or is not a mergeable run's file, a value is
 * not finite, a write fails), or DIAG_USAGE when the slices do not make one run
 * (the message names the file and what differs, or the missing or overlapping
 * paths). On failure no file is left behind and an existing out_path is
 * untouched. */
int merge_files(const char *out_path, const char *const *slices, size_t n,
                const struct merge_options *o, struct diag *d);

#endif
