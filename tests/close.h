/* close.h: comparing doubles in tests. cmocka's assert_float_equal converts
 * its arguments to float (24 bits), which hides any difference below about
 * 1e-7 relative and, unparenthesized, binds to the first operand of an
 * expression; these compare in double and print both values. */
#ifndef FUNDSIM_TESTS_CLOSE_H
#define FUNDSIM_TESTS_CLOSE_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static inline void assert_close_at(double got, double want, double tolerance, const char *expr,
                                   const char *file, int line)
{
    if (fabs(got - want) <= tolerance) return;
    print_error("%s = %.17g, expected %.17g within %g\n", expr, got, want, tolerance);
    _fail(file, line);
}

/* |got − want| ≤ tolerance, in double. */
#define assert_close(got, want, tolerance)                                                         \
    assert_close_at((got), (want), (tolerance), #got, __FILE__, __LINE__)

#endif
