/* claims.c: a region-year's claims on each payer (claims.h): the enrollees
 * grouped by sex, age band, condition and situation, one table lookup per
 * group (or its interpolation between the lookups a table's regions share,
 * struct claims_nodes), then one normal draw per line. */
#include "sim/claims.h"

#include "models/clones.h"

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

/* Adds `count` persons with expectations `e` per person to the fields `f`. */
static void add(double *f, const struct benefit_expected *e, double count)
{
    if (count <= 0) return;
    for (int l = 0; l < N_BENEFIT_LINES; l++) {
        f[F_MEAN + l] += count * e->mean[l];
        f[F_VAR + l] += count * e->var[l];
    }
    f[F_TOTAL] += count * e->total_mean;
    f[F_POLICY] += count * e->policy_mean;
    f[F_INPATIENT_POLICY] += count * e->inpatient_policy_mean;
}

struct claims_nodes {
    size_t bands, conditions, groups; /* groups: per sex and band 1 + conditions, then the
                                         newborns of each sex */
    double in_rate[N_SEXES][CLAIMS_MAX_BANDS], out_rate[N_SEXES][CLAIMS_MAX_BANDS]; /* R */
    const struct benefit_year *y;
    int n;                  /* the year's nodes: 0 when each region looks up its own */
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
_Static_assert(FIELDS == N_CATEGORIES * N_LAYER_FIELDS, "the assisted's row holds every category");
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

/* A group of a band (band < 0: the newborns) with the rates of its region,
 * and its persons. */
struct group {
    int sex, band, condition;
    double admissions, visits;
    double count;
};

/* The most groups summed in one call: a band's, those without a condition
 * and the patients of each. */
#define MAX_BATCH (1 + LIMIT_CONDITIONS)

static size_t group_index(const struct claims_nodes *c, const struct group *g)
{
    if (g->band < 0) return N_SEXES * c->bands * (1 + c->conditions) + (size_t)g->sex;
    return ((size_t)g->sex * c->bands + (size_t)g->band) * (1 + c->conditions) +
           (size_t)(g->condition + 1);
}

/* The group's lookups at the year's nodes, into its values `v`. */
static void look_up_nodes(const struct source *src, const struct group *g, double *v)
{
    const struct claims_nodes *c = src->nodes;
    /* the nodes in one call: their admission counts are computed together */
    _Static_assert(CLAIMS_NODES <= BENEFIT_LOOKUP_LANES, "a group's nodes fit in one lookup");
    double admissions[CLAIMS_NODES], visits[CLAIMS_NODES];
    for (int j = 0; j < c->n; j++) {
        if (g->band < 0) {
            admissions[j] = 0.5 * (c->in_rate[g->sex][0] * c->x[j]);
            visits[j] = 0.5 * (c->out_rate[g->sex][0] * c->x[j]);
        } else {
            admissions[j] = c->in_rate[g->sex][g->band] * c->x[j];
            if (g->condition >= 0) admissions[j] *= src->multiplier[g->condition];
            visits[j] = c->out_rate[g->sex][g->band] * c->x[j];
        }
    }
    struct benefit_expected lanes[CLAIMS_NODES][BENEFIT_SITUATIONS];
    benefit_year_lookup_lanes(c->y, g->condition, c->n, admissions, visits, lanes);
    for (int j = 0; j < c->n; j++) {
        const struct benefit_expected *e = lanes[j];
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
}

/* The group's values at the year's nodes, looked up at its first use. */
static inline const double *node_values(const struct source *src, const struct group *g)
{
    struct claims_nodes *c = src->nodes;
    size_t i = group_index(c, g);
    assert(i < c->groups);
    double *v = c->value + i * GROUP_VALUES;
    if (!c->ready[i]) look_up_nodes(src, g, v), c->ready[i] = true;
    return v;
}

/* The groups of band `band` of a sex into g (band < b->n), or its newborns
 * (band == b->n): how many (none where the band has no enrollees). */
static size_t band_groups(const struct claims_bands *b, const struct claims_inputs *in, int sex,
                          size_t band, struct group *g)
{
    const struct enrollment_out *e = in->enrollment;
    const struct disease_out *dz = in->disease;
    const struct utilization_year *u = in->use;
    if (band == b->n) {
        /* The year's newborns: half a year at the age-0 rates, none late or assisted. */
        double base = u->inpatient.rate[sex][0] / dz->inpatient_multiplier.at[sex][0];
        g[0] = (struct group){.sex = sex,
                              .band = -1,
                              .condition = -1,
                              .admissions = 0.5 * base,
                              .visits = 0.5 * u->outpatient.rate[sex][0],
                              .count = in->born[sex]};
        return 1;
    }
    int a0 = b->first[band], a1 = b->first[band + 1];
    assert(a0 >= 0 && a0 < a1 && a1 <= N_AGES);
    /* each sum in a local, condition by condition: summed age by age in
     * an array, each addition would wait for the store of the one before */
    double n = 0, patients[LIMIT_CONDITIONS], all_patients = 0;
    for (int a = a0; a < a1; a++)
        n += e->enrollees.at[sex][a];
    if (n <= 0) return 0;
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
    g[0] = (struct group){sex, (int)band, -1, base, visits, fmax(0, n - all_patients)};
    for (size_t c = 0; c < in->n_conditions; c++) {
        g[1 + c] = g[0];
        g[1 + c].condition = (int)c;
        g[1 + c].admissions = base * in->condition_multiplier[c];
        g[1 + c].count = patients[c];
    }
    return 1 + in->n_conditions;
}

/* How a batch of groups (a band's, or the newborns) splits by situation: the
 * shares of the late payers and of each category of the assisted, and that
 * of those paying in time. */
struct split {
    double late;
    const double *assisted; /* [N_CATEGORIES] */
    double in_time;
};

static struct split batch_split(bool newborns, double late_share, const double *category_share)
{
    static const double none[N_CATEGORIES] = {0};
    struct split x = {newborns ? 0 : late_share, newborns ? none : category_share, 0};
    double assisted = 0;
    for (int k = 0; k < N_CATEGORIES; k++)
        assisted += x.assisted[k];
    double in_time = 1 - assisted - x.late;
    x.in_time = in_time > 0 ? in_time : 0;
    return x;
}

/* The sums of the region-year's groups, band by band, each group's persons
 * split by situation (the newborns neither late nor assisted), from the
 * region's own lookups. */
static void sum_own(struct sums *s, const struct claims_bands *b, const struct source *src,
                    const struct claims_inputs *in, double late_share, const double *category_share)
{
    for (int sex = 0; sex < N_SEXES; sex++)
        for (size_t band = 0; band <= b->n; band++) {
            struct group g[MAX_BATCH];
            size_t n = band_groups(b, in, sex, band, g);
            struct split x = batch_split(band == b->n, late_share, category_share);
            for (size_t q = 0; q < n; q++) {
                double count = g[q].count;
                if (count <= 0) continue;
                double m[BENEFIT_SITUATIONS];
                m[SITUATION_IN_TIME] = count * x.in_time;
                m[SITUATION_LATE] = count * x.late;
                for (int k = 0; k < N_CATEGORIES; k++)
                    m[SITUATION_ASSISTED + k] = count * x.assisted[k];
                struct benefit_expected e[BENEFIT_SITUATIONS];
                benefit_year_lookup_situations(src->y, g[q].condition, g[q].admissions, g[q].visits,
                                               e);
                for (int k = 0; k < BENEFIT_SITUATIONS; k++)
                    add(s->f, &e[k], m[k]);
            }
        }
}

/* The same sums from the lookups at the nodes, interpolated.
 *
 * Shaped for GCC's vectorizer, which is easily put off (check the object
 * code after a change: the loop of the sums should be about 34 instructions
 * per group and node, on ymm registers in the AVX2 copy): a band's lookups
 * and scalar products first, then a loop of the sums with no call in it; the
 * sums copied in and out once per region-year; the own lookups in another
 * function (their scalar additions to the same locals made GCC add one field
 * at a time). */
/* Also compiled for AVX2 (models/clones.h): the sums of the node rows 4 fields
 * at a time instead of 2, the same bits. */
AVX2_CLONES static void sum_nodes(struct sums *s, const struct claims_bands *b,
                                  const struct source *src, const struct claims_inputs *in,
                                  double late_share, const double *category_share)
{
    int nodes = src->nodes->n;
    /* the sums in locals, which the compiler keeps in vector registers over a
     * band's groups (in memory, behind the stores, it adds one field at a
     * time); each field adds the same terms in the same order as before,
     * group by group, node by node */
    double f[FIELDS], layers[FIELDS];
    memcpy(f, s->f, sizeof f);
    memcpy(layers, s->layers, sizeof layers);
    for (int sex = 0; sex < N_SEXES; sex++)
        for (size_t band = 0; band <= b->n; band++) {
            struct group g[MAX_BATCH];
            size_t n = band_groups(b, in, sex, band, g);
            struct split x = batch_split(band == b->n, late_share, category_share);
            /* Each group's persons times the weight of each node, at all
             * CLAIMS_NODES nodes whatever the year's number (a loop of fixed
             * length, in vectors; the weights past the year's nodes are 0 and
             * their products unused). */
            struct term {
                const double *v;                             /* the group's node values */
                double common[CLAIMS_NODES];                 /* w x the persons in time and
                                                                the assisted */
                double late[CLAIMS_NODES];                   /* w x the late payers */
                double assisted[N_CATEGORIES][CLAIMS_NODES]; /* w x the assisted of each
                                                                category */
            } t[MAX_BATCH];
            size_t m = 0;
            for (size_t q = 0; q < n; q++) {
                double count = g[q].count;
                if (count <= 0) continue;
                struct term *term = &t[m++];
                term->v = node_values(src, &g[q]);
                /* the assisted as if paying in time, then their own layers */
                double common = count * x.in_time, late = count * x.late;
                for (int k = 0; k < N_CATEGORIES; k++) {
                    double assisted = count * x.assisted[k];
                    common += assisted;
                    for (int j = 0; j < CLAIMS_NODES; j++)
                        term->assisted[k][j] = src->w[j] * assisted;
                }
                for (int j = 0; j < CLAIMS_NODES; j++) {
                    term->common[j] = src->w[j] * common;
                    term->late[j] = src->w[j] * late;
                }
            }
            for (size_t q = 0; q < m; q++) {
                const struct term *term = &t[q];
                for (int j = 0; j < nodes; j++) {
                    const double *restrict row = term->v + j * NODE_ROWS * FIELDS;
                    for (int i = 0; i < FIELDS; i++)
                        f[i] += term->common[j] * row[ROW_IN_TIME * FIELDS + i] +
                                term->late[j] * row[ROW_LATE * FIELDS + i];
                    for (int i = 0; i < FIELDS; i++)
                        layers[i] +=
                            term->assisted[i / N_LAYER_FIELDS][j] * row[ROW_ASSISTED * FIELDS + i];
                }
            }
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

    if (nodes && nodes->n > 0)
        sum_nodes(&s, b, &src, in, late_share, category_share);
    else
        sum_own(&s, b, &src, in, late_share, category_share);

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
