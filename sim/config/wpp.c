/* wpp.c: a strict reader for the UN WPP tables (see wpp.h).
 *
 * The layout is country_code,name,age,<column>,<column>,... with one row per
 * age group. Anything else (a missing column, a non-numeric cell, a negative
 * value, ages out of order) is an error naming the file and line. */
#include "sim/config/wpp.h"

#include "sim/config/diag.h"
#include "sim/config/limit.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line's bytes and its fields (columns) at most: the readers' buffers. An
 * age beyond WPP_MAX_AGE is a mistake in the file (the models' cells end at
 * LIMIT_OLDEST_AGE: scenario.c checks each table against that). */
enum { WPP_MAX_LINE = 1 << 16, WPP_MAX_FIELDS = 1024, WPP_MAX_AGE = 130 };

/* Memory ran out reading the data file `path` for `setting`. */
static void no_memory(struct diag *d, const char *setting, const char *path)
{
    d->no_memory = true;
    diag_path(d, setting, path, 0, "out of memory reading the data file");
}

/* The data file, or NULL after saying why. */
static FILE *open_data(const char *path, const char *setting, struct diag *d)
{
    FILE *f = fopen(path, "r");
    if (f) return f;
    if (errno == ENOMEM)
        no_memory(d, setting, path);
    else
        diag_path(d, setting, path, 0, "cannot read the data file: %s", strerror(errno));
    return NULL;
}

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
    FILE *f = open_data(path, setting, d);
    if (!f) return -1;
    char *line = malloc(WPP_MAX_LINE);
    char **fields = malloc(WPP_MAX_FIELDS * sizeof *fields);
    out->first_age = malloc(LIMIT_DATA_AGE_GROUPS * sizeof *out->first_age);
    out->value = malloc(LIMIT_DATA_AGE_GROUPS * sizeof *out->value);
    int status = 0, lineno = 1;
    size_t col = 0;
    if (!line || !fields || !out->first_age || !out->value) {
        no_memory(d, setting, path);
        status = -1;
    } else if (!fgets(line, WPP_MAX_LINE, f)) {
        diag_path(d, setting, path, 1, "the data file is empty");
        status = -1;
    } else {
        size_t n = split(line, fields, WPP_MAX_FIELDS);
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
        size_t n = split(line, fields, WPP_MAX_FIELDS);
        char *end;
        long age = strtol(fields[n > 2 ? 2 : 0], &end, 10);
        double v = col < n ? strtod(fields[col], &end) : NAN;
        if (n <= col || end == fields[col] || *end || !isfinite(v) || v < 0) {
            diag_path(d, setting, path, lineno, "expected a number ≥ 0 in column \"%s\"", column);
            status = -1;
        } else if (age < 0 || age > WPP_MAX_AGE || (out->n && age <= out->first_age[out->n - 1])) {
            diag_path(d, setting, path, lineno, "expected age groups in increasing order from 0");
            status = -1;
        } else if (out->n == LIMIT_DATA_AGE_GROUPS) {
            diag_path(d, setting, path, lineno, "more than %d age groups", LIMIT_DATA_AGE_GROUPS);
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

/* ---- whole tables and series ---- */

/* "2020-2025" -> 2020, 2025; "2020" -> 2020, 2021. Returns 0, or -1. */
static int parse_period(const char *s, int *first, int *end)
{
    char *e;
    long a = strtol(s, &e, 10);
    if (e == s || a < 1000 || a > 9999) return -1;
    long b = a + 1;
    if (*e == '-') {
        const char *t = e + 1;
        b = strtol(t, &e, 10);
        if (e == t || b <= a || b > 9999) return -1;
    }
    if (*e) return -1;
    *first = (int)a;
    *end = (int)b;
    return 0;
}

/* "10-14" -> 10 and end 15; "100+" -> 100, open (end 0); "5" -> 5, end -1 (the next group's
 * first age). Returns 0, or -1. */
static int parse_age(const char *s, int *first, int *end)
{
    char *e;
    long a = strtol(s, &e, 10);
    if (e == s || a < 0 || a > WPP_MAX_AGE) return -1;
    *first = (int)a;
    *end = -1;
    if (*e == '+' && !e[1]) {
        *end = 0;
        return 0;
    }
    if (*e == '-') {
        const char *t = e + 1;
        long b = strtol(t, &e, 10);
        if (e == t || b < a || b > WPP_MAX_AGE) return -1;
        *end = (int)b + 1;
    }
    return *e ? -1 : 0;
}

int wpp_read_table(const char *path, const char *setting, int positive, struct wpp_table *out,
                   struct diag *d)
{
    *out = (struct wpp_table){0};
    FILE *f = open_data(path, setting, d);
    if (!f) return -1;
    char *line = malloc(WPP_MAX_LINE), *header = malloc(WPP_MAX_LINE);
    char **fields = malloc(WPP_MAX_FIELDS * sizeof *fields);
    char **labels = malloc(WPP_MAX_FIELDS * sizeof *labels);
    int status = 0, lineno = 1, last_end = -1;
    size_t cols = 0;
    if (!line || !header || !fields || !labels) {
        no_memory(d, setting, path);
        status = -1;
    } else if (!fgets(header, WPP_MAX_LINE, f)) {
        diag_path(d, setting, path, 1, "the data file is empty");
        status = -1;
    } else {
        size_t n = split(header, labels, WPP_MAX_FIELDS);
        if (n < 4 || strcmp(labels[2], "age") != 0) {
            diag_path(d, setting, path, 1, "expected a header country_code,name,age,<years...>");
            status = -1;
        } else {
            cols = n - 3;
            out->n_cols = cols;
            out->first_year = malloc(cols * sizeof *out->first_year);
            out->end_year = malloc(cols * sizeof *out->end_year);
            out->first_age = malloc(LIMIT_DATA_AGE_GROUPS * sizeof *out->first_age);
            out->value = malloc(LIMIT_DATA_AGE_GROUPS * cols * sizeof *out->value);
            if (!out->first_year || !out->end_year || !out->first_age || !out->value) {
                no_memory(d, setting, path);
                status = -1;
            }
        }
        for (size_t k = 0; status == 0 && k < cols; k++)
            if (parse_period(labels[k + 3], &out->first_year[k], &out->end_year[k]) ||
                (k && out->first_year[k] < out->end_year[k - 1])) {
                diag_path(d, setting, path, 1,
                          "expected years or periods such as 2020-2025 in increasing order, got "
                          "\"%s\"",
                          labels[k + 3]);
                status = -1;
            }
    }
    while (status == 0 && fgets(line, WPP_MAX_LINE, f)) {
        lineno++;
        if (line[strspn(line, " \r\n")] == '\0') continue;
        size_t n = split(line, fields, WPP_MAX_FIELDS);
        int first, end;
        if (n < 3 || parse_age(fields[2], &first, &end) ||
            (out->n_rows && (first <= out->first_age[out->n_rows - 1] || last_end == 0 ||
                             (last_end > 0 && first != last_end)))) {
            diag_path(d, setting, path, lineno,
                      "expected adjacent age groups in increasing order, the last one may be open "
                      "(\"100+\")");
            status = -1;
            break;
        }
        if (out->n_rows == LIMIT_DATA_AGE_GROUPS) {
            diag_path(d, setting, path, lineno, "more than %d age groups", LIMIT_DATA_AGE_GROUPS);
            status = -1;
            break;
        }
        for (size_t k = 0; k < cols; k++) {
            char *e = NULL;
            double v = k + 3 < n ? strtod(fields[k + 3], &e) : NAN;
            if (k + 3 >= n || e == fields[k + 3] || *e || !isfinite(v) || v < 0 ||
                (positive && v <= 0)) {
                diag_path(d, setting, path, lineno, "expected a number %s 0 in column \"%s\"",
                          positive ? ">" : "≥", labels[k + 3]);
                status = -1;
                break;
            }
            out->value[k * LIMIT_DATA_AGE_GROUPS + out->n_rows] = v;
        }
        out->first_age[out->n_rows++] = first;
        last_end = end;
    }
    if (status == 0 && out->n_rows == 0) {
        diag_path(d, setting, path, lineno, "the data file has no age groups");
        status = -1;
    }
    if (status == 0) {
        out->end_age = last_end < 0 ? 0 : last_end;
        /* pack the columns: value[col * n_rows + row] */
        for (size_t k = 0; k < cols; k++)
            memmove(&out->value[k * out->n_rows], &out->value[k * LIMIT_DATA_AGE_GROUPS],
                    out->n_rows * sizeof *out->value);
    }
    fclose(f);
    free(line);
    free(header);
    free(fields);
    free(labels);
    if (status) wpp_table_free(out);
    return status;
}

void wpp_table_free(struct wpp_table *t)
{
    free(t->first_age);
    free(t->first_year);
    free(t->end_year);
    free(t->value);
    *t = (struct wpp_table){0};
}

int wpp_read_series(const char *path, const char *setting, struct wpp_series *out, struct diag *d)
{
    *out = (struct wpp_series){0};
    FILE *f = open_data(path, setting, d);
    if (!f) return -1;
    char *line = malloc(WPP_MAX_LINE), *header = malloc(WPP_MAX_LINE);
    char **fields = malloc(WPP_MAX_FIELDS * sizeof *fields);
    char **labels = malloc(WPP_MAX_FIELDS * sizeof *labels);
    int status = 0, lineno = 1;
    size_t n_years = 0;
    if (!line || !header || !fields || !labels) {
        no_memory(d, setting, path);
        status = -1;
    } else if (!fgets(header, WPP_MAX_LINE, f)) {
        diag_path(d, setting, path, 1, "the data file is empty");
        status = -1;
    } else {
        size_t n = split(header, labels, WPP_MAX_FIELDS);
        for (size_t k = 2; k < n && status == 0; k++) {
            int first, end;
            if (parse_period(labels[k], &first, &end) || end != first + 1 ||
                (k > 2 && first != out->first_year + (int)(k - 2))) {
                diag_path(d, setting, path, 1,
                          "expected a header country_code,country,<consecutive years>, got \"%s\"",
                          labels[k]);
                status = -1;
            } else if (k == 2) {
                out->first_year = first;
            }
        }
        if (status == 0 && n < 3) {
            diag_path(d, setting, path, 1, "expected a header country_code,country,<years...>");
            status = -1;
        }
        n_years = n > 2 ? n - 2 : 0;
    }
    while (status == 0 && fgets(line, WPP_MAX_LINE, f)) {
        lineno++;
        if (line[strspn(line, " \r\n")] == '\0') continue;
        if (out->value) {
            diag_path(d, setting, path, lineno, "expected one row of data");
            status = -1;
            break;
        }
        size_t n = split(line, fields, WPP_MAX_FIELDS);
        out->value = malloc((n_years ? n_years : 1) * sizeof *out->value);
        if (!out->value) {
            no_memory(d, setting, path);
            status = -1;
            break;
        }
        for (size_t k = 0; k < n_years; k++) {
            char *e = NULL;
            double v = k + 2 < n ? strtod(fields[k + 2], &e) : NAN;
            if (k + 2 >= n || e == fields[k + 2] || *e || !isfinite(v) || v <= 0) {
                diag_path(d, setting, path, lineno, "expected a number > 0 for the year %s",
                          labels[k + 2]);
                status = -1;
                break;
            }
            out->value[k] = v;
        }
        out->n = n_years;
    }
    if (status == 0 && !out->value) {
        diag_path(d, setting, path, lineno, "the data file has no row of data");
        status = -1;
    }
    fclose(f);
    free(line);
    free(header);
    free(fields);
    free(labels);
    if (status) wpp_series_free(out);
    return status;
}

void wpp_series_free(struct wpp_series *s)
{
    free(s->value);
    *s = (struct wpp_series){0};
}
