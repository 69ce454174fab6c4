/* backtest.c: the later actuals against the calibrated projection (backtest.h).
 *
 * The main data structure is the block of every path's figures of each line,
 * region and year (calibrate_simulate), from which each compared actual's
 * column of paths is sorted for its quantiles. */
#include "sim/backtest.h"

#include "sim/config/diag.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

/* The region's actuals compared: after from_year, from the start year on. */
static bool compared(const struct actual *a, int from, int start, int line)
{
    return a->year > from && a->year >= start && !isnan(calibrate_actual(a, line));
}

static void describe(struct backtest_row *w, double *column, size_t paths)
{
    double sum = 0;
    for (size_t p = 0; p < paths; p++)
        sum += column[p];
    w->mean = sum / (double)paths;
    gsl_sort(column, 1, paths);
    w->median = gsl_stats_quantile_from_sorted_data(column, 1, paths, 0.5);
    w->low = gsl_stats_quantile_from_sorted_data(column, 1, paths, 0.05);
    w->high = gsl_stats_quantile_from_sorted_data(column, 1, paths, 0.95);
    w->ae = w->mean != 0 ? w->actual / w->mean : NAN;
    w->inside = w->low <= w->actual && w->actual <= w->high;
}

int backtest_run(struct scenario *s, const struct backtest_options *o, struct backtest_result *r,
                 struct diag *d)
{
    *r = (struct backtest_result){0};
    int start = s->simulation.start_year;
    size_t n = 0;
    for (size_t k = 0; k < s->n_regions; k++)
        for (size_t j = 0; j < s->regions[k].n_actuals; j++)
            for (int line = 0; line < CALIBRATE_LINES; line++) {
                const struct actual *a = &s->regions[k].actuals[j];
                if (!compared(a, o->from_year, start, line)) continue;
                n++;
                if (a->year > r->last_year) r->last_year = a->year;
            }
    if (n == 0) {
        diag_path(d, "regions.actuals", o->file, 0,
                  "no actual after %d (--from) to compare with the projection", o->from_year);
        return -1;
    }
    struct calibrate_options co = {.file = o->file,
                                   .through_year = o->from_year,
                                   .paths = o->fit_paths,
                                   .threads = o->threads,
                                   .say = o->say};
    if (calibrate_fit(s, &co, &r->fit, d) != 0) return -1;
    calibrate_apply(s, &r->fit);

    int saved_years = s->simulation.years;
    long long saved_paths = s->simulation.paths;
    /* at least the scenario's horizon, as the fit ran (calibrate.h) */
    size_t years = (size_t)(r->last_year - start + 1), paths = o->paths, regions = s->n_regions;
    if ((size_t)saved_years > years) years = (size_t)saved_years;
    s->simulation.years = (int)years;
    s->simulation.paths = (long long)paths;
    double *values = malloc(CALIBRATE_LINES * regions * years * paths * sizeof *values);
    r->rows = calloc(n, sizeof *r->rows);
    int status = -1;
    if (!values || !r->rows) {
        diag_fail(d, "out of memory");
        goto done;
    }
    if (calibrate_simulate(s, o->threads, values, d) != 0) goto done;
    for (size_t k = 0; k < regions; k++)
        for (size_t j = 0; j < s->regions[k].n_actuals; j++)
            for (int line = 0; line < CALIBRATE_LINES; line++) {
                const struct actual *a = &s->regions[k].actuals[j];
                if (!compared(a, o->from_year, start, line)) continue;
                struct backtest_row *w = &r->rows[r->n_rows++];
                *w = (struct backtest_row){.region = k,
                                           .year = a->year,
                                           .line = line,
                                           .actual = calibrate_actual(a, line)};
                size_t y = (size_t)(a->year - start);
                describe(w, &values[((line * regions + k) * years + y) * paths], paths);
            }
    status = 0;
done:
    s->simulation.years = saved_years;
    s->simulation.paths = saved_paths;
    free(values);
    if (status != 0) backtest_result_free(r);
    return status;
}

void backtest_result_free(struct backtest_result *r)
{
    calibrate_result_free(&r->fit);
    free(r->rows);
    *r = (struct backtest_result){0};
}
