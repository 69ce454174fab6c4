/* cmd_summary.c: `fundsim summary`, the summary tables of a run's HDF5 file
 * (output/report.c reads and prints them). */
#include "output/report.h"
#include "sim/cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char summary_usage[] =
    "Usage: fundsim summary [--years LIST] [--csv | --excel] [--table NAME] [--lang zh|en]\n"
    "                       OUT.h5\n"
    "\n"
    "Prints the summary tables of a run (amounts in 亿元, 100 million yuan), after\n"
    "the run's assumptions (how financing and benefits go on after the last dated\n"
    "rules, cost and income growth, what happens after depletion), the yearly growth\n"
    "of income and expenditure per enrollee, and the province's actuarial balance:\n"
    "  actuarial  per region and for the province, the actuarial balance over the\n"
    "           first ten years and the whole horizon: (income + opening balance -\n"
    "           the reserve at the end) / expenditure - 1, in present value\n"
    "  warning  per region and year, the median and 5-95 % band of the balance and\n"
    "           of the months of payment, the probability that the balance is below\n"
    "           0 and the most likely warning level; the province's totals; and per\n"
    "           region the first year the probability of depletion reaches the\n"
    "           scenario's threshold\n"
    "  current  the first warning: per region and year, the enrollees (万人), fund\n"
    "           income and expenditure (medians), the current surplus (5-95 % band)\n"
    "           and the probability of a current deficit\n"
    "  budget   per year, what each level of government pays in the province\n"
    "           (fiscal subsidy, contribution assistance, other income and any\n"
    "           backstop): median, 5-95 % band and mean, and the total of the\n"
    "           means\n"
    "A calibrated run's file (attribute history_end_year, L) counts these from\n"
    "the projection's first year L + 1: the years up to L are history, shown only\n"
    "when asked for, marked * (the CSV's column history: 1)\n"
    "  diff     for the output of `fundsim compare`, per policy variant: variant -\n"
    "           base of the province's balance, expenditure and outlays per year,\n"
    "           of each region's balance in the last year, with 95 % confidence\n"
    "           intervals, P(better) and the change in P(depleted)\n"
    "\n"
    "  --years LIST  the years to print, e.g. 2025,2030,2040 or 2022-2051 or\n"
    "                2024,2030-2035 (default: the first year of the projection,\n"
    "                every fifth year after it and the last)\n"
    "  --table NAME  only this table: actuarial, warning, current, budget or diff;\n"
    "                all: every table the file has (default: all; with --csv,\n"
    "                warning; --csv --table all: every table, each under a line\n"
    "                \"# NAME\", an empty line between)\n"
    "  --csv         one table as CSV with a header row, units in the names\n"
    "  --excel       as --csv, the UTF-8 text after a byte-order mark, so that\n"
    "                Excel reads the Chinese names\n"
    "  --lang zh|en  the language of the text, and of the CSV's names, levels and\n"
    "                titles (default: Chinese when LC_ALL, LC_MESSAGES or LANG\n"
    "                starts with zh, else English)\n"
    "  --help        this text\n"
    "\n"
    "Exit status: 0 success, 1 the file cannot be read, is not a fundsim run's file\n"
    "or is damaged, 2 bad usage (a year the run does not cover, or diff of a file\n"
    "without variants).\n";

/* "warning", "budget" or "diff". Returns 0, or -1 after printing why. */
static int parse_table(const char *name, enum report_table *table)
{
    static const struct {
        const char *name;
        enum report_table table;
    } tables[] = {{"warning", REPORT_WARNING},
                  {"budget", REPORT_BUDGET},
                  {"diff", REPORT_DIFF},
                  {"actuarial", REPORT_ACTUARIAL},
                  {"current", REPORT_CURRENT},
                  {"gains", REPORT_GAINS},
                  {"all", REPORT_EVERY}};
    for (size_t k = 0; k < sizeof tables / sizeof *tables; k++)
        if (!strcmp(name, tables[k].name)) {
            *table = tables[k].table;
            return 0;
        }
    fprintf(stderr,
            "fundsim summary: --table expects warning, current, budget, diff, gains, actuarial or "
            "all, "
            "got \"%s\"\n",
            name);
    return -1;
}

/* One year of a --years list at *s, moving *s past it; 0 when there is none. */
static long year_at(const char **s)
{
    char *end;
    errno = 0;
    long y = strtol(*s, &end, 10);
    if (end == *s || errno || y < 1 || y > INT_MAX || !(**s >= '0' && **s <= '9')) return 0;
    *s = end;
    return y;
}

/* The longest list of years --years takes: a range of more is refused. */
enum { MAX_YEARS = 10000 };

/* Parses "2025,2030,2040-2045,..." into a new array. Returns 0, or the exit
 * status after saying why: EXIT_USAGE for a bad list, EXIT_FAILURE_RUN out of
 * memory. */
static int parse_years(const char *list, int **years, size_t *n)
{
    *n = 0;
    size_t cap = 0;
    for (const char *s = list;;) {
        long from = year_at(&s), to = from;
        if (from && *s == '-') {
            s++;
            to = year_at(&s);
        }
        if (!from || !to || to < from || to - from >= MAX_YEARS ||
            *n + (size_t)(to - from) >= MAX_YEARS || (*s != ',' && *s != '\0')) {
            fprintf(stderr,
                    "fundsim summary: --years expects years or ranges FROM-TO separated by "
                    "commas, got \"%s\"\n",
                    list);
            return EXIT_USAGE;
        }
        for (long y = from; y <= to; y++) {
            if (*n == cap) {
                cap = cap ? 2 * cap : 16;
                int *grown = realloc(*years, cap * sizeof **years);
                if (!grown) {
                    fputs("fundsim summary: out of memory\n", stderr);
                    return EXIT_FAILURE_RUN;
                }
                *years = grown;
            }
            (*years)[(*n)++] = (int)y;
        }
        if (*s == '\0') return 0;
        s++;
    }
}

int cmd_summary(int argc, char **argv)
{
    static const struct option options[] = {{"years", required_argument, NULL, 'y'},
                                            {"csv", no_argument, NULL, 'c'},
                                            {"excel", no_argument, NULL, 'x'},
                                            {"lang", required_argument, NULL, 'l'},
                                            {"table", required_argument, NULL, 't'},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    int *years = NULL, opt, status = EXIT_OK;
    size_t n_years = 0;
    bool csv = false, bom = false;
    const char *lang_arg = NULL;
    enum report_table table = REPORT_ALL;
    while ((opt = getopt_long(argc, argv, "y:ct:h", options, NULL)) != -1 && status == EXIT_OK) {
        switch (opt) {
        case 'y':
            free(years);
            years = NULL;
            status = parse_years(optarg, &years, &n_years);
            break;
        case 'c':
            csv = true;
            break;
        case 'x':
            csv = bom = true;
            break;
        case 'l':
            lang_arg = optarg;
            break;
        case 't':
            if (parse_table(optarg, &table)) status = EXIT_USAGE;
            break;
        case 'h':
            fputs(summary_usage, stdout);
            free(years);
            return EXIT_OK;
        default:
            fputs(summary_usage, stderr);
            status = EXIT_USAGE;
        }
    }
    if (status == EXIT_OK && optind + 1 != argc) {
        fputs(summary_usage, stderr);
        status = EXIT_USAGE;
    }
    int lang = status == EXIT_OK ? cli_lang("summary", lang_arg) : 0;
    if (lang < 0) status = EXIT_USAGE;
    if (status == EXIT_OK) {
        struct cli_voice voice = {.command = "summary"};
        struct diag d = {0};
        struct report_request rq = {.years = years,
                                    .n_years = n_years,
                                    .csv = csv,
                                    .bom = bom,
                                    .table = table,
                                    .lang = lang};
        if (report_write(argv[optind], &rq, stdout, &d) != 0) {
            cli_print_diag(&voice, &d);
            status = cli_failure_status(&d);
        }
        diag_free(&d);
    }
    free(years);
    return status;
}
