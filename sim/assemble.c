/* assemble.c: the run's second step (run_parts.h): the HDF5 file from the
 * blocks stored in the checkpoint. The first rank creates the file and adds
 * every block, in path order, to the summaries; the per-path datasets are
 * written by that rank alone, or, in the MPI build, by every rank at once, each
 * its own blocks (output/h5out.h). `struct assembly` holds a block's arms as
 * read back, the summaries and the file. */
#include "sim/run_parts.h"

#include "fundsim_config.h"
#include "output/stale.h"
#include "output/terms.h"
#include "sim/config/diag.h"
#include "sim/pools.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The base summary's source (summary.h): its paths as the checkpoint holds
 * them, arm 0 of each block, so that the summaries need no scratch file of
 * their own beside it. */
static int read_base_years(const void *ctx, size_t first, size_t n, size_t y0, size_t ny,
                           struct record_block *out, struct diag *d)
{
    const struct run *r = ctx;
    size_t b = first / RECORD_BLOCK_PATHS;
    struct record_span span = record_block_span(b, r->from, r->to);
    if (span.first != first || span.n != n) {
        diag_fail(d, "internal error: paths %zu-%zu are not a block of the checkpoint", first,
                  first + n - 1);
        return -1;
    }
    return ckpt_load_years(r->ckpt, b, 0, y0, ny, out, d);
}

struct summary_config run_summary_config(const struct run *r)
{
    const struct scenario *s = r->s;
    return (struct summary_config){
        .start_year = s->simulation.start_year,
        .history_end_year = s->calibration.history_end_year,
        .years = (size_t)s->simulation.years,
        .regions = s->n_regions,
        .first_path = r->from,
        .paths = r->paths,
        .n_quantiles = s->simulation.quantiles.n,
        .quantiles = s->simulation.quantiles.v,
        .warning = s->warning,
        .pooled_transfers = pools_merged(s),
        .scratch_dir = r->dir,
        .source = {.read = read_base_years, .ctx = r},
        .threads = r->o->threads,
    };
}

struct diffsum_config run_diffsum_config(const struct summary_config *c)
{
    return (struct diffsum_config){
        .years = c->years,
        .regions = c->regions,
        .first_path = c->first_path,
        .paths = c->paths,
        .n_quantiles = c->n_quantiles,
        .quantiles = c->quantiles,
        .base_pooled_transfers = c->pooled_transfers,
        .scratch_dir = c->scratch_dir,
        .threads = c->threads,
    };
}

struct assembly {
    struct run *r;
    size_t n_variants;
    /* A block as stored: arm 0 the base, 1 + k variant k, then the independent
     * twins; twin[k] is variant k's twin's arm, 0 for none. */
    struct record_block arm[RUN_MAX_ARMS];
    struct record_block next[RUN_MAX_ARMS]; /* the block after, read meanwhile (none: NULL) */
    struct h5out *h5;
};

static void assembly_free(struct assembly *a)
{
    if (a->h5) h5out_abort(a->h5);
    for (size_t k = 0; k < a->r->n_arms; k++)
        record_block_free(&a->arm[k]), record_block_free(&a->next[k]);
}

/* Buffers for a block's arms. Returns 0 or -1 with `d`. */
static int alloc_arms(struct assembly *a, struct diag *d)
{
    const struct run *r = a->r;
    size_t paths = r->paths < RECORD_BLOCK_PATHS ? r->paths : RECORD_BLOCK_PATHS;
    for (size_t k = 0; k < r->n_arms; k++)
        if (record_block_alloc(&a->arm[k], paths, r->meta.years, r->meta.regions) != 0) {
            diag_fail(d, "out of memory");
            return -1;
        }
    return 0;
}

int run_sums_alloc(const struct run *r, struct run_sums *s, int threads, struct diag *d)
{
    struct summary_config cfg = run_summary_config(r);
    struct diffsum_config dcfg = run_diffsum_config(&cfg);
    /* The independent twin is there for its variances only. */
    struct diffsum_config moments = dcfg;
    moments.moments_only = true;
    s->next_block = r->first_block;
    bool ok = (s->sum = summary_alloc(&cfg)) != NULL;
    if (ok) summary_set_threads(s->sum, threads);
    for (size_t k = 0; k < r->o->n_variants && ok; k++) {
        dcfg.variant_pooled_transfers = moments.variant_pooled_transfers =
            pools_merged(r->o->variants[k].s);
        ok = (s->diff[k] = diffsum_alloc(&dcfg)) &&
             (!r->o->variants[k].independent || (s->twin_diff[k] = diffsum_alloc(&moments)));
    }
    if (!ok) {
        diag_fail(d, "out of memory");
        run_sums_free(r, s);
    }
    return ok ? 0 : -1;
}

void run_sums_free(const struct run *r, struct run_sums *s)
{
    summary_free(s->sum);
    for (size_t k = 0; k < r->o->n_variants; k++) {
        diffsum_free(s->diff[k]);
        diffsum_free(s->twin_diff[k]);
    }
    *s = (struct run_sums){0};
}

int run_sums_add(const struct run *r, struct run_sums *s, const struct record_block *const *arms,
                 struct diag *d)
{
    const struct record_block *base = arms[0];
    if (summary_add(s->sum, base, d)) return -1;
    /* the twins' arms follow the variants', in the variants' order */
    for (size_t k = 0, twin = 1 + r->o->n_variants; k < r->o->n_variants; k++)
        if (diffsum_add(s->diff[k], base, arms[1 + k], d) ||
            (s->twin_diff[k] && diffsum_add(s->twin_diff[k], base, arms[twin++], d)))
            return -1;
    s->next_block++;
    return 0;
}

/* Creates the file and each variant's /diff group. Returns 0 or -1 with `d`. */
static int create_file(struct assembly *a, struct diag *d)
{
    const struct run_options *o = a->r->o;
    int stale = stale_remove(o->out_path);
    if (stale > 0)
        say_text(&o->say, SAY_NOTE, term(TERM_msg_stale_removed, o->lang), stale,
                 stale == 1 ? "" : "s", o->out_path);
    if (!(a->h5 = h5out_create(o->out_path, &a->r->meta, d))) return -1;
    for (size_t k = 0; k < a->n_variants; k++) {
        const struct scenario *v = o->variants[k].s;
        struct h5out_variant hv = {
            .name = v->name,
            .description = v->description,
            .scenario_text = v->resolved_text,
            .independent = o->variants[k].independent != NULL,
        };
        if (h5out_add_variant(a->h5, &hv, d)) return -1;
    }
    return 0;
}

/* The block held in a->arm into the summaries. */
static int summarize(struct assembly *a, struct diag *d)
{
    const struct record_block *arms[RUN_MAX_ARMS];
    for (size_t k = 0; k < a->r->n_arms; k++)
        arms[k] = &a->arm[k];
    return run_sums_add(a->r, &a->r->sums, arms, d);
}

/* The block held in a->arm into the per-path datasets of `h5`. */
static int write_block(struct assembly *a, struct h5out *h5, struct diag *d)
{
    if (h5out_write_block(h5, &a->arm[0], d)) return -1;
    for (size_t k = 0; k < a->n_variants; k++)
        if (h5out_write_diff_block(h5, k, &a->arm[0], &a->arm[1 + k], d)) return -1;
    return 0;
}

static int load(struct assembly *a, size_t b, struct diag *d)
{
    struct record_block *arms[RUN_MAX_ARMS];
    for (size_t k = 0; k < a->r->n_arms; k++)
        arms[k] = &a->arm[k];
    return ckpt_load(a->r->ckpt, b, arms, d);
}

/* The reader: block b into a->next on a thread of its own while the block
 * before goes into the summaries (reading and checking a block is serial
 * work). Its problem goes to its own diag, handed on when it is joined. */
struct reader {
    struct assembly *a;
    size_t b;
    pthread_t thread;
    bool running;
    int rc;
    struct diag d;
};

static void *reader_work(void *arg)
{
    struct reader *rd = arg;
    struct record_block *arms[RUN_MAX_ARMS];
    for (size_t k = 0; k < rd->a->r->n_arms; k++)
        arms[k] = &rd->a->next[k];
    rd->rc = ckpt_load(rd->a->r->ckpt, rd->b, arms, &rd->d);
    return NULL;
}

/* Buffers for the block after; false when there is no memory for them (the
 * blocks are then read one after the other). */
static bool alloc_next(struct assembly *a)
{
    const struct run *r = a->r;
    size_t paths = r->paths < RECORD_BLOCK_PATHS ? r->paths : RECORD_BLOCK_PATHS;
    for (size_t k = 0; k < r->n_arms; k++)
        if (record_block_alloc(&a->next[k], paths, r->meta.years, r->meta.regions) != 0) {
            for (size_t j = 0; j <= k; j++)
                record_block_free(&a->next[j]);
            return false;
        }
    return true;
}

/* Waits for the reader; then the block it read is a->arm. Returns 0, or -1
 * with its problem in `d`. */
static int reader_join(struct reader *rd, struct diag *d)
{
    if (!rd->running) return 0;
    pthread_join(rd->thread, NULL);
    rd->running = false;
    int rc = rd->rc;
    if (rc) {
        diag_fail(d, "%s", rd->d.n ? diag_last_text(&rd->d) : "cannot read a block");
        if (rd->d.no_memory) d->no_memory = true;
    } else {
        struct assembly *a = rd->a;
        for (size_t k = 0; k < a->r->n_arms; k++) {
            struct record_block t = a->arm[k];
            a->arm[k] = a->next[k], a->next[k] = t;
        }
    }
    diag_free(&rd->d);
    rd->d = (struct diag){0};
    return rc;
}

/* Whether a signal asked the run to stop (run_options.stop): the file is then
 * not finished, and the checkpoint, which holds every path, stays for --resume.
 * Returns 0, or -1 with `d` saying so. */
static int stop_asked(const struct assembly *a, struct diag *d)
{
    const struct run *r = a->r;
    if (!r->o->stop || !*r->o->stop) return 0;
    diag_fail(d,
              "interrupted while writing %s, with all %zu paths finished, kept in %s: run the "
              "same command with --resume to write it",
              r->o->out_path, r->paths, ckpt_path(r->ckpt));
    return -1;
}

/* The blocks the first step fed the summaries from memory, each read whole and
 * its checksum checked (on the run's threads), when nothing else reads them back
 * before the summaries' quantiles read some of their years again: a block
 * damaged since it was written stops the run, as one read back would. Returns 0,
 * or -1 with `d` naming the first damaged block. */
static int check_fed(const struct run *r, struct diag *d)
{
    size_t end = r->sums.next_block, bad = end;
    int threads = r->o->threads > 0 ? r->o->threads : 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(min : bad)
    for (size_t b = r->first_block; b < end; b++) {
        struct diag ignored = {0};
        if (ckpt_check(r->ckpt, b, &ignored) != 0 && b < bad) bad = b;
        diag_free(&ignored);
    }
    if (bad == end) return 0;
    if (ckpt_check(r->ckpt, bad, d) == 0)
        diag_fail(d,
                  "%s/block-%08zu could not be read a moment ago; the run stops, and the same "
                  "command with --resume checks it again",
                  ckpt_path(r->ckpt), bad);
    return -1;
}

/* Every block in path order into the summaries (those the first step has not
 * fed them), and into the file when `write`. Returns 0 or -1 with `d`. */
static int add_blocks(struct assembly *a, bool write, struct diag *d)
{
    const struct run *r = a->r;
    if (!write && check_fed(r, d)) return -1;
    size_t end = r->first_block + r->n_blocks;
    size_t first = write ? r->first_block : r->sums.next_block;
    bool ahead = end - first > 1 && alloc_next(a);
    struct reader rd = {.a = a};
    int rc = first < end && (stop_asked(a, d) || load(a, first, d)) ? -1 : 0;
    for (size_t b = first; b < end && !rc; b++) {
        if (ahead && b + 1 < end) {
            rd.b = b + 1;
            rd.running = pthread_create(&rd.thread, NULL, reader_work, &rd) == 0;
        }
        rc = (b == r->sums.next_block && summarize(a, d)) || (write && write_block(a, a->h5, d))
                 ? -1
                 : 0;
        if (b + 1 == end || rc) break;
        if (rd.running ? reader_join(&rd, d) : load(a, b + 1, d)) rc = -1;
        if (!rc && stop_asked(a, d)) rc = -1;
    }
    if (rd.running) {
        struct diag ignored = {0}; /* after a failure, its message is the one to keep */
        reader_join(&rd, &ignored);
        diag_free(&ignored);
    }
    return rc;
}

/* The summaries into the file, then the commit. Returns 0 or -1 with `d`. */
static int finish(struct assembly *a, struct diag *d)
{
    struct run_sums *s = &a->r->sums;
    if (stop_asked(a, d) || summary_finish(s->sum, d) || h5out_write_summary(a->h5, s->sum, d))
        return -1;
    for (size_t k = 0; k < a->n_variants; k++) {
        if (diffsum_finish(s->diff[k], d) ||
            (s->twin_diff[k] && diffsum_finish(s->twin_diff[k], d)))
            return -1;
        if (h5out_write_diffsum(a->h5, k, s->diff[k], s->twin_diff[k], d)) return -1;
    }
    if (stop_asked(a, d)) return -1;
    int rc = h5out_commit(a->h5, d);
    a->h5 = NULL;
    return rc;
}

#if FUNDSIM_HAVE_MPI
/* Every rank writes its blocks (block first_block + k size + rank in round k)
 * into the file rank 0 created, all at once. Returns 0 or -1, the same on every
 * rank. */
static int write_in_parallel(struct assembly *a, struct diag *d)
{
    const struct run *r = a->r;
    const struct team *t = r->team;
    char tmp[4096] = "";
    int failed = 0;
    if (t->rank == 0) {
        failed = h5out_suspend(a->h5, d) != 0;
        snprintf(tmp, sizeof tmp, "%s", h5out_tmp_path(a->h5));
    }
    if (team_max(t, failed)) return -1;
    team_bcast(t, tmp, sizeof tmp);
    const char *names[RUN_MAX_VARIANTS];
    for (size_t k = 0; k < a->n_variants; k++)
        names[k] = r->o->variants[k].s->name;
    struct h5out *par = h5out_open_parallel(tmp, MPI_COMM_WORLD, &r->meta, names, a->n_variants, d);
    if (!par) return -1;
    size_t size = (size_t)t->size, rounds = (r->n_blocks + size - 1) / size;
    int rc = 0;
    for (size_t k = 0; k < rounds && !rc; k++) {
        size_t b = r->first_block + k * size + (size_t)t->rank;
        /* A rank without a block this round (or whose block cannot be read)
         * takes part with none. */
        bool mine = b < r->first_block + r->n_blocks && !failed;
        if (mine && load(a, b, d)) failed = 1, mine = false;
        for (size_t j = 0; !mine && j < r->n_arms; j++)
            a->arm[j].first_path = r->from, a->arm[j].n_paths = 0;
        rc = write_block(a, par, d);
    }
    struct diag ignored = {0}; /* after a failed write, its message is the one to keep */
    long long written = rc ? h5out_close_parallel(par, &ignored) : h5out_close_parallel(par, d);
    diag_free(&ignored);
    if (team_max(t, failed || rc || written < 0)) return -1;
    return t->rank == 0 ? h5out_reopen(a->h5, (size_t)written, d) : 0;
}
#endif

int run_assemble(struct run *r, struct diag *d)
{
    const struct team *t = r->team;
    struct assembly a = {.r = r, .n_variants = r->o->n_variants};
    bool lead = t->rank == 0;
    bool parallel = false;
#if FUNDSIM_HAVE_MPI
    parallel = t->mpi && !r->o->summary_only;
#endif
    int failed = (lead || parallel) && alloc_arms(&a, d);
    if (!failed && lead)
        failed =
            (!r->sums.sum && run_sums_alloc(r, &r->sums, r->o->threads, d)) || create_file(&a, d);
    if (!failed && lead) summary_set_threads(r->sums.sum, r->o->threads);
    if (team_max(t, failed)) {
        assembly_free(&a);
        return -1;
    }
#if FUNDSIM_HAVE_MPI
    if (parallel && write_in_parallel(&a, d)) {
        assembly_free(&a);
        return -1;
    }
#endif
    /* Summaries only: nothing of a block goes into the file, so only the blocks
     * the first step has not fed the summaries are read back. */
    bool write = !parallel && !r->o->summary_only;
    failed = lead && (add_blocks(&a, write, d) || finish(&a, d));
    assembly_free(&a);
    return team_max(t, failed) ? -1 : 0;
}
