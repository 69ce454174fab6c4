/* spill.h: every path's value of many cells (a variable in a year and region),
 * kept in a scratch file instead of memory, and their exact quantiles.
 *
 * The summaries across paths need each cell's values of all paths for its
 * quantiles; held in memory they grow with the number of paths (Henan, 10 000
 * paths: about 1.9 GB). A spill writes each block of paths to an anonymous
 * scratch file as it comes, cell-major within the block: the values of cell c
 * for the block's n paths are contiguous. Its quantiles then read back as many
 * cells at a time as fit in a memory budget (one read per block and
 * group of cells), so memory stays bounded whatever the number of paths, and
 * the file is written once and read once.
 *
 * The scratch file is created in a given folder (the output's, so that a run
 * that can write its output can write its scratch) and unlinked at once: it
 * takes disk space while the spill is open and nothing is left behind, however
 * the process ends.
 *
 * The quantiles are exactly, bit for bit, those of GSL's gsl_sort followed by
 * gsl_stats_quantile_from_sorted_data (type 7 of Hyndman and Fan, linear
 * interpolation between order statistics) over the values added, found by
 * selection rather than a full sort; the result depends only on the values and
 * their order, not on the budget, the block sizes or the threads. */
#ifndef FUNDSIM_SPILL_H
#define FUNDSIM_SPILL_H

#include <stddef.h>
#include <stdint.h>

struct diag;

struct spill;

/* Default memory budget of spill_quantiles, in bytes. */
#define SPILL_DEFAULT_MEMORY ((size_t)256 << 20)

/* The scratch bytes a spill of `cells` cells and `paths` paths takes. */
uint64_t spill_bytes(size_t cells, size_t paths);

/* Opens a spill of `cells` cells for at most `paths` paths, its scratch file in
 * folder `dir` (NULL: $TMPDIR, else /tmp). Returns NULL with the reason in
 * `d` (naming the folder) when the file cannot be created or memory runs out. */
struct spill *spill_open(const char *dir, size_t cells, size_t paths, struct diag *d);
/* Closes the scratch file and frees everything (NULL is fine). */
void spill_close(struct spill *s);

/* A buffer for the next `n` paths (n ≥ 1): the caller writes cell c's value of
 * the block's i-th path at [c * n + i], then calls spill_commit. The buffer is
 * the spill's and stays valid until then. Returns NULL when out of memory or
 * when more paths would come than spill_open said. */
double *spill_stage(struct spill *s, size_t n);
/* Writes the staged block to the scratch file. Returns 0, or -1 with the
 * reason in `d` (a full disk names the folder and the bytes needed). */
int spill_commit(struct spill *s, struct diag *d);

/* The number of paths committed. */
size_t spill_paths(const struct spill *s);

/* For each cell c, the quantiles at the `n_levels` levels (in [0, 1],
 * usually increasing) of the values committed, into out[c * n_levels + q].
 * Reads at most about `memory_bytes` of values at a time (at least one cell's;
 * 0: the default) and works on `threads` threads. Returns 0, or -1 with the
 * reason in `d` (a level outside [0, 1] or NaN, no path committed, a read
 * error, out of memory). */
int spill_quantiles(struct spill *s, const double *levels, size_t n_levels, double *out,
                    size_t memory_bytes, int threads, struct diag *d);

/* The same quantiles of values held in memory instead: column i is
 * cols[i * paths .. (i + 1) * paths) (reordered), its quantiles go to
 * out[i * n_levels + q]; for a caller that finds the values again elsewhere
 * (summary.h: the run's checkpoint) and gathers them itself. Returns 0, or -1
 * with the reason in `d` (a level outside [0, 1] or NaN, no paths, out of
 * memory). */
int spill_column_quantiles(double *cols, size_t n_cols, size_t paths, const double *levels,
                           size_t n_levels, double *out, int threads, struct diag *d);

#endif
