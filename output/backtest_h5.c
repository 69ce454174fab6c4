/* backtest_h5.c: writes the backtest's table into a run's file (backtest_h5.h):
 * /backtest/{row, region, year, line, actual, mean, median, p05, p95, ae, inside},
 * with the attributes from_year and paths. */
#include "output/backtest_h5.h"

#include "output/h5common.h"
#include "sim/config/diag.h"

#include <hdf5.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A column, its dimension attached to the scale /backtest/row (the row
 * numbers, for netCDF readers: output/h5common.h), or the scale itself. */
static int write_column(hid_t g, const char *name, hid_t type, const void *data, size_t n)
{
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    if (space < 0) return -1;
    hid_t set = H5Dcreate2(g, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bool scale = strcmp(name, "row") == 0;
    int status =
        set >= 0 && (n == 0 || H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0) &&
                (scale ? h5common_make_scale(g, name, "row")
                       : h5common_attach(set, 0, g, "row", "row")) == 0
            ? 0
            : -1;
    if (set >= 0) H5Dclose(set);
    H5Sclose(space);
    return status;
}

static int write_attribute(hid_t g, const char *name, long long v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0) return -1;
    hid_t a = H5Acreate2(g, name, H5T_NATIVE_LLONG, space, H5P_DEFAULT, H5P_DEFAULT);
    int status = a >= 0 && H5Awrite(a, H5T_NATIVE_LLONG, &v) >= 0 ? 0 : -1;
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    return status;
}

int backtest_h5_write(const char *path, const struct backtest_table *t, struct diag *d)
{
    size_t n = t->n;
    const char **region = calloc(n + 1, sizeof *region), **line = calloc(n + 1, sizeof *line);
    int *year = calloc(n + 1, sizeof *year);
    int64_t *number = calloc(n + 1, sizeof *number);
    unsigned char *inside = calloc(n + 1, 1);
    double *col = calloc(6 * (n + 1), sizeof *col);
    if (!region || !line || !year || !number || !inside || !col) {
        free(region), free(line), free(year), free(number), free(inside), free(col);
        diag_fail(d, "out of memory");
        return -1;
    }
    for (size_t j = 0; j < n; j++) {
        const struct backtest_table_row *w = &t->rows[j];
        region[j] = w->region;
        line[j] = w->line;
        year[j] = w->year;
        number[j] = (int64_t)j;
        inside[j] = w->inside;
        double v[6] = {w->actual, w->mean, w->median, w->low, w->high, w->ae};
        for (int c = 0; c < 6; c++)
            col[c * (n + 1) + j] = v[c];
    }
    static const char *const names[6] = {"actual", "mean", "median", "p05", "p95", "ae"};
    int status = -1;
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t g = f >= 0 ? H5Gcreate2(f, "backtest", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    hid_t str = h5common_utf8_type();
    if (g >= 0 && str >= 0 && write_column(g, "row", H5T_NATIVE_INT64, number, n) == 0 &&
        write_column(g, "region", str, region, n) == 0 &&
        write_column(g, "year", H5T_NATIVE_INT, year, n) == 0 &&
        write_column(g, "line", str, line, n) == 0 &&
        write_column(g, "inside", H5T_NATIVE_UCHAR, inside, n) == 0 &&
        write_attribute(g, "from_year", t->from_year) == 0 &&
        write_attribute(g, "paths", (long long)t->paths) == 0) {
        status = 0;
        for (int c = 0; c < 6 && status == 0; c++)
            status = write_column(g, names[c], H5T_NATIVE_DOUBLE, &col[c * (n + 1)], n);
    }
    if (str >= 0) H5Tclose(str);
    if (g >= 0 && H5Gclose(g) < 0) status = -1;
    if (f >= 0 && H5Fclose(f) < 0) status = -1;
    if (status != 0) h5common_fail(d, "cannot add the backtest's table to %s", path);
    free(region), free(line), free(year), free(number), free(inside), free(col);
    return status;
}
