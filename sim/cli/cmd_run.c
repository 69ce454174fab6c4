/* cmd_run.c: `fundsim run` and `fundsim compare`: load the scenario (and the
 * variants), run the projection (run.c), then print the summary tables of the
 * file written (output/report.c). */
#include "output/outpath.h"
#include "output/report.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/config/limit.h"
#include "sim/config/scenario.h"
#include "sim/run.h"
#include "sim/sensitivity.h"
#include "sim/team.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <signal.h>
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
    "                      written under a temporary name and renamed when complete;\n"
    "                      FILE must be a new name or a regular file (not a link)\n"
    "  --paths N           number of paths (default: simulation.paths)\n"
    "  --seed S            random seed (default: simulation.seed)\n"
    "  --threads T         threads (default: all cores, or OMP_NUM_THREADS)\n"
    "  --set KEY=VALUE     change a setting, as in `fundsim check`\n"
    "  --summary-only      write the summaries but not the per-path datasets\n"
    "  --resume FILE       finish the run of FILE that was stopped or killed: compute\n"
    "                      only the blocks of paths missing from FILE.ckpt (same\n"
    "                      scenario, settings and fundsim version; any threads or ranks)\n"
    "  --paths-from A, --paths-to B\n"
    "                      run paths A to B - 1 only (numbered from 0), a slice of the\n"
    "                      run for a job array; `fundsim merge` joins the slices' files\n"
    "                      (default FILE: the scenario's name + -A-B.h5)\n"
    "  --deterministic     also the best-estimate path: every random driver at its\n"
    "                      expected value (models/hold.h), written beside the\n"
    "                      summaries as /best_estimate (the paths are as without it)\n"
    "  --quiet             no messages and no summary tables\n"
    "  --timing            at the end, a line of where the time went (tests/bench.sh)\n"
    "  --lang zh|en        the language of the messages, the warnings and the summary\n"
    "                      tables (default: Chinese when LC_ALL, LC_MESSAGES or LANG\n"
    "                      starts with zh; errors stay in English)\n"
    "  --help              this text\n"
    "\n"
    "The output does not depend on the number of threads or MPI ranks (the MPI build:\n"
    "`mpirun fundsim run ...`; README.md, \"Batch runs on a cluster\"); path k is the\n"
    "same in a run of any number of paths with the same seed.\n"
    "\n"
    "The paths are computed in blocks of 64 into the checkpoint FILE.ckpt (a folder),\n"
    "then FILE is made from it and the checkpoint removed. Ctrl-C (SIGINT) or SIGTERM\n"
    "stops the run after the blocks under way (while FILE is made: before the next\n"
    "block); they are kept in FILE.ckpt, FILE is not touched, and --resume FILE\n"
    "finishes the run. A second Ctrl-C stops at once.\n"
    "A new run refuses to start while FILE.ckpt holds finished blocks.\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure (no file left behind), 2 bad usage or\n"
    "bad scenario, 130 stopped by SIGINT, 143 by SIGTERM.\n";

static const char compare_usage[] =
    "Usage: fundsim compare [OPTIONS] BASE VARIANT...\n"
    "\n"
    "Runs the scenario BASE and each VARIANT on the same random streams (common\n"
    "random numbers: path k of every scenario sees the same draws), writes the base's\n"
    "run and, per variant, every path's difference variant - base and its summaries\n"
    "under /diff/<variant name>, and prints the comparison: mean difference with its\n"
    "95 % confidence interval, quantiles, P(variant better off), the change in\n"
    "P(depleted), each level of government's change in outlay, and the variance\n"
    "reduction over independent streams.\n"
    "\n"
    "Variants keep the base's years, regions and quantiles; they run with the base's\n"
    "paths and seed. --set applies to every file.\n"
    "\n"
    "  -o, --output FILE   the HDF5 file (default: BASE's name + -compare.h5, here)\n"
    "  --paths N, --seed S, --threads T, --set KEY=VALUE, --summary-only, --resume FILE,\n"
    "  --quiet, --lang     as for `fundsim run`\n"
    "  --independent       also run each variant on other streams (seed XOR 2^62) to\n"
    "                      measure the variance of the difference without common\n"
    "                      random numbers (costs one more run per variant)\n"
    "  --help              this text\n"
    "\n"
    "Ctrl-C (SIGINT) or SIGTERM stops it as it stops `fundsim run`, and --resume FILE\n"
    "finishes it.\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure (no file left behind), 2 bad usage or\n"
    "bad scenario, 130 stopped by SIGINT, 143 by SIGTERM.\n";

/* The signal that asked the run to stop, 0 for none. A signal handler can
 * reach nothing but an object of static storage: this is the one such object,
 * read by the run through run_options.stop. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* SIGINT and SIGTERM ask the run to stop between batches of blocks; the handler is used
 * once (SA_RESETHAND), so a second signal stops the process at once.
 * `handler` SIG_DFL puts the default back. */
static void set_stop_signals(void (*handler)(int))
{
    struct sigaction sa = {.sa_handler = handler, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The default output: the scenario's name with `suffix`, in the current folder
 * (a name holds no '/' and does not start with '.': sim/config/scenario.c). */
static char *default_output(const struct scenario *s, const char *suffix)
{
    size_t n = strlen(s->name) + strlen(suffix) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s", s->name, suffix);
    return p;
}

/* What the command line says. */
struct args {
    const char *command; /* "run" or "compare" */
    struct run_options o;
    struct cli_voice voice; /* o.say's: --quiet, and the progress bar on a terminal */
    struct setting_override *sets;
    size_t n_sets;
    bool independent;
    bool timing;   /* --timing */
    bool sliced;   /* --paths-from or --paths-to */
    bool paths_to; /* --paths-to given (o.paths_to 0 means "not given" to the run) */
    bool deterministic; /* --deterministic: /best_estimate added to the file */
    int lang;           /* of the summary tables at the end (enum lang, cli_lang) */
};

/* A path number for `option`; returns 0, or -1 after saying why. */
static int parse_path(const char *command, const char *option, const char *arg, size_t *out)
{
    long long v;
    if (cli_parse_whole(command, option, arg, 0, LIMIT_PATHS, &v) != 0) return -1;
    *out = (size_t)v;
    return 0;
}

/* Reads the command line into `a`. */
static enum cli_parsed parse(int argc, char **argv, const char *usage, bool compare, struct args *a)
{
    enum {
        OPT_PATHS = 256,
        OPT_SEED,
        OPT_THREADS,
        OPT_SUMMARY_ONLY,
        OPT_QUIET,
        OPT_TIMING,
        OPT_RESUME,
        OPT_PATHS_FROM,
        OPT_PATHS_TO,
        OPT_INDEPENDENT,
        OPT_DETERMINISTIC,
        OPT_LANG
    };
    static const struct option run_options[] = {
        {"output", required_argument, NULL, 'o'},
        {"paths", required_argument, NULL, OPT_PATHS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"set", required_argument, NULL, 's'},
        {"summary-only", no_argument, NULL, OPT_SUMMARY_ONLY},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"timing", no_argument, NULL, OPT_TIMING},
        {"resume", required_argument, NULL, OPT_RESUME},
        {"help", no_argument, NULL, 'h'},
        {"paths-from", required_argument, NULL, OPT_PATHS_FROM}, /* run only, as the next */
        {"paths-to", required_argument, NULL, OPT_PATHS_TO},
        {"independent", no_argument, NULL, OPT_INDEPENDENT},     /* compare only */
        {"deterministic", no_argument, NULL, OPT_DETERMINISTIC}, /* run only */
        {"lang", required_argument, NULL, OPT_LANG},
        {0}};
    enum { N_OPTIONS = sizeof run_options / sizeof *run_options };
    /* Slices are for `run`, independent streams for `compare`. */
    struct option options[N_OPTIONS];
    size_t n = 0;
    for (size_t k = 0; k < N_OPTIONS; k++)
        if (compare ? run_options[k].val != OPT_PATHS_FROM && run_options[k].val != OPT_PATHS_TO &&
                          run_options[k].val != OPT_DETERMINISTIC
                    : run_options[k].val != OPT_INDEPENDENT)
            options[n++] = run_options[k];
    const char *output = NULL, *lang = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:s:h", options, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case 'o':
            output = optarg;
            break;
        case OPT_RESUME:
            a->o.out_path = optarg;
            a->o.resume = true;
            break;
        case OPT_PATHS_FROM:
            bad = parse_path(a->command, "--paths-from", optarg, &a->o.paths_from);
            a->sliced = true;
            break;
        case OPT_PATHS_TO:
            bad = parse_path(a->command, "--paths-to", optarg, &a->o.paths_to);
            a->sliced = a->paths_to = true;
            break;
        case OPT_PATHS:
        case OPT_SEED:
            bad = cli_add_simulation(&a->sets, &a->n_sets, a->command,
                                     opt == OPT_PATHS ? "--paths" : "--seed", optarg);
            break;
        case OPT_THREADS:
            bad = cli_parse_int(a->command, "--threads", optarg, 1, CLI_MAX_THREADS, &a->o.threads);
            break;
        case 's':
            bad = cli_add_set(&a->sets, &a->n_sets, optarg);
            break;
        case OPT_SUMMARY_ONLY:
            a->o.summary_only = true;
            break;
        case OPT_QUIET:
            a->voice.quiet = true;
            break;
        case OPT_TIMING:
            a->timing = true;
            break;
        case OPT_INDEPENDENT:
            a->independent = true;
            break;
        case OPT_DETERMINISTIC:
            a->deterministic = true;
            break;
        case OPT_LANG:
            lang = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return CLI_HELPED;
        default:
            fputs(usage, stderr);
            return CLI_REFUSED;
        }
        if (bad) return CLI_REFUSED; /* said why */
    }
    if ((a->lang = cli_lang(a->command, lang)) < 0) return CLI_REFUSED;
    a->o.lang = (enum lang)a->lang;
    a->voice.lang = a->lang;
    if (compare ? argc - optind < 2 : argc - optind != 1) {
        fputs(usage, stderr);
        return CLI_REFUSED;
    }
    if (output && a->o.resume && strcmp(output, a->o.out_path) != 0) {
        fprintf(stderr, "fundsim %s: -o %s and --resume %s name two files: give one\n", a->command,
                output, a->o.out_path);
        return CLI_REFUSED;
    }
    if (output) a->o.out_path = output;
    if (a->sliced && a->o.summary_only) {
        fprintf(stderr,
                "fundsim %s: a slice keeps its paths for `fundsim merge`: leave out "
                "--summary-only (`fundsim merge --summary-only` leaves them out of the whole)\n",
                a->command);
        return CLI_REFUSED;
    }
    if (a->sliced && a->deterministic) {
        fprintf(stderr, "fundsim %s: --deterministic is for a whole run, not a slice\n",
                a->command);
        return CLI_REFUSED;
    }
    if (a->voice.quiet) a->voice.progress = false;
    return CLI_PARSED;
}

/* The slice's bounds against the scenario's paths; an explicit --paths-to 0
 * is an empty slice. Returns 0, or -1 after saying why. */
static int check_slice(const struct args *a, const struct scenario *s)
{
    size_t all = (size_t)s->simulation.paths;
    size_t to = a->paths_to ? a->o.paths_to : all;
    if (a->o.paths_from < to && to <= all) return 0;
    fprintf(stderr,
            "fundsim %s: --paths-from %zu --paths-to %zu is not a slice of the scenario's %zu "
            "paths (0 <= A < B <= %zu)\n",
            a->command, a->o.paths_from, to, all, all);
    return -1;
}

/* The benchmark's line (tests/bench.sh reads it). */
static void print_timing(const struct run_timing *t)
{
    fprintf(stderr,
            "timing: tables %.2f s; paths %.2f s wall (thread-seconds: drivers %.2f, rules %.2f, "
            "accounting %.2f); output %.2f s (checkpoint, during the paths) + %.2f s (file and "
            "summaries, and commit)\n",
            t->tables_s, t->paths_s, t->drivers_s, t->rules_s, t->accounting_s, t->output_s,
            t->finish_s);
}

/* --deterministic: the best-estimate path into the committed file. */
static int add_best_estimate(const struct scenario *s, struct args *a, struct diag *d)
{
    struct record_block b;
    if (sens_best_estimate(s, a->o.threads, &b, d) != 0) return -1;
    int status = sens_h5_best_estimate(a->o.out_path, &b, d);
    record_block_free(&b);
    if (status == 0)
        say_text(&a->o.say, SAY_NOTE, term(TERM_msg_best_estimate, a->o.lang), a->o.out_path);
    return status;
}

/* Runs, then prints the tables of the file written. Returns the exit status,
 * the same on every rank; only the first rank speaks, save for a failure of
 * another's own. */
static int run_and_report(const struct scenario *s, struct args *a, const char *suffix,
                          struct diag *d)
{
    struct run_options *o = &a->o;
    char *own_output = o->out_path ? NULL : default_output(s, suffix);
    if (!o->out_path) o->out_path = own_output;
    struct run_timing timing;
    o->timing = a->timing ? &timing : NULL;
    int status = EXIT_OK;
    bool lead = o->team->rank == 0;
    if (!o->out_path) {
        fprintf(stderr, "fundsim %s: out of memory\n", a->command);
        status = EXIT_FAILURE_RUN;
    } else if (team_max(o->team, outpath_check(o->out_path, d) != 0)) {
        if (lead) cli_print_diag(&a->voice, d);
        status = cli_failure_status(d);
    } else {
        o->stop = &stop_signal;
        set_stop_signals(on_stop_signal);
        int r = run_scenario(s, o, d);
        set_stop_signals(SIG_DFL);
        int stopped = team_max(o->team, stop_signal);
        if (r == 0 && stopped) {
            /* The signal came after the last look for it, as the file was being
             * renamed into place: it is complete, so it stays. */
            if (lead)
                say_text(&o->say, SAY_NOTE, term(TERM_msg_stop_late, o->lang),
                         stopped == SIGINT ? "SIGINT" : "SIGTERM", o->out_path);
        } else if (r != 0) {
            /* A scenario's problems are every rank's: the first says them. A
             * failure is said by the rank that met it. */
            bool bad_scenario = diag_status(d) == DIAG_BAD;
            if (lead || !bad_scenario) cli_print_diag(&a->voice, d);
            status = bad_scenario ? EXIT_USAGE : stopped ? 128 + stopped : EXIT_FAILURE_RUN;
        }
        if (status == EXIT_OK && lead && a->deterministic && add_best_estimate(s, a, d) != 0) {
            cli_print_diag(&a->voice, d);
            status = EXIT_FAILURE_RUN;
        }
        if (status == EXIT_OK && lead && a->timing) print_timing(&timing);
        struct report_request rq = {.table = REPORT_ALL, .lang = a->lang};
        if (status == EXIT_OK && lead && !a->voice.quiet &&
            report_write(o->out_path, &rq, stdout, d) != 0) {
            cli_print_diag(&a->voice, d);
            status = EXIT_FAILURE_RUN;
        }
    }
    o->timing = NULL; /* this frame's */
    free(own_output);
    return status;
}

/* A slice's default output: the scenario's name, its paths, .h5. */
static char *slice_output(const struct scenario *s, const struct run_options *o)
{
    char suffix[64];
    snprintf(suffix, sizeof suffix, "-%zu-%zu.h5", o->paths_from,
             o->paths_to ? o->paths_to : (size_t)s->simulation.paths);
    return default_output(s, suffix);
}

/* Starts the team and reads the command line into `a`; then the threads of
 * each rank (all of this machine's cores shared among its ranks, unless
 * --threads or OMP_NUM_THREADS says), and silence on all but the first rank.
 * Returns -1 to go on, or the exit status (the team ended). */
static int begin(int *argc, char ***argv, const char *usage, bool compare, struct team *t,
                 struct args *a)
{
    if (team_init(t, argc, argv) != 0) {
        fprintf(stderr, "fundsim %s: MPI cannot start\n", a->command);
        return EXIT_FAILURE_RUN;
    }
    enum cli_parsed p = parse(*argc, *argv, usage, compare, a);
    if (p != CLI_PARSED) {
        cli_free_sets(a->sets, a->n_sets);
        team_end(t);
        return p == CLI_HELPED ? EXIT_OK : EXIT_USAGE;
    }
    a->o.team = t;
    a->o.say = cli_say(&a->voice);
    if (a->o.threads == 0 && cli_default_threads(a->command, t->local_size, &a->o.threads)) {
        cli_free_sets(a->sets, a->n_sets);
        team_end(t);
        return EXIT_USAGE;
    }
    cli_start_threads(a->o.threads);
    if (t->rank != 0) a->voice.quiet = true, a->voice.progress = false;
    return -1;
}

int cmd_run(int argc, char **argv)
{
    struct team t;
    struct args a = {.command = "run", .voice = {.command = "run", .progress = isatty(2)}};
    int early = begin(&argc, &argv, run_usage, false, &t, &a);
    if (early >= 0) return early;
    struct diag d = {0};
    struct scenario s;
    int status = EXIT_USAGE;
    char *own_output = NULL;
    int loaded = scenario_load(argv[optind], a.sets, a.n_sets, &s, &d);
    if (loaded != 0) {
        status = cli_load_failed(a.command, &d, t.rank == 0);
    } else {
        if (t.rank == 0) cli_print_warnings(stderr, &s, a.lang);
        if (a.sliced && !a.o.out_path) a.o.out_path = own_output = slice_output(&s, &a.o);
        if (!a.sliced || check_slice(&a, &s) == 0) status = run_and_report(&s, &a, ".h5", &d);
        scenario_free(&s);
    }
    free(own_output);
    diag_free(&d);
    cli_free_sets(a.sets, a.n_sets);
    team_end(&t);
    return status;
}

/* Adds the problems that keep `v` (from `file`) from being compared with the base. */
static void check_variant(const struct scenario *base, const char *base_file,
                          const struct scenario *v, const char *file, struct diag *d)
{
    const char *why = NULL;
    if (v->simulation.start_year != base->simulation.start_year)
        why = "simulation.start_year";
    else if (v->simulation.years != base->simulation.years)
        why = "simulation.years";
    else if (v->simulation.quantiles.n != base->simulation.quantiles.n ||
             memcmp(v->simulation.quantiles.v, base->simulation.quantiles.v,
                    v->simulation.quantiles.n * sizeof *v->simulation.quantiles.v) != 0)
        why = "simulation.quantiles";
    else if (v->n_regions != base->n_regions)
        why = "regions (their number)";
    for (size_t r = 0; !why && r < v->n_regions; r++)
        if (strcmp(v->regions[r].name, base->regions[r].name) != 0) why = "regions (their names)";
    if (why)
        diag_loc(d, file, 0,
                 "%s differs from the base's (%s): a variant keeps the base's years, "
                 "quantiles and regions, in the same order",
                 why, base_file);
    if (strcmp(v->name, base->name) == 0)
        diag_loc(d, file, 0, "the variant has the base's name \"%s\": give it its own name",
                 v->name);
}

/* Loads each variant with the command line's settings and the base's paths
 * and seed, as numbers (and, with --independent, again with other streams).
 * Returns 0, or -1 with the problems in `d` (d->no_memory when memory ran out). */
static int load_variants(char **files, size_t n, const struct scenario *base, const char *base_file,
                         struct args *a, struct scenario *v, struct scenario *indep, struct diag *d)
{
    long long seed = base->simulation.seed, other_seed = seed ^ (1LL << 62);
    size_t n_sets = a->n_sets + 2;
    struct setting_override *sets = malloc(n_sets * sizeof *sets);
    if (!sets) {
        d->no_memory = true;
        return -1;
    }
    if (a->n_sets) memcpy(sets, a->sets, a->n_sets * sizeof *sets);
    sets[a->n_sets] = (struct setting_override){.key = "simulation.paths",
                                                .i = base->simulation.paths,
                                                .origin = "the base's simulation.paths"};
    sets[a->n_sets + 1] = (struct setting_override){
        .key = "simulation.seed", .i = seed, .origin = "the base's simulation.seed"};
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        if ((rc = scenario_load(files[k], sets, n_sets, &v[k], d)) != 0) break;
        check_variant(base, base_file, &v[k], files[k], d);
        for (size_t j = 0; j < k; j++)
            if (strcmp(v[j].name, v[k].name) == 0)
                diag_loc(d, files[k], 0, "the name \"%s\" is also %s's: give each variant its own",
                         v[k].name, files[j]);
        if (d->n) rc = -1;
        if (rc == 0 && a->independent) {
            sets[a->n_sets + 1].i = other_seed;
            sets[a->n_sets + 1].origin = "--independent: the base's simulation.seed XOR 2^62";
            rc = scenario_load(files[k], sets, n_sets, &indep[k], d);
            sets[a->n_sets + 1].i = seed;
            sets[a->n_sets + 1].origin = "the base's simulation.seed";
        }
    }
    free(sets);
    return rc;
}

int cmd_compare(int argc, char **argv)
{
    struct team t;
    struct args a = {.command = "compare", .voice = {.command = "compare", .progress = isatty(2)}};
    int early = begin(&argc, &argv, compare_usage, true, &t, &a);
    if (early >= 0) return early;
    const char *base_file = argv[optind];
    char **files = argv + optind + 1;
    size_t n = (size_t)(argc - optind - 1);
    struct diag d = {0};
    struct scenario base = {0};
    struct scenario *v = calloc(n, sizeof *v), *indep = calloc(n, sizeof *indep);
    struct run_variant *rv = calloc(n, sizeof *rv);
    if (!v || !indep || !rv) d.no_memory = true;
    int loaded = d.no_memory ? -1 : scenario_load(base_file, a.sets, a.n_sets, &base, &d);
    bool base_loaded = loaded == 0;
    if (base_loaded && base.simulation.paths < 2)
        diag_loc(&d, base_file, 0,
                 "simulation.paths is %lld: a comparison needs at least 2 "
                 "paths for its confidence intervals",
                 base.simulation.paths);
    if (base_loaded && d.n) loaded = -1;
    if (loaded == 0) loaded = load_variants(files, n, &base, base_file, &a, v, indep, &d);
    int status;
    if (loaded != 0) {
        status = cli_load_failed(a.command, &d, t.rank == 0);
    } else {
        for (size_t k = 0; k < n; k++)
            rv[k] = (struct run_variant){&v[k], a.independent ? &indep[k] : NULL};
        a.o.variants = rv;
        a.o.n_variants = n;
        status = run_and_report(&base, &a, "-compare.h5", &d);
    }
    for (size_t k = 0; v && indep && k < n; k++) {
        if (v[k].arena) scenario_free(&v[k]);
        if (indep[k].arena) scenario_free(&indep[k]);
    }
    if (base_loaded) scenario_free(&base);
    free(v);
    free(indep);
    free(rv);
    diag_free(&d);
    cli_free_sets(a.sets, a.n_sets);
    team_end(&t);
    return status;
}
