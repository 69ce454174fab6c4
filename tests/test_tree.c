/* test_tree.c: the settings tree: reading, merging, paths, and printing in a
 * form libconfig reads back to the same values. */
#include "sim/config/diag.h"
#include "sim/config/tree.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static struct tree *parse(const char *text, struct diag *d)
{
    char path[] = "/tmp/fundsim-tree-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    struct tree *t = tree_read_file(path, d);
    remove(path);
    return t;
}

static char *print(const struct tree *t)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    tree_print(f, t);
    fclose(f);
    return text;
}

static void test_floats_round_trip(void **state)
{
    (void)state;
    static const double values[] = {0.1,   1.0 / 3, 12600574.0, 1e20,    -2.5e-300,
                                    0.95,  1e15,    123456.789, 5e-5,    0.0,
                                    780.0, -1e-4,   4.9e-324,   1.7e308, 98.83 / 99.365519};
    struct tree *root = tree_new(TREE_GROUP, NULL, "test", 0);
    for (size_t k = 0; k < sizeof values / sizeof *values; k++) {
        char name[16];
        snprintf(name, sizeof name, "v%zu", k);
        struct tree *v = tree_new(TREE_FLOAT, name, "test", 0);
        v->f = values[k];
        tree_append(root, v);
    }
    char *text = print(root);
    struct diag d = {0};
    struct tree *back = parse(text, &d);
    assert_non_null(back);
    assert_int_equal(back->n, root->n);
    for (size_t k = 0; k < root->n; k++) {
        assert_int_equal(back->kids[k]->kind, TREE_FLOAT); /* still a float, never an int */
        assert_memory_equal(&back->kids[k]->f, &values[k], sizeof(double));
    }
    free(text);
    tree_free(root);
    tree_free(back);
}

static void test_strings_and_ints_round_trip(void **state)
{
    (void)state;
    struct diag d = {0};
    const char *text = "s = \"quote \\\" back \\\\ tab \\t 中文\";\n"
                       "big = 5000000000L;\nneg = -2147483648;\nb = true;\n"
                       "g = { l = ((2022, 1.5), (2024, 2)); a = [1, 2, 3]; };\n";
    struct tree *t = parse(text, &d);
    assert_non_null(t);
    char *printed = print(t);
    struct tree *u = parse(printed, &d);
    assert_int_equal(d.n, 0);
    char *again = print(u);
    assert_string_equal(printed, again);
    assert_string_equal(tree_child(u, "s")->s, "quote \" back \\ tab \t 中文");
    assert_int_equal(tree_child(u, "big")->i, 5000000000LL);
    assert_int_equal(tree_child(u, "neg")->i, -2147483648LL);
    free(printed);
    free(again);
    tree_free(t);
    tree_free(u);
}

/* libconfig 1.5 wraps 5000000000 to 705032704 without a word: we refuse it. */
static void test_large_integers_refused(void **state)
{
    (void)state;
    struct diag d = {0};
    assert_null(parse("a = 1;\n\nseed = 5000000000;\n", &d));
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.entries[0].text, "does not fit in 32 bits"));
    assert_non_null(strstr(d.entries[0].where, ":3"));
    diag_free(&d);
    /* in strings and comments, with L, as floats, and in names: fine */
    struct tree *t = parse("s = \"5000000000\"; # 5000000000\n/* 5000000000 */ // 5000000000\n"
                           "a = 5000000000L; b = 5000000000.0; c = 5e9; x9999999999 = 1;\n",
                           &d);
    assert_non_null(t);
    assert_int_equal(d.n, 0);
    tree_free(t);
}

static void test_merge_groups_merge_lists_replace(void **state)
{
    (void)state;
    struct diag d = {0};
    struct tree *base =
        parse("g = { a = 1; b = { c = 2; d = 3; }; l = (1, 2, 3); };\nx = 1;\n", &d);
    struct tree *over = parse("g = { b = { d = 4; e = 5; }; l = (9); };\ny = 2;\n", &d);
    tree_merge(base, over);
    char *text = print(base);
    assert_string_equal(text, "g = {\n  a = 1;\n  b = {\n    c = 2;\n    d = 4;\n    e = 5;\n  "
                              "};\n  l = (9);\n};\nx = 1;\ny = 2;\n");
    free(text);
    tree_free(base);
    tree_free(over);
}

static void test_paths_and_locations(void **state)
{
    (void)state;
    struct diag d = {0};
    struct tree *t = parse("regions = (\n  { name = \"a\"; },\n  { cap = ((2022, 1.0),\n"
                           "  (2024, -3.0)); }\n);\n",
                           &d);
    assert_non_null(t);
    struct tree *pair = tree_child(tree_child(t, "regions")->kids[1], "cap")->kids[1];
    char *path = tree_path(pair);
    assert_string_equal(path, "regions[1].cap[1]");
    assert_int_equal(pair->line, 4);
    free(path);
    tree_free(t);
}

static void test_bad_text_reported_not_crashed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a = {",           "", "= 3;", "a = [1, 2.0];", "a = 1; a = 2;", "a = \"unterminated;",
        "\x01\x02\xff\xfe"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        struct diag d = {0};
        struct tree *t = parse(bad[k], &d);
        if (k == 1) { /* an empty file is a valid empty tree: the schema finds what is missing */
            assert_non_null(t);
            assert_int_equal(t->n, 0);
        } else {
            assert_null(t);
            assert_true(d.n >= 1);
        }
        tree_free(t);
        diag_free(&d);
    }
}

/* A UTF-8 byte order mark, as some editors write it, is not part of the settings. */
static void test_byte_order_mark_skipped(void **state)
{
    (void)state;
    struct diag d = {0};
    struct tree *t = parse("\xEF\xBB\xBFyears = 3;\nname = \"\xE9\x83\x91\xE5\xB7\x9E\";\n", &d);
    assert_non_null(t);
    assert_int_equal(d.n, 0);
    assert_int_equal(tree_child(t, "years")->i, 3);
    assert_int_equal(tree_child(t, "years")->line, 1);
    assert_string_equal(tree_child(t, "name")->s, "郑州");
    tree_free(t);
}

/* On the command line, [[2024, 600.0]] means the list of pairs ((2024, 600.0));
 * a flat array stays an array, and brackets inside strings are text. */
static void test_value_nested_arrays_read_as_lists(void **state)
{
    (void)state;
    struct diag d = {0};
    struct tree *v = tree_read_value("[[2022, 150.0], [ 2024, 600.0 ]]", "--set", &d);
    assert_non_null(v);
    assert_int_equal(v->kind, TREE_LIST);
    assert_int_equal(v->n, 2);
    assert_int_equal(v->kids[1]->kind, TREE_LIST);
    assert_int_equal(v->kids[1]->kids[0]->i, 2024);
    assert_true(v->kids[1]->kids[1]->f == 600.0);
    tree_free(v);
    v = tree_read_value("[0.05, 0.5]", "--set", &d);
    assert_int_equal(v->kind, TREE_ARRAY);
    tree_free(v);
    v = tree_read_value("\"[[x]]\"", "--set", &d);
    assert_string_equal(v->s, "[[x]]");
    tree_free(v);
    assert_int_equal(d.n, 0);
}

/* libconfig says only "syntax error"; the messages say what to do. */
static void test_syntax_errors_explained(void **state)
{
    (void)state;
    static const struct {
        const char *text, *says;
        int line;
    } rows[] = {
        {"a = 1;\nb = { c = 2;\n", "the file ends inside a group", 3}, /* at the end */
        {"a = \"open string;\n", "the file ends inside a group, list, string", 2},
        {"a = 1;\ncap = [[2024, 600.0]];\nb = 2;\n", "written with parentheses, ((2024", 2},
        {"a = 1;\nb = { c 2; };\nd = 3;\n", "syntax error", 2},
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        struct diag d = {0};
        assert_null(parse(rows[k].text, &d));
        assert_int_equal(d.n, 1);
        assert_non_null(strstr(d.entries[0].text, rows[k].says));
        char line[16];
        snprintf(line, sizeof line, ":%d", rows[k].line);
        assert_non_null(strstr(d.entries[0].where, line));
        diag_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_floats_round_trip),
        cmocka_unit_test(test_strings_and_ints_round_trip),
        cmocka_unit_test(test_large_integers_refused),
        cmocka_unit_test(test_merge_groups_merge_lists_replace),
        cmocka_unit_test(test_paths_and_locations),
        cmocka_unit_test(test_bad_text_reported_not_crashed),
        cmocka_unit_test(test_byte_order_mark_skipped),
        cmocka_unit_test(test_value_nested_arrays_read_as_lists),
        cmocka_unit_test(test_syntax_errors_explained),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
