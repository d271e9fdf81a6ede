/*
 * A fully connected layer for one image (y = W·x + b, optionally ReLU) on
 * AVX2: a matrix-vector product, bound by how fast the weights stream from
 * memory. Threads take equal contiguous ranges of output rows (or of
 * output blocks), each read once.
 */
#include "CNativeKernels.h"
#include "openmp_team.h"

#include <immintrin.h>

#define KERNEL __attribute__((target("avx2,fma")))

enum { LANES = 8, ROWS = 4, MAX_BLOCK = 64, BLOCK_INPUTS = 16 };

int fovea_gemv_accepts(const fovea_gemv_shape *s) {
    if (s->outputs <= 0 || s->inputs <= 0) return 0;
    return s->blockOutputs == 0 || s->blockOutputs == 16 || s->blockOutputs == 32 || s->blockOutputs == MAX_BLOCK;
}

typedef struct {
    const fovea_gemv_shape *shape;
    const float *weights, *bias, *source;
    float *destination;
} job;

KERNEL static float horizontal_sum(__m256 v) {
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
    return _mm_cvtss_f32(sum);
}

static float finish(const job *jb, int output, float sum) {
    if (jb->bias) sum += jb->bias[output];
    return jb->shape->relu && sum < 0 ? 0 : sum;
}

/* Rows [first, last) of a row-major outputs × inputs matrix, four at a time. */
KERNEL static void run_rows(const job *jb, int first, int last) {
    const int inputs = jb->shape->inputs, vectorEnd = inputs / LANES * LANES;
    const float *x = jb->source;
    int row = first;
    for (; row + ROWS <= last; row += ROWS) {
        const float *w = jb->weights + (long)row * inputs;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < vectorEnd; k += LANES) {
            const __m256 v = _mm256_loadu_ps(x + k);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + k), v, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + inputs + k), v, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w + 2L * inputs + k), v, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w + 3L * inputs + k), v, a3);
        }
        float sums[ROWS] = {horizontal_sum(a0), horizontal_sum(a1), horizontal_sum(a2), horizontal_sum(a3)};
        for (int r = 0; r < ROWS; r++) {
            for (int k = vectorEnd; k < inputs; k++) sums[r] += w[(long)r * inputs + k] * x[k];
            jb->destination[row + r] = finish(jb, row + r, sums[r]);
        }
    }
    for (; row < last; row++) {
        const float *w = jb->weights + (long)row * inputs;
        __m256 a = _mm256_setzero_ps();
        for (int k = 0; k < vectorEnd; k += LANES) a = _mm256_fmadd_ps(_mm256_loadu_ps(w + k), _mm256_loadu_ps(x + k), a);
        float sum = horizontal_sum(a);
        for (int k = vectorEnd; k < inputs; k++) sum += w[k] * x[k];
        jb->destination[row] = finish(jb, row, sum);
    }
}

/* Output blocks [first, last) of oneDNN's AB16b{B}a layout: per block of B
 * outputs, input k's B weights are contiguous (inputs padded to 16, outputs
 * to B). `width` (B) is 16, 32 or 64, inlined per value. */
KERNEL static inline __attribute__((always_inline)) void run_blocks_of(const job *jb, int first, int last, const int width) {
    const int inputs = jb->shape->inputs, outputs = jb->shape->outputs;
    const long paddedInputs = (inputs + BLOCK_INPUTS - 1) / BLOCK_INPUTS * BLOCK_INPUTS;
    for (int block = first; block < last; block++) {
        const float *w = jb->weights + block * paddedInputs * width;
        __m256 a[MAX_BLOCK / LANES];
        for (int i = 0; i < width / LANES; i++) a[i] = _mm256_setzero_ps();
        for (int k = 0; k < inputs; k++) {
            const __m256 v = _mm256_broadcast_ss(jb->source + k);
            const float *column = w + (long)k * width;
            for (int i = 0; i < width / LANES; i++) a[i] = _mm256_fmadd_ps(_mm256_loadu_ps(column + i * LANES), v, a[i]);
        }
        float sums[MAX_BLOCK];
        for (int i = 0; i < width / LANES; i++) _mm256_storeu_ps(sums + i * LANES, a[i]);
        for (int o = 0; o < width && block * width + o < outputs; o++) {
            jb->destination[block * width + o] = finish(jb, block * width + o, sums[o]);
        }
    }
}

KERNEL static void run_blocks(const job *jb, int first, int last) {
    switch (jb->shape->blockOutputs) {
    case 16: run_blocks_of(jb, first, last, 16); break;
    case 32: run_blocks_of(jb, first, last, 32); break;
    default: run_blocks_of(jb, first, last, MAX_BLOCK); break;
    }
}

static void run_thread(void *context) {
    const job *jb = context;
    const int thread = fovea_team_thread(), threads = fovea_team_size();
    if (jb->shape->blockOutputs == 0) {
        const long groups = (jb->shape->outputs + ROWS - 1) / ROWS;
        const int first = (int)(groups * thread / threads) * ROWS, last = (int)(groups * (thread + 1) / threads) * ROWS;
        run_rows(jb, first, last < jb->shape->outputs ? last : jb->shape->outputs);
    } else {
        const long blocks = (jb->shape->outputs + jb->shape->blockOutputs - 1) / jb->shape->blockOutputs;
        run_blocks(jb, (int)(blocks * thread / threads), (int)(blocks * (thread + 1) / threads));
    }
}

void fovea_gemv_run(const fovea_gemv_shape *shape, const float *weights, const float *bias, const float *source,
                    float *destination, int threads) {
    job jb = {shape, weights, bias, source, destination};
    fovea_team_run(run_thread, &jb, threads < 1 ? 1 : threads);
}
