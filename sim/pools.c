/* pools.c: the pooling structure (pools.h). */
#include "sim/pools.h"

#include <stdlib.h>
#include <string.h>

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
    for (size_t k = 0; k < n; k++) {
        p->host[k] = -1;
        if (s->pooling.mode == POOLING_PROVINCE) {
            if (k > 0) p->host[k] = 0;
            continue;
        }
        const char *fund = s->regions[k].pools_with.fund;
        if (!fund || !fund[0]) continue;
        for (size_t j = 0; j < n; j++)
            if (j != k && strcmp(s->regions[j].code, fund) == 0) p->host[k] = (long)j;
        p->from[k] = s->regions[k].pools_with.from;
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
