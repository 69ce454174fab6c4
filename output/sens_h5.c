/* sens_h5.c: the file of `fundsim sensitivity` and the best-estimate path of
 * `fundsim run --deterministic` (sens_h5.h; the layout in output/README.md).
 * Plain datasets of doubles, one group per assumption, written by small
 * helpers that return 0 or -1 and leave HDF5's reason to h5common_fail. */
#include "output/sens_h5.h"

#include "output/h5common.h"
#include "sim/config/diag.h"

#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A dataset of doubles of rank 0 (n0 0), 1 or 2. */
static int put(hid_t g, const char *name, const double *v, hsize_t n0, hsize_t n1)
{
    hsize_t dims[2] = {n0, n1};
    hid_t space = n0 == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(n1 ? 2 : 1, dims, NULL);
    if (space < 0) return -1;
    hid_t set =
        H5Dcreate2(g, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int status = set >= 0 && H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0
                     ? 0
                     : -1;
    if (set >= 0) H5Dclose(set);
    H5Sclose(space);
    return status;
}

/* Attaches the dimensions of g/name, of rank 1 or 2, to the scales a0 and
 * a1 of g (for netCDF readers: output/h5common.h). */
static int dims(hid_t g, const char *name, const char *a0, const char *a1)
{
    hid_t set = H5Dopen2(g, name, H5P_DEFAULT);
    int status = set >= 0 && h5common_attach(set, 0, g, a0, a0) == 0 &&
                         (!a1 || h5common_attach(set, 1, g, a1, a1) == 0)
                     ? 0
                     : -1;
    if (set >= 0) H5Dclose(set);
    return status;
}

/* put, with its dimensions attached to the scales a0 (and a1) of g. */
static int put_dims(hid_t g, const char *name, const double *v, hsize_t n0, hsize_t n1,
                    const char *a0, const char *a1)
{
    return put(g, name, v, n0, n1) || dims(g, name, a0, a1) ? -1 : 0;
}

static int put1(hid_t g, const char *name, double v)
{
    return put(g, name, &v, 0, 0);
}

static int strings(hid_t g, const char *name, const char *const *v, size_t n)
{
    hsize_t dims[1] = {n};
    hid_t str = h5common_utf8_type();
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t set = str >= 0 && space >= 0
                    ? H5Dcreate2(g, name, str, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                    : -1;
    int status = set >= 0 && H5Dwrite(set, str, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 ? 0 : -1;
    if (set >= 0) H5Dclose(set);
    if (space >= 0) H5Sclose(space);
    if (str >= 0) H5Tclose(str);
    return status;
}

static int attr_text(hid_t g, const char *name, const char *text)
{
    hid_t str = h5common_utf8_type();
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a =
        str >= 0 && space >= 0 ? H5Acreate2(g, name, str, space, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int status = a >= 0 && H5Awrite(a, str, &text) >= 0 ? 0 : -1;
    if (a >= 0) H5Aclose(a);
    if (space >= 0) H5Sclose(space);
    if (str >= 0) H5Tclose(str);
    return status;
}

static int attr_number(hid_t g, const char *name, double v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a =
        space >= 0 ? H5Acreate2(g, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int status = a >= 0 && H5Awrite(a, H5T_NATIVE_DOUBLE, &v) >= 0 ? 0 : -1;
    if (a >= 0) H5Aclose(a);
    if (space >= 0) H5Sclose(space);
    return status;
}

static int figures(hid_t g, const struct sens_figures *f)
{
    return put1(g, "p_depleted", f->p_depleted) ||
                   put1(g, "median_depletion_year", f->median_year) ||
                   put1(g, "actuarial_balance", f->actuarial_balance)
               ? -1
               : 0;
}

/* /sensitivity/<name>: [2] arrays, low then high. */
static int row(hid_t parent, const struct sens_row *w, int rank)
{
    hid_t g = H5Gcreate2(parent, w->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) return -1;
    const struct sens_side *s[2] = {&w->low, &w->high};
    const char *text[2] = {s[0]->text, s[1]->text};
    double value[2], p[2], dp[2], dp_ci[4], year[2], dyear[2], ab[2], dab[2], dab_ci[4];
    for (int k = 0; k < 2; k++) {
        value[k] = s[k]->value;
        p[k] = s[k]->abs.p_depleted;
        dp[k] = s[k]->p_depleted.delta;
        dp_ci[2 * k] = s[k]->p_depleted.low, dp_ci[2 * k + 1] = s[k]->p_depleted.high;
        year[k] = s[k]->abs.median_year;
        dyear[k] = s[k]->median_year_delta;
        ab[k] = s[k]->abs.actuarial_balance;
        dab[k] = s[k]->actuarial_balance.delta;
        dab_ci[2 * k] = s[k]->actuarial_balance.low;
        dab_ci[2 * k + 1] = s[k]->actuarial_balance.high;
    }
    /* the scales of the [2] and [2][2] arrays: the side, and the interval's end */
    static const char *const ends[2] = {"low", "high"};
    int status = attr_text(g, "setting", w->key) || attr_number(g, "rank", rank) ||
                         strings(g, "side", ends, 2) || h5common_make_scale(g, "side", "side") ||
                         strings(g, "bound", ends, 2) || h5common_make_scale(g, "bound", "bound") ||
                         put1(g, "central", w->central) || put1(g, "sd", w->sd) ||
                         put_dims(g, "value", value, 2, 0, "side", NULL) ||
                         strings(g, "value_text", text, 2) ||
                         dims(g, "value_text", "side", NULL) ||
                         put_dims(g, "p_depleted", p, 2, 0, "side", NULL) ||
                         put_dims(g, "delta_p_depleted", dp, 2, 0, "side", NULL) ||
                         put_dims(g, "delta_p_depleted_ci", dp_ci, 2, 2, "side", "bound") ||
                         put_dims(g, "median_depletion_year", year, 2, 0, "side", NULL) ||
                         put_dims(g, "delta_median_depletion_year", dyear, 2, 0, "side", NULL) ||
                         put_dims(g, "actuarial_balance", ab, 2, 0, "side", NULL) ||
                         put_dims(g, "delta_actuarial_balance", dab, 2, 0, "side", NULL) ||
                         put_dims(g, "delta_actuarial_balance_ci", dab_ci, 2, 2, "side", "bound")
                     ? -1
                     : 0;
    if (H5Gclose(g) < 0) status = -1;
    return status;
}

static int variance(hid_t parent, const struct sens_variance *v)
{
    hid_t g = H5Gcreate2(parent, v->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) return -1;
    int status = put1(g, "variance", v->total) ||
                         h5common_copy_scale(g, "/variance/groups", "groups", "groups") ||
                         put_dims(g, "variance_held", v->held, N_HOLD_GROUPS, 0, "groups", NULL) ||
                         put_dims(g, "share", v->share, N_HOLD_GROUPS, 0, "groups", NULL)
                     ? -1
                     : 0;
    if (H5Gclose(g) < 0) status = -1;
    return status;
}

static int contents(hid_t f, const struct sens_result *r)
{
    hid_t s = H5Gcreate2(f, "sensitivity", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (s < 0) return -1;
    const char **order = calloc(r->n_rows + 1, sizeof *order);
    hid_t b = H5Gcreate2(s, "base", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int status = !order || b < 0 || attr_text(s, "scenario", r->scenario) ||
                         attr_number(s, "paths", (double)r->paths) ||
                         attr_number(s, "seed", (double)r->seed) ||
                         attr_number(s, "year", r->year) || attr_number(s, "spread", r->spread) ||
                         figures(b, &r->base)
                     ? -1
                     : 0;
    if (b >= 0) H5Gclose(b);
    for (size_t j = 0; j < r->n_rows && status == 0; j++) {
        order[j] = r->rows[j].name;
        status = row(s, &r->rows[j], (int)j + 1);
    }
    if (status == 0 && r->n_rows)
        status = strings(s, "order", order, r->n_rows) || h5common_make_scale(s, "order", "order");
    free(order);
    if (H5Gclose(s) < 0) status = -1;
    if (status != 0 || !r->has_variance) return status;
    hid_t v = H5Gcreate2(f, "variance", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (v < 0) return -1;
    status = strings(v, "groups", hold_names, N_HOLD_GROUPS) ||
                     h5common_make_scale(v, "groups", "groups") || variance(v, &r->variance[0]) ||
                     variance(v, &r->variance[1])
                 ? -1
                 : 0;
    if (H5Gclose(v) < 0) status = -1;
    return status;
}

int sens_h5_write(const char *path, bool into, const struct sens_result *r, struct diag *d)
{
    if (into) {
        hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
        int status = f >= 0 && contents(f, r) == 0 ? 0 : -1;
        if (f >= 0 && H5Fclose(f) < 0) status = -1;
        if (status != 0) h5common_fail(d, "cannot add the sensitivity to %s", path);
        return status;
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        diag_refuse(d, "the output's name is too long: %s", path);
        return -1;
    }
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    int status = f >= 0 && contents(f, r) == 0 ? 0 : -1;
    if (f >= 0 && H5Fclose(f) < 0) status = -1;
    if (status != 0) {
        h5common_fail(d, "cannot write %s", tmp);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        diag_fail(d, "cannot rename %s onto %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int sens_h5_best_estimate(const char *path, const struct record_block *b, struct diag *d)
{
    size_t Y = b->years, R = b->regions;
    double *v = calloc(Y * R + 1, sizeof *v);
    if (!v) {
        diag_fail(d, "out of memory");
        return -1;
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t g = f >= 0 ? H5Gcreate2(f, "best_estimate", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    hid_t n = g >= 0 ? H5Gcreate2(g, "national", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    hid_t p = g >= 0 ? H5Gcreate2(g, "province", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int status = n >= 0 && p >= 0 && h5common_copy_scale(g, "/years", "years", "year") == 0 &&
                         h5common_copy_scale(g, "/regions", "regions", "region") == 0 &&
                         h5common_copy_scale(n, "/years", "years", "year") == 0 &&
                         h5common_copy_scale(p, "/years", "years", "year") == 0
                     ? 0
                     : -1;
    for (size_t k = 0; k < N_VARS && status == 0; k++) {
        for (size_t y = 0; y < Y; y++)
            for (size_t r = 0; r < R; r++)
                v[y * R + r] = record_at(b, 0, y, r)[k];
        status = put_dims(g, var_info[k].name, v, Y, R, "years", "regions");
    }
    for (size_t k = 0; k < N_NVARS && status == 0; k++) {
        for (size_t y = 0; y < Y; y++)
            v[y] = record_national(b, 0, y)[k];
        status = put_dims(n, nvar_info[k].name, v, Y, 0, "years", NULL);
    }
    for (size_t y = 0; y < Y && status == 0; y++) {
        v[y] = 0;
        for (size_t r = 0; r < R; r++)
            v[y] += record_at(b, 0, y, r)[VAR_BALANCE];
    }
    if (status == 0) status = put_dims(p, "balance", v, Y, 0, "years", NULL);
    if (status == 0)
        status = attr_text(g, "meaning",
                           "every random driver at its expected value (fundsim run "
                           "--deterministic; models/hold.h), one path");
    if (p >= 0) H5Gclose(p);
    if (n >= 0) H5Gclose(n);
    if (g >= 0 && H5Gclose(g) < 0) status = -1;
    if (f >= 0 && H5Fclose(f) < 0) status = -1;
    if (status != 0) h5common_fail(d, "cannot add the best-estimate path to %s", path);
    free(v);
    return status;
}
