/* cmd_merge.c: `fundsim merge`: slices of a run combined into the run's file
 * (merge.c), then the summary tables of the file written (output/report.c). */
#include "output/outpath.h"
#include "output/report.h"
#include "sim/cli/cli.h"
#include "sim/merge.h"

#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static const char merge_usage[] =
    "Usage: fundsim merge -o OUT [OPTIONS] SLICE...\n"
    "\n"
    "Combines the files of slices of one run (`fundsim run --paths-from A\n"
    "--paths-to B`) into the file that a single run of all the paths writes, the\n"
    "same bit for bit but for its time of writing, and prints its summary tables\n"
    "(as `fundsim summary` does). The slices may come in any order; together\n"
    "they must hold each path of the run once, and come from the same scenario,\n"
    "seed, number of paths and fundsim version. A whole run's file counts as the\n"
    "slice of all its paths. Files of `fundsim compare` and files written with\n"
    "--summary-only cannot be merged.\n"
    "\n"
    "  -o, --output FILE   the HDF5 file to write (required); written under a\n"
    "                      temporary name and renamed when complete; a new name\n"
    "                      or a regular file (not a link)\n"
    "  --summary-only      write the summaries but not the per-path datasets\n"
    "  --threads T         threads for the quantiles (default: all cores, or\n"
    "                      OMP_NUM_THREADS)\n"
    "  --quiet             no messages and no summary tables\n"
    "  --help              this text\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure (a file cannot be read, a write\n"
    "fails; no file left behind), 2 bad usage, or slices that do not make one run\n"
    "(the message says which file differs, or which paths are missing or overlap).\n";

int cmd_merge(int argc, char **argv)
{
    enum { OPT_SUMMARY_ONLY = 256, OPT_THREADS, OPT_QUIET };
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"summary-only", no_argument, NULL, OPT_SUMMARY_ONLY},
                                            {"threads", required_argument, NULL, OPT_THREADS},
                                            {"quiet", no_argument, NULL, OPT_QUIET},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    struct cli_voice voice = {.command = "merge"};
    struct merge_options o = {.threads = omp_get_max_threads(), .say = cli_say(&voice)};
    const char *out_path = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (opt) {
        case 'o':
            out_path = optarg;
            break;
        case OPT_SUMMARY_ONLY:
            o.summary_only = true;
            break;
        case OPT_THREADS:
            if (cli_parse_int("merge", "--threads", optarg, 1, CLI_MAX_THREADS, &o.threads))
                return EXIT_USAGE;
            break;
        case OPT_QUIET:
            voice.quiet = true;
            break;
        case 'h':
            fputs(merge_usage, stdout);
            return EXIT_OK;
        default:
            fputs(merge_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (!out_path || optind >= argc) {
        fprintf(stderr, "fundsim merge: %s\n\n%s",
                out_path ? "no SLICE files given" : "-o OUT is required", merge_usage);
        return EXIT_USAGE;
    }
    struct diag d = {0};
    int status = EXIT_OK;
    if (outpath_check(out_path, &d) != 0 ||
        merge_files(out_path, (const char *const *)(argv + optind), (size_t)(argc - optind), &o,
                    &d) != 0 ||
        (!voice.quiet && report_print(out_path, NULL, 0, false, REPORT_ALL, stdout, &d) != 0)) {
        cli_print_diag(&voice, &d);
        status = cli_failure_status(&d);
    }
    diag_free(&d);
    return status;
}
