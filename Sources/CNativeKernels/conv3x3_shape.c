#include "conv3x3_shape.h"

int fovea_conv3x3_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/* The padding after the last row or column implied by the output size. */
static int trailing_pad(int input, int output, int stride, int leading) {
    return (output - 1) * stride + 3 - input - leading;
}

int fovea_conv3x3_shape_valid(const fovea_conv3x3_shape *s) {
    if (s->batch <= 0 || s->channels <= 0 || s->outputChannels <= 0) return 0;
    if (s->channels % 8 != 0 || s->outputChannels % 16 != 0) return 0;
    if (s->height <= 0 || s->width <= 0 || s->outputHeight <= 0 || s->outputWidth <= 0) return 0;
    if (s->stride != 1 && s->stride != 2) return 0;
    int bottom = trailing_pad(s->height, s->outputHeight, s->stride, s->padTop);
    int right = trailing_pad(s->width, s->outputWidth, s->stride, s->padLeft);
    /* Stride 2 may leave the last input row unread: a "pad" of -1. */
    int lowest = s->stride == 2 ? -1 : 0;
    return s->padTop >= 0 && s->padTop <= 2 && s->padLeft >= 0 && s->padLeft <= 2
        && bottom >= lowest && bottom <= 2 && right >= lowest && right <= 2;
}
