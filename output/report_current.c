/* report_current.c: the first-warning table (report_current.h).
 * `struct report_current` holds the quantiles of the four variables, each
 * [Y][R + 1][Q] with the province's appended as the last column, and
 * P(current deficit) [Y][R + 1]. */
#include "output/report_current.h"

#include <stdlib.h>

enum { ENROLLEES, INCOME, EXPENDITURE, SURPLUS, N_CURRENT };
static const char *const var_names[N_CURRENT] = {"enrollees", "income", "expenditure", "surplus"};

struct report_current {
    double *q[N_CURRENT]; /* [Y][R + 1][Q]: persons, yuan */
    double *p_deficit;    /* [Y][R + 1] */
};

struct report_current *report_current_read(struct report_reader *rd, const struct report_run *run)
{
    struct report_current *c = rd->failed ? NULL : calloc(1, sizeof *c);
    if (!c) {
        report_problem(rd, "out of memory");
        return NULL;
    }
    for (int v = 0; v < N_CURRENT; v++) {
        char regional[64], province[64];
        snprintf(regional, sizeof regional, "/summary/%s_quantiles", var_names[v]);
        snprintf(province, sizeof province, "/summary/province/%s_quantiles", var_names[v]);
        c->q[v] = report_read_with_province(rd, run, regional, province, true);
    }
    c->p_deficit = report_read_with_province(rd, run, "/warning/p_deficit",
                                             "/warning/province_p_deficit", false);
    if (!rd->failed) return c;
    report_current_free(c);
    return NULL;
}

void report_current_free(struct report_current *c)
{
    if (!c) return;
    for (int v = 0; v < N_CURRENT; v++)
        free(c->q[v]);
    free(c->p_deficit);
    free(c);
}

/* Variable v's quantile k of the band (0 p5, 1 p50, 2 p95) at year y, row r,
 * in 万人 or 亿元. */
static double band(const struct report_current *c, const struct report_run *run, int v, size_t y,
                   size_t r, int k)
{
    double scale = v == ENROLLEES ? 1e-4 : 1.0 / YUAN_PER_YI;
    return c->q[v][(y * (run->R + 1) + r) * run->Q + run->band[k]] * scale;
}

void report_current_print_text(const struct report_current *c, const struct report_run *run,
                               FILE *out)
{
    enum lang l = run->lang;
    int w = run->name_width;
    const char(*lab)[16] = run->band_text;
    if (l == LANG_ZH)
        fprintf(out,
                "当期预警：参保人数（万人），基金收入、基金支出（亿元，中位数），当期结余（亿元，"
                "%s、%s、%s分位数），当期收不抵支概率。\n\n",
                lab[0], lab[1], lab[2]);
    else
        fputs("First warning: the year's own account. Enrollees in 万人 (10,000 persons);\n"
              "income and expenditure in 亿元 (100 million yuan), medians; the current surplus\n"
              "(income - expenditure), its quantiles; P(deficit): probability of a current\n"
              "deficit (surplus below 0).\n\n",
              out);
    /* the columns: year, region, then right-aligned figures */
    const char *head[] = {term(TERM_enrollees, l), term(TERM_income, l), term(TERM_expenditure, l)};
    term_pad(out, l == LANG_ZH ? "年份" : "year", 6);
    term_pad(out, l == LANG_ZH ? "地区" : "region", w);
    if (l == LANG_ZH) {
        for (int k = 0; k < 3; k++)
            term_pad(out, head[k], -10);
        char s[3][48];
        for (int k = 0; k < 3; k++)
            snprintf(s[k], sizeof s[k], "%s%s", term(TERM_current_surplus, l), lab[k]);
        for (int k = 0; k < 3; k++)
            term_pad(out, s[k], -14);
        term_pad(out, term(TERM_current_deficit_p, l), -18);
    } else {
        fprintf(out, "%10s%10s%12s", "enrollees", "income", "expenditure");
        for (int k = 0; k < 3; k++) {
            char s[32];
            snprintf(s, sizeof s, "surplus %s", lab[k]);
            fprintf(out, "%14s", s);
        }
        fprintf(out, "%12s", "P(deficit)");
    }
    fputc('\n', out);
    size_t rows = report_rows(run);
    for (size_t i = 0; i < run->n_chosen; i++) {
        size_t y = run->chosen[i];
        if (i > 0) fputc('\n', out);
        for (size_t r = 0; r < rows; r++) {
            if (r == 0)
                fprintf(out, "%-4d%c ", run->years[y], report_history(run, y) ? '*' : ' ');
            else
                fputs("      ", out);
            term_pad(out, report_region_name(run, r), w);
            fprintf(out, " %9.1f %9.2f %*.2f", band(c, run, ENROLLEES, y, r, 1),
                    band(c, run, INCOME, y, r, 1), l == LANG_ZH ? 9 : 11,
                    band(c, run, EXPENDITURE, y, r, 1));
            for (int k = 0; k < 3; k++)
                fprintf(out, " %13.2f", band(c, run, SURPLUS, y, r, k));
            fprintf(out, " %*.3f\n", l == LANG_ZH ? 17 : 11, c->p_deficit[y * (run->R + 1) + r]);
        }
    }
    if (run->first)
        fputs(l == LANG_ZH ? "* 历史年份，非预测。\n" : "* history: not projection.\n", out);
}

void report_current_print_csv(const struct report_current *c, const struct report_run *run,
                              FILE *out)
{
    report_csv_start(out, run, false);
    report_csv_column(out, run, TERM_csv_enrollees, NULL, NULL);
    report_csv_column(out, run, TERM_csv_income, NULL, NULL);
    report_csv_column(out, run, TERM_csv_expenditure, NULL, NULL);
    for (int k = 0; k < 3; k++)
        report_csv_column(out, run, TERM_csv_surplus, run->band_text[k], NULL);
    report_csv_column(out, run, TERM_csv_p_current_deficit, NULL, NULL);
    report_csv_column(out, run, TERM_csv_history, NULL, NULL);
    fputc('\n', out);
    size_t rows = report_rows(run);
    for (size_t i = 0; i < run->n_chosen; i++)
        for (size_t r = 0; r < rows; r++) {
            size_t y = run->chosen[i];
            fprintf(out, "%d,", run->years[y]);
            report_put_csv_text(report_csv_region(run, r), out);
            fputc(',', out);
            report_put_csv_text(report_region_zh(run, r), out);
            fprintf(out, ",%.4f,%.6f,%.6f", band(c, run, ENROLLEES, y, r, 1),
                    band(c, run, INCOME, y, r, 1), band(c, run, EXPENDITURE, y, r, 1));
            for (int k = 0; k < 3; k++)
                fprintf(out, ",%.6f", band(c, run, SURPLUS, y, r, k));
            fprintf(out, ",%.6f,%d\n", c->p_deficit[y * (run->R + 1) + r], report_history(run, y));
        }
}
