/* h5diff.c: the policy variants' part of the run's HDF5 file (h5out.h,
 * /diff): per path, variant - base of each of diffsum_vars, and the difference
 * summaries of output/diffsum.h. */
#include "output/h5common.h"
#include "output/h5out.h"
#include "output/h5parts.h"
#include "sim/config/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum dim PYR[] = {DIM_PATH, DIM_YEAR, DIM_REGION}, YR[] = {DIM_YEAR, DIM_REGION},
                      YRQ[] = {DIM_YEAR, DIM_REGION, DIM_QUANTILE}, Y[] = {DIM_YEAR},
                      YQ[] = {DIM_YEAR, DIM_QUANTILE};

/* The /diff group's `variants` attribute: every name added so far. */
static int put_variants_attr(struct h5out *o, hid_t g)
{
    const char **names = malloc(o->n_variants * sizeof *names);
    if (!names) return -1;
    for (size_t k = 0; k < o->n_variants; k++)
        names[k] = o->variants[k].name;
    if (H5Aexists(g, "variants") > 0 && H5Adelete(g, "variants") < 0) {
        free(names);
        return -1;
    }
    int rc = h5out_put_strings_attr(g, "variants", names, o->n_variants);
    free(names);
    return rc;
}

/* Opens /diff, creating it the first time. */
static hid_t diff_group(struct h5out *o)
{
    if (H5Lexists(o->file, "diff", H5P_DEFAULT) > 0) return H5Gopen2(o->file, "diff", H5P_DEFAULT);
    return H5Gcreate2(o->file, "diff", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

static int create_diff_paths(struct h5out *o, hid_t g, struct h5out_variant_sets *hv)
{
    hid_t dcpl = h5out_paths_dcpl(o, 3);
    int rc = 0;
    for (size_t k = 0; k < diffsum_n_vars && !rc; k++) {
        const struct var_info *vi = &var_info[diffsum_vars[k]];
        char long_name[256];
        snprintf(long_name, sizeof long_name, "variant - base: %s", vi->long_name);
        hv->diff[diffsum_vars[k]] = h5out_create_dataset(o, g, vi->name, H5T_NATIVE_DOUBLE, 3, PYR,
                                                         dcpl, vi->units, long_name);
        rc = hv->diff[diffsum_vars[k]] < 0 ? -1 : 0;
    }
    H5Pclose(dcpl);
    return rc;
}

int h5out_add_variant(struct h5out *o, const struct h5out_variant *v, struct diag *diag)
{
    struct h5out_variant_sets *grown = realloc(o->variants, (o->n_variants + 1) * sizeof *grown);
    if (!grown) {
        diag_fail(diag, "%s: out of memory", o->tmp);
        return -1;
    }
    o->variants = grown;
    struct h5out_variant_sets *hv = &o->variants[o->n_variants];
    *hv = (struct h5out_variant_sets){.independent = v->independent};
    for (int k = 0; k < N_VARS; k++)
        hv->diff[k] = -1;
    if (!(hv->name = strdup(v->name))) {
        diag_fail(diag, "%s: out of memory", o->tmp);
        return -1;
    }
    o->n_variants++;
    hid_t diff = diff_group(o);
    hid_t g = diff >= 0 ? H5Gcreate2(diff, v->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int rc = g < 0 || put_variants_attr(o, diff) ||
                     h5out_put_string_attr(g, "scenario_name", v->name) ||
                     h5out_put_string_attr(g, "description", v->description) ||
                     h5out_put_string_attr(g, "scenario", v->scenario_text) ||
                     h5out_put_int_attr(g, "independent", v->independent) ||
                     (!o->summary_only && create_diff_paths(o, g, hv))
                 ? -1
                 : 0;
    if (rc) h5common_fail(diag, "%s: cannot create /diff/%s", o->tmp, v->name);
    if (g >= 0) H5Gclose(g);
    if (diff >= 0) H5Gclose(diff);
    return rc;
}

int h5out_check_diff_blocks(const struct h5out *o, size_t k, const struct record_block *base,
                            const struct record_block *variant, struct diag *diag)
{
    if (k >= o->n_variants || base->first_path != variant->first_path ||
        base->n_paths != variant->n_paths) {
        diag_fail(diag, "%s: internal error: unpaired difference block", o->tmp);
        return -1;
    }
    return h5out_check_block(o, base, diag) || h5out_check_block(o, variant, diag) ? -1 : 0;
}

void h5out_block_difference(const struct record_block *base, const struct record_block *variant,
                            enum var v, double *buf)
{
    size_t n = base->n_paths * base->years * base->regions;
    for (size_t i = 0; i < n; i++)
        buf[i] = variant->v[i * N_VARS + v] - base->v[i * N_VARS + v];
}

/* One loop for the serial writer and the parallel one, as h5out_write_block. */
int h5out_write_diff_block(struct h5out *o, size_t k, const struct record_block *base,
                           const struct record_block *variant, struct diag *diag)
{
    if (o->summary_only) return 0;
    bool together = h5out_collective(o);
    bool empty = base->n_paths == 0 && variant->n_paths == 0;
    int rc = empty && together && k < o->n_variants
                 ? 0
                 : h5out_check_diff_blocks(o, k, base, variant, diag);
    size_t n = base->n_paths * base->years * base->regions;
    if (!together && (rc || n == 0)) return rc;
    double *buf = h5out_block_buffer(o, n, &rc, diag);
    size_t first = empty ? 0 : base->first_path - o->first_path;
    rc = h5out_agree(o, rc, "to prepare its difference block", diag);
    for (size_t j = 0; j < diffsum_n_vars && !rc; j++) {
        enum var v = diffsum_vars[j];
        if (n) h5out_block_difference(base, variant, v, buf);
        if (h5out_write_paths(o->variants[k].diff[v], o->dxpl, 3, first, base->n_paths, base->years,
                              base->regions, buf)) {
            char what[64];
            h5out_paths_text(base, what, sizeof what);
            h5common_fail(diag, "%s: cannot write %s of /diff/%s/%s", o->tmp, what,
                          o->variants[k].name, var_info[v].name);
            rc = -1;
        }
        rc = h5out_agree(o, rc, "to write paths", diag);
    }
    free(buf);
    return rc;
}

/* One statistic of one variable, for the regions or the province. */
static int put_stat(struct h5out *o, hid_t loc, const struct var_info *vi, const char *suffix,
                    const char *what, bool province, bool quantiles, const double *data,
                    struct diag *diag)
{
    char name[128], long_name[320];
    snprintf(name, sizeof name, "%s_%s", vi->name, suffix);
    snprintf(long_name, sizeof long_name, "%svariant - base, %s: %s", province ? "province, " : "",
             what, vi->long_name);
    const enum dim *kinds = province ? (quantiles ? YQ : Y) : (quantiles ? YRQ : YR);
    int rank = (province ? 1 : 2) + (quantiles ? 1 : 0);
    return h5out_put_summary(o, loc, H5T_NATIVE_DOUBLE, rank, kinds, data, name, vi->units,
                             long_name, diag);
}

static int put_stats(struct h5out *o, hid_t loc, const struct var_info *vi,
                     const struct diffsum_stats *st, const struct diffsum_stats *independent,
                     bool province, struct diag *diag)
{
    return put_stat(o, loc, vi, "mean", "mean across paths", province, false, st->mean, diag) ||
           put_stat(o, loc, vi, "ci_low", "lower end of the 95 % confidence interval of the mean",
                    province, false, st->ci_low, diag) ||
           put_stat(o, loc, vi, "ci_high", "upper end of the 95 % confidence interval of the mean",
                    province, false, st->ci_high, diag) ||
           put_stat(o, loc, vi, "variance", "sample variance across paths (squared units)",
                    province, false, st->variance, diag) ||
           put_stat(o, loc, vi, "variance_independent",
                    "Var(base) + Var(variant): the variance on independent streams (squared "
                    "units)",
                    province, false, st->variance_independent, diag) ||
           put_stat(o, loc, vi, "quantiles", "quantiles across paths", province, true,
                    st->quantiles, diag) ||
           (independent && put_stat(o, loc, vi, "variance_independent_measured",
                                    "sample variance with the variant on other streams "
                                    "(squared units)",
                                    province, false, independent->variance, diag));
}

static int put_warning(struct h5out *o, hid_t g, const struct diffsum_results *r, struct diag *diag)
{
    const struct {
        const char *name, *long_name;
        const double *region, *province;
    } w[] = {
        {"p_better", "probability that the variant's balance is higher", r->p_better,
         r->province_p_better},
        {"p_worse", "probability that the variant's balance is lower", r->p_worse,
         r->province_p_worse},
        {"delta_p_depleted", "P(depleted) under the variant minus under the base",
         r->delta_p_depleted, r->province_delta_p_depleted},
        {"delta_p_depleted_ci_low", "lower end of the 95 % confidence interval of delta_p_depleted",
         r->delta_p_depleted_ci_low, r->province_delta_p_depleted_ci_low},
        {"delta_p_depleted_ci_high",
         "upper end of the 95 % confidence interval of delta_p_depleted",
         r->delta_p_depleted_ci_high, r->province_delta_p_depleted_ci_high},
    };
    for (size_t k = 0; k < sizeof w / sizeof *w; k++) {
        char name[128], long_name[256];
        snprintf(name, sizeof name, "province_%s", w[k].name);
        snprintf(long_name, sizeof long_name, "province: %s", w[k].long_name);
        if (h5out_put_summary(o, g, H5T_NATIVE_DOUBLE, 2, YR, w[k].region, w[k].name, "1",
                              w[k].long_name, diag) ||
            h5out_put_summary(o, g, H5T_NATIVE_DOUBLE, 1, Y, w[k].province, name, "1", long_name,
                              diag))
            return -1;
    }
    return h5out_put_summary(
               o, g, H5T_NATIVE_DOUBLE, 1, Y, r->p_any_depleted_base, "p_any_depleted_base", "1",
               "probability that some fund (some region's row) is depleted, base", diag) ||
           h5out_put_summary(
               o, g, H5T_NATIVE_DOUBLE, 1, Y, r->p_any_depleted_variant, "p_any_depleted_variant",
               "1", "probability that some fund (some region's row) is depleted, variant", diag);
}

int h5out_write_diffsum(struct h5out *o, size_t k, const struct diffsum *d,
                        const struct diffsum *independent, struct diag *diag)
{
    const struct diffsum_config *c = diffsum_config(d);
    if (k >= o->n_variants || c->years != o->size[DIM_YEAR] || c->regions != o->size[DIM_REGION] ||
        c->n_quantiles != o->size[DIM_QUANTILE]) {
        diag_fail(diag, "%s: internal error: difference summaries do not fit the file", o->tmp);
        return -1;
    }
    const char *const names[] = {"summary", "summary/province", "warning"};
    enum { N_GROUPS = sizeof names / sizeof *names };
    hid_t g[N_GROUPS + 1];
    char path[512];
    snprintf(path, sizeof path, "diff/%s", o->variants[k].name);
    g[N_GROUPS] = H5Gopen2(o->file, path, H5P_DEFAULT);
    int rc = g[N_GROUPS] < 0 ? -1 : 0;
    for (size_t j = 0; j < N_GROUPS; j++) {
        g[j] = rc ? -1 : H5Gcreate2(g[N_GROUPS], names[j], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g[j] < 0) rc = -1;
    }
    if (rc) h5common_fail(diag, "%s: cannot create the groups of /%s", o->tmp, path);
    const struct diffsum_results *r = diffsum_results(d);
    const struct diffsum_results *ri = independent ? diffsum_results(independent) : NULL;
    for (size_t j = 0; j < diffsum_n_vars && !rc; j++) {
        enum var v = diffsum_vars[j];
        rc = put_stats(o, g[0], &var_info[v], &r->region[v], ri ? &ri->region[v] : NULL, false,
                       diag) ||
             put_stats(o, g[1], &var_info[v], &r->province[v], ri ? &ri->province[v] : NULL, true,
                       diag);
    }
    if (!rc) rc = put_warning(o, g[2], r, diag);
    for (size_t j = 0; j <= N_GROUPS; j++)
        if (g[j] >= 0) H5Gclose(g[j]);
    return rc;
}
