/* terms.c: the table of terms (terms.h) as two arrays indexed by enum term,
 * filled from output/terms.def, and the display width of UTF-8 text. */
#include "output/terms.h"

#include <stdint.h>
#include <string.h>

static const char *const en_text[N_TERMS] = {
#define TERM(code, en, zh) en,
#include "output/terms.def"
#undef TERM
};

static const char *const zh_text[N_TERMS] = {
#define TERM(code, en, zh) zh,
#include "output/terms.def"
#undef TERM
};

static const char *const codes[N_TERMS] = {
#define TERM(code, en, zh) #code,
#include "output/terms.def"
#undef TERM
};

const char *term(enum term t, enum lang lang)
{
    return lang == LANG_ZH ? zh_text[t] : en_text[t];
}

int term_find(const char *code)
{
    for (int t = 0; t < N_TERMS; t++)
        if (!strcmp(codes[t], code)) return t;
    return -1;
}

/* Whether code point c is wide: the CJK blocks, Hangul, full-width forms and
 * CJK punctuation (the ranges of East Asian Width W and F that Chinese uses). */
static int wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

int term_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t c = *p;
        int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (n > 1) {
            c &= 0x3F >> (n - 1);
            for (int k = 1; k < n && (p[k] & 0xC0) == 0x80; k++)
                c = c << 6 | (p[k] & 0x3F);
        }
        w += wide(c) ? 2 : 1;
        for (int k = 0; k < n && *p; k++)
            p++;
    }
    return w;
}

void term_pad(FILE *out, const char *s, int width)
{
    int fill = (width < 0 ? -width : width) - term_width(s);
    if (width < 0)
        for (; fill > 0; fill--)
            fputc(' ', out);
    fputs(s, out);
    for (; width > 0 && fill > 0; fill--)
        fputc(' ', out);
}
