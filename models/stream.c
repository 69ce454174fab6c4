/* stream.c: Philox4x64-10 (Random123) as a GSL generator addressed by a
 * stream key; see stream.h.
 *
 * The key of the cipher is (seed, driver); its counter is (path, region and
 * year, block, 0). Each block gives four 64-bit words; gsl_rng_get returns a
 * word's high 32 bits and gsl_rng_uniform a word's high 53 bits, so every
 * output consumes one word and both are uniform on their ranges. */
#include "models/stream.h"

#include <Random123/philox.h>

struct stream_state {
    philox4x64_key_t key;
    philox4x64_ctr_t ctr;
    philox4x64_ctr_t out;
    int used; /* words of `out` already returned; 4 means draw a new block */
};

static uint64_t next_word(struct stream_state *s)
{
    if (s->used == 4) {
        s->out = philox4x64(s->ctr, s->key);
        s->ctr.v[2]++;
        s->used = 0;
    }
    return s->out.v[s->used++];
}

static unsigned long get(void *state)
{
    return (unsigned long)(next_word(state) >> 32);
}

static double get_double(void *state)
{
    /* 53 random bits: a multiple of 2^-53 in [0, 1). */
    return (double)(next_word(state) >> 11) * 0x1p-53;
}

static void seek(struct stream_state *s, struct stream_key k)
{
    s->key = (philox4x64_key_t){{k.seed, k.driver}};
    s->ctr = (philox4x64_ctr_t){{k.path, ((uint64_t)k.region << 32) | (uint32_t)k.year, 0, 0}};
    s->used = 4;
}

/* gsl_rng_set: a plain seed is the key (seed, 0, 0, 0, 0), for GSL's own
 * tools; fundsim positions streams with stream_seek. */
static void set(void *state, unsigned long seed)
{
    seek(state, (struct stream_key){.seed = seed});
}

static const gsl_rng_type stream_type = {
    .name = "philox4x64-10 (Random123), keyed by (seed, path, region, year, driver)",
    .max = UINT32_MAX,
    .min = 0,
    .size = sizeof(struct stream_state),
    .set = set,
    .get = get,
    .get_double = get_double,
};

gsl_rng *stream_alloc(void)
{
    return gsl_rng_alloc(&stream_type);
}

void stream_seek(gsl_rng *r, struct stream_key key)
{
    seek(r->state, key);
}
