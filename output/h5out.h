/* h5out.h: the run's HDF5 file, written as paths finish and committed at the
 * end by a rename, so that the file appears complete or not at all.
 *
 * Layout (the names are fixed: users' scripts depend on them; see README.md):
 *   root attributes: fundsim_version, scenario_name, scenario (the fully resolved
 *     text), seed, paths, start_year, years, random_generator, created (UTC,
 *     ISO 8601), summary_only (0/1), pooling ("city", "adjustment_fund",
 *     "province", or "city_merges": city pooling with pooling.merges),
 *     assumptions (what the run assumes where no notice says, a line each:
 *     sim/assumptions.h), rules_end_year (the last year a financing standard is
 *     dated; the continuation rules set it after), history_end_year (only in a
 *     calibrated run: its last actual year, the projection proper starts after); a slice's
 *     file also paths_from, paths_to, scenario_paths (its paths are paths_from ..
 *     paths_to - 1 of a run of scenario_paths; /paths is indexed from paths_from)
 *   /years [Y] int, /regions [R] string (names), /quantiles [Q] double: dimension
 *     scales; /region_names_zh [R], /region_codes [R] strings
 *   /opening_balance [R] yuan
 *   /paths/<var> [path][year][region] double, chunked, deflate-compressed, for every
 *     variable of record.h (unless summary-only); /paths/national/<nvar> [path][year]
 *   /summary/<var>_mean [year][region]; /summary/<var>_quantiles [year][region][quantile]
 *     for variables with quantiles; /summary/province/<var>_mean [year] and
 *     _quantiles [year][quantile]; /summary/national/<nvar>_mean, _quantiles
 *   /warning/p_deficit, p_depleted, p_insufficient, p_excess_balance [year][region];
 *     /warning/p_level [year][region][level]; /warning/level [year][region] int
 *     (index into the attribute `levels` and /warning/levels [5] strings);
 *     /warning/province_p_deficit, province_p_depleted [year]
 *   /depletion/p_first_year [region][year], p_never [region], p_by_year [year][region],
 *     year_at_quantile [region][quantile] int (0: after the horizon),
 *     first_year_at_risk [region] int (0: none)
 * Policy variants (`fundsim compare`; output/diffsum.h defines the statistics):
 *   /diff: group, attribute `variants` [V] strings (the variants' names, in order)
 *   /diff/<name>: group, attributes scenario_name, description, scenario (resolved
 *     text), independent (0/1: whether the independent-stream variances were measured)
 *   /diff/<name>/<var> [path][year][region]: variant - base, for each of diffsum_vars
 *     (unless summary-only)
 *   /diff/<name>/summary/<var>_mean, _ci_low, _ci_high, _variance,
 *     _variance_independent [year][region]; <var>_quantiles [year][region][quantile]
 *     when diffsum_var_has_quantiles(); <var>_variance_independent_measured
 *     [year][region] when independent = 1 (the variance of variant - base with the
 *     variant on other streams)
 *   /diff/<name>/summary/province/<the same names> [year], quantiles [year][quantile]
 *   /diff/<name>/warning/p_better, p_worse, delta_p_depleted, delta_p_depleted_ci_low,
 *     delta_p_depleted_ci_high [year][region]; province_p_better, province_p_worse,
 *     province_delta_p_depleted, province_delta_p_depleted_ci_low,
 *     province_delta_p_depleted_ci_high [year]
 * Every dataset has `units` and `long_name` attributes; multi-dimensional ones have
 * their dimension scales attached. */
#ifndef FUNDSIM_H5OUT_H
#define FUNDSIM_H5OUT_H

#include "fundsim_config.h"
#include "output/diffsum.h"
#include "output/record.h"
#include "output/summary.h"

#include <stdbool.h>
#include <stddef.h>

/* One row of the structured assumptions, the group /assumptions: 1-D UTF-8
 * string datasets term, value, source, detail_en and detail_zh of one length
 * (sim/assumptions.h makes the rows): the term (a code of output/terms.def),
 * the value in language-neutral text with units, the source ("notice",
 * "data" or "assumed") and where it comes from, in words. */
struct h5out_assumption {
    char term[40], value[96];
    const char *source;
    char detail_en[256], detail_zh[256];
};

struct h5out_meta {
    const char *version, *scenario_name, *scenario_text, *random_generator, *pooling;
    const char *assumptions; /* sim/assumptions.h */
    int rules_end_year;
    const struct h5out_assumption *assumption_rows; /* the group /assumptions (none: n 0) */
    size_t n_assumption_rows;
    int history_end_year; /* a calibrated run's last actual year; 0: none (no attribute) */
    long long seed;
    size_t paths;      /* paths in the file */
    size_t first_path; /* the first one's number: a slice's first path, 0 for a whole run */
    /* A slice of a run (`fundsim run --paths-from A --paths-to B`): the file holds
     * paths A .. B - 1 of the scenario's scenario_paths, and says so in the root
     * attributes paths_from, paths_to and scenario_paths, which `fundsim merge`
     * reads. */
    bool slice;
    size_t scenario_paths;
    int start_year;
    size_t years, regions;
    const char *const *region_names, *const *region_names_zh, *const *region_codes;
    const double *opening_balance_yuan; /* [R] */
    size_t n_quantiles;
    const double *quantiles;
    bool summary_only;
    size_t n_variants; /* policy variants to come (for h5out_expected_bytes) */
};

struct h5out;

/* Creates a temporary file beside `path` (same directory, a name starting with
 * `path`), ready for blocks. Returns NULL with a message in `d` on failure. */
struct h5out *h5out_create(const char *path, const struct h5out_meta *m, struct diag *d);

/* The temporary file's name. */
const char *h5out_tmp_path(const struct h5out *o);

/* Writes a block's paths (nothing when summary-only): path k of the run goes to
 * row k - first_path. Returns 0, or -1 with `d`. */
int h5out_write_block(struct h5out *o, const struct record_block *b, struct diag *d);

/* Writes the summaries. Returns 0, or -1 with `d`. */
int h5out_write_summary(struct h5out *o, const struct summary *s, struct diag *d);

/* A policy variant of the run (`fundsim compare`). */
struct h5out_variant {
    const char *name, *description, *scenario_text;
    bool independent; /* the independent-stream variances come too */
};

/* Adds /diff/<name> and, unless summary-only, its per-path datasets; variants
 * are numbered 0, 1, ... in the order added. Returns 0, or -1 with `d`. */
int h5out_add_variant(struct h5out *o, const struct h5out_variant *v, struct diag *d);

/* Writes variant k's differences for a block's paths: variant - base (nothing
 * when summary-only). Returns 0, or -1 with `d`. */
int h5out_write_diff_block(struct h5out *o, size_t k, const struct record_block *base,
                           const struct record_block *variant, struct diag *d);

/* Writes variant k's difference summaries; `independent` (NULL unless the
 * variant was added with independent) gives the _variance_independent_measured
 * datasets (its variances). Returns 0, or -1 with `diag`. */
int h5out_write_diffsum(struct h5out *o, size_t k, const struct diffsum *d,
                        const struct diffsum *independent, struct diag *diag);

/* Closes the file and renames it onto `path`, which must then name a regular
 * file or nothing (output/outpath.h). Returns 0, or -1 with `d` (the
 * temporary file is then removed and `path` untouched). Frees `o` in both cases. */
int h5out_commit(struct h5out *o, struct diag *d);

/* Closes and removes the temporary file; frees `o`. For failures and signals. */
void h5out_abort(struct h5out *o);

#if FUNDSIM_HAVE_MPI
#include <mpi.h>

struct diag;
/* The MPI build's per-path datasets, written by every rank at once into the one
 * file (output/h5par.c). Rank 0 creates the file (h5out_create and
 * h5out_add_variant), then h5out_suspend; every rank h5out_open_parallel, then
 * in rounds h5out_write_block and h5out_write_diff_block, which are collective
 * on such a handle: every rank calls them in each round, a rank without a
 * block of its own with a block of 0 paths (nothing else of it is looked at);
 * their result is the same on every rank (-1 on all when one rank fails, its
 * message on that rank, "rank N failed ..." on the others); then
 * h5out_close_parallel; then rank 0 h5out_reopen, the summaries and
 * h5out_commit.
 *
 * The transfers are collective (H5FD_MPIO_COLLECTIVE) into the chunked,
 * compressed datasets of the serial layout, which HDF5 1.10 needs for
 * compressed datasets. Open MPI 4.1.4's I/O components, ompio (the default)
 * and romio321, both write them without a hang (output/README.md, "MPI
 * build"). */

/* Closes the file, keeping it under its temporary name. Returns 0, or -1 with `d`. */
int h5out_suspend(struct h5out *o, struct diag *d);
/* Opens it again after the parallel writes, which wrote `paths_written` paths
 * in all. Returns 0, or -1 with `d`. */
int h5out_reopen(struct h5out *o, size_t paths_written, struct diag *d);

/* Collective on `comm`: opens the temporary file `tmp` (h5out_tmp_path of rank
 * 0's handle) with the MPI-IO driver, and its /paths datasets and those of the
 * n_variants variants named (/diff/<name>/<var>); `m` gives the sizes and the
 * first path. `comm` must last until h5out_close_parallel. Returns NULL with
 * `d` on every rank when it fails on any. */
struct h5out *h5out_open_parallel(const char *tmp, MPI_Comm comm, const struct h5out_meta *m,
                                  const char *const *variant_names, size_t n_variants,
                                  struct diag *d);
/* Collective: closes it; returns the paths written by all ranks, or -1 with
 * `d` (on every rank when it fails on any). Frees `o`. */
long long h5out_close_parallel(struct h5out *o, struct diag *d);
#endif

/* The size the file will have, roughly (compression aside), in bytes. */
double h5out_expected_bytes(const struct h5out_meta *m);

#endif
