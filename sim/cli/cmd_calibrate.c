/* cmd_calibrate.c: `fundsim calibrate`: reads the options, loads the scenario,
 * fits the levels to the regions' actuals (sim/calibrate.c), prints the fit
 * table and writes the variant file that carries the levels, each with a
 * comment naming the actual it comes from. */
#include "output/outpath.h"
#include "sim/calibrate.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include "fundsim_config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char calibrate_usage[] =
    "Usage: fundsim calibrate [OPTIONS] SCENARIO [-o VARIANT.cfg]\n"
    "\n"
    "Fits, per region, the levels that make the model's expected figures (the mean\n"
    "over the paths) of the region's last actual year (regions[].actuals) equal the\n"
    "actuals: participation (enrollees), use of care (expenditure), other income per\n"
    "enrollee (income) and the opening balance (the balance at the end of the year);\n"
    "with enrollees in two or more years, also the residual trend of participation\n"
    "over those years (calibration.participation_trend: held at its level after the\n"
    "last actual year, not extrapolated; enrollment.employee_shift keeps its\n"
    "assumed value). The run goes from simulation.start_year through the actual\n"
    "years; the projection proper starts the year after the last. Prints the fit:\n"
    "actual, model before and after, per region, year and line.\n"
    "\n"
    "  -o, --output FILE  write the variant (base = SCENARIO, the fitted levels in its\n"
    "                     `calibration` group) to FILE; an existing FILE is replaced\n"
    "                     only if calibrate wrote it (its first line says so)\n"
    "  --paths N          paths of each round of the fit (default 200)\n"
    "  --through YEAR     fit the actuals up to YEAR only\n"
    "  --threads T        threads (default: all cores, or OMP_NUM_THREADS)\n"
    "  --set KEY=VALUE    change a setting, as in `fundsim check`\n"
    "  --quiet            no progress lines on stderr\n"
    "  --help             this text\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure or a fit that misses an actual by more\n"
    "than 0.5 %, 2 bad usage or scenario (one without actuals).\n";

struct calibrate_cli {
    const char *scenario, *output;
    int paths, through, threads;
    bool quiet;
    struct setting_override *sets;
    size_t n_sets;
};

static enum cli_parsed parse_options(int argc, char **argv, struct calibrate_cli *c)
{
    enum { OPT_PATHS = 256, OPT_THROUGH, OPT_THREADS };
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"paths", required_argument, NULL, OPT_PATHS},
                                            {"through", required_argument, NULL, OPT_THROUGH},
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
        case OPT_PATHS:
            bad = cli_parse_int("calibrate", "--paths", optarg, 1, 1000000, &c->paths);
            break;
        case OPT_THROUGH:
            bad = cli_parse_int("calibrate", "--through", optarg, 1990, 2200, &c->through);
            break;
        case OPT_THREADS:
            bad = cli_parse_int("calibrate", "--threads", optarg, 1, CLI_MAX_THREADS, &c->threads);
            break;
        case 's':
            bad = cli_add_set(&c->sets, &c->n_sets, optarg);
            break;
        case 'q':
            c->quiet = true;
            break;
        case 'h':
            fputs(calibrate_usage, stdout);
            return CLI_HELPED;
        default:
            fputs(calibrate_usage, stderr);
            return CLI_REFUSED;
        }
        if (bad) return CLI_REFUSED;
    }
    if (optind + 1 != argc) {
        fputs(calibrate_usage, stderr);
        return CLI_REFUSED;
    }
    c->scenario = argv[optind];
    return CLI_PARSED;
}

static void print_value(FILE *out, int line, double v)
{
    if (line == CALIBRATE_ENROLLEES)
        fprintf(out, " %15.0f", v);
    else
        fprintf(out, " %15.2f", v / 1e8);
}

void cli_print_fit(FILE *out, const struct scenario *s, const struct calibrate_result *r)
{
    fputs("region           year  line           actual    model before     model after  "
          "diff %\n",
          out);
    fputs("                                (persons; money in 100 million yuan, 亿元)\n", out);
    for (size_t j = 0; j < r->n_rows; j++) {
        const struct calibrate_row *w = &r->rows[j];
        fprintf(out, "%-16.16s %4d  %-11s", s->regions[w->region].name, w->year,
                calibrate_line_names[w->line]);
        print_value(out, w->line, w->actual);
        print_value(out, w->line, w->before);
        print_value(out, w->line, w->after);
        if (w->actual != 0)
            fprintf(out, " %+7.2f", 100 * (w->after - w->actual) / w->actual);
        else
            fputs("       -", out);
        fputs(w->fitted ? "  fitted\n" : "\n", out);
    }
    fputs("\nlevels                 participation x  use of care x  other income yuan/enrollee"
          "  opening balance (亿元)\n",
          out);
    for (size_t k = 0; k < s->n_regions; k++) {
        const struct calibrate_levels *l = &r->levels[k];
        fprintf(out, "%-22.22s %15.4f %14.4f %27.1f %24.2f%s\n", s->regions[k].name,
                l->participation_scale, l->use_scale, l->other_income_yuan,
                l->opening_balance_yuan / 1e8, l->last_year ? "" : "  (no actuals: as given)");
    }
    for (size_t k = 0; k < s->n_regions; k++) {
        const struct calibrate_levels *l = &r->levels[k];
        if (l->trend_first_year)
            fprintf(out,
                    "%s: participation trend %+.5f log-odds a year, from the enrollees of %d "
                    "and %d; held after %d\n",
                    s->regions[k].name, l->participation_trend, l->trend_first_year, l->last_year,
                    l->last_year);
    }
}

/* `to` relative to the folder `from_dir` (both absolute and canonical). */
static void relative_path(const char *from_dir, const char *to, char *out, size_t size)
{
    char from[PATH_MAX + 1];
    snprintf(from, sizeof from, "%s%s", from_dir, strcmp(from_dir, "/") == 0 ? "" : "/");
    size_t common = 0;
    for (size_t i = 0; from[i] && from[i] == to[i]; i++)
        if (from[i] == '/') common = i + 1;
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = from + common; *p; p++)
        if (*p == '/' && used + 3 < size) used += (size_t)snprintf(out + used, size - used, "../");
    snprintf(out + used, size - used, "%s", to + common);
}

/* The value of a region's level, after a comment naming the actual it comes from. */
static void print_level(FILE *out, const struct scenario *s, const struct calibrate_result *r,
                        size_t k, int line, double value, const char *format)
{
    const struct calibrate_levels *l = &r->levels[k];
    const struct region *g = &s->regions[k];
    if (!l->last_year || !l->fitted[line])
        fprintf(out, "    # %s: no %s among its actuals: as given\n", g->name,
                calibrate_line_names[line]);
    for (size_t j = 0; l->last_year && l->fitted[line] && j < g->n_actuals; j++) {
        if (g->actuals[j].year != l->last_year) continue;
        double v = calibrate_actual(&g->actuals[j], line);
        if (line == CALIBRATE_BALANCE)
            fprintf(out,
                    "    # %s: at the start of %d, so that the expected balance at the end of "
                    "%d is the actual\n    # %.10g yuan (regions[%zu].actuals)\n",
                    g->name, s->simulation.start_year, l->last_year, v, k);
        else
            fprintf(out, "    # %s: %s %.10g %s in %d (regions[%zu].actuals)\n", g->name,
                    calibrate_line_names[line], v, line == CALIBRATE_ENROLLEES ? "persons" : "yuan",
                    l->last_year, k);
    }
    fputs("    ", out);
    fprintf(out, format, value);
    fputs(k + 1 < s->n_regions ? ",\n" : "\n", out);
}

/* The mark of a variant this command wrote, in its first line: only such a
 * file is replaced by -o (fundsim replaces only what it can prove it wrote). */
static const char variant_mark[] = "written by `fundsim calibrate`";

/* Whether -o may name `path`: a regular file or nothing (outpath_check), not
 * the scenario itself, and, if a file is there, one that calibrate wrote. */
static int check_variant_path(const char *path, const char *scenario, struct diag *d)
{
    if (outpath_check(path, d) != 0) return -1;
    FILE *f = fopen(path, "r");
    if (!f) return 0; /* nothing there (or unreadable: writing then says why) */
    char first[512] = "";
    bool ours = fgets(first, sizeof first, f) && strstr(first, variant_mark);
    fclose(f);
    char a[PATH_MAX], b[PATH_MAX];
    if (realpath(path, a) && realpath(scenario, b) && strcmp(a, b) == 0) {
        diag_refuse(d, "-o %s names the scenario being calibrated: name another file", path);
        return -1;
    }
    if (!ours) {
        diag_refuse(d,
                    "-o %s: a file is there that fundsim calibrate did not write (its first line "
                    "does not say so): refusing to replace it; remove it or name another file",
                    path);
        return -1;
    }
    return 0;
}

static int write_variant(const struct calibrate_cli *c, const struct scenario *s,
                         const struct calibrate_result *r, size_t paths)
{
    char scenario_real[PATH_MAX], out_dir[PATH_MAX], base[PATH_MAX];
    char *copy = strdup(c->output);
    if (!copy) return -1;
    bool resolved = realpath(c->scenario, scenario_real) && realpath(dirname(copy), out_dir);
    free(copy);
    if (!resolved) {
        fprintf(stderr, "fundsim calibrate: cannot resolve the folder of %s: %s\n", c->output,
                strerror(errno));
        return -1;
    }
    relative_path(out_dir, scenario_real, base, sizeof base);
    /* Written under a temporary name beside it, renamed onto it when complete:
     * a failed write never leaves half a variant where a good one was. */
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", c->output, (long)getpid()) >= (int)sizeof tmp) {
        fprintf(stderr, "fundsim calibrate: the name %s is too long\n", c->output);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    FILE *out = fd < 0 ? NULL : fdopen(fd, "w");
    if (!out) {
        fprintf(stderr, "fundsim calibrate: cannot write %s: %s\n", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return -1;
    }
    char *stem_copy = strdup(c->output);
    const char *stem = stem_copy ? basename(stem_copy) : "calibrated.cfg";
    size_t stem_len = strlen(stem);
    if (stem_len > 4 && strcmp(stem + stem_len - 4, ".cfg") == 0) stem_len -= 4;
    fprintf(out,
            "# %.*s.cfg: a variant of %s %s (fundsim %s).\n"
            "# The levels that make the model's expected figures (the mean over %zu paths, seed "
            "%lld)\n"
            "# of each region's last actual year equal its accounts (regions[].actuals), fitted "
            "in\n"
            "# %d rounds; the largest gap left: %.4f %%. The run's years %d-%d are history "
            "(they\n"
            "# reproduce the accounts in expectation); the projection proper starts in %d.\n",
            (int)stem_len, stem, base, variant_mark, FUNDSIM_VERSION, paths, s->simulation.seed,
            r->rounds, 100 * r->worst_gap, r->start_year, r->last_year, r->last_year + 1);
    fprintf(out, "base = \"%s\";\nname = \"%.*s\";\n", base, (int)stem_len, stem);
    fprintf(out, "description = \"%s calibrated to the actuals up to %d\";\n\n", s->name,
            r->last_year);
    free(stem_copy);
    fputs("calibration = {\n  participation_scale = [\n", out);
    for (size_t k = 0; k < s->n_regions; k++)
        print_level(out, s, r, k, CALIBRATE_ENROLLEES, r->levels[k].participation_scale, "%.12g");
    fputs("  ];\n  use_scale = [\n", out);
    for (size_t k = 0; k < s->n_regions; k++)
        print_level(out, s, r, k, CALIBRATE_EXPENDITURE, r->levels[k].use_scale, "%.12g");
    fputs("  ];\n  other_income_yuan = [\n", out);
    for (size_t k = 0; k < s->n_regions; k++)
        print_level(out, s, r, k, CALIBRATE_INCOME, r->levels[k].other_income_yuan, "%.12g");
    fputs("  ];\n  opening_balance_yuan = [\n", out);
    for (size_t k = 0; k < s->n_regions; k++)
        print_level(out, s, r, k, CALIBRATE_BALANCE, r->levels[k].opening_balance_yuan, "%.1f");
    fputs("  ];\n", out);
    if (r->trend) {
        fputs("  # the yearly change of the log-odds of participation that the model's own causes\n"
              "  # (the price elasticity, the move to the employee scheme at its assumed pace,\n"
              "  # demography) leave in the enrollees over the history; applied from the first\n"
              "  # actual year with enrollees to history_end_year, then held at its level:\n"
              "  # assumed, not extrapolated into the projection\n"
              "  participation_trend = [\n",
              out);
        for (size_t k = 0; k < s->n_regions; k++) {
            const struct calibrate_levels *l = &r->levels[k];
            if (l->trend_first_year)
                fprintf(out, "    # %s: enrollees of %d and %d (regions[%zu].actuals)\n",
                        s->regions[k].name, l->trend_first_year, l->last_year, k);
            else
                fprintf(out, "    # %s: enrollees in fewer than two actual years: as given\n",
                        s->regions[k].name);
            fprintf(out, "    %.12g%s\n", l->participation_trend, k + 1 < s->n_regions ? "," : "");
        }
        fputs("  ];\n", out);
    }
    fprintf(out, "  history_end_year = %d;\n};\n", r->last_year);
    bool failed = ferror(out) || fflush(out) != 0 || fsync(fileno(out)) != 0;
    if (fclose(out) != 0 || failed) {
        fprintf(stderr, "fundsim calibrate: cannot write %s\n", tmp);
        unlink(tmp);
        return -1;
    }
    struct diag d = {0};
    if (outpath_replaceable(c->output, &d) != 0 || rename(tmp, c->output) != 0) {
        if (d.n == 0)
            fprintf(stderr, "fundsim calibrate: cannot rename %s onto %s: %s\n", tmp, c->output,
                    strerror(errno));
        else
            cli_print_diag(&(struct cli_voice){.command = "calibrate"}, &d);
        diag_free(&d);
        unlink(tmp);
        return -1;
    }
    return 0;
}

int cmd_calibrate(int argc, char **argv)
{
    struct calibrate_cli c = {.paths = 200};
    struct scenario s = {0};
    struct calibrate_result r = {0};
    struct diag d = {0};
    int status = EXIT_OK;
    enum cli_parsed parsed = parse_options(argc, argv, &c);
    if (parsed != CLI_PARSED) {
        status = parsed == CLI_HELPED ? EXIT_OK : EXIT_USAGE;
        goto done;
    }
    if (c.threads == 0 && cli_default_threads("calibrate", 1, &c.threads) != 0) {
        status = EXIT_USAGE;
        goto done;
    }
    cli_start_threads(c.threads);
    if (scenario_load(c.scenario, c.sets, c.n_sets, &s, &d) != 0) {
        status = cli_load_failed("calibrate", &d, true);
        goto done;
    }
    struct cli_voice voice = {.command = "calibrate", .quiet = c.quiet};
    if (c.output && check_variant_path(c.output, c.scenario, &d) != 0) {
        cli_print_diag(&voice, &d);
        status = cli_failure_status(&d);
        goto done;
    }
    struct calibrate_options o = {.file = c.scenario,
                                  .through_year = c.through,
                                  .paths = (size_t)c.paths,
                                  .threads = c.threads,
                                  .say = cli_say(&voice)};
    if (calibrate_fit(&s, &o, &r, &d) != 0) {
        cli_print_diag(&voice, &d);
        status = cli_failure_status(&d);
        goto done;
    }
    printf("%s: fitted on %d paths (seed %lld) in %d rounds; largest gap %.4f %%\n\n", s.name,
           c.paths, s.simulation.seed, r.rounds, 100 * r.worst_gap);
    cli_print_fit(stdout, &s, &r);
    if (c.output) {
        if (write_variant(&c, &s, &r, (size_t)c.paths) != 0) {
            status = EXIT_FAILURE_RUN;
            goto done;
        }
        printf("\nwrote %s\n", c.output);
    }
    if (r.worst_gap > 0.005) {
        fprintf(stderr,
                "fundsim calibrate: the fit misses an actual by %.2f %% (more than 0.5 %%): a "
                "level reached its bound (participation at 1?) or the levers cannot reach it\n",
                100 * r.worst_gap);
        status = EXIT_FAILURE_RUN;
    }
done:
    calibrate_result_free(&r);
    diag_free(&d);
    scenario_free(&s);
    cli_free_sets(c.sets, c.n_sets);
    return status;
}
