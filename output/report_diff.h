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

#endif
