/* The machine's single-precision FMA peak, GFLOP/s: `threads` threads each run 12 independent
 * chains of vector fused multiply-adds (enough to cover the FMA latency on every x86 core since
 * Haswell: 2 ports × 4–5 cycles), 256-bit with AVX2/FMA, 512-bit where AVX-512F is there; the best
 * of 5 timed passes. What no kernel can beat: bench_yamnet.py compares the time 1.15× TFLite asks
 * for with it. ref: Intel Optimization Reference Manual (FMA throughput and latency tables);
 * Agner Fog's instruction tables (Zen 2/3: two 256-bit FMA pipes).
 *
 *     cc -O2 -pthread fma_peak.c -o fma_peak && ./fma_peak THREADS      (x86-64 only)
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ITERATIONS = 20000000, CHAINS = 12, PASSES = 5 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* `CHAINS` chains of `n` FMAs on vectors of type T; returns a sum of them so nothing is dropped. */
#define FMA_CHAINS(T, SET1, FMADD, FIRST_LANE)                                            \
    T a[CHAINS], x = SET1(0.999999f), y = SET1(1e-7f);                                    \
    for (int c = 0; c < CHAINS; c++) a[c] = SET1((float)c);                               \
    for (long i = 0; i < n; i++) {                                                        \
        a[0] = FMADD(a[0], x, y); a[1] = FMADD(a[1], x, y); a[2] = FMADD(a[2], x, y);     \
        a[3] = FMADD(a[3], x, y); a[4] = FMADD(a[4], x, y); a[5] = FMADD(a[5], x, y);     \
        a[6] = FMADD(a[6], x, y); a[7] = FMADD(a[7], x, y); a[8] = FMADD(a[8], x, y);     \
        a[9] = FMADD(a[9], x, y); a[10] = FMADD(a[10], x, y); a[11] = FMADD(a[11], x, y); \
    }                                                                                     \
    float sum = 0;                                                                        \
    for (int c = 0; c < CHAINS; c++) sum += FIRST_LANE(a[c]);                             \
    return sum;

__attribute__((target("avx2,fma"))) static float run256(long n) {
    FMA_CHAINS(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_cvtss_f32)
}

__attribute__((target("avx512f"))) static float run512(long n) {
    FMA_CHAINS(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_cvtss_f32)
}

static int wide;
static volatile float sink;

static void *worker(void *arg) {
    (void)arg;
    sink = wide ? run512(ITERATIONS / 2) : run256(ITERATIONS);
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 256) { fprintf(stderr, "usage: fma_peak [THREADS]\n"); return 2; }
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) { fprintf(stderr, "no AVX2/FMA\n"); return 1; }
    wide = __builtin_cpu_supports("avx512f");
    pthread_t ids[256];
    double best = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        double start = now();
        for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, NULL);
        for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
        double flops = (double)threads * ITERATIONS * CHAINS * 8 * 2;   /* 8 lanes of 256 bits, 2 flops an FMA */
        double rate = flops / (now() - start) / 1e9;
        if (rate > best) best = rate;
    }
    printf("%.1f GFLOP/s %s %d threads\n", best, wide ? "avx512" : "avx2", threads);
    return 0;
}
