/* stale.c: removing the temporary files of killed runs (stale.h). */
#include "output/stale.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether `name` is `base`.tmp-<pid> of a process that is gone. */
static int is_stale(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp-", 5) != 0) return 0;
    const char *digits = name + n + 5;
    if (!*digits || digits[strspn(digits, "0123456789")] || strlen(digits) > 9) return 0;
    long pid = strtol(digits, NULL, 10);
    /* EPERM: alive, another user's */
    return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

char *stale_folder(const char *out_path)
{
    const char *slash = strrchr(out_path, '/');
    if (!slash) return strdup(".");
    return strndup(out_path, slash == out_path ? 1 : (size_t)(slash - out_path));
}

int stale_remove(const char *out_path)
{
    const char *slash = strrchr(out_path, '/');
    const char *base = slash ? slash + 1 : out_path;
    char *dir = stale_folder(out_path);
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) {
        free(dir);
        return -1;
    }
    int removed = 0;
    for (struct dirent *e; (e = readdir(d));) {
        char path[PATH_MAX];
        if (is_stale(e->d_name, base) &&
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path &&
            unlink(path) == 0)
            removed++;
    }
    closedir(d);
    free(dir);
    return removed;
}
