/* rfft.h: the discrete Fourier transform of real data of power-of-two length,
 * in GSL's halfcomplex order (Re z_k at k for k = 0..n/2, Im z_k at n − k for
 * k = 1..n/2 − 1), as gsl_fft_real_radix2_transform and
 * gsl_fft_halfcomplex_radix2_inverse compute it, but about 3 times faster: the
 * n real values are transformed as n/2 complex ones, by radix-2 passes over
 * separate real and imaginary arrays whose twiddle factors are tabulated once
 * (from sin and cos, not a recurrence), and split into the n/2 + 1 frequencies
 * of the real data. The same to rounding as GSL's (tests/test_benefit_table.c
 * compares them: within 1e-15 of the largest value on 2048 points), and the same
 * bits on every call and thread. A plan holds its scratch arrays: one per thread. */
#ifndef FUNDSIM_RFFT_H
#define FUNDSIM_RFFT_H

#include <stddef.h>

struct rfft;

/* A plan for n points (a power of two, at least 4); NULL when out of memory. */
struct rfft *rfft_alloc(size_t n);
void rfft_free(struct rfft *f);

/* x[0..n−1] real → its transform Σ_j x_j e^{−2πijk/n}, in place, halfcomplex order. */
void rfft_forward(struct rfft *f, double *x);
/* The inverse: x halfcomplex → (1/n) Σ_k z_k e^{2πijk/n}, real, in place. */
void rfft_inverse(struct rfft *f, double *x);

#endif
