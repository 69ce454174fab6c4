/* test_ckpt.c: the checkpoint's own checks (output/ckpt.c, output/crc32c.c).
 * CRC-32C against the standard's vectors; a checkpoint of three blocks of a
 * small shape (130 paths x 3 years x 2 regions) written, then damaged in the
 * ways a disk or a kill can (a flipped bit, a cut, a block of the older
 * format): --resume finds each one and removes it to be computed again, and
 * a block damaged after that check fails ckpt_load with a message naming it;
 * and what is not fundsim's (a link inside the folder, a stranger's file put
 * there during the run) is neither followed nor removed. tests/faults.sh
 * covers the same through the command line. Some years of one arm of a block
 * read alone (the quantiles' way). The blocks of a slice of paths
 * (output/record.h), which the checkpoint and the run share, by hand. */
#include "output/ckpt.h"
#include "output/crc32c.h"
#include "sim/config/diag.h"

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

enum { PATHS = 130, YEARS = 3, REGIONS = 2 };

/* CRC-32C a bit at a time, straight from its definition. */
static uint32_t crc32c_bitwise(const unsigned char *s, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t k = 0; k < n; k++) {
        crc ^= s[k];
        for (int bit = 0; bit < 8; bit++)
            crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
    }
    return ~crc;
}

/* RFC 3720 (iSCSI), appendix B.4, and the usual check value; the crc32
 * instruction (when the processor has it) and the table alike. */
static void crc32c_matches_the_standard(void **state)
{
    (void)state;
    unsigned char b[32];
    assert_int_equal(crc32c(0, "123456789", 9), 0xe3069283u);
    memset(b, 0, sizeof b);
    assert_int_equal(crc32c(0, b, sizeof b), 0x8a9136aau);
    memset(b, 0xff, sizeof b);
    assert_int_equal(crc32c(0, b, sizeof b), 0x62a8ab43u);
    for (int k = 0; k < 32; k++)
        b[k] = (unsigned char)k;
    assert_int_equal(crc32c(0, b, sizeof b), 0x46dd794eu);
    for (int k = 0; k < 32; k++)
        b[k] = (unsigned char)(31 - k);
    assert_int_equal(crc32c(0, b, sizeof b), 0x113fdb5cu);
    /* continued over pieces: the checksum of the whole */
    assert_int_equal(crc32c(crc32c(0, "1234", 4), "56789", 5), 0xe3069283u);
    assert_int_equal(crc32c(0, "", 0), 0u);
    /* against the definition: every length and alignment up to 40 bytes, the
     * whole split anywhere, and 64 kB of pseudo-random bytes, whose 8192 steps
     * of eight bytes reach every entry of the eight tables */
    enum { N = 1 << 16 };
    unsigned char *r = malloc(N);
    assert_non_null(r);
    uint32_t x = 12345;
    for (size_t k = 0; k < N; k++)
        x = x * 1103515245u + 12345u, r[k] = (unsigned char)(x >> 23);
    for (size_t at = 0; at < 8; at++)
        for (size_t n = 0; n <= 40; n++) {
            assert_int_equal(crc32c(0, r + at, n), crc32c_bitwise(r + at, n));
            assert_int_equal(crc32c(crc32c(0, r, n), r + n, 48 - n), crc32c_bitwise(r, 48));
            assert_int_equal(crc32c_table(0, r + at, n), crc32c_bitwise(r + at, n));
            assert_int_equal(crc32c_table(crc32c_table(0, r, n), r + n, 48 - n),
                             crc32c_bitwise(r, 48));
        }
    assert_int_equal(crc32c(0, r, N), crc32c_bitwise(r, N));
    assert_int_equal(crc32c_table(0, r, N), crc32c_bitwise(r, N));
    assert_int_equal(crc32c_table(0, "123456789", 9), 0xe3069283u);
    /* crc32c above took the processor's instruction, when it has it */
    print_message("crc32c: %s\n",
                  crc32c_hardware() ? "the crc32 instruction and the table" : "the table only");
    free(r);
}

struct fixture {
    char dir[64], out[128], ckpt[160];
    struct ckpt_id id;
    struct record_block block;
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_ckpt-XXXXXX");
    if (!f || !mkdtemp(f->dir)) return -1;
    snprintf(f->out, sizeof f->out, "%s/out.h5", f->dir);
    snprintf(f->ckpt, sizeof f->ckpt, "%s.ckpt", f->out);
    f->id = (struct ckpt_id){.version = "test",
                             .seed = 42,
                             .scenario_text = "a scenario",
                             .variants_text = "",
                             .paths = PATHS,
                             .paths_from = 0,
                             .paths_to = PATHS,
                             .years = YEARS,
                             .regions = REGIONS,
                             .arms = 1};
    if (record_block_alloc(&f->block, 64, YEARS, REGIONS)) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    record_block_free(&f->block);
    free(f);
    return 0;
}

/* Block b's values: path p's value k is 1000 p + k. */
static void fill(struct record_block *r, size_t b)
{
    r->first_path = 64 * b;
    r->n_paths = b == 2 ? PATHS - 128 : 64;
    size_t nv = YEARS * REGIONS * N_VARS, nn = YEARS * N_NVARS;
    for (size_t p = 0; p < r->n_paths; p++) {
        for (size_t k = 0; k < nv; k++)
            r->v[p * nv + k] = 1000.0 * (double)(r->first_path + p) + (double)k;
        for (size_t k = 0; k < nn; k++)
            r->national[p * nn + k] = -1000.0 * (double)(r->first_path + p) - (double)k;
    }
}

/* A checkpoint of the run's three blocks, as a run killed before its file leaves it. */
static void save_all(struct fixture *f)
{
    struct diag dg = {0};
    struct ckpt *c = ckpt_open(f->out, &f->id, CKPT_NEW, &dg);
    assert_non_null(c);
    for (size_t b = 0; b < 3; b++) {
        fill(&f->block, b);
        const struct record_block *arms[1] = {&f->block};
        assert_int_equal(ckpt_save(c, b, arms, &dg), 0);
    }
    ckpt_close(c);
    diag_free(&dg);
}

static void path_of(const struct fixture *f, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", f->ckpt, name);
}

static void flip_byte(const struct fixture *f, const char *name, long at)
{
    char p[256];
    path_of(f, name, p, sizeof p);
    FILE *h = fopen(p, "r+b");
    assert_non_null(h);
    assert_int_equal(fseek(h, at, SEEK_SET), 0);
    int c = fgetc(h);
    assert_int_equal(fseek(h, at, SEEK_SET), 0);
    fputc(c ^ 0x01, h);
    fclose(h);
}

static bool exists(const struct fixture *f, const char *name)
{
    char p[256];
    path_of(f, name, p, sizeof p);
    return access(p, F_OK) == 0;
}

/* The block read back is the block written. */
static void loaded_as_saved(struct ckpt *c, size_t b)
{
    struct record_block got, want;
    assert_int_equal(record_block_alloc(&got, 64, YEARS, REGIONS), 0);
    assert_int_equal(record_block_alloc(&want, 64, YEARS, REGIONS), 0);
    fill(&want, b);
    struct record_block *arms[1] = {&got};
    struct diag dg = {0};
    assert_int_equal(ckpt_load(c, b, arms, &dg), 0);
    assert_int_equal(got.first_path, want.first_path);
    assert_int_equal(got.n_paths, want.n_paths);
    assert_memory_equal(got.v, want.v, want.n_paths * YEARS * REGIONS * N_VARS * sizeof(double));
    assert_memory_equal(got.national, want.national,
                        want.n_paths * YEARS * N_NVARS * sizeof(double));
    record_block_free(&got);
    record_block_free(&want);
    diag_free(&dg);
}

/* Years y0 .. y0 + ny - 1 of arm `arm` of block b, read alone, are those of
 * the block written (arm 1: arm 0's values + 0.5). */
static void years_as_saved(struct ckpt *c, size_t b, size_t arm, size_t y0, size_t ny)
{
    struct record_block got, want;
    assert_int_equal(record_block_alloc(&got, 64, ny, REGIONS), 0);
    assert_int_equal(record_block_alloc(&want, 64, YEARS, REGIONS), 0);
    fill(&want, b);
    struct diag dg = {0};
    assert_int_equal(ckpt_load_years(c, b, arm, y0, ny, &got, &dg), 0);
    assert_int_equal(got.first_path, want.first_path);
    assert_int_equal(got.n_paths, want.n_paths);
    assert_int_equal(got.years, ny);
    assert_int_equal(got.regions, REGIONS);
    for (size_t p = 0; p < want.n_paths; p++)
        for (size_t y = 0; y < ny; y++) {
            for (size_t r = 0; r < REGIONS; r++)
                for (size_t v = 0; v < N_VARS; v++)
                    assert_true(record_at(&got, p, y, r)[v] ==
                                record_at(&want, p, y0 + y, r)[v] + 0.5 * (double)arm);
            for (size_t v = 0; v < N_NVARS; v++)
                assert_true(record_national(&got, p, y)[v] ==
                            record_national(&want, p, y0 + y)[v] + 0.5 * (double)arm);
        }
    record_block_free(&got);
    record_block_free(&want);
    diag_free(&dg);
}

/* ckpt_load_years, for the quantiles: some years of one arm of a block of two
 * arms, each path's, as written, in a whole block and the short last one; a
 * cut block, years beyond the run's and an arm it has not are refused. */
static void some_years_read_back(void **state)
{
    struct fixture *f = *state;
    f->id.arms = 2;
    struct diag dg = {0};
    struct ckpt *c = ckpt_open(f->out, &f->id, CKPT_NEW, &dg);
    assert_non_null(c);
    struct record_block twin;
    assert_int_equal(record_block_alloc(&twin, 64, YEARS, REGIONS), 0);
    for (size_t b = 0; b < 3; b++) {
        fill(&f->block, b);
        fill(&twin, b);
        for (size_t k = 0; k < twin.n_paths * YEARS * REGIONS * N_VARS; k++)
            twin.v[k] += 0.5;
        for (size_t k = 0; k < twin.n_paths * YEARS * N_NVARS; k++)
            twin.national[k] += 0.5;
        const struct record_block *arms[2] = {&f->block, &twin};
        assert_int_equal(ckpt_save(c, b, arms, &dg), 0);
    }
    for (size_t b = 0; b < 3; b += 2)
        for (size_t arm = 0; arm < 2; arm++) {
            years_as_saved(c, b, arm, 0, YEARS);
            years_as_saved(c, b, arm, 1, 2);
            years_as_saved(c, b, arm, 2, 1);
        }
    assert_int_equal(ckpt_load_years(c, 0, 0, 2, 2, &twin, &dg), -1);
    assert_int_equal(ckpt_load_years(c, 0, 2, 0, 1, &twin, &dg), -1);
    char p[256];
    path_of(f, "block-00000002", p, sizeof p);
    assert_int_equal(truncate(p, 5000), 0);
    assert_int_equal(ckpt_load_years(c, 2, 1, 0, 1, &twin, &dg), -1);
    printf("# %s\n", diag_last_text(&dg));
    assert_non_null(strstr(diag_last_text(&dg), "block-00000002 (paths 128-129): truncated"));
    ckpt_close(c);
    record_block_free(&twin);
    diag_free(&dg);
}

/* --resume checks every block: a flipped bit (in the values, or in the
 * checksum itself), a cut and the older format are each found, named and
 * removed; the good ones read back as written. */
static void resume_removes_damaged_blocks(void **state)
{
    struct fixture *f = *state;
    save_all(f);
    char p[256];
    assert_int_equal(ckpt_block_bytes(2, YEARS, REGIONS, 1),
                     64 + 2 * YEARS * (REGIONS * N_VARS + N_NVARS) * 8 + 4);
    flip_byte(f, "block-00000000", 1000);
    path_of(f, "block-00000001", p, sizeof p);
    assert_int_equal(truncate(p, 5000), 0);
    char what[1024] = "";
    struct diag dg = {0};
    struct ckpt *c = ckpt_open(f->out, &f->id, CKPT_RESUME, &dg);
    assert_non_null(c);
    assert_int_equal(ckpt_count(c), 1);
    assert_false(ckpt_has(c, 0));
    assert_false(ckpt_has(c, 1));
    assert_true(ckpt_has(c, 2));
    assert_int_equal(ckpt_damaged(c, what, sizeof what), 2);
    printf("# %s\n", what);
    char want[512];
    snprintf(want, sizeof want,
             "block-00000000 (paths 0-63): its checksum does not match its contents (damaged "
             "after it was written); block-00000001 (paths 64-127): truncated (5000 of its %llu "
             "bytes)",
             (unsigned long long)ckpt_block_bytes(64, YEARS, REGIONS, 1));
    assert_string_equal(what, want);
    assert_false(exists(f, "block-00000000"));
    assert_false(exists(f, "block-00000001"));
    loaded_as_saved(c, 2);
    /* computed again, and stored */
    for (size_t b = 0; b < 2; b++) {
        fill(&f->block, b);
        const struct record_block *arms[1] = {&f->block};
        assert_int_equal(ckpt_save(c, b, arms, &dg), 0);
    }
    ckpt_close(c);

    /* the last byte (the checksum), and a block of the older format: same
     * length, magic FSBLOCK1 */
    flip_byte(f, "block-00000002", (long)ckpt_block_bytes(2, YEARS, REGIONS, 1) - 1);
    path_of(f, "block-00000001", p, sizeof p);
    FILE *h = fopen(p, "r+b");
    fseek(h, 7, SEEK_SET);
    fputc('1', h);
    fclose(h);
    c = ckpt_open(f->out, &f->id, CKPT_RESUME, &dg);
    assert_non_null(c);
    assert_int_equal(ckpt_damaged(c, what, sizeof what), 2);
    printf("# %s\n", what);
    assert_string_equal(what, "block-00000001 (paths 64-127): of an older fundsim's format, "
                              "without a checksum; block-00000002 (paths 128-129): its checksum "
                              "does not match its contents (damaged after it was written)");
    assert_int_equal(ckpt_count(c), 1);
    loaded_as_saved(c, 0);
    ckpt_close(c);
    diag_free(&dg);
}

/* A block damaged after --resume checked it: the assembly's ckpt_load fails,
 * naming the file and what to do; the next --resume finds it. */
static void damage_after_the_check_fails_the_load(void **state)
{
    struct fixture *f = *state;
    save_all(f);
    char what[1024];
    struct diag dg = {0};
    struct ckpt *c = ckpt_open(f->out, &f->id, CKPT_RESUME, &dg);
    assert_non_null(c);
    assert_int_equal(ckpt_count(c), 3);
    assert_int_equal(ckpt_damaged(c, what, sizeof what), 0);
    flip_byte(f, "block-00000001", 20000);
    struct record_block got;
    assert_int_equal(record_block_alloc(&got, 64, YEARS, REGIONS), 0);
    struct record_block *arms[1] = {&got};
    assert_int_equal(ckpt_load(c, 1, arms, &dg), -1);
    printf("# %s\n", diag_last_text(&dg));
    char want[512];
    snprintf(want, sizeof want,
             "%s/block-00000001 (paths 64-127): its checksum does not match its contents "
             "(damaged after it was written); the run stops, and the same command with --resume "
             "computes the block again",
             f->ckpt);
    assert_string_equal(diag_last_text(&dg), want);
    char p[256];
    path_of(f, "block-00000002", p, sizeof p);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(ckpt_load(c, 2, arms, &dg), -1);
    assert_non_null(strstr(diag_last_text(&dg),
                           "block-00000002 (paths 128-129): cannot be read (No such file"));
    record_block_free(&got);
    ckpt_close(c);
    c = ckpt_open(f->out, &f->id, CKPT_RESUME, &dg);
    assert_non_null(c);
    assert_int_equal(ckpt_damaged(c, what, sizeof what), 1);
    assert_int_equal(ckpt_count(c), 1);
    ckpt_close(c);
    diag_free(&dg);
}

/* A link named as a block, to a stranger's file, in a folder otherwise
 * fundsim's: refused (new run or --resume), and neither the link nor its
 * target is touched. */
static void a_link_inside_is_refused(void **state)
{
    struct fixture *f = *state;
    save_all(f);
    char target[160], p[256];
    struct diag dg = {0};
    snprintf(target, sizeof target, "%s/precious", f->dir);
    FILE *h = fopen(target, "w");
    fputs("a stranger's data", h);
    fclose(h);
    path_of(f, "block-00000003.tmp", p, sizeof p);
    assert_int_equal(symlink(target, p), 0);
    assert_null(ckpt_open(f->out, &f->id, CKPT_RESUME, &dg));
    printf("# %s\n", diag_last_text(&dg));
    assert_non_null(
        strstr(diag_last_text(&dg), "holds \"block-00000003.tmp\", which fundsim did not write"));
    assert_null(ckpt_open(f->out, &f->id, CKPT_NEW, &dg));
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_size, 17);
    assert_true(exists(f, "block-00000000") && exists(f, "run") && exists(f, "lock"));
    diag_free(&dg);
}

/* A stranger's file put in the folder during the run stays, and so does the
 * folder (as OUT.ckpt.removed, with fundsim's files gone); the next run then
 * refuses that folder. */
static void remove_leaves_a_strangers_file(void **state)
{
    struct fixture *f = *state;
    char p[256];
    struct diag dg = {0};
    struct ckpt *c = ckpt_open(f->out, &f->id, CKPT_NEW, &dg);
    assert_non_null(c);
    fill(&f->block, 0);
    const struct record_block *arms[1] = {&f->block};
    assert_int_equal(ckpt_save(c, 0, arms, &dg), 0);
    path_of(f, "notes", p, sizeof p);
    FILE *h = fopen(p, "w");
    fputs("mine", h);
    fclose(h);
    assert_int_equal(ckpt_remove(c, &dg), -1);
    printf("# %s\n", diag_last_text(&dg));
    assert_non_null(strstr(diag_last_text(&dg), "(it holds files fundsim did not write)"));
    char gone[256];
    snprintf(gone, sizeof gone, "%s.removed/notes", f->ckpt);
    assert_int_equal(access(gone, F_OK), 0);
    snprintf(gone, sizeof gone, "%s.removed/block-00000000", f->ckpt);
    assert_int_equal(access(gone, F_OK), -1);
    assert_null(ckpt_open(f->out, &f->id, CKPT_NEW, &dg));
    assert_non_null(
        strstr(diag_last_text(&dg), ".ckpt.removed holds \"notes\", which fundsim did not write"));
    diag_free(&dg);
}

/* fundsim's own checkpoint without a finished block (a run killed while
 * writing its first) is replaced by a new run: its leftovers go. */
static void a_checkpoint_without_blocks_is_replaced(void **state)
{
    struct fixture *f = *state;
    char p[256];
    struct diag dg = {0};
    struct ckpt *c = ckpt_open(f->out, &f->id, CKPT_NEW, &dg);
    assert_non_null(c);
    ckpt_close(c);
    path_of(f, "block-00000001.tmp", p, sizeof p);
    FILE *h = fopen(p, "w");
    fputs("half a block", h);
    fclose(h);
    f->id.seed = 43;
    c = ckpt_open(f->out, &f->id, CKPT_NEW, &dg);
    assert_non_null(c);
    assert_int_equal(ckpt_count(c), 0);
    assert_false(exists(f, "block-00000001.tmp"));
    ckpt_close(c);
    /* the identity is the new run's */
    c = ckpt_open(f->out, &f->id, CKPT_RESUME, &dg);
    assert_non_null(c);
    assert_int_equal(ckpt_remove(c, &dg), 0);
    assert_int_equal(access(f->ckpt, F_OK), -1);
    diag_free(&dg);
}

/* The slice 100 .. 299 of a run's paths: blocks 1 to 4 (paths 64-127, ...,
 * 256-319), the first and last cut to the slice. */
static void a_slice_falls_in_whole_blocks(void **state)
{
    (void)state;
    struct record_span blocks = record_blocks_of(100, 300);
    assert_int_equal(blocks.first, 1);
    assert_int_equal(blocks.n, 4);
    static const size_t first[] = {100, 128, 192, 256}, n[] = {28, 64, 64, 44};
    for (size_t b = 1; b <= 4; b++) {
        struct record_span s = record_block_span(b, 100, 300);
        assert_int_equal(s.first, first[b - 1]);
        assert_int_equal(s.n, n[b - 1]);
    }
    assert_int_equal(record_block_span(0, 100, 300).n, 0); /* outside the slice */
    assert_int_equal(record_block_span(5, 100, 300).n, 0);
    /* a whole run of 130 paths: blocks 0, 1, 2, the last of 2 paths */
    blocks = record_blocks_of(0, 130);
    assert_int_equal(blocks.first, 0);
    assert_int_equal(blocks.n, 3);
    assert_int_equal(record_block_span(2, 0, 130).first, 128);
    assert_int_equal(record_block_span(2, 0, 130).n, 2);
    assert_int_equal(record_blocks_of(64, 64).n, 0); /* an empty slice */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc32c_matches_the_standard),
        cmocka_unit_test(a_slice_falls_in_whole_blocks),
        cmocka_unit_test_setup_teardown(resume_removes_damaged_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(some_years_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(damage_after_the_check_fails_the_load, setup, teardown),
        cmocka_unit_test_setup_teardown(a_link_inside_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(remove_leaves_a_strangers_file, setup, teardown),
        cmocka_unit_test_setup_teardown(a_checkpoint_without_blocks_is_replaced, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
