/* cmd_solve.c: `fundsim solve`: reads the options, loads the scenario with its
 * horizon ending at the target's year, runs the solver (solve.c) and prints
 * the answer, its uncertainty, and the raised timelines as `--set` lines for
 * `fundsim run`. Which regions override an adjusted setting is read from the
 * resolved scenario text, the one place that still tells an override from the
 * scenario's own value. */
#include "output/terms.h"
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/solve.h"
#include "sim/target.h"
#include "sim/timing.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libconfig.h>
#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char solve_usage[] =
    "Usage: fundsim solve [OPTIONS] SCENARIO --target TARGET --adjust KEY [--adjust KEY]\n"
    "\n"
    "Finds the smallest uniform increase x of the adjusted settings that meets\n"
    "TARGET, in every region: a timeline's value in year y is raised by x (y - FROM\n"
    "+ 1) from FROM to the target's year (x in yuan per person per year); a\n"
    "continuation rule's number (policy.continuation) becomes its own + x, which\n"
    "moves each timeline from the year after its last dated value. The trial runs\n"
    "share their random numbers, and the answer comes with its 95 % interval.\n"
    "\n"
    "  --target TARGET  \"P(depletion by YEAR) <= P\", for the province (balances summed\n"
    "                   over regions); \"P(depletion by YEAR in REGION) <= P\" (a region's\n"
    "                   name, name_zh or code); \"P(depletion by YEAR in any region) <= P\".\n"
    "                   Depleted: the balance is below 0 at the end of a year up to YEAR.\n"
    "                   With `<` instead of `<=` the share of depleted paths must be below P\n"
    "  --adjust KEY     a timeline: policy.contribution.individual_yuan,\n"
    "                   policy.subsidy.standard_yuan or policy.subsidy.national_standard_yuan\n"
    "                   (the last only with the standard); or a continuation rule's\n"
    "                   number: policy.continuation.NAME.step_yuan (rule \"step\": yuan\n"
    "                   a year) or policy.continuation.NAME.extra_rate (rules \"income\"\n"
    "                   and \"price\": growth a year above the index, 0.01 a point), NAME\n"
    "                   contribution, subsidy or national_standard; several of one kind\n"
    "                   rise by the same x\n"
    "  --from YEAR      first year of a timeline's increase (default: the year after the\n"
    "                   first adjusted setting's last dated entry, at least the second\n"
    "                   year); a continuation starts after each timeline's last dated value\n"
    "  --step X         the answer is a multiple of it (default 1 yuan; 0.001 for\n"
    "                   extra_rate)\n"
    "  --paths N        number of paths (default: simulation.paths)\n"
    "  --seed S         random seed (default: simulation.seed)\n"
    "  --threads T      threads (default: all cores, or OMP_NUM_THREADS)\n"
    "  --set KEY=VALUE  change a setting, as in `fundsim check`\n"
    "  --quiet          no progress lines on stderr\n"
    "  --lang zh|en     the language of the text (default: Chinese when LC_ALL,\n"
    "                   LC_MESSAGES or LANG starts with zh); errors stay in English\n"
    "  --help           this text\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure or a target no increase meets, 2 bad\n"
    "usage, target, setting or scenario.\n";

struct solve_cli {
    const char *scenario, *target, *from, *step;
    const char *adjust[SOLVE_MAX_ADJUST];
    size_t n_adjust;
    int threads;
    bool quiet;
    int lang; /* enum lang (output/terms.h) */
    struct setting_override *sets;
    size_t n_sets;
};

/* Reads the command line into `c`. */
static enum cli_parsed parse_options(int argc, char **argv, struct solve_cli *c)
{
    enum {
        OPT_TARGET = 256,
        OPT_ADJUST,
        OPT_FROM,
        OPT_STEP,
        OPT_PATHS,
        OPT_SEED,
        OPT_THREADS,
        OPT_LANG
    };
    static const struct option options[] = {{"target", required_argument, NULL, OPT_TARGET},
                                            {"adjust", required_argument, NULL, OPT_ADJUST},
                                            {"from", required_argument, NULL, OPT_FROM},
                                            {"step", required_argument, NULL, OPT_STEP},
                                            {"paths", required_argument, NULL, OPT_PATHS},
                                            {"seed", required_argument, NULL, OPT_SEED},
                                            {"threads", required_argument, NULL, OPT_THREADS},
                                            {"set", required_argument, NULL, 's'},
                                            {"quiet", no_argument, NULL, 'q'},
                                            {"lang", required_argument, NULL, OPT_LANG},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    const char *lang = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "s:h", options, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case OPT_TARGET:
            c->target = optarg;
            break;
        case OPT_ADJUST:
            if (c->n_adjust == SOLVE_MAX_ADJUST) {
                fprintf(stderr, "fundsim solve: at most %d --adjust\n", SOLVE_MAX_ADJUST);
                return CLI_REFUSED;
            }
            c->adjust[c->n_adjust++] = optarg;
            break;
        case OPT_FROM:
            c->from = optarg;
            break;
        case OPT_STEP:
            c->step = optarg;
            break;
        case OPT_PATHS:
        case OPT_SEED:
            bad = cli_add_simulation(&c->sets, &c->n_sets, "solve",
                                     opt == OPT_PATHS ? "--paths" : "--seed", optarg);
            break;
        case OPT_THREADS:
            bad = cli_parse_int("solve", "--threads", optarg, 1, CLI_MAX_THREADS, &c->threads);
            break;
        case 's':
            bad = cli_add_set(&c->sets, &c->n_sets, optarg);
            break;
        case 'q':
            c->quiet = true;
            break;
        case OPT_LANG:
            lang = optarg;
            break;
        case 'h':
            fputs(solve_usage, stdout);
            return CLI_HELPED;
        default:
            fputs(solve_usage, stderr);
            return CLI_REFUSED;
        }
        if (bad) return CLI_REFUSED;
    }
    if ((c->lang = cli_lang("solve", lang)) < 0) return CLI_REFUSED;
    if (optind + 1 != argc) {
        fputs(solve_usage, stderr);
        return CLI_REFUSED;
    }
    c->scenario = argv[optind];
    if (!c->target || c->n_adjust == 0) {
        fprintf(stderr, "fundsim solve: %s is required (see fundsim solve --help)\n",
                !c->target ? "--target" : "--adjust");
        return CLI_REFUSED;
    }
    return CLI_PARSED;
}

/* The adjusted settings from their keys. Returns 0, or EXIT_USAGE after saying why. */
static int find_settings(const struct solve_cli *c, struct solve_options *o)
{
    for (size_t j = 0; j < c->n_adjust; j++) {
        const struct solve_setting *k = solve_setting_find(c->adjust[j]);
        if (!k) {
            fprintf(stderr, "fundsim solve: --adjust cannot adjust \"%s\"; it can adjust:\n",
                    c->adjust[j]);
            for (const struct solve_setting *a = solve_settings; a->key; a++)
                fprintf(stderr, "  %s\n", a->key);
            return EXIT_USAGE;
        }
        for (size_t i = 0; i < j; i++)
            if (o->adjust[i] == k) {
                fprintf(stderr, "fundsim solve: --adjust %s given twice\n", k->key);
                return EXIT_USAGE;
            }
        if (j > 0 && k->unit != o->adjust[0]->unit) {
            fprintf(stderr,
                    "fundsim solve: --adjust %s and %s do not rise by the same kind of x (%s, "
                    "%s): adjust one kind at a time\n",
                    o->adjust[0]->key, k->key, term(o->adjust[0]->unit, LANG_EN),
                    term(k->unit, LANG_EN));
            return EXIT_USAGE;
        }
        o->adjust[o->n_adjust++] = k;
    }
    const struct solve_setting *national =
        solve_setting_find("policy.subsidy.national_standard_yuan");
    const struct solve_setting *standard = solve_setting_find("policy.subsidy.standard_yuan");
    bool has_national = false, has_standard = false;
    for (size_t j = 0; j < o->n_adjust; j++) {
        has_national |= o->adjust[j] == national;
        has_standard |= o->adjust[j] == standard;
    }
    if (has_national && !has_standard) {
        /* The national standard only splits the region's standard among the
         * levels of government; raised alone it would pass the standard. */
        fprintf(stderr,
                "fundsim solve: --adjust %s needs --adjust %s too: the national standard only "
                "decides who pays the subsidy, and must stay at or below the region's standard\n",
                national->key, standard->key);
        return EXIT_USAGE;
    }
    return 0;
}

/* overrides[k * n_adjust + j]: region k sets adjusted setting j itself. */
static int find_overrides(const struct scenario *s, const struct solve_options *o, bool *overrides)
{
    config_t cfg;
    config_init(&cfg);
    int status = -1;
    if (config_read_string(&cfg, s->resolved_text) == CONFIG_TRUE) {
        config_setting_t *regions = config_lookup(&cfg, "regions");
        for (size_t k = 0; k < s->n_regions; k++) {
            config_setting_t *r = regions ? config_setting_get_elem(regions, (unsigned)k) : NULL;
            for (size_t j = 0; j < o->n_adjust; j++)
                overrides[k * o->n_adjust + j] =
                    r && config_setting_lookup(r, o->adjust[j]->key) != NULL;
        }
        status = 0;
    }
    config_destroy(&cfg);
    return status;
}

/* The first region that does not override setting j (its timeline is the
 * scenario's own), or n_regions when every region does. */
static size_t plain_region(const struct scenario *s, const struct solve_options *o,
                           const bool *overrides, size_t j)
{
    size_t k = 0;
    while (k < s->n_regions && overrides[k * o->n_adjust + j])
        k++;
    return k;
}

static const struct step *timeline(const struct scenario *s, size_t region,
                                   const struct solve_setting *k)
{
    return (const struct step *)((const char *)&s->regions[region].policy + k->offset);
}

/* A number as libconfig reads a float back: 350.0, 352.5. */
static void print_yuan(FILE *out, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", v);
    fprintf(out, "%s%s", buf, strpbrk(buf, ".en") ? "" : ".0");
}

/* `--set 'PREFIXKEY=((year, value), ...)'` with the timeline raised by x. */
static int print_set_line(FILE *out, const char *prefix, const char *key, const struct step *base,
                          const struct scenario *s, const struct solve_options *o, double x)
{
    int last = o->target.year;
    size_t size = solve_raised_size(base, o->from, last);
    struct step raised = {.key = malloc(size * sizeof(int)),
                          .value = malloc(size * sizeof(double))};
    if (!raised.key || !raised.value) {
        free(raised.key);
        free(raised.value);
        return -1;
    }
    solve_raise(base, s->simulation.start_year, o->from, last, x, &raised);
    fprintf(out, "  --set '%s%s=(", prefix, key);
    for (size_t e = 0; e < raised.n; e++) {
        fprintf(out, "%s(%d, ", e ? ", " : "", raised.key[e]);
        print_yuan(out, raised.value[e]);
        fputc(')', out);
    }
    fputs(")'\n", out);
    free(raised.key);
    free(raised.value);
    return 0;
}

static void print_answer(FILE *out, const struct scenario *s, const struct solve_options *o,
                         const struct solve_result *r, double seconds)
{
    enum lang l = o->lang;
    char p[256];
    target_describe(&o->target, s, l, p, sizeof p);
    fprintf(out, term(TERM_solve_header, l), s->name, p,
            o->target.strict ? "<" : "<=", o->target.probability, r->paths, s->simulation.seed);
    fputs("\n\n", out);
    const struct solve_setting *kind = o->adjust[0];
    fputs(term(TERM_solve_raise, l), out);
    for (size_t j = 0; j < o->n_adjust; j++)
        fprintf(out, "%s%s",
                j == 0                ? ""
                : j + 1 < o->n_adjust ? (l == LANG_ZH ? "、" : ", ")
                                      : term(TERM_solve_and, l),
                o->adjust[j]->key);
    const char *each = o->n_adjust > 1 ? term(TERM_solve_each, l) : "";
    if (kind->kind == SOLVE_CONTINUATION)
        fprintf(out, term(TERM_solve_by_continuation, l), r->x, term(kind->unit, l), each);
    else
        fprintf(out, term(TERM_solve_by_yuan, l), r->x, each, o->from);
    fputc('\n', out);

    fprintf(out, term(TERM_solve_interval, l), r->ci_low);
    if (r->rank_low == 0 && o->target.probability == 0)
        fputs(term(TERM_solve_unbounded_zero, l), out);
    else if (r->rank_low == 0)
        /* the upper end needs P(no path depleted) = (1 - P)^N ≤ 0.025 */
        fprintf(out, term(TERM_solve_unbounded, l), r->paths, o->target.probability,
                ceil(log(0.025) / log1p(-o->target.probability)));
    else if (isinf(r->ci_high))
        fprintf(out, term(TERM_solve_above, l), kind->max);
    else
        fprintf(out, "%g", r->ci_high);
    fputc('\n', out);
    fprintf(out, term(TERM_solve_at, l), p, r->x, (double)r->depleted / (double)r->paths,
            r->depleted, r->paths, r->p_low, r->p_high, r->allowed);
    fputc('\n', out);
    if (r->x > 0)
        fprintf(out, term(TERM_solve_below, l), r->x - o->step,
                (double)r->depleted_below / (double)r->paths, r->depleted_below, r->paths);
    else
        fputs(term(TERM_solve_holds, l), out);
    fputc('\n', out);
    fprintf(out, term(TERM_solve_trials, l), r->runs, r->runs == 1 ? "" : "s", r->paths,
            s->simulation.years, seconds);
    fputc('\n', out);
}

/* A continuation's number in region k. */
static double continuation_number(const struct scenario *s, size_t region,
                                  const struct solve_setting *k)
{
    return *(const double *)((const char *)&s->regions[region].policy + k->offset);
}

/* That every region sets its own adjusted setting j. */
static void print_own(FILE *out, const struct solve_options *o, size_t j)
{
    fprintf(out, term(TERM_solve_own, o->lang), o->adjust[j]->key);
    fputc('\n', out);
}

/* That region k sets its own adjusted setting j, which rises as the scenario's. */
static void print_region_own(FILE *out, const struct scenario *s, const struct solve_options *o,
                             size_t k, size_t j)
{
    fprintf(out, term(TERM_solve_region_own, o->lang),
            o->lang == LANG_ZH ? s->regions[k].name_zh : s->regions[k].name, o->adjust[j]->key);
    fputc('\n', out);
}

/* The continuation numbers raised: the scenario's, then each overriding region's. */
static void print_numbers(FILE *out, const struct scenario *s, const struct solve_options *o,
                          const bool *overrides, double x)
{
    fprintf(out, "\n%s\n", term(TERM_solve_numbers_title, o->lang));
    for (size_t j = 0; j < o->n_adjust; j++) {
        size_t k = plain_region(s, o, overrides, j);
        if (k == s->n_regions) {
            print_own(out, o, j);
            continue;
        }
        fprintf(out, "  --set '%s=", o->adjust[j]->key);
        print_yuan(out, continuation_number(s, k, o->adjust[j]) + x);
        fputs("'\n", out);
    }
    for (size_t k = 0; k < s->n_regions; k++)
        for (size_t j = 0; j < o->n_adjust; j++) {
            if (!overrides[k * o->n_adjust + j]) continue;
            print_region_own(out, s, o, k, j);
            fprintf(out, "  --set 'regions.[%zu].%s=", k, o->adjust[j]->key);
            print_yuan(out, continuation_number(s, k, o->adjust[j]) + x);
            fputs("'\n", out);
        }
}

/* The raised timelines: the scenario's, then each overriding region's. */
static int print_timelines(FILE *out, const struct scenario *s, const struct solve_options *o,
                           const bool *overrides, double x)
{
    if (o->adjust[0]->kind == SOLVE_CONTINUATION) {
        print_numbers(out, s, o, overrides, x);
        return 0;
    }
    fputc('\n', out);
    fprintf(out, term(TERM_solve_timelines_title, o->lang), o->target.year + 1, o->target.year);
    fputc('\n', out);
    for (size_t j = 0; j < o->n_adjust; j++) {
        size_t k = plain_region(s, o, overrides, j);
        if (k == s->n_regions)
            print_own(out, o, j);
        else if (print_set_line(out, "", o->adjust[j]->key, timeline(s, k, o->adjust[j]), s, o,
                                x) != 0)
            return -1;
    }
    for (size_t k = 0; k < s->n_regions; k++)
        for (size_t j = 0; j < o->n_adjust; j++) {
            if (!overrides[k * o->n_adjust + j]) continue;
            print_region_own(out, s, o, k, j);
            char prefix[64];
            snprintf(prefix, sizeof prefix, "regions.[%zu].", k);
            if (print_set_line(out, prefix, o->adjust[j]->key, timeline(s, k, o->adjust[j]), s, o,
                               x) != 0)
                return -1;
        }
    return 0;
}

/* Loads the scenario, parses the target against it and reloads it with the
 * horizon ending at the target's year. Returns 0, or the exit status after
 * saying why. */
static int load(struct solve_cli *c, struct scenario *s, struct target *t)
{
    struct diag d = {0};
    int status = EXIT_USAGE;
    int loaded = scenario_load(c->scenario, c->sets, c->n_sets, s, &d);
    if (loaded != 0) {
        status = cli_load_failed("solve", &d, true);
        goto done;
    }
    if (target_parse(c->target, s, t, &d) != 0) {
        fprintf(stderr, "fundsim solve: --target: %s\n", diag_last_text(&d));
        goto done;
    }
    int years = t->year - s->simulation.start_year + 1;
    if (years != s->simulation.years) {
        scenario_free(s);
        char year[16];
        snprintf(year, sizeof year, "%d", t->year);
        if (cli_add_number(&c->sets, &c->n_sets, "simulation.years", years, "--target's year",
                           year) != 0) {
            status = EXIT_FAILURE_RUN;
            goto done;
        }
        loaded = scenario_load(c->scenario, c->sets, c->n_sets, s, &d);
        if (loaded != 0) {
            status = cli_load_failed("solve", &d, true);
            goto done;
        }
    }
    status = 0;
done:
    diag_free(&d);
    return status;
}

/* --from and --step into the options. Returns 0, or EXIT_USAGE after saying why. */
static int parse_from_step(const struct solve_cli *c, const struct scenario *s,
                           const bool *overrides, struct solve_options *o)
{
    int start = s->simulation.start_year;
    const struct solve_setting *kind = o->adjust[0];
    if (kind->kind == SOLVE_CONTINUATION) {
        if (c->from) {
            fprintf(stderr,
                    "fundsim solve: --from does not apply to %s: a continuation rule moves each "
                    "timeline from the year after its last dated value\n",
                    kind->key);
            return EXIT_USAGE;
        }
        o->from = o->target.year + 1;
        for (size_t j = 0; j < o->n_adjust; j++) {
            int from = solve_continuation_from(s, o->adjust[j]);
            if (from < o->from) o->from = from;
        }
        if (o->from > o->target.year) {
            fprintf(stderr,
                    "fundsim solve: %s changes nothing up to the target's year %d: its "
                    "timelines are dated up to it\n",
                    kind->key, o->target.year);
            return EXIT_USAGE;
        }
    } else if (c->from) {
        if (cli_parse_int("solve", "--from", c->from, start, o->target.year, &o->from) != 0)
            return EXIT_USAGE;
    } else {
        size_t k = plain_region(s, o, overrides, 0);
        o->from = solve_default_from(timeline(s, k < s->n_regions ? k : 0, o->adjust[0]), start);
        if (o->from > o->target.year) {
            fprintf(stderr,
                    "fundsim solve: %s has dated entries up to the target's year %d: give "
                    "--from\n",
                    o->adjust[0]->key, o->target.year);
            return EXIT_USAGE;
        }
    }
    o->step = kind->default_step;
    if (c->step) {
        char *end;
        errno = 0;
        o->step = strtod(c->step, &end);
        if (errno || end == c->step || *end || isspace((unsigned char)c->step[0]) ||
            !(o->step > 0) || o->step > kind->max) {
            fprintf(stderr,
                    "fundsim solve: --step expects a number above 0 and at most %g (%s), got "
                    "\"%s\"\n",
                    kind->max, term(kind->unit, LANG_EN), c->step);
            return EXIT_USAGE;
        }
    }
    return 0;
}

int cmd_solve(int argc, char **argv)
{
    struct solve_cli c = {0};
    struct solve_options o = {0};
    struct scenario s = {0};
    bool *overrides = NULL;
    int status = EXIT_OK;
    enum cli_parsed parsed = parse_options(argc, argv, &c);
    if (parsed != CLI_PARSED) {
        status = parsed == CLI_HELPED ? EXIT_OK : EXIT_USAGE;
        goto done;
    }
    if (c.threads == 0 && cli_default_threads("solve", 1, &c.threads) != 0) {
        status = EXIT_USAGE;
        goto done;
    }
    cli_start_threads(c.threads);
    if ((status = find_settings(&c, &o)) != 0 || (status = load(&c, &s, &o.target)) != 0) goto done;
    overrides = calloc(s.n_regions * o.n_adjust, sizeof *overrides);
    if (!overrides || find_overrides(&s, &o, overrides) != 0) {
        fprintf(stderr, "fundsim solve: cannot read back the resolved scenario (out of memory?)\n");
        status = EXIT_FAILURE_RUN;
        goto done;
    }
    if ((status = parse_from_step(&c, &s, overrides, &o)) != 0) goto done;
    o.threads = c.threads;
    o.lang = (enum lang)c.lang;
    struct cli_voice voice = {.command = "solve", .quiet = c.quiet, .lang = c.lang};
    o.say = cli_say(&voice);
    if (!c.quiet) {
        char target[256];
        target_describe(&o.target, &s, o.lang, target, sizeof target);
        fputs("fundsim solve: ", stderr);
        fprintf(stderr, term(TERM_msg_solve_start, o.lang), s.name, target,
                o.target.strict ? "<" : "<=", o.target.probability, s.simulation.paths,
                s.simulation.years, s.n_regions, o.threads, o.threads == 1 ? "" : "s", o.from,
                o.step, term(o.adjust[0]->unit, o.lang));
        fputc('\n', stderr);
    }

    struct diag d = {0};
    struct solve_result r;
    double t0 = timing_now_s();
    if (solve_run(&s, &o, &r, &d) != 0) {
        cli_print_diag(&voice, &d);
        status = cli_failure_status(&d);
    } else {
        print_answer(stdout, &s, &o, &r, timing_now_s() - t0);
        status = print_timelines(stdout, &s, &o, overrides, r.x) == 0 ? EXIT_OK : EXIT_FAILURE_RUN;
        if (status != EXIT_OK) fprintf(stderr, "fundsim solve: out of memory\n");
    }
    diag_free(&d);
done:
    free(overrides);
    scenario_free(&s);
    cli_free_sets(c.sets, c.n_sets);
    return status;
}
