/*
 * Winograd F(4×4, 3×3) and F(2×2, 3×3) convolution on nChw8c activations
 * (AVX2 + FMA).
 *
 * Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A for each input tile d (6×6 or 4×4) and
 * output tile Y (4×4 or 2×2; Lavin & Gray's interpolation points 0, ±1, ±2,
 * ∞ and 0, ±1, ∞). Summing over input channels turns the element-wise
 * product into 36 (or 16) independent matrix products, [tiles × C] · [C × K],
 * one per tile position; they carry almost all of the arithmetic and run on
 * a 6×16 register-blocked FMA kernel. F(4×4) needs 4× fewer multiplications
 * than direct convolution, F(2×2) 2.25× fewer with transformed weights 1.8×
 * (not 4×) the direct ones, which suits small images with few tiles.
 *
 * Each thread owns a rectangle of (tile rows × output-channel blocks) and
 * goes through it in chunks: transform the chunk's input tiles, multiply,
 * transform back with bias and epilogue straight into the destination. No
 * thread waits for another, and a chunk's operands stay in the core's cache.
 */
#include "CNativeKernels.h"
#include "conv3x3_shape.h"
#include "epilogue.h"
#include "openmp_team.h"

#include <immintrin.h>

#define KERNEL __attribute__((target("avx2,fma")))
#define INLINE_KERNEL static inline __attribute__((always_inline, target("avx2,fma")))

enum {
    MAX_TILE = 6,       /* input tile edge of F(4×4); F(2×2) uses 4 */
    ROWS = 6,           /* tiles per register block */
    COLUMNS = 16,       /* output channels per register block */
    LANES = 8,          /* channels per nChw8c pixel */
    MAX_CHUNK_ROWS = 16,
    /* A chunk's transformed input and products should stay in the core's L2
       (512 KB here) between the transforms and the products. */
    CHUNK_BYTES = 192 * 1024,
    /* Transformed weights larger than this come from L3 on every chunk, so
       chunks must be long enough to reuse each weight several times. */
    STREAMED_WEIGHT_BYTES = 1024 * 1024,
    STREAMED_WEIGHT_MIN_ROWS = 4,
};

/* Relative cost of transforming one row block of input, in units of one
   (row block × column block) product; it decides how threads split work. */
static const double TRANSFORM_COST = 0.5;

int fovea_winograd_accepts(const fovea_conv3x3_shape *s) {
    return s->stride == 1 && fovea_conv3x3_shape_valid(s);
}

/* Input tile edge of each variant. */
static int tile_of(fovea_winograd_variant variant) { return variant == FOVEA_WINOGRAD_F2 ? 4 : 6; }

size_t fovea_winograd_weights_count(fovea_winograd_variant variant, int channels, int outputChannels) {
    const int tile = tile_of(variant);
    return (size_t)(tile * tile) * (size_t)channels * (size_t)outputChannels;
}

/* G of F(4, 3) and F(2, 3), applied in double so the transformed weights are
   exact to float precision. */
static const double G4[6][3] = {
    {1.0 / 4, 0, 0},
    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
    {1.0 / 24, 1.0 / 12, 1.0 / 6},
    {1.0 / 24, -1.0 / 12, 1.0 / 6},
    {0, 0, 1},
};
static const double G2[4][3] = {
    {1, 0, 0},
    {0.5, 0.5, 0.5},
    {0.5, -0.5, 0.5},
    {0, 0, 1},
};

/* Transformed layout: [position][output block of 16][input channel][16], the
   order the FMA kernel streams them in. */
void fovea_winograd_transform_weights(fovea_winograd_variant variant, const float *weights, int channels, int outputChannels,
                                      float *transformed) {
    const int tile = tile_of(variant);
    const double (*G)[3] = variant == FOVEA_WINOGRAD_F2 ? G2 : G4;
    const size_t blocks = (size_t)outputChannels / COLUMNS;
    for (int k = 0; k < outputChannels; k++) {
        for (int c = 0; c < channels; c++) {
            const float *g = weights + ((size_t)k * channels + c) * 9;
            double gg[MAX_TILE][3];
            for (int i = 0; i < tile; i++) {
                for (int j = 0; j < 3; j++) {
                    gg[i][j] = G[i][0] * g[0 * 3 + j] + G[i][1] * g[1 * 3 + j] + G[i][2] * g[2 * 3 + j];
                }
            }
            for (int i = 0; i < tile; i++) {
                for (int j = 0; j < tile; j++) {
                    double u = gg[i][0] * G[j][0] + gg[i][1] * G[j][1] + gg[i][2] * G[j][2];
                    size_t position = (size_t)(i * tile + j);
                    transformed[((position * blocks + (size_t)k / COLUMNS) * channels + c) * COLUMNS + k % COLUMNS] = (float)u;
                }
            }
        }
    }
}

/* ---- Work split ---------------------------------------------------------- */

typedef struct {
    int tile, step, positions;
    int tilesX, tilesPerImage, tiles;
    int rowBlocks, columnBlocks;
    /* Threads along the output-channel axis (divides the team size). */
    int columnParts;
    int chunkRows;
    size_t perThread;
} work_split;

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

static size_t round_up(size_t n, size_t multiple) { return (n + multiple - 1) / multiple * multiple; }

static work_split split_work(fovea_winograd_variant variant, const fovea_conv3x3_shape *s, int threads) {
    work_split w;
    w.tile = tile_of(variant);
    w.step = w.tile - 2;
    w.positions = w.tile * w.tile;
    w.tilesX = ceil_div(s->outputWidth, w.step);
    w.tilesPerImage = ceil_div(s->outputHeight, w.step) * w.tilesX;
    w.tiles = s->batch * w.tilesPerImage;
    w.rowBlocks = ceil_div(w.tiles, ROWS);
    w.columnBlocks = s->outputChannels / COLUMNS;
    /* Splitting output channels repeats the input transform on every thread
       but balances work when there are few tiles (late layers, batch 1). */
    double best = 0;
    w.columnParts = 1;
    for (int parts = 1; parts <= threads && parts <= w.columnBlocks; parts++) {
        if (threads % parts != 0) continue;
        double cost = ceil_div(w.rowBlocks, threads / parts) * (ceil_div(w.columnBlocks, parts) + TRANSFORM_COST);
        if (parts == 1 || cost < best) {
            best = cost;
            w.columnParts = parts;
        }
    }
    size_t columns = (size_t)ceil_div(w.columnBlocks, w.columnParts) * COLUMNS;
    size_t bytesPerRow = (size_t)w.positions * ROWS * sizeof(float) * ((size_t)s->channels + columns);
    size_t weightBytes = (size_t)w.positions * sizeof(float) * (size_t)s->channels * columns;
    int rows = (int)(CHUNK_BYTES / bytesPerRow);
    if (weightBytes > STREAMED_WEIGHT_BYTES && rows < STREAMED_WEIGHT_MIN_ROWS) rows = STREAMED_WEIGHT_MIN_ROWS;
    w.chunkRows = rows < 1 ? 1 : rows > MAX_CHUNK_ROWS ? MAX_CHUNK_ROWS : rows;
    w.perThread = round_up((size_t)w.positions * (size_t)w.chunkRows * ROWS * ((size_t)s->channels + columns), 16);
    return w;
}

size_t fovea_winograd_scratch_count(fovea_winograd_variant variant, const fovea_conv3x3_shape *shape, int threads) {
    /* The team may come out smaller than requested, which changes the split. */
    size_t most = 0;
    for (int n = 1; n <= threads; n++) {
        size_t total = (size_t)n * split_work(variant, shape, n).perThread;
        if (total > most) most = total;
    }
    return most;
}

/* ---- Transforms ----------------------------------------------------------
   Written for a tile edge `tile` (6 or 4) that is a compile-time constant
   wherever they are inlined, so every loop unrolls and every branch on it
   folds away. */

/* Bᵀ z for one column or row of `tile` pixels. */
INLINE_KERNEL void input_transform_1d(const int tile, const __m256 *z, __m256 *r) {
    if (tile == 6) {
        const __m256 two = _mm256_set1_ps(2), four = _mm256_set1_ps(4), five = _mm256_set1_ps(5);
        r[0] = _mm256_fnmadd_ps(five, z[2], _mm256_fmadd_ps(four, z[0], z[4]));
        r[1] = _mm256_fnmadd_ps(four, _mm256_add_ps(z[1], z[2]), _mm256_add_ps(z[3], z[4]));
        r[2] = _mm256_fmadd_ps(four, _mm256_sub_ps(z[1], z[2]), _mm256_sub_ps(z[4], z[3]));
        r[3] = _mm256_fmadd_ps(two, _mm256_sub_ps(z[3], z[1]), _mm256_sub_ps(z[4], z[2]));
        r[4] = _mm256_fnmadd_ps(two, _mm256_sub_ps(z[3], z[1]), _mm256_sub_ps(z[4], z[2]));
        r[5] = _mm256_fnmadd_ps(five, z[3], _mm256_fmadd_ps(four, z[1], z[5]));
    } else {
        r[0] = _mm256_sub_ps(z[0], z[2]);
        r[1] = _mm256_add_ps(z[1], z[2]);
        r[2] = _mm256_sub_ps(z[2], z[1]);
        r[3] = _mm256_sub_ps(z[1], z[3]);
    }
}

/* Aᵀ z: `tile` transformed values back to `tile` − 2 outputs. */
INLINE_KERNEL void output_transform_1d(const int tile, const __m256 *z, __m256 *r) {
    if (tile == 6) {
        const __m256 two = _mm256_set1_ps(2), four = _mm256_set1_ps(4), eight = _mm256_set1_ps(8);
        __m256 sum12 = _mm256_add_ps(z[1], z[2]), diff12 = _mm256_sub_ps(z[1], z[2]);
        __m256 sum34 = _mm256_add_ps(z[3], z[4]), diff34 = _mm256_sub_ps(z[3], z[4]);
        r[0] = _mm256_add_ps(_mm256_add_ps(z[0], sum12), sum34);
        r[1] = _mm256_fmadd_ps(two, diff34, diff12);
        r[2] = _mm256_fmadd_ps(four, sum34, sum12);
        r[3] = _mm256_add_ps(_mm256_fmadd_ps(eight, diff34, diff12), z[5]);
    } else {
        r[0] = _mm256_add_ps(_mm256_add_ps(z[0], z[1]), z[2]);
        r[1] = _mm256_sub_ps(_mm256_sub_ps(z[1], z[2]), z[3]);
    }
}

/* One input tile of one 8-channel block: pixels outside the image are the
   zero padding. Position p of the result goes to `v + p * positionStride`. */
INLINE_KERNEL void transform_input_tile(const int tile, const float *plane, int height, int width, int top, int left,
                                        float *v, size_t positionStride) {
    __m256 d[MAX_TILE][MAX_TILE], t[MAX_TILE][MAX_TILE];
    int interior = top >= 0 && left >= 0 && top + tile <= height && left + tile <= width;
    for (int i = 0; i < tile; i++) {
        int y = top + i;
        for (int j = 0; j < tile; j++) {
            int x = left + j;
            d[i][j] = (interior || (y >= 0 && y < height && x >= 0 && x < width))
                ? _mm256_loadu_ps(plane + ((size_t)y * width + x) * LANES)
                : _mm256_setzero_ps();
        }
    }
    for (int j = 0; j < tile; j++) {
        __m256 column[MAX_TILE], out[MAX_TILE];
        for (int i = 0; i < tile; i++) column[i] = d[i][j];
        input_transform_1d(tile, column, out);
        for (int i = 0; i < tile; i++) t[i][j] = out[i];
    }
    for (int i = 0; i < tile; i++) {
        __m256 out[MAX_TILE];
        input_transform_1d(tile, t[i], out);
        for (int j = 0; j < tile; j++) _mm256_store_ps(v + (size_t)(i * tile + j) * positionStride, out[j]);
    }
}

/* One output tile of one 8-channel block from its products (position p at
   `m + p * positionStride`), clipped at the image's right and bottom. */
INLINE_KERNEL void transform_output_tile(const int tile, const float *m, size_t positionStride, __m256 bias,
                                         const fovea_epilogue *epilogue, float *plane, int height, int width, int top, int left) {
    const int step = tile - 2;
    __m256 t[MAX_TILE - 2][MAX_TILE], out[MAX_TILE - 2][MAX_TILE - 2];
    for (int j = 0; j < tile; j++) {
        __m256 column[MAX_TILE], transformed[MAX_TILE - 2];
        for (int i = 0; i < tile; i++) column[i] = _mm256_load_ps(m + (size_t)(i * tile + j) * positionStride);
        output_transform_1d(tile, column, transformed);
        for (int i = 0; i < step; i++) t[i][j] = transformed[i];
    }
    for (int i = 0; i < step; i++) output_transform_1d(tile, t[i], out[i]);
    int rows = height - top < step ? height - top : step, columns = width - left < step ? width - left : step;
    __m256 values[(MAX_TILE - 2) * (MAX_TILE - 2)], biases[(MAX_TILE - 2) * (MAX_TILE - 2)];
    float *pixels[(MAX_TILE - 2) * (MAX_TILE - 2)];
    int count = 0;
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < columns; j++, count++) {
            values[count] = out[i][j];
            biases[count] = bias;
            pixels[count] = plane + ((size_t)(top + i) * width + left + j) * LANES;
        }
    }
    fovea_store_with_epilogue(values, biases, pixels, count, epilogue);
}

/* ---- Products ------------------------------------------------------------ */

/* m[r][0..16) = Σ_c a[r·lda + c] · b[c][0..16) for `rows` ≤ 6 tiles. */
INLINE_KERNEL void multiply_block(const int rows, const float *a, size_t lda, const float *b, int depth, float *m, size_t ldm) {
    __m256 low[ROWS], high[ROWS];
    for (int r = 0; r < rows; r++) low[r] = high[r] = _mm256_setzero_ps();
    for (int c = 0; c < depth; c++, b += COLUMNS) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + LANES);
        for (int r = 0; r < rows; r++) {
            __m256 x = _mm256_broadcast_ss(a + r * lda + c);
            low[r] = _mm256_fmadd_ps(x, b0, low[r]);
            high[r] = _mm256_fmadd_ps(x, b1, high[r]);
        }
    }
    for (int r = 0; r < rows; r++) {
        _mm256_store_ps(m + r * ldm, low[r]);
        _mm256_store_ps(m + r * ldm + LANES, high[r]);
    }
}

/* Dispatches to a copy specialised for each row count, so the accumulators
   live in registers. */
KERNEL static void multiply(int rows, const float *a, size_t lda, const float *b, int depth, float *m, size_t ldm) {
    switch (rows) {
    case 6: multiply_block(6, a, lda, b, depth, m, ldm); break;
    case 5: multiply_block(5, a, lda, b, depth, m, ldm); break;
    case 4: multiply_block(4, a, lda, b, depth, m, ldm); break;
    case 3: multiply_block(3, a, lda, b, depth, m, ldm); break;
    case 2: multiply_block(2, a, lda, b, depth, m, ldm); break;
    default: multiply_block(1, a, lda, b, depth, m, ldm); break;
    }
}

/* ---- Driver -------------------------------------------------------------- */

typedef struct {
    fovea_winograd_variant variant;
    const fovea_conv3x3_shape *shape;
    const float *transformed, *bias;
    const fovea_epilogue *epilogue;
    const float *source;
    float *destination, *scratch;
} job;

/* Tiles [first, first + count) with output blocks [columnBegin, columnEnd),
   for input tiles of edge `tile` (a constant once inlined). */
INLINE_KERNEL void run_chunk(const int tile, const job *jb, const work_split *w, int first, int count, int columnBegin,
                             int columnEnd, float *v, float *m) {
    const fovea_conv3x3_shape *s = jb->shape;
    const int step = tile - 2, positions = tile * tile;
    const int C = s->channels, inputBlocks = C / LANES, outputBlocks8 = s->outputChannels / LANES;
    const size_t chunkTiles = (size_t)w->chunkRows * ROWS;
    const size_t vStride = chunkTiles * (size_t)C;
    const size_t ldm = (size_t)(columnEnd - columnBegin) * COLUMNS, mStride = chunkTiles * ldm;

    for (int index = 0; index < count; index++) {
        int tileIndex = first + index, image = tileIndex / w->tilesPerImage, within = tileIndex % w->tilesPerImage;
        int top = within / w->tilesX * step - s->padTop, left = within % w->tilesX * step - s->padLeft;
        for (int block = 0; block < inputBlocks; block++) {
            const float *plane = jb->source + (size_t)(image * inputBlocks + block) * s->height * s->width * LANES;
            transform_input_tile(tile, plane, s->height, s->width, top, left, v + (size_t)index * C + (size_t)block * LANES, vStride);
        }
    }
    for (int p = 0; p < positions; p++) {
        for (int column = columnBegin; column < columnEnd; column++) {
            const float *b = jb->transformed + ((size_t)p * w->columnBlocks + column) * C * COLUMNS;
            for (int row = 0; row * ROWS < count; row++) {
                int rows = count - row * ROWS < ROWS ? count - row * ROWS : ROWS;
                multiply(rows, v + p * vStride + (size_t)row * ROWS * C, (size_t)C, b, C,
                         m + p * mStride + (size_t)row * ROWS * ldm + (size_t)(column - columnBegin) * COLUMNS, ldm);
            }
        }
    }
    for (int index = 0; index < count; index++) {
        int tileIndex = first + index, image = tileIndex / w->tilesPerImage, within = tileIndex % w->tilesPerImage;
        int top = within / w->tilesX * step, left = within % w->tilesX * step;
        for (int block = columnBegin * 2; block < columnEnd * 2; block++) {
            __m256 bias = jb->bias ? _mm256_loadu_ps(jb->bias + block * LANES) : _mm256_setzero_ps();
            float *plane = jb->destination + (size_t)(image * outputBlocks8 + block) * s->outputHeight * s->outputWidth * LANES;
            transform_output_tile(tile, m + (size_t)index * ldm + (size_t)(block - columnBegin * 2) * LANES, mStride, bias,
                                  jb->epilogue, plane, s->outputHeight, s->outputWidth, top, left);
        }
    }
}

KERNEL static void run_chunk_f4(const job *jb, const work_split *w, int first, int count, int columnBegin, int columnEnd,
                                float *v, float *m) {
    run_chunk(6, jb, w, first, count, columnBegin, columnEnd, v, m);
}

KERNEL static void run_chunk_f2(const job *jb, const work_split *w, int first, int count, int columnBegin, int columnEnd,
                                float *v, float *m) {
    run_chunk(4, jb, w, first, count, columnBegin, columnEnd, v, m);
}

static void run_thread(void *context) {
    const job *jb = context;
    const int thread = fovea_team_thread(), threads = fovea_team_size();
    const work_split w = split_work(jb->variant, jb->shape, threads);
    const int rowParts = threads / w.columnParts;
    const int rowPart = thread / w.columnParts, columnPart = thread % w.columnParts;
    const int rowBegin = (int)((long)w.rowBlocks * rowPart / rowParts), rowEnd = (int)((long)w.rowBlocks * (rowPart + 1) / rowParts);
    const int columnBegin = w.columnBlocks * columnPart / w.columnParts, columnEnd = w.columnBlocks * (columnPart + 1) / w.columnParts;
    if (rowBegin >= rowEnd || columnBegin >= columnEnd) return;
    float *v = jb->scratch + (size_t)thread * w.perThread;
    float *m = v + (size_t)w.positions * (size_t)w.chunkRows * ROWS * (size_t)jb->shape->channels;
    for (int row = rowBegin; row < rowEnd; row += w.chunkRows) {
        int first = row * ROWS, last = (row + w.chunkRows < rowEnd ? row + w.chunkRows : rowEnd) * ROWS;
        if (last > w.tiles) last = w.tiles;
        if (jb->variant == FOVEA_WINOGRAD_F2) {
            run_chunk_f2(jb, &w, first, last - first, columnBegin, columnEnd, v, m);
        } else {
            run_chunk_f4(jb, &w, first, last - first, columnBegin, columnEnd, v, m);
        }
    }
}

void fovea_winograd_run(fovea_winograd_variant variant, const fovea_conv3x3_shape *shape, const float *transformed,
                        const float *bias, const fovea_epilogue *epilogue, const float *source, float *destination,
                        float *scratch, int threads) {
    job jb = {variant, shape, transformed, bias, epilogue, source, destination, scratch};
    fovea_team_run(run_thread, &jb, threads < 1 ? 1 : threads);
}
