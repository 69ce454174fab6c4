/* report.h: the summary tables of a run's HDF5 file (`fundsim summary`), after a
 * heading with the run's assumptions, the growth per enrollee and the actuarial
 * balance (report_outlook.h):
 *   warning  per region and chosen year, the median and 5-95 % band of the
 *            balance and of the months of payment, the probability of depletion
 *            and the most likely warning level; the province's totals; the first
 *            year each region is at risk;
 *   actuarial  the actuarial balance per region and for the province over the
 *            first ten years and the whole horizon (report_outlook.h);
 *   current  the first warning, per region and chosen year: enrollees, income,
 *            expenditure, the current surplus and P(current deficit)
 *            (report_current.h);
 *   budget   per chosen year, what each level of government pays (its outlay:
 *            fiscal subsidy and contribution assistance) in the province;
 *   diff     for a file with policy variants (/diff), per variant: variant − base
 *            of the province's balance, expenditure and outlays per chosen year,
 *            each region's in the last chosen year, and what common random
 *            numbers gained. */
#ifndef FUNDSIM_REPORT_H
#define FUNDSIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct diag;

enum report_table {
    REPORT_ALL, /* as text, every table the file has; as CSV, the warning table */
    REPORT_WARNING,
    REPORT_BUDGET,
    REPORT_DIFF,
    REPORT_ACTUARIAL,
    REPORT_CURRENT,
    REPORT_ASSUMPTIONS,
    REPORT_GAINS, /* compare's who gains and who pays (as text: with the diff table) */
    REPORT_EVERY, /* every table the file has, also as CSV: each under a line naming it */
};

/* What to print: the years (n_years 0: the first year of the projection,
 * every fifth after it and the last), text or CSV, the language, and for
 * CSV a UTF-8 byte-order mark first (Excel reads UTF-8 only after one). */
struct report_request {
    const int *years;
    size_t n_years;
    bool csv, bom;
    enum report_table table;
    int lang; /* enum lang of output/terms.h: 0 English, 1 Chinese */
};

/* Prints what `rq` asks of the file at `path` to `out`. Returns as report_print. */
int report_write(const char *path, const struct report_request *rq, FILE *out, struct diag *d);

/* Prints `table` of the file at `path` for `years` (n_years 0: the first
 * year, every fifth year after it and the last), as text or CSV (one table,
 * with a header row), to `out`. Returns 0, or -1 with a message in `d`: the
 * file cannot be read or lacks what the table needs (DIAG_RUNTIME); a year is
 * not among the file's, or REPORT_DIFF is asked of a file without /diff
 * (DIAG_USAGE). */
int report_print(const char *path, const int *years, size_t n_years, bool csv,
                 enum report_table table, FILE *out, struct diag *d);

#endif
