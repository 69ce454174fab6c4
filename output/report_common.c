/* report_common.c: reading a run's file for the summary tables, and the
 * formatting they share (report_common.h). */
#include "output/report_common.h"
#include "output/h5common.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_RANK = 3 };

/* The band printed: its low end, its middle and its high end. */
static const double band_levels[3] = {0.05, 0.5, 0.95};

const char *const report_gov_levels[N_GOV_LEVELS] = {"central", "province", "city", "district",
                                                     "county"};

void report_problem(struct report_reader *rd, const char *fmt, ...)
{
    if (rd->failed) return;
    rd->failed = true;
    int used = snprintf(rd->err, rd->n_err, "%s: ", rd->path);
    if (used < 0 || (size_t)used >= rd->n_err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->err + used, rd->n_err - (size_t)used, fmt, ap);
    va_end(ap);
}

/* "[3][2]"; a 0 is written as `zero`. */
static void format_shape(char *s, size_t n, int rank, const hsize_t *dims, const char *zero)
{
    size_t used = 0;
    s[0] = '\0';
    for (int k = 0; k < rank && used < n; k++)
        if (dims[k])
            used += (size_t)snprintf(s + used, n - used, "[%llu]", (unsigned long long)dims[k]);
        else
            used += (size_t)snprintf(s + used, n - used, "[%s]", zero);
}

/* Opens `name` and checks its shape: rank `rank`, and dims[k] where it is not
 * 0 (a 0 is replaced by the file's size). Returns the dataset, or -1. */
static hid_t open_checked(struct report_reader *rd, const char *name, int rank, size_t *dims)
{
    if (rd->failed) return -1;
    hid_t ds =
        H5Lexists(rd->file, name, H5P_DEFAULT) > 0 ? H5Dopen2(rd->file, name, H5P_DEFAULT) : -1;
    if (ds < 0) {
        report_problem(rd, "not a fundsim run file: %s is missing", name);
        return -1;
    }
    hid_t space = H5Dget_space(ds);
    hsize_t got[MAX_RANK], want[MAX_RANK];
    int got_rank = H5Sget_simple_extent_ndims(space);
    bool known = got_rank > 0 && got_rank <= MAX_RANK, ok = got_rank == rank;
    if (known) H5Sget_simple_extent_dims(space, got, NULL);
    for (int k = 0; k < rank; k++) {
        want[k] = dims[k];
        ok = ok && (dims[k] == 0 || dims[k] == got[k]) && got[k] > 0;
    }
    H5Sclose(space);
    if (!ok) {
        char shape[64], expected[64];
        if (known)
            format_shape(shape, sizeof shape, got_rank, got, "0");
        else
            snprintf(shape, sizeof shape, "of rank %d", got_rank);
        format_shape(expected, sizeof expected, rank, want, "any");
        report_problem(rd, "%s has shape %s, expected %s", name, shape, expected);
        H5Dclose(ds);
        return -1;
    }
    for (int k = 0; k < rank; k++)
        dims[k] = got[k];
    return ds;
}

static size_t count_of(int rank, const size_t *dims)
{
    size_t n = 1;
    for (int k = 0; k < rank; k++)
        n *= dims[k];
    return n;
}

/* Reads a whole numeric dataset, converted to `type` (native int or double). */
static void *read_numbers(struct report_reader *rd, const char *name, hid_t type, int rank,
                          size_t *dims)
{
    hid_t ds = open_checked(rd, name, rank, dims);
    if (ds < 0) return NULL;
    void *buf = malloc(count_of(rank, dims) * H5Tget_size(type));
    if (!buf)
        report_problem(rd, "out of memory reading %s", name);
    else if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        h5common_fail(rd->err, rd->n_err, "%s: cannot read %s as numbers", rd->path, name);
        rd->failed = true;
        free(buf);
        buf = NULL;
    }
    H5Dclose(ds);
    return buf;
}

double *report_read_doubles(struct report_reader *rd, const char *name, int rank, size_t *dims)
{
    return read_numbers(rd, name, H5T_NATIVE_DOUBLE, rank, dims);
}

int *report_read_ints(struct report_reader *rd, const char *name, int rank, size_t *dims)
{
    return read_numbers(rd, name, H5T_NATIVE_INT, rank, dims);
}

void report_free_strings(char **s, size_t n)
{
    for (size_t k = 0; s && k < n; k++)
        free(s[k]);
    free(s);
}

/* Copies the n strings HDF5 read into `raw`, then gives HDF5's back. */
static char **copy_strings(struct report_reader *rd, char **raw, size_t n, hid_t type, hid_t space)
{
    char **copy = calloc(n ? n : 1, sizeof *copy);
    if (!copy) report_problem(rd, "out of memory");
    for (size_t k = 0; k < n && !rd->failed; k++)
        if (!(copy[k] = strdup(raw[k] ? raw[k] : ""))) report_problem(rd, "out of memory");
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, raw);
    if (!rd->failed) return copy;
    report_free_strings(copy, n);
    return NULL;
}

char **report_read_strings(struct report_reader *rd, const char *name, size_t *n)
{
    hid_t ds = open_checked(rd, name, 1, n);
    if (ds < 0) return NULL;
    hid_t type = h5common_utf8_type();
    char **raw = calloc(*n, sizeof *raw), **copy = NULL;
    if (!raw)
        report_problem(rd, "out of memory reading %s", name);
    else if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
        h5common_fail(rd->err, rd->n_err, "%s: cannot read %s as variable-length strings", rd->path,
                      name);
        rd->failed = true;
    } else {
        hid_t space = H5Dget_space(ds);
        copy = copy_strings(rd, raw, *n, type, space);
        H5Sclose(space);
    }
    free(raw);
    H5Tclose(type);
    H5Dclose(ds);
    return copy;
}

/* Opens attribute `name` of `object`, or records that it is missing. */
static hid_t open_attribute(struct report_reader *rd, const char *object, const char *name)
{
    if (rd->failed) return -1;
    if (H5Aexists_by_name(rd->file, object, name, H5P_DEFAULT) > 0)
        return H5Aopen_by_name(rd->file, object, name, H5P_DEFAULT, H5P_DEFAULT);
    report_problem(rd, "not a fundsim run file: attribute %s of %s is missing", name, object);
    return -1;
}

static void read_failed(struct report_reader *rd, const char *object, const char *name)
{
    h5common_fail(rd->err, rd->n_err, "%s: cannot read attribute %s of %s", rd->path, name, object);
    rd->failed = true;
}

void report_read_attribute(struct report_reader *rd, const char *object, const char *name,
                           hid_t type, void *value)
{
    hid_t a = open_attribute(rd, object, name);
    if (a < 0) return;
    if (H5Aread(a, type, value) < 0) read_failed(rd, object, name);
    H5Aclose(a);
}

char *report_read_text(struct report_reader *rd, const char *object, const char *name)
{
    hid_t string = h5common_utf8_type();
    char *raw = NULL, *copy = NULL;
    report_read_attribute(rd, object, name, string, &raw);
    H5Tclose(string);
    if (raw && !(copy = strdup(raw))) report_problem(rd, "out of memory");
    H5free_memory(raw);
    return copy;
}

char **report_read_texts(struct report_reader *rd, const char *object, const char *name, size_t *n)
{
    hid_t a = open_attribute(rd, object, name);
    if (a < 0) return NULL;
    hid_t space = H5Aget_space(a), type = h5common_utf8_type();
    hsize_t dims[1];
    char **raw = NULL, **copy = NULL;
    if (H5Sget_simple_extent_ndims(space) != 1) {
        report_problem(rd, "attribute %s of %s is not a list", name, object);
    } else {
        H5Sget_simple_extent_dims(space, dims, NULL);
        *n = dims[0];
        if (!(raw = calloc(*n ? *n : 1, sizeof *raw)))
            report_problem(rd, "out of memory");
        else if (H5Aread(a, type, raw) < 0)
            read_failed(rd, object, name);
        else
            copy = copy_strings(rd, raw, *n, type, space);
    }
    free(raw);
    H5Tclose(type);
    H5Sclose(space);
    H5Aclose(a);
    return copy;
}

static size_t nearest_level(const double *q, size_t n, double level)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (fabs(q[k] - level) < fabs(q[best] - level)) best = k;
    return best;
}

void report_run_read(struct report_reader *rd, struct report_run *run)
{
    size_t y[1] = {0}, r[1] = {0}, q[1] = {0};
    run->years = report_read_ints(rd, "/years", 1, y);
    run->regions = report_read_strings(rd, "/regions", r);
    run->R = r[0]; /* from here on, read_strings' results are freed by count */
    run->names_zh = report_read_strings(rd, "/region_names_zh", r);
    run->quantiles = report_read_doubles(rd, "/quantiles", 1, q);
    run->Y = y[0], run->Q = q[0];
    report_read_attribute(rd, "/", "paths", H5T_NATIVE_LLONG, &run->paths);
    report_read_attribute(rd, "/", "seed", H5T_NATIVE_LLONG, &run->seed);
    run->scenario_name = report_read_text(rd, "/", "scenario_name");
    if (rd->failed) return;
    for (int k = 0; k < 3; k++) {
        run->band[k] = nearest_level(run->quantiles, run->Q, band_levels[k]);
        snprintf(run->band_label[k], sizeof run->band_label[k], "p%g",
                 100 * run->quantiles[run->band[k]]);
    }
    run->name_width = (int)strlen("province");
    for (size_t k = 0; k < run->R; k++)
        if ((int)strlen(run->regions[k]) > run->name_width)
            run->name_width = (int)strlen(run->regions[k]);
}

void report_run_free(struct report_run *run)
{
    free(run->years);
    report_free_strings(run->regions, run->R);
    report_free_strings(run->names_zh, run->R);
    free(run->quantiles);
    free(run->scenario_name);
    free(run->chosen);
}

const char *report_region(const struct report_run *run, size_t r)
{
    return r < run->R ? run->regions[r] : "province";
}

const char *report_region_zh(const struct report_run *run, size_t r)
{
    return r < run->R ? run->names_zh[r] : "全省";
}

void report_put_csv_text(const char *s, FILE *out)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}
