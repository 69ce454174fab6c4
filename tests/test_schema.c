/* test_schema.c: the schema itself: every default is a valid value of its
 * setting, the settings reference in scenarios/README.md is the one the schema
 * writes, and table lookups agree with a plain scan. */
#include "sim/config/diag.h"
#include "sim/config/schema.h"
#include "sim/config/step.h"
#include "sim/config/tree.h"
#include "sim/config/validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "close.h"

static int defaults_checked;

static void check_defaults(const struct spec *group)
{
    for (const struct spec *k = group->kids; k && k->name; k++) {
        if (k->kids && !(k->kids[0].flags & SPEC_INHERIT)) {
            check_defaults(k);
            continue;
        }
        if (!k->dflt) continue;
        struct diag d = {0};
        struct tree *v = tree_read_value(k->dflt, "default", &d);
        if (!v) diag_print(stderr, &d);
        assert_non_null(v);
        struct validate_check c = {.d = &d, .start_year = 2022};
        if (k->kids) { /* a per-level group: its default applies to each member */
            struct spec member = k->kids[0];
            member.unit = k->unit, member.min = k->min, member.max = k->max;
            member.flags = k->flags;
            validate_setting(&c, v, &member);
        } else {
            validate_setting(&c, v, k);
        }
        if (d.n) {
            fprintf(stderr, "default of %s:\n", k->name);
            diag_print(stderr, &d);
        }
        assert_int_equal(d.n, 0);
        defaults_checked++;
        tree_free(v);
        diag_free(&d);
    }
}

static void test_defaults_are_valid(void **state)
{
    (void)state;
    check_defaults(&schema_table);
    assert_true(defaults_checked > 40);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* scenarios/README.md carries `fundsim settings --markdown` between two marker lines. */
static void test_reference_in_readme_is_current(void **state)
{
    (void)state;
    char *readme = slurp(FUNDSIM_SOURCE_DIR "/scenarios/README.md");
    const char *begin = "<!-- settings: begin (fundsim settings --markdown) -->\n";
    const char *end = "<!-- settings: end -->";
    char *from = strstr(readme, begin), *to = strstr(readme, end);
    assert_non_null(from);
    assert_non_null(to);
    from += strlen(begin);
    char *expected = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&expected, &size);
    schema_document(f, 1);
    fclose(f);
    *to = '\0';
    if (strcmp(from, expected) != 0)
        fprintf(stderr, "scenarios/README.md is out of date: rewrite the table with "
                        "`build/fundsim settings --markdown`\n");
    assert_string_equal(from, expected);
    free(expected);
    free(readme);
}

static void test_step_at_matches_scan(void **state)
{
    (void)state;
    int keys[] = {0, 5, 18, 19, 60, 85};
    double values[] = {1, 2, 3, 4, 5, 6};
    for (size_t n = 1; n <= 6; n++) {
        struct step s = {n, keys, values};
        for (int key = -3; key <= 110; key++) {
            double scan = values[0];
            for (size_t k = 0; k < n; k++)
                if (keys[k] <= key) scan = values[k];
            assert_close(step_at(&s, key), scan, 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_valid),
        cmocka_unit_test(test_reference_in_readme_is_current),
        cmocka_unit_test(test_step_at_matches_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
