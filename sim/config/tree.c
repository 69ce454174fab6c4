/* tree.c: reading, merging and printing settings trees (see tree.h). */
#include "sim/config/tree.h"

#include "sim/config/diag.h"
#include "sim/config/limit.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Out of memory: NULL, as for a NULL `s`; callers that pass a string check. */
static char *dupstr(const char *s)
{
    return s ? strdup(s) : NULL;
}

struct tree *tree_new(enum tree_kind kind, const char *name, const char *file, int line)
{
    struct tree *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->kind = kind;
    t->name = dupstr(name);
    t->file = dupstr(file);
    t->line = line;
    if ((name && !t->name) || (file && !t->file)) {
        tree_free(t);
        return NULL;
    }
    return t;
}

void tree_free(struct tree *t)
{
    if (!t) return;
    for (size_t k = 0; k < t->n; k++)
        tree_free(t->kids[k]);
    free(t->kids);
    free(t->name);
    free(t->file);
    free(t->s);
    free(t);
}

bool tree_append(struct tree *parent, struct tree *kid)
{
    if (!kid) return false;
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 8;
        struct tree **kids = realloc(parent->kids, cap * sizeof *kids);
        if (!kids) return false;
        parent->kids = kids;
        parent->cap = cap;
    }
    parent->kids[parent->n++] = kid;
    kid->parent = parent;
    return true;
}

/* Appends `kid`, or frees it when it cannot. Returns whether it was appended. */
static bool append_or_free(struct tree *parent, struct tree *kid)
{
    if (tree_append(parent, kid)) return true;
    tree_free(kid);
    return false;
}

struct tree *tree_copy(const struct tree *t)
{
    struct tree *c = tree_new(t->kind, t->name, t->file, t->line);
    if (!c) return NULL;
    c->i = t->i;
    c->f = t->f;
    c->b = t->b;
    c->s = dupstr(t->s);
    bool ok = !t->s || c->s;
    for (size_t k = 0; k < t->n && ok; k++)
        ok = append_or_free(c, tree_copy(t->kids[k]));
    if (ok) return c;
    tree_free(c);
    return NULL;
}

void tree_delete(struct tree *kid)
{
    struct tree *p = kid->parent;
    if (p) {
        size_t k = 0;
        while (k < p->n && p->kids[k] != kid)
            k++;
        if (k < p->n) {
            memmove(&p->kids[k], &p->kids[k + 1], (p->n - k - 1) * sizeof *p->kids);
            p->n--;
        }
    }
    tree_free(kid);
}

struct tree *tree_child(const struct tree *group, const char *name)
{
    if (!group || group->kind != TREE_GROUP) return NULL;
    for (size_t k = 0; k < group->n; k++)
        if (group->kids[k]->name && strcmp(group->kids[k]->name, name) == 0) return group->kids[k];
    return NULL;
}

int tree_merge(struct tree *base, const struct tree *overlay)
{
    for (size_t k = 0; k < overlay->n; k++) {
        const struct tree *o = overlay->kids[k];
        struct tree *b = tree_child(base, o->name);
        if (b && b->kind == TREE_GROUP && o->kind == TREE_GROUP) {
            /* messages about the group as a whole (a sum of shares) point to the
             * latest file that wrote in it */
            char *file = dupstr(o->file);
            if (o->file && !file) return -1;
            free(b->file);
            b->file = file;
            b->line = o->line;
            if (tree_merge(b, o) != 0) return -1;
            continue;
        }
        struct tree *c = tree_copy(o);
        if (!c) return -1;
        if (b) { /* replace in place, keeping the base's order */
            size_t at = 0;
            while (base->kids[at] != b)
                at++;
            tree_free(b);
            base->kids[at] = c;
            c->parent = base;
        } else if (!append_or_free(base, c)) {
            return -1;
        }
    }
    return 0;
}

bool tree_is_number(const struct tree *t)
{
    return t->kind == TREE_INT || t->kind == TREE_FLOAT;
}

bool tree_is_scalar(const struct tree *t)
{
    return t->kind != TREE_GROUP && t->kind != TREE_LIST && t->kind != TREE_ARRAY;
}

double tree_number(const struct tree *t)
{
    return t->kind == TREE_INT ? (double)t->i : t->f;
}

const char *tree_kind_name(const struct tree *t)
{
    static const char *const names[] = {"a group { }", "a list ( )", "an array [ ]", "an integer",
                                        "a number",    "a string",   "true or false"};
    return names[t->kind];
}

char *tree_path(const struct tree *t)
{
    if (!t->parent) return dupstr("");
    char *up = tree_path(t->parent);
    if (!up) return NULL;
    char index[32] = "";
    if (!t->name) {
        size_t k = 0;
        while (k < t->parent->n && t->parent->kids[k] != t)
            k++;
        snprintf(index, sizeof index, "[%zu]", k);
    }
    const char *part = t->name ? t->name : index;
    size_t n = strlen(up) + strlen(part) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s%s", up, (t->name && up[0]) ? "." : "", part);
    free(up);
    return p;
}

/* Shortest text that strtod reads back to exactly `x`, always with a '.' or an
 * exponent so that libconfig reads it as a float, not an integer. Plain
 * decimals are preferred to exponents for the magnitudes of money and people. */
static void format_float(double x, char *buf, size_t size)
{
    double mag = fabs(x);
    bool plain = mag == 0 || (mag >= 1e-4 && mag < 1e15);
    for (int prec = plain ? 0 : 1; prec <= 17; prec++) {
        snprintf(buf, size, plain ? "%.*f" : "%.*g", prec, x);
        if (strtod(buf, NULL) == x) break;
    }
    if (!strpbrk(buf, ".eEn")) {
        size_t len = strlen(buf);
        if (len + 2 < size) memcpy(buf + len, ".0", 3);
    }
}

static void print_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\x%02X", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void tree_value_text(const struct tree *t, char *buf, size_t size)
{
    switch (t->kind) {
    case TREE_INT:
        snprintf(buf, size, "%lld", t->i);
        break;
    case TREE_FLOAT:
        format_float(t->f, buf, size);
        break;
    case TREE_BOOL:
        snprintf(buf, size, "%s", t->b ? "true" : "false");
        break;
    case TREE_STRING:
        snprintf(buf, size, "\"%.60s%s\"", t->s, strlen(t->s) > 60 ? "..." : "");
        break;
    default:
        snprintf(buf, size, "%s", tree_kind_name(t));
        break;
    }
}

static bool is_inline(const struct tree *t)
{
    if (tree_is_scalar(t)) return true;
    if (t->kind == TREE_GROUP) return false;
    for (size_t k = 0; k < t->n; k++)
        if (!tree_is_scalar(t->kids[k]) &&
            !(t->kids[k]->kind != TREE_GROUP && t->kids[k]->n <= 4 && is_inline(t->kids[k])))
            return false;
    return true;
}

static void print_value(FILE *out, const struct tree *t, int depth);

static void print_setting(FILE *out, const struct tree *t, int depth)
{
    fprintf(out, "%*s", 2 * depth, "");
    if (t->name) fprintf(out, "%s = ", t->name);
    print_value(out, t, depth);
}

static void print_value(FILE *out, const struct tree *t, int depth)
{
    char buf[64];
    switch (t->kind) {
    case TREE_INT:
        /* libconfig reads values beyond 32 bits only with the L suffix */
        fprintf(out, "%lld%s", t->i, (t->i > INT_MAX || t->i < INT_MIN) ? "L" : "");
        return;
    case TREE_FLOAT:
        format_float(t->f, buf, sizeof buf), fputs(buf, out);
        return;
    case TREE_BOOL:
        fputs(t->b ? "true" : "false", out);
        return;
    case TREE_STRING:
        print_string(out, t->s);
        return;
    case TREE_GROUP:
        fputs("{\n", out);
        for (size_t k = 0; k < t->n; k++) {
            print_setting(out, t->kids[k], depth + 1);
            fputs(";\n", out);
        }
        fprintf(out, "%*s}", 2 * depth, "");
        return;
    case TREE_LIST:
    case TREE_ARRAY: {
        const char *open = t->kind == TREE_LIST ? "(" : "[",
                   *close = t->kind == TREE_LIST ? ")" : "]";
        if (is_inline(t)) {
            fputs(open, out);
            for (size_t k = 0; k < t->n; k++) {
                if (k) fputs(", ", out);
                print_value(out, t->kids[k], depth);
            }
            fputs(close, out);
            return;
        }
        fprintf(out, "%s\n", open);
        for (size_t k = 0; k < t->n; k++) {
            print_setting(out, t->kids[k], depth + 1);
            fputs(k + 1 < t->n ? ",\n" : "\n", out);
        }
        fprintf(out, "%*s%s", 2 * depth, "", close);
        return;
    }
    }
}

void tree_print(FILE *out, const struct tree *root)
{
    for (size_t k = 0; k < root->n; k++) {
        print_setting(out, root->kids[k], 0);
        fputs(";\n", out);
    }
}

/* A look at the text before libconfig reads it, for what libconfig would not
 * say. libconfig 1.5 silently wraps integers that do not fit in 32 bits unless
 * they carry the L suffix (5000000000 reads as 705032704), and those that do
 * not fit in 64 bits even with it: such literals are reported instead of
 * silently changed, at their line (`lines`; a --set value has none). A --set
 * value is not a file in libconfig syntax but a number typed on the command
 * line: there (`widen` not NULL) an integer beyond 32 bits is read as the
 * 64-bit integer it means, `widen` receiving the text with an L after each
 * such integer (it has room for twice the text). And a file cut short gets no
 * more from libconfig than "syntax error": the scan returns whether the text
 * ends inside a group, list, array, string or comment. It skips strings and
 * the three comment styles. */
static bool scan_text(const char *text, const char *file, bool lines, char *widen, struct diag *d)
{
    int line = 1, open = 0;
    const char *p = text, *copied = text;
    bool ends_open = false;
    while (*p && !ends_open) {
        if (*p == '\n') {
            line++, p++;
        } else if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1]) p++;
                if (*p == '\n') line++;
            }
            ends_open = !*p;
            if (*p) p++;
        } else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
                if (*p == '\n') line++;
            ends_open = !*p;
            if (*p) p += 2;
        } else if (isalpha((unsigned char)*p) || *p == '_' || *p == '*' || *p == '@') {
            while (isalnum((unsigned char)*p) || *p == '_' || *p == '*' || *p == '-' || *p == '@')
                p++;
        } else if (isdigit((unsigned char)*p) ||
                   ((*p == '-' || *p == '+') && isdigit((unsigned char)p[1]))) {
            const char *start = p;
            if (*p == '-' || *p == '+') p++;
            bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
            if (hex) p += 2;
            while (isxdigit((unsigned char)*p) || (!hex && (*p == '.' || *p == 'e' || *p == 'E')) ||
                   (!hex && (*p == '+' || *p == '-') && (p[-1] == 'e' || p[-1] == 'E')))
                p++;
            bool is_float = !hex && strpbrk(start, ".eE") && strpbrk(start, ".eE") < p;
            const char *end = p;
            bool int64 = *p == 'L';
            if (int64) p++;
            if (is_float || (hex && !isdigit((unsigned char)*start))) continue; /* -0x: syntax */
            int len = (int)(end - start), at = lines ? line : 0;
            errno = 0;
            long long v = hex ? (long long)strtoull(start, NULL, 16) : strtoll(start, NULL, 10);
            bool fits64 = errno != ERANGE && (!hex || v >= 0);
            if (!fits64) {
                diag_loc(d, file, at,
                         "the integer %.*s does not fit in 64 bits (from %lld to %lld)", len, start,
                         LLONG_MIN, LLONG_MAX);
            } else if (!int64 && (v > INT_MAX || v < INT_MIN)) {
                if (!widen) {
                    diag_loc(d, file, at,
                             "the integer %.*s does not fit in 32 bits: write it with the suffix "
                             "L (%.*sL), as libconfig reads a 64-bit integer",
                             len, start, len, start);
                    continue;
                }
                size_t n = (size_t)(end - copied);
                memcpy(widen, copied, n);
                widen += n;
                *widen++ = 'L';
                copied = end;
            }
        } else {
            open += (*p == '{' || *p == '(' || *p == '[') - (*p == '}' || *p == ')' || *p == ']');
            p++;
        }
    }
    if (widen) strcpy(widen, copied);
    return ends_open || open > 0;
}

static struct tree *from_setting(const config_setting_t *s, const char *fallback_file)
{
    static const enum tree_kind kinds[] = {
        [CONFIG_TYPE_GROUP] = TREE_GROUP,   [CONFIG_TYPE_INT] = TREE_INT,
        [CONFIG_TYPE_INT64] = TREE_INT,     [CONFIG_TYPE_FLOAT] = TREE_FLOAT,
        [CONFIG_TYPE_STRING] = TREE_STRING, [CONFIG_TYPE_BOOL] = TREE_BOOL,
        [CONFIG_TYPE_ARRAY] = TREE_ARRAY,   [CONFIG_TYPE_LIST] = TREE_LIST,
    };
    const char *file = config_setting_source_file(s);
    struct tree *t = tree_new(kinds[s->type], config_setting_name(s), file ? file : fallback_file,
                              (int)config_setting_source_line(s));
    if (!t) return NULL;
    switch (s->type) {
    case CONFIG_TYPE_INT:
        t->i = config_setting_get_int(s);
        break;
    case CONFIG_TYPE_INT64:
        t->i = config_setting_get_int64(s);
        break;
    case CONFIG_TYPE_FLOAT:
        t->f = config_setting_get_float(s);
        break;
    case CONFIG_TYPE_BOOL:
        t->b = config_setting_get_bool(s);
        break;
    case CONFIG_TYPE_STRING:
        t->s = dupstr(config_setting_get_string(s));
        if (t->s) break;
        tree_free(t);
        return NULL;
    default:
        for (int k = 0; k < config_setting_length(s); k++)
            if (!append_or_free(
                    t, from_setting(config_setting_get_elem(s, (unsigned)k), fallback_file))) {
                tree_free(t);
                return NULL;
            }
    }
    return t;
}

/* Memory ran out reading `file`. */
static void no_memory(struct diag *d, const char *file)
{
    d->no_memory = true;
    diag_loc(d, file, 0, "out of memory");
}

static char *read_text(const char *path, struct diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOMEM)
            no_memory(d, path);
        else
            diag_loc(d, path, 0, "cannot read the file: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    size_t got;
    while (text && (got = fread(text + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n > (size_t)LIMIT_FILE_BYTES) break;
        if (cap - n - 1 == 0) {
            char *bigger = realloc(text, 2 * cap);
            if (!bigger) free(text);
            text = bigger;
            cap *= 2;
        }
    }
    bool failed = ferror(f);
    fclose(f);
    if (!text) {
        no_memory(d, path);
        return NULL;
    }
    if (failed) {
        diag_loc(d, path, 0, "cannot read the file: %s", strerror(errno));
    } else if (n > (size_t)LIMIT_FILE_BYTES) {
        diag_loc(d, path, 0,
                 "the file is larger than %d MiB, the limit for a scenario file; put "
                 "bulky data in a data file",
                 LIMIT_FILE_BYTES >> 20);
    } else if (memchr(text, '\0', n)) {
        diag_loc(d, path, 0, "the file is not text (it contains a NUL byte)");
    } else {
        text[n] = '\0';
        size_t lines = 1;
        for (size_t k = 0; k < n; k++)
            lines += text[k] == '\n';
        if (lines <= LIMIT_FILE_LINES) return text;
        diag_loc(d, path, 0, "the file has more than %d lines, the limit for a scenario file",
                 LIMIT_FILE_LINES);
    }
    free(text);
    return NULL;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return dupstr(".");
    if (slash == path) return dupstr("/");
    char *dir = dupstr(path);
    if (dir) dir[slash - path] = '\0';
    return dir;
}

/* The closing quote of the string that opens at `p`, or the end of the text. */
static const char *string_end(const char *p)
{
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1]) p++;
    return p;
}

/* Whether text[0, end) holds a list or an array inside an array, as in
 * [[2024, 600.0]]: libconfig's arrays hold only scalars, and libconfig says no
 * more than "syntax error". Brackets inside strings do not count. */
static bool has_nested_arrays(const char *text, const char *end)
{
    int arrays = 0; /* arrays open at this point */
    for (const char *p = text; p < end && *p; p++) {
        if (*p == '"') {
            p = string_end(p);
            if (!*p) break;
        } else if (*p == '[' || *p == '(') {
            if (arrays > 0) return true;
            arrays += *p == '[';
        } else if (*p == ']') {
            arrays--;
        }
    }
    return false;
}

/* Where line `line` (from 1) of `text` starts; "" past the end. */
static const char *line_start(const char *text, int line)
{
    for (int k = 1; k < line && text; k++) {
        text = strchr(text, '\n');
        if (text) text++;
    }
    return text ? text : "";
}

/* The full-width marks a Chinese keyboard types where the syntax wants ASCII
 * (UTF-8, the ASCII mark that replaces it). */
static const struct {
    const char *wide, *ascii;
} full_width[] = {
    {"；", ";"}, {"，", ","}, {"：", ":"}, {"＝", "="}, {"（", "("}, {"）", ")"},  {"｛", "{"},
    {"｝", "}"}, {"［", "["}, {"］", "]"}, {"“", "\""}, {"”", "\""}, {"＂", "\""}, {"。", "."},
    {"．", "."}, {"、", ","}, {"－", "-"}, {"＋", "+"}, {"＃", "#"}, {"＠", "@"},  {"　", " "},
};

/* The first full-width mark (index in full_width) in text[0, end) outside
 * strings and comments, or -1. */
static int find_full_width(const char *text, const char *end)
{
    for (const char *p = text; p < end && *p; p++) {
        if (*p == '"') {
            p = string_end(p);
            if (!*p) break;
        } else if (*p == '#' || (p[0] == '/' && (p[1] == '/' || p[1] == '*'))) {
            break; /* a comment: what is in it is never the syntax's */
        } else if ((unsigned char)*p >= 0x80) {
            for (size_t k = 0; k < sizeof full_width / sizeof *full_width; k++)
                if (strncmp(p, full_width[k].wide, strlen(full_width[k].wide)) == 0) return (int)k;
        }
    }
    return -1;
}

/* libconfig's own words, made to say what to do. `ends_open`: the text ends
 * inside a group, list, string or comment (scan_text). `lines`: the text is a
 * file's (a --set value's line means nothing to the user). */
static void parse_error(struct diag *d, const config_t *cfg, const char *text, const char *file,
                        bool ends_open, bool lines)
{
    const char *efile = config_error_file(cfg);
    int line = config_error_line(cfg);
    const char *what = config_error_text(cfg);
    const char *from = line_start(text, line), *to = strchr(from, '\n');
    if (strcmp(what, "memory exhausted") == 0)
        what = "the settings are nested too deeply";
    else if (!efile && has_nested_arrays(from, to ? to : from + strlen(from)))
        what = "syntax error: a list of pairs is written with parentheses, ((2024, 600.0), ...); "
               "an array [ ] holds only numbers or strings";
    else if (!efile && ends_open)
        what = "syntax error: the file ends inside a group, list, string or comment (is it cut "
               "short, or a bracket left open?)";
    /* libconfig stops at the mark, or at the line end after one; a --set value is one line */
    int wide = -1, at = line;
    if (!efile && strcmp(what, "syntax error") == 0 && (!lines || line > 0)) {
        const char *last = lines ? from : text, *stop = lines && to ? to : last + strlen(last);
        wide = find_full_width(last, stop);
        if (wide < 0 && lines && line > 1) {
            const char *prev = line_start(text, --at);
            wide = find_full_width(prev, from);
        }
    }
    if (wide >= 0)
        diag_loc(d, file, lines ? line : 0,
                 "syntax error: the full-width '%s' %s is the likely cause: write the ASCII "
                 "'%s' instead (a Chinese keyboard types full-width marks; switch it to "
                 "half-width, 半角, or to English)",
                 full_width[wide].wide,
                 !lines       ? "in the value"
                 : at == line ? "on this line"
                              : "on the line before",
                 full_width[wide].ascii);
    else
        diag_loc(d, efile ? efile : file, efile || lines ? line : 0, "%s", what);
}

/* ---- entries ----
 *
 * libconfig adds the entries of a group, list or array one at a time, growing
 * its array 16 entries at a time and comparing each new setting's name with
 * those before it: work that grows as the square of the entries (300,000
 * elements of a list take half a minute under AddressSanitizer, which copies
 * on every realloc; 40,000 settings in a group take 10 s in any build). No
 * scenario needs more than LIMIT_ENTRIES in one (the longest, regions,
 * holds at most 1000), nor more than LIMIT_NESTING nested: the walk over the
 * text before libconfig (check_includes, which follows each @include where
 * libconfig will splice it) counts them, and refuses more before libconfig
 * reads anything. */

struct level {
    char kind;     /* '(' a list, '[' an array, else a group (the top level's 0) */
    int count;     /* a group's settings (its = or :), a list's or array's commas */
    char name[48]; /* the setting's name, cut short; "" for an element of a list */
};

struct entries {
    struct level levels[LIMIT_NESTING + 1]; /* [0]: the top level */
    int depth;                               /* open groups, lists and arrays; may pass the max */
    char name[48];                           /* the name last read, */
    int named;                               /* 1 once read, 2 once = or : followed it */
};

/* The path of the setting at level `depth`, "regions[2].name", into buf. */
static void entries_path(const struct entries *e, int depth, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int k = 1; k <= depth && n < size; k++) {
        const struct level *l = &e->levels[k];
        if (l->name[0])
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "." : "", l->name);
        else
            n += (size_t)snprintf(buf + n, size - n, "[%d]", e->levels[k - 1].count);
    }
}

/* One token at `p` (a name, or a character other than a string's, a comment's
 * or a line end) of `file`, at `line`; returns what follows it. */
static const char *count_entry(const char *p, const char *file, int line, struct entries *e,
                               struct diag *d)
{
    if (isalpha((unsigned char)*p) || *p == '_' || *p == '*') {
        const char *start = p;
        while (isalnum((unsigned char)*p) || *p == '_' || *p == '*' || *p == '-')
            p++;
        snprintf(e->name, sizeof e->name, "%.*s", (int)(p - start), start);
        e->named = 1;
        return p;
    }
    if (isspace((unsigned char)*p)) return p + 1;
    int named = e->named;
    e->named = (*p == '=' || *p == ':') && named == 1 ? 2 : 0;
    struct level *l = e->depth <= LIMIT_NESTING ? &e->levels[e->depth] : NULL;
    char path[256];
    if (*p == '{' || *p == '(' || *p == '[') {
        if (++e->depth == LIMIT_NESTING + 1)
            diag_loc(d, file, line,
                     "groups, lists and arrays nested more than %d deep, the limit for a "
                     "scenario file",
                     LIMIT_NESTING);
        if (e->depth <= LIMIT_NESTING) {
            l = &e->levels[e->depth];
            l->kind = *p;
            l->count = 0;
            snprintf(l->name, sizeof l->name, "%s", named == 2 ? e->name : "");
        }
    } else if (*p == '}' || *p == ')' || *p == ']') {
        e->depth -= e->depth > 0; /* one too many: libconfig says so */
    } else if (l && ((l->kind != '(' && l->kind != '[' && (*p == '=' || *p == ':')) ||
                     ((l->kind == '(' || l->kind == '[') && *p == ','))) {
        int n = ++l->count + (*p == ',');
        if (n == LIMIT_ENTRIES + 1) {
            entries_path(e, e->depth, path, sizeof path);
            diag_path(d, path[0] ? path : "the top level", file, line,
                      "more than %d entries, the limit for a group, list or array in a scenario "
                      "file",
                      LIMIT_ENTRIES);
        }
    }
    return p + 1;
}

/* ---- @include ----
 *
 * libconfig reads the files a scenario includes by itself, with no limit on
 * where they are or what they are (a folder makes its scanner exit the
 * process). So each @include is checked first, as libconfig's scanner will
 * read it: a line that starts, outside strings and comments, with
 * `[ \t]*@include[ \t]+"name"`, the name relative to the folder of the
 * scenario file (libconfig's include folder, absolute names included). The
 * included file must be a regular file in that folder or below it (symbolic
 * links resolved), the scenario file and its includes at most
 * LIMIT_FILE_BYTES together; each included file is read and checked the
 * same way down to libconfig's depth limit (LIMIT_INCLUDE_DEPTH), past which
 * libconfig reports. */

struct includes {
    const char *dir;  /* libconfig's include folder, as given; NULL: no @include allowed */
    const char *root; /* its real path */
    size_t left;      /* bytes that the includes may still add */
    struct diag *d;
    struct entries entries; /* counted over the file and its includes */
};

static void check_includes(const char *text, const char *file, int depth, struct includes *inc);

/* One @include "name" of `file`, at `line`. */
static void check_include(const char *name, const char *file, int line, int depth,
                          struct includes *inc)
{
    if (!inc->dir) {
        diag_loc(inc->d, file, line, "@include \"%s\": there is no @include in a --set value",
                 name);
        return;
    }
    if (strchr(name, '\\')) {
        diag_loc(inc->d, file, line,
                 "@include \"%s\": write the file name without a backslash (libconfig would "
                 "not read it as written)",
                 name);
        return;
    }
    size_t n = strlen(inc->dir) + strlen(name) + 2;
    char *full = malloc(n);
    if (!full) {
        no_memory(inc->d, file);
        return;
    }
    snprintf(full, n, "%s/%s", inc->dir, name);
    errno = 0;
    char *real = realpath(full, NULL);
    size_t root_len = strlen(inc->root);
    struct stat st;
    if (!real && errno == ENOMEM) {
        no_memory(inc->d, file);
    } else if (!real) {
        /* a file that is not there: libconfig says "cannot open include file" */
    } else if (strcmp(inc->root, "/") != 0 && strcmp(real, inc->root) != 0 &&
               (strncmp(real, inc->root, root_len) != 0 || real[root_len] != '/')) {
        diag_loc(inc->d, file, line,
                 "@include \"%s\": %s is outside the scenario's folder %s; an included file "
                 "must be in that folder or below it",
                 name, real, inc->root);
    } else if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag_loc(inc->d, file, line, "@include \"%s\": %s is not a regular file", name, real);
    } else if ((size_t)st.st_size > inc->left) { /* known before reading it */
        diag_loc(inc->d, file, line,
                 "@include \"%s\": the scenario file and the files it includes are larger "
                 "than %d MiB together, the limit for a scenario file",
                 name, LIMIT_FILE_BYTES >> 20);
        inc->left = 0;
    } else if (depth < LIMIT_INCLUDE_DEPTH) {
        char *text = read_text(full, inc->d);
        if (text) {
            size_t len = strlen(text);
            inc->left -= len < inc->left ? len : inc->left; /* it may have grown */
            scan_text(text, full, true, NULL, inc->d);
            check_includes(text, full, depth + 1, inc);
        }
        free(text);
    }
    free(real);
    free(full);
}

/* The file name of the @include directive that the line at `p` holds, up to
 * its closing quote at `*end`; NULL when the line holds none. */
static const char *include_name(const char *p, const char **end)
{
    p += strspn(p, " \t");
    if (strncmp(p, "@include", 8) != 0 || (p[8] != ' ' && p[8] != '\t')) return NULL;
    p += 8 + strspn(p + 8, " \t");
    if (*p != '"') return NULL;
    *end = p + 1 + strcspn(p + 1, "\"");
    return **end ? p + 1 : NULL; /* a name cut short: libconfig says so */
}

/* Every @include directive of `text` (the file `file`, at include depth `depth`); and
 * its entries counted (count_entry). */
static void check_includes(const char *text, const char *file, int depth, struct includes *inc)
{
    int line = 1;
    for (const char *p = text, *end; *p;) {
        const char *name = p == text || p[-1] == '\n' ? include_name(p, &end) : NULL;
        if (name) {
            char *copy = strndup(name, (size_t)(end - name));
            if (copy)
                check_include(copy, file, line, depth, inc);
            else
                no_memory(inc->d, file);
            free(copy);
            for (; p <= end; p++)
                line += *p == '\n';
        } else if (*p == '\n') {
            line++, p++;
        } else if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1]) p++;
                line += *p == '\n';
            }
            if (*p) p++;
        } else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
                line += *p == '\n';
            if (*p) p += 2;
        } else {
            /* a --set value is one line of the user's, not of a file */
            p = count_entry(p, file, inc->dir ? line : 0, &inc->entries, inc->d);
        }
    }
}

/* Parses `text`: a file's (inc->dir set) or a --set value's, whose text was
 * scanned already (scan_text, widening its integers). */
static struct tree *parse(const char *text, const char *file, struct includes *inc)
{
    size_t before = inc->d->n;
    bool ends_open = inc->dir ? scan_text(text, file, true, NULL, inc->d) : false;
    check_includes(text, file, 0, inc);
    if (inc->d->n > before) return NULL;
    config_t cfg;
    config_init(&cfg);
    if (inc->dir) config_set_include_dir(&cfg, inc->dir);
    struct tree *root = NULL;
    if (config_read_string(&cfg, text)) {
        root = from_setting(config_root_setting(&cfg), file);
        char *name = dupstr(file);
        if (root && name) {
            free(root->file);
            root->file = name;
        } else {
            free(name);
            tree_free(root);
            root = NULL;
            no_memory(inc->d, file);
        }
    } else {
        parse_error(inc->d, &cfg, text, file, ends_open, inc->dir != NULL);
    }
    config_destroy(&cfg);
    return root;
}

/* Settings parsed from a string carry no file: give them `file`, and no line
 * when the text was not a file (libconfig numbers a string's lines too).
 * Returns false when memory ran out. */
static bool set_origin(struct tree *t, const char *file, bool keep_line)
{
    if (!t->file) t->file = dupstr(file);
    if (!t->file) return false;
    if (!keep_line) t->line = 0;
    for (size_t k = 0; k < t->n; k++)
        if (!set_origin(t->kids[k], file, keep_line)) return false;
    return true;
}

struct tree *tree_read_file(const char *path, struct diag *d)
{
    char *text = read_text(path, d);
    if (!text) return NULL;
    char *dir = dir_of(path);
    errno = 0;
    char *root_dir = dir ? realpath(dir, NULL) : NULL;
    struct tree *root = NULL;
    if (!dir || (!root_dir && errno == ENOMEM)) {
        no_memory(d, path);
    } else if (!root_dir) {
        diag_loc(d, path, 0, "cannot find the file's folder: %s", strerror(errno));
    } else {
        struct includes inc = {.dir = dir,
                               .root = root_dir,
                               .left = (size_t)LIMIT_FILE_BYTES - strlen(text),
                               .d = d};
        /* an editor's UTF-8 byte order mark, which libconfig does not expect */
        const char *start = strncmp(text, "\xEF\xBB\xBF", 3) == 0 ? text + 3 : text;
        root = parse(start, path, &inc);
        if (root && !set_origin(root, path, true)) {
            tree_free(root);
            root = NULL;
            no_memory(d, path);
        }
    }
    free(root_dir);
    free(dir);
    free(text);
    return root;
}

/* On the command line a timeline is naturally typed as nested arrays,
 * [[2024, 600.0]]; libconfig's arrays cannot nest, so such a value is read as
 * the lists it means, ((2024, 600.0)). Brackets inside strings are left alone. */
static void nested_arrays_to_lists(char *text)
{
    if (!has_nested_arrays(text, text + strlen(text))) return;
    for (char *p = text; *p; p++) {
        if (*p == '"') {
            p += string_end(p) - p;
            if (!*p) break;
        } else if (*p == '[') {
            *p = '(';
        } else if (*p == ']') {
            *p = ')';
        }
    }
}

struct tree *tree_read_value(const char *text, const char *origin, struct diag *d)
{
    size_t n = 2 * strlen(text) + 16; /* room for scan_text's widening */
    char *doc = malloc(n), *widened = malloc(n);
    if (!doc || !widened) {
        free(doc);
        free(widened);
        no_memory(d, origin);
        return NULL;
    }
    snprintf(doc, n, "value = %s;", text);
    size_t before = d->n;
    scan_text(doc, origin, false, widened, d);
    nested_arrays_to_lists(widened);
    struct includes none = {.d = d};
    struct tree *root = d->n > before ? NULL : parse(widened, origin, &none);
    free(doc);
    free(widened);
    if (!root) return NULL;
    struct tree *value = root->n == 1 ? root->kids[0] : NULL;
    if (!value) {
        diag_loc(d, origin, 0, "expected one value");
        tree_free(root);
        return NULL;
    }
    root->n = 0;
    value->parent = NULL;
    tree_free(root);
    free(value->name);
    value->name = NULL;
    free(value->file);
    value->file = NULL;
    if (set_origin(value, origin, false)) return value;
    tree_free(value);
    no_memory(d, origin);
    return NULL;
}
