/* cli.h: the subcommands of `fundsim`, one function each.
 *
 * Each takes the arguments after its name (argv[0] is the subcommand) and
 * returns the process exit status: EXIT_OK, EXIT_FAILURE_RUN or EXIT_USAGE. */
#ifndef FUNDSIM_CLI_H
#define FUNDSIM_CLI_H

#include "sim/config/diag.h"
#include "sim/config/say.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The exit statuses; a diag's entries give theirs (diag_status). */
enum exit_status {
    EXIT_OK = DIAG_OK,              /* success */
    EXIT_FAILURE_RUN = DIAG_FAILED, /* the run failed: I/O, resources, numerics */
    EXIT_USAGE = DIAG_BAD,          /* bad command line or bad scenario */
};

int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_settings(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_solve(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);

/* The fit table of `fundsim calibrate` (and of the backtest's calibration):
 * per region, year and line the actual, the model before and after, and the
 * fitted levels. */
struct scenario;
struct calibrate_result;
void cli_print_fit(FILE *out, const struct scenario *s, const struct calibrate_result *r);

/* The terminal's side of the library's one voice (sim/config/say.h): each
 * message on stderr after "fundsim COMMAND: ", the notes dropped when `quiet`,
 * the progress drawn as a bar when `progress` (stderr is a terminal). */
struct cli_voice {
    const char *command; /* "run", "compare", ... */
    bool quiet;          /* notes dropped; warnings and errors stay */
    bool progress;       /* progress drawn as a bar */
    bool bar_open;       /* a bar's line is on the terminal without its end */
    int lang;            /* the bar's (enum lang of output/terms.h); 0: English */
};
/* The struct say of the library's options that speaks through `v`. */
struct say cli_say(struct cli_voice *v);
/* Prints the entries of `d`, in order: a scenario's problems as diag_print
 * does ("error: path: text (where)", DIAG_PRINT_MAX at most), the others as
 * errors of the command ("fundsim COMMAND: text"). */
void cli_print_diag(struct cli_voice *v, const struct diag *d);
/* The exit status after a failure reported in `d`: a scenario's or the
 * request's problem is EXIT_USAGE; anything else, or no entry (another MPI
 * rank failed), EXIT_FAILURE_RUN. */
int cli_failure_status(const struct diag *d);

/* After scenario_load failed: prints the problems in `d` (when `speak`), or
 * that memory ran out. Returns the exit status: EXIT_USAGE for a bad
 * scenario, EXIT_FAILURE_RUN when out of memory. */
int cli_load_failed(const char *command, const struct diag *d, bool speak);

/* What reading a subcommand's options came to (after saying why, if refused). */
enum cli_parsed {
    CLI_PARSED,  /* go on */
    CLI_HELPED,  /* --help was printed: the command ends with EXIT_OK */
    CLI_REFUSED, /* bad usage: the command ends with EXIT_USAGE */
};

/* The most threads fundsim runs: --threads (cli_parse_int, in each command),
 * OMP_NUM_THREADS (main caps libgomp's own reading, which crashes on 100,000;
 * cli_default_threads refuses more) and the default (all of the machine's
 * cores) alike. The command line is the lowest layer that needs it: below, a
 * run takes any number of threads it is given. */
enum { CLI_MAX_THREADS = 4096 };

/* Collects `--set KEY=VALUE`; returns 0, or -1 after printing why. */
struct setting_override;
int cli_add_set(struct setting_override **sets, size_t *n, const char *arg);
/* Adds the whole number `value` for the setting `key`, typed (never through
 * text), from the option `option` as the user wrote it (`arg`), which
 * messages name. Returns 0, or -1 after printing why. */
int cli_add_number(struct setting_override **sets, size_t *n, const char *key, long long value,
                   const char *option, const char *arg);
void cli_free_sets(struct setting_override *sets, size_t n);
/* A whole number from lo to hi for `option` of `command`: decimal digits with
 * an optional '-' and an optional suffix L (libconfig's mark of a 64-bit
 * integer); nothing else, no spaces. Returns 0, or -1 after naming the option
 * and what it expects. */
int cli_parse_whole(const char *command, const char *option, const char *arg, long long lo,
                    long long hi, long long *out);
int cli_parse_int(const char *command, const char *option, const char *arg, long lo, long hi,
                  int *out);
/* --paths N or --seed S of `command` (`option` is "--paths" or "--seed"):
 * checked against the setting's range in the schema, then added as
 * simulation.paths or simulation.seed. Returns 0, or -1 after saying why. */
int cli_add_simulation(struct setting_override **sets, size_t *n, const char *command,
                       const char *option, const char *arg);
/* The threads when --threads is not given: OMP_NUM_THREADS, or all of this
 * machine's cores shared among its `local_ranks` MPI ranks, at most
 * CLI_MAX_THREADS. Returns 0, or -1 after saying why (OMP_NUM_THREADS asks
 * for more). */
/* The language of the text (enum lang of output/terms.h): `arg`, --lang's
 * argument ("zh" or "en"; NULL when not given), else the locale: LC_ALL,
 * else LC_MESSAGES, else LANG, the first set and not empty, starting with
 * "zh" means Chinese. Returns the language, or -1 after printing why
 * (an argument other than zh or en). */
int cli_lang(const char *command, const char *arg);

/* Prints the scenario's plausibility warnings (sim/config/plausible.h), one
 * line each, in `lang` (enum lang of output/terms.h): the setting, its value
 * and where it was written, the figure against its plausible range, and the
 * likely cause. */
void cli_print_warnings(FILE *out, const struct scenario *s, int lang);

int cli_default_threads(const char *command, int local_ranks, int *threads);
/* Starts the `threads` threads of OpenMP's team, which later parallel regions
 * of that size reuse. libgomp ends the process (status 1, with its message)
 * when it cannot start a thread: this makes it happen before anything is
 * written. */
void cli_start_threads(int threads);

#endif
