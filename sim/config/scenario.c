/* scenario.c: from a scenario file to the immutable `struct scenario`.
 *
 * The steps, in order: read the file and, for a variant, its base scenarios
 * (each variant merged onto its base); apply the --set overrides; check the
 * tree against the schema, inserting defaults; run the checks that span
 * several settings; copy the tree into the structure (reading data files);
 * print the resolved tree, which is what `fundsim show` prints. Problems are
 * collected, not returned one at a time. */
#include "sim/config/scenario.h"

#include "fundsim_config.h"

#include "sim/config/arena.h"
#include "sim/config/diag.h"
#include "sim/config/limit.h"
#include "sim/config/plausible.h"
#include "sim/config/schema.h"
#include "sim/config/tree.h"
#include "sim/config/validate.h"
#include "sim/config/wpp.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *stem = strdup(base);
    if (!stem) return NULL;
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem) *dot = '\0';
    return stem;
}

static char *relative_to(const char *file, const char *name)
{
    const char *slash = strrchr(file, '/');
    if (name[0] == '/' || !slash) return strdup(name);
    size_t n = (size_t)(slash - file) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%.*s/%s", (int)(slash - file), file, name);
    return p;
}

/* Adds the scenario's default name, its file's stem. Returns 0, or -1 when out of memory. */
static int add_name(struct tree *root, const char *path)
{
    struct tree *name = tree_new(TREE_STRING, "name", "default", 0);
    if (name) name->s = file_stem(path);
    if (name && name->s && tree_append(root, name)) return 0;
    tree_free(name);
    return -1;
}

/* Reads `path`; a variant is merged onto its base, read the same way. `chain`
 * holds the real paths of the variants being read (LIMIT_VARIANT_DEPTH at most),
 * to refuse a loop. */
static struct tree *read_chain(const char *path, char **chain, int depth, struct diag *d)
{
    struct tree *root = tree_read_file(path, d);
    if (!root) return NULL;
    if (root->n == 0) {
        diag_loc(d, path, 0,
                 "the file holds no settings: expected a scenario (see scenarios/README.md) or "
                 "a variant that names its base");
        tree_free(root);
        return NULL;
    }
    if (!tree_child(root, "name") && add_name(root, path) != 0) {
        d->no_memory = true;
        tree_free(root);
        return NULL;
    }
    struct tree *base = tree_child(root, "base");
    if (!base) return root;
    if (base->kind != TREE_STRING || !base->s[0]) {
        diag_at(d, base, "expected the file name of the base scenario (a string)");
        tree_free(root);
        return NULL;
    }
    if (depth >= LIMIT_VARIANT_DEPTH) {
        diag_at(d, base,
                "more than %d variants stacked on one another: merge some of them into one file",
                LIMIT_VARIANT_DEPTH);
        tree_free(root);
        return NULL;
    }
    char *base_path = relative_to(path, base->s);
    errno = 0;
    char *real = base_path ? realpath(base_path, NULL) : NULL;
    bool no_memory = !base_path || (!real && errno == ENOMEM);
    chain[depth] = realpath(path, NULL);
    no_memory |= !chain[depth] && errno == ENOMEM;
    struct tree *merged = NULL;
    bool loop = false;
    for (int k = 0; real && k <= depth; k++)
        loop |= chain[k] && strcmp(chain[k], real) == 0;
    if (no_memory)
        d->no_memory = true;
    else if (!real)
        diag_at(d, base, "cannot read the base scenario %s", base_path);
    else if (loop)
        diag_at(d, base, "the chain of base scenarios loops back to %s", base_path);
    else
        merged = read_chain(base_path, chain, depth + 1, d);
    free(chain[depth]);
    chain[depth] = NULL;
    free(real);
    free(base_path);
    if (merged) {
        tree_delete(base);
        if (tree_merge(merged, root) != 0) {
            d->no_memory = true;
            tree_free(merged);
            merged = NULL;
        }
    }
    tree_free(root);
    return merged;
}

/* ---- --set KEY=VALUE ---- */

/* The value of one override as a tree: parsed from its text, or the typed
 * number of an option. NULL after adding the reason to `d`. */
static struct tree *override_value(const struct setting_override *o, const char *origin,
                                   struct diag *d)
{
    if (o->value) return tree_read_value(o->value, origin, d);
    struct tree *v = tree_new(TREE_INT, NULL, origin, 0);
    if (v)
        v->i = o->i;
    else
        d->no_memory = true;
    return v;
}

/* The element of `list` whose name, name_zh or code is key[0, len), or NULL. */
static struct tree *named_element(const struct tree *list, const char *key, size_t len)
{
    static const char *const names[] = {"name", "name_zh", "code"};
    for (size_t k = 0; k < list->n; k++)
        for (size_t j = 0; j < sizeof names / sizeof *names; j++) {
            const struct tree *v = tree_child(list->kids[k], names[j]);
            if (v && v->kind == TREE_STRING && strlen(v->s) == len && !strncmp(v->s, key, len))
                return list->kids[k];
        }
    return NULL;
}

/* Says that `list` has no element named key[0, len), and which names it has. */
static void no_such_element(const struct tree *list, const char *key, size_t len,
                            const char *origin, struct diag *d)
{
    char *path = tree_path(list), *names = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&names, &size);
    for (size_t k = 0; f && k < list->n; k++) {
        const struct tree *e = list->kids[k];
        const struct tree *name = tree_child(e, "name"), *zh = tree_child(e, "name_zh"),
                          *code = tree_child(e, "code");
        fprintf(f, "%s[%zu] %s", k ? ", " : "", k,
                name && name->kind == TREE_STRING ? name->s : "(no name)");
        if (zh && zh->kind == TREE_STRING) fprintf(f, " %s", zh->s);
        if (code && code->kind == TREE_STRING) fprintf(f, " %s", code->s);
    }
    if (!f || fclose(f) != 0 || !path) {
        d->no_memory = true;
    } else {
        diag_loc(d, origin, 0,
                 "%s has no element whose name, name_zh or code is \"%.*s\"; its elements: %s",
                 path, (int)len, key, list->n ? names : "none");
    }
    free(path);
    free(names);
}

/* Applies one override. Paths are names joined by '.', with [i] for a list
 * element; an element of a list may also be named by its name, name_zh or
 * code: regions.郑州市.opening_balance_yuan. */
static void apply_set(struct tree *root, const struct setting_override *o, struct diag *d)
{
    size_t n = strlen(o->key) + (o->value ? strlen(o->value) : 0) + 8;
    char *origin = o->value ? malloc(n) : strdup(o->origin ? o->origin : o->key);
    if (!origin) {
        d->no_memory = true;
        return;
    }
    if (o->value) snprintf(origin, n, "--set %s=%s", o->key, o->value);
    struct tree *value = override_value(o, origin, d);
    struct tree *cur = root;
    const char *p = o->key;
    char *name = NULL;
    bool ok = value != NULL;
    while (ok && *p) {
        size_t len = strcspn(p, ".[");
        if (*p == '[' || (cur->kind == TREE_LIST && len > 0)) {
            long idx = -1;
            if (*p == '[') {
                char *end;
                idx = strtol(p + 1, &end, 10);
                if (*end != ']' || end == p + 1 || idx < 0 ||
                    !(cur->kind == TREE_LIST || cur->kind == TREE_ARRAY) || (size_t)idx >= cur->n) {
                    diag_loc(d, origin, 0, "the key does not name an existing list element");
                    ok = false;
                    break;
                }
                p = end + 1;
            } else {
                const struct tree *e = named_element(cur, p, len);
                for (size_t k = 0; e && k < cur->n; k++)
                    if (cur->kids[k] == e) idx = (long)k;
                if (idx < 0) {
                    no_such_element(cur, p, len, origin, d);
                    ok = false;
                    break;
                }
                p += len;
            }
            if (*p == '.') p++;
            if (!*p) { /* replace the element */
                free(value->name);
                value->name = NULL;
                cur->kids[idx]->parent = NULL;
                tree_free(cur->kids[idx]);
                cur->kids[idx] = value;
                value->parent = cur;
                value = NULL;
                break;
            }
            cur = cur->kids[idx];
            continue;
        }
        if (len == 0) {
            diag_loc(d, origin, 0, "expected a key like policy.outpatient.annual_cap_yuan");
            ok = false;
            break;
        }
        free(name);
        name = strndup(p, len);
        if (!name) {
            d->no_memory = true;
            ok = false;
            break;
        }
        for (size_t k = 0; k < len && ok; k++)
            ok = isalnum((unsigned char)name[k]) || name[k] == '_' || name[k] == '-' ||
                 name[k] == '*';
        if (!ok || !isalpha((unsigned char)name[0])) {
            diag_loc(d, origin, 0, "\"%s\" is not a setting name", name);
            ok = false;
            break;
        }
        if (cur->kind != TREE_GROUP) {
            diag_loc(d, origin, 0, "the key goes inside a setting that is not a group");
            ok = false;
            break;
        }
        p += len;
        if (*p == '.') p++;
        struct tree *next = tree_child(cur, name);
        if (*p) {
            if (!next) {
                next = tree_new(TREE_GROUP, name, origin, 0);
                if (!tree_append(cur, next)) {
                    tree_free(next);
                    d->no_memory = true;
                    ok = false;
                    break;
                }
            }
            cur = next;
            continue;
        }
        value->name = name;
        name = NULL;
        struct tree wrapper = {.kind = TREE_GROUP};
        if (!tree_append(&wrapper, value) || tree_merge(cur, &wrapper) != 0) d->no_memory = true;
        free(wrapper.kids);
        tree_free(value);
        value = NULL;
    }
    tree_free(value);
    free(name);
    free(origin);
}

/* ---- checks across settings ---- */

static bool division_code(const char *s)
{
    size_t n = strlen(s);
    for (size_t k = 0; k < n; k++)
        if (!isdigit((unsigned char)s[k])) return false;
    return n == 6;
}

static void check_regions(const struct tree *regions, struct diag *d)
{
    /* past the schema's limit (reported), pairs of regions are too many to compare */
    if (!regions || regions->kind != TREE_LIST ||
        regions->n > schema_member(&schema_table, "regions")->max_count)
        return;
    for (size_t i = 0; i < regions->n; i++) {
        const struct tree *r = regions->kids[i];
        const struct tree *name = tree_child(r, "name"), *code = tree_child(r, "code");
        if (name && name->kind == TREE_STRING && !name->s[0])
            diag_at(d, name, "expected a non-empty name");
        if (code && code->kind == TREE_STRING && !division_code(code->s))
            diag_at(d, code, "expected a six-digit division code such as \"410100\", got \"%s\"",
                    code->s);
        for (size_t j = 0; j < i; j++) {
            const struct tree *o = regions->kids[j];
            const struct tree *oname = tree_child(o, "name"), *ocode = tree_child(o, "code");
            if (name && oname && name->kind == TREE_STRING && oname->kind == TREE_STRING &&
                strcmp(name->s, oname->s) == 0)
                diag_at(d, name, "the name \"%s\" is already used by regions[%zu]", name->s, j);
            if (code && ocode && code->kind == TREE_STRING && ocode->kind == TREE_STRING &&
                strcmp(code->s, ocode->s) == 0)
                diag_at(d, code, "the code \"%s\" is already used by regions[%zu]", code->s, j);
        }
        const struct tree *ages = tree_child(r, "age_structure");
        if (ages && ages->kind == TREE_GROUP) {
            const struct tree *a = tree_child(ages, "ages");
            const char *sexes[] = {"male", "female"};
            for (int s = 0; s < 2; s++) {
                const struct tree *v = tree_child(ages, sexes[s]);
                if (a && v && a->kind == v->kind && v->n != a->n)
                    diag_at(d, v, "expected %zu values, one per age group, got %zu", a->n, v->n);
            }
            if (a && a->n && (a->kids[0]->kind != TREE_INT || a->kids[0]->i != 0))
                diag_at(d, a, "expected the first age group to start at 0");
        }
    }
}

/* The region whose code is the string `code`, or -1. */
static long region_with_code(const struct tree *regions, const struct tree *code)
{
    if (!code || code->kind != TREE_STRING) return -1;
    for (size_t j = 0; j < regions->n; j++) {
        const struct tree *c = tree_child(regions->kids[j], "code");
        if (c && c->kind == TREE_STRING && strcmp(c->s, code->s) == 0) return (long)j;
    }
    return -1;
}

/* pooling.merges: known codes, a region merged into another's fund and only
 * once, no cycle (a region whose money comes back to its own fund through
 * others), and only under city pooling. A cycle is reported once, at the
 * first of its merges. */
static void check_pools(const struct tree *root, struct diag *d)
{
    const struct tree *regions = tree_child(root, "regions");
    const struct tree *merges = tree_child(tree_child(root, "pooling"), "merges");
    size_t max = schema_member(&schema_table, "regions")->max_count;
    if (!merges || merges->kind != TREE_LIST || !regions || regions->kind != TREE_LIST ||
        regions->n > max || merges->n > max)
        return;
    const struct tree *mode = tree_child(tree_child(root, "pooling"), "mode");
    if (mode && mode->kind == TREE_STRING && strcmp(mode->s, "city") != 0) {
        diag_at(d, merges,
                "expected pooling.mode \"city\" with merges of pools (\"%s\" sets the pooling "
                "of every region)",
                mode->s);
        return;
    }
    size_t n = regions->n;
    long *by = malloc((n ? n : 1) * sizeof *by);     /* the merge of each region, or -1 */
    long *host = malloc((n ? n : 1) * sizeof *host); /* the fund it joins, or -1 */
    if (!by || !host) {
        free(by);
        free(host);
        d->no_memory = true;
        return;
    }
    for (size_t j = 0; j < n; j++)
        by[j] = host[j] = -1;
    for (size_t i = 0; i < merges->n; i++) {
        const struct tree *m = merges->kids[i];
        const struct tree *region = tree_child(m, "region"), *fund = tree_child(m, "fund");
        long a = region_with_code(regions, region), f = region_with_code(regions, fund);
        if (region && region->kind == TREE_STRING && a < 0)
            diag_at(d, region, "no region has the code \"%s\"", region->s);
        if (fund && fund->kind == TREE_STRING && f < 0)
            diag_at(d, fund, "no region has the code \"%s\"", fund->s);
        if (a < 0 || f < 0) continue;
        if (a == f) {
            diag_at(d, fund, "expected another region's code: \"%s\" is the merging region's own",
                    fund->s);
        } else if (by[a] >= 0) {
            diag_at(d, region, "the region \"%s\" is already merged by pooling.merges[%ld]",
                    region->s, by[a]);
        } else {
            by[a] = (long)i;
            host[a] = f;
        }
    }
    for (size_t a = 0; a < n; a++) {
        if (host[a] < 0) continue;
        const struct tree *m = merges->kids[by[a]];
        char chain[160];
        int used = snprintf(chain, sizeof chain, "%s", tree_child(m, "region")->s);
        size_t at = (size_t)a, steps = 0;
        bool cycle = false, first = true;
        while (steps++ < n && host[at] >= 0) {
            at = (size_t)host[at];
            const struct tree *code = tree_child(regions->kids[at], "code");
            if (used >= 0 && (size_t)used < sizeof chain)
                used += snprintf(chain + used, sizeof chain - (size_t)used, " -> %s", code->s);
            if (at == a) {
                cycle = true;
                break;
            }
            if (by[at] >= 0 && by[at] < by[a]) first = false;
        }
        if (cycle && first)
            diag_at(d, tree_child(m, "fund"), "the pools form a cycle: %s%s", chain,
                    (size_t)used >= sizeof chain ? "..." : "");
    }
    free(by);
    free(host);
}

/* Each region's actuals: years increasing (so unique), and each year with a
 * figure; the schema checked their types and ranges. */
static void check_actuals(const struct tree *regions, struct diag *d)
{
    if (!regions || regions->kind != TREE_LIST ||
        regions->n > schema_member(&schema_table, "regions")->max_count)
        return;
    static const char *const figures[] = {"enrollees", "income_yuan", "expenditure_yuan",
                                          "balance_yuan"};
    for (size_t i = 0; i < regions->n; i++) {
        const struct tree *list = tree_child(regions->kids[i], "actuals");
        if (!list || list->kind != TREE_LIST) continue;
        const struct tree *previous = NULL;
        for (size_t k = 0; k < list->n; k++) {
            const struct tree *a = list->kids[k];
            const struct tree *year = tree_child(a, "year");
            if (a->kind != TREE_GROUP || !year || year->kind != TREE_INT) continue;
            if (previous && year->i == previous->i)
                diag_at(d, year, "the year %lld is already given by the actuals before it",
                        year->i);
            else if (previous && year->i < previous->i)
                diag_at(d, year, "expected the actuals by increasing year: %lld after %lld",
                        year->i, previous->i);
            previous = year;
            bool any = false;
            for (size_t f = 0; f < sizeof figures / sizeof *figures; f++)
                any = any || tree_child(a, figures[f]);
            if (!any)
                diag_at(d, a,
                        "expected at least one figure of the year: enrollees, income_yuan, "
                        "expenditure_yuan or balance_yuan");
        }
    }
}

/* The calibration's arrays hold one entry per region, or none. */
static void check_calibration(const struct tree *root, struct diag *d)
{
    const struct tree *regions = tree_child(root, "regions");
    const struct tree *cal = tree_child(root, "calibration");
    if (!regions || regions->kind != TREE_LIST || !cal || cal->kind != TREE_GROUP) return;
    for (size_t k = 0; k < cal->n; k++) {
        const struct tree *v = cal->kids[k];
        if (v->kind == TREE_ARRAY && v->n != 0 && v->n != regions->n)
            diag_at(d, v, "expected one value per region (%zu), or none, got %zu", regions->n,
                    v->n);
    }
}

/* The scenario's name is also the default output's file name, NAME.h5 in the
 * current folder (and a variant's group, /diff/NAME): so it may not name
 * another folder ('/', "..") or a hidden file (a leading '.'), nor hold a
 * control character. A name taken from the file's name (when `name` is not
 * set) is checked too, and then named by the scenario file `path`. */
static void check_name(const struct tree *name, const char *path, struct diag *d)
{
    if (!name || name->kind != TREE_STRING) return;
    const char *s = name->s;
    bool control = false;
    for (const char *c = s; *c; c++)
        control |= (unsigned char)*c < 0x20 || *c == 0x7f;
    const char *why = !*s              ? "it is empty"
                      : control        ? "it holds a control character"
                      : strchr(s, '/') ? "it holds a '/'"
                      : *s == '.'      ? "it starts with '.'"
                                       : NULL;
    if (!why) return;
    /* a control character is not printed back */
    const char *shown = control ? "" : s, *before = control ? "" : " \"",
               *after = control ? "" : "\"";
    if (name->line == 0 && strcmp(name->file, "default") == 0)
        diag_loc(d, path, 0,
                 "the file's name makes the scenario's name%s%s%s, which cannot be the default "
                 "output's file name (NAME.h5, in the current folder): %s; set `name`",
                 before, shown, after, why);
    else
        diag_at(d, name,
                "the name%s%s%s cannot be the default output's file name (NAME.h5, in the "
                "current folder): %s",
                before, shown, after, why);
}

static void check_warning(const struct tree *w, struct diag *d)
{
    const char *order[] = {"insufficient_months", "low_months", "target_months", "excess_months"};
    for (int k = 1; k < 4; k++) {
        const struct tree *a = tree_child(w, order[k - 1]), *b = tree_child(w, order[k]);
        if (a && b && tree_is_number(a) && tree_is_number(b) && tree_number(b) < tree_number(a))
            diag_at(d, b, "expected at least %s (%g)", order[k - 1], tree_number(a));
    }
}

/* The age structure is projected forward to the start, never backward.
 * `start_year` is the valid start year, or 0 (then another error says why). */
static void check_demography(const struct tree *root, int start_year, struct diag *d)
{
    const struct tree *year =
        tree_child(tree_child(tree_child(root, "demography"), "age_structure"), "year");
    if (start_year && year && year->kind == TREE_INT && year->i > start_year)
        diag_at(d, year, "expected a year no later than simulation.start_year (%d), got %lld",
                start_year, (long long)year->i);
}

/* Dated one-off changes come after the start: the start year's costs and use
 * are observed ones, with every earlier change already in them, so an earlier
 * date would count it twice (or, ignored, mislead). */
static void check_dated(const struct tree *root, int start_year, struct diag *d)
{
    if (!start_year) return;
    const struct tree *effects = tree_child(tree_child(root, "costs"), "policy_effects");
    for (size_t k = 0; effects && !tree_is_number(effects) && k < effects->n; k++) {
        const struct tree *pair = effects->kids[k];
        if (pair->n && pair->kids[0]->kind == TREE_INT && pair->kids[0]->i <= start_year)
            diag_at(d, pair,
                    "expected a year after simulation.start_year (%d), got %lld: the start "
                    "year's costs (utilization.*.cost_yuan, disease.conditions.*."
                    "annual_cost_yuan) are observed, with this effect already in them",
                    start_year, (long long)pair->kids[0]->i);
    }
    const struct tree *shocks = tree_child(tree_child(root, "utilization"), "shocks");
    for (size_t k = 0; shocks && shocks->kind == TREE_LIST && k < shocks->n; k++) {
        const struct tree *year = tree_child(shocks->kids[k], "year");
        if (year && year->kind == TREE_INT && year->i <= start_year)
            diag_at(d, year,
                    "expected a year after simulation.start_year (%d), got %lld: the start "
                    "year's use of care (utilization.*.rate_male, rate_female) is observed, "
                    "with this change already in it",
                    start_year, (long long)year->i);
    }
}

/* Every condition of the disease spectrum has a benefit, and every benefit a condition. */
static void check_conditions(const struct tree *root, struct diag *d)
{
    const struct tree *disease = tree_child(tree_child(root, "disease"), "conditions");
    const struct tree *policy = tree_child(root, "policy");
    const struct tree *benefit = tree_child(policy, "conditions");
    if (!disease || !benefit || disease->kind != TREE_GROUP || benefit->kind != TREE_GROUP) return;
    for (size_t k = 0; k < disease->n; k++)
        if (!tree_child(benefit, disease->kids[k]->name))
            diag_at(d, disease->kids[k], "no benefit for this condition in policy.conditions");
    const struct tree *regions = tree_child(root, "regions");
    for (size_t r = 0; regions && regions->kind == TREE_LIST && r <= regions->n; r++) {
        const struct tree *b =
            r == 0 ? benefit : tree_child(tree_child(regions->kids[r - 1], "policy"), "conditions");
        for (size_t k = 0; b && b->kind == TREE_GROUP && k < b->n; k++)
            if (!tree_child(disease, b->kids[k]->name))
                diag_at(d, b->kids[k], "no condition \"%s\" in disease.conditions",
                        b->kids[k]->name);
    }
}

/* Henan's 54 counties treated as western (比照西部开发政策县, 000, 004) are counties, so
 * their residents are among the county residents: the financing rules apply the western
 * central share to the share western_policy_share / (1 - district_share) of the county
 * class, which must not exceed 1. */
static void check_western(const struct tree *regions, struct diag *d)
{
    if (!regions || regions->kind != TREE_LIST) return;
    for (size_t i = 0; i < regions->n; i++) {
        const struct tree *w = tree_child(regions->kids[i], "western_policy_share");
        const struct tree *ds = tree_child(regions->kids[i], "district_share");
        if (!w || !ds || !tree_is_number(w) || !tree_is_number(ds)) continue;
        double west = tree_number(w), district = tree_number(ds);
        /* out-of-range shares are reported by the schema */
        if (west >= 0 && district >= 0 && district <= 1 && west > 1 - district + 1e-12)
            diag_at(d, w,
                    "expected at most 1 - district_share = %g (the counties treated as western "
                    "have no district residents), got %g",
                    1 - district, west);
    }
}

/* A continuation's settings fit its rule: a setting the rule does not read, set
 * to anything but 0, is a mistake worth naming (a step_yuan under rule "rate" would be ignored),
 * and the benefit package goes on as one scale of the benefit tables: no step, no rounding
 * (models/timeline.h). */
static void check_continuation(const struct tree *group, struct diag *d)
{
    for (int k = 0; group && k < N_CONTINUED; k++) {
        const struct tree *c = tree_child(group, continued_names[k]);
        const struct tree *rule = tree_child(c, "rule");
        if (!c || !rule || rule->kind != TREE_STRING) continue;
        static const char *const used_by[] = {"step_yuan",  "step",   "rate",         "rate",
                                              "extra_rate", "income", "income_share", "income"};
        for (int j = 0; j < 8; j += 2) {
            const struct tree *v = tree_child(c, used_by[j]);
            bool extra = j == 4 && strcmp(rule->s, "price") == 0;
            /* `fundsim show` prints every default: a 0 is never a mistake */
            if (v && tree_is_number(v) && tree_number(v) != 0 &&
                strcmp(rule->s, used_by[j + 1]) != 0 && !extra)
                diag_at(d, v,
                        "%s applies to rule \"%s\"%s only; this continuation's rule is \"%s\"",
                        used_by[j], used_by[j + 1], j == 4 ? " and \"price\"" : "", rule->s);
        }
        if (k != CONTINUED_BENEFITS) continue;
        if (strcmp(rule->s, "step") == 0)
            diag_at(d, rule,
                    "expected \"frozen\", \"rate\", \"income\" or \"price\": the benefit "
                    "package's amounts go on together as one scale of the benefit tables, which "
                    "a step in yuan is not");
        const struct tree *round = tree_child(c, "round_yuan");
        if (round && tree_is_number(round) && tree_number(round) != 0)
            diag_at(d, round,
                    "expected 0: the benefit package's amounts go on together as one scale of "
                    "the benefit tables, without rounding");
    }
}

/* The poor's serious-illness terms apply to a category or not: 0 or 1. A value
 * outside [0, 1] is the range check's to name (once); a dated value is named by
 * its pair, as the range check names it. */
static void check_poor_terms(const struct tree *policy, struct diag *d)
{
    const struct tree *terms = tree_child(tree_child(policy, "serious_illness"), "poor_terms");
    for (size_t k = 0; terms && terms->kind == TREE_GROUP && k < terms->n; k++) {
        const struct tree *t = terms->kids[k];
        size_t n = tree_is_number(t) ? 1 : t->n;
        for (size_t j = 0; j < n; j++) {
            const struct tree *at = tree_is_number(t) ? t : t->kids[j];
            const struct tree *v = at == t ? t : at->n > 1 ? at->kids[1] : NULL;
            if (v && tree_is_number(v) && tree_number(v) > 0 && tree_number(v) < 1)
                diag_at(d, at, "expected 0 or 1 (the category has the poor's terms or not), got %g",
                        tree_number(v));
        }
    }
}

/* Timelines dated by the collection year move a year later on loading: their
 * first year must then be before the start, for a value to be in force in it. */
static void check_calendar(const struct tree *policy, const struct tree *fallback, int start_year,
                           struct diag *d)
{
    const struct tree *c = tree_child(policy, "contribution");
    const struct tree *by = tree_child(c, "dated_by");
    if (!by) by = tree_child(tree_child(fallback, "contribution"), "dated_by");
    if (!start_year || !by || by->kind != TREE_STRING || strcmp(by->s, "collection_year") != 0)
        return;
    const char *names[] = {"individual_yuan", "income_rate"};
    for (int k = 0; k < 2; k++) {
        const struct tree *t = tree_child(c, names[k]);
        if (t && !tree_is_number(t) && t->n && t->kids[0]->n &&
            t->kids[0]->kids[0]->kind == TREE_INT && t->kids[0]->kids[0]->i >= start_year)
            diag_at(d, t->kids[0],
                    "expected a first year before simulation.start_year (%d): dated by the "
                    "collection year (%s), the value of %lld pays for %lld",
                    start_year, by->file, (long long)t->kids[0]->kids[0]->i,
                    (long long)t->kids[0]->kids[0]->i + 1);
    }
}

static void check_policies(const struct tree *root, int start_year, struct diag *d)
{
    const struct tree *policy = tree_child(root, "policy");
    check_continuation(tree_child(policy, "continuation"), d);
    check_poor_terms(policy, d);
    check_calendar(policy, NULL, start_year, d);
    const struct tree *regions = tree_child(root, "regions");
    for (size_t i = 0; regions && regions->kind == TREE_LIST && i < regions->n; i++) {
        const struct tree *own = tree_child(regions->kids[i], "policy");
        check_continuation(tree_child(own, "continuation"), d);
        check_poor_terms(own, d);
        check_calendar(own, policy, start_year, d);
    }
    const struct tree *payer = tree_child(tree_child(root, "pooling"), "backstop_payer");
    if (payer && payer->kind == TREE_STRING && strcmp(payer->s, "none") == 0)
        diag_at(d, payer, "expected a level of government: \"none\" cannot pay a shortfall");
}

/* ---- extraction of what the schema leaves to hand ----
 *
 * Out of memory, the arena returns NULL and remembers it (arena_failed): the
 * functions below then stop, and scenario_load reports it. */

/* `size` bytes of `from` in the arena, or NULL when out of memory. */
static void *copy_into(struct arena *a, const void *from, size_t size)
{
    void *p = arena_alloc(a, size);
    return p ? memcpy(p, from, size) : NULL;
}

static int read_age_structure(struct scenario *s, struct diag *d)
{
    struct demography_params *dem = &s->demography;
    char column[16];
    snprintf(column, sizeof column, "%d", dem->age_structure_year);
    struct wpp_column m, f;
    if (wpp_read_column(dem->age_structure_male_file, column, "demography.age_structure.male", &m,
                        d))
        return -1;
    if (wpp_read_column(dem->age_structure_female_file, column, "demography.age_structure.female",
                        &f, d)) {
        wpp_column_free(&m);
        return -1;
    }
    int status = 0;
    if (m.n != f.n || memcmp(m.first_age, f.first_age, m.n * sizeof *m.first_age) != 0) {
        diag_path(d, "demography.age_structure.female", dem->age_structure_female_file, 0,
                  "the age groups differ from those of %s", dem->age_structure_male_file);
        status = -1;
    } else if (m.first_age[m.n - 1] > LIMIT_OLDEST_AGE) {
        /* the population driver splits the groups (from 0: wpp.c) into the
         * single years of the models' cells, the last group open */
        diag_path(d, "demography.age_structure.male", dem->age_structure_male_file, 0,
                  "expected age groups from 0 to an open group starting at %d at most (\"%d+\")",
                  LIMIT_OLDEST_AGE, LIMIT_OLDEST_AGE);
        status = -1;
    } else {
        struct age_groups *g = &dem->age_structure;
        g->n = m.n;
        g->first_age = copy_into(s->arena, m.first_age, m.n * sizeof *g->first_age);
        for (int sex = 0; sex < 2; sex++) {
            g->persons[sex] = arena_alloc(s->arena, m.n * sizeof(double));
            for (size_t k = 0; g->persons[sex] && k < m.n; k++) /* the UN tables are in thousands */
                g->persons[sex][k] = 1000.0 * (sex ? f.value[k] : m.value[k]);
        }
        if (arena_failed(s->arena)) status = -1;
    }
    wpp_column_free(&m);
    wpp_column_free(&f);
    return status;
}

/* ---- the UN tables of mortality and fertility ---- */

static void copy_table(struct scenario *s, const struct wpp_table *t, struct period_table *out)
{
    out->n_groups = t->n_rows;
    out->n_periods = t->n_cols;
    out->end_age = t->end_age;
    out->first_age = copy_into(s->arena, t->first_age, t->n_rows * sizeof *out->first_age);
    out->first_year = copy_into(s->arena, t->first_year, t->n_cols * sizeof *out->first_year);
    out->end_year = copy_into(s->arena, t->end_year, t->n_cols * sizeof *out->end_year);
    out->value = copy_into(s->arena, t->value, t->n_rows * t->n_cols * sizeof *out->value);
}

/* The periods must follow one another and cover the years first..last. */
static int check_periods(const struct wpp_table *t, int first, int last, const char *setting,
                         const char *path, struct diag *d)
{
    for (size_t k = 1; k < t->n_cols; k++)
        if (t->first_year[k] != t->end_year[k - 1]) {
            diag_path(d, setting, path, 1, "expected adjacent periods, got a gap after %d-%d",
                      t->first_year[k - 1], t->end_year[k - 1]);
            return -1;
        }
    if (t->first_year[0] > first || t->end_year[t->n_cols - 1] <= last) {
        diag_path(d, setting, path, 1,
                  "expected periods covering the years %d to %d (from the age structure's year to "
                  "the last simulated year), got %d to %d",
                  first, last, t->first_year[0], t->end_year[t->n_cols - 1] - 1);
        return -1;
    }
    return 0;
}

static int read_series(struct scenario *s, const char *path, const char *setting, int first,
                       int last, struct year_series *out, struct diag *d)
{
    struct wpp_series w;
    if (wpp_read_series(path, setting, &w, d)) return -1;
    int status = 0;
    if (w.first_year > first || w.first_year + (int)w.n - 1 < last) {
        diag_path(d, setting, path, 1, "expected the years %d to %d, got %d to %d", first, last,
                  w.first_year, w.first_year + (int)w.n - 1);
        status = -1;
    } else {
        out->first_year = w.first_year;
        out->n = w.n;
        out->value = copy_into(s->arena, w.value, w.n * sizeof *out->value);
        if (!out->value) status = -1;
    }
    wpp_series_free(&w);
    return status;
}

/* Death rates by sex, the fertility pattern, the TFR and the sex ratio at
 * birth, for every year from the age structure's (the population driver
 * projects it to the start) to the last simulated year. The TFR's and the
 * life expectancies' years are needed from the start year only: before it (the
 * projection of the age structure) the TFR takes its first value and the
 * mortality index is extended back. */
static int read_demography(struct scenario *s, struct diag *d)
{
    struct demography_params *dem = &s->demography;
    int first = dem->age_structure_year;
    int last = s->simulation.start_year + s->simulation.years - 1;
    const char *mx_setting[2] = {"demography.mortality.male", "demography.mortality.female"};
    const char *mx_file[2] = {dem->mortality_male_file, dem->mortality_female_file};
    struct wpp_table mx[2] = {{0}}, pattern = {0};
    int status = 0;
    for (int sex = 0; sex < 2; sex++) {
        if (wpp_read_table(mx_file[sex], mx_setting[sex], 1, &mx[sex], d)) {
            status = -1;
            continue;
        }
        const struct wpp_table *t = &mx[sex];
        if (t->first_age[0] != 0 || t->end_age != 0 ||
            t->first_age[t->n_rows - 1] > LIMIT_OLDEST_AGE) {
            diag_path(d, mx_setting[sex], mx_file[sex], 0,
                      "expected age groups from 0 to an open group starting at %d at most "
                      "(\"%d+\")",
                      LIMIT_OLDEST_AGE, LIMIT_OLDEST_AGE);
            status = -1;
        } else if (check_periods(t, first, last, mx_setting[sex], mx_file[sex], d)) {
            status = -1;
        }
    }
    if (status == 0 &&
        (mx[0].n_rows != mx[1].n_rows || mx[0].n_cols != mx[1].n_cols ||
         memcmp(mx[0].first_age, mx[1].first_age, mx[0].n_rows * sizeof(int)) != 0 ||
         memcmp(mx[0].first_year, mx[1].first_year, mx[0].n_cols * sizeof(int)) != 0)) {
        diag_path(d, mx_setting[1], mx_file[1], 0,
                  "the age groups or periods differ from those of %s", mx_file[0]);
        status = -1;
    }
    for (int sex = 0; sex < 2 && status == 0; sex++)
        copy_table(s, &mx[sex], &dem->mortality[sex]);

    const char *pattern_setting = "demography.fertility.pattern";
    if (wpp_read_table(dem->fertility_pattern_file, pattern_setting, 0, &pattern, d)) {
        status = -1;
    } else if (pattern.end_age == 0 || pattern.end_age > LIMIT_OLDEST_AGE) {
        diag_path(d, pattern_setting, dem->fertility_pattern_file, 0,
                  "expected closed age groups of mothers (\"45-49\"), ending by age %d",
                  LIMIT_OLDEST_AGE);
        status = -1;
    } else if (check_periods(&pattern, first, last, pattern_setting, dem->fertility_pattern_file,
                             d)) {
        status = -1;
    } else {
        for (size_t k = 0; k < pattern.n_cols && status == 0; k++) {
            double sum = 0;
            for (size_t g = 0; g < pattern.n_rows; g++)
                sum += pattern.value[k * pattern.n_rows + g];
            if (fabs(sum - 100) > 1) {
                diag_path(d, pattern_setting, dem->fertility_pattern_file, 0,
                          "expected the shares of the period %d-%d to add up to 100 percent, got "
                          "%g",
                          pattern.first_year[k], pattern.end_year[k], sum);
                status = -1;
            }
        }
        if (status == 0) copy_table(s, &pattern, &dem->fertility_pattern);
    }
    const char *e0_setting[2] = {"demography.mortality.e0_male", "demography.mortality.e0_female"};
    const char *e0_file[2] = {dem->e0_male_file, dem->e0_female_file};
    for (int sex = 0; sex < 2; sex++)
        if (e0_file[sex] && read_series(s, e0_file[sex], e0_setting[sex], s->simulation.start_year,
                                        last, &dem->e0[sex], d))
            status = -1;
    if (!dem->e0_male_file != !dem->e0_female_file) {
        diag_path(d, e0_setting[!dem->e0_female_file], NULL, 0,
                  "expected both demography.mortality.e0_male and e0_female, or neither");
        status = -1;
    }
    if (read_series(s, dem->tfr_file, "demography.fertility.tfr", s->simulation.start_year, last,
                    &dem->tfr, d))
        status = -1;
    if (read_series(s, dem->sex_ratio_file, "demography.fertility.sex_ratio", first, last,
                    &dem->sex_ratio, d))
        status = -1;
    wpp_table_free(&mx[0]);
    wpp_table_free(&mx[1]);
    wpp_table_free(&pattern);
    return status;
}

/* The region's age structure: its own or the scenario's, scaled to its total. */
static int region_age_structure(struct scenario *s, struct region *r, const struct tree *rt,
                                struct diag *d)
{
    const struct age_groups *from = &s->demography.age_structure;
    struct age_groups own = {0};
    const struct tree *t = tree_child(rt, "age_structure");
    if (t) {
        const struct tree *ages = tree_child(t, "ages");
        own.n = ages->n;
        own.first_age = arena_alloc(s->arena, own.n * sizeof *own.first_age);
        own.persons[0] = arena_alloc(s->arena, own.n * sizeof(double));
        own.persons[1] = arena_alloc(s->arena, own.n * sizeof(double));
        if (arena_failed(s->arena)) return -1;
        for (size_t k = 0; k < own.n; k++)
            own.first_age[k] = (int)ages->kids[k]->i;
        for (int sex = 0; sex < 2; sex++) {
            const struct tree *v = tree_child(t, sex ? "female" : "male");
            for (size_t k = 0; k < own.n; k++)
                own.persons[sex][k] = tree_number(v->kids[k]);
        }
        from = &own;
    }
    double total = 0;
    for (int sex = 0; sex < 2; sex++)
        for (size_t k = 0; k < from->n; k++)
            total += from->persons[sex][k];
    if (total <= 0) {
        diag_at(d, t ? t : rt, "the age structure has no people in it");
        return -1;
    }
    struct age_groups *g = &r->age_structure;
    g->n = from->n;
    g->first_age = from->first_age;
    for (int sex = 0; sex < 2; sex++) {
        g->persons[sex] = arena_alloc(s->arena, g->n * sizeof(double));
        if (!g->persons[sex]) return -1;
        for (size_t k = 0; k < g->n; k++)
            g->persons[sex][k] = from->persons[sex][k] * r->population_total / total;
    }
    return 0;
}

/* The scenario's policy with the region's overrides, benefits in disease order.
 * Returns 0, or -1 when out of memory. */
static int region_policy(struct scenario *s, struct region *r, const struct tree *policy,
                         const struct tree *rt)
{
    const struct spec *spec = schema_member(&schema_table, "policy");
    struct tree *merged = tree_copy(policy);
    const struct tree *own = tree_child(rt, "policy");
    if (!merged || (own && tree_merge(merged, own) != 0)) {
        tree_free(merged);
        return -1;
    }
    validate_extract_members(s->arena, merged, spec, &r->policy);
    tree_free(merged);
    if (r->policy.contribution_dated_by == DATED_BY_COLLECTION_YEAR) {
        /* collected in the autumn of the notice's year for the next year's benefits */
        struct step *dated[] = {&r->policy.individual_yuan, &r->policy.income_rate};
        for (int k = 0; k < 2; k++)
            for (size_t j = 0; j < dated[k]->n && dated[k]->key[j]; j++)
                dated[k]->key[j]++;
    }
    struct condition_benefit *ordered = arena_alloc(s->arena, s->disease.n * sizeof *ordered);
    if (arena_failed(s->arena)) return -1;
    for (size_t k = 0; k < s->disease.n; k++)
        for (size_t j = 0; j < r->policy.n_conditions; j++)
            if (strcmp(r->policy.conditions[j].name, s->disease.conditions[k].name) == 0)
                ordered[k] = r->policy.conditions[j];
    r->policy.conditions = ordered;
    r->policy.n_conditions = s->disease.n;
    return 0;
}

/* A figure the accounts do not give is NAN (the schema's extraction left 0). */
static void region_actuals(struct region *r, const struct tree *list)
{
    for (size_t k = 0; k < r->n_actuals; k++) {
        const struct tree *a = list->kids[k];
        struct actual *x = &r->actuals[k];
        if (!tree_child(a, "enrollees")) x->enrollees = NAN;
        if (!tree_child(a, "income_yuan")) x->income_yuan = NAN;
        if (!tree_child(a, "expenditure_yuan")) x->expenditure_yuan = NAN;
        if (!tree_child(a, "balance_yuan")) x->balance_yuan = NAN;
    }
}

/* Region i's calibrated levels (check_calibration: each array has one entry per
 * region, or none). */
static void region_calibration(const struct calibration_params *c, size_t i, struct region *r)
{
    r->participation_change = c->participation_scale.n ? c->participation_scale.v[i] - 1 : 0;
    r->use_change = c->use_scale.n ? c->use_scale.v[i] - 1 : 0;
    r->extra_other_income_yuan = c->other_income_yuan.n ? c->other_income_yuan.v[i] : 0.0;
    if (c->opening_balance_yuan.n) r->opening_balance_yuan = c->opening_balance_yuan.v[i];
    r->participation_trend = c->participation_trend.n ? c->participation_trend.v[i] : 0.0;
}

/* Returns 0, or -1 with the problems in `d` or the arena out of memory. */
static int extract(struct scenario *s, const struct tree *root, struct diag *d)
{
    validate_extract_members(s->arena, root, &schema_table, s);
    if (arena_failed(s->arena)) return -1;
    if (read_age_structure(s, d) | read_demography(s, d) || arena_failed(s->arena)) return -1;
    const struct tree *regions = tree_child(root, "regions");
    const struct spec *region_spec = schema_member(&schema_table, "regions");
    int status = 0;
    for (size_t i = 0; i < s->n_regions; i++) {
        struct region *r = &s->regions[i];
        const struct tree *rt = regions->kids[i];
        if (region_age_structure(s, r, rt, d)) status = -1;
        const struct tree *mix = tree_child(rt, "hospital_mix");
        r->has_hospital_mix = mix != NULL;
        if (mix)
            validate_extract_setting(s->arena, mix, schema_member(region_spec, "hospital_mix"), r);
        const struct tree *migration = tree_child(rt, "migration_rate");
        r->has_migration_rate = migration != NULL;
        if (migration)
            validate_extract_setting(s->arena, migration,
                                     schema_member(region_spec, "migration_rate"), r);
        if (region_policy(s, r, tree_child(root, "policy"), rt) != 0) d->no_memory = true;
        if (d->no_memory || arena_failed(s->arena)) return -1;
        region_actuals(r, tree_child(rt, "actuals"));
        region_calibration(&s->calibration, i, r);
    }
    return status;
}

/* The first year (among both timelines' keys) in which `standard` is below
 * `national`, or 0 when there is none. */
static int year_below(const struct step *standard, const struct step *national)
{
    const struct step *t[2] = {standard, national};
    for (int k = 0; k < 2; k++)
        for (size_t j = 0; j < t[k]->n; j++)
            if (step_at(standard, t[k]->key[j]) < step_at(national, t[k]->key[j]))
                return t[k]->key[j];
    return 0;
}

/* Every region's subsidy standard is at least the national one in every year (000-004:
 * "不低于"): the central and provincial parts are paid on the national standard and the
 * local levels pay what is above it, so a lower standard would give them negative parts.
 * Checked on the extracted timelines, where each region's overrides are merged; a problem
 * of the scenario's own policy is reported once, at its setting. */
static void check_standards(const struct scenario *s, const struct tree *root, struct diag *d)
{
    const struct tree *regions = tree_child(root, "regions");
    const struct tree *own = tree_child(tree_child(root, "policy"), "subsidy");
    bool reported = false;
    for (size_t i = 0; i < s->n_regions; i++) {
        const struct policy *p = &s->regions[i].policy;
        const struct tree *sub = tree_child(tree_child(regions->kids[i], "policy"), "subsidy");
        const struct tree *at = tree_child(sub, "standard_yuan");
        if (!at) at = tree_child(sub, "national_standard_yuan");
        bool overridden = at != NULL;
        if (!at) at = tree_child(own, "standard_yuan");
        int year = year_below(&p->subsidy_standard_yuan, &p->national_standard_yuan);
        if (!year || (reported && !overridden)) continue;
        diag_at(d, at,
                "expected at least policy.subsidy.national_standard_yuan in every year, got "
                "%g against %g in %d for regions[%zu] (%s)",
                step_at(&p->subsidy_standard_yuan, year), step_at(&p->national_standard_yuan, year),
                year, i, s->regions[i].name);
        reported = reported || !overridden;
    }
}

/* The resolved tree as text, or NULL when out of memory. */
static char *print_resolved(const struct tree *root)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return NULL;
    fputs("# fully resolved by fundsim " FUNDSIM_VERSION "\n", f);
    tree_print(f, root);
    bool failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        free(text);
        return NULL;
    }
    return text;
}

/* The setting at `path` ("regions[0].policy.subsidy.standard_yuan"), or NULL. */
static const struct tree *find_path(const struct tree *t, const char *path)
{
    while (t && *path) {
        if (*path == '[') {
            char *end;
            long idx = strtol(path + 1, &end, 10);
            if (*end != ']' || idx < 0 || (size_t)idx >= t->n) return NULL;
            t = t->kids[idx];
            path = end + 1;
        } else {
            size_t len = strcspn(path, ".[");
            char name[96];
            snprintf(name, sizeof name, "%.*s", (int)len, path);
            t = tree_child(t, name);
            path += len;
        }
        if (*path == '.') path++;
    }
    return t;
}

/* The plausibility warnings (plausible.h), each with where its setting was
 * written: a region's policy setting that the region does not override is
 * the scenario's. Returns 0, or -1 when out of memory. */
static int add_warnings(struct scenario *s, const struct tree *root)
{
    size_t cap = PLAUSIBLE_PER_REGION * s->n_regions;
    s->warnings = arena_alloc(s->arena, (cap ? cap : 1) * sizeof *s->warnings);
    if (!s->warnings) return -1;
    s->n_warnings = plausible_check(s, s->warnings, cap);
    for (size_t k = 0; k < s->n_warnings; k++) {
        struct plausible_warning *w = &s->warnings[k];
        const struct tree *at = find_path(root, w->setting);
        const char *policy = strstr(w->setting, "].policy.");
        if (!at && policy) {
            memmove(w->setting, policy + 2, strlen(policy + 2) + 1);
            at = find_path(root, w->setting);
        }
        char where[512] = "default";
        if (at && at->file && at->line > 0)
            snprintf(where, sizeof where, "%s:%d", at->file, at->line);
        else if (at && at->file)
            snprintf(where, sizeof where, "%s", at->file);
        if (!(w->where = arena_strdup(s->arena, where))) return -1;
    }
    return 0;
}

int scenario_load(const char *path, const struct setting_override *sets, size_t n_sets,
                  struct scenario *out, struct diag *d)
{
    *out = (struct scenario){0};
    size_t before = d->n;
    char *chain[LIMIT_VARIANT_DEPTH] = {0};
    struct tree *root = read_chain(path, chain, 0, d);
    if (!root) return -1;
    for (size_t k = 0; k < n_sets; k++)
        apply_set(root, &sets[k], d);

    /* the start year, when it is valid, for the "no value in force" checks */
    const struct tree *year = tree_child(tree_child(root, "simulation"), "start_year");
    const struct spec *year_spec =
        schema_member(schema_member(&schema_table, "simulation"), "start_year");
    struct validate_check c = {.d = d};
    if (year && year->kind == TREE_INT && year->i >= year_spec->min && year->i <= year_spec->max)
        c.start_year = (int)year->i;
    validate_members(&c, root, &schema_table);
    check_name(tree_child(root, "name"), path, d);
    check_regions(tree_child(root, "regions"), d);
    check_warning(tree_child(root, "warning"), d);
    check_demography(root, c.start_year, d);
    check_conditions(root, d);
    check_dated(root, c.start_year, d);
    check_western(tree_child(root, "regions"), d);
    check_policies(root, c.start_year, d);
    check_pools(root, d);
    check_actuals(tree_child(root, "regions"), d);
    check_calibration(root, d);
    /* out of memory, an override or a default may be missing from the tree:
     * neither its problems nor its silence can be trusted */
    if (d->no_memory || d->n > before) {
        tree_free(root);
        return -1;
    }
    out->arena = arena_new();
    int status = out->arena ? extract(out, root, d) : -1;
    bool no_memory = !out->arena || arena_failed(out->arena) || d->no_memory;
    if (!status && !no_memory) check_standards(out, root, d);
    if (!status && !no_memory && d->n == before) no_memory = add_warnings(out, root) != 0;
    if (!status && !no_memory && d->n == before) {
        char *text = print_resolved(root);
        out->resolved_text = text ? arena_strdup(out->arena, text) : NULL;
        no_memory = !out->resolved_text;
        free(text);
    }
    tree_free(root);
    if (out->resolved_text) return 0;
    scenario_free(out);
    if (no_memory) d->no_memory = true;
    return -1;
}

void scenario_free(struct scenario *s)
{
    arena_free(s->arena);
    *s = (struct scenario){0};
}

const struct step *scenario_continued(const struct region *r, int c)
{
    const struct policy *p = &r->policy;
    switch (c) {
    case CONTINUED_CONTRIBUTION:
        return &p->individual_yuan;
    case CONTINUED_SUBSIDY:
        return &p->subsidy_standard_yuan;
    case CONTINUED_NATIONAL_STANDARD:
        return &p->national_standard_yuan;
    case CONTINUED_CITY_FIXED:
        return &p->split[CLASS_COUNTY].city_fixed_yuan;
    case CONTINUED_MATERNITY:
        return &p->maternity_natural_yuan;
    case CONTINUED_SERIOUS_PREMIUM:
        return &r->serious_premium_yuan;
    case CONTINUED_OTHER_INCOME:
        return &r->other_income_yuan;
    default:
        return NULL;
    }
}
