/* report.c: the summary table of a run's HDF5 file (report.h).
 *
 * `struct table` holds what the table needs, read whole from the file's
 * summaries (arrays row-major as the file stores them: [year][region][quantile]
 * and so on). A `struct reader` carries the first problem met, so that the
 * reads follow one another without a check after each. */
#include "report.h"
#include "h5common.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_RANK = 3 };

/* The band printed: its low end, its middle and its high end. */
static const double band_levels[3] = {0.05, 0.5, 0.95};

struct table {
    size_t Y, R, Q, L; /* years, regions, quantile levels, warning levels */
    int *years;
    char **regions, **names_zh, **level_names;
    double *quantiles;
    double *balance_q, *months_q;                   /* [Y][R][Q]: yuan, months */
    double *province_balance_q, *province_months_q; /* [Y][Q] */
    double *p_depleted, *p_level;                   /* [Y][R], [Y][R][L] */
    double *province_p_depleted;                    /* [Y] */
    int *level, *first_year_at_risk;                /* [Y][R], [R] */
    double depletion_probability;
    char *scenario_name;
    long long paths, seed;
    size_t band[3]; /* indices of the quantile levels nearest band_levels */
};

struct reader {
    hid_t file;
    const char *path;
    char *err;
    size_t n_err;
    bool failed;
};

static void problem(struct reader *rd, const char *fmt, ...)
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
static hid_t open_checked(struct reader *rd, const char *name, int rank, size_t *dims)
{
    if (rd->failed) return -1;
    hid_t ds =
        H5Lexists(rd->file, name, H5P_DEFAULT) > 0 ? H5Dopen2(rd->file, name, H5P_DEFAULT) : -1;
    if (ds < 0) {
        problem(rd, "not a fundsim summary file: %s is missing", name);
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
        problem(rd, "%s has shape %s, expected %s", name, shape, expected);
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
static void *read_numbers(struct reader *rd, const char *name, hid_t type, int rank, size_t *dims)
{
    hid_t ds = open_checked(rd, name, rank, dims);
    if (ds < 0) return NULL;
    void *buf = malloc(count_of(rank, dims) * H5Tget_size(type));
    if (!buf)
        problem(rd, "out of memory reading %s", name);
    else if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        h5common_fail(rd->err, rd->n_err, "%s: cannot read %s as numbers", rd->path, name);
        rd->failed = true;
        free(buf);
        buf = NULL;
    }
    H5Dclose(ds);
    return buf;
}

static double *read_doubles(struct reader *rd, const char *name, int rank, size_t *dims)
{
    return read_numbers(rd, name, H5T_NATIVE_DOUBLE, rank, dims);
}

static int *read_ints(struct reader *rd, const char *name, int rank, size_t *dims)
{
    return read_numbers(rd, name, H5T_NATIVE_INT, rank, dims);
}

static void free_strings(char **s, size_t n)
{
    for (size_t k = 0; s && k < n; k++)
        free(s[k]);
    free(s);
}

/* Reads a 1-D dataset of variable-length strings of size *n (0: any) into copies. */
static char **read_strings(struct reader *rd, const char *name, size_t *n)
{
    hid_t ds = open_checked(rd, name, 1, n);
    if (ds < 0) return NULL;
    hid_t type = h5common_utf8_type();
    char **raw = calloc(*n, sizeof *raw), **copy = calloc(*n, sizeof *copy);
    if (!raw || !copy)
        problem(rd, "out of memory reading %s", name);
    else if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
        h5common_fail(rd->err, rd->n_err, "%s: cannot read %s as variable-length strings", rd->path,
                      name);
        rd->failed = true;
    } else {
        for (size_t k = 0; k < *n && !rd->failed; k++)
            if (!(copy[k] = strdup(raw[k] ? raw[k] : ""))) problem(rd, "out of memory");
        hid_t space = H5Dget_space(ds);
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, raw);
        H5Sclose(space);
    }
    free(raw);
    H5Tclose(type);
    H5Dclose(ds);
    if (!rd->failed) return copy;
    free_strings(copy, *n);
    return NULL;
}

/* Reads a scalar attribute of `object` as `type`; a string attribute when
 * `type` is the UTF-8 string type (into a char *, freed with H5free_memory). */
static void read_attribute(struct reader *rd, const char *object, const char *name, hid_t type,
                           void *value)
{
    if (rd->failed) return;
    hid_t a = H5Aexists_by_name(rd->file, object, name, H5P_DEFAULT) > 0
                  ? H5Aopen_by_name(rd->file, object, name, H5P_DEFAULT, H5P_DEFAULT)
                  : -1;
    if (a < 0) {
        problem(rd, "not a fundsim summary file: attribute %s of %s is missing", name, object);
        return;
    }
    if (H5Aread(a, type, value) < 0) {
        h5common_fail(rd->err, rd->n_err, "%s: cannot read attribute %s of %s", rd->path, name,
                      object);
        rd->failed = true;
    }
    H5Aclose(a);
}

static void table_free(struct table *t)
{
    free(t->years);
    free_strings(t->regions, t->R);
    free_strings(t->names_zh, t->R);
    free_strings(t->level_names, t->L);
    free(t->quantiles);
    free(t->balance_q);
    free(t->months_q);
    free(t->province_balance_q);
    free(t->province_months_q);
    free(t->p_depleted);
    free(t->p_level);
    free(t->province_p_depleted);
    free(t->level);
    free(t->first_year_at_risk);
    free(t->scenario_name);
}

static size_t nearest_level(const double *q, size_t n, double level)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (fabs(q[k] - level) < fabs(q[best] - level)) best = k;
    return best;
}

static void read_table(struct reader *rd, struct table *t)
{
    size_t y[1] = {0}, r[1] = {0}, q[1] = {0}, l[1] = {0};
    t->years = read_ints(rd, "/years", 1, y);
    t->regions = read_strings(rd, "/regions", r);
    t->R = r[0]; /* from here on, read_strings' results are freed by count */
    t->names_zh = read_strings(rd, "/region_names_zh", r);
    t->quantiles = read_doubles(rd, "/quantiles", 1, q);
    t->level_names = read_strings(rd, "/warning/levels", l);
    t->Y = y[0], t->Q = q[0], t->L = l[0];
    size_t yrq[3] = {t->Y, t->R, t->Q}, yq[2] = {t->Y, t->Q}, yrl[3] = {t->Y, t->R, t->L};
    t->balance_q = read_doubles(rd, "/summary/balance_quantiles", 3, yrq);
    t->months_q = read_doubles(rd, "/summary/months_quantiles", 3, yrq);
    t->province_balance_q = read_doubles(rd, "/summary/province/balance_quantiles", 2, yq);
    t->province_months_q = read_doubles(rd, "/summary/province/months_quantiles", 2, yq);
    t->p_depleted = read_doubles(rd, "/warning/p_depleted", 2, yrq);
    t->p_level = read_doubles(rd, "/warning/p_level", 3, yrl);
    t->level = read_ints(rd, "/warning/level", 2, yrq);
    t->province_p_depleted = read_doubles(rd, "/warning/province_p_depleted", 1, y);
    t->first_year_at_risk = read_ints(rd, "/depletion/first_year_at_risk", 1, r);
    read_attribute(rd, "/warning", "depletion_probability", H5T_NATIVE_DOUBLE,
                   &t->depletion_probability);
    read_attribute(rd, "/", "paths", H5T_NATIVE_LLONG, &t->paths);
    read_attribute(rd, "/", "seed", H5T_NATIVE_LLONG, &t->seed);
    hid_t string = h5common_utf8_type();
    char *name = NULL;
    read_attribute(rd, "/", "scenario_name", string, &name);
    H5Tclose(string);
    if (name && !(t->scenario_name = strdup(name))) problem(rd, "out of memory");
    H5free_memory(name);
    for (size_t k = 0; !rd->failed && k < t->Y * t->R; k++)
        if (t->level[k] < 0 || (size_t)t->level[k] >= t->L)
            problem(rd, "/warning/level holds %d, not an index into /warning/levels", t->level[k]);
    for (int k = 0; k < 3 && !rd->failed; k++)
        t->band[k] = nearest_level(t->quantiles, t->Q, band_levels[k]);
}

/* "p5", "p50", "p2.5": the real level of a band's column. */
static void level_label(char *s, size_t n, double q)
{
    snprintf(s, n, "p%g", 100 * q);
}

/* The region's (or, r == R, the province's) three band values of `a`, scaled. */
static void band_of(const struct table *t, size_t y, size_t r, const double *regional,
                    const double *province, double scale, double *v)
{
    const double *q = r < t->R ? regional + (y * t->R + r) * t->Q : province + y * t->Q;
    for (int k = 0; k < 3; k++)
        v[k] = q[t->band[k]] * scale;
}

enum { YUAN_PER_YI = 100000000 }; /* 亿元: the unit of fund balances in the statistics */

static void print_text(const struct table *t, const char *path, const size_t *ys, size_t n_ys,
                       FILE *out)
{
    int w = (int)strlen("province");
    for (size_t r = 0; r < t->R; r++)
        if ((int)strlen(t->regions[r]) > w) w = (int)strlen(t->regions[r]);
    fprintf(out, "%s: scenario %s, %lld paths, seed %lld, years %d-%d\n", path, t->scenario_name,
            t->paths, t->seed, t->years[0], t->years[t->Y - 1]);
    fputs("Balance: at the end of the year, in 亿元 (100 million yuan). Months: months of\n"
          "payment. P(depl): probability that the balance is below 0. Level: the most likely\n"
          "early-warning level and its probability.\n\n",
          out);
    char lab[3][16];
    for (int k = 0; k < 3; k++)
        level_label(lab[k], sizeof lab[k], t->quantiles[t->band[k]]);
    fprintf(out, "%*s%30s%21s\n", 6 + w, "", "balance, 1e8 yuan", "months");
    fprintf(out, "year  %-*s%10s%10s%10s%7s%7s%7s%9s  level\n", w, "region", lab[0], lab[1], lab[2],
            lab[0], lab[1], lab[2], "P(depl)");
    for (size_t i = 0; i < n_ys; i++) {
        size_t y = ys[i];
        if (i > 0) fputc('\n', out);
        for (size_t r = 0; r <= t->R; r++) {
            double b[3], m[3];
            band_of(t, y, r, t->balance_q, t->province_balance_q, 1.0 / YUAN_PER_YI, b);
            band_of(t, y, r, t->months_q, t->province_months_q, 1, m);
            if (r == 0)
                fprintf(out, "%-4d  ", t->years[y]);
            else
                fputs("      ", out);
            /* a space before each figure, in case one is wider than its column */
            fprintf(out, "%-*s %9.2f %9.2f %9.2f %6.1f %6.1f %6.1f", w,
                    r < t->R ? t->regions[r] : "province", b[0], b[1], b[2], m[0], m[1], m[2]);
            if (r == t->R) {
                fprintf(out, " %8.3f  -\n", t->province_p_depleted[y]);
                continue;
            }
            size_t yr = y * t->R + r;
            int level = t->level[yr];
            fprintf(out, " %8.3f  %-6s %.2f\n", t->p_depleted[yr], t->level_names[level],
                    t->p_level[yr * t->L + (size_t)level]);
        }
    }
    fprintf(out, "\nFirst year with P(depl) >= %g:\n", t->depletion_probability);
    for (size_t r = 0; r < t->R; r++)
        if (t->first_year_at_risk[r])
            fprintf(out, "  %-*s  %d\n", w, t->regions[r], t->first_year_at_risk[r]);
        else
            fprintf(out, "  %-*s  -\n", w, t->regions[r]);
}

/* A CSV text field, quoted when it must be. */
static void put_csv_text(const char *s, FILE *out)
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

static void print_csv(const struct table *t, const size_t *ys, size_t n_ys, FILE *out)
{
    char lab[3][16];
    for (int k = 0; k < 3; k++)
        level_label(lab[k], sizeof lab[k], t->quantiles[t->band[k]]);
    fputs("year,region,name_zh", out);
    for (int k = 0; k < 3; k++)
        fprintf(out, ",balance_%s_1e8_yuan", lab[k]);
    for (int k = 0; k < 3; k++)
        fprintf(out, ",months_%s", lab[k]);
    fputs(",p_depleted,level,p_level,first_year_at_risk\n", out);
    for (size_t i = 0; i < n_ys; i++)
        for (size_t r = 0; r <= t->R; r++) {
            size_t y = ys[i], yr = y * t->R + r;
            double b[3], m[3];
            band_of(t, y, r, t->balance_q, t->province_balance_q, 1.0 / YUAN_PER_YI, b);
            band_of(t, y, r, t->months_q, t->province_months_q, 1, m);
            fprintf(out, "%d,", t->years[y]);
            put_csv_text(r < t->R ? t->regions[r] : "province", out);
            fputc(',', out);
            put_csv_text(r < t->R ? t->names_zh[r] : "全省", out);
            fprintf(out, ",%.6f,%.6f,%.6f,%.4f,%.4f,%.4f", b[0], b[1], b[2], m[0], m[1], m[2]);
            if (r == t->R) {
                fprintf(out, ",%.6f,,,\n", t->province_p_depleted[y]);
                continue;
            }
            int level = t->level[yr];
            fprintf(out, ",%.6f,%s,%.6f,", t->p_depleted[yr], t->level_names[level],
                    t->p_level[yr * t->L + (size_t)level]);
            if (t->first_year_at_risk[r]) fprintf(out, "%d", t->first_year_at_risk[r]);
            fputc('\n', out);
        }
}

/* The year indices to print: the chosen years, or the first, every fifth and
 * the last. Returns the count, or 0 with a message when a year is not in the file. */
static size_t choose_years(const struct table *t, const int *years, size_t n_years, size_t *ys,
                           const char *path, char *err, size_t n_err)
{
    if (n_years == 0) {
        size_t n = 0;
        for (size_t y = 0; y + 1 < t->Y; y += 5)
            ys[n++] = y;
        ys[n++] = t->Y - 1;
        return n;
    }
    for (size_t k = 0; k < n_years; k++) {
        long y = (long)years[k] - t->years[0];
        if (y < 0 || (size_t)y >= t->Y || t->years[y] != years[k]) {
            snprintf(err, n_err, "%s: year %d is not among the file's years %d-%d", path, years[k],
                     t->years[0], t->years[t->Y - 1]);
            return 0;
        }
        ys[k] = (size_t)y;
    }
    return n_years;
}

int report_print(const char *path, const int *years, size_t n_years, bool csv, FILE *out, char *err,
                 size_t n_err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors come back as messages, not on stderr */
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, n_err, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    fclose(f);
    struct reader rd = {.path = path, .err = err, .n_err = n_err};
    rd.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (rd.file < 0) {
        h5common_fail(err, n_err, "%s: not an HDF5 file", path);
        return -1;
    }
    struct table t = {0};
    read_table(&rd, &t);
    H5Fclose(rd.file);
    int rc = rd.failed ? -1 : 0;
    size_t *ys = rc ? NULL : malloc((n_years + t.Y / 5 + 2) * sizeof *ys);
    if (!rc && !ys) {
        snprintf(err, n_err, "%s: out of memory", path);
        rc = -1;
    }
    size_t n_ys = rc ? 0 : choose_years(&t, years, n_years, ys, path, err, n_err);
    if (!rc && n_ys == 0) rc = -2;
    if (!rc && csv)
        print_csv(&t, ys, n_ys, out);
    else if (!rc)
        print_text(&t, path, ys, n_ys, out);
    free(ys);
    table_free(&t);
    return rc;
}
