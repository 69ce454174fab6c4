/* stale.h: the temporary files that killed runs leave beside their output.
 *
 * A run writes OUT.h5.tmp-<pid> and renames it onto OUT.h5 when complete
 * (h5out.h). A run killed by SIGKILL, a crash or a power cut cannot remove
 * its own, so the next run of the same output does: a temporary file is stale
 * when no process with its pid is alive on this machine. A run still going
 * here keeps its file. A run on another machine (or in another pid namespace)
 * writing the same output into a shared folder cannot be seen: its file is
 * taken for stale, and it then fails at its rename with a message. Two runs
 * writing one output at once is a mistake anyway, and neither leaves a
 * half-written OUT.h5. */
#ifndef FUNDSIM_STALE_H
#define FUNDSIM_STALE_H

/* Removes the stale temporary files of `out_path` (OUT.h5.tmp-<digits> in its
 * folder, whose process is gone). Returns how many it removed, or -1 when the
 * folder cannot be listed. */
int stale_remove(const char *out_path);

/* The folder of `out_path` ("." when it names none), where its temporary,
 * checkpoint and scratch files go; malloc'd, NULL when out of memory. */
char *stale_folder(const char *out_path);

#endif
