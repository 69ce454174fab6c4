/* target.c: parsing a safety target and its meaning for a path (target.h).
 * The parser walks the text with a cursor; each part it expects names itself
 * in the message when it is missing. */
#include "sim/target.h"
#include "output/terms.h"
#include "sim/config/diag.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TARGET_EXAMPLE "\"P(depletion by 2035) <= 0.05\""

static const char *skip_blanks(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* Consumes the word `w` (any case) at *p, not followed by a letter. */
static bool accept_word(const char **p, const char *w)
{
    size_t n = strlen(w);
    if (strncasecmp(*p, w, n) != 0 || isalpha((unsigned char)(*p)[n])) return false;
    *p = skip_blanks(*p + n);
    return true;
}

static bool accept_char(const char **p, char c)
{
    if (**p != c) return false;
    *p = skip_blanks(*p + 1);
    return true;
}

static int expected(struct diag *d, const char *what, const char *at)
{
    if (*at)
        diag_refuse(d, "expected %s at \"%s\" (a target reads like " TARGET_EXAMPLE ")", what, at);
    else
        diag_refuse(d, "expected %s at the end (a target reads like " TARGET_EXAMPLE ")", what);
    return -1;
}

/* The region named by the `len` characters at `name`: its name (any case), name_zh or code. */
static int find_region(const struct scenario *s, const char *name, size_t len, size_t *k)
{
    for (size_t i = 0; i < s->n_regions; i++) {
        const struct region *r = &s->regions[i];
        if ((strlen(r->name) == len && strncasecmp(r->name, name, len) == 0) ||
            (r->name_zh && strlen(r->name_zh) == len && strncmp(r->name_zh, name, len) == 0) ||
            (r->code && strlen(r->code) == len && strncmp(r->code, name, len) == 0)) {
            *k = i;
            return 0;
        }
    }
    return -1;
}

/* "in any region" or "in REGION", up to the closing parenthesis. */
static int parse_entity(const char **p, const struct scenario *s, struct target *t, struct diag *d)
{
    const char *q = *p;
    if (accept_word(&q, "any") && accept_word(&q, "region") && accept_char(&q, ')')) {
        t->entity = TARGET_ANY_REGION;
        *p = q;
        return 0;
    }
    const char *close = strchr(*p, ')');
    if (!close) return expected(d, "a region and \")\"", *p);
    size_t len = (size_t)(close - *p);
    while (len > 0 && isspace((unsigned char)(*p)[len - 1]))
        len--;
    if (len == 0) return expected(d, "a region", *p);
    if (find_region(s, *p, len, &t->region) != 0) {
        diag_refuse(d,
                    "unknown region \"%.*s\" in the target: expected a region's name, name_zh or "
                    "code (e.g. \"%s\"), or \"any region\"",
                    (int)len, *p, s->regions[0].name);
        return -1;
    }
    t->entity = TARGET_REGION;
    *p = skip_blanks(close + 1);
    return 0;
}

int target_parse(const char *text, const struct scenario *s, struct target *t, struct diag *d)
{
    *t = (struct target){0};
    const char *p = skip_blanks(text);
    if (!accept_word(&p, "P")) return expected(d, "\"P(\"", p);
    if (!accept_char(&p, '(')) return expected(d, "\"(\"", p);
    if (!accept_word(&p, "depletion")) return expected(d, "\"depletion\"", p);
    if (!accept_word(&p, "by")) return expected(d, "\"by\"", p);
    char *end;
    errno = 0;
    long year = strtol(p, &end, 10);
    if (end == p || !isdigit((unsigned char)*p)) return expected(d, "a year", p);
    int first = s->simulation.start_year, last = first + s->simulation.years - 1;
    if (errno || year < first || year > last) {
        diag_refuse(d, "the target's year %.*s is outside the scenario's horizon %d-%d",
                    (int)(end - p), p, first, last);
        return -1;
    }
    t->year = (int)year;
    p = skip_blanks(end);
    if (accept_word(&p, "in")) {
        if (parse_entity(&p, s, t, d) != 0) return -1;
    } else if (!accept_char(&p, ')')) {
        return expected(d, "\")\" or \"in REGION)\"", p);
    }
    if (p[0] == '<' && p[1] == '=')
        p = skip_blanks(p + 2);
    else if (accept_char(&p, '<'))
        t->strict = true;
    else
        return expected(d, "\"<=\" or \"<\"", p);
    errno = 0;
    t->probability = strtod(p, &end);
    if (end == p) return expected(d, "a probability", p);
    if (*skip_blanks(end)) return expected(d, "nothing more", skip_blanks(end));
    if (errno || !(t->probability >= 0 && t->probability < 1) ||
        (t->strict && t->probability == 0)) {
        diag_refuse(d, "the target's probability must be at least 0 and below 1%s, got %.*s",
                    t->strict ? " and above 0 with \"<\"" : "", (int)(end - p), p);
        return -1;
    }
    return 0;
}

size_t target_allowed(const struct target *t, size_t paths)
{
    /* The margin keeps 0.05 x 100 at 5 whatever the rounding of the product. */
    double pn = t->probability * (double)paths;
    return t->strict ? (size_t)ceil(pn - 1e-9) - 1 : (size_t)floor(pn + 1e-9);
}

void target_describe(const struct target *t, const struct scenario *s, int lang, char *out,
                     size_t n_out)
{
    enum lang l = (enum lang)lang;
    const char *in = t->entity == TARGET_REGION ? (l == LANG_ZH ? s->regions[t->region].name_zh
                                                                : s->regions[t->region].name)
                     : t->entity == TARGET_ANY_REGION ? term(TERM_solve_any_region, l)
                                                      : NULL;
    snprintf(out, n_out, term(TERM_solve_target, l), t->year, in ? term(TERM_solve_in, l) : "",
             in ? in : "");
}

double target_path_minimum(const struct record_block *b, size_t p, const struct target *t,
                           int start_year, int first_year, int last_year)
{
    double low = INFINITY;
    int from = first_year > start_year ? first_year - start_year : 0;
    for (int y = from; y <= last_year - start_year && (size_t)y < b->years; y++) {
        double province = 0;
        for (size_t r = 0; r < b->regions; r++) {
            /* before any backstop (record.h) */
            const double *v = record_at(b, p, (size_t)y, r);
            double balance = v[VAR_BALANCE] - v[VAR_BACKSTOP];
            province += balance;
            if ((t->entity == TARGET_ANY_REGION ||
                 (t->entity == TARGET_REGION && r == t->region)) &&
                balance < low)
                low = balance;
        }
        if (t->entity == TARGET_PROVINCE && province < low) low = province;
    }
    return low;
}
