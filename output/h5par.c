/* h5par.c: the MPI build's parallel writes of the per-path datasets (h5out.h,
 * "#if FUNDSIM_HAVE_MPI"). Rank 0 creates the file and closes it for a while
 * (h5out_suspend); every rank opens it with the MPI-IO driver and writes its
 * blocks into it; rank 0 then opens it alone again (h5out_reopen) for the
 * summaries and the commit.
 *
 * A parallel handle is a `struct h5out` (h5parts.h) whose `dxpl` makes every
 * per-path write collective and whose `comm` holds the ranks. Each collective
 * step ends with the ranks agreeing on its outcome, so that a failure on one
 * rank stops them all at the same step instead of leaving the others waiting
 * in a collective write that it will never make. */
#include "output/h5common.h"
#include "output/h5out.h"
#include "output/h5parts.h"
#include "sim/config/diag.h"

#include <hdf5.h>
#include <mpi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Collective: -1 on every rank when `rc` is -1 on any. A rank that did not
 * fail itself puts which one did, and in doing what, into `d`. */
static int agree(MPI_Comm comm, const char *tmp, int rc, const char *doing, struct diag *d)
{
    int rank, failed;
    MPI_Comm_rank(comm, &rank);
    failed = rc ? rank + 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, comm);
    if (failed && !rc) diag_fail(d, "%s: rank %d failed %s", tmp, failed - 1, doing);
    return failed ? -1 : 0;
}

/* Opens loc/name into `ds`. Returns 0, or -1 (name too long, or not there). */
static int open_dataset(hid_t file, hid_t *ds, const char *fmt, const char *a, const char *b)
{
    char name[1024];
    int used = snprintf(name, sizeof name, fmt, a, b);
    if (used < 0 || (size_t)used >= sizeof name) return -1;
    *ds = H5Dopen2(file, name, H5P_DEFAULT);
    return *ds < 0 ? -1 : 0;
}

/* Opens the per-path datasets: /paths/<var>, /paths/national/<nvar> and
 * /diff/<name>/<var> of each variant. Returns 0, or -1. */
static int open_path_datasets(struct h5out *o)
{
    if (o->summary_only) return 0;
    for (int v = 0; v < N_VARS; v++)
        if (open_dataset(o->file, &o->paths[v], "paths/%s%s", var_info[v].name, "")) return -1;
    for (int v = 0; v < N_NVARS; v++)
        if (open_dataset(o->file, &o->national[v], "paths/national/%s%s", nvar_info[v].name, ""))
            return -1;
    for (size_t k = 0; k < o->n_variants; k++)
        for (size_t j = 0; j < diffsum_n_vars; j++) {
            enum var v = diffsum_vars[j];
            if (open_dataset(o->file, &o->variants[k].diff[v], "diff/%s/%s", o->variants[k].name,
                             var_info[v].name))
                return -1;
        }
    return 0;
}

int h5out_suspend(struct h5out *o, struct diag *d)
{
    if (h5out_close_file(o)) {
        h5common_fail(d, "%s: cannot close the file for the parallel writes", o->tmp);
        return -1;
    }
    return 0;
}

int h5out_reopen(struct h5out *o, size_t paths_written, struct diag *d)
{
    static const char *const scales[N_DIMS] = {
        [DIM_YEAR] = "years", [DIM_REGION] = "regions", [DIM_QUANTILE] = "quantiles"};
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG); /* as h5out_create */
    o->file = H5Fopen(o->tmp, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    int rc = o->file < 0 ? -1 : 0;
    for (int k = DIM_YEAR; k <= DIM_QUANTILE && !rc; k++) {
        o->scale[k] = H5Dopen2(o->file, scales[k], H5P_DEFAULT);
        rc = o->scale[k] < 0 ? -1 : 0;
    }
    if (!rc) rc = open_path_datasets(o);
    if (rc) {
        h5common_fail(d, "%s: cannot open the file again after the parallel writes", o->tmp);
        h5out_close_file(o);
        return -1;
    }
    o->paths_written = paths_written;
    return 0;
}

/* Frees a parallel handle whose file is closed. */
static void free_parallel(struct h5out *o)
{
    if (o->dxpl > 0) H5Pclose(o->dxpl);
    h5out_free(o);
}

/* A parallel handle for `tmp`, its file not open yet. Returns NULL when out of memory. */
static struct h5out *new_parallel(const char *tmp, MPI_Comm comm, const struct h5out_meta *m,
                                  const char *const *variant_names, size_t n_variants)
{
    struct h5out *o = h5out_new(tmp, m);
    if (!o) return NULL;
    o->comm = comm;
    if (!(o->tmp = strdup(tmp)) ||
        !(o->variants = calloc(n_variants ? n_variants : 1, sizeof *o->variants))) {
        h5out_free(o);
        return NULL;
    }
    for (size_t k = 0; k < n_variants; k++) {
        for (int v = 0; v < N_VARS; v++)
            o->variants[k].diff[v] = -1;
        if (!(o->variants[k].name = strdup(variant_names[k]))) {
            h5out_free(o);
            return NULL;
        }
        o->n_variants++;
    }
    return o;
}

struct h5out *h5out_open_parallel(const char *tmp, MPI_Comm comm, const struct h5out_meta *m,
                                  const char *const *variant_names, size_t n_variants,
                                  struct diag *d)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors come back as messages, not on stderr */
    struct h5out *o = new_parallel(tmp, comm, m, variant_names, n_variants);
    if (!o) diag_fail(d, "%s: out of memory", tmp);
    /* Every rank opens the file, or none: H5Fopen is collective. */
    if (agree(comm, tmp, o ? 0 : -1, "to open it", d)) {
        if (o) h5out_free(o);
        return NULL;
    }
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    o->file = H5Fopen(tmp, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    o->dxpl = H5Pcreate(H5P_DATASET_XFER);
    int rc = o->file < 0 || o->dxpl < 0 || H5Pset_dxpl_mpio(o->dxpl, H5FD_MPIO_COLLECTIVE) < 0 ||
                     open_path_datasets(o)
                 ? -1
                 : 0;
    if (rc) h5common_fail(d, "%s: cannot open it for the parallel writes", tmp);
    if (agree(comm, tmp, rc, "to open it", d)) {
        h5out_close_file(o);
        free_parallel(o);
        return NULL;
    }
    return o;
}

int h5par_agree(struct h5out *o, int rc, const char *doing, struct diag *d)
{
    return agree(o->comm, o->tmp, rc, doing, d);
}

long long h5out_close_parallel(struct h5out *o, struct diag *d)
{
    int rc = h5out_close_file(o);
    if (rc) h5common_fail(d, "%s: cannot close it after the parallel writes", o->tmp);
    unsigned long long paths = o->paths_written;
    MPI_Allreduce(MPI_IN_PLACE, &paths, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, o->comm);
    rc = agree(o->comm, o->tmp, rc, "to close it", d);
    free_parallel(o);
    return rc ? -1 : (long long)paths;
}
