/*
 * The GNU OpenMP team oneDNN runs on, borrowed for our own kernels.
 *
 * Debian's libdnnl is built against libgomp. Using its thread pool (instead
 * of a second pool, or clang's libomp) means our kernels and oneDNN's
 * primitives take turns on the same threads and never oversubscribe the
 * cores. The entry points are looked up at run time because libgomp is a
 * dependency of libdnnl, not something we link ourselves.
 */
#ifndef FOVEA_OPENMP_TEAM_H
#define FOVEA_OPENMP_TEAM_H

/** Calls `body(context)` on up to `threads` threads and returns when all finished. */
void fovea_team_run(void (*body)(void *), void *context, int threads);

/** Inside `body`: this thread's index and the team's size. */
int fovea_team_thread(void);
int fovea_team_size(void);

#endif
