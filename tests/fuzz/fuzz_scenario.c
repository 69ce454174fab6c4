/* fuzz_scenario.c: the libFuzzer target of the scenario loader, what
 * `fundsim check` runs on a file: scenario_load (read, @include, base
 * scenarios, schema checks, cross checks, data files, resolved text).
 *
 * Each input is written as input.cfg in a scratch folder built once, whose
 * neighbours make the relative names of the seed corpus resolve: data/ and
 * ../../scenarios/ (the shipped data), ../minimal.cfg and minimal.cfg (the
 * base of the test variants), ../henan-2022.cfg (the shipped variants) and
 * the CSV files of tests/scenarios/bad and hand. The folder is made in the
 * current one (run.sh runs the fuzzer in a scratch folder). Build and run:
 * README.md. */
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FUNDSIM_SOURCE_DIR
#error "FUNDSIM_SOURCE_DIR: the source folder, set by tests/fuzz/meson.build"
#endif

/* libFuzzer's entry points give no room for state: the input's path is the
 * one thing that lives between calls. */
static char input_path[PATH_MAX];

static void link_or_die(const char *target, const char *dir, const char *name)
{
    char at[PATH_MAX];
    snprintf(at, sizeof at, "%s/%s", dir, name);
    if (symlink(target, at) != 0) {
        perror(at);
        exit(1);
    }
}

/* Links every .csv of `from` (a folder of the source tree) into `dir`. */
static void link_csv(const char *from, const char *dir)
{
    DIR *d = opendir(from);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0) {
            char target[PATH_MAX];
            snprintf(target, sizeof target, "%s/%s", from, e->d_name);
            link_or_die(target, dir, e->d_name);
        }
    }
    if (d) closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *src = FUNDSIM_SOURCE_DIR;
    /* in the current folder, which run.sh makes and removes */
    char made[] = "fuzz-work-XXXXXX", top[PATH_MAX], x[PATH_MAX], a[PATH_MAX], b[PATH_MAX],
         t[PATH_MAX];
    if (!mkdtemp(made) || !realpath(made, top)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(x, sizeof x, "%.4000s/x", top);
    snprintf(a, sizeof a, "%.4000s/a", x);
    snprintf(b, sizeof b, "%.4000s/b", a);
    if (mkdir(x, 0700) || mkdir(a, 0700) || mkdir(b, 0700)) {
        perror(b);
        exit(1);
    }
    snprintf(t, sizeof t, "%s/scenarios", src);
    link_or_die(t, top, "scenarios");
    link_or_die(t, x, "scenarios");
    snprintf(t, sizeof t, "%s/scenarios/data", src);
    link_or_die(t, b, "data");
    snprintf(t, sizeof t, "%s/scenarios/henan-2022.cfg", src);
    link_or_die(t, a, "henan-2022.cfg");
    snprintf(t, sizeof t, "%s/tests/scenarios/minimal.cfg", src);
    link_or_die(t, a, "minimal.cfg");
    link_or_die(t, b, "minimal.cfg");
    snprintf(t, sizeof t, "%s/tests/scenarios/bad", src);
    link_csv(t, b);
    snprintf(t, sizeof t, "%s/tests/scenarios/hand", src);
    link_csv(t, b);
    snprintf(input_path, sizeof input_path, "%.4000s/input.cfg", b);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(input_path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(input_path);
        abort();
    }
    struct diag d = {0};
    struct scenario s;
    if (scenario_load(input_path, NULL, 0, &s, &d) == 0) scenario_free(&s);
    diag_free(&d);
    return 0;
}
