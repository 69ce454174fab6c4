/* accounting.h: a fund's accounts for one region and year, and the provincial
 * adjustment fund (省级调剂金) that moves money between regions' funds.
 *
 * The engine fills a record's lines (contributions, subsidy, benefit lines,
 * premium: record.h); these pure functions add interest, the adjustment
 * transfers, and close the year: income, expenditure, surplus, balance and
 * months of payment, so that income - expenditure = balance - opening balance
 * holds exactly (to rounding) in every record.
 *
 * The adjustment rule (pooling.mode = "adjustment_fund"), per year:
 *   1. each region pays adjustment_rate x its own income (contributions,
 *      assisted contributions, subsidy and interest) into the fund;
 *   2. a region's current deficit after that payment is
 *      d = max(0, own expenditure + payment - own income);
 *   3. the fund covers every deficit in full when its balance (carried from
 *      last year, plus this year's payments) suffices, else the same share of
 *      each (pro rata);
 *   4. what is left stays in the fund for later years, without interest
 *      (assumed: the notices do not say how it is invested).
 * Money is conserved: the change in the regions' balances plus the change in
 * the adjustment fund's equals the regions' own income less own expenditure.
 *
 * Merged pools (pooling.mode = "province", pooling.merges; pools.h), per
 * year: a region whose money is in another region's fund (its host) keeps its
 * own lines (contributions, subsidy, benefits: its rules, population and
 * shocks), and
 *   1. at the start of the year it joins, its balance B moves to the host's
 *      fund: the host earns the year's interest on it, the region none;
 *   2. it pays B and its own income less own expenditure, s = I - E, into the
 *      host's record: each amount a >= 0 as the region's adjustment_paid and
 *      the host's adjustment_received, a < 0 as the region's
 *      adjustment_received (-a: what the pooled fund pays for it beyond its
 *      own income) and the host's adjustment_paid;
 *   3. its balance is then exactly 0; the host's balance is the pooled fund's,
 *      and its deficit rules (interest, backstop) apply to the pooled fund.
 * Money is conserved: the transfers cancel in the province's sums, so the sum
 * of the closing balances (and backstops) is the sum of the opening balances
 * plus the regions' own income less own expenditure, exactly. The province's
 * accounts net them (they are between its own funds; output/record.h,
 * record_net_transfers): its income is the regions' own income, its
 * expenditure their own expenditure plus deficit interest, and
 *   income - expenditure = sum of closing - sum of opening - backstops,
 * exactly; the balance a region moves when it joins is in no one's income or
 * expenditure at the province's level.
 *
 * After depletion (pooling.deficit), per region and year, with B = the opening
 * balance + the year's surplus:
 *   "carry"     the balance is B, negative once depleted; the next year the fund
 *               pays borrowing_rate on it (deficit_interest, an expenditure);
 *   "backstop"  when B < 0, backstop_payer pays -B (backstop, its outlay) and the
 *               balance is 0; interest is earned only on a positive balance.
 * The shortfall (累计缺口) is -B under carry, the backstops so far under backstop.
 *
 * The actuarial balance (as the US Social Security Trustees summarize a long-
 * range outlook in one number), from the start to year t, per cent:
 *   100 [(I + B0 - D_t R_t) / E - 1],
 * I and E the income (contributions, subsidy, other income, adjustment received:
 * not interest, nor a backstop) and expenditure (benefits, the premium,
 * adjustment paid: not deficit interest) of the years to t, each discounted to
 * the start at the path's interest rates, D_t = prod 1 / (1 + i_s); B0 the
 * opening balance; R_t the reserve of warning.low_months months of year t's
 * benefit expenditure. Below 0, financing is that per cent of expenditure
 * short of paying the benefits and leaving the reserve; above, ahead. In a
 * calibrated run (calibration.history_end_year L) the window restarts at
 * L + 1: B0 the balance at the end of L, the discount to the start of L + 1
 * (sim/engine.c). */
#ifndef FUNDSIM_ACCOUNTING_H
#define FUNDSIM_ACCOUNTING_H

#include "sim/config/scenario.h"

#include <stddef.h>

/* The fund's money is kept in whole multiples of 2^-10 yuan (about a tenth of a
 * fen): any sum of such amounts below 2^43 yuan (8.8 trillion) is exact in
 * double precision, so the identities hold exactly, not only to rounding. */
#define ACCOUNTING_UNIT_YUAN (1.0 / 1024)

/* `yuan` to the nearest multiple of ACCOUNTING_UNIT_YUAN. */
double accounting_round(double yuan);

/* Rounds the fund's lines of record `v` (contributions, subsidy by level and its
 * total, interest, benefit lines, premium): the engine calls it once it has
 * filled them. */
void accounting_round_lines(double *v);

/* Interest earned in a year on the balance at its start: none on a deficit
 * (assumed: an overdrawn fund is carried by the treasury without interest). */
double accounting_interest(double opening_yuan, double rate);

/* Interest charged on a negative opening balance under "carry" (0 otherwise). */
double accounting_deficit_interest(const struct pooling_params *p, double opening_yuan);

/* The region's own income and expenditure: the record's lines before any
 * adjustment transfer (income with interest; expenditure the benefits and the
 * premium, without deficit interest). */
double accounting_own_income(const double *v);
double accounting_own_expenditure(const double *v);
/* What the fund raises from its financing: contributions, subsidy and other
 * income (not interest, transfers or a backstop). */
double accounting_financing(const double *v);

/* One year of the adjustment fund over `n` regions' records `v[k]` (their
 * lines and interest filled): sets adjustment_paid and adjustment_received in
 * each, and updates the fund's balance. */
void accounting_adjust(const struct pooling_params *p, size_t n, double *const *v,
                       double *fund_balance_yuan);

/* One year of merged pools over `n` regions' records `v[k]` (lines and interest
 * filled, after accounting_adjust): region k's money is in the fund of region
 * fund[k] (k itself when on its own), and moved[k] is the balance it moved
 * there at the start of the year (0 when none). Adds the transfers to
 * adjustment_paid and adjustment_received. */
void accounting_pool(size_t n, double *const *v, const size_t *fund, const double *moved);

/* Closes a record: income, expenditure, surplus, the backstop, balance, months
 * and the shortfall, from its lines, the balance at the start of the year and the
 * shortfall so far (*shortfall_yuan, updated). */
void accounting_close(const struct pooling_params *p, double *v, double opening_yuan,
                      double *shortfall_yuan);

/* The terms of the actuarial balance. */
struct accounting_balance {
    double opening_yuan;     /* B0 */
    double income_yuan;      /* I, discounted */
    double expenditure_yuan; /* E, discounted */
    double target_yuan;      /* D_t R_t */
};
/* Sets out's income, expenditure and target to the closed record v's, discounted
 * by `discount` (D_t), with a reserve of `reserve_months` of its benefits. */
void accounting_discount(const double *v, double discount, double reserve_months,
                         struct accounting_balance *out);
/* The actuarial balance in per cent (0 when there is no expenditure). */
double accounting_actuarial_balance(const struct accounting_balance *b);

#endif
