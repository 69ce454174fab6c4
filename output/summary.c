/* summary.c: the summaries across paths (summary.h). While blocks arrive, the
 * result arrays hold running sums and counts, added in path order, and every
 * path's value of each quantile cell goes to a spill (spill.h), a scratch file
 * beside the output: the cells are each region-year of a variable with
 * quantiles, from `region_cell[v]` on ([Y][R]), then the province's and the
 * national variables' years (`province_cell`, `national_cell`: [Y]). The
 * quantile results are one array in the same cell order, [cell][Q], so each
 * variable's results point into it. summary_finish divides the sums and counts
 * by the number of paths and reads the spill back for the quantiles. With a
 * source (a run's checkpoint) there is no spill: summary_finish reads a few
 * years of every block from the source at a time, puts each quantile cell of
 * those years into a column of all paths, as the spill would have, and takes
 * the columns' quantiles (spill_column_quantiles), so the bits are the same.
 * Every allocation is listed in `owned` (accum.h), so one call frees them all. */
#include "output/summary.h"

#include "models/bigmem.h"
#include "output/accum.h"
#include "output/spill.h"
#include "sim/config/diag.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const summary_warning_level_names[N_WARN_LEVELS] = {"red", "orange", "yellow", "green",
                                                                "excess"};

enum warning_level summary_warning_level(const struct warning_params *w, double balance,
                                         double months)
{
    if (balance < 0) return WARN_RED;
    if (months < w->insufficient_months) return WARN_ORANGE;
    if (months < w->low_months) return WARN_YELLOW;
    if (months <= w->excess_months) return WARN_GREEN;
    return WARN_EXCESS;
}

struct summary {
    struct summary_config c;
    size_t added; /* paths added so far */
    bool finished;
    /* The first spill cell of each variable with quantiles (see above). */
    size_t region_cell[N_VARS], province_cell[N_VARS], national_cell[N_NVARS];
    size_t cells;
    double *quantiles;   /* [cell][Q]: the results' quantile arrays point into it */
    struct spill *spill; /* opened by the first summary_add, closed by summary_finish */
    /* the block being added: cell c of its path p at [c * stage_paths + p]
     * (NULL with a source) */
    double *stage;
    size_t stage_paths;
    size_t *block_paths; /* with a source: each block's paths, in the order added */
    size_t n_blocks, cap_blocks;
    struct summary_results r;
    struct accum_owned owned;
};

/* The province has the additive variables and its own months of payment. */
static bool in_province(size_t v)
{
    return var_info[v].additive || v == VAR_MONTHS;
}

/* Numbers the quantile cells into the three arrays; returns how many there are. */
static size_t lay_out_cells(const struct summary_config *c, size_t *region, size_t *province,
                            size_t *national)
{
    size_t Y = c->years, R = c->regions, cells = 0;
    for (size_t v = 0; v < N_VARS; v++)
        if (var_info[v].quantiles) region[v] = cells, cells += Y * R;
    for (size_t v = 0; v < N_VARS; v++)
        if (var_info[v].quantiles && in_province(v)) province[v] = cells, cells += Y;
    for (size_t v = 0; v < N_NVARS; v++)
        if (nvar_info[v].quantiles) national[v] = cells, cells += Y;
    return cells;
}

/* Whether the quantiles read the config's source: when it has one and the columns
 * of one year of every path fit the memory budget, so that each value is read
 * once. Otherwise (very many paths) the scratch file, read back in groups of
 * cells, costs far less than reading the source again for each share of a year. */
static bool reads_source(const struct summary_config *c)
{
    if (!c->source.read || c->paths == 0 || c->years == 0) return false;
    size_t region[N_VARS], province[N_VARS], national[N_NVARS];
    size_t per_year = lay_out_cells(c, region, province, national) / c->years;
    size_t memory = c->quantile_memory ? c->quantile_memory : SPILL_DEFAULT_MEMORY;
    return per_year <= memory / sizeof(double) / c->paths;
}

uint64_t summary_scratch_bytes(const struct summary_config *c)
{
    size_t region[N_VARS], province[N_VARS], national[N_NVARS];
    if (reads_source(c)) return 0;
    return spill_bytes(lay_out_cells(c, region, province, national), c->paths);
}

static void *own(struct summary *s, size_t count, size_t size)
{
    return accum_calloc(&s->owned, count, size);
}

struct summary *summary_alloc(const struct summary_config *c)
{
    struct summary *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->c = *c;
    if (!reads_source(c)) s->c.source.read = NULL, s->c.source.ctx = NULL;
    size_t Y = c->years, R = c->regions, Q = c->n_quantiles;
    double *levels = own(s, Q, sizeof *levels);
    if (levels && Q) memcpy(levels, c->quantiles, Q * sizeof *levels);
    s->c.quantiles = levels;
    char *dir = c->scratch_dir ? own(s, strlen(c->scratch_dir) + 1, 1) : NULL;
    if (dir) strcpy(dir, c->scratch_dir);
    s->c.scratch_dir = dir;

    s->cells = lay_out_cells(c, s->region_cell, s->province_cell, s->national_cell);
    double *quantiles = s->quantiles = own(s, s->cells * Q, sizeof(double));
    if (!quantiles) {
        summary_free(s);
        return NULL;
    }
    struct summary_results *r = &s->r;
    for (size_t v = 0; v < N_VARS; v++) {
        r->mean[v] = own(s, Y * R, sizeof(double));
        if (var_info[v].quantiles) r->quantiles[v] = quantiles + s->region_cell[v] * Q;
        if (!in_province(v)) continue;
        r->province_mean[v] = own(s, Y, sizeof(double));
        if (var_info[v].quantiles) r->province_quantiles[v] = quantiles + s->province_cell[v] * Q;
    }
    for (size_t v = 0; v < N_NVARS; v++) {
        r->national_mean[v] = own(s, Y, sizeof(double));
        if (nvar_info[v].quantiles) r->national_quantiles[v] = quantiles + s->national_cell[v] * Q;
    }
    r->p_deficit = own(s, Y * R, sizeof(double));
    r->p_depleted = own(s, Y * R, sizeof(double));
    r->p_insufficient = own(s, Y * R, sizeof(double));
    r->p_excess_balance = own(s, Y * R, sizeof(double));
    r->p_level = own(s, Y * R * N_WARN_LEVELS, sizeof(double));
    r->level = own(s, Y * R, sizeof(int));
    r->p_first_depletion = own(s, R * Y, sizeof(double));
    r->p_never_depleted = own(s, R, sizeof(double));
    r->p_depleted_by = own(s, Y * R, sizeof(double));
    r->depletion_year = own(s, R * Q, sizeof(int));
    r->first_year_at_risk = own(s, R, sizeof(int));
    r->province_p_deficit = own(s, Y, sizeof(double));
    r->province_p_depleted = own(s, Y, sizeof(double));
    if (s->owned.out_of_memory) {
        summary_free(s);
        return NULL;
    }
    return s;
}

void summary_free(struct summary *s)
{
    if (!s) return;
    spill_close(s->spill);
    free(s->block_paths);
    accum_free(&s->owned);
    free(s);
}

/* Path p of the staged block's value of spill cell `cell`. */
static void stage(struct summary *s, size_t cell, size_t p, double x)
{
    if (s->stage) s->stage[cell * s->stage_paths + p] = x;
}

/* Region-year i = y * R + r of the block's path p. */
static void add_region_year(struct summary *s, const double *x, size_t i, size_t p)
{
    const struct warning_params *w = &s->c.warning;
    struct summary_results *r = &s->r;
    for (size_t v = 0; v < N_VARS; v++) {
        r->mean[v][i] += x[v];
        if (var_info[v].quantiles) stage(s, s->region_cell[v] + i, p, x[v]);
    }
    r->p_deficit[i] += x[VAR_SURPLUS] < 0;
    r->p_depleted[i] += record_depleted(x);
    r->p_insufficient[i] += x[VAR_MONTHS] < w->insufficient_months;
    r->p_excess_balance[i] += x[VAR_BALANCE] > w->max_balance_share * x[VAR_INCOME];
    double before_backstop = x[VAR_BALANCE] - x[VAR_BACKSTOP];
    r->p_level[i * N_WARN_LEVELS + summary_warning_level(w, before_backstop, x[VAR_MONTHS])] += 1;
}

/* The province's values of year y of the block's path p into x[] (the
 * variables in_province). With no benefit expenditure in the whole province,
 * the months are infinite, with the balance's sign (+ for a zero balance). */
static void province_values(const struct summary *s, const struct record_block *b, size_t p,
                            size_t y, double x[N_VARS])
{
    memset(x, 0, N_VARS * sizeof *x);
    for (size_t g = 0; g < b->regions; g++) {
        const double *rec = record_at(b, p, y, g);
        for (size_t v = 0; v < N_VARS; v++)
            if (var_info[v].additive) x[v] += rec[v];
    }
    double benefit_yuan = x[VAR_EXPENDITURE] - x[VAR_ADJUSTMENT_PAID] - x[VAR_DEFICIT_INTEREST];
    if (s->c.pooled_transfers) record_net_transfers(x);
    x[VAR_MONTHS] = record_months(x[VAR_BALANCE], benefit_yuan);
}

static void add_province_year(struct summary *s, const struct record_block *b, size_t p, size_t y)
{
    struct summary_results *r = &s->r;
    double x[N_VARS];
    province_values(s, b, p, y, x);
    for (size_t v = 0; v < N_VARS; v++) {
        if (!in_province(v)) continue;
        r->province_mean[v][y] += x[v];
        if (var_info[v].quantiles) stage(s, s->province_cell[v] + y, p, x[v]);
    }
    r->province_p_deficit[y] += x[VAR_SURPLUS] < 0;
    r->province_p_depleted[y] += record_depleted(x);
}

/* The index of the first year of the projection: the one after a calibrated
 * run's history (summary_config.history_end_year), else 0. */
static size_t projection_start(const struct summary_config *c)
{
    if (c->history_end_year < c->start_year) return 0;
    size_t y = (size_t)(c->history_end_year - c->start_year) + 1;
    return y < c->years ? y : c->years;
}

/* Path p's first depletion year in each region. */
static void add_first_depletion(struct summary *s, const struct record_block *b, size_t p)
{
    struct summary_results *r = &s->r;
    size_t Y = s->c.years, R = s->c.regions;
    size_t first = projection_start(&s->c);
    for (size_t g = 0; g < R; g++) {
        size_t y = first;
        while (y < Y && !record_depleted(record_at(b, p, y, g)))
            y++;
        if (y < Y)
            r->p_first_depletion[g * Y + y] += 1;
        else
            r->p_never_depleted[g] += 1;
    }
}

/* Year y of the block's path p: what the summaries keep of that year (its
 * region-years, the province and the nation) and nothing of other years. */
static void add_path_year(struct summary *s, const struct record_block *b, size_t p, size_t y)
{
    struct summary_results *r = &s->r;
    size_t R = s->c.regions;
    for (size_t g = 0; g < R; g++)
        add_region_year(s, record_at(b, p, y, g), y * R + g, p);
    add_province_year(s, b, p, y);
    const double *n = record_national(b, p, y);
    for (size_t v = 0; v < N_NVARS; v++) {
        r->national_mean[v][y] += n[v];
        if (nvar_info[v].quantiles) stage(s, s->national_cell[v] + y, p, n[v]);
    }
}

int summary_add(struct summary *s, const struct record_block *b, struct diag *d)
{
    const struct summary_config *c = &s->c;
    if (s->finished || b->first_path != c->first_path + s->added ||
        b->n_paths > c->paths - s->added || b->years != c->years || b->regions != c->regions) {
        diag_fail(d, "internal error: paths added out of order");
        return -1;
    }
    if (c->source.read) {
        /* the source holds the values: only the block's place is kept */
        if (s->n_blocks == s->cap_blocks) {
            size_t cap = s->cap_blocks ? 2 * s->cap_blocks : 64;
            size_t *p = realloc(s->block_paths, cap * sizeof *p);
            if (!p) {
                diag_fail(d, "out of memory for a block of %zu paths", b->n_paths);
                return -1;
            }
            s->block_paths = p, s->cap_blocks = cap;
        }
    } else {
        if (!s->spill && !(s->spill = spill_open(c->scratch_dir, s->cells, c->paths, d))) return -1;
        if (!(s->stage = spill_stage(s->spill, b->n_paths))) {
            diag_fail(d, "out of memory for a block of %zu paths", b->n_paths);
            return -1;
        }
        s->stage_paths = b->n_paths;
    }
    /* The years on the threads: every sum is of one year and adds the paths in
     * path order, so the results are the same bits on any number of threads. */
    long Y = (long)c->years;
#pragma omp parallel for schedule(dynamic, 1) num_threads(c->threads > 0 ? c->threads : 1)
    for (long y = 0; y < Y; y++)
        for (size_t p = 0; p < b->n_paths; p++)
            add_path_year(s, b, p, (size_t)y);
    for (size_t p = 0; p < b->n_paths; p++)
        add_first_depletion(s, b, p);
    if (s->spill && spill_commit(s->spill, d) != 0) return -1;
    if (c->source.read) s->block_paths[s->n_blocks++] = b->n_paths;
    s->added += b->n_paths;
    return 0;
}

void summary_set_threads(struct summary *s, int threads)
{
    s->c.threads = threads;
}

static void divide(double *a, size_t count, double n)
{
    for (size_t i = 0; i < count; i++)
        a[i] /= n;
}

/* The first calendar year whose share reaches `level`, 0 when none. */
static int first_year_reaching(const struct summary_config *c, const double *share, double level)
{
    for (size_t y = projection_start(c); y < c->years; y++)
        if (share[y * c->regions] >= level) return c->start_year + (int)y;
    return 0;
}

/* The quantile cells of one year, as columns: each quantile variable's
 * regions, then the province's, then the national variables'. Their number,
 * and the cell of each (of year y) into cell[] when not NULL. */
static size_t year_cells(const struct summary *s, size_t y, size_t *cell)
{
    size_t n = 0, R = s->c.regions;
    for (size_t v = 0; v < N_VARS; v++)
        for (size_t g = 0; var_info[v].quantiles && g < R; g++, n++)
            if (cell) cell[n] = s->region_cell[v] + y * R + g;
    for (size_t v = 0; v < N_VARS; v++)
        if (var_info[v].quantiles && in_province(v)) {
            if (cell) cell[n] = s->province_cell[v] + y;
            n++;
        }
    for (size_t v = 0; v < N_NVARS; v++)
        if (nvar_info[v].quantiles) {
            if (cell) cell[n] = s->national_cell[v] + y;
            n++;
        }
    return n;
}

/* Column j of a year's (year_cells' order, per_year of them) in a group of
 * years y (from 0), at the place of the block whose paths start at `first`. */
static double *column(double *cols, size_t y, size_t j, size_t per_year, size_t paths, size_t first)
{
    return cols + (y * per_year + j) * paths + first;
}

/* Years 0 .. ny - 1 of block b (the paths from `first` on, of `paths` in all),
 * every column of each year (per_year), into `cols`, year after year: the
 * values that summary_add would have staged. TILE paths at a time, so that
 * their records stay in the cache while each column gets a cache line of
 * them; the province's values of those paths first into `prov` ([path][var],
 * b->n_paths of them). */
static void block_columns(const struct summary *s, const struct record_block *b, size_t ny,
                          size_t per_year, size_t first, size_t paths, double *prov, double *cols)
{
    enum { TILE = 8 };
    size_t R = s->c.regions, n = b->n_paths;
    for (size_t y = 0; y < ny; y++)
        for (size_t p0 = 0; p0 < n; p0 += TILE) {
            size_t p1 = n - p0 < TILE ? n : p0 + TILE, j = 0;
            for (size_t v = 0; v < N_VARS; v++)
                for (size_t g = 0; var_info[v].quantiles && g < R; g++) {
                    double *col = column(cols, y, j++, per_year, paths, first);
                    for (size_t p = p0; p < p1; p++)
                        col[p] = record_at(b, p, y, g)[v];
                }
            for (size_t p = p0; p < p1; p++)
                province_values(s, b, p, y, prov + p * N_VARS);
            for (size_t v = 0; v < N_VARS; v++)
                if (var_info[v].quantiles && in_province(v)) {
                    double *col = column(cols, y, j++, per_year, paths, first);
                    for (size_t p = p0; p < p1; p++)
                        col[p] = prov[p * N_VARS + v];
                }
            for (size_t v = 0; v < N_NVARS; v++)
                if (nvar_info[v].quantiles) {
                    double *col = column(cols, y, j++, per_year, paths, first);
                    for (size_t p = p0; p < p1; p++)
                        col[p] = record_national(b, p, y)[v];
                }
        }
}

/* A thread's reading of blocks from the source: its buffers, and whether a
 * read failed (why in its own diag). */
struct reading {
    struct record_block b;
    double *prov; /* block_columns' */
    bool failed;
    struct diag d;
};

/* The quantiles from the source, within the spill's memory budget: as many
 * whole years at a time as fit with the readers' buffers (at least one:
 * reads_source), each group read from every block, the blocks on the threads
 * (each value has its own place: the same bits on any number). Returns 0 or -1
 * with `d`. */
static int source_quantiles(struct summary *s, struct diag *d)
{
    const struct summary_config *c = &s->c;
    size_t Y = c->years, Q = c->n_quantiles, paths = s->added;
    size_t per_year = year_cells(s, 0, NULL); /* a year's columns */
    size_t memory = c->quantile_memory ? c->quantile_memory : SPILL_DEFAULT_MEMORY;
    size_t most = 0, n_blocks = s->n_blocks;
    for (size_t k = 0; k < n_blocks; k++)
        most = s->block_paths[k] > most ? s->block_paths[k] : most;
    /* no more readers than blocks; a year of a reader's block, and of the columns */
    int threads = c->threads > 0 ? c->threads : 1;
    if ((size_t)threads > n_blocks) threads = n_blocks > 0 ? (int)n_blocks : 1;
    size_t reader_year = most * (c->regions * N_VARS + N_NVARS) * sizeof(double);
    size_t year_bytes = per_year * paths * sizeof(double) + (size_t)threads * reader_year;
    size_t group = memory / year_bytes; /* years */
    if (group < 1) group = 1;
    if (group > Y) group = Y;
    /* On huge pages (models/bigmem.h): the columns fill up to the whole budget,
     * each block writing a cache line to each of thousands of columns at once,
     * which with 4 KiB pages cost a TLB miss per line and a page fault per 4 KiB
     * (Henan, 10,000 paths: a third less CPU for the summaries' end). */
    double *cols = bigmem_alloc(group * per_year * paths * sizeof *cols);
    double *out = malloc((group * per_year * Q + 1) * sizeof *out);
    size_t *cell = malloc(per_year * sizeof *cell);
    size_t *firsts = malloc((n_blocks + 1) * sizeof *firsts); /* each block's first path */
    struct reading *rd = calloc((size_t)threads, sizeof *rd);
    int rc = cols && out && cell && firsts && rd ? 0 : -1;
    for (int t = 0; t < threads && !rc; t++)
        rc = (rd[t].prov = malloc((most ? most : 1) * N_VARS * sizeof *rd[t].prov)) &&
                     record_block_alloc(&rd[t].b, most, group, c->regions) == 0
                 ? 0
                 : -1;
    if (rc) diag_fail(d, "out of memory for the quantiles of %zu paths", paths);
    if (firsts) {
        firsts[0] = 0;
        for (size_t k = 0; k < n_blocks; k++)
            firsts[k + 1] = firsts[k] + s->block_paths[k];
    }
    for (size_t y0 = 0; y0 < Y && !rc; y0 += group) {
        size_t ny = Y - y0 < group ? Y - y0 : group;
        /* The blocks on the threads: each fills its own rows of the columns. */
        int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(| : failed)
        for (size_t k = 0; k < n_blocks; k++) {
            struct reading *me = &rd[omp_get_thread_num()];
            if (me->failed) continue;
            me->failed = c->source.read(c->source.ctx, c->first_path + firsts[k], s->block_paths[k],
                                        y0, ny, &me->b, &me->d) != 0;
            if (!me->failed)
                block_columns(s, &me->b, ny, per_year, firsts[k], paths, me->prov, cols);
            failed |= me->failed;
        }
        for (int t = 0; t < threads && failed && !rc; t++)
            if (rd[t].failed) {
                diag_fail(d, "%s", diag_last_text(&rd[t].d));
                rc = -1;
            }
        if (!rc)
            rc = spill_column_quantiles(cols, ny * per_year, paths, c->quantiles, Q, out,
                                        c->threads, d);
        for (size_t y = 0; y < ny && !rc; y++) {
            year_cells(s, y0 + y, cell);
            for (size_t j = 0; j < per_year; j++)
                memcpy(s->quantiles + cell[j] * Q, out + (y * per_year + j) * Q, Q * sizeof *out);
        }
    }
    for (int t = 0; rd && t < threads; t++) {
        record_block_free(&rd[t].b);
        free(rd[t].prov);
        diag_free(&rd[t].d);
    }
    free(rd);
    free(firsts);
    free(cell);
    free(out);
    free(cols);
    return rc;
}

int summary_finish(struct summary *s, struct diag *d)
{
    if (s->finished) return 0;
    if (s->added == 0) {
        diag_fail(d, "internal error: no paths to summarize");
        return -1;
    }
    const struct summary_config *c = &s->c;
    struct summary_results *r = &s->r;
    size_t Y = c->years, R = c->regions, Q = c->n_quantiles;
    double n_paths = (double)s->added;

    if (c->source.read ? source_quantiles(s, d)
                       : spill_quantiles(s->spill, c->quantiles, Q, s->quantiles,
                                         c->quantile_memory, c->threads, d))
        return -1;
    /* The scratch space is given back before the output grows further. */
    spill_close(s->spill);
    s->spill = NULL;
    for (size_t v = 0; v < N_VARS; v++) {
        divide(r->mean[v], Y * R, n_paths);
        if (r->province_mean[v]) divide(r->province_mean[v], Y, n_paths);
    }
    for (size_t v = 0; v < N_NVARS; v++)
        divide(r->national_mean[v], Y, n_paths);
    divide(r->p_deficit, Y * R, n_paths);
    divide(r->p_depleted, Y * R, n_paths);
    divide(r->p_insufficient, Y * R, n_paths);
    divide(r->p_excess_balance, Y * R, n_paths);
    divide(r->p_level, Y * R * N_WARN_LEVELS, n_paths);
    divide(r->province_p_deficit, Y, n_paths);
    divide(r->province_p_depleted, Y, n_paths);

    for (size_t i = 0; i < Y * R; i++) {
        const double *p = &r->p_level[i * N_WARN_LEVELS];
        int best = 0;
        for (int l = 1; l < N_WARN_LEVELS; l++)
            if (p[l] > p[best]) best = l;
        r->level[i] = best;
    }
    for (size_t g = 0; g < R; g++) {
        double count = 0; /* depleted by year y, counted before dividing to stay exact */
        for (size_t y = 0; y < Y; y++) {
            count += r->p_first_depletion[g * Y + y];
            r->p_depleted_by[y * R + g] = count / n_paths;
        }
        divide(&r->p_first_depletion[g * Y], Y, n_paths);
        r->p_never_depleted[g] /= n_paths;
        for (size_t q = 0; q < Q; q++)
            r->depletion_year[g * Q + q] =
                first_year_reaching(c, &r->p_depleted_by[g], c->quantiles[q]);
        r->first_year_at_risk[g] =
            first_year_reaching(c, &r->p_depleted[g], c->warning.depletion_probability);
    }
    s->finished = true;
    return 0;
}

const struct summary_results *summary_results(const struct summary *s)
{
    return &s->r;
}

const struct summary_config *summary_config(const struct summary *s)
{
    return &s->c;
}
