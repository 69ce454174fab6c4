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
    "Usage: fundsim summary [--years YEAR,YEAR,...] [--csv] [--table NAME] OUT.h5\n"
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
    "  --years LIST  the years to print, e.g. 2025,2030,2040 (default: the first\n"
    "                year of the projection, every fifth year after it and the\n"
    "                last)\n"
    "  --table NAME  only this table: actuarial, warning, budget or diff (default:\n"
    "                every table the file has; with --csv, warning)\n"
    "  --csv         one table as CSV with a header row, units in the names\n"
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
                  {"actuarial", REPORT_ACTUARIAL}};
    for (size_t k = 0; k < sizeof tables / sizeof *tables; k++)
        if (!strcmp(name, tables[k].name)) {
            *table = tables[k].table;
            return 0;
        }
    fprintf(stderr,
            "fundsim summary: --table expects warning, budget, diff or actuarial, got \"%s\"\n",
            name);
    return -1;
}

/* Parses "2025,2030,..." into a new array. Returns 0, or the exit status after
 * saying why: EXIT_USAGE for a bad list, EXIT_FAILURE_RUN out of memory. */
static int parse_years(const char *list, int **years, size_t *n)
{
    *n = 0;
    for (const char *c = list; *c; c++)
        *n += *c == ',';
    (*n)++;
    *years = malloc(*n * sizeof **years);
    if (!*years) {
        fputs("fundsim summary: out of memory\n", stderr);
        return EXIT_FAILURE_RUN;
    }
    const char *s = list;
    for (size_t k = 0; k < *n; k++) {
        char *end;
        errno = 0;
        long y = strtol(s, &end, 10);
        if (end == s || errno || y < 1 || y > INT_MAX || (*end != ',' && *end != '\0')) {
            fprintf(stderr,
                    "fundsim summary: --years expects years separated by commas, got "
                    "\"%s\"\n",
                    list);
            return EXIT_USAGE;
        }
        (*years)[k] = (int)y;
        s = end + 1;
    }
    return 0;
}

int cmd_summary(int argc, char **argv)
{
    static const struct option options[] = {{"years", required_argument, NULL, 'y'},
                                            {"csv", no_argument, NULL, 'c'},
                                            {"table", required_argument, NULL, 't'},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    int *years = NULL, opt, status = EXIT_OK;
    size_t n_years = 0;
    bool csv = false;
    enum report_table table = REPORT_ALL;
    while ((opt = getopt_long(argc, argv, "y:ct:h", options, NULL)) != -1 && status == EXIT_OK) {
        switch (opt) {
        case 'y':
            free(years);
            status = parse_years(optarg, &years, &n_years);
            break;
        case 'c':
            csv = true;
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
    if (status == EXIT_OK) {
        struct cli_voice voice = {.command = "summary"};
        struct diag d = {0};
        if (report_print(argv[optind], years, n_years, csv, table, stdout, &d) != 0) {
            cli_print_diag(&voice, &d);
            status = cli_failure_status(&d);
        }
        diag_free(&d);
    }
    free(years);
    return status;
}
