/* mortality.h: national mortality with stochastic improvement (Lee-Carter).
 *
 *   log m(x, t) = a(x) + b(x) k(t),   k(t) = k̄(t) + e(t) |drift|
 *
 * per sex, single years of age 0..100+ (the UN's groups split by
 * split_rates). a(x) is log m in the UN period that holds the start year (the
 * base); b(x) and a first median path k̄ are the first singular vectors of
 * log m(x, p) - a(x) over the UN periods after the base (the UN median
 * projection's decline), b normalized to sum 1, k̄ = 0 at the base period's
 * mid-year. When the scenario gives the UN median e0 by year, k̄ is re-fitted
 * year by year so that the life table of exp(a + b k̄(t)) has that e0 (Lee
 * and Miller 2001 re-fit k to e0); this removes the rank-one fit's and the
 * life-table method's bias (0.1 to 0.2 years). k̄ is linear between its knots
 * and extended beyond them by the nearest segment's slope. `drift` is its mean
 * yearly change between the first and last knots.
 *
 * e(t), the deviation in years of median improvement, is one random walk for
 * both sexes: e(start) ~ N(0, initial_volatility²) (the UN's uncertainty about
 * current mortality), e(t) = e(t-1) + volatility z(t). So k is a random walk
 * with drift k̄(t) - k̄(t-1). One draw per path and year, from the stream
 * (path, STREAM_ALL_REGIONS, year, DRIVER_MORTALITY). */
#ifndef FUNDSIM_MORTALITY_H
#define FUNDSIM_MORTALITY_H

#include "models/ages.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

struct scenario;
struct diag;
struct demography_year;

/* The fixed arrays of the median path: periods of the death rates from the
 * start, or years of the UN e0, at most (mortality_model_init refuses more,
 * naming the data file). */
#define MORTALITY_MAX_KNOTS 256

struct mortality_model {
    double a[N_SEXES][N_AGES], b[N_SEXES][N_AGES];
    /* the median path: the base period's and later periods' mid-years (2020-2025: 2022), or the
     * years of the UN e0 */
    size_t n_knots[N_SEXES];
    double knot_year[N_SEXES][MORTALITY_MAX_KNOTS];
    double knot_k[N_SEXES][MORTALITY_MAX_KNOTS];
    double drift[N_SEXES];                 /* mean yearly change of the median k */
    double volatility, initial_volatility; /* of e, years of median improvement */
    double improvement; /* multiplies the median k's change after start_year */
    int start_year;
};

struct mortality_state {
    double deviation; /* e(t), years of median improvement */
    int started;      /* 0 until the first step (the start year) */
};

/* Fits the model to the scenario's UN death rates. Returns 0, or -1 with the
 * problem added to `d`. */
int mortality_model_init(struct mortality_model *m, const struct scenario *s, struct diag *d);

/* The median index k̄ in `year` (linear between knots, extended by the
 * nearest segment's slope beyond them); after the start year, the change from
 * the start year's times the improvement multiplier. */
double mortality_median_k(const struct mortality_model *m, enum sex sex, int year);

/* The death rates m(x) = exp(a(x) + b(x) k). */
void mortality_rates(const struct mortality_model *m, enum sex sex, double k, double mx[N_AGES]);

/* The year's mortality part of `out` (k, e0, death probabilities) at the
 * deviation e = `deviation` from the median. */
void mortality_year(const struct mortality_model *m, double deviation, int year,
                    struct demography_year *out);

void mortality_state_init(struct mortality_state *st);

/* Draws the year's shock from `r` and fills the mortality part of `out`. Call
 * for the start year first, then year after year. */
void mortality_step(const struct mortality_model *m, struct mortality_state *st, int year,
                    gsl_rng *r, struct demography_year *out);

#endif
