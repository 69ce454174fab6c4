/* tree.h: a scenario as a tree of settings, each remembering where it was written.
 *
 * libconfig parses the text; this tree is what the rest of the loader works on,
 * because it needs what libconfig does not give: merging a variant onto its
 * base (a group merges key by key; a list, an array or a scalar replaces),
 * settings that come from the command line or from defaults with their own
 * origin, and a printer whose output libconfig reads back to the same values
 * (floats in shortest round-trip form). */
#ifndef FUNDSIM_TREE_H
#define FUNDSIM_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct diag;

enum tree_kind { TREE_GROUP, TREE_LIST, TREE_ARRAY, TREE_INT, TREE_FLOAT, TREE_STRING, TREE_BOOL };

struct tree {
    enum tree_kind kind;
    char *name; /* setting name; NULL for the elements of a list or an array */
    char *file; /* origin: a file path, "--set ...", or "default" */
    int line;   /* line in `file`, 0 when the origin is not a file */
    long long i;
    double f;
    char *s;
    bool b;
    struct tree **kids;
    size_t n, cap;
    struct tree *parent;
};

/* Out of memory, the functions that allocate return NULL, false or -1 and
 * leave their arguments valid (to be freed as usual). */
struct tree *tree_new(enum tree_kind kind, const char *name, const char *file, int line);
void tree_free(struct tree *t);
struct tree *tree_copy(const struct tree *t);
/* Appends `kid` (NULL: returns false); false when out of memory, `kid` then
 * still the caller's. */
bool tree_append(struct tree *parent, struct tree *kid);
/* Removes `kid` from its parent and frees it. */
void tree_delete(struct tree *kid);
struct tree *tree_child(const struct tree *group, const char *name);
/* Merges `overlay` (a group) into `base` (a group): groups merge by name, any
 * other setting replaces the one of the same name. `overlay` is not changed.
 * Returns 0, or -1 when out of memory (`base` then merged in part). */
int tree_merge(struct tree *base, const struct tree *overlay);

bool tree_is_number(const struct tree *t);
bool tree_is_scalar(const struct tree *t);
double tree_number(const struct tree *t);
const char *tree_kind_name(const struct tree *t);
/* "policy.outpatient.annual_cap_yuan[2]"; the caller frees it. NULL when out of memory. */
char *tree_path(const struct tree *t);
/* A value as it would be written in the file, for messages: "-300", "\"abc\"". */
void tree_value_text(const struct tree *t, char *buf, size_t size);

/* Reads a scenario file. On failure returns NULL and adds the reason to `d`
 * (d->no_memory when memory ran out). */
struct tree *tree_read_file(const char *path, struct diag *d);
/* Parses the value of a `--set key=value` ("300.0", "((2024, 600.0))"); an
 * integer beyond 32 bits is read as a 64-bit one, with or without the L that
 * libconfig wants in a file. Fails as tree_read_file does. */
struct tree *tree_read_value(const char *text, const char *origin, struct diag *d);
/* Writes the tree's settings in libconfig syntax. */
void tree_print(FILE *out, const struct tree *root);

/* Limits on what is read, so that no input can exhaust memory or time: a
 * file's bytes (with its includes) and lines, the entries of one group, list
 * or array, and how deep they nest. */
enum {
    TREE_MAX_FILE_BYTES = 4 << 20,
    TREE_MAX_LINES = 65535,
    TREE_MAX_ENTRIES = 10000,
    TREE_MAX_DEPTH = 32
};

#endif
