/* merge.c: `fundsim merge` (merge.h). The slices are opened together, each
 * checked against the first one given, ordered by their first path and checked
 * to cover the run's paths once; then read block by block, in path order, into
 * the summaries and the new file, as run.c sends a run's blocks. */
#include "sim/merge.h"

#include "output/finite.h"
#include "output/h5out.h"
#include "output/h5slice.h"
#include "output/record.h"
#include "output/stale.h"
#include "output/summary.h"
#include "sim/config/diag.h"
#include "sim/pools.h"
#include "sim/run.h"
#include "sim/timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything a merge holds; freed by merge_free. */
struct merge {
    const char *out_path;
    const struct merge_options *o;
    struct h5slice **slices; /* [n]: opened in the order given, then ordered by first path */
    size_t n;
    char *dir; /* the output's folder, for the summaries' scratch file */
    struct summary *sum;
    struct h5out *h5;
    struct record_block block;
};

static void merge_free(struct merge *g)
{
    if (g->h5) h5out_abort(g->h5);
    summary_free(g->sum);
    record_block_free(&g->block);
    for (size_t k = 0; g->slices && k < g->n; k++)
        h5slice_close(g->slices[k]);
    free(g->slices);
    free(g->dir);
}

static const struct h5out_meta *meta_of(const struct h5slice *s)
{
    return &h5slice_info(s)->meta;
}

/* The number of the first line where two texts differ, from 1. */
static size_t first_differing_line(const char *a, const char *b)
{
    size_t line = 1;
    for (; *a && *a == *b; a++, b++)
        line += *a == '\n';
    return line;
}

/* Whether slice `b` comes from the same run as `a`. Returns 0, or -1 with
 * `d` naming b's file and what differs from a's. Seed and paths come before
 * the scenario text, which holds them too, so that the message names them. */
static int check_same_run(const struct h5slice *a, const struct h5slice *b, struct diag *d)
{
    const struct h5out_meta *x = meta_of(a), *y = meta_of(b);
    const char *file = h5slice_path(b), *first = h5slice_path(a);
    if (strcmp(y->version, x->version) != 0) {
        diag_refuse(d, "%s: the fundsim version differs from %s's (%s, not %s)", file, first,
                    y->version, x->version);
        return -1;
    }
    if (y->seed != x->seed) {
        diag_refuse(d, "%s: the seed differs from %s's (%lld, not %lld)", file, first, y->seed,
                    x->seed);
        return -1;
    }
    if (y->scenario_paths != x->scenario_paths) {
        diag_refuse(d, "%s: the run's number of paths differs from %s's (%zu, not %zu)", file,
                    first, y->scenario_paths, x->scenario_paths);
        return -1;
    }
    if (y->start_year != x->start_year || y->years != x->years) {
        diag_refuse(d, "%s: the years differ from %s's (%d-%d, not %d-%d)", file, first,
                    y->start_year, y->start_year + (int)y->years - 1, x->start_year,
                    x->start_year + (int)x->years - 1);
        return -1;
    }
    if (y->regions != x->regions) {
        diag_refuse(d, "%s: the number of regions differs from %s's (%zu, not %zu)", file, first,
                    y->regions, x->regions);
        return -1;
    }
    for (size_t r = 0; r < x->regions; r++)
        if (strcmp(y->region_names[r], x->region_names[r]) != 0) {
            diag_refuse(d, "%s: region %zu differs from %s's (%s, not %s)", file, r + 1, first,
                        y->region_names[r], x->region_names[r]);
            return -1;
        }
    if (y->n_quantiles != x->n_quantiles ||
        memcmp(y->quantiles, x->quantiles, x->n_quantiles * sizeof *x->quantiles) != 0) {
        diag_refuse(d, "%s: the quantile levels differ from %s's", file, first);
        return -1;
    }
    if (strcmp(y->scenario_text, x->scenario_text) != 0) {
        diag_refuse(d, "%s: the scenario differs from %s's (from line %zu of its text)", file,
                    first, first_differing_line(y->scenario_text, x->scenario_text));
        return -1;
    }
    return 0;
}

static int by_first_path(const void *pa, const void *pb)
{
    const struct h5out_meta *a = meta_of(*(struct h5slice *const *)pa),
                            *b = meta_of(*(struct h5slice *const *)pb);
    if (a->first_path != b->first_path) return a->first_path < b->first_path ? -1 : 1;
    return a->paths < b->paths ? -1 : a->paths > b->paths;
}

/* "paths 100-129" or "path 100": paths from .. to - 1. */
static void format_paths(char *s, size_t n, size_t from, size_t to)
{
    if (to - from == 1)
        snprintf(s, n, "path %zu", from);
    else
        snprintf(s, n, "paths %zu-%zu", from, to - 1);
}

static void missing(struct diag *d, size_t from, size_t to, size_t all)
{
    char what[64];
    format_paths(what, sizeof what, from, to);
    diag_refuse(d, "%s %s missing: no file holds %s (the run has paths 0-%zu)", what,
                to - from == 1 ? "is" : "are", to - from == 1 ? "it" : "them", all - 1);
}

/* Whether the slices, ordered by first path, hold each path of the run once.
 * Returns 0, or -1 with `d` naming the first gap or overlap. */
static int check_cover(struct h5slice *const *s, size_t n, struct diag *d)
{
    size_t all = meta_of(s[0])->scenario_paths, next = 0; /* the first path not yet held */
    for (size_t k = 0; k < n; k++) {
        const struct h5out_meta *m = meta_of(s[k]);
        size_t from = m->first_path, to = from + m->paths;
        if (from > next) {
            missing(d, next, from, all);
            return -1;
        }
        if (from < next) { /* then next is the end of the slice before */
            char a[64], b[64], both[64];
            size_t both_end = to < next ? to : next;
            format_paths(a, sizeof a, meta_of(s[k - 1])->first_path, next);
            format_paths(b, sizeof b, from, to);
            format_paths(both, sizeof both, from, both_end);
            diag_refuse(d, "%s (%s) and %s (%s) overlap: %s %s in both", h5slice_path(s[k - 1]), a,
                        h5slice_path(s[k]), b, both, both_end - from == 1 ? "is" : "are");
            return -1;
        }
        next = to;
    }
    if (next < all) {
        missing(d, next, all, all);
        return -1;
    }
    return 0;
}

/* Opens every slice and checks that they make one run. Returns 0 or -1 with `d`. */
static int open_slices(struct merge *g, const char *const *files, struct diag *d)
{
    if (!(g->slices = calloc(g->n, sizeof *g->slices))) {
        diag_fail(d, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < g->n; k++)
        if (!(g->slices[k] = h5slice_open(files[k], d))) return -1;
    for (size_t k = 1; k < g->n; k++)
        if (check_same_run(g->slices[0], g->slices[k], d)) return -1;
    qsort(g->slices, g->n, sizeof *g->slices, by_first_path);
    return check_cover(g->slices, g->n, d);
}

/* The new file, its summaries and a block buffer. Returns 0 or -1 with `d`. */
static int create(struct merge *g, struct diag *d)
{
    const struct h5slice_info *info = h5slice_info(g->slices[0]);
    struct h5out_meta meta = info->meta;
    meta.paths = meta.scenario_paths;
    meta.first_path = 0;
    meta.slice = false;
    meta.summary_only = g->o->summary_only;
    struct summary_config cfg = {
        .start_year = meta.start_year,
        .history_end_year = meta.history_end_year,
        .years = meta.years,
        .regions = meta.regions,
        .paths = meta.paths,
        .n_quantiles = meta.n_quantiles,
        .quantiles = meta.quantiles,
        .warning = info->warning,
        .pooled_transfers = pools_name_merged(meta.pooling),
        .scratch_dir = g->dir,
        .threads = g->o->threads,
    };
    size_t block_paths = meta.paths < RECORD_BLOCK_PATHS ? meta.paths : RECORD_BLOCK_PATHS;
    if (!(g->sum = summary_alloc(&cfg)) ||
        record_block_alloc(&g->block, block_paths, meta.years, meta.regions) != 0) {
        diag_fail(d, "out of memory");
        return -1;
    }
    int stale = stale_remove(g->out_path);
    if (stale > 0)
        say_text(&g->o->say, SAY_NOTE, "removed %d temporary file%s of %s left by killed runs",
                 stale, stale == 1 ? "" : "s", g->out_path);
    say_text(&g->o->say, SAY_NOTE,
             "%s, %zu paths x %zu years x %zu regions from %zu file%s; writing %s%s",
             meta.scenario_name, meta.paths, meta.years, meta.regions, g->n, g->n == 1 ? "" : "s",
             g->out_path, meta.summary_only ? ", summaries only" : "");
    return (g->h5 = h5out_create(g->out_path, &meta, d)) ? 0 : -1;
}

/* Every slice's paths, in path order, into the summaries and the file. Returns 0
 * or -1 with `d`. */
static int copy_paths(struct merge *g, struct diag *d)
{
    for (size_t k = 0; k < g->n; k++) {
        struct h5slice *s = g->slices[k];
        const struct h5out_meta *m = meta_of(s);
        size_t end = m->first_path + m->paths;
        for (size_t first = m->first_path; first < end; first += RECORD_BLOCK_PATHS) {
            size_t n = end - first < RECORD_BLOCK_PATHS ? end - first : RECORD_BLOCK_PATHS;
            if (h5slice_read(s, first, n, &g->block, d) ||
                finite_check(&g->block, h5slice_path(s), m->region_names, m->start_year, d) ||
                summary_add(g->sum, &g->block, d) || h5out_write_block(g->h5, &g->block, d))
                return -1;
        }
    }
    return 0;
}

int merge_files(const char *out_path, const char *const *slices, size_t n,
                const struct merge_options *o, struct diag *d)
{
    if (n == 0) {
        diag_refuse(d, "no files to merge");
        return -1;
    }
    double t0 = timing_now_s();
    struct merge g = {.out_path = out_path, .o = o, .n = n};
    int rc = open_slices(&g, slices, d);
    if (rc == 0) {
        rc = -1;
        if (!(g.dir = stale_folder(out_path)))
            diag_fail(d, "out of memory");
        else if (!create(&g, d) && !copy_paths(&g, d) && !summary_finish(g.sum, d) &&
                 !h5out_write_summary(g.h5, g.sum, d)) {
            rc = h5out_commit(g.h5, d);
            g.h5 = NULL;
        }
    }
    if (rc == 0) {
        say_text(&o->say, SAY_NOTE, "wrote %s in %.1f s", out_path, timing_now_s() - t0);
    }
    merge_free(&g);
    return rc;
}
