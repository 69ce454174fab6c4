/* fuzz_h5read.c: the libFuzzer target of the readers of a run's file, what
 * `fundsim summary` and `fundsim merge` run on a file they are given:
 * report_print (every table the file has) and merge_files (the file as the one
 * slice of its run, merged into a new file).
 *
 * Each input is written as input.h5 in a scratch folder made once in the
 * current one (h5read.sh runs the fuzzer in a scratch folder); the merge
 * writes out.h5 beside it. Either command may refuse the input, with a
 * message; neither may crash or trip a sanitizer, and after both the folder
 * holds input.h5 alone (the merge's output, if it succeeded, removed here:
 * no temporary file left) and no HDF5 object is left open. Seeds and how to
 * run it: README.md. */
#include "output/report.h"
#include "sim/config/diag.h"
#include "sim/merge.h"

#include <hdf5.h>

#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libFuzzer's entry points give no room for state: the folder's paths and
 * the sink of the tables are what lives between calls. */
static char dir[PATH_MAX], input[PATH_MAX], output[PATH_MAX];
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char made[] = "fuzz-h5read-XXXXXX";
    if (!mkdtemp(made) || !realpath(made, dir)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(input, sizeof input, "%.4000s/input.h5", dir);
    snprintf(output, sizeof output, "%.4000s/out.h5", dir);
    if (!(sink = fopen("/dev/null", "w"))) {
        perror("/dev/null");
        exit(1);
    }
    return 0;
}

/* Aborts, so that libFuzzer keeps the input, when the folder holds anything
 * but input.h5. */
static void check_folder(void)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "input.h5")) {
            fprintf(stderr, "fuzz_h5read: %s/%s was left behind\n", dir, e->d_name);
            abort();
        }
    if (d) closedir(d);
}

/* A refusal must say why. */
static void check_message(const char *command, int status, const struct diag *d)
{
    if (status && !diag_last_text(d)[0]) {
        fprintf(stderr, "fuzz_h5read: %s failed (%d) without a message\n", command, status);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(input, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(input);
        abort();
    }
    struct diag dg = {0};
    int status = report_print(input, NULL, 0, false, REPORT_ALL, sink, &dg);
    check_message("summary", status, &dg);
    diag_free(&dg);

    const char *in[1] = {input};
    struct merge_options o = {.threads = 1};
    status = merge_files(output, in, 1, &o, &dg);
    check_message("merge", status, &dg);
    diag_free(&dg);
    if (status == 0) unlink(output);
    check_folder();

    ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (open != 0) {
        fprintf(stderr, "fuzz_h5read: %zd HDF5 objects left open\n", open);
        abort();
    }
    unlink(input);
    return 0;
}
