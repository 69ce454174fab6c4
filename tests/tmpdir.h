/* tmpdir.h: a test's scratch folder under /tmp: made empty, listed, removed
 * with its files (no subfolders); and as a cmocka group fixture. */
#ifndef FUNDSIM_TESTS_TMPDIR_H
#define FUNDSIM_TESTS_TMPDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* `dir` receives "/tmp/<name>-XXXXXX" made unique; returns 0 or -1. */
static inline int tmpdir_make(char *dir, size_t n, const char *name)
{
    snprintf(dir, n, "/tmp/%s-XXXXXX", name);
    return mkdtemp(dir) ? 0 : -1;
}

/* The files in `dir` apart from `keep` (NULL: every file). */
static inline int tmpdir_count_other(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n +=
            strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (!keep || strcmp(e->d_name, keep));
    if (d) closedir(d);
    return n;
}

static inline void tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlink(p);
    }
    if (d) closedir(d);
    rmdir(dir);
}

/* A cmocka group's scratch folder: tmpdir_group_setup makes it (*state points
 * at the fixture), tmpdir_group_teardown removes it. */
struct tmpdir_fixture {
    char dir[64];
};

static inline int tmpdir_group_setup(void **state, const char *name)
{
    static struct tmpdir_fixture f;
    if (tmpdir_make(f.dir, sizeof f.dir, name) != 0) return -1;
    *state = &f;
    return 0;
}

/* out receives "<the fixture's folder>/<name>". */
static inline void tmpdir_path(char *out, size_t n, const struct tmpdir_fixture *f,
                               const char *name)
{
    snprintf(out, n, "%s/%s", f->dir, name);
}

static inline int tmpdir_group_teardown(void **state)
{
    struct tmpdir_fixture *f = *state;
    tmpdir_remove(f->dir);
    return 0;
}

#endif
