/* h5assume.c: the group /assumptions (h5assume.h), a string dataset per
 * field of the rows, `term` the dimension scale of the others. */
#include "output/h5assume.h"
#include "output/h5common.h"
#include "sim/config/diag.h"

#include <stdlib.h>

/* The field k of row r: 0 term, 1 value, 2 source, 3 detail_en, 4 detail_zh. */
static const char *field(const struct h5out_assumption *r, int k)
{
    switch (k) {
    case 0:
        return r->term;
    case 1:
        return r->value;
    case 2:
        return r->source ? r->source : "";
    case 3:
        return r->detail_en;
    default:
        return r->detail_zh;
    }
}

int h5assume_write(hid_t file, const char *name, const struct h5out_assumption *rows, size_t n,
                   struct diag *d)
{
    if (n == 0) return 0;
    static const char *const names[5] = {"term", "value", "source", "detail_en", "detail_zh"};
    const char **v = malloc(n * sizeof *v);
    if (!v) {
        diag_fail(d, "%s: out of memory", name);
        return -1;
    }
    hid_t type = h5common_utf8_type();
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t group = H5Gcreate2(file, "assumptions", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = type < 0 || space < 0 || group < 0 ? -1 : 0;
    for (int k = 0; k < 5 && !rc; k++) {
        for (size_t r = 0; r < n; r++)
            v[r] = field(&rows[r], k);
        hid_t set = H5Dcreate2(group, names[k], type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (set < 0 || H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) rc = -1;
        /* the terms label the rows: the other fields' dimension scale */
        if (!rc && (k == 0 ? h5common_make_scale(group, "term", "term")
                           : h5common_attach(set, 0, group, "term", "term")))
            rc = -1;
        if (set >= 0) H5Dclose(set);
    }
    if (group >= 0) H5Gclose(group);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    free(v);
    if (rc) h5common_fail(d, "%s: cannot write the group /assumptions", name);
    return rc;
}
