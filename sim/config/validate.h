/* validate.h: checking a settings tree against the schema, and copying it into
 * the scenario structure.
 *
 * Checking reports every problem it finds (it does not stop at the first),
 * inserts the defaults of absent settings, and rewrites file names as absolute
 * paths. Extraction assumes a tree that passed the check. */
#ifndef FUNDSIM_VALIDATE_H
#define FUNDSIM_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag;
struct spec;
struct tree;

struct validate_check {
    struct diag *d;
    int start_year; /* for "no value in force" checks; 0 when unknown */
    bool partial;   /* overrides: nothing is required, no default is added */
};

/* Checks `t` (the setting described by `s`; for the root, s = &schema_table). */
void validate_setting(const struct validate_check *c, struct tree *t, const struct spec *s);
/* Checks the members of group `t` against the members of `s`. */
void validate_members(const struct validate_check *c, struct tree *t, const struct spec *s);
/* Copies the members of group `t` into the structure at `base`. */
void validate_extract_members(struct arena *a, const struct tree *t, const struct spec *s,
                              void *base);
/* Copies setting `t` (described by `s`, a member of the structure at `base`). */
void validate_extract_setting(struct arena *a, const struct tree *t, const struct spec *s,
                              void *base);
/* What a setting must be, for messages: "a number of yuan ≥ 0". */
void validate_describe_expected(const struct spec *s, char *buf, size_t size);

#endif
