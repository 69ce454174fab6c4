/* h5probe.h: a file's HDF5 structure read once in a child process, before
 * fundsim reads it, so that a damaged file that crashes or hangs HDF5 becomes
 * a message rather than the end of `fundsim summary` or `fundsim merge`.
 *
 * HDF5 1.10 trusts much of what it reads: a damaged global heap (where
 * variable-length strings live) makes it loop forever or copy beyond its
 * buffers, and its fuzzing finds more of the kind (tests/fuzz/README.md).
 * fundsim checks every object it reads (report_common.h) but cannot check
 * HDF5's own structures from outside. So the child opens the file and reads
 * what HDF5 reads for fundsim, and more: every object's attributes, the data
 * of every contiguous dataset and the chunk index of every chunked one (not
 * the chunks: their data is checked by deflate's checksum), the references
 * of variable-length strings checked first (h5probe_strings). If the child is
 * killed by a signal, or has used up its processor time (an endless loop), or
 * cannot list every object and the root's attributes (what it did not read,
 * the caller would read unprotected), the file is damaged; if it ends, whether HDF5 reported errors or not, the
 * caller reads the file itself, doing what the child did without harm, and
 * reports any problem in its own words. */
#ifndef FUNDSIM_H5PROBE_H
#define FUNDSIM_H5PROBE_H

#include <hdf5.h>

#include <stddef.h>

struct diag;

/* The child's limit of processor time: H5PROBE_CPU_SECONDS, and one second
 * more per H5PROBE_BYTES_PER_SECOND of the file. The walk of a run's file
 * takes a small part of that (0.03 s for a small run's, under 1 s for a
 * 2 GB file of 10,000 paths); a loaded machine or a slow disk does not count
 * against it. */
enum { H5PROBE_CPU_SECONDS = 2 };
#define H5PROBE_BYTES_PER_SECOND (100LL << 20)

/* Reads file `path` in a child process as above. Returns 0 when the child
 * ended (or could not be started: then the caller reads unprotected), or -1
 * with a message naming the file in `d`. */
int h5probe_file(const char *path, struct diag *d);

/* What HDF5 does not check before it acts on it: the n variable-length
 * strings of contiguous dataset `ds` of `file` (at `path`) must each lie
 * within the file. HDF5 allocates a string's length, up to 4 GiB, before it
 * finds that a damaged one is not there. Returns 0, or -1 if one does not
 * (or the references cannot be read). */
int h5probe_strings(hid_t file, const char *path, hid_t ds, hsize_t n);
/* The bytes of a variable-length string's reference in `file`: its length
 * (4), the address of its global heap collection and its index (4); 0 if
 * unknown. */
size_t h5probe_string_ref_size(hid_t file);

#endif
