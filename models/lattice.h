/* lattice.h: probability distributions of yearly amounts (yuan) on a uniform
 * lattice, with an exact tail, and their sums by FFT convolution.
 *
 * The main structure, `struct lattice`, holds the masses at 0, δ, 2δ, ...,
 * (n−1)δ, and for the values beyond (n−1)δ only their mass and their first two
 * moments. A value is put on the lattice by splitting its mass between the two
 * nearest points so that the mean is kept; values beyond the lattice keep their
 * exact value in the tail's moments. Sums (convolutions) keep both: the lattice
 * parts are convolved by FFT (zero-padded, so no wrap-around), whatever falls
 * beyond the lattice joins the tail, and the tail's moments follow from those of
 * the parts. So the mean and variance of a sum are exact, and E[(X − t)^+] and
 * E[((X − t)^+)^2] are exact for every t on the lattice's range up to the
 * splitting of values between neighbouring points (an error of order δ^2 times
 * the density). Used by benefit_table.c. */
#ifndef FUNDSIM_LATTICE_H
#define FUNDSIM_LATTICE_H

#include <stddef.h>

struct rfft; /* models/rfft.h: the plan of the transforms, one per thread */

/* A part of a distribution known only by its moments: mass, Σ mass·x, Σ mass·x². */
struct moments {
    double m0, m1, m2;
};

struct lattice {
    size_t n;    /* points; a power of two */
    double step; /* δ, yuan */
    double *p;   /* [n] masses at iδ */
    struct moments tail;
};

/* Allocates a zero distribution on n points (a power of two) of spacing `step`.
 * Returns 0, or -1 when out of memory. */
int lattice_init(struct lattice *x, size_t n, double step);
void lattice_free(struct lattice *x);
void lattice_clear(struct lattice *x);

/* Adds `mass` at the value `v` ≥ 0 (split between neighbours, or to the tail). */
void lattice_put(struct lattice *x, double v, double mass);

/* The moments of the whole distribution (lattice and tail), and of its lattice part. */
struct moments lattice_moments(const struct lattice *x);
struct moments lattice_part(const struct lattice *x);

/* The sub-distribution a ⊕ b of the sum of independent parts, moments only (inline:
 * the outpatient visit chain calls it for every bin, count and step). */
static inline struct moments lattice_moments_sum(struct moments a, struct moments b)
{
    return (struct moments){a.m0 * b.m0, a.m1 * b.m0 + a.m0 * b.m1,
                            a.m2 * b.m0 + 2 * a.m1 * b.m1 + a.m0 * b.m2};
}

/* FFT of a lattice's masses, zero-padded to 2n (in models/rfft.h's order), by `f`,
 * a plan for 2n points. */
void lattice_fft(struct rfft *f, const struct lattice *x, double *out /* [2n] */);
/* acc = a × b and acc += a × b, products of two transforms of length n2 = 2n. */
void lattice_fft_mul(double *restrict acc, const double *restrict a, const double *restrict b,
                     size_t n2);
void lattice_fft_mul_add(double *restrict acc, const double *restrict a, const double *restrict b,
                         size_t n2);
/* Inverse transform of `acc` (destroyed) into `out`: the points below n go to the
 * lattice, the rest (the overflow of the sum) to the tail. Adds to `out`. */
void lattice_fft_collect(struct rfft *f, double *acc, struct lattice *out);

/* out = a ⊕ b (a sum of independent amounts); `work` holds 4n doubles, `f` is a
 * plan for 2n points. */
void lattice_convolve(struct rfft *f, const struct lattice *a, const struct lattice *b,
                      struct lattice *out, double *work);

/* The stop-loss transforms at t ≥ 0: E[(X − t)^+], E[((X − t)^+)^2] and a
 * smoothed P(X > t) (each lattice point's mass spread over ±δ/2), from suffix sums
 * of the masses (`suffix` holds 3(n + 1) doubles, filled by lattice_suffix). For t
 * beyond the lattice only the tail's moments are known: every tail value is then
 * taken to exceed t (exact when they do, an approximation otherwise). */
void lattice_suffix(const struct lattice *x, double *suffix);
void lattice_stop_loss(const struct lattice *x, const double *suffix, double t, double *sl1,
                       double *sl2, double *survival);

/* SL1 and SL2 (as lattice_stop_loss) at the nt amounts t (ascending, ≥ 0) of the
 * lattice on n points of spacing `step` that lattice_fft_collect would make from
 * `acc` (destroyed) in a cleared lattice, with the moments extra[0] and then
 * extra[1] added to its tail: the same bits as those functions and
 * lattice_suffix, without storing the points or the suffix sums, and the tail's
 * sums and the suffix sums in one pass. `sums` holds 3 nt doubles. */
void lattice_fft_stop_loss_grid(struct rfft *f, double *acc, size_t n, double step,
                                const struct moments extra[2], const double *t, int nt, double *sl1,
                                double *sl2, double *sums);

/* lattice_fft_stop_loss_grid for LATTICE_LANES sums at once, on the same n, step
 * and amounts: sum l has the transforms fa[l] and fb[l] of its two parts (of 2n
 * points each), its moments extra[2l] and extra[2l + 1], its results sl1[l] and
 * sl2[l], each the same bits as lattice_fft_mul into acc and that function give
 * it; work[l] holds 2n doubles. The product goes straight into the inverse
 * transform (rfft_inverse_product), and the sums run in the lanes of vector
 * registers, one transform each: the chains of additions, serial within a
 * transform, advance side by side, so the pass takes about the time of one.
 * `sums` holds 3 nt LATTICE_LANES doubles. */
#define LATTICE_LANES 4
void lattice_fft_stop_loss_lanes(struct rfft *f, const double *const fa[LATTICE_LANES],
                                 const double *const fb[LATTICE_LANES],
                                 double *const work[LATTICE_LANES], size_t n, double step,
                                 const struct moments extra[2 * LATTICE_LANES], const double *t,
                                 int nt, double *const sl1[LATTICE_LANES],
                                 double *const sl2[LATTICE_LANES], double *sums);

#endif
