/* cli.c: what the subcommands share: the terminal's side of the library's
 * voice (messages, the progress bar, the problems of a diag), the `--set` and
 * number options, the thread count, the report of a failed scenario load, and
 * the start of the thread team. Only the command line prints, so these print
 * their refusals. */
#include "sim/cli/cli.h"
#include "output/terms.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"
#include "sim/config/schema.h"

#include <errno.h>
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ends a progress bar's line before anything else is written below it. */
static void end_bar(struct cli_voice *v)
{
    if (!v->bar_open) return;
    fputc('\n', stderr);
    v->bar_open = false;
}

static void draw_bar(struct cli_voice *v, const struct say_progress *p)
{
    const int width = 30;
    if (p->all == 0) return;
    int filled = (int)((double)width * (double)p->done / (double)p->all);
    double left = p->done > 0 ? p->elapsed_s * (double)(p->all - p->done) / (double)p->done : 0;
    fprintf(stderr, "\r[%.*s%*s] ", filled, "##############################", width - filled, "");
    fprintf(stderr, term(TERM_msg_progress, (enum lang)v->lang), p->done, p->all, p->elapsed_s,
            left);
    v->bar_open = true;
    if (p->done == p->all) end_bar(v);
    fflush(stderr);
}

static void speak(void *ctx, enum say_level level, const char *text,
                  const struct say_progress *progress)
{
    struct cli_voice *v = ctx;
    if (level == SAY_PROGRESS) {
        if (v->progress && progress) draw_bar(v, progress);
        return;
    }
    if (level == SAY_NOTE && v->quiet) return;
    end_bar(v);
    fprintf(stderr, "fundsim %s: %s\n", v->command, text ? text : "(out of memory)");
}

struct say cli_say(struct cli_voice *v)
{
    return (struct say){.fn = speak, .ctx = v};
}

void cli_print_diag(struct cli_voice *v, const struct diag *d)
{
    size_t shown = 0, hidden = 0;
    for (size_t i = 0; i < d->n; i++) {
        const struct diag_entry *e = &d->entries[i];
        if (e->kind != DIAG_SCENARIO) {
            speak(v, SAY_ERROR, e->text, NULL);
        } else if (shown++ < DIAG_PRINT_MAX) {
            end_bar(v);
            diag_print_entry(stderr, e);
        } else {
            hidden++;
        }
    }
    if (hidden) fprintf(stderr, "error: ... and %zu more\n", hidden);
}

int cli_failure_status(const struct diag *d)
{
    int status = (int)diag_status(d);
    return status == EXIT_OK ? EXIT_FAILURE_RUN : status;
}

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
    const struct spec *s = schema_member(schema_member(&schema_table, "simulation"), name);
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

int cli_load_failed(const char *command, const struct diag *d, bool speak)
{
    if (d->no_memory) {
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

int cli_lang(const char *command, const char *arg)
{
    if (arg) {
        if (!strcmp(arg, "zh")) return LANG_ZH;
        if (!strcmp(arg, "en")) return LANG_EN;
        fprintf(stderr, "fundsim %s: --lang expects zh or en, got \"%s\"\n", command, arg);
        return -1;
    }
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t k = 0; k < sizeof vars / sizeof *vars; k++) {
        const char *v = getenv(vars[k]);
        if (v && *v) return strncmp(v, "zh", 2) == 0 ? LANG_ZH : LANG_EN;
    }
    return LANG_EN;
}
