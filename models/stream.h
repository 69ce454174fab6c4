/* stream.h: the random streams of the projection, one per logical coordinate.
 *
 * Every draw comes from a counter-based generator (Random123's Philox4x64)
 * plugged into GSL as a gsl_rng_type, so any GSL sampler can use it. A stream
 * is named by its key (seed, path, region, year, driver); positioning a
 * generator on a key costs nothing and does not depend on what was drawn
 * before, by whom, or on which thread or rank. So a path, region, year and
 * driver always see the same numbers: across thread and rank counts, across
 * run sizes, and between a policy variant and its base.
 *
 * Usage: one gsl_rng per thread, from stream_alloc(); before a driver's step,
 * stream_seek(r, key); the step then draws from r with any GSL function. A
 * stream holds 2^64 blocks of four 64-bit words; a step uses a few of them. */
#ifndef FUNDSIM_STREAM_H
#define FUNDSIM_STREAM_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Which driver draws. The values are part of the stream key: never renumber
 * them (that would change every result); add new drivers at the end. */
enum stream_driver {
    DRIVER_ECONOMY = 1,
    DRIVER_COSTS = 2,
    DRIVER_MORTALITY = 3,
    DRIVER_FERTILITY = 4,
    DRIVER_MIGRATION = 5,
    DRIVER_POPULATION = 6,
    DRIVER_ENROLLMENT = 7,
    DRIVER_DISEASE = 8,
    DRIVER_UTILIZATION = 9,
    DRIVER_CLAIMS = 10,     /* the region-year's claims around their expectation (sim/claims.c) */
    DRIVER_PARAMETERS = 11, /* a path's long-run levels, once per path (models/parameters.h) */
};

/* The region of a stream shared by all regions of a path (the economy, the
 * national mortality index). */
#define STREAM_ALL_REGIONS UINT32_MAX

struct stream_key {
    uint64_t seed;
    uint64_t path;
    uint32_t region; /* index in the scenario, or STREAM_ALL_REGIONS */
    int32_t year;    /* calendar year */
    uint32_t driver; /* enum stream_driver */
};

/* A generator for stream_seek(); free it with gsl_rng_free(). NULL when out
 * of memory. */
gsl_rng *stream_alloc(void);

/* Positions `r` (from stream_alloc) at the start of the stream `key`. */
void stream_seek(gsl_rng *r, struct stream_key key);

#endif
