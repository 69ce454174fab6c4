/* report_common.c: reading a run's file for the summary tables and for
 * `fundsim merge`, every object checked before it is read, and the
 * formatting the tables share (report_common.h). */
#include "output/report_common.h"
#include "output/h5common.h"
#include "output/h5probe.h"
#include "sim/config/diag.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_RANK = 3 };

/* The band printed: its low end, its middle and its high end. */
static const double band_levels[3] = {0.05, 0.5, 0.95};

const char *const report_gov_levels[N_GOV_LEVELS] = {"central", "province", "city", "district",
                                                     "county"};

void report_problem(struct report_reader *rd, const char *fmt, ...)
{
    if (rd->failed) return;
    rd->failed = true;
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    diag_fail(rd->d, "%s: %s", rd->path, what);
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

hid_t report_open_file(const char *path, struct diag *d)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors come back as messages, not on stderr */
    struct stat st;
    if (stat(path, &st) != 0) {
        diag_fail(d, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        diag_fail(d, "%s is a folder, not a run's file", path);
        return -1;
    }
    /* A FIFO or a device would block HDF5's reads, or never end them. */
    if (!S_ISREG(st.st_mode)) {
        diag_fail(d, "%s is not a regular file, so not a run's file", path);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_fail(d, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    fclose(f);
    htri_t hdf5 = H5Fis_hdf5(path);
    if (hdf5 == 0) {
        diag_fail(d, "%s: not an HDF5 file, so not a run's file", path);
        return -1;
    }
    /* HDF5 reads it in a child process first: if that crashes, we do not */
    if (hdf5 > 0 && h5probe_file(path, d)) return -1;
    hid_t file = hdf5 > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    if (file < 0) h5common_fail(d, "%s: a damaged HDF5 file: it cannot be opened", path);
    return file;
}

/* The file types that a number may have: standard integers and IEEE floats of
 * either byte order. Anything else (odd sizes, offsets, precisions, which a
 * damaged file may describe) is refused before HDF5 converts it. */
static bool plain_number(hid_t type, H5T_class_t want)
{
    if (H5Tget_class(type) != want) return false;
    const hid_t ints[] = {H5T_STD_I8LE,  H5T_STD_I8BE,  H5T_STD_I16LE, H5T_STD_I16BE,
                          H5T_STD_I32LE, H5T_STD_I32BE, H5T_STD_I64LE, H5T_STD_I64BE,
                          H5T_STD_U8LE,  H5T_STD_U8BE,  H5T_STD_U16LE, H5T_STD_U16BE,
                          H5T_STD_U32LE, H5T_STD_U32BE, H5T_STD_U64LE, H5T_STD_U64BE};
    const hid_t floats[] = {H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE};
    bool integer = want == H5T_INTEGER;
    const hid_t *list = integer ? ints : floats;
    size_t n = integer ? sizeof ints / sizeof *ints : sizeof floats / sizeof *floats;
    for (size_t k = 0; k < n; k++)
        if (H5Tequal(type, list[k]) > 0) return true;
    return false;
}

/* Whether the file type `type` holds what memory type `mem` reads: a plain
 * number of its class, or a variable-length string. */
static bool type_fits(hid_t type, hid_t mem)
{
    H5T_class_t want = H5Tget_class(mem);
    if (want == H5T_STRING) return H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0;
    return plain_number(type, want);
}

/* "integers", "numbers" or "texts": what memory type `mem` reads. */
static const char *kind_of(hid_t mem, bool plural)
{
    switch (H5Tget_class(mem)) {
    case H5T_INTEGER:
        return plural ? "integers" : "integer";
    case H5T_STRING:
        return plural ? "texts" : "text";
    default:
        return plural ? "numbers" : "number";
    }
}

/* Whether the dataset's type fits `mem`; records the problem if not. */
static bool check_type(struct report_reader *rd, hid_t ds, const char *name, hid_t mem)
{
    hid_t type = H5Dget_type(ds);
    bool ok = type >= 0 && type_fits(type, mem);
    if (type >= 0) H5Tclose(type);
    if (!ok)
        report_problem(rd, "%s does not hold %s, as in a run's file", name, kind_of(mem, true));
    return ok;
}

/* Whether the values of a contiguous dataset of shape `dims` take the bytes
 * they should, within the file: its extent and its storage are both read from
 * the file, and a damaged extent would have us allocate, and HDF5 read,
 * beyond the data. The references of variable-length strings are checked too. */
static bool check_storage(struct report_reader *rd, hid_t ds, const char *name, int rank,
                          const hsize_t *dims)
{
    hid_t type = H5Dget_type(ds);
    bool strings = type >= 0 && H5Tis_variable_str(type) > 0;
    size_t size = type < 0 ? 0 : strings ? h5probe_string_ref_size(rd->file) : H5Tget_size(type);
    if (type >= 0) H5Tclose(type);
    hsize_t file_size = 0, storage = H5Dget_storage_size(ds), n = 1;
    H5Fget_filesize(rd->file, &file_size);
    bool ok = size > 0;
    for (int k = 0; k < rank && ok; k++) {
        ok = dims[k] <= file_size / size / n; /* n * dims[k] * size within the file */
        n *= dims[k];
    }
    if (ok && storage == n * size && (!strings || h5probe_strings(rd->file, rd->path, ds, n) == 0))
        return true;
    if (ok && storage == n * size) {
        report_problem(rd, "%s is damaged: its strings are not all in the file", name);
        return false;
    }
    char shape[64];
    format_shape(shape, sizeof shape, rank, dims, "0");
    report_problem(rd, "%s is damaged: its shape %s does not fit the %llu bytes it takes", name,
                   shape, (unsigned long long)storage);
    return false;
}

/* Whether a chunked dataset is stored as fundsim writes it: in chunks of
 * `want` with the filters shuffle and deflate, every chunk written. HDF5 1.10
 * trusts the chunk dimensions: other ones than the data were written with
 * make it read beyond its buffers, or fill the paths with zeros. */
static bool check_chunks(struct report_reader *rd, hid_t ds, hid_t dcpl, const char *name, int rank,
                         const hsize_t *dims, const hsize_t *want)
{
    hsize_t chunk[MAX_RANK] = {0};
    int chunk_rank = H5Pget_chunk(dcpl, MAX_RANK, chunk);
    bool ok = chunk_rank == rank;
    for (int k = 0; k < rank && ok; k++)
        ok = chunk[k] == want[k] && want[k] > 0;
    if (!ok) {
        char got[64] = "of another rank", expected[64];
        if (chunk_rank > 0 && chunk_rank <= MAX_RANK)
            format_shape(got, sizeof got, chunk_rank, chunk, "0");
        format_shape(expected, sizeof expected, rank, want, "0");
        report_problem(rd, "%s is damaged: its chunks are %s, not %s as fundsim writes them", name,
                       got, expected);
        return false;
    }
    int n_filters = H5Pget_nfilters(dcpl);
    ok = n_filters == 2;
    for (int k = 0; k < n_filters && ok; k++) {
        unsigned flags, config;
        size_t n_values = 0;
        H5Z_filter_t id =
            H5Pget_filter2(dcpl, (unsigned)k, &flags, &n_values, NULL, 0, NULL, &config);
        ok = id == (k == 0 ? H5Z_FILTER_SHUFFLE : H5Z_FILTER_DEFLATE);
    }
    if (!ok) {
        report_problem(rd, "%s is not compressed as fundsim writes it (shuffle, then deflate)",
                       name);
        return false;
    }
    hsize_t n_chunks = 1, stored = 0;
    for (int k = 0; k < rank; k++) {
        hsize_t along = dims[k] / chunk[k] + (dims[k] % chunk[k] != 0);
        n_chunks = n_chunks <= HSIZE_UNDEF / along ? n_chunks * along : HSIZE_UNDEF;
    }
    hid_t space = H5Dget_space(ds);
    ok = H5Dget_num_chunks(ds, space, &stored) >= 0 && stored == n_chunks;
    H5Sclose(space);
    if (!ok)
        report_problem(rd, "%s is damaged: it holds %llu chunks of data, not %llu", name,
                       (unsigned long long)stored, (unsigned long long)n_chunks);
    return ok;
}

/* Whether the dataset is stored as fundsim stores it: contiguous and without
 * filters when `chunk` is NULL, else as check_chunks says. */
static bool check_layout(struct report_reader *rd, hid_t ds, const char *name, int rank,
                         const hsize_t *dims, const hsize_t *chunk)
{
    hid_t dcpl = H5Dget_create_plist(ds);
    if (dcpl < 0) {
        report_problem(rd, "%s is damaged: its storage cannot be read", name);
        return false;
    }
    H5D_layout_t layout = H5Pget_layout(dcpl);
    bool ok;
    if (chunk && layout == H5D_CHUNKED)
        ok = check_chunks(rd, ds, dcpl, name, rank, dims, chunk);
    else if (!chunk && layout == H5D_CONTIGUOUS && H5Pget_nfilters(dcpl) == 0)
        ok = check_storage(rd, ds, name, rank, dims);
    else {
        report_problem(rd,
                       "%s is not stored as fundsim stores it (%s): the file is damaged or "
                       "was rewritten by another tool",
                       name, chunk ? "chunked and compressed" : "contiguous, uncompressed");
        ok = false;
    }
    H5Pclose(dcpl);
    return ok;
}
/* Opens `name` and checks its shape: rank `rank`, and dims[k] where it is not
 * 0 (a 0 is replaced by the file's size); then its type and its storage. */
hid_t report_open_dataset(struct report_reader *rd, const char *name, hid_t type, int rank,
                          size_t *dims, const hsize_t *chunk)
{
    if (rd->failed) return -1;
    if (H5Lexists(rd->file, name, H5P_DEFAULT) <= 0) {
        report_problem(rd, "not a fundsim run file: %s is missing", name);
        return -1;
    }
    hid_t ds = H5Dopen2(rd->file, name, H5P_DEFAULT);
    if (ds < 0) {
        h5common_fail(rd->d, "%s: %s is damaged: it cannot be opened", rd->path, name);
        rd->failed = true;
        return -1;
    }
    hid_t space = H5Dget_space(ds);
    hsize_t got[MAX_RANK], want[MAX_RANK];
    int got_rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    bool known = got_rank > 0 && got_rank <= MAX_RANK, ok = got_rank == rank;
    if (known) H5Sget_simple_extent_dims(space, got, NULL);
    for (int k = 0; k < rank; k++) {
        want[k] = dims[k];
        ok = ok && (dims[k] == 0 || dims[k] == got[k]) && got[k] > 0;
    }
    if (space >= 0) H5Sclose(space);
    if (!ok) {
        char shape[64], expected[64];
        if (known)
            format_shape(shape, sizeof shape, got_rank, got, "0");
        else
            snprintf(shape, sizeof shape, "of rank %d", got_rank);
        format_shape(expected, sizeof expected, rank, want, "any");
        report_problem(rd, "%s has shape %s, expected %s", name, shape, expected);
    } else
        ok = check_type(rd, ds, name, type) && check_layout(rd, ds, name, rank, got, chunk);
    if (!ok) {
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
    hid_t ds = report_open_dataset(rd, name, type, rank, dims, NULL);
    if (ds < 0) return NULL;
    void *buf = malloc(count_of(rank, dims) * H5Tget_size(type));
    if (!buf)
        report_problem(rd, "out of memory reading %s", name);
    else if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        h5common_fail(rd->d, "%s: %s is damaged: it cannot be read", rd->path, name);
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
    hid_t type = h5common_utf8_type();
    hid_t ds = report_open_dataset(rd, name, type, 1, n, NULL);
    char **raw = NULL, **copy = NULL;
    if (ds < 0)
        ;
    else if (!(raw = calloc(*n, sizeof *raw)))
        report_problem(rd, "out of memory reading %s", name);
    else if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
        h5common_fail(rd->d, "%s: %s is damaged: it cannot be read", rd->path, name);
        rd->failed = true;
    } else {
        hid_t space = H5Dget_space(ds);
        copy = copy_strings(rd, raw, *n, type, space);
        H5Sclose(space);
    }
    free(raw);
    H5Tclose(type);
    if (ds >= 0) H5Dclose(ds);
    return copy;
}

/* Opens attribute `name` of `object` and checks that it holds what `mem`
 * reads: one value (`list` false), or a list of at most `max` (`list`
 * true, its length in *n). Returns the attribute, or -1 with the problem
 * recorded: it is missing, or of another shape or type, as in a damaged file
 * (reading an array into one value would write beyond it). */
static hid_t open_attribute(struct report_reader *rd, const char *object, const char *name,
                            hid_t mem, bool list, size_t *n)
{
    if (rd->failed) return -1;
    if (H5Aexists_by_name(rd->file, object, name, H5P_DEFAULT) <= 0) {
        report_problem(rd, "not a fundsim run file: attribute %s of %s is missing", name, object);
        return -1;
    }
    hid_t a = H5Aopen_by_name(rd->file, object, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t space = a < 0 ? -1 : H5Aget_space(a), type = a < 0 ? -1 : H5Aget_type(a);
    bool ok = space >= 0 && type >= 0 && type_fits(type, mem);
    if (ok && list) {
        hsize_t dims[1] = {0};
        ok = H5Sget_simple_extent_type(space) == H5S_SIMPLE &&
             H5Sget_simple_extent_ndims(space) == 1 &&
             H5Sget_simple_extent_dims(space, dims, NULL) == 1 && dims[0] <= REPORT_MAX_LIST;
        *n = dims[0];
    } else if (ok) /* a scalar, or a list of one (as H5LT writes them) */
        ok = H5Sget_simple_extent_type(space) == H5S_SCALAR ||
             (H5Sget_simple_extent_type(space) == H5S_SIMPLE &&
              H5Sget_simple_extent_npoints(space) == 1);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (a < 0)
        h5common_fail(rd->d, "%s: attribute %s of %s is damaged: it cannot be opened", rd->path,
                      name, object);
    else if (!ok)
        report_problem(rd, "attribute %s of %s is not %s %s", name, object,
                       list ? "a list of" : "a single", kind_of(mem, list));
    if (a >= 0 && ok) return a;
    rd->failed = true;
    if (a >= 0) H5Aclose(a);
    return -1;
}

static void read_failed(struct report_reader *rd, const char *object, const char *name)
{
    h5common_fail(rd->d, "%s: attribute %s of %s is damaged: it cannot be read", rd->path, name,
                  object);
    rd->failed = true;
}

void report_read_attribute(struct report_reader *rd, const char *object, const char *name,
                           hid_t type, void *value)
{
    hid_t a = open_attribute(rd, object, name, type, false, NULL);
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
    /* a damaged file may hold a null string */
    if (!rd->failed && !(copy = strdup(raw ? raw : ""))) report_problem(rd, "out of memory");
    H5free_memory(raw);
    return copy;
}

char **report_read_texts(struct report_reader *rd, const char *object, const char *name, size_t *n)
{
    hid_t type = h5common_utf8_type();
    hid_t a = open_attribute(rd, object, name, type, true, n);
    char **raw = NULL, **copy = NULL;
    if (a < 0)
        ;
    else if (!(raw = calloc(*n ? *n : 1, sizeof *raw)))
        report_problem(rd, "out of memory");
    else if (H5Aread(a, type, raw) < 0)
        read_failed(rd, object, name);
    else {
        hid_t space = H5Aget_space(a);
        copy = copy_strings(rd, raw, *n, type, space);
        H5Sclose(space);
    }
    free(raw);
    H5Tclose(type);
    if (a >= 0) H5Aclose(a);
    return copy;
}

void report_check_levels(struct report_reader *rd, const double *q, size_t n)
{
    for (size_t k = 0; !rd->failed && k < n; k++)
        if (!(q[k] >= 0 && q[k] <= 1) || (k > 0 && !(q[k] > q[k - 1])))
            report_problem(rd,
                           "/quantiles holds %g as level %zu: the levels of a run's file are in "
                           "[0, 1] and increasing",
                           q[k], k + 1);
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
    if (run->quantiles) report_check_levels(rd, run->quantiles, q[0]);
    run->Y = y[0], run->Q = q[0];
    report_read_attribute(rd, "/", "paths", H5T_NATIVE_LLONG, &run->paths);
    report_read_attribute(rd, "/", "seed", H5T_NATIVE_LLONG, &run->seed);
    run->scenario_name = report_read_text(rd, "/", "scenario_name");
    if (!rd->failed && H5Aexists(rd->file, "history_end_year") > 0)
        report_read_attribute(rd, "/", "history_end_year", H5T_NATIVE_INT, &run->history_end_year);
    if (rd->failed) return;
    if (run->Y && run->history_end_year >= run->years[0]) {
        long first = (long)run->history_end_year - run->years[0] + 1;
        run->first = (size_t)first < run->Y ? (size_t)first : run->Y - 1;
    }
    for (int k = 0; k < 3; k++) {
        run->band[k] = nearest_level(run->quantiles, run->Q, band_levels[k]);
        snprintf(run->band_label[k], sizeof run->band_label[k], "p%g",
                 100 * run->quantiles[run->band[k]]);
    }
    report_run_set_lang(run, LANG_EN);
}

void report_run_set_lang(struct report_run *run, enum lang lang)
{
    run->lang = lang;
    for (int k = 0; k < 3; k++)
        if (lang == LANG_ZH)
            snprintf(run->band_text[k], sizeof run->band_text[k], "%g%%",
                     100 * run->quantiles[run->band[k]]);
        else
            memcpy(run->band_text[k], run->band_label[k], sizeof run->band_text[k]);
    run->name_width = term_width(report_region_name(run, run->R));
    for (size_t k = 0; k < run->R; k++)
        if (term_width(report_region_name(run, k)) > run->name_width)
            run->name_width = term_width(report_region_name(run, k));
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

const char *report_region_name(const struct report_run *run, size_t r)
{
    if (run->lang == LANG_ZH) return r < run->R ? run->names_zh[r] : term(TERM_province, LANG_ZH);
    return report_region(run, r);
}

const char *report_gov_level(const struct report_run *run, int k)
{
    static const enum term t[N_GOV_LEVELS] = {TERM_gov_central, TERM_gov_province, TERM_gov_city,
                                              TERM_gov_district, TERM_gov_county};
    return run->lang == LANG_ZH ? term(t[k], LANG_ZH) : report_gov_levels[k];
}

void report_csv_column(FILE *out, const struct report_run *run, enum term t, const char *a,
                       const char *b)
{
    fputc(',', out);
    fprintf(out, term(t, run->lang), a, b);
}

void report_csv_start(FILE *out, const struct report_run *run, bool variant)
{
    if (variant) {
        fputs(term(TERM_csv_variant, run->lang), out);
        fputc(',', out);
    }
    fputs(term(TERM_year, run->lang), out);
    report_csv_column(out, run, TERM_csv_region, NULL, NULL);
    report_csv_column(out, run, TERM_csv_name_zh, NULL, NULL);
}

const char *report_csv_region(const struct report_run *run, size_t r)
{
    return r < run->R || run->lang == LANG_EN ? report_region(run, r)
                                              : term(TERM_province, LANG_ZH);
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

double *report_read_with_province(struct report_reader *rd, const struct report_run *run,
                                  const char *regional, const char *province, bool with_q)
{
    size_t Y = run->Y, R = run->R, q = with_q ? run->Q : 1;
    size_t r_dims[3] = {Y, R, q}, p_dims[2] = {Y, q};
    double *reg = report_read_doubles(rd, regional, with_q ? 3 : 2, r_dims);
    double *prov = report_read_doubles(rd, province, with_q ? 2 : 1, p_dims);
    double *all = NULL;
    if (!rd->failed && !(all = malloc(Y * (R + 1) * q * sizeof *all)))
        report_problem(rd, "out of memory");
    for (size_t y = 0; all && y < Y; y++) {
        memcpy(all + y * (R + 1) * q, reg + y * R * q, R * q * sizeof *all);
        memcpy(all + (y * (R + 1) + R) * q, prov + y * q, q * sizeof *all);
    }
    free(reg);
    free(prov);
    return all;
}
