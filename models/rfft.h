/* rfft.h: the discrete Fourier transform of real data of power-of-two length n,
 * the transform of gsl_fft_real_radix2_transform and
 * gsl_fft_halfcomplex_radix2_inverse, with 2.5 to 2.8 times fewer instructions
 * (2048 points: 86,000 forward, 83,000 inverse, against 216,000 and 230,000), in
 * its own order: Re z_k at k for k = 0..n/2, Im z_k at n/2 + k for k = 1..n/2 − 1 (z_0 and
 * z_{n/2} are real), so that products of transforms run over contiguous runs. The
 * n real values are transformed as n/2 complex ones, by radix-4 and radix-2 passes
 * over separate real and imaginary arrays whose twiddle factors are tabulated once
 * (from sin and cos, not a recurrence), and split into the n/2 + 1 frequencies of
 * the real data. The same as GSL's to rounding (tests/test_benefit_table.c,
 * test_rfft: on 4 to 4096 points, within 1e-15 of the largest value forward, 4e-15
 * back), and the same bits on every call and thread. A plan holds its scratch
 * arrays: one plan per thread. */
#ifndef FUNDSIM_RFFT_H
#define FUNDSIM_RFFT_H

#include <stddef.h>

struct rfft;

/* A plan for n points (a power of two, at least 4); NULL when out of memory. */
struct rfft *rfft_alloc(size_t n);
void rfft_free(struct rfft *f);

/* x[0..n−1] real → its transform z_k = Σ_j x_j e^{−2πijk/n}, in place, in the order above. */
void rfft_forward(struct rfft *f, double *x);
/* The inverse: x a transform in that order → (1/n) Σ_k z_k e^{2πijk/n}, real, in place. */
void rfft_inverse(struct rfft *f, double *x);
/* x = the inverse of the product a × b of two transforms (x neither a nor b): the
 * same bits as the product by lattice_fft_mul (models/lattice.h) and then
 * rfft_inverse, without storing the product. */
void rfft_inverse_product(struct rfft *f, const double *a, const double *b, double *x);

#endif
