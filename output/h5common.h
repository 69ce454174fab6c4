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

/* Adds the message to `d` (a runtime failure), followed by the innermost message of
 * HDF5's error stack, which says where the failure was detected; or, when
 * errno says that a write found the disk full or a file size or quota limit,
 * by that, plainly. */
void h5common_fail(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
