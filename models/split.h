/* split.h: from age groups (the UN's five-year groups) to single years of age.
 *
 * Groups are given by their boundaries: group g holds the ages bound[g] to
 * bound[g+1] - 1. Both splits write out[a] for a = bound[0] .. bound[n] - 1 and
 * keep each group's figure exactly (to rounding): counts keep their total,
 * rates their mean. They allocate (GSL interpolation): call them when
 * parameters are made, never in a step. */
#ifndef FUNDSIM_SPLIT_H
#define FUNDSIM_SPLIT_H

#include <stddef.h>

/* Counts (persons, births): monotone cubic interpolation (Steffen, GSL's
 * gsl_interp_steffen) of the cumulative count at the group boundaries,
 * differenced into single years, then each group's years rescaled to its total.
 * The cumulative count never decreases, and Steffen's interpolant is monotone
 * between monotone knots, so no year is negative; its slope is continuous, so
 * the single years run smoothly across group boundaries (at the two ends
 * GSL takes the end segment's slope). With one group, the years share it
 * equally. Counts must be ≥ 0 and bounds increasing. Returns 0, or -1 when
 * out of memory (or GSL refuses the bounds), `out` then unfinished. */
int split_counts(size_t n, const int *bound, const double *count, double *out);

/* Rates (death rates m(x)): log m is linear in age between the groups'
 * midpoints (extended beyond the first and last midpoints by the slope of the
 * nearest segment), each year read at its own midpoint, then each group's
 * years rescaled so that their mean is the group's rate. Rates must be > 0. */
void split_rates(size_t n, const int *bound, const double *rate, double *out);

#endif
