/* split.c: group figures to single years of age (see split.h). Counts go
 * through their cumulative curve, rates through their logarithm; both end by
 * rescaling each group, which is what makes the group figures exact. */
#include "models/split.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp.h>
#include <math.h>
#include <stdlib.h>

/* Rescales out[from..to-1] so that its sum is `target`. */
static void rescale_sum(double *out, int from, int to, double target)
{
    double sum = 0;
    for (int a = from; a < to; a++)
        sum += out[a];
    if (sum > 0) {
        for (int a = from; a < to; a++)
            out[a] *= target / sum;
    } else {
        for (int a = from; a < to; a++)
            out[a] = target / (to - from);
    }
}

int split_counts(size_t n, const int *bound, const double *count, double *out)
{
    if (n == 1) {
        for (int a = bound[0]; a < bound[1]; a++)
            out[a] = count[0] / (bound[1] - bound[0]);
        return 0;
    }
    double *x = malloc((n + 1) * sizeof *x), *cum = malloc((n + 1) * sizeof *cum);
    gsl_interp *f = gsl_interp_alloc(gsl_interp_steffen, n + 1);
    gsl_interp_accel *acc = gsl_interp_accel_alloc();
    int rc = x && cum && f && acc ? 0 : -1;
    for (size_t g = 0; g <= n && !rc; g++) {
        x[g] = bound[g];
        cum[g] = g ? cum[g - 1] + count[g - 1] : 0;
    }
    /* GSL refuses bounds that do not increase (the loader has checked them) */
    if (!rc && gsl_interp_init(f, x, cum, n + 1) != GSL_SUCCESS) rc = -1;
    double below = 0;
    for (int a = bound[0]; a < bound[n] && !rc; a++) {
        double above = a + 1 == bound[n] ? cum[n] : gsl_interp_eval(f, x, cum, a + 1.0, acc);
        /* Steffen keeps the curve monotone; rounding could still leave a -0 */
        out[a] = above > below ? above - below : 0;
        below = above;
    }
    for (size_t g = 0; g < n && !rc; g++)
        rescale_sum(out, bound[g], bound[g + 1], count[g]);
    if (acc) gsl_interp_accel_free(acc);
    if (f) gsl_interp_free(f);
    free(cum);
    free(x);
    return rc;
}

void split_rates(size_t n, const int *bound, const double *rate, double *out)
{
    for (size_t g = 0, seg = 0; g < n; g++) {
        for (int a = bound[g]; a < bound[g + 1]; a++) {
            double age = a + 0.5;
            if (n == 1) {
                out[a] = rate[0];
                continue;
            }
            /* the segment between midpoints seg and seg + 1 that holds `age`, or the
             * first or last segment beyond the ends */
            while (seg + 2 < n && age > 0.5 * (bound[seg + 1] + bound[seg + 2]))
                seg++;
            double x0 = 0.5 * (bound[seg] + bound[seg + 1]);
            double x1 = 0.5 * (bound[seg + 1] + bound[seg + 2]);
            double y0 = log(rate[seg]), y1 = log(rate[seg + 1]);
            out[a] = exp(y0 + (y1 - y0) * (age - x0) / (x1 - x0));
        }
        double mean_target = rate[g] * (bound[g + 1] - bound[g]);
        rescale_sum(out, bound[g], bound[g + 1], mean_target);
    }
}
