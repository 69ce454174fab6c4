/* report.h: the summary table of a run's HDF5 file (`fundsim summary`): per
 * region and chosen year, the median and 5-95 % band of the balance and of the
 * months of payment, the probability of depletion and the most likely warning
 * level; the province's totals; the first year each region is at risk. */
#ifndef FUNDSIM_REPORT_H
#define FUNDSIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Prints the table of the file at `path` for `years` (n_years 0: the first
 * year, every fifth year after it and the last), as text or CSV, to `out`.
 * Returns 0; -1 when the file cannot be read or lacks what the table needs;
 * -2 when a year is not among the file's; with a message in `err`. */
int report_print(const char *path, const int *years, size_t n_years, bool csv, FILE *out, char *err,
                 size_t n_err);

#endif
