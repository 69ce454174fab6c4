/* clones.h: DRIVER_CLONES, put before a function of the drivers' per-cell
 * loops, compiles it twice, for AVX2 and for the baseline x86-64, and the
 * program takes the AVX2 copy when it loads on a processor that has it (GCC
 * or Clang on x86-64; elsewhere the one plain copy). The loops over the 202
 * [sex][age] cells then go 4 doubles at a time instead of 2.
 *
 * The copies give the same bits: AVX2 brings no fused multiply-add (that is
 * the separate FMA feature, which the clone does not enable), ISO C mode
 * (c_std=c17) never contracts a * b + c anyway, and the compiler reorders no
 * sum without -ffast-math; the wider registers only hold more of the same
 * operations. */
#ifndef FUNDSIM_CLONES_H
#define FUNDSIM_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__)
#define DRIVER_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DRIVER_CLONES
#endif

#endif
