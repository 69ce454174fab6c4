/* report_current.h: the first warning of report.h (table "current"): per
 * region and chosen year, the year's own account, which analysts watch years
 * before depletion: enrollees (万人), fund income and expenditure (medians,
 * 亿元), the current surplus (当期结余: its 5 %, 50 % and 95 % quantiles) and
 * P(current deficit) (当期收不抵支). Read from the run's summaries
 * (/summary/<var>_quantiles, /warning/p_deficit and the province's).
 * Internal to output/. */
#ifndef FUNDSIM_REPORT_CURRENT_H
#define FUNDSIM_REPORT_CURRENT_H

#include "output/report_common.h"

#include <stdio.h>

struct report_current;

/* Returns NULL when rd has failed or fails here. */
struct report_current *report_current_read(struct report_reader *rd, const struct report_run *run);
void report_current_free(struct report_current *c);

void report_current_print_text(const struct report_current *c, const struct report_run *run,
                               FILE *out);
/* A header row, then a row per chosen year and region (report_rows). */
void report_current_print_csv(const struct report_current *c, const struct report_run *run,
                              FILE *out);

#endif
