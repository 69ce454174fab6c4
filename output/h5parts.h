/* h5parts.h: the pieces of the HDF5 writer that its parts share: the run's
 * file (h5out.c) and the policy variants' differences (h5diff.c). Internal to
 * output/: users see h5out.h.
 *
 * `struct h5out` holds the open file, the dimension scales that every
 * dataset's dimensions are attached to, and the open per-path datasets that
 * blocks are written into. A dataset is described by the kinds of its
 * dimensions; the kind gives the dimension's size, its label and its scale. */
#ifndef FUNDSIM_H5PARTS_H
#define FUNDSIM_H5PARTS_H

#include "fundsim_config.h"
#include "output/record.h"

#include <hdf5.h>
#if FUNDSIM_HAVE_MPI
#include <mpi.h>
#endif

#include <stdbool.h>
#include <stddef.h>

struct diag;

struct h5out_meta;

enum dim { DIM_PATH, DIM_YEAR, DIM_REGION, DIM_QUANTILE, DIM_LEVEL, N_DIMS };
extern const char *const h5out_dim_labels[N_DIMS];

enum { MAX_RANK = 3 };

/* A variant's open per-path difference datasets (-1: none). */
struct h5out_variant_sets {
    char *name;
    bool independent;
    hid_t diff[N_VARS];
};

struct h5out {
    hid_t file;
    hid_t scale[N_DIMS]; /* the dimension scale of each kind; none for paths */
    hid_t paths[N_VARS], national[N_NVARS];
    size_t size[N_DIMS];
    size_t first_path; /* the run's number of the file's first path (h5out_meta) */
    size_t paths_written;
    bool summary_only, summary_written;
    size_t n_variants;
    struct h5out_variant_sets *variants;
    char *path, *tmp;
    /* The per-path writes' transfer properties: H5P_DEFAULT, or on a parallel
     * handle (h5par.c) collective MPI-IO, which makes them collective calls. */
    hid_t dxpl;
#if FUNDSIM_HAVE_MPI
    MPI_Comm comm; /* a parallel handle's ranks; MPI_COMM_NULL otherwise */
#endif
};

/* A handle for the file `path` (its temporary name not set) of the sizes in
 * `m`, with nothing open. Returns NULL when out of memory. */
struct h5out *h5out_new(const char *path, const struct h5out_meta *m);
/* Closes every open object, then the file. Returns 0, or -1 if closing failed. */
int h5out_close_file(struct h5out *o);
void h5out_free(struct h5out *o);

/* Attributes; each returns 0 or -1. */
int h5out_put_string_attr(hid_t loc, const char *name, const char *s);
int h5out_put_strings_attr(hid_t loc, const char *name, const char *const *s, size_t n);
int h5out_put_int_attr(hid_t loc, const char *name, long long v);
int h5out_put_double_attr(hid_t loc, const char *name, double v);

/* Creates loc/name with dimensions of the given kinds, its units and long
 * name, and attaches its dimensions. Returns the open dataset, or -1. */
hid_t h5out_create_dataset(const struct h5out *o, hid_t loc, const char *name, hid_t type, int rank,
                           const enum dim *kinds, hid_t dcpl, const char *units,
                           const char *long_name);

/* Creates and writes a whole dataset; `data` is in the memory type `type`.
 * Returns 0, or -1 with `d`. */
int h5out_put_dataset(struct h5out *o, hid_t loc, const char *name, hid_t type, int rank,
                      const enum dim *kinds, const void *data, const char *units,
                      const char *long_name, struct diag *d);

/* h5out_put_dataset, unless `data` is NULL (then nothing). */
int h5out_put_summary(struct h5out *o, hid_t loc, hid_t type, int rank, const enum dim *kinds,
                      const void *data, const char *name, const char *units, const char *long_name,
                      struct diag *d);

/* The creation properties of a per-path dataset of `rank` ([path][year]
 * [region] or [path][year]): chunked by paths, compressed. Close it after use. */
hid_t h5out_paths_dcpl(const struct h5out *o, int rank);
/* The paths of one chunk of the per-path datasets of a file of `paths` paths,
 * `years` years and `regions` regions (its other dimensions are whole). */
size_t h5out_paths_chunk(size_t paths, size_t years, size_t regions);

/* Whether a block fits the file's paths, years and regions. Returns 0, or -1 with `d`. */
int h5out_check_block(const struct h5out *o, const struct record_block *b, struct diag *d);
/* Whether base and variant make a block of differences for variant k. Returns
 * 0, or -1 with `d`. */
int h5out_check_diff_blocks(const struct h5out *o, size_t k, const struct record_block *base,
                            const struct record_block *variant, struct diag *d);
/* Variable v's differences variant - base, [path][year][region], into `buf`. */
void h5out_block_difference(const struct record_block *base, const struct record_block *variant,
                            enum var v, double *buf);

/* Variable v of a block (v < N_VARS: var v; else nvar v - N_VARS), one value
 * per path, year and region (or path and year: rank 2), into `buf`. */
void h5out_block_variable(const struct record_block *b, int v, double *buf);

/* Writes `buf`, one value per path of the block ([path][year][region] or
 * [path][year]), into the hyperslab of rows first .. first + n_paths - 1 of
 * `ds` (rows: the file's, from its first path), with the transfer properties
 * `dxpl`; n_paths 0 selects nothing, for a collective write. Returns 0, or -1
 * (the caller says which dataset). */
int h5out_write_paths(hid_t ds, hid_t dxpl, int rank, size_t first, size_t n_paths, size_t years,
                      size_t regions, const double *buf);

/* What the block writers (h5out_write_block, h5out_write_diff_block) do
 * alike for a serial handle and a parallel one, whose per-path writes are
 * collective calls (h5par.c): whether `o` is parallel; a step's outcome (on a
 * parallel handle every rank's, -1 on each when one failed, "rank N failed
 * `doing`" in `err` on the others; alone, `rc`); a block's values (NULL for
 * an empty one, or when `rc` is set; out of memory, `rc` becomes -1 with
 * `err`); and "paths 64-127" of a block, for messages. */
bool h5out_collective(const struct h5out *o);
int h5out_agree(struct h5out *o, int rc, const char *doing, struct diag *d);
double *h5out_block_buffer(const struct h5out *o, size_t n, int *rc, struct diag *d);
void h5out_paths_text(const struct record_block *b, char *out, size_t n);

#if FUNDSIM_HAVE_MPI
/* h5out_agree on a parallel handle: the ranks' agreement (h5par.c). */
int h5par_agree(struct h5out *o, int rc, const char *doing, struct diag *d);
#endif

#endif
