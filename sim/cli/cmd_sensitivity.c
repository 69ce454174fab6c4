/* cmd_sensitivity.c: `fundsim sensitivity`: reads the options, loads the
 * scenario, runs sim/sensitivity.c's assumptions (and the variance shares),
 * writes the file and prints the tornado's table. */
#include "output/sens_h5.h"
#include "output/terms.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/sensitivity.h"
#include "sim/team.h"
#include "sim/timing.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "Usage: fundsim sensitivity [OPTIONS] SCENARIO\n"
    "\n"
    "Moves each assumption alone to a low and a high value, every other setting\n"
    "unchanged, runs the scenario again on the same seed and paths (common random\n"
    "numbers), and reports per assumption the change in the province's P(depleted by\n"
    "YEAR), in its median first depletion year and in its actuarial balance over the\n"
    "horizon, with 95 % intervals from the paired paths, widest swing first (a\n"
    "tornado). Low and high: the 10 % and 90 % points of the assumption's parameter\n"
    "risk where the scenario has one, else the spread below; for the financing\n"
    "continuation rule, the alternative rules.\n"
    "\n"
    "  -o, --output FILE   the HDF5 file (default: the scenario's name +\n"
    "                      -sensitivity.h5, here): /sensitivity/<assumption>/...\n"
    "  --into RUN.h5       instead, add /sensitivity (and /variance) to the file of a run\n"
    "                      of the same scenario, for plots/report.py's tornado\n"
    "  --year Y            P(depleted by Y) and the variance's balance year\n"
    "                      (default 2035, or the last year when the horizon ends before)\n"
    "  --spread F          multiplies every half-width (default 1)\n"
    "  --only NAME         one assumption alone\n"
    "  --assume KEY=LOW,HIGH\n"
    "                      one more assumption: any numeric setting at the two values\n"
    "                      (repeatable), named by its key\n"
    "  --variance          also the share of the variance of the balance in Y and of the\n"
    "                      actuarial balance that each group of random drivers carries:\n"
    "                      1 - Var(with the group held at its expected path) / Var\n"
    "  --resume FILE       finish the analysis of FILE that was stopped or killed: each\n"
    "                      run (the base, each side, each group held) is kept in\n"
    "                      FILE.sens-ckpt as it finishes; only the missing ones are\n"
    "                      computed (same scenario, settings, options and fundsim\n"
    "                      version; any threads), and FILE is the same bit for bit\n"
    "  --paths N, --seed S, --threads T, --set KEY=VALUE, --quiet, --lang zh|en\n"
    "                      as for `fundsim run`\n"
    "  --help              this text\n"
    "\n"
    "A new analysis refuses to start while FILE.sens-ckpt holds finished runs; the\n"
    "folder is removed once FILE is written. In the MPI build, under mpirun, the runs\n"
    "are split over the ranks (run k to rank k mod size, through FILE.sens-ckpt, which\n"
    "must be on a file system every rank sees); the first rank writes FILE, the same\n"
    "bit for bit as one process's.\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure, 2 bad usage or bad scenario.\n";

static void print_assumptions(FILE *out)
{
    fputs("\nThe assumptions (and the spread of each when the scenario has no parameter risk "
          "for it):\n",
          out);
    size_t n = sens_assumptions();
    for (size_t j = 0; j < n; j++) {
        if (j + 1 == n) /* before the financing rule, as they run */
            fprintf(out, "  %-22s %s\n  %-22s %s\n", "trend_NAME", "disease.conditions.NAME.trend",
                    "", "sd disease.trend_uncertainty; else 0.5 point a year (assumed)");
        fprintf(out, "  %-22s %s\n  %-22s %s\n", sens_assumption_name(j), sens_assumption_key(j),
                "", sens_assumption_spread(j));
    }
}

#define MAX_EXTRA 32

struct cli {
    struct setting_override *sets;
    size_t n_sets;
    struct sens_extra extra[MAX_EXTRA];
    size_t n_extra;
    const char *output, *only, *scenario, *resume_path;
    bool into;   /* --into: output names a run's file to add to */
    bool resume; /* --resume: output names the analysis to finish */
    int lang;    /* enum lang (output/terms.h) */
    int threads, year;
    double spread;
    bool variance, quiet;
};

/* --assume KEY=LOW,HIGH. Returns 0, or -1 after saying why. */
static int parse_assume(struct cli *c, char *arg)
{
    char *eq = strchr(arg, '='), *end;
    if (c->n_extra == MAX_EXTRA) {
        fprintf(stderr, "fundsim sensitivity: at most %d --assume\n", MAX_EXTRA);
        return -1;
    }
    struct sens_extra *x = &c->extra[c->n_extra];
    if (eq && eq > arg) {
        errno = 0;
        x->low = strtod(eq + 1, &end);
        if (!errno && end > eq + 1 && *end == ',') {
            char *h = end + 1;
            x->high = strtod(h, &end);
            if (!errno && end > h && !*end && isfinite(x->low) && isfinite(x->high)) {
                *eq = 0; /* the key: argv's own text */
                x->key = arg;
                c->n_extra++;
                return 0;
            }
        }
    }
    fprintf(stderr,
            "fundsim sensitivity: --assume expects KEY=LOW,HIGH (two numbers), got \"%s\"\n", arg);
    return -1;
}

static enum cli_parsed parse(int argc, char **argv, struct cli *c)
{
    enum {
        OPT_PATHS = 256,
        OPT_SEED,
        OPT_THREADS,
        OPT_YEAR,
        OPT_SPREAD,
        OPT_ONLY,
        OPT_VARIANCE,
        OPT_QUIET,
        OPT_ASSUME,
        OPT_INTO,
        OPT_RESUME,
        OPT_LANG
    };
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"paths", required_argument, NULL, OPT_PATHS},
                                            {"seed", required_argument, NULL, OPT_SEED},
                                            {"threads", required_argument, NULL, OPT_THREADS},
                                            {"set", required_argument, NULL, 's'},
                                            {"year", required_argument, NULL, OPT_YEAR},
                                            {"spread", required_argument, NULL, OPT_SPREAD},
                                            {"only", required_argument, NULL, OPT_ONLY},
                                            {"variance", no_argument, NULL, OPT_VARIANCE},
                                            {"quiet", no_argument, NULL, OPT_QUIET},
                                            {"assume", required_argument, NULL, OPT_ASSUME},
                                            {"into", required_argument, NULL, OPT_INTO},
                                            {"resume", required_argument, NULL, OPT_RESUME},
                                            {"lang", required_argument, NULL, OPT_LANG},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    const char *lang = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:s:h", options, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case OPT_RESUME:
            if (c->resume) {
                fprintf(stderr, "fundsim sensitivity: give --resume once\n");
                return CLI_REFUSED;
            }
            c->resume = true;
            c->resume_path = optarg;
            break;
        case 'o':
        case OPT_INTO:
            if (c->output) {
                fprintf(stderr, "fundsim sensitivity: give one of -o and --into, once\n");
                return CLI_REFUSED;
            }
            c->output = optarg;
            c->into = opt == OPT_INTO;
            break;
        case OPT_PATHS:
        case OPT_SEED:
            bad = cli_add_simulation(&c->sets, &c->n_sets, "sensitivity",
                                     opt == OPT_PATHS ? "--paths" : "--seed", optarg);
            break;
        case OPT_THREADS:
            bad =
                cli_parse_int("sensitivity", "--threads", optarg, 1, CLI_MAX_THREADS, &c->threads);
            break;
        case OPT_YEAR:
            bad = cli_parse_int("sensitivity", "--year", optarg, 1900, 2300, &c->year);
            break;
        case OPT_SPREAD: {
            char *end;
            errno = 0;
            c->spread = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(c->spread > 0) || c->spread > 100) {
                fprintf(stderr,
                        "fundsim sensitivity: --spread expects a number above 0 and at most "
                        "100, got \"%s\"\n",
                        optarg);
                bad = 1;
            }
            break;
        }
        case OPT_ONLY:
            c->only = optarg;
            break;
        case OPT_ASSUME:
            bad = parse_assume(c, optarg);
            break;
        case 's':
            bad = cli_add_set(&c->sets, &c->n_sets, optarg);
            break;
        case OPT_VARIANCE:
            c->variance = true;
            break;
        case OPT_QUIET:
            c->quiet = true;
            break;
        case OPT_LANG:
            lang = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            print_assumptions(stdout);
            return CLI_HELPED;
        default:
            fputs(usage, stderr);
            return CLI_REFUSED;
        }
        if (bad) return CLI_REFUSED;
    }
    if ((c->lang = cli_lang("sensitivity", lang)) < 0) return CLI_REFUSED;
    if (argc - optind != 1) {
        fputs(usage, stderr);
        return CLI_REFUSED;
    }
    c->scenario = argv[optind];
    if (c->resume && c->output && strcmp(c->output, c->resume_path) != 0) {
        fprintf(stderr, "fundsim sensitivity: %s %s and --resume %s name two files: give one\n",
                c->into ? "--into" : "-o", c->output, c->resume_path);
        return CLI_REFUSED;
    }
    if (c->resume) c->output = c->resume_path;
    return CLI_PARSED;
}

static void print_effect(FILE *out, const struct sens_effect *e, double scale, const char *fmt)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, e->delta * scale, e->low * scale, e->high * scale);
    fprintf(out, "  %-24s", buf);
}

/* Writes the term t's text and a newline. */
static void put_line(FILE *out, enum term t, enum lang l)
{
    fputs(term(t, l), out);
    fputc('\n', out);
}

static void print_table(FILE *out, const struct sens_result *r, enum lang l, double seconds)
{
    fprintf(out, term(TERM_sens_title, l), r->scenario, r->paths, (unsigned long long)r->seed);
    fputc('\n', out);
    fprintf(out, term(TERM_sens_base, l), r->year, r->base.p_depleted);
    if (r->base.median_year)
        fprintf(out, "%.0f", r->base.median_year);
    else
        fputs(term(TERM_sens_after_horizon, l), out);
    fprintf(out, term(TERM_sens_base_actuarial, l), r->base.actuarial_balance);
    fputs("\n\n", out);
    put_line(out, TERM_sens_change, l);
    /* the columns of "%-22s %-4s %10s  %-24s  %-10s  %-24s" in display width */
    term_pad(out, term(TERM_sens_assumption, l), 22);
    fputc(' ', out);
    term_pad(out, term(TERM_sens_side, l), 4);
    fputc(' ', out);
    term_pad(out, term(TERM_sens_value, l), -10);
    fputs("  ", out);
    term_pad(out, term(TERM_sens_p_depleted, l), 24);
    fputs("  ", out);
    term_pad(out, term(TERM_sens_median_year, l), 10);
    fputs("  ", out);
    term_pad(out, term(TERM_sens_actuarial, l), 24);
    fputc('\n', out);
    for (size_t j = 0; j < r->n_rows; j++) {
        const struct sens_row *w = &r->rows[j];
        const struct sens_side *s[2] = {&w->low, &w->high};
        for (int k = 0; k < 2; k++) {
            term_pad(out, k ? "" : w->name, 22);
            fputc(' ', out);
            term_pad(out, term(k ? TERM_sens_high : TERM_sens_low, l), 4);
            char *end;
            strtod(s[k]->text, &end); /* a number, or a rule's name */
            if (*end)
                fprintf(out, " %10.10s", s[k]->text);
            else
                fprintf(out, " %10.4g", s[k]->value);
            print_effect(out, &s[k]->p_depleted, 1, "%+.3f [%+.3f, %+.3f]");
            if (isnan(s[k]->median_year_delta)) {
                fputs("  ", out);
                term_pad(out, s[k]->abs.median_year ? "-" : term(TERM_sens_none, l), 10);
            } else {
                fprintf(out, "  %-+10.0f", s[k]->median_year_delta);
            }
            print_effect(out, &s[k]->actuarial_balance, 1, "%+.2f [%+.2f, %+.2f]");
            fputc('\n', out);
        }
    }
    put_line(out, TERM_sens_median_note, l);
    if (r->has_variance) {
        fputc('\n', out);
        put_line(out, TERM_sens_variance_title, l);
        term_pad(out, term(TERM_sens_group, l), 12);
        fprintf(out, "  %18s  %18s\n", r->variance[0].name, r->variance[1].name);
        /* hold_names' order (models/hold.h) */
        static const enum term groups[N_HOLD_GROUPS] = {
            TERM_hold_demography, TERM_hold_economy, TERM_hold_costs,     TERM_hold_utilization,
            TERM_hold_enrollment, TERM_hold_disease, TERM_hold_parameters};
        double sum[2] = {0, 0};
        for (int g = 0; g < N_HOLD_GROUPS; g++) {
            term_pad(out, term(groups[g], l), 12);
            fprintf(out, "  %18.3f  %18.3f\n", r->variance[0].share[g], r->variance[1].share[g]);
            sum[0] += r->variance[0].share[g], sum[1] += r->variance[1].share[g];
        }
        term_pad(out, term(TERM_sens_sum, l), 12);
        fprintf(out, "  %18.3f  %18.3f\n", sum[0], sum[1]);
        term_pad(out, term(TERM_sens_variance, l), 12);
        fprintf(out, "  %18.4g  %18.4g\n", r->variance[0].total, r->variance[1].total);
    }
    fprintf(out, term(TERM_sens_seconds, l), seconds);
    fputc('\n', out);
}

int cmd_sensitivity(int argc, char **argv)
{
    struct team t;
    if (team_init(&t, &argc, &argv) != 0) {
        fprintf(stderr, "fundsim sensitivity: MPI cannot start\n");
        return EXIT_FAILURE_RUN;
    }
    struct cli c = {.spread = 1, .year = 0};
    struct scenario s;
    memset(&s, 0, sizeof s);
    struct diag d = {0};
    struct sens_result r = {0};
    char *own = NULL;
    int status = EXIT_USAGE;
    enum cli_parsed parsed = parse(argc, argv, &c);
    if (parsed != CLI_PARSED) {
        status = parsed == CLI_HELPED ? EXIT_OK : EXIT_USAGE;
        goto done;
    }
    if (c.threads == 0 && cli_default_threads("sensitivity", t.local_size, &c.threads) != 0)
        goto done;
    cli_start_threads(c.threads);
    if (scenario_load(c.scenario, c.sets, c.n_sets, &s, &d) != 0) {
        status = cli_load_failed("sensitivity", &d, t.rank == 0);
        goto done;
    }
    if (c.year == 0) {
        int last = s.simulation.start_year + s.simulation.years - 1;
        c.year = last < 2035 ? last : 2035;
    }
    if (!c.output) {
        size_t n = strlen(s.name) + sizeof "-sensitivity.h5";
        if (!(own = malloc(n))) {
            status = EXIT_FAILURE_RUN;
            goto done;
        }
        snprintf(own, n, "%s-sensitivity.h5", s.name);
        c.output = own;
    }
    struct cli_voice voice = {
        .command = "sensitivity", .quiet = c.quiet || t.rank != 0, .lang = c.lang};
    struct sens_options o = {.path = c.scenario,
                             .sets = c.sets,
                             .n_sets = c.n_sets,
                             .threads = c.threads,
                             .year = c.year,
                             .spread = c.spread,
                             .variance = c.variance,
                             .only = c.only,
                             .extra = c.extra,
                             .n_extra = c.n_extra,
                             .out_path = c.output,
                             .into = c.into,
                             .resume = c.resume,
                             .team = &t,
                             .say = cli_say(&voice),
                             .lang = (enum lang)c.lang};
    double t0 = timing_now_s();
    if (sens_run(&s, &o, &r, &d) != 0) {
        cli_print_diag(&voice, &d);
        status = cli_failure_status(&d);
        goto done;
    }
    if (!c.quiet && t.rank == 0) print_table(stdout, &r, o.lang, timing_now_s() - t0);
    say_text(&o.say, SAY_NOTE, term(TERM_msg_wrote, o.lang), c.output);
    status = EXIT_OK;
done:
    sens_result_free(&r);
    if (s.arena) scenario_free(&s);
    free(own);
    diag_free(&d);
    cli_free_sets(c.sets, c.n_sets);
    team_end(&t);
    return status;
}
