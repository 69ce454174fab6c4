/* h5common.c: the file's string type, its dimension scales and error
 * messages (h5common.h). */
#include "output/h5common.h"

#include "sim/config/diag.h"

#include <hdf5_hl.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hid_t h5common_utf8_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

int h5common_make_scale(hid_t loc, const char *name, const char *label)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    int rc = ds >= 0 && H5DSset_scale(ds, label) >= 0 && H5DSset_label(ds, 0, label) >= 0 ? 0 : -1;
    if (ds >= 0) H5Dclose(ds);
    return rc;
}

int h5common_copy(hid_t loc, const char *from, const char *name)
{
    hid_t src = H5Dopen2(loc, from, H5P_DEFAULT);
    hid_t type = src >= 0 ? H5Dget_type(src) : -1;
    hid_t mem = type >= 0 ? H5Tget_native_type(type, H5T_DIR_DEFAULT) : -1;
    hid_t space = src >= 0 ? H5Dget_space(src) : -1;
    hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    size_t size = mem >= 0 ? H5Tget_size(mem) : 0;
    void *buf = n >= 0 && size ? calloc((size_t)n + 1, size) : NULL;
    int rc = buf && H5Dread(src, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 ? 0 : -1;
    if (!rc) {
        hid_t ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        rc = ds >= 0 && H5Dwrite(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 ? 0 : -1;
        if (ds >= 0) H5Dclose(ds);
        if (H5Tis_variable_str(mem) > 0) H5Dvlen_reclaim(mem, space, H5P_DEFAULT, buf);
    }
    free(buf);
    if (space >= 0) H5Sclose(space);
    if (mem >= 0) H5Tclose(mem);
    if (type >= 0) H5Tclose(type);
    if (src >= 0) H5Dclose(src);
    return rc;
}

int h5common_copy_scale(hid_t loc, const char *from, const char *name, const char *label)
{
    return h5common_copy(loc, from, name) || h5common_make_scale(loc, name, label) ? -1 : 0;
}

int h5common_attach(hid_t ds, unsigned dim, hid_t loc, const char *scale, const char *label)
{
    hid_t s = H5Dopen2(loc, scale, H5P_DEFAULT);
    int rc =
        s >= 0 && H5DSattach_scale(ds, s, dim) >= 0 && H5DSset_label(ds, dim, label) >= 0 ? 0 : -1;
    if (s >= 0) H5Dclose(s);
    return rc;
}

static herr_t innermost(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    *(const char **)data = e->desc;
    return 1; /* the walk goes upward from the innermost: stop at the first */
}

void h5common_fail(struct diag *d, const char *fmt, ...)
{
    int write_errno = errno; /* a failed write(2) leaves its reason, through HDF5 */
    va_list ap;
    va_start(ap, fmt);
    diag_vfail(d, fmt, ap);
    va_end(ap);
    if (write_errno == ENOSPC || write_errno == EFBIG || write_errno == EDQUOT) {
        diag_append(d, ": %s (the disk is full, or a limit on file size or disk quota was reached)",
                    strerror(write_errno));
        return;
    }
    const char *desc = NULL;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &desc);
    if (desc) diag_append(d, " (HDF5: %s)", desc);
}
