/* test_h5read.c: `fundsim summary` and `fundsim merge` on damaged files
 * (output/report_common.c, the checked reads both use; output/h5slice.c). A
 * small run's file (130 paths in chunks of 64, 3 years, 2 regions) is written
 * by h5out, then copies of it are damaged with the HDF5 C API or, where the
 * API cannot (chunk dimensions that are not the data's), by rewriting the
 * bytes of a dataset's layout message. Each damaged file must be refused by
 * both commands with exit status 1 and a message naming the file and the
 * object, leaving no file behind; before these checks they overflowed stack
 * and heap buffers, crashed, or merged zeros without a word:
 * - a scalar attribute (paths, seed, scenario_name, a warning threshold) that
 *   is an array, or of another type (issue 18, item 5);
 * - quantile levels outside [0, 1], NaN or not increasing (item 6);
 * - chunk dimensions other than those the data were written with, and
 *   filters or a layout fundsim does not write (item 8);
 * - a folder, a FIFO, a text file and a truncated HDF5 file, each named for
 *   what it is, without HDF5's own messages (item 19);
 * - a damaged global heap, on which HDF5 itself crashes or loops forever
 *   (found by tests/fuzz/fuzz_h5read.c). */
#include "output/h5out.h"
#include "output/h5probe.h"
#include "output/report.h"
#include "output/summary.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/merge.h"
#include "sim/run.h"

#include <getopt.h>
#include <hdf5.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tmpdir.h"

enum { P = 130, Y = 3, R = 2, Q = 3, START = 2025, CHUNK = 64 };
static const double levels[Q] = {0.05, 0.5, 0.95};
static const char *const names[R] = {"zhengzhou", "kaifeng"};
static const char *const names_zh[R] = {"郑州市", "开封市"};
static const char *const codes[R] = {"410100", "410200"};
static const double opening_yuan[R] = {1.5e9, 0.75e9};

static double value(size_t p, size_t y, size_t r, size_t v)
{
    return (double)((p * 7919 + y * 104729 + r * 1299709 + v * 15485863) % 1000) * 1e6 - 2e8;
}

/* The good file: `dir`/good.h5, written as a run writes it. */
static void write_good(const char *dir)
{
    char path[256];
    struct diag dg = {0};
    snprintf(path, sizeof path, "%s/good.h5", dir);
    struct h5out_meta m = {
        .version = "0.1.0",
        .scenario_name = "synthetic",
        .scenario_text = "simulation = { paths = 130; };\n",
        .random_generator = "philox4x64",
        .pooling = "city",
        .seed = 7,
        .paths = P,
        .scenario_paths = P,
        .start_year = START,
        .years = Y,
        .regions = R,
        .region_names = names,
        .region_names_zh = names_zh,
        .region_codes = codes,
        .opening_balance_yuan = opening_yuan,
        .n_quantiles = Q,
        .quantiles = levels,
    };
    struct summary_config c = {
        .start_year = START,
        .years = Y,
        .regions = R,
        .paths = P,
        .n_quantiles = Q,
        .quantiles = levels,
        .warning = {3, 6, 12, 15, 0.05, 1.5},
        .scratch_dir = dir,
        .threads = 1,
    };
    struct summary *s = summary_alloc(&c);
    struct h5out *o = h5out_create(path, &m, &dg);
    struct record_block b;
    assert_non_null(s);
    if (!o) fail_msg("%s", diag_last_text(&dg));
    assert_int_equal(record_block_alloc(&b, RECORD_BLOCK_PATHS, Y, R), 0);
    for (size_t first = 0; first < P; first += RECORD_BLOCK_PATHS) {
        b.first_path = first;
        b.n_paths = P - first < RECORD_BLOCK_PATHS ? P - first : RECORD_BLOCK_PATHS;
        for (size_t p = 0; p < b.n_paths; p++)
            for (size_t y = 0; y < Y; y++) {
                for (size_t r = 0; r < R; r++)
                    for (size_t v = 0; v < N_VARS; v++)
                        record_at(&b, p, y, r)[v] = value(first + p, y, r, v);
                for (size_t v = 0; v < N_NVARS; v++)
                    record_national(&b, p, y)[v] = value(first + p, y, R, v);
            }
        assert_int_equal(summary_add(s, &b, &dg), 0);
        assert_int_equal(h5out_write_block(o, &b, &dg), 0);
    }
    assert_int_equal(summary_finish(s, &dg), 0);
    assert_int_equal(h5out_write_summary(o, s, &dg), 0);
    if (h5out_commit(o, &dg)) fail_msg("%s", diag_last_text(&dg));
    record_block_free(&b);
    summary_free(s);
    diag_free(&dg);
}

static int group_setup(void **state)
{
    if (tmpdir_group_setup(state, "test_h5read")) return -1;
    write_good(((struct tmpdir_fixture *)*state)->dir);
    return 0;
}

/* The whole of file `path` into a new buffer of *n bytes. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*n);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void spit(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* A copy of good.h5 named `name`, opened for writing. */
static hid_t copy_good(const struct tmpdir_fixture *f, const char *name)
{
    char good[256], path[256];
    tmpdir_path(good, sizeof good, f, "good.h5");
    tmpdir_path(path, sizeof path, f, name);
    size_t n;
    unsigned char *b = slurp(good, &n);
    spit(path, b, n);
    free(b);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    return file;
}

/* Replaces attribute `name` of `object` by one of `type` and `n` values
 * (n 0: a scalar). */
static void set_attribute(hid_t file, const char *object, const char *name, hid_t type, hsize_t n,
                          const void *values)
{
    if (H5Aexists_by_name(file, object, name, H5P_DEFAULT) > 0)
        assert_true(H5Adelete_by_name(file, object, name, H5P_DEFAULT) >= 0);
    hid_t space = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
    hid_t a =
        H5Acreate_by_name(file, object, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Awrite(a, type, values) >= 0);
    H5Aclose(a);
    H5Sclose(space);
}

/* The file's `name` must be refused by `fundsim summary` and `fundsim merge`
 * with a message naming it and holding `want` (merge: `want_merge` if not
 * NULL), leaving no file behind. */
static void refused(const struct tmpdir_fixture *f, const char *name, const char *want,
                    const char *want_merge)
{
    char path[256], out_path[256], *text = NULL;
    struct diag dg = {0};
    tmpdir_path(path, sizeof path, f, name);
    tmpdir_path(out_path, sizeof out_path, f, "out.h5");
    int files = tmpdir_count_other(f->dir, NULL);
    size_t size;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    if (want) {
        assert_int_equal(report_print(path, NULL, 0, false, REPORT_ALL, out, &dg), -1);
        if (!strstr(diag_last_text(&dg), path) || !strstr(diag_last_text(&dg), want))
            fail_msg("summary of %s: \"%s\" lacks \"%s\"", name, diag_last_text(&dg), want);
        assert_null(strchr(diag_last_text(&dg), '\n')); /* one line of ours */
    }
    fclose(out);
    free(text);
    const char *in[1] = {path};
    struct merge_options o = {.threads = 1};
    diag_free(&dg);
    assert_int_equal(merge_files(out_path, in, 1, &o, &dg), -1);
    assert_int_equal(diag_status(&dg), DIAG_FAILED);
    if (!want_merge) want_merge = want;
    if (!strstr(diag_last_text(&dg), path) || !strstr(diag_last_text(&dg), want_merge))
        fail_msg("merge of %s: \"%s\" lacks \"%s\"", name, diag_last_text(&dg), want_merge);
    assert_null(strchr(diag_last_text(&dg), '\n'));
    assert_int_equal(tmpdir_count_other(f->dir, NULL), files);
    diag_free(&dg);
}

/* The good file passes both, and the merge is the run's file again. */
static void test_good_file(void **state)
{
    const struct tmpdir_fixture *f = *state;
    char path[256], out_path[256];
    struct diag dg = {0};
    tmpdir_path(path, sizeof path, f, "good.h5");
    tmpdir_path(out_path, sizeof out_path, f, "merged.h5");
    FILE *out = fopen("/dev/null", "w");
    assert_non_null(out);
    if (report_print(path, NULL, 0, false, REPORT_ALL, out, &dg))
        fail_msg("%s", diag_last_text(&dg));
    fclose(out);
    const char *in[1] = {path};
    struct merge_options o = {.threads = 1};
    if (merge_files(out_path, in, 1, &o, &dg)) fail_msg("%s", diag_last_text(&dg));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/h5same.py %s %s >/dev/null",
             FUNDSIM_SOURCE_DIR, path, out_path);
    assert_int_equal(system(cmd), 0);
    unlink(out_path);
    diag_free(&dg);
}

/* Item 5: a scalar attribute that is an array was read into one value. */
static void test_attribute_shapes(void **state)
{
    const struct tmpdir_fixture *f = *state;
    static int64_t many[100];
    static double doubles[100];
    const char *texts[3] = {"a", "b", "c"};
    hid_t text = H5Tcopy(H5T_C_S1);
    H5Tset_size(text, H5T_VARIABLE);
    static const struct {
        const char *file, *object, *name;
        int kind; /* 0: 100 integers, 1: 3 texts, 2: 100 numbers, 3: a text */
        const char *want;
    } cases[] = {
        {"paths.h5", "/", "paths", 0, "attribute paths of / is not a single integer"},
        {"seed.h5", "/", "seed", 0, "attribute seed of / is not a single integer"},
        {"name.h5", "/", "scenario_name", 1, "attribute scenario_name of / is not a single text"},
        {"threshold.h5", "/warning", "depletion_probability", 2,
         "attribute depletion_probability of /warning is not a single number"},
        {"paths-text.h5", "/", "paths", 3, "attribute paths of / is not a single integer"},
        {"seed-number.h5", "/", "seed", 2, "attribute seed of / is not a single integer"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        hid_t file = copy_good(f, cases[k].file);
        switch (cases[k].kind) {
        case 0:
            set_attribute(file, cases[k].object, cases[k].name, H5T_NATIVE_INT64, 100, many);
            break;
        case 1:
            set_attribute(file, cases[k].object, cases[k].name, text, 3, texts);
            break;
        case 2:
            set_attribute(file, cases[k].object, cases[k].name, H5T_NATIVE_DOUBLE, 100, doubles);
            break;
        default:
            set_attribute(file, cases[k].object, cases[k].name, text, 0, texts);
        }
        H5Fclose(file);
        refused(f, cases[k].file, cases[k].want, NULL);
    }

    /* merge's own: a threshold that summary does not read, and bad values */
    hid_t file = copy_good(f, "low.h5");
    set_attribute(file, "/warning", "low_months", H5T_NATIVE_DOUBLE, 2, doubles);
    H5Fclose(file);
    refused(f, "low.h5", NULL, "attribute low_months of /warning is not a single number");
    double nan = NAN;
    file = copy_good(f, "low-nan.h5");
    set_attribute(file, "/warning", "low_months", H5T_NATIVE_DOUBLE, 0, &nan);
    H5Fclose(file);
    refused(f, "low-nan.h5", NULL, "attribute low_months of /warning is nan, not a finite number");
    int64_t year = 2147483647;
    file = copy_good(f, "start.h5");
    set_attribute(file, "/", "start_year", H5T_NATIVE_INT64, 0, &year);
    H5Fclose(file);
    refused(f, "start.h5", NULL, "attribute start_year is 2147483647, not a year");
    year = 2030;
    file = copy_good(f, "start-2030.h5");
    set_attribute(file, "/", "start_year", H5T_NATIVE_INT64, 0, &year);
    H5Fclose(file);
    refused(f, "start-2030.h5", NULL,
            "/years holds 2025 as its year 1, not 2030 (from attribute start_year)");
    H5Tclose(text);
}

/* Writes `q` into /quantiles of a copy named `name`. */
static void damage_levels(const struct tmpdir_fixture *f, const char *name, const double *q)
{
    hid_t file = copy_good(f, name);
    hid_t ds = H5Dopen2(file, "/quantiles", H5P_DEFAULT);
    assert_true(ds >= 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, q) >= 0);
    H5Dclose(ds);
    H5Fclose(file);
}

/* Item 6: levels outside [0, 1] made merge crash (1e6, leaving its temporary
 * file) or read outside its buffers (5), and summary print "p1e+08". */
static void test_quantile_levels(void **state)
{
    const struct tmpdir_fixture *f = *state;
    damage_levels(f, "q-big.h5", (const double[Q]){0.05, 0.5, 1e6});
    refused(f, "q-big.h5",
            "/quantiles holds 1e+06 as level 3: the levels of a run's file are in "
            "[0, 1] and increasing",
            NULL);
    damage_levels(f, "q-5.h5", (const double[Q]){5.0, 0.5, 0.95});
    refused(f, "q-5.h5", "/quantiles holds 5 as level 1", NULL);
    damage_levels(f, "q-nan.h5", (const double[Q]){0.05, NAN, 0.95});
    refused(f, "q-nan.h5", "/quantiles holds nan as level 2", NULL);
    damage_levels(f, "q-negative.h5", (const double[Q]){-0.5, 0.5, 0.95});
    refused(f, "q-negative.h5", "/quantiles holds -0.5 as level 1", NULL);
    damage_levels(f, "q-order.h5", (const double[Q]){0.5, 0.05, 0.95});
    refused(f, "q-order.h5", "/quantiles holds 0.05 as level 2", NULL);
}

/* Rewrites the chunk dimensions in the layout message (version 3, chunked)
 * of dataset `name` of file `path`, a [P][Y][R] dataset in chunks of
 * [CHUNK][Y][R], to `dims`: what the HDF5 API cannot make, as a damaged disk
 * or a bad copy could. */
static void patch_chunks(const char *path, const char *name, const uint32_t dims[3])
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    H5O_info_t info;
    assert_true(ds >= 0 && H5Oget_info2(ds, &info, H5O_INFO_BASIC) >= 0);
    H5Dclose(ds);
    H5Fclose(file);
    size_t n;
    unsigned char *b = slurp(path, &n);
    /* version 3, class 2 (chunked), rank + 1 dimensions; an 8-byte address;
     * then each dimension and the element size, 4 bytes little-endian */
    const unsigned char head[3] = {3, 2, 4};
    const unsigned char old[16] = {CHUNK, 0, 0, 0, Y, 0, 0, 0, R, 0, 0, 0, 8, 0, 0, 0};
    size_t at = (size_t)info.addr;
    while (at + 27 <= n && (memcmp(b + at, head, 3) || memcmp(b + at + 11, old, 16)))
        at++;
    assert_true(at + 27 <= n);
    for (int k = 0; k < 3; k++)
        for (int j = 0; j < 4; j++)
            b[at + 11 + 4 * k + j] = (unsigned char)(dims[k] >> (8 * j));
    spit(path, b, n);
    free(b);
}

/* Recreates /paths/income with its data and the creation properties `dcpl`. */
static void restore_income(const struct tmpdir_fixture *f, const char *name, hid_t dcpl)
{
    hid_t file = copy_good(f, name);
    static double data[P * Y * R];
    hid_t ds = H5Dopen2(file, "/paths/income", H5P_DEFAULT);
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    H5Dclose(ds);
    assert_true(H5Ldelete(file, "/paths/income", H5P_DEFAULT) >= 0);
    hsize_t dims[3] = {P, Y, R};
    hid_t space = H5Screate_simple(3, dims, NULL);
    ds = H5Dcreate2(file, "/paths/income", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(ds >= 0 &&
                H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    H5Dclose(ds);
    H5Sclose(space);
    H5Fclose(file);
}

/* Item 8: chunks larger than the data were written in made HDF5 read beyond
 * its buffers (a crash on larger files), smaller ones merged zeros for most
 * paths without a word; a layout or filters of another tool are refused too.
 * (A chunk dimension of 0 or of 4 GiB or more HDF5 refuses itself, leaking
 * what it had allocated: left to the fuzzer, whose leak check ignores HDF5's.) */
static void test_chunks(void **state)
{
    const struct tmpdir_fixture *f = *state;
    const struct {
        const char *file;
        uint32_t dims[3];
        const char *want;
    } cases[] = {
        {"chunk-65.h5", {65, Y, R}, "its chunks are [65][3][2], not [64][3][2]"},
        {"chunk-2.h5", {2, Y, R}, "its chunks are [2][3][2], not [64][3][2]"},
        {"chunk-years.h5", {CHUNK, Y + 1, R}, "its chunks are [64][4][2], not [64][3][2]"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        hid_t file = copy_good(f, cases[k].file);
        H5Fclose(file);
        char path[256];
        tmpdir_path(path, sizeof path, f, cases[k].file);
        patch_chunks(path, "/paths/balance", cases[k].dims);
        refused(f, cases[k].file, NULL, cases[k].want);
    }

    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    restore_income(f, "contiguous.h5", dcpl);
    refused(f, "contiguous.h5", NULL,
            "/paths/income is not stored as fundsim stores it (chunked and compressed)");
    const hsize_t chunk[3] = {CHUNK, Y, R};
    H5Pset_chunk(dcpl, 3, chunk);
    H5Pset_deflate(dcpl, 9);
    restore_income(f, "deflate-only.h5", dcpl);
    refused(f, "deflate-only.h5", NULL,
            "/paths/income is not compressed as fundsim writes it (shuffle, then deflate)");
    H5Pclose(dcpl);
}

/* Rewrites the index and size of the first object of the file's first global
 * heap collection, where HDF5 keeps variable-length strings (the root's
 * fundsim_version): "GCOL", version, 3 reserved bytes, the collection's size
 * (8 bytes); then each object's index (2), references (2), 4 reserved bytes
 * and size (8), little-endian. */
static void patch_heap(const char *path, unsigned idx, uint64_t size)
{
    size_t n;
    unsigned char *b = slurp(path, &n);
    size_t at = 0;
    while (at + 40 <= n && memcmp(b + at, "GCOL", 4))
        at++;
    assert_true(at + 40 <= n);
    unsigned char *obj = b + at + 16;
    assert_true(obj[0] == 1 && obj[1] == 0 && obj[8] == 5); /* object 1, "0.1.0" */
    obj[0] = (unsigned char)idx, obj[1] = (unsigned char)(idx >> 8);
    for (int j = 0; j < 8; j++)
        obj[8 + j] = (unsigned char)(size >> (8 * j));
    spit(path, b, n);
    free(b);
}

/* HDF5's own structures damaged: HDF5 1.10 copies a heap object of a damaged
 * size beyond its buffers (the commands crashed), and loops forever on an
 * object of index and size 0 (they hung). HDF5 reads the file in a child
 * process first (output/h5probe.c): the child crashes or runs out of its
 * processor time, and the file is refused. */
static void test_damaged_heap(void **state)
{
    const struct tmpdir_fixture *f = *state;
    char path[256];
    H5Fclose(copy_good(f, "heap-size.h5"));
    tmpdir_path(path, sizeof path, f, "heap-size.h5");
    patch_heap(path, 1, (uint64_t)1 << 40);
    refused(f, "heap-size.h5", "heap-size.h5: a damaged HDF5 file: reading it made HDF5 crash",
            NULL);

    H5Fclose(copy_good(f, "heap-loop.h5"));
    tmpdir_path(path, sizeof path, f, "heap-loop.h5");
    patch_heap(path, 0, 0);
    refused(f, "heap-loop.h5",
            "heap-loop.h5: a damaged HDF5 file: HDF5 did not finish reading it (in 2 s of "
            "processor time",
            NULL);

    /* a string's length of 2 GiB: HDF5 allocated it before finding that the
     * string is not there */
    hid_t file = copy_good(f, "string-length.h5");
    hid_t ds = H5Dopen2(file, "/regions", H5P_DEFAULT);
    haddr_t at = H5Dget_offset(ds);
    H5Dclose(ds);
    H5Fclose(file);
    assert_true(at != HADDR_UNDEF);
    tmpdir_path(path, sizeof path, f, "string-length.h5");
    size_t n;
    unsigned char *b = slurp(path, &n);
    assert_true(at + 16 <= n && b[at] == strlen(names[0]) && b[at + 3] == 0);
    b[at + 3] = 0x80;
    spit(path, b, n);
    free(b);
    refused(f, "string-length.h5", "/regions is damaged: its strings are not all in the file",
            NULL);
}

/* Item 19: what is not a run's file is named for what it is, in one line. */
static void test_not_a_run_file(void **state)
{
    const struct tmpdir_fixture *f = *state;
    char path[256], good[256];
    tmpdir_path(path, sizeof path, f, "folder.h5");
    assert_int_equal(mkdir(path, 0700), 0);
    refused(f, "folder.h5", "folder.h5 is a folder, not a run's file", NULL);
    rmdir(path);
    /* opened for reading, a FIFO waited for a writer that never came */
    tmpdir_path(path, sizeof path, f, "fifo.h5");
    assert_int_equal(mkfifo(path, 0600), 0);
    refused(f, "fifo.h5", "fifo.h5 is not a regular file", NULL);
    unlink(path);
    tmpdir_path(path, sizeof path, f, "text.h5");
    spit(path, (const unsigned char *)"year,balance\n", 13);
    refused(f, "text.h5", "text.h5: not an HDF5 file", NULL);
    tmpdir_path(good, sizeof good, f, "good.h5");
    size_t n;
    unsigned char *b = slurp(good, &n);
    tmpdir_path(path, sizeof path, f, "truncated.h5");
    spit(path, b, 4096);
    free(b);
    refused(f, "truncated.h5", "truncated.h5: a damaged HDF5 file: it cannot be opened", NULL);

    /* the command's exit status */
    char folder[256];
    tmpdir_path(folder, sizeof folder, f, "folder");
    assert_int_equal(mkdir(folder, 0700), 0);
    char *argv[] = {"summary", folder, NULL};
    optind = 0;
    assert_int_equal(cmd_summary(2, argv), EXIT_FAILURE_RUN);
    rmdir(folder);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),       cmocka_unit_test(test_attribute_shapes),
        cmocka_unit_test(test_quantile_levels), cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_damaged_heap),    cmocka_unit_test(test_not_a_run_file),
    };
    return cmocka_run_group_tests(tests, group_setup, tmpdir_group_teardown);
}
