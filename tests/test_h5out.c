/* test_h5out.c: the HDF5 writer (output/h5out.c) and the summary table
 * (output/report.c, `fundsim summary`). A synthetic run of 5 paths, 3 years
 * (2025-2027) and 2 regions, written in blocks of 2 + 2 + 1 paths with the
 * real summaries, is read back with the HDF5 C API: names, shapes, dimension
 * scales, units, attributes and exact values; then printed as a table whose
 * figures are worked by hand. Also: summary-only files, aborts and failed
 * commits that leave the destination untouched (also when a FIFO or a link
 * took its place during the run), and bad directories. */
#include "output/h5out.h"
#include "output/report.h"
#include "output/summary.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"

#include <dirent.h>
#include <getopt.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

enum { P = 5, Y = 3, R = 2, Q = 5, START = 2025 };
static const double levels[Q] = {0.05, 0.25, 0.5, 0.75, 0.95};
static const char *const names[R] = {"zhengzhou", "kaifeng"};
static const char *const names_zh[R] = {"郑州市", "开封市"};
static const char *const codes[R] = {"410100", "410200"};
static const double opening_yuan[R] = {1.5e9, 0.75e9};

/* The synthetic records. Balances: (p - 1) x 1e9 + y x 1e8 + r x 5e7 yuan,
 * so path 0 is always depleted, and path 1 of region 0 also in the last year;
 * months of payment 2 (p + 1) + y + r; a deficit on paths 0 and 1; every other
 * variable a distinct exact value but expenditure. */
static double value(size_t p, size_t y, size_t r, size_t v)
{
    switch (v) {
    case VAR_BALANCE:
        return ((double)p - 1) * 1e9 + (double)y * 1e8 + (double)r * 5e7 -
               (p == 1 && y == 2 && r == 0 ? 3e8 : 0);
    case VAR_MONTHS:
        return 2.0 * (double)(p + 1) + (double)(y + r);
    case VAR_SURPLUS:
        return (double)p - 1.5;
    case VAR_EXPENDITURE: /* the province's months: its balance over 2e8 yuan */
        return 1.2e9;
    case VAR_ADJUSTMENT_PAID:
    case VAR_DEFICIT_INTEREST: /* not a benefit: months leave it out */
    case VAR_BACKSTOP:         /* depletion is the balance before a backstop */
        return 0;
    default:
        return (double)(v * 1000 + p * 100 + y * 10 + r) + 0.5;
    }
}

static double national_value(size_t p, size_t y, size_t v)
{
    return (double)(v * 100 + p * 10 + y) + 0.25;
}

struct fixture {
    char dir[64], path[128];
    struct summary *s;
    struct diag dg; /* what the calls said: the last entry is the latest */
};

static struct h5out_meta meta(const double *q, size_t n_q, bool summary_only)
{
    return (struct h5out_meta){
        .version = "0.1.0",
        .scenario_name = "synthetic",
        .scenario_text = "simulation = { paths = 5; };\n",
        .random_generator = "philox4x64",
        .pooling = "city",
        .assumptions = "Individual contribution: frozen in nominal yuan after 2025\n",
        .rules_end_year = 2025,
        .seed = 20240601,
        .paths = P,
        .start_year = START,
        .years = Y,
        .regions = R,
        .region_names = names,
        .region_names_zh = names_zh,
        .region_codes = codes,
        .opening_balance_yuan = opening_yuan,
        .n_quantiles = n_q,
        .quantiles = q,
        .summary_only = summary_only,
    };
}

static void fill_block(struct record_block *b, size_t first)
{
    b->first_path = first;
    for (size_t p = 0; p < b->n_paths; p++)
        for (size_t y = 0; y < Y; y++) {
            for (size_t r = 0; r < R; r++)
                for (size_t v = 0; v < N_VARS; v++)
                    record_at(b, p, y, r)[v] = value(first + p, y, r, v);
            for (size_t v = 0; v < N_NVARS; v++)
                record_national(b, p, y)[v] = national_value(first + p, y, v);
        }
}

/* Writes the synthetic run to f->path with quantile levels q; returns what
 * h5out_commit returns. The summaries stay in f->s for comparison. */
static int write_run(struct fixture *f, const double *q, size_t n_q, bool summary_only)
{
    struct summary_config c = {
        .start_year = START,
        .years = Y,
        .regions = R,
        .paths = P,
        .n_quantiles = n_q,
        .quantiles = q,
        .warning = {3, 6, 12, 15, 0.3, 2},
    };
    summary_free(f->s);
    f->s = summary_alloc(&c);
    assert_non_null(f->s);
    struct h5out_meta m = meta(q, n_q, summary_only);
    struct h5out *o = h5out_create(f->path, &m, &f->dg);
    assert_non_null(o);
    static const size_t sizes[] = {2, 2, 1};
    size_t first = 0;
    for (size_t k = 0; k < 3; k++) {
        struct record_block b;
        assert_int_equal(record_block_alloc(&b, sizes[k], Y, R), 0);
        fill_block(&b, first);
        assert_int_equal(summary_add(f->s, &b, &f->dg), 0);
        assert_int_equal(h5out_write_block(o, &b, &f->dg), 0);
        record_block_free(&b);
        first += sizes[k];
    }
    assert_int_equal(summary_finish(f->s, &f->dg), 0);
    assert_int_equal(h5out_write_summary(o, f->s, &f->dg), 0);
    return h5out_commit(o, &f->dg);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    if (tmpdir_make(f->dir, sizeof f->dir, "test_h5out") != 0) return -1;
    snprintf(f->path, sizeof f->path, "%s/run.h5", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    tmpdir_remove(f->dir);
    summary_free(f->s);
    diag_free(&f->dg);
    free(f);
    return 0;
}

/* Reading back. */

static void assert_shape(hid_t file, const char *name, int rank, const hsize_t *want)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0) fail_msg("%s is missing", name);
    hid_t space = H5Dget_space(ds);
    hsize_t got[3];
    assert_int_equal(H5Sget_simple_extent_ndims(space), rank);
    H5Sget_simple_extent_dims(space, got, NULL);
    for (int k = 0; k < rank; k++)
        assert_int_equal(got[k], want[k]);
    H5Sclose(space);
    H5Dclose(ds);
}

static void read_all(hid_t file, const char *name, hid_t type, void *buf)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0) fail_msg("%s is missing", name);
    assert_true(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Dclose(ds);
}

/* The named dataset equals `want`, element for element, exactly. */
static void assert_doubles(hid_t file, const char *name, const double *want, size_t n)
{
    double *got = malloc(n * sizeof *got);
    assert_non_null(got);
    read_all(file, name, H5T_NATIVE_DOUBLE, got);
    for (size_t k = 0; k < n; k++)
        if (got[k] != want[k])
            fail_msg("%s[%zu] = %.17g, expected %.17g", name, k, got[k], want[k]);
    free(got);
}

static void assert_string_attr(hid_t file, const char *object, const char *name, const char *want)
{
    hid_t a = H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) fail_msg("attribute %s of %s is missing", name, object);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char *got = NULL;
    assert_true(H5Aread(a, type, &got) >= 0);
    assert_string_equal(got, want);
    H5free_memory(got);
    H5Tclose(type);
    H5Aclose(a);
}

static long long int_attr(hid_t file, const char *object, const char *name)
{
    long long v = -1;
    hid_t a = H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) fail_msg("attribute %s of %s is missing", name, object);
    assert_true(H5Aread(a, H5T_NATIVE_LLONG, &v) >= 0);
    H5Aclose(a);
    return v;
}

static double double_attr(hid_t file, const char *object, const char *name)
{
    double v = -1;
    hid_t a = H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) fail_msg("attribute %s of %s is missing", name, object);
    assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0);
    H5Aclose(a);
    return v;
}

static bool is_scale(hid_t file, const char *name)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    bool yes = ds >= 0 && H5DSis_scale(ds) > 0;
    H5Dclose(ds);
    return yes;
}

/* Dimension `idx` of `name` has the label and, unless scale is NULL, that scale attached. */
static void assert_dim(hid_t file, const char *name, unsigned idx, const char *label,
                       const char *scale)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0) fail_msg("%s is missing", name);
    char got[32] = "";
    H5DSget_label(ds, idx, got, sizeof got);
    assert_string_equal(got, label);
    if (scale) {
        hid_t sc = H5Dopen2(file, scale, H5P_DEFAULT);
        if (H5DSis_attached(ds, sc, idx) <= 0)
            fail_msg("%s is not attached to dimension %u of %s", scale, idx, name);
        H5Dclose(sc);
    } else {
        assert_int_equal(H5DSget_num_scales(ds, idx), 0);
    }
    H5Dclose(ds);
}

static void test_layout_and_values(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(write_run(f, levels, Q, false), 0);
    assert_int_equal(tmpdir_count_other(f->dir, "run.h5"), 0); /* no temporary left */
    hid_t file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);

    /* Root attributes. */
    assert_string_attr(file, "/", "fundsim_version", "0.1.0");
    assert_string_attr(file, "/", "scenario_name", "synthetic");
    assert_string_attr(file, "/", "scenario", "simulation = { paths = 5; };\n");
    assert_string_attr(file, "/", "random_generator", "philox4x64");
    assert_string_attr(file, "/", "pooling", "city");
    assert_int_equal(int_attr(file, "/", "seed"), 20240601);
    assert_int_equal(int_attr(file, "/", "paths"), P);
    assert_int_equal(int_attr(file, "/", "start_year"), START);
    assert_int_equal(int_attr(file, "/", "years"), Y);
    assert_int_equal(int_attr(file, "/", "summary_only"), 0);
    assert_true(H5Aexists(file, "created") > 0);

    /* The scales and the regions. */
    static const hsize_t y_dim[] = {Y}, r_dim[] = {R}, q_dim[] = {Q}, l_dim[] = {N_WARN_LEVELS};
    assert_shape(file, "/years", 1, y_dim);
    assert_shape(file, "/regions", 1, r_dim);
    assert_shape(file, "/quantiles", 1, q_dim);
    assert_shape(file, "/warning/levels", 1, l_dim);
    assert_true(is_scale(file, "/years"));
    assert_true(is_scale(file, "/regions"));
    assert_true(is_scale(file, "/quantiles"));
    assert_true(is_scale(file, "/warning/levels"));
    assert_false(is_scale(file, "/opening_balance"));
    int years[Y];
    read_all(file, "/years", H5T_NATIVE_INT, years);
    for (int y = 0; y < Y; y++)
        assert_int_equal(years[y], START + y);
    assert_doubles(file, "/quantiles", levels, Q);
    assert_doubles(file, "/opening_balance", opening_yuan, R);
    assert_dim(file, "/opening_balance", 0, "region", "/regions");
    static const char *const string_sets[][2] = {
        {"/regions", NULL}, {"/region_names_zh", NULL}, {"/region_codes", NULL}};
    const char *const *want[] = {names, names_zh, codes};
    for (int k = 0; k < 3; k++) {
        hid_t ds = H5Dopen2(file, string_sets[k][0], H5P_DEFAULT);
        hid_t ftype = H5Dget_type(ds);
        assert_int_equal(H5Tget_cset(ftype), H5T_CSET_UTF8);
        char *got[R];
        hid_t type = H5Tcopy(ftype);
        assert_true(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0);
        for (int r = 0; r < R; r++)
            assert_string_equal(got[r], want[k][r]);
        hid_t space = H5Dget_space(ds);
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, got);
        H5Sclose(space);
        H5Tclose(type);
        H5Tclose(ftype);
        H5Dclose(ds);
    }

    /* Every path variable round-trips exactly, with its units and dimensions. */
    static const hsize_t pyr[] = {P, Y, R}, py[] = {P, Y};
    double want_v[P * Y * R], want_n[P * Y];
    for (int v = 0; v < N_VARS; v++) {
        char name[64];
        snprintf(name, sizeof name, "/paths/%s", var_info[v].name);
        assert_shape(file, name, 3, pyr);
        for (size_t p = 0; p < P; p++)
            for (size_t y = 0; y < Y; y++)
                for (size_t r = 0; r < R; r++)
                    want_v[(p * Y + y) * R + r] = value(p, y, r, (size_t)v);
        assert_doubles(file, name, want_v, P * Y * R);
        assert_string_attr(file, name, "units", var_info[v].units);
        assert_string_attr(file, name, "long_name", var_info[v].long_name);
    }
    for (int v = 0; v < N_NVARS; v++) {
        char name[64];
        snprintf(name, sizeof name, "/paths/national/%s", nvar_info[v].name);
        assert_shape(file, name, 2, py);
        for (size_t p = 0; p < P; p++)
            for (size_t y = 0; y < Y; y++)
                want_n[p * Y + y] = national_value(p, y, (size_t)v);
        assert_doubles(file, name, want_n, P * Y);
        assert_string_attr(file, name, "units", nvar_info[v].units);
    }
    assert_string_attr(file, "/paths/balance", "units", "yuan");
    assert_string_attr(file, "/paths/enrollees", "units", "persons");
    /* Each group's dimensions are attached to the file's scales, as before,
     * and then to copies of them in the group, so that a netCDF reader of one
     * group sees its coordinates. */
    assert_dim(file, "/paths/balance", 1, "year", "/years");
    assert_dim(file, "/paths/balance", 2, "region", "/regions");
    assert_dim(file, "/summary/balance_quantiles", 2, "quantile", "/quantiles");
    assert_dim(file, "/paths/balance", 0, "path", "/paths/path");
    assert_dim(file, "/paths/balance", 1, "year", "/paths/years");
    assert_dim(file, "/paths/balance", 2, "region", "/paths/regions");
    assert_dim(file, "/paths/national/cost_index", 0, "path", "/paths/national/path");
    assert_dim(file, "/paths/national/cost_index", 1, "year", "/paths/national/years");
    assert_dim(file, "/paths/region_codes", 0, "region", "/paths/regions");
    assert_string_attr(file, "/paths", "coordinates", "region_codes region_names_zh");
    long long numbers[P], copied_years[Y];
    read_all(file, "/paths/path", H5T_NATIVE_LLONG, numbers);
    for (size_t p = 0; p < P; p++)
        assert_int_equal(numbers[p], p);
    read_all(file, "/paths/national/years", H5T_NATIVE_LLONG, copied_years);
    for (size_t y = 0; y < Y; y++)
        assert_int_equal(copied_years[y], START + (int)y);
    hid_t ds = H5Dopen2(file, "/paths/income", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    assert_int_equal(H5Pget_nfilters(dcpl), 2); /* shuffle, deflate */
    H5Pclose(dcpl);
    H5Dclose(ds);

    /* The summaries are the summary module's, exactly; and by hand. */
    const struct summary_results *s = summary_results(f->s);
    static const hsize_t yrq[] = {Y, R, Q}, yr[] = {Y, R}, yrl[] = {Y, R, N_WARN_LEVELS},
                         yq[] = {Y, Q}, ry[] = {R, Y}, rq[] = {R, Q};
    assert_shape(file, "/summary/balance_quantiles", 3, yrq);
    assert_doubles(file, "/summary/balance_quantiles", s->quantiles[VAR_BALANCE], Y * R * Q);
    assert_doubles(file, "/summary/balance_mean", s->mean[VAR_BALANCE], Y * R);
    assert_doubles(file, "/summary/months_quantiles", s->quantiles[VAR_MONTHS], Y * R * Q);
    assert_doubles(file, "/summary/subsidy_central_mean", s->mean[VAR_SUBSIDY_CENTRAL], Y * R);
    assert_int_equal(H5Lexists(file, "/summary/subsidy_central_quantiles", H5P_DEFAULT), 0);
    assert_shape(file, "/summary/province/balance_quantiles", 2, yq);
    assert_doubles(file, "/summary/province/balance_quantiles", s->province_quantiles[VAR_BALANCE],
                   Y * Q);
    assert_doubles(file, "/summary/province/months_mean", s->province_mean[VAR_MONTHS], Y);
    assert_doubles(file, "/summary/national/cost_index_quantiles",
                   s->national_quantiles[NVAR_COST_INDEX], Y * Q);
    assert_shape(file, "/warning/p_deficit", 2, yr);
    assert_shape(file, "/warning/p_depleted", 2, yr);
    assert_shape(file, "/warning/p_level", 3, yrl);
    assert_doubles(file, "/warning/p_level", s->p_level, Y * R * N_WARN_LEVELS);
    assert_doubles(file, "/warning/p_excess_balance", s->p_excess_balance, Y * R);
    assert_doubles(file, "/warning/province_p_depleted", s->province_p_depleted, Y);
    assert_shape(file, "/depletion/p_first_year", 2, ry);
    assert_doubles(file, "/depletion/p_first_year", s->p_first_depletion, R * Y);
    assert_doubles(file, "/depletion/p_by_year", s->p_depleted_by, Y * R);
    assert_shape(file, "/depletion/year_at_quantile", 2, rq);
    double p_deficit[Y * R], p_depleted[Y * R];
    read_all(file, "/warning/p_deficit", H5T_NATIVE_DOUBLE, p_deficit);
    read_all(file, "/warning/p_depleted", H5T_NATIVE_DOUBLE, p_depleted);
    for (int i = 0; i < Y * R; i++) {
        assert_true(p_deficit[i] == 0.4); /* paths 0 and 1 of 5 */
        assert_true(p_depleted[i] == (i == 2 * R + 0 ? 0.4 : 0.2));
    }
    double q[Y * R * Q];
    read_all(file, "/summary/balance_quantiles", H5T_NATIVE_DOUBLE, q);
    for (size_t y = 0; y < Y; y++)
        for (size_t r = 0; r < R; r++) /* the median is path 2's: 1e9 + y 1e8 + r 5e7 */
            assert_true(q[(y * R + r) * Q + 2] == 1e9 + (double)y * 1e8 + (double)r * 5e7);
    int first[R], level[Y * R];
    read_all(file, "/depletion/first_year_at_risk", H5T_NATIVE_INT, first);
    assert_int_equal(first[0], 2027); /* 0.4 >= 0.3 in the last year only */
    assert_int_equal(first[1], 0);
    read_all(file, "/warning/level", H5T_NATIVE_INT, level);
    for (int i = 0; i < Y * R; i++)
        assert_int_equal(level[i], WARN_GREEN); /* paths 2-4: 6 to 13 months */
    assert_string_attr(file, "/warning/p_depleted", "units", "1");
    assert_string_attr(file, "/depletion/first_year_at_risk", "units", "year");
    assert_string_attr(file, "/summary/balance_quantiles", "units", "yuan");
    assert_string_attr(file, "/summary/months_mean", "units", "months");
    assert_dim(file, "/summary/balance_quantiles", 0, "year", "/summary/years");
    assert_dim(file, "/summary/balance_quantiles", 1, "region", "/summary/regions");
    assert_dim(file, "/summary/balance_quantiles", 2, "quantile", "/summary/quantiles");
    assert_dim(file, "/warning/p_level", 2, "level", "/warning/levels");
    assert_dim(file, "/depletion/p_first_year", 0, "region", "/depletion/regions");
    assert_dim(file, "/depletion/p_first_year", 1, "year", "/depletion/years");
    assert_true(is_scale(file, "/summary/quantiles"));
    assert_false(is_scale(file, "/summary/region_codes"));
    assert_true(double_attr(file, "/warning", "depletion_probability") == 0.3);
    assert_true(double_attr(file, "/warning", "insufficient_months") == 3);
    assert_true(double_attr(file, "/warning", "low_months") == 6);
    assert_true(double_attr(file, "/warning", "target_months") == 12);
    assert_true(double_attr(file, "/warning", "excess_months") == 15);
    assert_true(double_attr(file, "/warning", "max_balance_share") == 2);
    H5Fclose(file);
}

static void test_summary_only(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(write_run(f, levels, Q, true), 0);
    hid_t file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    assert_int_equal(H5Lexists(file, "/paths", H5P_DEFAULT), 0);
    assert_int_equal(int_attr(file, "/", "summary_only"), 1);
    assert_doubles(file, "/summary/balance_quantiles",
                   summary_results(f->s)->quantiles[VAR_BALANCE], Y * R * Q);
    H5Fclose(file);

    /* The paths' part of the size: 8 bytes a value, and a chunk index a dataset. */
    struct h5out_meta full = meta(levels, Q, false), only = meta(levels, Q, true);
    /* and /paths's and /paths/national's copies of the scales (3 datasets each) */
    assert_true(h5out_expected_bytes(&full) - h5out_expected_bytes(&only) ==
                8.0 * P * Y * (R * N_VARS + N_NVARS) + 4400.0 * (N_VARS + N_NVARS) +
                    8.0 * 2 * (Y + R + P) + 1100.0 * 3 * 2);
    assert_true(h5out_expected_bytes(&only) > 8.0 * Y * R * N_VARS);
}

/* The size announced before a run (and counted by its free-space check) is
 * not below the file's, nor far above it: for a small run HDF5's own
 * structures are most of the file. */
static void test_expected_size(void **state)
{
    struct fixture *f = *state;
    for (int summary_only = 0; summary_only < 2; summary_only++) {
        assert_int_equal(write_run(f, levels, Q, summary_only), 0);
        struct stat st;
        assert_int_equal(stat(f->path, &st), 0);
        struct h5out_meta m = meta(levels, Q, summary_only);
        double expected = h5out_expected_bytes(&m), actual = (double)st.st_size;
        printf("# %s: %.0f bytes, %.0f expected\n", summary_only ? "summary only" : "with paths",
               actual, expected);
        assert_true(expected >= actual);
        assert_true(expected <= 1.5 * actual);
    }
}

static void write_text(const char *path, const char *text)
{
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

static void assert_text(const char *path, const char *want)
{
    char got[64] = "";
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    assert_non_null(fgets(got, sizeof got, in));
    fclose(in);
    assert_string_equal(got, want);
}

/* An abort, and a commit of an incomplete file, leave an existing file
 * untouched and no temporary file. */
static void test_abort_leaves_destination(void **state)
{
    struct fixture *f = *state;
    write_text(f->path, "the previous run\n");
    struct h5out_meta m = meta(levels, Q, false);
    struct h5out *o = h5out_create(f->path, &m, &f->dg);
    assert_non_null(o);
    assert_int_equal(tmpdir_count_other(f->dir, "run.h5"), 1); /* the temporary file */
    struct record_block b;
    assert_int_equal(record_block_alloc(&b, 2, Y, R), 0);
    fill_block(&b, 0);
    assert_int_equal(h5out_write_block(o, &b, &f->dg), 0);
    h5out_abort(o);
    assert_text(f->path, "the previous run\n");
    assert_int_equal(tmpdir_count_other(f->dir, "run.h5"), 0);

    o = h5out_create(f->path, &m, &f->dg);
    assert_non_null(o);
    assert_int_equal(h5out_write_block(o, &b, &f->dg), 0);
    b.first_path = 4; /* paths 4-5 of 5 */
    assert_int_equal(h5out_write_block(o, &b, &f->dg), -1);
    assert_non_null(strstr(diag_last_text(&f->dg), "does not fit"));
    assert_int_equal(h5out_commit(o, &f->dg), -1);
    assert_non_null(strstr(diag_last_text(&f->dg), "2 of 5 paths written"));
    assert_non_null(strstr(diag_last_text(&f->dg), f->path));
    assert_text(f->path, "the previous run\n");
    assert_int_equal(tmpdir_count_other(f->dir, "run.h5"), 0);
    record_block_free(&b);
}

/* Commits a summary-only file of the synthetic run (the summaries of an
 * earlier write_run in f->s) after `swap` has put something else at f->path. */
static int commit_after(struct fixture *f, void (*swap)(const char *path))
{
    struct h5out_meta m = meta(levels, Q, true);
    struct h5out *o = h5out_create(f->path, &m, &f->dg);
    assert_non_null(o);
    assert_int_equal(h5out_write_summary(o, f->s, &f->dg), 0);
    swap(f->path);
    return h5out_commit(o, &f->dg);
}

static void swap_fifo(const char *path)
{
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkfifo(path, 0600), 0);
}

static void swap_link(const char *path)
{
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink("elsewhere.h5", path), 0);
}

/* The commit replaces only a regular file: a FIFO or a symbolic link put at
 * the path during the run is left as it is, and the temporary file removed. */
static void test_commit_replaces_only_a_regular_file(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(write_run(f, levels, Q, true), 0);
    struct stat st;
    assert_int_equal(commit_after(f, swap_fifo), -1);
    assert_non_null(
        strstr(diag_last_text(&f->dg), "run.h5 is now a FIFO (named pipe), not a regular file"));
    assert_int_equal(lstat(f->path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(tmpdir_count_other(f->dir, "run.h5"), 0);

    assert_int_equal(commit_after(f, swap_link), -1);
    assert_non_null(
        strstr(diag_last_text(&f->dg), "run.h5 is now a symbolic link, not a regular file"));
    assert_int_equal(lstat(f->path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(tmpdir_count_other(f->dir, "run.h5"), 0);
}

static void test_create_fails_cleanly(void **state)
{
    struct fixture *f = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/no/such/dir/run.h5", f->dir);
    struct h5out_meta m = meta(levels, Q, false);
    assert_null(h5out_create(path, &m, &f->dg));
    assert_non_null(strstr(diag_last_text(&f->dg), path));
    assert_non_null(strstr(diag_last_text(&f->dg), "No such file or directory"));
    /* A file where the directory should be. */
    write_text(f->path, "a file\n");
    snprintf(path, sizeof path, "%s/run.h5", f->path);
    assert_null(h5out_create(path, &m, &f->dg));
    assert_non_null(strstr(diag_last_text(&f->dg), "Not a directory"));
    if (geteuid() == 0) return; /* root writes anywhere */
    char locked[128];
    snprintf(locked, sizeof locked, "%s/locked", f->dir);
    assert_int_equal(mkdir(locked, 0500), 0);
    snprintf(path, sizeof path, "%s/run.h5", locked);
    assert_null(h5out_create(path, &m, &f->dg));
    assert_non_null(strstr(diag_last_text(&f->dg), "Permission denied"));
    rmdir(locked);
}

/* The table: report_print into a memory buffer. */
static int report(const char *path, const int *years, size_t n, bool csv, char **text,
                  struct diag *dg)
{
    size_t size;
    FILE *out = open_memstream(text, &size);
    assert_non_null(out);
    int rc = report_print(path, years, n, csv, REPORT_ALL, out, dg);
    fclose(out);
    return rc;
}

static void test_report_text(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(write_run(f, levels, Q, false), 0);
    char *text = NULL;
    assert_int_equal(report(f->path, NULL, 0, false, &text, &f->dg), 0);
    /* Default years of 2025-2027: the first and the last. Balances in 1e8
     * yuan: p5 = x0 + 0.2 (x1 - x0), p95 = x3 + 0.8 (x4 - x3) of the sorted
     * paths; months 2, 4, 6, 8, 10 (+ y + r); P(depl) 1 or 2 paths of 5;
     * levels: red, yellow (or red), green x 3. Province: the regions' sums. */
    static const char *const rows[] = {
        "scenario synthetic, 5 paths, seed 20240601, years 2025-2027",
        "year  region           p5       p50       p95     p5    p50    p95  P(depl)  level\n",
        "2025  zhengzhou     -8.00     10.00     28.00    2.4    6.0    9.6    0.200  green  "
        "0.60\n",
        "      kaifeng       -7.50     10.50     28.50    3.4    7.0   10.6    0.200  green  "
        "0.60\n",
        "      province     -15.50     20.50     56.50   -7.8   10.2   28.2    0.200  -\n",
        "2027  zhengzhou     -6.60     12.00     30.00    4.4    8.0   11.6    0.400  green  "
        "0.60\n",
        "First year with P(depl) >= 0.3:\n  zhengzhou  2027\n  kaifeng    -\n",
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++)
        if (!strstr(text, rows[k])) fail_msg("missing \"%s\" in:\n%s", rows[k], text);
    assert_null(strstr(text, "2026"));
    free(text);

    /* Levels other than 5, 50 and 95 %: the nearest, labelled as they are. */
    static const double tenths[] = {0.1, 0.5, 0.9};
    assert_int_equal(write_run(f, tenths, 3, true), 0);
    int year = 2025;
    assert_int_equal(report(f->path, &year, 1, false, &text, &f->dg), 0);
    if (!strstr(text, "year  region          p10       p50       p90    p10    p50    p90") ||
        !strstr(text, "2025  zhengzhou     -6.00     10.00     26.00    2.8    6.0    9.2"))
        fail_msg("unexpected table:\n%s", text);
    free(text);
}

static void test_report_csv(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(write_run(f, levels, Q, false), 0);
    char *text = NULL;
    static const int years[] = {2026, 2027};
    assert_int_equal(report(f->path, years, 2, true, &text, &f->dg), 0);
    static const char want[] =
        "year,region,name_zh,balance_p5_1e8_yuan,balance_p50_1e8_yuan,balance_p95_1e8_yuan,"
        "months_p5,months_p50,months_p95,p_depleted,level,p_level,first_year_at_risk,history\n"
        "2026,zhengzhou,郑州市,-7.000000,11.000000,29.000000,3.4000,7.0000,10.6000,0.200000,"
        "green,0.600000,2027,0\n"
        "2026,kaifeng,开封市,-6.500000,11.500000,29.500000,4.4000,8.0000,11.6000,0.200000,"
        "green,0.800000,,0\n"
        "2026,province,全省,-13.500000,22.500000,58.500000,";
    if (strncmp(text, want, sizeof want - 1)) fail_msg("unexpected CSV:\n%s", text);
    size_t lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + 2 * (R + 1));
    free(text);
}

static void test_report_errors(void **state)
{
    struct fixture *f = *state;
    char *text = NULL;
    assert_int_equal(report(f->path, NULL, 0, false, &text, &f->dg), -1);
    assert_non_null(strstr(diag_last_text(&f->dg), f->path));
    assert_non_null(strstr(diag_last_text(&f->dg), "No such file"));
    free(text);

    write_text(f->path, "not HDF5\n");
    assert_int_equal(report(f->path, NULL, 0, false, &text, &f->dg), -1);
    assert_non_null(strstr(diag_last_text(&f->dg), "not an HDF5 file"));
    free(text);

    /* HDF5, but not a run: the first thing missing is named. */
    hid_t file = H5Fcreate(f->path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n = 3;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t ds =
        H5Dcreate2(file, "years", H5T_NATIVE_INT, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int years[3] = {2025, 2026, 2027};
    H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, years);
    H5Dclose(ds);
    H5Sclose(space);
    H5Fclose(file);
    assert_int_equal(report(f->path, NULL, 0, false, &text, &f->dg), -1);
    assert_non_null(strstr(diag_last_text(&f->dg), f->path));
    assert_non_null(strstr(diag_last_text(&f->dg), "/regions is missing"));
    free(text);

    assert_int_equal(write_run(f, levels, Q, true), 0);
    int late = 2030;
    assert_int_equal(report(f->path, &late, 1, false, &text, &f->dg), -1);
    assert_int_equal(diag_last(&f->dg)->kind, DIAG_USAGE);
    assert_non_null(
        strstr(diag_last_text(&f->dg), "year 2030 is not among the file's years 2025-2027"));
    free(text);
}

/* `fundsim summary`: exit statuses. */
static int run_summary(int argc, char **argv)
{
    optind = 0;
    fflush(stdout);
    return cmd_summary(argc, argv);
}

static void test_cmd_summary(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(write_run(f, levels, Q, true), 0);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing.h5", f->dir);
    char *ok[] = {"summary", "--csv", "--years", "2025,2027", f->path, NULL};
    char *help[] = {"summary", "--help", NULL};
    char *none[] = {"summary", NULL};
    char *bad_years[] = {"summary", "--years", "2025,20x6", f->path, NULL};
    char *late[] = {"summary", "--years", "2031", f->path, NULL};
    char *gone[] = {"summary", missing, NULL};
    assert_int_equal(run_summary(5, ok), EXIT_OK);
    assert_int_equal(run_summary(2, help), EXIT_OK);
    assert_int_equal(run_summary(1, none), EXIT_USAGE);
    assert_int_equal(run_summary(4, bad_years), EXIT_USAGE);
    assert_int_equal(run_summary(4, late), EXIT_USAGE);
    assert_int_equal(run_summary(2, gone), EXIT_FAILURE_RUN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout_and_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expected_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_destination, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_replaces_only_a_regular_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_fails_cleanly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cmd_summary, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
