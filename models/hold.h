/* hold.h: the groups of random drivers that a run can hold at their expected
 * path (`fundsim run --deterministic`, `fundsim sensitivity --variance`).
 *
 * A held driver still has its stream (stream.h), but its draws no longer
 * move anything: every shock takes its expected value, an additive normal
 * shock 0, a mean-one lognormal factor (migration, use of care, the incidence
 * trend's noise) 1, a count its expectation (new technology's jumps: lambda
 * mu a year), parameter risk its central value (the scenario's levels), the
 * claims their expectation. A shock inside a nonlinear link (participation's
 * logit, mortality's and fertility's deviations, which are random walks around
 * the UN medians) is held at 0, so those drivers follow their medians. The
 * streams are keyed by driver, so holding one group leaves every other
 * group's draws as they were; holding none changes nothing (bit-identical).
 *
 * The groups are bits of a mask; hold_names[] names them in the order of the
 * bits, for the command line and the files. */
#ifndef FUNDSIM_HOLD_H
#define FUNDSIM_HOLD_H

enum hold_group {
    HOLD_DEMOGRAPHY,  /* DRIVER_MORTALITY, DRIVER_FERTILITY, DRIVER_MIGRATION */
    HOLD_ECONOMY,     /* DRIVER_ECONOMY: income growth, interest (and the income
                         shock that costs share) */
    HOLD_COSTS,       /* DRIVER_COSTS: price inflation, excess growth, technology */
    HOLD_UTILIZATION, /* DRIVER_UTILIZATION, DRIVER_CLAIMS: use shocks, claims noise */
    HOLD_ENROLLMENT,  /* DRIVER_ENROLLMENT: the participation shock */
    HOLD_DISEASE,     /* DRIVER_DISEASE: the incidence trends' noise */
    HOLD_PARAMETERS,  /* DRIVER_PARAMETERS: parameter risk, at the scenario's levels */
    N_HOLD_GROUPS
};

#define HOLD_BIT(g) (1u << (g))
#define HOLD_NONE 0u
#define HOLD_ALL ((1u << N_HOLD_GROUPS) - 1)

/* "demography", "economy", ... in the order of enum hold_group. */
extern const char *const hold_names[N_HOLD_GROUPS];

/* The group named `name`, or -1. */
int hold_group_named(const char *name);

#endif
