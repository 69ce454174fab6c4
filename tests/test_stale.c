/* test_stale.c: removing the temporary files of killed runs
 * (output/stale.c). A scratch folder holds out.h5 and temporary files named
 * after processes that are gone, alive, or not processes at all, and files of
 * another output: only out.h5's temporary files of gone processes go. */
#include "output/stale.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

static void touch(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
}

static int exists(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* The pid of a child that has exited and been reaped: no process has it
 * (until the system hands it out again, which takes a full turn of pids). */
static pid_t gone_pid(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) _exit(0);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    return pid;
}

static void only_stale_files_of_the_output_go(void **state)
{
    (void)state;
    char dir[64], out[128], name[128];
    assert_int_equal(tmpdir_make(dir, sizeof dir, "fundsim-stale"), 0);
    pid_t gone = gone_pid(), gone2 = gone_pid();
    touch(dir, "out.h5");
    snprintf(name, sizeof name, "out.h5.tmp-%ld", (long)gone);
    touch(dir, name); /* stale */
    snprintf(name, sizeof name, "out.h5.tmp-%ld", (long)gone2);
    touch(dir, name); /* stale */
    snprintf(name, sizeof name, "out.h5.tmp-%ld", (long)getppid());
    touch(dir, name); /* alive: the test's parent */
    snprintf(name, sizeof name, "out.h5.tmp-%ld", (long)getpid());
    touch(dir, name); /* this process's own */
    snprintf(name, sizeof name, "other.h5.tmp-%ld", (long)gone);
    touch(dir, name); /* another output's */
    snprintf(name, sizeof name, "out.h5.tmp-%ldx", (long)gone);
    touch(dir, name); /* not a pid */
    touch(dir, "out.h5.tmp-");
    touch(dir, "out.h5.tmp-0");
    snprintf(out, sizeof out, "%s/out.h5", dir);

    assert_int_equal(stale_remove(out), 2);
    snprintf(name, sizeof name, "out.h5.tmp-%ld", (long)gone);
    assert_false(exists(dir, name));
    snprintf(name, sizeof name, "out.h5.tmp-%ld", (long)gone2);
    assert_false(exists(dir, name));
    assert_true(exists(dir, "out.h5"));
    assert_int_equal(tmpdir_count_other(dir, NULL), 7);
    assert_int_equal(stale_remove(out), 0); /* nothing more */
    tmpdir_remove(dir);
}

/* A name without a folder is in the current one; a folder that cannot be
 * listed is -1. */
static void folders(void **state)
{
    (void)state;
    char dir[64], cwd[512], name[64];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(tmpdir_make(dir, sizeof dir, "fundsim-stale"), 0);
    snprintf(name, sizeof name, "run.h5.tmp-%ld", (long)gone_pid());
    touch(dir, name);
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(stale_remove("run.h5"), 1);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(tmpdir_count_other(dir, NULL), 0);
    tmpdir_remove(dir);
    assert_int_equal(stale_remove("/nonexistent-fundsim-folder/run.h5"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_stale_files_of_the_output_go),
        cmocka_unit_test(folders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
