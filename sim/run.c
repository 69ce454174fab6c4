/* run.c: the parallel driver of a run (run.h). */
#include "run.h"

#include "diag.h"
#include "engine.h"
#include "fundsim_config.h"
#include "h5out.h"
#include "record.h"
#include "summary.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    struct record_block block;
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
    if (record_block_alloc(&a->block, paths < RUN_BLOCK_PATHS ? paths : RUN_BLOCK_PATHS,
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
    record_block_free(&a->block);
    engine_free(a->engine);
    free(a);
}

size_t run_arm_tables(const struct run_arm *a)
{
    return engine_tables(a->engine);
}

const struct record_block *run_arm_block(struct run_arm *a, size_t first, size_t n)
{
    struct record_block *b = &a->block;
    b->first_path = first;
    b->n_paths = n;
#pragma omp parallel for schedule(dynamic, 1) num_threads(a->threads)
    for (size_t i = 0; i < n; i++)
        engine_path(a->engine, a->work[omp_get_thread_num()], first + i, b, i);
    return b;
}

/* Runs the paths block by block; returns 0 or -1 with `err`. */
static int run_blocks(struct run_arm *a, size_t paths, struct summary *sum, struct h5out *h5,
                      const struct run_options *o, char *err, size_t n_err)
{
    double start = now_s();
    for (size_t first = 0; first < paths; first += RUN_BLOCK_PATHS) {
        size_t n = paths - first < RUN_BLOCK_PATHS ? paths - first : RUN_BLOCK_PATHS;
        const struct record_block *b = run_arm_block(a, first, n);
        if (summary_add(sum, b) != 0) {
            snprintf(err, n_err, "internal error: paths added out of order");
            return -1;
        }
        if (h5out_write_block(h5, b, err, n_err) != 0) return -1;
        if (o->progress) progress(first + n, paths, now_s() - start);
    }
    return 0;
}

int run_scenario(const struct scenario *s, const struct run_options *o, struct diag *d, char *err,
                 size_t n_err)
{
    size_t paths = (size_t)s->simulation.paths, years = (size_t)s->simulation.years;
    size_t regions = s->n_regions;
    int threads = o->threads > 0 ? o->threads : 1;
    int status = 1;
    double t0 = now_s();

    struct names names = {0};
    struct run_arm *arm = NULL;
    struct summary *sum = NULL;
    struct h5out *h5 = NULL;
    if (names_init(&names, s) != 0) {
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
        .paths = paths,
        .start_year = s->simulation.start_year,
        .years = years,
        .regions = regions,
        .region_names = names.name,
        .region_names_zh = names.name_zh,
        .region_codes = names.code,
        .opening_balance_yuan = names.opening,
        .n_quantiles = s->simulation.quantiles.n,
        .quantiles = s->simulation.quantiles.v,
        .summary_only = o->summary_only,
    };
    if (!o->quiet) {
        char size[32];
        human_bytes(h5out_expected_bytes(&meta), size, sizeof size);
        fprintf(stderr,
                "fundsim run: %s, %zu paths x %zu years x %zu regions on %d thread%s; "
                "writing %s (about %s%s)\n",
                s->name, paths, years, regions, threads, threads == 1 ? "" : "s", o->out_path, size,
                o->summary_only ? ", summaries only" : "");
    }

    if (!(arm = run_arm_create(s, threads, d, err, n_err))) {
        status = d->n ? 2 : 1;
        goto done;
    }
    if (!o->quiet)
        fprintf(stderr, "fundsim run: %zu benefit tables built in %.1f s\n", run_arm_tables(arm),
                now_s() - t0);
    struct summary_config cfg = {
        .start_year = s->simulation.start_year,
        .years = years,
        .regions = regions,
        .paths = paths,
        .n_quantiles = s->simulation.quantiles.n,
        .quantiles = s->simulation.quantiles.v,
        .warning = s->warning,
    };
    if (!(sum = summary_alloc(&cfg))) {
        snprintf(err, n_err, "out of memory for %zu paths (try --summary-only or fewer paths)",
                 paths);
        goto done;
    }
    if (!(h5 = h5out_create(o->out_path, &meta, err, n_err))) goto done;

    double t1 = now_s();
    if (run_blocks(arm, paths, sum, h5, o, err, n_err) != 0) goto done;
    if (summary_finish(sum) != 0) {
        snprintf(err, n_err, "out of memory computing the summaries");
        goto done;
    }
    if (h5out_write_summary(h5, sum, err, n_err) != 0) goto done;
    int committed = h5out_commit(h5, err, n_err);
    h5 = NULL;
    if (committed != 0) goto done;
    if (!o->quiet)
        fprintf(stderr, "fundsim run: %zu paths in %.1f s (%.1f paths/s); wrote %s\n", paths,
                now_s() - t1, (double)paths / fmax(1e-9, now_s() - t1), o->out_path);
    status = 0;

done:
    if (h5) h5out_abort(h5);
    summary_free(sum);
    run_arm_free(arm);
    names_free(&names);
    return status;
}
