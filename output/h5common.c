/* h5common.c: the file's string type and error messages (h5common.h). */
#include "output/h5common.h"

#include "sim/config/diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

hid_t h5common_utf8_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
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
