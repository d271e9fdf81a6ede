#define _GNU_SOURCE
#include "openmp_team.h"

#include <dlfcn.h>
#include <pthread.h>

typedef void (*parallel_entry)(void (*)(void *), void *, unsigned, unsigned);
typedef int (*team_query)(void);

static parallel_entry start_parallel;
static team_query thread_number, team_threads;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

static void resolve(void) {
    thread_number = (team_query)dlsym(RTLD_DEFAULT, "omp_get_thread_num");
    team_threads = (team_query)dlsym(RTLD_DEFAULT, "omp_get_num_threads");
    if (thread_number && team_threads) {
        start_parallel = (parallel_entry)dlsym(RTLD_DEFAULT, "GOMP_parallel");
    }
}

void fovea_team_run(void (*body)(void *), void *context, int threads) {
    pthread_once(&resolved, resolve);
    if (start_parallel && threads > 1) {
        start_parallel(body, context, (unsigned)threads, 0);
    } else {
        body(context);
    }
}

/* Outside a parallel region libgomp answers 0 and 1, which is also right
   for the serial fallback. */
int fovea_team_thread(void) { return start_parallel ? thread_number() : 0; }

int fovea_team_size(void) { return start_parallel ? team_threads() : 1; }
