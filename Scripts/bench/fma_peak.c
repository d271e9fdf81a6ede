/*
 * Peak single-precision FMA throughput of one core with AVX2 (8 lanes).
 *
 * The engine's speed targets compare against onnxruntime; this number says
 * how much room is left at all. Twelve independent accumulators hide the FMA
 * latency, so the loop runs at the core's issue rate.
 *
 * usage: cc -O2 -mavx2 -mfma Scripts/bench/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec * 1e-9;
}

int main(void) {
    enum { CHAINS = 12 };
    const long iterations = 200000000;
    const __m256 scale = _mm256_set1_ps(0.9999f), offset = _mm256_set1_ps(0.00001f);
    /* Named variables, not an array, so every compiler keeps them in
       registers; distinct start values, so none merges identical chains. */
    __m256 a = _mm256_set1_ps(0.01f), b = _mm256_set1_ps(0.02f), c = _mm256_set1_ps(0.03f);
    __m256 d = _mm256_set1_ps(0.04f), e = _mm256_set1_ps(0.05f), f = _mm256_set1_ps(0.06f);
    __m256 g = _mm256_set1_ps(0.07f), h = _mm256_set1_ps(0.08f), i = _mm256_set1_ps(0.09f);
    __m256 j = _mm256_set1_ps(0.10f), k = _mm256_set1_ps(0.11f), l = _mm256_set1_ps(0.12f);
    double start = seconds();
    for (long n = 0; n < iterations; n++) {
        a = _mm256_fmadd_ps(a, scale, offset); b = _mm256_fmadd_ps(b, scale, offset);
        c = _mm256_fmadd_ps(c, scale, offset); d = _mm256_fmadd_ps(d, scale, offset);
        e = _mm256_fmadd_ps(e, scale, offset); f = _mm256_fmadd_ps(f, scale, offset);
        g = _mm256_fmadd_ps(g, scale, offset); h = _mm256_fmadd_ps(h, scale, offset);
        i = _mm256_fmadd_ps(i, scale, offset); j = _mm256_fmadd_ps(j, scale, offset);
        k = _mm256_fmadd_ps(k, scale, offset); l = _mm256_fmadd_ps(l, scale, offset);
    }
    double elapsed = seconds() - start;
    __m256 all = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a, b), _mm256_add_ps(c, d)),
                               _mm256_add_ps(_mm256_add_ps(e, f), _mm256_add_ps(g, h)));
    all = _mm256_add_ps(all, _mm256_add_ps(_mm256_add_ps(i, j), _mm256_add_ps(k, l)));
    float check = _mm256_cvtss_f32(all);
    printf("%.1f GMAC/s per core (%.2f FMA instructions per ns; checksum %.3f)\n",
           iterations * CHAINS * 8.0 / elapsed / 1e9, iterations * CHAINS / elapsed / 1e9, check);
    return 0;
}
