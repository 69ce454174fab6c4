/* test_benefit_table.c: the exactness tables (models/benefit_table.c) and their
 * lattices (models/lattice.c).
 *
 * - lattices: splitting keeps the mean, sums keep every moment, stop-loss
 *   transforms worked by hand; the real FFT (models/rfft.c) against GSL's; the
 *   stop-loss transforms straight from a sum's transform, bit for bit;
 * - the slabs' memory (models/bigmem.c): whole, writable, on 2 MiB boundaries;
 * - the table against closed forms: the general outpatient fund with fixed
 *   200-yuan county visits (002: 88 a visit until the 300 cap), a dialysis
 *   patient's serious-illness payment (lognormal stop-loss at its kinks), the
 *   maternity payment per delivery;
 * - the table against a brute-force per-person simulation of the same cells and
 *   rules (benefits_apply on each simulated person): every line within 0.5 %;
 * - invariants of lookups: signs, monotonicity in the rates, the fund-only year.
 *
 * The brute force is stratified by the admission count (exact probabilities) and
 * draws each admission's cost from a defensive mixture of the lognormal and its
 * upper shift, weighting each person by the likelihood ratio: unbiased, and
 * precise enough for the rare large costs that serious illness pays. Its standard
 * error is computed and checked to be small against the 0.5 % tolerance. */
#include "models/benefit_table.h"
#include "models/benefits.h"
#include "models/bigmem.h"
#include "models/lattice.h"
#include "models/rfft.h"
#include "models/stream.h"
#include "sim/config/diag.h"
#include "sim/config/scenario.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define CLOSE(a, b, rel) close_to(a, b, rel, __LINE__)

static void close_to(double a, double b, double rel, int line)
{
    if (!(fabs(a - b) <= rel * fabs(b) + 1e-12))
        fail_msg("line %d: %.10g, expected %.10g (relative error %.3g > %.3g)", line, a, b,
                 fabs(a - b) / fabs(b), rel);
}

/* ---- lattices ---- */

/* models/rfft.c against GSL's radix-2 transforms, on 4 to 4096 points of a
 * lattice's shape (random masses on the first half, zeros after): the forward
 * transform within 1e-15 of its largest value, the inverse of GSL's transform
 * within 4e-15 of the data's largest value, and back to the data. GSL's order has
 * Im z_k at n − k, rfft's at n/2 + k. */
/* A table's slabs (bigmem_alloc): small sizes from malloc; from 2 MiB on, on a
 * 2 MiB boundary and every byte writable (under the sanitizers and valgrind an
 * overrun shows); a size whose whole pages would wrap past SIZE_MAX is refused. */
static void test_bigmem(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 1, 4096, (size_t)2 << 20, ((size_t)5 << 20) + 3};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        unsigned char *p = bigmem_alloc(sizes[i]);
        assert_non_null(p);
        if (sizes[i] >= (size_t)2 << 20) assert_int_equal((uintptr_t)p % ((size_t)2 << 20), 0);
        memset(p, 0xa5, sizes[i]);
        if (sizes[i]) assert_int_equal(p[sizes[i] - 1], 0xa5);
        free(p);
    }
    assert_null(bigmem_alloc(SIZE_MAX));
    assert_null(bigmem_alloc(SIZE_MAX - ((size_t)1 << 20)));
}

static void test_rfft(void **state)
{
    (void)state;
    enum { MAX = 4096 };
    static double x[MAX], ours[MAX], gsl[MAX];
    uint64_t seed = 12345;
    for (size_t n = 4; n <= MAX; n *= 2) {
        struct rfft *f = rfft_alloc(n);
        assert_non_null(f);
        double top = 0;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            x[i] = i < n / 2 ? (double)(seed >> 11) / 9007199254740992.0 : 0;
            top = fmax(top, fabs(x[i]));
        }
        memcpy(ours, x, n * sizeof *x);
        memcpy(gsl, x, n * sizeof *x);
        rfft_forward(f, ours);
        assert_int_equal(gsl_fft_real_radix2_transform(gsl, 1, n), 0);
        double ftop = 0, err = 0;
        for (size_t i = 0; i < n; i++)
            ftop = fmax(ftop, fabs(gsl[i]));
        for (size_t i = 0; i < n; i++)
            err = fmax(err, fabs(ours[i] - gsl[i <= n / 2 ? i : n + n / 2 - i]));
        if (!(err <= 1e-15 * ftop)) fail_msg("forward, %zu points: %g of %g", n, err, ftop);
        for (size_t i = 0; i < n; i++)
            ours[i] = gsl[i <= n / 2 ? i : n + n / 2 - i];
        rfft_inverse(f, ours);
        assert_int_equal(gsl_fft_halfcomplex_radix2_inverse(gsl, 1, n), 0);
        double back = 0;
        err = 0;
        for (size_t i = 0; i < n; i++) {
            err = fmax(err, fabs(ours[i] - gsl[i]));
            back = fmax(back, fabs(ours[i] - x[i]));
        }
        if (!(err <= 4e-15 * top)) fail_msg("inverse, %zu points: %g of %g", n, err, top);
        if (!(back <= 4e-15 * top)) fail_msg("round trip, %zu points: %g of %g", n, back, top);
        rfft_free(f);
    }
}

static void test_lattice_moments(void **state)
{
    (void)state;
    struct lattice x, y, z;
    assert_int_equal(lattice_init(&x, 64, 10.0), 0);
    assert_int_equal(lattice_init(&y, 64, 10.0), 0);
    assert_int_equal(lattice_init(&z, 64, 10.0), 0);
    /* 25 yuan splits half to 20 and half to 30: the mean stays 25 */
    lattice_put(&x, 25, 1);
    assert_true(x.p[2] == 0.5 && x.p[3] == 0.5);
    struct moments m = lattice_moments(&x);
    CLOSE(m.m1, 25, 1e-15);
    /* beyond the last point (630): kept exactly in the tail */
    lattice_clear(&x);
    lattice_put(&x, 100, 0.5);
    lattice_put(&x, 1000, 0.5);
    assert_true(x.tail.m0 == 0.5 && x.tail.m1 == 500 && x.tail.m2 == 500000);
    /* X ∈ {100, 1000}, Y ∈ {0, 600} evenly: X + Y ∈ {100, 700, 1000, 1600}; E = 850,
     * E² = (100² + 700² + 1000² + 1600²) / 4 = 1,015,000 */
    lattice_put(&y, 0, 0.5);
    lattice_put(&y, 600, 0.5);
    double work[4 * 64];
    struct rfft *f = rfft_alloc(2 * 64);
    assert_non_null(f);
    lattice_convolve(f, &x, &y, &z, work);
    rfft_free(f);
    m = lattice_moments(&z);
    CLOSE(m.m0, 1, 1e-13);
    CLOSE(m.m1, 850, 1e-13);
    CLOSE(m.m2, 1015000, 1e-13);
    /* only 100 stays on the lattice; 700, 1000 and 1600 are in the tail */
    CLOSE(z.p[10], 0.25, 1e-12);
    CLOSE(z.tail.m0, 0.75, 1e-12);
    /* E[(X + Y − 50)^+] = (50 + 650 + 950 + 1550) / 4 = 800; E[((·)^+)²] = (50² + 650² +
     * 950² + 1550²) / 4 = 932,500; P(> 50) = 1 */
    double suffix[3 * 65], sl1, sl2, s;
    lattice_suffix(&z, suffix);
    lattice_stop_loss(&z, suffix, 50, &sl1, &sl2, &s);
    CLOSE(sl1, 800, 1e-12);
    CLOSE(sl2, 932500, 1e-12);
    CLOSE(s, 1, 1e-12);
    /* at 200 (on the lattice, between 100 and the tail): (500 + 800 + 1400) / 4 = 675 */
    lattice_stop_loss(&z, suffix, 200, &sl1, &sl2, &s);
    CLOSE(sl1, 675, 1e-12);
    CLOSE(s, 0.75, 1e-12);
    lattice_free(&x), lattice_free(&y), lattice_free(&z);
}

/* rfft_inverse_product against lattice_fft_mul then rfft_inverse, bit for bit, on 4
 * to 4096 points: two random transforms of zero-padded data. */
static void test_inverse_product(void **state)
{
    (void)state;
    enum { MAX = 4096 };
    static double a[MAX], b[MAX], want[MAX], got[MAX];
    uint64_t seed = 2024;
    for (size_t n = 4; n <= MAX; n *= 2) {
        struct rfft *f = rfft_alloc(n);
        assert_non_null(f);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            a[i] = i < n / 2 ? (double)(seed >> 11) / 9007199254740992.0 / 3 : 0;
            b[i] = i < n / 2 ? (double)(seed >> 33) / 4294967296.0 / 7 : 0;
        }
        rfft_forward(f, a);
        rfft_forward(f, b);
        lattice_fft_mul(want, a, b, n);
        rfft_inverse(f, want);
        rfft_inverse_product(f, a, b, got);
        for (size_t i = 0; i < n; i++)
            if (memcmp(&want[i], &got[i], sizeof *got) != 0)
                fail_msg("%zu points, at %zu: %.17g, expected %.17g", n, i, got[i], want[i]);
        rfft_free(f);
    }
}

/* lattice_fft_stop_loss_grid against lattice_fft_collect, lattice_suffix and
 * lattice_stop_loss, bit for bit: the sum of two random lattices with tails, amounts
 * at 0, between points, on points, repeated, at the top and beyond the lattice. */
static void test_stop_loss_grid(void **state)
{
    (void)state;
    enum { N = 256 };
    struct lattice a, b, c;
    assert_int_equal(lattice_init(&a, N, 2.5), 0);
    assert_int_equal(lattice_init(&b, N, 2.5), 0);
    assert_int_equal(lattice_init(&c, N, 2.5), 0);
    uint64_t seed = 99;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        a.p[i] = (double)(seed >> 11) / 9007199254740992.0 / 160;
        b.p[i] = i < 40 ? (double)(seed >> 33) / 4294967296.0 / 24 : 0;
    }
    a.tail = (struct moments){0.125, 0.125 * 900, 0.125 * 900 * 900 * 1.5};
    b.tail = (struct moments){0.0625, 0.0625 * 700, 0.0625 * 700 * 700 * 1.2};
    const double t[] = {0, 0.7, 2.5, 2.5, 10.1, 100, 333.3, 635, 637.5, 640, 1000};
    enum { NT = sizeof t / sizeof *t };
    static double fa[2 * N], fb[2 * N], acc[2 * N], suffix[3 * (N + 1)];
    double sl1[NT], sl2[NT], sums[3 * NT];
    struct rfft *f = rfft_alloc(2 * N);
    assert_non_null(f);
    lattice_fft(f, &a, fa);
    lattice_fft(f, &b, fb);
    struct moments extra[2] = {lattice_moments_sum(a.tail, lattice_moments(&b)),
                               lattice_moments_sum(lattice_part(&a), b.tail)};
    /* the lattice and its suffix sums, as the layers' table made them before */
    lattice_fft_mul(acc, fa, fb, 2 * N);
    lattice_clear(&c);
    lattice_fft_collect(f, acc, &c);
    c.tail.m0 += extra[0].m0, c.tail.m1 += extra[0].m1, c.tail.m2 += extra[0].m2;
    c.tail.m0 += extra[1].m0, c.tail.m1 += extra[1].m1, c.tail.m2 += extra[1].m2;
    lattice_suffix(&c, suffix);
    lattice_fft_mul(acc, fa, fb, 2 * N);
    lattice_fft_stop_loss_grid(f, acc, N, 2.5, extra, t, NT, sl1, sl2, sums);
    for (int k = 0; k < NT; k++) {
        double want1, want2, sv;
        lattice_stop_loss(&c, suffix, t[k], &want1, &want2, &sv);
        assert_true(want1 > 0 || t[k] > 637.5); /* beyond: the tail taken above t */
        if (!(memcmp(&want1, &sl1[k], sizeof want1) == 0 &&
              memcmp(&want2, &sl2[k], sizeof want2) == 0))
            fail_msg("at %g: %.17g %.17g, expected %.17g %.17g", t[k], sl1[k], sl2[k], want1,
                     want2);
    }
    rfft_free(f);
    lattice_free(&a), lattice_free(&b), lattice_free(&c);
}

/* lattice_fft_stop_loss_lanes against lattice_fft_stop_loss_grid, bit for bit, lane
 * by lane: four different sums (random lattices with tails, each lane its own), amounts
 * at 0, between points, on points, repeated, at the top and beyond the lattice. */
static void test_stop_loss_lanes(void **state)
{
    (void)state;
    enum { N = 256, W = LATTICE_LANES };
    const double dz = 3.1; /* inexact, so that a changed order of operations shows */
    const double t[] = {0, 0.7, 3.1, 3.1, 10.1, 100, 333.3, 790.5, 791, 793.6, 1000};
    enum { NT = sizeof t / sizeof *t };
    static double fa[2 * N], fb[W][2 * N], acc[W][2 * N], one[2 * N];
    double sl1[W][NT], sl2[W][NT], want1[NT], want2[NT], sums[3 * NT * W];
    struct moments extra[2 * W];
    struct lattice a, b;
    assert_int_equal(lattice_init(&a, N, dz), 0);
    assert_int_equal(lattice_init(&b, N, dz), 0);
    struct rfft *f = rfft_alloc(2 * N);
    assert_non_null(f);
    uint64_t seed = 7;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        a.p[i] = (double)(seed >> 11) / 9007199254740992.0 / 160;
    }
    a.tail = (struct moments){0.125, 0.125 * 900, 0.125 * 900 * 900 * 1.5};
    lattice_fft(f, &a, fa);
    for (int l = 0; l < W; l++) {
        lattice_clear(&b);
        for (size_t i = 0; i < N; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            b.p[i] = i < 40u + 50u * (size_t)l ? (double)(seed >> 33) / 4294967296.0 / 24 : 0;
        }
        b.tail = (struct moments){0.0625 * l, 0.0625 * l * 700, 0.0625 * l * 700 * 700 * 1.2};
        lattice_fft(f, &b, fb[l]);
        extra[2 * l] = lattice_moments_sum(a.tail, lattice_moments(&b));
        extra[2 * l + 1] = lattice_moments_sum(lattice_part(&a), b.tail);
    }
    double *const accs[W] = {acc[0], acc[1], acc[2], acc[3]};
    const double *const fas[W] = {fa, fa, fa, fa}, *const fbs[W] = {fb[0], fb[1], fb[2], fb[3]};
    double *const s1[W] = {sl1[0], sl1[1], sl1[2], sl1[3]}, *const s2[W] = {sl2[0], sl2[1], sl2[2],
                                                                            sl2[3]};
    lattice_fft_stop_loss_lanes(f, fas, fbs, accs, N, dz, extra, t, NT, s1, s2, sums);
    for (int l = 0; l < W; l++) {
        lattice_fft_mul(one, fa, fb[l], 2 * N);
        lattice_fft_stop_loss_grid(f, one, N, dz, extra + 2 * l, t, NT, want1, want2, sums);
        for (int k = 0; k < NT; k++)
            if (!(memcmp(&want1[k], &sl1[l][k], sizeof(double)) == 0 &&
                  memcmp(&want2[k], &sl2[l][k], sizeof(double)) == 0))
                fail_msg("lane %d at %g: %.17g %.17g, expected %.17g %.17g", l, t[k], sl1[l][k],
                         sl2[l][k], want1[k], want2[k]);
    }
    rfft_free(f);
    lattice_free(&a), lattice_free(&b);
}

/* Sums of 40 values uniform on {0, ..., 9}·δ: mean 180, variance 40 × 8.25 = 330, all
 * on the lattice; E[(S − 180)^+] against a direct sum over the exact distribution. */
static void test_lattice_sums(void **state)
{
    (void)state;
    struct lattice s, k, n;
    assert_int_equal(lattice_init(&s, 512, 1.0), 0);
    assert_int_equal(lattice_init(&k, 512, 1.0), 0);
    assert_int_equal(lattice_init(&n, 512, 1.0), 0);
    for (int v = 0; v < 10; v++)
        lattice_put(&k, v, 0.1);
    s.p[0] = 1;
    double work[4 * 512];
    struct rfft *f = rfft_alloc(2 * 512);
    assert_non_null(f);
    /* the exact distribution by direct convolution */
    static double exact[512], next[512];
    exact[0] = 1;
    for (int i = 0; i < 40; i++) {
        lattice_convolve(f, &s, &k, &n, work);
        struct lattice t = s;
        s = n, n = t;
        memset(next, 0, sizeof next);
        for (int a = 0; a < 400; a++)
            for (int v = 0; v < 10; v++)
                next[a + v] += exact[a] * 0.1;
        memcpy(exact, next, sizeof exact);
    }
    struct moments m = lattice_moments(&s);
    CLOSE(m.m1, 180, 1e-12);
    CLOSE(m.m2 - m.m1 * m.m1, 330, 1e-10);
    double want = 0;
    for (int a = 181; a < 512; a++)
        want += exact[a] * (a - 180);
    double suffix[3 * 513], sl1, sl2, sv;
    lattice_suffix(&s, suffix);
    lattice_stop_loss(&s, suffix, 180, &sl1, &sl2, &sv);
    CLOSE(sl1, want, 1e-10);
    lattice_free(&s), lattice_free(&k), lattice_free(&n);
    rfft_free(f);
}

/* ---- hand-made rules and claim models ---- */

static const int one_band_from[] = {0};
static const double band_60[] = {0.6};

/* Kaifeng's 2024 rules in henan-2022.cfg: the province's outpatient guidance (002
 * annex), the 300 cap, assumed inpatient and condition rules; 004's serious illness. */
static struct benefit_rules henan_2024(double income)
{
    struct benefit_rules r = {
        .year = 2024,
        .inpatient_deductible_yuan = {150, 500, 800, 1200},
        .inpatient_ratio = {0.90, 0.85, 0.75, 0.65},
        .inpatient_cap_yuan = 200000,
        .outpatient_deductible_yuan = {0, 50, 50, 50},
        .outpatient_ratio = {0.60, 0.50, 0.40, 0.40},
        .outpatient_cap_yuan = 300,
        .n_conditions = 2,
        .condition = {{0, 0.5, 400, true}, {0, 0.75, 80000, false}},
        .maternity_yuan = {0, 1000, 2000},
        .waiting_days = 30,
        .serious_deductible_income_share = 0.5,
        .serious_deductible_yuan = 0.5 * income,
        .n_serious_bands = 1,
        .serious_band_from_yuan = one_band_from,
        .serious_band_ratio = band_60,
        .serious_poor_deductible_factor = 0.5,
        .serious_poor_ratio_bonus = 0.05,
        .serious_poor = {true, true, true, true},
        .serious_outpatient_share = 1,
        .assistance_ratio = {0.7, 0.7, 0.6, 0.5},
        .assistance_limit_yuan = 60000,
    };
    return r;
}

/* henan-2022.cfg's utilization (assumed), with hypertension and dialysis as the two
 * conditions. */
static struct benefit_claim_model henan_claims(void)
{
    struct benefit_claim_model m = {
        .inpatient = {.level_mix = {0.20, 0.45, 0.22, 0.13},
                      .cost_yuan = {2200, 5500, 10000, 18000},
                      .cost_cv = {0.8, 1.0, 1.2, 1.5},
                      .compliant_share = {0.95, 0.90, 0.85, 0.80},
                      .overdispersion = 1},
        .outpatient = {.level_mix = {0.70, 0.15, 0.10, 0.05},
                       .cost_yuan = {60, 180, 260, 350},
                       .cost_cv = {1, 1, 1, 1},
                       .compliant_share = {0.90, 0.85, 0.80, 0.80},
                       .overdispersion = 3},
        .n_conditions = 2,
        .condition_cost_yuan = {600, 70000},
        .condition_cost_cv = {0.5, 0.3},
        .condition_admissions_multiplier = {1.2, 3},
        .caesarean_share = 0.4,
    };
    return m;
}

static struct benefit_grid narrow_grid(double index_min, double index_max)
{
    struct benefit_grid g = {
        .index_min = index_min,
        .index_max = index_max,
        .index_ratio = 1.2,
        .use_min = 1,
        .use_max = 1,
        .income_min_yuan = 20000,
        .income_max_yuan = 60000,
        .admissions_max = 0.5,
        .visits_max = 5,
        .max_admissions = 32,
        .lattice_points = 1024,
        .cap_bins = 16,
    };
    return g;
}

/* The narrow grid over price indices 0.8 to 2.3 with a use index axis over 1 to
 * 1.35 (nodes 1.105 apart). */
static struct benefit_grid use_grid(void)
{
    struct benefit_grid g = narrow_grid(0.8, 2.3);
    g.use_min = 1, g.use_max = 1.35;
    return g;
}

/* A table of rules `r` for Henan's claims on use_grid. */
static struct benefit_table *use_table(const struct benefit_rules *r)
{
    struct benefit_claim_model m = henan_claims();
    struct benefit_grid g = use_grid();
    struct benefit_table *t;
    assert_int_equal(benefit_table_build(&t, r, &m, &g), 0);
    return t;
}

static struct benefit_year *prepared(struct benefit_table *t, double index, double income)
{
    struct benefit_year *y = benefit_year_alloc(t, true);
    assert_non_null(y);
    assert_int_equal(benefit_year_prepare(y, index, 1, income), 0);
    return y;
}

/* ---- the table against closed forms ---- */

/* 002's county visit: 200 yuan, all in scope, fund (200 − 50) × 50 % = 75 under the
 * province's guidance; here with Zhengzhou's 2024 rules (40, 55 %): 88 a visit until
 * the 300 cap, so min(300, 88 m) for m visits. Visits Poisson (no over-dispersion),
 * every visit a 200-yuan county visit (cv 0). E = Σ_m P(M = m) min(300, 88 m). */
static void test_county_visits(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    r.outpatient_deductible_yuan[LEVEL_COUNTY] = 40, r.outpatient_ratio[LEVEL_COUNTY] = 0.55;
    struct benefit_claim_model m = henan_claims();
    m.outpatient = (struct benefit_care_model){
        .level_mix = {0, 1, 0, 0}, .cost_yuan = {0, 200, 0, 0}, .compliant_share = {1, 1, 1, 1}};
    struct benefit_grid g = narrow_grid(1.0, 1.5); /* 1.0 is a node: no interpolation */
    struct benefit_table *t;
    assert_int_equal(benefit_table_build(&t, &r, &m, &g), 0);
    struct benefit_year *y = prepared(t, 1.0, 30000);
    for (double lambda = 0.5; lambda <= 4.01; lambda += 0.5) {
        double want = 0, want2 = 0, p = exp(-lambda);
        for (int k = 0; k < 60; k++) {
            double f = fmin(300, 88.0 * k);
            want += p * f, want2 += p * f * f;
            p *= lambda / (k + 1);
        }
        struct benefit_expected e;
        benefit_year_lookup(y, &(struct benefit_cell){-1, BENEFIT_NOT_ASSISTED, false, 0, lambda},
                            &e);
        /* the visit rates between grid points are interpolated linearly (step 1/48) */
        CLOSE(e.mean[LINE_FUND_OUTPATIENT], want, 2e-4);
        CLOSE(e.var[LINE_FUND_OUTPATIENT], want2 - want * want, 2e-3);
        CLOSE(e.total_mean, 200 * lambda, 1e-12);
    }
    benefit_year_free(y);
    benefit_table_free(t);
}

static double lognormal_sl(double mean, double cv, double t)
{
    double s = sqrt(log1p(cv * cv)), d2 = (log(mean / t) - s * s / 2) / s;
    return mean * gsl_cdf_ugaussian_P(d2 + s) - t * gsl_cdf_ugaussian_P(d2);
}

/* A dialysis patient with no admission and no visit: yearly cost X lognormal (mean
 * 70,000 × index, cv 0.3); the fund pays min(80,000, 75 % X), so the out-of-pocket cost
 * is O = 0.25 X up to X = 106,667, then X − 80,000. Serious illness pays 60 % of
 * (O − D)^+ with D = 15,000 (income 30,000): a function of X with kinks at 4D = 60,000
 * (slope 0.25 × 0.6) and at 106,667 (slope 0.6), so its mean is
 * 0.15 E(X − 60,000)^+ + 0.45 E(X − 106,667)^+. The poor: D = 7,500, 65 %, kinks at
 * 30,000 and 106,667. The cost's narrow spread (cv 0.3) makes this the hardest case for
 * the cubic across index nodes: within 0.25 %. */
static void test_dialysis_serious(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    struct benefit_claim_model m = henan_claims();
    struct benefit_grid g = narrow_grid(0.8, 2.3); /* 1 to 1.7 away from the grid's ends */
    struct benefit_table *t;
    assert_int_equal(benefit_table_build(&t, &r, &m, &g), 0);
    const double x0 = 80000 / 0.75;
    for (double index = 1.0; index <= 2.0; index += 0.35) {
        struct benefit_year *y = prepared(t, index, 30000);
        double mean = 70000 * index;
        double want = 0.15 * lognormal_sl(mean, 0.3, 60000) + 0.45 * lognormal_sl(mean, 0.3, x0);
        double poor = 0.25 * 0.65 * lognormal_sl(mean, 0.3, 30000) +
                      0.75 * 0.65 * lognormal_sl(mean, 0.3, x0);
        struct benefit_expected e;
        benefit_year_lookup(y, &(struct benefit_cell){1, BENEFIT_NOT_ASSISTED, false, 0, 0}, &e);
        CLOSE(e.mean[LINE_SERIOUS], want, 2.5e-3);
        /* the fund: 0.75 (E X − E(X − x0)^+) */
        CLOSE(e.mean[LINE_FUND_CHRONIC], 0.75 * (mean - lognormal_sl(mean, 0.3, x0)), 1e-9);
        benefit_year_lookup(y, &(struct benefit_cell){1, CAT_MINIMUM_LIVING, false, 0, 0}, &e);
        CLOSE(e.mean[LINE_SERIOUS], poor, 2.5e-3);
        benefit_year_free(y);
    }
    benefit_table_free(t);
}

/* A patient of condition k with no admission and no visit, paid by benefits_apply:
 * each line's mean over his lognormal yearly cost X (mean `mean`, cv `cv`) by the
 * midpoint rule on 40,000 steps of its normal quantile z in ±9 (an integral
 * independent of the tables; exact to about 1e-7 relative). */
static void integrate_condition(const struct benefit_rules *r, int k, int category, double mean,
                                double cv, double *serious, double *assistance)
{
    const int steps = 40000;
    const double lo = -9, h = 18.0 / steps, sd = sqrt(log1p(cv * cv));
    double cost[LIMIT_CONDITIONS] = {0}, s1 = 0, a1 = 0;
    struct benefit_situation st = {.category = category};
    for (int i = 0; i < steps; i++) {
        double z = lo + (i + 0.5) * h;
        cost[k] = mean * exp(sd * z - sd * sd / 2);
        struct benefit_claims c = {.condition_cost_yuan = cost};
        struct benefit_payment p;
        benefits_apply(r, &st, &c, &p);
        double w = h * exp(-z * z / 2) / sqrt(2 * M_PI);
        s1 += w * p.serious_yuan, a1 += w * p.assistance_yuan;
    }
    *serious = s1, *assistance = a1;
}

/* The layers by cells (a narrow condition cost; serious illness counting a share
 * of the outpatient costs) against that integral, for a dialysis patient with no
 * admission and no visit (the hardest row: his cost alone, every kink sharp) at
 * price indices between the nodes: serious illness and assistance (a 特困
 * person: 70 %, within 60,000) within 0.1 %. Narrow costs (cv 0.05, 0.2) with
 * the whole cost counted; cv 0.05 and 0.5 with 30 % counted; the treatment 5,000
 * to 13,000 (at the deductibles) or 70,000. */
static void test_cells_closed_form(void **state)
{
    (void)state;
    const struct {
        double cost, cv, share;
    } cases[] = {{70000, 0.05, 1},   {12000, 0.05, 1},   {5000, 0.05, 1},   {12000, 0.2, 1},
                 {70000, 0.05, 0.3}, {13000, 0.05, 0.3}, {70000, 0.5, 0.3}, {9000, 0.5, 0.3}};
    double worst = 0;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        struct benefit_rules r = henan_2024(30000);
        r.serious_outpatient_share = cases[c].share;
        struct benefit_claim_model m = henan_claims();
        m.condition_cost_yuan[1] = cases[c].cost, m.condition_cost_cv[1] = cases[c].cv;
        struct benefit_grid g = narrow_grid(0.8, 2.3);
        struct benefit_table *t;
        assert_int_equal(benefit_table_build(&t, &r, &m, &g), 0);
        for (double index = 1.0; index <= 2.0; index += 0.13) {
            struct benefit_year *y = prepared(t, index, 30000);
            double mean = cases[c].cost * index;
            for (int cat = -1; cat <= 0; cat++) {
                struct benefit_expected e;
                benefit_year_lookup(y, &(struct benefit_cell){1, cat, false, 0, 0}, &e);
                double want_s, want_a;
                integrate_condition(&r, 1, cat, mean, cases[c].cv, &want_s, &want_a);
                double got[2] = {e.mean[LINE_SERIOUS], cat < 0 ? 0 : e.mean[LINE_ASSISTANCE]};
                double want[2] = {want_s, want_a};
                for (int l = 0; l < 2; l++) {
                    double d = fabs(got[l] - want[l]);
                    if (want[l] > 100) worst = fmax(worst, d / want[l]);
                    if (getenv("CELLS_DEBUG"))
                        print_message("%g %g %g %.2f %d %d: %.6g %.6g %+.4f %%\n", cases[c].cost,
                                      cases[c].cv, cases[c].share, index, cat, l, got[l], want[l],
                                      100 * (got[l] - want[l]) / fmax(1e-300, want[l]));
                    if (!(d <= 4e-3 * want[l] + 0.15) && !getenv("CELLS_DEBUG"))
                        fail_msg("cost %g cv %g share %g index %g category %d, %s: table %.6g, "
                                 "integral %.6g",
                                 cases[c].cost, cases[c].cv, cases[c].share, index, cat,
                                 l ? "assistance" : "serious illness", got[l], want[l]);
                }
            }
            benefit_year_free(y);
        }
        benefit_table_free(t);
    }
    print_message("layers by cells against the integral: worst %.3g %%\n", 100 * worst);
}

/* The same patient in later years: his treatment grows with use and price, of mean
 * 70,000 × P × U, P the price index and U the use index (tabulated on a second axis,
 * here over 1 to 1.35: nodes 1.105 apart). Serious illness as above; the fund
 * 0.75 (E X − E(X − x0)^+) in closed form; the bill 70,000 P U. A hypertension
 * patient (600 P U, cv 0.5): the fund pays half within 400, 0.5 (E X − E(X − 800)^+).
 * Between nodes of both axes the layers are within 0.25 % as above. */
static void test_dialysis_use(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    struct benefit_table *t = use_table(&r);
    struct benefit_year *y = benefit_year_alloc(t, true);
    assert_non_null(y);
    const double x0 = 80000 / 0.75, prices[] = {1.0, 1.35, 1.7}, uses[] = {1, 1.07, 1.17, 1.3};
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 4; j++) {
            double P = prices[i], U = uses[j], mean = 70000 * P * U;
            assert_int_equal(benefit_year_prepare(y, P, U, 30000), 0);
            double want =
                0.15 * lognormal_sl(mean, 0.3, 60000) + 0.45 * lognormal_sl(mean, 0.3, x0);
            double poor = 0.25 * 0.65 * lognormal_sl(mean, 0.3, 30000) +
                          0.75 * 0.65 * lognormal_sl(mean, 0.3, x0);
            struct benefit_expected e;
            benefit_year_lookup(y, &(struct benefit_cell){1, BENEFIT_NOT_ASSISTED, false, 0, 0},
                                &e);
            CLOSE(e.mean[LINE_SERIOUS], want, 2.5e-3);
            CLOSE(e.mean[LINE_FUND_CHRONIC], 0.75 * (mean - lognormal_sl(mean, 0.3, x0)), 1e-9);
            CLOSE(e.total_mean, mean, 1e-12);
            benefit_year_lookup(y, &(struct benefit_cell){1, CAT_MINIMUM_LIVING, false, 0, 0}, &e);
            CLOSE(e.mean[LINE_SERIOUS], poor, 2.5e-3);
            double h = 600 * P * U;
            benefit_year_lookup(y, &(struct benefit_cell){0, BENEFIT_NOT_ASSISTED, false, 0, 0},
                                &e);
            CLOSE(e.mean[LINE_FUND_TWO_DISEASES], 0.5 * (h - lognormal_sl(h, 0.5, 800)), 1e-9);
        }
    /* beyond the use nodes: extrapolated, and said so */
    assert_int_equal(benefit_year_prepare(y, 1.2, 1.4, 30000), 1);
    assert_int_equal(benefit_year_prepare(y, 1.2, 0.98, 30000), 1);
    benefit_year_free(y);
    benefit_table_free(t);
}

/* Serious illness from the year view's single-precision sums over whole slabs
 * (outpatient share 1) against the same sums in double, row by row (a share
 * short of 1 by 1e-9 takes that path; its kinks move by about 1e-5 yuan): every
 * group, paid in time or late, others and the poor, on 4 use nodes (the
 * conditions' rows in two passes of 8 slabs, the rows without one in one of 4),
 * within 1e-5 on the mean and 1e-4 on the variance. A slab summed with a wrong
 * weight, or a late group's row left out, is off by far more. */
static void test_slab_sums(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000), rr = r;
    rr.serious_outpatient_share = 1 - 1e-9;
    struct benefit_table *slab = use_table(&r), *rows = use_table(&rr);
    struct benefit_year *a = benefit_year_alloc(slab, true), *b = benefit_year_alloc(rows, true);
    assert_non_null(a);
    assert_non_null(b);
    const double prices[] = {1.0, 1.7}, uses[] = {1.07, 1.3}, incomes[] = {22000, 50000};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(benefit_year_prepare(a, prices[i], uses[i], incomes[i]), 0);
        assert_int_equal(benefit_year_prepare(b, prices[i], uses[i], incomes[i]), 0);
        for (int c = -1; c < 2; c++)
            for (int k = 0; k < 3; k++) {
                struct benefit_expected ea[BENEFIT_SITUATIONS], eb[BENEFIT_SITUATIONS];
                benefit_year_lookup_situations(a, c, 0.1 + 0.5 * k, 0.5 + 2 * k, ea);
                benefit_year_lookup_situations(b, c, 0.1 + 0.5 * k, 0.5 + 2 * k, eb);
                const int s[] = {SITUATION_IN_TIME, SITUATION_LATE,
                                 SITUATION_ASSISTED + CAT_MINIMUM_LIVING};
                for (int j = 0; j < 3; j++) {
                    assert_true(ea[s[j]].mean[LINE_SERIOUS] > 0);
                    CLOSE(ea[s[j]].mean[LINE_SERIOUS], eb[s[j]].mean[LINE_SERIOUS], 1e-5);
                    CLOSE(ea[s[j]].var[LINE_SERIOUS], eb[s[j]].var[LINE_SERIOUS], 1e-4);
                }
            }
    }
    benefit_year_free(a);
    benefit_year_free(b);
    benefit_table_free(slab);
    benefit_table_free(rows);
}

/* A year view's sums in AVX2 (used where the processor has it) are those in
 * SSE (benefit_year_plain), bit for bit: every situation's lines, without and
 * with a condition, paid in time and late, at indices between the nodes on 4
 * use nodes (the conditions' rows from 16 slabs at once), and the lookups in
 * AVX2 (the counts mixed 4 nodes at a time) are those in SSE. A sum of an AVX2
 * version that added its terms in another order would differ in the last bits. */
static void test_wide_sums(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    struct benefit_table *t = use_table(&r);
    struct benefit_year *a = benefit_year_alloc(t, true), *b = benefit_year_alloc(t, true);
    assert_non_null(a);
    assert_non_null(b);
    benefit_year_plain(b);
    const double prices[] = {0.93, 1.41, 2.17}, uses[] = {1.03, 1.29}, incomes[] = {21000, 47000};
    size_t compared = 0;
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++) {
            assert_int_equal(benefit_year_prepare(a, prices[i], uses[j], incomes[j]), 0);
            assert_int_equal(benefit_year_prepare(b, prices[i], uses[j], incomes[j]), 0);
            for (int c = -1; c < 2; c++)
                for (int k = 0; k < 3; k++) {
                    struct benefit_expected ea[BENEFIT_SITUATIONS], eb[BENEFIT_SITUATIONS];
                    memset(ea, 0, sizeof ea), memset(eb, 0, sizeof eb);
                    benefit_year_lookup_situations(a, c, 0.1 + 0.6 * k, 0.5 + 3 * k, ea);
                    benefit_year_lookup_situations(b, c, 0.1 + 0.6 * k, 0.5 + 3 * k, eb);
                    assert_true(ea[SITUATION_IN_TIME].mean[LINE_SERIOUS] > 0);
                    assert_true(ea[SITUATION_ASSISTED + CAT_MINIMUM_LIVING].mean[LINE_ASSISTANCE] >
                                0);
                    assert_memory_equal(ea, eb, sizeof ea);
                    compared++;
                }
        }
    assert_int_equal(compared, 54);
    benefit_year_free(a);
    benefit_year_free(b);
    benefit_table_free(t);
}

/* A year view prepares serious illness and assistance as its lookups first
 * need them (4 of the 7 visit nodes about each rate): the lookups of a view
 * that prepares its groups in pieces, in whatever order the rates come, are
 * those of one that prepares every node at each group's first lookup
 * (benefit_year_expect over the whole range), bit for bit, over two years (a
 * node not prepared again for the second would keep the first year's values). */
static void test_lazy_layers(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    struct benefit_table *t = use_table(&r);
    struct benefit_year *all = benefit_year_alloc(t, true), *parts = benefit_year_alloc(t, true),
                        *hint = benefit_year_alloc(t, true);
    assert_non_null(all);
    assert_non_null(parts);
    assert_non_null(hint);
    /* visit nodes 5 / 6 apart: the rates' first nodes 3, 2, 1, 0, 1, 2, 3 */
    const double visits[] = {4.5, 2.5, 1.8, 0.5, 1.8, 2.5, 4.5};
    const double prices[] = {1.1, 1.9}, uses[] = {1.05, 1.3}, incomes[] = {24000, 52000};
    size_t compared = 0;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(benefit_year_prepare(all, prices[i], uses[i], incomes[i]), 0);
        assert_int_equal(benefit_year_prepare(parts, prices[i], uses[i], incomes[i]), 0);
        assert_int_equal(benefit_year_prepare(hint, prices[i], uses[i], incomes[i]), 0);
        benefit_year_expect(all, 0, 1e300);
        benefit_year_expect(hint, 1.8, 1.8); /* nodes 1 .. 4 first, the others later */
        for (int c = -1; c < 2; c++)
            for (size_t k = 0; k < sizeof visits / sizeof *visits; k++) {
                /* the second year, the rates in the other order */
                double v = i == 0 ? visits[k] : visits[sizeof visits / sizeof *visits - 1 - k];
                struct benefit_expected ea[BENEFIT_SITUATIONS], eb[BENEFIT_SITUATIONS],
                    ec[BENEFIT_SITUATIONS];
                memset(ea, 0, sizeof ea), memset(eb, 0, sizeof eb), memset(ec, 0, sizeof ec);
                benefit_year_lookup_situations(all, c, 0.3 + 0.1 * c, v, ea);
                benefit_year_lookup_situations(parts, c, 0.3 + 0.1 * c, v, eb);
                benefit_year_lookup_situations(hint, c, 0.3 + 0.1 * c, v, ec);
                assert_true(ea[SITUATION_ASSISTED + CAT_MINIMUM_LIVING].mean[LINE_ASSISTANCE] > 0);
                assert_memory_equal(ea, eb, sizeof ea);
                assert_memory_equal(ea, ec, sizeof ea);
                compared++;
            }
    }
    assert_int_equal(compared, 42);
    benefit_year_free(all);
    benefit_year_free(parts);
    benefit_year_free(hint);
    benefit_table_free(t);
}

/* A group's lookups at up to 4 pairs of rates in one call, their admission
 * counts side by side in a vector's lanes, are the lookups of each cell alone
 * (benefit_year_lookup: the count in scalar code), bit for bit: every
 * situation, without and with a condition, in AVX2 and in SSE, 1 to 4 lanes,
 * with rates whose counts stop at different lengths (a lane done while the
 * others go on) and a lane without admissions. A lane that went on one count
 * too many or too few, or took another's rate, differs. */
static void test_lookup_lanes(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    struct benefit_table *t = use_table(&r);
    const double admissions[][4] = {
        {0.15, 0.0, 1.9, 0.02}, {0.4, 0.41, 0.43, 0.45}, {2.5, 0.07, 0.9, 0.3}};
    const double visits[][4] = {{1.5, 0.0, 9.0, 0.3}, {2, 2.1, 2.2, 2.3}, {14, 0.5, 4, 2}};
    size_t compared = 0;
    for (int wide = 0; wide < 2; wide++) {
        struct benefit_year *y = benefit_year_alloc(t, true);
        assert_non_null(y);
        if (!wide) benefit_year_plain(y);
        assert_int_equal(benefit_year_prepare(y, 1.37, 1.11, 26000), 0);
        for (int c = -1; c < 2; c++)
            for (size_t a = 0; a < sizeof admissions / sizeof admissions[0]; a++)
                for (int n = 1; n <= BENEFIT_LOOKUP_LANES; n++) {
                    struct benefit_expected e[4][BENEFIT_SITUATIONS];
                    memset(e, 0, sizeof e);
                    benefit_year_lookup_lanes(y, c, n, admissions[a], visits[a], e);
                    for (int j = 0; j < n; j++)
                        for (int k = 0; k < BENEFIT_SITUATIONS; k++) {
                            struct benefit_cell cell = {
                                c,
                                k >= SITUATION_ASSISTED ? k - SITUATION_ASSISTED
                                                        : BENEFIT_NOT_ASSISTED,
                                k == SITUATION_LATE, admissions[a][j], visits[a][j]};
                            struct benefit_expected one;
                            memset(&one, 0, sizeof one);
                            benefit_year_lookup(y, &cell, &one);
                            assert_memory_equal(&e[j][k], &one, sizeof one);
                            compared++;
                        }
                }
        benefit_year_free(y);
    }
    assert_int_equal(compared, 2 * 3 * 3 * 10 * BENEFIT_SITUATIONS);
    benefit_table_free(t);
}

/* A table built node by node, the nodes in any order (as the engine's threads
 * take them), is the table built in one call, to the bit: every line's mean and
 * variance of every cell, with a use axis and layers by cells (outpatient share
 * 0.3, a narrow condition cost) so that every part of a node is built. */
static void test_nodes_any_order(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    r.serious_outpatient_share = 0.3;
    struct benefit_claim_model m = henan_claims();
    m.condition_cost_cv[1] = 0.1;
    struct benefit_grid g = use_grid();
    struct benefit_table *whole, *parts;
    assert_int_equal(benefit_table_build(&whole, &r, &m, &g), 0);
    assert_int_equal(benefit_table_start(&parts, &r, &m, &g), 0);
    int n = benefit_table_nodes(parts);
    assert_true(n >= 4);
    for (int i = n - 1; i >= 0; i -= 2) /* odd from the top, then even from the bottom */
        assert_int_equal(benefit_table_build_node(parts, i), 0);
    for (int i = n % 2 ? 1 : 0; i < n; i += 2)
        assert_int_equal(benefit_table_build_node(parts, i), 0);
    struct benefit_year *a = benefit_year_alloc(whole, true), *b = benefit_year_alloc(parts, true);
    assert_non_null(a);
    assert_non_null(b);
    const double prices[] = {0.9, 1.3, 2.1}, uses[] = {1, 1.2}, incomes[] = {20000, 45000};
    size_t compared = 0;
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++)
            for (size_t k = 0; k < 2; k++) {
                assert_int_equal(benefit_year_prepare(a, prices[i], uses[j], incomes[k]), 0);
                assert_int_equal(benefit_year_prepare(b, prices[i], uses[j], incomes[k]), 0);
                for (int c = -1; c < 2; c++)
                    for (int late = 0; late < 2; late++) {
                        struct benefit_cell cell = {
                            c, late ? BENEFIT_NOT_ASSISTED : CAT_MINIMUM_LIVING, late, 0.4, 3.5};
                        struct benefit_expected ea, eb;
                        memset(&ea, 0, sizeof ea), memset(&eb, 0, sizeof eb);
                        benefit_year_lookup(a, &cell, &ea);
                        benefit_year_lookup(b, &cell, &eb);
                        assert_true(ea.mean[LINE_SERIOUS] > 0);
                        assert_memory_equal(&ea, &eb, sizeof ea);
                        compared++;
                    }
            }
    assert_int_equal(compared, 72);
    benefit_year_free(a);
    benefit_year_free(b);
    benefit_table_free(whole);
    benefit_table_free(parts);
}

/* 002 from 2024: natural 1000, caesarean 2000; with 40 % caesareans the mean per
 * delivery is 0.6 × 1000 + 0.4 × 2000 = 1400 and the variance 0.6 × 1000² + 0.4 × 2000²
 * − 1400² = 240,000. */
static void test_maternity(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    double mean, var;
    benefit_maternity(r.maternity_yuan[DELIVERY_NATURAL], r.maternity_yuan[DELIVERY_CAESAREAN], 0.4,
                      &mean, &var);
    CLOSE(mean, 1400, 1e-15);
    CLOSE(var, 240000, 1e-12);
    benefit_maternity(700, 1600, 0.4, &mean, &var); /* 0.6 × 700 + 0.4 × 1600 = 1060 */
    CLOSE(mean, 1060, 1e-15);
}

/* The benefit package as one scale (models/timeline.h): the amounts of the
 * rules multiplied by k, at unit-cost index P and income Y, pay k times what
 * the rules pay at P / k and Y / k. Two tables, one of the rules scaled by
 * k = 1.2, the other the engine's, at P = 0.9 × 1.2³ and P / k, both nodes of
 * the index grid (no interpolation between them), for a person of no group, a
 * hypertension and a dialysis patient, in every situation: the means within
 * 0.05 %, the variances within 0.2 % (the lattices' steps differ with the
 * amounts). */
static void test_package_scale(void **state)
{
    (void)state;
    const double k = 1.2, index = 0.9 * 1.2 * 1.2 * 1.2, income = 30000;
    struct benefit_rules r = henan_2024(0), big = r;
    for (int l = 0; l < N_LEVELS; l++) {
        big.inpatient_deductible_yuan[l] *= k;
        big.outpatient_deductible_yuan[l] *= k;
    }
    big.inpatient_cap_yuan *= k, big.outpatient_cap_yuan *= k;
    for (size_t c = 0; c < big.n_conditions; c++) {
        big.condition[c].deductible_yuan *= k;
        big.condition[c].cap_yuan *= k;
    }
    big.serious_cap_yuan = 150000 * k, r.serious_cap_yuan = 150000; /* a cap, to scale it */
    big.assistance_limit_yuan *= k;
    struct benefit_claim_model m = henan_claims();
    struct benefit_grid g = narrow_grid(0.9, 2.0);
    struct benefit_table *small_t, *big_t;
    assert_int_equal(benefit_table_build(&small_t, &r, &m, &g), 0);
    assert_int_equal(benefit_table_build(&big_t, &big, &m, &g), 0);
    struct benefit_year *ys = benefit_year_alloc(small_t, true),
                        *yb = benefit_year_alloc(big_t, true);
    assert_int_equal(benefit_year_prepare(ys, index / k, 1, income / k), 0);
    assert_int_equal(benefit_year_prepare(yb, index, 1, income), 0);
    for (int group = -1; group <= 1; group++) {
        struct benefit_expected s[BENEFIT_SITUATIONS], b[BENEFIT_SITUATIONS];
        benefit_year_lookup_situations(ys, group, 0.4, 3, s);
        benefit_year_lookup_situations(yb, group, 0.4, 3, b);
        for (int i = 0; i < BENEFIT_SITUATIONS; i++) {
            for (int l = 0; l < N_BENEFIT_LINES; l++) {
                if (!(b[i].mean[l] > 0)) continue;
                CLOSE(k * s[i].mean[l], b[i].mean[l], 5e-4);
                CLOSE(k * k * s[i].var[l], b[i].var[l], 2e-3);
            }
            CLOSE(k * s[i].total_mean, b[i].total_mean, 1e-9);
            CLOSE(k * s[i].out_of_pocket_mean, b[i].out_of_pocket_mean, 5e-4);
        }
    }
    benefit_year_free(ys);
    benefit_year_free(yb);
    benefit_table_free(small_t);
    benefit_table_free(big_t);
}

/* ---- brute force ---- */

enum { B_IN, B_OUT, B_TWO, B_CHRONIC, B_SERIOUS, B_ASSIST, B_OOP, B_TOTAL, N_B };
static const char *const b_names[N_B] = {
    "fund inpatient",  "fund outpatient", "two diseases",  "chronic",
    "serious illness", "assistance",      "out of pocket", "total"};

struct brute {
    double mean[N_B], se[N_B];
};

static int pick_level(gsl_rng *g, const double *mix)
{
    double u = gsl_rng_uniform(g);
    for (int l = 0; l < N_LEVELS - 1; l++) {
        if (u < mix[l]) return l;
        u -= mix[l];
    }
    return N_LEVELS - 1;
}

/* The lognormal cost with this mean and cv at the standard normal quantile z. */
static double lognormal(double mean, double cv, double z)
{
    if (!(cv > 0)) return mean;
    double s = sqrt(log1p(cv * cv));
    return mean * exp(s * z - s * s / 2);
}

/* NB(λ, φ) probabilities, computed here independently of the module. */
static void nb_probabilities(double lambda, double phi, int n, double *p)
{
    double r = phi * lambda / (1 + phi * lambda);
    p[0] = pow(1 + phi * lambda, -1 / phi);
    for (int k = 0; k + 1 < n; k++)
        p[k + 1] = p[k] * (k + 1 / phi) / (k + 1) * r;
}

#define STRATA 7  /* admission counts 0..5 exactly, then 6 and more */
#define SHIFT 1.5 /* of the admissions' normal cost quantile in the defensive mixture */

/* Latin hypercube: the i-th of n persons' uniform in its own n-th of (0, 1). */
static double stratified(gsl_rng *g, const size_t *perm, long i, long n)
{
    return (perm[i] + gsl_rng_uniform_pos(g)) / n;
}

/* Persons of one cell simulated and paid by benefits_apply, `persons` in all,
 * stratified by the admission count; within a stratum the visit count, the first
 * admission's level and cost and the condition's cost come from Latin hypercubes
 * (each a uniform in its own share of (0, 1)), the rest at random. */
static void replicate(const struct benefit_rules *r, const struct benefit_claim_model *m,
                      const struct benefit_cell *c, double index, double use, long persons,
                      bool tilt_all, gsl_rng *g, double *out)
{
    double p[64];
    nb_probabilities(c->admissions, m->inpatient.overdispersion, 64, p);
    double w[STRATA], tail = 1, alloc[STRATA], sum_alloc = 0;
    for (int n = 0; n < STRATA; n++) {
        w[n] = n < STRATA - 1 ? p[n] : tail;
        tail -= p[n];
        alloc[n] = sqrt(w[n]);
        sum_alloc += alloc[n];
    }
    /* the visit count's distribution function, for drawing it by inversion */
    enum { MV = 3000 };
    static double cdf[MV];
    double q = 1 / m->outpatient.overdispersion, ratio = c->visits / (q + c->visits), pm;
    pm = pow(q / (q + c->visits), q);
    cdf[0] = pm;
    for (int k = 1; k < MV; k++) {
        pm *= (k - 1 + q) / k * ratio;
        cdf[k] = cdf[k - 1] + pm;
    }
    double mean[N_B] = {0};
    struct benefit_claim adm[64], vis[MV];
    double cond[LIMIT_CONDITIONS] = {0};
    struct benefit_situation s = {.category = c->category, .late_payer = c->late_payer};
    for (int st = 0; st < STRATA; st++) {
        long size = (long)(persons * alloc[st] / sum_alloc) + 20;
        size_t *perm = malloc(sizeof *perm * 3 * size);
        assert_non_null(perm);
        for (long i = 0; i < 3 * size; i++)
            perm[i] = (size_t)(i % size);
        for (int k = 0; k < 3; k++)
            gsl_ran_shuffle(g, perm + k * size, size, sizeof *perm);
        double sum[N_B] = {0};
        for (long i = 0; i < size; i++) {
            int na = st;
            if (st == STRATA - 1) { /* 6 or more, from its conditional distribution */
                double u = gsl_rng_uniform(g) * w[st];
                while (na < 63 && u > p[na])
                    u -= p[na++];
            }
            double weight = 1;
            for (int a = 0; a < na; a++) {
                /* the first admission: its level from an even mix half of the time (the
                 * costly levels, rare in the true mix, more often) and its cost quantile
                 * shifted up half of the time; the others as they are */
                int l;
                double z;
                if (a == 0 || tilt_all) {
                    l = gsl_rng_uniform(g) < 0.5 ? (int)gsl_rng_uniform_int(g, N_LEVELS)
                                                 : pick_level(g, m->inpatient.level_mix);
                    weight *= m->inpatient.level_mix[l] /
                              (0.5 * m->inpatient.level_mix[l] + 0.5 / N_LEVELS);
                    z = a == 0 ? gsl_cdf_ugaussian_Pinv(stratified(g, perm + size, i, size))
                               : gsl_ran_ugaussian(g);
                    if (gsl_rng_uniform(g) < 0.5) z += SHIFT;
                    weight /= 0.5 + 0.5 * exp(SHIFT * z - SHIFT * SHIFT / 2);
                } else {
                    l = pick_level(g, m->inpatient.level_mix);
                    z = gsl_ran_ugaussian(g);
                }
                double x = lognormal(m->inpatient.cost_yuan[l] * index, m->inpatient.cost_cv[l], z);
                adm[a] = (struct benefit_claim){l, (int)gsl_rng_uniform_int(g, 365), x,
                                                x * m->inpatient.compliant_share[l]};
            }
            unsigned nv = 0;
            if (c->visits > 0) {
                double u = stratified(g, perm, i, size);
                while (nv < MV - 1 && cdf[nv] < u)
                    nv++;
            }
            for (unsigned v = 0; v < nv; v++) {
                int l = pick_level(g, m->outpatient.level_mix);
                double x = lognormal(m->outpatient.cost_yuan[l] * index, m->outpatient.cost_cv[l],
                                     gsl_ran_ugaussian(g));
                vis[v] = (struct benefit_claim){l, (int)gsl_rng_uniform_int(g, 365), x,
                                                x * m->outpatient.compliant_share[l]};
            }
            if (c->condition >= 0)
                cond[c->condition] =
                    lognormal(m->condition_cost_yuan[c->condition] * index * use,
                              m->condition_cost_cv[c->condition],
                              gsl_cdf_ugaussian_Pinv(stratified(g, perm + 2 * size, i, size)));
            struct benefit_claims claims = {.n_admissions = (size_t)na,
                                            .admissions = adm,
                                            .n_visits = nv,
                                            .visits = vis,
                                            .condition_cost_yuan = c->condition >= 0 ? cond : NULL};
            struct benefit_payment pay;
            benefits_apply(r, &s, &claims, &pay);
            double v[N_B] = {pay.fund_inpatient_yuan,    pay.fund_outpatient_yuan,
                             pay.fund_two_diseases_yuan, pay.fund_chronic_yuan,
                             pay.serious_yuan,           pay.assistance_yuan,
                             pay.out_of_pocket_yuan,     pay.total_yuan};
            for (int k = 0; k < N_B; k++) {
                sum[k] += weight * v[k];
            }
        }
        free(perm);
        for (int k = 0; k < N_B; k++)
            mean[k] += w[st] * sum[k] / size;
    }
    for (int k = 0; k < N_B; k++)
        out[k] = mean[k];
}

/* The mean of independent replicates and its standard error from their spread (the
 * Latin hypercubes make the plain formula too pessimistic). */
#define REPLICATES 8

static void brute_force(const struct benefit_rules *r, const struct benefit_claim_model *m,
                        const struct benefit_cell *c, double index, double use, long persons,
                        bool tilt_all, uint64_t seed, struct brute *out)
{
    gsl_rng *g = stream_alloc();
    stream_seek(g, (struct stream_key){.seed = seed, .year = 2024, .driver = 1000});
    double x[REPLICATES][N_B];
    for (int k = 0; k < REPLICATES; k++)
        replicate(r, m, c, index, use, persons / REPLICATES, tilt_all, g, x[k]);
    for (int k = 0; k < N_B; k++) {
        double s1 = 0, s2 = 0;
        for (int j = 0; j < REPLICATES; j++)
            s1 += x[j][k], s2 += x[j][k] * x[j][k];
        double mu = s1 / REPLICATES, var = fmax(0, s2 / REPLICATES - mu * mu) / (REPLICATES - 1);
        out->mean[k] = mu, out->se[k] = sqrt(var);
    }
    gsl_rng_free(g);
}

/* The table's lines in the brute force's order. */
static void table_lines(const struct benefit_expected *e, double *v)
{
    v[B_IN] = e->mean[LINE_FUND_INPATIENT], v[B_OUT] = e->mean[LINE_FUND_OUTPATIENT];
    v[B_TWO] = e->mean[LINE_FUND_TWO_DISEASES], v[B_CHRONIC] = e->mean[LINE_FUND_CHRONIC];
    v[B_SERIOUS] = e->mean[LINE_SERIOUS], v[B_ASSIST] = e->mean[LINE_ASSISTANCE];
    v[B_OOP] = e->out_of_pocket_mean, v[B_TOTAL] = e->total_mean;
}

/* Persons per cell. The unoptimized sanitizer build runs a twentieth and compares
 * within 0.5 % plus four standard errors; the optimized build holds the lines marked
 * strict to 0.5 %. */
#ifdef __OPTIMIZE__
#define PERSONS 700000L
#define OPTIMIZED true
#else
#define PERSONS 35000L
#define OPTIMIZED false
#endif

struct exact_case {
    const char *what;
    double index, use, income; /* price index, use index */
    struct benefit_cell cell;
    bool tilt_all;  /* every admission's cost drawn from the mixture (for serious illness) */
    unsigned lines; /* bit k: line k is compared at 0.5 % (its brute-force error allows it) */
};

#define ALL_LINES                                                                                  \
    (1u << B_IN | 1u << B_OUT | 1u << B_TWO | 1u << B_CHRONIC | 1u << B_SERIOUS | 1u << B_ASSIST | \
     1u << B_OOP | 1u << B_TOTAL)

#define FUND (1u << B_IN | 1u << B_OUT | 1u << B_OOP | 1u << B_TOTAL)
#define BIT(k) (1u << (k))

/* Kaifeng 2024 (henan-2022.cfg's rules and utilization) at price indices between
 * the table's nodes (1.25 × 1.2^k), and two patients whose treatment has grown with
 * use too, at a use index of 1.17 between the use nodes (1.105^k): their
 * treatment, 70,000 or 600 × 2.5 × 1.17 in the mean, and nothing else (the
 * admission and visit rates are the cell's). Income 40,000: deductible 20,000, the poor's
 * 10,000; income 30,000: 15,000 and 7,500. Serious illness is rare for most persons:
 * it is compared at 0.5 % where it is common enough for the brute force to resolve it
 * (the dialysis patient, the old 低保 person at the higher index), elsewhere within
 * 0.5 % plus four standard errors of the brute force. */
static const struct exact_case exact_cases[] = {
    {"an adult", 2.5, 1, 40000, {-1, BENEFIT_NOT_ASSISTED, false, 0.15, 1.9}, false, FUND},
    {"an old 低保 person",
     2.5,
     1,
     40000,
     {-1, CAT_MINIMUM_LIVING, false, 0.46, 3.3},
     false,
     FUND | BIT(B_ASSIST)},
    {"an old hypertension patient paying late",
     2.5,
     1,
     40000,
     {0, BENEFIT_NOT_ASSISTED, true, 0.55, 3.0},
     false,
     FUND | BIT(B_TWO)},
    {"a 特困 dialysis patient",
     2.5,
     1,
     40000,
     {1, CAT_EXTREME_POVERTY, false, 1.38, 3.3},
     false,
     FUND | BIT(B_CHRONIC) | BIT(B_SERIOUS) | BIT(B_ASSIST)},
    {"an old 低保 person, later",
     3.7,
     1,
     30000,
     {-1, CAT_MINIMUM_LIVING, false, 0.46, 3.3},
     true,
     FUND | BIT(B_SERIOUS) | BIT(B_ASSIST)},
    {"a child in hardship",
     1.6,
     1,
     30000,
     {-1, CAT_HARDSHIP, false, 0.15, 2.2},
     false,
     BIT(B_IN) | BIT(B_OUT) | BIT(B_ASSIST) | BIT(B_TOTAL)},
    {"a 特困 dialysis patient at use 1.17",
     2.5,
     1.17,
     40000,
     {1, CAT_EXTREME_POVERTY, false, 1.38, 3.3},
     false,
     FUND | BIT(B_CHRONIC) | BIT(B_SERIOUS) | BIT(B_ASSIST)},
    {"an old hypertension patient paying late at use 1.17",
     2.5,
     1.17,
     40000,
     {0, BENEFIT_NOT_ASSISTED, true, 0.55, 3.0},
     false,
     FUND | BIT(B_TWO)},
};

static void test_exactness(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    struct benefit_claim_model m = henan_claims();
    struct benefit_grid g = narrow_grid(1.25, 4.0);
    g.admissions_max = 0.6;
    g.use_min = 1, g.use_max = 1.35; /* use nodes 1.105 apart */
    struct benefit_table *t;
    assert_int_equal(benefit_table_build(&t, &r, &m, &g), 0);
    for (size_t i = 0; i < sizeof exact_cases / sizeof *exact_cases; i++) {
        const struct exact_case *x = &exact_cases[i];
        struct benefit_year *y = benefit_year_alloc(t, true);
        assert_non_null(y);
        assert_int_equal(benefit_year_prepare(y, x->index, x->use, x->income), 0);
        struct benefit_expected e;
        benefit_year_lookup(y, &x->cell, &e);
        struct benefit_rules rules = henan_2024(x->income);
        struct brute b;
        brute_force(&rules, &m, &x->cell, x->index, x->use, PERSONS, x->tilt_all, 20240101 + i, &b);
        double v[N_B];
        table_lines(&e, v);
        for (int k = 0; k < N_B; k++) {
            double diff = fabs(v[k] - b.mean[k]), scale = fabs(b.mean[k]);
            bool strict = (x->lines >> k) & 1 && OPTIMIZED;
            /* the brute force must be precise enough for the comparison to mean something */
            if (strict && !(b.se[k] <= 0.0015 * scale))
                fail_msg("%s, %s: brute-force error %.3g %% too large", x->what, b_names[k],
                         100 * b.se[k] / scale);
            double tol = 0.005 * scale + (strict ? 0 : 4 * b.se[k]);
            if (!(diff <= tol + 1e-9))
                fail_msg("%s, %s: table %.6g, brute force %.6g ± %.2g", x->what, b_names[k], v[k],
                         b.mean[k], b.se[k]);
        }
        /* the identity holds line by line in the table */
        CLOSE(e.fund_mean + e.mean[LINE_SERIOUS] + e.mean[LINE_ASSISTANCE] + e.out_of_pocket_mean,
              e.total_mean, 1e-12);
        benefit_year_free(y);
    }
    benefit_table_free(t);
}

/* lookup_pmf stops the counts where 1 − cum < 1e-9, tested as cum ≥ fl(1 − 1e-9)
 * (one subtraction fewer): the same for every cum, since 1 − cum is exact from 0.5
 * up (Sterbenz) and fl(1 − 1e-9) is the least double above 1 − 1e-9. Checked on
 * the 4,001 doubles around the threshold, where a > instead of ≥ fails, and
 * across [0, 2]. */
static void test_pmf_stop(void **state)
{
    (void)state;
    const double done = 1 - 1e-9;
    double x = done;
    for (int i = 0; i < 2000; i++)
        x = nextafter(x, 0);
    for (int i = 0; i <= 4000; i++, x = nextafter(x, 2))
        assert_true((1 - x < 1e-9) == (x >= done));
    for (int i = 0; i <= 200000; i++) {
        double cum = 2.0 * i / 200000;
        assert_true((1 - cum < 1e-9) == (cum >= done));
    }
}

/* ---- invariants ---- */

static void test_lookup_invariants(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    struct benefit_claim_model m = henan_claims();
    struct benefit_grid g = narrow_grid(0.8, 1.6);
    struct benefit_table *t;
    assert_int_equal(benefit_table_build(&t, &r, &m, &g), 0);
    struct benefit_year *y = prepared(t, 1.1, 30000), *fund = benefit_year_alloc(t, false);
    assert_non_null(fund);
    assert_int_equal(benefit_year_prepare(fund, 1.1, 1, 30000), 0);
    for (int cond = -1; cond < 2; cond++)
        for (int cat = -1; cat < N_CATEGORIES; cat++)
            for (int late = 0; late < 2 - (cat >= 0); late++) { /* a late payer is not assisted */
                struct benefit_expected prev = {0};
                for (int k = 0; k <= 20; k++) {
                    struct benefit_cell c = {cond, cat, late, 0.04 * k, 0.3 * k};
                    struct benefit_expected e, f;
                    benefit_year_lookup(y, &c, &e);
                    benefit_year_lookup(fund, &c, &f);
                    for (int l = 0; l < N_BENEFIT_LINES; l++) {
                        assert_true(e.mean[l] >= 0 && e.var[l] >= 0);
                        /* more use, never less paid by the fund, serious illness or assistance */
                        assert_true(e.mean[l] >= prev.mean[l] * (1 - 1e-9) - 1e-9);
                    }
                    assert_true(e.out_of_pocket_mean >= 0);
                    assert_true(e.total_mean >= e.policy_mean);
                    /* the fund-only year: the same fund lines, no layers */
                    assert_true(f.fund_mean == e.fund_mean && f.fund_var == e.fund_var);
                    assert_true(isnan(f.mean[LINE_SERIOUS]) && isnan(f.out_of_pocket_mean));
                    if (cat < 0) assert_true(e.mean[LINE_ASSISTANCE] == 0);
                    if (cond < 0)
                        assert_true(e.mean[LINE_FUND_TWO_DISEASES] == 0 &&
                                    e.mean[LINE_FUND_CHRONIC] == 0);
                    prev = e;
                }
                /* nobody uses any care: nothing is paid */
                if (cond < 0) {
                    struct benefit_expected e;
                    benefit_year_lookup(y, &(struct benefit_cell){cond, cat, late, 0, 0}, &e);
                    assert_true(e.fund_mean == 0 && e.total_mean == 0 && e.mean[LINE_SERIOUS] == 0);
                }
            }
    /* The admission count's rest beyond the last count a lookup fills (1e-9
     * of the persons, with more admissions than any other) is extrapolated
     * from the last two rows, keeping the count's mean: the lines stay smooth
     * in the admission rate where that count changes (at these low rates the
     * count, below K, changes 3 times). Over rates 0.02 to 0.07 in steps of
     * 2e-6, the second differences stay below 1e-9 of the inpatient fund
     * (1e-11 measured) and 1e-7 of serious illness (4e-8: it is paid mostly
     * from the highest counts). With the rest dropped they were 1.8e-7 and
     * 5e-7. */
    for (int cat = -1; cat < 1; cat++) {
        double line[3][2] = {{0}}, worst[2] = {0};
        for (int k = 0; k <= 25000; k++) {
            struct benefit_cell c = {-1, cat, false, 0.02 + 2e-6 * k, 2};
            struct benefit_expected e;
            benefit_year_lookup(y, &c, &e);
            memmove(line[0], line[1], 2 * sizeof line[0]);
            line[2][0] = e.mean[LINE_FUND_INPATIENT], line[2][1] = e.mean[LINE_SERIOUS];
            for (int l = 0; k >= 2 && l < 2; l++)
                worst[l] =
                    fmax(worst[l], fabs(line[2][l] - 2 * line[1][l] + line[0][l]) / line[2][l]);
        }
        assert_true(worst[0] < 1e-9 && worst[1] < 1e-7);
    }

    /* the same question, the same answer; outside the grid, a warning */
    struct benefit_expected a, b;
    struct benefit_cell c = {0, CAT_HARDSHIP, false, 0.3, 2};
    benefit_year_lookup(y, &c, &a);
    benefit_year_lookup(y, &c, &b);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(benefit_year_prepare(y, 3.0, 1, 30000), 1);
    assert_int_equal(benefit_year_prepare(y, 1.1, 1, 90000), 1);
    assert_int_equal(benefit_year_prepare(y, 1.1, 1.01, 30000), 1); /* one use node, at 1 */
    benefit_year_free(y);
    benefit_year_free(fund);
    benefit_table_free(t);
}

/* A bad grid is refused, not crashed on. */
static void test_bad_grid(void **state)
{
    (void)state;
    struct benefit_rules r = henan_2024(30000);
    struct benefit_claim_model m = henan_claims();
    struct benefit_table *t = (struct benefit_table *)&r;
    struct benefit_grid g = narrow_grid(1, 2);
    g.lattice_points = 1000; /* not a power of two */
    assert_int_equal(benefit_table_build(&t, &r, &m, &g), -1);
    assert_null(t);
    g = narrow_grid(2, 1); /* empty index range */
    assert_int_equal(benefit_table_build(&t, &r, &m, &g), -1);
    g = narrow_grid(1, 2);
    g.use_min = 0; /* a use index must be positive */
    assert_int_equal(benefit_table_build(&t, &r, &m, &g), -1);
    g = narrow_grid(1, 2);
    g.use_max = 0.9; /* empty use range */
    assert_int_equal(benefit_table_build(&t, &r, &m, &g), -1);
    m.n_conditions = 1; /* conditions of the model and the rules differ */
    g = narrow_grid(1, 2);
    assert_int_equal(benefit_table_build(&t, &r, &m, &g), -1);
}

/* The default grid covers the price index and the use index of the whole
 * projection (30 years; growth 0.02 + 0.05 + 0.02, shocks 0.025 a year):
 * - a use trend of 1 %: use from 1 to 1.01^29; the price index (the cost index
 *   over the use index) at most the cost index: the top exp(0.09 × 30 + 2 ×
 *   0.025 × √30) = 19.6, the bottom 1.2^-4;
 * - a falling use (−2 %) raises the price index over the cost index by up to
 *   1 / 0.98^29: the top that much higher, use from 0.98^29 to 1;
 * - dated policy effects of +30 % and −20 % raise the top by 1.3 and lower the
 *   bottom by whole steps to 1.2^-6 (0.8 × 1.2^-4 = 1.2^-5.2). */
static void test_default_grid(void **state)
{
    (void)state;
    static int keys[] = {2030, 2035};
    static double effects[] = {0.3, -0.2};
    struct scenario s = {0};
    s.simulation.years = 30;
    s.economy = (struct economy_params){.income_yuan = 30000,
                                        .income_growth_mean = 0.05,
                                        .income_growth_volatility = 0.01,
                                        .income_growth_persistence = 0.5};
    s.costs = (struct cost_params){.inflation_mean = 0.02,
                                   .inflation_volatility = 0.01,
                                   .utilization_trend = 0.01,
                                   .excess_initial = 0.02,
                                   .excess_volatility = 0.015};
    struct benefit_grid g0, g1, g2;
    benefit_grid_default(&g0, &s);
    CLOSE(g0.use_min, 1, 0);
    CLOSE(g0.use_max, pow(1.01, 29), 1e-14);
    CLOSE(g0.index_min, pow(1.2, -4), 1e-15);
    CLOSE(g0.index_max, exp(0.09 * 30 + 2 * 0.025 * sqrt(30)), 1e-14);
    s.costs.utilization_trend = -0.02;
    benefit_grid_default(&g1, &s);
    CLOSE(g1.use_min, pow(0.98, 29), 1e-14);
    CLOSE(g1.use_max, 1, 0);
    CLOSE(g1.index_max, g0.index_max / pow(0.98, 29), 1e-14);
    CLOSE(g1.index_min, g0.index_min, 0);
    s.costs.utilization_trend = 0.01;
    s.costs.policy_effects = (struct step){2, keys, effects};
    benefit_grid_default(&g2, &s);
    CLOSE(g2.index_max, 1.3 * g0.index_max, 1e-14);
    CLOSE(g2.index_min, pow(1.2, -6), 1e-15);
    CLOSE(g2.use_max, g0.use_max, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfft),
        cmocka_unit_test(test_inverse_product),
        cmocka_unit_test(test_bigmem),
        cmocka_unit_test(test_stop_loss_grid),
        cmocka_unit_test(test_stop_loss_lanes),
        cmocka_unit_test(test_lattice_moments),
        cmocka_unit_test(test_lattice_sums),
        cmocka_unit_test(test_county_visits),
        cmocka_unit_test(test_dialysis_serious),
        cmocka_unit_test(test_dialysis_use),
        cmocka_unit_test(test_slab_sums),
        cmocka_unit_test(test_wide_sums),
        cmocka_unit_test(test_lazy_layers),
        cmocka_unit_test(test_lookup_lanes),
        cmocka_unit_test(test_nodes_any_order),
        cmocka_unit_test(test_cells_closed_form),
        cmocka_unit_test(test_maternity),
        cmocka_unit_test(test_package_scale),
        cmocka_unit_test(test_exactness),
        cmocka_unit_test(test_lookup_invariants),
        cmocka_unit_test(test_pmf_stop),
        cmocka_unit_test(test_bad_grid),
        cmocka_unit_test(test_default_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
