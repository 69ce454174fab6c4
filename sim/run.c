/* run.c: the parallel driver of a run (run.h). */
#include "run.h"

#include "diag.h"
#include "diffsum.h"
#include "engine.h"
#include "finite.h"
#include "fundsim_config.h"
#include "h5out.h"
#include "record.h"
#include "stale.h"
#include "summary.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void progress(size_t done, size_t all, double elapsed_s)
{
    const int width = 30;
    int filled = (int)((double)width * (double)done / (double)all);
    double left = done > 0 ? elapsed_s * (double)(all - done) / (double)done : 0;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu paths, %.0f s elapsed, about %.0f s left ", filled,
            "##############################", width - filled, "", done, all, elapsed_s, left);
    if (done == all) fputc('\n', stderr);
    fflush(stderr);
}

static void human_bytes(double bytes, char *out, size_t n)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000 && u < 4)
        bytes /= 1000, u++;
    snprintf(out, n, "%.*f %s", u == 0 ? 0 : 1, bytes, units[u]);
}

/* The folder of `path`: "." when it names none. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* The per-run pieces that the output needs from the scenario. */
struct names {
    const char **name, **name_zh, **code;
    double *opening;
};

static int names_init(struct names *n, const struct scenario *s)
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

static void names_free(struct names *n)
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
    size_t n_blocks;           /* buffers allocated, ≤ RUN_BATCH_BLOCKS */
    struct record_block block[RUN_BATCH_BLOCKS];
};

struct run_arm *run_arm_create(const struct scenario *s, int threads, struct diag *d, char *err,
                               size_t n_err)
{
    struct run_arm *a = calloc(1, sizeof *a);
    if (!a) goto oom;
    a->threads = threads > 0 ? threads : 1;
    if (!(a->work = calloc((size_t)a->threads, sizeof *a->work))) goto oom;
    if (!(a->engine = engine_create(s, a->threads, d, err, n_err))) {
        run_arm_free(a);
        return NULL;
    }
    for (int t = 0; t < a->threads; t++)
        if (!(a->work[t] = engine_work_alloc(a->engine))) goto oom;
    size_t paths = (size_t)s->simulation.paths;
    for (; a->n_blocks < RUN_BATCH_BLOCKS && a->n_blocks * RUN_BLOCK_PATHS < paths; a->n_blocks++)
        if (record_block_alloc(&a->block[a->n_blocks],
                               paths < RUN_BLOCK_PATHS ? paths : RUN_BLOCK_PATHS,
                               (size_t)s->simulation.years, s->n_regions) != 0)
            goto oom;
    return a;
oom:
    snprintf(err, n_err, "out of memory");
    run_arm_free(a);
    return NULL;
}

void run_arm_free(struct run_arm *a)
{
    if (!a) return;
    for (int t = 0; a->work && t < a->threads; t++)
        engine_work_free(a->work[t]);
    free(a->work);
    for (size_t j = 0; j < RUN_BATCH_BLOCKS; j++)
        record_block_free(&a->block[j]);
    engine_free(a->engine);
    free(a);
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

size_t run_arm_batch(struct run_arm *a, size_t first, size_t n)
{
    size_t blocks = (n + RUN_BLOCK_PATHS - 1) / RUN_BLOCK_PATHS;
    for (size_t j = 0; j < blocks; j++) {
        a->block[j].first_path = first + j * RUN_BLOCK_PATHS;
        a->block[j].n_paths =
            n - j * RUN_BLOCK_PATHS < RUN_BLOCK_PATHS ? n - j * RUN_BLOCK_PATHS : RUN_BLOCK_PATHS;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(a->threads)
    for (size_t i = 0; i < n; i++)
        engine_path(a->engine, a->work[omp_get_thread_num()], first + i,
                    &a->block[i / RUN_BLOCK_PATHS], i % RUN_BLOCK_PATHS);
    return blocks;
}

const struct record_block *run_arm_batch_block(const struct run_arm *a, size_t j)
{
    return &a->block[j];
}

const struct record_block *run_arm_block(struct run_arm *a, size_t first, size_t n)
{
    run_arm_batch(a, first, n);
    return &a->block[0];
}

/* A variant's side: its arm and difference summaries, and the same for its
 * independent-stream twin (NULL without --independent). */
struct variant_side {
    struct run_arm *arm, *independent_arm;
    struct diffsum *diff, *independent_diff;
};

/* Everything a run holds; freed by run_free. */
struct run {
    const struct scenario *s;
    const struct run_options *o;
    size_t paths;
    char *dir; /* the output's folder, for the summaries' scratch files */
    struct names names;
    struct run_arm *base;
    struct summary *sum;
    struct variant_side *variants; /* [o->n_variants] */
    struct h5out *h5;
    /* wall seconds: building the engines, running paths, the rest of the blocks'
     * loop (summaries and file), the summaries' end and the commit */
    double tables_s, engine_s, output_s, finish_s;
};

/* run_arm_batch, timed. */
static size_t timed_batch(struct run *r, struct run_arm *a, size_t first, size_t n)
{
    double t0 = now_s();
    size_t blocks = run_arm_batch(a, first, n);
    r->engine_s += now_s() - t0;
    return blocks;
}

static void run_free(struct run *r)
{
    if (r->h5) h5out_abort(r->h5);
    summary_free(r->sum);
    run_arm_free(r->base);
    for (size_t k = 0; r->variants && k < r->o->n_variants; k++) {
        run_arm_free(r->variants[k].arm);
        run_arm_free(r->variants[k].independent_arm);
        diffsum_free(r->variants[k].diff);
        diffsum_free(r->variants[k].independent_diff);
    }
    free(r->variants);
    names_free(&r->names);
    free(r->dir);
}

/* Builds an arm, saying so. Returns 0, 1 (runtime) or 2 (scenario). */
static int build_arm(struct run *r, const struct scenario *s, struct run_arm **arm, struct diag *d,
                     char *err, size_t n_err)
{
    double t0 = now_s();
    if (!(*arm = run_arm_create(s, r->o->threads, d, err, n_err))) return d->n ? 2 : 1;
    if (!r->o->quiet)
        fprintf(stderr, "fundsim %s: %s: %zu benefit tables built in %.1f s\n", r->o->command,
                s->name, run_arm_tables(*arm), now_s() - t0);
    return 0;
}

/* The summaries' config; their scratch files go beside the output. */
static struct summary_config summary_config_of(const struct run *r, const struct scenario *s)
{
    return (struct summary_config){
        .start_year = s->simulation.start_year,
        .years = (size_t)s->simulation.years,
        .regions = s->n_regions,
        .paths = r->paths,
        .n_quantiles = s->simulation.quantiles.n,
        .quantiles = s->simulation.quantiles.v,
        .warning = s->warning,
        .scratch_dir = r->dir,
        .threads = r->o->threads,
    };
}

static struct diffsum_config diffsum_config_of(const struct summary_config *cfg)
{
    return (struct diffsum_config){
        .years = cfg->years,
        .regions = cfg->regions,
        .paths = cfg->paths,
        .n_quantiles = cfg->n_quantiles,
        .quantiles = cfg->quantiles,
        .scratch_dir = cfg->scratch_dir,
        .threads = cfg->threads,
    };
}

/* Refuses at once a run whose scratch files and output would not fit in the
 * output's folder (when its free space can be known). Returns 0 or -1 with `err`. */
static int check_space(const struct run *r, const struct scenario *s, const struct h5out_meta *meta,
                       char *err, size_t n_err)
{
    struct summary_config cfg = summary_config_of(r, s);
    struct diffsum_config dcfg = diffsum_config_of(&cfg);
    double scratch = (double)summary_scratch_bytes(&cfg) +
                     (double)r->o->n_variants * (double)diffsum_scratch_bytes(&dcfg);
    double output = h5out_expected_bytes(meta);
    struct statvfs fs;
    if (statvfs(r->dir, &fs) != 0) return 0; /* creating the file will say why */
    double free_bytes = (double)fs.f_bavail * (double)fs.f_frsize;
    if (scratch + output <= free_bytes) return 0;
    char need[32], out[32], has[32];
    human_bytes(scratch, need, sizeof need);
    human_bytes(output, out, sizeof out);
    human_bytes(free_bytes, has, sizeof has);
    snprintf(err, n_err,
             "exact quantiles of %zu paths need %s of scratch space beside %s (about %s) in %s, "
             "and it has %s free; use fewer paths",
             r->paths, need, r->o->out_path, out, r->dir, has);
    return -1;
}

/* The arms, summaries and difference summaries. Returns 0, 1 or 2. */
static int build(struct run *r, const struct scenario *s, struct diag *d, char *err, size_t n_err)
{
    const struct run_options *o = r->o;
    double t0 = now_s();
    int rc = build_arm(r, s, &r->base, d, err, n_err);
    for (size_t k = 0; k < o->n_variants && !rc; k++) {
        rc = build_arm(r, o->variants[k].s, &r->variants[k].arm, d, err, n_err);
        if (!rc && o->variants[k].independent)
            rc = build_arm(r, o->variants[k].independent, &r->variants[k].independent_arm, d, err,
                           n_err);
    }
    r->tables_s = now_s() - t0;
    if (rc) return rc;
    struct summary_config cfg = summary_config_of(r, s);
    struct diffsum_config dcfg = diffsum_config_of(&cfg);
    /* The independent twin is there for its variances only. */
    struct diffsum_config moments = dcfg;
    moments.moments_only = true;
    bool ok = (r->sum = summary_alloc(&cfg)) != NULL;
    for (size_t k = 0; k < o->n_variants && ok; k++)
        ok = (r->variants[k].diff = diffsum_alloc(&dcfg)) &&
             (!o->variants[k].independent ||
              (r->variants[k].independent_diff = diffsum_alloc(&moments)));
    if (!ok) {
        snprintf(err, n_err, "out of memory");
        return 1;
    }
    return 0;
}

/* The benchmark's line: where the time went. */
static void print_timing(const struct run *r)
{
    struct engine_times e, x;
    run_arm_times(r->base, &e);
    for (size_t k = 0; k < r->o->n_variants; k++) {
        run_arm_times(r->variants[k].arm, &x);
        e.drivers_s += x.drivers_s, e.rules_s += x.rules_s, e.accounting_s += x.accounting_s;
        if (!r->variants[k].independent_arm) continue;
        run_arm_times(r->variants[k].independent_arm, &x);
        e.drivers_s += x.drivers_s, e.rules_s += x.rules_s, e.accounting_s += x.accounting_s;
    }
    fprintf(stderr,
            "timing: tables %.2f s; paths %.2f s wall (thread-seconds: drivers %.2f, rules %.2f, "
            "accounting %.2f); output %.2f s (summaries and file, during the paths) + %.2f s "
            "(summaries' end and commit)\n",
            r->tables_s, r->engine_s, e.drivers_s, e.rules_s, e.accounting_s, r->output_s,
            r->finish_s);
}

/* Creates the file and each variant's /diff group. Returns 0 or -1 with `err`. */
static int create_file(struct run *r, const struct h5out_meta *meta, char *err, size_t n_err)
{
    int stale = stale_remove(r->o->out_path);
    if (stale > 0 && !r->o->quiet)
        fprintf(stderr, "fundsim %s: removed %d temporary file%s of %s left by killed runs\n",
                r->o->command, stale, stale == 1 ? "" : "s", r->o->out_path);
    if (!(r->h5 = h5out_create(r->o->out_path, meta, err, n_err))) return -1;
    for (size_t k = 0; k < r->o->n_variants; k++) {
        const struct scenario *v = r->o->variants[k].s;
        struct h5out_variant hv = {
            .name = v->name,
            .description = v->description,
            .scenario_text = v->resolved_text,
            .independent = r->o->variants[k].independent != NULL,
        };
        if (h5out_add_variant(r->h5, &hv, err, n_err)) return -1;
    }
    return 0;
}

/* An arm's block j of the batch, or NULL with `err` when a value is not finite. */
static const struct record_block *checked_block(const struct run *r, const struct run_arm *a,
                                                const struct scenario *s, size_t j, char *err,
                                                size_t n_err)
{
    const struct record_block *b = run_arm_batch_block(a, j);
    return finite_check(b, s->name, r->names.name, s->simulation.start_year, err, n_err) ? NULL : b;
}

/* Block j of the batch into the summaries and the file, with each variant's. */
static int add_block(struct run *r, size_t j, char *err, size_t n_err)
{
    const struct record_block *b = checked_block(r, r->base, r->s, j, err, n_err);
    if (!b || summary_add(r->sum, b, err, n_err) != 0) return -1;
    if (h5out_write_block(r->h5, b, err, n_err) != 0) return -1;
    for (size_t k = 0; k < r->o->n_variants; k++) {
        struct variant_side *v = &r->variants[k];
        const struct run_variant *rv = &r->o->variants[k];
        const struct record_block *vb = checked_block(r, v->arm, rv->s, j, err, n_err);
        const struct record_block *ib =
            vb && v->independent_arm
                ? checked_block(r, v->independent_arm, rv->independent, j, err, n_err)
                : NULL;
        if (!vb || (v->independent_arm && !ib)) return -1;
        if (diffsum_add(v->diff, b, vb, err, n_err) != 0 ||
            (ib && diffsum_add(v->independent_diff, b, ib, err, n_err) != 0))
            return -1;
        if (h5out_write_diff_block(r->h5, k, b, vb, err, n_err) != 0) return -1;
    }
    return 0;
}

/* Runs every arm over the paths batch by batch, then adds the batch's blocks in
 * path order; returns 0 or -1 with `err`. */
static int run_blocks(struct run *r, char *err, size_t n_err)
{
    double start = now_s();
    for (size_t first = 0; first < r->paths; first += RUN_BATCH_PATHS) {
        if (r->o->stop && *r->o->stop) {
            snprintf(err, n_err,
                     "interrupted after %zu of %zu paths; nothing was written; run the same "
                     "command again to start over",
                     first, r->paths);
            return -1;
        }
        size_t n = r->paths - first < RUN_BATCH_PATHS ? r->paths - first : RUN_BATCH_PATHS;
        size_t blocks = timed_batch(r, r->base, first, n);
        for (size_t k = 0; k < r->o->n_variants; k++) {
            timed_batch(r, r->variants[k].arm, first, n);
            if (r->variants[k].independent_arm)
                timed_batch(r, r->variants[k].independent_arm, first, n);
        }
        for (size_t j = 0; j < blocks; j++)
            if (add_block(r, j, err, n_err) != 0) return -1;
        if (r->o->progress) progress(first + n, r->paths, now_s() - start);
    }
    r->output_s = now_s() - start - r->engine_s;
    return 0;
}

/* The summaries into the file, then the commit. Returns 0 or -1 with `err`. */
static int finish(struct run *r, char *err, size_t n_err)
{
    if (summary_finish(r->sum, err, n_err) != 0) return -1;
    if (h5out_write_summary(r->h5, r->sum, err, n_err) != 0) return -1;
    for (size_t k = 0; k < r->o->n_variants; k++) {
        struct variant_side *v = &r->variants[k];
        if (diffsum_finish(v->diff, err, n_err) != 0 ||
            (v->independent_diff && diffsum_finish(v->independent_diff, err, n_err) != 0))
            return -1;
        if (h5out_write_diffsum(r->h5, k, v->diff, v->independent_diff, err, n_err) != 0) return -1;
    }
    int rc = h5out_commit(r->h5, err, n_err);
    r->h5 = NULL;
    return rc;
}

int run_scenario(const struct scenario *s, const struct run_options *o, struct diag *d, char *err,
                 size_t n_err)
{
    struct run r = {.s = s, .o = o, .paths = (size_t)s->simulation.paths};
    size_t years = (size_t)s->simulation.years, regions = s->n_regions;
    int status = 1;
    if (names_init(&r.names, s) != 0 || !(r.dir = folder_of(o->out_path)) ||
        !(r.variants = calloc(o->n_variants ? o->n_variants : 1, sizeof *r.variants))) {
        snprintf(err, n_err, "out of memory");
        goto done;
    }
    struct h5out_meta meta = {
        .version = FUNDSIM_VERSION,
        .scenario_name = s->name,
        .scenario_text = s->resolved_text,
        .random_generator = "Philox4x64-10 (Random123), keyed by seed, path, region, year, "
                            "driver",
        .pooling = s->pooling.mode == POOLING_ADJUSTMENT_FUND ? "adjustment_fund" : "city",
        .seed = s->simulation.seed,
        .paths = r.paths,
        .start_year = s->simulation.start_year,
        .years = years,
        .regions = regions,
        .region_names = r.names.name,
        .region_names_zh = r.names.name_zh,
        .region_codes = r.names.code,
        .opening_balance_yuan = r.names.opening,
        .n_quantiles = s->simulation.quantiles.n,
        .quantiles = s->simulation.quantiles.v,
        .summary_only = o->summary_only,
        .n_variants = o->n_variants,
    };
    if (!o->quiet) {
        char size[32];
        human_bytes(h5out_expected_bytes(&meta), size, sizeof size);
        fprintf(stderr,
                "fundsim %s: %s, %zu paths x %zu years x %zu regions on %d thread%s; "
                "writing %s (about %s%s)\n",
                o->command, s->name, r.paths, years, regions, o->threads,
                o->threads == 1 ? "" : "s", o->out_path, size,
                o->summary_only ? ", summaries only" : "");
    }
    if (check_space(&r, s, &meta, err, n_err) || (status = build(&r, s, d, err, n_err)) != 0)
        goto done;
    status = 1;
    double t1 = now_s();
    if (create_file(&r, &meta, err, n_err) || run_blocks(&r, err, n_err)) goto done;
    double t2 = now_s();
    if (finish(&r, err, n_err)) goto done;
    r.finish_s = now_s() - t2;
    if (o->timing) print_timing(&r);
    if (!o->quiet)
        fprintf(stderr, "fundsim %s: %zu paths in %.1f s (%.1f paths/s); wrote %s\n", o->command,
                r.paths, now_s() - t1, (double)r.paths / fmax(1e-9, now_s() - t1), o->out_path);
    status = 0;
done:
    run_free(&r);
    return status;
}
