/* record.h: what the engine produces for one path, year and region, and the
 * buffers in which blocks of paths travel to the summaries and the HDF5 file.
 *
 * A record is N_VARS doubles, one per variable of `enum var`; `var_info`
 * names each (the HDF5 dataset /paths/<name>), with its units and a long
 * name. Money is yuan per year (balances: yuan at the end of the year), counts
 * are persons. A block holds the records of paths first_path ..
 * first_path + n_paths - 1, laid out [path][year][region][var], and per path
 * and year the national (province-wide) variables of `enum nvar`.
 *
 * Identities the engine keeps in every record (tested):
 *   income = contributions + assisted_contributions + subsidy + other_income
 *            + interest + adjustment_received
 *   expenditure = fund_inpatient + fund_outpatient + fund_two_diseases
 *                 + fund_chronic + fund_maternity + serious_premium
 *                 + adjustment_paid + deficit_interest
 *   surplus = income - expenditure
 *   balance = previous balance (or the opening balance) + surplus + backstop
 *   subsidy = the five subsidy_* parts; outlay_X = subsidy_X + the
 *   contribution assistance paid by X + the other income X pays + the
 *   backstop X pays.
 * The fund is depleted in a year when its balance before any backstop,
 * balance - backstop, is below 0 (record_depleted): the early warning
 * describes the fund, not what a government pays to keep it at 0. */
#ifndef FUNDSIM_RECORD_H
#define FUNDSIM_RECORD_H

#include <stdbool.h>
#include <stddef.h>

enum var {
    VAR_RESIDENTS,              /* persons on 1 January */
    VAR_ENROLLEES,              /* persons enrolled for the year (incl. the year's newborns) */
    VAR_CONTRIBUTIONS,          /* individual contributions paid by the enrollees themselves */
    VAR_ASSISTED_CONTRIBUTIONS, /* contributions paid by medical assistance (资助参保) */
    VAR_SUBSIDY_CENTRAL,        /* fiscal subsidy (财政补助) by level of government */
    VAR_SUBSIDY_PROVINCE,
    VAR_SUBSIDY_CITY,
    VAR_SUBSIDY_DISTRICT,
    VAR_SUBSIDY_COUNTY,
    VAR_SUBSIDY,             /* the five above */
    VAR_OTHER_INCOME,        /* income above the standards (regions[].other_income) */
    VAR_INTEREST,            /* on the balance */
    VAR_ADJUSTMENT_RECEIVED, /* from the provincial adjustment fund (0 under city pooling) */
    VAR_INCOME,              /* the fund's income (see the identities) */
    VAR_FUND_INPATIENT,      /* the fund's benefit lines */
    VAR_FUND_OUTPATIENT,     /* general outpatient pooling */
    VAR_FUND_TWO_DISEASES,   /* hypertension and diabetes medication (两病) */
    VAR_FUND_CHRONIC,        /* chronic and special conditions (门诊慢特病) */
    VAR_FUND_MATERNITY,
    VAR_SERIOUS_PREMIUM,  /* paid by the fund to the serious-illness insurer */
    VAR_ADJUSTMENT_PAID,  /* into the provincial adjustment fund (0 under city pooling) */
    VAR_DEFICIT_INTEREST, /* pooling.deficit "carry": borrowing_rate on a negative balance */
    VAR_EXPENDITURE,      /* the fund's expenditure (see the identities) */
    VAR_SURPLUS,          /* income - expenditure; < 0 is a current deficit (当期收不抵支) */
    VAR_BACKSTOP,  /* pooling.deficit "backstop": the shortfall a government paid (财政兜底) */
    VAR_BALANCE,   /* accumulated balance (累计结存) at the end of the year */
    VAR_MONTHS,    /* months of payment: balance / (benefit expenditure / 12), where
                      benefit expenditure = expenditure - adjustment_paid
                      - deficit_interest */
    VAR_SHORTFALL, /* cumulative shortfall (累计缺口): "carry", the negative balance;
                      "backstop", the backstops paid so far */
    VAR_SERIOUS_CLAIMS,    /* paid by serious-illness insurance (outside the fund) */
    VAR_ASSISTANCE_CLAIMS, /* paid by medical assistance on the bills (outside the fund) */
    VAR_OUTLAY_CENTRAL,    /* each level's total: its subsidy + its contribution assistance */
    VAR_OUTLAY_PROVINCE,
    VAR_OUTLAY_CITY,
    VAR_OUTLAY_DISTRICT,
    VAR_OUTLAY_COUNTY,
    VAR_OUT_OF_POCKET, /* paid by the patients */
    VAR_TOTAL_COST,    /* every bill: fund + serious + assistance + out of pocket (deliveries
                          aside: their cost above the fund's fixed payment is not modelled) */
    VAR_POLICY_COST,   /* its policy-scope (政策范围内) part */
    VAR_INPATIENT_POLICY_COST, /* the policy-scope cost of admissions: fund_inpatient over it
                                  is the inpatient policy-scope payment ratio */
    VAR_SERIOUS_LOSS_RATIO,    /* serious_claims / serious_premium (0 without a premium) */
    VAR_ACTUARIAL_BALANCE,     /* per cent: from the start to this year, (income + opening balance
                                  - the reserve of warning.low_months at the end) / expenditure - 1,
                                  discounted at the path's interest rates (accounting.h) */
    N_VARS
};

/* Province-wide, per path and year. */
enum nvar {
    NVAR_INCOME_PER_CAPITA,   /* per-capita disposable income of the year, yuan */
    NVAR_COST_INDEX,          /* medical cost index (use x price), start year = 1 */
    NVAR_PRICE_INDEX,         /* the price part: cost per admission, visit or patient */
    NVAR_INTEREST_RATE,       /* earned on fund balances in the year */
    NVAR_ADJUSTMENT_BALANCE,  /* the provincial adjustment fund's balance at the end of the
                                 year, yuan (0 under city pooling) */
    NVAR_ACTUARIAL_BALANCE,   /* the province's actuarial balance, per cent (VAR_ACTUARIAL_...) */
    NVAR_INCOME_PER_ENROLLEE, /* the province's financing (contributions, subsidy, other
                                 income) per enrollee, yuan */
    NVAR_EXPENDITURE_PER_ENROLLEE, /* its benefit expenditure (with the premium) per enrollee */
    N_NVARS
};

/* Months of payment, balance / (benefit expenditure / 12), within ± this bound
 * (reached by a fund with (almost) no expenditure), so that every value is finite. */
#define RECORD_MAX_MONTHS 9999.0

static inline double record_months(double balance_yuan, double benefits_yuan)
{
    double m = benefits_yuan > 0 ? balance_yuan / (benefits_yuan / 12)
                                 : (balance_yuan >= 0 ? RECORD_MAX_MONTHS : -RECORD_MAX_MONTHS);
    return m > RECORD_MAX_MONTHS ? RECORD_MAX_MONTHS
                                 : (m < -RECORD_MAX_MONTHS ? -RECORD_MAX_MONTHS : m);
}

/* The outlay of a level of government (enum payer_level). */
static inline int record_outlay_var(int payer)
{
    return VAR_OUTLAY_CENTRAL + payer;
}

/* Whether the fund was depleted in the year (see the identities). */
static inline bool record_depleted(const double *v)
{
    return v[VAR_BALANCE] - v[VAR_BACKSTOP] < 0;
}

/* Nets the province's sums `x` (its regions' records added, indexed by enum var)
 * when adjustment_paid and adjustment_received are transfers between the
 * province's own funds (merged pools, sim/pools.h): each transfer is one
 * region's payment and another's receipt, so their sums are equal (exactly:
 * accounting.h) and the province's income and expenditure leave them out. Its
 * adjustment_paid and adjustment_received stay, the money moved between its
 * funds (not in its income or expenditure); its surplus, balances and other
 * sums are unchanged. Not for the adjustment fund's transfers, whose fund is
 * not in the regions' records. */
static inline void record_net_transfers(double *x)
{
    x[VAR_INCOME] -= x[VAR_ADJUSTMENT_RECEIVED];
    x[VAR_EXPENDITURE] -= x[VAR_ADJUSTMENT_PAID];
}

struct var_info {
    const char *name;      /* dataset name under /paths, /summary */
    const char *units;     /* "yuan", "persons", "months", "1" */
    const char *long_name; /* one line for the `long_name` attribute */
    bool quantiles;        /* summaries keep every path's value for quantiles */
    bool additive;         /* a sum over regions means something (province totals) */
};

extern const struct var_info var_info[N_VARS];
extern const struct var_info nvar_info[N_NVARS];

/* Paths per block: the unit in which a run computes its paths, stores them in
 * its checkpoint (a block file each: output/ckpt.h) and writes them into its
 * file, whatever its threads or ranks (sim/run.h). Block b holds the paths
 * b RECORD_BLOCK_PATHS .. (b + 1) RECORD_BLOCK_PATHS − 1 of the run, those of
 * a slice (`fundsim run --paths-from`) included: a slice's first and last
 * blocks may hold fewer. */
#define RECORD_BLOCK_PATHS 64

/* Paths (or blocks) first .. first + n − 1. */
struct record_span {
    size_t first, n;
};

/* Block b's paths within the slice from .. to − 1 of a run's paths (n = 0
 * when they do not meet). */
struct record_span record_block_span(size_t b, size_t from, size_t to);
/* The blocks that the paths from .. to − 1 fall in (none when to ≤ from). */
struct record_span record_blocks_of(size_t from, size_t to);

struct record_block {
    size_t first_path, n_paths;
    size_t years, regions;
    double *v;        /* [n_paths][years][regions][N_VARS] */
    double *national; /* [n_paths][years][N_NVARS] */
};

/* Allocates a block for up to `n_paths` paths. Returns 0, or -1 out of memory. */
int record_block_alloc(struct record_block *b, size_t n_paths, size_t years, size_t regions);
void record_block_free(struct record_block *b);

/* Path p (0-based within the block), year index y, region r. */
static inline double *record_at(const struct record_block *b, size_t p, size_t y, size_t r)
{
    return b->v + ((p * b->years + y) * b->regions + r) * N_VARS;
}
static inline double *record_national(const struct record_block *b, size_t p, size_t y)
{
    return b->national + (p * b->years + y) * N_NVARS;
}

#endif
