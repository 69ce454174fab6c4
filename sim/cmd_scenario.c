/* cmd_scenario.c: the subcommands that read scenarios without running them:
 * check, show and settings. */
#include "cli.h"
#include "diag.h"
#include "scenario.h"
#include "schema.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_add_set(struct setting_override **sets, size_t *n, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        fprintf(stderr, "fundsim: --set expects KEY=VALUE, got \"%s\"\n", arg);
        return -1;
    }
    struct setting_override *more = realloc(*sets, (*n + 1) * sizeof *more);
    char *key = strndup(arg, (size_t)(eq - arg));
    if (!more || !key) abort();
    more[*n] = (struct setting_override){key, eq + 1};
    *sets = more;
    (*n)++;
    return 0;
}

int cli_add_setting(struct setting_override **sets, size_t *n, const char *key, const char *value,
                    char *buf, size_t n_buf)
{
    snprintf(buf, n_buf, "%s=%s", key, value);
    return cli_add_set(sets, n, buf);
}

int cli_parse_int(const char *command, const char *option, const char *arg, long lo, long hi,
                  int *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < lo || v > hi) {
        fprintf(stderr, "fundsim %s: %s expects a whole number from %ld to %ld, got \"%s\"\n",
                command, option, lo, hi, arg);
        return -1;
    }
    *out = (int)v;
    return 0;
}

void cli_free_sets(struct setting_override *sets, size_t n)
{
    for (size_t k = 0; k < n; k++)
        free((char *)sets[k].key);
    free(sets);
}

static const char check_usage[] =
    "Usage: fundsim check [--set KEY=VALUE]... SCENARIO...\n"
    "\n"
    "Reads each scenario or variant file, checks every setting against the schema\n"
    "and the rules that span settings, and reports every problem with the setting's\n"
    "path, what was expected, and the file and line. Prints one line per good file.\n"
    "\n"
    "  --set KEY=VALUE  change a setting, as a variant would: the value in libconfig\n"
    "                   syntax, e.g. --set 'policy.outpatient.annual_cap_yuan=((2024, 600.0))'\n"
    "                   or --set simulation.paths=100; regions[3].name names a list element\n"
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

/* Parses [--set KEY=VALUE]... [--help] into `sets`; returns -1 on bad usage, 1 after --help. */
static int parse_scenario_options(int argc, char **argv, const char *usage,
                                  struct setting_override **sets, size_t *n_sets)
{
    static const struct option options[] = {
        {"set", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'}, {0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "s:h", options, NULL)) != -1) {
        switch (opt) {
        case 's':
            if (cli_add_set(sets, n_sets, optarg)) return -1;
            break;
        case 'h':
            fputs(usage, stdout);
            return 1;
        default:
            fputs(usage, stderr);
            return -1;
        }
    }
    return 0;
}

int cmd_check(int argc, char **argv)
{
    struct setting_override *sets = NULL;
    size_t n_sets = 0;
    int parsed = parse_scenario_options(argc, argv, check_usage, &sets, &n_sets);
    if (parsed || optind >= argc) {
        if (!parsed) fputs(check_usage, stderr);
        cli_free_sets(sets, n_sets);
        return parsed > 0 ? EXIT_OK : EXIT_USAGE;
    }
    int status = EXIT_OK;
    for (int k = optind; k < argc; k++) {
        struct diag d = {0};
        struct scenario s;
        if (scenario_load(argv[k], sets, n_sets, &s, &d) == 0) {
            printf("ok: %s: scenario \"%s\", %zu region%s, %d-%d, %lld paths\n", argv[k], s.name,
                   s.n_regions, s.n_regions == 1 ? "" : "s", s.simulation.start_year,
                   s.simulation.start_year + s.simulation.years - 1, s.simulation.paths);
            scenario_free(&s);
        } else {
            fflush(stdout);
            diag_print(stderr, &d);
            fprintf(stderr, "%s: %zu problem%s\n", argv[k], d.n, d.n == 1 ? "" : "s");
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
    int parsed = parse_scenario_options(argc, argv, show_usage, &sets, &n_sets);
    if (parsed || optind + 1 != argc) {
        if (!parsed) fputs(show_usage, stderr);
        cli_free_sets(sets, n_sets);
        return parsed > 0 ? EXIT_OK : EXIT_USAGE;
    }
    struct diag d = {0};
    struct scenario s;
    int status = EXIT_OK;
    if (scenario_load(argv[optind], sets, n_sets, &s, &d) == 0) {
        fputs(s.resolved_text, stdout);
        scenario_free(&s);
        if (fflush(stdout) != 0) status = EXIT_FAILURE_RUN;
    } else {
        diag_print(stderr, &d);
        status = EXIT_USAGE;
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
    spec_document(stdout, markdown);
    return EXIT_OK;
}
