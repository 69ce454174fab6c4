/* accum.c: the allocation list and the quantiles shared by the summaries
 * across paths (accum.h). */
#include "accum.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>

void *accum_calloc(struct accum_owned *o, size_t count, size_t size)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        void **p = realloc(o->p, cap * sizeof *p);
        if (!p) {
            o->out_of_memory = true;
            return NULL;
        }
        o->p = p;
        o->cap = cap;
    }
    void *block = calloc(count ? count : 1, size);
    if (!block) o->out_of_memory = true;
    o->p[o->n++] = block;
    return block;
}

void accum_free(struct accum_owned *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->p[i]);
    free(o->p);
    *o = (struct accum_owned){0};
}

void accum_quantiles(double *data, size_t n, const double *levels, size_t n_levels, double *out)
{
    gsl_sort(data, 1, n);
    for (size_t q = 0; q < n_levels; q++)
        out[q] = gsl_stats_quantile_from_sorted_data(data, 1, n, levels[q]);
}
