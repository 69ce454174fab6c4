/* test_diag.c: the one error channel and the one voice (DEVELOPERS.md,
 * "Conventions"): a diag's kinds and the exit status they give, what the
 * command line prints of a diag, and how it speaks for the library (notes
 * dropped by --quiet, warnings kept, the progress bar on its own line). What
 * the command line writes to stderr is read back from a temporary file put
 * in its place. */
#include "sim/cli/cli.h"
#include "sim/config/diag.h"
#include "sim/config/say.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* stderr into a temporary file until stderr_text() gives it back. */
static struct {
    FILE *file;
    int saved;
} captured;

static void capture_stderr(void)
{
    fflush(stderr);
    captured.file = tmpfile();
    assert_non_null(captured.file);
    captured.saved = dup(STDERR_FILENO);
    assert_true(captured.saved >= 0);
    assert_true(dup2(fileno(captured.file), STDERR_FILENO) >= 0);
}

/* What was written since capture_stderr (the caller frees it). */
static char *stderr_text(void)
{
    fflush(stderr);
    dup2(captured.saved, STDERR_FILENO);
    close(captured.saved);
    long n = ftell(captured.file);
    assert_true(n >= 0);
    char *text = calloc((size_t)n + 1, 1);
    assert_non_null(text);
    rewind(captured.file);
    assert_int_equal(fread(text, 1, (size_t)n, captured.file), (size_t)n);
    fclose(captured.file);
    return text;
}

static void test_kinds_give_the_status(void **state)
{
    (void)state;
    struct diag d = {0};
    assert_int_equal(diag_status(&d), DIAG_OK);
    assert_string_equal(diag_last_text(&d), "");
    assert_null(diag_last(&d));
    diag_path(&d, "simulation.paths", "a.cfg", 3, "expected at least %d", 1);
    assert_int_equal(diag_status(&d), DIAG_BAD);
    diag_refuse(&d, "no files to merge");
    assert_int_equal(diag_status(&d), DIAG_BAD);
    assert_int_equal(diag_last(&d)->kind, DIAG_USAGE);
    diag_fail(&d, "cannot write %s", "x.h5");
    assert_int_equal(diag_status(&d), DIAG_FAILED); /* a runtime failure outweighs the rest */
    assert_int_equal(diag_last(&d)->kind, DIAG_RUNTIME);
    assert_string_equal(diag_last_text(&d), "cannot write x.h5");
    assert_int_equal(d.n, 3);
    diag_free(&d);
    assert_int_equal(diag_status(&d), DIAG_OK);
    d.no_memory = true; /* an entry lost to memory is a runtime failure */
    assert_int_equal(diag_status(&d), DIAG_FAILED);
    diag_free(&d);
    /* the exit statuses are the diag's */
    assert_int_equal(EXIT_FAILURE_RUN, DIAG_FAILED);
    assert_int_equal(EXIT_USAGE, DIAG_BAD);
}

static void test_append(void **state)
{
    (void)state;
    struct diag d = {0};
    diag_append(&d, "; nothing to add to"); /* no entry: nothing */
    assert_int_equal(d.n, 0);
    diag_fail(&d, "interrupted");
    diag_append(&d, "; kept in %s", "out.h5.ckpt");
    assert_int_equal(d.n, 1);
    assert_string_equal(diag_last_text(&d), "interrupted; kept in out.h5.ckpt");
    diag_free(&d);
}

/* A say callback that keeps what it hears. */
struct heard {
    int notes, warnings, progress;
    size_t done, all;
    char last[4096];
};

static void hear(void *ctx, enum say_level level, const char *text, const struct say_progress *p)
{
    struct heard *h = ctx;
    if (level == SAY_PROGRESS) {
        assert_null(text);
        h->progress++, h->done = p->done, h->all = p->all;
        return;
    }
    assert_null(p);
    h->notes += level == SAY_NOTE, h->warnings += level == SAY_WARNING;
    snprintf(h->last, sizeof h->last, "%s", text);
}

static void test_say(void **state)
{
    (void)state;
    say_text(NULL, SAY_NOTE, "to no one");
    say_text(&(struct say){0}, SAY_NOTE, "to no one");
    say_progress(&(struct say){0}, 1, 2, 0);
    struct heard h = {0};
    struct say s = {.fn = hear, .ctx = &h};
    say_text(&s, SAY_NOTE, "%zu paths", (size_t)64);
    assert_string_equal(h.last, "64 paths");
    char long_name[2000];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    say_text(&s, SAY_WARNING, "%s: damaged", long_name); /* longer than say.c's own buffer */
    assert_int_equal(strlen(h.last), sizeof long_name - 1 + strlen(": damaged"));
    say_progress(&s, 128, 256, 2.5);
    assert_int_equal(h.notes, 1);
    assert_int_equal(h.warnings, 1);
    assert_int_equal(h.progress, 1);
    assert_int_equal(h.done, 128);
    assert_int_equal(h.all, 256);
}

/* The command line's voice: "fundsim COMMAND: " before each message, notes
 * dropped when quiet, warnings never; progress drawn only when asked for,
 * and its line ended before anything else is written. */
static void test_voice(void **state)
{
    (void)state;
    struct cli_voice quiet = {.command = "run", .quiet = true};
    struct say s = cli_say(&quiet);
    capture_stderr();
    say_text(&s, SAY_NOTE, "wrote out.h5");
    say_text(&s, SAY_WARNING, "2 damaged blocks removed");
    say_progress(&s, 64, 128, 1);
    char *text = stderr_text();
    assert_string_equal(text, "fundsim run: 2 damaged blocks removed\n");
    free(text);

    struct cli_voice bar = {.command = "compare", .progress = true};
    s = cli_say(&bar);
    capture_stderr();
    say_text(&s, SAY_NOTE, "starting");
    say_progress(&s, 64, 128, 1);
    say_text(&s, SAY_NOTE, "interrupted");
    say_progress(&s, 128, 128, 2);
    text = stderr_text();
    assert_string_equal(text, "fundsim compare: starting\n"
                              "\r[###############               ] 64/128 paths, 1 s elapsed, "
                              "about 1 s left \n"
                              "fundsim compare: interrupted\n"
                              "\r[##############################] 128/128 paths, 2 s elapsed, "
                              "about 0 s left \n");
    assert_false(bar.bar_open);
    free(text);
}

/* A diag as the command line prints it: a scenario's problems as `fundsim
 * check` does, the others as the command's errors. */
static void test_print_diag(void **state)
{
    (void)state;
    struct diag d = {0};
    diag_path(&d, "simulation.paths", "a.cfg", 3, "expected at least 1");
    diag_loc(&d, "b.cfg", 0, "the variant has the base's name");
    diag_fail(&d, "cannot write %s", "x.h5");
    struct cli_voice v = {.command = "run", .quiet = true};
    capture_stderr();
    cli_print_diag(&v, &d);
    char *text = stderr_text();
    assert_string_equal(text, "error: simulation.paths: expected at least 1 (a.cfg:3)\n"
                              "error: the variant has the base's name (b.cfg)\n"
                              "fundsim run: cannot write x.h5\n");
    free(text);
    assert_int_equal(cli_failure_status(&d), EXIT_FAILURE_RUN);
    diag_free(&d);
    diag_refuse(&d, "no files to merge");
    assert_int_equal(cli_failure_status(&d), EXIT_USAGE);
    diag_free(&d);
    /* a failure without a message (another MPI rank's) is a runtime failure */
    assert_int_equal(cli_failure_status(&d), EXIT_FAILURE_RUN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_give_the_status),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_say),
        cmocka_unit_test(test_voice),
        cmocka_unit_test(test_print_diag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
