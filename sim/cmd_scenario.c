/* cmd_scenario.c: the subcommands that read scenarios without running them:
 * check, show and settings. */
#include "cli.h"
#include "diag.h"
#include "scenario.h"
#include "schema.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdbool.h>
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
    char *key = strndup(arg, (size_t)(eq - arg));
    struct setting_override *more = key ? realloc(*sets, (*n + 1) * sizeof *more) : NULL;
    if (!more) {
        free(key);
        fputs("fundsim: out of memory\n", stderr);
        return -1;
    }
    more[*n] = (struct setting_override){.key = key, .value = eq + 1};
    *sets = more;
    (*n)++;
    return 0;
}

int cli_add_number(struct setting_override **sets, size_t *n, const char *key, long long value,
                   const char *option, const char *arg)
{
    size_t size = strlen(option) + strlen(arg) + 2;
    char *k = strdup(key), *origin = malloc(size);
    struct setting_override *more = k && origin ? realloc(*sets, (*n + 1) * sizeof *more) : NULL;
    if (!more) {
        free(k);
        free(origin);
        fputs("fundsim: out of memory\n", stderr);
        return -1;
    }
    snprintf(origin, size, "%s %s", option, arg);
    more[*n] = (struct setting_override){.key = k, .i = value, .origin = origin};
    *sets = more;
    (*n)++;
    return 0;
}

/* Whether `arg` is a whole number as cli_parse_whole takes it; `*out` its
 * value. strtoll alone would take spaces, a '+' and a number cut short. */
static bool whole_number(const char *arg, long long *out)
{
    const char *digits = arg + (arg[0] == '-');
    size_t n = strspn(digits, "0123456789");
    if (n == 0 || (digits[n] && strcmp(digits + n, "L") != 0)) return false;
    char *end;
    errno = 0;
    *out = strtoll(arg, &end, 10);
    return errno == 0 && end == digits + n;
}

int cli_parse_whole(const char *command, const char *option, const char *arg, long long lo,
                    long long hi, long long *out)
{
    long long v;
    if (whole_number(arg, &v) && v >= lo && v <= hi) {
        *out = v;
        return 0;
    }
    fprintf(stderr, "fundsim %s: %s expects a whole number from %lld to %lld, got \"%s\"\n",
            command, option, lo, hi, arg);
    return -1;
}

int cli_parse_int(const char *command, const char *option, const char *arg, long lo, long hi,
                  int *out)
{
    long long v;
    if (cli_parse_whole(command, option, arg, lo, hi, &v) != 0) return -1;
    *out = (int)v;
    return 0;
}

int cli_add_simulation(struct setting_override **sets, size_t *n, const char *command,
                       const char *option, const char *arg)
{
    const char *name = strcmp(option, "--seed") == 0 ? "seed" : "paths";
    const struct spec *s = spec_member(spec_member(&scenario_spec, "simulation"), name);
    char key[32];
    snprintf(key, sizeof key, "simulation.%s", name);
    long long v;
    if (cli_parse_whole(command, option, arg, (long long)s->min, (long long)s->max, &v) != 0)
        return -1;
    return cli_add_number(sets, n, key, v, option, arg);
}

int cli_default_threads(const char *command, int local_ranks, int *threads)
{
    /* main() capped libgomp's own reading (a larger one crashes it), so the
     * variable is read here to refuse what it asks for, not cap it silently:
     * its first number, as libgomp reads a list "8,2" */
    const char *env = getenv("OMP_NUM_THREADS");
    if (env) {
        const char *p = env + strspn(env, " \t");
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (end != p && *p != '-' && (errno == ERANGE || v > CLI_MAX_THREADS)) {
            fprintf(stderr,
                    "fundsim %s: OMP_NUM_THREADS=%s asks for more than %d threads, the most "
                    "fundsim runs: set it lower, or give --threads\n",
                    command, env, CLI_MAX_THREADS);
            return -1;
        }
    }
    int t = omp_get_max_threads();
    /* without OMP_NUM_THREADS, the ranks on one machine share its cores */
    if (!env && local_ranks > 1) t = omp_get_num_procs() / local_ranks;
    *threads = t < 1 ? 1 : t > CLI_MAX_THREADS ? CLI_MAX_THREADS : t;
    return 0;
}

int cli_load_failed(const char *command, int rc, const struct diag *d, bool speak)
{
    if (rc == SCENARIO_NO_MEMORY) {
        if (speak) fprintf(stderr, "fundsim %s: out of memory reading the scenario\n", command);
        return EXIT_FAILURE_RUN;
    }
    if (speak) diag_print(stderr, d);
    return EXIT_USAGE;
}

void cli_start_threads(int threads)
{
    int started = 0; /* a region with nothing in it is left out by the compiler */
#pragma omp parallel num_threads(threads)
    {
#pragma omp atomic
        started++;
    }
    (void)started;
}

void cli_free_sets(struct setting_override *sets, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free((char *)sets[k].key);
        free((char *)sets[k].origin);
    }
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
    for (int k = optind; k < argc && status != EXIT_FAILURE_RUN; k++) {
        struct diag d = {0};
        struct scenario s;
        int loaded = scenario_load(argv[k], sets, n_sets, &s, &d);
        if (loaded == SCENARIO_NO_MEMORY) {
            status = cli_load_failed("check", loaded, &d, true);
        } else if (loaded == 0) {
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
    int loaded = scenario_load(argv[optind], sets, n_sets, &s, &d);
    if (loaded == 0) {
        fputs(s.resolved_text, stdout);
        scenario_free(&s);
        if (fflush(stdout) != 0) status = EXIT_FAILURE_RUN;
    } else {
        status = cli_load_failed("show", loaded, &d, true);
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
