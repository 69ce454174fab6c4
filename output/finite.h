/* finite.h: the check that a block of records (record.h) holds only finite
 * numbers. An infinity or a NaN comes from an overflow or a division by zero
 * somewhere upstream (a scenario's extreme figures); once summed into the
 * summaries it would spread silently, so the run stops at the first one,
 * naming it: variable, region, calendar year and path. */
#ifndef FUNDSIM_FINITE_H
#define FUNDSIM_FINITE_H

#include "output/record.h"

#include <stdbool.h>
#include <stddef.h>

struct diag;

/* Where a non-finite value is. */
struct finite_at {
    bool national; /* a province-wide variable (enum nvar); `region` is then 0 */
    int var;       /* enum var, or enum nvar when national */
    size_t path;   /* the run's path number (from 0, as in /paths) */
    size_t year;   /* index of the year, from the start year */
    size_t region; /* index of the region */
    double value;
};

/* Finds the block's first non-finite value, in the order of its paths, then
 * years, then regions and variables (a path-year's national variables after
 * its regions). Returns true with `*at` filled, or false when all are finite. */
bool finite_scan(const struct record_block *b, struct finite_at *at);

/* Checks a block: returns 0 when every value is finite, or -1 with a message in
 * `d` naming the variable, the region (by `region_names`), the calendar year
 * (from `start_year`), the path and the scenario. */
int finite_check(const struct record_block *b, const char *scenario_name,
                 const char *const *region_names, int start_year, struct diag *d);

#endif
