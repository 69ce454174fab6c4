/* cmd_run.c: `fundsim run`: loads the scenario, runs the projection (run.c),
 * then prints the summary tables of the file it wrote (output/report.c). */
#include "cli.h"
#include "diag.h"
#include "report.h"
#include "run.h"
#include "scenario.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char run_usage[] =
    "Usage: fundsim run [OPTIONS] SCENARIO\n"
    "\n"
    "Runs the Monte Carlo projection of SCENARIO, writes every path and the summaries\n"
    "to an HDF5 file, and prints the summary tables (as `fundsim summary` does).\n"
    "\n"
    "  -o, --output FILE   the HDF5 file (default: the scenario's name + .h5, here);\n"
    "                      written under a temporary name and renamed when complete\n"
    "  --paths N           number of paths (default: simulation.paths)\n"
    "  --seed S            random seed (default: simulation.seed)\n"
    "  --threads T         threads (default: all cores, or OMP_NUM_THREADS)\n"
    "  --set KEY=VALUE     change a setting, as in `fundsim check`\n"
    "  --summary-only      write the summaries but not the per-path datasets\n"
    "  --quiet             no messages and no summary tables\n"
    "  --help              this text\n"
    "\n"
    "The output does not depend on the number of threads; path k is the same in a\n"
    "run of any number of paths with the same seed.\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure (no file left behind), 2 bad usage or\n"
    "bad scenario.\n";

/* Adds `--set KEY=VALUE` built from an option; the text lives in `buf`. */
static int add_setting(struct setting_override **sets, size_t *n, const char *key,
                       const char *value, char *buf, size_t n_buf)
{
    snprintf(buf, n_buf, "%s=%s", key, value);
    return cli_add_set(sets, n, buf);
}

static int parse_threads(const char *arg, int *threads)
{
    char *end;
    errno = 0;
    long t = strtol(arg, &end, 10);
    if (errno || *end || t < 1 || t > 4096) {
        fprintf(stderr,
                "fundsim run: --threads expects a whole number from 1 to 4096, got "
                "\"%s\"\n",
                arg);
        return -1;
    }
    *threads = (int)t;
    return 0;
}

/* The default output: the scenario's name with .h5, in the current folder. */
static char *default_output(const struct scenario *s)
{
    size_t n = strlen(s->name) + 4;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s.h5", s->name);
    return p;
}

int cmd_run(int argc, char **argv)
{
    enum { OPT_PATHS = 256, OPT_SEED, OPT_THREADS, OPT_SUMMARY_ONLY, OPT_QUIET };
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"paths", required_argument, NULL, OPT_PATHS},
                                            {"seed", required_argument, NULL, OPT_SEED},
                                            {"threads", required_argument, NULL, OPT_THREADS},
                                            {"set", required_argument, NULL, 's'},
                                            {"summary-only", no_argument, NULL, OPT_SUMMARY_ONLY},
                                            {"quiet", no_argument, NULL, OPT_QUIET},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    struct setting_override *sets = NULL;
    size_t n_sets = 0;
    char paths_buf[64], seed_buf[64];
    struct run_options o = {.threads = omp_get_max_threads(), .progress = isatty(2)};
    int opt, status = EXIT_USAGE;
    while ((opt = getopt_long(argc, argv, "o:s:h", options, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case 'o':
            o.out_path = optarg;
            break;
        case OPT_PATHS:
            bad = add_setting(&sets, &n_sets, "simulation.paths", optarg, paths_buf,
                              sizeof paths_buf);
            break;
        case OPT_SEED:
            bad = add_setting(&sets, &n_sets, "simulation.seed", optarg, seed_buf, sizeof seed_buf);
            break;
        case OPT_THREADS:
            bad = parse_threads(optarg, &o.threads);
            break;
        case 's':
            bad = cli_add_set(&sets, &n_sets, optarg);
            break;
        case OPT_SUMMARY_ONLY:
            o.summary_only = true;
            break;
        case OPT_QUIET:
            o.quiet = true;
            break;
        case 'h':
            fputs(run_usage, stdout);
            cli_free_sets(sets, n_sets);
            return EXIT_OK;
        default:
            bad = 1;
        }
        if (bad) {
            if (bad == 1) fputs(run_usage, stderr);
            cli_free_sets(sets, n_sets);
            return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fputs(run_usage, stderr);
        cli_free_sets(sets, n_sets);
        return EXIT_USAGE;
    }
    if (o.quiet) o.progress = false;

    struct diag d = {0};
    struct scenario s;
    if (scenario_load(argv[optind], sets, n_sets, &s, &d) != 0) {
        diag_print(stderr, &d);
        diag_free(&d);
        cli_free_sets(sets, n_sets);
        return EXIT_USAGE;
    }
    char *own_output = o.out_path ? NULL : default_output(&s);
    if (!o.out_path) o.out_path = own_output;
    char err[1024] = "";
    if (!o.out_path) {
        fprintf(stderr, "fundsim run: out of memory\n");
        status = EXIT_FAILURE_RUN;
    } else {
        int r = run_scenario(&s, &o, &d, err, sizeof err);
        if (r == 2) {
            diag_print(stderr, &d);
            status = EXIT_USAGE;
        } else if (r != 0) {
            fprintf(stderr, "fundsim run: %s\n", err);
            status = EXIT_FAILURE_RUN;
        } else if (!o.quiet && report_print(o.out_path, NULL, 0, false, REPORT_ALL, stdout, err,
                                            sizeof err) != 0) {
            fprintf(stderr, "fundsim run: %s\n", err);
            status = EXIT_FAILURE_RUN;
        } else {
            status = EXIT_OK;
        }
    }
    free(own_output);
    scenario_free(&s);
    diag_free(&d);
    cli_free_sets(sets, n_sets);
    return status;
}
