/* accounting.c: fund accounts and the adjustment fund (accounting.h). */
#include "sim/accounting.h"

#include "output/record.h"

#include <math.h>

double accounting_round(double yuan)
{
    return nearbyint(yuan / ACCOUNTING_UNIT_YUAN) * ACCOUNTING_UNIT_YUAN;
}

void accounting_round_lines(double *v)
{
    static const int lines[] = {
        VAR_CONTRIBUTIONS,  VAR_ASSISTED_CONTRIBUTIONS, VAR_SUBSIDY_CENTRAL,   VAR_SUBSIDY_PROVINCE,
        VAR_SUBSIDY_CITY,   VAR_SUBSIDY_DISTRICT,       VAR_SUBSIDY_COUNTY,    VAR_INTEREST,
        VAR_FUND_INPATIENT, VAR_FUND_OUTPATIENT,        VAR_FUND_TWO_DISEASES, VAR_FUND_CHRONIC,
        VAR_FUND_MATERNITY, VAR_SERIOUS_PREMIUM,        VAR_OTHER_INCOME};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        v[lines[i]] = accounting_round(v[lines[i]]);
    v[VAR_SUBSIDY] = v[VAR_SUBSIDY_CENTRAL] + v[VAR_SUBSIDY_PROVINCE] + v[VAR_SUBSIDY_CITY] +
                     v[VAR_SUBSIDY_DISTRICT] + v[VAR_SUBSIDY_COUNTY];
}

double accounting_interest(double opening_yuan, double rate)
{
    return opening_yuan > 0 ? accounting_round(rate * opening_yuan) : 0;
}

double accounting_deficit_interest(const struct pooling_params *p, double opening_yuan)
{
    return p->deficit == DEFICIT_CARRY && opening_yuan < 0
               ? accounting_round(p->borrowing_rate * -opening_yuan)
               : 0;
}

double accounting_financing(const double *v)
{
    return v[VAR_CONTRIBUTIONS] + v[VAR_ASSISTED_CONTRIBUTIONS] + v[VAR_SUBSIDY] +
           v[VAR_OTHER_INCOME];
}

double accounting_own_income(const double *v)
{
    return accounting_financing(v) + v[VAR_INTEREST];
}

double accounting_own_expenditure(const double *v)
{
    return v[VAR_FUND_INPATIENT] + v[VAR_FUND_OUTPATIENT] + v[VAR_FUND_TWO_DISEASES] +
           v[VAR_FUND_CHRONIC] + v[VAR_FUND_MATERNITY] + v[VAR_SERIOUS_PREMIUM];
}

void accounting_adjust(const struct pooling_params *p, size_t n, double *const *v,
                       double *fund_balance_yuan)
{
    double available = *fund_balance_yuan, deficits = 0;
    for (size_t k = 0; k < n; k++) {
        v[k][VAR_ADJUSTMENT_RECEIVED] = 0;
        v[k][VAR_ADJUSTMENT_PAID] = 0;
        if (p->mode != POOLING_ADJUSTMENT_FUND) continue;
        double income = accounting_own_income(v[k]);
        v[k][VAR_ADJUSTMENT_PAID] = accounting_round(p->adjustment_rate * fmax(0, income));
        available += v[k][VAR_ADJUSTMENT_PAID];
        deficits += fmax(0, accounting_own_expenditure(v[k]) + v[k][VAR_ADJUSTMENT_PAID] - income);
    }
    if (p->mode != POOLING_ADJUSTMENT_FUND) return;
    double share = deficits > available ? available / deficits : 1;
    double paid_out = 0;
    for (size_t k = 0; k < n; k++) {
        double d = fmax(0, accounting_own_expenditure(v[k]) + v[k][VAR_ADJUSTMENT_PAID] -
                               accounting_own_income(v[k]));
        v[k][VAR_ADJUSTMENT_RECEIVED] = fmin(accounting_round(share * d), available - paid_out);
        paid_out += v[k][VAR_ADJUSTMENT_RECEIVED];
    }
    *fund_balance_yuan = available - paid_out;
}

/* `yuan` from region `from`'s record to `to`'s (a negative amount goes the other way). */
static void transfer(double *from, double *to, double yuan)
{
    if (yuan >= 0) {
        from[VAR_ADJUSTMENT_PAID] += yuan;
        to[VAR_ADJUSTMENT_RECEIVED] += yuan;
    } else {
        from[VAR_ADJUSTMENT_RECEIVED] += -yuan;
        to[VAR_ADJUSTMENT_PAID] += -yuan;
    }
}

void accounting_pool(size_t n, double *const *v, const size_t *fund, const double *moved)
{
    for (size_t k = 0; k < n; k++) {
        if (fund[k] == k) continue;
        double *host = v[fund[k]];
        if (moved[k] != 0) transfer(v[k], host, moved[k]);
        transfer(v[k], host,
                 accounting_own_income(v[k]) - accounting_own_expenditure(v[k]) -
                     v[k][VAR_DEFICIT_INTEREST]);
    }
}

void accounting_close(const struct pooling_params *p, double *v, double opening_yuan,
                      double *shortfall_yuan)
{
    v[VAR_INCOME] = accounting_own_income(v) + v[VAR_ADJUSTMENT_RECEIVED];
    double benefits = accounting_own_expenditure(v);
    v[VAR_EXPENDITURE] = benefits + v[VAR_ADJUSTMENT_PAID] + v[VAR_DEFICIT_INTEREST];
    v[VAR_SURPLUS] = v[VAR_INCOME] - v[VAR_EXPENDITURE];
    double balance = opening_yuan + v[VAR_SURPLUS];
    v[VAR_BACKSTOP] = 0;
    if (p->deficit == DEFICIT_BACKSTOP && balance < 0) {
        v[VAR_BACKSTOP] = -balance;
        v[record_outlay_var(p->backstop_payer)] += v[VAR_BACKSTOP];
        balance = 0;
    }
    v[VAR_BALANCE] = balance;
    v[VAR_MONTHS] = record_months(balance, benefits);
    *shortfall_yuan =
        p->deficit == DEFICIT_BACKSTOP ? *shortfall_yuan + v[VAR_BACKSTOP] : fmax(0, -balance);
    v[VAR_SHORTFALL] = *shortfall_yuan;
}

void accounting_discount(const double *v, double discount, double reserve_months,
                         struct accounting_balance *out)
{
    double benefits = accounting_own_expenditure(v);
    out->income_yuan = discount * (accounting_financing(v) + v[VAR_ADJUSTMENT_RECEIVED]);
    out->expenditure_yuan = discount * (benefits + v[VAR_ADJUSTMENT_PAID]);
    out->target_yuan = discount * reserve_months / 12 * benefits;
}

double accounting_actuarial_balance(const struct accounting_balance *b)
{
    if (!(b->expenditure_yuan > 0)) return 0;
    return 100 * ((b->income_yuan + b->opening_yuan - b->target_yuan) / b->expenditure_yuan - 1);
}
