/* team.h: the processes of a run: one in the serial build, the MPI ranks of
 * MPI_COMM_WORLD in the MPI build (meson setup -Dmpi=enabled). The run driver
 * (run.c) sees ranks only through this: which rank it is, how many there are,
 * and the few collective steps it needs. Every call here is collective (every
 * rank calls it, in the same order) unless it says otherwise.
 *
 * Ranks take blocks of paths by block number (block b goes to rank b mod
 * size), never by thread or timing, so that the work split, like the results,
 * does not depend on scheduling. */
#ifndef FUNDSIM_TEAM_H
#define FUNDSIM_TEAM_H

#include <stdbool.h>
#include <stddef.h>

struct team {
    int rank, size; /* 0 .. size - 1; 1 in the serial build */
    int local_size; /* ranks on this machine (for the default number of threads) */
    bool mpi;       /* MPI was initialised by team_init */
};

/* Starts MPI in the MPI build (MPI_Init_thread, MPI_THREAD_FUNNELED) and fills
 * `t`; in the serial build, rank 0 of 1. `argc` and `argv` may be NULL; MPI
 * started already is used as it is (`mpi` then stays false). Open MPI's I/O
 * component is left to Open MPI and the environment (OMPI_MCA_io): on Debian
 * 12 neither ompio, its default, nor romio321 hangs in the collective writes
 * of the chunked, compressed datasets (output/README.md, "MPI build").
 * Returns 0, or -1 when MPI cannot start. */
int team_init(struct team *t, int *argc, char ***argv);
/* Ends MPI (MPI_Finalize) when team_init started it. */
void team_end(struct team *t);

/* Collective: returns the largest `v` of any rank. */
int team_max(const struct team *t, int v);
/* Collective: returns the sum of `v` over the ranks. */
size_t team_sum(const struct team *t, size_t v);
/* Collective: every rank gets rank 0's `n` bytes at `buf`. */
void team_bcast(const struct team *t, void *buf, size_t n);

#endif
