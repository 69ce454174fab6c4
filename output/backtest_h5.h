/* backtest_h5.h: the actual-vs-expected table of `fundsim backtest` in a run's
 * file: the group /backtest, one dataset per column, one row per actual
 * figure compared (output/README.md). */
#ifndef FUNDSIM_BACKTEST_H5_H
#define FUNDSIM_BACKTEST_H5_H

#include <stdbool.h>
#include <stddef.h>

struct diag;

struct backtest_table_row {
    const char *region, *line; /* the region's name; "enrollees", "income", ... */
    int year;
    double actual, mean, median, low, high, ae; /* low, high: 5 % and 95 % quantiles */
    bool inside;
};

struct backtest_table {
    size_t n;
    struct backtest_table_row *rows;
    int from_year; /* the last actual year the calibration saw */
    size_t paths;  /* of the distribution compared */
};

/* Adds /backtest to the committed file at `path`. Returns 0, or -1 with a
 * runtime failure in `d`. */
int backtest_h5_write(const char *path, const struct backtest_table *t, struct diag *d);

#endif
