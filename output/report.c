/* report.c: the summary tables of a run's HDF5 file (report.h): the warning
 * table and the budget burden here, the policy comparison in report_diff.c.
 *
 * Each table's figures are read whole from the file's summaries before
 * anything is printed: `struct warning` for the warning table, `struct budget`
 * for the budget burden (arrays row-major as the file stores them, see
 * report_common.h). */
#include "output/report.h"
#include "output/h5common.h"
#include "output/report_common.h"
#include "output/report_current.h"
#include "output/report_diff.h"
#include "output/report_outlook.h"
#include "sim/config/diag.h"

#include <stdlib.h>
#include <string.h>

struct warning {
    size_t L; /* warning levels */
    char **level_names;
    double *balance_q, *months_q;                   /* [Y][R][Q]: yuan, months */
    double *province_balance_q, *province_months_q; /* [Y][Q] */
    double *p_depleted, *p_level;                   /* [Y][R], [Y][R][L] */
    double *province_p_depleted;                    /* [Y] */
    int *level, *first_year_at_risk;                /* [Y][R], [R] */
    double depletion_probability;
};

/* The province's outlay of each level of government, yuan. */
struct budget {
    double *q[N_GOV_LEVELS];    /* [Y][Q] */
    double *mean[N_GOV_LEVELS]; /* [Y] */
};

static void warning_free(struct warning *t)
{
    report_free_strings(t->level_names, t->L);
    free(t->balance_q);
    free(t->months_q);
    free(t->province_balance_q);
    free(t->province_months_q);
    free(t->p_depleted);
    free(t->p_level);
    free(t->province_p_depleted);
    free(t->level);
    free(t->first_year_at_risk);
}

static void warning_read(struct report_reader *rd, const struct report_run *run, struct warning *t)
{
    size_t l[1] = {0};
    t->level_names = report_read_strings(rd, "/warning/levels", l);
    t->L = l[0];
    size_t yrq[3] = {run->Y, run->R, run->Q}, yq[2] = {run->Y, run->Q},
           yrl[3] = {run->Y, run->R, t->L}, y[1] = {run->Y}, r[1] = {run->R};
    t->balance_q = report_read_doubles(rd, "/summary/balance_quantiles", 3, yrq);
    t->months_q = report_read_doubles(rd, "/summary/months_quantiles", 3, yrq);
    t->province_balance_q = report_read_doubles(rd, "/summary/province/balance_quantiles", 2, yq);
    t->province_months_q = report_read_doubles(rd, "/summary/province/months_quantiles", 2, yq);
    t->p_depleted = report_read_doubles(rd, "/warning/p_depleted", 2, yrq);
    t->p_level = report_read_doubles(rd, "/warning/p_level", 3, yrl);
    t->level = report_read_ints(rd, "/warning/level", 2, yrq);
    t->province_p_depleted = report_read_doubles(rd, "/warning/province_p_depleted", 1, y);
    t->first_year_at_risk = report_read_ints(rd, "/depletion/first_year_at_risk", 1, r);
    report_read_attribute(rd, "/warning", "depletion_probability", H5T_NATIVE_DOUBLE,
                          &t->depletion_probability);
    for (size_t k = 0; !rd->failed && k < run->Y * run->R; k++)
        if (t->level[k] < 0 || (size_t)t->level[k] >= t->L)
            report_problem(rd, "/warning/level holds %d, not an index into /warning/levels",
                           t->level[k]);
}

/* The region's (or, r == R, the province's) three band values, scaled. */
static void band_of(const struct report_run *run, size_t y, size_t r, const double *regional,
                    const double *province, double scale, double *v)
{
    const double *q = r < run->R ? regional + (y * run->R + r) * run->Q : province + y * run->Q;
    for (int k = 0; k < 3; k++)
        v[k] = q[run->band[k]] * scale;
}

static void print_heading(const struct report_run *run, const char *path, FILE *out)
{
    if (run->lang == LANG_ZH) {
        fprintf(out, "%s：情景 %s，%lld 条路径，随机种子 %lld，%d-%d 年\n", path,
                run->scenario_name, run->paths, run->seed, run->years[0], run->years[run->Y - 1]);
        if (run->first)
            fprintf(out,
                    "已按 %d 年及以前的决算校准：%d-%d 年为历史年份（期望值再现实际数，标 *），"
                    "预测自 %d 年起，主要指标自该年起算。\n",
                    run->history_end_year, run->years[0], run->years[run->first - 1],
                    run->years[run->first]);
        return;
    }
    fprintf(out, "%s: scenario %s, %lld paths, seed %lld, years %d-%d\n", path, run->scenario_name,
            run->paths, run->seed, run->years[0], run->years[run->Y - 1]);
    if (run->first)
        fprintf(out,
                "Calibrated to the accounts up to %d: the years %d-%d are history (they reproduce "
                "the actuals in expectation, marked *); the projection starts in %d, and the "
                "headline figures count from it.\n",
                run->history_end_year, run->years[0], run->years[run->first - 1],
                run->years[run->first]);
}

/* A warning level's name (of /warning/levels) in the run's language. */
static const char *level_name(const struct warning *t, const struct report_run *run, int level)
{
    static const struct {
        const char *name;
        enum term t;
    } levels[] = {{"red", TERM_level_red},
                  {"orange", TERM_level_orange},
                  {"yellow", TERM_level_yellow},
                  {"green", TERM_level_green},
                  {"excess", TERM_level_surplus}};
    const char *name = t->level_names[level];
    if (run->lang == LANG_EN) return name;
    for (size_t k = 0; k < sizeof levels / sizeof *levels; k++)
        if (!strcmp(name, levels[k].name)) return term(levels[k].t, run->lang);
    return name;
}

static void warning_print_text_zh(const struct warning *t, const struct report_run *run, FILE *out)
{
    int w = run->name_width;
    const char(*lab)[16] = run->band_text;
    fprintf(out,
            "%s：年末，亿元。%s。%s：累计结余低于 0 的概率。%s：最可能的预警等级及其概率。\n\n",
            term(TERM_balance, LANG_ZH), term(TERM_months_payable, LANG_ZH),
            term(TERM_depletion_p, LANG_ZH), term(TERM_warning_level, LANG_ZH));
    term_pad(out, "年份", 6);
    term_pad(out, "地区", w);
    char h[6][48];
    for (int k = 0; k < 3; k++) {
        snprintf(h[k], sizeof h[k], "%s%s", term(TERM_balance, LANG_ZH), lab[k]);
        snprintf(h[3 + k], sizeof h[3 + k], "%s%s", term(TERM_months_payable, LANG_ZH), lab[k]);
    }
    for (int k = 0; k < 6; k++)
        term_pad(out, h[k], -14);
    term_pad(out, term(TERM_depletion_p, LANG_ZH), -18);
    fputs("  ", out);
    fputs(term(TERM_warning_level, LANG_ZH), out);
    fputc('\n', out);
    size_t rows = report_rows(run);
    for (size_t i = 0; i < run->n_chosen; i++) {
        size_t y = run->chosen[i];
        if (i > 0) fputc('\n', out);
        for (size_t r = 0; r < rows; r++) {
            double b[3], m[3];
            band_of(run, y, r, t->balance_q, t->province_balance_q, 1.0 / YUAN_PER_YI, b);
            band_of(run, y, r, t->months_q, t->province_months_q, 1, m);
            if (r == 0)
                fprintf(out, "%-4d%c ", run->years[y], report_history(run, y) ? '*' : ' ');
            else
                fputs("      ", out);
            term_pad(out, report_region_name(run, r), w);
            fprintf(out, " %13.2f %13.2f %13.2f %13.1f %13.1f %13.1f", b[0], b[1], b[2], m[0], m[1],
                    m[2]);
            if (r == run->R) {
                fprintf(out, " %17.3f  -\n", t->province_p_depleted[y]);
                continue;
            }
            size_t yr = y * run->R + r;
            int level = t->level[yr];
            fprintf(out, " %17.3f  ", t->p_depleted[yr]);
            term_pad(out, level_name(t, run, level), 10);
            fprintf(out, "%.2f\n", t->p_level[yr * t->L + (size_t)level]);
        }
    }
    if (run->first)
        fprintf(out, "* 历史年份，非预测。\n\n预测期内%s首次达到 %g 的年份：\n",
                term(TERM_depletion_p, LANG_ZH), t->depletion_probability);
    else
        fprintf(out, "\n%s首次达到 %g 的年份：\n", term(TERM_depletion_p, LANG_ZH),
                t->depletion_probability);
    for (size_t r = 0; r < run->R; r++) {
        fputs("  ", out);
        term_pad(out, report_region_name(run, r), w);
        if (t->first_year_at_risk[r])
            fprintf(out, "  %d\n", t->first_year_at_risk[r]);
        else
            fputs("  -\n", out);
    }
}

static void warning_print_text(const struct warning *t, const struct report_run *run, FILE *out)
{
    if (run->lang == LANG_ZH) {
        warning_print_text_zh(t, run, out);
        return;
    }
    int w = run->name_width;
    const char(*lab)[16] = run->band_label;
    fputs("Balance: at the end of the year, in 亿元 (100 million yuan). Months: months of\n"
          "payment. P(depl): probability that the balance is below 0. Level: the most likely\n"
          "early-warning level and its probability.\n\n",
          out);
    fprintf(out, "%*s%30s%21s\n", 6 + w, "", "balance, 1e8 yuan", "months");
    fprintf(out, "year  %-*s%10s%10s%10s%7s%7s%7s%9s  level\n", w, "region", lab[0], lab[1], lab[2],
            lab[0], lab[1], lab[2], "P(depl)");
    for (size_t i = 0; i < run->n_chosen; i++) {
        size_t y = run->chosen[i];
        if (i > 0) fputc('\n', out);
        for (size_t r = 0; r < report_rows(run); r++) {
            double b[3], m[3];
            band_of(run, y, r, t->balance_q, t->province_balance_q, 1.0 / YUAN_PER_YI, b);
            band_of(run, y, r, t->months_q, t->province_months_q, 1, m);
            if (r == 0)
                fprintf(out, "%-4d%c ", run->years[y], report_history(run, y) ? '*' : ' ');
            else
                fputs("      ", out);
            /* a space before each figure, in case one is wider than its column */
            fprintf(out, "%-*s %9.2f %9.2f %9.2f %6.1f %6.1f %6.1f", w, report_region(run, r), b[0],
                    b[1], b[2], m[0], m[1], m[2]);
            if (r == run->R) {
                fprintf(out, " %8.3f  -\n", t->province_p_depleted[y]);
                continue;
            }
            size_t yr = y * run->R + r;
            int level = t->level[yr];
            fprintf(out, " %8.3f  %-6s %.2f\n", t->p_depleted[yr], t->level_names[level],
                    t->p_level[yr * t->L + (size_t)level]);
        }
    }
    if (run->first)
        fprintf(out,
                "* history: not projection.\n\nFirst year of the projection with P(depl) >= %g:\n",
                t->depletion_probability);
    else
        fprintf(out, "\nFirst year with P(depl) >= %g:\n", t->depletion_probability);
    for (size_t r = 0; r < run->R; r++)
        if (t->first_year_at_risk[r])
            fprintf(out, "  %-*s  %d\n", w, run->regions[r], t->first_year_at_risk[r]);
        else
            fprintf(out, "  %-*s  -\n", w, run->regions[r]);
}

static void warning_print_csv(const struct warning *t, const struct report_run *run, FILE *out)
{
    report_csv_start(out, run, false);
    for (int k = 0; k < 3; k++)
        report_csv_column(out, run, TERM_csv_balance, run->band_text[k], NULL);
    for (int k = 0; k < 3; k++)
        report_csv_column(out, run, TERM_csv_months, run->band_text[k], NULL);
    static const enum term tail[] = {TERM_csv_p_depleted, TERM_csv_level, TERM_csv_p_level,
                                     TERM_csv_first_year_at_risk, TERM_csv_history};
    for (size_t k = 0; k < sizeof tail / sizeof *tail; k++)
        report_csv_column(out, run, tail[k], NULL, NULL);
    fputc('\n', out);
    for (size_t i = 0; i < run->n_chosen; i++)
        for (size_t r = 0; r < report_rows(run); r++) {
            size_t y = run->chosen[i], yr = y * run->R + r;
            double b[3], m[3];
            band_of(run, y, r, t->balance_q, t->province_balance_q, 1.0 / YUAN_PER_YI, b);
            band_of(run, y, r, t->months_q, t->province_months_q, 1, m);
            fprintf(out, "%d,", run->years[y]);
            report_put_csv_text(report_csv_region(run, r), out);
            fputc(',', out);
            report_put_csv_text(report_region_zh(run, r), out);
            fprintf(out, ",%.6f,%.6f,%.6f,%.4f,%.4f,%.4f", b[0], b[1], b[2], m[0], m[1], m[2]);
            if (r == run->R) {
                fprintf(out, ",%.6f,,,,%d\n", t->province_p_depleted[y], report_history(run, y));
                continue;
            }
            int level = t->level[yr];
            fprintf(out, ",%.6f,%s,%.6f,", t->p_depleted[yr], level_name(t, run, level),
                    t->p_level[yr * t->L + (size_t)level]);
            if (t->first_year_at_risk[r]) fprintf(out, "%d", t->first_year_at_risk[r]);
            fprintf(out, ",%d\n", report_history(run, y));
        }
}

static void budget_free(struct budget *b)
{
    for (int k = 0; k < N_GOV_LEVELS; k++) {
        free(b->q[k]);
        free(b->mean[k]);
    }
}

static void budget_read(struct report_reader *rd, const struct report_run *run, struct budget *b)
{
    for (int k = 0; k < N_GOV_LEVELS; k++) {
        char name[64];
        size_t yq[2] = {run->Y, run->Q};
        snprintf(name, sizeof name, "/summary/province/outlay_%s_quantiles", report_gov_levels[k]);
        b->q[k] = report_read_doubles(rd, name, 2, yq);
        snprintf(name, sizeof name, "/summary/province/outlay_%s_mean", report_gov_levels[k]);
        b->mean[k] = report_read_doubles(rd, name, 1, yq);
    }
}

/* The sum of the levels' means in year y: what government pays in all, on average. */
static double budget_total(const struct budget *b, size_t y)
{
    double total = 0;
    for (int k = 0; k < N_GOV_LEVELS; k++)
        total += b->mean[k][y];
    return total;
}

static void budget_print_text(const struct budget *b, const struct report_run *run, FILE *out)
{
    enum lang lang = run->lang;
    const char(*lab)[16] = lang == LANG_ZH ? run->band_text : run->band_label;
    if (lang == LANG_ZH)
        fprintf(out,
                "各级财政负担%s：各级政府支出（%s与医疗救助资助参保），亿元：各路径的分位数"
                "与均值。合计：各级均值之和。\n\n",
                run->R > 1 ? "（全省合计）" : "", term(TERM_fiscal_subsidy, LANG_ZH));
    else
        fputs(
            "Budget burden of the province: what each level of government pays (fiscal subsidy\n"
            "and contribution assistance), in 亿元 (100 million yuan): quantiles across paths and\n"
            "the mean. Total: the sum of the levels' means.\n\n",
            out);
    term_pad(out, term(TERM_year, lang), 6);
    term_pad(out, term(TERM_csv_gov_level, lang), 8);
    for (int k = 0; k < 3; k++)
        term_pad(out, lab[k], -10);
    term_pad(out, term(TERM_mean, lang), -10);
    fputc('\n', out);
    for (size_t i = 0; i < run->n_chosen; i++) {
        size_t y = run->chosen[i];
        if (i > 0) fputc('\n', out);
        for (int k = 0; k < N_GOV_LEVELS; k++) {
            const double *q = b->q[k] + y * run->Q;
            if (k == 0)
                fprintf(out, "%-4d%c ", run->years[y], report_history(run, y) ? '*' : ' ');
            else
                fputs("      ", out);
            term_pad(out, report_gov_level(run, k), 8);
            fprintf(out, " %9.2f %9.2f %9.2f %9.2f\n", q[run->band[0]] / YUAN_PER_YI,
                    q[run->band[1]] / YUAN_PER_YI, q[run->band[2]] / YUAN_PER_YI,
                    b->mean[k][y] / YUAN_PER_YI);
        }
        fputs("      ", out);
        term_pad(out, term(TERM_total, lang), 8);
        fprintf(out, " %39.2f\n", budget_total(b, y) / YUAN_PER_YI);
    }
}

static void budget_print_csv(const struct budget *b, const struct report_run *run, FILE *out)
{
    fputs(term(TERM_year, run->lang), out);
    report_csv_column(out, run, TERM_csv_gov_level, NULL, NULL);
    report_csv_column(out, run, TERM_csv_mean, NULL, NULL);
    for (int k = 0; k < 3; k++)
        report_csv_column(out, run, TERM_csv_band, run->band_text[k], NULL);
    fputc('\n', out);
    for (size_t i = 0; i < run->n_chosen; i++) {
        size_t y = run->chosen[i];
        for (int k = 0; k < N_GOV_LEVELS; k++) {
            const double *q = b->q[k] + y * run->Q;
            fprintf(out, "%d,%s,%.6f,%.6f,%.6f,%.6f\n", run->years[y], report_gov_level(run, k),
                    b->mean[k][y] / YUAN_PER_YI, q[run->band[0]] / YUAN_PER_YI,
                    q[run->band[1]] / YUAN_PER_YI, q[run->band[2]] / YUAN_PER_YI);
        }
        fprintf(out, "%d,%s,%.6f,,,\n", run->years[y], term(TERM_total, run->lang),
                budget_total(b, y) / YUAN_PER_YI);
    }
}

/* The year indices to print into run->chosen: the chosen years, or the first,
 * every fifth and the last. Returns 0, or -1 with a message: a year not in
 * the file (DIAG_USAGE), out of memory. */
static int choose_years(struct report_run *run, const int *years, size_t n_years, const char *path,
                        struct diag *d)
{
    size_t *ys = run->chosen = malloc((n_years + run->Y / 5 + 2) * sizeof *ys);
    if (!ys) {
        diag_fail(d, "%s: out of memory", path);
        return -1;
    }
    if (n_years == 0) {
        /* from the projection's first year: a calibrated run's history is
         * shown only when asked for */
        size_t n = 0;
        for (size_t y = run->first; y + 1 < run->Y; y += 5)
            ys[n++] = y;
        ys[n++] = run->Y - 1;
        run->n_chosen = n;
        return 0;
    }
    for (size_t k = 0; k < n_years; k++) {
        long y = (long)years[k] - run->years[0];
        if (y < 0 || (size_t)y >= run->Y || run->years[y] != years[k]) {
            diag_refuse(d, "%s: year %d is not among the file's years %d-%d", path, years[k],
                        run->years[0], run->years[run->Y - 1]);
            return -1;
        }
        ys[k] = (size_t)y;
    }
    run->n_chosen = n_years;
    return 0;
}

/* The title line of a table in a CSV of every table (REPORT_EVERY): its name
 * for --table in English ("# warning"), its title (term t) in Chinese. */
static void csv_title(const struct report_run *run, const char *name, enum term t, bool *first,
                      FILE *out)
{
    if (!*first) fputc('\n', out);
    *first = false;
    fprintf(out, "# %s\n", run->lang == LANG_ZH ? term(t, LANG_ZH) : name);
}

/* Reads the run and the tables asked for, then prints them. Returns as report_print. */
static int read_and_print(struct report_reader *rd, const struct report_request *rq, FILE *out)
{
    struct report_run run = {0};
    struct warning warning = {0};
    struct budget budget = {0};
    struct report_diff *diff = NULL;
    struct report_outlook *outlook = NULL;
    struct report_current *current = NULL;
    enum report_table table = rq->table;
    bool csv = rq->csv;
    report_run_read(rd, &run);
    if (!rd->failed) report_run_set_lang(&run, rq->lang == LANG_ZH ? LANG_ZH : LANG_EN);
    bool every = table == REPORT_EVERY || (table == REPORT_ALL && !csv);
    bool has_diff = false;
    if (!rd->failed) has_diff = H5Lexists(rd->file, "/diff", H5P_DEFAULT) > 0;
    int rc = rd->failed ? -1 : 0;
    if (!rc && (table == REPORT_DIFF || table == REPORT_GAINS) && !has_diff) {
        diag_refuse(
            rd->d,
            "%s has no policy comparison (no /diff group): the diff table needs the output of "
            "`fundsim compare`",
            rd->path);
        rc = -1;
    }
    if (!rc) rc = choose_years(&run, rq->years, rq->n_years, rd->path, rd->d);
    bool want_warning = every || table == REPORT_ALL || table == REPORT_WARNING;
    bool want_current = every || table == REPORT_CURRENT;
    bool want_budget = every || table == REPORT_BUDGET;
    bool want_diff = (every && has_diff) || table == REPORT_DIFF || table == REPORT_GAINS;
    bool want_actuarial = every || table == REPORT_ACTUARIAL;
    if (!rc && want_warning) warning_read(rd, &run, &warning);
    if (!rc && want_current) current = report_current_read(rd, &run);
    if (!rc && want_budget) budget_read(rd, &run, &budget);
    if (!rc && want_diff) diff = report_diff_read(rd, &run);
    if (!rc && (!csv || want_actuarial)) outlook = report_outlook_read(rd, &run);
    if (!rc && rd->failed) rc = -1;
    if (!rc && csv) {
        bool first = true, titled = table == REPORT_EVERY;
        if (rq->bom) fputs("\xEF\xBB\xBF", out);
        if (want_warning) {
            if (titled) csv_title(&run, "warning", TERM_warning_level, &first, out);
            warning_print_csv(&warning, &run, out);
        }
        if (want_current) {
            if (titled) csv_title(&run, "current", TERM_first_warning, &first, out);
            report_current_print_csv(current, &run, out);
        }
        if (want_budget) {
            if (titled) csv_title(&run, "budget", TERM_budget_burden, &first, out);
            budget_print_csv(&budget, &run, out);
        }
        if (want_actuarial) {
            if (titled) csv_title(&run, "actuarial", TERM_actuarial_balance, &first, out);
            report_outlook_print_csv(outlook, &run, out);
        }
        if (want_diff && table != REPORT_GAINS) {
            if (titled) csv_title(&run, "diff", TERM_csv_diff, &first, out);
            report_diff_print_csv(diff, &run, out);
        }
        if (want_diff && table != REPORT_DIFF) {
            if (titled) csv_title(&run, "gains", TERM_who_gains, &first, out);
            report_diff_print_gains_csv(diff, &run, out);
        }
    } else if (!rc) {
        print_heading(&run, rd->path, out);
        report_outlook_print_heading(outlook, &run, out);
        bool before = false; /* a table printed: an empty line before the next */
        if (want_actuarial) report_outlook_print_text(outlook, &run, out), before = true;
        if (want_warning) {
            if (before) fputc('\n', out);
            warning_print_text(&warning, &run, out), before = true;
        }
        if (want_current) {
            if (before) fputc('\n', out);
            report_current_print_text(current, &run, out), before = true;
        }
        if (want_budget) {
            if (before) fputc('\n', out);
            budget_print_text(&budget, &run, out);
        }
        if (want_diff) report_diff_print_text(diff, &run, out);
    }
    report_current_free(current);
    report_diff_free(diff);
    report_outlook_free(outlook);
    budget_free(&budget);
    warning_free(&warning);
    report_run_free(&run);
    return rc;
}

int report_write(const char *path, const struct report_request *rq, FILE *out, struct diag *d)
{
    struct report_reader rd = {.path = path, .d = d};
    rd.file = report_open_file(path, d);
    if (rd.file < 0) return -1;
    int rc = read_and_print(&rd, rq, out);
    H5Fclose(rd.file);
    return rc;
}

int report_print(const char *path, const int *years, size_t n_years, bool csv,
                 enum report_table table, FILE *out, struct diag *d)
{
    struct report_request rq = {.years = years, .n_years = n_years, .csv = csv, .table = table};
    return report_write(path, &rq, out, d);
}
