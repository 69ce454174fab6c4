/* h5slice.c: reading a run's file back for `fundsim merge` (h5slice.h). The
 * description is read with the summary tables' reader (report_common.h), which
 * keeps the first problem and names the file in it. */
#include "output/h5slice.h"
#include "output/h5common.h"
#include "output/h5parts.h"
#include "output/report_common.h"
#include "sim/config/diag.h"

#include <hdf5.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct h5slice {
    hid_t file;
    char *path;
    struct h5slice_info info;
    /* what info.meta points to */
    char *version, *scenario_name, *scenario_text, *random_generator, *pooling, *assumptions;
    struct h5out_assumption *assumption_rows; /* the group /assumptions, when the file has it */
    char **region_names, **region_names_zh, **region_codes;
    double *opening_balance_yuan, *quantiles;
    hid_t paths[N_VARS], national[N_NVARS];
    double *buf; /* one variable of a block: [path][year][region] */
    size_t buf_paths;
};

/* Refuses what cannot be merged, before anything else is read, so that the
 * message says why rather than what is missing. */
static void check_kind(struct report_reader *rd)
{
    long long summary_only = 0;
    if (H5Lexists(rd->file, "diff", H5P_DEFAULT) > 0)
        report_problem(rd, "a comparison's file (it has /diff, from `fundsim compare`): "
                           "merging comparisons is not supported yet");
    report_read_attribute(rd, "/", "summary_only", H5T_NATIVE_LLONG, &summary_only);
    if (summary_only) report_problem(rd, "written with --summary-only: it has no paths to merge");
}

/* A root attribute that counts something: at least `min`. */
static size_t read_count(struct report_reader *rd, const char *name, long long min)
{
    long long v = 0;
    report_read_attribute(rd, "/", name, H5T_NATIVE_LLONG, &v);
    if (!rd->failed && v < min) report_problem(rd, "attribute %s is %lld", name, v);
    return rd->failed ? 0 : (size_t)v;
}

/* Whether /years holds the years of the root attributes, as h5out writes them:
 * those are what the merged file gets, and /years bounds them by the file's
 * size (its storage is checked) before they size the buffers. */
static void check_years(struct report_reader *rd, const struct h5out_meta *m)
{
    size_t n[1] = {m->years};
    int *years = report_read_ints(rd, "/years", 1, n);
    for (size_t y = 0; years && !rd->failed && y < m->years; y++)
        if (years[y] != (long long)m->start_year + (long long)y)
            report_problem(rd,
                           "/years holds %d as its year %zu, not %lld (from attribute "
                           "start_year)",
                           years[y], y + 1, (long long)m->start_year + (long long)y);
    free(years);
}

/* The group /assumptions (files from issue 24 on), for the merged file. */
static void read_assumptions(struct h5slice *s, struct report_reader *rd)
{
    if (rd->failed || H5Lexists(rd->file, "/assumptions", H5P_DEFAULT) <= 0) return;
    static const char *const names[5] = {"/assumptions/term", "/assumptions/value",
                                         "/assumptions/source", "/assumptions/detail_en",
                                         "/assumptions/detail_zh"};
    static const char *const sources[] = {"notice", "data", "assumed"};
    char **f[5] = {0};
    size_t n = 0;
    for (int k = 0; k < 5; k++)
        f[k] = report_read_strings(rd, names[k], &n);
    struct h5out_assumption *rows = rd->failed ? NULL : calloc(n ? n : 1, sizeof *rows);
    if (!rd->failed && !rows) report_problem(rd, "out of memory");
    for (size_t r = 0; rows && r < n; r++) {
        snprintf(rows[r].term, sizeof rows[r].term, "%s", f[0][r]);
        snprintf(rows[r].value, sizeof rows[r].value, "%s", f[1][r]);
        rows[r].source = sources[2];
        for (int k = 0; k < 3; k++)
            if (!strcmp(f[2][r], sources[k])) rows[r].source = sources[k];
        snprintf(rows[r].detail_en, sizeof rows[r].detail_en, "%s", f[3][r]);
        snprintf(rows[r].detail_zh, sizeof rows[r].detail_zh, "%s", f[4][r]);
    }
    for (int k = 0; k < 5; k++)
        report_free_strings(f[k], f[k] ? n : 0);
    s->assumption_rows = rows;
    s->info.meta.assumption_rows = rows;
    s->info.meta.n_assumption_rows = rows ? n : 0;
}

/* The root attributes; a slice's paths_from, paths_to and scenario_paths. */
static void read_root(struct h5slice *s, struct report_reader *rd)
{
    struct h5out_meta *m = &s->info.meta;
    m->version = s->version = report_read_text(rd, "/", "fundsim_version");
    m->scenario_name = s->scenario_name = report_read_text(rd, "/", "scenario_name");
    m->scenario_text = s->scenario_text = report_read_text(rd, "/", "scenario");
    m->random_generator = s->random_generator = report_read_text(rd, "/", "random_generator");
    m->pooling = s->pooling = report_read_text(rd, "/", "pooling");
    m->assumptions = s->assumptions = report_read_text(rd, "/", "assumptions");
    read_assumptions(s, rd);
    report_read_attribute(rd, "/", "rules_end_year", H5T_NATIVE_INT, &m->rules_end_year);
    /* a calibrated run's last actual year (absent: none) */
    if (!rd->failed && H5Aexists(rd->file, "history_end_year") > 0)
        report_read_attribute(rd, "/", "history_end_year", H5T_NATIVE_INT, &m->history_end_year);
    report_read_attribute(rd, "/", "seed", H5T_NATIVE_LLONG, &m->seed);
    report_read_attribute(rd, "/", "start_year", H5T_NATIVE_INT, &m->start_year);
    if (!rd->failed && (m->start_year < 1 || m->start_year > 9999))
        report_problem(rd, "attribute start_year is %d, not a year", m->start_year);
    m->years = read_count(rd, "years", 1);
    check_years(rd, m);
    m->paths = read_count(rd, "paths", 1);
    m->scenario_paths = m->paths;
    m->slice = !rd->failed && H5Aexists(rd->file, "paths_from") > 0;
    if (!m->slice) return;
    m->first_path = read_count(rd, "paths_from", 0);
    size_t to = read_count(rd, "paths_to", 1);
    m->scenario_paths = read_count(rd, "scenario_paths", 1);
    if (!rd->failed && (to - m->first_path != m->paths || to > m->scenario_paths))
        report_problem(rd,
                       "paths_from %zu and paths_to %zu do not make %zu paths of a run of "
                       "scenario_paths %zu",
                       m->first_path, to, m->paths, m->scenario_paths);
}

/* The regions, quantile levels, opening balances and warning thresholds. */
static void read_tables(struct h5slice *s, struct report_reader *rd)
{
    struct h5out_meta *m = &s->info.meta;
    size_t r[1] = {0}, q[1] = {0};
    s->region_names = report_read_strings(rd, "/regions", r);
    m->regions = r[0]; /* from here on, the region lists are freed by this count */
    s->region_names_zh = report_read_strings(rd, "/region_names_zh", r);
    s->region_codes = report_read_strings(rd, "/region_codes", r);
    s->opening_balance_yuan = report_read_doubles(rd, "/opening_balance", 1, r);
    s->quantiles = report_read_doubles(rd, "/quantiles", 1, q);
    if (s->quantiles) report_check_levels(rd, s->quantiles, q[0]);
    m->n_quantiles = q[0];
    m->region_names = (const char *const *)s->region_names;
    m->region_names_zh = (const char *const *)s->region_names_zh;
    m->region_codes = (const char *const *)s->region_codes;
    m->opening_balance_yuan = s->opening_balance_yuan;
    m->quantiles = s->quantiles;
    struct warning_params *w = &s->info.warning;
    const struct {
        const char *name;
        double *value;
    } thresholds[] = {{"insufficient_months", &w->insufficient_months},
                      {"low_months", &w->low_months},
                      {"target_months", &w->target_months},
                      {"excess_months", &w->excess_months},
                      {"depletion_probability", &w->depletion_probability},
                      {"max_balance_share", &w->max_balance_share}};
    for (size_t k = 0; k < sizeof thresholds / sizeof *thresholds; k++) {
        report_read_attribute(rd, "/warning", thresholds[k].name, H5T_NATIVE_DOUBLE,
                              thresholds[k].value);
        if (!rd->failed && !isfinite(*thresholds[k].value))
            report_problem(rd, "attribute %s of /warning is %g, not a finite number",
                           thresholds[k].name, *thresholds[k].value);
    }
}

/* Opens a per-path dataset, which must have the file's shape and be stored
 * as h5out stores it. Returns it, or -1. */
static hid_t open_paths(struct report_reader *rd, const char *group, const char *name, int rank,
                        const struct h5out_meta *m)
{
    if (rd->failed) return -1;
    char full[160];
    snprintf(full, sizeof full, "%s/%s", group, name);
    size_t dims[3] = {m->paths, m->years, m->regions};
    hsize_t chunk[3] = {h5out_paths_chunk(m->paths, m->years, m->regions), m->years, m->regions};
    return report_open_dataset(rd, full, H5T_NATIVE_DOUBLE, rank, dims, chunk);
}

struct h5slice *h5slice_open(const char *path, struct diag *d)
{
    struct h5slice *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        diag_fail(d, "%s: out of memory", path);
        free(s);
        return NULL;
    }
    for (int v = 0; v < N_VARS; v++)
        s->paths[v] = -1;
    for (int v = 0; v < N_NVARS; v++)
        s->national[v] = -1;
    s->file = report_open_file(path, d);
    if (s->file < 0) {
        h5slice_close(s);
        return NULL;
    }
    struct report_reader rd = {.file = s->file, .path = s->path, .d = d};
    check_kind(&rd);
    read_root(s, &rd);
    read_tables(s, &rd);
    const struct h5out_meta *m = &s->info.meta;
    for (int v = 0; v < N_VARS; v++)
        s->paths[v] = open_paths(&rd, "/paths", var_info[v].name, 3, m);
    for (int v = 0; v < N_NVARS; v++)
        s->national[v] = open_paths(&rd, "/paths/national", nvar_info[v].name, 2, m);
    if (rd.failed) {
        h5slice_close(s);
        return NULL;
    }
    return s;
}

const struct h5slice_info *h5slice_info(const struct h5slice *s)
{
    return &s->info;
}

const char *h5slice_path(const struct h5slice *s)
{
    return s->path;
}

/* Rows row .. row + n - 1 of a per-path dataset into `buf`. Returns 0 or -1. */
static int read_rows(hid_t ds, int rank, size_t row, size_t n, size_t years, size_t regions,
                     double *buf)
{
    hsize_t start[3] = {row, 0, 0}, count[3] = {n, years, regions};
    hid_t file_space = H5Dget_space(ds);
    hid_t mem_space = H5Screate_simple(rank, count, NULL);
    int rc = H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
                     H5Dread(ds, H5T_NATIVE_DOUBLE, mem_space, file_space, H5P_DEFAULT, buf) < 0
                 ? -1
                 : 0;
    H5Sclose(mem_space);
    H5Sclose(file_space);
    return rc;
}

int h5slice_read(struct h5slice *s, size_t first, size_t n, struct record_block *b, struct diag *d)
{
    const struct h5out_meta *m = &s->info.meta;
    if (n == 0 || first < m->first_path || n > m->paths || first - m->first_path > m->paths - n ||
        b->years != m->years || b->regions != m->regions) {
        diag_fail(d, "%s: internal error: paths %zu-%zu are not in the file", s->path, first,
                  first + n - 1);
        return -1;
    }
    size_t n_py = n * m->years, n_pyr = n_py * m->regions;
    if (n > s->buf_paths) {
        double *buf = realloc(s->buf, n_pyr * sizeof *buf);
        if (!buf) {
            diag_fail(d, "%s: out of memory", s->path);
            return -1;
        }
        s->buf = buf;
        s->buf_paths = n;
    }
    b->first_path = first;
    b->n_paths = n;
    /* One variable at a time: [p][y][r] -> [p][y][r][var], as h5out writes them. */
    for (int v = 0; v < N_VARS + N_NVARS; v++) {
        bool national = v >= N_VARS;
        hid_t ds = national ? s->national[v - N_VARS] : s->paths[v];
        if (read_rows(ds, national ? 2 : 3, first - m->first_path, n, m->years, m->regions,
                      s->buf)) {
            h5common_fail(d, "%s: damaged: cannot read paths %zu-%zu of /paths/%s%s", s->path,
                          first, first + n - 1, national ? "national/" : "",
                          national ? nvar_info[v - N_VARS].name : var_info[v].name);
            return -1;
        }
        size_t n_v = national ? n_py : n_pyr, stride = national ? N_NVARS : N_VARS;
        double *dst = national ? b->national + (v - N_VARS) : b->v + v;
        for (size_t k = 0; k < n_v; k++)
            dst[k * stride] = s->buf[k];
    }
    return 0;
}

void h5slice_close(struct h5slice *s)
{
    if (!s) return;
    for (int v = 0; v < N_VARS; v++)
        if (s->paths[v] >= 0) H5Dclose(s->paths[v]);
    for (int v = 0; v < N_NVARS; v++)
        if (s->national[v] >= 0) H5Dclose(s->national[v]);
    if (s->file >= 0) H5Fclose(s->file);
    size_t r = s->info.meta.regions;
    report_free_strings(s->region_names, r);
    report_free_strings(s->region_names_zh, r);
    report_free_strings(s->region_codes, r);
    free(s->opening_balance_yuan);
    free(s->quantiles);
    free(s->version);
    free(s->scenario_name);
    free(s->scenario_text);
    free(s->random_generator);
    free(s->pooling);
    free(s->assumptions);
    free(s->assumption_rows);
    free(s->buf);
    free(s->path);
    free(s);
}
