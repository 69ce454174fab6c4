/* cmd_scenario.c: the subcommands that read scenarios without running them:
 * check, show and settings. */
#include "output/terms.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/config/schema.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char check_usage[] =
    "Usage: fundsim check [--set KEY=VALUE]... [--lang zh|en] SCENARIO...\n"
    "\n"
    "Reads each scenario or variant file, checks every setting against the schema\n"
    "and the rules that span settings, and reports every problem with the setting's\n"
    "path, what was expected, and the file and line. Prints one line per good file.\n"
    "Warns (on stderr, without changing the exit status) of a region's population,\n"
    "first-year income per enrollee or opening balance outside what is plausible for\n"
    "China, such as a figure typed in 万 or 亿.\n"
    "\n"
    "  --set KEY=VALUE  change a setting, as a variant would: the value in libconfig\n"
    "                   syntax, e.g. --set 'policy.outpatient.annual_cap_yuan=((2024, 600.0))'\n"
    "                   or --set simulation.paths=100; regions[3].name names a list element,\n"
    "                   and so do regions.Zhengzhou.name, regions.郑州市.name and\n"
    "                   regions.410100.name (an element's name, name_zh or code)\n"
    "  --lang zh|en     the language of the summary lines and the warnings (default:\n"
    "                   Chinese when LC_ALL, LC_MESSAGES or LANG starts with zh); the\n"
    "                   problems are in English\n"
    "  --help           this text\n"
    "\n"
    "Exit status: 0 all good, 2 a problem in some file (or bad usage).\n";

static const char show_usage[] =
    "Usage: fundsim show [--set KEY=VALUE]... SCENARIO\n"
    "\n"
    "Prints the fully resolved scenario (variant merged onto its base, overrides\n"
    "applied, defaults filled in, data file names made absolute) as libconfig that\n"
    "loads back to the same scenario.\n"
    "\n"
    "Exit status: 0 success, 2 a problem in the scenario (or bad usage).\n";

/* Parses [--set KEY=VALUE]... [--lang zh|en] [--help] into `sets` and
 * `*lang` (NULL: --lang is not an option of the command). */
static enum cli_parsed parse_scenario_options(int argc, char **argv, const char *usage,
                                              struct setting_override **sets, size_t *n_sets,
                                              int *lang)
{
    static const struct option options[] = {{"set", required_argument, NULL, 's'},
                                            {"help", no_argument, NULL, 'h'},
                                            {"lang", required_argument, NULL, 'l'},
                                            {0}};
    const char *lang_arg = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "s:h", options, NULL)) != -1) {
        switch (opt) {
        case 's':
            if (cli_add_set(sets, n_sets, optarg)) return CLI_REFUSED;
            break;
        case 'l':
            if (!lang) {
                fputs(usage, stderr);
                return CLI_REFUSED;
            }
            lang_arg = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return CLI_HELPED;
        default:
            fputs(usage, stderr);
            return CLI_REFUSED;
        }
    }
    if (lang && (*lang = cli_lang("check", lang_arg)) < 0) return CLI_REFUSED;
    return CLI_PARSED;
}

int cmd_check(int argc, char **argv)
{
    struct setting_override *sets = NULL;
    size_t n_sets = 0;
    int lang;
    enum cli_parsed parsed = parse_scenario_options(argc, argv, check_usage, &sets, &n_sets, &lang);
    if (parsed != CLI_PARSED || optind >= argc) {
        if (parsed == CLI_PARSED) fputs(check_usage, stderr);
        cli_free_sets(sets, n_sets);
        return parsed == CLI_HELPED ? EXIT_OK : EXIT_USAGE;
    }
    int status = EXIT_OK;
    for (int k = optind; k < argc && status != EXIT_FAILURE_RUN; k++) {
        struct diag d = {0};
        struct scenario s;
        int loaded = scenario_load(argv[k], sets, n_sets, &s, &d);
        if (loaded != 0 && d.no_memory) {
            status = cli_load_failed("check", &d, true);
        } else if (loaded == 0) {
            printf(term(TERM_msg_check_ok, (enum lang)lang), argv[k], s.name, s.n_regions,
                   s.n_regions == 1 ? "" : "s", s.simulation.start_year,
                   s.simulation.start_year + s.simulation.years - 1, s.simulation.paths);
            putchar('\n');
            fflush(stdout);
            cli_print_warnings(stderr, &s, lang);
            scenario_free(&s);
        } else {
            fflush(stdout);
            diag_print(stderr, &d);
            fprintf(stderr, term(TERM_msg_check_problems, (enum lang)lang), argv[k], d.n,
                    d.n == 1 ? "" : "s");
            fputc('\n', stderr);
            status = EXIT_USAGE;
        }
        diag_free(&d);
    }
    cli_free_sets(sets, n_sets);
    return status;
}

int cmd_show(int argc, char **argv)
{
    struct setting_override *sets = NULL;
    size_t n_sets = 0;
    enum cli_parsed parsed = parse_scenario_options(argc, argv, show_usage, &sets, &n_sets, NULL);
    if (parsed != CLI_PARSED || optind + 1 != argc) {
        if (parsed == CLI_PARSED) fputs(show_usage, stderr);
        cli_free_sets(sets, n_sets);
        return parsed == CLI_HELPED ? EXIT_OK : EXIT_USAGE;
    }
    struct diag d = {0};
    struct scenario s;
    int status = EXIT_OK;
    int loaded = scenario_load(argv[optind], sets, n_sets, &s, &d);
    if (loaded == 0) {
        fputs(s.resolved_text, stdout);
        scenario_free(&s);
        if (fflush(stdout) != 0) status = EXIT_FAILURE_RUN;
    } else {
        status = cli_load_failed("show", &d, true);
    }
    diag_free(&d);
    cli_free_sets(sets, n_sets);
    return status;
}

int cmd_settings(int argc, char **argv)
{
    static const struct option options[] = {
        {"markdown", no_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'}, {0}};
    int opt, markdown = 0;
    while ((opt = getopt_long(argc, argv, "mh", options, NULL)) != -1) {
        switch (opt) {
        case 'm':
            markdown = 1;
            break;
        case 'h':
            puts("Usage: fundsim settings [--markdown]\n\nLists every scenario setting with its "
                 "type, unit, allowed range, default and source.\n--markdown writes the table "
                 "of scenarios/README.md.");
            return EXIT_OK;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind != argc) return EXIT_USAGE;
    schema_document(stdout, markdown);
    return EXIT_OK;
}
