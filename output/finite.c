/* finite.c: the first non-finite value of a block of records (finite.h). */
#include "output/finite.h"
#include "sim/config/diag.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Whether the n values are all finite, without a branch per value so that the loop
 * vectorizes: a double is an infinity or a NaN when the 11 bits of its exponent
 * are all ones, and only then does adding one to that exponent carry into the
 * sign bit. */
static bool all_finite(const double *x, size_t n)
{
    const uint64_t exponent = UINT64_C(0x7ff0000000000000), one = UINT64_C(1) << 52;
    uint64_t carry = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &x[i], sizeof u);
        carry |= (u & exponent) + one;
    }
    return !(carry >> 63);
}

bool finite_scan(const struct record_block *b, struct finite_at *at)
{
    /* the usual case, every value finite, in one pass over each array; else the
     * first non-finite value in the order below */
    size_t cells = b->n_paths * b->years;
    if (all_finite(b->v, cells * b->regions * N_VARS) && all_finite(b->national, cells * N_NVARS))
        return false;
    for (size_t p = 0; p < b->n_paths; p++)
        for (size_t y = 0; y < b->years; y++) {
            for (size_t r = 0; r < b->regions; r++) {
                const double *rec = record_at(b, p, y, r);
                for (int v = 0; v < N_VARS; v++)
                    if (!isfinite(rec[v])) {
                        *at = (struct finite_at){false, v, b->first_path + p, y, r, rec[v]};
                        return true;
                    }
            }
            const double *nat = record_national(b, p, y);
            for (int v = 0; v < N_NVARS; v++)
                if (!isfinite(nat[v])) {
                    *at = (struct finite_at){true, v, b->first_path + p, y, 0, nat[v]};
                    return true;
                }
        }
    return false;
}

int finite_check(const struct record_block *b, const char *scenario_name,
                 const char *const *region_names, int start_year, struct diag *d)
{
    struct finite_at at;
    if (!finite_scan(b, &at)) return 0;
    diag_fail(d,
              "%s: %s is %s in %s in %d on path %zu (from 0): a figure of the scenario is "
              "too large or divides by zero somewhere; the run stops, nothing was written",
              scenario_name, at.national ? nvar_info[at.var].name : var_info[at.var].name,
              isnan(at.value) ? "NaN" : (at.value > 0 ? "+infinity" : "-infinity"),
              at.national ? "the province" : region_names[at.region], start_year + (int)at.year,
              at.path);
    return -1;
}
