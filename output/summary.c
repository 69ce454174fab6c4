/* summary.c: the summaries across paths (summary.h). While blocks arrive, the
 * result arrays hold running sums and counts, added in path order, and every
 * variable with quantiles keeps each path's value in `values` [Y][R][paths]
 * (province and national: [Y][paths]); summary_finish divides the sums and
 * counts by the number of paths and sorts the kept values for the quantiles.
 * Every allocation is listed in `owned` (accum.h), so one call frees them all. */
#include "summary.h"

#include "accum.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const warning_level_names[N_WARN_LEVELS] = {"red", "orange", "yellow", "green",
                                                        "excess"};

enum warning_level warning_level_of(const struct warning_params *w, double balance, double months)
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
    double *values[N_VARS];           /* [Y][R][paths], variables with quantiles */
    double *province_values[N_VARS];  /* [Y][paths] */
    double *national_values[N_NVARS]; /* [Y][paths] */
    struct summary_results r;
    struct accum_owned owned;
};

/* The province has the additive variables and its own months of payment. */
static bool in_province(size_t v)
{
    return var_info[v].additive || v == VAR_MONTHS;
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
    size_t Y = c->years, R = c->regions, P = c->paths, Q = c->n_quantiles;
    double *levels = own(s, Q, sizeof *levels);
    if (levels && Q) memcpy(levels, c->quantiles, Q * sizeof *levels);
    s->c.quantiles = levels;

    struct summary_results *r = &s->r;
    for (size_t v = 0; v < N_VARS; v++) {
        r->mean[v] = own(s, Y * R, sizeof(double));
        if (var_info[v].quantiles) {
            r->quantiles[v] = own(s, Y * R * Q, sizeof(double));
            s->values[v] = own(s, Y * R * P, sizeof(double));
        }
        if (!in_province(v)) continue;
        r->province_mean[v] = own(s, Y, sizeof(double));
        if (var_info[v].quantiles) {
            r->province_quantiles[v] = own(s, Y * Q, sizeof(double));
            s->province_values[v] = own(s, Y * P, sizeof(double));
        }
    }
    for (size_t v = 0; v < N_NVARS; v++) {
        r->national_mean[v] = own(s, Y, sizeof(double));
        if (nvar_info[v].quantiles) {
            r->national_quantiles[v] = own(s, Y * Q, sizeof(double));
            s->national_values[v] = own(s, Y * P, sizeof(double));
        }
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
    accum_free(&s->owned);
    free(s);
}

/* Region-year i = y * R + r of path k. */
static void add_region_year(struct summary *s, const double *x, size_t i, size_t k)
{
    const struct warning_params *w = &s->c.warning;
    struct summary_results *r = &s->r;
    for (size_t v = 0; v < N_VARS; v++) {
        r->mean[v][i] += x[v];
        if (s->values[v]) s->values[v][i * s->c.paths + k] = x[v];
    }
    r->p_deficit[i] += x[VAR_SURPLUS] < 0;
    r->p_depleted[i] += x[VAR_BALANCE] < 0;
    r->p_insufficient[i] += x[VAR_MONTHS] < w->insufficient_months;
    r->p_excess_balance[i] += x[VAR_BALANCE] > w->max_balance_share * x[VAR_INCOME];
    r->p_level[i * N_WARN_LEVELS + warning_level_of(w, x[VAR_BALANCE], x[VAR_MONTHS])] += 1;
}

/* With no benefit expenditure in the whole province, the months are infinite,
 * with the balance's sign (+ for a zero balance). */
static void add_province_year(struct summary *s, const struct record_block *b, size_t p, size_t y,
                              size_t k)
{
    struct summary_results *r = &s->r;
    double x[N_VARS] = {0};
    for (size_t g = 0; g < b->regions; g++) {
        const double *rec = record_at(b, p, y, g);
        for (size_t v = 0; v < N_VARS; v++)
            if (var_info[v].additive) x[v] += rec[v];
    }
    double benefit_yuan = x[VAR_EXPENDITURE] - x[VAR_ADJUSTMENT_PAID];
    x[VAR_MONTHS] = record_months(x[VAR_BALANCE], benefit_yuan);
    for (size_t v = 0; v < N_VARS; v++) {
        if (!in_province(v)) continue;
        r->province_mean[v][y] += x[v];
        if (s->province_values[v]) s->province_values[v][y * s->c.paths + k] = x[v];
    }
    r->province_p_deficit[y] += x[VAR_SURPLUS] < 0;
    r->province_p_depleted[y] += x[VAR_BALANCE] < 0;
}

/* Path p of the block, path k of the run. */
static void add_path(struct summary *s, const struct record_block *b, size_t p, size_t k)
{
    struct summary_results *r = &s->r;
    size_t Y = s->c.years, R = s->c.regions;
    for (size_t g = 0; g < R; g++) {
        size_t y = 0;
        while (y < Y && !(record_at(b, p, y, g)[VAR_BALANCE] < 0))
            y++;
        if (y < Y)
            r->p_first_depletion[g * Y + y] += 1;
        else
            r->p_never_depleted[g] += 1;
    }
    for (size_t y = 0; y < Y; y++) {
        for (size_t g = 0; g < R; g++)
            add_region_year(s, record_at(b, p, y, g), y * R + g, k);
        add_province_year(s, b, p, y, k);
        const double *n = record_national(b, p, y);
        for (size_t v = 0; v < N_NVARS; v++) {
            r->national_mean[v][y] += n[v];
            if (s->national_values[v]) s->national_values[v][y * s->c.paths + k] = n[v];
        }
    }
}

int summary_add(struct summary *s, const struct record_block *b)
{
    const struct summary_config *c = &s->c;
    if (s->finished || b->first_path != s->added || b->n_paths > c->paths - s->added ||
        b->years != c->years || b->regions != c->regions)
        return -1;
    for (size_t p = 0; p < b->n_paths; p++) {
        add_path(s, b, p, s->added);
        s->added++;
    }
    return 0;
}

static void divide(double *a, size_t count, double n)
{
    for (size_t i = 0; i < count; i++)
        a[i] /= n;
}

/* Sorts `sets` runs of n values (stride `paths`) and writes Q quantiles each. */
static void quantiles(const struct summary_config *c, double *values, size_t sets, size_t n,
                      double *out)
{
    for (size_t i = 0; i < sets; i++)
        accum_quantiles(values + i * c->paths, n, c->quantiles, c->n_quantiles,
                        out + i * c->n_quantiles);
}

/* The first calendar year whose share reaches `level`, 0 when none. */
static int first_year_reaching(const struct summary_config *c, const double *share, double level)
{
    for (size_t y = 0; y < c->years; y++)
        if (share[y * c->regions] >= level) return c->start_year + (int)y;
    return 0;
}

int summary_finish(struct summary *s)
{
    if (s->finished) return 0;
    if (s->added == 0) return -1;
    const struct summary_config *c = &s->c;
    struct summary_results *r = &s->r;
    size_t Y = c->years, R = c->regions, Q = c->n_quantiles, n = s->added;
    double n_paths = (double)n;

    for (size_t v = 0; v < N_VARS; v++) {
        divide(r->mean[v], Y * R, n_paths);
        if (s->values[v]) quantiles(c, s->values[v], Y * R, n, r->quantiles[v]);
        if (r->province_mean[v]) divide(r->province_mean[v], Y, n_paths);
        if (s->province_values[v])
            quantiles(c, s->province_values[v], Y, n, r->province_quantiles[v]);
    }
    for (size_t v = 0; v < N_NVARS; v++) {
        divide(r->national_mean[v], Y, n_paths);
        if (s->national_values[v])
            quantiles(c, s->national_values[v], Y, n, r->national_quantiles[v]);
    }
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
