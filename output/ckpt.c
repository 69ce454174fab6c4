/* ckpt.c: the checkpoint of a run (ckpt.h): a folder of block files, the
 * run's identity as text, and a lock. `struct ckpt` holds the folder's name,
 * the identity, the lock's descriptor and which blocks were there at open. */
#include "ckpt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Paths per block; equal to RUN_BLOCK_PATHS (sim/run.h), which sits above output/. */
enum { BLOCK_PATHS = 64 };

static const char block_magic[8] = {'F', 'S', 'B', 'L', 'O', 'C', 'K', '1'};

struct ckpt {
    char *dir;
    int lock; /* -1: not held (an attached rank) */
    struct ckpt_id id;
    size_t first_block, n_blocks; /* the run's blocks */
    unsigned char *done;          /* [n_blocks]: finished at open */
    size_t n_done;
    size_t n_files; /* block files at open, of this run or not */
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

static void block_name(const struct ckpt *c, size_t b, const char *suffix, char *out, size_t n)
{
    snprintf(out, n, "%s/block-%08zu%s", c->dir, b, suffix);
}

/* Block b's paths: [first, first + n) within the run's slice. */
static void block_span(const struct ckpt *c, size_t b, size_t *first, size_t *n)
{
    size_t lo = b * BLOCK_PATHS, hi = lo + BLOCK_PATHS;
    if (lo < c->id.paths_from) lo = c->id.paths_from;
    if (hi > c->id.paths_to) hi = c->id.paths_to;
    *first = lo;
    *n = hi > lo ? hi - lo : 0;
}

uint64_t ckpt_block_bytes(size_t paths, size_t years, size_t regions, size_t arms)
{
    return sizeof(struct block_header) +
           (uint64_t)arms * paths * years * (regions * N_VARS + N_NVARS) * sizeof(double);
}

/* --- the identity file ------------------------------------------------------ */

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

/* Writes `n` bytes to dir/name through a temporary file, synced, then renamed. */
static int write_file(const char *dir, const char *name, const void *data, size_t n)
{
    char path[4096], tmp[4096 + 8];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    int rc = write_all(fd, data, n) || fsync(fd) ? -1 : 0;
    int saved = errno;
    if (close(fd) != 0 && !rc) rc = -1, saved = errno;
    if (!rc && rename(tmp, path) != 0) rc = -1, saved = errno;
    if (rc) unlink(tmp);
    errno = saved;
    return rc;
}

static char *id_text(const struct ckpt_id *id, size_t *n)
{
    const char *v = id->variants_text ? id->variants_text : "";
    size_t cap = strlen(id->scenario_text) + strlen(v) + strlen(id->version) + 512;
    char *s = malloc(cap);
    if (!s) return NULL;
    int k = snprintf(s, cap,
                     "fundsim checkpoint 1\nversion %s\nseed %lld\npaths %zu\npaths_from %zu\n"
                     "paths_to %zu\nyears %zu\nregions %zu\narms %zu\nsummary_only %d\n"
                     "scenario %zu\n%s\nvariants %zu\n%s\n",
                     id->version, id->seed, id->paths, id->paths_from, id->paths_to, id->years,
                     id->regions, id->arms, id->summary_only ? 1 : 0, strlen(id->scenario_text),
                     id->scenario_text, strlen(v), v);
    *n = (size_t)k;
    return s;
}

static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *s = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = 2 * cap + 8192;
            char *t = realloc(s, cap);
            if (!t) break;
            s = t;
        }
        size_t got = fread(s + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
    }
    fclose(f);
    if (s) s[len] = '\0';
    *n = len;
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
                    char *err, size_t n_err)
{
    const char *p = stored, *end = stored + n, *v;
    char version[128] = "";
    static const char magic[] = "fundsim checkpoint 1\n";
    if (strncmp(p, magic, sizeof magic - 1) == 0) p += sizeof magic - 1;
    if (p == stored || !(v = field(&p, "version"))) {
        snprintf(err, n_err, "%s: not a fundsim checkpoint", path);
        return -1;
    }
    snprintf(version, sizeof version, "%.*s", (int)strcspn(v, "\n"), v);
    if (strcmp(version, id->version) != 0) {
        snprintf(err, n_err,
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
            snprintf(err, n_err, "%s: a damaged checkpoint (no %s)", path, keys[k]);
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
            snprintf(err, n_err, "cannot resume: %s differs: %lld in the checkpoint %s, %lld now",
                     what[k], got[k], path, want[k]);
            return -1;
        }
    size_t n_s, n_v;
    const char *s = text_field(&p, end, "scenario", &n_s);
    const char *vt = s ? text_field(&p, end, "variants", &n_v) : NULL;
    if (!s || !vt) {
        snprintf(err, n_err, "%s: a damaged checkpoint (its scenario text)", path);
        return -1;
    }
    const char *want_v = id->variants_text ? id->variants_text : "";
    char line[160] = "";
    if (n_s != strlen(id->scenario_text) || memcmp(s, id->scenario_text, n_s) != 0) {
        char *copy = strndup(s, n_s);
        if (copy) first_diff_line(copy, id->scenario_text, line, sizeof line);
        free(copy);
        snprintf(err, n_err,
                 "cannot resume: the scenario differs from the checkpoint's (%s), first in the "
                 "line \"%s\" of `fundsim show`",
                 path, line);
        return -1;
    }
    if (n_v != strlen(want_v) || memcmp(vt, want_v, n_v) != 0) {
        snprintf(err, n_err, "cannot resume: the policy variants differ from the checkpoint's (%s)",
                 path);
        return -1;
    }
    return 0;
}

/* --- the folder --------------------------------------------------------------- */

/* Marks the block files present; with `clean`, removes every file instead. */
static int scan(struct ckpt *c, bool clean)
{
    DIR *d = opendir(c->dir);
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t b;
        char rest;
        if (clean && strcmp(e->d_name, "lock") != 0 && e->d_name[0] != '.') {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", c->dir, e->d_name);
            unlink(path);
        } else if (sscanf(e->d_name, "block-%zu%c", &b, &rest) == 1) {
            c->n_files++;
            if (b >= c->first_block && b - c->first_block < c->n_blocks &&
                !c->done[b - c->first_block]) {
                c->done[b - c->first_block] = 1;
                c->n_done++;
            }
        }
    }
    closedir(d);
    return 0;
}

static void free_ckpt(struct ckpt *c)
{
    if (c->lock >= 0) close(c->lock); /* releases the flock */
    free(c->done);
    free(c->dir);
    free(c);
}

/* Takes the folder's lock. Returns 0, or -1 with `err`. */
static int take_lock(struct ckpt *c, char *err, size_t n_err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/lock", c->dir);
    c->lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (c->lock < 0) {
        snprintf(err, n_err, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    /* ENOLCK: the file system keeps no locks (some network ones); go on without. */
    if (flock(c->lock, LOCK_EX | LOCK_NB) != 0 && errno != ENOLCK) {
        snprintf(err, n_err,
                 "another run is writing %s (it holds the lock of %s); wait for it, or give "
                 "this run another output",
                 c->dir, path);
        return -1;
    }
    return 0;
}

/* A new run: makes the folder, or empties one without finished blocks. */
static int open_new(struct ckpt *c, char *err, size_t n_err)
{
    if (mkdir(c->dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, n_err, "cannot make the checkpoint folder %s: %s", c->dir, strerror(errno));
        return -1;
    }
    if (take_lock(c, err, n_err) || scan(c, false)) {
        if (!*err) snprintf(err, n_err, "cannot read %s: %s", c->dir, strerror(errno));
        return -1;
    }
    if (c->n_files > 0) {
        snprintf(err, n_err,
                 "%s holds %zu finished block%s of paths of an interrupted run: add --resume "
                 "to the command to finish it, or remove %s to start over",
                 c->dir, c->n_files, c->n_files == 1 ? "" : "s", c->dir);
        return -1;
    }
    scan(c, true);
    size_t n;
    char *text = id_text(&c->id, &n);
    int rc = text ? write_file(c->dir, "run", text, n) : -1;
    if (rc) snprintf(err, n_err, "cannot write %s/run: %s", c->dir, strerror(errno));
    free(text);
    return rc;
}

static int open_resume(struct ckpt *c, const char *out_path, char *err, size_t n_err)
{
    struct stat st;
    if (stat(c->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (access(out_path, F_OK) == 0)
            snprintf(err, n_err, "nothing to resume: %s is complete (there is no %s)", out_path,
                     c->dir);
        else
            snprintf(err, n_err, "nothing to resume: there is no checkpoint %s", c->dir);
        return -1;
    }
    if (take_lock(c, err, n_err)) return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/run", c->dir);
    size_t n;
    char *stored = read_file(path, &n);
    if (!stored) {
        snprintf(err, n_err, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = check_id(c->dir, stored, n, &c->id, err, n_err);
    free(stored);
    if (!rc && scan(c, false)) {
        snprintf(err, n_err, "cannot read %s: %s", c->dir, strerror(errno));
        rc = -1;
    }
    return rc;
}

/* Empties and removes the folder `dir`; returns 0 or -1. */
static int remove_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? 0 : -1;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[4096 + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    return rmdir(dir);
}

struct ckpt *ckpt_open(const char *out_path, const struct ckpt_id *id, enum ckpt_mode mode,
                       char *err, size_t n_err)
{
    struct ckpt *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, n_err, "out of memory");
        return NULL;
    }
    c->lock = -1;
    c->id = *id;
    c->first_block = id->paths_from / BLOCK_PATHS;
    c->n_blocks = id->paths_to > id->paths_from
                      ? (id->paths_to + BLOCK_PATHS - 1) / BLOCK_PATHS - c->first_block
                      : 0;
    if (!(c->dir = joined(out_path, ".ckpt")) ||
        !(c->done = calloc(c->n_blocks ? c->n_blocks : 1, 1))) {
        snprintf(err, n_err, "out of memory");
        free_ckpt(c);
        return NULL;
    }
    *err = '\0';
    if (mode != CKPT_ATTACH) { /* what a run killed while removing its checkpoint left */
        char *gone = joined(c->dir, ".removed");
        if (gone) remove_folder(gone);
        free(gone);
    }
    int rc = mode == CKPT_NEW      ? open_new(c, err, n_err)
             : mode == CKPT_RESUME ? open_resume(c, out_path, err, n_err)
                                   : scan(c, false);
    if (rc) {
        if (!*err) snprintf(err, n_err, "cannot read %s: %s", c->dir, strerror(errno));
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

/* --- blocks ------------------------------------------------------------------- */

static size_t arm_values(const struct record_block *a)
{
    return a->n_paths * a->years * a->regions * N_VARS;
}

static size_t arm_national(const struct record_block *a)
{
    return a->n_paths * a->years * N_NVARS;
}

int ckpt_save(struct ckpt *c, size_t b, const struct record_block *const *arms, char *err,
              size_t n_err)
{
    char path[4096], tmp[4096];
    block_name(c, b, "", path, sizeof path);
    block_name(c, b, ".tmp", tmp, sizeof tmp);
    const struct record_block *a0 = arms[0];
    struct block_header h = {.first_path = a0->first_path,
                             .n_paths = a0->n_paths,
                             .years = a0->years,
                             .regions = a0->regions,
                             .arms = c->id.arms,
                             .vars = N_VARS,
                             .nvars = N_NVARS};
    memcpy(h.magic, block_magic, sizeof h.magic);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = fd < 0 || write_all(fd, &h, sizeof h) ? -1 : 0;
    for (size_t k = 0; k < c->id.arms && !rc; k++)
        rc = write_all(fd, arms[k]->v, arm_values(arms[k]) * sizeof(double)) ||
                     write_all(fd, arms[k]->national, arm_national(arms[k]) * sizeof(double))
                 ? -1
                 : 0;
    /* Synced before the rename: a block file that exists is complete, even after a
     * node fails. */
    if (!rc && fsync(fd) != 0) rc = -1;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && !rc) rc = -1, saved = errno;
    if (!rc && rename(tmp, path) != 0) rc = -1, saved = errno;
    if (rc) {
        unlink(tmp);
        bool full = saved == ENOSPC || saved == EFBIG || saved == EDQUOT;
        snprintf(err, n_err, "cannot write %s: %s%s", path, strerror(saved),
                 full ? " (the disk is full, or a limit on file size or disk quota was reached)"
                      : "");
    }
    return rc;
}

static int read_all(int fd, void *p, size_t n)
{
    char *s = p;
    while (n > 0) {
        ssize_t r = read(fd, s, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        s += r, n -= (size_t)r;
    }
    return 0;
}

int ckpt_load(const struct ckpt *c, size_t b, struct record_block *const *arms, char *err,
              size_t n_err)
{
    char path[4096];
    block_name(c, b, "", path, sizeof path);
    size_t first, n;
    block_span(c, b, &first, &n);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, n_err, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    struct block_header h;
    int rc = read_all(fd, &h, sizeof h);
    if (rc || memcmp(h.magic, block_magic, sizeof h.magic) != 0 || h.first_path != first ||
        h.n_paths != n || h.years != c->id.years || h.regions != c->id.regions ||
        h.arms != c->id.arms || h.vars != N_VARS || h.nvars != N_NVARS) {
        snprintf(err, n_err, "%s: not a block of paths %zu-%zu of this run", path, first,
                 first + n - 1);
        close(fd);
        return -1;
    }
    for (size_t k = 0; k < c->id.arms && !rc; k++) {
        struct record_block *a = arms[k];
        a->first_path = first;
        a->n_paths = n;
        rc = read_all(fd, a->v, arm_values(a) * sizeof(double)) ||
                     read_all(fd, a->national, arm_national(a) * sizeof(double))
                 ? -1
                 : 0;
    }
    close(fd);
    if (rc) snprintf(err, n_err, "%s: truncated", path);
    return rc;
}

void ckpt_close(struct ckpt *c)
{
    if (c) free_ckpt(c);
}

int ckpt_remove(struct ckpt *c, char *err, size_t n_err)
{
    /* Renamed first, at once: a kill while the files go leaves no half checkpoint
     * to resume, only OUT.ckpt.removed, which the next run removes. */
    char *gone = joined(c->dir, ".removed");
    int rc = !gone || remove_folder(gone) || rename(c->dir, gone) || remove_folder(gone) ? -1 : 0;
    if (rc) snprintf(err, n_err, "cannot remove %s: %s", c->dir, strerror(errno));
    free(gone);
    free_ckpt(c);
    return rc;
}
