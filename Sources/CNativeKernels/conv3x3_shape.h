/* Checks shared by the 3×3 convolution kernels. */
#ifndef FOVEA_CONV3X3_SHAPE_H
#define FOVEA_CONV3X3_SHAPE_H

#include "CNativeKernels.h"

/* Positive sizes, 8-channel inputs and 16-channel outputs, stride 1 or 2,
   and output sizes that follow from pads of 0–2 on each side. */
int fovea_conv3x3_shape_valid(const fovea_conv3x3_shape *shape);

#endif
