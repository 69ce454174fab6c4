/* report_outlook.h: what opens the summary of a run (report.h): the
 * assumptions that drive the headline figures, the yearly growth of income and
 * of expenditure per enrollee after the last dated financing rule, and the
 * actuarial balance: the headline per region and for the province, and its
 * table ("actuarial"). Internal to output/. */
#ifndef FUNDSIM_REPORT_OUTLOOK_H
#define FUNDSIM_REPORT_OUTLOOK_H

#include "output/report_common.h"

#include <stdio.h>

struct report_outlook;

/* Reads the root attributes `assumptions` and `rules_end_year` and the
 * summaries of the actuarial balance and of income and expenditure per
 * enrollee. Returns NULL when rd has failed or fails here. */
struct report_outlook *report_outlook_read(struct report_reader *rd, const struct report_run *run);
void report_outlook_free(struct report_outlook *o);

/* The assumptions, the growth per enrollee and the province's actuarial balance
 * over the whole horizon, each line indented, then an empty line. */
void report_outlook_print_heading(const struct report_outlook *o, const struct report_run *run,
                                  FILE *out);
/* The actuarial balance per region and for the province: its band over the
 * first ten years and over the whole horizon. */
void report_outlook_print_text(const struct report_outlook *o, const struct report_run *run,
                               FILE *out);
void report_outlook_print_csv(const struct report_outlook *o, const struct report_run *run,
                              FILE *out);

#endif
