/* pools.c: the pooling structure (pools.h). */
#include "sim/pools.h"

#include <stdlib.h>
#include <string.h>

/* The region with code `code`, or -1. */
static long code_index(const struct scenario *s, const char *code)
{
    for (size_t j = 0; j < s->n_regions; j++)
        if (strcmp(s->regions[j].code, code) == 0) return (long)j;
    return -1;
}

int pools_init(struct pools *p, const struct scenario *s)
{
    size_t n = s->n_regions;
    *p = (struct pools){.n = n};
    p->host = malloc(n * sizeof *p->host);
    p->from = calloc(n, sizeof *p->from);
    if (!p->host || !p->from) {
        pools_free(p);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        p->host[k] = s->pooling.mode == POOLING_PROVINCE && k > 0 ? 0 : -1;
    for (size_t m = 0; s->pooling.mode == POOLING_CITY && m < s->pooling.n_merges; m++) {
        const struct pool_merge *x = &s->pooling.merges[m];
        long a = code_index(s, x->region), f = code_index(s, x->fund);
        if (a < 0 || f < 0 || a == f) continue; /* refused by the check */
        p->host[a] = f;
        p->from[a] = x->from;
    }
    for (size_t k = 0; k < n; k++)
        p->any |= p->host[k] >= 0;
    return 0;
}

void pools_free(struct pools *p)
{
    free(p->host);
    free(p->from);
    p->host = NULL;
    p->from = NULL;
}

size_t pools_fund(const struct pools *p, size_t k, int year)
{
    /* at most n steps: the check refused cycles, and the bound keeps a loop
     * out even if it had not */
    for (size_t steps = 0; steps < p->n && p->host[k] >= 0 && year >= p->from[k]; steps++)
        k = (size_t)p->host[k];
    return k;
}

bool pools_merged(const struct scenario *s)
{
    return s->pooling.mode == POOLING_PROVINCE ||
           (s->pooling.mode == POOLING_CITY && s->pooling.n_merges > 0);
}

const char *pools_name(const struct scenario *s)
{
    if (s->pooling.mode == POOLING_ADJUSTMENT_FUND) return "adjustment_fund";
    if (s->pooling.mode == POOLING_PROVINCE) return "province";
    return pools_merged(s) ? "city_merges" : "city";
}

bool pools_name_merged(const char *name)
{
    return name && (strcmp(name, "province") == 0 || strcmp(name, "city_merges") == 0);
}
