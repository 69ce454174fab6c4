/* crc32c.h: CRC-32C (Castagnoli, the iSCSI and ext4 checksum; RFC 3720,
 * appendix B.4), which the checkpoint's block files carry so that a block
 * damaged on disk (a flipped bit, a torn write) is found before it is used.
 * CRC-32C("123456789") = 0xe3069283. */
#ifndef FUNDSIM_CRC32C_H
#define FUNDSIM_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The checksum of `n` bytes at `p` continued from `crc`, the checksum of the
 * bytes before them (0 for none): crc32c(crc32c(0, a, na), b, nb) is the
 * checksum of a followed by b. */
uint32_t crc32c(uint32_t crc, const void *p, size_t n);

/* The same, by the table alone, whatever the machine (crc32c takes the
 * processor's crc32 instruction when it has one); and whether it has. */
uint32_t crc32c_table(uint32_t crc, const void *p, size_t n);
bool crc32c_hardware(void);

#endif
