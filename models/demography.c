/* demography.c: the national demography model, the pair of the mortality and
 * fertility drivers (see demography.h). */
#include "models/demography.h"

int demography_model_init(struct demography_model *m, const struct scenario *s, struct diag *d)
{
    int status = mortality_model_init(&m->mortality, s, d);
    if (fertility_model_init(&m->fertility, s, d)) status = -1;
    return status;
}

void demography_state_init(struct demography_state *st)
{
    mortality_state_init(&st->mortality);
    fertility_state_init(&st->fertility);
}

void demography_median_year(const struct demography_model *m, int year, struct demography_year *out)
{
    mortality_year(&m->mortality, 0, year, out);
    fertility_year(&m->fertility, 0, year, out);
}
