/* test_outpath.c: what an output path may name (output/outpath.c). In a
 * scratch folder: a new name and a regular file pass; an empty name, a name
 * ending in '/', a folder, a missing folder or a file in its place, a FIFO, a
 * socket, a device (/dev/null: only looked at) and symbolic links, even to a
 * regular file, are refused with the path in the message. */
#include "output/outpath.h"
#include "sim/config/diag.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

static int group_setup(void **state)
{
    return tmpdir_group_setup(state, "fundsim-outpath");
}

/* outpath_check of `name` in the scratch folder is refused with a message
 * holding `want`. */
static void refused(const struct tmpdir_fixture *f, const char *name, const char *want)
{
    char path[256];
    struct diag dg = {0};
    tmpdir_path(path, sizeof path, f, name);
    assert_int_equal(outpath_check(path, &dg), -1);
    if (!strstr(diag_last_text(&dg), want) || !strstr(diag_last_text(&dg), path))
        fail_msg("%s: %s", path, diag_last_text(&dg));
    diag_free(&dg);
}

static void make_file(const char *path)
{
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fclose(out);
}

static void what_passes(void **state)
{
    const struct tmpdir_fixture *f = *state;
    char path[256];
    struct diag dg = {0};
    tmpdir_path(path, sizeof path, f, "new.h5");
    assert_int_equal(outpath_check(path, &dg), 0);
    assert_int_equal(outpath_replaceable(path, &dg), 0);
    tmpdir_path(path, sizeof path, f, "regular.h5");
    make_file(path);
    assert_int_equal(outpath_check(path, &dg), 0);
    assert_int_equal(outpath_replaceable(path, &dg), 0);
    assert_int_equal(outpath_check("a-name-in-the-current-folder.h5", &dg), 0);
    assert_int_equal(outpath_check("/a-name-at-the-root.h5", &dg), 0);
    diag_free(&dg);
}

static void names_and_folders(void **state)
{
    const struct tmpdir_fixture *f = *state;
    char path[256];
    struct diag dg = {0};
    assert_int_equal(outpath_check("", &dg), -1);
    assert_non_null(strstr(diag_last_text(&dg), "the output's name is empty"));
    refused(f, "", "ends with '/'");
    refused(f, ".", "is a folder");
    refused(f, "no-such-folder/run.h5", "the folder");
    tmpdir_path(path, sizeof path, f, "a-file");
    make_file(path);
    refused(f, "a-file/run.h5", "is not a folder");
    diag_free(&dg);
}

static void what_is_not_a_regular_file(void **state)
{
    const struct tmpdir_fixture *f = *state;
    char path[256], target[256];
    struct diag dg = {0};
    tmpdir_path(path, sizeof path, f, "fifo");
    assert_int_equal(mkfifo(path, 0600), 0);
    refused(f, "fifo", "is a FIFO (named pipe)");
    assert_int_equal(outpath_replaceable(path, &dg), -1);
    assert_non_null(strstr(diag_last_text(&dg), "is now a FIFO (named pipe), not a regular file"));

    struct sockaddr_un a = {.sun_family = AF_UNIX};
    tmpdir_path(a.sun_path, sizeof a.sun_path, f, "socket");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(s >= 0);
    assert_int_equal(bind(s, (const struct sockaddr *)&a, sizeof a), 0);
    close(s);
    refused(f, "socket", "is a socket");

    tmpdir_path(target, sizeof target, f, "target.h5");
    make_file(target);
    tmpdir_path(path, sizeof path, f, "link.h5");
    assert_int_equal(symlink(target, path), 0);
    refused(f, "link.h5", "is a symbolic link");
    assert_int_equal(outpath_replaceable(path, &dg), -1);
    assert_non_null(strstr(diag_last_text(&dg), "is now a symbolic link"));
    tmpdir_path(path, sizeof path, f, "dangling.h5");
    assert_int_equal(symlink("nothing-here", path), 0);
    refused(f, "dangling.h5", "is a symbolic link");

    /* only looked at (lstat), never opened */
    assert_int_equal(outpath_check("/dev/null", &dg), -1);
    assert_non_null(strstr(diag_last_text(&dg), "/dev/null is a character device"));
    assert_int_equal(outpath_replaceable("/dev/null", &dg), -1);
    assert_int_equal(outpath_replaceable("/", &dg), -1);
    assert_non_null(strstr(diag_last_text(&dg), "/ is now a folder"));
    diag_free(&dg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(what_passes),
        cmocka_unit_test(names_and_folders),
        cmocka_unit_test(what_is_not_a_regular_file),
    };
    return cmocka_run_group_tests(tests, group_setup, tmpdir_group_teardown);
}
