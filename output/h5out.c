/* h5out.c: the run's HDF5 file (h5out.h). The file is written under a
 * temporary name beside its final path and renamed onto it only when complete.
 *
 * `struct h5out` (h5parts.h) holds the open file, the dimension scales (/years,
 * /regions, /quantiles) and the open /paths datasets; the policy variants'
 * /diff part is in h5diff.c. */
#include "output/h5out.h"
#include "output/h5assume.h"
#include "output/h5common.h"
#include "output/h5parts.h"
#include "output/outpath.h"
#include "sim/config/diag.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *const h5out_dim_labels[N_DIMS] = {"path", "year", "region", "quantile", "level"};

/* Paths per chunk: at most 64, and at most about 512 KiB per chunk, so that a
 * chunk fits HDF5's default 1 MiB chunk cache and blocks smaller than a chunk
 * are merged in memory rather than recompressed on every write. */
enum { CHUNK_PATHS = 64, CHUNK_BYTES = 512 * 1024 };

/* Attributes: variable-length UTF-8 strings (no 64 KiB limit on the resolved
 * scenario text), 64-bit integers and doubles. */
static int put_text_attr(hid_t loc, const char *name, const char *const *s, hid_t space)
{
    hid_t type = h5common_utf8_type();
    hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a >= 0 && H5Awrite(a, type, s) >= 0 ? 0 : -1;
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    return rc;
}

int h5out_put_string_attr(hid_t loc, const char *name, const char *s)
{
    const char *v = s ? s : "";
    return put_text_attr(loc, name, &v, H5Screate(H5S_SCALAR));
}

int h5out_put_strings_attr(hid_t loc, const char *name, const char *const *s, size_t n)
{
    hsize_t dim = n;
    return put_text_attr(loc, name, s, H5Screate_simple(1, &dim, NULL));
}

static int put_number_attr(hid_t loc, const char *name, hid_t type, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a >= 0 && H5Awrite(a, type, value) >= 0 ? 0 : -1;
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    return rc;
}

int h5out_put_int_attr(hid_t loc, const char *name, long long v)
{
    int64_t x = v;
    return put_number_attr(loc, name, H5T_NATIVE_INT64, &x);
}

int h5out_put_double_attr(hid_t loc, const char *name, double v)
{
    return put_number_attr(loc, name, H5T_NATIVE_DOUBLE, &v);
}

/* Each kind's scale: its name in every group that has a dimension of the
 * kind, and its first copy, its home (the file's; for paths and levels, their
 * group's), and the home's group. */
static const char *const scale_names[N_DIMS] = {"path", "years", "regions", "quantiles", "levels"};
static const char *const scale_homes[N_DIMS] = {"/paths/path", "/years", "/regions", "/quantiles",
                                                "/warning/levels"};
static const char *const home_groups[N_DIMS] = {"/paths", "/", "/", "/", "/warning"};

/* What names the regions beside the scale /regions (their pinyin): the
 * codes and Chinese names, a coordinate of each group with a region
 * dimension through the group's attribute `coordinates` (CF, as xarray reads
 * it). */
static const char *const region_labels = "region_codes region_names_zh";

/* Copies the region labels into loc, beside its copy of the regions. */
static int copy_region_labels(hid_t loc)
{
    static const char *const names[] = {"region_codes", "region_names_zh"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char from[32];
        snprintf(from, sizeof from, "/%s", names[k]);
        if (h5common_copy(loc, from, names[k])) return -1;
        hid_t ds = H5Dopen2(loc, names[k], H5P_DEFAULT);
        int rc = ds >= 0 ? h5common_attach(ds, 0, loc, "regions", "region") : -1;
        if (ds >= 0) H5Dclose(ds);
        if (rc) return -1;
    }
    return h5out_put_string_attr(loc, "coordinates", region_labels);
}

/* Labels each dimension of loc/name and attaches it to the home scale of its
 * kind, as files before issue 24 did (h5py's `dims[k][0]`), and then to the
 * scale of its kind in loc, copied there from the home the first time, which
 * netCDF readers take (the last attached). A scale is not attached to itself;
 * a kind whose home is not written yet has none. */
static int attach_dims(const struct h5out *o, hid_t loc, hid_t ds, const char *name, int rank,
                       const enum dim *kinds)
{
    char group[256] = "";
    if (H5Iget_name(loc, group, sizeof group) < 0) return -1;
    for (int k = 0; k < rank; k++) {
        unsigned idx = (unsigned)k;
        const char *label = h5out_dim_labels[kinds[k]], *scale = scale_names[kinds[k]];
        if (strcmp(name, scale) == 0) {
            if (H5DSset_label(ds, idx, label) < 0) return -1;
            continue;
        }
        htri_t here = H5Lexists(loc, scale, H5P_DEFAULT);
        bool home = strcmp(group, home_groups[kinds[k]]) == 0;
        if (!home && o->scale[kinds[k]] >= 0 && H5DSattach_scale(ds, o->scale[kinds[k]], idx) < 0)
            return -1;
        bool copy = !here && o->scale[kinds[k]] >= 0;
        if (here < 0 || (copy && h5common_copy_scale(loc, scale_homes[kinds[k]], scale, label)) ||
            (copy && kinds[k] == DIM_REGION && copy_region_labels(loc)))
            return -1;
        if (here || o->scale[kinds[k]] >= 0) {
            if (h5common_attach(ds, idx, loc, scale, label)) return -1;
        } else if (H5DSset_label(ds, idx, label) < 0)
            return -1;
    }
    return 0;
}

/* Creates loc/name with dimensions of the given kinds, its units and long
 * name, and attaches its dimensions. Returns the open dataset, or -1. */
hid_t h5out_create_dataset(const struct h5out *o, hid_t loc, const char *name, hid_t type, int rank,
                           const enum dim *kinds, hid_t dcpl, const char *units,
                           const char *long_name)
{
    hsize_t dims[MAX_RANK];
    for (int k = 0; k < rank; k++)
        dims[k] = o->size[kinds[k]];
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Sclose(space);
    if (ds < 0) return -1;
    if (h5out_put_string_attr(ds, "units", units) ||
        h5out_put_string_attr(ds, "long_name", long_name) ||
        attach_dims(o, loc, ds, name, rank, kinds)) {
        H5Dclose(ds);
        return -1;
    }
    return ds;
}

/* Creates and writes a whole dataset; `data` is in the memory type `type`. */
int h5out_put_dataset(struct h5out *o, hid_t loc, const char *name, hid_t type, int rank,
                      const enum dim *kinds, const void *data, const char *units,
                      const char *long_name, struct diag *d)
{
    hid_t ds = h5out_create_dataset(o, loc, name, type, rank, kinds, H5P_DEFAULT, units, long_name);
    if (ds < 0 || H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        h5common_fail(d, "%s: cannot write %s", o->tmp, name);
        if (ds >= 0) H5Dclose(ds);
        return -1;
    }
    H5Dclose(ds);
    return 0;
}

/* Variable-length strings (NULL written as ""), without units. Returns 0, or
 * -1 with `d`. */
static int put_strings(struct h5out *o, const char *name, const char *const *s, size_t n,
                       enum dim kind, const char *long_name, struct diag *d)
{
    const char **v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        diag_fail(d, "%s: out of memory", o->tmp);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        v[k] = s && s[k] ? s[k] : "";
    hid_t type = h5common_utf8_type();
    int rc = h5out_put_dataset(o, o->file, name, type, 1, &kind, v, "", long_name, d);
    H5Tclose(type);
    free(v);
    return rc;
}

static int make_scale(struct h5out *o, enum dim kind, const char *name, struct diag *d)
{
    o->scale[kind] = H5Dopen2(o->file, name, H5P_DEFAULT);
    if (o->scale[kind] < 0 || H5DSset_scale(o->scale[kind], h5out_dim_labels[kind]) < 0 ||
        H5DSset_label(o->scale[kind], 0, h5out_dim_labels[kind]) < 0) {
        h5common_fail(d, "%s: cannot make %s a dimension scale", o->tmp, name);
        return -1;
    }
    return 0;
}

static int write_root_attributes(struct h5out *o, const struct h5out_meta *m)
{
    char created[32];
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &utc);
    hid_t f = o->file;
    return h5out_put_string_attr(f, "fundsim_version", m->version) ||
           h5out_put_string_attr(f, "scenario_name", m->scenario_name) ||
           h5out_put_string_attr(f, "scenario", m->scenario_text) ||
           h5out_put_int_attr(f, "seed", m->seed) ||
           h5out_put_int_attr(f, "paths", (long long)m->paths) ||
           h5out_put_int_attr(f, "start_year", m->start_year) ||
           h5out_put_int_attr(f, "years", (long long)m->years) ||
           h5out_put_string_attr(f, "random_generator", m->random_generator) ||
           h5out_put_string_attr(f, "created", created) ||
           h5out_put_int_attr(f, "summary_only", m->summary_only) ||
           h5out_put_string_attr(f, "pooling", m->pooling) ||
           h5out_put_string_attr(f, "assumptions", m->assumptions) ||
           h5out_put_int_attr(f, "rules_end_year", m->rules_end_year) ||
           (m->history_end_year &&
            h5out_put_int_attr(f, "history_end_year", m->history_end_year)) ||
           (m->slice && (h5out_put_int_attr(f, "paths_from", (long long)m->first_path) ||
                         h5out_put_int_attr(f, "paths_to", (long long)(m->first_path + m->paths)) ||
                         h5out_put_int_attr(f, "scenario_paths", (long long)m->scenario_paths)));
}

/* The scales and what describes the regions. */
static int write_meta(struct h5out *o, const struct h5out_meta *m, struct diag *d)
{
    if (write_root_attributes(o, m)) {
        h5common_fail(d, "%s: cannot write the root attributes", o->tmp);
        return -1;
    }
    int *years = malloc((m->years ? m->years : 1) * sizeof *years);
    if (!years) {
        diag_fail(d, "%s: out of memory", o->tmp);
        return -1;
    }
    for (size_t y = 0; y < m->years; y++)
        years[y] = m->start_year + (int)y;
    static const enum dim year = DIM_YEAR, region = DIM_REGION, quantile = DIM_QUANTILE;
    int rc = h5out_put_dataset(o, o->file, "years", H5T_NATIVE_INT, 1, &year, years, "year",
                               "calendar year", d);
    free(years);
    if (rc || make_scale(o, DIM_YEAR, "years", d) ||
        put_strings(o, "regions", m->region_names, m->regions, DIM_REGION, "region name (pinyin)",
                    d) ||
        make_scale(o, DIM_REGION, "regions", d) ||
        h5out_put_dataset(o, o->file, "quantiles", H5T_NATIVE_DOUBLE, 1, &quantile, m->quantiles,
                          "1", "quantile level", d) ||
        make_scale(o, DIM_QUANTILE, "quantiles", d) ||
        put_strings(o, "region_names_zh", m->region_names_zh, m->regions, DIM_REGION,
                    "region name (Chinese)", d) ||
        put_strings(o, "region_codes", m->region_codes, m->regions, DIM_REGION,
                    "administrative division code", d) ||
        h5out_put_string_attr(o->file, "coordinates", region_labels) ||
        h5out_put_dataset(o, o->file, "opening_balance", H5T_NATIVE_DOUBLE, 1, &region,
                          m->opening_balance_yuan, "yuan",
                          "accumulated balance at the start of the first year", d) ||
        h5assume_write(o->file, o->tmp, m->assumption_rows, m->n_assumption_rows, d))
        return -1;
    return 0;
}

size_t h5out_paths_chunk(size_t paths, size_t years, size_t regions)
{
    size_t per_path = years * regions * sizeof(double);
    size_t chunk = CHUNK_BYTES / (per_path ? per_path : 1);
    if (chunk > CHUNK_PATHS) chunk = CHUNK_PATHS;
    if (chunk > paths) chunk = paths;
    return chunk < 1 ? 1 : chunk;
}

hid_t h5out_paths_dcpl(const struct h5out *o, int rank)
{
    size_t chunk = h5out_paths_chunk(o->size[DIM_PATH], o->size[DIM_YEAR], o->size[DIM_REGION]);
    hsize_t dims[3] = {chunk, o->size[DIM_YEAR], o->size[DIM_REGION]};
    for (int k = 1; k < 3; k++)
        if (dims[k] < 1) dims[k] = 1;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, rank, dims);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 4);
    return dcpl;
}

int h5out_write_paths(hid_t ds, hid_t dxpl, int rank, size_t first, size_t n_paths, size_t years,
                      size_t regions, const double *buf)
{
    hsize_t start[3] = {first, 0, 0}, count[3] = {n_paths, years, regions};
    hid_t file_space = H5Dget_space(ds);
    hid_t mem_space = H5Screate_simple(rank, count, NULL);
    herr_t selected =
        n_paths ? H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL)
                : H5Sselect_none(file_space);
    int rc = selected < 0 || H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem_space, file_space, dxpl, buf) < 0
                 ? -1
                 : 0;
    H5Sclose(mem_space);
    H5Sclose(file_space);
    return rc;
}

/* /paths/path, the scale of the path dimension: the run's number of each
 * row (a slice's rows are its paths A .. B - 1). */
static int put_path_numbers(struct h5out *o, hid_t g, struct diag *d)
{
    int64_t *numbers = malloc((o->size[DIM_PATH] + 1) * sizeof *numbers);
    if (!numbers) {
        diag_fail(d, "%s: out of memory", o->tmp);
        return -1;
    }
    for (size_t p = 0; p < o->size[DIM_PATH]; p++)
        numbers[p] = (int64_t)(o->first_path + p);
    static const enum dim path = DIM_PATH;
    int rc = h5out_put_dataset(o, g, "path", H5T_NATIVE_INT64, 1, &path, numbers, "1",
                               "path number in the run", d) ||
             make_scale(o, DIM_PATH, "paths/path", d);
    free(numbers);
    return rc ? -1 : 0;
}

/* The /paths datasets. */
static int create_paths(struct h5out *o, struct diag *d)
{
    hid_t dcpl3 = h5out_paths_dcpl(o, 3), dcpl2 = h5out_paths_dcpl(o, 2);
    static const enum dim kinds[3] = {DIM_PATH, DIM_YEAR, DIM_REGION};
    hid_t g = H5Gcreate2(o->file, "paths", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t gn = g >= 0 ? H5Gcreate2(g, "national", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int rc = gn >= 0 ? 0 : -1;
    if (!rc && put_path_numbers(o, g, d)) rc = -2; /* said */
    for (int v = 0; v < N_VARS && !rc; v++) {
        o->paths[v] = h5out_create_dataset(o, g, var_info[v].name, H5T_NATIVE_DOUBLE, 3, kinds,
                                           dcpl3, var_info[v].units, var_info[v].long_name);
        rc = o->paths[v] < 0 ? -1 : 0;
    }
    for (int v = 0; v < N_NVARS && !rc; v++) {
        o->national[v] = h5out_create_dataset(o, gn, nvar_info[v].name, H5T_NATIVE_DOUBLE, 2, kinds,
                                              dcpl2, nvar_info[v].units, nvar_info[v].long_name);
        rc = o->national[v] < 0 ? -1 : 0;
    }
    if (rc == -1) h5common_fail(d, "%s: cannot create the /paths datasets", o->tmp);
    if (gn >= 0) H5Gclose(gn);
    if (g >= 0) H5Gclose(g);
    H5Pclose(dcpl3);
    H5Pclose(dcpl2);
    return rc ? -1 : 0;
}

static void reset_ids(struct h5out *o)
{
    for (int k = 0; k < N_DIMS; k++)
        o->scale[k] = -1;
    for (int v = 0; v < N_VARS; v++)
        o->paths[v] = -1;
    for (int v = 0; v < N_NVARS; v++)
        o->national[v] = -1;
    for (size_t k = 0; k < o->n_variants; k++)
        for (int v = 0; v < N_VARS; v++)
            o->variants[k].diff[v] = -1;
}

int h5out_close_file(struct h5out *o)
{
    for (int k = 0; k < N_DIMS; k++)
        if (o->scale[k] >= 0) H5Dclose(o->scale[k]);
    for (int v = 0; v < N_VARS; v++)
        if (o->paths[v] >= 0) H5Dclose(o->paths[v]);
    for (int v = 0; v < N_NVARS; v++)
        if (o->national[v] >= 0) H5Dclose(o->national[v]);
    for (size_t k = 0; k < o->n_variants; k++)
        for (int v = 0; v < N_VARS; v++)
            if (o->variants[k].diff[v] >= 0) H5Dclose(o->variants[k].diff[v]);
    int rc = o->file >= 0 && H5Fclose(o->file) < 0 ? -1 : 0;
    o->file = -1;
    reset_ids(o);
    return rc;
}

void h5out_free(struct h5out *o)
{
    for (size_t k = 0; k < o->n_variants; k++)
        free(o->variants[k].name);
    free(o->variants);
    free(o->path);
    free(o->tmp);
    free(o);
}

struct h5out *h5out_new(const char *path, const struct h5out_meta *m)
{
    struct h5out *o = calloc(1, sizeof *o);
    if (!o || !(o->path = strdup(path))) {
        free(o);
        return NULL;
    }
    o->file = -1;
    reset_ids(o);
    o->size[DIM_PATH] = m->paths;
    o->first_path = m->first_path;
    o->size[DIM_YEAR] = m->years;
    o->size[DIM_REGION] = m->regions;
    o->size[DIM_QUANTILE] = m->n_quantiles;
    o->size[DIM_LEVEL] = N_WARN_LEVELS;
    o->summary_only = m->summary_only;
    o->dxpl = H5P_DEFAULT;
#if FUNDSIM_HAVE_MPI
    o->comm = MPI_COMM_NULL;
#endif
    return o;
}

struct h5out *h5out_create(const char *path, const struct h5out_meta *m, struct diag *d)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors come back as messages, not on stderr */
    struct h5out *o = h5out_new(path, m);
    size_t n_tmp = strlen(path) + 32;
    if (!o || !(o->tmp = malloc(n_tmp))) {
        diag_fail(d, "%s: out of memory", path);
        if (o) h5out_free(o);
        return NULL;
    }
    snprintf(o->tmp, n_tmp, "%s.tmp-%ld", path, (long)getpid());

    /* Closing the file closes every object still open in it. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    errno = 0;
    o->file = H5Fcreate(o->tmp, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (o->file < 0) {
        if (errno)
            diag_fail(d, "cannot create %s: %s", o->tmp, strerror(errno));
        else
            h5common_fail(d, "cannot create %s", o->tmp);
        h5out_free(o);
        return NULL;
    }
    if (write_meta(o, m, d) || (!m->summary_only && create_paths(o, d))) {
        h5out_abort(o);
        return NULL;
    }
    return o;
}

const char *h5out_tmp_path(const struct h5out *o)
{
    return o->tmp;
}

int h5out_check_block(const struct h5out *o, const struct record_block *b, struct diag *d)
{
    if (b->years == o->size[DIM_YEAR] && b->regions == o->size[DIM_REGION] &&
        b->first_path >= o->first_path &&
        b->first_path + b->n_paths <= o->first_path + o->size[DIM_PATH])
        return 0;
    diag_fail(d,
              "%s: a block of paths %zu-%zu, %zu years, %zu regions does not fit a file "
              "of paths %zu-%zu, %zu years, %zu regions",
              o->tmp, b->first_path, b->first_path + b->n_paths - 1, b->years, b->regions,
              o->first_path, o->first_path + o->size[DIM_PATH] - 1, o->size[DIM_YEAR],
              o->size[DIM_REGION]);
    return -1;
}

void h5out_block_variable(const struct record_block *b, int v, double *buf)
{
    /* [p][y][r][var] -> [p][y][r] */
    bool national = v >= N_VARS;
    size_t n_py = b->n_paths * b->years, n_v = national ? n_py : n_py * b->regions;
    size_t stride = national ? N_NVARS : N_VARS;
    const double *src = national ? b->national + (v - N_VARS) : b->v + v;
    for (size_t k = 0; k < n_v; k++)
        buf[k] = src[k * stride];
}

bool h5out_collective(const struct h5out *o)
{
    return o->dxpl != H5P_DEFAULT;
}

int h5out_agree(struct h5out *o, int rc, const char *doing, struct diag *d)
{
#if FUNDSIM_HAVE_MPI
    if (h5out_collective(o)) return h5par_agree(o, rc, doing, d);
#endif
    (void)o, (void)doing, (void)d;
    return rc;
}

double *h5out_block_buffer(const struct h5out *o, size_t n, int *rc, struct diag *d)
{
    if (*rc || n == 0) return NULL;
    double *buf = malloc(n * sizeof *buf);
    if (!buf) {
        diag_fail(d, "%s: out of memory", o->tmp);
        *rc = -1;
    }
    return buf;
}

void h5out_paths_text(const struct record_block *b, char *out, size_t n)
{
    if (b->n_paths)
        snprintf(out, n, "paths %zu-%zu", b->first_path, b->first_path + b->n_paths - 1);
    else
        snprintf(out, n, "no paths (its part in a collective write)");
}

/* One loop for the serial writer and the parallel one (h5out_collective): a
 * parallel handle's writes are collective calls, so an empty block takes part
 * in each (nothing of it is looked at) and the ranks agree on every step. */
int h5out_write_block(struct h5out *o, const struct record_block *b, struct diag *d)
{
    if (o->summary_only) return 0;
    bool together = h5out_collective(o);
    int rc = b->n_paths || !together ? h5out_check_block(o, b, d) : 0;
    if (!together && (rc || b->n_paths == 0)) return rc;
    size_t n = b->n_paths * b->years * b->regions;
    double *buf = h5out_block_buffer(o, n, &rc, d);
    size_t first = b->n_paths ? b->first_path - o->first_path : 0;
    rc = h5out_agree(o, rc, "to prepare its block", d);
    for (int v = 0; v < N_VARS + N_NVARS && !rc; v++) {
        bool national = v >= N_VARS;
        if (n) h5out_block_variable(b, v, buf);
        hid_t ds = national ? o->national[v - N_VARS] : o->paths[v];
        if (h5out_write_paths(ds, o->dxpl, national ? 2 : 3, first, b->n_paths, b->years,
                              b->regions, buf)) {
            char what[64];
            h5out_paths_text(b, what, sizeof what);
            h5common_fail(d, "%s: cannot write %s of /paths/%s%s", o->tmp, what,
                          national ? "national/" : "",
                          national ? nvar_info[v - N_VARS].name : var_info[v].name);
            rc = -1;
        }
        rc = h5out_agree(o, rc, "to write paths", d);
    }
    free(buf);
    if (!rc) o->paths_written += b->n_paths;
    return rc;
}

/* Writes one summary array unless it is NULL. */
int h5out_put_summary(struct h5out *o, hid_t loc, hid_t type, int rank, const enum dim *kinds,
                      const void *data, const char *name, const char *units, const char *long_name,
                      struct diag *d)
{
    if (!data) return 0;
    return h5out_put_dataset(o, loc, name, type, rank, kinds, data, units, long_name, d);
}

static const enum dim YR[] = {DIM_YEAR, DIM_REGION}, YRQ[] = {DIM_YEAR, DIM_REGION, DIM_QUANTILE},
                      Y[] = {DIM_YEAR}, YQ[] = {DIM_YEAR, DIM_QUANTILE},
                      YRL[] = {DIM_YEAR, DIM_REGION, DIM_LEVEL}, RY[] = {DIM_REGION, DIM_YEAR},
                      R[] = {DIM_REGION}, RQ[] = {DIM_REGION, DIM_QUANTILE};

/* The means and quantiles of one variable: loc/<name>_mean, loc/<name>_quantiles. */
static int put_variable(struct h5out *o, hid_t loc, const struct var_info *vi, const char *whose,
                        int rank, const enum dim *mean_kinds, const enum dim *quantile_kinds,
                        const double *mean, const double *quantiles, struct diag *d)
{
    char name[128], long_name[256];
    snprintf(name, sizeof name, "%s_mean", vi->name);
    snprintf(long_name, sizeof long_name, "%smean across paths: %s", whose, vi->long_name);
    if (h5out_put_summary(o, loc, H5T_NATIVE_DOUBLE, rank, mean_kinds, mean, name, vi->units,
                          long_name, d))
        return -1;
    snprintf(name, sizeof name, "%s_quantiles", vi->name);
    snprintf(long_name, sizeof long_name, "%squantiles across paths: %s", whose, vi->long_name);
    return h5out_put_summary(o, loc, H5T_NATIVE_DOUBLE, rank + 1, quantile_kinds, quantiles, name,
                             vi->units, long_name, d);
}

static int write_means_and_quantiles(struct h5out *o, hid_t summary, hid_t province, hid_t national,
                                     const struct summary_results *r, struct diag *d)
{
    for (int v = 0; v < N_VARS; v++)
        if (put_variable(o, summary, &var_info[v], "", 2, YR, YRQ, r->mean[v], r->quantiles[v],
                         d) ||
            put_variable(o, province, &var_info[v], "province, ", 1, Y, YQ, r->province_mean[v],
                         r->province_quantiles[v], d))
            return -1;
    for (int v = 0; v < N_NVARS; v++)
        if (put_variable(o, national, &nvar_info[v], "", 1, Y, YQ, r->national_mean[v],
                         r->national_quantiles[v], d))
            return -1;
    return 0;
}

static int write_warning(struct h5out *o, hid_t g, const struct summary_results *r,
                         const struct warning_params *w, struct diag *d)
{
    if (h5out_put_double_attr(g, "insufficient_months", w->insufficient_months) ||
        h5out_put_double_attr(g, "low_months", w->low_months) ||
        h5out_put_double_attr(g, "target_months", w->target_months) ||
        h5out_put_double_attr(g, "excess_months", w->excess_months) ||
        h5out_put_double_attr(g, "depletion_probability", w->depletion_probability) ||
        h5out_put_double_attr(g, "max_balance_share", w->max_balance_share)) {
        h5common_fail(d, "%s: cannot write the attributes of /warning", o->tmp);
        return -1;
    }
    hid_t type = h5common_utf8_type();
    static const enum dim level = DIM_LEVEL;
    int rc = h5out_put_dataset(o, g, "levels", type, 1, &level, summary_warning_level_names, "",
                               "early-warning levels, worst first", d);
    H5Tclose(type);
    if (rc) return -1;
    o->scale[DIM_LEVEL] = H5Dopen2(g, "levels", H5P_DEFAULT);
    if (o->scale[DIM_LEVEL] < 0 || H5DSset_scale(o->scale[DIM_LEVEL], "level") < 0 ||
        H5DSset_label(o->scale[DIM_LEVEL], 0, "level") < 0) {
        h5common_fail(d, "%s: cannot make /warning/levels a dimension scale", o->tmp);
        return -1;
    }
    const hid_t D = H5T_NATIVE_DOUBLE;
    if (h5out_put_summary(o, g, D, 2, YR, r->p_deficit, "p_deficit", "1",
                          "probability of a current deficit (surplus < 0)", d) ||
        h5out_put_summary(o, g, D, 2, YR, r->p_depleted, "p_depleted", "1",
                          "probability that the balance is below 0 at the end of the year", d) ||
        h5out_put_summary(o, g, D, 2, YR, r->p_insufficient, "p_insufficient", "1",
                          "probability of fewer months of payment than insufficient_months", d) ||
        h5out_put_summary(o, g, D, 2, YR, r->p_excess_balance, "p_excess_balance", "1",
                          "probability of a balance above max_balance_share of the income", d) ||
        h5out_put_summary(o, g, D, 3, YRL, r->p_level, "p_level", "1",
                          "probability of each early-warning level", d) ||
        h5out_put_summary(o, g, H5T_NATIVE_INT, 2, YR, r->level, "level", "1",
                          "most likely early-warning level (index into levels)", d) ||
        h5out_put_summary(o, g, D, 1, Y, r->province_p_deficit, "province_p_deficit", "1",
                          "province: probability of a current deficit", d) ||
        h5out_put_summary(o, g, D, 1, Y, r->province_p_depleted, "province_p_depleted", "1",
                          "province: probability that the balance is below 0", d))
        return -1;
    /* /warning/level names its levels: a dataset that cannot be opened for
     * that is a failure, as is the attribute's write */
    hid_t ds = r->level ? H5Dopen2(g, "level", H5P_DEFAULT) : -1;
    if (r->level && (ds < 0 || h5out_put_strings_attr(ds, "levels", summary_warning_level_names,
                                                      N_WARN_LEVELS))) {
        h5common_fail(d, "%s: cannot write the levels of /warning/level", o->tmp);
        rc = -1;
    }
    if (ds >= 0) H5Dclose(ds);
    return rc;
}

static int write_depletion(struct h5out *o, hid_t g, const struct summary_results *r,
                           struct diag *d)
{
    const hid_t D = H5T_NATIVE_DOUBLE, I = H5T_NATIVE_INT;
    if (h5out_put_summary(o, g, D, 2, RY, r->p_first_depletion, "p_first_year", "1",
                          "probability that the balance first falls below 0 in the year", d) ||
        h5out_put_summary(o, g, D, 1, R, r->p_never_depleted, "p_never", "1",
                          "probability that the balance never falls below 0", d) ||
        h5out_put_summary(o, g, D, 2, YR, r->p_depleted_by, "p_by_year", "1",
                          "probability that the balance has fallen below 0 by the year", d) ||
        h5out_put_summary(o, g, I, 2, RQ, r->depletion_year, "year_at_quantile", "year",
                          "quantiles of the first depletion year (0: after the horizon)", d) ||
        h5out_put_summary(o, g, I, 1, R, r->first_year_at_risk, "first_year_at_risk", "year",
                          "first year with p_depleted at least depletion_probability (0: none)", d))
        return -1;
    return 0;
}

int h5out_write_summary(struct h5out *o, const struct summary *s, struct diag *d)
{
    const struct summary_config *c = summary_config(s);
    if (c->years != o->size[DIM_YEAR] || c->regions != o->size[DIM_REGION] ||
        c->n_quantiles != o->size[DIM_QUANTILE]) {
        diag_fail(d,
                  "%s: summaries of %zu years, %zu regions, %zu quantiles do not fit a file of "
                  "%zu years, %zu regions, %zu quantiles",
                  o->tmp, c->years, c->regions, c->n_quantiles, o->size[DIM_YEAR],
                  o->size[DIM_REGION], o->size[DIM_QUANTILE]);
        return -1;
    }
    const char *names[] = {"summary", "summary/province", "summary/national", "warning",
                           "depletion"};
    enum { N_GROUPS = sizeof names / sizeof *names };
    hid_t g[N_GROUPS];
    int rc = 0;
    for (size_t k = 0; k < N_GROUPS; k++) {
        g[k] = rc ? -1 : H5Gcreate2(o->file, names[k], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (!rc && g[k] < 0) {
            h5common_fail(d, "%s: cannot create /%s", o->tmp, names[k]);
            rc = -1;
        }
    }
    const struct summary_results *r = summary_results(s);
    if (!rc && (write_means_and_quantiles(o, g[0], g[1], g[2], r, d) ||
                write_warning(o, g[3], r, &c->warning, d) || write_depletion(o, g[4], r, d)))
        rc = -1;
    for (size_t k = 0; k < N_GROUPS; k++)
        if (g[k] >= 0) H5Gclose(g[k]);
    if (!rc) o->summary_written = true;
    return rc;
}

/* fsync(2) of a file or a directory by name. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, O_RDONLY | flags);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int h5out_commit(struct h5out *o, struct diag *d)
{
    if (!o->summary_written || (!o->summary_only && o->paths_written < o->size[DIM_PATH])) {
        diag_fail(d, "%s: incomplete (%zu of %zu paths written, summaries %s)", o->path,
                  o->summary_only ? o->size[DIM_PATH] : o->paths_written, o->size[DIM_PATH],
                  o->summary_written ? "written" : "missing");
        h5out_abort(o);
        return -1;
    }
    if (h5out_close_file(o)) {
        h5common_fail(d, "%s: cannot finish writing the file", o->tmp);
        h5out_abort(o);
        return -1;
    }
    /* Checked when the run began, and again now: something else may have been
     * put there since, and rename(2) would replace it whatever it is. */
    struct diag why = {0};
    if (outpath_replaceable(o->path, &why)) {
        diag_fail(d, "not written: %s", diag_last_text(&why));
        diag_free(&why);
        h5out_abort(o);
        return -1;
    }
    if (sync_path(o->tmp, 0) || rename(o->tmp, o->path)) {
        diag_fail(d, "cannot sync and rename %s onto %s: %s", o->tmp, o->path, strerror(errno));
        h5out_abort(o);
        return -1;
    }
    /* The rename lasts only once the directory is on disk. */
    char *dir = o->tmp; /* reused: the temporary name is gone */
    strcpy(dir, o->path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0'; /* the root */
    else
        *slash = '\0';
    int rc = sync_path(dir, O_DIRECTORY);
    if (rc && errno != EINVAL) /* EINVAL: the file system cannot sync directories */
        diag_fail(d, "%s: written, but syncing its directory failed: %s", o->path, strerror(errno));
    else
        rc = 0;
    h5out_free(o);
    return rc ? -1 : 0;
}

void h5out_abort(struct h5out *o)
{
    h5out_close_file(o);
    unlink(o->tmp);
    h5out_free(o);
}

/* HDF5's own bytes beside the values: a dataset's object header with its
 * attributes and dimension scale references, and for a chunked one its chunk
 * index (a B-tree node), measured on files of 1 path of
 * tests/scenarios/minimal.cfg (1 region, 3 years) and of
 * scenarios/henan-2022.cfg (18 regions, 30 years). For a small scenario they
 * are most of the file. */
enum { DATASET_BYTES = 1100, CHUNKED_BYTES = 4400, FILE_BYTES = 16384 };

double h5out_expected_bytes(const struct h5out_meta *m)
{
    double y = (double)m->years, r = (double)m->regions, q = (double)m->n_quantiles;
    double n_var = (double)m->n_variants;
    double values = y * r * 4 + y * r * N_WARN_LEVELS + y * 2 /* /warning */
                    + r * y * 2 + r * 2 + r * q               /* /depletion */
                    + r + y + q;                              /* meta */
    double datasets = 9 + 5 + 6;                              /* /warning, /depletion, meta */
    for (int v = 0; v < N_VARS; v++) {
        int quantiles = var_info[v].quantiles ? 1 : 0;
        values += y * r * (1 + quantiles * q);
        datasets += 1 + quantiles;
        if (var_info[v].additive || v == VAR_MONTHS) {
            values += y * (1 + quantiles * q);
            datasets += 1 + quantiles;
        }
    }
    for (int v = 0; v < N_NVARS; v++) {
        int quantiles = nvar_info[v].quantiles ? 1 : 0;
        values += y * (1 + quantiles * q);
        datasets += 1 + quantiles;
    }
    /* a variant's difference summaries: 5 statistics (+ quantiles) per region
     * and province; its /warning: 10 */
    datasets += n_var * 10;
    for (size_t k = 0; k < diffsum_n_vars; k++) {
        int quantiles = diffsum_var_has_quantiles(diffsum_vars[k]) ? 1 : 0;
        values += n_var * (y * r + y) * (5 + quantiles * q);
        datasets += n_var * 2 * (5 + quantiles);
    }
    /* each group's copies of the scales of its dimensions (attach_dims): of
     * the years, regions and quantiles in /summary, /depletion, /warning (and
     * levels), the province's and the national summaries, /paths (and paths),
     * /paths/national, and a variant's /diff summaries and warnings */
    double groups = 5 + n_var * 3, path_groups = m->summary_only ? 0 : 2 + n_var;
    datasets += 3 * groups + 3 * path_groups;
    values += groups * (y + r + q) + path_groups * (y + r + (double)m->paths);
    double chunked = 0;
    if (!m->summary_only) {
        values +=
            (double)m->paths * y * (r * N_VARS + N_NVARS + n_var * r * (double)diffsum_n_vars);
        chunked = N_VARS + N_NVARS + n_var * (double)diffsum_n_vars;
    }
    /* the resolved scenario text, the base's and each variant's (about as long) */
    double text = (1 + n_var) * (double)strlen(m->scenario_text ? m->scenario_text : "");
    return 8 * values + datasets * DATASET_BYTES + chunked * CHUNKED_BYTES + text + FILE_BYTES;
}
