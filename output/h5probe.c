/* h5probe.c: a file's HDF5 structure read in a child process (h5probe.h).
 * The child walks every object with H5Ovisit and ends with status 0,
 * PROBE_HDF5_FAILED when HDF5 refused something, or PROBE_INCOMPLETE when it
 * could not list them all; the parent waits for it. An
 * endless loop ends at the child's limit of processor time (SIGXCPU). */
#include "output/h5probe.h"
#include "sim/config/diag.h"

#include "sim/config/limit.h"

#include <hdf5.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Set in builds with a sanitizer (weak: NULL otherwise): a fuzzer's callback
 * on a sanitizer's report would take the child's crash for its own. */
__attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)(void));

/* The child's status when HDF5 reported an error reading an object, and when
 * it could not list them all (the walk stopped: the parent would read what
 * the child did not, unprotected). Any other than these and 0 (a
 * sanitizer's, say) counts as a crash, as a signal does. */
enum { PROBE_HDF5_FAILED = 3, PROBE_INCOMPLETE = 4 };

/* The most the child allocates for one attribute's or dataset's values: a
 * run's largest (quantiles of a variable: 200 years x 1,000 regions x 99
 * levels) takes 158 MB. */
#define PROBE_MAX_READ ((size_t)256 << 20)
_Static_assert((size_t)LIMIT_YEARS *LIMIT_REGIONS *LIMIT_QUANTILES * sizeof(double) <=
                   PROBE_MAX_READ,
               "the probe reads a run's largest dataset");

size_t h5probe_string_ref_size(hid_t file)
{
    hid_t fcpl = H5Fget_create_plist(file);
    size_t addr = 0, length;
    if (fcpl >= 0) {
        H5Pget_sizes(fcpl, &addr, &length);
        H5Pclose(fcpl);
    }
    return addr ? 4 + addr + 4 : 0;
}

int h5probe_strings(hid_t file, const char *path, hid_t ds, hsize_t n)
{
    hsize_t file_size = 0;
    size_t ref_size = h5probe_string_ref_size(file);
    haddr_t at = H5Dget_offset(ds);
    if (H5Fget_filesize(file, &file_size) < 0 || !ref_size || at == HADDR_UNDEF ||
        n > file_size / ref_size)
        return -1;
    unsigned char *refs = malloc(n ? n * ref_size : 1);
    FILE *f = refs ? fopen(path, "rb") : NULL;
    bool ok = f && fseeko(f, (off_t)at, SEEK_SET) == 0 && fread(refs, ref_size, n, f) == n;
    for (hsize_t k = 0; ok && k < n; k++) {
        const unsigned char *r = refs + k * ref_size;
        uint64_t length = 0, heap = 0; /* little-endian */
        for (int j = 3; j >= 0; j--)
            length = length << 8 | r[j];
        for (size_t j = ref_size - 5; j >= 4; j--)
            heap = heap << 8 | r[j];
        ok = length <= file_size && (length == 0 || heap <= file_size - length);
    }
    if (f) fclose(f);
    free(refs);
    return ok ? 0 : -1;
}

/* Reads the values of an attribute or contiguous dataset with HDF5's memory
 * type for the file's, then gives back what HDF5 allocated for them
 * (variable-length strings and sequences). Returns 0, or -1 if HDF5 failed. */
static int read_values(hid_t obj, bool attribute)
{
    hid_t type = attribute ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t space = attribute ? H5Aget_space(obj) : H5Dget_space(obj);
    hid_t mem = type < 0 ? -1 : H5Tget_native_type(type, H5T_DIR_DEFAULT);
    hssize_t n = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
    size_t size = mem < 0 ? 0 : H5Tget_size(mem);
    int rc = mem < 0 || n < 0 ? -1 : 0;
    if (!rc && n > 0 && size > 0 && (size_t)n <= PROBE_MAX_READ / size) {
        void *buf = calloc((size_t)n, size);
        herr_t read = !buf        ? -1
                      : attribute ? H5Aread(obj, mem, buf)
                                  : H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        if (read >= 0) H5Dvlen_reclaim(mem, space, H5P_DEFAULT, buf);
        rc = read < 0 ? -1 : 0;
        free(buf);
    }
    if (mem >= 0) H5Tclose(mem);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return rc;
}

static herr_t read_attribute(hid_t loc, const char *name, const H5A_info_t *info, void *failed)
{
    (void)info;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0 || read_values(a, true)) *(bool *)failed = true;
    if (a >= 0) H5Aclose(a);
    return 0; /* on to the next */
}

/* What the walk knows and finds. */
struct walk {
    hid_t file;
    const char *path;
    bool failed;
};

/* A contiguous (or compact) dataset's values, its strings checked first; a
 * chunked one's chunk index. */
static int read_dataset(const struct walk *w, hid_t ds)
{
    hid_t dcpl = H5Dget_create_plist(ds), space = H5Dget_space(ds), type = H5Dget_type(ds);
    int rc = dcpl < 0 || space < 0 || type < 0 ? -1 : 0;
    if (!rc && H5Pget_layout(dcpl) == H5D_CHUNKED) {
        hsize_t n;
        rc = H5Dget_num_chunks(ds, space, &n) < 0 ? -1 : 0;
    } else if (!rc && H5Tis_variable_str(type) > 0 && H5Pget_layout(dcpl) == H5D_CONTIGUOUS)
        rc = h5probe_strings(w->file, w->path, ds, (hsize_t)H5Sget_simple_extent_npoints(space)) ||
             read_values(ds, false);
    else if (!rc)
        rc = read_values(ds, false);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (dcpl >= 0) H5Pclose(dcpl);
    return rc;
}

static herr_t visit(hid_t file, const char *name, const H5O_info_t *info, void *data)
{
    struct walk *w = data;
    hid_t obj = H5Oopen(file, name, H5P_DEFAULT);
    if (obj < 0 ||
        H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, read_attribute, &w->failed) < 0 ||
        (info->type == H5O_TYPE_DATASET && read_dataset(w, obj)))
        w->failed = true;
    if (obj >= 0) H5Oclose(obj);
    return 0;
}

/* The child's work; its exit status. */
static int walk(const char *path)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) return PROBE_HDF5_FAILED;
    struct walk w = {.file = file, .path = path};
    /* The root's attributes by name, as the readers open them, then every
     * object: a walk that stops leaves the rest unread */
    bool listed = H5Aiterate_by_name(file, "/", H5_INDEX_NAME, H5_ITER_NATIVE, NULL, read_attribute,
                                     &w.failed, H5P_DEFAULT) >= 0 &&
                  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, visit, &w, H5O_INFO_BASIC) >= 0;
    if (H5Fclose(file) < 0) w.failed = true;
    if (!listed) return PROBE_INCOMPLETE;
    return w.failed ? PROBE_HDF5_FAILED : 0;
}

int h5probe_file(const char *path, struct diag *d)
{
    struct stat st;
    long long cpu_seconds = H5PROBE_CPU_SECONDS;
    if (stat(path, &st) == 0) cpu_seconds += (long long)st.st_size / H5PROBE_BYTES_PER_SECOND;
    pid_t pid = fork();
    if (pid < 0) return 0;
    if (pid == 0) {
        /* What HDF5 or a sanitizer says of a damaged file is not for the
         * user: the parent says what happened. */
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, STDERR_FILENO);
        /* A crash ends the child, whatever handlers the parent has (a
         * test harness's would carry on with the parent's work). */
        static const int deadly[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGXCPU};
        for (size_t k = 0; k < sizeof deadly / sizeof *deadly; k++)
            signal(deadly[k], SIG_DFL);
        if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(NULL);
        struct rlimit cpu = {(rlim_t)cpu_seconds, (rlim_t)cpu_seconds + 1};
        setrlimit(RLIMIT_CPU, &cpu); /* SIGXCPU, then SIGKILL */
        _exit(walk(path));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == PROBE_HDF5_FAILED))
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == PROBE_INCOMPLETE) {
        diag_fail(d,
                  "%s: a damaged HDF5 file: HDF5 cannot list all its objects and attributes "
                  "(in a process of its own)",
                  path);
        return -1;
    }
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    char how[64];
    if (sig)
        snprintf(how, sizeof how, "%s", strsignal(sig));
    else /* a sanitizer's report, say */
        snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
    if (sig == SIGXCPU || sig == SIGKILL)
        diag_fail(d,
                  "%s: a damaged HDF5 file: HDF5 did not finish reading it (in %lld s of "
                  "processor time, in a process of its own)",
                  path, cpu_seconds);
    else
        diag_fail(d,
                  "%s: a damaged HDF5 file: reading it made HDF5 crash (%s, in a process of its "
                  "own)",
                  path, how);
    return -1;
}
