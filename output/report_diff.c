/* report_diff.c: the policy comparison tables (report_diff.h).
 *
 * `struct variant` holds one variant's figures, read whole from /diff/<name>.
 * Each array is [year][region + 1] (quantiles: [year][region + 1][quantile]),
 * the file's regional dataset with the province's appended as the last
 * column, so that a region's row and the province's come from the same code. */
#include "output/report_diff.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The differences read with their confidence intervals, in this order. */
enum { BALANCE, EXPENDITURE, OUTLAY, N_COLUMNS = OUTLAY + N_GOV_LEVELS };

/* A mean across paths and its 95 % confidence interval. */
struct estimate {
    double *mean, *ci_low, *ci_high;
};

struct variant {
    char *name, *description;
    int independent;
    struct estimate diff[N_COLUMNS]; /* yuan */
    double *balance_q;               /* yuan */
    /* The balance's: Var(variant − base), Var(base) + Var(variant), and
     * Var(variant − base) with independent streams (NULL unless measured). */
    double *variance, *variance_indep, *variance_measured;
    double *p_better;
    struct estimate delta_p_depleted;
    /* Pooling (files from issue 25 on; NULL in older ones): the transfers'
     * differences (a region's transfers against a base of city pooling), their
     * quantiles, the base's P(depleted) and the chance that some fund is. */
    double *received_mean, *paid_mean, *received_q, *paid_q;
    double *base_p_depleted;
    double *p_any_base, *p_any_variant; /* [Y] */
};

struct report_diff {
    size_t n;
    struct variant *variants;
};

/* "balance", "expenditure", "outlay_central", ...: the variable of column c. */
static void column_name(char *s, size_t n, int c)
{
    if (c < OUTLAY)
        snprintf(s, n, "%s", c == BALANCE ? "balance" : "expenditure");
    else
        snprintf(s, n, "outlay_%s", report_gov_levels[c - OUTLAY]);
}

/* Reads `regional` [Y][R] (with_q: [Y][R][Q]) and `province` [Y] ([Y][Q]) into one array. */
static double *read_with_province(struct report_reader *rd, const struct report_run *run,
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

/* Formats a dataset's name into `s`; a name longer than n is a problem. */
__attribute__((format(printf, 4, 5))) static void dataset_name(struct report_reader *rd, char *s,
                                                               size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int used = vsnprintf(s, n, fmt, ap);
    va_end(ap);
    if (used < 0 || (size_t)used >= n) report_problem(rd, "the name %s... is too long", s);
}

/* <group>/summary/<var>_<stat> and its province's. */
static double *read_summary(struct report_reader *rd, const struct report_run *run,
                            const char *group, const char *var, const char *stat, bool with_q)
{
    char regional[512], province[512];
    dataset_name(rd, regional, sizeof regional, "%s/summary/%s_%s", group, var, stat);
    dataset_name(rd, province, sizeof province, "%s/summary/province/%s_%s", group, var, stat);
    return read_with_province(rd, run, regional, province, with_q);
}

/* <group>/warning/<stat> and its province's. */
static double *read_warning(struct report_reader *rd, const struct report_run *run,
                            const char *group, const char *stat)
{
    char regional[512], province[512];
    dataset_name(rd, regional, sizeof regional, "%s/warning/%s", group, stat);
    dataset_name(rd, province, sizeof province, "%s/warning/province_%s", group, stat);
    return read_with_province(rd, run, regional, province, false);
}

static void estimate_free(struct estimate *e)
{
    free(e->mean);
    free(e->ci_low);
    free(e->ci_high);
}

static void variant_free(struct variant *v)
{
    free(v->name);
    free(v->description);
    for (int c = 0; c < N_COLUMNS; c++)
        estimate_free(&v->diff[c]);
    free(v->balance_q);
    free(v->variance);
    free(v->variance_indep);
    free(v->variance_measured);
    free(v->p_better);
    estimate_free(&v->delta_p_depleted);
    free(v->received_mean);
    free(v->paid_mean);
    free(v->received_q);
    free(v->paid_q);
    free(v->base_p_depleted);
    free(v->p_any_base);
    free(v->p_any_variant);
}

/* The pooling figures, when the file has them (written from issue 25 on). */
static void pooling_read(struct report_reader *rd, const struct report_run *run, struct variant *v,
                         const char *group)
{
    char name[512];
    dataset_name(rd, name, sizeof name, "%s/warning/p_any_depleted_base", group);
    if (rd->failed || H5Lexists(rd->file, name, H5P_DEFAULT) <= 0) return;
    size_t y[1] = {run->Y};
    v->p_any_base = report_read_doubles(rd, name, 1, y);
    dataset_name(rd, name, sizeof name, "%s/warning/p_any_depleted_variant", group);
    v->p_any_variant = report_read_doubles(rd, name, 1, y);
    v->received_mean = read_summary(rd, run, group, "adjustment_received", "mean", false);
    v->paid_mean = read_summary(rd, run, group, "adjustment_paid", "mean", false);
    v->received_q = read_summary(rd, run, group, "adjustment_received", "quantiles", true);
    v->paid_q = read_summary(rd, run, group, "adjustment_paid", "quantiles", true);
    v->base_p_depleted =
        read_with_province(rd, run, "/warning/p_depleted", "/warning/province_p_depleted", false);
}

static void variant_read(struct report_reader *rd, const struct report_run *run, struct variant *v)
{
    char group[512];
    dataset_name(rd, group, sizeof group, "/diff/%s", v->name);
    if (!rd->failed && H5Lexists(rd->file, group, H5P_DEFAULT) <= 0)
        report_problem(rd, "/diff lists the variant %s, but %s is missing", v->name, group);
    v->description = report_read_text(rd, group, "description");
    report_read_attribute(rd, group, "independent", H5T_NATIVE_INT, &v->independent);
    for (int c = 0; c < N_COLUMNS; c++) {
        char var[32];
        column_name(var, sizeof var, c);
        v->diff[c].mean = read_summary(rd, run, group, var, "mean", false);
        v->diff[c].ci_low = read_summary(rd, run, group, var, "ci_low", false);
        v->diff[c].ci_high = read_summary(rd, run, group, var, "ci_high", false);
    }
    v->balance_q = read_summary(rd, run, group, "balance", "quantiles", true);
    v->variance = read_summary(rd, run, group, "balance", "variance", false);
    v->variance_indep = read_summary(rd, run, group, "balance", "variance_independent", false);
    if (v->independent)
        v->variance_measured =
            read_summary(rd, run, group, "balance", "variance_independent_measured", false);
    v->p_better = read_warning(rd, run, group, "p_better");
    v->delta_p_depleted.mean = read_warning(rd, run, group, "delta_p_depleted");
    v->delta_p_depleted.ci_low = read_warning(rd, run, group, "delta_p_depleted_ci_low");
    v->delta_p_depleted.ci_high = read_warning(rd, run, group, "delta_p_depleted_ci_high");
    pooling_read(rd, run, v, group);
}

void report_diff_free(struct report_diff *d)
{
    if (!d) return;
    for (size_t k = 0; k < d->n; k++)
        variant_free(&d->variants[k]);
    free(d->variants);
    free(d);
}

struct report_diff *report_diff_read(struct report_reader *rd, const struct report_run *run)
{
    size_t n = 0;
    char **names = report_read_texts(rd, "/diff", "variants", &n);
    struct report_diff *d = rd->failed ? NULL : calloc(1, sizeof *d);
    if (d && !(d->variants = calloc(n ? n : 1, sizeof *d->variants))) {
        free(d);
        d = NULL;
    }
    if (!rd->failed && !d) report_problem(rd, "out of memory");
    for (size_t k = 0; d && k < n; k++) {
        d->variants[k].name = names[k]; /* the variant owns it from here */
        names[k] = NULL;
        d->n++;
        variant_read(rd, run, &d->variants[k]);
    }
    report_free_strings(names, n);
    if (!rd->failed) return d;
    report_diff_free(d);
    return NULL;
}

/* " mean  [ci_low, ci_high]" of column c at index i, in 亿元. */
static void put_money(const struct estimate *e, size_t i, FILE *out)
{
    fprintf(out, " %9.2f  [%9.2f, %9.2f]", e->mean[i] / YUAN_PER_YI, e->ci_low[i] / YUAN_PER_YI,
            e->ci_high[i] / YUAN_PER_YI);
}

/* "  ΔP  [ci_low, ci_high]" at index i. */
static void put_delta_p(const struct estimate *e, size_t i, FILE *out)
{
    fprintf(out, "%10.3f  [%6.3f, %6.3f]", e->mean[i], e->ci_low[i], e->ci_high[i]);
}

/* The year at the head of a year's first row, blanks under it. */
static void put_year(const struct report_run *run, size_t y, bool first, FILE *out)
{
    if (first)
        fprintf(out, "%-4d  ", run->years[y]);
    else
        fputs("      ", out);
}

static void print_province(const struct variant *v, const struct report_run *run, FILE *out)
{
    const char(*lab)[16] = run->band_label;
    size_t R1 = run->R + 1;
    fputs("Province: balance\n", out);
    fprintf(out, "year  %10s  %-22s%10s%10s%10s%11s\n", "mean", "95 % CI", lab[0], lab[1], lab[2],
            "P(better)");
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k], i = y * R1 + run->R;
        const double *q = v->balance_q + i * run->Q;
        put_year(run, y, true, out);
        put_money(&v->diff[BALANCE], i, out);
        fprintf(out, "%10.2f%10.2f%10.2f%11.3f\n", q[run->band[0]] / YUAN_PER_YI,
                q[run->band[1]] / YUAN_PER_YI, q[run->band[2]] / YUAN_PER_YI, v->p_better[i]);
    }
    fputs("\nProvince: expenditure, and the probability of depletion\n", out);
    fprintf(out, "year  %10s  %-22s  ΔP(depl)  95 %% CI\n", "mean", "95 % CI");
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k], i = y * R1 + run->R;
        put_year(run, y, true, out);
        put_money(&v->diff[EXPENDITURE], i, out);
        put_delta_p(&v->delta_p_depleted, i, out);
        fputc('\n', out);
    }
    fputs("\nBudget burden change: each level of government's outlay\n", out);
    fprintf(out, "year  %-8s%10s  95 %% CI\n", "level", "mean");
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k], i = y * R1 + run->R;
        for (int l = 0; l < N_GOV_LEVELS; l++) {
            put_year(run, y, l == 0, out);
            fprintf(out, "%-8s", report_gov_levels[l]);
            put_money(&v->diff[OUTLAY + l], i, out);
            fputc('\n', out);
        }
    }
}

static void print_regions(const struct variant *v, const struct report_run *run, size_t y,
                          FILE *out)
{
    int w = run->name_width;
    fprintf(out, "\nRegions in %d: balance, and the probability of depletion\n", run->years[y]);
    fprintf(out, "%-*s %9s  %-22s%11s  ΔP(depl)  95 %% CI\n", w, "region", "mean", "95 % CI",
            "P(better)");
    for (size_t r = 0; r < run->R; r++) {
        size_t i = y * (run->R + 1) + r;
        fprintf(out, "%-*s", w, run->regions[r]);
        put_money(&v->diff[BALANCE], i, out);
        fprintf(out, "%11.3f", v->p_better[i]);
        put_delta_p(&v->delta_p_depleted, i, out);
        fputc('\n', out);
    }
}

/* What pairing the paths gained: Var(base) + Var(variant), the variance of
 * independent runs' difference, over the paired difference's variance. */
static void print_variance(const struct variant *v, const struct report_run *run, size_t y,
                           FILE *out)
{
    size_t i = y * (run->R + 1) + run->R;
    fprintf(out,
            "\nVariance reduction by common random numbers, province balance %d: ", run->years[y]);
    if (v->variance[i] == 0) {
        fputs("no difference in any path\n", out);
        return;
    }
    fprintf(out, "%.1f estimated\n(Var(base)+Var(variant) over Var(variant−base))",
            v->variance_indep[i] / v->variance[i]);
    if (v->variance_measured)
        fprintf(out, ", %.1f measured (on independent streams)",
                v->variance_measured[i] / v->variance[i]);
    fputc('\n', out);
}

/* Whether the variant moves money between funds in any year. */
static bool has_transfers(const struct variant *v, const struct report_run *run)
{
    if (!v->p_any_base) return false;
    for (size_t i = 0; i < run->Y * (run->R + 1); i++)
        if (v->received_mean[i] != 0 || v->paid_mean[i] != 0) return true;
    return false;
}

/* "p5 p50 p95" of quantile array q at index i, in 亿元. */
static void put_band(const struct report_run *run, const double *q, size_t i, FILE *out)
{
    const double *x = q + i * run->Q;
    for (int b = 0; b < 3; b++)
        fprintf(out, "%8.2f", x[run->band[b]] / YUAN_PER_YI);
}

/* Merged pools: the chance that some fund runs dry, the province's, and each
 * region's transfers (the weakest pools first: by the base's P(depleted) in
 * the last year printed). */
static void print_pooling(const struct variant *v, const struct report_run *run, FILE *out)
{
    size_t R = run->R, R1 = R + 1;
    fputs("\nPooling: the probability that some fund is depleted (some region's balance, or\n"
          "a pooled fund's, below 0), and the province's\n",
          out);
    fputs("year    some fund: base  variant   change    province: base  variant   change\n", out);
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k], i = y * R1 + R;
        put_year(run, y, true, out);
        fprintf(out, "%15.3f%9.3f%9.3f%18.3f%9.3f%9.3f\n", v->p_any_base[y], v->p_any_variant[y],
                v->p_any_variant[y] - v->p_any_base[y], v->base_p_depleted[i],
                v->base_p_depleted[i] + v->delta_p_depleted.mean[i], v->delta_p_depleted.mean[i]);
    }
    fputs("\nMoney moved between funds in the year (the province's sum of paid), 亿元\n", out);
    fprintf(out, "year  %8s%8s%8s\n", run->band_label[0], run->band_label[1], run->band_label[2]);
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k];
        put_year(run, y, true, out);
        put_band(run, v->paid_q, y * R1 + R, out);
        fputc('\n', out);
    }
    size_t y = run->chosen[run->n_chosen - 1];
    size_t order[R ? R : 1];
    for (size_t r = 0; r < R; r++)
        order[r] = r;
    for (size_t a = 1; a < R; a++) /* insertion sort, stable: by the base's P(depleted), down */
        for (size_t b = a; b > 0 && v->base_p_depleted[y * R1 + order[b]] >
                                        v->base_p_depleted[y * R1 + order[b - 1]];
             b--) {
            size_t t = order[b];
            order[b] = order[b - 1], order[b - 1] = t;
        }
    int w = run->name_width;
    fprintf(out,
            "\nTransfers between funds in %d, 亿元 (variant − base: a region's own transfers\n"
            "against city pooling): received, what the fund it pools with pays for it beyond\n"
            "its own income; paid, its surplus (and, the year it joins, its balance) into that\n"
            "fund. The row of the region that holds a pooled fund shows the other side: what\n"
            "the fund takes in from the others (received) and pays out for them (paid). The\n"
            "weakest pools first (by the base's P(depl)).\n",
            run->years[y]);
    fprintf(out, "%-*s  %-24s  %-24s  P(depl) base  change\n", w, "region", "received p5/p50/p95",
            "paid p5/p50/p95");
    for (size_t k = 0; k < R; k++) {
        size_t r = order[k], i = y * R1 + r;
        fprintf(out, "%-*s", w, run->regions[r]);
        put_band(run, v->received_q, i, out);
        fputs("  ", out);
        put_band(run, v->paid_q, i, out);
        fprintf(out, "%14.3f%8.3f\n", v->base_p_depleted[i], v->delta_p_depleted.mean[i]);
    }
}

void report_diff_print_text(const struct report_diff *d, const struct report_run *run, FILE *out)
{
    for (size_t k = 0; k < d->n; k++) {
        const struct variant *v = &d->variants[k];
        fprintf(out, "\nPolicy variant %s%s%s\n", v->name, *v->description ? ": " : "",
                v->description);
        fprintf(out,
                "variant − base, %lld paths on common random numbers. Differences in 亿元 (100\n"
                "million yuan): the mean with its 95 %% confidence interval, and quantiles.\n"
                "P(better): probability that the variant's balance is higher. ΔP(depl): change\n"
                "in the probability that the balance is below 0.\n\n",
                run->paths);
        print_province(v, run, out);
        size_t last = run->chosen[run->n_chosen - 1];
        print_regions(v, run, last, out);
        if (has_transfers(v, run)) print_pooling(v, run, out);
        print_variance(v, run, last, out);
    }
}

/* ",a/b" at index i; "," alone when a is NULL or b is 0: a ratio of variances. */
static void put_ratio(const double *a, const double *b, size_t i, FILE *out)
{
    if (a && b[i] != 0)
        fprintf(out, ",%.4f", a[i] / b[i]);
    else
        fputc(',', out);
}

void report_diff_print_csv(const struct report_diff *d, const struct report_run *run, FILE *out)
{
    fputs("variant,year,region,name_zh,balance_mean_1e8_yuan,balance_ci_low_1e8_yuan,"
          "balance_ci_high_1e8_yuan",
          out);
    for (int k = 0; k < 3; k++)
        fprintf(out, ",balance_%s_1e8_yuan", run->band_label[k]);
    fputs(",balance_variance_reduction,balance_variance_reduction_measured,p_better,"
          "delta_p_depleted,delta_p_depleted_ci_low,delta_p_depleted_ci_high",
          out);
    for (int c = EXPENDITURE; c < N_COLUMNS; c++) {
        char var[32];
        column_name(var, sizeof var, c);
        fprintf(out, ",%s_mean_1e8_yuan,%s_ci_low_1e8_yuan,%s_ci_high_1e8_yuan", var, var, var);
    }
    /* the pooling figures, when every variant has them (files from issue 25 on) */
    bool pooling = d->n > 0;
    for (size_t k = 0; k < d->n; k++)
        pooling &= d->variants[k].p_any_base != NULL;
    if (pooling) {
        fputs(",p_any_depleted_base,p_any_depleted_variant", out);
        static const char *const transfers[] = {"adjustment_received", "adjustment_paid"};
        for (int t = 0; t < 2; t++) {
            fprintf(out, ",%s_mean_1e8_yuan", transfers[t]);
            for (int b = 0; b < 3; b++)
                fprintf(out, ",%s_%s_1e8_yuan", transfers[t], run->band_label[b]);
        }
    }
    fputc('\n', out);
    for (size_t k = 0; k < d->n; k++)
        for (size_t j = 0; j < run->n_chosen; j++)
            for (size_t r = 0; r <= run->R; r++) {
                const struct variant *v = &d->variants[k];
                size_t y = run->chosen[j], i = y * (run->R + 1) + r;
                const double *q = v->balance_q + i * run->Q;
                report_put_csv_text(v->name, out);
                fprintf(out, ",%d,", run->years[y]);
                report_put_csv_text(report_region(run, r), out);
                fputc(',', out);
                report_put_csv_text(report_region_zh(run, r), out);
                for (int c = 0; c < N_COLUMNS; c++) {
                    const struct estimate *e = &v->diff[c];
                    fprintf(out, ",%.6f,%.6f,%.6f", e->mean[i] / YUAN_PER_YI,
                            e->ci_low[i] / YUAN_PER_YI, e->ci_high[i] / YUAN_PER_YI);
                    if (c != BALANCE) continue;
                    fprintf(out, ",%.6f,%.6f,%.6f", q[run->band[0]] / YUAN_PER_YI,
                            q[run->band[1]] / YUAN_PER_YI, q[run->band[2]] / YUAN_PER_YI);
                    put_ratio(v->variance_indep, v->variance, i, out);
                    put_ratio(v->variance_measured, v->variance, i, out);
                    fprintf(out, ",%.6f,%.6f,%.6f,%.6f", v->p_better[i],
                            v->delta_p_depleted.mean[i], v->delta_p_depleted.ci_low[i],
                            v->delta_p_depleted.ci_high[i]);
                }
                if (pooling) {
                    fprintf(out, ",%.6f,%.6f", v->p_any_base[y], v->p_any_variant[y]);
                    const double *means[] = {v->received_mean, v->paid_mean};
                    const double *qs[] = {v->received_q, v->paid_q};
                    for (int t = 0; t < 2; t++) {
                        fprintf(out, ",%.6f", means[t][i] / YUAN_PER_YI);
                        for (int b = 0; b < 3; b++)
                            fprintf(out, ",%.6f", qs[t][i * run->Q + run->band[b]] / YUAN_PER_YI);
                    }
                }
                fputc('\n', out);
            }
}
