/* record.c: the names, units and meanings of the record variables (record.h),
 * and the block buffers. The names are the HDF5 dataset names: fixed. */
#include "output/record.h"

#include "models/bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* name, units, long name, quantiles, additive */
const struct var_info var_info[N_VARS] = {
    [VAR_RESIDENTS] = {"residents", "persons", "residents on 1 January", true, true},
    [VAR_ENROLLEES] = {"enrollees", "persons", "enrollees of the year, with the year's newborns",
                       true, true},
    [VAR_CONTRIBUTIONS] = {"contributions", "yuan",
                           "individual contributions paid by the enrollees", true, true},
    [VAR_ASSISTED_CONTRIBUTIONS] = {"assisted_contributions", "yuan",
                                    "contributions paid by medical assistance", true, true},
    [VAR_SUBSIDY_CENTRAL] = {"subsidy_central", "yuan", "fiscal subsidy, central government", false,
                             true},
    [VAR_SUBSIDY_PROVINCE] = {"subsidy_province", "yuan", "fiscal subsidy, province", false, true},
    [VAR_SUBSIDY_CITY] = {"subsidy_city", "yuan", "fiscal subsidy, city", false, true},
    [VAR_SUBSIDY_DISTRICT] = {"subsidy_district", "yuan", "fiscal subsidy, city districts", false,
                              true},
    [VAR_SUBSIDY_COUNTY] = {"subsidy_county", "yuan", "fiscal subsidy, counties", false, true},
    [VAR_SUBSIDY] = {"subsidy", "yuan", "fiscal subsidy, all levels", true, true},
    [VAR_OTHER_INCOME] = {"other_income", "yuan", "income above the financing standards", true,
                          true},
    [VAR_INTEREST] = {"interest", "yuan", "interest earned on the balance", false, true},
    [VAR_ADJUSTMENT_RECEIVED] = {"adjustment_received", "yuan",
                                 "received from the provincial adjustment fund", false, true},
    [VAR_INCOME] = {"income", "yuan", "fund income", true, true},
    [VAR_FUND_INPATIENT] = {"fund_inpatient", "yuan", "fund expenditure, inpatient", true, true},
    [VAR_FUND_OUTPATIENT] = {"fund_outpatient", "yuan",
                             "fund expenditure, general outpatient pooling", true, true},
    [VAR_FUND_TWO_DISEASES] = {"fund_two_diseases", "yuan",
                               "fund expenditure, hypertension and diabetes medication", true,
                               true},
    [VAR_FUND_CHRONIC] = {"fund_chronic", "yuan",
                          "fund expenditure, chronic and special conditions", true, true},
    [VAR_FUND_MATERNITY] = {"fund_maternity", "yuan", "fund expenditure, maternity", true, true},
    [VAR_SERIOUS_PREMIUM] = {"serious_premium", "yuan",
                             "serious-illness insurance premium paid by the fund", true, true},
    [VAR_ADJUSTMENT_PAID] = {"adjustment_paid", "yuan", "paid into the provincial adjustment fund",
                             false, true},
    [VAR_DEFICIT_INTEREST] = {"deficit_interest", "yuan", "interest paid on a negative balance",
                              false, true},
    [VAR_EXPENDITURE] = {"expenditure", "yuan", "fund expenditure", true, true},
    [VAR_SURPLUS] = {"surplus", "yuan", "current surplus (income - expenditure)", true, true},
    [VAR_BACKSTOP] = {"backstop", "yuan",
                      "shortfall paid by a level of government to keep the balance at 0", true,
                      true},
    [VAR_BALANCE] = {"balance", "yuan", "accumulated balance at the end of the year", true, true},
    [VAR_MONTHS] = {"months", "months",
                    "months of payment: balance over average monthly benefit expenditure", true,
                    false},
    [VAR_SHORTFALL] = {"shortfall", "yuan",
                       "cumulative shortfall: the negative balance, or the backstops paid so far",
                       true, true},
    [VAR_SERIOUS_CLAIMS] = {"serious_claims", "yuan", "paid by serious-illness insurance", true,
                            true},
    [VAR_ASSISTANCE_CLAIMS] = {"assistance_claims", "yuan",
                               "paid by medical assistance on patients' bills", true, true},
    [VAR_OUTLAY_CENTRAL] =
        {"outlay_central", "yuan",
         "central government: subsidy, contribution assistance, other income and backstop it pays",
         true, true},
    [VAR_OUTLAY_PROVINCE] =
        {"outlay_province", "yuan",
         "province: subsidy, contribution assistance, other income and backstop", true, true},
    [VAR_OUTLAY_CITY] = {"outlay_city", "yuan",
                         "city: subsidy, contribution assistance, other income and backstop", true,
                         true},
    [VAR_OUTLAY_DISTRICT] =
        {"outlay_district", "yuan",
         "city districts: subsidy, contribution assistance, other income and backstop", true, true},
    [VAR_OUTLAY_COUNTY] = {"outlay_county", "yuan",
                           "counties: subsidy, contribution assistance, other income and backstop",
                           true, true},
    [VAR_OUT_OF_POCKET] = {"out_of_pocket", "yuan", "paid by the patients", true, true},
    [VAR_TOTAL_COST] = {"total_cost", "yuan", "cost of all bills", false, true},
    [VAR_POLICY_COST] = {"policy_cost", "yuan", "policy-scope part of the bills", false, true},
    [VAR_INPATIENT_POLICY_COST] = {"inpatient_policy_cost", "yuan",
                                   "policy-scope part of the inpatient bills", false, true},
    [VAR_SERIOUS_LOSS_RATIO] = {"serious_loss_ratio", "1",
                                "serious-illness insurance: claims over premiums", true, false},
    [VAR_ACTUARIAL_BALANCE] = {"actuarial_balance", "%",
                               "actuarial balance from the start to the year: (income + opening "
                               "balance - target reserve) / expenditure - 1, discounted",
                               true, false},
};

const struct var_info nvar_info[N_NVARS] = {
    [NVAR_INCOME_PER_CAPITA] = {"income_per_capita", "yuan",
                                "per-capita disposable income of the year", true, false},
    [NVAR_COST_INDEX] = {"cost_index", "1", "medical cost index (start year = 1)", true, false},
    [NVAR_PRICE_INDEX] = {"price_index", "1", "unit-cost part of the medical cost index", true,
                          false},
    [NVAR_INTEREST_RATE] = {"interest_rate", "1", "interest rate earned on balances", true, false},
    [NVAR_ADJUSTMENT_BALANCE] = {"adjustment_balance", "yuan",
                                 "provincial adjustment fund balance at the end of the year", true,
                                 false},
    [NVAR_ACTUARIAL_BALANCE] = {"actuarial_balance", "%",
                                "the province's actuarial balance from the start to the year", true,
                                false},
    [NVAR_INCOME_PER_ENROLLEE] = {"income_per_enrollee", "yuan",
                                  "the province's financing (contributions, subsidy, other income) "
                                  "per enrollee",
                                  true, false},
    [NVAR_EXPENDITURE_PER_ENROLLEE] = {"expenditure_per_enrollee", "yuan",
                                       "the province's benefit expenditure per enrollee", true,
                                       false},
};

struct record_span record_block_span(size_t b, size_t from, size_t to)
{
    size_t lo = b * RECORD_BLOCK_PATHS, hi = lo + RECORD_BLOCK_PATHS;
    if (lo < from) lo = from;
    if (hi > to) hi = to;
    return (struct record_span){lo, hi > lo ? hi - lo : 0};
}

struct record_span record_blocks_of(size_t from, size_t to)
{
    size_t first = from / RECORD_BLOCK_PATHS;
    if (to <= from) return (struct record_span){first, 0};
    return (struct record_span){first, (to + RECORD_BLOCK_PATHS - 1) / RECORD_BLOCK_PATHS - first};
}

int record_block_alloc(struct record_block *b, size_t n_paths, size_t years, size_t regions)
{
    *b = (struct record_block){.n_paths = n_paths, .years = years, .regions = regions};
    /* The values on huge pages (a block of 64 Henan paths is 18 MB): a run's
     * buffers, its readers' and the summaries' are touched first by the paths
     * or a read, and with 4 KiB pages took a page fault every 4 KiB, tens of
     * thousands a run. Zeroed as calloc would (bigmem's memory is not). */
    size_t n = n_paths * years * regions * N_VARS;
    b->v = n <= SIZE_MAX / sizeof *b->v ? bigmem_alloc(n * sizeof *b->v) : NULL;
    if (b->v) memset(b->v, 0, n * sizeof *b->v);
    b->national = calloc(n_paths * years * N_NVARS, sizeof *b->national);
    if (!b->v || !b->national) {
        record_block_free(b);
        return -1;
    }
    return 0;
}

void record_block_free(struct record_block *b)
{
    free(b->v);
    free(b->national);
    b->v = b->national = NULL;
}
