/* fertility.h: national fertility with a stochastic TFR around the UN median.
 *
 *   TFR(t) = max(TFR_UN(t) + d(t), 0.1),   ASFR(x, t) = TFR(t) × pattern(x, t)
 *
 * d(t) is an AR(1) deviation in children per woman: d(start) ~
 * N(0, initial_volatility²) (the UN's uncertainty about current fertility),
 * d(t) = persistence d(t-1) + volatility z(t). The deviation is in the TFR
 * itself, not its log, because the UN's 80 % and 95 % intervals are nearly
 * symmetric in the TFR (2050: 1.39 -0.33 +0.31 and -0.53 +0.44). The floor of
 * 0.1 only guards the sign. pattern(x, t): the UN's share of the TFR by
 * mother's 5-year group, split into single years (split_counts), linear in
 * time between the periods' mid-years. The share of boys among births comes
 * from the UN sex ratio at birth s: s / (1 + s). One draw per path and year,
 * from the stream (path, STREAM_ALL_REGIONS, year, DRIVER_FERTILITY). */
#ifndef FUNDSIM_FERTILITY_H
#define FUNDSIM_FERTILITY_H

#include "models/ages.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

struct scenario;
struct diag;
struct demography_year;

/* The fixed arrays of the model: UN periods of the fertility pattern, and
 * years of the TFR and sex-ratio series, at most (fertility_model_init refuses
 * more, naming the data file: the loader does not bound a file's columns). */
#define FERTILITY_MAX_PERIODS 64
#define FERTILITY_MAX_YEARS 512
#define FERTILITY_TFR_FLOOR 0.1

/* A series by year; before its first year the first value holds, after its
 * last the last. */
struct fertility_series {
    int first_year;
    size_t n;
    double value[FERTILITY_MAX_YEARS];
};

struct fertility_model {
    size_t n_periods;
    double period_year[FERTILITY_MAX_PERIODS];          /* mid-year of each UN period */
    double pattern[FERTILITY_MAX_PERIODS][N_AGES];      /* share of the TFR at age x, sums to 1 */
    struct fertility_series tfr, sex_ratio;             /* UN median TFR; males per female */
    double volatility, persistence, initial_volatility; /* of d, children per woman */
    double shift;   /* added to the median from start_year on, children per woman */
    int start_year;
};

struct fertility_state {
    double deviation; /* d(t), children per woman */
    int started;      /* 0 until the first step (the start year) */
};

/* From the scenario's UN tables. Returns 0, or -1 with the problem added to `d`. */
int fertility_model_init(struct fertility_model *m, const struct scenario *s, struct diag *d);

double fertility_series_at(const struct fertility_series *s, int year);

/* The year's fertility part of `out` (TFR, ASFR, share of boys) at the
 * deviation d = `deviation` from the median TFR. */
void fertility_year(const struct fertility_model *m, double deviation, int year,
                    struct demography_year *out);

void fertility_state_init(struct fertility_state *st);

/* Draws the year's shock from `r` and fills the fertility part of `out`. Call
 * for the start year first, then year after year. */
void fertility_step(const struct fertility_model *m, struct fertility_state *st, int year,
                    gsl_rng *r, struct demography_year *out);

#endif
