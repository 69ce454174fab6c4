/* sens_ckpt.h: the checkpoint of `fundsim sensitivity`: the folder
 * OUT.sens-ckpt beside its output OUT, holding what identifies the analysis
 * and one file per finished run (the base, each side of each assumption, each
 * driver group held for the variance), so that `fundsim sensitivity --resume
 * OUT` after a kill computes only the runs missing. A run's record holds the
 * doubles its figures were made of, so the resumed file is bit-identical to
 * one never stopped.
 *
 * Layout: OUT.sens-ckpt/id (the identity, text, whose first line "fundsim
 * sensitivity checkpoint 1" marks the folder as fundsim's; also held with
 * flock(2), so that two analyses cannot share it) and OUT.sens-ckpt/run-NNNN
 * (the run's number k): the magic "FSSENS01", k and the number of doubles n
 * (uint64 each), the n native doubles, and the CRC-32C (crc32c.h) of all
 * that. A record is written as run-NNNN.tmp, synced, then renamed, so one
 * that exists was complete; a wrong size, number, magic or checksum is damage
 * (a flipped bit, another fundsim) and --resume refuses it, naming the file.
 *
 * fundsim removes only a folder that it can tell is its own (a real folder
 * holding the marked id), and in it only the files it names so. */
#ifndef FUNDSIM_SENS_CKPT_H
#define FUNDSIM_SENS_CKPT_H

#include <stdbool.h>
#include <stddef.h>

struct diag;
struct sens_ckpt;

enum sens_ckpt_mode {
    SENS_CKPT_NEW,    /* refuses a folder with finished runs ("add --resume ..., or remove
                         ... to start over"), else makes it (or takes over one without runs)
                         and writes the identity */
    SENS_CKPT_RESUME, /* needs the folder, with this identity (else names the first line
                         that differs) */
    SENS_CKPT_ATTACH, /* another MPI rank of the same analysis, after the first opened it:
                         needs the identity, takes no lock */
};

/* Opens the checkpoint of `out_path` in `mode`. Refuses a folder that is not
 * fundsim's, a symbolic link, or one another analysis holds. Returns NULL
 * with the problem in `d`. */
struct sens_ckpt *sens_ckpt_open(const char *out_path, const char *identity,
                                 enum sens_ckpt_mode mode, struct diag *d);

/* Run k's record into v[n]: 1 when it was there, 0 when not, -1 with `d` when
 * it is damaged or not n doubles. */
int sens_ckpt_load(const struct sens_ckpt *c, size_t k, double *v, size_t n, struct diag *d);

/* Stores run k's n doubles durably. Returns 0, or -1 with `d`. */
int sens_ckpt_save(struct sens_ckpt *c, size_t k, const double *v, size_t n, struct diag *d);

/* The folder's name, for messages. */
const char *sens_ckpt_path(const struct sens_ckpt *c);

/* How many runs it holds (counted when opened, and the saves since). */
size_t sens_ckpt_count(const struct sens_ckpt *c);

/* Closes it, keeping the folder. NULL is fine. */
void sens_ckpt_close(struct sens_ckpt *c);

/* Removes its files (the id last) and the folder, and closes it. Returns 0,
 * or -1 with `d` (the folder then stays, closed). */
int sens_ckpt_remove(struct sens_ckpt *c, struct diag *d);

#endif
