/* target.h: a safety target of `fundsim solve`, "P(depletion by 2035) <= 0.05",
 * parsed against a scenario, and what it means for one path.
 *
 * Grammar (keywords in any case, blanks anywhere between the parts):
 *   P(depletion by YEAR) OP PROB                   the province: balances summed over regions
 *   P(depletion by YEAR in REGION) OP PROB         REGION: a name, name_zh or code
 *   P(depletion by YEAR in any region) OP PROB     some region is depleted
 * with OP `<=` or `<` and 0 ≤ PROB < 1 (PROB > 0 with `<`). An entity is
 * depleted by YEAR when its balance is below 0 at the end of some year up to
 * YEAR. With N paths the target holds when at most target_allowed() of them are
 * depleted: floor(PROB·N) for `<=`, ceil(PROB·N) − 1 for `<` (P̂ < PROB). */
#ifndef FUNDSIM_TARGET_H
#define FUNDSIM_TARGET_H

#include "output/record.h"
#include "sim/config/scenario.h"

#include <stdbool.h>
#include <stddef.h>

struct diag;

enum target_entity { TARGET_PROVINCE, TARGET_REGION, TARGET_ANY_REGION };

struct target {
    int year;
    enum target_entity entity;
    size_t region; /* TARGET_REGION: index into s->regions */
    double probability;
    bool strict; /* `<` rather than `<=` */
};

/* Parses `text`; YEAR must lie in the scenario's horizon. Returns 0, or -1 with
 * what is wrong in `d` (DIAG_USAGE). */
int target_parse(const char *text, const struct scenario *s, struct target *t, struct diag *d);

/* The most paths out of `paths` that may be depleted while the target holds. */
size_t target_allowed(const struct target *t, size_t paths);

/* "P(depletion by 2035 in Zhengzhou)" ("截至 2035 年郑州市累计结余耗尽概率"):
 * the probability the target bounds, in `lang` (enum lang of output/terms.h). */
void target_describe(const struct target *t, const struct scenario *s, int lang, char *out,
                     size_t n_out);

/* The entity's lowest balance at the end of the years first_year .. last_year
 * (those inside the block) of path p of block b, whose first year is
 * start_year; for "any region" the lowest over the regions. The path is
 * depleted in those years when it is < 0. +INFINITY when no year is in range. */
double target_path_minimum(const struct record_block *b, size_t p, const struct target *t,
                           int start_year, int first_year, int last_year);

#endif
