/*
 * The inner loops of FoveaImage's separable resampler: one output row of
 * each pass at a time, with the filter taps computed on the Swift side.
 *
 * Written in C so the compiler can vectorize them for the CPU at hand: on
 * x86-64 each is built for the baseline and for AVX2 + FMA, and picks one
 * by the CPU it runs on.
 */
#ifndef FOVEA_CIMAGERESAMPLING_H
#define FOVEA_CIMAGERESAMPLING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The taps of every output along one axis (see `ResampleAxis`). */
typedef struct {
    /** First source pixel of output i, counted from the first pixel passed in. */
    const ptrdiff_t *first;
    /** Taps of output i; its weights start at weights[i * max_taps]. */
    const ptrdiff_t *taps;
    const float *weights;
    ptrdiff_t max_taps;
    ptrdiff_t outputs;
} fovea_resample_taps;

/**
 * Horizontal pass over one row of 8-bit RGB pixels: writes 3 × outputs
 * interleaved RGB values, each rounded half up to a whole level in 0…255.
 *
 * pixels: the first of `count` source pixels; consecutive pixels are `step`
 *         bytes apart (3 for an upright image, negative when the axis is
 *         flipped, a row stride when it is rotated).
 * scratch: 3 × (count + taps->max_taps) + 1 floats of working memory.
 */
void fovea_resample_row(const uint8_t *pixels, ptrdiff_t step, ptrdiff_t count, const fovea_resample_taps *taps,
                        float *scratch, float *out);

/**
 * Vertical pass for one output row: out[i] = level(Σ_t weights[t] · lines[t · line_stride + i])
 * for i < length, over `taps` consecutive lines of floats.
 */
void fovea_resample_column(const float *lines, ptrdiff_t line_stride, ptrdiff_t taps, const float *weights,
                           ptrdiff_t length, float *out);

#ifdef __cplusplus
}
#endif

#endif
