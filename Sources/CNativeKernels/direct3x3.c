/*
 * Direct 3×3 convolution on nChw8c activations (AVX2 + FMA), as a matrix
 * product of output pixels × output channels over (input channel, tap).
 *
 * Register blocks hold 6 output pixels × 16 output channels; the 6 pixels
 * are consecutive in (image, row, column) order, so they may span rows and
 * images and a 7×7 image fills blocks as well as a large one. Taps read a
 * zero-padded copy of the input, so the inner loop has no bounds checks.
 */
#include "CNativeKernels.h"
#include "conv3x3_shape.h"
#include "epilogue.h"
#include "openmp_team.h"

#include <immintrin.h>
#include <string.h>

#define KERNEL __attribute__((target("avx2,fma")))
#define INLINE_KERNEL static inline __attribute__((always_inline, target("avx2,fma")))

enum {
    LANES = 8,      /* channels per nChw8c pixel */
    ROWS = 6,       /* output pixels per register block */
    COLUMNS = 16,   /* output channels per register block */
    TAPS = 9,
    /* Input channel blocks per slice: 4 × 9 taps × 8 × 16 floats = 18 KB of
       weights, which stay in L1. */
    SLICE_BLOCKS = 2,
    /* Pixel blocks per span: their partial sums (18 KB) stay in L1 too. */
    SPAN_ROWS = 48,
};

int fovea_direct3x3_accepts(const fovea_conv3x3_shape *shape) { return fovea_conv3x3_shape_valid(shape); }

size_t fovea_direct3x3_weights_count(int channels, int outputChannels) {
    return (size_t)TAPS * (size_t)channels * (size_t)outputChannels;
}

/* Packed layout: [output block of 16][input block of 8][tap][channel][16],
   the order the FMA kernel streams them in. */
void fovea_direct3x3_pack_weights(const float *weights, int channels, int outputChannels, float *packed) {
    const size_t blocks = (size_t)channels / LANES;
    for (int k = 0; k < outputChannels; k++) {
        for (int c = 0; c < channels; c++) {
            for (int tap = 0; tap < TAPS; tap++) {
                size_t index = ((((size_t)k / COLUMNS * blocks + (size_t)c / LANES) * TAPS + tap) * LANES + c % LANES) * COLUMNS + k % COLUMNS;
                packed[index] = weights[((size_t)k * channels + c) * TAPS + tap];
            }
        }
    }
}

/* The padded input covers exactly the taps the outputs read. */
typedef struct {
    int height, width;
    size_t plane; /* floats per channel block of one image */
} padded_geometry;

static padded_geometry padded(const fovea_conv3x3_shape *s) {
    padded_geometry g;
    g.height = (s->outputHeight - 1) * s->stride + 3;
    g.width = (s->outputWidth - 1) * s->stride + 3;
    g.plane = (size_t)g.height * g.width * LANES;
    return g;
}

size_t fovea_direct3x3_scratch_count(const fovea_conv3x3_shape *shape) {
    return (size_t)shape->batch * (size_t)(shape->channels / LANES) * padded(shape).plane;
}

static void pad_input(const fovea_conv3x3_shape *s, padded_geometry g, const float *source, float *target) {
    const int planes = s->batch * (s->channels / LANES);
    const int copied = s->width < g.width - s->padLeft ? s->width : g.width - s->padLeft;
    const size_t pixel = LANES * sizeof(float);
    for (int plane = 0; plane < planes; plane++) {
        for (int y = 0; y < g.height; y++) {
            float *row = target + (size_t)plane * g.plane + (size_t)y * g.width * LANES;
            int sourceY = y - s->padTop;
            if (sourceY < 0 || sourceY >= s->height) {
                memset(row, 0, (size_t)g.width * pixel);
                continue;
            }
            memset(row, 0, (size_t)s->padLeft * pixel);
            memcpy(row + (size_t)s->padLeft * LANES,
                   source + ((size_t)plane * s->height + sourceY) * s->width * LANES, (size_t)copied * pixel);
            memset(row + (size_t)(s->padLeft + copied) * LANES, 0, (size_t)(g.width - s->padLeft - copied) * pixel);
        }
    }
}

/* partial[r] (+)= Σ over input blocks [firstBlock, endBlock), taps and
   channels of the pixel at base[r] times the packed weights `b` (already at
   `firstBlock`), for `rows` ≤ 6 pixels; `fresh` starts from zero. */
INLINE_KERNEL void multiply_block(const int rows, const float *const *base, const float *b, int firstBlock, int endBlock,
                                  size_t plane, size_t rowFloats, int fresh, float *partial) {
    /* Local copies, so the accumulators and pointers live in registers. */
    __m256 low[ROWS], high[ROWS];
    const float *p[ROWS];
    for (int r = 0; r < rows; r++) {
        low[r] = fresh ? _mm256_setzero_ps() : _mm256_load_ps(partial + r * COLUMNS);
        high[r] = fresh ? _mm256_setzero_ps() : _mm256_load_ps(partial + r * COLUMNS + LANES);
        p[r] = base[r];
    }
    for (int block = firstBlock; block < endBlock; block++) {
        for (int kh = 0; kh < 3; kh++) {
            for (int kw = 0; kw < 3; kw++) {
                const size_t offset = (size_t)block * plane + (size_t)kh * rowFloats + (size_t)kw * LANES;
                for (int c = 0; c < LANES; c++, b += COLUMNS) {
                    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + LANES);
                    for (int r = 0; r < rows; r++) {
                        __m256 x = _mm256_broadcast_ss(p[r] + offset + c);
                        low[r] = _mm256_fmadd_ps(x, b0, low[r]);
                        high[r] = _mm256_fmadd_ps(x, b1, high[r]);
                    }
                }
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        _mm256_store_ps(partial + r * COLUMNS, low[r]);
        _mm256_store_ps(partial + r * COLUMNS + LANES, high[r]);
    }
}

KERNEL static void multiply(int rows, const float *const *base, const float *b, int firstBlock, int endBlock, size_t plane,
                            size_t rowFloats, int fresh, float *partial) {
    switch (rows) {
    case 6: multiply_block(6, base, b, firstBlock, endBlock, plane, rowFloats, fresh, partial); break;
    case 5: multiply_block(5, base, b, firstBlock, endBlock, plane, rowFloats, fresh, partial); break;
    case 4: multiply_block(4, base, b, firstBlock, endBlock, plane, rowFloats, fresh, partial); break;
    case 3: multiply_block(3, base, b, firstBlock, endBlock, plane, rowFloats, fresh, partial); break;
    case 2: multiply_block(2, base, b, firstBlock, endBlock, plane, rowFloats, fresh, partial); break;
    default: multiply_block(1, base, b, firstBlock, endBlock, plane, rowFloats, fresh, partial); break;
    }
}

typedef struct {
    const fovea_conv3x3_shape *shape;
    const float *packed, *bias;
    const fovea_epilogue *epilogue;
    const float *padded;
    float *destination;
} job;

/* Output pixels [first, first + count) (count ≤ 6 · SPAN_ROWS) × output
   block `column`. The input channels are walked in slices whose weights
   stay in L1 while every pixel block reads them; partial sums wait in
   `partial` between slices. */
KERNEL static void run_span(const job *jb, padded_geometry g, long first, long count, int column, float *partial) {
    const fovea_conv3x3_shape *s = jb->shape;
    const int blocks = s->channels / LANES, outputBlocks = s->outputChannels / LANES;
    const int pixelsPerImage = s->outputHeight * s->outputWidth;
    const float *weights = jb->packed + (size_t)column * blocks * TAPS * LANES * COLUMNS;
    for (int slice = 0; slice < blocks; slice += SLICE_BLOCKS) {
        int end = slice + SLICE_BLOCKS < blocks ? slice + SLICE_BLOCKS : blocks;
        for (long offset = 0; offset < count; offset += ROWS) {
            int rows = count - offset < ROWS ? (int)(count - offset) : ROWS;
            const float *base[ROWS];
            for (int r = 0; r < rows; r++) {
                long pixel = first + offset + r;
                int image = (int)(pixel / pixelsPerImage), within = (int)(pixel % pixelsPerImage);
                int y = within / s->outputWidth, x = within % s->outputWidth;
                base[r] = jb->padded + (size_t)image * blocks * g.plane + ((size_t)y * s->stride * g.width + (size_t)x * s->stride) * LANES;
            }
            multiply(rows, base, weights + (size_t)slice * TAPS * LANES * COLUMNS, slice, end, g.plane, (size_t)g.width * LANES,
                     slice == 0, partial + offset * COLUMNS);
        }
    }
    __m256 values[2 * ROWS], biases[2 * ROWS];
    float *pixels[2 * ROWS];
    for (long offset = 0; offset < count; offset += ROWS) {
        int rows = count - offset < ROWS ? (int)(count - offset) : ROWS;
        for (int r = 0; r < rows; r++) {
            long pixel = first + offset + r;
            int image = (int)(pixel / pixelsPerImage), within = (int)(pixel % pixelsPerImage);
            for (int half = 0; half < 2; half++) {
                size_t plane = (size_t)image * outputBlocks + (size_t)column * 2 + half;
                pixels[2 * r + half] = jb->destination + (plane * pixelsPerImage + within) * LANES;
                values[2 * r + half] = _mm256_load_ps(partial + (offset + r) * COLUMNS + half * LANES);
                biases[2 * r + half] = jb->bias ? _mm256_loadu_ps(jb->bias + column * COLUMNS + half * LANES) : _mm256_setzero_ps();
            }
        }
        fovea_store_with_epilogue(values, biases, pixels, 2 * rows, jb->epilogue);
    }
}

/* Work items are (output block, pixel block) pairs, output block outermost,
   split into equal contiguous ranges: a thread mostly keeps one block's
   weights in cache while it walks the pixels. */
static void run_thread(void *context) {
    const job *jb = context;
    const fovea_conv3x3_shape *s = jb->shape;
    const int thread = fovea_team_thread(), threads = fovea_team_size();
    const padded_geometry g = padded(s);
    const long pixels = (long)s->batch * s->outputHeight * s->outputWidth;
    const long rowBlocks = (pixels + ROWS - 1) / ROWS, items = rowBlocks * (s->outputChannels / COLUMNS);
    const long begin = items * thread / threads, end = items * (thread + 1) / threads;
    float partial[SPAN_ROWS * ROWS * COLUMNS] __attribute__((aligned(32)));
    for (long item = begin; item < end;) {
        int column = (int)(item / rowBlocks);
        long row = item % rowBlocks, rows = rowBlocks - row;
        if (rows > end - item) rows = end - item;
        if (rows > SPAN_ROWS) rows = SPAN_ROWS;
        long first = row * ROWS, count = (row + rows) * ROWS < pixels ? rows * ROWS : pixels - first;
        run_span(jb, g, first, count, column, partial);
        item += rows;
    }
}

void fovea_direct3x3_run(const fovea_conv3x3_shape *shape, const float *packed, const float *bias,
                         const fovea_epilogue *epilogue, const float *source, float *destination,
                         float *scratch, int threads) {
    pad_input(shape, padded(shape), source, scratch);
    job jb = {shape, packed, bias, epilogue, scratch, destination};
    fovea_team_run(run_thread, &jb, threads < 1 ? 1 : threads);
}
