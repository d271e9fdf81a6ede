/*
 * Both passes keep Pillow's rounding to whole levels after each pass (the
 * models were trained on its 8-bit output). Vectors are clang's extended
 * vectors, so the same source serves every architecture. Each loop body is
 * compiled twice on x86-64, for the baseline and for AVX2 + FMA, and the
 * exported function picks one by the CPU it runs on.
 */
#include "CImageResampling.h"

#include <string.h>

#define BODY static inline __attribute__((always_inline))

typedef float float4 __attribute__((ext_vector_type(4)));
typedef float float8 __attribute__((ext_vector_type(8)));

/* Round half up and clamp to 0…255. Truncation is the floor here because
 * the value is already clamped to be non-negative, and it is a single
 * vectorizable conversion even without SSE4.1's round instruction. */
BODY float level(float value) {
    float clamped = value + 0.5f;
    clamped = clamped < 0 ? 0 : clamped;
    clamped = clamped > 255 ? 255 : clamped;
    return (float)(int32_t)clamped;
}

BODY float4 load4(const float *p) {
    float4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Source pixels to floats once per row, so each of the ~2 × scale taps an
 * output reads is one 4-lane load instead of a byte widening. The zeros
 * after the row are what reads past its end find (see resample_row). */
BODY void widen_row(const uint8_t *pixels, ptrdiff_t step, ptrdiff_t count, ptrdiff_t padding, float *scratch) {
    if (step == 3) {
        for (ptrdiff_t i = 0; i < 3 * count; i++) {
            scratch[i] = pixels[i];
        }
    } else {
        for (ptrdiff_t i = 0; i < count; i++) {
            const uint8_t *pixel = pixels + i * step;
            scratch[3 * i] = pixel[0];
            scratch[3 * i + 1] = pixel[1];
            scratch[3 * i + 2] = pixel[2];
        }
    }
    for (ptrdiff_t i = 3 * count; i < 3 * count + padding; i++) {
        scratch[i] = 0;
    }
}

BODY void resample_row(const uint8_t *pixels, ptrdiff_t step, ptrdiff_t count, const fovea_resample_taps *taps,
                       float *scratch, float *out) {
    widen_row(pixels, step, count, 3 * taps->max_taps + 1, scratch);
    const ptrdiff_t outputs = taps->outputs, max_taps = taps->max_taps;
    /* Two outputs per iteration, one in each half of an 8-lane vector: the
     * taps of one output form a chain of dependent multiply-adds, and two
     * chains side by side use the vector unit twice as well. Both run to the
     * longer chain's length; the shorter one's missing weights are zero and
     * its reads stay within the scratch row's zero padding. */
    ptrdiff_t x = 0;
    for (; x + 1 < outputs; x += 2) {
        const float *left = scratch + 3 * taps->first[x];
        const float *right = scratch + 3 * taps->first[x + 1];
        const float *left_weights = taps->weights + x * max_taps;
        const float *right_weights = left_weights + max_taps;
        const ptrdiff_t length = taps->taps[x] > taps->taps[x + 1] ? taps->taps[x] : taps->taps[x + 1];
        float8 sum = 0;
        for (ptrdiff_t t = 0; t < length; t++) {
            const float8 weights = {left_weights[t], left_weights[t], left_weights[t], left_weights[t],
                                    right_weights[t], right_weights[t], right_weights[t], right_weights[t]};
            sum += weights * __builtin_shufflevector(load4(left + 3 * t), load4(right + 3 * t), 0, 1, 2, 3, 4, 5, 6, 7);
        }
        /* Lane 3 of each half carries the next pixel's red, which nothing reads. */
        const float8 packed = __builtin_shufflevector(sum, sum, 0, 1, 2, 4, 5, 6, 3, 7);
        memcpy(out + 3 * x, &packed, 6 * sizeof(float));
    }
    if (x < outputs) {
        const float *pixel = scratch + 3 * taps->first[x];
        const float *weights = taps->weights + x * max_taps;
        float4 sum = 0;
        for (ptrdiff_t t = 0; t < taps->taps[x]; t++) {
            sum += weights[t] * load4(pixel + 3 * t);
        }
        memcpy(out + 3 * x, &sum, 3 * sizeof(float));
    }
    for (ptrdiff_t i = 0; i < 3 * outputs; i++) {
        out[i] = level(out[i]);
    }
}

BODY void resample_column(const float *lines, ptrdiff_t line_stride, ptrdiff_t taps, const float *weights,
                          ptrdiff_t length, float *out) {
    for (ptrdiff_t i = 0; i < length; i++) {
        out[i] = 0;
    }
    for (ptrdiff_t t = 0; t < taps; t++) {
        const float weight = weights[t];
        const float *restrict line = lines + t * line_stride;
        float *restrict target = out;
        for (ptrdiff_t i = 0; i < length; i++) {
            target[i] += weight * line[i];
        }
    }
    for (ptrdiff_t i = 0; i < length; i++) {
        out[i] = level(out[i]);
    }
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2,fma")))

static AVX2 void resample_row_avx2(const uint8_t *pixels, ptrdiff_t step, ptrdiff_t count,
                                   const fovea_resample_taps *taps, float *scratch, float *out) {
    resample_row(pixels, step, count, taps, scratch, out);
}

static AVX2 void resample_column_avx2(const float *lines, ptrdiff_t line_stride, ptrdiff_t taps, const float *weights,
                                      ptrdiff_t length, float *out) {
    resample_column(lines, line_stride, taps, weights, length, out);
}

static int has_avx2(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
#endif

void fovea_resample_row(const uint8_t *pixels, ptrdiff_t step, ptrdiff_t count, const fovea_resample_taps *taps,
                        float *scratch, float *out) {
#if defined(__x86_64__)
    if (has_avx2()) {
        resample_row_avx2(pixels, step, count, taps, scratch, out);
        return;
    }
#endif
    resample_row(pixels, step, count, taps, scratch, out);
}

void fovea_resample_column(const float *lines, ptrdiff_t line_stride, ptrdiff_t taps, const float *weights,
                           ptrdiff_t length, float *out) {
#if defined(__x86_64__)
    if (has_avx2()) {
        resample_column_avx2(lines, line_stride, taps, weights, length, out);
        return;
    }
#endif
    resample_column(lines, line_stride, taps, weights, length, out);
}
