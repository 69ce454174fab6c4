/* validate.c: the schema walk (see validate.h).
 *
 * Members flagged SPEC_INHERIT (the per-level and per-category members) take
 * their unit, range, default and source from the group that holds them; the
 * walk passes that group down as `owner`. */
#include "sim/config/validate.h"

#include "sim/config/arena.h"
#include "sim/config/diag.h"
#include "sim/config/limit.h"
#include "sim/config/scenario.h"
#include "sim/config/schema.h"
#include "sim/config/step.h"
#include "sim/config/tree.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The years a dated entry (a timeline's, an event's) may name: any a projection
 * needs, and few enough to catch a slip of the keyboard (20224). */
enum { TIMELINE_FIRST_YEAR = 1900, TIMELINE_LAST_YEAR = 2300 };

/* The spec with inherited fields filled in from the owning group. */
static struct spec effective(const struct spec *s, const struct spec *owner)
{
    struct spec e = *s;
    if ((s->flags & SPEC_INHERIT) && owner) {
        e.unit = owner->unit;
        e.min = owner->min;
        e.max = owner->max;
        e.dflt = owner->dflt;
        e.source = owner->source;
        e.flags |= owner->flags & (SPEC_MIN_OPEN | SPEC_MAX_OPEN);
    }
    return e;
}

static const char *article(const char *word)
{
    return strchr("aeiou", word[0]) ? "an" : "a";
}

static bool is_named_quantity(const char *unit)
{
    static const char *const words[] = {"share",       "probability", "rate",       "coefficient",
                                        "correlation", "elasticity",  "multiplier", NULL};
    for (int k = 0; words[k]; k++)
        if (strcmp(unit, words[k]) == 0) return true;
    return false;
}

/* Every limit is stated, 1e300 too: a number beyond it is refused (in_range). */
static void describe_range(const struct spec *s, char *buf, size_t size)
{
    bool lo = isfinite(s->min), hi = isfinite(s->max);
    const char *lo_sym = (s->flags & SPEC_MIN_OPEN) ? ">" : "≥";
    const char *hi_sym = (s->flags & SPEC_MAX_OPEN) ? "<" : "≤";
    if (lo && hi)
        snprintf(buf, size, " in %s%g, %g%s", (s->flags & SPEC_MIN_OPEN) ? "(" : "[", s->min,
                 s->max, (s->flags & SPEC_MAX_OPEN) ? ")" : "]");
    else if (lo)
        snprintf(buf, size, " %s %g", lo_sym, s->min);
    else if (hi)
        snprintf(buf, size, " %s %g", hi_sym, s->max);
    else
        buf[0] = '\0';
}

/* "a number of yuan ≥ 0", "a share in [0, 1]", "an integer in [1, 200]" */
static void describe_value(const struct spec *s, bool integer, char *buf, size_t size)
{
    char range[96];
    describe_range(s, range, sizeof range);
    const char *u = s->unit;
    if (integer && u && strcmp(u, "year") == 0)
        snprintf(buf, size, "a year%s", range);
    else if (integer)
        snprintf(buf, size, "%s%s%s", u ? "a whole number of " : "an integer", u ? u : "", range);
    else if (!u)
        snprintf(buf, size, "a number%s", range);
    else if (is_named_quantity(u))
        snprintf(buf, size, "%s %s%s", article(u), u, range);
    else
        snprintf(buf, size, "a number of %s%s", u, range);
}

void validate_describe_expected(const struct spec *s, char *buf, size_t size)
{
    char v[160];
    switch (s->kind) {
    case SPEC_GROUP:
        snprintf(buf, size, "a group { ... }");
        return;
    case SPEC_LIST:
        snprintf(buf, size, "a list ( {...}, ... ) of groups");
        return;
    case SPEC_MAP:
        snprintf(buf, size, "a group of named groups { name = {...}; ... }");
        return;
    case SPEC_INT:
        describe_value(s, true, buf, size);
        return;
    case SPEC_NUMBER:
        describe_value(s, false, buf, size);
        return;
    case SPEC_STRING:
        snprintf(buf, size, "a string");
        return;
    case SPEC_FILE:
        snprintf(buf, size, "a file name (a string)");
        return;
    case SPEC_ENUM: {
        size_t used = (size_t)snprintf(buf, size, "one of");
        for (int k = 0; s->choices[k] && used < size; k++)
            used +=
                (size_t)snprintf(buf + used, size - used, "%s \"%s\"", k ? "," : "", s->choices[k]);
        return;
    }
    case SPEC_NUMBERS:
        describe_value(s, false, v, sizeof v);
        snprintf(buf, size, "an array [ ... ] of %s", strncmp(v, "a ", 2) == 0 ? v + 2 : v);
        return;
    case SPEC_INTS:
        snprintf(buf, size, "an array [ ... ] of integers");
        return;
    case SPEC_TIMELINE:
        describe_value(s, false, v, sizeof v);
        snprintf(buf, size, "%s, or a list ((year, value), ...)", v);
        return;
    case SPEC_AGES:
        describe_value(s, false, v, sizeof v);
        snprintf(buf, size, "%s, or a list ((age, value), ...) from age 0", v);
        return;
    case SPEC_BANDS:
        describe_value(s, false, v, sizeof v);
        snprintf(buf, size, "a list ((from_yuan, value), ...) from 0, each value %s", v);
        return;
    case SPEC_EVENTS:
        describe_value(s, false, v, sizeof v);
        snprintf(buf, size, "a list ((year, value), ...), each value %s", v);
        return;
    }
}

static bool in_range(const struct spec *s, double x)
{
    if (!isfinite(x)) return false;
    if ((s->flags & SPEC_MIN_OPEN) ? x <= s->min : x < s->min) return false;
    if ((s->flags & SPEC_MAX_OPEN) ? x >= s->max : x > s->max) return false;
    return true;
}

static void wrong(const struct validate_check *c, const struct tree *t, const struct spec *s)
{
    char want[256], got[96];
    validate_describe_expected(s, want, sizeof want);
    tree_value_text(t, got, sizeof got);
    diag_at(c->d, t, "expected %s, got %s", want, got);
}

/* A number in range, or a complaint about `at` (the setting or the pair that holds it). */
static bool check_number(const struct validate_check *c, const struct tree *t,
                         const struct tree *at, const struct spec *s, bool integer)
{
    bool ok = integer ? t->kind == TREE_INT : tree_is_number(t);
    if (ok && in_range(s, tree_number(t))) return true;
    char want[160], got[96];
    describe_value(s, integer, want, sizeof want);
    tree_value_text(t, got, sizeof got);
    diag_at(c->d, at, "expected %s, got %s", want, got);
    return false;
}

static bool is_sequence(const struct tree *t)
{
    return t->kind == TREE_LIST || t->kind == TREE_ARRAY;
}

/* Timelines, age tables, bands and events: a list of (key, value) pairs. */
static void check_pairs(const struct validate_check *c, struct tree *t, const struct spec *s)
{
    const char *key_name = s->kind == SPEC_AGES ? "age" : s->kind == SPEC_BANDS ? "amount" : "year";
    bool scalar_ok = s->kind == SPEC_TIMELINE || s->kind == SPEC_AGES;
    if (scalar_ok && tree_is_number(t)) {
        check_number(c, t, t, s, false);
        return;
    }
    if (!is_sequence(t) || (t->n == 0 && s->kind != SPEC_EVENTS)) {
        wrong(c, t, s);
        return;
    }
    if (s->max_count && t->n > s->max_count)
        diag_at(c->d, t, "expected at most %zu pairs, got %zu", s->max_count, t->n);
    long long prev = LLONG_MIN;
    for (size_t k = 0; k < t->n; k++) {
        const struct tree *p = t->kids[k];
        if (!is_sequence(p) || p->n != 2 || p->kids[0]->kind != TREE_INT) {
            char got[128], key[64];
            if (!is_sequence(p)) {
                tree_value_text(p, got, sizeof got);
            } else if (p->n != 2) {
                snprintf(got, sizeof got, "%zu element%s", p->n, p->n == 1 ? "" : "s");
            } else {
                tree_value_text(p->kids[0], key, sizeof key);
                snprintf(got, sizeof got, "the %s %s", key_name, key);
            }
            diag_at(c->d, p, "expected a pair (%s, value) with a whole-number %s, got %s", key_name,
                    key_name, got);
            continue;
        }
        long long key = p->kids[0]->i;
        check_number(c, p->kids[1], p, s, false);
        if (key <= prev)
            diag_at(c->d, p, "%ss out of order: %lld comes after %lld", key_name, key, prev);
        if (s->kind == SPEC_AGES && (key < 0 || key > LIMIT_OLDEST_AGE))
            diag_at(c->d, p, "expected an age in [0, %d], got %lld", LIMIT_OLDEST_AGE, key);
        if ((s->kind == SPEC_TIMELINE || s->kind == SPEC_EVENTS) &&
            (key < TIMELINE_FIRST_YEAR || key > TIMELINE_LAST_YEAR))
            diag_at(c->d, p, "expected a year in [%d, %d], got %lld", TIMELINE_FIRST_YEAR,
                    TIMELINE_LAST_YEAR, key);
        if (s->kind == SPEC_BANDS && key < 0)
            diag_at(c->d, p, "expected an amount ≥ 0, got %lld", key);
        if (k == 0 && (s->kind == SPEC_AGES || s->kind == SPEC_BANDS) && key != 0)
            diag_at(c->d, p, "the first %s must be 0, got %lld", key_name, key);
        if (k == 0 && s->kind == SPEC_TIMELINE && c->start_year && key > c->start_year)
            diag_at(c->d, p, "no value in force in %d, the start year: the first entry is for %lld",
                    c->start_year, key);
        prev = key;
    }
}

static void check_sequence(const struct validate_check *c, struct tree *t, const struct spec *s)
{
    if (!is_sequence(t)) {
        wrong(c, t, s);
        return;
    }
    if (t->n < s->min_count || (s->max_count && t->n > s->max_count))
        diag_at(c->d, t, "expected %zu to %zu elements, got %zu", s->min_count, s->max_count, t->n);
    for (size_t k = 0; k < t->n; k++) {
        const struct tree *e = t->kids[k];
        if (!check_number(c, e, e, s, s->kind == SPEC_INTS)) continue;
        if ((s->flags & SPEC_INCREASING) && k > 0 && tree_is_number(t->kids[k - 1]) &&
            tree_number(e) <= tree_number(t->kids[k - 1]))
            diag_at(c->d, e, "expected values in strictly increasing order");
    }
}

static void check_file(const struct validate_check *c, struct tree *t)
{
    if (t->kind != TREE_STRING || !t->s[0]) {
        char got[96];
        tree_value_text(t, got, sizeof got);
        diag_at(c->d, t, "expected a file name, got %s", got);
        return;
    }
    /* relative to the folder of the file that names it */
    char *joined = NULL;
    if (t->s[0] != '/' && t->line > 0 && t->file && strchr(t->file, '/')) {
        size_t dir = (size_t)(strrchr(t->file, '/') - t->file);
        size_t n = dir + strlen(t->s) + 2;
        joined = malloc(n);
        if (!joined) {
            c->d->no_memory = true;
            return;
        }
        snprintf(joined, n, "%.*s/%s", (int)dir, t->file, t->s);
    }
    const char *path = joined ? joined : t->s;
    errno = 0;
    char *real = realpath(path, NULL);
    struct stat st;
    if (!real && errno == ENOMEM) {
        c->d->no_memory = true;
    } else if (!real || access(real, R_OK) != 0) {
        diag_at(c->d, t, "cannot read the data file %s", path);
    } else if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        /* a folder reads as empty, a terminal or a pipe waits for ever */
        diag_at(c->d, t, "the data file %s is not a regular file", path);
    } else {
        free(t->s);
        t->s = real;
        real = NULL;
    }
    free(real);
    free(joined);
}

/* Names longer than this are not compared for a did-you-mean (a row of the
 * distance's table is on the stack); no setting's name is nearly so long. */
enum { SUGGEST_MAX_NAME = 63 };

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_MAX_NAME || lb > SUGGEST_MAX_NAME) return SIZE_MAX;
    size_t row[SUGGEST_MAX_NAME + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The path of a group depth - 1 levels below `group` that has a member `name`. */
static bool find_at_depth(const struct spec *group, const char *name, int depth, char *path,
                          size_t size)
{
    for (const struct spec *k = group->kids; k && k->name; k++) {
        if (depth == 1 && strcmp(k->name, name) == 0) return true;
        if (depth == 1 || !k->kids || (k->flags & SPEC_INHERIT) || (k->flags & SPEC_POLICY))
            continue;
        size_t len = strlen(path);
        snprintf(path + len, size - len, "%s%s%s", len ? "." : "", k->name,
                 k->kind == SPEC_LIST  ? "[...]"
                 : k->kind == SPEC_MAP ? ".<name>"
                                       : "");
        if (find_at_depth(k, name, depth - 1, path, size)) return true;
        path[len] = '\0';
    }
    return false;
}

/* The group where a setting called `name` belongs, into `path`: the shallowest
 * (economy.income_yuan before regions[...].actuals[...].income_yuan). */
static bool find_elsewhere(const struct spec *group, const char *name, char *path, size_t size)
{
    for (int depth = 1; depth <= LIMIT_NESTING; depth++) {
        path[0] = '\0';
        if (find_at_depth(group, name, depth, path, size)) return true;
    }
    return false;
}

/* Whether `name` is one of the '_'-separated words of `known`, or a run of them. */
static bool has_word(const char *known, const char *name)
{
    size_t n = strlen(name);
    if (n == 0) return false;
    for (const char *p = strstr(known, name); p; p = strstr(p + 1, name))
        if ((p == known || p[-1] == '_') && (p[n] == '\0' || p[n] == '_')) return true;
    return false;
}

static void unknown(const struct validate_check *c, const struct tree *t, const struct spec *s)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (const struct spec *k = s->kids; k && k->name; k++) {
        size_t d = edit_distance(t->name, k->name);
        if (d < best_d) best_d = d, best = k->name;
    }
    size_t len = strlen(t->name);
    if (!best || best_d > (len < 9 ? 2 : len / 3)) {
        /* "cap" for "annual_cap_yuan", "individual" for "individual_yuan": a name
         * written without its unit or qualifier */
        best = NULL;
        for (const struct spec *k = s->kids; k && k->name && !best; k++)
            if (has_word(k->name, t->name)) best = k->name;
    }
    if (best) {
        diag_at(c->d, t, "unknown setting \"%s\"; did you mean \"%s\"?", t->name, best);
        return;
    }
    char where[256] = "";
    if (find_elsewhere(&schema_table, t->name, where, sizeof where))
        diag_at(c->d, t, "unknown setting \"%s\" here; a setting of this name belongs in %s",
                t->name, where[0] ? where : "the top level");
    else
        diag_at(c->d, t, "unknown setting \"%s\"", t->name);
}

static void check_sum(const struct validate_check *c, const struct tree *t, const struct spec *s)
{
    double sum = 0;
    for (size_t k = 0; k < t->n; k++) {
        if (!tree_is_number(t->kids[k])) return; /* already reported */
        sum += tree_number(t->kids[k]);
    }
    if ((s->flags & SPEC_SUM_TO_ONE) && fabs(sum - 1) > 1e-9)
        diag_at(c->d, t, "expected shares that sum to 1, got a sum of %.10g", sum);
    if ((s->flags & SPEC_SUM_AT_MOST_ONE) && sum > 1 + 1e-9)
        diag_at(c->d, t, "expected shares that sum to at most 1, got a sum of %.10g", sum);
}

static void to_float(struct tree *t)
{
    if (t->kind != TREE_INT) return;
    t->kind = TREE_FLOAT;
    t->f = (double)t->i;
}

static void add_default(const struct validate_check *c, struct tree *group, const struct spec *k)
{
    struct tree *v = tree_read_value(k->dflt, "default", c->d);
    if (!v) return; /* a schema bug; the schema test catches it */
    /* a default of a number setting is shown as a number ("0.0"), like a written one */
    if (k->kind != SPEC_INT && k->kind != SPEC_INTS) {
        to_float(v);
        for (size_t i = 0; i < v->n; i++) {
            to_float(v->kids[i]);
            if (v->kids[i]->n == 2) to_float(v->kids[i]->kids[1]);
        }
    }
    v->name = strdup(k->name);
    if (!v->name || !tree_append(group, v)) {
        tree_free(v);
        c->d->no_memory = true;
    }
}

static void missing(const struct validate_check *c, struct tree *group, const struct spec *k)
{
    char want[256];
    validate_describe_expected(k, want, sizeof want);
    char *path = tree_path(group);
    size_t n = (path ? strlen(path) : 0) + strlen(k->name) + 2;
    char *full = path ? malloc(n) : NULL;
    if (full) {
        snprintf(full, n, "%s%s%s", path, path[0] ? "." : "", k->name);
        diag_path(c->d, full, group->file, group->line, "missing setting; expected %s", want);
    } else {
        c->d->no_memory = true;
    }
    free(full);
    free(path);
}

/* Whether a group needs something written: a member with neither default nor
 * OPTIONAL flag, directly or in a member group. */
static bool has_required(const struct spec *s)
{
    for (const struct spec *k = s->kids; k && k->name; k++) {
        if ((k->flags & (SPEC_OPTIONAL | SPEC_INHERIT)) || k->dflt) continue;
        if (k->kind != SPEC_GROUP || !k->kids || has_required(k)) return true;
    }
    /* members that inherit take the group's default */
    return s->kids && (s->kids[0].flags & SPEC_INHERIT) && !s->dflt;
}

static void check_group_with(const struct validate_check *c, struct tree *t, const struct spec *s)
{
    if (t->kind != TREE_GROUP) {
        wrong(c, t, s);
        return;
    }
    for (size_t k = 0; k < t->n; k++) {
        const struct spec *m = schema_member(s, t->kids[k]->name);
        if (!m) {
            unknown(c, t->kids[k], s);
            continue;
        }
        struct spec e = effective(m, s);
        validate_setting(c, t->kids[k], &e);
    }
    for (const struct spec *k = s->kids; k && k->name; k++) {
        if (tree_child(t, k->name)) continue;
        struct spec e = effective(k, s);
        if (c->partial || (e.flags & SPEC_OPTIONAL)) continue;
        if (k->kind == SPEC_GROUP && k->kids && !has_required(&e)) {
            /* an absent group whose members all have defaults is an empty group */
            struct tree *g = tree_new(TREE_GROUP, k->name, "default", 0);
            if (!tree_append(t, g)) {
                tree_free(g);
                c->d->no_memory = true;
                return;
            }
            check_group_with(c, g, &e);
        } else if (e.dflt && k->kind != SPEC_GROUP) {
            add_default(c, t, &e);
            struct tree *added = tree_child(t, k->name);
            if (added) validate_setting(c, added, &e);
        } else {
            missing(c, t, &e);
        }
    }
    if (s->flags & (SPEC_SUM_TO_ONE | SPEC_SUM_AT_MOST_ONE)) check_sum(c, t, s);
}

void validate_members(const struct validate_check *c, struct tree *t, const struct spec *s)
{
    check_group_with(c, t, s);
}

void validate_setting(const struct validate_check *c, struct tree *t, const struct spec *s)
{
    switch (s->kind) {
    case SPEC_GROUP:
        if (s->flags & SPEC_POLICY) {
            struct validate_check partial = *c;
            partial.partial = true;
            check_group_with(&partial, t, s);
        } else {
            check_group_with(c, t, s);
        }
        return;
    case SPEC_LIST:
    case SPEC_MAP: {
        bool list = s->kind == SPEC_LIST;
        if (t->kind != (list ? TREE_LIST : TREE_GROUP)) {
            wrong(c, t, s);
            return;
        }
        if (t->n < s->min_count || (s->max_count && t->n > s->max_count))
            diag_at(c->d, t, "expected %zu to %zu entries, got %zu", s->min_count, s->max_count,
                    t->n);
        /* past the limit, the entries are not worth a message each */
        if (s->max_count && t->n > s->max_count) return;
        struct spec element = *s;
        element.kind = SPEC_GROUP;
        element.flags &= ~(unsigned)SPEC_OPTIONAL;
        for (size_t k = 0; k < t->n; k++)
            check_group_with(c, t->kids[k], &element);
        return;
    }
    case SPEC_INT:
        check_number(c, t, t, s, true);
        return;
    case SPEC_NUMBER:
        check_number(c, t, t, s, false);
        return;
    case SPEC_STRING:
        if (t->kind != TREE_STRING) wrong(c, t, s);
        return;
    case SPEC_ENUM:
        if (t->kind == TREE_STRING)
            for (int k = 0; s->choices[k]; k++)
                if (strcmp(t->s, s->choices[k]) == 0) return;
        wrong(c, t, s);
        return;
    case SPEC_FILE:
        check_file(c, t);
        return;
    case SPEC_NUMBERS:
    case SPEC_INTS:
        check_sequence(c, t, s);
        return;
    case SPEC_TIMELINE:
    case SPEC_AGES:
    case SPEC_BANDS:
    case SPEC_EVENTS:
        check_pairs(c, t, s);
        return;
    }
}

/* ---- extraction ---- */

/* Out of memory (the arena remembers it), extraction leaves empty arrays
 * behind: nothing is written through a NULL. */
static void extract_pairs(struct arena *a, const struct tree *t, struct step *out)
{
    size_t n = tree_is_number(t) ? 1 : t->n;
    out->key = arena_alloc(a, n * sizeof *out->key);
    out->value = arena_alloc(a, n * sizeof *out->value);
    out->n = out->key && out->value ? n : 0;
    if (!out->n) return;
    if (tree_is_number(t)) {
        out->value[0] = tree_number(t);
        return;
    }
    for (size_t k = 0; k < t->n; k++) {
        out->key[k] = (int)t->kids[k]->kids[0]->i;
        out->value[k] = tree_number(t->kids[k]->kids[1]);
    }
}

static void extract_value(struct arena *a, const struct tree *t, const struct spec *s, char *at)
{
    switch (s->kind) {
    case SPEC_GROUP:
        validate_extract_members(a, t, s, at);
        return;
    case SPEC_LIST:
    case SPEC_MAP:
        return; /* validate_extract_members places the elements and their count */
    case SPEC_INT:
        if (s->flags & SPEC_WIDE)
            *(long long *)at = t->i;
        else
            *(int *)at = (int)t->i;
        return;
    case SPEC_NUMBER:
        *(double *)at = tree_number(t);
        return;
    case SPEC_STRING:
    case SPEC_FILE:
        *(char **)at = arena_strdup(a, t->s);
        return;
    case SPEC_ENUM:
        for (int k = 0; s->choices[k]; k++)
            if (strcmp(t->s, s->choices[k]) == 0) *(int *)at = k;
        return;
    case SPEC_NUMBERS: {
        struct numbers *out = (void *)at;
        out->v = arena_alloc(a, t->n * sizeof *out->v);
        out->n = out->v ? t->n : 0;
        for (size_t k = 0; k < out->n; k++)
            out->v[k] = tree_number(t->kids[k]);
        return;
    }
    case SPEC_INTS:
        return; /* only in custom-extracted groups */
    case SPEC_TIMELINE:
    case SPEC_AGES:
    case SPEC_BANDS:
    case SPEC_EVENTS:
        extract_pairs(a, t, (struct step *)at);
        return;
    }
}

void validate_extract_setting(struct arena *a, const struct tree *t, const struct spec *s,
                              void *base)
{
    extract_value(a, t, s, (char *)base + s->offset);
}

void validate_extract_members(struct arena *a, const struct tree *t, const struct spec *s,
                              void *base)
{
    for (const struct spec *k = s->kids; k && k->name; k++) {
        if (k->flags & SPEC_CUSTOM) continue;
        const struct tree *v = tree_child(t, k->name);
        if (!v) continue; /* optional and absent */
        struct spec e = effective(k, s);
        char *at = (char *)base + k->offset;
        if (k->kind == SPEC_LIST || k->kind == SPEC_MAP) {
            char *items = arena_alloc(a, v->n * k->elem_size);
            size_t n = items ? v->n : 0;
            for (size_t i = 0; i < n; i++) {
                char *item = items + i * k->elem_size;
                if (k->kind == SPEC_MAP) *(char **)item = arena_strdup(a, v->kids[i]->name);
                validate_extract_members(a, v->kids[i], k, item);
            }
            *(char **)at = items;
            *(size_t *)((char *)base + k->count_offset) = n;
            continue;
        }
        extract_value(a, v, &e, at);
    }
}
