/* test_stream.c: the keyed random streams (models/stream.c): the cipher's
 * published known answer, the layout of the key, independence from the order
 * of use, and the moments of GSL samplers drawn from a stream. */
#include "models/stream.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <Random123/philox.h>
#include <cmocka.h>

static const struct stream_key base = {
    .seed = 20220913, .path = 7, .region = 3, .year = 2030, .driver = DRIVER_DISEASE};

static void draw(gsl_rng *r, struct stream_key k, unsigned long *out, int n)
{
    stream_seek(r, k);
    for (int i = 0; i < n; i++)
        out[i] = gsl_rng_get(r);
}

/* Random123's kat_vectors: philox4x64-10 with counter and key all zero gives
 * 16554d9eca36314c db20fe9d672d0fdc d7e772cee186176b 7e68b68aec7ba23b; the
 * stream with every coordinate 0 is that block. gsl_rng_get returns the high
 * 32 bits of each word. */
static void test_known_answer(void **state)
{
    (void)state;
    gsl_rng *r = stream_alloc();
    unsigned long got[4];
    draw(r, (struct stream_key){0}, got, 4);
    assert_int_equal(got[0], 0x16554d9eUL);
    assert_int_equal(got[1], 0xdb20fe9dUL);
    assert_int_equal(got[2], 0xd7e772ceUL);
    assert_int_equal(got[3], 0x7e68b68aUL);
    gsl_rng_free(r);
}

/* The stream is the cipher of (path, region << 32 | year, block, 0) under
 * (seed, driver), block by block. */
static void test_key_layout(void **state)
{
    (void)state;
    gsl_rng *r = stream_alloc();
    unsigned long got[12];
    draw(r, base, got, 12);
    philox4x64_key_t k = {{base.seed, base.driver}};
    for (uint64_t block = 0; block < 3; block++) {
        philox4x64_ctr_t c = {{base.path, (uint64_t)base.region << 32 | 2030u, block, 0}};
        philox4x64_ctr_t w = philox4x64(c, k);
        for (int j = 0; j < 4; j++)
            assert_int_equal(got[4 * block + j], w.v[j] >> 32);
    }
    gsl_rng_free(r);
}

/* Same key, same numbers, whatever was drawn before; any coordinate changed,
 * other numbers. */
static void test_same_key_same_numbers(void **state)
{
    (void)state;
    gsl_rng *r = stream_alloc(), *other = stream_alloc();
    unsigned long a[16], b[16];
    draw(r, base, a, 16);
    struct stream_key k = base;
    k.path = 8;
    draw(r, k, b, 16); /* use the generator for another stream in between */
    gsl_ran_gaussian(r, 1.0);
    draw(other, base, b, 16);
    for (int i = 0; i < 16; i++)
        assert_int_equal(a[i], b[i]);

    struct stream_key changed[5];
    for (int i = 0; i < 5; i++)
        changed[i] = base;
    changed[0].seed++;
    changed[1].path++;
    changed[2].region++;
    changed[3].year++;
    changed[4].driver++;
    for (int i = 0; i < 5; i++) {
        draw(r, changed[i], b, 16);
        int same = 0;
        for (int j = 0; j < 16; j++)
            same += a[j] == b[j];
        assert_true(same <= 1); /* 16 independent 32-bit words: a match is rare */
    }
    gsl_rng_free(r);
    gsl_rng_free(other);
}

/* 10 000 draws: uniform mean 1/2 (sd of the mean 0.2887/100), variance 1/12
 * (sd of the sample variance sqrt(1/180)/100 = 0.000745); gaussian mean 0 and
 * variance 1 (sd of the sample variance sqrt(2)/100); Poisson(3.5) mean 3.5
 * (sd sqrt(3.5)/100). Each within 4 standard errors. Every uniform lies in
 * [0, 1). */
static void test_moments(void **state)
{
    (void)state;
    gsl_rng *r = stream_alloc();
    stream_seek(r, base);
    const int n = 10000;
    double s = 0, ss = 0, g = 0, gg = 0, p = 0;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        assert_true(u >= 0 && u < 1);
        s += u, ss += u * u;
        double z = gsl_ran_gaussian_ziggurat(r, 1.0);
        g += z, gg += z * z;
        p += gsl_ran_poisson(r, 3.5);
    }
    double mean = s / n, var = ss / n - mean * mean;
    assert_true(fabs(mean - 0.5) < 4 * 0.2887 / 100);
    assert_true(fabs(var - 1.0 / 12) < 4 * 0.000745);
    assert_true(fabs(g / n) < 4 * 0.01);
    assert_true(fabs(gg / n - (g / n) * (g / n) - 1) < 4 * sqrt(2.0) / 100);
    assert_true(fabs(p / n - 3.5) < 4 * sqrt(3.5) / 100);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_key_layout),
        cmocka_unit_test(test_same_key_same_numbers),
        cmocka_unit_test(test_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
