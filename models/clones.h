/* clones.h: AVX2_CLONES, put before a function whose loops over doubles are hot
 * (the drivers' per-cell loops, the claims' sums, the tables' transforms),
 * compiles it twice, for AVX2 and for the baseline x86-64, and the program
 * takes the AVX2 copy when it loads on a processor that has it (GCC on x86-64;
 * elsewhere the one plain copy, and with Clang too: its copies of a function
 * declared in a header without the attribute are not found by the other files'
 * calls). Its vectorized loops then go 4 doubles at a time instead of 2. The
 * functions it calls that are not inlined keep their one baseline copy: a
 * clone's helpers are marked always_inline where it matters.
 *
 * The copies give the same bits: AVX2 brings no fused multiply-add (that is
 * the separate FMA feature, which the clone does not enable), the build never
 * contracts a * b + c anyway (-ffp-contract=off, meson.build), and the compiler
 * reorders no sum without -ffast-math; the wider registers only hold more of
 * the same operations. */
#ifndef FUNDSIM_CLONES_H
#define FUNDSIM_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define AVX2_CLONES
#endif

#endif
