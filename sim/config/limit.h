/* limit.h: the limits of the scenario language, each named once, with what
 * it protects and where it is enforced (as Lua's luaconf.h names its own).
 *
 * A limit that the schema (schema.c) enforces is the very constant that the
 * models size their arrays with, so that the two cannot drift apart: the
 * loader refuses a scenario beyond it with the file, line and setting, and
 * exit status 2, before anything runs; a model never meets one. Where two
 * limits must agree, a _Static_assert next to the code that relies on it says
 * so. README.md ("Reliability and limits") gives them to the user: change
 * both together.
 *
 * This header is the bottom layer's (sim/config): models/ and output/ include
 * it, never the other way. */
#ifndef FUNDSIM_LIMIT_H
#define FUNDSIM_LIMIT_H

/* ---- the files ---- */

/* A scenario file with the files it @includes, in bytes, and each file's
 * lines: no input may exhaust memory or time (tree.c, on reading). */
#define LIMIT_FILE_BYTES (4 << 20)
#define LIMIT_FILE_LINES 65535
/* The entries of one group, list or array, and how deep they nest: libconfig
 * grows a list 16 entries at a time and checks each new setting's name against
 * its whole group, so a file of 300,000 regions took half a minute to parse
 * only to be refused (tree.c counts them first, before libconfig reads). No
 * scenario needs more: the longest list, regions, holds LIMIT_REGIONS. */
#define LIMIT_ENTRIES 10000
#define LIMIT_NESTING 32
/* @include nesting: libconfig 1.5's own limit, checked again by tree.c so
 * that every included file is read and checked the same way. */
#define LIMIT_INCLUDE_DEPTH 10
/* Variants stacked on one another (a variant's base a variant, ...): the
 * chain of real paths that refuses a loop (scenario.c's read_chain). */
#define LIMIT_VARIANT_DEPTH 16
/* Age groups in a UN data file (wpp.c, on reading: its buffers). */
#define LIMIT_DATA_AGE_GROUPS 200

/* ---- the scenario ---- */

/* Pooling regions: the schema's `regions` (max_count). A run's file holds
 * arrays of years x regions x quantiles (output/h5probe.c reads the largest). */
#define LIMIT_REGIONS 1000
/* Projected years: the schema's simulation.years. */
#define LIMIT_YEARS 200
/* Quantile levels: the schema's simulation.quantiles (max_count). */
#define LIMIT_QUANTILES 99
/* Disease conditions: the schema's disease.conditions and policy.conditions
 * (max_count, and each benefit names a condition). The models keep per
 * condition fixed arrays of this size (models/disease.h, models/benefits.h,
 * models/benefit_table.h, sim/engine.c, sim/claims.c). */
#define LIMIT_CONDITIONS 64
/* Bands of serious-illness insurance in one year's rules: the schema's
 * policy.serious_illness.ratio_bands (max_count). The benefit tables write
 * serious illness and assistance as piecewise-linear functions of at most
 * MAX_KINKS kinks each (models/benefit_table.c asserts that they fit). */
#define LIMIT_SERIOUS_BANDS 28
/* The oldest age: the models' cells are the single years 0 .. LIMIT_OLDEST_AGE,
 * the last for that age and over (models/ages.h: N_AGES = LIMIT_OLDEST_AGE +
 * 1). Every age a scenario gives is at most this: an age table's keys
 * (validate.c), a region's age_structure (the schema: its ages, and at most
 * LIMIT_OLDEST_AGE + 1 groups), the open group of the age structure's and the
 * death rates' data files and the end of the fertility pattern's (scenario.c). */
#define LIMIT_OLDEST_AGE 100

/* ---- the command line ---- */

/* Paths of a run, and the path numbers of a slice (--paths-from, --paths-to):
 * the schema's simulation.paths, and sim/cli/cmd_run.c. A path number is a
 * stream's 64-bit key (models/stream.h); this bounds the run's size. */
#define LIMIT_PATHS 1000000000000LL

#endif
