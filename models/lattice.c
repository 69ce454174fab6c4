/* lattice.c: distributions on a uniform lattice with an exact tail (lattice.h). */
#include "models/lattice.h"

#include "models/clones.h"
#include "models/rfft.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int lattice_init(struct lattice *x, size_t n, double step)
{
    assert(n >= 2 && (n & (n - 1)) == 0 && step > 0); /* the FFTs are radix 2 */
    x->n = n;
    x->step = step;
    x->tail = (struct moments){0};
    x->p = calloc(n, sizeof *x->p);
    return x->p ? 0 : -1;
}

void lattice_free(struct lattice *x)
{
    free(x->p);
    x->p = NULL;
}

void lattice_clear(struct lattice *x)
{
    memset(x->p, 0, x->n * sizeof *x->p);
    x->tail = (struct moments){0};
}

void lattice_put(struct lattice *x, double v, double mass)
{
    assert(x->n >= 2); /* a value below n − 1 splits between i and i + 1 */
    double u = v / x->step;
    if (u > (double)(x->n - 1)) {
        x->tail.m0 += mass;
        x->tail.m1 += mass * v;
        x->tail.m2 += mass * v * v;
        return;
    }
    if (u < 0) u = 0;
    size_t i = (size_t)u;
    if (i >= x->n - 1) {
        x->p[x->n - 1] += mass;
        return;
    }
    double f = u - (double)i; /* keeps the mean: (1 − f)·i + f·(i + 1) = u */
    x->p[i] += mass * (1 - f);
    x->p[i + 1] += mass * f;
}

struct moments lattice_part(const struct lattice *x)
{
    struct moments m = {0};
    for (size_t i = 0; i < x->n; i++) {
        double v = (double)i * x->step;
        m.m0 += x->p[i];
        m.m1 += x->p[i] * v;
        m.m2 += x->p[i] * v * v;
    }
    return m;
}

struct moments lattice_moments(const struct lattice *x)
{
    struct moments m = lattice_part(x);
    m.m0 += x->tail.m0, m.m1 += x->tail.m1, m.m2 += x->tail.m2;
    return m;
}

void lattice_fft(struct rfft *f, const struct lattice *x, double *out)
{
    memcpy(out, x->p, x->n * sizeof *out);
    memset(out + x->n, 0, x->n * sizeof *out);
    rfft_forward(f, out);
}

/* The products of transforms are also compiled for AVX2 (clones.h): 4
 * frequencies at a time instead of 2, the same bits. */
/* The spectrum's order (models/rfft.h): Re z_k at k for k = 0..n2/2, Im z_k at
 * n2/2 + k for k = 1..n2/2 − 1 (z_0 and z_{n2/2} are real), so that both loops run
 * over contiguous runs and vectorize; restrict: acc is never a or b. */
AVX2_CLONES void lattice_fft_mul(double *restrict acc, const double *restrict a,
                                 const double *restrict b, size_t n2)
{
    assert(n2 >= 4 && n2 % 2 == 0);
    const size_t h = n2 / 2;
    acc[0] = a[0] * b[0];
    acc[h] = a[h] * b[h];
    for (size_t k = 1; k < h; k++) {
        double ar = a[k], ai = a[h + k], br = b[k], bi = b[h + k];
        acc[k] = ar * br - ai * bi;
        acc[h + k] = ar * bi + ai * br;
    }
}

AVX2_CLONES void lattice_fft_mul_add(double *restrict acc, const double *restrict a,
                                     const double *restrict b, size_t n2)
{
    assert(n2 >= 4 && n2 % 2 == 0);
    const size_t h = n2 / 2;
    acc[0] += a[0] * b[0];
    acc[h] += a[h] * b[h];
    for (size_t k = 1; k < h; k++) {
        double ar = a[k], ai = a[h + k], br = b[k], bi = b[h + k];
        acc[k] += ar * br - ai * bi;
        acc[h + k] += ar * bi + ai * br;
    }
}

void lattice_fft_collect(struct rfft *f, double *acc, struct lattice *out)
{
    size_t n = out->n;
    rfft_inverse(f, acc);
    for (size_t i = 0; i < n; i++)
        out->p[i] += acc[i];
    /* the tail's sums in registers (acc might alias them for all the compiler
     * knows), added in the same order */
    const double step = out->step;
    double m0 = out->tail.m0, m1 = out->tail.m1, m2 = out->tail.m2;
    for (size_t i = n; i < 2 * n; i++) {
        double v = (double)i * step;
        m0 += acc[i];
        m1 += acc[i] * v;
        m2 += acc[i] * v * v;
    }
    out->tail = (struct moments){m0, m1, m2};
}

void lattice_convolve(struct rfft *f, const struct lattice *a, const struct lattice *b,
                      struct lattice *out, double *work)
{
    size_t n2 = 2 * a->n;
    assert(b->n == a->n && out->n == a->n && b->step == a->step && out->step == a->step);
    double *fa = work, *fb = work + n2;
    lattice_fft(f, a, fa);
    lattice_fft(f, b, fb);
    /* fa ← fa × fb in place: the product of each frequency reads only its own pair */
    const size_t h = n2 / 2;
    fa[0] *= fb[0];
    fa[h] *= fb[h];
    for (size_t k = 1; k < h; k++) {
        double ar = fa[k], ai = fa[h + k], br = fb[k], bi = fb[h + k];
        fa[k] = ar * br - ai * bi;
        fa[h + k] = ar * bi + ai * br;
    }
    lattice_clear(out);
    lattice_fft_collect(f, fa, out);
    struct moments t1 = lattice_moments_sum(a->tail, lattice_moments(b));
    struct moments t2 = lattice_moments_sum(lattice_part(a), b->tail);
    out->tail.m0 += t1.m0 + t2.m0;
    out->tail.m1 += t1.m1 + t2.m1;
    out->tail.m2 += t1.m2 + t2.m2;
}

void lattice_suffix(const struct lattice *x, double *suffix)
{
    size_t n = x->n;
    double *P = suffix, *M1 = suffix + n + 1, *M2 = suffix + 2 * (n + 1);
    P[n] = M1[n] = M2[n] = 0;
    /* The running sums in registers, not reloaded from the stores just made (the
     * suffix might alias x's points for all the compiler knows): the same
     * additions in the same order. */
    const double step = x->step, *p = x->p;
    double sp = 0, s1 = 0, s2 = 0;
    for (size_t i = n; i-- > 0;) {
        double v = (double)i * step;
        sp = sp + p[i];
        s1 = s1 + p[i] * v;
        s2 = s2 + p[i] * v * v;
        P[i] = sp, M1[i] = s1, M2[i] = s2;
    }
}

void lattice_stop_loss(const struct lattice *x, const double *suffix, double t, double *sl1,
                       double *sl2, double *survival)
{
    size_t n = x->n;
    const double *P = suffix, *M1 = suffix + n + 1, *M2 = suffix + 2 * (n + 1);
    assert(t >= 0); /* then i and j below index the suffix sums and the points */
    double u = t / x->step;
    /* points strictly above t: from floor(u) + 1 */
    size_t i = u >= (double)n ? n : (size_t)u + 1;
    if (i > n) i = n;
    const struct moments *T = &x->tail;
    double a = M1[i] - t * P[i] + T->m1 - t * T->m0;
    double b = M2[i] - 2 * t * M1[i] + t * t * P[i] + T->m2 - 2 * t * T->m1 + t * t * T->m0;
    *sl1 = a > 0 ? a : 0;
    *sl2 = b > 0 ? b : 0;
    /* P(X > t) with each point's mass spread evenly over ±δ/2 around it */
    double k = floor(u + 0.5);
    double s = T->m0;
    if (k < (double)n) {
        size_t j = (size_t)k;
        s += P[j + 1] + x->p[j] * (k + 0.5 - u);
    }
    *survival = s;
}

/* The first of the n points above amount t ≥ 0 (n when none is), as lattice_stop_loss. */
static inline size_t first_above(double t, double step, size_t n)
{
    double u = t / step;
    return u >= (double)n ? n : (size_t)u + 1;
}

void lattice_fft_stop_loss_grid(struct rfft *f, double *acc, size_t n, double step,
                                const struct moments extra[2], const double *t, int nt, double *sl1,
                                double *sl2, double *sums)
{
    rfft_inverse(f, acc);
    /* One pass over j: the tail's sums up the points n + j (as lattice_fft_collect),
     * the suffix sums down the points n − 1 − j (as lattice_suffix), independent
     * chains side by side; the suffix sums kept at each amount's first point above
     * it (as lattice_stop_loss), in sums[3k..3k + 2]: the same additions in the same
     * order as those functions make them. */
    double m0 = 0, m1 = 0, m2 = 0, sp = 0, s1 = 0, s2 = 0;
    int k = nt;
    size_t at = k > 0 ? first_above(t[k - 1], step, n) : 0;
    for (size_t j = 0; j <= n; j++) {
        size_t i = n - j; /* the sums hold the points from i up */
        while (k > 0 && at == i) {
            k--;
            sums[3 * k] = sp, sums[3 * k + 1] = s1, sums[3 * k + 2] = s2;
            if (k > 0) {
                assert(t[k - 1] >= 0 && t[k - 1] <= t[k]);
                at = first_above(t[k - 1], step, n);
            }
        }
        if (j == n) break;
        double v = (double)(i - 1) * step, p = acc[i - 1];
        sp = sp + p;
        s1 = s1 + p * v;
        s2 = s2 + p * v * v;
        double vt = (double)(n + j) * step, q = acc[n + j];
        m0 += q;
        m1 += q * vt;
        m2 += q * vt * vt;
    }
    struct moments T = {m0, m1, m2};
    for (int e = 0; e < 2; e++)
        T.m0 += extra[e].m0, T.m1 += extra[e].m1, T.m2 += extra[e].m2;
    for (k = 0; k < nt; k++) {
        double tt = t[k], P = sums[3 * k], M1 = sums[3 * k + 1], M2 = sums[3 * k + 2];
        double a = M1 - tt * P + T.m1 - tt * T.m0;
        double b = M2 - 2 * tt * M1 + tt * tt * P + T.m2 - 2 * tt * T.m1 + tt * tt * T.m0;
        sl1[k] = a > 0 ? a : 0;
        sl2[k] = b > 0 ? b : 0;
    }
}

#if defined(__GNUC__)
/* LATTICE_LANES doubles, one per transform; the operators act lane by lane, each
 * with the rounding of the same scalar operation (a scalar operand is used in
 * every lane). */
typedef double lanes __attribute__((vector_size(LATTICE_LANES * sizeof(double))));

/* point i of every transform (a macro: a function returning a vector would change
 * the ABI between the two copies) */
_Static_assert(LATTICE_LANES == 4, "one element per lane");
#define LANES_AT(acc, i) ((lanes){(acc)[0][i], (acc)[1][i], (acc)[2][i], (acc)[3][i]})

/* The same operations as lattice_fft_stop_loss_grid, in the same order, on a lane
 * per transform. */
AVX2_CLONES void lattice_fft_stop_loss_lanes(
    struct rfft *f, const double *const fa[LATTICE_LANES], const double *const fb[LATTICE_LANES],
    double *const work[LATTICE_LANES], size_t n, double step,
    const struct moments extra[2 * LATTICE_LANES], const double *t, int nt,
    double *const sl1[LATTICE_LANES], double *const sl2[LATTICE_LANES], double *sums)
{
    enum { W = LATTICE_LANES };
    for (int l = 0; l < W; l++)
        rfft_inverse_product(f, fa[l], fb[l], work[l]);
    /* the transforms' addresses in registers (the stores to sums might change acc[]
     * for all the compiler knows), and the points' indices counted in doubles too:
     * exact, so (double)(i − 1) and (double)(n + j) as the scalar pass has them */
    double *const x[LATTICE_LANES] = {work[0], work[1], work[2], work[3]};
    double below = (double)n - 1, above = (double)n;
    lanes m0 = {0}, m1 = {0}, m2 = {0}, sp = {0}, s1 = {0}, s2 = {0};
    int k = nt;
    size_t at = k > 0 ? first_above(t[k - 1], step, n) : 0;
    for (size_t j = 0; j <= n; j++, below -= 1, above += 1) {
        size_t i = n - j;
        while (k > 0 && at == i) {
            k--;
            double *s = sums + (size_t)3 * W * (size_t)k; /* memcpy: sums need no alignment */
            memcpy(s, &sp, sizeof sp), memcpy(s + W, &s1, sizeof s1);
            memcpy(s + 2 * W, &s2, sizeof s2);
            if (k > 0) {
                assert(t[k - 1] >= 0 && t[k - 1] <= t[k]);
                at = first_above(t[k - 1], step, n);
            }
        }
        if (j == n) break;
        double v = below * step;
        lanes p = LANES_AT(x, i - 1);
        sp = sp + p;
        s1 = s1 + p * v;
        s2 = s2 + p * v * v;
        double vt = above * step;
        lanes q = LANES_AT(x, n + j);
        m0 += q;
        m1 += q * vt;
        m2 += q * vt * vt;
    }
    for (int e = 0; e < 2; e++) {
        lanes x0, x1, x2;
        for (int l = 0; l < W; l++)
            x0[l] = extra[2 * l + e].m0, x1[l] = extra[2 * l + e].m1, x2[l] = extra[2 * l + e].m2;
        m0 += x0, m1 += x1, m2 += x2;
    }
    for (k = 0; k < nt; k++) {
        double tt = t[k];
        lanes P, M1, M2;
        const double *s = sums + (size_t)3 * W * (size_t)k;
        memcpy(&P, s, sizeof P), memcpy(&M1, s + W, sizeof M1), memcpy(&M2, s + 2 * W, sizeof M2);
        lanes a = M1 - tt * P + m1 - tt * m0;
        lanes b = M2 - 2 * tt * M1 + tt * tt * P + m2 - 2 * tt * m1 + tt * tt * m0;
        for (int l = 0; l < W; l++) {
            sl1[l][k] = a[l] > 0 ? a[l] : 0;
            sl2[l][k] = b[l] > 0 ? b[l] : 0;
        }
    }
}
#else
/* one transform after the other: the same bits */
void lattice_fft_stop_loss_lanes(struct rfft *f, const double *const fa[LATTICE_LANES],
                                 const double *const fb[LATTICE_LANES],
                                 double *const work[LATTICE_LANES], size_t n, double step,
                                 const struct moments extra[2 * LATTICE_LANES], const double *t,
                                 int nt, double *const sl1[LATTICE_LANES],
                                 double *const sl2[LATTICE_LANES], double *sums)
{
    for (int l = 0; l < LATTICE_LANES; l++) {
        lattice_fft_mul(work[l], fa[l], fb[l], 2 * n);
        lattice_fft_stop_loss_grid(f, work[l], n, step, extra + 2 * l, t, nt, sl1[l], sl2[l], sums);
    }
}
#endif
