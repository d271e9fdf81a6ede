/*
 * libpng behind setjmp/longjmp: see include/CImageCodecs.h.
 *
 * libpng's error callback must not return; it longjmps to png_jmpbuf, which
 * every exported function below sets before touching the library.
 */
#include "CImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

struct fovea_png_decoder {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    int truncated;
    /* Owned here rather than by a local so a longjmp cannot leak it. */
    png_bytep *rows;
    char message[FOVEA_CODEC_MESSAGE_CAPACITY];
};

static void on_error(png_structp png, png_const_charp text) {
    struct fovea_png_decoder *decoder = png_get_error_ptr(png);
    snprintf(decoder->message, sizeof decoder->message, "%s", text);
    png_longjmp(png, 1);
}

/* Warnings concern ancillary chunks we do not use (gamma, text, ICC). */
static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void on_read(png_structp png, png_bytep out, size_t length) {
    struct fovea_png_decoder *decoder = png_get_io_ptr(png);
    if (length > decoder->size - decoder->offset) {
        decoder->truncated = 1;
        png_error(png, "PNG data ends before the image is complete");
    }
    memcpy(out, decoder->data + decoder->offset, length);
    decoder->offset += length;
}

static fovea_codec_status failure_status(const struct fovea_png_decoder *decoder) {
    return decoder->truncated ? FOVEA_CODEC_TRUNCATED : FOVEA_CODEC_CORRUPT;
}

fovea_png_decoder *fovea_png_create(void) {
    return calloc(1, sizeof(struct fovea_png_decoder));
}

void fovea_png_destroy(fovea_png_decoder *decoder) {
    if (decoder == NULL) {
        return;
    }
    if (decoder->png != NULL) {
        png_destroy_read_struct(&decoder->png, decoder->info != NULL ? &decoder->info : NULL, NULL);
    }
    free(decoder->rows);
    free(decoder);
}

const char *fovea_png_message(const fovea_png_decoder *decoder) {
    return decoder->message;
}

fovea_codec_status fovea_png_read_header(fovea_png_decoder *decoder, const uint8_t *data, size_t size,
                                         uint32_t max_dimension, fovea_png_header *header) {
    memset(header, 0, sizeof *header);
    if (decoder->png != NULL) {
        snprintf(decoder->message, sizeof decoder->message, "decoder already used");
        return FOVEA_CODEC_FAILED;
    }
    decoder->data = data;
    decoder->size = size;
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, decoder, on_error, on_warning);
    if (decoder->png == NULL) {
        snprintf(decoder->message, sizeof decoder->message, "out of memory");
        return FOVEA_CODEC_FAILED;
    }
    decoder->info = png_create_info_struct(decoder->png);
    if (decoder->info == NULL) {
        snprintf(decoder->message, sizeof decoder->message, "out of memory");
        return FOVEA_CODEC_FAILED;
    }
    png_structp png = decoder->png;
    png_infop info = decoder->info;
    if (setjmp(png_jmpbuf(png))) {
        return failure_status(decoder);
    }
    png_set_read_fn(png, decoder, on_read);
    png_set_user_limits(png, max_dimension, max_dimension);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);

    /* Palette → RGB, gray below 8 bits → 8 bits, tRNS → alpha channel. */
    png_set_expand(png);
    /* Keeping the high byte is what Pillow does for 16-bit RGB(A). */
    png_set_strip_16(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
        png_set_gray_to_rgb(png);
    }
    if (interlace != PNG_INTERLACE_NONE) {
        png_set_interlace_handling(png);
    }
    png_read_update_info(png, info);

    header->width = width;
    header->height = height;
    header->bit_depth = bit_depth;
    header->color_type = color_type;
    header->interlaced = interlace != PNG_INTERLACE_NONE;
    header->output_channels = png_get_channels(png, info);
    if (png_get_bit_depth(png, info) != 8 || (header->output_channels != 3 && header->output_channels != 4)) {
        snprintf(decoder->message, sizeof decoder->message, "PNG layout could not be expanded to 8-bit RGB");
        return FOVEA_CODEC_CORRUPT;
    }
    return FOVEA_CODEC_OK;
}

fovea_codec_status fovea_png_read_image(fovea_png_decoder *decoder, uint8_t *dst, size_t stride) {
    if (decoder->png == NULL || decoder->rows != NULL) {
        snprintf(decoder->message, sizeof decoder->message, "header not read or image already decoded");
        return FOVEA_CODEC_FAILED;
    }
    png_uint_32 height = png_get_image_height(decoder->png, decoder->info);
    if (png_get_rowbytes(decoder->png, decoder->info) > stride) {
        snprintf(decoder->message, sizeof decoder->message, "destination rows are too short");
        return FOVEA_CODEC_FAILED;
    }
    decoder->rows = malloc(sizeof(png_bytep) * (height > 0 ? height : 1));
    if (decoder->rows == NULL) {
        snprintf(decoder->message, sizeof decoder->message, "out of memory");
        return FOVEA_CODEC_FAILED;
    }
    for (png_uint_32 y = 0; y < height; y++) {
        decoder->rows[y] = dst + (size_t)y * stride;
    }
    if (setjmp(png_jmpbuf(decoder->png))) {
        return failure_status(decoder);
    }
    png_read_image(decoder->png, decoder->rows);
    return FOVEA_CODEC_OK;
}
