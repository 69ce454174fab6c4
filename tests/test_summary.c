/* test_summary.c: the summaries across paths (output/summary.c) on a hand-made
 * run of 4 paths, 2 regions and 3 years (2025-2027), every figure computed by
 * hand: means, type-7 quantiles, probabilities, warning levels and their tie
 * rule, the first depletion year (with a path that recovers), the province's
 * sums and months, the national variables; the order blocks must come in, and
 * the same bits whichever way the paths are cut into blocks and on any number
 * of threads. */
#include "output/summary.h"
#include "sim/config/diag.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"
#include "tmpdir.h"

enum { Y = 3, R = 2, P = 4, Q = 3 };
static const double levels[Q] = {0.25, 0.5, 0.9};
static const struct warning_params warning = {.insufficient_months = 3,
                                              .low_months = 6,
                                              .target_months = 9,
                                              .excess_months = 15,
                                              .depletion_probability = 0.5,
                                              .max_balance_share = 0.5};

/* Balances [region][path][year]. Region 0, path 1 is depleted in 2025 and
 * recovers; region 0, path 2 and region 1, paths 0, 1 and 3 are never
 * depleted. Expenditure is fixed per region, so months = balance / 10 in
 * region 0 (benefit expenditure 132 - 12 adjustment paid) and balance / 20 in
 * region 1, and the province's months are its balance / 30. The surplus is
 * the change of the balance from the opening balance; income = expenditure +
 * surplus. */
static const double balance[R][P][Y] = {
    {{100, 50, -10}, {-5, 20, 30}, {200, 300, 400}, {50, -20, -40}},
    {{300, 120, 60}, {250, 200, 100}, {320, 50, -20}, {310, 130, 30}},
};
static const double opening[R] = {100, 300};
static const double expenditure[R] = {132, 240}, adjustment_paid[R] = {12, 0};
static const double cost_shift[P] = {0.3, 0.0, 0.2, 0.1}; /* cost index 1 + 0.05 y + shift */

static struct summary_config config(void)
{
    return (struct summary_config){.start_year = 2025,
                                   .years = Y,
                                   .regions = R,
                                   .paths = P,
                                   .n_quantiles = Q,
                                   .quantiles = levels,
                                   .warning = warning};
}

static void fill(struct record_block *b, size_t first_path, size_t n_paths)
{
    assert_int_equal(record_block_alloc(b, n_paths, Y, R), 0);
    b->first_path = first_path;
    for (size_t p = 0; p < n_paths; p++) {
        size_t k = first_path + p;
        for (size_t y = 0; y < Y; y++) {
            for (size_t r = 0; r < R; r++) {
                double *x = record_at(b, p, y, r);
                x[VAR_BALANCE] = balance[r][k][y];
                x[VAR_SURPLUS] = balance[r][k][y] - (y ? balance[r][k][y - 1] : opening[r]);
                x[VAR_EXPENDITURE] = expenditure[r];
                x[VAR_ADJUSTMENT_PAID] = adjustment_paid[r];
                x[VAR_INCOME] = expenditure[r] + x[VAR_SURPLUS];
                x[VAR_MONTHS] = x[VAR_BALANCE] / ((expenditure[r] - adjustment_paid[r]) / 12);
            }
            record_national(b, p, y)[NVAR_COST_INDEX] = 1 + 0.05 * (double)y + cost_shift[k];
        }
    }
}

/* A finished summary of the paths, added in blocks of the given sizes on
 * `threads` threads. */
static struct summary *run_on(const size_t *sizes, size_t n_blocks, int threads)
{
    struct diag dg = {0};
    struct summary_config c = config();
    c.threads = threads;
    struct summary *s = summary_alloc(&c);
    assert_non_null(s);
    size_t first = 0;
    for (size_t i = 0; i < n_blocks; i++) {
        struct record_block b;
        fill(&b, first, sizes[i]);
        assert_int_equal(summary_add(s, &b, &dg), 0);
        record_block_free(&b);
        first += sizes[i];
    }
    assert_int_equal(summary_finish(s, &dg), 0);
    diag_free(&dg);
    return s;
}

static struct summary *run(const size_t *sizes, size_t n_blocks)
{
    return run_on(sizes, n_blocks, 1);
}

static struct summary *run_two_blocks(void)
{
    return run((const size_t[]){2, 2}, 2);
}

static void test_warning_level_boundaries(void **state)
{
    (void)state;
    const struct warning_params *w = &warning;
    assert_int_equal(summary_warning_level(w, -1e-9, 100), WARN_RED);
    assert_int_equal(summary_warning_level(w, 0, 0), WARN_ORANGE); /* balance 0 is not depleted */
    assert_int_equal(summary_warning_level(w, 1, 2.999), WARN_ORANGE);
    assert_int_equal(summary_warning_level(w, 1, 3), WARN_YELLOW);
    assert_int_equal(summary_warning_level(w, 1, 5.999), WARN_YELLOW);
    assert_int_equal(summary_warning_level(w, 1, 6), WARN_GREEN);
    assert_int_equal(summary_warning_level(w, 1, 15), WARN_GREEN);
    assert_int_equal(summary_warning_level(w, 1, 15.001), WARN_EXCESS);
    assert_string_equal(summary_warning_level_names[WARN_RED], "red");
    assert_string_equal(summary_warning_level_names[WARN_EXCESS], "excess");
}

/* Index [y][r] and [y][r][k] of the results. */
#define YR(y, r) ((y)*R + (r))
#define YRK(y, r, k, n) (YR(y, r) * (n) + (k))

static void test_regions(void **state)
{
    (void)state;
    struct summary *s = run_two_blocks();
    const struct summary_results *res = summary_results(s);
    /* Region 0, 2025: balances 100, -5, 200, 50; sorted -5 50 100 200. */
    assert_close(res->mean[VAR_BALANCE][YR(0, 0)], 86.25, 1e-12);
    assert_close(res->quantiles[VAR_BALANCE][YRK(0, 0, 0, Q)], -5 + 0.75 * 55, 1e-12);
    assert_close(res->quantiles[VAR_BALANCE][YRK(0, 0, 1, Q)], 75, 1e-12);
    assert_close(res->quantiles[VAR_BALANCE][YRK(0, 0, 2, Q)], 100 + 0.7 * 100, 1e-12);
    /* Region 0, 2026: sorted -20 20 50 300. */
    assert_close(res->quantiles[VAR_BALANCE][YRK(1, 0, 0, Q)], 10, 1e-12);
    assert_close(res->quantiles[VAR_BALANCE][YRK(1, 0, 2, Q)], 225, 1e-12);
    /* Region 1, 2027: months 3, 5, -1, 1.5; sorted -1 1.5 3 5. */
    assert_close(res->mean[VAR_MONTHS][YR(2, 1)], 8.5 / 4, 1e-12);
    assert_close(res->quantiles[VAR_MONTHS][YRK(2, 1, 1, Q)], 2.25, 1e-12);
    assert_close(res->mean[VAR_EXPENDITURE][YR(2, 1)], 240, 1e-12);
    assert_null(res->quantiles[VAR_INTEREST]); /* a variable without quantiles */

    /* A zero surplus (region 0, path 0, 2025) is no deficit. */
    assert_close(res->p_deficit[YR(0, 0)], 0.5, 0);
    assert_close(res->p_deficit[YR(0, 1)], 0.25, 0);
    assert_close(res->p_deficit[YR(1, 1)], 1, 0);
    assert_close(res->p_depleted[YR(0, 0)], 0.25, 0);
    assert_close(res->p_depleted[YR(2, 0)], 0.5, 0);
    assert_close(res->p_depleted[YR(1, 1)], 0, 0);
    /* Months of exactly 3 (region 0, path 1, 2027) are not insufficient. */
    assert_close(res->p_insufficient[YR(2, 0)], 0.5, 0);
    assert_close(res->p_insufficient[YR(1, 1)], 0.25, 0);
    /* Balance > half the income: region 0, 2025: 100 > 66, 200 > 116, 50 > 41. */
    assert_close(res->p_excess_balance[YR(0, 0)], 0.75, 0);
    assert_close(res->p_excess_balance[YR(2, 1)], 0.25, 0);

    /* Region 1, 2025: months 15 and 12.5 green, 16 and 15.5 excess: a tie
     * that goes to green. Region 0, 2025: one path at each of red, yellow,
     * green and excess: red. Region 0, 2027: red, yellow (3 months), excess,
     * red. Region 1, 2026: green, green, orange, green. */
    const double *p = &res->p_level[YR(0, 1) * N_WARN_LEVELS];
    assert_close(p[WARN_GREEN], 0.5, 0);
    assert_close(p[WARN_EXCESS], 0.5, 0);
    assert_int_equal(res->level[YR(0, 1)], WARN_GREEN);
    assert_int_equal(res->level[YR(0, 0)], WARN_RED);
    p = &res->p_level[YR(2, 0) * N_WARN_LEVELS];
    assert_close(p[WARN_RED], 0.5, 0);
    assert_close(p[WARN_YELLOW], 0.25, 0);
    assert_close(p[WARN_EXCESS], 0.25, 0);
    assert_int_equal(res->level[YR(2, 0)], WARN_RED);
    assert_close(res->p_level[YR(1, 1) * N_WARN_LEVELS + WARN_GREEN], 0.75, 0);
    assert_close(res->p_level[YR(1, 1) * N_WARN_LEVELS + WARN_ORANGE], 0.25, 0);
    assert_int_equal(res->level[YR(1, 1)], WARN_GREEN);
    summary_free(s);
}

/* Region 0: first depleted in 2025 (path 1, which recovers), 2026 (path 3)
 * and 2027 (path 0); path 2 never. Region 1: path 2 in 2027, the rest never. */
static void test_depletion(void **state)
{
    (void)state;
    struct summary *s = run_two_blocks();
    const struct summary_results *res = summary_results(s);
    for (size_t y = 0; y < Y; y++) {
        assert_close(res->p_first_depletion[0 * Y + y], 0.25, 0);
        assert_close(res->p_depleted_by[YR(y, 0)], 0.25 * (double)(y + 1), 0);
        assert_close(res->p_first_depletion[1 * Y + y], y == 2 ? 0.25 : 0, 0);
        assert_close(res->p_depleted_by[YR(y, 1)], y == 2 ? 0.25 : 0, 0);
    }
    assert_close(res->p_never_depleted[0], 0.25, 0);
    assert_close(res->p_never_depleted[1], 0.75, 0);
    /* Shares by year: region 0 0.25, 0.5, 0.75; region 1 0, 0, 0.25. */
    assert_int_equal(res->depletion_year[0 * Q + 0], 2025);
    assert_int_equal(res->depletion_year[0 * Q + 1], 2026);
    assert_int_equal(res->depletion_year[0 * Q + 2], 0); /* 0.9: after the horizon */
    assert_int_equal(res->depletion_year[1 * Q + 0], 2027);
    assert_int_equal(res->depletion_year[1 * Q + 1], 0);
    /* p_depleted reaches 0.5 in region 0 in 2027 only (path 1 recovered). */
    assert_int_equal(res->first_year_at_risk[0], 2027);
    assert_int_equal(res->first_year_at_risk[1], 0);
    summary_free(s);
}

static void test_province_and_national(void **state)
{
    (void)state;
    struct summary *s = run_two_blocks();
    const struct summary_results *res = summary_results(s);
    /* 2025: province balances 400, 245, 520, 360; months = balance / 30. */
    assert_close(res->province_mean[VAR_BALANCE][0], 381.25, 1e-12);
    assert_close(res->province_quantiles[VAR_BALANCE][0 * Q + 1], 380, 1e-12);
    assert_close(res->province_quantiles[VAR_BALANCE][0 * Q + 2], 400 + 0.7 * 120, 1e-12);
    assert_close(res->province_mean[VAR_MONTHS][0], 381.25 / 30, 1e-12);
    assert_close(res->province_quantiles[VAR_MONTHS][0 * Q + 1], 380.0 / 30, 1e-12);
    assert_close(res->province_mean[VAR_EXPENDITURE][1], 372, 1e-12);
    assert_close(res->province_mean[VAR_ADJUSTMENT_PAID][1], 12, 1e-12);
    assert_null(res->province_quantiles[VAR_INTEREST]);
    /* Surpluses 2025: 0, -155, 120, -40; 2027 balances 50, 130, 380, -10. */
    assert_close(res->province_p_deficit[0], 0.5, 0);
    assert_close(res->province_p_depleted[0], 0, 0);
    assert_close(res->province_p_depleted[2], 0.25, 0);
    /* Cost index 2026: 1.35, 1.05, 1.25, 1.15. */
    assert_close(res->national_mean[NVAR_COST_INDEX][1], 1.2, 1e-12);
    assert_close(res->national_quantiles[NVAR_COST_INDEX][1 * Q + 0], 1.125, 1e-12);
    assert_close(res->national_quantiles[NVAR_COST_INDEX][1 * Q + 2], 1.32, 1e-12);
    assert_close(res->national_mean[NVAR_INTEREST_RATE][1], 0, 0);
    summary_free(s);
}

/* One region, one year, one path with no benefit expenditure: the province's
 * months are the bound with the sign of its balance (+ for 0). */
static void test_province_months_without_expenditure(void **state)
{
    (void)state;
    struct diag dg = {0};
    const double balances[] = {5, -5, 0},
                 want[] = {RECORD_MAX_MONTHS, -RECORD_MAX_MONTHS, RECORD_MAX_MONTHS};
    for (size_t i = 0; i < 3; i++) {
        struct summary_config c = {
            .start_year = 2025, .years = 1, .regions = 1, .paths = 1, .warning = warning};
        struct summary *s = summary_alloc(&c);
        assert_non_null(s);
        struct record_block b;
        assert_int_equal(record_block_alloc(&b, 1, 1, 1), 0);
        record_at(&b, 0, 0, 0)[VAR_BALANCE] = balances[i];
        record_at(&b, 0, 0, 0)[VAR_EXPENDITURE] = record_at(&b, 0, 0, 0)[VAR_ADJUSTMENT_PAID] = 7;
        assert_int_equal(summary_add(s, &b, &dg), 0);
        assert_int_equal(summary_finish(s, &dg), 0);
        assert_true(summary_results(s)->province_mean[VAR_MONTHS][0] == want[i]);
        record_block_free(&b);
        summary_free(s);
    }
    diag_free(&dg);
}

static void test_block_order(void **state)
{
    (void)state;
    struct diag dg = {0};
    struct summary_config c = config();
    struct summary *s = summary_alloc(&c);
    assert_non_null(s);
    assert_int_equal(summary_finish(s, &dg), -1); /* no path yet */
    struct record_block b;                        /* paths 0 and 1, renumbered below */
    fill(&b, 0, 2);
    b.first_path = 1;
    assert_int_equal(summary_add(s, &b, &dg), -1); /* does not start at path 0 */
    b.first_path = 0;
    b.years = 2;
    assert_int_equal(summary_add(s, &b, &dg), -1); /* not the config's years */
    b.years = Y;
    assert_int_equal(summary_add(s, &b, &dg), 0);
    assert_int_equal(summary_add(s, &b, &dg), -1); /* paths 0-1 again */
    b.first_path = 2;
    b.n_paths = 3;
    assert_int_equal(summary_add(s, &b, &dg), -1); /* 5 paths of 4 */
    b.n_paths = 1;                                 /* path 0's records as path 2 */
    assert_int_equal(summary_add(s, &b, &dg), 0);
    assert_int_equal(summary_finish(s, &dg), 0); /* 3 paths of 4 are enough */
    b.first_path = 3;
    /* next in order, but after finishing */
    assert_int_equal(summary_add(s, &b, &dg), -1);
    assert_close(summary_results(s)->mean[VAR_BALANCE][YR(0, 0)], (100 - 5 + 100) / 3.0, 1e-12);
    record_block_free(&b);
    summary_free(s);
    diag_free(&dg);
}

#define SAME(field, count) assert_memory_equal(a->field, b->field, (count) * sizeof *a->field)

/* Every result of two summaries, bit for bit. */
static void same_results(const struct summary_results *a, const struct summary_results *b)
{
    for (size_t v = 0; v < N_VARS; v++) {
        SAME(mean[v], Y * R);
        if (a->quantiles[v]) SAME(quantiles[v], Y * R * Q);
        if (a->province_mean[v]) SAME(province_mean[v], Y);
        if (a->province_quantiles[v]) SAME(province_quantiles[v], Y * Q);
    }
    for (size_t v = 0; v < N_NVARS; v++) {
        SAME(national_mean[v], Y);
        SAME(national_quantiles[v], Y * Q);
    }
    SAME(p_deficit, Y * R);
    SAME(p_depleted, Y * R);
    SAME(p_insufficient, Y * R);
    SAME(p_excess_balance, Y * R);
    SAME(p_level, Y * R * N_WARN_LEVELS);
    SAME(level, Y * R);
    SAME(p_first_depletion, R * Y);
    SAME(p_never_depleted, R);
    SAME(p_depleted_by, Y * R);
    SAME(depletion_year, R * Q);
    SAME(first_year_at_risk, R);
    SAME(province_p_deficit, Y);
    SAME(province_p_depleted, Y);
}

static void test_blocks_bit_identical(void **state)
{
    (void)state;
    struct summary *one = run((const size_t[]){4}, 1);
    /* on 3 threads: a year on each */
    struct summary *three = run_on((const size_t[]){1, 2, 1}, 3, 3);
    same_results(summary_results(one), summary_results(three));
    summary_free(one);
    summary_free(three);
}

/* fill, and every other variable a value of its own (within ± 50), so that a
 * value put in another cell's column shows in the quantiles. */
static void fill_all(struct record_block *b, size_t first_path, size_t n_paths)
{
    fill(b, first_path, n_paths);
    for (size_t p = 0; p < n_paths; p++)
        for (size_t y = 0; y < Y; y++) {
            size_t k = first_path + p;
            for (size_t r = 0; r < R; r++)
                for (size_t v = 0; v < N_VARS; v++) {
                    double *x = record_at(b, p, y, r);
                    if (x[v] == 0) x[v] = (double)((k * 31 + y * 17 + r * 13 + v * 7) % 101) - 50;
                }
            double *n = record_national(b, p, y);
            for (size_t v = 0; v < N_NVARS; v++)
                if (v != NVAR_COST_INDEX) n[v] = (double)((k * 29 + y * 11 + v * 5) % 97) - 40;
        }
}

/* A source holding the blocks in memory (summary_source), counting its reads
 * (which come from the summary's threads at once). */
struct held {
    struct record_block block[P];
    size_t n;
    atomic_size_t reads;
    bool fail;
};

static int read_held(const void *ctx, size_t first, size_t n, size_t y0, size_t ny,
                     struct record_block *out, struct diag *d)
{
    struct held *h = (struct held *)ctx;
    atomic_fetch_add(&h->reads, 1);
    for (size_t i = 0; i < h->n && !h->fail; i++) {
        const struct record_block *b = &h->block[i];
        if (b->first_path != first || b->n_paths != n) continue;
        *out = (struct record_block){first, n, ny, R, out->v, out->national};
        for (size_t p = 0; p < n; p++)
            for (size_t y = 0; y < ny; y++) {
                memcpy(record_at(out, p, y, 0), record_at(b, p, y0 + y, 0),
                       R * N_VARS * sizeof(double));
                memcpy(record_national(out, p, y), record_national(b, p, y0 + y),
                       N_NVARS * sizeof(double));
            }
        return 0;
    }
    diag_fail(d, "no such block");
    return -1;
}

/* A summary whose quantiles read the blocks again from a source (a run's
 * checkpoint) has the same bits as one with a scratch file: with every year
 * at once, two years and one year at a time, and a share of a year's
 * columns at a time (as the memory budget allows).
 * It keeps no scratch file, and a source that fails fails the summary. */
static void test_source_same_bits(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 2, 1};
    struct held h = {.n = 3};
    struct summary_config c = config();
    c.threads = 2;
    struct summary *spilled = summary_alloc(&c);
    assert_non_null(spilled);
    struct diag dg = {0};
    for (size_t i = 0, first = 0; i < h.n; first += sizes[i++]) {
        fill_all(&h.block[i], first, sizes[i]);
        assert_int_equal(summary_add(spilled, &h.block[i], &dg), 0);
    }
    assert_int_equal(summary_finish(spilled, &dg), 0);
    c.source = (struct summary_source){.read = read_held, .ctx = &h};
    size_t per_year = (29 * R + 27 + 8) * P * sizeof(double);
    /* a year of the columns and of the 2 readers' blocks (2 threads, at most 2 paths) */
    size_t year = per_year + 2 * 2 * (R * N_VARS + N_NVARS) * sizeof(double);
    /* all years; two; one; less than a year of the columns, and a byte: the
     * scratch file then, not the source read again for each share of a year */
    const size_t budgets[] = {0, 2 * year, year, per_year - 1, 1};
    const size_t reads[] = {3, 6, 9, 0, 0}; /* blocks × groups */
    for (size_t k = 0; k < 5; k++) {
        c.quantile_memory = budgets[k];
        assert_true((summary_scratch_bytes(&c) == 0) == (reads[k] > 0));
        atomic_store(&h.reads, 0);
        struct summary *s = summary_alloc(&c);
        assert_non_null(s);
        for (size_t i = 0; i < h.n; i++)
            assert_int_equal(summary_add(s, &h.block[i], &dg), 0);
        assert_int_equal(summary_finish(s, &dg), 0);
        assert_int_equal(atomic_load(&h.reads), reads[k]);
        same_results(summary_results(spilled), summary_results(s));
        summary_free(s);
    }
    h.fail = true;
    c.quantile_memory = 0; /* the source, whose read fails */
    struct summary *s = summary_alloc(&c);
    assert_non_null(s);
    for (size_t i = 0; i < h.n; i++)
        assert_int_equal(summary_add(s, &h.block[i], &dg), 0);
    assert_int_equal(summary_finish(s, &dg), -1);
    assert_string_equal(diag_last_text(&dg), "no such block");
    summary_free(s);
    summary_free(spilled);
    for (size_t i = 0; i < h.n; i++)
        record_block_free(&h.block[i]);
    diag_free(&dg);
}

/* The scratch file: 8 bytes per path and quantile cell, the cells being the
 * 29 region variables with quantiles × Y × R, the 27 of them in the province
 * and the 8 national ones × Y: (174 + 81 + 24) × 4 paths × 8 = 8928 bytes; in
 * the config's folder and unlinked (the folder stays empty); a folder that
 * does not exist fails the first block with its name. */
static void test_scratch(void **state)
{
    (void)state;
    struct summary_config c = config();
    assert_int_equal(summary_scratch_bytes(&c), 8928);
    char dir[64];
    struct diag dg = {0};
    assert_int_equal(tmpdir_make(dir, sizeof dir, "test_summary"), 0);
    c.scratch_dir = dir;
    c.threads = 2;
    struct summary *s = summary_alloc(&c);
    assert_non_null(s);
    struct record_block b;
    fill(&b, 0, 4);
    assert_int_equal(summary_add(s, &b, &dg), 0);
    assert_int_equal(tmpdir_count_other(dir, NULL), 0);
    assert_int_equal(summary_finish(s, &dg), 0);
    assert_close(summary_results(s)->quantiles[VAR_BALANCE][YRK(0, 0, 1, Q)], 75, 1e-12);
    summary_free(s);
    tmpdir_remove(dir);

    c.scratch_dir = "/nonexistent-fundsim-folder";
    s = summary_alloc(&c);
    assert_non_null(s);
    assert_int_equal(summary_add(s, &b, &dg), -1);
    assert_non_null(strstr(diag_last_text(&dg), "/nonexistent-fundsim-folder"));
    summary_free(s);
    record_block_free(&b);
    diag_free(&dg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warning_level_boundaries),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_depletion),
        cmocka_unit_test(test_province_and_national),
        cmocka_unit_test(test_province_months_without_expenditure),
        cmocka_unit_test(test_block_order),
        cmocka_unit_test(test_blocks_bit_identical),
        cmocka_unit_test(test_source_same_bits),
        cmocka_unit_test(test_scratch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
