/* terms.h: the words people read, in English or Chinese, from the one table
 * of terms (output/terms.def, shared with plots/): `term(TERM_balance,
 * LANG_ZH)` is "累计结余". And the display width of such text, for tables
 * whose columns hold Chinese: a CJK character takes two columns of a
 * terminal, three bytes of UTF-8. */
#ifndef FUNDSIM_TERMS_H
#define FUNDSIM_TERMS_H

#include <stdio.h>

enum lang { LANG_EN, LANG_ZH };

enum term {
#define TERM(code, en, zh) TERM_##code,
#include "output/terms.def"
#undef TERM
    N_TERMS
};

/* The term's text in `lang`. */
const char *term(enum term t, enum lang lang);

/* The term whose code is `code` ("level_red"), or -1. */
int term_find(const char *code);

/* The columns `s` takes on a terminal: 2 for each East Asian wide
 * character (CJK, full-width forms), 1 for any other character. */
int term_width(const char *s);

/* Writes `s` left-aligned (width > 0) or right-aligned (width < 0) in |width|
 * columns, as printf's %-*s and %*s do for ASCII. */
void term_pad(FILE *out, const char *s, int width);

#endif
