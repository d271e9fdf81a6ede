/*
 * Narrow C API over libjpeg-turbo and libpng for FoveaImage.
 *
 * Both libraries report fatal errors by calling an error handler that must not
 * return; the only portable way to recover is setjmp/longjmp, which Swift
 * cannot express. Every function below that can reach library code installs
 * its own setjmp point, so a corrupt or truncated file comes back as a status
 * code plus a message instead of terminating the process.
 *
 * Neither library's headers are exposed to Swift: decoders are opaque handles,
 * which keeps the Swift side independent of libjpeg's struct layout.
 */
#ifndef FOVEA_CIMAGECODECS_H
#define FOVEA_CIMAGECODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    FOVEA_CODEC_OK = 0,
    /** The data ended before the image was complete. */
    FOVEA_CODEC_TRUNCATED = 1,
    /** The library rejected the data; the message says why. */
    FOVEA_CODEC_CORRUPT = 2,
    /** An allocation failed or the caller's arguments were inconsistent. */
    FOVEA_CODEC_FAILED = 3
} fovea_codec_status;

enum { FOVEA_CODEC_MESSAGE_CAPACITY = 200 };

/* ---------------------------------------------------------------- JPEG --- */

typedef enum {
    FOVEA_JPEG_GRAY = 1,
    FOVEA_JPEG_YCBCR = 2,
    FOVEA_JPEG_RGB = 3,
    FOVEA_JPEG_CMYK = 4,
    FOVEA_JPEG_YCCK = 5,
    FOVEA_JPEG_UNKNOWN = 6
} fovea_jpeg_color_space;

typedef struct {
    uint32_t width;
    uint32_t height;
    int32_t components;
    fovea_jpeg_color_space color_space;
    /** Adobe APP14 marker present: CMYK/YCCK samples are stored inverted. */
    int32_t adobe_marker;
    int32_t progressive;
    /** Some component has fewer samples than another (e.g. 4:2:0 chroma). */
    int32_t subsampled;
    /** Payload of the first APP1 "Exif" segment (owned by the decoder), or NULL. */
    const uint8_t *exif;
    size_t exif_length;
} fovea_jpeg_header;

typedef struct fovea_jpeg_decoder fovea_jpeg_decoder;

/** Returns NULL only when memory is exhausted. */
fovea_jpeg_decoder *fovea_jpeg_create(void);
void fovea_jpeg_destroy(fovea_jpeg_decoder *decoder);

/** The bytes must stay alive and unchanged until the decoder is destroyed. */
fovea_codec_status fovea_jpeg_read_header(fovea_jpeg_decoder *decoder,
                                          const uint8_t *data, size_t size,
                                          fovea_jpeg_header *header);

/**
 * Starts decompression at a DCT-domain scale of scale_eighths/8 (1...8).
 * Output is 3 bytes per pixel (RGB) for gray/YCbCr/RGB sources and 4 bytes
 * per pixel (CMYK, as stored) for CMYK/YCCK sources.
 */
fovea_codec_status fovea_jpeg_start(fovea_jpeg_decoder *decoder, uint32_t scale_eighths,
                                    uint32_t *output_width, uint32_t *output_height,
                                    uint32_t *bytes_per_pixel);

/**
 * Limits decoding to the columns [*first_column, *first_column + *column_count)
 * of the scaled image. The library aligns the window to its block grid, so
 * both values are widened in place to what will actually be produced.
 */
fovea_codec_status fovea_jpeg_crop_columns(fovea_jpeg_decoder *decoder,
                                           uint32_t *first_column, uint32_t *column_count);

/** Discards the next `rows` scaled rows without producing pixels for them. */
fovea_codec_status fovea_jpeg_skip_rows(fovea_jpeg_decoder *decoder, uint32_t rows);

/** Decodes exactly `rows` rows into dst, one row every `stride` bytes. */
fovea_codec_status fovea_jpeg_read_rows(fovea_jpeg_decoder *decoder, uint8_t *dst,
                                        size_t stride, uint32_t rows);

/** Message describing the last failure (empty when none). */
const char *fovea_jpeg_message(const fovea_jpeg_decoder *decoder);

/* ----------------------------------------------------------------- PNG --- */

typedef struct {
    uint32_t width;
    uint32_t height;
    int32_t bit_depth;
    int32_t color_type;
    int32_t interlaced;
    /** 3 (RGB) or 4 (RGBA, straight alpha) after the decoder's expansions. */
    int32_t output_channels;
} fovea_png_header;

typedef struct fovea_png_decoder fovea_png_decoder;

fovea_png_decoder *fovea_png_create(void);
void fovea_png_destroy(fovea_png_decoder *decoder);

/**
 * Reads the header and configures expansion to 8-bit RGB or RGBA (palette,
 * tRNS, gray and 16-bit samples are normalised here). The bytes must stay
 * alive until the decoder is destroyed. Dimensions above max_dimension are
 * rejected by libpng before anything large is allocated.
 */
fovea_codec_status fovea_png_read_header(fovea_png_decoder *decoder,
                                         const uint8_t *data, size_t size,
                                         uint32_t max_dimension,
                                         fovea_png_header *header);

/** Decodes the whole image (all interlace passes) into dst. */
fovea_codec_status fovea_png_read_image(fovea_png_decoder *decoder, uint8_t *dst, size_t stride);

const char *fovea_png_message(const fovea_png_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif
