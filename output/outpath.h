/* outpath.h: what an output path may name.
 *
 * An output is written under a temporary name beside it and renamed onto it
 * when complete (h5out.h). rename(2) replaces whatever the path names: a
 * device such as /dev/null, a FIFO, a socket, a symbolic link. So fundsim
 * replaces only a regular file, or writes where there is nothing; anything
 * else is refused, once before any work (outpath_check) and again just before
 * the rename (outpath_replaceable), in case it was put there during the run.
 * A symbolic link is refused too, even to a regular file: the rename would
 * replace the link, not the file it points to, which is not what its owner
 * meant either way. */
#ifndef FUNDSIM_OUTPATH_H
#define FUNDSIM_OUTPATH_H

#include <stddef.h>

struct diag;

/* Whether `path` can be an output: a non-empty name of a file (not ending in
 * '/') in a folder that exists, naming a regular file or nothing. Returns 0,
 * or -1 with the reason in `d` (DIAG_USAGE, naming the path). Errors it cannot decide on
 * (a folder it may not search) pass: writing then says why. */
int outpath_check(const char *path, struct diag *d);

/* Whether the rename onto `path` may replace what is there: a regular file or
 * nothing (lstat). Returns 0, or -1 with the reason in `d`. */
int outpath_replaceable(const char *path, struct diag *d);

#endif
