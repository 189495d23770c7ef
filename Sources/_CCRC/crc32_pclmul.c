// CRC-32 by folding with carry-less multiplication: four 128-bit accumulators fold 64 bytes a
// step, then into one, 16 bytes a step; the last 128 bits (a message with the same CRC as the
// whole input) finish bit by bit instead of by Barrett reduction.
// ref: Gopal et al., "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ" (Intel, 2009);
// Linux arch/x86/crypto/crc32-pclmul_asm.S (the folding constants for 0xEDB88320).
#include "crc32_pclmul.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int mood_crc32_pclmul_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    return (c & bit_PCLMUL) && (c & bit_SSE4_1);
}

// x·k: the low halves and the high halves multiplied, summed with the next block.
__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i x, __m128i k, __m128i next) {
    __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
    __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

__attribute__((target("pclmul,sse4.1")))
uint32_t mood_crc32_pclmul(uint32_t reg, const void *bytes, size_t len) {
    const uint8_t *p = bytes;
    const __m128i by4 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);   // R2:R1, 512 bits on
    const __m128i by1 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);   // R4:R3, 128 bits on
    __m128i x1 = _mm_loadu_si128((const __m128i *)p), x2 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 32)), x4 = _mm_loadu_si128((const __m128i *)(p + 48));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)reg));
    p += 64;
    len -= 64;
    for (; len >= 64; p += 64, len -= 64) {
        x1 = fold(x1, by4, _mm_loadu_si128((const __m128i *)p));
        x2 = fold(x2, by4, _mm_loadu_si128((const __m128i *)(p + 16)));
        x3 = fold(x3, by4, _mm_loadu_si128((const __m128i *)(p + 32)));
        x4 = fold(x4, by4, _mm_loadu_si128((const __m128i *)(p + 48)));
    }
    x1 = fold(fold(fold(x1, by1, x2), by1, x3), by1, x4);
    for (; len >= 16; p += 16, len -= 16) x1 = fold(x1, by1, _mm_loadu_si128((const __m128i *)p));
    uint8_t last[16];
    _mm_storeu_si128((__m128i *)last, x1);
    uint32_t c = 0;
    for (int i = 0; i < 16; i++) {
        c ^= last[i];
        for (int bit = 0; bit < 8; bit++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c;
}
#else
int mood_crc32_pclmul_available(void) { return 0; }
uint32_t mood_crc32_pclmul(uint32_t reg, const void *bytes, size_t len) { (void)bytes; (void)len; return reg; }
#endif
