/* schema_doc.c: the settings reference, written from the schema so that the
 * documentation cannot drift from what the loader accepts. */
#include "sim/config/schema.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

static const char *type_name(const struct spec *s)
{
    switch (s->kind) {
    case SPEC_GROUP:
        return "group";
    case SPEC_LIST:
        return "list of groups";
    case SPEC_MAP:
        return "named groups";
    case SPEC_INT:
        return "integer";
    case SPEC_NUMBER:
        return "number";
    case SPEC_STRING:
        return "string";
    case SPEC_ENUM:
        return "choice";
    case SPEC_FILE:
        return "file";
    case SPEC_NUMBERS:
        return "array of numbers";
    case SPEC_INTS:
        return "array of integers";
    case SPEC_TIMELINE:
        return "timeline";
    case SPEC_AGES:
        return "age table";
    case SPEC_BANDS:
        return "bands";
    case SPEC_EVENTS:
        return "dated events";
    }
    return "";
}

static void range_text(const struct spec *s, char *buf, size_t size)
{
    bool has_range = s->kind == SPEC_INT || s->kind == SPEC_NUMBER || s->kind == SPEC_NUMBERS ||
                     s->kind == SPEC_INTS || s->kind >= SPEC_TIMELINE;
    if (s->kind == SPEC_ENUM) {
        size_t used = 0;
        buf[0] = '\0';
        for (int k = 0; s->choices[k] && used < size; k++)
            used +=
                (size_t)snprintf(buf + used, size - used, "%s\"%s\"", k ? ", " : "", s->choices[k]);
        return;
    }
    if (!has_range) {
        snprintf(buf, size, "%s", "");
        return;
    }
    bool lo = isfinite(s->min), hi = isfinite(s->max); /* 1e300 too: it is a limit */
    if (lo && hi)
        snprintf(buf, size, "%s%g, %g%s", (s->flags & SPEC_MIN_OPEN) ? "(" : "[", s->min, s->max,
                 (s->flags & SPEC_MAX_OPEN) ? ")" : "]");
    else if (lo)
        snprintf(buf, size, "≥ %g", s->min);
    else if (hi)
        snprintf(buf, size, "≤ %g", s->max);
    else
        snprintf(buf, size, "any");
}

static void row(FILE *out, bool md, const char *path, const struct spec *s, const struct spec *via)
{
    const struct spec *v = via ? via : s; /* per-level members describe themselves by the group */
    struct spec member = via ? via->kids[0] : *s;
    if (via) member.min = via->min, member.max = via->max, member.flags = via->flags;
    char range[128];
    range_text(&member, range, sizeof range);
    const char *dflt = v->dflt ? v->dflt : (s->flags & SPEC_OPTIONAL) ? "(optional)" : "required";
    if (md)
        fprintf(out, "| `%s` | %s | %s | %s | %s%s%s | %s | %s |\n", path,
                via ? type_name(&via->kids[0]) : type_name(s), v->unit ? v->unit : "", range,
                v->dflt ? "`" : "", dflt, v->dflt ? "`" : "", v->source ? v->source : "",
                v->doc ? v->doc : "");
    else
        fprintf(out, "%s  (%s%s%s%s%s; %s%s%s)\n    %s\n", path,
                via ? type_name(&via->kids[0]) : type_name(s), v->unit ? ", " : "",
                v->unit ? v->unit : "", range[0] ? ", " : "", range, v->dflt ? "default " : "",
                dflt, v->source ? (const char *)"" : "", v->doc ? v->doc : "");
}

static void walk(FILE *out, bool md, const struct spec *group, const char *prefix)
{
    for (const struct spec *k = group->kids; k && k->name; k++) {
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", k->name);
        bool per_member = k->kind == SPEC_GROUP && k->kids && (k->kids[0].flags & SPEC_INHERIT);
        if (per_member) {
            size_t used = strlen(path);
            used += (size_t)snprintf(path + used, sizeof path - used, ".{");
            for (const struct spec *m = k->kids; m->name; m++)
                used += (size_t)snprintf(path + used, sizeof path - used, "%s%s",
                                         m == k->kids ? "" : ",", m->name);
            snprintf(path + used, sizeof path - used, "}");
            row(out, md, path, k, k);
        } else if (k->flags & SPEC_POLICY) {
            row(out, md, path, k, NULL);
        } else if (k->kind == SPEC_GROUP) {
            if (md && !prefix[0]) fprintf(out, "| **`%s`** | group | | | | | %s |\n", path, k->doc);
            walk(out, md, k, path);
        } else if (k->kind == SPEC_LIST || k->kind == SPEC_MAP) {
            row(out, md, path, k, NULL);
            snprintf(path + strlen(path), sizeof path - strlen(path), "%s",
                     k->kind == SPEC_LIST ? "[]" : ".<name>");
            walk(out, md, k, path);
        } else {
            row(out, md, path, k, NULL);
        }
    }
}

void schema_document(FILE *out, int markdown)
{
    if (markdown) {
        fputs("| setting | type | unit | range | default | source | meaning |\n", out);
        fputs("|---|---|---|---|---|---|---|\n", out);
    }
    walk(out, markdown, &schema_table, "");
}
