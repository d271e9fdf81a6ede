/*
 * Allocation census: an LD_PRELOAD library that counts the large heap
 * allocations of a running process by call chain, to find what a server
 * allocates per request (what made the soak's resident set creep).
 *
 *   gcc -O2 -shared -fPIC -o /tmp/alloc_census.so Scripts/reliability/alloc_census.c -lpthread
 *   ALLOC_CENSUS_MIN=65536 ALLOC_CENSUS_OUT=/tmp/census.txt \
 *     LD_PRELOAD=/tmp/alloc_census.so .build/release/fovea serve ...
 *   # ... drive a known number of requests, then:
 *   kill -USR2 <pid>      # writes the census to ALLOC_CENSUS_OUT
 *
 * Each entry: how many allocations of at least ALLOC_CENSUS_MIN bytes
 * (default 64 KiB) came from one call chain, their total and size range,
 * and the chain as return addresses. Addresses inside the fovea binary are
 * offsets; name them with
 *   addr2line -f -e .build/release/fovea 0xOFFSET | swift demangle --simplified
 * Benchmark tooling only: it serialises large allocations on one lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

enum { MAX_CHAINS = 512, DEPTH = 8, SKIPPED_FRAMES = 2 };

struct chain {
    void *frames[DEPTH];
    int depth;
    long count, bytes, smallest, largest;
};

static struct chain chains[MAX_CHAINS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static size_t minimum = 65536;
/* backtrace() may allocate; allocations made while recording are not counted. */
static __thread int recording;

static void record(size_t size) {
    if (size < minimum || recording) return;
    recording = 1;
    void *frames[DEPTH + SKIPPED_FRAMES];
    int depth = backtrace(frames, DEPTH + SKIPPED_FRAMES) - SKIPPED_FRAMES;
    if (depth > 0) {
        size_t length = sizeof(void *) * (size_t)depth;
        pthread_mutex_lock(&lock);
        for (int i = 0; i < MAX_CHAINS; i++) {
            struct chain *entry = &chains[i];
            if (entry->depth == 0) {
                memcpy(entry->frames, frames + SKIPPED_FRAMES, length);
                entry->depth = depth;
                entry->smallest = (long)size;
            }
            if (entry->depth == depth && memcmp(entry->frames, frames + SKIPPED_FRAMES, length) == 0) {
                entry->count++;
                entry->bytes += (long)size;
                if ((long)size < entry->smallest) entry->smallest = (long)size;
                if ((long)size > entry->largest) entry->largest = (long)size;
                break;
            }
        }
        pthread_mutex_unlock(&lock);
    }
    recording = 0;
}

static void write_census(int signal_number) {
    (void)signal_number;
    recording = 1;
    const char *path = getenv("ALLOC_CENSUS_OUT");
    FILE *out = fopen(path ? path : "/tmp/alloc-census.txt", "w");
    if (out) {
        for (int i = 0; i < MAX_CHAINS && chains[i].depth; i++) {
            fprintf(out, "== count %ld bytes %ld size %ld..%ld\n", chains[i].count, chains[i].bytes,
                    chains[i].smallest, chains[i].largest);
            fflush(out);
            backtrace_symbols_fd(chains[i].frames, chains[i].depth, fileno(out));
        }
        fclose(out);
    }
    recording = 0;
}

__attribute__((constructor)) static void start(void) {
    const char *threshold = getenv("ALLOC_CENSUS_MIN");
    if (threshold) minimum = strtoul(threshold, NULL, 10);
    signal(SIGUSR2, write_census);
}

void *malloc(size_t size) { record(size); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { record(count * size); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { record(size); return __libc_realloc(pointer, size); }
void *aligned_alloc(size_t alignment, size_t size) { record(size); return __libc_memalign(alignment, size); }
int posix_memalign(void **result, size_t alignment, size_t size) {
    record(size);
    void *memory = __libc_memalign(alignment, size);
    if (!memory) return ENOMEM;
    *result = memory;
    return 0;
}
