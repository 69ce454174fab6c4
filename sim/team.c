/* team.c: the processes of a run (team.h): MPI_COMM_WORLD in the MPI build,
 * one process otherwise. `struct team` is this process's rank, the number of
 * ranks and how many share its machine.
 *
 * The collective calls go to MPI only when there is more than one rank, so
 * that a team of one (the serial build, or `struct team` filled by hand in a
 * test) never needs MPI started. */
#include "sim/team.h"
#include "fundsim_config.h"

#include <limits.h>

#if FUNDSIM_HAVE_MPI
#include <mpi.h>

int team_init(struct team *t, int *argc, char ***argv)
{
    *t = (struct team){.rank = 0, .size = 1, .local_size = 1};
    int started, provided;
    MPI_Initialized(&started);
    if (started)
        MPI_Query_thread(&provided);
    else if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return -1;
    else
        t->mpi = true;
    /* Only the thread that started MPI calls it; the OpenMP threads never do. */
    if (provided < MPI_THREAD_FUNNELED) {
        team_end(t);
        return -1;
    }
    MPI_Comm local;
    MPI_Comm_rank(MPI_COMM_WORLD, &t->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &t->size);
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
    MPI_Comm_size(local, &t->local_size);
    MPI_Comm_free(&local);
    return 0;
}

void team_end(struct team *t)
{
    if (t->mpi) MPI_Finalize();
    t->mpi = false;
}

int team_max(const struct team *t, int v)
{
    if (t->size > 1) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return v;
}

size_t team_sum(const struct team *t, size_t v)
{
    unsigned long long x = v;
    if (t->size > 1)
        MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    return (size_t)x;
}

void team_bcast(const struct team *t, void *buf, size_t n)
{
    if (t->size < 2) return;
    /* MPI counts are ints: larger buffers go in pieces. */
    for (size_t done = 0; done < n;) {
        size_t piece = n - done < INT_MAX ? n - done : INT_MAX;
        MPI_Bcast((char *)buf + done, (int)piece, MPI_BYTE, 0, MPI_COMM_WORLD);
        done += piece;
    }
}

#else

int team_init(struct team *t, int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    *t = (struct team){.rank = 0, .size = 1, .local_size = 1};
    return 0;
}

void team_end(struct team *t)
{
    t->mpi = false;
}

int team_max(const struct team *t, int v)
{
    (void)t;
    return v;
}

size_t team_sum(const struct team *t, size_t v)
{
    (void)t;
    return v;
}

void team_bcast(const struct team *t, void *buf, size_t n)
{
    (void)t;
    (void)buf;
    (void)n;
}

#endif
