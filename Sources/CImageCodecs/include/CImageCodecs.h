/* Bridge to libjpeg-turbo and libpng (Debian libjpeg-dev, libpng-dev). */
#ifndef FOVEA_CIMAGECODECS_H
#define FOVEA_CIMAGECODECS_H
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
#endif
