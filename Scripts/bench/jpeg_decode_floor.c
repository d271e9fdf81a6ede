/*
 * The floor under any JPEG pipeline: libjpeg-turbo decoding one file from
 * memory to RGB at each DCT scale, with nothing after it (no resize, no
 * normalisation). The image pipeline's targets are read against it.
 *
 * usage: cc -O2 Scripts/bench/jpeg_decode_floor.c -ljpeg -o /tmp/jpeg_decode_floor
 *        /tmp/jpeg_decode_floor ../shared/images/samoyed.jpg [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <jpeglib.h>

static double milliseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static int ascending(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double decode(const unsigned char *data, unsigned long size, int eighths, unsigned char *pixels) {
    double start = milliseconds();
    struct jpeg_decompress_struct info;
    struct jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, size);
    jpeg_read_header(&info, TRUE);
    info.scale_num = eighths;
    info.scale_denom = 8;
    info.dct_method = JDCT_ISLOW;
    info.out_color_space = JCS_RGB;
    jpeg_start_decompress(&info);
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + (size_t)info.output_scanline * info.output_width * 3;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    return milliseconds() - start;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.jpg [ITERATIONS]\n", argv[0]);
        return 2;
    }
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        perror(argv[1]);
        return 1;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    unsigned char *data = malloc(size);
    if (fread(data, 1, size, file) != (size_t)size) return 1;
    fclose(file);
    int iterations = argc > 2 ? atoi(argv[2]) : 100;
    unsigned char *pixels = malloc((size_t)8192 * 8192 * 3);
    double *times = malloc(sizeof(double) * iterations);
    const int scales[] = {8, 4, 2, 1};
    for (int s = 0; s < 4; s++) {
        for (int warmup = 0; warmup < 5; warmup++) decode(data, size, scales[s], pixels);
        for (int i = 0; i < iterations; i++) times[i] = decode(data, size, scales[s], pixels);
        qsort(times, iterations, sizeof(double), ascending);
        printf("scale %d/8: median %.2f ms, min %.2f ms\n", scales[s], times[iterations / 2], times[0]);
    }
    return 0;
}
