/* assumptions.h: what a run assumes where no notice or data says, in words, for
 * the file (root attribute `assumptions`) and so for `fundsim summary` and the
 * report, which open with it: a reader sees the rules that drive the headline
 * figures next to them, and a depletion that only frozen financing produces is
 * labelled as such.
 *
 * The lines: how each yuan timeline goes on after its last dated value
 * (policy.continuation, models/timeline.h), with the regions that differ from
 * the scenario's own rules named by count; the expected growth of unit costs
 * and of income; what happens after depletion (pooling.deficit). */
#ifndef FUNDSIM_ASSUMPTIONS_H
#define FUNDSIM_ASSUMPTIONS_H

#include "output/h5out.h"
#include "sim/config/scenario.h"

/* The text, one assumption a line (malloc'ed; NULL when out of memory). */
char *assumptions_text(const struct scenario *s);

/* The key drivers: cost growth (inflation, use, technology, excess growth),
 * income growth, participation and its elasticity, each continuation rule and
 * what happens after depletion. Returns malloc'ed rows (their count in *n), or
 * NULL when out of memory. The rows of the file's /assumptions group
 * (output/h5out.h). */
struct h5out_assumption *assumptions_table(const struct scenario *s, size_t *n);

/* The last year any financing standard is dated (contribution, subsidy,
 * national standard), at least the start year: from the year after, the
 * continuation rules set the financing. */
int assumptions_rules_end_year(const struct scenario *s);

#endif
