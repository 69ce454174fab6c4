/* rfft.c: the real FFT of power-of-two length (rfft.h).
 *
 * The n real values x_j are taken as m = n/2 complex ones z_j = x_{2j} + i x_{2j+1}.
 * Forward: their DFT Z by decimation in frequency (natural order in, bit-reversed
 * out), then the real data's frequencies X_k = E_k + c^k O_k for k = 0..m, with
 * E_k = (Z_k + conj Z_{m−k}) / 2, O_k = (Z_k − conj Z_{m−k}) / 2i, c = e^{−2πi/n}.
 * Inverse: 2 Z_k = (X_k + conj X_{m−k}) + i c^{−k} (X_k − conj X_{m−k}), put in
 * bit-reversed order, then decimation in time (bit-reversed in, natural out) and
 * the factor 1/n. Each pass runs over contiguous runs of the separate real and
 * imaginary arrays with tabulated twiddle factors, so the compiler vectorizes it. */
#include "models/rfft.h"
#include "models/clones.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

/* The transforms are also compiled for AVX2 (clones.h): the passes 4 values at a
 * time instead of 2, the same bits. The passes are inlined into each copy. */
#if defined(__GNUC__)
#define PASS static inline __attribute__((always_inline)) void
#else
#define PASS static inline void
#endif

struct rfft {
    size_t n, m;     /* real points; complex points m = n/2 */
    size_t *rev;     /* [m] bit reversal of log2 m bits */
    double *wr;      /* [m]: at h + j, cos(πj/h) for a pass of half-span h, j < h */
    double *wi;      /* [m]: −sin(πj/h) */
    double *cr;      /* [m/2 + 1]: cos(2πk/n) */
    double *ci;      /* [m/2 + 1]: −sin(2πk/n) */
    double *re, *im; /* [m] scratch */
    double *pair;    /* [2m] scratch: the inverse's pairs of points, 4 arrays of m/2 */
};

struct rfft *rfft_alloc(size_t n)
{
    assert(n >= 4 && (n & (n - 1)) == 0);
    struct rfft *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    size_t m = n / 2;
    f->n = n, f->m = m;
    f->rev = malloc(m * sizeof *f->rev);
    f->wr = malloc(m * sizeof *f->wr), f->wi = malloc(m * sizeof *f->wi);
    f->cr = malloc((m / 2 + 1) * sizeof *f->cr), f->ci = malloc((m / 2 + 1) * sizeof *f->ci);
    f->re = malloc(m * sizeof *f->re), f->im = malloc(m * sizeof *f->im);
    f->pair = malloc(2 * m * sizeof *f->pair);
    if (!f->rev || !f->wr || !f->wi || !f->cr || !f->ci || !f->re || !f->im || !f->pair) {
        rfft_free(f);
        return NULL;
    }
    int bits = 0;
    while (((size_t)1 << bits) < m)
        bits++;
    for (size_t k = 0; k < m; k++) {
        size_t r = 0;
        for (int b = 0; b < bits; b++)
            r |= ((k >> b) & 1) << (bits - 1 - b);
        f->rev[k] = r;
    }
    f->wr[0] = 1, f->wi[0] = 0; /* unused: the passes index from h ≥ 1 */
    for (size_t h = 1; h < m; h *= 2)
        for (size_t j = 0; j < h; j++) {
            double a = PI * (double)j / (double)h;
            f->wr[h + j] = cos(a), f->wi[h + j] = -sin(a);
        }
    for (size_t k = 0; k <= m / 2; k++) {
        double a = 2 * PI * (double)k / (double)n;
        f->cr[k] = cos(a), f->ci[k] = -sin(a);
    }
    return f;
}

void rfft_free(struct rfft *f)
{
    if (!f) return;
    free(f->rev), free(f->wr), free(f->wi), free(f->cr), free(f->ci), free(f->re), free(f->im);
    free(f->pair);
    free(f);
}

/* One pass of decimation in frequency, half-span h: a, b → a + b, (a − b) w^j. */
PASS dif_pass(double *restrict re, double *restrict im, const double *restrict wr,
              const double *restrict wi, size_t m, size_t h)
{
    for (size_t s = 0; s < m; s += 2 * h)
        for (size_t j = 0; j < h; j++) {
            double ar = re[s + j], ai = im[s + j], br = re[s + j + h], bi = im[s + j + h];
            double dr = ar - br, di = ai - bi;
            re[s + j] = ar + br, im[s + j] = ai + bi;
            re[s + j + h] = dr * wr[h + j] - di * wi[h + j];
            im[s + j + h] = dr * wi[h + j] + di * wr[h + j];
        }
}

/* One pass of decimation in time, half-span h, conjugate twiddles: a, b → a ± b w̄^j. */
PASS dit_pass(double *restrict re, double *restrict im, const double *restrict wr,
              const double *restrict wi, size_t m, size_t h)
{
    for (size_t s = 0; s < m; s += 2 * h)
        for (size_t j = 0; j < h; j++) {
            double br = re[s + j + h], bi = im[s + j + h];
            double tr = br * wr[h + j] + bi * wi[h + j], ti = bi * wr[h + j] - br * wi[h + j];
            double ar = re[s + j], ai = im[s + j];
            re[s + j] = ar + tr, im[s + j] = ai + ti;
            re[s + j + h] = ar - tr, im[s + j + h] = ai - ti;
        }
}

/* Two passes of decimation in frequency, half-spans 2q then q, over one block of 4q
 * points: the same operations as dif_pass twice, with half the loads and stores. */
PASS dif_block(double *restrict r0, double *restrict r1, double *restrict r2, double *restrict r3,
               double *restrict i0, double *restrict i1, double *restrict i2, double *restrict i3,
               const double *restrict wr, const double *restrict wi, size_t q)
{
    const double *w1r = wr + 2 * q, *w1i = wi + 2 * q, *w3r = wr + 3 * q, *w3i = wi + 3 * q;
    const double *w2r = wr + q, *w2i = wi + q;
    for (size_t j = 0; j < q; j++) {
        double ar = r0[j] - r2[j], ai = i0[j] - i2[j];
        double br = r1[j] - r3[j], bi = i1[j] - i3[j];
        double y0r = r0[j] + r2[j], y0i = i0[j] + i2[j];
        double y1r = r1[j] + r3[j], y1i = i1[j] + i3[j];
        double y2r = ar * w1r[j] - ai * w1i[j], y2i = ar * w1i[j] + ai * w1r[j];
        double y3r = br * w3r[j] - bi * w3i[j], y3i = br * w3i[j] + bi * w3r[j];
        double cr = y0r - y1r, ci = y0i - y1i, dr = y2r - y3r, di = y2i - y3i;
        r0[j] = y0r + y1r, i0[j] = y0i + y1i;
        r1[j] = cr * w2r[j] - ci * w2i[j], i1[j] = cr * w2i[j] + ci * w2r[j];
        r2[j] = y2r + y3r, i2[j] = y2i + y3i;
        r3[j] = dr * w2r[j] - di * w2i[j], i3[j] = dr * w2i[j] + di * w2r[j];
    }
}

PASS dif_pass2(double *re, double *im, const double *wr, const double *wi, size_t m, size_t q)
{
    for (size_t s = 0; s < m; s += 4 * q)
        dif_block(re + s, re + s + q, re + s + 2 * q, re + s + 3 * q, im + s, im + s + q,
                  im + s + 2 * q, im + s + 3 * q, wr, wi, q);
}

/* Two passes of decimation in time, half-spans h then 2h, over one block of 4h
 * points: the same operations as dit_pass twice, with half the loads and stores. */
PASS dit_block(double *restrict r0, double *restrict r1, double *restrict r2, double *restrict r3,
               double *restrict i0, double *restrict i1, double *restrict i2, double *restrict i3,
               const double *restrict wr, const double *restrict wi, size_t h)
{
    const double *w1r = wr + h, *w1i = wi + h, *w2r = wr + 2 * h, *w2i = wi + 2 * h;
    const double *w3r = wr + 3 * h, *w3i = wi + 3 * h;
    for (size_t j = 0; j < h; j++) {
        double t1r = r1[j] * w1r[j] + i1[j] * w1i[j], t1i = i1[j] * w1r[j] - r1[j] * w1i[j];
        double t3r = r3[j] * w1r[j] + i3[j] * w1i[j], t3i = i3[j] * w1r[j] - r3[j] * w1i[j];
        double y0r = r0[j] + t1r, y0i = i0[j] + t1i, y1r = r0[j] - t1r, y1i = i0[j] - t1i;
        double y2r = r2[j] + t3r, y2i = i2[j] + t3i, y3r = r2[j] - t3r, y3i = i2[j] - t3i;
        double t2r = y2r * w2r[j] + y2i * w2i[j], t2i = y2i * w2r[j] - y2r * w2i[j];
        double u3r = y3r * w3r[j] + y3i * w3i[j], u3i = y3i * w3r[j] - y3r * w3i[j];
        r0[j] = y0r + t2r, i0[j] = y0i + t2i, r2[j] = y0r - t2r, i2[j] = y0i - t2i;
        r1[j] = y1r + u3r, i1[j] = y1i + u3i, r3[j] = y1r - u3r, i3[j] = y1i - u3i;
    }
}

PASS dit_pass2(double *re, double *im, const double *wr, const double *wi, size_t m, size_t h)
{
    for (size_t s = 0; s < m; s += 4 * h)
        dit_block(re + s, re + s + h, re + s + 2 * h, re + s + 3 * h, im + s, im + s + h,
                  im + s + 2 * h, im + s + 3 * h, wr, wi, h);
}

/* The first passes (h = 1, 2), whose runs are too short to vectorize, as one radix-4
 * pass: w^j = 1, and −i for h = 2, j = 1. */
PASS dit_first(double *restrict re, double *restrict im, size_t m)
{
    for (size_t s = 0; s < m; s += 4) {
        double ar = re[s] + re[s + 1], ai = im[s] + im[s + 1];
        double br = re[s] - re[s + 1], bi = im[s] - im[s + 1];
        double cr = re[s + 2] + re[s + 3], ci = im[s + 2] + im[s + 3];
        double dr = re[s + 2] - re[s + 3], di = im[s + 2] - im[s + 3];
        /* d times conj(−i) = i: (−di, dr) */
        re[s] = ar + cr, im[s] = ai + ci;
        re[s + 2] = ar - cr, im[s + 2] = ai - ci;
        re[s + 1] = br - di, im[s + 1] = bi + dr;
        re[s + 3] = br + di, im[s + 3] = bi - dr;
    }
}

/* The last passes (h = 2, 1) of decimation in frequency as one radix-4 pass. */
PASS dif_last(double *restrict re, double *restrict im, size_t m)
{
    for (size_t s = 0; s < m; s += 4) {
        double ar = re[s] + re[s + 2], ai = im[s] + im[s + 2];
        double cr = re[s + 1] + re[s + 3], ci = im[s + 1] + im[s + 3];
        double br = re[s] - re[s + 2], bi = im[s] - im[s + 2];
        /* (z1 − z3) times −i: (di, −dr) */
        double dr = im[s + 1] - im[s + 3], di = -(re[s + 1] - re[s + 3]);
        re[s] = ar + cr, im[s] = ai + ci;
        re[s + 1] = ar - cr, im[s + 1] = ai - ci;
        re[s + 2] = br + dr, im[s + 2] = bi + di;
        re[s + 3] = br - dr, im[s + 3] = bi - di;
    }
}

/* The inverse's first step for the pairs of points k and m − k, k = 1..m/2 − 1, in
 * natural order: p_k = Z_k and q_k = Z_{m−k} (2 Z_k, in the file comment). */
PASS inverse_pairs(const double *restrict x, const double *restrict cr, const double *restrict ci,
                   double *restrict pr, double *restrict pi, double *restrict qr,
                   double *restrict qi, size_t m)
{
    const size_t n = 2 * m;
    for (size_t k = 1; k < m / 2; k++) {
        double ar = x[k], ai = x[m + k], br = x[m - k], bi = x[n - k];
        double er = ar + br, ei = ai - bi, dr = ar - br, di = ai + bi;
        double orr = dr * cr[k] + di * ci[k], oi = di * cr[k] - dr * ci[k];
        pr[k] = er - oi, pi[k] = ei + orr;
        qr[k] = er + oi, qi[k] = orr - ei;
    }
}

AVX2_CLONES void rfft_forward(struct rfft *f, double *x)
{
    const size_t n = f->n, m = f->m;
    double *restrict re = f->re, *restrict im = f->im;
    for (size_t j = 0; j < m; j++)
        re[j] = x[2 * j], im[j] = x[2 * j + 1];
    size_t h = m / 2;
    for (; h >= 8; h /= 4)
        if (h == 8) /* the span a constant, as in rfft_inverse */
            dif_pass2(re, im, f->wr, f->wi, m, 4);
        else
            dif_pass2(re, im, f->wr, f->wi, m, h / 2);
    if (h == 4) dif_pass(re, im, f->wr, f->wi, m, h);
    if (m >= 4)
        dif_last(re, im, m);
    else
        dif_pass(re, im, f->wr, f->wi, m, 1);
    const size_t *rev = f->rev;
    x[0] = re[0] + im[0];
    x[m] = re[0] - im[0];
    for (size_t k = 1; k < m / 2; k++) {
        size_t p = rev[k], q = rev[m - k];
        double er = 0.5 * (re[p] + re[q]), ei = 0.5 * (im[p] - im[q]);
        double orr = 0.5 * (im[p] + im[q]), oi = -0.5 * (re[p] - re[q]);
        double tr = f->cr[k] * orr - f->ci[k] * oi, ti = f->cr[k] * oi + f->ci[k] * orr;
        x[k] = er + tr, x[m + k] = ei + ti;        /* X_k */
        x[m - k] = er - tr, x[n - k] = -(ei - ti); /* X_{m−k} = conj(E_k − c^k O_k) */
    }
    size_t p = rev[m / 2]; /* X_{m/2} = conj Z_{m/2} */
    x[m / 2] = re[p], x[n - m / 2] = -im[p];
}

/* The rest of the inverse, once the pairs are in f->pair: X_0 = x0, X_m = xm and
 * X_{m/2} = hr + i hi, into x. */
PASS inverse_rest(struct rfft *f, double x0, double xm, double hr, double hi, double *x)
{
    const size_t n = f->n, m = f->m, half = m / 2;
    double *restrict re = f->re, *restrict im = f->im;
    const size_t *rev = f->rev;
    const double *pr = f->pair, *pi = pr + half, *qr = pi + half, *qi = qr + half;
    re[0] = x0 + xm, im[0] = x0 - xm;
    for (size_t k = 1; k < half; k++) {
        size_t p = rev[k], q = rev[m - k];
        re[p] = pr[k], im[p] = pi[k];
        re[q] = qr[k], im[q] = qi[k];
    }
    size_t p = rev[half];
    re[p] = 2 * hr, im[p] = -2 * hi;
    size_t h = 1;
    if (m >= 4) dit_first(re, im, m), h = 4;
    /* h = 4 with the span a constant: GCC then does each block's 4 butterflies in
     * one pass of 4 lanes (it took 4 runs too short for its AVX2 loop, and ran them
     * 2 lanes at a time with the addresses spilled) */
    if (2 * h < m) dit_pass2(re, im, f->wr, f->wi, m, 4), h = 16;
    for (; 2 * h < m; h *= 4)
        dit_pass2(re, im, f->wr, f->wi, m, h);
    if (h < m) dit_pass(re, im, f->wr, f->wi, m, h);
    const double norm = 1.0 / (double)n;
    for (size_t j = 0; j < m; j++)
        x[2 * j] = re[j] * norm, x[2 * j + 1] = im[j] * norm;
}

/* The points k and m − k in natural order first, a loop that vectorizes, then put
 * in bit-reversed order (inverse_rest): the same operations as in one loop. */
AVX2_CLONES void rfft_inverse(struct rfft *f, double *x)
{
    const size_t n = f->n, m = f->m, half = m / 2;
    double *pr = f->pair, *pi = pr + half, *qr = pi + half, *qi = qr + half;
    inverse_pairs(x, f->cr, f->ci, pr, pi, qr, qi, m);
    inverse_rest(f, x[0], x[m], x[half], x[n - half], x);
}

/* The product's frequencies computed where inverse_pairs reads them, as
 * lattice_fft_mul computes them: re = ar br − ai bi, im = ar bi + ai br. */
PASS product_pairs(const double *restrict a, const double *restrict b, const double *restrict cr,
                   const double *restrict ci, double *restrict pr, double *restrict pi,
                   double *restrict qr, double *restrict qi, size_t m)
{
    const size_t n = 2 * m;
    for (size_t k = 1; k < m / 2; k++) {
        double ar = a[k] * b[k] - a[m + k] * b[m + k], ai = a[k] * b[m + k] + a[m + k] * b[k];
        double br = a[m - k] * b[m - k] - a[n - k] * b[n - k],
               bi = a[m - k] * b[n - k] + a[n - k] * b[m - k];
        double er = ar + br, ei = ai - bi, dr = ar - br, di = ai + bi;
        double orr = dr * cr[k] + di * ci[k], oi = di * cr[k] - dr * ci[k];
        pr[k] = er - oi, pi[k] = ei + orr;
        qr[k] = er + oi, qi[k] = orr - ei;
    }
}

AVX2_CLONES void rfft_inverse_product(struct rfft *f, const double *a, const double *b, double *x)
{
    const size_t n = f->n, m = f->m, half = m / 2;
    double *pr = f->pair, *pi = pr + half, *qr = pi + half, *qi = qr + half;
    product_pairs(a, b, f->cr, f->ci, pr, pi, qr, qi, m);
    double hr = a[half] * b[half] - a[n - half] * b[n - half],
           hi = a[half] * b[n - half] + a[n - half] * b[half];
    inverse_rest(f, a[0] * b[0], a[m] * b[m], hr, hi, x);
}
