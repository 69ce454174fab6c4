/* main.c: the `fundsim` command line: global options and subcommand dispatch.
 * The subcommands live in cmd_*.c. */
#include "fundsim_config.h"

#include "sim/cli/cli.h"

#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "Usage: fundsim [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    "Stochastic projection of residents' basic medical insurance funds.\n"
    "\n"
    "Commands:\n"
    "  run SCENARIO        run the Monte Carlo projection, write HDF5, print the summary\n"
    "  check SCENARIO...   check scenario and variant files; report every problem, warn of\n"
    "                      implausible figures (a population typed in 万, a balance in 亿)\n"
    "  show SCENARIO       print the fully resolved scenario as libconfig\n"
    "  summary OUT.h5      print the summary tables of a run (--lang zh: in Chinese)\n"
    "  compare BASE VARIANT...\n"
    "                      run policy variants on common random numbers, write the differences\n"
    "  merge -o OUT SLICE...\n"
    "                      combine the files of slices of a run (--paths-from/--paths-to)\n"
    "  solve SCENARIO      the yearly rise of contributions or subsidy that meets a target\n"
    "  calibrate SCENARIO  fit the levels to the regions' actual accounts, write a variant\n"
    "  backtest SCENARIO --from YEAR\n"
    "                      calibrate up to YEAR, compare the later actuals with the projection\n"
    "  sensitivity SCENARIO\n"
    "                      each assumption at a low and a high value on common random\n"
    "                      numbers: the tornado; --variance: variance shares by driver group\n"
    "  settings            list every scenario setting: type, unit, range, default, source\n"
    "\n"
    "`fundsim COMMAND --help` describes a command.\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure, 2 bad usage or bad scenario.\n";

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"run", cmd_run},
    {"check", cmd_check},
    {"show", cmd_show},
    {"summary", cmd_summary},
    {"compare", cmd_compare},
    {"settings", cmd_settings},
    {"solve", cmd_solve},
    {"merge", cmd_merge},
    {"calibrate", cmd_calibrate},
    {"backtest", cmd_backtest},
    {"sensitivity", cmd_sensitivity},
};

int main(int argc, char **argv)
{
    /* HDF5 1.10 crashes at exit closing a file whose close failed (a full
     * disk): the commands close every file themselves, so HDF5 is told not to
     * clean up at exit. It must hear this before any other HDF5 call. */
    H5dont_atexit();
    /* GSL's default error handler aborts the process: off, its failures come
     * back as statuses, which the library checks and reports (sim/config/diag.h). */
    gsl_set_error_handler_off();
    /* libgomp reads OMP_NUM_THREADS as it loads, and a default team far beyond
     * what the machine can start (OMP_NUM_THREADS=100000) makes it crash at the
     * first parallel region, even one that asks for num_threads(2). So the
     * default is capped before anything runs in parallel; run, compare and
     * solve refuse a larger OMP_NUM_THREADS with a message
     * (cli_default_threads). */
    if (omp_get_max_threads() > CLI_MAX_THREADS) omp_set_num_threads(CLI_MAX_THREADS);
    /* A file size limit (ulimit -f) would kill the process at the write that
     * passes it, leaving its temporary files; ignored, the write fails with
     * EFBIG, and the command says so and cleans up, as for a full disk. */
    signal(SIGXFSZ, SIG_IGN);
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {0}};
    int opt;
    /* '+': stop at the first non-option, which is the subcommand */
    while ((opt = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        case 'V':
            printf("fundsim %s\n", FUNDSIM_VERSION);
            return EXIT_OK;
        default:
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    for (size_t k = 0; k < sizeof commands / sizeof *commands; k++)
        if (strcmp(argv[optind], commands[k].name) == 0) {
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;
            optind = 0; /* glibc: reinitialise getopt for the subcommand */
            return commands[k].run(sub_argc, sub_argv);
        }
    fprintf(stderr, "fundsim: unknown command \"%s\"\n\n%s", argv[optind], usage);
    return EXIT_USAGE;
}
