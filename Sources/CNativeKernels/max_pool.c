/*
 * Max pooling on nChw8c or nChw16c activations (AVX2): each output pixel is
 * the lane-wise maximum of the input pixels its window covers, the window
 * clipped to the image (padding never wins a maximum). Work items are
 * output rows of one channel block of one image, split into equal
 * contiguous ranges over the team.
 */
#include "CNativeKernels.h"
#include "openmp_team.h"

#include <immintrin.h>
#include <math.h>

#define KERNEL __attribute__((target("avx2,fma")))

enum { LANES = 8 };

static int max_int(int a, int b) { return a > b ? a : b; }
static int min_int(int a, int b) { return a < b ? a : b; }

int fovea_max_pool_accepts(const fovea_max_pool_shape *s) {
    if (s->batch <= 0 || s->channelBlocks <= 0 || s->height <= 0 || s->width <= 0) return 0;
    if (s->block != LANES && s->block != 2 * LANES) return 0;
    if (s->outputHeight <= 0 || s->outputWidth <= 0 || s->kernelHeight <= 0 || s->kernelWidth <= 0) return 0;
    if (s->strideHeight <= 0 || s->strideWidth <= 0 || s->padTop < 0 || s->padLeft < 0) return 0;
    /* Every window must reach into the image, or its maximum would be -∞. */
    return s->padTop < s->kernelHeight && s->padLeft < s->kernelWidth
        && (s->outputHeight - 1) * s->strideHeight - s->padTop < s->height
        && (s->outputWidth - 1) * s->strideWidth - s->padLeft < s->width;
}

typedef struct {
    const fovea_max_pool_shape *shape;
    const float *source;
    float *destination;
} job;

/* One output row of one channel block; `lanes` (the block) is 8 or 16. */
KERNEL static inline __attribute__((always_inline)) void pool_row(const fovea_max_pool_shape *s, const float *plane, float *out,
                                                                  int row, const int lanes) {
    const int top = row * s->strideHeight - s->padTop;
    const int first = max_int(0, top), last = min_int(s->height, top + s->kernelHeight);
    for (int column = 0; column < s->outputWidth; column++) {
        const int left = column * s->strideWidth - s->padLeft;
        const int begin = max_int(0, left), end = min_int(s->width, left + s->kernelWidth);
        for (int lane = 0; lane < lanes; lane += LANES) {
            __m256 maximum = _mm256_set1_ps(-INFINITY);
            for (int y = first; y < last; y++) {
                const float *pixels = plane + (long)y * s->width * lanes + lane;
                for (int x = begin; x < end; x++) maximum = _mm256_max_ps(maximum, _mm256_loadu_ps(pixels + (long)x * lanes));
            }
            _mm256_storeu_ps(out + (long)column * lanes + lane, maximum);
        }
    }
}

KERNEL static void pool_row_of_block(const fovea_max_pool_shape *s, const float *plane, float *out, int row) {
    if (s->block == LANES) {
        pool_row(s, plane, out, row, LANES);
    } else {
        pool_row(s, plane, out, row, 2 * LANES);
    }
}

static void run_thread(void *context) {
    const job *jb = context;
    const fovea_max_pool_shape *s = jb->shape;
    const int thread = fovea_team_thread(), threads = fovea_team_size();
    const long items = (long)s->batch * s->channelBlocks * s->outputHeight;
    const long begin = items * thread / threads, end = items * (thread + 1) / threads;
    for (long item = begin; item < end; item++) {
        const long plane = item / s->outputHeight;
        const int row = (int)(item % s->outputHeight);
        pool_row_of_block(s, jb->source + plane * s->height * s->width * s->block,
                          jb->destination + (plane * s->outputHeight + row) * s->outputWidth * s->block, row);
    }
}

void fovea_max_pool_run(const fovea_max_pool_shape *shape, const float *source, float *destination, int threads) {
    job jb = {shape, source, destination};
    fovea_team_run(run_thread, &jb, threads < 1 ? 1 : threads);
}
