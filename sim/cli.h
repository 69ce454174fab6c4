/* cli.h: the subcommands of `fundsim`, one function each.
 *
 * Each takes the arguments after its name (argv[0] is the subcommand) and
 * returns the process exit status: EXIT_OK, EXIT_FAILURE_RUN or EXIT_USAGE. */
#ifndef FUNDSIM_CLI_H
#define FUNDSIM_CLI_H

#include <stddef.h>

enum exit_status {
    EXIT_OK = 0,          /* success */
    EXIT_FAILURE_RUN = 1, /* the run failed: I/O, resources, numerics */
    EXIT_USAGE = 2,       /* bad command line or bad scenario */
};

int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_settings(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_solve(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* Collects `--set KEY=VALUE`; returns 0, or -1 after printing why. */
struct setting_override;
int cli_add_set(struct setting_override **sets, size_t *n, const char *arg);
void cli_free_sets(struct setting_override *sets, size_t n);
/* Adds KEY=VALUE built from an option (--paths, --seed); the text lives in
 * `buf`. Returns 0, or -1 after printing why. */
int cli_add_setting(struct setting_override **sets, size_t *n, const char *key, const char *value,
                    char *buf, size_t n_buf);
/* A whole number from lo to hi for `option` of `command`; returns 0, or -1
 * after naming the option and what it expects. */
int cli_parse_int(const char *command, const char *option, const char *arg, long lo, long hi,
                  int *out);

#endif
