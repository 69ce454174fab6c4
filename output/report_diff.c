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

/* The lines of "who gains and who pays", in the order printed: who pays for
 * care (the fund's benefit lines, serious-illness insurance, assistance, the
 * patients), then the fund's account and the enrollees. */
enum {
    G_FUND_INPATIENT,
    G_FUND_OUTPATIENT,
    G_FUND_TWO_DISEASES,
    G_FUND_CHRONIC,
    G_FUND_MATERNITY,
    G_SERIOUS_CLAIMS,
    G_ASSISTANCE_CLAIMS,
    G_OUT_OF_POCKET,
    G_SERIOUS_PREMIUM,
    G_INCOME,
    G_SURPLUS,
    G_ENROLLEES,
    N_GAINS
};
static const char *const gain_vars[N_GAINS] = {
    "fund_inpatient",  "fund_outpatient", "fund_two_diseases", "fund_chronic",
    "fund_maternity",  "serious_claims",  "assistance_claims", "out_of_pocket",
    "serious_premium", "income",          "surplus",           "enrollees"};
/* Their names for people (terms.h). */
static const enum term gain_terms[N_GAINS] = {
    TERM_fund_inpatient,  TERM_fund_outpatient, TERM_fund_two_diseases,  TERM_fund_chronic,
    TERM_fund_maternity,  TERM_serious_illness, TERM_medical_assistance, TERM_out_of_pocket,
    TERM_serious_premium, TERM_income,          TERM_current_surplus,    TERM_enrollees};

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
    /* Who gains and who pays (files with out_of_pocket's difference; the
     * province's column only is used): each line's mean and CI, NULL where
     * the file lacks it. */
    struct estimate gain[N_GAINS];
};

struct report_diff {
    size_t n;
    struct variant *variants;
    /* the base's: P(depleted) [Y][R + 1], the province's mean backstop and
     * enrollees [Y] */
    double *base_p_depleted, *base_backstop, *base_enrollees;
};

/* "balance", "expenditure", "outlay_central", ...: the variable of column c. */
static void column_name(char *s, size_t n, int c)
{
    if (c < OUTLAY)
        snprintf(s, n, "%s", c == BALANCE ? "balance" : "expenditure");
    else
        snprintf(s, n, "outlay_%s", report_gov_levels[c - OUTLAY]);
}

/* Column c's name for people in the run's language: in English the
 * variable's (column_name), in Chinese 累计结余, 基金支出, 中央财政支出, ... */
static void column_label(const struct report_run *run, char *s, size_t n, int c)
{
    if (run->lang == LANG_EN)
        column_name(s, n, c);
    else if (c < OUTLAY)
        snprintf(s, n, "%s", term(c == BALANCE ? TERM_balance : TERM_expenditure, run->lang));
    else
        snprintf(s, n, "%s%s", report_gov_level(run, c - OUTLAY), term(TERM_outlay, run->lang));
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
    return report_read_with_province(rd, run, regional, province, with_q);
}

/* <group>/warning/<stat> and its province's. */
static double *read_warning(struct report_reader *rd, const struct report_run *run,
                            const char *group, const char *stat)
{
    char regional[512], province[512];
    dataset_name(rd, regional, sizeof regional, "%s/warning/%s", group, stat);
    dataset_name(rd, province, sizeof province, "%s/warning/province_%s", group, stat);
    return report_read_with_province(rd, run, regional, province, false);
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
    for (int g = 0; g < N_GAINS; g++)
        estimate_free(&v->gain[g]);
}

/* The lines of who gains and who pays, when the file has them. */
static void gains_read(struct report_reader *rd, const struct report_run *run, struct variant *v,
                       const char *group)
{
    char name[512];
    dataset_name(rd, name, sizeof name, "%s/summary/out_of_pocket_mean", group);
    if (rd->failed || H5Lexists(rd->file, name, H5P_DEFAULT) <= 0) return;
    for (int g = 0; g < N_GAINS; g++) {
        v->gain[g].mean = read_summary(rd, run, group, gain_vars[g], "mean", false);
        v->gain[g].ci_low = read_summary(rd, run, group, gain_vars[g], "ci_low", false);
        v->gain[g].ci_high = read_summary(rd, run, group, gain_vars[g], "ci_high", false);
    }
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
    v->base_p_depleted = report_read_with_province(rd, run, "/warning/p_depleted",
                                                   "/warning/province_p_depleted", false);
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
    gains_read(rd, run, v, group);
}

void report_diff_free(struct report_diff *d)
{
    if (!d) return;
    for (size_t k = 0; k < d->n; k++)
        variant_free(&d->variants[k]);
    free(d->variants);
    free(d->base_p_depleted);
    free(d->base_backstop);
    free(d->base_enrollees);
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
    size_t y[1] = {run->Y};
    if (d) {
        d->base_p_depleted = report_read_with_province(rd, run, "/warning/p_depleted",
                                                       "/warning/province_p_depleted", false);
        d->base_backstop = report_read_doubles(rd, "/summary/province/backstop_mean", 1, y);
        d->base_enrollees = report_read_doubles(rd, "/summary/province/enrollees_mean", 1, y);
    }
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

static bool zero_everywhere(const struct estimate *e, const struct report_run *run);

static void print_province(const struct variant *v, const struct report_run *run, FILE *out)
{
    bool zh = run->lang == LANG_ZH;
    enum lang l = run->lang;
    const char(*lab)[16] = zh ? run->band_text : run->band_label;
    const char *ci = zh ? "95% 置信区间" : "95 % CI";
    size_t R1 = run->R + 1;
    const char *where = run->R == 1 ? report_region_name(run, 0) : zh ? "全省" : "Province";
    if (zh)
        fprintf(out, "%s：%s\n", where, term(TERM_balance, l));
    else
        fprintf(out, "%s: balance\n", where);
    term_pad(out, term(TERM_year, l), 6);
    term_pad(out, term(TERM_mean, l), -10);
    fputs("  ", out);
    term_pad(out, ci, 22);
    for (int k = 0; k < 3; k++)
        term_pad(out, lab[k], -10);
    term_pad(out, zh ? "改善概率" : "P(better)", -11);
    fputc('\n', out);
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k], i = y * R1 + run->R;
        const double *q = v->balance_q + i * run->Q;
        put_year(run, y, true, out);
        put_money(&v->diff[BALANCE], i, out);
        fprintf(out, "%10.2f%10.2f%10.2f%11.3f\n", q[run->band[0]] / YUAN_PER_YI,
                q[run->band[1]] / YUAN_PER_YI, q[run->band[2]] / YUAN_PER_YI, v->p_better[i]);
    }
    if (zh)
        fprintf(out, "\n%s：%s，及%s变化\n", where, term(TERM_expenditure, l),
                term(TERM_depletion_p, l));
    else
        fprintf(out, "\n%s: expenditure, and the probability of depletion\n", where);
    term_pad(out, term(TERM_year, l), 6);
    term_pad(out, term(TERM_mean, l), -10);
    fputs("  ", out);
    term_pad(out, ci, 24);
    fprintf(out, "%s  %s\n", zh ? "概率变化" : "ΔP(depl)", ci);
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k], i = y * R1 + run->R;
        put_year(run, y, true, out);
        put_money(&v->diff[EXPENDITURE], i, out);
        put_delta_p(&v->delta_p_depleted, i, out);
        fputc('\n', out);
    }
    fputs(zh ? "\n各级财政支出变化\n"
             : "\nBudget burden change: each level of government's outlay\n",
          out);
    int zero = 0;
    for (int g = 0; g < N_GOV_LEVELS; g++)
        zero += zero_everywhere(&v->diff[OUTLAY + g], run);
    if (zero < N_GOV_LEVELS) {
        term_pad(out, term(TERM_year, l), 6);
        term_pad(out, zh ? "层级" : "level", 8);
        term_pad(out, term(TERM_mean, l), -10);
        fprintf(out, "  %s\n", ci);
    }
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k], i = y * R1 + run->R;
        bool first = true;
        for (int g = 0; g < N_GOV_LEVELS; g++) {
            if (zero_everywhere(&v->diff[OUTLAY + g], run)) continue;
            put_year(run, y, first, out);
            first = false;
            term_pad(out, report_gov_level(run, g), 8);
            put_money(&v->diff[OUTLAY + g], i, out);
            fputc('\n', out);
        }
    }
    if (zero) {
        fputs(zh ? "各路径各年均无变化：" : "No change in any path or year:", out);
        for (int g = 0, n = 0; g < N_GOV_LEVELS; g++)
            if (zero_everywhere(&v->diff[OUTLAY + g], run))
                fprintf(out, "%s%s", n++ ? (zh ? "、" : ", ") : (zh ? "" : " "),
                        report_gov_level(run, g));
        fputs(zh ? "。\n" : ".\n", out);
    }
}

static void print_regions(const struct variant *v, const struct report_run *run, size_t y,
                          FILE *out)
{
    int w = run->name_width;
    if (run->lang == LANG_ZH) {
        fprintf(out, "\n%d 年各地区：%s，及%s变化\n", run->years[y], term(TERM_balance, LANG_ZH),
                term(TERM_depletion_p, LANG_ZH));
        term_pad(out, "地区", w);
        term_pad(out, "均值", -10);
        fputs("  ", out);
        term_pad(out, "95% 置信区间", 22);
        term_pad(out, "改善概率", -11);
        fputs("  概率变化  95% 置信区间\n", out);
    } else {
        fprintf(out, "\nRegions in %d: balance, and the probability of depletion\n", run->years[y]);
        fprintf(out, "%-*s %9s  %-22s%11s  ΔP(depl)  95 %% CI\n", w, "region", "mean", "95 % CI",
                "P(better)");
    }
    for (size_t r = 0; r < run->R; r++) {
        size_t i = y * (run->R + 1) + r;
        term_pad(out, report_region_name(run, r), w);
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
    if (run->lang == LANG_ZH) {
        fprintf(out, "\n共同随机数的方差缩减（%d 年%s%s）：", run->years[y],
                run->R > 1 ? "全省" : "", term(TERM_balance, LANG_ZH));
        if (v->variance[i] == 0) {
            fputs("各路径均无差异\n", out);
            return;
        }
        fprintf(out, "估计 %.1f 倍（基准方差 + 方案方差，除以差值方差）",
                v->variance_indep[i] / v->variance[i]);
        if (v->variance_measured)
            fprintf(out, "，实测 %.1f 倍（独立随机数）", v->variance_measured[i] / v->variance[i]);
        fputc('\n', out);
        return;
    }
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

/* Whether the province's estimate e is 0 in every path of every year: its
 * mean and both ends of its interval 0 (a nonzero path would widen it). */
static bool zero_everywhere(const struct estimate *e, const struct report_run *run)
{
    size_t R1 = run->R + 1;
    for (size_t y = 0; y < run->Y; y++) {
        size_t i = y * R1 + run->R;
        if (e->mean[i] != 0 || e->ci_low[i] != 0 || e->ci_high[i] != 0) return false;
    }
    return true;
}

/* One row of the gains table: the label, then per chosen year x[year] scaled. */
static void gains_row(const struct report_run *run, const char *label, const double *x,
                      size_t stride, size_t offset, double scale, FILE *out)
{
    term_pad(out, label, 38);
    for (size_t k = 0; k < run->n_chosen; k++)
        fprintf(out, " %+9.2f", x[run->chosen[k] * stride + offset] * scale);
    fputc('\n', out);
}

/* The first year from the projection's first with p[y] ≥ level (0: none). */
static int year_reaching(const struct report_run *run, const double *p, size_t stride,
                         size_t offset, const double *delta, double level)
{
    for (size_t y = run->first; y < run->Y; y++) {
        double x = p[y * stride + offset] + (delta ? delta[y * stride + offset] : 0);
        if (x >= level) return run->years[y];
    }
    return 0;
}

/* Who gains and who pays, for the province, per chosen year: each payer's
 * change, the cost of care they share, each level of government's outlay,
 * the fund's account, the enrollees and the spending per enrollee; the rows
 * 0 in every path left out and named once; the depletion year's shift; and,
 * where the base is depleted in every path, the change in the shortfall. */
static void print_gains(const struct report_diff *d, const struct variant *v,
                        const struct report_run *run, FILE *out)
{
    enum lang l = run->lang;
    const enum term *labels = gain_terms;
    size_t R1 = run->R + 1, R = run->R;
    char zero[1024] = "";
    size_t nz = 0;
    if (l == LANG_ZH)
        fprintf(out, "%s（%s，方案减基准，各路径均值，亿元/年；参保人数：万人）\n",
                term(TERM_who_gains, l), report_region_name(run, R < 2 ? 0 : R));
    else
        fprintf(out,
                "%s (%s, variant − base, mean over the paths, 亿元 a year; enrollees in 万人):\n",
                term(TERM_who_gains, l), report_region_name(run, R < 2 ? 0 : R));
    term_pad(out, "", 38);
    for (size_t k = 0; k < run->n_chosen; k++)
        fprintf(out, " %9d", run->years[run->chosen[k]]);
    fputc('\n', out);
    /* zero rows: named once, after the table */
#define ZERO(label)                                                                                \
    do {                                                                                           \
        size_t used = strlen(zero);                                                                \
        snprintf(zero + used, sizeof zero - used, "%s%s",                                          \
                 nz++ ? (l == LANG_ZH ? "、" : ", ") : "", label);                                 \
    } while (0)
    double *cost = calloc(run->Y * R1, sizeof *cost);
    for (int g = 0; g <= G_OUT_OF_POCKET; g++) {
        if (zero_everywhere(&v->gain[g], run)) {
            ZERO(term(labels[g], l));
            continue;
        }
        gains_row(run, term(labels[g], l), v->gain[g].mean, R1, R, 1.0 / YUAN_PER_YI, out);
    }
    for (size_t y = 0; cost && y < run->Y; y++)
        for (int g = 0; g <= G_OUT_OF_POCKET; g++)
            if (g != G_FUND_MATERNITY) cost[y * R1 + R] += v->gain[g].mean[y * R1 + R];
    if (cost) gains_row(run, term(TERM_cost_of_care, l), cost, R1, R, 1.0 / YUAN_PER_YI, out);
    free(cost);
    for (int lv = 0; lv < N_GOV_LEVELS; lv++) {
        char label[96];
        snprintf(label, sizeof label, l == LANG_ZH ? "%s%s" : "%s %s", report_gov_level(run, lv),
                 term(TERM_outlay, l));
        if (zero_everywhere(&v->diff[OUTLAY + lv], run)) {
            ZERO(label);
            continue;
        }
        gains_row(run, label, v->diff[OUTLAY + lv].mean, R1, R, 1.0 / YUAN_PER_YI, out);
    }
    const struct {
        const struct estimate *e;
        enum term t;
        double scale;
    } account[] = {{&v->gain[G_SERIOUS_PREMIUM], TERM_serious_premium, 1.0 / YUAN_PER_YI},
                   {&v->gain[G_INCOME], TERM_income, 1.0 / YUAN_PER_YI},
                   {&v->diff[EXPENDITURE], TERM_expenditure, 1.0 / YUAN_PER_YI},
                   {&v->gain[G_SURPLUS], TERM_current_surplus, 1.0 / YUAN_PER_YI},
                   {&v->diff[BALANCE], TERM_balance, 1.0 / YUAN_PER_YI},
                   {&v->gain[G_ENROLLEES], TERM_enrollees, 1e-4}};
    for (size_t k = 0; k < sizeof account / sizeof *account; k++) {
        if (zero_everywhere(account[k].e, run)) {
            ZERO(term(account[k].t, l));
            continue;
        }
        gains_row(run, term(account[k].t, l), account[k].e->mean, R1, R, account[k].scale, out);
    }
#undef ZERO
    /* the fund's expenditure per enrollee: its change over the base's enrollees, yuan */
    term_pad(out, term(TERM_expenditure_per_enrollee, l), 38);
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k];
        double n = d->base_enrollees[y];
        fprintf(out, " %+9.2f", n > 0 ? v->diff[EXPENDITURE].mean[y * R1 + R] / n : 0.0);
    }
    fputc('\n', out);
    /* the shortfall where the base is depleted in every path (and no backstop
     * keeps the balance at 0): −Δbalance, the change in the deficit carried */
    bool depleted = false;
    for (size_t k = 0; k < run->n_chosen; k++) {
        size_t y = run->chosen[k];
        depleted |= d->base_p_depleted[y * R1 + R] >= 1 && d->base_backstop[y] == 0;
    }
    if (depleted) {
        term_pad(out, l == LANG_ZH ? "累计缺口变化（基准已耗尽）" : "Shortfall, base depleted", 38);
        for (size_t k = 0; k < run->n_chosen; k++) {
            size_t y = run->chosen[k], i = y * R1 + R;
            if (d->base_p_depleted[i] >= 1 && d->base_backstop[y] == 0)
                fprintf(out, " %+9.2f", -v->diff[BALANCE].mean[i] / YUAN_PER_YI);
            else
                fprintf(out, " %9s", "·");
        }
        fputc('\n', out);
    }
    if (nz)
        fprintf(out,
                l == LANG_ZH ? "各路径各年均无变化：%s。\n"
                             : "No change in any path or year: %s.\n",
                zero);
    /* the depletion year: the first year P(depleted) reaches 5, 50 and 95 % */
    static const double at[3] = {0.05, 0.5, 0.95};
    int base[3], var[3];
    for (int k = 0; k < 3; k++) {
        base[k] = year_reaching(run, d->base_p_depleted, R1, R, NULL, at[k]);
        var[k] = year_reaching(run, d->base_p_depleted, R1, R, v->delta_p_depleted.mean, at[k]);
    }
    if (l == LANG_ZH)
        fprintf(out, "%s（%s累计结余耗尽概率首次达到 5%%、50%%、95%% 的年份；-：预测期内未达到）：",
                term(TERM_depletion_year, l), report_region_name(run, R < 2 ? 0 : R));
    else
        fprintf(out,
                "%s (%s: the first year P(depleted) reaches 5 %%, 50 %%, 95 %%; -: not within "
                "the horizon):",
                term(TERM_depletion_year, l), report_region_name(run, R < 2 ? 0 : R));
    const char *side[2] = {l == LANG_ZH ? "基准" : "base", l == LANG_ZH ? "方案" : "variant"};
    for (int s2 = 0; s2 < 2; s2++) {
        fprintf(out, "%s%s", s2 ? (l == LANG_ZH ? "；" : "; ") : (l == LANG_ZH ? "" : " "),
                side[s2]);
        for (int k = 0; k < 3; k++) {
            int x = s2 ? var[k] : base[k];
            if (x)
                fprintf(out, " %d", x);
            else
                fputs(" -", out);
        }
    }
    fputs(l == LANG_ZH ? "；变化" : "; change", out);
    for (int k = 0; k < 3; k++)
        if (base[k] && var[k])
            fprintf(out, " %+d", var[k] - base[k]);
        else
            fputs(" -", out);
    fputs(l == LANG_ZH ? "。\n\n" : ".\n\n", out);
}

void report_diff_print_text(const struct report_diff *d, const struct report_run *run, FILE *out)
{
    for (size_t k = 0; k < d->n; k++) {
        const struct variant *v = &d->variants[k];
        if (run->lang == LANG_ZH) {
            /* the description is the scenario's own words (its file's language) */
            fprintf(out, "\n政策方案 %s\n", v->name);
            fprintf(
                out,
                "方案减基准，%lld 条路径，共同随机数。差值单位亿元：各路径均值及其 95%% 置信区间，"
                "以及分位数。改善概率：方案累计结余较高的概率。概率变化：%s的变化。\n\n",
                run->paths, term(TERM_depletion_p, LANG_ZH));
            if (v->gain[0].mean) print_gains(d, v, run, out);
            print_province(v, run, out);
            size_t last = run->chosen[run->n_chosen - 1];
            print_regions(v, run, last, out);
            if (has_transfers(v, run)) print_pooling(v, run, out);
            print_variance(v, run, last, out);
            continue;
        }
        fprintf(out, "\nPolicy variant %s%s%s\n", v->name, *v->description ? ": " : "",
                v->description);
        fprintf(out,
                "variant − base, %lld paths on common random numbers. Differences in 亿元 (100\n"
                "million yuan): the mean with its 95 %% confidence interval, and quantiles.\n"
                "P(better): probability that the variant's balance is higher. ΔP(depl): change\n"
                "in the probability that the balance is below 0.\n\n",
                run->paths);
        if (v->gain[0].mean) print_gains(d, v, run, out);
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
    report_csv_start(out, run, true);
    for (int c = 0; c < N_COLUMNS; c++) {
        char var[64];
        column_label(run, var, sizeof var, c);
        report_csv_column(out, run, TERM_csv_diff_mean, var, NULL);
        report_csv_column(out, run, TERM_csv_diff_ci_low, var, NULL);
        report_csv_column(out, run, TERM_csv_diff_ci_high, var, NULL);
        if (c != BALANCE) continue;
        for (int k = 0; k < 3; k++)
            report_csv_column(out, run, TERM_csv_diff_band, var, run->band_text[k]);
        static const enum term balance_tail[] = {TERM_csv_variance_reduction,
                                                 TERM_csv_variance_reduction_measured,
                                                 TERM_csv_p_better,
                                                 TERM_csv_delta_p_depleted,
                                                 TERM_csv_delta_p_depleted_ci_low,
                                                 TERM_csv_delta_p_depleted_ci_high};
        for (size_t k = 0; k < sizeof balance_tail / sizeof *balance_tail; k++)
            report_csv_column(out, run, balance_tail[k], NULL, NULL);
    }
    /* the pooling figures, when every variant has them (files from issue 25 on) */
    bool pooling = d->n > 0;
    for (size_t k = 0; k < d->n; k++)
        pooling &= d->variants[k].p_any_base != NULL;
    if (pooling) {
        report_csv_column(out, run, TERM_csv_p_any_depleted_base, NULL, NULL);
        report_csv_column(out, run, TERM_csv_p_any_depleted_variant, NULL, NULL);
        static const enum term transfers[] = {TERM_csv_adjustment_received,
                                              TERM_csv_adjustment_paid};
        for (int t = 0; t < 2; t++) {
            const char *name = term(transfers[t], run->lang);
            report_csv_column(out, run, TERM_csv_diff_mean, name, NULL);
            for (int b = 0; b < 3; b++)
                report_csv_column(out, run, TERM_csv_diff_band, name, run->band_text[b]);
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
                report_put_csv_text(report_csv_region(run, r), out);
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

/* A line of the gains CSV in the run's language: `en` ("fund_inpatient"), or
 * the term t's Chinese. */
static const char *gains_line(const struct report_run *run, const char *en, enum term t)
{
    return run->lang == LANG_ZH ? term(t, LANG_ZH) : en;
}

/* One row of the gains CSV: the mean and interval of e at index i, scaled;
 * `line` in the run's language, `unit` "1e8_yuan" or "1e4_persons" (亿元,
 * 万人 in Chinese). */
static void gains_csv_row(const struct variant *v, const struct report_run *run, size_t y, size_t r,
                          const char *line, const char *unit, const struct estimate *e, double mean,
                          double scale, FILE *out)
{
    if (run->lang == LANG_ZH)
        unit = term(!strcmp(unit, "1e4_persons") ? TERM_unit_1e4_persons : TERM_unit_1e8_yuan,
                    LANG_ZH);
    size_t i = y * (run->R + 1) + r;
    report_put_csv_text(v->name, out);
    fprintf(out, ",%d,", run->years[y]);
    report_put_csv_text(report_csv_region(run, r), out);
    fputc(',', out);
    report_put_csv_text(report_region_zh(run, r), out);
    fprintf(out, ",%s,%s,%.6f", line, unit, (e ? e->mean[i] : mean) * scale);
    if (e)
        fprintf(out, ",%.6f,%.6f\n", e->ci_low[i] * scale, e->ci_high[i] * scale);
    else
        fputs(",,\n", out);
}

void report_diff_print_gains_csv(const struct report_diff *d, const struct report_run *run,
                                 FILE *out)
{
    report_csv_start(out, run, true);
    static const enum term tail[] = {TERM_csv_line, TERM_csv_unit, TERM_csv_mean_plain,
                                     TERM_csv_ci_low, TERM_csv_ci_high};
    for (size_t k = 0; k < sizeof tail / sizeof *tail; k++)
        report_csv_column(out, run, tail[k], NULL, NULL);
    fputc('\n', out);
    for (size_t k = 0; k < d->n; k++) {
        const struct variant *v = &d->variants[k];
        if (!v->gain[0].mean) continue;
        for (size_t j = 0; j < run->n_chosen; j++)
            for (size_t r = 0; r < report_rows(run); r++) {
                size_t y = run->chosen[j], i = y * (run->R + 1) + r;
                const double yi = 1.0 / YUAN_PER_YI;
                double cost = 0;
                for (int g = 0; g <= G_OUT_OF_POCKET; g++) {
                    gains_csv_row(v, run, y, r, gains_line(run, gain_vars[g], gain_terms[g]),
                                  "1e8_yuan", &v->gain[g], 0, yi, out);
                    if (g != G_FUND_MATERNITY) cost += v->gain[g].mean[i];
                }
                gains_csv_row(v, run, y, r, gains_line(run, "cost_of_care", TERM_cost_of_care),
                              "1e8_yuan", NULL, cost, yi, out);
                for (int l = 0; l < N_GOV_LEVELS; l++) {
                    char line[64];
                    column_label(run, line, sizeof line, OUTLAY + l);
                    gains_csv_row(v, run, y, r, line, "1e8_yuan", &v->diff[OUTLAY + l], 0, yi, out);
                }
                for (int g = G_SERIOUS_PREMIUM; g < N_GAINS; g++) {
                    if (g == G_SURPLUS)
                        gains_csv_row(v, run, y, r,
                                      gains_line(run, "expenditure", TERM_expenditure), "1e8_yuan",
                                      &v->diff[EXPENDITURE], 0, yi, out);
                    gains_csv_row(v, run, y, r, gains_line(run, gain_vars[g], gain_terms[g]),
                                  g == G_ENROLLEES ? "1e4_persons" : "1e8_yuan", &v->gain[g], 0,
                                  g == G_ENROLLEES ? 1e-4 : yi, out);
                }
                gains_csv_row(v, run, y, r, gains_line(run, "balance", TERM_balance), "1e8_yuan",
                              &v->diff[BALANCE], 0, yi, out);
            }
    }
}
