/* h5common.h: what the HDF5 writer (h5out.c) and the summary tables (report*.c)
 * share: the string type of the file and messages that carry HDF5's reason. */
#ifndef FUNDSIM_H5COMMON_H
#define FUNDSIM_H5COMMON_H

#include <hdf5.h>

#include <stddef.h>

struct diag;

/* Variable-length UTF-8 strings, so that Chinese names decode as text. The
 * caller closes the type. */
hid_t h5common_utf8_type(void);

/* Dimension scales, so that every group opens in netCDF readers (xarray
 * with h5netcdf) with named dimensions and coordinates: a group's dataset
 * is attached to a scale in its own group, since a reader of one group sees
 * only that group's variables as coordinates. */

/* Makes the 1-D dataset loc/name a dimension scale, named `label` as its one
 * dimension is labelled (readers name the dimension after the dataset).
 * Returns 0 or -1. */
int h5common_make_scale(hid_t loc, const char *name, const char *label);
/* Copies the values of the 1-D dataset `from` (any path in the file of `loc`,
 * e.g. "/years") into loc/name, of the same type; h5common_copy_scale also
 * makes the copy a dimension scale. Each returns 0 or -1. */
int h5common_copy(hid_t loc, const char *from, const char *name);
int h5common_copy_scale(hid_t loc, const char *from, const char *name, const char *label);
/* Attaches loc/scale, a dimension scale, to dimension `dim` of `ds`, which it
 * labels `label`. Returns 0 or -1. */
int h5common_attach(hid_t ds, unsigned dim, hid_t loc, const char *scale, const char *label);

/* Adds the message to `d` (a runtime failure), followed by the innermost message of
 * HDF5's error stack, which says where the failure was detected; or, when
 * errno says that a write found the disk full or a file size or quota limit,
 * by that, plainly. */
void h5common_fail(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
