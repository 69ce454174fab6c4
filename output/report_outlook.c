/* report_outlook.c: the assumptions, the growth per enrollee and the actuarial
 * balance of a run's file (report_outlook.h). `struct report_outlook` holds
 * what is read: the text, the medians by year, the balance's quantiles. */
#include "output/report_outlook.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The group /assumptions (files from issue 24 on; n 0 in older ones). */
struct assumption_table {
    size_t n;
    char **term, **value, **source, **detail_en, **detail_zh;
};

struct report_outlook {
    struct assumption_table table;
    char *assumptions;
    int rules_end_year;
    double *income_q, *expenditure_q; /* [Y][Q]: the province per enrollee, yuan */
    double *province_q;               /* [Y][Q]: the province's actuarial balance, % */
    double *region_q;                 /* [Y][R][Q] */
};

struct report_outlook *report_outlook_read(struct report_reader *rd, const struct report_run *run)
{
    struct report_outlook *o = calloc(1, sizeof *o);
    if (!o) {
        report_problem(rd, "out of memory");
        return NULL;
    }
    size_t yq[2] = {run->Y, run->Q}, yrq[3] = {run->Y, run->R, run->Q};
    o->assumptions = report_read_text(rd, "/", "assumptions");
    if (!rd->failed && H5Lexists(rd->file, "/assumptions", H5P_DEFAULT) > 0) {
        struct assumption_table *t = &o->table;
        size_t n[5] = {0};
        char ***fields[5] = {&t->term, &t->value, &t->source, &t->detail_en, &t->detail_zh};
        static const char *const names[5] = {"/assumptions/term", "/assumptions/value",
                                             "/assumptions/source", "/assumptions/detail_en",
                                             "/assumptions/detail_zh"};
        for (int k = 0; k < 5; k++) {
            n[k] = k ? n[0] : 0;
            *fields[k] = report_read_strings(rd, names[k], &n[k]);
        }
        t->n = rd->failed ? 0 : n[0];
    }
    report_read_attribute(rd, "/", "rules_end_year", H5T_NATIVE_INT, &o->rules_end_year);
    o->income_q = report_read_doubles(rd, "/summary/national/income_per_enrollee_quantiles", 2, yq);
    o->expenditure_q =
        report_read_doubles(rd, "/summary/national/expenditure_per_enrollee_quantiles", 2, yq);
    o->province_q = report_read_doubles(rd, "/summary/national/actuarial_balance_quantiles", 2, yq);
    o->region_q = report_read_doubles(rd, "/summary/actuarial_balance_quantiles", 3, yrq);
    if (rd->failed) {
        report_outlook_free(o);
        return NULL;
    }
    return o;
}

void report_outlook_free(struct report_outlook *o)
{
    if (!o) return;
    struct assumption_table *t = &o->table;
    char **fields[5] = {t->term, t->value, t->source, t->detail_en, t->detail_zh};
    for (int k = 0; k < 5; k++)
        report_free_strings(fields[k], t->n);
    free(o->assumptions);
    free(o->income_q);
    free(o->expenditure_q);
    free(o->province_q);
    free(o->region_q);
    free(o);
}

/* The yearly growth of the medians of q from year index a to b (b > a). */
static double growth(const double *q, const struct report_run *run, size_t a, size_t b)
{
    double from = q[a * run->Q + run->band[1]], to = q[b * run->Q + run->band[1]];
    if (!(from > 0) || !(to > 0)) return NAN;
    return pow(to / from, 1.0 / (double)(b - a)) - 1;
}

/* `s` with "/yr" as "/年" and "yuan" as "元": a value in the Chinese text. */
static void put_value_zh(const char *s, FILE *out)
{
    while (*s) {
        if (!strncmp(s, "/yr", 3)) {
            fputs("/年", out);
            s += 3;
        } else if (!strncmp(s, "yuan", 4)) {
            fputs("元", out);
            s += 4;
        } else
            fputc(*s++, out);
    }
}

/* The table of the key drivers: each one's value and where it comes from. */
static void print_table(const struct assumption_table *t, const struct report_run *run, FILE *out)
{
    enum lang l = run->lang;
    if (l == LANG_ZH)
        fputs("主要假设（取值及来源：政策文件、统计数据或假设）：\n", out);
    else
        fputs("Key drivers, their values and sources (notice, data or assumed):\n", out);
    for (size_t k = 0; k < t->n; k++) {
        int code = term_find(t->term[k]);
        const char *name = code >= 0 ? term((enum term)code, l) : t->term[k];
        int src = term_find(strcmp(t->source[k], "notice") == 0 ? "source_notice"
                            : strcmp(t->source[k], "data") == 0 ? "source_data"
                                                                : "source_assumed");
        const char *source = src >= 0 ? term((enum term)src, l) : t->source[k];
        /* the rules in words alone; a setting's value, then its words */
        bool words = !strncmp(t->term[k], "continue_", 9) || !strcmp(t->term[k], "after_depletion");
        fprintf(out, "  %s%s", name, l == LANG_ZH ? "：" : ": ");
        if (!words) {
            if (l == LANG_ZH)
                put_value_zh(t->value[k], out);
            else
                fputs(t->value[k], out);
            fputs(l == LANG_ZH ? "；" : "; ", out);
        }
        fprintf(out, l == LANG_ZH ? "%s【%s】\n" : "%s [%s]\n",
                l == LANG_ZH ? t->detail_zh[k] : t->detail_en[k], source);
    }
}

void report_outlook_print_heading(const struct report_outlook *o, const struct report_run *run,
                                  FILE *out)
{
    bool zh = run->lang == LANG_ZH;
    if (zh && o->table.n)
        print_table(&o->table, run, out);
    else {
        fputs("Assumptions (where no notice or data says; the headline figures rest on them):\n",
              out);
        for (const char *line = o->assumptions; *line;) {
            size_t n = strcspn(line, "\n");
            fprintf(out, "  %.*s\n", (int)n, line);
            line += n + (line[n] == '\n');
        }
        if (o->table.n) print_table(&o->table, run, out);
    }
    size_t last = run->Y - 1, from = run->first;
    if (o->rules_end_year > run->years[from])
        from = (size_t)(o->rules_end_year - run->years[0]);
    if (from < last) {
        double gi = growth(o->income_q, run, from, last),
               ge = growth(o->expenditure_q, run, from, last);
        fprintf(out,
                zh ? "  人均（%d-%d 年，%s中位数）：%s每年 %+.1f%%，%s每年 %+.1f%%\n"
                   : "  Per enrollee, %d-%d (medians of the %s): %s %+.1f %% a year, %s %+.1f "
                     "%% a year\n",
                run->years[from], run->years[last],
                zh ? (run->R > 1 ? "全省" : "") : "province", zh ? "基金收入" : "income",
                100 * gi, zh ? "基金支出" : "expenditure", 100 * ge);
    }
    const double *q = o->province_q + last * run->Q;
    double mid = q[run->band[1]];
    if (zh)
        fprintf(out,
                "精算平衡 %d-%d 年（%s中位数）：%+.1f%%（%s %.1f%%，%s %.1f%%）：按现值计，筹资较"
                "支付待遇并留足期末储备所需%s支出的 %.1f%%。\n\n",
                run->years[run->first], run->years[last], run->R > 1 ? "全省" : "", mid,
                run->band_text[0], q[run->band[0]], run->band_text[2], q[run->band[2]],
                mid < 0 ? "少" : "多", fabs(mid));
    else
        fprintf(out,
                "Actuarial balance %d-%d (province, median): %+.1f %% (%s %.1f %%, %s %.1f %%): "
                "financing is %.1f %% of expenditure %s the benefits and the reserve at the end, in "
                "present value.\n\n",
                run->years[run->first], run->years[last], mid, run->band_label[0], q[run->band[0]],
                run->band_label[2], q[run->band[2]], fabs(mid),
                mid < 0 ? "short of paying" : "ahead of paying");
}

/* The projection's first ten years' last index (or the last), and the last. */
static void horizons(const struct report_run *run, size_t h[2])
{
    h[0] = run->Y > run->first + 10 ? run->first + 9 : run->Y - 1;
    h[1] = run->Y - 1;
}

void report_outlook_print_text(const struct report_outlook *o, const struct report_run *run,
                               FILE *out)
{
    int w = run->name_width;
    const char(*lab)[16] = run->band_text;
    size_t h[2];
    horizons(run, h);
    if (run->lang == LANG_ZH) {
        fputs("精算平衡（%）：（基金收入 + 期初累计结余 - 期末储备）/ 基金支出 - 1，自起始年至该年，"
              "按基金利率折现；收入为筹资（个人缴费、财政补助、其他收入），不含利息；储备为 "
              "warning.low_months 个月的待遇支出。低于 0：筹资不足。\n",
              out);
        if (run->first)
            fprintf(out, "起始年为预测首年 %d：区间为 %d 年至期末，期初累计结余为历史期末（%d 年）的结余。\n",
                    run->years[run->first], run->years[run->first], run->history_end_year);
    } else {
    fputs("Actuarial balance, per cent: (income + opening balance - the reserve at the end) /\n"
          "expenditure - 1, from the start to the year, discounted at the fund's interest\n"
          "rates; income is the financing (contributions, subsidy, other income), not\n"
          "interest; the reserve is warning.low_months of benefits. Below 0: financing short.\n",
          out);
    if (run->first)
        fprintf(out,
                "The start is the projection's first year, %d: the window is %d-end, the opening\n"
                "balance that at the end of the history (%d).\n",
                run->years[run->first], run->years[run->first], run->history_end_year);
    }
    fputc('\n', out);
    fprintf(out, "%-*s", w, "");
    for (int k = 0; k < 2; k++)
        fprintf(out, "  %14d-%-8d", run->years[run->first], run->years[h[k]]);
    fputc('\n', out);
    term_pad(out, term(TERM_region, run->lang), w);
    for (int k = 0; k < 2; k++)
        fprintf(out, "  %7s %7s %7s", lab[0], lab[1], lab[2]);
    fputc('\n', out);
    for (size_t r = 0; r < report_rows(run); r++) {
        term_pad(out, report_region_name(run, r), w);
        for (int k = 0; k < 2; k++) {
            const double *q = r < run->R ? o->region_q + (h[k] * run->R + r) * run->Q
                                         : o->province_q + h[k] * run->Q;
            fprintf(out, "  %7.1f %7.1f %7.1f", q[run->band[0]], q[run->band[1]], q[run->band[2]]);
        }
        fputc('\n', out);
    }
}

void report_outlook_print_csv(const struct report_outlook *o, const struct report_run *run,
                              FILE *out)
{
    report_csv_start(out, run, false);
    for (int k = 0; k < 3; k++)
        report_csv_column(out, run, TERM_csv_actuarial, run->band_text[k], NULL);
    report_csv_column(out, run, TERM_csv_history, NULL, NULL);
    fputc('\n', out);
    for (size_t i = 0; i < run->n_chosen; i++) {
        size_t y = run->chosen[i];
        for (size_t r = 0; r < report_rows(run); r++) {
            const double *q =
                r < run->R ? o->region_q + (y * run->R + r) * run->Q : o->province_q + y * run->Q;
            fprintf(out, "%d,", run->years[y]);
            report_put_csv_text(report_csv_region(run, r), out);
            fputc(',', out);
            report_put_csv_text(report_region_zh(run, r), out);
            fprintf(out, ",%.4f,%.4f,%.4f,%d\n", q[run->band[0]], q[run->band[1]], q[run->band[2]],
                    report_history(run, y));
        }
    }
}
