/* sens_ckpt.c: the checkpoint folder of `fundsim sensitivity` (sens_ckpt.h).
 * Every file is reached through the folder's descriptor, never through a
 * link; a record is written whole under a .tmp name, synced, then renamed. */
#include "output/sens_ckpt.h"

#include "output/crc32c.h"
#include "sim/config/diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARK "fundsim sensitivity checkpoint 1\n"
#define MAGIC "FSSENS01"
#define HEAD (8 + 2 * sizeof(uint64_t))

struct sens_ckpt {
    char *path; /* OUT.sens-ckpt */
    int dir;    /* the folder */
    int id;     /* its id file, flocked */
    size_t count;
};

static void name_of(size_t k, char *buf, size_t size, bool tmp)
{
    snprintf(buf, size, "run-%04zu%s", k, tmp ? ".tmp" : "");
}

/* The whole of file `name` in the folder, NUL-terminated (malloc); NULL when
 * it is not a regular file that can be read. */
static char *slurp(int dir, const char *name, size_t *size)
{
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0) return NULL;
    char *text = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (text = malloc((size_t)st.st_size + 1))) {
        ssize_t got = read(fd, text, (size_t)st.st_size);
        if (got != st.st_size) {
            free(text);
            text = NULL;
        } else {
            text[got] = 0;
            *size = (size_t)got;
        }
    }
    close(fd);
    return text;
}

/* Writes `n` bytes as file `name`, through name.tmp, synced and renamed. */
static int put_file(int dir, const char *name, const void *data, size_t n)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", name);
    int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    const char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        p += w, left -= (size_t)w;
    }
    int rc = left || fsync(fd) ? -1 : 0;
    if (close(fd) != 0) rc = -1;
    if (!rc) rc = renameat(dir, tmp, dir, name) || fsync(dir) ? -1 : 0;
    if (rc) unlinkat(dir, tmp, 0);
    return rc;
}

/* Whether `name` is a file that fundsim writes in the folder. */
static bool ours(const char *name)
{
    size_t k;
    char rest[8];
    if (!strcmp(name, "id") || !strcmp(name, "id.tmp")) return true;
    int got = sscanf(name, "run-%4zu%7s", &k, rest);
    return strlen(name) >= 8 && (got == 1 || (got == 2 && !strcmp(rest, ".tmp")));
}

/* The runs in the folder; -1 when it holds a file that is not fundsim's. */
static long count_runs(int dir, char *stranger, size_t size)
{
    int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dp) {
        if (fd >= 0) close(fd);
        snprintf(stranger, size, "(unreadable)");
        return -1;
    }
    long n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (!ours(e->d_name)) {
            snprintf(stranger, size, "%s", e->d_name);
            n = -1;
            break;
        }
        if (!strncmp(e->d_name, "run-", 4) && !strstr(e->d_name, ".tmp")) n++;
    }
    closedir(dp);
    return n;
}

/* The first line where the texts differ, into buf. */
static void first_difference(const char *a, const char *b, char *buf, size_t size)
{
    int line = 1;
    const char *la = a, *lb = b;
    while (*a && *a == *b) {
        if (*a == '\n') line++, la = a + 1, lb = b + 1;
        a++, b++;
    }
    int na = (int)strcspn(la, "\n"), nb = (int)strcspn(lb, "\n");
    snprintf(buf, size, "line %d: \"%.*s\" there, \"%.*s\" now", line, na > 60 ? 60 : na, la,
             nb > 60 ? 60 : nb, lb);
}

void sens_ckpt_close(struct sens_ckpt *c)
{
    if (!c) return;
    if (c->id >= 0) close(c->id); /* releases the flock */
    if (c->dir >= 0) close(c->dir);
    free(c->path);
    free(c);
}

/* Opens (resume) or makes the folder; refuses a link or a file there. */
static int open_folder(struct sens_ckpt *c, bool resume, struct diag *d)
{
    struct stat st;
    bool there = lstat(c->path, &st) == 0;
    if (there && !S_ISDIR(st.st_mode)) {
        diag_refuse(d, "%s is not a folder (a checkpoint of fundsim sensitivity is): left as it is",
                    c->path);
        return -1;
    }
    if (!there && resume) {
        diag_refuse(d, "--resume: there is no checkpoint %s to finish", c->path);
        return -1;
    }
    if (!there && mkdir(c->path, 0755) != 0) {
        diag_fail(d, "cannot make the checkpoint folder %s: %s", c->path, strerror(errno));
        return -1;
    }
    c->dir = open(c->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (c->dir < 0) {
        diag_fail(d, "cannot open the checkpoint folder %s: %s", c->path, strerror(errno));
        return -1;
    }
    return 0;
}

struct sens_ckpt *sens_ckpt_open(const char *out_path, const char *identity,
                                 enum sens_ckpt_mode mode, struct diag *d)
{
    bool resume = mode != SENS_CKPT_NEW;
    struct sens_ckpt *c = calloc(1, sizeof *c);
    size_t n = strlen(out_path) + sizeof ".sens-ckpt";
    if (!c || !(c->path = malloc(n))) {
        free(c);
        diag_fail(d, "out of memory");
        return NULL;
    }
    snprintf(c->path, n, "%s.sens-ckpt", out_path);
    c->dir = c->id = -1;
    size_t size = 0;
    char *there = NULL, stranger[256];
    if (open_folder(c, resume, d) != 0) goto fail;
    long runs = count_runs(c->dir, stranger, sizeof stranger);
    there = slurp(c->dir, "id", &size);
    bool marked = there && !strncmp(there, MARK, strlen(MARK));
    if (runs < 0 || (!marked && (resume || runs > 0))) {
        diag_refuse(d, "%s is not a checkpoint of fundsim sensitivity (%s): left as it is", c->path,
                    runs < 0 ? stranger : "no marked id");
        goto fail;
    }
    if (!resume && runs > 0) {
        diag_refuse(d,
                    "%s holds %ld finished runs of an earlier analysis: add --resume %s to "
                    "finish it, or remove %s to start over",
                    c->path, runs, out_path, c->path);
        goto fail;
    }
    if (resume && strcmp(there + strlen(MARK), identity) != 0) {
        char what[200];
        first_difference(there + strlen(MARK), identity, what, sizeof what);
        diag_refuse(d,
                    "--resume: %s is of another analysis (other scenario, settings, options or "
                    "fundsim version); %s",
                    c->path, what);
        goto fail;
    }
    if (!resume) {
        size_t nm = strlen(MARK), ni = strlen(identity);
        char *text = malloc(nm + ni);
        int rc = text ? 0 : -1;
        if (text) {
            memcpy(text, MARK, nm), memcpy(text + nm, identity, ni);
            rc = put_file(c->dir, "id", text, nm + ni);
            free(text);
        }
        if (rc) {
            diag_fail(d, "cannot write %s/id: %s", c->path, strerror(errno));
            goto fail;
        }
    }
    c->id = openat(c->dir, "id", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (c->id < 0 ||
        (mode != SENS_CKPT_ATTACH && flock(c->id, LOCK_EX | LOCK_NB) != 0 && errno != ENOLCK)) {
        diag_refuse(d, "%s is in use by another fundsim sensitivity", c->path);
        goto fail;
    }
    c->count = (size_t)runs;
    free(there);
    return c;
fail:
    free(there);
    sens_ckpt_close(c);
    return NULL;
}

int sens_ckpt_load(const struct sens_ckpt *c, size_t k, double *v, size_t n, struct diag *d)
{
    char name[32];
    name_of(k, name, sizeof name, false);
    size_t size = 0;
    char *b = slurp(c->dir, name, &size);
    if (!b) {
        if (errno == ENOENT) return 0;
        diag_fail(d, "cannot read %s/%s: %s", c->path, name, strerror(errno));
        return -1;
    }
    uint64_t head[2];
    uint32_t crc = 0;
    const char *what = NULL;
    if (size != HEAD + n * sizeof *v + sizeof crc)
        what = "a wrong size";
    else {
        memcpy(head, b + 8, sizeof head);
        memcpy(&crc, b + size - sizeof crc, sizeof crc);
        if (memcmp(b, MAGIC, 8) != 0)
            what = "not a record of this fundsim";
        else if (head[0] != k || head[1] != n)
            what = "another run's record";
        else if (crc32c(0, b, size - sizeof crc) != crc)
            what = "a wrong checksum";
        else
            memcpy(v, b + HEAD, n * sizeof *v);
    }
    free(b);
    if (what) {
        diag_refuse(d,
                    "--resume: %s/%s is damaged (%s): remove it to compute that run again, or "
                    "remove %s to start over",
                    c->path, name, what, c->path);
        return -1;
    }
    return 1;
}

int sens_ckpt_save(struct sens_ckpt *c, size_t k, const double *v, size_t n, struct diag *d)
{
    size_t size = HEAD + n * sizeof *v + sizeof(uint32_t);
    char *b = malloc(size), name[32];
    if (!b) {
        diag_fail(d, "out of memory");
        return -1;
    }
    uint64_t head[2] = {k, n};
    memcpy(b, MAGIC, 8);
    memcpy(b + 8, head, sizeof head);
    memcpy(b + HEAD, v, n * sizeof *v);
    uint32_t crc = crc32c(0, b, size - sizeof crc);
    memcpy(b + size - sizeof crc, &crc, sizeof crc);
    name_of(k, name, sizeof name, false);
    int rc = put_file(c->dir, name, b, size);
    free(b);
    if (rc) {
        diag_fail(d, "cannot write %s/%s: %s", c->path, name, strerror(errno));
        return -1;
    }
    c->count++;
    return 0;
}

const char *sens_ckpt_path(const struct sens_ckpt *c)
{
    return c->path;
}

size_t sens_ckpt_count(const struct sens_ckpt *c)
{
    return c->count;
}

int sens_ckpt_remove(struct sens_ckpt *c, struct diag *d)
{
    int fd = openat(c->dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
    int rc = dp ? 0 : -1;
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        if (strcmp(e->d_name, "id") && ours(e->d_name) && unlinkat(c->dir, e->d_name, 0) != 0)
            rc = -1;
    if (dp)
        closedir(dp);
    else if (fd >= 0)
        close(fd);
    if (!rc) rc = unlinkat(c->dir, "id", 0) || rmdir(c->path) ? -1 : 0;
    if (rc) diag_fail(d, "cannot remove the checkpoint %s: %s", c->path, strerror(errno));
    sens_ckpt_close(c);
    return rc;
}
