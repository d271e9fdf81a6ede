/*
 * libjpeg-turbo behind setjmp/longjmp: see include/CImageCodecs.h.
 *
 * Every exported function that calls into libjpeg sets `jump` first; the
 * error manager's hooks longjmp back there with the failure recorded in the
 * decoder, so libjpeg's default behaviour (exit()) is never reached.
 */
#include "CImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

/*
 * Progressive files may legally contain many scans, and each one makes the
 * library revisit the whole coefficient buffer; a hostile file with
 * thousands of tiny scans turns a small upload into minutes of CPU. Real
 * encoders write about ten.
 */
enum { FOVEA_JPEG_MAX_SCANS = 256 };

struct fovea_jpeg_decoder {
    struct jpeg_decompress_struct cinfo; /* first: hooks cast back from cinfo */
    struct jpeg_error_mgr error_manager;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    fovea_codec_status failure;
    char message[FOVEA_CODEC_MESSAGE_CAPACITY];
};

static struct fovea_jpeg_decoder *decoder_of(j_common_ptr cinfo) {
    return (struct fovea_jpeg_decoder *)(void *)cinfo;
}

static void fail(struct fovea_jpeg_decoder *decoder, fovea_codec_status status) {
    decoder->failure = status;
    longjmp(decoder->jump, 1);
}

static void on_error_exit(j_common_ptr cinfo) {
    struct fovea_jpeg_decoder *decoder = decoder_of(cinfo);
    cinfo->err->format_message(cinfo, decoder->message);
    fail(decoder, FOVEA_CODEC_CORRUPT);
}

/*
 * Warnings are how libjpeg reports recoverable damage. Running out of data is
 * the one we must not recover from: libjpeg would pad the image with gray
 * and return success. Other warnings (extraneous bytes, bad restart markers)
 * are common in real-world files that every viewer displays, so they pass.
 */
static void on_message(j_common_ptr cinfo, int level) {
    struct fovea_jpeg_decoder *decoder = decoder_of(cinfo);
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        cinfo->err->format_message(cinfo, decoder->message);
        fail(decoder, FOVEA_CODEC_TRUNCATED);
    }
}

static void on_progress(j_common_ptr cinfo) {
    struct fovea_jpeg_decoder *decoder = decoder_of(cinfo);
    if (decoder->cinfo.input_scan_number > FOVEA_JPEG_MAX_SCANS) {
        snprintf(decoder->message, sizeof decoder->message,
                 "progressive JPEG has more than %d scans", FOVEA_JPEG_MAX_SCANS);
        fail(decoder, FOVEA_CODEC_CORRUPT);
    }
}

fovea_jpeg_decoder *fovea_jpeg_create(void) {
    struct fovea_jpeg_decoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) {
        return NULL;
    }
    decoder->cinfo.err = jpeg_std_error(&decoder->error_manager);
    decoder->error_manager.error_exit = on_error_exit;
    decoder->error_manager.emit_message = on_message;
    if (setjmp(decoder->jump)) {
        /* jpeg_create_decompress only fails when its first allocation does. */
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->cinfo);
    decoder->progress.progress_monitor = on_progress;
    decoder->cinfo.progress = &decoder->progress;
    return decoder;
}

void fovea_jpeg_destroy(fovea_jpeg_decoder *decoder) {
    if (decoder == NULL) {
        return;
    }
    jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder);
}

const char *fovea_jpeg_message(const fovea_jpeg_decoder *decoder) {
    return decoder->message;
}

static fovea_jpeg_color_space color_space_of(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return FOVEA_JPEG_GRAY;
    case JCS_YCbCr: return FOVEA_JPEG_YCBCR;
    case JCS_RGB: return FOVEA_JPEG_RGB;
    case JCS_CMYK: return FOVEA_JPEG_CMYK;
    case JCS_YCCK: return FOVEA_JPEG_YCCK;
    default: return FOVEA_JPEG_UNKNOWN;
    }
}

static void find_exif(struct fovea_jpeg_decoder *decoder, fovea_jpeg_header *header) {
    static const char signature[6] = {'E', 'x', 'i', 'f', 0, 0};
    for (jpeg_saved_marker_ptr marker = decoder->cinfo.marker_list; marker != NULL; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1 && marker->data_length > sizeof signature &&
            memcmp(marker->data, signature, sizeof signature) == 0) {
            header->exif = marker->data + sizeof signature;
            header->exif_length = marker->data_length - sizeof signature;
            return;
        }
    }
}

fovea_codec_status fovea_jpeg_read_header(fovea_jpeg_decoder *decoder, const uint8_t *data, size_t size,
                                          fovea_jpeg_header *header) {
    memset(header, 0, sizeof *header);
    decoder->message[0] = 0;
    if (setjmp(decoder->jump)) {
        return decoder->failure;
    }
    jpeg_mem_src(&decoder->cinfo, data, (unsigned long)size);
    jpeg_save_markers(&decoder->cinfo, JPEG_APP0 + 1, 0xFFFF);
    if (jpeg_read_header(&decoder->cinfo, TRUE) != JPEG_HEADER_OK) {
        snprintf(decoder->message, sizeof decoder->message, "JPEG stream holds tables but no image");
        return FOVEA_CODEC_CORRUPT;
    }
    header->width = decoder->cinfo.image_width;
    header->height = decoder->cinfo.image_height;
    header->components = decoder->cinfo.num_components;
    header->color_space = color_space_of(decoder->cinfo.jpeg_color_space);
    header->adobe_marker = decoder->cinfo.saw_Adobe_marker ? 1 : 0;
    header->progressive = decoder->cinfo.progressive_mode ? 1 : 0;
    for (int ci = 0; ci < decoder->cinfo.num_components; ci++) {
        const jpeg_component_info *component = &decoder->cinfo.comp_info[ci];
        if (component->h_samp_factor != decoder->cinfo.max_h_samp_factor ||
            component->v_samp_factor != decoder->cinfo.max_v_samp_factor) {
            header->subsampled = 1;
        }
    }
    find_exif(decoder, header);
    return FOVEA_CODEC_OK;
}

fovea_codec_status fovea_jpeg_start(fovea_jpeg_decoder *decoder, uint32_t scale_eighths,
                                    uint32_t *output_width, uint32_t *output_height,
                                    uint32_t *bytes_per_pixel) {
    if (scale_eighths < 1 || scale_eighths > 8) {
        snprintf(decoder->message, sizeof decoder->message, "unsupported DCT scale %u/8", scale_eighths);
        return FOVEA_CODEC_FAILED;
    }
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo->out_color_space = JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        break;
    default:
        snprintf(decoder->message, sizeof decoder->message,
                 "JPEG with %d components in an unknown color space", cinfo->num_components);
        return FOVEA_CODEC_CORRUPT;
    }
    if (setjmp(decoder->jump)) {
        return decoder->failure;
    }
    cinfo->scale_num = scale_eighths;
    cinfo->scale_denom = 8;
    cinfo->dct_method = JDCT_ISLOW;
    cinfo->do_fancy_upsampling = TRUE;
    jpeg_start_decompress(cinfo);
    *output_width = cinfo->output_width;
    *output_height = cinfo->output_height;
    *bytes_per_pixel = (uint32_t)cinfo->output_components;
    return FOVEA_CODEC_OK;
}

fovea_codec_status fovea_jpeg_crop_columns(fovea_jpeg_decoder *decoder, uint32_t *first_column,
                                           uint32_t *column_count) {
    if (setjmp(decoder->jump)) {
        return decoder->failure;
    }
    JDIMENSION offset = *first_column, width = *column_count;
    jpeg_crop_scanline(&decoder->cinfo, &offset, &width);
    *first_column = offset;
    *column_count = width;
    return FOVEA_CODEC_OK;
}

fovea_codec_status fovea_jpeg_skip_rows(fovea_jpeg_decoder *decoder, uint32_t rows) {
    if (setjmp(decoder->jump)) {
        return decoder->failure;
    }
    if (jpeg_skip_scanlines(&decoder->cinfo, rows) != rows) {
        snprintf(decoder->message, sizeof decoder->message, "cannot skip %u rows past the image end", rows);
        return FOVEA_CODEC_FAILED;
    }
    return FOVEA_CODEC_OK;
}

fovea_codec_status fovea_jpeg_read_rows(fovea_jpeg_decoder *decoder, uint8_t *dst, size_t stride, uint32_t rows) {
    enum { BATCH = 16 };
    if (setjmp(decoder->jump)) {
        return decoder->failure;
    }
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    if (rows > cinfo->output_height - cinfo->output_scanline) {
        snprintf(decoder->message, sizeof decoder->message, "cannot read %u rows past the image end", rows);
        return FOVEA_CODEC_FAILED;
    }
    uint32_t done = 0;
    while (done < rows) {
        JSAMPROW pointers[BATCH];
        uint32_t want = rows - done < BATCH ? rows - done : BATCH;
        for (uint32_t i = 0; i < want; i++) {
            pointers[i] = dst + (size_t)(done + i) * stride;
        }
        JDIMENSION got = jpeg_read_scanlines(cinfo, pointers, want);
        if (got == 0) {
            snprintf(decoder->message, sizeof decoder->message, "decoder produced no rows");
            return FOVEA_CODEC_CORRUPT;
        }
        done += got;
    }
    return FOVEA_CODEC_OK;
}
