/* report_diff.h: the policy comparison tables of report.h, from a file's /diff
 * group (output/h5out.h; the statistics are output/diffsum.h's). Internal to
 * output/. */
#ifndef FUNDSIM_REPORT_DIFF_H
#define FUNDSIM_REPORT_DIFF_H

#include "output/report_common.h"

#include <stdio.h>

struct report_diff;

/* Reads every variant listed in /diff's attribute `variants`. Returns NULL
 * when rd has failed or fails here. */
struct report_diff *report_diff_read(struct report_reader *rd, const struct report_run *run);
void report_diff_free(struct report_diff *d);

/* A block per variant, each beginning with an empty line. */
void report_diff_print_text(const struct report_diff *d, const struct report_run *run, FILE *out);
/* A header row, then a row per variant, chosen year and region, the province last. */
void report_diff_print_csv(const struct report_diff *d, const struct report_run *run, FILE *out);

/* Who gains and who pays, long: a row per variant, chosen year, region (the
 * province last) and line (each fund line, serious_claims,
 * assistance_claims, out_of_pocket, cost_of_care: their sum less maternity,
 * the outlays, the fund's account, enrollees), with its unit, mean and 95 %
 * interval (empty for cost_of_care); variants without the lines are left out. */
void report_diff_print_gains_csv(const struct report_diff *d, const struct report_run *run,
                                 FILE *out);

#endif
