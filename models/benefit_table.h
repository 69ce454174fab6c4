/* benefit_table.h: expected payments per person of a cell, exact under the
 * per-person rules.
 *
 * Deductibles and caps act per person-year, so a cell's expected payment is not
 * the rule applied to its average person. This module holds the per-person claim
 * model and, built once per run for each distinct year of rules, tables of the
 * distribution of a person's payments; the engine then asks, per cell, for the
 * mean and variance per person of each line, as if the rules were applied
 * person by person.
 *
 * The claim model (assumed forms; parameters from the scenario):
 * - admissions per person-year: negative binomial with the cell's mean λ and
 *   variance λ + φλ² (a person's propensity is gamma with mean 1 and variance φ =
 *   utilization.inpatient.overdispersion; φ = 0 is Poisson); each admission's
 *   level from the level mix, its cost lognormal with mean cost_yuan[level] × the
 *   price index P and coefficient of variation cost_cv[level], of which the
 *   share compliant_share[level] is in policy scope;
 * - general outpatient visit-days likewise (utilization.outpatient; each visit a
 *   day of its own at one facility);
 * - a patient of condition k: yearly treatment cost lognormal with mean
 *   annual_cost_yuan × P × U and cv cost_cv, all in policy scope: it grows in
 *   price and in volume, U the use index (costs.h; the use trend raises the
 *   admission and visit counts, which the caller puts in λ, and a patient's
 *   treatment, which the table prices);
 * - admissions, visits and the condition cost of a person are independent given
 *   the cell and group (condition, late payment), so the fund's lines are
 *   independent and the variance of their sum is the sum of their variances;
 * - a late payer pays on 1 January and waits policy.waiting_days: his claims in
 *   that time (a share waiting_days / 365 of the year's) are his own.
 * - a person has one condition at most: the engine pays a patient of two as two
 *   persons, their costs never combined (models/README.md, the claim model).
 *
 * Method. For each node of a grid of price indices, the distribution of a
 * person's inpatient out-of-pocket cost after the fund for n = 0..K admissions
 * is computed on a lattice (lattice.h) by a chain over admissions that carries
 * the fund's payment so far in `cap_bins` bins of the annual cap (so the cap
 * applies to the year, not per admission); it is convolved with each
 * condition's out-of-pocket cost and with the general outpatient out-of-pocket
 * cost at 7 visit rates (its heavy tail, from the over-dispersion,
 * matters for serious illness: a second-order expansion in it was 1-2 % off for
 * the poor); the stop-loss transforms E[(W − t)^+] and E[((W − t)^+)²] of the
 * sum W are kept on a log grid of amounts t. A condition's cost is P U, so its
 * groups are tabulated at each node of a second grid, of use indices over the
 * years the table serves: one node when U is the same in all of them, 3 over a
 * small range (two consecutive years: both on nodes), else at least 4,
 * log-spaced at most the price grid's step apart (at most 12 nodes). Serious
 * illness and assistance are piecewise linear in W, so their mean and second
 * moment follow exactly from those transforms at their kinks, for any
 * deductible, hence any income. The fund's lines are tabulated apart: the
 * inpatient fund by admission count (its cap from the distribution of the
 * year's payments before it), the outpatient fund and out-of-pocket cost by a
 * chain over visits, mixed over the visit counts on a fine grid of visit rates,
 * and the conditions in closed form.
 * Lookups mix the admission count in with its exact probabilities up to the
 * count after which less than 1e-9 of the persons are left, or K (below 1e-5
 * at admissions_max; the rest extrapolated linearly, keeping its mean), interpolate
 * cubically in log price index (nodes index_ratio apart), in log use index
 * (cubically, quadratically on 3 nodes) and in the visit rate (serious illness,
 * assistance) or linearly on the fine grid (outpatient fund).
 * Two cases go by cells of the outpatient and condition cost X instead (the
 * year view weights, for each of 40 cells of X, the payers as functions of the
 * inpatient cost alone): assistance when serious illness counts only a share of
 * X, and both layers for a condition of narrow cost (cv < 0.25), whose cells
 * come from its lognormal at the year's index. Accuracy: models/README.md,
 * "Accuracy of the tables" (the one statement; tests/test_reference.c and
 * tests/test_benefit_table.c measure it).
 *
 * Cost (Henan's default grid, release build, one thread; measured on 3 December
 * 2026 on a shared 2-core machine): building about 2.7 s of CPU (1.5e9
 * instructions a price index node) and 100 MB per table on 4 use nodes (26 price
 * index nodes, 58 t nodes), the conditions' part of both times the use nodes; a
 * year view for the fund's lines only, about 2 µs to prepare and 0.1 µs a
 * lookup; with serious illness and assistance, about 60 µs to prepare on 4 use
 * nodes with AVX2, 90 µs in SSE (every group, count and visit node at the
 * year's 5 kinks, summed in single precision: 310-350 µs before; 423,000
 * instructions with AVX2, 910,000 in SSE) and 0.2 µs a lookup; only the visit
 * nodes the year's lookups read are prepared (5 of the 7 in Henan's years: in
 * the engine's paths 253,000 instructions a view with AVX2 for the layers,
 * 300,000 for all 7; callgrind, 3 December 2026). The
 * indices and income are the year's for a path: a table's year view is best
 * prepared once per path and year and shared by the regions using the table. */
#ifndef FUNDSIM_BENEFIT_TABLE_H
#define FUNDSIM_BENEFIT_TABLE_H

#include "models/benefits.h"
#include "sim/config/scenario.h"

#include <stdbool.h>
#include <stddef.h>

struct benefit_care_model {
    double level_mix[N_LEVELS], cost_yuan[N_LEVELS], cost_cv[N_LEVELS], compliant_share[N_LEVELS];
    double overdispersion; /* φ: variance of a person's propensity (0: Poisson) */
};

struct benefit_claim_model {
    struct benefit_care_model inpatient, outpatient;
    size_t n_conditions;
    double condition_cost_yuan[LIMIT_CONDITIONS], condition_cost_cv[LIMIT_CONDITIONS];
    double condition_admissions_multiplier[LIMIT_CONDITIONS]; /* sets the table's range */
    double caesarean_share;
};

/* The scenario's claim model; a region's hospital mix, if it has one, replaces the
 * inpatient level mix (region may be NULL). */
void benefit_claim_model_init(struct benefit_claim_model *m, const struct scenario *s,
                              const struct region *region);

/* The most a grid may ask for (benefit_table_build refuses more): the
 * admission counts tabulated (the lookups' count distribution is a fixed
 * array of BENEFIT_MAX_ADMISSIONS + 1), and the bins of the annual cap in
 * the inpatient chain (its states, BENEFIT_MAX_CAP_BINS + 1); and the fewest
 * lattice points. */
#define BENEFIT_MAX_ADMISSIONS 200
#define BENEFIT_MAX_CAP_BINS 64
#define BENEFIT_MIN_LATTICE_POINTS 64

/* The ranges a table covers and its resolution. */
struct benefit_grid {
    double index_min, index_max;             /* price index (costs.h), relative to the start year */
    double index_ratio;                      /* between neighbouring nodes (> 1) */
    double use_min, use_max;                 /* use index (costs.h) of the years the table serves */
    double income_min_yuan, income_max_yuan; /* range of previous-year incomes */
    double admissions_max; /* highest expected admissions per person-year without a condition
                              (times each condition's multiplier for its patients) */
    double visits_max;     /* highest expected visits per person-year */
    int max_admissions;    /* K: counts 0..K tabulated, more extrapolated; 8 to
                              BENEFIT_MAX_ADMISSIONS */
    size_t lattice_points; /* a power of two, at least BENEFIT_MIN_LATTICE_POINTS */
    int cap_bins; /* bins of the inpatient annual cap in the chain: 1 to BENEFIT_MAX_CAP_BINS */
};

/* Ranges wide enough for the scenario's whole projection (see the function); the
 * use index of every year from the start to the last. */
void benefit_grid_default(struct benefit_grid *g, const struct scenario *s);

struct benefit_table;

/* Builds the table of one year's rules (the income in `r` is not used: the
 * deductible of serious illness is set per lookup) for a claim model. Returns 0,
 * or -1 (out of memory, or a grid or rules it cannot tabulate). */
int benefit_table_build(struct benefit_table **out, const struct benefit_rules *r,
                        const struct benefit_claim_model *m, const struct benefit_grid *g);

/* The same in parts, for building one table on several threads: start sizes the
 * table and allocates it (0, or -1 as build); then each of its price index nodes
 * 0 .. benefit_table_nodes(t) − 1 is built once by build_node (0, or −1 out of
 * memory), which writes only that node's entries: nodes may be built at the same
 * time on different threads, in any order, and give the same bytes. A table is
 * ready for benefit_year_alloc when every node is built. */
int benefit_table_start(struct benefit_table **out, const struct benefit_rules *r,
                        const struct benefit_claim_model *m, const struct benefit_grid *g);
int benefit_table_nodes(const struct benefit_table *t);
int benefit_table_build_node(struct benefit_table *t, int i);
void benefit_table_free(struct benefit_table *t);

/* A table resolved for one price index, one use index and one previous-year
 * income: the engine prepares it once per table and year of a path and then
 * looks up cells. Used by one thread at a time: where every group and visit
 * node has the same kinks, a lookup prepares the serious illness and assistance
 * of its group at the visit nodes it reads, when first asked for them (the same
 * values, bit for bit, in whatever order and pieces). */
struct benefit_year;

/* With `layers` false the year gives the fund's lines only (serious illness,
 * assistance and out of pocket come out NaN), at a small part of the cost. */
struct benefit_year *benefit_year_alloc(const struct benefit_table *t, bool layers);
void benefit_year_free(struct benefit_year *y);
/* A year view sums the table's values in AVX2 where the processor has it
 * (x86-64, GCC or Clang), else in SSE: the same operations in the same order,
 * so the same bits. benefit_year_plain makes view y use SSE (the tests compare
 * the two). */
void benefit_year_plain(struct benefit_year *y);
/* `price_index` prices an admission, a visit and a unit of a condition's treatment;
 * `use_index` is the use per person that the use trend adds (costs_year): the
 * caller has it in the admission and visit rates of the cells, and the table puts
 * it in a condition patient's treatment, of mean annual_cost_yuan × price × use.
 * Returns 0, or 1 when an index or the income is outside the grid (the values are
 * then extrapolated and less exact). */
int benefit_year_prepare(struct benefit_year *y, double price_index, double use_index,
                         double income_prev_yuan);

/* The range of visit rates (benefit_cell.visits) that view y's lookups of the
 * year prepared last are expected to ask for. A view prepares serious illness
 * and assistance group by group as its lookups first need them, at the layer
 * nodes about their visit rates (a year's rates leave the highest nodes unread);
 * with the range, a group's nodes of the whole range come at its first lookup,
 * in one piece. Only a hint: a lookup outside it still gets its nodes. */
void benefit_year_expect(struct benefit_year *y, double visits_lo, double visits_hi);

/* A group of persons within an age and sex cell. */
struct benefit_cell {
    int condition;     /* index in disease.conditions, or -1 for none */
    int category;      /* enum category, or BENEFIT_NOT_ASSISTED */
    bool late_payer;   /* waits policy.waiting_days; never assisted (the year view
                          prepares no layers for such a cell) */
    double admissions; /* expected admissions per person-year */
    double visits;     /* expected general outpatient visits per person-year */
};

enum benefit_line {
    LINE_FUND_INPATIENT,
    LINE_FUND_OUTPATIENT,
    LINE_FUND_TWO_DISEASES, /* hypertension and diabetes medication (两病) */
    LINE_FUND_CHRONIC,      /* chronic and special conditions (门诊慢特病) */
    LINE_SERIOUS,
    LINE_ASSISTANCE,
    N_BENEFIT_LINES
};

/* Per person-year of the cell. */
struct benefit_expected {
    double mean[N_BENEFIT_LINES], var[N_BENEFIT_LINES];
    double fund_mean, fund_var; /* the four fund lines, independent in the claim model */
    double total_mean, policy_mean, out_of_pocket_mean;
    double inpatient_policy_mean; /* the policy-scope cost of admissions alone */
};

/* A lookup may write the view (the rows of its group it first needs: struct
 * benefit_year above), although it takes it const: never share a view between
 * threads. */
void benefit_year_lookup(const struct benefit_year *y, const struct benefit_cell *c,
                         struct benefit_expected *out);

/* The situations of the persons of one group (condition and rates): paying in
 * time and not assisted, paying late (not assisted), assisted in category k
 * (SITUATION_ASSISTED + k, paying in time). */
enum benefit_situation_index { SITUATION_IN_TIME, SITUATION_LATE, SITUATION_ASSISTED };
#define BENEFIT_SITUATIONS (SITUATION_ASSISTED + N_CATEGORIES)

/* benefit_year_lookup of the cell in each situation, the same bit for bit, at
 * about the cost of two lookups: the count distribution and the pass over the
 * counts are shared. */
void benefit_year_lookup_situations(const struct benefit_year *y, int condition, double admissions,
                                    double visits, struct benefit_expected out[BENEFIT_SITUATIONS]);

/* benefit_year_lookup_situations of one group at n ≤ BENEFIT_LOOKUP_LANES pairs
 * of rates (admissions[j] and visits[j] into out[j]), the same bit for bit as
 * n calls: their admission counts computed side by side, in a vector's lanes. */
#define BENEFIT_LOOKUP_LANES 4
void benefit_year_lookup_lanes(const struct benefit_year *y, int condition, int n,
                               const double *admissions, const double *visits,
                               struct benefit_expected (*out)[BENEFIT_SITUATIONS]);

/* The fund's fixed maternity payment per delivery, of `natural_yuan` or
 * `caesarean_yuan`: its mean and variance over the delivery types (assumed: a
 * delivery costs at least the fixed payment). */
void benefit_maternity(double natural_yuan, double caesarean_yuan, double caesarean_share,
                       double *mean, double *var);

#endif
