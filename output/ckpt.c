/* ckpt.c: the checkpoint of a run (ckpt.h): a folder of block files, the
 * run's identity as text, and a lock. `struct ckpt` holds the folder's name
 * and descriptor, the identity, the lock's descriptor, which blocks were there
 * at open, and which were found damaged then.
 *
 * Every file is reached through the folder's descriptor (openat, unlinkat,
 * renameat), opened with O_NOFOLLOW: once fundsim has checked that the folder
 * is its own, a link or another folder put in its place cannot redirect a
 * write or a removal. */
#include "output/ckpt.h"

#include "output/crc32c.h"
#include "sim/config/diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The block format: 1 had no checksum, 2 ends with the CRC-32C of the rest. */
static const char block_magic[8] = {'F', 'S', 'B', 'L', 'O', 'C', 'K', '2'};
static const char old_block_magic[8] = {'F', 'S', 'B', 'L', 'O', 'C', 'K', '1'};
/* The identity file's first line: the mark of a folder fundsim made. */
static const char id_magic[] = "fundsim checkpoint 1\n";

struct ckpt {
    char *dir;
    int dfd;  /* the folder, opened without following a link */
    int lock; /* -1: not held (an attached rank) */
    struct ckpt_id id;
    size_t first_block, n_blocks; /* the run's blocks */
    unsigned char *done;          /* [n_blocks]: finished at open */
    size_t n_done;
    size_t n_files;   /* block files at open, of this run or not */
    size_t n_damaged; /* found damaged at open (RESUME) and removed */
    char damaged[512];
};

struct block_header {
    char magic[8];
    uint64_t first_path, n_paths, years, regions, arms, vars, nvars;
};

static char *joined(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", a, b);
    return s;
}

/* Block b's file name in the folder (as file_kind reads it back). */
static void block_name(size_t b, const char *suffix, char *out, size_t n)
{
    snprintf(out, n, "block-%08zu%s", b, suffix);
}

/* Block b's paths: [first, first + n) within the run's slice. */
static void block_span(const struct ckpt *c, size_t b, size_t *first, size_t *n)
{
    struct record_span s = record_block_span(b, c->id.paths_from, c->id.paths_to);
    *first = s.first, *n = s.n;
}

uint64_t ckpt_block_bytes(size_t paths, size_t years, size_t regions, size_t arms)
{
    return sizeof(struct block_header) +
           (uint64_t)arms * paths * years * (regions * N_VARS + N_NVARS) * sizeof(double) +
           sizeof(uint32_t);
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        s += w, n -= (size_t)w;
    }
    return 0;
}

/* Reads exactly n bytes; -1 with errno (0 at an early end of the file). */
static int read_all(int fd, void *p, size_t n)
{
    char *s = p;
    while (n > 0) {
        ssize_t r = read(fd, s, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r == 0) errno = 0;
            return -1;
        }
        s += r, n -= (size_t)r;
    }
    return 0;
}

/* --- what fundsim writes in the folder ----------------------------------------- */

/* The files fundsim writes in a checkpoint; anything else is not its own. */
enum file_kind { FILE_FOREIGN, FILE_RUN, FILE_RUN_TMP, FILE_LOCK, FILE_BLOCK, FILE_BLOCK_TMP };

/* What `name` is, by the names fundsim gives (block_name); *b: a block's number. */
static enum file_kind file_kind(const char *name, size_t *b)
{
    if (strcmp(name, "run") == 0) return FILE_RUN;
    if (strcmp(name, "run.tmp") == 0) return FILE_RUN_TMP;
    if (strcmp(name, "lock") == 0) return FILE_LOCK;
    if (strncmp(name, "block-", 6) != 0) return FILE_FOREIGN;
    const char *digits = name + 6, *rest = digits + strspn(digits, "0123456789");
    size_t n = (size_t)(rest - digits);
    /* %08zu: eight digits at least, no zero before more */
    if (n < 8 || n > 19 || (n > 8 && digits[0] == '0')) return FILE_FOREIGN;
    if (*rest && strcmp(rest, ".tmp") != 0) return FILE_FOREIGN;
    *b = (size_t)strtoull(digits, NULL, 10);
    return *rest ? FILE_BLOCK_TMP : FILE_BLOCK;
}

/* Opens the folder `path` itself: a symbolic link fails (ELOOP), as does
 * anything but a folder (ENOTDIR). */
static int open_folder(const char *path)
{
    return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The folder's entries, from the start, by its descriptor. */
static DIR *list_folder(int dfd)
{
    int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (fd >= 0 && !d) close(fd);
    return d;
}

static bool is_dot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static const char leave_it[] = "fundsim leaves it as it is: remove it yourself, or give the run "
                               "another output";

/* Why `path`, which open_folder could not open (errno `e`), is not a folder to
 * use: a link, not a folder, or the system's reason after `what`. */
static void say_not_folder(const char *path, int e, const char *what, struct diag *d)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        diag_fail(d,
                  "%s is a symbolic link (fundsim writes its checkpoint only into a folder it "
                  "made); %s",
                  path, leave_it);
    else if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
        diag_fail(d, "%s is not a folder (a checkpoint is a folder fundsim makes); %s", path,
                  leave_it);
    else
        diag_fail(d, "%s %s: %s", what, path, strerror(e));
}

/* Whether the folder at `dfd` (named `path`) is a checkpoint fundsim made: it
 * holds only regular files named as fundsim names its own, among them the
 * identity `run`, whose first line is id_magic. Returns 0, or -1 with `d`
 * (the folder left untouched). */
static int check_own(int dfd, const char *path, struct diag *d)
{
    DIR *dir = list_folder(dfd);
    if (!dir) {
        diag_fail(d, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (struct dirent *e; !rc && (e = readdir(dir));) {
        size_t b;
        struct stat st;
        if (is_dot(e->d_name)) continue;
        if (file_kind(e->d_name, &b) == FILE_FOREIGN ||
            fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
            diag_fail(d, "%s holds \"%.200s\", which fundsim did not write; %s", path, e->d_name,
                      leave_it);
            rc = -1;
        }
    }
    closedir(dir);
    if (rc) return -1;
    /* O_NONBLOCK: a FIFO put there meanwhile does not hang the run */
    char head[sizeof id_magic - 1];
    int fd = openat(dfd, "run", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        read_all(fd, head, sizeof head) != 0 || memcmp(head, id_magic, sizeof head) != 0) {
        diag_fail(d,
                  "%s is not a checkpoint fundsim made (it has no file \"run\" beginning "
                  "\"fundsim checkpoint\"); %s",
                  path, leave_it);
        rc = -1;
    }
    if (fd >= 0) close(fd);
    return rc;
}

/* Removes fundsim's own files from the folder at `dfd`, the identity `run`
 * last (so that a kill meanwhile leaves a folder still marked as fundsim's),
 * and, unless `all`, neither `run` nor `lock`. Anything else stays. Returns 0
 * or -1 with errno. */
static int remove_own(int dfd, bool all)
{
    DIR *d = list_folder(dfd);
    if (!d) return -1;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t b;
        enum file_kind k = file_kind(e->d_name, &b);
        if (is_dot(e->d_name) || k == FILE_FOREIGN || k == FILE_RUN || (!all && k == FILE_LOCK))
            continue;
        if (unlinkat(dfd, e->d_name, 0) != 0 && errno != ENOENT) rc = -1;
    }
    int saved = errno;
    closedir(d);
    if (!rc && all && unlinkat(dfd, "run", 0) != 0 && errno != ENOENT) rc = -1, saved = errno;
    errno = saved;
    return rc;
}

/* Removes the folder `path` once emptied, if it is still the folder at `dfd`
 * (not another put in its place). Returns 0 or -1 with errno. */
static int remove_empty(const char *path, int dfd)
{
    struct stat mine, now;
    if (fstat(dfd, &mine) != 0 || lstat(path, &now) != 0) return -1;
    if (now.st_dev != mine.st_dev || now.st_ino != mine.st_ino) {
        errno = ENOENT;
        return -1;
    }
    return rmdir(path);
}

/* Whether the folder at `dfd` holds nothing (false when it cannot be read). */
static bool is_empty(int dfd)
{
    DIR *dir = list_folder(dfd);
    if (!dir) return false;
    bool empty = true;
    for (struct dirent *e; empty && (e = readdir(dir));)
        empty = is_dot(e->d_name);
    closedir(dir);
    return empty;
}

/* Removes `path` (OUT.ckpt.removed: a run killed while removing its
 * checkpoint left it) when it is a checkpoint fundsim made or empty; refuses
 * anything else there. Returns 0 (removed, or none), or -1 with `d`. */
static int remove_leftover(const char *path, struct diag *d)
{
    int dfd = open_folder(path), e = errno;
    struct stat st;
    /* nothing there (or nothing to see: opening the checkpoint says why) */
    if (dfd < 0 && lstat(path, &st) != 0) return 0;
    if (dfd < 0) {
        say_not_folder(path, e, "cannot open", d);
        return -1;
    }
    /* Empty: killed between removing `run` (the last file) and the folder; an
     * empty folder holds nothing to lose. */
    int rc = is_empty(dfd) ? 0 : check_own(dfd, path, d);
    if (!rc && (remove_own(dfd, true) || remove_empty(path, dfd))) {
        diag_fail(d, "cannot remove %s: %s", path, strerror(errno));
        rc = -1;
    }
    close(dfd);
    return rc;
}

/* Writes `n` bytes to the folder's `name` through a temporary file, synced,
 * then renamed. */
static int write_file(int dfd, const char *name, const void *data, size_t n)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", name);
    /* O_EXCL: a file under that name (a leftover, or a link put there) is
     * removed, never written through */
    if (unlinkat(dfd, tmp, 0) != 0 && errno != ENOENT) return -1;
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    int rc = write_all(fd, data, n) || fsync(fd) ? -1 : 0;
    int saved = errno;
    if (close(fd) != 0 && !rc) rc = -1, saved = errno;
    if (!rc && renameat(dfd, tmp, dfd, name) != 0) rc = -1, saved = errno;
    if (rc) unlinkat(dfd, tmp, 0);
    errno = saved;
    return rc;
}

/* The whole of the folder's `name` (a regular file), NUL-terminated. */
static char *read_file(int dfd, const char *name, size_t *n)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return NULL;
    char *s = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = 2 * cap + 8192;
            char *t = realloc(s, cap);
            if (!t) {
                free(s);
                s = NULL;
                break;
            }
            s = t;
        }
        ssize_t got = read(fd, s + len, cap - len - 1);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            free(s);
            s = NULL;
        }
        if (got <= 0) break;
        len += (size_t)got;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    if (s) s[len] = '\0';
    *n = len;
    return s;
}

/* --- the identity file ------------------------------------------------------ */

static char *id_text(const struct ckpt_id *id, size_t *n)
{
    const char *v = id->variants_text ? id->variants_text : "";
    size_t cap = strlen(id->scenario_text) + strlen(v) + strlen(id->version) + 512;
    char *s = malloc(cap);
    if (!s) return NULL;
    int k = snprintf(s, cap,
                     "%sversion %s\nseed %lld\npaths %zu\npaths_from %zu\n"
                     "paths_to %zu\nyears %zu\nregions %zu\narms %zu\nsummary_only %d\n"
                     "scenario %zu\n%s\nvariants %zu\n%s\n",
                     id_magic, id->version, id->seed, id->paths, id->paths_from, id->paths_to,
                     id->years, id->regions, id->arms, id->summary_only ? 1 : 0,
                     strlen(id->scenario_text), id->scenario_text, strlen(v), v);
    *n = (size_t)k;
    return s;
}

/* One "key value" line; returns the value's start and moves *p past the line. */
static const char *field(const char **p, const char *key)
{
    size_t k = strlen(key);
    if (strncmp(*p, key, k) != 0 || (*p)[k] != ' ') return NULL;
    const char *v = *p + k + 1;
    const char *nl = strchr(v, '\n');
    if (!nl) return NULL;
    *p = nl + 1;
    return v;
}

/* A text field: its length on one line, then the text and a newline. */
static const char *text_field(const char **p, const char *end, const char *key, size_t *n)
{
    const char *v = field(p, key);
    if (!v) return NULL;
    *n = strtoull(v, NULL, 10);
    if ((size_t)(end - *p) < *n + 1) return NULL;
    const char *t = *p;
    *p += *n + 1;
    return t;
}

/* The first line of `b` that differs from `a`'s. */
static void first_diff_line(const char *a, const char *b, char *line, size_t n_line)
{
    const char *start = b;
    for (; *a && *a == *b; a++, b++)
        if (*b == '\n') start = b + 1;
    size_t len = strcspn(start, "\n");
    snprintf(line, n_line, "%.*s", (int)(len > 120 ? 120 : len), start);
}

/* Compares the stored identity with `id`; says what differs. Returns 0 or -1. */
static int check_id(const char *path, const char *stored, size_t n, const struct ckpt_id *id,
                    struct diag *d)
{
    const char *p = stored, *end = stored + n, *v;
    char version[128] = "";
    if (strncmp(p, id_magic, sizeof id_magic - 1) == 0) p += sizeof id_magic - 1;
    if (p == stored || !(v = field(&p, "version"))) {
        diag_fail(d, "%s: not a fundsim checkpoint", path);
        return -1;
    }
    snprintf(version, sizeof version, "%.*s", (int)strcspn(v, "\n"), v);
    if (strcmp(version, id->version) != 0) {
        diag_fail(d,
                  "cannot resume: the checkpoint was made by fundsim %s, and this is fundsim %s "
                  "(results could differ); remove %s to start over",
                  version, id->version, path);
        return -1;
    }
    const char *keys[] = {"seed",  "paths",   "paths_from", "paths_to",
                          "years", "regions", "arms",       "summary_only"};
    long long got[8];
    for (int k = 0; k < 8; k++) {
        if (!(v = field(&p, keys[k]))) {
            diag_fail(d, "%s: a damaged checkpoint (no %s)", path, keys[k]);
            return -1;
        }
        got[k] = strtoll(v, NULL, 10);
    }
    const long long want[8] = {id->seed,
                               (long long)id->paths,
                               (long long)id->paths_from,
                               (long long)id->paths_to,
                               (long long)id->years,
                               (long long)id->regions,
                               (long long)id->arms,
                               id->summary_only};
    static const char *const what[8] = {"the seed",
                                        "the number of paths",
                                        "the slice's first path",
                                        "the slice's end",
                                        "the number of years",
                                        "the number of regions",
                                        "the scenarios run (base, variants, independent twins)",
                                        "--summary-only (1: given)"};
    for (int k = 0; k < 8; k++)
        if (got[k] != want[k]) {
            diag_fail(d, "cannot resume: %s differs: %lld in the checkpoint %s, %lld now", what[k],
                      got[k], path, want[k]);
            return -1;
        }
    size_t n_s, n_v;
    const char *s = text_field(&p, end, "scenario", &n_s);
    const char *vt = s ? text_field(&p, end, "variants", &n_v) : NULL;
    if (!s || !vt) {
        diag_fail(d, "%s: a damaged checkpoint (its scenario text)", path);
        return -1;
    }
    const char *want_v = id->variants_text ? id->variants_text : "";
    char line[160] = "";
    if (n_s != strlen(id->scenario_text) || memcmp(s, id->scenario_text, n_s) != 0) {
        char *copy = strndup(s, n_s);
        if (copy) first_diff_line(copy, id->scenario_text, line, sizeof line);
        free(copy);
        diag_fail(d,
                  "cannot resume: the scenario differs from the checkpoint's (%s), first in the "
                  "line \"%s\" of `fundsim show`",
                  path, line);
        return -1;
    }
    if (n_v != strlen(want_v) || memcmp(vt, want_v, n_v) != 0) {
        diag_fail(d, "cannot resume: the policy variants differ from the checkpoint's (%s)", path);
        return -1;
    }
    return 0;
}
/* --- blocks ------------------------------------------------------------------- */

static size_t arm_values(const struct record_block *a)
{
    return a->n_paths * a->years * a->regions * N_VARS;
}

static size_t arm_national(const struct record_block *a)
{
    return a->n_paths * a->years * N_NVARS;
}

int ckpt_save(struct ckpt *c, size_t b, const struct record_block *const *arms, struct diag *d)
{
    char name[64], tmp[64];
    block_name(b, "", name, sizeof name);
    block_name(b, ".tmp", tmp, sizeof tmp);
    const struct record_block *a0 = arms[0];
    struct block_header h = {.first_path = a0->first_path,
                             .n_paths = a0->n_paths,
                             .years = a0->years,
                             .regions = a0->regions,
                             .arms = c->id.arms,
                             .vars = N_VARS,
                             .nvars = N_NVARS};
    memcpy(h.magic, block_magic, sizeof h.magic);
    uint32_t crc = crc32c(0, &h, sizeof h);
    /* O_EXCL: a leftover of a killed run is removed first, never written through */
    int fd = unlinkat(c->dfd, tmp, 0) != 0 && errno != ENOENT
                 ? -1
                 : openat(c->dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    int rc = fd < 0 || write_all(fd, &h, sizeof h) ? -1 : 0;
    for (size_t k = 0; k < c->id.arms && !rc; k++) {
        size_t nv = arm_values(arms[k]) * sizeof(double);
        size_t nn = arm_national(arms[k]) * sizeof(double);
        crc = crc32c(crc32c(crc, arms[k]->v, nv), arms[k]->national, nn);
        rc = write_all(fd, arms[k]->v, nv) || write_all(fd, arms[k]->national, nn) ? -1 : 0;
    }
    if (!rc) rc = write_all(fd, &crc, sizeof crc);
    /* Synced before the rename: a block file that exists is complete, even after a
     * node fails. */
    if (!rc && fsync(fd) != 0) rc = -1;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && !rc) rc = -1, saved = errno;
    if (!rc && renameat(c->dfd, tmp, c->dfd, name) != 0) rc = -1, saved = errno;
    if (rc) {
        unlinkat(c->dfd, tmp, 0);
        bool full = saved == ENOSPC || saved == EFBIG || saved == EDQUOT;
        diag_fail(d, "cannot write %s/%s: %s%s", c->dir, name, strerror(saved),
                  full ? " (the disk is full, or a limit on file size or disk quota was reached)"
                       : "");
    }
    return rc;
}

/* The values after block b's header, into `arms` when given (else through a
 * scratch buffer, only to be checked), and its checksum, from `crc` (the
 * header's). Returns 0, or -1 with `why`. */
static int read_values(int fd, const struct ckpt *c, size_t b, struct record_block *const *arms,
                       uint32_t crc, char *why, size_t n_why)
{
    size_t first, n;
    block_span(c, b, &first, &n);
    int rc = 0;
    if (arms) {
        for (size_t k = 0; k < c->id.arms && !rc; k++) {
            struct record_block *a = arms[k];
            a->first_path = first;
            a->n_paths = n;
            size_t nv = arm_values(a) * sizeof(double), nn = arm_national(a) * sizeof(double);
            rc = read_all(fd, a->v, nv) || read_all(fd, a->national, nn) ? -1 : 0;
            if (!rc) crc = crc32c(crc32c(crc, a->v, nv), a->national, nn);
        }
    } else {
        uint64_t left = ckpt_block_bytes(n, c->id.years, c->id.regions, c->id.arms) -
                        sizeof(struct block_header) - sizeof(uint32_t);
        enum { CHUNK = 1 << 20 };
        char *buf = malloc(CHUNK);
        if (!buf) {
            snprintf(why, n_why, "cannot be checked (out of memory)");
            return -1;
        }
        while (left > 0 && !rc) {
            size_t k = left < CHUNK ? (size_t)left : CHUNK;
            rc = read_all(fd, buf, k);
            crc = crc32c(crc, buf, k);
            left -= k;
        }
        free(buf);
    }
    uint32_t stored;
    if (rc || read_all(fd, &stored, sizeof stored) != 0) {
        if (errno == 0)
            snprintf(why, n_why, "truncated");
        else
            snprintf(why, n_why, "cannot be read (%s)", strerror(errno));
        return -1;
    }
    if (stored != crc) {
        snprintf(why, n_why,
                 "its checksum does not match its contents (damaged after it was written)");
        return -1;
    }
    return 0;
}

/* Opens block b's file and checks its size and header, read: returns the
 * descriptor (at the values), or -1 with `why` (what is wrong with it). */
static int open_block(const struct ckpt *c, size_t b, struct block_header *h, char *why,
                      size_t n_why)
{
    char name[64];
    block_name(b, "", name, sizeof name);
    size_t first, n;
    block_span(c, b, &first, &n);
    uint64_t want = ckpt_block_bytes(n, c->id.years, c->id.regions, c->id.arms);
    int fd = openat(c->dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, n_why, "cannot be read (%s)", strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    int rc = -1;
    if (!S_ISREG(st.st_mode))
        snprintf(why, n_why, "not a regular file");
    else if ((uint64_t)st.st_size < want)
        snprintf(why, n_why, "truncated (%lld of its %llu bytes)", (long long)st.st_size,
                 (unsigned long long)want);
    else if ((uint64_t)st.st_size > want)
        snprintf(why, n_why, "%lld bytes, not the %llu of its paths", (long long)st.st_size,
                 (unsigned long long)want);
    else if (read_all(fd, h, sizeof *h) != 0)
        snprintf(why, n_why, "cannot be read (%s)", errno ? strerror(errno) : "truncated");
    else if (memcmp(h->magic, old_block_magic, sizeof h->magic) == 0)
        snprintf(why, n_why, "of an older fundsim's format, without a checksum");
    else if (memcmp(h->magic, block_magic, sizeof h->magic) != 0)
        snprintf(why, n_why, "not a block file of fundsim's (no FSBLOCK2 at its start)");
    else if (h->first_path != first || h->n_paths != n || h->years != c->id.years ||
             h->regions != c->id.regions || h->arms != c->id.arms || h->vars != N_VARS ||
             h->nvars != N_NVARS)
        snprintf(why, n_why, "not of this run's shape (its header differs)");
    else
        rc = 0;
    if (rc) close(fd);
    return rc ? -1 : fd;
}

/* Reads block b's file, checking its size, header and checksum, into `arms`
 * when given. Returns 0, or -1 with `why` (what is wrong with it). */
static int read_block(const struct ckpt *c, size_t b, struct record_block *const *arms, char *why,
                      size_t n_why)
{
    struct block_header h;
    int fd = open_block(c, b, &h, why, n_why);
    if (fd < 0) return -1;
    int rc = read_values(fd, c, b, arms, crc32c(0, &h, sizeof h), why, n_why);
    close(fd);
    return rc;
}

/* Block b cannot be read (`why`): the run stops. Returns -1 with `d`. */
static int bad_block(const struct ckpt *c, size_t b, const char *why, struct diag *d)
{
    size_t first, n;
    block_span(c, b, &first, &n);
    diag_fail(d,
              "%s/block-%08zu (paths %zu-%zu): %s; the run stops, and the same command with "
              "--resume computes the block again",
              c->dir, b, first, first + n - 1, why);
    return -1;
}

int ckpt_load(const struct ckpt *c, size_t b, struct record_block *const *arms, struct diag *d)
{
    char why[160];
    return read_block(c, b, arms, why, sizeof why) == 0 ? 0 : bad_block(c, b, why, d);
}

int ckpt_check(const struct ckpt *c, size_t b, struct diag *d)
{
    char why[160];
    return read_block(c, b, NULL, why, sizeof why) == 0 ? 0 : bad_block(c, b, why, d);
}

/* Reads all n bytes at `offset`; -1 with errno (0 at an early end of the file). */
static int pread_all(int fd, void *p, size_t n, uint64_t offset)
{
    char *s = p;
    while (n > 0) {
        ssize_t r = pread(fd, s, n, (off_t)offset);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r == 0) errno = 0;
            return -1;
        }
        s += r, n -= (size_t)r, offset += (uint64_t)r;
    }
    return 0;
}

int ckpt_load_years(const struct ckpt *c, size_t b, size_t arm, size_t y0, size_t ny,
                    struct record_block *out, struct diag *d)
{
    size_t first, n, Y = c->id.years, R = c->id.regions;
    block_span(c, b, &first, &n);
    if (arm >= c->id.arms || ny == 0 || y0 > Y || ny > Y - y0) {
        diag_fail(d, "internal error: years %zu-%zu of arm %zu of a block", y0, y0 + ny, arm);
        return -1;
    }
    char why[160];
    struct block_header h;
    int fd = open_block(c, b, &h, why, sizeof why);
    if (fd < 0) return bad_block(c, b, why, d);
    /* arm after arm, each its values [path][year][region][var], then its
     * national values [path][year][nvar] */
    size_t row = R * N_VARS * sizeof(double), nrow = N_NVARS * sizeof(double);
    uint64_t values = sizeof h + (uint64_t)arm * n * Y * (row + nrow);
    uint64_t national = values + (uint64_t)n * Y * row;
    int rc = 0;
    for (size_t p = 0; p < n && !rc; p++)
        rc = pread_all(fd, out->v + p * ny * R * N_VARS, ny * row, values + (p * Y + y0) * row) ||
                     pread_all(fd, out->national + p * ny * N_NVARS, ny * nrow,
                               national + (p * Y + y0) * nrow)
                 ? -1
                 : 0;
    if (rc) snprintf(why, sizeof why, "cannot be read (%s)", errno ? strerror(errno) : "truncated");
    close(fd);
    if (rc) return bad_block(c, b, why, d);
    out->first_path = first, out->n_paths = n, out->years = ny, out->regions = R;
    return 0;
}

/* Notes block b, found damaged at open (`why`), for ckpt_damaged. */
static void note_damaged(struct ckpt *c, size_t b, const char *why)
{
    size_t first, n, len = strlen(c->damaged);
    block_span(c, b, &first, &n);
    if (c->n_damaged++ < 3)
        snprintf(c->damaged + len, sizeof c->damaged - len, "%sblock-%08zu (paths %zu-%zu): %s",
                 len ? "; " : "", b, first, first + n - 1, why);
}

/* --resume: every finished block of the run is read and checked; a bad one (a
 * file of fundsim's, named as its block) is removed, to be computed again.
 * Returns 0, or -1 with `d` when one cannot be removed. */
static int check_blocks(struct ckpt *c, struct diag *d)
{
    for (size_t i = 0; i < c->n_blocks; i++) {
        if (!c->done[i]) continue;
        size_t b = c->first_block + i;
        char why[160], name[64];
        if (read_block(c, b, NULL, why, sizeof why) == 0) continue;
        block_name(b, "", name, sizeof name);
        if (unlinkat(c->dfd, name, 0) != 0) {
            diag_fail(d, "cannot remove the damaged block %s/%s (%s): %s", c->dir, name, why,
                      strerror(errno));
            return -1;
        }
        c->done[i] = 0;
        c->n_done--;
        c->n_files--;
        note_damaged(c, b, why);
    }
    return 0;
}

size_t ckpt_damaged(const struct ckpt *c, char *what, size_t n_what)
{
    if (c->n_damaged > 3)
        snprintf(what, n_what, "%s; and %zu more", c->damaged, c->n_damaged - 3);
    else
        snprintf(what, n_what, "%s", c->damaged);
    return c->n_damaged;
}

/* --- the folder --------------------------------------------------------------- */

/* Marks the block files present. Returns 0 or -1 with errno. */
static int scan(struct ckpt *c)
{
    DIR *d = list_folder(c->dfd);
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d));) {
        size_t b;
        if (file_kind(e->d_name, &b) != FILE_BLOCK) continue;
        c->n_files++;
        if (b >= c->first_block && b - c->first_block < c->n_blocks &&
            !c->done[b - c->first_block]) {
            c->done[b - c->first_block] = 1;
            c->n_done++;
        }
    }
    closedir(d);
    return 0;
}

static void free_ckpt(struct ckpt *c)
{
    if (c->lock >= 0) close(c->lock); /* releases the flock */
    if (c->dfd >= 0) close(c->dfd);
    free(c->done);
    free(c->dir);
    free(c);
}

/* Takes the folder's lock. Returns 0, or -1 with `d`. */
static int take_lock(struct ckpt *c, struct diag *d)
{
    c->lock = openat(c->dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (c->lock < 0) {
        diag_fail(d, "cannot open %s/lock: %s", c->dir, strerror(errno));
        return -1;
    }
    /* ENOLCK: the file system keeps no locks (some network ones); go on without. */
    if (flock(c->lock, LOCK_EX | LOCK_NB) != 0 && errno != ENOLCK) {
        diag_fail(d,
                  "another run is writing %s (it holds the lock of %s/lock); wait for it, or give "
                  "this run another output",
                  c->dir, c->dir);
        return -1;
    }
    return 0;
}

/* Writes the new file `name` of the folder, synced. Returns 0 or -1 with errno. */
static int write_new(int dfd, const char *name, const void *data, size_t n)
{
    int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    int rc = write_all(fd, data, n) || fsync(fd) ? -1 : 0;
    int saved = errno;
    if (close(fd) != 0 && !rc) rc = -1, saved = errno;
    errno = saved;
    return rc;
}

/* A new run: makes the folder, or reuses one of fundsim's without finished
 * blocks; anything else at OUT.ckpt is refused, untouched. */
static int open_new(struct ckpt *c, struct diag *d)
{
    bool made = false;
    c->dfd = open_folder(c->dir);
    if (c->dfd < 0 && errno == ENOENT) {
        if (mkdir(c->dir, 0755) == 0)
            made = true;
        else if (errno != EEXIST) {
            diag_fail(d, "cannot make the checkpoint folder %s: %s", c->dir, strerror(errno));
            return -1;
        }
        c->dfd = open_folder(c->dir);
    }
    if (c->dfd < 0) {
        say_not_folder(c->dir, errno, "cannot make the checkpoint folder", d);
        return -1;
    }
    size_t n;
    char *text = id_text(&c->id, &n);
    if (!text) {
        diag_fail(d, "out of memory");
        return -1;
    }
    int rc = 0;
    if (made) {
        /* The identity first, straight into `run`: from its first line on, the
         * folder carries fundsim's mark. */
        if (write_new(c->dfd, "run", text, n) != 0) {
            diag_fail(d, "cannot write %s/run: %s", c->dir, strerror(errno));
            rc = -1;
        }
        rc = rc || take_lock(c, d) ? -1 : 0;
        if (rc) { /* the folder this call made goes again */
            remove_own(c->dfd, true);
            remove_empty(c->dir, c->dfd);
        }
    } else if (check_own(c->dfd, c->dir, d) || take_lock(c, d)) {
        rc = -1;
    } else if (scan(c) != 0) {
        diag_fail(d, "cannot read %s: %s", c->dir, strerror(errno));
        rc = -1;
    } else if (c->n_files > 0) {
        diag_fail(d,
                  "%s holds %zu finished block%s of paths of an interrupted run: add --resume "
                  "to the command to finish it, or remove %s to start over",
                  c->dir, c->n_files, c->n_files == 1 ? "" : "s", c->dir);
        rc = -1;
    } else if (remove_own(c->dfd, false) != 0 || write_file(c->dfd, "run", text, n) != 0) {
        diag_fail(d, "cannot write %s/run: %s", c->dir, strerror(errno));
        rc = -1;
    }
    free(text);
    return rc;
}

static int open_resume(struct ckpt *c, const char *out_path, struct diag *d)
{
    c->dfd = open_folder(c->dir);
    if (c->dfd < 0 && errno == ENOENT) {
        if (access(out_path, F_OK) == 0)
            diag_fail(d, "nothing to resume: %s is complete (there is no %s)", out_path, c->dir);
        else
            diag_fail(d, "nothing to resume: there is no checkpoint %s", c->dir);
        return -1;
    }
    if (c->dfd < 0) {
        say_not_folder(c->dir, errno, "cannot open the checkpoint folder", d);
        return -1;
    }
    if (check_own(c->dfd, c->dir, d) || take_lock(c, d)) return -1;
    size_t n;
    char *stored = read_file(c->dfd, "run", &n);
    if (!stored) {
        diag_fail(d, "cannot read %s/run: %s", c->dir, strerror(errno));
        return -1;
    }
    int rc = check_id(c->dir, stored, n, &c->id, d);
    free(stored);
    if (!rc && scan(c)) {
        diag_fail(d, "cannot read %s: %s", c->dir, strerror(errno));
        rc = -1;
    }
    return rc || check_blocks(c, d) ? -1 : 0;
}

/* Another rank of the run: the folder the first rank opened. */
static int open_attach(struct ckpt *c, struct diag *d)
{
    c->dfd = open_folder(c->dir);
    if (c->dfd < 0) {
        say_not_folder(c->dir, errno, "cannot open the checkpoint folder", d);
        return -1;
    }
    if (scan(c) != 0) {
        diag_fail(d, "cannot read %s: %s", c->dir, strerror(errno));
        return -1;
    }
    return 0;
}

struct ckpt *ckpt_open(const char *out_path, const struct ckpt_id *id, enum ckpt_mode mode,
                       struct diag *d)
{
    struct ckpt *c = calloc(1, sizeof *c);
    if (!c) {
        diag_fail(d, "out of memory");
        return NULL;
    }
    c->lock = -1;
    c->dfd = -1;
    c->id = *id;
    struct record_span blocks = record_blocks_of(id->paths_from, id->paths_to);
    c->first_block = blocks.first, c->n_blocks = blocks.n;
    char *gone = NULL;
    if (!(c->dir = joined(out_path, ".ckpt")) ||
        !(c->done = calloc(c->n_blocks ? c->n_blocks : 1, 1)) ||
        !(gone = joined(c->dir, ".removed"))) {
        diag_fail(d, "out of memory");
        free(gone);
        free_ckpt(c);
        return NULL;
    }
    size_t before = d->n;
    /* what a run killed while removing its checkpoint left, when it is fundsim's */
    int rc = mode != CKPT_ATTACH ? remove_leftover(gone, d) : 0;
    free(gone);
    if (!rc)
        rc = mode == CKPT_NEW      ? open_new(c, d)
             : mode == CKPT_RESUME ? open_resume(c, out_path, d)
                                   : open_attach(c, d);
    if (rc) {
        if (d->n == before) diag_fail(d, "cannot read %s: %s", c->dir, strerror(errno));
        free_ckpt(c);
        return NULL;
    }
    return c;
}

bool ckpt_has(const struct ckpt *c, size_t b)
{
    return b >= c->first_block && b - c->first_block < c->n_blocks && c->done[b - c->first_block];
}

size_t ckpt_count(const struct ckpt *c)
{
    return c->n_done;
}

const char *ckpt_path(const struct ckpt *c)
{
    return c->dir;
}

void ckpt_close(struct ckpt *c)
{
    if (c) free_ckpt(c);
}

int ckpt_remove(struct ckpt *c, struct diag *d)
{
    char *gone = joined(c->dir, ".removed");
    int rc = 0;
    struct stat mine, now;
    if (!gone) {
        diag_fail(d, "out of memory");
        rc = -1;
    } else if (remove_leftover(gone, d)) {
        rc = -1;
    } else if (fstat(c->dfd, &mine) != 0 || lstat(c->dir, &now) != 0 || mine.st_dev != now.st_dev ||
               mine.st_ino != now.st_ino) {
        /* Something else took the name: the run's files go, through the folder's
         * descriptor, and what is at OUT.ckpt now stays. */
        remove_own(c->dfd, true);
        diag_fail(d, "cannot remove %s: it is no longer the folder this run made", c->dir);
        rc = -1;
    } else if (rename(c->dir, gone) != 0 || remove_own(c->dfd, true) != 0 ||
               remove_empty(gone, c->dfd) != 0) {
        /* Renamed first, at once: a kill while the files go leaves no half
         * checkpoint to resume, only OUT.ckpt.removed, which the next run removes. */
        diag_fail(d, "cannot remove %s: %s%s", c->dir, strerror(errno),
                  errno == ENOTEMPTY ? " (it holds files fundsim did not write)" : "");
        rc = -1;
    }
    free(gone);
    free_ckpt(c);
    return rc;
}
