/* calibrate.c: the levels that reproduce a region's actual accounts (calibrate.h).
 *
 * The main data structure is `struct fit`: the scenario's own levels (restored
 * at the end), the levels of the round, and the means over the paths of each
 * line, region and year of the round's run (the history years S..L). Every
 * round runs the same paths with the same seed, so the means are a smooth,
 * deterministic function of the levels and the fixed-point steps settle. */
#include "sim/calibrate.h"

#include "output/record.h"
#include "sim/config/diag.h"
#include "sim/run.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const calibrate_line_names[CALIBRATE_LINES] = {"enrollees", "income", "expenditure",
                                                           "balance"};
static const int line_var[CALIBRATE_LINES] = {VAR_ENROLLEES, VAR_INCOME, VAR_EXPENDITURE,
                                              VAR_BALANCE};

double calibrate_actual(const struct actual *a, int line)
{
    switch (line) {
    case CALIBRATE_ENROLLEES:
        return a->enrollees;
    case CALIBRATE_INCOME:
        return a->income_yuan;
    case CALIBRATE_EXPENDITURE:
        return a->expenditure_yuan;
    default:
        return a->balance_yuan;
    }
}

/* The region's actual of `year`, or NULL. */
static const struct actual *actual_of(const struct region *g, int year)
{
    for (size_t j = 0; j < g->n_actuals; j++)
        if (g->actuals[j].year == year) return &g->actuals[j];
    return NULL;
}

/* Every path's figures of the arm's run into `out` (calibrate_simulate's layout). */
static void collect(struct run_arm *a, const struct scenario *s, double *out)
{
    size_t paths = (size_t)s->simulation.paths, years = (size_t)s->simulation.years;
    size_t regions = s->n_regions;
    for (size_t first = 0; first < paths; first += RECORD_BLOCK_PATHS) {
        size_t n = paths - first < RECORD_BLOCK_PATHS ? paths - first : RECORD_BLOCK_PATHS;
        const struct record_block *b = run_arm_block(a, first, n);
        for (size_t p = 0; p < n; p++)
            for (size_t y = 0; y < years; y++)
                for (size_t k = 0; k < regions; k++) {
                    const double *v = record_at(b, p, y, k);
                    for (int l = 0; l < CALIBRATE_LINES; l++)
                        out[((l * regions + k) * years + y) * paths + first + p] = v[line_var[l]];
                }
    }
}

int calibrate_simulate(const struct scenario *s, int threads, double *out, struct diag *d)
{
    struct run_arm *a = run_arm_create(s, threads, d);
    if (!a) return -1;
    collect(a, s, out);
    run_arm_free(a);
    return 0;
}

struct fit {
    struct scenario *s;
    const struct calibrate_options *o;
    struct calibrate_result *r;
    size_t paths, years, regions;
    struct run_arm *arm; /* built at the first round; its levels refreshed at each */
    double *values;      /* every path's figures (calibrate_simulate) */
    double *mean;        /* [line][region][year]: the round's means */
    double *before;      /* the first round's */
    /* the trend, per region: the previous round's participation_trend and gap
     * (NAN: none) */
    double *trend_x, *trend_g;
};

static double *mean_at(const struct fit *f, double *m, int line, size_t k, int year)
{
    return &m[(line * f->regions + k) * f->years + (size_t)(year - f->r->start_year)];
}

/* Puts the round's levels into the scenario. */
static void put_levels(struct fit *f)
{
    for (size_t k = 0; k < f->regions; k++) {
        const struct calibrate_levels *l = &f->r->levels[k];
        struct region *g = &f->s->regions[k];
        g->participation_change = l->participation_scale - 1;
        g->use_change = l->use_scale - 1;
        g->extra_other_income_yuan = l->other_income_yuan;
        g->opening_balance_yuan = l->opening_balance_yuan;
        g->participation_trend = l->participation_trend;
    }
}

/* Runs the round and fills f->mean. Returns 0 or -1. */
static int run_round(struct fit *f, struct diag *d)
{
    put_levels(f);
    if (!f->arm) {
        if (!(f->arm = run_arm_create(f->s, f->o->threads, d))) return -1;
    } else if (run_arm_refresh_levels(f->arm, d) != 0) {
        return -1;
    }
    collect(f->arm, f->s, f->values);
    size_t cells = CALIBRATE_LINES * f->regions * f->years;
    for (size_t c = 0; c < cells; c++) {
        double sum = 0;
        for (size_t p = 0; p < f->paths; p++)
            sum += f->values[c * f->paths + p];
        f->mean[c] = sum / (double)f->paths;
    }
    return 0;
}

/* The relative gap of a line: (model - actual) / actual; a balance's relative
 * to the larger of the actual balance and the year's expenditure, as a balance
 * near 0 makes a relative gap meaningless. */
static double gap(const struct fit *f, const double *m, size_t k, int year, int line, double a)
{
    double model = *mean_at(f, (double *)m, line, k, year);
    double scale = fabs(a);
    if (line == CALIBRATE_BALANCE) {
        double x = *mean_at(f, (double *)m, CALIBRATE_EXPENDITURE, k, year);
        if (fabs(x) > scale) scale = fabs(x);
    }
    return scale > 0 ? (model - a) / scale : model - a;
}

/* Region k's trend gap: log of the model's ratio of enrollees L/F minus the
 * actual one's. */
static double trend_gap(const struct fit *f, size_t k)
{
    const struct calibrate_levels *l = &f->r->levels[k];
    const struct region *g = &f->s->regions[k];
    double m0 = *mean_at(f, f->mean, CALIBRATE_ENROLLEES, k, l->trend_first_year);
    double m1 = *mean_at(f, f->mean, CALIBRATE_ENROLLEES, k, l->last_year);
    return log(m1 / m0) - log(actual_of(g, l->last_year)->enrollees /
                              actual_of(g, l->trend_first_year)->enrollees);
}

/* The largest relative gap of a fitted line, the trend's included. */
static double worst_gap(const struct fit *f)
{
    double worst = 0;
    for (size_t k = 0; k < f->regions; k++) {
        const struct calibrate_levels *l = &f->r->levels[k];
        if (!l->last_year) continue;
        const struct actual *a = actual_of(&f->s->regions[k], l->last_year);
        for (int line = 0; line < CALIBRATE_LINES; line++)
            if (l->fitted[line])
                worst = fmax(
                    worst, fabs(gap(f, f->mean, k, l->last_year, line, calibrate_actual(a, line))));
        if (l->trend_first_year) worst = fmax(worst, fabs(trend_gap(f, k)));
    }
    return worst;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* One fixed-point step of every level from the round's means. */
static void step_levels(struct fit *f)
{
    for (size_t k = 0; k < f->regions; k++) {
        struct calibrate_levels *l = &f->r->levels[k];
        if (!l->last_year) continue;
        const struct actual *a = actual_of(&f->s->regions[k], l->last_year);
        double m[CALIBRATE_LINES];
        for (int line = 0; line < CALIBRATE_LINES; line++)
            m[line] = *mean_at(f, f->mean, line, k, l->last_year);
        if (l->fitted[CALIBRATE_ENROLLEES] && m[CALIBRATE_ENROLLEES] > 0)
            l->participation_scale =
                clamp(l->participation_scale * a->enrollees / m[CALIBRATE_ENROLLEES], 1e-3, 10);
        if (l->fitted[CALIBRATE_EXPENDITURE] && m[CALIBRATE_EXPENDITURE] > 0)
            l->use_scale =
                clamp(l->use_scale * a->expenditure_yuan / m[CALIBRATE_EXPENDITURE], 1e-3, 10);
        if (l->fitted[CALIBRATE_INCOME] && m[CALIBRATE_ENROLLEES] > 0)
            l->other_income_yuan =
                clamp(l->other_income_yuan +
                          (a->income_yuan - m[CALIBRATE_INCOME]) / m[CALIBRATE_ENROLLEES],
                      -1e5, 1e5);
        /* the balance moves with the opening one almost one for one (the interest
         * of a few years on it aside) */
        if (l->fitted[CALIBRATE_BALANCE])
            l->opening_balance_yuan += a->balance_yuan - m[CALIBRATE_BALANCE];
        if (!l->trend_first_year) continue;
        /* A secant on the trend's gap; the first step from the response of the
         * ordinary enrollees to their log-odds, (1 - p) of them, p about 0.9,
         * and about 0.6 of the enrollees ordinary: 0.06 a year of the trend. */
        double x = l->participation_trend, g = trend_gap(f, k);
        double slope = 0.06 * (l->last_year - l->trend_first_year);
        if (!isnan(f->trend_x[k]) && x != f->trend_x[k]) {
            double s = (g - f->trend_g[k]) / (x - f->trend_x[k]);
            if (isfinite(s) && s > 0) slope = s;
        }
        f->trend_x[k] = x;
        f->trend_g[k] = g;
        l->participation_trend = clamp(x - g / slope, -1, 1);
    }
}

/* What each region fits, the trend's years, the result's levels from the
 * scenario's. Returns 0, or -1 with a scenario problem in `d`. */
static int plan(struct fit *f, const char *file, struct diag *d)
{
    struct scenario *s = f->s;
    struct calibrate_result *r = f->r;
    int start = s->simulation.start_year;
    int through = f->o->through_year ? f->o->through_year : INT_MAX;
    r->start_year = start;
    int latest_before = 0;
    for (size_t k = 0; k < s->n_regions; k++) {
        const struct region *g = &s->regions[k];
        struct calibrate_levels *l = &r->levels[k];
        l->participation_scale = 1 + g->participation_change;
        l->use_scale = 1 + g->use_change;
        l->other_income_yuan = g->extra_other_income_yuan;
        l->opening_balance_yuan = g->opening_balance_yuan;
        l->participation_trend = g->participation_trend;
        int first = 0; /* the first actual year with enrollees from S on */
        for (size_t j = 0; j < g->n_actuals; j++) {
            const struct actual *a = &g->actuals[j];
            if (a->year > through) continue;
            if (a->year < start) {
                if (a->year > latest_before) latest_before = a->year;
                continue;
            }
            l->last_year = a->year;
            if (!first && !isnan(a->enrollees) && a->enrollees > 0) first = a->year;
        }
        if (l->last_year > r->last_year) r->last_year = l->last_year;
        if (l->last_year) {
            const struct actual *a = actual_of(g, l->last_year);
            for (int line = 0; line < CALIBRATE_LINES; line++)
                l->fitted[line] = !isnan(calibrate_actual(a, line));
            if (first && first < l->last_year && a->enrollees > 0) {
                l->trend_first_year = first;
                r->trend = true;
            }
        }
    }
    if (!r->last_year) {
        if (latest_before)
            diag_path(d, "regions.actuals", file, 0,
                      "the actuals end in %d, before simulation.start_year (%d): the run starts "
                      "from the inputs' year and goes through the actual years; set the start "
                      "year at or before the last actual year",
                      latest_before, start);
        else
            diag_path(d, "regions.actuals", file, 0,
                      "no region has actuals%s: nothing to calibrate (give each region's "
                      "published accounts, regions[].actuals)",
                      f->o->through_year ? " up to the year asked" : "");
        return -1;
    }
    return 0;
}

/* The fit's table: every actual from S to the region's last fitted year. */
static int make_rows(struct fit *f, struct diag *d)
{
    struct calibrate_result *r = f->r;
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        for (size_t k = 0; k < f->regions; k++) {
            const struct region *g = &f->s->regions[k];
            const struct calibrate_levels *l = &r->levels[k];
            for (size_t j = 0; j < g->n_actuals; j++) {
                const struct actual *a = &g->actuals[j];
                if (a->year < r->start_year || a->year > l->last_year) continue;
                for (int line = 0; line < CALIBRATE_LINES; line++) {
                    double v = calibrate_actual(a, line);
                    if (isnan(v)) continue;
                    if (pass == 1)
                        r->rows[n] = (struct calibrate_row){
                            .region = k,
                            .year = a->year,
                            .line = line,
                            .actual = v,
                            .before = *mean_at(f, f->before, line, k, a->year),
                            .after = *mean_at(f, f->mean, line, k, a->year),
                            .fitted = (a->year == l->last_year && l->fitted[line]) ||
                                      (line == CALIBRATE_ENROLLEES &&
                                       a->year == l->trend_first_year),
                        };
                    n++;
                }
            }
        }
        if (pass == 0 && !(r->rows = calloc(n + 1, sizeof *r->rows))) {
            diag_fail(d, "out of memory");
            return -1;
        }
    }
    r->n_rows = n;
    return 0;
}

int calibrate_fit(struct scenario *s, const struct calibrate_options *o, struct calibrate_result *r,
                  struct diag *d)
{
    *r = (struct calibrate_result){0};
    struct fit f = {.s = s, .o = o, .r = r, .regions = s->n_regions};
    int saved_years = s->simulation.years;
    long long saved_paths = s->simulation.paths;
    int saved_history = s->calibration.history_end_year;
    struct calibrate_levels *saved = calloc(s->n_regions + 1, sizeof *saved);
    r->levels = calloc(s->n_regions + 1, sizeof *r->levels);
    f.trend_x = calloc(s->n_regions + 1, sizeof *f.trend_x);
    f.trend_g = calloc(s->n_regions + 1, sizeof *f.trend_g);
    int status = -1;
    if (!saved || !r->levels || !f.trend_x || !f.trend_g) {
        diag_fail(d, "out of memory");
        goto done;
    }
    if (plan(&f, o->file, d) != 0) goto done;
    for (size_t k = 0; k < s->n_regions; k++) {
        saved[k] = r->levels[k];
        f.trend_x[k] = f.trend_g[k] = NAN;
    }
    /* the trends run to L in the fit's runs as in the variant's */
    s->calibration.history_end_year = r->last_year;

    /* The scenario's own horizon at least: the benefit tables' grid spans the
     * cost indices of every year run, so a shorter run would give the history
     * years slightly other expected payments than `fundsim run` does. */
    f.years = (size_t)(r->last_year - r->start_year + 1);
    if ((size_t)saved_years > f.years) f.years = (size_t)saved_years;
    f.paths = o->paths;
    s->simulation.years = (int)f.years;
    s->simulation.paths = (long long)f.paths;
    size_t cells = CALIBRATE_LINES * f.regions * f.years;
    f.values = malloc(cells * f.paths * sizeof *f.values);
    f.mean = malloc(cells * sizeof *f.mean);
    f.before = malloc(cells * sizeof *f.before);
    if (!f.values || !f.mean || !f.before) {
        diag_fail(d, "out of memory");
        goto restore;
    }
    double tolerance = o->tolerance > 0 ? o->tolerance : 1e-4;
    int max_rounds = o->max_rounds > 0 ? o->max_rounds : 40;
    for (r->rounds = 1;; r->rounds++) {
        if (run_round(&f, d) != 0) goto restore;
        if (r->rounds == 1) memcpy(f.before, f.mean, cells * sizeof *f.mean);
        r->worst_gap = worst_gap(&f);
        if (!isfinite(r->worst_gap)) {
            diag_fail(d, "the model's expected figures of the actual years are not finite (a "
                         "region without enrollees?): nothing to fit");
            goto restore;
        }
        say_text(&o->say, SAY_NOTE, "round %d: largest gap %.4f %%", r->rounds, 100 * r->worst_gap);
        if (r->worst_gap <= tolerance || r->rounds == max_rounds) break;
        step_levels(&f);
    }
    status = make_rows(&f, d);
restore:
    s->simulation.years = saved_years;
    s->simulation.paths = saved_paths;
    s->calibration.history_end_year = saved_history;
    for (size_t k = 0; k < s->n_regions; k++) {
        struct region *g = &s->regions[k];
        g->participation_trend = saved[k].participation_trend;
        g->participation_change = saved[k].participation_scale - 1;
        g->use_change = saved[k].use_scale - 1;
        g->extra_other_income_yuan = saved[k].other_income_yuan;
        g->opening_balance_yuan = saved[k].opening_balance_yuan;
    }
done:
    run_arm_free(f.arm);
    free(saved);
    free(f.values);
    free(f.mean);
    free(f.before);
    free(f.trend_x);
    free(f.trend_g);
    if (status != 0) calibrate_result_free(r);
    return status;
}

void calibrate_result_free(struct calibrate_result *r)
{
    free(r->levels);
    free(r->rows);
    *r = (struct calibrate_result){0};
}

void calibrate_apply(struct scenario *s, const struct calibrate_result *r)
{
    for (size_t k = 0; k < s->n_regions; k++) {
        const struct calibrate_levels *l = &r->levels[k];
        struct region *g = &s->regions[k];
        g->participation_change = l->participation_scale - 1;
        g->use_change = l->use_scale - 1;
        g->extra_other_income_yuan = l->other_income_yuan;
        g->opening_balance_yuan = l->opening_balance_yuan;
        g->participation_trend = l->participation_trend;
    }
    s->calibration.history_end_year = r->last_year;
}
