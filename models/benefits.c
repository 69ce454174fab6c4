/* benefits.c: the benefit rules applied to one person-year (see benefits.h).
 *
 * Order of payment, as in the notices: the fund pays each line under its own
 * deductible, ratio and annual cap; serious-illness insurance pays on the
 * policy-scope cost the fund left (inpatient, and the counted share of the
 * outpatient lines); medical assistance pays its ratio of what is still left,
 * within its annual limit; the patient pays the rest. Claims in a late payer's
 * waiting period are paid by nobody but the patient and count for no layer. */
#include "models/benefits.h"

#include <math.h>
#include <string.h>

void benefit_rules_init(struct benefit_rules *r, const struct policy *p, int year,
                        double income_prev_yuan)
{
    memset(r, 0, sizeof *r);
    r->year = year;
    for (int l = 0; l < N_LEVELS; l++) {
        r->inpatient_deductible_yuan[l] = step_at(&p->inpatient_deductible_yuan.at[l], year);
        r->inpatient_ratio[l] = step_at(&p->inpatient_ratio.at[l], year);
        r->outpatient_deductible_yuan[l] = step_at(&p->outpatient_deductible_yuan.at[l], year);
        r->outpatient_ratio[l] = step_at(&p->outpatient_ratio.at[l], year);
    }
    r->inpatient_cap_yuan = step_at(&p->inpatient_cap_yuan, year);
    r->outpatient_cap_yuan = step_at(&p->outpatient_cap_yuan, year);
    r->n_conditions = p->n_conditions < LIMIT_CONDITIONS ? p->n_conditions : LIMIT_CONDITIONS;
    for (size_t k = 0; k < r->n_conditions; k++) {
        const struct condition_benefit *c = &p->conditions[k];
        r->condition[k] = (struct benefit_condition_rule){
            .deductible_yuan = step_at(&c->deductible_yuan, year),
            .ratio = step_at(&c->ratio, year),
            .cap_yuan = step_at(&c->annual_cap_yuan, year),
            .two_diseases =
                strcmp(c->name, "hypertension") == 0 || strcmp(c->name, "diabetes") == 0,
        };
    }
    r->maternity_yuan[DELIVERY_NATURAL] = step_at(&p->maternity_natural_yuan, year);
    r->maternity_yuan[DELIVERY_CAESAREAN] = step_at(&p->maternity_caesarean_yuan, year);
    r->waiting_days = (int)step_at(&p->waiting_days, year);
    r->serious_deductible_income_share = step_at(&p->serious_deductible_income_share, year);
    r->serious_deductible_yuan = benefit_serious_deductible(r, income_prev_yuan);
    r->n_serious_bands = p->serious_ratio_bands.n;
    r->serious_band_from_yuan = p->serious_ratio_bands.key;
    r->serious_band_ratio = p->serious_ratio_bands.value;
    r->serious_cap_yuan = step_at(&p->serious_cap_yuan, year);
    r->serious_poor_deductible_factor = step_at(&p->serious_poor_deductible_factor, year);
    r->serious_poor_ratio_bonus = step_at(&p->serious_poor_ratio_bonus, year);
    for (int c = 0; c < N_CATEGORIES; c++)
        r->serious_poor[c] = step_at(&p->serious_poor_terms.at[c], year) != 0;
    r->serious_outpatient_share = step_at(&p->serious_outpatient_share, year);
    for (int c = 0; c < N_CATEGORIES; c++)
        r->assistance_ratio[c] = step_at(&p->assistance_ratio.at[c], year);
    r->assistance_limit_yuan = step_at(&p->assistance_limit_yuan, year);
}

int benefits_first_covered_day(const struct benefit_rules *r, const struct benefit_situation *s)
{
    return s->late_payer ? s->paid_day + r->waiting_days : 0;
}

double benefit_serious_deductible(const struct benefit_rules *r, double income_prev_yuan)
{
    return r->serious_deductible_income_share * income_prev_yuan;
}

void benefit_serious_terms_init(struct benefit_serious_terms *x, const struct benefit_rules *r,
                                bool poor, double deductible_yuan)
{
    /* 004: the poor's deductible halved, 5 points more, no cap */
    *x = (struct benefit_serious_terms){
        .deductible_yuan = deductible_yuan * (poor ? r->serious_poor_deductible_factor : 1),
        .n_bands = r->n_serious_bands,
        .band_from_yuan = r->serious_band_from_yuan,
        .band_ratio = r->serious_band_ratio,
        .ratio_bonus = poor ? r->serious_poor_ratio_bonus : 0,
        .cap_yuan = poor ? 0 : r->serious_cap_yuan,
    };
}

double benefit_serious_ratio(const struct benefit_serious_terms *x, size_t b)
{
    return fmin(1, x->band_ratio[b] + x->ratio_bonus);
}

double benefits_serious(const struct benefit_rules *r, bool poor, double base_yuan)
{
    struct benefit_serious_terms x;
    benefit_serious_terms_init(&x, r, poor, r->serious_deductible_yuan);
    double excess = base_yuan - x.deductible_yuan;
    if (!(excess > 0)) return 0;
    double paid = 0;
    for (size_t b = 0; b < x.n_bands; b++) {
        double lo = x.band_from_yuan[b];
        if (excess <= lo) break;
        double hi = b + 1 < x.n_bands ? x.band_from_yuan[b + 1] : INFINITY;
        paid += benefit_serious_ratio(&x, b) * (fmin(excess, hi) - lo);
    }
    if (x.cap_yuan > 0) paid = fmin(paid, x.cap_yuan);
    return fmin(paid, excess); /* rounding of the band widths must not pay more than there is */
}

/* The fund's payment on a list of claims: per claim, ratio x (policy-scope cost −
 * deductible), within one annual cap. Adds to the running totals of the person. */
struct claim_sums {
    double total, policy, uncovered; /* uncovered: policy-scope cost in waiting */
    double covered_policy, fund;
};

static void pay_claims(const struct benefit_claim *c, size_t n, const double *deductible,
                       const double *ratio, double cap, int first_day, struct claim_sums *s)
{
    double owed = 0;
    for (size_t i = 0; i < n; i++) {
        s->total += c[i].cost_yuan;
        s->policy += c[i].policy_yuan;
        if (c[i].day < first_day) {
            s->uncovered += c[i].policy_yuan;
            continue;
        }
        s->covered_policy += c[i].policy_yuan;
        int l = c[i].level;
        owed += ratio[l] * fmax(0, c[i].policy_yuan - deductible[l]);
    }
    s->fund = fmin(cap, owed);
}

void benefits_apply(const struct benefit_rules *r, const struct benefit_situation *s,
                    const struct benefit_claims *c, struct benefit_payment *out)
{
    memset(out, 0, sizeof *out);
    int first = benefits_first_covered_day(r, s);

    struct claim_sums in = {0}, op = {0};
    pay_claims(c->admissions, c->n_admissions, r->inpatient_deductible_yuan, r->inpatient_ratio,
               r->inpatient_cap_yuan, first, &in);
    pay_claims(c->visits, c->n_visits, r->outpatient_deductible_yuan, r->outpatient_ratio,
               r->outpatient_cap_yuan, first, &op);
    double total = in.total + op.total, policy = in.policy + op.policy;
    /* Out-of-pocket parts no layer touches: non-policy-scope costs, claims in waiting. */
    double untouched =
        (in.total - in.policy) + (op.total - op.policy) + in.uncovered + op.uncovered;
    double oop_in = in.covered_policy - in.fund, oop_out = op.covered_policy - op.fund;

    /* Conditions: the yearly cost is spread evenly, so a late payer's covered share is
     * that of the days after the waiting period. */
    double covered_share = first <= 0 ? 1
                           : first >= BENEFIT_DAYS_PER_YEAR
                               ? 0
                               : 1 - (double)first / BENEFIT_DAYS_PER_YEAR;
    double oop_cond = 0;
    for (size_t k = 0; c->condition_cost_yuan && k < r->n_conditions; k++) {
        double cost = c->condition_cost_yuan[k];
        if (!(cost > 0)) continue;
        const struct benefit_condition_rule *b = &r->condition[k];
        double covered = cost * covered_share;
        double fund = fmin(b->cap_yuan, b->ratio * fmax(0, covered - b->deductible_yuan));
        total += cost;
        policy += cost;
        untouched += cost - covered;
        oop_cond += covered - fund;
        if (b->two_diseases)
            out->fund_two_diseases_yuan += fund;
        else
            out->fund_chronic_yuan += fund;
    }

    if (c->delivery == DELIVERY_NATURAL || c->delivery == DELIVERY_CAESAREAN) {
        double cost = c->delivery_cost_yuan;
        double fund = c->delivery_day >= first ? fmin(r->maternity_yuan[c->delivery], cost) : 0;
        total += cost;
        untouched += cost - fund; /* assumed: the rest of a delivery counts for no layer */
        out->fund_maternity_yuan = fund;
    }

    out->fund_inpatient_yuan = in.fund;
    out->fund_outpatient_yuan = op.fund;
    out->fund_yuan = out->fund_inpatient_yuan + out->fund_outpatient_yuan +
                     out->fund_two_diseases_yuan + out->fund_chronic_yuan +
                     out->fund_maternity_yuan;

    /* 大病保险 on the inpatient out-of-pocket cost and the counted outpatient share. */
    bool assisted = s->category >= 0 && s->category < N_CATEGORIES;
    bool poor = assisted && r->serious_poor[s->category];
    double share = r->serious_outpatient_share;
    out->serious_base_yuan = oop_in + share * (oop_out + oop_cond);
    out->serious_yuan = benefits_serious(r, poor, out->serious_base_yuan);

    /* 医疗救助 on all the policy-scope cost left, within one limit for the year. */
    double left = fmax(0, oop_in + oop_out + oop_cond - out->serious_yuan);
    if (assisted)
        out->assistance_yuan =
            fmin(r->assistance_limit_yuan, r->assistance_ratio[s->category] * left);

    out->total_yuan = total;
    out->policy_yuan = policy;
    out->out_of_pocket_yuan = untouched + (left - out->assistance_yuan);
}

/* Two years' rules give the same table when they differ at most in the year, in
 * the income-linked serious-illness deductible (set per lookup) and in the
 * maternity payments (not in the tables). */
bool benefit_rules_same_table(const struct benefit_rules *a, const struct benefit_rules *b)
{
    struct benefit_rules x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    x.year = y.year = 0;
    x.serious_deductible_yuan = y.serious_deductible_yuan = 0;
    x.serious_band_from_yuan = y.serious_band_from_yuan = NULL;
    x.serious_band_ratio = y.serious_band_ratio = NULL;
    for (int d = 0; d < N_DELIVERIES; d++)
        x.maternity_yuan[d] = y.maternity_yuan[d] = 0;
    if (memcmp(&x, &y, sizeof x) != 0) return false;
    for (size_t i = 0; i < a->n_serious_bands; i++)
        if (a->serious_band_from_yuan[i] != b->serious_band_from_yuan[i] ||
            a->serious_band_ratio[i] != b->serious_band_ratio[i])
            return false;
    return true;
}

void benefit_table_rules(struct benefit_rules *r, const struct policy *p, int year)
{
    benefit_rules_init(r, p, year, 0);
    for (int d = 0; d < N_DELIVERIES; d++)
        r->maternity_yuan[d] = 0;
}

int benefit_package_base_year(const struct policy *p, int start_year, int years)
{
    int base = start_year;
    struct benefit_rules a, b;
    benefit_table_rules(&a, p, start_year);
    for (int y = 1; y < years; y++) {
        benefit_table_rules(&b, p, start_year + y);
        if (!benefit_rules_same_table(&a, &b)) base = start_year + y;
        a = b;
    }
    return base;
}
