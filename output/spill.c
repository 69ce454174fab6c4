/* spill.c: every path's value of many cells in an unlinked scratch file, and
 * their exact quantiles (spill.h).
 *
 * The file is the committed blocks one after the other, each cell-major: a
 * block of n paths holds cells × n doubles, cell c's values at [c n, (c + 1) n).
 * `blocks` lists each block's offset and path count, so that a group of
 * consecutive cells is one contiguous run of bytes in every block. The
 * quantiles gather a group's values into one column per cell (all paths in
 * path order) and select the order statistics they need from each column. */
#define _DEFAULT_SOURCE /* preadv (Linux, the BSDs, macOS) */
#include "output/spill.h"

#include "models/bigmem.h"
#include "sim/config/diag.h"

#include <errno.h>
#include <gsl/gsl_sort.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

struct spill_block {
    uint64_t offset; /* bytes */
    size_t paths;
};

struct spill {
    int fd;
    char *dir; /* for messages */
    size_t cells, max_paths;
    size_t paths;  /* committed */
    uint64_t end;  /* bytes written */
    size_t staged; /* paths of the staged block; 0 when none */
    double *stage;
    size_t stage_cap; /* doubles */
    struct spill_block *blocks;
    size_t n_blocks, cap_blocks;
};

uint64_t spill_bytes(size_t cells, size_t paths)
{
    return (uint64_t)cells * paths * sizeof(double);
}

struct spill *spill_open(const char *dir, size_t cells, size_t paths, struct diag *d)
{
    if (!dir) dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    struct spill *s = calloc(1, sizeof *s);
    if (s) s->fd = -1;
    size_t n_name = strlen(dir) + 32;
    char *name = malloc(n_name);
    if (!s || !name || !(s->dir = strdup(dir))) {
        diag_fail(d, "out of memory for the scratch file in %s", dir);
        free(name);
        spill_close(s);
        return NULL;
    }
    s->cells = cells;
    s->max_paths = paths;
    snprintf(name, n_name, "%s/fundsim-scratch-XXXXXX", dir);
    s->fd = mkstemp(name);
    if (s->fd < 0) {
        diag_fail(d, "cannot create a scratch file in %s: %s", dir, strerror(errno));
        free(name);
        spill_close(s);
        return NULL;
    }
    /* Unlinked at once, nothing is left behind however the process ends. */
    unlink(name);
    free(name);
    return s;
}

void spill_close(struct spill *s)
{
    if (!s) return;
    if (s->fd >= 0) close(s->fd);
    free(s->dir);
    free(s->stage);
    free(s->blocks);
    free(s);
}

double *spill_stage(struct spill *s, size_t n)
{
    if (n == 0 || n > s->max_paths - s->paths) return NULL;
    if (s->cells && n > SIZE_MAX / sizeof(double) / s->cells) return NULL;
    size_t need = s->cells * n;
    if (need > s->stage_cap || !s->stage) {
        double *p = realloc(s->stage, (need ? need : 1) * sizeof *p);
        if (!p) return NULL;
        s->stage = p;
        s->stage_cap = need;
    }
    s->staged = n;
    return s->stage;
}

/* Writes all `bytes` at `offset`; a short write is followed by the rest.
 * Returns 0 or an errno. */
static int write_all(int fd, const char *p, size_t bytes, uint64_t offset)
{
    while (bytes > 0) {
        ssize_t w = pwrite(fd, p, bytes, (off_t)offset);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return errno;
        if (w == 0) return ENOSPC;
        p += w;
        bytes -= (size_t)w;
        offset += (uint64_t)w;
    }
    return 0;
}

int spill_commit(struct spill *s, struct diag *d)
{
    if (!s->staged) {
        diag_fail(d, "internal error: no block staged for the scratch file");
        return -1;
    }
    if (s->n_blocks == s->cap_blocks) {
        size_t cap = s->cap_blocks ? 2 * s->cap_blocks : 64;
        struct spill_block *b = realloc(s->blocks, cap * sizeof *b);
        if (!b) {
            diag_fail(d, "out of memory for the scratch file in %s", s->dir);
            return -1;
        }
        s->blocks = b;
        s->cap_blocks = cap;
    }
    uint64_t bytes = spill_bytes(s->cells, s->staged);
    int e = write_all(s->fd, (const char *)s->stage, (size_t)bytes, s->end);
    if (e == ENOSPC || e == EFBIG) {
        diag_fail(d,
                  "cannot write the scratch file of the quantiles in %s: %s (the disk is full "
                  "or a file size limit is reached): %" PRIu64
                  " more bytes needed for the %zu paths left",
                  s->dir, strerror(e), spill_bytes(s->cells, s->max_paths) - s->end,
                  s->max_paths - s->paths);
        return -1;
    }
    if (e) {
        diag_fail(d, "cannot write the scratch file in %s: %s", s->dir, strerror(e));
        return -1;
    }
    s->blocks[s->n_blocks++] = (struct spill_block){s->end, s->staged};
    s->end += bytes;
    s->paths += s->staged;
    s->staged = 0;
    return 0;
}

size_t spill_paths(const struct spill *s)
{
    return s->paths;
}

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static double median3(double a, double b, double c)
{
    if (a < b) return b < c ? b : (a < c ? c : a);
    return a < c ? a : (b < c ? c : b);
}

/* The smallest value of x[lo, hi) to x[lo], the largest to x[hi - 1]: one
 * pass, for a range whose only rank wanted is at one of its ends. */
static void min_to_front(double *x, size_t lo, size_t hi)
{
    size_t m = lo;
    for (size_t i = lo + 1; i < hi; i++)
        if (x[i] < x[m]) m = i;
    swap(&x[lo], &x[m]);
}

static void max_to_back(double *x, size_t lo, size_t hi)
{
    size_t m = lo;
    for (size_t i = lo + 1; i < hi; i++)
        if (x[i] > x[m]) m = i;
    swap(&x[hi - 1], &x[m]);
}

/* Moves the values of x[lo, hi) below `pivot` (with `equal`, those equal to it)
 * to its front, without a branch on the values (a branch would be mispredicted
 * half the time); returns where the others start. */
static size_t partition(double *x, size_t lo, size_t hi, double pivot, bool equal)
{
    size_t j = lo;
    for (size_t i = lo; i < hi; i++) {
        double v = x[i];
        x[i] = x[j];
        x[j] = v;
        j += equal ? v == pivot : v < pivot;
    }
    return j;
}

/* Puts the k[j]-th smallest value of x[lo, hi) at x[k[j]] for each of the m
 * ranks k[0] < k[1] < ... (all within [lo, hi)), in one selection: each round
 * partitions around a median of three (<, ≥; and three ways, <, =, >, when
 * nothing is below it, so that many equal values, a difference the policy
 * leaves at 0, take one pass); the ranks in an equal part are found, those on
 * the left are selected in their part (recursively) and those on the right in
 * the rest. A part whose only rank is its first or
 * last place takes one pass for its minimum or maximum. Should `rounds` rounds
 * on one line of descent not find them, the rest is sorted (introselect), so
 * the time stays O(n log n) at worst; near n (1 + log2 m) comparisons as a rule. */
static void select_ranks(double *x, size_t lo, size_t hi, const size_t *k, size_t m, int rounds)
{
    while (m > 0 && hi - lo > 1) {
        if (m == 1 && k[0] == lo) {
            min_to_front(x, lo, hi);
            return;
        }
        if (m == 1 && k[0] == hi - 1) {
            max_to_back(x, lo, hi);
            return;
        }
        if (rounds-- == 0) {
            gsl_sort(x + lo, 1, hi - lo);
            return;
        }
        double a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi - 1], pivot = median3(a, b, c);
        /* [lo, lt) < pivot, [lt, gt) = pivot, [gt, hi) > pivot. The second
         * pass, for the part equal to the pivot, only when the pivot looks
         * common (two of the three values it was chosen from) or the first
         * pass left nothing below it: otherwise [lt, hi) is smaller than
         * [lo, hi) already, and the pivot's equals stay in it to be selected
         * with the rest, which saves that pass at each round of a column of
         * distinct values. */
        bool common = (a == pivot) + (b == pivot) + (c == pivot) > 1;
        size_t lt = partition(x, lo, hi, pivot, false), gt = lt;
        if ((common || lt == lo) && k[m - 1] >= lt) gt = partition(x, lt, hi, pivot, true);
        size_t left = 0, done; /* the ranks below lt; below gt */
        while (left < m && k[left] < lt)
            left++;
        for (done = left; done < m && k[done] < gt; done++)
            ;
        select_ranks(x, lo, lt, k, left, rounds);
        lo = gt, k += done, m -= done;
    }
}

/* The ranks (0 = the smallest) of the order statistics that the levels'
 * quantiles of n values interpolate between, increasing and each once, into
 * ranks[]; returns how many (at most 2 n_levels). */
static size_t level_ranks(size_t n, const double *levels, size_t n_levels, size_t *ranks)
{
    size_t m = 0;
    for (size_t q = 0; q < n_levels; q++) {
        size_t lhs = (size_t)(levels[q] * (double)(n - 1));
        ranks[m++] = lhs;
        if (lhs < n - 1) ranks[m++] = lhs + 1;
    }
    /* few: an insertion sort, dropping repeats */
    size_t u = 0;
    for (size_t i = 0; i < m; i++) {
        size_t r = ranks[i], j = u;
        while (j > 0 && ranks[j - 1] > r)
            j--;
        if (j > 0 && ranks[j - 1] == r) continue;
        memmove(ranks + j + 1, ranks + j, (u - j) * sizeof *ranks);
        ranks[j] = r;
        u++;
    }
    return u;
}

/* The quantiles of the n values of column x (reordered), as GSL's
 * gsl_stats_quantile_from_sorted_data computes them from the sorted values,
 * term for term, so the bits are the same (the build's -std=c17 keeps the
 * compiler from fusing the multiply-add). `ranks` are level_ranks' m ranks. */
static void column_quantiles(double *x, size_t n, const double *levels, size_t n_levels,
                             const size_t *ranks, size_t m, double *out)
{
    int rounds = 8;
    for (size_t k = n; k > 1; k /= 2)
        rounds += 2;
    select_ranks(x, 0, n, ranks, m, rounds);
    for (size_t q = 0; q < n_levels; q++) {
        const double index = levels[q] * (double)(n - 1);
        const size_t lhs = (size_t)index;
        const double delta = index - (double)lhs;
        out[q] = lhs == n - 1 ? x[lhs] : (1 - delta) * x[lhs] + delta * x[lhs + 1];
    }
}

/* Reads all of `iov` (n pieces, changed as they fill) at `offset`. Returns 0,
 * an errno, or -1 when the file ends first. */
static int read_pieces(int fd, struct iovec *iov, int n, uint64_t offset)
{
    while (n > 0) {
        ssize_t r = preadv(fd, iov, n, (off_t)offset);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return errno;
        if (r == 0) return -1;
        offset += (uint64_t)r;
        for (; n > 0 && (size_t)r >= iov->iov_len; iov++, n--)
            r -= (ssize_t)iov->iov_len;
        if (n > 0) iov->iov_base = (char *)iov->iov_base + r, iov->iov_len -= (size_t)r;
    }
    return 0;
}

/* Gathers cells c0 .. c0 + g - 1 into columns cols[i * paths ..]: each
 * block's part of them is one run of bytes in the file, read straight into
 * the columns, a piece per cell. Returns 0 or -1 with `d`. */
static int gather(const struct spill *s, size_t c0, size_t g, double *cols, struct diag *d)
{
    enum { PIECES = 1024 }; /* IOV_MAX on Linux */
    struct iovec iov[PIECES];
    size_t first = 0;
    for (size_t b = 0; b < s->n_blocks; b++) {
        size_t n = s->blocks[b].paths;
        for (size_t i0 = 0; i0 < g; i0 += PIECES) {
            int k = g - i0 < PIECES ? (int)(g - i0) : PIECES;
            for (int i = 0; i < k; i++)
                iov[i] =
                    (struct iovec){cols + (i0 + (size_t)i) * s->paths + first, n * sizeof *cols};
            int e = read_pieces(s->fd, iov, k, s->blocks[b].offset + spill_bytes(c0 + i0, n));
            if (e) {
                diag_fail(d, "cannot read the scratch file in %s: %s", s->dir,
                          e < 0 ? "it ends early" : strerror(e));
                return -1;
            }
        }
        first += n;
    }
    return 0;
}

/* Refuses a level outside [0, 1] or NaN (it would index outside the paths).
 * Returns 0 or -1 with `d`. */
static int check_levels(const double *levels, size_t n_levels, struct diag *d)
{
    for (size_t q = 0; q < n_levels; q++)
        if (!(levels[q] >= 0 && levels[q] <= 1)) {
            diag_fail(d, "internal error: quantile level %g is not in [0, 1]", levels[q]);
            return -1;
        }
    return 0;
}

/* Each column's quantiles, the ranks found before (level_ranks' m). */
static void columns_quantiles(double *cols, size_t n_cols, size_t paths, const double *levels,
                              size_t n_levels, const size_t *ranks, size_t m, double *out,
                              int threads)
{
    /* Each cell is its own column and output: the same bits on any number of threads. */
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 0 ? threads : 1)
    for (size_t i = 0; i < n_cols; i++)
        column_quantiles(cols + i * paths, paths, levels, n_levels, ranks, m, out + i * n_levels);
}

int spill_column_quantiles(double *cols, size_t n_cols, size_t paths, const double *levels,
                           size_t n_levels, double *out, int threads, struct diag *d)
{
    if (paths == 0) {
        diag_fail(d, "internal error: no paths for the quantiles");
        return -1;
    }
    if (check_levels(levels, n_levels, d)) return -1;
    size_t *ranks = malloc((2 * n_levels + 1) * sizeof *ranks);
    if (!ranks) {
        diag_fail(d, "out of memory for the quantiles of %zu paths", paths);
        return -1;
    }
    size_t m = level_ranks(paths, levels, n_levels, ranks);
    columns_quantiles(cols, n_cols, paths, levels, n_levels, ranks, m, out, threads);
    free(ranks);
    return 0;
}

int spill_quantiles(struct spill *s, const double *levels, size_t n_levels, double *out,
                    size_t memory_bytes, int threads, struct diag *d)
{
    if (s->paths == 0) {
        diag_fail(d, "internal error: no paths for the quantiles");
        return -1;
    }
    if (check_levels(levels, n_levels, d)) return -1;
    /* A cell takes its column. */
    size_t group =
        (memory_bytes ? memory_bytes : SPILL_DEFAULT_MEMORY) / (s->paths * sizeof(double));
    if (group < 1) group = 1;
    if (group > s->cells) group = s->cells;
    /* on huge pages, as the summaries' columns from a source (summary.c) */
    double *cols = bigmem_alloc((group ? group : 1) * s->paths * sizeof *cols);
    size_t *ranks = malloc((2 * n_levels + 1) * sizeof *ranks);
    int rc = 0;
    if (!cols || !ranks) {
        diag_fail(d, "out of memory for the quantiles of %zu paths", s->paths);
        rc = -1;
    }
    size_t m = rc ? 0 : level_ranks(s->paths, levels, n_levels, ranks);
    for (size_t c0 = 0; c0 < s->cells && !rc; c0 += group) {
        size_t g = s->cells - c0 < group ? s->cells - c0 : group;
        if (gather(s, c0, g, cols, d)) {
            rc = -1;
            break;
        }
        columns_quantiles(cols, g, s->paths, levels, n_levels, ranks, m, out + c0 * n_levels,
                          threads);
    }
    free(ranks);
    free(cols);
    return rc;
}
