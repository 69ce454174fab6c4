/* outpath.c: what an output path may name (outpath.h). */
#include "output/outpath.h"
#include "output/stale.h"

#include "sim/config/diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What a file of `mode` is, for messages: "a FIFO (named pipe)". */
static const char *kind(mode_t mode)
{
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

/* The folder that would hold `path` exists and is a folder. Returns 0, or -1
 * with `d`; a folder that cannot be looked at (EACCES) passes. */
static int check_folder(const char *path, struct diag *d)
{
    char *dir = stale_folder(path);
    if (!dir) {
        diag_fail(d, "out of memory");
        return -1;
    }
    struct stat st;
    int rc = 0;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            diag_refuse(d, "the folder %s of the output %s does not exist", dir, path);
            rc = -1;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        diag_refuse(d, "%s is not a folder: it cannot hold the output %s", dir, path);
        rc = -1;
    }
    free(dir);
    return rc;
}

int outpath_check(const char *path, struct diag *d)
{
    if (!*path) {
        diag_refuse(d, "the output's name is empty: give a file name, such as run.h5");
        return -1;
    }
    if (path[strlen(path) - 1] == '/') {
        diag_refuse(d, "the output %s ends with '/': give a file name, such as %srun.h5", path,
                    path);
        return -1;
    }
    if (check_folder(path, d)) return -1;
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISREG(st.st_mode)) return 0;
    if (S_ISDIR(st.st_mode))
        diag_refuse(d, "the output %s is a folder: give a file name, such as %s/run.h5", path,
                    path);
    else if (S_ISLNK(st.st_mode))
        diag_refuse(d,
                    "the output %s is a symbolic link: fundsim would replace the link, not the "
                    "file it points to; give that file's own path",
                    path);
    else
        diag_refuse(d,
                    "the output %s is %s: fundsim writes a new file or replaces a regular one, "
                    "nothing else",
                    path, kind(st.st_mode));
    return -1;
}

int outpath_replaceable(const char *path, struct diag *d)
{
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISREG(st.st_mode)) return 0;
    diag_fail(d, "%s is now %s, not a regular file: it is left as it is", path, kind(st.st_mode));
    return -1;
}
