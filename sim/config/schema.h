/* schema.h: the description of every scenario setting.
 *
 * One table (schema.c) says, for each setting, its type, unit, allowed range,
 * default, source notice, meaning, and where it lands in `struct scenario`.
 * The same table drives validation (validate.c), defaults, extraction into the
 * structure, and the settings reference in scenarios/README.md
 * (`fundsim settings --markdown`), so the four cannot drift apart. */
#ifndef FUNDSIM_SCHEMA_H
#define FUNDSIM_SCHEMA_H

#include <stddef.h>
#include <stdio.h>

enum spec_kind {
    SPEC_GROUP,    /* { ... } with the settings in `kids` */
    SPEC_LIST,     /* ( {..}, {..} ): each element a group of `kids` */
    SPEC_MAP,      /* { key = {..}; ... }: user-chosen keys, each a group of `kids` */
    SPEC_INT,      /* integer */
    SPEC_NUMBER,   /* number (an integer is accepted) */
    SPEC_STRING,   /* string */
    SPEC_ENUM,     /* one of `choices` */
    SPEC_FILE,     /* path of a readable file, relative to the file that names it */
    SPEC_NUMBERS,  /* [ n, n, ... ] */
    SPEC_INTS,     /* [ i, i, ... ] */
    SPEC_TIMELINE, /* a number, or ((year, number), ...) with increasing years */
    SPEC_AGES,     /* a number, or ((age, number), ...) from age 0, increasing */
    SPEC_BANDS,    /* ((amount, number), ...) from amount 0, increasing */
    SPEC_EVENTS,   /* ((year, number), ...), possibly empty, increasing years */
};

enum spec_flag {
    SPEC_OPTIONAL = 1 << 0,   /* may be absent, and has no default */
    SPEC_INHERIT = 1 << 1,    /* unit, range, source and doc come from the parent group */
    SPEC_SUM_TO_ONE = 1 << 2, /* group: its numbers are shares that sum to 1 */
    SPEC_SUM_AT_MOST_ONE = 1 << 3,
    SPEC_INCREASING = 1 << 4, /* numbers, ints: strictly increasing */
    SPEC_MIN_OPEN = 1 << 5,   /* the minimum itself is not allowed */
    SPEC_MAX_OPEN = 1 << 6,
    SPEC_CUSTOM = 1 << 7, /* checked by the schema, extracted by hand (scenario.c) */
    SPEC_POLICY = 1 << 8, /* the region's policy overrides: `kids` with every setting optional */
    SPEC_WIDE = 1 << 9,   /* int: lands in a long long, not an int */
};

struct spec {
    const char *name;
    enum spec_kind kind;
    const char *unit;   /* "yuan", "share", "persons", "years", ... or NULL */
    double min, max;    /* allowed range of the value (or of each element) */
    const char *dflt;   /* default, in libconfig syntax; NULL when required or optional */
    const char *source; /* the notice (000-004), data source, or "assumed" */
    const char *doc;
    unsigned flags;
    const struct spec *kids;     /* group, list and map: the members; ends with {0} */
    const char *const *choices;  /* enum: the allowed strings; ends with NULL */
    size_t offset;               /* where the value lands in the parent's structure */
    size_t count_offset;         /* list, map: where the element count lands */
    size_t elem_size;            /* list, map: size of one element's structure */
    size_t min_count, max_count; /* list, map, numbers, bands: allowed number of elements */
};

/* The top of the scenario: its members are the file's top-level settings. */
extern const struct spec schema_table;

/* The spec of a member of `group` called `name`, or NULL. */
const struct spec *schema_member(const struct spec *group, const char *name);
/* Writes the settings reference (markdown when `markdown`, else plain text). */
void schema_document(FILE *out, int markdown);

#endif
