/* report_common.h: what the summary tables (report.c: the warning table and
 * the budget burden; report_diff.c: the policy comparison) share, with the
 * reader of slices for `fundsim merge` (h5slice.c). Internal to output/.
 * Every read of a run's file goes through the checked reads below, which
 * refuse a damaged file before HDF5 reads it into our memory.
 *
 * A `struct report_reader` carries the first problem met, so that the reads
 * follow one another without a check after each: after a failure every read
 * does nothing and returns NULL. A `struct report_run` holds the run's
 * dimensions and the years chosen for printing. Arrays are row-major as the
 * file stores them: [year][region][quantile] and so on. */
#ifndef FUNDSIM_REPORT_COMMON_H
#define FUNDSIM_REPORT_COMMON_H

#include "output/terms.h"

#include <hdf5.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct diag;

enum { YUAN_PER_YI = 100000000 }; /* 亿元: the unit of fund balances in the statistics */

/* The levels of government, in the order of the outlay_<level> variables. */
enum { N_GOV_LEVELS = 5 };
extern const char *const report_gov_levels[N_GOV_LEVELS];
/* Level k's name in the run's language (declared below). */
struct report_run;
const char *report_gov_level(const struct report_run *run, int k);

struct report_reader {
    hid_t file;
    const char *path;
    struct diag *d; /* where the first problem goes */
    bool failed;
};

struct report_run {
    size_t Y, R, Q; /* years, regions, quantile levels */
    int *years;
    char **regions, **names_zh;
    double *quantiles;
    size_t band[3];         /* indices of the quantile levels nearest 5, 50 and 95 % */
    char band_label[3][16]; /* "p5", "p50", "p95": their real levels */
    char *scenario_name;
    long long paths, seed;
    int name_width;           /* of the longest region name, "province" included */
    size_t *chosen, n_chosen; /* the year indices to print */
    /* a calibrated run's last actual year L (attribute history_end_year; 0:
     * none) and the index of the projection's first year, L + 1 (0: none) */
    int history_end_year;
    size_t first;
    enum lang lang;        /* of the text (report_run_set_lang) */
    char band_text[3][16]; /* the band's column labels in that language: p5 or 5% */
};

/* Sets the language of the text: the band's labels and the names' width. */
void report_run_set_lang(struct report_run *run, enum lang lang);

/* The term in the run's language. */
static inline const char *report_t(const struct report_run *run, enum term t)
{
    return term(t, run->lang);
}

/* The rows of a table by region: the regions, then the province's (r == R)
 * only when there is more than one region: a single city's own figures are
 * the province's. */
static inline size_t report_rows(const struct report_run *run)
{
    return run->R > 1 ? run->R + 1 : run->R;
}

/* Whether year index y is history (a calibrated run's years up to L). */
static inline bool report_history(const struct report_run *run, size_t y)
{
    return y < run->first;
}

/* Records the problem (prefixed by the file's path) unless one came before. */
void report_problem(struct report_reader *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The longest list attribute read (the variants of a comparison: a few). */
enum { REPORT_MAX_LIST = 1 << 16 };

/* Opens the run's file `path` for reading and turns off HDF5's printing of
 * its error stack: its failures become our messages. Returns the file, or -1
 * with a message naming it in `d`: it cannot be opened, is a folder or not
 * a regular file, is not an HDF5 file, or is a damaged one (h5probe.h has
 * read it first in a child process). */
hid_t report_open_file(const char *path, struct diag *d);

/* Every read below checks, before HDF5 reads anything into our memory, that
 * the object is what fundsim writes: an attribute holds one value (a scalar,
 * or a list of one), or a list for report_read_texts; a dataset has the rank
 * and extent asked for, its values are plain integers, IEEE numbers or
 * variable-length strings as the memory type reads, and it is stored as
 * fundsim stores it. Anything else is a problem naming the file and the
 * object. */

/* Opens dataset `name` of rank `rank` (at most 3) whose file type fits the
 * memory type `type`: dims[k] must match where it is not 0, and a 0 is
 * replaced by the file's size. `chunk` NULL: stored contiguous, without
 * filters, in as many bytes as its shape says; else chunked in `chunk`,
 * shuffled and deflated, every chunk written. Returns the dataset, or -1. */
hid_t report_open_dataset(struct report_reader *rd, const char *name, hid_t type, int rank,
                          size_t *dims, const hsize_t *chunk);

/* Reads a whole numeric dataset of rank `rank`: dims[k] must match where it
 * is not 0, and a 0 is replaced by the file's size. */
double *report_read_doubles(struct report_reader *rd, const char *name, int rank, size_t *dims);
/* Reads `regional` [Y][R] (with_q: [Y][R][Q]) and `province` [Y] ([Y][Q])
 * into one [Y][R + 1] ([Y][R + 1][Q]) array, the province last; NULL on a
 * problem (said in rd). */
double *report_read_with_province(struct report_reader *rd, const struct report_run *run,
                                  const char *regional, const char *province, bool with_q);
int *report_read_ints(struct report_reader *rd, const char *name, int rank, size_t *dims);

/* Reads a 1-D dataset of variable-length strings of size *n (0: any) into copies. */
char **report_read_strings(struct report_reader *rd, const char *name, size_t *n);
void report_free_strings(char **s, size_t n);

/* Reads a single numeric attribute of `object` as `type` (native: integers
 * from integers, doubles from floating point). */
void report_read_attribute(struct report_reader *rd, const char *object, const char *name,
                           hid_t type, void *value);
/* A single string attribute ("" for a null one), and a 1-D one of strings
 * (its size in *n, at most REPORT_MAX_LIST), as copies. */
char *report_read_text(struct report_reader *rd, const char *object, const char *name);
char **report_read_texts(struct report_reader *rd, const char *object, const char *name, size_t *n);

/* Checks the n quantile levels as a run writes them: in [0, 1], increasing. */
void report_check_levels(struct report_reader *rd, const double *q, size_t n);

/* Reads the dimensions, names, quantile levels and root attributes. */
void report_run_read(struct report_reader *rd, struct report_run *run);
void report_run_free(struct report_run *run);

/* Region r's name, or the province's for r == R. */
const char *report_region(const struct report_run *run, size_t r);
const char *report_region_zh(const struct report_run *run, size_t r);
/* Region r's name (r == R: the province's) in the run's language. */
const char *report_region_name(const struct report_run *run, size_t r);

/* A CSV text field, quoted when it must be. */
void report_put_csv_text(const char *s, FILE *out);
/* Writes a comma and the CSV column name of term `t` in the run's language:
 * the term is a printf format taking up to two strings, `a` and `b` (a band's
 * label, run->band_text[k], or another term's text): "balance_p5_1e8_yuan",
 * "累计结余5%（亿元）". */
void report_csv_column(FILE *out, const struct report_run *run, enum term t, const char *a,
                       const char *b);
/* Writes the first columns of a CSV's header, "year,region,name_zh" in the
 * run's language (after "variant," when `variant`). */
void report_csv_start(FILE *out, const struct report_run *run, bool variant);
/* The CSV's region code of row r: the region's name, or the province's
 * ("province"; 全省 in Chinese). */
const char *report_csv_region(const struct report_run *run, size_t r);

#endif
