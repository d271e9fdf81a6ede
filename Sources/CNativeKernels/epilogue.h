/*
 * Bias and epilogue (residual sum, ReLU, clip) applied to a block of results
 * before they are stored, shared by the convolution kernels.
 */
#ifndef FOVEA_EPILOGUE_H
#define FOVEA_EPILOGUE_H

#include "CNativeKernels.h"

#include <immintrin.h>

/* values[i] (8 channels) + bias[i], the epilogue steps, then stored to
   pixels[i]. Steps run outermost so each is decided once per block, not per
   value. */
static inline __attribute__((always_inline, target("avx2,fma")))
void fovea_store_with_epilogue(__m256 *values, const __m256 *bias, float *const *pixels, int count,
                               const fovea_epilogue *epilogue) {
    for (int i = 0; i < count; i++) values[i] = _mm256_add_ps(values[i], bias[i]);
    for (int s = 0; s < epilogue->count; s++) {
        const fovea_epilogue_step step = epilogue->steps[s];
        const __m256 zero = _mm256_setzero_ps(), alpha = _mm256_set1_ps(step.alpha), beta = _mm256_set1_ps(step.beta);
        for (int i = 0; i < count; i++) {
            __m256 x = values[i];
            switch (step.kind) {
            case FOVEA_EPILOGUE_ADD_DESTINATION:
                x = _mm256_add_ps(x, _mm256_loadu_ps(pixels[i]));
                break;
            case FOVEA_EPILOGUE_RELU:
                x = _mm256_blendv_ps(x, _mm256_mul_ps(x, alpha), _mm256_cmp_ps(x, zero, _CMP_LT_OQ));
                break;
            case FOVEA_EPILOGUE_CLIP:
                x = _mm256_min_ps(_mm256_max_ps(x, alpha), beta);
                break;
            }
            values[i] = x;
        }
    }
    for (int i = 0; i < count; i++) _mm256_storeu_ps(pixels[i], values[i]);
}

#endif
