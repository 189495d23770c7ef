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

#define CHAIN12(F) F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11)

__attribute__((target("avx2,fma"))) static float run256(long n) {
    __m256 a[CHAINS], x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (int c = 0; c < CHAINS; c++) a[c] = _mm256_set1_ps((float)c);
    for (long i = 0; i < n; i++) {
#define STEP(c) a[c] = _mm256_fmadd_ps(a[c], x, y);
        CHAIN12(STEP)
#undef STEP
    }
    float out[8], sum = 0;
    for (int c = 0; c < CHAINS; c++) { _mm256_storeu_ps(out, a[c]); sum += out[0]; }
    return sum;
}

__attribute__((target("avx512f"))) static float run512(long n) {
    __m512 a[CHAINS], x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (int c = 0; c < CHAINS; c++) a[c] = _mm512_set1_ps((float)c);
    for (long i = 0; i < n; i++) {
#define STEP(c) a[c] = _mm512_fmadd_ps(a[c], x, y);
        CHAIN12(STEP)
#undef STEP
    }
    float sum = 0;
    for (int c = 0; c < CHAINS; c++) sum += _mm512_reduce_add_ps(a[c]);
    return sum;
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
