/* engine.h: the Monte Carlo engine: one path of the projection, every year and
 * region, from the drivers to the fund's accounts.
 *
 * `struct engine` holds what is read-only for a run: the scenario's models and,
 * built once, the expected-payment tables of every distinct year of benefit
 * rules (models/benefit_table.h). `struct engine_work` holds one thread's
 * mutable state: a path's driver states, the tables' year views and a
 * generator. engine_path() runs a path into a record block; it draws every
 * random number from streams keyed by (seed, path, region, year, driver), so a
 * path's records depend on nothing but the scenario, the seed and the path
 * number: not on threads, ranks, blocks or the number of paths.
 *
 * Each year of a path (sim/engine.c shows the order):
 *   national: mortality, fertility, the economy and medical costs;
 *   the benefit tables' year views for the year's cost index and income;
 *   per region: population, enrollment (with the year's newborns), disease
 *   spectrum, utilization, then the financing rules, the claims on each payer
 *   (sim/claims.c), interest;
 *   the provincial adjustment fund, then each region's accounts are closed
 *   (sim/accounting.c). */
#ifndef FUNDSIM_ENGINE_H
#define FUNDSIM_ENGINE_H

#include "output/record.h"
#include "sim/config/scenario.h"

#include <stdint.h>

struct diag;
struct engine;
struct engine_work;

/* Builds the models and the benefit tables (in parallel on `threads` threads).
 * Returns NULL with the problem added to `d`: bad data, or memory. */
struct engine *engine_create(const struct scenario *s, int threads, struct diag *d);
void engine_free(struct engine *e);
/* engine_create, but a table that `donor` (NULL: none) has built from the same
 * rules, claim model, package and grid is the donor's, not built again; the
 * donor must outlive the engine. Results are those of engine_create. */
struct engine *engine_create_like(const struct scenario *s, int threads, const struct engine *donor,
                                  struct diag *d);

/* Reads the scenario's calibrated levels again (the regions' participation and
 * use of care, enrollment.employee_shift: the enrollment and utilization
 * models copy them when built; the opening balance and other income are read
 * as the paths run), so that `fundsim calibrate`'s rounds run one engine and
 * build its benefit tables once: they do not depend on the levels. Returns 0,
 * or -1 with a scenario problem in `d`. */
int engine_refresh_levels(struct engine *e, struct diag *d);

/* Holds exactly the driver groups of the mask `groups` (bits HOLD_BIT(enum
 * hold_group), models/hold.h; HOLD_NONE: none, as built) at their expected
 * path in the paths run from now on; the other groups' draws are unchanged.
 * Not while paths run. Returns 0, or -1 out of memory (a runtime entry in `d`). */
int engine_hold(struct engine *e, unsigned groups, struct diag *d);

/* The number of distinct benefit tables built (for messages). */
size_t engine_tables(const struct engine *e);

/* One thread's state. Returns NULL when out of memory. */
struct engine_work *engine_work_alloc(const struct engine *e);
void engine_work_free(struct engine_work *w);

/* Thread-seconds a work state has spent in each phase of its paths (for the
 * benchmark): the drivers (national and regional), the rules (financing, the
 * benefit tables' year views, claims) and the accounts (records, interest,
 * adjustment fund, closing). Read with a monotonic clock at each change of
 * phase, a few times per region-year: well under 0.1 % of the time. */
struct engine_times {
    double drivers_s, rules_s, accounting_s;
};
void engine_work_times(const struct engine_work *w, struct engine_times *out);

/* Runs path `path` of the run (0-based, any number) into row `row` of `b`. */
void engine_path(const struct engine *e, struct engine_work *w, uint64_t path,
                 struct record_block *b, size_t row);

#endif
