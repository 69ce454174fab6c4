/* test_h5par.c: the MPI build's parallel writes (output/h5par.c, sim/team.c),
 * run by meson under mpirun with 1, 2 and 3 ranks (tests/mpirun.sh).
 *
 * Every rank writes synthetic blocks of 64 paths (block b on rank b mod N, in
 * rounds; a rank without a block in a round, and every rank in a last round,
 * takes part with an empty block) into one file that rank 0 created; rank 0
 * then opens it again, writes the summaries of all the blocks in path order
 * and commits it. Rank 0 also writes the same run with one process through
 * the serial calls, and the two files must hold the same data bit for bit
 * (tests/h5same.py: every dataset and attribute but the time of writing);
 * /paths/balance is also read back and checked against the values written.
 * Cases: a whole run; a run with two policy variants and their differences;
 * a slice whose first path is 1000 (and a variant). And a block that does not
 * fit the file on the last rank fails on every rank, none left waiting.
 *
 * Each test makes every rank take part in every collective step whatever
 * failed before; the ranks agree on the outcome (team_max) and only then
 * assert, so that a failure on one rank cannot leave the others hanging. */
#include "output/h5out.h"
#include "output/summary.h"
#include "sim/config/diag.h"
#include "sim/team.h"

#include <hdf5.h>
#include <mpi.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "tmpdir.h"

enum { Y = 4, R = 3, Q = 3, BLOCK = 64, START = 2030, MAX_VARIANTS = 2 };
static const double levels[Q] = {0.1, 0.5, 0.9};
static const char *const names[R] = {"zhengzhou", "kaifeng", "luoyang"};
static const char *const names_zh[R] = {"郑州市", "开封市", "洛阳市"};
static const char *const codes[R] = {"410100", "410200", "410300"};
static const double opening_yuan[R] = {1.5e9, 0.75e9, 1e9};
static const char *const variant_names[MAX_VARIANTS] = {"higher_premium", "lower_deductible"};

static struct team team;

struct run_case {
    size_t first_path, paths, scenario_paths;
    bool slice;
    size_t n_variants;
};

/* Record v of path p, year y, region r in the base run (which = 0) or in
 * variant which - 1: distinct values, with fractions, that differ by path. */
static double value(size_t p, size_t y, size_t r, size_t v, size_t which)
{
    double x = (double)((p * 7919 + y * 104729 + r * 1299709 + v * 15485863) % 1000003) / 7.0;
    if (v == VAR_BALANCE) x -= 5e4 * (double)(p % 3); /* some paths depleted */
    return x + (double)which * ((double)(p % 5) - 1.75) * (double)(v + 1);
}

static double national_value(size_t p, size_t y, size_t v)
{
    return (double)((p * 31 + y * 17 + v * 5) % 101) / 3.0 + 1.0;
}

static struct h5out_meta meta(const struct run_case *c)
{
    return (struct h5out_meta){
        .version = "0.1.0",
        .scenario_name = "synthetic",
        .scenario_text = "simulation = { paths = 2000; };\n",
        .random_generator = "philox4x64",
        .pooling = "city",
        .assumptions = "Individual contribution: frozen in nominal yuan after 2025\n",
        .rules_end_year = 2025,
        .seed = 42,
        .paths = c->paths,
        .first_path = c->first_path,
        .slice = c->slice,
        .scenario_paths = c->scenario_paths,
        .start_year = START,
        .years = Y,
        .regions = R,
        .region_names = names,
        .region_names_zh = names_zh,
        .region_codes = codes,
        .opening_balance_yuan = opening_yuan,
        .n_quantiles = Q,
        .quantiles = levels,
        .n_variants = c->n_variants,
    };
}

static size_t n_blocks(const struct run_case *c)
{
    return (c->paths + BLOCK - 1) / BLOCK;
}

/* Block b of the run (which: as value()). Returns 0, or -1 out of memory. */
static int make_block(struct record_block *blk, const struct run_case *c, size_t b, size_t which)
{
    size_t first = c->first_path + b * BLOCK;
    size_t n = c->first_path + c->paths - first < BLOCK ? c->first_path + c->paths - first : BLOCK;
    if (record_block_alloc(blk, n, Y, R)) return -1;
    blk->first_path = first;
    for (size_t p = 0; p < n; p++)
        for (size_t y = 0; y < Y; y++) {
            for (size_t r = 0; r < R; r++)
                for (size_t v = 0; v < N_VARS; v++)
                    record_at(blk, p, y, r)[v] = value(first + p, y, r, v, which);
            for (size_t v = 0; v < N_NVARS; v++)
                record_national(blk, p, y)[v] = national_value(first + p, y, v);
        }
    return 0;
}

/* The first failure of this rank, kept for the report. */
struct status {
    bool failed;
    char why[768];
};

static void note(struct status *st, const char *step, const char *err)
{
    if (st->failed) return;
    st->failed = true;
    snprintf(st->why, sizeof st->why, "rank %d: %s: %s", team.rank, step, err);
}

/* Collective: fails the test on every rank when it failed on any. */
static void agree_or_fail(const struct status *st)
{
    if (st->failed) print_error("%s\n", st->why);
    int failed = team_max(&team, st->failed ? 1 : 0);
    if (failed) fail_msg("failed on some rank");
}

/* Base and variants of block b; blk[0] the base. */
static int make_blocks(struct record_block *blk, const struct run_case *c, size_t b)
{
    int rc = 0;
    for (size_t k = 0; k <= c->n_variants; k++)
        rc |= make_block(&blk[k], c, b, k);
    return rc;
}

static void free_blocks(struct record_block *blk, const struct run_case *c)
{
    for (size_t k = 0; k <= c->n_variants; k++)
        record_block_free(&blk[k]);
}

/* The file's variants, with their per-path differences. */
static int add_variants(struct h5out *o, const struct run_case *c, struct diag *dg)
{
    for (size_t k = 0; k < c->n_variants; k++) {
        struct h5out_variant v = {.name = variant_names[k],
                                  .description = "a policy variant",
                                  .scenario_text = "benefits = {};\n",
                                  .independent = k == 1};
        if (h5out_add_variant(o, &v, dg)) return -1;
    }
    return 0;
}

/* A block and its differences into `o`, serial or parallel. */
static int write_blocks(struct h5out *o, const struct run_case *c, const struct record_block *blk,
                        struct diag *dg)
{
    if (h5out_write_block(o, &blk[0], dg)) return -1;
    for (size_t k = 0; k < c->n_variants; k++)
        if (h5out_write_diff_block(o, k, &blk[0], &blk[k + 1], dg)) return -1;
    return 0;
}

/* The summaries of every block in path order, written into `o`. */
static int write_summary(struct h5out *o, const struct run_case *c, struct diag *dg)
{
    struct summary_config sc = {
        .start_year = START,
        .years = Y,
        .regions = R,
        .first_path = c->first_path,
        .paths = c->paths,
        .n_quantiles = Q,
        .quantiles = levels,
        .warning = {3, 6, 12, 15, 0.3, 2},
    };
    struct summary *s = summary_alloc(&sc);
    if (!s) {
        diag_fail(dg, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t b = 0; b < n_blocks(c) && !rc; b++) {
        struct record_block blk;
        rc = make_block(&blk, c, b, 0) || summary_add(s, &blk, dg) ? -1 : 0;
        record_block_free(&blk);
    }
    rc = rc || summary_finish(s, dg) || h5out_write_summary(o, s, dg) ? -1 : 0;
    summary_free(s);
    return rc;
}

/* The run written by one process through the serial calls. */
static int write_serial(const char *path, const struct run_case *c, struct diag *dg)
{
    struct h5out_meta m = meta(c);
    struct h5out *o = h5out_create(path, &m, dg);
    if (!o) return -1;
    int rc = add_variants(o, c, dg);
    for (size_t b = 0; b < n_blocks(c) && !rc; b++) {
        struct record_block blk[MAX_VARIANTS + 1] = {0};
        rc = make_blocks(blk, c, b) ? -1 : write_blocks(o, c, blk, dg);
        free_blocks(blk, c);
    }
    if (rc || write_summary(o, c, dg)) {
        h5out_abort(o);
        return -1;
    }
    return h5out_commit(o, dg);
}

/* Collective: every rank writes its blocks into the file `tmp` in rounds,
 * with an empty block where it has none, and a last round of empty blocks.
 * Returns the paths written by all ranks, or -1. */
static long long write_parallel(const char *tmp, const struct run_case *c, struct status *st)
{
    struct diag dg = {0};
    struct h5out_meta m = meta(c);
    struct h5out *p =
        h5out_open_parallel(tmp, MPI_COMM_WORLD, &m, variant_names, c->n_variants, &dg);
    if (!p) {
        note(st, "h5out_open_parallel", diag_last_text(&dg));
        diag_free(&dg);
        return -1;
    }
    size_t size = (size_t)team.size, rank = (size_t)team.rank;
    size_t rounds = (n_blocks(c) + size - 1) / size + 1;
    bool failed = false;
    for (size_t round = 0; round < rounds && !failed; round++) {
        size_t b = round * size + rank;
        struct record_block blk[MAX_VARIANTS + 1] = {0}; /* empty: no paths */
        if (b < n_blocks(c) && make_blocks(blk, c, b)) {
            note(st, "make_blocks", "out of memory");
            free_blocks(blk, c);
            blk[0].n_paths = 0;
            for (size_t k = 0; k < c->n_variants; k++)
                blk[k + 1].n_paths = 0;
        }
        /* The ranks agree on a failure: all stop at the same round. */
        if (write_blocks(p, c, blk, &dg)) {
            note(st, "writing a round", diag_last_text(&dg));
            failed = true;
        }
        free_blocks(blk, c);
    }
    long long paths = h5out_close_parallel(p, &dg);
    if (paths < 0) note(st, "h5out_close_parallel", diag_last_text(&dg));
    diag_free(&dg);
    return failed ? -1 : paths;
}

/* Reads /paths/balance back and compares it with value(). */
static int check_balance(const char *path, const struct run_case *c, struct diag *dg)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = f >= 0 ? H5Dopen2(f, "paths/balance", H5P_DEFAULT) : -1;
    double *got = malloc(c->paths * Y * R * sizeof *got);
    int rc =
        got && ds >= 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0
            ? 0
            : -1;
    if (rc) diag_fail(dg, "%s: cannot read /paths/balance", path);
    for (size_t k = 0; k < c->paths * Y * R && !rc; k++) {
        size_t p = c->first_path + k / (Y * R), y = k / R % Y, r = k % R;
        double want = value(p, y, r, VAR_BALANCE, 0);
        if (got[k] != want) {
            diag_fail(dg,
                      "%s: /paths/balance of path %zu, year %zu, region %zu: %.17g, "
                      "expected %.17g",
                      path, p, y, r, got[k], want);
            rc = -1;
        }
    }
    free(got);
    if (ds >= 0) H5Dclose(ds);
    if (f >= 0) H5Fclose(f);
    return rc;
}

/* Whether tests/h5same.py finds the two files the same. */
static int same_files(const char *a, const char *b, struct diag *dg)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/h5same.py '%s' '%s'", FUNDSIM_SOURCE_DIR,
             a, b);
    int status = system(cmd);
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    diag_fail(dg, "tests/h5same.py %s %s: the files differ", a, b);
    return -1;
}

/* Rank 0's scratch folder and the temporary file it created, sent to all. */
struct shared {
    char dir[64];
    char tmp[256];
    int created;
};

/* The whole exercise for one case, on every rank. */
static void run(const struct run_case *c)
{
    struct status st = {0};
    struct shared sh = {0};
    char parallel[128], serial[128];
    struct diag dg = {0};
    struct h5out *o = NULL;
    if (team.rank == 0) {
        if (tmpdir_make(sh.dir, sizeof sh.dir, "test_h5par") == 0) {
            snprintf(parallel, sizeof parallel, "%s/parallel.h5", sh.dir);
            struct h5out_meta m = meta(c);
            o = h5out_create(parallel, &m, &dg);
        }
        if (!o || add_variants(o, c, &dg) || h5out_suspend(o, &dg))
            note(&st, "creating the file", diag_last_text(&dg));
        else
            snprintf(sh.tmp, sizeof sh.tmp, "%s", h5out_tmp_path(o));
        sh.created = !st.failed;
    }
    team_bcast(&team, &sh, sizeof sh);
    long long paths = sh.created ? write_parallel(sh.tmp, c, &st) : -1;
    if (team.rank == 0 && o) {
        snprintf(serial, sizeof serial, "%s/serial.h5", sh.dir);
        if (paths != (long long)c->paths) {
            note(&st, "the parallel writes", "not every path was written");
            h5out_abort(o);
        } else if (h5out_reopen(o, (size_t)paths, &dg) || write_summary(o, c, &dg) ||
                   h5out_commit(o, &dg)) {
            note(&st, "finishing the file", diag_last_text(&dg));
        } else if (write_serial(serial, c, &dg) || check_balance(parallel, c, &dg) ||
                   same_files(parallel, serial, &dg)) {
            note(&st, "comparing", diag_last_text(&dg));
        }
    }
    if (team.rank == 0 && sh.dir[0]) tmpdir_remove(sh.dir);
    diag_free(&dg);
    agree_or_fail(&st);
}

static void test_whole_run(void **state)
{
    (void)state;
    /* 5 blocks: 4 of 64 paths, one of 44 */
    run(&(struct run_case){.paths = 300});
}

static void test_variants(void **state)
{
    (void)state;
    run(&(struct run_case){.paths = 200, .n_variants = 2});
}

static void test_slice(void **state)
{
    (void)state;
    run(&(struct run_case){
        .first_path = 1000, .paths = 150, .scenario_paths = 2000, .slice = true, .n_variants = 1});
}

/* A block beyond the file's paths on the last rank: every rank's write fails,
 * and the others say which rank failed; the file still closes on all. */
static void test_failure_agreed(void **state)
{
    (void)state;
    struct run_case c = {.paths = 100};
    struct status st = {0};
    struct shared sh = {0};
    struct diag dg = {0};
    struct h5out *o = NULL;
    if (team.rank == 0) {
        struct h5out_meta m = meta(&c);
        if (tmpdir_make(sh.dir, sizeof sh.dir, "test_h5par") == 0) {
            char path[128];
            snprintf(path, sizeof path, "%s/failed.h5", sh.dir);
            o = h5out_create(path, &m, &dg);
        }
        if (!o || h5out_suspend(o, &dg))
            note(&st, "creating the file", diag_last_text(&dg));
        else
            snprintf(sh.tmp, sizeof sh.tmp, "%s", h5out_tmp_path(o));
        sh.created = !st.failed;
    }
    team_bcast(&team, &sh, sizeof sh);
    struct h5out_meta m = meta(&c);
    struct h5out *p =
        sh.created ? h5out_open_parallel(sh.tmp, MPI_COMM_WORLD, &m, NULL, 0, &dg) : NULL;
    if (sh.created && !p) note(&st, "h5out_open_parallel", diag_last_text(&dg));
    if (p) {
        struct record_block blk = {0};
        bool last = team.rank == team.size - 1;
        if (make_block(&blk, &c, last ? 1 : 0, 0)) note(&st, "make_block", "out of memory");
        if (last) blk.first_path = 90; /* its 36 paths: 90 .. 125 of a file of 100 */
        diag_free(&dg);
        int rc = h5out_write_block(p, &blk, &dg);
        char want[64];
        snprintf(want, sizeof want, "rank %d failed", team.size - 1);
        if (rc != -1)
            note(&st, "the block that does not fit", "written");
        else if (last ? !strstr(diag_last_text(&dg), "does not fit")
                      : !strstr(diag_last_text(&dg), want))
            note(&st, "the message", diag_last_text(&dg));
        record_block_free(&blk);
        if (h5out_close_parallel(p, &dg) != 0)
            note(&st, "h5out_close_parallel", "paths written, or failed");
    }
    if (o) h5out_abort(o);
    if (team.rank == 0 && sh.dir[0]) {
        if (tmpdir_count_other(sh.dir, NULL) != 0) note(&st, "the abort", "a file is left");
        tmpdir_remove(sh.dir);
    }
    diag_free(&dg);
    agree_or_fail(&st);
}

int main(int argc, char **argv)
{
    if (team_init(&team, &argc, &argv)) {
        fprintf(stderr, "test_h5par: MPI does not start\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_run),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_slice),
        cmocka_unit_test(test_failure_agreed),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    team_end(&team);
    return failed;
}
