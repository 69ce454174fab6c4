/* h5slice.h: a run's HDF5 file (h5out.h) read back for `fundsim merge`: what
 * h5out_create needs to write the same file again, and blocks of its paths.
 *
 * Every file is a slice of a run: paths first_path .. first_path + paths - 1 of
 * scenario_paths. A slice's file says so in its root attributes paths_from,
 * paths_to and scenario_paths; a whole run's file, without them, is the slice
 * [0, paths). Comparison files (with /diff) and summary-only files (without
 * /paths) cannot be merged: h5slice_open refuses them.
 *
 * `struct h5slice` holds the open file, its open /paths datasets, what was
 * read of it as a `struct h5out_meta` (whose strings and arrays it owns) and
 * a buffer for one variable of a block of paths. */
#ifndef FUNDSIM_H5SLICE_H
#define FUNDSIM_H5SLICE_H

#include "output/h5out.h"
#include "output/record.h"
#include "sim/config/scenario.h"

#include <stddef.h>

struct diag;

struct h5slice;

/* What the file says of itself. */
struct h5slice_info {
    /* As the file was written, n_variants 0: for a whole run's file, slice is
     * false, first_path 0 and scenario_paths = paths. */
    struct h5out_meta meta;
    struct warning_params warning; /* the attributes of /warning */
};

/* Opens the file and reads its description. Returns NULL with a message naming
 * the file in `d`: it cannot be opened, is not a fundsim run's file, has
 * /diff, or was written with --summary-only. */
struct h5slice *h5slice_open(const char *path, struct diag *d);

const struct h5slice_info *h5slice_info(const struct h5slice *s);
const char *h5slice_path(const struct h5slice *s);

/* Reads the run's paths first .. first + n - 1 (within the file's) into `b`,
 * allocated for at least n paths of the file's years and regions; b->first_path
 * becomes `first`, b->n_paths n. Returns 0, or -1 with `d`. */
int h5slice_read(struct h5slice *s, size_t first, size_t n, struct record_block *b, struct diag *d);

/* Closes the file and frees everything (NULL is fine). */
void h5slice_close(struct h5slice *s);

#endif
