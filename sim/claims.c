/* claims.c: a region-year's claims on each payer (claims.h): the enrollees
 * grouped by sex, age band, condition and situation, one table lookup per
 * group (or its interpolation between the lookups a table's regions share,
 * struct claims_nodes), then one normal draw per line. */
#include "sim/claims.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Ages at which the women's enrollment stands for the mothers'. */
#define MOTHER_FIRST_AGE 15
#define MOTHER_LAST_AGE 49

static void add_keys(bool *starts, const struct step *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->key[i] > 0 && s->key[i] < N_AGES) starts[s->key[i]] = true;
}

void claims_bands_init(struct claims_bands *b, const struct scenario *s)
{
    bool starts[N_AGES] = {[0] = true};
    for (int sex = 0; sex < N_SEXES; sex++) {
        add_keys(starts, &s->utilization.inpatient.rate[sex]);
        add_keys(starts, &s->utilization.outpatient.rate[sex]);
    }
    b->n = 0;
    for (int a = 0; a < N_AGES; a++)
        if (starts[a]) b->first[b->n++] = a;
    b->first[b->n] = N_AGES;
}

/* The sums a region-year needs of its groups, count x each of these per
 * person: the mean and the variance of each line, the total cost, its policy
 * scope, the policy scope of admissions (padded to a round row). */
enum field {
    F_MEAN = 0,
    F_VAR = N_BENEFIT_LINES,
    F_TOTAL = 2 * N_BENEFIT_LINES,
    F_POLICY,
    F_INPATIENT_POLICY,
    N_FIELDS
};
#define FIELDS 16
_Static_assert(N_FIELDS <= FIELDS, "a row holds every field");

struct sums {
    double f[FIELDS];
    double layers[FIELDS]; /* the assisted's own layer fields (NODE_ROWS), folded in last */
};

static void fields(const struct benefit_expected *e, double *f)
{
    for (int l = 0; l < N_BENEFIT_LINES; l++) {
        f[F_MEAN + l] = e->mean[l];
        f[F_VAR + l] = e->var[l];
    }
    f[F_TOTAL] = e->total_mean;
    f[F_POLICY] = e->policy_mean;
    f[F_INPATIENT_POLICY] = e->inpatient_policy_mean;
    for (int k = N_FIELDS; k < FIELDS; k++)
        f[k] = 0;
}

/* Adds `count` persons with expectations `e` per person. */
static void add(struct sums *s, const struct benefit_expected *e, double count)
{
    if (count <= 0) return;
    for (int l = 0; l < N_BENEFIT_LINES; l++) {
        s->f[F_MEAN + l] += count * e->mean[l];
        s->f[F_VAR + l] += count * e->var[l];
    }
    s->f[F_TOTAL] += count * e->total_mean;
    s->f[F_POLICY] += count * e->policy_mean;
    s->f[F_INPATIENT_POLICY] += count * e->inpatient_policy_mean;
}

struct claims_nodes {
    size_t bands, conditions, groups; /* groups: per sex and band 1 + conditions, then the
                                         newborns of each sex */
    double in_rate[N_SEXES][CLAIMS_MAX_BANDS], out_rate[N_SEXES][CLAIMS_MAX_BANDS]; /* R */
    const struct benefit_year *y;
    int n;                 /* the year's nodes: 0 when each region looks up its own */
    double x[CLAIMS_NODES]; /* the nodes in u */
    bool *ready;            /* [groups]: looked up this year */
    double *value;          /* [groups][CLAIMS_NODES][NODE_ROWS][FIELDS] */
};

/* A group's values at a node, in three rows: paying in time, paying late, and
 * the assisted's differences from paying in time, which are in serious
 * illness and assistance alone (lookup_cells: the assisted's fund lines and
 * costs are those paid in time), 4 fields per category. */
enum node_row { ROW_IN_TIME, ROW_LATE, ROW_ASSISTED, NODE_ROWS };
#define N_LAYER_FIELDS 4
static const int layer_field[N_LAYER_FIELDS] = {F_MEAN + LINE_SERIOUS, F_VAR + LINE_SERIOUS,
                                                F_MEAN + LINE_ASSISTANCE, F_VAR + LINE_ASSISTANCE};
_Static_assert(N_CATEGORIES * N_LAYER_FIELDS == FIELDS, "the assisted's row holds every category");
#define GROUP_VALUES (CLAIMS_NODES * NODE_ROWS * FIELDS)

struct claims_nodes *claims_nodes_alloc(const struct claims_bands *b, size_t n_conditions,
                                        const struct utilization_model *m)
{
    struct claims_nodes *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->bands = b->n;
    c->conditions = n_conditions;
    c->groups = N_SEXES * b->n * (1 + n_conditions) + N_SEXES;
    for (int sex = 0; sex < N_SEXES; sex++)
        for (size_t band = 0; band < b->n; band++) {
            c->in_rate[sex][band] = m->inpatient.rate[sex][b->first[band]];
            c->out_rate[sex][band] = m->outpatient.rate[sex][b->first[band]];
        }
    c->ready = calloc(c->groups, sizeof *c->ready);
    c->value = malloc(c->groups * GROUP_VALUES * sizeof *c->value);
    if (!c->ready || !c->value) {
        claims_nodes_free(c);
        return NULL;
    }
    return c;
}

void claims_nodes_free(struct claims_nodes *c)
{
    if (!c) return;
    free(c->ready);
    free(c->value);
    free(c);
}

void claims_nodes_year(struct claims_nodes *c, const struct benefit_year *y, const double *use,
                       size_t n)
{
    c->y = y;
    c->n = 0;
    if (n <= CLAIMS_NODES) return;
    double lo = use[0], hi = use[0];
    for (size_t k = 1; k < n; k++)
        lo = fmin(lo, use[k]), hi = fmax(hi, use[k]);
    memset(c->ready, 0, c->groups * sizeof *c->ready);
    if (!(hi > lo)) {
        c->n = 1, c->x[0] = lo;
        return;
    }
    /* Chebyshev-Lobatto points: lo + (hi - lo) (1 - cos(pi j / 3)) / 2 */
    _Static_assert(CLAIMS_NODES == 4, "the nodes below are the 4 Chebyshev-Lobatto points");
    double mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
    c->n = 4;
    c->x[0] = lo, c->x[1] = mid - 0.5 * half, c->x[2] = mid + 0.5 * half, c->x[3] = hi;
}

/* The Lagrange weights of factor u on the year's nodes. */
static void node_weights(const struct claims_nodes *c, double u, double w[CLAIMS_NODES])
{
    for (int j = 0; j < c->n; j++) {
        w[j] = 1;
        for (int m = 0; m < c->n; m++)
            if (m != j) w[j] *= (u - c->x[m]) / (c->x[j] - c->x[m]);
    }
}

/* Where a region-year's groups get their expectations. */
struct source {
    const struct benefit_year *y;
    struct claims_nodes *nodes; /* NULL: the region's own lookups */
    const double *multiplier;   /* [conditions]: on the admission rate */
    double w[CLAIMS_NODES];     /* the region's weights on the nodes */
};

/* A group of a band (band < 0: the newborns) with the rates of its region. */
struct group {
    int sex, band, condition;
    double admissions, visits;
};

static size_t group_index(const struct claims_nodes *c, const struct group *g)
{
    if (g->band < 0) return N_SEXES * c->bands * (1 + c->conditions) + (size_t)g->sex;
    return ((size_t)g->sex * c->bands + (size_t)g->band) * (1 + c->conditions) +
           (size_t)(g->condition + 1);
}

/* The group's lookups at the year's nodes, made at its first use. */
static const double *node_values(const struct source *src, const struct group *g)
{
    struct claims_nodes *c = src->nodes;
    size_t i = group_index(c, g);
    assert(i < c->groups);
    double *v = c->value + i * GROUP_VALUES;
    if (c->ready[i]) return v;
    for (int j = 0; j < c->n; j++) {
        double admissions, visits;
        if (g->band < 0) {
            admissions = 0.5 * (c->in_rate[g->sex][0] * c->x[j]);
            visits = 0.5 * (c->out_rate[g->sex][0] * c->x[j]);
        } else {
            admissions = c->in_rate[g->sex][g->band] * c->x[j];
            if (g->condition >= 0) admissions *= src->multiplier[g->condition];
            visits = c->out_rate[g->sex][g->band] * c->x[j];
        }
        struct benefit_expected e[BENEFIT_SITUATIONS];
        benefit_year_lookup_situations(c->y, g->condition, admissions, visits, e);
        double *row = v + j * NODE_ROWS * FIELDS, assisted[FIELDS];
        fields(&e[SITUATION_IN_TIME], row + ROW_IN_TIME * FIELDS);
        fields(&e[SITUATION_LATE], row + ROW_LATE * FIELDS);
        for (int k = 0; k < N_CATEGORIES; k++) {
            fields(&e[SITUATION_ASSISTED + k], assisted);
            for (int i = 0; i < N_LAYER_FIELDS; i++)
                row[ROW_ASSISTED * FIELDS + k * N_LAYER_FIELDS + i] =
                    assisted[layer_field[i]] - row[ROW_IN_TIME * FIELDS + layer_field[i]];
#ifndef NDEBUG
            for (int i = 0; i < FIELDS; i++) {
                bool layer = false;
                for (int h = 0; h < N_LAYER_FIELDS; h++)
                    layer |= i == layer_field[h];
                assert(layer || assisted[i] == row[ROW_IN_TIME * FIELDS + i]);
            }
#endif
        }
    }
    c->ready[i] = true;
    return v;
}

/* One group: `count` persons, split by situation. */
static void add_group(struct sums *s, const struct source *src, const struct group *g,
                      double count, double late_share, const double *category_share)
{
    if (count <= 0) return;
    double assisted = 0;
    for (int k = 0; k < N_CATEGORIES; k++)
        assisted += category_share[k];
    double in_time = 1 - assisted - late_share;
    double n[BENEFIT_SITUATIONS];
    n[SITUATION_IN_TIME] = count * (in_time > 0 ? in_time : 0);
    n[SITUATION_LATE] = count * late_share;
    for (int k = 0; k < N_CATEGORIES; k++)
        n[SITUATION_ASSISTED + k] = count * category_share[k];
    if (!src->nodes || src->nodes->n == 0) {
        struct benefit_expected e[BENEFIT_SITUATIONS];
        benefit_year_lookup_situations(src->y, g->condition, g->admissions, g->visits, e);
        for (int k = 0; k < BENEFIT_SITUATIONS; k++)
            add(s, &e[k], n[k]);
        return;
    }
    const double *v = node_values(src, g);
    /* the assisted as if paying in time, then their own layers */
    double common = n[SITUATION_IN_TIME], per[FIELDS];
    for (int k = 0; k < N_CATEGORIES; k++) {
        common += n[SITUATION_ASSISTED + k];
        for (int i = 0; i < N_LAYER_FIELDS; i++)
            per[k * N_LAYER_FIELDS + i] = n[SITUATION_ASSISTED + k];
    }
    /* the sums in locals, which the compiler keeps in vector registers (in
     * memory, behind the stores, it adds one field at a time); each field adds
     * the same terms in the same order */
    double f[FIELDS], layers[FIELDS];
    memcpy(f, s->f, sizeof f);
    memcpy(layers, s->layers, sizeof layers);
    for (int j = 0; j < src->nodes->n; j++) {
        double w = src->w[j], a = w * common, b = w * n[SITUATION_LATE];
        const double *restrict row = v + j * NODE_ROWS * FIELDS;
        for (int i = 0; i < FIELDS; i++)
            f[i] += a * row[ROW_IN_TIME * FIELDS + i] + b * row[ROW_LATE * FIELDS + i];
        for (int i = 0; i < FIELDS; i++)
            layers[i] += w * per[i] * row[ROW_ASSISTED * FIELDS + i];
    }
    memcpy(s->f, f, sizeof f);
    memcpy(s->layers, layers, sizeof layers);
}

static double draw(double mean, double var, double noise, gsl_rng *r)
{
    double z = gsl_ran_gaussian_ziggurat(r, 1.0);
    return fmax(0, mean + noise * sqrt(fmax(0, var)) * z); /* var < 0: rounding of the
                                                                 interpolation */
}

void claims_region_year(const struct claims_bands *b, const struct benefit_year *y,
                        struct claims_nodes *nodes, const struct claims_inputs *in, gsl_rng *r,
                        struct claims_year *out)
{
    const struct enrollment_out *e = in->enrollment;
    const struct disease_out *dz = in->disease;
    const struct utilization_year *u = in->use;
    struct sums s = {0};
    struct source src = {.y = y, .nodes = nodes, .multiplier = in->condition_multiplier};
    if (nodes && nodes->n > 0) {
        assert(nodes->y == y && nodes->bands == b->n && nodes->conditions == in->n_conditions);
        node_weights(nodes, u->use, src.w);
    }
    /* the fixed arrays below and in the tables: per condition, per band */
    assert(in->n_conditions <= LIMIT_CONDITIONS && b->n >= 1 && b->n <= CLAIMS_MAX_BANDS);

    /* The assisted and the late payers, as shares of the enrollees in the cells
     * (the year's newborns are neither). */
    double in_cells = e->total - e->newborns;
    double category_share[N_CATEGORIES] = {0}, late_share = 0;
    if (in_cells > 0) {
        for (int k = 0; k < N_CATEGORIES; k++)
            category_share[k] =
                (e->assisted[k][CLASS_DISTRICT] + e->assisted[k][CLASS_COUNTY]) / in_cells;
        late_share = e->late_payers / in_cells;
    }

    for (int sex = 0; sex < N_SEXES; sex++) {
        for (size_t band = 0; band < b->n; band++) {
            int a0 = b->first[band], a1 = b->first[band + 1];
            assert(a0 >= 0 && a0 < a1 && a1 <= N_AGES);
            /* each sum in a local, condition by condition: summed age by age in
             * an array, each addition would wait for the store of the one before */
            double n = 0, patients[LIMIT_CONDITIONS], all_patients = 0;
            for (int a = a0; a < a1; a++)
                n += e->enrollees.at[sex][a];
            if (n <= 0) continue;
            for (size_t c = 0; c < in->n_conditions; c++) {
                double x = 0;
                for (int a = a0; a < a1; a++)
                    x += dz->patients[c].at[sex][a];
                patients[c] = x;
            }
            for (size_t c = 0; c < in->n_conditions; c++)
                all_patients += patients[c];
            /* One rate per band (claims.h): the base admission rate is the cell's
             * rate without its condition multiplier. */
            double base = u->inpatient.rate[sex][a0] / dz->inpatient_multiplier.at[sex][a0];
            double visits = u->outpatient.rate[sex][a0];
            struct group g = {sex, (int)band, -1, base, visits};
            add_group(&s, &src, &g, fmax(0, n - all_patients), late_share, category_share);
            for (size_t c = 0; c < in->n_conditions; c++) {
                g.condition = (int)c;
                g.admissions = base * in->condition_multiplier[c];
                add_group(&s, &src, &g, patients[c], late_share, category_share);
            }
        }
        /* The year's newborns: half a year at the age-0 rates, none late or assisted. */
        static const double none[N_CATEGORIES] = {0};
        double base = u->inpatient.rate[sex][0] / dz->inpatient_multiplier.at[sex][0];
        struct group g = {sex, -1, -1, 0.5 * base, 0.5 * u->outpatient.rate[sex][0]};
        add_group(&s, &src, &g, in->born[sex], 0, none);
    }

    /* Deliveries of enrolled mothers: the births times the women's enrollment
     * at ages 15-49. */
    double women = 0, enrolled = 0;
    for (int a = MOTHER_FIRST_AGE; a <= MOTHER_LAST_AGE; a++) {
        women += in->residents->at[SEX_FEMALE][a];
        enrolled += e->enrollees.at[SEX_FEMALE][a];
    }
    double deliveries = women > 0 ? in->births * enrolled / women : 0;

    for (int k = 0; k < N_CATEGORIES; k++)
        for (int i = 0; i < N_LAYER_FIELDS; i++)
            s.f[layer_field[i]] += s.layers[k * N_LAYER_FIELDS + i];

    double k = in->scale;
    memset(out, 0, sizeof *out);
    for (int l = 0; l < N_BENEFIT_LINES; l++)
        out->fund_yuan[l] = draw(k * s.f[F_MEAN + l], k * k * s.f[F_VAR + l], in->noise, r);
    out->maternity_yuan = draw(deliveries * in->maternity_mean_yuan,
                               deliveries * in->maternity_var_yuan, in->noise, r);
    out->total_yuan = k * s.f[F_TOTAL];
    out->policy_yuan = k * s.f[F_POLICY];
    out->inpatient_policy_yuan = k * s.f[F_INPATIENT_POLICY];
    double paid = 0;
    for (int l = 0; l < N_BENEFIT_LINES; l++)
        paid += out->fund_yuan[l];
    out->out_of_pocket_yuan = fmax(0, out->total_yuan - paid);
}
