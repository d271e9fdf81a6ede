/*
 * Kernels oneDNN 2.6 lacks, or runs slowly: 3×3 convolutions and max
 * pooling on AVX2 CPUs, per-channel binary operations on 8-channel blocks,
 * and fully connected layers for one image.
 *
 * oneDNN's Winograd convolution needs AVX-512, so on AVX2 machines every 3×3
 * convolution runs as a direct convolution. Winograd F(4×4, 3×3) computes
 * each 4×4 output tile with 36 multiplications per channel pair instead of
 * 144 (F(2×2, 3×3): 16 instead of 36), which is where most of ResNet's time
 * goes; a direct kernel blocked over output pixels covers small images.
 *
 * Activations use oneDNN's nChw8c layout (8 channels innermost, the layout
 * oneDNN's AVX2 convolutions choose), so the kernels sit between oneDNN
 * primitives without reorders. Threads come from the same GNU OpenMP team
 * oneDNN uses, so the two never compete for cores.
 */
#ifndef FOVEA_CNATIVEKERNELS_H
#define FOVEA_CNATIVEKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One fixed-shape 3×3, undilated, ungrouped convolution. */
typedef struct {
    int batch;
    /** Input channels, a multiple of 8. */
    int channels;
    /** Output channels, a multiple of 16. */
    int outputChannels;
    int height, width;
    int outputHeight, outputWidth;
    /** Zero padding before the first row and column (0, 1 or 2). */
    int padTop, padLeft;
    /** The same along both axes: 1 (Winograd and direct) or 2 (direct). */
    int stride;
} fovea_conv3x3_shape;

typedef enum {
    /** Adds the value already at the destination (a residual connection). */
    FOVEA_EPILOGUE_ADD_DESTINATION = 0,
    /** x < 0 ? alpha·x : x (alpha 0: ReLU). */
    FOVEA_EPILOGUE_RELU = 1,
    /** min(max(x, alpha), beta) (ReLU6 and other clips). */
    FOVEA_EPILOGUE_CLIP = 2,
} fovea_epilogue_kind;

typedef struct {
    fovea_epilogue_kind kind;
    float alpha, beta;
} fovea_epilogue_step;

enum { FOVEA_EPILOGUE_MAX_STEPS = 4 };

/** Applied in order to each output value after the bias. */
typedef struct {
    int count;
    fovea_epilogue_step steps[FOVEA_EPILOGUE_MAX_STEPS];
} fovea_epilogue;

/** Whether this CPU can run the kernels (AVX2 and FMA). */
int fovea_conv3x3_supported(void);

/* ---- Winograd, stride 1 -------------------------------------------------- */

typedef enum {
    /** F(4×4, 3×3): 6×6 input tiles, 4× fewer multiplications than direct. */
    FOVEA_WINOGRAD_F4 = 0,
    /** F(2×2, 3×3): 4×4 input tiles, 2.25× fewer, weights 16/9 the direct size. */
    FOVEA_WINOGRAD_F2 = 1,
} fovea_winograd_variant;

/** Whether `shape` is one the Winograd kernels compute (stride 1, channel multiples, pads). */
int fovea_winograd_accepts(const fovea_conv3x3_shape *shape);

/** Floats of transformed weights for `channels` → `outputChannels`. */
size_t fovea_winograd_weights_count(fovea_winograd_variant variant, int channels, int outputChannels);

/**
 * Transforms OIHW 3×3 weights into the variant's Winograd domain.
 * `transformed` holds `fovea_winograd_weights_count` floats, 32-byte aligned.
 */
void fovea_winograd_transform_weights(fovea_winograd_variant variant, const float *weights, int channels,
                                      int outputChannels, float *transformed);

/** Scratch floats `fovea_winograd_run` needs with up to `threads` threads. */
size_t fovea_winograd_scratch_count(fovea_winograd_variant variant, const fovea_conv3x3_shape *shape, int threads);

/**
 * Runs the convolution with up to `threads` OpenMP threads.
 *
 * `source` and `destination` are nChw8c; `bias` has `outputChannels` floats or
 * is NULL; `scratch` is 32-byte aligned and holds
 * `fovea_winograd_scratch_count(variant, shape, threads)` floats. `source` must
 * not overlap `destination`.
 */
void fovea_winograd_run(fovea_winograd_variant variant, const fovea_conv3x3_shape *shape, const float *transformed,
                        const float *bias, const fovea_epilogue *epilogue, const float *source, float *destination,
                        float *scratch, int threads);

/* ---- Direct convolution for small images --------------------------------
 *
 * oneDNN's AVX2 direct kernel blocks output pixels along a row, which a 7×7
 * image leaves mostly empty: ResNet's last stage ran at ~70 % of the FMA peak
 * on one core and barely faster on two. This kernel treats the convolution as
 * a matrix product of output pixels (in register blocks of 6, across rows and
 * images) by output channels (blocks of 16), reading taps from a zero-padded
 * copy of the input, so small images fill the registers as well as large ones.
 */

/** Whether `shape` is one the direct kernel computes (channel multiples, stride 1 or 2, pads). */
int fovea_direct3x3_accepts(const fovea_conv3x3_shape *shape);

/** Floats of packed weights for `channels` → `outputChannels`. */
size_t fovea_direct3x3_weights_count(int channels, int outputChannels);

/** Packs OIHW 3×3 weights for the kernel; `packed` is 32-byte aligned. */
void fovea_direct3x3_pack_weights(const float *weights, int channels, int outputChannels, float *packed);

/** Scratch floats `fovea_direct3x3_run` needs (the padded input). */
size_t fovea_direct3x3_scratch_count(const fovea_conv3x3_shape *shape);

/** As `fovea_winograd_run`, with weights from `fovea_direct3x3_pack_weights`. */
void fovea_direct3x3_run(const fovea_conv3x3_shape *shape, const float *packed, const float *bias,
                         const fovea_epilogue *epilogue, const float *source, float *destination,
                         float *scratch, int threads);

/* ---- Max pooling ----------------------------------------------------------
 *
 * oneDNN 2.6's AVX2 max pooling took 4–5× onnxruntime's time on the pooling
 * after ResNet's and ShuffleNet's first convolution (64 channels, 112×112,
 * 3×3 stride 2: 0.43–0.73 ms against 0.1 ms).
 */

/** One fixed-shape 2-D max pooling, undilated, on nChw8c or nChw16c activations. */
typedef struct {
    int batch;
    /** Channels per block: 8 (nChw8c) or 16 (nChw16c). */
    int block;
    /** Channels in blocks (the layout pads the last block). */
    int channelBlocks;
    int height, width;
    int outputHeight, outputWidth;
    int kernelHeight, kernelWidth;
    int strideHeight, strideWidth;
    /** Padding before the first row and column; padding never wins a maximum. */
    int padTop, padLeft;
} fovea_max_pool_shape;

/** Whether `shape` is valid and every window covers at least one input pixel. */
int fovea_max_pool_accepts(const fovea_max_pool_shape *shape);

/** Pools `source` into `destination` (both in the block layout, not overlapping) with up to `threads` OpenMP threads. */
void fovea_max_pool_run(const fovea_max_pool_shape *shape, const float *source, float *destination, int threads);

/* ---- Per-channel binary operations -----------------------------------------
 *
 * oneDNN 2.6 on an AVX-512 CPU runs a binary operation on nChw8c (the layout
 * of RegNet's 8-channel groups) on its reference kernel only: RegNetY's
 * squeeze-and-excitation gate multiplies took most of its run there
 * (BENCHMARKS.md, "The AVX-512 host, 2026-12-08").
 */

typedef enum {
    FOVEA_BINARY_ADD,
    FOVEA_BINARY_SUBTRACT,
    FOVEA_BINARY_MULTIPLY,
    FOVEA_BINARY_DIVIDE,
} fovea_binary_operation;

/** `source` (N×C×H×W in nChw8c or nChw16c) ∘ `operand` (plain, N×C or 1×C). */
typedef struct {
    int batch;
    /** Channels per block: 8 (nChw8c) or 16 (nChw16c). */
    int block;
    /** Channels (the layout pads the last block). */
    int channels;
    /** Height × width. */
    int pixels;
    /** Images of the operand: 1 (shared) or `batch`. */
    int operandBatch;
    /** A `fovea_binary_operation`; the source is its left side. */
    int operation;
} fovea_channel_binary_shape;

/** Whether `shape` is one the kernel computes. */
int fovea_channel_binary_accepts(const fovea_channel_binary_shape *shape);

/** Computes `destination` (the source's layout; may be `source`) with up to `threads` OpenMP threads. The padding lanes stay zero. */
void fovea_channel_binary_run(const fovea_channel_binary_shape *shape, const float *source, const float *operand,
                              float *destination, int threads);

/* ---- Fully connected layers for one image -----------------------------------
 *
 * At batch 1 a fully connected layer streams its weights once; oneDNN 2.6's
 * kernels read them more slowly than memory delivers (AlexNet's 9216 × 4096
 * layer: BENCHMARKS.md, "The AVX-512 host, 2026-12-08").
 */

typedef struct {
    int outputs, inputs;
    /** 0: row-major outputs × inputs. 16, 32 or 64: oneDNN's AB16b{16,32,64}a,
     * blocks of that many outputs, within each the weights of an input
     * contiguous; inputs padded to 16 and outputs to the block, with zeros. */
    int blockOutputs;
    /** Whether a ReLU follows. */
    int relu;
} fovea_gemv_shape;

/** Whether `shape` is one the kernel computes. */
int fovea_gemv_accepts(const fovea_gemv_shape *shape);

/** `destination` (outputs) = weights · `source` (inputs) + `bias` (may be NULL), with up to `threads` OpenMP threads. */
void fovea_gemv_run(const fovea_gemv_shape *shape, const float *weights, const float *bias, const float *source,
                    float *destination, int threads);

#ifdef __cplusplus
}
#endif

#endif
