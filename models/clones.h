/* clones.h: AVX2_CLONES, put before a function whose loops over doubles are hot
 * (the drivers' per-cell loops, the claims' sums, the tables' transforms),
 * compiles it twice, for AVX2 and for the baseline x86-64, and the program takes
 * the AVX2 copy when it loads on a processor that has it (GCC or Clang on x86-64;
 * elsewhere the one plain copy). Its vectorized loops then go 4 doubles at a time
 * instead of 2. Functions it calls that are not inlined stay in their one
 * baseline copy: a clone's helpers are marked always_inline where it matters.
 *
 * The copies give the same bits: AVX2 brings no fused multiply-add (that is
 * the separate FMA feature, which the clone does not enable), ISO C mode
 * (c_std=c17) never contracts a * b + c anyway, and the compiler reorders no
 * sum without -ffast-math; the wider registers only hold more of the same
 * operations. */
#ifndef FUNDSIM_CLONES_H
#define FUNDSIM_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__)
#define AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define AVX2_CLONES
#endif

#endif
