/* h5assume.h: the run's structured assumptions in its file, the group
 * /assumptions (output/README.md): 1-D datasets of variable-length UTF-8
 * strings term, value, source, detail_en and detail_zh, one element per row
 * of struct h5out_assumption, each row an assumption that drives the
 * headline figures. Read back by the summary (report_outlook.c) and by
 * plots/. */
#ifndef FUNDSIM_H5ASSUME_H
#define FUNDSIM_H5ASSUME_H

#include "output/h5out.h"

#include <hdf5.h>

struct diag;

/* Writes the group into `file` (named `name` in messages); nothing when n is
 * 0. Returns 0, or -1 with a message in d. */
int h5assume_write(hid_t file, const char *name, const struct h5out_assumption *rows, size_t n,
                   struct diag *d);

#endif
