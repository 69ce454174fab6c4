/* pools.h: which fund holds each region's money, year by year (the pooling
 * structure of pooling.mode and pooling.merges).
 *
 * Under city pooling a region has its own fund, until the year `from` of its
 * merge, when it joins the fund of the region with code `fund`; a chain of
 * merges ends at the fund of the last region in it (a county merged into a
 * prefecture that later joins another's fund follows it). Under
 * pooling.mode = "province" every region pools with the first region's fund
 * from the start: one fund for the province (统收统支), kept in the first
 * region's row. `fundsim check` has refused unknown codes and cycles
 * (sim/config/scenario.c), so every chain ends. The accounting of a merged
 * region is accounting_pool's (accounting.h). */
#ifndef FUNDSIM_POOLS_H
#define FUNDSIM_POOLS_H

#include "sim/config/scenario.h"

#include <stdbool.h>
#include <stddef.h>

struct pools {
    size_t n;
    bool any;   /* whether any region ever pools with another's fund */
    long *host; /* [n]: the region whose fund it joins, or -1 */
    int *from;  /* [n]: from this year (0: from the start) */
};

/* Reads the structure of scenario `s`. Returns 0, or -1 out of memory (then
 * *p holds nothing to free). */
int pools_init(struct pools *p, const struct scenario *s);
void pools_free(struct pools *p);

/* Whether any region of scenario `s` ever pools with another's fund
 * (pooling.mode = "province", or pooling.merges): then adjustment_paid and
 * adjustment_received are transfers between the province's own funds. */
bool pools_merged(const struct scenario *s);

/* The name of scenario `s`'s pooling in a file's `pooling` attribute
 * (output/h5out.h): "city", "adjustment_fund", "province", or "city_merges"
 * (city pooling with pooling.merges). */
const char *pools_name(const struct scenario *s);

/* Whether a file's `pooling` attribute names merged pools (pools_merged). */
bool pools_name_merged(const char *name);

/* The region whose fund holds region k's money in `year`: k itself unless it
 * has joined another's fund by then. */
size_t pools_fund(const struct pools *p, size_t k, int year);

#endif
