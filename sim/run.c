/* run.c: the parallel driver of a run (run.h): the arms (a scenario's engine,
 * its threads' work states and block buffers), and the run's first step, the
 * blocks into the checkpoint; the second step is in assemble.c. */
#include "sim/run.h"
#include "sim/run_parts.h"

#include "fundsim_config.h"
#include "output/ckpt.h"
#include "output/finite.h"
#include "output/record.h"
#include "output/stale.h"
#include "sim/assumptions.h"
#include "sim/config/diag.h"
#include "sim/engine.h"
#include "sim/pools.h"
#include "sim/team.h"
#include "sim/timing.h"

#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

static void human_bytes(double bytes, char *out, size_t n)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000 && u < 4)
        bytes /= 1000, u++;
    snprintf(out, n, "%.*f %s", u == 0 ? 0 : 1, bytes, units[u]);
}

static int names_init(struct run_names *n, const struct scenario *s)
{
    size_t r = s->n_regions;
    n->name = calloc(r, sizeof *n->name);
    n->name_zh = calloc(r, sizeof *n->name_zh);
    n->code = calloc(r, sizeof *n->code);
    n->opening = calloc(r, sizeof *n->opening);
    if (!n->name || !n->name_zh || !n->code || !n->opening) return -1;
    for (size_t k = 0; k < r; k++) {
        n->name[k] = s->regions[k].name;
        n->name_zh[k] = s->regions[k].name_zh ? s->regions[k].name_zh : "";
        n->code[k] = s->regions[k].code ? s->regions[k].code : "";
        n->opening[k] = s->regions[k].opening_balance_yuan;
    }
    return 0;
}

static void names_free(struct run_names *n)
{
    free(n->name);
    free(n->name_zh);
    free(n->code);
    free(n->opening);
}

struct run_arm {
    struct engine *engine;
    int threads;
    struct engine_work **work; /* [threads] */
    size_t n_blocks;           /* buffers allocated in each set, ≤ RUN_BATCH_BLOCKS */
    /* Two sets of block buffers: a batch fills set `set` while the blocks of the
     * one before, in the other set, are still being stored (run_arm_swap). The
     * second set is allocated by the first swap. */
    struct record_block block[2][RUN_BATCH_BLOCKS];
    int set;
    bool two_sets;
    size_t block_paths, years, regions; /* each buffer's size */
};

struct run_arm *run_arm_create(const struct scenario *s, int threads, struct diag *d)
{
    return run_arm_create_like(s, threads, NULL, d);
}

struct run_arm *run_arm_create_like(const struct scenario *s, int threads,
                                    const struct run_arm *donor, struct diag *d)
{
    struct run_arm *a = calloc(1, sizeof *a);
    if (!a) goto oom;
    a->threads = threads > 0 ? threads : 1;
    if (!(a->work = calloc((size_t)a->threads, sizeof *a->work))) goto oom;
    if (!(a->engine = engine_create_like(s, a->threads, donor ? donor->engine : NULL, d))) {
        run_arm_free(a);
        return NULL;
    }
    for (int t = 0; t < a->threads; t++)
        if (!(a->work[t] = engine_work_alloc(a->engine))) goto oom;
    size_t paths = (size_t)s->simulation.paths;
    a->block_paths = paths < RECORD_BLOCK_PATHS ? paths : RECORD_BLOCK_PATHS;
    a->years = (size_t)s->simulation.years, a->regions = s->n_regions;
    for (; a->n_blocks < RUN_BATCH_BLOCKS && a->n_blocks * RECORD_BLOCK_PATHS < paths;
         a->n_blocks++)
        if (record_block_alloc(&a->block[0][a->n_blocks],
                               paths < RECORD_BLOCK_PATHS ? paths : RECORD_BLOCK_PATHS,
                               (size_t)s->simulation.years, s->n_regions) != 0)
            goto oom;
    return a;
oom:
    diag_fail(d, "out of memory");
    run_arm_free(a);
    return NULL;
}

int run_arm_hold(struct run_arm *a, unsigned groups, struct diag *d)
{
    return engine_hold(a->engine, groups, d);
}

void run_arm_free(struct run_arm *a)
{
    if (!a) return;
    for (int t = 0; a->work && t < a->threads; t++)
        engine_work_free(a->work[t]);
    free(a->work);
    for (size_t j = 0; j < RUN_BATCH_BLOCKS; j++)
        record_block_free(&a->block[0][j]), record_block_free(&a->block[1][j]);
    engine_free(a->engine);
    free(a);
}

int run_arm_refresh_levels(struct run_arm *a, struct diag *d)
{
    return engine_refresh_levels(a->engine, d);
}

size_t run_arm_tables(const struct run_arm *a)
{
    return engine_tables(a->engine);
}

void run_arm_times(const struct run_arm *a, struct engine_times *out)
{
    *out = (struct engine_times){0};
    for (int t = 0; t < a->threads; t++) {
        struct engine_times x;
        engine_work_times(a->work[t], &x);
        out->drivers_s += x.drivers_s;
        out->rules_s += x.rules_s;
        out->accounting_s += x.accounting_s;
    }
}

void run_arm_batch(struct run_arm *a, const struct record_span *spans, size_t n_spans)
{
    /* Path i of the batch: span j, row i - start[j]. */
    size_t start[RUN_BATCH_BLOCKS + 1] = {0};
    for (size_t j = 0; j < n_spans; j++) {
        a->block[a->set][j].first_path = spans[j].first;
        a->block[a->set][j].n_paths = spans[j].n;
        start[j + 1] = start[j] + spans[j].n;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(a->threads)
    for (size_t i = 0; i < start[n_spans]; i++) {
        size_t j = 0;
        while (i >= start[j + 1])
            j++;
        engine_path(a->engine, a->work[omp_get_thread_num()], spans[j].first + i - start[j],
                    &a->block[a->set][j], i - start[j]);
    }
}

const struct record_block *run_arm_batch_block(const struct run_arm *a, size_t j)
{
    return &a->block[a->set][j];
}

const struct record_block *run_arm_block(struct run_arm *a, size_t first, size_t n)
{
    run_arm_batch(a, &(struct record_span){first, n}, 1);
    return &a->block[a->set][0];
}

int run_arm_swap(struct run_arm *a)
{
    if (!a->two_sets) {
        size_t j = 0;
        for (; j < a->n_blocks; j++)
            if (record_block_alloc(&a->block[1][j], a->block_paths, a->years, a->regions) != 0)
                break;
        if (j < a->n_blocks) {
            for (size_t i = 0; i <= j && i < a->n_blocks; i++)
                record_block_free(&a->block[1][i]);
            return -1;
        }
        a->two_sets = true;
    }
    a->set = 1 - a->set;
    return 0;
}

/* The team of a run without one: this process alone. */
static const struct team solo = {.rank = 0, .size = 1, .local_size = 1};

static void run_free(struct run *r)
{
    run_sums_free(r, &r->sums);
    ckpt_close(r->ckpt);
    run_arm_free(r->base);
    for (size_t k = 0; r->variants && k < r->o->n_variants; k++) {
        run_arm_free(r->variants[k].arm);
        run_arm_free(r->variants[k].independent_arm);
    }
    free(r->variants);
    names_free(&r->names);
    free(r->variants_text);
    free(r->assumptions);
    free(r->assumption_rows);
    free(r->dir);
}

/* Builds an arm, saying so. Returns 0 or -1 with `d`. */
static int build_arm(struct run *r, const struct scenario *s, struct run_arm **arm, struct diag *d)
{
    double t0 = timing_now_s();
    if (!(*arm = run_arm_create(s, r->o->threads, d))) return -1;
    if (r->team->rank == 0)
        say_text(&r->o->say, SAY_NOTE, term(TERM_msg_tables_built, r->o->lang), s->name,
                 run_arm_tables(*arm), timing_now_s() - t0);
    return 0;
}

/* The engines of every arm. Returns 0 or -1 with `d`. */
static int build(struct run *r, struct diag *d)
{
    const struct run_options *o = r->o;
    double t0 = timing_now_s();
    int rc = build_arm(r, r->s, &r->base, d);
    for (size_t k = 0; k < o->n_variants && !rc; k++) {
        rc = build_arm(r, o->variants[k].s, &r->variants[k].arm, d);
        if (!rc && o->variants[k].independent)
            rc = build_arm(r, o->variants[k].independent, &r->variants[k].independent_arm, d);
    }
    r->tables_s = timing_now_s() - t0;
    return rc;
}

/* Refuses at once a run whose checkpoint, scratch files and output would not
 * fit in the output's folder (when its free space can be known). They are
 * there together at the end: the blocks not stored yet (the checkpoint's
 * folder and identity are made by now), the exact quantiles' scratch files
 * (the variants', and the base's only with very many paths: summary.h) and
 * the output;
 * each file takes whole blocks of the file system. Returns 0 or -1
 * with `d`. */
static int check_space(const struct run *r, size_t stored_blocks, struct diag *d)
{
    struct statvfs fs;
    if (statvfs(r->dir, &fs) != 0) return 0; /* writing will say why */
    double unit = fs.f_frsize ? (double)fs.f_frsize : 4096;
    double free_bytes = (double)fs.f_bavail * unit;
    struct summary_config cfg = run_summary_config(r);
    struct diffsum_config dcfg = run_diffsum_config(&cfg);
    double blocks =
        (double)(r->n_blocks - stored_blocks) * ((double)ckpt_block_bytes(0, 0, 0, 0) + unit) +
        (double)ckpt_block_bytes(r->paths - r->stored, cfg.years, cfg.regions, r->n_arms);
    /* the base's quantiles read the checkpoint (summary_config.source) unless
     * the paths are too many for that; the variants' differences have scratch files */
    double scratch_files = (summary_scratch_bytes(&cfg) > 0) + (double)r->o->n_variants;
    double quantiles = (double)summary_scratch_bytes(&cfg) +
                       (double)r->o->n_variants * (double)diffsum_scratch_bytes(&dcfg) +
                       scratch_files * unit;
    double output = h5out_expected_bytes(&r->meta) + unit;
    if (blocks + quantiles + output <= free_bytes) return 0;
    char need[32], ckpt[32], q[32], q_part[80] = "", out[32], has[32];
    human_bytes(blocks + quantiles + output, need, sizeof need);
    human_bytes(blocks, ckpt, sizeof ckpt);
    human_bytes(quantiles, q, sizeof q);
    if (scratch_files > 0)
        snprintf(q_part, sizeof q_part, ", the exact quantiles' scratch file%s %s",
                 scratch_files > 1 ? "s" : "", q);
    human_bytes(output, out, sizeof out);
    human_bytes(free_bytes, has, sizeof has);
    diag_fail(d,
              "%zu paths need %s beside %s (the checkpoint's blocks %s%s, the file itself "
              "about %s) in %s, and it has %s free; use fewer paths, or make room",
              r->paths, need, r->o->out_path, ckpt, q_part, out, r->dir, has);
    return -1;
}

/* Every scenario's resolved text after the base's: the variants, then their
 * independent twins (what a checkpoint must match). */
static char *variants_text(const struct run_options *o)
{
    size_t n = 1;
    for (size_t k = 0; k < o->n_variants; k++)
        n += strlen(o->variants[k].s->resolved_text) + 1 +
             (o->variants[k].independent ? strlen(o->variants[k].independent->resolved_text) + 1
                                         : 0);
    char *t = malloc(n), *p = t;
    if (!t) return NULL;
    *p = '\0';
    for (size_t k = 0; k < o->n_variants; k++)
        p += sprintf(p, "%s\n", o->variants[k].s->resolved_text);
    for (size_t k = 0; k < o->n_variants; k++)
        if (o->variants[k].independent)
            p += sprintf(p, "%s\n", o->variants[k].independent->resolved_text);
    return t;
}

/* The first rank opens the checkpoint (new, or to resume), then the others
 * attach to it. Returns 0 or -1 (`d` on the rank that failed). */
static int open_checkpoint(struct run *r, struct diag *d)
{
    const struct scenario *s = r->s;
    struct ckpt_id id = {
        .version = FUNDSIM_VERSION,
        .seed = s->simulation.seed,
        .scenario_text = s->resolved_text,
        .variants_text = r->variants_text,
        .paths = (size_t)s->simulation.paths,
        .paths_from = r->from,
        .paths_to = r->to,
        .years = (size_t)s->simulation.years,
        .regions = s->n_regions,
        .arms = r->n_arms,
        .summary_only = r->o->summary_only,
    };
    const struct team *t = r->team;
    int failed = 0;
    if (t->rank == 0)
        failed =
            !(r->ckpt = ckpt_open(r->o->out_path, &id, r->o->resume ? CKPT_RESUME : CKPT_NEW, d));
    if (team_max(t, failed)) return -1;
    if (t->rank != 0) failed = !(r->ckpt = ckpt_open(r->o->out_path, &id, CKPT_ATTACH, d));
    return team_max(t, failed) ? -1 : 0;
}

/* The paths of the blocks stored before this run. */
static size_t paths_stored(const struct run *r)
{
    size_t n = 0;
    for (size_t b = r->first_block; b < r->first_block + r->n_blocks; b++)
        if (ckpt_has(r->ckpt, b)) n += record_block_span(b, r->from, r->to).n;
    return n;
}

/* The arms' blocks j of the batch and their scenarios; returns how many arms. */
static size_t batch_arms(const struct run *r, size_t j, const struct record_block **arms,
                         const struct scenario **whose)
{
    size_t n = 0;
    arms[n] = run_arm_batch_block(r->base, j), whose[n++] = r->s;
    for (size_t k = 0; k < r->o->n_variants; k++)
        arms[n] = run_arm_batch_block(r->variants[k].arm, j), whose[n++] = r->o->variants[k].s;
    for (size_t k = 0; k < r->o->n_variants; k++)
        if (r->variants[k].independent_arm)
            arms[n] = run_arm_batch_block(r->variants[k].independent_arm, j),
            whose[n++] = r->o->variants[k].independent;
    return n;
}

/* The checkpoint's writer: a batch's blocks, checked finite and stored, on a
 * thread of their own while the next batch runs (its arms fill their other set
 * of buffers: run_arm_swap), so that the writes and their fsyncs are off the
 * paths' way; and into the summaries (`sums`, when not NULL) while they follow
 * the blocks fed them before, so that the second step need not read them back
 * nor add them after the paths (a failure to add drops the summaries for the
 * second step to make). Its problems go to its own diag, handed on
 * when it is joined. */
struct writer {
    const struct run *r;
    struct run_sums *sums;
    pthread_t thread;
    bool running;
    size_t n, n_arms;
    size_t b[RUN_BATCH_BLOCKS], paths[RUN_BATCH_BLOCKS];
    const struct record_block *arms[RUN_BATCH_BLOCKS][RUN_MAX_ARMS];
    const struct scenario *whose[RUN_MAX_ARMS];
    size_t saved; /* paths stored */
    int rc;
    struct diag d;
};

static void *writer_work(void *arg)
{
    struct writer *w = arg;
    const struct run *r = w->r;
    for (size_t j = 0; j < w->n && !w->rc; j++) {
        for (size_t k = 0; k < w->n_arms && !w->rc; k++)
            w->rc = finite_check(w->arms[j][k], w->whose[k]->name, r->names.name,
                                 w->whose[k]->simulation.start_year, &w->d);
        if (!w->rc) w->rc = ckpt_save(r->ckpt, w->b[j], w->arms[j], &w->d);
        if (!w->rc) w->saved += w->paths[j];
        if (!w->rc && w->sums && w->sums->next_block == w->b[j]) {
            /* A scratch file that cannot grow (a full disk) or no memory stops
             * the feeding, not the paths: the second step feeds the summaries
             * anew from the checkpoint, and says why if it fails too. */
            struct diag ignored = {0};
            if (run_sums_add(r, w->sums, w->arms[j], &ignored))
                run_sums_free(r, w->sums), w->sums = NULL;
            diag_free(&ignored);
        }
    }
    return NULL;
}

/* The n blocks of the batch just run (numbers b, spans) to the writer, which
 * must be idle: taken from the arms' current buffers, before they swap. */
static void writer_take(struct writer *w, const struct run *r, const size_t *b,
                        const struct record_span *spans, size_t n)
{
    w->r = r, w->n = n, w->rc = 0, w->saved = 0;
    for (size_t j = 0; j < n; j++) {
        w->b[j] = b[j], w->paths[j] = spans[j].n;
        w->n_arms = batch_arms(r, j, w->arms[j], w->whose);
    }
}

/* Stores the blocks taken: on a thread when `background` and one can start,
 * else at once. */
static void writer_start(struct writer *w, bool background)
{
    w->running = background && pthread_create(&w->thread, NULL, writer_work, w) == 0;
    if (!w->running) writer_work(w);
}

/* Waits for the writer; adds the paths it stored to *saved. Returns 0, or -1
 * with its problem in `d`. */
static int writer_join(struct writer *w, size_t *saved, struct diag *d)
{
    if (w->running) pthread_join(w->thread, NULL);
    w->running = false;
    *saved += w->saved;
    w->saved = 0;
    int rc = w->rc;
    if (rc) {
        diag_fail(d, "%s", w->d.n ? diag_last_text(&w->d) : "cannot store a block");
        if (w->d.no_memory) d->no_memory = true;
    }
    diag_free(&w->d);
    w->d = (struct diag){0};
    w->rc = 0;
    return rc;
}

/* Swaps every arm's buffers for the next batch. Returns 0, or -1 when one
 * could not (then none has: the writer must finish first). */
static int swap_arms(struct run *r)
{
    struct run_arm *arms[RUN_MAX_ARMS];
    size_t n = 0;
    arms[n++] = r->base;
    for (size_t k = 0; k < r->o->n_variants; k++) {
        arms[n++] = r->variants[k].arm;
        if (r->variants[k].independent_arm) arms[n++] = r->variants[k].independent_arm;
    }
    for (size_t k = 0; k < n; k++)
        if (run_arm_swap(arms[k])) {
            while (k-- > 0)
                run_arm_swap(arms[k]); /* back: allocated already, cannot fail */
            return -1;
        }
    return 0;
}

/* run_arm_batch, timed. */
static void timed_batch(struct run *r, struct run_arm *a, const struct record_span *spans, size_t n)
{
    double t0 = timing_now_s();
    run_arm_batch(a, spans, n);
    r->engine_s += timing_now_s() - t0;
}

/* The first step: this rank's share of the blocks not stored yet, a batch at a
 * time, into the checkpoint. The ranks go round by round, learning at each
 * round's start whether one was asked to stop or failed. Returns 0 or -1. */
static int compute(struct run *r, struct diag *d)
{
    const struct team *t = r->team;
    size_t *mine = malloc((r->n_blocks / (size_t)t->size + 1) * sizeof *mine);
    if (!mine) {
        diag_fail(d, "out of memory");
        return -1;
    }
    size_t missing = 0, n_mine = 0;
    for (size_t b = r->first_block; b < r->first_block + r->n_blocks; b++)
        if (!ckpt_has(r->ckpt, b)) {
            if (missing % (size_t)t->size == (size_t)t->rank) mine[n_mine++] = b;
            missing++;
        }
    size_t per_rank = (missing + (size_t)t->size - 1) / (size_t)t->size;
    size_t rounds = (per_rank + RUN_BATCH_BLOCKS - 1) / RUN_BATCH_BLOCKS;
    size_t before = paths_stored(r), saved = 0;
    double start = timing_now_s();
    enum { GOING, STOPPED, FAILED } state = GOING;
    struct writer w = {0};
    /* One rank computes every block in order: its writer feeds the summaries,
     * on its own thread beside the paths' (the results do not depend on it). */
    if (t->size == 1 && !r->sums.sum) {
        if (run_sums_alloc(r, &r->sums, 1, d))
            state = FAILED;
        else
            w.sums = &r->sums;
    }
    for (size_t k = 0;; k++) {
        int mine_state = state != GOING ? (int)state : r->o->stop && *r->o->stop ? STOPPED : GOING;
        int all = team_max(t, mine_state);
        if (all != GOING || k == rounds) {
            state = all;
            break;
        }
        struct record_span spans[RUN_BATCH_BLOCKS];
        size_t n = 0;
        for (; n < RUN_BATCH_BLOCKS && k * RUN_BATCH_BLOCKS + n < n_mine; n++)
            spans[n] = record_block_span(mine[k * RUN_BATCH_BLOCKS + n], r->from, r->to);
        if (n == 0) continue;
        timed_batch(r, r->base, spans, n);
        for (size_t v = 0; v < r->o->n_variants; v++) {
            timed_batch(r, r->variants[v].arm, spans, n);
            if (r->variants[v].independent_arm)
                timed_batch(r, r->variants[v].independent_arm, spans, n);
        }
        /* the batch before, stored while this one ran; then this one's turn */
        if (writer_join(&w, &saved, d)) state = FAILED;
        if (state == GOING) {
            writer_take(&w, r, mine + k * RUN_BATCH_BLOCKS, spans, n);
            bool swapped = k + 1 < rounds && swap_arms(r) == 0;
            writer_start(&w, swapped);
            if (!swapped && writer_join(&w, &saved, d)) state = FAILED;
        }
        say_progress(&r->o->say, before + (r->paths - before) * (k + 1) / rounds, r->paths,
                     timing_now_s() - start);
    }
    if (writer_join(&w, &saved, d)) state = FAILED;
    free(mine);
    r->stored = before + team_sum(t, saved);
    if (state == STOPPED && t->rank == 0 && r->stored == 0)
        diag_fail(d, "interrupted before any path was finished; nothing was written");
    else if (state == STOPPED && t->rank == 0)
        diag_fail(d,
                  "interrupted with %zu of %zu paths finished, kept in %s: run the same command "
                  "with --resume to finish",
                  r->stored, r->paths, ckpt_path(r->ckpt));
    return state == GOING ? 0 : -1;
}

/* The arms' thread-seconds by phase into `r`, then the arms go: the second
 * step reads the checkpoint, and their tables and buffers would only add to
 * its peak memory. */
static void free_arms(struct run *r)
{
    struct engine_times x;
    struct run_arm *arms[RUN_MAX_ARMS];
    size_t n = 0;
    arms[n++] = r->base;
    for (size_t k = 0; k < r->o->n_variants; k++)
        arms[n++] = r->variants[k].arm, arms[n++] = r->variants[k].independent_arm;
    for (size_t k = 0; k < n; k++) {
        if (!arms[k]) continue;
        run_arm_times(arms[k], &x);
        r->drivers_s += x.drivers_s, r->rules_s += x.rules_s, r->accounting_s += x.accounting_s;
        run_arm_free(arms[k]);
    }
    r->base = NULL;
    for (size_t k = 0; k < r->o->n_variants; k++)
        r->variants[k].arm = r->variants[k].independent_arm = NULL;
}

/* The benchmark's figures: where the time went (on this rank). */
static void fill_timing(const struct run *r, struct run_timing *out)
{
    *out = (struct run_timing){
        .tables_s = r->tables_s,
        .paths_s = r->engine_s,
        .output_s = r->output_s,
        .finish_s = r->finish_s,
        .drivers_s = r->drivers_s,
        .rules_s = r->rules_s,
        .accounting_s = r->accounting_s,
    };
}

/* After a failure or a stop: a checkpoint without a finished path goes; one
 * with them stays, and the message of the failure (the last entry of `d`,
 * added after its first `before`) says so. */
static void keep_or_remove(struct run *r, struct diag *d, size_t before)
{
    if (r->stored == 0) {
        struct diag ignored = {0};
        ckpt_remove(r->ckpt, &ignored);
        diag_free(&ignored);
        r->ckpt = NULL;
        return;
    }
    const struct diag_entry *e = diag_last(d);
    /* none: another rank's failure; a scenario problem; or said already */
    if (d->n == before || e->kind != DIAG_RUNTIME || !e->text ||
        strstr(e->text, ckpt_path(r->ckpt)))
        return;
    diag_append(d,
                "; the %zu paths finished are kept in %s: --resume finishes the run once the "
                "cause is mended",
                r->stored, ckpt_path(r->ckpt));
}

/* What the file says of the run. */
static void fill_meta(struct run *r)
{
    const struct scenario *s = r->s;
    r->meta = (struct h5out_meta){
        .version = FUNDSIM_VERSION,
        .scenario_name = s->name,
        .scenario_text = s->resolved_text,
        .random_generator = "Philox4x64-10 (Random123), keyed by seed, path, region, year, "
                            "driver",
        .pooling = pools_name(s),
        .assumptions = r->assumptions,
        .assumption_rows = r->assumption_rows,
        .n_assumption_rows = r->n_assumption_rows,
        .rules_end_year = assumptions_rules_end_year(s),
        .history_end_year = s->calibration.history_end_year,
        .seed = s->simulation.seed,
        .paths = r->paths,
        .first_path = r->from,
        .slice = r->from != 0 || r->to != (size_t)s->simulation.paths,
        .scenario_paths = (size_t)s->simulation.paths,
        .start_year = s->simulation.start_year,
        .years = (size_t)s->simulation.years,
        .regions = s->n_regions,
        .region_names = r->names.name,
        .region_names_zh = r->names.name_zh,
        .region_codes = r->names.code,
        .opening_balance_yuan = r->names.opening,
        .n_quantiles = s->simulation.quantiles.n,
        .quantiles = s->simulation.quantiles.v,
        .summary_only = r->o->summary_only,
        .n_variants = r->o->n_variants,
    };
}

/* The run's paths and blocks, and what it holds. Returns 0 or -1 with `d`. */
static int init(struct run *r, struct diag *d)
{
    const struct run_options *o = r->o;
    size_t all = (size_t)r->s->simulation.paths;
    r->from = o->paths_from;
    r->to = o->paths_to ? o->paths_to : all;
    if (r->from >= r->to || r->to > all) {
        diag_fail(d, "the slice of paths %zu to %zu is not within the scenario's %zu", r->from,
                  r->to, all);
        return -1;
    }
    if (o->n_variants > RUN_MAX_VARIANTS) {
        diag_fail(d, "at most %d policy variants in one comparison", RUN_MAX_VARIANTS);
        return -1;
    }
    r->paths = r->to - r->from;
    struct record_span blocks = record_blocks_of(r->from, r->to);
    r->first_block = blocks.first, r->n_blocks = blocks.n;
    r->n_arms = 1 + o->n_variants;
    for (size_t k = 0; k < o->n_variants; k++)
        r->n_arms += o->variants[k].independent != NULL;
    if (names_init(&r->names, r->s) != 0 || !(r->dir = stale_folder(o->out_path)) ||
        !(r->variants = calloc(o->n_variants ? o->n_variants : 1, sizeof *r->variants)) ||
        !(r->variants_text = variants_text(o)) || !(r->assumptions = assumptions_text(r->s)) ||
        !(r->assumption_rows = assumptions_table(r->s, &r->n_assumption_rows))) {
        diag_fail(d, "out of memory");
        return -1;
    }
    fill_meta(r);
    return 0;
}

static void say_start(const struct run *r)
{
    const struct run_options *o = r->o;
    char size[32], ranks[48] = "";
    human_bytes(h5out_expected_bytes(&r->meta), size, sizeof size);
    if (r->team->size > 1)
        snprintf(ranks, sizeof ranks, term(TERM_msg_run_ranks, o->lang), r->team->size);
    char slice[80] = "";
    if (r->meta.slice)
        snprintf(slice, sizeof slice, term(TERM_msg_run_slice, o->lang), r->from, r->to - 1,
                 r->meta.scenario_paths);
    say_text(&o->say, SAY_NOTE, term(TERM_msg_run_start, o->lang), r->s->name, r->paths, slice,
             r->meta.years, r->meta.regions, o->threads, o->threads == 1 ? "" : "s", ranks,
             o->out_path, size, o->summary_only ? term(TERM_msg_summaries_only, o->lang) : "");
}

/* What --resume found: the blocks finished, and those found damaged (a
 * warning: the checkpoint was not as the run left it). */
static void say_resumed(const struct run *r, size_t stored)
{
    say_text(&r->o->say, SAY_NOTE, term(TERM_msg_resuming, r->o->lang), ckpt_path(r->ckpt), stored,
             r->n_blocks);
    char what[1024];
    size_t bad = ckpt_damaged(r->ckpt, what, sizeof what);
    if (bad)
        say_text(&r->o->say, SAY_WARNING, term(TERM_msg_damaged, r->o->lang), ckpt_path(r->ckpt),
                 bad, bad == 1 ? "" : "s", what);
}

int run_scenario(const struct scenario *s, const struct run_options *o, struct diag *d)
{
    struct run r = {.s = s, .o = o, .team = o->team ? o->team : &solo};
    const struct team *t = r.team;
    int status = -1;
    bool lead = t->rank == 0;
    size_t before = d->n;
    if (init(&r, d)) goto done;
    if (lead) say_start(&r);
    if (open_checkpoint(&r, d)) goto done;
    size_t stored = ckpt_count(r.ckpt);
    r.stored = paths_stored(&r);
    /* after the checkpoint is open, to count only the blocks still to come */
    if (team_max(t, lead && check_space(&r, stored, d))) goto done;
    if (lead && o->resume) say_resumed(&r, stored);
    double t1 = timing_now_s();
    if (stored < r.n_blocks) {
        if (team_max(t, build(&r, d) != 0)) goto done;
        double t0 = timing_now_s();
        if (compute(&r, d)) goto done;
        r.output_s = timing_now_s() - t0 - r.engine_s;
    }
    free_arms(&r);
    double t2 = timing_now_s();
    if (run_assemble(&r, d)) goto done;
    r.finish_s = timing_now_s() - t2;
    if (lead) {
        /* The file is complete: a checkpoint that cannot go is news, not a failure. */
        struct diag kept = {0};
        if (ckpt_remove(r.ckpt, &kept)) say_text(&o->say, SAY_NOTE, "%s", diag_last_text(&kept));
        diag_free(&kept);
        r.ckpt = NULL;
    }
    if (lead && o->timing) fill_timing(&r, o->timing);
    if (lead)
        say_text(&o->say, SAY_NOTE, term(TERM_msg_run_done, o->lang), r.paths, timing_now_s() - t1,
                 (double)r.paths / fmax(1e-9, timing_now_s() - t1), o->out_path);
    status = 0;
done:
    if (status != 0 && r.ckpt && lead) keep_or_remove(&r, d, before);
    run_free(&r);
    return status;
}
