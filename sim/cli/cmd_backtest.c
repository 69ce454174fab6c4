/* cmd_backtest.c: `fundsim backtest`: reads the options, loads the scenario,
 * calibrates it on the actuals up to --from and sets the later actuals against
 * the projection (sim/backtest.c); prints the fit and the actual-vs-expected
 * table, and with -o runs the calibrated projection into a file that carries
 * the same table (/backtest, output/backtest_h5.h). */
#include "output/backtest_h5.h"
#include "sim/backtest.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/run.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char backtest_usage[] =
    "Usage: fundsim backtest [OPTIONS] SCENARIO --from YEAR [-o OUT.h5]\n"
    "\n"
    "Calibrates the scenario on the actuals up to YEAR (as `fundsim calibrate`,\n"
    "ignoring the later ones), projects, and for every later actual prints the\n"
    "actual, the model's mean, median and 5-95 % band, A/E (actual / the model's\n"
    "mean, the expected value) and whether the actual lies inside the band.\n"
    "\n"
    "  --from YEAR        the last actual year the calibration sees (required)\n"
    "  -o, --output FILE  also run the calibrated projection (simulation.paths and\n"
    "                     years) into FILE, with the table in its /backtest group\n"
    "  --paths N          paths of the projection compared (default 1000)\n"
    "  --fit-paths N      paths of each round of the fit (default 200)\n"
    "  --threads T        threads (default: all cores, or OMP_NUM_THREADS)\n"
    "  --set KEY=VALUE    change a setting, as in `fundsim check`\n"
    "  --quiet            no progress lines on stderr\n"
    "  --help             this text\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure, 2 bad usage or scenario (no actual\n"
    "up to YEAR, or none after it).\n";

struct backtest_cli {
    const char *scenario, *output;
    int from, paths, fit_paths, threads;
    bool quiet;
    struct setting_override *sets;
    size_t n_sets;
};

static enum cli_parsed parse_options(int argc, char **argv, struct backtest_cli *c)
{
    enum { OPT_FROM = 256, OPT_PATHS, OPT_FIT_PATHS, OPT_THREADS };
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"from", required_argument, NULL, OPT_FROM},
                                            {"paths", required_argument, NULL, OPT_PATHS},
                                            {"fit-paths", required_argument, NULL, OPT_FIT_PATHS},
                                            {"threads", required_argument, NULL, OPT_THREADS},
                                            {"set", required_argument, NULL, 's'},
                                            {"quiet", no_argument, NULL, 'q'},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "o:s:h", options, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case 'o':
            c->output = optarg;
            break;
        case OPT_FROM:
            bad = cli_parse_int("backtest", "--from", optarg, 1990, 2200, &c->from);
            break;
        case OPT_PATHS:
            bad = cli_parse_int("backtest", "--paths", optarg, 1, 1000000, &c->paths);
            break;
        case OPT_FIT_PATHS:
            bad = cli_parse_int("backtest", "--fit-paths", optarg, 1, 1000000, &c->fit_paths);
            break;
        case OPT_THREADS:
            bad = cli_parse_int("backtest", "--threads", optarg, 1, CLI_MAX_THREADS, &c->threads);
            break;
        case 's':
            bad = cli_add_set(&c->sets, &c->n_sets, optarg);
            break;
        case 'q':
            c->quiet = true;
            break;
        case 'h':
            fputs(backtest_usage, stdout);
            return CLI_HELPED;
        default:
            fputs(backtest_usage, stderr);
            return CLI_REFUSED;
        }
        if (bad) return CLI_REFUSED;
    }
    if (optind + 1 != argc) {
        fputs(backtest_usage, stderr);
        return CLI_REFUSED;
    }
    c->scenario = argv[optind];
    if (!c->from) {
        fputs("fundsim backtest: --from is required (see fundsim backtest --help)\n", stderr);
        return CLI_REFUSED;
    }
    return CLI_PARSED;
}

static void print_value(FILE *out, int line, double v)
{
    if (line == CALIBRATE_ENROLLEES)
        fprintf(out, " %13.0f", v);
    else
        fprintf(out, " %13.2f", v / 1e8);
}

static void print_table(FILE *out, const struct scenario *s, const struct backtest_result *r,
                        int paths)
{
    fprintf(out,
            "\nactual vs expected on %d paths (A/E = actual / model mean; band: 5-95 %%)\n"
            "region           year  line              actual    model mean  model median"
            "         5 %%          95 %%     A/E  inside\n",
            paths);
    for (size_t j = 0; j < r->n_rows; j++) {
        const struct backtest_row *w = &r->rows[j];
        fprintf(out, "%-16.16s %4d  %-11s", s->regions[w->region].name, w->year,
                calibrate_line_names[w->line]);
        print_value(out, w->line, w->actual);
        print_value(out, w->line, w->mean);
        print_value(out, w->line, w->median);
        print_value(out, w->line, w->low);
        print_value(out, w->line, w->high);
        fprintf(out, "  %6.4f  %s\n", w->ae, w->inside ? "yes" : "no");
    }
    fputs("(persons; money in 100 million yuan, 亿元)\n", out);
}

/* The table as the file's /backtest group holds it. */
static int write_table(const char *path, const struct scenario *s, const struct backtest_result *r,
                       int from, int paths, struct diag *d)
{
    struct backtest_table t = {.n = r->n_rows, .from_year = from, .paths = (size_t)paths};
    t.rows = calloc(r->n_rows + 1, sizeof *t.rows);
    if (!t.rows) {
        diag_fail(d, "out of memory");
        return -1;
    }
    for (size_t j = 0; j < r->n_rows; j++) {
        const struct backtest_row *w = &r->rows[j];
        t.rows[j] = (struct backtest_table_row){.region = s->regions[w->region].name,
                                                .year = w->year,
                                                .line = calibrate_line_names[w->line],
                                                .actual = w->actual,
                                                .mean = w->mean,
                                                .median = w->median,
                                                .low = w->low,
                                                .high = w->high,
                                                .ae = w->ae,
                                                .inside = w->inside};
    }
    int status = backtest_h5_write(path, &t, d);
    free(t.rows);
    return status;
}

int cmd_backtest(int argc, char **argv)
{
    struct backtest_cli c = {.paths = 1000, .fit_paths = 200};
    struct scenario s = {0};
    struct backtest_result r = {0};
    struct diag d = {0};
    int status = EXIT_OK;
    enum cli_parsed parsed = parse_options(argc, argv, &c);
    if (parsed != CLI_PARSED) {
        status = parsed == CLI_HELPED ? EXIT_OK : EXIT_USAGE;
        goto done;
    }
    if (c.threads == 0 && cli_default_threads("backtest", 1, &c.threads) != 0) {
        status = EXIT_USAGE;
        goto done;
    }
    cli_start_threads(c.threads);
    if (scenario_load(c.scenario, c.sets, c.n_sets, &s, &d) != 0) {
        status = cli_load_failed("backtest", &d, true);
        goto done;
    }
    struct cli_voice voice = {.command = "backtest", .quiet = c.quiet};
    struct backtest_options o = {.file = c.scenario,
                                 .from_year = c.from,
                                 .fit_paths = (size_t)c.fit_paths,
                                 .paths = (size_t)c.paths,
                                 .threads = c.threads,
                                 .say = cli_say(&voice)};
    if (backtest_run(&s, &o, &r, &d) != 0) {
        cli_print_diag(&voice, &d);
        status = cli_failure_status(&d);
        goto done;
    }
    printf("%s: calibrated on the actuals up to %d (%d paths, %d rounds, largest gap %.4f %%)\n\n",
           s.name, c.from, c.fit_paths, r.fit.rounds, 100 * r.fit.worst_gap);
    cli_print_fit(stdout, &s, &r.fit);
    print_table(stdout, &s, &r, c.paths);
    if (c.output) {
        fflush(stdout);
        struct run_options ro = {.out_path = c.output, .threads = c.threads, .say = o.say};
        if (run_scenario(&s, &ro, &d) != 0 ||
            write_table(c.output, &s, &r, c.from, c.paths, &d) != 0) {
            cli_print_diag(&voice, &d);
            status = cli_failure_status(&d);
            goto done;
        }
        printf("\nwrote %s (the calibrated projection, the table in /backtest)\n", c.output);
    }
done:
    backtest_result_free(&r);
    diag_free(&d);
    scenario_free(&s);
    cli_free_sets(c.sets, c.n_sets);
    return status;
}
