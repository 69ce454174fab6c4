/* test_report.c: the budget burden and policy comparison tables of `fundsim
 * summary` (output/report.c, output/report_diff.c). A real run of 4 paths, 3
 * years (2025-2027) and 2 regions is written by the HDF5 writer with the real
 * summaries; its budget table is checked against the file's datasets and by
 * hand. For the comparison, /diff is added to that file by hand with the HDF5
 * C API: a variant whose figures are chosen so that each printed one is known,
 * and a variant equal to the base. */
#include "output/h5out.h"
#include "output/report.h"
#include "output/summary.h"
#include "output/terms.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"

#include <getopt.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tmpdir.h"

enum { P = 4, Y = 3, R = 2, Q = 3, START = 2025, N_GOV = 5 };
static const double levels[Q] = {0.05, 0.5, 0.95};
static const char *const names[R] = {"zhengzhou", "kaifeng"};
static const char *const names_zh[R] = {"郑州市", "开封市"};
static const char *const codes[R] = {"410100", "410200"};
static const double opening_yuan[R] = {1.5e9, 0.75e9};
static const char *const gov[N_GOV] = {"central", "province", "city", "district", "county"};
static const enum var outlays[N_GOV] = {VAR_OUTLAY_CENTRAL, VAR_OUTLAY_PROVINCE, VAR_OUTLAY_CITY,
                                        VAR_OUTLAY_DISTRICT, VAR_OUTLAY_COUNTY};

/* Outlay of level k: (k + 1) x 1e8 + p x 1e7 + y x 1e6 + r x 5e7 yuan, so the
 * province's, in 1e8 yuan, is 2 (k + 1) + 0.5 + 0.2 p + 0.02 y: over the 4
 * paths, p5 = x0 + 0.15 x 0.2, p50 = mean = x0 + 0.3, p95 = x0 + 0.57. */
static double value(size_t p, size_t y, size_t r, size_t v)
{
    for (size_t k = 0; k < N_GOV; k++)
        if (v == outlays[k])
            return (double)(k + 1) * 1e8 + (double)p * 1e7 + (double)y * 1e6 + (double)r * 5e7;
    switch (v) {
    case VAR_BALANCE:
        return (double)(p + 1) * 1e9 + (double)y * 1e8;
    case VAR_EXPENDITURE:
        return 1.2e9;
    /* the first warning's (test_current): medians over the 4 paths at p = 1.5 */
    case VAR_ENROLLEES:
        return 1e6 * (double)(r + 1) + 1e5 * (double)p + 1e4 * (double)y;
    case VAR_INCOME:
        return 2e9 + 1e8 * (double)p + 5e8 * (double)r;
    case VAR_SURPLUS:
        return 1e8 * ((double)p - 1) - 1e8 * (double)r + 1e7 * (double)y;
    case VAR_ADJUSTMENT_PAID:
        return 0;
    default:
        return (double)(v * 1000 + p * 100 + y * 10 + r) + 0.5;
    }
}

struct fixture {
    char dir[64], path[128];
    struct diag dg; /* what the calls said: the last entry is the latest */
};

/* Writes the run to f->path. */
static void write_run(struct fixture *f)
{
    struct summary_config c = {
        .start_year = START,
        .years = Y,
        .regions = R,
        .paths = P,
        .n_quantiles = Q,
        .quantiles = levels,
        .warning = {3, 6, 12, 15, 0.3, 2},
    };
    struct summary *s = summary_alloc(&c);
    assert_non_null(s);
    struct h5out_meta m = {
        .version = "0.1.0",
        .scenario_name = "synthetic",
        .scenario_text = "simulation = { paths = 4; };\n",
        .random_generator = "philox4x64",
        .pooling = "city",
        .seed = 7,
        .paths = P,
        .start_year = START,
        .years = Y,
        .regions = R,
        .region_names = names,
        .region_names_zh = names_zh,
        .region_codes = codes,
        .opening_balance_yuan = opening_yuan,
        .n_quantiles = Q,
        .quantiles = levels,
        .summary_only = true,
    };
    struct h5out *o = h5out_create(f->path, &m, &f->dg);
    assert_non_null(o);
    struct record_block b;
    assert_int_equal(record_block_alloc(&b, P, Y, R), 0);
    b.first_path = 0;
    for (size_t p = 0; p < P; p++)
        for (size_t y = 0; y < Y; y++)
            for (size_t r = 0; r < R; r++)
                for (size_t v = 0; v < N_VARS; v++)
                    record_at(&b, p, y, r)[v] = value(p, y, r, v);
    assert_int_equal(summary_add(s, &b, &f->dg), 0);
    assert_int_equal(h5out_write_block(o, &b, &f->dg), 0);
    record_block_free(&b);
    assert_int_equal(summary_finish(s, &f->dg), 0);
    assert_int_equal(h5out_write_summary(o, s, &f->dg), 0);
    assert_int_equal(h5out_commit(o, &f->dg), 0);
    summary_free(s);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    if (tmpdir_make(f->dir, sizeof f->dir, "test_report") != 0) return -1;
    snprintf(f->path, sizeof f->path, "%s/run.h5", f->dir);
    write_run(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    tmpdir_remove(f->dir);
    diag_free(&f->dg);
    free(f);
    return 0;
}

/* report_print into a string (freed by the caller). */
static int report(struct fixture *f, const int *years, size_t n, bool csv, enum report_table table,
                  char **text)
{
    size_t size;
    FILE *out = open_memstream(text, &size);
    assert_non_null(out);
    int rc = report_print(f->path, years, n, csv, table, out, &f->dg);
    fclose(out);
    return rc;
}

static void assert_contains(const char *text, const char *want)
{
    if (!strstr(text, want)) fail_msg("missing \"%s\" in:\n%s", want, text);
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *c = text; *c; c++)
        n += *c == '\n';
    return n;
}

/* The budget table: each figure is the file's dataset in 1e8 yuan, and the
 * total the sum of the means. */
static void test_budget_text(void **state)
{
    struct fixture *f = *state;
    char *text = NULL;
    assert_int_equal(report(f, NULL, 0, false, REPORT_BUDGET, &text), 0);
    hid_t file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    for (size_t y = 0; y < Y; y += Y - 1) { /* the default years: the first and the last */
        double total = 0;
        for (size_t k = 0; k < N_GOV; k++) {
            char name[64], row[128];
            double q[Y][Q], mean[Y];
            snprintf(name, sizeof name, "/summary/province/outlay_%s_quantiles", gov[k]);
            assert_true(H5LTread_dataset_double(file, name, &q[0][0]) >= 0);
            snprintf(name, sizeof name, "/summary/province/outlay_%s_mean", gov[k]);
            assert_true(H5LTread_dataset_double(file, name, mean) >= 0);
            snprintf(row, sizeof row, "%-8s %9.2f %9.2f %9.2f %9.2f\n", gov[k], q[y][0] / 1e8,
                     q[y][1] / 1e8, q[y][2] / 1e8, mean[y] / 1e8);
            assert_contains(text, row);
            total += mean[y];
        }
        char row[128];
        snprintf(row, sizeof row, "total %42.2f\n", total / 1e8);
        assert_contains(text, row);
    }
    H5Fclose(file);
    /* By hand: central 2.5, 2.7, 2.9, 3.1 in 2025, +0.04 in 2027; each level 2 more. */
    static const char *const rows[] = {
        "synthetic, 4 paths, seed 7, years 2025-2027\n",
        "in present value.\n\nBudget burden of the province",
        "year  level           p5       p50       p95      mean\n"
        "2025  central       2.53      2.80      3.07      2.80\n"
        "      province      4.53      4.80      5.07      4.80\n"
        "      city          6.53      6.80      7.07      6.80\n"
        "      district      8.53      8.80      9.07      8.80\n"
        "      county       10.53     10.80     11.07     10.80\n"
        "      total                                      34.00\n\n"
        "2027  central       2.57      2.84      3.11      2.84\n",
        "      total                                      34.20\n",
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++)
        assert_contains(text, rows[k]);
    assert_null(strstr(text, "2026"));
    assert_null(strstr(text, "P(depl)")); /* the budget table alone */
    free(text);
}

static void test_budget_csv(void **state)
{
    struct fixture *f = *state;
    char *text = NULL;
    static const int years[] = {2026};
    assert_int_equal(report(f, years, 1, true, REPORT_BUDGET, &text), 0);
    static const char want[] = "year,level,mean_1e8_yuan,p5_1e8_yuan,p50_1e8_yuan,p95_1e8_yuan\n"
                               "2026,central,2.820000,2.550000,2.820000,3.090000\n"
                               "2026,province,4.820000,4.550000,4.820000,5.090000\n"
                               "2026,city,6.820000,6.550000,6.820000,7.090000\n"
                               "2026,district,8.820000,8.550000,8.820000,9.090000\n"
                               "2026,county,10.820000,10.550000,10.820000,11.090000\n"
                               "2026,total,34.100000,,,\n";
    assert_string_equal(text, want);
    free(text);
}

/* The heading every text opens with: the run, its assumptions and the
 * actuarial balance's headline, which ends in an empty line. */
static size_t heading_length(const char *text)
{
    const char *end = strstr(text, "in present value.\n\n");
    assert_non_null(end);
    return (size_t)(end - text) + strlen("in present value.\n\n");
}

/* Without --table, the text is the heading, the actuarial balance, the
 * warning table, then the budget table; as CSV, the warning table alone. */
static void test_all_tables(void **state)
{
    struct fixture *f = *state;
    char *all = NULL, *warning = NULL, *budget = NULL, *actuarial = NULL, *csv = NULL,
         *warning_csv = NULL, *current = NULL;
    assert_int_equal(report(f, NULL, 0, false, REPORT_ALL, &all), 0);
    assert_int_equal(report(f, NULL, 0, false, REPORT_WARNING, &warning), 0);
    assert_int_equal(report(f, NULL, 0, false, REPORT_BUDGET, &budget), 0);
    assert_int_equal(report(f, NULL, 0, false, REPORT_ACTUARIAL, &actuarial), 0);
    assert_int_equal(report(f, NULL, 0, false, REPORT_CURRENT, &current), 0);
    size_t h = heading_length(warning);
    assert_int_equal(heading_length(current), h);
    assert_int_equal(heading_length(budget), h);
    assert_int_equal(heading_length(actuarial), h);
    assert_memory_equal(all, warning, h);
    const char *parts[] = {actuarial + h, warning + h, current + h, budget + h};
    const char *at = all + h;
    for (int k = 0; k < 4; k++) {
        size_t n = strlen(parts[k]);
        if (k > 0) assert_int_equal(*at++, '\n');
        assert_memory_equal(at, parts[k], n);
        at += n;
    }
    assert_int_equal(*at, '\0');
    free(actuarial);
    free(current);
    assert_int_equal(report(f, NULL, 0, true, REPORT_ALL, &csv), 0);
    assert_int_equal(report(f, NULL, 0, true, REPORT_WARNING, &warning_csv), 0);
    assert_string_equal(csv, warning_csv);
    assert_int_equal(strncmp(csv, "year,region,name_zh,balance_p5_1e8_yuan,", 40), 0);
    free(all);
    free(warning);
    free(budget);
    free(csv);
    free(warning_csv);
}

/* report_write into a string (freed by the caller). */
static int write_report(struct fixture *f, const struct report_request *rq, char **text)
{
    size_t size;
    FILE *out = open_memstream(text, &size);
    assert_non_null(out);
    int rc = report_write(f->path, rq, out, &f->dg);
    fclose(out);
    return rc;
}

/* The first warning, by hand from value(): enrollees 1e6 (r + 1) + 1e5 p +
 * 1e4 y, income 2e9 + 1e8 p + 5e8 r, expenditure 1.2e9, surplus 1e8 (p - 1) -
 * 1e8 r + 1e7 y; over the paths p = 0..3 the median is at p = 1.5 and the
 * 5 % and 95 % quantiles at p = 0.15 and 2.85 (type 7). In 2025, region 0:
 * 115.0 万, 21.50 and 12.00 亿, surplus -0.85, 0.50, 1.85, P(deficit) 1/4;
 * region 1: 215.0 万, 26.50, surplus -1.85, -0.50, 0.85, P 2/4; the
 * province (sums per path: surplus 2e8 (p - 1) - 1e8): 330.0, 48.00, 24.00,
 * -2.70, 0.00, 2.70, P 2/4. */
static void test_current(void **state)
{
    struct fixture *f = *state;
    char *text = NULL, *csv = NULL, *zh = NULL;
    static const int years[] = {2025};
    struct report_request rq = {.years = years, .n_years = 1, .table = REPORT_CURRENT};
    assert_int_equal(write_report(f, &rq, &text), 0);
    assert_contains(text, "2025  zhengzhou     115.0     21.50       12.00         -0.85"
                          "          0.50          1.85       0.250\n"
                          "      kaifeng       215.0     26.50       12.00         -1.85"
                          "         -0.50          0.85       0.500\n"
                          "      province      330.0     48.00       24.00         -2.70"
                          "          0.00          2.70       0.500\n");
    rq.csv = true;
    assert_int_equal(write_report(f, &rq, &csv), 0);
    assert_string_equal(csv, "year,region,name_zh,enrollees_p50_1e4_persons,income_p50_1e8_yuan,"
                             "expenditure_p50_1e8_yuan,surplus_p5_1e8_yuan,surplus_p50_1e8_yuan,"
                             "surplus_p95_1e8_yuan,p_current_deficit,history\n"
                             "2025,zhengzhou,郑州市,115.0000,21.500000,12.000000,-0.850000,"
                             "0.500000,1.850000,0.250000,0\n"
                             "2025,kaifeng,开封市,215.0000,26.500000,12.000000,-1.850000,"
                             "-0.500000,0.850000,0.500000,0\n"
                             "2025,province,全省,330.0000,48.000000,24.000000,-2.700000,"
                             "0.000000,2.700000,0.500000,0\n");
    rq.csv = false;
    rq.lang = LANG_ZH;
    assert_int_equal(write_report(f, &rq, &zh), 0);
    assert_contains(zh, "当期收不抵支概率");
    assert_contains(zh, "2025  郑州市     115.0     21.50     12.00         -0.85");
    assert_contains(zh, "      全省       330.0");
    assert_null(strstr(zh, "zhengzhou\n"));
    free(text);
    free(csv);
    free(zh);
}

/* --excel's byte-order mark, a range of years, and every table as CSV, each
 * under its name. */
static void test_csv_every(void **state)
{
    struct fixture *f = *state;
    char *text = NULL, *plain = NULL;
    static const int years[] = {2025, 2026, 2027};
    struct report_request rq = {
        .years = years, .n_years = 3, .csv = true, .bom = true, .table = REPORT_EVERY};
    assert_int_equal(write_report(f, &rq, &text), 0);
    assert_memory_equal(text, "\xEF\xBB\xBF# warning\nyear,region,", 23);
    const char *titles[] = {"\n\n# current\nyear,", "\n\n# budget\nyear,level,",
                            "\n\n# actuarial\nyear,"};
    const char *at = text;
    for (size_t k = 0; k < 3; k++) {
        const char *t = strstr(at, titles[k]);
        if (!t) fail_msg("missing %s", titles[k]);
        at = t;
    }
    assert_null(strstr(text, "# diff")); /* no variants in this file */
    /* 3 years x (2 regions + the province) rows of each regional table, 3 x 6 of the budget */
    assert_int_equal(count_lines(text), 4 * 2 + 3 + 9 * 3 + 18);
    rq.bom = false;
    rq.table = REPORT_CURRENT;
    assert_int_equal(write_report(f, &rq, &plain), 0);
    assert_memory_equal(plain, "year,", 5);
    assert_int_equal(count_lines(plain), 1 + 9);
    free(text);
    free(plain);
}

/* The comparison fixture. */

enum stat {
    MEAN,
    CI_LOW,
    CI_HIGH,
    QUANTILES,
    VARIANCE,
    VARIANCE_INDEP,
    VARIANCE_MEASURED,
    P_BETTER,
    DELTA,
    DELTA_LOW,
    DELTA_HIGH
};
static const char *const stat_names[] = {"mean",
                                         "ci_low",
                                         "ci_high",
                                         "quantiles",
                                         "variance",
                                         "variance_independent",
                                         "variance_independent_measured",
                                         "p_better",
                                         "delta_p_depleted",
                                         "delta_p_depleted_ci_low",
                                         "delta_p_depleted_ci_high"};

/* Column c (0 balance, 1 expenditure, 2-6 the outlays), year y, region r (R:
 * the province): means 1.5e8 + c 1e8 + y 1e7 + (R - r) 1e6 yuan, their CI 3e7
 * below and 4e7 above; quantiles 6e7 below, 1e7 below and 8e7 above; variances
 * 2e14 (estimated reduction 12, measured 11.5); P(better) 0.9 - 0.1 y - 0.01
 * (R - r); ΔP(depleted) -0.02 (y + 1) - 0.001 (R - r), CI 0.015 below, 0.005
 * above. */
static double diff_value(enum stat s, size_t c, size_t y, size_t r, size_t q)
{
    static const double quantile_offset[Q] = {-6e7, -1e7, 8e7};
    double mean = 1.5e8 + (double)c * 1e8 + (double)y * 1e7 + (double)(R - r) * 1e6;
    double delta = -0.02 * (double)(y + 1) - 0.001 * (double)(R - r);
    switch (s) {
    case MEAN:
        return mean;
    case CI_LOW:
        return mean - 3e7;
    case CI_HIGH:
        return mean + 4e7;
    case QUANTILES:
        return mean + quantile_offset[q];
    case VARIANCE:
        return 2e14;
    case VARIANCE_INDEP:
        return 24e14;
    case VARIANCE_MEASURED:
        return 23e14;
    case P_BETTER:
        return 0.9 - 0.1 * (double)y - 0.01 * (double)(R - r);
    case DELTA:
        return delta;
    case DELTA_LOW:
        return delta - 0.015;
    case DELTA_HIGH:
        return delta + 0.005;
    }
    return 0;
}

/* Writes `regional` [Y][R] (quantiles: [Y][R][Q]) and `province` [Y] ([Y][Q])
 * with scale x diff_value (0, not -0, for a scale of 0). */
static void make_pair(hid_t file, const char *regional, const char *province, enum stat s, size_t c,
                      double scale)
{
    size_t nq = s == QUANTILES ? Q : 1;
    double reg[Y * R * Q], prov[Y * Q];
    for (size_t y = 0; y < Y; y++)
        for (size_t q = 0; q < nq; q++) {
            for (size_t r = 0; r < R; r++)
                reg[(y * R + r) * nq + q] = scale ? scale * diff_value(s, c, y, r, q) : 0;
            prov[y * nq + q] = scale ? scale * diff_value(s, c, y, R, q) : 0;
        }
    hsize_t r_dims[3] = {Y, R, Q}, p_dims[2] = {Y, Q};
    int rank = s == QUANTILES ? 3 : 2;
    assert_true(H5LTmake_dataset_double(file, regional, rank, r_dims, reg) >= 0);
    assert_true(H5LTmake_dataset_double(file, province, rank - 1, p_dims, prov) >= 0);
}

/* A variable-length UTF-8 string attribute: scalar when n is 0, else [n]. */
static void set_text(hid_t file, const char *object, const char *name, const char *const *values,
                     hsize_t n)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
    hid_t a =
        H5Acreate_by_name(file, object, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Awrite(a, type, values) >= 0);
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
}

static void make_group(hid_t file, const char *name)
{
    hid_t g = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(g >= 0);
    H5Gclose(g);
}

/* Adds /diff/<name> with diff_value x scale; the measured variances when independent. */
static void add_variant(hid_t file, const char *name, const char *description, int independent,
                        double scale)
{
    static const char *const columns[] = {"balance",         "expenditure", "outlay_central",
                                          "outlay_province", "outlay_city", "outlay_district",
                                          "outlay_county"};
    char group[64], regional[128], province[128];
    snprintf(group, sizeof group, "/diff/%s", name);
    make_group(file, group);
    static const char *const subgroups[] = {"summary", "summary/province", "warning"};
    for (size_t k = 0; k < 3; k++) {
        snprintf(regional, sizeof regional, "%s/%s", group, subgroups[k]);
        make_group(file, regional);
    }
    set_text(file, group, "description", &description, 0);
    set_text(file, group, "scenario_name", &description, 0);
    set_text(file, group, "scenario", &description, 0);
    assert_true(H5LTset_attribute_int(file, group, "independent", &independent, 1) >= 0);
    for (size_t c = 0; c < sizeof columns / sizeof *columns; c++)
        for (enum stat s = MEAN; s <= VARIANCE_MEASURED; s++) {
            if (s > CI_HIGH && c > 0) break; /* the balance's quantiles and variances only */
            if (s == VARIANCE_MEASURED && !independent) break;
            snprintf(regional, sizeof regional, "%s/summary/%s_%s", group, columns[c],
                     stat_names[s]);
            snprintf(province, sizeof province, "%s/summary/province/%s_%s", group, columns[c],
                     stat_names[s]);
            make_pair(file, regional, province, s, c, scale);
        }
    for (enum stat s = P_BETTER; s <= DELTA_HIGH; s++) {
        snprintf(regional, sizeof regional, "%s/warning/%s", group, stat_names[s]);
        snprintf(province, sizeof province, "%s/warning/province_%s", group, stat_names[s]);
        make_pair(file, regional, province, s, 0, scale);
    }
}

/* /diff with two variants, listed against alphabetical order: "subsidy_up"
 * (the figures of diff_value, independent streams measured) and "same" (no
 * difference at all). */
static void add_diff(struct fixture *f)
{
    hid_t file = H5Fopen(f->path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    make_group(file, "/diff");
    static const char *const variants[] = {"subsidy_up", "same"};
    set_text(file, "/diff", "variants", variants, 2);
    add_variant(file, "subsidy_up", "subsidy 30 yuan higher", 1, 1);
    add_variant(file, "same", "", 0, 0);
    H5Fclose(file);
}

static void test_diff_text(void **state)
{
    struct fixture *f = *state;
    add_diff(f);
    char *text = NULL;
    assert_int_equal(report(f, NULL, 0, false, REPORT_DIFF, &text), 0);
    /* Province, 2025 (y = 0, r = R): balance 1.50 [1.20, 1.90], quantiles
     * 0.90, 1.40, 2.30, P(better) 0.90; expenditure 2.50; ΔP -0.020 [-0.035,
     * -0.015]; outlays 3.50 to 7.50. Regions in 2027 (y = 2): 1.70 + 0.02 (r
     * = 0) or 0.01 (r = 1). */
    static const char *const rows[] = {
        "\nPolicy variant subsidy_up: subsidy 30 yuan higher\n"
        "variant − base, 4 paths on common random numbers.",
        "Province: balance\n"
        "year        mean  95 % CI                       p5       p50       p95  P(better)\n"
        "2025        1.50  [     1.20,      1.90]      0.90      1.40      2.30      0.900\n"
        "2027        1.70  [     1.40,      2.10]      1.10      1.60      2.50      0.700\n",
        "Province: expenditure, and the probability of depletion\n"
        "year        mean  95 % CI                 ΔP(depl)  95 % CI\n"
        "2025        2.50  [     2.20,      2.90]    -0.020  [-0.035, -0.015]\n"
        "2027        2.70  [     2.40,      3.10]    -0.060  [-0.075, -0.055]\n",
        "Budget burden change: each level of government's outlay\n"
        "year  level         mean  95 % CI\n"
        "2025  central       3.50  [     3.20,      3.90]\n"
        "      province      4.50  [     4.20,      4.90]\n"
        "      city          5.50  [     5.20,      5.90]\n"
        "      district      6.50  [     6.20,      6.90]\n"
        "      county        7.50  [     7.20,      7.90]\n"
        "2027  central       3.70  [     3.40,      4.10]\n",
        "Regions in 2027: balance, and the probability of depletion\n"
        "region         mean  95 % CI                 P(better)  ΔP(depl)  95 % CI\n"
        "zhengzhou      1.72  [     1.42,      2.12]      0.680    -0.062  [-0.077, -0.057]\n"
        "kaifeng        1.71  [     1.41,      2.11]      0.690    -0.061  [-0.076, -0.056]\n\n"
        "Variance reduction by common random numbers, province balance 2027: 12.0 estimated\n"
        "(Var(base)+Var(variant) over Var(variant−base)), 11.5 measured (on independent "
        "streams)\n",
        "\nPolicy variant same\nvariant − base, 4 paths",
        "2025        0.00  [     0.00,      0.00]      0.00      0.00      0.00      0.000\n",
        "Variance reduction by common random numbers, province balance 2027: no difference in "
        "any path\n",
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++)
        assert_contains(text, rows[k]);
    /* The variants in the order of `variants`; the diff table alone. */
    assert_true(strstr(text, "variant subsidy_up") < strstr(text, "variant same"));
    assert_null(strstr(text, "Budget burden of the province"));
    assert_null(strstr(text, "First year with P(depl)"));
    free(text);

    /* A chosen last year; every table when none is named. */
    int year = 2026;
    assert_int_equal(report(f, &year, 1, false, REPORT_ALL, &text), 0);
    assert_contains(text, "First year with P(depl)");
    assert_contains(text, "Budget burden of the province");
    assert_contains(text, "Regions in 2026");
    assert_contains(text, "province balance 2026: 12.0 estimated\n(Var(base)+Var(variant) over "
                          "Var(variant−base)), 11.5 measured");
    assert_true(strstr(text, "Budget burden of the province") < strstr(text, "Policy variant"));
    free(text);
}

static void test_diff_csv(void **state)
{
    struct fixture *f = *state;
    add_diff(f);
    char *text = NULL;
    static const int years[] = {2025, 2027};
    assert_int_equal(report(f, years, 2, true, REPORT_DIFF, &text), 0);
    static const char header[] =
        "variant,year,region,name_zh,balance_mean_1e8_yuan,balance_ci_low_1e8_yuan,"
        "balance_ci_high_1e8_yuan,balance_p5_1e8_yuan,balance_p50_1e8_yuan,balance_p95_1e8_yuan,"
        "balance_variance_reduction,balance_variance_reduction_measured,p_better,"
        "delta_p_depleted,delta_p_depleted_ci_low,delta_p_depleted_ci_high,"
        "expenditure_mean_1e8_yuan,expenditure_ci_low_1e8_yuan,expenditure_ci_high_1e8_yuan,"
        "outlay_central_mean_1e8_yuan,outlay_central_ci_low_1e8_yuan,"
        "outlay_central_ci_high_1e8_yuan,outlay_province_mean_1e8_yuan,"
        "outlay_province_ci_low_1e8_yuan,outlay_province_ci_high_1e8_yuan,"
        "outlay_city_mean_1e8_yuan,outlay_city_ci_low_1e8_yuan,outlay_city_ci_high_1e8_yuan,"
        "outlay_district_mean_1e8_yuan,outlay_district_ci_low_1e8_yuan,"
        "outlay_district_ci_high_1e8_yuan,outlay_county_mean_1e8_yuan,"
        "outlay_county_ci_low_1e8_yuan,outlay_county_ci_high_1e8_yuan\n";
    assert_int_equal(strncmp(text, header, sizeof header - 1), 0);
    /* 2025, zhengzhou (r = 0): means 1.52 + c. */
    static const char *const rows[] = {
        "\nsubsidy_up,2025,zhengzhou,郑州市,1.520000,1.220000,1.920000,0.920000,1.420000,"
        "2.320000,12.0000,11.5000,0.880000,-0.022000,-0.037000,-0.017000,2.520000,2.220000,"
        "2.920000,3.520000,3.220000,3.920000,4.520000,4.220000,4.920000,5.520000,5.220000,"
        "5.920000,6.520000,6.220000,6.920000,7.520000,7.220000,7.920000\n",
        "\nsubsidy_up,2027,province,全省,1.700000,1.400000,2.100000,",
        "\nsame,2027,kaifeng,开封市,0.000000,0.000000,0.000000,0.000000,0.000000,0.000000,,,"
        "0.000000,",
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++)
        assert_contains(text, rows[k]);
    assert_int_equal(count_lines(text), 1 + 2 * 2 * (R + 1)); /* variants x years x rows */
    free(text);
}

static void test_diff_errors(void **state)
{
    struct fixture *f = *state;
    char *text = NULL;
    assert_int_equal(report(f, NULL, 0, false, REPORT_DIFF, &text), -1);
    assert_int_equal(diag_last(&f->dg)->kind, DIAG_USAGE);
    assert_contains(diag_last_text(&f->dg), f->path);
    assert_contains(diag_last_text(&f->dg), "has no policy comparison (no /diff group)");
    free(text);
    assert_int_equal(report(f, NULL, 0, true, REPORT_DIFF, &text), -1);
    assert_int_equal(diag_last(&f->dg)->kind, DIAG_USAGE);
    free(text);

    /* A variant listed but missing. */
    hid_t file = H5Fopen(f->path, H5F_ACC_RDWR, H5P_DEFAULT);
    make_group(file, "/diff");
    static const char *const variants[] = {"gone"};
    set_text(file, "/diff", "variants", variants, 1);
    H5Fclose(file);
    assert_int_equal(report(f, NULL, 0, false, REPORT_ALL, &text), -1);
    assert_contains(diag_last_text(&f->dg),
                    "/diff lists the variant gone, but /diff/gone is missing");
    free(text);
}

/* `fundsim summary --table`: exit statuses. */
static int run_summary(int argc, char **argv)
{
    optind = 0;
    fflush(stdout);
    return cmd_summary(argc, argv);
}

static void test_cmd_table(void **state)
{
    struct fixture *f = *state;
    char *budget[] = {"summary", "--table", "budget", "--csv", f->path, NULL};
    char *diff[] = {"summary", "--table", "diff", f->path, NULL};
    char *bad[] = {"summary", "--table", "money", f->path, NULL};
    assert_int_equal(run_summary(5, budget), EXIT_OK);
    assert_int_equal(run_summary(4, diff), EXIT_USAGE); /* no /diff */
    assert_int_equal(run_summary(4, bad), EXIT_USAGE);
    add_diff(f);
    assert_int_equal(run_summary(4, diff), EXIT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_budget_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_budget_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_current, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_every, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diff_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diff_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diff_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cmd_table, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
