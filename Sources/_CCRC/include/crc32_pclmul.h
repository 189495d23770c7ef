#ifndef MOOD_CRC32_PCLMUL_H
#define MOOD_CRC32_PCLMUL_H
#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has PCLMULQDQ and SSE4.1 (x86-64), else 0.
int mood_crc32_pclmul_available(void);

/// The CRC-32 (reflected 0xEDB88320) register after `len` bytes at `bytes`, from `reg`: the raw
/// register, as a table loop keeps it (~0 for a new CRC; invert the result at the end). `len`
/// must be a multiple of 16 and at least 64. Only call when `mood_crc32_pclmul_available()`.
uint32_t mood_crc32_pclmul(uint32_t reg, const void *bytes, size_t len);

#endif
