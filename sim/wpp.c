/* wpp.c: a strict reader for the UN WPP tables (see wpp.h).
 *
 * The layout is country_code,name,age,<column>,<column>,... with one row per
 * age group. Anything else (a missing column, a non-numeric cell, a negative
 * value, ages out of order) is an error naming the file and line. */
#include "wpp.h"

#include "diag.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WPP_MAX_LINE = 1 << 16, WPP_MAX_ROWS = 200 };

/* Splits `line` at commas in place; returns the number of fields. */
static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        fields[n++] = p;
        p = strchr(p, ',');
        if (!p) break;
        *p++ = '\0';
    }
    return n;
}

int wpp_read_column(const char *path, const char *column, const char *setting,
                    struct wpp_column *out, struct diag *d)
{
    *out = (struct wpp_column){0};
    FILE *f = fopen(path, "r");
    if (!f) {
        diag_path(d, setting, path, 0, "cannot read the data file: %s", strerror(errno));
        return -1;
    }
    char *line = malloc(WPP_MAX_LINE);
    char **fields = malloc(1024 * sizeof *fields);
    out->first_age = malloc(WPP_MAX_ROWS * sizeof *out->first_age);
    out->value = malloc(WPP_MAX_ROWS * sizeof *out->value);
    if (!line || !fields || !out->first_age || !out->value) abort();
    int status = 0, lineno = 1;
    size_t col = 0;
    if (!fgets(line, WPP_MAX_LINE, f)) {
        diag_path(d, setting, path, 1, "the data file is empty");
        status = -1;
    } else {
        size_t n = split(line, fields, 1024);
        for (size_t k = 3; k < n && !col; k++)
            if (strcmp(fields[k], column) == 0) col = k;
        if (n < 4 || strcmp(fields[2], "age") != 0) {
            diag_path(d, setting, path, 1, "expected a header country_code,name,age,<years...>");
            status = -1;
        } else if (!col) {
            diag_path(d, setting, path, 1, "no column \"%s\" in the data file", column);
            status = -1;
        }
    }
    while (status == 0 && fgets(line, WPP_MAX_LINE, f)) {
        lineno++;
        if (line[strspn(line, " \r\n")] == '\0') continue;
        size_t n = split(line, fields, 1024);
        char *end;
        long age = strtol(fields[n > 2 ? 2 : 0], &end, 10);
        double v = col < n ? strtod(fields[col], &end) : NAN;
        if (n <= col || end == fields[col] || *end || !isfinite(v) || v < 0) {
            diag_path(d, setting, path, lineno, "expected a number ≥ 0 in column \"%s\"", column);
            status = -1;
        } else if (age < 0 || age > 130 || (out->n && age <= out->first_age[out->n - 1])) {
            diag_path(d, setting, path, lineno, "expected age groups in increasing order from 0");
            status = -1;
        } else if (out->n == WPP_MAX_ROWS) {
            diag_path(d, setting, path, lineno, "more than %d age groups", WPP_MAX_ROWS);
            status = -1;
        } else {
            out->first_age[out->n] = (int)age;
            out->value[out->n++] = v;
        }
    }
    if (status == 0 && (out->n == 0 || out->first_age[0] != 0)) {
        diag_path(d, setting, path, lineno, "expected age groups starting at age 0");
        status = -1;
    }
    fclose(f);
    free(line);
    free(fields);
    if (status) wpp_column_free(out);
    return status;
}

void wpp_column_free(struct wpp_column *c)
{
    free(c->first_age);
    free(c->value);
    *c = (struct wpp_column){0};
}
