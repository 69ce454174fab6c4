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
 * the adjustment fund's equals the regions' own income less own expenditure. */
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

/* The region's own income and expenditure: the record's lines before any
 * adjustment transfer. */
double accounting_own_income(const double *v);
double accounting_own_expenditure(const double *v);

/* One year of the adjustment fund over `n` regions' records `v[k]` (their
 * lines and interest filled): sets adjustment_paid and adjustment_received in
 * each, and updates the fund's balance. */
void accounting_adjust(const struct pooling_params *p, size_t n, double *const *v,
                       double *fund_balance_yuan);

/* Closes a record: income, expenditure, surplus, balance and months, from its
 * lines and the balance at the start of the year. */
void accounting_close(double *v, double opening_yuan);

#endif
