/* financing.c: the financing rules (see financing.h): the year view made from
 * a region's policy, the contribution, the split of the fiscal subsidy among
 * levels of government, contribution assistance, and a region-year's income.
 *
 * The subsidy split follows Zhengzhou 2023 (002), 780 yuan against a national
 * standard of 640: the central budget pays its share of the NATIONAL standard
 * (60 %, 80 % in counties treated as western: 000, 004), 384; the province
 * pays its class's share of the national standard's local part (640 - 384 =
 * 256): 20 % in districts, 51.2, 30 % in counties, 76.8; everything above that
 * (here 780 - 384 - 51.2 = 344.8) falls on the city and the county or
 * district, the city paying a fixed amount first (70 in counties) and then its
 * share (1:1 in districts, all for city-run college students). So a standard
 * above the national one costs the central and provincial budgets nothing:
 * the extra is the city's and the county's or district's. */
#include "models/financing.h"

#include <math.h>

const char *const financing_payer_names[FINANCING_N_PAYERS] = {
    "central", "province", "city", "district", "county",
};

void financing_rules_init(struct financing_rules *f, const struct region *r, int year,
                          const struct timeline_path *x)
{
    const struct policy *p = &r->policy;
    const struct continuation *cont = p->continuation;
    double income_prev_yuan = x->income[year - x->start_year];
    f->contribution_yuan = financing_contribution_yuan(
        timeline_at(&p->individual_yuan, &cont[CONTINUED_CONTRIBUTION], year, x),
        step_at(&p->income_rate, year), income_prev_yuan);
    f->national_standard_yuan =
        timeline_at(&p->national_standard_yuan, &cont[CONTINUED_NATIONAL_STANDARD], year, x);
    f->standard_yuan =
        fmax(f->national_standard_yuan,
             timeline_at(&p->subsidy_standard_yuan, &cont[CONTINUED_SUBSIDY], year, x));
    f->central_share = step_at(&p->central_share, year);
    f->central_share_western = step_at(&p->central_share_western, year);
    /* The loader checks western_policy_share ≤ 1 - district_share; fmin only
     * absorbs rounding. */
    double county = 1 - r->district_share;
    f->western_county_share = county > 0 ? fmin(1, r->western_policy_share / county) : 0;
    for (int c = 0; c < N_CLASSES; c++) {
        const struct subsidy_split *s = &p->split[c];
        f->split[c] = (struct financing_split){
            .province_share = step_at(&s->province_share, year),
            .city_share = step_at(&s->city_share, year),
            .city_fixed_yuan =
                timeline_at(&s->city_fixed_yuan, &cont[CONTINUED_CITY_FIXED], year, x),
        };
    }
    for (int k = 0; k < N_CATEGORIES; k++)
        f->assisted_share[k] = step_at(&p->assisted_share.at[k], year);
    f->assistance_city_share[FINANCING_AREA_DISTRICT] =
        step_at(&p->assistance_city_share_district, year);
    f->assistance_city_share[FINANCING_AREA_COUNTY] =
        step_at(&p->assistance_city_share_county, year);
    f->serious_premium_yuan =
        timeline_at(&r->serious_premium_yuan, &cont[CONTINUED_SERIOUS_PREMIUM], year, x);
    /* + the calibrated other income (0 unless `fundsim calibrate` fitted one) */
    f->other_income_yuan =
        timeline_at(&r->other_income_yuan, &cont[CONTINUED_OTHER_INCOME], year, x) +
        r->extra_other_income_yuan;
    f->other_income_payer = r->other_income_payer;
}

/* The schema's meaning (policy.contribution.income_rate): the income-linked
 * part is added to the fixed amount, so a scenario moves to a purely
 * income-linked contribution by setting individual_yuan to 0 from that year.
 * The notices only ask regions to explore linking financing to income (001:
 * 探索建立居民医保筹资标准和居民人均可支配收入相挂钩的动态筹资机制). */
double financing_contribution_yuan(double individual_yuan, double income_rate,
                                   double income_prev_yuan)
{
    return individual_yuan + income_rate * income_prev_yuan;
}

/* The local remainder falls on the county for the county class and on the
 * district otherwise: for students because colleges sit in city districts
 * (assumed; with the shipped splits students leave no remainder). Each part is
 * ≥ 0 in floating point too (the city's is the rest less the local part, which
 * is at most the rest), and the parts sum to the standard to rounding. */
void financing_subsidy(const struct financing_rules *f, enum subsidy_class c, bool western,
                       double yuan[FINANCING_N_PAYERS])
{
    const struct financing_split *s = &f->split[c];
    double national = f->national_standard_yuan;
    double central = (western ? f->central_share_western : f->central_share) * national;
    double province = s->province_share * (national - central);
    double rest = f->standard_yuan - central - province;
    double fixed = fmin(s->city_fixed_yuan, fmax(rest, 0));
    double local = (1 - s->city_share) * (rest - fixed);
    for (int k = 0; k < FINANCING_N_PAYERS; k++)
        yuan[k] = 0;
    yuan[FINANCING_CENTRAL] = central;
    yuan[FINANCING_PROVINCE] = province;
    yuan[FINANCING_CITY] = rest - local;
    yuan[c == CLASS_COUNTY ? FINANCING_COUNTY : FINANCING_DISTRICT] = local;
}

/* 002: 市本级(含市辖区)资助参保对象, 其个人缴费的财政补助部分由市、区两级财政按1:1比例
 * 分担; 各县(市)……由县(市)级财政承担. */
double financing_assistance(const struct financing_rules *f, enum financing_area a, enum category k,
                            double yuan[FINANCING_N_PAYERS])
{
    double paid = f->assisted_share[k] * f->contribution_yuan;
    double city = f->assistance_city_share[a] * paid;
    for (int p = 0; p < FINANCING_N_PAYERS; p++)
        yuan[p] = 0;
    yuan[FINANCING_CITY] = city;
    yuan[a == FINANCING_AREA_DISTRICT ? FINANCING_DISTRICT : FINANCING_COUNTY] = paid - city;
    return paid;
}

/* Adds `count` times `yuan` to `sum`, by payer. */
static void add(double sum[FINANCING_N_PAYERS], double count, const double yuan[FINANCING_N_PAYERS])
{
    for (int p = 0; p < FINANCING_N_PAYERS; p++)
        sum[p] += count * yuan[p];
}

static double total(const double yuan[FINANCING_N_PAYERS])
{
    double sum = 0;
    for (int p = 0; p < FINANCING_N_PAYERS; p++)
        sum += yuan[p];
    return sum;
}

void financing_region_year(const struct financing_rules *f, const struct financing_counts *n,
                           struct financing_income *out)
{
    *out = (struct financing_income){0};
    double yuan[FINANCING_N_PAYERS];
    for (int c = 0; c < N_CLASSES; c++) {
        double count = n->enrollees[c];
        out->enrollees += count;
        if (c == CLASS_COUNTY) {
            double western = f->western_county_share * count;
            financing_subsidy(f, CLASS_COUNTY, true, yuan);
            add(out->subsidy_yuan, western, yuan);
            count -= western;
        }
        financing_subsidy(f, (enum subsidy_class)c, false, yuan);
        add(out->subsidy_yuan, count, yuan);
    }
    for (int a = 0; a < FINANCING_N_AREAS; a++)
        for (int k = 0; k < N_CATEGORIES; k++) {
            financing_assistance(f, (enum financing_area)a, (enum category)k, yuan);
            add(out->assistance_yuan, n->assisted[a][k], yuan);
        }
    out->contributions_due_yuan = out->enrollees * f->contribution_yuan;
    out->assistance_total_yuan = total(out->assistance_yuan);
    out->residents_yuan = out->contributions_due_yuan - out->assistance_total_yuan;
    out->subsidy_total_yuan = total(out->subsidy_yuan);
    out->other_yuan = out->enrollees * f->other_income_yuan;
    out->income_yuan = out->contributions_due_yuan + out->subsidy_total_yuan + out->other_yuan;
    out->serious_premium_yuan = out->enrollees * f->serious_premium_yuan;
    for (int p = 0; p < FINANCING_N_PAYERS; p++)
        out->outlay_yuan[p] = out->subsidy_yuan[p] + out->assistance_yuan[p];
    if (f->other_income_payer >= 0 && f->other_income_payer < FINANCING_N_PAYERS)
        out->outlay_yuan[f->other_income_payer] += out->other_yuan;
}
