/*
 * A per-channel binary operation on nChw8c or nChw16c activations (AVX2):
 * destination[n, c, y, x] = source[n, c, y, x] ∘ operand[n, c], the
 * squeeze-and-excitation gate multiply among others. Work is split into
 * equal contiguous ranges of pixel vectors over the team.
 */
#include "CNativeKernels.h"
#include "openmp_team.h"

#include <immintrin.h>

#define KERNEL __attribute__((target("avx2,fma")))

enum { LANES = 8 };

int fovea_channel_binary_accepts(const fovea_channel_binary_shape *s) {
    if (s->batch <= 0 || s->channels <= 0 || s->pixels <= 0) return 0;
    if (s->block != LANES && s->block != 2 * LANES) return 0;
    if (s->operandBatch != 1 && s->operandBatch != s->batch) return 0;
    return s->operation >= FOVEA_BINARY_ADD && s->operation <= FOVEA_BINARY_DIVIDE;
}

typedef struct {
    const fovea_channel_binary_shape *shape;
    const float *source, *operand;
    float *destination;
} job;

/* The operand's `block` values for one channel block; channels past the
 * last pad with the operation's identity, so the layout's zero padding
 * stays zero (0 / 0 would leave NaN there for the next convolution). */
static void operand_block(const fovea_channel_binary_shape *s, const float *operand, int image, int channelBlock,
                          float *values) {
    const float identity = s->operation == FOVEA_BINARY_MULTIPLY || s->operation == FOVEA_BINARY_DIVIDE ? 1.0f : 0.0f;
    const float *row = operand + (long)(s->operandBatch == 1 ? 0 : image) * s->channels;
    for (int lane = 0; lane < s->block; lane++) {
        const int channel = channelBlock * s->block + lane;
        values[lane] = channel < s->channels ? row[channel] : identity;
    }
}

KERNEL static __m256 apply(int operation, __m256 x, __m256 y) {
    switch (operation) {
    case FOVEA_BINARY_ADD: return _mm256_add_ps(x, y);
    case FOVEA_BINARY_SUBTRACT: return _mm256_sub_ps(x, y);
    case FOVEA_BINARY_MULTIPLY: return _mm256_mul_ps(x, y);
    default: return _mm256_div_ps(x, y);
    }
}

/* Floats [first, last) of one channel block's plane, all 8-lane aligned to the block. */
KERNEL static void run_span(int operation, const float *source, float *destination, const float *values, int block,
                            long first, long last) {
    const __m256 low = _mm256_loadu_ps(values), high = block == 2 * LANES ? _mm256_loadu_ps(values + LANES) : low;
    for (long at = first; at < last; at += LANES) {
        const __m256 y = block == LANES || (at % block) == 0 ? low : high;
        _mm256_storeu_ps(destination + at, apply(operation, _mm256_loadu_ps(source + at), y));
    }
}

static void run_thread(void *context) {
    const job *jb = context;
    const fovea_channel_binary_shape *s = jb->shape;
    const int thread = fovea_team_thread(), threads = fovea_team_size();
    const long planeFloats = (long)s->pixels * s->block;
    const long planes = (long)s->batch * ((s->channels + s->block - 1) / s->block);
    const long vectors = planes * planeFloats / LANES;
    const long begin = vectors * thread / threads * LANES, end = vectors * (thread + 1) / threads * LANES;
    float values[2 * LANES];
    for (long at = begin; at < end;) {
        const long plane = at / planeFloats, planeEnd = (plane + 1) * planeFloats;
        const long last = planeEnd < end ? planeEnd : end;
        const int channelBlocks = (s->channels + s->block - 1) / s->block;
        operand_block(s, jb->operand, (int)(plane / channelBlocks), (int)(plane % channelBlocks), values);
        run_span(s->operation, jb->source, jb->destination, values, s->block, at, last);
        at = last;
    }
}

void fovea_channel_binary_run(const fovea_channel_binary_shape *shape, const float *source, const float *operand,
                              float *destination, int threads) {
    job jb = {shape, source, operand, destination};
    fovea_team_run(run_thread, &jb, threads < 1 ? 1 : threads);
}
